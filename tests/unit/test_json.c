/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the JSON parser, accessors and writer: values, escapes,
 * Unicode, positions, limits, lenient and prefix modes, lookup, JSON
 * Pointer, numbers, equality, writer output and allocation failures.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/json.h"
#include "util/alloc.h"

/* Parse text (NUL-terminated) and fail the test on error. */
static ov_json_doc *
parse_ok(const char *text, unsigned flags)
{
	ov_json_doc *doc = NULL;
	ov_json_error err;
	int rc;

	rc = ov_json_parse(&doc, NULL, text, strlen(text), flags, &err);
	if (rc != 0)
		fail_msg("parse of <%s> failed: %s at %u:%u", text,
		    err.message, err.line, err.column);
	assert_non_null(doc);
	return doc;
}

/* Expect a parse failure with the exact code, position and message. */
static void
expect_error(const char *text, size_t len, unsigned flags, ov_ctx *ctx,
    int code, unsigned line, unsigned column, const char *message)
{
	ov_json_doc *doc = (ov_json_doc *)1;
	ov_json_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = ov_json_parse(&doc, ctx, text, len, flags, &err);
	if (rc != code || err.line != line || err.column != column ||
	    strcmp(err.message, message) != 0)
		fail_msg("<%.*s>: got %d %u:%u \"%s\", want %d %u:%u \"%s\"",
		    (int)len, text, rc, err.line, err.column, err.message,
		    code, line, column, message);
	assert_null(doc);
}

#define ERR(text, code, line, col, msg) \
	expect_error(text, strlen(text), OV_JSON_STRICT, NULL, code, line, \
	    col, msg)
#define ERR_L(text, code, line, col, msg) \
	expect_error(text, strlen(text), OV_JSON_LENIENT, NULL, code, line, \
	    col, msg)

static void
test_values(void **state)
{
	ov_json_doc *doc = parse_ok(
	    "{\"a\":1,\"b\":[true,false,null],\"c\":\"x\",\"d\":-1.5e3,"
	    "\"e\":{},\"f\":[]}", 0);
	const ov_json *r = ov_json_doc_root(doc), *b;
	const ov_json_member *m;

	(void)state;
	assert_int_equal(ov_json_type_of(r), OV_JSON_OBJECT);
	assert_int_equal(ov_json_len(r), 6);
	m = ov_json_member_at(r, 0);
	assert_string_equal(m->key, "a");
	assert_int_equal(m->klen, 1);
	assert_int_equal(ov_json_type_of(&m->value), OV_JSON_NUMBER);
	assert_true(m->value.flags & OV_JSON_F_INTEGER);
	assert_string_equal(ov_json_member_at(r, 5)->key, "f");
	assert_null(ov_json_member_at(r, 6));
	b = ov_json_get(r, "b");
	assert_int_equal(ov_json_len(b), 3);
	assert_int_equal(ov_json_type_of(ov_json_at(b, 0)), OV_JSON_TRUE);
	assert_int_equal(ov_json_type_of(ov_json_at(b, 1)), OV_JSON_FALSE);
	assert_int_equal(ov_json_type_of(ov_json_at(b, 2)), OV_JSON_NULL);
	assert_null(ov_json_at(b, 3));
	assert_true(ov_json_is_true(ov_json_at(b, 0)));
	assert_false(ov_json_is_true(ov_json_at(b, 1)));
	assert_string_equal(ov_json_string(ov_json_get(r, "c")), "x");
	assert_true(ov_json_is_string(ov_json_get(r, "c")));
	assert_null(ov_json_string(ov_json_get(r, "a")));
	assert_true(ov_json_number(ov_json_get(r, "d")) == -1500.0);
	assert_false(ov_json_get(r, "d")->flags & OV_JSON_F_INTEGER);
	assert_int_equal(ov_json_type_of(ov_json_get(r, "e")), OV_JSON_OBJECT);
	assert_int_equal(ov_json_len(ov_json_get(r, "e")), 0);
	assert_int_equal(ov_json_len(ov_json_get(r, "f")), 0);
	assert_null(ov_json_at(ov_json_get(r, "f"), 0));
	/* The "absent" answers for NULL and wrong types. */
	assert_int_equal(ov_json_type_of(NULL), OV_JSON_NULL);
	assert_int_equal(ov_json_len(NULL), 0);
	assert_int_equal(ov_json_len(ov_json_get(r, "c")), 0);
	assert_null(ov_json_get(NULL, "a"));
	assert_null(ov_json_get(b, "a"));
	assert_null(ov_json_at(r, 0));
	assert_true(ov_json_number(NULL) == 0);
	ov_json_doc_free(doc);
	ov_json_doc_free(NULL);

	/* Scalars at the top level, with surrounding whitespace. */
	doc = parse_ok(" \t\r\n\"top\" \n", 0);
	assert_string_equal(ov_json_string(ov_json_doc_root(doc)), "top");
	ov_json_doc_free(doc);
	doc = parse_ok("-0", 0);
	assert_true(signbit(ov_json_number(ov_json_doc_root(doc))));
	ov_json_doc_free(doc);
	/* A UTF-8 byte order mark is skipped (RFC 8259 section 8.1). */
	doc = parse_ok("\xef\xbb\xbf[1]", 0);
	assert_int_equal(ov_json_len(ov_json_doc_root(doc)), 1);
	assert_int_equal(ov_json_doc_root(doc)->offset, 3);
	ov_json_doc_free(doc);
}

static void
test_escapes(void **state)
{
	static const char want[] = "a\"b\\c/d\be\ff\ng\rh\tiA\xc3\xa9"
	    "\xe2\x82\xac\xf0\x9f\x98\x80";
	ov_json_doc *doc = parse_ok("\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti"
	    "\\u0041\\u00e9\\u20AC\\ud83d\\ude00\"", 0);
	const ov_json *r = ov_json_doc_root(doc);

	(void)state;
	assert_int_equal(r->len, sizeof(want) - 1);
	assert_memory_equal(ov_json_string(r), want, sizeof(want));
	ov_json_doc_free(doc);

	/* An escaped NUL stays in the string; len counts it. */
	doc = parse_ok("{\"k\\u0000y\":\"a\\u0000b\"}", 0);
	r = ov_json_doc_root(doc);
	assert_int_equal(ov_json_member_at(r, 0)->klen, 3);
	assert_memory_equal(ov_json_member_at(r, 0)->key, "k\0y", 4);
	assert_int_equal(ov_json_member_at(r, 0)->value.len, 3);
	assert_memory_equal(ov_json_member_at(r, 0)->value.u.str, "a\0b", 4);
	ov_json_doc_free(doc);

	/* Escapes at the very start and end, and a long plain run. */
	doc = parse_ok("[\"\\n\",\"x\\t\",\"0123456789abcdefghijklmnopqrstu"
	    "vwxyz\\\"\"]", 0);
	r = ov_json_doc_root(doc);
	assert_string_equal(ov_json_string(ov_json_at(r, 0)), "\n");
	assert_string_equal(ov_json_string(ov_json_at(r, 1)), "x\t");
	assert_string_equal(ov_json_string(ov_json_at(r, 2)),
	    "0123456789abcdefghijklmnopqrstuvwxyz\"");
	ov_json_doc_free(doc);

	ERR("\"\\q\"", OV_EPARSE, 1, 2, "invalid escape '\\q' in string");
	ERR("[\"ab\\x41\"]", OV_EPARSE, 1, 5,
	    "invalid escape '\\x' in string");
	ERR("\"\\u12\"", OV_EPARSE, 1, 2, "invalid \\u escape in string");
	ERR("\"\\u12G4\"", OV_EPARSE, 1, 2, "invalid \\u escape in string");
	ERR("\"\\", OV_EPARSE, 1, 2, "unterminated string");
	ERR("\"abc", OV_EPARSE, 1, 1, "unterminated string");
}

static void
test_unicode(void **state)
{
	ov_json_doc *doc;

	(void)state;
	/* Raw UTF-8 of every length passes through unchanged. */
	doc = parse_ok("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 long enough to "
	    "use the word loop \xc3\xa9\"", 0);
	assert_string_equal(ov_json_string(ov_json_doc_root(doc)),
	    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 long enough to use the word "
	    "loop \xc3\xa9");
	ov_json_doc_free(doc);

	/* Malformed UTF-8 is rejected in every mode. */
	ERR("\"\xc3\x28\"", OV_EPARSE, 1, 2, "invalid UTF-8 in string");
	ERR("\"abcdefghij\xff\"", OV_EPARSE, 1, 12,
	    "invalid UTF-8 in string");
	ERR("\"\xc0\xaf\"", OV_EPARSE, 1, 2, "invalid UTF-8 in string");
	ERR("\"\xed\xa0\x80\"", OV_EPARSE, 1, 2, "invalid UTF-8 in string");
	ERR("\"\xf4\x90\x80\x80\"", OV_EPARSE, 1, 2,
	    "invalid UTF-8 in string");
	ERR("\"\xe2\x82\"", OV_EPARSE, 1, 2, "invalid UTF-8 in string");
	ERR_L("\"\xe2\x82\"", OV_EPARSE, 1, 2, "invalid UTF-8 in string");

	/* Lone surrogates: an error in strict mode, U+FFFD in lenient. */
	ERR("[\"\\ud800\"]", OV_EPARSE, 1, 3,
	    "unpaired surrogate \\ud800 in string");
	ERR("[\"\\uDC00\\uD800\"]", OV_EPARSE, 1, 3,
	    "unpaired surrogate \\uDC00 in string");
	ERR("[\"\\ud800\\u0041\"]", OV_EPARSE, 1, 3,
	    "unpaired surrogate \\ud800 in string");
	doc = parse_ok("\"a\\ud800b\"", OV_JSON_LENIENT);
	assert_string_equal(ov_json_string(ov_json_doc_root(doc)),
	    "a\xef\xbf\xbd" "b");
	ov_json_doc_free(doc);
}

/*
 * Strings of every length up to 80 with one special byte sequence at every
 * position, behind other values so the word-at-a-time copy is in play.
 */
static void
test_string_boundaries(void **state)
{
	static const struct {
		const char	*src;	/* as written in the JSON text */
		const char	*val;	/* the unescaped value */
		int		 rc;	/* expected parse result */
	} specials[] = {
		{ "", "", 0 },
		{ "\\n", "\n", 0 },
		{ "\\u00e9", "\xc3\xa9", 0 },
		{ "\xc3\xa9", "\xc3\xa9", 0 },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", 0 },
		{ "\\\"", "\"", 0 },
		{ "\t", NULL, OV_EPARSE },
		{ "\xc3", NULL, OV_EPARSE },
		{ "\\x", NULL, OV_EPARSE },
	};
	char text[512], want[256];
	size_t len, pos, k;

	(void)state;
	for (k = 0; k < sizeof(specials) / sizeof(specials[0]); k++) {
		for (len = 0; len <= 80; len++) {
			for (pos = 0; pos <= len; pos++) {
				ov_json_doc *doc = NULL;
				const ov_json *s;
				int rc, n;

				n = snprintf(text, sizeof(text),
				    "[\"x\",12,\"%.*s%s%.*s\"]", (int)pos,
				    "abcdefghijklmnopqrstuvwxyz0123456789"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
				    "qrstuvwxyz", specials[k].src,
				    (int)(len - pos), "ZYXWVUTSRQPONMLKJIHGFE"
				    "DCBAzyxwvutsrqponmlkjihgfedcba9876543210"
				    "abcdefghijklmnopqrstuvwxyz");
				rc = ov_json_parse(&doc, NULL, text, (size_t)n,
				    0, NULL);
				if (rc != specials[k].rc)
					fail_msg("%s: rc %d", text, rc);
				if (rc != 0)
					continue;
				snprintf(want, sizeof(want), "%.*s%s%.*s",
				    (int)pos, "abcdefghijklmnopqrstuvwxyz"
				    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz",
				    specials[k].val, (int)(len - pos),
				    "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponm"
				    "lkjihgfedcba9876543210abcdefghijklmnopqr"
				    "stuvwxyz");
				s = ov_json_at(ov_json_doc_root(doc), 2);
				assert_int_equal(s->len, strlen(want));
				assert_string_equal(ov_json_string(s), want);
				ov_json_doc_free(doc);
			}
		}
	}
}

static void
test_positions(void **state)
{
	const char *text = "{\n  \"a\": [1, 22],\n  \"b\": \"x\"\n}";
	ov_json_doc *doc = parse_ok(text, 0);
	const ov_json *r = ov_json_doc_root(doc), *a;
	unsigned line, col;

	(void)state;
	assert_int_equal(r->offset, 0);
	a = ov_json_get(r, "a");
	assert_int_equal(a->offset, 9);
	assert_int_equal(ov_json_at(a, 0)->offset, 10);
	assert_int_equal(ov_json_at(a, 1)->offset, 13);
	ov_json_position(text, strlen(text), ov_json_at(a, 1)->offset, &line,
	    &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 12);
	ov_json_position(text, strlen(text), ov_json_get(r, "b")->offset,
	    &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 8);
	/* Offsets past the end clamp to the end. */
	ov_json_position(text, strlen(text), 1000, &line, &col);
	assert_int_equal(line, 4);
	assert_int_equal(col, 2);
	ov_json_doc_free(doc);
}

static void
test_errors(void **state)
{
	ov_ctx *ctx;
	const ov_error *e;

	(void)state;
	ERR("", OV_EPARSE, 1, 1, "unexpected end of input");
	ERR("  \n ", OV_EPARSE, 2, 2, "unexpected end of input");
	ERR("[1,2", OV_EPARSE, 1, 5, "unexpected end of input");
	ERR("{\"a\":", OV_EPARSE, 1, 6, "unexpected end of input");
	ERR("{\"a\":1,}", OV_EPARSE, 1, 8,
	    "expected a string key, found character '}'");
	ERR("{1:2}", OV_EPARSE, 1, 2,
	    "expected a string key, found character '1'");
	ERR("[1 2]", OV_EPARSE, 1, 4,
	    "expected ',' or ']' after array item, found character '2'");
	ERR("[1,]", OV_EPARSE, 1, 4, "expected a value, found character ']'");
	ERR("[,1]", OV_EPARSE, 1, 2, "expected a value, found character ','");
	ERR("{\"a\" 1}", OV_EPARSE, 1, 6,
	    "expected ':' after object key, found character '1'");
	ERR("{\"a\":1 \"b\":2}", OV_EPARSE, 1, 8,
	    "expected ',' or '}' after object member, found character '\"'");
	ERR("{\"a\":1]", OV_EPARSE, 1, 7,
	    "expected ',' or '}' after object member, found character ']'");
	ERR("[1] x", OV_EPARSE, 1, 5, "trailing characters after JSON value");
	ERR("1 2", OV_EPARSE, 1, 3, "trailing characters after JSON value");
	ERR("\n\n  [01]", OV_EPARSE, 3, 4, "leading zero in number");
	ERR("[-]", OV_EPARSE, 1, 2, "invalid number");
	ERR("[1.]", OV_EPARSE, 1, 2, "expected a digit after '.' in number");
	ERR("[1e+]", OV_EPARSE, 1, 2, "expected a digit in number exponent");
	ERR("[.5]", OV_EPARSE, 1, 2, "unexpected character '.'");
	ERR("nul", OV_EPARSE, 1, 1, "unexpected character 'n'");
	ERR("True", OV_EPARSE, 1, 1, "unexpected character 'T'");
	ERR("['a']", OV_EPARSE, 1, 2, "unexpected byte 0x27");
	ERR("[\"a\tb\"]", OV_EPARSE, 1, 4,
	    "unescaped control character 0x09 in string");
	ERR("[\"a\nb\"]", OV_EPARSE, 1, 4,
	    "unescaped control character 0x0a in string");
	expect_error("[\0]", 3, 0, NULL, OV_EPARSE, 1, 2,
	    "unexpected byte 0x00");
	ERR("/* c */ 1", OV_EPARSE, 1, 1, "unexpected character '/'");
	ERR("\xef\xbb\xbf", OV_EPARSE, 1, 4, "unexpected end of input");

	/* The same error lands on the context. */
	assert_int_equal(ov_ctx_new(&ctx), 0);
	expect_error("{\n\"a\":tru}", 10, 0, ctx, OV_EPARSE, 2, 5,
	    "unexpected character 't'");
	e = ov_error_last(ctx);
	assert_int_equal(e->code, OV_EPARSE);
	assert_int_equal(e->klass, OV_ERRCLASS_JSON);
	assert_int_equal(e->line, 2);
	assert_int_equal(e->column, 5);
	assert_string_equal(e->message, "unexpected character 't'");
	ov_ctx_free(ctx);
}

/* A string of n nested arrays around 1. */
static char *
nested(size_t n)
{
	char *s = malloc(2 * n + 2);	/* checksrc: allow */
	size_t i;

	assert_non_null(s);
	for (i = 0; i < n; i++) {
		s[i] = '[';
		s[n + 1 + i] = ']';
	}
	s[n] = '1';
	s[2 * n + 1] = '\0';
	return s;
}

static void
test_limits(void **state)
{
	ov_ctx *ctx;
	ov_json_doc *doc;
	ov_json_parser *p;
	const ov_json *root;
	char *s;
	size_t end;

	(void)state;
	/* The default depth is 512. */
	s = nested(512);
	ov_json_doc_free(parse_ok(s, 0));
	free(s);	/* checksrc: allow */
	s = nested(513);
	ERR(s, OV_ELIMIT, 1, 513, "nesting deeper than 512");
	free(s);	/* checksrc: allow */

	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_int_equal(ov_ctx_set_limit(ctx, OV_LIMIT_JSON_DEPTH, 4), 0);
	assert_int_equal(ov_json_parse(&doc, ctx, "[{\"a\":[[1]]}]", 13, 0,
	    NULL), 0);
	ov_json_doc_free(doc);
	expect_error("[{\"a\":[[[1]]]}]", 15, 0, ctx, OV_ELIMIT, 1, 9,
	    "nesting deeper than 4");
	assert_int_equal(ov_error_last(ctx)->code, OV_ELIMIT);

	assert_int_equal(ov_ctx_set_limit(ctx, OV_LIMIT_JSON_STRING, 3), 0);
	assert_int_equal(ov_json_parse(&doc, ctx, "[\"abc\"]", 7, 0, NULL), 0);
	ov_json_doc_free(doc);
	expect_error("[\"abcd\"]", 8, 0, ctx, OV_ELIMIT, 1, 2,
	    "string longer than 3 bytes");
	/* The limit is on the unescaped bytes. */
	assert_int_equal(ov_json_parse(&doc, ctx, "\"\\n\\n\\n\"", 8, 0,
	    NULL), 0);
	ov_json_doc_free(doc);
	expect_error("{\"\\u00e9\\u00e9\":1}", 18, 0, ctx, OV_ELIMIT, 1, 2,
	    "string longer than 3 bytes");

	assert_int_equal(ov_ctx_set_limit(ctx, OV_LIMIT_JSON_DOCUMENT, 5), 0);
	assert_int_equal(ov_json_parse(&doc, ctx, "[1,2]", 5, 0, NULL), 0);
	ov_json_doc_free(doc);
	expect_error("[1,22]", 6, 0, ctx, OV_ELIMIT, 1, 1,
	    "document larger than 5 bytes");
	/* In prefix mode the limit applies to the value, not the stream. */
	assert_int_equal(ov_json_parser_new(&p, ctx, OV_JSON_PREFIX), 0);
	assert_int_equal(ov_json_parser_parse(p, "[1] [22222]", 11, &root,
	    &end, NULL), 0);
	assert_int_equal(end, 3);
	assert_int_equal(ov_json_parser_parse(p, "[1,2,3] [4]", 11, &root,
	    &end, NULL), OV_ELIMIT);
	assert_null(root);
	assert_string_equal(ov_error_last(ctx)->message,
	    "document larger than 5 bytes");
	assert_int_equal(ov_json_parser_parse(p, "\"abcdefgh\"", 10, &root,
	    &end, NULL), OV_ELIMIT);
	assert_int_equal(ov_json_parser_parse(p, "1234567 8", 9, &root, &end,
	    NULL), OV_ELIMIT);
	assert_int_equal(ov_json_parser_parse(p, "1234 5678", 9, &root, &end,
	    NULL), 0);
	assert_true(ov_json_number(root) == 1234);
	ov_json_parser_free(p);
	ov_ctx_free(ctx);
}

static void
test_lenient(void **state)
{
	ov_json_doc *doc;
	const ov_json *r;

	(void)state;
	doc = parse_ok("// template\n{ /* a */ \"a\" /* b */ : // c\n 1, "
	    "\"s\": \"line1\nline2\tx\" /**/ } // end", OV_JSON_LENIENT);
	r = ov_json_doc_root(doc);
	assert_int_equal(ov_json_len(r), 2);
	assert_true(ov_json_number(ov_json_get(r, "a")) == 1);
	assert_string_equal(ov_json_string(ov_json_get(r, "s")),
	    "line1\nline2\tx");
	ov_json_doc_free(doc);
	ERR_L("[1 /* x", OV_EPARSE, 1, 4, "unterminated comment");
	ERR_L("[1 /", OV_EPARSE, 1, 4,
	    "expected ',' or ']' after array item, found character '/'");
	ERR_L("[1,]", OV_EPARSE, 1, 4,
	    "expected a value, found character ']'");
	/* Comments are not allowed in strict mode, even trailing ones. */
	ERR("[1] // x", OV_EPARSE, 1, 5, "trailing characters after JSON value");
}

static void
test_prefix(void **state)
{
	const char *stream = "{\"a\":1}  {\"b\":[2]}\n\"s\"3";
	size_t len = strlen(stream), off = 0, end = 0;
	ov_json_parser *p;
	const ov_json *root;
	ov_json_error err;

	(void)state;
	assert_int_equal(ov_json_parser_new(&p, NULL, OV_JSON_PREFIX), 0);
	assert_int_equal(ov_json_parser_parse(p, stream, len, &root, &end,
	    &err), 0);
	assert_int_equal(end, 7);
	assert_true(ov_json_number(ov_json_get(root, "a")) == 1);
	off += end;
	assert_int_equal(ov_json_parser_parse(p, stream + off, len - off,
	    &root, &end, &err), 0);
	assert_int_equal(end, 11);
	assert_int_equal(root->offset, 2);
	assert_true(ov_json_number(ov_json_at(ov_json_get(root, "B"), 0)) ==
	    2);
	off += end;
	assert_int_equal(ov_json_parser_parse(p, stream + off, len - off,
	    &root, &end, &err), 0);
	assert_string_equal(ov_json_string(root), "s");
	off += end;
	assert_int_equal(ov_json_parser_parse(p, stream + off, len - off,
	    &root, &end, &err), 0);
	assert_true(ov_json_number(root) == 3);
	off += end;
	assert_int_equal(off, len);
	assert_int_equal(ov_json_parser_parse(p, stream + off, len - off,
	    &root, &end, &err), OV_EPARSE);
	assert_string_equal(err.message, "unexpected end of input");
	ov_json_parser_free(p);

	/* Without PREFIX the same parser kind rejects trailing values. */
	assert_int_equal(ov_json_parser_new(&p, NULL, 0), 0);
	assert_int_equal(ov_json_parser_parse(p, "1 2", 3, &root, NULL, &err),
	    OV_EPARSE);
	assert_string_equal(err.message,
	    "trailing characters after JSON value");
	assert_int_equal(err.column, 3);
	ov_json_parser_free(p);
}

static void
test_parser_reuse(void **state)
{
	ov_json_parser *p;
	const ov_json *root;
	char line[128];
	int i, n;

	(void)state;
	assert_int_equal(ov_json_parser_new(&p, NULL, 0), 0);
	for (i = 0; i < 2000; i++) {
		int64_t v;

		n = snprintf(line, sizeof(line), "{\"id\":%d,\"name\":\"r%d\","
		    "\"tags\":{\"k\":[%d,\"\\u00e9\"]}}", i, i, i * 2);
		assert_int_equal(ov_json_parser_parse(p, line, (size_t)n,
		    &root, NULL, NULL), 0);
		assert_true(ov_json_int(ov_json_get(root, "id"), &v));
		assert_int_equal(v, i);
		snprintf(line, sizeof(line), "r%d", i);
		assert_string_equal(ov_json_string(ov_json_get(root, "NAME")),
		    line);
		assert_true(ov_json_number(ov_json_path(root, "tags.k.0")) ==
		    i * 2);
	}
	/* A failed parse leaves no root; the next one works again. */
	assert_int_equal(ov_json_parser_parse(p, "{", 1, &root, NULL, NULL),
	    OV_EPARSE);
	assert_null(root);
	assert_int_equal(ov_json_parser_parse(p, "[]", 2, &root, NULL, NULL),
	    0);
	assert_int_equal(ov_json_type_of(root), OV_JSON_ARRAY);
	ov_json_parser_free(p);
	ov_json_parser_free(NULL);
}

static void
test_lookup(void **state)
{
	ov_json_doc *doc = parse_ok("{\"Name\":\"a\",\"properties\":{"
	    "\"networkAcls\":{\"bypass\":\"AzureServices\",\"ipRules\":[{\"v\":1},"
	    "{\"v\":2}]}},\"name\":\"dup\",\"a.b\":3,\"\":4}", 0);
	const ov_json *r = ov_json_doc_root(doc);
	const ov_json_member *m;
	size_t i;

	(void)state;
	/* Case-insensitive; of duplicates the last value wins, in the
	 * first one's place and spelling. */
	assert_string_equal(ov_json_string(ov_json_get(r, "name")), "dup");
	assert_string_equal(ov_json_string(ov_json_get(r, "NAME")), "dup");
	assert_string_equal(ov_json_string(ov_json_getn(r, "namexyz", 4)),
	    "dup");
	assert_int_equal(ov_json_len(r), 4);
	assert_string_equal(ov_json_member_at(r, 0)->key, "Name");
	assert_null(ov_json_get(r, "nam"));
	assert_null(ov_json_get(r, "names"));
	assert_null(ov_json_get(r, NULL));
	assert_true(ov_json_number(ov_json_get(r, "")) == 4);
	/* The stored hash is the public, case-folded one. */
	for (i = 0; i < ov_json_len(r); i++) {
		m = ov_json_member_at(r, i);
		assert_int_equal(m->khash, ov_json_key_hash(m->key, m->klen));
	}
	assert_int_equal(ov_json_key_hash("PROPERTIES.x", 10),
	    ov_json_key_hash("properties", 10));
	assert_int_not_equal(ov_json_key_hash("properties", 10),
	    ov_json_key_hash("propertieS_", 11));
	/* Different keys of every length class hash apart. */
	assert_int_not_equal(ov_json_key_hash("id", 2),
	    ov_json_key_hash("ie", 2));
	assert_int_not_equal(ov_json_key_hash("name", 4),
	    ov_json_key_hash("type", 4));
	assert_int_not_equal(ov_json_key_hash("location", 8),
	    ov_json_key_hash("locatiom", 8));
	assert_int_not_equal(ov_json_key_hash("provisioningState", 17),
	    ov_json_key_hash("provisioningStatf", 17));
	assert_int_equal(ov_json_key_hash("provisioningState", 17),
	    ov_json_key_hash("PROVISIONINGstate", 17));
	/* Keys that share a hash still compare by content. */
	assert_int_equal(ov_json_key_hash("@", 1), ov_json_key_hash("`", 1));
	{
		ov_json_doc *d2 = parse_ok("{\"@\":1,\"[\":2}", 0);
		const ov_json *r2 = ov_json_doc_root(d2);

		assert_null(ov_json_get(r2, "`"));
		assert_null(ov_json_get(r2, "{"));
		assert_non_null(ov_json_get(r2, "@"));
		assert_non_null(ov_json_get(r2, "["));
		ov_json_doc_free(d2);
	}
	assert_null(ov_json_get(r, "pROPERTIEs_"));

	/* Paths. */
	assert_string_equal(ov_json_string(ov_json_path(r,
	    "properties.networkAcls.BYPASS")), "AzureServices");
	assert_true(ov_json_number(ov_json_path(r,
	    "Properties.NetworkAcls.ipRules.1.v")) == 2);
	assert_null(ov_json_path(r, "properties.networkAcls.ipRules.2.v"));
	assert_null(ov_json_path(r, "properties.networkAcls.ipRules.x"));
	assert_null(ov_json_path(r, "properties.nope.bypass"));
	assert_null(ov_json_path(r, "name.x"));
	assert_null(ov_json_path(r, "properties."));
	assert_null(ov_json_path(r, NULL));
	assert_ptr_equal(ov_json_path(r, "Name"), ov_json_get(r, "name"));
	ov_json_doc_free(doc);
}

struct warns {
	size_t		 n;
	uint64_t	 off[8];
	uint64_t	 first[8];
	char		 key[8][32];
};

static void
on_warn(const ov_json_warning *w, void *payload)
{
	struct warns *ws = payload;

	assert_int_equal(w->kind, OV_JSON_WARN_DUPLICATE_KEY);
	if (ws->n < 8) {
		ws->off[ws->n] = w->offset;
		ws->first[ws->n] = w->first_offset;
		snprintf(ws->key[ws->n], sizeof(ws->key[0]), "%.*s",
		    (int)w->klen, w->key);
	}
	ws->n++;
}

/* Duplicate keys: last wins, case-insensitively, with a warning. */
static void
test_duplicates(void **state)
{
	static const char text[] =
	    "{\"allowBlobPublicAccess\": false,\n"
	    " \"x\": 1,\n"
	    " \"allowBlobPublicAccess\": true}";
	static const char ci[] = "{\"Enabled\":false,\"b\":{\"k\":1,"
	    "\"K\":2,\"k\":3},\"ENABLED\":true}";
	struct warns ws;
	ov_json_doc *doc = NULL;
	ov_json_parser *p = NULL;
	const ov_json *r;
	unsigned line, col;
	char big[8192];
	size_t n = 0;
	int i;

	(void)state;
	memset(&ws, 0, sizeof(ws));
	assert_int_equal(ov_json_parse_warn(&doc, NULL, text, strlen(text),
	    OV_JSON_STRICT, NULL, on_warn, &ws), 0);
	r = ov_json_doc_root(doc);
	assert_true(ov_json_is_true(ov_json_get(r,
	    "allowBlobPublicAccess")));
	assert_int_equal(ov_json_len(r), 2);
	assert_string_equal(ov_json_member_at(r, 0)->key,
	    "allowBlobPublicAccess");
	assert_int_equal(ws.n, 1);
	assert_string_equal(ws.key[0], "allowBlobPublicAccess");
	/* both positions, as line:column */
	ov_json_position(text, strlen(text), ws.first[0], &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 2);
	ov_json_position(text, strlen(text), ws.off[0], &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 2);
	ov_json_doc_free(doc);

	/* ARM names are case-insensitive: so are duplicates. */
	memset(&ws, 0, sizeof(ws));
	assert_int_equal(ov_json_parser_new(&p, NULL, OV_JSON_STRICT), 0);
	ov_json_parser_set_warn(p, on_warn, &ws);
	assert_int_equal(ov_json_parser_parse(p, ci, strlen(ci), &r, NULL,
	    NULL), 0);
	assert_int_equal(ov_json_len(r), 2);
	assert_true(ov_json_is_true(ov_json_get(r, "enabled")));
	assert_string_equal(ov_json_member_at(r, 0)->key, "Enabled");
	assert_int_equal(ov_json_len(ov_json_get(r, "b")), 1);
	assert_true(ov_json_number(ov_json_path(r, "b.k")) == 3);
	assert_int_equal(ws.n, 3);
	assert_string_equal(ws.key[0], "K");
	assert_string_equal(ws.key[2], "ENABLED");
	/* without a callback the tree is the same */
	ov_json_parser_set_warn(p, NULL, NULL);
	assert_int_equal(ov_json_parser_parse(p, ci, strlen(ci), &r, NULL,
	    NULL), 0);
	assert_true(ov_json_is_true(ov_json_get(r, "enabled")));
	ov_json_parser_free(p);

	/* a large object goes through the hash table: 40 keys, 3 repeats */
	memset(&ws, 0, sizeof(ws));
	n += (size_t)snprintf(big + n, sizeof(big) - n, "{");
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "%s\"k%d\":%d",
		    i ? "," : "", i, i);
	n += (size_t)snprintf(big + n, sizeof(big) - n,
	    ",\"K7\":700,\"k39\":3900,\"k7\":7000}");
	assert_int_equal(ov_json_parse_warn(&doc, NULL, big, n,
	    OV_JSON_STRICT, NULL, on_warn, &ws), 0);
	r = ov_json_doc_root(doc);
	assert_int_equal(ov_json_len(r), 40);
	assert_true(ov_json_number(ov_json_get(r, "k7")) == 7000);
	assert_true(ov_json_number(ov_json_get(r, "k39")) == 3900);
	assert_true(ov_json_number(ov_json_get(r, "k38")) == 38);
	assert_string_equal(ov_json_member_at(r, 7)->key, "k7");
	assert_int_equal(ws.n, 3);
	ov_json_doc_free(doc);
}

static void
test_big_object(void **state)
{
	char *text = malloc(64 * 1024);	/* checksrc: allow */
	size_t n = 0;
	ov_json_doc *doc;
	const ov_json *r;
	char key[32];
	int i;

	(void)state;
	assert_non_null(text);
	text[n++] = '{';
	for (i = 0; i < 2000; i++)
		n += (size_t)snprintf(text + n, 64 * 1024 - n,
		    "%s\"Key%d\":%d", i ? "," : "", i, i);
	text[n++] = '}';
	text[n] = '\0';
	doc = parse_ok(text, 0);
	r = ov_json_doc_root(doc);
	assert_int_equal(ov_json_len(r), 2000);
	for (i = 0; i < 2000; i++) {
		int64_t v;

		snprintf(key, sizeof(key), "KEY%d", i);
		assert_true(ov_json_int(ov_json_get(r, key), &v));
		assert_int_equal(v, i);
	}
	ov_json_doc_free(doc);
	free(text);	/* checksrc: allow */
}

static void
test_pointer(void **state)
{
	/* The example document of RFC 6901 section 5. */
	ov_json_doc *doc = parse_ok("{\"foo\":[\"bar\",\"baz\"],\"\":0,"
	    "\"a/b\":1,\"c%d\":2,\"e^f\":3,\"g|h\":4,\"i\\\\j\":5,\"k\\\"l\":6,"
	    "\" \":7,\"m~n\":8}", 0);
	const ov_json *r = ov_json_doc_root(doc);

	(void)state;
	assert_ptr_equal(ov_json_pointer(r, ""), r);
	assert_int_equal(ov_json_len(ov_json_pointer(r, "/foo")), 2);
	assert_string_equal(ov_json_string(ov_json_pointer(r, "/foo/0")),
	    "bar");
	assert_true(ov_json_number(ov_json_pointer(r, "/")) == 0);
	assert_true(ov_json_number(ov_json_pointer(r, "/a~1b")) == 1);
	assert_true(ov_json_number(ov_json_pointer(r, "/c%d")) == 2);
	assert_true(ov_json_number(ov_json_pointer(r, "/e^f")) == 3);
	assert_true(ov_json_number(ov_json_pointer(r, "/g|h")) == 4);
	assert_true(ov_json_number(ov_json_pointer(r, "/i\\j")) == 5);
	assert_true(ov_json_number(ov_json_pointer(r, "/k\"l")) == 6);
	assert_true(ov_json_number(ov_json_pointer(r, "/ ")) == 7);
	assert_true(ov_json_number(ov_json_pointer(r, "/m~0n")) == 8);
	assert_null(ov_json_pointer(r, "/foo/-"));
	assert_null(ov_json_pointer(r, "/foo/2"));
	assert_null(ov_json_pointer(r, "/foo/01"));
	assert_null(ov_json_pointer(r, "/foo/0/x"));
	assert_null(ov_json_pointer(r, "/FOO"));
	assert_null(ov_json_pointer(r, "foo"));
	assert_null(ov_json_pointer(r, "/m~2n"));
	assert_null(ov_json_pointer(r, "/m~"));
	assert_null(ov_json_pointer(r, "/a~1b/"));
	assert_null(ov_json_pointer(NULL, ""));
	ov_json_doc_free(doc);
}

/* Parse one number and return its node (the doc is returned in *docp). */
static const ov_json *
num(const char *text, ov_json_doc **docp)
{
	*docp = parse_ok(text, 0);
	return ov_json_doc_root(*docp);
}

static void
test_numbers(void **state)
{
	static const char *const cases[] = {
		"0", "-0", "1", "0.1", "0.2", "0.3", "1e2", "1E-2", "-1.5e+3",
		"3.141592653589793", "2.2250738585072014e-308",
		"1.7976931348623157e308", "5e-324", "4.9e-324", "1e-400",
		"123456789012345678901234567890", "9007199254740993",
		"0.000001", "1.000000000000000005", "123.456e-789",
		"1e308", "2e308", "99.5", "1234567.125", "0.1e-22", "8.5e22",
		"12345678901234567e-5"
	};
	ov_json_doc *doc;
	const ov_json *v;
	int64_t i64;
	size_t i;

	(void)state;
	/* The fast path agrees with strtod. */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = num(cases[i], &doc);
		if (ov_json_number(v) != strtod(cases[i], NULL) &&
		    !(isnan(ov_json_number(v))))
			fail_msg("%s: %.17g != %.17g", cases[i],
			    ov_json_number(v), strtod(cases[i], NULL));
		ov_json_doc_free(doc);
	}
	/* Random decimals too. */
	srand(7);
	for (i = 0; i < 20000; i++) {
		char buf[64];

		snprintf(buf, sizeof(buf), "%s%d.%0*de%d", rand() % 2 ? "-" :
		    "", rand() % 100000, 1 + rand() % 9, rand() % 1000000,
		    rand() % 60 - 30);
		v = num(buf, &doc);
		if (ov_json_number(v) != strtod(buf, NULL))
			fail_msg("%s: %.17g != %.17g", buf, ov_json_number(v),
			    strtod(buf, NULL));
		ov_json_doc_free(doc);
	}

	v = num("9223372036854775807", &doc);
	assert_true(ov_json_int(v, &i64));
	assert_true(i64 == INT64_MAX);
	assert_true(v->flags & OV_JSON_F_INTEGER);
	ov_json_doc_free(doc);
	v = num("-9223372036854775808", &doc);
	assert_true(ov_json_int(v, &i64));
	assert_true(i64 == INT64_MIN);
	ov_json_doc_free(doc);
	v = num("9223372036854775808", &doc);
	assert_false(ov_json_int(v, &i64));
	ov_json_doc_free(doc);
	v = num("-9223372036854775809", &doc);
	assert_false(ov_json_int(v, &i64));
	ov_json_doc_free(doc);
	v = num("1.0", &doc);
	assert_false(v->flags & OV_JSON_F_INTEGER);
	assert_true(ov_json_int(v, &i64));
	assert_int_equal(i64, 1);
	ov_json_doc_free(doc);
	v = num("-1e3", &doc);
	assert_true(ov_json_int(v, &i64));
	assert_int_equal(i64, -1000);
	ov_json_doc_free(doc);
	v = num("1.5", &doc);
	assert_false(ov_json_int(v, &i64));
	ov_json_doc_free(doc);
	v = num("1e400", &doc);
	assert_false(ov_json_int(v, &i64));
	ov_json_doc_free(doc);
	assert_false(ov_json_int(NULL, &i64));
	v = num("\"1\"", &doc);
	assert_false(ov_json_int(v, &i64));
	assert_true(ov_json_number(v) == 0);
	ov_json_doc_free(doc);
}

/* Equality of two texts. */
static bool
texts_equal(const char *a, const char *b)
{
	ov_json_doc *x = parse_ok(a, 0), *y = parse_ok(b, 0);
	bool eq = ov_json_equal(ov_json_doc_root(x), ov_json_doc_root(y));

	ov_json_doc_free(x);
	ov_json_doc_free(y);
	return eq;
}

static void
test_equal(void **state)
{
	(void)state;
	assert_true(texts_equal("{\"a\":[1,{\"b\":null}],\"c\":\"x\"}",
	    "{\"c\":\"x\",\"a\":[1.0,{\"b\":null}]}"));
	assert_true(texts_equal("1", "1.0"));
	assert_true(texts_equal("100", "1e2"));
	assert_true(texts_equal("0", "-0"));
	assert_true(texts_equal("\"\\u00e9\"", "\"\xc3\xa9\""));
	assert_true(texts_equal("9223372036854775807",
	    "9223372036854775807"));
	assert_false(texts_equal("9223372036854775807",
	    "9223372036854775806"));
	assert_false(texts_equal("1", "\"1\""));
	assert_false(texts_equal("true", "false"));
	assert_false(texts_equal("[1,2]", "[2,1]"));
	assert_false(texts_equal("[1,2]", "[1,2,3]"));
	assert_false(texts_equal("{\"a\":1}", "{\"A\":1}"));
	assert_false(texts_equal("{\"a\":1}", "{\"a\":1,\"b\":2}"));
	assert_false(texts_equal("{\"a\":1,\"a\":1}", "{\"a\":1,\"b\":1}"));
	assert_false(texts_equal("{\"b\":1,\"a\":1}", "{\"a\":1,\"a\":1}"));
	/* Repeated keys match occurrence by occurrence. */
	assert_true(texts_equal("{\"a\":1,\"b\":0,\"a\":2}",
	    "{\"b\":0,\"a\":1,\"a\":2}"));
	assert_false(texts_equal("{\"a\":1,\"b\":0,\"a\":2}",
	    "{\"b\":0,\"a\":2,\"a\":1}"));
	assert_false(texts_equal("\"a\\u0000b\"", "\"a\\u0000c\""));
	assert_true(ov_json_equal(NULL, NULL));
	assert_false(texts_equal("null", "{}"));
}

/* Sink that appends into a fixed buffer. */
struct sbuf {
	char	 data[4096];	/* output */
	size_t	 n;		/* bytes used */
	int	 fail_with;	/* nonzero: return this */
};

static int
sink(const char *data, size_t len, void *payload)
{
	struct sbuf *b = payload;

	if (b->fail_with != 0)
		return b->fail_with;
	assert_true(b->n + len < sizeof(b->data));
	memcpy(b->data + b->n, data, len);
	b->n += len;
	b->data[b->n] = '\0';
	return 0;
}

/* Serialize text with wflags and compare. */
static void
check_write(const char *text, unsigned wflags, const char *want)
{
	ov_json_doc *doc = parse_ok(text, 0);
	char *s = ov_json_to_string(ov_json_doc_root(doc), wflags);

	assert_non_null(s);
	if (strcmp(s, want) != 0)
		fail_msg("write %s (flags %u): got %s want %s", text, wflags, s,
		    want);
	ov_free(s);
	ov_json_doc_free(doc);
}

static void
test_writer(void **state)
{
	struct sbuf b;
	char big[20000];
	ov_json_doc *doc, *again;
	char *s;

	(void)state;
	check_write("{\"a\":[1,2.50,{\"b\":null}],\"c\":\"x\\\"y\",\"d\":true,"
	    "\"e\":false,\"f\":{},\"g\":[],\"h\":-1E+2}", 0,
	    "{\"a\":[1,2.50,{\"b\":null}],\"c\":\"x\\\"y\",\"d\":true,"
	    "\"e\":false,\"f\":{},\"g\":[],\"h\":-1E+2}");
	check_write("{\"a\":[1,{\"b\":null}],\"e\":{},\"g\":[]}",
	    OV_JSON_W_PRETTY,
	    "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n"
	    "  \"e\": {},\n  \"g\": []\n}");
	check_write("{\"b\":1,\"a\":{\"z\":1,\"y\":2},\"C\":3,\"aa\":4}",
	    OV_JSON_W_SORTED,
	    "{\"C\":3,\"a\":{\"y\":2,\"z\":1},\"aa\":4,\"b\":1}");
	/* duplicate keys were merged by the parser: last value, first place */
	check_write("{\"b\":1,\"a\":{\"z\":1,\"y\":2},\"B\":3,\"aa\":4,"
	    "\"a\":5}", OV_JSON_W_SORTED, "{\"a\":5,\"aa\":4,\"b\":3}");
	check_write("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", OV_JSON_W_ASCII,
	    "\"\\u00e9\\u20ac\\ud83d\\ude00\"");
	check_write("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", 0,
	    "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	check_write("\"\\u0001\\u001f\\u007f\\b\\f\\n\\r\\t\\/\\\\\\u0000\"", 0,
	    "\"\\u0001\\u001f\x7f\\b\\f\\n\\r\\t/\\\\\\u0000\"");
	check_write("[]", OV_JSON_W_PRETTY, "[]");

	/* Strings from outside the parser: invalid UTF-8 becomes U+FFFD. */
	memset(&b, 0, sizeof(b));
	assert_int_equal(ov_json_write_string("a\xff" "b\xc3", 4, 0, sink,
	    &b), 0);
	assert_string_equal(b.data, "\"a\xef\xbf\xbd" "b\xef\xbf\xbd\"");
	memset(&b, 0, sizeof(b));
	assert_int_equal(ov_json_write_string("a\xff", 2, OV_JSON_W_ASCII,
	    sink, &b), 0);
	assert_string_equal(b.data, "\"a\\ufffd\"");
	memset(&b, 0, sizeof(b));
	assert_int_equal(ov_json_write_string(NULL, 0, 0, sink, &b), 0);
	assert_string_equal(b.data, "\"\"");
	memset(&b, 0, sizeof(b));
	assert_int_equal(ov_json_write(NULL, 0, sink, &b), 0);
	assert_string_equal(b.data, "null");

	/* Sink errors stop the writer and come back. */
	memset(&b, 0, sizeof(b));
	b.fail_with = OV_EIO;
	assert_int_equal(ov_json_write_string("x", 1, 0, sink, &b), OV_EIO);
	b.fail_with = 5;
	assert_int_equal(ov_json_write_string("x", 1, 0, sink, &b), OV_EUSER);

	/* Output larger than the writer's buffer, then a round trip. */
	memset(big, 'x', sizeof(big));
	big[0] = '"';
	big[sizeof(big) - 2] = '"';
	big[sizeof(big) - 1] = '\0';
	big[5000] = '\\';
	big[5001] = 'n';
	doc = parse_ok(big, 0);
	s = ov_json_to_string(ov_json_doc_root(doc), 0);
	assert_string_equal(s, big);
	again = parse_ok(s, 0);
	assert_true(ov_json_equal(ov_json_doc_root(doc),
	    ov_json_doc_root(again)));
	ov_free(s);
	ov_json_doc_free(again);
	ov_json_doc_free(doc);
}

static void
test_round_trip(void **state)
{
	static const char *const texts[] = {
		"{\"id\":\"/subscriptions/x\",\"tags\":{\"a\":\"\\u00e9\\n\"},"
		    "\"n\":[1,-2.5e-3,0,true,false,null,[],{}],"
		    "\"s\":\"\\ud83d\\ude00\\t\\\"q\\\"\\u0007\"}",
		"[[[[\"deep\"]]],{\"k\":{\"k\":{\"k\":[]}}}]",
		"\"\"", "0", "-1.25E+10"
	};
	unsigned flags;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		for (flags = 0; flags < 8; flags++) {
			ov_json_doc *a = parse_ok(texts[i], 0), *b;
			char *s = ov_json_to_string(ov_json_doc_root(a), flags);

			assert_non_null(s);
			b = parse_ok(s, 0);
			assert_true(ov_json_equal(ov_json_doc_root(a),
			    ov_json_doc_root(b)));
			if (flags == 0 && i != 0)
				assert_string_equal(s, texts[i]);
			ov_free(s);
			ov_json_doc_free(a);
			ov_json_doc_free(b);
		}
	}
}

static void
test_oom(void **state)
{
	const char *text = "{\"a\":[\"x\\ny\",{\"b\":[1,2,3]}],\"c\":\"\\u00e9\","
	    "\"d\":[[[[[]]]]]}";
	ov_json_parser *p;
	ov_json_doc *doc;
	const ov_json *root;
	long i;
	int rc;
	char *s;

	(void)state;
	/* Fail each allocation in turn: a clean OV_ENOMEM, never a leak. */
	for (i = 0; i < 1000; i++) {
		ov__alloc_fail_after(i);
		rc = ov_json_parse(&doc, NULL, text, strlen(text), 0, NULL);
		ov__alloc_fail_after(-1);
		if (rc == 0) {
			s = ov_json_to_string(ov_json_doc_root(doc), 
			    OV_JSON_W_ASCII);
			assert_string_equal(s, text);
			ov_free(s);
			ov_json_doc_free(doc);
			break;
		}
		assert_int_equal(rc, OV_ENOMEM);
		assert_null(doc);
	}
	assert_true(i > 0 && i < 1000);
	for (i = 0; i < 1000; i++) {
		ov__alloc_fail_after(i);
		rc = ov_json_parser_new(&p, NULL, 0);
		if (rc == 0)
			rc = ov_json_parser_parse(p, text, strlen(text), &root,
			    NULL, NULL);
		ov__alloc_fail_after(-1);
		ov_json_parser_free(p);
		if (rc == 0)
			break;
		assert_int_equal(rc, OV_ENOMEM);
	}
	assert_true(i > 0 && i < 1000);
	doc = parse_ok(text, 0);
	for (i = 0; i < 100; i++) {
		ov__alloc_fail_after(i);
		s = ov_json_to_string(ov_json_doc_root(doc), OV_JSON_W_SORTED);
		ov__alloc_fail_after(-1);
		if (s != NULL)
			break;
	}
	assert_non_null(s);
	assert_true(i > 0);
	ov_free(s);
	ov_json_doc_free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_unicode),
		cmocka_unit_test(test_string_boundaries),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_parser_reuse),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_big_object),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
