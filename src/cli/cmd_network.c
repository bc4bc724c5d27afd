/* SPDX-License-Identifier: MIT */
/*
 * overvisor network exposure|flows|diff: what can reach each workload, the
 * zone-to-zone matrix, and NSG rule drift against a baseline.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "overvisor/exceptions.h"
#include "overvisor/finding.h"
#include "overvisor/network.h"
#include "overvisor/snapshot.h"

#define NET_MAX_FLAGS 64

static void
usage(FILE *f)
{
	fputs("usage: overvisor network exposure PATH... [--format text|json]\n"
	    "       overvisor network flows PATH... [--zone-tag TAG] "
	    "[--forbid FROM:TO]... [--no-default-forbid] [--format text|json]\n"
	    "       overvisor network diff BASELINE CURRENT "
	    "[--exceptions FILE]\n"
	    "            [--except RULE-ID-GLOB@YYYY-MM-DD]... "
	    "[--format text|json]\n"
	    "\n"
	    "exposure  internet paths to each VM, scale set or NIC: public IP,\n"
	    "          load balancer rule or NAT, application gateway, firewall\n"
	    "          DNAT, with the NSG rules that let each one through\n"
	    "flows     allowed traffic between zones (tag --zone-tag, default\n"
	    "          env, else the VNet) across peerings; dev/test -> prod on\n"
	    "          management and database ports is forbidden by default\n"
	    "diff      NSG rules added, widened, narrowed or removed since\n"
	    "          BASELINE; added or widened allow rules without an\n"
	    "          unexpired exception are findings\n"
	    "\n"
	    "  -f, --format FMT     text (default) or json\n"
	    "  -o, --output FILE    write there instead of stdout\n"
	    "  -z, --zone-tag TAG   tag that names zones (default env)\n"
	    "  -F, --forbid A:B     zone A must not reach zone B\n"
	    "      --no-default-forbid  drop the dev/test -> prod default\n"
	    "  -x, --exceptions FILE  exceptions.yaml: an entry whose rule\n"
	    "                       matches OV-NET-130/131 and whose resource\n"
	    "                       matches the NSG rule id covers the change\n"
	    "                       until it expires\n"
	    "  -e, --except P@DATE  exception: NSG rule id glob, expiry date\n"
	    "      --findings       also print the findings (json lines)\n"
	    "\n"
	    "exit: 0 nothing found, 1 findings, 2 usage, 3 input (also malformed\n"
	    "      network data, whose exposure is indeterminate)\n", f);
}

static int
load(ov_ctx *ctx, ov_snapshot **out, char **paths, int n)
{
	ov_snapshot *s = NULL;
	int i, error;

	if ((error = ov_snapshot_new(&s, ctx)) < 0)
		return cli_error_ctx(ctx);
	for (i = 0; i < n; i++)
		if ((error = ov_snapshot_load(s, paths[i], 0)) < 0) {
			error = cli_error_ctx(ctx);
			ov_snapshot_free(s);
			return error;
		}
	*out = s;
	return 0;
}

static void
print_findings(FILE *f, const ov_findings *l)
{
	size_t i, k;

	for (i = 0; i < ov_findings_count(l); i++) {
		const ov_finding *x = ov_findings_get(l, i);

		fprintf(f, "%s %s %s %s\n", ov_severity_name(x->severity),
		    x->rule, x->resource_id, x->title);
		for (k = 0; k < x->n_evidence; k++)
			if (x->evidence[k].message != NULL)
				fprintf(f, "    %s\n", x->evidence[k].message);
	}
}

/* overvisor network ... */
int
cmd_network(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "zone-tag", required_argument, NULL, 'z' },
		{ "forbid", required_argument, NULL, 'F' },
		{ "no-default-forbid", no_argument, NULL, 'N' },
		{ "except", required_argument, NULL, 'e' },
		{ "exceptions", required_argument, NULL, 'x' },
		{ "findings", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *forbid[NET_MAX_FLAGS], *except[NET_MAX_FLAGS];
	size_t n_forbid = 0, n_except = 0;
	const char *output = NULL, *zone_tag = NULL, *verb;
	const char *exc_path = NULL;
	ov_exceptions *exc = NULL;
	ov_network_format fmt = OV_NETWORK_TEXT;
	bool no_default = false, show_findings = false;
	ov_ctx *ctx = NULL;
	ov_snapshot *a = NULL, *b = NULL;
	ov_network *net = NULL;
	ov_network_diff *diff = NULL;
	ov_findings *found = NULL;
	FILE *out = NULL;
	int c, status = CLI_EXIT_OK, error;

	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	verb = argv[1];
	if (strcmp(verb, "exposure") != 0 && strcmp(verb, "flows") != 0 &&
	    strcmp(verb, "diff") != 0)
		return cli_usage_error("network", "unknown action '%s'", verb);
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:z:F:e:x:h", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "json") == 0)
				fmt = OV_NETWORK_JSON;
			else if (strcmp(optarg, "text") == 0)
				fmt = OV_NETWORK_TEXT;
			else
				return cli_usage_error("network",
				    "unknown format '%s'", optarg);
			break;
		case 'o':
			output = optarg;
			break;
		case 'z':
			zone_tag = optarg;
			break;
		case 'F':
			if (strchr(optarg, ':') == NULL ||
			    n_forbid == NET_MAX_FLAGS)
				return cli_usage_error("network",
				    "--forbid wants FROM:TO");
			forbid[n_forbid++] = optarg;
			break;
		case 'N':
			no_default = true;
			break;
		case 'e': {
			const char *at = strrchr(optarg, '@');
			int64_t exp;

			if (at == NULL || n_except == NET_MAX_FLAGS)
				return cli_usage_error("network",
				    "--except wants GLOB@YYYY-MM-DD (an "
				    "exception needs an expiry)");
			if (ov_parse_expiry(at + 1, &exp) < 0)
				return cli_usage_error("network",
				    "--except '%s': '%s' is not a valid date",
				    optarg, at + 1);
			except[n_except++] = optarg;
			break;
		}
		case 'x':
			exc_path = optarg;
			break;
		case 'P':
			show_findings = true;
			break;
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		default:
			return cli_usage_error("network", "bad option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("network", "%s needs a PATH", verb);
	if (strcmp(verb, "diff") == 0 && argc - optind != 2)
		return cli_usage_error("network", "diff needs BASELINE and "
		    "CURRENT");
	if (cli_ctx_new(&ctx) < 0)
		return CLI_EXIT_INTERNAL;
	if ((status = cli_apply_clock(ctx)) != 0)
		goto done;
	if (ov_findings_new(&found) < 0) {
		status = CLI_EXIT_INTERNAL;
		goto done;
	}
	if (strcmp(verb, "diff") == 0) {
		ov_network_diff_options dopt = OV_NETWORK_DIFF_OPTIONS_INIT;

		if ((status = load(ctx, &a, argv + optind, 1)) != 0 ||
		    (status = load(ctx, &b, argv + optind + 1, 1)) != 0)
			goto done;
		if (exc_path != NULL &&
		    ov_exceptions_load(&exc, ctx, exc_path) < 0) {
			status = cli_error_ctx(ctx);
			goto done;
		}
		dopt.exceptions = exc;
		dopt.exception_patterns = except;
		dopt.n_exception_patterns = n_except;
		if ((error = ov_network_diff_new(&diff, ctx, a, b, &dopt)) < 0 ||
		    (error = ov_network_diff_findings(diff, found)) < 0) {
			status = cli_error_ctx(ctx);
			goto done;
		}
	} else {
		ov_network_options nopt = OV_NETWORK_OPTIONS_INIT;

		if ((status = load(ctx, &a, argv + optind, argc - optind)) != 0)
			goto done;
		nopt.zone_tag = zone_tag;
		nopt.forbid = forbid;
		nopt.n_forbid = n_forbid;
		nopt.no_default_forbid = no_default;
		nopt.skip_flows = strcmp(verb, "exposure") == 0;
		if ((error = ov_network_analyze(&net, ctx, a, &nopt)) < 0 ||
		    (error = ov_network_findings(net, found)) < 0) {
			status = cli_error_ctx(ctx);
			goto done;
		}
	}
	if ((out = cli_open_output(output)) == NULL) {
		status = CLI_EXIT_INPUT;
		goto done;
	}
	if (diff != NULL)
		error = ov_network_write_diff(diff, fmt, out);
	else if (strcmp(verb, "flows") == 0)
		error = ov_network_write_flows(net, fmt, out);
	else
		error = ov_network_write_exposure(net, fmt, out);
	ov_findings_sort(found);
	if (show_findings || (fmt == OV_NETWORK_TEXT &&
	    strcmp(verb, "flows") == 0)) {
		/* flows text shows the forbidden ones as findings */
		size_t i;
		bool any = false;

		for (i = 0; i < ov_findings_count(found); i++)
			if (show_findings || strcmp(ov_findings_get(found,
			    i)->rule, "OV-NET-120") == 0)
				any = true;
		if (any && show_findings)
			print_findings(out, found);
	}
	if (error < 0 || ov_network_n_malformed(net) != 0)
		status = CLI_EXIT_INPUT;	/* unreadable data: indeterminate */
	else if (ov_findings_count(found) > 0)
		status = CLI_EXIT_FINDINGS;
	if (cli_close_output(out) != 0)
		status = CLI_EXIT_INPUT;
done:
	ov_findings_free(found);
	ov_network_diff_free(diff);
	ov_exceptions_free(exc);
	ov_network_free(net);
	ov_snapshot_free(a);
	ov_snapshot_free(b);
	ov_ctx_free(ctx);
	return status;
}
