/* SPDX-License-Identifier: MIT */
/*
 * Duplicate JSON keys: the parser keeps the last value (as ARM and .NET
 * read it) and reports each repeat; the loader turns them into warnings
 * naming both positions.  Whole documents go through
 * ov_snap__parse_warned(); NDJSON lines, parsed by a worker's reusable
 * parser, through a collector the worker installs on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/snapshot/load.h"
#include "util/alloc.h"
#include "util/error.h"

/* Duplicate keys seen while parsing one text, positions resolved after. */
#define MAX_DUPS 128

struct ov_snap_dups;
struct dups {
	uint64_t	 base;		/* subtract to get file offsets */
	size_t		 n;		/* kept */
	size_t		 dropped;	/* past MAX_DUPS */
	uint64_t	 off[MAX_DUPS];	/* the later key */
	uint64_t	 first[MAX_DUPS]; /* the earlier key */
	char		 key[MAX_DUPS][64]; /* the key, maybe cut */
};

static void
on_dup(const ov_json_warning *w, void *payload)
{
	struct dups *d = payload;

	if (w->kind != OV_JSON_WARN_DUPLICATE_KEY)
		return;
	if (d->n == MAX_DUPS) {
		d->dropped++;
		return;
	}
	d->off[d->n] = w->offset >= d->base ? w->offset - d->base : 0;
	d->first[d->n] = w->first_offset >= d->base ?
	    w->first_offset - d->base : 0;
	snprintf(d->key[d->n], sizeof(d->key[0]), "%.*s",
	    (int)(w->klen < 60 ? w->klen : 60), w->key);
	d->n++;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Line of sorted offset o, found by one forward pass over the file. */
struct pos {
	uint64_t	 off;
	unsigned	 line;
	unsigned	 column;
};

static const struct pos *
find_pos(const struct pos *ps, size_t n, uint64_t off)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ps[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n ? &ps[lo] : NULL;
}

/*
 * Turn the duplicate keys of one parse into warnings naming both
 * positions.  The offsets are sorted and resolved in one pass over the
 * file, so many duplicates never cost a rescan each.
 */
static int
report_dups(struct load_ctx *lc, const struct dups *d)
{
	struct pos ps[2 * MAX_DUPS];
	uint64_t offs[2 * MAX_DUPS], i, at = 0, bol = 0;
	unsigned line = 1;
	size_t n = 0, k;
	int error = 0;

	for (k = 0; k < d->n; k++) {
		offs[n++] = d->off[k];
		offs[n++] = d->first[k];
	}
	qsort(offs, n, sizeof(offs[0]), cmp_u64);
	for (k = 0; k < n; k++) {
		uint64_t o = offs[k] < lc->len ? offs[k] : lc->len;

		for (i = at; i < o; i++)
			if (lc->data[i] == '\n') {
				line++;
				bol = i + 1;
			}
		at = o > at ? o : at;
		ps[k].off = offs[k];
		ps[k].line = line;
		ps[k].column = (unsigned)(o - bol) + 1;
	}
	for (k = 0; k < d->n && error == 0; k++) {
		const struct pos *later = find_pos(ps, n, d->off[k]);
		const struct pos *first = find_pos(ps, n, d->first[k]);

		if (later == NULL || first == NULL)
			continue;	/* cannot happen: both were sorted in */
		error = ov_snap__warn(lc, later->line + lc->line_base,
		    later->column, NULL,
		    "duplicate key '%s' (first at %u:%u): the last value is "
		    "used, as ARM reads it", d->key[k], first->line,
		    first->column);
	}
	ov_snap__warn_dropped(lc, d->dropped);
	return error;
}

/* Parse a whole text with duplicate keys reported as warnings. */
int
ov_snap__parse_warned(struct load_ctx *lc, const char *text, size_t len,
    unsigned flags, uint64_t base, ov_json_doc **doc, ov_json_error *jerr)
{
	struct dups *d;
	int error;

	if ((d = ov__calloc(1, sizeof(*d))) == NULL)
		return ov__error_oom(lc->ctx);
	d->base = base;
	error = ov_json_parse_warn(doc, lc->ctx, text, len, flags, jerr,
	    on_dup, d);
	if (error == 0 && d->n > 0 && (error = report_dups(lc, d)) < 0) {
		ov_json_doc_free(*doc);
		*doc = NULL;
	}
	ov__free(d);
	return error;
}

/* A collector for the duplicate keys of one NDJSON line; see load.h. */
struct ov_snap_dups *
ov_snap__dups_new(void)
{
	return ov__calloc(1, sizeof(struct dups));
}

void
ov_snap__dups_free(struct ov_snap_dups *d)
{
	ov__free(d);
}

/* The parser's warning callback for a collector. */
void
ov_snap__dups_cb(const ov_json_warning *w, void *payload)
{
	on_dup(w, payload);
}

/* Report what the collector holds for the line just parsed; empty it. */
int
ov_snap__dups_report(struct load_ctx *lc, struct ov_snap_dups *sd)
{
	struct dups *d = (struct dups *)sd;
	int error = 0;

	if (d->n > 0 || d->dropped > 0)
		error = report_dups(lc, d);
	d->n = 0;
	d->dropped = 0;
	return error;
}

/* Forget what the collector holds (before a parse). */
void
ov_snap__dups_clear(struct ov_snap_dups *sd)
{
	struct dups *d = (struct dups *)sd;

	d->n = 0;
	d->dropped = 0;
}
