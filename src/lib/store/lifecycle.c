/* SPDX-License-Identifier: MIT */
/*
 * Recording a scan and moving every finding through its lifecycle, in one
 * write transaction:
 *
 *   (none) -> new | excepted         first seen
 *   new -> open                       seen again
 *   resolved | excepted -> reopened   seen again, non-compliant
 *   any -> excepted                   seen under an active exception
 *   new | open | reopened | excepted -> resolved
 *                                     not seen, and this scan fully
 *                                     collected the finding's type (never
 *                                     a Sigma detection: an event stays)
 *
 * The scan's observations are bulk-loaded first; the transitions are then
 * set-based statements, so a scan of any size costs a handful of queries.
 * Due dates: the finding's own `due` (from the contract SLA) when set,
 * else first seen (or reopened) + ov_store_default_sla(severity).  A due
 * date never moves later while the finding stays open: producers derive
 * `due` from the scan clock, so each later scan offers a later one.  A
 * reopening starts a new clock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "lib/snapshot/digest.h"
#include "raci/contract.h"
#include "store/backend.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/hash.h"

/* Keep in step with ov_store_default_sla(). */
#define SLA_SQL(sev) \
	"(CASE " sev " WHEN 4 THEN 604800 WHEN 3 THEN 2592000 " \
	"WHEN 2 THEN 7776000 WHEN 1 THEN 15552000 ELSE 31536000 END)"

#define ACTIVE_STATES "('new', 'open', 'reopened', 'excepted')"

#define REOPEN \
	"(o.result = 'non-compliant' AND f.state IN ('resolved', 'excepted'))"

#define NEW_STATE \
	"(CASE WHEN o.result = 'indeterminate' THEN f.state " \
	"WHEN o.result = 'exempt' THEN 'excepted' " \
	"WHEN f.state IN ('resolved', 'excepted') THEN 'reopened' " \
	"WHEN f.state = 'new' THEN 'open' ELSE f.state END)"

#define FIRST_STATE \
	"(CASE WHEN o.result = 'exempt' THEN 'excepted' ELSE 'new' END)"

/*
 * Events for findings seen again whose state changes.  Only new, resolved
 * and excepted findings move when seen non-compliant, and an exempt result
 * moves any other; the two cases are separate statements so each is
 * driven by an index (findings by tenant and state; the scan's
 * observations) instead of a pass over every observation.
 */
#define EVENTS_SEEN \
	"INSERT INTO events (fingerprint, scan_id, at, from_state, " \
	"to_state, note) SELECT f.fingerprint, CAST($1 AS BIGINT), " \
	"CAST($2 AS BIGINT), f.state, " NEW_STATE ", CASE WHEN " \
	"f.state = 'excepted' AND o.result = 'non-compliant' THEN " \
	"'exception expired or removed' END "

static const char sql_events_seen[] =
	EVENTS_SEEN "FROM findings f JOIN observations o ON "
	"o.scan_id = CAST($1 AS BIGINT) AND o.fingerprint = f.fingerprint "
	"WHERE f.tenant = CAST($3 AS TEXT) AND "
	"f.state IN ('new', 'resolved', 'excepted') AND f.state <> " NEW_STATE;

static const char sql_events_exempt[] =
	EVENTS_SEEN "FROM observations o JOIN findings f ON "
	"f.fingerprint = o.fingerprint WHERE o.scan_id = CAST($1 AS BIGINT) "
	"AND o.result = 'exempt' AND "
	"f.state NOT IN ('new', 'resolved', 'excepted')";

static const char sql_update_seen[] =
	"UPDATE findings AS f SET "
	"state = " NEW_STATE ", "
	"last_seen = CASE WHEN o.result = 'indeterminate' THEN f.last_seen "
	"ELSE CAST($2 AS BIGINT) END, "
	"last_scan = CAST($1 AS BIGINT), "
	"resolved_at = CASE WHEN " REOPEN " THEN NULL ELSE f.resolved_at END, "
	"reopen_count = f.reopen_count + CASE WHEN " REOPEN " THEN 1 "
	"ELSE 0 END, "
	"due = CASE WHEN o.result = 'indeterminate' THEN f.due "
	"WHEN " REOPEN " THEN CASE WHEN o.due <> 0 THEN o.due ELSE "
	"CAST($2 AS BIGINT) + " SLA_SQL("o.severity") " END "
	"WHEN o.due <> 0 AND (f.due = 0 OR o.due < f.due) THEN o.due "
	"ELSE f.due END, "
	"severity = CASE WHEN o.result = 'indeterminate' THEN f.severity "
	"ELSE o.severity END, "
	"title = COALESCE(o.title, f.title), "
	"duty = COALESCE(o.duty, f.duty), "
	"owner = COALESCE(o.owner, f.owner), "
	"accountable = COALESCE(o.accountable, f.accountable), "
	"responsible = COALESCE(o.responsible, f.responsible), "
	"consulted = COALESCE(o.consulted, f.consulted), "
	"informed = COALESCE(o.informed, f.informed) "
	"FROM observations o WHERE o.scan_id = CAST($1 AS BIGINT) "
	"AND o.fingerprint = f.fingerprint";

/* After sql_insert_new: the rows it added carry this scan as first_scan. */
static const char sql_events_new[] =
	"INSERT INTO events (fingerprint, scan_id, at, from_state, to_state, "
	"note) SELECT f.fingerprint, CAST($1 AS BIGINT), CAST($2 AS BIGINT), "
	"CAST(NULL AS TEXT), f.state, CAST(NULL AS TEXT) "
	"FROM findings f WHERE f.first_scan = CAST($1 AS BIGINT)";

static const char sql_insert_new[] =
	"INSERT INTO findings (fingerprint, tenant, rule, title, severity, "
	"resource_id, resource_type, type_key, duty, owner, accountable, "
	"source, state, first_seen, last_seen, resolved_at, due, first_scan, "
	"last_scan, reopen_count, responsible, consulted, informed) "
	"SELECT o.fingerprint, CAST($3 AS TEXT), "
	"o.rule, o.title, o.severity, o.resource_id, o.resource_type, "
	"o.type_key, o.duty, o.owner, o.accountable, o.source, "
	FIRST_STATE ", CAST($2 AS BIGINT), CAST($2 AS BIGINT), "
	"CAST(NULL AS BIGINT), CASE WHEN o.due <> 0 THEN o.due ELSE "
	"CAST($2 AS BIGINT) + " SLA_SQL("o.severity") " END, "
	"CAST($1 AS BIGINT), CAST($1 AS BIGINT), 0, o.responsible, "
	"o.consulted, o.informed FROM observations o "
	"WHERE o.scan_id = CAST($1 AS BIGINT) AND "
	"o.result <> 'indeterminate' AND NOT EXISTS (SELECT 1 FROM "
	"findings x WHERE x.fingerprint = o.fingerprint)";

static const char sql_candidates[] =
	"SELECT DISTINCT type_key FROM findings WHERE tenant = $1 AND "
	"state IN " ACTIVE_STATES " AND last_scan <> CAST($2 AS BIGINT) "
	"ORDER BY type_key";

/*
 * Absence resolves a finding about a collected type; a detection (source
 * sigma) is an event that happened, which no later scan undoes: it is
 * closed by triage, never by its absence.
 */
#define RESOLVABLE \
	"f.tenant = CAST($3 AS TEXT) AND f.state IN " ACTIVE_STATES " AND " \
	"f.last_scan <> CAST($1 AS BIGINT) AND COALESCE(f.source, '') <> " \
	"'sigma' AND f.type_key IN (SELECT " \
	"c.type_key FROM scan_coverage c WHERE c.scan_id = " \
	"CAST($1 AS BIGINT))"

static const char sql_events_resolved[] =
	"INSERT INTO events (fingerprint, scan_id, at, from_state, to_state, "
	"note) SELECT f.fingerprint, CAST($1 AS BIGINT), CAST($2 AS BIGINT), "
	"f.state, 'resolved', CAST(NULL AS TEXT) FROM findings f WHERE "
	RESOLVABLE;

static const char sql_resolve[] =
	"UPDATE findings AS f SET state = 'resolved', "
	"resolved_at = CAST($2 AS BIGINT) WHERE " RESOLVABLE;

/*
 * With a verdict callback every unseen active finding is judged on its
 * own: the scan proves it fixed (its resource is present and the rule
 * passed), or its absence from a fully collected source does, or nothing
 * does.  The judged ones are loaded as observations of this scan with
 * result 'compliant' or 'absent', then resolved in one statement each.
 */
static const char sql_unseen[] =
	"SELECT fingerprint, rule, source, resource_id, type_key, severity, "
	"resource_type FROM findings WHERE tenant = $1 AND state IN "
	ACTIVE_STATES " AND last_scan <> CAST($2 AS BIGINT) "
	"ORDER BY fingerprint";

#define JUDGED \
	"o.scan_id = CAST($1 AS BIGINT) AND o.fingerprint = f.fingerprint " \
	"AND o.result IN ('compliant', 'absent') AND f.state IN " \
	ACTIVE_STATES

static const char sql_events_judged[] =
	"INSERT INTO events (fingerprint, scan_id, at, from_state, to_state, "
	"note) SELECT f.fingerprint, CAST($1 AS BIGINT), CAST($2 AS BIGINT), "
	"f.state, 'resolved', CASE WHEN o.result = 'compliant' THEN "
	"'evaluated and passed' END FROM observations o JOIN findings f ON "
	JUDGED;

static const char sql_resolve_judged[] =
	"UPDATE findings AS f SET state = 'resolved', "
	"resolved_at = CAST($2 AS BIGINT) FROM observations o WHERE " JUDGED;

/* Which Resource Graph table or Graph collection holds a type. */
static const char *
source_key(const char *type_key)
{
	if (strncmp(type_key, "microsoft.graph/", 16) == 0)
		return type_key + 16;
	if (strstr(type_key, "/patchassessmentresults") != NULL ||
	    strstr(type_key, "/softwarepatches") != NULL)
		return "patchassessmentresources";
	if (strncmp(type_key, "microsoft.security/", 19) == 0)
		return "securityresources";
	if (strncmp(type_key, "microsoft.authorization/policy", 30) == 0 ||
	    strncmp(type_key, "microsoft.policyinsights/", 25) == 0)
		return "policyresources";
	if (strncmp(type_key, "microsoft.authorization/", 24) == 0)
		return "authorizationresources";
	if (strncmp(type_key, "microsoft.recoveryservices/vaults/backup",
	    40) == 0)
		return "recoveryservicesresources";
	return "resources";
}

/* True when a manifest source name denotes key ("arg:key", "key"...). */
static bool
source_is(const char *name, const char *key)
{
	size_t n = strlen(name), k = strlen(key);

	if (ov__streq_ci(name, key))
		return true;
	return n > k && (name[n - k - 1] == ':' || name[n - k - 1] == '/') &&
	    ov__eq_ci(name + n - k, k, key, k);
}

static bool
all_collected(const ov_scan_record *m)
{
	size_t i;

	if (!m->has_manifest || m->n_sources == 0)
		return false;
	for (i = 0; i < m->n_sources; i++)
		if (m->sources[i].status == NULL ||
		    strcmp(m->sources[i].status, "collected") != 0)
			return false;
	return true;
}

/* Built-in coverage: the type's source is listed and fully collected. */
static bool
builtin_complete(const ov_scan_record *m, const char *type_key)
{
	const char *key;
	bool found = false;
	size_t i;

	if (!m->has_manifest || m->n_sources == 0)
		return false;
	if (*type_key == '\0')
		return all_collected(m);
	key = source_key(type_key);
	for (i = 0; i < m->n_sources; i++) {
		if (m->sources[i].name == NULL ||
		    !source_is(m->sources[i].name, key))
			continue;
		if (m->sources[i].status == NULL ||
		    strcmp(m->sources[i].status, "collected") != 0)
			return false;
		found = true;
	}
	return found;
}

struct cover_ctx {
	struct ov_store		*s;		/* the store */
	const ov_scan_record	*meta;		/* the scan */
	const char		*scan_id;	/* as text */
	char			**types;	/* complete types found */
	size_t			 n;		/* used */
	size_t			 cap;		/* allocated */
};

/* Whether type_key may be resolved by absence from this scan. */
static bool
type_complete(const ov_scan_record *m, const char *t)
{
	if (strncmp(t, "overvisor/", 10) == 0)
		return true;	/* derived by overvisor itself every scan */
	if (m->type_complete != NULL)
		return m->type_complete(t, m->payload);
	return builtin_complete(m, t);
}

/* Remember a type proven complete (for scan_coverage). */
static int
cover_add(struct cover_ctx *cc, const char *t)
{
	if (cc->n == cc->cap) {
		size_t cap = cc->cap ? cc->cap * 2 : 16;
		void *p = ov__reallocarray(cc->types, cap, sizeof(char *));

		if (p == NULL)
			return OV_ENOMEM;
		cc->types = p;
		cc->cap = cap;
	}
	if ((cc->types[cc->n] = ov__strdup(t)) == NULL)
		return OV_ENOMEM;
	cc->n++;
	return 0;
}

static int
cover_row(void *payload, int ncols, const char *const *v)
{
	struct cover_ctx *cc = payload;
	const char *t = ncols > 0 && v[0] != NULL ? v[0] : "";

	return type_complete(cc->meta, t) ? cover_add(cc, t) : 0;
}

/* One unseen finding judged resolvable; strings in the judge's arena. */
struct judged {
	const char	*fingerprint;
	const char	*rule;
	const char	*resource_id;
	const char	*resource_type;
	const char	*type_key;
	const char	*severity;
	const char	*result;	/* "compliant" or "absent" */
};

struct judge {
	struct ov_store		*s;		/* the store */
	const ov_scan_record	*meta;		/* the scan */
	struct ov_arena		 arena;		/* row strings */
	struct ov_map		 types;		/* type_key -> 1 complete,
						   2 not */
	struct judged		*rows;		/* resolvable findings */
	size_t			 n;		/* used */
	size_t			 cap;		/* allocated */
	struct cover_ctx	*cc;		/* complete types, for
						   scan_coverage */
};

static int
judge_row(void *payload, int ncols, const char *const *v)
{
	struct judge *j = payload;
	struct judged *row;
	const char *result = NULL, *t;
	ov_verdict verdict;
	uintptr_t known;
	size_t i;

	if (ncols < 7 || v[0] == NULL || v[1] == NULL || v[3] == NULL)
		return 0;
	t = v[4] != NULL ? v[4] : "";
	verdict = j->meta->verdict(v[1], v[2], v[3], t,
	    j->meta->verdict_payload);
	if (verdict == OV_VERDICT_HOLD)
		return 0;
	if (verdict == OV_VERDICT_PASSED)
		result = "compliant";
	else {
		known = (uintptr_t)ov__map_get(&j->types, t, strlen(t));
		if (known == 0) {
			const char *key;

			known = type_complete(j->meta, t) ? 1 : 2;
			if ((key = ov__arena_strdup(&j->arena, t)) == NULL ||
			    ov__map_put(&j->types, key, strlen(key),
			    (void *)known) < 0)
				return OV_ENOMEM;
			if (known == 1 && cover_add(j->cc, key) < 0)
				return OV_ENOMEM;
		}
		if (known == 1)
			result = "absent";
	}
	if (result == NULL)
		return 0;
	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 64;
		void *p = ov__reallocarray(j->rows, cap, sizeof(*j->rows));

		if (p == NULL)
			return OV_ENOMEM;
		j->rows = p;
		j->cap = cap;
	}
	row = &j->rows[j->n];
	row->result = result;
	row->type_key = t;
	{
		const char **dst[] = { &row->fingerprint, &row->rule, NULL,
		    &row->resource_id, &row->type_key, &row->severity,
		    &row->resource_type };

		for (i = 0; i < 7; i++) {
			if (dst[i] == NULL)
				continue;
			*dst[i] = NULL;
			if (v[i] != NULL && (*dst[i] = ov__arena_strdup(
			    &j->arena, v[i])) == NULL)
				return OV_ENOMEM;
		}
	}
	if (row->type_key == NULL)
		row->type_key = "";
	if (row->severity == NULL)
		row->severity = "0";
	j->n++;
	return 0;
}

/*
 * Judge every active finding this scan did not see (meta->verdict set),
 * record the resolvable ones as observations and resolve them.
 */
static int
resolve_judged(struct ov_store *s, const ov_scan_record *meta,
    const char *scan_id, const char *at, const char *tenant,
    struct cover_ctx *cc)
{
	static const char *const cols[] = {
		"scan_id", "fingerprint", "result", "rule", "severity",
		"resource_id", "resource_type", "type_key", "due"
	};
	struct judge j;
	const char *p[3];
	size_t i;
	int error;

	memset(&j, 0, sizeof(j));
	j.s = s;
	j.meta = meta;
	j.cc = cc;
	ov__arena_init(&j.arena, 0, 0);
	p[0] = tenant;
	p[1] = scan_id;
	if ((error = ov_store__query(s, sql_unseen, 2, p, judge_row,
	    &j)) != 0) {
		if (error > 0 || error == OV_ENOMEM)
			error = ov__error_oom(s->ctx);
		goto done;
	}
	if (j.n == 0)
		goto done;
	if ((error = s->be->bulk_begin(s, "observations", cols, 9)) < 0)
		goto done;
	for (i = 0; i < j.n && error == 0; i++) {
		const char *vals[9];

		vals[0] = scan_id;
		vals[1] = j.rows[i].fingerprint;
		vals[2] = j.rows[i].result;
		vals[3] = j.rows[i].rule;
		vals[4] = j.rows[i].severity;
		vals[5] = j.rows[i].resource_id;
		vals[6] = j.rows[i].resource_type;
		vals[7] = j.rows[i].type_key;
		vals[8] = "0";
		error = s->be->bulk_row(s, vals);
	}
	if (error == 0)
		error = s->be->bulk_end(s);
	else
		(void)s->be->bulk_end(s);
	if (error < 0)
		goto done;
	p[0] = scan_id;
	p[1] = at;
	if ((error = ov_store__query(s, sql_events_judged, 2, p, NULL,
	    NULL)) < 0)
		goto done;
	error = ov_store__query(s, sql_resolve_judged, 2, p, NULL, NULL);
done:
	ov__map_free(&j.types);
	ov__arena_free(&j.arena);
	ov__free(j.rows);
	return error;
}

static const char *
result_name(ov_state st)
{
	switch (st) {
	case OV_STATE_NON_COMPLIANT:
	case OV_STATE_ERROR:
		return "non-compliant";
	case OV_STATE_EXEMPT:
		return "exempt";
	case OV_STATE_INDETERMINATE:
		return "indeterminate";
	default:
		return NULL;
	}
}

static int
result_rank(ov_state st)
{
	switch (st) {
	case OV_STATE_NON_COMPLIANT:
	case OV_STATE_ERROR:
		return 3;
	case OV_STATE_EXEMPT:
		return 2;
	case OV_STATE_INDETERMINATE:
		return 1;
	default:
		return 0;
	}
}

static void
lower_into(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src != NULL && src[i] != '\0' && i + 1 < size; i++)
		dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ?
		    src[i] + ('a' - 'A') : src[i]);
	dst[i] = '\0';
}

static int
exc_load_row(void *payload, int ncols, const char *const *v)
{
	ov_exceptions *set = payload;
	ov_exception e;

	if (ncols < 7)
		return OV_ESTORE;
	memset(&e, 0, sizeof(e));
	e.rule = v[0];
	e.resource = v[1];
	e.justification = v[2];
	e.approver = v[3];
	e.ticket = v[4];
	e.expires = ov_store__to_i64(v[5]);
	e.source = v[6];
	return ov_exceptions_add(set, &e);
}

static int
by_fingerprint(const void *a, const void *b)
{
	const ov_finding *const *x = a;
	const ov_finding *const *y = b;

	return strcmp((*x)->fingerprint, (*y)->fingerprint);
}

/*
 * Load the observations, deduplicated by fingerprint and sorted by it:
 * the rows then append to the (scan, fingerprint) key instead of landing
 * at random places, and the lifecycle joins walk the findings key in
 * order.
 */
static int
load_observations(struct ov_store *s, const char *scan_id,
    const ov_findings *list, size_t *n_loaded)
{
	static const char *const cols[] = {
		"scan_id", "fingerprint", "result", "rule", "title",
		"severity", "resource_id", "resource_type", "type_key", "duty",
		"owner", "accountable", "source", "due", "responsible",
		"consulted", "informed"
	};
	struct ov_buf cb = OV_BUF_INIT(1 << 16), ib = OV_BUF_INIT(1 << 16);
	struct ov_map seen = OV_MAP_INIT;
	const ov_finding **chosen = NULL;
	size_t n = ov_findings_count(list), m = 0, i;
	int error = 0;

	if (n > 0 && (chosen = ov__calloc(n, sizeof(*chosen))) == NULL)
		return ov__error_oom(s->ctx);
	for (i = 0; i < n; i++) {
		const ov_finding *f = ov_findings_get(list, i);
		void *v;

		if (result_rank(f->state) == 0 || f->fingerprint == NULL ||
		    f->rule == NULL || f->resource_id == NULL)
			continue;
		v = ov__map_get(&seen, f->fingerprint, strlen(f->fingerprint));
		if (v != NULL) {
			size_t slot = (uintptr_t)v - 1;

			if (result_rank(f->state) >
			    result_rank(chosen[slot]->state))
				chosen[slot] = f;
			continue;
		}
		if (ov__map_put(&seen, f->fingerprint, strlen(f->fingerprint),
		    (void *)(uintptr_t)(m + 1)) < 0) {
			error = ov__error_oom(s->ctx);
			goto done;
		}
		chosen[m++] = f;
	}
	if (m > 1)
		qsort(chosen, m, sizeof(*chosen), by_fingerprint);
	if ((error = s->be->bulk_begin(s, "observations", cols, 17)) < 0)
		goto done;
	for (i = 0; i < m && error == 0; i++) {
		const ov_finding *f = chosen[i];
		char sev[24], due[24], type_key[512];
		const char *vals[17];

		lower_into(type_key, sizeof(type_key), f->resource_type);
		vals[0] = scan_id;
		vals[1] = f->fingerprint;
		vals[2] = result_name(f->state);
		vals[3] = f->rule;
		vals[4] = f->title;
		vals[5] = ov_store__i64(sev, (int64_t)f->severity);
		vals[6] = f->resource_id;
		vals[7] = f->resource_type;
		vals[8] = type_key;
		vals[9] = f->duty;
		vals[10] = f->owner != OV_OWNER_UNKNOWN ?
		    ov_owner_name(f->owner) : NULL;
		vals[11] = f->accountable;
		vals[12] = f->source;
		vals[13] = ov_store__i64(due, f->due > 0 ? f->due : 0);
		vals[14] = f->responsible;
		vals[15] = ov_store__join(&cb, f->consulted, f->n_consulted,
		    "; ");
		vals[16] = ov_store__join(&ib, f->informed, f->n_informed,
		    "; ");
		error = s->be->bulk_row(s, vals);
		if (error == 0 && i == m / 2)
			ov_store__test_pause();
	}
	if (m == 0)
		ov_store__test_pause();
	if (error == 0)
		error = s->be->bulk_end(s);
	else
		(void)s->be->bulk_end(s);
	*n_loaded = m;
done:
	ov__buf_free(&cb);
	ov__buf_free(&ib);
	ov__map_free(&seen);
	ov__free(chosen);
	return error;
}

static int
load_records(struct ov_store *s, const char *scan_id, const ov_digest *d)
{
	static const char *const cols[] = {
		"scan_id", "record_key", "record_id", "type", "hash", "props"
	};
	size_t i;
	int error;

	if (ov_digest_count(d) == 0)
		return 0;
	if ((error = s->be->bulk_begin(s, "scan_records", cols, 6)) < 0)
		return error;
	for (i = 0; i < ov_digest_count(d) && error == 0; i++) {
		const struct ov_digest_rec *r = ov_digest__rec(d, i);
		const char *vals[6];

		vals[0] = scan_id;
		vals[1] = r->key;
		vals[2] = r->id;
		vals[3] = r->type;
		vals[4] = r->hash;
		vals[5] = r->props;
		error = s->be->bulk_row(s, vals);
	}
	if (error == 0)
		return s->be->bulk_end(s);
	(void)s->be->bulk_end(s);
	return error;
}

static int
import_exceptions(struct ov_store *s, const ov_exceptions *exc,
    int64_t now)
{
	char exp[24], at[24];
	size_t i;
	int error;

	if ((error = ov_store__query(s, "DELETE FROM exceptions", 0, NULL,
	    NULL, NULL)) < 0)
		return error;
	ov_store__i64(at, now);
	for (i = 0; i < ov_exceptions_count(exc) && error == 0; i++) {
		const ov_exception *e = ov_exceptions_get(exc, i);
		const char *p[8];

		p[0] = e->rule;
		p[1] = e->resource;
		p[2] = e->justification;
		p[3] = e->approver;
		p[4] = e->ticket;
		p[5] = ov_store__i64(exp, e->expires);
		p[6] = e->source;
		p[7] = at;
		error = ov_store__query(s, "INSERT INTO exceptions "
		    "(rule_pattern, resource_pattern, justification, approver, "
		    "ticket, expires, origin, imported_at) VALUES ($1, $2, $3, "
		    "$4, $5, CAST($6 AS BIGINT), $7, CAST($8 AS BIGINT))", 8, p,
		    NULL, NULL);
	}
	return error;
}

static int
insert_sources(struct ov_store *s, const char *scan_id,
    const ov_scan_record *m)
{
	struct ov_map seen = OV_MAP_INIT;
	char cnt[24];
	size_t i;
	int error = 0;

	for (i = 0; i < m->n_sources && error == 0; i++) {
		const ov_scan_source *src = &m->sources[i];
		const char *p[4];

		if (src->name == NULL ||
		    ov__map_get(&seen, src->name, strlen(src->name)) != NULL)
			continue;
		if (ov__map_put(&seen, src->name, strlen(src->name),
		    (void *)(uintptr_t)(i + 1)) < 0) {
			error = ov__error_oom(s->ctx);
			break;
		}
		p[0] = scan_id;
		p[1] = src->name;
		p[2] = src->status != NULL ? src->status : "unknown";
		p[3] = ov_store__i64(cnt, (int64_t)src->count);
		error = ov_store__query(s, "INSERT INTO scan_sources (scan_id, "
		    "name, status, count) VALUES (CAST($1 AS BIGINT), $2, $3, "
		    "CAST($4 AS BIGINT))", 4, p, NULL, NULL);
	}
	ov__map_free(&seen);
	return error;
}

/* Replace the tenant's contract parties (for --owner by id or kind). */
static int
insert_parties(struct ov_store *s, const char *tenant,
    const struct ov_contract *c)
{
	const char *p[4];
	size_t i;
	int error;

	p[0] = tenant;
	if ((error = ov_store__query(s, "DELETE FROM parties WHERE "
	    "tenant = $1", 1, p, NULL, NULL)) < 0)
		return error;
	for (i = 0; i < c->n_parties && error == 0; i++) {
		const struct ov_contract_party *pa = &c->parties[i];

		if (pa->id == NULL)
			continue;
		p[1] = pa->id;
		p[2] = pa->name != NULL ? pa->name : pa->id;
		p[3] = pa->kind;
		error = ov_store__query(s, "INSERT INTO parties (tenant, "
		    "party_id, name, kind) VALUES ($1, $2, $3, $4) "
		    "ON CONFLICT (tenant, party_id) DO NOTHING", 4, p, NULL,
		    NULL);
	}
	return error;
}

/* Record a scan and run the lifecycle, all in one transaction. */
int
ov_store__record(struct ov_store *s, const ov_scan_record *meta,
    const ov_findings *findings, const ov_digest *records,
    const ov_exceptions *exc, int64_t *scan_id_out)
{
	ov_exceptions *stored = NULL;
	const ov_exceptions *effective = exc;
	ov_findings *applied = NULL;
	const ov_findings *list = findings;
	struct cover_ctx cc;
	char idbuf[24], atbuf[24], recbuf[24], cbuf[24];
	const char *p[12];
	const char *tenant = meta->tenant != NULL ? meta->tenant : "";
	int64_t at, scan_id = 0;
	size_t i, n_obs = 0;
	int error;

	memset(&cc, 0, sizeof(cc));
	at = meta->collected_at != 0 ? meta->collected_at :
	    ov_ctx_now(s->ctx);
	ov_store__i64(atbuf, at);
	if ((error = s->be->begin_write(s)) < 0)
		return error;
	s->in_tx = true;
	/* The effective exceptions: the given set, or the imported one. */
	if (effective == NULL) {
		if ((error = ov_exceptions_new(&stored)) < 0) {
			error = ov__error_oom(s->ctx);
			goto done;
		}
		if ((error = ov_store__query(s, "SELECT rule_pattern, "
		    "resource_pattern, justification, approver, ticket, "
		    "expires, origin FROM exceptions ORDER BY id", 0, NULL,
		    exc_load_row, stored)) != 0) {
			if (error > 0 || error == OV_ENOMEM || error == OV_EINVALID)
				error = ov__error_oom(s->ctx);
			goto done;
		}
		effective = stored;
	}
	if (ov_exceptions_count(effective) > 0) {
		if ((error = ov_findings_new(&applied)) < 0 ||
		    (error = ov_findings_set_tenant(applied, tenant)) < 0) {
			error = ov__error_oom(s->ctx);
			goto done;
		}
		if ((error = ov_exceptions_apply(effective, s->ctx, findings,
		    at, applied)) < 0)
			goto done;
		list = applied;
	}
	p[0] = tenant;
	p[1] = atbuf;
	p[2] = ov_store__i64(recbuf, ov_ctx_now(s->ctx));
	p[3] = meta->tool_version;
	p[4] = meta->rulepack_version;
	p[5] = meta->label;
	p[6] = meta->manifest_json;
	p[7] = meta->has_manifest ? "1" : "0";
	p[8] = all_collected(meta) ? "1" : "0";
	if ((error = ov_store__query_int(s, "INSERT INTO scans (tenant, "
	    "collected_at, recorded_at, tool_version, rulepack_version, label, "
	    "manifest, has_manifest, complete) VALUES ($1, CAST($2 AS BIGINT), "
	    "CAST($3 AS BIGINT), $4, $5, $6, $7, CAST($8 AS INTEGER), "
	    "CAST($9 AS INTEGER)) RETURNING id", 9, p, &scan_id)) < 0)
		goto done;
	if (scan_id == 0) {
		error = ov_store__error(s, "scan id not returned");
		goto done;
	}
	ov_store__i64(idbuf, scan_id);
	if ((error = insert_sources(s, idbuf, meta)) < 0)
		goto done;
	if (s->parties != NULL &&
	    (error = insert_parties(s, tenant, s->parties)) < 0)
		goto done;
	if (exc != NULL && (error = import_exceptions(s, exc, at)) < 0)
		goto done;
	if (s->evidence != NULL &&
	    (error = ov_store__record_evidence(s, idbuf)) < 0)
		goto done;
	if ((error = load_observations(s, idbuf, list, &n_obs)) < 0)
		goto done;
	if ((error = load_records(s, idbuf, records)) < 0)
		goto done;
	p[0] = idbuf;
	p[1] = atbuf;
	p[2] = tenant;
	if ((error = ov_store__query(s, sql_events_seen, 3, p, NULL,
	    NULL)) < 0 ||
	    (error = ov_store__query(s, sql_events_exempt, 2, p, NULL,
	    NULL)) < 0 ||
	    (error = ov_store__query(s, sql_update_seen, 2, p, NULL,
	    NULL)) < 0 ||
	    (error = ov_store__query(s, sql_insert_new, 3, p, NULL,
	    NULL)) < 0 ||
	    (error = ov_store__query(s, sql_events_new, 2, p, NULL,
	    NULL)) < 0)
		goto done;
	/* Which types may be resolved by their absence from this scan. */
	cc.s = s;
	cc.meta = meta;
	cc.scan_id = idbuf;
	p[0] = tenant;
	p[1] = idbuf;
	if (meta->verdict != NULL)
		error = resolve_judged(s, meta, idbuf, atbuf, tenant, &cc);
	else
		error = ov_store__query(s, sql_candidates, 2, p, cover_row,
		    &cc);
	if (error != 0) {
		if (error > 0 || error == OV_ENOMEM)
			error = ov__error_oom(s->ctx);
		goto done;
	}
	for (i = 0; i < cc.n && error == 0; i++) {
		p[0] = idbuf;
		p[1] = cc.types[i];
		error = ov_store__query(s, "INSERT INTO scan_coverage (scan_id, "
		    "type_key) VALUES (CAST($1 AS BIGINT), $2)", 2, p, NULL,
		    NULL);
	}
	if (error < 0)
		goto done;
	p[0] = idbuf;
	p[1] = atbuf;
	p[2] = tenant;
	if (cc.n > 0 && meta->verdict == NULL &&
	    ((error = ov_store__query(s, sql_events_resolved, 3, p, NULL,
	    NULL)) < 0 ||
	    (error = ov_store__query(s, sql_resolve, 3, p, NULL, NULL)) < 0))
		goto done;
	p[0] = idbuf;
	p[1] = ov_store__i64(cbuf, (int64_t)n_obs);
	if ((error = ov_store__query(s, "UPDATE scans SET n_findings = "
	    "CAST($2 AS BIGINT) WHERE id = CAST($1 AS BIGINT)", 2, p, NULL,
	    NULL)) < 0)
		goto done;
	if ((error = s->be->commit(s)) < 0)
		goto done;
	s->in_tx = false;
	if (scan_id_out != NULL)
		*scan_id_out = scan_id;
done:
	if (s->in_tx) {
		s->be->rollback(s);
		s->in_tx = false;
	}
	for (i = 0; i < cc.n; i++)
		ov__free(cc.types[i]);
	ov__free(cc.types);
	ov_findings_free(applied);
	ov_exceptions_free(stored);
	return error;
}
