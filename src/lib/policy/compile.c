/* SPDX-License-Identifier: MIT */
/*
 * Compile a definition with its parameter values into IR: conditions
 * become nodes with pre-resolved field references, expressions are parsed
 * and constant-folded (parameters() included), the effect is resolved, and
 * the type guard at the top of `if` is hoisted so the evaluator can index
 * rules by resource type.  AZP: definition-structure-policy-rule.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy/policy_int.h"
#include "util/alloc.h"
#include "util/error.h"

const char *const ov_policy__op_names[] = {
#define OV_OP(n, s) s,
#include "opcode_list.h"
	NULL
};

const char *const ov_policy__cond_names[] = {
#define OV_COND(n, s) s,
#include "opcode_list.h"
	NULL
};

#define MAX_COUNT_DEPTH 8

struct compiler {
	struct ov_policy_set	*set;	/* owner */
	struct ov_arena		*a;	/* the set arena */
	struct pdef		*def;	/* definition being compiled */
	struct pinst		*pi;	/* instance being built */
	struct fref		*cstack[MAX_COUNT_DEPTH]; /* field counts */
	const char		*cnames[MAX_COUNT_DEPTH]; /* count names */
	int			 depth;	/* count nesting */
	bool			 in_exist; /* inside existenceCondition */
	uint32_t		 n_nodes; /* nodes created */
	bool			 failed; /* an error was reported */
};

static int cerr(struct compiler *c, const ov_json *node, const char *ptr,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
cerr(struct compiler *c, const ov_json *node, const char *ptr,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!c->failed) {
		c->failed = true;
		c->pi->error = ov__arena_strdup(c->a, msg);
		c->pi->error_ptr = ptr;
		(void)ov_policy__diag(c->set, OV_POLICY_DIAG_ERROR,
		    c->def->file, node, ptr, "%s", msg);
	}
	return OV_EINVALID;
}

static const char *
ptr_join(struct compiler *c, const char *base, const char *key)
{
	return ov__arena_printf(c->a, "%s/%s", base, key);
}

static const char *
ptr_index(struct compiler *c, const char *base, size_t i)
{
	return ov__arena_printf(c->a, "%s/%zu", base, i);
}

/* Bind a field reference to the innermost field count that covers it. */
static void
bind_fref(struct compiler *c, struct fref *fr)
{
	int l;
	uint32_t k;

	if (fr->kind != FR_PATH || fr->path.n_wild == 0)
		return;
	for (l = c->depth - 1; l >= 0; l--) {
		const struct fref *cf = c->cstack[l];

		if (cf == NULL || cf->kind != FR_PATH || cf->path.n >
		    fr->path.n)
			continue;
		for (k = 0; k < cf->path.n; k++) {
			const struct pseg *a = &cf->path.segs[k];
			const struct pseg *b = &fr->path.segs[k];

			if (a->wild != b->wild || !ov__eq_ci(a->name, a->len,
			    b->name, b->len))
				break;
		}
		if (k == cf->path.n) {
			fr->bind = (int8_t)l;
			fr->skip = cf->path.n;
			return;
		}
	}
}

static int
resolve_field(struct compiler *c, const char *s, size_t len,
    struct fref **out)
{
	int error;

	if ((error = ov_policy__fref_resolve(c->set, c->a, s, len, out)) < 0)
		return error;
	bind_fref(c, *out);
	return 0;
}

/* Walk an expression: pre-resolve field('x'), fold constant subtrees. */
static int
prep_expr(struct compiler *c, struct expr *e, bool *is_const)
{
	bool all = true, k;
	size_t i;
	int error;

	*is_const = false;
	if (e->kind == EX_CONST) {
		*is_const = true;
		return 0;
	}
	for (i = 0; i < e->nargs; i++) {
		if ((error = prep_expr(c, e->args[i], &k)) < 0)
			return error;
		all = all && k;
	}
	if (e->kind == EX_CALL) {
		const struct fn_def *fn = &ov_policy__fns[e->fn];

		if (strcmp(fn->name, "field") == 0 && e->nargs == 1 &&
		    e->args[0]->kind == EX_CONST &&
		    ov_json_is_string(e->args[0]->cval)) {
			if (c->in_exist) {
				int d = c->depth;

				c->depth = 0;
				error = resolve_field(c,
				    e->args[0]->cval->u.str,
				    e->args[0]->cval->len, &e->fref);
				c->depth = d;
			} else
				error = resolve_field(c,
				    e->args[0]->cval->u.str,
				    e->args[0]->cval->len, &e->fref);
			return error;
		}
		if ((fn->flags & FNF_POLICY) &&
		    strcmp(fn->name, "parameters") != 0)
			return 0;
	}
	if (all) {
		struct evalx ex;
		const ov_json *v = NULL;

		memset(&ex, 0, sizeof(ex));
		ex.set = c->set;
		ex.ctx = c->set->ctx;
		ex.a = c->a;
		ex.pi = c->pi;
		ex.api_version = c->set->api_version;
		if (ov_policy__eval_expr(&ex, e, &v) == 0 && v != NULL) {
			e->kind = EX_CONST;
			e->cval = v;
			*is_const = true;
		} else if (e->kind == EX_CALL &&
		    strcmp(ov_policy__fns[e->fn].name, "parameters") == 0)
			return OV_ENOTFOUND;
	}
	return 0;
}

static bool
has_expr_item(const ov_json *arr)
{
	size_t i;

	for (i = 0; i < arr->len && i < 4096; i++) {
		const ov_json *it = &arr->u.items[i];

		if (ov_json_is_string(it) && ov_policy__is_expr(it->u.str,
		    it->len))
			return true;
	}
	return false;
}

/* A JSON value in an evaluable position: literal or expression. */
static int
compile_value(struct compiler *c, const ov_json *node, const char *ptr,
    struct expr **out)
{
	struct expr *e;
	bool k;
	int error;

	if (ov_json_is_string(node) && ov_policy__is_expr(node->u.str,
	    node->len)) {
		char msg[256];
		size_t off = 0;

		error = ov_policy__expr_parse(c->a, node->u.str, node->len,
		    c->set->max_depth, &e, msg, sizeof(msg), &off);
		if (error == OV_EPARSE) {
			char full[400];

			snprintf(full, sizeof(full), "%s at offset %zu of "
			    "expression", msg, off);
			return cerr(c, node, ptr, "%s", full);
		}
		if (error < 0)
			return error;
		error = prep_expr(c, e, &k);
		if (error == OV_ENOTFOUND) {
			/* A parameter without a value. */
			return cerr(c, node, ptr, "parameter without a value "
			    "in '%s'", node->u.str);
		}
		if (error < 0)
			return error;
		*out = e;
		return 0;
	}
	if (ov_json_type_of(node) == OV_JSON_ARRAY && has_expr_item(node)) {
		/* Expressions inside a literal array are evaluated too:
		 * ["[subscription().id]", "/"] becomes createArray(...). */
		size_t i;

		if ((e = ov__arena_calloc(c->a, 1, sizeof(*e))) == NULL ||
		    (e->args = ov__arena_calloc(c->a, node->len + 1,
		    sizeof(*e->args))) == NULL)
			return OV_ENOMEM;
		e->kind = EX_CALL;
		e->fn = (int16_t)ov_policy__fn_lookup("createArray", 11);
		e->name = "createArray";
		e->nargs = (uint16_t)node->len;
		for (i = 0; i < node->len; i++)
			if ((error = compile_value(c, &node->u.items[i],
			    ptr_index(c, ptr, i), &e->args[i])) < 0)
				return error;
		if ((error = prep_expr(c, e, &k)) < 0)
			return error;
		*out = e;
		return 0;
	}
	if ((e = ov__arena_calloc(c->a, 1, sizeof(*e))) == NULL)
		return OV_ENOMEM;
	e->kind = EX_CONST;
	e->fn = -1;
	e->cval = node;
	if (ov_json_is_string(node) && node->len >= 2 &&
	    node->u.str[0] == '[' && node->u.str[1] == '[')
		e->cval = ov_policy__v_str(c->a, node->u.str + 1,
		    node->len - 1);
	*out = e;
	return 0;
}

static struct ir *
new_node(struct compiler *c, enum ir_op op, const char *ptr)
{
	struct ir *n = ov__arena_calloc(c->a, 1, sizeof(*n));

	if (n != NULL) {
		n->op = (uint8_t)op;
		n->pointer = ptr;
		n->index = c->n_nodes++;
	}
	return n;
}

static int compile_cond(struct compiler *c, const ov_json *node,
    const char *ptr, struct ir **out);

static int
compile_list(struct compiler *c, struct ir *n, const ov_json *arr,
    const char *ptr)
{
	size_t i;
	int error;

	if (ov_json_type_of(arr) != OV_JSON_ARRAY)
		return cerr(c, arr, ptr, "%s must be an array",
		    ov_policy__op_names[n->op]);
	n->n_kids = (uint32_t)ov_json_len(arr);
	n->kids = ov__arena_calloc(c->a, n->n_kids + 1, sizeof(*n->kids));
	if (n->kids == NULL)
		return OV_ENOMEM;
	for (i = 0; i < n->n_kids; i++)
		if ((error = compile_cond(c, ov_json_at(arr, i),
		    ptr_index(c, ptr, i), &n->kids[i])) < 0)
			return error;
	return 0;
}

static int
find_operator(struct compiler *c, const ov_json *node, const char *ptr,
    int *cop, const ov_json **rhs, const char **rptr)
{
	size_t i;
	int j;

	*cop = -1;
	for (i = 0; i < ov_json_len(node); i++) {
		const ov_json_member *m = ov_json_member_at(node, i);

		for (j = 0; j < CO__COUNT; j++)
			if (ov__eq_ci(m->key, m->klen,
			    ov_policy__cond_names[j],
			    strlen(ov_policy__cond_names[j])))
				break;
		if (j == CO__COUNT)
			continue;
		if (*cop >= 0)
			return cerr(c, node, ptr, "condition has more than "
			    "one operator");
		*cop = j;
		*rhs = &m->value;
		*rptr = ptr_join(c, ptr, m->key);
	}
	for (i = 0; *cop >= 0 && i < ov_json_len(node); i++) {
		const ov_json_member *m = ov_json_member_at(node, i);

		if (ov__streq_ci(m->key, "field") ||
		    ov__streq_ci(m->key, "value") ||
		    ov__streq_ci(m->key, "count") ||
		    ov__streq_ci(m->key, ov_policy__cond_names[*cop]))
			continue;
		return cerr(c, node, ptr_join(c, ptr, m->key),
		    "unknown key '%s' in condition", m->key);
	}
	if (*cop < 0) {
		for (i = 0; i < ov_json_len(node); i++) {
			const ov_json_member *m = ov_json_member_at(node, i);

			if (!ov__streq_ci(m->key, "field") &&
			    !ov__streq_ci(m->key, "value") &&
			    !ov__streq_ci(m->key, "count"))
				return cerr(c, node, ptr_join(c, ptr, m->key),
				    "unknown operator '%s'", m->key);
		}
		return cerr(c, node, ptr, "condition has no operator");
	}
	return 0;
}

static bool
is_top_kind(const struct fref *fr)
{
	return fr != NULL && fr->kind == FR_PATH && !fr->is_alias &&
	    fr->path.n == 1 && ov__streq_ci(fr->path.segs[0].name, "kind");
}

static int
compile_count(struct compiler *c, const ov_json *node, const char *ptr,
    const ov_json *cnt, struct ir *n)
{
	const char *cptr = ptr_join(c, ptr, "count");
	const ov_json *f = ov_json_get(cnt, "field");
	const ov_json *v = ov_json_get(cnt, "value");
	const ov_json *w = ov_json_get(cnt, "where");
	const ov_json *nm = ov_json_get(cnt, "name");
	int error;

	if (ov_json_type_of(cnt) != OV_JSON_OBJECT)
		return cerr(c, cnt, cptr, "count must be an object");
	if ((f == NULL) == (v == NULL))
		return cerr(c, cnt, cptr, "count needs exactly one of field "
		    "and value");
	if (c->depth >= MAX_COUNT_DEPTH)
		return cerr(c, cnt, cptr, "count nested too deeply");
	n->level = (uint8_t)c->depth;
	c->cstack[c->depth] = NULL;
	c->cnames[c->depth] = NULL;
	if (f != NULL) {
		n->op = IR_COUNT_FIELD;
		if (nm != NULL)
			return cerr(c, nm, ptr_join(c, cptr, "name"),
			    "count.name is only allowed with count.value");
		if (!ov_json_is_string(f))
			return cerr(c, f, ptr_join(c, cptr, "field"),
			    "count.field must be a string");
		if ((error = resolve_field(c, f->u.str, f->len,
		    &n->field)) < 0)
			return error;
		if (n->field->kind == FR_PATH && n->field->path.n_wild == 0)
			return cerr(c, f, ptr_join(c, cptr, "field"),
			    "count.field '%s' is not an array alias",
			    f->u.str);
		/* The counted field itself is bound to the outer level. */
		c->cstack[c->depth] = n->field;
		c->cnames[c->depth] = n->field->text;
	} else {
		n->op = IR_COUNT_VALUE;
		if ((error = compile_value(c, v, ptr_join(c, cptr, "value"),
		    &n->lhs)) < 0)
			return error;
		if (nm != NULL) {
			if (!ov_json_is_string(nm))
				return cerr(c, nm, ptr_join(c, cptr, "name"),
				    "count.name must be a string");
			n->cname = nm->u.str;
		}
		c->cnames[c->depth] = n->cname != NULL ? n->cname :
		    "default";
	}
	n->n_kids = 1;
	if ((n->kids = ov__arena_calloc(c->a, 1, sizeof(*n->kids))) == NULL)
		return OV_ENOMEM;
	if (w != NULL) {
		c->depth++;
		error = compile_cond(c, w, ptr_join(c, cptr, "where"),
		    &n->kids[0]);
		c->depth--;
		if (error < 0)
			return error;
	} else
		n->n_kids = 0;
	return 0;
}

static int
compile_cond(struct compiler *c, const ov_json *node, const char *ptr,
    struct ir **out)
{
	const ov_json *x, *rhs = NULL;
	const char *rptr = NULL;
	struct ir *n;
	int error, cop;

	if (ptr == NULL)
		return OV_ENOMEM;
	if (ov_json_type_of(node) != OV_JSON_OBJECT)
		return cerr(c, node, ptr, "condition must be an object");
	if ((x = ov_json_get(node, "allOf")) != NULL ||
	    (x = ov_json_get(node, "anyOf")) != NULL) {
		bool all = ov_json_get(node, "allOf") != NULL;

		if (ov_json_len(node) != 1)
			return cerr(c, node, ptr, "a logical operator must be "
			    "alone in its object");
		if ((n = new_node(c, all ? IR_ALLOF : IR_ANYOF, ptr)) == NULL)
			return OV_ENOMEM;
		*out = n;
		return compile_list(c, n, x, ptr_join(c, ptr,
		    all ? "allOf" : "anyOf"));
	}
	if ((x = ov_json_get(node, "not")) != NULL) {
		if (ov_json_len(node) != 1)
			return cerr(c, node, ptr, "a logical operator must be "
			    "alone in its object");
		if ((n = new_node(c, IR_NOT, ptr)) == NULL ||
		    (n->kids = ov__arena_calloc(c->a, 1,
		    sizeof(*n->kids))) == NULL)
			return OV_ENOMEM;
		n->n_kids = 1;
		*out = n;
		return compile_cond(c, x, ptr_join(c, ptr, "not"),
		    &n->kids[0]);
	}
	if ((error = find_operator(c, node, ptr, &cop, &rhs, &rptr)) < 0)
		return error;
	if ((n = new_node(c, IR_FIELD, ptr)) == NULL)
		return OV_ENOMEM;
	*out = n;
	n->cop = (uint8_t)cop;
	if ((error = compile_value(c, rhs, rptr, &n->rhs)) < 0)
		return error;
	if (cop == CO_IN || cop == CO_NOT_IN) {
		if (n->rhs->kind == EX_CONST &&
		    ov_json_type_of(n->rhs->cval) != OV_JSON_ARRAY)
			return cerr(c, rhs, rptr, "'%s' needs an array",
			    ov_policy__cond_names[cop]);
	}
	/* A constant like/match pattern is converted (and folded) once. */
	if (n->rhs->kind == EX_CONST && n->rhs->cval != NULL &&
	    (cop == CO_LIKE || cop == CO_NOT_LIKE || cop == CO_MATCH ||
	    cop == CO_NOT_MATCH || cop == CO_MATCH_CI ||
	    cop == CO_NOT_MATCH_CI) &&
	    n->rhs->cval->type != OV_JSON_ARRAY &&
	    n->rhs->cval->type != OV_JSON_OBJECT &&
	    n->rhs->cval->type != OV_JSON_NULL) {
		n->pat = ov_policy__to_text(c->a, n->rhs->cval, false);
		if (n->pat != NULL && (cop == CO_LIKE || cop == CO_NOT_LIKE))
			n->pat = ov_policy__fold_dup(c->a, n->pat);
		if (n->pat == NULL)
			return OV_ENOMEM;
	}
	if (cop == CO_EXISTS && n->rhs->kind == EX_CONST) {
		const ov_json *v = n->rhs->cval;

		if (!(v->type == OV_JSON_TRUE || v->type == OV_JSON_FALSE ||
		    (v->type == OV_JSON_STRING &&
		    (ov__streq_ci(v->u.str, "true") ||
		    ov__streq_ci(v->u.str, "false")))))
			return cerr(c, rhs, rptr, "'exists' needs true or "
			    "false");
	}
	if ((x = ov_json_get(node, "field")) != NULL) {
		struct expr *fe;

		if (ov_json_get(node, "value") != NULL ||
		    ov_json_get(node, "count") != NULL)
			return cerr(c, node, ptr, "condition has more than "
			    "one of field, value and count");
		if (!ov_json_is_string(x))
			return cerr(c, x, ptr_join(c, ptr, "field"),
			    "field must be a string");
		if ((error = compile_value(c, x, ptr_join(c, ptr, "field"),
		    &fe)) < 0)
			return error;
		if (fe->kind == EX_CONST) {
			if (!ov_json_is_string(fe->cval))
				return cerr(c, x, ptr_join(c, ptr, "field"),
				    "field must name a string");
			if ((error = resolve_field(c, fe->cval->u.str,
			    fe->cval->len, &n->field)) < 0)
				return error;
			n->is_tcheck = n->field->kind == FR_TYPE ||
			    n->field->kind == FR_NAME ||
			    n->field->kind == FR_FULLNAME ||
			    is_top_kind(n->field);
		} else
			n->fexpr = fe;
		return 0;
	}
	if ((x = ov_json_get(node, "value")) != NULL) {
		if (ov_json_get(node, "count") != NULL)
			return cerr(c, node, ptr, "condition has more than "
			    "one of field, value and count");
		n->op = IR_VALUE;
		return compile_value(c, x, ptr_join(c, ptr, "value"),
		    &n->lhs);
	}
	if ((x = ov_json_get(node, "count")) != NULL)
		return compile_count(c, node, ptr, x, n);
	return cerr(c, node, ptr, "condition needs field, value or count");
}

/* Parse an effect name. */
int
ov_policy__effect_parse(const char *s)
{
	static const struct {
		const char	*name;
		int		 effect;
	} tab[] = {
		{ "audit", OV_EFFECT_AUDIT }, { "deny", OV_EFFECT_DENY },
		{ "disabled", OV_EFFECT_DISABLED },
		{ "manual", OV_EFFECT_MANUAL },
		{ "auditIfNotExists", OV_EFFECT_AUDIT_IF_NOT_EXISTS },
		{ "deployIfNotExists", OV_EFFECT_DEPLOY_IF_NOT_EXISTS },
		{ "modify", OV_EFFECT_MODIFY },
		{ "append", OV_EFFECT_APPEND },
		{ "denyAction", OV_EFFECT_DENY_ACTION },
		{ "mutate", OV_EFFECT_UNSUPPORTED },
		{ "enforceSetting", OV_EFFECT_UNSUPPORTED },
		{ "enforceRegoPolicy", OV_EFFECT_UNSUPPORTED },
		{ "auditAction", OV_EFFECT_UNSUPPORTED },
		{ "addToNetworkGroup", OV_EFFECT_UNSUPPORTED },
	};
	size_t i;

	if (s == NULL)
		return OV_EFFECT_UNKNOWN;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (ov__streq_ci(s, tab[i].name))
			return tab[i].effect;
	return OV_EFFECT_UNKNOWN;
}

/* The canonical effect name. */
const char *
ov_policy_effect_name(ov_policy_effect e)
{
	static const char *const names[] = { "unknown", "audit", "deny",
	    "disabled", "manual", "auditIfNotExists", "deployIfNotExists",
	    "modify", "append", "denyAction", "unsupported" };

	if ((unsigned)e >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[e];
}

/* Which of type, name and kind decide applicability (AZP: applicability). */
static void
scan_applic(const struct ir *n, bool *t, bool *nm, bool *k, bool *other)
{
	uint32_t i;

	if (n == NULL)
		return;
	switch (n->op) {
	case IR_ALLOF:
	case IR_ANYOF:
	case IR_NOT:
		for (i = 0; i < n->n_kids; i++)
			scan_applic(n->kids[i], t, nm, k, other);
		return;
	case IR_FIELD:
		if (n->field != NULL && n->field->kind == FR_TYPE)
			*t = true;
		else if (n->field != NULL && (n->field->kind == FR_NAME ||
		    n->field->kind == FR_FULLNAME))
			*nm = true;
		else if (is_top_kind(n->field))
			*k = true;
		else
			*other = true;
		return;
	default:
		*other = true;
		return;
	}
}

/*
 * The set of types a condition can be true for, or false for "any": an
 * equals/in on `type`; allOf takes a restricted child; anyOf the union of
 * its children when every child is restricted.
 */
static bool
type_set(struct compiler *c, const struct ir *n, const char ***types,
    size_t *n_types)
{
	const ov_json *v;
	uint32_t i;
	size_t j;

	*types = NULL;
	*n_types = 0;
	switch (n->op) {
	case IR_FIELD:
		if (n->field == NULL || n->field->kind != FR_TYPE ||
		    n->rhs->kind != EX_CONST)
			return false;
		v = n->rhs->cval;
		if (n->cop == CO_EQUALS && ov_json_is_string(v)) {
			if ((*types = ov__arena_calloc(c->a, 1,
			    sizeof(char *))) == NULL)
				return false;
			(*types)[0] = v->u.str;
			*n_types = 1;
			return true;
		}
		if (n->cop != CO_IN || ov_json_type_of(v) != OV_JSON_ARRAY)
			return false;
		for (j = 0; j < v->len; j++)
			if (!ov_json_is_string(&v->u.items[j]))
				return false;
		if ((*types = ov__arena_calloc(c->a, v->len + 1,
		    sizeof(char *))) == NULL)
			return false;
		for (j = 0; j < v->len; j++)
			(*types)[j] = v->u.items[j].u.str;
		*n_types = v->len;
		return true;
	case IR_ALLOF:
		for (i = 0; i < n->n_kids; i++)
			if (type_set(c, n->kids[i], types, n_types))
				return true;
		return false;
	case IR_ANYOF: {
		const char **all = NULL, **k;
		size_t n_all = 0, nk;

		if (n->n_kids == 0)
			return false;
		for (i = 0; i < n->n_kids; i++) {
			const char **m;

			if (!type_set(c, n->kids[i], &k, &nk))
				return false;
			if ((m = ov__arena_calloc(c->a, n_all + nk + 1,
			    sizeof(char *))) == NULL)
				return false;
			if (n_all > 0)
				memcpy(m, all, n_all * sizeof(char *));
			memcpy(m + n_all, k, nk * sizeof(char *));
			all = m;
			n_all += nk;
		}
		*types = all;
		*n_types = n_all;
		return true;
	}
	default:
		return false;
	}
}

/*
 * The type guard of an instance: each type once (branches of an anyOf
 * often name the same type), so a record meets the rule once.
 */
static void
hoist_types(struct compiler *c, const struct ir *n)
{
	const char **t;
	size_t nt, i, j, k;

	if (n == NULL || !type_set(c, n, &t, &nt))
		return;
	for (i = 0, k = 0; i < nt; i++) {
		for (j = 0; j < k; j++)
			if (ov__streq_ci(t[j], t[i]))
				break;
		if (j == k)
			t[k++] = t[i];
	}
	c->pi->types = t;
	c->pi->n_types = k;
}

static int
compile_details(struct compiler *c, const ov_json *then, const char *tptr)
{
	struct pinst *pi = c->pi;
	const ov_json *d = ov_json_get(then, "details");
	const char *dptr = ptr_join(c, tptr, "details");
	const ov_json *x;
	int error;

	pi->details = d;
	if (pi->effect == OV_EFFECT_MANUAL) {
		x = ov_json_get(d, "defaultState");
		pi->default_state = ov_json_string(x);
		return 0;
	}
	if (pi->effect != OV_EFFECT_AUDIT_IF_NOT_EXISTS &&
	    pi->effect != OV_EFFECT_DEPLOY_IF_NOT_EXISTS)
		return 0;
	if (ov_json_type_of(d) != OV_JSON_OBJECT)
		return cerr(c, then, dptr, "%s needs details",
		    ov_policy_effect_name((ov_policy_effect)pi->effect));
	x = ov_json_get(d, "type");
	if (!ov_json_is_string(x))
		return cerr(c, d, ptr_join(c, dptr, "type"),
		    "details.type must be a string");
	pi->rel_type = x->u.str;
	if (ov_policy__is_expr(x->u.str, x->len)) {
		struct expr *e;

		if ((error = compile_value(c, x, ptr_join(c, dptr, "type"),
		    &e)) < 0)
			return error;
		if (e->kind == EX_CONST && ov_json_is_string(e->cval))
			pi->rel_type = e->cval->u.str;
	}
	if ((x = ov_json_get(d, "name")) != NULL &&
	    (error = compile_value(c, x, ptr_join(c, dptr, "name"),
	    &pi->rel_name)) < 0)
		return error;
	if ((x = ov_json_get(d, "resourceGroupName")) != NULL &&
	    (error = compile_value(c, x, ptr_join(c, dptr,
	    "resourceGroupName"), &pi->rel_rg)) < 0)
		return error;
	x = ov_json_get(d, "existenceScope");
	if (x != NULL) {
		struct expr *e;

		if ((error = compile_value(c, x, ptr_join(c, dptr,
		    "existenceScope"), &e)) < 0)
			return error;
		pi->rel_sub_scope = e->kind == EX_CONST &&
		    ov_json_is_string(e->cval) &&
		    ov__streq_ci(e->cval->u.str, "subscription");
	}
	if ((x = ov_json_get(d, "existenceCondition")) != NULL) {
		int depth = c->depth;

		c->in_exist = true;
		c->depth = 0;
		error = compile_cond(c, x, ptr_join(c, dptr,
		    "existenceCondition"), &pi->exist);
		c->depth = depth;
		c->in_exist = false;
		if (error < 0)
			return error;
	}
	return 0;
}

/* Compile def with params into a new instance. */
int
ov_policy__compile_inst(struct ov_policy_set *set, struct pdef *def,
    const ov_json *params, struct pinst **out)
{
	struct compiler c;
	struct pinst *pi;
	const ov_json *then, *eff, *cond;
	const char *rptr, *mode;
	struct expr *e;
	int error = 0;
	bool t = false, nm = false, k = false, other = false;

	*out = NULL;
	if ((pi = ov__arena_calloc(&set->arena, 1, sizeof(*pi))) == NULL)
		return ov__error_oom(set->ctx);
	memset(&c, 0, sizeof(c));
	c.set = set;
	c.a = &set->arena;
	c.def = def;
	c.pi = pi;
	pi->def = def;
	pi->params = params;
	pi->enforce = true;
	*out = pi;
	rptr = ptr_join(&c, def->base, "policyRule");
	mode = def->mode;
	/* AZP: definition-structure-basics#mode */
	if (mode != NULL && !ov__streq_ci(mode, "All") &&
	    !ov__streq_ci(mode, "Indexed")) {
		pi->unsupported = ov__arena_printf(c.a, "mode '%s' is a "
		    "resource provider mode", mode);
		return 0;
	}
	pi->indexed = mode != NULL && ov__streq_ci(mode, "Indexed");
	if (ov_json_type_of(def->rule) != OV_JSON_OBJECT) {
		(void)cerr(&c, def->props, rptr, "policyRule is missing or "
		    "not an object");
		return 0;
	}
	cond = ov_json_get(def->rule, "if");
	then = ov_json_get(def->rule, "then");
	if (cond == NULL) {
		(void)cerr(&c, def->rule, rptr, "policyRule has no 'if'");
		return 0;
	}
	if (ov_json_type_of(then) != OV_JSON_OBJECT) {
		(void)cerr(&c, def->rule, rptr, "policyRule has no 'then'");
		return 0;
	}
	eff = ov_json_get(then, "effect");
	if (eff == NULL || !ov_json_is_string(eff)) {
		(void)cerr(&c, then, ptr_join(&c, rptr, "then"),
		    "then.effect must be a string");
		return 0;
	}
	if ((error = compile_value(&c, eff, ptr_join(&c, ptr_join(&c, rptr,
	    "then"), "effect"), &e)) < 0)
		return error == OV_ENOMEM ? error : 0;
	if (e->kind != EX_CONST || !ov_json_is_string(e->cval)) {
		(void)cerr(&c, eff, ptr_join(&c, rptr, "then/effect"),
		    "effect does not resolve to a string");
		return 0;
	}
	pi->effect_text = e->cval->u.str;
	pi->effect = ov_policy__effect_parse(pi->effect_text);
	if (pi->effect == OV_EFFECT_UNKNOWN) {
		(void)cerr(&c, eff, ptr_join(&c, rptr, "then/effect"),
		    "unknown effect '%s'", pi->effect_text);
		return 0;
	}
	if (pi->effect == OV_EFFECT_UNSUPPORTED) {
		pi->unsupported = ov__arena_printf(c.a, "effect '%s' is not "
		    "supported", pi->effect_text);
		return 0;
	}
	if ((error = compile_cond(&c, cond, ptr_join(&c, rptr, "if"),
	    &pi->cond)) < 0)
		return error == OV_ENOMEM ? error : 0;
	if ((error = compile_details(&c, then, ptr_join(&c, rptr,
	    "then"))) < 0)
		return error == OV_ENOMEM ? error : 0;
	pi->n_nodes = c.n_nodes;
	hoist_types(&c, pi->cond);
	scan_applic(pi->cond, &t, &nm, &k, &other);
	pi->app_type = t;
	pi->app_name = nm && other;
	pi->app_kind = k && other;
	return 0;
}
