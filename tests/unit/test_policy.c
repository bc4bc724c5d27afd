/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the policy engine: uniqueString against published ARM
 * values, the expression parser's errors, assignments (scope, notScopes,
 * parameters), exemptions with expiry, initiatives with groups, findings
 * and the what-if hook.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "overvisor/finding.h"
#include "overvisor/policy.h"
#include "overvisor/snapshot.h"
#include "policy/policy_int.h"

static void
test_unique_string(void **state)
{
	static const struct {
		const char *parts[3];
		size_t n;
		const char *want;
	} v[] = {
		/* Values published for ARM/Bicep uniqueString(). */
		{ { "test" }, 1, "rbgf3xv4ufgzg" },
		{ { "hello", "world" }, 2, "a7wkljktk6wne" },
		{ { "abc" }, 1, "cgtzqvhu4i23s" },
		{ { "/subscriptions/00000000-0000-0000-0000-000000000000/"
		    "resourceGroups/my-rg" }, 1, "bmg7c6xu4tw46" },
		{ { "foo", "bar", "baz" }, 3, "xzi4ioaxtmth4" },
	};
	char out[14];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ov_policy__unique_string(v[i].parts, v[i].n, out);
		assert_string_equal(out, v[i].want);
	}
}

static void
expect_parse_error(const char *s, const char *msg, size_t off)
{
	struct ov_arena a = OV_ARENA_INIT;
	struct expr *e;
	char m[256];
	size_t o = 0;

	ov__arena_init(&a, 0, 0);
	assert_int_equal(ov_policy__expr_parse(&a, s, strlen(s), 64, &e, m,
	    sizeof(m), &o), OV_EPARSE);
	assert_string_equal(m, msg);
	assert_int_equal(o, off);
	ov__arena_free(&a);
}

static void
test_expr_errors(void **state)
{
	(void)state;
	expect_parse_error("[concat('a']", "expected ',' or ')', found end of "
	    "expression", 11);
	expect_parse_error("[foo(1)]", "unknown function 'foo'", 1);
	expect_parse_error("[reference('x')]", "function 'reference' is not "
	    "available in policy rules", 1);
	expect_parse_error("[concat('a]", "unterminated string literal", 8);
	expect_parse_error("[]", "empty expression", 1);
	expect_parse_error("[substring()]", "wrong number of arguments to "
	    "'substring'", 1);
	expect_parse_error("[a.b]", "expected '(' after 'a'", 2);
}

static void
test_path_parse(void **state)
{
	struct ov_arena a = OV_ARENA_INIT;
	struct ppath p;
	const char *s1 = "properties.rules[*].properties.ports[*]";

	(void)state;
	ov__arena_init(&a, 0, 0);
	assert_int_equal(ov_policy__path_parse(&a, s1, strlen(s1), &p), 0);
	assert_int_equal(p.n, 4);
	assert_int_equal(p.n_wild, 2);
	assert_true(p.segs[1].wild);
	assert_false(p.segs[2].wild);
	assert_int_equal(ov_policy__path_parse(&a, "tags['a.''b']", 13, &p),
	    0);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.segs[1].name, "a.'b");
	ov__arena_free(&a);
}

/* ---- assignments ------------------------------------------------------ */

#define SUB1 "/subscriptions/11111111-1111-1111-1111-111111111111"
#define SUB2 "/subscriptions/22222222-2222-2222-2222-222222222222"
#define ST(sub, rg, n) "{\"id\":\"" sub "/resourceGroups/" rg \
	"/providers/Microsoft.Storage/storageAccounts/" n "\",\"name\":\"" n \
	"\",\"type\":\"Microsoft.Storage/storageAccounts\",\"location\":" \
	"\"eastus\",\"properties\":{\"minimumTlsVersion\":\"TLS1_0\"}}"

static const char defs[] =
    "[{\"name\":\"tls\",\"type\":\"Microsoft.Authorization/policyDefinitions\","
    "\"properties\":{\"displayName\":\"TLS\",\"mode\":\"Indexed\","
    "\"metadata\":{\"overvisor\":{\"id\":\"OV-STG-900\",\"severity\":\"high\","
    "\"controls\":[\"CIS-3.15\"]}},"
    "\"parameters\":{\"minTls\":{\"type\":\"String\"},"
    "\"effect\":{\"type\":\"String\",\"defaultValue\":\"Audit\"}},"
    "\"policyRule\":{\"if\":{\"allOf\":[{\"field\":\"type\",\"equals\":"
    "\"Microsoft.Storage/storageAccounts\"},{\"field\":"
    "\"Microsoft.Storage/storageAccounts/minimumTlsVersion\",\"notEquals\":"
    "\"[parameters('minTls')]\"}]},\"then\":{\"effect\":"
    "\"[parameters('effect')]\"}}}},"
    "{\"name\":\"set1\",\"type\":"
    "\"Microsoft.Authorization/policySetDefinitions\",\"properties\":{"
    "\"parameters\":{\"tls\":{\"type\":\"String\",\"defaultValue\":"
    "\"TLS1_2\"}},\"policyDefinitionGroups\":[{\"name\":\"CTRL-1\"}],"
    "\"policyDefinitions\":[{\"policyDefinitionId\":"
    "\"/providers/Microsoft.Authorization/policyDefinitions/tls\","
    "\"policyDefinitionReferenceId\":\"ref1\",\"groupNames\":[\"CTRL-1\"],"
    "\"parameters\":{\"minTls\":{\"value\":\"[parameters('tls')]\"}}}]}}]";

static const char estate[] = "[" ST(SUB1, "rg1", "st1") ","
    ST(SUB1, "rg1", "st2") "," ST(SUB1, "rg1", "st3") ","
    ST(SUB1, "rgx", "st4") "," ST(SUB2, "rg1", "st5") ","
    "{\"id\":\"" SUB1 "/providers/Microsoft.Authorization/policyAssignments/"
    "a1\",\"name\":\"a1\",\"type\":"
    "\"Microsoft.Authorization/policyAssignments\",\"properties\":{"
    "\"policyDefinitionId\":\"/providers/Microsoft.Authorization/"
    "policyDefinitions/tls\",\"scope\":\"" SUB1 "\",\"notScopes\":[\""
    SUB1 "/resourceGroups/rgx\"],\"enforcementMode\":\"DoNotEnforce\","
    "\"parameters\":{\"minTls\":{\"value\":\"TLS1_2\"}}}},"
    "{\"id\":\"" SUB1 "/resourceGroups/rg1/providers/Microsoft.Storage/"
    "storageAccounts/st2/providers/Microsoft.Authorization/"
    "policyExemptions/e1\",\"name\":\"e1\",\"type\":"
    "\"Microsoft.Authorization/policyExemptions\",\"properties\":{"
    "\"policyAssignmentId\":\"" SUB1 "/providers/Microsoft.Authorization/"
    "policyAssignments/a1\",\"exemptionCategory\":\"Waiver\","
    "\"expiresOn\":\"2030-01-01T00:00:00Z\"}},"
    "{\"id\":\"" SUB1 "/resourceGroups/rg1/providers/Microsoft.Storage/"
    "storageAccounts/st3/providers/Microsoft.Authorization/"
    "policyExemptions/e2\",\"name\":\"e2\",\"type\":"
    "\"Microsoft.Authorization/policyExemptions\",\"properties\":{"
    "\"policyAssignmentId\":\"" SUB1 "/providers/Microsoft.Authorization/"
    "policyAssignments/a1\",\"exemptionCategory\":\"Waiver\","
    "\"expiresOn\":\"2025-01-01T00:00:00Z\"}}]";

struct collect {
	char	 lines[32][256];	/* "name state" per result */
	size_t	 n;			/* results */
	size_t	 groups;		/* results carrying a group */
};

static int
collect_cb(const ov_policy_result *r, void *p)
{
	struct collect *c = p;
	const char *name = strrchr(r->resource_id, '/') + 1;

	if (c->n < 32)
		snprintf(c->lines[c->n++], 256, "%s %s", name,
		    ov_state_name(r->state));
	if (r->n_groups > 0 && strcmp(r->groups[0], "CTRL-1") == 0)
		c->groups++;
	return 0;
}

static void
setup_set_with(ov_ctx **ctx, ov_policy_set **set, ov_snapshot **snap,
    const char *records, bool with_estate_policies)
{
	char path[4096];

	assert_int_equal(ov_ctx_new(ctx), 0);
	ov_ctx_set_now(*ctx, 1767225600);	/* 2026-01-01 */
	assert_int_equal(ov_policy_set_new(set, *ctx), 0);
	snprintf(path, sizeof(path), "%s/data/aliases/aliases.json",
	    ov_test_srcdir());
	assert_int_equal(ov_policy_set_load_aliases(*set, path), 0);
	assert_int_equal(ov_policy_set_add_buffer(*set, "defs.json", defs,
	    strlen(defs)), 0);
	assert_int_equal(ov_snapshot_new(snap, *ctx), 0);
	assert_int_equal(ov_snapshot_load_buffer(*snap, "estate.json", records,
	    strlen(records), 0), 0);
	if (with_estate_policies)
		assert_int_equal(ov_policy_set_add_snapshot(*set, *snap), 0);
}

static void
setup_set(ov_ctx **ctx, ov_policy_set **set, ov_snapshot **snap,
    bool with_estate_policies)
{
	setup_set_with(ctx, set, snap, estate, with_estate_policies);
}

static void
test_assignment_scope_exemptions(void **state)
{
	ov_ctx *ctx;
	ov_policy_set *set;
	ov_snapshot *snap;
	struct collect c;

	(void)state;
	memset(&c, 0, sizeof(c));
	setup_set(&ctx, &set, &snap, true);
	assert_int_equal(ov_policy_eval_snapshot(set, snap, 0, collect_cb,
	    &c), 0);
	/* st4 is in a notScope, st5 outside the scope; st2's exemption is
	 * live and st3's expired. */
	assert_int_equal(c.n, 3);
	assert_string_equal(c.lines[0], "st1 non-compliant");
	assert_string_equal(c.lines[1], "st2 exempt");
	assert_string_equal(c.lines[2], "st3 non-compliant");
	memset(&c, 0, sizeof(c));
	assert_int_equal(ov_policy_whatif_deny(set, snap, "a1", collect_cb,
	    &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(ov_policy_whatif_deny(set, snap, "nope", collect_cb,
	    &c), OV_ENOTFOUND);
	ov_snapshot_free(snap);
	ov_policy_set_free(set);
	ov_ctx_free(ctx);
}

#define SUB3 "/subscriptions/33333333-3333-3333-3333-333333333333"
#define MG "/providers/Microsoft.Management/managementGroups/"
#define SUBREC(sub, mg) "{\"id\":\"" sub "\",\"type\":" \
	"\"microsoft.resources/subscriptions\",\"properties\":{" \
	"\"managementGroupAncestorsChain\":[{\"name\":\"" mg "\"}," \
	"{\"name\":\"root\"}]}}"

/*
 * Management-group scopes: SUB1 sits in mg-prod, SUB2 in mg-research
 * (Resource Graph's managementGroupAncestorsChain), SUB3's ancestry was not
 * collected.  The assignment at the root excludes mg-research; an
 * exemption at mg-prod covers SUB1.  Unknown ancestry keeps st6 in scope,
 * out of the notScope and out of the exemption.
 */
static const char mg_estate[] = "[" SUBREC(SUB1, "mg-prod") ","
    SUBREC(SUB2, "mg-research") "," ST(SUB1, "rg1", "st1") ","
    ST(SUB2, "rg1", "st5") "," ST(SUB3, "rg1", "st6") ","
    "{\"id\":\"" MG "root/providers/Microsoft.Authorization/"
    "policyAssignments/a-root\",\"name\":\"a-root\",\"type\":"
    "\"Microsoft.Authorization/policyAssignments\",\"properties\":{"
    "\"policyDefinitionId\":\"/providers/Microsoft.Authorization/"
    "policyDefinitions/tls\",\"scope\":\"" MG "root\",\"notScopes\":[\""
    MG "mg-research\"],\"parameters\":{\"minTls\":{\"value\":"
    "\"TLS1_2\"}}}},"
    "{\"id\":\"" MG "mg-prod/providers/Microsoft.Authorization/"
    "policyExemptions/e-prod\",\"name\":\"e-prod\",\"type\":"
    "\"Microsoft.Authorization/policyExemptions\",\"properties\":{"
    "\"policyAssignmentId\":\"" MG "root/providers/Microsoft.Authorization/"
    "policyAssignments/a-root\",\"exemptionCategory\":\"Mitigated\"}}]";

static void
test_assignment_management_groups(void **state)
{
	ov_ctx *ctx;
	ov_policy_set *set;
	ov_snapshot *snap;
	struct collect c;

	(void)state;
	memset(&c, 0, sizeof(c));
	setup_set_with(&ctx, &set, &snap, mg_estate, true);
	assert_int_equal(ov_policy_eval_snapshot(set, snap, 0, collect_cb,
	    &c), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.lines[0], "st1 exempt");
	assert_string_equal(c.lines[1], "st6 non-compliant");
	ov_snapshot_free(snap);
	ov_policy_set_free(set);
	ov_ctx_free(ctx);
}

static void
test_initiative_groups_and_findings(void **state)
{
	ov_ctx *ctx;
	ov_policy_set *set;
	ov_snapshot *snap;
	ov_findings *fl;
	const ov_finding *f;
	struct collect c;
	ov_policy_stats st;

	(void)state;
	memset(&c, 0, sizeof(c));
	setup_set(&ctx, &set, &snap, false);
	/* No assignment: the definition (minTls has no value: a warning, not
	 * evaluated) and the initiative, which passes TLS1_2. */
	assert_int_equal(ov_policy_set_stats(set, &st), 0);
	assert_int_equal(st.errors, 0);
	assert_int_equal(st.warnings, 1);
	/* Loading more recompiles without repeating diagnostics. */
	assert_int_equal(ov_policy_set_add_buffer(set, "k8s.json",
	    "{\"properties\":{\"mode\":\"Microsoft.Kubernetes.Data\","
	    "\"policyRule\":{\"if\":{\"field\":\"type\",\"equals\":"
	    "\"x\"},\"then\":{\"effect\":\"audit\"}}}}", 127), 0);
	assert_int_equal(ov_policy_set_stats(set, &st), 0);
	assert_int_equal(st.warnings, 1);
	assert_int_equal(st.unsupported, 1);
	assert_int_equal(ov_policy_set_stats(set, &st), 0);
	assert_int_equal(st.unsupported, 1);
	assert_int_equal(ov_policy_eval_snapshot(set, snap, 0, collect_cb,
	    &c), 0);
	assert_int_equal(c.n, 5);
	assert_int_equal(c.groups, 5);
	assert_int_equal(ov_findings_new(&fl), 0);
	assert_int_equal(ov_policy_findings(set, snap, fl, 0), 0);
	assert_int_equal(ov_findings_count(fl), 5);
	f = ov_findings_get(fl, 0);
	assert_string_equal(f->rule, "OV-STG-900");
	assert_int_equal(f->severity, OV_SEV_HIGH);
	assert_int_equal(f->n_controls, 2);
	assert_string_equal(f->evidence[0].path,
	    "properties.minimumTlsVersion");
	assert_string_equal(f->evidence[0].value, "\"TLS1_0\"");
	ov_findings_free(fl);
	ov_snapshot_free(snap);
	ov_policy_set_free(set);
	ov_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unique_string),
		cmocka_unit_test(test_expr_errors),
		cmocka_unit_test(test_path_parse),
		cmocka_unit_test(test_assignment_scope_exemptions),
		cmocka_unit_test(test_assignment_management_groups),
		cmocka_unit_test(test_initiative_groups_and_findings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
