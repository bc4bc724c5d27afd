/* SPDX-License-Identifier: MIT */
/*
 * overvisor sigma check: compile Sigma rules and list every rule that
 * cannot run (invalid, unsupported, unmapped fields) with its position.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "overvisor/json.h"
#include "overvisor/sigma.h"
#include "cli.h"

static void
usage(FILE *f)
{
	fputs("usage: overvisor sigma check [--format text|json] [--strict] "
	    "RULES...\n"
	    "\n"
	    "Compile Sigma rules (files, or directories of .yml and .yaml\n"
	    "files) as `overvisor detect` would, and list every rule that\n"
	    "cannot run: invalid rules (error), valid Sigma that overvisor\n"
	    "does not support, such as a logsource with no log reader, a\n"
	    "field with no mapping for its logsource or the expand modifier\n"
	    "(unsupported), and warnings; each with file:line:column and\n"
	    "the reason.\n"
	    "\n"
	    "  --format FMT  text (default) or json\n"
	    "  --strict      unsupported rules fail the check too\n"
	    "  -h, --help    show this help\n"
	    "\n"
	    "Exit status: 0 every rule compiles (or is only unsupported),\n"
	    "2 usage, 3 a rule is invalid (or unsupported with --strict).\n",
	    f);
}

/* Write a JSON string to f. */
static int
fsink(const char *data, size_t len, void *payload)
{
	return fwrite(data, 1, len, payload) == len ? 0 : OV_EIO;
}

static void
jstr(FILE *f, const char *s)
{
	if (s == NULL)
		fputs("null", f);
	else
		ov_json_write_string(s, strlen(s), 0, fsink, f);
}

/* overvisor sigma */
int
cmd_sigma(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "strict", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	ov_sigma_options so = OV_SIGMA_OPTIONS_INIT;
	ov_sigma_rules *rules = NULL;
	ov_ctx *ctx = NULL;
	bool json = false, strict = false;
	size_t i, n_err = 0, n_unsup = 0, n_warn = 0;
	int c, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:sh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "text") != 0)
				return cli_usage_error("sigma",
				    "unknown format '%s'", optarg);
			break;
		case 's':
			strict = true;
			break;
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		default:
			return cli_usage_error("sigma", "bad option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("sigma", "no sub-command (check)");
	if (strcmp(argv[optind], "check") != 0)
		return cli_usage_error("sigma", "unknown sub-command '%s'",
		    argv[optind]);
	optind++;
	if (optind >= argc)
		return cli_usage_error("sigma", "no RULES given");
	if ((status = cli_ctx_new(&ctx)) != 0)
		return status;
	so.data_dir = cli_data_dir();
	if (ov_sigma_rules_new(&rules, ctx, &so) < 0) {
		status = cli_error_ctx(ctx);
		goto done;
	}
	for (i = (size_t)optind; i < (size_t)argc; i++)
		if (ov_sigma_rules_load(rules, argv[i]) < 0) {
			status = cli_error_ctx(ctx);
			goto done;
		}
	if (ov_sigma_rules_compile(rules) < 0) {
		status = cli_error_ctx(ctx);
		goto done;
	}
	if (json)
		fputs("{\"diagnostics\":[", stdout);
	for (i = 0; i < ov_sigma_rules_n_diags(rules); i++) {
		const ov_sigma_diag *d = ov_sigma_rules_diag(rules, i);

		n_err += d->level == OV_SIGMA_DIAG_ERROR;
		n_unsup += d->level == OV_SIGMA_DIAG_UNSUPPORTED;
		n_warn += d->level == OV_SIGMA_DIAG_WARNING;
		if (json) {
			printf("%s{\"file\":", i != 0 ? "," : "");
			jstr(stdout, d->file);
			printf(",\"line\":%u,\"column\":%u,\"level\":\"%s\","
			    "\"id\":", d->line, d->column,
			    ov_sigma_diag_level_name(d->level));
			jstr(stdout, d->rule_id);
			fputs(",\"title\":", stdout);
			jstr(stdout, d->title);
			fputs(",\"message\":", stdout);
			jstr(stdout, d->message);
			fputc('}', stdout);
			continue;
		}
		printf("%s:%u:%u: %s: %s", d->file, d->line, d->column,
		    ov_sigma_diag_level_name(d->level), d->message);
		if (d->title != NULL)
			printf(" [%s]", d->title);
		fputc('\n', stdout);
	}
	if (json)
		printf("],\"files\":%zu,\"compiled\":%zu,\"errors\":%zu,"
		    "\"unsupported\":%zu,\"warnings\":%zu}\n",
		    ov_sigma_rules_n_files(rules), ov_sigma_rules_count(rules),
		    n_err, n_unsup, n_warn);
	else
		printf("%zu rule%s compiled from %zu file%s; %zu invalid, %zu "
		    "unsupported, %zu warning%s\n", ov_sigma_rules_count(rules),
		    ov_sigma_rules_count(rules) == 1 ? "" : "s",
		    ov_sigma_rules_n_files(rules),
		    ov_sigma_rules_n_files(rules) == 1 ? "" : "s", n_err,
		    n_unsup, n_warn, n_warn == 1 ? "" : "s");
	status = n_err != 0 || (strict && n_unsup != 0) ? CLI_EXIT_INPUT :
	    CLI_EXIT_OK;
done:
	ov_sigma_rules_free(rules);
	ov_ctx_free(ctx);
	return status;
}
