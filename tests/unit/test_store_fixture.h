/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the store tests: a fresh store per test on SQLite (a
 * temporary file) or, when OVERVISOR_TEST_PG names a server, on
 * PostgreSQL in a schema of its own; synthetic findings and scan records.
 */
#ifndef OV_TEST_STORE_FIXTURE_H
#define OV_TEST_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "overvisor/store.h"
#include "store/backend.h"
#include "testutil.h"

#define DAY 86400
#define T0 1735689600	/* 2025-01-01T00:00:00Z */

/* Where each test's store lives. */
struct fixture {
	char	 target[1024];	/* path or URL given to ov_store_open */
	char	 path[512];	/* SQLite file, or "" */
	char	 schema[64];	/* PostgreSQL schema, or "" */
	ov_ctx	*ctx;		/* context with a fixed clock */
};

static unsigned fixture_seq;
static ov_ctx *fixture_ctx;	/* the current test's context */

/* Run SQL on the PostgreSQL server named by OVERVISOR_TEST_PG. */
static int
pg_admin(const char *sql)
{
	PGconn *c = PQconnectdb(getenv("OVERVISOR_TEST_PG"));
	PGresult *r;
	int ok;

	if (PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		return -1;
	}
	r = PQexec(c, "SET client_min_messages = warning");
	PQclear(r);
	r = PQexec(c, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
	    PQresultStatus(r) == PGRES_TUPLES_OK;
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

/* Prepare a fresh, empty store location for the given backend. */
static void
fixture_init(struct fixture *fx, bool pg)
{
	char sql[1024];
	const char *url;

	memset(fx, 0, sizeof(*fx));
	fixture_seq++;
	if (pg) {
		url = getenv("OVERVISOR_TEST_PG");
		snprintf(fx->schema, sizeof(fx->schema), "ovt_%ld_%u",
		    (long)getpid(), fixture_seq);
		snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE; "
		    "CREATE SCHEMA %s", fx->schema, fx->schema);
		assert_int_equal(pg_admin(sql), 0);
		snprintf(fx->target, sizeof(fx->target),
		    "%s%coptions=-csearch_path%%3D%s", url,
		    strchr(url, '?') != NULL ? '&' : '?', fx->schema);
	} else {
		snprintf(fx->path, sizeof(fx->path), "/tmp/ov-store-%ld-%u.db",
		    (long)getpid(), fixture_seq);
		unlink(fx->path);
		snprintf(sql, sizeof(sql), "%s-wal", fx->path);
		unlink(sql);
		snprintf(fx->target, sizeof(fx->target), "%s", fx->path);
	}
	assert_int_equal(ov_ctx_new(&fx->ctx), 0);
	ov_ctx_set_now(fx->ctx, T0);
	fixture_ctx = fx->ctx;
}

static void
fixture_done(struct fixture *fx)
{
	char buf[600];

	if (fx->schema[0] != '\0') {
		snprintf(buf, sizeof(buf), "DROP SCHEMA IF EXISTS %s CASCADE",
		    fx->schema);
		(void)pg_admin(buf);
	}
	if (fx->path[0] != '\0') {
		unlink(fx->path);
		snprintf(buf, sizeof(buf), "%s-wal", fx->path);
		unlink(buf);
		snprintf(buf, sizeof(buf), "%s-shm", fx->path);
		unlink(buf);
	}
	ov_ctx_free(fx->ctx);
}

static ov_store *
fixture_open(struct fixture *fx)
{
	ov_store *s = NULL;
	int rc = ov_store_open(&s, fx->ctx, fx->target, OV_STORE_MIGRATE);

	if (rc != 0)
		fprintf(stderr, "open: %s\n", ov_error_last(fx->ctx)->message);
	assert_int_equal(rc, 0);
	return s;
}

/* A synthetic finding. */
static __attribute__((unused)) void
add_finding(ov_findings *l, const char *rule, const char *id,
    const char *type, ov_severity sev, ov_state st, int64_t due)
{
	ov_finding f;

	memset(&f, 0, sizeof(f));
	f.rule = rule;
	f.title = "synthetic finding";
	f.severity = sev;
	f.state = st;
	f.resource_id = id;
	f.resource_type = type;
	f.owner = OV_OWNER_CUSTOMER;
	f.accountable = "csp-operator";
	f.duty = "nsg-review";
	f.due = due;
	f.source = "test";
	assert_int_equal(ov_findings_add(l, &f), 0);
}

static ov_findings *
new_list(const char *tenant)
{
	ov_findings *l = NULL;

	assert_int_equal(ov_findings_new(&l), 0);
	assert_int_equal(ov_findings_set_tenant(l, tenant), 0);
	return l;
}

/* One manifest source per test scan; status decides completeness. */
static ov_scan_source fixture_sources[2];

static ov_scan_record
scan_meta(int64_t at, const char *status)
{
	ov_scan_record m = OV_SCAN_RECORD_INIT;

	fixture_sources[0].name = "arg:resources";
	fixture_sources[0].status = status;
	fixture_sources[0].count = 10;
	fixture_sources[1].name = "graph:users";
	fixture_sources[1].status = "collected";
	fixture_sources[1].count = 3;
	m.tenant = "tenant-1";
	m.collected_at = at;
	m.tool_version = "0.1.0";
	m.rulepack_version = "test";
	m.has_manifest = status != NULL;
	m.sources = fixture_sources;
	m.n_sources = status != NULL ? 2 : 0;
	return m;
}

/* Fetch one finding's view by fingerprint (asserts it exists). */
struct one {
	ov_store_finding	 f;		/* copy of the row */
	char			 state[16];	/* copy of the state */
	int			 n;		/* rows seen */
};

static int
one_cb(const ov_store_finding *f, void *payload)
{
	struct one *o = payload;

	o->f = *f;
	snprintf(o->state, sizeof(o->state), "%s", f->state);
	o->f.state = o->state;
	o->f.fingerprint = o->f.rule = o->f.title = o->f.resource_id = NULL;
	o->f.resource_type = o->f.tenant = o->f.duty = NULL;
	o->f.owner = o->f.accountable = NULL;
	o->f.responsible = o->f.consulted = o->f.informed = NULL;
	o->n++;
	return 0;
}

static __attribute__((unused)) struct one
get_finding(ov_store *s, const char *rule, const char *id)
{
	ov_store_filter flt = OV_STORE_FILTER_INIT;
	char fp[33];
	struct one o;

	memset(&o, 0, sizeof(o));
	ov_fingerprint(rule, id, "tenant-1", fp);
	flt.fingerprint = fp;
	assert_int_equal(ov_store_findings_list(s, &flt, one_cb, &o), 0);
	return o;
}

static int
count_cb(const ov_store_finding *f, void *payload)
{
	(void)f;
	(*(int *)payload)++;
	return 0;
}

static __attribute__((unused)) int
count_findings(ov_store *s, const ov_store_filter *flt)
{
	int n = 0;

	assert_int_equal(ov_store_findings_list(s, flt, count_cb, &n), 0);
	return n;
}

#endif
