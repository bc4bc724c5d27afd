/* SPDX-License-Identifier: MIT */
/*
 * The contract questions stage (`contract check`): the eight questions a
 * customer should put to its CSP, each answered from the contract (who,
 * how fast, how often) and backed by evidence from the snapshot, or
 * flagged as a gap.  It runs last: the pipeline's findings, the same a
 * scan reports, are the data behind most answers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/analyzers/duty.h"
#include "lib/raci/contract.h"
#include "lib/scan/scan_int.h"
#include "util/buf.h"
#include "util/time.h"

#define MAX_LINES	OV_SCAN_MAX_LINES

struct qctx {
	struct ov_scan_result		*r;	/* findings, arena, answers */
	const struct ov_contract	*c;	/* the contract applied */
	const struct ov_snapshot	*snap;	/* the evidence */
	int64_t				 now;	/* analysis clock */
	struct ov_scan_answer		*a;	/* the answer being written */
	bool				 oom;	/* an allocation failed */
};

static const char *
fmt(struct qctx *q, const char *f, ...) __attribute__((format(printf, 2, 3)));

static const char *
fmt(struct qctx *q, const char *f, ...)
{
	struct ov_buf b = OV_BUF_INIT(4096);
	char *s = NULL;
	va_list ap;

	va_start(ap, f);
	if (ov__buf_vprintf(&b, f, ap) == 0)
		s = ov__arena_strdup(&q->r->arena, ov__buf_cstr(&b));
	va_end(ap);
	ov__buf_free(&b);
	if (s == NULL)
		q->oom = true;
	return s;
}

static void
ev(struct qctx *q, const char *s)
{
	if (s != NULL && q->a->pub.n_evidence < MAX_LINES)
		q->a->ev[q->a->pub.n_evidence++] = s;
}

static void
gap(struct qctx *q, const char *s)
{
	if (s != NULL && q->a->pub.n_gaps < MAX_LINES)
		q->a->gap[q->a->pub.n_gaps++] = s;
}

/* Count findings of rules starting with prefix (state non-compliant). */
static size_t
count(struct qctx *q, const char *prefix, bool indeterminate)
{
	size_t i, n = 0, plen = strlen(prefix);

	for (i = 0; i < ov_findings_count(q->r->findings); i++) {
		const ov_finding *f = ov_findings_get(q->r->findings, i);

		if (strncmp(f->rule, prefix, plen) != 0)
			continue;
		if ((f->state == OV_STATE_INDETERMINATE) == indeterminate)
			n++;
	}
	return n;
}

/* Report findings of a rule as a gap line. */
static void
gap_rule(struct qctx *q, const char *rule, const char *what)
{
	size_t n = count(q, rule, false);

	if (n > 0)
		gap(q, fmt(q, "%zu %s (%s)", n, what, rule));
}

/* The accountability findings about the duty of the current answer. */
static void
gap_duty(struct qctx *q)
{
	size_t i;

	for (i = 0; i < ov_findings_count(q->r->findings); i++) {
		const ov_finding *f = ov_findings_get(q->r->findings, i);

		if (strncmp(f->rule, "OV-ACC-", 7) == 0 && f->duty != NULL &&
		    q->a->pub.duty != NULL &&
		    ov__streq_ci(f->duty, q->a->pub.duty) &&
		    strcmp(f->rule, "OV-ACC-001") != 0 &&
		    strcmp(f->rule, "OV-ACC-002") != 0)
			gap(q, fmt(q, "%s (%s)", f->title, f->rule));
	}
}

static void
gap_coverage(struct qctx *q, const char *rule)
{
	size_t i;

	for (i = 0; i < ov_findings_count(q->r->findings); i++) {
		const ov_finding *f = ov_findings_get(q->r->findings, i);

		if (strcmp(f->rule, rule) == 0)
			gap(q, fmt(q, "%s (%s)", f->title, rule));
	}
}

static const char *
dur(struct qctx *q, int64_t s)
{
	if (s <= 0)
		return "none";
	if (s % OV_DAY_SECONDS == 0)
		return fmt(q, "%lldd", (long long)(s / OV_DAY_SECONDS));
	if (s % 3600 == 0)
		return fmt(q, "%lldh", (long long)(s / 3600));
	return fmt(q, "%lldm", (long long)(s / 60));
}

static const char *
party(struct qctx *q, const char *id)
{
	const struct ov_contract_party *p = ov_contract__party(q->c, id);

	if (id == NULL)
		return NULL;
	if (p == NULL || p->name == NULL)
		return id;
	return fmt(q, "%s (%s)", p->name, p->id);
}

/* Start an answer; names the duty's owners or records them as gaps. */
static const struct ov_contract_duty *
begin(struct qctx *q, const char *id, const char *question, const char *duty)
{
	const struct ov_contract_duty *d = ov_contract__duty(q->c, duty);
	struct ov_scan_answer *a = &q->r->answers[q->r->n_answers++];

	q->a = a;
	a->pub.id = id;
	a->pub.question = question;
	a->pub.duty = duty;
	a->pub.evidence = a->ev;
	a->pub.gaps = a->gap;
	if (d == NULL || d->responsible == NULL)
		gap(q, fmt(q, "the contract names nobody responsible for %s",
		    duty));
	if (d == NULL || d->accountable == NULL)
		gap(q, fmt(q, "the contract names nobody accountable for %s",
		    duty));
	return d;
}

static const char *
who(struct qctx *q, const struct ov_contract_duty *d)
{
	return fmt(q, "%s does it, %s is accountable",
	    d != NULL && d->responsible != NULL ? party(q, d->responsible) :
	    "nobody", d != NULL && d->accountable != NULL ?
	    party(q, d->accountable) : "nobody");
}

static const char *
escalation(struct qctx *q, const struct ov_contract_duty *d)
{
	struct ov_buf b = OV_BUF_INIT(2048);
	const char *s;
	size_t i;

	for (i = 0; d != NULL && i < d->n_escalation; i++)
		(void)ov__buf_printf(&b, "%safter %s to %s", i > 0 ? ", " : "",
		    dur(q, d->escalation[i].after),
		    party(q, d->escalation[i].to));
	s = b.len > 0 ? fmt(q, "%s", ov__buf_cstr(&b)) : NULL;
	ov__buf_free(&b);
	return s;
}

static size_t
n_type(struct qctx *q, const char *type)
{
	return ov_model__by_type(q->snap, type)->len;
}

static void
q1_patching(struct qctx *q)
{
	const struct ov_contract_duty *d = begin(q, "Q1", "Who patches, and "
	    "at what SLA for critical CVEs?", OV_DUTY_OS_PATCHING);
	const char *what;
	int64_t last;

	q->a->pub.answer = fmt(q, "%s; SLA critical %s, security/high %s",
	    who(q, d), dur(q, ov_contract__sla_seconds(q->c,
	    OV_DUTY_OS_PATCHING, OV_SEV_CRITICAL)), dur(q,
	    ov_contract__sla_seconds(q->c, OV_DUTY_OS_PATCHING, OV_SEV_HIGH)));
	if (d != NULL && !d->has_sla)
		gap(q, fmt(q, "no patching SLA in the contract (built-in "
		    "defaults used)"));
	ev(q, fmt(q, "%zu virtual machines, %zu patch assessment results, "
	    "%zu missing critical/security patch rows",
	    n_type(q, "Microsoft.Compute/virtualMachines"),
	    n_type(q, "Microsoft.Compute/virtualMachines/"
	    "patchAssessmentResults"), n_type(q, "Microsoft.Compute/"
	    "virtualMachines/patchAssessmentResults/softwarePatches")));
	if (d != NULL) {
		last = ov_duty__last_performed(q->snap, d, &what);
		if (last > 0) {
			char ts[32];

			ov__date_format(last, ts, sizeof(ts));
			ev(q, fmt(q, "%s: %s", what, ts));
		}
	}
	gap_rule(q, "OV-PATCH-001", "machines with critical or security "
	    "patches past the SLA");
	gap_rule(q, "OV-PATCH-003", "machines with a stale assessment");
	gap_rule(q, "OV-PATCH-004", "machines never assessed");
	gap_rule(q, "OV-PATCH-006", "machines with no patch orchestration");
	gap_coverage(q, "OV-PATCH-009");
	gap_duty(q);
}

static void
q2_identity(struct qctx *q)
{
	const struct ov_contract_duty *d = begin(q, "Q2", "Who reviews roles "
	    "and Conditional Access, and how often?",
	    OV_DUTY_IDENTITY_REVIEW);
	const struct ov_record_list *l = ov_model__by_type(q->snap,
	    "Microsoft.Graph/conditionalAccessPolicies");
	size_t i, on = 0, report = 0, off = 0;

	q->a->pub.answer = fmt(q, "%s; review every %s", who(q, d),
	    d != NULL && d->cadence > 0 ? dur(q, d->cadence) : "(no cadence)");
	if (d == NULL || d->cadence == 0)
		gap(q, fmt(q, "no review cadence in the contract"));
	for (i = 0; i < l->len; i++) {
		const char *s = ov_model__str(l->items[i], "state");

		if (s != NULL && ov__streq_ci(s, "enabled"))
			on++;
		else if (s != NULL && ov__streq_ci(s,
		    "enabledForReportingButNotEnforced"))
			report++;
		else
			off++;
	}
	ev(q, fmt(q, "Conditional Access: %zu enabled, %zu report-only, %zu "
	    "disabled", on, report, off));
	ev(q, fmt(q, "%zu directory role assignments, %zu Azure role "
	    "assignments, %zu MFA registration records",
	    n_type(q, "Microsoft.Graph/roleAssignments"),
	    n_type(q, "Microsoft.Authorization/roleAssignments"),
	    n_type(q, "Microsoft.Graph/userRegistrationDetails")));
	if (d != NULL && d->last_performed != NULL)
		ev(q, fmt(q, "last review declared in the contract: %s",
		    d->last_performed));
	gap_rule(q, "OV-IAM-052", "report-only Conditional Access policies");
	gap_rule(q, "OV-IAM-051", "disabled Conditional Access policies");
	gap_rule(q, "OV-IAM-053", "missing MFA policy for administrators");
	gap_rule(q, "OV-IAM-054", "missing MFA policy for all users");
	gap_rule(q, "OV-IAM-055", "legacy authentication not blocked");
	gap_rule(q, "OV-IAM-056", "privileged directory role holders without "
	    "MFA");
	gap_rule(q, "OV-IAM-057", "Owner/Contributor/User Access "
	    "Administrator holders without MFA");
	gap_rule(q, "OV-IAM-058", "roles with too many standing holders");
	gap_rule(q, "OV-IAM-062", "guests holding privileged roles");
	gap_coverage(q, "OV-IAM-069");
	gap_duty(q);
}

static void
q3_defender(struct qctx *q)
{
	const struct ov_contract_duty *d = begin(q, "Q3", "Who triages "
	    "Defender findings, and what is the escalation path?",
	    OV_DUTY_DEFENDER_TRIAGE);
	const char *esc = escalation(q, d);
	size_t i;

	q->a->pub.answer = fmt(q, "%s; alerts triaged within %s (high), "
	    "recommendations within %s (high), %s (medium); escalation: %s",
	    who(q, d), dur(q, ov_contract__alert_sla_seconds(q->c,
	    OV_SEV_HIGH)), dur(q, ov_contract__sla_seconds(q->c,
	    OV_DUTY_DEFENDER_TRIAGE, OV_SEV_HIGH)), dur(q,
	    ov_contract__sla_seconds(q->c, OV_DUTY_DEFENDER_TRIAGE,
	    OV_SEV_MEDIUM)), esc != NULL ? esc : "none");
	if (esc == NULL)
		gap(q, fmt(q, "no escalation path in the contract"));
	for (i = 0; i < ov_findings_count(q->r->findings); i++) {
		const ov_finding *f = ov_findings_get(q->r->findings, i);

		if (strcmp(f->rule, "OV-DEF-056") == 0)
			ev(q, fmt(q, "%s", f->title));
	}
	gap_rule(q, "OV-DEF-053", "unhealthy assessments past the triage "
	    "SLA");
	gap_rule(q, "OV-DEF-054", "active alerts past the triage SLA");
	gap_rule(q, "OV-DEF-055", "high-severity items nobody owns");
	gap_rule(q, "OV-DEF-051", "Defender plans off where resources exist");
	gap_coverage(q, "OV-DEF-059");
	gap_duty(q);
}

/* Was an assignment called name already seen among the first n? */
static bool
listed(const struct ov_record_list *l, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (l->items[i]->name != NULL &&
		    ov__streq_ci(l->items[i]->name, name))
			return true;
	return false;
}

static void
q4_policy(struct qctx *q)
{
	const struct ov_contract_duty *d = begin(q, "Q4", "Which policies are "
	    "in deny mode?", OV_DUTY_POLICY_ENFORCEMENT);
	const struct ov_record_list *l = ov_model__by_type(q->snap,
	    "Microsoft.Authorization/policyAssignments");
	struct ov_buf b = OV_BUF_INIT(4096);
	size_t i, n_deny = 0, n_dne = 0;

	q->a->pub.answer = fmt(q, "%s; %zu control%s must deny", who(q, d),
	    d != NULL ? d->n_must_deny : 0, d != NULL && d->n_must_deny == 1 ?
	    "" : "s");
	if (d == NULL || d->n_must_deny == 0)
		gap(q, fmt(q, "the contract lists no must-deny controls"));
	for (i = 0; i < l->len; i++) {
		const struct ov_record *a = l->items[i];
		const char *m = ov_model__str(a, "properties.enforcementMode");
		const char *e = ov_json_string(ov_json_path(ov_model__field(a,
		    "properties.parameters"), "effect.value"));

		if (m != NULL && ov__streq_ci(m, "DoNotEnforce")) {
			n_dne++;
			continue;
		}
		if (e != NULL && ov__streq_ci(e, "Deny")) {
			const char *nm = a->name != NULL ? a->name : a->id;

			n_deny++;
			if (!listed(l, i, nm))
				(void)ov__buf_printf(&b, "%s%s", b.len > 0 ?
				    ", " : "", nm);
		}
	}
	ev(q, fmt(q, "%zu assignments; %zu with effect Deny and enforced%s%s; "
	    "%zu DoNotEnforce", l->len, n_deny, n_deny > 0 ? ": " : "",
	    ov__buf_cstr(&b), n_dne));
	ov__buf_free(&b);
	gap_rule(q, "OV-POL-002", "must-deny controls not denying");
	gap_rule(q, "OV-POL-004", "must-deny controls not assigned");
	gap_rule(q, "OV-POL-001", "assignments in DoNotEnforce");
	gap_rule(q, "OV-POL-005", "exemptions without expiry");
	gap_rule(q, "OV-POL-006", "expired exemptions still present");
	gap_coverage(q, "OV-POL-009");
	gap_duty(q);
}

static void
q5_restore(struct qctx *q)
{
	const struct ov_contract_duty *d = begin(q, "Q5", "When was a restore "
	    "last tested, and who signed off?", OV_DUTY_BACKUP_VALIDATION);
	const char *what = NULL;
	int64_t last = d != NULL ? ov_duty__last_performed(q->snap, d, &what) :
	    0;
	char ts[32];

	q->a->pub.answer = fmt(q, "%s; sign-off by %s; RPO %s, RTO %s, "
	    "restore test every %s", who(q, d), d != NULL && d->sign_off !=
	    NULL ? party(q, d->sign_off) : "nobody", dur(q, d != NULL ?
	    d->rpo : 0), dur(q, d != NULL ? d->rto : 0), dur(q, d != NULL ?
	    d->restore_test_window : 0));
	if (d == NULL || d->sign_off == NULL)
		gap(q, fmt(q, "the contract names nobody to sign off restore "
		    "tests"));
	if (last > 0) {
		ov__date_format(last, ts, sizeof(ts));
		ev(q, fmt(q, "%s: %s (%lld days before the snapshot)", what, ts,
		    (long long)ov_duty__days(q->now - last)));
	} else {
		gap(q, fmt(q, "no successful restore job in the snapshot"));
	}
	gap_rule(q, "OV-BKP-056", "vaults without a successful restore in "
	    "the window");
	gap_rule(q, "OV-BKP-057", "vaults whose restores exceeded the RTO");
	gap_rule(q, "OV-BKP-051", "VMs without backup");
	gap_rule(q, "OV-BKP-052", "SQL databases without backup");
	gap_rule(q, "OV-BKP-053", "protected items past the RPO");
	gap_coverage(q, "OV-BKP-059");
	gap_duty(q);
}

static void
q6_reporting(struct qctx *q)
{
	const struct ov_contract_duty *d = begin(q, "Q6", "What goes into "
	    "monthly reporting, and to whom?", OV_DUTY_GOVERNANCE_REPORTING);
	struct ov_buf to = OV_BUF_INIT(2048), what = OV_BUF_INIT(4096);
	size_t i;

	for (i = 0; d != NULL && i < d->n_recipients; i++)
		(void)ov__buf_printf(&to, "%s%s", i > 0 ? ", " : "",
		    d->recipients[i]);
	for (i = 0; d != NULL && i < d->n_contents; i++)
		(void)ov__buf_printf(&what, "%s%s", i > 0 ? "; " : "",
		    d->contents[i]);
	q->a->pub.answer = fmt(q, "%s; every %s to %s", who(q, d),
	    d != NULL && d->cadence > 0 ? dur(q, d->cadence) : "(no cadence)",
	    to.len > 0 ? ov__buf_cstr(&to) : "(nobody)");
	if (what.len > 0)
		ev(q, fmt(q, "contents: %s", ov__buf_cstr(&what)));
	else
		gap(q, fmt(q, "the contract does not say what the report "
		    "contains"));
	if (to.len == 0)
		gap(q, fmt(q, "the contract names no report recipients"));
	if (d != NULL && d->last_performed != NULL)
		ev(q, fmt(q, "last report declared in the contract: %s",
		    d->last_performed));
	else
		gap(q, fmt(q, "no evidence of a report being sent (add "
		    "last-performed)"));
	ov__buf_free(&to);
	ov__buf_free(&what);
	gap_duty(q);
}

static void
q7_pager(struct qctx *q)
{
	const struct ov_contract_duty *d = begin(q, "Q7", "Who is paged at "
	    "2am, and within what response time?", OV_DUTY_INCIDENT_RESPONSE);
	const struct ov_contract_party *p = d != NULL ?
	    ov_contract__party(q->c, d->responsible) : NULL;
	const char *esc = escalation(q, d);

	q->a->pub.answer = fmt(q, "%s; pager %s, response %s; escalation: %s",
	    p != NULL ? party(q, p->id) : "nobody", p != NULL && p->pager !=
	    NULL ? p->pager : "(none)", p != NULL && p->pager_response > 0 ?
	    dur(q, p->pager_response) : "(not agreed)",
	    esc != NULL ? esc : "none");
	if (p == NULL || p->pager == NULL)
		gap(q, fmt(q, "no pager for the incident-response party"));
	if (p == NULL || p->pager_response == 0)
		gap(q, fmt(q, "no pager response time in the contract"));
	if (esc == NULL)
		gap(q, fmt(q, "no escalation path for incidents"));
	if (p != NULL && p->n_contacts > 0)
		ev(q, fmt(q, "%zu named contact%s at %s", p->n_contacts,
		    p->n_contacts == 1 ? "" : "s", p->id));
	ev(q, fmt(q, "%zu activity log alert rules in the snapshot",
	    n_type(q, "Microsoft.Insights/activityLogAlerts")));
	ev(q, fmt(q, "critical incident SLA %s", dur(q,
	    ov_contract__sla_seconds(q->c, OV_DUTY_INCIDENT_RESPONSE,
	    OV_SEV_CRITICAL))));
	gap_duty(q);
}

static void
q8_frameworks(struct qctx *q)
{
	struct ov_buf b = OV_BUF_INIT(2048);
	struct ov_scan_answer *a = &q->r->answers[q->r->n_answers++];
	size_t i;

	q->a = a;
	a->pub.id = "Q8";
	a->pub.question = "Which compliance authorizations are in scope?";
	a->pub.duty = OV_DUTY_GOVERNANCE_REPORTING;
	a->pub.evidence = a->ev;
	a->pub.gaps = a->gap;
	for (i = 0; q->c != NULL && i < q->c->n_frameworks; i++)
		(void)ov__buf_printf(&b, "%s%s", i > 0 ? ", " : "",
		    q->c->frameworks[i]);
	a->pub.answer = fmt(q, "%s", b.len > 0 ? ov__buf_cstr(&b) :
	    "(none named)");
	if (b.len == 0)
		gap(q, fmt(q, "the contract names no frameworks in scope"));
	else
		ev(q, fmt(q, "frameworks listed in the contract: %zu",
		    q->c->n_frameworks));
	if (q->snap->tenant_id != NULL)
		ev(q, fmt(q, "tenant %s", q->snap->tenant_id));
	ov__buf_free(&b);
}

/* Answer the questions from the findings; with options.questions only. */
int
ov_scan__questions(struct ov_scan_result *r)
{
	struct qctx q;
	size_t i;

	if (!r->opts->questions)
		return 0;
	memset(&q, 0, sizeof(q));
	q.r = r;
	q.c = r->contract;
	q.snap = r->snap;
	q.now = r->now;
	q1_patching(&q);
	q2_identity(&q);
	q3_defender(&q);
	q4_policy(&q);
	q5_restore(&q);
	q6_reporting(&q);
	q7_pager(&q);
	q8_frameworks(&q);
	if (q.oom)
		return ov__error_oom(r->ctx);
	for (i = 0; i < r->n_answers; i++) {
		ov_contract_answer *a = &r->answers[i].pub;
		const struct ov_contract_duty *d = ov_contract__duty(q.c,
		    a->duty);

		if (d != NULL && d->responsible == NULL)
			a->status = OV_ANSWER_GAP;
		else if (a->n_gaps == 0)
			a->status = OV_ANSWER_ANSWERED;
		else if (a->n_evidence > 0)
			a->status = OV_ANSWER_PARTIAL;
		else
			a->status = OV_ANSWER_GAP;
	}
	return 0;
}
