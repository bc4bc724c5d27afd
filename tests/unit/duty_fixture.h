/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the duty analyzer tests: load small NDJSON fixtures (files in
 * tests/fixtures/duties/ or inline text), run one analyzer with a fixed
 * clock and an optional contract, and count the findings of a rule.
 */
#ifndef OV_TEST_DUTY_FIXTURE_H
#define OV_TEST_DUTY_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "overvisor/contract.h"
#include "overvisor/finding.h"
#include "overvisor/snapshot.h"
#include "lib/analyzers/analyzer.h"
#include "lib/model/model.h"
#include "lib/raci/contract.h"

/* The analysis clock of every fixture: 2026-11-01T06:00:00Z. */
#define FX_NOW_ISO	"2026-11-01T06:00:00Z"

struct fx {
	ov_ctx		*ctx;
	ov_snapshot	*snap;
	struct ov_contract *contract;
	ov_findings	*out;
	int64_t		 now;
};

static inline void
fx_open(struct fx *fx)
{
	memset(fx, 0, sizeof(*fx));
	assert_int_equal(ov_ctx_new(&fx->ctx), 0);
	assert_int_equal(ov_snapshot_new(&fx->snap, fx->ctx), 0);
	assert_int_equal(ov_findings_new(&fx->out), 0);
	assert_int_equal(ov_parse_time(FX_NOW_ISO, &fx->now), 0);
}

/* Add NDJSON text as if read from a file called name. */
static inline void
fx_text(struct fx *fx, const char *name, const char *ndjson)
{
	assert_int_equal(ov_snapshot_load_buffer(fx->snap, name, ndjson,
	    strlen(ndjson), 0), 0);
	assert_int_equal(ov_snapshot_n_errors(fx->snap), 0);
}

/* Add tests/fixtures/duties/<file>. */
static inline void
fx_file(struct fx *fx, const char *file)
{
	char path[4096];
	size_t len;
	char *data;

	snprintf(path, sizeof(path), "%s/tests/fixtures/duties/%s",
	    ov_test_srcdir(), file);
	data = ov_test_read(path, &len);
	if (data == NULL)
		fail_msg("cannot read %s", path);
	assert_int_equal(ov_snapshot_load_buffer(fx->snap, file, data, len,
	    0), 0);
	free(data);
	if (ov_snapshot_n_errors(fx->snap) != 0)
		fail_msg("%s has errors", path);
}

static inline void
fx_contract(struct fx *fx, const char *yaml)
{
	if (ov_contract__load_buffer(&fx->contract, fx->ctx, "fixture.yaml",
	    yaml, strlen(yaml)) != 0)
		fail_msg("contract: %s", ov_error_last(fx->ctx)->message);
}

/* Run analyzer name over the snapshot; returns its result code. */
static inline int
fx_run(struct fx *fx, const char *name)
{
	const struct ov_analyzer *a = ov_analyzer__find(name);
	struct ov_analyzer_ctx actx;

	assert_non_null(a);
	assert_int_equal(ov_model__index(fx->snap), 0);
	memset(&actx, 0, sizeof(actx));
	actx.ctx = fx->ctx;
	actx.snap = fx->snap;
	actx.contract = fx->contract;
	actx.zone_tag = "env";
	actx.out = fx->out;
	actx.now = fx->now;
	return a->run(&actx);
}

/*
 * Does id name res: res is a suffix of id, or is followed by a slash in it
 * (so "/vm-a" matches "./vm-a" and "./vm-a/x" but not "./vm-ab").
 */
static inline bool
fx_match(const char *id, const char *res)
{
	size_t n = strlen(res), m;
	const char *p;

	if (id == NULL)
		return false;
	m = strlen(id);
	if (m >= n && strcmp(id + m - n, res) == 0)
		return true;
	for (p = strstr(id, res); p != NULL; p = strstr(p + 1, res))
		if (p[n] == '/')
			return true;
	return false;
}

/* Findings of rule whose resource id contains res (NULL: any). */
static inline size_t
fx_count(const struct fx *fx, const char *rule, const char *res)
{
	size_t i, n = 0;

	for (i = 0; i < ov_findings_count(fx->out); i++) {
		const ov_finding *f = ov_findings_get(fx->out, i);

		if (rule != NULL && strcmp(f->rule, rule) != 0)
			continue;
		if (res != NULL && !fx_match(f->resource_id, res))
			continue;
		n++;
	}
	return n;
}

/* The one finding of rule about res; fails when there is not exactly one. */
static inline const ov_finding *
fx_get(const struct fx *fx, const char *rule, const char *res)
{
	size_t i;

	if (fx_count(fx, rule, res) != 1) {
		for (i = 0; i < ov_findings_count(fx->out); i++)
			fprintf(stderr, "  have %s %s\n",
			    ov_findings_get(fx->out, i)->rule,
			    ov_findings_get(fx->out, i)->resource_id);
		fail_msg("expected one %s on %s, found %zu", rule,
		    res != NULL ? res : "*", fx_count(fx, rule, res));
	}
	for (i = 0; i < ov_findings_count(fx->out); i++) {
		const ov_finding *f = ov_findings_get(fx->out, i);

		if (strcmp(f->rule, rule) == 0 && (res == NULL ||
		    fx_match(f->resource_id, res)))
			return f;
	}
	abort();	/* the count above said there is one */
}

/* Every finding has a duty, an owner and, when open, a due date. */
static inline void
fx_check_common(const struct fx *fx)
{
	size_t i;

	for (i = 0; i < ov_findings_count(fx->out); i++) {
		const ov_finding *f = ov_findings_get(fx->out, i);

		assert_non_null(f->duty);
		assert_non_null(f->title);
		assert_non_null(f->resource_id);
		assert_true(f->owner == OV_OWNER_CUSTOMER ||
		    f->owner == OV_OWNER_SHARED);
		if (f->state == OV_STATE_NON_COMPLIANT &&
		    f->severity > OV_SEV_INFO)
			assert_true(f->due != 0);
	}
}

static inline void
fx_close(struct fx *fx)
{
	ov_findings_free(fx->out);
	ov_contract_free(fx->contract);
	ov_snapshot_free(fx->snap);
	ov_ctx_free(fx->ctx);
}

#endif
