/* SPDX-License-Identifier: MIT */
/*
 * accountability: every duty in the operator contract has a named
 * responsible and accountable party, an SLA, a reachable party, and
 * evidence in the snapshot that it is being performed within its cadence.
 *
 * Evidence of performance, per duty (the newest wins):
 *   os-patching          a Succeeded patch installation result
 *   identity-review      the contract's last-performed date
 *   nsg-review           the contract's last-performed date
 *   defender-triage      a Resolved or Dismissed alert, or a governance
 *                        assignment, or last-performed
 *   policy-enforcement   a policy assignment change, or last-performed
 *   backup-validation    a Completed restore job
 *   monitoring           an enabled activity log alert (no date: present)
 *   incident-response    the contract's last-performed date
 *   governance-reporting the contract's last-performed date
 * Data in the snapshot is preferred; a last-performed date declared in the
 * contract counts, and is labelled as declared.
 *
 * Finding ids OV-ACC-050 and above are reserved for the findings store
 * (exception lapses).
 */
#include <stdio.h>
#include <string.h>

#include "lib/analyzers/analyzer.h"
#include "lib/raci/contract.h"
#include "lib/analyzers/duty.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/time.h"

#define SRC	"accountability"
#define LAYER	OV_LAYER_UNKNOWN

static int64_t
newest(const struct ov_snapshot *s, const char *type, const char *path,
    bool (*keep)(const struct ov_record *r))
{
	const struct ov_record_list *l = ov_model__by_type(s, type);
	int64_t best = 0, t;
	size_t i;

	for (i = 0; i < l->len; i++) {
		if (keep != NULL && !keep(l->items[i]))
			continue;
		if (ov_duty__rec_time(l->items[i], path, &t) && t > best)
			best = t;
	}
	return best;
}

static bool
install_ok(const struct ov_record *r)
{
	const char *s = ov_model__str(r, "properties.status");

	return s != NULL && (ov__streq_ci(s, "Succeeded") ||
	    ov__streq_ci(s, "CompletedWithWarnings"));
}

static bool
restore_ok(const struct ov_record *r)
{
	const char *op = ov_model__str(r, "properties.operation");
	const char *s = ov_model__str(r, "properties.status");

	return op != NULL && s != NULL && (ov__streq_ci(op, "Restore") ||
	    ov__streq_ci(op, "CrossRegionRestore")) &&
	    (ov__streq_ci(s, "Completed") ||
	    ov__streq_ci(s, "CompletedWithWarnings"));
}

static bool
alert_closed(const struct ov_record *r)
{
	const char *s = ov_model__str(r, "properties.status");

	return s != NULL && (ov__streq_ci(s, "Resolved") ||
	    ov__streq_ci(s, "Dismissed"));
}

static bool
alert_rule_enabled(const struct ov_record *r)
{
	return ov_duty__truthy(ov_model__field(r, "properties.enabled"));
}

/* See duty.h. */
int64_t
ov_duty__last_performed(const struct ov_snapshot *s,
    const struct ov_contract_duty *d, const char **what)
{
	int64_t t = 0, u;
	const char *name = d->name;

	*what = NULL;
	if (ov__streq_ci(name, OV_DUTY_OS_PATCHING)) {
		t = newest(s, "Microsoft.Compute/virtualMachines/"
		    "patchInstallationResults", "properties.lastModifiedDateTime",
		    install_ok);
		if (t == 0)
			t = newest(s, "Microsoft.Compute/virtualMachines/"
			    "patchInstallationResults",
			    "properties.startDateTime", install_ok);
		*what = "newest successful patch installation";
	} else if (ov__streq_ci(name, OV_DUTY_BACKUP_VALIDATION)) {
		t = newest(s, "Microsoft.RecoveryServices/vaults/backupJobs",
		    "properties.startTime", restore_ok);
		*what = "newest successful restore job";
	} else if (ov__streq_ci(name, OV_DUTY_DEFENDER_TRIAGE)) {
		t = newest(s, "Microsoft.Security/locations/alerts",
		    "properties.processingEndTimeUtc", alert_closed);
		u = newest(s, "Microsoft.Security/assessments/"
		    "governanceAssignments", "properties.remediationDueDate",
		    NULL);
		(void)u;	/* a due date is not a performance date */
		*what = "newest resolved or dismissed alert";
	} else if (ov__streq_ci(name, OV_DUTY_POLICY_ENFORCEMENT)) {
		t = newest(s, "Microsoft.Authorization/policyAssignments",
		    "systemData.lastModifiedAt", NULL);
		*what = "newest policy assignment change";
	} else if (ov__streq_ci(name, OV_DUTY_MONITORING)) {
		const struct ov_record_list *l = ov_model__by_type(s,
		    "Microsoft.Insights/activityLogAlerts");
		size_t i;

		for (i = 0; i < l->len; i++)
			if (alert_rule_enabled(l->items[i])) {
				*what = "enabled activity log alert rule";
				return -1;	/* continuous: present */
			}
		*what = "activity log alert rules";
	}
	if (d->last_performed != NULL &&
	    ov__time_parse(d->last_performed, strlen(d->last_performed), &u) &&
	    u > t) {
		*what = "last-performed date declared in the contract";
		t = u;
	}
	return t;
}

static int
duty_finding(struct ov_analyzer_ctx *actx, const struct ov_contract_duty *d,
    const char *rule, ov_severity sev, struct ov_duty_finding *df)
{
	char rid[128];
	const struct ov_contract *c = actx->contract;

	snprintf(rid, sizeof(rid), "/overvisor/contract/duties/%s", d->name);
	ov_duty__begin(df, actx, rule, NULL);
	ov_duty__severity(df, sev);
	ov_duty__duty(df, d->name);
	df->f.resource_id = ov_duty__strdup(df, rid);
	df->f.resource_type = "overvisor/contractDuty";
	df->f.resource_name = d->name;
	if (c != NULL && c->source != NULL)
		df->f.file = c->source;
	df->f.line = d->line;
	return 0;
}

static int
check_duty(struct ov_analyzer_ctx *actx, const struct ov_contract_duty *d)
{
	const struct ov_contract *c = actx->contract;
	struct ov_duty_finding df;
	const char *what;
	int64_t last;
	char ts[32];
	int error;

	if (d->responsible == NULL) {
		duty_finding(actx, d, "OV-ACC-001", OV_SEV_HIGH, &df);
		ov_duty__title(&df, "Duty %s has no responsible party",
		    d->name);
		ov_duty__ev(&df, "duties/responsible", NULL, d->is_default ?
		    "the duty is missing from the contract" :
		    "no responsible party named");
		if ((error = ov_duty__emit(&df, actx->now)) < 0)
			return error;
	}
	if (d->accountable == NULL) {
		duty_finding(actx, d, "OV-ACC-002", OV_SEV_HIGH, &df);
		ov_duty__title(&df, "Duty %s has no accountable party",
		    d->name);
		ov_duty__ev(&df, "duties/accountable", NULL, "nobody answers "
		    "for the duty");
		if ((error = ov_duty__emit(&df, actx->now)) < 0)
			return error;
	}
	if (!d->has_sla) {
		duty_finding(actx, d, "OV-ACC-003", OV_SEV_MEDIUM, &df);
		ov_duty__title(&df, "Duty %s has no SLA", d->name);
		ov_duty__ev(&df, "duties/sla", NULL, "no time limit per "
		    "severity; due dates use the built-in defaults");
		if ((error = ov_duty__emit(&df, actx->now)) < 0)
			return error;
	}
	if (d->cadence > 0 || ov__streq_ci(d->name, OV_DUTY_MONITORING)) {
		last = ov_duty__last_performed(actx->snap, d, &what);
		if (last < 0 || (last > 0 && d->cadence > 0 &&
		    actx->now - last <= d->cadence))
			goto parties;
		if (last == 0 && d->cadence == 0)
			goto parties;
		duty_finding(actx, d, "OV-ACC-004", OV_SEV_MEDIUM, &df);
		if (last == 0) {
			ov_duty__title(&df, "No evidence that duty %s is "
			    "performed", d->name);
			ov_duty__ev(&df, what, NULL, "nothing in the snapshot "
			    "or the contract shows the duty being done");
		} else {
			ov__time_format(last, ts, sizeof(ts));
			ov_duty__title(&df, "Duty %s last performed %lld days "
			    "ago (cadence %lld days)", d->name,
			    (long long)ov_duty__days(actx->now - last),
			    (long long)ov_duty__days(d->cadence));
			ov_duty__ev_str(&df, what, ts, "last evidence");
		}
		ov_duty__ev_int(&df, "duties/cadence", d->cadence,
		    "cadence in seconds");
		if ((error = ov_duty__emit(&df, last != 0 ? last + d->cadence :
		    actx->now)) < 0)
			return error;
	}
parties:
	if (c == NULL)
		return 0;
	if (ov__streq_ci(d->name, OV_DUTY_INCIDENT_RESPONSE) &&
	    d->responsible != NULL) {
		const struct ov_contract_party *p = ov_contract__party(c,
		    d->responsible);

		if (p != NULL && (p->pager == NULL || p->pager_response == 0)) {
			duty_finding(actx, d, "OV-ACC-005", OV_SEV_HIGH, &df);
			ov_duty__title(&df, "Party %s responsible for incident "
			    "response has no %s", p->id, p->pager == NULL ?
			    "pager" : "pager response time");
			ov_duty__ev_str(&df, "parties/pager", p->pager,
			    "who is paged out of hours");
			if ((error = ov_duty__emit(&df, actx->now)) < 0)
				return error;
		}
	}
	return 0;
}

static int
check_parties(struct ov_analyzer_ctx *actx)
{
	const struct ov_contract *c = actx->contract;
	struct ov_duty_finding df;
	size_t i;
	char rid[192];
	int error;

	for (i = 0; i < c->n_parties; i++) {
		const struct ov_contract_party *p = &c->parties[i];

		if (p->n_contacts > 0)
			continue;
		snprintf(rid, sizeof(rid), "/overvisor/contract/parties/%s",
		    p->id);
		ov_duty__begin(&df, actx, "OV-ACC-006", NULL);
		df.f.resource_id = rid;
		df.f.resource_type = "overvisor/contractParty";
		df.f.file = c->source;
		df.f.line = p->line;
		ov_duty__title(&df, "Party %s has no contact", p->id);
		ov_duty__ev(&df, "parties/contacts", NULL, "no named person, "
		    "email or phone");
		if ((error = ov_duty__emit(&df, actx->now)) < 0)
			return error;
	}
	return 0;
}

static int
run(struct ov_analyzer_ctx *actx)
{
	const struct ov_contract *c = actx->contract;
	size_t i;
	int error;

	if (c == NULL || c->is_default)
		return ov_duty__coverage(actx, "OV-ACC-009", "no operator "
		    "contract given: nobody is named responsible or "
		    "accountable, and due dates use the built-in SLAs");
	for (i = 0; i < c->n_duties; i++)
		if ((error = check_duty(actx, &c->duties[i])) < 0)
			return error;
	return check_parties(actx);
}

static const struct ov_analyzer_read reads[] = {
	{ "Microsoft.Compute/virtualMachines/patchInstallationResults",
	    "properties.lastModifiedDateTime" },
	{ "Microsoft.Compute/virtualMachines/patchInstallationResults",
	    "properties.startDateTime" },
	{ "Microsoft.Compute/virtualMachines/patchInstallationResults",
	    "properties.status" },
	{ "Microsoft.RecoveryServices/vaults/backupJobs",
	    "properties.startTime" },
	{ "Microsoft.RecoveryServices/vaults/backupJobs",
	    "properties.operation" },
	{ "Microsoft.RecoveryServices/vaults/backupJobs", "properties.status" },
	{ "Microsoft.Security/locations/alerts",
	    "properties.processingEndTimeUtc" },
	{ "Microsoft.Security/locations/alerts", "properties.status" },
	{ "Microsoft.Security/assessments/governanceAssignments",
	    "properties.remediationDueDate" },
	{ "Microsoft.Authorization/policyAssignments",
	    "systemData.lastModifiedAt" },
	{ "Microsoft.Insights/activityLogAlerts", "properties.enabled" },
	{ NULL, NULL }
};

const struct ov_analyzer ov_analyzer_accountability = {
	"accountability",
	"Accountability: named owners, SLAs and evidence for every duty",
	OV_DUTY_GOVERNANCE_REPORTING,
	run,
	reads,
	NULL
};
