/* SPDX-License-Identifier: MIT */
/*
 * accountability analyzer and `contract check` on
 * tests/fixtures/duties/accountability.ndjson (patch installation results,
 * a restore job, an activity log alert) with a contract that leaves
 * deliberate holes; clock 2026-11-01T06:00:00Z.
 */
#include "duty_fixture.h"
#include "overvisor/scan.h"

static const char contract[] =
    "parties:\n"
    "  customer-it:\n"
    "    name: Uni IT\n"
    "    contacts: [{email: it@example.edu}]\n"
    "    pager: {address: \"+44 100\", response: 15m}\n"
    "  csp: {name: Example CSP}\n"
    "duties:\n"
    "  os-patching: {responsible: csp, accountable: customer-it,\n"
    "    sla: {critical: 14d}, cadence: 30d}\n"
    "  backup-validation: {responsible: csp, accountable: customer-it,\n"
    "    sla: {high: 3d}, cadence: 30d}\n"
    "  monitoring: {responsible: csp, accountable: customer-it,\n"
    "    sla: {high: 1d}}\n"
    "  identity-review: {responsible: customer-it, sla: {high: 7d},\n"
    "    cadence: 90d, last-performed: \"2026-08-03T08:00:00+02:00\"}\n"
    "  incident-response: {responsible: csp, accountable: customer-it,\n"
    "    sla: {critical: 1h}}\n"
    "  governance-reporting: {accountable: customer-it, cadence: 30d}\n";

static void
test_duties(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	fx_file(&fx, "accountability.ndjson");
	fx_contract(&fx, contract);
	assert_int_equal(fx_run(&fx, "accountability"), 0);
	fx_check_common(&fx);

	f = fx_get(&fx, "OV-ACC-001", "/duties/governance-reporting");
	assert_string_equal(f->duty, "governance-reporting");
	assert_int_equal(f->line, 18);	/* where the duty is in the YAML */
	fx_get(&fx, "OV-ACC-001", "/duties/nsg-review");	/* not in file */
	assert_int_equal(fx_count(&fx, "OV-ACC-001", NULL), 4);
	fx_get(&fx, "OV-ACC-002", "/duties/identity-review");
	assert_int_equal(fx_count(&fx, "OV-ACC-002", NULL), 4);
	fx_get(&fx, "OV-ACC-003", "/duties/governance-reporting");
	assert_int_equal(fx_count(&fx, "OV-ACC-003", "/duties/os-patching"),
	    0);
	assert_int_equal(fx_count(&fx, "OV-ACC-003", NULL), 4);

	/* last successful install 42 days ago, cadence 30 days */
	f = fx_get(&fx, "OV-ACC-004", "/duties/os-patching");
	assert_non_null(strstr(f->title, "42 days ago"));
	/* restore 22 days ago; alert rule enabled; review exactly 90 days */
	assert_int_equal(fx_count(&fx, "OV-ACC-004",
	    "/duties/backup-validation"), 0);
	assert_int_equal(fx_count(&fx, "OV-ACC-004", "/duties/monitoring"), 0);
	assert_int_equal(fx_count(&fx, "OV-ACC-004",
	    "/duties/identity-review"), 0);
	f = fx_get(&fx, "OV-ACC-004", "/duties/governance-reporting");
	assert_non_null(strstr(f->title, "No evidence"));
	assert_int_equal(fx_count(&fx, "OV-ACC-004", NULL), 2);

	fx_get(&fx, "OV-ACC-005", "/duties/incident-response");
	fx_get(&fx, "OV-ACC-006", "/parties/csp");
	assert_int_equal(fx_count(&fx, "OV-ACC-006", NULL), 1);
	fx_close(&fx);
}

static void
test_default_contract(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	assert_int_equal(fx_run(&fx, "accountability"), 0);
	f = fx_get(&fx, "OV-ACC-009", NULL);
	assert_int_equal(f->state, OV_STATE_INDETERMINATE);
	assert_int_equal(ov_findings_count(fx.out), 1);
	fx_close(&fx);
}

static const ov_contract_answer *
answer(const ov_scan_result *chk, const char *id)
{
	size_t i;

	for (i = 0; i < ov_scan_n_answers(chk); i++)
		if (strcmp(ov_scan_answer(chk, i)->id, id) == 0)
			return ov_scan_answer(chk, i);
	fail_msg("no answer %s", id);
	abort();
}

static bool
has_line(const char *const *v, size_t n, const char *frag)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strstr(v[i], frag) != NULL)
			return true;
	return false;
}

static void
test_check(void **state)
{
	struct fx fx;
	ov_scan_options so = OV_SCAN_OPTIONS_INIT;
	ov_scan_result *chk = NULL, *scan = NULL;
	const ov_contract_answer *a;
	size_t i;

	(void)state;
	fx_open(&fx);
	fx_file(&fx, "accountability.ndjson");
	fx_contract(&fx, contract);
	ov_ctx_set_now(fx.ctx, fx.now);
	so.contract = fx.contract;
	/* A scan first, then the same pipeline with the questions on. */
	assert_int_equal(ov_scan_run(&scan, fx.ctx, fx.snap, &so), 0);
	assert_int_equal(ov_scan_n_answers(scan), 0);
	so.questions = true;
	assert_int_equal(ov_scan_run(&chk, fx.ctx, fx.snap, &so), 0);
	assert_int_equal(ov_scan_n_answers(chk), 8);
	assert_null(ov_scan_answer(chk, 8));
	assert_true(ov_findings_count(ov_scan_findings(chk)) > 0);
	/* contract check gives the findings a scan gives. */
	assert_int_equal(ov_findings_count(ov_scan_findings(chk)),
	    ov_findings_count(ov_scan_findings(scan)));
	for (i = 0; i < ov_findings_count(ov_scan_findings(scan)); i++) {
		const ov_finding *x = ov_findings_get(ov_scan_findings(scan),
		    i), *y = ov_findings_get(ov_scan_findings(chk), i);

		assert_string_equal(x->rule, y->rule);
		assert_string_equal(x->resource_id, y->resource_id);
		assert_int_equal(x->severity, y->severity);
		assert_int_equal(x->due, y->due);
	}
	/* The fixed clock stays the caller's. */
	assert_int_equal(ov_ctx_now(fx.ctx), fx.now);
	assert_int_equal(ov_scan_now(chk), fx.now);

	a = answer(chk, "Q1");
	assert_non_null(strstr(a->answer, "Example CSP (csp) does it"));
	assert_non_null(strstr(a->answer, "critical 14d"));
	assert_int_equal(a->status, OV_ANSWER_PARTIAL);
	assert_true(has_line(a->gaps, a->n_gaps, "last performed 42 days"));

	a = answer(chk, "Q5");	/* restore evidence, nobody signs off */
	assert_true(has_line(a->evidence, a->n_evidence,
	    "newest successful restore job: 2026-10-10"));
	assert_true(has_line(a->gaps, a->n_gaps, "sign off"));
	assert_int_equal(a->status, OV_ANSWER_PARTIAL);

	a = answer(chk, "Q6");	/* governance-reporting: nobody does it */
	assert_int_equal(a->status, OV_ANSWER_GAP);
	assert_true(has_line(a->gaps, a->n_gaps, "nobody responsible"));

	a = answer(chk, "Q7");	/* the CSP has no pager */
	assert_true(has_line(a->gaps, a->n_gaps, "no pager"));
	assert_non_null(strstr(a->answer, "Example CSP"));

	a = answer(chk, "Q8");
	assert_int_equal(a->status, OV_ANSWER_GAP);
	assert_string_equal(ov_answer_status_name(a->status), "gap");
	ov_scan_result_free(chk);
	ov_scan_result_free(scan);
	fx_close(&fx);
}

/* The example contract is complete: no accountability holes. */
static void
test_example_contract(void **state)
{
	struct fx fx;
	char path[4096];
	ov_contract *c = NULL;

	(void)state;
	fx_open(&fx);
	snprintf(path, sizeof(path), "%s/examples/contract.yaml",
	    ov_test_srcdir());
	assert_int_equal(ov_contract_load_file(&c, fx.ctx, path), 0);
	fx.contract = c;
	assert_int_equal(fx_run(&fx, "accountability"), 0);
	assert_int_equal(fx_count(&fx, "OV-ACC-001", NULL), 0);
	assert_int_equal(fx_count(&fx, "OV-ACC-002", NULL), 0);
	assert_int_equal(fx_count(&fx, "OV-ACC-003", NULL), 0);
	assert_int_equal(fx_count(&fx, "OV-ACC-005", NULL), 0);
	assert_int_equal(fx_count(&fx, "OV-ACC-006", NULL), 0);
	fx_close(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duties),
		cmocka_unit_test(test_default_contract),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_example_contract),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
