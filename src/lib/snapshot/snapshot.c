/* SPDX-License-Identifier: MIT */
/*
 * The snapshot loader: reads files and directories, detects each file's
 * format and hands the parsed root to the matching adapter.  A bad file or
 * a bad line becomes a diagnostic with its position; everything valid
 * around it is kept.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/snapshot/snapshot_int.h"
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

/* Create an empty snapshot. */
int
ov_snapshot_new(ov_snapshot **out, ov_ctx *ctx)
{
	struct ov_snapshot *s;

	if (out == NULL)
		return OV_EINVALID;
	*out = NULL;
	if ((s = ov__calloc(1, sizeof(*s))) == NULL)
		return ov__error_oom(ctx);
	s->ctx = ctx;
	ov__arena_init(&s->arena, 0, 0);
	*out = s;
	return 0;
}

/* Release a snapshot, its documents and its indexes. */
void
ov_snapshot_free(ov_snapshot *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n_docs; i++)
		ov_json_doc_free(s->docs[i]);
	ov__free(s->docs);
	ov__free(s->records);
	for (i = 0; i < s->n_files; i++) {
		ov__free(s->files[i].diags);
		ov__free(s->files[i].notes);
		ov__free(s->files[i].lines);
	}
	if (s->iac_ops != NULL)
		s->iac_ops->free_opts(s->iac);
	ov__map_free(&s->iac_linked);
	ov__free(s->files);
	ov__free(s->sources);
	ov_model__free_indexes(s);
	ov__map_free(&s->file_types);
	ov__arena_free(&s->arena);
	ov__free(s);
}

/* Keep a parsed document alive for the snapshot's lifetime. */
static int
keep_doc(struct ov_snapshot *s, ov_json_doc *doc)
{
	ov_json_doc **grown;
	size_t cap;

	if (s->n_docs == s->docs_cap) {
		cap = s->docs_cap != 0 ? s->docs_cap * 2 : 16;
		if ((grown = ov__reallocarray(s->docs, cap,
		    sizeof(*grown))) == NULL) {
			ov_json_doc_free(doc);
			return ov__error_oom(s->ctx);
		}
		s->docs = grown;
		s->docs_cap = cap;
	}
	s->docs[s->n_docs++] = doc;
	return 0;
}

static int parse_warned(struct load_ctx *, const char *, size_t, unsigned,
    uint64_t, ov_json_doc **, ov_json_error *);

/* Parse text and keep the document; *root is borrowed from the snapshot. */
int
ov_snap__parse_keep(struct load_ctx *lc, const char *text, size_t len,
    unsigned flags, const ov_json **root)
{
	ov_json_doc *doc = NULL;
	ov_json_error jerr;
	int error;

	if ((flags & OV_SNAP__FILE_TEXT) != 0)
		error = parse_warned(lc, text, len, flags &
		    ~(unsigned)OV_SNAP__FILE_TEXT, lc->base, &doc, &jerr);
	else
		error = ov_json_parse(&doc, lc->s->ctx, text, len, flags,
		    &jerr);
	if (error < 0)
		return error;
	if ((error = keep_doc(lc->s, doc)) < 0)
		return error;
	*root = ov_json_doc_root(doc);
	return 0;
}

static int
add_file(struct ov_snapshot *s, const char *path, uint32_t *out)
{
	struct ov_snapshot_file *grown, *f;
	size_t cap;

	if (s->n_files == s->files_cap) {
		cap = s->files_cap != 0 ? s->files_cap * 2 : 16;
		if ((grown = ov__reallocarray(s->files, cap,
		    sizeof(*grown))) == NULL)
			return ov__error_oom(s->ctx);
		s->files = grown;
		s->files_cap = cap;
	}
	f = &s->files[s->n_files];
	memset(f, 0, sizeof(*f));
	if ((f->path = ov__arena_strdup(&s->arena, path)) == NULL)
		return ov__error_oom(s->ctx);
	f->format = "unknown";
	*out = (uint32_t)s->n_files++;
	return 0;
}

/* Add a file to the table (a linked template read while loading). */
int
ov_snap__add_file(struct ov_snapshot *s, const char *path, uint32_t *out)
{
	return add_file(s, path, out);
}

/* Duplicate keys seen while parsing one text, positions resolved after. */
#define MAX_DUPS 128

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
		error = ov_snap__warn(lc, later->line, later->column, NULL,
		    "duplicate key '%s' (first at %u:%u): the last value is "
		    "used, as ARM reads it", d->key[k], first->line,
		    first->column);
	}
	lc->s->files[lc->file].n_warnings_dropped += d->dropped;
	return error;
}

/* Parse a whole text with duplicate keys reported as warnings. */
static int
parse_warned(struct load_ctx *lc, const char *text, size_t len,
    unsigned flags, uint64_t base, ov_json_doc **doc, ov_json_error *jerr)
{
	struct dups *d;
	int error;

	if ((d = ov__calloc(1, sizeof(*d))) == NULL)
		return ov__error_oom(lc->s->ctx);
	d->base = base;
	error = ov_json_parse_warn(doc, lc->s->ctx, text, len, flags, jerr,
	    on_dup, d);
	if (error == 0 && d->n > 0 && (error = report_dups(lc, d)) < 0) {
		ov_json_doc_free(*doc);
		*doc = NULL;
	}
	ov__free(d);
	return error;
}

static bool
has_suffix_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && ov__eq_ci(s + n - k, k, suffix, k);
}

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/*
 * NDJSON: every line is checked alone, bad lines become diagnostics and
 * are blanked; the good lines are then parsed as one array whose byte
 * offsets match the file's (shifted by the leading '[').
 */
static int
load_ndjson(struct load_ctx *lc, unsigned flags)
{
	struct ov_snapshot *s = lc->s;
	ov_json_parser *p = NULL;
	ov_json_error jerr;
	const ov_json *root, *line_root;
	char *copy = NULL;
	size_t start = 0, nl, i, prev_sep = 0;
	unsigned lineno = 0;
	bool have_prev = false, blank;
	int error;

	lc->s->files[lc->file].format = "ndjson";
	if ((error = ov_json_parser_new(&p, s->ctx, OV_JSON_STRICT)) < 0)
		goto done;
	if ((copy = ov__malloc(lc->len + 2)) == NULL) {
		error = ov__error_oom(s->ctx);
		goto done;
	}
	copy[0] = '[';
	memcpy(copy + 1, lc->data, lc->len);
	copy[lc->len + 1] = ']';
	while (start < lc->len) {
		const char *e = memchr(lc->data + start, '\n', lc->len - start);

		nl = e != NULL ? (size_t)(e - lc->data) : lc->len;
		lineno++;
		blank = true;
		for (i = start; i < nl; i++)
			if (lc->data[i] != ' ' && lc->data[i] != '\t' &&
			    lc->data[i] != '\r') {
				blank = false;
				break;
			}
		if (!blank) {
			error = ov_json_parser_parse(p, lc->data + start,
			    nl - start, &line_root, NULL, &jerr);
			if (error == OV_ENOMEM)
				goto done;
			if (error < 0 || (!(flags & OV_LOAD_SYNTAX_ONLY) &&
			    ov_json_type_of(line_root) != OV_JSON_OBJECT)) {
				if (error < 0)
					error = ov_snap__diag(lc, lineno,
					    jerr.column, NULL, "%s",
					    jerr.message);
				else
					error = ov_snap__diag(lc, lineno, 1,
					    NULL, "line is not a JSON object");
				if (error < 0)
					goto done;
				memset(copy + 1 + start, ' ', nl - start);
			} else {
				if (have_prev)
					copy[1 + prev_sep] = ',';
				have_prev = true;
				prev_sep = nl;
			}
		}
		start = nl + 1;
	}
	error = 0;
	if (flags & OV_LOAD_SYNTAX_ONLY)
		goto done;
	lc->base = 1;
	if ((error = ov_snap__parse_keep(lc, copy, lc->len + 2,
	    OV_JSON_STRICT | OV_SNAP__FILE_TEXT, &root)) < 0) {
		if (error == OV_ENOMEM)
			goto done;
		/* Cannot happen for lines that parsed alone; say so plainly. */
		error = ov_snap__diag(lc, 0, 0, NULL,
		    "cannot assemble NDJSON records: %s",
		    ov_error_last(s->ctx)->message);
		goto done;
	}
	for (i = 0; i < ov_json_len(root); i++)
		if ((error = ov_snap__add_object(lc, ov_json_at(root, i), NULL,
		    NULL)) < 0)
			goto done;
done:
	ov__free(copy);
	ov_json_parser_free(p);
	return error;
}

/* True when data holds a second JSON value on a later line. */
/* 1 when data holds a second JSON value on a later line, 0 when not,
 * OV_ENOMEM when that cannot be told. */
static int
looks_like_ndjson(const char *data, size_t len, ov_ctx *ctx)
{
	ov_json_parser *p = NULL;
	const ov_json *root;
	size_t end = 0, i;
	bool saw_nl = false, more = false;
	int error;

	if (ov_json_parser_new(&p, ctx, OV_JSON_STRICT | OV_JSON_PREFIX) < 0)
		return OV_ENOMEM;
	if ((error = ov_json_parser_parse(p, data, len, &root, &end,
	    NULL)) == OV_ENOMEM) {
		ov_json_parser_free(p);
		return error;
	}
	if (error == 0) {
		for (i = end; i < len; i++) {
			if (data[i] == '\n')
				saw_nl = true;
			else if (data[i] != ' ' && data[i] != '\t' &&
			    data[i] != '\r') {
				more = saw_nl;
				break;
			}
		}
	}
	ov_json_parser_free(p);
	ov_error_clear(ctx);
	return more ? 1 : 0;
}

static int
load_whole(struct load_ctx *lc, unsigned flags)
{
	struct ov_snapshot *s = lc->s;
	struct ov_snapshot_file *f = &s->files[lc->file];
	const struct ov_adapter *const *a;
	ov_json_doc *doc = NULL;
	ov_json_error jerr, lerr;
	const ov_json *root;
	int error;

	error = parse_warned(lc, lc->data, lc->len, OV_JSON_STRICT, 0, &doc,
	    &jerr);
	if (error == OV_ENOMEM)
		return error;
	if (error < 0) {
		/* ARM templates may carry comments; ARM accepts them. */
		if (!(flags & OV_LOAD_SYNTAX_ONLY) && parse_warned(lc,
		    lc->data, lc->len, OV_JSON_LENIENT, 0, &doc, &lerr) == 0 &&
		    ov_adapter_arm_template.detect(ov_json_doc_root(doc))) {
			ov_error_clear(s->ctx);
			goto parsed;
		}
		ov_json_doc_free(doc);
		doc = NULL;
		ov_error_clear(s->ctx);
		return ov_snap__diag(lc, jerr.line, jerr.column, NULL, "%s",
		    jerr.message);
	}
parsed:
	if (flags & OV_LOAD_SYNTAX_ONLY) {
		f->format = "json";
		ov_json_doc_free(doc);
		return 0;
	}
	if ((error = keep_doc(s, doc)) < 0)
		return error;
	root = ov_json_doc_root(doc);
	for (a = adapters; *a != NULL; a++)
		if ((*a)->detect(root)) {
			f->format = (*a)->name;
			return (*a)->load(lc, root);
		}
	f->format = "unknown";
	return ov_snap__diag(lc, 1, 1, NULL,
	    "not a recognised input: expected Resource Graph, ARM, az CLI, "
	    "Microsoft Graph or NDJSON data");
}

static int
load_buffer(struct ov_snapshot *s, const char *name, const char *data,
    size_t len, unsigned flags)
{
	struct load_ctx lc;
	uint32_t file = 0;
	int error;

	if ((error = add_file(s, name, &file)) < 0)
		return error;
	memset(&lc, 0, sizeof(lc));
	lc.s = s;
	lc.file = file;
	lc.path = s->files[file].path;
	lc.data = data;
	lc.len = len;
	lc.default_type = ov__map_get(&s->file_types, base_name(name),
	    strlen(base_name(name)));
	if (len > ov_ctx_limit(s->ctx, OV_LIMIT_JSON_DOCUMENT) &&
	    !has_suffix_ci(name, ".ndjson") && !has_suffix_ci(name, ".jsonl"))
		return ov_snap__diag(&lc, 0, 0, NULL,
		    "file is larger than the document limit (%llu bytes)",
		    (unsigned long long)ov_ctx_limit(s->ctx,
		    OV_LIMIT_JSON_DOCUMENT));
	if (has_suffix_ci(name, ".ndjson") || has_suffix_ci(name, ".jsonl"))
		error = 1;
	else if ((error = looks_like_ndjson(data, len, s->ctx)) < 0)
		return ov__error_oom(s->ctx);
	if (error == 1)
		error = load_ndjson(&lc, flags);
	else
		error = load_whole(&lc, flags);
	if (error < 0)
		return error;
	s->indexed = false;
	/* A directory is indexed once, after its last file. */
	return s->deferred ? 0 : ov_model__index(s);
}

/* Load in-memory data as if it came from a file called name. */
int
ov_snapshot_load_buffer(ov_snapshot *s, const char *name, const char *data,
    size_t len, unsigned flags)
{
	if (s == NULL || name == NULL || (data == NULL && len != 0))
		return OV_EINVALID;
	return load_buffer(s, name, data != NULL ? data : "", len, flags);
}

static int
load_file(struct ov_snapshot *s, const char *path, unsigned flags)
{
	char *data = NULL;
	size_t len = 0;
	int error;

	if ((error = ov__read_file(s->ctx, OV_ERRCLASS_INPUT, path,
	    (size_t)-1 / 2, &data, &len)) < 0)
		return error;
	ov__progress(s->ctx, "loading", s->n_files, 0);
	error = load_buffer(s, path, data, len, flags);
	ov__free(data);
	return error;
}

static bool
is_input_name(const char *name)
{
	return has_suffix_ci(name, ".json") || has_suffix_ci(name, ".ndjson") ||
	    has_suffix_ci(name, ".jsonl");
}

struct dir_load {
	struct ov_snapshot	*s;		/* being filled */
	unsigned		 flags;		/* OV_LOAD_* */
};

/* Each directory's manifest first, then its input files in name order. */
static int
dir_entry(const char *path, const char *name, int kind, void *payload)
{
	struct dir_load *dl = payload;
	char mpath[4096], *mdata = NULL;
	struct stat st;
	size_t mlen;
	int error;

	if (kind == OV_WALK_DIR) {
		snprintf(mpath, sizeof(mpath), "%s/manifest.json", path);
		if ((dl->flags & OV_LOAD_SYNTAX_ONLY) ||
		    stat(mpath, &st) != 0 || !S_ISREG(st.st_mode))
			return 0;
		if ((error = ov__read_file(dl->s->ctx, OV_ERRCLASS_INPUT,
		    mpath, 16u << 20, &mdata, &mlen)) < 0)
			return error;
		error = ov_snap__read_manifest(dl->s, mpath, mdata, mlen);
		ov__free(mdata);
		return error;
	}
	if (!is_input_name(name) || (strcmp(name, "manifest.json") == 0 &&
	    !(dl->flags & OV_LOAD_SYNTAX_ONLY)))
		return 0;
	/* A template another one links is expanded there. */
	if (dl->s->iac_ops != NULL && dl->s->iac_ops->was_linked(dl->s, path))
		return 0;
	return load_file(dl->s, path, dl->flags);
}

static int
load_dir(struct ov_snapshot *s, const char *dir, unsigned flags)
{
	struct dir_load dl = { s, flags };

	return ov__walk_dir(s->ctx, OV_ERRCLASS_INPUT, dir, 32, dir_entry,
	    &dl);
}

/* Load a file or a directory tree. */
int
ov_snapshot_load(ov_snapshot *s, const char *path, unsigned flags)
{
	struct stat st;
	int error;

	if (s == NULL || path == NULL)
		return OV_EINVALID;
	if (stat(path, &st) != 0)
		return ov__error_at(s->ctx, OV_EIO, OV_ERRCLASS_INPUT, path, 0, 0,
		    NULL, "cannot open: %s", strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		s->deferred = true;
		error = load_dir(s, path, flags);
		s->deferred = false;
		if (error == 0)
			error = ov_model__index(s);
	} else
		error = load_file(s, path, flags);
	ov__progress(s->ctx, "loading", 1, 1);
	return error;
}

/* Number of records. */
size_t
ov_snapshot_count(const ov_snapshot *s)
{
	return s != NULL ? s->n_records : 0;
}

/* Diagnostics over all files, including those past the per-file cap. */
size_t
ov_snapshot_n_errors(const ov_snapshot *s)
{
	size_t i, n = 0;

	if (s == NULL)
		return 0;
	for (i = 0; i < s->n_files; i++)
		n += s->files[i].n_diags - s->files[i].n_warnings +
		    s->files[i].n_diags_dropped;
	return n;
}

/* Warnings over all files, including those past the per-file cap. */
size_t
ov_snapshot_n_warnings(const ov_snapshot *s)
{
	size_t i, n = 0;

	if (s == NULL)
		return 0;
	for (i = 0; i < s->n_files; i++)
		n += s->files[i].n_warnings + s->files[i].n_warnings_dropped;
	return n;
}

/* Number of files read. */
size_t
ov_snapshot_n_files(const ov_snapshot *s)
{
	return s != NULL ? s->n_files : 0;
}

/* Per-file report. */
int
ov_snapshot_file(const ov_snapshot *s, size_t i, ov_file_info *out)
{
	if (s == NULL || out == NULL)
		return OV_EINVALID;
	if (i >= s->n_files)
		return OV_ENOTFOUND;
	out->path = s->files[i].path;
	out->format = s->files[i].format;
	out->records = s->files[i].n_records;
	out->errors = s->files[i].n_diags - s->files[i].n_warnings +
	    s->files[i].n_diags_dropped;
	out->warnings = s->files[i].n_warnings +
	    s->files[i].n_warnings_dropped;
	return 0;
}

/* One diagnostic of one file. */
int
ov_snapshot_file_diag(const ov_snapshot *s, size_t i, size_t j,
    ov_diag_info *out)
{
	const struct ov_file_diag *d;

	if (s == NULL || out == NULL)
		return OV_EINVALID;
	if (i >= s->n_files || j >= s->files[i].n_diags)
		return OV_ENOTFOUND;
	d = &s->files[i].diags[j];
	out->line = d->line;
	out->column = d->column;
	out->pointer = d->pointer;
	out->message = d->message;
	out->warning = d->warning;
	return 0;
}

/* One record. */
int
ov_snapshot_record(const ov_snapshot *s, size_t i, ov_record_info *out)
{
	const struct ov_record *r;

	if (s == NULL || out == NULL)
		return OV_EINVALID;
	if (i >= s->n_records)
		return OV_ENOTFOUND;
	r = s->records[i];
	out->id = r->id;
	out->type = r->type;
	out->name = r->name;
	out->location = r->location;
	out->subscription_id = r->subscription_id;
	out->resource_group = r->resource_group;
	out->body = r->body;
	out->file = r->file < s->n_files ? s->files[r->file].path : NULL;
	out->line = r->line;
	return 0;
}

static int
cmp_type_lists(const void *a, const void *b)
{
	const struct ov_record_list *la = *(const struct ov_record_list *const *)a;
	const struct ov_record_list *lb = *(const struct ov_record_list *const *)b;
	int c = ov__strcmp_ci(la->items[0]->type, lb->items[0]->type);

	return c != 0 ? c : strcmp(la->items[0]->type, lb->items[0]->type);
}

/* Walk the record count per type, sorted by type. */
int
ov_snapshot_types(const ov_snapshot *s,
    int (*cb)(const char *type, size_t count, void *payload), void *payload)
{
	const struct ov_record_list **lists;
	size_t i, n = 0;
	int error = 0;

	if (s == NULL || cb == NULL)
		return OV_EINVALID;
	if (s->by_type.len == 0)
		return 0;
	if ((lists = ov__calloc(s->by_type.len, sizeof(*lists))) == NULL)
		return ov__error_oom(s->ctx);
	for (i = 0; i < s->by_type.cap; i++)
		if (s->by_type.slots[i].key != NULL)
			lists[n++] = s->by_type.slots[i].value;
	qsort(lists, n, sizeof(*lists), cmp_type_lists);
	for (i = 0; i < n && error == 0; i++)
		error = cb(lists[i]->items[0]->type, lists[i]->len, payload);
	ov__free(lists);
	return error;
}

/* The tenant named by the manifest, or by the records when they agree. */
const char *
ov_snapshot_tenant(const ov_snapshot *s)
{
	return s != NULL ? s->tenant_id : NULL;
}

/* Build the indexes. */
int
ov_snapshot_index(ov_snapshot *s)
{
	OV_ASSERT_ARG(s != NULL);
	return ov_model__index(s);
}
