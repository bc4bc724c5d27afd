/* SPDX-License-Identifier: MIT */
/*
 * The 152 Sigma rules of the corpus: every one compiles or is listed as
 * unsupported with its reason in tests/golden/sigma/corpus_unsupported.txt
 * (the list may only shrink), and representative rules match their
 * events in the real log shapes and not their near-miss twins
 * (tests/fixtures/sigma/corpus_cases.yaml).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/json.h"
#include "overvisor/sigma.h"

static const char *corpus_dir;

/* The corpus' sigma-azure folder, or NULL. */
static const char *
sigma_dir(void)
{
	static char path[1024];
	const char *c = ov_test_corpus();

	if (c == NULL)
		return NULL;
	snprintf(path, sizeof(path), "%s/sigma-azure", c);
	return path;
}

static void
test_every_rule_compiles_or_is_listed(void **state)
{
	ov_sigma_options so = OV_SIGMA_OPTIONS_INIT;
	ov_sigma_rules *rs = NULL;
	char path[1024], *list, *line, *save = NULL;
	size_t i, len, n_listed = 0, n_unsup = 0, k;
	bool seen[256];
	const char *entries[256];

	(void)state;
	so.data_dir = ov_test_srcdir();
	assert_int_equal(ov_sigma_rules_new(&rs, NULL, &so), 0);
	assert_int_equal(ov_sigma_rules_load(rs, corpus_dir), 0);
	assert_int_equal(ov_sigma_rules_compile(rs), 0);
	assert_int_equal(ov_sigma_rules_n_files(rs), 152);
	snprintf(path, sizeof(path), "%s/tests/golden/sigma/"
	    "corpus_unsupported.txt", ov_test_srcdir());
	list = ov_test_read(path, &len);
	assert_non_null(list);
	for (line = strtok_r(list, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (line[0] != '#' && n_listed < 256)
			entries[n_listed++] = line;
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < ov_sigma_rules_n_diags(rs); i++) {
		const ov_sigma_diag *d = ov_sigma_rules_diag(rs, i);
		const char *rel = d->file + strlen(corpus_dir) + 1;
		char want[1024];

		/* Corpus rules are valid Sigma: nothing worse than unsupported. */
		if (d->level != OV_SIGMA_DIAG_UNSUPPORTED)
			fail_msg("%s:%u: %s: %s", d->file, d->line,
			    ov_sigma_diag_level_name(d->level), d->message);
		assert_true(d->line > 0);
		n_unsup++;
		snprintf(want, sizeof(want), "%s: %s", rel, d->message);
		for (k = 0; k < n_listed; k++)
			if (strcmp(entries[k], want) == 0)
				break;
		if (k == n_listed)
			fail_msg("not in corpus_unsupported.txt: %s", want);
		seen[k] = true;
	}
	for (k = 0; k < n_listed; k++)
		if (!seen[k])
			fail_msg("now runs; drop it from corpus_unsupported.txt: "
			    "%s", entries[k]);
	/* Every file is a rule that runs or a listed one. */
	assert_int_equal(ov_sigma_rules_count(rs) + n_unsup, 152);
	assert_true(ov_sigma_rules_count(rs) >= 121);
	free(list);	/* checksrc: allow */
	ov_sigma_rules_free(rs);
}

/* Run one event through a one-rule set; true when it was detected. */
static bool
detected(ov_sigma_rules *rs, const ov_json *ev, const char *what)
{
	ov_sigma_detect_options o = OV_SIGMA_DETECT_OPTIONS_INIT;
	ov_sigma_detector *d = NULL;
	ov_findings *f = NULL;
	ov_sigma_stats st;
	char *text = ov_json_to_string(ev, 0);
	bool hit;

	assert_non_null(text);
	assert_int_equal(ov_sigma_detector_new(&d, NULL, rs, &o), 0);
	assert_int_equal(ov_sigma_detector_read_buffer(d, "case.json", text,
	    strlen(text)), 0);
	ov_sigma_detector_stats(d, &st);
	if (st.events != 1 || st.errors != 0)
		fail_msg("%s: the event was not read: %s (%s)", what, text,
		    ov_sigma_detector_n_errors(d) != 0 ?
		    ov_sigma_detector_error(d, 0) : "skipped");
	assert_int_equal(ov_findings_new(&f), 0);
	assert_int_equal(ov_sigma_detector_finish(d, f), 0);
	hit = ov_findings_count(f) == 1;
	ov_findings_free(f);
	ov_sigma_detector_free(d);
	ov_free(text);
	return hit;
}

static void
test_representative_rules(void **state)
{
	ov_json_doc *doc = NULL;
	const ov_json *cases;
	char path[1024], *text;
	size_t len, i, k, checked = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/fixtures/sigma/"
	    "corpus_cases.yaml", ov_test_srcdir());
	text = ov_test_read(path, &len);
	assert_non_null(text);
	assert_int_equal(ov_json_parse_yaml(&doc, NULL, text, len,
	    OV_YAML_STREAM, NULL), 0);
	cases = ov_json_doc_root(doc);
	assert_true(ov_json_len(cases) >= 12);
	for (i = 0; i < ov_json_len(cases); i++) {
		const ov_json *c = ov_json_at(cases, i), *m, *n;
		const char *rule = ov_json_string(ov_json_get(c, "rule"));
		ov_sigma_options so = OV_SIGMA_OPTIONS_INIT;
		ov_sigma_rules *rs = NULL;
		char rp[1024];

		snprintf(rp, sizeof(rp), "%s/%s", corpus_dir, rule);
		so.data_dir = ov_test_srcdir();
		assert_int_equal(ov_sigma_rules_new(&rs, NULL, &so), 0);
		assert_int_equal(ov_sigma_rules_load(rs, rp), 0);
		assert_int_equal(ov_sigma_rules_compile(rs), 0);
		if (ov_sigma_rules_count(rs) != 1)
			fail_msg("%s does not compile", rule);
		m = ov_json_get(c, "match");
		n = ov_json_get(c, "nomatch");
		assert_true(ov_json_len(m) > 0 && ov_json_len(n) > 0);
		for (k = 0; k < ov_json_len(m); k++, checked++)
			if (!detected(rs, ov_json_at(m, k), rule))
				fail_msg("%s: match event %zu not detected",
				    rule, k);
		for (k = 0; k < ov_json_len(n); k++, checked++)
			if (detected(rs, ov_json_at(n, k), rule))
				fail_msg("%s: near-miss event %zu detected",
				    rule, k);
		ov_sigma_rules_free(rs);
	}
	assert_true(checked >= 2 * ov_json_len(cases));
	ov_json_doc_free(doc);
	free(text);	/* checksrc: allow */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_rule_compiles_or_is_listed),
		cmocka_unit_test(test_representative_rules),
	};

	if ((corpus_dir = sigma_dir()) == NULL)
		return OV_TEST_SKIP;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
