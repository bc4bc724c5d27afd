/* SPDX-License-Identifier: MIT */
/*
 * overvisor operator: run the daily job for every tenant of an operator
 * configuration (operator.yaml).  Each tenant runs `overvisor run` in a
 * process of its own, so one tenant's failure, crash or hang never stops
 * or contaminates another: its own environment (only its credential's
 * variables), its own state directory (snapshot, report, log), its own
 * lock file, and its own findings in the store, under its tenant id.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "overvisor/json.h"
#include "overvisor/operator.h"
#include "overvisor/store.h"
#include "cli.h"
#include "operator_run.h"

#define DEFAULT_CONCURRENCY	2

/*
 * SIGTERM or SIGINT: start no more tenants, pass the signal on to the
 * running ones (each loses only its own unfinished work: its snapshot is
 * renamed into place only when complete and its scan is one transaction),
 * wait for them, and report the rest as not run.
 */
static volatile sig_atomic_t stopping;
static struct op_job *volatile sig_jobs;
static volatile size_t sig_n;

static void
on_stop(int sig)
{
	struct op_job *jobs = sig_jobs;
	size_t i;

	stopping = sig;
	for (i = 0; jobs != NULL && i < sig_n; i++)
		if (jobs[i].outcome == T_RUNNING && jobs[i].pid > 0)
			kill(jobs[i].pid, SIGTERM);
}

/* Report formats and the file each tenant's report is written to. */
static const struct {
	const char	*format;
	const char	*file;
} formats[] = {
	{ "json", "report.json" }, { "text", "report.txt" },
	{ "ndjson", "report.ndjson" }, { "csv", "report.csv" },
	{ "sarif", "report.sarif" }, { "junit", "report.xml" },
	{ "ocsf", "report.ocsf.json" }, { "html", "report.html" },
};
#define N_FORMATS (sizeof(formats) / sizeof(formats[0]))

/* The variables a credential may use; cleared for every tenant first. */
static const char *const cred_vars[] = {
	"CLIENT_ID", "CLIENT_SECRET", "CLIENT_CERTIFICATE_PATH",
	"CLIENT_CERTIFICATE_PASSWORD", "FEDERATED_TOKEN_FILE"
};
#define N_CRED_VARS (sizeof(cred_vars) / sizeof(cred_vars[0]))

static void
usage(FILE *f)
{
	fputs("usage: overvisor operator run --config FILE [options]\n"
	    "       overvisor operator check --config FILE\n"
	    "\n"
	    "Operator mode: collect, scan and record every tenant of an\n"
	    "operator configuration (see docs/operator.md).  Each tenant runs\n"
	    "overvisor run in a process of its own, with only its own\n"
	    "credential in its environment, under a per-tenant lock, into\n"
	    "STATE/TENANT/ (snapshot/, the report, run.log); one tenant's\n"
	    "failure never stops or touches the others.  check validates the\n"
	    "file and lists the tenants without running anything.\n"
	    "\n"
	    "  --config FILE      the operator configuration (required)\n"
	    "  --db PATH|URL      findings store (default: the file's db)\n"
	    "  --state DIR        state directory (default: the file's state)\n"
	    "  --tenant ID        run only this tenant (repeatable)\n"
	    "  --concurrency N    tenants at once, 1 to 64 (default: the\n"
	    "                     file's, else 2)\n"
	    "  --format FMT       each tenant's report: json (default), text,\n"
	    "                     ndjson, csv, sarif, junit, ocsf or html\n"
	    "  --fail-on SEV      as overvisor scan, per tenant (default high)\n"
	    "  -h, --help         show this help\n"
	    "\n"
	    "Credentials are references, never secrets: env, env:NAME\n"
	    "(NAME_CLIENT_ID, NAME_CLIENT_SECRET, NAME_CLIENT_CERTIFICATE_PATH,\n"
	    "NAME_CLIENT_CERTIFICATE_PASSWORD, NAME_FEDERATED_TOKEN_FILE from\n"
	    "the environment), certificate:PATH, workload-identity,\n"
	    "managed-identity or cli.  On SIGTERM or SIGINT no more tenants\n"
	    "start, the running ones are stopped (result stopped) and the\n"
	    "rest are reported not-run.\n"
	    "\n"
	    "Exit status: the worst over the tenants run, in this order: 70\n"
	    "internal (a tenant's run crashed), 5 store, 4 collection or\n"
	    "authentication (or the tenant is locked by another run), 3 input\n"
	    "(a tenant's contract, exceptions, endpoints...), 1 findings at or\n"
	    "above --fail-on, 0 clean; 2 usage, 3 a bad configuration file and\n"
	    "5 an unusable store stop before any tenant runs.\n", f);
}

/* mkdir -p with mode 0700 for what it creates. */
int
op_make_dirs(const char *path)
{
	char buf[PATH_MAX_OV];
	size_t i, n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return -1;
		buf[i] = i < n ? '/' : '\0';
	}
	return 0;
}

const char *
op_report_file(const char *format)
{
	size_t i;

	for (i = 0; i < N_FORMATS; i++)
		if (strcmp(formats[i].format, format) == 0)
			return formats[i].file;
	return NULL;
}

/*
 * A worker's tenants come from the store, not from a file that names
 * every env:NAME: remove every NAME_CLIENT_SECRET-like variable but the
 * AZURE_* ones (this tenant's, copied there first).
 */
static void
strip_cred_vars(void)
{
	extern char **environ;
	char name[128];
	size_t i, k, n, len;
	bool again = true;

	while (again) {
		again = false;
		for (i = 0; environ[i] != NULL && !again; i++) {
			len = strcspn(environ[i], "=");
			if (len >= sizeof(name) || strncmp(environ[i],
			    "AZURE_", 6) == 0)
				continue;
			for (k = 0; k < N_CRED_VARS; k++) {
				n = strlen(cred_vars[k]);
				if (len > n + 1 && environ[i][len - n - 1] ==
				    '_' && strncmp(environ[i] + len - n,
				    cred_vars[k], n) == 0)
					break;
			}
			if (k == N_CRED_VARS)
				continue;
			memcpy(name, environ[i], len);
			name[len] = '\0';
			unsetenv(name);		/* environ changed: rescan */
			again = true;
		}
	}
}

/*
 * The child's environment: no credential variables but this tenant's.
 * Every env:NAME of the configuration is removed, so a tenant's process
 * never holds another tenant's secret.
 */
static void
child_env(const struct op_opts *o, const ov_operator_tenant *t,
    const char **auth)
{
	const ov_operator_config *cfg = o->cfg;
	char name[128], azure[64];
	const char *v;
	size_t i, k;

	/* Copy this tenant's prefixed variables before clearing them. */
	for (k = 0; k < N_CRED_VARS; k++) {
		snprintf(azure, sizeof(azure), "AZURE_%s", cred_vars[k]);
		if (t->cred == OV_OPERATOR_CRED_ENV_PREFIX) {
			snprintf(name, sizeof(name), "%s_%s", t->cred_arg,
			    cred_vars[k]);
			if ((v = getenv(name)) != NULL)
				setenv(azure, v, 1);
			else
				unsetenv(azure);
		} else if (t->cred != OV_OPERATOR_CRED_ENV &&
		    t->cred != OV_OPERATOR_CRED_WORKLOAD_IDENTITY &&
		    strcmp(cred_vars[k], "CLIENT_ID") != 0) {
			unsetenv(azure);
		}
	}
	for (i = 0; cfg != NULL && i < ov_operator_config_count(cfg); i++) {
		const ov_operator_tenant *u = ov_operator_config_tenant(cfg, i);

		if (u->cred != OV_OPERATOR_CRED_ENV_PREFIX)
			continue;
		for (k = 0; k < N_CRED_VARS; k++) {
			snprintf(name, sizeof(name), "%s_%s", u->cred_arg,
			    cred_vars[k]);
			unsetenv(name);
		}
	}
	if (cfg == NULL)
		strip_cred_vars();
	setenv("AZURE_TENANT_ID", t->id, 1);
	if (t->client_id != NULL)
		setenv("AZURE_CLIENT_ID", t->client_id, 1);
	unsetenv("IDENTITY_ENDPOINT");
	unsetenv("IDENTITY_HEADER");
	switch (t->cred) {
	case OV_OPERATOR_CRED_CERTIFICATE:
		unsetenv("AZURE_CLIENT_SECRET");
		setenv("AZURE_CLIENT_CERTIFICATE_PATH", t->cred_arg, 1);
		*auth = "env";
		break;
	case OV_OPERATOR_CRED_ENV_PREFIX:
		*auth = getenv("AZURE_FEDERATED_TOKEN_FILE") != NULL &&
		    getenv("AZURE_CLIENT_SECRET") == NULL &&
		    getenv("AZURE_CLIENT_CERTIFICATE_PATH") == NULL ?
		    "workload-identity" : "env";
		break;
	case OV_OPERATOR_CRED_WORKLOAD_IDENTITY:
		*auth = "workload-identity";
		break;
	case OV_OPERATOR_CRED_MANAGED_IDENTITY:
		*auth = "managed-identity";
		break;
	case OV_OPERATOR_CRED_CLI:
		*auth = "cli";
		break;
	default:
		*auth = "env";
		break;
	}
	/* SQLite serialises writers: wait for the others, do not fail. */
	if (getenv("OVERVISOR_DB_BUSY_MS") == NULL)
		setenv("OVERVISOR_DB_BUSY_MS", "600000", 1);
}

/* In the child: set up and become `overvisor run`.  Never returns. */
static void
child(const struct op_opts *o, struct op_job *j)
{
	const ov_operator_tenant *t = j->t;
	char out[PATH_MAX_OV], report[PATH_MAX_OV], log[PATH_MAX_OV];
	char timeout[24];
	const char *auth = "env";
	char **av;
	int fd, n = 0;
	size_t i;

	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	snprintf(log, sizeof(log), "%s/run.log", j->dir);
	if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0)
		_exit(CLI_EXIT_INPUT);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	child_env(o, t, &auth);
	snprintf(out, sizeof(out), "%s/snapshot", j->dir);
	snprintf(report, sizeof(report), "%s/%s", j->dir,
	    op_report_file(o->format));
	av = calloc(40 + 2 * t->n_subscriptions, sizeof(*av)); /* checksrc: allow */
	if (av == NULL)
		_exit(CLI_EXIT_INTERNAL);
#define ARG(s) (av[n++] = (char *)(uintptr_t)(s))
	ARG("run");
	ARG("--out"); ARG(out);
	ARG("--tenant"); ARG(t->id);
	ARG("--auth"); ARG(auth);
	if (t->cloud != NULL) { ARG("--cloud"); ARG(t->cloud); }
	if (t->endpoints != NULL) { ARG("--endpoints"); ARG(t->endpoints); }
	if (t->ca_file != NULL) { ARG("--ca-file"); ARG(t->ca_file); }
	if (t->management_group != NULL) {
		ARG("--management-group");
		ARG(t->management_group);
	}
	for (i = 0; i < t->n_subscriptions; i++) {
		ARG("--subscription");
		ARG(t->subscriptions[i]);
	}
	if (t->timeout != 0) {
		snprintf(timeout, sizeof(timeout), "%u", t->timeout);
		ARG("--timeout"); ARG(timeout);
	}
	if (t->contract != NULL) { ARG("--contract"); ARG(t->contract); }
	if (t->exceptions != NULL) {
		ARG("--exceptions");
		ARG(t->exceptions);
	}
	if (o->db != NULL) { ARG("--db"); ARG(o->db); }
	ARG("--format"); ARG(o->format);
	ARG("--output"); ARG(report);
	if (o->fail_on != NULL) { ARG("--fail-on"); ARG(o->fail_on); }
#undef ARG
	av[n] = NULL;
	if (j->fence_id != 0)
		cli_store_fence(j->fence_id, j->fence_token);
	n = cmd_run(n, av);
	fflush(NULL);
	_exit(n);
}

/* The last "overvisor: " line of a tenant's log, for the summary. */
static void
read_detail(struct op_job *j)
{
	char path[PATH_MAX_OV], line[1024];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/run.log", j->dir);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "overvisor: ", 11) != 0)
			continue;
		n = strcspn(line + 11, "\r\n");
		if (n >= sizeof(j->detail))
			n = sizeof(j->detail) - 1;
		memcpy(j->detail, line + 11, n);
		j->detail[n] = '\0';
	}
	fclose(f);
}

/* Start one tenant: its directory, its lock, its process. */
int
op_start(const struct op_opts *o, struct op_job *j)
{
	char path[PATH_MAX_OV];
	sigset_t block, old;
	bool too_long;
	int fd;

	too_long = (size_t)snprintf(j->dir, sizeof(j->dir), "%s/%s",
	    o->state, j->t->id) >= sizeof(j->dir);
	if (too_long)
		errno = ENAMETOOLONG;
	if (too_long || op_make_dirs(j->dir) < 0) {
		j->outcome = T_SETUP;
		j->status = CLI_EXIT_INPUT;
		snprintf(j->detail, sizeof(j->detail), "%.200s: cannot "
		    "create the tenant's directory: %s", j->dir,
		    strerror(errno));
		return 0;
	}
	snprintf(path, sizeof(path), "%s/lock", j->dir);
	if ((fd = open(path, O_RDWR | O_CREAT, 0600)) < 0) {
		j->outcome = T_SETUP;
		j->status = CLI_EXIT_INPUT;
		snprintf(j->detail, sizeof(j->detail), "%.200s: %s", path,
		    strerror(errno));
		return 0;
	}
	/* The lock lives as long as the process that runs the tenant. */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		j->outcome = T_LOCKED;
		j->status = CLI_EXIT_COLLECT;
		snprintf(j->detail, sizeof(j->detail), "another run holds "
		    "this tenant's lock; not run");
		return 0;
	}
	fflush(NULL);
	/*
	 * SIGTERM and SIGINT blocked across the fork: one sent to the child
	 * before it has its default handlers back waits for them, and is
	 * never taken by the handler it inherited.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	if ((j->pid = fork()) == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		child(o, j);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (j->pid < 0) {
		close(fd);
		j->outcome = T_SETUP;
		j->status = CLI_EXIT_INTERNAL;
		snprintf(j->detail, sizeof(j->detail), "fork: %s",
		    strerror(errno));
		return 0;
	}
	close(fd);
	j->outcome = T_RUNNING;
	return 1;
}

/* A tenant's outcome from its process's wait status. */
void
op_settle(struct op_job *j, int st, bool stopped)
{
	if (WIFSIGNALED(st) && stopped && (WTERMSIG(st) == SIGTERM ||
	    WTERMSIG(st) == SIGINT)) {
		j->outcome = T_STOPPED;
		j->status = CLI_EXIT_COLLECT;
		snprintf(j->detail, sizeof(j->detail), "stopped by signal %d "
		    "before it finished", WTERMSIG(st));
	} else if (WIFSIGNALED(st)) {
		j->outcome = T_SIGNALED;
		j->sig = WTERMSIG(st);
		j->status = CLI_EXIT_INTERNAL;
		snprintf(j->detail, sizeof(j->detail), "the tenant's run ended "
		    "on signal %d", j->sig);
	} else {
		j->outcome = T_DONE;
		j->status = WEXITSTATUS(st);
		read_detail(j);
	}
}

/* Wait for one child; returns the job it ran, or NULL. */
static struct op_job *
reap(struct op_job *jobs, size_t n)
{
	pid_t pid;
	size_t i;
	int st;

	do
		pid = waitpid(-1, &st, 0);
	while (pid < 0 && errno == EINTR);	/* on_stop has passed it on */
	if (pid < 0)
		return NULL;
	for (i = 0; i < n; i++) {
		struct op_job *j = &jobs[i];

		if (j->outcome != T_RUNNING || j->pid != pid)
			continue;
		op_settle(j, st, stopping != 0);
		return j;
	}
	return NULL;
}

/* The word for a tenant's result. */
const char *
op_result_word(const struct op_job *j)
{
	if (j->outcome == T_LOCKED)
		return "locked";
	if (j->outcome == T_SIGNALED)
		return "crashed";
	if (j->outcome == T_PENDING)
		return "not-run";
	if (j->outcome == T_STOPPED)
		return "stopped";
	switch (j->status) {
	case CLI_EXIT_OK: return "clean";
	case CLI_EXIT_FINDINGS: return "findings";
	case CLI_EXIT_COLLECT: return "collect-failed";
	case CLI_EXIT_STORE: return "store-failed";
	case CLI_EXIT_INTERNAL: return "internal-error";
	default: return "input-error";
	}
}

/* How bad an exit status is, for the overall status. */
int
op_rank(int status)
{
	switch (status) {
	case CLI_EXIT_OK: return 0;
	case CLI_EXIT_FINDINGS: return 1;
	case CLI_EXIT_COLLECT: return 3;
	case CLI_EXIT_STORE: return 4;
	case CLI_EXIT_INTERNAL: return 5;
	default: return 2;	/* 2 or 3: the tenant's settings */
	}
}

static int
write_summary(const struct op_opts *o, const struct op_job *jobs, size_t n)
{
	char path[PATH_MAX_OV];
	FILE *f;
	size_t i;

	snprintf(path, sizeof(path), "%s/summary.json", o->state);
	if ((f = fopen(path, "w")) == NULL) {
		cli_error("%s: cannot open for writing", path);
		return CLI_EXIT_INPUT;
	}
	fputs("{\"tenants\":[", f);
	for (i = 0; i < n; i++) {
		const struct op_job *j = &jobs[i];

		fputs(i == 0 ? "\n" : ",\n", f);
		fputs("{\"tenant\":", f);
		ov_json_fput_string(j->t->id, f);
		fputs(",\"name\":", f);
		ov_json_fput_string(j->t->name, f);
		fputs(",\"result\":", f);
		ov_json_fput_string(op_result_word(j), f);
		fprintf(f, ",\"exit\":%d,\"detail\":", j->status);
		ov_json_fput_string(j->detail[0] != '\0' ? j->detail : NULL,
		    f);
		fputs(",\"log\":", f);
		fprintf(f, "\"%s/run.log\"}", j->t->id);
	}
	fputs("\n]}\n", f);
	return fclose(f) == 0 ? 0 : CLI_EXIT_INPUT;
}

static void
print_summary(const struct op_job *jobs, size_t n)
{
	size_t i;

	printf("%-38s %-24s %-15s %4s  %s\n", "TENANT", "NAME", "RESULT",
	    "EXIT", "DETAIL");
	for (i = 0; i < n; i++) {
		const struct op_job *j = &jobs[i];

		printf("%-38s %-24.24s %-15s %4d  %s\n", j->t->id, j->t->name,
		    op_result_word(j), j->status, j->detail);
	}
}

/* Create (or upgrade) the store once, before any tenant writes to it. */
static int
prepare_store(const char *db)
{
	ov_ctx *ctx = NULL;
	ov_store *s = NULL;
	int rc = 0;

	if ((rc = cli_ctx_new(&ctx)) != 0)
		return rc;
	if (ov_store_open(&s, ctx, db, OV_STORE_MIGRATE) < 0)
		rc = cli_error_ctx(ctx);
	ov_store_close(s);
	ov_ctx_free(ctx);
	return rc;
}

static int
run_all(struct op_opts *o, struct op_job *jobs, size_t n)
{
	size_t next = 0, running = 0, done = 0, i;
	bool tty = isatty(STDERR_FILENO) && getenv("CI") == NULL;
	struct op_job *j;
	int worst = 0, status;

	struct sigaction sa;

	if (o->db != NULL && (status = prepare_store(o->db)) != 0)
		return status;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sig_jobs = jobs;
	sig_n = n;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (running > 0 || (next < n && !stopping)) {
		while (running < o->concurrency && next < n && !stopping) {
			if (op_start(o, &jobs[next++]))
				running++;
			else
				done++;
		}
		if (running == 0)
			continue;
		errno = 0;
		if ((j = reap(jobs, n)) == NULL) {
			if (errno == ECHILD)	/* cannot happen; never spin */
				break;
			continue;
		}
		running--;
		done++;
		if (tty)
			fprintf(stderr, "\r\033[Koperator: %zu/%zu tenants "
			    "done, %zu running; last %s: %s", done, n,
			    running, j->t->id, op_result_word(j));
	}
	if (tty)
		fprintf(stderr, "\r\033[K");
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	sig_jobs = NULL;
	for (i = 0; i < n; i++)
		if (jobs[i].outcome == T_RUNNING) {
			jobs[i].outcome = T_SETUP;
			jobs[i].status = CLI_EXIT_INTERNAL;
			snprintf(jobs[i].detail, sizeof(jobs[i].detail),
			    "lost track of the tenant's process");
		}
	for (i = 0; i < n; i++)
		if (jobs[i].outcome == T_PENDING) {
			jobs[i].status = CLI_EXIT_COLLECT;
			snprintf(jobs[i].detail, sizeof(jobs[i].detail), "not "
			    "run: the operator run was stopped by signal %d",
			    (int)stopping);
		}
	for (i = 0; i < n; i++)
		if (op_rank(jobs[i].status) > op_rank(worst))
			worst = jobs[i].status;
	print_summary(jobs, n);
	if ((status = write_summary(o, jobs, n)) != 0 && worst == 0)
		worst = status;
	return worst == CLI_EXIT_USAGE ? CLI_EXIT_INPUT : worst;
}

static int
check(const ov_operator_config *cfg)
{
	size_t i;

	printf("%-38s %-24s %-22s %-10s %s\n", "TENANT", "NAME",
	    "CREDENTIAL", "SCOPE", "CONTRACT");
	for (i = 0; i < ov_operator_config_count(cfg); i++) {
		const ov_operator_tenant *t = ov_operator_config_tenant(cfg,
		    i);
		char scope[32];

		if (t->management_group != NULL)
			snprintf(scope, sizeof(scope), "mg");
		else if (t->n_subscriptions != 0)
			snprintf(scope, sizeof(scope), "%zu subs",
			    t->n_subscriptions);
		else
			snprintf(scope, sizeof(scope), "all");
		printf("%-38s %-24.24s %-22.22s %-10s %s\n", t->id, t->name,
		    t->credential, scope, t->contract != NULL ? t->contract :
		    "-");
	}
	return CLI_EXIT_OK;
}

static int
valid_fail_on(const char *s)
{
	static const char *const sev[] = {
		"critical", "high", "medium", "low", "info", "none"
	};
	size_t i;

	for (i = 0; i < sizeof(sev) / sizeof(sev[0]); i++)
		if (strcmp(s, sev[i]) == 0)
			return 1;
	return 0;
}

/* overvisor operator */
int
cmd_operator(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "state", required_argument, NULL, 's' },
		{ "tenant", required_argument, NULL, 't' },
		{ "concurrency", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct op_opts o;
	ov_operator_config *cfg = NULL;
	ov_ctx *ctx = NULL;
	struct op_job *jobs = NULL;
	const char **only = NULL;
	size_t n_only = 0, n = 0, i;
	const char *verb;
	char *end;
	long v;
	int c, rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	verb = argv[1];
	if (strcmp(verb, "run") != 0 && strcmp(verb, "check") != 0)
		return cli_usage_error("operator", "unknown operator command "
		    "'%s'", verb);
	memset(&o, 0, sizeof(o));
	o.format = "json";
	if ((only = calloc((size_t)argc, sizeof(*only))) == NULL) /* checksrc: allow */
		return CLI_EXIT_INTERNAL;
	argc--;
	argv++;
	optind = 1;
	rc = 0;
	while (rc == 0 && (c = getopt_long(argc, argv, "h", lopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'c': o.config = optarg; break;
		case 'd': o.db = optarg; break;
		case 's': o.state = optarg; break;
		case 't': only[n_only++] = optarg; break;
		case 'n':
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 1 ||
			    v > OV_OPERATOR_MAX_CONCURRENCY)
				rc = cli_usage_error("operator", "--concurrency:"
				    " '%s' is not 1 to %d", optarg,
				    OV_OPERATOR_MAX_CONCURRENCY);
			else
				o.concurrency = (unsigned)v;
			break;
		case 'f':
			if (op_report_file(optarg) == NULL)
				rc = cli_usage_error("operator", "--format: "
				    "unknown format '%s'", optarg);
			o.format = optarg;
			break;
		case 'F':
			if (!valid_fail_on(optarg))
				rc = cli_usage_error("operator", "--fail-on: "
				    "'%s' is not a severity or none", optarg);
			o.fail_on = optarg;
			break;
		case 'h':
			usage(stdout);
			rc = -1;
			break;
		default:
			rc = cli_usage_error("operator", "bad option");
			break;
		}
	}
	if (rc != 0) {
		rc = rc < 0 ? CLI_EXIT_OK : rc;
		goto done;
	}
	if (optind < argc) {
		rc = cli_usage_error("operator", "unexpected argument '%s'",
		    argv[optind]);
		goto done;
	}
	if (o.config == NULL) {
		rc = cli_usage_error("operator", "--config is required");
		goto done;
	}
	if ((rc = cli_ctx_new(&ctx)) != 0)
		goto done;
	if (ov_operator_config_load(&cfg, ctx, o.config) < 0) {
		rc = cli_error_ctx(ctx);
		goto done;
	}
	o.cfg = cfg;
	if (strcmp(verb, "check") == 0) {
		rc = check(cfg);
		goto done;
	}
	if (o.db == NULL)
		o.db = ov_operator_config_db(cfg);
	if (o.state == NULL)
		o.state = ov_operator_config_state(cfg);
	if (o.concurrency == 0)
		o.concurrency = ov_operator_config_concurrency(cfg);
	if (o.concurrency == 0)
		o.concurrency = DEFAULT_CONCURRENCY;
	if (o.state == NULL) {
		rc = cli_usage_error("operator", "no state directory: give "
		    "--state or state: in the configuration");
		goto done;
	}
	if (op_make_dirs(o.state) < 0) {
		cli_error("%s: cannot create the state directory: %s",
		    o.state, strerror(errno));
		rc = CLI_EXIT_INPUT;
		goto done;
	}
	if ((jobs = calloc(ov_operator_config_count(cfg), /* checksrc: allow */
	    sizeof(*jobs))) == NULL) {
		rc = CLI_EXIT_INTERNAL;
		goto done;
	}
	for (i = 0; i < n_only; i++)
		if (ov_operator_config_find(cfg, only[i]) == NULL) {
			rc = cli_usage_error("operator", "--tenant: '%s' is "
			    "not in %s", only[i], o.config);
			goto done;
		}
	for (i = 0; i < ov_operator_config_count(cfg); i++) {
		const ov_operator_tenant *t = ov_operator_config_tenant(cfg,
		    i);
		size_t k;

		for (k = 0; k < n_only; k++)
			if (ov_operator_config_find(cfg, only[k]) == t)
				break;
		if (n_only != 0 && k == n_only)
			continue;
		jobs[n].t = t;
		jobs[n].outcome = T_PENDING;
		n++;
	}
	rc = run_all(&o, jobs, n);
done:
	free(jobs);	/* checksrc: allow */
	free(only);	/* checksrc: allow */
	ov_operator_config_free(cfg);
	ov_ctx_free(ctx);
	return rc;
}
