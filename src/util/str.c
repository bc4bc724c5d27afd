/* SPDX-License-Identifier: MIT */
#include "util/str.h"

#include <stdio.h>
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

/* Validate one UTF-8 sequence. */
size_t
ov__utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c, min;
	size_t len, i;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/*
 * Write s to f XML/HTML-escaped; see str.h.
 */
int
ov__xml_fputs(FILE *f, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t i, n = strlen((const char *)p), len;
	unsigned cp;

	for (i = 0; i < n; i += len) {
		unsigned char c = p[i];

		len = 1;
		if (c >= 0x80) {
			if ((len = ov__utf8_decode(p + i, n - i, &cp)) == 0) {
				fputs("\xef\xbf\xbd", f);
				len = 1;
			} else if (cp != 0xfffe && cp != 0xffff)
				fwrite(p + i, 1, len, f);
			continue;
		}
		switch (c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		case '\t':
		case '\n':
		case '\r':
			if (attr)
				fprintf(f, "&#%u;", (unsigned)c);
			else
				putc(c, f);
			break;
		default:
			if (c >= 0x20 && c != 0x7f)
				putc(c, f);
			break;
		}
	}
	return ferror(f) ? -1 : 0;
}
