/* SPDX-License-Identifier: MIT */
/*
 * What `overvisor collect` and `overvisor run` share: the collection
 * options, their parsing, and running a collection with progress on a
 * terminal and a summary.
 */
#ifndef OV_COLLECT_CLI_H
#define OV_COLLECT_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "overvisor/collect.h"

#define CLI_COLLECT_MAX_SUBS	4096	/* --subscription options */
#define CLI_COLLECT_MAX_SOURCES	64	/* names in --sources */

/* A collection being set up from the command line. */
struct cli_collect {
	ov_collect_options	 o;
	const char		*subs[CLI_COLLECT_MAX_SUBS];
	size_t			 n_subs;
	char			*sources_buf;	/* --sources, split in place */
	const char		*sources[CLI_COLLECT_MAX_SOURCES];
	bool			 verbose;	/* --verbose */
	bool			 written;	/* a snapshot was written */
};

/* The collection options, for getopt_long (terminated by a zero entry). */
extern const struct option cli_collect_opts[];

/* Prepare cc with the defaults. */
void	cli_collect_init(struct cli_collect *cc);
/* Release what parsing allocated. */
void	cli_collect_free(struct cli_collect *cc);
/*
 * Apply one option (its getopt_long code and argument).  Returns 0, or
 * CLI_EXIT_USAGE after printing why (cmd names the command for --help).
 */
int	cli_collect_option(struct cli_collect *cc, int code, const char *arg,
	    const char *cmd);
/* Check the options together; 0 or CLI_EXIT_USAGE. */
int	cli_collect_check(struct cli_collect *cc, const char *cmd);
/*
 * Collect.  summary goes to the summary table (NULL: only warnings for
 * sources not collected, on stderr).  Returns the exit status: 0, 2, 3,
 * 4 (authentication failed or nothing was collected) or 70.
 */
int	cli_collect_exec(struct cli_collect *cc, FILE *summary);
/* The collection options' help text. */
void	cli_collect_usage(FILE *f);
/* The sources and credentials paragraphs of the help. */
void	cli_collect_notes(FILE *f);

#endif
