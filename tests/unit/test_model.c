/* SPDX-License-Identifier: MIT */
/*
 * The record model: ARM id parsing, type canonicalisation, the indexes, and
 * every input adapter on small hand-written inputs.
 */
#include <stdio.h>
#include <string.h>

#include "testutil.h"

#include "lib/model/model.h"
#include "overvisor/snapshot.h"

static struct ov_arena arena;

static void
parse_ok(const char *id, const char *sub, const char *rg, const char *type,
    const char *name, const char *parent)
{
	struct ov_arm_id a;

	assert_int_equal(ov_model__arm_id_parse(&a, &arena, id, strlen(id)), 0);
	if (sub == NULL)
		assert_null(a.subscription);
	else
		assert_string_equal(a.subscription, sub);
	if (rg == NULL)
		assert_null(a.resource_group);
	else
		assert_string_equal(a.resource_group, rg);
	assert_string_equal(a.type, type);
	assert_string_equal(a.name, name);
	if (parent == NULL)
		assert_null(a.parent);
	else
		assert_string_equal(a.parent, parent);
}

static void
test_arm_ids(void **state)
{
	struct ov_arm_id a;
	const char *id;
	(void)state;

	ov__arena_init(&arena, 0, 0);
	parse_ok("/subscriptions/s1/resourceGroups/rg1/providers/"
	    "Microsoft.Compute/virtualMachines/vm1", "s1", "rg1",
	    "Microsoft.Compute/virtualMachines", "vm1", NULL);
	/* Mixed casing as ARM ids often have. */
	parse_ok("/Subscriptions/S1/resourcegroups/RG1/providers/"
	    "microsoft.network/virtualNetworks/vn/subnets/default", "S1", "RG1",
	    "microsoft.network/virtualNetworks/subnets", "default",
	    "/Subscriptions/S1/resourcegroups/RG1/providers/"
	    "microsoft.network/virtualNetworks/vn");
	parse_ok("/subscriptions/s1", "s1", NULL,
	    "Microsoft.Resources/subscriptions", "s1", NULL);
	parse_ok("/subscriptions/s1/resourceGroups/rg1", "s1", "rg1",
	    "Microsoft.Resources/subscriptions/resourceGroups", "rg1",
	    "/subscriptions/s1");
	/* Subscription-level resource. */
	parse_ok("/subscriptions/s1/providers/Microsoft.Security/pricings/"
	    "VirtualMachines", "s1", NULL, "Microsoft.Security/pricings",
	    "VirtualMachines", NULL);
	/* Extension resource: the parent is the scope it extends. */
	parse_ok("/subscriptions/s1/resourceGroups/rg/providers/"
	    "Microsoft.KeyVault/vaults/kv/providers/Microsoft.Insights/"
	    "diagnosticSettings/ds", "s1", "rg",
	    "Microsoft.Insights/diagnosticSettings", "ds",
	    "/subscriptions/s1/resourceGroups/rg/providers/"
	    "Microsoft.KeyVault/vaults/kv");
	/* Management group scope. */
	id = "/providers/Microsoft.Management/managementGroups/mg1/providers/"
	    "Microsoft.Authorization/policyAssignments/pa";
	assert_int_equal(ov_model__arm_id_parse(&a, &arena, id, strlen(id)), 0);
	assert_string_equal(a.mgmt_group, "mg1");
	assert_string_equal(a.type, "Microsoft.Authorization/policyAssignments");
	/* Graph synthetic ids are tenant-level provider ids. */
	parse_ok("/providers/Microsoft.Graph/users/1234", NULL, NULL,
	    "Microsoft.Graph/users", "1234", NULL);
	/* Not ids. */
	assert_int_equal(ov_model__arm_id_parse(&a, &arena, "vm1", 3),
	    OV_EINVALID);
	id = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/"
	    "virtualMachines";
	assert_int_equal(ov_model__arm_id_parse(&a, &arena, id, strlen(id)),
	    OV_EINVALID);
	assert_int_equal(ov_model__arm_id_parse(&a, &arena, "/", 1),
	    OV_EINVALID);
	ov__arena_free(&arena);
}

static void
test_canonical_types(void **state)
{
	const char *t;
	(void)state;

	t = ov_model__canonical_type("microsoft.compute/virtualmachines", 33);
	assert_non_null(t);
	assert_string_equal(t, "Microsoft.Compute/virtualMachines");
	assert_null(ov_model__canonical_type("contoso.widgets/things", 22));
}

/* Load text as a file and return the snapshot (caller frees). */
static ov_snapshot *
load(ov_ctx *ctx, const char *name, const char *text)
{
	ov_snapshot *s = NULL;

	assert_int_equal(ov_snapshot_new(&s, ctx), 0);
	assert_int_equal(ov_snapshot_load_buffer(s, name, text, strlen(text),
	    0), 0);
	return s;
}

static const char *
format_of(const ov_snapshot *s, size_t i)
{
	ov_file_info fi;

	assert_int_equal(ov_snapshot_file(s, i, &fi), 0);
	return fi.format;
}

static void
test_arg_objectarray(void **state)
{
	ov_ctx *ctx = NULL;
	ov_snapshot *s;
	const struct ov_record *r;
	(void)state;

	assert_int_equal(ov_ctx_new(&ctx), 0);
	s = load(ctx, "arg.json",
	    "{\"totalRecords\":2,\"count\":2,\"data\":[\n"
	    "{\"id\":\"/subscriptions/s/resourceGroups/r/providers/"
	    "Microsoft.Compute/virtualMachines/vm1\",\"name\":\"vm1\","
	    "\"type\":\"microsoft.compute/virtualmachines\"},\n"
	    "{\"id\":\"/subscriptions/s/resourceGroups/r/providers/"
	    "Microsoft.Compute/virtualMachines/vm1/extensions/mde\","
	    "\"type\":\"microsoft.compute/virtualmachines/extensions\"}]}");
	assert_string_equal(format_of(s, 0), "arg-objectarray");
	assert_int_equal(ov_snapshot_count(s), 2);
	r = ov_model__by_id(s, "/SUBSCRIPTIONS/s/resourcegroups/r/providers/"
	    "microsoft.compute/virtualMachines/VM1");
	assert_non_null(r);
	assert_string_equal(r->type, "Microsoft.Compute/virtualMachines");
	assert_int_equal(r->line, 2);
	assert_int_equal(r->column, 1);
	assert_string_equal(r->place->subscription_id, "s");
	assert_int_equal(ov_model__by_type(s,
	    "MICROSOFT.COMPUTE/VIRTUALMACHINES")->len, 1);
	assert_int_equal(ov_model__children(s, r->id)->len, 1);
	assert_ptr_equal(ov_model__parent(s,
	    ov_model__children(s, r->id)->items[0]), r);
	ov_snapshot_free(s);
	ov_ctx_free(ctx);
}

static void
test_arg_table(void **state)
{
	ov_ctx *ctx = NULL;
	ov_snapshot *s;
	const struct ov_record *r;
	(void)state;

	assert_int_equal(ov_ctx_new(&ctx), 0);
	s = load(ctx, "table.json",
	    "{\"data\":{\"columns\":[{\"name\":\"id\",\"type\":\"string\"},"
	    "{\"name\":\"type\",\"type\":\"string\"},{\"name\":\"properties\","
	    "\"type\":\"object\"}],\"rows\":[\n"
	    "[\"/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/"
	    "storageAccounts/st1\",\"microsoft.storage/storageaccounts\","
	    "{\"minimumTlsVersion\":\"TLS1_0\"}],\n"
	    "[\"short row\"]]}}");
	assert_string_equal(format_of(s, 0), "arg-table");
	assert_int_equal(ov_snapshot_count(s), 1);
	assert_int_equal(ov_snapshot_n_errors(s), 1);
	r = ov_model__by_type(s, "Microsoft.Storage/storageAccounts")->items[0];
	assert_string_equal(ov_model__str(r, "properties.minimumTlsVersion"),
	    "TLS1_0");
	assert_int_equal(r->line, 2);
	ov_snapshot_free(s);
	ov_ctx_free(ctx);
}

static void
test_graph(void **state)
{
	ov_ctx *ctx = NULL;
	ov_snapshot *s;
	const struct ov_record *r;
	(void)state;

	assert_int_equal(ov_ctx_new(&ctx), 0);
	s = load(ctx, "ca.json",
	    "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#"
	    "identity/conditionalAccess/policies\",\"value\":[{\"id\":\"p1\","
	    "\"state\":\"enabledForReportingButNotEnforced\"}]}");
	assert_string_equal(format_of(s, 0), "graph-collection");
	r = ov_model__graph_object(s, "p1");
	assert_non_null(r);
	assert_string_equal(r->type, "Microsoft.Graph/conditionalAccessPolicies");
	assert_string_equal(r->id,
	    "/providers/Microsoft.Graph/conditionalAccessPolicies/p1");
	ov_snapshot_free(s);
	/* No context: the shape decides. */
	s = load(ctx, "users.json",
	    "{\"value\":[{\"id\":\"u1\",\"userPrincipalName\":\"a@b\"}]}");
	assert_string_equal(ov_model__graph_object(s, "u1")->type,
	    "Microsoft.Graph/users");
	ov_snapshot_free(s);
	ov_ctx_free(ctx);
}

static void
test_ndjson_bad_line(void **state)
{
	ov_ctx *ctx = NULL;
	ov_snapshot *s;
	ov_diag_info d;
	(void)state;

	assert_int_equal(ov_ctx_new(&ctx), 0);
	s = load(ctx, "x.ndjson",
	    "{\"id\":\"/subscriptions/s/resourceGroups/r/providers/A.B/c/1\"}\n"
	    "\n"
	    "{\"id\": tru}\n"
	    "[1]\n"
	    "{\"id\":\"/subscriptions/s/resourceGroups/r/providers/A.B/c/2\"}");
	assert_string_equal(format_of(s, 0), "ndjson");
	assert_int_equal(ov_snapshot_count(s), 2);
	assert_int_equal(ov_snapshot_n_errors(s), 2);
	assert_int_equal(ov_snapshot_file_diag(s, 0, 0, &d), 0);
	assert_int_equal(d.line, 3);
	assert_int_equal(d.column, 8);
	assert_int_equal(ov_snapshot_file_diag(s, 0, 1, &d), 0);
	assert_int_equal(d.line, 4);
	assert_string_equal(ov_model__by_id(s, "/subscriptions/s/resourceGroups/"
	    "r/providers/A.B/c/2")->name, "2");
	assert_int_equal(ov_model__by_id(s, "/subscriptions/s/resourceGroups/"
	    "r/providers/A.B/c/2")->line, 5);
	ov_snapshot_free(s);
	ov_ctx_free(ctx);
}

static void
test_other_formats(void **state)
{
	ov_ctx *ctx = NULL;
	ov_snapshot *s;
	(void)state;

	assert_int_equal(ov_ctx_new(&ctx), 0);
	s = load(ctx, "list.json", "[{\"id\":\"/subscriptions/s/resourceGroups/"
	    "r/providers/Microsoft.Web/sites/w\",\"type\":\"Microsoft.Web/sites\"}]");
	assert_string_equal(format_of(s, 0), "az-list");
	assert_int_equal(ov_snapshot_count(s), 1);
	ov_snapshot_free(s);
	s = load(ctx, "armlist.json", "{\"value\":[{\"id\":\"/subscriptions/s/"
	    "resourceGroups/r/providers/Microsoft.Web/sites/w\"}],"
	    "\"nextLink\":null}");
	assert_string_equal(format_of(s, 0), "arm-list");
	assert_string_equal(ov_model__by_type(s, "Microsoft.Web/sites")
	    ->items[0]->type, "Microsoft.Web/sites");
	ov_snapshot_free(s);
	s = load(ctx, "err.json",
	    "{\"error\":{\"code\":\"AuthorizationFailed\",\"message\":\"no\"}}");
	assert_string_equal(format_of(s, 0), "error-response");
	assert_int_equal(ov_snapshot_count(s), 0);
	assert_int_equal(ov_snapshot_n_errors(s), 1);
	ov_snapshot_free(s);
	s = load(ctx, "bad.json", "{\"a\":1,}");
	assert_int_equal(ov_snapshot_n_errors(s), 1);
	ov_snapshot_free(s);
	ov_ctx_free(ctx);
}

static void
test_manifest(void **state)
{
	ov_ctx *ctx = NULL;
	ov_snapshot *s = NULL;
	const char *m = "{\"schema\":\"overvisor-snapshot/1\",\"tenantId\":\"t\","
	    "\"collectedAt\":\"2026-01-01T00:00:00Z\",\"sources\":["
	    "{\"name\":\"graph:users\",\"status\":\"collected\",\"files\":"
	    "[\"u.ndjson\"],\"type\":\"Microsoft.Graph/users\"},"
	    "{\"name\":\"arg:securityresources\",\"status\":\"failed\"}]}";
	(void)state;

	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_int_equal(ov_snapshot_new(&s, ctx), 0);
	assert_int_equal(ov_snapshot_load_buffer(s, "manifest.json", m,
	    strlen(m), 0), 0);
	assert_string_equal(ov_snapshot_tenant(s), "t");
	assert_int_equal(ov_snapshot_load_buffer(s, "dir/u.ndjson",
	    "{\"id\":\"u1\",\"accountEnabled\":true}\n", 35, 0), 0);
	assert_string_equal(ov_model__graph_object(s, "u1")->type,
	    "Microsoft.Graph/users");
	assert_true(ov_model__type_collected(s, "Microsoft.Graph/users"));
	assert_false(ov_model__type_collected(s, "Microsoft.Security/alerts"));
	assert_string_equal(ov_model__source_status(s,
	    "arg:securityresources"), "failed");
	ov_snapshot_free(s);
	/* An unknown status is an error with a pointer. */
	s = load(ctx, "manifest.json", "{\"schema\":\"overvisor-snapshot/1\","
	    "\"sources\":[{\"name\":\"x\",\"status\":\"done\"}]}");
	assert_int_equal(ov_snapshot_n_errors(s), 1);
	ov_snapshot_free(s);
	ov_ctx_free(ctx);
}

/* The same resource read twice (list, then GET) is one record: the richer. */
static void
test_duplicates(void **state)
{
	ov_ctx *ctx = NULL;
	ov_snapshot *s = NULL;
	const struct ov_record *r;
	const char *list = "{\"value\":[{\"id\":\"/subscriptions/s/"
	    "resourceGroups/r/providers/Microsoft.KeyVault/vaults/kv\","
	    "\"type\":\"Microsoft.KeyVault/vaults\"}]}";
	const char *get = "{\"id\":\"/SUBSCRIPTIONS/s/resourceGroups/r/"
	    "providers/Microsoft.KeyVault/vaults/KV\",\"type\":"
	    "\"Microsoft.KeyVault/vaults\",\"properties\":"
	    "{\"enablePurgeProtection\":true}}";
	(void)state;

	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_int_equal(ov_snapshot_new(&s, ctx), 0);
	assert_int_equal(ov_snapshot_load_buffer(s, "list.json", list,
	    strlen(list), 0), 0);
	assert_int_equal(ov_snapshot_load_buffer(s, "get.json", get,
	    strlen(get), 0), 0);
	assert_int_equal(ov_model__by_type(s, "Microsoft.KeyVault/vaults")->len,
	    1);
	r = ov_model__by_type(s, "Microsoft.KeyVault/vaults")->items[0];
	assert_true(ov_json_is_true(ov_model__field(r,
	    "properties.enablePurgeProtection")));
	assert_ptr_equal(ov_model__by_id(s, "/subscriptions/s/resourceGroups/r/"
	    "providers/Microsoft.KeyVault/vaults/kv"), r);
	ov_snapshot_free(s);
	ov_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arm_ids),
		cmocka_unit_test(test_canonical_types),
		cmocka_unit_test(test_arg_objectarray),
		cmocka_unit_test(test_arg_table),
		cmocka_unit_test(test_graph),
		cmocka_unit_test(test_ndjson_bad_line),
		cmocka_unit_test(test_other_formats),
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_duplicates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
