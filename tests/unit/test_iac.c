/* SPDX-License-Identifier: MIT */
/*
 * Template expansion and Terraform mapping: goldens of what the fixtures
 * under tests/fixtures/iac/ expand into (OV_UPDATE_GOLDEN=1 rewrites
 * tests/golden/iac/), and the rules behind them one by one: parameter
 * precedence, allowedValues, the scope, secrets, unknown values in the
 * policy engine's three-valued evaluation, linked templates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "overvisor/common.h"
#include "overvisor/iac.h"
#include "overvisor/policy.h"
#include "overvisor/snapshot.h"
#include "iac_fixture.h"
#include "lib/model/model.h"
#include "testutil.h"
#include "util/buf.h"

static const char *
fixtures(void)
{
	static char dir[4096];

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/iac", ov_test_srcdir());
	return dir;
}

static void
golden_of(const char *golden, const char *const *paths, size_t n)
{
	struct ov_buf b = OV_BUF_INIT(OV_BUF_MAX_DEFAULT);
	ov_ctx *ctx = NULL;
	ov_snapshot *s;

	assert_int_equal(ov_ctx_new(&ctx), 0);
	ov_ctx_set_now(ctx, 1768435200);	/* 2026-01-15 */
	s = iac_load(ctx, fixtures(), paths, n, NULL);
	iac_dump(s, fixtures(), &b);
	iac_check_golden(golden, ov__buf_cstr(&b), b.len);
	ov__buf_free(&b);
	ov_snapshot_free(s);
	ov_ctx_free(ctx);
}

#define GOLDEN(fn, golden, ...) \
static void \
fn(void **state) \
{ \
	static const char *const p[] = { __VA_ARGS__ }; \
	(void)state; \
	golden_of(golden, p, sizeof(p) / sizeof(p[0])); \
}

GOLDEN(test_golden_params, "storage-param.golden", "storage-param")
GOLDEN(test_golden_copy, "nsg-copy.golden", "nsg-copy")
GOLDEN(test_golden_condition, "keyvault-condition.golden",
    "keyvault-condition")
GOLDEN(test_golden_nested, "webapp-nested.golden", "webapp-nested")
GOLDEN(test_golden_linked, "sql-linked.golden", "sql-linked/insecure")
GOLDEN(test_golden_v2, "aks-v2.golden", "aks-v2")
GOLDEN(test_golden_udf, "acr-udf.golden", "acr-udf")
GOLDEN(test_golden_paramfile, "redis-params.golden", "redis-params/insecure")
GOLDEN(test_golden_children, "blob-child.golden", "blob-child")
GOLDEN(test_golden_bicep, "cosmos-bicep.golden", "cosmos-bicep/insecure")
GOLDEN(test_golden_lambda, "nsg-lambda.golden", "nsg-lambda")
GOLDEN(test_golden_functions, "functions.golden", "functions")
GOLDEN(test_golden_unknown, "unknown.golden", "unknown")
GOLDEN(test_golden_terraform, "terraform.golden", "terraform")

/* ---- one template in memory ------------------------------------------- */

static ov_ctx *g_ctx;

static ov_snapshot *
load_text(const char *name, const char *json, const ov_iac_options *opts)
{
	static const ov_iac_options defaults = OV_IAC_OPTIONS_INIT;
	ov_snapshot *s = NULL;

	assert_int_equal(ov_snapshot_new(&s, g_ctx), 0);
	assert_int_equal(ov_snapshot_set_iac(s, opts != NULL ? opts :
	    &defaults), 0);
	assert_int_equal(ov_snapshot_load_buffer(s, name, json, strlen(json),
	    0), 0);
	return s;
}

/* The value at a dotted path of record i's body. */
static const ov_json *
body_at(const ov_snapshot *s, size_t i, const char *path)
{
	assert_true(i < s->n_records);
	return ov_json_path(s->records[i]->body, path);
}

static void
assert_body_str(const ov_snapshot *s, size_t i, const char *path,
    const char *want)
{
	const ov_json *v = body_at(s, i, path);

	if (!ov_json_is_string(v) || (v->flags & OV_JSON_F_UNKNOWN) ||
	    strcmp(v->u.str, want) != 0)
		fail_msg("%s: expected '%s', found '%s'%s", path, want,
		    ov_json_is_string(v) ? v->u.str : "(not a string)",
		    v != NULL && (v->flags & OV_JSON_F_UNKNOWN) ?
		    " (unknown)" : "");
}

static void
assert_body_unknown(const ov_snapshot *s, size_t i, const char *path,
    const char *text)
{
	const ov_json *v = body_at(s, i, path);

	assert_non_null(v);
	assert_true((v->flags & OV_JSON_F_UNKNOWN) != 0);
	if (text != NULL && strstr(v->u.str, text) == NULL)
		fail_msg("%s: unknown '%s' does not mention '%s'", path,
		    v->u.str, text);
}

#define TEMPLATE(params, resources) \
	"{\"$schema\": \"https://schema.management.azure.com/schemas/" \
	"2019-04-01/deploymentTemplate.json#\", \"contentVersion\": " \
	"\"1.0.0.0\", \"parameters\": {" params "}, \"resources\": [" \
	resources "]}"

#define STORAGE(props) \
	"{\"type\": \"Microsoft.Storage/storageAccounts\", \"apiVersion\": " \
	"\"2023-01-01\", \"name\": \"st1\", \"location\": \"westeurope\", " \
	"\"properties\": {" props "}}"

static const char *const precedence_tmpl = TEMPLATE(
    "\"tier\": {\"type\": \"string\", \"defaultValue\": \"default\"},"
    "\"count\": {\"type\": \"int\", \"defaultValue\": 1},"
    "\"key\": {\"type\": \"securestring\", \"defaultValue\": \"dev\"}",
    STORAGE("\"tier\": \"[parameters('tier')]\", "
    "\"count\": \"[parameters('count')]\", "
    "\"key\": \"[parameters('key')]\""));

static void
test_parameter_precedence(void **state)
{
	ov_iac_options o = OV_IAC_OPTIONS_INIT;
	const char *files[2], *params[2];
	char p1[4096 + 64], p2[4096 + 64];
	ov_snapshot *s;
	int64_t n;

	(void)state;
	/* The default, when nothing is given; a secure default is data. */
	s = load_text("t.json", precedence_tmpl, NULL);
	assert_int_equal(s->n_records, 1);
	assert_body_str(s, 0, "properties.tier", "default");
	assert_body_str(s, 0, "properties.key", "dev");
	ov_snapshot_free(s);
	/* A later --parameters file wins; --parameter wins over both. */
	snprintf(p1, sizeof(p1), "%s/redis-params/override.parameters.json",
	    fixtures());
	snprintf(p2, sizeof(p2), "%s/precedence.parameters.json",
	    fixtures());
	files[0] = p1;
	files[1] = p2;
	o.parameter_files = files;
	o.n_parameter_files = 2;
	s = load_text("t.json", precedence_tmpl, &o);
	assert_body_str(s, 0, "properties.tier", "from-file");
	/* A secret given from outside never becomes data. */
	assert_body_unknown(s, 0, "properties.key", "[parameters('key')]");
	ov_snapshot_free(s);
	params[0] = "tier=from-flag";
	params[1] = "count=7";
	o.parameters = params;
	o.n_parameters = 2;
	s = load_text("t.json", precedence_tmpl, &o);
	assert_body_str(s, 0, "properties.tier", "from-flag");
	assert_true(ov_json_int(body_at(s, 0, "properties.count"), &n));
	assert_int_equal(n, 7);
	ov_snapshot_free(s);
}

static void
test_parameter_checks(void **state)
{
	ov_iac_options o = OV_IAC_OPTIONS_INIT;
	const char *params[1] = { "tier=gold" };
	ov_diag_info d;
	ov_snapshot *s;
	static const char *const tmpl = TEMPLATE(
	    "\"tier\": {\"type\": \"string\", \"allowedValues\": [\"bronze\", "
	    "\"silver\"]}, \"count\": {\"type\": \"int\"}",
	    STORAGE("\"tier\": \"[parameters('tier')]\", \"count\": "
	    "\"[parameters('count')]\""));

	(void)state;
	o.parameters = params;
	o.n_parameters = 1;
	s = load_text("t.json", tmpl, &o);
	assert_int_equal(ov_snapshot_n_errors(s), 1);
	assert_int_equal(ov_snapshot_file_diag(s, 0, 0, &d), 0);
	assert_string_equal(d.message, "parameter 'tier': value 'gold' is not "
	    "one of its allowedValues");
	assert_true(d.line > 0);
	/* A parameter without a value is known only at deployment. */
	assert_body_unknown(s, 0, "properties.count",
	    "[parameters('count')]");
	ov_snapshot_free(s);
	/* Malformed options are refused before anything is read. */
	params[0] = "novalue";
	assert_int_equal(ov_snapshot_new(&s, g_ctx), 0);
	assert_int_equal(ov_snapshot_set_iac(s, &o), OV_EINVALID);
	o.n_parameters = 0;
	o.scope = "/subscriptions";
	assert_int_equal(ov_snapshot_set_iac(s, &o), OV_EINVALID);
	ov_snapshot_free(s);
}

static void
test_scope(void **state)
{
	ov_iac_options o = OV_IAC_OPTIONS_INIT;
	ov_snapshot *s;
	static const char *const tmpl = TEMPLATE("",
	    STORAGE("\"rg\": \"[resourceGroup().name]\", \"loc\": "
	    "\"[resourceGroup().location]\", \"sub\": "
	    "\"[subscription().subscriptionId]\""));

	(void)state;
	s = load_text("t.json", tmpl, NULL);
	assert_string_equal(s->records[0]->id, "/subscriptions/"
	    OV_IAC_PLACEHOLDER_SUBSCRIPTION "/resourceGroups/"
	    OV_IAC_PLACEHOLDER_RESOURCE_GROUP
	    "/providers/Microsoft.Storage/storageAccounts/st1");
	/* Where the group is, a deployment decides. */
	assert_body_unknown(s, 0, "properties.loc", "resourceGroup().location");
	ov_snapshot_free(s);
	o.scope = "/subscriptions/11111111-2222-3333-4444-555555555555/"
	    "resourceGroups/prod";
	s = load_text("t.json", tmpl, &o);
	assert_string_equal(s->records[0]->id, "/subscriptions/"
	    "11111111-2222-3333-4444-555555555555/resourceGroups/prod/"
	    "providers/Microsoft.Storage/storageAccounts/st1");
	assert_body_str(s, 0, "properties.rg", "prod");
	assert_body_str(s, 0, "properties.sub",
	    "11111111-2222-3333-4444-555555555555");
	ov_snapshot_free(s);
}

static void
test_loops_and_conditions(void **state)
{
	ov_snapshot *s;
	static const char *const tmpl = TEMPLATE(
	    "\"n\": {\"type\": \"int\", \"defaultValue\": 3}",
	    "{\"type\": \"Microsoft.Network/publicIPAddresses\", \"apiVersion\": "
	    "\"2023-04-01\", \"name\": \"[format('ip{0}', copyIndex(1))]\", "
	    "\"location\": \"westeurope\", \"copy\": {\"name\": \"ips\", "
	    "\"count\": \"[parameters('n')]\"}, \"condition\": "
	    "\"[not(equals(copyIndex(), 1))]\", \"properties\": {}},"
	    "{\"type\": \"Microsoft.Network/publicIPAddresses\", \"apiVersion\": "
	    "\"2023-04-01\", \"name\": \"never\", \"copy\": {\"name\": "
	    "\"none\", \"count\": 0}, \"properties\": {}}");

	(void)state;
	s = load_text("t.json", tmpl, NULL);
	/* Three iterations, the second one's condition false. */
	assert_int_equal(s->n_records, 2);
	assert_body_str(s, 0, "name", "ip1");
	assert_body_str(s, 1, "name", "ip3");
	assert_int_equal(ov_snapshot_n_errors(s), 0);
	ov_snapshot_free(s);
}

static void
test_outer_scope(void **state)
{
	ov_snapshot *s;
	static const char *const tmpl = TEMPLATE(
	    "\"prefix\": {\"type\": \"string\", \"defaultValue\": \"outer\"}",
	    "{\"type\": \"Microsoft.Resources/deployments\", \"apiVersion\": "
	    "\"2022-09-01\", \"name\": \"[format('d{0}', copyIndex())]\", "
	    "\"copy\": {\"name\": \"d\", \"count\": 2}, \"resourceGroup\": "
	    "\"other\", \"properties\": {\"mode\": \"Incremental\", "
	    "\"template\": {\"$schema\": \"https://schema.management.azure.com/"
	    "schemas/2019-04-01/deploymentTemplate.json#\", \"contentVersion\": "
	    "\"1.0.0.0\", \"resources\": [" STORAGE("\"label\": "
	    "\"[format('{0}-{1}-{2}', parameters('prefix'), copyIndex(), "
	    "resourceGroup().name)]\"") "]}}}");

	(void)state;
	s = load_text("t.json", tmpl, NULL);
	assert_int_equal(s->n_records, 2);
	/* Outer scope: the parent's parameters, loop and resourceGroup(),
	 * the resources in the deployment's own group. */
	assert_body_str(s, 0, "properties.label",
	    "outer-0-" OV_IAC_PLACEHOLDER_RESOURCE_GROUP);
	assert_body_str(s, 1, "properties.label",
	    "outer-1-" OV_IAC_PLACEHOLDER_RESOURCE_GROUP);
	assert_non_null(strstr(s->records[0]->id, "/resourceGroups/other/"));
	ov_snapshot_free(s);
}

static void
test_linked_missing(void **state)
{
	ov_diag_info d;
	ov_snapshot *s;
	static const char *const tmpl = TEMPLATE("",
	    "{\"type\": \"Microsoft.Resources/deployments\", \"apiVersion\": "
	    "\"2022-09-01\", \"name\": \"l\", \"properties\": {\"mode\": "
	    "\"Incremental\", \"templateLink\": {\"relativePath\": "
	    "\"nested/absent.json\"}}},"
	    "{\"type\": \"Microsoft.Resources/deployments\", \"apiVersion\": "
	    "\"2022-09-01\", \"name\": \"r\", \"properties\": {\"mode\": "
	    "\"Incremental\", \"templateLink\": {\"uri\": "
	    "\"https://example.com/t.json\"}}}");

	(void)state;
	s = load_text("/nonexistent/dir/t.json", tmpl, NULL);
	/* relativePath names a file the deployment needs: an error. */
	assert_int_equal(ov_snapshot_n_errors(s), 1);
	assert_int_equal(ov_snapshot_file_diag(s, 0, 0, &d), 0);
	assert_non_null(strstr(d.message, "linked template"));
	assert_non_null(strstr(d.message, "not found"));
	/* A remote link is read by the deployment only: a note. */
	assert_int_equal(ov_snapshot_file_note(s, 0, 0, &d), 0);
	assert_non_null(strstr(d.message, "https://example.com/t.json"));
	ov_snapshot_free(s);
}

/* ---- the policy engine on unknown values ------------------------------ */

struct tally {
	int	state[OV_STATE_ERROR + 1];	/* results by state */
	char	value[256];			/* last evidence value */
};

static int
tally_cb(const ov_policy_result *r, void *p)
{
	struct tally *t = p;

	t->state[r->state]++;
	snprintf(t->value, sizeof(t->value), "%s",
	    r->value != NULL ? r->value : "");
	return 0;
}

/* Evaluate one definition's if (on storage accounts) on s. */
static struct tally
eval_if(const ov_snapshot *s, const char *cond)
{
	struct tally t;
	ov_policy_set *set = NULL;
	char def[4096];

	memset(&t, 0, sizeof(t));
	snprintf(def, sizeof(def), "{\"properties\": {\"mode\": \"All\", "
	    "\"policyRule\": {\"if\": {\"allOf\": [{\"field\": \"type\", "
	    "\"equals\": \"Microsoft.Storage/storageAccounts\"}, %s]}, "
	    "\"then\": {\"effect\": \"audit\"}}}}", cond);
	assert_int_equal(ov_policy_set_new(&set, g_ctx), 0);
	assert_int_equal(ov_policy_set_add_buffer(set, "def.json", def,
	    strlen(def)), 0);
	assert_int_equal(ov_policy_eval_snapshot(set, s, 0, tally_cb, &t), 0);
	ov_policy_set_free(set);
	return t;
}

static void
test_unknown_three_valued(void **state)
{
	/* A condition and the one state it must give. */
	static const struct {
		const char	*cond;
		ov_state	 state;
	} cases[] = {
		/* A condition on an unknown value: indeterminate. */
		{ "{\"field\": \"properties.u\", \"equals\": true}",
		    OV_STATE_INDETERMINATE },
		{ "{\"field\": \"properties.u\", \"notEquals\": true}",
		    OV_STATE_INDETERMINATE },
		/* Kleene: false in allOf, true in anyOf decide past it. */
		{ "{\"field\": \"properties.k\", \"equals\": 2}, {\"field\": "
		    "\"properties.u\", \"equals\": true}", OV_STATE_COMPLIANT },
		{ "{\"anyOf\": [{\"field\": \"properties.u\", \"equals\": "
		    "true}, {\"field\": \"properties.k\", \"equals\": 1}]}",
		    OV_STATE_NON_COMPLIANT },
		{ "{\"not\": {\"field\": \"properties.u\", \"equals\": "
		    "true}}", OV_STATE_INDETERMINATE },
		/* An id built from an unknown name still exists. */
		{ "{\"field\": \"properties.id\", \"exists\": false}",
		    OV_STATE_COMPLIANT },
		{ "{\"field\": \"properties.u\", \"exists\": true}",
		    OV_STATE_INDETERMINATE },
		/* count: a known match decides "greater 0", an unknown
		 * member leaves "equals 1" open, an unknown array any. */
		{ "{\"count\": {\"field\": \"properties.rules[*]\", \"where\": "
		    "{\"field\": \"properties.rules[*].port\", \"equals\": 22}}, "
		    "\"greater\": 0}", OV_STATE_NON_COMPLIANT },
		{ "{\"count\": {\"field\": \"properties.rules[*]\", \"where\": "
		    "{\"field\": \"properties.rules[*].port\", \"equals\": 22}}, "
		    "\"equals\": 1}", OV_STATE_INDETERMINATE },
		{ "{\"count\": {\"field\": \"properties.rules[*]\", \"where\": "
		    "{\"field\": \"properties.rules[*].port\", \"equals\": 80}}, "
		    "\"greater\": 1}", OV_STATE_COMPLIANT },
		{ "{\"count\": {\"field\": \"properties.many[*]\"}, "
		    "\"greater\": 2}", OV_STATE_INDETERMINATE },
		/* [*] over members: one unknown leaves all-of open. */
		{ "{\"field\": \"properties.rules[*].port\", \"notEquals\": "
		    "443}", OV_STATE_INDETERMINATE },
		/* Value conditions read through functions. */
		{ "{\"value\": \"[length(field('properties.u'))]\", "
		    "\"greater\": 0}", OV_STATE_INDETERMINATE },
	};
	struct tally t;
	ov_snapshot *s;
	size_t i;
	static const char *const tmpl = TEMPLATE("",
	    STORAGE("\"u\": \"[reference('x').y]\", \"k\": 1, "
	    "\"id\": \"[resourceId('Microsoft.Network/networkSecurityGroups', "
	    "reference('x').n)]\", \"rules\": [{\"port\": 22}, {\"port\": "
	    "\"[reference('x').p]\"}], \"many\": \"[reference('x').list]\""));

	(void)state;
	s = load_text("t.json", tmpl, NULL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = eval_if(s, cases[i].cond);
		if (t.state[cases[i].state] != 1)
			fail_msg("%s: not %s", cases[i].cond,
			    ov_state_name(cases[i].state));
	}
	/* The evidence of an indeterminate result is the expression. */
	t = eval_if(s, cases[0].cond);
	assert_non_null(strstr(t.value, "reference('x').y"));
	ov_snapshot_free(s);
}

static int
setup(void **state)
{
	(void)state;
	if (ov_ctx_new(&g_ctx) < 0)
		return -1;
	ov_ctx_set_now(g_ctx, 1768435200);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ov_ctx_free(g_ctx);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_params),
		cmocka_unit_test(test_golden_copy),
		cmocka_unit_test(test_golden_condition),
		cmocka_unit_test(test_golden_nested),
		cmocka_unit_test(test_golden_linked),
		cmocka_unit_test(test_golden_v2),
		cmocka_unit_test(test_golden_udf),
		cmocka_unit_test(test_golden_paramfile),
		cmocka_unit_test(test_golden_children),
		cmocka_unit_test(test_golden_bicep),
		cmocka_unit_test(test_golden_lambda),
		cmocka_unit_test(test_golden_functions),
		cmocka_unit_test(test_golden_unknown),
		cmocka_unit_test(test_golden_terraform),
		cmocka_unit_test(test_parameter_precedence),
		cmocka_unit_test(test_parameter_checks),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_loops_and_conditions),
		cmocka_unit_test(test_outer_scope),
		cmocka_unit_test(test_linked_missing),
		cmocka_unit_test(test_unknown_three_valued),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
