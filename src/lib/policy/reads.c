/* SPDX-License-Identifier: MIT */
/*
 * What evaluating an instance reads of a record's body, from its compiled
 * IR: every field reference of the if condition, the existenceCondition,
 * the details expressions and the template expressions inside them, with
 * the members the engine itself reads (name, type, location, fullName,
 * apiVersion, the Resource Graph alias projection).  A streaming scan
 * keeps exactly these paths of the records an instance meets after
 * loading; see policy_int.h, ov_policy__inst_reads().
 *
 * Anything that cannot be known before evaluation (a field name computed
 * at run time, a field() of a computed argument, an alias the table does
 * not know) makes the answer "the whole body": the projection must give
 * the same result as the full body, and a missing member must never read
 * as a dropped one.
 */
#include <string.h>

#include "lib/policy/policy_int.h"

struct reads {
	const struct ov_policy_set *set;
	ov_policy_read_fn	 fn;		/* where paths go */
	void			*payload;
	bool			 whole;		/* a read not known statically */
	int			 error;		/* from fn */
};

/* Report one path of n segments. */
static void
emit(struct reads *rd, const struct pseg *segs, uint32_t n)
{
	int error;

	if (rd->error == 0 && (error = rd->fn(rd->payload, segs, n)) < 0)
		rd->error = error;
}

/* Report a member of the body root by name. */
static void
emit_top(struct reads *rd, const char *name)
{
	struct pseg s;

	s.name = name;
	s.len = (uint32_t)strlen(name);
	s.wild = false;
	emit(rd, &s, 1);
}

/* A field reference: its path under every type the alias names. */
static void
fref_reads(struct reads *rd, const struct fref *fr)
{
	const struct alias_ent *e;

	if (fr == NULL) {
		rd->whole = true;
		return;
	}
	switch (fr->kind) {
	case FR_PATH:
		if (fr->path.n == 0) {
			rd->whole = true;
			return;
		}
		emit(rd, fr->path.segs, fr->path.n);
		/* an alias known under several types: each type's path */
		for (e = fr->alias; e != NULL; e = e->next)
			if (e->path.n > 0)
				emit(rd, e->path.segs, e->path.n);
			else
				rd->whole = true;
		return;
	case FR_NAME:
	case FR_FULLNAME:
	case FR_TYPE:
	case FR_LOCATION:
	case FR_ID:
		/* the header, and the body members behind them (always kept) */
		return;
	default:
		/* an alias the table does not know: never guess */
		rd->whole = true;
		return;
	}
}

/* A template expression: its field() references. */
static void
expr_reads(struct reads *rd, const struct expr *e)
{
	size_t i;

	if (e == NULL)
		return;
	/* field('const') is resolved when compiled; any other argument
	 * is known only when evaluated (a call the table does not name,
	 * too: never guess) */
	if (e->kind == EX_CALL && (e->fn < 0 ||
	    (size_t)e->fn >= ov_policy__n_fns ||
	    strcmp(ov_policy__fns[e->fn].name, "field") == 0))
		fref_reads(rd, e->fref);
	for (i = 0; i < e->nargs; i++)
		expr_reads(rd, e->args[i]);
}

/* Every node of an IR tree. */
static void
ir_reads(struct reads *rd, const struct ir *n)
{
	uint32_t i;

	if (n == NULL)
		return;
	switch (n->op) {
	case IR_FIELD:
		if (n->field == NULL)
			rd->whole = true;	/* a field name computed */
		else
			fref_reads(rd, n->field);
		break;
	case IR_COUNT_FIELD:
		/* the counted members are kept whole: the where clause,
		 * current() and the evidence (each match's name) read them */
		fref_reads(rd, n->field);
		break;
	default:
		break;
	}
	expr_reads(rd, n->fexpr);
	expr_reads(rd, n->lhs);
	expr_reads(rd, n->rhs);
	for (i = 0; i < n->n_kids; i++)
		ir_reads(rd, n->kids[i]);
}

/* See policy_int.h. */
int
ov_policy__inst_reads(const struct ov_policy_set *set,
    const struct pinst *pi, ov_policy_read_fn fn, void *payload)
{
	static const char *const always[] = {
		/* what eval.c reads of every body it evaluates */
		"name", "type", "location", "fullName", "apiVersion",
		"aliases",
	};
	struct reads rd;
	size_t i;

	memset(&rd, 0, sizeof(rd));
	rd.set = set;
	rd.fn = fn;
	rd.payload = payload;
	if (pi->error != NULL || pi->unsupported != NULL)
		return 1;
	for (i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		emit_top(&rd, always[i]);
	ir_reads(&rd, pi->cond);
	ir_reads(&rd, pi->exist);
	expr_reads(&rd, pi->rel_name);
	expr_reads(&rd, pi->rel_rg);
	if (rd.error < 0)
		return rd.error;
	return rd.whole ? 1 : 0;
}
