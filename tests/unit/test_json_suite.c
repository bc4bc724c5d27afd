/* SPDX-License-Identifier: MIT */
/*
 * JSONTestSuite (corpus json-test-suite/): in strict mode every y_ case
 * parses, every n_ case is rejected with a position inside the input, and
 * every i_ case is handled either way (the outcome is printed).  Each file
 * also goes through lenient and prefix mode, and every accepted value
 * survives write -> parse unchanged.  The test_transform files go through
 * parse and every writer mode.  Skipped when the corpus is absent.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/json.h"

struct tally {
	unsigned	 y_ok, y_bad;		/* y_ accepted / rejected */
	unsigned	 n_ok, n_bad;		/* n_ rejected / accepted */
	unsigned	 i_acc, i_rej;		/* i_ accepted / rejected */
	unsigned	 transform;		/* transform files handled */
};

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular file names in dir, sorted; NULL-terminated. */
static char **
list_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (d == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n + 2 > cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names)); /* checksrc: allow */
			assert_non_null(names);
		}
		names[n] = strdup(de->d_name);	/* checksrc: allow */
		assert_non_null(names[n]);
		n++;
	}
	closedir(d);
	if (names == NULL)
		return NULL;
	names[n] = NULL;
	qsort(names, n, sizeof(*names), name_cmp);
	return names;
}

static void
free_list(char **names)
{
	size_t i;

	for (i = 0; names != NULL && names[i] != NULL; i++)
		free(names[i]);	/* checksrc: allow */
	free(names);	/* checksrc: allow */
}

/* Every writer mode reproduces root: parse(write(root)) equals root. */
static void
check_write(const char *name, const ov_json *root)
{
	unsigned wflags;

	for (wflags = 0; wflags < 8; wflags++) {
		char *s = ov_json_to_string(root, wflags);
		ov_json_doc *again = NULL;
		ov_json_error err;

		assert_non_null(s);
		if (ov_json_parse(&again, NULL, s, strlen(s), 0, &err) != 0)
			fail_msg("%s: output of writer mode %u does not parse "
			    "(%s): %s", name, wflags, err.message, s);
		if (!ov_json_equal(root, ov_json_doc_root(again)))
			fail_msg("%s: writer mode %u changed the value: %s",
			    name, wflags, s);
		ov_json_doc_free(again);
		ov_free(s);
	}
}

/* Lenient and prefix modes must not crash; prefix stops inside input. */
static void
other_modes(const char *name, const char *data, size_t len)
{
	ov_json_parser *p;
	const ov_json *root;
	ov_json_doc *doc = NULL;
	ov_json_error err;
	size_t end = (size_t)-1;

	if (ov_json_parse(&doc, NULL, data, len, OV_JSON_LENIENT, &err) == 0)
		ov_json_doc_free(doc);
	else
		assert_true(err.offset <= len);
	assert_int_equal(ov_json_parser_new(&p, NULL, OV_JSON_PREFIX |
	    OV_JSON_LENIENT), 0);
	if (ov_json_parser_parse(p, data, len, &root, &end, &err) == 0) {
		if (end > len)
			fail_msg("%s: prefix end %zu past %zu", name, end, len);
	} else {
		assert_true(err.offset <= len);
	}
	ov_json_parser_free(p);
}

static void
run_parsing(const char *dir, struct tally *t)
{
	char **names = list_dir(dir);
	size_t i;

	if (names == NULL) {
		fail_msg("cannot list %s", dir);
		return;
	}
	for (i = 0; names[i] != NULL; i++) {
		const char *name = names[i];
		ov_json_doc *doc = NULL;
		ov_json_error err;
		size_t len;
		char *data;
		int rc;

		if (strlen(name) < 5 || strcmp(name + strlen(name) - 5,
		    ".json") != 0)
			continue;
		data = ov_test_read(ov_test_path(dir, name), &len);
		assert_non_null(data);
		memset(&err, 0, sizeof(err));
		rc = ov_json_parse(&doc, NULL, data, len, OV_JSON_STRICT, &err);
		if (rc == 0)
			check_write(name, ov_json_doc_root(doc));
		else if (err.offset > len || err.line == 0 || err.column == 0 ||
		    err.message[0] == '\0')
			fail_msg("%s: bad error position %llu (%u:%u) \"%s\"",
			    name, (unsigned long long)err.offset, err.line,
			    err.column, err.message);
		switch (name[0]) {
		case 'y':
			if (rc == 0) {
				t->y_ok++;
			} else {
				t->y_bad++;
				printf("FAIL %s rejected: %u:%u %s\n", name,
				    err.line, err.column, err.message);
			}
			break;
		case 'n':
			if (rc != 0) {
				t->n_ok++;
			} else {
				t->n_bad++;
				printf("FAIL %s accepted\n", name);
			}
			break;
		default:
			if (rc == 0) {
				t->i_acc++;
				printf("i: %-50s accepted\n", name);
			} else {
				t->i_rej++;
				printf("i: %-50s rejected (%s)\n", name,
				    err.message);
			}
			break;
		}
		ov_json_doc_free(doc);
		other_modes(name, data, len);
		free(data);	/* checksrc: allow */
	}
	free_list(names);
}

static void
run_transform(const char *dir, struct tally *t)
{
	char **names = list_dir(dir);
	size_t i;

	if (names == NULL) {
		fail_msg("cannot list %s", dir);
		return;
	}
	for (i = 0; names[i] != NULL; i++) {
		ov_json_doc *doc = NULL;
		size_t len;
		char *data;

		data = ov_test_read(ov_test_path(dir, names[i]), &len);
		assert_non_null(data);
		if (ov_json_parse(&doc, NULL, data, len, 0, NULL) == 0) {
			check_write(names[i], ov_json_doc_root(doc));
			ov_json_doc_free(doc);
		}
		other_modes(names[i], data, len);
		t->transform++;
		free(data);	/* checksrc: allow */
	}
	free_list(names);
}

static const char *suite_dir;

static void
test_suite(void **state)
{
	struct tally t;
	char parsing[4096], transform[4096];

	(void)state;
	memset(&t, 0, sizeof(t));
	snprintf(parsing, sizeof(parsing), "%s/test_parsing", suite_dir);
	snprintf(transform, sizeof(transform), "%s/test_transform", suite_dir);
	run_parsing(parsing, &t);
	run_transform(transform, &t);
	printf("JSONTestSuite: y_ %u accepted, %u rejected; n_ %u rejected, "
	    "%u accepted; i_ %u accepted, %u rejected; transform %u files\n",
	    t.y_ok, t.y_bad, t.n_ok, t.n_bad, t.i_acc, t.i_rej, t.transform);
	assert_int_equal(t.y_bad, 0);
	assert_int_equal(t.n_bad, 0);
	/* The suite has 95 y_ and 188 n_ cases; a partial copy is an error. */
	assert_true(t.y_ok >= 95);
	assert_true(t.n_ok >= 188);
	assert_true(t.transform > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suite),
	};
	const char *corpus = ov_test_corpus();
	static char dir[4096];

	if (corpus == NULL)
		return OV_TEST_SKIP;
	snprintf(dir, sizeof(dir), "%s/json-test-suite", corpus);
	suite_dir = dir;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
