/* SPDX-License-Identifier: MIT */
/*
 * SQLite backend: one file, WAL journal, one IMMEDIATE transaction per
 * scan so a killed writer leaves the previous state intact.  Prepared
 * statements are cached per connection; "$N" parameters are rewritten to
 * SQLite's "?N".
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/backend.h"
#include "util/alloc.h"
#include "util/buf.h"

#define STMT_CACHE	48	/* prepared statements kept per connection */
#define BUSY_MS		3000	/* wait this long for another writer */

struct cached {
	char		*sql;		/* the statement text as given */
	sqlite3_stmt	*stmt;		/* prepared form */
};

struct conn {
	sqlite3		*db;		/* the connection */
	struct cached	 cache[STMT_CACHE]; /* prepared statements */
	size_t		 n_cache;	/* used cache slots */
	size_t		 next_evict;	/* round-robin eviction */
	sqlite3_stmt	*bulk;		/* open bulk insert, or NULL */
	int		 bulk_cols;	/* its column count */
	char		 path[512];	/* file name for messages */
};

static bool
sq_accepts(const char *target)
{
	(void)target;
	return true;
}

/* Turn a SQLite result code into a clear one-line store error. */
static int
sq_error(struct ov_store *s, int rc, const char *what)
{
	struct conn *c = s->conn;
	const char *msg = c != NULL && c->db != NULL ? sqlite3_errmsg(c->db) :
	    sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ov_store__error(s, "database is locked by another "
		    "process (%s)", what);
	case SQLITE_NOTADB:
		return ov_store__error(s, "file is not an SQLite database "
		    "(%s)", what);
	case SQLITE_CORRUPT:
		return ov_store__error(s, "database file is corrupt (%s: %s)",
		    what, msg);
	case SQLITE_CANTOPEN:
		return ov_store__error(s, "cannot open database file");
	case SQLITE_READONLY:
		return ov_store__error(s, "database is read-only (%s)", what);
	case SQLITE_FULL:
		return ov_store__error(s, "disk full (%s)", what);
	default:
		return ov_store__error(s, "%s: %s", what, msg);
	}
}

static void
sq_close(struct ov_store *s)
{
	struct conn *c = s->conn;
	size_t i;

	if (c == NULL)
		return;
	if (c->bulk != NULL)
		sqlite3_finalize(c->bulk);
	for (i = 0; i < c->n_cache; i++) {
		sqlite3_finalize(c->cache[i].stmt);
		ov__free(c->cache[i].sql);
	}
	sqlite3_close(c->db);
	ov__free(c);
	s->conn = NULL;
}

/*
 * "file:PATH?mode=ro&immutable=1", the path percent-encoded: how a store
 * that cannot be written at all (a read-only file in a read-only
 * directory, where a WAL database cannot create its -shm file) is still
 * read.  Immutable skips locking: nobody can write it meanwhile anyway.
 */
static int
immutable_uri(const char *path, struct ov_buf *b)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	int error = ov__buf_puts(b, "file:");

	for (p = (const unsigned char *)path; error == 0 && *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-._~", *p) != NULL)
			error = ov__buf_putc(b, (char)*p);
		else if ((error = ov__buf_putc(b, '%')) == 0 &&
		    (error = ov__buf_putc(b, hex[*p >> 4])) == 0)
			error = ov__buf_putc(b, hex[*p & 15]);
	}
	if (error == 0)
		error = ov__buf_puts(b, "?mode=ro&immutable=1");
	return error;
}

/* Open read-only; a store nobody may write is opened immutable. */
static int
sq_open_readonly(struct conn *c, const char *target, int busy)
{
	struct ov_buf uri = OV_BUF_INIT(1 << 16);
	int rc;

	rc = sqlite3_open_v2(target, &c->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		sqlite3_busy_timeout(c->db, busy);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_master",
		    NULL, NULL, NULL);
	if ((rc & 0xff) != SQLITE_READONLY && (rc & 0xff) != SQLITE_CANTOPEN)
		return rc;
	sqlite3_close(c->db);
	c->db = NULL;
	if (immutable_uri(target, &uri) < 0) {
		ov__buf_free(&uri);
		return SQLITE_NOMEM;
	}
	rc = sqlite3_open_v2(ov__buf_cstr(&uri), &c->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL);
	ov__buf_free(&uri);
	if (rc == SQLITE_OK)
		sqlite3_busy_timeout(c->db, busy);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_master",
		    NULL, NULL, NULL);
	return rc;
}

static int
sq_open(struct ov_store *s, const char *target, unsigned flags)
{
	struct conn *c;
	int rc, oflags;
	const char *env;
	int busy = BUSY_MS;

	if ((c = ov__calloc(1, sizeof(*c))) == NULL)
		return ov__error_oom(s->ctx);
	s->conn = c;
	snprintf(c->path, sizeof(c->path), "%s", target);
	if ((env = getenv("OVERVISOR_DB_BUSY_MS")) != NULL && *env != '\0')
		busy = (int)strtol(env, NULL, 10);
	if ((flags & OV_STORE_READONLY) != 0) {
		/* Listings never write, so a read-only file must do. */
		if ((rc = sq_open_readonly(c, target, busy)) != SQLITE_OK)
			return sq_error(s, rc, "open");
		return 0;
	}
	oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX;
	rc = sqlite3_open_v2(target, &c->db, oflags, NULL);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "open");
	sqlite3_extended_result_codes(c->db, 0);
	sqlite3_busy_timeout(c->db, busy);
	/* Touch the file now so a bad or locked one is reported at open. */
	rc = sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_master", NULL,
	    NULL, NULL);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "open");
	if ((flags & OV_STORE_READONLY) == 0) {
		rc = sqlite3_exec(c->db, "PRAGMA journal_mode=WAL;"
		    "PRAGMA cache_size=-16384;"
		    "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			return sq_error(s, rc, "open");
	}
	return 0;
}

static int
sq_exec(struct ov_store *s, const char *sql)
{
	struct conn *c = s->conn;
	int rc;

	if ((rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL)) != SQLITE_OK)
		return sq_error(s, rc, "exec");
	return 0;
}

/* Rewrite "$N" to "?N" and prepare, through the cache. */
static int
sq_prepare(struct ov_store *s, const char *sql, sqlite3_stmt **out)
{
	struct conn *c = s->conn;
	struct ov_buf b = OV_BUF_INIT(1 << 20);
	struct cached *slot;
	const char *p;
	size_t i;
	int rc, error = 0;

	for (i = 0; i < c->n_cache; i++)
		if (strcmp(c->cache[i].sql, sql) == 0) {
			*out = c->cache[i].stmt;
			sqlite3_reset(*out);
			sqlite3_clear_bindings(*out);
			return 0;
		}
	for (p = sql; *p != '\0' && error == 0; p++)
		error = ov__buf_putc(&b, *p == '$' ? '?' : *p);
	if (error < 0) {
		ov__buf_free(&b);
		return ov__error_oom(s->ctx);
	}
	if (c->n_cache < STMT_CACHE) {
		slot = &c->cache[c->n_cache];
	} else {
		/* full: reuse the next slot round-robin */
		slot = &c->cache[c->next_evict];
		c->next_evict = (c->next_evict + 1) % STMT_CACHE;
		sqlite3_finalize(slot->stmt);
		ov__free(slot->sql);
		slot->stmt = NULL;
		slot->sql = NULL;
		c->n_cache--;
		if (slot != &c->cache[c->n_cache])
			*slot = c->cache[c->n_cache];
		slot = &c->cache[c->n_cache];
	}
	rc = sqlite3_prepare_v2(c->db, ov__buf_cstr(&b), -1, &slot->stmt,
	    NULL);
	ov__buf_free(&b);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "prepare");
	if ((slot->sql = ov__strdup(sql)) == NULL) {
		sqlite3_finalize(slot->stmt);
		slot->stmt = NULL;
		return ov__error_oom(s->ctx);
	}
	c->n_cache++;
	*out = slot->stmt;
	return 0;
}

static int
sq_query(struct ov_store *s, const char *sql, int nparams,
    const char *const *params, ov_store__row_cb cb, void *payload)
{
	const char *vals[64];
	sqlite3_stmt *st = NULL;
	int i, rc, ncols, error;

	if ((error = sq_prepare(s, sql, &st)) < 0)
		return error;
	for (i = 0; i < nparams; i++) {
		rc = params[i] != NULL ?
		    sqlite3_bind_text(st, i + 1, params[i], -1,
		    SQLITE_TRANSIENT) : sqlite3_bind_null(st, i + 1);
		if (rc != SQLITE_OK) {
			error = sq_error(s, rc, "bind");
			sqlite3_finalize(st);
			return error;
		}
	}
	ncols = sqlite3_column_count(st);
	if (ncols > 64)
		ncols = 64;
	error = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cb == NULL)
			continue;
		for (i = 0; i < ncols; i++)
			vals[i] = (const char *)sqlite3_column_text(st, i);
		if ((error = cb(payload, ncols, vals)) != 0)
			break;
	}
	if (error == 0 && rc != SQLITE_DONE)
		error = sq_error(s, rc, "query");
	sqlite3_reset(st);
	return error;
}

static int
sq_begin_write(struct ov_store *s)
{
	return sq_exec(s, "BEGIN IMMEDIATE");
}

static int
sq_commit(struct ov_store *s)
{
	return sq_exec(s, "COMMIT");
}

static void
sq_rollback(struct ov_store *s)
{
	struct conn *c = s->conn;

	if (c != NULL && c->db != NULL && !sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

static int
sq_bulk_begin(struct ov_store *s, const char *table, const char *const *cols,
    int ncols)
{
	struct conn *c = s->conn;
	struct ov_buf b = OV_BUF_INIT(1 << 16);
	int i, rc, error = 0;

	error = ov__buf_printf(&b, "INSERT INTO %s (", table);
	for (i = 0; i < ncols && error == 0; i++)
		error = ov__buf_printf(&b, "%s%s", i ? ", " : "", cols[i]);
	if (error == 0)
		error = ov__buf_puts(&b, ") VALUES (");
	for (i = 0; i < ncols && error == 0; i++)
		error = ov__buf_printf(&b, "%s?%d", i ? ", " : "", i + 1);
	if (error == 0)
		error = ov__buf_putc(&b, ')');
	if (error < 0) {
		ov__buf_free(&b);
		return ov__error_oom(s->ctx);
	}
	rc = sqlite3_prepare_v2(c->db, ov__buf_cstr(&b), -1, &c->bulk, NULL);
	ov__buf_free(&b);
	if (rc != SQLITE_OK)
		return sq_error(s, rc, "prepare");
	c->bulk_cols = ncols;
	return 0;
}

static int
sq_bulk_row(struct ov_store *s, const char *const *vals)
{
	struct conn *c = s->conn;
	int i, rc;

	sqlite3_reset(c->bulk);
	for (i = 0; i < c->bulk_cols; i++) {
		rc = vals[i] != NULL ? sqlite3_bind_text(c->bulk, i + 1,
		    vals[i], -1, SQLITE_STATIC) :
		    sqlite3_bind_null(c->bulk, i + 1);
		if (rc != SQLITE_OK)
			return sq_error(s, rc, "bind");
	}
	if ((rc = sqlite3_step(c->bulk)) != SQLITE_DONE)
		return sq_error(s, rc, "insert");
	return 0;
}

static int
sq_bulk_end(struct ov_store *s)
{
	struct conn *c = s->conn;

	sqlite3_finalize(c->bulk);
	c->bulk = NULL;
	return 0;
}

/* The SQLite backend. */
const struct ov_store_backend ov_store_backend_sqlite = {
	"sqlite",
	"INTEGER PRIMARY KEY AUTOINCREMENT",
	sq_accepts,
	sq_open,
	sq_close,
	sq_exec,
	sq_query,
	sq_begin_write,
	sq_commit,
	sq_rollback,
	sq_bulk_begin,
	sq_bulk_row,
	sq_bulk_end,
};
