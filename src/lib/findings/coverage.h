/* SPDX-License-Identifier: MIT */
/*
 * What a scan evaluated, beyond the findings it produced: which checks ran
 * over which record types with the data they need, and which (check,
 * resource) pairs ended neither as a pass nor as a finding (an evaluation
 * error, an Azure Policy exemption, a manual control awaiting
 * attestation, a check that lacked data for that one record).
 *
 * From that, and the findings themselves, the store can tell a finding
 * that is fixed (its resource is in the scan, the check ran over it and
 * raised nothing) from one that was simply not looked at.  Memory is
 * linear in checks x types plus the vetoed pairs, never in checks x
 * records.
 */
#ifndef OV_FINDINGS_COVERAGE_H
#define OV_FINDINGS_COVERAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/hash.h"

/*
 * The vetoed pairs are kept as 64-bit hashes of "rule\nresource id" (case
 * folded), not as copies: a scan vetoes every pair it raised a finding
 * for, and copies of those keys cost more than the findings.  A collision
 * can only make a pair read as vetoed, that is not passed: the store then
 * keeps the finding open instead of resolving it.  It never turns a pair
 * that was not evaluated into a pass.
 */
struct ov_coverage {
	struct ov_arena	 arena;		/* copied keys */
	struct ov_map	 ran;		/* "rule\ntype" (type "*": any) */
	uint64_t	*vetoed;	/* open addressing, 0 = empty slot */
	size_t		 vetoed_cap;	/* slots: a power of two, or 0 */
	size_t		 vetoed_len;	/* hashes held */
};

void	ov_coverage__init(struct ov_coverage *c);
void	ov_coverage__free(struct ov_coverage *c);

/*
 * Check `rule` evaluated every record of `type` with all the data it
 * needs, and raised a finding (non-compliant or indeterminate) for each
 * record it did not pass.  type NULL means every type the check applies
 * to (policy definitions).  Idempotent; returns 0 or OV_ENOMEM.
 */
int	ov_coverage__ran(struct ov_coverage *c, const char *rule,
	    const char *type);

/*
 * The result of `rule` on `resource_id` was neither a pass nor a finding:
 * the pair never counts as passed.  Returns 0 or OV_ENOMEM.
 */
int	ov_coverage__veto(struct ov_coverage *c, const char *rule,
	    const char *resource_id);

/*
 * Add what `from` holds to c (a ledger filled by one thread of a
 * streaming scan, merged in load order).  0 or OV_ENOMEM.
 */
int	ov_coverage__absorb(struct ov_coverage *c,
	    const struct ov_coverage *from);

/* True when `rule` ran over records of `type` (or any type). */
bool	ov_coverage__covers(const struct ov_coverage *c, const char *rule,
	    const char *type);

/*
 * True when a record (resource_id, type) present in the scan was
 * evaluated by `rule` and, absent a finding for the pair, passed.
 */
bool	ov_coverage__passed(const struct ov_coverage *c, const char *rule,
	    const char *type, const char *resource_id);

#endif
