/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the template tests (test_iac, test_iac_corpus): a readable,
 * deterministic dump of what a snapshot expanded a template into (every
 * file with its format, errors and notes; every record with its id, type,
 * position, the condition it exists under and its body, unknown values
 * written {"$unknown": "<expression>"}), and golden files under
 * tests/golden/iac/ (OV_UPDATE_GOLDEN=1 rewrites them).
 */
#ifndef OV_IAC_FIXTURE_H
#define OV_IAC_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/iac.h"
#include "overvisor/snapshot.h"
#include "lib/model/model.h"
#include "testutil.h"
#include "util/buf.h"

static int
iac_sink(const char *data, size_t len, void *payload)
{
	return ov__buf_add(payload, data, len);
}

/* JSON of v, unknown values marked. */
static void
iac_json(struct ov_buf *b, const ov_json *v)
{
	size_t i;

	if (v->flags & OV_JSON_F_UNKNOWN) {
		ov__buf_puts(b, "{\"$unknown\":");
		ov_json_write_string(v->u.str, v->len, 0, iac_sink, b);
		ov__buf_putc(b, '}');
		return;
	}
	switch (v->type) {
	case OV_JSON_ARRAY:
		ov__buf_putc(b, '[');
		for (i = 0; i < v->len; i++) {
			if (i > 0)
				ov__buf_putc(b, ',');
			iac_json(b, &v->u.items[i]);
		}
		ov__buf_putc(b, ']');
		break;
	case OV_JSON_OBJECT:
		ov__buf_putc(b, '{');
		for (i = 0; i < v->len; i++) {
			if (i > 0)
				ov__buf_putc(b, ',');
			ov_json_write_string(v->u.members[i].key,
			    v->u.members[i].klen, 0, iac_sink, b);
			ov__buf_putc(b, ':');
			iac_json(b, &v->u.members[i].value);
		}
		ov__buf_putc(b, '}');
		break;
	default:
		ov_json_write(v, 0, iac_sink, b);
		break;
	}
}

/* path without the prefix root (and its slash). */
static const char *
iac_rel(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (path != NULL && strncmp(path, root, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path != NULL ? path : "(none)";
}

/* A message with every "root/" taken out. */
static void
iac_msg(struct ov_buf *b, const char *msg, const char *root)
{
	size_t n = strlen(root);
	const char *p;

	while ((p = strstr(msg, root)) != NULL && p[n] == '/') {
		ov__buf_add(b, msg, (size_t)(p - msg));
		msg = p + n + 1;
	}
	ov__buf_puts(b, msg);
	ov__buf_putc(b, '\n');
}

/* Dump a snapshot; paths are written relative to root. */
static void
iac_dump(const ov_snapshot *s, const char *root, struct ov_buf *b)
{
	ov_file_info fi;
	ov_diag_info d;
	size_t i, j;

	for (i = 0; ov_snapshot_file(s, i, &fi) == 0; i++) {
		ov__buf_printf(b, "file %s: %s, %zu records\n",
		    iac_rel(fi.path, root), fi.format, fi.records);
		for (j = 0; ov_snapshot_file_diag(s, i, j, &d) == 0; j++) {
			ov__buf_printf(b, "  error %u:%u: ", d.line, d.column);
			iac_msg(b, d.message, root);
		}
		for (j = 0; ov_snapshot_file_note(s, i, j, &d) == 0; j++) {
			ov__buf_printf(b, "  note %u:%u: ", d.line, d.column);
			iac_msg(b, d.message, root);
		}
	}
	for (i = 0; i < s->n_records; i++) {
		const struct ov_record *r = s->records[i];

		ov__buf_printf(b, "record %s\n  type %s at %s:%u:%u\n", r->id,
		    r->type, iac_rel(s->files[r->file].path, root), r->line,
		    r->column);
		if (r->place->iac != NULL &&
		    r->place->iac->exists_if != NULL)
			ov__buf_printf(b, "  exists if %s\n",
			    r->place->iac->exists_if);
		ov__buf_puts(b, "  body ");
		iac_json(b, r->body);
		ov__buf_putc(b, '\n');
	}
}

/* Compare text with tests/golden/iac/<name>, or rewrite it. */
static void
iac_check_golden(const char *name, const char *text, size_t len)
{
	const char *update = getenv("OV_UPDATE_GOLDEN");
	char path[4096], *want;
	size_t wlen, i, line = 1;

	snprintf(path, sizeof(path), "%s/tests/golden/iac/%s",
	    ov_test_srcdir(), name);
	if (update != NULL && strcmp(update, "1") == 0) {
		FILE *f = fopen(path, "wb");

		assert_non_null(f);
		assert_int_equal(fwrite(text, 1, len, f), len);
		assert_int_equal(fclose(f), 0);
	}
	if ((want = ov_test_read(path, &wlen)) == NULL)
		fail_msg("missing golden %s (run with OV_UPDATE_GOLDEN=1)",
		    path);
	for (i = 0; i < len && i < wlen && text[i] == want[i]; i++)
		line += text[i] == '\n';
	free(want);
	if (i != len || i != wlen)
		fail_msg("%s differs from the golden at line %zu", name, line);
}

/* Load paths (under root) into a new snapshot with opts (may be NULL). */
static ov_snapshot *
iac_load(ov_ctx *ctx, const char *root, const char *const *paths, size_t n,
    const ov_iac_options *opts)
{
	static const ov_iac_options defaults = OV_IAC_OPTIONS_INIT;
	ov_snapshot *s = NULL;
	size_t i;

	assert_int_equal(ov_snapshot_new(&s, ctx), 0);
	assert_int_equal(ov_snapshot_set_iac(s, opts != NULL ? opts :
	    &defaults), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(ov_snapshot_load(s, ov_test_path(root,
		    paths[i]), 0), 0);
	return s;
}

#endif
