/* SPDX-License-Identifier: MIT */
/*
 * exceptions.yaml: validation with file:line:column, glob matching,
 * active versus expired entries, and applying a set to findings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/exceptions.h"
#include "testutil.h"

#define T0 1735689600	/* 2025-01-01T00:00:00Z */
#define ESTATE_NOW 1793491200	/* 2026-11-01T00:00:00Z, examples/estate */

static const char valid[] =
    "exceptions:\n"
    "  - rule: OV-NET-*\n"
    "    resource: \"*/networkSecurityGroups/nsg-web\"\n"
    "    justification: partner VPN\n"
    "    approver: ciso@example.org\n"
    "    ticket: RISK-1\n"
    "    expires: 2025-01-10\n"
    "  - rule: OV-STG-001\n"
    "    resource: \"/subscriptions/*/storageAccounts/st?\"\n"
    "    justification: archive\n"
    "    approver: it@example.org\n"
    "    ticket: RISK-2\n"
    "    expires: 2024-06-30T12:00:00Z\n";

static ov_exceptions *
load(ov_ctx *ctx, const char *text, int expect)
{
	ov_exceptions *set = NULL;

	assert_int_equal(ov_exceptions_load_buffer(&set, ctx, "exc.yaml",
	    text, strlen(text)), expect);
	return set;
}

static void
test_valid(void **state)
{
	ov_ctx *ctx = NULL;
	ov_exceptions *set;
	const ov_exception *e;

	(void)state;
	assert_int_equal(ov_ctx_new(&ctx), 0);
	set = load(ctx, valid, 0);
	assert_int_equal(ov_exceptions_count(set), 2);
	e = ov_exceptions_get(set, 0);
	assert_string_equal(e->rule, "OV-NET-*");
	assert_string_equal(e->ticket, "RISK-1");
	/* a bare date holds through the end of the day */
	assert_int_equal(e->expires, T0 + 10 * 86400);
	assert_int_equal(e->line, 2);
	assert_int_equal(e->column, 5);
	assert_int_equal(ov_exceptions_get(set, 1)->expires,
	    1719748800);
	assert_null(ov_exceptions_get(set, 2));
	ov_exceptions_free(set);
	/* a bare list and an empty file are fine too */
	set = load(ctx, "- rule: a\n  resource: b\n  justification: c\n"
	    "  approver: d\n  ticket: e\n  expires: 2025-01-01\n", 0);
	assert_int_equal(ov_exceptions_count(set), 1);
	ov_exceptions_free(set);
	set = load(ctx, "", 0);
	assert_int_equal(ov_exceptions_count(set), 0);
	ov_exceptions_free(set);
	ov_ctx_free(ctx);
}

/* Each invalid input names its line and column. */
static void
expect_error(const char *text, int code, unsigned line, unsigned col,
    const char *needle)
{
	ov_ctx *ctx = NULL;
	const ov_error *err;

	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_null(load(ctx, text, code));
	err = ov_error_last(ctx);
	assert_string_equal(err->source, "exc.yaml");
	assert_int_equal(err->line, line);
	assert_int_equal(err->column, col);
	if (strstr(err->message, needle) == NULL)
		fail_msg("message '%s' lacks '%s'", err->message, needle);
	ov_ctx_free(ctx);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("exceptions:\n  - rule: OV-1\n    resource: x\n"
	    "    justification: j\n    approver: a\n    ticket: t\n",
	    OV_EINVALID, 2, 5, "missing 'expires'");
	expect_error("exceptions:\n  - rule: OV-1\n    resource: x\n"
	    "    justification: j\n    approver: a\n    ticket: t\n"
	    "    expires: next week\n", OV_EINVALID, 7, 14,
	    "not an ISO 8601 date");
	expect_error("exceptions:\n  - rule: OV-1\n    owner: x\n",
	    OV_EINVALID, 3, 5, "unknown key 'owner'");
	expect_error("exceptions:\n  - rule: OV-1\n    rule: OV-2\n",
	    OV_EINVALID, 3, 5, "duplicate key 'rule'");
	expect_error("exceptions:\n  - rule: [a, b]\n", OV_EINVALID, 2, 11,
	    "single value");
	expect_error("exceptions: 42\n", OV_EINVALID, 1, 13,
	    "expected a list");
	expect_error("rules:\n  - x\n", OV_EINVALID, 1, 1,
	    "unknown top-level key 'rules'");
	expect_error("exceptions:\n  - rule: \"unterminated\n", OV_EPARSE, 3,
	    1, "");
	expect_error("exceptions:\n  - just a string\n", OV_EINVALID, 2, 5,
	    "expected a mapping");
	expect_error("exceptions:\n  - rule: \"\"\n", OV_EINVALID, 2, 11,
	    "'rule' is empty");
}

static void
test_glob(void **state)
{
	(void)state;
	assert_true(ov_glob_match("OV-NET-*", "ov-net-004"));
	assert_true(ov_glob_match("*", ""));
	assert_true(ov_glob_match("*/nsg-*/x", "/a/b/NSG-web/x"));
	assert_true(ov_glob_match("st?", "st1"));
	assert_false(ov_glob_match("st?", "st12"));
	assert_false(ov_glob_match("OV-NET-*", "OV-STG-001"));
	assert_true(ov_glob_match("a*b*c", "aXXbYYbZZc"));
	assert_false(ov_glob_match("a*b*c", "aXXbYY"));
	assert_false(ov_glob_match("", "x"));
	assert_false(ov_glob_match(NULL, "x"));
}

static void
test_check_and_apply(void **state)
{
	ov_ctx *ctx = NULL;
	ov_exceptions *set;
	ov_findings *in = NULL, *out = NULL;
	const ov_exception *which;
	ov_finding f;
	const ov_finding *g;
	size_t i, n_acc = 0;

	(void)state;
	assert_int_equal(ov_ctx_new(&ctx), 0);
	set = load(ctx, valid, 0);
	memset(&f, 0, sizeof(f));
	f.rule = "OV-NET-001";
	f.title = "t";
	f.state = OV_STATE_NON_COMPLIANT;
	f.resource_id = "/subscriptions/s/resourceGroups/rg/providers/"
	    "Microsoft.Network/networkSecurityGroups/NSG-WEB";
	assert_int_equal(ov_exceptions_check(set, &f, T0, &which),
	    OV_EXC_ACTIVE);
	assert_string_equal(which->ticket, "RISK-1");
	assert_int_equal(ov_exceptions_check(set, &f, T0 + 10 * 86400,
	    &which), OV_EXC_EXPIRED);
	f.rule = "OV-IAM-001";
	assert_int_equal(ov_exceptions_check(set, &f, T0, NULL), OV_EXC_NONE);

	assert_int_equal(ov_findings_new(&in), 0);
	assert_int_equal(ov_findings_set_tenant(in, "t1"), 0);
	f.rule = "OV-NET-001";
	assert_int_equal(ov_findings_add(in, &f), 0);
	f.rule = "OV-STG-001";
	f.resource_id = "/subscriptions/s/storageAccounts/st9";
	assert_int_equal(ov_findings_add(in, &f), 0);
	assert_int_equal(ov_findings_new(&out), 0);
	assert_int_equal(ov_findings_set_tenant(out, "t1"), 0);
	assert_int_equal(ov_exceptions_apply(set, ctx, in, T0, out), 0);
	/* NET excepted; STG under a lapsed entry stays open, plus OV-ACC */
	for (i = 0; i < ov_findings_count(out); i++) {
		g = ov_findings_get(out, i);
		if (strcmp(g->rule, "OV-NET-001") == 0)
			assert_int_equal(g->state, OV_STATE_EXEMPT);
		else if (strcmp(g->rule, "OV-STG-001") == 0)
			assert_int_equal(g->state, OV_STATE_NON_COMPLIANT);
		else if (strcmp(g->rule, OV_RULE_EXCEPTION_EXPIRED) == 0) {
			n_acc++;
			assert_int_equal(g->severity, OV_SEV_MEDIUM);
			assert_non_null(strstr(g->resource_id, "RISK-2"));
			assert_string_equal(g->accountable, "it@example.org");
		}
	}
	assert_int_equal(ov_findings_count(out), 3);
	assert_int_equal(n_acc, 1);
	ov_findings_free(in);
	ov_findings_free(out);
	ov_exceptions_free(set);
	ov_ctx_free(ctx);
}

/* The bundled example is valid. */
static void
test_example_file(void **state)
{
	ov_ctx *ctx = NULL;
	ov_exceptions *set = NULL;
	size_t i, expired = 0;

	(void)state;
	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_int_equal(ov_exceptions_load(&set, ctx,
	    ov_test_path(ov_test_srcdir(), "examples/exceptions.yaml")), 0);
	assert_int_equal(ov_exceptions_count(set), 3);
	/* As of the sample estate's collection (2026-11-01), one has lapsed. */
	for (i = 0; i < ov_exceptions_count(set); i++)
		expired += ov_exceptions_get(set, i)->expires <= ESTATE_NOW;
	assert_int_equal(expired, 1);
	ov_exceptions_free(set);
	assert_int_equal(ov_exceptions_load(&set, ctx, "/nonexistent/x.yaml"),
	    OV_EIO);
	ov_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_check_and_apply),
		cmocka_unit_test(test_example_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
