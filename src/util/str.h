/* SPDX-License-Identifier: MIT */
/* Byte-string helpers that respect lengths (strings may hold NUL bytes). */
#ifndef OV_UTIL_STR_H
#define OV_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * The first occurrence of the n bytes of needle in the hlen bytes of hay,
 * or NULL.  An empty needle matches at hay.
 */
const char *ov__memmem(const char *hay, size_t hlen, const char *needle,
	    size_t n);

/*
 * Length of the valid UTF-8 sequence at s (1 to 4 bytes, at most n), or 0
 * when the bytes there are not valid UTF-8 (overlong, surrogate, beyond
 * U+10FFFF, truncated).  *cp receives the code point.
 */
size_t	ov__utf8_decode(const unsigned char *s, size_t n, unsigned *cp);

/*
 * Write the C string s (NULL: nothing) to f with the XML/HTML special
 * characters as entities; attributes (attr) also escape TAB, LF and CR.
 * Invalid UTF-8 becomes U+FFFD; other control characters and the
 * non-characters U+FFFE/U+FFFF are dropped.  Returns 0, or -1 when f
 * has a write error.
 */
int	ov__xml_fputs(FILE *f, const char *s, bool attr);

#endif
