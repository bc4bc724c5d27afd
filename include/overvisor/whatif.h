/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/whatif.h
 * @brief What-if deny: which existing resources an assignment would block if
 * it were switched to deny and enforced, grouped by scope and owner, with a
 * verdict.
 *
 * Ownership: an ov_whatif from ov_whatif_run() is owned by the caller and
 * released with ov_whatif_free(); every pointer it hands out is borrowed from
 * it.
 */
#ifndef OVERVISOR_WHATIF_H
#define OVERVISOR_WHATIF_H

#include <stdbool.h>
#include <stddef.h>

#include "overvisor/common.h"
#include "overvisor/contract.h"
#include "overvisor/policy.h"
#include "overvisor/snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The result of a what-if run. */
typedef struct ov_whatif ov_whatif;

/** One resource the switch would block. */
typedef struct {
	const char	*resource_id;	/**< as in the snapshot */
	const char	*resource_type;	/**< may be NULL */
	const char	*resource_name;	/**< may be NULL */
	const char	*scope;		/**< subscription or resource group id */
	const char	*owner;		/**< owner tag, or "(no owner)" */
	const char	*reason;	/**< why it is non-compliant, one line */
} ov_whatif_item;

/** Resources blocked in one (scope, owner) group. */
typedef struct {
	const char	*scope;		/**< resource group (or subscription) id */
	const char	*owner;		/**< owner tag value, or "(no owner)" */
	size_t		 count;		/**< resources in the group */
} ov_whatif_group;

/**
 * Evaluate assignment (id or name) of set on snap as if its effect were
 * deny and its enforcement mode Default.  The owner of a resource is its
 * owner tag (owner, technicalOwner, ...), else its resource group's, else
 * "(no owner)".  contract may be NULL; when given, its policy-enforcement
 * accountable party is recorded for the verdict.  On success *out is owned
 * by the caller.  OV_ENOTFOUND when the assignment is not in the set.
 */
OV_EXTERN(int) ov_whatif_run(ov_whatif **out, ov_ctx *ctx,
    ov_policy_set *set, ov_snapshot *snap, const char *assignment,
    const ov_contract *contract);

/** True when no existing resource would be blocked. */
OV_EXTERN(bool) ov_whatif_safe(const ov_whatif *w);

/** Number of resources that would be blocked. */
OV_EXTERN(size_t) ov_whatif_count(const ov_whatif *w);

/** Blocked resource i in (scope, owner, resource id) order, or NULL. */
OV_EXTERN(const ov_whatif_item *) ov_whatif_get(const ov_whatif *w,
    size_t i);

/** Number of (scope, owner) groups. */
OV_EXTERN(size_t) ov_whatif_n_groups(const ov_whatif *w);

/** Group i in (scope, owner) order, or NULL. */
OV_EXTERN(const ov_whatif_group *) ov_whatif_group_at(const ov_whatif *w,
    size_t i);

/**
 * The verdict as one line: "safe to enforce" or "blocks N resources in M
 * scopes"; borrowed from w.
 */
OV_EXTERN(const char *) ov_whatif_verdict(const ov_whatif *w);

/** Release a result.  NULL is ignored. */
OV_EXTERN(void) ov_whatif_free(ov_whatif *w);

#ifdef __cplusplus
}
#endif
#endif
