/* SPDX-License-Identifier: MIT */
/*
 * The snapshot: its file table with each file's diagnostics, its records
 * and the public read side.  The loader is load.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/snapshot/digest.h"
#include "lib/snapshot/snapshot_int.h"
#include "util/alloc.h"
#include "util/error.h"

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

/* Release a snapshot, its records and its indexes. */
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
	ov__map_free(&s->iac_ids);
	ov__free(s->files);
	ov__free(s->sources);
	ov_model__free_indexes(s);
	ov__map_free(&s->file_types);
	ov_digest_free(s->digest);
	for (i = 0; i < s->n_arenas; i++) {
		ov__arena_free(s->arenas[i]);
		ov__free(s->arenas[i]);
	}
	ov__free(s->arenas);
	ov__arena_free(&s->arena);
	ov__free(s);
}

/* Add an entry to the file table. */
int
ov_snap__add_file(struct ov_snapshot *s, const char *path, const char *format,
    uint32_t *out)
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
	f->format = format;
	*out = (uint32_t)s->n_files++;
	return 0;
}

/* A diagnostic on a file entry, past the per-file cap only counted. */
int
ov_snap__file_diag(struct ov_snapshot *s, uint32_t file, bool warning,
    unsigned line, unsigned column, const char *pointer, const char *message)
{
	struct ov_snapshot_file *f = &s->files[file];
	struct ov_file_diag *grown, *d;
	uint64_t cap_max = ov_ctx_limit(s->ctx, OV_LIMIT_ERRORS_PER_FILE);
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
			return ov__error_oom(s->ctx);
		f->diags = grown;
	}
	d = &f->diags[f->n_diags];
	d->line = line;
	d->column = column;
	d->pointer = pointer != NULL ? ov__arena_strdup(&s->arena, pointer) :
	    NULL;
	d->message = ov__arena_strdup(&s->arena, message);
	d->warning = warning;
	if (d->message == NULL || (pointer != NULL && d->pointer == NULL))
		return ov__error_oom(s->ctx);
	f->n_diags++;
	if (warning)
		f->n_warnings++;
	return 0;
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
	out->location = r->place->location;
	out->subscription_id = r->place->subscription_id;
	out->resource_group = r->place->resource_group;
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
