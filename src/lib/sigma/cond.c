/* SPDX-License-Identifier: MIT */
/*
 * Sigma conditions: a lexer and a recursive-descent parser for
 *
 *	expr    := term ("or" term)*
 *	term    := factor ("and" factor)*
 *	factor  := "not" factor | "(" expr ")" | quant | NAME
 *	quant   := ("1" | "any" | "all") "of" (PATTERN | "them")
 *
 * Names and patterns ("selection_*") refer to the rule's selections;
 * "them" is every selection whose name does not start with "_".  Keywords
 * are case-insensitive.  The result is a tree over selection indexes.
 */
#include <stdio.h>
#include <string.h>

#include "lib/sigma/sigma_int.h"
#include "util/error.h"

#define MAX_DEPTH	64

enum tok { T_END, T_LP, T_RP, T_AND, T_OR, T_NOT, T_ONE, T_ALL, T_OF,
    T_THEM, T_NAME, T_BAD };

struct lexer {
	const char	*s;		/* the condition */
	size_t		 pos;		/* next byte */
	enum tok	 tok;		/* current token */
	const char	*text;		/* its text */
	size_t		 len;		/* its length */
	size_t		 at;		/* its position */
};

struct cparser {
	struct lexer	 L;
	struct ov_arena	*a;
	struct sig_sel	*sels;
	size_t		 n_sels;
	char		*why;
	size_t		 why_len;
	unsigned	 depth;
};

/* True when the token text equals word, ignoring case. */
static bool
is_word(const char *t, size_t n, const char *word)
{
	return ov__eq_ci(t, n, word, strlen(word));
}

/* Read the next token. */
static void
next(struct lexer *L)
{
	const char *s = L->s;
	size_t p = L->pos, b;

	while (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r')
		p++;
	L->at = p;
	L->text = s + p;
	L->len = 1;
	if (s[p] == '\0') {
		L->tok = T_END;
		L->len = 0;
	} else if (s[p] == '(') {
		L->tok = T_LP;
		p++;
	} else if (s[p] == ')') {
		L->tok = T_RP;
		p++;
	} else {
		b = p;
		while (s[p] != '\0' && s[p] != ' ' && s[p] != '\t' &&
		    s[p] != '\n' && s[p] != '\r' && s[p] != '(' &&
		    s[p] != ')')
			p++;
		L->len = p - b;
		if (is_word(L->text, L->len, "and"))
			L->tok = T_AND;
		else if (is_word(L->text, L->len, "or"))
			L->tok = T_OR;
		else if (is_word(L->text, L->len, "not"))
			L->tok = T_NOT;
		else if (is_word(L->text, L->len, "1") ||
		    is_word(L->text, L->len, "any"))
			L->tok = T_ONE;
		else if (is_word(L->text, L->len, "all"))
			L->tok = T_ALL;
		else if (is_word(L->text, L->len, "of"))
			L->tok = T_OF;
		else if (is_word(L->text, L->len, "them"))
			L->tok = T_THEM;
		else
			L->tok = T_NAME;
	}
	L->pos = p;
}

/* Record why parsing failed; returns OV_EPARSE. */
static int
perr(struct cparser *P, const char *what)
{
	snprintf(P->why, P->why_len, "%s at column %zu", what, P->L.at + 1);
	return OV_EPARSE;
}

/* A new node. */
static struct sig_node *
node(struct cparser *P, uint8_t op, size_t n_kids)
{
	struct sig_node *n = ov__arena_calloc(P->a, 1, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->op = op;
	if (n_kids != 0 && (n->kids = ov__arena_calloc(P->a, n_kids,
	    sizeof(*n->kids))) == NULL)
		return NULL;
	return n;
}

/* Glob match of a selection-name pattern ('*' only), case-sensitive. */
static bool
name_glob(const char *pat, size_t plen, const char *s)
{
	size_t p = 0, i = 0, star = (size_t)-1, mark = 0, n = strlen(s);

	while (i < n) {
		if (p < plen && pat[p] == '*') {
			star = p++;
			mark = i;
		} else if (p < plen && (pat[p] == s[i] || pat[p] == '?')) {
			p++;
			i++;
		} else if (star != (size_t)-1) {
			p = star + 1;
			i = ++mark;
		} else {
			return false;
		}
	}
	while (p < plen && pat[p] == '*')
		p++;
	return p == plen;
}

static int parse_expr(struct cparser *P, struct sig_node **out);

/* "1 of X" / "all of X". */
static int
parse_quant(struct cparser *P, bool all, struct sig_node **out)
{
	struct sig_node *n;
	size_t i, k = 0;
	bool them;

	next(&P->L);
	if (P->L.tok != T_OF)
		return perr(P, "expected 'of'");
	next(&P->L);
	if (P->L.tok != T_THEM && P->L.tok != T_NAME)
		return perr(P, "expected a selection name, a pattern or "
		    "'them'");
	them = P->L.tok == T_THEM;
	if ((n = node(P, all ? SIG_N_AND : SIG_N_OR, P->n_sels)) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < P->n_sels; i++) {
		const char *name = P->sels[i].name;

		if (them ? name[0] == '_' :
		    !name_glob(P->L.text, P->L.len, name))
			continue;
		if ((n->kids[k] = node(P, SIG_N_SEL, 0)) == NULL)
			return OV_ENOMEM;
		n->kids[k++]->sel = (int)i;
	}
	if (k == 0)
		return perr(P, them ? "no selection for 'them'" :
		    "no selection matches the pattern");
	n->n_kids = k;
	next(&P->L);
	*out = n;
	return 0;
}

/* factor */
static int
parse_factor(struct cparser *P, struct sig_node **out)
{
	struct sig_node *n;
	size_t i;
	int error;

	if (++P->depth > MAX_DEPTH)
		return perr(P, "condition nested too deeply");
	switch (P->L.tok) {
	case T_NOT:
		next(&P->L);
		if ((n = node(P, SIG_N_NOT, 1)) == NULL)
			return OV_ENOMEM;
		if ((error = parse_factor(P, &n->kids[0])) < 0)
			return error;
		n->n_kids = 1;
		*out = n;
		break;
	case T_LP:
		next(&P->L);
		if ((error = parse_expr(P, out)) < 0)
			return error;
		if (P->L.tok != T_RP)
			return perr(P, "expected ')'");
		next(&P->L);
		break;
	case T_ONE:
	case T_ALL:
		if ((error = parse_quant(P, P->L.tok == T_ALL, out)) < 0)
			return error;
		break;
	case T_NAME:
		for (i = 0; i < P->n_sels; i++)
			if (strlen(P->sels[i].name) == P->L.len &&
			    memcmp(P->sels[i].name, P->L.text, P->L.len) == 0)
				break;
		if (i == P->n_sels) {
			snprintf(P->why, P->why_len, "unknown selection "
			    "'%.*s' at column %zu", (int)(P->L.len > 64 ? 64 :
			    P->L.len), P->L.text, P->L.at + 1);
			return OV_EPARSE;
		}
		if ((n = node(P, SIG_N_SEL, 0)) == NULL)
			return OV_ENOMEM;
		n->sel = (int)i;
		*out = n;
		next(&P->L);
		break;
	case T_END:
		return perr(P, "unexpected end of condition");
	default:
		return perr(P, "unexpected token");
	}
	P->depth--;
	return 0;
}

/* A left-associative chain of op-separated operands, flattened. */
static int
parse_chain(struct cparser *P, enum tok sep, uint8_t op,
    int (*sub)(struct cparser *, struct sig_node **), struct sig_node **out)
{
	struct sig_node *first, *n, **k;
	size_t cap = 4;
	int error;

	if ((error = sub(P, &first)) < 0)
		return error;
	if (P->L.tok != sep) {
		*out = first;
		return 0;
	}
	if ((n = node(P, op, cap)) == NULL)
		return OV_ENOMEM;
	n->kids[n->n_kids++] = first;
	while (P->L.tok == sep) {
		next(&P->L);
		if (n->n_kids == cap) {
			if ((k = ov__arena_calloc(P->a, cap * 2,
			    sizeof(*k))) == NULL)
				return OV_ENOMEM;
			memcpy(k, n->kids, cap * sizeof(*k));
			n->kids = k;
			cap *= 2;
		}
		if ((error = sub(P, &n->kids[n->n_kids])) < 0)
			return error;
		n->n_kids++;
	}
	*out = n;
	return 0;
}

static int
parse_term(struct cparser *P, struct sig_node **out)
{
	return parse_chain(P, T_AND, SIG_N_AND, parse_factor, out);
}

static int
parse_expr(struct cparser *P, struct sig_node **out)
{
	return parse_chain(P, T_OR, SIG_N_OR, parse_term, out);
}

/* Parse cond over the selections. */
int
ov_sigma__cond_parse(struct ov_arena *a, const char *cond,
    struct sig_sel *sels, size_t n_sels, struct sig_node **out, char *why,
    size_t why_len)
{
	struct cparser P;
	int error;

	memset(&P, 0, sizeof(P));
	P.L.s = cond;
	P.a = a;
	P.sels = sels;
	P.n_sels = n_sels;
	P.why = why;
	P.why_len = why_len;
	next(&P.L);
	if ((error = parse_expr(&P, out)) < 0)
		return error;
	if (P.L.tok != T_END)
		return perr(&P, "unexpected token");
	return 0;
}
