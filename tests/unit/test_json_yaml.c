/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the YAML loader: the core-schema typing of scalars,
 * mappings, sequences, duplicate keys, anchors and aliases (with the
 * expansion cap), multi-document streams, positions as byte offsets,
 * errors with line and column, limits and allocation failures.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/json.h"
#include "util/alloc.h"

/* Parse text and fail the test on error. */
static ov_json_doc *
yaml_ok(const char *text, unsigned flags)
{
	ov_json_doc *doc = NULL;
	ov_json_error err;
	int rc;

	rc = ov_json_parse_yaml(&doc, NULL, text, strlen(text), flags, &err);
	if (rc != 0)
		fail_msg("parse of <%s> failed: %s at %u:%u", text,
		    err.message, err.line, err.column);
	assert_non_null(doc);
	return doc;
}

/* The root of text as compact sorted JSON, compared with want. */
static void
expect_json(const char *text, unsigned flags, const char *want)
{
	ov_json_doc *doc = yaml_ok(text, flags);
	char *s = ov_json_to_string(ov_json_doc_root(doc), 0);

	if (strcmp(s, want) != 0)
		fail_msg("<%s>: got %s, want %s", text, s, want);
	ov_free(s);
	ov_json_doc_free(doc);
}

/* Expect a failure with the code, position and start of the message. */
static void
expect_error(const char *text, unsigned flags, ov_ctx *ctx, int code,
    unsigned line, unsigned column, const char *message)
{
	ov_json_doc *doc = (ov_json_doc *)1;
	ov_json_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = ov_json_parse_yaml(&doc, ctx, text, strlen(text), flags, &err);
	if (rc != code || err.line != line || err.column != column ||
	    strncmp(err.message, message, strlen(message)) != 0)
		fail_msg("<%s>: got %d %u:%u \"%s\", want %d %u:%u \"%s\"",
		    text, rc, err.line, err.column, err.message, code, line,
		    column, message);
	assert_null(doc);
	assert_true(err.offset <= strlen(text));
}

static void
test_scalars(void **state)
{
	(void)state;
	/* Core schema: null, booleans, integers, floats. */
	expect_json("[~, null, Null, NULL, nULL]", 0,
	    "[null,null,null,null,\"nULL\"]");
	expect_json("a:\nb: ''\n", 0, "{\"a\":null,\"b\":\"\"}");
	expect_json("[true, True, TRUE, false, False, FALSE, yes, no, on, tRue]",
	    0, "[true,true,true,false,false,false,\"yes\",\"no\",\"on\","
	    "\"tRue\"]");
	expect_json("[0, -0, +12, 012, 0o17, 0x1F, 0xff, 0o8, 0x, 1_000]", 0,
	    "[0,-0,12,12,15,31,255,\"0o8\",\"0x\",\"1_000\"]");
	expect_json("[1.5, .5, -.5, 1., 1e3, 2.5E-3, +1.0e+2, 00.10]", 0,
	    "[1.5,0.5,-0.5,1,1e3,2.5E-3,1.0e+2,0.10]");
	expect_json("[.inf, -.Inf, .nan, 1e, e3, ., -, 1.2.3, 3:4]", 0,
	    "[\".inf\",\"-.Inf\",\".nan\",\"1e\",\"e3\",\".\",\"-\","
	    "\"1.2.3\",\"3:4\"]");
	/* A 0x integer too large for 64 bits stays text. */
	expect_json("[0xffffffffffffffff, 0x10000000000000000]", 0,
	    "[18446744073709551615,\"0x10000000000000000\"]");
	/* Quoted and block scalars stay strings. */
	expect_json("['true', \"12\", '', \"null\"]", 0,
	    "[\"true\",\"12\",\"\",\"null\"]");
	expect_json("a: |\n  12\n  x\nb: >\n  true\n", 0,
	    "{\"a\":\"12\\nx\\n\",\"b\":\"true\\n\"}");
	/* Tags: !!str keeps text, !!int types a quoted scalar. */
	expect_json("[!!str 12, !!int \"7\", !!bool 'true', ! 5, !x 5]", 0,
	    "[\"12\",7,true,\"5\",5]");
	/* Escapes of double-quoted scalars. */
	expect_json("\"a\\tb\\u00e9\\x41\"", 0, "\"a\\tb\xc3\xa9" "A\"");
}

static void
test_numbers_typed(void **state)
{
	ov_json_doc *doc = yaml_ok("a: 42\nb: 2.5\nc: -9223372036854775808\n",
	    0);
	const ov_json *r = ov_json_doc_root(doc);
	int64_t x;

	(void)state;
	assert_true(ov_json_int(ov_json_get(r, "a"), &x));
	assert_int_equal(x, 42);
	assert_true(ov_json_get(r, "a")->flags & OV_JSON_F_INTEGER);
	assert_false(ov_json_get(r, "b")->flags & OV_JSON_F_INTEGER);
	assert_true(ov_json_number(ov_json_get(r, "b")) == 2.5);
	assert_true(ov_json_int(ov_json_get(r, "c"), &x));
	assert_true(x == INT64_MIN);
	ov_json_doc_free(doc);
}

static void
test_structures(void **state)
{
	ov_json_doc *doc;
	const ov_json *r;

	(void)state;
	expect_json("title: x\ndetection:\n  sel:\n    A|contains:\n"
	    "      - a\n      - b\n  condition: sel\n", 0,
	    "{\"title\":\"x\",\"detection\":{\"sel\":{\"A|contains\":"
	    "[\"a\",\"b\"]},\"condition\":\"sel\"}}");
	expect_json("{a: [1, {b: c}], 'd e': {}}", 0,
	    "{\"a\":[1,{\"b\":\"c\"}],\"d e\":{}}");
	expect_json("- []\n- {}\n-\n- - x\n", 0, "[[],{},null,[\"x\"]]");
	/* JSON is YAML. */
	expect_json("{\"a\": [true, null, 1.5, \"x\"]}", 0,
	    "{\"a\":[true,null,1.5,\"x\"]}");
	/* Keys keep their text whatever they would type as. */
	expect_json("{1: a, true: b, ~: c, 0x10: d}", 0,
	    "{\"1\":\"a\",\"true\":\"b\",\"~\":\"c\",\"0x10\":\"d\"}");
	/* Case-insensitive lookup, as for JSON. */
	doc = yaml_ok("EventName: x\n", 0);
	r = ov_json_doc_root(doc);
	assert_string_equal(ov_json_string(ov_json_get(r, "eventname")), "x");
	ov_json_doc_free(doc);
}

static void
test_duplicates(void **state)
{
	struct { char *p; size_t n; } big = { NULL, 0 };
	FILE *f;
	ov_json_doc *doc;
	const ov_json *r;
	int i;

	(void)state;
	/* Last value wins at the first key's place. */
	expect_json("a: 1\nb: 2\na: 3\n", 0, "{\"a\":3,\"b\":2}");
	expect_json("{a: 1, A: 2, a: [x]}", 0, "{\"a\":[\"x\"],\"A\":2}");
	/* Past the pairwise threshold the map takes over. */
	f = open_memstream(&big.p, &big.n);
	assert_non_null(f);
	for (i = 0; i < 50; i++)
		fprintf(f, "k%d: %d\n", i % 20, i);
	fclose(f);
	doc = yaml_ok(big.p, 0);
	r = ov_json_doc_root(doc);
	assert_int_equal(ov_json_len(r), 20);
	assert_string_equal(ov_json_member_at(r, 0)->key, "k0");
	assert_int_equal((int)ov_json_number(ov_json_get(r, "k0")), 40);
	assert_int_equal((int)ov_json_number(ov_json_get(r, "k19")), 39);
	ov_json_doc_free(doc);
	free(big.p);
}

static void
test_anchors(void **state)
{
	ov_json_doc *doc;
	const ov_json *r;

	(void)state;
	expect_json("base: &b {x: 1}\nuse: *b\nlist: [&s str, *s]\n", 0,
	    "{\"base\":{\"x\":1},\"use\":{\"x\":1},\"list\":[\"str\","
	    "\"str\"]}");
	/* A later anchor of the same name wins from there on. */
	expect_json("[&a 1, *a, &a 2, *a]", 0, "[1,1,2,2]");
	/* An alias as a key uses the scalar's text. */
	expect_json("[&k name, {*k : v}]", 0, "[\"name\",{\"name\":\"v\"}]");
	/* Merge keys are plain keys. */
	expect_json("a: &a {x: 1}\nb: {<<: *a}\n", 0,
	    "{\"a\":{\"x\":1},\"b\":{\"<<\":{\"x\":1}}}");
	/* An alias node keeps the anchored node's position. */
	doc = yaml_ok("a: &x [1]\nb: *x\n", 0);
	r = ov_json_doc_root(doc);
	assert_int_equal(ov_json_get(r, "b")->offset, 3);
	ov_json_doc_free(doc);
	expect_error("a: *nope\n", 0, NULL, OV_EPARSE, 1, 4,
	    "unknown anchor 'nope'");
	expect_error("a: &r [1, *r]\n", 0, NULL, OV_EPARSE, 1, 11,
	    "alias 'r' refers to a node that contains it");
	/* Anchors do not cross documents. */
	expect_error("--- &a 1\n--- *a\n", OV_YAML_STREAM, NULL, OV_EPARSE, 2,
	    5, "unknown anchor 'a'");
}

static void
test_alias_bomb(void **state)
{
	static const char bomb[] =
	    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
	    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
	    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";

	(void)state;
	/* The expansion stops at the alias that crosses the cap. */
	expect_error(bomb, 0, NULL, OV_ELIMIT, 6, 36,
	    "aliases expand to more than 1000000 nodes");
	/* Aliases under the cap expand. */
	expect_json("a: &a [1, 2]\nb: [*a, *a]\n", 0,
	    "{\"a\":[1,2],\"b\":[[1,2],[1,2]]}");
}

static void
test_streams(void **state)
{
	ov_json_doc *doc;
	const ov_json *r;

	(void)state;
	expect_json("title: one\n---\ntitle: two\n", OV_YAML_STREAM,
	    "[{\"title\":\"one\"},{\"title\":\"two\"}]");
	expect_json("", OV_YAML_STREAM, "[]");
	expect_json("", 0, "null");
	expect_json("---\n", 0, "null");
	expect_json("--- a\n...\n", 0, "\"a\"");
	expect_error("a: 1\n---\nb: 2\n", 0, NULL, OV_EPARSE, 2, 1,
	    "more than one document in the stream");
	/* Positions in the second document are offsets in the whole text. */
	doc = yaml_ok("a: 1\n---\nb: [x, y]\n", OV_YAML_STREAM);
	r = ov_json_doc_root(doc);
	assert_int_equal(ov_json_len(r), 2);
	assert_int_equal(ov_json_at(ov_json_get(ov_json_at(r, 1), "b"),
	    1)->offset, 16);
	ov_json_doc_free(doc);
}

static void
test_positions(void **state)
{
	const char *text = "\xef\xbb\xbf" "k: \xc3\xa9\xc3\xa9\n"
	    "list:\n  - {a: b}\n  - \"\xe2\x82\xac\" \n";
	ov_json_doc *doc = yaml_ok(text, 0);
	const ov_json *r = ov_json_doc_root(doc), *l;
	unsigned line, col;

	(void)state;
	/* Offsets are bytes, after a BOM and multi-byte characters. */
	assert_int_equal(ov_json_get(r, "k")->offset, 6);
	l = ov_json_get(r, "list");
	assert_int_equal(ov_json_type_of(l), OV_JSON_ARRAY);
	ov_json_position(text, strlen(text), ov_json_at(l, 0)->offset, &line,
	    &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 5);
	assert_int_equal(ov_json_get(ov_json_at(l, 0), "a")->offset,
	    (uint64_t)(strstr(text, "b}") - text));
	ov_json_position(text, strlen(text), ov_json_at(l, 1)->offset, &line,
	    &col);
	assert_int_equal(line, 4);
	assert_int_equal(col, 5);
	/* The column of an error after multi-byte text counts bytes. */
	expect_error("k: \xc3\xa9\xc3\xa9: x\n", 0, NULL, OV_EPARSE, 1, 8,
	    "mapping values are not allowed");
	ov_json_doc_free(doc);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("a: [1, 2\n", 0, NULL, OV_EPARSE, 2, 1,
	    "did not find expected ',' or ']'");
	expect_error("a: b\n c: d\n", 0, NULL, OV_EPARSE, 2, 3,
	    "mapping values are not allowed");
	expect_error("? [a, b]\n: c\n", 0, NULL, OV_EPARSE, 1, 3,
	    "mapping key is not a scalar");
	expect_error("a: \"x\n", 0, NULL, OV_EPARSE, 2, 1,
	    "found unexpected end of stream");
	expect_error("a:\tb\n- c\n", 0, NULL, OV_EPARSE, 2, 1, "");
	expect_error("a: \xff\n", 0, NULL, OV_EPARSE, 1, 4,
	    "invalid leading UTF-8 octet");
	expect_error("a: \"\\q\"\n", 0, NULL, OV_EPARSE, 1, 5,
	    "found unknown escape character");
}

static void
test_limits(void **state)
{
	ov_ctx *ctx;
	char deep[64];
	int i;

	(void)state;
	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_int_equal(ov_ctx_set_limit(ctx, OV_LIMIT_JSON_DEPTH, 3), 0);
	assert_int_equal(ov_ctx_set_limit(ctx, OV_LIMIT_JSON_STRING, 4), 0);
	for (i = 0; i < 4; i++)
		deep[i] = '[';
	memcpy(deep + 4, "1]]]]", 6);
	expect_error(deep, 0, ctx, OV_ELIMIT, 1, 4, "nesting deeper than 3");
	assert_int_equal(ov_error_last(ctx)->code, OV_ELIMIT);
	assert_int_equal(ov_error_last(ctx)->line, 1);
	expect_error("[abcde]", 0, ctx, OV_ELIMIT, 1, 2,
	    "string longer than 4 bytes");
	assert_int_equal(ov_ctx_set_limit(ctx, OV_LIMIT_JSON_DOCUMENT, 5), 0);
	expect_error("a: abc\n", 0, ctx, OV_ELIMIT, 1, 1,
	    "document larger than 5 bytes");
	ov_ctx_free(ctx);
}

static void
test_oom(void **state)
{
	const char *text = "a: &a [1, 0x1f, {b: c}]\nb: *a\n"
	    "k0: 0\nk1: 1\nk2: 2\nk3: 3\nk4: 4\nk5: 5\nk6: 6\nk7: 7\nk8: 8\n"
	    "k0: 9\n";
	ov_json_doc *doc;
	long i;
	int rc;
	char *s;

	(void)state;
	/* Fail each allocation in turn: a clean OV_ENOMEM, never a leak. */
	for (i = 0; i < 1000; i++) {
		ov__alloc_fail_after(i);
		rc = ov_json_parse_yaml(&doc, NULL, text, strlen(text), 0,
		    NULL);
		ov__alloc_fail_after(-1);
		if (rc == 0) {
			s = ov_json_to_string(ov_json_doc_root(doc), 0);
			assert_string_equal(s, "{\"a\":[1,31,{\"b\":\"c\"}],"
			    "\"b\":[1,31,{\"b\":\"c\"}],\"k0\":9,\"k1\":1,"
			    "\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,"
			    "\"k7\":7,\"k8\":8}");
			ov_free(s);
			ov_json_doc_free(doc);
			break;
		}
		assert_int_equal(rc, OV_ENOMEM);
		assert_null(doc);
	}
	assert_true(i > 0 && i < 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_numbers_typed),
		cmocka_unit_test(test_structures),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_anchors),
		cmocka_unit_test(test_alias_bomb),
		cmocka_unit_test(test_streams),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
