/* SPDX-License-Identifier: MIT */
/*
 * backup analyzer on tests/fixtures/duties/backup.ndjson (Resource Graph
 * recoveryservicesresources protected items and jobs, VMs, SQL
 * databases); clock 2026-11-01T06:00:00Z, RPO 24 h, RTO 4 h, restore-test
 * window 90 days.
 */
#include "duty_fixture.h"

static void
test_protection_and_rpo(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	fx_file(&fx, "backup.ndjson");
	assert_int_equal(fx_run(&fx, "backup"), 0);
	fx_check_common(&fx);

	f = fx_get(&fx, "OV-BKP-051", "/vm-none");
	assert_int_equal(f->layer, OV_LAYER_INFORMATION_AND_DATA);
	assert_string_equal(f->duty, "backup-validation");
	assert_int_equal(fx_count(&fx, "OV-BKP-051", NULL), 1);
	/* the item's source id differs only in case */
	assert_int_equal(fx_count(&fx, NULL, "/vm-casing"), 0);
	fx_get(&fx, "OV-BKP-052", "/sqldb-none");
	assert_int_equal(fx_count(&fx, "OV-BKP-052", NULL), 1);
	fx_get(&fx, "OV-BKP-055", "/vm-stopped");

	f = fx_get(&fx, "OV-BKP-053", ";vm-rpo");
	assert_non_null(strstr(f->title, "60 h old"));
	/* exactly 24 h is within the RPO; one second more (+02:00) is not */
	assert_int_equal(fx_count(&fx, "OV-BKP-053", ";vm-edge"), 0);
	f = fx_get(&fx, "OV-BKP-053", ";vm-edge2");
	/* started when the RPO ran out; due after the high SLA (3 days) */
	assert_int_equal(f->due, fx.now - 1 + 3 * 86400);
	/* last attempt failed: the last completed backup job decides */
	f = fx_get(&fx, "OV-BKP-053", ";vm-failed");
	assert_non_null(strstr(f->title, "95 h old"));
	/* lastBackupTime with status Completed counts without a point */
	assert_int_equal(fx_count(&fx, NULL, ";vm-jobonly"), 0);
	assert_int_equal(fx_count(&fx, "OV-BKP-053", NULL), 3);
	fx_close(&fx);
}

static void
test_restores(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	fx_file(&fx, "backup.ndjson");
	assert_int_equal(fx_run(&fx, "backup"), 0);

	f = fx_get(&fx, "OV-BKP-056", "/vaults/rsv-b");
	assert_string_equal(f->resource_name, "rsv-b");
	assert_int_equal(fx_count(&fx, "OV-BKP-056", "/vaults/rsv-a"), 0);
	/* a restore exactly 90 days ago is inside the window */
	assert_int_equal(fx_count(&fx, "OV-BKP-056", "/vaults/rsv-d"), 0);
	assert_int_equal(fx_count(&fx, "OV-BKP-056", NULL), 1);

	f = fx_get(&fx, "OV-BKP-057", "/vaults/rsv-c");
	assert_non_null(strstr(f->title, "1 restore "));
	assert_non_null(strstr(f->title, "6 h 30 min"));
	assert_int_equal(fx_count(&fx, "OV-BKP-057", NULL), 1);
	fx_close(&fx);
}

static void
test_contract_objectives(void **state)
{
	struct fx fx;

	(void)state;
	fx_open(&fx);
	fx_file(&fx, "backup.ndjson");
	fx_contract(&fx, "parties: {csp: {}}\nduties:\n  backup-validation:\n"
	    "    responsible: csp\n    accountable: csp\n    rpo: 4d\n"
	    "    rto: 8h\n    restore-test-window: 365d\n");
	assert_int_equal(fx_run(&fx, "backup"), 0);
	assert_int_equal(fx_count(&fx, "OV-BKP-053", NULL), 0);
	assert_int_equal(fx_count(&fx, "OV-BKP-056", NULL), 0);
	assert_int_equal(fx_count(&fx, "OV-BKP-057", NULL), 0);
	/* unprotected resources stay unprotected */
	assert_int_equal(fx_count(&fx, "OV-BKP-051", NULL), 1);
	fx_close(&fx);
}

static void
test_coverage(void **state)
{
	struct fx fx;

	(void)state;
	fx_open(&fx);
	fx_text(&fx, "vm.ndjson",
	    "{\"id\":\"/subscriptions/1/resourceGroups/r/providers/"
	    "Microsoft.Compute/virtualMachines/a\",\"type\":"
	    "\"Microsoft.Compute/virtualMachines\",\"properties\":{}}\n");
	assert_int_equal(fx_run(&fx, "backup"), 0);
	/* no backup data: one coverage finding, not "VM unprotected" */
	assert_int_equal(fx_count(&fx, "OV-BKP-059", NULL), 1);
	assert_int_equal(ov_findings_count(fx.out), 1);
	fx_close(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protection_and_rpo),
		cmocka_unit_test(test_restores),
		cmocka_unit_test(test_contract_objectives),
		cmocka_unit_test(test_coverage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
