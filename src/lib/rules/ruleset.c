/* SPDX-License-Identifier: MIT */
/*
 * The compiled rule set: the rule pack, extra policy definitions and the
 * alias table loaded and compiled once, then only read.  Evaluation state
 * (scratch memory, the clock) lives in an ov_rule_eval, one per thread, so
 * a long-running worker compiles once and scans many snapshots, and two
 * threads evaluate one set side by side.
 *
 * Besides the policy set, the rule set keeps an index from record type to
 * the instances guarded by that type, so one record meets only the rules
 * for its type (ov_rule_eval_record(): what a streaming loader calls for
 * each record as it arrives).
 */
#include <string.h>
#include <sys/stat.h>

#include "lib/model/model.h"
#include "lib/policy/policy_int.h"
#include "lib/rules/rulepack.h"
#include "lib/snapshot/retain.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hash.h"

/* Instance indexes in set order. */
struct inst_list {
	size_t		*idx;		/* heap */
	size_t		 n;		/* used */
	size_t		 cap;		/* allocated */
};

/* Instances by the type their guard names, and those without a guard. */
struct inst_index {
	struct ov_map		 by_type;	/* type -> struct inst_list */
	struct inst_list	 untyped;	/* instances without a guard */
};

struct ov_ruleset {
	ov_policy_set		*set;		/* compiled; only read */
	const ov_snapshot	*bound;		/* whose assignments it has */
	struct ov_arena		 arena;		/* lists and type keys */
	struct ov_map		 by_type;	/* type -> struct inst_list */
	struct inst_list	 untyped;	/* instances without a guard */
	struct inst_list	 all;		/* every usable instance */
	/* the same, split by what evaluating an instance reads */
	struct inst_index	 now;		/* the record alone */
	struct inst_index	 later;		/* other records too */
	ov_policy_stats		 stats;		/* counts after compiling */
};

struct ov_rule_eval {
	const ov_ruleset	*rs;		/* borrowed */
	struct ov_policy_walk	 w;		/* state of one pass */
};

static int
list_push(struct inst_list *l, size_t i)
{
	size_t cap, *grown;

	if (l->n == l->cap) {
		cap = l->cap != 0 ? l->cap * 2 : 16;
		if ((grown = ov__reallocarray(l->idx, cap,
		    sizeof(*grown))) == NULL)
			return OV_ENOMEM;
		l->idx = grown;
		l->cap = cap;
	}
	l->idx[l->n++] = i;
	return 0;
}

/* File instance i under each type of its guard in (map, untyped). */
static int
file_inst(struct ov_ruleset *rs, struct ov_map *by_type,
    struct inst_list *untyped, size_t i, const struct pinst *pi)
{
	struct inst_list *l;
	size_t j;

	if (pi->types == NULL)
		return list_push(untyped, i);
	for (j = 0; j < pi->n_types; j++) {
		const char *t = pi->types[j];

		l = ov__map_get(by_type, t, strlen(t));
		if (l == NULL) {
			if ((l = ov__arena_calloc(&rs->arena, 1,
			    sizeof(*l))) == NULL || ov__map_put(by_type,
			    t, strlen(t), l) < 0)
				return OV_ENOMEM;
		}
		/* A guard naming one type twice evaluates once. */
		if (l->n == 0 || l->idx[l->n - 1] != i)
			if (list_push(l, i) < 0)
				return OV_ENOMEM;
	}
	return 0;
}

/*
 * Index instance i under each type of its guard, and again among those
 * that need only the record or those that read other records (later).
 */
static int
index_inst(struct ov_ruleset *rs, size_t i, const struct pinst *pi,
    bool later)
{
	struct inst_index *x;

	if (pi->error != NULL || pi->unsupported != NULL)
		return 0;
	if (list_push(&rs->all, i) < 0)
		return OV_ENOMEM;
	x = later ? &rs->later : &rs->now;
	if (file_inst(rs, &x->by_type, &x->untyped, i, pi) < 0)
		return OV_ENOMEM;
	return file_inst(rs, &rs->by_type, &rs->untyped, i, pi);
}

static void
free_lists(struct ov_map *by_type)
{
	size_t i;

	/* the lists live in the arena, their arrays on the heap */
	for (i = 0; i < by_type->cap; i++)
		if (by_type->slots[i].key != NULL)
			ov__free(((struct inst_list *)
			    by_type->slots[i].value)->idx);
	ov__map_free(by_type);
}

static int
add_param(ov_ruleset *rs, ov_ctx *ctx, const char *param)
{
	const char *eq = strchr(param, '=');
	char *name;
	int error;

	if (eq == NULL || eq == param)
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_CONFIG,
		    "parameter '%s' is not NAME=JSON", param);
	if ((name = ov__arena_strndup(&rs->arena, param,
	    (size_t)(eq - param))) == NULL)
		return ov__error_oom(ctx);
	error = ov_policy_set_set_param(rs->set, name, eq + 1);
	return error;
}

/* Load everything the options name into rs->set. */
static int
load(ov_ruleset *rs, ov_ctx *ctx, const ov_ruleset_options *o)
{
	const char *data_dir = ov__data_dir(o->data_dir), *rules;
	struct stat sb;
	size_t i;
	int error;

	if (o->aliases_path != NULL)
		error = ov_policy_set_load_aliases(rs->set, o->aliases_path);
	else
		error = ov_policy_set_default_aliases(rs->set, data_dir);
	if (error < 0)
		return error;
	if (!o->no_rules) {
		size_t before = rs->set->n_objs;

		rules = o->rules_dir != NULL ? o->rules_dir :
		    ov__arena_printf(&rs->arena, "%s/rules", data_dir);
		if (rules == NULL)
			return ov__error_oom(ctx);
		/* A rule pack that is missing or holds nothing is an error,
		 * never a scan with no rules: no_rules says so on purpose. */
		if (stat(rules, &sb) != 0)
			return ov__error_at(ctx, OV_ENOTFOUND,
			    OV_ERRCLASS_CONFIG, rules, 0, 0, NULL,
			    "rule pack not found (--no-rules scans without "
			    "one)");
		if ((error = ov_policy_set_add_rules(rs->set, rules)) < 0)
			return error;
		if (rs->set->n_objs == before)
			return ov__error_at(ctx, OV_ENOTFOUND,
			    OV_ERRCLASS_CONFIG, rules, 0, 0, NULL,
			    "rule pack holds no policy definitions "
			    "(--no-rules scans without one)");
	}
	for (i = 0; i < o->n_policy_paths; i++)
		if ((error = ov_policy_set_add_file(rs->set,
		    o->policy_paths[i])) < 0)
			return error;
	for (i = 0; i < o->n_params; i++)
		if ((error = add_param(rs, ctx, o->params[i])) < 0)
			return error;
	if (o->api_version != NULL &&
	    (error = ov_policy_set_api_version(rs->set, o->api_version)) < 0)
		return error;
	if (o->snapshot != NULL &&
	    (error = ov_policy_set_add_snapshot(rs->set, o->snapshot)) < 0)
		return error;
	return 0;
}

/* A rule set around set (owned from now on, freed on failure too), not
 * compiled yet; NULL when memory runs out. */
static ov_ruleset *
ruleset_alloc(ov_policy_set *set)
{
	ov_ruleset *rs;

	if ((rs = ov__calloc(1, sizeof(*rs))) == NULL) {
		ov_policy_set_free(set);
		return NULL;
	}
	ov__arena_init(&rs->arena, 0, 0);
	rs->set = set;
	return rs;
}

/*
 * Compile the set and index its instances by type.  An instance reads
 * other records when its rule does; a definition with one such instance
 * has all of them evaluated after loading, so findings of one rule on
 * one record keep the order a full scan gives them.
 */
static int
ruleset_compile(ov_ruleset *rs, ov_ctx *ctx)
{
	struct ov_map defs = OV_MAP_INIT_CS;
	const struct pinst *pi;
	bool *later = NULL;
	size_t i, n;
	int error;

	if ((error = ov_policy_set_compile(rs->set)) < 0 ||
	    (error = ov_policy_set_stats(rs->set, &rs->stats)) < 0)
		return error;
	n = rs->set->n_insts;
	if (n > 0 && (later = ov__calloc(n, sizeof(*later))) == NULL)
		return ov__error_oom(ctx);
	error = 0;
	for (i = 0; i < n && error == 0; i++) {
		pi = rs->set->insts[i];
		if (pi->error != NULL || pi->unsupported != NULL ||
		    !ov_policy__inst_needs_snapshot(rs->set, pi))
			continue;
		later[i] = true;
		if (pi->def->id != NULL && ov__map_put(&defs, pi->def->id,
		    strlen(pi->def->id), (void *)(uintptr_t)1) < 0)
			error = OV_ENOMEM;
	}
	for (i = 0; i < n && error == 0; i++) {
		pi = rs->set->insts[i];
		if (pi->def->id != NULL && ov__map_get(&defs, pi->def->id,
		    strlen(pi->def->id)) != NULL)
			later[i] = true;
		if (index_inst(rs, i, pi, later[i]) < 0)
			error = OV_ENOMEM;
	}
	ov__map_free(&defs);
	ov__free(later);
	return error < 0 ? ov__error_oom(ctx) : 0;
}

/* Compile a loaded set into a rule set; see rulepack.h. */
int
ov_rules__ruleset_adopt(ov_ruleset **out, ov_ctx *ctx, ov_policy_set *set)
{
	ov_ruleset *rs;
	int error;

	*out = NULL;
	if ((rs = ruleset_alloc(set)) == NULL)
		return ov__error_oom(ctx);
	if ((error = ruleset_compile(rs, ctx)) < 0) {
		ov_ruleset_free(rs);
		return error;
	}
	*out = rs;
	return 0;
}

/* Build a rule set; see overvisor/rules.h. */
int
ov_ruleset_new(ov_ruleset **out, ov_ctx *ctx, const ov_ruleset_options *o)
{
	static const ov_ruleset_options defaults = OV_RULESET_OPTIONS_INIT;
	ov_policy_set *set = NULL;
	ov_ruleset *rs;
	int error;

	OV_ASSERT_ARG(out != NULL && ctx != NULL);
	*out = NULL;
	if (o == NULL)
		o = &defaults;
	if (o->version != OV_RULESET_OPTIONS_VERSION)
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_CONFIG,
		    "rule set options version %u not supported", o->version);
	if ((error = ov_policy_set_new(&set, ctx)) < 0)
		return error;
	if ((rs = ruleset_alloc(set)) == NULL)
		return ov__error_oom(ctx);
	rs->bound = o->snapshot;
	if ((error = load(rs, ctx, o)) < 0 ||
	    (error = ruleset_compile(rs, ctx)) < 0) {
		ov_ruleset_free(rs);
		return error;
	}
	*out = rs;
	return 0;
}

/* Release a rule set. */
void
ov_ruleset_free(ov_ruleset *rs)
{
	if (rs == NULL)
		return;
	ov_policy_set_free(rs->set);
	free_lists(&rs->by_type);
	free_lists(&rs->now.by_type);
	free_lists(&rs->later.by_type);
	ov__free(rs->untyped.idx);
	ov__free(rs->now.untyped.idx);
	ov__free(rs->later.untyped.idx);
	ov__free(rs->all.idx);
	ov__arena_free(&rs->arena);
	ov__free(rs);
}

/* Counts. */
void
ov_ruleset_stats(const ov_ruleset *rs, ov_policy_stats *out)
{
	if (rs != NULL)
		*out = rs->stats;
	else
		memset(out, 0, sizeof(*out));
}

/* Diagnostic i. */
int
ov_ruleset_diag(const ov_ruleset *rs, size_t i, ov_policy_diag *out)
{
	return rs != NULL ? ov_policy_set_diag(rs->set, i, out) :
	    OV_ENOTFOUND;
}

/* The bound snapshot. */
const ov_snapshot *
ov_ruleset_snapshot(const ov_ruleset *rs)
{
	return rs != NULL ? rs->bound : NULL;
}

/* Evaluation state. */
int
ov_rule_eval_new(ov_rule_eval **out, const ov_ruleset *rs, ov_ctx *ctx)
{
	ov_rule_eval *ev;

	OV_ASSERT_ARG(out != NULL && rs != NULL && ctx != NULL);
	if ((*out = ev = ov__calloc(1, sizeof(*ev))) == NULL)
		return ov__error_oom(ctx);
	ev->rs = rs;
	ev->w.set = rs->set;
	ev->w.ctx = ctx;
	ov__arena_init(&ev->w.scratch, 0, 0);
	return 0;
}

/* Release evaluation state. */
void
ov_rule_eval_free(ov_rule_eval *ev)
{
	if (ev == NULL)
		return;
	ov__arena_free(&ev->w.scratch);
	ov__free(ev);
}

/* The snapshot must be indexed, and the bound one for a bound set. */
static int
check_snapshot(ov_rule_eval *ev, const ov_snapshot *snap)
{
	if (!snap->indexed)
		return ov__error(ev->w.ctx, OV_EINVALID, OV_ERRCLASS_INTERNAL,
		    "the snapshot is not indexed (ov_snapshot_index)");
	if (ev->rs->bound != NULL && ev->rs->bound != snap)
		return ov__error(ev->w.ctx, OV_EINVALID, OV_ERRCLASS_INTERNAL,
		    "the rule set is bound to another snapshot's "
		    "assignments");
	return 0;
}

/* Start a pass: where results go. */
static void
begin(ov_rule_eval *ev, const ov_snapshot *snap, unsigned flags,
    ov_policy_result_cb cb, void *payload)
{
	ev->w.snap = snap;
	ev->w.flags = flags;
	ev->w.cb = cb;
	ev->w.payload = payload;
}

static int
eval_one(ov_rule_eval *ev, size_t inst, const struct ov_record *rec)
{
	int error;

	error = ov_policy__walk_one(&ev->w, ev->rs->set->insts[inst], rec);
	ov__arena_reset(&ev->w.scratch);
	return error;
}

/* Evaluate the rules for one record; see overvisor/rules.h. */
int
ov_rule_eval_record(ov_rule_eval *ev, const ov_snapshot *snap, size_t i,
    unsigned flags, ov_policy_result_cb cb, void *payload)
{
	const struct ov_record *rec;
	const struct inst_list *typed = NULL, *any;
	size_t a = 0, t = 0;
	int error;

	OV_ASSERT_ARG(ev != NULL && snap != NULL && cb != NULL);
	if ((error = check_snapshot(ev, snap)) < 0)
		return error;
	if (i >= snap->n_records)
		return OV_ENOTFOUND;
	rec = snap->records[i];
	begin(ev, snap, flags, cb, payload);
	if (flags & OV_POLICY_EVAL_ALL) {
		any = &ev->rs->all;
	} else {
		any = &ev->rs->untyped;
		/* A record read twice meets its type's rules once, as the
		 * richer copy the index keeps (ov_model__index). */
		if (rec->type != NULL && ov_model__is_primary(snap, rec))
			typed = ov__map_get(&ev->rs->by_type, rec->type,
			    strlen(rec->type));
	}
	/* The typed and untyped lists are both in set order: merge them. */
	while (a < any->n || (typed != NULL && t < typed->n)) {
		size_t next;

		if (typed == NULL || t == typed->n ||
		    (a < any->n && any->idx[a] < typed->idx[t]))
			next = any->idx[a++];
		else
			next = typed->idx[t++];
		if ((error = eval_one(ev, next, rec)) != 0)
			return error;
	}
	return 0;
}

/* Evaluate the rules on every record; see overvisor/rules.h. */
int
ov_rule_eval_snapshot(ov_rule_eval *ev, const ov_snapshot *snap,
    unsigned flags, ov_policy_result_cb cb, void *payload)
{
	struct ov_policy_walk w;
	int error;

	OV_ASSERT_ARG(ev != NULL && snap != NULL && cb != NULL);
	if ((error = check_snapshot(ev, snap)) < 0)
		return error;
	/* ov_policy__walk keeps its own scratch arena. */
	w = ev->w;
	memset(&w.scratch, 0, sizeof(w.scratch));
	w.snap = snap;
	w.flags = flags;
	w.cb = cb;
	w.payload = payload;
	return ov_policy__walk(&w);
}

/* ---- streaming: the record alone first, other records after ------------ */

/* Evaluate the instances of x for rec, typed or untyped (which). */
static int
eval_split(ov_rule_eval *ev, const struct inst_index *x,
    const struct ov_record *rec, int which)
{
	const struct inst_list *l;
	size_t i;
	int error;

	if (which == OV_RULES_TYPED) {
		if (rec->type == NULL || (l = ov__map_get(&x->by_type,
		    rec->type, strlen(rec->type))) == NULL)
			return 0;
	} else {
		l = &x->untyped;
	}
	for (i = 0; i < l->n; i++)
		if ((error = eval_one(ev, l->idx[i], rec)) != 0)
			return error;
	return 0;
}

/* See rulepack.h. */
int
ov_rules__eval_now(ov_rule_eval *ev, const ov_snapshot *snap,
    const struct ov_record *rec, int which, ov_policy_result_cb cb,
    void *payload)
{
	begin(ev, snap, 0, cb, payload);
	return eval_split(ev, &ev->rs->now, rec, which);
}

/* See rulepack.h. */
int
ov_rules__eval_later(ov_rule_eval *ev, const ov_snapshot *snap,
    const struct ov_record *rec, int which, ov_policy_result_cb cb,
    void *payload)
{
	begin(ev, snap, 0, cb, payload);
	return eval_split(ev, &ev->rs->later, rec, which);
}

/* True when any instance reads other records. */
bool
ov_rules__has_later(const ov_ruleset *rs)
{
	return rs != NULL && (rs->later.untyped.n > 0 ||
	    rs->later.by_type.len > 0);
}

/* Where the paths of one instance go: its types and its related type. */
struct plan_for {
	struct ov_retain	*plan;
	const struct pinst	*pi;
};

/* Keep one path an instance reads, on each type it meets. */
static int
plan_path(void *payload, const struct pseg *segs, uint32_t n)
{
	struct ov_retain_step steps[64];
	const struct plan_for *pf = payload;
	size_t j;
	uint32_t i;
	int error;

	if (n == 0 || n > sizeof(steps) / sizeof(steps[0]))
		return OV_EINVALID;
	for (i = 0; i < n; i++) {
		steps[i].name = segs[i].name;
		steps[i].len = segs[i].len;
		steps[i].items = segs[i].wild ? 1 : 0;
	}
	/* an unguarded instance meets every type */
	if (pf->pi->types == NULL &&
	    (error = ov_retain__steps(pf->plan, NULL, steps, n)) < 0)
		return error;
	for (j = 0; pf->pi->types != NULL && j < pf->pi->n_types; j++)
		if ((error = ov_retain__steps(pf->plan, pf->pi->types[j],
		    steps, n)) < 0)
			return error;
	if (pf->pi->rel_type != NULL && (error = ov_retain__steps(pf->plan,
	    pf->pi->rel_type, steps, n)) < 0)
		return error;
	return 0;
}

/* Keep whole bodies of the types an instance meets. */
static int
plan_whole(struct ov_retain *plan, const struct pinst *pi)
{
	size_t j;

	if (pi->types == NULL)
		return ov_retain__all(plan, NULL);
	for (j = 0; j < pi->n_types; j++)
		if (ov_retain__all(plan, pi->types[j]) < 0)
			return OV_ENOMEM;
	if (pi->rel_type != NULL && ov_retain__all(plan, pi->rel_type) < 0)
		return OV_ENOMEM;
	return 0;
}

/* Keep what one later instance reads. */
static int
plan_inst(const ov_ruleset *rs, struct ov_retain *plan, size_t i)
{
	struct plan_for pf;
	int error;

	pf.plan = plan;
	pf.pi = rs->set->insts[i];
	error = ov_policy__inst_reads(rs->set, pf.pi, plan_path, &pf);
	if (error == 1 || error == OV_EINVALID)
		error = plan_whole(plan, pf.pi);
	return error;
}

/*
 * Keep what the later instances read: of the records they evaluate (every
 * type for an unguarded one) and of their related records, the body paths
 * their IR reads (ov_policy__inst_reads), or whole bodies when a read is
 * known only at evaluation; the containers whole (resourceGroup(),
 * subscription(), the management-group ancestry read them).  See
 * rulepack.h.
 */
int
ov_rules__retain(const ov_ruleset *rs, struct ov_retain *plan)
{
	static const char *const containers[] = {
		"Microsoft.Resources/subscriptions",
		"Microsoft.Resources/subscriptions/resourceGroups",
		"Microsoft.Resources/resourceGroups",
		"Microsoft.Management/managementGroups",
	};
	const struct ov_map *m = &rs->later.by_type;
	size_t i, j;
	int error;

	if (!ov_rules__has_later(rs))
		return 0;
	for (i = 0; i < rs->later.untyped.n; i++)
		if ((error = plan_inst(rs, plan, rs->later.untyped.idx[i])) < 0)
			return error;
	for (i = 0; i < m->cap; i++) {
		const struct inst_list *l = m->slots[i].value;

		if (m->slots[i].key == NULL)
			continue;
		for (j = 0; j < l->n; j++)
			if ((error = plan_inst(rs, plan, l->idx[j])) < 0)
				return error;
	}
	for (i = 0; i < sizeof(containers) / sizeof(containers[0]); i++)
		if (ov_retain__all(plan, containers[i]) < 0)
			return OV_ENOMEM;
	return 0;
}
