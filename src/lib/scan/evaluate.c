/* SPDX-License-Identifier: MIT */
/*
 * The evaluation stages: the rule set on every record (findings, the
 * framework tallies and the caller's result callback from one pass), then
 * the analyzers from the one registry (analyzers/analyzer_list.h), whose
 * findings are tallied by check for the framework view too.
 */
#include <string.h>

#include "lib/analyzers/analyzer.h"
#include "overvisor/iac.h"
#include "lib/rules/checks.h"
#include "lib/scan/scan_int.h"
#include "util/alloc.h"

/* Count one policy result for the framework view; see scan_int.h. */
int
ov_scan__tally(struct ov_scan_result *r, const char *rule_id, int state)
{
	ov_rule_tally *t, *grown;
	uintptr_t i;
	size_t cap;

	i = (uintptr_t)ov__map_get(&r->tally_index, rule_id,
	    strlen(rule_id));
	if (i == 0) {
		if (r->n_tallies == r->tallies_cap) {
			cap = r->tallies_cap != 0 ? r->tallies_cap * 2 : 64;
			grown = ov__reallocarray(r->tallies, cap,
			    sizeof(*grown));
			if (grown == NULL)
				return ov__error_oom(r->ctx);
			r->tallies = grown;
			r->tallies_cap = cap;
		}
		t = &r->tallies[r->n_tallies];
		memset(t, 0, sizeof(*t));
		if ((t->rule = ov__arena_strdup(&r->arena,
		    rule_id)) == NULL)
			return ov__error_oom(r->ctx);
		i = ++r->n_tallies;
		if (ov__map_put(&r->tally_index, t->rule, strlen(t->rule),
		    (void *)i) < 0)
			return ov__error_oom(r->ctx);
	}
	t = &r->tallies[i - 1];
	switch (state) {
	case OV_STATE_COMPLIANT:
		t->passed++;
		break;
	case OV_STATE_NON_COMPLIANT:
		t->failed++;
		break;
	case OV_STATE_INDETERMINATE:
		t->indeterminate++;
		break;
	default:
		break;
	}
	return 0;
}

/*
 * What the store needs to tell a fixed finding from one not looked at: a
 * definition that returned a result ran over every record of its types,
 * and a result that is neither a pass nor a finding (an evaluation error,
 * an exemption, a manual control awaiting attestation) keeps its pair
 * from counting as passed.  See scan_int.h.
 */
int
ov_scan__cover(struct ov_coverage *cov, const ov_policy_result *res)
{
	const char *rule = res->rule_id != NULL ? res->rule_id :
	    res->definition_name;

	if (rule == NULL)
		return 0;
	if (ov_coverage__ran(cov, rule, NULL) < 0)
		return OV_ENOMEM;
	switch (res->state) {
	case OV_STATE_COMPLIANT:
	case OV_STATE_NOT_APPLICABLE:
	case OV_STATE_NON_COMPLIANT:
		return 0;
	case OV_STATE_INDETERMINATE:
		if (res->effect != OV_EFFECT_MANUAL)
			return 0;	/* a finding of its own */
		break;
	default:
		break;
	}
	if (res->resource_id != NULL && ov_coverage__veto(cov, rule,
	    res->resource_id) < 0)
		return OV_ENOMEM;
	return 0;
}

/* Every rule result: a finding, a tally, the caller's callback. */
static int
on_result(const ov_policy_result *res, void *payload)
{
	struct ov_scan_result *r = payload;
	const ov_scan_options *o = r->opts;
	int error;

	if ((error = ov_policy_add_finding(r->findings, res, 0)) < 0)
		return ov__error_oom(r->ctx);
	if (ov_scan__cover(&r->coverage, res) < 0)
		return ov__error_oom(r->ctx);
	if (r->framework != NULL && res->rule_id != NULL &&
	    (error = ov_scan__tally(r, res->rule_id, res->state)) < 0)
		return error;
	return o->on_result != NULL ? o->on_result(res, o->result_payload) :
	    0;
}

/* Count the rules and the unusable definitions; see scan_int.h. */
void
ov_scan__rule_counts(struct ov_scan_result *r)
{
	ov_policy_stats stats;
	ov_policy_diag d;
	size_t i;

	if (r->ruleset == NULL)
		return;
	/* One bad definition never sinks the batch, but it is not hidden. */
	for (i = 0; ov_ruleset_diag(r->ruleset, i, &d) == 0; i++)
		if (d.level == OV_POLICY_DIAG_ERROR)
			r->n_policy_errors++;
	ov_ruleset_stats(r->ruleset, &stats);
	r->n_rules = stats.compiled;
}

/* Evaluate the rule set on every record. */
int
ov_scan__rules(struct ov_scan_result *r)
{
	ov_rule_eval *ev = NULL;
	int error;

	if (r->ruleset == NULL)
		return 0;
	ov_scan__rule_counts(r);
	if ((error = ov_rule_eval_new(&ev, r->ruleset, r->ctx)) < 0)
		return error;
	ov__progress(r->ctx, "rules", 0, 1);
	error = ov_rule_eval_snapshot(ev, r->snap, r->opts->eval_flags,
	    on_result, r);
	ov__progress(r->ctx, "rules", 1, 1);
	ov_rule_eval_free(ev);
	/* The rule pack ran: findings of its rules are this scan's to judge
	 * (--no-rules with --policy judges only the definitions given). */
	if (error == 0 && !r->opts->no_rules)
		r->policy_ran = true;
	return error;
}

/* True when the options run analyzer name; see scan_int.h. */
bool
ov_scan__analyzer_wanted(const ov_scan_options *o, const char *name)
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

/*
 * Tally what analyzer a found, for the framework view: each finding of a
 * check (from the first-th finding on) as failed or indeterminate.  A check
 * of the analyzer without a finding passed, provided the analyzer has a
 * coverage check (it says when its sources are missing) and that did not
 * fire; when it fired, the silent checks are indeterminate.  An analyzer
 * without a coverage check cannot tell "nothing found" from "nothing
 * read", so its silent checks count for nothing.
 */
static int
tally_analyzer(struct ov_scan_result *r, const struct ov_analyzer *a,
    size_t first)
{
	const struct ov_check *c, *coverage = NULL;
	const ov_check_info *ci;
	const ov_finding *f;
	bool missing = false;
	size_t i;
	int error;

	for (i = first; (f = ov_findings_get(r->findings, i)) != NULL; i++) {
		if (f->rule == NULL || ov_rules__check(f->rule) == NULL)
			continue;
		if (f->resource_type != NULL &&
		    strcmp(f->resource_type, "overvisor/coverage") == 0)
			missing = true;
		if ((error = ov_scan__tally(r, f->rule, f->state)) < 0)
			return error;
	}
	for (i = 0; (ci = ov_checks_get(i)) != NULL; i++)
		if ((c = ov_rules__check(ci->id)) != NULL && c->coverage &&
		    ov__streq_ci(ci->analyzer, a->name))
			coverage = c;
	if (coverage == NULL)
		return 0;
	for (i = 0; (ci = ov_checks_get(i)) != NULL; i++) {
		if (!ov__streq_ci(ci->analyzer, a->name) ||
		    ov_rules__check(ci->id) == coverage ||
		    ov__map_get(&r->tally_index, ci->id,
		    strlen(ci->id)) != NULL)
			continue;
		if ((error = ov_scan__tally(r, ci->id, missing ?
		    OV_STATE_INDETERMINATE : OV_STATE_COMPLIANT)) < 0)
			return error;
	}
	return 0;
}

/* Run the analyzers the options want, in registry order. */
int
ov_scan__analyzers(struct ov_scan_result *r)
{
	const ov_scan_options *o = r->opts;
	const struct ov_analyzer *const *ap, *a;
	struct ov_analyzer_ctx actx;
	size_t i, total = 0, done = 0, k;
	int error;

	for (i = 0; o->analyzers != NULL && i < o->n_analyzers; i++)
		if (ov_analyzer__find(o->analyzers[i]) == NULL)
			return ov__error(r->ctx, OV_EINVALID,
			    OV_ERRCLASS_CONFIG, "unknown analyzer '%s'",
			    o->analyzers[i]);
	/* templates and plans are no live estate; decided after loading */
	if (o->estate_analyzers && ov_snapshot_n_iac_records(r->snap) != 0)
		return 0;
	for (ap = ov_analyzers; *ap != NULL; ap++)
		if (ov_scan__analyzer_wanted(o, (*ap)->name))
			total++;
	memset(&actx, 0, sizeof(actx));
	actx.ctx = r->ctx;
	actx.snap = r->snap;
	actx.baseline = o->baseline;
	actx.contract = r->contract;
	actx.zone_tag = r->zone_tag;
	actx.out = r->findings;
	actx.now = r->now;
	actx.coverage = &r->coverage;
	for (ap = ov_analyzers, k = 0; (a = *ap) != NULL; ap++, k++) {
		if (!ov_scan__analyzer_wanted(o, a->name))
			continue;
		size_t first = ov_findings_count(r->findings);

		ov__progress(r->ctx, "analyzers", done++, total);
		if ((error = a->run(&actx)) < 0)
			return error;
		if (r->framework != NULL &&
		    (error = tally_analyzer(r, a, first)) < 0)
			return error;
		if (k < 64)
			r->analyzers_ran |= (uint64_t)1 << k;
	}
	r->n_malformed = actx.n_malformed;
	ov__progress(r->ctx, "analyzers", total, total);
	return 0;
}
