/* SPDX-License-Identifier: MIT */
/*
 * Facts behind the rule pack: every field a rule reads resolves to a real
 * Azure Policy alias (from the corpus alias table) or a top-level field,
 * and the rules' control lists agree with the framework catalogues that
 * tools/gen_frameworks.c derives from Microsoft's initiatives.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "overvisor/json.h"
#include "overvisor/rules.h"
#include "testutil.h"

static ov_ctx *ctx;
static ov_rulepack *pack;

static int
setup(void **state)
{
	char dir[4096];

	(void)state;
	if (ov_ctx_new(&ctx) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/rules", ov_test_srcdir());
	return ov_rulepack_load(&pack, ctx, dir);
}

static int
teardown(void **state)
{
	(void)state;
	ov_rulepack_free(pack);
	ov_ctx_free(ctx);
	return 0;
}

/* Sorted, lower-cased alias names. */
static char **names;
static size_t n_names;

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

static char *
lower_dup(const char *s)
{
	char *d = strdup(s), *p;

	for (p = d; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

static void
free_aliases(void)
{
	size_t i;

	for (i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	names = NULL;
	n_names = 0;
}

static void
load_aliases(const char *path)
{
	ov_json_doc *doc = NULL;
	const ov_json *root;
	size_t len, i, j, k, cap = 0;
	char *data;

	data = ov_test_read(path, &len);
	assert_non_null(data);
	assert_int_equal(ov_json_parse(&doc, NULL, data, len, 0, NULL), 0);
	root = ov_json_doc_root(doc);
	for (i = 0; i < ov_json_len(root); i++) {
		const ov_json *rts = ov_json_get(ov_json_at(root, i),
		    "resourceTypes");

		for (j = 0; j < ov_json_len(rts); j++) {
			const ov_json *al = ov_json_get(ov_json_at(rts, j),
			    "aliases");

			for (k = 0; k < ov_json_len(al); k++) {
				const char *nm = ov_json_string(ov_json_get(
				    ov_json_at(al, k), "name"));

				if (nm == NULL)
					continue;
				if (n_names == cap) {
					cap = cap ? cap * 2 : 65536;
					names = realloc(names,
					    cap * sizeof(*names));
				}
				names[n_names++] = lower_dup(nm);
			}
		}
	}
	qsort(names, n_names, sizeof(*names), cmp_str);
	ov_json_doc_free(doc);
	free(data);
}

static bool
known_field(const char *f)
{
	static const char *const top[] = { "type", "name", "location",
	    "kind", "id", "tags", "identity.type", "fullname" };
	char *key;
	bool hit;
	size_t i;

	for (i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		if (strcasecmp(f, top[i]) == 0)
			return true;
	if (strncasecmp(f, "tags[", 5) == 0 || strncasecmp(f, "tags.", 5) == 0)
		return true;
	key = lower_dup(f);
	hit = bsearch(&key, names, n_names, sizeof(*names), cmp_str) != NULL;
	free(key);
	return hit;
}

static size_t n_fields, n_bad;

static void
walk(const ov_json *v, const char *rule)
{
	size_t i;

	if (ov_json_type_of(v) == OV_JSON_OBJECT) {
		for (i = 0; i < ov_json_len(v); i++) {
			const ov_json_member *m = ov_json_member_at(v, i);

			if (strcmp(m->key, "field") == 0 &&
			    ov_json_is_string(&m->value)) {
				n_fields++;
				if (!known_field(ov_json_string(&m->value))) {
					fprintf(stderr, "%s: unknown alias "
					    "'%s'\n", rule,
					    ov_json_string(&m->value));
					n_bad++;
				}
			}
			walk(&m->value, rule);
		}
	} else if (ov_json_type_of(v) == OV_JSON_ARRAY) {
		for (i = 0; i < ov_json_len(v); i++)
			walk(ov_json_at(v, i), rule);
	}
}

/* Walk every rule; returns the number of fields that do not resolve. */
static size_t
check_rules(void)
{
	size_t i;

	n_fields = n_bad = 0;
	for (i = 0; i < ov_rulepack_count(pack); i++) {
		const ov_rule_info *r = ov_rulepack_get(pack, i);
		ov_json_doc *doc = NULL;
		size_t len;
		char *data = ov_test_read(r->file, &len);

		assert_non_null(data);
		assert_int_equal(ov_json_parse(&doc, NULL, data, len, 0,
		    NULL), 0);
		walk(ov_json_path(ov_json_doc_root(doc),
		    "properties.policyRule"), r->id);
		ov_json_doc_free(doc);
		free(data);
	}
	assert_true(n_fields > ov_rulepack_count(pack));
	return n_bad;
}

/* Against the full alias table (Get-AzPolicyAlias) in the corpus. */
static void
test_aliases_resolve(void **state)
{
	const char *corpus = ov_test_corpus();
	char path[4096];

	(void)state;
	if (corpus == NULL)
		skip();
	snprintf(path, sizeof(path), "%s/azure-policy-aliases/aliases.json",
	    corpus);
	load_aliases(path);
	assert_true(n_names > 10000);
	/* The check itself must be able to fail. */
	assert_false(known_field("Microsoft.Storage/storageAccounts/nope"));
	assert_true(known_field("MICROSOFT.STORAGE/storageAccounts/"
	    "minimumTlsVersion"));
	assert_int_equal(check_rules(), 0);
	free_aliases();
}

/* Against the compact table the engine ships, which scans use. */
static void
test_shipped_aliases_resolve(void **state)
{
	char path[4096];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/data/aliases/aliases.json",
	    ov_test_srcdir());
	if ((f = fopen(path, "rb")) == NULL)
		skip();
	fclose(f);
	load_aliases(path);
	assert_true(n_names > 1000);
	assert_int_equal(check_rules(), 0);
	free_aliases();
}

/* Every control a rule names is in a catalogue and lists the rule back. */
static void
test_controls_agree(void **state)
{
	DIR *d;
	struct dirent *e;
	char dir[4096];
	size_t i, j, checked = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/data/frameworks", ov_test_srcdir());
	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL) {
		ov_framework *fw = NULL;
		ov_compliance *c = NULL;
		char id[256];
		size_t k;

		if (strstr(e->d_name, ".json") == NULL)
			continue;
		snprintf(id, sizeof(id), "%.*s",
		    (int)(strstr(e->d_name, ".json") - e->d_name), e->d_name);
		assert_int_equal(ov_framework_load(&fw, ctx, ov_test_srcdir(),
		    id), 0);
		assert_int_equal(ov_framework_compliance(fw, NULL, 0, &c), 0);
		for (k = 0; k < c->n_controls; k++) {
			const ov_control_result *cr = &c->controls[k];

			for (j = 0; j < cr->n_rules; j++) {
				const ov_rule_info *r = ov_rulepack_find(pack,
				    cr->rules[j]);
				bool named = false;

				/* analyzer checks: test_checks */
				if (ov_checks_find(cr->rules[j]) != NULL)
					continue;
				assert_non_null(r);
				for (i = 0; i < r->n_controls; i++)
					named |= strcmp(r->controls[i],
					    cr->id) == 0;
				if (!named)
					fprintf(stderr, "%s maps %s but the "
					    "rule does not name it\n", id,
					    r->id);
				assert_true(named);
				checked++;
			}
		}
		ov_compliance_free(c);
		ov_framework_free(fw);
	}
	closedir(d);
	assert_true(checked > 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aliases_resolve),
		cmocka_unit_test(test_shipped_aliases_resolve),
		cmocka_unit_test(test_controls_agree),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
