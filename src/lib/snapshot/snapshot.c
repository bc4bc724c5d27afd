/* SPDX-License-Identifier: MIT */
/*
 * The snapshot loader: reads files and directories, detects each file's
 * format and hands the parsed root to the matching adapter.  A bad file or
 * a bad line becomes a diagnostic with its position; everything valid
 * around it is kept.
 */
#include <dirent.h>
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
	for (i = 0; i < s->n_files; i++)
		ov__free(s->files[i].diags);
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

/* Parse text and keep the document; *root is borrowed from the snapshot. */
int
ov_snap__parse_keep(struct load_ctx *lc, const char *text, size_t len,
    unsigned flags, const ov_json **root)
{
	ov_json_doc *doc = NULL;
	ov_json_error jerr;
	int error;

	if ((error = ov_json_parse(&doc, lc->s->ctx, text, len, flags,
	    &jerr)) < 0)
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

static int vdiag(struct load_ctx *, unsigned, unsigned, const char *,
    const char *, va_list) __attribute__((format(printf, 5, 0)));

static int
vdiag(struct load_ctx *lc, unsigned line, unsigned column,
    const char *pointer, const char *fmt, va_list ap)
{
	struct ov_snapshot_file *f = &lc->s->files[lc->file];
	struct ov_file_diag *grown, *d;
	uint64_t cap_max = ov_ctx_limit(lc->s->ctx, OV_LIMIT_ERRORS_PER_FILE);
	char msg[512];
	size_t cap;

	if (f->n_diags >= cap_max) {
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
	if (d->message == NULL)
		return ov__error_oom(lc->s->ctx);
	f->n_diags++;
	return 0;
}

/* Record a diagnostic at a line and column of the current file. */
int
ov_snap__diag(struct load_ctx *lc, unsigned line, unsigned column,
    const char *pointer, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = vdiag(lc, line, column, pointer, fmt, ap);
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
	error = vdiag(lc, line, column, pointer, fmt, ap);
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
	if ((error = ov_snap__parse_keep(lc, copy, lc->len + 2, OV_JSON_STRICT,
	    &root)) < 0) {
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
static bool
looks_like_ndjson(const char *data, size_t len, ov_ctx *ctx)
{
	ov_json_parser *p = NULL;
	const ov_json *root;
	size_t end = 0, i;
	bool saw_nl = false, more = false;

	if (ov_json_parser_new(&p, ctx, OV_JSON_STRICT | OV_JSON_PREFIX) < 0)
		return false;
	if (ov_json_parser_parse(p, data, len, &root, &end, NULL) == 0) {
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
	return more;
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

	error = ov_json_parse(&doc, s->ctx, lc->data, lc->len, OV_JSON_STRICT,
	    &jerr);
	if (error == OV_ENOMEM)
		return error;
	if (error < 0) {
		/* ARM templates may carry comments; ARM accepts them. */
		if (!(flags & OV_LOAD_SYNTAX_ONLY) && ov_json_parse(&doc,
		    s->ctx, lc->data, lc->len, OV_JSON_LENIENT, &lerr) == 0 &&
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
	if (has_suffix_ci(name, ".ndjson") || has_suffix_ci(name, ".jsonl") ||
	    looks_like_ndjson(data, len, s->ctx))
		error = load_ndjson(&lc, flags);
	else
		error = load_whole(&lc, flags);
	if (error < 0)
		return error;
	/* The indexes are built once, after the last file. */
	s->indexed = false;
	return 0;
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

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
is_input_name(const char *name)
{
	return has_suffix_ci(name, ".json") || has_suffix_ci(name, ".ndjson") ||
	    has_suffix_ci(name, ".jsonl");
}

static int
load_dir(struct ov_snapshot *s, const char *dir, unsigned flags, int depth)
{
	struct dirent *de;
	struct stat st;
	char **names = NULL, **grown, path[4096];
	size_t n = 0, cap = 0, i;
	char *mdata = NULL;
	size_t mlen;
	DIR *d;
	int error = 0;

	if (depth > 32)
		return 0;
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	if (!(flags & OV_LOAD_SYNTAX_ONLY) && stat(path, &st) == 0 &&
	    S_ISREG(st.st_mode)) {
		if ((error = ov__read_file(s->ctx, OV_ERRCLASS_INPUT, path,
		    16u << 20, &mdata, &mlen)) < 0)
			return error;
		error = ov_snap__read_manifest(s, path, mdata, mlen);
		ov__free(mdata);
		if (error < 0)
			return error;
	}
	if ((d = opendir(dir)) == NULL)
		return ov__error_at(s->ctx, OV_EIO, OV_ERRCLASS_INPUT, dir, 0, 0,
		    NULL, "cannot open directory: %s", strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap != 0 ? cap * 2 : 64;
			if ((grown = ov__reallocarray(names, cap,
			    sizeof(*grown))) == NULL) {
				error = ov__error_oom(s->ctx);
				goto done;
			}
			names = grown;
		}
		if ((names[n] = ov__strdup(de->d_name)) == NULL) {
			error = ov__error_oom(s->ctx);
			goto done;
		}
		n++;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if ((error = load_dir(s, path, flags, depth + 1)) < 0)
				goto done;
		} else if (S_ISREG(st.st_mode) && is_input_name(names[i]) &&
		    !(strcmp(names[i], "manifest.json") == 0 &&
		    !(flags & OV_LOAD_SYNTAX_ONLY))) {
			if ((error = load_file(s, path, flags)) < 0)
				goto done;
		}
	}
done:
	closedir(d);
	for (i = 0; i < n; i++)
		ov__free(names[i]);
	ov__free(names);
	return error;
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
	if (S_ISDIR(st.st_mode))
		error = load_dir(s, path, flags, 0);
	else
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
		n += s->files[i].n_diags + s->files[i].n_diags_dropped;
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
	out->errors = s->files[i].n_diags + s->files[i].n_diags_dropped;
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
	size_t i, n;
	int error = 0;

	if (s == NULL || cb == NULL)
		return OV_EINVALID;
	if ((error = ov_model__index((struct ov_snapshot *)(uintptr_t)s)) < 0)
		return error;
	if ((n = s->by_type.g.n_groups) == 0)
		return 0;
	if ((lists = ov__calloc(n, sizeof(*lists))) == NULL)
		return ov__error_oom(s->ctx);
	for (i = 0; i < n; i++)
		lists[i] = &s->by_type.lists[i];
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
