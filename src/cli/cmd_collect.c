/* SPDX-License-Identifier: MIT */
/*
 * overvisor collect: read one tenant over Resource Manager, Resource Graph
 * and Microsoft Graph into a snapshot directory.  The option parsing and
 * the run are shared with overvisor run (collect_cli.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "overvisor/collect.h"
#include "cli.h"
#include "collect_cli.h"

enum {
	O_OUT = 300, O_TENANT, O_SUBSCRIPTION, O_MG, O_CLOUD, O_ENDPOINTS,
	O_CA_FILE, O_AUTH, O_SOURCES, O_PARALLEL, O_TIMEOUT, O_REQ_TIMEOUT,
	O_VERBOSE
};

const struct option cli_collect_opts[] = {
	{ "out", required_argument, NULL, O_OUT },
	{ "tenant", required_argument, NULL, O_TENANT },
	{ "subscription", required_argument, NULL, O_SUBSCRIPTION },
	{ "management-group", required_argument, NULL, O_MG },
	{ "cloud", required_argument, NULL, O_CLOUD },
	{ "endpoints", required_argument, NULL, O_ENDPOINTS },
	{ "ca-file", required_argument, NULL, O_CA_FILE },
	{ "auth", required_argument, NULL, O_AUTH },
	{ "sources", required_argument, NULL, O_SOURCES },
	{ "parallel", required_argument, NULL, O_PARALLEL },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "request-timeout", required_argument, NULL, O_REQ_TIMEOUT },
	{ "verbose", no_argument, NULL, O_VERBOSE },
	{ NULL, 0, NULL, 0 }
};

void
cli_collect_usage(FILE *f)
{
	fputs("  --out DIR          snapshot directory to write (required); a\n"
	    "                     previous snapshot there is replaced\n"
	    "  --tenant ID        tenant (default: AZURE_TENANT_ID, or the\n"
	    "                     token's)\n"
	    "  --subscription ID  collect this subscription (repeatable;\n"
	    "                     default: every one the identity can read)\n"
	    "  --management-group ID\n"
	    "                     the subscriptions under a management group\n"
	    "  --cloud NAME       AzureCloud (default), AzureUSGovernment or\n"
	    "                     AzureChinaCloud\n"
	    "  --endpoints FILE   endpoint set in the keys of az cloud show\n"
	    "                     (activeDirectory, resourceManager,\n"
	    "                     microsoftGraph, activeDirectoryResourceId,\n"
	    "                     microsoftGraphResourceId)\n"
	    "  --ca-file FILE     also trust the CA certificates in FILE (TLS\n"
	    "                     is always verified)\n"
	    "  --auth METHOD      auto (default), env, cli, managed-identity\n"
	    "                     or workload-identity\n"
	    "  --sources LIST     collect only these sources (comma-separated)\n"
	    "  --parallel N       requests in flight (default 8, at most 64)\n"
	    "  --timeout SECONDS  overall deadline (default none)\n"
	    "  --request-timeout SECONDS\n"
	    "                     per request (default 60)\n"
	    "  --verbose          one line per request on stderr\n", f);
}

void
cli_collect_notes(FILE *f)
{
	const char *name;
	size_t i, col = 0;

	fputs("Sources (all by default):\n", f);
	for (i = 0; (name = ov_collect_source_name(i)) != NULL; i++) {
		if (col != 0 && col + strlen(name) + 1 > 72) {
			fputc('\n', f);
			col = 0;
		}
		col += (size_t)fprintf(f, "%s%s", col == 0 ? "  " : " ", name);
	}
	fputs("\n\nCredentials come from AZURE_TENANT_ID, AZURE_CLIENT_ID and\n"
	    "AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH (env),\n"
	    "AZURE_FEDERATED_TOKEN_FILE (workload-identity), IDENTITY_ENDPOINT\n"
	    "and IDENTITY_HEADER or the instance metadata service\n"
	    "(managed-identity; OVERVISOR_IMDS_ENDPOINT overrides its address),\n"
	    "or az account get-access-token (cli).  Secrets and tokens are\n"
	    "never printed.\n", f);
}

static void
usage(FILE *f)
{
	fputs("usage: overvisor collect --out DIR [options]\n"
	    "\n"
	    "Read one tenant over Azure Resource Manager, Azure Resource Graph\n"
	    "and Microsoft Graph into a snapshot directory (manifest.json +\n"
	    "NDJSON) that overvisor scan reads.  Each source is collected,\n"
	    "partial or failed, with the reason, in the manifest.\n"
	    "\n", f);
	cli_collect_usage(f);
	fputs("  -h, --help         show this help\n\n", f);
	cli_collect_notes(f);
	fputs("\n"
	    "Exit status: 0 snapshot written (check each source's status),\n"
	    "2 usage, 3 cannot write DIR, 4 authentication failed or nothing\n"
	    "could be collected, 70 internal error.  See docs/collect.md.\n", f);
}

void
cli_collect_init(struct cli_collect *cc)
{
	ov_collect_options init = OV_COLLECT_OPTIONS_INIT;

	memset(cc, 0, sizeof(*cc));
	cc->o = init;
}

void
cli_collect_free(struct cli_collect *cc)
{
	free(cc->sources_buf);	/* checksrc: allow */
	cc->sources_buf = NULL;
}

/* A whole number in [lo, hi]; false otherwise. */
static bool
number(const char *s, unsigned long lo, unsigned long hi, unsigned *out)
{
	unsigned long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return false;
	*out = (unsigned)v;
	return true;
}

/* Split --sources and check every name. */
static int
set_sources(struct cli_collect *cc, const char *arg, const char *cmd)
{
	char *p, *tok;
	size_t i, n = 0;

	free(cc->sources_buf);	/* checksrc: allow */
	if ((cc->sources_buf = strdup(arg)) == NULL) {	/* checksrc: allow */
		cli_error("out of memory");
		return CLI_EXIT_INTERNAL;
	}
	for (p = cc->sources_buf; p != NULL; p = tok) {
		tok = strchr(p, ',');
		if (tok != NULL)
			*tok++ = '\0';
		if (*p == '\0')
			continue;
		for (i = 0; ov_collect_source_name(i) != NULL; i++)
			if (strcmp(p, ov_collect_source_name(i)) == 0)
				break;
		if (ov_collect_source_name(i) == NULL)
			return cli_usage_error(cmd, "unknown source '%s' (see "
			    "the list in --help)", p);
		if (n == CLI_COLLECT_MAX_SOURCES)
			return cli_usage_error(cmd, "too many sources");
		cc->sources[n++] = p;
	}
	if (n == 0)
		return cli_usage_error(cmd, "--sources names no source");
	cc->o.sources = cc->sources;
	cc->o.n_sources = n;
	return 0;
}

/* Apply one option; see collect_cli.h. */
int
cli_collect_option(struct cli_collect *cc, int code, const char *arg,
    const char *cmd)
{
	switch (code) {
	case O_OUT:
		cc->o.out_dir = arg;
		return 0;
	case O_TENANT:
		cc->o.tenant_id = arg;
		return 0;
	case O_SUBSCRIPTION:
		if (cc->n_subs == CLI_COLLECT_MAX_SUBS)
			return cli_usage_error(cmd, "too many --subscription "
			    "options (use --management-group)");
		if (*arg == '\0')
			return cli_usage_error(cmd, "empty --subscription");
		cc->subs[cc->n_subs++] = arg;
		cc->o.subscriptions = cc->subs;
		cc->o.n_subscriptions = cc->n_subs;
		return 0;
	case O_MG:
		cc->o.management_group = arg;
		return 0;
	case O_CLOUD:
		cc->o.cloud = arg;
		return 0;
	case O_ENDPOINTS:
		cc->o.endpoints_path = arg;
		return 0;
	case O_CA_FILE:
		cc->o.ca_file = arg;
		return 0;
	case O_AUTH:
		if (ov_collect_auth_parse(arg, &cc->o.auth) < 0)
			return cli_usage_error(cmd, "unknown --auth '%s' "
			    "(auto, env, cli, managed-identity or "
			    "workload-identity)", arg);
		return 0;
	case O_SOURCES:
		return set_sources(cc, arg, cmd);
	case O_PARALLEL:
		if (!number(arg, 1, 64, &cc->o.parallel))
			return cli_usage_error(cmd, "--parallel wants a number "
			    "from 1 to 64, not '%s'", arg);
		return 0;
	case O_TIMEOUT:
		if (!number(arg, 1, 7 * 86400, &cc->o.timeout))
			return cli_usage_error(cmd, "--timeout wants seconds, "
			    "not '%s'", arg);
		return 0;
	case O_REQ_TIMEOUT:
		if (!number(arg, 1, 3600, &cc->o.request_timeout))
			return cli_usage_error(cmd, "--request-timeout wants "
			    "seconds (1 to 3600), not '%s'", arg);
		return 0;
	case O_VERBOSE:
		cc->verbose = true;
		return 0;
	default:
		return cli_usage_error(cmd, "bad option");
	}
}

/* Check the options together; see collect_cli.h. */
int
cli_collect_check(struct cli_collect *cc, const char *cmd)
{
	ov_ctx *ctx = NULL;
	int status = 0;

	if (cc->o.out_dir == NULL || *cc->o.out_dir == '\0')
		return cli_usage_error(cmd, "--out DIR is required");
	if (cc->o.cloud != NULL && cc->o.endpoints_path != NULL)
		return cli_usage_error(cmd, "give --cloud or --endpoints, not "
		    "both");
	if (cc->n_subs != 0 && cc->o.management_group != NULL)
		return cli_usage_error(cmd, "give --subscription or "
		    "--management-group, not both");
	if (cc->o.ca_file != NULL && access(cc->o.ca_file, R_OK) != 0)
		return cli_usage_error(cmd, "--ca-file %s: cannot read it",
		    cc->o.ca_file);
	if (ov_ctx_new(&ctx) < 0) {
		cli_error("out of memory");
		return CLI_EXIT_INTERNAL;
	}
	if (ov_collect_check_endpoints(ctx, cc->o.cloud,
	    cc->o.endpoints_path) < 0) {
		(void)cli_error_ctx(ctx);
		fprintf(stderr, "Try 'overvisor %s --help'.\n", cmd);
		status = CLI_EXIT_USAGE;
	}
	ov_ctx_free(ctx);
	return status;
}

/* Terminal progress: finished sources as lines, the rest on one line. */
struct progress {
	bool		 tty;		/* draw the status line */
	bool		 drawn;		/* a status line is on screen */
	size_t		 finished;	/* sources settled */
	uint64_t	 rows;		/* rows of finished sources */
	char		 active[64];	/* last source that moved */
	uint64_t	 active_rows;
	uint64_t	 active_pages;
	uint64_t	 throttle_ms;	/* of that source */
	char		 done[64][48];	/* names already printed */
	size_t		 n_done;
	long long	 last_ms;	/* last redraw */
};

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool
final(const char *status)
{
	return strcmp(status, "collected") == 0 ||
	    strcmp(status, "partial") == 0 || strcmp(status, "failed") == 0;
}

static void
progress_cb(const ov_collect_source_info *s, void *payload)
{
	struct progress *p = payload;
	long long now = mono_ms();
	size_t i;

	if (final(s->status)) {
		for (i = 0; i < p->n_done; i++)
			if (strcmp(p->done[i], s->name) == 0)
				return;
		if (p->n_done < 64)
			snprintf(p->done[p->n_done++], sizeof(p->done[0]), "%s",
			    s->name);
		p->finished++;
		p->rows += s->count;
		fprintf(stderr, "%s  %-32s %-9s %9llu rows %6llu pages",
		    p->drawn ? "\r\033[K" : "", s->name, s->status,
		    (unsigned long long)s->count, (unsigned long long)s->pages);
		if (s->throttle_ms != 0)
			fprintf(stderr, " (%.1f s throttled)",
			    (double)s->throttle_ms / 1000.0);
		fputc('\n', stderr);
		p->drawn = false;
	} else {
		snprintf(p->active, sizeof(p->active), "%s", s->name);
		p->active_rows = s->count;
		p->active_pages = s->pages;
		p->throttle_ms = s->throttle_ms;
	}
	if (!p->tty || now - p->last_ms < 100)
		return;
	p->last_ms = now;
	fprintf(stderr, "\r\033[Kcollecting: %zu sources done, %llu rows; %s "
	    "page %llu, %llu rows", p->finished, (unsigned long long)p->rows,
	    p->active, (unsigned long long)p->active_pages,
	    (unsigned long long)p->active_rows);
	if (p->throttle_ms != 0)
		fprintf(stderr, ", %.1f s waiting on throttling",
		    (double)p->throttle_ms / 1000.0);
	p->drawn = true;
}

static void
log_cb(const char *line, void *payload)
{
	(void)payload;
	fprintf(stderr, "%s\n", line);
}

/* The summary table and totals. */
static void
summary(FILE *f, const ov_collect_result *r, const char *dir)
{
	ov_collect_source_info s;
	ov_collect_stats st;
	size_t i, n[4] = { 0, 0, 0, 0 };

	fprintf(f, "%-33s %-13s %9s %6s  %s\n", "SOURCE", "STATUS", "RECORDS",
	    "PAGES", "API VERSION");
	for (i = 0; ov_collect_source(r, i, &s) == 0; i++) {
		if (strcmp(s.status, "collected") == 0)
			n[0]++;
		else if (strcmp(s.status, "partial") == 0)
			n[1]++;
		else if (strcmp(s.status, "failed") == 0)
			n[2]++;
		else
			n[3]++;
		if (strcmp(s.status, "not-requested") == 0) {
			fprintf(f, "%-33s %s\n", s.name, s.status);
			continue;
		}
		fprintf(f, "%-33s %-13s %9llu %6llu  %s\n", s.name, s.status,
		    (unsigned long long)s.count, (unsigned long long)s.pages,
		    s.api_version != NULL ? s.api_version : "-");
		if (s.reason != NULL)
			fprintf(f, "    %s\n", s.reason);
	}
	ov_collect_stats_get(r, &st);
	fprintf(f, "\n%s: %zu collected, %zu partial, %zu failed, %zu not "
	    "requested; %llu records\n", dir, n[0], n[1], n[2], n[3],
	    (unsigned long long)st.records);
	fprintf(f, "%llu requests, %.1f MB, %llu retries, %llu throttled "
	    "(%.1f s waiting), %llu tokens, %.1f s\n",
	    (unsigned long long)st.requests, (double)st.bytes / 1e6,
	    (unsigned long long)st.retries, (unsigned long long)st.throttled,
	    (double)st.throttle_ms / 1000.0, (unsigned long long)st.tokens,
	    (double)st.elapsed_ms / 1000.0);
}

/* Warnings for every source not fully collected. */
static void
warnings(const ov_collect_result *r)
{
	ov_collect_source_info s;
	size_t i;

	for (i = 0; ov_collect_source(r, i, &s) == 0; i++)
		if (strcmp(s.status, "partial") == 0 ||
		    strcmp(s.status, "failed") == 0)
			cli_warn("%s %s: %s", s.name, s.status, s.reason != NULL ?
			    s.reason : "no reason given");
}

/* Collect; see collect_cli.h. */
int
cli_collect_exec(struct cli_collect *cc, FILE *out)
{
	struct progress prog;
	ov_collect_result *r = NULL;
	ov_collect_source_info s;
	ov_ctx *ctx = NULL;
	size_t i;
	int error, status;

	memset(&prog, 0, sizeof(prog));
	if ((status = cli_ctx_new(&ctx)) != 0)
		return status;
	/* The library draws nothing; this callback does, on a terminal. */
	ov_ctx_set_progress(ctx, NULL, NULL);
	prog.tty = isatty(STDERR_FILENO) && getenv("CI") == NULL &&
	    !cc->verbose;
	if (prog.tty || cc->verbose) {
		cc->o.progress = progress_cb;
		cc->o.progress_payload = &prog;
	}
	if (cc->verbose) {
		cc->o.log = log_cb;
		cc->o.log_payload = NULL;
	}
	error = ov_collect_run(&r, ctx, &cc->o);
	if (prog.drawn)
		fputs("\r\033[K", stderr);
	cc->written = error == 0;
	for (i = 0; error == OV_EAUTH && ov_collect_source(r, i, &s) == 0; i++)
		if (strcmp(s.status, "collected") == 0 ||
		    strcmp(s.status, "partial") == 0)
			cc->written = true;
	if (r != NULL) {
		if (out != NULL && cc->written)
			summary(out, r, cc->o.out_dir);
		else if (out != NULL)
			summary(stderr, r, cc->o.out_dir);
		else
			warnings(r);
	}
	if (error < 0) {
		status = cli_error_ctx(ctx);
		if (error == OV_EINVALID)
			status = CLI_EXIT_USAGE;
		else if (error == OV_EAUTH || error == OV_EHTTP)
			status = CLI_EXIT_COLLECT;
	} else {
		status = CLI_EXIT_OK;
	}
	ov_collect_result_free(r);
	ov_ctx_free(ctx);
	return status;
}

/* overvisor collect */
int
cmd_collect(int argc, char **argv)
{
	static struct option opts[sizeof(cli_collect_opts) /
	    sizeof(cli_collect_opts[0]) + 1];
	struct cli_collect cc;
	size_t i;
	int c, status;

	for (i = 0; cli_collect_opts[i].name != NULL; i++)
		opts[i] = cli_collect_opts[i];
	opts[i].name = "help";
	opts[i].has_arg = no_argument;
	opts[i].flag = NULL;
	opts[i].val = 'h';
	cli_collect_init(&cc);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			cli_collect_free(&cc);
			return CLI_EXIT_OK;
		}
		if (c == '?' || (status = cli_collect_option(&cc, c, optarg,
		    "collect")) != 0) {
			cli_collect_free(&cc);
			return c == '?' ? cli_usage_error("collect",
			    "bad option") : status;
		}
	}
	if (optind < argc) {
		cli_collect_free(&cc);
		return cli_usage_error("collect", "unexpected argument '%s'",
		    argv[optind]);
	}
	if ((status = cli_collect_check(&cc, "collect")) == 0)
		status = cli_collect_exec(&cc, stdout);
	cli_collect_free(&cc);
	return status;
}
