/* SPDX-License-Identifier: MIT */
/*
 * overvisor report --fleet (report_fleet.c): the operator's roll-up over
 * every tenant of a store for one month.
 */
#ifndef OV_CLI_REPORT_FLEET_H
#define OV_CLI_REPORT_FLEET_H

#include <stdint.h>

#include "overvisor/common.h"

struct fleet_opts {
	const char	*month;		/* "2026-11" */
	int64_t		 from;		/* the month, [from, to) */
	int64_t		 to;
	const char	*format;	/* html, json or csv */
	const char	*output;	/* file, or NULL for stdout */
	const char	*title;		/* or NULL */
};

/* Write the roll-up of the store at db; 0 or an exit status. */
int	cli_report_fleet(ov_ctx *ctx, const char *db,
	    const struct fleet_opts *o);

#endif
