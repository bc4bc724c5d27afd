/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/store.h
 * @brief The findings store: scan history, finding lifecycle, SLA clocks,
 * imported exceptions and drift between scans.
 *
 * Ownership: an ov_store from ov_store_open() is owned by the caller and
 * released with ov_store_close(); it borrows its ov_ctx, which must outlive
 * it.  Record digests (ov_digest) are declared in overvisor/snapshot.h.
 * Every pointer handed to a callback is borrowed and
 * lives only until the callback returns.
 */
#ifndef OVERVISOR_STORE_H
#define OVERVISOR_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/common.h"
#include "overvisor/finding.h"
#include "overvisor/exceptions.h"
#include "overvisor/governance.h"
#include "overvisor/scan.h"
#include "overvisor/snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An open findings store (SQLite file or PostgreSQL database). */
typedef struct ov_store ov_store;

/** The schema version this library writes. */
#define OV_STORE_SCHEMA_VERSION 8

/** Open flags. */
#define OV_STORE_MIGRATE	0x01	/**< upgrade the schema when older */
#define OV_STORE_READONLY	0x02	/**< never write (listings) */
#define OV_STORE_NOINIT		0x04	/**< connect only; ov_store_migrate()
					     creates or upgrades */

/**
 * Open a store.  target is a file path (SQLite, created when absent unless
 * OV_STORE_READONLY) or a "postgresql://" / "postgres://" URL (libpq).
 * Without OV_STORE_MIGRATE an empty database is still initialised, but an
 * older schema is refused with a message that names `overvisor db migrate`.
 * Failures return OV_ESTORE with a one-line message on ctx (a corrupt or
 * locked file says so).  *out is owned by the caller.
 */
OV_EXTERN(int) ov_store_open(ov_store **out, ov_ctx *ctx, const char *target,
    unsigned flags);

/** Close a store.  NULL is ignored. */
OV_EXTERN(void) ov_store_close(ov_store *s);

/**
 * Upgrade the schema in place to version `to` (0 = the newest), every
 * versioned step in one transaction.  *from_out (may be NULL) receives the
 * version found.
 */
OV_EXTERN(int) ov_store_migrate(ov_store *s, unsigned to, unsigned *from_out);

/** The schema version of the open database. */
OV_EXTERN(int) ov_store_schema_version(ov_store *s, unsigned *out);

/** The backend name: "sqlite" or "postgresql". */
OV_EXTERN(const char *) ov_store_backend(const ov_store *s);

/**
 * Copy target into out with any password masked ("postgresql://u:***@h/d",
 * "password=***"); always NUL-terminates when size > 0.
 */
OV_EXTERN(void) ov_store_mask_target(const char *target, char *out,
    size_t size);

/**
 * The default SLA by severity when a finding has no due date from the
 * contract: critical 7 days, high 30, medium 90, low 180, info 365.
 * Returns seconds.
 */
OV_EXTERN(int64_t) ov_store_default_sla(ov_severity sev);

/* ------------------------------------------------------------------ */
/* Recording a scan.                                                   */

/** One source of the snapshot manifest and how completely it came in. */
typedef struct {
	const char	*name;		/**< "arg:resources", "graph:users" ... */
	const char	*status;	/**< collected, partial, failed,
					     not-requested */
	uint64_t	 count;		/**< records reported */
} ov_scan_source;

/**
 * Called once per resource type (lower-cased) that has unresolved findings
 * not seen in this scan: return true only when that type was fully
 * collected, so the absence of a finding proves it is fixed.
 */
typedef bool (*ov_type_complete_cb)(const char *resource_type,
    void *payload);

/**
 * Called once per tracked finding that this scan did not see (no
 * non-compliant, exempt or indeterminate result for it), with the
 * finding's rule, producer ("policy", an analyzer name...), resource id
 * and lower-cased type: OV_VERDICT_PASSED resolves it (the resource is in
 * the scan and the rule passed on it; the callback must also know that
 * the resource's source is neither partial nor failed), OV_VERDICT_HOLD
 * keeps it whatever the manifest says, OV_VERDICT_UNKNOWN leaves it to
 * type_complete (absence from a fully collected source).
 */
typedef ov_verdict (*ov_verdict_cb)(const char *rule, const char *source,
    const char *resource_id, const char *resource_type, void *payload);

/** What a scan was: everything but the findings.  Strings may be NULL. */
typedef struct {
	unsigned		 version;	/**< OV_SCAN_RECORD_VERSION */
	const char		*tenant;	/**< tenant id; "" when unknown */
	int64_t			 collected_at;	/**< Unix seconds; 0 = ctx now */
	const char		*tool_version;	/**< overvisor version */
	const char		*rulepack_version; /**< rule pack version */
	const char		*manifest_json;	/**< manifest.json text */
	const char		*label;		/**< snapshot path or name */
	bool			 has_manifest;	/**< sources come from a manifest;
						     without one nothing is
						     ever resolved */
	const ov_scan_source	*sources;	/**< per-source completeness */
	size_t			 n_sources;	/**< number of sources */
	ov_type_complete_cb	 type_complete;	/**< NULL: decide from sources
						     (docs/store.md) */
	void			*payload;	/**< passed to type_complete */
	ov_verdict_cb		 verdict;	/**< NULL: a finding resolves
						     only by its absence */
	void			*verdict_payload; /**< passed to verdict */
} ov_scan_record;

#define OV_SCAN_RECORD_VERSION 1
#define OV_SCAN_RECORD_INIT { OV_SCAN_RECORD_VERSION, "", 0, NULL, NULL, \
	NULL, NULL, false, NULL, 0, NULL, NULL, NULL, NULL }

/**
 * Record one scan and update every finding's lifecycle, in one transaction
 * (all or nothing, also when the process dies half way).  findings holds
 * the scan's results; non-compliant and exempt ones count, indeterminate
 * ones keep a finding from being resolved, compliant and not-applicable
 * ones are ignored.  records (may be NULL) is the digest used by drift.
 * exc (may be NULL) replaces the store's imported exceptions; the
 * effective set (exc, or the one imported before) marks matching findings
 * excepted and turns lapsed entries into OV-ACC findings.  *scan_id_out
 * (may be NULL) receives the new scan id.
 */
OV_EXTERN(int) ov_store_record_scan(ov_store *s, const ov_scan_record *meta,
    const ov_findings *findings, const ov_digest *records,
    const ov_exceptions *exc, int64_t *scan_id_out);

/**
 * Record a scan of a loaded snapshot: tenant, collection time, tool version
 * and per-source completeness come from its manifest; a finding is resolved
 * only when the manifest says its type's source was fully collected.  This
 * is what `overvisor scan --db` calls.
 */
OV_EXTERN(int) ov_store_record_snapshot(ov_store *s, const ov_snapshot *snap,
    const ov_findings *findings, const ov_exceptions *exc,
    const char *rulepack_version, int64_t *scan_id_out);

/**
 * Record a finished scan (ov_scan_run()) of snap: as
 * ov_store_record_snapshot() with the scan's findings and exceptions, and
 * in the same transaction the contract's parties (id, display name, kind)
 * for the snapshot's tenant, so `--owner` can name a party by id, name or
 * kind.  This is what `overvisor scan --db` calls.
 */
OV_EXTERN(int) ov_store_record_result(ov_store *s, const ov_snapshot *snap,
    const ov_scan_result *result, const char *rulepack_version,
    int64_t *scan_id_out);

/* ------------------------------------------------------------------ */
/* Reading.                                                            */

/** A finding as the store tracks it.  Strings may be NULL. */
typedef struct {
	const char	*fingerprint;	/**< 32 hex digits */
	const char	*tenant;	/**< tenant id */
	const char	*rule;		/**< rule id */
	const char	*title;		/**< one line */
	const char	*resource_id;	/**< record id */
	const char	*resource_type;	/**< record type */
	const char	*duty;		/**< contract duty */
	const char	*owner;		/**< customer, microsoft, shared */
	const char	*accountable;	/**< accountable party */
	const char	*state;		/**< new, open, resolved, reopened,
					     excepted */
	ov_severity	 severity;	/**< latest severity */
	int64_t		 first_seen;	/**< first scan that saw it */
	int64_t		 last_seen;	/**< latest scan that saw it */
	int64_t		 resolved_at;	/**< 0 unless resolved */
	int64_t		 due;		/**< 0 = no due date */
	bool		 breached;	/**< past due and still open */
	unsigned	 reopen_count;	/**< times it came back */
	int64_t		 first_scan;	/**< scan id */
	int64_t		 last_scan;	/**< scan id */
	const char	*responsible;	/**< party who performs the duty */
	const char	*consulted;	/**< consulted parties, "; "-joined */
	const char	*informed;	/**< informed parties, "; "-joined */
} ov_store_finding;

/** Filter for ov_store_findings_list(); NULL/0 fields do not filter. */
typedef struct {
	unsigned	 version;	/**< OV_STORE_FILTER_VERSION */
	const char	*state;		/**< one state name, or "active" for
					     new+open+reopened */
	bool		 breached;	/**< only breached findings */
	const char	*owner;		/**< accountable party (its name,
					     or its contract id or kind),
					     or owner name */
	const char	*duty;		/**< duty name */
	int		 severity;	/**< an ov_severity, or -1 for any */
	int64_t		 since;		/**< first seen at or after; 0 = any */
	const char	*tenant;	/**< tenant id, or NULL */
	const char	*fingerprint;	/**< fingerprint prefix, or NULL */
	const char	*responsible;	/**< responsible party: its name, or
					     its contract id or kind */
} ov_store_filter;

#define OV_STORE_FILTER_VERSION 1
#define OV_STORE_FILTER_INIT { OV_STORE_FILTER_VERSION, NULL, false, NULL, \
	NULL, -1, 0, NULL, NULL, NULL }

/** Callback for findings; a non-zero return stops and is passed back. */
typedef int (*ov_store_finding_cb)(const ov_store_finding *f, void *payload);

/**
 * Call cb for each tracked finding matching filter (NULL = all), in
 * severity (highest first), rule and resource order.  Breach is judged
 * against ov_ctx_now().
 */
OV_EXTERN(int) ov_store_findings_list(ov_store *s,
    const ov_store_filter *filter, ov_store_finding_cb cb, void *payload);

/** One lifecycle event of a finding. */
typedef struct {
	int64_t		 scan_id;	/**< the scan that caused it */
	int64_t		 at;		/**< that scan's collection time */
	const char	*from_state;	/**< NULL when first seen */
	const char	*to_state;	/**< the new state */
	const char	*note;		/**< why, may be NULL */
} ov_store_event;

typedef int (*ov_store_event_cb)(const ov_store_event *e, void *payload);

/**
 * Call cb for each event of the finding whose fingerprint starts with
 * prefix (at least 8 digits), oldest first.  OV_ENOTFOUND when none
 * matches; OV_EINVALID when the prefix is ambiguous.  *out (may be NULL)
 * receives the finding itself, valid until the next call on s.
 */
OV_EXTERN(int) ov_store_finding_history(ov_store *s, const char *prefix,
    ov_store_finding *out, ov_store_event_cb cb, void *payload);

/** One recorded scan. */
typedef struct {
	int64_t		 id;		/**< scan id, increasing */
	const char	*tenant;	/**< tenant id */
	int64_t		 collected_at;	/**< snapshot time */
	int64_t		 recorded_at;	/**< when it was written */
	const char	*tool_version;	/**< may be NULL */
	const char	*rulepack_version; /**< may be NULL */
	const char	*label;		/**< may be NULL */
	bool		 complete;	/**< every source fully collected */
	uint64_t	 n_findings;	/**< findings it saw */
	uint64_t	 n_sources;	/**< sources in its manifest */
	uint64_t	 n_collected;	/**< of which fully collected */
} ov_store_scan;

typedef int (*ov_store_scan_cb)(const ov_store_scan *scan, void *payload);

/** Call cb for each scan, oldest first. */
OV_EXTERN(int) ov_store_scans_list(ov_store *s, ov_store_scan_cb cb,
    void *payload);

/**
 * Resolve a scan given as an id ("12") or an ISO date (the latest scan
 * collected at or before it).  OV_ENOTFOUND when there is none.
 */
OV_EXTERN(int) ov_store_find_scan(ov_store *s, const char *spec,
    int64_t *out);

/** An exception: imported from exceptions.yaml or an Azure exemption. */
typedef struct {
	const char	*kind;		/**< "exceptions.yaml" or
					     "azure-policy-exemption" */
	const char	*rule;		/**< rule pattern or assignment id */
	const char	*resource;	/**< resource pattern or scope */
	const char	*justification;	/**< or exemption category */
	const char	*approver;	/**< may be NULL */
	const char	*ticket;	/**< may be NULL */
	int64_t		 expires;	/**< 0 = never (exemptions only) */
	bool		 expired;	/**< expires <= ctx now */
} ov_store_exception;

typedef int (*ov_store_exception_cb)(const ov_store_exception *e,
    void *payload);

/**
 * Call cb for each imported exception, then each Azure policy exemption
 * seen in the latest scan's records.
 */
OV_EXTERN(int) ov_store_exceptions_list(ov_store *s,
    ov_store_exception_cb cb, void *payload);

/* ------------------------------------------------------------------ */
/* Drift.                                                              */

/** Kinds of drift item. */
typedef enum {
	OV_DIFF_RECORD_ADDED = 0,
	OV_DIFF_RECORD_REMOVED,
	OV_DIFF_PROPERTY_CHANGED,
	OV_DIFF_FINDING_NEW,
	OV_DIFF_FINDING_RESOLVED,
	OV_DIFF_FINDING_REOPENED
} ov_diff_kind;

/** One difference between two scans.  Strings may be NULL. */
typedef struct {
	ov_diff_kind	 kind;		/**< what changed */
	const char	*id;		/**< record or resource id */
	const char	*type;		/**< record type */
	const char	*path;		/**< property path (changes) */
	const char	*before;	/**< JSON text; NULL when absent */
	const char	*after;		/**< JSON text; NULL when absent */
	const char	*fingerprint;	/**< findings only */
	const char	*rule;		/**< findings only */
	const char	*title;		/**< findings only */
	ov_severity	 severity;	/**< findings only */
} ov_diff_item;

typedef int (*ov_diff_cb)(const ov_diff_item *item, void *payload);

/** The name of a diff kind ("record-added", ...). */
OV_EXTERN(const char *) ov_diff_kind_name(ov_diff_kind k);

/**
 * Report what changed from scan `from` to scan `to`: records added and
 * removed, curated properties changed (before/after), findings new,
 * resolved and reopened by the scans after `from` up to `to`.  Items come
 * in kind, then id, then path order.
 */
OV_EXTERN(int) ov_store_diff(ov_store *s, int64_t from, int64_t to,
    ov_diff_cb cb, void *payload);

/**
 * The scan before `to` of the same tenant, for a default `--from`;
 * OV_ENOTFOUND when `to` is the first.
 */
OV_EXTERN(int) ov_store_previous_scan(ov_store *s, int64_t to,
    int64_t *out);

/* ------------------------------------------------------------------ */
/* The monthly governance report's figures (overvisor/governance.h).    */

/** What to report on.  Initialise with OV_GOVERNANCE_OPTIONS_INIT. */
typedef struct {
	unsigned		 version;	/**< OV_GOVERNANCE_OPTIONS_VERSION */
	const char		*tenant;	/**< tenant id; NULL for the
						     store's only tenant */
	int64_t			 from;		/**< period start, Unix seconds */
	int64_t			 to;		/**< period end (excluded) */
	const char		*label;		/**< "2026-11" */
	const ov_framework	*framework;	/**< compliance view, or NULL */
	const char		*title;		/**< report title, or NULL */
} ov_governance_options;

#define OV_GOVERNANCE_OPTIONS_VERSION 1
#define OV_GOVERNANCE_OPTIONS_INIT { OV_GOVERNANCE_OPTIONS_VERSION, NULL, \
	0, 0, NULL, NULL, NULL }

/**
 * Build the report for the period in opts from the store's history.
 * OV_ENOTFOUND (with a message on the store's context) when no scan of
 * the tenant was recorded in the period; OV_EINVALID when the store holds
 * several tenants and none was named.  *out is owned by the caller.
 */
OV_EXTERN(int) ov_store_governance(ov_store *s,
    const ov_governance_options *opts, ov_governance **out);

/** Release a report.  NULL is ignored. */
OV_EXTERN(void) ov_governance_free(ov_governance *g);

#ifdef __cplusplus
}
#endif
#endif
