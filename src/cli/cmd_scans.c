/* SPDX-License-Identifier: MIT */
/* overvisor scans list: the scans recorded in a findings store. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "overvisor/store.h"
#include "cli.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: overvisor scans list --db DB [--format text|json]\n"
	    "\n"
	    "List the scans recorded in the store, oldest first: id, snapshot\n"
	    "time, tenant, findings seen, sources fully collected, tool and\n"
	    "rule-pack versions.  DB is a SQLite file or a postgresql:// URL.\n"
	    "\n"
	    "Exit status: 0 ok, 2 usage, 5 store error.\n");
}

static int
print_scan(const ov_store_scan *sc, void *payload)
{
	size_t *n = payload;
	char at[32];

	ov_format_time(sc->collected_at, at, sizeof(at));
	if (*n == 0)
		printf("%-5s %-20s %-36s %9s %-9s %-9s %s\n", "ID", "COLLECTED",
		    "TENANT", "FINDINGS", "SOURCES", "TOOL", "RULES");
	printf("%-5lld %-20s %-36s %9llu %4llu/%-4llu %-9s %s%s\n",
	    (long long)sc->id, at, sc->tenant[0] != '\0' ? sc->tenant : "-",
	    (unsigned long long)sc->n_findings,
	    (unsigned long long)sc->n_collected,
	    (unsigned long long)sc->n_sources,
	    sc->tool_version != NULL ? sc->tool_version : "-",
	    sc->rulepack_version != NULL ? sc->rulepack_version : "-",
	    sc->complete ? "" : "  (partial)");
	(*n)++;
	return 0;
}

static int
print_scan_json(const ov_store_scan *sc, void *payload)
{
	size_t *n = payload;
	char at[32], rec[32];

	ov_format_time(sc->collected_at, at, sizeof(at));
	ov_format_time(sc->recorded_at, rec, sizeof(rec));
	printf("%s  {\"id\": %lld, \"collectedAt\": \"%s\", \"recordedAt\": "
	    "\"%s\", \"findings\": %llu, \"sources\": %llu, \"collected\": "
	    "%llu, \"complete\": %s}", *n == 0 ? "[\n" : ",\n",
	    (long long)sc->id, at, rec, (unsigned long long)sc->n_findings,
	    (unsigned long long)sc->n_sources,
	    (unsigned long long)sc->n_collected,
	    sc->complete ? "true" : "false");
	(*n)++;
	return 0;
}

/* overvisor scans list. */
int
cmd_scans(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL;
	bool json = false;
	ov_ctx *ctx = NULL;
	ov_store *s = NULL;
	size_t n = 0;
	int c, rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "list") != 0)
		return cli_usage_error("scans", "unknown sub-command '%s'",
		    argv[1]);
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "text") != 0)
				return cli_usage_error("scans", "unknown "
				    "format '%s'", optarg);
			break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		default: return cli_usage_error("scans", "bad option");
		}
	}
	if (db == NULL)
		return cli_usage_error("scans", "--db is required");
	if ((rc = cli_ctx_new(&ctx)) != 0)
		return rc;
	if (ov_store_open(&s, ctx, db, OV_STORE_READONLY) < 0 ||
	    ov_store_scans_list(s, json ? print_scan_json : print_scan,
	    &n) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	if (json)
		fputs(n == 0 ? "[]\n" : "\n]\n", stdout);
	else if (n == 0)
		fputs("no scans\n", stdout);
	rc = cli_close_output(stdout);
done:
	ov_store_close(s);
	ov_ctx_free(ctx);
	return rc;
}
