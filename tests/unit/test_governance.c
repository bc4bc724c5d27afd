/* SPDX-License-Identifier: MIT */
/*
 * The monthly governance report.  From a store: finding episodes, SLA
 * met/breached/pending at the boundaries, time to remediate (mean and the
 * nearest-rank 90th percentile), the overdue list, the daily trend and the
 * period's edges, each checked against figures worked out by hand from the
 * scans below.  The writers: byte-for-byte goldens of the Markdown and
 * HTML of a fixed report (OV_UPDATE_GOLDEN=1 rewrites them), and the page
 * is self-contained.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/governance.h"
#include "overvisor/report.h"
#include "test_store_fixture.h"

static bool use_pg;

/*
 * 2025-01 from scans at T0 + d days (T0 is 2025-01-01T00:00Z).
 *   F1 nsg-review, due day 3: seen days 0-1, gone day 2 (met, 2 d)
 *   F2 nsg-review, due day 3: seen days 0-4, gone day 5 (breached, 5 d)
 *   F3 os-patching, due day 40: open all month (not due)
 *   F4 os-patching, due day 6 exactly when the day 6 scan resolves it (met)
 *   F5 nsg-review, due day 12, seen from day 10 on (breached, overdue)
 *   F1 again from day 20, due day 22, gone day 25 (reopened, breached)
 *   F6 os-patching, no due date: the default SLA (high: 30 d) from day 8
 */
#define JAN_END (T0 + 31 * DAY)

static void
month(ov_store *s)
{
	static const int days[] = { 0, 1, 2, 4, 5, 6, 8, 10, 20, 22, 25, 30 };
	size_t i;

	for (i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		int d = days[i];
		int64_t at = T0 + d * DAY;
		ov_scan_record m = scan_meta(at, "collected");
		ov_findings *l = new_list("tenant-1");
		ov_finding f;

		memset(&f, 0, sizeof(f));
		f.title = "t";
		f.state = OV_STATE_NON_COMPLIANT;
		f.resource_type = "Microsoft.Network/networkSecurityGroups";
		f.owner = OV_OWNER_CUSTOMER;
		f.source = "test";
		f.accountable = "Customer IT";
		f.severity = OV_SEV_HIGH;
		f.duty = "nsg-review";
		f.responsible = "CSP";
		if (d <= 1 || (d >= 20 && d < 25)) {
			f.rule = "OV-F1";
			f.resource_id = "/r/1";
			f.due = d <= 1 ? T0 + 3 * DAY : T0 + 22 * DAY;
			assert_int_equal(ov_findings_add(l, &f), 0);
		}
		if (d <= 4) {
			f.rule = "OV-F2";
			f.resource_id = "/r/2";
			f.due = T0 + 3 * DAY;
			assert_int_equal(ov_findings_add(l, &f), 0);
		}
		if (d >= 10) {
			f.rule = "OV-F5";
			f.resource_id = "/r/5";
			f.due = T0 + 12 * DAY;
			assert_int_equal(ov_findings_add(l, &f), 0);
		}
		f.duty = "os-patching";
		f.responsible = "MSP";
		f.rule = "OV-F3";
		f.resource_id = "/r/3";
		f.due = T0 + 40 * DAY;
		assert_int_equal(ov_findings_add(l, &f), 0);
		if (d < 6) {
			f.rule = "OV-F4";
			f.resource_id = "/r/4";
			f.due = T0 + 6 * DAY;
			assert_int_equal(ov_findings_add(l, &f), 0);
		}
		if (d >= 8) {
			f.rule = "OV-F6";
			f.resource_id = "/r/6";
			f.due = 0;
			assert_int_equal(ov_findings_add(l, &f), 0);
		}
		assert_int_equal(ov_store_record_scan(s, &m, l, NULL, NULL,
		    NULL), 0);
		ov_findings_free(l);
	}
}

static const ov_governance_duty *
duty(const ov_governance *g, const char *party, const char *name)
{
	size_t i;

	for (i = 0; i < g->n_duties; i++)
		if (strcmp(g->duties[i].responsible, party) == 0 &&
		    strcmp(g->duties[i].duty, name) == 0)
			return &g->duties[i];
	fail_msg("no row for %s / %s", party, name);
	__builtin_unreachable();	/* fail_msg does not return */
}

static void
test_episodes(void **state)
{
	ov_governance_options o = OV_GOVERNANCE_OPTIONS_INIT;
	ov_governance *g = NULL;
	const ov_governance_duty *d;
	struct fixture fx;
	ov_store *s;
	size_t i, resolved = 0, opened = 0, reopened = 0;

	(void)state;
	fixture_init(&fx, use_pg);
	s = fixture_open(&fx);
	month(s);
	o.from = T0;
	o.to = JAN_END;
	o.label = "2025-01";
	ov_ctx_set_now(fx.ctx, T0 + 60 * DAY);	/* a past month */
	assert_int_equal(ov_store_governance(s, &o, &g), 0);
	assert_string_equal(g->tenant, "tenant-1");
	assert_int_equal(g->as_of, JAN_END);
	assert_int_equal(g->n_scans, 12);
	assert_int_equal(g->n_days, 31);
	/* nsg-review: F1 met, F2 breached, F5 breached, F1 again breached */
	d = duty(g, "CSP", "nsg-review");
	assert_int_equal(d->due, 4);
	assert_int_equal(d->met, 1);
	assert_int_equal(d->breached, 3);
	assert_int_equal(d->pending, 0);
	assert_int_equal(d->accountable != NULL, 1);
	/* resolved in the month: F1 (2 d), F2 (5 d), F1 again (5 d) */
	assert_int_equal(d->resolved, 3);
	assert_int_equal(d->mttr, 4 * DAY);
	assert_int_equal(d->p90, 5 * DAY);
	assert_int_equal(d->open_end, 1);
	assert_int_equal(d->overdue_end, 1);
	/* os-patching: F4 met at its due instant; F3 due in February; F6
	 * due day 8 + 30 d (the default for high), in February */
	d = duty(g, "MSP", "os-patching");
	assert_int_equal(d->due, 1);
	assert_int_equal(d->met, 1);
	assert_int_equal(d->breached, 0);
	assert_int_equal(d->resolved, 1);
	assert_int_equal(d->mttr, 6 * DAY);
	assert_int_equal(d->open_end, 2);
	assert_int_equal(d->overdue_end, 0);
	/* totals */
	assert_int_equal(g->due, 5);
	assert_int_equal(g->met, 2);
	assert_int_equal(g->breached, 3);
	assert_int_equal(g->opened, 6);
	assert_int_equal(g->reopened, 1);
	assert_int_equal(g->resolved, 4);
	assert_int_equal(g->open_start, 0);
	assert_int_equal(g->open_end, 3);
	/* (2 + 5 + 6 + 5) / 4 days; the 90th percentile is the 4th of 4 */
	assert_int_equal(g->mttr, 18 * DAY / 4);
	assert_int_equal(g->p90, 6 * DAY);
	/* overdue: F5, due day 12, 19 days late at the end of the month */
	assert_int_equal(g->n_overdue, 1);
	assert_string_equal(g->overdue[0].rule, "OV-F5");
	assert_int_equal(g->overdue[0].days_late, 19);
	assert_string_equal(g->overdue[0].responsible, "CSP");
	/* the trend */
	for (i = 0; i < g->n_days; i++) {
		opened += g->days[i].opened;
		reopened += g->days[i].reopened;
		resolved += g->days[i].resolved;
	}
	assert_int_equal(opened, 6);
	assert_int_equal(reopened, 1);
	assert_int_equal(resolved, 4);
	assert_true(g->days[0].scanned && !g->days[3].scanned);
	assert_int_equal(g->days[0].open, 4);	/* F1 F2 F3 F4 */
	assert_int_equal(g->days[2].open, 3);	/* F1 resolved day 2 */
	assert_int_equal(g->days[30].open, 3);	/* F3 F5 F6 */
	assert_int_equal(g->days[20].reopened, 1);
	ov_governance_free(g);
	g = NULL;

	/* Mid-month, the figures are as of now: F5 is not due yet on the
	 * 11th, and what falls due after now is pending. */
	ov_ctx_set_now(fx.ctx, T0 + 11 * DAY);
	assert_int_equal(ov_store_governance(s, &o, &g), 0);
	assert_int_equal(g->as_of, T0 + 11 * DAY);
	d = duty(g, "CSP", "nsg-review");
	assert_int_equal(d->met, 1);
	assert_int_equal(d->breached, 1);	/* F2 */
	assert_int_equal(d->pending, 2);	/* F5, F1 again */
	assert_int_equal(g->n_overdue, 0);
	ov_governance_free(g);
	g = NULL;

	/* A month without scans is an error, as is a bad period. */
	o.from = T0 - 31 * DAY;
	o.to = T0;
	assert_int_equal(ov_store_governance(s, &o, &g), OV_ENOTFOUND);
	assert_null(g);
	o.to = o.from;
	assert_int_equal(ov_store_governance(s, &o, &g), OV_EINVALID);
	ov_store_close(s);
	fixture_done(&fx);
}

/* Two tenants: one must be named. */
static void
test_tenants(void **state)
{
	ov_governance_options o = OV_GOVERNANCE_OPTIONS_INIT;
	ov_governance *g = NULL;
	ov_scan_record m = scan_meta(T0, "collected");
	struct fixture fx;
	ov_findings *l;
	ov_store *s;

	(void)state;
	fixture_init(&fx, use_pg);
	s = fixture_open(&fx);
	l = new_list("tenant-1");
	assert_int_equal(ov_store_record_scan(s, &m, l, NULL, NULL, NULL), 0);
	m.tenant = "tenant-2";
	assert_int_equal(ov_store_record_scan(s, &m, l, NULL, NULL, NULL), 0);
	ov_findings_free(l);
	o.from = T0;
	o.to = JAN_END;
	assert_int_equal(ov_store_governance(s, &o, &g), OV_EINVALID);
	o.tenant = "tenant-2";
	assert_int_equal(ov_store_governance(s, &o, &g), 0);
	assert_string_equal(g->tenant, "tenant-2");
	assert_int_equal(g->n_scans, 1);
	assert_int_equal(g->due, 0);
	ov_governance_free(g);
	ov_store_close(s);
	fixture_done(&fx);
}

/* ------------------------------------------------------------------ */
/* The writers, on a fixed report. */

static const ov_governance_duty gx_duties[] = {
	{ "nsg-review", "Harbourline <CSP>", "Customer IT", DAY, 3 * DAY,
	  10, 7, 2, 1, 12, 9, 2 * DAY, 4 * DAY, 3, 1 },
	{ "os-patching", "Harbourline <CSP>", "Customer IT", 14 * DAY,
	  14 * DAY, 4, 4, 0, 0, 5, 6, 3 * DAY + 3600, 6 * DAY, 1, 0 },
	{ "defender-triage", "Kestrel | SOC", NULL, DAY, 7 * DAY, 6, 1, 5, 0,
	  2, 1, 20 * DAY, 20 * DAY, 9, 7 },
};

static ov_governance_day gx_days[30];

static const ov_governance_overdue gx_overdue[] = {
	{ "0123456789abcdef0123456789abcdef", "OV-DEF-054",
	  "Alert 'brute force' open past triage", "/subscriptions/s/"
	  "resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/"
	  "providers/Microsoft.Security/assessments/guid-1", "defender-triage",
	  "Kestrel | SOC", NULL, OV_SEV_HIGH, 0, 0, 12 },
	{ "fedcba9876543210fedcba9876543210", "OV-NET-002",
	  "NSG allows RDP from the internet", "/subscriptions/s/resourceGroups/"
	  "rg/providers/Microsoft.Network/networkSecurityGroups/nsg-a",
	  "nsg-review", "Harbourline <CSP>", "Customer IT", OV_SEV_CRITICAL,
	  0, 0, 3 },
};

static const ov_governance_exception gx_exc[] = {
	{ "exceptions.yaml", "OV-VM-014", "/subscriptions/*/disks/*",
	  "Lab disks are rebuilt weekly", "it@example", "CHG-1", 0, false,
	  true },
	{ "azure-policy-exemption", "/providers/Microsoft.Authorization/"
	  "policyAssignments/a", "/x/policyExemptions/e", "Waiver", NULL,
	  "exempt-e", 0, true, false },
	{ "exceptions.yaml", "OV-NET-*", "*", "Quiet", "a@example", "CHG-2", 0,
	  false, false },
};

static const ov_governance_restore gx_restores[] = {
	{ "rsv-a", "vm-1", "Completed", 0, 2 * 3600, true, true },
	{ "rsv-b", "vm-2", "Failed", 0, 600, false, false },
};

static const ov_governance_vault gx_vaults[] = {
	{ "rsv-a", 10, 9, 0, 2 * 3600, true, true },
	{ "rsv-b", 4, 4, 0, 0, false, false },
};

static const ov_governance_policy gx_policies[] = {
	{ "Baseline", "kvPurgeProtection", "Audit", true, true },
	{ "Storage", "404c3081", "Deny", true, true },
	{ "Old", "x", "deny", false, false },
	{ "Other", "y", NULL, true, false },
};

static const ov_governance_answer gx_answers[] = {
	{ "Q1", "Who patches?", "os-patching", "partial", "CSP does it",
	  "12 machines\n3 assessments", "2 machines past the SLA" },
	{ "Q8", "Which frameworks?", "governance-reporting", "answered",
	  "ISO <27001> & HIPAA", "listed in the contract", NULL },
};

static void
gx_fill(ov_governance *g)
{
	size_t i;

	memset(g, 0, sizeof(*g));
	g->tenant = "tenant-<1>";
	g->label = "2025-01";
	g->tool_version = "0.1.0-test";
	g->from = T0;
	g->to = T0 + 30 * DAY;
	g->as_of = g->to;
	g->n_scans = 20;
	g->n_complete = 19;
	g->first_scan = T0 + 6 * 3600;
	g->last_scan = T0 + 29 * DAY + 6 * 3600;
	for (i = 0; i < 30; i++) {
		gx_days[i].day = T0 + (int64_t)i * DAY;
		gx_days[i].scanned = i % 7 != 5 && i % 7 != 6;
		gx_days[i].opened = i == 0 ? 120 : i % 3;
		gx_days[i].resolved = i % 4 == 1 ? 2 : 0;
		gx_days[i].reopened = i == 9 ? 1 : 0;
		gx_days[i].open = 120 + i / 2;
	}
	g->days = gx_days;
	g->n_days = 30;
	g->duties = gx_duties;
	g->n_duties = 3;
	g->opened = 140;
	g->reopened = 1;
	g->resolved = 16;
	g->open_start = 0;
	g->open_end = 13;
	g->overdue_end = 8;
	g->due = 20;
	g->met = 12;
	g->breached = 7;
	g->pending = 1;
	g->mttr = 5 * DAY + 3 * 3600;
	g->p90 = 20 * DAY;
	g->overdue = gx_overdue;
	g->n_overdue = 2;
	g->exceptions = gx_exc;
	g->n_exceptions = 3;
	g->restores = gx_restores;
	g->n_restores = 2;
	g->vaults = gx_vaults;
	g->n_vaults = 2;
	g->rpo = DAY;
	g->rto = 4 * 3600;
	g->restore_window = 90 * DAY;
	g->policies = gx_policies;
	g->n_policies = 4;
	g->answers = gx_answers;
	g->n_answers = 2;
}

static char *
write_gov(ov_governance_format fmt, size_t *len)
{
	ov_governance g;
	char *buf = NULL;
	FILE *f;

	gx_fill(&g);
	f = open_memstream(&buf, len);
	assert_non_null(f);
	assert_int_equal(ov_governance_write(f, fmt, &g, 0), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void
golden(ov_governance_format fmt, const char *name)
{
	char path[4096], *got, *want;
	const char *update = getenv("OV_UPDATE_GOLDEN");
	size_t glen, wlen, i;

	snprintf(path, sizeof(path), "%s/tests/golden/report/%s",
	    ov_test_srcdir(), name);
	got = write_gov(fmt, &glen);
	if (update != NULL && strcmp(update, "1") == 0) {
		FILE *f = fopen(path, "wb");

		assert_non_null(f);
		assert_int_equal(fwrite(got, 1, glen, f), glen);
		assert_int_equal(fclose(f), 0);
	}
	if ((want = ov_test_read(path, &wlen)) == NULL)
		fail_msg("missing golden %s (run with OV_UPDATE_GOLDEN=1)",
		    path);
	for (i = 0; i < glen && i < wlen && got[i] == want[i]; i++)
		;
	if (i != glen || i != wlen)
		fail_msg("%s differs from the golden at byte %zu", name, i);
	free(got);
	free(want);
}

static void
test_golden(void **state)
{
	(void)state;
	golden(OV_GOVERNANCE_MARKDOWN, "governance.md");
	golden(OV_GOVERNANCE_HTML, "governance.html");
}

static void
test_html_page(void **state)
{
	size_t len;
	char *out;

	(void)state;
	out = write_gov(OV_GOVERNANCE_HTML, &len);
	assert_null(strstr(out, "<script"));
	assert_null(strstr(out, "src="));
	assert_null(strstr(out, "href=\"h"));
	assert_null(strstr(out, "@import"));
	assert_non_null(strstr(out, "@page{size:A4"));
	assert_non_null(strstr(out, "<h2>Executive summary</h2>"));
	assert_non_null(strstr(out, "ISO &lt;27001&gt; &amp; HIPAA"));
	assert_non_null(strstr(out, "Harbourline &lt;CSP&gt;"));
	assert_null(strstr(out, "<CSP>"));
	/* 12 of 19 decided: 63% */
	assert_non_null(strstr(out, "<b>63%</b><span>SLA adherence"));
	/* the outlier day is cut and labelled, not flattening the rest */
	assert_non_null(strstr(out, ">120</text>"));
	/* the extension resource is named by the machine it is about */
	assert_non_null(strstr(out, " &middot; vm1</span>"));
	free(out);
	out = write_gov(OV_GOVERNANCE_MARKDOWN, &len);
	/* pipes in names are escaped so tables stay tables */
	assert_non_null(strstr(out, "| Kestrel \\| SOC |"));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest store[] = {
		cmocka_unit_test(test_episodes),
		cmocka_unit_test(test_tenants),
	};
	const struct CMUnitTest writers[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_html_page),
	};
	const char *pg = getenv("OVERVISOR_TEST_PG");
	int failed;

	use_pg = false;
	failed = cmocka_run_group_tests_name("governance/sqlite", store, NULL,
	    NULL);
	if (pg != NULL && *pg != '\0') {
		use_pg = true;
		failed += cmocka_run_group_tests_name("governance/postgresql",
		    store, NULL, NULL);
	}
	failed += cmocka_run_group_tests_name("governance/writers", writers,
	    NULL, NULL);
	return failed != 0;
}
