/* SPDX-License-Identifier: MIT */
/*
 * The PostgreSQL-only parts of schema versions 5 and 6 (migrations.c):
 * operator mode's tables, and the isolation of tenants from each other.
 * Released text is never edited; a change is a new version.
 *
 * Version 5: ov_tenants (what to collect, with which credential reference,
 * on which schedule), ov_jobs (the queue: one job per tenant and schedule
 * window, claimed with FOR UPDATE SKIP LOCKED under a lease), ov_grants
 * (which database role reads which tenant), and ov_window(), the start of
 * the schedule window that holds a time, computed with PostgreSQL's own
 * time-zone database.
 *
 * Version 6: every table carries the tenant (backfilled; new rows take it
 * from the transaction's overvisor.tenant setting, or from their scan or
 * finding), row-level security on every tenant table (forced on the owner
 * too), and ids drawn from a sequence of the tenant's own, so a customer
 * cannot count other tenants' rows from the gaps between its own ids.
 *
 * Who sees what: the owner of the tables and the roles that are members
 * of it (the operator) see every tenant, or only the tenant named by
 * overvisor.tenant in a transaction that sets it (the store sets it when
 * it records a scan); any other role sees the tenants ov_grants gives it
 * and nothing else.  The policies are expressions parsed once, at
 * creation, with every table resolved then: no function and no
 * search_path lookup stands between a customer's query and its filter.
 */
#ifndef OV_STORE_MIGRATIONS_PG_H
#define OV_STORE_MIGRATIONS_PG_H

#define OPERATOR_SQL \
	"CREATE TABLE ov_tenants (" \
	"  tenant TEXT PRIMARY KEY CHECK (tenant ~ '^[0-9A-Za-z._-]{1,128}$')," \
	"  name TEXT NOT NULL," \
	"  cloud TEXT NOT NULL DEFAULT 'AzureCloud'," \
	"  endpoints TEXT," \
	/* a reference to a credential, never one: nothing else fits */ \
	"  credential TEXT NOT NULL CHECK (credential ~ " \
	/* the references of operator.yaml (src/lib/operator/config.c) */ \
	"    '^(env|workload-identity|managed-identity|cli|" \
	"env:[A-Z][A-Z0-9_]{0,63}|certificate:/[^\\n]{1,4095})$')," \
	"  client_id TEXT CHECK (client_id ~ '^[0-9A-Za-z-]{1,64}$')," \
	"  contract TEXT," \
	"  exceptions TEXT," \
	"  subscriptions TEXT NOT NULL DEFAULT ''," \
	"  management_group TEXT," \
	"  schedule TEXT NOT NULL," \
	"  sched_kind TEXT NOT NULL CHECK (sched_kind IN ('daily', " \
	"    'weekly', 'hourly', 'manual'))," \
	"  sched_minute INTEGER NOT NULL DEFAULT 0 CHECK (sched_minute " \
	"    BETWEEN 0 AND 1439)," \
	"  sched_weekday INTEGER NOT NULL DEFAULT 1 CHECK (sched_weekday " \
	"    BETWEEN 1 AND 7)," \
	"  sched_zone TEXT NOT NULL DEFAULT 'UTC'," \
	"  max_attempts INTEGER NOT NULL DEFAULT 5 CHECK (max_attempts " \
	"    BETWEEN 1 AND 100)," \
	"  created_at TIMESTAMPTZ NOT NULL DEFAULT now()," \
	"  updated_at TIMESTAMPTZ NOT NULL DEFAULT now());" \
	"CREATE TABLE ov_jobs (" \
	"  id BIGSERIAL PRIMARY KEY," \
	"  tenant TEXT NOT NULL REFERENCES ov_tenants (tenant) " \
	"    ON DELETE CASCADE," \
	"  window_start TIMESTAMPTZ NOT NULL," \
	"  kind TEXT NOT NULL DEFAULT 'scheduled'," \
	"  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', " \
	"    'running', 'done', 'failed', 'cancelled'))," \
	"  attempts INTEGER NOT NULL DEFAULT 0," \
	"  max_attempts INTEGER NOT NULL," \
	"  not_before TIMESTAMPTZ NOT NULL," \
	"  created_at TIMESTAMPTZ NOT NULL DEFAULT now()," \
	"  lease_owner TEXT," \
	"  lease_token TEXT," \
	"  lease_until TIMESTAMPTZ," \
	"  started_at TIMESTAMPTZ," \
	"  finished_at TIMESTAMPTZ," \
	"  last_error TEXT," \
	"  scan_id BIGINT," \
	"  UNIQUE (tenant, window_start));" \
	"CREATE INDEX ov_jobs_queued ON ov_jobs (not_before, id) " \
	"  WHERE state = 'queued';" \
	"CREATE INDEX ov_jobs_leased ON ov_jobs (lease_until) " \
	"  WHERE state = 'running';" \
	"CREATE TABLE ov_grants (" \
	"  tenant TEXT NOT NULL REFERENCES ov_tenants (tenant) " \
	"    ON DELETE CASCADE," \
	"  role TEXT NOT NULL," \
	"  granted_at TIMESTAMPTZ NOT NULL DEFAULT now()," \
	"  PRIMARY KEY (tenant, role));" \
	/*
	 * The latest occurrence of a schedule at or before `at`: wall-clock
	 * arithmetic in the tenant's zone, converted back with AT TIME ZONE
	 * (a local time skipped by a DST change moves forward by the jump;
	 * a repeated one takes its later instant), so every calendar day
	 * has exactly one daily occurrence.  Hourly counts UTC hours.
	 */ \
	"CREATE FUNCTION ov_window(w_kind TEXT, w_minute INTEGER, " \
	"  w_weekday INTEGER, w_zone TEXT, w_at TIMESTAMPTZ) RETURNS TIMESTAMPTZ " \
	"LANGUAGE sql STABLE AS $fn$ " \
	"SELECT CASE w_kind " \
	"WHEN 'hourly' THEN (SELECT CASE WHEN c > w_at THEN " \
	"  c - interval '1 hour' ELSE c END FROM (SELECT " \
	"  (date_trunc('hour', w_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') + " \
	"  make_interval(mins => w_minute) AS c) x) " \
	"WHEN 'daily' THEN (SELECT (CASE WHEN c > l THEN " \
	"  c - interval '1 day' ELSE c END) AT TIME ZONE w_zone FROM (SELECT " \
	"  w_at AT TIME ZONE w_zone AS l) y, LATERAL (SELECT " \
	"  date_trunc('day', y.l) + make_interval(mins => w_minute) AS c) x) " \
	"WHEN 'weekly' THEN (SELECT (CASE WHEN c > l THEN " \
	"  c - interval '7 days' ELSE c END) AT TIME ZONE w_zone FROM (SELECT " \
	"  w_at AT TIME ZONE w_zone AS l) y, LATERAL (SELECT " \
	"  date_trunc('week', y.l) + make_interval(days => w_weekday - 1, " \
	"  mins => w_minute) AS c) x) " \
	"END $fn$;" \
	"REVOKE ALL ON FUNCTION ov_window(TEXT, INTEGER, INTEGER, TEXT, " \
	"  TIMESTAMPTZ) FROM PUBLIC"

/* The tables that hold a tenant's data, besides scans and findings. */
#define OV_BY_SCAN_TABLES \
	"'scan_sources', 'scan_coverage', 'observations', 'scan_records', " \
	"'scan_duties', 'scan_exceptions', 'restore_tests', 'backup_items', " \
	"'policy_coverage', 'contract_answers'"

/* Members of the tables' owner: the operator. */
#define OV_IS_OPERATOR \
	"(SELECT pg_catalog.pg_has_role(CURRENT_USER, c.relowner, " \
	"''USAGE'') FROM pg_catalog.pg_class c WHERE c.oid = " \
	"''ov_tenants''::regclass)"

/* The tenant on every row: backfilled, then from the writer. */
#define ISOLATION_TENANT_SQL \
	"DO $do$ DECLARE t TEXT; BEGIN " \
	"FOREACH t IN ARRAY ARRAY[" OV_BY_SCAN_TABLES ", 'events'] LOOP " \
	"  EXECUTE format('ALTER TABLE %I ADD COLUMN tenant TEXT', t); " \
	"  IF t = 'events' THEN " \
	"    UPDATE events e SET tenant = f.tenant FROM findings f " \
	"      WHERE f.fingerprint = e.fingerprint; " \
	"  ELSE " \
	"    EXECUTE format('UPDATE %I x SET tenant = s.tenant FROM scans s " \
	"      WHERE s.id = x.scan_id', t); " \
	"  END IF; " \
	"  EXECUTE format('UPDATE %I SET tenant = '''' WHERE tenant IS NULL'," \
	"    t); " \
	"  EXECUTE format('ALTER TABLE %I ALTER COLUMN tenant SET DEFAULT " \
	"    pg_catalog.current_setting(''overvisor.tenant'', true), " \
	"    ALTER COLUMN tenant SET NOT NULL', t); " \
	"END LOOP; END $do$;" \
	/* a writer that did not set overvisor.tenant: from the scan */ \
	"CREATE FUNCTION ov_fill_tenant() RETURNS trigger LANGUAGE plpgsql " \
	"SET search_path FROM CURRENT AS $fn$ BEGIN " \
	"IF TG_TABLE_NAME = 'events' THEN " \
	"  SELECT f.tenant INTO NEW.tenant FROM findings f " \
	"    WHERE f.fingerprint = NEW.fingerprint; " \
	"ELSE " \
	"  SELECT s.tenant INTO NEW.tenant FROM scans s " \
	"    WHERE s.id = NEW.scan_id; " \
	"END IF; " \
	"NEW.tenant := COALESCE(NEW.tenant, ''); " \
	"RETURN NEW; END $fn$;" \
	"DO $do$ DECLARE t TEXT; BEGIN " \
	"FOREACH t IN ARRAY ARRAY[" OV_BY_SCAN_TABLES ", 'events'] LOOP " \
	"  EXECUTE format('CREATE TRIGGER ov_fill_tenant BEFORE INSERT ON %I " \
	"    FOR EACH ROW WHEN (NEW.tenant IS NULL) EXECUTE FUNCTION " \
	"    ov_fill_tenant()', t); " \
	"END LOOP; END $do$"

/* Ids from the tenant's own sequence while one is set. */
#define ISOLATION_IDS_SQL \
	"ALTER TABLE ov_tenants ADD COLUMN id_seq TEXT;" \
	"CREATE FUNCTION ov_next_id(fallback regclass) RETURNS BIGINT " \
	"LANGUAGE sql VOLATILE AS $fn$ SELECT pg_catalog.nextval(COALESCE(" \
	"NULLIF(pg_catalog.current_setting('overvisor.id_seq', true), " \
	"'')::regclass, fallback)) $fn$;" \
	"ALTER TABLE scans ALTER COLUMN id SET DEFAULT " \
	"  ov_next_id('scans_id_seq');" \
	"ALTER TABLE events ALTER COLUMN id SET DEFAULT " \
	"  ov_next_id('events_id_seq');" \
	"ALTER TABLE exceptions ALTER COLUMN id SET DEFAULT " \
	"  ov_next_id('exceptions_id_seq');" \
	/* 2^40 ids per tenant, in a block at a random place of 2^22 */ \
	"CREATE FUNCTION ov_make_id_seq(t TEXT) RETURNS TEXT " \
	"LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$ " \
	"DECLARE slot BIGINT; seq TEXT; BEGIN " \
	"SELECT id_seq INTO seq FROM ov_tenants WHERE tenant = t; " \
	"IF seq IS NOT NULL THEN RETURN seq; END IF; " \
	"LOOP " \
	"  slot := 1 + floor(random() * 4194302)::BIGINT; " \
	"  seq := format('%I.%I', current_schema(), 'ov_ids_' || slot); " \
	"  EXIT WHEN to_regclass(seq) IS NULL; " \
	"END LOOP; " \
	"EXECUTE format('CREATE SEQUENCE %s MINVALUE %s MAXVALUE %s START %s'," \
	"  seq, slot * 1099511627776 + 1, (slot + 1) * 1099511627776 - 1, " \
	"  slot * 1099511627776 + 1); " \
	"UPDATE ov_tenants SET id_seq = seq WHERE tenant = t; " \
	"RETURN seq; END $fn$;" \
	"SELECT ov_make_id_seq(tenant) FROM ov_tenants ORDER BY tenant;" \
	"REVOKE ALL ON FUNCTION ov_fill_tenant() FROM PUBLIC;" \
	"REVOKE ALL ON FUNCTION ov_next_id(regclass) FROM PUBLIC;" \
	"REVOKE ALL ON FUNCTION ov_make_id_seq(TEXT) FROM PUBLIC"

/* Row-level security on every tenant table, the owner included. */
#define ISOLATION_RLS_SQL \
	"DO $do$ DECLARE t TEXT; chk TEXT; BEGIN " \
	"chk := 'CASE WHEN ' || '" OV_IS_OPERATOR "' || ' THEN tenant = " \
	"  COALESCE((SELECT NULLIF(pg_catalog.current_setting(" \
	"  ''overvisor.tenant'', true), '''')), tenant) ELSE tenant IN " \
	"  (SELECT g.tenant FROM ov_grants g WHERE g.role = " \
	"  CURRENT_USER::TEXT) END'; " \
	"FOREACH t IN ARRAY ARRAY['scans', 'findings', 'exceptions', " \
	"  'parties', " OV_BY_SCAN_TABLES ", 'events', 'ov_tenants', " \
	"  'ov_jobs'] LOOP " \
	"  EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t); " \
	"  EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t); " \
	"  EXECUTE format('CREATE POLICY ov_tenant ON %I USING (%s) " \
	"    WITH CHECK (%s)', t, chk, chk); " \
	"END LOOP; " \
	"ALTER TABLE ov_grants ENABLE ROW LEVEL SECURITY; " \
	"ALTER TABLE ov_grants FORCE ROW LEVEL SECURITY; " \
	"EXECUTE 'CREATE POLICY ov_grant ON ov_grants USING (role = " \
	"  CURRENT_USER::TEXT OR ' || '" OV_IS_OPERATOR "' || ') WITH CHECK (' " \
	"  || '" OV_IS_OPERATOR "' || ')'; " \
	"END $do$"

/*
 * Version 7: the credential check of version 5 used a repetition count
 * PostgreSQL's regular expressions refuse (at most 255), so no tenant
 * could be registered; the length is checked apart.
 */
#define CREDENTIAL_CHECK_SQL \
	"ALTER TABLE ov_tenants DROP CONSTRAINT ov_tenants_credential_check;" \
	"ALTER TABLE ov_tenants ADD CONSTRAINT ov_tenants_credential_check " \
	"  CHECK (length(credential) <= 4108 AND credential ~ " \
	"    '^(env|workload-identity|managed-identity|cli|" \
	"env:[A-Z][A-Z0-9_]{0,63}|certificate:/[^\\n]+)$')"

/*
 * Version 8: a tenant's own collection deadline and CA bundle, which the
 * worker passes to its run (collect --timeout, --ca-file).
 */
#define TENANT_RUN_SQL \
	"ALTER TABLE ov_tenants ADD COLUMN timeout INTEGER CHECK (timeout " \
	"  BETWEEN 1 AND 604800);" \
	"ALTER TABLE ov_tenants ADD COLUMN ca_file TEXT CHECK (ca_file ~ " \
	"  '^/[^\\n]+$' AND length(ca_file) <= 4096)"

#endif
