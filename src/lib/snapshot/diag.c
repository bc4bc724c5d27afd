/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics of the file being loaded: a bad line or item is recorded
 * with its line, column and JSON Pointer (up to the per-file cap) and the
 * load goes on; positions are tracked incrementally.  Used by the loader
 * and every adapter.
 */
#include <stdarg.h>
#include <stdio.h>

#include "lib/snapshot/snapshot_int.h"
#include "util/alloc.h"
#include "util/error.h"

static int vdiag(struct load_ctx *, bool, unsigned, unsigned, const char *,
    const char *, va_list) __attribute__((format(printf, 6, 0)));

static int
vdiag(struct load_ctx *lc, bool warning, unsigned line, unsigned column,
    const char *pointer, const char *fmt, va_list ap)
{
	struct ov_snapshot_file *f = &lc->s->files[lc->file];
	struct ov_file_diag *grown, *d;
	uint64_t cap_max = ov_ctx_limit(lc->s->ctx, OV_LIMIT_ERRORS_PER_FILE);
	char msg[512];
	size_t cap;

	if (f->n_diags >= cap_max) {
		if (warning)
			f->n_warnings_dropped++;
		else
			f->n_diags_dropped++;
		return 0;
	}
	if (f->n_diags % 8 == 0) {
		cap = f->n_diags + 8;
		if ((grown = ov__reallocarray(f->diags, cap,
		    sizeof(*grown))) == NULL)
			return ov__error_oom(lc->s->ctx);
		f->diags = grown;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	d = &f->diags[f->n_diags];
	d->line = line;
	d->column = column;
	d->pointer = pointer != NULL ? ov__arena_strdup(&lc->s->arena,
	    pointer) : NULL;
	d->message = ov__arena_strdup(&lc->s->arena, msg);
	d->warning = warning;
	if (d->message == NULL)
		return ov__error_oom(lc->s->ctx);
	f->n_diags++;
	if (warning)
		f->n_warnings++;
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

/* Record a diagnostic at a line and column of the current file. */
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

/* Record a diagnostic at a node of the current file. */
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
	*line = lc->pos_line;
	*column = (unsigned)(off - lc->pos_bol) + 1;
}
