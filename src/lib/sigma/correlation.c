/* SPDX-License-Identifier: MIT */
/*
 * Correlation rules: event_count, value_count, temporal and
 * temporal_ordered over a timespan, per group-by key.
 *
 * Each group keeps the matches of its base rules sorted by event time, so
 * the order in which events arrive does not matter: after each insertion
 * every window [s, s + timespan] that starts at a match within one
 * timespan before the new one is examined, which finds any satisfying
 * window when its last member arrives, whatever the order.  A group
 * reports its earliest satisfying window, so the result does not depend
 * on the order either.
 *
 * State is bounded: at most MAX_PER_GROUP matches per group (the one
 * farthest in time from the newest arrival goes first) and MAX_ENTRIES
 * in all (then matches older than the newest event time minus the
 * timespan and LATENESS are dropped).  Dropped matches are counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sigma/sigma_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#define MAX_PER_GROUP	4096
#define MAX_ENTRIES	(1u << 22)
#define LATENESS	86400		/* seconds kept beyond a timespan */

struct entry {
	int64_t		 t;		/* event time */
	uint64_t	 vh;		/* value_count: hash of the value */
	uint32_t	 ref;		/* index in the correlation's refs */
	uint64_t	 line;		/* where the event is */
	const char	*file;
};

struct group {
	char		*key;		/* "field=value, ..." (heap) */
	struct entry	*e;		/* sorted by t */
	size_t		 n, cap;
	bool		 fired;
	int64_t		 start;		/* earliest satisfying window */
	const char	*file;		/* its first event */
	uint64_t	 line;
};

struct cstate {
	const struct sig_rule *c;
	int		 rule;		/* index of the correlation */
	struct ov_map	 groups;	/* key -> group */
	struct group	**list;		/* every group */
	size_t		 n_list, cap_list;
};

struct sig_corr {
	const struct ov_sigma_rules *rs;
	struct cstate	*st;		/* one per correlation rule */
	size_t		 n_st;
	int		**by_base;	/* base rule -> cstate indexes, -1 end */
	size_t		 entries;	/* in all groups */
	int64_t		 max_t;		/* newest event time seen */
	struct sig_fired *fired;	/* built by ov_sigma__corr_fired */
	size_t		 n_fired;
	struct ov_arena	 arena;		/* file names */
	uint64_t	*hc;		/* value_count scratch: hashes */
	uint32_t	*hn;		/* and their counts */
	size_t		 hcap;
};

/* Create the state for every correlation rule of rs. */
int
ov_sigma__corr_new(struct sig_corr **out, const struct ov_sigma_rules *rs)
{
	struct sig_corr *C;
	size_t i, k, n = 0;

	*out = NULL;
	if ((C = ov__calloc(1, sizeof(*C))) == NULL)
		return OV_ENOMEM;
	C->rs = rs;
	ov__arena_init(&C->arena, 0, 0);
	for (i = 0; i < rs->n_rules; i++)
		n += rs->rules[i].is_correlation && !rs->rules[i].dropped;
	if ((C->st = ov__calloc(n + 1, sizeof(*C->st))) == NULL ||
	    (C->by_base = ov__calloc(rs->n_rules + 1,
	    sizeof(*C->by_base))) == NULL)
		goto oom;
	for (i = 0; i < rs->n_rules; i++) {
		const struct sig_rule *r = &rs->rules[i];

		if (!r->is_correlation || r->dropped)
			continue;
		C->st[C->n_st].c = r;
		C->st[C->n_st].rule = (int)i;
		C->st[C->n_st].groups.cs = true;
		for (k = 0; k < r->n_refs; k++) {
			int b = r->ref_rules[k], *l = C->by_base[b], *nl;
			size_t len = 0;

			while (l != NULL && l[len] >= 0)
				len++;
			if ((nl = ov__reallocarray(l, len + 2,
			    sizeof(int))) == NULL)
				goto oom;
			nl[len] = (int)C->n_st;
			nl[len + 1] = -1;
			C->by_base[b] = nl;
		}
		C->n_st++;
	}
	*out = C;
	return 0;
oom:
	ov_sigma__corr_free(C);
	return OV_ENOMEM;
}

/* Release the state. */
void
ov_sigma__corr_free(struct sig_corr *C)
{
	size_t i, k;

	if (C == NULL)
		return;
	for (i = 0; i < C->n_st; i++) {
		for (k = 0; k < C->st[i].n_list; k++) {
			ov__free(C->st[i].list[k]->key);
			ov__free(C->st[i].list[k]->e);
			ov__free(C->st[i].list[k]);
		}
		ov__free(C->st[i].list);
		ov__map_free(&C->st[i].groups);
	}
	if (C->by_base != NULL)
		for (i = 0; i < C->rs->n_rules; i++)
			ov__free(C->by_base[i]);
	ov__free(C->by_base);
	ov__free(C->st);
	ov__free(C->fired);
	ov__free(C->hc);
	ov__free(C->hn);
	ov__arena_free(&C->arena);
	ov__free(C);
}

/* The group key of the current event for correlation c (base rule b). */
static int
group_key(struct sig_mctx *m, const struct sig_rule *c, struct ov_buf *b)
{
	size_t g, k, n, i;
	const char *t;

	ov__buf_clear(b);
	for (g = 0; g < c->n_group_by; g++) {
		int f = ov_sigma__field(m->ls, c->group_by[g]);
		const struct sig_cache_ent *e = ov_sigma__field_values(m, f);

		if (ov__buf_printf(b, "%s%s=", g != 0 ? ", " : "",
		    c->group_by[g]) < 0)
			return OV_ENOMEM;
		for (k = 0; k < e->n; k++) {
			if ((t = ov_sigma__scalar_text(m, e->v[k], &n)) == NULL)
				continue;
			if (k != 0 && ov__buf_putc(b, '|') < 0)
				return OV_ENOMEM;
			for (i = 0; i < n; i++)
				if (ov__buf_putc(b, (char)(t[i] >= 'A' &&
				    t[i] <= 'Z' ? t[i] + 32 : t[i])) < 0)
					return OV_ENOMEM;
		}
	}
	return ov__buf_add(b, "", 0);
}

/* Hash of the value_count field's values in the current event. */
static bool
value_hash(struct sig_mctx *m, const struct sig_rule *c, uint64_t *out)
{
	int f = ov_sigma__field(m->ls, c->value_field);
	const struct sig_cache_ent *e = ov_sigma__field_values(m, f);
	const char *t;
	size_t n;

	if (e->n == 0 || (t = ov_sigma__scalar_text(m, e->v[0], &n)) == NULL)
		return false;
	*out = ov__hash_ci(t, n);
	return true;
}

/* Find or create the group for key. */
static struct group *
get_group(struct cstate *S, const char *key, size_t klen)
{
	struct group *g;
	void *x;

	/* keys are case-sensitive: one map entry per exact key */
	if ((g = ov__map_get(&S->groups, key, klen)) != NULL)
		return g;
	if ((g = ov__calloc(1, sizeof(*g))) == NULL ||
	    (g->key = ov__strndup(key, klen)) == NULL)
		goto oom;
	if (S->n_list == S->cap_list) {
		size_t cap = S->cap_list != 0 ? S->cap_list * 2 : 16;

		if ((x = ov__reallocarray(S->list, cap,
		    sizeof(*S->list))) == NULL)
			goto oom;
		S->list = x;
		S->cap_list = cap;
	}
	if (ov__map_put(&S->groups, g->key, klen, g) < 0)
		goto oom;
	S->list[S->n_list++] = g;
	return g;
oom:
	if (g != NULL)
		ov__free(g->key);
	ov__free(g);
	return NULL;
}

/* Insert e into g in time order (stable: after equal times). */
static int
insert(struct group *g, const struct entry *e)
{
	size_t i;
	void *x;

	if (g->n == g->cap) {
		size_t cap = g->cap != 0 ? g->cap * 2 : 8;

		if ((x = ov__reallocarray(g->e, cap, sizeof(*g->e))) == NULL)
			return OV_ENOMEM;
		g->e = x;
		g->cap = cap;
	}
	i = g->n;
	while (i > 0 && g->e[i - 1].t > e->t)
		i--;
	memmove(&g->e[i + 1], &g->e[i], (g->n - i) * sizeof(*g->e));
	g->e[i] = *e;
	g->n++;
	return 0;
}

/* Drop entry i of g. */
static void
drop(struct sig_corr *C, struct group *g, size_t i)
{
	memmove(&g->e[i], &g->e[i + 1], (g->n - i - 1) * sizeof(*g->e));
	g->n--;
	C->entries--;
}

/* Distinct values among entries [a, b) of g. */
static size_t
distinct(struct sig_corr *C, const struct group *g, size_t a, size_t b)
{
	size_t need = 16, i, d = 0, h;

	while (need < 2 * (b - a))
		need *= 2;
	if (need > C->hcap) {
		ov__free(C->hc);
		ov__free(C->hn);
		C->hc = ov__calloc(need, sizeof(*C->hc));
		C->hn = ov__calloc(need, sizeof(*C->hn));
		C->hcap = C->hc != NULL && C->hn != NULL ? need : 0;
		if (C->hcap == 0)
			return 0;
	}
	memset(C->hn, 0, need * sizeof(*C->hn));
	for (i = a; i < b; i++) {
		h = (size_t)g->e[i].vh & (need - 1);
		while (C->hn[h] != 0 && C->hc[h] != g->e[i].vh)
			h = (h + 1) & (need - 1);
		if (C->hn[h] == 0) {
			C->hc[h] = g->e[i].vh;
			d++;
		}
		C->hn[h]++;
	}
	return d;
}

/* True when entries [a, b) hold every ref (in order when ordered). */
static bool
temporal_ok(const struct sig_rule *c, const struct group *g, size_t a,
    size_t b, bool ordered)
{
	uint64_t seen = 0, all = c->n_refs >= 64 ? ~0ull :
	    ((1ull << c->n_refs) - 1);
	size_t i, next = 0;

	for (i = a; i < b; i++) {
		if (ordered) {
			if (g->e[i].ref == next && ++next == c->n_refs)
				return true;
		} else {
			seen |= 1ull << (g->e[i].ref & 63);
		}
	}
	return !ordered && (seen & all) == all;
}

/* Does the count satisfy the correlation's comparison? */
static bool
compare(const struct sig_rule *c, double n)
{
	switch (c->cmp) {
	case SIG_OP_GT: return n > c->threshold;
	case SIG_OP_GTE: return n >= c->threshold;
	case SIG_OP_EQ: return n == c->threshold;
	default: return false;
	}
}

/* Examine the windows that may include time t. */
static void
evaluate(struct sig_corr *C, const struct sig_rule *c, struct group *g,
    int64_t t)
{
	size_t i, j = 0;
	double n;

	for (i = 0; i < g->n; i++) {
		int64_t s = g->e[i].t;

		if (s < t - c->timespan)
			continue;
		if (s > t)
			break;
		if (g->fired && g->start <= s)
			break;		/* no earlier window from here */
		if (j < i)
			j = i;
		while (j < g->n && g->e[j].t <= s + c->timespan)
			j++;
		switch (c->ctype) {
		case SIG_CORR_EVENT_COUNT:
			n = (double)(j - i);
			break;
		case SIG_CORR_VALUE_COUNT:
			n = (double)distinct(C, g, i, j);
			break;
		default:
			n = temporal_ok(c, g, i, j, c->ctype ==
			    SIG_CORR_TEMPORAL_ORDERED) ? c->threshold : -1;
			break;
		}
		if (compare(c, n)) {
			g->fired = true;
			g->start = s;
			g->file = g->e[i].file;
			g->line = g->e[i].line;
			break;
		}
	}
}

/* Keep the state bounded: drop matches far behind the newest time. */
static void
sweep(struct sig_corr *C, int64_t lateness, uint64_t *late)
{
	size_t s, k, i;

	for (s = 0; s < C->n_st; s++) {
		const struct sig_rule *c = C->st[s].c;

		for (k = 0; k < C->st[s].n_list; k++) {
			struct group *g = C->st[s].list[k];

			for (i = 0; i < g->n && g->e[i].t < C->max_t -
			    c->timespan - lateness; i++)
				;
			if (i == 0)
				continue;
			memmove(g->e, g->e + i, (g->n - i) * sizeof(*g->e));
			g->n -= i;
			C->entries -= i;
			*late += i;
		}
	}
}

/* The correlation states base rule ri feeds, -1 ended; NULL for none. */
const int *
ov_sigma__corr_targets(const struct sig_corr *C, int ri)
{
	return C->by_base[ri];
}

/*
 * The group key and (value_count) value hash of the current event of m
 * for correlation state cs.  Returns 1 when the event counts, 0 when it
 * has no value for value_count, or OV_ENOMEM.
 */
int
ov_sigma__corr_key(const struct sig_corr *C, int cs, struct sig_mctx *m,
    struct ov_buf *key, uint64_t *vh)
{
	const struct sig_rule *c = C->st[cs].c;

	*vh = 0;
	if (c->ctype == SIG_CORR_VALUE_COUNT && !value_hash(m, c, vh))
		return 0;
	return group_key(m, c, key) < 0 ? OV_ENOMEM : 1;
}

/* Feed one base-rule match into correlation state cs, by its key. */
int
ov_sigma__corr_feed_key(struct sig_corr *C, int cs, int ri, int64_t t,
    const char *key, size_t klen, uint64_t vh, const char *file,
    uint64_t line, uint64_t *late)
{
	struct cstate *S = &C->st[cs];
	const struct sig_rule *c = S->c;
	struct group *g;
	struct entry e;
	size_t k, far;
	int error;

	if (t > C->max_t)
		C->max_t = t;
	memset(&e, 0, sizeof(e));
	e.t = t;
	e.line = line;
	e.file = file;
	e.vh = vh;
	for (k = 0; k < c->n_refs; k++)
		if (c->ref_rules[k] == ri)
			e.ref = (uint32_t)k;
	if ((g = get_group(S, key, klen)) == NULL)
		return OV_ENOMEM;
	if (g->n == MAX_PER_GROUP) {
		/* Drop the match farthest in time from this one. */
		far = llabs(g->e[0].t - t) >= llabs(g->e[g->n - 1].t - t) ?
		    0 : g->n - 1;
		drop(C, g, far);
		(*late)++;
	}
	if ((error = insert(g, &e)) < 0)
		return error;
	C->entries++;
	evaluate(C, c, g, t);
	if (C->entries > MAX_ENTRIES) {
		sweep(C, LATENESS, late);
		if (C->entries > MAX_ENTRIES / 4 * 3)
			sweep(C, 0, late);
	}
	return 0;
}

/* Feed one base-rule match of the current event of m. */
int
ov_sigma__corr_feed(struct sig_corr *C, struct sig_mctx *m, int ri,
    int64_t t, const char *file, uint64_t line, uint64_t *late)
{
	struct ov_buf key = OV_BUF_INIT(1 << 16);
	const int *l = C->by_base[ri];
	uint64_t vh;
	int error = 0, rc;

	for (; l != NULL && *l >= 0 && error == 0; l++) {
		if ((rc = ov_sigma__corr_key(C, *l, m, &key, &vh)) <= 0) {
			error = rc;
			continue;
		}
		error = ov_sigma__corr_feed_key(C, *l, ri, t, key.ptr, key.len,
		    vh, file, line, late);
	}
	ov__buf_free(&key);
	return error;
}

/* Order fired groups by rule then key. */
static int
fired_cmp(const void *a, const void *b)
{
	const struct sig_fired *x = a, *y = b;

	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	return strcmp(x->group, y->group);
}

/* The groups that fired. */
size_t
ov_sigma__corr_fired(struct sig_corr *C, const struct sig_fired **out)
{
	size_t s, k, n = 0;

	ov__free(C->fired);
	C->fired = NULL;
	C->n_fired = 0;
	for (s = 0; s < C->n_st; s++)
		for (k = 0; k < C->st[s].n_list; k++)
			n += C->st[s].list[k]->fired;
	if (n == 0 || (C->fired = ov__calloc(n, sizeof(*C->fired))) == NULL) {
		*out = NULL;
		return 0;
	}
	for (s = 0; s < C->n_st; s++)
		for (k = 0; k < C->st[s].n_list; k++) {
			struct group *g = C->st[s].list[k];
			struct sig_fired *f;

			if (!g->fired)
				continue;
			f = &C->fired[C->n_fired++];
			f->rule = C->st[s].rule;
			f->group = g->key;
			f->start = g->start;
			f->end = g->start + C->st[s].c->timespan;
			f->first_file = g->file;
			f->first_line = g->line;
		}
	qsort(C->fired, C->n_fired, sizeof(*C->fired), fired_cmp);
	*out = C->fired;
	return C->n_fired;
}
