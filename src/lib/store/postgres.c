/* SPDX-License-Identifier: MIT */
/*
 * PostgreSQL backend through libpq.  Writers serialise on a transaction-
 * scoped advisory lock, so two scans recorded at once never interleave
 * their lifecycle updates; bulk rows go through COPY.
 */
#include <string.h>

#include <libpq-fe.h>

#include "store/backend.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/hash.h"

/*
 * The advisory locks writers take.  A write that names its tenant (every
 * scan) shares the store-wide lock and holds its tenant's alone, so scans
 * of different tenants are written at once and two of one tenant never
 * interleave; it also pins the transaction to the tenant (row-level
 * security, the tenant column's default, the tenant's own ids from schema
 * version 6).  Any other write (a migration) holds the store-wide lock
 * alone.
 */
#define WRITE_LOCK_SQL	"SELECT pg_advisory_xact_lock(1870034550)"
#define TENANT_LOCK_SQL \
	"SELECT pg_advisory_xact_lock_shared(1870034550), " \
	"pg_advisory_xact_lock(1870034551, hashtext($1)), " \
	"set_config('overvisor.tenant', $1, true)"
#define TENANT_IDS_SQL \
	"SELECT set_config('overvisor.id_seq', COALESCE((SELECT id_seq " \
	"FROM ov_tenants WHERE tenant = $1), ''), true)"

struct conn {
	PGconn		*pg;		/* the connection */
	struct ov_buf	 copy;		/* COPY rows waiting to be sent */
	int		 copy_cols;	/* columns per COPY row */
};

static bool
pg_accepts(const char *target)
{
	return strncmp(target, "postgresql://", 13) == 0 ||
	    strncmp(target, "postgres://", 11) == 0;
}

/* The first line of libpq's message, without the trailing newline. */
static int
pg_error(struct ov_store *s, const char *what, const char *msg)
{
	size_t n = strcspn(msg, "\n");

	while (n > 0 && (msg[n - 1] == ' ' || msg[n - 1] == '\r'))
		n--;
	return ov_store__error(s, "%s: %.*s", what, (int)n, msg);
}

static void
quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static void
pg_close(struct ov_store *s)
{
	struct conn *c = s->conn;

	if (c == NULL)
		return;
	if (c->pg != NULL)
		PQfinish(c->pg);
	ov__buf_free(&c->copy);
	ov__free(c);
	s->conn = NULL;
}

static int
pg_open(struct ov_store *s, const char *target, unsigned flags)
{
	struct conn *c;
	PGresult *r;

	(void)flags;
	if ((c = ov__calloc(1, sizeof(*c))) == NULL)
		return ov__error_oom(s->ctx);
	ov__buf_init(&c->copy, (size_t)1 << 31);
	s->conn = c;
	c->pg = PQconnectdb(target);
	if (c->pg == NULL)
		return ov__error_oom(s->ctx);
	if (PQstatus(c->pg) != CONNECTION_OK)
		return pg_error(s, "cannot connect", PQerrorMessage(c->pg));
	PQsetNoticeProcessor(c->pg, quiet_notices, NULL);
	r = PQexec(c->pg, "SET client_min_messages = warning");
	PQclear(r);
	return 0;
}

static int
pg_exec(struct ov_store *s, const char *sql)
{
	struct conn *c = s->conn;
	PGresult *r = PQexec(c->pg, sql);
	int error = 0;

	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK)
		error = pg_error(s, "exec", PQerrorMessage(c->pg));
	PQclear(r);
	return error;
}

static int
pg_query(struct ov_store *s, const char *sql, int nparams,
    const char *const *params, ov_store__row_cb cb, void *payload)
{
	struct conn *c = s->conn;
	const char *vals[64];
	PGresult *r;
	int i, row, nrows, ncols, error = 0;

	r = PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK) {
		error = pg_error(s, "query", PQerrorMessage(c->pg));
		goto done;
	}
	if (cb == NULL)
		goto done;
	nrows = PQntuples(r);
	ncols = PQnfields(r);
	if (ncols > 64)
		ncols = 64;
	for (row = 0; row < nrows && error == 0; row++) {
		for (i = 0; i < ncols; i++)
			vals[i] = PQgetisnull(r, row, i) ? NULL :
			    PQgetvalue(r, row, i);
		error = cb(payload, ncols, vals);
	}
done:
	PQclear(r);
	return error;
}

static int
pg_begin_write(struct ov_store *s)
{
	const char *p[1];
	int error;

	if ((error = pg_exec(s, "BEGIN")) < 0)
		return error;
	p[0] = s->write_tenant;
	if (s->write_tenant == NULL)
		error = pg_exec(s, WRITE_LOCK_SQL);
	else if ((error = pg_query(s, TENANT_LOCK_SQL, 1, p, NULL,
	    NULL)) == 0 && s->version >= 6)
		error = pg_query(s, TENANT_IDS_SQL, 1, p, NULL, NULL);
	if (error < 0)
		pg_exec(s, "ROLLBACK");
	return error;
}

static int
pg_commit(struct ov_store *s)
{
	return pg_exec(s, "COMMIT");
}

static void
pg_rollback(struct ov_store *s)
{
	struct conn *c = s->conn;
	PGresult *r;

	if (c == NULL || c->pg == NULL)
		return;
	r = PQexec(c->pg, "ROLLBACK");
	PQclear(r);
}

static int
pg_bulk_begin(struct ov_store *s, const char *table, const char *const *cols,
    int ncols)
{
	struct conn *c = s->conn;
	struct ov_buf b = OV_BUF_INIT(1 << 16);
	PGresult *r;
	int i, error = 0;

	error = ov__buf_printf(&b, "COPY %s (", table);
	for (i = 0; i < ncols && error == 0; i++)
		error = ov__buf_printf(&b, "%s%s", i ? ", " : "", cols[i]);
	if (error == 0)
		error = ov__buf_puts(&b, ") FROM STDIN");
	if (error < 0) {
		ov__buf_free(&b);
		return ov__error_oom(s->ctx);
	}
	r = PQexec(c->pg, ov__buf_cstr(&b));
	ov__buf_free(&b);
	if (PQresultStatus(r) != PGRES_COPY_IN)
		error = pg_error(s, "copy", PQerrorMessage(c->pg));
	PQclear(r);
	c->copy_cols = ncols;
	ov__buf_clear(&c->copy);
	return error;
}

/* Send what is buffered once it is large enough (or when forced). */
static int
pg_flush(struct ov_store *s, bool force)
{
	struct conn *c = s->conn;

	if (c->copy.len == 0 || (!force && c->copy.len < (1u << 20)))
		return 0;
	if (PQputCopyData(c->pg, c->copy.ptr, (int)c->copy.len) != 1)
		return pg_error(s, "copy", PQerrorMessage(c->pg));
	ov__buf_clear(&c->copy);
	return 0;
}

static int
pg_bulk_row(struct ov_store *s, const char *const *vals)
{
	struct conn *c = s->conn;
	const char *p;
	int i, error = 0;

	for (i = 0; i < c->copy_cols && error == 0; i++) {
		if (i > 0)
			error = ov__buf_putc(&c->copy, '\t');
		if (vals[i] == NULL) {
			if (error == 0)
				error = ov__buf_puts(&c->copy, "\\N");
			continue;
		}
		for (p = vals[i]; *p != '\0' && error == 0; p++) {
			switch (*p) {
			case '\\': error = ov__buf_puts(&c->copy, "\\\\");
				break;
			case '\t': error = ov__buf_puts(&c->copy, "\\t");
				break;
			case '\n': error = ov__buf_puts(&c->copy, "\\n");
				break;
			case '\r': error = ov__buf_puts(&c->copy, "\\r");
				break;
			default: error = ov__buf_putc(&c->copy, *p);
				break;
			}
		}
	}
	if (error == 0)
		error = ov__buf_putc(&c->copy, '\n');
	if (error < 0)
		return ov__error_oom(s->ctx);
	return pg_flush(s, false);
}

static int
pg_bulk_end(struct ov_store *s)
{
	struct conn *c = s->conn;
	PGresult *r;
	int error;

	if ((error = pg_flush(s, true)) < 0)
		return error;
	if (PQputCopyEnd(c->pg, NULL) != 1)
		return pg_error(s, "copy", PQerrorMessage(c->pg));
	while ((r = PQgetResult(c->pg)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && error == 0)
			error = pg_error(s, "copy", PQerrorMessage(c->pg));
		PQclear(r);
	}
	return error;
}

/* The PostgreSQL backend. */
const struct ov_store_backend ov_store_backend_postgres = {
	"postgresql",
	"BIGSERIAL PRIMARY KEY",
	pg_accepts,
	pg_open,
	pg_close,
	pg_exec,
	pg_query,
	pg_begin_write,
	pg_commit,
	pg_rollback,
	pg_bulk_begin,
	pg_bulk_row,
	pg_bulk_end,
};
