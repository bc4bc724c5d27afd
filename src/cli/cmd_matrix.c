/* SPDX-License-Identifier: MIT */
/*
 * overvisor matrix: which layers of the shared-responsibility model the
 * customer owns for the resources in hand, with counts and the open
 * findings per layer.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "overvisor/raci.h"
#include "overvisor/scan.h"
#include "overvisor/snapshot.h"
#include "cli.h"

static void
usage(FILE *f)
{
	fputs("usage: overvisor matrix [options] PATH...\n"
	    "\n"
	    "Show, for the estate at PATH, who owns each layer of the\n"
	    "shared-responsibility model (customer, Microsoft, shared) under\n"
	    "each service model, how many resources fall on each side, and\n"
	    "the open findings per layer.  Resource types missing from the\n"
	    "service-model table are listed as unknown.\n"
	    "\n"
	    "  --format FMT     text (default), json or html\n"
	    "  --output FILE    write to FILE instead of stdout\n"
	    "  --no-findings    do not scan; show ownership only\n"
	    "  -h, --help       show this help\n"
	    "\n"
	    "Exit status: 0 success, 2 usage, 3 input, 70 internal error.\n",
	    f);
}

/* overvisor matrix [--format F] [--output FILE] PATH... */
int
cmd_matrix(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "no-findings", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	ov_scan_options so = OV_SCAN_OPTIONS_INIT;
	const char *format = "text", *output = NULL;
	ov_snapshot *snap = NULL;
	ov_scan_result *result = NULL;
	ov_raci *raci = NULL;
	ov_ctx *ctx = NULL;
	FILE *out = NULL;
	int c, status = CLI_EXIT_OK, no_findings = 0;

	while ((c = getopt_long(argc, argv, "f:o:h", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'n':
			no_findings = 1;
			break;
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		default:
			return cli_usage_error("matrix", "bad option");
		}
	}
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 &&
	    strcmp(format, "html") != 0)
		return cli_usage_error("matrix", "unknown format '%s'", format);
	if (optind >= argc)
		return cli_usage_error("matrix", "no input PATH given");
	if ((status = cli_ctx_new(&ctx)) != 0)
		return status;
	if (cli_apply_clock(ctx) < 0 || ov_raci_load(&raci, ctx,
	    cli_data_dir()) < 0 || ov_snapshot_new(&snap, ctx) < 0) {
		status = cli_error_ctx(ctx);
		goto done;
	}
	/* without findings only the records' types are read */
	so.data_dir = cli_data_dir();
	so.no_rules = so.no_analyzers = no_findings;
	if (cli_scan_inputs(&result, ctx, snap, argv + optind,
	    (size_t)(argc - optind), 0, &so) < 0) {
		status = cli_error_ctx(ctx);
		goto done;
	}
	if (ov_snapshot_n_errors(snap) != 0)
		cli_warn("%zu input error%s; run 'overvisor inspect' for "
		    "details", ov_snapshot_n_errors(snap),
		    ov_snapshot_n_errors(snap) == 1 ? "" : "s");
	if ((out = cli_open_output(output)) == NULL) {
		status = CLI_EXIT_INPUT;
		goto done;
	}
	if (ov_raci_write_matrix(raci, snap, !no_findings ?
	    ov_scan_findings(result) : NULL, format, out) < 0)
		status = cli_error_ctx(ctx);
	if (cli_close_output(out) != 0 && status == CLI_EXIT_OK)
		status = CLI_EXIT_INPUT;
done:
	ov_scan_result_free(result);
	ov_snapshot_free(snap);
	ov_raci_free(raci);
	ov_ctx_free(ctx);
	return status;
}
