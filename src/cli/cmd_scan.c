/* SPDX-License-Identifier: MIT */
/*
 * overvisor scan: load the inputs, run the rule pack, the --policy
 * definitions and the analyzers, and report the findings.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "overvisor/finding.h"
#include "overvisor/iac.h"
#include "overvisor/report.h"
#include "overvisor/rules.h"
#include "overvisor/scan.h"
#include "overvisor/sigma.h"
#include "overvisor/snapshot.h"
#include "cli.h"


#define MAX_LIST 64

static void
usage(FILE *f)
{
	fputs("usage: overvisor scan [options] PATH...\n"
	    "\n"
	    "Evaluate the rule pack, any --policy definitions and the\n"
	    "analyzers on the snapshot(s) at PATH and report the findings.\n"
	    "PATH is a snapshot directory (manifest.json + NDJSON) or any\n"
	    "input `overvisor inspect` understands.  A PATH that is an\n"
	    "Activity Log, sign-in, audit or risk-detection log file is\n"
	    "matched against the bundled Sigma rules instead, and its\n"
	    "detections join the findings (see `overvisor detect`).\n"
	    "\n"
	    "  --format FMT       text (default), json, ndjson, csv, sarif,\n"
	    "                     junit, ocsf or html\n"
	    "  --output FILE      write the report to FILE instead of stdout\n"
	    "  --fail-on SEV      exit 1 when a finding is at or above SEV:\n"
	    "                     critical, high (default), medium, low, info\n"
	    "                     or none\n"
	    "  --rules DIR        rule pack directory (default: the bundled\n"
	    "                     rules/)\n"
	    "  --no-rules         do not evaluate the rule pack\n"
	    "  --policy PATH      also evaluate Azure Policy definitions,\n"
	    "                     initiatives or assignments (repeatable)\n"
	    "  --assigned         evaluate the --policy definitions through "
	    "the\n"
	    "                     snapshot's assignments and exemptions, as "
	    "Azure\n"
	    "                     does\n"
	    "  --aliases FILE     full alias table (az provider list shape)\n"
	    "  --contract FILE    operator contract (contract.yaml)\n"
	    "  --exceptions FILE  exceptions (exceptions.yaml)\n"
	    "  --framework ID     restrict to a framework and add its\n"
	    "                     compliance section (e.g. cis-azure-3.0.0)\n"
	    "  --analyzer NAME    run only this analyzer (repeatable)\n"
	    "  --no-analyzers     run no analyzer\n"
	    "  --baseline PATH    earlier snapshot, for drift findings\n"
	    "  --zone-tag TAG     tag naming network zones (default: the\n"
	    "                     contract's, else env)\n"
	    "  --parameters FILE  ARM parameters file for the templates\n"
	    "                     (repeatable; a later one wins)\n"
	    "  --parameter NAME=VALUE\n"
	    "                     a template parameter's value (repeatable)\n"
	    "  --scope ID         deploy templates to this subscription,\n"
	    "                     resource group or management group id\n"
	    "                     instead of the placeholder scope\n"
	    "  --db PATH|URL      record the scan in a findings store\n"
	    "  --min-severity SEV list only findings at or above SEV (text\n"
	    "                     and html count the rest in the summary;\n"
	    "                     other formats leave them out)\n"
	    "  --show-exempt      text: list exempt findings, not only count\n"
	    "                     them\n"
	    "  -v, --verbose      text: full resource id, parties, evidence,\n"
	    "                     controls and remediation under each finding\n"
	    "  -h, --help         show this help\n"
	    "\n"
	    "The analysis clock is the snapshot's collectedAt time, or\n"
	    "OVERVISOR_NOW when set, so a snapshot always gives the same report.\n"
	    "The text report fits COLUMNS (else the terminal's width, else 120)\n"
	    "and is coloured on a terminal unless NO_COLOR is set.\n"
	    "Records are loaded and evaluated on OVERVISOR_THREADS threads\n"
	    "(default: the online processors, at most 8); the report does not\n"
	    "depend on it.\n"
	    "\n"
	    "Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage,\n"
	    "3 input (after the report of the valid rest is written; also a\n"
	    "missing or empty rule pack), 5 store (after the report is\n"
	    "written), 70 internal error.\n", f);
}

static int
parse_fail_on(const char *s, int *out)
{
	ov_severity sev;

	if (strcmp(s, "none") == 0) {
		*out = -1;
		return 0;
	}
	if (ov_severity_parse(s, &sev) < 0)
		return -1;
	*out = (int)sev;
	return 0;
}

/* Columns for the text report: COLUMNS, the terminal's, else 120. */
static unsigned
text_width(FILE *out)
{
	const char *c = getenv("COLUMNS");
	struct winsize ws;
	char *end;
	long v;

	if (c != NULL && *c != '\0') {
		v = strtol(c, &end, 10);
		if (*end == '\0' && v > 0 && v < 100000)
			return (unsigned)v;
	}
	if (out == stdout && isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 120;
}

/* A copy of the findings at or above min, for the machine formats. */
static ov_findings *
at_least(const ov_findings *all, ov_severity min)
{
	ov_findings *out = NULL;
	const ov_finding *f;
	size_t i;

	if (ov_findings_new(&out) < 0)
		return NULL;
	for (i = 0; (f = ov_findings_get(all, i)) != NULL; i++)
		if (f->severity >= min && ov_findings_add(out, f) < 0) {
			ov_findings_free(out);
			return NULL;
		}
	return out;
}

/* ov_snapshot_types callback: stop (1) at policy assignments. */
static int
count_assignments(const char *type, size_t count, void *payload)
{
	(void)payload;
	return count != 0 && strcasecmp(type,
	    "Microsoft.Authorization/policyAssignments") == 0;
}

/* Sources the snapshot reports partial or failed. */
static size_t
partial_sources(const ov_snapshot *snap)
{
	ov_source_info si;
	size_t i, n = 0;

	for (i = 0; ov_snapshot_source(snap, i, &si) == 0; i++)
		if (si.status != NULL && (strcmp(si.status, "partial") == 0 ||
		    strcmp(si.status, "failed") == 0))
			n++;
	return n;
}

/* False when --framework names no catalogue under data_dir. */
static bool
framework_known(const char *data_dir, const char *id)
{
	ov_framework *fw = NULL;
	ov_ctx *ctx = NULL;
	bool known = true;	/* other failures: the scan reports them */

	if (ov_ctx_new(&ctx) < 0)
		return true;
	if (ov_framework_load(&fw, ctx, data_dir, id) == OV_ENOTFOUND)
		known = false;
	ov_framework_free(fw);
	ov_ctx_free(ctx);
	return known;
}

/* A rule set compiled by this process's parent (worker), or NULL. */
static const ov_ruleset *shared_ruleset;

/* Scans that use the built-in rule pack alone evaluate rs. */
void
cli_scan_share_ruleset(const ov_ruleset *rs)
{
	shared_ruleset = rs;
}

/* overvisor scan */
int
cmd_scan(int argc, char **argv)
{
	enum { O_RULES = 256, O_NO_RULES, O_POLICY, O_ALIASES, O_CONTRACT,
	    O_EXCEPTIONS, O_FRAMEWORK, O_ANALYZER, O_NO_ANALYZERS, O_BASELINE,
	    O_ZONE_TAG, O_DB, O_FAIL_ON, O_ASSIGNED, O_MIN_SEVERITY,
	    O_SHOW_EXEMPT, O_PARAMETERS, O_PARAMETER, O_SCOPE };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "fail-on", required_argument, NULL, O_FAIL_ON },
		{ "rules", required_argument, NULL, O_RULES },
		{ "no-rules", no_argument, NULL, O_NO_RULES },
		{ "policy", required_argument, NULL, O_POLICY },
		{ "assigned", no_argument, NULL, O_ASSIGNED },
		{ "aliases", required_argument, NULL, O_ALIASES },
		{ "contract", required_argument, NULL, O_CONTRACT },
		{ "exceptions", required_argument, NULL, O_EXCEPTIONS },
		{ "framework", required_argument, NULL, O_FRAMEWORK },
		{ "analyzer", required_argument, NULL, O_ANALYZER },
		{ "no-analyzers", no_argument, NULL, O_NO_ANALYZERS },
		{ "baseline", required_argument, NULL, O_BASELINE },
		{ "zone-tag", required_argument, NULL, O_ZONE_TAG },
		{ "db", required_argument, NULL, O_DB },
		{ "min-severity", required_argument, NULL, O_MIN_SEVERITY },
		{ "show-exempt", no_argument, NULL, O_SHOW_EXEMPT },
		{ "verbose", no_argument, NULL, 'v' },
		{ "parameters", required_argument, NULL, O_PARAMETERS },
		{ "parameter", required_argument, NULL, O_PARAMETER },
		{ "scope", required_argument, NULL, O_SCOPE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	ov_scan_options so = OV_SCAN_OPTIONS_INIT;
	const char *policies[MAX_LIST], *analyzers[MAX_LIST], *logs[MAX_LIST];
	uint64_t log_events = 0, log_errors = 0;
	size_t n_logs = 0, unusable = 0;
	const char *pfiles[MAX_LIST], *params[MAX_LIST];
	ov_iac_options io = OV_IAC_OPTIONS_INIT;
	char note[256];
	size_t n_partial = 0;
	const char *output = NULL, *baseline_path = NULL, *db = NULL;
	ov_report_format fmt = OV_REPORT_TEXT;
	ov_snapshot *snap = NULL, *baseline = NULL;
	ov_scan_result *result = NULL;
	ov_report_input in;
	ov_findings *shown = NULL;
	ov_severity min_sev = OV_SEV_INFO;
	ov_ctx *ctx = NULL;
	char *label = NULL;
	const char *nc;
	FILE *out = NULL;
	unsigned flags = 0;
	int fail_on = OV_SEV_HIGH, c, i, status, error;
	size_t n_policies = 0, n_analyzers = 0, n_inputs = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:hv", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (ov_report_format_parse(optarg, &fmt) < 0)
				return cli_usage_error("scan",
				    "unknown format '%s'", optarg);
			break;
		case 'o':
			output = optarg;
			break;
		case O_FAIL_ON:
			if (parse_fail_on(optarg, &fail_on) < 0)
				return cli_usage_error("scan",
				    "unknown severity '%s'", optarg);
			break;
		case O_RULES:
			so.rules_dir = optarg;
			break;
		case O_NO_RULES:
			so.no_rules = true;
			break;
		case O_ASSIGNED:
			so.assigned = true;
			break;
		case O_POLICY:
			if (n_policies == MAX_LIST)
				return cli_usage_error("scan",
				    "too many --policy options");
			policies[n_policies++] = optarg;
			break;
		case O_ALIASES:
			so.aliases_path = optarg;
			break;
		case O_CONTRACT:
			so.contract_path = optarg;
			break;
		case O_EXCEPTIONS:
			so.exceptions_path = optarg;
			break;
		case O_FRAMEWORK:
			so.framework = optarg;
			break;
		case O_ANALYZER:
			if (n_analyzers == MAX_LIST)
				return cli_usage_error("scan",
				    "too many --analyzer options");
			if (!ov_scan_analyzer_known(optarg))
				return cli_usage_error("scan",
				    "unknown analyzer '%s'", optarg);
			analyzers[n_analyzers++] = optarg;
			break;
		case O_NO_ANALYZERS:
			so.no_analyzers = true;
			break;
		case O_BASELINE:
			baseline_path = optarg;
			break;
		case O_ZONE_TAG:
			so.zone_tag = optarg;
			break;
		case O_DB:
			db = optarg;
			break;
		case O_PARAMETERS:
			if (io.n_parameter_files == MAX_LIST)
				return cli_usage_error("scan",
				    "too many --parameters options");
			pfiles[io.n_parameter_files++] = optarg;
			break;
		case O_PARAMETER:
			if (io.n_parameters == MAX_LIST)
				return cli_usage_error("scan",
				    "too many --parameter options");
			if (strchr(optarg, '=') == NULL || optarg[0] == '=')
				return cli_usage_error("scan", "--parameter "
				    "'%s' is not NAME=VALUE", optarg);
			params[io.n_parameters++] = optarg;
			break;
		case O_SCOPE:
			io.scope = optarg;
			break;
		case O_MIN_SEVERITY:
			if (ov_severity_parse(optarg, &min_sev) < 0)
				return cli_usage_error("scan",
				    "unknown severity '%s'", optarg);
			break;
		case O_SHOW_EXEMPT:
			flags |= OV_REPORT_SHOW_EXEMPT;
			break;
		case 'v':
			flags |= OV_REPORT_VERBOSE;
			break;
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		default:
			return cli_usage_error("scan", "bad option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("scan", "no input PATH given");
	so.data_dir = cli_data_dir();
	/* the store keeps the contract answers for the monthly report */
	so.questions = db != NULL;
	if (so.framework != NULL && !framework_known(so.data_dir,
	    so.framework))
		return cli_usage_error("scan", "unknown framework '%s' (see "
		    "'overvisor rules frameworks')", so.framework);
	so.policy_paths = n_policies != 0 ? policies : NULL;
	so.n_policy_paths = n_policies;
	so.analyzers = n_analyzers != 0 ? analyzers : NULL;
	so.n_analyzers = n_analyzers;
	/* the worker's rule set, compiled once before its jobs forked */
	if (shared_ruleset != NULL && so.rules_dir == NULL && !so.no_rules &&
	    n_policies == 0 && so.aliases_path == NULL && !so.assigned)
		so.ruleset = shared_ruleset;
	if ((status = cli_ctx_new(&ctx)) != 0)
		return status;
	if (ov_snapshot_new(&snap, ctx) < 0) {
		status = cli_error_ctx(ctx);
		goto done;
	}
	if ((label = cli_join_args(argc, argv, optind)) == NULL) {
		cli_error("out of memory");
		status = CLI_EXIT_INTERNAL;
		goto done;
	}
	io.parameter_files = pfiles;
	io.parameters = params;
	io.data_dir = cli_data_dir();
	if ((error = ov_snapshot_set_iac(snap, &io)) < 0) {
		status = error == OV_EIO || ov_error_last(ctx)->klass ==
		    OV_ERRCLASS_INPUT ? cli_error_ctx(ctx) : CLI_EXIT_USAGE;
		if (status == CLI_EXIT_USAGE)
			cli_usage_error("scan", "%s",
			    ov_error_last(ctx)->message);
		goto done;
	}
	for (i = optind; i < argc; i++) {
		/*
		 * Logs go to the detections, the rest to the snapshot: moved
		 * to the front of argv (the label is taken).
		 */
		if (ov_sigma_is_log_file(argv[i])) {
			if (n_logs == MAX_LIST) {
				status = cli_usage_error("scan",
				    "too many log files");
				goto done;
			}
			logs[n_logs++] = argv[i];
			continue;
		}
		argv[optind + n_inputs++] = argv[i];
	}
	so.log_paths = n_logs != 0 ? logs : NULL;
	so.n_log_paths = n_logs;
	if (baseline_path != NULL) {
		if (ov_snapshot_new(&baseline, ctx) < 0 ||
		    ov_snapshot_load(baseline, baseline_path, 0) < 0) {
			status = cli_error_ctx(ctx);
			goto done;
		}
		so.baseline = baseline;
	}
	/*
	 * Templates and plans are not a live estate: the analyzers that
	 * need one (accountability, network, duties) do not run on them,
	 * decided once the input is loaded.
	 */
	so.estate_analyzers = true;
	/* load and scan in one pass; a store needs the record digests */
	if (cli_scan_inputs(&result, ctx, snap, argv + optind, n_inputs,
	    db != NULL ? OV_LOAD_DIGEST : 0, &so) < 0) {
		status = cli_error_ctx(ctx);
		goto done;
	}
	if (ov_snapshot_n_errors(snap) != 0)
		cli_warn("%zu input error%s; run 'overvisor inspect' for "
		    "positions (valid records are still scanned)",
		    ov_snapshot_n_errors(snap),
		    ov_snapshot_n_errors(snap) == 1 ? "" : "s");
	if (ov_snapshot_n_warnings(snap) != 0)
		cli_warn("%zu input warning%s (such as a JSON key given twice, "
		    "whose last value is used); run 'overvisor inspect' for "
		    "positions", ov_snapshot_n_warnings(snap),
		    ov_snapshot_n_warnings(snap) == 1 ? "" : "s");
	note[0] = '\0';
	if (ov_snapshot_n_iac_records(snap) != 0)
		snprintf(note, sizeof(note), "%s; the analyzers that need a "
		    "live estate (accountability, network, duties) did not "
		    "run", ov_snapshot_n_iac_records(snap) ==
		    ov_snapshot_count(snap) ? "templates and plans only" :
		    "templates and plans are in this scan (scan a live estate "
		    "on its own for the analyzers)");
	if ((n_partial = partial_sources(snap)) != 0)
		cli_warn("%zu source%s partial or failed; nothing is resolved "
		    "from %s (the report's header names %s)", n_partial,
		    n_partial == 1 ? " is" : "s are", n_partial == 1 ? "it" :
		    "them", n_partial == 1 ? "it" : "them");
	if (n_policies != 0 && !so.assigned && ov_snapshot_types(snap,
	    count_assignments, NULL) != 0)
		cli_warn("the snapshot holds policy assignments this scan does "
		    "not apply; --assigned runs the --policy definitions "
		    "through them, as Azure does");
	ov_scan_log_stats(result, &log_events, &log_errors, &unusable);
	if (log_errors != 0)
		cli_warn("%llu bad log event%s skipped; run 'overvisor detect' "
		    "on the logs for positions", (unsigned long long)log_errors,
		    log_errors == 1 ? "" : "s");
	if (n_logs != 0 && unusable != 0)
		cli_warn("%zu Sigma rule%s cannot run; run 'overvisor sigma "
		    "check' for the reasons", unusable, unusable == 1 ? "" :
		    "s");
	if (ov_scan_n_malformed(result) != 0)
		cli_warn("%zu record%s with malformed data; the checks on them "
		    "are indeterminate (see the findings)",
		    ov_scan_n_malformed(result),
		    ov_scan_n_malformed(result) == 1 ? "" : "s");
	if (ov_scan_n_policy_errors(result) != 0)
		cli_warn("%zu policy definition%s could not be used; run "
		    "'overvisor policy check' for positions",
		    ov_scan_n_policy_errors(result),
		    ov_scan_n_policy_errors(result) == 1 ? "" : "s");
	ov_scan_report_input(result, label, &in);
	if (note[0] != '\0')
		in.note = note;
	in.min_severity = min_sev;
	if (min_sev > OV_SEV_INFO && fmt != OV_REPORT_TEXT &&
	    fmt != OV_REPORT_HTML) {
		if ((shown = at_least(in.findings, min_sev)) == NULL) {
			cli_error("out of memory");
			status = CLI_EXIT_INTERNAL;
			goto done;
		}
		in.findings = shown;
	}
	if ((out = cli_open_output(output)) == NULL) {
		status = CLI_EXIT_USAGE;
		goto done;
	}
	in.width = text_width(out);
	nc = getenv("NO_COLOR");
	if (fmt == OV_REPORT_TEXT && out == stdout &&
	    isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0'))
		flags |= OV_REPORT_COLOR;
	error = ov_report_write(out, fmt, &in, flags);
	if (cli_close_output(out) != 0 || error < 0) {
		cli_error("cannot write the report%s%s", output != NULL ? " to " :
		    "", output != NULL ? output : "");
		status = CLI_EXIT_INPUT;
		goto done;
	}
	/* Incomplete input outranks findings: the report may be missing some. */
	if (ov_snapshot_n_errors(snap) != 0 ||
	    ov_scan_n_policy_errors(result) != 0 || log_errors != 0 ||
	    ov_scan_n_malformed(result) != 0 || n_partial != 0)
		status = CLI_EXIT_INPUT;
	else
		status = fail_on >= 0 && ov_scan_count_at_least(result,
		    (ov_severity)fail_on) > 0 ? CLI_EXIT_FINDINGS : CLI_EXIT_OK;
	/* The report is written first, so an unusable store never costs
	 * CI its SARIF; the store's failure then decides the status. */
	if (db != NULL && (error = cli_store_scan(ctx, db, snap, result)) != 0)
		status = error;
done:
	free(label);	/* checksrc: allow */
	ov_findings_free(shown);
	ov_scan_result_free(result);
	ov_snapshot_free(baseline);
	ov_snapshot_free(snap);
	ov_ctx_free(ctx);
	return status;
}
