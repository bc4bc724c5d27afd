/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/raci.h
 * @brief The shared-responsibility matrix and the compliance frameworks.
 *
 * Ownership: every handle (ov_raci, ov_framework) is created by a *_load()
 * function, owned by the caller and released with the matching *_free().
 * Strings and arrays reached from a handle are borrowed and live as long
 * as it.  An ov_compliance from ov_framework_compliance() is owned by the
 * caller and released with ov_compliance_free().
 */
#ifndef OVERVISOR_RACI_H
#define OVERVISOR_RACI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "overvisor/common.h"
#include "overvisor/finding.h"
#include "overvisor/snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

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

/** Per-control result in a framework compliance view. */
typedef struct {
	const char	*id;		/**< control id, e.g. "CIS 3.0.0 7.1" */
	const char	*title;		/**< short title */
	const char	*status;	/**< passed, failed, indeterminate,
					     manual, microsoft, not-covered */
	size_t		 passed;	/**< compliant results: a rule on a
					     record, or an analyzer check that
					     ran and found nothing */
	size_t		 failed;	/**< non-compliant results */
	size_t		 indeterminate;	/**< indeterminate results */
	const char * const *rules;	/**< rules and analyzer checks mapped
					     to the control */
	size_t		 n_rules;
} ov_control_result;

/** A framework compliance view (scan --framework). */
typedef struct {
	const char		*id;		/**< "cis-azure-3.0.0" */
	const char		*title;		/**< human title */
	const ov_control_result	*controls;	/**< in catalogue order */
	size_t			 n_controls;
} ov_compliance;

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
