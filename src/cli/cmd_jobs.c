/* SPDX-License-Identifier: MIT */
/*
 * overvisor jobs enqueue|list|retry|cancel: the PostgreSQL job queue that
 * `overvisor worker` drains (operator mode).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/json.h"
#include "overvisor/queue.h"
#include "overvisor/store.h"
#include "cli.h"

static void
usage(FILE *f)
{
	fputs("usage: overvisor jobs enqueue TENANT --db URL\n"
	    "       overvisor jobs list --db URL [--state S] [--tenant T] "
	    "[--format text|json]\n"
	    "       overvisor jobs retry ID --db URL\n"
	    "       overvisor jobs cancel ID --db URL\n"
	    "\n"
	    "The job queue of operator mode (docs/operator.md): one job is one\n"
	    "run of one tenant, claimed by an overvisor worker.  enqueue\n"
	    "queues a run of a registered tenant now; list shows the jobs,\n"
	    "newest first (state queued, running, done, failed or cancelled,\n"
	    "attempts, when due or finished, the last error); retry queues a\n"
	    "failed or cancelled job again with its attempts from zero; cancel\n"
	    "stops a queued or running job (its worker stops the run at its\n"
	    "next lease renewal and records nothing).  Needs a PostgreSQL\n"
	    "store; a SQLite store has no queue.\n"
	    "\n"
	    "  --db URL        the PostgreSQL store (required)\n"
	    "  --state S       list: only jobs in this state\n"
	    "  --tenant T      list: only this tenant's jobs\n"
	    "  --format FMT    list: text (default) or json\n"
	    "  -h, --help      show this help\n"
	    "\n"
	    "Exit status: 0 ok, 2 usage, 3 no such job or tenant, or a job in\n"
	    "a state that does not allow it, 5 store error (a SQLite store\n"
	    "included).\n", f);
}

static int
print_job(const ov_queue_job *j, void *payload)
{
	size_t *n = payload;
	char when[32], tries[24];

	if ((*n)++ == 0)
		printf("%-8s %-38s %-10s %-9s %-8s %-20s %s\n", "ID", "TENANT",
		    "STATE", "KIND", "ATTEMPTS", "DUE/FINISHED", "LAST-ERROR");
	ov_format_time(j->finished_at != 0 ? j->finished_at :
	    j->state[0] == 'r' ? j->lease_until : j->not_before, when,
	    sizeof(when));
	snprintf(tries, sizeof(tries), "%d/%d", j->attempts, j->max_attempts);
	printf("%-8lld %-38s %-10s %-9s %-8s %-20s %.200s\n",
	    (long long)j->id, j->tenant, j->state, j->kind, tries, when,
	    j->last_error != NULL ? j->last_error : "");
	return 0;
}

static int
print_job_json(const ov_queue_job *j, void *payload)
{
	size_t *n = payload;
	char win[32], due[32], fin[32];

	ov_format_time(j->window_start, win, sizeof(win));
	ov_format_time(j->not_before, due, sizeof(due));
	ov_format_time(j->finished_at, fin, sizeof(fin));
	printf("%s{\"id\": %lld, \"tenant\": ", (*n)++ == 0 ? "[\n  " :
	    ",\n  ", (long long)j->id);
	ov_json_fput_string(j->tenant, stdout);
	printf(", \"kind\": \"%s\", \"state\": \"%s\", \"attempts\": %d, "
	    "\"maxAttempts\": %d, \"window\": \"%s\", \"due\": \"%s\", "
	    "\"finished\": ", j->kind, j->state, j->attempts, j->max_attempts,
	    win, due);
	ov_json_fput_string(j->finished_at != 0 ? fin : NULL, stdout);
	fputs(", \"worker\": ", stdout);
	ov_json_fput_string(j->lease_owner, stdout);
	fputs(", \"lastError\": ", stdout);
	ov_json_fput_string(j->last_error, stdout);
	if (j->scan_id != 0)
		printf(", \"scan\": %lld}", (long long)j->scan_id);
	else
		fputs(", \"scan\": null}", stdout);
	return 0;
}

/* overvisor jobs */
int
cmd_jobs(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "state", required_argument, NULL, 's' },
		{ "tenant", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const states[] = {
		"queued", "running", "done", "failed", "cancelled"
	};
	const char *db = NULL, *verb, *state = NULL, *tenant = NULL;
	const char *arg = NULL;
	bool json = false;
	ov_ctx *ctx = NULL;
	ov_store *s = NULL;
	int64_t id = 0;
	size_t n = 0, i;
	char *end;
	int c, rc = 0;

	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	verb = argv[1];
	if (strcmp(verb, "enqueue") != 0 && strcmp(verb, "list") != 0 &&
	    strcmp(verb, "retry") != 0 && strcmp(verb, "cancel") != 0)
		return cli_usage_error("jobs", "unknown jobs command '%s'",
		    verb);
	argc--;
	argv++;
	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, "h", lopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 's':
			for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
				if (strcmp(optarg, states[i]) == 0)
					break;
			if (i == sizeof(states) / sizeof(states[0]))
				rc = cli_usage_error("jobs", "--state: '%s' is "
				    "not queued, running, done, failed or "
				    "cancelled", optarg);
			state = optarg;
			break;
		case 't': tenant = optarg; break;
		case 'f': rc = cli_text_or_json("jobs", optarg, &json); break;
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		default:
			rc = cli_usage_error("jobs", "bad option");
			break;
		}
	}
	if (rc != 0)
		return rc;
	if (strcmp(verb, "list") != 0) {
		if (optind >= argc)
			return cli_usage_error("jobs", "%s needs %s", verb,
			    strcmp(verb, "enqueue") == 0 ? "a tenant id" :
			    "a job id");
		arg = argv[optind++];
		if (strcmp(verb, "enqueue") != 0) {
			id = strtoll(arg, &end, 10);
			if (*arg == '\0' || *end != '\0' || id < 1)
				return cli_usage_error("jobs", "'%s' is not a "
				    "job id", arg);
		}
	}
	if (optind < argc)
		return cli_usage_error("jobs", "unexpected argument '%s'",
		    argv[optind]);
	if (db == NULL)
		return cli_usage_error("jobs", "--db is required");
	if ((rc = cli_ctx_new(&ctx)) != 0)
		return rc;
	if ((rc = cli_queue_open(ctx, db, &s)) != 0)
		goto done;
	if (strcmp(verb, "enqueue") == 0) {
		if (ov_queue_enqueue(s, arg, &id) < 0)
			rc = cli_error_ctx(ctx);
		else
			printf("job %lld queued for %s\n", (long long)id, arg);
	} else if (strcmp(verb, "retry") == 0) {
		if (ov_queue_job_retry(s, id) < 0)
			rc = cli_error_ctx(ctx);
		else
			printf("job %lld queued again\n", (long long)id);
	} else if (strcmp(verb, "cancel") == 0) {
		if (ov_queue_job_cancel(s, id) < 0)
			rc = cli_error_ctx(ctx);
		else
			printf("job %lld cancelled\n", (long long)id);
	} else if (ov_queue_jobs_list(s, state, tenant, json ?
	    print_job_json : print_job, &n) < 0) {
		rc = cli_error_ctx(ctx);
	} else if (json) {
		fputs(n == 0 ? "[]\n" : "\n]\n", stdout);
	}
done:
	ov_store_close(s);
	ov_ctx_free(ctx);
	return rc;
}
