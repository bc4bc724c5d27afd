/* SPDX-License-Identifier: MIT */
/*
 * overvisor: the command-line driver.  Parses the sub-command and hands the
 * rest of the command line to it.  main() is the only place that exits.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "overvisor/common.h"
#include "overvisor/finding.h"
#include "cli.h"

static const struct cli_cmd commands[] = {
#define CLI_CMD(name, summary) { #name, summary, cmd_##name },
#include "cmd_list.h"
#undef CLI_CMD
	{ NULL, NULL, NULL }
};

static void
usage(FILE *f)
{
	const struct cli_cmd *c;

	fprintf(f,
	    "usage: overvisor <command> [options] [PATH...]\n"
	    "       overvisor <command> --help\n"
	    "       overvisor --version\n"
	    "\n"
	    "overvisor makes the customer's half of the Azure shared-responsibility\n"
	    "model measurable: inventory, posture, operational duties, accountability.\n"
	    "\n"
	    "Commands:\n");
	for (c = commands; c->name != NULL; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f,
	    "\n"
	    "Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage,\n"
	    "3 input, 4 collection/auth, 5 store, 70 internal error.\n"
	    "See overvisor(1) for details.\n");
}

static void
progress_cb(const char *label, uint64_t done, uint64_t total, void *payload)
{
	static int drawn;
	(void)payload;

	if (total != 0 && done >= total) {
		if (drawn)
			fprintf(stderr, "\r\033[K");
		drawn = 0;
		return;
	}
	if (total != 0)
		fprintf(stderr, "\r\033[K%s %llu/%llu (%u%%)", label,
		    (unsigned long long)done, (unsigned long long)total,
		    (unsigned)(done * 100 / total));
	else
		fprintf(stderr, "\r\033[K%s %llu", label,
		    (unsigned long long)done);
	drawn = 1;
}

/*
 * Threads for loading and evaluating: OVERVISOR_THREADS when set (1 to
 * 64), else one per online processor, at most 8.
 */
static uint64_t
cli_threads(void)
{
	const char *e = getenv("OVERVISOR_THREADS");
	long n;
	char *end;

	if (e != NULL && *e != '\0') {
		n = strtol(e, &end, 10);
		if (*end == '\0' && n >= 1 && n <= 64)
			return (uint64_t)n;
	}
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 8 ? 8 : (uint64_t)n;
}

/* Load and scan; see cli.h. */
int
cli_scan_inputs(ov_scan_result **out, ov_ctx *ctx, ov_snapshot *snap,
    char *const *paths, size_t n, unsigned flags,
    const ov_scan_options *opts)
{
	const char *retain = getenv("OVERVISOR_RETAIN");
	size_t i;
	int error;

	if (retain == NULL || strcmp(retain, "all") != 0)
		return ov_scan_paths(out, ctx, snap, (const char *const *)paths,
		    n, flags, opts);
	for (i = 0; i < n; i++)
		if ((error = ov_snapshot_load(snap, paths[i], flags)) < 0)
			return error;
	return ov_scan_run(out, ctx, snap, opts);
}

/* A context with a progress bar when stderr is a terminal. */
int
cli_ctx_new(ov_ctx **out)
{
	int error;

	if ((error = ov_ctx_new(out)) < 0) {
		cli_error("%s", ov_strerror(error));
		return CLI_EXIT_INTERNAL;
	}
	if (isatty(STDERR_FILENO) && getenv("CI") == NULL)
		ov_ctx_set_progress(*out, progress_cb, NULL);
	/* load and evaluate on every processor (OVERVISOR_THREADS caps) */
	(void)ov_ctx_set_limit(*out, OV_LIMIT_THREADS, cli_threads());
	if ((error = cli_apply_clock(*out)) != 0) {
		ov_ctx_free(*out);
		*out = NULL;
		return error;
	}
	return 0;
}

/* Print an error. */
void
cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("overvisor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Print a warning. */
void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("overvisor: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Map a library error code to an exit status. */
int
cli_exit_for(int code)
{
	switch (code) {
	case OV_OK:
		return CLI_EXIT_OK;
	case OV_EINVALID: case OV_EPARSE: case OV_ELIMIT: case OV_EIO:
	case OV_ENOTFOUND: case OV_EUNSUPPORTED:
		return CLI_EXIT_INPUT;
	case OV_EHTTP: case OV_EAUTH:
		return CLI_EXIT_COLLECT;
	case OV_ESTORE:
		return CLI_EXIT_STORE;
	default:
		return CLI_EXIT_INTERNAL;
	}
}

/* Print the context's last error with its position. */
int
cli_error_ctx(const ov_ctx *ctx)
{
	const ov_error *e = ov_error_last(ctx);

	fputs("overvisor: ", stderr);
	if (e->source != NULL) {
		fputs(e->source, stderr);
		if (e->line != 0)
			fprintf(stderr, ":%u:%u", e->line, e->column);
		fputs(": ", stderr);
	}
	fputs(e->message[0] != '\0' ? e->message : ov_strerror(e->code),
	    stderr);
	if (e->pointer != NULL)
		fprintf(stderr, " (at %s)", e->pointer[0] != '\0' ?
		    e->pointer : "/");
	fputc('\n', stderr);
	return cli_exit_for(e->code);
}

/* Report a usage error. */
int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("overvisor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'overvisor %s --help'.\n", cmd);
	return CLI_EXIT_USAGE;
}

/* Open the output file, or stdout. */
FILE *
cli_open_output(const char *path)
{
	FILE *f;

	if (path == NULL || strcmp(path, "-") == 0)
		return stdout;
	if ((f = fopen(path, "w")) == NULL)
		cli_error("%s: cannot open for writing", path);
	return f;
}

/* Close an output opened by cli_open_output. */
int
cli_close_output(FILE *f)
{
	if (f == stdout)
		return fflush(f) == 0 ? 0 : CLI_EXIT_INPUT;
	return fclose(f) == 0 ? 0 : CLI_EXIT_INPUT;
}

/* True for -h and --help. */
bool
cli_is_help(const char *s)
{
	return strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0;
}

/* OVERVISOR_NOW=2026-01-31[T...] fixes the clock for reproducible runs. */
int
cli_apply_clock(ov_ctx *ctx)
{
	const char *now = getenv("OVERVISOR_NOW");
	int64_t t;

	if (now == NULL || *now == '\0')
		return 0;
	if (ov_parse_time(now, &t) < 0) {
		cli_error("OVERVISOR_NOW: '%s' is not an ISO 8601 date", now);
		return CLI_EXIT_USAGE;
	}
	ov_ctx_set_now(ctx, t);
	return 0;
}

/* Join argv[from..] with spaces; NULL when out of memory. */
char *
cli_join_args(int argc, char **argv, int from)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = from; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((s = calloc(1, len)) == NULL)	/* checksrc: allow */
		return NULL;
	for (i = from; i < argc; i++) {
		if (i > from)
			strncat(s, " ", len - strlen(s) - 1);
		strncat(s, argv[i], len - strlen(s) - 1);
	}
	return s;
}

/* Where rules/ and data/ live. */
const char *
cli_data_dir(void)
{
	const char *d = getenv("OVERVISOR_DATA");

	return d != NULL && *d != '\0' ? d : OV_DATA_DIR;
}

int
main(int argc, char **argv)
{
	const struct cli_cmd *c;

	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			for (c = commands; c->name != NULL; c++)
				if (strcmp(c->name, argv[2]) == 0) {
					char *args[] = { argv[2], "--help",
					    NULL };
					return c->run(2, args);
				}
		}
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		printf("overvisor %s\n", OV_VERSION);
		return CLI_EXIT_OK;
	}
	for (c = commands; c->name != NULL; c++)
		if (strcmp(c->name, argv[1]) == 0)
			return c->run(argc - 1, argv + 1);
	cli_error("unknown command '%s'", argv[1]);
	usage(stderr);
	return CLI_EXIT_USAGE;
}
