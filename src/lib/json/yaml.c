/* SPDX-License-Identifier: MIT */
/*
 * Strict YAML readers over the one YAML loader; see yaml.h.
 *
 * The tree keeps a byte offset for every value but not for mapping keys,
 * so a key's position is found from its value: the nearest place before
 * the value (and not before the mapping) where the key's text stands,
 * perhaps quoted, followed by a colon.  Between a key and its value YAML
 * allows only the colon, blanks, comments, an anchor or a tag.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/json/yaml.h"
#include "util/error.h"

/* Load a YAML text. */
int
ov_yaml__load(struct ov_yaml *y, ov_ctx *ctx, ov_error_class klass,
    const char *name, const char *data, size_t len)
{
	ov_json_error jerr;
	int error;

	memset(y, 0, sizeof(*y));
	y->ctx = ctx;
	y->klass = klass;
	y->name = name;
	y->data = data != NULL ? data : "";
	y->len = data != NULL ? len : 0;
	ov__arena_init(&y->arena, 0, 0);
	memset(&jerr, 0, sizeof(jerr));
	if ((error = ov_json_parse_yaml(&y->doc, ctx, y->data, y->len,
	    OV_YAML_KEEP_DUPLICATES, &jerr)) < 0) {
		if (error == OV_ENOMEM)
			return ov__error_oom(ctx);
		return ov__error_at(ctx, error, klass, name, jerr.line,
		    jerr.column, NULL, "YAML syntax error: %s", jerr.message);
	}
	return 0;
}

/* Release. */
void
ov_yaml__free(struct ov_yaml *y)
{
	ov_json_doc_free(y->doc);
	ov__arena_free(&y->arena);
	y->doc = NULL;
}

/* The root. */
const ov_json *
ov_yaml__root(const struct ov_yaml *y)
{
	return ov_json_doc_root(y->doc);
}

/* A scalar? */
int
ov_yaml__is_scalar(const ov_json *n)
{
	ov_json_type t = ov_json_type_of(n);

	return n != NULL && t != OV_JSON_ARRAY && t != OV_JSON_OBJECT;
}

/*
 * The spelling of the number, boolean or null at off: a plain scalar of
 * that kind holds no blank, comma, bracket or comment mark.
 */
static size_t
plain_len(const struct ov_yaml *y, uint64_t off)
{
	size_t n = 0;

	while (off + n < y->len &&
	    strchr(" \t\r\n,]}#", y->data[off + n]) == NULL)
		n++;
	return n;
}

/* A scalar's text as written. */
const char *
ov_yaml__text(struct ov_yaml *y, const ov_json *n)
{
	const char *t;
	size_t len;

	if (n == NULL)
		return NULL;
	switch (ov_json_type_of(n)) {
	case OV_JSON_STRING:
		return ov_json_string(n);
	case OV_JSON_ARRAY:
	case OV_JSON_OBJECT:
		return NULL;
	default:
		break;
	}
	len = n->offset < y->len ? plain_len(y, n->offset) : 0;
	t = y->data + n->offset;
	/* An empty value is null too, and its offset may be the next
	 * token's: only a written null keeps its spelling. */
	if (ov_json_type_of(n) == OV_JSON_NULL && !((len == 1 && *t == '~') ||
	    (len == 4 && (memcmp(t, "null", 4) == 0 ||
	    memcmp(t, "Null", 4) == 0 || memcmp(t, "NULL", 4) == 0))))
		return "";
	return ov__arena_strndup(&y->arena, t, len);
}

/* Does the key text stand at p, perhaps quoted, before a colon? */
static int
key_at(const struct ov_yaml *y, uint64_t p, const ov_json_member *m)
{
	uint64_t q = p + m->klen;

	if (q > y->len || memcmp(y->data + p, m->key, m->klen) != 0)
		return 0;
	if (p > 0 && (y->data[p - 1] == '"' || y->data[p - 1] == '\'')) {
		if (q >= y->len || y->data[q] != y->data[p - 1])
			return 0;
		q++;
	}
	while (q < y->len && (y->data[q] == ' ' || y->data[q] == '\t'))
		q++;
	return q < y->len && y->data[q] == ':';
}

/* A node standing for a key, where the key is written. */
const ov_json *
ov_yaml__key(struct ov_yaml *y, const ov_json *map, const ov_json_member *m)
{
	ov_json *k;
	uint64_t p, lo = map->offset, off = m->value.offset;

	if ((k = ov__arena_calloc(&y->arena, 1, sizeof(*k))) == NULL)
		return NULL;
	k->type = OV_JSON_STRING;
	k->len = m->klen;
	k->u.str = m->key;
	k->offset = off;
	if (m->klen == 0)
		return k;
	for (p = off < y->len ? off : y->len; p-- > lo;)
		if (key_at(y, p, m)) {
			k->offset = p > 0 && (y->data[p - 1] == '"' ||
			    y->data[p - 1] == '\'') ? p - 1 : p;
			break;
		}
	return k;
}

/* Line of a node. */
unsigned
ov_yaml__line(const struct ov_yaml *y, const ov_json *n)
{
	unsigned line = 0, col = 0;

	if (n != NULL)
		ov_json_position(y->data, y->len, n->offset, &line, &col);
	return line;
}

/* An error at a node. */
int
ov_yaml__fail(const struct ov_yaml *y, int code, const ov_json *n,
    const char *pointer, const char *fmt, ...)
{
	char msg[512];
	unsigned line = 0, col = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n != NULL)
		ov_json_position(y->data, y->len, n->offset, &line, &col);
	return ov__error_at(y->ctx, code, y->klass, y->name, line, col,
	    pointer, "%s", msg);
}
