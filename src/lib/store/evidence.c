/* SPDX-License-Identifier: MIT */
/*
 * Governance evidence recorded with each scan, inside its transaction, so
 * the monthly report is built from what the store kept rather than from
 * one snapshot: the contract's duties (parties and SLAs as they stood),
 * the exceptions in force, restore-test jobs and backup items, policy
 * enforcement per assignment and control (read from the records by the
 * analyzers, lib/analyzers/evidence.h: the store never reads records), and
 * the scan's answers to the contract questions with their evidence.
 */
#include <stdio.h>
#include <string.h>

#include "overvisor/scan.h"
#include "lib/analyzers/evidence.h"
#include "raci/contract.h"
#include "store/backend.h"
#include "util/alloc.h"
#include "util/buf.h"

/* Recording state. */
struct rec {
	struct ov_store	*s;		/* the store */
	const char	*scan_id;	/* as text */
};

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
		struct ov_contract_ci ci;

		p[0] = scan_id;
		p[1] = d->name;
		p[2] = ov_contract__responsible(c, d->name);
		p[3] = ov_contract__accountable(c, d->name);
		ov_contract__ci(c, d->name, &ci);
		p[4] = ov_store__join(&cb, ci.consulted, ci.n_consulted, "; ");
		p[5] = ov_store__join(&ib, ci.informed, ci.n_informed, "; ");
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

/* The exceptions in force: the table after this scan's import. */
static int
exceptions(struct ov_store *s, const char *scan_id)
{
	const char *p[1];

	p[0] = scan_id;
	return ov_store__query(s, "INSERT INTO scan_exceptions (scan_id, "
	    "origin, rule, resource, justification, approver, ticket, "
	    "expires) SELECT CAST($1 AS BIGINT), 'exceptions.yaml', "
	    "rule_pattern, resource_pattern, justification, approver, "
	    "ticket, expires FROM exceptions", 1, p, NULL, NULL);
}

static int
exemption_row(const struct ov_ev_exemption *x, void *payload)
{
	struct rec *r = payload;
	const char *p[6];
	char exp[24];

	p[0] = r->scan_id;
	p[1] = x->assignment;
	p[2] = x->id;
	p[3] = x->category;
	p[4] = x->name;
	p[5] = ov_store__i64(exp, x->expires);
	return ov_store__query(r->s, "INSERT INTO scan_exceptions (scan_id, "
	    "origin, rule, resource, justification, approver, ticket, "
	    "expires) VALUES (CAST($1 AS BIGINT), 'azure-policy-exemption', "
	    "$2, $3, $4, NULL, $5, CAST($6 AS BIGINT))", 6, p, NULL, NULL);
}

static int
restore_row(const struct ov_ev_restore *x, void *payload)
{
	struct rec *r = payload;
	char a[24], b[24], c[24];
	const char *p[9];

	p[0] = r->scan_id;
	p[1] = x->job_id;
	p[2] = x->vault;
	p[3] = x->item;
	p[4] = x->operation;
	p[5] = x->status;
	p[6] = ov_store__i64(a, x->started);
	p[7] = ov_store__i64(b, x->ended);
	p[8] = ov_store__i64(c, x->duration);
	return ov_store__query(r->s, "INSERT INTO restore_tests (scan_id, "
	    "job_id, vault, item, operation, status, started_at, ended_at, "
	    "duration) VALUES (CAST($1 AS BIGINT), $2, $3, $4, $5, $6, "
	    "CAST($7 AS BIGINT), CAST($8 AS BIGINT), CAST($9 AS BIGINT))", 9,
	    p, NULL, NULL);
}

static int
item_row(const struct ov_ev_item *x, void *payload)
{
	struct rec *r = payload;
	char a[24];
	const char *p[6];

	p[0] = r->scan_id;
	p[1] = x->id;
	p[2] = x->name;
	p[3] = x->vault;
	p[4] = ov_store__i64(a, x->last_backup);
	p[5] = x->status;
	return ov_store__query(r->s, "INSERT INTO backup_items (scan_id, "
	    "item_id, name, vault, last_backup, status) VALUES "
	    "(CAST($1 AS BIGINT), $2, $3, $4, CAST($5 AS BIGINT), $6)", 6, p,
	    NULL, NULL);
}

static int
control_row(const struct ov_ev_control *x, void *payload)
{
	struct rec *r = payload;
	const char *p[7];

	p[0] = r->scan_id;
	p[1] = x->assignment_id;
	p[2] = x->assignment;
	p[3] = x->control;
	p[4] = x->effect;
	p[5] = x->enforced ? "1" : "0";
	p[6] = x->must_deny ? "1" : "0";
	return ov_store__query(r->s, "INSERT INTO policy_coverage (scan_id, "
	    "assignment_id, assignment, control, effect, enforced, must_deny) "
	    "VALUES (CAST($1 AS BIGINT), $2, $3, $4, $5, CAST($6 AS INTEGER), "
	    "CAST($7 AS INTEGER))", 7, p, NULL, NULL);
}

/* The contract questions, when the scan answered them. */
static int
answers(struct ov_store *s, const char *scan_id, const ov_scan_result *res)
{
	struct ov_buf eb = OV_BUF_INIT(1 << 20), gb = OV_BUF_INIT(1 << 20);
	const ov_contract_answer *a;
	const char *p[8];
	size_t i;
	int error = 0;

	for (i = 0; res != NULL && (a = ov_scan_answer(res, i)) != NULL &&
	    error == 0; i++) {
		p[0] = scan_id;
		p[1] = a->id;
		p[2] = a->question;
		p[3] = a->duty;
		p[4] = ov_answer_status_name(a->status);
		p[5] = a->answer;
		p[6] = ov_store__join(&eb, a->evidence, a->n_evidence, "\n");
		p[7] = ov_store__join(&gb, a->gaps, a->n_gaps, "\n");
		error = ov_store__query(s, "INSERT INTO contract_answers "
		    "(scan_id, qid, question, duty, status, answer, evidence, "
		    "gaps) VALUES (CAST($1 AS BIGINT), $2, $3, $4, $5, $6, $7, "
		    "$8)", 8, p, NULL, NULL);
	}
	ov__buf_free(&eb);
	ov__buf_free(&gb);
	return error;
}

/* Record the governance evidence of the scan being written. */
int
ov_store__record_evidence(struct ov_store *s, const char *scan_id)
{
	const struct ov_store__evidence *ev = s->evidence;
	struct ov_ev_sink sink;
	struct rec r;
	int error;

	if (ev == NULL || ev->snap == NULL)
		return 0;
	r.s = s;
	r.scan_id = scan_id;
	memset(&sink, 0, sizeof(sink));
	sink.restore = restore_row;
	sink.item = item_row;
	sink.exemption = exemption_row;
	sink.control = control_row;
	sink.payload = &r;
	if ((error = duties(s, scan_id, ev->contract)) < 0 ||
	    (error = exceptions(s, scan_id)) < 0 ||
	    (error = ov_analyzers__evidence(ev->snap, ev->contract,
	    &sink)) < 0 ||
	    (error = answers(s, scan_id, ev->result)) < 0)
		return error;
	return 0;
}
