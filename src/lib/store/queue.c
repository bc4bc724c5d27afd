/* SPDX-License-Identifier: MIT */
/*
 * Operator mode's tenants and job queue in PostgreSQL (schema version 5,
 * migrations_pg.h).  Every statement is one autocommitted statement: a
 * claim is one UPDATE over a `FOR UPDATE SKIP LOCKED` sub-select, so two
 * workers never claim one job and never wait for each other; everything a
 * worker writes for a job afterwards names the lease token it got, so a
 * worker that lost its lease changes nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/queue.h"
#include "store/backend.h"
#include "store/migrations_pg.h"
#include "util/error.h"

#define JOB_COLS \
	"id, tenant, kind, state, attempts, max_attempts, " \
	"EXTRACT(EPOCH FROM window_start)::BIGINT, " \
	"EXTRACT(EPOCH FROM not_before)::BIGINT, " \
	"COALESCE(EXTRACT(EPOCH FROM lease_until)::BIGINT, 0), lease_owner, " \
	"COALESCE(EXTRACT(EPOCH FROM finished_at)::BIGINT, 0), last_error, " \
	"COALESCE(scan_id, 0)"
#define N_JOB_COLS 13

#define TENANT_COLS \
	"tenant, name, cloud, endpoints, credential, client_id, contract, " \
	"exceptions, subscriptions, management_group, schedule, max_attempts, " \
	"COALESCE(timeout, 0), ca_file"
#define N_TENANT_COLS 14

/* Leases of lost workers: settle those that will not run again. */
#define SQL_SETTLE_RECORDED \
	"UPDATE ov_jobs SET state = 'done', finished_at = now(), " \
	"lease_until = NULL, lease_token = NULL WHERE state = 'running' AND " \
	"lease_until < now() AND scan_id IS NOT NULL"
#define SQL_SETTLE_EXHAUSTED \
	"UPDATE ov_jobs SET state = 'failed', finished_at = now(), " \
	"last_error = 'the lease of ' || COALESCE(lease_owner, '?') || " \
	"' expired on attempt ' || attempts || ' of ' || max_attempts || " \
	"' (the worker was lost)', lease_until = NULL, lease_token = NULL " \
	"WHERE state = 'running' AND lease_until < now() AND " \
	"attempts >= max_attempts"
#define SQL_CLAIM \
	"UPDATE ov_jobs j SET state = 'running', attempts = j.attempts + 1, " \
	"lease_owner = $1, lease_token = gen_random_uuid()::TEXT, " \
	"lease_until = now() + make_interval(secs => CAST($2 AS INTEGER)), " \
	"started_at = now(), finished_at = NULL, last_error = CASE WHEN " \
	"j.state = 'running' THEN 'the lease of ' || COALESCE(j.lease_owner, " \
	"'?') || ' expired (the worker was lost)' ELSE j.last_error END " \
	"FROM (SELECT id FROM ov_jobs WHERE (state = 'queued' AND " \
	"not_before <= now()) OR (state = 'running' AND lease_until < now() " \
	"AND scan_id IS NULL AND attempts < max_attempts) " \
	"ORDER BY not_before, id LIMIT 1 FOR UPDATE SKIP LOCKED) c " \
	"WHERE j.id = c.id RETURNING j.lease_token, " JOB_COLS_J
#define JOB_COLS_J \
	"j.id, j.tenant, j.kind, j.state, j.attempts, j.max_attempts, " \
	"EXTRACT(EPOCH FROM j.window_start)::BIGINT, " \
	"EXTRACT(EPOCH FROM j.not_before)::BIGINT, " \
	"COALESCE(EXTRACT(EPOCH FROM j.lease_until)::BIGINT, 0), " \
	"j.lease_owner, 0, j.last_error, 0"

/*
 * A job's id, from its tenant's own id sequence (schema 6): a customer
 * reading its jobs cannot count other tenants' from the gaps.
 */
#define JOB_ID \
	"pg_catalog.nextval(COALESCE(id_seq, 'ov_jobs_id_seq')::regclass)"

static const char *const weekdays[] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun"
};

/* The queue needs PostgreSQL; say so on SQLite. */
static int
need_pg(ov_store *s)
{
	if (s == NULL)
		return OV_EINVALID;
	if (strcmp(s->be->name, "postgresql") == 0 && s->version >= 8)
		return 0;
	if (strcmp(s->be->name, "postgresql") == 0)
		return ov_store__error(s, "the tenants and job queue need "
		    "schema version 8 or later: run overvisor db migrate");
	return ov_store__error(s, "operator mode's tenants and job queue "
	    "need a PostgreSQL store (--db postgresql://...); a SQLite store "
	    "has no queue: use overvisor operator run with a configuration "
	    "file instead");
}

static int input_error(ov_store *s, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A mistake in what the operator asked for (exit 3, not 5). */
static int
input_error(ov_store *s, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ov__error(s->ctx, code, OV_ERRCLASS_CONFIG, "%s", msg);
}

/* "HH:MM" into minutes of the day; -1 when it is not one. */
static int
clock_minutes(const char *s, size_t n)
{
	if (n != 5 || s[2] != ':' || s[0] < '0' || s[0] > '2' || s[1] < '0' ||
	    s[1] > '9' || s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
		return -1;
	if ((s[0] - '0') * 10 + (s[1] - '0') > 23)
		return -1;
	return ((s[0] - '0') * 10 + (s[1] - '0')) * 60 + (s[3] - '0') * 10 +
	    (s[4] - '0');
}

struct sched {
	const char	*kind;
	int		 minute;
	int		 weekday;
	char		 zone[128];
};

/* Split a schedule into its words and check them. */
static int
parse_schedule(ov_ctx *ctx, const char *text, struct sched *out)
{
	const char *w[5], *p = text;
	size_t len[5], n = 0, i;

	memset(out, 0, sizeof(*out));
	out->weekday = 1;
	snprintf(out->zone, sizeof(out->zone), "UTC");
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		if (n == 5)
			goto bad;
		w[n] = p;
		len[n] = strcspn(p, " ");
		p += len[n++];
	}
	if (n == 1 && len[0] == 6 && strncmp(w[0], "manual", 6) == 0) {
		out->kind = "manual";
		return 0;
	}
	if (n >= 1 && len[0] == 6 && strncmp(w[0], "hourly", 6) == 0) {
		out->kind = "hourly";
		if (n == 1)
			return 0;
		if (n == 2 && len[1] == 3 && w[1][0] == ':' &&
		    w[1][1] >= '0' && w[1][1] <= '5' && w[1][2] >= '0' &&
		    w[1][2] <= '9') {
			out->minute = (w[1][1] - '0') * 10 + (w[1][2] - '0');
			return 0;
		}
		goto bad;
	}
	i = 1;
	if (n >= 2 && len[0] == 5 && strncmp(w[0], "daily", 5) == 0) {
		out->kind = "daily";
	} else if (n >= 3 && len[0] == 6 && strncmp(w[0], "weekly", 6) == 0) {
		for (out->weekday = 0; out->weekday < 7; out->weekday++)
			if (len[1] == 3 && strncmp(w[1],
			    weekdays[out->weekday], 3) == 0)
				break;
		if (out->weekday++ == 7)
			goto bad;
		out->kind = "weekly";
		i = 2;
	} else {
		goto bad;
	}
	if ((out->minute = clock_minutes(w[i], len[i])) < 0 || n > i + 2)
		goto bad;
	if (n == i + 2) {
		if (len[i + 1] >= sizeof(out->zone))
			goto bad;
		memcpy(out->zone, w[i + 1], len[i + 1]);
		out->zone[len[i + 1]] = '\0';
	}
	return 0;
bad:
	return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_CONFIG, "schedule "
	    "'%.200s' is not one of: daily HH:MM [ZONE], weekly DAY HH:MM "
	    "[ZONE] (DAY mon..sun), hourly [:MM], manual", text);
}

/* Check a schedule. */
int
ov_queue_schedule_check(ov_ctx *ctx, const char *schedule)
{
	struct sched sc;

	OV_ASSERT_ARG(ctx != NULL && schedule != NULL);
	return parse_schedule(ctx, schedule, &sc);
}

static const char *
opt(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

/* Register a tenant. */
int
ov_queue_tenant_add(ov_store *s, const ov_queue_tenant *t)
{
	char minute[16], weekday[16], attempts[16], timeout[16];
	const char *p[18];
	struct sched sc;
	int64_t n = 0;
	int error;

	OV_ASSERT_ARG(t != NULL);
	if ((error = need_pg(s)) < 0)
		return error;
	/* The id and the credential reference: the caller checks them
	 * (ov_operator_id_valid, ov_operator_cred_parse); the table's
	 * checks refuse anything else. */
	if (t->tenant == NULL || t->credential == NULL)
		return input_error(s, OV_EINVALID, "a tenant needs an id and a "
		    "credential reference");
	if (t->client_id != NULL && (t->client_id[0] == '\0' ||
	    strspn(t->client_id, "0123456789abcdefABCDEF-") !=
	    strlen(t->client_id) || strlen(t->client_id) > 64))
		return input_error(s, OV_EINVALID, "client id '%.100s' is not "
		    "an application id", t->client_id);
	if (t->max_attempts > 100)
		return input_error(s, OV_EINVALID, "attempts must be 1 to "
		    "100");
	if (t->timeout > OV_QUEUE_MAX_TIMEOUT)
		return input_error(s, OV_EINVALID, "timeout must be 1 to %d "
		    "seconds", OV_QUEUE_MAX_TIMEOUT);
	if (t->ca_file != NULL && (t->ca_file[0] != '/' ||
	    strlen(t->ca_file) > 4096 || strchr(t->ca_file, '\n') != NULL))
		return input_error(s, OV_EINVALID, "a CA bundle is an absolute "
		    "path");
	if ((error = parse_schedule(s->ctx, t->schedule != NULL ?
	    t->schedule : "", &sc)) < 0)
		return error;
	p[0] = sc.zone;
	if ((error = ov_store__query_int(s, "SELECT count(*) FROM "
	    "pg_catalog.pg_timezone_names WHERE name = $1", 1, p, &n)) < 0)
		return error;
	if (n == 0)
		return input_error(s, OV_EINVALID, "time zone '%.128s' is not "
		    "known (a name such as Europe/Amsterdam or UTC)", sc.zone);
	p[0] = t->tenant;
	if ((error = ov_store__query_int(s, "SELECT count(*) FROM ov_tenants "
	    "WHERE lower(tenant) = lower($1)", 1, p, &n)) < 0)
		return error;
	if (n != 0)
		return input_error(s, OV_EINVALID, "tenant '%.128s' is already "
		    "registered (tenants remove it first)", t->tenant);
	snprintf(minute, sizeof(minute), "%d", sc.minute);
	snprintf(weekday, sizeof(weekday), "%d", sc.weekday);
	snprintf(attempts, sizeof(attempts), "%u", t->max_attempts != 0 ?
	    t->max_attempts : OV_QUEUE_MAX_ATTEMPTS);
	p[0] = t->tenant;
	p[1] = t->name != NULL ? t->name : t->tenant;
	p[2] = t->cloud != NULL ? t->cloud : "AzureCloud";
	p[3] = opt(t->endpoints);
	p[4] = t->credential;
	p[5] = opt(t->client_id);
	p[6] = opt(t->contract);
	p[7] = opt(t->exceptions);
	p[8] = t->subscriptions != NULL ? t->subscriptions : "";
	p[9] = opt(t->management_group);
	p[10] = t->schedule;
	p[11] = sc.kind;
	p[12] = minute;
	p[13] = weekday;
	p[14] = sc.zone;
	p[15] = attempts;
	snprintf(timeout, sizeof(timeout), "%u", t->timeout);
	p[16] = t->timeout != 0 ? timeout : NULL;
	p[17] = opt(t->ca_file);
	if ((error = ov_store__query(s, "INSERT INTO ov_tenants (tenant, "
	    "name, cloud, endpoints, credential, client_id, contract, "
	    "exceptions, subscriptions, management_group, schedule, "
	    "sched_kind, sched_minute, sched_weekday, sched_zone, "
	    "max_attempts, timeout, ca_file) VALUES ($1, $2, $3, $4, $5, $6, "
	    "$7, $8, $9, $10, $11, $12, CAST($13 AS INTEGER), CAST($14 AS "
	    "INTEGER), $15, CAST($16 AS INTEGER), CAST($17 AS INTEGER), $18)",
	    18, p, NULL, NULL)) < 0)
		return error;
	/* The tenant's own id sequence (schema version 6). */
	if (s->version >= 6)
		error = ov_store__query(s, "SELECT ov_make_id_seq($1)", 1, p,
		    NULL, NULL);
	return error;
}

/* Remove a tenant. */
int
ov_queue_tenant_remove(ov_store *s, const char *tenant)
{
	const char *p[1];
	int64_t n = 0;
	int error;

	if ((error = need_pg(s)) < 0)
		return error;
	p[0] = tenant;
	if ((error = ov_store__query_int(s, "WITH d AS (DELETE FROM "
	    "ov_tenants WHERE tenant = $1 RETURNING 1) SELECT count(*) FROM d",
	    1, p, &n)) < 0)
		return error;
	if (n == 0)
		return input_error(s, OV_ENOTFOUND, "tenant '%.128s' is not "
		    "registered", tenant);
	return 0;
}

struct tenant_rows {
	ov_queue_tenant_cb	 cb;
	void			*payload;
	size_t			 n;
};

static int
tenant_row(void *payload, int ncols, const char *const *v)
{
	struct tenant_rows *r = payload;
	ov_queue_tenant t;

	if (ncols < N_TENANT_COLS)
		return OV_ERROR;
	memset(&t, 0, sizeof(t));
	t.tenant = v[0];
	t.name = v[1];
	t.cloud = v[2];
	t.endpoints = v[3];
	t.credential = v[4];
	t.client_id = v[5];
	t.contract = v[6];
	t.exceptions = v[7];
	t.subscriptions = v[8];
	t.management_group = v[9];
	t.schedule = v[10];
	t.max_attempts = (unsigned)ov_store__to_i64(v[11]);
	t.timeout = (unsigned)ov_store__to_i64(v[12]);
	t.ca_file = v[13];
	r->n++;
	return r->cb(&t, r->payload);
}

/* List tenants. */
int
ov_queue_tenants_list(ov_store *s, const char *tenant, ov_queue_tenant_cb cb,
    void *payload)
{
	struct tenant_rows r = { cb, payload, 0 };
	const char *p[1];
	int error;

	OV_ASSERT_ARG(cb != NULL);
	if ((error = need_pg(s)) < 0)
		return error;
	p[0] = tenant;
	if ((error = ov_store__query(s, "SELECT " TENANT_COLS " FROM "
	    "ov_tenants WHERE $1::TEXT IS NULL OR tenant = $1 ORDER BY tenant",
	    1, p, tenant_row, &r)) < 0)
		return error;
	if (tenant != NULL && r.n == 0)
		return input_error(s, OV_ENOTFOUND, "tenant '%.128s' is not "
		    "registered", tenant);
	return 0;
}

/* The tables a customer role reads, row-level security filtering each. */
#define CUSTOMER_TABLES \
	"'scans', 'findings', 'exceptions', 'parties', " OV_BY_SCAN_TABLES \
	", 'events', 'ov_tenants', 'ov_jobs', 'ov_grants', 'ov_meta'"
/* A statement on those tables for role $1, its identifiers quoted. */
#define ON_TABLES(verb, prep) \
	"SELECT pg_catalog.format('" verb " ON TABLE %s " prep " %I', " \
	"(SELECT pg_catalog.string_agg(pg_catalog.format('%I', t), ', ') " \
	"FROM pg_catalog.unnest(ARRAY[" CUSTOMER_TABLES "]) t), $1::TEXT)"
#define ON_SCHEMA(verb, prep) \
	"SELECT pg_catalog.format('" verb " ON SCHEMA %I " prep " %I', " \
	"pg_catalog.current_schema(), $1::TEXT)"

/* True when role is a name ov_queue_grant accepts. */
bool
ov_queue_role_valid(const char *role)
{
	size_t n;

	if (role == NULL || (n = strlen(role)) == 0 || n > 63)
		return false;
	if (strspn(role, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_.@-") != n || (role[0] >= '0' && role[0] <= '9') ||
	    role[0] == '-' || role[0] == '.' || role[0] == '@')
		return false;
	if (strncmp(role, "pg_", 3) == 0 || strcmp(role, "public") == 0 ||
	    strcmp(role, "PUBLIC") == 0)
		return false;
	return true;
}

static int
text_row(void *payload, int ncols, const char *const *v)
{
	struct ov_buf *b = payload;

	if (ncols < 1 || v[0] == NULL)
		return OV_ERROR;
	ov__buf_clear(b);
	return ov__buf_puts(b, v[0]) < 0 ? OV_ENOMEM : 0;
}

/* Build a statement with role's name quoted by the server, and run it. */
static int
run_built(ov_store *s, const char *builder, const char *role)
{
	struct ov_buf b = OV_BUF_INIT(1 << 16);
	const char *p[1];
	int error;

	p[0] = role;
	if ((error = ov_store__query(s, builder, 1, p, text_row, &b)) == 0)
		error = ov_store__exec(s, ov__buf_cstr(&b));
	ov__buf_free(&b);
	return error == OV_ENOMEM ? ov__error_oom(s->ctx) : error;
}

/* A role a grant may name: exists, and does not read everything anyway. */
static int
check_role(ov_store *s, const char *role)
{
	const char *p[1];
	int64_t n = 0;
	int error;

	if (!ov_queue_role_valid(role))
		return input_error(s, OV_EINVALID, "'%.64s' is not a role name "
		    "(letters, digits, _ . @ -, at most 63 bytes)", role);
	p[0] = role;
	if ((error = ov_store__query_int(s, "SELECT COALESCE((SELECT CASE "
	    "WHEN r.rolsuper OR r.rolbypassrls THEN 2 WHEN "
	    "pg_catalog.pg_has_role(r.oid, c.relowner, 'MEMBER') THEN 3 ELSE "
	    "1 END FROM pg_catalog.pg_roles r, pg_catalog.pg_class c WHERE "
	    "r.rolname = $1 AND c.oid = 'ov_tenants'::regclass), 0)", 1, p,
	    &n)) < 0)
		return error;
	if (n == 0)
		return input_error(s, OV_ENOTFOUND, "role '%s' does not exist "
		    "(CREATE ROLE it first)", role);
	if (n == 2)
		return input_error(s, OV_EINVALID, "role '%s' is a superuser "
		    "or bypasses row-level security: it reads every tenant, "
		    "and a grant would not limit it", role);
	if (n == 3)
		return input_error(s, OV_EINVALID, "role '%s' is a member of "
		    "the store's owner (an operator role): it reads every "
		    "tenant, and a grant would not limit it", role);
	return 0;
}

/* Let a role read one tenant. */
int
ov_queue_grant(ov_store *s, const char *tenant, const char *role)
{
	const char *p[2];
	int64_t n = 0;
	int error;

	if ((error = need_pg(s)) < 0 || (error = check_role(s, role)) < 0)
		return error;
	p[0] = tenant;
	p[1] = role;
	if ((error = ov_store__query_int(s, "SELECT count(*) FROM ov_tenants "
	    "WHERE tenant = $1", 1, p, &n)) < 0)
		return error;
	if (n == 0)
		return input_error(s, OV_ENOTFOUND, "tenant '%.128s' is not "
		    "registered", tenant);
	if ((error = ov_store__exec(s, "BEGIN")) < 0)
		return error;
	if ((error = ov_store__query(s, "INSERT INTO ov_grants (tenant, "
	    "role) VALUES ($1, $2) ON CONFLICT DO NOTHING", 2, p, NULL,
	    NULL)) < 0 ||
	    (error = run_built(s, ON_SCHEMA("GRANT USAGE", "TO"), role)) < 0 ||
	    (error = run_built(s, ON_TABLES("GRANT SELECT", "TO"), role)) < 0 ||
	    (error = run_built(s, ON_TABLES("REVOKE INSERT, UPDATE, DELETE, "
	    "TRUNCATE, REFERENCES, TRIGGER", "FROM"), role)) < 0 ||
	    (error = ov_store__exec(s, "COMMIT")) < 0) {
		ov_store__exec(s, "ROLLBACK");
		return error;
	}
	return 0;
}

/* Withdraw a grant. */
int
ov_queue_revoke(ov_store *s, const char *tenant, const char *role)
{
	const char *p[2];
	int64_t n = 0;
	int error;

	if ((error = need_pg(s)) < 0)
		return error;
	if (!ov_queue_role_valid(role))
		return input_error(s, OV_EINVALID, "'%.64s' is not a role name "
		    "(letters, digits, _ . @ -, at most 63 bytes)", role);
	p[0] = tenant;
	p[1] = role;
	if ((error = ov_store__exec(s, "BEGIN")) < 0)
		return error;
	if ((error = ov_store__query_int(s, "WITH d AS (DELETE FROM ov_grants "
	    "WHERE tenant = $1 AND role = $2 RETURNING 1) SELECT count(*) "
	    "FROM d", 2, p, &n)) < 0)
		goto fail;
	if (n == 0) {
		ov_store__exec(s, "ROLLBACK");
		return input_error(s, OV_ENOTFOUND, "role '%s' has no grant of "
		    "tenant '%.128s'", role, tenant);
	}
	if ((error = ov_store__query_int(s, "SELECT count(*) FROM ov_grants "
	    "WHERE role = $1", 1, p + 1, &n)) < 0)
		goto fail;
	if (n == 0 && ((error = run_built(s, ON_TABLES("REVOKE ALL", "FROM"),
	    role)) < 0 || (error = run_built(s, ON_SCHEMA("REVOKE USAGE",
	    "FROM"), role)) < 0))
		goto fail;
	if ((error = ov_store__exec(s, "COMMIT")) < 0)
		goto fail;
	return 0;
fail:
	ov_store__exec(s, "ROLLBACK");
	return error;
}

struct grant_rows {
	ov_queue_grant_cb	 cb;
	void			*payload;
};

static int
grant_row(void *payload, int ncols, const char *const *v)
{
	struct grant_rows *r = payload;

	if (ncols < 2)
		return OV_ERROR;
	return r->cb(v[0], v[1], r->payload);
}

/* List grants. */
int
ov_queue_grants_list(ov_store *s, ov_queue_grant_cb cb, void *payload)
{
	struct grant_rows r = { cb, payload };
	int error;

	OV_ASSERT_ARG(cb != NULL);
	if ((error = need_pg(s)) < 0)
		return error;
	return ov_store__query(s, "SELECT tenant, role FROM ov_grants ORDER "
	    "BY tenant, role", 0, NULL, grant_row, &r);
}

/* Queue a job now. */
int
ov_queue_enqueue(ov_store *s, const char *tenant, int64_t *id_out)
{
	const char *p[1];
	int64_t id = 0;
	int error;

	if ((error = need_pg(s)) < 0)
		return error;
	p[0] = tenant;
	if ((error = ov_store__query_int(s, "INSERT INTO ov_jobs (id, tenant, "
	    "window_start, kind, max_attempts, not_before) SELECT " JOB_ID
	    ", tenant, clock_timestamp(), 'manual', max_attempts, now() FROM "
	    "ov_tenants WHERE tenant = $1 RETURNING id", 1, p, &id)) < 0)
		return error;
	if (id == 0)
		return input_error(s, OV_ENOTFOUND, "tenant '%.128s' is not "
		    "registered", tenant);
	if (id_out != NULL)
		*id_out = id;
	return 0;
}

/* Queue the due windows of scheduled tenants. */
int
ov_queue_schedule(ov_store *s, int64_t *n_out)
{
	int64_t n = 0;
	int error;

	if ((error = need_pg(s)) < 0)
		return error;
	if ((error = ov_store__query_int(s, "WITH i AS (INSERT INTO ov_jobs "
	    "(id, tenant, window_start, kind, max_attempts, not_before) "
	    "SELECT " JOB_ID ", tenant, w, 'scheduled', max_attempts, w FROM "
	    "(SELECT tenant, id_seq, max_attempts, ov_window(sched_kind, "
	    "sched_minute, sched_weekday, sched_zone, now()) AS w FROM "
	    "ov_tenants t WHERE sched_kind <> 'manual' AND NOT EXISTS "
	    "(SELECT 1 FROM ov_jobs j WHERE j.tenant = t.tenant AND "
	    "j.window_start = ov_window(t.sched_kind, t.sched_minute, "
	    "t.sched_weekday, t.sched_zone, now()))) x ON CONFLICT (tenant, "
	    "window_start) DO NOTHING RETURNING 1) SELECT count(*) FROM i", 0,
	    NULL, &n)) < 0)
		return error;
	if (n_out != NULL)
		*n_out = n;
	return 0;
}

struct job_rows {
	ov_queue_job_cb	 cb;
	void		*payload;
	ov_queue_job	*out;		/* claim: the one row */
	char		*token;
	struct ov_arena	*arena;		/* claim: keeps the row's strings */
	int		 n;
};

static void
to_job(const char *const *v, ov_queue_job *j)
{
	memset(j, 0, sizeof(*j));
	j->id = ov_store__to_i64(v[0]);
	j->tenant = v[1];
	j->kind = v[2];
	j->state = v[3];
	j->attempts = (int)ov_store__to_i64(v[4]);
	j->max_attempts = (int)ov_store__to_i64(v[5]);
	j->window_start = ov_store__to_i64(v[6]);
	j->not_before = ov_store__to_i64(v[7]);
	j->lease_until = ov_store__to_i64(v[8]);
	j->lease_owner = v[9];
	j->finished_at = ov_store__to_i64(v[10]);
	j->last_error = v[11];
	j->scan_id = ov_store__to_i64(v[12]);
}

static int
job_row(void *payload, int ncols, const char *const *v)
{
	struct job_rows *r = payload;
	ov_queue_job j;

	if (ncols < N_JOB_COLS)
		return OV_ERROR;
	to_job(v, &j);
	r->n++;
	return r->cb(&j, r->payload);
}

/* List jobs. */
int
ov_queue_jobs_list(ov_store *s, const char *state, const char *tenant,
    ov_queue_job_cb cb, void *payload)
{
	struct job_rows r;
	const char *p[2];
	int error;

	OV_ASSERT_ARG(cb != NULL);
	if ((error = need_pg(s)) < 0)
		return error;
	memset(&r, 0, sizeof(r));
	r.cb = cb;
	r.payload = payload;
	p[0] = state;
	p[1] = tenant;
	return ov_store__query(s, "SELECT " JOB_COLS " FROM ov_jobs WHERE "
	    "($1::TEXT IS NULL OR state = $1) AND ($2::TEXT IS NULL OR "
	    "tenant = $2) ORDER BY created_at DESC, id DESC", 2, p, job_row,
	    &r);
}

/* Change one job's state when it is in one of `from`. */
static int
job_change(ov_store *s, int64_t id, const char *sql, const char *verb,
    const char *from)
{
	static const char *const states[] = {
		"queued", "running", "done", "failed", "cancelled"
	};
	char idbuf[24];
	const char *p[1];
	int64_t n = 0;
	int error;

	if ((error = need_pg(s)) < 0)
		return error;
	p[0] = ov_store__i64(idbuf, id);
	if ((error = ov_store__query_int(s, sql, 1, p, &n)) < 0)
		return error;
	if (n != 0)
		return 0;
	if ((error = ov_store__query_int(s, "SELECT COALESCE((SELECT CASE "
	    "state WHEN 'queued' THEN 1 WHEN 'running' THEN 2 WHEN 'done' THEN "
	    "3 WHEN 'failed' THEN 4 ELSE 5 END FROM ov_jobs WHERE id = "
	    "CAST($1 AS BIGINT)), 0)", 1, p, &n)) < 0)
		return error;
	if (n == 0)
		return ov__error(s->ctx, OV_ENOTFOUND, OV_ERRCLASS_CONFIG,
		    "no job %lld", (long long)id);
	return ov__error(s->ctx, OV_EINVALID, OV_ERRCLASS_CONFIG, "job %lld "
	    "is %s: only a %s job can be %s", (long long)id, states[n - 1],
	    from, verb);
}

/* Queue a failed or cancelled job again. */
int
ov_queue_job_retry(ov_store *s, int64_t id)
{
	return job_change(s, id, "WITH u AS (UPDATE ov_jobs SET state = "
	    "'queued', attempts = 0, not_before = now(), finished_at = NULL, "
	    "lease_owner = NULL, lease_token = NULL, lease_until = NULL "
	    "WHERE id = CAST($1 AS BIGINT) AND state IN ('failed', "
	    "'cancelled') RETURNING 1) SELECT count(*) FROM u", "retried",
	    "failed or cancelled");
}

/* Cancel a queued or running job. */
int
ov_queue_job_cancel(ov_store *s, int64_t id)
{
	return job_change(s, id, "WITH u AS (UPDATE ov_jobs SET state = "
	    "'cancelled', finished_at = now(), lease_token = NULL, "
	    "lease_until = NULL WHERE id = CAST($1 AS BIGINT) AND state IN "
	    "('queued', 'running') RETURNING 1) SELECT count(*) FROM u",
	    "cancelled", "queued or running");
}

/* Keep a claimed row's string beyond its query; false on OOM. */
static bool
keep_str(struct ov_arena *a, const char **s)
{
	return *s == NULL || (*s = ov__arena_strdup(a, *s)) != NULL;
}

static int
claim_row(void *payload, int ncols, const char *const *v)
{
	struct job_rows *r = payload;
	ov_queue_job *j = r->out;

	if (ncols < N_JOB_COLS + 1 || v[0] == NULL || strlen(v[0]) >= 64)
		return OV_ERROR;
	snprintf(r->token, 64, "%s", v[0]);
	to_job(v + 1, j);
	if (!keep_str(r->arena, &j->tenant) || !keep_str(r->arena,
	    &j->kind) || !keep_str(r->arena, &j->state) ||
	    !keep_str(r->arena, &j->lease_owner) || !keep_str(r->arena,
	    &j->last_error))
		return OV_ENOMEM;
	r->n++;
	return 0;
}

/* Claim the next due job. */
int
ov_queue_claim(ov_store *s, const char *owner, unsigned lease_s,
    ov_queue_job *out, char *token)
{
	struct job_rows r;
	char lease[16];
	const char *p[2];
	int error;

	OV_ASSERT_ARG(owner != NULL && out != NULL && token != NULL);
	if ((error = need_pg(s)) < 0)
		return error;
	if ((error = ov_store__exec(s, SQL_SETTLE_RECORDED)) < 0 ||
	    (error = ov_store__exec(s, SQL_SETTLE_EXHAUSTED)) < 0)
		return error;
	memset(&r, 0, sizeof(r));
	r.out = out;
	r.token = token;
	r.arena = &s->scratch;
	snprintf(lease, sizeof(lease), "%u", lease_s);
	p[0] = owner;
	p[1] = lease;
	ov__arena_reset(&s->scratch);
	if ((error = ov_store__query(s, SQL_CLAIM, 2, p, claim_row, &r)) < 0)
		return error == OV_ENOMEM ? ov__error_oom(s->ctx) : error;
	if (r.n == 0)
		return 0;
	return 1;
}

/*
 * Run a statement on one job under its lease ($1 id, $2 token, $3 arg,
 * which may be NULL) that returns one count: 0, or OV_ENOTFOUND when it
 * touched no row (the lease is lost).
 */
static int
leased(ov_store *s, const char *sql, int64_t id, const char *token,
    const char *arg)
{
	char idbuf[24];
	const char *p[3];
	int64_t n = 0;
	int error;

	p[0] = ov_store__i64(idbuf, id);
	p[1] = token;
	p[2] = arg;
	if ((error = ov_store__query_int(s, sql, arg != NULL ? 3 : 2, p,
	    &n)) < 0)
		return error;
	return n != 0 ? 0 : OV_ENOTFOUND;
}

/* Extend a lease. */
int
ov_queue_renew(ov_store *s, int64_t id, const char *token, unsigned lease_s)
{
	char lease[16];
	int error;

	if ((error = need_pg(s)) < 0)
		return error;
	snprintf(lease, sizeof(lease), "%u", lease_s);
	return leased(s, "WITH u AS (UPDATE ov_jobs SET lease_until = now() + "
	    "make_interval(secs => CAST($3 AS INTEGER)) WHERE id = CAST($1 AS "
	    "BIGINT) AND lease_token = $2 AND state = 'running' RETURNING 1) "
	    "SELECT count(*) FROM u", id, token, lease);
}

static int
state_row(void *payload, int ncols, const char *const *v)
{
	if (ncols >= 1 && v[0] != NULL)
		snprintf(payload, 16, "%s", v[0]);
	return 0;
}

/* Record an attempt's outcome. */
int
ov_queue_finish(ov_store *s, int64_t id, const char *token, bool ok,
    const char *detail, unsigned backoff_s, char *state_out)
{
	char idbuf[24], backoff[16], cap[16], state[16] = "";
	const char *p[6];
	int error;

	if ((error = need_pg(s)) < 0)
		return error;
	p[0] = ov_store__i64(idbuf, id);
	p[1] = token;
	p[2] = ok ? "1" : "0";
	p[3] = detail;
	snprintf(backoff, sizeof(backoff), "%u", backoff_s);
	p[4] = backoff;
	snprintf(cap, sizeof(cap), "%d", OV_QUEUE_MAX_BACKOFF);
	p[5] = cap;
	if ((error = ov_store__query(s, "UPDATE ov_jobs SET state = CASE "
	    "WHEN $3 = '1' OR scan_id IS NOT NULL THEN 'done' WHEN attempts "
	    ">= max_attempts THEN 'failed' ELSE 'queued' END, not_before = "
	    "CASE WHEN $3 = '1' OR scan_id IS NOT NULL OR attempts >= "
	    "max_attempts THEN not_before ELSE now() + make_interval(secs => "
	    "LEAST(CAST($5 AS DOUBLE PRECISION) * power(2, LEAST(attempts - 1, "
	    "30)), CAST($6 AS DOUBLE PRECISION))) END, finished_at = CASE "
	    "WHEN $3 = '1' OR scan_id IS NOT NULL OR attempts >= max_attempts "
	    "THEN now() END, last_error = COALESCE($4, last_error), "
	    "lease_token = NULL, lease_until = NULL WHERE id = CAST($1 AS "
	    "BIGINT) AND lease_token = $2 AND state = 'running' RETURNING "
	    "state", 6, p, state_row, state)) < 0)
		return error;
	if (state[0] == '\0')
		return OV_ENOTFOUND;
	if (state_out != NULL)
		snprintf(state_out, 16, "%s", state);
	return 0;
}

/* Give a job back unfinished. */
int
ov_queue_release(ov_store *s, int64_t id, const char *token)
{
	int error;

	if ((error = need_pg(s)) < 0)
		return error;
	return leased(s, "WITH u AS (UPDATE ov_jobs SET state = 'queued', "
	    "attempts = attempts - 1, not_before = now(), lease_owner = NULL, "
	    "lease_token = NULL, lease_until = NULL WHERE id = CAST($1 AS "
	    "BIGINT) AND lease_token = $2 AND state = 'running' AND scan_id "
	    "IS NULL RETURNING 1) SELECT count(*) FROM u", id, token, NULL);
}

/* Inside a scan's transaction: the job still ours, mark it recorded. */
static int
fence_commit(struct ov_store *s, int64_t scan_id, void *payload)
{
	char scanbuf[24];
	int error;

	(void)payload;
	error = leased(s, "WITH u AS (UPDATE ov_jobs SET scan_id = CAST($3 AS "
	    "BIGINT) WHERE id = CAST($1 AS BIGINT) AND lease_token = $2 AND "
	    "state = 'running' AND scan_id IS NULL RETURNING 1) SELECT "
	    "count(*) FROM u", s->fence_id, s->fence_token,
	    ov_store__i64(scanbuf, scan_id));
	if (error == OV_ENOTFOUND)
		return ov_store__error(s, "job %lld: its lease was lost (expired "
		    "and claimed again, or the job cancelled); the scan is not "
		    "recorded", (long long)s->fence_id);
	return error;
}

/* Fence the next scans to a job's lease. */
void
ov_queue_fence(ov_store *s, int64_t id, const char *token)
{
	if (s == NULL)
		return;
	if (id == 0 || token == NULL || strlen(token) >= sizeof(
	    s->fence_token)) {
		s->fence_id = 0;
		s->before_commit = NULL;
		return;
	}
	s->fence_id = id;
	snprintf(s->fence_token, sizeof(s->fence_token), "%s", token);
	s->before_commit = fence_commit;
	s->before_commit_payload = NULL;
}
