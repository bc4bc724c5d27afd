/* SPDX-License-Identifier: MIT */
/*
 * Template values: every string that is an expression ("[...]") is
 * evaluated by the policy engine's template-expression evaluator in ARM
 * mode, property copy loops are unrolled, and every node of the result is
 * stamped with where it was written (file and byte offset, kept in the
 * node), so a finding can point at the offending property.  A value an
 * expression computes is placed at the expression; what it copies from a
 * variable keeps the variable's place.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/iac/arm_int.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/hash.h"

/* ---- the expression cache --------------------------------------------- */

static size_t
slot_of(const struct expr_cache *c, const void *key)
{
	size_t i = (size_t)ov__hash(&key, sizeof(key)) & (c->cap - 1);

	while (c->keys[i] != NULL && c->keys[i] != key)
		i = (i + 1) & (c->cap - 1);
	return i;
}

static int
cache_grow(struct expr_cache *c)
{
	struct expr_cache n;
	size_t i, j;

	n.cap = c->cap != 0 ? c->cap * 2 : 256;
	n.len = c->len;
	n.keys = ov__calloc(n.cap, sizeof(*n.keys));
	n.vals = ov__calloc(n.cap, sizeof(*n.vals));
	if (n.keys == NULL || n.vals == NULL) {
		ov__free(n.keys);
		ov__free(n.vals);
		return OV_ENOMEM;
	}
	for (i = 0; i < c->cap; i++)
		if (c->keys[i] != NULL) {
			j = slot_of(&n, c->keys[i]);
			n.keys[j] = c->keys[i];
			n.vals[j] = c->vals[i];
		}
	ov__free(c->keys);
	ov__free(c->vals);
	*c = n;
	return 0;
}

/* Release the cache. */
void
ov_iac__cache_free(struct expr_cache *c)
{
	ov__free(c->keys);
	ov__free(c->vals);
	memset(c, 0, sizeof(*c));
}

/* ---- diagnostics ------------------------------------------------------ */

/* A diagnostic at node, in the file of d. */
int
ov_iac__diag(struct dep *d, const ov_json *node, const char *fmt, ...)
{
	struct load_ctx lc = *d->x->lc;
	unsigned line = 0, column = 0;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lc.file = d->file;
	if (node != NULL)
		ov_iac__pos(d->x->s, d->file, node->offset, &line, &column);
	return ov_snap__diag(&lc, line, column, NULL, "%s", msg);
}

/* Text of a value for messages: the string, or compact JSON. */
const char *
ov_iac__text(struct dep *d, const ov_json *v)
{
	const char *t = ov_policy__to_text(&d->x->scratch, v, false);

	return t != NULL ? t : "";
}

/* ---- stamping --------------------------------------------------------- */

/* The tag nodes of d's file carry: its index + 1, 0 past the range. */
static uint16_t
file_tag(const struct dep *d)
{
	return d->file + 1 <= UINT16_MAX ? (uint16_t)(d->file + 1) : 0;
}

/* Where the nodes of a copy go, and the expression unknown ones are. */
struct place {
	uint16_t	 file1;		/* file index + 1 */
	uint64_t	 off;		/* byte offset */
	const ov_json	*expr;		/* expression string, or NULL */
};

static void
place_node(ov_json *n, const ov_json *src, void *p)
{
	const struct place *pl = p;

	if (src->reserved == 0 && (src->flags & OV_JSON_F_UNKNOWN) &&
	    pl->expr != NULL) {
		n->u.str = pl->expr->u.str;
		n->len = pl->expr->len;
	}
	n->reserved = pl->file1;
	n->offset = pl->off;
}

/* A node already placed (by an expression or as written) stays put. */
static bool
placed(const ov_json *child, void *p)
{
	(void)p;
	return child->reserved != 0;
}

/*
 * Copy v into the snapshot's arena.  Nodes that carry no position yet get
 * (file1, off), and unknown ones the expression text they stand for; with
 * force the root is placed at (file1, off) whatever it carried.
 */
static const ov_json *
stamp(struct expander *x, const ov_json *v, uint16_t file1, uint64_t off,
    const ov_json *expr, bool force)
{
	struct place pl = { file1, off, expr };
	struct ov_copy_hooks h = { place_node, placed, &pl };

	if (!force && v->reserved != 0)
		return v;
	return ov_policy__v_copy(&x->s->arena, v, &h);
}

static void
unplace_node(ov_json *n, const ov_json *src, void *p)
{
	(void)src;
	(void)p;
	n->reserved = 0;
}

/* v with no place of its own: the expression that uses it places it. */
const ov_json *
ov_iac__unplaced(struct dep *d, const ov_json *v)
{
	struct ov_copy_hooks h = { unplace_node, NULL, NULL };

	return ov_policy__v_copy(&d->x->s->arena, v, &h);
}

/* Data that is never evaluated, placed at at. */
const ov_json *
ov_iac__data(struct dep *d, const ov_json *v, const ov_json *at)
{
	return stamp(d->x, v, file_tag(d), at->offset, NULL, false);
}

/* ---- expressions ------------------------------------------------------ */

/* Note the functions overvisor does not evaluate, once per file. */
static int
note_unsupported(struct dep *d, const ov_json *node, const struct expr *e)
{
	unsigned line, column;
	uint16_t i;
	int error;

	if (e->kind == EX_CALL && e->fn >= 0 &&
	    strcmp(ov_policy__fns[e->fn].name, "__unsupported") == 0) {
		ov_iac__pos(d->x->s, d->file, node->offset, &line, &column);
		if ((error = ov_iac__note(d->x->s, d->file, line, column,
		    "function '%s' is not evaluated: values using it are "
		    "treated as known only at deployment", e->name)) < 0)
			return error;
	}
	for (i = 0; i < e->nargs; i++)
		if ((error = note_unsupported(d, node, e->args[i])) < 0)
			return error;
	return 0;
}

/*
 * The parse of an expression string node, cached under key (the node, or
 * the object member whose key it is); NULL after an error.
 */
static int
parse(struct dep *d, const ov_json *node, const void *key,
    struct expr **out)
{
	struct expander *x = d->x;
	struct expr_cache *c = &x->cache;
	char msg[256];
	size_t i, off = 0;
	int error;

	if (c->len * 2 >= c->cap && (error = cache_grow(c)) < 0)
		return ov__error_oom(x->ctx);
	i = slot_of(c, key);
	if (c->keys[i] == key) {
		*out = c->vals[i];
		return 0;
	}
	error = ov_policy__expr_parse_ex(&x->scratch, node->u.str, node->len,
	    (unsigned)ov_ctx_limit(x->ctx, OV_LIMIT_EXPR_DEPTH), EXPR_ARM, out,
	    msg, sizeof(msg), &off);
	if (error == OV_ENOMEM)
		return ov__error_oom(x->ctx);
	c->keys[i] = key;
	c->len++;
	if (error < 0) {
		*out = c->vals[i] = NULL;
		return ov_iac__diag(d, node, "%s at offset %zu of expression "
		    "'%.120s'", msg, off, node->u.str);
	}
	c->vals[i] = *out;
	return note_unsupported(d, node, *out);
}

/* Evaluate an expression string node (cached under key). */
static int
eval_string(struct dep *d, const struct arm_ctx *arm, const ov_json *node,
    const void *key, const ov_json **out)
{
	struct expander *x = d->x;
	const ov_json *v = NULL;
	struct expr *e = NULL;
	struct evalx ex;
	int error;

	if ((error = parse(d, node, key, &e)) < 0)
		return error;
	if (e != NULL) {
		memset(&ex, 0, sizeof(ex));
		ex.ctx = x->ctx;
		ex.a = &x->scratch;
		ex.arm = arm;
		error = ov_policy__eval_expr(&ex, e, &v);
		if (error < 0 || v == NULL) {
			if ((error = ov_iac__diag(d, node, "%s in '%.120s'",
			    ex.failed ? ex.err : "evaluation failed",
			    node->u.str)) < 0)
				return error;
			v = NULL;
		}
	}
	/* What cannot be evaluated is not known before deployment either. */
	if (v == NULL && (v = ov_policy__v_unknown(&x->scratch, node->u.str,
	    node->len)) == NULL)
		return ov__error_oom(x->ctx);
	if ((*out = stamp(x, v, file_tag(d), node->offset, node,
	    true)) == NULL)
		return ov__error_oom(x->ctx);
	return 0;
}

/* ---- values ----------------------------------------------------------- */

/* True when v is a property copy array: [{name, count, input}...]. */
static bool
is_copy_array(const ov_json *v)
{
	size_t i;

	if (ov_json_type_of(v) != OV_JSON_ARRAY || v->len == 0)
		return false;
	for (i = 0; i < v->len; i++)
		if (ov_json_type_of(&v->u.items[i]) != OV_JSON_OBJECT ||
		    ov_json_get(&v->u.items[i], "name") == NULL ||
		    ov_json_get(&v->u.items[i], "input") == NULL)
			return false;
	return true;
}

/* A new node at src's place (file of d). */
static ov_json *
node_at(struct dep *d, const ov_json *src, uint8_t type)
{
	ov_json *n = ov__arena_calloc(&d->x->s->arena, 1, sizeof(*n));

	if (n != NULL) {
		n->type = type;
		n->reserved = file_tag(d);
		n->offset = src->offset;
	}
	return n;
}

/*
 * Unroll one property copy loop {name, count, input} into an array; an
 * unknown count makes the whole array unknown.
 */
static int
copy_loop(struct dep *d, const struct arm_ctx *arm, const ov_json *spec,
    const ov_json **out)
{
	const ov_json *cnt, *name = ov_json_get(spec, "name"), **items, *it;
	const ov_json *countsrc = ov_json_get(spec, "count");
	int64_t n = 0, i;
	ov_json *arr;
	int error;

	if (countsrc == NULL) {
		*out = NULL;
		return ov_iac__diag(d, spec, "copy has no count");
	}
	if ((error = ov_iac__value(d, arm, countsrc, &cnt)) < 0)
		return error;
	if (ov_policy__is_unknown(cnt)) {
		*out = cnt;
		return 0;
	}
	if (!ov_policy__int(cnt, &n) || n < 0 || n > OV_IAC_MAX_COPY) {
		*out = NULL;
		return ov_iac__diag(d, countsrc, "copy count must be an "
		    "integer from 0 to %d", OV_IAC_MAX_COPY);
	}
	if (d->n_loops >= OV_IAC_MAX_LOOPS) {
		*out = NULL;
		return ov_iac__diag(d, spec, "copy loops nested too deeply");
	}
	if ((items = ov__arena_calloc(&d->x->scratch, (size_t)n + 1,
	    sizeof(*items))) == NULL)
		return ov__error_oom(d->x->ctx);
	for (i = 0; i < n; i++) {
		struct loop *l = &d->loops[d->n_loops++];

		l->name = ov_json_string(name);
		l->resource = false;
		l->index = ov_policy__v_int(&d->x->scratch, i);
		error = l->index != NULL ? ov_iac__value(d, arm,
		    ov_json_get(spec, "input"), &it) : OV_ENOMEM;
		d->n_loops--;
		if (error < 0)
			return error == OV_ENOMEM ? ov__error_oom(d->x->ctx) :
			    error;
		items[i] = it;
	}
	if ((arr = node_at(d, spec, OV_JSON_ARRAY)) == NULL)
		return ov__error_oom(d->x->ctx);
	if ((arr->u.items = ov__arena_calloc(&d->x->s->arena, (size_t)n + 1,
	    sizeof(ov_json))) == NULL)
		return ov__error_oom(d->x->ctx);
	for (i = 0; i < n; i++)
		((ov_json *)(uintptr_t)arr->u.items)[i] = *items[i];
	arr->len = (uint32_t)n;
	*out = arr;
	return 0;
}

/* An object: members expanded, keys that are expressions evaluated. */
static int
object_value(struct dep *d, const struct arm_ctx *arm, const ov_json *src,
    const ov_json **out)
{
	struct ov_arena *a = &d->x->s->arena;
	const ov_json *copy = NULL, *k, *v;
	ov_json_member *m;
	ov_json *o;
	size_t i, j, n = 0, cap;
	int error;

	copy = ov_json_get(src, "copy");
	if (!is_copy_array(copy))
		copy = NULL;
	cap = src->len + (copy != NULL ? copy->len : 0) + 1;
	if ((o = node_at(d, src, OV_JSON_OBJECT)) == NULL ||
	    (m = ov__arena_calloc(a, cap, sizeof(*m))) == NULL)
		return ov__error_oom(d->x->ctx);
	for (i = 0; i < src->len; i++) {
		const ov_json_member *sm = &src->u.members[i];
		const char *key = sm->key;
		size_t klen = sm->klen;

		if (copy != NULL && &sm->value == copy) {
			for (j = 0; j < copy->len; j++) {
				const ov_json *spec = &copy->u.items[j];

				if ((error = copy_loop(d, arm, spec, &v)) < 0)
					return error;
				if (v == NULL ||
				    !ov_json_is_string(ov_json_get(spec,
				    "name")))
					continue;
				k = ov_json_get(spec, "name");
				m[n].key = ov__arena_strndup(a, k->u.str,
				    k->len);
				m[n].klen = k->len;
				m[n].value = *v;
				if (m[n].key == NULL)
					return ov__error_oom(d->x->ctx);
				n++;
			}
			continue;
		}
		if (ov_policy__is_expr(key, klen)) {
			ov_json kn = sm->value;

			/* A key that is an expression: evaluated at its
			 * value's place. */
			kn.type = OV_JSON_STRING;
			kn.u.str = key;
			kn.len = (uint32_t)klen;
			kn.flags = 0;
			if ((error = eval_string(d, arm, &kn, sm, &k)) < 0)
				return error;
			key = ov_policy__to_text(a, k, true);
			if (key == NULL)
				return ov__error_oom(d->x->ctx);
			klen = strlen(key);
		} else if (klen >= 2 && key[0] == '[' && key[1] == '[') {
			key++;
			klen--;
		}
		if ((error = ov_iac__value(d, arm, &sm->value, &v)) < 0)
			return error;
		if ((m[n].key = ov__arena_strndup(a, key, klen)) == NULL)
			return ov__error_oom(d->x->ctx);
		m[n].klen = (uint32_t)klen;
		m[n].value = *v;
		n++;
	}
	for (i = 0; i < n; i++)
		m[i].khash = ov_json_key_hash(m[i].key, m[i].klen);
	o->u.members = m;
	o->len = (uint32_t)n;
	*out = o;
	return 0;
}

/* Expand a template value; see arm_int.h. */
int
ov_iac__value(struct dep *d, const struct arm_ctx *arm, const ov_json *src,
    const ov_json **out)
{
	struct ov_arena *a = &d->x->s->arena;
	const ov_json *v;
	ov_json *n;
	size_t i;
	int error;

	if (src == NULL) {
		*out = &ov_policy__v_null;
		return 0;
	}
	switch (src->type) {
	case OV_JSON_STRING:
		if (ov_policy__is_expr(src->u.str, src->len))
			return eval_string(d, arm, src, src, out);
		if ((n = node_at(d, src, OV_JSON_STRING)) == NULL)
			return ov__error_oom(d->x->ctx);
		/* "[[" starts a literal that begins with "[". */
		i = src->len >= 2 && src->u.str[0] == '[' &&
		    src->u.str[1] == '[' ? 1 : 0;
		n->u.str = ov__arena_strndup(a, src->u.str + i, src->len - i);
		n->len = src->len - (uint32_t)i;
		if (n->u.str == NULL)
			return ov__error_oom(d->x->ctx);
		*out = n;
		return 0;
	case OV_JSON_OBJECT:
		return object_value(d, arm, src, out);
	case OV_JSON_ARRAY:
		if ((n = node_at(d, src, OV_JSON_ARRAY)) == NULL ||
		    (n->u.items = ov__arena_calloc(a, src->len + 1,
		    sizeof(ov_json))) == NULL)
			return ov__error_oom(d->x->ctx);
		for (i = 0; i < src->len; i++) {
			if ((error = ov_iac__value(d, arm, &src->u.items[i],
			    &v)) < 0)
				return error;
			((ov_json *)(uintptr_t)n->u.items)[i] = *v;
		}
		n->len = src->len;
		*out = n;
		return 0;
	default:
		if ((*out = stamp(d->x, src, file_tag(d),
		    src->offset, NULL, true)) == NULL)
			return ov__error_oom(d->x->ctx);
		return 0;
	}
}
