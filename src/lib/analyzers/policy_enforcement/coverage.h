/* SPDX-License-Identifier: MIT */
/*
 * Policy enforcement coverage: every control an assignment applies, with
 * the effect Azure would use (resolved as the policy_enforcement analyzer
 * does), whether the assignment is enforced and whether the contract says
 * the control must deny.  The store records it with each scan.
 */
#ifndef OV_ANALYZERS_PE_COVERAGE_H
#define OV_ANALYZERS_PE_COVERAGE_H

#include <stdbool.h>

#include "lib/model/model.h"

struct ov_contract;

/* One (assignment, control) pair.  Strings are borrowed. */
struct ov_pe_control {
	const struct ov_record	*assignment;	/* the assignment record */
	const char		*label;		/* its display name or name */
	const char		*control;	/* reference id or definition
						   name */
	const char		*control_name;	/* definition display name */
	const char		*effect;	/* resolved effect, or NULL when
						   it cannot be known */
	bool			 enforced;	/* not DoNotEnforce */
	bool			 must_deny;	/* named in the contract */
};

/* Called per pair; a non-zero return stops the walk and is passed back. */
typedef int (*ov_pe_coverage_cb)(const struct ov_pe_control *pc,
    void *payload);

/* Walk every assignment of s and each control it applies. */
int	ov_policy_enforcement__coverage(const struct ov_snapshot *s,
	    const struct ov_contract *c, ov_pe_coverage_cb cb, void *payload);

#endif
