/* SPDX-License-Identifier: MIT */
/*
 * The scan stages around the analyzers: setup (contract, sources), policy
 * (rule pack and --policy paths) and finish (accountability, exceptions,
 * framework view).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "overvisor/exceptions.h"
#include "overvisor/policy.h"
#include "overvisor/rules.h"
#include "lib/raci/contract.h"
#include "lib/scan/scan_int.h"
#include "util/alloc.h"
#include "util/hash.h"

/* Stage-private state. */
struct stages {
	ov_policy_set	*policy;	/* rule pack + --policy, or NULL */
	ov_exceptions	*exceptions;	/* --exceptions, or NULL */
	ov_raci		*raci;		/* responsibility matrix */
	ov_framework	*framework;	/* --framework, or NULL */
	struct ov_map	 tally_index;	/* rule id -> index in tallies */
	ov_rule_tally	*tallies;	/* per-rule result counts */
	size_t		 n_tallies;
	size_t		 tallies_cap;
};

static const char *
data_path(struct ov_scan_result *r, const ov_scan_options *o,
    const char *rel)
{
	const char *dir = o->data_dir != NULL ? o->data_dir : OV_SOURCE_DIR;

	return ov__arena_printf(&r->arena, "%s/%s", dir, rel);
}

/* Load the contract and describe the sources for the report. */
int
ov_scan__setup(struct ov_scan_result *r, const ov_scan_options *o)
{
	const struct ov_snapshot *s = r->snap;
	struct stages *st;
	size_t i;
	int error;

	if ((st = ov__arena_calloc(&r->arena, 1, sizeof(*st))) == NULL)
		return ov__error_oom(r->ctx);
	r->stage = st;
	if (s->n_sources != 0) {
		r->sources = ov__arena_calloc(&r->arena, s->n_sources,
		    sizeof(*r->sources));
		if (r->sources == NULL)
			return ov__error_oom(r->ctx);
		for (i = 0; i < s->n_sources; i++) {
			r->sources[i].name = s->sources[i].name;
			r->sources[i].status = s->sources[i].status;
		}
		r->n_sources = s->n_sources;
	}
	if (o->contract_path != NULL)
		error = ov_contract__load_file(&r->contract, r->ctx,
		    o->contract_path);
	else
		error = ov_contract__default(&r->contract, r->ctx);
	if (error < 0)
		return error;
	if (o->exceptions_path != NULL && (error = ov_exceptions_load(
	    &st->exceptions, r->ctx, o->exceptions_path)) < 0)
		return error;
	if ((error = ov_raci_load(&st->raci, r->ctx, o->data_dir != NULL ?
	    o->data_dir : OV_SOURCE_DIR)) < 0)
		return error;
	if (o->framework != NULL && (error = ov_framework_load(&st->framework,
	    r->ctx, o->data_dir != NULL ? o->data_dir : OV_SOURCE_DIR,
	    o->framework)) < 0)
		return error;
	return 0;
}

/* Count one policy result for the framework view. */
static int
tally_cb(const ov_policy_result *res, void *payload)
{
	struct ov_scan_result *r = payload;
	struct stages *st = r->stage;
	ov_rule_tally *t, *grown;
	uintptr_t i;
	size_t cap;

	if (res->rule_id == NULL)
		return 0;
	i = (uintptr_t)ov__map_get(&st->tally_index, res->rule_id,
	    strlen(res->rule_id));
	if (i == 0) {
		if (st->n_tallies == st->tallies_cap) {
			cap = st->tallies_cap != 0 ? st->tallies_cap * 2 : 64;
			grown = ov__reallocarray(st->tallies, cap,
			    sizeof(*grown));
			if (grown == NULL)
				return ov__error_oom(r->ctx);
			st->tallies = grown;
			st->tallies_cap = cap;
		}
		t = &st->tallies[st->n_tallies];
		memset(t, 0, sizeof(*t));
		if ((t->rule = ov__arena_strdup(&r->arena,
		    res->rule_id)) == NULL)
			return ov__error_oom(r->ctx);
		i = ++st->n_tallies;
		if (ov__map_put(&st->tally_index, t->rule, strlen(t->rule),
		    (void *)i) < 0)
			return ov__error_oom(r->ctx);
	}
	t = &st->tallies[i - 1];
	switch (res->state) {
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
 * Every policy result: the framework tally, and what the store needs to
 * tell a fixed finding from one not looked at.  A definition that returned
 * a result ran over every record of its types; a result that is neither a
 * pass nor a finding (an evaluation error, an exemption, a manual control
 * awaiting attestation) keeps its pair from counting as passed.
 */
static int
result_cb(const ov_policy_result *res, void *payload)
{
	struct ov_scan_result *r = payload;
	struct stages *st = r->stage;
	const char *rule = res->rule_id != NULL ? res->rule_id :
	    res->definition_name;
	int error;

	if (st->framework != NULL && (error = tally_cb(res, r)) != 0)
		return error;
	if (rule == NULL)
		return 0;
	if (ov_coverage__ran(&r->coverage, rule, NULL) < 0)
		return ov__error_oom(r->ctx);
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
	if (res->resource_id != NULL && ov_coverage__veto(&r->coverage, rule,
	    res->resource_id) < 0)
		return ov__error_oom(r->ctx);
	return 0;
}

/* Evaluate the rule pack and the --policy definitions on every record. */
int
ov_scan__policy(struct ov_scan_result *r, const ov_scan_options *o)
{
	struct stages *st = r->stage;
	ov_policy_stats stats;
	ov_policy_diag d;
	const char *rules;
	struct stat sb;
	size_t i;
	int error;

	if (o->no_rules && o->n_policy_paths == 0)
		return 0;
	if ((error = ov_policy_set_new(&st->policy, r->ctx)) < 0)
		return error;
	if (o->aliases_path != NULL)
		error = ov_policy_set_load_aliases(st->policy, o->aliases_path);
	else
		error = ov_policy_set_default_aliases(st->policy,
		    o->data_dir);
	if (error < 0)
		return error;
	if (!o->no_rules) {
		rules = o->rules_dir != NULL ? o->rules_dir :
		    data_path(r, o, "rules");
		if (rules == NULL)
			return ov__error_oom(r->ctx);
		/* A rule pack that is missing or holds nothing is an error,
		 * never a scan with no rules: --no-rules says so on purpose. */
		if (stat(rules, &sb) != 0)
			return ov__error_at(r->ctx, OV_ENOTFOUND,
			    OV_ERRCLASS_CONFIG, rules, 0, 0, NULL,
			    "rule pack not found (--no-rules scans without "
			    "one)");
		if ((error = ov_policy_set_add_rules(st->policy, rules)) < 0)
			return error;
		if ((error = ov_policy_set_stats(st->policy, &stats)) < 0)
			return error;
		if (stats.definitions + stats.initiatives == 0)
			return ov__error_at(r->ctx, OV_ENOTFOUND,
			    OV_ERRCLASS_CONFIG, rules, 0, 0, NULL,
			    "rule pack holds no policy definitions "
			    "(--no-rules scans without one)");
	}
	for (i = 0; i < o->n_policy_paths; i++)
		if ((error = ov_policy_set_add_file(st->policy,
		    o->policy_paths[i])) < 0)
			return error;
	if (o->assigned &&
	    (error = ov_policy_set_add_snapshot(st->policy, r->snap)) < 0)
		return error;
	if ((error = ov_policy_set_compile(st->policy)) < 0)
		return error;
	/* One bad definition never sinks the batch, but it is not hidden. */
	for (i = 0; ov_policy_set_diag(st->policy, i, &d) == 0; i++)
		if (d.level == OV_POLICY_DIAG_ERROR)
			r->n_policy_errors++;
	if (ov_policy_set_stats(st->policy, &stats) == 0)
		r->n_rules = stats.compiled;
	ov__progress(r->ctx, "policy", 0, 1);
	error = ov_policy_findings_each(st->policy, r->snap, r->findings, 0,
	    result_cb, r);
	ov__progress(r->ctx, "policy", 1, 1);
	/* The rule pack ran: findings of its rules are this scan's to judge
	 * (--no-rules with --policy judges only the definitions given). */
	if (error == 0 && !o->no_rules)
		r->policy_ran = true;
	return error;
}

/*
 * The layer a duty works in, for findings about the duty itself (an
 * accountability gap, a lapsed exception) that name no resource layer.
 */
static ov_layer
duty_layer(const char *duty)
{
	static const struct {
		const char	*duty;	/* contract duty */
		ov_layer	 layer;	/* where its work happens */
	} map[] = {
		{ "os-patching", OV_LAYER_OPERATING_SYSTEM },
		{ "identity-review", OV_LAYER_ACCOUNTS_AND_IDENTITIES },
		{ "nsg-review", OV_LAYER_NETWORK_CONTROLS },
		{ "defender-triage", OV_LAYER_APPLICATIONS },
		{ "policy-enforcement", OV_LAYER_APPLICATIONS },
		{ "backup-validation", OV_LAYER_INFORMATION_AND_DATA },
		{ "monitoring", OV_LAYER_APPLICATIONS },
		{ "incident-response", OV_LAYER_APPLICATIONS },
		{ "governance-reporting", OV_LAYER_INFORMATION_AND_DATA },
	};
	size_t i;

	for (i = 0; duty != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (ov__streq_ci(duty, map[i].duty))
			return map[i].layer;
	return OV_LAYER_UNKNOWN;
}

/*
 * Copy every finding, filling what the producer could not know: the
 * accountable party and due date from the contract duty, the owner side.
 */
static int
fill_accountability(struct ov_scan_result *r)
{
	struct stages *st = r->stage;
	ov_owner owner;
	const ov_findings *in = r->findings;
	const ov_finding *f;
	ov_findings *out = NULL;
	ov_finding g;
	int64_t now = ov_ctx_now(r->ctx);
	size_t i;
	int error;

	if ((error = ov_findings_new(&out)) < 0)
		return ov__error_oom(r->ctx);
	if (r->snap->tenant_id != NULL &&
	    (error = ov_findings_set_tenant(out, r->snap->tenant_id)) < 0)
		goto fail;
	for (i = 0; (f = ov_findings_get(in, i)) != NULL; i++) {
		g = *f;
		/* --framework restricts the report to the mapped rules. */
		if (st->framework != NULL &&
		    !ov_framework_has_rule(st->framework, g.rule))
			continue;
		if (g.layer == OV_LAYER_UNKNOWN)
			g.layer = duty_layer(g.duty);
		/*
		 * The owner of a layer comes from the responsibility matrix
		 * for the resource's service model; the producer's view only
		 * stands where the matrix does not know the type.  A finding
		 * is a setting the customer chose, so one on a layer that
		 * Microsoft runs (geo-redundancy against a datacenter loss,
		 * a PaaS node image) is shared, never Microsoft's alone.
		 */
		if (g.layer != OV_LAYER_UNKNOWN && (owner = ov_raci_owner(
		    st->raci, g.resource_type, g.layer)) != OV_OWNER_UNKNOWN)
			g.owner = owner == OV_OWNER_MICROSOFT ?
			    OV_OWNER_SHARED : owner;
		if (g.duty != NULL) {
			if (g.accountable == NULL)
				g.accountable = ov_contract__accountable(
				    r->contract, g.duty);
			if (g.due == 0 && g.state == OV_STATE_NON_COMPLIANT)
				g.due = ov_contract__due(r->contract, g.duty,
				    g.severity, now);
			if (g.owner == OV_OWNER_UNKNOWN)
				g.owner = ov_contract__owner(r->contract,
				    g.duty);
		}
		if ((error = ov_findings_add(out, &g)) < 0)
			goto fail;
	}
	ov_findings_free(r->findings);
	r->findings = out;
	return 0;
fail:
	ov_findings_free(out);
	return ov__error_oom(r->ctx);
}

static int
apply_exceptions(struct ov_scan_result *r)
{
	struct stages *st = r->stage;
	ov_findings *out = NULL;
	int error;

	if (st->exceptions == NULL)
		return 0;
	if ((error = ov_findings_new(&out)) < 0)
		return ov__error_oom(r->ctx);
	if ((r->snap->tenant_id != NULL && (error = ov_findings_set_tenant(out,
	    r->snap->tenant_id)) < 0) || (error = ov_exceptions_apply(
	    st->exceptions, r->ctx, r->findings, ov_ctx_now(r->ctx),
	    out)) < 0) {
		ov_findings_free(out);
		return error;
	}
	ov_findings_free(r->findings);
	r->findings = out;
	return 0;
}

/* Fill in accountability and apply exceptions. */
int
ov_scan__finish(struct ov_scan_result *r, const ov_scan_options *o)
{
	struct stages *st = r->stage;
	int error;

	(void)o;

	/* Exceptions first: a lapsed exception is a finding that needs an
	 * accountable party and a due date like any other. */
	if ((error = apply_exceptions(r)) < 0)
		return error;
	if ((error = fill_accountability(r)) < 0)
		return error;
	if (st->framework != NULL && (error = ov_framework_compliance(
	    st->framework, st->tallies, st->n_tallies, &r->compliance)) < 0)
		return error;
	return 0;
}

/* True unless --framework leaves the rule's findings out. */
bool
ov_scan__reports_rule(const struct ov_scan_result *r, const char *rule)
{
	const struct stages *st = r->stage;

	return st == NULL || st->framework == NULL ||
	    ov_framework_has_rule(st->framework, rule);
}

/* The exceptions applied, or NULL. */
const struct ov_exceptions *
ov_scan_exceptions(const ov_scan_result *r)
{
	const struct stages *st = r != NULL ? r->stage : NULL;

	return st != NULL ? st->exceptions : NULL;
}

/* Release stage state. */
void
ov_scan__teardown(struct ov_scan_result *r)
{
	struct stages *st = r->stage;

	if (st != NULL) {
		ov_policy_set_free(st->policy);
		ov_exceptions_free(st->exceptions);
		ov_compliance_free(r->compliance);
		ov_framework_free(st->framework);
		ov_raci_free(st->raci);
		ov__map_free(&st->tally_index);
		ov__free(st->tallies);
	}
	ov_contract_free(r->contract);
}
