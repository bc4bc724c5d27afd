/* SPDX-License-Identifier: MIT */
/*
 * The findings store front end: choosing a backend, opening and
 * migrating, and every read (findings, history, scans, exceptions, drift).
 * Writes live in lifecycle.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "findings/secret.h"
#include "lib/snapshot/digest.h"
#include "store/backend.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/time.h"

static const struct ov_store_backend *const backends[] = {
#define OV_STORE_BACKEND(name) &ov_store_backend_##name,
#include "store_list.h"
#undef OV_STORE_BACKEND
	NULL
};

/* Mask a password in a URL or key=value connection string. */
void
ov_store_mask_target(const char *target, char *out, size_t size)
{
	const char *scheme, *at, *colon, *p;
	struct ov_buf b = OV_BUF_INIT(1 << 16);
	int error = 0;

	if (size == 0)
		return;
	out[0] = '\0';
	if (target == NULL)
		return;
	p = target;
	if ((scheme = strstr(target, "://")) != NULL) {
		const char *auth = scheme + 3;
		const char *end = auth + strcspn(auth, "/?#");

		at = memchr(auth, '@', (size_t)(end - auth));
		/* the last '@' before the path ends the user info */
		if (at != NULL) {
			const char *q;

			for (q = at; q < end; q++)
				if (*q == '@')
					at = q;
			colon = memchr(auth, ':', (size_t)(at - auth));
			if (colon != NULL) {
				error = ov__buf_add(&b, target,
				    (size_t)(colon + 1 - target));
				if (error == 0)
					error = ov__buf_puts(&b, "***");
				p = at;
			}
		}
	}
	/* password=... anywhere after that (query or key/value form) */
	while (error == 0 && *p != '\0') {
		if (strncmp(p, "password=", 9) == 0 &&
		    (p == target || p[-1] == '?' || p[-1] == '&' ||
		    p[-1] == ' ')) {
			error = ov__buf_puts(&b, "password=***");
			p += 9;
			p += strcspn(p, "& ");
			continue;
		}
		error = ov__buf_putc(&b, *p++);
	}
	snprintf(out, size, "%s", error == 0 ? ov__buf_cstr(&b) : "(target)");
	ov__buf_free(&b);
}

/* Default SLA by severity, in seconds. */
int64_t
ov_store_default_sla(ov_severity sev)
{
	switch (sev) {
	case OV_SEV_CRITICAL:	return 7 * (int64_t)OV_DAY_SECONDS;
	case OV_SEV_HIGH:	return 30 * (int64_t)OV_DAY_SECONDS;
	case OV_SEV_MEDIUM:	return 90 * (int64_t)OV_DAY_SECONDS;
	case OV_SEV_LOW:	return 180 * (int64_t)OV_DAY_SECONDS;
	default:		return 365 * (int64_t)OV_DAY_SECONDS;
	}
}

/* Open a store. */
int
ov_store_open(ov_store **out, ov_ctx *ctx, const char *target, unsigned flags)
{
	struct ov_store *s;
	size_t i;
	int error;

	OV_ASSERT_ARG(out != NULL && ctx != NULL);
	*out = NULL;
	if (target == NULL || *target == '\0')
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_STORE,
		    "no database given");
	if ((s = ov__calloc(1, sizeof(*s))) == NULL)
		return ov__error_oom(ctx);
	s->ctx = ctx;
	s->flags = flags;
	ov__arena_init(&s->scratch, 0, 0);
	ov_store_mask_target(target, s->display, sizeof(s->display));
	for (i = 0; backends[i] != NULL; i++)
		if (backends[i]->accepts(target))
			break;
	s->be = backends[i];
	if ((flags & OV_STORE_READONLY) != 0 &&
	    strcmp(s->be->name, "sqlite") == 0 && access(target, F_OK) != 0) {
		error = ov_store__error(s, "no such database file");
		goto fail;
	}
	if ((error = s->be->open(s, target, flags)) < 0)
		goto fail;
	if ((error = ov_store__schema_version(s, &s->version)) < 0)
		goto fail;
	if ((flags & OV_STORE_NOINIT) != 0)
		goto ok;
	if (s->version > OV_STORE_SCHEMA_VERSION) {
		error = ov_store__error(s, "schema version %u is newer than "
		    "this overvisor supports (%u)", s->version,
		    OV_STORE_SCHEMA_VERSION);
		goto fail;
	}
	if (s->version < OV_STORE_SCHEMA_VERSION) {
		if ((flags & OV_STORE_READONLY) != 0 && s->version == 0) {
			error = ov_store__error(s, "not an overvisor database "
			    "(no schema)");
			goto fail;
		}
		if ((flags & OV_STORE_MIGRATE) != 0 || s->version == 0) {
			if ((error = ov_store__migrate(s, 0, NULL)) < 0)
				goto fail;
		} else {
			error = ov_store__error(s, "schema version %u is older "
			    "than %u; run 'overvisor db migrate'", s->version,
			    OV_STORE_SCHEMA_VERSION);
			goto fail;
		}
	}
ok:
	*out = s;
	return 0;
fail:
	ov_store_close(s);
	return error;
}

/* Close a store. */
void
ov_store_close(ov_store *s)
{
	if (s == NULL)
		return;
	if (s->in_tx)
		s->be->rollback(s);
	if (s->be != NULL && s->conn != NULL)
		s->be->close(s);
	ov__arena_free(&s->scratch);
	ov__free(s);
}

/* Migrate explicitly. */
int
ov_store_migrate(ov_store *s, unsigned to, unsigned *from_out)
{
	OV_ASSERT_ARG(s != NULL);
	return ov_store__migrate(s, to, from_out);
}

/* The schema version. */
int
ov_store_schema_version(ov_store *s, unsigned *out)
{
	OV_ASSERT_ARG(s != NULL && out != NULL);
	return ov_store__schema_version(s, out);
}

/* The backend name. */
const char *
ov_store_backend(const ov_store *s)
{
	return s != NULL ? s->be->name : NULL;
}

/* Record a scan (lifecycle.c does the work). */
int
ov_store_record_scan(ov_store *s, const ov_scan_record *meta,
    const ov_findings *findings, const ov_digest *records,
    const ov_exceptions *exc, int64_t *scan_id_out)
{
	OV_ASSERT_ARG(s != NULL && meta != NULL && findings != NULL);
	if ((s->flags & OV_STORE_READONLY) != 0)
		return ov_store__error(s, "store opened read-only");
	return ov_store__record(s, meta, findings, records, exc,
	    scan_id_out);
}

/* ------------------------------------------------------------------ */

#define FINDING_COLS \
	"fingerprint, tenant, rule, title, severity, resource_id, " \
	"resource_type, duty, owner, accountable, state, first_seen, " \
	"last_seen, resolved_at, due, reopen_count, first_scan, last_scan, " \
	"CASE WHEN due <> 0 AND due < CAST($1 AS BIGINT) AND state IN " \
	"('new', 'open', 'reopened') THEN 1 ELSE 0 END, responsible, " \
	"consulted, informed"
#define N_FINDING_COLS 22

/* v joined with sep, or NULL when empty. */
const char *
ov_store__join(struct ov_buf *b, const char *const *v, size_t n,
    const char *sep)
{
	size_t i;
	int error = 0;

	if (n == 0)
		return NULL;
	ov__buf_clear(b);
	for (i = 0; i < n && error == 0; i++) {
		if (i > 0)
			error = ov__buf_puts(b, sep);
		if (error == 0)
			error = ov__buf_puts(b, v[i] != NULL ? v[i] : "");
	}
	return error == 0 ? ov__buf_cstr(b) : NULL;
}

static void
row_to_finding(const char *const *v, ov_store_finding *f)
{
	memset(f, 0, sizeof(*f));
	f->fingerprint = v[0];
	f->tenant = v[1];
	f->rule = v[2];
	f->title = v[3];
	f->severity = (ov_severity)ov_store__to_i64(v[4]);
	f->resource_id = v[5];
	f->resource_type = v[6];
	f->duty = v[7];
	f->owner = v[8];
	f->accountable = v[9];
	f->state = v[10];
	f->first_seen = ov_store__to_i64(v[11]);
	f->last_seen = ov_store__to_i64(v[12]);
	f->resolved_at = ov_store__to_i64(v[13]);
	f->due = ov_store__to_i64(v[14]);
	f->reopen_count = (unsigned)ov_store__to_i64(v[15]);
	f->first_scan = ov_store__to_i64(v[16]);
	f->last_scan = ov_store__to_i64(v[17]);
	f->breached = ov_store__to_i64(v[18]) != 0;
	f->responsible = v[19];
	f->consulted = v[20];
	f->informed = v[21];
}

struct list_ctx {
	ov_store_finding_cb	 cb;		/* user callback */
	void			*payload;	/* its payload */
	ov_store_finding	*copy;		/* copy one row here instead */
	struct ov_arena		*arena;		/* for the copy */
	size_t			 n;		/* rows seen */
};

static const char *
keep(struct ov_arena *a, const char *s)
{
	return s != NULL ? ov__arena_strdup(a, s) : NULL;
}

static int
list_row(void *payload, int ncols, const char *const *vals)
{
	struct list_ctx *lc = payload;
	ov_store_finding f;

	if (ncols < N_FINDING_COLS)
		return OV_ESTORE;
	row_to_finding(vals, &f);
	lc->n++;
	if (lc->copy != NULL) {
		*lc->copy = f;
		lc->copy->fingerprint = keep(lc->arena, f.fingerprint);
		lc->copy->tenant = keep(lc->arena, f.tenant);
		lc->copy->rule = keep(lc->arena, f.rule);
		lc->copy->title = keep(lc->arena, f.title);
		lc->copy->resource_id = keep(lc->arena, f.resource_id);
		lc->copy->resource_type = keep(lc->arena, f.resource_type);
		lc->copy->duty = keep(lc->arena, f.duty);
		lc->copy->owner = keep(lc->arena, f.owner);
		lc->copy->accountable = keep(lc->arena, f.accountable);
		lc->copy->state = keep(lc->arena, f.state);
		lc->copy->responsible = keep(lc->arena, f.responsible);
		lc->copy->consulted = keep(lc->arena, f.consulted);
		lc->copy->informed = keep(lc->arena, f.informed);
		return 0;
	}
	return lc->cb(&f, lc->payload);
}

static bool
valid_state(const char *s)
{
	static const char *const states[] = {
		"new", "open", "resolved", "reopened", "excepted", "active"
	};
	size_t i;

	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(s, states[i]) == 0)
			return true;
	return false;
}

/* List findings. */
int
ov_store_findings_list(ov_store *s, const ov_store_filter *filter,
    ov_store_finding_cb cb, void *payload)
{
	static const ov_store_filter all = OV_STORE_FILTER_INIT;
	struct ov_buf sql = OV_BUF_INIT(1 << 16);
	struct list_ctx lc;
	const char *params[9];
	char nowbuf[24], sevbuf[24], sincebuf[24];
	int np = 0, error = 0;

	OV_ASSERT_ARG(s != NULL && cb != NULL);
	if (filter == NULL)
		filter = &all;
	if (filter->state != NULL && !valid_state(filter->state))
		return ov__error(s->ctx, OV_EINVALID, OV_ERRCLASS_STORE,
		    "unknown state '%s' (new, open, resolved, reopened, "
		    "excepted, active)", filter->state);
	params[np++] = ov_store__i64(nowbuf, ov_ctx_now(s->ctx));
	error = ov__buf_puts(&sql, "SELECT " FINDING_COLS
	    " FROM findings WHERE 1 = 1");
	if (error == 0 && filter->state != NULL) {
		if (strcmp(filter->state, "active") == 0)
			error = ov__buf_puts(&sql, " AND state IN ('new', "
			    "'open', 'reopened')");
		else {
			params[np++] = filter->state;
			error = ov__buf_printf(&sql, " AND state = $%d", np);
		}
	}
	if (error == 0 && filter->breached)
		error = ov__buf_puts(&sql, " AND due <> 0 AND due < "
		    "CAST($1 AS BIGINT) AND state IN ('new', 'open', "
		    "'reopened')");
	if (error == 0 && filter->owner != NULL) {
		params[np++] = filter->owner;
		/* the party's display name, its contract id or kind (all
		 * parties of that kind), or the layer owner */
		error = ov__buf_printf(&sql, " AND (lower(accountable) = "
		    "lower($%d) OR lower(owner) = lower($%d) OR "
		    "lower(accountable) IN (SELECT lower(p.name) FROM parties "
		    "p WHERE p.tenant = findings.tenant AND "
		    "(lower(p.party_id) = lower($%d) OR lower(p.kind) = "
		    "lower($%d))))", np, np, np, np);
	}
	if (error == 0 && filter->responsible != NULL) {
		params[np++] = filter->responsible;
		/* the party's display name, its contract id, or its kind */
		error = ov__buf_printf(&sql, " AND (lower(responsible) = "
		    "lower($%d) OR lower(responsible) IN (SELECT lower(p.name) "
		    "FROM parties p WHERE p.tenant = findings.tenant AND "
		    "(lower(p.party_id) = lower($%d) OR lower(p.kind) = "
		    "lower($%d))))", np, np, np);
	}
	if (error == 0 && filter->duty != NULL) {
		params[np++] = filter->duty;
		error = ov__buf_printf(&sql, " AND lower(duty) = lower($%d)",
		    np);
	}
	if (error == 0 && filter->severity >= 0) {
		params[np++] = ov_store__i64(sevbuf, filter->severity);
		error = ov__buf_printf(&sql, " AND severity = "
		    "CAST($%d AS INTEGER)", np);
	}
	if (error == 0 && filter->since != 0) {
		params[np++] = ov_store__i64(sincebuf, filter->since);
		error = ov__buf_printf(&sql, " AND first_seen >= "
		    "CAST($%d AS BIGINT)", np);
	}
	if (error == 0 && filter->tenant != NULL) {
		params[np++] = filter->tenant;
		error = ov__buf_printf(&sql, " AND tenant = $%d", np);
	}
	if (error == 0 && filter->fingerprint != NULL) {
		params[np++] = filter->fingerprint;
		error = ov__buf_printf(&sql, " AND fingerprint = $%d", np);
	}
	if (error == 0)
		error = ov__buf_puts(&sql, " ORDER BY severity DESC, rule, "
		    "lower(resource_id), fingerprint");
	if (error < 0) {
		ov__buf_free(&sql);
		return ov__error_oom(s->ctx);
	}
	memset(&lc, 0, sizeof(lc));
	lc.cb = cb;
	lc.payload = payload;
	error = ov_store__query(s, ov__buf_cstr(&sql), np, params, list_row,
	    &lc);
	ov__buf_free(&sql);
	return error;
}

struct match_ctx {
	char	 fp[33];	/* the match */
	size_t	 n;		/* matches */
};

static int
match_row(void *payload, int ncols, const char *const *vals)
{
	struct match_ctx *m = payload;

	if (ncols > 0 && vals[0] != NULL && m->n++ == 0)
		snprintf(m->fp, sizeof(m->fp), "%s", vals[0]);
	return 0;
}

struct event_ctx {
	ov_store_event_cb	 cb;		/* user callback */
	void			*payload;	/* its payload */
};

static int
event_row(void *payload, int ncols, const char *const *vals)
{
	struct event_ctx *ec = payload;
	ov_store_event e;

	if (ncols < 5)
		return OV_ESTORE;
	e.scan_id = ov_store__to_i64(vals[0]);
	e.at = ov_store__to_i64(vals[1]);
	e.from_state = vals[2];
	e.to_state = vals[3];
	e.note = vals[4];
	return ec->cb(&e, ec->payload);
}

/* History of one finding by fingerprint prefix. */
int
ov_store_finding_history(ov_store *s, const char *prefix,
    ov_store_finding *out, ov_store_event_cb cb, void *payload)
{
	struct match_ctx m;
	struct event_ctx ec;
	struct list_ctx lc;
	char pattern[40], nowbuf[24];
	const char *params[2];
	size_t i, n;
	int error;

	OV_ASSERT_ARG(s != NULL && prefix != NULL);
	n = strlen(prefix);
	if (n < 8 || n > 32)
		return ov__error(s->ctx, OV_EINVALID, OV_ERRCLASS_STORE,
		    "fingerprint '%s' must be 8 to 32 hex digits", prefix);
	for (i = 0; i < n; i++) {
		char c = prefix[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F')))
			return ov__error(s->ctx, OV_EINVALID,
			    OV_ERRCLASS_STORE, "fingerprint '%s' must be "
			    "hex digits", prefix);
		pattern[i] = (char)(c >= 'A' && c <= 'F' ? c + 32 : c);
	}
	pattern[n] = '%';
	pattern[n + 1] = '\0';
	memset(&m, 0, sizeof(m));
	params[0] = pattern;
	if ((error = ov_store__query(s, "SELECT fingerprint FROM findings "
	    "WHERE fingerprint LIKE $1 ORDER BY fingerprint LIMIT 2", 1,
	    params, match_row, &m)) < 0)
		return error;
	if (m.n == 0)
		return ov__error(s->ctx, OV_ENOTFOUND, OV_ERRCLASS_STORE,
		    "no finding with fingerprint %s", prefix);
	if (m.n > 1)
		return ov__error(s->ctx, OV_EINVALID, OV_ERRCLASS_STORE,
		    "fingerprint %s is ambiguous; give more digits", prefix);
	if (out != NULL) {
		ov__arena_reset(&s->scratch);
		memset(&lc, 0, sizeof(lc));
		lc.copy = out;
		lc.arena = &s->scratch;
		params[0] = ov_store__i64(nowbuf, ov_ctx_now(s->ctx));
		params[1] = m.fp;
		if ((error = ov_store__query(s, "SELECT " FINDING_COLS
		    " FROM findings WHERE fingerprint = $2", 2, params,
		    list_row, &lc)) < 0)
			return error;
	}
	if (cb == NULL)
		return 0;
	ec.cb = cb;
	ec.payload = payload;
	params[0] = m.fp;
	return ov_store__query(s, "SELECT scan_id, at, from_state, to_state, "
	    "note FROM events WHERE fingerprint = $1 ORDER BY id", 1, params,
	    event_row, &ec);
}

struct scan_ctx {
	ov_store_scan_cb	 cb;		/* user callback */
	void			*payload;	/* its payload */
};

static int
scan_row(void *payload, int ncols, const char *const *v)
{
	struct scan_ctx *sc = payload;
	ov_store_scan scan;

	if (ncols < 11)
		return OV_ESTORE;
	memset(&scan, 0, sizeof(scan));
	scan.id = ov_store__to_i64(v[0]);
	scan.tenant = v[1];
	scan.collected_at = ov_store__to_i64(v[2]);
	scan.recorded_at = ov_store__to_i64(v[3]);
	scan.tool_version = v[4];
	scan.rulepack_version = v[5];
	scan.label = v[6];
	scan.complete = ov_store__to_i64(v[7]) != 0;
	scan.n_findings = (uint64_t)ov_store__to_i64(v[8]);
	scan.n_sources = (uint64_t)ov_store__to_i64(v[9]);
	scan.n_collected = (uint64_t)ov_store__to_i64(v[10]);
	return sc->cb(&scan, sc->payload);
}

/* List scans. */
int
ov_store_scans_list(ov_store *s, ov_store_scan_cb cb, void *payload)
{
	struct scan_ctx sc;

	OV_ASSERT_ARG(s != NULL && cb != NULL);
	sc.cb = cb;
	sc.payload = payload;
	return ov_store__query(s, "SELECT s.id, s.tenant, s.collected_at, "
	    "s.recorded_at, s.tool_version, s.rulepack_version, s.label, "
	    "s.complete, s.n_findings, "
	    "(SELECT count(*) FROM scan_sources x WHERE x.scan_id = s.id), "
	    "(SELECT count(*) FROM scan_sources x WHERE x.scan_id = s.id "
	    "AND x.status = 'collected') FROM scans s ORDER BY s.id", 0,
	    NULL, scan_row, &sc);
}

/* Resolve an id or a date to a scan id. */
int
ov_store_find_scan(ov_store *s, const char *spec, int64_t *out)
{
	const char *params[1];
	char buf[24];
	int64_t t, id = 0;
	size_t i, n;
	int error;

	OV_ASSERT_ARG(s != NULL && spec != NULL && out != NULL);
	*out = 0;
	n = strlen(spec);
	for (i = 0; i < n && spec[i] >= '0' && spec[i] <= '9'; i++)
		;
	if (n > 0 && n < 19 && i == n) {
		params[0] = spec;
		if ((error = ov_store__query_int(s, "SELECT id FROM scans "
		    "WHERE id = CAST($1 AS BIGINT)", 1, params, &id)) < 0)
			return error;
	} else {
		if (!ov__time_parse(spec, n, &t))
			return ov__error(s->ctx, OV_EINVALID,
			    OV_ERRCLASS_STORE, "'%s' is neither a scan id "
			    "nor an ISO 8601 date", spec);
		if (n == 10)		/* a bare date covers the whole day */
			t += OV_DAY_SECONDS - 1;
		params[0] = ov_store__i64(buf, t);
		if ((error = ov_store__query_int(s, "SELECT id FROM scans "
		    "WHERE collected_at <= CAST($1 AS BIGINT) "
		    "ORDER BY collected_at DESC, id DESC LIMIT 1", 1, params,
		    &id)) < 0)
			return error;
	}
	if (id == 0)
		return ov__error(s->ctx, OV_ENOTFOUND, OV_ERRCLASS_STORE,
		    "no scan matches '%s'", spec);
	*out = id;
	return 0;
}

/* The previous scan of the same tenant. */
int
ov_store_previous_scan(ov_store *s, int64_t to, int64_t *out)
{
	const char *params[1];
	char buf[24];
	int error;

	OV_ASSERT_ARG(s != NULL && out != NULL);
	params[0] = ov_store__i64(buf, to);
	if ((error = ov_store__query_int(s, "SELECT id FROM scans WHERE "
	    "tenant = (SELECT tenant FROM scans WHERE id = "
	    "CAST($1 AS BIGINT)) AND id < CAST($1 AS BIGINT) "
	    "ORDER BY id DESC LIMIT 1", 1, params, out)) < 0)
		return error;
	if (*out == 0)
		return ov__error(s->ctx, OV_ENOTFOUND, OV_ERRCLASS_STORE,
		    "no scan before scan %lld", (long long)to);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Exceptions listing. */

struct exc_ctx {
	ov_store		*s;		/* the store */
	ov_store_exception_cb	 cb;		/* user callback */
	void			*payload;	/* its payload */
};

static int
exc_row(void *payload, int ncols, const char *const *v)
{
	struct exc_ctx *ec = payload;
	ov_store_exception e;

	if (ncols < 6)
		return OV_ESTORE;
	memset(&e, 0, sizeof(e));
	e.kind = "exceptions.yaml";
	e.rule = v[0];
	e.resource = v[1];
	e.justification = v[2];
	e.approver = v[3];
	e.ticket = v[4];
	e.expires = ov_store__to_i64(v[5]);
	e.expired = e.expires <= ov_ctx_now(ec->s->ctx);
	return ec->cb(&e, ec->payload);
}

/* The unquoted value of path in a props text, or NULL (heap copy). */
static char *
prop_value(const char *props, const char *path)
{
	size_t plen = strlen(path);
	const char *p = props, *nl;

	while (p != NULL && *p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if ((size_t)(nl - p) > plen && p[plen] == '\t' &&
		    ov__eq_ci(p, plen, path, plen)) {
			const char *v = p + plen + 1;
			size_t n = (size_t)(nl - v);

			if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
				v++;
				n -= 2;
			}
			return ov__strndup(v, n);
		}
		p = *nl != '\0' ? nl + 1 : nl;
	}
	return NULL;
}

static int
exemption_row(void *payload, int ncols, const char *const *v)
{
	struct exc_ctx *ec = payload;
	ov_store_exception e;
	char *expires, *category, *assignment;
	int64_t t = 0;
	int error;

	if (ncols < 2)
		return OV_ESTORE;
	expires = prop_value(v[1], "properties.expiresOn");
	category = prop_value(v[1], "properties.exemptionCategory");
	assignment = prop_value(v[1], "properties.policyAssignmentId");
	if (expires != NULL && strcmp(expires, "null") != 0)
		(void)ov__time_parse(expires, strlen(expires), &t);
	memset(&e, 0, sizeof(e));
	e.kind = "azure-policy-exemption";
	e.rule = assignment;
	e.resource = v[0];
	e.justification = category;
	e.expires = t;
	e.expired = t != 0 && t <= ov_ctx_now(ec->s->ctx);
	error = ec->cb(&e, ec->payload);
	ov__free(expires);
	ov__free(category);
	ov__free(assignment);
	return error;
}

/* Imported exceptions, then Azure exemptions of the latest scan. */
int
ov_store_exceptions_list(ov_store *s, ov_store_exception_cb cb,
    void *payload)
{
	struct exc_ctx ec;
	const char *params[1];
	char buf[24];
	int64_t latest;
	int error;

	OV_ASSERT_ARG(s != NULL && cb != NULL);
	ec.s = s;
	ec.cb = cb;
	ec.payload = payload;
	if ((error = ov_store__query(s, "SELECT rule_pattern, "
	    "resource_pattern, justification, approver, ticket, expires "
	    "FROM exceptions ORDER BY id", 0, NULL, exc_row, &ec)) != 0)
		return error;
	if ((error = ov_store__query_int(s, "SELECT max(id) FROM scans", 0,
	    NULL, &latest)) < 0 || latest == 0)
		return error;
	params[0] = ov_store__i64(buf, latest);
	return ov_store__query(s, "SELECT record_id, props FROM scan_records "
	    "WHERE scan_id = CAST($1 AS BIGINT) AND lower(type) = "
	    "'microsoft.authorization/policyexemptions' ORDER BY record_key",
	    1, params, exemption_row, &ec);
}

/* ------------------------------------------------------------------ */
/* Drift. */

struct drec {
	const char	*key;	/* record key */
	const char	*id;	/* record id */
	const char	*type;	/* type */
	const char	*hash;	/* digest hash */
	const char	*props;	/* property lines */
	bool		 seen;	/* matched in the other scan */
};

struct dset {
	struct ov_arena	*arena;	/* strings */
	struct drec	*recs;	/* in key order */
	size_t		 n;	/* used */
	size_t		 cap;	/* allocated */
	struct ov_map	 map;	/* key -> index + 1 */
};

static int
drec_row(void *payload, int ncols, const char *const *v)
{
	struct dset *d = payload;
	struct drec *r;

	if (ncols < 5)
		return OV_ESTORE;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 256;
		void *p = ov__reallocarray(d->recs, cap, sizeof(*d->recs));

		if (p == NULL)
			return OV_ENOMEM;
		d->recs = p;
		d->cap = cap;
	}
	r = &d->recs[d->n];
	r->key = keep(d->arena, v[0]);
	r->id = keep(d->arena, v[1]);
	r->type = keep(d->arena, v[2] != NULL ? v[2] : "");
	r->hash = keep(d->arena, v[3]);
	r->props = keep(d->arena, v[4] != NULL ? v[4] : "");
	r->seen = false;
	if (r->key == NULL || r->id == NULL || r->type == NULL ||
	    r->hash == NULL || r->props == NULL)
		return OV_ENOMEM;
	d->n++;
	return 0;
}

static int
load_dset(ov_store *s, int64_t scan, struct dset *d)
{
	const char *params[1];
	char buf[24];
	size_t i;
	int error;

	params[0] = ov_store__i64(buf, scan);
	if ((error = ov_store__query(s, "SELECT record_key, record_id, type, "
	    "hash, props FROM scan_records WHERE scan_id = "
	    "CAST($1 AS BIGINT) ORDER BY record_key", 1, params, drec_row,
	    d)) != 0)
		return error == OV_ENOMEM ? ov__error_oom(s->ctx) : error;
	for (i = 0; i < d->n; i++)
		if (ov__map_put(&d->map, d->recs[i].key,
		    strlen(d->recs[i].key), (void *)(uintptr_t)(i + 1)) < 0)
			return ov__error_oom(s->ctx);
	return 0;
}

struct prop_ctx {
	const struct drec	*rec;		/* the record */
	ov_diff_cb		 cb;		/* user callback */
	void			*payload;	/* its payload */
};

static int
prop_cb(const char *path, const char *before, const char *after,
    void *payload)
{
	struct prop_ctx *pc = payload;
	struct ov_arena a = OV_ARENA_INIT;
	ov_diff_item it;
	int error;

	memset(&it, 0, sizeof(it));
	it.kind = OV_DIFF_PROPERTY_CHANGED;
	it.id = pc->rec->id;
	it.type = pc->rec->type;
	it.path = path;
	/* Digests are stored masked; a store written by an older overvisor
	 * may still hold a secret, which is masked on the way out. */
	ov__arena_init(&a, 0, 0);
	it.before = before != NULL ? ov_secret__mask_text(&a, path, before) :
	    NULL;
	it.after = after != NULL ? ov_secret__mask_text(&a, path, after) :
	    NULL;
	if ((before != NULL && it.before == NULL) ||
	    (after != NULL && it.after == NULL))
		error = OV_ENOMEM;
	else
		error = pc->cb(&it, pc->payload);
	ov__arena_free(&a);
	return error;
}

struct fdiff_ctx {
	ov_diff_kind	 kind;		/* what these rows are */
	ov_diff_cb	 cb;		/* user callback */
	void		*payload;	/* its payload */
};

static int
fdiff_row(void *payload, int ncols, const char *const *v)
{
	struct fdiff_ctx *fc = payload;
	ov_diff_item it;

	if (ncols < 6)
		return OV_ESTORE;
	memset(&it, 0, sizeof(it));
	it.kind = fc->kind;
	it.fingerprint = v[0];
	it.rule = v[1];
	it.title = v[2];
	it.severity = (ov_severity)ov_store__to_i64(v[3]);
	it.id = v[4];
	it.type = v[5];
	return fc->cb(&it, fc->payload);
}

/* Report the drift between two scans. */
int
ov_store_diff(ov_store *s, int64_t from, int64_t to, ov_diff_cb cb,
    void *payload)
{
	struct dset a, b;
	struct ov_arena arena;
	struct fdiff_ctx fc;
	const char *params[2];
	char fbuf[24], tbuf[24];
	ov_diff_item it;
	size_t i;
	int error;
	static const struct {
		ov_diff_kind	 kind;
		const char	*cond;
	} fkinds[] = {
		{ OV_DIFF_FINDING_NEW, "e.from_state IS NULL" },
		{ OV_DIFF_FINDING_RESOLVED, "e.to_state = 'resolved'" },
		{ OV_DIFF_FINDING_REOPENED, "e.to_state = 'reopened'" },
	};

	OV_ASSERT_ARG(s != NULL && cb != NULL);
	ov__arena_init(&arena, 0, 0);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.arena = b.arena = &arena;
	if ((error = load_dset(s, from, &a)) < 0 ||
	    (error = load_dset(s, to, &b)) < 0)
		goto done;
	for (i = 0; i < b.n; i++) {
		void *v = ov__map_get(&a.map, b.recs[i].key,
		    strlen(b.recs[i].key));

		if (v != NULL) {
			a.recs[(uintptr_t)v - 1].seen = true;
			b.recs[i].seen = true;
		}
	}
	memset(&it, 0, sizeof(it));
	for (i = 0; i < b.n && error == 0; i++)
		if (!b.recs[i].seen) {
			it.kind = OV_DIFF_RECORD_ADDED;
			it.id = b.recs[i].id;
			it.type = b.recs[i].type;
			error = cb(&it, payload);
		}
	for (i = 0; i < a.n && error == 0; i++)
		if (!a.recs[i].seen) {
			it.kind = OV_DIFF_RECORD_REMOVED;
			it.id = a.recs[i].id;
			it.type = a.recs[i].type;
			error = cb(&it, payload);
		}
	for (i = 0; i < b.n && error == 0; i++) {
		const struct drec *old;
		struct prop_ctx pc;
		void *v;

		if (!b.recs[i].seen)
			continue;
		v = ov__map_get(&a.map, b.recs[i].key, strlen(b.recs[i].key));
		old = &a.recs[(uintptr_t)v - 1];
		if (strcmp(old->hash, b.recs[i].hash) == 0)
			continue;
		pc.rec = &b.recs[i];
		pc.cb = cb;
		pc.payload = payload;
		error = ov_digest__props_diff(old->props, b.recs[i].props,
		    prop_cb, &pc);
	}
	params[0] = ov_store__i64(fbuf, from);
	params[1] = ov_store__i64(tbuf, to);
	for (i = 0; i < sizeof(fkinds) / sizeof(fkinds[0]) && error == 0;
	    i++) {
		struct ov_buf sql = OV_BUF_INIT(1 << 14);

		fc.kind = fkinds[i].kind;
		fc.cb = cb;
		fc.payload = payload;
		if (ov__buf_printf(&sql, "SELECT DISTINCT f.fingerprint, "
		    "f.rule, f.title, f.severity, f.resource_id, "
		    "f.resource_type FROM events e JOIN findings f ON "
		    "f.fingerprint = e.fingerprint WHERE e.scan_id > "
		    "CAST($1 AS BIGINT) AND e.scan_id <= CAST($2 AS BIGINT) "
		    "AND f.tenant = (SELECT tenant FROM scans WHERE id = "
		    "CAST($2 AS BIGINT)) AND %s ORDER BY f.resource_id, "
		    "f.rule, f.fingerprint", fkinds[i].cond) < 0)
			error = ov__error_oom(s->ctx);
		else
			error = ov_store__query(s, ov__buf_cstr(&sql), 2,
			    params, fdiff_row, &fc);
		ov__buf_free(&sql);
	}
done:
	ov__map_free(&a.map);
	ov__map_free(&b.map);
	ov__free(a.recs);
	ov__free(b.recs);
	ov__arena_free(&arena);
	return error;
}

/* The name of a diff kind. */
const char *
ov_diff_kind_name(ov_diff_kind k)
{
	static const char *const names[] = {
		"record-added", "record-removed", "property-changed",
		"finding-new", "finding-resolved", "finding-reopened"
	};

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ?
	    names[k] : "unknown";
}
