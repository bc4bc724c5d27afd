/* SPDX-License-Identifier: MIT */
/*
 * Matching: one event against the compiled rules of its logsource.  The
 * index names the rules an event's values can satisfy; each of those, and
 * the rules without an index, is evaluated over the condition tree.  A
 * field's values are looked up once per event (a per-field cache), and a
 * path through an array visits every element.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sigma/sigma_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/str.h"

/* Prepare per-thread matching state. */
int
ov_sigma__mctx_init(struct sig_mctx *m, const struct ov_sigma_rules *rs)
{
	memset(m, 0, sizeof(*m));
	m->rs = rs;
	m->n_cache = rs->max_fields + 1;
	if ((m->cache = ov__calloc(m->n_cache, sizeof(*m->cache))) == NULL ||
	    (m->seen = ov__calloc(rs->n_rules + 1, sizeof(*m->seen))) == NULL ||
	    (m->md = pcre2_match_data_create(1, NULL)) == NULL ||
	    (m->scratch = ov__calloc(1, sizeof(*m->scratch))) == NULL) {
		ov_sigma__mctx_free(m);
		return OV_ENOMEM;
	}
	ov__buf_init(m->scratch, 1 << 24);
	ov__buf_init(&m->kw_fold, 1 << 26);
	ov__buf_init(&m->kw_raw, 1 << 26);
	return 0;
}

/* Release per-thread matching state. */
void
ov_sigma__mctx_free(struct sig_mctx *m)
{
	ov__free(m->cache);
	ov__free(m->seen);
	if (m->md != NULL)
		pcre2_match_data_free(m->md);
	if (m->scratch != NULL) {
		ov__buf_free(m->scratch);
		ov__free(m->scratch);
	}
	ov__buf_free(&m->kw_fold);
	ov__buf_free(&m->kw_raw);
	memset(m, 0, sizeof(*m));
}

/* Start on a new event. */
void
ov_sigma__mctx_event(struct sig_mctx *m, const struct sig_logsource *ls,
    const ov_json *ev)
{
	m->ls = ls;
	m->ev = ev;
	if (++m->gen == 0) {
		/* Wrapped: forget every stamp. */
		memset(m->cache, 0, m->n_cache * sizeof(*m->cache));
		memset(m->seen, 0, (m->rs->n_rules + 1) * sizeof(*m->seen));
		m->kw_fold_gen = m->kw_raw_gen = 0;
		m->gen = 1;
	}
}

/* Member i of path p in object v, by the precomputed hash. */
static const ov_json *
member(const ov_json *v, const struct sig_path *p, size_t i)
{
	const ov_json_member *m, *end;

	if (ov_json_type_of(v) != OV_JSON_OBJECT)
		return NULL;
	m = ov_json_member_at(v, 0);
	for (end = m + ov_json_len(v); m < end; m++)
		if (m->khash == p->hashes[i] &&
		    ov__eq_ci(m->key, m->klen, p->segs[i], p->lens[i]))
			return &m->value;
	return NULL;
}

/* Collect the values at p[i..] below v into e. */
static void
collect(const struct sig_path *p, size_t i, const ov_json *v,
    struct sig_cache_ent *e)
{
	size_t k;

	if (v == NULL)
		return;
	if (ov_json_type_of(v) == OV_JSON_ARRAY) {
		/* A leaf array is matched by its elements. */
		for (k = 0; k < ov_json_len(v); k++)
			collect(p, i, ov_json_at(v, k), e);
		if (i == p->n && ov_json_len(v) == 0 && e->n < SIG_MAX_VALUES)
			e->v[e->n++] = v;
		if (i == p->n)
			e->present = true;
		return;
	}
	if (i == p->n) {
		e->present = true;
		if (e->n < SIG_MAX_VALUES)
			e->v[e->n++] = v;
		return;
	}
	collect(p, i + 1, member(v, p, i), e);
}

/* The portal's sign-in status: Success for error code 0, else Failure. */
static void
signin_status(const ov_json *ev, struct sig_cache_ent *e)
{
	static const ov_json ok = { OV_JSON_STRING, 0, 0, 7, 0,
	    { .str = "Success" } };
	static const ov_json failed = { OV_JSON_STRING, 0, 0, 7, 0,
	    { .str = "Failure" } };
	static const char *const paths[] = {
		"status.errorCode", "properties.status.errorCode",
		"resultType", "ResultType"
	};
	const ov_json *v = NULL;
	size_t i;

	for (i = 0; i < 4 && v == NULL; i++)
		v = ov_json_path(ev, paths[i]);
	if (v == NULL || e->n >= SIG_MAX_VALUES)
		return;
	e->present = true;
	e->v[e->n++] = (v->len == 1 && v->u.str[0] == '0' &&
	    (ov_json_type_of(v) == OV_JSON_NUMBER || ov_json_is_string(v))) ?
	    &ok : &failed;
}

/* True when e holds a value other than null. */
static bool
has_value(const struct sig_cache_ent *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (ov_json_type_of(e->v[i]) != OV_JSON_NULL)
			return true;
	return false;
}

/*
 * The values of field f in the current event (cached): those of the
 * first path that has a non-null value, else of the first present path
 * (a null); or, for a field with all_paths, those of every path.
 */
const struct sig_cache_ent *
ov_sigma__field_values(struct sig_mctx *m, int f)
{
	struct sig_cache_ent *e = &m->cache[f];
	const struct sig_field *fd = &m->ls->fields[f];
	size_t i, first_null = (size_t)-1;

	if (e->gen == m->gen)
		return e;
	e->gen = m->gen;
	e->n = 0;
	e->present = false;
	for (i = 0; i < fd->n_paths; i++) {
		size_t before = e->n;
		bool was = e->present;

		if (fd->paths[i].n == 1 && strcmp(fd->paths[i].segs[0],
		    SIG_PATH_SIGNIN_STATUS) == 0)
			signin_status(m->ev, e);
		else
			collect(&fd->paths[i], 0, m->ev, e);
		if (fd->all_paths)
			continue;
		if (has_value(e))
			break;
		/* Only nulls (or nothing): remember, try the next path. */
		if (e->present && !was && first_null == (size_t)-1)
			first_null = i;
		e->n = (uint16_t)before;
		e->present = was;
	}
	if (!fd->all_paths && !e->present && first_null != (size_t)-1)
		collect(&fd->paths[first_null], 0, m->ev, e);
	return e;
}

/* Text of a string, number or boolean; NULL for null and containers. */
const char *
ov_sigma__scalar(const ov_json *v, size_t *len)
{
	switch (ov_json_type_of(v)) {
	case OV_JSON_STRING:
	case OV_JSON_NUMBER:
		*len = v->len;
		return v->u.str;
	case OV_JSON_TRUE:
		*len = 4;
		return "true";
	case OV_JSON_FALSE:
		*len = 5;
		return "false";
	default:
		return NULL;
	}
}

/* Text of a scalar; containers are written as compact JSON. */
const char *
ov_sigma__scalar_text(struct sig_mctx *m, const ov_json *v, size_t *len)
{
	const char *t;
	char *s;

	if ((t = ov_sigma__scalar(v, len)) != NULL)
		return t;
	switch (ov_json_type_of(v)) {
	case OV_JSON_NULL:
		return NULL;
	default:
		/* Log Analytics keeps these as JSON text: match that. */
		if ((s = ov_json_to_string(v, 0)) == NULL)
			return NULL;
		ov__buf_clear(m->scratch);
		if (ov__buf_puts(m->scratch, s) < 0) {
			ov_free(s);
			return NULL;
		}
		ov_free(s);
		*len = m->scratch->len;
		return m->scratch->ptr;
	}
}

/* ASCII lower case of one byte. */
static inline unsigned char
lc(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Compare n bytes; a is event text, b is pattern text (folded unless
 * cased). */
static inline bool
eqn(const char *a, const char *b, size_t n, bool cased)
{
	size_t i;

	if (cased)
		return memcmp(a, b, n) == 0;
	for (i = 0; i < n; i++)
		if (lc((unsigned char)a[i]) != (unsigned char)b[i])
			return false;
	return true;
}

/* Substring search, folding the haystack unless cased. */
static bool
contains(const char *h, size_t hn, const char *nd, size_t nn, bool cased)
{
	size_t i;
	unsigned char f0, u0;

	if (nn == 0)
		return true;
	if (nn > hn)
		return false;
	if (cased)
		return ov__memmem(h, hn, nd, nn) != NULL;
	f0 = (unsigned char)nd[0];
	u0 = f0 >= 'a' && f0 <= 'z' ? (unsigned char)(f0 - 32) : f0;
	for (i = 0; i + nn <= hn; i++) {
		const char *p = memchr(h + i, f0, hn - nn - i + 1);
		const char *q = u0 != f0 ? memchr(h + i, u0, hn - nn - i + 1) :
		    NULL;

		if (p == NULL || (q != NULL && q < p))
			p = q;
		if (p == NULL)
			return false;
		i = (size_t)(p - h);
		if (eqn(p + 1, nd + 1, nn - 1, false))
			return true;
	}
	return false;
}

/* Glob match: '*', '?', and '\' escapes in the pattern. */
static bool
glob(const char *s, size_t n, const char *g, size_t gn, bool cased)
{
	size_t i = 0, p = 0, star = (size_t)-1, mark = 0;

	while (i < n) {
		if (p < gn && g[p] == '*') {
			star = ++p;
			mark = i;
			continue;
		}
		if (p < gn) {
			bool esc = g[p] == '\\' && p + 1 < gn;
			unsigned char pc = (unsigned char)g[esc ? p + 1 : p];
			unsigned char sc = cased ? (unsigned char)s[i] :
			    lc((unsigned char)s[i]);

			if ((!esc && pc == '?') || pc == sc) {
				p += esc ? 2 : 1;
				i++;
				continue;
			}
		}
		if (star == (size_t)-1)
			return false;
		p = star;
		i = ++mark;
	}
	while (p < gn && g[p] == '*')
		p++;
	return p == gn;
}

/* Parse an address; *v6 tells the family. */
bool
ov_sigma__parse_ip(const char *s, size_t n, uint8_t out[16], bool *v6)
{
	char buf[64];

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, out) == 1) {
		*v6 = false;
		return true;
	}
	if (inet_pton(AF_INET6, buf, out) == 1) {
		*v6 = true;
		return true;
	}
	return false;
}

/* True when addr is inside the pattern's network. */
static bool
in_cidr(const struct sig_pat *p, const char *s, size_t n)
{
	uint8_t a[16];
	bool v6;
	unsigned i, full, rest;

	if (!ov_sigma__parse_ip(s, n, a, &v6) || v6 != p->v6)
		return false;
	full = p->bits / 8u;
	rest = p->bits % 8u;
	for (i = 0; i < full; i++)
		if (a[i] != p->net[i])
			return false;
	if (rest != 0) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		if ((a[full] & mask) != (p->net[full] & mask))
			return false;
	}
	return true;
}

/* A number from event text; false when it is not one. */
static bool
text_number(const char *s, size_t n, double *out)
{
	char buf[64], *end;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*out = strtod(buf, &end);
	return *end == '\0';
}

/* Match text against a string operator. */
static bool
str_op(uint8_t op, const char *t, size_t n, const char *s, size_t sl,
    bool cased)
{
	switch (op) {
	case SIG_OP_EQ:
		return n == sl && eqn(t, s, n, cased);
	case SIG_OP_PREFIX:
		return n >= sl && eqn(t, s, sl, cased);
	case SIG_OP_SUFFIX:
		return n >= sl && eqn(t + n - sl, s, sl, cased);
	case SIG_OP_CONTAINS:
		return contains(t, n, s, sl, cased);
	default:
		return false;
	}
}

/* Fold a copy of text into buf (for fieldref comparisons). */
static const char *
folded(struct ov_buf *b, const char *t, size_t n)
{
	size_t i;

	ov__buf_clear(b);
	if (ov__buf_add(b, t, n) < 0)
		return NULL;
	for (i = 0; i < n; i++)
		b->ptr[i] = (char)lc((unsigned char)b->ptr[i]);
	return b->ptr;
}

/* Does one event value match one pattern? */
static bool
pat_match(struct sig_mctx *m, const struct sig_pat *p, const ov_json *v)
{
	const char *t;
	size_t n = 0;
	double d;

	if (ov_json_type_of(v) == OV_JSON_NULL)
		return p->op == SIG_OP_NULL;
	if (p->op == SIG_OP_NULL)
		return false;
	if (p->op >= SIG_OP_LT && p->op <= SIG_OP_GTE) {
		if (ov_json_type_of(v) == OV_JSON_NUMBER)
			d = ov_json_number(v);
		else if (!ov_json_is_string(v) ||
		    !text_number(v->u.str, v->len, &d))
			return false;
		switch (p->op) {
		case SIG_OP_LT: return d < p->num;
		case SIG_OP_LTE: return d <= p->num;
		case SIG_OP_GT: return d > p->num;
		default: return d >= p->num;
		}
	}
	if ((t = ov_sigma__scalar_text(m, v, &n)) == NULL)
		return false;
	switch (p->op) {
	case SIG_OP_GLOB:
		return glob(t, n, p->s, p->len, p->cased);
	case SIG_OP_RE:
		return pcre2_match(p->re, (PCRE2_SPTR)t, n, 0, 0, m->md,
		    NULL) >= 0;
	case SIG_OP_CIDR:
		return in_cidr(p, t, n);
	default:
		return str_op(p->op, t, n, p->s, p->len, p->cased);
	}
}

/* fieldref: the field equals (contains...) another field's value. */
static bool
fieldref_match(struct sig_mctx *m, const struct sig_pat *p,
    const struct sig_cache_ent *e)
{
	const struct sig_cache_ent *r = ov_sigma__field_values(m, p->ref);
	struct ov_buf b = OV_BUF_INIT(1 << 20);
	size_t i, k, n, rn;
	const char *t, *rt;
	bool hit = false;
	char *copy;

	for (k = 0; k < r->n && !hit; k++) {
		if ((rt = ov_sigma__scalar_text(m, r->v[k], &rn)) == NULL)
			continue;
		/* The scratch buffer is reused: keep a folded copy. */
		if ((copy = ov__strndup(rt, rn)) == NULL)
			break;
		if (!p->cased)
			rt = folded(&b, copy, rn);
		else
			rt = copy;
		for (i = 0; i < e->n && !hit && rt != NULL; i++) {
			if ((t = ov_sigma__scalar_text(m, e->v[i], &n)) != NULL)
				hit = str_op(p->sub, t, n, rt, rn, p->cased);
		}
		ov__free(copy);
	}
	ov__buf_free(&b);
	return hit;
}

/* Keyword search: any string below v matches p. */
static bool
keyword_match(struct sig_mctx *m, const struct sig_pat *p, const ov_json *v,
    unsigned depth)
{
	size_t i;

	if (depth > 64)
		return false;
	switch (ov_json_type_of(v)) {
	case OV_JSON_OBJECT:
		for (i = 0; i < ov_json_len(v); i++)
			if (keyword_match(m, p, &ov_json_member_at(v, i)->value,
			    depth + 1))
				return true;
		return false;
	case OV_JSON_ARRAY:
		for (i = 0; i < ov_json_len(v); i++)
			if (keyword_match(m, p, ov_json_at(v, i), depth + 1))
				return true;
		return false;
	case OV_JSON_STRING:
	case OV_JSON_NUMBER:
		return pat_match(m, p, v);
	default:
		return false;
	}
}

/* Append the strings and numbers below v to b, each as "s\0". */
static int
event_text(struct ov_buf *b, const ov_json *v, bool fold, unsigned depth)
{
	size_t i, at;

	if (depth > 64)
		return 0;
	switch (ov_json_type_of(v)) {
	case OV_JSON_OBJECT:
		for (i = 0; i < ov_json_len(v); i++)
			if (event_text(b, &ov_json_member_at(v, i)->value, fold,
			    depth + 1) < 0)
				return OV_ENOMEM;
		return 0;
	case OV_JSON_ARRAY:
		for (i = 0; i < ov_json_len(v); i++)
			if (event_text(b, ov_json_at(v, i), fold, depth + 1) < 0)
				return OV_ENOMEM;
		return 0;
	case OV_JSON_STRING:
	case OV_JSON_NUMBER:
		at = b->len;
		if (ov__buf_add(b, v->u.str, v->len) < 0 ||
		    ov__buf_add(b, "", 1) < 0)
			return OV_ENOMEM;
		for (i = at; fold && i < b->len; i++)
			b->ptr[i] = (char)lc((unsigned char)b->ptr[i]);
		return 0;
	default:
		return 0;
	}
}

/*
 * The event's strings as "\0s1\0s2\0...", folded or as they are, built
 * once per event; NULL when out of memory.
 */
static const struct ov_buf *
event_buf(struct sig_mctx *m, bool fold)
{
	struct ov_buf *b = fold ? &m->kw_fold : &m->kw_raw;
	uint32_t *gen = fold ? &m->kw_fold_gen : &m->kw_raw_gen;

	if (*gen == m->gen)
		return b;
	ov__buf_clear(b);
	if (ov__buf_add(b, "", 1) < 0 || event_text(b, m->ev, fold, 0) < 0)
		return NULL;
	*gen = m->gen;
	return b;
}

/*
 * Keyword search for the plain operators: one search of the event's
 * text, the string boundaries marked with NUL bytes ("\0x\0" is a
 * whole string, "\0x" a prefix, "x\0" a suffix).  Returns -1 when the
 * pattern needs the string-by-string walk.
 */
static int
keyword_fast(struct sig_mctx *m, const struct sig_pat *p)
{
	const struct ov_buf *b;
	char stack[256], *n;
	size_t nl = 0;
	bool hit;

	if (p->op > SIG_OP_CONTAINS || p->len + 2 > sizeof(stack) ||
	    memchr(p->s, '\0', p->len) != NULL)
		return -1;
	if ((b = event_buf(m, !p->cased)) == NULL)
		return -1;
	n = stack;
	if (p->op == SIG_OP_EQ || p->op == SIG_OP_PREFIX)
		n[nl++] = '\0';
	memcpy(n + nl, p->s, p->len);
	nl += p->len;
	if (p->op == SIG_OP_EQ || p->op == SIG_OP_SUFFIX)
		n[nl++] = '\0';
	hit = ov__memmem(b->ptr, b->len, n, nl) != NULL;
	return hit ? 1 : 0;
}

/* Does one value (any alternative) match the field's values? */
static bool
value_match(struct sig_mctx *m, const struct sig_fcond *c,
    const struct sig_value *val, const struct sig_cache_ent *e)
{
	size_t a, i;

	for (a = 0; a < val->n_alts; a++) {
		const struct sig_pat *p = &val->alts[a];

		if (c->field < 0) {
			int fast = keyword_fast(m, p);

			if (fast > 0 || (fast < 0 &&
			    keyword_match(m, p, m->ev, 0)))
				return true;
			continue;
		}
		switch (p->op) {
		case SIG_OP_EXISTS:
			if (e->present == (p->num != 0))
				return true;
			continue;
		case SIG_OP_NULL:
			if (!e->present)
				return true;
			break;
		case SIG_OP_FIELDREF:
			if (fieldref_match(m, p, e))
				return true;
			continue;
		default:
			break;
		}
		for (i = 0; i < e->n; i++)
			if (pat_match(m, p, e->v[i]))
				return true;
	}
	return false;
}

/* One field condition. */
static bool
fcond_match(struct sig_mctx *m, const struct sig_fcond *c)
{
	static const struct sig_cache_ent none;
	const struct sig_cache_ent *e = c->field >= 0 ?
	    ov_sigma__field_values(m, c->field) : &none;
	size_t i;

	for (i = 0; i < c->n_vals; i++) {
		bool hit = value_match(m, c, &c->vals[i], e);

		if (c->all && !hit)
			return false;
		if (!c->all && hit)
			return true;
	}
	return c->all;
}

/* A selection: any map whose conditions all hold. */
static bool
sel_match(struct sig_mctx *m, const struct sig_sel *s)
{
	size_t i, k;

	for (i = 0; i < s->n_maps; i++) {
		for (k = 0; k < s->maps[i].n_conds; k++)
			if (!fcond_match(m, &s->maps[i].conds[k]))
				break;
		if (k == s->maps[i].n_conds)
			return true;
	}
	return false;
}

/* Evaluate a condition tree. */
static bool
node_match(struct sig_mctx *m, const struct sig_rule *r,
    const struct sig_node *n)
{
	size_t i;

	switch (n->op) {
	case SIG_N_SEL:
		return sel_match(m, &r->sels[n->sel]);
	case SIG_N_AND:
		for (i = 0; i < n->n_kids; i++)
			if (!node_match(m, r, n->kids[i]))
				return false;
		return true;
	case SIG_N_OR:
		for (i = 0; i < n->n_kids; i++)
			if (node_match(m, r, n->kids[i]))
				return true;
		return false;
	case SIG_N_NOT:
		return !node_match(m, r, n->kids[0]);
	default:
		return true;
	}
}

/* True when rule r matches the current event. */
bool
ov_sigma__rule_match(struct sig_mctx *m, const struct sig_rule *r)
{
	return node_match(m, r, r->cond);
}

/* Evaluate rule ri once per event; call fn when it matches. */
static int
try_rule(struct sig_mctx *m, int ri, int (*fn)(void *, int), void *payload)
{
	if (m->seen[ri] == m->gen)
		return 0;
	m->seen[ri] = m->gen;
	if (!ov_sigma__rule_match(m, &m->rs->rules[ri]))
		return 0;
	return fn(payload, ri);
}

/* Match the current event against the rules of logsource lsi. */
int
ov_sigma__match_event(struct sig_mctx *m, size_t lsi,
    int (*fn)(void *payload, int rule), void *payload)
{
	const struct sig_lsrules *L = &m->rs->lsr[lsi];
	const struct sig_rule_list *rl;
	size_t i, j, k, n;
	const char *t;
	int error;

	for (i = 0; i < L->n_idx; i++) {
		const struct sig_cache_ent *e =
		    ov_sigma__field_values(m, L->idx[i].field);

		for (k = 0; k < e->n; k++) {
			if (ov_json_type_of(e->v[k]) >= OV_JSON_ARRAY ||
			    (t = ov_sigma__scalar_text(m, e->v[k], &n)) ==
			    NULL)
				continue;
			if ((rl = ov__map_get(&L->idx[i].values, t, n)) ==
			    NULL)
				continue;
			for (j = 0; j < rl->n; j++)
				if ((error = try_rule(m, rl->rules[j], fn,
				    payload)) < 0)
					return error;
		}
	}
	for (i = 0; i < L->n_always; i++)
		if ((error = try_rule(m, L->always[i], fn, payload)) < 0)
			return error;
	return 0;
}
