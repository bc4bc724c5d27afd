/* SPDX-License-Identifier: MIT */
/*
 * What every part of the store talks to the backend through: statements,
 * queries with text parameters, integer columns and errors that name the
 * (masked) target.  Below store.c (open, reads), lifecycle.c (writes) and
 * migrations.c (schema), which all use it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <unistd.h>

#include "store/backend.h"
#include "util/error.h"

/* Set a store error prefixed by the (masked) target. */
int
ov_store__error(struct ov_store *s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ov__error_at(s->ctx, OV_ESTORE, OV_ERRCLASS_STORE,
	    s->display, 0, 0, NULL, "%s", msg);
}

/* Format an integer. */
const char *
ov_store__i64(char *buf, int64_t v)
{
	snprintf(buf, 24, "%lld", (long long)v);
	return buf;
}

/* Parse an integer column. */
int64_t
ov_store__to_i64(const char *s)
{
	return s != NULL ? (int64_t)strtoll(s, NULL, 10) : 0;
}

/* Run statements. */
int
ov_store__exec(struct ov_store *s, const char *sql)
{
	return s->be->exec(s, sql);
}

/* Run one statement with text parameters. */
int
ov_store__query(struct ov_store *s, const char *sql, int nparams,
    const char *const *params, ov_store__row_cb cb, void *payload)
{
	return s->be->query(s, sql, nparams, params, cb, payload);
}

static int
first_int(void *payload, int ncols, const char *const *vals)
{
	int64_t *out = payload;

	if (ncols > 0)
		*out = ov_store__to_i64(vals[0]);
	return 1;		/* one row is enough */
}

/* A single integer result; 0 when there is no row. */
int
ov_store__query_int(struct ov_store *s, const char *sql, int nparams,
    const char *const *params, int64_t *out)
{
	int error;

	*out = 0;
	error = ov_store__query(s, sql, nparams, params, first_int, out);
	return error == 1 ? 0 : error;
}

/* Sleep when OVERVISOR_TEST_PAUSE asks for it (kill tests). */
void
ov_store__test_pause(void)
{
	const char *p = getenv("OVERVISOR_TEST_PAUSE");
	long n;

	if (p == NULL || *p == '\0')
		return;
	n = strtol(p, NULL, 10);
	if (n > 0 && n < 3600) {
		fprintf(stderr, "overvisor: test pause %lds\n", n);
		sleep((unsigned)n);
	}
}
