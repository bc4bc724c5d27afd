/* SPDX-License-Identifier: MIT */
/*
 * defender analyzer on tests/fixtures/duties/defender.ndjson (Resource
 * Graph securityresources: pricings, assessments, governance assignments,
 * alerts); clock 2026-11-01T06:00:00Z, triage SLA high 7 d, medium 30 d.
 */
#include "duty_fixture.h"

static void
test_plans(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	fx_file(&fx, "defender.ndjson");
	assert_int_equal(fx_run(&fx, "defender"), 0);
	fx_check_common(&fx);
	f = fx_get(&fx, "OV-DEF-051", "/pricings/VirtualMachines");
	assert_int_equal(f->severity, OV_SEV_HIGH);
	assert_int_equal(f->layer, OV_LAYER_OPERATING_SYSTEM);
	assert_string_equal(f->duty, "defender-triage");
	fx_get(&fx, "OV-DEF-051", "/pricings/KeyVaults");
	/* Standard, or Free where no such resource exists */
	assert_int_equal(fx_count(&fx, "OV-DEF-051", NULL), 2);
	fx_close(&fx);
}

static void
test_triage(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	fx_file(&fx, "defender.ndjson");
	assert_int_equal(fx_run(&fx, "defender"), 0);

	f = fx_get(&fx, "OV-DEF-053", "/a-old");
	assert_int_equal(f->layer, OV_LAYER_OPERATING_SYSTEM);
	assert_non_null(strstr(f->title, "open 420 days"));
	/* exactly 7 days: at the SLA; 7 days + 1 s (+01:00 stamp): over */
	assert_int_equal(fx_count(&fx, "OV-DEF-053", "/a-edge"), 0);
	f = fx_get(&fx, "OV-DEF-053", "/a-over");
	assert_int_equal(f->due, fx.now - 1);
	/* medium 10 days is within 30 days; healthy never counts */
	assert_int_equal(fx_count(&fx, NULL, "/a-med"), 0);
	assert_int_equal(fx_count(&fx, NULL, "/a-healthy"), 0);
	/* no severity or dates: not claimed overdue */
	assert_int_equal(fx_count(&fx, "OV-DEF-053", "/a-nosev"), 0);

	fx_get(&fx, "OV-DEF-054", "/al-old");
	f = fx_get(&fx, "OV-DEF-054", "/al-med");
	assert_int_equal(f->severity, OV_SEV_MEDIUM);
	/* alerts use the alert SLA (medium 3 days): exactly 3 days is due */
	assert_int_equal(f->due, fx.now - 28 * 86400);
	assert_int_equal(fx_count(&fx, "OV-DEF-054", "/al-med-edge"), 0);
	assert_int_equal(fx_count(&fx, NULL, "/al-resolved"), 0);
	assert_int_equal(fx_count(&fx, NULL, "/al-low"), 0);
	fx_close(&fx);
}

static void
test_owner_and_backlog(void **state)
{
	struct fx fx;
	const ov_finding *f;
	size_t i;
	static const char *const want[] = { "5", "1", "1", "0", "2" };

	(void)state;
	fx_open(&fx);
	fx_file(&fx, "defender.ndjson");
	assert_int_equal(fx_run(&fx, "defender"), 0);
	/* vm-b has no owner tag; kv1 has a governance assignment owner */
	fx_get(&fx, "OV-DEF-055", "/a-old");
	fx_get(&fx, "OV-DEF-055", "/al-old");
	assert_int_equal(fx_count(&fx, "OV-DEF-055", NULL), 2);
	assert_int_equal(fx_count(&fx, "OV-DEF-055", "/a-gov"), 0);

	f = fx_get(&fx, "OV-DEF-056", NULL);
	assert_int_equal(f->severity, OV_SEV_INFO);
	assert_non_null(strstr(f->title, "10 open items"));
	assert_int_equal(f->n_evidence, 5);
	for (i = 0; i < 5; i++)
		assert_string_equal(f->evidence[i].value, want[i]);
	assert_string_equal(f->evidence[4].path, ">365d");
	fx_close(&fx);
}

/* The contract's alert-sla replaces the alert defaults. */
static void
test_alert_sla(void **state)
{
	struct fx fx;

	(void)state;
	fx_open(&fx);
	fx_file(&fx, "defender.ndjson");
	fx_contract(&fx, "parties: {msp: {}}\nduties:\n  defender-triage:\n"
	    "    responsible: msp\n    accountable: msp\n"
	    "    alert-sla: {high: 500d, medium: 2d}\n");
	assert_int_equal(fx_run(&fx, "defender"), 0);
	assert_int_equal(fx_count(&fx, "OV-DEF-054", "/al-old"), 0);
	fx_get(&fx, "OV-DEF-054", "/al-med-edge");
	/* low falls back to the next severity up with a value (2 days) */
	assert_int_equal(fx_count(&fx, "OV-DEF-054", "/al-low"), 0);
	fx_close(&fx);
}

static void
test_coverage(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	/* assessments present, no pricings or alerts */
	fx_text(&fx, "a.ndjson",
	    "{\"id\":\"/subscriptions/1/providers/Microsoft.Security/"
	    "assessments/x\",\"type\":\"Microsoft.Security/assessments\","
	    "\"properties\":{\"status\":{\"code\":\"Healthy\"}}}\n");
	assert_int_equal(fx_run(&fx, "defender"), 0);
	f = fx_get(&fx, "OV-DEF-059", NULL);
	assert_int_equal(f->state, OV_STATE_INDETERMINATE);
	assert_non_null(strstr(f->title, "pricings"));
	assert_non_null(strstr(f->title, "alerts"));
	assert_null(strstr(f->title, "assessments"));
	assert_int_equal(ov_findings_count(fx.out), 1);
	fx_close(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plans),
		cmocka_unit_test(test_triage),
		cmocka_unit_test(test_owner_and_backlog),
		cmocka_unit_test(test_alert_sla),
		cmocka_unit_test(test_coverage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
