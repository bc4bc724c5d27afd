/* SPDX-License-Identifier: MIT */
/*
 * The pipeline and the compiled rule set: a rule set compiled once gives
 * the same findings as one compiled per scan, on several snapshots and
 * from two threads at once; evaluating record by record gives the same
 * results as the whole-snapshot walk; the clock is the snapshot's for the
 * run and the caller's after it; a set bound to one snapshot's
 * assignments refuses another.
 */
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/rules.h"
#include "overvisor/scan.h"
#include "overvisor/snapshot.h"

struct fix {
	ov_ctx		*ctx;
	ov_snapshot	*estate;	/* examples/estate */
	ov_snapshot	*duties;	/* tests/fixtures/duties */
	ov_ruleset	*rs;		/* the bundled rule pack */
};

static ov_snapshot *
load(ov_ctx *ctx, const char *rel)
{
	ov_snapshot *s = NULL;

	assert_int_equal(ov_snapshot_new(&s, ctx), 0);
	assert_int_equal(ov_snapshot_load(s, ov_test_path(ov_test_srcdir(),
	    rel), 0), 0);
	assert_int_equal(ov_snapshot_n_errors(s), 0);
	assert_int_equal(ov_snapshot_index(s), 0);
	return s;
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));	/* checksrc: allow */
	ov_ruleset_options ro = OV_RULESET_OPTIONS_INIT;

	assert_non_null(f);
	assert_int_equal(ov_ctx_new(&f->ctx), 0);
	f->estate = load(f->ctx, "examples/estate");
	f->duties = load(f->ctx, "tests/fixtures/duties");
	ro.data_dir = ov_test_srcdir();
	assert_int_equal(ov_ruleset_new(&f->rs, f->ctx, &ro), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	ov_ruleset_free(f->rs);
	ov_snapshot_free(f->duties);
	ov_snapshot_free(f->estate);
	ov_ctx_free(f->ctx);
	free(f);	/* checksrc: allow */
	return 0;
}

/* One line per result, for comparing two evaluations. */
struct lines {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

static int
collect(const ov_policy_result *r, void *payload)
{
	struct lines *l = payload;
	char buf[2048];

	snprintf(buf, sizeof(buf), "%s|%s|%s|%s|%s|%s", r->definition_id,
	    r->assignment_id != NULL ? r->assignment_id : "",
	    r->resource_id != NULL ? r->resource_id : "",
	    ov_state_name(r->state), r->reason != NULL ? r->reason : "",
	    r->value != NULL ? r->value : "");
	if (l->n == l->cap) {
		l->cap = l->cap != 0 ? l->cap * 2 : 1024;
		l->v = realloc(l->v,	/* checksrc: allow */
		    l->cap * sizeof(*l->v));
		assert_non_null(l->v);
	}
	l->v[l->n] = strdup(buf);	/* checksrc: allow */
	assert_non_null(l->v[l->n]);
	l->n++;
	return 0;
}

static int
cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
lines_sort(struct lines *l)
{
	qsort(l->v, l->n, sizeof(*l->v), cmp_line);
}

static void
lines_free(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);	/* checksrc: allow */
	free(l->v);	/* checksrc: allow */
	memset(l, 0, sizeof(*l));
}

static void
assert_same(struct lines *a, struct lines *b)
{
	size_t i;

	lines_sort(a);
	lines_sort(b);
	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++)
		assert_string_equal(a->v[i], b->v[i]);
}

/* Record by record: the results of the whole-snapshot walk. */
static void
test_record_by_record(void **state)
{
	struct fix *f = *state;
	struct lines whole = { 0 }, each = { 0 };
	ov_rule_eval *ev = NULL;
	const unsigned flags[] = { 0, OV_POLICY_EVAL_ALL };
	size_t i, k;

	assert_int_equal(ov_rule_eval_new(&ev, f->rs, f->ctx), 0);
	for (k = 0; k < 2; k++) {
		ov_snapshot *s = k == 0 ? f->estate : f->duties;

		assert_int_equal(ov_rule_eval_snapshot(ev, s, flags[k],
		    collect, &whole), 0);
		for (i = 0; i < ov_snapshot_count(s); i++)
			assert_int_equal(ov_rule_eval_record(ev, s, i,
			    flags[k], collect, &each), 0);
		assert_true(whole.n > 100);
		assert_same(&whole, &each);
		lines_free(&whole);
		lines_free(&each);
	}
	assert_int_equal(ov_rule_eval_record(ev, f->estate,
	    ov_snapshot_count(f->estate), 0, collect, &each), OV_ENOTFOUND);
	ov_rule_eval_free(ev);
}

/* The findings of a scan, one line each. */
static void
scan_lines(ov_ctx *ctx, const ov_snapshot *s, const ov_ruleset *rs,
    struct lines *out)
{
	ov_scan_options so = OV_SCAN_OPTIONS_INIT;
	ov_scan_result *r = NULL;
	const ov_finding *fd;
	char buf[2048];
	size_t i;

	so.data_dir = ov_test_srcdir();
	so.ruleset = rs;
	so.no_analyzers = true;
	assert_int_equal(ov_scan_run(&r, ctx, s, &so), 0);
	for (i = 0; (fd = ov_findings_get(ov_scan_findings(r), i)) != NULL;
	    i++) {
		snprintf(buf, sizeof(buf), "%s|%s|%s|%lld", fd->rule,
		    fd->resource_id, ov_state_name(fd->state),
		    (long long)fd->due);
		if (out->n == out->cap) {
			out->cap = out->cap != 0 ? out->cap * 2 : 1024;
			out->v = realloc(out->v,	/* checksrc: allow */
			    out->cap * sizeof(*out->v));
			assert_non_null(out->v);
		}
		out->v[out->n] = strdup(buf);	/* checksrc: allow */
		assert_non_null(out->v[out->n]);
		out->n++;
	}
	ov_scan_result_free(r);
}

/* Compile once, scan many: the same findings as a set per scan. */
static void
test_compile_once(void **state)
{
	struct fix *f = *state;
	struct lines shared = { 0 }, own = { 0 };
	size_t k;

	/* One clock for both scans: due dates must not cross a second. */
	ov_ctx_set_now(f->ctx, 1780000000);
	for (k = 0; k < 2; k++) {
		ov_snapshot *s = k == 0 ? f->estate : f->duties;

		scan_lines(f->ctx, s, f->rs, &shared);
		scan_lines(f->ctx, s, NULL, &own);
		assert_true(shared.n > 0);
		assert_same(&shared, &own);
		lines_free(&shared);
		lines_free(&own);
	}
	ov_ctx_set_now(f->ctx, 0);
}

struct worker {
	const struct fix	*f;
	struct lines		 out;
	int			 error;
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	ov_rule_eval *ev = NULL;
	ov_ctx *ctx = NULL;

	if ((w->error = ov_ctx_new(&ctx)) == 0 &&
	    (w->error = ov_rule_eval_new(&ev, w->f->rs, ctx)) == 0)
		w->error = ov_rule_eval_snapshot(ev, w->f->estate, 0, collect,
		    &w->out);
	ov_rule_eval_free(ev);
	ov_ctx_free(ctx);
	return NULL;
}

/* Two threads share the set (and the indexed snapshot). */
static void
test_two_threads(void **state)
{
	struct fix *f = *state;
	struct worker w[2];
	pthread_t t[2];
	int i;

	memset(w, 0, sizeof(w));
	for (i = 0; i < 2; i++) {
		w[i].f = f;
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(w[0].error, 0);
	assert_int_equal(w[1].error, 0);
	assert_true(w[0].out.n > 100);
	assert_same(&w[0].out, &w[1].out);
	lines_free(&w[0].out);
	lines_free(&w[1].out);
}

/* The snapshot's collection time rules the run, then the caller's clock. */
static void
test_clock(void **state)
{
	struct fix *f = *state;
	ov_scan_options so = OV_SCAN_OPTIONS_INIT;
	ov_scan_result *r = NULL;
	int64_t collected, fixed;

	assert_int_equal(ov_parse_time("2026-10-31T12:00:00Z", &fixed), 0);
	so.data_dir = ov_test_srcdir();
	so.ruleset = f->rs;
	so.no_analyzers = true;
	/* The estate's manifest: collectedAt 2026-11-01T06:00:00Z. */
	assert_int_equal(ov_parse_time("2026-11-01T06:00:00Z", &collected), 0);
	ov_ctx_set_now(f->ctx, 0);
	assert_int_equal(ov_scan_run(&r, f->ctx, f->estate, &so), 0);
	assert_int_equal(ov_scan_now(r), collected);
	ov_scan_result_free(r);
	/* Back to the system clock: not left at the snapshot's time. */
	assert_true(ov_ctx_now(f->ctx) != collected);
	/* A fixed clock wins, and stays. */
	ov_ctx_set_now(f->ctx, fixed);
	assert_int_equal(ov_scan_run(&r, f->ctx, f->estate, &so), 0);
	assert_int_equal(ov_scan_now(r), fixed);
	ov_scan_result_free(r);
	assert_int_equal(ov_ctx_now(f->ctx), fixed);
	ov_ctx_set_now(f->ctx, 0);
}

/* A set bound to one snapshot's assignments refuses another snapshot. */
static void
test_bound(void **state)
{
	struct fix *f = *state;
	ov_ruleset_options ro = OV_RULESET_OPTIONS_INIT;
	ov_scan_options so = OV_SCAN_OPTIONS_INIT;
	ov_scan_result *r = NULL;
	ov_ruleset *bound = NULL;
	ov_rule_eval *ev = NULL;
	struct lines l = { 0 };
	ov_snapshot *raw = NULL;
	const char *one = "{\"id\":\"/subscriptions/s/resourceGroups/g/"
	    "providers/Microsoft.Storage/storageAccounts/a\",\"name\":\"a\","
	    "\"type\":\"Microsoft.Storage/storageAccounts\",\"location\":"
	    "\"uksouth\",\"properties\":{\"minimumTlsVersion\":\"TLS1_0\"}}";
	size_t i;

	ro.data_dir = ov_test_srcdir();
	ro.snapshot = f->estate;
	assert_int_equal(ov_ruleset_new(&bound, f->ctx, &ro), 0);
	assert_ptr_equal(ov_ruleset_snapshot(bound), f->estate);
	assert_ptr_equal(ov_ruleset_snapshot(f->rs), NULL);
	assert_int_equal(ov_rule_eval_new(&ev, bound, f->ctx), 0);
	assert_int_equal(ov_rule_eval_snapshot(ev, f->duties, 0, collect,
	    &l), OV_EINVALID);
	ov_rule_eval_free(ev);
	/* --assigned with an unbound set is refused, not half done. */
	so.data_dir = ov_test_srcdir();
	so.ruleset = f->rs;
	so.assigned = true;
	assert_int_equal(ov_scan_run(&r, f->ctx, f->estate, &so),
	    OV_EINVALID);
	assert_null(r);
	ov_ruleset_free(bound);
	/* One storage account alone meets the storage rules. */
	assert_int_equal(ov_snapshot_new(&raw, f->ctx), 0);
	assert_int_equal(ov_snapshot_load_buffer(raw, "one.json", one,
	    strlen(one), 0), 0);
	assert_int_equal(ov_snapshot_index(raw), 0);
	assert_int_equal(ov_rule_eval_new(&ev, f->rs, f->ctx), 0);
	assert_int_equal(ov_rule_eval_record(ev, raw, 0, 0, collect, &l), 0);
	assert_true(l.n > 5);
	for (i = 0; i < l.n; i++)
		assert_non_null(strstr(l.v[i], "/storageAccounts/a|"));
	ov_rule_eval_free(ev);
	ov_snapshot_free(raw);
	lines_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_by_record),
		cmocka_unit_test(test_compile_once),
		cmocka_unit_test(test_two_threads),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_bound),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
