/* SPDX-License-Identifier: MIT */
/*
 * ARM template functions available in policy rules, and the policy-only
 * functions (field, parameters, current, requestContext, policy,
 * ipRangeContains, utcNow).  AZP: definition-structure-policy-rule#policy-
 * functions; ARM template-functions-*.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "model/model.h"
#include "policy/policy_int.h"
#include "util/error.h"
#include "util/str.h"
#include "util/time.h"

#define ARG(i)	(argv[(i)])
#define S(v)	((v) != NULL && (v)->type == OV_JSON_STRING)
#define A(v)	((v) != NULL && (v)->type == OV_JSON_ARRAY)
#define O(v)	((v) != NULL && (v)->type == OV_JSON_OBJECT)
#define N(v)	((v) != NULL && (v)->type == OV_JSON_NUMBER)
#define NUL(v)	((v) == NULL || (v)->type == OV_JSON_NULL)
#define RET(x)	do { if ((*out = (x)) == NULL) return OV_ENOMEM; \
		    return 0; } while (0)

static int
need(struct evalx *ex, const struct expr *e, bool ok, const char *what)
{
	if (ok)
		return 0;
	return ov_policy__fail(ex, "%s() expects %s", e->name, what);
}

#define NEED(cond, what) do { int need_e_ = need(ex, e, (cond), (what)); \
	if (need_e_ < 0) return need_e_; } while (0)

static bool
arg_int(const ov_json *v, int64_t *out)
{
	if (ov_policy__int(v, out))
		return true;
	if (S(v)) {
		char *end;
		long long x = strtoll(v->u.str, &end, 10);

		if (end != v->u.str && *end == '\0') {
			*out = x;
			return true;
		}
	}
	return false;
}

/* ---- strings ---------------------------------------------------------- */

static int
f_concat(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	struct ov_buf b = OV_BUF_INIT(1 << 20);
	size_t i, j, n = 0;
	const ov_json **items;

	/* Arrays move their items unread; text needs every argument. */
	for (i = 0; i < argc; i++)
		if (ov_policy__is_unknown(ARG(i)) || (!(argc > 0 &&
		    A(ARG(0))) && ov_policy__find_unknown(ARG(i)) != NULL))
			RET(ov_policy__unknown_as(ex->a,
			    ov_policy__find_unknown(ARG(i)), true));
	if (argc > 0 && A(ARG(0))) {
		for (i = 0; i < argc; i++) {
			NEED(A(ARG(i)) || NUL(ARG(i)), "arrays");
			n += ARG(i) != NULL ? ARG(i)->len : 0;
		}
		items = ov__arena_calloc(ex->a, n + 1, sizeof(*items));
		if (items == NULL)
			return OV_ENOMEM;
		n = 0;
		for (i = 0; i < argc; i++)
			for (j = 0; ARG(i) != NULL && j < ARG(i)->len; j++)
				items[n++] = &ARG(i)->u.items[j];
		RET(ov_policy__v_array(ex->a, items, n));
	}
	for (i = 0; i < argc; i++) {
		const char *s = ov_policy__to_text(ex->a, ARG(i), true);

		if (s == NULL || ov__buf_puts(&b, s) < 0) {
			ov__buf_free(&b);
			return OV_ENOMEM;
		}
	}
	*out = ov_policy__v_str(ex->a, ov__buf_cstr(&b), b.len);
	ov__buf_free(&b);
	return *out != NULL ? 0 : OV_ENOMEM;
}

static int
f_case(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out, bool upper)
{
	const ov_json *v;
	char *s;
	size_t i;

	if (NUL(ARG(0)))
		RET(ov_policy__v_str(ex->a, "", 0));
	NEED(S(ARG(0)), "a string");
	if ((v = ov_policy__v_str(ex->a, ARG(0)->u.str, ARG(0)->len)) == NULL)
		return OV_ENOMEM;
	s = (char *)(uintptr_t)v->u.str;
	for (i = 0; i < v->len; i++)
		s[i] = (char)(upper ? toupper((unsigned char)s[i]) :
		    tolower((unsigned char)s[i]));
	*out = v;
	return 0;
}

static int
f_tolower(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	return f_case(ex, e, argv, argc, out, false);
}

static int
f_toupper(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	return f_case(ex, e, argv, argc, out, true);
}

static int
f_replace(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	struct ov_buf b = OV_BUF_INIT(1 << 20);
	const char *s, *from, *to, *p;
	size_t fl, rest;

	NEED(S(ARG(0)) && S(ARG(1)) && S(ARG(2)), "strings");
	s = ARG(0)->u.str;
	rest = ARG(0)->len;
	from = ARG(1)->u.str;
	to = ARG(2)->u.str;
	fl = ARG(1)->len;
	if (fl == 0)
		RET(ARG(0));
	/* Lengths, not NULs: strings may hold \u0000. */
	while ((p = ov__memmem(s, rest, from, fl)) != NULL) {
		if (ov__buf_add(&b, s, (size_t)(p - s)) < 0 ||
		    ov__buf_add(&b, to, ARG(2)->len) < 0)
			goto oom;
		rest -= (size_t)(p - s) + fl;
		s = p + fl;
	}
	if (ov__buf_add(&b, s, rest) < 0)
		goto oom;
	*out = ov_policy__v_str(ex->a, ov__buf_cstr(&b), b.len);
	ov__buf_free(&b);
	return *out != NULL ? 0 : OV_ENOMEM;
oom:
	ov__buf_free(&b);
	return OV_ENOMEM;
}

static int
f_substring(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	int64_t start = 0, len;

	NEED(S(ARG(0)), "a string");
	if (argc > 1)
		NEED(arg_int(ARG(1), &start), "an integer start index");
	len = (int64_t)ARG(0)->len - start;
	if (argc > 2)
		NEED(arg_int(ARG(2), &len), "an integer length");
	/* Compared without adding: start + len may overflow. */
	if (start < 0 || len < 0 || start > (int64_t)ARG(0)->len ||
	    len > (int64_t)ARG(0)->len - start)
		return ov_policy__fail(ex, "substring() index out of range: "
		    "start %lld, length %lld, string length %u",
		    (long long)start, (long long)len, ARG(0)->len);
	RET(ov_policy__v_str(ex->a, ARG(0)->u.str + start, (size_t)len));
}

static int
f_split(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const ov_json *items[512];
	const char *s, *delims[32];
	size_t nd = 0, n = 0, i, dl[32], rest;

	NEED(S(ARG(0)), "a string");
	if (S(ARG(1))) {
		delims[nd] = ARG(1)->u.str;
		dl[nd++] = ARG(1)->len;
	} else {
		NEED(A(ARG(1)), "a string or an array of delimiters");
		for (i = 0; i < ARG(1)->len && nd < 32; i++) {
			NEED(S(&ARG(1)->u.items[i]), "string delimiters");
			delims[nd] = ARG(1)->u.items[i].u.str;
			dl[nd++] = ARG(1)->u.items[i].len;
		}
	}
	/* Lengths, not NULs: strings may hold \u0000. */
	s = ARG(0)->u.str;
	rest = ARG(0)->len;
	for (;;) {
		const char *best = NULL;
		size_t bl = 0;

		for (i = 0; i < nd; i++) {
			const char *p;

			if (dl[i] == 0)
				continue;
			p = ov__memmem(s, rest, delims[i], dl[i]);
			if (p != NULL && (best == NULL || p < best)) {
				best = p;
				bl = dl[i];
			}
		}
		if (n == sizeof(items) / sizeof(items[0]))
			return ov_policy__fail(ex, "split() produces too many "
			    "parts");
		if (best == NULL) {
			items[n++] = ov_policy__v_str(ex->a, s, rest);
			break;
		}
		items[n++] = ov_policy__v_str(ex->a, s, (size_t)(best - s));
		rest -= (size_t)(best - s) + bl;
		s = best + bl;
	}
	for (i = 0; i < n; i++)
		if (items[i] == NULL)
			return OV_ENOMEM;
	RET(ov_policy__v_array(ex->a, items, n));
}

static int
f_indexof(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out, bool last)
{
	const char *s, *t;
	size_t sl, tl, i;
	int64_t r = -1;

	if (A(ARG(0))) {
		/* ARM: the position of an item in an array. */
		for (i = 0; i < ARG(0)->len; i++)
			if (ov_policy__equal(&ARG(0)->u.items[i], ARG(1),
			    false)) {
				r = (int64_t)i;
				if (!last)
					break;
			}
		RET(ov_policy__v_int(ex->a, r));
	}
	NEED(S(ARG(0)) && S(ARG(1)), "strings");
	s = ARG(0)->u.str;
	t = ARG(1)->u.str;
	sl = ARG(0)->len;
	tl = ARG(1)->len;
	if (tl == 0)
		r = last ? (int64_t)sl - (sl > 0) : 0;
	else
		for (i = 0; i + tl <= sl; i++)
			if (ov__eq_ci(s + i, tl, t, tl)) {
				r = (int64_t)i;
				if (!last)
					break;
			}
	RET(ov_policy__v_int(ex->a, r));
}

static int
f_indexof1(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	return f_indexof(ex, e, argv, argc, out, false);
}

static int
f_lastindexof(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	return f_indexof(ex, e, argv, argc, out, true);
}

static int
f_startswith(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	NEED(S(ARG(0)) && S(ARG(1)), "strings");
	*out = ov_policy__v_bool(ARG(1)->len <= ARG(0)->len &&
	    ov__eq_ci(ARG(0)->u.str, ARG(1)->len, ARG(1)->u.str,
	    ARG(1)->len));
	return 0;
}

static int
f_endswith(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	NEED(S(ARG(0)) && S(ARG(1)), "strings");
	*out = ov_policy__v_bool(ARG(1)->len <= ARG(0)->len &&
	    ov__eq_ci(ARG(0)->u.str + ARG(0)->len - ARG(1)->len,
	    ARG(1)->len, ARG(1)->u.str, ARG(1)->len));
	return 0;
}

static int
f_trim(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const char *s;
	size_t n;

	NEED(S(ARG(0)), "a string");
	s = ARG(0)->u.str;
	n = ARG(0)->len;
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	RET(ov_policy__v_str(ex->a, s, n));
}

static int
f_padleft(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const char *s = ov_policy__to_text(ex->a, ARG(0), true);
	int64_t w;
	char pad = ' ', *buf;
	size_t sl;

	NEED(arg_int(ARG(1), &w) && w >= 0 && w <= 16384,
	    "a total length");
	if (argc > 2) {
		NEED(S(ARG(2)) && ARG(2)->len == 1, "one padding character");
		pad = ARG(2)->u.str[0];
	}
	if (s == NULL)
		return OV_ENOMEM;
	sl = strlen(s);
	if ((int64_t)sl >= w)
		RET(ov_policy__v_str(ex->a, s, sl));
	if ((buf = ov__arena_alloc(ex->a, (size_t)w + 1)) == NULL)
		return OV_ENOMEM;
	memset(buf, pad, (size_t)w - sl);
	memcpy(buf + (size_t)w - sl, s, sl);
	RET(ov_policy__v_str(ex->a, buf, (size_t)w));
}

static int
f_format(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	struct ov_buf b = OV_BUF_INIT(1 << 20);
	const char *s;

	NEED(S(ARG(0)), "a format string");
	for (s = ARG(0)->u.str; *s != '\0'; s++) {
		if ((s[0] == '{' && s[1] == '{') || (s[0] == '}' &&
		    s[1] == '}')) {
			(void)ov__buf_putc(&b, *s++);
			continue;
		}
		if (*s == '{') {
			char *end;
			long i = strtol(s + 1, &end, 10);
			const char *t;

			if (end == s + 1 || i < 0 || (size_t)i + 1 >= argc) {
				ov__buf_free(&b);
				return ov_policy__fail(ex, "format() has a bad "
				    "placeholder");
			}
			while (*end != '}' && *end != '\0')
				end++;
			t = ov_policy__to_text(ex->a, ARG((size_t)i + 1),
			    true);
			(void)ov__buf_puts(&b, t != NULL ? t : "");
			s = *end == '\0' ? end - 1 : end;
			continue;
		}
		(void)ov__buf_putc(&b, *s);
	}
	*out = ov_policy__v_str(ex->a, ov__buf_cstr(&b), b.len);
	ov__buf_free(&b);
	return *out != NULL ? 0 : OV_ENOMEM;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static const ov_json *
b64_encode(struct ov_arena *a, const unsigned char *s, size_t n)
{
	char *o = ov__arena_alloc(a, (n + 2) / 3 * 4 + 1);
	size_t i, j = 0;

	if (o == NULL)
		return NULL;
	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		o[j++] = b64[(v >> 18) & 63];
		o[j++] = b64[(v >> 12) & 63];
		o[j++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		o[j++] = i + 2 < n ? b64[v & 63] : '=';
	}
	return ov_policy__v_str(a, o, j);
}

static int
b64_decode(struct evalx *ex, const char *s, char **out, size_t *n)
{
	size_t len = strlen(s), i, j = 0;
	unsigned v = 0, bits = 0;
	char *o = ov__arena_alloc(ex->a, len + 1);

	if (o == NULL)
		return OV_ENOMEM;
	for (i = 0; i < len; i++) {
		const char *p;

		if (s[i] == '=')
			break;
		if ((p = strchr(b64, s[i])) == NULL || s[i] == '\0')
			return ov_policy__fail(ex, "invalid base64 input");
		v = (v << 6) | (unsigned)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[j++] = (char)((v >> bits) & 0xff);
		}
	}
	o[j] = '\0';
	*out = o;
	*n = j;
	return 0;
}

static int
f_base64(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	NEED(S(ARG(0)), "a string");
	RET(b64_encode(ex->a, (const unsigned char *)ARG(0)->u.str,
	    ARG(0)->len));
}

static int
f_base64tostring(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	char *s;
	size_t n;
	int error;

	NEED(S(ARG(0)), "a string");
	if ((error = b64_decode(ex, ARG(0)->u.str, &s, &n)) < 0)
		return error;
	RET(ov_policy__v_str(ex->a, s, n));
}

static int
f_base64tojson(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	char *s;
	size_t n;
	int error;

	NEED(S(ARG(0)), "a string");
	if ((error = b64_decode(ex, ARG(0)->u.str, &s, &n)) < 0)
		return error;
	if (ov_policy__parse_json(ex->a, NULL, s, n, out) < 0)
		return ov_policy__fail(ex, "base64ToJson() input is not JSON");
	return 0;
}

static int
f_datauri(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const ov_json *enc;
	const char *s;

	NEED(S(ARG(0)), "a string");
	if ((enc = b64_encode(ex->a, (const unsigned char *)ARG(0)->u.str,
	    ARG(0)->len)) == NULL)
		return OV_ENOMEM;
	s = ov__arena_printf(ex->a, "data:text/plain;charset=utf8;base64,%s",
	    enc->u.str);
	RET(s != NULL ? ov_policy__v_str(ex->a, s, strlen(s)) : NULL);
}

static int
f_datauritostring(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	const char *p;
	char *s;
	size_t n;
	int error;

	NEED(S(ARG(0)), "a string");
	if ((p = strstr(ARG(0)->u.str, ";base64,")) == NULL)
		return ov_policy__fail(ex, "dataUriToString() expects a "
		    "base64 data URI");
	if ((error = b64_decode(ex, p + 8, &s, &n)) < 0)
		return error;
	RET(ov_policy__v_str(ex->a, s, n));
}

static int
f_uricomponent(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	struct ov_buf b = OV_BUF_INIT(1 << 20);
	const unsigned char *s;

	NEED(S(ARG(0)), "a string");
	for (s = (const unsigned char *)ARG(0)->u.str; *s != '\0'; s++) {
		if (isalnum(*s) || strchr("-_.~", *s) != NULL)
			(void)ov__buf_putc(&b, (char)*s);
		else
			(void)ov__buf_printf(&b, "%%%02X", *s);
	}
	*out = ov_policy__v_str(ex->a, ov__buf_cstr(&b), b.len);
	ov__buf_free(&b);
	return *out != NULL ? 0 : OV_ENOMEM;
}

static int
f_uricomponenttostring(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	const char *s;
	char *o;
	size_t j = 0;

	NEED(S(ARG(0)), "a string");
	if ((o = ov__arena_alloc(ex->a, ARG(0)->len + 1)) == NULL)
		return OV_ENOMEM;
	for (s = ARG(0)->u.str; *s != '\0'; s++) {
		if (*s == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			char h[3] = { s[1], s[2], '\0' };

			o[j++] = (char)strtol(h, NULL, 16);
			s += 2;
		} else
			o[j++] = *s;
	}
	RET(ov_policy__v_str(ex->a, o, j));
}

static int
f_uri(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const char *base, *rel, *slash, *s;

	NEED(S(ARG(0)) && S(ARG(1)), "strings");
	base = ARG(0)->u.str;
	rel = ARG(1)->u.str;
	slash = strrchr(base, '/');
	if (slash == NULL)
		s = rel;
	else
		s = ov__arena_printf(ex->a, "%.*s%s",
		    (int)(slash - base + 1), base, rel[0] == '/' ? rel + 1 :
		    rel);
	RET(s != NULL ? ov_policy__v_str(ex->a, s, strlen(s)) : NULL);
}

/* AZP: ARM uniqueString is MurmurHash64 (two 32-bit lanes) in base 32. */
static uint32_t
rotl32(uint32_t x, int r)
{
	return (x << r) | (x >> (32 - r));
}

static uint32_t
fmix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bU;
	h ^= h >> 13;
	h *= 0xc2b2ae35U;
	h ^= h >> 16;
	return h;
}

static uint32_t
le32(const unsigned char *p, size_t n)
{
	uint32_t v = 0;
	size_t i;

	for (i = 0; i < n && i < 4; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static uint64_t
murmur64(const unsigned char *d, size_t len)
{
	const uint32_t c1 = 0xab0e9789U, c2 = 0x239b961bU;
	uint32_t h1 = 0, h2 = 0, k1, k2, r0, r1, r2;
	size_t i = 0, rem;

	for (; i + 8 <= len; i += 8) {
		k1 = le32(d + i, 4) * c2;
		k1 = rotl32(k1, 15) * c1;
		k2 = le32(d + i + 4, 4) * c1;
		k2 = rotl32(k2, 17) * c2;
		h1 = rotl32(h1 ^ k1, 19) + h2;
		h1 = h1 * 5 + 0x561ccd1bU;
		h2 = rotl32(h2 ^ k2, 13) + h1;
		h2 = h2 * 5 + 0x0bcaa747U;
	}
	rem = len - i;
	if (rem > 0) {
		k1 = le32(d + i, rem < 4 ? rem : 4) * c2;
		k1 = rotl32(k1, 15) * c1;
		h1 ^= k1;
		if (rem > 4) {
			k2 = le32(d + i + 4, rem - 4) * c1;
			k2 = rotl32(k2, 17) * c2;
			h2 ^= k2;
		}
	}
	r0 = h2 ^ (uint32_t)len;
	r1 = (h1 ^ (uint32_t)len) + r0;
	r2 = r0 + r1;
	r1 = fmix32(r1);
	r2 = fmix32(r2);
	r1 += r2;
	r2 += r1;
	return ((uint64_t)r2 << 32) | r1;
}

/* uniqueString of the parts joined by '-'. */
void
ov_policy__unique_string(const char *const *parts, size_t n, char out[14])
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz234567";
	struct ov_buf b = OV_BUF_INIT(1 << 20);
	uint64_t h;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			(void)ov__buf_putc(&b, '-');
		(void)ov__buf_puts(&b, parts[i]);
	}
	h = murmur64((const unsigned char *)ov__buf_cstr(&b), b.len);
	ov__buf_free(&b);
	for (i = 0; i < 13; i++) {
		out[i] = alpha[(h >> 59) & 31];
		h <<= 5;
	}
	out[13] = '\0';
}

/*
 * guid(): a version 5 (SHA-1, name-based) UUID of the parts joined by '-'
 * in the namespace ARM uses.
 */
void
ov_policy__guid(const char *const *parts, size_t n, char out[37])
{
	static const unsigned char ns[16] = { 0x11, 0xfb, 0x06, 0xfb, 0x71,
	    0x2d, 0x4d, 0xdd, 0x98, 0xc7, 0xe7, 0x1b, 0xbd, 0x58, 0x88, 0x30 };
	unsigned char md[SHA_DIGEST_LENGTH];
	struct ov_buf b = OV_BUF_INIT(1 << 20);
	size_t i;

	(void)ov__buf_add(&b, ns, sizeof(ns));
	for (i = 0; i < n; i++) {
		const char *s = parts[i];

		if (i > 0)
			(void)ov__buf_add(&b, "-\0", 2);
		/* UTF-16LE of ASCII; other bytes are passed through. */
		for (; *s != '\0'; s++) {
			(void)ov__buf_putc(&b, *s);
			(void)ov__buf_putc(&b, '\0');
		}
	}
	SHA1((const unsigned char *)b.ptr, b.len, md);
	ov__buf_free(&b);
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50);
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", md[0], md[1], md[2], md[3], md[4],
	    md[5], md[6], md[7], md[8], md[9], md[10], md[11], md[12], md[13],
	    md[14], md[15]);
}

static int
text_parts(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const char **parts)
{
	size_t i;

	for (i = 0; i < argc; i++) {
		NEED(S(ARG(i)), "string arguments");
		parts[i] = ARG(i)->u.str;
	}
	return 0;
}

static int
f_uniquestring(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const char *parts[512];
	char s[14];
	int error;

	if (argc > 512)
		return ov_policy__fail(ex, "too many arguments");
	if ((error = text_parts(ex, e, argv, argc, parts)) < 0)
		return error;
	ov_policy__unique_string(parts, argc, s);
	RET(ov_policy__v_str(ex->a, s, 13));
}

static int
f_guid(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const char *parts[64];
	char s[37];
	int error;

	if (argc > 64)
		return ov_policy__fail(ex, "too many arguments");
	if ((error = text_parts(ex, e, argv, argc, parts)) < 0)
		return error;
	ov_policy__guid(parts, argc, s);
	RET(ov_policy__v_str(ex->a, s, 36));
}

/* ---- conversion ------------------------------------------------------- */

static int
f_string(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const char *s;

	if (S(ARG(0)))
		RET(ARG(0));
	if ((s = ov_policy__to_text(ex->a, ARG(0), true)) == NULL)
		return OV_ENOMEM;
	if (NUL(ARG(0)))
		s = "";
	RET(ov_policy__v_str(ex->a, s, strlen(s)));
}

static int
f_int(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	int64_t i;

	if (N(ARG(0)))
		RET(ov_policy__v_int(ex->a,
		    (int64_t)trunc(ov_policy__num(ARG(0)))));
	if (!arg_int(ARG(0), &i) && S(ARG(0))) {
		char *end;
		double d = strtod(ARG(0)->u.str, &end);

		if (end != ARG(0)->u.str && *end == '\0' && isfinite(d) &&
		    fabs(d) < 9e18)
			RET(ov_policy__v_int(ex->a, (int64_t)trunc(d)));
	}
	if (!arg_int(ARG(0), &i))
		return ov_policy__fail(ex, "int() cannot convert '%s'",
		    S(ARG(0)) ? ARG(0)->u.str : "value");
	RET(ov_policy__v_int(ex->a, i));
}

static int
f_float(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	char *end;
	double d;

	if (N(ARG(0)))
		RET(ARG(0));
	NEED(S(ARG(0)), "a number or a string");
	d = strtod(ARG(0)->u.str, &end);
	if (end == ARG(0)->u.str || *end != '\0')
		return ov_policy__fail(ex, "float() cannot convert '%s'",
		    ARG(0)->u.str);
	RET(ov_policy__v_num(ex->a, d));
}

static int
f_bool(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const ov_json *v = ARG(0);

	if (v != NULL && (v->type == OV_JSON_TRUE ||
	    v->type == OV_JSON_FALSE))
		RET(v);
	if (N(v))
		RET(ov_policy__v_bool(ov_policy__num(v) != 0));
	if (S(v) && (ov__streq_ci(v->u.str, "true") ||
	    ov__streq_ci(v->u.str, "false")))
		RET(ov_policy__v_bool(ov__streq_ci(v->u.str, "true")));
	if (S(v) && (strcmp(v->u.str, "1") == 0 ||
	    strcmp(v->u.str, "0") == 0))
		RET(ov_policy__v_bool(v->u.str[0] == '1'));
	return ov_policy__fail(ex, "bool() cannot convert the value");
}

static int
f_json(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	NEED(S(ARG(0)), "a string");
	if (ov_policy__parse_json(ex->a, NULL, ARG(0)->u.str, ARG(0)->len,
	    out) < 0) {
		char *end;
		double d = strtod(ARG(0)->u.str, &end);

		/* .NET's reader takes numbers such as ".25" that JSON
		 * does not; json('.25') is common in templates. */
		if (end != ARG(0)->u.str && *end == '\0' && isfinite(d))
			RET(ov_policy__v_num(ex->a, d));
		return ov_policy__fail(ex, "json() input is not valid JSON");
	}
	return 0;
}

static int
f_array(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	if (A(ARG(0)))
		RET(ARG(0));
	RET(ov_policy__v_array(ex->a, argv, 1));
}

static int
f_createarray(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	RET(ov_policy__v_array(ex->a, argv, argc));
}

static int
f_createobject(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const char **keys;
	const ov_json **vals;
	size_t i;

	if (argc % 2 != 0)
		return ov_policy__fail(ex, "createObject() expects key/value "
		    "pairs");
	keys = ov__arena_calloc(ex->a, argc / 2 + 1, sizeof(*keys));
	vals = ov__arena_calloc(ex->a, argc / 2 + 1, sizeof(*vals));
	if (keys == NULL || vals == NULL)
		return OV_ENOMEM;
	for (i = 0; i < argc; i += 2) {
		NEED(S(ARG(i)), "string keys");
		keys[i / 2] = ARG(i)->u.str;
		vals[i / 2] = ARG(i + 1);
	}
	RET(ov_policy__v_object(ex->a, keys, vals, argc / 2));
}

static int
f_null(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	*out = &ov_policy__v_null;
	return 0;
}

static int
f_true(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	*out = &ov_policy__v_true;
	return 0;
}

static int
f_false(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	*out = &ov_policy__v_false;
	return 0;
}

/* ---- collections ------------------------------------------------------ */

static int
f_empty(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const ov_json *v = ARG(0);

	*out = ov_policy__v_bool(NUL(v) || ((S(v) || A(v) || O(v)) &&
	    v->len == 0));
	return 0;
}

static int
f_length(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const ov_json *v = ARG(0);

	if (NUL(v))
		RET(ov_policy__v_int(ex->a, 0));
	NEED(S(v) || A(v) || O(v), "a string, an array or an object");
	RET(ov_policy__v_int(ex->a, v->len));
}

static int
f_firstlast(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out, bool last)
{
	const ov_json *v = ARG(0);

	if (NUL(v) || ((S(v) || A(v)) && v->len == 0)) {
		*out = S(v) ? ov_policy__v_str(ex->a, "", 0) :
		    &ov_policy__v_null;
		return *out != NULL ? 0 : OV_ENOMEM;
	}
	if (A(v))
		RET(&v->u.items[last ? v->len - 1 : 0]);
	NEED(S(v), "an array or a string");
	RET(ov_policy__v_str(ex->a, v->u.str + (last ? v->len - 1 : 0), 1));
}

static int
f_first(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	return f_firstlast(ex, e, argv, argc, out, false);
}

static int
f_last(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	return f_firstlast(ex, e, argv, argc, out, true);
}

static int
f_contains(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const ov_json *c = ARG(0), *x = ARG(1);
	size_t i;

	if (NUL(c)) {
		*out = &ov_policy__v_false;
		return 0;
	}
	if (S(c)) {
		const char *t = ov_policy__to_text(ex->a, x, false);

		*out = ov_policy__v_bool(t != NULL && strstr(c->u.str, t) !=
		    NULL);
		return 0;
	}
	if (A(c)) {
		for (i = 0; i < c->len; i++)
			if (ov_policy__equal(&c->u.items[i], x, false))
				break;
		*out = ov_policy__v_bool(i < c->len);
		return 0;
	}
	NEED(O(c), "a string, an array or an object");
	NEED(S(x), "a string key");
	*out = ov_policy__v_bool(ov_json_getn(c, x->u.str, x->len) != NULL);
	return 0;
}

static int
f_union(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	size_t i, j, k, n = 0, total = 0;

	if (argc > 0 && O(ARG(0))) {
		const char **keys;
		const ov_json **vals;

		for (i = 0; i < argc; i++) {
			NEED(O(ARG(i)) || NUL(ARG(i)), "objects");
			total += ARG(i) != NULL ? ARG(i)->len : 0;
		}
		keys = ov__arena_calloc(ex->a, total + 1, sizeof(*keys));
		vals = ov__arena_calloc(ex->a, total + 1, sizeof(*vals));
		if (keys == NULL || vals == NULL)
			return OV_ENOMEM;
		for (i = 0; i < argc; i++)
			for (j = 0; ARG(i) != NULL && j < ARG(i)->len; j++) {
				keys[n] = ARG(i)->u.members[j].key;
				vals[n++] = &ARG(i)->u.members[j].value;
			}
		RET(ov_policy__v_object(ex->a, keys, vals, n));
	} else {
		const ov_json **items;

		for (i = 0; i < argc; i++) {
			NEED(A(ARG(i)) || NUL(ARG(i)), "arrays");
			total += ARG(i) != NULL ? ARG(i)->len : 0;
		}
		items = ov__arena_calloc(ex->a, total + 1, sizeof(*items));
		if (items == NULL)
			return OV_ENOMEM;
		for (i = 0; i < argc; i++)
			for (j = 0; ARG(i) != NULL && j < ARG(i)->len; j++) {
				const ov_json *v = &ARG(i)->u.items[j];

				for (k = 0; k < n; k++)
					if (ov_policy__equal(items[k], v,
					    false))
						break;
				if (k == n)
					items[n++] = v;
			}
		RET(ov_policy__v_array(ex->a, items, n));
	}
}

static int
f_intersection(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	size_t i, j, k, n = 0;
	const ov_json **items;

	if (O(ARG(0))) {
		const char **keys;
		const ov_json **vals;

		keys = ov__arena_calloc(ex->a, ARG(0)->len + 1, sizeof(*keys));
		vals = ov__arena_calloc(ex->a, ARG(0)->len + 1, sizeof(*vals));
		if (keys == NULL || vals == NULL)
			return OV_ENOMEM;
		for (j = 0; j < ARG(0)->len; j++) {
			const ov_json_member *m = &ARG(0)->u.members[j];

			for (i = 1; i < argc; i++) {
				const ov_json *o;

				NEED(O(ARG(i)), "objects");
				o = ov_json_getn(ARG(i), m->key, m->klen);
				if (o == NULL ||
				    !ov_policy__equal(o, &m->value, false))
					break;
			}
			if (i == argc) {
				keys[n] = m->key;
				vals[n++] = &m->value;
			}
		}
		RET(ov_policy__v_object(ex->a, keys, vals, n));
	}
	NEED(A(ARG(0)), "arrays or objects");
	if ((items = ov__arena_calloc(ex->a, ARG(0)->len + 1,
	    sizeof(*items))) == NULL)
		return OV_ENOMEM;
	for (j = 0; j < ARG(0)->len; j++) {
		const ov_json *v = &ARG(0)->u.items[j];

		for (k = 0; k < n; k++)
			if (ov_policy__equal(items[k], v, false))
				break;
		if (k < n)
			continue;
		for (i = 1; i < argc; i++) {
			NEED(A(ARG(i)), "arrays");
			for (k = 0; k < ARG(i)->len; k++)
				if (ov_policy__equal(&ARG(i)->u.items[k], v,
				    false))
					break;
			if (k == ARG(i)->len)
				break;
		}
		if (i == argc)
			items[n++] = v;
	}
	RET(ov_policy__v_array(ex->a, items, n));
}

static int
f_takeskip(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out, bool take)
{
	const ov_json *v = ARG(0);
	const ov_json **items;
	int64_t k;
	size_t n, from, cnt, i;

	NEED(arg_int(ARG(1), &k), "an integer count");
	if (NUL(v))
		RET(&ov_policy__v_null);
	NEED(A(v) || S(v), "an array or a string");
	n = v->len;
	if (k < 0)
		k = 0;
	if ((size_t)k > n)
		k = (int64_t)n;
	from = take ? 0 : (size_t)k;
	cnt = take ? (size_t)k : n - (size_t)k;
	if (S(v))
		RET(ov_policy__v_str(ex->a, v->u.str + from, cnt));
	if ((items = ov__arena_calloc(ex->a, cnt + 1, sizeof(*items))) ==
	    NULL)
		return OV_ENOMEM;
	for (i = 0; i < cnt; i++)
		items[i] = &v->u.items[from + i];
	RET(ov_policy__v_array(ex->a, items, cnt));
}

static int
f_take(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	return f_takeskip(ex, e, argv, argc, out, true);
}

static int
f_skip(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	return f_takeskip(ex, e, argv, argc, out, false);
}

static int
f_range(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	int64_t start, cnt, i;
	const ov_json **items;

	NEED(arg_int(ARG(0), &start) && arg_int(ARG(1), &cnt) && cnt >= 0 &&
	    cnt <= 10000, "a start and a count up to 10000");
	if (start > INT64_MAX - cnt)
		return ov_policy__fail(ex, "range() overflows a 64-bit "
		    "integer");
	if ((items = ov__arena_calloc(ex->a, (size_t)cnt + 1,
	    sizeof(*items))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < cnt; i++)
		if ((items[i] = ov_policy__v_int(ex->a, start + i)) == NULL)
			return OV_ENOMEM;
	RET(ov_policy__v_array(ex->a, items, (size_t)cnt));
}

static int
f_coalesce(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	size_t i;

	/* An unknown before the first non-null leaves the answer open. */
	for (i = 0; i < argc; i++)
		if (ov_policy__is_unknown(ARG(i)) || !NUL(ARG(i)))
			RET(ARG(i));
	RET(&ov_policy__v_null);
}

static int
f_tryget(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const ov_json *v = ARG(0);
	size_t i;

	for (i = 1; i < argc && v != NULL; i++) {
		int64_t k;

		if (O(v) && S(ARG(i)))
			v = ov_json_getn(v, ARG(i)->u.str, ARG(i)->len);
		else if (A(v) && ov_policy__int(ARG(i), &k))
			v = k >= 0 && (uint64_t)k < v->len ?
			    &v->u.items[k] : NULL;
		else
			v = NULL;
	}
	RET(v != NULL ? v : &ov_policy__v_null);
}

static int
f_join(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	struct ov_buf b = OV_BUF_INIT(1 << 20);
	size_t i;

	NEED(A(ARG(0)) && S(ARG(1)), "an array and a delimiter");
	for (i = 0; i < ARG(0)->len; i++) {
		const char *t = ov_policy__to_text(ex->a,
		    &ARG(0)->u.items[i], true);

		if (i > 0)
			(void)ov__buf_puts(&b, ARG(1)->u.str);
		(void)ov__buf_puts(&b, t != NULL ? t : "");
	}
	*out = ov_policy__v_str(ex->a, ov__buf_cstr(&b), b.len);
	ov__buf_free(&b);
	return *out != NULL ? 0 : OV_ENOMEM;
}

static int
f_objectkeys(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const ov_json **items;
	size_t i;

	NEED(O(ARG(0)), "an object");
	items = ov__arena_calloc(ex->a, ARG(0)->len + 1, sizeof(*items));
	if (items == NULL)
		return OV_ENOMEM;
	for (i = 0; i < ARG(0)->len; i++)
		if ((items[i] = ov_policy__v_str(ex->a,
		    ARG(0)->u.members[i].key, ARG(0)->u.members[i].klen)) ==
		    NULL)
			return OV_ENOMEM;
	RET(ov_policy__v_array(ex->a, items, ARG(0)->len));
}

/* ---- comparison and logic --------------------------------------------- */

static int
f_equals(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	*out = ov_policy__v_bool(ov_policy__equal(ARG(0), ARG(1), false));
	return 0;
}

static int
order(struct evalx *ex, const struct expr *e, const ov_json **argv,
    int *cmp)
{
	if (N(ARG(0)) && N(ARG(1))) {
		double a = ov_policy__num(ARG(0)), b = ov_policy__num(ARG(1));

		*cmp = a < b ? -1 : a > b;
		return 0;
	}
	NEED(S(ARG(0)) && S(ARG(1)), "two numbers or two strings");
	*cmp = ov_policy__strcmp_culture(ARG(0)->u.str, ARG(1)->u.str);
	return 0;
}

#define CMPFN(fname, test) \
static int \
fname(struct evalx *ex, const struct expr *e, const ov_json **argv, \
    size_t argc, const ov_json **out) \
{ \
	int c, error; \
	if ((error = order(ex, e, argv, &c)) < 0) \
		return error; \
	*out = ov_policy__v_bool(test); \
	return 0; \
}
CMPFN(f_less, c < 0)
CMPFN(f_lessorequals, c <= 0)
CMPFN(f_greater, c > 0)
CMPFN(f_greaterorequals, c >= 0)

static int
f_not(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	NEED(ARG(0) != NULL && (ARG(0)->type == OV_JSON_TRUE ||
	    ARG(0)->type == OV_JSON_FALSE), "a boolean");
	*out = ov_policy__v_bool(ARG(0)->type == OV_JSON_FALSE);
	return 0;
}

/* ---- numbers ---------------------------------------------------------- */

static int
arith(struct evalx *ex, const struct expr *e, const ov_json **argv,
    const ov_json **out, char op)
{
	int64_t a, b, r = 0;
	bool overflow = false;

	if (N(ARG(0)) && N(ARG(1)) && (!arg_int(ARG(0), &a) ||
	    !arg_int(ARG(1), &b))) {
		double x = ov_policy__num(ARG(0)), y = ov_policy__num(ARG(1));
		double z = op == '+' ? x + y : op == '-' ? x - y : op == '*' ?
		    x * y : op == '/' && y != 0 ? x / y : op == '%' && y != 0 ?
		    fmod(x, y) : nan("");

		if (!isfinite(z))
			return ov_policy__fail(ex, "%s() divides by zero",
			    e->name);
		RET(ov_policy__v_num(ex->a, z));
	}
	NEED(arg_int(ARG(0), &a) && arg_int(ARG(1), &b), "integers");
	switch (op) {
	case '+': overflow = __builtin_add_overflow(a, b, &r); break;
	case '-': overflow = __builtin_sub_overflow(a, b, &r); break;
	case '*': overflow = __builtin_mul_overflow(a, b, &r); break;
	case '/':
	case '%':
		if (b == 0)
			return ov_policy__fail(ex, "%s() divides by zero",
			    e->name);
		/* INT64_MIN / -1 is the one quotient that does not fit. */
		if (a == INT64_MIN && b == -1)
			overflow = op == '/';
		else
			r = op == '/' ? a / b : a % b;
		break;
	default:
		break;
	}
	if (overflow)
		return ov_policy__fail(ex, "%s() overflows a 64-bit integer",
		    e->name);
	RET(ov_policy__v_int(ex->a, r));
}

#define ARITH(fname, op) \
static int \
fname(struct evalx *ex, const struct expr *e, const ov_json **argv, \
    size_t argc, const ov_json **out) \
{ \
	return arith(ex, e, argv, out, op); \
}
ARITH(f_add, '+')
ARITH(f_sub, '-')
ARITH(f_mul, '*')
ARITH(f_div, '/')
ARITH(f_mod, '%')

static int
minmax(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out, bool max)
{
	const ov_json *const *vs = argv;
	const ov_json **tmp = NULL;
	size_t n = argc, i;
	double best = 0;

	if (argc == 1 && A(ARG(0))) {
		n = ARG(0)->len;
		if ((tmp = ov__arena_calloc(ex->a, n + 1, sizeof(*tmp))) ==
		    NULL)
			return OV_ENOMEM;
		for (i = 0; i < n; i++)
			tmp[i] = &ARG(0)->u.items[i];
		vs = tmp;
	}
	if (n == 0)
		return ov_policy__fail(ex, "%s() of nothing", e->name);
	for (i = 0; i < n; i++) {
		double d;

		NEED(N(vs[i]), "integers");
		d = ov_policy__num(vs[i]);
		if (i == 0 || (max ? d > best : d < best))
			best = d;
	}
	RET(ov_policy__v_num(ex->a, best));
}

static int
f_min(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	return minmax(ex, e, argv, argc, out, false);
}

static int
f_max(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	return minmax(ex, e, argv, argc, out, true);
}

/* ---- dates ------------------------------------------------------------ */

/* ISO 8601 "YYYY-MM-DDTHH:MM:SSZ", or with utcNow()'s 7-digit fraction. */
static const ov_json *
date_value(struct ov_arena *a, int64_t t, bool fraction)
{
	char buf[32], iso[40];

	ov__time_format(t, buf, sizeof(buf));
	if (!fraction)
		return ov_policy__v_str(a, buf, strlen(buf));
	snprintf(iso, sizeof(iso), "%.19s.0000000Z", buf);
	return ov_policy__v_str(a, iso, strlen(iso));
}

static int
f_utcnow(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	int64_t now = ov_ctx_now(ex->ctx);

	if (ex->arm != NULL)
		return ov_policy__f_deploytime(ex, e, argv, argc, out);
	if (argc > 0 && S(ARG(0)) && ARG(0)->len > 0) {
		char buf[32];

		ov__time_format(now, buf, sizeof(buf));
		if (strcmp(ARG(0)->u.str, "d") == 0)
			RET(ov_policy__v_str(ex->a, buf, 10));
		if (strcmp(ARG(0)->u.str, "u") == 0) {
			buf[10] = ' ';
			RET(ov_policy__v_str(ex->a, buf, strlen(buf)));
		}
	}
	RET(date_value(ex->a, now, true));
}

static int
f_adddays(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	int64_t t, d;

	NEED(S(ARG(0)) && ov__time_parse(ARG(0)->u.str, ARG(0)->len, &t),
	    "an ISO 8601 date");
	NEED(arg_int(ARG(1), &d), "an integer number of days");
	if (__builtin_mul_overflow(d, OV_DAY_SECONDS, &d) ||
	    __builtin_add_overflow(t, d, &t))
		return ov_policy__fail(ex, "addDays() leaves the calendar");
	RET(date_value(ex->a, t, false));
}

static int
f_datetimeadd(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	int64_t t, d;
	const char *dur;
	bool neg;

	NEED(S(ARG(0)) && ov__time_parse(ARG(0)->u.str, ARG(0)->len, &t),
	    "an ISO 8601 date");
	NEED(S(ARG(1)), "an ISO 8601 duration");
	dur = ARG(1)->u.str;
	neg = dur[0] == '-';
	if (neg)
		dur++;
	NEED(ov__duration_parse(dur, strlen(dur), &d),
	    "an ISO 8601 duration");
	if (__builtin_add_overflow(t, neg ? -d : d, &t))
		return ov_policy__fail(ex, "%s() leaves the calendar",
		    e->name);
	RET(date_value(ex->a, t, false));
}

/* ---- IP addresses ----------------------------------------------------- */

struct iprange {
	int		 family;	/* 4 or 6 */
	unsigned char	 lo[16];	/* first address */
	unsigned char	 hi[16];	/* last address */
};

static bool
parse_addr(const char *s, size_t n, int *fam, unsigned char out[16])
{
	char buf[64];
	unsigned char tmp[16];

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(out, 0, 16);
	if (inet_pton(AF_INET, buf, tmp) == 1) {
		*fam = 4;
		memcpy(out + 12, tmp, 4);
		return true;
	}
	if (inet_pton(AF_INET6, buf, tmp) == 1) {
		*fam = 6;
		memcpy(out, tmp, 16);
		return true;
	}
	return false;
}

static bool
parse_range(const char *s, struct iprange *r)
{
	const char *slash = strchr(s, '/'), *dash = strchr(s, '-');
	int f2;

	if (slash != NULL) {
		long bits = strtol(slash + 1, NULL, 10);
		int i, total;

		if (!parse_addr(s, (size_t)(slash - s), &r->family, r->lo))
			return false;
		total = r->family == 4 ? 32 : 128;
		if (bits < 0 || bits > total)
			return false;
		bits += 128 - total;
		memcpy(r->hi, r->lo, 16);
		for (i = 0; i < 128; i++) {
			unsigned char m = (unsigned char)(0x80 >> (i % 8));

			if (i < bits)
				continue;
			r->lo[i / 8] &= (unsigned char)~m;
			r->hi[i / 8] |= m;
		}
		return true;
	}
	if (dash != NULL) {
		if (!parse_addr(s, (size_t)(dash - s), &r->family, r->lo) ||
		    !parse_addr(dash + 1, strlen(dash + 1), &f2, r->hi))
			return false;
		return f2 == r->family && memcmp(r->lo, r->hi, 16) <= 0;
	}
	if (!parse_addr(s, strlen(s), &r->family, r->lo))
		return false;
	memcpy(r->hi, r->lo, 16);
	return true;
}

static int
f_iprangecontains(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	struct iprange r, t;

	NEED(S(ARG(0)) && S(ARG(1)), "two address ranges");
	if (!parse_range(ARG(0)->u.str, &r) || !parse_range(ARG(1)->u.str, &t))
		return ov_policy__fail(ex, "ipRangeContains() cannot parse "
		    "'%s' or '%s'", ARG(0)->u.str, ARG(1)->u.str);
	if (r.family != t.family)
		return ov_policy__fail(ex, "ipRangeContains() mixes IPv4 and "
		    "IPv6");
	*out = ov_policy__v_bool(memcmp(r.lo, t.lo, 16) <= 0 &&
	    memcmp(t.hi, r.hi, 16) <= 0);
	return 0;
}

/* ---- policy context --------------------------------------------------- */

static int
f_parameters(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const ov_json *v;

	NEED(S(ARG(0)), "a parameter name");
	if (ex->arm != NULL)
		return ex->arm->parameter(ex->arm->payload, ex, ARG(0)->u.str,
		    ARG(0)->len, out);
	v = ex->pi != NULL ? ov_json_getn(ex->pi->params, ARG(0)->u.str,
	    ARG(0)->len) : NULL;
	if (v == NULL)
		return ov_policy__fail(ex, "parameter '%s' has no value",
		    ARG(0)->u.str);
	*out = v;
	return 0;
}

static int
f_field(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	struct fref *fr = e->fref;
	int error;

	if (fr == NULL) {
		NEED(S(ARG(0)), "a field name");
		if ((error = ov_policy__fref_resolve(ex->set, ex->a,
		    ARG(0)->u.str, ARG(0)->len, &fr)) < 0)
			return error;
	}
	return ov_policy__field_fn(ex, fr, out);
}

static int
f_current(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const struct binding *b;
	const char *n;
	size_t nl;
	int i;

	if (ex->n_bind == 0)
		return ov_policy__fail(ex, "current() used outside a count");
	if (argc == 0) {
		*out = ex->bind[ex->n_bind - 1].value;
		return 0;
	}
	NEED(S(ARG(0)), "a count name or an alias");
	n = ARG(0)->u.str;
	nl = ARG(0)->len;
	for (i = ex->n_bind - 1; i >= 0; i--) {
		size_t bl;

		b = &ex->bind[i];
		if (b->name == NULL)
			continue;
		bl = strlen(b->name);
		if (ov__eq_ci(b->name, bl, n, nl)) {
			*out = b->value;
			return 0;
		}
		/* current('alias[*].prop'): a property of the member. */
		if (b->fr != NULL && nl > bl && n[bl] == '.' &&
		    ov__eq_ci(b->name, bl, n, bl)) {
			struct ppath p;
			const ov_json *v = b->value;
			uint32_t k;
			int error;

			if ((error = ov_policy__path_parse(ex->a, n + bl + 1,
			    nl - bl - 1, &p)) < 0)
				return error;
			for (k = 0; k < p.n && v != NULL; k++)
				v = ov_json_getn(v, p.segs[k].name,
				    p.segs[k].len);
			*out = v != NULL ? v : &ov_policy__v_null;
			return 0;
		}
	}
	return ov_policy__fail(ex, "current('%s') names no enclosing count",
	    n);
}

static int
f_requestcontext(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	const char *keys[1] = { "apiVersion" };
	const ov_json *vals[1];
	const char *v = ex->api_version != NULL ? ex->api_version : "";

	if ((vals[0] = ov_policy__v_str(ex->a, v, strlen(v))) == NULL)
		return OV_ENOMEM;
	RET(ov_policy__v_object(ex->a, keys, vals, 1));
}

static const ov_json *
sv(struct ov_arena *a, const char *s)
{
	return s != NULL ? ov_policy__v_str(a, s, strlen(s)) :
	    &ov_policy__v_null;
}

static int
f_policy(struct evalx *ex, const struct expr *e, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const char *keys[4] = { "assignmentId", "definitionId",
	    "setDefinitionId", "definitionReferenceId" };
	const ov_json *vals[4];
	const struct pinst *pi = ex->pi;

	if (ex->fres != NULL && ex->fres->ctx_policy != NULL)
		RET(ex->fres->ctx_policy);
	/* Without an assignment the ids are empty strings, never null. */
	vals[0] = sv(ex->a, pi != NULL && pi->assignment != NULL ?
	    pi->assignment->id : "");
	vals[1] = sv(ex->a, pi != NULL && pi->def != NULL ? pi->def->id : "");
	vals[2] = sv(ex->a, pi != NULL && pi->set != NULL ? pi->set->id : "");
	vals[3] = sv(ex->a, pi != NULL && pi->ref_id != NULL ? pi->ref_id :
	    "");
	RET(ov_policy__v_object(ex->a, keys, vals, 4));
}

static const ov_json *
object_or_empty(struct ov_arena *a, const ov_json *v)
{
	return ov_json_type_of(v) == OV_JSON_OBJECT ? v :
	    ov_policy__v_object(a, NULL, NULL, 0);
}

/*
 * resourceGroup(): the resource group record of the snapshot when it was
 * collected (its location, tags, managedBy and properties), else what the
 * resource's id tells.
 */
static int
f_resourcegroup(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	const char *keys[7] = { "id", "name", "type", "location", "tags",
	    "properties", "managedBy" };
	const ov_json *vals[7];
	const struct pres *r = ex->fres;
	const struct ov_record *g;
	const char *id = NULL;
	size_t n = 6;

	if (ex->arm != NULL)
		return ov_policy__f_arm_rg(ex, e, argv, argc, out);
	if (r != NULL && r->ctx_rg != NULL)
		RET(r->ctx_rg);
	if (r != NULL && r->subscription != NULL && r->rg != NULL)
		id = ov__arena_printf(ex->a,
		    "/subscriptions/%s/resourceGroups/%s", r->subscription,
		    r->rg);
	vals[0] = sv(ex->a, id);
	vals[1] = sv(ex->a, r != NULL ? r->rg : NULL);
	vals[2] = sv(ex->a, "Microsoft.Resources/resourceGroups");
	if (r != NULL && r->rg != NULL &&
	    (g = ov_policy__scope_record(ex->a, r, r->rg)) != NULL) {
		vals[3] = sv(ex->a, g->place->location);
		vals[4] = object_or_empty(ex->a, g->tags);
		vals[5] = object_or_empty(ex->a, ov_json_get(g->body,
		    "properties"));
		if ((vals[6] = ov_json_get(g->body, "managedBy")) != NULL)
			n = 7;
	} else {
		vals[3] = sv(ex->a, r != NULL ? r->location : NULL);
		vals[4] = ov_policy__v_object(ex->a, NULL, NULL, 0);
		vals[5] = ov_policy__v_object(ex->a, NULL, NULL, 0);
	}
	RET(ov_policy__v_object(ex->a, keys, vals, n));
}

/*
 * subscription(): the subscription record of the snapshot when collected
 * (an ARM body names it displayName, a Resource Graph row name), else what
 * the resource's id tells.
 */
static int
f_subscription(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	const char *keys[4] = { "id", "subscriptionId", "tenantId",
	    "displayName" };
	const ov_json *vals[4];
	const struct pres *r = ex->fres;
	const char *sub = r != NULL ? r->subscription : NULL;
	const struct ov_record *s;
	const ov_json *dn = NULL;

	if (ex->arm != NULL)
		return ov_policy__f_arm_sub(ex, e, argv, argc, out);
	if (r != NULL && r->ctx_sub != NULL)
		RET(r->ctx_sub);
	vals[0] = sv(ex->a, sub != NULL ? ov__arena_printf(ex->a,
	    "/subscriptions/%s", sub) : NULL);
	vals[1] = sv(ex->a, sub);
	vals[2] = &ov_policy__v_null;
	if ((s = ov_policy__scope_record(ex->a, r, NULL)) != NULL) {
		if ((vals[2] = ov_json_get(s->body, "tenantId")) == NULL)
			vals[2] = &ov_policy__v_null;
		if ((dn = ov_json_get(s->body, "displayName")) == NULL)
			dn = ov_json_get(s->body, "name");
	}
	vals[3] = dn != NULL ? dn : &ov_policy__v_null;
	RET(ov_policy__v_object(ex->a, keys, vals, 4));
}

/* ---- the table -------------------------------------------------------- */

#define P FNF_PURE
#define L FNF_LAZY
#define C FNF_POLICY
#define B FNF_BANNED
#define X FNF_NO_ARM
#define SH FNF_SHAPE
#define U FNF_UNKNOWN_OK
#define NL FNF_NULLABLE

const struct fn_def ov_policy__fns[] = {
	{ "add", 2, 2, P, f_add },
	{ "addDays", 2, 2, P, f_adddays },
	{ "and", 1, -1, P | L, NULL },
	{ "array", 1, 1, P | SH, f_array },
	{ "base64", 1, 1, P, f_base64 },
	{ "base64ToJson", 1, 1, P | NL, f_base64tojson },
	{ "base64ToString", 1, 1, P, f_base64tostring },
	{ "bool", 1, 1, P, f_bool },
	{ "coalesce", 1, -1, P | U | NL, f_coalesce },
	{ "concat", 0, -1, P | U, f_concat },
	{ "contains", 2, 2, P, f_contains },
	{ "createArray", 0, -1, P | SH, f_createarray },
	{ "createObject", 0, -1, P | SH, f_createobject },
	{ "current", 0, 1, C | X, f_current },
	{ "dataUri", 1, 1, P, f_datauri },
	{ "dataUriToString", 1, 1, P, f_datauritostring },
	{ "dateTimeAdd", 2, 3, P, f_datetimeadd },
	{ "dateTimeFromEpoch", 1, 1, P, ov_policy__f_epoch_from },
	{ "dateTimeToEpoch", 1, 1, P, ov_policy__f_epoch_to },
	{ "div", 2, 2, P, f_div },
	{ "empty", 1, 1, P | SH, f_empty },
	{ "endsWith", 2, 2, P, f_endswith },
	{ "equals", 2, 2, P, f_equals },
	{ "false", 0, 0, P, f_false },
	{ "field", 1, 1, C | X, f_field },
	{ "first", 1, 1, P | SH | NL, f_first },
	{ "float", 1, 1, P, f_float },
	{ "format", 1, -1, P, f_format },
	{ "greater", 2, 2, P, f_greater },
	{ "greaterOrEquals", 2, 2, P, f_greaterorequals },
	{ "guid", 1, -1, P, f_guid },
	{ "if", 3, 3, P | L, NULL },
	{ "indexOf", 2, 2, P, f_indexof1 },
	{ "int", 1, 1, P, f_int },
	{ "intersection", 2, -1, P, f_intersection },
	{ "ipRangeContains", 2, 2, P | X, f_iprangecontains },
	{ "join", 2, 2, P, f_join },
	{ "json", 1, 1, P | SH | NL, f_json },
	{ "last", 1, 1, P | SH | NL, f_last },
	{ "lastIndexOf", 2, 2, P, f_lastindexof },
	{ "length", 1, 1, P | SH, f_length },
	{ "less", 2, 2, P, f_less },
	{ "lessOrEquals", 2, 2, P, f_lessorequals },
	{ "max", 1, -1, P, f_max },
	{ "min", 1, -1, P, f_min },
	{ "mod", 2, 2, P, f_mod },
	{ "mul", 2, 2, P, f_mul },
	{ "not", 1, 1, P, f_not },
	{ "null", 0, 0, P, f_null },
	{ "objectKeys", 1, 1, P | SH, f_objectkeys },
	{ "or", 1, -1, P | L, NULL },
	{ "padLeft", 2, 3, P, f_padleft },
	{ "parameters", 1, 1, C, f_parameters },
	{ "policy", 0, 0, C | X, f_policy },
	{ "range", 2, 2, P, f_range },
	{ "replace", 3, 3, P, f_replace },
	{ "requestContext", 0, 0, C | X, f_requestcontext },
	{ "resourceGroup", 0, 0, C, f_resourcegroup },
	{ "skip", 2, 2, P | SH, f_skip },
	{ "split", 2, 2, P, f_split },
	{ "startsWith", 2, 2, P, f_startswith },
	{ "string", 1, 1, P, f_string },
	{ "sub", 2, 2, P, f_sub },
	{ "subscription", 0, 0, C, f_subscription },
	{ "substring", 1, 3, P, f_substring },
	{ "take", 2, 2, P | SH, f_take },
	{ "toLower", 1, 1, P, f_tolower },
	{ "toUpper", 1, 1, P, f_toupper },
	{ "trim", 1, 1, P, f_trim },
	{ "true", 0, 0, P, f_true },
	{ "tryGet", 2, -1, P | SH | NL, f_tryget },
	{ "union", 1, -1, P | SH, f_union },
	{ "uniqueString", 1, -1, P, f_uniquestring },
	{ "uri", 2, 2, P, f_uri },
	{ "uriComponent", 1, 1, P, f_uricomponent },
	{ "uriComponentToString", 1, 1, P, f_uricomponenttostring },
	{ "utcNow", 0, 1, C, f_utcnow },
	/*
	 * AZP: definition-structure-policy-rule#policy-functions (excluded):
	 * template deployment functions, in functions_arm.c.
	 */
	{ "copyIndex", 0, 2, B, ov_policy__f_copyindex },
	{ "deployment", 0, 0, B, ov_policy__f_deployment },
	{ "environment", 0, 0, B, ov_policy__f_environment },
	{ "extensionResourceId", 2, -1, B, ov_policy__f_extresourceid },
	{ "filter", 2, 2, B | L, ov_policy__f_higher },
	{ "flatten", 1, 1, B | SH, ov_policy__f_flatten },
	{ "groupBy", 2, 2, B | L, ov_policy__f_higher },
	{ "items", 1, 1, B | SH, ov_policy__f_items },
	{ "lambda", 1, 4, B | L, ov_policy__f_lambda },
	{ "lambdaVariables", 1, 1, B | NL, ov_policy__f_lambdavars },
	{ "listKeys", 0, -1, B | U, ov_policy__f_deploy_unknown },
	{ "managementGroup", 0, 1, B, ov_policy__f_managementgroup },
	{ "managementGroupResourceId", 2, -1, B, ov_policy__f_mgresourceid },
	{ "map", 2, 2, B | L, ov_policy__f_higher },
	{ "mapValues", 2, 2, B | L, ov_policy__f_higher },
	{ "newGuid", 0, 0, B | U, ov_policy__f_deploy_unknown },
	{ "pickZones", 3, 5, B | U, ov_policy__f_deploy_unknown },
	{ "providers", 1, 2, B | U, ov_policy__f_deploy_unknown },
	{ "reduce", 3, 3, B | L, ov_policy__f_higher },
	{ "reference", 1, 3, B | U, ov_policy__f_deploy_unknown },
	{ "resourceId", 1, -1, B, ov_policy__f_resourceid },
	{ "shallowMerge", 1, 1, B | SH, ov_policy__f_shallowmerge },
	{ "sort", 2, 2, B | L, ov_policy__f_higher },
	{ "subscriptionResourceId", 1, -1, B, ov_policy__f_subresourceid },
	{ "tenant", 0, 0, B, ov_policy__f_tenant },
	{ "tenantResourceId", 1, -1, B, ov_policy__f_tenantresourceid },
	{ "toObject", 2, 3, B | L, ov_policy__f_higher },
	{ "variables", 1, 1, B | NL, ov_policy__f_variables },
	/* Not callable by name: ns.fn() and functions overvisor lacks. */
	{ "__udf", 0, -1, B | U | NL | FNF_UDF, ov_policy__f_udf },
	{ "__unsupported", 0, -1, B | U, ov_policy__f_deploy_unknown },
};

const size_t ov_policy__n_fns = sizeof(ov_policy__fns) /
    sizeof(ov_policy__fns[0]);

/* Index of a function by name, case-insensitively; -1 when unknown. */
int
ov_policy__fn_lookup(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ov_policy__n_fns; i++)
		if (ov__eq_ci(ov_policy__fns[i].name,
		    strlen(ov_policy__fns[i].name), name, len))
			return (int)i;
	/* ov_policy__fns also holds "__udf" and "__unsupported", looked up
	 * by the parser itself; a template cannot name them usefully. */
	if (len > 4 && ov__eq_ci(name, 4, "list", 4))
		return ov_policy__fn_lookup("listKeys", 8);
	return -1;
}
