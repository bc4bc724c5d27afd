/* SPDX-License-Identifier: MIT */
/*
 * overvisor findings: list tracked findings, show one finding's history,
 * list exceptions (imported and Azure policy exemptions).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "overvisor/report.h"
#include "overvisor/store.h"
#include "cli.h"

enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV };

struct out {
	FILE		*f;	/* destination */
	enum fmt	 fmt;	/* output format */
	size_t		 n;	/* rows written */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: overvisor findings list --db DB [--state S] [--breached]\n"
	    "           [--owner PARTY] [--responsible PARTY] [--duty D]\n"
	    "           [--severity S] [--since DATE]\n"
	    "           [--format text|json|csv]\n"
	    "       overvisor findings show FINGERPRINT --db DB\n"
	    "       overvisor findings exceptions --db DB [--format text|json]\n"
	    "\n"
	    "Findings tracked in the store across scans, with their lifecycle\n"
	    "state (new, open, resolved, reopened, excepted; 'active' = new,\n"
	    "open or reopened), first/last seen, due date and SLA breach.\n"
	    "DB is a SQLite file or a postgresql:// URL.\n"
	    "\n"
	    "  --db DB           the findings store\n"
	    "  --state S         only findings in state S\n"
	    "  --breached        only findings past due and still open\n"
	    "  --owner PARTY     accountable party (contract name, id or kind:\n"
	    "                    csp, msp...), or customer/microsoft/shared\n"
	    "  --responsible PARTY  the party that must act (contract name,\n"
	    "                    id or kind: csp, msp, customer)\n"
	    "  --duty D          contract duty, e.g. os-patching\n"
	    "  --severity S      info, low, medium, high or critical (exact)\n"
	    "  --since DATE      first seen on or after DATE\n"
	    "  --format F        text (default), json or csv\n"
	    "\n"
	    "Exit status: 0 ok, 2 usage, 3 bad argument, 5 store error.\n");
}

static void
date(int64_t t, char *buf, size_t size)
{
	if (t == 0) {
		snprintf(buf, size, "-");
		return;
	}
	ov_format_time(t, buf, size);
	if (size > 10)
		buf[10] = '\0';
}

static int
print_finding(const ov_store_finding *x, void *payload)
{
	struct out *o = payload;
	char first[32], last[32], due[32], resolved[32];
	FILE *f = o->f;

	date(x->first_seen, first, sizeof(first));
	date(x->last_seen, last, sizeof(last));
	date(x->due, due, sizeof(due));
	date(x->resolved_at, resolved, sizeof(resolved));
	switch (o->fmt) {
	case FMT_TEXT:
		if (o->n == 0)
			fprintf(f, "%-16s %-9s %-8s %-12s %-10s %-10s %-10s "
			    "%-7s %-28s %s\n", "FINGERPRINT", "STATE",
			    "SEVERITY", "RULE", "FIRST", "LAST", "DUE",
			    "BREACH", "RESPONSIBLE", "RESOURCE");
		fprintf(f, "%-16.16s %-9s %-8s %-12s %-10s %-10s %-10s %-7s "
		    "%-28s %s\n", x->fingerprint, x->state,
		    ov_severity_name(x->severity), x->rule, first, last, due,
		    x->breached ? "yes" : "no", x->responsible != NULL ?
		    x->responsible : "-", x->resource_id);
		break;
	case FMT_JSON:
		fputs(o->n == 0 ? "[\n  {" : ",\n  {", f);
		fputs("\"fingerprint\": ", f);
		ov_json_fput_string(x->fingerprint, f);
		fputs(", \"state\": ", f);
		ov_json_fput_string(x->state, f);
		fputs(", \"severity\": ", f);
		ov_json_fput_string(ov_severity_name(x->severity), f);
		fputs(", \"rule\": ", f);
		ov_json_fput_string(x->rule, f);
		fputs(", \"title\": ", f);
		ov_json_fput_string(x->title, f);
		fputs(", \"resourceId\": ", f);
		ov_json_fput_string(x->resource_id, f);
		fputs(", \"resourceType\": ", f);
		ov_json_fput_string(x->resource_type, f);
		fputs(", \"tenant\": ", f);
		ov_json_fput_string(x->tenant, f);
		fputs(", \"owner\": ", f);
		ov_json_fput_string(x->owner, f);
		fputs(", \"responsible\": ", f);
		ov_json_fput_string(x->responsible, f);
		fputs(", \"accountable\": ", f);
		ov_json_fput_string(x->accountable, f);
		fputs(", \"consulted\": ", f);
		ov_json_fput_string(x->consulted, f);
		fputs(", \"informed\": ", f);
		ov_json_fput_string(x->informed, f);
		fputs(", \"duty\": ", f);
		ov_json_fput_string(x->duty, f);
		fputs(", \"firstSeen\": ", f);
		cli_json_time(f, x->first_seen);
		fputs(", \"lastSeen\": ", f);
		cli_json_time(f, x->last_seen);
		fputs(", \"resolvedAt\": ", f);
		cli_json_time(f, x->resolved_at);
		fputs(", \"due\": ", f);
		cli_json_time(f, x->due);
		fprintf(f, ", \"breached\": %s, \"reopenCount\": %u}",
		    x->breached ? "true" : "false", x->reopen_count);
		break;
	case FMT_CSV: {
		/* the csv report's own row writer: formula cells neutralised */
		static const char *const head[] = { "fingerprint", "state",
		    "severity", "rule", "title", "resource_id",
		    "resource_type", "tenant", "owner", "accountable", "duty",
		    "first_seen", "last_seen", "resolved_at", "due",
		    "breached", "reopen_count", "responsible", "consulted",
		    "informed" };
		const char *row[20];
		char reopens[24];

		if (o->n == 0)
			(void)ov_report_csv_row(f, head, 20);
		snprintf(reopens, sizeof(reopens), "%u", x->reopen_count);
		row[0] = x->fingerprint;
		row[1] = x->state;
		row[2] = ov_severity_name(x->severity);
		row[3] = x->rule;
		row[4] = x->title;
		row[5] = x->resource_id;
		row[6] = x->resource_type;
		row[7] = x->tenant;
		row[8] = x->owner;
		row[9] = x->accountable;
		row[10] = x->duty;
		row[11] = first;
		row[12] = last;
		row[13] = x->resolved_at ? resolved : "";
		row[14] = x->due ? due : "";
		row[15] = x->breached ? "true" : "false";
		row[16] = reopens;
		row[17] = x->responsible;
		row[18] = x->consulted;
		row[19] = x->informed;
		(void)ov_report_csv_row(f, row, 20);
		break;
	}
	}
	o->n++;
	return 0;
}

static int
parse_format(const char *s, enum fmt *out)
{
	if (strcmp(s, "text") == 0)
		*out = FMT_TEXT;
	else if (strcmp(s, "json") == 0)
		*out = FMT_JSON;
	else if (strcmp(s, "csv") == 0)
		*out = FMT_CSV;
	else
		return -1;
	return 0;
}

static int
open_store(ov_ctx **ctx, ov_store **s, const char *db)
{
	int rc;

	if ((rc = cli_ctx_new(ctx)) != 0)
		return rc;
	if (ov_store_open(s, *ctx, db, OV_STORE_READONLY) < 0)
		return cli_error_ctx(*ctx);
	return 0;
}

/* The --state values: the lifecycle states and "active". */
static bool
state_known(const char *s)
{
	static const char *const states[] = { "new", "open", "resolved",
	    "reopened", "excepted", "active" };
	size_t i;

	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(s, states[i]) == 0)
			return true;
	return false;
}

static int
findings_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "state", required_argument, NULL, 's' },
		{ "breached", no_argument, NULL, 'b' },
		{ "owner", required_argument, NULL, 'o' },
		{ "responsible", required_argument, NULL, 'r' },
		{ "duty", required_argument, NULL, 'u' },
		{ "severity", required_argument, NULL, 'S' },
		{ "since", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	ov_store_filter filter = OV_STORE_FILTER_INIT;
	struct out o = { stdout, FMT_TEXT, 0 };
	const char *db = NULL;
	ov_ctx *ctx = NULL;
	ov_store *s = NULL;
	ov_severity sev;
	int c, rc = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 's':
			if (!state_known(optarg))
				return cli_usage_error("findings", "unknown "
				    "state '%s'", optarg);
			filter.state = optarg;
			break;
		case 'b': filter.breached = true; break;
		case 'o': filter.owner = optarg; break;
		case 'r': filter.responsible = optarg; break;
		case 'u': filter.duty = optarg; break;
		case 'S':
			if (ov_severity_parse(optarg, &sev) < 0)
				return cli_usage_error("findings", "unknown "
				    "severity '%s'", optarg);
			filter.severity = (int)sev;
			break;
		case 'n':
			if (ov_parse_time(optarg, &filter.since) < 0)
				return cli_usage_error("findings", "--since: "
				    "'%s' is not an ISO 8601 date", optarg);
			break;
		case 'f':
			if (parse_format(optarg, &o.fmt) < 0)
				return cli_usage_error("findings", "unknown "
				    "format '%s'", optarg);
			break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		default: return cli_usage_error("findings", "bad option");
		}
	}
	if (db == NULL)
		return cli_usage_error("findings", "--db is required");
	if (optind < argc)
		return cli_usage_error("findings", "unexpected argument '%s'",
		    argv[optind]);
	if ((rc = open_store(&ctx, &s, db)) != 0)
		goto done;
	if (ov_store_findings_list(s, &filter, print_finding, &o) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	if (o.fmt == FMT_JSON)
		fputs(o.n == 0 ? "[]\n" : "\n]\n", stdout);
	else if (o.fmt == FMT_TEXT && o.n == 0)
		fputs("no findings\n", stdout);
	rc = cli_close_output(stdout);
done:
	ov_store_close(s);
	ov_ctx_free(ctx);
	return rc;
}

static int
print_event(const ov_store_event *e, void *payload)
{
	char at[32];

	(void)payload;
	ov_format_time(e->at, at, sizeof(at));
	printf("  %s  scan %-5lld %-9s -> %-9s%s%s\n", at,
	    (long long)e->scan_id, e->from_state != NULL ? e->from_state : "-",
	    e->to_state, e->note != NULL ? "  " : "",
	    e->note != NULL ? e->note : "");
	return 0;
}

static int
findings_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL, *fp = NULL;
	ov_store_finding f;
	ov_ctx *ctx = NULL;
	ov_store *s = NULL;
	char first[32], last[32], due[32], resolved[32];
	int c, rc = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		default: return cli_usage_error("findings", "bad option");
		}
	}
	if (optind < argc)
		fp = argv[optind++];
	if (db == NULL || fp == NULL)
		return cli_usage_error("findings", "show needs FINGERPRINT "
		    "and --db");
	if ((rc = open_store(&ctx, &s, db)) != 0)
		goto done;
	if (ov_store_finding_history(s, fp, &f, NULL, NULL) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	ov_format_time(f.first_seen, first, sizeof(first));
	ov_format_time(f.last_seen, last, sizeof(last));
	date(f.due, due, sizeof(due));
	date(f.resolved_at, resolved, sizeof(resolved));
	printf("fingerprint  %s\n", f.fingerprint);
	printf("rule         %s  %s\n", f.rule, f.title != NULL ? f.title : "");
	printf("severity     %s\n", ov_severity_name(f.severity));
	printf("resource     %s\n", f.resource_id);
	if (f.resource_type != NULL)
		printf("type         %s\n", f.resource_type);
	printf("tenant       %s\n", f.tenant);
	printf("state        %s%s\n", f.state,
	    f.breached ? "  (SLA breached)" : "");
	printf("owner        %s\n", f.owner != NULL ? f.owner : "-");
	printf("responsible  %s\n", f.responsible != NULL ? f.responsible :
	    "-");
	printf("accountable  %s\n", f.accountable != NULL ? f.accountable : "-");
	printf("consulted    %s\n", f.consulted != NULL ? f.consulted : "-");
	printf("informed     %s\n", f.informed != NULL ? f.informed : "-");
	printf("duty         %s\n", f.duty != NULL ? f.duty : "-");
	printf("first seen   %s (scan %lld)\n", first, (long long)f.first_scan);
	printf("last seen    %s (scan %lld)\n", last, (long long)f.last_scan);
	printf("due          %s\n", due);
	printf("resolved at  %s\n", resolved);
	printf("reopened     %u time%s\n", f.reopen_count,
	    f.reopen_count == 1 ? "" : "s");
	printf("history:\n");
	if (ov_store_finding_history(s, fp, NULL, print_event, NULL) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	rc = cli_close_output(stdout);
done:
	ov_store_close(s);
	ov_ctx_free(ctx);
	return rc;
}

static int
print_exception(const ov_store_exception *e, void *payload)
{
	struct out *o = payload;
	char exp[32];

	/* the last day it holds, as exceptions.yaml wrote it */
	if (e->expires != 0)
		ov_format_expiry(e->expires, exp, sizeof(exp));
	else
		snprintf(exp, sizeof(exp), "-");
	if (o->fmt == FMT_JSON) {
		fputs(o->n == 0 ? "[\n  {\"kind\": " : ",\n  {\"kind\": ",
		    stdout);
		ov_json_fput_string(e->kind, stdout);
		fputs(", \"rule\": ", stdout);
		ov_json_fput_string(e->rule, stdout);
		fputs(", \"resource\": ", stdout);
		ov_json_fput_string(e->resource, stdout);
		fputs(", \"justification\": ", stdout);
		ov_json_fput_string(e->justification, stdout);
		fputs(", \"approver\": ", stdout);
		ov_json_fput_string(e->approver, stdout);
		fputs(", \"ticket\": ", stdout);
		ov_json_fput_string(e->ticket, stdout);
		fputs(", \"expires\": ", stdout);
		if (e->expires != 0)
			ov_json_fput_string(exp, stdout);
		else
			fputs("null", stdout);
		fputs(", \"expiresAt\": ", stdout);
		cli_json_time(stdout, e->expires);
		printf(", \"expired\": %s}", e->expired ? "true" : "false");
	} else {
		if (o->n == 0)
			printf("%-22s %-10s %-8s %-12s %-24s %s\n", "KIND",
			    "EXPIRES", "STATUS", "TICKET", "RULE",
			    "RESOURCE");
		printf("%-22s %-10s %-8s %-12s %-24s %s\n", e->kind, exp,
		    e->expired ? "expired" : "active",
		    e->ticket != NULL ? e->ticket : "-",
		    e->rule != NULL ? e->rule : "-",
		    e->resource != NULL ? e->resource : "-");
	}
	o->n++;
	return 0;
}

static int
findings_exceptions(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct out o = { stdout, FMT_TEXT, 0 };
	const char *db = NULL;
	ov_ctx *ctx = NULL;
	ov_store *s = NULL;
	int c, rc = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'f':
			if (parse_format(optarg, &o.fmt) < 0 ||
			    o.fmt == FMT_CSV)
				return cli_usage_error("findings", "unknown "
				    "format '%s'", optarg);
			break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		default: return cli_usage_error("findings", "bad option");
		}
	}
	if (db == NULL)
		return cli_usage_error("findings", "--db is required");
	if ((rc = open_store(&ctx, &s, db)) != 0)
		goto done;
	if (ov_store_exceptions_list(s, print_exception, &o) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	if (o.fmt == FMT_JSON)
		fputs(o.n == 0 ? "[]\n" : "\n]\n", stdout);
	else if (o.n == 0)
		fputs("no exceptions\n", stdout);
	rc = cli_close_output(stdout);
done:
	ov_store_close(s);
	ov_ctx_free(ctx);
	return rc;
}

/* overvisor findings list|show|exceptions. */
int
cmd_findings(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "list") == 0)
		return findings_list(argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return findings_show(argc - 1, argv + 1);
	if (strcmp(argv[1], "exceptions") == 0)
		return findings_exceptions(argc - 1, argv + 1);
	return cli_usage_error("findings", "unknown sub-command '%s'",
	    argv[1]);
}
