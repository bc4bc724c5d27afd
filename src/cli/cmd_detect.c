/* SPDX-License-Identifier: MIT */
/*
 * overvisor detect: match Sigma rules against activity, sign-in, audit and
 * risk-detection logs and report the detections as findings.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "overvisor/contract.h"
#include "overvisor/finding.h"
#include "overvisor/report.h"
#include "overvisor/sigma.h"
#include "overvisor/store.h"
#include "cli.h"

#define MAX_RULES 64

static void
usage(FILE *f)
{
	fputs("usage: overvisor detect [options] LOG...\n"
	    "\n"
	    "Match Sigma rules against the events of each LOG (a file or a\n"
	    "directory): Azure Activity Log (az monitor activity-log list,\n"
	    "diagnostic-settings {\"records\": [...]} blobs and NDJSON, Log\n"
	    "Analytics exports), Entra sign-in and directory audit logs\n"
	    "(Microsoft Graph pages, diagnostic-settings exports) and risk\n"
	    "detections.  Each detection is a finding on the resource or\n"
	    "principal the event is about, with duty defender-triage and the\n"
	    "due date from the contract's triage SLA.\n"
	    "\n"
	    "  --rules PATH       also load these Sigma rules (file or\n"
	    "                     directory, repeatable)\n"
	    "  --no-bundled       do not load the bundled rules/sigma\n"
	    "  --since DATE       skip events before DATE (ISO 8601)\n"
	    "  --until DATE       skip events at or after DATE\n"
	    "  --format FMT       text (default), json, ndjson, csv, sarif,\n"
	    "                     junit, ocsf or html\n"
	    "  --output FILE      write the report to FILE instead of stdout\n"
	    "  --fail-on SEV      exit 1 when a finding is at or above SEV:\n"
	    "                     critical, high (default), medium, low, info\n"
	    "                     or none\n"
	    "  --contract FILE    operator contract (triage SLA, accountable\n"
	    "                     party)\n"
	    "  --tenant ID        tenant id for fingerprints and the store\n"
	    "  --db PATH|URL      record the detections in a findings store\n"
	    "  --evidence N       events kept as evidence per finding\n"
	    "                     (default 5)\n"
	    "  -h, --help         show this help\n"
	    "\n"
	    "Rules that cannot run are counted on stderr; `overvisor sigma\n"
	    "check` lists them with positions.\n"
	    "\n"
	    "Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage,\n"
	    "3 input (a log or rule file is unreadable or has bad events),\n"
	    "5 store, 70 internal error.\n", f);
}

/* Record the detections in the store. */
static int
store_detections(ov_ctx *ctx, const char *db, const char *tenant,
    const char *label, const ov_findings *findings)
{
	ov_scan_record meta = OV_SCAN_RECORD_INIT;
	ov_store *store = NULL;
	int64_t scan_id = 0;
	int status = 0;

	meta.tenant = tenant != NULL ? tenant : "";
	meta.tool_version = OV_VERSION;
	meta.label = label;
	/* Detections are never resolved by their absence from a log. */
	meta.has_manifest = false;
	if (ov_store_open(&store, ctx, db, OV_STORE_MIGRATE) < 0 ||
	    ov_store_record_scan(store, &meta, findings, NULL, NULL,
	    &scan_id) < 0)
		status = cli_error_ctx(ctx);
	ov_store_close(store);
	return status;
}

/* Parse a date option. */
static int
parse_date(const char *s, int64_t *out)
{
	return ov_parse_time(s, out) < 0 ? -1 : 0;
}

/* overvisor detect */
int
cmd_detect(int argc, char **argv)
{
	enum { O_RULES = 256, O_NO_BUNDLED, O_SINCE, O_UNTIL, O_FAIL_ON,
	    O_CONTRACT, O_TENANT, O_DB, O_EVIDENCE };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "rules", required_argument, NULL, O_RULES },
		{ "no-bundled", no_argument, NULL, O_NO_BUNDLED },
		{ "since", required_argument, NULL, O_SINCE },
		{ "until", required_argument, NULL, O_UNTIL },
		{ "fail-on", required_argument, NULL, O_FAIL_ON },
		{ "contract", required_argument, NULL, O_CONTRACT },
		{ "tenant", required_argument, NULL, O_TENANT },
		{ "db", required_argument, NULL, O_DB },
		{ "evidence", required_argument, NULL, O_EVIDENCE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	ov_sigma_options so = OV_SIGMA_OPTIONS_INIT;
	ov_sigma_detect_options dopt = OV_SIGMA_DETECT_OPTIONS_INIT;
	const char *rules_paths[MAX_RULES], *output = NULL, *db = NULL;
	const char *contract_path = NULL, *tenant = NULL;
	ov_report_format fmt = OV_REPORT_TEXT;
	ov_sigma_rules *rules = NULL;
	ov_sigma_detector *det = NULL;
	ov_contract *contract = NULL;
	ov_findings *findings = NULL;
	ov_report_input in;
	ov_sigma_stats st;
	ov_ctx *ctx = NULL;
	bool bundled = true;
	char *label = NULL, path[4096], *end;
	size_t n_rules = 0, i, n_bad_rules = 0, n_at = 0;
	int fail_on = OV_SEV_HIGH, c, status, error;
	ov_severity sev;
	long ev;
	FILE *out = NULL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (ov_report_format_parse(optarg, &fmt) < 0)
				return cli_usage_error("detect",
				    "unknown format '%s'", optarg);
			break;
		case 'o':
			output = optarg;
			break;
		case O_RULES:
			if (n_rules == MAX_RULES)
				return cli_usage_error("detect",
				    "too many --rules options");
			rules_paths[n_rules++] = optarg;
			break;
		case O_NO_BUNDLED:
			bundled = false;
			break;
		case O_SINCE:
			if (parse_date(optarg, &dopt.since) < 0)
				return cli_usage_error("detect",
				    "--since: '%s' is not an ISO 8601 date",
				    optarg);
			break;
		case O_UNTIL:
			if (parse_date(optarg, &dopt.until) < 0)
				return cli_usage_error("detect",
				    "--until: '%s' is not an ISO 8601 date",
				    optarg);
			break;
		case O_FAIL_ON:
			if (strcmp(optarg, "none") == 0)
				fail_on = -1;
			else if (ov_severity_parse(optarg, &sev) < 0)
				return cli_usage_error("detect",
				    "unknown severity '%s'", optarg);
			else
				fail_on = (int)sev;
			break;
		case O_CONTRACT:
			contract_path = optarg;
			break;
		case O_TENANT:
			tenant = optarg;
			break;
		case O_DB:
			db = optarg;
			break;
		case O_EVIDENCE:
			ev = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || ev < 1 ||
			    ev > 100)
				return cli_usage_error("detect",
				    "--evidence takes 1 to 100");
			dopt.max_evidence = (size_t)ev;
			break;
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		default:
			return cli_usage_error("detect", "bad option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("detect", "no LOG given");
	if (!bundled && n_rules == 0)
		return cli_usage_error("detect", "--no-bundled needs --rules");
	if (dopt.since != 0 && dopt.until != 0 && dopt.until <= dopt.since)
		return cli_usage_error("detect", "--until is not after --since");
	if ((status = cli_ctx_new(&ctx)) != 0)
		return status;
	so.data_dir = cli_data_dir();
	if (ov_sigma_rules_new(&rules, ctx, &so) < 0) {
		status = cli_error_ctx(ctx);
		goto done;
	}
	if (bundled) {
		snprintf(path, sizeof(path), "%s/rules/sigma", so.data_dir);
		if (ov_sigma_rules_load(rules, path) < 0) {
			status = cli_error_ctx(ctx);
			goto done;
		}
	}
	for (i = 0; i < n_rules; i++)
		if (ov_sigma_rules_load(rules, rules_paths[i]) < 0) {
			status = cli_error_ctx(ctx);
			goto done;
		}
	if (ov_sigma_rules_compile(rules) < 0) {
		status = cli_error_ctx(ctx);
		goto done;
	}
	for (i = 0; i < ov_sigma_rules_n_diags(rules); i++) {
		const ov_sigma_diag *d = ov_sigma_rules_diag(rules, i);

		n_bad_rules += d->level == OV_SIGMA_DIAG_ERROR;
		n_at += d->level == OV_SIGMA_DIAG_UNSUPPORTED;
	}
	if (n_bad_rules + n_at != 0)
		cli_warn("%zu rule%s cannot run (%zu invalid, %zu unsupported); "
		    "run 'overvisor sigma check' for the reasons",
		    n_bad_rules + n_at, n_bad_rules + n_at == 1 ? "" : "s",
		    n_bad_rules, n_at);
	if (contract_path != NULL &&
	    ov_contract_load_file(&contract, ctx, contract_path) < 0) {
		status = cli_error_ctx(ctx);
		goto done;
	}
	dopt.contract = contract;
	if (ov_sigma_detector_new(&det, ctx, rules, &dopt) < 0) {
		status = cli_error_ctx(ctx);
		goto done;
	}
	for (i = (size_t)optind; i < (size_t)argc; i++)
		if (ov_sigma_detector_read(det, argv[i]) < 0) {
			status = cli_error_ctx(ctx);
			goto done;
		}
	for (i = 0; i < ov_sigma_detector_n_errors(det); i++)
		cli_warn("%s", ov_sigma_detector_error(det, i));
	ov_sigma_detector_stats(det, &st);
	if (st.errors > ov_sigma_detector_n_errors(det))
		cli_warn("%llu more bad events not shown",
		    (unsigned long long)(st.errors -
		    ov_sigma_detector_n_errors(det)));
	if (ov_findings_new(&findings) < 0 || (tenant != NULL &&
	    ov_findings_set_tenant(findings, tenant) < 0)) {
		cli_error("out of memory");
		status = CLI_EXIT_INTERNAL;
		goto done;
	}
	if (ov_sigma_detector_finish(det, findings) < 0) {
		status = cli_error_ctx(ctx);
		goto done;
	}
	ov_findings_sort(findings);
	if ((label = cli_join_args(argc, argv, optind)) == NULL) {
		cli_error("out of memory");
		status = CLI_EXIT_INTERNAL;
		goto done;
	}
	if (db != NULL && (error = store_detections(ctx, db, tenant, label,
	    findings)) != 0) {
		status = error;
		goto done;
	}
	memset(&in, 0, sizeof(in));
	in.tool_version = OV_VERSION;
	in.snapshot = label;
	in.tenant = tenant;
	in.generated_at = ov_ctx_now(ctx);
	in.n_records = (size_t)st.events;
	in.n_files = (size_t)st.files;
	in.n_input_errors = (size_t)st.errors;
	in.n_rules = ov_sigma_rules_count(rules);
	in.findings = findings;
	in.title = "overvisor detections";
	if ((out = cli_open_output(output)) == NULL) {
		status = CLI_EXIT_USAGE;
		goto done;
	}
	error = ov_report_write(out, fmt, &in, fmt == OV_REPORT_TEXT &&
	    out == stdout && isatty(STDOUT_FILENO) && getenv("NO_COLOR") ==
	    NULL ? OV_REPORT_COLOR : 0);
	if (cli_close_output(out) != 0 || error < 0) {
		cli_error("cannot write the report");
		status = CLI_EXIT_INPUT;
		goto done;
	}
	if (st.errors != 0)
		status = CLI_EXIT_INPUT;
	else {
		size_t k, hits = 0;

		for (k = 0; fail_on >= 0 && k < ov_findings_count(findings);
		    k++)
			hits += (int)ov_findings_get(findings, k)->severity >=
			    fail_on;
		status = hits != 0 ? CLI_EXIT_FINDINGS : CLI_EXIT_OK;
	}
done:
	free(label);	/* checksrc: allow */
	ov_findings_free(findings);
	ov_sigma_detector_free(det);
	ov_contract_free(contract);
	ov_sigma_rules_free(rules);
	ov_ctx_free(ctx);
	return status;
}
