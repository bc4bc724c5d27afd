/* SPDX-License-Identifier: MIT */
/*
 * overvisor worker: drain operator mode's PostgreSQL job queue.  One job
 * at a time: claim the next due one (FOR UPDATE SKIP LOCKED, under a
 * lease), run its tenant exactly as `operator run` does (operator_run.h:
 * its own process, its own credential, its own directory and lock),
 * renew the lease while it runs, and record the outcome under the lease.
 * The tenant's scan is fenced to the lease too, so a worker that lost its
 * lease records nothing and a job is recorded at most once.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "overvisor/queue.h"
#include "overvisor/store.h"
#include "cli.h"
#include "operator_run.h"

#define DEFAULT_LEASE	60
#define DEFAULT_BACKOFF	60
#define DEFAULT_POLL	5
#define SCHEDULE_EVERY	60	/* seconds between schedule passes */
#define MAX_SUBS	256

static volatile sig_atomic_t stopping;

static void
on_stop(int sig)
{
	stopping = sig;
}

static void
usage(FILE *f)
{
	fputs("usage: overvisor worker --db URL --state DIR [options]\n"
	    "\n"
	    "Drain operator mode's job queue in a PostgreSQL store (see\n"
	    "docs/operator.md): queue the due windows of the registered\n"
	    "tenants' schedules, then claim one due job at a time (FOR UPDATE\n"
	    "SKIP LOCKED), run its tenant as overvisor operator run does (a\n"
	    "process of its own with only its own credential, STATE/TENANT/,\n"
	    "a per-tenant lock), renew the job's lease while it runs, and\n"
	    "record the outcome.  Start as many workers on as many machines\n"
	    "as you like against one database.  A failed attempt is queued\n"
	    "again after a back-off that doubles each time, up to the\n"
	    "tenant's attempt limit, then marked failed with the reason.  A\n"
	    "worker killed outright loses nothing: its job's lease expires\n"
	    "and another worker runs it again.\n"
	    "\n"
	    "  --db URL         the PostgreSQL store (required)\n"
	    "  --state DIR      state directory (required)\n"
	    "  --once           run at most one job, then exit\n"
	    "  --lease S        lease seconds, renewed every S/3 (default 60)\n"
	    "  --backoff S      first retry after S seconds (default 60)\n"
	    "  --poll S         seconds between looks at an empty queue\n"
	    "                   (default 5)\n"
	    "  --name NAME      the worker's name in the queue (default\n"
	    "                   HOST:PID)\n"
	    "  --format FMT     each tenant's report, as operator run\n"
	    "  --ca-file FILE   an extra CA bundle for every tenant's\n"
	    "                   collection (collect --ca-file)\n"
	    "  -h, --help       show this help\n"
	    "\n"
	    "On SIGTERM or SIGINT the running tenant is stopped and its job\n"
	    "given back to the queue (the attempt not counted), then the\n"
	    "worker exits 0.\n"
	    "\n"
	    "Exit status: 0 (with --once: the job's run was clean, or no job\n"
	    "was due), 1 the job's run had findings, 3 or 4 or 70 the job's run\n"
	    "failed as operator run reports it, 2 usage, 5 store error (a\n"
	    "SQLite store included).\n", f);
}

/* A tenant read from the store, with its strings. */
struct wtenant {
	ov_operator_tenant	 t;
	char			*buf;
	const char		*subs[MAX_SUBS];
	int			 bad;	/* its row cannot be run */
};

static const char *
keep(char **p, const char *s)
{
	char *r = *p;
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	memcpy(r, s, n);
	*p += n;
	return r;
}

static int
load_tenant(const ov_queue_tenant *q, void *payload)
{
	struct wtenant *w = payload;
	const char *f[11] = { q->tenant, q->name, q->credential,
	    q->client_id, q->cloud, q->endpoints, q->contract, q->exceptions,
	    q->management_group, q->subscriptions, q->schedule };
	size_t i, n = 0;
	char *p, *sub;

	for (i = 0; i < 11; i++)
		n += f[i] != NULL ? strlen(f[i]) + 1 : 0;
	if ((w->buf = calloc(1, n + 1)) == NULL)	/* checksrc: allow */
		return OV_ENOMEM;
	p = w->buf;
	w->t.id = keep(&p, q->tenant);
	w->t.name = keep(&p, q->name);
	w->t.credential = keep(&p, q->credential);
	w->t.client_id = keep(&p, q->client_id);
	w->t.cloud = q->cloud != NULL && strcmp(q->cloud, "AzureCloud") != 0 ?
	    keep(&p, q->cloud) : NULL;
	w->t.endpoints = keep(&p, q->endpoints);
	w->t.contract = keep(&p, q->contract);
	w->t.exceptions = keep(&p, q->exceptions);
	w->t.management_group = keep(&p, q->management_group);
	sub = (char *)(uintptr_t)keep(&p, q->subscriptions);
	if (ov_operator_cred_parse(w->t.credential, &w->t.cred,
	    &w->t.cred_arg) < 0)
		w->bad = 1;
	/* comma-separated subscriptions */
	while (sub != NULL && *sub != '\0' && w->t.n_subscriptions <
	    MAX_SUBS) {
		w->subs[w->t.n_subscriptions++] = sub;
		if ((sub = strchr(sub, ',')) != NULL)
			*sub++ = '\0';
	}
	w->t.subscriptions = w->t.n_subscriptions != 0 ? w->subs : NULL;
	return 0;
}

/* Seconds on the monotonic clock. */
static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
nap(double seconds)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);	/* a signal ends it early: fine */
}

struct wopts {
	struct op_opts	 op;
	const char	*name;
	const char	*ca_file;
	unsigned	 lease;
	unsigned	 backoff;
	unsigned	 poll;
};

/*
 * Run one claimed job to its end.  Returns the job's exit status (as
 * operator run reports a tenant), or CLI_EXIT_STORE when the store failed.
 */
static int
run_job(const struct wopts *o, ov_store *s, ov_ctx *ctx,
    const ov_queue_job *qj, const char *token)
{
	struct wtenant w;
	struct op_job j;
	double next_renew;
	char state[16] = "";
	bool lost = false, told = false, stopped;
	pid_t pid;
	int st = 0, error;

	memset(&w, 0, sizeof(w));
	memset(&j, 0, sizeof(j));
	if (ov_queue_tenants_list(s, qj->tenant, load_tenant, &w) < 0 ||
	    w.buf == NULL) {
		free(w.buf);	/* checksrc: allow */
		return cli_error_ctx(ctx);
	}
	w.t.ca_file = o->ca_file;
	j.t = &w.t;
	j.outcome = T_PENDING;
	j.fence_id = qj->id;
	j.fence_token = token;
	if (w.bad) {
		j.outcome = T_SETUP;
		j.status = CLI_EXIT_INPUT;
		snprintf(j.detail, sizeof(j.detail), "the tenant's credential "
		    "is not a reference");
	} else if (op_start(&o->op, &j)) {
		next_renew = mono() + o->lease / 3.0;
		for (;;) {
			pid = waitpid(j.pid, &st, WNOHANG);
			if (pid == j.pid || (pid < 0 && errno != EINTR))
				break;
			if (stopping && !told) {
				kill(j.pid, SIGTERM);
				told = true;
			}
			if (!lost && mono() >= next_renew) {
				error = ov_queue_renew(s, qj->id, token,
				    o->lease);
				if (error == OV_ENOTFOUND) {
					/* expired and taken, or cancelled */
					lost = true;
					kill(j.pid, SIGTERM);
				} else if (error < 0) {
					cli_error_ctx(ctx);
				}
				next_renew = mono() + o->lease / 3.0;
			}
			nap(0.1);
		}
		if (pid != j.pid) {
			j.outcome = T_SETUP;
			j.status = CLI_EXIT_INTERNAL;
			snprintf(j.detail, sizeof(j.detail), "lost track of the "
			    "tenant's process");
		} else {
			op_settle(&j, st, told || lost);
		}
	}
	stopped = j.outcome == T_STOPPED && told && !lost;
	if (lost) {
		fprintf(stderr, "worker %s: job %lld (%s): the lease was lost "
		    "(expired, or the job was cancelled); nothing recorded\n",
		    o->name, (long long)qj->id, qj->tenant);
		free(w.buf);	/* checksrc: allow */
		return j.status;
	}
	if (stopped)
		error = ov_queue_release(s, qj->id, token);
	else
		error = ov_queue_finish(s, qj->id, token, j.status ==
		    CLI_EXIT_OK || j.status == CLI_EXIT_FINDINGS,
		    j.status == CLI_EXIT_OK || j.status == CLI_EXIT_FINDINGS ?
		    NULL : j.detail[0] != '\0' ? j.detail :
		    op_result_word(&j), o->backoff, state);
	if (error == OV_ENOTFOUND)
		fprintf(stderr, "worker %s: job %lld (%s): the lease was lost "
		    "before the outcome was recorded\n", o->name,
		    (long long)qj->id, qj->tenant);
	else if (error < 0)
		j.status = cli_error_ctx(ctx);
	printf("job %lld %s attempt %d/%d: %s (%s)%s%s\n", (long long)qj->id,
	    qj->tenant, qj->attempts, qj->max_attempts, op_result_word(&j),
	    stopped ? "released" : state[0] != '\0' ? state : "lost",
	    j.detail[0] != '\0' ? ": " : "", j.detail);
	fflush(stdout);
	free(w.buf);	/* checksrc: allow */
	return j.status;
}

static int
work(const struct wopts *o, ov_store *s, ov_ctx *ctx, bool once)
{
	double last_schedule = -1e9;
	ov_queue_job qj;
	char token[64];
	int rc, status = 0;

	while (!stopping) {
		if (mono() - last_schedule >= SCHEDULE_EVERY) {
			if (ov_queue_schedule(s, NULL) < 0)
				return cli_error_ctx(ctx);
			last_schedule = mono();
		}
		if ((rc = ov_queue_claim(s, o->name, o->lease, &qj,
		    token)) < 0)
			return cli_error_ctx(ctx);
		if (rc == 0) {
			if (once)
				return 0;
			nap(o->poll);
			continue;
		}
		status = run_job(o, s, ctx, &qj, token);
		if (status == CLI_EXIT_STORE && !once)
			return status;	/* the store is gone: stop */
		if (once)
			return status;
	}
	return 0;
}

static int
seconds_arg(const char *arg, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || v < (long)lo || v > (long)hi)
		return cli_usage_error("worker", "'%s' is not %u to %u", arg,
		    lo, hi);
	*out = (unsigned)v;
	return 0;
}

/* overvisor worker */
int
cmd_worker(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "state", required_argument, NULL, 's' },
		{ "once", no_argument, NULL, '1' },
		{ "lease", required_argument, NULL, 'l' },
		{ "backoff", required_argument, NULL, 'b' },
		{ "poll", required_argument, NULL, 'p' },
		{ "name", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "ca-file", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct wopts o;
	struct sigaction sa;
	char host[128], name[200];
	bool once = false;
	ov_ctx *ctx = NULL;
	ov_store *s = NULL;
	int c, rc = 0;

	memset(&o, 0, sizeof(o));
	o.op.format = "json";
	o.lease = DEFAULT_LEASE;
	o.backoff = DEFAULT_BACKOFF;
	o.poll = DEFAULT_POLL;
	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, "h", lopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'd': o.op.db = optarg; break;
		case 's': o.op.state = optarg; break;
		case '1': once = true; break;
		case 'l': rc = seconds_arg(optarg, 3, 86400, &o.lease); break;
		case 'b': rc = seconds_arg(optarg, 0, 86400, &o.backoff); break;
		case 'p': rc = seconds_arg(optarg, 1, 3600, &o.poll); break;
		case 'n': o.name = optarg; break;
		case 'C': o.ca_file = optarg; break;
		case 'f':
			if (op_report_file(optarg) == NULL)
				rc = cli_usage_error("worker", "--format: "
				    "unknown format '%s'", optarg);
			o.op.format = optarg;
			break;
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		default:
			rc = cli_usage_error("worker", "bad option");
			break;
		}
	}
	if (rc != 0)
		return rc;
	if (optind < argc)
		return cli_usage_error("worker", "unexpected argument '%s'",
		    argv[optind]);
	if (o.op.db == NULL || o.op.state == NULL)
		return cli_usage_error("worker", "--db and --state are "
		    "required");
	if (o.name == NULL) {
		if (gethostname(host, sizeof(host)) < 0)
			snprintf(host, sizeof(host), "worker");
		host[sizeof(host) - 1] = '\0';
		snprintf(name, sizeof(name), "%s:%ld", host, (long)getpid());
		o.name = name;
	}
	if (op_make_dirs(o.op.state) < 0) {
		cli_error("%s: cannot create the state directory: %s",
		    o.op.state, strerror(errno));
		return CLI_EXIT_INPUT;
	}
	if ((rc = cli_ctx_new(&ctx)) != 0)
		return rc;
	if ((rc = cli_queue_open(ctx, o.op.db, &s)) != 0)
		goto done;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	rc = work(&o, s, ctx, once);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
done:
	ov_store_close(s);
	ov_ctx_free(ctx);
	return rc;
}
