/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the JSON parser, accessors and writer: the key hash,
 * word-at-a-time primitives and UTF-8 validation.
 */
#ifndef OV_LIB_JSON_INT_H
#define OV_LIB_JSON_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "overvisor/json.h"
#include "util/arena.h"

/* A parsed document: the JSON and YAML parsers both build one. */
struct ov_json_doc {
	struct ov_arena	 arena;		/* every node and string */
	ov_json		 root;		/* the root value */
};

/* Every byte of a 64-bit word set to b. */
#define OV_JSON_REP(b)		(0x0101010101010101ULL * (uint64_t)(b))
#define OV_JSON_HI		OV_JSON_REP(0x80)

/* Load 8 unaligned bytes. */
static inline uint64_t
ov_json__load64(const char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/*
 * Fold a word for the key hash: set bit 5 of every byte.  ASCII letters
 * become lower case; a few other bytes merge too ('@' and '`', '[' and '{',
 * controls and punctuation), which only costs an extra comparison.
 */
static inline uint64_t
ov_json__fold64(uint64_t w)
{
	return w | OV_JSON_REP(0x20);
}

/*
 * Length of the valid UTF-8 sequence at p (at most n bytes available), or
 * 0 when the bytes there are not well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF).
 */
static inline size_t
ov_json__utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0;
	if (c < 0xe0) {
		if (n < 2 || (p[1] & 0xc0) != 0x80)
			return 0;
		return 2;
	}
	if (c < 0xf0) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && p[1] < 0xa0)
			return 0;
		if (c == 0xed && p[1] > 0x9f)
			return 0;
		return 3;
	}
	if (c < 0xf5) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 ||
		    (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && p[1] < 0x90)
			return 0;
		if (c == 0xf4 && p[1] > 0x8f)
			return 0;
		return 4;
	}
	return 0;
}

/*
 * Describe a failure at byte off of data (clamped to len) for the JSON
 * parser and the YAML loader alike: the message, line and column go to
 * ctx (class JSON) and, when err is not NULL, to *err.  Returns code.
 */
int	ov_json__vfail(ov_ctx *ctx, ov_json_error *err, const char *data,
	    size_t len, uint64_t off, int code, const char *fmt, va_list ap)
	    __attribute__((format(printf, 7, 0)));

/*
 * The case-folded key hash behind ov_json_key_hash(): keys equal up to
 * ASCII case hash alike; eight bytes at a time.
 */
static inline uint32_t
ov_json__hash(const char *key, size_t klen)
{
	const unsigned char *k = (const unsigned char *)key;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)klen;
	uint64_t w;
	uint32_t lo, hi;
	size_t n = klen;

	while (n > 8) {
		w = ov_json__fold64(ov_json__load64((const char *)k));
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		k += 8;
		n -= 8;
	}
	/*
	 * The last 1 to 8 bytes, without a byte loop: overlapping loads
	 * (the length is already in h, so they stay unambiguous).
	 */
	if (klen >= 8) {
		w = ov_json__load64((const char *)k + n - 8);
	} else if (n >= 4) {
		memcpy(&lo, k, 4);
		memcpy(&hi, k + n - 4, 4);
		w = (uint64_t)lo | (uint64_t)hi << 32;
	} else if (n != 0) {
		w = (uint64_t)k[0] | (uint64_t)k[n / 2] << 8 |
		    (uint64_t)k[n - 1] << 16;
	} else {
		w = 0;
	}
	w = ov_json__fold64(w);
	h = (h ^ w) * 0xff51afd7ed558ccdULL;
	h ^= h >> 32;
	return (uint32_t)h;
}

#endif
