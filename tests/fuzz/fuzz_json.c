/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the JSON parser and writer.  Each input is parsed in
 * strict, lenient and prefix (stream) mode; every accepted value must
 * survive write -> strict parse unchanged in all writer modes, errors must
 * point inside the input, and a stream must always make progress.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Write v in every writer mode and check that it reads back equal. */
static void
round_trip(const ov_json *v)
{
	unsigned wflags;

	for (wflags = 0; wflags < 8; wflags++) {
		char *s = ov_json_to_string(v, wflags);
		ov_json_doc *again = NULL;

		if (s == NULL)
			abort();
		if (ov_json_parse(&again, NULL, s, strlen(s), 0, NULL) != 0)
			abort();
		if (!ov_json_equal(v, ov_json_doc_root(again)))
			abort();
		ov_json_doc_free(again);
		ov_free(s);
	}
}

/* Exercise the lookups on whatever the tree holds. */
static void
poke(const ov_json *v)
{
	const ov_json_member *m;
	size_t i;

	(void)ov_json_pointer(v, "/0/a~1b/~0");
	(void)ov_json_path(v, "properties.0.name");
	for (i = 0; i < ov_json_len(v) && i < 16; i++) {
		if ((m = ov_json_member_at(v, i)) != NULL) {
			if (ov_json_getn(v, m->key, m->klen) == NULL)
				abort();
			if (m->khash != ov_json_key_hash(m->key, m->klen))
				abort();
			(void)ov_json_number(&m->value);
		} else {
			int64_t x;

			(void)ov_json_int(ov_json_at(v, i), &x);
			(void)ov_json_number(ov_json_at(v, i));
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	ov_json_parser *p = NULL;
	ov_json_doc *doc = NULL;
	const ov_json *root;
	ov_json_error err;
	size_t off = 0, end;
	int rounds = 0;

	if (ov_json_parse(&doc, NULL, text, size, OV_JSON_STRICT, &err) == 0) {
		poke(ov_json_doc_root(doc));
		round_trip(ov_json_doc_root(doc));
		ov_json_doc_free(doc);
	} else if (err.offset > size || err.line == 0 || err.column == 0) {
		abort();
	}
	if (ov_json_parse(&doc, NULL, text, size, OV_JSON_LENIENT, &err) == 0) {
		round_trip(ov_json_doc_root(doc));
		ov_json_doc_free(doc);
	} else if (err.offset > size) {
		abort();
	}
	/* A stream of values, as NDJSON readers use it. */
	if (ov_json_parser_new(&p, NULL, OV_JSON_PREFIX | OV_JSON_LENIENT) != 0)
		return 0;
	while (off < size && rounds++ < 64) {
		if (ov_json_parser_parse(p, text + off, size - off, &root, &end,
		    &err) != 0)
			break;
		if (end == 0 || end > size - off)
			abort();
		poke(root);
		off += end;
	}
	ov_json_parser_free(p);
	return 0;
}
