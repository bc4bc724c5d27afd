/* SPDX-License-Identifier: MIT */
/*
 * policy_enforcement analyzer on tests/fixtures/duties/policy.ndjson
 * (Resource Graph policyresources: definitions, an initiative, assignments,
 * exemptions); clock 2026-11-01T06:00:00Z.
 */
#include "duty_fixture.h"

static const char contract[] =
    "parties: {customer-it: {name: Uni IT}}\n"
    "duties:\n"
    "  policy-enforcement:\n"
    "    responsible: customer-it\n"
    "    accountable: customer-it\n"
    "    must-deny:\n"
    "      - 4fa4b6c0-31ca-4c0d-b10d-24b96f62a751\n"
    "      - 404c3081-a854-4457-ae30-26a93ef643f9\n"
    "      - 0b60c0b2-2dc2-4e1c-b5c9-abbed971de53\n"
    "      - \"Custom: owner tag required\"\n"
    "      - a1b2c3d4-0000-4000-8000-000000000001\n"
    "      - not-assigned-anywhere\n";

static void
test_enforcement(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	fx_file(&fx, "policy.ndjson");
	fx_contract(&fx, contract);
	assert_int_equal(fx_run(&fx, "policy_enforcement"), 0);
	fx_check_common(&fx);

	f = fx_get(&fx, "OV-POL-001", "/as-dne");
	assert_string_equal(f->duty, "policy-enforcement");
	assert_string_equal(f->accountable, "Uni IT");
	assert_int_equal(fx_count(&fx, "OV-POL-001", NULL), 1);

	/* Audit by assignment parameter */
	f = fx_get(&fx, "OV-POL-002", "/as-audit");
	assert_non_null(strstr(f->title, "effect Audit"));
	/* Deny by assignment parameter: fine */
	assert_int_equal(fx_count(&fx, NULL, "/as-deny"), 0);
	/* definition default (Audit) when the assignment passes nothing */
	f = fx_get(&fx, "OV-POL-002", "/as-custom-default");
	assert_non_null(strstr(f->title, "effect Audit"));
	assert_int_equal(fx_count(&fx, NULL, "/as-custom-deny"), 0);
	/* initiative members under a DoNotEnforce assignment */
	fx_get(&fx, "OV-POL-002", "/as-dne/policyDefinitionReferences/kvRef");
	fx_get(&fx, "OV-POL-002",
	    "/as-dne/policyDefinitionReferences/customRef");
	/* initiative parameter default Deny reaches the member */
	assert_int_equal(fx_count(&fx, NULL,
	    "/as-set-deny/policyDefinitionReferences/customRef"), 0);
	assert_int_equal(fx_count(&fx, "OV-POL-002", NULL), 4);

	/* built-in not in the snapshot, no effect parameter: unknown */
	f = fx_get(&fx, "OV-POL-003", "/as-unknown");
	assert_int_equal(f->state, OV_STATE_INDETERMINATE);
	fx_get(&fx, "OV-POL-003", "/as-set-deny/policyDefinitionReferences/"
	    "kvRef");
	assert_int_equal(fx_count(&fx, "OV-POL-003", NULL), 2);

	f = fx_get(&fx, "OV-POL-004", NULL);
	assert_non_null(strstr(f->title, "not-assigned-anywhere"));
	fx_close(&fx);
}

static void
test_exemptions(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	fx_file(&fx, "policy.ndjson");
	assert_int_equal(fx_run(&fx, "policy_enforcement"), 0);
	/* no contract: no must-deny list, so nothing about controls */
	assert_int_equal(fx_count(&fx, "OV-POL-002", NULL), 0);
	assert_int_equal(fx_count(&fx, "OV-POL-004", NULL), 0);

	f = fx_get(&fx, "OV-POL-006", "/ex-expired");
	assert_non_null(strstr(f->evidence[0].message, "45 days"));
	/* expiring at the snapshot instant (+01:00 spelling) has expired */
	fx_get(&fx, "OV-POL-006", "/ex-edge");
	fx_get(&fx, "OV-POL-005", "/ex-noexp");
	fx_get(&fx, "OV-POL-005", "/ex-null");
	assert_int_equal(fx_count(&fx, NULL, "/ex-future"), 0);
	assert_int_equal(fx_count(&fx, "OV-POL-005", NULL), 2);
	assert_int_equal(fx_count(&fx, "OV-POL-006", NULL), 2);
	fx_close(&fx);
}

static void
test_coverage(void **state)
{
	struct fx fx;

	(void)state;
	fx_open(&fx);
	fx_contract(&fx, contract);
	assert_int_equal(fx_run(&fx, "policy_enforcement"), 0);
	/* no assignments collected: one coverage finding, no POL-004 */
	assert_int_equal(fx_count(&fx, "OV-POL-009", NULL), 1);
	assert_int_equal(ov_findings_count(fx.out), 1);
	fx_close(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enforcement),
		cmocka_unit_test(test_exemptions),
		cmocka_unit_test(test_coverage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
