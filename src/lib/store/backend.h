/* SPDX-License-Identifier: MIT */
/*
 * The store backend interface.  The store speaks a small, portable SQL
 * dialect: text parameters written $1..$n, text results, BIGINT and TEXT
 * columns, UPDATE ... FROM and RETURNING.  Each backend implements the
 * operations below; store_list.h lists them in the order they are asked
 * whether they accept a target.
 */
#ifndef OV_STORE_BACKEND_H
#define OV_STORE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"

struct ov_store;
struct ov_contract;

/* Called once per result row with the column values (NULL for SQL NULL). */
typedef int (*ov_store__row_cb)(void *payload, int ncols,
    const char *const *vals);

struct ov_store_backend {
	const char	*name;		/* "sqlite", "postgresql" */
	const char	*id_ddl;	/* auto-increment primary key column */
	/* true when target is this backend's (URL scheme or file) */
	bool		(*accepts)(const char *target);
	/* connect; sets s->conn; errors carry OV_ESTORE and a message */
	int		(*open)(struct ov_store *s, const char *target,
			    unsigned flags);
	void		(*close)(struct ov_store *s);
	/* run one or more statements without parameters or results */
	int		(*exec)(struct ov_store *s, const char *sql);
	/* run one statement with text parameters; cb may be NULL */
	int		(*query)(struct ov_store *s, const char *sql,
			    int nparams, const char *const *params,
			    ov_store__row_cb cb, void *payload);
	/* start a write transaction that excludes every other writer */
	int		(*begin_write)(struct ov_store *s);
	int		(*commit)(struct ov_store *s);
	void		(*rollback)(struct ov_store *s);
	/* bulk load rows into table(cols) inside the open transaction */
	int		(*bulk_begin)(struct ov_store *s, const char *table,
			    const char *const *cols, int ncols);
	int		(*bulk_row)(struct ov_store *s,
			    const char *const *vals);
	int		(*bulk_end)(struct ov_store *s);
};

struct ov_store {
	ov_ctx				*ctx;		/* borrowed */
	const struct ov_store_backend	*be;		/* the backend */
	void				*conn;		/* backend state */
	char				 display[512];	/* masked target */
	bool				 in_tx;		/* a transaction is open */
	unsigned			 flags;		/* OV_STORE_* */
	unsigned			 version;	/* schema version */
	struct ov_arena			 scratch;	/* strings from the last call */
	const struct ov_contract	*parties;	/* record its parties with
							   the next scan, or NULL */
	const struct ov_store__evidence	*evidence;	/* governance evidence to
							   record with the next
							   scan, or NULL */
	const char			*write_tenant;	/* the tenant the open
							   write is for, or
							   NULL: PostgreSQL
							   locks and pins it */
	/* Called inside a scan's transaction just before it commits (with
	 * the new scan id); a failure rolls the whole scan back.  Operator
	 * mode fences the job's outcome to its lease here. */
	int				(*before_commit)(struct ov_store *s,
					    int64_t scan_id, void *payload);
	void				*before_commit_payload;
	/* The job lease the next scans are fenced to (queue.c), or 0. */
	int64_t				 fence_id;
	char				 fence_token[64];
};

/* What a scan records beside its findings (evidence.c). */
struct ov_store__evidence {
	const struct ov_snapshot	*snap;		/* the snapshot */
	const struct ov_contract	*contract;	/* the scan's contract */
	const ov_scan_result		*result;	/* its answers, or NULL */
};

/*
 * Write the governance evidence of s->evidence for scan scan_id (text)
 * inside the open transaction: the contract's duties, the exceptions in
 * force, restore tests and backup items, policy enforcement per
 * assignment and control, and the answers to the contract questions.
 */
int	ov_store__record_evidence(struct ov_store *s, const char *scan_id);
/* v joined with sep in b, or NULL when n is 0 (or on OOM). */
const char *ov_store__join(struct ov_buf *b, const char *const *v,
	    size_t n, const char *sep);

#define OV_STORE_BACKEND(name) \
	extern const struct ov_store_backend ov_store_backend_##name;
#include "store_list.h"
#undef OV_STORE_BACKEND

/* Set an OV_ESTORE error naming the store; returns OV_ESTORE. */
int	ov_store__error(struct ov_store *s, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Execute with integer-free text parameters; shorthands over be->query. */
int	ov_store__exec(struct ov_store *s, const char *sql);
int	ov_store__query(struct ov_store *s, const char *sql, int nparams,
	    const char *const *params, ov_store__row_cb cb, void *payload);
/* Run a query returning one integer in the first column (0 when none). */
int	ov_store__query_int(struct ov_store *s, const char *sql,
	    int nparams, const char *const *params, int64_t *out);

/* Schema migrations (migrations.c). */
int	ov_store__schema_version(struct ov_store *s, unsigned *out);
int	ov_store__migrate(struct ov_store *s, unsigned to, unsigned *from);

/* The lifecycle writer (lifecycle.c). */
int	ov_store__record(struct ov_store *s, const ov_scan_record *meta,
	    const ov_findings *findings, const ov_digest *records,
	    const ov_exceptions *exc, int64_t *scan_id_out);

/* Test hook: OVERVISOR_TEST_PAUSE=<seconds> sleeps mid-transaction. */
void	ov_store__test_pause(void);

/* Format v as decimal into buf (at least 24 bytes); returns buf. */
const char *ov_store__i64(char *buf, int64_t v);
/* Parse a decimal column value; NULL gives 0. */
int64_t	ov_store__to_i64(const char *s);

#endif
