/* SPDX-License-Identifier: MIT */
/*
 * Versioned schema migrations.  Each step upgrades version N-1 to N in its
 * own write transaction and records the new version in ov_meta, so an
 * older database is upgraded in place and a failed step changes nothing.
 * Steps are append-only: a released step is never edited, a change is a
 * new step.  "@ID@" stands for the backend's auto-increment key column.
 */
#include <string.h>

#include "store/backend.h"
#include "util/alloc.h"
#include "util/buf.h"

struct migration {
	unsigned	 version;	/* version after this step */
	const char	*summary;	/* one line, for `db migrate` */
	const char	*sql;		/* statements, ';'-separated */
	const char	*pg_sql;	/* then these on PostgreSQL only, or
					   NULL */
	const char *const *pg_more;	/* then each of these (NULL-ended;
					   a string literal has a length
					   limit), or NULL */
};

#include "store/migrations_pg.h"

static const char *const isolation_sql[] = {
	ISOLATION_TENANT_SQL, ISOLATION_IDS_SQL, ISOLATION_RLS_SQL, NULL
};

static const struct migration migrations[] = {
	{ 1, "scans, sources, observations, findings, events, exceptions, "
	    "record digests",
	"CREATE TABLE IF NOT EXISTS ov_meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);"
	"CREATE TABLE scans ("
	"  id @ID@,"
	"  tenant TEXT NOT NULL,"
	"  collected_at BIGINT NOT NULL,"
	"  recorded_at BIGINT NOT NULL,"
	"  tool_version TEXT,"
	"  rulepack_version TEXT,"
	"  label TEXT,"
	"  manifest TEXT,"
	"  has_manifest INTEGER NOT NULL,"
	"  complete INTEGER NOT NULL,"
	"  n_findings BIGINT NOT NULL DEFAULT 0);"
	"CREATE TABLE scan_sources ("
	"  scan_id BIGINT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  count BIGINT NOT NULL,"
	"  PRIMARY KEY (scan_id, name));"
	"CREATE TABLE scan_coverage ("
	"  scan_id BIGINT NOT NULL,"
	"  type_key TEXT NOT NULL,"
	"  PRIMARY KEY (scan_id, type_key));"
	"CREATE TABLE observations ("
	"  scan_id BIGINT NOT NULL,"
	"  fingerprint TEXT NOT NULL,"
	"  result TEXT NOT NULL,"
	"  rule TEXT NOT NULL,"
	"  title TEXT,"
	"  severity INTEGER NOT NULL,"
	"  resource_id TEXT NOT NULL,"
	"  resource_type TEXT,"
	"  type_key TEXT NOT NULL,"
	"  duty TEXT,"
	"  owner TEXT,"
	"  accountable TEXT,"
	"  source TEXT,"
	"  due BIGINT NOT NULL,"
	"  PRIMARY KEY (scan_id, fingerprint));"
	"CREATE TABLE findings ("
	"  fingerprint TEXT PRIMARY KEY,"
	"  tenant TEXT NOT NULL,"
	"  rule TEXT NOT NULL,"
	"  title TEXT,"
	"  severity INTEGER NOT NULL,"
	"  resource_id TEXT NOT NULL,"
	"  resource_type TEXT,"
	"  type_key TEXT NOT NULL,"
	"  duty TEXT,"
	"  owner TEXT,"
	"  accountable TEXT,"
	"  source TEXT,"
	"  state TEXT NOT NULL,"
	"  first_seen BIGINT NOT NULL,"
	"  last_seen BIGINT NOT NULL,"
	"  resolved_at BIGINT,"
	"  due BIGINT NOT NULL,"
	"  first_scan BIGINT NOT NULL,"
	"  last_scan BIGINT NOT NULL);"
	"CREATE INDEX findings_tenant_state ON findings (tenant, state);"
	"CREATE TABLE events ("
	"  id @ID@,"
	"  fingerprint TEXT NOT NULL,"
	"  scan_id BIGINT NOT NULL,"
	"  at BIGINT NOT NULL,"
	"  from_state TEXT,"
	"  to_state TEXT NOT NULL,"
	"  note TEXT);"
	"CREATE INDEX events_fingerprint ON events (fingerprint);"
	"CREATE INDEX events_scan ON events (scan_id);"
	"CREATE TABLE exceptions ("
	"  id @ID@,"
	"  rule_pattern TEXT NOT NULL,"
	"  resource_pattern TEXT NOT NULL,"
	"  justification TEXT,"
	"  approver TEXT,"
	"  ticket TEXT,"
	"  expires BIGINT NOT NULL,"
	"  origin TEXT,"
	"  imported_at BIGINT NOT NULL);"
	"CREATE TABLE scan_records ("
	"  scan_id BIGINT NOT NULL,"
	"  record_key TEXT NOT NULL,"
	"  record_id TEXT NOT NULL,"
	"  type TEXT,"
	"  hash TEXT NOT NULL,"
	"  props TEXT,"
	"  PRIMARY KEY (scan_id, record_key))", NULL, NULL },
	{ 2, "reopen counter on findings; observations by fingerprint",
	"ALTER TABLE findings ADD COLUMN reopen_count INTEGER NOT NULL "
	"  DEFAULT 0;"
	"CREATE INDEX observations_fingerprint ON observations "
	"  (fingerprint)", NULL, NULL },
	{ 3, "contract parties per tenant; findings by first scan; no "
	    "observations-by-fingerprint index (never read, costly to write)",
	"DROP INDEX observations_fingerprint;"
	"CREATE INDEX findings_first_scan ON findings (first_scan);"
	"CREATE TABLE parties ("
	"  tenant TEXT NOT NULL,"
	"  party_id TEXT NOT NULL,"
	"  name TEXT,"
	"  kind TEXT,"
	"  PRIMARY KEY (tenant, party_id))",
	/* room on each page for in-place (HOT) updates of every scan */
	"ALTER TABLE findings SET (fillfactor = 70)", NULL },
	{ 4, "responsible, consulted and informed parties on findings; "
	    "per-scan governance evidence: duties, exceptions, restore tests, "
	    "backup items, policy enforcement, contract answers",
	"ALTER TABLE findings ADD COLUMN responsible TEXT;"
	"ALTER TABLE findings ADD COLUMN consulted TEXT;"
	"ALTER TABLE findings ADD COLUMN informed TEXT;"
	"ALTER TABLE observations ADD COLUMN responsible TEXT;"
	"ALTER TABLE observations ADD COLUMN consulted TEXT;"
	"ALTER TABLE observations ADD COLUMN informed TEXT;"
	"CREATE TABLE scan_duties ("
	"  scan_id BIGINT NOT NULL,"
	"  duty TEXT NOT NULL,"
	"  responsible TEXT,"
	"  accountable TEXT,"
	"  consulted TEXT,"
	"  informed TEXT,"
	"  sla_critical BIGINT NOT NULL,"
	"  sla_high BIGINT NOT NULL,"
	"  sla_medium BIGINT NOT NULL,"
	"  sla_low BIGINT NOT NULL,"
	"  sla_info BIGINT NOT NULL,"
	"  cadence BIGINT NOT NULL,"
	"  rpo BIGINT NOT NULL,"
	"  rto BIGINT NOT NULL,"
	"  restore_window BIGINT NOT NULL,"
	"  PRIMARY KEY (scan_id, duty));"
	"CREATE TABLE scan_exceptions ("
	"  scan_id BIGINT NOT NULL,"
	"  origin TEXT NOT NULL,"
	"  rule TEXT,"
	"  resource TEXT,"
	"  justification TEXT,"
	"  approver TEXT,"
	"  ticket TEXT,"
	"  expires BIGINT NOT NULL);"
	"CREATE INDEX scan_exceptions_scan ON scan_exceptions (scan_id);"
	"CREATE TABLE restore_tests ("
	"  scan_id BIGINT NOT NULL,"
	"  job_id TEXT NOT NULL,"
	"  vault TEXT,"
	"  item TEXT,"
	"  operation TEXT,"
	"  status TEXT,"
	"  started_at BIGINT NOT NULL,"
	"  ended_at BIGINT NOT NULL,"
	"  duration BIGINT NOT NULL);"
	"CREATE INDEX restore_tests_scan ON restore_tests (scan_id);"
	"CREATE TABLE backup_items ("
	"  scan_id BIGINT NOT NULL,"
	"  item_id TEXT NOT NULL,"
	"  name TEXT,"
	"  vault TEXT,"
	"  last_backup BIGINT NOT NULL,"
	"  status TEXT);"
	"CREATE INDEX backup_items_scan ON backup_items (scan_id);"
	"CREATE TABLE policy_coverage ("
	"  scan_id BIGINT NOT NULL,"
	"  assignment_id TEXT NOT NULL,"
	"  assignment TEXT,"
	"  control TEXT,"
	"  effect TEXT,"
	"  enforced INTEGER NOT NULL,"
	"  must_deny INTEGER NOT NULL);"
	"CREATE INDEX policy_coverage_scan ON policy_coverage (scan_id);"
	"CREATE TABLE contract_answers ("
	"  scan_id BIGINT NOT NULL,"
	"  qid TEXT NOT NULL,"
	"  question TEXT,"
	"  duty TEXT,"
	"  status TEXT NOT NULL,"
	"  answer TEXT,"
	"  evidence TEXT,"
	"  gaps TEXT,"
	"  PRIMARY KEY (scan_id, qid));"
	"CREATE INDEX scans_tenant_time ON scans (tenant, collected_at)",
	NULL, NULL },
	{ 5, "exceptions per tenant; operator mode (PostgreSQL): tenants, "
	    "schedules, the job queue with leases, customer grants",
	/*
	 * The imported exceptions were one set for the whole store; each
	 * tenant now keeps its own.  An existing set is copied to every
	 * tenant the store has scans of, so each goes on as before.
	 */
	"ALTER TABLE exceptions ADD COLUMN tenant TEXT NOT NULL DEFAULT '';"
	"INSERT INTO exceptions (rule_pattern, resource_pattern, "
	"  justification, approver, ticket, expires, origin, imported_at, "
	"  tenant) SELECT e.rule_pattern, e.resource_pattern, "
	"  e.justification, e.approver, e.ticket, e.expires, e.origin, "
	"  e.imported_at, t.tenant FROM exceptions e CROSS JOIN "
	"  (SELECT DISTINCT tenant FROM scans WHERE tenant <> '') t "
	"  WHERE e.tenant = '' ORDER BY t.tenant, e.id;"
	"DELETE FROM exceptions WHERE tenant = '' AND NOT EXISTS "
	"  (SELECT 1 FROM scans WHERE tenant = '') AND EXISTS "
	"  (SELECT 1 FROM scans);"
	"CREATE INDEX exceptions_tenant ON exceptions (tenant)",
	OPERATOR_SQL, NULL },
	{ 6, "tenant on every table, row-level security per tenant, "
	    "per-tenant ids (PostgreSQL; nothing changes on SQLite)",
	"SELECT 1", NULL, isolation_sql },
	{ 7, "operator mode (PostgreSQL): the tenants table's credential "
	    "check compiles (nothing changes on SQLite)",
	"SELECT 1", CREDENTIAL_CHECK_SQL, NULL },
	{ 8, "operator mode (PostgreSQL): a tenant's own collection timeout "
	    "and CA bundle (nothing changes on SQLite)",
	"SELECT 1", TENANT_RUN_SQL, NULL },
};

#define N_MIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

static int
row_text(void *payload, int ncols, const char *const *vals)
{
	unsigned *v = payload;

	if (ncols > 0 && vals[0] != NULL)
		*v = (unsigned)ov_store__to_i64(vals[0]);
	return 0;
}

static int
row_exists(void *payload, int ncols, const char *const *vals)
{
	(void)ncols;
	(void)vals;
	*(bool *)payload = true;
	return 0;
}

/* The schema version stored in ov_meta; 0 for an empty database. */
int
ov_store__schema_version(struct ov_store *s, unsigned *out)
{
	bool exists = false;
	unsigned v = 0;
	int error;
	const char *probe = strcmp(s->be->name, "postgresql") == 0 ?
	    "SELECT 1 FROM information_schema.tables "
	    "WHERE table_name = 'ov_meta' AND table_schema = current_schema()" :
	    "SELECT 1 FROM sqlite_master WHERE type = 'table' "
	    "AND name = 'ov_meta'";

	*out = 0;
	if ((error = ov_store__query(s, probe, 0, NULL, row_exists,
	    &exists)) < 0)
		return error;
	if (!exists)
		return 0;
	if ((error = ov_store__query(s, "SELECT value FROM ov_meta "
	    "WHERE key = 'schema_version'", 0, NULL, row_text, &v)) < 0)
		return error;
	*out = v;
	return 0;
}

/* Replace @ID@ with the backend's key column. */
static int
expand(struct ov_store *s, const char *sql, struct ov_buf *b)
{
	const char *p, *q;
	int error = 0;

	for (p = sql; error == 0 && (q = strstr(p, "@ID@")) != NULL;
	    p = q + 4) {
		error = ov__buf_add(b, p, (size_t)(q - p));
		if (error == 0)
			error = ov__buf_puts(b, s->be->id_ddl);
	}
	if (error == 0)
		error = ov__buf_puts(b, p);
	return error < 0 ? ov__error_oom(s->ctx) : 0;
}

/* Apply every step after the current version up to `to` (0 = newest). */
int
ov_store__migrate(struct ov_store *s, unsigned to, unsigned *from)
{
	struct ov_buf b = OV_BUF_INIT(1 << 20);
	char vbuf[24];
	const char *params[1];
	unsigned cur;
	size_t i, j;
	int error;

	if (to == 0 || to > OV_STORE_SCHEMA_VERSION)
		to = OV_STORE_SCHEMA_VERSION;
	if ((error = s->be->begin_write(s)) < 0)
		return error;
	s->in_tx = true;
	/* Read the version under the write lock: two migrators agree. */
	if ((error = ov_store__schema_version(s, &cur)) < 0)
		goto done;
	if (from != NULL)
		*from = cur;
	if (cur > OV_STORE_SCHEMA_VERSION) {
		error = ov_store__error(s, "schema version %u is newer than "
		    "this overvisor supports (%u)", cur,
		    OV_STORE_SCHEMA_VERSION);
		goto done;
	}
	for (i = 0; i < N_MIGRATIONS; i++) {
		if (migrations[i].version <= cur ||
		    migrations[i].version > to)
			continue;
		ov__buf_clear(&b);
		if ((error = expand(s, migrations[i].sql, &b)) < 0)
			goto done;
		if ((error = ov_store__exec(s, ov__buf_cstr(&b))) < 0)
			goto done;
		if (migrations[i].pg_sql != NULL &&
		    strcmp(s->be->name, "postgresql") == 0 &&
		    (error = ov_store__exec(s, migrations[i].pg_sql)) < 0)
			goto done;
		for (j = 0; migrations[i].pg_more != NULL &&
		    migrations[i].pg_more[j] != NULL &&
		    strcmp(s->be->name, "postgresql") == 0; j++)
			if ((error = ov_store__exec(s,
			    migrations[i].pg_more[j])) < 0)
				goto done;
		params[0] = ov_store__i64(vbuf, migrations[i].version);
		if ((error = ov_store__query(s, "DELETE FROM ov_meta "
		    "WHERE key = 'schema_version'", 0, NULL, NULL,
		    NULL)) < 0 ||
		    (error = ov_store__query(s, "INSERT INTO ov_meta "
		    "(key, value) VALUES ('schema_version', $1)", 1, params,
		    NULL, NULL)) < 0)
			goto done;
		cur = migrations[i].version;
	}
	error = s->be->commit(s);
	s->in_tx = false;
	if (error == 0)
		s->version = cur;
done:
	if (s->in_tx) {
		s->be->rollback(s);
		s->in_tx = false;
	}
	ov__buf_free(&b);
	return error;
}
