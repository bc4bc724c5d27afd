/* SPDX-License-Identifier: MIT */
/*
 * identity analyzer on tests/fixtures/duties/identity.ndjson (Graph users,
 * userRegistrationDetails, unifiedRoleAssignment, conditionalAccessPolicy,
 * servicePrincipal; Resource Graph authorizationresources role
 * assignments); clock 2026-11-01T06:00:00Z.
 */
#include "duty_fixture.h"

static void
test_conditional_access(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	fx_file(&fx, "identity.ndjson");
	assert_int_equal(fx_run(&fx, "identity"), 0);
	fx_check_common(&fx);

	f = fx_get(&fx, "OV-IAM-051", "/ca-off");
	assert_int_equal(f->layer,
	    OV_LAYER_IDENTITY_AND_DIRECTORY_INFRASTRUCTURE);
	assert_string_equal(f->duty, "identity-review");
	fx_get(&fx, "OV-IAM-052", "/ca-all");
	fx_get(&fx, "OV-IAM-052", "/ca-legacy");
	assert_int_equal(fx_count(&fx, "OV-IAM-052", NULL), 2);
	assert_int_equal(fx_count(&fx, "OV-IAM-051", "/ca-admins"), 0);
	/* MFA for admins is enforced by ca-admins */
	assert_int_equal(fx_count(&fx, "OV-IAM-053", NULL), 0);
	/* report-only and app-scoped MFA policies do not count for all */
	assert_int_equal(fx_count(&fx, "OV-IAM-054", NULL), 1);
	assert_int_equal(fx_count(&fx, "OV-IAM-055", NULL), 1);
	assert_int_equal(fx_count(&fx, "OV-IAM-069", NULL), 0);
	fx_close(&fx);
}

static void
test_privileged(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	fx_file(&fx, "identity.ndjson");
	assert_int_equal(fx_run(&fx, "identity"), 0);

	f = fx_get(&fx, "OV-IAM-056", "/dra-1");
	assert_int_equal(f->severity, OV_SEV_CRITICAL);	/* Global Admin */
	assert_int_equal(f->layer, OV_LAYER_ACCOUNTS_AND_IDENTITIES);
	f = fx_get(&fx, "OV-IAM-056", "/dra-3");
	assert_int_equal(f->severity, OV_SEV_HIGH);
	assert_int_equal(fx_count(&fx, "OV-IAM-056", NULL), 2);
	/* guest with Global Administrator; the guest reader is not */
	fx_get(&fx, "OV-IAM-062", "/dra-4");
	assert_int_equal(fx_count(&fx, "OV-IAM-062", NULL), 1);
	/* User Access Administrator at subscription scope without MFA */
	fx_get(&fx, "OV-IAM-057", "/uaa-1");
	assert_int_equal(fx_count(&fx, NULL, "/rdr-1"), 0);
	assert_int_equal(fx_count(&fx, NULL, "/rgown-1"), 0);
	assert_int_equal(fx_count(&fx, "OV-IAM-057", NULL), 1);
	/* six standing Owners at the subscription, default limit five */
	f = fx_get(&fx, "OV-IAM-058", NULL);
	assert_non_null(strstr(f->title, "6 permanent holders of Owner"));
	fx_close(&fx);
}

static void
test_credentials(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	fx_file(&fx, "identity.ndjson");
	assert_int_equal(fx_run(&fx, "identity"), 0);

	fx_get(&fx, "OV-IAM-059", "/sp-long");
	f = fx_get(&fx, "OV-IAM-059", "/sp-exp");
	assert_non_null(strstr(f->title, "1 client secret "));
	assert_int_equal(fx_count(&fx, "OV-IAM-059", NULL), 4);
	assert_int_equal(fx_count(&fx, NULL, "/sp-cert"), 0);
	assert_int_equal(fx_count(&fx, NULL, "/sp-mi"), 0);
	/* lifetime: 730 days and 180 days + 1 s break 180; exactly 180 not */
	f = fx_get(&fx, "OV-IAM-060", "/k-long");
	assert_non_null(strstr(f->title, "730 days"));
	fx_get(&fx, "OV-IAM-060", "/k-181");
	assert_int_equal(fx_count(&fx, "OV-IAM-060", "/k-180"), 0);
	/* expired secret and expired certificate still present */
	fx_get(&fx, "OV-IAM-061", "/sp-exp");
	fx_get(&fx, "OV-IAM-061", "/sp-oldcert");
	assert_int_equal(fx_count(&fx, "OV-IAM-061", NULL), 2);
	/* the secret's hint never reaches the output */
	for (size_t i = 0; i < ov_findings_count(fx.out); i++) {
		const ov_finding *g = ov_findings_get(fx.out, i);

		for (size_t j = 0; j < g->n_evidence; j++)
			assert_null(g->evidence[j].value == NULL ? NULL :
			    strstr(g->evidence[j].value, "x7Q"));
	}
	fx_close(&fx);
}

static void
test_contract_limits(void **state)
{
	struct fx fx;

	(void)state;
	fx_open(&fx);
	fx_file(&fx, "identity.ndjson");
	fx_contract(&fx, "parties: {customer-it: {}}\nduties:\n"
	    "  identity-review:\n    responsible: customer-it\n"
	    "    accountable: customer-it\n    max-standing-privileged: 6\n"
	    "    secret-max-lifetime: 800d\n");
	assert_int_equal(fx_run(&fx, "identity"), 0);
	assert_int_equal(fx_count(&fx, "OV-IAM-058", NULL), 0);
	assert_int_equal(fx_count(&fx, "OV-IAM-060", NULL), 0);
	fx_close(&fx);
}

/* Enforced policies close the CA findings. */
static void
test_ca_enforced(void **state)
{
	struct fx fx;

	(void)state;
	fx_open(&fx);
	fx_text(&fx, "ca.ndjson",
	    "{\"@odata.type\":\"#microsoft.graph.conditionalAccessPolicy\","
	    "\"id\":\"p1\",\"displayName\":\"MFA all\",\"state\":\"enabled\","
	    "\"conditions\":{\"applications\":{\"includeApplications\":"
	    "[\"All\"]},\"users\":{\"includeUsers\":[\"All\"]}},"
	    "\"grantControls\":{\"builtInControls\":[],"
	    "\"authenticationStrength\":{\"id\":\"00000000-0000-0000-0000-"
	    "000000000002\"}}}\n"
	    "{\"@odata.type\":\"#microsoft.graph.conditionalAccessPolicy\","
	    "\"id\":\"p2\",\"displayName\":\"Block EAS\",\"state\":\"enabled\","
	    "\"conditions\":{\"clientAppTypes\":[\"exchangeActiveSync\"],"
	    "\"applications\":{\"includeApplications\":[\"All\"]},\"users\":"
	    "{\"includeUsers\":[\"All\"]}},\"grantControls\":"
	    "{\"builtInControls\":[\"block\"]}}\n");
	assert_int_equal(fx_run(&fx, "identity"), 0);
	assert_int_equal(fx_count(&fx, "OV-IAM-053", NULL), 0);
	assert_int_equal(fx_count(&fx, "OV-IAM-054", NULL), 0);
	/* "other" legacy clients are still allowed */
	assert_int_equal(fx_count(&fx, "OV-IAM-055", NULL), 1);
	/* roles, MFA registration, RBAC and credentials are missing */
	assert_int_equal(fx_count(&fx, "OV-IAM-069", NULL), 1);
	fx_close(&fx);
}

/* No Graph data at all: one coverage finding, nothing claimed. */
static void
test_no_graph(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	assert_int_equal(fx_run(&fx, "identity"), 0);
	f = fx_get(&fx, "OV-IAM-069", NULL);
	assert_int_equal(f->state, OV_STATE_INDETERMINATE);
	assert_non_null(strstr(f->title, "Conditional Access"));
	/* the tenant posture checks say so each (test_analyzer_entra) */
	for (size_t i = 0; i < ov_findings_count(fx.out); i++)
		assert_int_equal(ov_findings_get(fx.out, i)->state,
		    OV_STATE_INDETERMINATE);
	fx_close(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conditional_access),
		cmocka_unit_test(test_privileged),
		cmocka_unit_test(test_credentials),
		cmocka_unit_test(test_contract_limits),
		cmocka_unit_test(test_ca_enforced),
		cmocka_unit_test(test_no_graph),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
