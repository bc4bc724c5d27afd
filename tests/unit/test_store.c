/* SPDX-License-Identifier: MIT */
/*
 * Findings store: lifecycle over a sequence of scans (plant, keep, fix,
 * reintroduce), due dates and SLA breach, partial scans, exceptions that
 * expire, drift and schema migration.  The suite runs on SQLite, and again
 * on PostgreSQL when OVERVISOR_TEST_PG names a reachable server.
 *
 * `test_store --populate FILE` writes a small store for the end-to-end
 * tests of the CLI.
 */
#include "test_store_fixture.h"


static bool use_pg;

#define NSG "/subscriptions/s1/resourceGroups/rg/providers/" \
	"Microsoft.Network/networkSecurityGroups/nsg-web"
#define STG "/subscriptions/s1/resourceGroups/rg/providers/" \
	"Microsoft.Storage/storageAccounts/stgdata"
#define NSG_TYPE "Microsoft.Network/networkSecurityGroups"
#define STG_TYPE "Microsoft.Storage/storageAccounts"

static int64_t
record(ov_store *s, int64_t at, const char *status, ov_findings *l,
    const ov_digest *d, const ov_exceptions *exc)
{
	ov_scan_record m = scan_meta(at, status);
	int64_t id = 0;
	int rc = ov_store_record_scan(s, &m, l, d, exc, &id);

	if (rc != 0)
		fprintf(stderr, "record: %s\n",
		    ov_error_last(fixture_ctx)->message);
	assert_int_equal(rc, 0);
	assert_true(id > 0);
	return id;
}

/* Plant, keep, fix, reintroduce: states, timestamps, due, breach. */
static void
test_lifecycle(void **state)
{
	struct fixture fx;
	ov_store *s;
	ov_findings *with, *without;
	ov_store_filter flt = OV_STORE_FILTER_INIT;
	struct one o;
	int64_t contract_due = T0 + 5 * DAY;

	(void)state;
	fixture_init(&fx, use_pg);
	s = fixture_open(&fx);
	with = new_list("tenant-1");
	add_finding(with, "OV-NET-001", NSG, NSG_TYPE, OV_SEV_HIGH,
	    OV_STATE_NON_COMPLIANT, 0);
	add_finding(with, "OV-STG-001", STG, STG_TYPE, OV_SEV_CRITICAL,
	    OV_STATE_NON_COMPLIANT, contract_due);
	without = new_list("tenant-1");
	add_finding(without, "OV-STG-001", STG, STG_TYPE, OV_SEV_CRITICAL,
	    OV_STATE_NON_COMPLIANT, contract_due);

	/* plant */
	record(s, T0, "collected", with, NULL, NULL);
	o = get_finding(s, "OV-NET-001", NSG);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.state, "new");
	assert_int_equal(o.f.first_seen, T0);
	assert_int_equal(o.f.due, T0 + 30 * DAY);	/* default high SLA */
	assert_false(o.f.breached);
	o = get_finding(s, "OV-STG-001", STG);
	assert_int_equal(o.f.due, contract_due);	/* from the contract */

	/* keep */
	record(s, T0 + DAY, "collected", with, NULL, NULL);
	o = get_finding(s, "OV-NET-001", NSG);
	assert_string_equal(o.state, "open");
	assert_int_equal(o.f.first_seen, T0);
	assert_int_equal(o.f.last_seen, T0 + DAY);

	/* breach: the contract due date passed, still open */
	ov_ctx_set_now(fx.ctx, T0 + 6 * DAY);
	o = get_finding(s, "OV-STG-001", STG);
	assert_true(o.f.breached);
	o = get_finding(s, "OV-NET-001", NSG);
	assert_false(o.f.breached);
	flt.breached = true;
	assert_int_equal(count_findings(s, &flt), 1);

	/* fix */
	record(s, T0 + 2 * DAY, "collected", without, NULL, NULL);
	o = get_finding(s, "OV-NET-001", NSG);
	assert_string_equal(o.state, "resolved");
	assert_int_equal(o.f.resolved_at, T0 + 2 * DAY);
	assert_int_equal(o.f.last_seen, T0 + DAY);
	assert_false(o.f.breached);

	/* reintroduce: reopened, new clock, counted */
	record(s, T0 + 40 * DAY, "collected", with, NULL, NULL);
	o = get_finding(s, "OV-NET-001", NSG);
	assert_string_equal(o.state, "reopened");
	assert_int_equal(o.f.resolved_at, 0);
	assert_int_equal(o.f.reopen_count, 1);
	assert_int_equal(o.f.first_seen, T0);
	assert_int_equal(o.f.due, T0 + 70 * DAY);
	ov_ctx_set_now(fx.ctx, T0 + 71 * DAY);
	o = get_finding(s, "OV-NET-001", NSG);
	assert_true(o.f.breached);

	flt = (ov_store_filter)OV_STORE_FILTER_INIT;
	flt.state = "reopened";
	assert_int_equal(count_findings(s, &flt), 1);
	flt.state = "active";
	assert_int_equal(count_findings(s, &flt), 2);
	flt.state = NULL;
	flt.severity = OV_SEV_CRITICAL;
	assert_int_equal(count_findings(s, &flt), 1);
	flt.severity = -1;
	flt.owner = "CSP-Operator";
	assert_int_equal(count_findings(s, &flt), 2);
	flt.owner = "someone-else";
	assert_int_equal(count_findings(s, &flt), 0);
	flt.owner = NULL;
	flt.since = T0 + DAY;
	assert_int_equal(count_findings(s, &flt), 0);
	flt.state = "bogus";
	assert_int_equal(ov_store_findings_list(s, &flt, count_cb, NULL),
	    OV_EINVALID);

	ov_findings_free(with);
	ov_findings_free(without);
	ov_store_close(s);
	fixture_done(&fx);
}

struct events {
	char	 seq[256];	/* "new,open,..." */
	int	 n;		/* events */
};

static int
event_cb(const ov_store_event *e, void *payload)
{
	struct events *ev = payload;
	size_t len = strlen(ev->seq);

	snprintf(ev->seq + len, sizeof(ev->seq) - len, "%s%s",
	    ev->n ? "," : "", e->to_state);
	ev->n++;
	return 0;
}

/* History records each transition once, in order. */
static void
test_history(void **state)
{
	struct fixture fx;
	ov_store *s;
	ov_findings *with, *without;
	ov_store_finding f;
	struct events ev;
	char fp[33];

	(void)state;
	fixture_init(&fx, use_pg);
	s = fixture_open(&fx);
	with = new_list("tenant-1");
	add_finding(with, "OV-NET-001", NSG, NSG_TYPE, OV_SEV_HIGH,
	    OV_STATE_NON_COMPLIANT, 0);
	without = new_list("tenant-1");
	record(s, T0, "collected", with, NULL, NULL);
	record(s, T0 + DAY, "collected", with, NULL, NULL);
	record(s, T0 + 2 * DAY, "collected", with, NULL, NULL);
	record(s, T0 + 3 * DAY, "collected", without, NULL, NULL);
	record(s, T0 + 4 * DAY, "collected", with, NULL, NULL);
	ov_fingerprint("OV-NET-001", NSG, "tenant-1", fp);
	memset(&ev, 0, sizeof(ev));
	fp[12] = '\0';
	assert_int_equal(ov_store_finding_history(s, fp, &f, event_cb, &ev),
	    0);
	assert_string_equal(ev.seq, "new,open,resolved,reopened");
	assert_string_equal(f.state, "reopened");
	assert_string_equal(f.rule, "OV-NET-001");
	assert_int_equal(ov_store_finding_history(s, "00000000", NULL, NULL,
	    NULL), OV_ENOTFOUND);
	assert_int_equal(ov_store_finding_history(s, "xyz", NULL, NULL,
	    NULL), OV_EINVALID);
	ov_findings_free(with);
	ov_findings_free(without);
	ov_store_close(s);
	fixture_done(&fx);
}

/* A partial, failed or manifest-less scan never resolves anything. */
static void
test_partial_scan(void **state)
{
	struct fixture fx;
	ov_store *s;
	ov_findings *with, *without, *graph;
	struct one o;

	(void)state;
	fixture_init(&fx, use_pg);
	s = fixture_open(&fx);
	with = new_list("tenant-1");
	add_finding(with, "OV-NET-001", NSG, NSG_TYPE, OV_SEV_HIGH,
	    OV_STATE_NON_COMPLIANT, 0);
	add_finding(with, "OV-IAM-001", "graph:user:alice",
	    "Microsoft.Graph/users", OV_SEV_MEDIUM, OV_STATE_NON_COMPLIANT, 0);
	without = new_list("tenant-1");
	graph = new_list("tenant-1");
	add_finding(graph, "OV-NET-001", NSG, NSG_TYPE, OV_SEV_HIGH,
	    OV_STATE_NON_COMPLIANT, 0);
	record(s, T0, "collected", with, NULL, NULL);

	record(s, T0 + DAY, "partial", without, NULL, NULL);
	o = get_finding(s, "OV-NET-001", NSG);
	assert_string_equal(o.state, "new");
	assert_int_equal(o.f.last_seen, T0);
	assert_int_equal(o.f.resolved_at, 0);

	record(s, T0 + 2 * DAY, "failed", without, NULL, NULL);
	record(s, T0 + 3 * DAY, NULL, without, NULL, NULL);	/* no manifest */
	o = get_finding(s, "OV-NET-001", NSG);
	assert_string_equal(o.state, "new");
	/* graph:users was collected in those scans: only that resolves */
	o = get_finding(s, "OV-IAM-001", "graph:user:alice");
	assert_string_equal(o.state, "resolved");
	assert_int_equal(o.f.resolved_at, T0 + DAY);

	/* indeterminate keeps a finding alive in a complete scan */
	ov_findings_free(without);
	without = new_list("tenant-1");
	add_finding(without, "OV-NET-001", NSG, NSG_TYPE, OV_SEV_HIGH,
	    OV_STATE_INDETERMINATE, 0);
	record(s, T0 + 4 * DAY, "collected", without, NULL, NULL);
	o = get_finding(s, "OV-NET-001", NSG);
	assert_string_equal(o.state, "new");
	assert_int_equal(o.f.last_seen, T0);

	ov_findings_free(with);
	ov_findings_free(without);
	ov_findings_free(graph);
	ov_store_close(s);
	fixture_done(&fx);
}

/* A callback decides coverage when given (the snapshot path). */
static bool
only_storage(const char *type, void *payload)
{
	(void)payload;
	return strcmp(type, "microsoft.storage/storageaccounts") == 0;
}

static void
test_coverage_callback(void **state)
{
	struct fixture fx;
	ov_store *s;
	ov_findings *with, *without;
	ov_scan_record m;

	(void)state;
	fixture_init(&fx, use_pg);
	s = fixture_open(&fx);
	with = new_list("tenant-1");
	add_finding(with, "OV-NET-001", NSG, NSG_TYPE, OV_SEV_HIGH,
	    OV_STATE_NON_COMPLIANT, 0);
	add_finding(with, "OV-STG-001", STG, STG_TYPE, OV_SEV_HIGH,
	    OV_STATE_NON_COMPLIANT, 0);
	without = new_list("tenant-1");
	record(s, T0, "collected", with, NULL, NULL);
	m = scan_meta(T0 + DAY, "collected");
	m.type_complete = only_storage;
	assert_int_equal(ov_store_record_scan(s, &m, without, NULL, NULL,
	    NULL), 0);
	assert_string_equal(get_finding(s, "OV-STG-001", STG).state,
	    "resolved");
	assert_string_equal(get_finding(s, "OV-NET-001", NSG).state, "new");
	ov_findings_free(with);
	ov_findings_free(without);
	ov_store_close(s);
	fixture_done(&fx);
}

/* Exception added, expires, finding reopens, OV-ACC finding raised. */
static void
test_exception_expiry(void **state)
{
	static const char yaml[] =
	    "exceptions:\n"
	    "  - rule: OV-NET-*\n"
	    "    resource: \"*/networkSecurityGroups/NSG-WEB\"\n"
	    "    justification: legacy partner VPN until migration\n"
	    "    approver: ciso@example.org\n"
	    "    ticket: RISK-42\n"
	    "    expires: 2025-01-10\n";
	struct fixture fx;
	ov_store *s;
	ov_findings *with;
	ov_exceptions *exc = NULL, *none = NULL;
	struct one o;
	char acc_id[256];

	(void)state;
	fixture_init(&fx, use_pg);
	s = fixture_open(&fx);
	assert_int_equal(ov_exceptions_load_buffer(&exc, fx.ctx, "x.yaml",
	    yaml, sizeof(yaml) - 1), 0);
	assert_int_equal(ov_exceptions_new(&none), 0);
	with = new_list("tenant-1");
	add_finding(with, "OV-NET-001", NSG, NSG_TYPE, OV_SEV_HIGH,
	    OV_STATE_NON_COMPLIANT, 0);

	record(s, T0, "collected", with, NULL, NULL);
	assert_string_equal(get_finding(s, "OV-NET-001", NSG).state, "new");
	/* exception imported: excepted */
	record(s, T0 + DAY, "collected", with, NULL, exc);
	o = get_finding(s, "OV-NET-001", NSG);
	assert_string_equal(o.state, "excepted");
	assert_false(o.f.breached);
	/* still excepted from the imported copy, without the file */
	record(s, T0 + 5 * DAY, "collected", with, NULL, NULL);
	assert_string_equal(get_finding(s, "OV-NET-001", NSG).state,
	    "excepted");
	/* expired (end of 2025-01-10): reopened, OV-ACC raised */
	record(s, T0 + 10 * DAY, "collected", with, NULL, NULL);
	o = get_finding(s, "OV-NET-001", NSG);
	assert_string_equal(o.state, "reopened");
	assert_int_equal(o.f.reopen_count, 1);
	snprintf(acc_id, sizeof(acc_id), "exception:RISK-42:OV-NET-*:"
	    "*/networkSecurityGroups/NSG-WEB");
	o = get_finding(s, OV_RULE_EXCEPTION_EXPIRED, acc_id);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.state, "new");
	assert_int_equal(o.f.severity, OV_SEV_MEDIUM);
	/* the lapsed entry is removed from the file: OV-ACC resolves */
	record(s, T0 + 11 * DAY, "collected", with, NULL, none);
	o = get_finding(s, OV_RULE_EXCEPTION_EXPIRED, acc_id);
	assert_string_equal(o.state, "resolved");
	assert_string_equal(get_finding(s, "OV-NET-001", NSG).state,
	    "reopened");
	ov_exceptions_free(exc);
	ov_exceptions_free(none);
	ov_findings_free(with);
	ov_store_close(s);
	fixture_done(&fx);
}

struct diffs {
	char	 text[2048];	/* one line per item */
};

static int
diff_cb(const ov_diff_item *it, void *payload)
{
	struct diffs *d = payload;
	size_t n = strlen(d->text);

	snprintf(d->text + n, sizeof(d->text) - n, "%s %s %s %s %s\n",
	    ov_diff_kind_name(it->kind), it->id,
	    it->path != NULL ? it->path : "-",
	    it->before != NULL ? it->before : "-",
	    it->after != NULL ? it->after : "-");
	return 0;
}

/* Drift: records added/removed, property before/after, findings. */
static void
test_drift(void **state)
{
	static const char *const paths[] = {
		"properties.allowBlobPublicAccess",
		"properties.minimumTlsVersion"
	};
	static const char *const v1[] = { "false", "\"TLS1_2\"" };
	static const char *const v2[] = { "true", "\"TLS1_2\"" };
	struct fixture fx;
	ov_store *s;
	ov_digest *d1 = NULL, *d2 = NULL;
	ov_findings *l1, *l2;
	struct diffs out;
	int64_t a, b, prev = 0;

	(void)state;
	fixture_init(&fx, use_pg);
	s = fixture_open(&fx);
	assert_int_equal(ov_digest_new(&d1), 0);
	assert_int_equal(ov_digest_new(&d2), 0);
	assert_int_equal(ov_digest_add(d1, STG, STG_TYPE, paths, v1, 2), 0);
	assert_int_equal(ov_digest_add(d1, NSG, NSG_TYPE, NULL, NULL, 0), 0);
	/* same record, different id casing: one record */
	assert_int_equal(ov_digest_add(d2, "/SUBSCRIPTIONS/s1/resourceGroups/"
	    "rg/providers/Microsoft.Storage/storageAccounts/STGDATA",
	    STG_TYPE, paths, v2, 2), 0);
	assert_int_equal(ov_digest_add(d2, "/subscriptions/s1/vm1",
	    "Microsoft.Compute/virtualMachines", NULL, NULL, 0), 0);
	assert_int_equal(ov_digest_count(d2), 2);
	l1 = new_list("tenant-1");
	l2 = new_list("tenant-1");
	add_finding(l2, "OV-STG-002", STG, STG_TYPE, OV_SEV_HIGH,
	    OV_STATE_NON_COMPLIANT, 0);
	a = record(s, T0, "collected", l1, d1, NULL);
	b = record(s, T0 + DAY, "collected", l2, d2, NULL);
	memset(&out, 0, sizeof(out));
	assert_int_equal(ov_store_diff(s, a, b, diff_cb, &out), 0);
	assert_non_null(strstr(out.text, "record-added /subscriptions/s1/vm1"));
	assert_non_null(strstr(out.text, "record-removed " NSG));
	assert_non_null(strstr(out.text, "property-changed /SUBSCRIPTIONS/s1/"
	    "resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/"
	    "STGDATA properties.allowBlobPublicAccess false true"));
	assert_null(strstr(out.text, "minimumTlsVersion"));
	assert_non_null(strstr(out.text, "finding-new " STG));
	assert_int_equal(ov_store_previous_scan(s, b, &prev), 0);
	assert_int_equal(prev, a);
	assert_int_equal(ov_store_previous_scan(s, a, &prev), OV_ENOTFOUND);
	assert_int_equal(ov_store_find_scan(s, "2025-01-01", &prev), 0);
	assert_int_equal(prev, a);
	assert_int_equal(ov_store_find_scan(s, "2025-06-01", &prev), 0);
	assert_int_equal(prev, b);
	assert_int_equal(ov_store_find_scan(s, "2024-01-01", &prev),
	    OV_ENOTFOUND);
	ov_digest_free(d1);
	ov_digest_free(d2);
	ov_findings_free(l1);
	ov_findings_free(l2);
	ov_store_close(s);
	fixture_done(&fx);
}

/* Duplicate fingerprints in one scan count once; scans are listed. */
struct scans {
	int		 n;		/* scans */
	uint64_t	 findings;	/* sum of findings */
	int		 partial;	/* incomplete scans */
};

static int
scan_cb(const ov_store_scan *sc, void *payload)
{
	struct scans *x = payload;

	x->n++;
	x->findings += sc->n_findings;
	x->partial += !sc->complete;
	return 0;
}

static void
test_scans_and_dedupe(void **state)
{
	struct fixture fx;
	ov_store *s;
	ov_findings *l;
	struct scans x;

	(void)state;
	fixture_init(&fx, use_pg);
	s = fixture_open(&fx);
	l = new_list("tenant-1");
	add_finding(l, "OV-NET-001", NSG, NSG_TYPE, OV_SEV_HIGH,
	    OV_STATE_INDETERMINATE, 0);
	add_finding(l, "OV-NET-001", NSG, NSG_TYPE, OV_SEV_HIGH,
	    OV_STATE_NON_COMPLIANT, 0);
	add_finding(l, "OV-NET-001", NSG, NSG_TYPE, OV_SEV_HIGH,
	    OV_STATE_COMPLIANT, 0);
	record(s, T0, "collected", l, NULL, NULL);
	record(s, T0 + DAY, "partial", l, NULL, NULL);
	memset(&x, 0, sizeof(x));
	assert_int_equal(ov_store_scans_list(s, scan_cb, &x), 0);
	assert_int_equal(x.n, 2);
	assert_int_equal(x.findings, 2);
	assert_int_equal(x.partial, 1);
	assert_string_equal(get_finding(s, "OV-NET-001", NSG).state, "open");
	assert_int_equal(count_findings(s, NULL), 1);
	ov_findings_free(l);
	ov_store_close(s);
	fixture_done(&fx);
}

/* An older schema is refused until migrated, then upgraded in place. */
static void
test_migration(void **state)
{
	struct fixture fx;
	ov_store *s = NULL;
	unsigned v = 0, from = 99;
	struct one o;

	(void)state;
	fixture_init(&fx, use_pg);
	assert_int_equal(ov_store_open(&s, fx.ctx, fx.target,
	    OV_STORE_NOINIT), 0);
	assert_int_equal(ov_store_migrate(s, 1, &from), 0);
	assert_int_equal(from, 0);
	assert_int_equal(ov_store_schema_version(s, &v), 0);
	assert_int_equal(v, 1);
	/* a version-1 row, as an older overvisor wrote it */
	assert_int_equal(ov_store__exec(s, "INSERT INTO findings "
	    "(fingerprint, tenant, rule, title, severity, resource_id, "
	    "resource_type, type_key, state, first_seen, last_seen, due, "
	    "first_scan, last_scan) VALUES ('00112233445566778899aabbccddeeff',"
	    " 'tenant-1', 'OV-OLD-001', 'old', 2, '/x', 'T', 't', 'open', 1, "
	    "1, 0, 1, 1)"), 0);
	ov_store_close(s);
	s = NULL;
	assert_int_equal(ov_store_open(&s, fx.ctx, fx.target, 0), OV_ESTORE);
	assert_non_null(strstr(ov_error_last(fx.ctx)->message,
	    "overvisor db migrate"));
	assert_int_equal(ov_store_open(&s, fx.ctx, fx.target,
	    OV_STORE_MIGRATE), 0);
	assert_int_equal(ov_store_schema_version(s, &v), 0);
	assert_int_equal(v, OV_STORE_SCHEMA_VERSION);
	assert_int_equal(ov_store_migrate(s, 0, &from), 0);
	assert_int_equal(from, OV_STORE_SCHEMA_VERSION);
	memset(&o, 0, sizeof(o));
	assert_int_equal(ov_store_findings_list(s, NULL, one_cb, &o), 0);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.state, "open");
	assert_int_equal(o.f.reopen_count, 0);
	ov_store_close(s);
	fixture_done(&fx);
}

/* Passwords never appear in what the store prints. */
static void
test_mask(void **state)
{
	char out[256];

	(void)state;
	ov_store_mask_target("postgresql://ov:s3cret@db.example:5432/ov", out,
	    sizeof(out));
	assert_string_equal(out, "postgresql://ov:***@db.example:5432/ov");
	ov_store_mask_target("postgres://ov@h/db?sslmode=require&password=x1",
	    out, sizeof(out));
	assert_string_equal(out, "postgres://ov@h/db?sslmode=require&"
	    "password=***");
	ov_store_mask_target("postgresql://u:p@ss@h/d", out, sizeof(out));
	assert_string_equal(out, "postgresql://u:***@h/d");
	ov_store_mask_target("findings.db", out, sizeof(out));
	assert_string_equal(out, "findings.db");
}

/* Default SLA table. */
static void
test_default_sla(void **state)
{
	(void)state;
	assert_int_equal(ov_store_default_sla(OV_SEV_CRITICAL), 7 * DAY);
	assert_int_equal(ov_store_default_sla(OV_SEV_HIGH), 30 * DAY);
	assert_int_equal(ov_store_default_sla(OV_SEV_MEDIUM), 90 * DAY);
	assert_int_equal(ov_store_default_sla(OV_SEV_LOW), 180 * DAY);
	assert_int_equal(ov_store_default_sla(OV_SEV_INFO), 365 * DAY);
}

/* Write a small store for the CLI end-to-end test. */
static int
populate(const char *path)
{
	static const char *const paths[] = {
		"properties.allowBlobPublicAccess" };
	static const char *const v1[] = { "false" };
	static const char *const v2[] = { "true" };
	ov_ctx *ctx = NULL;
	ov_store *s = NULL;
	ov_findings *with = NULL, *without = NULL;
	ov_digest *d1 = NULL, *d2 = NULL;
	ov_scan_record m;
	ov_finding f;
	int rc = 1;

	if (ov_ctx_new(&ctx) < 0)
		return 1;
	ov_ctx_set_now(ctx, T0);
	if (ov_store_open(&s, ctx, path, OV_STORE_MIGRATE) < 0) {
		fprintf(stderr, "%s\n", ov_error_last(ctx)->message);
		goto done;
	}
	ov_findings_new(&with);
	ov_findings_set_tenant(with, "tenant-1");
	ov_findings_new(&without);
	ov_findings_set_tenant(without, "tenant-1");
	memset(&f, 0, sizeof(f));
	f.rule = "OV-NET-001";
	f.title = "SSH open to the internet";
	f.severity = OV_SEV_HIGH;
	f.state = OV_STATE_NON_COMPLIANT;
	f.resource_id = NSG;
	f.resource_type = NSG_TYPE;
	f.owner = OV_OWNER_CUSTOMER;
	f.accountable = "csp-operator";
	f.duty = "nsg-review";
	ov_findings_add(with, &f);
	f.rule = "OV-STG-001";
	f.title = "Blob public access allowed";
	f.severity = OV_SEV_CRITICAL;
	f.resource_id = STG;
	f.resource_type = STG_TYPE;
	f.accountable = "customer-it";
	f.duty = "policy-enforcement";
	ov_findings_add(with, &f);
	ov_findings_add(without, &f);
	ov_digest_new(&d1);
	ov_digest_new(&d2);
	ov_digest_add(d1, STG, STG_TYPE, paths, v1, 1);
	ov_digest_add(d2, STG, STG_TYPE, paths, v2, 1);
	m = scan_meta(T0, "collected");
	if (ov_store_record_scan(s, &m, with, d1, NULL, NULL) < 0)
		goto done;
	m = scan_meta(T0 + DAY, "collected");
	if (ov_store_record_scan(s, &m, without, d2, NULL, NULL) < 0)
		goto done;
	m = scan_meta(T0 + 2 * DAY, "partial");
	if (ov_store_record_scan(s, &m, without, d2, NULL, NULL) < 0)
		goto done;
	m = scan_meta(T0 + 3 * DAY, "collected");
	if (ov_store_record_scan(s, &m, with, d2, NULL, NULL) < 0)
		goto done;
	rc = 0;
done:
	if (rc != 0)
		fprintf(stderr, "populate: %s\n", ov_error_last(ctx)->message);
	ov_digest_free(d1);
	ov_digest_free(d2);
	ov_findings_free(with);
	ov_findings_free(without);
	ov_store_close(s);
	ov_ctx_free(ctx);
	return rc;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_partial_scan),
		cmocka_unit_test(test_coverage_callback),
		cmocka_unit_test(test_exception_expiry),
		cmocka_unit_test(test_drift),
		cmocka_unit_test(test_scans_and_dedupe),
		cmocka_unit_test(test_migration),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_default_sla),
	};
	const char *pg = getenv("OVERVISOR_TEST_PG");
	int failed;

	if (argc == 3 && strcmp(argv[1], "--populate") == 0)
		return populate(argv[2]);
	use_pg = false;
	failed = cmocka_run_group_tests_name("store/sqlite", tests, NULL,
	    NULL);
	if (pg != NULL && *pg != '\0') {
		use_pg = true;
		failed += cmocka_run_group_tests_name("store/postgresql",
		    tests, NULL, NULL);
	} else {
		fprintf(stderr, "note: OVERVISOR_TEST_PG not set; "
		    "PostgreSQL backend not tested\n");
	}
	return failed != 0;
}
