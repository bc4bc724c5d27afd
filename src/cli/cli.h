/* SPDX-License-Identifier: MIT */
/*
 * Shared pieces of the command-line tool.  The CLI includes only the public
 * headers in include/overvisor/; everything it does goes through them.
 */
#ifndef OV_CLI_H
#define OV_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "overvisor/common.h"
#include "overvisor/scan.h"

/* Exit statuses (sysexits-style, documented in overvisor(1)). */
#define CLI_EXIT_OK		0	/* clean */
#define CLI_EXIT_FINDINGS	1	/* findings at or above --fail-on */
#define CLI_EXIT_USAGE		2	/* bad command line */
#define CLI_EXIT_INPUT		3	/* bad input */
#define CLI_EXIT_COLLECT	4	/* collection or authentication */
#define CLI_EXIT_STORE		5	/* findings store */
#define CLI_EXIT_INTERNAL	70	/* a bug (EX_SOFTWARE) */

/* One sub-command. */
struct cli_cmd {
	const char	*name;		/* "scan" */
	const char	*summary;	/* one line for `overvisor --help` */
	int		(*run)(int argc, char **argv); /* returns an exit status */
};

#define CLI_CMD(name, summary) int cmd_##name(int argc, char **argv);
#include "cmd_list.h"
#undef CLI_CMD

/* Print "overvisor: <message>" to stderr. */
void	cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "overvisor: <message>" as a warning to stderr. */
void	cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Print the last error on ctx with its source, line:column and JSON
 * Pointer, and return the exit status that fits its code.
 */
int	cli_error_ctx(const ov_ctx *ctx);
/* The exit status for a library error code. */
int	cli_exit_for(int code);
/* Print a usage error with a pointer to --help; returns CLI_EXIT_USAGE. */
int	cli_usage_error(const char *cmd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Create a context with the CLI's progress bar (on a TTY only). */
int	cli_ctx_new(ov_ctx **out);
/* Open --output (or stdout for NULL / "-"); NULL after an error. */
FILE	*cli_open_output(const char *path);
/* Close what cli_open_output opened; returns 0 or CLI_EXIT_INPUT. */
int	cli_close_output(FILE *f);
/* True when s names a help flag (-h, --help). */
bool	cli_is_help(const char *s);
/*
 * Load paths into snap and run the scan pipeline while loading
 * (ov_scan_paths).  OVERVISOR_RETAIN=all loads every record whole first
 * (ov_snapshot_load, then ov_scan_run): the same report, for comparing
 * the two.
 */
int	cli_scan_inputs(ov_scan_result **out, ov_ctx *ctx, ov_snapshot *snap,
	    char *const *paths, size_t n, unsigned flags,
	    const ov_scan_options *opts);
/* Apply OVERVISOR_NOW (ISO date) to ctx, for reproducible runs. */
int	cli_apply_clock(ov_ctx *ctx);
/* Record a finished scan in the store at db (scan --db); 0 or an exit status. */
struct ov_snapshot;
struct ov_scan_result;
int	cli_store_scan(ov_ctx *ctx, const char *db,
	    const struct ov_snapshot *snap, const struct ov_scan_result *result);
/* Fence the scans this process records to a queue job's lease (worker). */
void	cli_store_fence(int64_t id, const char *token);
/*
 * Scans in this process that evaluate the built-in rule pack alone (no
 * --rules, --no-rules, --policy, --aliases or --assigned) use rs, compiled
 * once, instead of compiling their own (worker: set before its jobs fork).
 */
void	cli_scan_share_ruleset(const ov_ruleset *rs);
/* Open the PostgreSQL store of the tenants and job queue (tenants, jobs,
 * worker); a SQLite path is refused.  0 or an exit status. */
struct ov_store;
int	cli_queue_open(ov_ctx *ctx, const char *db, struct ov_store **out);
/* As cli_queue_open, with ov_store_open flags (OV_STORE_NOINIT). */
int	cli_queue_open_flags(ov_ctx *ctx, const char *db, unsigned flags,
	    struct ov_store **out);
/* --format text|json: *json set; 0 or CLI_EXIT_USAGE. */
int	cli_text_or_json(const char *cmd, const char *arg, bool *json);
/* A Unix time as a JSON string (ISO 8601, UTC), or null for 0. */
void	cli_json_time(FILE *f, int64_t t);
/* argv[from..] joined by spaces, for a report label; free() it. */
char	*cli_join_args(int argc, char **argv, int from);
/* The data directory: $OVERVISOR_DATA, else the build-time source tree. */
const char *cli_data_dir(void);

#endif
