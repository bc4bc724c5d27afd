/* SPDX-License-Identifier: MIT */
/*
 * Recording a scan of a loaded snapshot: the scan record comes from the
 * manifest, the record digest from the curated properties of every record,
 * and a finding may only be resolved when the snapshot index says its type
 * was fully collected (ov_model__type_collected).
 */
#include <stdint.h>
#include <string.h>

#include "findings/drift.h"
#include "model/model.h"
#include "scan/scan_int.h"
#include "store/backend.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/time.h"

#define MAX_PATHS 16	/* curated paths per type, at most */

/* Build the digest of a snapshot. */
int
ov_digest_from_snapshot(ov_digest **out, ov_ctx *ctx,
    const ov_snapshot *snap)
{
	ov_digest *d = NULL;
	size_t i, j;
	int error;

	OV_ASSERT_ARG(out != NULL && snap != NULL);
	*out = NULL;
	if ((error = ov_digest_new(&d)) < 0)
		return ov__error_oom(ctx);
	for (i = 0; i < snap->n_records; i++) {
		const struct ov_record *r = snap->records[i];
		const char *const *paths = ov_drift__paths(r->type);
		char *vals[MAX_PATHS];
		const char *cpaths[MAX_PATHS];
		size_t n = 0;

		for (j = 0; paths[j] != NULL && n < MAX_PATHS; j++) {
			const ov_json *v = ov_model__field(r, paths[j]);

			if (v == NULL)
				continue;
			if ((vals[n] = ov_json_to_string(v,
			    OV_JSON_W_SORTED)) == NULL)
				continue;
			cpaths[n] = paths[j];
			n++;
		}
		error = r->id != NULL ? ov_digest_add(d, r->id, r->type,
		    cpaths, (const char *const *)vals, n) : 0;
		for (j = 0; j < n; j++)
			ov_free(vals[j]);
		if (error < 0) {
			ov_digest_free(d);
			return ov__error_oom(ctx);
		}
	}
	*out = d;
	return 0;
}

/* True when the manifest lists source name and says it was collected in
 * full; a source it does not list counts only when not required. */
static bool
source_collected(const struct ov_snapshot *snap, const char *name,
    bool required)
{
	const char *status = ov_model__source_status(snap, name);

	if (status == NULL)
		return !required;
	return ov__streq_ci(status, "collected");
}

/*
 * Whether the absence of a finding on type proves it fixed: the manifest
 * must say the type's source was collected in full.  Partial, failed and
 * not-requested sources, and types no listed source carries, never
 * resolve anything (the analyzers' ov_model__type_collected() is looser:
 * partial data is still worth analysing, but not worth resolving on).
 * ARM child resources share the arg:resources fallback, so an incomplete
 * arm:resources source also holds those back.
 */
static bool
snapshot_type_complete(const char *type, void *payload)
{
	const struct ov_snapshot *snap = payload;
	const char *src;
	size_t i;

	if (!snap->has_manifest || snap->n_sources == 0)
		return false;
	if (*type != '\0') {
		if ((src = ov_model__type_source(type)) == NULL ||
		    !source_collected(snap, src, true))
			return false;
		return strcmp(src, "arg:resources") != 0 ||
		    source_collected(snap, "arm:resources", false);
	}
	for (i = 0; i < snap->n_sources; i++)
		if (snap->sources[i].status == NULL ||
		    strcmp(snap->sources[i].status, "collected") != 0)
			return false;
	return true;
}

/*
 * The status the snapshot reports for a source, manifest or not (the
 * loader may mark a source of loose exports partial), or NULL.
 */
static const char *
reported_status(const struct ov_snapshot *snap, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < snap->n_sources; i++)
		if (snap->sources[i].name != NULL &&
		    ov__streq_ci(snap->sources[i].name, name))
			return snap->sources[i].status;
	return NULL;
}

static bool
incomplete(const char *status)
{
	return status != NULL && (ov__streq_ci(status, "partial") ||
	    ov__streq_ci(status, "failed"));
}

/*
 * True when the snapshot says the source carrying type came in partial or
 * failed: nothing about that type is resolved from this scan, not even a
 * record that is present and passes (its neighbours, or the rest of its
 * own data, may be missing).  ARM child types share the arg:resources
 * fallback with arm:resources.
 */
static bool
type_held_back(const struct ov_snapshot *snap, const char *type)
{
	const char *src = ov_model__type_source(type);

	if (src == NULL)
		return false;
	if (incomplete(reported_status(snap, src)))
		return true;
	return strcmp(src, "arg:resources") == 0 &&
	    incomplete(reported_status(snap, "arm:resources"));
}

struct verdict_ctx {
	const struct ov_snapshot	*snap;
	const ov_scan_result		*result;
};

/* ov_verdict_cb over a finished scan of a snapshot. */
static ov_verdict
snapshot_verdict(const char *rule, const char *source,
    const char *resource_id, const char *type, void *payload)
{
	const struct verdict_ctx *vc = payload;
	ov_verdict v = ov_scan_verdict(vc->result, rule, source, resource_id);

	if (v == OV_VERDICT_PASSED && type_held_back(vc->snap, type))
		return OV_VERDICT_HOLD;
	return v;
}

/* Append s as a JSON string. */
static int
put_str(struct ov_buf *b, const char *s)
{
	int error = ov__buf_putc(b, '"');

	for (; s != NULL && *s != '\0' && error == 0; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			error = ov__buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			error = ov__buf_printf(b, "\\u%04x", c);
		else
			error = ov__buf_putc(b, (char)c);
	}
	return error == 0 ? ov__buf_putc(b, '"') : error;
}

/* A JSON summary of the manifest for the scan record. */
static int
manifest_json(const struct ov_snapshot *snap, struct ov_buf *b)
{
	size_t i;
	int error;

	error = ov__buf_puts(b, "{\"tenantId\":");
	if (error == 0)
		error = put_str(b, snap->tenant_id);
	if (error == 0)
		error = ov__buf_puts(b, ",\"cloud\":");
	if (error == 0)
		error = put_str(b, snap->cloud);
	if (error == 0)
		error = ov__buf_puts(b, ",\"collectedAt\":");
	if (error == 0)
		error = put_str(b, snap->collected_at);
	if (error == 0)
		error = ov__buf_puts(b, ",\"toolVersion\":");
	if (error == 0)
		error = put_str(b, snap->tool_version);
	if (error == 0)
		error = ov__buf_puts(b, ",\"sources\":[");
	for (i = 0; i < snap->n_sources && error == 0; i++) {
		error = ov__buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
		if (error == 0)
			error = put_str(b, snap->sources[i].name);
		if (error == 0)
			error = ov__buf_puts(b, ",\"status\":");
		if (error == 0)
			error = put_str(b, snap->sources[i].status);
		if (error == 0)
			error = ov__buf_printf(b, ",\"count\":%llu}",
			    (unsigned long long)snap->sources[i].count);
	}
	if (error == 0)
		error = ov__buf_puts(b, "]}");
	return error;
}

/* Record a scan of a snapshot, judged by result when not NULL. */
static int
record_snapshot(ov_store *s, const ov_snapshot *snap,
    const ov_scan_result *result, const ov_findings *findings,
    const ov_exceptions *exc, const char *rulepack_version,
    int64_t *scan_id_out)
{
	struct verdict_ctx vc;
	ov_scan_record meta = OV_SCAN_RECORD_INIT;
	ov_scan_source *sources = NULL;
	ov_digest *digest = NULL;
	struct ov_buf manifest = OV_BUF_INIT(1 << 24);
	int64_t t;
	size_t i;
	int error;

	if ((error = ov_digest_from_snapshot(&digest, s->ctx, snap)) < 0)
		return error;
	if (snap->n_sources > 0 &&
	    (sources = ov__calloc(snap->n_sources, sizeof(*sources))) == NULL) {
		error = ov__error_oom(s->ctx);
		goto done;
	}
	for (i = 0; i < snap->n_sources; i++) {
		sources[i].name = snap->sources[i].name;
		sources[i].status = snap->sources[i].status;
		sources[i].count = snap->sources[i].count;
	}
	if (manifest_json(snap, &manifest) < 0) {
		error = ov__error_oom(s->ctx);
		goto done;
	}
	meta.tenant = snap->tenant_id != NULL ? snap->tenant_id : "";
	if (snap->collected_at != NULL &&
	    ov__time_parse(snap->collected_at, strlen(snap->collected_at), &t))
		meta.collected_at = t;
	meta.tool_version = snap->tool_version != NULL ? snap->tool_version :
	    OV_VERSION;
	meta.rulepack_version = rulepack_version;
	meta.manifest_json = snap->has_manifest ? ov__buf_cstr(&manifest) :
	    NULL;
	meta.has_manifest = snap->has_manifest;
	meta.sources = sources;
	meta.n_sources = snap->n_sources;
	meta.type_complete = snapshot_type_complete;
	meta.payload = (void *)(uintptr_t)snap;
	if (result != NULL) {
		vc.snap = snap;
		vc.result = result;
		meta.verdict = snapshot_verdict;
		meta.verdict_payload = &vc;
	}
	error = ov_store_record_scan(s, &meta, findings, digest, exc,
	    scan_id_out);
done:
	ov__buf_free(&manifest);
	ov__free(sources);
	ov_digest_free(digest);
	return error;
}

/* Record a scan of a snapshot; findings resolve only by absence. */
int
ov_store_record_snapshot(ov_store *s, const ov_snapshot *snap,
    const ov_findings *findings, const ov_exceptions *exc,
    const char *rulepack_version, int64_t *scan_id_out)
{
	OV_ASSERT_ARG(s != NULL && snap != NULL && findings != NULL);
	return record_snapshot(s, snap, NULL, findings, exc,
	    rulepack_version, scan_id_out);
}

/* Record a finished scan with its contract's parties. */
int
ov_store_record_result(ov_store *s, const ov_snapshot *snap,
    const ov_scan_result *result, const char *rulepack_version,
    int64_t *scan_id_out)
{
	int error;

	OV_ASSERT_ARG(s != NULL && snap != NULL && result != NULL);
	s->parties = result->contract;
	error = record_snapshot(s, snap, result, ov_scan_findings(result),
	    ov_scan_exceptions(result), rulepack_version, scan_id_out);
	s->parties = NULL;
	return error;
}
