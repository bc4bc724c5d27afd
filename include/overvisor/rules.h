/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/rules.h
 * @brief The rule pack (list, test, docs), the compiled rule set that
 * scans evaluate, and the analyzers' check table.  The shared-
 * responsibility matrix and the compliance frameworks are in
 * overvisor/raci.h, included here.
 *
 * Ownership: an ov_rulepack is created by ov_rulepack_load(), owned by the
 * caller and released with ov_rulepack_free().  An ov_ruleset from
 * ov_ruleset_new() is owned by the caller and released with
 * ov_ruleset_free(); once built it is immutable, so any number of threads
 * and scans may read it at the same time.  An ov_rule_eval (evaluation
 * state: one per thread) is owned by the caller and released with
 * ov_rule_eval_free(); it borrows its rule set, which must outlive it.
 * Strings and arrays reached from a handle are borrowed and live as long
 * as it.
 */
#ifndef OVERVISOR_RULES_H
#define OVERVISOR_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "overvisor/common.h"
#include "overvisor/finding.h"
#include "overvisor/policy.h"
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
	const char * const	*peers;		/**< peer checks covered:
						     "prowler:<id>",
						     "checkov:<id>",
						     "psrule:<name>" */
	size_t			 n_peers;
	const char		*family;	/**< severity family, or NULL */
	const char		*defender_recommendation; /**< Defender
						     for Cloud recommendation
						     anchoring the severity,
						     or NULL */
	const char		*severity_rationale; /**< why the severity
						     departs from its anchor
						     or family, or NULL */
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
 * index.md, cis-coverage.md built from the CIS catalogues under
 * data_dir/data/frameworks, and peer-coverage.md from the peer check lists
 * under data_dir/data/peers.  A rule naming a peer check that is not in
 * those lists is an error (OV_EINVALID).  Output is deterministic.
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

/* ------------------------------------------------------------------ */
/* Analyzer checks                                                     */

/**
 * One analyzer check: a row of data/analyzers/checks.json, compiled into
 * the library.  Findings of the check take their severity, state, duty,
 * layer and remediation from it; a *_note says how the value depends on
 * the data when it does (and is NULL when the value is fixed).  Every
 * string is static.
 */
typedef struct {
	const char		*id;		/**< "OV-PATCH-001" */
	const char		*analyzer;	/**< "patch" ... ("exceptions"
						     for OV-ACC-010) */
	const char		*title;		/**< the check's name */
	const char		*severity;	/**< default severity */
	const char		*severity_note;	/**< or NULL */
	const char		*state;		/**< non-compliant or
						     indeterminate */
	const char		*state_note;	/**< or NULL */
	const char		*duty;		/**< contract duty, or NULL */
	const char		*duty_note;	/**< when duty is NULL */
	const char		*layer;		/**< layer, or NULL */
	const char		*layer_note;	/**< or NULL */
	const char		*description;	/**< what it finds (Markdown) */
	const char		*started;	/**< when the SLA clock starts,
						     or NULL */
	const char		*remediation;	/**< one paragraph */
	const char		*docs;		/**< page#anchor under docs/ */
	const char * const	*controls;	/**< framework control ids */
	size_t			 n_controls;
	const char * const	*peers;		/**< equivalent checks of other
						     tools */
	size_t			 n_peers;
} ov_check_info;

/** Number of analyzer checks (0 if the compiled-in table is broken). */
OV_EXTERN(size_t) ov_checks_count(void);

/** Check i in id order, or NULL past the end. */
OV_EXTERN(const ov_check_info *) ov_checks_get(size_t i);

/** The check with this id (case-insensitive), or NULL. */
OV_EXTERN(const ov_check_info *) ov_checks_find(const char *id);

/** What ov_rules_write_list() lists. */
#define OV_LIST_RULES	0x01	/**< the rule pack's rules */
#define OV_LIST_CHECKS	0x02	/**< the analyzers' checks */

/**
 * List rules (of pack, which may be NULL without OV_LIST_RULES) and
 * analyzer checks, merged in id order: as a text table with a KIND column
 * ("rule" or "analyzer") and a count line, or with json a JSON array of
 * objects with sorted keys and a "kind" member.
 */
OV_EXTERN(int) ov_rules_write_list(const ov_rulepack *pack, unsigned what,
    bool json, FILE *f);

/**
 * Generate the analyzer check pages into out_dir: one <analyzer>.md per
 * analyzer (a table, then one section per check with its anchor) and
 * index.md.  Output is deterministic.
 */
OV_EXTERN(int) ov_checks_write_docs(ov_ctx *ctx, const char *out_dir);

/* ------------------------------------------------------------------ */
/* Compiled rule set: compile once, evaluate many snapshots            */

/**
 * The rule pack, extra policy definitions and the alias table, loaded and
 * compiled once.  Immutable after ov_ruleset_new(): evaluation state lives
 * in an ov_rule_eval, so threads and scans share one set.
 */
typedef struct ov_ruleset ov_ruleset;

/** What a rule set is built from.  Initialise with OV_RULESET_OPTIONS_INIT. */
typedef struct {
	unsigned		 version;	/**< ..._OPTIONS_VERSION */
	const char		*data_dir;	/**< rules/ and data/; NULL for
						     the built-in path */
	const char		*rules_dir;	/**< rule pack; NULL for
						     data_dir/rules */
	bool			 no_rules;	/**< leave the rule pack out */
	const char * const	*policy_paths;	/**< definitions, initiatives,
						     assignments (files or
						     directories) */
	size_t			 n_policy_paths;
	const char		*aliases_path;	/**< full alias table, or NULL
						     for the shipped one */
	const char * const	*params;	/**< "NAME=JSON" values for
						     definitions evaluated
						     without an assignment */
	size_t			 n_params;
	const char		*api_version;	/**< what requestContext()
						     .apiVersion gives, or
						     NULL */
	const ov_snapshot	*snapshot;	/**< evaluate through this
						     snapshot's assignments and
						     exemptions, as Azure does;
						     the set is then bound to
						     it.  NULL: unbound */
} ov_ruleset_options;

#define OV_RULESET_OPTIONS_VERSION 1
#define OV_RULESET_OPTIONS_INIT { OV_RULESET_OPTIONS_VERSION, NULL, NULL, \
	false, NULL, 0, NULL, NULL, 0, NULL, NULL }

/**
 * Load and compile a rule set.  A definition that cannot be used is a
 * diagnostic (ov_ruleset_diag()), not a failure; the call fails only when
 * a path cannot be read, the options are wrong or memory runs out.
 * *out is owned by the caller.
 */
OV_EXTERN(int) ov_ruleset_new(ov_ruleset **out, ov_ctx *ctx,
    const ov_ruleset_options *opts);

/** Release a rule set.  NULL is ignored. */
OV_EXTERN(void) ov_ruleset_free(ov_ruleset *rs);

/** Counts of what was loaded and compiled. */
OV_EXTERN(void) ov_ruleset_stats(const ov_ruleset *rs, ov_policy_stats *out);

/** Diagnostic i of loading and compiling; OV_ENOTFOUND past the end. */
OV_EXTERN(int) ov_ruleset_diag(const ov_ruleset *rs, size_t i,
    ov_policy_diag *out);

/** The snapshot the set is bound to (its assignments), or NULL. */
OV_EXTERN(const ov_snapshot *) ov_ruleset_snapshot(const ov_ruleset *rs);

/**
 * Evaluation state over one rule set: scratch memory and the context
 * (clock, limits) of one thread.  Cheap to create; reuse it across
 * records and snapshots.
 */
typedef struct ov_rule_eval ov_rule_eval;

/** Create evaluation state for rs; ctx gives the clock and limits. */
OV_EXTERN(int) ov_rule_eval_new(ov_rule_eval **out, const ov_ruleset *rs,
    ov_ctx *ctx);

/** Release evaluation state.  NULL is ignored. */
OV_EXTERN(void) ov_rule_eval_free(ov_rule_eval *ev);

/**
 * Evaluate every rule that applies to record i of snap (with
 * OV_POLICY_EVAL_ALL, every rule, to report not-applicable too), rules in
 * set order; related records (auditIfNotExists targets, scopes) are looked
 * up through the snapshot's index.  snap must be indexed
 * (ov_snapshot_index()), and be the bound snapshot when the set is bound.
 * Each result goes to cb; a non-zero return stops and is passed back.
 */
OV_EXTERN(int) ov_rule_eval_record(ov_rule_eval *ev, const ov_snapshot *snap,
    size_t i, unsigned flags, ov_policy_result_cb cb, void *payload);

/**
 * Evaluate the set on every record of snap (indexed), rule by rule in set
 * order and records in snapshot order: the same results as
 * ov_rule_eval_record() over every record, in another order.
 */
OV_EXTERN(int) ov_rule_eval_snapshot(ov_rule_eval *ev,
    const ov_snapshot *snap, unsigned flags, ov_policy_result_cb cb,
    void *payload);

#ifdef __cplusplus
}
#endif
#endif
