/* SPDX-License-Identifier: MIT */
/*
 * Resource Graph responses in the table result format:
 * {"data": {"columns": [{"name","type"}], "rows": [[...]]}}.  Each row is
 * rewritten as an object keyed by column name and parsed, so it becomes a
 * record exactly like an objectArray row.
 */
#include <stdio.h>
#include <string.h>

#include "lib/snapshot/snapshot_int.h"
#include "util/buf.h"
#include "util/error.h"

static bool
detect(const ov_json *root)
{
	const ov_json *data = ov_json_get(root, "data");

	return ov_json_type_of(data) == OV_JSON_OBJECT &&
	    ov_json_type_of(ov_json_get(data, "columns")) == OV_JSON_ARRAY &&
	    ov_json_type_of(ov_json_get(data, "rows")) == OV_JSON_ARRAY;
}

static int
buf_sink(const char *d, size_t n, void *payload)
{
	return ov__buf_add(payload, d, n);
}

static int
load(struct load_ctx *lc, const ov_json *root)
{
	const ov_json *data = ov_json_get(root, "data");
	const ov_json *cols = ov_json_get(data, "columns");
	const ov_json *rows = ov_json_get(data, "rows");
	const ov_json *row, *name, *table;
	struct ov_buf b = OV_BUF_INIT(0);
	size_t i, j, ncols = ov_json_len(cols);
	char ptr[48];
	int error = 0;

	for (j = 0; j < ncols; j++) {
		name = ov_json_get(ov_json_at(cols, j), "name");
		if (ov_json_string(name) == NULL) {
			snprintf(ptr, sizeof(ptr), "/data/columns/%zu", j);
			return ov_snap__diag_at(lc, ov_json_at(cols, j), ptr,
			    "column has no name");
		}
	}
	/* Build one array of row objects, then parse it once. */
	if ((error = ov__buf_putc(&b, '[')) < 0)
		goto oom;
	for (i = 0; i < ov_json_len(rows); i++) {
		row = ov_json_at(rows, i);
		if (ov_json_type_of(row) != OV_JSON_ARRAY ||
		    ov_json_len(row) != ncols) {
			snprintf(ptr, sizeof(ptr), "/data/rows/%zu", i);
			if ((error = ov_snap__diag_at(lc, row, ptr,
			    "row has %zu cells, expected %zu",
			    ov_json_len(row), ncols)) < 0)
				goto done;
			continue;
		}
		if (b.len > 1 && (error = ov__buf_putc(&b, ',')) < 0)
			goto oom;
		if ((error = ov__buf_putc(&b, '{')) < 0)
			goto oom;
		for (j = 0; j < ncols; j++) {
			name = ov_json_get(ov_json_at(cols, j), "name");
			if ((j > 0 && (error = ov__buf_putc(&b, ',')) < 0) ||
			    (error = ov_json_write_string(ov_json_string(name),
			    name->len, 0, buf_sink, &b)) < 0 ||
			    (error = ov__buf_putc(&b, ':')) < 0 ||
			    (error = ov_json_write(ov_json_at(row, j), 0,
			    buf_sink, &b)) < 0)
				goto oom;
		}
		if ((error = ov__buf_putc(&b, '}')) < 0)
			goto oom;
	}
	if ((error = ov__buf_putc(&b, ']')) < 0)
		goto oom;
	if ((error = ov_snap__parse_keep(lc, b.ptr, b.len, OV_JSON_STRICT,
	    &table)) < 0)
		goto done;
	/* Positions of rebuilt rows point at the row in the original file. */
	for (i = 0, j = 0; i < ov_json_len(rows); i++) {
		row = ov_json_at(rows, i);
		if (ov_json_type_of(row) != OV_JSON_ARRAY ||
		    ov_json_len(row) != ncols)
			continue;
		snprintf(ptr, sizeof(ptr), "/data/rows/%zu", i);
		if ((error = ov_snap__add_object_at(lc,
		    ov_json_at(table, j++), row, NULL, ptr)) < 0)
			goto done;
	}
	ov_snap__arg_paging(lc, root, ov_json_len(rows));
	error = 0;
	goto done;
oom:
	error = ov__error_oom(lc->ctx);
done:
	ov__buf_free(&b);
	return error;
}

const struct ov_adapter ov_adapter_arg_table = { "arg-table", detect, load };
