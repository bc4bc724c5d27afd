/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/rules.h
 * @brief The rule pack (list, test, docs), the shared-responsibility matrix
 * and the compliance frameworks.
 *
 * Ownership: every handle (ov_rulepack, ov_raci, ov_framework) is created
 * by a *_load() function, owned by the caller and released with the
 * matching *_free().  Strings and arrays reached from a handle are borrowed
 * and live as long as it.  An ov_compliance from ov_framework_compliance()
 * is owned by the caller and released with ov_compliance_free().
 */
#ifndef OVERVISOR_RULES_H
#define OVERVISOR_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "overvisor/common.h"
#include "overvisor/finding.h"
#include "overvisor/report.h"
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
/* Shared-responsibility matrix                                        */

/** The matrix (layer x service model) and the type table. */
typedef struct ov_raci ov_raci;

/**
 * Load data_dir/data/responsibility/{matrix,types}.json.  *out is owned
 * by the caller.
 */
OV_EXTERN(int) ov_raci_load(ov_raci **out, ov_ctx *ctx,
    const char *data_dir);

/** Release.  NULL is ignored. */
OV_EXTERN(void) ov_raci_free(ov_raci *raci);

/**
 * The service model of a resource type ("iaas", "paas", "saas",
 * "on-premises"), matched case-insensitively; a child type without its
 * own entry inherits its parent's.  NULL when the type is unknown.
 */
OV_EXTERN(const char *) ov_raci_service_model(const ov_raci *raci,
    const char *type);

/**
 * Who owns a layer for a resource type.  OV_OWNER_UNKNOWN when the type is
 * unknown, except for layers that the matrix gives the same owner under
 * every cloud service model (those are answered without the type).
 */
OV_EXTERN(ov_owner) ov_raci_owner(const ov_raci *raci, const char *type,
    ov_layer layer);

/** The owner of a layer under a service model; OV_OWNER_UNKNOWN if none. */
OV_EXTERN(ov_owner) ov_raci_model_owner(const ov_raci *raci,
    const char *model, ov_layer layer);

/** Number of known types. */
OV_EXTERN(size_t) ov_raci_n_types(const ov_raci *raci);

/**
 * Write the responsibility view of an estate: per layer, the owner under
 * each service model present, the resources (by service model and
 * owner) and the open findings.  format is "text", "json" or "html";
 * findings may be NULL.  Returns OV_EINVALID for another format.
 */
OV_EXTERN(int) ov_raci_write_matrix(const ov_raci *raci,
    const ov_snapshot *snap, const ov_findings *findings,
    const char *format, FILE *f);

/* ------------------------------------------------------------------ */
/* Compliance frameworks                                               */

/** A framework catalogue with its rule-to-control mappings. */
typedef struct ov_framework ov_framework;

/**
 * Load data_dir/data/frameworks/<id>.json ("cis-azure-3.0.0",
 * "nist-800-53-r5", ...).  OV_ENOTFOUND for an unknown id.
 */
OV_EXTERN(int) ov_framework_load(ov_framework **out, ov_ctx *ctx,
    const char *data_dir, const char *id);

/** Release.  NULL is ignored. */
OV_EXTERN(void) ov_framework_free(ov_framework *fw);

/** The framework id and title. */
OV_EXTERN(const char *) ov_framework_id(const ov_framework *fw);
OV_EXTERN(const char *) ov_framework_title(const ov_framework *fw);

/**
 * The rule ids mapped to any control of the framework, sorted and without
 * duplicates; *ids is borrowed from fw.
 */
OV_EXTERN(void) ov_framework_rules(const ov_framework *fw,
    const char * const **ids, size_t *n);

/** True when rule is mapped to a control of the framework. */
OV_EXTERN(bool) ov_framework_has_rule(const ov_framework *fw,
    const char *rule);

/** Per-rule evaluation counts, the input of the compliance view. */
typedef struct {
	const char	*rule;		/**< rule id */
	size_t		 passed;	/**< compliant (rule, record) pairs */
	size_t		 failed;	/**< non-compliant pairs */
	size_t		 indeterminate;	/**< indeterminate pairs */
} ov_rule_tally;

/**
 * Compute the compliance view from per-rule counts.  Per control, in
 * catalogue order: "microsoft" when Microsoft owns it, "manual" when no
 * automated check exists, "not-covered" when automated checks exist but
 * no rule of ours maps to it, otherwise "failed" if any mapped result
 * failed, else "indeterminate" if any was indeterminate, else "passed" if
 * any passed, else "not-applicable" (no resource in scope).  *out is owned
 * by the caller (ov_compliance_free()).
 */
OV_EXTERN(int) ov_framework_compliance(const ov_framework *fw,
    const ov_rule_tally *tallies, size_t n_tallies, ov_compliance **out);

/** Release a compliance view.  NULL is ignored. */
OV_EXTERN(void) ov_compliance_free(ov_compliance *c);

/**
 * List the framework ids available under data_dir (sorted); calls cb with
 * each id and title.  A non-zero return from cb stops and is passed back.
 */
OV_EXTERN(int) ov_frameworks_list(ov_ctx *ctx, const char *data_dir,
    int (*cb)(const char *id, const char *title, void *payload),
    void *payload);

#ifdef __cplusplus
}
#endif
#endif
