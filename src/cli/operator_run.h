/* SPDX-License-Identifier: MIT */
/*
 * Running one tenant the way `overvisor operator run` does (cmd_operator.c):
 * its directory and lock under the state directory, then `overvisor run`
 * in a process of its own with only its own credential.  Shared by
 * `operator run` (tenants from a configuration file) and `overvisor
 * worker` (tenants from the PostgreSQL queue, cmd_worker.c).
 */
#ifndef OV_CLI_OPERATOR_RUN_H
#define OV_CLI_OPERATOR_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "overvisor/operator.h"

#define DETAIL_MAX		300	/* bytes of a tenant's last message */
#define PATH_MAX_OV		4096
#define DIR_MAX			4000	/* a tenant's directory, leaving
					   room in PATH_MAX_OV for a name */

/* What happened to one tenant. */
enum outcome { T_PENDING, T_RUNNING, T_DONE, T_LOCKED, T_SIGNALED,
	T_SETUP, T_STOPPED };

struct op_job {
	const ov_operator_tenant *t;
	enum outcome	 outcome;
	pid_t		 pid;
	int		 status;	/* exit status of its run */
	int		 sig;		/* signal that ended it */
	char		 dir[DIR_MAX];
	char		 detail[DETAIL_MAX];
	int64_t		 fence_id;	/* queue job whose lease fences the
					   scan (worker), or 0 */
	const char	*fence_token;
};

struct op_opts {
	const char		*config;
	const char		*db;
	const char		*state;
	const char		*format;
	const char		*fail_on;
	unsigned		 concurrency;
	const ov_operator_config *cfg;	/* NULL: the worker's */
};

/* The report file of a format ("report.json"), or NULL for no format. */
const char *op_report_file(const char *format);
/* mkdir -p with mode 0700 for what it creates. */
int	op_make_dirs(const char *path);
/*
 * Start one tenant: its directory, its lock, its process.  Returns 1 when
 * its process runs (j->pid), 0 when it could not start (j->outcome,
 * j->status and j->detail say why).
 */
int	op_start(const struct op_opts *o, struct op_job *j);
/* Fill j's outcome from its process's wait status; stopped: the run was
 * told to stop, so a SIGTERM or SIGINT is `stopped`, not `crashed`. */
void	op_settle(struct op_job *j, int st, bool stopped);
/* How bad a tenant's exit status is: the worst one is reported. */
int	op_rank(int status);
/* The word for a tenant's result ("clean", "collect-failed"...). */
const char *op_result_word(const struct op_job *j);

#endif
