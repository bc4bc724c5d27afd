/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the YAML loader.  Each input is loaded as one document
 * and as a stream; errors must point inside the input, every node's offset
 * must lie inside it, and every accepted tree must write out as JSON that
 * the strict JSON parser reads back equal.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "overvisor/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Check offsets, visiting at most *budget nodes (aliases share nodes). */
static void
walk(const ov_json *v, size_t size, long *budget)
{
	size_t i;

	if (--*budget < 0)
		return;
	if (v->offset > size)
		abort();
	if (ov_json_type_of(v) == OV_JSON_OBJECT) {
		for (i = 0; i < ov_json_len(v); i++) {
			const ov_json_member *m = ov_json_member_at(v, i);

			if (ov_json_getn(v, m->key, m->klen) == NULL)
				abort();
			walk(&m->value, size, budget);
		}
	} else if (ov_json_type_of(v) == OV_JSON_ARRAY) {
		for (i = 0; i < ov_json_len(v); i++)
			walk(ov_json_at(v, i), size, budget);
	}
}

/*
 * True when an object of v has two keys equal up to ASCII case: YAML keeps
 * them apart, the JSON parser merges them (ARM names are case-insensitive),
 * so the round trip may differ there and only there.
 */
static bool
has_ci_duplicate(const ov_json *v, long *budget)
{
	size_t i, j;

	if (--*budget < 0)
		return true;
	if (ov_json_type_of(v) == OV_JSON_OBJECT) {
		for (i = 0; i < ov_json_len(v); i++) {
			const ov_json_member *m = ov_json_member_at(v, i);

			for (j = 0; j < i; j++) {
				const ov_json_member *o =
				    ov_json_member_at(v, j);

				if (o->klen == m->klen &&
				    strncasecmp(o->key, m->key, m->klen) == 0)
					return true;
			}
			if (has_ci_duplicate(&m->value, budget))
				return true;
		}
	} else if (ov_json_type_of(v) == OV_JSON_ARRAY) {
		for (i = 0; i < ov_json_len(v); i++)
			if (has_ci_duplicate(ov_json_at(v, i), budget))
				return true;
	}
	return false;
}

/* The tree must be valid JSON once written. */
static void
round_trip(const ov_json *v)
{
	char *s = ov_json_to_string(v, 0);
	ov_json_doc *again = NULL;
	long budget = 100000;

	if (s == NULL)
		abort();
	if (ov_json_parse(&again, NULL, s, strlen(s), 0, NULL) != 0)
		abort();
	if (!ov_json_equal(v, ov_json_doc_root(again)) &&
	    !has_ci_duplicate(v, &budget))
		abort();
	ov_json_doc_free(again);
	ov_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned modes[] = { 0, OV_YAML_STREAM };
	ov_json_doc *doc = NULL;
	ov_json_error err;
	size_t i;
	long budget;

	for (i = 0; i < 2; i++) {
		if (ov_json_parse_yaml(&doc, NULL, (const char *)data, size,
		    modes[i], &err) != 0) {
			if (err.offset > size || err.line == 0 ||
			    err.column == 0)
				abort();
			continue;
		}
		budget = 20000;
		walk(ov_json_doc_root(doc), size, &budget);
		/* Alias-heavy trees are checked by the walk only. */
		if (budget > 0)
			round_trip(ov_json_doc_root(doc));
		ov_json_doc_free(doc);
	}
	return 0;
}
