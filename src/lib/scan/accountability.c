/* SPDX-License-Identifier: MIT */
/*
 * The accountability stage: exceptions first (a lapsed exception is a
 * finding like any other), then what the producers could not know: the
 * owner side from the responsibility matrix, the accountable party and
 * due date from the contract duty; then the framework view.
 */
#include <string.h>

#include "lib/findings/list.h"
#include "lib/raci/contract.h"
#include "lib/scan/scan_int.h"
#include "util/alloc.h"
#include "util/hash.h"

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
 * Fill in, on every finding, what the producer could not know: the
 * accountable party and due date from the contract duty, the owner side.
 * In place: the list is the scan's largest structure after the records.
 */
static int
fill_accountability(struct ov_scan_result *r)
{
	ov_findings *l = r->findings;
	uint8_t *keep = NULL;
	ov_owner owner;
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
			g->layer = duty_layer(g->duty);
		/*
		 * The owner of a layer comes from the responsibility matrix
		 * for the resource's service model; the producer's view only
		 * stands where the matrix does not know the type.  A finding
		 * is a setting the customer chose, so one on a layer that
		 * Microsoft runs (geo-redundancy against a datacenter loss,
		 * a PaaS node image) is shared, never Microsoft's alone.
		 */
		if (g->layer != OV_LAYER_UNKNOWN && (owner = ov_raci_owner(
		    r->raci, g->resource_type, g->layer)) != OV_OWNER_UNKNOWN)
			g->owner = owner == OV_OWNER_MICROSOFT ?
			    OV_OWNER_SHARED : owner;
		if (g->duty != NULL) {
			if (g->accountable == NULL &&
			    ov_findings__set_accountable(l, i,
			    ov_contract__accountable(r->contract,
			    g->duty)) < 0) {
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

