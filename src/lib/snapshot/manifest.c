/* SPDX-License-Identifier: MIT */
/*
 * manifest.json: the snapshot's tenant, cloud, collection time and, for
 * every source, whether it was collected, partial, failed or not
 * requested.  A file named by a source may also take its record type from
 * it (Microsoft Graph objects do not name their own type).
 */
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
	const char *status, *type, *fname;
	unsigned line, column;
	char ptr[64];
	size_t i, j, k;
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
	if (s->tenant_id == NULL && !s->tenant_conflict) {
		/* none named: the one the records agree on, as before */
		s->tenant_id = s->tenant_seen;
		s->tenant_inferred = s->tenant_id != NULL;
	}
	s->cloud = dup_str(s, ov_json_get(root, "cloud"));
	s->collected_at = dup_str(s, ov_json_get(root, "collectedAt"));
	s->tool_version = dup_str(s, ov_json_get(root, "tool"));
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
		v = ov_json_get(src, "count");
		list[i].count = v != NULL && ov_json_number(v) > 0 ?
		    (uint64_t)ov_json_number(v) : 0;
		type = dup_str(s, ov_json_get(src, "type"));
		files = ov_json_get(src, "files");
		for (j = 0; type != NULL && j < ov_json_len(files); j++) {
			fname = ov_json_string(ov_json_at(files, j));
			if (fname == NULL)
				continue;
			fname = ov__arena_strdup(&s->arena, base_name(fname));
			if (fname == NULL || ov__map_put(&s->file_types, fname,
			    strlen(fname), (void *)(uintptr_t)type) < 0) {
				error = ov__error_oom(s->ctx);
				goto done;
			}
		}
	}
#undef FAIL_AT
	ov__free(s->sources);
	s->sources = list;
	s->n_sources = ov_json_len(sources);
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
	return 0;
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
		if ((src = ov_model__type_source(type)) == NULL ||
		    !source_collected(s, src, true))
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
