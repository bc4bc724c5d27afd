/* SPDX-License-Identifier: MIT */
/*
 * The analyzers' check table (data/analyzers/checks.json, compiled in):
 * it loads; every finding an analyzer writes takes its title of record,
 * severity, state, duty, layer, remediation and source from its row (the
 * data may change only what the row says depends on it); and the duty
 * plumbing refuses an unknown check or a value the row fixes; and every
 * check maps to NIST SP 800-53 controls that the framework catalogues
 * (data/frameworks/, from tools/gen_frameworks.c) list it under, and to
 * no control they do not.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "overvisor/raci.h"
#include "overvisor/rules.h"
#include "overvisor/scan.h"
#include "overvisor/snapshot.h"
#include "lib/analyzers/duty.h"
#include "lib/model/model.h"
#include "lib/rules/checks.h"

static void
test_table(void **state)
{
	const ov_check_info *c, *prev = NULL;
	size_t i;

	(void)state;
	assert_null(ov_rules__checks_error());
	assert_true(ov_checks_count() >= 50);
	for (i = 0; (c = ov_checks_get(i)) != NULL; i++) {
		if (prev != NULL)
			assert_true(strcmp(prev->id, c->id) < 0);
		assert_ptr_equal(ov_checks_find(c->id), c);
		assert_non_null(ov_rules__check(c->id));
		prev = c;
	}
	assert_int_equal(i, ov_checks_count());
	assert_non_null(ov_checks_find("ov-patch-001"));
	assert_null(ov_checks_find("OV-PATCH-999"));
	assert_null(ov_checks_get(i));
}

/* Every analyzer finding of a scan agrees with its row. */
static void
check_findings(const ov_findings *fs, size_t *seen_rows)
{
	const ov_finding *f;
	size_t i, n = 0;

	for (i = 0; (f = ov_findings_get(fs, i)) != NULL; i++) {
		const struct ov_check *c = ov_rules__check(f->rule);

		if (f->source != NULL && strcmp(f->source, "policy") == 0)
			continue;
		if (c == NULL)
			fail_msg("%s (%s) has no row", f->rule, f->source);
		n++;
		assert_string_equal(f->source, c->info.analyzer);
		assert_string_equal(f->remediation, c->info.remediation);
		assert_non_null(f->title);
		assert_non_null(f->duty);
		if (!c->duty_varies)
			assert_string_equal(f->duty, c->info.duty);
		if (!c->layer_varies)
			assert_int_equal(f->layer, c->layer);
		assert_int_not_equal(f->layer, OV_LAYER_UNKNOWN);
		if (!c->severity_varies)
			assert_int_equal(f->severity, c->severity);
		if (!c->state_varies && f->state != OV_STATE_EXEMPT)
			assert_int_equal(f->state, c->state);
		seen_rows[c - ov_rules__check(ov_checks_get(0)->id)] = 1;
	}
	assert_true(n > 0);
}

static void
scan(const char *input, const char *baseline, size_t *seen)
{
	ov_scan_options so = OV_SCAN_OPTIONS_INIT;
	ov_snapshot *snap = NULL, *base = NULL;
	ov_scan_result *r = NULL;
	ov_ctx *ctx = NULL;
	char contract[4096];

	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_int_equal(ov_snapshot_new(&snap, ctx), 0);
	assert_int_equal(ov_snapshot_load(snap, ov_test_path(ov_test_srcdir(),
	    input), 0), 0);
	if (baseline != NULL) {
		assert_int_equal(ov_snapshot_new(&base, ctx), 0);
		assert_int_equal(ov_snapshot_load(base, ov_test_path(
		    ov_test_srcdir(), baseline), 0), 0);
		so.baseline = base;
	}
	snprintf(contract, sizeof(contract), "%s/examples/contract.yaml",
	    ov_test_srcdir());
	so.data_dir = ov_test_srcdir();
	so.contract_path = contract;
	so.no_rules = true;
	if (ov_scan_run(&r, ctx, snap, &so) != 0)
		fail_msg("scan of %s: %s", input,
		    ov_error_last(ctx)->message);
	check_findings(ov_scan_findings(r), seen);
	ov_scan_result_free(r);
	/* Without a contract: the accountability analyzer's coverage. */
	so.contract_path = NULL;
	assert_int_equal(ov_scan_run(&r, ctx, snap, &so), 0);
	check_findings(ov_scan_findings(r), seen);
	ov_scan_result_free(r);
	ov_snapshot_free(base);
	ov_snapshot_free(snap);
	ov_ctx_free(ctx);
}

static void
test_findings_follow_rows(void **state)
{
	size_t *seen = calloc(ov_checks_count(),	/* checksrc: allow */
	    sizeof(*seen));
	size_t i, n = 0;

	(void)state;
	assert_non_null(seen);
	scan("examples/estate", NULL, seen);
	scan("tests/fixtures/duties", NULL, seen);
	scan("tests/fixtures/network/drift-current.ndjson",
	    "tests/fixtures/network/drift-baseline.ndjson", seen);
	scan("tests/fixtures/network/estate.ndjson", NULL, seen);
	for (i = 0; i < ov_checks_count(); i++)
		n += seen[i];
	/* Most checks fire on the bundled data; the rest have unit tests. */
	assert_true(n >= ov_checks_count() * 3 / 4);
	free(seen);	/* checksrc: allow */
}

/* The duty plumbing enforces the row. */
static void
test_duty_enforces_rows(void **state)
{
	struct ov_analyzer_ctx actx;
	struct ov_duty_finding df;
	ov_findings *out = NULL;
	ov_ctx *ctx = NULL;

	(void)state;
	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_int_equal(ov_findings_new(&out), 0);
	memset(&actx, 0, sizeof(actx));
	actx.ctx = ctx;
	actx.out = out;
	actx.now = 1800000000;
	/* A row whose severity depends on the data takes the data's. */
	ov_duty__begin(&df, &actx, "OV-PATCH-001", NULL);
	df.f.resource_id = "/x/vm";
	ov_duty__severity(&df, OV_SEV_CRITICAL);
	assert_int_equal(ov_duty__emit(&df, 0), 0);
	assert_int_equal(ov_findings_get(out, 0)->severity, OV_SEV_CRITICAL);
	assert_string_equal(ov_findings_get(out, 0)->title,
	    ov_checks_find("OV-PATCH-001")->title);
	assert_string_equal(ov_findings_get(out, 0)->source, "patch");
	/* A fixed severity cannot be changed. */
	ov_duty__begin(&df, &actx, "OV-PATCH-005", NULL);
	df.f.resource_id = "/x/vm";
	ov_duty__severity(&df, OV_SEV_CRITICAL);
	assert_int_equal(ov_duty__emit(&df, 0), OV_EINVALID);
	assert_int_equal(ov_error_last(ctx)->klass, OV_ERRCLASS_INTERNAL);
	/* Nor a fixed duty or layer. */
	ov_duty__begin(&df, &actx, "OV-PATCH-005", NULL);
	df.f.resource_id = "/x/vm";
	ov_duty__duty(&df, "monitoring");
	assert_int_equal(ov_duty__emit(&df, 0), OV_EINVALID);
	ov_duty__begin(&df, &actx, "OV-PATCH-005", NULL);
	df.f.resource_id = "/x/vm";
	ov_duty__layer(&df, OV_LAYER_APPLICATIONS);
	assert_int_equal(ov_duty__emit(&df, 0), OV_EINVALID);
	/* A check missing from the table is a bug, not a finding. */
	ov_duty__begin(&df, &actx, "OV-PATCH-999", NULL);
	df.f.resource_id = "/x/vm";
	assert_int_equal(ov_duty__emit(&df, 0), OV_EINVALID);
	assert_non_null(strstr(ov_error_last(ctx)->message, "OV-PATCH-999"));
	assert_int_equal(ov_findings_count(out), 1);
	/* Coverage findings take everything but what is missing. */
	assert_int_equal(ov_duty__coverage(&actx, "OV-BKP-059", "no jobs"), 0);
	assert_int_equal(ov_findings_get(out, 1)->state,
	    OV_STATE_INDETERMINATE);
	assert_string_equal(ov_findings_get(out, 1)->duty,
	    "backup-validation");
	assert_non_null(strstr(ov_findings_get(out, 1)->title, "no jobs"));
	ov_findings_free(out);
	ov_ctx_free(ctx);
}

static const char *const frameworks[] = { "cis-azure-2.0.0",
    "cis-azure-3.0.0", "nist-800-53-r5", "fedramp-high", "fedramp-moderate",
    "hipaa-hitrust", "pci-dss-4.0", "iso-27001-2013", "iso-27001-2022",
    "soc-2" };
#define N_FRAMEWORKS	(sizeof(frameworks) / sizeof(frameworks[0]))

/* Does the row of check c name control id? */
static bool
names(const ov_check_info *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->n_controls; i++)
		if (strcmp(c->controls[i], id) == 0)
			return true;
	return false;
}

/*
 * Every check has controls, at least one of NIST SP 800-53; each control
 * a row names is in a catalogue that lists the check back, and each
 * catalogue control listing a check is named by its row.
 */
static void
test_controls(void **state)
{
	size_t *found = calloc(ov_checks_count(),	/* checksrc: allow */
	    sizeof(*found));
	const ov_check_info *c;
	ov_ctx *ctx = NULL;
	size_t i, j, k, bad = 0;

	(void)state;
	assert_non_null(found);
	assert_int_equal(ov_ctx_new(&ctx), 0);
	for (i = 0; (c = ov_checks_get(i)) != NULL; i++) {
		bool nist = false;

		for (j = 0; j < c->n_controls; j++)
			nist |= strncmp(c->controls[j], "NIST-800-53:", 12) == 0;
		if (!nist) {
			fprintf(stderr, "%s maps to no NIST SP 800-53 control\n",
			    c->id);
			bad++;
		}
	}
	for (k = 0; k < N_FRAMEWORKS; k++) {
		ov_framework *fw = NULL;
		ov_compliance *view = NULL;

		assert_int_equal(ov_framework_load(&fw, ctx, ov_test_srcdir(),
		    frameworks[k]), 0);
		assert_int_equal(ov_framework_compliance(fw, NULL, 0, &view),
		    0);
		for (i = 0; i < view->n_controls; i++) {
			const ov_control_result *cr = &view->controls[i];

			for (j = 0; j < cr->n_rules; j++) {
				const ov_check_info *ci =
				    ov_checks_find(cr->rules[j]);

				if (ci == NULL)
					continue;	/* a rule */
				found[ov_rules__check(ci->id) -
				    ov_rules__check(ov_checks_get(0)->id)]++;
				if (!names(ci, cr->id)) {
					fprintf(stderr, "%s lists %s, whose row "
					    "does not name it\n", cr->id,
					    ci->id);
					bad++;
				}
			}
		}
		ov_compliance_free(view);
		ov_framework_free(fw);
	}
	/* Every control a row names was found listing the check. */
	for (i = 0; (c = ov_checks_get(i)) != NULL; i++)
		if (found[i] != c->n_controls) {
			fprintf(stderr, "%s names %zu controls; the catalogues "
			    "list it under %zu (run tools/gen_frameworks)\n",
			    c->id, c->n_controls, found[i]);
			bad++;
		}
	assert_int_equal(bad, 0);
	free(found);	/* checksrc: allow */
	ov_ctx_free(ctx);
}

/* Peer checks are named "<tool>:<id>" for a tool data/peers knows. */
static void
test_peers_named(void **state)
{
	static const char *const tools[] = { "prowler:", "prowler-m365:",
	    "checkov:", "psrule:" };
	const ov_check_info *c;
	size_t i, j, k, n = 0;

	(void)state;
	for (i = 0; (c = ov_checks_get(i)) != NULL; i++)
		for (j = 0; j < c->n_peers; j++) {
			bool ok = false;

			for (k = 0; k < sizeof(tools) / sizeof(tools[0]); k++)
				ok |= strncmp(c->peers[j], tools[k],
				    strlen(tools[k])) == 0 &&
				    c->peers[j][strlen(tools[k])] != '\0';
			if (!ok)
				fail_msg("%s: bad peer '%s'", c->id,
				    c->peers[j]);
			n++;
		}
	assert_true(n >= 20);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_peers_named),
		cmocka_unit_test(test_findings_follow_rows),
		cmocka_unit_test(test_duty_enforces_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
