/* SPDX-License-Identifier: MIT */
/*
 * The JSON parser: one pass, no recursion, no allocation per node.
 *
 * Finished values wait on a value stack (array items) or a member stack
 * (object members); when a container closes, its children are copied into
 * the arena in one piece, so items and members are contiguous and the tree
 * needs no pointers between siblings.  Strings without escapes are scanned
 * eight bytes at a time and copied once; numbers keep their source text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "lib/json/json_int.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/hash.h"

#define STACK_INITIAL	64		/* entries in a fresh stack */
#define BUMP_CHUNK	(16 * 1024)	/* bytes taken from the arena at once */
#define BUMP_DIRECT	(2 * 1024)	/* larger requests go to the arena */

/*
 * Scan and copy strings in one pass: needs bump allocation (not the
 * debug arena) and a little-endian word layout.
 */
#if !defined(OV_ARENA_DEBUG) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    (defined(__GNUC__) || defined(__clang__))
#define OV_JSON_FUSED 1
#else
#define OV_JSON_FUSED 0
#endif

/* An open container. */
struct frame {
	uint8_t		 type;		/* OV_JSON_ARRAY or OV_JSON_OBJECT */
	bool		 maybe_dup;	/* object: two keys share a seen bit */
	size_t		 start;		/* first child on its stack */
	uint64_t	 offset;	/* offset of the opening bracket */
	uint64_t	 seen;		/* object: one bit of each key's hash */
};

struct ov_json_parser {
	ov_ctx		*ctx;		/* error and limits; may be NULL */
	unsigned	 flags;		/* OV_JSON_* parse options */
	uint64_t	 max_depth;	/* OV_LIMIT_JSON_DEPTH */
	uint64_t	 max_string;	/* OV_LIMIT_JSON_STRING */
	uint64_t	 max_doc;	/* OV_LIMIT_JSON_DOCUMENT */
	struct ov_arena	 arena;		/* the tree of the last parse */
	char		*bump;		/* free space in the current chunk */
	char		*bump_end;	/* end of the current chunk */
	ov_json		*vals;		/* finished array items */
	size_t		 n_vals;	/* items on vals */
	size_t		 cap_vals;	/* room in vals */
	ov_json_member	*mems;		/* finished object members */
	size_t		 n_mems;	/* members on mems */
	size_t		 cap_mems;	/* room in mems */
	uint32_t	*dtab;		/* duplicate-key table, large objects */
	size_t		 cap_dtab;	/* slots in dtab (a power of two) */
	ov_json_warn_cb	 warn;		/* warnings, or NULL */
	void		*warn_payload;	/* for warn */
	struct frame	*frames;	/* open containers */
	size_t		 cap_frames;	/* room in frames */
	char		*scratch;	/* unescaped string being built */
	size_t		 cap_scratch;	/* room in scratch */
	ov_json		 root;		/* the last value parsed */
	/* Per parse. */
	const char	*base;		/* start of the input */
	const char	*end;		/* end of the input (or the cut) */
	bool		 cut;		/* end was cut at the document limit */
	ov_json_error	*err;		/* where to describe a failure */
};

/* Describe a failure at byte off of data; see json_int.h. */
int
ov_json__vfail(ov_ctx *ctx, ov_json_error *err, const char *data,
    size_t len, uint64_t off, int code, const char *fmt, va_list ap)
{
	ov_json_error e;

	if (code == OV_ENOMEM)
		snprintf(e.message, sizeof(e.message), "out of memory");
	else
		vsnprintf(e.message, sizeof(e.message), fmt, ap);
	if (off > len)
		off = len;
	e.offset = off;
	ov_json_position(data, len, off, &e.line, &e.column);
	if (code == OV_ENOMEM)
		ov__error_oom(ctx);
	else
		ov__error_at(ctx, code, OV_ERRCLASS_JSON, NULL, e.line,
		    e.column, NULL, "%s", e.message);
	if (err != NULL)
		*err = e;
	return code;
}

/* Describe a failure at p and return code. */
static int
fail(struct ov_json_parser *P, int code, const char *p, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
fail(struct ov_json_parser *P, int code, const char *p, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = ov_json__vfail(P->ctx, P->err, P->base,
	    (size_t)(P->end - P->base), (uint64_t)(p - P->base), code, fmt,
	    ap);
	va_end(ap);
	return error;
}

/* Describe the byte at p for a message ("'x'", "byte 0xff"). */
static const char *
describe(const char *p, char *buf, size_t size)
{
	unsigned char c = (unsigned char)*p;

	if (c > 0x20 && c < 0x7f && c != '\'')
		snprintf(buf, size, "character '%c'", c);
	else
		snprintf(buf, size, "byte 0x%02x", c);
	return buf;
}

/* Bytes from the arena; aligned to 8 when align is set. */
static void *
bump(struct ov_json_parser *P, size_t n, bool align)
{
#ifdef OV_ARENA_DEBUG
	(void)align;
	return ov__arena_alloc(&P->arena, n);
#else
	char *r;

	if (align)
		P->bump = (char *)(((uintptr_t)P->bump + 7) & ~(uintptr_t)7);
	if (P->bump != NULL && (size_t)(P->bump_end - P->bump) >= n) {
		r = P->bump;
		P->bump += n;
		return r;
	}
	if (n > BUMP_DIRECT)
		return ov__arena_alloc(&P->arena, n);
	if ((r = ov__arena_alloc(&P->arena, BUMP_CHUNK)) == NULL)
		return NULL;
	P->bump = r + n;
	P->bump_end = r + BUMP_CHUNK;
	return r;
#endif
}

/* Grow an array of elements of size esize so that it holds need. */
static int
grow(void **arr, size_t *cap, size_t need, size_t esize)
{
	size_t ncap = *cap != 0 ? *cap : STACK_INITIAL;
	void *n;

	while (ncap < need)
		ncap *= 2;
	if ((n = ov__reallocarray(*arr, ncap, esize)) == NULL)
		return OV_ENOMEM;
	*arr = n;
	*cap = ncap;
	return 0;
}

static inline bool
same_key(const ov_json_member *a, const ov_json_member *b)
{
	return a->khash == b->khash && a->klen == b->klen &&
	    ov__eq_ci(a->key, a->klen, b->key, b->klen);
}

/*
 * The offset of the key whose value starts at voff: back over blanks and
 * the ':' to the key's closing quote, then to its opening quote (one not
 * escaped by an odd run of backslashes).  The parser keeps no key
 * offsets, so only a duplicate pays for this; when something else sits
 * between key and value (a lenient-mode comment) the value's offset is
 * close enough.
 */
static uint64_t
key_offset(const struct ov_json_parser *P, uint64_t voff)
{
	const char *b = P->base, *q = b + voff, *r;
	size_t bs;

	while (q > b && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\n' ||
	    q[-1] == '\r'))
		q--;
	if (q == b || *--q != ':')
		return voff;
	while (q > b && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\n' ||
	    q[-1] == '\r'))
		q--;
	if (q == b || *--q != '"')
		return voff;
	for (r = q; r > b; ) {
		if (*--r != '"')
			continue;
		for (bs = 0; r - bs > b && r[-1 - (ptrdiff_t)bs] == '\\'; bs++)
			;
		if (bs % 2 == 0)
			return (uint64_t)(r - b);
	}
	return voff;
}

/*
 * Member j repeats the key of earlier member i: the last value wins, in
 * the first member's place (as ARM and .NET read it); j is marked gone.
 */
static void
merge_dup(struct ov_json_parser *P, ov_json_member *m, size_t i, size_t j)
{
	ov_json_warning w;

	if (P->warn != NULL) {
		w.kind = OV_JSON_WARN_DUPLICATE_KEY;
		w.offset = key_offset(P, m[j].value.offset);
		w.first_offset = key_offset(P, m[i].value.offset);
		w.key = m[j].key;
		w.klen = m[j].klen;
		w.first_key = m[i].key;
		w.first_klen = m[i].klen;
		P->warn(&w, P->warn_payload);
	}
	m[i].value = m[j].value;
	m[j].key = NULL;
}

/*
 * Find repeated keys among the n members of one object (keys compare
 * ASCII case-insensitively, as ARM property names do) and drop the later
 * ones; *np receives the number kept.  Only objects whose keys share a
 * bit of the 64-bit filter the parser keeps per object come here.  Small
 * objects compare hashes pairwise; larger ones go through an
 * open-addressing table of member indexes, so the cost stays linear.
 */
static int
dedupe(struct ov_json_parser *P, size_t start, size_t *np)
{
	ov_json_member *m = P->mems + start;
	size_t n = *np, i, j, k, mask, dups = 0;

	if (n <= 16) {
		for (j = 1; j < n; j++)
			for (i = 0; i < j; i++)
				if (m[i].key != NULL && same_key(&m[i],
				    &m[j])) {
					merge_dup(P, m, i, j);
					dups++;
					break;
				}
	} else {
		size_t want = 32;

		while (want < n * 2)
			want *= 2;
		if (want > P->cap_dtab) {
			void *t = ov__reallocarray(P->dtab, want,
			    sizeof(*P->dtab));

			if (t == NULL)
				return OV_ENOMEM;
			P->dtab = t;
			P->cap_dtab = want;
		}
		memset(P->dtab, 0, want * sizeof(*P->dtab));
		mask = want - 1;
		for (j = 0; j < n; j++) {
			for (k = m[j].khash & mask; P->dtab[k] != 0;
			    k = (k + 1) & mask) {
				i = P->dtab[k] - 1;
				if (same_key(&m[i], &m[j]))
					break;
			}
			if (P->dtab[k] == 0) {
				P->dtab[k] = (uint32_t)j + 1;
				continue;
			}
			merge_dup(P, m, P->dtab[k] - 1, j);
			dups++;
		}
	}
	if (dups == 0)
		return 0;
	for (i = 0, k = 0; i < n; i++)
		if (m[i].key != NULL)
			m[k++] = m[i];
	*np = k;
	return 0;
}

/* Skip whitespace, and comments in lenient mode. */
static inline const char *
skip_ws(struct ov_json_parser *P, const char *p, int *error)
{
	const char *end = P->end;

	/* Compact input: nothing to skip. */
	if (p < end && (unsigned char)*p > ' ' && *p != '/')
		return p;
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' ||
		    *p == '\t'))
			p++;
		if (p >= end || *p != '/' || !(P->flags & OV_JSON_LENIENT))
			return p;
		if (p + 1 < end && p[1] == '/') {
			p += 2;
			while (p < end && *p != '\n')
				p++;
		} else if (p + 1 < end && p[1] == '*') {
			const char *s = p;

			p += 2;
			for (;;) {
				if (p + 1 >= end) {
					*error = fail(P, OV_EPARSE, s,
					    "unterminated comment");
					return NULL;
				}
				if (p[0] == '*' && p[1] == '/')
					break;
				p++;
			}
			p += 2;
		} else {
			return p;
		}
	}
}

/* Append n bytes to the scratch buffer at *len. */
static int
scratch_add(struct ov_json_parser *P, size_t *len, const char *s, size_t n)
{
	if (*len + n + 1 > P->cap_scratch &&
	    grow((void **)&P->scratch, &P->cap_scratch, *len + n + 1, 1) < 0)
		return OV_ENOMEM;
	memcpy(P->scratch + *len, s, n);
	*len += n;
	return 0;
}

/* Encode code point cp as UTF-8 into out; returns the byte count. */
static size_t
utf8_put(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Four hex digits at p (p + 4 <= end checked by the caller); -1 if not. */
static long
hex4(const char *p)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned char c = (unsigned char)p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * The high bit of each byte of w that ends a plain string run: a quote, a
 * backslash, a control character or a non-ASCII byte.  The lowest flagged
 * byte is always a true one.
 */
static inline uint64_t
special(uint64_t w)
{
	uint64_t q = w ^ OV_JSON_REP('"');
	uint64_t b = w ^ OV_JSON_REP('\\');

	return (((q - OV_JSON_REP(1)) & ~q) | ((b - OV_JSON_REP(1)) & ~b) |
	    ((w - OV_JSON_REP(0x20)) & ~w) | w) & OV_JSON_HI;
}

/*
 * Scan the plain run of a string starting at p: stop at a quote, a
 * backslash, a control character, or the end.  Non-ASCII bytes are
 * validated as UTF-8 on the way.  Returns the stop position, or NULL after
 * reporting invalid UTF-8.
 */
static inline const char *
scan_plain(struct ov_json_parser *P, const char *p, int *error)
{
	const char *end = P->end;

	for (;;) {
		while (end - p >= 8 && special(ov_json__load64(p)) == 0)
			p += 8;
		for (;;) {
			unsigned char c;
			size_t n;

			if (p >= end)
				return p;
			c = (unsigned char)*p;
			if (c == '"' || c == '\\' || c < 0x20)
				return p;
			if (c < 0x80) {
				p++;
				continue;
			}
			n = ov_json__utf8_len((const unsigned char *)p,
			    (size_t)(end - p));
			if (n == 0) {
				*error = fail(P, OV_EPARSE, p,
				    "invalid UTF-8 in string");
				return NULL;
			}
			p += n;
			/* Back to word steps after a run of ASCII. */
			if (end - p >= 8 && !((unsigned char)*p & 0x80))
				break;
		}
	}
}

/*
 * Parse a string whose opening quote is at p.  On success *out and *len
 * give the unescaped, NUL-terminated copy in the arena and the position
 * after the closing quote is returned; NULL after an error.
 */
static const char *
parse_string(struct ov_json_parser *P, const char *p, const char **out,
    size_t *len, int *error)
{
	const char *start = p, *s = p + 1, *end = P->end;
	size_t n = 0;
	char *d;
	bool slow = false;

	p = s;
#if OV_JSON_FUSED
	/*
	 * The common case, an ASCII string without escapes: copy word by word
	 * into free arena space while scanning, and finish at the quote.
	 */
	if (P->bump != NULL) {
		size_t room = (size_t)(P->bump_end - P->bump);
		bool hit = false;

#ifdef __SSE2__
		const __m128i vq = _mm_set1_epi8('"');
		const __m128i vb = _mm_set1_epi8('\\');
		const __m128i vc = _mm_set1_epi8(0x20);

		/* Signed bytes below 0x20: control characters and non-ASCII. */
		while (end - p >= 16 && (size_t)(p - s) + 16 <= room) {
			__m128i v = _mm_loadu_si128(
			    (const __m128i *)(const void *)p);
			unsigned m;

			_mm_storeu_si128((__m128i *)(void *)(P->bump + (p - s)),
			    v);
			m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			    _mm_or_si128(_mm_cmpeq_epi8(v, vq),
			    _mm_cmpeq_epi8(v, vb)), _mm_cmplt_epi8(v, vc)));
			if (m != 0) {
				p += __builtin_ctz(m);
				hit = true;
				break;
			}
			p += 16;
		}
#endif
		while (!hit && end - p >= 8 && (size_t)(p - s) + 8 <= room) {
			uint64_t w = ov_json__load64(p);
			uint64_t m = special(w);

			memcpy(P->bump + (p - s), &w, 8);
			if (m != 0) {
				p += (unsigned)__builtin_ctzll(m) >> 3;
				hit = true;
				break;
			}
			p += 8;
		}
		n = (size_t)(p - s);
		if (hit && *p == '"' && n <= P->max_string) {
			d = P->bump;
			d[n] = '\0';
			P->bump += n + 1;
			*out = d;
			*len = n;
			return p + 1;
		}
	}
#endif
	for (;;) {
		unsigned char c;

		if ((p = scan_plain(P, p, error)) == NULL)
			return NULL;
		if (p >= end) {
			*error = fail(P, P->cut ? OV_ELIMIT : OV_EPARSE, start,
			    P->cut ? "document larger than %llu bytes" :
			    "unterminated string",
			    (unsigned long long)P->max_doc);
			return NULL;
		}
		c = (unsigned char)*p;
		if (c == '"')
			break;
		if (c < 0x20) {
			if (P->flags & OV_JSON_LENIENT) {
				p++;
				continue;
			}
			*error = fail(P, OV_EPARSE, p,
			    "unescaped control character 0x%02x in string", c);
			return NULL;
		}
		/* A backslash: build the value in scratch from here on. */
		if (!slow) {
			slow = true;
			n = 0;
		}
		if (scratch_add(P, &n, s, (size_t)(p - s)) < 0)
			goto oom;
		if (p + 1 >= end) {
			*error = fail(P, OV_EPARSE, p, "unterminated string");
			return NULL;
		}
		switch (p[1]) {
		case '"': case '\\': case '/':
			if (scratch_add(P, &n, p + 1, 1) < 0)
				goto oom;
			p += 2;
			break;
		case 'b':
			if (scratch_add(P, &n, "\b", 1) < 0)
				goto oom;
			p += 2;
			break;
		case 'f':
			if (scratch_add(P, &n, "\f", 1) < 0)
				goto oom;
			p += 2;
			break;
		case 'n':
			if (scratch_add(P, &n, "\n", 1) < 0)
				goto oom;
			p += 2;
			break;
		case 'r':
			if (scratch_add(P, &n, "\r", 1) < 0)
				goto oom;
			p += 2;
			break;
		case 't':
			if (scratch_add(P, &n, "\t", 1) < 0)
				goto oom;
			p += 2;
			break;
		case 'u': {
			char u8[4];
			long cp, lo;

			if (end - p < 6 || (cp = hex4(p + 2)) < 0) {
				*error = fail(P, OV_EPARSE, p,
				    "invalid \\u escape in string");
				return NULL;
			}
			if (cp >= 0xd800 && cp <= 0xdbff && end - p >= 12 &&
			    p[6] == '\\' && p[7] == 'u' &&
			    (lo = hex4(p + 8)) >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				p += 6;
			} else if (cp >= 0xd800 && cp <= 0xdfff) {
				if (!(P->flags & OV_JSON_LENIENT)) {
					*error = fail(P, OV_EPARSE, p,
					    "unpaired surrogate \\u%.4s in "
					    "string", p + 2);
					return NULL;
				}
				cp = 0xfffd;
			}
			if (scratch_add(P, &n, u8,
			    utf8_put(u8, (uint32_t)cp)) < 0)
				goto oom;
			p += 6;
			break;
		}
		default: {
			char what[32];

			if ((unsigned char)p[1] > 0x20 &&
			    (unsigned char)p[1] < 0x7f)
				snprintf(what, sizeof(what), "'\\%c'", p[1]);
			else
				snprintf(what, sizeof(what), "'\\' before "
				    "byte 0x%02x", (unsigned char)p[1]);
			*error = fail(P, OV_EPARSE, p,
			    "invalid escape %s in string", what);
			return NULL;
		}
		}
		s = p;
	}
	/* p is at the closing quote. */
	if (slow) {
		if (scratch_add(P, &n, s, (size_t)(p - s)) < 0)
			goto oom;
		s = P->scratch;
	} else {
		n = (size_t)(p - s);
	}
	if (n > P->max_string) {
		*error = fail(P, OV_ELIMIT, start,
		    "string longer than %llu bytes",
		    (unsigned long long)P->max_string);
		return NULL;
	}
	if ((d = bump(P, n + 1, false)) == NULL)
		goto oom;
	memcpy(d, s, n);
	d[n] = '\0';
	*out = d;
	*len = n;
	return p + 1;
oom:
	*error = fail(P, OV_ENOMEM, p, "out of memory");
	return NULL;
}

/* Parse a number at p into v; returns the position after it or NULL. */
static const char *
parse_number(struct ov_json_parser *P, const char *p, ov_json *v, int *error)
{
	const char *s = p, *end = P->end;
	bool integer = true;
	char *d;
	size_t n;

	if (*p == '-')
		p++;
	if (p >= end || (unsigned char)(*p - '0') > 9) {
		*error = fail(P, OV_EPARSE, s, "invalid number");
		return NULL;
	}
	if (*p == '0') {
		p++;
		if (p < end && (unsigned char)(*p - '0') <= 9) {
			*error = fail(P, OV_EPARSE, s,
			    "leading zero in number");
			return NULL;
		}
	} else {
		while (p < end && (unsigned char)(*p - '0') <= 9)
			p++;
	}
	if (p < end && *p == '.') {
		integer = false;
		p++;
		if (p >= end || (unsigned char)(*p - '0') > 9) {
			*error = fail(P, OV_EPARSE, s,
			    "expected a digit after '.' in number");
			return NULL;
		}
		while (p < end && (unsigned char)(*p - '0') <= 9)
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		integer = false;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || (unsigned char)(*p - '0') > 9) {
			*error = fail(P, OV_EPARSE, s,
			    "expected a digit in number exponent");
			return NULL;
		}
		while (p < end && (unsigned char)(*p - '0') <= 9)
			p++;
	}
	/* A number running into a cut stream may go on past the limit. */
	if (P->cut && p == end) {
		*error = fail(P, OV_ELIMIT, s, "document larger than %llu bytes",
		    (unsigned long long)P->max_doc);
		return NULL;
	}
	n = (size_t)(p - s);
	if ((d = bump(P, n + 1, false)) == NULL) {
		*error = fail(P, OV_ENOMEM, s, "out of memory");
		return NULL;
	}
	memcpy(d, s, n);
	d[n] = '\0';
	v->type = OV_JSON_NUMBER;
	v->flags = integer ? OV_JSON_F_INTEGER : 0;
	v->len = (uint32_t)n;
	v->u.str = d;
	return p;
}

/* Report what was found where a value or token was expected. */
static int
unexpected(struct ov_json_parser *P, const char *p, const char *expected)
{
	char buf[32];

	if (p >= P->end) {
		if (P->cut)
			return fail(P, OV_ELIMIT, p,
			    "document larger than %llu bytes",
			    (unsigned long long)P->max_doc);
		return fail(P, OV_EPARSE, p, "unexpected end of input");
	}
	if (expected == NULL)
		return fail(P, OV_EPARSE, p, "unexpected %s",
		    describe(p, buf, sizeof(buf)));
	return fail(P, OV_EPARSE, p, "expected %s, found %s", expected,
	    describe(p, buf, sizeof(buf)));
}

/* Parse one value from P->base; the tree goes to P->root. */
static int
parse(struct ov_json_parser *P, size_t *endoff)
{
	const char *p = P->base, *end = P->end;
	struct frame *f = NULL;
	uint64_t seen = 0;	/* the open object's key filter (f->seen
				   holds it while a child is open) */
	bool maybe_dup = false;	/* its keys share a hash */
	size_t depth = 0;
	ov_json v;
	int error = 0;

	P->n_vals = P->n_mems = 0;
	P->bump = P->bump_end = NULL;
	/* An optional UTF-8 byte order mark (RFC 8259 section 8.1). */
	if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;

value:
	if ((p = skip_ws(P, p, &error)) == NULL)
		return error;
	if (p >= end)
		return unexpected(P, p, NULL);
	v.reserved = 0;
	v.offset = (uint64_t)(p - P->base);
	switch (*p) {
	case '{':
	case '[':
		if (depth >= P->max_depth)
			return fail(P, OV_ELIMIT, p, "nesting deeper than %llu",
			    (unsigned long long)P->max_depth);
		if (f != NULL) {
			f->seen = seen;
			f->maybe_dup = maybe_dup;
		}
		if (depth + 1 > P->cap_frames &&
		    grow((void **)&P->frames, &P->cap_frames, depth + 1,
		    sizeof(*P->frames)) < 0)
			return fail(P, OV_ENOMEM, p, "out of memory");
		f = &P->frames[depth++];
		f->offset = v.offset;
		if (*p == '[') {
			f->type = OV_JSON_ARRAY;
			f->start = P->n_vals;
			if ((p = skip_ws(P, p + 1, &error)) == NULL)
				return error;
			if (p < end && *p == ']') {
				p++;
				goto close;
			}
			goto value;
		}
		f->type = OV_JSON_OBJECT;
		f->start = P->n_mems;
		seen = 0;
		maybe_dup = false;
		if ((p = skip_ws(P, p + 1, &error)) == NULL)
			return error;
		if (p < end && *p == '}') {
			p++;
			goto close;
		}
		goto key;
	case '"': {
		const char *s;
		size_t n;

		if ((p = parse_string(P, p, &s, &n, &error)) == NULL)
			return error;
		v.type = OV_JSON_STRING;
		v.flags = 0;
		v.len = (uint32_t)n;
		v.u.str = s;
		goto done;
	}
	case 't':
		if (end - p >= 4 && memcmp(p, "true", 4) == 0) {
			v.type = OV_JSON_TRUE;
			p += 4;
			goto literal;
		}
		break;
	case 'f':
		if (end - p >= 5 && memcmp(p, "false", 5) == 0) {
			v.type = OV_JSON_FALSE;
			p += 5;
			goto literal;
		}
		break;
	case 'n':
		if (end - p >= 4 && memcmp(p, "null", 4) == 0) {
			v.type = OV_JSON_NULL;
			p += 4;
			goto literal;
		}
		break;
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		if ((p = parse_number(P, p, &v, &error)) == NULL)
			return error;
		goto done;
	default:
		break;
	}
	if (p >= end || *p == ']' || *p == '}' || *p == ',')
		return unexpected(P, p, "a value");
	if (P->cut && end - p < 5)
		return unexpected(P, end, NULL);
	return unexpected(P, p, NULL);

literal:
	v.flags = 0;
	v.len = 0;
	v.u.str = NULL;
	goto done;

close:
	/* The container f ends just before p. */
	v.reserved = 0;
	v.offset = f->offset;
	v.flags = 0;
	if (f->type == OV_JSON_ARRAY) {
		size_t n = P->n_vals - f->start;
		ov_json *items = NULL;

		if (n != 0) {
			if ((items = bump(P, n * sizeof(*items), true)) ==
			    NULL)
				return fail(P, OV_ENOMEM, p, "out of memory");
			memcpy(items, P->vals + f->start, n * sizeof(*items));
		}
		P->n_vals = f->start;
		v.type = OV_JSON_ARRAY;
		v.len = (uint32_t)n;
		v.u.items = items;
	} else {
		size_t n = P->n_mems - f->start;
		ov_json_member *mems = NULL;

		if (maybe_dup && dedupe(P, f->start, &n) < 0)
			return fail(P, OV_ENOMEM, p, "out of memory");
		if (n != 0) {
			if ((mems = bump(P, n * sizeof(*mems), true)) == NULL)
				return fail(P, OV_ENOMEM, p, "out of memory");
			memcpy(mems, P->mems + f->start, n * sizeof(*mems));
		}
		P->n_mems = f->start;
		v.type = OV_JSON_OBJECT;
		v.len = (uint32_t)n;
		v.u.members = mems;
	}
	depth--;
	f = depth != 0 ? &P->frames[depth - 1] : NULL;
	if (f != NULL) {
		seen = f->seen;
		maybe_dup = f->maybe_dup;
	}

done:
	/* v is complete; hand it to the enclosing container. */
	if (f == NULL) {
		P->root = v;
		goto finish;
	}
	if (f->type == OV_JSON_ARRAY) {
		if (P->n_vals == P->cap_vals &&
		    grow((void **)&P->vals, &P->cap_vals, P->n_vals + 1,
		    sizeof(*P->vals)) < 0)
			return fail(P, OV_ENOMEM, p, "out of memory");
		P->vals[P->n_vals++] = v;
		if ((p = skip_ws(P, p, &error)) == NULL)
			return error;
		if (p < end && *p == ',') {
			p++;
			goto value;
		}
		if (p < end && *p == ']') {
			p++;
			goto close;
		}
		return unexpected(P, p, "',' or ']' after array item");
	}
	P->mems[P->n_mems - 1].value = v;
	if ((p = skip_ws(P, p, &error)) == NULL)
		return error;
	if (p < end && *p == ',') {
		if ((p = skip_ws(P, p + 1, &error)) == NULL)
			return error;
		goto key;
	}
	if (p < end && *p == '}') {
		p++;
		goto close;
	}
	return unexpected(P, p, "',' or '}' after object member");

key:
	/* p is at an object key (after '{' or ','). */
	{
		ov_json_member *m;
		const char *s;
		size_t n;

		if (p >= end || *p != '"')
			return unexpected(P, p, "a string key");
		if ((p = parse_string(P, p, &s, &n, &error)) == NULL)
			return error;
		if (P->n_mems == P->cap_mems &&
		    grow((void **)&P->mems, &P->cap_mems, P->n_mems + 1,
		    sizeof(*P->mems)) < 0)
			return fail(P, OV_ENOMEM, p, "out of memory");
		m = &P->mems[P->n_mems++];
		m->key = s;
		m->klen = (uint32_t)n;
		m->khash = ov_json__hash(s, n);
		/* A key whose filter bit is new cannot repeat an earlier
		 * one; otherwise its hash is looked for among the object's
		 * keys so far, and only a match makes the object searched
		 * for duplicates when it closes. */
		{
			uint64_t bit = (uint64_t)1 << (m->khash >> 26);
			const ov_json_member *k;

			if ((seen & bit) != 0 && !maybe_dup)
				for (k = P->mems + f->start; k < m; k++)
					if (k->khash == m->khash) {
						maybe_dup = true;
						break;
					}
			seen |= bit;
		}
		if ((p = skip_ws(P, p, &error)) == NULL)
			return error;
		if (p >= end || *p != ':')
			return unexpected(P, p, "':' after object key");
		p++;
		goto value;
	}

finish:
	if (endoff != NULL)
		*endoff = (size_t)(p - P->base);
	if (P->flags & OV_JSON_PREFIX)
		return 0;
	if ((p = skip_ws(P, p, &error)) == NULL)
		return error;
	if (p < end)
		return fail(P, OV_EPARSE, p,
		    "trailing characters after JSON value");
	return 0;
}

/* Read the limits and set up the input window. */
static int
prepare(struct ov_json_parser *P, const char *data, size_t len,
    ov_json_error *err)
{
	P->err = err;
	P->base = data != NULL ? data : "";
	P->end = P->base + (data != NULL ? len : 0);
	P->cut = false;
	if (data != NULL && len > P->max_doc) {
		if (!(P->flags & OV_JSON_PREFIX))
			return fail(P, OV_ELIMIT, P->base,
			    "document larger than %llu bytes",
			    (unsigned long long)P->max_doc);
		/* A stream: the value must end within the limit. */
		P->end = P->base + P->max_doc;
		P->cut = true;
	}
	return 0;
}

/* Initialise a parser in place. */
static void
parser_init(struct ov_json_parser *P, ov_ctx *ctx, unsigned flags,
    size_t block)
{
	memset(P, 0, sizeof(*P));
	P->ctx = ctx;
	P->flags = flags;
	P->max_depth = ov_ctx_limit(ctx, OV_LIMIT_JSON_DEPTH);
	P->max_string = ov_ctx_limit(ctx, OV_LIMIT_JSON_STRING);
	P->max_doc = ov_ctx_limit(ctx, OV_LIMIT_JSON_DOCUMENT);
	ov__arena_init(&P->arena, block, 0);
}

/* Release the stacks of a parser (not the arena). */
static void
parser_release(struct ov_json_parser *P)
{
	ov__free(P->vals);
	ov__free(P->mems);
	ov__free(P->dtab);
	ov__free(P->frames);
	ov__free(P->scratch);
}

/* Parse a whole document into a new ov_json_doc. */
int
ov_json_parse(ov_json_doc **out, ov_ctx *ctx, const char *data, size_t len,
    unsigned flags, ov_json_error *err)
{
	return ov_json_parse_warn(out, ctx, data, len, flags, err, NULL,
	    NULL);
}

/* As ov_json_parse, with warnings to cb. */
int
ov_json_parse_warn(ov_json_doc **out, ov_ctx *ctx, const char *data,
    size_t len, unsigned flags, ov_json_error *err, ov_json_warn_cb cb,
    void *payload)
{
	struct ov_json_parser P;
	ov_json_doc *doc = NULL;
	size_t block;
	int error;

	OV_ASSERT_ARG(out != NULL);
	*out = NULL;
	/* Trees take about twice their text; fewer, larger blocks. */
	block = len < 16 * 1024 ? 16 * 1024 : len > (32u << 20) ?
	    (64u << 20) : len * 2;
	parser_init(&P, ctx, flags, block);
	P.warn = cb;
	P.warn_payload = payload;
	if ((error = prepare(&P, data, len, err)) < 0)
		goto done;
	if ((error = parse(&P, NULL)) < 0)
		goto done;
	if ((doc = ov__malloc(sizeof(*doc))) == NULL) {
		error = fail(&P, OV_ENOMEM, P.base, "out of memory");
		goto done;
	}
	doc->arena = P.arena;
	doc->root = P.root;
	P.arena = (struct ov_arena)OV_ARENA_INIT;
	*out = doc;
done:
	ov__arena_free(&P.arena);
	parser_release(&P);
	return error;
}

/* The root of a document. */
const ov_json *
ov_json_doc_root(const ov_json_doc *doc)
{
	return doc != NULL ? &doc->root : NULL;
}

/* Release a document and its tree. */
void
ov_json_doc_free(ov_json_doc *doc)
{
	if (doc == NULL)
		return;
	ov__arena_free(&doc->arena);
	ov__free(doc);
}

/* Create a reusable parser. */
int
ov_json_parser_new(ov_json_parser **out, ov_ctx *ctx, unsigned flags)
{
	struct ov_json_parser *P;

	OV_ASSERT_ARG(out != NULL);
	*out = NULL;
	if ((P = ov__malloc(sizeof(*P))) == NULL)
		return ov__error_oom(ctx);
	parser_init(P, ctx, flags, 0);
	*out = P;
	return 0;
}

/* Report warnings of later parses to cb. */
void
ov_json_parser_set_warn(ov_json_parser *p, ov_json_warn_cb cb,
    void *payload)
{
	if (p == NULL)
		return;
	p->warn = cb;
	p->warn_payload = payload;
}

/* Release a parser and the tree of its last parse. */
void
ov_json_parser_free(ov_json_parser *p)
{
	if (p == NULL)
		return;
	ov__arena_free(&p->arena);
	parser_release(p);
	ov__free(p);
}

/* Parse one document, replacing the previous tree. */
int
ov_json_parser_parse(ov_json_parser *p, const char *data, size_t len,
    const ov_json **root, size_t *end, ov_json_error *err)
{
	int error;

	OV_ASSERT_ARG(p != NULL && root != NULL);
	*root = NULL;
	ov__arena_reset(&p->arena);
	if ((error = prepare(p, data, len, err)) < 0)
		return error;
	if ((error = parse(p, end)) < 0)
		return error;
	*root = &p->root;
	return 0;
}

/* Line and column of offset: lines end at '\n', columns count bytes. */
void
ov_json_position(const char *data, size_t len, uint64_t offset,
    unsigned *line, unsigned *column)
{
	const char *p, *nl, *last;
	unsigned l = 1;

	if (data == NULL)
		len = 0;
	if (offset > len)
		offset = len;
	last = data;
	p = data;
	while (p != NULL && (size_t)(p - data) < offset &&
	    (nl = memchr(p, '\n', (size_t)offset - (size_t)(p - data))) !=
	    NULL) {
		l++;
		last = p = nl + 1;
	}
	if (line != NULL)
		*line = l;
	if (column != NULL)
		*column = (unsigned)(offset - (uint64_t)(last - data)) + 1;
}
