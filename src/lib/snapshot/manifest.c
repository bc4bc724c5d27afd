/* SPDX-License-Identifier: MIT */
/*
 * manifest.json: the snapshot's tenant, cloud, collection time and, for
 * every source, whether it was collected, partial, failed or not
 * requested.  A file named by a source may also take its record type from
 * it (Microsoft Graph objects do not name their own type).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/snapshot/snapshot_int.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/hash.h"

static const char *const statuses[] = {
	"collected", "partial", "failed", "not-requested", NULL
};

static const char *
dup_str(struct ov_snapshot *s, const ov_json *v)
{
	const char *str = ov_json_string(v);

	return str != NULL ? ov__arena_strdup(&s->arena, str) : NULL;
}

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/*
 * Read a manifest; problems are errors with the file, position and JSON
 * Pointer, because a wrong manifest would silently change what "collected"
 * means.
 */
int
ov_snap__read_manifest(struct ov_snapshot *s, const char *path,
    const char *data, size_t len)
{
	ov_json_doc *doc = NULL;
	ov_json_error jerr;
	const ov_json *root, *sources, *src, *files, *v;
	struct ov_source_status *list = NULL;
	const char *status, *type, *fname, *slash;
	unsigned line, column;
	char ptr[64];
	size_t i, j, k, dirlen;
	int error;

	if ((error = ov_json_parse(&doc, s->ctx, data, len, OV_JSON_STRICT,
	    &jerr)) < 0) {
		if (error == OV_ENOMEM)
			return error;
		return ov__error_at(s->ctx, OV_EPARSE, OV_ERRCLASS_INPUT, path,
		    jerr.line, jerr.column, NULL, "%s", jerr.message);
	}
	root = ov_json_doc_root(doc);
#define FAIL_AT(node, pointer, ...) do {				\
		ov_json_position(data, len, (node)->offset, &line, &column); \
		error = ov__error_at(s->ctx, OV_EINVALID, OV_ERRCLASS_INPUT, \
		    path, line, column, pointer, __VA_ARGS__);		\
		goto done;						\
	} while (0)
	if (ov_json_type_of(root) != OV_JSON_OBJECT)
		FAIL_AT(root, "", "manifest must be an object");
	s->tenant_id = dup_str(s, ov_json_get(root, "tenantId"));
	s->tenant_inferred = false;
	s->cloud = dup_str(s, ov_json_get(root, "cloud"));
	s->collected_at = dup_str(s, ov_json_get(root, "collectedAt"));
	s->tool_version = dup_str(s, ov_json_get(root, "tool"));
	/* a string lost to memory would change the scan's meaning */
	if ((s->tenant_id == NULL) != (ov_json_string(ov_json_get(root,
	    "tenantId")) == NULL) || (s->cloud == NULL) !=
	    (ov_json_string(ov_json_get(root, "cloud")) == NULL) ||
	    (s->collected_at == NULL) != (ov_json_string(ov_json_get(root,
	    "collectedAt")) == NULL) || (s->tool_version == NULL) !=
	    (ov_json_string(ov_json_get(root, "tool")) == NULL)) {
		error = ov__error_oom(s->ctx);
		goto done;
	}
	if (s->tenant_id == NULL && !s->tenant_conflict) {
		/* none named: the one the records agree on, as before */
		s->tenant_id = s->tenant_seen;
		s->tenant_inferred = s->tenant_id != NULL;
	}
	if ((v = ov_json_get(root, "collectedAt")) != NULL) {
		int64_t t;

		if (ov_json_string(v) == NULL ||
		    ov_parse_time(ov_json_string(v), &t) < 0)
			FAIL_AT(v, "/collectedAt",
			    "collectedAt is not an ISO 8601 date-time");
	}
	sources = ov_json_get(root, "sources");
	if (sources != NULL && ov_json_type_of(sources) != OV_JSON_ARRAY)
		FAIL_AT(sources, "/sources", "sources must be an array");
	if (ov_json_len(sources) != 0 && (list = ov__calloc(
	    ov_json_len(sources), sizeof(*list))) == NULL) {
		error = ov__error_oom(s->ctx);
		goto done;
	}
	for (i = 0; i < ov_json_len(sources); i++) {
		src = ov_json_at(sources, i);
		snprintf(ptr, sizeof(ptr), "/sources/%zu", i);
		if (ov_json_type_of(src) != OV_JSON_OBJECT)
			FAIL_AT(src, ptr, "source must be an object");
		if (ov_json_string(ov_json_get(src, "name")) == NULL)
			FAIL_AT(src, ptr, "source has no name");
		status = ov_json_string(ov_json_get(src, "status"));
		if (status == NULL)
			FAIL_AT(src, ptr, "source has no status");
		for (k = 0; statuses[k] != NULL; k++)
			if (ov__streq_ci(status, statuses[k]))
				break;
		if (statuses[k] == NULL)
			FAIL_AT(ov_json_get(src, "status"), ptr,
			    "unknown source status '%s' (expected collected, "
			    "partial, failed or not-requested)", status);
		list[i].name = dup_str(s, ov_json_get(src, "name"));
		list[i].status = statuses[k];
		list[i].listed = statuses[k];
		list[i].reason = list[i].listed_reason = dup_str(s,
		    ov_json_get(src, "reason"));
		v = ov_json_get(src, "count");
		list[i].has_count = v != NULL;
		if (v != NULL) {
			int64_t c;

			if (!ov_json_int(v, &c) || c < 0)
				FAIL_AT(v, ptr, "count is not a whole number "
				    "of records");
			list[i].count = (uint64_t)c;
		}
		type = dup_str(s, ov_json_get(src, "type"));
		if (list[i].name == NULL || (type == NULL &&
		    ov_json_string(ov_json_get(src, "type")) != NULL)) {
			error = ov__error_oom(s->ctx);
			goto done;
		}
		files = ov_json_get(src, "files");
		if (ov_json_len(files) > 0 && (list[i].files = ov__arena_calloc(
		    &s->arena, ov_json_len(files), sizeof(char *))) == NULL) {
			error = ov__error_oom(s->ctx);
			goto done;
		}
		/* listed files are relative to the manifest's directory */
		slash = strrchr(path, '/');
		dirlen = slash != NULL ? (size_t)(slash - path) : 0;
		for (j = 0; j < ov_json_len(files); j++) {
			fname = ov_json_string(ov_json_at(files, j));
			if (fname == NULL)
				continue;
			list[i].files[list[i].n_files] = dirlen > 0 ?
			    ov__arena_printf(&s->arena, "%.*s/%s", (int)dirlen,
			    path, fname) : ov__arena_strdup(&s->arena, fname);
			if (list[i].files[list[i].n_files++] == NULL) {
				error = ov__error_oom(s->ctx);
				goto done;
			}
			if (type == NULL)
				continue;
			fname = ov__arena_strdup(&s->arena, base_name(fname));
			if (fname == NULL || ov__map_set(&s->file_types, fname,
			    strlen(fname), (void *)(uintptr_t)type) < 0) {
				error = ov__error_oom(s->ctx);
				goto done;
			}
		}
	}
#undef FAIL_AT
	ov__free(s->sources);
	s->sources = list;
	s->n_sources = s->sources_cap = ov_json_len(sources);
	list = NULL;
	s->has_manifest = true;
	error = 0;
done:
	ov__free(list);
	ov_json_doc_free(doc);
	return error;
}

/* The manifest's facts. */
void
ov_snapshot_manifest(const ov_snapshot *s, ov_manifest_info *out)
{
	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return;
	out->has_manifest = s->has_manifest;
	out->tenant = s->tenant_id;
	out->cloud = s->cloud;
	out->collected_at = s->collected_at;
	out->tool_version = s->tool_version;
	out->n_sources = s->n_sources;
}

/* Manifest source i. */
int
ov_snapshot_source(const ov_snapshot *s, size_t i, ov_source_info *out)
{
	if (s == NULL || out == NULL || i >= s->n_sources)
		return OV_ENOTFOUND;
	out->name = s->sources[i].name;
	out->status = s->sources[i].status;
	out->count = s->sources[i].count;
	out->reason = s->sources[i].reason;
	return 0;
}

/* ---- the manifest's contract ------------------------------------------ */

/*
 * The file table entry loaded from path, or else from a file of the same
 * name (the inputs may have been named another way: "./snap/x", a copy
 * of the file alone); NULL when none was.
 */
static const struct ov_snapshot_file *
file_named(const struct ov_map *paths, const struct ov_snapshot *s,
    const char *path)
{
	uintptr_t v = (uintptr_t)ov__map_get(&paths[0], path, strlen(path));

	if (v == 0)
		v = (uintptr_t)ov__map_get(&paths[1], base_name(path),
		    strlen(base_name(path)));
	return v != 0 ? &s->files[v - 1] : NULL;
}

/* Mark source src partial (or failed) for reason (printf). */
static void
degrade(struct ov_snapshot *s, struct ov_source_status *src,
    const char *status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
degrade(struct ov_snapshot *s, struct ov_source_status *src,
    const char *status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	/* failed outranks partial; the first reason stays */
	if (strcmp(src->status, "failed") == 0 ||
	    (strcmp(src->status, "partial") == 0 && src->reason != NULL &&
	    strcmp(status, "failed") != 0))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	src->status = status;
	src->reason = ov__arena_strdup(&s->arena, msg);
}

/* The pages of a source: do they say rows are missing? */
struct pages {
	const char	*kind;		/* the first page's kind, or NULL */
	size_t		 last;		/* the last file added + 1 */
	const char	*path;		/* its file */
	bool		 more;		/* a page says more pages exist */
	int64_t		 total;		/* the query's rows, -1 unknown */
	uint64_t	 rows;		/* rows on the pages */
};

static void
pages_add(struct pages *p, const struct ov_snapshot_file *f)
{
	if (f->page_kind == NULL)
		return;
	if (p->kind == NULL) {
		p->kind = f->page_kind;
		p->path = f->path;
		p->total = -1;
	}
	p->more = p->more || f->page_more;
	if (f->page_total > p->total)
		p->total = f->page_total;
	p->rows += f->page_rows;
}

/*
 * True when pages do not add up: a page says more exist and the pages at
 * hand do not reach the query's total (or it gives none), or they fall
 * short of the total.
 */
static bool
pages_short(const struct pages *p)
{
	return p->kind != NULL && !(p->total >= 0 &&
	    p->rows >= (uint64_t)p->total) && (p->more || p->total >= 0);
}

/* Make src partial when its pages do not add up. */
static void
pages_judge(struct ov_snapshot *s, struct ov_source_status *src,
    const struct pages *p)
{
	if (!pages_short(p))
		return;
	if (p->total >= 0)
		degrade(s, src, "partial", "%s: the %s pages hold %llu of "
		    "%lld rows%s", p->path, p->kind, (unsigned long long)
		    p->rows, (long long)p->total, p->more ?
		    "; a page says more exist" : "");
	else
		degrade(s, src, "partial", "%s: the %s page says more pages "
		    "exist (%llu row%s here)", p->path, p->kind,
		    (unsigned long long)p->rows, p->rows == 1 ? "" : "s");
}

/* Check one listed source against the files it names. */
static void
check_source(struct ov_snapshot *s, const struct ov_map *paths,
    struct ov_source_status *src, bool *claimed)
{
	const struct ov_snapshot_file *f;
	const char *missing = NULL, *why = NULL;
	struct pages pg;
	size_t i, n_missing = 0;
	uint64_t records = 0;

	memset(&pg, 0, sizeof(pg));
	for (i = 0; i < src->n_files; i++) {
		f = file_named(paths, s, src->files[i]);
		if (f != NULL)
			claimed[f - s->files] = true;
		if (f == NULL || !f->read) {
			if (n_missing++ == 0) {
				missing = src->files[i];
				why = f == NULL ? "listed in the manifest but "
				    "missing" : f->n_diags > 0 ?
				    f->diags[0].message : "cannot be read";
			}
			continue;
		}
		records += f->n_records;
		pages_add(&pg, f);
	}
	if (strcmp(src->listed, "collected") != 0 &&
	    strcmp(src->listed, "partial") != 0)
		return;		/* failed, not requested: nothing to check */
	if (n_missing > 0 && n_missing == src->n_files)
		degrade(s, src, "failed", "%s: %s%s", missing, why,
		    n_missing > 1 ? " (and every other file it lists)" : "");
	else if (n_missing > 0)
		degrade(s, src, "partial", "%s: %s (%zu of %zu files)",
		    missing, why, n_missing, src->n_files);
	pages_judge(s, src, &pg);
	if (n_missing == 0 && src->n_files > 0 && src->has_count &&
	    records != src->count)
		degrade(s, src, "partial", "the manifest says %llu records, "
		    "its files hold %llu", (unsigned long long)src->count,
		    (unsigned long long)records);
}

/* Append a source the manifest does not list (paged loose exports). */
static struct ov_source_status *
loose_source(struct ov_snapshot *s, const char *name)
{
	struct ov_source_status *grown, *src;
	size_t i, cap;

	for (i = 0; i < s->n_sources; i++)
		if (ov__streq_ci(s->sources[i].name, name))
			return &s->sources[i];
	if (s->n_sources == s->sources_cap) {
		cap = s->sources_cap != 0 ? s->sources_cap * 2 : 8;
		if ((grown = ov__reallocarray(s->sources, cap,
		    sizeof(*grown))) == NULL)
			return NULL;
		s->sources = grown;
		s->sources_cap = cap;
	}
	src = &s->sources[s->n_sources++];
	memset(src, 0, sizeof(*src));
	if ((src->name = ov__arena_strdup(&s->arena, name)) == NULL) {
		s->n_sources--;
		return NULL;
	}
	src->status = src->listed = "collected";
	src->loose = true;
	return src;
}

/*
 * Pages no listed source claims (loose exports): grouped by the source
 * their records belong to, judged like a listed source's pages; a source
 * whose pages fall short is added (or marked) partial.  Pages without
 * records of a known source are judged alone under "file:<path>".  One
 * pass over the records.
 */
static void
note_loose(struct ov_snapshot *s, const bool *claimed)
{
	struct ov_map groups = OV_MAP_INIT;
	struct pages *all = NULL, *grown;
	const char **names = NULL, **ngrown;
	uint32_t *seen = NULL;
	struct ov_source_status *src;
	const char *name;
	size_t i, n_groups = 0, cap = 0;
	uintptr_t g;

	if ((seen = ov__calloc(s->n_files, sizeof(*seen))) == NULL)
		goto done;
	/* source name -> pages, in first-seen order; a file counts once
	 * per source */
	for (i = 0; i < s->n_records; i++) {
		uint32_t file = s->records[i]->file;

		if (s->files[file].page_kind == NULL || claimed[file] ||
		    (name = ov_model__type_source(s->records[i]->type)) ==
		    NULL)
			continue;
		if ((g = (uintptr_t)ov__map_get(&groups, name,
		    strlen(name))) == 0) {
			if (n_groups == cap) {
				cap = cap != 0 ? cap * 2 : 8;
				if ((grown = ov__reallocarray(all, cap,
				    sizeof(*grown))) == NULL)
					goto done;
				all = grown;
				if ((ngrown = ov__reallocarray(names, cap,
				    sizeof(*ngrown))) == NULL)
					goto done;
				names = ngrown;
			}
			if (ov__map_put(&groups, name, strlen(name),
			    (void *)(uintptr_t)(n_groups + 1)) < 0)
				goto done;
			memset(&all[n_groups], 0, sizeof(*all));
			names[n_groups] = name;
			g = ++n_groups;
		}
		/* a file's records are contiguous: once per file */
		seen[file] = 1;
		if (all[g - 1].last == (size_t)file + 1)
			continue;
		all[g - 1].last = (size_t)file + 1;
		pages_add(&all[g - 1], &s->files[file]);
	}
	for (i = 0; i < n_groups; i++)
		if (pages_short(&all[i]) &&
		    (src = loose_source(s, names[i])) != NULL)
			pages_judge(s, src, &all[i]);
	for (i = 0; i < s->n_files; i++) {
		struct pages one;

		if (s->files[i].page_kind == NULL || claimed[i] || seen[i] != 0)
			continue;
		memset(&one, 0, sizeof(one));
		pages_add(&one, &s->files[i]);
		if (pages_short(&one) && (name = ov__arena_printf(&s->arena,
		    "file:%s", s->files[i].path)) != NULL &&
		    (src = loose_source(s, name)) != NULL)
			pages_judge(s, src, &one);
	}
done:
	ov__map_free(&groups);
	ov__free(seen);
	ov__free(all);
	ov__free(names);
}

/* Check the manifest's contract; see snapshot_int.h. */
void
ov_snap__check_contract(struct ov_snapshot *s)
{
	struct ov_map paths[2] = { OV_MAP_INIT_CS, OV_MAP_INIT_CS };
	bool *claimed = NULL, any_paged = false;
	size_t i, n;

	/* recomputed from the manifest's word on every call */
	for (i = 0, n = 0; i < s->n_sources; i++) {
		if (s->sources[i].loose)
			continue;
		s->sources[n] = s->sources[i];
		s->sources[n].status = s->sources[n].listed;
		s->sources[n].reason = s->sources[n].listed_reason;
		n++;
	}
	s->n_sources = n;
	for (i = 0; i < s->n_files; i++)
		any_paged = any_paged || s->files[i].page_kind != NULL;
	if ((n == 0 && !any_paged) || (s->n_files > 0 &&
	    (claimed = ov__calloc(s->n_files, sizeof(*claimed))) == NULL))
		return;
	/* by path, and by name (the first file of each name) */
	for (i = 0; i < s->n_files; i++) {
		const char *p = s->files[i].path;

		(void)ov__map_put(&paths[0], p, strlen(p),
		    (void *)(uintptr_t)(i + 1));
		(void)ov__map_put(&paths[1], base_name(p),
		    strlen(base_name(p)), (void *)(uintptr_t)(i + 1));
	}
	for (i = 0; i < n; i++)
		if (s->sources[i].listed != NULL)
			check_source(s, paths, &s->sources[i], claimed);
	if (any_paged)
		note_loose(s, claimed);
	ov__map_free(&paths[0]);
	ov__map_free(&paths[1]);
	ov__free(claimed);
}

/* True when the manifest lists source name and says it was collected in
 * full; a source it does not list counts only when not required. */
static bool
source_collected(const struct ov_snapshot *s, const char *name,
    bool required)
{
	const char *status = ov_model__source_status(s, name);

	if (status == NULL)
		return !required;
	return ov__streq_ci(status, "collected");
}

/*
 * Whether the absence of a finding on type proves it fixed.  The
 * analyzers' ov_model__type_collected() is looser: partial data is still
 * worth analysing, but not worth resolving on.  ARM child resources share
 * the arg:resources fallback, so an incomplete arm:resources source also
 * holds those back.
 */
bool
ov_snapshot_type_complete(const ov_snapshot *s, const char *type)
{
	const char *src;
	size_t i;

	if (s == NULL || !s->has_manifest || s->n_sources == 0)
		return false;
	if (type != NULL && *type != '\0') {
		/* a partial source of unknown content holds every type back */
		if ((src = ov_model__type_source(type)) == NULL ||
		    !source_collected(s, src, true) ||
		    ov_snapshot_type_incomplete(s, type))
			return false;
		return strcmp(src, "arg:resources") != 0 ||
		    source_collected(s, "arm:resources", false);
	}
	for (i = 0; i < s->n_sources; i++)
		if (s->sources[i].status == NULL ||
		    strcmp(s->sources[i].status, "collected") != 0)
			return false;
	return true;
}

/* The status the snapshot reports for a source, manifest or not. */
static const char *
reported_status(const struct ov_snapshot *s, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < s->n_sources; i++)
		if (s->sources[i].name != NULL &&
		    ov__streq_ci(s->sources[i].name, name))
			return s->sources[i].status;
	return NULL;
}

static bool
status_incomplete(const char *status)
{
	return status != NULL && (ov__streq_ci(status, "partial") ||
	    ov__streq_ci(status, "failed"));
}

/*
 * Whether the source carrying type came in partial or failed.  ARM child
 * types share the arg:resources fallback with arm:resources.  A source the
 * type map does not know (a loader may name one after a file) may carry
 * any type: when it is partial or failed, every type is held back.
 */
bool
ov_snapshot_type_incomplete(const ov_snapshot *s, const char *type)
{
	const char *src;
	size_t i;

	if (s == NULL || type == NULL)
		return false;
	for (i = 0; i < s->n_sources; i++)
		if (status_incomplete(s->sources[i].status) &&
		    !ov_model__source_known(s->sources[i].name))
			return true;
	if ((src = ov_model__type_source(type)) == NULL)
		return false;
	if (status_incomplete(reported_status(s, src)))
		return true;
	return strcmp(src, "arg:resources") == 0 &&
	    status_incomplete(reported_status(s, "arm:resources"));
}
