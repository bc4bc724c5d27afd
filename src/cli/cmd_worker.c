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

#include "overvisor/operator.h"
#include "overvisor/queue.h"
#include "overvisor/rules.h"
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
	    "tenants' schedules, then claim due jobs (FOR UPDATE SKIP\n"
	    "LOCKED), up to --concurrency at once, run each job's tenant as\n"
	    "overvisor operator run does (a process of its own with only its\n"
	    "own credential, STATE/TENANT/, a per-tenant lock), renew each\n"
	    "job's lease while it runs, and record the outcome.  The rule\n"
	    "pack is compiled once by the worker and shared by its jobs.\n"
	    "Start as many workers on as many machines as you like against\n"
	    "one database.  A failed attempt is queued again after a back-off\n"
	    "that doubles each time, up to the tenant's attempt limit, then\n"
	    "marked failed with the reason.  A worker killed outright loses\n"
	    "nothing: its jobs' leases expire and other workers run them\n"
	    "again.\n"
	    "\n"
	    "  --db URL         the PostgreSQL store (required)\n"
	    "  --state DIR      state directory (required)\n"
	    "  --concurrency N  jobs at once, 1 to 64 (default 1)\n"
	    "  --once           claim at most --concurrency jobs, run them,\n"
	    "                   then exit\n"
	    "  --lease S        lease seconds, renewed every S/3 (default 60)\n"
	    "  --backoff S      first retry after S seconds (default 60)\n"
	    "  --poll S         seconds between looks at an empty queue\n"
	    "                   (default 5)\n"
	    "  --name NAME      the worker's name in the queue (default\n"
	    "                   HOST:PID)\n"
	    "  --format FMT     each tenant's report, as operator run\n"
	    "  --ca-file FILE   an extra CA bundle for the tenants that have\n"
	    "                   none of their own (collect --ca-file)\n"
	    "  -h, --help       show this help\n"
	    "\n"
	    "On SIGTERM or SIGINT the worker claims nothing more; a job whose\n"
	    "run has ended is recorded, the running ones are stopped and\n"
	    "given back to the queue (the attempt not counted); then it exits\n"
	    "0.  A store at an older schema is waited for (until overvisor db\n"
	    "migrate); a store migrated to a newer schema while the worker\n"
	    "runs makes it claim nothing more and exit 0 when its jobs end.\n"
	    "\n"
	    "Exit status: 0 (with --once: the jobs' runs were clean, or no job\n"
	    "was due), 1 a job's run had findings, 3 or 4 or 70 a job's run\n"
	    "failed as operator run reports it (the worst of them), 2 usage, 5\n"
	    "store error (a SQLite store included).\n", f);
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
	const char *f[12] = { q->tenant, q->name, q->credential,
	    q->client_id, q->cloud, q->endpoints, q->contract, q->exceptions,
	    q->management_group, q->subscriptions, q->schedule, q->ca_file };
	size_t i, n = 0;
	char *p, *sub;

	for (i = 0; i < 12; i++)
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
	w->t.ca_file = keep(&p, q->ca_file);
	w->t.timeout = q->timeout;
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
	unsigned	 concurrency;
};

/* One job a worker runs: its claim, its tenant, its process. */
struct slot {
	bool		 busy;
	int64_t		 id;
	char		 tenant[160];
	int		 attempts;
	int		 max_attempts;
	char		 token[64];
	struct wtenant	 w;
	struct op_job	 j;
	double		 next_renew;
	bool		 lost;		/* the lease was lost */
	bool		 told;		/* its process was told to stop */
	bool		 running;	/* its process runs */
};

static void
slot_free(struct slot *sl)
{
	free(sl->w.buf);	/* checksrc: allow */
	memset(sl, 0, sizeof(*sl));
}

/*
 * Start a claimed job in sl: read its tenant, start its process.  When
 * it cannot start, sl->running stays false with the reason in sl->j.
 * Returns CLI_EXIT_STORE when the store failed, else 0.
 */
static int
slot_start(const struct wopts *o, ov_store *s, ov_ctx *ctx, struct slot *sl)
{
	if (ov_queue_tenants_list(s, sl->tenant, load_tenant, &sl->w) < 0 ||
	    sl->w.buf == NULL) {
		/* not run: its attempt fails, to be retried */
		sl->j.outcome = T_SETUP;
		sl->j.status = CLI_EXIT_STORE;
		snprintf(sl->j.detail, sizeof(sl->j.detail), "the tenant "
		    "could not be read from the store");
		return cli_error_ctx(ctx);
	}
	if (sl->w.t.ca_file == NULL)
		sl->w.t.ca_file = o->ca_file;
	sl->j.t = &sl->w.t;
	sl->j.outcome = T_PENDING;
	sl->j.fence_id = sl->id;
	sl->j.fence_token = sl->token;
	if (sl->w.bad) {
		sl->j.outcome = T_SETUP;
		sl->j.status = CLI_EXIT_INPUT;
		snprintf(sl->j.detail, sizeof(sl->j.detail), "the tenant's "
		    "credential is not a reference");
	} else if (op_start(&o->op, &sl->j)) {
		sl->running = true;
		sl->next_renew = mono() + o->lease / 3.0;
	}
	return 0;
}

/*
 * Look after a running job: reap its process, renew its lease, pass a
 * stop on.  Returns true when its process has ended.
 */
static bool
slot_tend(const struct wopts *o, ov_store *s, ov_ctx *ctx, struct slot *sl)
{
	pid_t pid;
	int st = 0, error;

	pid = waitpid(sl->j.pid, &st, WNOHANG);
	if (pid == sl->j.pid) {
		op_settle(&sl->j, st, sl->told || sl->lost);
		sl->running = false;
		return true;
	}
	if (pid < 0 && errno != EINTR) {
		sl->j.outcome = T_SETUP;
		sl->j.status = CLI_EXIT_INTERNAL;
		snprintf(sl->j.detail, sizeof(sl->j.detail), "lost track of "
		    "the tenant's process");
		sl->running = false;
		return true;
	}
	if (stopping && !sl->told) {
		kill(sl->j.pid, SIGTERM);
		sl->told = true;
	}
	if (!sl->lost && mono() >= sl->next_renew) {
		error = ov_queue_renew(s, sl->id, sl->token, o->lease);
		if (error == OV_ENOTFOUND) {
			/* expired and taken, or cancelled */
			sl->lost = true;
			kill(sl->j.pid, SIGTERM);
		} else if (error < 0) {
			cli_error_ctx(ctx);
		}
		sl->next_renew = mono() + o->lease / 3.0;
	}
	return false;
}

/*
 * Record an ended job's outcome under its lease: done, queued again
 * after a back-off, failed, or (stopped by the worker's own SIGTERM)
 * given back uncounted.  Returns the job's exit status, or
 * CLI_EXIT_STORE when the store failed.
 */
static int
slot_finish(const struct wopts *o, ov_store *s, ov_ctx *ctx, struct slot *sl)
{
	struct op_job *j = &sl->j;
	char state[16] = "";
	bool stopped = j->outcome == T_STOPPED && sl->told && !sl->lost;
	bool ok = j->status == CLI_EXIT_OK || j->status == CLI_EXIT_FINDINGS;
	int error, status = j->status;

	if (sl->lost) {
		fprintf(stderr, "worker %s: job %lld (%s): the lease was lost "
		    "(expired, or the job was cancelled); nothing recorded\n",
		    o->name, (long long)sl->id, sl->tenant);
		return status;
	}
	if (stopped)
		error = ov_queue_release(s, sl->id, sl->token);
	else
		error = ov_queue_finish(s, sl->id, sl->token, ok, ok ? NULL :
		    j->detail[0] != '\0' ? j->detail : op_result_word(j),
		    o->backoff, state);
	if (error == OV_ENOTFOUND)
		fprintf(stderr, "worker %s: job %lld (%s): the lease was lost "
		    "before the outcome was recorded\n", o->name,
		    (long long)sl->id, sl->tenant);
	else if (error < 0)
		status = cli_error_ctx(ctx);
	printf("job %lld %s attempt %d/%d: %s (%s)%s%s\n", (long long)sl->id,
	    sl->tenant, sl->attempts, sl->max_attempts, op_result_word(j),
	    stopped ? "released" : state[0] != '\0' ? state : "lost",
	    j->detail[0] != '\0' ? ": " : "", j->detail);
	fflush(stdout);
	return status;
}

/*
 * The store's schema against this worker's: 0 the same, 1 older (wait
 * for `db migrate`), 2 newer (a newer worker's: stop claiming), or an
 * error.
 */
static int
schema_state(ov_store *s, unsigned *v)
{
	if (ov_store_schema_version(s, v) < 0)
		return OV_ESTORE;
	return *v == OV_STORE_SCHEMA_VERSION ? 0 :
	    *v < OV_STORE_SCHEMA_VERSION ? 1 : 2;
}

/*
 * Open the store.  One at an older schema is waited for (a newer worker
 * started before `db migrate`), but with --once; an empty one is
 * created.  0 (*out NULL when stopped while waiting) or an exit status.
 */
static int
open_store(const struct wopts *o, ov_ctx *ctx, bool once, ov_store **out)
{
	unsigned v = 0;
	bool said = false;
	int rc, st;

	*out = NULL;
	while (!stopping) {
		if ((rc = cli_queue_open_flags(ctx, o->op.db,
		    OV_STORE_NOINIT, out)) != 0)
			return rc;
		if ((st = schema_state(*out, &v)) < 0) {
			rc = cli_error_ctx(ctx);
			ov_store_close(*out);
			*out = NULL;
			return rc;
		}
		ov_store_close(*out);
		*out = NULL;
		if (st == 2) {
			cli_error("%s: schema version %u is newer than this "
			    "worker's (%u): run a newer overvisor worker",
			    o->name, v, OV_STORE_SCHEMA_VERSION);
			return CLI_EXIT_STORE;
		}
		if (st == 0 || v == 0 || once)
			return cli_queue_open(ctx, o->op.db, out);
		if (!said)
			fprintf(stderr, "worker %s: the store is at schema "
			    "version %u, this worker needs %u: waiting for "
			    "overvisor db migrate\n", o->name, v,
			    OV_STORE_SCHEMA_VERSION);
		said = true;
		nap(o->poll);
	}
	return 0;
}

/*
 * The rule pack compiled once, before the worker's first job forks: every
 * job's scan evaluates this set (its pages shared copy-on-write) instead
 * of loading and compiling its own.  Not before a job is due, so a worker
 * with nothing to do (--once on an empty queue) starts at once.  0 or an
 * exit status.
 */
static int
compile_rules(const struct wopts *o, ov_ctx *ctx, ov_ruleset **rs)
{
	ov_ruleset_options ro = OV_RULESET_OPTIONS_INIT;
	ov_policy_stats st;

	ro.data_dir = cli_data_dir();
	if (ov_ruleset_new(rs, ctx, &ro) < 0)
		return cli_error_ctx(ctx);
	cli_scan_share_ruleset(*rs);
	ov_ruleset_stats(*rs, &st);
	fprintf(stderr, "worker %s: rule set compiled (%zu definitions), "
	    "shared by its jobs; up to %u at once\n", o->name, st.compiled,
	    o->concurrency);
	return 0;
}

static int
work(const struct wopts *o, ov_store *s, ov_ctx *ctx, bool once,
    ov_ruleset **rs)
{
	double last_schedule = -1e9, next_claim = 0;
	struct slot *slots;
	ov_queue_job qj;
	char token[64];
	size_t i, busy = 0, started = 0;
	unsigned v;
	int rc, st, status = 0, worst = 0;
	bool retiring = false, halted = false, freed = false;

	slots = calloc(o->concurrency, sizeof(*slots));	/* checksrc: allow */
	if (slots == NULL)
		return CLI_EXIT_INTERNAL;
	for (;;) {
		bool claim = !stopping && !retiring && !halted &&
		    busy < o->concurrency && mono() >= next_claim &&
		    (!once || started < o->concurrency);

		if (claim && mono() - last_schedule >= SCHEDULE_EVERY) {
			if (ov_queue_schedule(s, NULL) < 0) {
				status = cli_error_ctx(ctx);
				halted = true;
				claim = false;
			}
			last_schedule = mono();
		}
		/* a newer worker migrated the store: leave it the queue */
		if (claim && (st = schema_state(s, &v)) != 0) {
			if (st < 0) {
				status = cli_error_ctx(ctx);
				halted = true;
			} else {
				fprintf(stderr, "worker %s: the store is now "
				    "at schema version %u, %s than this "
				    "worker's %u: no more claims; exiting "
				    "when the running jobs end\n", o->name,
				    v, st == 2 ? "newer" : "older",
				    OV_STORE_SCHEMA_VERSION);
				retiring = true;
			}
			claim = false;
		}
		while (claim && busy < o->concurrency &&
		    (!once || started < o->concurrency)) {
			struct slot *sl = NULL;

			/* busy < concurrency: a free slot exists */
			for (i = 0; i < o->concurrency && sl == NULL; i++)
				if (!slots[i].busy)
					sl = &slots[i];
			if (sl == NULL)
				break;
			if ((rc = ov_queue_claim(s, o->name, o->lease, &qj,
			    token)) < 0) {
				status = cli_error_ctx(ctx);
				halted = true;
				break;
			}
			if (rc == 0) {
				next_claim = mono() + o->poll;
				break;
			}
			if (*rs == NULL && (rc = compile_rules(o, ctx,
			    rs)) != 0) {
				/* no job can run: give this one back */
				(void)ov_queue_release(s, qj.id, token);
				status = rc;
				halted = true;
				break;
			}
			if (stopping) {
				/* stopped while compiling: not started */
				(void)ov_queue_release(s, qj.id, token);
				printf("job %lld %s attempt %d/%d: not-run "
				    "(released)\n", (long long)qj.id, qj.tenant,
				    qj.attempts, qj.max_attempts);
				break;
			}
			memcpy(sl->token, token, sizeof(sl->token));
			sl->busy = true;
			sl->id = qj.id;
			snprintf(sl->tenant, sizeof(sl->tenant), "%s",
			    qj.tenant);
			sl->attempts = qj.attempts;
			sl->max_attempts = qj.max_attempts;
			busy++;
			started++;
			if (slot_start(o, s, ctx, sl) != 0) {
				halted = true;
				status = CLI_EXIT_STORE;
			}
		}
		for (i = 0; i < o->concurrency; i++) {
			struct slot *sl = &slots[i];

			if (!sl->busy || (sl->running && !slot_tend(o, s, ctx,
			    sl)))
				continue;
			rc = slot_finish(o, s, ctx, sl);
			if (op_rank(rc) > op_rank(worst))
				worst = rc;
			if (rc == CLI_EXIT_STORE)
				halted = true;
			slot_free(sl);
			busy--;
			next_claim = 0;	/* room for another: look now */
			freed = true;
		}
		if (busy == 0 && (stopping || retiring || halted ||
		    (once && (started >= o->concurrency ||
		    next_claim > mono()))))
			break;
		if (freed && !stopping) {
			freed = false;
			continue;	/* claim for the free slot at once */
		}
		nap(busy != 0 || next_claim <= mono() ? 0.1 :
		    next_claim - mono());
	}
	free(slots);	/* checksrc: allow */
	if (halted)
		return status != 0 ? status : CLI_EXIT_STORE;
	return once ? worst : 0;
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
		{ "concurrency", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct wopts o;
	struct sigaction sa;
	ov_ruleset *rs = NULL;
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
	o.concurrency = 1;
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
		case 'c':
			rc = seconds_arg(optarg, 1, OV_OPERATOR_MAX_CONCURRENCY,
			    &o.concurrency);
			break;
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
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if ((rc = open_store(&o, ctx, once, &s)) != 0 || s == NULL)
		goto done;
	rc = work(&o, s, ctx, once, &rs);
done:
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	cli_scan_share_ruleset(NULL);
	ov_ruleset_free(rs);
	ov_store_close(s);
	ov_ctx_free(ctx);
	return rc;
}
