/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/rules.h
 * @brief The rule pack (list, test, docs).  The shared-responsibility
 * matrix and the compliance frameworks are in overvisor/raci.h, included
 * here.
 *
 * Ownership: an ov_rulepack is created by ov_rulepack_load(), owned by the
 * caller and released with ov_rulepack_free().  Strings and arrays reached
 * from it are borrowed and live as long as it.
 */
#ifndef OVERVISOR_RULES_H
#define OVERVISOR_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "overvisor/common.h"
#include "overvisor/finding.h"
#include "overvisor/raci.h"
#include "overvisor/snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Rule pack                                                           */

/** The loaded rule pack: every rule file under rules/. */
typedef struct ov_rulepack ov_rulepack;

/** One rule's metadata, from properties.metadata.overvisor. */
typedef struct {
	const char		*id;		/**< "OV-STG-001" */
	const char		*title;		/**< displayName */
	const char		*description;	/**< description */
	const char		*category;	/**< metadata.category */
	const char		*version;	/**< metadata.version */
	const char		*mode;		/**< "Indexed" or "All" */
	const char		*resource_type;	/**< type the rule targets,
						     or NULL */
	const char		*severity;	/**< critical ... info */
	const char		*layer;		/**< responsibility layer */
	const char		*duty;		/**< contract duty */
	const char		*remediation;	/**< one paragraph */
	const char		*builtin;	/**< equivalent built-in name
						     (GUID), or NULL */
	const char		*default_effect; /**< effect parameter default */
	const char * const	*effects;	/**< allowed effect values */
	size_t			 n_effects;
	const char * const	*controls;	/**< framework control ids */
	size_t			 n_controls;
	const char		*file;		/**< path of the rule file */
} ov_rule_info;

/**
 * Load every *.json under rules_dir (recursively, sorted by rule id).  A
 * file that is not a well-formed rule with complete metadata makes the
 * load fail with OV_EPARSE or OV_EINVALID and its path and position on
 * ctx.  *out is owned by the caller.
 */
OV_EXTERN(int) ov_rulepack_load(ov_rulepack **out, ov_ctx *ctx,
    const char *rules_dir);

/** Release a rule pack.  NULL is ignored. */
OV_EXTERN(void) ov_rulepack_free(ov_rulepack *pack);

/** Number of rules. */
OV_EXTERN(size_t) ov_rulepack_count(const ov_rulepack *pack);

/** Rule i in id order, or NULL past the end. */
OV_EXTERN(const ov_rule_info *) ov_rulepack_get(const ov_rulepack *pack,
    size_t i);

/** The rule with this id (case-insensitive), or NULL. */
OV_EXTERN(const ov_rule_info *) ov_rulepack_find(const ov_rulepack *pack,
    const char *id);

/** Write the pack as a JSON array (sorted keys, one rule per element). */
OV_EXTERN(int) ov_rulepack_write_json(const ov_rulepack *pack, FILE *f);

/** Write the pack as a text table. */
OV_EXTERN(int) ov_rulepack_write_text(const ov_rulepack *pack, FILE *f);

/**
 * Generate the rule documentation into out_dir: one <ID>.md per rule,
 * index.md, and cis-coverage.md built from the CIS catalogues under
 * data_dir/data/frameworks.  Output is deterministic.
 */
OV_EXTERN(int) ov_rulepack_write_docs(const ov_rulepack *pack, ov_ctx *ctx,
    const char *data_dir, const char *out_dir);

/** Outcome of one fixture case. */
typedef struct {
	const char	*rule;		/**< rule id */
	const char	*name;		/**< case name ("compliant") */
	const char	*expected;	/**< expected state name */
	const char	*actual;	/**< state the engine gave, or "none" */
	const char	*reason;	/**< the engine's reason, may be NULL */
	bool		 ok;		/**< actual == expected */
} ov_rule_case;

/** Called once per case; a non-zero return stops the run. */
typedef int (*ov_rule_case_cb)(const ov_rule_case *c, void *payload);

/** Counts from a fixture run. */
typedef struct {
	size_t	 rules;		/**< rules exercised */
	size_t	 cases;		/**< cases run */
	size_t	 failed;	/**< cases whose state differed */
	size_t	 missing;	/**< rules without a fixture file */
} ov_rule_test_stats;

/**
 * Run every rule's fixture (fixtures_dir/<ID>.json: {rule, cases:[{name,
 * expect, record, related}]}) through the policy engine: each case's
 * record and related records become a snapshot, the rule is evaluated,
 * and the state of the record is compared with expect.  only, when not
 * NULL, restricts the run to one rule id.  Aliases come from
 * aliases_path (the `az provider list` shape) when not NULL, else from
 * the table shipped under data_dir.  Returns 0 when the run
 * completed (look at stats->failed), or an error when a fixture or rule
 * cannot be read.
 */
OV_EXTERN(int) ov_rulepack_test(const ov_rulepack *pack, ov_ctx *ctx,
    const char *data_dir, const char *aliases_path,
    const char *fixtures_dir, const char *only, ov_rule_case_cb cb,
    void *payload, ov_rule_test_stats *stats);

#ifdef __cplusplus
}
#endif
#endif
