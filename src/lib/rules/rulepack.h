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

#include <stdbool.h>
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

/*
 * Streaming evaluation.  Most instances read nothing but the record they
 * evaluate: a streaming scan evaluates them while the record loads, with
 * its whole body and no snapshot (ov_rules__eval_now; a record expanded
 * from a template is evaluated on the main thread with the snapshot,
 * which places its findings in the template).  The others read
 * other records (related records, the resource group or subscription
 * record, management-group ancestry): evaluated after loading, on the
 * records the retention plan kept whole (ov_rules__eval_later).  Typed
 * instances (guarded by the record's type) and untyped ones are asked
 * for apart (which): a record read twice meets its type's rules once, as
 * the richer copy, while unguarded ones meet every copy, as in a full
 * scan.
 */
#define OV_RULES_TYPED		1
#define OV_RULES_UNTYPED	2

struct ov_record;
struct ov_retain;

int	ov_rules__eval_now(ov_rule_eval *ev, const ov_snapshot *snap,
	    const struct ov_record *rec, int which, ov_policy_result_cb cb,
	    void *payload);
int	ov_rules__eval_later(ov_rule_eval *ev, const ov_snapshot *snap,
	    const struct ov_record *rec, int which, ov_policy_result_cb cb,
	    void *payload);
/* True when any instance of rs must be evaluated after loading. */
bool	ov_rules__has_later(const ov_ruleset *rs);
/*
 * Add to plan what the later instances read of the types they guard and
 * of their related types: the body paths their compiled rules read
 * (ov_policy__inst_reads), whole bodies when a read is known only at
 * evaluation (a computed field name, an unknown alias); whole bodies of
 * the container records (subscriptions, resource groups, management
 * groups).  An unguarded instance's paths are kept of every type.  0 or
 * OV_ENOMEM.
 */
int	ov_rules__retain(const ov_ruleset *rs, struct ov_retain *plan);

#endif
