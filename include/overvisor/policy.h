/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/policy.h
 * @brief The Azure Policy engine: definitions, initiatives, assignments and
 * exemptions evaluated offline on a snapshot.
 *
 * Ownership: an ov_policy_set from ov_policy_set_new() is owned by the
 * caller and released with ov_policy_set_free().  Every pointer handed to a
 * callback (results, diagnostics) is borrowed and valid only during the
 * call.  The set borrows its ov_ctx, which must outlive it.
 */
#ifndef OVERVISOR_POLICY_H
#define OVERVISOR_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/common.h"
#include "overvisor/finding.h"
#include "overvisor/snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A set of loaded policy objects and their compiled form. */
typedef struct ov_policy_set ov_policy_set;

/** Effects, after parameter resolution. */
typedef enum {
	OV_EFFECT_UNKNOWN = 0,
	OV_EFFECT_AUDIT,
	OV_EFFECT_DENY,
	OV_EFFECT_DISABLED,
	OV_EFFECT_MANUAL,
	OV_EFFECT_AUDIT_IF_NOT_EXISTS,
	OV_EFFECT_DEPLOY_IF_NOT_EXISTS,
	OV_EFFECT_MODIFY,
	OV_EFFECT_APPEND,
	OV_EFFECT_DENY_ACTION,
	OV_EFFECT_UNSUPPORTED	/**< mutate, enforceSetting, ... */
} ov_policy_effect;

/** The canonical name of an effect ("auditIfNotExists"). */
OV_EXTERN(const char *) ov_policy_effect_name(ov_policy_effect e);

/** Diagnostic levels. */
#define OV_POLICY_DIAG_ERROR		0	/**< the item is not usable */
#define OV_POLICY_DIAG_WARNING		1	/**< usable, but suspicious */
#define OV_POLICY_DIAG_UNSUPPORTED	2	/**< valid, outside scope */

/** One diagnostic from loading or compiling. */
typedef struct {
	int		 level;		/**< OV_POLICY_DIAG_* */
	const char	*file;		/**< source file, or NULL */
	const char	*pointer;	/**< JSON Pointer, or NULL */
	unsigned	 line;		/**< 1-based, 0 if unknown */
	unsigned	 column;	/**< 1-based, 0 if unknown */
	const char	*message;	/**< one line, no trailing period */
} ov_policy_diag;

/** Create an empty set bound to ctx. */
OV_EXTERN(int) ov_policy_set_new(ov_policy_set **out, ov_ctx *ctx);

/** Release a set.  NULL is ignored. */
OV_EXTERN(void) ov_policy_set_free(ov_policy_set *set);

/**
 * Load an alias table in the `az provider list` shape (merged with any
 * table already loaded).  When no table is loaded before the first
 * compile, the set loads data/aliases/aliases.json from data_dir given to
 * ov_policy_set_default_aliases().
 */
OV_EXTERN(int) ov_policy_set_load_aliases(ov_policy_set *set,
    const char *path);

/** Load the shipped compact alias table found under data_dir. */
OV_EXTERN(int) ov_policy_set_default_aliases(ov_policy_set *set,
    const char *data_dir);

/**
 * Add a file or a directory (recursively, sorted) of definitions,
 * initiatives, assignments and exemptions: bare `{properties:{...}}`
 * objects, ARM envelopes, arrays of them, `{value:[...]}` lists, or ARM
 * templates declaring them.  Problems become diagnostics (one bad file never
 * sinks the batch); returns OV_EIO only when path cannot be read.
 */
OV_EXTERN(int) ov_policy_set_add_file(ov_policy_set *set, const char *path);

/**
 * As ov_policy_set_add_file for a rule pack: its definitions and
 * initiatives are evaluated on their own, with their defaults, whether or
 * not the set holds assignments (which otherwise decide alone what is
 * evaluated).
 */
OV_EXTERN(int) ov_policy_set_add_rules(ov_policy_set *set, const char *path);

/** As ov_policy_set_add_file for len bytes of data named name. */
OV_EXTERN(int) ov_policy_set_add_buffer(ov_policy_set *set,
    const char *name, const char *data, size_t len);

/**
 * Add the policy objects found in a snapshot (records of type
 * Microsoft.Authorization/policyDefinitions, policySetDefinitions,
 * policyAssignments and policyExemptions).
 */
OV_EXTERN(int) ov_policy_set_add_snapshot(ov_policy_set *set,
    const ov_snapshot *snap);

/**
 * Set a parameter value for definitions evaluated without an assignment;
 * json is JSON text (a bare word is taken as a string).
 */
OV_EXTERN(int) ov_policy_set_set_param(ov_policy_set *set, const char *name,
    const char *json);

/** The value requestContext().apiVersion returns for snapshot records. */
OV_EXTERN(int) ov_policy_set_api_version(ov_policy_set *set,
    const char *api_version);

/**
 * Compile everything loaded.  Errors become diagnostics; returns 0 unless
 * memory runs out.  Called implicitly by the evaluation functions.
 */
OV_EXTERN(int) ov_policy_set_compile(ov_policy_set *set);

/** Counts after compiling. */
typedef struct {
	size_t	 definitions;	/**< definitions loaded */
	size_t	 initiatives;	/**< initiatives loaded */
	size_t	 assignments;	/**< assignments loaded */
	size_t	 exemptions;	/**< exemptions loaded */
	size_t	 compiled;	/**< compiled (definition, parameters) pairs */
	size_t	 unsupported;	/**< items outside the supported language */
	size_t	 errors;	/**< error diagnostics */
	size_t	 warnings;	/**< warning diagnostics */
	size_t	 unresolved;	/**< assignment targets and initiative members
				     that are not loaded, so not evaluated */
} ov_policy_stats;

/** Fill *out with the set's counts (compiling first). */
OV_EXTERN(int) ov_policy_set_stats(ov_policy_set *set, ov_policy_stats *out);

/**
 * The counts that concern one assignment (by id or name), compiling first:
 * its compiled instances, the ones with errors or outside the language,
 * and the definitions it needs that are not loaded (its target, or members
 * of its initiative).  OV_ENOTFOUND when there is no such assignment.
 */
OV_EXTERN(int) ov_policy_set_assignment_stats(ov_policy_set *set,
    const char *assignment, ov_policy_stats *out);

/** Number of diagnostics. */
OV_EXTERN(size_t) ov_policy_set_n_diags(const ov_policy_set *set);

/** Diagnostic i; OV_ENOTFOUND past the end. */
OV_EXTERN(int) ov_policy_set_diag(const ov_policy_set *set, size_t i,
    ov_policy_diag *out);

/** One result: a (definition or assignment, resource) pair. */
typedef struct {
	const char	*definition_id;	/**< definition resource id */
	const char	*definition_name; /**< name (GUID for built-ins) */
	const char	*display_name;	/**< may be NULL */
	const char	*assignment_id;	/**< or NULL */
	const char	*set_id;	/**< initiative id, or NULL */
	const char	*reference_id;	/**< policyDefinitionReferenceId */
	const char * const *groups;	/**< initiative group names */
	size_t		 n_groups;
	const char	*resource_id;	/**< may be synthetic */
	const char	*resource_type;	/**< may be NULL */
	const char	*resource_name;	/**< may be NULL */
	ov_state	 state;		/**< compliance state */
	ov_policy_effect effect;	/**< resolved effect */
	const char	*effect_name;	/**< as resolved */
	const char	*reason;	/**< one line */
	const char	*pointer;	/**< deciding condition, JSON Pointer */
	const char	*path;		/**< resource path read */
	const char	*value;		/**< JSON text seen; NULL when absent */
	const char	*change;	/**< modify/append: JSON of the change */
	/* properties.metadata.overvisor, when present */
	const char	*rule_id;	/**< e.g. OV-STG-001, or NULL */
	const char	*severity;	/**< or NULL */
	const char	*layer;		/**< or NULL */
	const char	*duty;		/**< or NULL */
	const char	*remediation;	/**< or NULL */
	const char	*category;	/**< metadata.category, or NULL */
	const char * const *controls;	/**< framework controls */
	size_t		 n_controls;
	bool		 builtin;	/**< policyType BuiltIn or Static */
	const char	*file;		/**< definition source file */
	const char	*subscription_id; /**< of the resource, or NULL */
	const char	*resource_group; /**< of the resource, or NULL */
	/* resources from templates and plans */
	bool		 iac;		/**< the resource comes from a template
					     or a Terraform plan */
	const char	*location;	/**< the file to report it in, or NULL */
	unsigned	 line;		/**< 1-based line there, 0 if unknown */
	unsigned	 column;	/**< 1-based column there, 0 if unknown */
} ov_policy_result;

/** Callback per result; a non-zero return stops and is passed back. */
typedef int (*ov_policy_result_cb)(const ov_policy_result *r,
    void *payload);

/** Evaluation flags. */
#define OV_POLICY_EVAL_ALL	0x01	/**< also report not-applicable */

/**
 * Evaluate the set on every record of snap.  When the set (or the
 * snapshot, after ov_policy_set_add_snapshot()) holds assignments, each
 * assignment is evaluated with its scope, parameters, enforcement mode and
 * exemptions; otherwise each definition and initiative is evaluated with
 * its defaults and ov_policy_set_set_param() values.  Results come in
 * (definition order, record order).
 */
OV_EXTERN(int) ov_policy_eval_snapshot(ov_policy_set *set,
    const ov_snapshot *snap, unsigned flags, ov_policy_result_cb cb,
    void *payload);

/** Findings flags. */
#define OV_POLICY_FINDINGS_NO_INDETERMINATE 0x01 /**< drop indeterminate */

/**
 * Turn non-compliant and indeterminate results into findings in out: rule
 * = metadata.overvisor.id or the definition name, title = displayName,
 * severity from the metadata or by effect.
 */
OV_EXTERN(int) ov_policy_findings(ov_policy_set *set,
    const ov_snapshot *snap, ov_findings *out, unsigned flags);

/**
 * Add the finding a result stands for to out, as ov_policy_findings()
 * does: nothing for compliant, not-applicable, exempt and error results,
 * nor (with OV_POLICY_FINDINGS_NO_INDETERMINATE) indeterminate ones.
 * Returns 0 or OV_ENOMEM.
 */
OV_EXTERN(int) ov_policy_add_finding(ov_findings *out,
    const ov_policy_result *r, unsigned flags);

/**
 * What-if: evaluate one assignment (by id or name) as if its
 * enforcementMode were Default and its effect deny; calls cb for each
 * non-compliant result.  OV_ENOTFOUND when no such assignment.
 */
OV_EXTERN(int) ov_policy_whatif_deny(ov_policy_set *set,
    const ov_snapshot *snap, const char *assignment, ov_policy_result_cb cb,
    void *payload);

/** Output sink for text listings. */
typedef int (*ov_policy_sink)(const char *data, size_t len, void *payload);

/**
 * Write the compiled IR of every instance, and, when snap is not NULL, the
 * evaluation trace for each of its records.
 */
OV_EXTERN(int) ov_policy_explain(ov_policy_set *set, const ov_snapshot *snap,
    ov_policy_sink sink, void *payload);

#ifdef __cplusplus
}
#endif
#endif
