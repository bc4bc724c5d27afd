/* SPDX-License-Identifier: MIT */
/*
 * Runtime values of the policy engine.  They are ov_json nodes built in an
 * arena, so parsed and computed values are read through one set of
 * accessors.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_int.h"
#include "util/alloc.h"
#include "util/buf.h"

const ov_json ov_policy__v_true = { OV_JSON_TRUE, 0, 0, 0, 0, { NULL } };
const ov_json ov_policy__v_false = { OV_JSON_FALSE, 0, 0, 0, 0, { NULL } };
const ov_json ov_policy__v_null = { OV_JSON_NULL, 0, 0, 0, 0, { NULL } };

/* The shared true or false node. */
const ov_json *
ov_policy__v_bool(bool b)
{
	return b ? &ov_policy__v_true : &ov_policy__v_false;
}

/* A string node copying n bytes of s; NULL when out of memory. */
const ov_json *
ov_policy__v_str(struct ov_arena *a, const char *s, size_t n)
{
	ov_json *v = ov__arena_calloc(a, 1, sizeof(*v));

	if (v == NULL)
		return NULL;
	v->type = OV_JSON_STRING;
	v->len = (uint32_t)n;
	v->u.str = ov__arena_strndup(a, s != NULL ? s : "", n);
	return v->u.str != NULL ? v : NULL;
}

/* An integer number node. */
const ov_json *
ov_policy__v_int(struct ov_arena *a, int64_t i)
{
	ov_json *v = ov__arena_calloc(a, 1, sizeof(*v));
	char buf[32];
	int n;

	if (v == NULL)
		return NULL;
	n = snprintf(buf, sizeof(buf), "%lld", (long long)i);
	v->type = OV_JSON_NUMBER;
	v->flags = OV_JSON_F_INTEGER;
	v->len = (uint32_t)n;
	v->u.str = ov__arena_strndup(a, buf, (size_t)n);
	return v->u.str != NULL ? v : NULL;
}

/* A number node; integral values get the integer flag. */
const ov_json *
ov_policy__v_num(struct ov_arena *a, double d)
{
	ov_json *v;
	char buf[40];
	int n;

	if (isfinite(d) && d == floor(d) && fabs(d) < 9e15)
		return ov_policy__v_int(a, (int64_t)d);
	if ((v = ov__arena_calloc(a, 1, sizeof(*v))) == NULL)
		return NULL;
	n = snprintf(buf, sizeof(buf), "%.17g", d);
	v->type = OV_JSON_NUMBER;
	v->len = (uint32_t)n;
	v->u.str = ov__arena_strndup(a, buf, (size_t)n);
	return v->u.str != NULL ? v : NULL;
}

/* An array of copies of items. */
const ov_json *
ov_policy__v_array(struct ov_arena *a, const ov_json *const *items,
    size_t n)
{
	ov_json *v = ov__arena_calloc(a, 1, sizeof(*v));
	ov_json *it = NULL;
	size_t i;

	if (v == NULL)
		return NULL;
	if (n > 0 && (it = ov__arena_calloc(a, n, sizeof(*it))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		it[i] = items[i] != NULL ? *items[i] : ov_policy__v_null;
	v->type = OV_JSON_ARRAY;
	v->len = (uint32_t)n;
	v->u.items = it;
	return v;
}

/* An object; a later duplicate key (case-insensitive) replaces an earlier. */
const ov_json *
ov_policy__v_object(struct ov_arena *a, const char *const *keys,
    const ov_json *const *vals, size_t n)
{
	ov_json *v = ov__arena_calloc(a, 1, sizeof(*v));
	ov_json_member *m = NULL;
	size_t i, j, len = 0;

	if (v == NULL)
		return NULL;
	if (n > 0 && (m = ov__arena_calloc(a, n, sizeof(*m))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		size_t kl = strlen(keys[i]);

		for (j = 0; j < len; j++)
			if (ov__eq_ci(m[j].key, m[j].klen, keys[i], kl))
				break;
		m[j].key = keys[i];
		m[j].klen = (uint32_t)kl;
		m[j].khash = ov_json_key_hash(keys[i], kl);
		m[j].value = vals[i] != NULL ? *vals[i] : ov_policy__v_null;
		if (j == len)
			len++;
	}
	v->type = OV_JSON_OBJECT;
	v->len = (uint32_t)len;
	v->u.members = m;
	return v;
}

/* A number as a double. */
double
ov_policy__num(const ov_json *v)
{
	if (v == NULL || v->type != OV_JSON_NUMBER || v->u.str == NULL)
		return 0;
	return strtod(v->u.str, NULL);
}

/* An integral number. */
bool
ov_policy__int(const ov_json *v, int64_t *out)
{
	double d;

	if (v == NULL || v->type != OV_JSON_NUMBER)
		return false;
	d = ov_policy__num(v);
	if (d != floor(d) || fabs(d) > 9.2e18)
		return false;
	*out = (int64_t)d;
	return true;
}

static int
buf_sink(const char *data, size_t len, void *payload)
{
	return ov__buf_add(payload, data, len);
}

/* Compact JSON text of v in the arena. */
const char *
ov_policy__json_text(struct ov_arena *a, const ov_json *v)
{
	struct ov_buf b = OV_BUF_INIT(1 << 20);
	const char *s;

	if (v == NULL)
		return "null";
	if (ov_json_write(v, 0, buf_sink, &b) < 0) {
		ov__buf_free(&b);
		return NULL;
	}
	s = ov__arena_strndup(a, ov__buf_cstr(&b), b.len);
	ov__buf_free(&b);
	return s;
}

/*
 * The text form of a value: strings as they are, numbers as written,
 * booleans as "true"/"false" (ARM's string() gives "True"/"False"), null as
 * "" (ARM) and containers as compact JSON.
 */
const char *
ov_policy__to_text(struct ov_arena *a, const ov_json *v, bool arm_style)
{
	if (v == NULL)
		return "";
	switch (v->type) {
	case OV_JSON_STRING:
	case OV_JSON_NUMBER:
		return v->u.str;
	case OV_JSON_TRUE:
		return arm_style ? "True" : "true";
	case OV_JSON_FALSE:
		return arm_style ? "False" : "false";
	case OV_JSON_NULL:
		return arm_style ? "" : "null";
	default:
		return ov_policy__json_text(a, v);
	}
}

/* ---- case folding ---------------------------------------------------- */

static bool
ascii_only(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

static size_t
put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	o[0] = (char)(0xe0 | (cp >> 12));
	o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[2] = (char)(0x80 | (cp & 0x3f));
	return 3;
}

/*
 * Unicode case folding for the scripts that occur in resource names and
 * tags: ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic, with the full
 * foldings of sharp s and the Latin ligatures (as .NET's invariant
 * culture compares them).  Other code points are kept.
 */
static uint32_t
fold_cp(uint32_t c, const char **exp)
{
	*exp = NULL;
	if (c < 0x80)
		return (uint32_t)tolower((int)c);
	if ((c >= 0xc0 && c <= 0xde && c != 0xd7) ||
	    (c >= 0x391 && c <= 0x3a9 && c != 0x3a2) ||
	    (c >= 0x410 && c <= 0x42f))
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	if (c == 0x3c2)
		return 0x3c3;
	if (((c >= 0x100 && c <= 0x137) || (c >= 0x14a && c <= 0x177)) &&
	    c % 2 == 0)
		return c + 1;
	if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e)) &&
	    c % 2 == 1)
		return c + 1;
	switch (c) {
	case 0x178: return 0xff;
	case 0x17f: return 's';
	case 0xdf: case 0x1e9e: *exp = "ss"; return 0;
	case 0xfb00: *exp = "ff"; return 0;
	case 0xfb01: *exp = "fi"; return 0;
	case 0xfb02: *exp = "fl"; return 0;
	case 0xfb03: *exp = "ffi"; return 0;
	case 0xfb04: *exp = "ffl"; return 0;
	default: return c;
	}
}

/* Fold n bytes of s into out (at least 3n + 1 bytes); returns the length. */
static size_t
fold(const char *s, size_t n, char *out)
{
	size_t i = 0, j = 0;

	while (i < n) {
		unsigned char b = (unsigned char)s[i];
		uint32_t c;
		size_t len;
		const char *exp;

		if (b < 0x80) {
			out[j++] = (char)tolower(b);
			i++;
			continue;
		}
		len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
		if (len == 1 || len == 4 || i + len > n) {
			out[j++] = (char)b;
			i++;
			continue;
		}
		c = len == 2 ? ((uint32_t)(b & 0x1f) << 6) |
		    ((unsigned char)s[i + 1] & 0x3f) :
		    ((uint32_t)(b & 0x0f) << 12) |
		    ((uint32_t)((unsigned char)s[i + 1] & 0x3f) << 6) |
		    ((unsigned char)s[i + 2] & 0x3f);
		c = fold_cp(c, &exp);
		if (exp != NULL) {
			memcpy(out + j, exp, strlen(exp));
			j += strlen(exp);
		} else
			j += put_utf8(out + j, c);
		i += len;
	}
	out[j] = '\0';
	return j;
}

/*
 * Fold a and b (when either has non-ASCII bytes) into new buffers; the
 * caller frees *fa and *fb.  Returns false when both are ASCII.
 */
static bool
fold_pair(const char *a, size_t an, const char *b, size_t bn, char **fa,
    char **fb)
{
	*fa = *fb = NULL;
	if (ascii_only(a, an) && ascii_only(b, bn))
		return false;
	*fa = ov__malloc(3 * an + 1);
	*fb = ov__malloc(3 * bn + 1);
	if (*fa == NULL || *fb == NULL) {
		ov__free(*fa);
		ov__free(*fb);
		*fa = *fb = NULL;
		return false;
	}
	fold(a, an, *fa);
	fold(b, bn, *fb);
	return true;
}

/* Case-insensitive equality with Unicode folding. */
bool
ov_policy__eq_fold(const char *a, size_t an, const char *b, size_t bn)
{
	char *fa, *fb;
	bool r;

	if (!fold_pair(a, an, b, bn, &fa, &fb))
		return ov__eq_ci(a, an, b, bn);
	r = strcmp(fa, fb) == 0;
	ov__free(fa);
	ov__free(fb);
	return r;
}

/* Case-insensitive ordering with Unicode folding. */
int
ov_policy__cmp_fold(const char *a, const char *b)
{
	char *fa, *fb;
	int r;

	if (!fold_pair(a, strlen(a), b, strlen(b), &fa, &fb))
		return ov__strcmp_ci(a, b);
	r = strcmp(fa, fb);
	ov__free(fa);
	ov__free(fb);
	return r < 0 ? -1 : r > 0;
}

/* Fold a string into the arena (for like and contains). */
const char *
ov_policy__fold_dup(struct ov_arena *a, const char *s)
{
	size_t n = strlen(s);
	char *o;

	if (ascii_only(s, n))
		return s;
	if ((o = ov__arena_alloc(a, 3 * n + 1)) == NULL)
		return s;
	fold(s, n, o);
	return o;
}

/* Deep equality. */
bool
ov_policy__equal(const ov_json *a, const ov_json *b, bool ci)
{
	size_t i;

	if (a == NULL)
		a = &ov_policy__v_null;
	if (b == NULL)
		b = &ov_policy__v_null;
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case OV_JSON_NULL:
	case OV_JSON_TRUE:
	case OV_JSON_FALSE:
		return true;
	case OV_JSON_NUMBER:
		return ov_policy__num(a) == ov_policy__num(b);
	case OV_JSON_STRING:
		return ci ? ov_policy__eq_fold(a->u.str, a->len, b->u.str,
		    b->len) :
		    (a->len == b->len &&
		    memcmp(a->u.str, b->u.str, a->len) == 0);
	case OV_JSON_ARRAY:
		if (a->len != b->len)
			return false;
		for (i = 0; i < a->len; i++)
			if (!ov_policy__equal(&a->u.items[i], &b->u.items[i],
			    ci))
				return false;
		return true;
	case OV_JSON_OBJECT:
		if (a->len != b->len)
			return false;
		for (i = 0; i < a->len; i++) {
			const ov_json_member *m = &a->u.members[i];
			const ov_json *o = ov_json_getn(b, m->key, m->klen);

			if (o == NULL || !ov_policy__equal(&m->value, o, ci))
				return false;
		}
		return true;
	default:
		return false;
	}
}

/* Case-insensitive (ASCII) substring test. */
bool
ov_policy__contains_ci(const char *hay, const char *needle)
{
	size_t hn = strlen(hay), nn = strlen(needle), i;

	if (nn == 0)
		return true;
	for (i = 0; i + nn <= hn; i++)
		if (ov__eq_ci(hay + i, nn, needle, nn))
			return true;
	return false;
}

/*
 * Ordering close to .NET's invariant culture for ASCII text: compare
 * ignoring case first; on a tie, a lower-case letter sorts before its
 * upper-case form (so greater('A', 'a') is true).
 */
int
ov_policy__strcmp_culture(const char *a, const char *b)
{
	int c = ov__strcmp_ci(a, b);
	size_t i;

	if (c != 0)
		return c;
	for (i = 0; a[i] != '\0' && b[i] != '\0'; i++) {
		if (a[i] == b[i])
			continue;
		return islower((unsigned char)a[i]) ? -1 : 1;
	}
	return 0;
}

/*
 * A deep copy of v in a: strings and keys copied too, so it lives as long
 * as the arena.  With hooks, each copied node is passed to hooks->node
 * (with its source) to adjust, and a child for which hooks->share says so
 * is used as it is instead of being copied.
 */
const ov_json *
ov_policy__v_copy(struct ov_arena *a, const ov_json *v,
    const struct ov_copy_hooks *hooks)
{
	ov_json *o = ov__arena_calloc(a, 1, sizeof(*o));
	const ov_json *src, *c;
	size_t i;

	if (o == NULL)
		return NULL;
	*o = *v;
	switch (v->type) {
	case OV_JSON_STRING:
	case OV_JSON_NUMBER:
		o->u.str = ov__arena_strndup(a, v->u.str, v->len);
		if (o->u.str == NULL)
			return NULL;
		break;
	case OV_JSON_ARRAY:
	case OV_JSON_OBJECT: {
		bool arr = v->type == OV_JSON_ARRAY;
		ov_json *it = arr ? ov__arena_calloc(a, v->len + 1,
		    sizeof(*it)) : NULL;
		ov_json_member *m = arr ? NULL : ov__arena_calloc(a,
		    v->len + 1, sizeof(*m));

		if (it == NULL && m == NULL)
			return NULL;
		for (i = 0; i < v->len; i++) {
			src = arr ? &v->u.items[i] : &v->u.members[i].value;
			c = hooks != NULL && hooks->share != NULL &&
			    hooks->share(src, hooks->payload) ? src :
			    ov_policy__v_copy(a, src, hooks);
			if (c == NULL)
				return NULL;
			if (arr) {
				it[i] = *c;
				continue;
			}
			m[i] = v->u.members[i];
			m[i].key = ov__arena_strndup(a, m[i].key, m[i].klen);
			m[i].value = *c;
			if (m[i].key == NULL)
				return NULL;
		}
		if (arr)
			o->u.items = it;
		else
			o->u.members = m;
		break;
	}
	default:
		break;
	}
	if (hooks != NULL && hooks->node != NULL)
		hooks->node(o, v, hooks->payload);
	return o;
}

/* Parse text into an arena value. */
int
ov_policy__parse_json(struct ov_arena *a, ov_ctx *ctx, const char *text,
    size_t len, const ov_json **out)
{
	ov_json_doc *doc = NULL;
	int error;

	*out = NULL;
	if ((error = ov_json_parse(&doc, ctx, text, len, OV_JSON_STRICT,
	    NULL)) < 0)
		return error;
	*out = ov_policy__v_copy(a, ov_json_doc_root(doc), NULL);
	ov_json_doc_free(doc);
	return *out != NULL ? 0 : OV_ENOMEM;
}

/* ---- values known only at deployment --------------------------------- */

/* True when v is an unknown value. */
bool
ov_policy__is_unknown(const ov_json *v)
{
	return v != NULL && (v->flags & OV_JSON_F_UNKNOWN) != 0;
}

/* The first unknown value in v or below it (depth-first), or NULL. */
const ov_json *
ov_policy__find_unknown(const ov_json *v)
{
	const ov_json *u;
	size_t i;

	if (v == NULL)
		return NULL;
	if (v->flags & OV_JSON_F_UNKNOWN)
		return v;
	if (v->type == OV_JSON_ARRAY) {
		for (i = 0; i < v->len; i++)
			if ((u = ov_policy__find_unknown(&v->u.items[i])) !=
			    NULL)
				return u;
	} else if (v->type == OV_JSON_OBJECT) {
		for (i = 0; i < v->len; i++)
			if ((u = ov_policy__find_unknown(
			    &v->u.members[i].value)) != NULL)
				return u;
	}
	return NULL;
}

/* An unknown value: a flagged string holding what it stands for. */
const ov_json *
ov_policy__v_unknown(struct ov_arena *a, const char *what, size_t n)
{
	ov_json *v = (ov_json *)(uintptr_t)ov_policy__v_str(a, what, n);

	if (v != NULL)
		v->flags |= OV_JSON_F_UNKNOWN;
	return v;
}

/* u as an unknown known (present) or not known to be non-null. */
const ov_json *
ov_policy__unknown_as(struct ov_arena *a, const ov_json *u, bool present)
{
	ov_json *v;

	if (u == NULL || ((u->flags & OV_JSON_F__PRESENT) != 0) == present)
		return u;
	if ((v = ov__arena_alloc(a, sizeof(*v))) == NULL)
		return NULL;
	*v = *u;
	if (present)
		v->flags |= OV_JSON_F__PRESENT;
	else
		v->flags &= (uint8_t)~OV_JSON_F__PRESENT;
	return v;
}
