/* SPDX-License-Identifier: MIT */
/*
 * `overvisor rules test`: every rule's fixtures run through the compiled
 * rule set, record by record as a scan evaluates them.  A fixture file
 * holds the cases of one rule; each case is a subject record, optional
 * related records (diagnostic settings and other existence targets) and
 * the state the rule must give the subject.  A file may fix the clock
 * ("now", for rules that compare dates with utcNow()) and give parameter
 * values ("parameters", for rules that ship disabled until the
 * organisation supplies its list).
 */
#include <stdio.h>
#include <string.h>

#include "lib/rules/rulepack.h"
#include "overvisor/policy.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/file.h"
#include "util/time.h"

/* What the evaluation callback looks for and what it found. */
struct probe {
	const char	*rule;		/* rule id */
	const char	*resource;	/* subject record id */
	bool		 found;		/* a result was seen */
	ov_state	 state;		/* its state */
	char		 reason[256];	/* its reason */
};

static int
on_result(const ov_policy_result *r, void *payload)
{
	struct probe *pr = payload;

	if (r->rule_id == NULL || !ov__streq_ci(r->rule_id, pr->rule) ||
	    r->resource_id == NULL || !ov__streq_ci(r->resource_id,
	    pr->resource))
		return 0;
	/* Keep the most severe state if the engine reports more than one. */
	if (!pr->found || r->state == OV_STATE_NON_COMPLIANT) {
		pr->found = true;
		pr->state = r->state;
		snprintf(pr->reason, sizeof(pr->reason), "%s",
		    r->reason != NULL ? r->reason : "");
	}
	return 0;
}

/* Serialise the case's records as a JSON array for the snapshot loader. */
static int
case_input(ov_ctx *ctx, const ov_json *cs, struct ov_buf *b)
{
	const ov_json *rel = ov_json_get(cs, "related");
	char *s;
	size_t i;

	ov__buf_clear(b);
	if ((s = ov_json_to_string(ov_json_get(cs, "record"), 0)) == NULL)
		return ov__error_oom(ctx);
	if (ov__buf_putc(b, '[') < 0 || ov__buf_puts(b, s) < 0) {
		ov_free(s);
		return ov__error_oom(ctx);
	}
	ov_free(s);
	for (i = 0; i < ov_json_len(rel); i++) {
		if ((s = ov_json_to_string(ov_json_at(rel, i), 0)) == NULL)
			return ov__error_oom(ctx);
		if (ov__buf_putc(b, ',') < 0 || ov__buf_puts(b, s) < 0) {
			ov_free(s);
			return ov__error_oom(ctx);
		}
		ov_free(s);
	}
	return ov__buf_putc(b, ']') < 0 ? ov__error_oom(ctx) : 0;
}

static int
run_case(ov_ctx *ctx, ov_rule_eval *ev, const ov_rule_info *r,
    const ov_json *cs, struct ov_buf *b, struct probe *pr)
{
	ov_snapshot *snap = NULL;
	ov_record_info ri;
	size_t i;
	int error;

	memset(pr, 0, sizeof(*pr));
	pr->rule = r->id;
	pr->resource = ov_json_string(ov_json_path(cs, "record.id"));
	if (pr->resource == NULL)
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_CONFIG,
		    "fixture case of %s has no record.id", r->id);
	if ((error = case_input(ctx, cs, b)) < 0)
		return error;
	if ((error = ov_snapshot_new(&snap, ctx)) < 0)
		return error;
	if ((error = ov_snapshot_load_buffer(snap, "fixture.json",
	    ov__buf_cstr(b), b->len, 0)) < 0 ||
	    (error = ov_snapshot_index(snap)) < 0)
		goto done;
	/* The subject is the first record, under the id loading gave it (a
	 * Microsoft Graph object's is built from its type and object id).
	 * Only the subject is evaluated; the related records are there to
	 * be looked up. */
	if (ov_snapshot_record(snap, 0, &ri) == 0 && ri.id != NULL)
		pr->resource = ri.id;
	for (i = 0; ov_snapshot_record(snap, i, &ri) == 0; i++)
		if (ov__streq_ci(ri.id, pr->resource)) {
			error = ov_rule_eval_record(ev, snap, i,
			    OV_POLICY_EVAL_ALL, on_result, pr);
			break;
		}
done:
	ov_snapshot_free(snap);
	return error;
}

/* Where the alias table comes from. */
struct alias_src {
	const char	*data_dir;	/* shipped table, or NULL */
	const char	*aliases_path;	/* explicit table, or NULL */
};

static int
load_aliases(ov_policy_set *set, const struct alias_src *as)
{
	if (as->aliases_path != NULL)
		return ov_policy_set_load_aliases(set, as->aliases_path);
	if (as->data_dir != NULL)
		return ov_policy_set_default_aliases(set, as->data_dir);
	return 0;
}

/* Evaluation state for the rule alone, with the fixture's parameters. */
struct param_eval {
	ov_ruleset	*rs;
	ov_rule_eval	*ev;
};

static void
param_eval_free(struct param_eval *pe)
{
	ov_rule_eval_free(pe->ev);
	ov_ruleset_free(pe->rs);
}

static int
param_eval(ov_ctx *ctx, const struct alias_src *as, const ov_rule_info *r,
    const ov_json *params, const char *path, struct param_eval *pe)
{
	ov_policy_set *set = NULL;
	size_t i;
	int error;

	if ((error = ov_policy_set_new(&set, ctx)) < 0)
		return error;
	if ((error = load_aliases(set, as)) < 0 ||
	    (error = ov_policy_set_add_file(set, r->file)) < 0)
		goto fail;
	for (i = 0; i < ov_json_len(params); i++) {
		const ov_json_member *m = ov_json_member_at(params, i);
		char *v = ov_json_to_string(&m->value, 0);

		if (v == NULL) {
			error = ov__error_oom(ctx);
			goto fail;
		}
		error = ov_policy_set_set_param(set, m->key, v);
		ov_free(v);
		if (error < 0)
			goto fail;
	}
	error = ov_rules__ruleset_adopt(&pe->rs, ctx, set);
	set = NULL;
	if (error < 0 || (error = ov_rule_eval_new(&pe->ev, pe->rs, ctx)) < 0)
		goto fail;
	return 0;
fail:
	if (ov_error_last(ctx)->code == 0)
		error = ov__error_at(ctx, error, OV_ERRCLASS_CONFIG, path, 0,
		    0, "/parameters", "cannot apply the fixture's parameters");
	ov_policy_set_free(set);
	return error;
}

static int
test_rule(const ov_rulepack *p, ov_ctx *ctx, ov_rule_eval *ev,
    const struct alias_src *as, const ov_rule_info *r,
    const char *fixtures_dir, ov_rule_case_cb cb, void *payload,
    ov_rule_test_stats *st, struct ov_buf *b)
{
	char path[4096], *data = NULL;
	ov_json_doc *doc = NULL;
	ov_json_error jerr;
	const ov_json *cases, *params, *now;
	struct param_eval own = { NULL, NULL };
	int64_t prev_now = ctx->now, t;
	FILE *probe;
	size_t len, i;
	int error;

	snprintf(path, sizeof(path), "%s/%s.json", fixtures_dir, r->id);
	if ((probe = fopen(path, "rb")) == NULL) {
		st->missing++;
		return 0;
	}
	fclose(probe);
	if ((error = ov__read_file(ctx, OV_ERRCLASS_INPUT, path,
	    OV_DATA_MAX_FILE, &data, &len)) < 0)
		return error;
	if ((error = ov_json_parse(&doc, ctx, data, len, OV_JSON_STRICT,
	    &jerr)) < 0) {
		error = ov__error_at(ctx, error, OV_ERRCLASS_CONFIG, path,
		    jerr.line, jerr.column, NULL, "%s", jerr.message);
		goto done;
	}
	cases = ov_json_get(ov_json_doc_root(doc), "cases");
	now = ov_json_get(ov_json_doc_root(doc), "now");
	params = ov_json_get(ov_json_doc_root(doc), "parameters");
	if (now != NULL) {
		if (!ov_json_is_string(now) || !ov__time_parse(
		    ov_json_string(now), strlen(ov_json_string(now)), &t)) {
			error = ov__error_at(ctx, OV_EINVALID,
			    OV_ERRCLASS_CONFIG, path, 0, 0, "/now",
			    "now is not an ISO 8601 date-time");
			goto done;
		}
		ov_ctx_set_now(ctx, t);
	}
	if (params != NULL) {
		if ((error = param_eval(ctx, as, r, params, path, &own)) < 0)
			goto done;
		ev = own.ev;
	}
	st->rules++;
	for (i = 0; i < ov_json_len(cases); i++) {
		const ov_json *cs = ov_json_at(cases, i);
		const char *expect = ov_json_string(ov_json_get(cs, "expect"));
		ov_state want;
		struct probe pr;
		ov_rule_case rc;

		if (expect == NULL || ov_state_parse(expect, &want) < 0) {
			error = ov__error_at(ctx, OV_EINVALID,
			    OV_ERRCLASS_CONFIG, path, 0, 0, NULL,
			    "case %zu has no valid expect", i);
			goto done;
		}
		if ((error = run_case(ctx, ev, r, cs, b, &pr)) < 0)
			goto done;
		st->cases++;
		rc.rule = r->id;
		rc.name = ov_json_string(ov_json_get(cs, "name"));
		rc.expected = ov_state_name(want);
		rc.actual = pr.found ? ov_state_name(pr.state) : "none";
		rc.reason = pr.found ? pr.reason : NULL;
		rc.ok = pr.found && pr.state == want;
		if (!rc.ok)
			st->failed++;
		if (cb != NULL && (error = cb(&rc, payload)) != 0)
			goto done;
	}
done:
	(void)p;
	ov_ctx_set_now(ctx, prev_now);
	param_eval_free(&own);
	ov_json_doc_free(doc);
	ov__free(data);
	return error;
}

/* Run every rule's fixtures (see overvisor/rules.h). */
int
ov_rulepack_test(const ov_rulepack *p, ov_ctx *ctx, const char *data_dir,
    const char *aliases_path, const char *fixtures_dir, const char *only,
    ov_rule_case_cb cb, void *payload, ov_rule_test_stats *stats)
{
	ov_policy_set *set = NULL;
	ov_ruleset *rs = NULL;
	ov_rule_eval *ev = NULL;
	struct ov_buf b = OV_BUF_INIT(OV_DATA_MAX_FILE);
	struct alias_src as = { data_dir, aliases_path };
	size_t i;
	int error;

	OV_ASSERT_ARG(p != NULL && fixtures_dir != NULL && stats != NULL);
	memset(stats, 0, sizeof(*stats));
	if ((error = ov_policy_set_new(&set, ctx)) < 0)
		return error;
	if ((error = load_aliases(set, &as)) < 0)
		goto done;
	/* One set holds the whole pack: each case then runs every rule,
	 * exactly as a scan would, and only the rule under test is read. */
	for (i = 0; i < p->n_rules; i++)
		if (only == NULL || ov__streq_ci(only, p->rules[i].id))
			if ((error = ov_policy_set_add_file(set,
			    p->rules[i].file)) < 0)
				goto done;
	error = ov_rules__ruleset_adopt(&rs, ctx, set);
	set = NULL;
	if (error < 0 || (error = ov_rule_eval_new(&ev, rs, ctx)) < 0)
		goto done;
	for (i = 0; i < p->n_rules; i++) {
		if (only != NULL && !ov__streq_ci(only, p->rules[i].id))
			continue;
		if ((error = test_rule(p, ctx, ev, &as, &p->rules[i],
		    fixtures_dir, cb, payload, stats, &b)) != 0)
			goto done;
	}
done:
	ov__buf_free(&b);
	ov_rule_eval_free(ev);
	ov_ruleset_free(rs);
	ov_policy_set_free(set);
	return error;
}
