/* SPDX-License-Identifier: MIT */
/*
 * Recording a scan of a loaded snapshot: the scan record comes from the
 * manifest, the record digest is the snapshot's (ov_digest_from_snapshot),
 * and a finding is resolved when the scan proves it fixed: the rule passed
 * on the resource (ov_scan_verdict), or the resource is gone from a type
 * the snapshot says was fully collected (ov_snapshot_type_complete);
 * never from a source reported partial or failed.  Only the public snapshot
 * and scan interfaces are used: the store never reads records.
 */
#include <stdint.h>
#include <string.h>

#include "overvisor/scan.h"
#include "lib/json/json_out.h"
#include "store/backend.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/time.h"

/* ov_store_record_scan's type_complete: the snapshot's word on it. */
static bool
type_complete(const char *type, void *payload)
{
	return ov_snapshot_type_complete(payload, type) &&
	    !ov_snapshot_type_incomplete(payload, type);
}

struct verdict_ctx {
	const ov_snapshot	*snap;
	const ov_scan_result	*result;
};

/*
 * ov_verdict_cb over a finished scan of a snapshot: the scan's verdict,
 * but never a pass on a type whose source came in partial or failed.
 */
static ov_verdict
snapshot_verdict(const char *rule, const char *source,
    const char *resource_id, const char *type, void *payload)
{
	const struct verdict_ctx *vc = payload;

	if (ov_snapshot_type_incomplete(vc->snap, type))
		return OV_VERDICT_HOLD;
	return ov_scan_verdict(vc->result, rule, source, resource_id);
}

/* A JSON summary of the manifest for the scan record. */
static int
manifest_json(const ov_snapshot *snap, const ov_manifest_info *m,
    struct ov_buf *b)
{
	ov_source_info src;
	size_t i;
	int error;

	error = ov__buf_puts(b, "{\"tenantId\":");
	if (error == 0)
		error = ov_json__buf_string(b, m->tenant);
	if (error == 0)
		error = ov__buf_puts(b, ",\"cloud\":");
	if (error == 0)
		error = ov_json__buf_string(b, m->cloud);
	if (error == 0)
		error = ov__buf_puts(b, ",\"collectedAt\":");
	if (error == 0)
		error = ov_json__buf_string(b, m->collected_at);
	if (error == 0)
		error = ov__buf_puts(b, ",\"toolVersion\":");
	if (error == 0)
		error = ov_json__buf_string(b, m->tool_version);
	if (error == 0)
		error = ov__buf_puts(b, ",\"sources\":[");
	for (i = 0; error == 0 && ov_snapshot_source(snap, i, &src) == 0;
	    i++) {
		error = ov__buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
		if (error == 0)
			error = ov_json__buf_string(b, src.name);
		if (error == 0)
			error = ov__buf_puts(b, ",\"status\":");
		if (error == 0)
			error = ov_json__buf_string(b, src.status);
		if (error == 0)
			error = ov__buf_printf(b, ",\"count\":%llu",
			    (unsigned long long)src.count);
		/* why the loader found it partial or failed */
		if (error == 0 && src.reason != NULL &&
		    (error = ov__buf_puts(b, ",\"reason\":")) == 0)
			error = ov_json__buf_string(b, src.reason);
		if (error == 0)
			error = ov__buf_putc(b, '}');
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
	ov_manifest_info m;
	ov_source_info src;
	struct ov_buf manifest = OV_BUF_INIT(1 << 24);
	int64_t t;
	size_t i;
	int error;

	ov_snapshot_manifest(snap, &m);
	if ((error = ov_digest_from_snapshot(&digest, s->ctx, snap)) < 0)
		return error;
	if (m.n_sources > 0 &&
	    (sources = ov__calloc(m.n_sources, sizeof(*sources))) == NULL) {
		error = ov__error_oom(s->ctx);
		goto done;
	}
	for (i = 0; i < m.n_sources && ov_snapshot_source(snap, i,
	    &src) == 0; i++) {
		sources[i].name = src.name;
		sources[i].status = src.status;
		sources[i].count = src.count;
	}
	if (manifest_json(snap, &m, &manifest) < 0) {
		error = ov__error_oom(s->ctx);
		goto done;
	}
	meta.tenant = m.tenant != NULL ? m.tenant : "";
	if (m.collected_at != NULL &&
	    ov__time_parse(m.collected_at, strlen(m.collected_at), &t))
		meta.collected_at = t;
	meta.tool_version = m.tool_version != NULL ? m.tool_version :
	    OV_VERSION;
	meta.rulepack_version = rulepack_version;
	/* the sources with the loader's reasons, loose exports' too */
	meta.manifest_json = m.has_manifest || m.n_sources > 0 ?
	    ov__buf_cstr(&manifest) : NULL;
	meta.has_manifest = m.has_manifest;
	meta.sources = sources;
	meta.n_sources = m.n_sources;
	meta.type_complete = type_complete;
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
	struct ov_store__evidence ev;
	int error;

	OV_ASSERT_ARG(s != NULL && snap != NULL && result != NULL);
	ev.snap = snap;
	ev.contract = ov_scan_contract(result);
	ev.result = result;
	s->parties = ov_scan_contract(result);
	s->evidence = &ev;
	error = record_snapshot(s, snap, result, ov_scan_findings(result),
	    ov_scan_exceptions(result), rulepack_version, scan_id_out);
	s->parties = NULL;
	s->evidence = NULL;
	return error;
}
