/* SPDX-License-Identifier: MIT */
/*
 * The quickstart templates of the corpus: every one loads and expands
 * without an engine error (a linked template the corpus did not copy is
 * the only error allowed: the deployment would need the file too), and a
 * representative set matches its golden expansion under
 * tests/golden/iac/corpus-*.golden (OV_UPDATE_GOLDEN=1 rewrites them):
 * copy loops, conditions, nested templates, copy variables, languageVersion
 * 2.0 and compiled Bicep with its source.  Skipped without the corpus.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "overvisor/common.h"
#include "overvisor/iac.h"
#include "overvisor/snapshot.h"
#include "iac_fixture.h"
#include "testutil.h"
#include "util/buf.h"

#define CORPUS_TEMPLATES 407

static char g_root[4096];

struct walk {
	ov_ctx		*ctx;		/* shared context */
	size_t		 templates;	/* azuredeploy.json files */
	size_t		 records;	/* records expanded */
	size_t		 linked;	/* missing linked templates */
	size_t		 bad;		/* engine errors */
};

/* Load one template folder and check its diagnostics. */
static void
one(struct walk *w, const char *dir)
{
	static const ov_iac_options defaults = OV_IAC_OPTIONS_INIT;
	ov_snapshot *s = NULL;
	ov_diag_info d;
	ov_file_info fi;
	size_t i, j;

	assert_int_equal(ov_snapshot_new(&s, w->ctx), 0);
	assert_int_equal(ov_snapshot_set_iac(s, &defaults), 0);
	assert_int_equal(ov_snapshot_load(s, ov_test_path(dir,
	    "azuredeploy.json"), 0), 0);
	w->templates++;
	w->records += ov_snapshot_count(s);
	for (i = 0; ov_snapshot_file(s, i, &fi) == 0; i++)
		for (j = 0; ov_snapshot_file_diag(s, i, j, &d) == 0; j++) {
			if (strstr(d.message, "linked template") != NULL &&
			    strstr(d.message, "not found") != NULL) {
				w->linked++;
				continue;
			}
			print_error("%s:%u:%u: %s\n", iac_rel(fi.path, g_root),
			    d.line, d.column, d.message);
			w->bad++;
		}
	ov_snapshot_free(s);
}

static void
walk(struct walk *w, const char *dir, int depth)
{
	struct dirent *de;
	struct stat st;
	char path[4096];
	DIR *d;

	if (depth > 8 || (d = opendir(dir)) == NULL)
		return;
	snprintf(path, sizeof(path), "%s/azuredeploy.json", dir);
	if (stat(path, &st) == 0)
		one(w, dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			walk(w, path, depth + 1);
	}
	closedir(d);
}

static void
test_every_template(void **state)
{
	struct walk w;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(ov_ctx_new(&w.ctx), 0);
	walk(&w, g_root, 0);
	ov_ctx_free(w.ctx);
	print_message("%zu templates, %zu records, %zu linked templates the "
	    "corpus lacks, %zu engine errors\n", w.templates, w.records,
	    w.linked, w.bad);
	assert_int_equal(w.templates, CORPUS_TEMPLATES);
	assert_int_equal(w.bad, 0);
	/* Expansion finds the resources: far more records than templates. */
	assert_true(w.records > 4 * w.templates);
}

static void
golden_of(const char *golden, const char *dir)
{
	struct ov_buf b = OV_BUF_INIT(OV_BUF_MAX_DEFAULT);
	ov_ctx *ctx = NULL;
	const char *paths[1];
	ov_snapshot *s;

	paths[0] = dir;
	assert_int_equal(ov_ctx_new(&ctx), 0);
	ov_ctx_set_now(ctx, 1768435200);
	s = iac_load(ctx, g_root, paths, 1, NULL);
	iac_dump(s, g_root, &b);
	iac_check_golden(golden, ov__buf_cstr(&b), b.len);
	ov__buf_free(&b);
	ov_snapshot_free(s);
	ov_ctx_free(ctx);
}

#define GOLDEN(fn, golden, dir) \
static void \
fn(void **state) \
{ \
	(void)state; \
	golden_of(golden, dir); \
}

GOLDEN(test_copy_loops, "corpus-copy.golden",
    "quickstarts/microsoft.storage/storage-multi-blob-container")
GOLDEN(test_property_copy, "corpus-property-copy.golden",
    "quickstarts/microsoft.documentdb/cosmosdb-sql-multiple-containers")
GOLDEN(test_conditions, "corpus-condition.golden",
    "quickstarts/microsoft.sql/sql-logical-server")
GOLDEN(test_nested, "corpus-nested.golden",
    "quickstarts/microsoft.network/nsg-flow-logs-with-traffic-analytics")
GOLDEN(test_copy_variable, "corpus-copy-variable.golden",
    "quickstarts/microsoft.network/azurefirewall-forced-tunneling")
GOLDEN(test_v2, "corpus-v2.golden",
    "quickstarts/microsoft.network/virtual-wan-routing-intent")
GOLDEN(test_bicep, "corpus-bicep.golden",
    "quickstarts/microsoft.storage/storage-account-create")

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_template),
		cmocka_unit_test(test_copy_loops),
		cmocka_unit_test(test_property_copy),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_copy_variable),
		cmocka_unit_test(test_v2),
		cmocka_unit_test(test_bicep),
	};
	const char *corpus = ov_test_corpus();

	if (corpus == NULL)
		return OV_TEST_SKIP;
	snprintf(g_root, sizeof(g_root), "%s/quickstart-templates", corpus);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
