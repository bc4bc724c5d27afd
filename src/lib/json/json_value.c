/* SPDX-License-Identifier: MIT */
/*
 * Reading a parsed tree: accessors, member lookup (case-insensitive, hash
 * first), dotted paths, JSON Pointers, numbers and deep equality.
 */
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json/json_int.h"
#include "util/alloc.h"
#include "util/hash.h"

/* The type of v. */
ov_json_type
ov_json_type_of(const ov_json *v)
{
	return v != NULL ? (ov_json_type)v->type : OV_JSON_NULL;
}

/* True when v is a string. */
bool
ov_json_is_string(const ov_json *v)
{
	return v != NULL && v->type == OV_JSON_STRING;
}

/* The string value of v, or NULL. */
const char *
ov_json_string(const ov_json *v)
{
	return v != NULL && v->type == OV_JSON_STRING ? v->u.str : NULL;
}

/* True only for the literal true. */
bool
ov_json_is_true(const ov_json *v)
{
	return v != NULL && v->type == OV_JSON_TRUE;
}

static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/*
 * Convert number text the slow way: strtod, with the decimal point
 * swapped for the locale's when that is not '.'.
 */
static double
slow_number(const char *s, size_t n)
{
	const char *dp = localeconv()->decimal_point;
	char buf[128], *d;
	double r;

	if (dp == NULL || (dp[0] == '.' && dp[1] == '\0'))
		return strtod(s, NULL);
	if (n + strlen(dp) >= sizeof(buf)) {
		if ((d = ov__malloc(n + strlen(dp) + 1)) == NULL)
			return strtod(s, NULL);
	} else {
		d = buf;
	}
	{
		const char *dot = memchr(s, '.', n);
		size_t pre = dot != NULL ? (size_t)(dot - s) : n;

		memcpy(d, s, pre);
		if (dot != NULL) {
			size_t dl = strlen(dp);

			memcpy(d + pre, dp, dl);
			memcpy(d + pre + dl, dot + 1, n - pre - 1);
			d[n - 1 + dl] = '\0';
		} else {
			d[n] = '\0';
		}
	}
	r = strtod(d, NULL);
	if (d != buf)
		ov__free(d);
	return r;
}

/*
 * The value of number text: exact arithmetic when the digits fit in 53 bits
 * and the power of ten is exact (the result is then correctly rounded),
 * strtod otherwise.
 */
static double
number_value(const char *s, size_t n)
{
	const char *p = s, *e = s + n;
	uint64_t m = 0;
	int digits = 0, exp10 = 0, x = 0;
	bool neg = false, xneg = false;
	double r;

	if (p < e && *p == '-') {
		neg = true;
		p++;
	}
	while (p < e && (unsigned char)(*p - '0') <= 9) {
		if (m != 0 || *p != '0') {
			if (++digits > 19)
				return slow_number(s, n);
			m = m * 10 + (uint64_t)(*p - '0');
		}
		p++;
	}
	if (p < e && *p == '.') {
		p++;
		while (p < e && (unsigned char)(*p - '0') <= 9) {
			if (m != 0 || *p != '0') {
				if (++digits > 19)
					return slow_number(s, n);
				m = m * 10 + (uint64_t)(*p - '0');
			}
			exp10--;
			p++;
		}
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			xneg = *p++ == '-';
		while (p < e && (unsigned char)(*p - '0') <= 9) {
			if (x > 10000)
				return slow_number(s, n);
			x = x * 10 + (*p - '0');
			p++;
		}
		exp10 += xneg ? -x : x;
	}
	if (m == 0)
		return neg ? -0.0 : 0.0;
	if (m > ((uint64_t)1 << 53) || exp10 < -22 || exp10 > 22)
		return slow_number(s, n);
	r = (double)m;
	if (exp10 < 0)
		r /= pow10_exact[-exp10];
	else
		r *= pow10_exact[exp10];
	return neg ? -r : r;
}

/* A number as a double. */
double
ov_json_number(const ov_json *v)
{
	if (v == NULL || v->type != OV_JSON_NUMBER)
		return 0;
	return number_value(v->u.str, v->len);
}

/* A number as int64_t when it is integral and fits. */
bool
ov_json_int(const ov_json *v, int64_t *out)
{
	const char *p;
	uint64_t m = 0, lim;
	bool neg;
	double d;

	if (v == NULL || v->type != OV_JSON_NUMBER)
		return false;
	if (!(v->flags & OV_JSON_F_INTEGER)) {
		/* 1.0 and 1e3 are integers too, within double precision. */
		d = number_value(v->u.str, v->len);
		if (!(d >= -9007199254740992.0 && d <= 9007199254740992.0) ||
		    d != floor(d))
			return false;
		if (out != NULL)
			*out = (int64_t)d;
		return true;
	}
	p = v->u.str;
	neg = *p == '-';
	if (neg)
		p++;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *p != '\0'; p++) {
		unsigned dgt = (unsigned)(*p - '0');

		if (m > (lim - dgt) / 10)
			return false;
		m = m * 10 + dgt;
	}
	if (out != NULL) {
		if (neg)
			*out = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
			    -(int64_t)m;
		else
			*out = (int64_t)m;
	}
	return true;
}

/* Items or members. */
size_t
ov_json_len(const ov_json *v)
{
	if (v == NULL || (v->type != OV_JSON_ARRAY &&
	    v->type != OV_JSON_OBJECT))
		return 0;
	return v->len;
}

/* The i-th item of an array. */
const ov_json *
ov_json_at(const ov_json *v, size_t i)
{
	if (v == NULL || v->type != OV_JSON_ARRAY || i >= v->len)
		return NULL;
	return &v->u.items[i];
}

/* The i-th member of an object. */
const ov_json_member *
ov_json_member_at(const ov_json *v, size_t i)
{
	if (v == NULL || v->type != OV_JSON_OBJECT || i >= v->len)
		return NULL;
	return &v->u.members[i];
}

/* The case-folded key hash. */
uint32_t
ov_json_key_hash(const char *key, size_t klen)
{
	if (key == NULL)
		return ov_json__hash("", 0);
	return ov_json__hash(key, klen);
}

/* Find a member by key, case-insensitively; the first of duplicates. */
const ov_json *
ov_json_getn(const ov_json *obj, const char *key, size_t klen)
{
	const ov_json_member *m, *e;
	uint32_t h;

	if (obj == NULL || key == NULL || obj->type != OV_JSON_OBJECT ||
	    obj->len == 0)
		return NULL;
	h = ov_json__hash(key, klen);
	for (m = obj->u.members, e = m + obj->len; m < e; m++)
		if (m->khash == h && ov__eq_ci(m->key, m->klen, key, klen))
			return &m->value;
	return NULL;
}

/* Find a member by NUL-terminated key, case-insensitively. */
const ov_json *
ov_json_get(const ov_json *obj, const char *key)
{
	if (key == NULL)
		return NULL;
	return ov_json_getn(obj, key, strlen(key));
}

/*
 * Follow a dotted path.  A segment of digits indexes an array; on an
 * object it is a member name like any other.
 */
const ov_json *
ov_json_path(const ov_json *v, const char *path)
{
	const char *s, *dot;

	if (v == NULL || path == NULL)
		return NULL;
	for (s = path; v != NULL; s = dot + 1) {
		size_t n;

		dot = strchr(s, '.');
		n = dot != NULL ? (size_t)(dot - s) : strlen(s);
		if (v->type == OV_JSON_ARRAY) {
			size_t i = 0, k;

			if (n == 0 || n > 9)
				return NULL;
			for (k = 0; k < n; k++) {
				if (s[k] < '0' || s[k] > '9')
					return NULL;
				i = i * 10 + (size_t)(s[k] - '0');
			}
			v = ov_json_at(v, i);
		} else {
			v = ov_json_getn(v, s, n);
		}
		if (dot == NULL)
			break;
	}
	return v;
}

/* Compare an RFC 6901 reference token (escaped) with a key. */
static bool
token_eq(const char *t, size_t tn, const char *key, size_t klen)
{
	size_t i = 0, k = 0;

	while (i < tn) {
		char c = t[i++];

		if (c == '~') {
			if (i >= tn || (t[i] != '0' && t[i] != '1'))
				return false;
			c = t[i++] == '0' ? '~' : '/';
		}
		if (k >= klen || key[k++] != c)
			return false;
	}
	return k == klen;
}

/* Resolve an RFC 6901 JSON Pointer. */
const ov_json *
ov_json_pointer(const ov_json *v, const char *pointer)
{
	const char *s = pointer;

	if (v == NULL || pointer == NULL)
		return NULL;
	while (*s != '\0') {
		const char *t, *slash;
		size_t tn, i;

		if (*s != '/')
			return NULL;
		t = s + 1;
		slash = strchr(t, '/');
		tn = slash != NULL ? (size_t)(slash - t) : strlen(t);
		if (v->type == OV_JSON_ARRAY) {
			size_t k, idx = 0;

			/* Digits without a leading zero; "-" is past the end. */
			if (tn == 0 || tn > 9 || (tn > 1 && t[0] == '0'))
				return NULL;
			for (k = 0; k < tn; k++) {
				if (t[k] < '0' || t[k] > '9')
					return NULL;
				idx = idx * 10 + (size_t)(t[k] - '0');
			}
			v = ov_json_at(v, idx);
		} else if (v->type == OV_JSON_OBJECT) {
			const ov_json *found = NULL;

			for (i = 0; i < v->len; i++) {
				const ov_json_member *m = &v->u.members[i];

				if (token_eq(t, tn, m->key, m->klen)) {
					found = &m->value;
					break;
				}
			}
			v = found;
		} else {
			return NULL;
		}
		if (v == NULL)
			return NULL;
		s = t + tn;
	}
	return v;
}

/* Numbers compare as integers when both are, as doubles otherwise. */
static bool
number_equal(const ov_json *a, const ov_json *b)
{
	int64_t x, y;

	if (a->len == b->len && memcmp(a->u.str, b->u.str, a->len) == 0)
		return true;
	if (ov_json_int(a, &x) && ov_json_int(b, &y))
		return x == y;
	return ov_json_number(a) == ov_json_number(b);
}

/* True when members x and y have the same key, byte for byte. */
static inline bool
same_key(const ov_json_member *x, const ov_json_member *y)
{
	return x->khash == y->khash && x->klen == y->klen &&
	    memcmp(x->key, y->key, x->klen) == 0;
}

/* The value of the k-th (0-based) member of obj keyed like m, or NULL. */
static const ov_json *
nth_with_key(const ov_json *obj, const ov_json_member *m, size_t k)
{
	size_t i;

	for (i = 0; i < obj->len; i++)
		if (same_key(&obj->u.members[i], m) && k-- == 0)
			return &obj->u.members[i].value;
	return NULL;
}

/*
 * Objects are equal when they hold the same keys with equal values in any
 * order; a key given more than once matches occurrence by occurrence.
 */
static bool
object_equal(const ov_json *a, const ov_json *b)
{
	size_t i, j, k;

	if (a->len != b->len)
		return false;
	/* Same key order is the common case. */
	for (i = 0; i < a->len; i++)
		if (!same_key(&a->u.members[i], &b->u.members[i]))
			break;
	if (i == a->len) {
		for (i = 0; i < a->len; i++)
			if (!ov_json_equal(&a->u.members[i].value,
			    &b->u.members[i].value))
				return false;
		return true;
	}
	/* Equal sizes and a one-to-one match make a bijection. */
	for (i = 0; i < a->len; i++) {
		const ov_json_member *m = &a->u.members[i];
		const ov_json *bv;

		for (j = 0, k = 0; j < i; j++)
			if (same_key(&a->u.members[j], m))
				k++;
		if ((bv = nth_with_key(b, m, k)) == NULL ||
		    !ov_json_equal(&m->value, bv))
			return false;
	}
	return true;
}

/* Deep equality; object member order does not matter. */
bool
ov_json_equal(const ov_json *a, const ov_json *b)
{
	size_t i;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case OV_JSON_NUMBER:
		return number_equal(a, b);
	case OV_JSON_STRING:
		return a->len == b->len &&
		    memcmp(a->u.str, b->u.str, a->len) == 0;
	case OV_JSON_ARRAY:
		if (a->len != b->len)
			return false;
		for (i = 0; i < a->len; i++)
			if (!ov_json_equal(&a->u.items[i], &b->u.items[i]))
				return false;
		return true;
	case OV_JSON_OBJECT:
		return object_equal(a, b);
	default:
		return true;
	}
}

/* Release memory handed out by the library. */
void
ov_free(void *p)
{
	ov__free(p);
}
