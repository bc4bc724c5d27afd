/* SPDX-License-Identifier: MIT */
/*
 * Lexer for ARM template expressions as used in Azure Policy:
 * "[concat('a', parameters('b'))]".  AZP: definition-structure-policy-rule
 * (policy functions); ARM template-expressions.
 */
#include <ctype.h>
#include <string.h>

#include "policy/policy_int.h"

/* True when s is an expression: "[...]" but not the "[[" escape. */
bool
ov_policy__is_expr(const char *s, size_t len)
{
	return len >= 2 && s[0] == '[' && s[len - 1] == ']' &&
	    !(len >= 2 && s[1] == '[');
}

/* Start lexing len bytes of src. */
void
ov_policy__lex_init(struct lexer *lx, const char *src, size_t len)
{
	lx->src = src;
	lx->len = len;
	lx->pos = 0;
	lx->error = NULL;
}

static struct tok
mk(struct lexer *lx, enum tok_kind k, size_t start)
{
	struct tok t;

	t.kind = k;
	t.start = lx->src + start;
	t.len = lx->pos - start;
	t.offset = start;
	return t;
}

/* The next token. */
struct tok
ov_policy__lex_next(struct lexer *lx)
{
	size_t start;
	char c;

	while (lx->pos < lx->len && isspace((unsigned char)lx->src[lx->pos]))
		lx->pos++;
	start = lx->pos;
	if (lx->pos >= lx->len)
		return mk(lx, TK_EOF, start);
	c = lx->src[lx->pos++];
	switch (c) {
	case '(':
		return mk(lx, TK_LPAREN, start);
	case ')':
		return mk(lx, TK_RPAREN, start);
	case '[':
		return mk(lx, TK_LBRACK, start);
	case ']':
		return mk(lx, TK_RBRACK, start);
	case ',':
		return mk(lx, TK_COMMA, start);
	case '.':
		return mk(lx, TK_DOT, start);
	case '\'':
		/* '' inside a literal is an escaped quote. */
		for (;;) {
			if (lx->pos >= lx->len) {
				lx->error = "unterminated string literal";
				lx->pos = start;
				return mk(lx, TK_ERROR, start);
			}
			if (lx->src[lx->pos] == '\'') {
				if (lx->pos + 1 < lx->len &&
				    lx->src[lx->pos + 1] == '\'') {
					lx->pos += 2;
					continue;
				}
				lx->pos++;
				return mk(lx, TK_STRING, start);
			}
			lx->pos++;
		}
	default:
		break;
	}
	if (isdigit((unsigned char)c) || (c == '-' && lx->pos < lx->len &&
	    isdigit((unsigned char)lx->src[lx->pos]))) {
		while (lx->pos < lx->len &&
		    (isdigit((unsigned char)lx->src[lx->pos]) ||
		    lx->src[lx->pos] == '.'))
			lx->pos++;
		return mk(lx, TK_NUMBER, start);
	}
	if (isalpha((unsigned char)c) || c == '_' || c == '$') {
		while (lx->pos < lx->len &&
		    (isalnum((unsigned char)lx->src[lx->pos]) ||
		    lx->src[lx->pos] == '_' || lx->src[lx->pos] == '$'))
			lx->pos++;
		return mk(lx, TK_IDENT, start);
	}
	lx->error = "unexpected character";
	lx->pos = start;
	return mk(lx, TK_ERROR, start);
}
