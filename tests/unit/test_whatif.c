/* SPDX-License-Identifier: MIT */
/*
 * What-if deny: an Audit assignment evaluated as if it denied, its blocked
 * resources grouped by scope and owner, and the verdict.  The policy engine
 * does the evaluation; this checks the grouping on top of it.
 */
#include "duty_fixture.h"

#include "overvisor/policy.h"
#include "overvisor/whatif.h"

#define SUB "/subscriptions/88888888-8888-8888-8888-888888888888"
#define ST SUB "/resourceGroups/%s/providers/Microsoft.Storage/" \
	"storageAccounts/%s"

static const char snapshot[] =
    /* the definition: storage accounts need a classification tag */
    "{\"id\":\"" SUB "/providers/Microsoft.Authorization/policyDefinitions/"
    "need-class\",\"name\":\"need-class\",\"type\":\"Microsoft.Authorization"
    "/policyDefinitions\",\"properties\":{\"displayName\":\"Storage needs "
    "a classification tag\",\"policyType\":\"Custom\",\"mode\":\"Indexed\","
    "\"parameters\":{\"effect\":{\"type\":\"String\",\"defaultValue\":"
    "\"Audit\"}},\"policyRule\":{\"if\":{\"allOf\":[{\"field\":\"type\","
    "\"equals\":\"Microsoft.Storage/storageAccounts\"},{\"field\":"
    "\"tags['classification']\",\"exists\":false}]},\"then\":{\"effect\":"
    "\"[parameters('effect')]\"}}}}\n"
    /* assigned at the subscription in audit mode */
    "{\"id\":\"" SUB "/providers/Microsoft.Authorization/policyAssignments/"
    "class-audit\",\"name\":\"class-audit\",\"type\":\"Microsoft.Authorization"
    "/policyAssignments\",\"properties\":{\"displayName\":\"Classification "
    "(audit)\",\"policyDefinitionId\":\"" SUB "/providers/Microsoft."
    "Authorization/policyDefinitions/need-class\",\"scope\":\"" SUB "\","
    "\"parameters\":{\"effect\":{\"value\":\"Audit\"}},\"enforcementMode\":"
    "\"Default\"}}\n"
    /* resource groups; rg-b carries the owner */
    "{\"id\":\"" SUB "/resourceGroups/rg-b\",\"name\":\"rg-b\",\"type\":"
    "\"Microsoft.Resources/subscriptions/resourceGroups\",\"location\":"
    "\"uksouth\",\"tags\":{\"owner\":\"team-b@example.edu\"}}\n"
    "{\"id\":\"" SUB "/resourceGroups/rg-a/providers/Microsoft.Storage/"
    "storageAccounts/sta1\",\"name\":\"sta1\",\"type\":\"Microsoft.Storage/"
    "storageAccounts\",\"location\":\"uksouth\",\"tags\":{\"owner\":"
    "\"team-a@example.edu\"},\"properties\":{}}\n"
    "{\"id\":\"" SUB "/resourceGroups/rg-a/providers/Microsoft.Storage/"
    "storageAccounts/sta2\",\"name\":\"sta2\",\"type\":\"Microsoft.Storage/"
    "storageAccounts\",\"location\":\"uksouth\",\"tags\":{\"owner\":"
    "\"team-a@example.edu\"},\"properties\":{}}\n"
    "{\"id\":\"" SUB "/resourceGroups/rg-b/providers/Microsoft.Storage/"
    "storageAccounts/stb1\",\"name\":\"stb1\",\"type\":\"Microsoft.Storage/"
    "storageAccounts\",\"location\":\"uksouth\",\"properties\":{}}\n"
    "{\"id\":\"" SUB "/resourceGroups/rg-b/providers/Microsoft.Storage/"
    "storageAccounts/stb2\",\"name\":\"stb2\",\"type\":\"Microsoft.Storage/"
    "storageAccounts\",\"location\":\"uksouth\",\"tags\":{"
    "\"classification\":\"internal\"},\"properties\":{}}\n";

static void
test_whatif(void **state)
{
	struct fx fx;
	ov_policy_set *set = NULL;
	ov_whatif *w = NULL;
	const ov_whatif_group *g;
	int rc;

	(void)state;
	fx_open(&fx);
	fx_text(&fx, "policy.ndjson", snapshot);
	assert_int_equal(ov_model__index(fx.snap), 0);
	assert_int_equal(ov_policy_set_new(&set, fx.ctx), 0);
	assert_int_equal(ov_policy_set_add_snapshot(set, fx.snap), 0);
	assert_int_equal(ov_policy_set_compile(set), 0);
	rc = ov_whatif_run(&w, fx.ctx, set, fx.snap, "class-audit", NULL);
	if (rc != 0)
		fail_msg("whatif: %s", ov_error_last(fx.ctx)->message);
	/* sta1, sta2 (rg-a, own tags) and stb1 (rg-b, the group's owner) */
	assert_false(ov_whatif_safe(w));
	assert_int_equal(ov_whatif_count(w), 3);
	assert_int_equal(ov_whatif_n_groups(w), 2);
	g = ov_whatif_group_at(w, 0);
	assert_true(strstr(g->scope, "/resourceGroups/rg-a") != NULL);
	assert_string_equal(g->owner, "team-a@example.edu");
	assert_int_equal(g->count, 2);
	g = ov_whatif_group_at(w, 1);
	assert_string_equal(g->owner, "team-b@example.edu");
	assert_int_equal(g->count, 1);
	assert_null(ov_whatif_group_at(w, 2));
	assert_true(strstr(ov_whatif_get(w, 2)->resource_id, "/stb1") != NULL);
	assert_null(ov_whatif_get(w, 3));
	assert_non_null(strstr(ov_whatif_verdict(w),
	    "blocks 3 resources in 2 scopes"));
	ov_whatif_free(w);
	w = NULL;
	assert_int_equal(ov_whatif_run(&w, fx.ctx, set, fx.snap, "no-such",
	    NULL), OV_ENOTFOUND);
	assert_null(w);
	ov_policy_set_free(set);
	fx_close(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whatif),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
