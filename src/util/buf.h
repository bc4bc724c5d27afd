/* SPDX-License-Identifier: MIT */
/*
 * Growable byte buffer with a mandatory size cap.  The buffer owns ptr,
 * which is always NUL-terminated once anything was added.  Release it with
 * ov__buf_free(); ov__buf_detach() hands ptr to the caller instead.
 */
#ifndef OV_UTIL_BUF_H
#define OV_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct ov_buf {
	char	*ptr;	/* contents, NUL-terminated; NULL when empty */
	size_t	 len;	/* bytes used, excluding the NUL */
	size_t	 cap;	/* bytes allocated */
	size_t	 max;	/* the most len may reach */
};

#define OV_BUF_INIT(max) { NULL, 0, 0, (max) }
#define OV_BUF_MAX_DEFAULT ((size_t)1 << 32)

void	 ov__buf_init(struct ov_buf *b, size_t max);
/* Each adder returns 0, or OV_ENOMEM when memory or the cap runs out. */
int	 ov__buf_add(struct ov_buf *b, const void *data, size_t n);
int	 ov__buf_puts(struct ov_buf *b, const char *s);
int	 ov__buf_putc(struct ov_buf *b, char c);
int	 ov__buf_printf(struct ov_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	 ov__buf_vprintf(struct ov_buf *b, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
/* Make room for n more bytes without adding them. */
int	 ov__buf_grow(struct ov_buf *b, size_t n);
/* Empty the buffer, keeping its memory. */
void	 ov__buf_clear(struct ov_buf *b);
/* Return ptr (or an empty string when nothing was added); never NULL. */
const char *ov__buf_cstr(const struct ov_buf *b);
/* Hand ptr to the caller (free with ov__free) and empty the buffer. */
char	*ov__buf_detach(struct ov_buf *b);
void	 ov__buf_free(struct ov_buf *b);

#endif
