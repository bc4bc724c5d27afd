/* SPDX-License-Identifier: MIT */
/*
 * Reading API pages as the public contracts define them: Resource Graph
 * {totalRecords, count, resultTruncated, $skipToken, data} in objectArray
 * (or the legacy table) format, ARM {value, nextLink} and Microsoft Graph
 * {value, @odata.nextLink} lists, and single objects.  A page that does
 * not have its documented shape is an error, never an empty page: missing
 * is not secure.
 */
#include <stdio.h>
#include <string.h>

#include "lib/collect/collect_int.h"
#include "util/hash.h"

/* The error code and message of an error body; see collect_int.h. */
void
ov_collect__error_body(const ov_json *root, const char **code,
    const char **message)
{
	const ov_json *e = ov_json_get(root, "error");

	*code = *message = NULL;
	if (ov_json_type_of(e) == OV_JSON_OBJECT) {
		*code = ov_json_string(ov_json_get(e, "code"));
		*message = ov_json_string(ov_json_get(e, "message"));
	} else if (ov_json_is_string(e)) {
		/* OAuth: {"error": "invalid_client", "error_description"} */
		*code = ov_json_string(e);
		*message = ov_json_string(ov_json_get(root,
		    "error_description"));
	} else if (ov_json_type_of(root) == OV_JSON_OBJECT) {
		*code = ov_json_string(ov_json_get(root, "code"));
		*message = ov_json_string(ov_json_get(root, "message"));
	}
}

/* A boolean that Resource Graph may send as a string. */
static bool
flag(const ov_json *v)
{
	const char *s = ov_json_string(v);

	if (s != NULL)
		return ov__streq_ci(s, "true");
	return ov_json_is_true(v);
}

static int64_t
integer(const ov_json *v)
{
	int64_t n;

	if (ov_json_int(v, &n) && n >= 0)
		return n;
	return -1;
}

/* A next link or token: a non-empty string; null and absent mean none. */
static int
next_of(const ov_json *v, const char **out, const char *what, char *err,
    size_t errlen)
{
	*out = NULL;
	if (v == NULL || ov_json_type_of(v) == OV_JSON_NULL)
		return 0;
	if (!ov_json_is_string(v)) {
		snprintf(err, errlen, "%s is not a string", what);
		return OV_EPARSE;
	}
	if (ov_json_string(v)[0] != '\0')
		*out = ov_json_string(v);
	return 0;
}

/* Every item of an array must be an object. */
static int
objects(const ov_json *arr, const char *what, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < ov_json_len(arr); i++)
		if (ov_json_type_of(ov_json_at(arr, i)) != OV_JSON_OBJECT) {
			snprintf(err, errlen, "%s[%zu] is not an object", what,
			    i);
			return OV_EPARSE;
		}
	return 0;
}

static int
arg_page(const ov_json *root, struct ov_page *p, char *err, size_t errlen)
{
	const ov_json *data = ov_json_get(root, "data");
	size_t i, ncol;
	int error;

	if ((error = next_of(ov_json_get(root, "$skipToken"), &p->next,
	    "$skipToken", err, errlen)) < 0)
		return error;
	p->total = integer(ov_json_get(root, "totalRecords"));
	p->count = integer(ov_json_get(root, "count"));
	p->truncated = flag(ov_json_get(root, "resultTruncated"));
	if (ov_json_type_of(data) == OV_JSON_ARRAY) {
		if ((error = objects(data, "data", err, errlen)) < 0)
			return error;
		p->rows = data;
		p->n_rows = ov_json_len(data);
		return 0;
	}
	if (ov_json_type_of(data) == OV_JSON_OBJECT &&
	    ov_json_type_of(ov_json_get(data, "columns")) == OV_JSON_ARRAY &&
	    ov_json_type_of(ov_json_get(data, "rows")) == OV_JSON_ARRAY) {
		p->columns = ov_json_get(data, "columns");
		p->table_rows = ov_json_get(data, "rows");
		ncol = ov_json_len(p->columns);
		for (i = 0; i < ncol; i++)
			if (ov_json_string(ov_json_get(ov_json_at(p->columns,
			    i), "name")) == NULL) {
				snprintf(err, errlen, "data.columns[%zu] has no "
				    "name", i);
				return OV_EPARSE;
			}
		for (i = 0; i < ov_json_len(p->table_rows); i++)
			if (ov_json_type_of(ov_json_at(p->table_rows, i)) !=
			    OV_JSON_ARRAY ||
			    ov_json_len(ov_json_at(p->table_rows, i)) != ncol) {
				snprintf(err, errlen, "data.rows[%zu] does not "
				    "match the columns", i);
				return OV_EPARSE;
			}
		p->n_rows = ov_json_len(p->table_rows);
		return 0;
	}
	snprintf(err, errlen, "no data array in the Resource Graph response");
	return OV_EPARSE;
}

/* Read one page; see collect_int.h. */
int
ov_collect__page(const ov_json *root, enum ov_page_kind kind,
    struct ov_page *p, char *err, size_t errlen)
{
	const ov_json *value, *link;
	int error;

	memset(p, 0, sizeof(*p));
	p->total = p->count = -1;
	if (errlen != 0)
		err[0] = '\0';
	if (ov_json_type_of(root) != OV_JSON_OBJECT) {
		snprintf(err, errlen, "the response is not a JSON object");
		return OV_EPARSE;
	}
	if (ov_json_get(root, "error") != NULL &&
	    ov_json_get(root, kind == OV_PAGE_ARG ? "data" : "value") ==
	    NULL) {
		const char *code, *message;

		ov_collect__error_body(root, &code, &message);
		snprintf(err, errlen, "error in a success response: %s",
		    code != NULL ? code : "no code");
		return OV_EPARSE;
	}
	switch (kind) {
	case OV_PAGE_ARG:
		return arg_page(root, p, err, errlen);
	case OV_PAGE_LIST:
		value = ov_json_get(root, "value");
		if (ov_json_type_of(value) != OV_JSON_ARRAY) {
			snprintf(err, errlen, "no value array in the list "
			    "response");
			return OV_EPARSE;
		}
		if ((error = objects(value, "value", err, errlen)) < 0)
			return error;
		link = ov_json_get(root, "@odata.nextLink");
		if (link == NULL || ov_json_type_of(link) == OV_JSON_NULL)
			link = ov_json_get(root, "nextLink");
		if ((error = next_of(link, &p->next, "nextLink", err,
		    errlen)) < 0)
			return error;
		p->rows = value;
		p->n_rows = ov_json_len(value);
		return 0;
	case OV_PAGE_OBJECT:
		p->object = root;
		p->n_rows = 1;
		return 0;
	}
	snprintf(err, errlen, "unknown page kind");
	return OV_EPARSE;
}

/* The i-th row's object; see collect_int.h. */
const ov_json *
ov_collect__row(const struct ov_page *p, size_t i)
{
	if (p->object != NULL)
		return i == 0 ? p->object : NULL;
	return ov_json_at(p->rows, i);
}

/* Write an object, leaving out the member named skip. */
static int
write_object(const ov_json *obj, const char *skip, ov_json_sink sink,
    void *payload)
{
	const ov_json_member *m;
	size_t i;
	int error, first = 1;

	if (skip == NULL || ov_json_get(obj, skip) == NULL)
		return ov_json_write(obj, 0, sink, payload);
	if ((error = sink("{", 1, payload)) < 0)
		return error;
	for (i = 0; i < ov_json_len(obj); i++) {
		m = ov_json_member_at(obj, i);
		if (ov__eq_ci(m->key, m->klen, skip, strlen(skip)))
			continue;
		if ((!first && (error = sink(",", 1, payload)) < 0) ||
		    (error = ov_json_write_string(m->key, m->klen, 0, sink,
		    payload)) < 0 || (error = sink(":", 1, payload)) < 0 ||
		    (error = ov_json_write(&m->value, 0, sink, payload)) < 0)
			return error;
		first = 0;
	}
	return sink("}", 1, payload);
}

/* Write the i-th row as an object; see collect_int.h. */
int
ov_collect__write_row(const struct ov_page *p, size_t i, const char *skip,
    ov_json_sink sink, void *payload)
{
	const ov_json *row, *col;
	const char *name;
	size_t c;
	int error;

	if (p->columns == NULL) {
		if ((row = ov_collect__row(p, i)) == NULL)
			return OV_EINVALID;
		return write_object(row, skip, sink, payload);
	}
	if ((row = ov_json_at(p->table_rows, i)) == NULL)
		return OV_EINVALID;
	if ((error = sink("{", 1, payload)) < 0)
		return error;
	for (c = 0; c < ov_json_len(p->columns); c++) {
		col = ov_json_at(p->columns, c);
		name = ov_json_string(ov_json_get(col, "name"));
		if ((c != 0 && (error = sink(",", 1, payload)) < 0) ||
		    (error = ov_json_write_string(name, strlen(name), 0, sink,
		    payload)) < 0 || (error = sink(":", 1, payload)) < 0 ||
		    (error = ov_json_write(ov_json_at(row, c), 0, sink,
		    payload)) < 0)
			return error;
	}
	return sink("}", 1, payload);
}
