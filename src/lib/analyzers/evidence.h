/* SPDX-License-Identifier: MIT */
/*
 * Governance evidence a snapshot holds, read by the analyzers that know the
 * records and handed on as plain values, so the findings store can keep it
 * with each scan without reading records itself: restore jobs and
 * protected items (backup), the Azure Policy exemptions, and every
 * (assignment, control) pair with the effect Azure would use
 * (policy_enforcement).  Strings are borrowed for the callback's duration.
 */
#ifndef OV_ANALYZERS_EVIDENCE_H
#define OV_ANALYZERS_EVIDENCE_H

#include <stdbool.h>
#include <stdint.h>

struct ov_snapshot;
struct ov_contract;

/* A restore job (operation Restore or CrossRegionRestore). */
struct ov_ev_restore {
	const char	*job_id;	/* record id */
	const char	*vault;		/* vault name */
	const char	*item;		/* entityFriendlyName */
	const char	*operation;	/* Restore, CrossRegionRestore */
	const char	*status;	/* Completed, Failed... */
	int64_t		 started;	/* start time, 0 unknown */
	int64_t		 ended;		/* end time, 0 unknown */
	int64_t		 duration;	/* seconds, 0 unknown */
};

/* A protected item and its newest good recovery point. */
struct ov_ev_item {
	const char	*id;		/* record id */
	const char	*name;		/* friendlyName */
	const char	*vault;		/* vault name */
	int64_t		 last_backup;	/* recovery point, 0 none known */
	const char	*status;	/* lastBackupStatus */
};

/* An Azure Policy exemption. */
struct ov_ev_exemption {
	const char	*id;		/* record id */
	const char	*assignment;	/* policyAssignmentId */
	const char	*category;	/* exemptionCategory */
	const char	*name;		/* displayName */
	int64_t		 expires;	/* expiresOn, 0 never */
};

/* One control an assignment applies. */
struct ov_ev_control {
	const char	*assignment_id;	/* assignment record id */
	const char	*assignment;	/* its display name or name */
	const char	*control;	/* definition display name, reference id
					   or definition name */
	const char	*effect;	/* resolved effect, NULL when it cannot
					   be known */
	bool		 enforced;	/* not DoNotEnforce */
	bool		 must_deny;	/* the contract requires deny */
};

/* Callbacks (any may be NULL); a non-zero return stops and is passed back. */
struct ov_ev_sink {
	int	(*restore)(const struct ov_ev_restore *x, void *payload);
	int	(*item)(const struct ov_ev_item *x, void *payload);
	int	(*exemption)(const struct ov_ev_exemption *x, void *payload);
	int	(*control)(const struct ov_ev_control *x, void *payload);
	void	*payload;
};

/* Walk the evidence of s (indexed) under contract c (NULL: defaults). */
int	ov_analyzers__evidence(const struct ov_snapshot *s,
	    const struct ov_contract *c, const struct ov_ev_sink *sink);

/* The policy_enforcement part: every (assignment, control) pair. */
int	ov_policy_enforcement__controls(const struct ov_snapshot *s,
	    const struct ov_contract *c, const struct ov_ev_sink *sink);

#endif
