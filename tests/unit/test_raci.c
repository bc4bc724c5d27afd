/* SPDX-License-Identifier: MIT */
/*
 * The shared-responsibility matrix, the type table, the framework
 * catalogues with the compliance view, and the rule pack's metadata.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "overvisor/common.h"
#include "overvisor/rules.h"
#include "testutil.h"

static ov_ctx *ctx;

static int
setup(void **state)
{
	(void)state;
	return ov_ctx_new(&ctx);
}

static int
teardown(void **state)
{
	(void)state;
	ov_ctx_free(ctx);
	return 0;
}

static void
test_matrix_owners(void **state)
{
	ov_raci *r = NULL;

	(void)state;
	assert_int_equal(ov_raci_load(&r, ctx, ov_test_srcdir()), 0);
	/* IaaS: the customer patches the guest OS. */
	assert_string_equal(ov_raci_service_model(r,
	    "Microsoft.Compute/virtualMachines"), "iaas");
	assert_int_equal(ov_raci_owner(r, "Microsoft.Compute/virtualMachines",
	    OV_LAYER_OPERATING_SYSTEM), OV_OWNER_CUSTOMER);
	/* PaaS: Microsoft owns the OS, network controls are shared. */
	assert_int_equal(ov_raci_owner(r, "Microsoft.Web/sites",
	    OV_LAYER_OPERATING_SYSTEM), OV_OWNER_MICROSOFT);
	assert_int_equal(ov_raci_owner(r, "Microsoft.Web/sites",
	    OV_LAYER_NETWORK_CONTROLS), OV_OWNER_SHARED);
	/* SaaS (Entra ID): applications are Microsoft's, accounts are not. */
	assert_string_equal(ov_raci_service_model(r, "Microsoft.Graph/users"),
	    "saas");
	assert_int_equal(ov_raci_owner(r, "Microsoft.Graph/users",
	    OV_LAYER_APPLICATIONS), OV_OWNER_MICROSOFT);
	assert_int_equal(ov_raci_owner(r, "Microsoft.Graph/users",
	    OV_LAYER_ACCOUNTS_AND_IDENTITIES), OV_OWNER_CUSTOMER);
	/* Physical layers belong to Microsoft in every cloud model. */
	assert_int_equal(ov_raci_owner(r, "Microsoft.Sql/servers",
	    OV_LAYER_PHYSICAL_DATACENTER), OV_OWNER_MICROSOFT);
	/*
	 * A control-plane setting (a Defender plan, a policy assignment) runs
	 * on a SaaS service but is the customer's decision on every layer
	 * above the hypervisor; other SaaS types keep the matrix's answer.
	 */
	assert_string_equal(ov_raci_service_model(r,
	    "Microsoft.Security/pricings"), "saas");
	assert_int_equal(ov_raci_owner(r, "Microsoft.Security/pricings",
	    OV_LAYER_APPLICATIONS), OV_OWNER_CUSTOMER);
	assert_int_equal(ov_raci_owner(r, "microsoft.security/PRICINGS",
	    OV_LAYER_APPLICATIONS), OV_OWNER_CUSTOMER);
	assert_int_equal(ov_raci_owner(r,
	    "Microsoft.Authorization/policyAssignments",
	    OV_LAYER_NETWORK_CONTROLS), OV_OWNER_CUSTOMER);
	assert_int_equal(ov_raci_owner(r, "Microsoft.Security/pricings",
	    OV_LAYER_PHYSICAL_HOSTS), OV_OWNER_MICROSOFT);
	assert_int_equal(ov_raci_owner(r, "Microsoft.Insights/components",
	    OV_LAYER_APPLICATIONS), OV_OWNER_MICROSOFT);
	/* Types compare case-insensitively (Resource Graph lower-cases). */
	assert_string_equal(ov_raci_service_model(r,
	    "microsoft.compute/VIRTUALMACHINES"), "iaas");
	/* An unlisted child type inherits its parent's model. */
	assert_string_equal(ov_raci_service_model(r,
	    "Microsoft.KeyVault/vaults/accessPolicies"), "paas");
	ov_raci_free(r);
}

static void
test_matrix_unknown(void **state)
{
	ov_raci *r = NULL;

	(void)state;
	assert_int_equal(ov_raci_load(&r, ctx, ov_test_srcdir()), 0);
	/* Unknown types are never guessed. */
	assert_null(ov_raci_service_model(r, "Contoso.Widgets/gadgets"));
	assert_null(ov_raci_service_model(r, "Microsoft.Bogus"));
	assert_int_equal(ov_raci_owner(r, "Contoso.Widgets/gadgets",
	    OV_LAYER_OPERATING_SYSTEM), OV_OWNER_UNKNOWN);
	/* ...except where every model gives the same answer. */
	assert_int_equal(ov_raci_owner(r, "Contoso.Widgets/gadgets",
	    OV_LAYER_INFORMATION_AND_DATA), OV_OWNER_CUSTOMER);
	assert_int_equal(ov_raci_model_owner(r, "on-premises",
	    OV_LAYER_PHYSICAL_HOSTS), OV_OWNER_CUSTOMER);
	assert_int_equal(ov_raci_model_owner(r, "mainframe",
	    OV_LAYER_PHYSICAL_HOSTS), OV_OWNER_UNKNOWN);
	assert_true(ov_raci_n_types(r) >= 150);
	ov_raci_free(r);
}

static void
test_matrix_bad_dir(void **state)
{
	ov_raci *r = NULL;

	(void)state;
	assert_int_equal(ov_raci_load(&r, ctx, "/nonexistent-dir"), OV_EIO);
	assert_null(r);
}

static const ov_control_result *
control(const ov_compliance *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->n_controls; i++)
		if (strcmp(c->controls[i].id, id) == 0)
			return &c->controls[i];
	return NULL;
}

static void
test_framework_compliance(void **state)
{
	ov_framework *fw = NULL;
	ov_compliance *c = NULL;
	const ov_control_result *cr;
	const char * const *ids;
	size_t n;
	ov_rule_tally t[] = {
		{ "OV-STG-001", 3, 1, 0 },	/* secure transfer: fails */
		{ "OV-DEF-001", 1, 0, 0 },	/* Defender for Servers */
		{ "OV-KV-001", 0, 0, 2 },	/* purge protection */
		{ "OV-KV-001", 1, 0, 0 },	/* tallied twice: summed */
	};

	(void)state;
	assert_int_equal(ov_framework_load(&fw, ctx, ov_test_srcdir(),
	    "cis-azure-3.0.0"), 0);
	assert_string_equal(ov_framework_id(fw), "cis-azure-3.0.0");
	ov_framework_rules(fw, &ids, &n);
	assert_true(n >= 30);
	assert_true(ov_framework_has_rule(fw, "OV-STG-001"));
	assert_true(ov_framework_has_rule(fw, "ov-def-001"));
	assert_false(ov_framework_has_rule(fw, "OV-NOPE-999"));
	assert_int_equal(ov_framework_compliance(fw, t, 4, &c), 0);
	assert_string_equal(c->id, "cis-azure-3.0.0");
	cr = control(c, "CIS-3.0.0:4.1");
	assert_non_null(cr);
	assert_string_equal(cr->status, "failed");
	assert_int_equal(cr->failed, 1);
	assert_int_equal(cr->passed, 3);
	cr = control(c, "CIS-3.0.0:3.1.3.1");
	assert_non_null(cr);
	assert_string_equal(cr->status, "passed");
	cr = control(c, "CIS-3.0.0:3.3.5");
	assert_non_null(cr);
	assert_string_equal(cr->status, "indeterminate");
	assert_int_equal(cr->indeterminate, 2);
	assert_int_equal(cr->passed, 1);
	/* Mapped rules, no resources in scope. */
	cr = control(c, "CIS-3.0.0:9.1");
	assert_non_null(cr);
	assert_string_equal(cr->status, "not-applicable");
	/* No automated check exists for it. */
	cr = control(c, "CIS-3.0.0:3.3.7");
	assert_non_null(cr);
	assert_string_equal(cr->status, "manual");
	ov_compliance_free(c);
	ov_framework_free(fw);
}

static void
test_framework_microsoft(void **state)
{
	ov_framework *fw = NULL;
	ov_compliance *c = NULL;
	size_t i, ms = 0, manual = 0;

	(void)state;
	assert_int_equal(ov_framework_load(&fw, ctx, ov_test_srcdir(),
	    "fedramp-high"), 0);
	assert_int_equal(ov_framework_compliance(fw, NULL, 0, &c), 0);
	for (i = 0; i < c->n_controls; i++) {
		if (strcmp(c->controls[i].status, "microsoft") == 0)
			ms++;
		if (strcmp(c->controls[i].status, "manual") == 0)
			manual++;
	}
	assert_true(ms > 0);
	assert_true(manual > 0);
	/* AC-11 Session Lock is one of Microsoft's retired static entries. */
	for (i = 0; i < c->n_controls; i++)
		if (strcmp(c->controls[i].id, "FEDRAMP-H:AC-11") == 0)
			assert_string_equal(c->controls[i].status,
			    "microsoft");
	ov_compliance_free(c);
	ov_framework_free(fw);
}

static void
test_framework_errors(void **state)
{
	ov_framework *fw = NULL;

	(void)state;
	assert_int_equal(ov_framework_load(&fw, ctx, ov_test_srcdir(),
	    "no-such-framework"), OV_ENOTFOUND);
	assert_int_equal(ov_framework_load(&fw, ctx, ov_test_srcdir(),
	    "../rules/x"), OV_EINVALID);
	assert_null(fw);
}

static int
count_fw(const char *id, const char *title, void *payload)
{
	(void)id;
	(void)title;
	(*(size_t *)payload)++;
	return 0;
}

static void
test_framework_list(void **state)
{
	size_t n = 0;

	(void)state;
	assert_int_equal(ov_frameworks_list(ctx, ov_test_srcdir(), count_fw,
	    &n), 0);
	/* CIS 2/3, NIST, FedRAMP H/M, HIPAA, PCI, ISO 2013/2022, SOC 2. */
	assert_int_equal(n, 10);
}

static void
test_rulepack_metadata(void **state)
{
	ov_rulepack *p = NULL;
	size_t i, j, n;
	char dir[4096];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/rules", ov_test_srcdir());
	assert_int_equal(ov_rulepack_load(&p, ctx, dir), 0);
	n = ov_rulepack_count(p);
	assert_true(n >= 150);
	for (i = 0; i < n; i++) {
		const ov_rule_info *r = ov_rulepack_get(p, i);
		bool has_deny = false, has_audit = false;

		assert_non_null(r->severity);
		assert_non_null(r->layer);
		assert_non_null(r->duty);
		assert_non_null(r->remediation);
		assert_non_null(r->resource_type);
		if (i > 0)
			assert_true(strcmp(ov_rulepack_get(p, i - 1)->id,
			    r->id) < 0);
		for (j = 0; j < r->n_effects; j++) {
			has_deny |= strcmp(r->effects[j], "Deny") == 0;
			has_audit |= strcmp(r->effects[j], "Audit") == 0 ||
			    strcmp(r->effects[j], "AuditIfNotExists") == 0;
		}
		/*
		 * Deployable in audit mode; deny unless existence-based or
		 * on a Microsoft Graph object, which Azure Policy does not
		 * evaluate (and a Graph rule offers no deny).
		 */
		assert_true(has_audit);
		if (strncmp(r->resource_type, "Microsoft.Graph/", 16) == 0)
			assert_false(has_deny);
		else if (strcmp(r->default_effect, "Audit") == 0)
			assert_true(has_deny);
	}
	assert_non_null(ov_rulepack_find(p, "ov-stg-001"));
	assert_null(ov_rulepack_find(p, "OV-STG-999"));
	assert_null(ov_rulepack_get(p, n));
	ov_rulepack_free(p);
}

/*
 * A rule's layer is where the customer's decision lives: never a physical
 * layer, and for a resource the customer deploys (IaaS, PaaS) never a
 * layer the matrix gives to Microsoft alone, so the owner on its findings
 * is the matrix's answer and still names a side that can act.
 */
static void
test_rulepack_layers_owned(void **state)
{
	ov_rulepack *p = NULL;
	ov_raci *raci = NULL;
	ov_layer layer;
	size_t i, n;
	char dir[4096];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/rules", ov_test_srcdir());
	assert_int_equal(ov_rulepack_load(&p, ctx, dir), 0);
	assert_int_equal(ov_raci_load(&raci, ctx, ov_test_srcdir()), 0);
	n = ov_rulepack_count(p);
	for (i = 0; i < n; i++) {
		const ov_rule_info *r = ov_rulepack_get(p, i);
		const char *model = ov_raci_service_model(raci,
		    r->resource_type);

		assert_int_equal(ov_layer_parse(r->layer, &layer), 0);
		if (layer == OV_LAYER_PHYSICAL_HOSTS ||
		    layer == OV_LAYER_PHYSICAL_NETWORK ||
		    layer == OV_LAYER_PHYSICAL_DATACENTER)
			fail_msg("%s sits on %s", r->id, r->layer);
		if (model != NULL && (strcmp(model, "iaas") == 0 ||
		    strcmp(model, "paas") == 0) && ov_raci_owner(raci,
		    r->resource_type, layer) == OV_OWNER_MICROSOFT)
			fail_msg("%s: %s on %s (%s) is Microsoft's alone",
			    r->id, r->layer, r->resource_type, model);
	}
	ov_raci_free(raci);
	ov_rulepack_free(p);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_rulepack_rejects_incomplete(void **state)
{
	ov_rulepack *p = NULL;
	char dir[] = "/tmp/ov-raci-XXXXXX", path[4200];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/OV-TST-001.json", dir);
	/* A valid definition without a layer. */
	write_file(path, "{\"properties\":{\"displayName\":\"t\","
	    "\"description\":\"d\",\"mode\":\"All\",\"metadata\":{"
	    "\"category\":\"c\",\"version\":\"1.0.0\",\"overvisor\":{"
	    "\"id\":\"OV-TST-001\",\"severity\":\"low\",\"duty\":"
	    "\"monitoring\",\"remediation\":\"r\",\"controls\":[]}},"
	    "\"parameters\":{\"effect\":{\"type\":\"String\","
	    "\"allowedValues\":[\"Audit\"],\"defaultValue\":\"Audit\"}},"
	    "\"policyRule\":{\"if\":{\"field\":\"type\",\"equals\":\"a/b\"},"
	    "\"then\":{\"effect\":\"[parameters('effect')]\"}}}}");
	assert_int_equal(ov_rulepack_load(&p, ctx, dir), OV_EINVALID);
	assert_null(p);
	assert_non_null(strstr(ov_error_last(ctx)->message, "layer"));
	/* Broken JSON names its position. */
	write_file(path, "{\"properties\": [}");
	assert_int_equal(ov_rulepack_load(&p, ctx, dir), OV_EPARSE);
	assert_int_equal(ov_error_last(ctx)->line, 1);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix_owners),
		cmocka_unit_test(test_matrix_unknown),
		cmocka_unit_test(test_matrix_bad_dir),
		cmocka_unit_test(test_framework_compliance),
		cmocka_unit_test(test_framework_microsoft),
		cmocka_unit_test(test_framework_errors),
		cmocka_unit_test(test_framework_list),
		cmocka_unit_test(test_rulepack_metadata),
		cmocka_unit_test(test_rulepack_layers_owned),
		cmocka_unit_test(test_rulepack_rejects_incomplete),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
