/* SPDX-License-Identifier: MIT */
/*
 * The loader: walk the inputs, load them in units on worker threads, merge
 * the units in order (snapshot_int.h tells the steps).
 *
 * Limits are checked before bytes are read: a file's size is taken from
 * fstat first, a file larger than the document limit is a diagnostic
 * without a read, and a device or a pipe is read at most to the limit plus
 * one byte (and not at all past a first block that is not JSON).  NDJSON
 * files are read in chunks and parsed line by line, so they may be any
 * size; one line is one document.  Every cost is linear in the bytes read:
 * records are appended, never re-indexed per file.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/snapshot/load.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"

static const struct ov_adapter *const adapters[] = {
#define OV_ADAPTER(name) &ov_adapter_##name,
#include "lib/snapshot/adapter_list.h"
#undef OV_ADAPTER
	NULL
};

#define CHUNK		(4u << 20)	/* NDJSON bytes per unit */
#define PIECE		(64u << 10)	/* bytes read at once to sniff or
					   finish a line */
#define MAX_DEPTH	32		/* directory nesting followed */
#define MAX_THREADS	64

/* ---- reading -------------------------------------------------------------- */

static bool
has_suffix_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && ov__eq_ci(s + n - k, k, suffix, k);
}

static bool
ndjson_name(const char *name)
{
	return has_suffix_ci(name, ".ndjson") || has_suffix_ci(name, ".jsonl");
}

/* A diagnostic at 0:0 of the current file with a system error. */
static int
io_diag(struct load_ctx *lc, const char *what, int e)
{
	return ov_snap__diag(lc, 0, 0, NULL, "%s: %s", what, strerror(e));
}

/* True when a first block cannot start a JSON document. */
static bool
not_json(const char *p, size_t n)
{
	size_t i = 0;

	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		/* any JSON value, or a comment in a lenient template */
		return !(c == '{' || c == '[' || c == '"' || c == '-' ||
		    (c >= '0' && c <= '9') || c == 't' || c == 'f' ||
		    c == 'n' || c == '/');
	}
	return false;
}

/*
 * Read a whole file for a unit: at most the document limit (a regular
 * file larger than that is refused from its size, without a read; a
 * device or pipe is read up to the limit plus one byte).  *buf is NULL
 * after a diagnostic.
 */
static int
read_whole(struct load_ctx *lc, char **buf, size_t *len)
{
	uint64_t max = ov_ctx_limit(lc->ctx, OV_LIMIT_JSON_DOCUMENT);
	struct ov_file f;
	struct ov_buf b = OV_BUF_INIT((size_t)max + 2);
	size_t got;
	char *p = NULL;
	int e, error = 0;

	*buf = NULL;
	*len = 0;
	if ((e = ov__file_open(&f, lc->path)) < 0)
		return io_diag(lc, "cannot read", -e);
	if (f.regular) {
		if (f.size > max) {
			error = ov_snap__diag(lc, 0, 0, NULL, "file is larger "
			    "than the document limit (%llu bytes); not read",
			    (unsigned long long)max);
			goto done;
		}
		/*
		 * One allocation of the size fstat gave; its first block
		 * read alone, so junk costs no more than that block.
		 */
		if ((p = ov__malloc((size_t)f.size + 1)) == NULL) {
			error = ov__error_oom(lc->ctx);
			goto done;
		}
		if ((e = ov__file_read(&f, 0, p, f.size < PIECE ?
		    (size_t)f.size : PIECE, &got)) < 0) {
			error = io_diag(lc, "cannot read", -e);
			goto done;
		}
		if (not_json(p, got)) {
			error = ov_snap__diag(lc, 1, 1, NULL, "not JSON: the "
			    "file starts with byte 0x%02x; read no further",
			    (unsigned char)p[0]);
			goto done;
		}
		if (got == PIECE && f.size > PIECE) {
			size_t more;

			if ((e = ov__file_read(&f, got, p + got,
			    (size_t)f.size - got, &more)) < 0) {
				error = io_diag(lc, "cannot read", -e);
				goto done;
			}
			got += more;
		}
		p[got] = '\0';
		lc->u->read = true;
		*buf = p;
		*len = got;
		p = NULL;
		goto done;
	}
	/* a device or a pipe: pieces, stopping past the limit */
	for (;;) {
		size_t want = PIECE;

		if (b.len + want > max + 1)
			want = (size_t)(max + 1 - b.len);
		if (want == 0) {
			error = ov_snap__diag(lc, 0, 0, NULL, "input is larger "
			    "than the document limit (%llu bytes); read no "
			    "further", (unsigned long long)max);
			goto done;
		}
		if (ov__buf_grow(&b, want + 1) < 0) {
			error = ov__error_oom(lc->ctx);
			goto done;
		}
		if ((e = ov__file_read(&f, b.len, b.ptr + b.len, want,
		    &got)) < 0) {
			error = io_diag(lc, "cannot read", -e);
			goto done;
		}
		if (got == 0)
			break;
		b.len += got;
		b.ptr[b.len] = '\0';
		if (b.len == got && not_json(b.ptr, b.len)) {
			error = ov_snap__diag(lc, 1, 1, NULL, "not JSON: the "
			    "input starts with byte 0x%02x; read no further",
			    (unsigned char)b.ptr[0]);
			goto done;
		}
	}
	lc->u->read = true;
	*len = b.len;
	if ((*buf = ov__buf_detach(&b)) == NULL && (*buf = ov__strdup(""))
	    == NULL)
		error = ov__error_oom(lc->ctx);
done:
	ov__free(p);
	ov__buf_free(&b);
	ov__file_close(&f);
	return error;
}

/* ---- NDJSON --------------------------------------------------------------- */

static bool
blank_line(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return false;
	return true;
}

/* One NDJSON line (lineno counts from 1 in the unit). */
static int
ndjson_line(struct load_ctx *lc, const char *p, size_t n, unsigned lineno)
{
	struct load_worker *w = lc->w;
	ov_json_error jerr;
	const ov_json *root;
	int error;

	if (blank_line(p, n))
		return 0;
	if (n > ov_ctx_limit(lc->ctx, OV_LIMIT_JSON_DOCUMENT))
		return ov_snap__diag(lc, lineno, 1, NULL, "line is longer "
		    "than the document limit (%llu bytes)",
		    (unsigned long long)ov_ctx_limit(lc->ctx,
		    OV_LIMIT_JSON_DOCUMENT));
	ov_snap__dups_clear(w->dups);
	error = ov_json_parser_parse(w->parser, p, n, &root, NULL, &jerr);
	if (error == OV_ENOMEM)
		return error;
	if (error < 0) {
		ov_error_clear(lc->ctx);
		return ov_snap__diag(lc, lineno, jerr.column, NULL, "%s",
		    jerr.message);
	}
	if (w->L->flags & OV_LOAD_SYNTAX_ONLY)
		return 0;
	if (ov_json_type_of(root) != OV_JSON_OBJECT)
		return ov_snap__diag(lc, lineno, 1, NULL,
		    "line is not a JSON object");
	lc->data = p;
	lc->len = n;
	lc->base = 0;
	lc->line_base = lineno - 1;
	lc->pos_line = 0;
	if ((error = ov_snap__dups_report(lc, w->dups)) < 0)
		return error;
	error = ov_snap__add_object(lc, root, NULL, NULL);
	ov__arena_reset(lc->scratch);
	return error;
}

/*
 * The lines of buf[0..len) that start before stop (all of them when stop
 * is len), numbered from first.
 */
static int
ndjson_lines(struct load_ctx *lc, const char *buf, size_t len, size_t stop,
    unsigned *lineno)
{
	size_t start = 0, nl;
	const char *e;
	int error;

	while (start < len && start < stop) {
		e = memchr(buf + start, '\n', len - start);
		nl = e != NULL ? (size_t)(e - buf) : len;
		(*lineno)++;
		if ((error = ndjson_line(lc, buf + start, nl - start,
		    *lineno)) < 0)
			return error;
		start = nl + 1;
	}
	return 0;
}

/*
 * A chunk of a large NDJSON file: the lines that start in [begin, end),
 * the last one read to its end.
 */
static int
load_chunk(struct load_ctx *lc)
{
	struct load_unit *u = lc->u;
	uint64_t max = ov_ctx_limit(lc->ctx, OV_LIMIT_JSON_DOCUMENT);
	uint64_t from = u->begin > 0 ? u->begin - 1 : 0;
	struct ov_file f;
	struct ov_buf b = OV_BUF_INIT(OV_BUF_MAX_DEFAULT);
	size_t got, skip = 0, stop, tail;
	unsigned lineno = 0;
	const char *nl;
	int e, error = 0;

	if ((e = ov__file_open(&f, lc->path)) < 0)
		return io_diag(lc, "cannot read", -e);
	if ((error = ov__buf_grow(&b, (size_t)(u->end - from) + 1)) < 0) {
		error = ov__error_oom(lc->ctx);
		goto done;
	}
	if ((e = ov__file_read(&f, from, b.ptr, (size_t)(u->end - from),
	    &got)) < 0) {
		error = io_diag(lc, "cannot read", -e);
		goto done;
	}
	b.len = got;
	u->read = true;
	/* the first line that starts at or after begin */
	if (u->begin > 0) {
		nl = memchr(b.ptr, '\n', b.len);
		skip = nl != NULL ? (size_t)(nl - b.ptr) + 1 : b.len;
	}
	stop = b.len;
	/* where the last line starts */
	for (tail = b.len; tail > skip && b.ptr[tail - 1] != '\n'; tail--)
		continue;
	/* finish the last line past end, a piece at a time */
	while (b.len > skip && b.ptr[b.len - 1] != '\n') {
		size_t last = b.len;

		if (ov__buf_grow(&b, PIECE + 1) < 0) {
			error = ov__error_oom(lc->ctx);
			goto done;
		}
		if ((e = ov__file_read(&f, from + b.len, b.ptr + b.len, PIECE,
		    &got)) < 0) {
			error = io_diag(lc, "cannot read", -e);
			goto done;
		}
		if (got == 0)
			break;
		b.len += got;
		if ((nl = memchr(b.ptr + last, '\n', got)) != NULL) {
			b.len = (size_t)(nl - b.ptr) + 1;
			break;
		}
		if (b.len - tail > max + 1)
			break;	/* past the limit: ndjson_line says so */
	}
	if (b.ptr != NULL)
		b.ptr[b.len] = '\0';
	lc->data = b.ptr;
	error = ndjson_lines(lc, b.ptr + skip, b.len - skip, stop - skip,
	    &lineno);
	u->n_lines = lineno;
done:
	ov__buf_free(&b);
	ov__file_close(&f);
	return error;
}

/* True when data holds a second JSON value on a later line. */
static bool
second_value(const char *data, size_t len, size_t end)
{
	bool saw_nl = false;
	size_t i;

	for (i = end; i < len; i++) {
		if (data[i] == '\n')
			saw_nl = true;
		else if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r')
			return saw_nl;
	}
	return false;
}

/* Hand a parsed root to the adapter that recognises it. */
static int
adapt(struct load_ctx *lc, const ov_json *root)
{
	const struct ov_adapter *const *a;

	for (a = adapters; *a != NULL; a++)
		if ((*a)->detect(root)) {
			lc->u->format = (*a)->name;
			return (*a)->load(lc, root);
		}
	lc->u->format = "unknown";
	return ov_snap__diag(lc, 1, 1, NULL,
	    "not a recognised input: expected Resource Graph, ARM, az CLI, "
	    "Microsoft Graph or NDJSON data");
}

/*
 * A whole document the first parse could not take as it was: strict,
 * else lenient for an ARM template (ARM accepts comments), else the
 * strict error.
 */
static int
load_doc(struct load_ctx *lc)
{
	ov_json_doc *doc = NULL;
	ov_json_error jerr, lerr;
	int error;

	error = ov_snap__parse_warned(lc, lc->data, lc->len, OV_JSON_STRICT,
	    0, &doc, &jerr);
	if (error == OV_ENOMEM)
		return error;
	if (error < 0) {
		ov_error_clear(lc->ctx);
		if (!(lc->w->L->flags & OV_LOAD_SYNTAX_ONLY) &&
		    ov_snap__parse_warned(lc, lc->data, lc->len,
		    OV_JSON_LENIENT, 0, &doc, &lerr) == 0 &&
		    ov_adapter_arm_template.detect(ov_json_doc_root(doc)))
			goto parsed;
		ov_json_doc_free(doc);
		ov_error_clear(lc->ctx);
		return ov_snap__diag(lc, jerr.line, jerr.column, NULL, "%s",
		    jerr.message);
	}
parsed:
	if (lc->w->L->flags & OV_LOAD_SYNTAX_ONLY) {
		lc->u->format = "json";
		ov_json_doc_free(doc);
		return 0;
	}
	if ((error = ov_snap__keep_doc(lc, doc)) < 0)
		return error;
	return adapt(lc, ov_json_doc_root(doc));
}

/* True when only white space follows offset end. */
static bool
only_space(const char *data, size_t len, size_t end)
{
	size_t i;

	for (i = end; i < len; i++)
		if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r' &&
		    data[i] != '\n')
			return false;
	return true;
}

/*
 * A whole file (or buffer): NDJSON by name or by content (a second value
 * on a later line), else one document.  The first value is parsed once:
 * when it is the whole file, its tree is the document.
 */
static int
load_whole(struct load_ctx *lc)
{
	struct load_unit *u = lc->u;
	struct in_file *in = u->in;
	const ov_json *root = NULL;
	char *buf = NULL;
	size_t len, end = 0;
	unsigned lineno = 0;
	bool nd = in->ndjson;
	int error;

	if (in->buffer) {
		len = in->len;
		u->read = true;
	} else if ((error = read_whole(lc, &buf, &len)) < 0 || buf == NULL) {
		return error;
	}
	lc->data = in->buffer ? in->data : buf;
	lc->len = len;
	if (!nd && len > ov_ctx_limit(lc->ctx, OV_LIMIT_JSON_DOCUMENT)) {
		error = ov_snap__diag(lc, 0, 0, NULL, "file is larger than the "
		    "document limit (%llu bytes)", (unsigned long long)
		    ov_ctx_limit(lc->ctx, OV_LIMIT_JSON_DOCUMENT));
		goto done;
	}
	if (!nd) {
		ov_snap__dups_clear(lc->w->dups);
		if ((error = ov_json_parser_parse(lc->w->sniff, lc->data, len,
		    &root, &end, NULL)) == 0) {
			if (second_value(lc->data, len, end))
				nd = true;
			else if (!only_space(lc->data, len, end))
				root = NULL;	/* the strict parse says why */
		} else {
			root = NULL;
		}
		ov_error_clear(lc->ctx);
		if (error == OV_ENOMEM) {
			error = ov__error_oom(lc->ctx);
			goto done;
		}
		/* the first value is the document: its duplicate keys */
		if (root != NULL && !nd && !(lc->w->L->flags &
		    OV_LOAD_SYNTAX_ONLY) && (error = ov_snap__dups_report(lc,
		    lc->w->dups)) < 0)
			goto done;
	}
	if (nd) {
		u->format = "ndjson";
		error = ndjson_lines(lc, lc->data, len, len, &lineno);
		u->n_lines = lineno;
	} else if (root == NULL) {
		error = load_doc(lc);
	} else if (lc->w->L->flags & OV_LOAD_SYNTAX_ONLY) {
		u->format = "json";
		error = 0;
	} else {
		error = adapt(lc, root);
	}
done:
	ov__free(buf);
	return error;
}

/* Load one unit in worker w. */
static int
load_unit(struct load_worker *w, struct load_unit *u)
{
	const struct ov_load_hooks *h = w->L->hooks;
	struct load_ctx lc;
	size_t i;
	int error = 0;

	memset(&lc, 0, sizeof(lc));
	lc.s = w->L->s;
	lc.ctx = w->ctx;
	lc.w = w;
	lc.u = u;
	lc.file = u->in->file;
	lc.path = u->in->path;
	lc.default_type = u->in->default_type;
	lc.scratch = &w->scratch;
	if (h != NULL && h->unit_new != NULL &&
	    (error = h->unit_new(h->payload, w->hook_state,
	    &u->hook_unit)) < 0)
		return error;
	if (u->chunk) {
		u->format = "ndjson";
		error = load_chunk(&lc);
	} else {
		error = load_whole(&lc);
	}
	for (i = 0; i < u->n_docs; i++)
		ov_json_doc_free(u->docs[i]);
	ov__free(u->docs);
	u->docs = NULL;
	u->n_docs = 0;
	ov__arena_reset(&w->scratch);
	return error;
}

/* ---- workers and the merge ------------------------------------------------ */

static void
worker_free(struct loader *L, struct load_worker *w)
{
	const struct ov_load_hooks *h = L->hooks;

	if (h != NULL && h->worker_free != NULL && w->hook_state != NULL)
		h->worker_free(h->payload, w->hook_state);
	ov_json_parser_free(w->parser);
	ov_json_parser_free(w->sniff);
	ov_snap__dups_free(w->dups);
	ov_intern__free(&w->intern);
	ov__arena_free(&w->scratch);
	if (w->arena != NULL) {
		ov__arena_free(w->arena);
		ov__free(w->arena);
	}
	ov_ctx_free(w->ctx);
}

static int
worker_init(struct loader *L, struct load_worker *w)
{
	const struct ov_load_hooks *h = L->hooks;
	const struct ov_ctx *c = L->s->ctx;
	int error;

	memset(w, 0, sizeof(*w));
	w->L = L;
	if (ov_ctx_new(&w->ctx) < 0)
		return ov__error_oom(L->s->ctx);
	memcpy(w->ctx->limits, c->limits, sizeof(c->limits));
	w->ctx->now = c->now;
	if ((w->arena = ov__calloc(1, sizeof(*w->arena))) == NULL)
		return ov__error_oom(L->s->ctx);
	/* large blocks: mapped, not carved from the heap */
	ov__arena_init(w->arena, 1u << 20, 0);
	ov__arena_init(&w->scratch, 0, 0);
	ov_intern__init(&w->intern, w->arena);
	if (ov_json_parser_new(&w->parser, w->ctx, OV_JSON_STRICT) < 0 ||
	    ov_json_parser_new(&w->sniff, w->ctx,
	    OV_JSON_STRICT | OV_JSON_PREFIX) < 0 ||
	    (w->dups = ov_snap__dups_new()) == NULL)
		return ov__error_oom(L->s->ctx);
	ov_json_parser_set_warn(w->parser, ov_snap__dups_cb, w->dups);
	ov_json_parser_set_warn(w->sniff, ov_snap__dups_cb, w->dups);
	if (h != NULL && h->worker_new != NULL &&
	    (error = h->worker_new(h->payload, w->ctx, &w->hook_state)) < 0)
		return error;
	return 0;
}

/* Release what a unit holds after its merge (or on failure); idempotent. */
static void
unit_clear(struct loader *L, struct load_unit *u)
{
	const struct ov_load_hooks *h = L->hooks;
	size_t i;

	if (h != NULL && h->unit_free != NULL && u->hook_unit != NULL)
		h->unit_free(h->payload, u->hook_unit);
	u->hook_unit = NULL;
	for (i = 0; i < u->n_docs; i++)
		ov_json_doc_free(u->docs[i]);
	ov__free(u->docs);
	u->docs = NULL;
	u->n_docs = u->docs_cap = 0;
	ov__free(u->recs);
	ov__free(u->tenants);
	u->recs = NULL;
	u->tenants = NULL;
	u->n_recs = u->recs_cap = 0;
	ov__free(u->diags);
	u->diags = NULL;
	u->n_diags = u->diags_cap = u->n_dropped = u->n_warn_dropped = 0;
	ov__free(u->manifest);
	u->manifest = NULL;
	ov__free(u->iac_data);
	u->iac_data = NULL;
	ov_digest_free(u->digest);
	u->digest = NULL;
}

/*
 * A template or plan a worker met: lib/iac expands it here, on the main
 * thread in load order (it writes to the snapshot: records, linked
 * templates' file entries, notes, line tables).  Its records then meet the
 * hooks as a worker's would, with the main thread's worker state.  A
 * template another one links was expanded there already.
 */
static int
merge_iac(struct loader *L, struct load_unit *u)
{
	struct ov_snapshot *s = L->s;
	const struct ov_load_hooks *h = L->hooks;
	struct load_worker *me = &L->workers[0];
	size_t first = s->n_records, i;
	struct load_ctx lc;
	const ov_json *root;
	int error;

	if (s->iac_ops->was_linked(s, u->in->path))
		return 0;
	memset(&lc, 0, sizeof(lc));
	lc.s = s;
	lc.ctx = s->ctx;
	lc.file = u->in->file;
	lc.path = u->in->path;
	lc.data = u->iac_data;
	lc.len = u->iac_len;
	lc.default_type = u->in->default_type;
	lc.scratch = &me->scratch;
	/* the worker parsed it already: only memory can fail here */
	if ((error = ov_snap__parse_keep(&lc, u->iac_data, u->iac_len,
	    OV_JSON_LENIENT, &root)) < 0)
		return error;
	error = u->iac_plan ? s->iac_ops->load_plan(&lc, root) :
	    s->iac_ops->load_template(&lc, root);
	ov__arena_reset(&me->scratch);
	if (error < 0)
		return error;
	for (i = first; i < s->n_records; i++) {
		const struct ov_record *r = s->records[i];

		if (h != NULL && h->record != NULL && (error = h->record(
		    me->hook_state, u->hook_unit, r, (uint32_t)(u->n_recs +
		    i - first))) < 0)
			return error;
		if ((L->flags & OV_LOAD_DIGEST) && ((s->digest == NULL &&
		    ov_digest_new(&s->digest) < 0) ||
		    ov_digest__add_record(s->digest, r) < 0))
			return ov__error_oom(s->ctx);
		if (!ov_model__is_winner(s, r) && h != NULL &&
		    h->loser != NULL && (error = h->loser(h->payload, r)) < 0)
			return error;
	}
	return 0;
}

/* Merge one loaded unit into the snapshot (main thread, in order). */
static int
merge_unit(struct loader *L, struct load_unit *u)
{
	struct ov_snapshot *s = L->s;
	const struct ov_load_hooks *h = L->hooks;
	struct ov_snapshot_file *f = &s->files[u->in->file];
	uint32_t line_base = u->chunk ? f->nd_lines : 0;
	size_t first = s->n_records, i;
	const struct ov_record *loser;
	int error;

	if (u->error < 0)
		return u->error;
	if (u->format != NULL)
		f->format = u->format;
	if (u->read)
		f->read = true;
	if (u->page_kind != NULL) {
		f->page_kind = u->page_kind;
		f->page_more = u->page_more;
		f->page_total = u->page_total;
		f->page_rows = u->page_rows;
	}
	for (i = 0; i < u->n_diags; i++) {
		const struct unit_diag *d = &u->diags[i];

		if ((error = ov_snap__file_diag(s, u->in->file, d->warning,
		    d->line != 0 ? d->line + line_base : 0, d->column,
		    d->pointer, d->message)) < 0)
			return error;
	}
	for (i = 0; i < u->n_recs; i++) {
		struct ov_record *r = u->recs[i];

		r->line += line_base;
		if ((error = ov_model__append(s, r, u->tenants[i],
		    &loser)) < 0)
			return error;
		if (loser != NULL && h != NULL && h->loser != NULL &&
		    (error = h->loser(h->payload, loser)) < 0)
			return error;
	}
	f->n_diags_dropped += u->n_dropped;
	f->n_warnings_dropped += u->n_warn_dropped;
	f->nd_lines += u->n_lines;
	if (u->digest != NULL) {
		if (s->digest == NULL && ov_digest_new(&s->digest) < 0)
			return ov__error_oom(s->ctx);
		if (ov_digest__absorb(s->digest, u->digest) < 0)
			return ov__error_oom(s->ctx);
	}
	if (u->manifest != NULL) {
		if ((error = ov_snap__read_manifest(s, u->in->path,
		    u->manifest, u->manifest_len)) == OV_ENOMEM)
			return error;
		if (error < 0) {
			const ov_error *e = ov_error_last(s->ctx);

			error = ov_snap__file_diag(s, u->in->file, false, e->line,
			    e->column, e->pointer, e->message);
			ov_error_clear(s->ctx);
			if (error < 0)
				return error;
		}
	}
	if (u->iac_data != NULL && s->iac_ops != NULL &&
	    (error = merge_iac(L, u)) < 0)
		return error;
	if (h != NULL && h->merge != NULL &&
	    (error = h->merge(h->payload, u->hook_unit, first)) < 0)
		return error;
	return 0;
}

/* Load a unit, keeping its error for the merge. */
static void
run_unit(struct load_worker *w, struct load_unit *u)
{
	int error = load_unit(w, u);

	if (error < 0) {
		const ov_error *e = ov_error_last(w->ctx);

		u->error = error;
		snprintf(u->err, sizeof(u->err), "%s",
		    e->message != NULL ? e->message : ov_strerror(error));
	}
}

/* Helper threads: take the next unit within the window, load it. */
static void *
worker_main(void *arg)
{
	struct load_worker *w = arg;
	struct loader *L = w->L;
	struct load_unit *u;

	pthread_mutex_lock(&L->mu);
	for (;;) {
		while (!L->stop && L->next < L->n_units &&
		    L->next >= L->merged + L->window)
			pthread_cond_wait(&L->cv, &L->mu);
		if (L->stop || L->next >= L->n_units)
			break;
		u = &L->units[L->next++];
		u->state = 1;
		pthread_mutex_unlock(&L->mu);
		run_unit(w, u);
		pthread_mutex_lock(&L->mu);
		u->state = 2;
		pthread_cond_broadcast(&L->cv);
	}
	pthread_mutex_unlock(&L->mu);
	return NULL;
}

/* Propagate a unit's failure to the snapshot's context. */
static int
unit_failed(struct loader *L, struct load_unit *u)
{
	if (u->error == OV_ENOMEM)
		return ov__error_oom(L->s->ctx);
	return ov__error(L->s->ctx, u->error, OV_ERRCLASS_INPUT, "%s",
	    u->err);
}

/*
 * Run the units: the main thread loads units too and merges them in
 * order as they complete.  With one worker everything runs here.
 */
static int
run_units(struct loader *L)
{
	struct load_worker *me = &L->workers[0];
	struct load_unit *u;
	size_t i;
	int error = 0;

	if (!L->threaded) {
		for (i = 0; i < L->n_units && error == 0; i++) {
			u = &L->units[i];
			run_unit(me, u);
			error = u->error < 0 ? unit_failed(L, u) :
			    merge_unit(L, u);
			unit_clear(L, u);
			ov__progress(L->s->ctx, "loading", i + 1, L->n_units);
		}
		return error;
	}
	for (i = 1; i < L->n_workers; i++) {
		if (pthread_create(&L->workers[i].thread, NULL, worker_main,
		    &L->workers[i]) != 0)
			break;
		L->workers[i].started = true;
	}
	pthread_mutex_lock(&L->mu);
	while (L->merged < L->n_units) {
		u = &L->units[L->merged];
		if (u->state == 2) {
			pthread_mutex_unlock(&L->mu);
			error = u->error < 0 ? unit_failed(L, u) :
			    merge_unit(L, u);
			unit_clear(L, u);
			ov__progress(L->s->ctx, "loading", L->merged + 1,
			    L->n_units);
			pthread_mutex_lock(&L->mu);
			L->merged++;
			pthread_cond_broadcast(&L->cv);
			if (error < 0) {
				L->stop = true;
				break;
			}
			continue;
		}
		if (L->next < L->n_units &&
		    L->next < L->merged + L->window) {
			/* help: load the next unit here */
			struct load_unit *v = &L->units[L->next++];

			v->state = 1;
			pthread_mutex_unlock(&L->mu);
			run_unit(me, v);
			pthread_mutex_lock(&L->mu);
			v->state = 2;
			pthread_cond_broadcast(&L->cv);
			continue;
		}
		pthread_cond_wait(&L->cv, &L->mu);
	}
	L->stop = true;
	pthread_cond_broadcast(&L->cv);
	pthread_mutex_unlock(&L->mu);
	for (i = 1; i < L->n_workers; i++)
		if (L->workers[i].started)
			pthread_join(L->workers[i].thread, NULL);
	/* units loaded past a failure */
	for (i = L->merged; i < L->n_units; i++)
		unit_clear(L, &L->units[i]);
	return error;
}

/* ---- the walk ------------------------------------------------------------- */

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

static bool
is_input_name(const char *name)
{
	return has_suffix_ci(name, ".json") || ndjson_name(name);
}

/* List an input file. */
static int
add_input(struct loader *L, const char *path, bool buffer, const char *data,
    size_t len)
{
	struct ov_snapshot *s = L->s;
	struct in_file *grown, *in;
	uint32_t file;
	size_t cap;
	int error;

	if (L->n_files == L->files_cap) {
		cap = L->files_cap != 0 ? L->files_cap * 2 : 32;
		if ((grown = ov__reallocarray(L->files, cap,
		    sizeof(*grown))) == NULL)
			return ov__error_oom(s->ctx);
		L->files = grown;
		L->files_cap = cap;
	}
	if ((error = ov_snap__add_file(s, path, "unknown", &file)) < 0)
		return error;
	in = &L->files[L->n_files++];
	memset(in, 0, sizeof(*in));
	in->file = file;
	in->path = s->files[file].path;
	in->ndjson = ndjson_name(path);
	in->default_type = ov__map_get(&s->file_types, base_name(path),
	    strlen(base_name(path)));
	in->buffer = buffer;
	in->data = data;
	in->len = len;
	return 0;
}

/* A problem with a path that is not a file the loader reads. */
static int
path_diag(struct loader *L, const char *path, const char *format,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
path_diag(struct loader *L, const char *path, const char *format,
    const char *fmt, ...)
{
	char msg[512];
	uint32_t file;
	va_list ap;
	int error;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if ((error = ov_snap__add_file(L->s, path, format, &file)) < 0)
		return error;
	return ov_snap__file_diag(L->s, file, false, 0, 0, NULL, msg);
}

/* Read a manifest.json found by the walk. */
static int
walk_manifest(struct loader *L, const char *path)
{
	struct ov_snapshot *s = L->s;
	char *data = NULL;
	size_t len;
	int error;

	if ((error = ov__read_file(s->ctx, OV_ERRCLASS_INPUT, path,
	    16u << 20, &data, &len)) < 0)
		return error;
	error = ov_snap__read_manifest(s, path, data, len);
	ov__free(data);
	return error;
}

/* A walk callback: manifests first, input files, problems as diagnostics. */
static int
walk_cb(const char *path, const char *name, int kind, void *payload)
{
	struct loader *L = payload;
	struct ov_snapshot *s = L->s;
	struct stat st;
	const char *mpath;
	int e = errno;

	switch (kind) {
	case OV_WALK_DIR:
		if (L->flags & OV_LOAD_SYNTAX_ONLY)
			return 0;
		if ((mpath = ov__arena_printf(&s->arena, "%s/manifest.json",
		    path)) == NULL)
			return ov__error_oom(s->ctx);
		if (stat(mpath, &st) != 0 || !S_ISREG(st.st_mode))
			return 0;
		return walk_manifest(L, mpath);
	case OV_WALK_FILE:
		if (!is_input_name(name) || (strcmp(name, "manifest.json") ==
		    0 && !(L->flags & OV_LOAD_SYNTAX_ONLY)))
			return 0;	/* manifests: read with their directory */
		return add_input(L, path, false, NULL, 0);
	case OV_WALK_UNREADABLE:
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return path_diag(L, path, "directory",
			    "cannot read directory: %s", strerror(e));
		/* a dangling link, an unreadable entry: said when it looks
		 * like input */
		if (!is_input_name(name))
			return 0;
		return path_diag(L, path, "unreadable", "cannot read: %s",
		    strerror(e));
	case OV_WALK_LOOP:
		return path_diag(L, path, "directory", "directory loop: a "
		    "symbolic link to a directory above it; not followed");
	case OV_WALK_DEEP:
		return path_diag(L, path, "directory", "directories nested "
		    "deeper than %d; not read", MAX_DEPTH);
	}
	return 0;
}

/* A path given to the load: a directory tree, or one file of any kind. */
static int
walk_path(struct loader *L, const char *path)
{
	struct stat st;
	uint32_t file;
	int error;

	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			return ov__error_at(L->s->ctx, OV_EIO,
			    OV_ERRCLASS_INPUT, path, 0, 0, NULL,
			    "cannot open: %s", strerror(errno));
		return path_diag(L, path, "unreadable", "cannot read: %s",
		    strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		return ov__walk_tree(L->s->ctx, OV_ERRCLASS_INPUT, path,
		    MAX_DEPTH, OV_WALK_REPORT, walk_cb, L);
	if (strcmp(base_name(path), "manifest.json") == 0 &&
	    !(L->flags & OV_LOAD_SYNTAX_ONLY)) {
		if ((error = walk_manifest(L, path)) < 0)
			return error;
		return ov_snap__add_file(L->s, path, "manifest", &file);
	}
	return add_input(L, path, false, NULL, 0);
}

/* Cut the files into units: NDJSON files in chunks, others whole. */
static int
make_units(struct loader *L)
{
	struct load_unit *u;
	struct stat st;
	size_t i, n = 0, k;
	uint64_t size, off;

	for (i = 0; i < L->n_files; i++) {
		struct in_file *in = &L->files[i];

		size = 0;
		if (!in->buffer && in->ndjson && stat(in->path, &st) == 0 &&
		    S_ISREG(st.st_mode))
			size = (uint64_t)st.st_size;
		n += size > CHUNK ? (size_t)((size + CHUNK - 1) / CHUNK) : 1;
	}
	if (n == 0)
		return 0;
	if ((L->units = ov__calloc(n, sizeof(*L->units))) == NULL)
		return ov__error_oom(L->s->ctx);
	for (i = 0, k = 0; i < L->n_files; i++) {
		struct in_file *in = &L->files[i];

		size = 0;
		if (!in->buffer && in->ndjson && stat(in->path, &st) == 0 &&
		    S_ISREG(st.st_mode))
			size = (uint64_t)st.st_size;
		if (size <= CHUNK) {
			L->units[k++].in = in;
			continue;
		}
		for (off = 0; off < size && k < n; off += CHUNK) {
			u = &L->units[k++];
			u->in = in;
			u->chunk = true;
			u->begin = off;
			u->end = off + CHUNK < size ? off + CHUNK : size;
		}
	}
	L->n_units = k;
	return 0;
}

/* How many workers: the context's OV_LIMIT_THREADS, at most the units. */
static size_t
n_workers(const struct loader *L)
{
	uint64_t t = ov_ctx_limit(L->s->ctx, OV_LIMIT_THREADS);

	if (t > MAX_THREADS)
		t = MAX_THREADS;
	if (t > L->n_units)
		t = L->n_units;
	return t > 0 ? (size_t)t : 1;
}

/* Run a load over the listed inputs. */
static int
run(struct loader *L)
{
	struct ov_snapshot *s = L->s;
	struct ov_arena **grown;
	size_t i;
	int error;

	if ((error = make_units(L)) < 0)
		return error;
	if (L->n_units == 0)
		return 0;
	L->n_workers = n_workers(L);
	L->window = L->n_workers + 2;
	/* room to adopt every worker's arena: adopting cannot fail later */
	if ((grown = ov__reallocarray(s->arenas, s->n_arenas + L->n_workers,
	    sizeof(*grown))) == NULL)
		return ov__error_oom(s->ctx);
	s->arenas = grown;
	if ((L->workers = ov__calloc(L->n_workers,
	    sizeof(*L->workers))) == NULL)
		return ov__error_oom(s->ctx);
	for (i = 0; i < L->n_workers; i++)
		if ((error = worker_init(L, &L->workers[i])) < 0)
			goto done;
	L->threaded = L->n_workers > 1;
	if (L->threaded) {
		pthread_mutex_init(&L->mu, NULL);
		pthread_cond_init(&L->cv, NULL);
	}
	error = run_units(L);
	if (L->threaded) {
		pthread_cond_destroy(&L->cv);
		pthread_mutex_destroy(&L->mu);
	}
done:
	/* the records live in the workers' arenas: the snapshot keeps them */
	for (i = 0; i < L->n_workers; i++) {
		struct load_worker *w = &L->workers[i];

		if (w->arena == NULL)
			continue;
		s->arenas[s->n_arenas++] = w->arena;
		w->arena = NULL;
	}
	for (i = 0; i < L->n_workers; i++)
		worker_free(L, &L->workers[i]);
	ov__free(L->workers);
	return error;
}

static void
loader_free(struct loader *L)
{
	size_t i;

	for (i = 0; i < L->n_units; i++)
		unit_clear(L, &L->units[i]);
	ov__free(L->units);
	ov__free(L->files);
}

/* Load paths; see stream.h. */
int
ov_snap__load_paths(struct ov_snapshot *s, const char *const *paths,
    size_t n, unsigned flags, const struct ov_load_hooks *hooks)
{
	struct loader L;
	size_t i;
	int error = 0;

	memset(&L, 0, sizeof(L));
	L.s = s;
	L.hooks = hooks;
	L.flags = flags;
	if (hooks != NULL && hooks->plan != NULL)
		s->streamed = true;
	for (i = 0; i < n && error == 0; i++)
		error = walk_path(&L, paths[i]);
	if (error == 0 && hooks != NULL && hooks->walked != NULL)
		error = hooks->walked(hooks->payload);
	if (error == 0)
		error = run(&L);
	loader_free(&L);
	ov_snap__check_contract(s);
	return error;
}

/* Load in-memory data as if it came from a file called name. */
int
ov_snapshot_load_buffer(ov_snapshot *s, const char *name, const char *data,
    size_t len, unsigned flags)
{
	struct loader L;
	int error;

	if (s == NULL || name == NULL || (data == NULL && len != 0))
		return OV_EINVALID;
	memset(&L, 0, sizeof(L));
	L.s = s;
	L.flags = flags;
	if ((error = add_input(&L, name, true, data != NULL ? data : "",
	    len)) == 0)
		error = run(&L);
	loader_free(&L);
	ov_snap__check_contract(s);
	return error;
}

/* Load a file or a directory tree. */
int
ov_snapshot_load(ov_snapshot *s, const char *path, unsigned flags)
{
	if (s == NULL || path == NULL)
		return OV_EINVALID;
	return ov_snap__load_paths(s, &path, 1, flags, NULL);
}
