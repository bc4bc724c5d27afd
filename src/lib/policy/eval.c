/* SPDX-License-Identifier: MIT */
/*
 * Evaluation: expressions, field resolution with [*] semantics, the
 * condition operators, count, applicability and effects.
 * AZP: definition-structure-policy-rule, author-policies-for-arrays,
 * effect-basics, policy-applicability.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings/secret.h"
#include "model/model.h"
#include "policy/policy_int.h"
#include "util/error.h"
#include "util/time.h"

/* Set a runtime error. */
int
ov_policy__fail(struct evalx *ex, const char *fmt, ...)
{
	va_list ap;

	if (!ex->failed) {
		va_start(ap, fmt);
		vsnprintf(ex->err, sizeof(ex->err), fmt, ap);
		va_end(ap);
		ex->failed = true;
	}
	/* Memory, unlike bad data, makes no result at all: never a verdict
	 * ("error", hence no finding) that stands for the real one. */
	if (strcmp(fmt, "out of memory") == 0)
		ex->oom = true;
	return OV_ERROR;
}

static int
step(struct evalx *ex)
{
	if (++ex->steps > (ex->set != NULL && ex->set->max_steps > 0 ?
	    ex->set->max_steps : 1000000))
		return ov_policy__fail(ex, "evaluation step budget exhausted");
	return 0;
}

static int
eval_lazy(struct evalx *ex, const struct expr *e, const ov_json **out)
{
	const char *name = ov_policy__fns[e->fn].name;
	const ov_json *v, *unk = NULL;
	size_t i;
	int error;

	if (strcmp(name, "if") == 0) {
		if ((error = ov_policy__eval_expr(ex, e->args[0], &v)) < 0)
			return error;
		if (ov_policy__is_unknown(v)) {
			*out = ov_policy__unknown_as(ex->a, v, false);
			return *out != NULL ? 0 : ov_policy__fail(ex,
			    "out of memory");
		}
		if (v == NULL || (v->type != OV_JSON_TRUE &&
		    v->type != OV_JSON_FALSE))
			return ov_policy__fail(ex, "if() expects a boolean "
			    "condition");
		return ov_policy__eval_expr(ex, e->args[v->type ==
		    OV_JSON_TRUE ? 1 : 2], out);
	}
	/*
	 * and / or: short-circuit, every operand a boolean; an unknown
	 * operand decides only when no other operand does.
	 */
	for (i = 0; i < e->nargs; i++) {
		if ((error = ov_policy__eval_expr(ex, e->args[i], &v)) < 0)
			return error;
		if (ov_policy__is_unknown(v)) {
			if (unk == NULL)
				unk = v;
			continue;
		}
		if (v == NULL || (v->type != OV_JSON_TRUE &&
		    v->type != OV_JSON_FALSE))
			return ov_policy__fail(ex, "%s() expects booleans",
			    name);
		if ((strcmp(name, "and") == 0) != (v->type == OV_JSON_TRUE)) {
			*out = v;
			return 0;
		}
	}
	*out = unk != NULL ? unk : ov_policy__v_bool(strcmp(name, "and") == 0);
	return 0;
}

/*
 * The unknown argument that makes a call's result unknown, or NULL.
 * Functions that only move values around (FNF_SHAPE) pass unknown
 * members through; the others must read them, so any unknown below an
 * argument makes the result unknown.
 */
static const ov_json *
unknown_arg(const struct fn_def *fn, const ov_json **argv, size_t argc)
{
	const ov_json *u;
	size_t i;

	if (fn->flags & FNF_UNKNOWN_OK)
		return NULL;
	for (i = 0; i < argc; i++) {
		u = (fn->flags & FNF_SHAPE) ? (ov_policy__is_unknown(argv[i]) ?
		    argv[i] : NULL) : ov_policy__find_unknown(argv[i]);
		if (u != NULL)
			return u;
	}
	return NULL;
}

/* Evaluate an expression. */
int
ov_policy__eval_expr(struct evalx *ex, const struct expr *e,
    const ov_json **out)
{
	const ov_json *argv_buf[16], **argv = argv_buf, *o, *k;
	size_t i;
	int error;

	*out = NULL;
	if ((error = step(ex)) < 0)
		return error;
	switch (e->kind) {
	case EX_CONST:
		*out = e->cval;
		return 0;
	case EX_CALL:
		if (ov_policy__fns[e->fn].flags & FNF_LAZY)
			return ov_policy__fns[e->fn].impl != NULL ?
			    ov_policy__fns[e->fn].impl(ex, e, NULL, 0, out) :
			    eval_lazy(ex, e, out);
		if (e->nargs > 16 && (argv = ov__arena_calloc(ex->a,
		    e->nargs, sizeof(*argv))) == NULL)
			return ov_policy__fail(ex, "out of memory");
		for (i = 0; i < e->nargs; i++)
			if ((error = ov_policy__eval_expr(ex, e->args[i],
			    &argv[i])) < 0)
				return error;
		if (ov_policy__fns[e->fn].impl == NULL)
			return ov_policy__fail(ex, "function '%s' is not "
			    "available", e->name);
		if ((k = unknown_arg(&ov_policy__fns[e->fn], argv,
		    e->nargs)) != NULL) {
			/* Most functions never return null. */
			*out = ov_policy__unknown_as(ex->a, k,
			    !(ov_policy__fns[e->fn].flags & FNF_NULLABLE));
			return *out != NULL ? 0 : ov_policy__fail(ex,
			    "out of memory");
		}
		if ((error = ov_policy__fns[e->fn].impl(ex, e, argv, e->nargs,
		    out)) < 0)
			return error == OV_ENOMEM ? ov_policy__fail(ex,
			    "out of memory") : error;
		return 0;
	case EX_PROP:
		if ((error = ov_policy__eval_expr(ex, e->args[0], &o)) < 0)
			return error;
		if (ov_policy__is_unknown(o)) {
			*out = ov_policy__unknown_as(ex->a, o, false);
			return *out != NULL ? 0 : ov_policy__fail(ex,
			    "out of memory");
		}
		if (ov_json_type_of(o) != OV_JSON_OBJECT)
			return ov_policy__fail(ex, "property '%s' of a "
			    "non-object", e->name);
		*out = ov_json_get(o, e->name);
		if (*out == NULL)
			*out = &ov_policy__v_null;
		return 0;
	case EX_INDEX:
		if ((error = ov_policy__eval_expr(ex, e->args[0], &o)) < 0 ||
		    (error = ov_policy__eval_expr(ex, e->args[1], &k)) < 0)
			return error;
		if (ov_policy__is_unknown(o) || ov_policy__is_unknown(k)) {
			*out = ov_policy__unknown_as(ex->a,
			    ov_policy__is_unknown(o) ? o : k, false);
			return *out != NULL ? 0 : ov_policy__fail(ex,
			    "out of memory");
		}
		if (ov_json_type_of(o) == OV_JSON_ARRAY) {
			int64_t ix;

			if (!ov_policy__int(k, &ix) || ix < 0 ||
			    (uint64_t)ix >= o->len)
				return ov_policy__fail(ex, "array index out "
				    "of range");
			*out = &o->u.items[ix];
			return 0;
		}
		if (ov_json_type_of(o) == OV_JSON_OBJECT &&
		    ov_json_is_string(k)) {
			*out = ov_json_getn(o, k->u.str, k->len);
			if (*out == NULL)
				*out = &ov_policy__v_null;
			return 0;
		}
		return ov_policy__fail(ex, "cannot index this value");
	default:
		return ov_policy__fail(ex, "bad expression node");
	}
}

/* ---- resources -------------------------------------------------------- */

static const char *
last_segment(const char *s)
{
	const char *p = s != NULL ? strrchr(s, '/') : NULL;

	return p != NULL ? p + 1 : s;
}

/* Fill a pres from a record of the model. */
void
ov_policy__pres_from_record(struct pres *p, const struct ov_record *r)
{
	memset(p, 0, sizeof(*p));
	p->body = r->body;
	p->aliases = ov_json_get(r->body, "aliases");
	if (ov_json_type_of(p->aliases) != OV_JSON_OBJECT)
		p->aliases = NULL;
	p->id = r->id;
	p->type = r->type;
	p->name = last_segment(r->name);
	p->location = r->place->location;
	p->subscription = r->place->subscription_id;
	p->rg = r->place->resource_group;
	p->rec = r;
	p->exists_if = r->place->iac != NULL ?
	    r->place->iac->exists_if : NULL;
}

/* The record of r's subscription or of its resource group rg. */
const struct ov_record *
ov_policy__scope_record(struct ov_arena *a, const struct pres *r,
    const char *rg)
{
	const char *id;

	if (r == NULL || r->snap == NULL || r->subscription == NULL)
		return NULL;
	id = rg != NULL ? ov__arena_printf(a,
	    "/subscriptions/%s/resourceGroups/%s", r->subscription, rg) :
	    ov__arena_printf(a, "/subscriptions/%s", r->subscription);
	return id != NULL ? ov_model__by_id(r->snap, id) : NULL;
}

/* Fill a pres from a bare resource object. */
void
ov_policy__pres_from_json(struct pres *p, const ov_json *body)
{
	memset(p, 0, sizeof(*p));
	p->body = body;
	p->id = ov_json_string(ov_json_get(body, "id"));
	p->type = ov_json_string(ov_json_get(body, "type"));
	p->name = last_segment(ov_json_string(ov_json_get(body, "name")));
	p->location = ov_json_string(ov_json_get(body, "location"));
	p->subscription = ov_json_string(ov_json_get(body, "subscriptionId"));
	p->rg = ov_json_string(ov_json_get(body, "resourceGroup"));
}

/* fullName: parent names and the name joined by '/'. */
static const char *
full_name(struct ov_arena *a, const struct pres *r)
{
	const char *id = r->id, *p, *q;
	const char *body_name = ov_json_string(ov_json_get(r->body, "name"));
	struct ov_buf b = OV_BUF_INIT(4096);
	const char *out;
	int k = 0;

	if (body_name != NULL && strchr(body_name, '/') != NULL)
		return body_name;
	if (id == NULL || (p = strstr(id, "/providers/")) == NULL)
		return r->name != NULL ? r->name : body_name;
	while ((q = strstr(p + 1, "/providers/")) != NULL)
		p = q;
	p += strlen("/providers/");
	/* namespace/type/name/type/name... : names at odd positions >= 2 */
	while (*p != '\0') {
		const char *end = strchr(p, '/');
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);

		if (k >= 2 && k % 2 == 0) {
			if (b.len > 0)
				(void)ov__buf_putc(&b, '/');
			(void)ov__buf_add(&b, p, n);
		}
		k++;
		if (end == NULL)
			break;
		p = end + 1;
	}
	out = ov__arena_strndup(a, ov__buf_cstr(&b), b.len);
	ov__buf_free(&b);
	return out;
}

/* ---- field values ----------------------------------------------------- */

/* Stands for "an inner array was missing": absent to operators, skipped
 * by field() and count. */
static const ov_json no_array = { OV_JSON_NULL, 0, 0, 0, 0, { NULL } };

struct vals {
	const ov_json	**v;		/* values; NULL = absent element */
	size_t		  n;		/* used */
	size_t		  cap;		/* allocated */
};

static int
vals_push(struct ov_arena *a, struct vals *vs, const ov_json *v)
{
	if (vs->n == vs->cap) {
		size_t nc = vs->cap > 0 ? vs->cap * 2 : 8;
		const ov_json **nv = ov__arena_alloc(a, nc * sizeof(*nv));

		if (nv == NULL)
			return OV_ENOMEM;
		if (vs->n > 0)
			memcpy(nv, vs->v, vs->n * sizeof(*nv));
		vs->v = nv;
		vs->cap = nc;
	}
	vs->v[vs->n++] = v;
	return 0;
}

/*
 * Collect the values at segs[i..] below node.  Before any wildcard a
 * missing step makes the whole collection missing; after one, a missing
 * plain step yields one absent value for that element.
 */
static int
collect(struct ov_arena *a, const ov_json *node, const struct pseg *segs,
    uint32_t i, uint32_t n, bool after_wild, struct vals *out,
    bool *missing)
{
	const ov_json *c;
	size_t j;
	int error;

	if (i == n)
		return vals_push(a, out, node);
	/* A value known only at deployment hides what is below it. */
	if (ov_policy__is_unknown(node))
		return vals_push(a, out, node);
	c = NULL;
	if (ov_json_type_of(node) == OV_JSON_OBJECT)
		c = ov_json_getn(node, segs[i].name, segs[i].len);
	else if (ov_json_type_of(node) == OV_JSON_ARRAY && segs[i].len > 0 &&
	    segs[i].name[0] >= '0' && segs[i].name[0] <= '9') {
		unsigned long ix = strtoul(segs[i].name, NULL, 10);

		c = ix < node->len ? &node->u.items[ix] : NULL;
	}
	if (c != NULL && c->type == OV_JSON_NULL && !segs[i].wild &&
	    i + 1 < n)
		c = NULL;
	if (ov_policy__is_unknown(c))
		return vals_push(a, out, c);
	if (!segs[i].wild) {
		if (c == NULL) {
			if (!after_wild) {
				*missing = true;
				return 0;
			}
			return vals_push(a, out, NULL);
		}
		return collect(a, c, segs, i + 1, n, after_wild, out,
		    missing);
	}
	if (ov_json_type_of(c) != OV_JSON_ARRAY) {
		/* A missing inner array reads as one absent value. */
		if (!after_wild)
			*missing = true;
		else
			return vals_push(a, out, &no_array);
		return 0;
	}
	for (j = 0; j < c->len; j++)
		if ((error = collect(a, &c->u.items[j], segs, i + 1, n, true,
		    out, missing)) < 0)
			return error;
	return 0;
}

static const ov_json *
str_val(struct evalx *ex, const char *s)
{
	return s != NULL ? ov_policy__v_str(ex->a, s, strlen(s)) : NULL;
}

static const ov_json *
loc_val(struct evalx *ex, const char *s)
{
	char *o;
	size_t i, j = 0;

	if (s == NULL)
		return NULL;
	if ((o = ov__arena_alloc(ex->a, strlen(s) + 1)) == NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] != ' ')
			o[j++] = (char)tolower((unsigned char)s[i]);
	return ov_policy__v_str(ex->a, o, j);
}

/*
 * The envelope member behind name, type, id and location when the
 * template leaves it to the deployment (an unknown value), else NULL.
 */
static const ov_json *
unknown_member(const struct pres *r, int kind)
{
	const ov_json *v;

	switch (kind) {
	case FR_NAME:
	case FR_FULLNAME:
	case FR_ID:
		v = ov_json_get(r->body, "name");
		break;
	case FR_TYPE:
		v = ov_json_get(r->body, "type");
		break;
	case FR_LOCATION:
		v = ov_json_get(r->body, "location");
		break;
	default:
		return NULL;
	}
	return ov_policy__is_unknown(v) ? v : NULL;
}

/* The values of a field reference. */
int
ov_policy__field_values(struct evalx *ex, const struct fref *fr,
    const struct pres *r, const ov_json ***vals, size_t *n, bool *is_coll,
    bool *missing)
{
	static const ov_json *none[1];	/* never written: n is 0 */
	const ov_json *one = NULL, *base = r->body;
	const struct ppath *path = &fr->path;
	struct vals vs = { NULL, 0, 0 };
	uint32_t start = 0, k;
	int error;

	*is_coll = false;
	*missing = false;
	*n = 0;
	*vals = none;
	if ((one = unknown_member(r, fr->kind)) != NULL) {
		if ((vs.v = ov__arena_alloc(ex->a, sizeof(*vs.v))) == NULL)
			return OV_ENOMEM;
		vs.v[0] = one;
		*vals = vs.v;
		*n = 1;
		return 0;
	}
	switch (fr->kind) {
	case FR_NAME:
		if ((one = str_val(ex, r->name)) == NULL && r->name != NULL)
			return OV_ENOMEM;
		break;
	case FR_FULLNAME:
		one = ov_json_is_string(ov_json_get(r->body, "fullName")) ?
		    ov_json_get(r->body, "fullName") :
		    str_val(ex, full_name(ex->a, r));
		if (one == NULL)
			return OV_ENOMEM;	/* a full name always exists */
		break;
	case FR_TYPE:
		if ((one = str_val(ex, r->type)) == NULL && r->type != NULL)
			return OV_ENOMEM;
		break;
	case FR_ID:
		if ((one = str_val(ex, r->id)) == NULL && r->id != NULL)
			return OV_ENOMEM;
		break;
	case FR_LOCATION:
		if ((one = loc_val(ex, r->location)) == NULL &&
		    r->location != NULL)
			return OV_ENOMEM;
		break;
	case FR_UNKNOWN:
		*missing = true;
		if (fr->no_data && ex->no_alias == NULL)
			ex->no_alias = fr->text;
		return 0;
	default:
		break;
	}
	if (fr->kind != FR_PATH) {
		if ((vs.v = ov__arena_alloc(ex->a, sizeof(*vs.v))) == NULL)
			return OV_ENOMEM;
		vs.v[0] = one;
		*vals = vs.v;
		*n = one != NULL;
		*missing = one == NULL;
		return 0;
	}
	/* An alias known under several types: take the record's. */
	if (fr->alias != NULL && fr->alias->next != NULL && r->type != NULL) {
		const struct alias_ent *e;

		for (e = fr->alias; e != NULL; e = e->next)
			if (ov__streq_ci(e->type, r->type)) {
				path = &e->path;
				break;
			}
	}
	if (fr->bind >= 0 && fr->bind < ex->n_bind && ex->bind[fr->bind].fr
	    != NULL) {
		base = ex->bind[fr->bind].value;
		start = fr->skip;
	} else if (path->n > 0 && ov__eq_ci(path->segs[0].name,
	    path->segs[0].len, "properties", 10) &&
	    ov_json_type_of(ov_json_get(r->body, "properties")) !=
	    OV_JSON_OBJECT) {
		/*
		 * "Missing is not secure": the envelope was never sent (a
		 * list call leaves it out, `az resource list` sends null).
		 */
		if (fr->is_alias && r->aliases != NULL) {
			const ov_json *pv = ov_json_get(r->aliases, fr->text);

			if (pv != NULL) {
				if (path->n_wild > 0 &&
				    pv->type == OV_JSON_ARRAY) {
					*is_coll = true;
					for (k = 0; k < pv->len; k++)
						if ((error = vals_push(ex->a,
						    &vs, &pv->u.items[k])) < 0)
							return error;
				} else if ((error = vals_push(ex->a, &vs,
				    pv)) < 0)
					return error;
				*vals = vs.v;
				*n = vs.n;
				return 0;
			}
		}
		ex->missing_env = true;
	} else if (fr->graph && path->n > 0 &&
	    ov_json_get(r->body, path->segs[0].name) == NULL) {
		/* The same for a Graph object without the member (a $select). */
		ex->missing_env = true;
	}
	for (k = start; k < path->n; k++)
		if (path->segs[k].wild)
			*is_coll = true;
	if ((error = collect(ex->a, base, path->segs, start, path->n,
	    false, &vs, missing)) < 0)
		return error;
	if (!*is_coll && vs.n == 1 && vs.v[0] != NULL &&
	    vs.v[0]->type == OV_JSON_NULL) {
		vs.n = 0;
		*missing = true;
	}
	if (!*is_coll && vs.n == 0)
		*missing = true;
	/* A request's apiVersion, when the body does not carry one. */
	if (*missing && !fr->is_alias && path->n == 1 &&
	    ov__streq_ci(path->segs[0].name, "apiVersion") &&
	    ex->api_version != NULL) {
		*missing = false;
		if ((error = vals_push(ex->a, &vs, str_val(ex,
		    ex->api_version))) < 0)
			return error;
	}
	*vals = vs.v != NULL ? vs.v : none;
	*n = vs.n;
	return 0;
}

/* field() as a function: arrays for [*] paths, "" for a missing value. */
int
ov_policy__field_fn(struct evalx *ex, const struct fref *fr,
    const ov_json **out)
{
	const ov_json **vals;
	size_t n, i;
	bool coll, missing;
	int error;

	if ((error = ov_policy__field_values(ex, fr, ex->fres, &vals, &n,
	    &coll, &missing)) < 0)
		return error;
	if (fr->bind >= 0 && !coll) {
		/* Inside count: the member (or its property) as a
		 * one-element array.  AZP: author-policies-for-arrays */
		*out = ov_policy__v_array(ex->a, vals, n);
		return *out != NULL ? 0 : OV_ENOMEM;
	}
	if (coll) {
		size_t k = 0;

		for (i = 0; i < n; i++) {
			if (vals[i] == &no_array)
				continue;
			vals[k++] = vals[i] != NULL ? vals[i] :
			    &ov_policy__v_null;
		}
		*out = ov_policy__v_array(ex->a, vals, k);
		return *out != NULL ? 0 : OV_ENOMEM;
	}
	/* AZP: author-policies-for-arrays: a missing value reads as "". */
	if (n == 0 || vals[0] == NULL || vals[0]->type == OV_JSON_NULL) {
		*out = ov_policy__v_str(ex->a, "", 0);
		return *out != NULL ? 0 : OV_ENOMEM;
	}
	*out = vals[0];
	return 0;
}

/* ---- operators -------------------------------------------------------- */

/* AZP: like: '*' matches any run, case-insensitive. */
static bool
like(const char *s, const char *p)
{
	const char *star = NULL, *ss = NULL;

	while (*s != '\0') {
		if (*p == '*') {
			star = p++;
			ss = s;
		} else if (tolower((unsigned char)*p) ==
		    tolower((unsigned char)*s)) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star + 1;
			s = ++ss;
		} else
			return false;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* AZP: match: '#' digit, '?' letter, '.' any; whole string. */
static bool
match(const char *s, const char *p, bool ci)
{
	for (; *p != '\0'; p++, s++) {
		unsigned char c = (unsigned char)*s;

		if (*s == '\0')
			return false;
		if (*p == '#') {
			if (!isdigit(c))
				return false;
		} else if (*p == '?') {
			if (!isalpha(c))
				return false;
		} else if (*p == '.') {
			continue;
		} else if (ci ? tolower(c) != tolower((unsigned char)*p) :
		    c != (unsigned char)*p)
			return false;
	}
	return *s == '\0';
}

static bool
is_scalar(const ov_json *v)
{
	return v != NULL && v->type != OV_JSON_ARRAY &&
	    v->type != OV_JSON_OBJECT && v->type != OV_JSON_NULL;
}

/* The condition operators' equality: scalars through their text. */
static bool
cond_equal(struct evalx *ex, const ov_json *l, const ov_json *r)
{
	if (l == NULL)
		l = &ov_policy__v_null;
	if (r == NULL)
		r = &ov_policy__v_null;
	if (l->type == OV_JSON_NUMBER && r->type == OV_JSON_NUMBER)
		return ov_policy__num(l) == ov_policy__num(r);
	if (is_scalar(l) && is_scalar(r) && l->type != r->type) {
		const char *a = ov_policy__to_text(ex->a, l, false);
		const char *b = ov_policy__to_text(ex->a, r, false);

		return a != NULL && b != NULL && ov_policy__eq_fold(a,
		    strlen(a), b, strlen(b));
	}
	return ov_policy__equal(l, r, true);
}

static int
order(struct evalx *ex, const ov_json *l, const ov_json *r, int *cmp)
{
	int64_t tl, tr;

	if (l == NULL || r == NULL || l->type == OV_JSON_NULL ||
	    r->type == OV_JSON_NULL)
		return 1;	/* absent: the ordering is false */
	if (l->type == OV_JSON_NUMBER && r->type == OV_JSON_NUMBER) {
		double a = ov_policy__num(l), b = ov_policy__num(r);

		*cmp = a < b ? -1 : a > b;
		return 0;
	}
	if (l->type == OV_JSON_STRING && r->type == OV_JSON_STRING) {
		if (ov__time_parse(l->u.str, l->len, &tl) &&
		    ov__time_parse(r->u.str, r->len, &tr)) {
			*cmp = tl < tr ? -1 : tl > tr;
			return 0;
		}
		/* AZP: conditions compare InvariantCultureIgnoreCase. */
		*cmp = ov_policy__cmp_fold(l->u.str, r->u.str);
		return 0;
	}
	/* A number against a numeric string compares numerically. */
	if ((l->type == OV_JSON_NUMBER && r->type == OV_JSON_STRING) ||
	    (l->type == OV_JSON_STRING && r->type == OV_JSON_NUMBER)) {
		const ov_json *s = l->type == OV_JSON_STRING ? l : r;
		char *end;
		double d = strtod(s->u.str, &end), a, b;

		if (end != s->u.str && *end == '\0') {
			a = l == s ? d : ov_policy__num(l);
			b = r == s ? d : ov_policy__num(r);
			*cmp = a < b ? -1 : a > b;
			return 0;
		}
	}
	return ov_policy__fail(ex, "cannot order %s against %s",
	    l->type == OV_JSON_STRING ? "a string" : "a non-string",
	    r->type == OV_JSON_STRING ? "a string" : "a non-string");
}

/*
 * Apply one operator; 1 true, 0 false, <0 error.  pat is the pattern of a
 * like/match precompiled from a constant r (NULL to convert r here).
 */
static int
apply(struct evalx *ex, int cop, const char *pat, const ov_json *l,
    const ov_json *r)
{
	const char *ls, *rs;
	const ov_json *u;
	size_t i;
	int c = 0, error;
	bool present;

	/*
	 * A value known only at deployment decides nothing.  Presence and
	 * keys are known even when what is below them is not.
	 */
	if (cop == CO_EXISTS)
		u = ov_policy__is_unknown(l) &&
		    !(l->flags & OV_JSON_F__PRESENT) ? l : NULL;
	else if (cop == CO_CONTAINS_KEY || cop == CO_NOT_CONTAINS_KEY)
		u = ov_policy__is_unknown(l) ? l : NULL;
	else if ((u = ov_policy__find_unknown(l)) == NULL)
		u = ov_policy__find_unknown(r);
	if (u != NULL) {
		if (ex->unknown == NULL)
			ex->unknown = u;
		return OV_EVAL_UNKNOWN;
	}
	switch (cop) {
	case CO_EQUALS:
		return cond_equal(ex, l, r);
	case CO_NOT_EQUALS:
		return !cond_equal(ex, l, r);
	case CO_IN:
	case CO_NOT_IN:
		if (ov_json_type_of(r) != OV_JSON_ARRAY) {
			if (r == NULL || r->type == OV_JSON_NULL)
				return cop == CO_NOT_IN;
			return ov_policy__fail(ex, "'%s' needs an array",
			    ov_policy__cond_names[cop]);
		}
		for (i = 0; i < r->len; i++)
			if (l != NULL && cond_equal(ex, l, &r->u.items[i]))
				break;
		return (i < r->len) == (cop == CO_IN);
	case CO_LIKE:
	case CO_NOT_LIKE:
	case CO_MATCH:
	case CO_NOT_MATCH:
	case CO_MATCH_CI:
	case CO_NOT_MATCH_CI: {
		bool neg = cop == CO_NOT_LIKE || cop == CO_NOT_MATCH ||
		    cop == CO_NOT_MATCH_CI, res;

		if (!is_scalar(l) || !is_scalar(r))
			return neg;
		ls = ov_policy__to_text(ex->a, l, false);
		rs = pat != NULL ? pat : ov_policy__to_text(ex->a, r, false);
		if (ls == NULL || rs == NULL)
			return ov_policy__fail(ex, "out of memory");
		if (cop == CO_LIKE || cop == CO_NOT_LIKE)
			res = like(ov_policy__fold_dup(ex->a, ls), pat != NULL ?
			    pat : ov_policy__fold_dup(ex->a, rs));
		else
			res = match(ls, rs, cop == CO_MATCH_CI ||
			    cop == CO_NOT_MATCH_CI);
		return res != neg;
	}
	case CO_CONTAINS:
	case CO_NOT_CONTAINS: {
		bool res = false;

		if (ov_json_type_of(l) == OV_JSON_ARRAY) {
			for (i = 0; i < l->len && !res; i++)
				res = cond_equal(ex, &l->u.items[i], r);
		} else if (ov_json_type_of(l) == OV_JSON_OBJECT) {
			res = ov_json_is_string(r) &&
			    ov_json_getn(l, r->u.str, r->len) != NULL;
		} else if (is_scalar(l) && is_scalar(r)) {
			ls = ov_policy__to_text(ex->a, l, false);
			rs = ov_policy__to_text(ex->a, r, false);
			res = ls != NULL && rs != NULL &&
			    ov_policy__contains_ci(ov_policy__fold_dup(ex->a,
			    ls), ov_policy__fold_dup(ex->a, rs));
		}
		return res == (cop == CO_CONTAINS);
	}
	case CO_CONTAINS_KEY:
	case CO_NOT_CONTAINS_KEY: {
		bool res = ov_json_type_of(l) == OV_JSON_OBJECT &&
		    ov_json_is_string(r) && ov_json_getn(l, r->u.str,
		    r->len) != NULL;

		return res == (cop == CO_CONTAINS_KEY);
	}
	case CO_LESS:
	case CO_LESS_OR_EQUALS:
	case CO_GREATER:
	case CO_GREATER_OR_EQUALS:
		if ((error = order(ex, l, r, &c)) < 0)
			return error;
		if (error > 0)
			return 0;
		switch (cop) {
		case CO_LESS: return c < 0;
		case CO_LESS_OR_EQUALS: return c <= 0;
		case CO_GREATER: return c > 0;
		default: return c >= 0;
		}
	case CO_EXISTS:
		present = l != NULL && l->type != OV_JSON_NULL;
		if (r != NULL && r->type == OV_JSON_STRING)
			return present == ov__streq_ci(r->u.str, "true");
		if (r != NULL && (r->type == OV_JSON_TRUE ||
		    r->type == OV_JSON_FALSE))
			return present == (r->type == OV_JSON_TRUE);
		return ov_policy__fail(ex, "'exists' needs true or false");
	default:
		return ov_policy__fail(ex, "unknown operator");
	}
}

/* Location fields compare after normalisation on both sides. */
static const ov_json *
norm_loc(struct evalx *ex, const ov_json *r)
{
	const ov_json **items;
	size_t i;

	if (ov_json_is_string(r))
		return loc_val(ex, r->u.str);
	if (ov_json_type_of(r) != OV_JSON_ARRAY)
		return r;
	if ((items = ov__arena_calloc(ex->a, r->len + 1, sizeof(*items))) ==
	    NULL)
		return r;
	for (i = 0; i < r->len; i++) {
		items[i] = norm_loc(ex, &r->u.items[i]);
		if (items[i] == NULL)
			return r;
	}
	return ov_policy__v_array(ex->a, items, r->len);
}

/* ---- conditions ------------------------------------------------------- */

static int eval_node(struct evalx *ex, const struct ir *n, bool neg);

static void
note(struct evalx *ex, const struct ir *n, const char *path,
    const ov_json *v)
{
	if (n->is_tcheck && ex->last != NULL && !ex->last->is_tcheck)
		return;
	ex->last = n;
	ex->last_path = path;
	ex->last_val = v;
	ex->last_node = v;
}

static void
trace(struct evalx *ex, const struct ir *n, int res, const char *what)
{
	if (ex->trace == NULL)
		return;
	(void)ov__buf_printf(ex->trace, "  #%u %-11s %-40s -> %s%s%s\n",
	    n->index, ov_policy__op_names[n->op], n->pointer,
	    res < 0 ? "error" : res == OV_EVAL_UNKNOWN ? "unknown" : res ?
	    "true" : "false",
	    what != NULL ? "  " : "", what != NULL ? what : "");
}

static bool
counted_leaf(const struct evalx *ex, const struct ir *n)
{
	const struct fref *fr = n->field;

	if (n->op != IR_FIELD || fr == NULL)
		return false;
	if (fr->kind == FR_TYPE)
		return ex->pi->app_type;
	if (fr->kind == FR_NAME || fr->kind == FR_FULLNAME)
		return ex->pi->app_name;
	if (n->is_tcheck)
		return ex->pi->app_kind;
	return false;
}

static int
eval_field(struct evalx *ex, const struct ir *n)
{
	const struct fref *fr = n->field;
	const ov_json **vals, *r;
	const char *pat = n->pat;
	size_t nv, i;
	bool coll, missing;
	int error, res = 1;

	if (fr == NULL) {
		const ov_json *fv;
		struct fref *dyn;

		if ((error = ov_policy__eval_expr(ex, n->fexpr, &fv)) < 0)
			return error;
		if (!ov_json_is_string(fv))
			return ov_policy__fail(ex, "field expression does not "
			    "give a string");
		if ((error = ov_policy__fref_resolve(ex->set, ex->a, fv->u.str,
		    fv->len, &dyn)) < 0)
			return error;
		fr = dyn;
	}
	if ((error = ov_policy__eval_expr(ex, n->rhs, &r)) < 0)
		return error;
	if ((error = ov_policy__field_values(ex, fr, ex->res, &vals, &nv,
	    &coll, &missing)) < 0)
		return error;
	/* Locations compare normalised: the pattern is redone from r. */
	if (fr->kind == FR_LOCATION) {
		r = norm_loc(ex, r);
		pat = NULL;
	}
	if (!coll) {
		res = apply(ex, n->cop, pat, nv > 0 ? vals[0] : NULL, r);
		note(ex, n, fr->kind == FR_PATH ? fr->path.text : fr->text,
		    nv > 0 ? vals[0] : NULL);
		return res;
	}
	/* AZP: author-policies-for-arrays: implicit all-of over [*]. */
	if (missing) {
		note(ex, n, fr->path.text, NULL);
		return 0;
	}
	/* False decides; an unknown member leaves it open otherwise. */
	for (i = 0; i < nv && res != 0; i++) {
		int one;

		if (vals[i] == &no_array)
			vals[i] = NULL;
		if ((one = apply(ex, n->cop, pat, vals[i], r)) < 0)
			return one;
		if (one == 0 || (one == OV_EVAL_UNKNOWN && res == 1) ||
		    (res == 1 && i + 1 == nv))
			note(ex, n, fr->path.text, vals[i]);
		if (one != 1 && res != OV_EVAL_UNKNOWN)
			res = one;
		else if (one == 0)
			res = 0;
	}
	if (nv == 0)
		note(ex, n, fr->path.text, NULL);
	return res;
}

/*
 * Decide a count condition when unknown members leave the count between
 * lo and hi: the operators compare against constants, so their answer can
 * only change at the constants; trying the ends and the values next to
 * each constant in range covers every count in between.
 */
static int
count_decide(struct evalx *ex, const struct ir *n, int64_t lo, int64_t hi,
    const ov_json *r)
{
	int64_t probes[3 * 16 + 2], k;
	const ov_json *cv, *items = NULL;
	size_t np = 0, i, ni = 1;
	int res = -1, one;

	probes[np++] = lo;
	probes[np++] = hi;
	if (ov_json_type_of(r) == OV_JSON_ARRAY) {
		items = r->u.items;
		ni = r->len;
	} else
		items = r;
	for (i = 0; i < ni && np + 3 <= sizeof(probes) / sizeof(probes[0]);
	    i++) {
		double d = ov_policy__num(&items[i]);

		if (items[i].type == OV_JSON_STRING)
			d = strtod(items[i].u.str, NULL);
		for (k = -1; k <= 1; k++) {
			int64_t x = (int64_t)floor(d) + k;

			if (x > lo && x < hi)
				probes[np++] = x;
		}
	}
	for (i = 0; i < np; i++) {
		if ((cv = ov_policy__v_int(ex->a, probes[i])) == NULL)
			return OV_ENOMEM;
		if ((one = apply(ex, n->cop, n->pat, cv, r)) < 0)
			return one;
		if (res >= 0 && one != res)
			return OV_EVAL_UNKNOWN;
		res = one;
	}
	return res;
}

static int
eval_count(struct evalx *ex, const struct ir *n)
{
	const ov_json **members = NULL, *arr, *r, *cv, *open = NULL;
	const ov_json *first = NULL;
	const char *named = NULL, *path;
	size_t nm = 0, i, k, n_named = 0;
	int64_t count = 0, n_unknown = 0;
	int error, res;
	bool coll, missing;

	if (n->op == IR_COUNT_FIELD) {
		if ((error = ov_policy__field_values(ex, n->field, ex->res,
		    &members, &nm, &coll, &missing)) < 0)
			return error;
		if (missing)
			nm = 0;
		/* An unknown array (or member) leaves the count open. */
		for (i = 0, k = 0; i < nm; i++)
			if (ov_policy__is_unknown(members[i])) {
				if (open == NULL)
					open = members[i];
			} else if (members[i] != NULL &&
			    members[i] != &no_array)
				members[k++] = members[i];
		nm = k;
	} else {
		if ((error = ov_policy__eval_expr(ex, n->lhs, &arr)) < 0)
			return error;
		if (ov_policy__is_unknown(arr)) {
			open = arr;
			nm = 0;
		} else if (arr == NULL || arr->type == OV_JSON_NULL)
			nm = 0;
		else if (arr->type != OV_JSON_ARRAY)
			return ov_policy__fail(ex, "count.value is not an "
			    "array");
		else {
			nm = arr->len;
			members = ov__arena_calloc(ex->a, nm + 1,
			    sizeof(*members));
			if (members == NULL)
				return OV_ENOMEM;
			for (i = 0; i < nm; i++)
				members[i] = &arr->u.items[i];
		}
	}
	if (ex->set != NULL && ex->set->max_count > 0 &&
	    nm > ex->set->max_count)
		return ov_policy__fail(ex, "count over %zu members exceeds "
		    "the limit", nm);
	if (n->n_kids == 0)
		count = (int64_t)nm;
	else {
		if (ex->n_bind >= EVAL_MAX_BIND)
			return ov_policy__fail(ex, "count nested too deeply");
		for (i = 0; i < nm; i++) {
			struct binding *b = &ex->bind[ex->n_bind];
			const char *mn;

			b->value = members[i] != NULL ? members[i] :
			    &ov_policy__v_null;
			b->fr = n->op == IR_COUNT_FIELD ? n->field : NULL;
			b->name = n->op == IR_COUNT_FIELD ? n->field->text :
			    (n->cname != NULL ? n->cname : NULL);
			b->level = n->level;
			ex->n_bind++;
			res = eval_node(ex, n->kids[0], false);
			ex->n_bind--;
			if (res < 0)
				return res;
			if (res == OV_EVAL_UNKNOWN) {
				n_unknown++;
				continue;
			}
			if (res == 1 && first == NULL)
				first = members[i];
			count += res;
			/* Name the first members that matched, as evidence. */
			if (res == 1 && n_named < 3 && (mn = ov_json_string(
			    ov_json_get(members[i], "name"))) != NULL) {
				named = ov__arena_printf(ex->a, "%s%s%s",
				    named != NULL ? named : "", named != NULL ?
				    ", " : "", mn);
				n_named++;
			}
		}
	}
	if ((error = ov_policy__eval_expr(ex, n->rhs, &r)) < 0)
		return error;
	if ((cv = ov_policy__v_int(ex->a, count)) == NULL)
		return OV_ENOMEM;
	if (open != NULL || n_unknown > 0) {
		res = count_decide(ex, n, count, open != NULL ?
		    count + 1000000 : count + n_unknown, r);
		if (res == OV_EVAL_UNKNOWN && open != NULL &&
		    ex->unknown == NULL)
			ex->unknown = open;
		path = n->field != NULL ? n->field->text : "count.value";
		note(ex, n, path, open != NULL ? open : cv);
		return res;
	}
	res = apply(ex, n->cop, n->pat, cv, r);
	path = n->field != NULL ? n->field->text : "count.value";
	if (named != NULL)
		path = ov__arena_printf(ex->a, "%s (matched: %s%s)", path,
		    named, (int64_t)n_named < count ? ", ..." : "");
	note(ex, n, path, cv);
	if (first != NULL && ex->last == n)
		ex->last_node = first;
	return res;
}

static int
eval_node(struct evalx *ex, const struct ir *n, bool neg)
{
	uint32_t i;
	int res = 0, error;

	if ((error = step(ex)) < 0)
		return error;
	switch (n->op) {
	case IR_TRUE:
		return 1;
	case IR_FALSE:
		return 0;
	case IR_ALLOF:
	case IR_ANYOF:
		res = n->op == IR_ALLOF;
		for (i = 0; i < n->n_kids; i++) {
			int r = eval_node(ex, n->kids[i], neg);

			if (r < 0)
				return r;
			/* Kleene: a deciding child wins over an unknown. */
			if (r == OV_EVAL_UNKNOWN) {
				res = r;
				continue;
			}
			if ((n->op == IR_ALLOF) != (r == 1)) {
				res = r;
				break;
			}
		}
		trace(ex, n, res, NULL);
		return res;
	case IR_NOT:
		res = eval_node(ex, n->kids[0], !neg);
		res = res < 0 || res == OV_EVAL_UNKNOWN ? res : !res;
		trace(ex, n, res, NULL);
		return res;
	default:
		break;
	}
	if (ex->applic && !counted_leaf(ex, n))
		return !neg;
	switch (n->op) {
	case IR_FIELD:
		res = eval_field(ex, n);
		break;
	case IR_VALUE: {
		const ov_json *l, *r;

		if ((res = ov_policy__eval_expr(ex, n->lhs, &l)) < 0 ||
		    (res = ov_policy__eval_expr(ex, n->rhs, &r)) < 0)
			break;
		res = apply(ex, n->cop, n->pat, l, r);
		note(ex, n, NULL, l);
		break;
	}
	case IR_COUNT_FIELD:
	case IR_COUNT_VALUE:
		res = eval_count(ex, n);
		break;
	default:
		res = ov_policy__fail(ex, "bad IR node");
		break;
	}
	if (ex->trace != NULL) {
		const char *v = ex->last == n ? (ex->last_val != NULL ?
		    ov_secret__json_text(ex->a, ex->last_path,
		    ex->last_val) : "absent") : NULL;

		trace(ex, n, res, v);
	}
	return res;
}

/* ---- one instance on one resource ------------------------------------- */

static bool
type_in(const struct pinst *pi, const char *type)
{
	size_t i;

	if (pi->types == NULL)
		return true;
	if (type == NULL)
		return false;
	for (i = 0; i < pi->n_types; i++)
		if (ov__streq_ci(pi->types[i], type))
			return true;
	return false;
}

static void
set_evidence(struct evalx *ex, struct presult *out)
{
	if (ex->last == NULL)
		return;
	out->pointer = ex->last->pointer;
	out->path = ex->last_path;
	/* the value as evidence: a secret property is never echoed */
	out->value = ex->last_val != NULL ? ov_secret__json_text(ex->a,
	    ex->last_path, ex->last_val) : NULL;
	if (ex->last_val != NULL && out->value == NULL)
		ex->oom = true;	/* never "absent" for a value not written */
	out->node = ex->last_node;
}

/* The verdict on a value known only at deployment: indeterminate. */
static void
set_unknown(struct evalx *ex, struct presult *out, const char *reason,
    const char *what)
{
	out->state = OV_STATE_INDETERMINATE;
	out->reason = reason;
	if (what != NULL)
		out->value = ov_policy__json_text(ex->a,
		    ov_policy__v_str(ex->a, what, strlen(what)));
	else if (ex->unknown != NULL) {
		out->value = ov_policy__json_text(ex->a, ex->unknown);
		if (ex->last_val != ex->unknown)
			out->node = ex->unknown;
	}
}

static int
eval_related(struct evalx *ex, const struct pinst *pi, const struct pres *r,
    const struct related *rel, struct presult *out)
{
	const ov_json *v;
	const char *name = NULL, *rg = NULL;
	struct pres *cands = NULL;
	size_t n = 0, i;
	bool collected = true, unknown = false;
	int error, res;

	if (pi->rel_name != NULL) {
		if ((error = ov_policy__eval_expr(ex, pi->rel_name, &v)) < 0)
			return error;
		name = ov_json_string(v);
	}
	if (pi->rel_rg != NULL) {
		if ((error = ov_policy__eval_expr(ex, pi->rel_rg, &v)) < 0)
			return error;
		rg = ov_json_string(v);
	}
	if (rel == NULL || rel->lookup == NULL) {
		out->state = OV_STATE_INDETERMINATE;
		out->reason = ov__arena_printf(ex->a, "related resources of "
		    "type %s not available", pi->rel_type);
		return 0;
	}
	if ((error = rel->lookup(rel->payload, pi, r, pi->rel_type, name, rg,
	    pi->rel_sub_scope, &cands, &n, &collected, ex->a)) < 0)
		return ov_policy__fail(ex, "related-resource look-up failed");
	if (!collected) {
		out->state = OV_STATE_INDETERMINATE;
		out->reason = ov__arena_printf(ex->a, "related resources of "
		    "type %s were not collected", pi->rel_type);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (pi->exist == NULL)
			break;
		ex->res = &cands[i];
		ex->fres = r;
		ex->n_bind = 0;
		res = eval_node(ex, pi->exist, false);
		ex->res = r;
		if (res < 0)
			return res;
		if (res == 1)
			break;
		if (res == OV_EVAL_UNKNOWN)
			unknown = true;
	}
	if (i == n && unknown) {
		set_evidence(ex, out);
		set_unknown(ex, out, "whether a related resource satisfies "
		    "existenceCondition is known only at deployment", NULL);
		return 0;
	}
	if (n > 0 && i < n) {
		out->state = OV_STATE_COMPLIANT;
		out->reason = ov__arena_printf(ex->a, "related %s %s found",
		    pi->rel_type, cands[i].id != NULL ? cands[i].id : "");
		return 0;
	}
	out->state = OV_STATE_NON_COMPLIANT;
	out->reason = ov__arena_printf(ex->a, n == 0 ? "no related %s found" :
	    "no related %s satisfies existenceCondition", pi->rel_type);
	if (n > 0 && ex->last != NULL)
		set_evidence(ex, out);
	return 0;
}

/*
 * Namespaces whose resource-group-level resources are not tracked (no
 * location): governance, policy and security settings.
 */
static const char *const untracked_ns[] = {
	"Microsoft.Advisor", "Microsoft.Authorization", "Microsoft.Billing",
	"Microsoft.Capacity", "Microsoft.Consumption",
	"Microsoft.CostManagement", "Microsoft.Features",
	"Microsoft.Management", "Microsoft.PolicyInsights",
	"Microsoft.ResourceHealth", "Microsoft.Resources",
	"Microsoft.Security", "Microsoft.Subscription", "Microsoft.Support",
};

/*
 * AZP: definition-structure-basics#resource-manager-modes: mode Indexed
 * evaluates the types that support tags and location.  A record with a
 * location qualifies, one whose source sent an empty location does not.
 * When the source sent no location at all (a projection, a partial
 * export), its type decides: another record of the type carries one, or
 * it is a top-level resource in a resource group outside the governance
 * namespaces (ARM's untracked, location-less types are child, extension
 * and subscription-level resources).
 */
static bool
indexed_applicable(const struct pres *r)
{
	const struct ov_record_list *l;
	struct ov_arm_id arm;
	struct ov_arena tmp;
	bool ok;
	size_t i;

	if (r->location != NULL && r->location[0] != '\0')
		return true;
	if (r->body != NULL && ov_json_get(r->body, "location") != NULL)
		return false;
	if (r->snap != NULL && r->type != NULL &&
	    (l = ov_model__by_type(r->snap, r->type)) != NULL && l->located)
		return true;
	if (r->rec == NULL || r->rec->id == NULL)
		return false;
	if (r->rec->place->resource_group == NULL || r->rec->parent_len != 0)
		return false;
	/* the record keeps its header only: its id says the rest */
	ov__arena_init(&tmp, 512, 0);
	ok = ov_model__arm_id_parse(&arm, &tmp, r->rec->id,
	    strlen(r->rec->id)) == 0 && arm.resource_group != NULL &&
	    arm.provider != NULL && arm.depth == 1 && arm.parent == NULL;
	for (i = 0; ok && i < sizeof(untracked_ns) / sizeof(untracked_ns[0]);
	    i++)
		if (ov__streq_ci(arm.provider, untracked_ns[i]))
			ok = false;
	ov__arena_free(&tmp);
	return ok;
}

/* Evaluate one instance on one resource. */
int
ov_policy__eval_inst(const struct ov_policy_set *set, ov_ctx *ctx,
    struct ov_arena *a, const struct pinst *pi, const struct pres *r,
    const struct related *rel, struct ov_buf *trace_buf,
    struct presult *out)
{
	struct evalx ex;
	int res, error;
	bool aine;

	memset(out, 0, sizeof(*out));
	out->state = -1;
	if (pi->unsupported != NULL || pi->error != NULL ||
	    pi->effect == OV_EFFECT_DISABLED ||
	    pi->effect == OV_EFFECT_DENY_ACTION)
		return 0;
	if (!type_in(pi, r->type))
		return 0;
	/*
	 * AZP: policy-applicability: Microsoft.Resources is skipped but for
	 * subscriptions and resource groups (ARM GET names a group
	 * Microsoft.Resources/resourceGroups, policy and Resource Graph
	 * Microsoft.Resources/subscriptions/resourceGroups), and mode
	 * Indexed skips those two as well: it evaluates only types with
	 * tags and a location of their own.
	 */
	if (r->type != NULL && ov__startswith_ci(r->type,
	    "Microsoft.Resources/") && (pi->indexed ||
	    (!ov__streq_ci(r->type, "Microsoft.Resources/subscriptions") &&
	    !ov__streq_ci(r->type, "Microsoft.Resources/resourceGroups") &&
	    !ov__streq_ci(r->type,
	    "Microsoft.Resources/subscriptions/resourceGroups"))))
		return 0;
	if (pi->indexed && !indexed_applicable(r))
		return 0;
	memset(&ex, 0, sizeof(ex));
	ex.set = set;
	ex.ctx = ctx;
	ex.a = a;
	ex.pi = pi;
	ex.res = r;
	ex.fres = r;
	ex.trace = trace_buf;
	ex.api_version = set != NULL ? set->api_version : NULL;
	if (r->body != NULL && ov_json_get(r->body, "apiVersion") != NULL)
		ex.api_version = ov_json_string(ov_json_get(r->body,
		    "apiVersion"));
	aine = pi->effect == OV_EFFECT_AUDIT_IF_NOT_EXISTS ||
	    pi->effect == OV_EFFECT_DEPLOY_IF_NOT_EXISTS;
	if (!aine && (pi->app_type || pi->app_name || pi->app_kind)) {
		ex.applic = true;
		ex.trace = NULL;
		res = eval_node(&ex, pi->cond, false);
		if (res == OV_ENOMEM || ex.oom)
			return ov__error_oom(ctx);
		ex.applic = false;
		ex.trace = trace_buf;
		ex.missing_env = false;
		ex.no_alias = NULL;
		if (res == 0)
			return 0;
		ex.failed = false;
		ex.steps = 0;
	}
	ex.last = NULL;
	ex.unknown = NULL;
	if (trace_buf != NULL)
		(void)ov__buf_printf(trace_buf, "%s on %s\n", pi->def->name,
		    r->id != NULL ? r->id : "(resource)");
	res = eval_node(&ex, pi->cond, false);
	if (res == OV_ENOMEM || ex.oom)
		return ov__error_oom(ctx);
	if (res < 0) {
		out->state = OV_STATE_ERROR;
		out->reason = ov__arena_strdup(a, ex.failed ? ex.err :
		    "evaluation failed");
		set_evidence(&ex, out);
		return 0;
	}
	set_evidence(&ex, out);
	if (ex.oom)
		return ov__error_oom(ctx);
	if (res == OV_EVAL_UNKNOWN) {
		set_unknown(&ex, out, "depends on a value known only at "
		    "deployment", NULL);
		return 0;
	}
	if (res == 0) {
		if (aine)
			return 0;
		out->state = OV_STATE_COMPLIANT;
		out->reason = "if condition is false";
	} else {
		switch (pi->effect) {
		case OV_EFFECT_AUDIT_IF_NOT_EXISTS:
		case OV_EFFECT_DEPLOY_IF_NOT_EXISTS:
			if ((error = eval_related(&ex, pi, r, rel, out)) < 0) {
				out->state = OV_STATE_ERROR;
				out->reason = ov__arena_strdup(a, ex.failed ?
				    ex.err : "evaluation failed");
			}
			break;
		case OV_EFFECT_MANUAL:
			if (pi->default_state != NULL &&
			    ov__streq_ci(pi->default_state, "Compliant"))
				out->state = OV_STATE_COMPLIANT;
			else if (pi->default_state != NULL &&
			    ov__streq_ci(pi->default_state, "NonCompliant"))
				out->state = OV_STATE_NON_COMPLIANT;
			else {
				out->state = OV_STATE_INDETERMINATE;
				out->reason = "manual: attestation required";
			}
			break;
		case OV_EFFECT_MODIFY:
		case OV_EFFECT_APPEND: {
			const ov_json *ch = pi->effect == OV_EFFECT_MODIFY ?
			    ov_json_get(pi->details, "operations") :
			    pi->details;

			out->state = OV_STATE_NON_COMPLIANT;
			out->change = ch != NULL ? ov_policy__json_text(a, ch) :
			    NULL;
			out->reason = pi->effect == OV_EFFECT_MODIFY ?
			    "modify would change the resource" :
			    "append would add fields";
			break;
		}
		default:
			out->state = OV_STATE_NON_COMPLIANT;
			out->reason = "if condition is true";
			break;
		}
	}
	/* A verdict that read an alias of a type without alias data. */
	if (ex.no_alias != NULL && (set == NULL || !set->lax_missing) &&
	    (out->state == OV_STATE_COMPLIANT ||
	    out->state == OV_STATE_NON_COMPLIANT)) {
		out->state = OV_STATE_INDETERMINATE;
		out->reason = ov__arena_printf(a, "no alias data for '%s' "
		    "(load a full table with --aliases)", ex.no_alias);
		return 0;
	}
	/* "Missing is not secure": a verdict read from an absent envelope. */
	if (ex.missing_env && (set == NULL || !set->lax_missing) &&
	    (out->state == OV_STATE_COMPLIANT ||
	    out->state == OV_STATE_NON_COMPLIANT)) {
		out->state = OV_STATE_INDETERMINATE;
		out->reason = r->type != NULL && ov__startswith_ci(r->type,
		    "Microsoft.Graph/") ? "the Graph object lacks a property "
		    "the rule reads: the source did not send it" :
		    "the record has no properties: the source did "
		    "not send the fields the rule reads";
	}
	/*
	 * A resource whose condition or copy count is known only at
	 * deployment may not be deployed at all: its violations are open.
	 */
	if (r->exists_if != NULL && out->state == OV_STATE_NON_COMPLIANT)
		set_unknown(&ex, out, "the resource is deployed only when a "
		    "condition known only at deployment holds", r->exists_if);
	return 0;
}
