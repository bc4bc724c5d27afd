/* SPDX-License-Identifier: MIT */
#include "util/str.h"

#include <string.h>

/* Find needle in hay by length; see str.h. */
const char *
ov__memmem(const char *hay, size_t hlen, const char *needle, size_t n)
{
	const char *p, *end;

	if (n == 0)
		return hay;
	if (n > hlen)
		return NULL;
	end = hay + hlen - n;
	for (p = hay; p <= end; p++) {
		p = memchr(p, needle[0], (size_t)(end - p) + 1);
		if (p == NULL)
			return NULL;
		if (memcmp(p, needle, n) == 0)
			return p;
	}
	return NULL;
}
