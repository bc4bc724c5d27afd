/* SPDX-License-Identifier: MIT */
/*
 * The finding list: names and their parsers, fingerprints pinned to values
 * computed independently (sha256 of "rule\0id\0tenant" with the openssl
 * command line tool, first 32 hex digits), deep copies, validation, the
 * deterministic and stable sort, tenant changes, pointer stability and
 * allocation failures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "overvisor/finding.h"
#include "util/alloc.h"

static void
test_names(void **state)
{
	static const char *const sev[] = {
		"info", "low", "medium", "high", "critical"
	};
	static const char *const layers[] = {
		"information-and-data", "devices", "accounts-and-identities",
		"identity-and-directory-infrastructure", "applications",
		"network-controls", "operating-system", "physical-hosts",
		"physical-network", "physical-datacenter"
	};
	static const char *const owners[] = {
		"customer", "microsoft", "shared"
	};
	static const char *const states[] = {
		"compliant", "non-compliant", "not-applicable", "exempt",
		"indeterminate", "error"
	};
	ov_severity s;
	ov_layer l;
	ov_owner o;
	ov_state st;
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++) {
		assert_string_equal(ov_severity_name((ov_severity)i), sev[i]);
		assert_int_equal(ov_severity_parse(sev[i], &s), 0);
		assert_int_equal(s, (ov_severity)i);
	}
	for (i = 0; i < 10; i++) {
		assert_string_equal(ov_layer_name((ov_layer)(i + 1)),
		    layers[i]);
		assert_int_equal(ov_layer_parse(layers[i], &l), 0);
		assert_int_equal(l, (ov_layer)(i + 1));
	}
	for (i = 0; i < 3; i++) {
		assert_string_equal(ov_owner_name((ov_owner)(i + 1)),
		    owners[i]);
		assert_int_equal(ov_owner_parse(owners[i], &o), 0);
		assert_int_equal(o, (ov_owner)(i + 1));
	}
	for (i = 0; i < 6; i++) {
		assert_string_equal(ov_state_name((ov_state)i), states[i]);
		assert_int_equal(ov_state_parse(states[i], &st), 0);
		assert_int_equal(st, (ov_state)i);
	}
	assert_string_equal(ov_layer_name(OV_LAYER_UNKNOWN), "unknown");
	assert_string_equal(ov_owner_name(OV_OWNER_UNKNOWN), "unknown");
	assert_string_equal(ov_layer_name(OV_LAYER__COUNT), "unknown");
	assert_string_equal(ov_severity_name((ov_severity)99), "unknown");
	assert_string_equal(ov_state_name((ov_state)-1), "unknown");
	/* "unknown" is a name for output, not an input. */
	assert_int_equal(ov_layer_parse("unknown", &l), OV_EINVALID);
	assert_int_equal(ov_owner_parse("unknown", &o), OV_EINVALID);
	assert_int_equal(ov_severity_parse("High", &s), OV_EINVALID);
	assert_int_equal(ov_severity_parse("", &s), OV_EINVALID);
	assert_int_equal(ov_severity_parse(NULL, &s), OV_EINVALID);
	assert_int_equal(ov_state_parse("noncompliant", &st), OV_EINVALID);
	assert_int_equal(ov_layer_parse("network", &l), OV_EINVALID);
}

static void
test_fingerprint_pinned(void **state)
{
	char fp[33];

	(void)state;
	ov_fingerprint("OV-STG-001", "/subscriptions/abc/resourcegroups/rg/"
	    "providers/microsoft.storage/storageaccounts/st1", "tenant-1", fp);
	assert_string_equal(fp, "a53a2d4f007ec29404d618e859258ea3");
	/* The resource id is case-folded before hashing. */
	ov_fingerprint("OV-STG-001", "/Subscriptions/ABC/resourceGroups/RG/"
	    "providers/Microsoft.Storage/storageAccounts/St1", "tenant-1", fp);
	assert_string_equal(fp, "a53a2d4f007ec29404d618e859258ea3");
	ov_fingerprint("OV-NET-004", "", "", fp);
	assert_string_equal(fp, "023e61d1a2d39c4f28b4e35a7a494abe");
	ov_fingerprint(NULL, NULL, NULL, fp);
	assert_string_equal(fp, "96a296d224f285c67bee93c30f8a3091");
	/* Non-ASCII bytes are hashed as they are. */
	ov_fingerprint("OV-IDN-001", "/tenants/t/users/zo\xc3\xab@x",
	    "00000000-0000-0000-0000-000000000001", fp);
	assert_string_equal(fp, "ee0ace37de51533b993d07ab008a98af");
}

static void
test_fingerprint_sensitivity(void **state)
{
	char a[33], b[33];
	char longid[1000];

	(void)state;
	/* Rule and tenant are not folded; field boundaries matter. */
	ov_fingerprint("OV-STG-001", "/x", "t", a);
	ov_fingerprint("ov-stg-001", "/x", "t", b);
	assert_string_not_equal(a, b);
	ov_fingerprint("OV-STG-001", "/x", "T", b);
	assert_string_not_equal(a, b);
	ov_fingerprint("ab", "c", "", a);
	ov_fingerprint("a", "bc", "", b);
	assert_string_not_equal(a, b);
	/* Ids longer than the folding chunk fold as a whole. */
	memset(longid, 'A', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	ov_fingerprint("R", longid, "t", a);
	memset(longid, 'a', sizeof(longid) - 1);
	ov_fingerprint("R", longid, "t", b);
	assert_string_equal(a, b);
	longid[700] = 'b';
	ov_fingerprint("R", longid, "t", b);
	assert_string_not_equal(a, b);
}

static ov_finding
basic(const char *rule, ov_severity sev, const char *id)
{
	ov_finding f;

	memset(&f, 0, sizeof(f));
	f.rule = rule;
	f.title = "title";
	f.severity = sev;
	f.state = OV_STATE_NON_COMPLIANT;
	f.resource_id = id;
	return f;
}

static void
test_deep_copy(void **state)
{
	ov_findings *l = NULL;
	char rule[] = "OV-A-001", id[] = "/x/Y", path[] = "p.q", val[] = "1";
	char c1[] = "CIS 1", msg[] = "m";
	const char *controls[] = { c1, NULL };
	ov_evidence ev = { path, val, msg };
	ov_finding f = basic(rule, OV_SEV_LOW, id);
	const ov_finding *g;
	char want[33];

	(void)state;
	f.controls = controls;
	f.n_controls = 2;
	f.evidence = &ev;
	f.n_evidence = 1;
	f.due = 1715299200;
	f.line = 3;
	assert_int_equal(ov_findings_new(&l), 0);
	assert_int_equal(ov_findings_set_tenant(l, "ten"), 0);
	assert_int_equal(ov_findings_add(l, &f), 0);
	/* Scribble over everything the caller owned. */
	memset(rule, 'z', sizeof(rule) - 1);
	memset(id, 'z', sizeof(id) - 1);
	memset(path, 'z', sizeof(path) - 1);
	memset(c1, 'z', sizeof(c1) - 1);
	ev.value = NULL;
	controls[0] = "other";
	g = ov_findings_get(l, 0);
	assert_string_equal(g->rule, "OV-A-001");
	assert_string_equal(g->resource_id, "/x/Y");
	assert_int_equal(g->n_controls, 2);
	assert_string_equal(g->controls[0], "CIS 1");
	assert_string_equal(g->controls[1], "");	/* NULL control */
	assert_string_equal(g->evidence[0].path, "p.q");
	assert_string_equal(g->evidence[0].value, "1");
	assert_null(g->resource_type);
	assert_int_equal(g->due, 1715299200);
	assert_int_equal(g->line, 3);
	ov_fingerprint("OV-A-001", "/x/y", "ten", want);
	assert_string_equal(g->fingerprint, want);
	assert_null(ov_findings_get(l, 1));
	assert_int_equal(ov_findings_count(l), 1);
	assert_int_equal(ov_findings_count(NULL), 0);
	ov_findings_free(l);
	ov_findings_free(NULL);
}

static void
test_validation(void **state)
{
	ov_findings *l = NULL;
	ov_finding f;

	(void)state;
	assert_int_equal(ov_findings_new(&l), 0);
	f = basic(NULL, OV_SEV_LOW, "/x");
	assert_int_equal(ov_findings_add(l, &f), OV_EINVALID);
	f = basic("R", OV_SEV_LOW, NULL);
	assert_int_equal(ov_findings_add(l, &f), OV_EINVALID);
	f = basic("R", OV_SEV_LOW, "/x");
	f.title = NULL;
	assert_int_equal(ov_findings_add(l, &f), OV_EINVALID);
	f = basic("R", (ov_severity)5, "/x");
	assert_int_equal(ov_findings_add(l, &f), OV_EINVALID);
	f = basic("R", OV_SEV_LOW, "/x");
	f.layer = OV_LAYER__COUNT;
	assert_int_equal(ov_findings_add(l, &f), OV_EINVALID);
	f = basic("R", OV_SEV_LOW, "/x");
	f.n_evidence = 1;
	assert_int_equal(ov_findings_add(l, &f), OV_EINVALID);
	assert_int_equal(ov_findings_count(l), 0);
	f = basic("R", OV_SEV_LOW, "/x");
	assert_int_equal(ov_findings_add(l, &f), 0);
	assert_int_equal(ov_findings_count(l), 1);
	ov_findings_free(l);
}

/* Given fingerprints stay; derived ones follow the tenant. */
static void
test_tenant_change(void **state)
{
	ov_findings *l = NULL;
	ov_finding f = basic("R", OV_SEV_LOW, "/X");
	const ov_finding *a, *b;
	char want[33];

	(void)state;
	assert_int_equal(ov_findings_new(&l), 0);
	assert_int_equal(ov_findings_add(l, &f), 0);
	f.fingerprint = "ffffffffffffffffffffffffffffffff";
	assert_int_equal(ov_findings_add(l, &f), 0);
	a = ov_findings_get(l, 0);
	b = ov_findings_get(l, 1);
	ov_fingerprint("R", "/x", NULL, want);
	assert_string_equal(a->fingerprint, want);
	assert_int_equal(ov_findings_set_tenant(l, "t2"), 0);
	ov_fingerprint("R", "/x", "t2", want);
	assert_string_equal(a->fingerprint, want);
	assert_string_equal(b->fingerprint, "ffffffffffffffffffffffffffffffff");
	assert_int_equal(ov_findings_set_tenant(l, NULL), 0);
	ov_fingerprint("R", "/x", "", want);
	assert_string_equal(a->fingerprint, want);
	ov_findings_free(l);
}

static void
test_sort_order(void **state)
{
	ov_findings *l = NULL;
	ov_finding f;
	ov_evidence e1 = { "b", NULL, NULL }, e2 = { "a", NULL, NULL };
	const char *order[8];
	size_t i;

	(void)state;
	assert_int_equal(ov_findings_new(&l), 0);
	f = basic("OV-B", OV_SEV_LOW, "/b");
	f.title = "1";
	ov_findings_add(l, &f);
	f = basic("OV-A", OV_SEV_LOW, "/B");
	f.title = "2";
	ov_findings_add(l, &f);
	f = basic("OV-A", OV_SEV_CRITICAL, "/z");
	f.title = "3";
	ov_findings_add(l, &f);
	f = basic("OV-A", OV_SEV_LOW, "/A");
	f.title = "4";
	f.evidence = &e1;
	f.n_evidence = 1;
	ov_findings_add(l, &f);
	f = basic("OV-A", OV_SEV_LOW, "/a");
	f.title = "5";
	f.evidence = &e2;
	f.n_evidence = 1;
	ov_findings_add(l, &f);
	/* Same keys as 2: insertion order decides (stable). */
	f = basic("OV-A", OV_SEV_LOW, "/B");
	f.title = "6";
	ov_findings_add(l, &f);
	f = basic("OV-A", OV_SEV_INFO, "/a");
	f.title = "7";
	ov_findings_add(l, &f);
	ov_findings_sort(l);
	for (i = 0; i < 7; i++)
		order[i] = ov_findings_get(l, i)->title;
	/*
	 * critical; then OV-A low by id case-insensitively: /A and /a tie,
	 * so evidence path a (5) beats b (4) though "/A" < "/a" bytewise;
	 * the two /B in insertion order; then OV-B; info last.
	 */
	assert_string_equal(order[0], "3");
	assert_string_equal(order[1], "5");
	assert_string_equal(order[2], "4");
	assert_string_equal(order[3], "2");
	assert_string_equal(order[4], "6");
	assert_string_equal(order[5], "1");
	assert_string_equal(order[6], "7");
	/* Sorting again changes nothing. */
	ov_findings_sort(l);
	for (i = 0; i < 7; i++)
		assert_string_equal(ov_findings_get(l, i)->title, order[i]);
	ov_findings_free(l);
}

/* Any insertion order of distinct findings sorts to the same sequence. */
static void
test_sort_determinism(void **state)
{
	const size_t n = 300;
	char ids[300][32], first[300][33];
	size_t perm[300], i, round;
	uint32_t s = 12345;

	(void)state;
	for (i = 0; i < n; i++) {
		snprintf(ids[i], sizeof(ids[i]), "/r/%c%zu",
		    i % 2 ? 'X' : 'x', i % 37);
		perm[i] = i;
	}
	for (round = 0; round < 5; round++) {
		ov_findings *l = NULL;

		for (i = n - 1; i > 0; i--) {
			size_t j, t;

			s ^= s << 13;
			s ^= s >> 17;
			s ^= s << 5;
			j = s % (i + 1);
			t = perm[i];
			perm[i] = perm[j];
			perm[j] = t;
		}
		assert_int_equal(ov_findings_new(&l), 0);
		for (i = 0; i < n; i++) {
			size_t k = perm[i];
			ov_finding f = basic(k % 3 ? "OV-A" : "OV-B",
			    (ov_severity)(k % 5), ids[k]);
			char rule[16];

			/* Make every finding distinct by rule. */
			snprintf(rule, sizeof(rule), "OV-%03zu", k);
			f.rule = rule;
			assert_int_equal(ov_findings_add(l, &f), 0);
		}
		ov_findings_sort(l);
		for (i = 0; i < n; i++) {
			const ov_finding *f = ov_findings_get(l, i);

			if (round == 0)
				memcpy(first[i], f->fingerprint, 33);
			else
				assert_string_equal(f->fingerprint, first[i]);
			if (i > 0)
				assert_true(ov_findings_get(l, i - 1)->severity
				    >= f->severity);
		}
		ov_findings_free(l);
	}
}

/* Pointers handed out survive later additions and sorts. */
static void
test_pointer_stability(void **state)
{
	ov_findings *l = NULL;
	const ov_finding *first;
	char id[32];
	size_t i;

	(void)state;
	assert_int_equal(ov_findings_new(&l), 0);
	for (i = 0; i < 1000; i++) {
		ov_finding f = basic("R", (ov_severity)(i % 5), id);

		snprintf(id, sizeof(id), "/id/%zu", i);
		assert_int_equal(ov_findings_add(l, &f), 0);
	}
	first = ov_findings_get(l, 0);
	ov_findings_sort(l);
	assert_string_equal(first->resource_id, "/id/0");
	assert_int_equal(ov_findings_count(l), 1000);
	ov_findings_free(l);
}

/* Every allocation failure is reported and leaks nothing. */
static void
test_oom(void **state)
{
	ov_evidence ev = { "p", "1", "m" };
	const char *controls[] = { "c" };
	long k;
	bool done = false;

	(void)state;
	for (k = 0; !done && k < 200; k++) {
		ov_findings *l = NULL;
		ov_finding f = basic("R", OV_SEV_LOW, "/x");
		int rc;

		f.evidence = &ev;
		f.n_evidence = 1;
		f.controls = controls;
		f.n_controls = 1;
		f.remediation = "r";
		ov__alloc_fail_after(k);
		rc = ov_findings_new(&l);
		if (rc == 0)
			rc = ov_findings_set_tenant(l, "t");
		if (rc == 0)
			rc = ov_findings_add(l, &f);
		ov__alloc_fail_after(-1);
		if (rc == 0) {
			assert_int_equal(ov_findings_count(l), 1);
			done = true;
		} else {
			assert_int_equal(rc, OV_ENOMEM);
			assert_true(l == NULL || ov_findings_count(l) == 0);
		}
		ov_findings_free(l);
	}
	assert_true(done);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_fingerprint_pinned),
		cmocka_unit_test(test_fingerprint_sensitivity),
		cmocka_unit_test(test_deep_copy),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_tenant_change),
		cmocka_unit_test(test_sort_order),
		cmocka_unit_test(test_sort_determinism),
		cmocka_unit_test(test_pointer_stability),
		cmocka_unit_test(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
