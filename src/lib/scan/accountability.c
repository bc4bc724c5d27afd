/* SPDX-License-Identifier: MIT */
/*
 * The accountability stage: exceptions first (a lapsed exception is a
 * finding like any other), then what the producers could not know: the
 * owner side from the responsibility matrix, the responsible, accountable,
 * consulted and informed parties and the due date from the contract duty;
 * then the framework view.
 */
#include <string.h>

#include "lib/findings/list.h"
#include "lib/raci/contract.h"
#include "lib/scan/scan_int.h"
#include "util/alloc.h"

/*
 * The type whose service model decides the owner of a finding's layer: the
 * resource's own, or, for an extension resource (a Defender assessment on
 * a virtual machine, ".../virtualMachines/vm/providers/Microsoft.Security/
 * assessments/x"), the type of the resource it extends, which is what the
 * finding is about.  Strings come from the result's arena.
 */
static const char *
subject_type(struct ov_scan_result *r, const ov_finding *f)
{
	struct ov_arm_id id;
	const char *p, *first = NULL, *last = NULL;

	for (p = f->resource_id; *p != '\0'; p++)
		if (*p == '/' && ov__startswith_ci(p, "/providers/")) {
			if (first == NULL)
				first = p;
			last = p;
		}
	if (last == first)
		return f->resource_type;
	if (ov_model__arm_id_parse(&id, &r->arena, f->resource_id,
	    (size_t)(last - f->resource_id)) < 0 || id.type == NULL)
		return f->resource_type;
	return id.type;
}

/*
 * Fill in, on every finding, what the producer could not know: the
 * responsible, accountable, consulted and informed parties and the due date
 * from the contract duty, the owner side from the matrix.  In place: the
 * list is the scan's largest structure after the records.
 */
static int
fill_accountability(struct ov_scan_result *r)
{
	ov_findings *l = r->findings;
	struct ov_contract_ci ci;
	uint8_t *keep = NULL;
	ov_owner owner;
	const ov_check_info *check;
	ov_finding *g;
	int64_t now = r->now;
	size_t i, n = ov_findings_count(l);

	if (r->framework != NULL && n > 0 && (keep = ov__calloc(n, 1)) ==
	    NULL)
		return ov__error_oom(r->ctx);
	for (i = 0; (g = ov_findings__edit(l, i)) != NULL; i++) {
		/* --framework restricts the report to the mapped rules. */
		if (r->framework != NULL) {
			if (!ov_framework_has_rule(r->framework, g->rule))
				continue;
			keep[i] = 1;
		}
		if (g->layer == OV_LAYER_UNKNOWN)
			g->layer = ov_contract__duty_layer(g->duty);
		/* Findings made outside the analyzers (a lapsed exception)
		 * take their check's controls too. */
		if (g->n_controls == 0 && g->rule != NULL &&
		    (check = ov_checks_find(g->rule)) != NULL) {
			g->controls = check->controls;
			g->n_controls = check->n_controls;
		}
		/*
		 * The owner of a layer is the responsibility matrix's answer
		 * for the subject's service model, unchanged; the producer's
		 * view only stands where the matrix does not know the type.
		 * Who must act is a separate question: the contract's
		 * responsible party below.
		 */
		if (g->layer != OV_LAYER_UNKNOWN && (owner = ov_raci_owner(
		    r->raci, subject_type(r, g), g->layer)) !=
		    OV_OWNER_UNKNOWN)
			g->owner = owner;
		if (g->duty != NULL) {
			ov_contract__ci(r->contract, g->duty, &ci);
			if (ov_findings__set_parties(l, i, g->responsible !=
			    NULL ? g->responsible : ov_contract__responsible(
			    r->contract, g->duty), g->accountable != NULL ?
			    g->accountable : ov_contract__accountable(
			    r->contract, g->duty),
			    g->n_consulted != 0 ? g->consulted : ci.consulted,
			    g->n_consulted != 0 ? g->n_consulted :
			    ci.n_consulted,
			    g->n_informed != 0 ? g->informed : ci.informed,
			    g->n_informed != 0 ? g->n_informed :
			    ci.n_informed) < 0) {
				ov__free(keep);
				return ov__error_oom(r->ctx);
			}
			if (g->due == 0 && g->state == OV_STATE_NON_COMPLIANT)
				g->due = ov_contract__due(r->contract, g->duty,
				    g->severity, now);
			if (g->owner == OV_OWNER_UNKNOWN)
				g->owner = ov_contract__owner(r->contract,
				    g->duty);
		}
	}
	if (keep != NULL)
		ov_findings__keep(l, keep);
	ov__free(keep);
	return 0;
}

static int
apply_exceptions(struct ov_scan_result *r)
{
	ov_findings *out = NULL;
	int error;

	if (r->exceptions == NULL)
		return 0;
	if ((error = ov_findings_new(&out)) < 0)
		return ov__error_oom(r->ctx);
	if ((r->snap->tenant_id != NULL && (error = ov_findings_set_tenant(out,
	    r->snap->tenant_id)) < 0) || (error = ov_exceptions_apply(
	    r->exceptions, r->ctx, r->findings, ov_ctx_now(r->ctx),
	    out)) < 0) {
		ov_findings_free(out);
		return error;
	}
	ov_findings_free(r->findings);
	r->findings = out;
	return 0;
}

/* Apply exceptions, fill in accountability, compute the framework view. */
int
ov_scan__accountability(struct ov_scan_result *r)
{
	int error;

	/* Exceptions first: a lapsed exception is a finding that needs an
	 * accountable party and a due date like any other. */
	if ((error = apply_exceptions(r)) < 0)
		return error;
	if ((error = fill_accountability(r)) < 0)
		return error;
	if (r->framework != NULL && (error = ov_framework_compliance(
	    r->framework, r->tallies, r->n_tallies, &r->compliance)) < 0)
		return error;
	return 0;
}

