/* SPDX-License-Identifier: MIT */
/*
 * Governance evidence recorded with each scan, inside its transaction, so
 * the monthly report is built from what the store kept rather than from
 * one snapshot: the contract's duties (parties and SLAs as they stood),
 * the exceptions in force, restore-test jobs and backup items, policy
 * enforcement per assignment and control, and the answers to the contract
 * questions with their evidence.
 */
#include <stdio.h>
#include <string.h>

#include "overvisor/contract.h"
#include "lib/analyzers/duty.h"
#include "lib/analyzers/policy_enforcement/coverage.h"
#include "model/model.h"
#include "raci/contract.h"
#include "store/backend.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/hash.h"

#define T_JOB	"Microsoft.RecoveryServices/vaults/backupJobs"
#define T_ITEM	"Microsoft.RecoveryServices/vaults/backupFabrics/" \
		"protectionContainers/protectedItems"
#define T_EXEMPT "Microsoft.Authorization/policyExemptions"

static int
duties(struct ov_store *s, const char *scan_id, const struct ov_contract *c)
{
	struct ov_buf cb = OV_BUF_INIT(1 << 16), ib = OV_BUF_INIT(1 << 16);
	char v[10][24];
	const char *p[16];
	size_t i;
	int error = 0, k;

	for (i = 0; c != NULL && i < c->n_duties && error == 0; i++) {
		const struct ov_contract_duty *d = &c->duties[i];
		const char *const *names;
		size_t n;

		p[0] = scan_id;
		p[1] = d->name;
		p[2] = ov_contract__responsible(c, d->name);
		p[3] = ov_contract__accountable(c, d->name);
		n = ov_contract__consulted(c, d->name, &names);
		p[4] = ov_store__join(&cb, names, n);
		n = ov_contract__informed(c, d->name, &names);
		p[5] = ov_store__join(&ib, names, n);
		for (k = OV_SEV_CRITICAL; k >= OV_SEV_INFO; k--)
			p[6 + (OV_SEV_CRITICAL - k)] = ov_store__i64(
			    v[OV_SEV_CRITICAL - k], ov_contract__sla_seconds(c,
			    d->name, (ov_severity)k));
		p[11] = ov_store__i64(v[5], d->cadence);
		p[12] = ov_store__i64(v[6], d->rpo);
		p[13] = ov_store__i64(v[7], d->rto);
		p[14] = ov_store__i64(v[8], d->restore_test_window);
		error = ov_store__query(s, "INSERT INTO scan_duties (scan_id, "
		    "duty, responsible, accountable, consulted, informed, "
		    "sla_critical, sla_high, sla_medium, sla_low, sla_info, "
		    "cadence, rpo, rto, restore_window) VALUES "
		    "(CAST($1 AS BIGINT), $2, $3, $4, $5, $6, "
		    "CAST($7 AS BIGINT), CAST($8 AS BIGINT), CAST($9 AS BIGINT), "
		    "CAST($10 AS BIGINT), CAST($11 AS BIGINT), "
		    "CAST($12 AS BIGINT), CAST($13 AS BIGINT), "
		    "CAST($14 AS BIGINT), CAST($15 AS BIGINT))", 15, p, NULL,
		    NULL);
	}
	ov__buf_free(&cb);
	ov__buf_free(&ib);
	return error;
}

/* The exceptions in force (the table after this scan's import) and the
 * Azure Policy exemptions of the snapshot. */
static int
exceptions(struct ov_store *s, const char *scan_id,
    const struct ov_snapshot *snap)
{
	const struct ov_record_list *l = ov_model__by_type(snap, T_EXEMPT);
	const char *p[8];
	char exp[24];
	size_t i;
	int error;

	p[0] = scan_id;
	if ((error = ov_store__query(s, "INSERT INTO scan_exceptions (scan_id, "
	    "origin, rule, resource, justification, approver, ticket, "
	    "expires) SELECT CAST($1 AS BIGINT), 'exceptions.yaml', "
	    "rule_pattern, resource_pattern, justification, approver, "
	    "ticket, expires FROM exceptions", 1, p, NULL, NULL)) < 0)
		return error;
	for (i = 0; i < l->len && error == 0; i++) {
		const struct ov_record *r = l->items[i];
		int64_t t = 0;

		(void)ov_duty__rec_time(r, "properties.expiresOn", &t);
		p[1] = ov_model__str(r, "properties.policyAssignmentId");
		p[2] = r->id;
		p[3] = ov_model__str(r, "properties.exemptionCategory");
		p[4] = ov_model__str(r, "properties.displayName");
		p[5] = ov_store__i64(exp, t);
		error = ov_store__query(s, "INSERT INTO scan_exceptions "
		    "(scan_id, origin, rule, resource, justification, approver, "
		    "ticket, expires) VALUES (CAST($1 AS BIGINT), "
		    "'azure-policy-exemption', $2, $3, $4, NULL, $5, "
		    "CAST($6 AS BIGINT))", 6, p, NULL, NULL);
	}
	return error;
}

/* The vault name in a Recovery Services id, copied into buf. */
static const char *
vault_name(const char *id, char *buf, size_t size)
{
	const char *p = id != NULL ? strstr(id, "/vaults/") : NULL;
	size_t n;

	if (p == NULL) {
		/* ids are case-insensitive; the usual spelling is enough */
		p = id != NULL ? strstr(id, "/Vaults/") : NULL;
		if (p == NULL)
			return NULL;
	}
	p += 8;
	n = strcspn(p, "/");
	snprintf(buf, size, "%.*s", (int)n, p);
	return buf;
}

static bool
is_restore(const struct ov_record *j)
{
	const char *op = ov_model__str(j, "properties.operation");

	return op != NULL && (ov__streq_ci(op, "Restore") ||
	    ov__streq_ci(op, "CrossRegionRestore"));
}

static int
backups(struct ov_store *s, const char *scan_id,
    const struct ov_snapshot *snap)
{
	const struct ov_record_list *l = ov_model__by_type(snap, T_JOB);
	char vbuf[256], a[24], b[24], c[24];
	const char *p[9];
	size_t i;
	int error = 0;

	p[0] = scan_id;
	for (i = 0; i < l->len && error == 0; i++) {
		const struct ov_record *j = l->items[i];
		int64_t start = 0, end = 0, dur = 0;

		if (!is_restore(j))
			continue;
		(void)ov_duty__rec_time(j, "properties.startTime", &start);
		(void)ov_duty__rec_time(j, "properties.endTime", &end);
		if (!ov_duty__iso_duration(ov_model__str(j,
		    "properties.duration"), &dur) && end > start)
			dur = end - start;
		p[1] = j->id;
		p[2] = vault_name(j->id, vbuf, sizeof(vbuf));
		p[3] = ov_model__str(j, "properties.entityFriendlyName");
		p[4] = ov_model__str(j, "properties.operation");
		p[5] = ov_model__str(j, "properties.status");
		p[6] = ov_store__i64(a, start);
		p[7] = ov_store__i64(b, end);
		p[8] = ov_store__i64(c, dur);
		error = ov_store__query(s, "INSERT INTO restore_tests (scan_id, "
		    "job_id, vault, item, operation, status, started_at, "
		    "ended_at, duration) VALUES (CAST($1 AS BIGINT), $2, $3, "
		    "$4, $5, $6, CAST($7 AS BIGINT), CAST($8 AS BIGINT), "
		    "CAST($9 AS BIGINT))", 9, p, NULL, NULL);
	}
	l = ov_model__by_type(snap, T_ITEM);
	for (i = 0; i < l->len && error == 0; i++) {
		const struct ov_record *it = l->items[i];
		const char *st = ov_model__str(it,
		    "properties.lastBackupStatus");
		int64_t t = 0;

		/* the last recovery point, else a completed last backup */
		if (!ov_duty__rec_time(it, "properties.lastRecoveryPoint", &t) &&
		    !(st != NULL && ov__streq_ci(st, "Completed") &&
		    ov_duty__rec_time(it, "properties.lastBackupTime", &t)))
			t = 0;
		p[1] = it->id;
		p[2] = ov_model__str(it, "properties.friendlyName");
		p[3] = vault_name(it->id, vbuf, sizeof(vbuf));
		p[4] = ov_store__i64(a, t);
		p[5] = st;
		error = ov_store__query(s, "INSERT INTO backup_items (scan_id, "
		    "item_id, name, vault, last_backup, status) VALUES "
		    "(CAST($1 AS BIGINT), $2, $3, $4, CAST($5 AS BIGINT), $6)",
		    6, p, NULL, NULL);
	}
	return error;
}

struct cov_ctx {
	struct ov_store	*s;		/* the store */
	const char	*scan_id;	/* as text */
};

static int
coverage_row(const struct ov_pe_control *pc, void *payload)
{
	struct cov_ctx *cc = payload;
	const char *p[7];

	p[0] = cc->scan_id;
	p[1] = pc->assignment->id;
	p[2] = pc->label;
	p[3] = pc->control_name != NULL ? pc->control_name : pc->control;
	p[4] = pc->effect;
	p[5] = pc->enforced ? "1" : "0";
	p[6] = pc->must_deny ? "1" : "0";
	return ov_store__query(cc->s, "INSERT INTO policy_coverage (scan_id, "
	    "assignment_id, assignment, control, effect, enforced, must_deny) "
	    "VALUES (CAST($1 AS BIGINT), $2, $3, $4, $5, CAST($6 AS INTEGER), "
	    "CAST($7 AS INTEGER))", 7, p, NULL, NULL);
}

/* Lines joined with "\n" in b, or NULL for none. */
static const char *
lines(struct ov_buf *b, const char *const *v, size_t n)
{
	size_t i;
	int error = 0;

	if (n == 0)
		return NULL;
	ov__buf_clear(b);
	for (i = 0; i < n && error == 0; i++) {
		if (i > 0)
			error = ov__buf_putc(b, '\n');
		if (error == 0)
			error = ov__buf_puts(b, v[i]);
	}
	return error == 0 ? ov__buf_cstr(b) : NULL;
}

static int
answers(struct ov_store *s, const char *scan_id,
    const struct ov_snapshot *snap, const struct ov_contract *c)
{
	struct ov_buf eb = OV_BUF_INIT(1 << 20), gb = OV_BUF_INIT(1 << 20);
	ov_contract_check *chk = NULL;
	const ov_contract_answer *a;
	const char *p[8];
	size_t i;
	int error;

	/* the snapshot is indexed already: the scan did it */
	if ((error = ov_contract_check_run(&chk, s->ctx, c,
	    (ov_snapshot *)(uintptr_t)snap)) < 0)
		return error;
	for (i = 0; (a = ov_contract_check_get(chk, i)) != NULL &&
	    error == 0; i++) {
		p[0] = scan_id;
		p[1] = a->id;
		p[2] = a->question;
		p[3] = a->duty;
		p[4] = ov_answer_status_name(a->status);
		p[5] = a->answer;
		p[6] = lines(&eb, a->evidence, a->n_evidence);
		p[7] = lines(&gb, a->gaps, a->n_gaps);
		error = ov_store__query(s, "INSERT INTO contract_answers "
		    "(scan_id, qid, question, duty, status, answer, evidence, "
		    "gaps) VALUES (CAST($1 AS BIGINT), $2, $3, $4, $5, $6, $7, "
		    "$8)", 8, p, NULL, NULL);
	}
	ov_contract_check_free(chk);
	ov__buf_free(&eb);
	ov__buf_free(&gb);
	return error;
}

/* Record the governance evidence of the scan being written. */
int
ov_store__record_evidence(struct ov_store *s, const char *scan_id)
{
	const struct ov_store__evidence *ev = s->evidence;
	struct cov_ctx cc;
	int error;

	if (ev == NULL || ev->snap == NULL)
		return 0;
	cc.s = s;
	cc.scan_id = scan_id;
	if ((error = duties(s, scan_id, ev->contract)) < 0 ||
	    (error = exceptions(s, scan_id, ev->snap)) < 0 ||
	    (error = backups(s, scan_id, ev->snap)) < 0 ||
	    (error = ov_policy_enforcement__coverage(ev->snap, ev->contract,
	    coverage_row, &cc)) < 0 ||
	    (error = answers(s, scan_id, ev->snap, ev->contract)) < 0)
		return error;
	return 0;
}
