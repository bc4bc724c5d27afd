/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/finding.h
 * @brief The finding model shared by the policy engine, the analyzers, the
 * store and the reporters.
 *
 * Ownership: an ov_findings list from ov_findings_new() is owned by the
 * caller and released with ov_findings_free().  ov_findings_add() copies
 * everything it is given; the ov_finding pointers returned by
 * ov_findings_get() are borrowed and live as long as the list.
 */
#ifndef OVERVISOR_FINDING_H
#define OVERVISOR_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Severity, lowest first. */
typedef enum {
	OV_SEV_INFO = 0,
	OV_SEV_LOW,
	OV_SEV_MEDIUM,
	OV_SEV_HIGH,
	OV_SEV_CRITICAL
} ov_severity;

/** Layers of the shared-responsibility model. */
typedef enum {
	OV_LAYER_UNKNOWN = 0,
	OV_LAYER_INFORMATION_AND_DATA,
	OV_LAYER_DEVICES,
	OV_LAYER_ACCOUNTS_AND_IDENTITIES,
	OV_LAYER_IDENTITY_AND_DIRECTORY_INFRASTRUCTURE,
	OV_LAYER_APPLICATIONS,
	OV_LAYER_NETWORK_CONTROLS,
	OV_LAYER_OPERATING_SYSTEM,
	OV_LAYER_PHYSICAL_HOSTS,
	OV_LAYER_PHYSICAL_NETWORK,
	OV_LAYER_PHYSICAL_DATACENTER,
	OV_LAYER__COUNT
} ov_layer;

/** Who owns a layer for a resource. */
typedef enum {
	OV_OWNER_UNKNOWN = 0,
	OV_OWNER_CUSTOMER,
	OV_OWNER_MICROSOFT,
	OV_OWNER_SHARED
} ov_owner;

/** Result of evaluating one rule on one record. */
typedef enum {
	OV_STATE_COMPLIANT = 0,
	OV_STATE_NON_COMPLIANT,
	OV_STATE_NOT_APPLICABLE,
	OV_STATE_EXEMPT,
	OV_STATE_INDETERMINATE,
	OV_STATE_ERROR
} ov_state;

/** One piece of evidence. */
typedef struct {
	const char	*path;		/**< resource path or JSON Pointer */
	const char	*value;		/**< the value seen, as JSON text;
					     NULL when absent */
	const char	*message;	/**< why it matters, one line */
} ov_evidence;

/** A finding.  Strings may be NULL unless noted. */
typedef struct {
	const char		*rule;		/**< rule id, required */
	const char		*title;		/**< one line, required */
	ov_severity		 severity;
	ov_state		 state;		/**< non-compliant, indeterminate... */
	const char		*resource_id;	/**< required */
	const char		*resource_type;
	const char		*resource_name;
	const char		*subscription_id;
	const char		*resource_group;
	ov_layer		 layer;
	ov_owner		 owner;
	const char		*duty;		/**< contract duty, e.g. os-patching */
	const char * const	*controls;	/**< framework control ids */
	size_t			 n_controls;
	const ov_evidence	*evidence;
	size_t			 n_evidence;
	const char		*remediation;
	const char		*fingerprint;	/**< computed by ov_findings_add
						     when NULL */
	const char		*accountable;	/**< accountable party */
	int64_t			 due;		/**< Unix seconds; 0 = none */
	const char		*source;	/**< analyzer or "policy" */
	const char		*file;		/**< input file, for IaC/SARIF */
	unsigned		 line;		/**< 1-based line in file */
	unsigned		 column;	/**< 1-based column in file */
	const char		*responsible;	/**< party who performs the duty
						     (contract display name) */
	const char * const	*consulted;	/**< parties consulted before
						     the duty is closed */
	size_t			 n_consulted;
	const char * const	*informed;	/**< parties kept informed
						     (escalation targets) */
	size_t			 n_informed;
} ov_finding;

typedef struct ov_findings ov_findings;

/** Create an empty list.  *out is owned by the caller. */
OV_EXTERN(int) ov_findings_new(ov_findings **out);

/** Release a list.  NULL is ignored. */
OV_EXTERN(void) ov_findings_free(ov_findings *list);

/** The tenant used in fingerprints; copied. */
OV_EXTERN(int) ov_findings_set_tenant(ov_findings *list, const char *tenant);

/**
 * Copy f into the list.  A NULL fingerprint is computed from (rule,
 * case-folded resource id, tenant).
 */
OV_EXTERN(int) ov_findings_add(ov_findings *list, const ov_finding *f);

/** Number of findings. */
OV_EXTERN(size_t) ov_findings_count(const ov_findings *list);

/** Finding i, or NULL past the end. */
OV_EXTERN(const ov_finding *) ov_findings_get(const ov_findings *list,
    size_t i);

/**
 * Sort into the deterministic report order: severity (highest first), rule
 * id, resource id (case-insensitive), then evidence path.
 */
OV_EXTERN(void) ov_findings_sort(ov_findings *list);

/**
 * Stable fingerprint of (rule, resource id case-folded, tenant): 32
 * lower-case hex digits written to out (at least 33 bytes).
 */
OV_EXTERN(void) ov_fingerprint(const char *rule, const char *resource_id,
    const char *tenant, char out[33]);

/* Names, as they appear in every output format. */
OV_EXTERN(const char *) ov_severity_name(ov_severity s);
OV_EXTERN(const char *) ov_layer_name(ov_layer l);
OV_EXTERN(const char *) ov_owner_name(ov_owner o);
OV_EXTERN(const char *) ov_state_name(ov_state s);

/* Parse names back; return OV_EINVALID when unknown. */
OV_EXTERN(int) ov_severity_parse(const char *name, ov_severity *out);
OV_EXTERN(int) ov_layer_parse(const char *name, ov_layer *out);
OV_EXTERN(int) ov_owner_parse(const char *name, ov_owner *out);
OV_EXTERN(int) ov_state_parse(const char *name, ov_state *out);

#ifdef __cplusplus
}
#endif
#endif
