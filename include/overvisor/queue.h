/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/queue.h
 * @brief Operator mode in PostgreSQL: the registered tenants, their
 * schedules and the queue of jobs that workers claim (schema version 5).
 *
 * A job is one run of one tenant.  Workers claim due jobs with
 * `FOR UPDATE SKIP LOCKED` and hold a lease, a deadline they renew while
 * the job runs; the lease token they get with a claim fences everything
 * they write for the job, so a worker that lost its lease (killed, or too
 * slow to renew) records nothing.  A job whose lease expired is claimable
 * again; a failed attempt is queued again after an exponential back-off,
 * until the tenant's attempt limit, then marked failed with its reason.
 *
 * Every function needs a PostgreSQL store: on SQLite it fails with
 * OV_ESTORE and a message saying so.  Strings handed to callbacks are
 * borrowed and live until the callback returns.
 */
#ifndef OVERVISOR_QUEUE_H
#define OVERVISOR_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/common.h"
#include "overvisor/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default attempts of a job before it is marked failed. */
#define OV_QUEUE_MAX_ATTEMPTS	5
/** Longest back-off between two attempts, seconds. */
#define OV_QUEUE_MAX_BACKOFF	3600
/** Longest per-tenant collection timeout, seconds (a week). */
#define OV_QUEUE_MAX_TIMEOUT	604800

/** A registered tenant.  Strings may be NULL where noted. */
typedef struct {
	const char	*tenant;	/**< tenant id (GUID or domain) */
	const char	*name;		/**< display name; NULL: the id */
	const char	*cloud;		/**< NULL: AzureCloud */
	const char	*endpoints;	/**< endpoint file, or NULL */
	const char	*credential;	/**< a reference (operator.yaml's) */
	const char	*client_id;	/**< or NULL */
	const char	*contract;	/**< absolute path, or NULL */
	const char	*exceptions;	/**< absolute path, or NULL */
	const char	*subscriptions;	/**< comma-separated; "" or NULL:
					     every one the identity reads */
	const char	*management_group; /**< or NULL */
	const char	*schedule;	/**< "daily 02:00 Europe/Amsterdam",
					     "weekly mon 06:30 UTC",
					     "hourly :15" or "manual" */
	unsigned	 max_attempts;	/**< 0: OV_QUEUE_MAX_ATTEMPTS */
	unsigned	 timeout;	/**< collection deadline, seconds;
					     0: collect's default (schema 8) */
	const char	*ca_file;	/**< absolute path of an extra CA
					     bundle, or NULL (schema 8) */
} ov_queue_tenant;

/** One job of the queue. */
typedef struct {
	int64_t		 id;
	const char	*tenant;
	const char	*kind;		/**< "scheduled" or "manual" */
	const char	*state;		/**< queued, running, done, failed,
					     cancelled */
	int		 attempts;	/**< attempts started */
	int		 max_attempts;
	int64_t		 window_start;	/**< Unix seconds */
	int64_t		 not_before;	/**< due at, Unix seconds */
	int64_t		 lease_until;	/**< 0 when not running */
	const char	*lease_owner;	/**< the worker, or NULL */
	int64_t		 finished_at;	/**< 0 when not finished */
	const char	*last_error;	/**< why the last attempt failed */
	int64_t		 scan_id;	/**< the scan it recorded, or 0 */
} ov_queue_job;

typedef int (*ov_queue_tenant_cb)(const ov_queue_tenant *t, void *payload);
typedef int (*ov_queue_job_cb)(const ov_queue_job *j, void *payload);

/**
 * Check a schedule ("daily HH:MM [ZONE]", "weekly DAY HH:MM [ZONE]",
 * "hourly [:MM]", "manual"; DAY mon..sun).  OV_EINVALID with a message on
 * ctx when it is not one; the zone is checked by ov_queue_tenant_add.
 */
OV_EXTERN(int) ov_queue_schedule_check(ov_ctx *ctx, const char *schedule);

/**
 * Register a tenant (OV_EINVALID when already registered, or when its
 * schedule, time zone, client id or attempts are not valid).  Check the id
 * and the credential reference first (ov_operator_id_valid,
 * ov_operator_cred_parse in overvisor/operator.h): the table refuses
 * anything else with OV_ESTORE, without echoing the value.
 */
OV_EXTERN(int) ov_queue_tenant_add(ov_store *s, const ov_queue_tenant *t);

/** Remove a tenant with its jobs and grants (OV_ENOTFOUND when absent).
 *  Its recorded scans and findings stay. */
OV_EXTERN(int) ov_queue_tenant_remove(ov_store *s, const char *tenant);

/** Call cb for each registered tenant (tenant NULL) or for that one,
 *  by id.  OV_ENOTFOUND when a named tenant is not registered. */
OV_EXTERN(int) ov_queue_tenants_list(ov_store *s, const char *tenant,
    ov_queue_tenant_cb cb, void *payload);

/**
 * Let the existing database role `role` read one tenant's rows: its
 * scans, findings, reports' evidence, jobs and its own grant (row-level
 * security filters every table), and nothing of any other tenant.  The
 * role gets USAGE on the store's schema and SELECT on its tables, never a
 * write privilege (any it had on them is revoked).  A role name is
 * letters, digits, `_`, `.`, `@` and `-` (1 to 63 bytes, not starting
 * with a digit, `pg_` or being `public`); it is quoted as an identifier.
 * OV_EINVALID for a bad name, a role that reads every tenant anyway (a
 * superuser, BYPASSRLS, or a member of the tables' owner: an operator);
 * OV_ENOTFOUND for a role or tenant that does not exist.  Granting twice
 * is harmless.
 */
OV_EXTERN(int) ov_queue_grant(ov_store *s, const char *tenant,
    const char *role);

/**
 * Withdraw a grant.  When the role has no grant left, its SELECT and
 * USAGE privileges on the store are revoked too.  OV_ENOTFOUND when the
 * role had no grant of that tenant.
 */
OV_EXTERN(int) ov_queue_revoke(ov_store *s, const char *tenant,
    const char *role);

/** True when role is a name ov_queue_grant accepts. */
OV_EXTERN(bool) ov_queue_role_valid(const char *role);

/** Call cb(tenant, role, payload) for each grant, by tenant then role. */
typedef int (*ov_queue_grant_cb)(const char *tenant, const char *role,
    void *payload);
OV_EXTERN(int) ov_queue_grants_list(ov_store *s, ov_queue_grant_cb cb,
    void *payload);

/** Queue a job for a tenant now; *id_out (may be NULL) gets its id. */
OV_EXTERN(int) ov_queue_enqueue(ov_store *s, const char *tenant,
    int64_t *id_out);

/**
 * Queue the latest due window of every scheduled tenant that has no job
 * for it yet (ON CONFLICT DO NOTHING: any number of workers may do it at
 * once).  *n_out (may be NULL) gets the jobs created.
 */
OV_EXTERN(int) ov_queue_schedule(ov_store *s, int64_t *n_out);

/** Call cb for each job, newest first; state and tenant (may be NULL)
 *  filter. */
OV_EXTERN(int) ov_queue_jobs_list(ov_store *s, const char *state,
    const char *tenant, ov_queue_job_cb cb, void *payload);

/** Queue a failed or cancelled job again, attempts from zero.
 *  OV_ENOTFOUND or OV_EINVALID (another state) with a message. */
OV_EXTERN(int) ov_queue_job_retry(ov_store *s, int64_t id);

/** Cancel a queued or running job (a running one's worker stops it at
 *  its next lease renewal and records nothing). */
OV_EXTERN(int) ov_queue_job_cancel(ov_store *s, int64_t id);

/**
 * Claim the next due job for worker `owner` under a lease of lease_s
 * seconds.  First settles expired leases: a job that recorded its scan is
 * done; one at its attempt limit is failed.  Returns 1 with *out filled
 * and token (at least 64 bytes) holding the lease token, 0 when no job is
 * due, or an error.  out's strings live until the next call on s.
 */
OV_EXTERN(int) ov_queue_claim(ov_store *s, const char *owner,
    unsigned lease_s, ov_queue_job *out, char *token);

/** Extend a lease to now + lease_s.  OV_ENOTFOUND when the lease is lost
 *  (expired and claimed by another worker, or the job cancelled). */
OV_EXTERN(int) ov_queue_renew(ov_store *s, int64_t id, const char *token,
    unsigned lease_s);

/**
 * Record an attempt's outcome under its lease.  ok: done.  Otherwise
 * queued again after backoff_s * 2^(attempt - 1) seconds (at most
 * OV_QUEUE_MAX_BACKOFF), or failed at the attempt limit; detail (may be
 * NULL) is kept as the job's last error.  A job that already recorded its
 * scan is done either way.  OV_ENOTFOUND when the lease is lost.
 * *state_out (may be NULL, at least 16 bytes) gets the job's new state.
 */
OV_EXTERN(int) ov_queue_finish(ov_store *s, int64_t id, const char *token,
    bool ok, const char *detail, unsigned backoff_s, char *state_out);

/** Give a job back unfinished (its worker is shutting down): queued again
 *  at once, the attempt not counted.  OV_ENOTFOUND when the lease is lost
 *  or the job already recorded its scan. */
OV_EXTERN(int) ov_queue_release(ov_store *s, int64_t id, const char *token);

/**
 * Fence the next scans recorded through s to a job's lease: the scan's
 * transaction marks the job with the scan's id and commits only while the
 * lease is still held, so a job is recorded at most once.  id 0 removes
 * the fence.
 */
OV_EXTERN(void) ov_queue_fence(ov_store *s, int64_t id, const char *token);

#ifdef __cplusplus
}
#endif
#endif
