/* SPDX-License-Identifier: MIT */
/*
 * The pipeline while loading (docs/architecture.md, "Streaming"): the
 * rules that read nothing but their record are evaluated in the loader's
 * workers as each record arrives, with its whole body; the snapshot keeps
 * each record's header and only what the later stages read of its body
 * (the retention plan: the analyzers' declared reads, the contract
 * questions', the body paths the rules that read other records read).  After
 * loading: findings of records that lost to a richer copy of their id are
 * withdrawn, the index is built, the rules that read other records run on
 * the records kept whole, then the analyzers and the rest as in
 * ov_scan_run().
 *
 * The result is the same as loading everything and running ov_scan_run()
 * (tests/e2e/stream.sh compares the two byte for byte): findings are
 * sorted, records keep load order whatever the number of threads.
 */
#include <string.h>

#include "lib/analyzers/analyzer.h"
#include "lib/findings/list.h"
#include "lib/rules/rulepack.h"
#include "lib/scan/scan_int.h"
#include "lib/snapshot/retain.h"
#include "lib/snapshot/stream.h"
#include "util/alloc.h"

/* One rule result counted for the framework view, until loading ends. */
struct tally_ent {
	uint32_t	 rec;		/* record index + 1; 0: never withdrawn */
	int		 state;		/* ov_state */
	const char	*rule;		/* borrowed from the rule set */
};

struct tally_log {
	struct tally_ent	*ents;
	size_t			 n, cap;
};

/* The streaming run. */
struct stream {
	struct ov_scan_result	*r;
	struct ov_retain	*plan;
	bool			 tallies;	/* a framework view is wanted */
	struct tally_log	 log;		/* every tally, load order */
	uint8_t			*losers;	/* by record index */
	size_t			 losers_cap;
	bool			 any_loser;
};

/* A worker's evaluation state. */
struct stream_worker {
	struct stream		*st;
	ov_ctx			*ctx;		/* the worker's */
	ov_rule_eval		*ev;		/* NULL without rules */
};

/* A unit's results. */
struct stream_unit {
	ov_findings		*findings;	/* tagged by record */
	struct tally_log	 log;
	struct ov_coverage	 cov;		/* what the rules evaluated */
};

/* Where one record's results go. */
struct result_sink {
	struct stream_worker	*w;
	struct stream_unit	*u;
	uint32_t		 tag;		/* record in the unit + 1, or 0 */
};

static int
log_push(struct tally_log *l, uint32_t rec, int state, const char *rule)
{
	struct tally_ent *grown;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap != 0 ? l->cap * 2 : 256;
		if ((grown = ov__reallocarray(l->ents, cap,
		    sizeof(*grown))) == NULL)
			return OV_ENOMEM;
		l->ents = grown;
		l->cap = cap;
	}
	l->ents[l->n].rec = rec;
	l->ents[l->n].state = state;
	l->ents[l->n++].rule = rule;
	return 0;
}

/* A rule result in a worker: a finding (tagged) and a tally. */
static int
on_now(const ov_policy_result *res, void *payload)
{
	struct result_sink *k = payload;
	ov_findings *f = k->u->findings;
	size_t before = ov_findings_count(f);

	if (ov_policy_add_finding(f, res, 0) < 0)
		return ov__error_oom(k->w->ctx);
	if (k->tag != 0 && ov_findings_count(f) > before)
		ov_findings__tag(f, before, k->tag);
	if (ov_scan__cover(&k->u->cov, res) < 0)
		return ov__error_oom(k->w->ctx);
	if (k->w->st->tallies && res->rule_id != NULL &&
	    log_push(&k->u->log, k->tag, res->state, res->rule_id) < 0)
		return ov__error_oom(k->w->ctx);
	return 0;
}

static int
worker_new(void *payload, ov_ctx *wctx, void **ws)
{
	struct stream *st = payload;
	struct stream_worker *w;

	if ((w = ov__calloc(1, sizeof(*w))) == NULL)
		return ov__error_oom(wctx);
	w->st = st;
	w->ctx = wctx;
	*ws = w;
	if (st->r->ruleset != NULL)
		return ov_rule_eval_new(&w->ev, st->r->ruleset, wctx);
	return 0;
}

static void
worker_free(void *payload, void *ws)
{
	struct stream_worker *w = ws;

	(void)payload;
	ov_rule_eval_free(w->ev);
	ov__free(w);
}

static int
unit_new(void *payload, void *ws, void **ur)
{
	struct stream_worker *w = ws;
	struct stream_unit *u;

	(void)payload;
	if ((u = ov__calloc(1, sizeof(*u))) == NULL ||
	    ov_findings_new(&u->findings) < 0) {
		ov__free(u);
		return ov__error_oom(w->ctx);
	}
	ov_findings__defer_fingerprints(u->findings);
	ov_coverage__init(&u->cov);
	*ur = u;
	return 0;
}

static void
unit_free(void *payload, void *ur)
{
	struct stream_unit *u = ur;

	(void)payload;
	ov_findings_free(u->findings);
	ov__free(u->log.ents);
	ov_coverage__free(&u->cov);
	ov__free(u);
}

/*
 * A record with its whole body, in a worker: the rules guarded by its
 * type (withdrawn if a richer copy of its id comes), then the unguarded
 * ones (which meet every copy, as in a full scan).
 */
static int
record(void *ws, void *ur, const struct ov_record *rec, uint32_t seq)
{
	struct stream_worker *w = ws;
	const ov_snapshot *snap;
	struct result_sink k;
	int error;

	if (w->ev == NULL)
		return 0;
	k.w = w;
	k.u = ur;
	k.tag = seq + 1;
	/* a template's record comes on the main thread, its snapshot known */
	snap = rec->place->iac != NULL ? w->st->r->snap : NULL;
	if ((error = ov_rules__eval_now(w->ev, snap, rec, OV_RULES_TYPED,
	    on_now, &k)) != 0)
		return error;
	k.tag = 0;
	return ov_rules__eval_now(w->ev, snap, rec, OV_RULES_UNTYPED, on_now,
	    &k);
}

/* A unit in load order: its findings and tallies join the scan's. */
static int
merge(void *payload, void *ur, size_t first)
{
	struct stream *st = payload;
	struct stream_unit *u = ur;
	size_t i;

	if (ov_findings__absorb(st->r->findings, u->findings,
	    (uint32_t)first) < 0 ||
	    ov_coverage__absorb(&st->r->coverage, &u->cov) < 0)
		return ov__error_oom(st->r->ctx);
	for (i = 0; i < u->log.n; i++) {
		const struct tally_ent *e = &u->log.ents[i];

		if (log_push(&st->log, e->rec != 0 ? e->rec + (uint32_t)first :
		    0, e->state, e->rule) < 0)
			return ov__error_oom(st->r->ctx);
	}
	return 0;
}

/* A record that lost to a richer copy: its typed results are withdrawn. */
static int
loser(void *payload, const struct ov_record *rec)
{
	struct stream *st = payload;
	uint8_t *grown;
	size_t cap;

	if (rec->index >= st->losers_cap) {
		cap = st->losers_cap != 0 ? st->losers_cap : 1024;
		while (cap <= rec->index)
			cap *= 2;
		if ((grown = ov__realloc(st->losers, cap)) == NULL)
			return ov__error_oom(st->r->ctx);
		memset(grown + st->losers_cap, 0, cap - st->losers_cap);
		st->losers = grown;
		st->losers_cap = cap;
	}
	st->losers[rec->index] = 1;
	st->any_loser = true;
	return 0;
}

/* ---- the retention plan -------------------------------------------------- */

/* What the contract questions read beyond headers. */
static const struct ov_analyzer_read question_reads[] = {
	{ "Microsoft.Graph/conditionalAccessPolicies", "state" },
	{ "Microsoft.Authorization/policyAssignments",
	    "properties.enforcementMode" },
	{ "Microsoft.Authorization/policyAssignments",
	    "properties.parameters" },
	{ NULL, NULL }
};

/* Add one declared read to the plan. */
static int
plan_read(struct stream *st, const struct ov_analyzer_read *rd)
{
	const char *tag;

	bool any = strcmp(rd->type, "*") == 0;

	if (strncmp(rd->path, "tag:", 4) == 0) {
		tag = rd->path + 4;
		if (strcmp(tag, "$zone") == 0)
			tag = st->r->zone_tag != NULL ? st->r->zone_tag : "env";
		return ov_retain__tag(st->plan, any ? NULL : rd->type, tag);
	}
	if (any)
		return strcmp(rd->path, "*") == 0 ?
		    ov_retain__all(st->plan, NULL) : OV_EINVALID;
	if (strcmp(rd->path, "tags") == 0)
		return ov_retain__tags(st->plan, rd->type);
	return ov_retain__path(st->plan, rd->type, rd->path);
}

static int
plan_reads(struct stream *st, const struct ov_analyzer_read *rd,
    const char *who)
{
	int error;

	for (; rd != NULL && rd->type != NULL; rd++)
		if ((error = plan_read(st, rd)) < 0)
			return error == OV_ENOMEM ? ov__error_oom(st->r->ctx) :
			    ov__error(st->r->ctx, OV_EINVALID,
			    OV_ERRCLASS_INTERNAL, "%s declares an unusable "
			    "read '%s' of %s", who, rd->path, rd->type);
	return 0;
}

/* Add an analyzer's packers to the plan. */
static int
plan_packs(struct stream *st, const struct ov_analyzer *a)
{
	const struct ov_analyzer_pack *pk;
	int error;

	for (pk = a->packs; pk != NULL && pk->type != NULL; pk++)
		if ((error = ov_retain__pack(st->plan, pk->type, pk->fn)) < 0)
			return error == OV_ENOMEM ? ov__error_oom(st->r->ctx) :
			    ov__error(st->r->ctx, OV_EINVALID,
			    OV_ERRCLASS_INTERNAL, "%s packs %s, which another "
			    "stage packs already", a->name, pk->type);
	return 0;
}

/*
 * What the stages after loading read: the plan the loader keeps.  A load
 * for the findings store (OV_LOAD_DIGEST) keeps the governance evidence
 * the store records with the scan.
 */
static int
make_plan(struct stream *st, unsigned flags)
{
	struct ov_scan_result *r = st->r;
	const struct ov_analyzer *const *ap;
	int error;

	if (ov_retain__new(&st->plan) < 0)
		return ov__error_oom(r->ctx);
	for (ap = ov_analyzers; *ap != NULL; ap++)
		if (ov_scan__analyzer_wanted(r->opts, (*ap)->name) &&
		    ((error = plan_reads(st, (*ap)->reads, (*ap)->name)) < 0 ||
		    (error = plan_packs(st, *ap)) < 0))
			return error;
	if (r->opts->questions &&
	    (error = plan_reads(st, question_reads, "questions")) < 0)
		return error;
	if ((flags & OV_LOAD_DIGEST) && (error = plan_reads(st,
	    ov_analyzers__evidence_reads, "evidence")) < 0)
		return error;
	if (r->ruleset != NULL && ov_rules__retain(r->ruleset, st->plan) < 0)
		return ov__error_oom(r->ctx);
	return 0;
}

/* ---- after loading -------------------------------------------------------- */

/* Withdraw the findings of losers; count the tallies that stay. */
static int
settle(struct stream *st)
{
	struct ov_scan_result *r = st->r;
	size_t i;
	int error;

	if (st->any_loser)
		ov_findings__drop(r->findings, st->losers, st->losers_cap);
	for (i = 0; i < st->log.n; i++) {
		const struct tally_ent *e = &st->log.ents[i];

		if (e->rec != 0 && e->rec <= st->losers_cap &&
		    st->losers[e->rec - 1])
			continue;
		if ((error = ov_scan__tally(r, e->rule, e->state)) < 0)
			return error;
	}
	/* the tenant is known now: the fingerprints */
	if (ov_findings_set_tenant(r->findings, r->snap->tenant_id) < 0)
		return ov__error_oom(r->ctx);
	return 0;
}

/* A rule result after loading: a finding and a tally. */
static int
on_later(const ov_policy_result *res, void *payload)
{
	struct ov_scan_result *r = payload;
	int error;

	if (ov_policy_add_finding(r->findings, res, 0) < 0 ||
	    ov_scan__cover(&r->coverage, res) < 0)
		return ov__error_oom(r->ctx);
	if (r->framework != NULL && res->rule_id != NULL &&
	    (error = ov_scan__tally(r, res->rule_id, res->state)) < 0)
		return error;
	return 0;
}

/* The rules that read other records, on every record, in load order. */
static int
eval_later(struct ov_scan_result *r)
{
	const struct ov_snapshot *s = r->snap;
	ov_rule_eval *ev = NULL;
	size_t i;
	int error = 0;

	if (r->ruleset == NULL || !ov_rules__has_later(r->ruleset))
		return 0;
	if ((error = ov_rule_eval_new(&ev, r->ruleset, r->ctx)) < 0)
		return error;
	ov__progress(r->ctx, "rules", 0, s->n_records);
	for (i = 0; i < s->n_records && error == 0; i++) {
		const struct ov_record *rec = s->records[i];

		if (ov_model__is_winner(s, rec))
			error = ov_rules__eval_later(ev, s, rec,
			    OV_RULES_TYPED, on_later, r);
		if (error == 0)
			error = ov_rules__eval_later(ev, s, rec,
			    OV_RULES_UNTYPED, on_later, r);
	}
	ov__progress(r->ctx, "rules", s->n_records, s->n_records);
	ov_rule_eval_free(ev);
	return error;
}

/* The clock, once the walk has read the manifests. */
static int
walked(void *payload)
{
	struct stream *st = payload;

	st->r->ctx->now = st->r->now = ov_scan__clock(st->r->ctx,
	    st->r->snap);
	return 0;
}

/* The full pipeline for what streaming does not cover. */
static int
load_then_run(ov_scan_result **out, ov_ctx *ctx, ov_snapshot *snap,
    const char *const *paths, size_t n, unsigned flags,
    const ov_scan_options *opts)
{
	size_t i;
	int error;

	for (i = 0; i < n; i++)
		if ((error = ov_snapshot_load(snap, paths[i], flags)) < 0)
			return error;
	return ov_scan_run(out, ctx, snap, opts);
}

/* Load and scan; see overvisor/scan.h. */
int
ov_scan_paths(ov_scan_result **out, ov_ctx *ctx, ov_snapshot *snap,
    const char *const *paths, size_t n, unsigned flags,
    const ov_scan_options *opts)
{
	static const ov_scan_options defaults = OV_SCAN_OPTIONS_INIT;
	struct ov_load_hooks hooks;
	struct stream st;
	struct ov_scan_result *r = NULL;
	int64_t saved_now;
	int error;

	if (out == NULL || ctx == NULL || snap == NULL || (paths == NULL &&
	    n > 0))
		return OV_EINVALID;
	*out = NULL;
	if (opts == NULL)
		opts = &defaults;
	/*
	 * Assignments come from the snapshot itself, every result goes to
	 * a callback: both need the whole snapshot first.
	 */
	if (opts->assigned || opts->on_result != NULL ||
	    opts->eval_flags != 0)
		return load_then_run(out, ctx, snap, paths, n, flags, opts);
	if ((error = ov_scan__result_new(&r, ctx, snap, opts)) < 0)
		return error;
	saved_now = ctx->now;
	memset(&st, 0, sizeof(st));
	st.r = r;
	if ((error = ov_scan__setup(r)) < 0)
		goto done;
	st.tallies = r->framework != NULL;
	if ((error = make_plan(&st, flags)) < 0)
		goto done;
	memset(&hooks, 0, sizeof(hooks));
	hooks.payload = &st;
	hooks.plan = st.plan;
	hooks.walked = walked;
	hooks.worker_new = worker_new;
	hooks.worker_free = worker_free;
	hooks.unit_new = unit_new;
	hooks.unit_free = unit_free;
	hooks.record = record;
	hooks.merge = merge;
	hooks.loser = loser;
	if ((error = ov_snap__load_paths(snap, paths, n, flags, &hooks)) < 0)
		goto done;

	if (r->now == 0)
		ctx->now = r->now = ov_scan__clock(ctx, snap);
	ov_scan__rule_counts(r);
	/* the rule pack ran, as in ov_scan__rules() */
	if (r->ruleset != NULL && !opts->no_rules)
		r->policy_ran = true;
	if ((error = settle(&st)) < 0 ||
	    (error = ov_snapshot_index(snap)) < 0 ||
	    (error = ov_scan__sources(r)) < 0 ||
	    (error = eval_later(r)) < 0 ||
	    (error = ov_scan__finish(r)) < 0)
		goto done;
	r->opts = NULL;
	*out = r;
	r = NULL;
done:
	ctx->now = saved_now;
	ov_retain__free(st.plan);
	ov__free(st.log.ents);
	ov__free(st.losers);
	ov_scan_result_free(r);
	return error;
}
