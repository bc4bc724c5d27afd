/* SPDX-License-Identifier: MIT */
/*
 * Framework catalogues (data/frameworks/<id>.json, written by
 * tools/gen_frameworks.c): controls in catalogue order with their owner,
 * kind of check and mapped rules; and the compliance view computed from
 * per-rule results.
 *
 * Ownership: struct ov_framework (typedef ov_framework in
 * overvisor/rules.h) owns its arena; every string and array reached from
 * it lives until ov_framework_free().
 */
#ifndef OV_RACI_FRAMEWORKS_H
#define OV_RACI_FRAMEWORKS_H

#include <stdbool.h>
#include <stddef.h>

#include "overvisor/raci.h"
#include "util/arena.h"

/* One control of a catalogue. */
struct ov_fw_control {
	const char	 *id;		/* "CIS-3.0.0:4.1" */
	const char	 *control;	/* "4.1" */
	const char	 *title;	/* short title, may be "" */
	const char	 *owner;	/* "customer" or "microsoft" */
	const char	 *check;	/* automated, manual, microsoft */
	const char	**rules;	/* mapped rule ids */
	size_t		  n_rules;	/* number of rules */
	size_t		  n_builtins;	/* automated built-ins referenced */
};

struct ov_framework {
	ov_ctx			*ctx;		/* borrowed */
	struct ov_arena		 arena;		/* everything below */
	const char		*id;		/* "cis-azure-3.0.0" */
	const char		*title;		/* human title */
	const char		*prefix;	/* control id prefix */
	struct ov_fw_control	*controls;	/* catalogue order */
	size_t			 n_controls;	/* number of controls */
	const char		**rule_ids;	/* sorted, unique */
	size_t			 n_rule_ids;	/* number of rule ids */
};

/* Load a catalogue file by path (ov_framework_load() builds the path). */
int	ov_raci__framework_load_file(struct ov_framework **out, ov_ctx *ctx,
	    const char *path);

#endif
