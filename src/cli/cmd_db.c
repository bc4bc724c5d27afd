/* SPDX-License-Identifier: MIT */
/* overvisor db migrate: create or upgrade a findings store in place. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/store.h"
#include "cli.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: overvisor db migrate --db DB [--to VERSION]\n"
	    "\n"
	    "Create the findings store, or upgrade an older one in place to\n"
	    "schema version %d, keeping every scan and finding.  DB is a SQLite\n"
	    "file or a postgresql:// URL.\n"
	    "\n"
	    "  --to VERSION   stop at this version (a staged upgrade)\n"
	    "\n"
	    "Exit status: 0 ok, 2 usage, 5 store error.\n",
	    OV_STORE_SCHEMA_VERSION);
}

/* overvisor db migrate. */
int
cmd_db(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL;
	ov_ctx *ctx = NULL;
	ov_store *s = NULL;
	unsigned from = 0, to = 0, want = 0;
	char shown[512], *end;
	long v;
	int c, rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "migrate") != 0)
		return cli_usage_error("db", "unknown sub-command '%s'",
		    argv[1]);
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 't':
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 1 ||
			    v > OV_STORE_SCHEMA_VERSION)
				return cli_usage_error("db", "--to: '%s' is not "
				    "a schema version (1 to %d)", optarg,
				    OV_STORE_SCHEMA_VERSION);
			want = (unsigned)v;
			break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		default: return cli_usage_error("db", "bad option");
		}
	}
	if (db == NULL)
		return cli_usage_error("db", "--db is required");
	if ((rc = cli_ctx_new(&ctx)) != 0)
		return rc;
	/* Connect only, so the version found can be reported. */
	if (ov_store_open(&s, ctx, db, OV_STORE_NOINIT) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	if (ov_store_migrate(s, want, &from) < 0 ||
	    ov_store_schema_version(s, &to) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	ov_store_mask_target(db, shown, sizeof(shown));
	if (from == to)
		printf("%s: %s schema at version %u, up to date\n", shown,
		    ov_store_backend(s), to);
	else
		printf("%s: %s schema upgraded from version %u to %u\n",
		    shown, ov_store_backend(s), from, to);
	rc = cli_close_output(stdout);
done:
	ov_store_close(s);
	ov_ctx_free(ctx);
	return rc;
}
