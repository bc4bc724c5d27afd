/* SPDX-License-Identifier: MIT */
/*
 * ov_scan_verdict(): what a scan proves about a (rule, resource) pair it
 * raised no finding for.  A pass needs the resource in the snapshot and
 * the check to have run over it with the data it needs; anything less is
 * unknown, and a producer that did not run holds every pair.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#include "overvisor/scan.h"
#include "overvisor/snapshot.h"

#define SUB	"/subscriptions/11111111-1111-1111-1111-111111111111/" \
		"resourceGroups/rg-fx/providers/"
#define SUB3	"/subscriptions/33333333-3333-3333-3333-333333333333/"
#define ST_OK	SUB "Microsoft.Storage/storageAccounts/stok"
#define ST_BAD	SUB "Microsoft.Storage/storageAccounts/stbad"
#define ST_BARE	SUB "Microsoft.Storage/storageAccounts/stbare"

static const char storage[] =
    "{\"id\":\"" ST_OK "\",\"type\":\"Microsoft.Storage/storageAccounts\","
    "\"name\":\"stok\",\"location\":\"uksouth\",\"properties\":{"
    "\"allowBlobPublicAccess\":false,\"supportsHttpsTrafficOnly\":true}}\n"
    "{\"id\":\"" ST_BAD "\",\"type\":\"Microsoft.Storage/storageAccounts\","
    "\"name\":\"stbad\",\"location\":\"uksouth\",\"properties\":{"
    "\"allowBlobPublicAccess\":true,\"supportsHttpsTrafficOnly\":true}}\n"
    "{\"id\":\"" ST_BARE "\",\"type\":\"Microsoft.Storage/storageAccounts\","
    "\"name\":\"stbare\",\"location\":\"uksouth\"}\n";

struct run {
	ov_ctx		*ctx;
	ov_snapshot	*snap;
	ov_scan_result	*res;
};

static void
load_fixture(struct run *r, const char *file)
{
	char path[4096];
	size_t len;
	char *data;

	snprintf(path, sizeof(path), "%s/tests/fixtures/duties/%s",
	    ov_test_srcdir(), file);
	if ((data = ov_test_read(path, &len)) == NULL)
		fail_msg("cannot read %s", path);
	assert_int_equal(ov_snapshot_load_buffer(r->snap, file, data, len,
	    0), 0);
	free(data);
}

static void
run_scan(struct run *r, const ov_scan_options *o)
{
	char data[4096];

	memset(r, 0, sizeof(*r));
	assert_int_equal(ov_ctx_new(&r->ctx), 0);
	ov_ctx_set_now(r->ctx, 1793512800);	/* 2026-11-01T06:00:00Z */
	assert_int_equal(ov_snapshot_new(&r->snap, r->ctx), 0);
	load_fixture(r, "patch.ndjson");
	load_fixture(r, "defender.ndjson");
	assert_int_equal(ov_snapshot_load_buffer(r->snap, "storage.ndjson",
	    storage, strlen(storage), 0), 0);
	assert_int_equal(ov_snapshot_n_errors(r->snap), 0);
	snprintf(data, sizeof(data), "%s", ov_test_srcdir());
	{
		ov_scan_options so = *o;

		so.data_dir = data;
		assert_int_equal(ov_scan_run(&r->res, r->ctx, r->snap, &so),
		    0);
	}
}

static void
done(struct run *r)
{
	ov_scan_result_free(r->res);
	ov_snapshot_free(r->snap);
	ov_ctx_free(r->ctx);
}

static void
test_policy_rules(void **state)
{
	ov_scan_options o = OV_SCAN_OPTIONS_INIT;
	struct run r;

	(void)state;
	o.no_analyzers = true;
	run_scan(&r, &o);
	/* present, evaluated, passes */
	assert_int_equal(ov_scan_verdict(r.res, "OV-STG-003", "policy",
	    ST_OK), OV_VERDICT_PASSED);
	/* ids compare case-insensitively */
	assert_int_equal(ov_scan_verdict(r.res, "ov-stg-003", "policy",
	    "/SUBSCRIPTIONS/11111111-1111-1111-1111-111111111111/"
	    "resourcegroups/rg-fx/providers/microsoft.storage/"
	    "storageaccounts/STOK"), OV_VERDICT_PASSED);
	/* still failing: never a pass */
	assert_int_equal(ov_scan_verdict(r.res, "OV-STG-003", "policy",
	    ST_BAD), OV_VERDICT_UNKNOWN);
	/* no properties: indeterminate, never a pass */
	assert_int_equal(ov_scan_verdict(r.res, "OV-STG-003", "policy",
	    ST_BARE), OV_VERDICT_UNKNOWN);
	/* absent from the scan: only a complete source can tell */
	assert_int_equal(ov_scan_verdict(r.res, "OV-STG-003", "policy",
	    SUB "Microsoft.Storage/storageAccounts/gone"), OV_VERDICT_UNKNOWN);
	/* a rule that does not exist never ran */
	assert_int_equal(ov_scan_verdict(r.res, "OV-NOPE-001", "policy",
	    ST_OK), OV_VERDICT_UNKNOWN);
	/* the analyzers did not run: their findings are held */
	assert_int_equal(ov_scan_verdict(r.res, "OV-PATCH-003", "patch",
	    SUB "Microsoft.Compute/virtualMachines/vm-fresh"),
	    OV_VERDICT_HOLD);
	done(&r);
}

static void
test_no_rules_holds(void **state)
{
	ov_scan_options o = OV_SCAN_OPTIONS_INIT;
	struct run r;

	(void)state;
	o.no_rules = true;
	run_scan(&r, &o);
	assert_int_equal(ov_scan_verdict(r.res, "OV-STG-003", "policy",
	    ST_OK), OV_VERDICT_HOLD);
	done(&r);
}

/* A definition of our own, mapped to no framework control. */
static const char custom[] =
    "{\"properties\":{\"displayName\":\"HTTPS only\",\"mode\":\"All\","
    "\"metadata\":{\"overvisor\":{\"id\":\"OV-TST-900\","
    "\"severity\":\"low\"}},\"policyRule\":{\"if\":{\"allOf\":["
    "{\"field\":\"type\",\"equals\":"
    "\"Microsoft.Storage/storageAccounts\"},"
    "{\"field\":\"Microsoft.Storage/storageAccounts/"
    "supportsHttpsTrafficOnly\",\"equals\":false}]},"
    "\"then\":{\"effect\":\"audit\"}}}}";

static void
test_framework_holds(void **state)
{
	ov_scan_options o = OV_SCAN_OPTIONS_INIT;
	char path[] = "/tmp/ov-verdict-XXXXXX";
	const char *paths[1];
	struct run r;
	FILE *f;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	assert_int_equal(fputs(custom, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	paths[0] = path;
	o.no_analyzers = true;
	o.policy_paths = paths;
	o.n_policy_paths = 1;
	run_scan(&r, &o);
	/* without a framework the custom rule ran and passed */
	assert_int_equal(ov_scan_verdict(r.res, "OV-TST-900", "policy",
	    ST_OK), OV_VERDICT_PASSED);
	done(&r);
	o.framework = "cis-azure-3.0.0";
	run_scan(&r, &o);
	/* STG-003 maps to CIS 3.0.0 4.6 and is reported */
	assert_int_equal(ov_scan_verdict(r.res, "OV-STG-003", "policy",
	    ST_OK), OV_VERDICT_PASSED);
	/* the custom rule is outside the framework: filtered, so held */
	assert_int_equal(ov_scan_verdict(r.res, "OV-TST-900", "policy",
	    ST_OK), OV_VERDICT_HOLD);
	done(&r);
	unlink(path);
}

static void
test_analyzers(void **state)
{
	ov_scan_options o = OV_SCAN_OPTIONS_INIT;
	struct run r;

	(void)state;
	o.no_rules = true;
	run_scan(&r, &o);
	/* a fresh assessment: no stale-assessment finding, a pass */
	assert_int_equal(ov_scan_verdict(r.res, "OV-PATCH-003", "patch",
	    SUB "Microsoft.Compute/virtualMachines/vm-fresh"),
	    OV_VERDICT_PASSED);
	/* no assessment at all: the freshness is unknown, not passed */
	assert_int_equal(ov_scan_verdict(r.res, "OV-PATCH-003", "patch",
	    SUB "Microsoft.Compute/virtualMachines/vm-noassess"),
	    OV_VERDICT_UNKNOWN);
	assert_int_equal(ov_scan_verdict(r.res, "OV-PATCH-001", "patch",
	    SUB "Microsoft.Compute/virtualMachines/vm-noassess"),
	    OV_VERDICT_UNKNOWN);
	/* a healthy Defender assessment passes the triage SLA check */
	assert_int_equal(ov_scan_verdict(r.res, "OV-DEF-053", "defender",
	    SUB3 "resourceGroups/rg-app/providers/Microsoft.Compute/"
	    "virtualMachines/vm-b/providers/Microsoft.Security/assessments/"
	    "a-healthy"), OV_VERDICT_PASSED);
	/* one without dates cannot be judged overdue */
	assert_int_equal(ov_scan_verdict(r.res, "OV-DEF-053", "defender",
	    SUB3 "resourceGroups/rg-app/providers/Microsoft.Compute/"
	    "virtualMachines/vm-a/providers/Microsoft.Security/assessments/"
	    "a-nosev"), OV_VERDICT_UNKNOWN);
	/* a check that declared nothing proves nothing */
	assert_int_equal(ov_scan_verdict(r.res, "OV-BKP-056", "backup",
	    SUB "Microsoft.Compute/virtualMachines/vm-fresh"),
	    OV_VERDICT_UNKNOWN);
	done(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_rules),
		cmocka_unit_test(test_no_rules_holds),
		cmocka_unit_test(test_framework_holds),
		cmocka_unit_test(test_analyzers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
