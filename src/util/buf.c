/* SPDX-License-Identifier: MIT */
#include "util/buf.h"

#include <stdio.h>
#include <string.h>

#include "overvisor/common.h"
#include "util/alloc.h"

/* Prepare an empty buffer that may hold at most max bytes. */
void
ov__buf_init(struct ov_buf *b, size_t max)
{
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max != 0 ? max : OV_BUF_MAX_DEFAULT;
}

/* Ensure room for n more bytes plus the terminating NUL. */
int
ov__buf_grow(struct ov_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (b->max == 0)
		b->max = OV_BUF_MAX_DEFAULT;
	if (n > b->max || b->len > b->max - n)
		return OV_ENOMEM;
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap != 0 ? b->cap : 64;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	if ((p = ov__realloc(b->ptr, cap)) == NULL)
		return OV_ENOMEM;
	b->ptr = p;
	b->cap = cap;
	return 0;
}

/* Append n bytes. */
int
ov__buf_add(struct ov_buf *b, const void *data, size_t n)
{
	int error;

	if ((error = ov__buf_grow(b, n)) < 0)
		return error;
	if (n != 0)
		memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return 0;
}

/* Append a NUL-terminated string. */
int
ov__buf_puts(struct ov_buf *b, const char *s)
{
	return ov__buf_add(b, s, strlen(s));
}

/* Append one byte. */
int
ov__buf_putc(struct ov_buf *b, char c)
{
	return ov__buf_add(b, &c, 1);
}

/* Append formatted text. */
int
ov__buf_vprintf(struct ov_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n, error;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return OV_EINVALID;
	if ((error = ov__buf_grow(b, (size_t)n)) < 0)
		return error;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

/* Append formatted text. */
int
ov__buf_printf(struct ov_buf *b, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = ov__buf_vprintf(b, fmt, ap);
	va_end(ap);
	return error;
}

/* Empty the buffer but keep its memory. */
void
ov__buf_clear(struct ov_buf *b)
{
	b->len = 0;
	if (b->ptr != NULL)
		b->ptr[0] = '\0';
}

/* The contents as a C string; an empty string when nothing was added. */
const char *
ov__buf_cstr(const struct ov_buf *b)
{
	return b->ptr != NULL ? b->ptr : "";
}

/* Give the contents to the caller; the buffer is left empty. */
char *
ov__buf_detach(struct ov_buf *b)
{
	char *p = b->ptr;

	if (p == NULL)
		p = ov__strdup("");
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

/* Release the buffer's memory. */
void
ov__buf_free(struct ov_buf *b)
{
	ov__free(b->ptr);
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
}
