/* SPDX-License-Identifier: MIT */
/*
 * The scan: the policy engine over every record, the analyzers over the
 * index, then accountability (owner, accountable party, due date) and
 * exceptions, in that order (DESIGN section 2).
 */
#include <stdio.h>
#include <string.h>

#include "overvisor/scan.h"
#include "lib/analyzers/analyzer.h"
#include "lib/model/model.h"
#include "lib/scan/scan_int.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/hash.h"

static bool
analyzer_wanted(const ov_scan_options *o, const char *name)
{
	size_t i;

	if (o->no_analyzers)
		return false;
	if (o->analyzers == NULL)
		return true;
	for (i = 0; i < o->n_analyzers; i++)
		if (ov__streq_ci(o->analyzers[i], name))
			return true;
	return false;
}

static int
run_analyzers(struct ov_scan_result *r, const ov_scan_options *o)
{
	const struct ov_analyzer *const *ap, *a;
	struct ov_analyzer_ctx actx;
	size_t i, total = 0, done = 0, k;
	int error;

	for (ap = ov_analyzers; *ap != NULL; ap++)
		if (analyzer_wanted(o, (*ap)->name))
			total++;
	for (i = 0; o->analyzers != NULL && i < o->n_analyzers; i++)
		if (ov_analyzer__find(o->analyzers[i]) == NULL)
			return ov__error(r->ctx, OV_EINVALID,
			    OV_ERRCLASS_CONFIG, "unknown analyzer '%s'",
			    o->analyzers[i]);
	memset(&actx, 0, sizeof(actx));
	actx.ctx = r->ctx;
	actx.snap = r->snap;
	actx.baseline = o->baseline;
	actx.contract = r->contract;
	actx.zone_tag = o->zone_tag != NULL ? o->zone_tag : "env";
	actx.out = r->findings;
	actx.now = ov_ctx_now(r->ctx);
	actx.coverage = &r->coverage;
	for (ap = ov_analyzers, k = 0; (a = *ap) != NULL; ap++, k++) {
		if (!analyzer_wanted(o, a->name))
			continue;
		ov__progress(r->ctx, "analyzers", done++, total);
		if ((error = a->run(&actx)) < 0)
			return error;
		if (k < 64)
			r->analyzers_ran |= (uint64_t)1 << k;
	}
	ov__progress(r->ctx, "analyzers", total, total);
	return 0;
}

/* A pair the scan raised a finding for never counts as passed. */
static int
veto_findings(struct ov_scan_result *r)
{
	const ov_finding *f;
	size_t i;

	for (i = 0; (f = ov_findings_get(r->findings, i)) != NULL; i++)
		if (f->state != OV_STATE_COMPLIANT &&
		    f->state != OV_STATE_NOT_APPLICABLE &&
		    ov_coverage__veto(&r->coverage, f->rule,
		    f->resource_id) < 0)
			return ov__error_oom(r->ctx);
	return 0;
}

/*
 * The analysis clock: a fixed clock (OVERVISOR_NOW) wins; otherwise the
 * snapshot's collection time, so ages and due dates are "as of" the data
 * and the same snapshot always gives the same report.
 */
static void
set_clock(ov_ctx *ctx, const struct ov_snapshot *s)
{
	int64_t t;

	if (ctx->now != 0)
		return;
	if (s->collected_at != NULL && ov_parse_time(s->collected_at, &t) == 0)
		ctx->now = t;
}

/* Run a scan; see overvisor/scan.h. */
int
ov_scan_run(ov_scan_result **out, ov_ctx *ctx, const ov_snapshot *snap,
    const ov_scan_options *opts)
{
	static const ov_scan_options defaults = OV_SCAN_OPTIONS_INIT;
	struct ov_scan_result *r;
	int error;

	if (out == NULL || ctx == NULL || snap == NULL)
		return OV_EINVALID;
	*out = NULL;
	if (opts == NULL)
		opts = &defaults;
	if (opts->version != OV_SCAN_OPTIONS_VERSION)
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_CONFIG,
		    "scan options version %u not supported", opts->version);
	if ((r = ov__calloc(1, sizeof(*r))) == NULL)
		return ov__error_oom(ctx);
	r->ctx = ctx;
	r->snap = snap;
	ov__arena_init(&r->arena, 0, 0);
	ov_coverage__init(&r->coverage);
	if ((error = ov_findings_new(&r->findings)) < 0) {
		error = ov__error_oom(ctx);
		goto fail;
	}
	if (snap->tenant_id != NULL &&
	    (error = ov_findings_set_tenant(r->findings, snap->tenant_id)) < 0)
		goto fail;
	set_clock(ctx, snap);
	if ((error = ov_scan__setup(r, opts)) < 0)
		goto fail;
	if ((error = ov_scan__policy(r, opts)) < 0)
		goto fail;
	if ((error = run_analyzers(r, opts)) < 0)
		goto fail;
	if ((error = ov_scan__finish(r, opts)) < 0)
		goto fail;
	if ((error = veto_findings(r)) < 0)
		goto fail;
	ov_findings_sort(r->findings);
	*out = r;
	return 0;
fail:
	ov_scan_result_free(r);
	return error;
}

/* Release a result. */
void
ov_scan_result_free(ov_scan_result *r)
{
	if (r == NULL)
		return;
	ov_scan__teardown(r);
	ov_findings_free(r->findings);
	ov_coverage__free(&r->coverage);
	ov__arena_free(&r->arena);
	ov__free(r);
}

/*
 * Whether the producer of findings named `source` ran in this scan: the
 * rule pack (or a --policy definition that gave results) for "policy", an
 * analyzer for its name.  Other sources
 * (exceptions, custom producers) are not the scan's to judge.
 */
static ov_verdict
producer_verdict(const ov_scan_result *r, const char *rule,
    const char *source)
{
	const struct ov_analyzer *const *ap;
	size_t k;

	if (source == NULL)
		return OV_VERDICT_UNKNOWN;
	if (strcmp(source, "policy") == 0)
		return r->policy_ran || ov_coverage__covers(&r->coverage,
		    rule, "*") ? OV_VERDICT_PASSED : OV_VERDICT_HOLD;
	for (ap = ov_analyzers, k = 0; *ap != NULL; ap++, k++)
		if (ov__streq_ci((*ap)->name, source))
			return k < 64 && (r->analyzers_ran &
			    ((uint64_t)1 << k)) != 0 ? OV_VERDICT_PASSED :
			    OV_VERDICT_HOLD;
	return OV_VERDICT_UNKNOWN;
}

/* The scan's verdict on a (rule, resource) pair it raised nothing for. */
ov_verdict
ov_scan_verdict(const ov_scan_result *r, const char *rule,
    const char *source, const char *resource_id)
{
	const struct ov_record *rec;

	if (r == NULL || rule == NULL || resource_id == NULL)
		return OV_VERDICT_UNKNOWN;
	/* A producer that did not run, or findings the scan filters out,
	 * prove nothing either way: not even absence. */
	if (producer_verdict(r, rule, source) == OV_VERDICT_HOLD ||
	    !ov_scan__reports_rule(r, rule))
		return OV_VERDICT_HOLD;
	if ((rec = ov_model__by_id(r->snap, resource_id)) == NULL)
		return OV_VERDICT_UNKNOWN;
	return ov_coverage__passed(&r->coverage, rule, rec->type,
	    resource_id) ? OV_VERDICT_PASSED : OV_VERDICT_UNKNOWN;
}

/* The findings. */
const ov_findings *
ov_scan_findings(const ov_scan_result *r)
{
	return r != NULL ? r->findings : NULL;
}

/* Number of rules evaluated. */
size_t
ov_scan_n_rules(const ov_scan_result *r)
{
	return r != NULL ? r->n_rules : 0;
}

/* Unusable policy definitions. */
size_t
ov_scan_n_policy_errors(const ov_scan_result *r)
{
	return r != NULL ? r->n_policy_errors : 0;
}

/* The compliance view, or NULL. */
const ov_compliance *
ov_scan_compliance(const ov_scan_result *r)
{
	return r != NULL ? r->compliance : NULL;
}

/* Count findings at or above min that still need action. */
size_t
ov_scan_count_at_least(const ov_scan_result *r, ov_severity min)
{
	const ov_finding *f;
	size_t i, n = 0;

	if (r == NULL)
		return 0;
	for (i = 0; (f = ov_findings_get(r->findings, i)) != NULL; i++)
		if (f->severity >= min && (f->state == OV_STATE_NON_COMPLIANT ||
		    f->state == OV_STATE_ERROR))
			n++;
	return n;
}

/* Fill a report input. */
void
ov_scan_report_input(const ov_scan_result *r, const char *label,
    ov_report_input *out)
{
	const struct ov_snapshot *s = r->snap;

	memset(out, 0, sizeof(*out));
	out->tool_version = OV_VERSION;
	out->snapshot = label;
	out->tenant = s->tenant_id;
	out->collected_at = s->collected_at;
	out->generated_at = ov_ctx_now(r->ctx);
	out->n_records = s->n_records;
	out->n_files = s->n_files;
	out->n_input_errors = ov_snapshot_n_errors(s);
	out->n_rules = r->n_rules;
	out->findings = r->findings;
	out->compliance = r->compliance;
	out->sources = r->sources;
	out->n_sources = r->n_sources;
}

/* An analyzer of that name exists. */
bool
ov_scan_analyzer_known(const char *name)
{
	return name != NULL && ov_analyzer__find(name) != NULL;
}
