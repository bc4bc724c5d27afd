/* SPDX-License-Identifier: MIT */
/*
 * overvisor contract check|validate: the operator contract.  `check`
 * answers the eight questions a customer puts to its CSP from the contract
 * and a snapshot, with evidence or a gap; `validate` only parses the file.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "overvisor/contract.h"
#include "overvisor/finding.h"
#include "overvisor/json.h"
#include "overvisor/scan.h"
#include "overvisor/snapshot.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: overvisor contract check [--contract FILE] [--format text|json]\n"
	    "                                [--output FILE] [--strict] PATH...\n"
	    "       overvisor contract validate FILE\n"
	    "\n"
	    "check     answer the CSP questions (who patches and how fast, who\n"
	    "          reviews roles, who triages Defender, which policies deny,\n"
	    "          the last restore test, reporting, the 2am pager, the\n"
	    "          frameworks) from the contract and the snapshot at PATH,\n"
	    "          each with evidence or a gap; the findings behind the\n"
	    "          answers are those `overvisor scan` reports\n"
	    "validate  parse FILE and report the first invalid field\n"
	    "\n"
	    "  -c, --contract FILE  operator contract (default: built-in defaults)\n"
	    "  -f, --format FMT     text (default) or json\n"
	    "  -o, --output FILE    write there instead of standard output\n"
	    "      --strict         exit 1 when any question is a gap or partial\n"
	    "  -h, --help           this help\n"
	    "\n"
	    "The analysis clock is OVERVISOR_NOW, else the snapshot's collectedAt.\n"
	    "Exit: 0 done, 1 gaps with --strict, 2 usage, 3 bad input.\n");
}

static void
jlist(FILE *f, const char *const *v, size_t n)
{
	size_t i;

	fputc('[', f);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputs(", ", f);
		ov_json_fput_string(v[i], f);
	}
	fputc(']', f);
}

static void
write_json(FILE *f, const ov_scan_result *chk, const ov_contract *c)
{
	const ov_findings *fs = ov_scan_findings(chk);
	size_t i;

	fputs("{\n  \"contract\": ", f);
	ov_json_fput_string(ov_contract_source(c), f);
	fputs(",\n  \"questions\": [\n", f);
	for (i = 0; i < ov_scan_n_answers(chk); i++) {
		const ov_contract_answer *a = ov_scan_answer(chk, i);

		fputs("    {\"id\": ", f);
		ov_json_fput_string(a->id, f);
		fputs(", \"question\": ", f);
		ov_json_fput_string(a->question, f);
		fputs(", \"duty\": ", f);
		ov_json_fput_string(a->duty, f);
		fputs(", \"status\": ", f);
		ov_json_fput_string(ov_answer_status_name(a->status), f);
		fputs(",\n     \"answer\": ", f);
		ov_json_fput_string(a->answer, f);
		fputs(",\n     \"evidence\": ", f);
		jlist(f, a->evidence, a->n_evidence);
		fputs(",\n     \"gaps\": ", f);
		jlist(f, a->gaps, a->n_gaps);
		fprintf(f, "}%s\n", i + 1 < ov_scan_n_answers(chk) ?
		    "," : "");
	}
	fprintf(f, "  ],\n  \"findings\": %zu\n}\n", ov_findings_count(fs));
}

static void
write_text(FILE *f, const ov_scan_result *chk, const ov_contract *c)
{
	size_t i, j, n_gap = 0, n_partial = 0;

	fprintf(f, "Operator contract: %s\n\n", ov_contract_source(c) != NULL ?
	    ov_contract_source(c) : "(built-in defaults)");
	for (i = 0; i < ov_scan_n_answers(chk); i++) {
		const ov_contract_answer *a = ov_scan_answer(chk, i);

		if (a->status == OV_ANSWER_GAP)
			n_gap++;
		else if (a->status == OV_ANSWER_PARTIAL)
			n_partial++;
		fprintf(f, "%s  %-8s %s\n", a->id,
		    ov_answer_status_name(a->status), a->question);
		fprintf(f, "    answer:   %s\n", a->answer);
		for (j = 0; j < a->n_evidence; j++)
			fprintf(f, "    evidence: %s\n", a->evidence[j]);
		for (j = 0; j < a->n_gaps; j++)
			fprintf(f, "    gap:      %s\n", a->gaps[j]);
		fputc('\n', f);
	}
	fprintf(f, "%zu questions: %zu answered, %zu partial, %zu gap; %zu "
	    "findings behind them (see `overvisor scan`)\n",
	    ov_scan_n_answers(chk), ov_scan_n_answers(chk) -
	    n_gap - n_partial, n_partial, n_gap,
	    ov_findings_count(ov_scan_findings(chk)));
}

static int
validate(int argc, char **argv)
{
	ov_ctx *ctx = NULL;
	ov_contract *c = NULL;
	int rc;

	if (argc == 2 && cli_is_help(argv[1])) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (argc != 2 || (argv[1][0] == '-' && argv[1][1] != '\0'))
		return cli_usage_error("contract", "validate takes one FILE");
	if ((rc = cli_ctx_new(&ctx)) != 0)
		return rc;
	if (ov_contract_load_file(&c, ctx, argv[1]) != 0) {
		rc = cli_error_ctx(ctx);
	} else {
		printf("%s: valid\n", argv[1]);
		rc = CLI_EXIT_OK;
	}
	ov_contract_free(c);
	ov_ctx_free(ctx);
	return rc;
}

static int
check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "contract", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "strict", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *contract = NULL, *format = "text", *output = NULL;
	ov_scan_options so = OV_SCAN_OPTIONS_INIT;
	ov_scan_result *chk = NULL;
	ov_snapshot *snap = NULL;
	ov_contract *c = NULL;
	ov_ctx *ctx = NULL;
	bool strict = false, json;
	FILE *out = NULL;
	size_t i;
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:f:o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': contract = optarg; break;
		case 'f': format = optarg; break;
		case 'o': output = optarg; break;
		case 's': strict = true; break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		default: return cli_usage_error("contract", "bad option");
		}
	}
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
		return cli_usage_error("contract", "unknown format '%s'",
		    format);
	json = strcmp(format, "json") == 0;
	if (optind >= argc)
		return cli_usage_error("contract", "no snapshot PATH given");
	if ((rc = cli_ctx_new(&ctx)) != 0)
		return rc;
	if (cli_apply_clock(ctx) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	if (contract != NULL) {
		if (ov_contract_load_file(&c, ctx, contract) != 0) {
			rc = cli_error_ctx(ctx);
			goto done;
		}
	} else if (ov_contract_default(&c, ctx) != 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	if (ov_snapshot_new(&snap, ctx) != 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	/* The scan pipeline, with the questions answered from its findings. */
	so.data_dir = cli_data_dir();
	so.contract = c;
	so.questions = true;
	if (cli_scan_inputs(&chk, ctx, snap, argv + optind,
	    (size_t)(argc - optind), 0, &so) != 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	if (ov_snapshot_n_errors(snap) > 0)
		cli_warn("%zu input errors; see `overvisor inspect`",
		    ov_snapshot_n_errors(snap));
	if ((out = cli_open_output(output)) == NULL) {
		rc = CLI_EXIT_INPUT;
		goto done;
	}
	if (json)
		write_json(out, chk, c);
	else
		write_text(out, chk, c);
	rc = cli_close_output(out);
	if (rc == CLI_EXIT_OK && strict)
		for (i = 0; i < ov_scan_n_answers(chk); i++)
			if (ov_scan_answer(chk, i)->status !=
			    OV_ANSWER_ANSWERED)
				rc = CLI_EXIT_FINDINGS;
done:
	ov_scan_result_free(chk);
	ov_snapshot_free(snap);
	ov_contract_free(c);
	ov_ctx_free(ctx);
	return rc;
}

/* overvisor contract SUBCOMMAND ... */
int
cmd_contract(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "check") == 0)
		return check(argc - 1, argv + 1);
	if (strcmp(argv[1], "validate") == 0)
		return validate(argc - 1, argv + 1);
	return cli_usage_error("contract", "unknown sub-command '%s'",
	    argv[1]);
}
