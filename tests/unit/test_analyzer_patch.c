/* SPDX-License-Identifier: MIT */
/*
 * patch analyzer on tests/fixtures/duties/patch.ndjson (Resource Graph
 * shapes: patchassessmentresults, softwarepatches, VMs, maintenance
 * configuration assignments); clock 2026-11-01T06:00:00Z, SLA 14 days.
 */
#include "duty_fixture.h"

static void
test_missing_patches(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	fx_file(&fx, "patch.ndjson");
	assert_int_equal(fx_run(&fx, "patch"), 0);
	fx_check_common(&fx);

	/* 15 days published: one day over the 14-day SLA */
	f = fx_get(&fx, "OV-PATCH-001", "/vm-over");
	assert_int_equal(f->severity, OV_SEV_CRITICAL);
	assert_string_equal(f->duty, "os-patching");
	assert_int_equal(f->layer, OV_LAYER_OPERATING_SYSTEM);
	assert_int_equal(f->due, fx.now - 86400);
	assert_non_null(strstr(f->title, "1 days overdue"));
	/* exactly 14 days: due now, not overdue (Z and +02:00 spellings) */
	assert_int_equal(fx_count(&fx, "OV-PATCH-001", "/vm-edge"), 0);
	assert_int_equal(fx_count(&fx, "OV-PATCH-001", "/vm-edge-tz"), 0);
	/* one second over, written without a zone (UTC) */
	f = fx_get(&fx, "OV-PATCH-001", "/vm-over-tz");
	assert_int_equal(f->due, fx.now - 1);
	/* security patch: high severity, 90 days old */
	f = fx_get(&fx, "OV-PATCH-001", "/vm-sec");
	assert_int_equal(f->severity, OV_SEV_HIGH);
	assert_non_null(strstr(f->title, "76 days overdue"));
	/* definition updates never count */
	assert_int_equal(fx_count(&fx, NULL, "/vm-defs"), 0);
	/* without a contract, accountability falls to the default party */
	assert_string_equal(f->accountable, "Customer IT");
	fx_close(&fx);
}

static void
test_assessment_and_orchestration(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	fx_file(&fx, "patch.ndjson");
	assert_int_equal(fx_run(&fx, "patch"), 0);

	f = fx_get(&fx, "OV-PATCH-003", "/vm-stale");
	assert_non_null(strstr(f->title, "12 days old"));
	assert_int_equal(f->severity, OV_SEV_MEDIUM);
	/* a deallocated machine cannot be assessed: still reported, low */
	f = fx_get(&fx, "OV-PATCH-003", "/vm-off-stale");
	assert_int_equal(f->severity, OV_SEV_LOW);
	assert_int_equal(f->n_evidence, 2);
	assert_string_equal(f->evidence[1].value, "\"deallocated\"");
	assert_int_equal(fx_count(&fx, "OV-PATCH-003", "/vm-fresh"), 0);
	/* exactly 7 days old is not yet stale */
	assert_int_equal(fx_count(&fx, "OV-PATCH-003", "/vm-stale-edge"), 0);
	fx_get(&fx, "OV-PATCH-004", "/vm-noassess");
	assert_int_equal(fx_count(&fx, "OV-PATCH-004", NULL), 1);
	fx_get(&fx, "OV-PATCH-005", "/vm-failed");

	fx_get(&fx, "OV-PATCH-006", "/vm-manual");
	assert_int_equal(fx_count(&fx, "OV-PATCH-006", "/vm-manual-ok"), 0);
	fx_get(&fx, "OV-PATCH-006", "/vm-lnx-img");
	/* selected by a subscription dynamic scope (tag + region) */
	assert_int_equal(fx_count(&fx, "OV-PATCH-006", "/vm-lnx-dyn"), 0);
	assert_int_equal(fx_count(&fx, "OV-PATCH-006", NULL), 2);
	assert_int_equal(fx_count(&fx, "OV-PATCH-009", NULL), 0);
	fx_close(&fx);
}

/* The contract's SLA and staleness limit are honoured. */
static void
test_contract_sla(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	fx_file(&fx, "patch.ndjson");
	fx_contract(&fx, "parties: {csp: {name: Example CSP}, customer-it: "
	    "{name: Uni IT}}\nduties:\n  os-patching:\n    responsible: csp\n"
	    "    accountable: customer-it\n    sla: {critical: 3d, high: 100d}"
	    "\n    assessment-max-age: 20d\n");
	assert_int_equal(fx_run(&fx, "patch"), 0);
	/* 14 days old now breaches a 3-day SLA */
	f = fx_get(&fx, "OV-PATCH-001", "/vm-edge");
	assert_string_equal(f->accountable, "Uni IT");
	assert_int_equal(f->owner, OV_OWNER_SHARED);
	/* 90 days is within a 100-day high SLA */
	assert_int_equal(fx_count(&fx, "OV-PATCH-001", "/vm-sec"), 0);
	/* 12 days is within a 20-day staleness limit */
	assert_int_equal(fx_count(&fx, "OV-PATCH-003", NULL), 0);
	fx_close(&fx);
}

/* VMs but no patch data at all: one coverage finding, no per-VM noise. */
static void
test_no_patch_source(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	fx_text(&fx, "vms.ndjson",
	    "{\"id\":\"/subscriptions/1/resourceGroups/r/providers/"
	    "Microsoft.Compute/virtualMachines/a\",\"name\":\"a\",\"type\":"
	    "\"Microsoft.Compute/virtualMachines\",\"properties\":{}}\n");
	assert_int_equal(fx_run(&fx, "patch"), 0);
	f = fx_get(&fx, "OV-PATCH-009", NULL);
	assert_int_equal(f->state, OV_STATE_INDETERMINATE);
	assert_int_equal(ov_findings_count(fx.out), 1);
	fx_close(&fx);

	/* empty snapshot: still one coverage finding, never "all good" */
	fx_open(&fx);
	assert_int_equal(fx_run(&fx, "patch"), 0);
	assert_int_equal(fx_count(&fx, "OV-PATCH-009", NULL), 1);
	assert_int_equal(ov_findings_count(fx.out), 1);
	fx_close(&fx);
}

/* Missing fields: a patch without publish date, summary-only data. */
static void
test_missing_fields(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	fx_text(&fx, "partial.ndjson",
	    "{\"id\":\"/subscriptions/1/resourceGroups/r/providers/"
	    "Microsoft.Compute/virtualMachines/a\",\"name\":\"a\",\"type\":"
	    "\"Microsoft.Compute/virtualMachines\",\"properties\":{}}\n"
	    "{\"id\":\"/subscriptions/1/resourceGroups/r/providers/"
	    "Microsoft.Compute/virtualMachines/a/patchAssessmentResults/"
	    "latest\",\"type\":\"microsoft.compute/virtualmachines/"
	    "patchassessmentresults\",\"properties\":{\"status\":\"Succeeded\","
	    "\"lastModifiedDateTime\":\"2026-11-01T01:00:00Z\","
	    "\"availablePatchCountByClassification\":{\"critical\":2,"
	    "\"security\":1}}}\n"
	    "{\"id\":\"/subscriptions/1/resourceGroups/r/providers/"
	    "Microsoft.Compute/virtualMachines/b\",\"name\":\"b\",\"type\":"
	    "\"Microsoft.Compute/virtualMachines\",\"properties\":{}}\n"
	    "{\"id\":\"/subscriptions/1/resourceGroups/r/providers/"
	    "Microsoft.Compute/virtualMachines/b/patchAssessmentResults/"
	    "latest\",\"type\":\"microsoft.compute/virtualmachines/"
	    "patchassessmentresults\",\"properties\":{\"status\":"
	    "\"Succeeded\"}}\n");
	assert_int_equal(fx_run(&fx, "patch"), 0);
	/* counts without per-patch rows: indeterminate, not compliant */
	f = fx_get(&fx, "OV-PATCH-002", "/virtualMachines/a");
	assert_int_equal(f->state, OV_STATE_INDETERMINATE);
	assert_non_null(strstr(f->title, "3 critical"));
	/* an assessment without a time cannot be called fresh */
	fx_get(&fx, "OV-PATCH-003", "/virtualMachines/b");
	assert_int_equal(fx_count(&fx, "OV-PATCH-003", "/virtualMachines/a"),
	    0);
	/* patch mode unknown and maintenance data absent: no claim */
	assert_int_equal(fx_count(&fx, "OV-PATCH-006", NULL), 0);
	assert_int_equal(fx_count(&fx, "OV-PATCH-007", NULL), 0);
	fx_close(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_patches),
		cmocka_unit_test(test_assessment_and_orchestration),
		cmocka_unit_test(test_contract_sla),
		cmocka_unit_test(test_no_patch_source),
		cmocka_unit_test(test_missing_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
