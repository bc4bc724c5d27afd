/* SPDX-License-Identifier: MIT */
/*
 * overvisor diff: drift between two recorded scans — records added and
 * removed, security-relevant properties changed, findings new, resolved
 * and reopened.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "overvisor/store.h"
#include "cli.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: overvisor diff --db DB [--from SCAN|DATE] [--to SCAN|DATE]\n"
	    "           [--format text|json]\n"
	    "\n"
	    "What changed between two scans.  SCAN is a scan id (see 'overvisor\n"
	    "scans list'); DATE picks the latest scan collected on or before it.\n"
	    "--to defaults to the latest scan, --from to the scan before --to of\n"
	    "the same tenant.\n"
	    "\n"
	    "Exit status: 0 ok, 2 usage, 3 no such scan, 5 store error.\n");
}

struct dctx {
	bool	 json;		/* JSON output */
	size_t	 n;		/* items written */
	int	 last_kind;	/* for text section headers */
};

static int
print_item(const ov_diff_item *it, void *payload)
{
	struct dctx *d = payload;

	if (d->json) {
		fputs(d->n == 0 ? "[\n  {\"kind\": " : ",\n  {\"kind\": ",
		    stdout);
		ov_json_fput_string(ov_diff_kind_name(it->kind), stdout);
		fputs(", \"id\": ", stdout);
		ov_json_fput_string(it->id, stdout);
		fputs(", \"type\": ", stdout);
		ov_json_fput_string(it->type, stdout);
		if (it->kind == OV_DIFF_PROPERTY_CHANGED) {
			/* before/after are JSON text already */
			printf(", \"path\": ");
			ov_json_fput_string(it->path, stdout);
			printf(", \"before\": %s, \"after\": %s",
			    it->before != NULL ? it->before : "null",
			    it->after != NULL ? it->after : "null");
		}
		if (it->fingerprint != NULL) {
			fputs(", \"fingerprint\": ", stdout);
			ov_json_fput_string(it->fingerprint, stdout);
			fputs(", \"rule\": ", stdout);
			ov_json_fput_string(it->rule, stdout);
			fputs(", \"severity\": ", stdout);
			ov_json_fput_string(ov_severity_name(it->severity),
			    stdout);
			fputs(", \"title\": ", stdout);
			ov_json_fput_string(it->title, stdout);
		}
		putchar('}');
		d->n++;
		return 0;
	}
	if ((int)it->kind != d->last_kind) {
		printf("%s%s:\n", d->n ? "\n" : "", ov_diff_kind_name(it->kind));
		d->last_kind = (int)it->kind;
	}
	switch (it->kind) {
	case OV_DIFF_RECORD_ADDED:
	case OV_DIFF_RECORD_REMOVED:
		printf("  %s  (%s)\n", it->id, it->type != NULL ? it->type : "");
		break;
	case OV_DIFF_PROPERTY_CHANGED:
		printf("  %s\n    %s: %s -> %s\n", it->id, it->path,
		    it->before != NULL ? it->before : "(absent)",
		    it->after != NULL ? it->after : "(absent)");
		break;
	default:
		printf("  %.16s %-8s %-12s %s\n", it->fingerprint,
		    ov_severity_name(it->severity), it->rule, it->id);
		break;
	}
	d->n++;
	return 0;
}

/* A scan id ("12") or an ISO 8601 date, as ov_store_find_scan() takes. */
static bool
scan_spec_ok(const char *s)
{
	int64_t t;
	size_t n = strspn(s, "0123456789");

	if (n > 0 && n < 19 && s[n] == '\0')
		return true;
	return ov_parse_time(s, &t) == 0;
}

/* overvisor diff. */
int
cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct dctx d = { false, 0, -1 };
	const char *db = NULL, *from_s = NULL, *to_s = NULL;
	ov_ctx *ctx = NULL;
	ov_store *s = NULL;
	int64_t from = 0, to = 0;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'f':
		case 't':
			if (!scan_spec_ok(optarg))
				return cli_usage_error("diff", "--%s: '%s' is "
				    "neither a scan id nor an ISO 8601 date",
				    c == 'f' ? "from" : "to", optarg);
			if (c == 'f')
				from_s = optarg;
			else
				to_s = optarg;
			break;
		case 'F':
			if (strcmp(optarg, "json") == 0)
				d.json = true;
			else if (strcmp(optarg, "text") != 0)
				return cli_usage_error("diff", "unknown "
				    "format '%s'", optarg);
			break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		default: return cli_usage_error("diff", "bad option");
		}
	}
	if (db == NULL)
		return cli_usage_error("diff", "--db is required");
	if (optind < argc)
		return cli_usage_error("diff", "unexpected argument '%s'",
		    argv[optind]);
	if ((rc = cli_ctx_new(&ctx)) != 0)
		return rc;
	if (ov_store_open(&s, ctx, db, OV_STORE_READONLY) < 0 ||
	    ov_store_find_scan(s, to_s != NULL ? to_s :
	    "9999-12-31T23:59:59Z", &to) < 0 ||
	    (from_s != NULL ? ov_store_find_scan(s, from_s, &from) :
	    ov_store_previous_scan(s, to, &from)) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	if (!d.json)
		printf("drift from scan %lld to scan %lld\n", (long long)from,
		    (long long)to);
	if (ov_store_diff(s, from, to, print_item, &d) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	if (d.json)
		fputs(d.n == 0 ? "[]\n" : "\n]\n", stdout);
	else if (d.n == 0)
		fputs("no changes\n", stdout);
	rc = cli_close_output(stdout);
done:
	ov_store_close(s);
	ov_ctx_free(ctx);
	return rc;
}
