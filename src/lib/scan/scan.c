/* SPDX-License-Identifier: MIT */
/*
 * The pipeline (DESIGN section 2): load (the caller) -> index -> evaluate
 * the rules -> analyzers -> exceptions and accountability -> contract
 * questions -> findings.  `scan`, `contract check`, `matrix` and `policy
 * eval` run it with different options; nothing else orchestrates rules
 * and analyzers.
 */
#include <stdio.h>
#include <string.h>

#include "lib/analyzers/analyzer.h"
#include "lib/scan/scan_int.h"
#include "util/alloc.h"
#include "util/error.h"

/* The analysis clock; see scan_int.h. */
int64_t
ov_scan__clock(ov_ctx *ctx, const struct ov_snapshot *s)
{
	int64_t t;

	if (ctx->now != 0)
		return ctx->now;
	if (s->collected_at != NULL && ov_parse_time(s->collected_at, &t) == 0)
		return t;
	return ov_ctx_now(ctx);
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

/* Start a result; see scan_int.h. */
int
ov_scan__result_new(struct ov_scan_result **out, ov_ctx *ctx,
    const ov_snapshot *snap, const ov_scan_options *opts)
{
	struct ov_scan_result *r;

	*out = NULL;
	if (opts->version != OV_SCAN_OPTIONS_VERSION)
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_CONFIG,
		    "scan options version %u not supported", opts->version);
	if ((r = ov__calloc(1, sizeof(*r))) == NULL)
		return ov__error_oom(ctx);
	r->ctx = ctx;
	r->snap = snap;
	r->opts = opts;
	ov__arena_init(&r->arena, 0, 0);
	ov_coverage__init(&r->coverage);
	if (ov_findings_new(&r->findings) < 0) {
		ov_scan_result_free(r);
		return ov__error_oom(ctx);
	}
	*out = r;
	return 0;
}

/* The stages after the rules; see scan_int.h. */
int
ov_scan__finish(struct ov_scan_result *r)
{
	int error;

	if ((error = ov_scan__analyzers(r)) < 0 ||
	    (error = ov_scan__detections(r)) < 0 ||
	    (error = ov_scan__accountability(r)) < 0 ||
	    (error = veto_findings(r)) < 0)
		return error;
	/* Report order; the questions list findings in it too. */
	ov_findings_sort(r->findings);
	return ov_scan__questions(r);
}

/* Run the pipeline; see overvisor/scan.h. */
int
ov_scan_run(ov_scan_result **out, ov_ctx *ctx, const ov_snapshot *snap,
    const ov_scan_options *opts)
{
	static const ov_scan_options defaults = OV_SCAN_OPTIONS_INIT;
	struct ov_scan_result *r = NULL;
	int64_t saved_now;
	int error;

	if (out == NULL || ctx == NULL || snap == NULL)
		return OV_EINVALID;
	*out = NULL;
	if (opts == NULL)
		opts = &defaults;
	if ((error = ov_scan__result_new(&r, ctx, snap, opts)) < 0)
		return error;
	/* One clock for every stage, in force on ctx for the run only. */
	saved_now = ctx->now;
	ctx->now = r->now = ov_scan__clock(ctx, snap);
	/* The index is a cache over records the pipeline never changes. */
	if ((error = ov_snapshot_index((ov_snapshot *)(uintptr_t)snap)) < 0)
		goto fail;
	if (snap->tenant_id != NULL &&
	    (error = ov_findings_set_tenant(r->findings, snap->tenant_id)) < 0)
		goto fail;
	if ((error = ov_scan__setup(r)) < 0 ||
	    (error = ov_scan__sources(r)) < 0 ||
	    (error = ov_scan__rules(r)) < 0 ||
	    (error = ov_scan__finish(r)) < 0)
		goto fail;
	ctx->now = saved_now;
	r->opts = NULL;
	*out = r;
	return 0;
fail:
	ctx->now = saved_now;
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

/* The exceptions applied, or NULL. */
const struct ov_exceptions *
ov_scan_exceptions(const ov_scan_result *r)
{
	return r != NULL ? r->exceptions : NULL;
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

/* The snapshot. */
const ov_snapshot *
ov_scan_snapshot(const ov_scan_result *r)
{
	return r != NULL ? r->snap : NULL;
}

/* The analysis clock. */
int64_t
ov_scan_now(const ov_scan_result *r)
{
	return r != NULL ? r->now : 0;
}

/* The contract applied. */
const ov_contract *
ov_scan_contract(const ov_scan_result *r)
{
	return r != NULL ? r->contract : NULL;
}

/* The manifest sources. */
const ov_source_info *
ov_scan_sources(const ov_scan_result *r, size_t *n)
{
	*n = r != NULL ? r->n_sources : 0;
	return r != NULL ? r->sources : NULL;
}

/* The rule set evaluated. */
const ov_ruleset *
ov_scan_ruleset(const ov_scan_result *r)
{
	return r != NULL ? r->ruleset : NULL;
}

/* Number of contract answers. */
size_t
ov_scan_n_answers(const ov_scan_result *r)
{
	return r != NULL ? r->n_answers : 0;
}

/* Contract answer i. */
const ov_contract_answer *
ov_scan_answer(const ov_scan_result *r, size_t i)
{
	if (r == NULL || i >= r->n_answers)
		return NULL;
	return &r->answers[i].pub;
}

/*
 * Whether the producer of findings named `source` ran in this scan: the
 * rule pack (or a --policy definition that gave results) for "policy", an
 * analyzer for its name.  Detections (sigma) are held.  Other sources
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
	/* A detection is an event that happened: triage closes it, never a
	 * later scan that does not see it again. */
	if (strcmp(source, "sigma") == 0)
		return OV_VERDICT_HOLD;
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

/* True unless --framework leaves the rule's findings out. */
bool
ov_scan__reports_rule(const struct ov_scan_result *r, const char *rule)
{
	return r->framework == NULL ||
	    ov_framework_has_rule(r->framework, rule);
}

/* An analyzer of that name exists. */
bool
ov_scan_analyzer_known(const char *name)
{
	return name != NULL && ov_analyzer__find(name) != NULL;
}

/* Records an analyzer could not read. */
size_t
ov_scan_n_malformed(const ov_scan_result *r)
{
	return r != NULL ? r->n_malformed : 0;
}
