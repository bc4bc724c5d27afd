/* SPDX-License-Identifier: MIT */
/*
 * Differential test against jansson, a Debian-packaged reference parser
 * (test-only dependency): every .json file under $OVERVISOR_CORPUS is
 * parsed by both, in strict mode, and wherever both accept it the two trees
 * must hold the same values: same types, same strings byte for byte, the
 * same numbers (integers exactly, other numbers as doubles), the same keys
 * in the same order, the same array items.
 *
 * Where exactly one parser accepts a file, the disagreement must be one of
 * the documented differences, else the test fails:
 *   - a UTF-8 byte order mark, which RFC 8259 lets a parser ignore (we do,
 *     jansson does not);
 *   - an integer outside 64 bits or a real outside double range, which
 *     jansson refuses and we keep as number text;
 *   - a NUL (U+0000) in an object key, which jansson does not support;
 *   - JSONTestSuite i_ cases, whose outcome the suite leaves open, and n_
 *     cases jansson wrongly accepts (test_json_suite checks we reject
 *     every n_ case).
 * Files only the lenient mode reads (templates with comments) are counted.
 */
#include "testutil.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "overvisor/json.h"

struct counts {
	unsigned	 files;		/* .json files seen */
	unsigned	 both;		/* accepted by both and compared */
	unsigned	 both_reject;	/* rejected by both */
	unsigned	 lenient_only;	/* of those, accepted by lenient mode */
	unsigned	 ours_only;	/* accepted by us alone (documented) */
	unsigned	 theirs_only;	/* accepted by jansson alone (i_) */
	unsigned	 dup_keys;	/* compared objects with duplicate keys */
	unsigned long long bytes;	/* bytes compared */
	unsigned	 failures;	/* mismatches */
};

static struct counts C;

/* Report a mismatch at a JSON Pointer-ish path. */
static bool
mismatch(const char *file, const char *path, const char *what)
{
	if (C.failures++ < 20)
		printf("MISMATCH %s at %s: %s\n", file, path[0] ? path : "/",
		    what);
	return false;
}

static bool compare(const char *file, char *path, size_t plen,
    const ov_json *a, json_t *b);

/* Append "/seg" to path (truncating quietly) and return the new length. */
static size_t
path_push(char *path, size_t plen, const char *seg, size_t slen)
{
	size_t room = 1024 - plen - 2;

	if (slen > room)
		slen = room;
	path[plen] = '/';
	memcpy(path + plen + 1, seg, slen);
	path[plen + 1 + slen] = '\0';
	return plen + 1 + slen;
}

/* The last member of obj named exactly like m (jansson keeps the last). */
static const ov_json_member *
last_of(const ov_json *obj, const ov_json_member *m, bool *dup)
{
	const ov_json_member *r = m;
	size_t i;

	for (i = 0; i < ov_json_len(obj); i++) {
		const ov_json_member *x = ov_json_member_at(obj, i);

		if (x != m && x->klen == m->klen &&
		    memcmp(x->key, m->key, m->klen) == 0) {
			*dup = true;
			if (x > r)
				r = x;
		}
	}
	return r;
}

static bool
compare_object(const char *file, char *path, size_t plen, const ov_json *a,
    json_t *b)
{
	const char *key;
	json_t *bv;
	size_t i, unique = 0, klen;
	bool dup = false, ok = true;
	void *it;

	/*
	 * Walk jansson's members in order alongside our first occurrences
	 * of each key; with duplicates jansson holds the last value.
	 */
	it = json_object_iter(b);
	for (i = 0; i < ov_json_len(a); i++) {
		const ov_json_member *m = ov_json_member_at(a, i), *use;
		size_t k, np;
		bool seen = false;

		for (k = 0; k < i; k++) {
			const ov_json_member *x = ov_json_member_at(a, k);

			if (x->klen == m->klen &&
			    memcmp(x->key, m->key, m->klen) == 0)
				seen = true;
		}
		if (seen)
			continue;
		unique++;
		use = last_of(a, m, &dup);
		if (it == NULL)
			return mismatch(file, path, "extra member");
		key = json_object_iter_key(it);
		klen = json_object_iter_key_len(it);
		bv = json_object_iter_value(it);
		np = path_push(path, plen, m->key, m->klen);
		if (klen != m->klen || memcmp(key, m->key, klen) != 0)
			ok = mismatch(file, path, "member key or order differs");
		else if (!compare(file, path, np, &use->value, bv))
			ok = false;
		path[plen] = '\0';
		if (!ok)
			return false;
		it = json_object_iter_next(b, it);
	}
	if (dup)
		C.dup_keys++;
	if (it != NULL || unique != json_object_size(b))
		return mismatch(file, path, "member count differs");
	return true;
}

/* Deep comparison of our value a with jansson's b. */
static bool
compare(const char *file, char *path, size_t plen, const ov_json *a,
    json_t *b)
{
	char buf[128];
	size_t i;

	switch (ov_json_type_of(a)) {
	case OV_JSON_NULL:
		return json_is_null(b) ? true :
		    mismatch(file, path, "null differs");
	case OV_JSON_TRUE:
		return json_is_true(b) ? true :
		    mismatch(file, path, "true differs");
	case OV_JSON_FALSE:
		return json_is_false(b) ? true :
		    mismatch(file, path, "false differs");
	case OV_JSON_NUMBER:
		if (json_is_integer(b)) {
			int64_t v;

			if (!ov_json_int(a, &v) || !(a->flags &
			    OV_JSON_F_INTEGER) || v != json_integer_value(b)) {
				snprintf(buf, sizeof(buf), "integer %s vs %lld",
				    a->u.str, (long long)json_integer_value(b));
				return mismatch(file, path, buf);
			}
			return true;
		}
		if (!json_is_real(b) || (a->flags & OV_JSON_F_INTEGER) ||
		    ov_json_number(a) != json_real_value(b)) {
			snprintf(buf, sizeof(buf), "number %s differs",
			    a->u.str);
			return mismatch(file, path, buf);
		}
		return true;
	case OV_JSON_STRING:
		if (!json_is_string(b) || json_string_length(b) != a->len ||
		    memcmp(json_string_value(b), a->u.str, a->len) != 0)
			return mismatch(file, path, "string differs");
		return true;
	case OV_JSON_ARRAY:
		if (!json_is_array(b) || json_array_size(b) != a->len)
			return mismatch(file, path, "array differs");
		for (i = 0; i < a->len; i++) {
			size_t np;
			int n = snprintf(buf, sizeof(buf), "%zu", i);

			np = path_push(path, plen, buf, (size_t)n);
			if (!compare(file, path, np, ov_json_at(a, i),
			    json_array_get(b, i)))
				return false;
			path[plen] = '\0';
		}
		return true;
	case OV_JSON_OBJECT:
		if (!json_is_object(b))
			return mismatch(file, path, "object differs");
		return compare_object(file, path, plen, a, b);
	}
	return mismatch(file, path, "unknown type");
}

/* The documented reasons jansson may reject what we accept. */
static bool
documented(const char *file, const char *data, size_t len,
    const json_error_t *jerr)
{
	const char *base = strrchr(file, '/');

	base = base != NULL ? base + 1 : file;
	if (strncmp(base, "i_", 2) == 0)
		return true;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		return true;
	return strstr(jerr->text, "too big") != NULL ||
	    strstr(jerr->text, "NUL byte in object key") != NULL ||
	    strstr(jerr->text, "real number overflow") != NULL;
}

static void
diff_file(const char *file)
{
	ov_json_doc *doc = NULL;
	ov_json_error err;
	json_error_t jerr;
	json_t *j;
	size_t len;
	char *data, path[1100];
	int rc;

	if ((data = ov_test_read(file, &len)) == NULL) {
		printf("MISMATCH %s: cannot read\n", file);
		C.failures++;
		return;
	}
	C.files++;
	rc = ov_json_parse(&doc, NULL, data, len, OV_JSON_STRICT, &err);
	j = json_loadb(data, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (rc == 0 && j != NULL) {
		path[0] = '\0';
		if (compare(file, path, 0, ov_json_doc_root(doc), j)) {
			C.both++;
			C.bytes += len;
		}
	} else if (rc == 0) {
		if (documented(file, data, len, &jerr)) {
			C.ours_only++;
			printf("accepted by overvisor only: %s (jansson: %s)\n",
			    file, jerr.text);
		} else {
			C.failures++;
			printf("MISMATCH %s: jansson rejects: %s at %d:%d\n",
			    file, jerr.text, jerr.line, jerr.column);
		}
	} else if (j != NULL) {
		const char *base = strrchr(file, '/');

		if (base != NULL && (strncmp(base + 1, "i_", 2) == 0 ||
		    strncmp(base + 1, "n_", 2) == 0)) {
			C.theirs_only++;
			printf("accepted by jansson only: %s (%s)\n", file,
			    err.message);
		} else {
			C.failures++;
			printf("MISMATCH %s: overvisor rejects: %s at %u:%u\n",
			    file, err.message, err.line, err.column);
		}
	} else {
		ov_json_doc *lenient = NULL;

		C.both_reject++;
		if (ov_json_parse(&lenient, NULL, data, len, OV_JSON_LENIENT,
		    NULL) == 0) {
			C.lenient_only++;
			ov_json_doc_free(lenient);
		} else if (strstr(file, "/test_parsing/") == NULL) {
			printf("rejected by both: %s (%s at %u:%u)\n", file,
			    err.message, err.line, err.column);
		}
	}
	json_decref(j);
	ov_json_doc_free(doc);
	free(data);	/* checksrc: allow */
}

/* Visit every .json file under dir, recursively; symlinks are not followed. */
static void
walk(const char *dir, int depth)
{
	DIR *d;
	struct dirent *de;
	struct stat st;
	char path[4096];

	if (depth > 32 || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    de->d_name) >= sizeof(path) || lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(path, depth + 1);
		else if (S_ISREG(st.st_mode) && n > 5 &&
		    strcmp(de->d_name + n - 5, ".json") == 0)
			diff_file(path);
	}
	closedir(d);
}

static const char *corpus_dir;

static void
test_diff(void **state)
{
	(void)state;
	memset(&C, 0, sizeof(C));
	walk(corpus_dir, 0);
	printf("differential vs jansson %s: %u .json files; %u compared equal "
	    "(%llu bytes); %u rejected by both (%u of them read in lenient "
	    "mode); %u accepted by overvisor only (documented); %u by "
	    "jansson only (suite i_/n_ cases); %u objects with duplicate keys; "
	    "%u mismatches\n", JANSSON_VERSION, C.files, C.both, C.bytes,
	    C.both_reject, C.lenient_only, C.ours_only, C.theirs_only,
	    C.dup_keys, C.failures);
	assert_int_equal(C.failures, 0);
	/* The corpus holds thousands of JSON files; most must compare. */
	assert_true(C.files > 1000);
	assert_true(C.both > C.files / 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff),
	};

	if ((corpus_dir = ov_test_corpus()) == NULL)
		return OV_TEST_SKIP;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
