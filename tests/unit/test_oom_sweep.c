/* SPDX-License-Identifier: MIT */
/*
 * Allocation-failure sweeps: fail the 1st, 2nd, ... allocation of an
 * operation in turn (ov__alloc_fail_after) until one run needs no more
 * than were allowed.  Every failing run must return an error, never
 * crash, and leak nothing (the sanitizer build checks leaks at exit);
 * the run that completes must give the normal result.
 *
 * Operations: loading a snapshot directory (manifest, NDJSON, Resource
 * Graph, Graph collection, a duplicate key), compiling and evaluating a
 * policy set, a scan, and recording scans in the store with a listing and
 * a diff.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#include "overvisor/policy.h"
#include "overvisor/scan.h"
#include "overvisor/snapshot.h"
#include "overvisor/store.h"
#include "util/alloc.h"

#define MAX_STEPS 200000	/* a sweep that never completes fails */

static char dir[] = "/tmp/ov-oom-XXXXXX";	/* the snapshot */
static char defdir[] = "/tmp/ov-oom-def-XXXXXX"; /* the policy files */

static const char manifest[] =
    "{\"schema\":\"overvisor-snapshot/1\",\"tenantId\":\"t1\","
    "\"collectedAt\":\"2026-11-01T06:00:00Z\",\"sources\":["
    "{\"name\":\"arg:resources\",\"status\":\"collected\",\"count\":2,"
    "\"files\":[\"arg-resources.ndjson\"]},"
    "{\"name\":\"graph:servicePrincipals\",\"status\":\"partial\","
    "\"files\":[\"sps.json\"],\"type\":\"Microsoft.Graph/servicePrincipals\"}"
    "]}";

#define ST "/subscriptions/00000000-0000-0000-0000-000000000001/" \
	"resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/"

static const char ndjson[] =
    "{\"id\":\"" ST "st1\",\"name\":\"st1\",\"type\":\"microsoft.storage/"
    "storageaccounts\",\"location\":\"uksouth\",\"tags\":{\"env\":\"prod\"},"
    "\"properties\":{\"allowBlobPublicAccess\":false,"
    "\"allowBlobPublicAccess\":true,\"supportsHttpsTrafficOnly\":true,"
    "\"minimumTlsVersion\":\"TLS1_0\",\"primaryKey\":\"s3cret\"}}\n"
    "{\"id\":\"" ST "st2\",\"name\":\"st2\",\"type\":\"microsoft.storage/"
    "storageaccounts\",\"location\":\"uksouth\",\"properties\":{"
    "\"allowBlobPublicAccess\":false,\"supportsHttpsTrafficOnly\":true}}\n"
    "not json\n";

static const char arg[] =
    "{\"totalRecords\":1,\"count\":1,\"data\":[{\"id\":\"/subscriptions/"
    "00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/"
    "Microsoft.KeyVault/vaults/kv1\",\"name\":\"kv1\",\"type\":"
    "\"microsoft.keyvault/vaults\",\"location\":\"uksouth\","
    "\"properties\":{\"enablePurgeProtection\":false}}]}";

static const char sps[] =
    "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#"
    "servicePrincipals\",\"value\":[{\"id\":\"11111111-2222-3333-4444-"
    "555555555555\",\"displayName\":\"sp\",\"passwordCredentials\":[{"
    "\"keyId\":\"k\",\"secretText\":\"s3cret\",\"endDateTime\":"
    "\"2020-01-01T00:00:00Z\"}]}]}";

static const char definition[] =
    "{\"properties\":{\"displayName\":\"public blobs\",\"mode\":\"All\","
    "\"metadata\":{\"overvisor\":{\"id\":\"OV-OOM-001\",\"severity\":"
    "\"high\"}},\"parameters\":{\"effect\":{\"type\":\"String\","
    "\"defaultValue\":\"Audit\"}},\"policyRule\":{\"if\":{\"allOf\":["
    "{\"field\":\"type\",\"equals\":\"Microsoft.Storage/storageAccounts\"},"
    "{\"anyOf\":[{\"field\":\"Microsoft.Storage/storageAccounts/"
    "allowBlobPublicAccess\",\"equals\":true},{\"field\":\"tags['env']\","
    "\"in\":[\"dev\",\"test\"]},{\"value\":\"[concat('a', "
    "parameters('effect'))]\",\"equals\":\"aDeny\"}]}]},\"then\":{"
    "\"effect\":\"[parameters('effect')]\"}}}}";

static const char aliases[] =
    "[{\"namespace\":\"Microsoft.Storage\",\"resourceTypes\":[{"
    "\"resourceType\":\"storageAccounts\",\"aliases\":[{\"name\":"
    "\"Microsoft.Storage/storageAccounts/allowBlobPublicAccess\","
    "\"defaultPath\":\"properties.allowBlobPublicAccess\",\"paths\":[]}]}]}]";

static void
put2(const char *d, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", d, name);
	assert_non_null(f = fopen(path, "w"));
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void
put(const char *name, const char *text)
{
	put2(dir, name, text);
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	put("manifest.json", manifest);
	put("arg-resources.ndjson", ndjson);
	put("kv.json", arg);
	put("sps.json", sps);
	if (mkdtemp(defdir) == NULL)
		return -1;
	put2(defdir, "def.json", definition);
	put2(defdir, "aliases.json", aliases);
	return 0;
}

static int
teardown(void **state)
{
	static const char *const names[] = { "manifest.json",
	    "arg-resources.ndjson", "kv.json", "sps.json" };
	char path[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/def.json", defdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/aliases.json", defdir);
	unlink(path);
	rmdir(defdir);
	rmdir(dir);
	return 0;
}

/* Load the snapshot directory; 0 and the loaded snapshot, or an error. */
static int
load(ov_ctx *ctx, ov_snapshot **out)
{
	ov_snapshot *s = NULL;
	int error;

	*out = NULL;
	if ((error = ov_snapshot_new(&s, ctx)) < 0)
		return error;
	if ((error = ov_snapshot_load(s, dir, 0)) < 0 ||
	    (error = ov_snapshot_index(s)) < 0) {
		ov_snapshot_free(s);
		return error;
	}
	*out = s;
	return 0;
}

/*
 * One sweep: step k fails allocation k of op; op returns 0 (the right
 * result), a negative error code, or 1 for a result that is wrong (which
 * fails the test: a failure must never pass for an answer).  Stops at the
 * first step whose run completed within its budget.
 */
typedef int (*op_fn)(ov_ctx *ctx);

static void
sweep(const char *what, op_fn op)
{
	ov_ctx *ctx = NULL;
	long k, used;
	int rc;

	for (k = 0; k < MAX_STEPS; k++) {
		assert_int_equal(ov_ctx_new(&ctx), 0);
		ov_ctx_set_now(ctx, 1793512800);
		ov__alloc_fail_after(k);
		rc = op(ctx);
		used = ov__alloc_fail_after(-1);
		ov_ctx_free(ctx);
		if (rc > 0)	/* a result, but a wrong one */
			fail_msg("%s: step %ld gave a wrong result (%d)",
			    what, k, rc);
		if (used <= k) {	/* no allocation failed: the real run */
			if (rc != 0)
				fail_msg("%s: failed with no injected failure "
				    "(%d)", what, rc);
			printf("%s: %ld allocations, each failed in turn\n",
			    what, used);
			return;
		}
		if (rc == 0)
			continue;	/* a failure handled and retried */
		if (rc != OV_ENOMEM && rc != OV_ERROR && rc != OV_ESTORE &&
		    rc != OV_EIO && rc != OV_EINVALID)
			fail_msg("%s: step %ld returned %d", what, k, rc);
	}
	fail_msg("%s: did not complete in %d steps", what, MAX_STEPS);
}

static int
op_load(ov_ctx *ctx)
{
	ov_snapshot *s = NULL;
	int error;

	/* four records, the bad line an error, the duplicate key a warning */
	if ((error = load(ctx, &s)) == 0 && (ov_snapshot_count(s) != 4 ||
	    ov_snapshot_n_errors(s) != 1 || ov_snapshot_n_warnings(s) != 1))
		error = 1;
	ov_snapshot_free(s);
	return error;
}

static int
op_policy(ov_ctx *ctx)
{
	char path[256];
	ov_policy_set *set = NULL;
	ov_snapshot *snap = NULL;
	ov_findings *out = NULL;
	int error;

	snprintf(path, sizeof(path), "%s/aliases.json", defdir);
	if ((error = ov_policy_set_new(&set, ctx)) < 0 ||
	    (error = ov_policy_set_load_aliases(set, path)) < 0)
		goto done;
	snprintf(path, sizeof(path), "%s/def.json", defdir);
	if ((error = ov_policy_set_add_file(set, path)) < 0 ||
	    (error = ov_policy_set_compile(set)) < 0)
		goto done;
	if ((error = load(ctx, &snap)) < 0 ||
	    (error = ov_findings_new(&out)) < 0)
		goto done;
	if ((error = ov_policy_findings(set, snap, out, 0)) < 0)
		goto done;
	/* the public account (the last duplicate wins), never the other */
	if (ov_findings_count(out) != 1 || strstr(ov_findings_get(out,
	    0)->resource_id, "/st1") == NULL)
		error = 1;
done:
	ov_findings_free(out);
	ov_snapshot_free(snap);
	ov_policy_set_free(set);
	return error;
}

static int
op_scan(ov_ctx *ctx)
{
	ov_scan_options o = OV_SCAN_OPTIONS_INIT;
	ov_scan_result *r = NULL;
	ov_snapshot *snap = NULL;
	const char *paths[1];
	char path[256];
	int error;

	snprintf(path, sizeof(path), "%s/def.json", defdir);
	paths[0] = path;
	o.no_rules = true;
	o.policy_paths = paths;
	o.n_policy_paths = 1;
	o.analyzers = (const char *const[]){ "identity", "network" };
	o.n_analyzers = 2;
	o.data_dir = ov_test_srcdir();
	o.aliases_path = NULL;
	if ((error = load(ctx, &snap)) < 0)
		return error;
	{
		char apath[256];

		snprintf(apath, sizeof(apath), "%s/aliases.json", defdir);
		o.aliases_path = apath;
		error = ov_scan_run(&r, ctx, snap, &o);
	}
	/* the public account, and the expired client secret (identity) */
	if (error == 0) {
		const ov_findings *l = ov_scan_findings(r);
		bool stg = false, iam = false;
		size_t i;

		for (i = 0; i < ov_findings_count(l); i++) {
			const ov_finding *f = ov_findings_get(l, i);

			stg |= strcmp(f->rule, "OV-OOM-001") == 0;
			iam |= strcmp(f->rule, "OV-IAM-061") == 0;
		}
		if (!stg || !iam)
			error = 1;
	}
	ov_scan_result_free(r);
	ov_snapshot_free(snap);
	return error;
}

static int
count_row(const ov_store_finding *f, void *payload)
{
	(void)f;
	(*(size_t *)payload)++;
	return 0;
}

static int
op_store(ov_ctx *ctx)
{
	size_t n_listed = 0;
	char db[256], wal[300];
	ov_store *s = NULL;
	ov_snapshot *snap = NULL;
	ov_findings *l = NULL;
	ov_finding f;
	ov_evidence ev = { "properties.primaryKey", "\"s3cret\"", "m" };
	int64_t id1 = 0, id2 = 0;
	int error;

	snprintf(db, sizeof(db), "%s/store.db", dir);
	unlink(db);
	if ((error = load(ctx, &snap)) < 0)
		goto done;
	if ((error = ov_findings_new(&l)) < 0 ||
	    (error = ov_findings_set_tenant(l, "t1")) < 0)
		goto done;
	memset(&f, 0, sizeof(f));
	f.rule = "OV-OOM-001";
	f.title = "t";
	f.state = OV_STATE_NON_COMPLIANT;
	f.resource_id = ST "st1";
	f.resource_type = "Microsoft.Storage/storageAccounts";
	f.source = "policy";
	f.evidence = &ev;
	f.n_evidence = 1;
	if ((error = ov_findings_add(l, &f)) < 0)
		goto done;
	if ((error = ov_store_open(&s, ctx, db, OV_STORE_MIGRATE)) < 0 ||
	    (error = ov_store_record_snapshot(s, snap, l, NULL, "1",
	    &id1)) < 0)
		goto done;
	ov_findings_free(l);
	l = NULL;
	if ((error = ov_findings_new(&l)) < 0 ||
	    (error = ov_store_record_snapshot(s, snap, l, NULL, "1",
	    &id2)) < 0 ||
	    (error = ov_store_findings_list(s, NULL, count_row,
	    &n_listed)) < 0)
		goto done;
	/* the one finding stays tracked: st1 is still in the snapshot */
	if (n_listed != 1)
		error = 1;
done:
	ov_store_close(s);
	ov_findings_free(l);
	ov_snapshot_free(snap);
	unlink(db);
	snprintf(wal, sizeof(wal), "%s-wal", db);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", db);
	unlink(wal);
	return error;
}

static void
test_load(void **state)
{
	(void)state;
	sweep("snapshot load", op_load);
}

static void
test_policy(void **state)
{
	(void)state;
	sweep("policy compile and evaluate", op_policy);
}

static void
test_scan(void **state)
{
	(void)state;
	sweep("scan", op_scan);
}

static void
test_store(void **state)
{
	(void)state;
	sweep("store record and list", op_store);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_store),
	};

	/* OV_SWEEP=test_load runs one sweep (when chasing a failure) */
	if (getenv("OV_SWEEP") != NULL)
		cmocka_set_test_filter(getenv("OV_SWEEP"));
	return cmocka_run_group_tests(tests, setup, teardown);
}
