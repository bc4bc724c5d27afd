/* SPDX-License-Identifier: MIT */
/*
 * Positions of template and plan records: line tables of the files they
 * came from, the place a finding belongs (the Bicep source, the deciding
 * value, the property as written, the resource), notes and linked files.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/iac/iac_int.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hash.h"

/* Remember where file's lines start. */
int
ov_iac__lines(struct ov_snapshot *s, uint32_t file, const char *data,
    size_t len)
{
	struct ov_snapshot_file *f = &s->files[file];
	size_t i, n = 1;
	uint32_t *lines;

	if (f->lines != NULL || len > UINT32_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (data[i] == '\n')
			n++;
	if ((lines = ov__calloc(n, sizeof(*lines))) == NULL)
		return ov__error_oom(s->ctx);
	n = 1;
	for (i = 0; i < len; i++)
		if (data[i] == '\n')
			lines[n++] = (uint32_t)(i + 1);
	f->lines = lines;
	f->n_lines = n;
	return 0;
}

/* Line and column of an offset through a line table (binary search). */
void
ov_iac__pos_in(const uint32_t *lines, size_t n_lines, uint64_t offset,
    unsigned *line, unsigned *column)
{
	size_t lo = 0, hi = n_lines;

	*line = *column = 0;
	if (lines == NULL || n_lines == 0)
		return;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (lines[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	*line = (unsigned)lo + 1;
	*column = (unsigned)(offset - lines[lo]) + 1;
}

/* Line and column of an offset of a snapshot file. */
void
ov_iac__pos(const struct ov_snapshot *s, uint32_t file, uint64_t offset,
    unsigned *line, unsigned *column)
{
	*line = *column = 0;
	if (file >= s->n_files)
		return;
	ov_iac__pos_in(s->files[file].lines, s->files[file].n_lines, offset,
	    line, column);
}

/*
 * The node at a dotted property path below decl, when every step is
 * written there literally; NULL otherwise (a step through [*] cannot say
 * which member).
 */
static const ov_json *
literal_at(const ov_json *decl, const char *path)
{
	const ov_json *v = decl;
	const char *p = path, *end;
	size_t n;

	if (path == NULL)
		return NULL;
	while (*p != '\0' && v != NULL) {
		end = p + strcspn(p, ".[ ");
		n = (size_t)(end - p);
		if (*end == '[' || *end == ' ')
			return NULL;
		v = ov_json_getn(v, p, n);
		p = *end == '.' ? end + 1 : end;
	}
	return v;
}

/* Where a finding on r belongs. */
void
ov_iac__locate(const struct ov_snapshot *s, const struct ov_record *r,
    const char *path, const ov_json *node, const char **file,
    unsigned *line, unsigned *column)
{
	const ov_json *lit;

	*file = r->file < s->n_files ? s->files[r->file].path : NULL;
	*line = r->line;
	*column = r->column;
	if (r->place->iac == NULL)
		return;
	if (r->place->iac->bicep != NULL) {
		ov_iac__bicep_locate(r->place->iac->bicep, path, file, line, column);
		return;
	}
	if (node != NULL && node->reserved != 0 &&
	    (uint32_t)node->reserved - 1 < s->n_files) {
		ov_iac__pos(s, (uint32_t)node->reserved - 1, node->offset, line,
		    column);
		if (*line != 0) {
			*file = s->files[node->reserved - 1].path;
			return;
		}
	}
	if ((lit = literal_at(r->place->iac->decl, path)) != NULL) {
		ov_iac__pos(s, r->place->iac->json_file, lit->offset, line, column);
		if (*line != 0) {
			*file = s->files[r->place->iac->json_file].path;
			return;
		}
	}
	*line = r->line;
	*column = r->column;
}

/* Add a note to file. */
int
ov_iac__note(struct ov_snapshot *s, uint32_t file, unsigned line,
    unsigned column, const char *fmt, ...)
{
	struct ov_snapshot_file *f;
	struct ov_file_diag *grown, *d;
	char msg[512];
	va_list ap;
	size_t i;

	if (file >= s->n_files)
		return 0;
	f = &s->files[file];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* The same note once per file: a loop would repeat it. */
	for (i = 0; i < f->n_notes; i++)
		if (strcmp(f->notes[i].message, msg) == 0)
			return 0;
	if (f->n_notes >= ov_ctx_limit(s->ctx, OV_LIMIT_ERRORS_PER_FILE))
		return 0;
	if (f->n_notes % 8 == 0) {
		grown = ov__reallocarray(f->notes, f->n_notes + 8,
		    sizeof(*grown));
		if (grown == NULL)
			return ov__error_oom(s->ctx);
		f->notes = grown;
	}
	d = &f->notes[f->n_notes];
	memset(d, 0, sizeof(*d));
	d->line = line;
	d->column = column;
	if ((d->message = ov__arena_strdup(&s->arena, msg)) == NULL)
		return ov__error_oom(s->ctx);
	f->n_notes++;
	return 0;
}

/* Remember a linked template by its real path. */
int
ov_iac__linked(struct ov_snapshot *s, const char *path)
{
	char real[PATH_MAX];
	const char *key;

	if (realpath(path, real) == NULL || ov__map_get(&s->iac_linked, real,
	    strlen(real)) != NULL)
		return 0;
	if ((key = ov__arena_strdup(&s->arena, real)) == NULL ||
	    ov__map_put(&s->iac_linked, key, strlen(key),
	    (void *)(uintptr_t)key) < 0)
		return ov__error_oom(s->ctx);
	return 0;
}

/* Whether path was read as a linked template. */
bool
ov_iac__was_linked(const struct ov_snapshot *s, const char *path)
{
	char real[PATH_MAX];

	return s->iac_linked.len > 0 && realpath(path, real) != NULL &&
	    ov__map_get(&s->iac_linked, real, strlen(real)) != NULL;
}

/* Add a file (a linked template) to the snapshot's table. */
int
ov_iac__add_file(struct ov_snapshot *s, const char *path, const char *format,
    uint32_t *out)
{
	size_t i;
	int error;

	/* the walk may have listed it: its own unit skips it (was_linked) */
	for (i = 0; i < s->n_files; i++)
		if (strcmp(s->files[i].path, path) == 0) {
			*out = (uint32_t)i;
			s->files[i].format = format;
			s->files[i].read = true;
			return 0;
		}
	if ((error = ov_snap__add_file(s, path, format, out)) < 0)
		return error;
	s->files[*out].read = true;
	return 0;
}

struct only_file {
	struct ov_arena	*a;		/* where the path goes */
	const char	*suffix;	/* wanted name ending */
	bool		 ci;		/* ignoring ASCII case */
	const char	*found;		/* the first match */
	size_t		 count;		/* matches */
};

static int
only_cb(const char *path, const char *name, int kind, void *payload)
{
	struct only_file *o = payload;
	size_t n = strlen(name), k = strlen(o->suffix);

	if (kind != OV_WALK_FILE || n <= k || !(o->ci ?
	    ov__streq_ci(name + n - k, o->suffix) :
	    strcmp(name + n - k, o->suffix) == 0))
		return 0;
	if (o->count++ == 0)
		o->found = ov__arena_strdup(o->a, path);
	return 0;
}

/* The only file in dir with a suffix; see iac_int.h. */
const char *
ov_iac__only_file(struct ov_arena *a, ov_ctx *ctx, const char *dir,
    const char *suffix, bool ci)
{
	struct only_file o = { a, suffix, ci, NULL, 0 };

	if (ov__walk_dir(ctx, OV_ERRCLASS_INPUT, dir, 0, only_cb, &o) < 0) {
		ov_error_clear(ctx);
		return NULL;
	}
	return o.count == 1 ? o.found : NULL;
}

/* One note of one file. */
int
ov_snapshot_file_note(const ov_snapshot *s, size_t i, size_t j,
    ov_diag_info *out)
{
	const struct ov_file_diag *d;

	if (s == NULL || out == NULL)
		return OV_EINVALID;
	if (i >= s->n_files || j >= s->files[i].n_notes)
		return OV_ENOTFOUND;
	d = &s->files[i].notes[j];
	out->line = d->line;
	out->column = d->column;
	out->pointer = d->pointer;
	out->message = d->message;
	return 0;
}

/* Records from templates and plans. */
size_t
ov_snapshot_n_iac_records(const ov_snapshot *s)
{
	return s != NULL ? s->n_iac_records : 0;
}
