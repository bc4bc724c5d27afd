/* SPDX-License-Identifier: MIT */
/*
 * What a unit notes besides its records: diagnostics with their line,
 * column and JSON Pointer (up to the per-file cap; the rest are counted),
 * positions tracked incrementally, and paging notes.  The merge moves
 * them to the file table in unit order.  Used by the loader and every
 * adapter.
 */
#include <stdarg.h>
#include <stdio.h>

#include "lib/snapshot/load.h"
#include "util/alloc.h"
#include "util/error.h"

static int vdiag(struct load_ctx *, bool, unsigned, unsigned, const char *,
    const char *, va_list) __attribute__((format(printf, 6, 0)));

static int
vdiag(struct load_ctx *lc, bool warning, unsigned line, unsigned column,
    const char *pointer, const char *fmt, va_list ap)
{
	struct load_unit *u = lc->u;
	struct unit_diag *grown, *d;
	char msg[512];
	size_t cap;

	/* the main thread (templates): straight to the file table */
	if (u == NULL) {
		vsnprintf(msg, sizeof(msg), fmt, ap);
		return ov_snap__file_diag(lc->s, lc->file, warning, line,
		    column, pointer, msg);
	}
	/* a unit keeps no more than a file shows; the rest are counted */
	if (u->n_diags >= ov_ctx_limit(lc->ctx, OV_LIMIT_ERRORS_PER_FILE)) {
		if (warning)
			u->n_warn_dropped++;
		else
			u->n_dropped++;
		return 0;
	}
	if (u->n_diags == u->diags_cap) {
		cap = u->diags_cap != 0 ? u->diags_cap * 2 : 8;
		if ((grown = ov__reallocarray(u->diags, cap,
		    sizeof(*grown))) == NULL)
			return ov__error_oom(lc->ctx);
		u->diags = grown;
		u->diags_cap = cap;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	d = &u->diags[u->n_diags];
	d->line = line;
	d->column = column;
	d->pointer = pointer != NULL ? ov__arena_strdup(lc->w->arena,
	    pointer) : NULL;
	d->message = ov__arena_strdup(lc->w->arena, msg);
	d->warning = warning;
	if (d->message == NULL || (pointer != NULL && d->pointer == NULL))
		return ov__error_oom(lc->ctx);
	u->n_diags++;
	return 0;
}

/* Record a warning (read anyway; not an input error). */
int
ov_snap__warn(struct load_ctx *lc, unsigned line, unsigned column,
    const char *pointer, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = vdiag(lc, true, line, column, pointer, fmt, ap);
	va_end(ap);
	return error;
}

/* Warnings past a parse's own cap: counted, not kept. */
void
ov_snap__warn_dropped(struct load_ctx *lc, size_t n)
{
	if (lc->u != NULL)
		lc->u->n_warn_dropped += n;
	else
		lc->s->files[lc->file].n_warnings_dropped += n;
}

/* Record a diagnostic at a line and column of the current unit. */
int
ov_snap__diag(struct load_ctx *lc, unsigned line, unsigned column,
    const char *pointer, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = vdiag(lc, false, line, column, pointer, fmt, ap);
	va_end(ap);
	return error;
}

/* Record a diagnostic at a node of the current unit. */
int
ov_snap__diag_at(struct load_ctx *lc, const ov_json *node,
    const char *pointer, const char *fmt, ...)
{
	unsigned line = 0, column = 0;
	va_list ap;
	int error;

	if (node != NULL)
		ov_snap__position(lc, node, &line, &column);
	va_start(ap, fmt);
	error = vdiag(lc, false, line, column, pointer, fmt, ap);
	va_end(ap);
	return error;
}

/* Note that the file is a page of a paged response. */
void
ov_snap__page(struct load_ctx *lc, const char *kind, bool more,
    int64_t total, size_t rows)
{
	struct load_unit *u = lc->u;

	u->page_kind = kind;
	u->page_more = more;
	u->page_total = total;
	u->page_rows = rows;
}

/* A number member as an integer, or -1. */
static int64_t
int_member(const ov_json *obj, const char *a, const char *b)
{
	const ov_json *v = ov_json_get(obj, a);
	int64_t n;

	if (v == NULL && b != NULL)
		v = ov_json_get(obj, b);
	return ov_json_int(v, &n) && n >= 0 ? n : -1;
}

/* Resource Graph paging (objectArray and table pages, az graph query). */
void
ov_snap__arg_paging(struct load_ctx *lc, const ov_json *root, size_t rows)
{
	const char *tok = ov_json_string(ov_json_get(root, "$skipToken"));
	int64_t total = int_member(root, "totalRecords", "total_records");

	if (tok == NULL)
		tok = ov_json_string(ov_json_get(root, "skip_token"));
	if (tok != NULL && *tok == '\0')
		tok = NULL;
	if (tok == NULL && total < 0)
		return;
	ov_snap__page(lc, "Resource Graph", tok != NULL, total, rows);
}

/*
 * Line and column of a node.  Nodes are usually visited in increasing
 * offset order, so scanning resumes where the last call stopped.
 */
void
ov_snap__position(struct load_ctx *lc, const ov_json *node, unsigned *line,
    unsigned *column)
{
	uint64_t off = node->offset >= lc->base ? node->offset - lc->base : 0;
	uint64_t i;

	if (off > lc->len)
		off = lc->len;
	if (off < lc->pos_off || lc->pos_line == 0) {
		lc->pos_off = 0;
		lc->pos_line = 1;
		lc->pos_bol = 0;
	}
	for (i = lc->pos_off; i < off; i++)
		if (lc->data[i] == '\n') {
			lc->pos_line++;
			lc->pos_bol = i + 1;
		}
	lc->pos_off = off;
	*line = lc->pos_line + lc->line_base;
	*column = (unsigned)(off - lc->pos_bol) + 1;
}
