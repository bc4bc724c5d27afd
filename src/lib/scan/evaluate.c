/* SPDX-License-Identifier: MIT */
/*
 * The evaluation stages: the rule set on every record (findings, the
 * framework tallies and the caller's result callback from one pass), then
 * the analyzers from the one registry (analyzers/analyzer_list.h).
 */
#include <string.h>

#include "lib/analyzers/analyzer.h"
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

/* Every rule result: a finding, a tally, the caller's callback. */
static int
on_result(const ov_policy_result *res, void *payload)
{
	struct ov_scan_result *r = payload;
	const ov_scan_options *o = r->opts;
	int error;

	if ((error = ov_policy_add_finding(r->findings, res, 0)) < 0)
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

/* Run the analyzers the options want, in registry order. */
int
ov_scan__analyzers(struct ov_scan_result *r)
{
	const ov_scan_options *o = r->opts;
	const struct ov_analyzer *const *ap, *a;
	struct ov_analyzer_ctx actx;
	size_t i, total = 0, done = 0;
	int error;

	for (i = 0; o->analyzers != NULL && i < o->n_analyzers; i++)
		if (ov_analyzer__find(o->analyzers[i]) == NULL)
			return ov__error(r->ctx, OV_EINVALID,
			    OV_ERRCLASS_CONFIG, "unknown analyzer '%s'",
			    o->analyzers[i]);
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
	for (ap = ov_analyzers; (a = *ap) != NULL; ap++) {
		if (!ov_scan__analyzer_wanted(o, a->name))
			continue;
		ov__progress(r->ctx, "analyzers", done++, total);
		if ((error = a->run(&actx)) < 0)
			return error;
	}
	ov__progress(r->ctx, "analyzers", total, total);
	return 0;
}
