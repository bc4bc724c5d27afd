/* SPDX-License-Identifier: MIT */
/*
 * The monthly governance report's data, from the store's history.
 *
 * A finding's life is cut into episodes: one opens when it is first seen
 * (to_state "new") or reopened, and closes when it is resolved or excepted.
 * An episode's due date is the earliest contract due date any of its
 * non-compliant observations carried (the lifecycle never moves a due date
 * later while a finding stays open), else its start plus the default SLA.
 * Everything else is counted from episodes:
 *
 *   due in the period  from <= due < to
 *   met                closed at or before its due date
 *   breached           not met, and the due date lies before the report
 *                      time (still open then, or closed late)
 *   pending            not met, due at or after the report time
 *   time to remediate  resolved - opened, for episodes resolved in the
 *                      period; mean, and the 90th percentile by nearest rank
 *   overdue            open at the report time with the due date before it
 *
 * The report time is the end of the period, or now when the period is
 * the current one.  Governance evidence (duties, exceptions, restore
 * tests, policy enforcement, contract answers) comes from the last scan of
 * the period, restore jobs from every scan in it.  Each query is one pass
 * over its rows, and the episodes are built by one merge of three streams
 * sorted by fingerprint.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/governance.h"
#include "store/backend.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/time.h"

#define EXPIRING_WINDOW	(30 * (int64_t)OV_DAY_SECONDS)
#define MAX_DAYS	366		/* a period longer than this is refused */

/* The public report and the arena behind it. */
struct gov {
	ov_governance	 pub;		/* first: the caller's pointer */
	struct ov_arena	 arena;		/* every string and array */
	ov_governance_day *days;	/* pub.days, writable */
};

/* A finding as the report needs it. */
struct fmeta {
	const char	*fingerprint;	/* 32 hex digits */
	const char	*rule;		/* rule id */
	const char	*title;		/* one line */
	const char	*resource_id;	/* record id */
	const char	*duty;		/* duty, or "unassigned" */
	const char	*responsible;	/* party, or "(nobody named)" */
	const char	*accountable;	/* party, or NULL */
	ov_severity	 severity;	/* latest */
};

/* One open-to-closed stretch of a finding. */
struct episode {
	size_t		 fi;		/* finding index */
	int64_t		 start;		/* opened */
	int64_t		 end;		/* closed, 0 while open */
	int64_t		 due;		/* due date, 0 until known */
	bool		 reopened;	/* started by a reopening */
	bool		 resolved;	/* closed by a resolution (not an
					   exception) */
};

/* Loader state. */
struct load {
	struct ov_store	*s;		/* the store */
	struct gov	*g;		/* the report */
	struct fmeta	*f;		/* findings, by fingerprint */
	size_t		 nf, capf;	/* used, allocated */
	struct episode	*ep;		/* episodes, by finding then start */
	size_t		 ne, cape;	/* used, allocated */
	size_t		 cur;		/* finding of the events being read */
	bool		 oom;		/* an allocation failed */
};

static const char *
keep(struct gov *g, const char *s)
{
	return s != NULL ? ov__arena_strdup(&g->arena, s) : NULL;
}

static int
grow(void **p, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *q;

	if (n < *cap)
		return 0;
	ncap = *cap != 0 ? *cap * 2 : 256;
	if ((q = ov__reallocarray(*p, ncap, size)) == NULL)
		return OV_ENOMEM;
	*p = q;
	*cap = ncap;
	return 0;
}

static int
meta_row(void *payload, int ncols, const char *const *v)
{
	struct load *ld = payload;
	struct fmeta *m;

	if (ncols < 8)
		return OV_ESTORE;
	if (grow((void **)&ld->f, &ld->capf, ld->nf, sizeof(*ld->f)) < 0)
		return OV_ENOMEM;
	m = &ld->f[ld->nf];
	m->fingerprint = keep(ld->g, v[0]);
	m->rule = keep(ld->g, v[1]);
	m->title = keep(ld->g, v[2]);
	m->severity = (ov_severity)ov_store__to_i64(v[3]);
	m->resource_id = keep(ld->g, v[4]);
	m->duty = keep(ld->g, v[5] != NULL && *v[5] != '\0' ? v[5] :
	    "unassigned");
	m->responsible = keep(ld->g, v[6] != NULL && *v[6] != '\0' ? v[6] :
	    "(nobody named)");
	m->accountable = keep(ld->g, v[7]);
	if (m->fingerprint == NULL || m->rule == NULL || m->duty == NULL ||
	    m->responsible == NULL)
		return OV_ENOMEM;
	if ((unsigned)m->severity > OV_SEV_CRITICAL)
		m->severity = OV_SEV_INFO;
	ld->nf++;
	return 0;
}

static int
cmp_meta(const void *a, const void *b)
{
	return strcmp(((const struct fmeta *)a)->fingerprint,
	    ((const struct fmeta *)b)->fingerprint);
}

/* Index of the finding with fingerprint fp, from ld->cur on; nf if none. */
static size_t
find_meta(struct load *ld, const char *fp)
{
	size_t lo = 0, hi = ld->nf;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ld->f[mid].fingerprint, fp);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return ld->nf;
}

/* Episode bookkeeping from one event (rows come by fingerprint, time). */
static int
event_row(void *payload, int ncols, const char *const *v)
{
	struct load *ld = payload;
	struct episode *e;
	const char *to;
	size_t fi;
	int64_t at;

	if (ncols < 4 || v[0] == NULL || v[3] == NULL)
		return OV_ESTORE;
	if ((fi = find_meta(ld, v[0])) == ld->nf)
		return 0;
	at = ov_store__to_i64(v[1]);
	to = v[3];
	e = ld->ne > 0 && ld->ep[ld->ne - 1].fi == fi ? &ld->ep[ld->ne - 1] :
	    NULL;
	if (strcmp(to, "new") == 0 || strcmp(to, "reopened") == 0) {
		if (e != NULL && e->end == 0)
			return 0;	/* already open */
		if (grow((void **)&ld->ep, &ld->cape, ld->ne,
		    sizeof(*ld->ep)) < 0)
			return OV_ENOMEM;
		e = &ld->ep[ld->ne++];
		memset(e, 0, sizeof(*e));
		e->fi = fi;
		e->start = at;
		e->reopened = strcmp(to, "reopened") == 0;
		return 0;
	}
	if ((strcmp(to, "resolved") == 0 || strcmp(to, "excepted") == 0) &&
	    e != NULL && e->end == 0) {
		e->end = at;
		e->resolved = strcmp(to, "resolved") == 0;
	}
	return 0;
}

static int
cmp_episode(const void *pa, const void *pb)
{
	const struct episode *a = pa, *b = pb;

	if (a->fi != b->fi)
		return a->fi < b->fi ? -1 : 1;
	return (a->start > b->start) - (a->start < b->start);
}

/* The earliest due date seen in each episode. */
static int
obs_row(void *payload, int ncols, const char *const *v)
{
	struct load *ld = payload;
	size_t fi, lo, hi;
	int64_t at, due;

	if (ncols < 3 || v[0] == NULL)
		return OV_ESTORE;
	if ((due = ov_store__to_i64(v[2])) <= 0 ||
	    (fi = find_meta(ld, v[0])) == ld->nf)
		return 0;
	at = ov_store__to_i64(v[1]);
	/* the finding's episodes are contiguous and ordered by start */
	lo = 0;
	hi = ld->ne;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ld->ep[mid].fi < fi)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ld->ne && ld->ep[lo].fi == fi; lo++) {
		struct episode *e = &ld->ep[lo];

		if (e->start <= at && (e->end == 0 || at < e->end)) {
			if (e->due == 0 || due < e->due)
				e->due = due;
			break;
		}
	}
	return 0;
}

/* Scans of the period. */
struct scans_ctx {
	struct gov	*g;		/* the report */
	int64_t		 last_id;	/* last scan of the period */
	bool		*scanned;	/* per day */
};

static int
scan_row(void *payload, int ncols, const char *const *v)
{
	struct scans_ctx *sc = payload;
	ov_governance *p = &sc->g->pub;
	int64_t at;
	size_t d;

	if (ncols < 3)
		return OV_ESTORE;
	at = ov_store__to_i64(v[1]);
	if (p->n_scans++ == 0)
		p->first_scan = at;
	p->last_scan = at;
	p->n_complete += ov_store__to_i64(v[2]) != 0;
	sc->last_id = ov_store__to_i64(v[0]);
	d = (size_t)((at - p->from) / OV_DAY_SECONDS);
	if (d < p->n_days)
		sc->scanned[d] = true;
	return 0;
}

static int
tenant_row(void *payload, int ncols, const char *const *v)
{
	struct load *ld = payload;

	if (ncols < 1 || v[0] == NULL)
		return OV_ESTORE;
	if (ld->g->pub.tenant != NULL)
		return 1;	/* a second tenant */
	return (ld->g->pub.tenant = keep(ld->g, v[0])) == NULL ?
	    OV_ENOMEM : 0;
}

/* --- grouping ---------------------------------------------------------- */

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Mean and nearest-rank 90th percentile of n durations (sorted here). */
static void
ttr_stats(int64_t *v, size_t n, int64_t *mean, int64_t *p90)
{
	int64_t sum = 0;
	size_t i, rank;

	*mean = *p90 = 0;
	if (n == 0)
		return;
	qsort(v, n, sizeof(*v), cmp_i64);
	for (i = 0; i < n; i++)
		sum += v[i];
	*mean = sum / (int64_t)n;
	rank = (9 * n + 9) / 10;	/* ceil(0.9 n), 1-based */
	*p90 = v[rank - 1];
}

/* Episode order for grouping: responsible, duty, then as built. */
struct gkey {
	const struct fmeta	*m;	/* its finding */
	size_t			 ei;	/* episode index */
};

static int
cmp_gkey(const void *pa, const void *pb)
{
	const struct gkey *a = pa, *b = pb;
	bool an = a->m->responsible[0] == '(';
	bool bn = b->m->responsible[0] == '(';
	int c;

	if (an != bn)
		return an ? 1 : -1;
	if ((c = strcmp(a->m->responsible, b->m->responsible)) != 0)
		return c;
	if ((c = strcmp(a->m->duty, b->m->duty)) != 0)
		return c;
	return (a->ei > b->ei) - (a->ei < b->ei);
}

/* Count one episode into a duty row. */
static void
count_episode(const ov_governance *p, ov_governance_duty *d,
    const struct episode *e)
{
	int64_t t = p->as_of;
	bool open_now = e->start <= t && (e->end == 0 || e->end > t);

	if (e->start >= p->from && e->start < p->to)
		d->opened++;
	if (e->due >= p->from && e->due < p->to) {
		d->due++;
		if (e->end != 0 && e->end <= e->due)
			d->met++;
		else if (e->due < t)
			d->breached++;
		else
			d->pending++;
	}
	if (open_now) {
		d->open_end++;
		d->overdue_end += e->due < t;
	}
}

/* SLA figures of the duties at the last scan. */
struct sla_ctx {
	struct gov	*g;		/* the report */
	ov_governance_duty *rows;	/* duty rows */
	size_t		 n;		/* their number */
};

static int
sla_row(void *payload, int ncols, const char *const *v)
{
	struct sla_ctx *sc = payload;
	size_t i;

	if (ncols < 6)
		return OV_ESTORE;
	for (i = 0; i < sc->n; i++)
		if (v[0] != NULL && strcmp(sc->rows[i].duty, v[0]) == 0) {
			sc->rows[i].sla_critical = ov_store__to_i64(v[1]);
			sc->rows[i].sla_high = ov_store__to_i64(v[2]);
		}
	if (v[0] != NULL && strcmp(v[0], "backup-validation") == 0) {
		sc->g->pub.rpo = ov_store__to_i64(v[3]);
		sc->g->pub.rto = ov_store__to_i64(v[4]);
		sc->g->pub.restore_window = ov_store__to_i64(v[5]);
	}
	return 0;
}

static int
group(struct load *ld, const char *last_scan)
{
	struct gov *g = ld->g;
	ov_governance *p = &g->pub;
	ov_governance_duty *rows = NULL, *d = NULL;
	ov_governance_day *days;
	struct gkey *keys = NULL;
	struct sla_ctx sc;
	int64_t *ttr = NULL, *all_ttr = NULL;
	long *delta = NULL;
	size_t i, nr = 0, nt = 0, na = 0, k, dd;
	const char *params[1];
	long open;
	int error = OV_ENOMEM;

	days = ov__arena_calloc(&g->arena, p->n_days, sizeof(*days));
	keys = ov__calloc(ld->ne + 1, sizeof(*keys));
	rows = ov__arena_calloc(&g->arena, ld->ne + 1, sizeof(*rows));
	ttr = ov__calloc(ld->ne + 1, sizeof(*ttr));
	all_ttr = ov__calloc(ld->ne + 1, sizeof(*all_ttr));
	delta = ov__calloc(p->n_days + 1, sizeof(*delta));
	if (days == NULL || keys == NULL || rows == NULL || ttr == NULL ||
	    all_ttr == NULL || delta == NULL)
		goto done;
	for (i = 0; i < ld->ne; i++) {
		struct episode *e = &ld->ep[i];
		const struct fmeta *m = &ld->f[e->fi];

		if (e->due == 0)	/* the lifecycle's default */
			e->due = e->start + ov_store_default_sla(m->severity);
		keys[i].m = m;
		keys[i].ei = i;
	}
	qsort(keys, ld->ne, sizeof(*keys), cmp_gkey);
	for (i = 0; i < ld->ne; i++) {
		const struct fmeta *m = keys[i].m;
		const struct episode *e = &ld->ep[keys[i].ei];

		if (d == NULL || strcmp(d->responsible, m->responsible) != 0 ||
		    strcmp(d->duty, m->duty) != 0) {
			if (d != NULL)
				ttr_stats(ttr, nt, &d->mttr, &d->p90);
			d = &rows[nr++];
			d->duty = m->duty;
			d->responsible = m->responsible;
			d->accountable = m->accountable;
			nt = 0;
		}
		count_episode(p, d, e);
		if (e->resolved && e->end >= p->from && e->end < p->to) {
			d->resolved++;
			ttr[nt++] = e->end - e->start;
			all_ttr[na++] = e->end - e->start;
		}
	}
	if (d != NULL)
		ttr_stats(ttr, nt, &d->mttr, &d->p90);
	ttr_stats(all_ttr, na, &p->mttr, &p->p90);
	/* rows with nothing in the period and nothing open are dropped */
	for (i = 0, k = 0; i < nr; i++)
		if (rows[i].due + rows[i].opened + rows[i].resolved +
		    rows[i].open_end > 0)
			rows[k++] = rows[i];
	nr = k;
	for (i = 0; i < nr; i++) {
		p->due += rows[i].due;
		p->met += rows[i].met;
		p->breached += rows[i].breached;
		p->pending += rows[i].pending;
		p->resolved += rows[i].resolved;
		p->open_end += rows[i].open_end;
		p->overdue_end += rows[i].overdue_end;
	}
	/* the trend: events per day and the open backlog at each day end */
	for (i = 0; i < ld->ne; i++) {
		const struct episode *e = &ld->ep[i];

		if (e->start < p->from)
			delta[0]++;
		if (e->start >= p->from && e->start < p->to) {
			dd = (size_t)((e->start - p->from) / OV_DAY_SECONDS);
			if (e->reopened)
				days[dd].reopened++;
			else
				days[dd].opened++;
			delta[dd]++;
		}
		if (e->start < p->from && (e->end == 0 || e->end >= p->from))
			p->open_start++;
		if (e->end != 0 && e->end < p->from)
			delta[0]--;
		else if (e->end != 0 && e->end < p->to) {
			dd = (size_t)((e->end - p->from) / OV_DAY_SECONDS);
			if (e->resolved)
				days[dd].resolved++;
			delta[dd]--;
		}
		if (e->start >= p->from && e->start < p->to && e->reopened)
			p->reopened++;
		else if (e->start >= p->from && e->start < p->to)
			p->opened++;
	}
	for (i = 0, open = 0; i < p->n_days; i++) {
		open += delta[i];
		days[i].day = p->from + (int64_t)i * OV_DAY_SECONDS;
		days[i].open = open > 0 ? (size_t)open : 0;
	}
	p->days = g->days = days;
	p->duties = rows;
	p->n_duties = nr;
	memset(&sc, 0, sizeof(sc));
	sc.g = g;
	sc.rows = rows;
	sc.n = nr;
	params[0] = last_scan;
	error = ov_store__query(ld->s, "SELECT duty, sla_critical, sla_high, "
	    "rpo, rto, restore_window FROM scan_duties WHERE scan_id = "
	    "CAST($1 AS BIGINT)", 1, params, sla_row, &sc);
done:
	if (error == OV_ENOMEM)
		error = ov__error_oom(ld->s->ctx);
	ov__free(keys);
	ov__free(ttr);
	ov__free(all_ttr);
	ov__free(delta);
	return error;
}

/* --- overdue ------------------------------------------------------------ */

static int
cmp_overdue(const void *pa, const void *pb)
{
	const ov_governance_overdue *a = pa, *b = pb;
	int c;

	if (a->days_late != b->days_late)
		return a->days_late > b->days_late ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((c = strcmp(a->rule, b->rule)) != 0)
		return c;
	return strcmp(a->fingerprint, b->fingerprint);
}

static int
overdue(struct load *ld)
{
	ov_governance *p = &ld->g->pub;
	ov_governance_overdue *o;
	int64_t t = p->as_of;
	size_t i, n = 0;

	o = ov__arena_calloc(&ld->g->arena, ld->ne + 1, sizeof(*o));
	if (o == NULL)
		return ov__error_oom(ld->s->ctx);
	for (i = 0; i < ld->ne; i++) {
		const struct episode *e = &ld->ep[i];
		const struct fmeta *m = &ld->f[e->fi];

		if (!(e->start <= t && (e->end == 0 || e->end > t)) ||
		    e->due >= t)
			continue;
		o[n].fingerprint = m->fingerprint;
		o[n].rule = m->rule;
		o[n].title = m->title;
		o[n].resource_id = m->resource_id;
		o[n].duty = m->duty;
		o[n].responsible = m->responsible;
		o[n].accountable = m->accountable;
		o[n].severity = m->severity;
		o[n].opened = e->start;
		o[n].due = e->due;
		o[n].days_late = (t - e->due + OV_DAY_SECONDS - 1) /
		    OV_DAY_SECONDS;
		n++;
	}
	qsort(o, n, sizeof(*o), cmp_overdue);
	p->overdue = o;
	p->n_overdue = n;
	return 0;
}

/* --- evidence of the last scan ----------------------------------------- */

/* A growable array of rows in the arena-backed report. */
struct rows {
	struct gov	*g;		/* the report */
	void		*v;		/* heap array, moved to the arena */
	size_t		 n, cap;	/* used, allocated */
	size_t		 size;		/* element size */
	int64_t		 aux;		/* per-query value */
	struct ov_map	 seen;		/* keys already taken */
};

static void *
next_row(struct rows *r)
{
	if (grow(&r->v, &r->cap, r->n, r->size) < 0)
		return NULL;
	memset((char *)r->v + r->n * r->size, 0, r->size);
	return (char *)r->v + r->n++ * r->size;
}

/* Copy the rows into the arena; returns them (NULL when none). */
static void *
settle(struct rows *r)
{
	void *a = NULL;

	if (r->n > 0 && (a = ov__arena_alloc(&r->g->arena, r->n * r->size)) !=
	    NULL)
		memcpy(a, r->v, r->n * r->size);
	ov__free(r->v);
	r->v = NULL;
	ov__map_free(&r->seen);
	return a;
}

static int
exception_row(void *payload, int ncols, const char *const *v)
{
	struct rows *r = payload;
	ov_governance *p = &r->g->pub;
	ov_governance_exception *e;
	int64_t exp;

	if (ncols < 7)
		return OV_ESTORE;
	exp = ov_store__to_i64(v[6]);
	if ((e = next_row(r)) == NULL)
		return OV_ENOMEM;
	e->origin = keep(r->g, v[0]);
	e->rule = keep(r->g, v[1]);
	e->resource = keep(r->g, v[2]);
	e->justification = keep(r->g, v[3]);
	e->approver = keep(r->g, v[4]);
	e->ticket = keep(r->g, v[5]);
	e->expires = exp;
	e->expired = exp != 0 && exp <= p->as_of;
	e->expiring = exp > p->as_of && exp <= p->as_of + EXPIRING_WINDOW;
	return 0;
}

static int
restore_row(void *payload, int ncols, const char *const *v)
{
	struct rows *r = payload;
	ov_governance_restore *x;
	int64_t started;

	if (ncols < 6 || v[0] == NULL)
		return OV_ESTORE;
	started = ov_store__to_i64(v[4]);
	/* the same job is in every scan that saw it: keep the first */
	if (ov__map_get(&r->seen, v[0], strlen(v[0])) != NULL)
		return 0;
	if ((x = next_row(r)) == NULL)
		return OV_ENOMEM;
	x->vault = keep(r->g, v[1]);
	x->item = keep(r->g, v[2]);
	x->status = keep(r->g, v[3]);
	x->started = started;
	x->duration = ov_store__to_i64(v[5]);
	x->ok = v[3] != NULL && (ov__streq_ci(v[3], "Completed") ||
	    ov__streq_ci(v[3], "CompletedWithWarnings"));
	x->within_rto = x->ok && x->duration > 0 && (r->g->pub.rto == 0 ||
	    x->duration <= r->g->pub.rto);
	{
		const char *k = keep(r->g, v[0]);

		if (k == NULL || ov__map_put(&r->seen, k, strlen(k),
		    (void *)1) < 0)
			return OV_ENOMEM;
	}
	return 0;
}

static int
vault_row(void *payload, int ncols, const char *const *v)
{
	struct rows *r = payload;
	ov_governance_vault *x;

	if (ncols < 3)
		return OV_ESTORE;
	if ((x = next_row(r)) == NULL)
		return OV_ENOMEM;
	x->vault = keep(r->g, v[0] != NULL ? v[0] : "(unknown vault)");
	x->items = (size_t)ov_store__to_i64(v[1]);
	x->within_rpo = (size_t)ov_store__to_i64(v[2]);
	return 0;
}

static int
policy_row(void *payload, int ncols, const char *const *v)
{
	struct rows *r = payload;
	ov_governance_policy *x;

	if (ncols < 5)
		return OV_ESTORE;
	if ((x = next_row(r)) == NULL)
		return OV_ENOMEM;
	x->assignment = keep(r->g, v[0]);
	x->control = keep(r->g, v[1]);
	x->effect = keep(r->g, v[2]);
	x->enforced = ov_store__to_i64(v[3]) != 0;
	x->must_deny = ov_store__to_i64(v[4]) != 0;
	return 0;
}

static int
answer_row(void *payload, int ncols, const char *const *v)
{
	struct rows *r = payload;
	ov_governance_answer *x;

	if (ncols < 7)
		return OV_ESTORE;
	if ((x = next_row(r)) == NULL)
		return OV_ENOMEM;
	x->id = keep(r->g, v[0]);
	x->question = keep(r->g, v[1]);
	x->duty = keep(r->g, v[2]);
	x->status = keep(r->g, v[3]);
	x->answer = keep(r->g, v[4]);
	x->evidence = keep(r->g, v[5]);
	x->gaps = keep(r->g, v[6]);
	return 0;
}

/*
 * Orders in C, not in SQL: PostgreSQL sorts text by its collation, SQLite
 * bytewise, and the report must be the same on both.
 */
static int
cmp_s(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
cmp_exception(const void *pa, const void *pb)
{
	const ov_governance_exception *a = pa, *b = pb;
	int c;

	if ((a->expires == 0) != (b->expires == 0))
		return a->expires == 0 ? 1 : -1;
	if (a->expires != b->expires)
		return a->expires < b->expires ? -1 : 1;
	if ((c = cmp_s(a->origin, b->origin)) != 0 ||
	    (c = cmp_s(a->rule, b->rule)) != 0)
		return c;
	return cmp_s(a->resource, b->resource);
}

static int
cmp_restore(const void *pa, const void *pb)
{
	const ov_governance_restore *a = pa, *b = pb;
	int c;

	if (a->started != b->started)
		return a->started > b->started ? -1 : 1;
	if ((c = cmp_s(a->vault, b->vault)) != 0)
		return c;
	return cmp_s(a->item, b->item);
}

static int
cmp_vault(const void *pa, const void *pb)
{
	return cmp_s(((const ov_governance_vault *)pa)->vault,
	    ((const ov_governance_vault *)pb)->vault);
}

static int
cmp_policy(const void *pa, const void *pb)
{
	const ov_governance_policy *a = pa, *b = pb;
	int c;

	if (a->must_deny != b->must_deny)
		return a->must_deny ? -1 : 1;
	if ((c = cmp_s(a->assignment, b->assignment)) != 0)
		return c;
	return cmp_s(a->control, b->control);
}

static int
cmp_answer(const void *pa, const void *pb)
{
	return cmp_s(((const ov_governance_answer *)pa)->id,
	    ((const ov_governance_answer *)pb)->id);
}

/* Run a query into a rows array; OV_ENOMEM from a callback is reported. */
static int
fill(struct ov_store *s, struct rows *r, size_t size, const char *sql,
    int np, const char *const *params, ov_store__row_cb cb,
    int (*cmp)(const void *, const void *))
{
	int error;

	r->size = size;
	error = ov_store__query(s, sql, np, params, cb, r);
	if (error == OV_ENOMEM)
		return ov__error_oom(s->ctx);
	if (error == 0 && r->n > 1)
		qsort(r->v, r->n, size, cmp);
	return error;
}

static int
evidence(struct load *ld, const char *last, const char *tenant)
{
	struct gov *g = ld->g;
	ov_governance *p = &g->pub;
	ov_governance_vault *vaults;
	struct rows r;
	const char *params[4];
	char fb[24], tb[24], lb[24], wb[24];
	size_t i, j;
	int error;

	memset(&r, 0, sizeof(r));
	r.g = g;
	params[0] = last;
	params[1] = ov_store__i64(fb, p->as_of);
	if ((error = fill(ld->s, &r, sizeof(ov_governance_exception),
	    "SELECT origin, rule, resource, justification, approver, ticket, "
	    "expires FROM scan_exceptions WHERE scan_id = CAST($1 AS BIGINT) "
	    "ORDER BY CASE WHEN expires = 0 THEN 1 ELSE 0 END, expires, "
	    "origin, rule, resource", 1, params, exception_row,
	    cmp_exception)) < 0)
		goto fail;
	p->n_exceptions = r.n;
	p->exceptions = settle(&r);
	memset(&r, 0, sizeof(r));
	r.g = g;
	/* restore jobs seen in the period, started within the test window */
	params[0] = tenant;
	params[1] = ov_store__i64(fb, p->from);
	params[2] = ov_store__i64(tb, p->to);
	params[3] = ov_store__i64(wb, p->as_of - (p->restore_window > 0 ?
	    p->restore_window : 90 * (int64_t)OV_DAY_SECONDS));
	if ((error = fill(ld->s, &r, sizeof(ov_governance_restore),
	    "SELECT r.job_id, r.vault, r.item, r.status, r.started_at, "
	    "r.duration FROM restore_tests r JOIN scans s ON s.id = r.scan_id "
	    "WHERE s.tenant = $1 AND s.collected_at >= CAST($2 AS BIGINT) AND "
	    "s.collected_at < CAST($3 AS BIGINT) AND "
	    "r.started_at >= CAST($4 AS BIGINT) ORDER BY r.started_at DESC, "
	    "r.job_id, s.id DESC", 4, params, restore_row, cmp_restore)) < 0)
		goto fail;
	p->n_restores = r.n;
	p->restores = settle(&r);
	memset(&r, 0, sizeof(r));
	r.g = g;
	params[0] = last;
	params[1] = ov_store__i64(lb, p->last_scan - (p->rpo > 0 ? p->rpo :
	    (int64_t)OV_DAY_SECONDS));
	if ((error = fill(ld->s, &r, sizeof(ov_governance_vault),
	    "SELECT vault, count(*), sum(CASE WHEN last_backup <> 0 AND "
	    "last_backup >= CAST($2 AS BIGINT) THEN 1 ELSE 0 END) FROM "
	    "backup_items WHERE scan_id = CAST($1 AS BIGINT) GROUP BY vault "
	    "ORDER BY vault", 2, params, vault_row, cmp_vault)) < 0)
		goto fail;
	p->n_vaults = r.n;
	p->vaults = vaults = settle(&r);
	/* each vault's newest successful restore, from every scan */
	for (i = 0; i < p->n_vaults; i++) {
		ov_governance_vault *v = &vaults[i];

		for (j = 0; j < p->n_restores; j++) {
			const ov_governance_restore *x = &p->restores[j];

			if (!x->ok || x->vault == NULL ||
			    strcmp(x->vault, v->vault) != 0 ||
			    x->started <= v->last_ok)
				continue;
			v->last_ok = x->started;
			v->last_duration = x->duration;
			v->within_rto = x->within_rto;
		}
		v->tested = v->last_ok != 0;
	}
	memset(&r, 0, sizeof(r));
	r.g = g;
	params[0] = last;
	if ((error = fill(ld->s, &r, sizeof(ov_governance_policy),
	    "SELECT assignment, control, effect, enforced, must_deny FROM "
	    "policy_coverage WHERE scan_id = CAST($1 AS BIGINT) ORDER BY "
	    "must_deny DESC, assignment, control", 1, params,
	    policy_row, cmp_policy)) < 0)
		goto fail;
	p->n_policies = r.n;
	p->policies = settle(&r);
	memset(&r, 0, sizeof(r));
	r.g = g;
	if ((error = fill(ld->s, &r, sizeof(ov_governance_answer),
	    "SELECT qid, question, duty, status, answer, evidence, gaps FROM "
	    "contract_answers WHERE scan_id = CAST($1 AS BIGINT) ORDER BY "
	    "qid", 1, params, answer_row, cmp_answer)) < 0)
		goto fail;
	p->n_answers = r.n;
	p->answers = settle(&r);
	return 0;
fail:
	(void)settle(&r);
	return error;
}

/* --- the framework view ------------------------------------------------ */

struct tally_ctx {
	ov_rule_tally	*t;		/* per rule */
	size_t		 n, cap;	/* used, allocated */
	struct gov	*g;		/* for strings */
};

static int
indet_row(void *payload, int ncols, const char *const *v)
{
	struct tally_ctx *tc = payload;
	ov_rule_tally *t;

	if (ncols < 2 || v[0] == NULL)
		return OV_ESTORE;
	if (grow((void **)&tc->t, &tc->cap, tc->n, sizeof(*tc->t)) < 0)
		return OV_ENOMEM;
	t = &tc->t[tc->n++];
	memset(t, 0, sizeof(*t));
	if ((t->rule = keep(tc->g, v[0])) == NULL)
		return OV_ENOMEM;
	t->indeterminate = (size_t)ov_store__to_i64(v[1]);
	return 0;
}

/*
 * Per control: failed when a mapped rule has a finding open at the report
 * time, indeterminate when the last scan could not decide one, otherwise
 * "no open findings" (the store keeps findings, not passes).
 */
static int
compliance(struct load *ld, const ov_framework *fw, const char *last)
{
	struct gov *g = ld->g;
	ov_governance *p = &g->pub;
	struct tally_ctx tc;
	ov_compliance *c = NULL, *copy;
	ov_control_result *ctl;
	const char *params[1];
	size_t i, k;
	int error;

	memset(&tc, 0, sizeof(tc));
	tc.g = g;
	params[0] = last;
	if ((error = ov_store__query(ld->s, "SELECT rule, count(*) FROM "
	    "observations WHERE scan_id = CAST($1 AS BIGINT) AND result = "
	    "'indeterminate' GROUP BY rule ORDER BY rule", 1, params,
	    indet_row, &tc)) < 0)
		goto done;
	for (i = 0; i < ld->ne; i++) {
		const struct episode *e = &ld->ep[i];
		const char *rule = ld->f[e->fi].rule;

		if (!(e->start <= p->as_of && (e->end == 0 ||
		    e->end > p->as_of)))
			continue;
		for (k = 0; k < tc.n && strcmp(tc.t[k].rule, rule) != 0; k++)
			;
		if (k == tc.n) {
			if (grow((void **)&tc.t, &tc.cap, tc.n,
			    sizeof(*tc.t)) < 0) {
				error = OV_ENOMEM;
				goto done;
			}
			memset(&tc.t[tc.n], 0, sizeof(*tc.t));
			tc.t[tc.n++].rule = rule;
		}
		tc.t[k].failed++;
	}
	if ((error = ov_framework_compliance(fw, tc.t, tc.n, &c)) < 0)
		goto done;
	copy = ov__arena_calloc(&g->arena, 1, sizeof(*copy));
	ctl = ov__arena_calloc(&g->arena, c->n_controls + 1, sizeof(*ctl));
	if (copy == NULL || ctl == NULL) {
		error = OV_ENOMEM;
		goto done;
	}
	copy->id = keep(g, c->id);
	copy->title = keep(g, c->title);
	for (i = 0; i < c->n_controls; i++) {
		const ov_control_result *r = &c->controls[i];
		const char **rules = ov__arena_calloc(&g->arena, r->n_rules + 1,
		    sizeof(*rules));

		if (rules == NULL) {
			error = OV_ENOMEM;
			goto done;
		}
		ctl[i] = *r;
		ctl[i].id = keep(g, r->id);
		ctl[i].title = keep(g, r->title);
		ctl[i].status = strcmp(r->status, "not-applicable") == 0 ||
		    strcmp(r->status, "passed") == 0 ? "no open findings" :
		    r->status;
		for (k = 0; k < r->n_rules; k++)
			rules[k] = keep(g, r->rules[k]);
		ctl[i].rules = rules;
	}
	copy->controls = ctl;
	copy->n_controls = c->n_controls;
	p->compliance = copy;
done:
	if (error == OV_ENOMEM)
		error = ov__error_oom(ld->s->ctx);
	ov_compliance_free(c);
	ov__free(tc.t);
	return error;
}

/* --- the entry point --------------------------------------------------- */

/* Build the governance report. */
int
ov_store_governance(ov_store *s, const ov_governance_options *o,
    ov_governance **out)
{
	struct load ld;
	struct scans_ctx sc;
	struct gov *g;
	ov_governance *p;
	const char *params[3];
	char fb[24], tb[24], lb[24];
	int64_t now;
	size_t i;
	int error;

	OV_ASSERT_ARG(s != NULL && o != NULL && out != NULL);
	*out = NULL;
	if (o->version != OV_GOVERNANCE_OPTIONS_VERSION || o->to <= o->from)
		return ov__error(s->ctx, OV_EINVALID, OV_ERRCLASS_STORE,
		    "invalid report period");
	if ((o->to - o->from) / OV_DAY_SECONDS > MAX_DAYS)
		return ov__error(s->ctx, OV_EINVALID, OV_ERRCLASS_STORE,
		    "report period longer than %d days", MAX_DAYS);
	if ((g = ov__calloc(1, sizeof(*g))) == NULL)
		return ov__error_oom(s->ctx);
	ov__arena_init(&g->arena, 0, 0);
	p = &g->pub;
	memset(&ld, 0, sizeof(ld));
	memset(&sc, 0, sizeof(sc));
	ld.s = s;
	ld.g = g;
	p->from = o->from;
	p->to = o->to;
	p->label = keep(g, o->label);
	p->title = keep(g, o->title);
	p->tool_version = OV_VERSION;
	now = ov_ctx_now(s->ctx);
	p->as_of = now >= o->from && now < o->to ? now : o->to;
	p->n_days = (size_t)((o->to - o->from + OV_DAY_SECONDS - 1) /
	    OV_DAY_SECONDS);
	if (o->tenant != NULL)
		p->tenant = keep(g, o->tenant);
	else if ((error = ov_store__query(s, "SELECT DISTINCT tenant FROM "
	    "scans ORDER BY tenant", 0, NULL, tenant_row, &ld)) != 0) {
		if (error == 1)
			error = ov__error(s->ctx, OV_EINVALID,
			    OV_ERRCLASS_STORE, "the store holds several "
			    "tenants; name one with --tenant");
		goto fail;
	}
	if (p->tenant == NULL) {
		error = ov__error(s->ctx, OV_ENOTFOUND, OV_ERRCLASS_STORE,
		    "the store holds no scan");
		goto fail;
	}
	params[0] = p->tenant;
	params[1] = ov_store__i64(fb, o->from);
	params[2] = ov_store__i64(tb, o->to);
	sc.g = g;
	if ((sc.scanned = ov__calloc(p->n_days + 1, sizeof(bool))) == NULL) {
		error = ov__error_oom(s->ctx);
		goto fail;
	}
	if ((error = ov_store__query(s, "SELECT id, collected_at, complete "
	    "FROM scans WHERE tenant = $1 AND collected_at >= "
	    "CAST($2 AS BIGINT) AND collected_at < CAST($3 AS BIGINT) "
	    "ORDER BY collected_at, id", 3, params, scan_row, &sc)) < 0)
		goto fail;
	if (p->n_scans == 0) {
		error = ov__error(s->ctx, OV_ENOTFOUND, OV_ERRCLASS_STORE,
		    "no scan of tenant %s recorded in %s", p->tenant,
		    p->label != NULL ? p->label : "the period");
		goto fail;
	}
	ov_store__i64(lb, sc.last_id);
	if ((error = ov_store__query(s, "SELECT fingerprint, rule, title, "
	    "severity, resource_id, duty, responsible, accountable FROM "
	    "findings WHERE tenant = $1", 1, params, meta_row, &ld)) < 0)
		goto fail;
	if (ld.nf > 1)
		qsort(ld.f, ld.nf, sizeof(*ld.f), cmp_meta);
	params[1] = params[2];		/* $1 tenant, $2 the period's end */
	if ((error = ov_store__query(s, "SELECT e.fingerprint, e.at, "
	    "e.from_state, e.to_state FROM events e JOIN findings f ON "
	    "f.fingerprint = e.fingerprint WHERE f.tenant = $1 AND "
	    "e.at < CAST($2 AS BIGINT) ORDER BY e.fingerprint, e.at, e.id", 2,
	    params, event_row, &ld)) < 0)
		goto fail;
	/* SQL sorts by collation; the merge below needs strcmp order */
	if (ld.ne > 1)
		qsort(ld.ep, ld.ne, sizeof(*ld.ep), cmp_episode);
	if ((error = ov_store__query(s, "SELECT o.fingerprint, s.collected_at, "
	    "o.due FROM observations o JOIN scans s ON s.id = o.scan_id "
	    "WHERE s.tenant = $1 AND s.collected_at < CAST($2 AS BIGINT) AND "
	    "o.result = 'non-compliant'", 2, params, obs_row, &ld)) < 0)
		goto fail;
	if ((error = group(&ld, lb)) < 0 || (error = overdue(&ld)) < 0 ||
	    (error = evidence(&ld, lb, p->tenant)) < 0)
		goto fail;
	for (i = 0; i < p->n_days; i++)
		g->days[i].scanned = sc.scanned[i];
	if (o->framework != NULL &&
	    (error = compliance(&ld, o->framework, lb)) < 0)
		goto fail;
	ov__free(ld.f);
	ov__free(ld.ep);
	ov__free(sc.scanned);
	*out = p;
	return 0;
fail:
	if (error == OV_ENOMEM)
		error = ov__error_oom(s->ctx);
	ov__free(ld.f);
	ov__free(ld.ep);
	ov__free(sc.scanned);
	ov_governance_free(p);
	return error;
}

/* Release a report. */
void
ov_governance_free(ov_governance *p)
{
	struct gov *g = (struct gov *)p;

	if (g == NULL)
		return;
	ov__arena_free(&g->arena);
	ov__free(g);
}
