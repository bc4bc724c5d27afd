/* SPDX-License-Identifier: MIT */
/*
 * Recursive-descent parser for template expressions:
 *
 *   expr    := primary { '.' ident | '[' expr ']' }
 *   primary := string | number | ident '(' [ expr { ',' expr } ] ')'
 *
 * Function names are case-insensitive and resolved here, so an unknown or
 * disallowed function is a parse error with its position.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_int.h"

struct parser {
	struct lexer	 lx;		/* token source */
	struct tok	 cur;		/* current token */
	struct ov_arena	*a;		/* nodes */
	unsigned	 max_depth;	/* nesting limit */
	char		*msg;		/* error message buffer */
	size_t		 msg_size;	/* its size */
	size_t		 err_off;	/* error offset in the expression */
	size_t		 base;		/* offset of the text in the string */
	bool		 failed;	/* an error is recorded */
	unsigned	 flags;		/* EXPR_* */
};

static void
next(struct parser *p)
{
	p->cur = ov_policy__lex_next(&p->lx);
}

static int fail(struct parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct parser *p, size_t off, const char *fmt, ...)
{
	va_list ap;

	if (!p->failed) {
		va_start(ap, fmt);
		vsnprintf(p->msg, p->msg_size, fmt, ap);
		va_end(ap);
		p->err_off = p->base + off;
		p->failed = true;
	}
	return OV_EPARSE;
}

static const char *
tokname(const struct tok *t)
{
	switch (t->kind) {
	case TK_EOF: return "end of expression";
	case TK_LPAREN: return "'('";
	case TK_RPAREN: return "')'";
	case TK_LBRACK: return "'['";
	case TK_RBRACK: return "']'";
	case TK_COMMA: return "','";
	case TK_DOT: return "'.'";
	case TK_IDENT: return "identifier";
	case TK_STRING: return "string";
	case TK_NUMBER: return "number";
	default: return "invalid token";
	}
}

static struct expr *
node(struct parser *p, enum expr_kind k, size_t off)
{
	struct expr *e = ov__arena_calloc(p->a, 1, sizeof(*e));

	if (e != NULL) {
		e->kind = (uint8_t)k;
		e->offset = (uint32_t)(p->base + off);
		e->fn = -1;
	}
	return e;
}

static int parse_expr(struct parser *p, unsigned depth, struct expr **out);

static int
parse_string(struct parser *p, struct expr **out)
{
	const char *s = p->cur.start + 1;
	size_t n = p->cur.len - 2, i, j = 0;
	char *buf = ov__arena_alloc(p->a, n + 1);
	struct expr *e = node(p, EX_CONST, p->cur.offset);

	if (buf == NULL || e == NULL)
		return OV_ENOMEM;
	for (i = 0; i < n; i++) {
		buf[j++] = s[i];
		if (s[i] == '\'' && i + 1 < n && s[i + 1] == '\'')
			i++;
	}
	buf[j] = '\0';
	if ((e->cval = ov_policy__v_str(p->a, buf, j)) == NULL)
		return OV_ENOMEM;
	*out = e;
	next(p);
	return 0;
}

static int
parse_call(struct parser *p, unsigned depth, struct expr **out)
{
	struct tok name = p->cur;
	struct expr *e = node(p, EX_CALL, name.offset);
	struct expr *args[512];
	size_t nargs = 0;
	char fname[64];
	int error, fn;

	if (e == NULL)
		return OV_ENOMEM;
	snprintf(fname, sizeof(fname), "%.*s", (int)name.len, name.start);
	e->name = ov__arena_strdup(p->a, fname);
	next(p);
	if (p->cur.kind == TK_DOT && (p->flags & EXPR_ARM)) {
		/* ns.fn(...): a template's user-defined function. */
		struct lexer save = p->lx;
		struct tok dot = p->cur, member;

		next(p);
		member = p->cur;
		if (member.kind == TK_IDENT) {
			next(p);
			if (p->cur.kind == TK_LPAREN) {
				e->name = ov__arena_printf(p->a, "%.*s.%.*s",
				    (int)name.len, name.start,
				    (int)member.len, member.start);
				if (e->name == NULL)
					return OV_ENOMEM;
				fn = ov_policy__fn_lookup("__udf", 5);
				goto args;
			}
		}
		p->lx = save;
		p->cur = dot;
	}
	if (p->cur.kind != TK_LPAREN) {
		/* AZP: ARM has no bare literals, but true/false/null occur. */
		if (ov__streq_ci(fname, "true") ||
		    ov__streq_ci(fname, "false") ||
		    ov__streq_ci(fname, "null")) {
			e->kind = EX_CONST;
			e->cval = ov__streq_ci(fname, "null") ?
			    &ov_policy__v_null :
			    ov_policy__v_bool(ov__streq_ci(fname, "true"));
			*out = e;
			return 0;
		}
		return fail(p, p->cur.offset, "expected '(' after '%s'",
		    fname);
	}
	fn = ov_policy__fn_lookup(name.start, name.len);
	if (fn >= 0 && (ov_policy__fns[fn].flags & FNF_UDF))
		fn = -1;
	if (fn < 0 && (p->flags & EXPR_ARM)) {
		/* Evaluated as a value known only at deployment. */
		fn = ov_policy__fn_lookup("__unsupported", 13);
	} else if (fn < 0)
		return fail(p, name.offset, "unknown function '%s'", fname);
	else if ((ov_policy__fns[fn].flags & FNF_BANNED) &&
	    !(p->flags & EXPR_ARM))
		return fail(p, name.offset,
		    "function '%s' is not available in policy rules", fname);
	else if ((ov_policy__fns[fn].flags & FNF_NO_ARM) &&
	    (p->flags & EXPR_ARM))
		return fail(p, name.offset,
		    "function '%s' is not available in templates", fname);
args:
	next(p);
	if (p->cur.kind != TK_RPAREN) {
		for (;;) {
			if (nargs == sizeof(args) / sizeof(args[0]))
				return fail(p, p->cur.offset,
				    "too many arguments");
			if ((error = parse_expr(p, depth + 1,
			    &args[nargs])) < 0)
				return error;
			nargs++;
			if (p->cur.kind == TK_COMMA) {
				next(p);
				continue;
			}
			if (p->cur.kind == TK_RPAREN)
				break;
			return fail(p, p->cur.offset,
			    "expected ',' or ')', found %s",
			    tokname(&p->cur));
		}
	}
	next(p);
	if ((int)nargs < ov_policy__fns[fn].min_args ||
	    (ov_policy__fns[fn].max_args >= 0 &&
	    (int)nargs > ov_policy__fns[fn].max_args))
		return fail(p, name.offset,
		    "wrong number of arguments to '%s'", fname);
	e->fn = (int16_t)fn;
	e->nargs = (uint16_t)nargs;
	if (nargs > 0) {
		e->args = ov__arena_calloc(p->a, nargs, sizeof(*e->args));
		if (e->args == NULL)
			return OV_ENOMEM;
		memcpy(e->args, args, nargs * sizeof(*args));
	}
	*out = e;
	return 0;
}

static int
parse_primary(struct parser *p, unsigned depth, struct expr **out)
{
	struct expr *e;

	switch (p->cur.kind) {
	case TK_STRING:
		return parse_string(p, out);
	case TK_NUMBER: {
		char buf[48];
		double d;

		snprintf(buf, sizeof(buf), "%.*s", (int)p->cur.len,
		    p->cur.start);
		d = strtod(buf, NULL);
		if ((e = node(p, EX_CONST, p->cur.offset)) == NULL ||
		    (e->cval = ov_policy__v_num(p->a, d)) == NULL)
			return OV_ENOMEM;
		next(p);
		*out = e;
		return 0;
	}
	case TK_IDENT:
		return parse_call(p, depth, out);
	case TK_ERROR:
		return fail(p, p->cur.offset, "%s", p->lx.error != NULL ? p->lx.error : "bad token");
	default:
		return fail(p, p->cur.offset, "unexpected %s",
		    tokname(&p->cur));
	}
}

static int
parse_expr(struct parser *p, unsigned depth, struct expr **out)
{
	struct expr *e, *x;
	int error;

	if (depth > p->max_depth)
		return fail(p, p->cur.offset,
		    "expression nested too deeply");
	if ((error = parse_primary(p, depth, &e)) < 0)
		return error;
	for (;;) {
		if (p->cur.kind == TK_DOT) {
			next(p);
			if (p->cur.kind != TK_IDENT)
				return fail(p, p->cur.offset,
				    "expected a property name after '.'");
			if ((x = node(p, EX_PROP, p->cur.offset)) == NULL ||
			    (x->args = ov__arena_calloc(p->a, 1,
			    sizeof(*x->args))) == NULL)
				return OV_ENOMEM;
			x->name = ov__arena_strndup(p->a, p->cur.start,
			    p->cur.len);
			x->args[0] = e;
			x->nargs = 1;
			next(p);
			e = x;
		} else if (p->cur.kind == TK_LBRACK) {
			size_t off = p->cur.offset;

			next(p);
			if ((x = node(p, EX_INDEX, off)) == NULL ||
			    (x->args = ov__arena_calloc(p->a, 2,
			    sizeof(*x->args))) == NULL)
				return OV_ENOMEM;
			x->args[0] = e;
			x->nargs = 2;
			if ((error = parse_expr(p, depth + 1,
			    &x->args[1])) < 0)
				return error;
			if (p->cur.kind != TK_RBRACK)
				return fail(p, p->cur.offset,
				    "expected ']', found %s",
				    tokname(&p->cur));
			next(p);
			e = x;
		} else
			break;
	}
	*out = e;
	return 0;
}

/* Parse "[...]" into an expression tree. */
int
ov_policy__expr_parse(struct ov_arena *a, const char *s, size_t len,
    unsigned max_depth, struct expr **out, char *err_msg, size_t err_size,
    size_t *err_off)
{
	return ov_policy__expr_parse_ex(a, s, len, max_depth, 0, out, err_msg,
	    err_size, err_off);
}

/* Parse "[...]" with EXPR_* flags. */
int
ov_policy__expr_parse_ex(struct ov_arena *a, const char *s, size_t len,
    unsigned max_depth, unsigned flags, struct expr **out, char *err_msg,
    size_t err_size, size_t *err_off)
{
	struct parser p;
	int error;

	memset(&p, 0, sizeof(p));
	p.a = a;
	p.flags = flags;
	p.max_depth = max_depth > 0 ? max_depth : 64;
	p.msg = err_msg;
	p.msg_size = err_size;
	p.base = 1;
	*out = NULL;
	if (!ov_policy__is_expr(s, len)) {
		snprintf(err_msg, err_size, "not an expression");
		*err_off = 0;
		return OV_EPARSE;
	}
	ov_policy__lex_init(&p.lx, s + 1, len - 2);
	next(&p);
	if (p.cur.kind == TK_EOF)
		error = fail(&p, 0, "empty expression");
	else if ((error = parse_expr(&p, 1, out)) == 0 &&
	    p.cur.kind != TK_EOF)
		error = fail(&p, p.cur.offset, "unexpected %s after expression",
		    tokname(&p.cur));
	if (error < 0) {
		*out = NULL;
		if (error == OV_EPARSE)
			*err_off = p.err_off;
	}
	return error;
}
