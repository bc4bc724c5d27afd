/* SPDX-License-Identifier: MIT */
/*
 * overvisor run: collect a tenant, then scan the snapshot (with --db, the
 * scan is recorded): the daily job in one command.  The collection options
 * are taken here; every other option goes to overvisor scan unchanged,
 * with the snapshot directory as its input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "collect_cli.h"

#define MAX_ARGS 1024

static void
usage(FILE *f)
{
	fputs("usage: overvisor run --out DIR [collect options] [scan options]\n"
	    "\n"
	    "Collect one tenant into DIR, as overvisor collect does, then scan\n"
	    "it, as overvisor scan DIR does; with --db the scan is recorded in\n"
	    "the findings store.  Sources that could not be collected are\n"
	    "named on stderr; their checks are indeterminate, never passed.\n"
	    "\n"
	    "Collect options:\n", f);
	cli_collect_usage(f);
	fputs("\n"
	    "Every other option is a scan option (--format, --output,\n"
	    "--fail-on, --contract, --exceptions, --framework, --db, ...; see\n"
	    "overvisor scan --help).  Further PATHs are scanned with DIR.\n"
	    "  -h, --help         show this help\n\n", f);
	cli_collect_notes(f);
	fputs("\n"
	    "Exit status: as overvisor scan (0 clean, 1 findings at or above\n"
	    "--fail-on, 3 input, 5 store), or 2 usage, 4 authentication failed\n"
	    "or nothing could be collected (no scan is made when nothing was\n"
	    "collected), 70 internal error.\n", f);
}

/* The collect option named by arg ("--name" or "--name=value"), or NULL. */
static const struct option *
collect_opt(const char *arg, const char **value)
{
	const struct option *o;
	size_t n;

	*value = NULL;
	if (strncmp(arg, "--", 2) != 0)
		return NULL;
	arg += 2;
	n = strcspn(arg, "=");
	for (o = cli_collect_opts; o->name != NULL; o++)
		if (strlen(o->name) == n && strncmp(o->name, arg, n) == 0) {
			if (arg[n] == '=')
				*value = arg + n + 1;
			return o;
		}
	return NULL;
}

/* overvisor run */
int
cmd_run(int argc, char **argv)
{
	const struct option *o;
	struct cli_collect cc;
	const char *value;
	char *scan_argv[MAX_ARGS + 2];
	int i, n = 0, status, collected;

	cli_collect_init(&cc);
	scan_argv[n++] = "scan";
	for (i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			usage(stdout);
			cli_collect_free(&cc);
			return CLI_EXIT_OK;
		}
		if ((o = collect_opt(argv[i], &value)) != NULL) {
			if (o->has_arg == required_argument && value == NULL) {
				if (i + 1 >= argc) {
					cli_collect_free(&cc);
					return cli_usage_error("run", "--%s needs a "
					    "value", o->name);
				}
				value = argv[++i];
			} else if (o->has_arg == no_argument && value != NULL) {
				cli_collect_free(&cc);
				return cli_usage_error("run", "--%s takes no "
				    "value", o->name);
			}
			if ((status = cli_collect_option(&cc, o->val, value,
			    "run")) != 0) {
				cli_collect_free(&cc);
				return status;
			}
			continue;
		}
		if (n >= MAX_ARGS) {
			cli_collect_free(&cc);
			return cli_usage_error("run", "too many arguments");
		}
		scan_argv[n++] = argv[i];
	}
	if ((status = cli_collect_check(&cc, "run")) != 0) {
		cli_collect_free(&cc);
		return status;
	}
	collected = cli_collect_exec(&cc, NULL);
	if (!cc.written) {
		cli_collect_free(&cc);
		return collected != 0 ? collected : CLI_EXIT_INTERNAL;
	}
	scan_argv[n++] = (char *)(uintptr_t)cc.o.out_dir;
	scan_argv[n] = NULL;
	status = cmd_scan(n, scan_argv);
	cli_collect_free(&cc);
	/* An authentication failure outranks what the scan found. */
	return collected == CLI_EXIT_COLLECT ? CLI_EXIT_COLLECT : status;
}
