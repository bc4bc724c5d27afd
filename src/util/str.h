/* SPDX-License-Identifier: MIT */
/* Byte-string helpers that respect lengths (strings may hold NUL bytes). */
#ifndef OV_UTIL_STR_H
#define OV_UTIL_STR_H

#include <stddef.h>

/*
 * The first occurrence of the n bytes of needle in the hlen bytes of hay,
 * or NULL.  An empty needle matches at hay.
 */
const char *ov__memmem(const char *hay, size_t hlen, const char *needle,
	    size_t n);

#endif
