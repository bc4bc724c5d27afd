/* SPDX-License-Identifier: MIT */
/*
 * Every response body in the corpus's ARM, Resource Graph and Microsoft
 * Graph examples loads into records.  The API examples wrap bodies in
 * responses.<code>.body and the recordings in response.body, so this test
 * unwraps them and loads each body as its own input.  Error bodies must be
 * reported as errors, never as an empty (clean) source.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

#include "overvisor/json.h"
#include "overvisor/snapshot.h"

static size_t n_bodies, n_records, n_error_bodies;

static int
sink(const char *d, size_t n, void *payload)
{
	char **p = payload;
	size_t old = *p != NULL ? strlen(*p) : 0;
	char *grown = realloc(*p, old + n + 1);	/* checksrc: allow */

	assert_non_null(grown);
	memcpy(grown + old, d, n);
	grown[old + n] = '\0';
	*p = grown;
	return 0;
}

static size_t
expected_items(const ov_json *body)
{
	const ov_json *v;

	if (ov_json_type_of(body) == OV_JSON_ARRAY)
		return ov_json_len(body);
	if ((v = ov_json_get(body, "value")) != NULL &&
	    ov_json_type_of(v) == OV_JSON_ARRAY)
		return ov_json_len(v);
	if ((v = ov_json_get(body, "data")) != NULL &&
	    ov_json_type_of(v) == OV_JSON_ARRAY)
		return ov_json_len(v);
	return 1;
}

static void
load_body(ov_ctx *ctx, const char *file, const char *where,
    const ov_json *body)
{
	ov_snapshot *s = NULL;
	ov_diag_info d;
	char *text = NULL, name[1024];
	bool is_error;
	size_t want;

	if (ov_json_type_of(body) != OV_JSON_OBJECT &&
	    ov_json_type_of(body) != OV_JSON_ARRAY)
		return;		/* 202/204 bodies: nothing to load */
	sink("", 0, &text);
	assert_int_equal(ov_json_write(body, 0, sink, &text), 0);
	snprintf(name, sizeof(name), "%s#%s", file, where);
	assert_int_equal(ov_snapshot_new(&s, ctx), 0);
	assert_int_equal(ov_snapshot_load_buffer(s, name, text, strlen(text),
	    0), 0);
	is_error = ov_json_get(body, "error") != NULL &&
	    ov_json_len(body) == 1;
	want = expected_items(body);
	n_bodies++;
	if (is_error) {
		n_error_bodies++;
		if (ov_snapshot_n_errors(s) != 1)
			fail_msg("%s: an error body must give one error", name);
	} else {
		if (ov_snapshot_n_errors(s) != 0) {
			ov_snapshot_file_diag(s, 0, 0, &d);
			fail_msg("%s: %u:%u: %s", name, d.line, d.column,
			    d.message);
		}
		if (ov_snapshot_count(s) != want)
			fail_msg("%s: %zu records, expected %zu", name,
			    ov_snapshot_count(s), want);
		n_records += ov_snapshot_count(s);
	}
	ov_snapshot_free(s);
	free(text);	/* checksrc: allow */
}

static void
load_file(ov_ctx *ctx, const char *path)
{
	ov_json_doc *doc = NULL;
	const ov_json *root, *responses, *resp;
	const ov_json_member *m;
	char where[64];
	size_t len, i;
	char *data = ov_test_read(path, &len);

	assert_non_null(data);
	if (ov_json_parse(&doc, ctx, data, len, OV_JSON_STRICT, NULL) != 0)
		fail_msg("%s: does not parse", path);
	root = ov_json_doc_root(doc);
	if ((responses = ov_json_get(root, "responses")) != NULL) {
		for (i = 0; i < ov_json_len(responses); i++) {
			m = ov_json_member_at(responses, i);
			snprintf(where, sizeof(where), "/responses/%s/body",
			    m->key);
			load_body(ctx, path, where, ov_json_get(&m->value,
			    "body"));
		}
	} else if ((resp = ov_json_get(root, "response")) != NULL) {
		load_body(ctx, path, "/response/body", ov_json_get(resp,
		    "body"));
	} else {
		load_body(ctx, path, "", root);
	}
	ov_json_doc_free(doc);
	free(data);	/* checksrc: allow */
}

static void
walk(ov_ctx *ctx, const char *dir)
{
	struct dirent *de;
	struct stat st;
	char path[4096];
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(ctx, path);
		else if (strlen(de->d_name) > 5 && strcmp(de->d_name +
		    strlen(de->d_name) - 5, ".json") == 0)
			load_file(ctx, path);
	}
	closedir(d);
}

static void
test_corpus_examples(void **state)
{
	const char *corpus = *state;
	static const char *const dirs[] = { "arm-examples", "arg-examples",
	    "graph-examples" };
	char path[4096];
	ov_ctx *ctx = NULL;
	size_t i;

	assert_int_equal(ov_ctx_new(&ctx), 0);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", corpus, dirs[i]);
		walk(ctx, path);
	}
	printf("loaded %zu bodies (%zu error bodies), %zu records\n",
	    n_bodies, n_error_bodies, n_records);
	assert_true(n_bodies > 150);
	assert_true(n_records > n_bodies);
	ov_ctx_free(ctx);
}

int
main(void)
{
	const char *corpus = ov_test_corpus();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(test_corpus_examples,
		    (void *)(uintptr_t)corpus),
	};

	if (corpus == NULL)
		return OV_TEST_SKIP;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
