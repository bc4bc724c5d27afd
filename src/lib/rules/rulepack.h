/* SPDX-License-Identifier: MIT */
/*
 * The rules module: the rule pack (rules/<area>/<ID>.json, each an Azure
 * Policy definition with overvisor metadata under
 * properties.metadata.overvisor), its docs and fixture runner, and the
 * compiled rule set (ruleset.c).
 *
 * Ownership: struct ov_rulepack (typedef ov_rulepack in overvisor/rules.h)
 * owns its arena and every rule's parsed document until ov_rulepack_free().
 */
#ifndef OV_RULES_RULEPACK_H
#define OV_RULES_RULEPACK_H

#include <stddef.h>
#include <stdio.h>

#include "overvisor/json.h"
#include "overvisor/rules.h"
#include "util/arena.h"

struct ov_rulepack {
	ov_ctx		*ctx;		/* borrowed */
	struct ov_arena	 arena;		/* strings and arrays */
	ov_rule_info	*rules;		/* sorted by id */
	size_t		 n_rules;	/* number of rules */
	char		**texts;	/* raw file contents (heap), per rule */
	size_t		 n_texts;	/* number of texts */
};

/* Write s so that it stays inside one Markdown table cell (docs.c). */
void	ov_rules__md_cell(FILE *f, const char *s);

/* Write the peer coverage page (rules/peers.c). */
int	ov_rules__write_peer_coverage(const ov_rulepack *p, ov_ctx *ctx,
	    const char *data_dir, FILE *f);

/*
 * Compile a loaded policy set into a rule set, taking ownership of set
 * (released on failure too).  For callers that fill the set themselves
 * (the fixture runner); ov_ruleset_new() is the usual way.
 */
int	ov_rules__ruleset_adopt(ov_ruleset **out, ov_ctx *ctx,
	    ov_policy_set *set);

#endif
