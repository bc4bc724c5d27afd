/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/governance.h
 * @brief The monthly governance report, built from a findings store's
 * history (every scan recorded in the period), not from one scan: SLA
 * adherence per duty and responsible party, time to remediate, the trend
 * of opened, resolved and reopened findings, what is overdue, exceptions
 * about to expire, restore-test evidence against RPO and RTO, policy
 * enforcement coverage and the answers to the contract questions.
 *
 * This header holds the data only: ov_store_governance() (overvisor/
 * store.h) builds it from a store and gives the caller an ov_governance,
 * released with ov_governance_free(); every pointer reached from it is
 * borrowed from it.  ov_governance_write() (overvisor/report.h) writes it.
 * docs/reports.md defines every figure.
 */
#ifndef OVERVISOR_GOVERNANCE_H
#define OVERVISOR_GOVERNANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/common.h"
#include "overvisor/finding.h"
#include "overvisor/raci.h"

#ifdef __cplusplus
extern "C" {
#endif

/** SLA adherence and remediation of one duty and responsible party. */
typedef struct {
	const char	*duty;		/**< contract duty, or "unassigned" */
	const char	*responsible;	/**< party that performs it */
	const char	*accountable;	/**< party that answers for it */
	int64_t		 sla_critical;	/**< SLA for critical, seconds */
	int64_t		 sla_high;	/**< SLA for high, seconds */
	size_t		 due;		/**< episodes due in the period */
	size_t		 met;		/**< of which closed by the due date */
	size_t		 breached;	/**< of which open past the due date */
	size_t		 pending;	/**< of which due after the report
					     time and still open */
	size_t		 opened;	/**< episodes opened in the period
					     (new and reopened) */
	size_t		 resolved;	/**< episodes resolved in the period */
	int64_t		 mttr;		/**< mean time to remediate of those,
					     seconds; 0 when none */
	int64_t		 p90;		/**< 90th percentile (nearest rank) */
	size_t		 open_end;	/**< open at the report time */
	size_t		 overdue_end;	/**< of which past due */
} ov_governance_duty;

/** One day of the period. */
typedef struct {
	int64_t		 day;		/**< midnight UTC */
	size_t		 opened;	/**< first seen that day */
	size_t		 resolved;	/**< resolved that day */
	size_t		 reopened;	/**< reopened that day */
	size_t		 open;		/**< open at the end of the day */
	bool		 scanned;	/**< a scan was recorded that day */
} ov_governance_day;

/** A finding open past its due date at the report time. */
typedef struct {
	const char	*fingerprint;	/**< 32 hex digits */
	const char	*rule;		/**< rule id */
	const char	*title;		/**< one line */
	const char	*resource_id;	/**< record id */
	const char	*duty;		/**< contract duty */
	const char	*responsible;	/**< who must act */
	const char	*accountable;	/**< who answers for it */
	ov_severity	 severity;	/**< latest severity */
	int64_t		 opened;	/**< start of the open episode */
	int64_t		 due;		/**< its due date */
	int64_t		 days_late;	/**< whole days, rounded up */
} ov_governance_overdue;

/**
 * An exception or Azure Policy exemption recorded with the last scan of
 * the period, flagged when it has expired or expires soon.
 */
typedef struct {
	const char	*origin;	/**< "exceptions.yaml" or
					     "azure-policy-exemption" */
	const char	*rule;		/**< rule pattern or assignment */
	const char	*resource;	/**< resource pattern or exemption */
	const char	*justification;	/**< or exemption category */
	const char	*approver;	/**< may be NULL */
	const char	*ticket;	/**< or exemption display name */
	int64_t		 expires;	/**< 0 = never */
	bool		 expired;	/**< expired at the report time */
	bool		 expiring;	/**< expires within 30 days after it */
} ov_governance_exception;

/** A restore job recorded in the period. */
typedef struct {
	const char	*vault;		/**< Recovery Services vault */
	const char	*item;		/**< what was restored */
	const char	*status;	/**< Completed, Failed... */
	int64_t		 started;	/**< start time */
	int64_t		 duration;	/**< seconds; 0 unknown */
	bool		 ok;		/**< completed */
	bool		 within_rto;	/**< ok and duration <= RTO */
} ov_governance_restore;

/** Restore evidence of one vault at the last scan of the period. */
typedef struct {
	const char	*vault;		/**< vault name */
	size_t		 items;		/**< protected items */
	size_t		 within_rpo;	/**< of which backed up within RPO */
	int64_t		 last_ok;	/**< newest successful restore, or 0 */
	int64_t		 last_duration;	/**< its duration, seconds */
	bool		 tested;	/**< a successful restore within the
					     restore-test window */
	bool		 within_rto;	/**< that restore met the RTO */
} ov_governance_vault;

/** One control an assignment applies, at the last scan. */
typedef struct {
	const char	*assignment;	/**< display name or name */
	const char	*control;	/**< definition or reference */
	const char	*effect;	/**< resolved effect; NULL unknown */
	bool		 enforced;	/**< not DoNotEnforce */
	bool		 must_deny;	/**< the contract requires deny */
} ov_governance_policy;

/** An answer to a contract question, at the last scan. */
typedef struct {
	const char	*id;		/**< "Q1" ... */
	const char	*question;	/**< one line */
	const char	*duty;		/**< the duty it concerns */
	const char	*status;	/**< answered, partial, gap */
	const char	*answer;	/**< what the contract says */
	const char	*evidence;	/**< lines of evidence, "\n"-joined */
	const char	*gaps;		/**< lines of gaps, "\n"-joined */
} ov_governance_answer;

/** The monthly report's data.  Arrays are in report order. */
typedef struct {
	const char		*tenant;	/**< tenant id */
	const char		*label;		/**< "2026-11" */
	const char		*title;		/**< may be NULL */
	const char		*tool_version;	/**< OV_VERSION */
	int64_t			 from;		/**< period start */
	int64_t			 to;		/**< period end (excluded) */
	int64_t			 as_of;		/**< the report time: the end
						     of the period, or now */
	size_t			 n_scans;	/**< scans in the period */
	size_t			 n_complete;	/**< of which fully collected */
	int64_t			 first_scan;	/**< first one's collection */
	int64_t			 last_scan;	/**< last one's collection */
	/* totals over every duty */
	size_t			 opened;	/**< first seen in the period */
	size_t			 reopened;	/**< reopened in the period */
	size_t			 resolved;	/**< resolved in the period */
	size_t			 open_start;	/**< open at the period start */
	size_t			 open_end;	/**< open at the report time */
	size_t			 overdue_end;	/**< of which past due */
	size_t			 due;		/**< due in the period */
	size_t			 met;		/**< of which met */
	size_t			 breached;	/**< of which breached */
	size_t			 pending;	/**< of which pending */
	int64_t			 mttr;		/**< mean time to remediate */
	int64_t			 p90;		/**< its 90th percentile */
	const ov_governance_duty *duties;	/**< by responsible, duty */
	size_t			 n_duties;
	const ov_governance_day	*days;		/**< every day of the period */
	size_t			 n_days;
	const ov_governance_overdue *overdue;	/**< most days late first */
	size_t			 n_overdue;
	const ov_governance_exception *exceptions; /**< every one, by
						     expiry (never last) */
	size_t			 n_exceptions;
	const ov_governance_restore *restores;	/**< newest first */
	size_t			 n_restores;
	const ov_governance_vault *vaults;	/**< by name */
	size_t			 n_vaults;
	int64_t			 rpo;		/**< backup-validation RPO */
	int64_t			 rto;		/**< its RTO */
	int64_t			 restore_window; /**< its test window */
	const ov_governance_policy *policies;	/**< by assignment, control */
	size_t			 n_policies;
	const ov_governance_answer *answers;	/**< Q1..Q8 */
	size_t			 n_answers;
	const ov_compliance	*compliance;	/**< with a framework, or NULL */
} ov_governance;

#ifdef __cplusplus
}
#endif
#endif
