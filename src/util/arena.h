/* SPDX-License-Identifier: MIT */
/*
 * Arena allocator: one arena per lifetime (a JSON document, a snapshot, a
 * compiled policy set, a scan result).  Allocations are never freed one by
 * one; ov__arena_reset() drops them all and keeps the first block for reuse,
 * ov__arena_free() releases everything.  Pointers handed out stay valid
 * until the next reset or free.
 *
 * When built with OV_ARENA_DEBUG (the sanitizer build sets it) every
 * allocation is a separate malloc, so AddressSanitizer sees overruns and
 * use after reset.
 */
#ifndef OV_UTIL_ARENA_H
#define OV_UTIL_ARENA_H

#include <stddef.h>

struct ov_arena_block;

struct ov_arena {
	struct ov_arena_block	*head;		/* current block, newest first */
	size_t			 block_size;	/* default size of a new block */
	size_t			 used;		/* bytes handed out in total */
	size_t			 cap;		/* maximum bytes, 0 for none */
};

#define OV_ARENA_INIT { NULL, 0, 0, 0 }

/* Prepare an arena; block_size 0 picks the default (64 KiB). */
void	 ov__arena_init(struct ov_arena *a, size_t block_size, size_t cap);
/* Return n bytes aligned to 16, or NULL when out of memory or over cap. */
void	*ov__arena_alloc(struct ov_arena *a, size_t n);
/* As ov__arena_alloc, zeroed. */
void	*ov__arena_calloc(struct ov_arena *a, size_t count, size_t size);
/* Copy n bytes of s into the arena and NUL-terminate them. */
char	*ov__arena_strndup(struct ov_arena *a, const char *s, size_t n);
/* Copy a NUL-terminated string into the arena. */
char	*ov__arena_strdup(struct ov_arena *a, const char *s);
/* printf into the arena. */
char	*ov__arena_printf(struct ov_arena *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Drop every allocation but keep the first block. */
void	 ov__arena_reset(struct ov_arena *a);
/* Release every block. */
void	 ov__arena_free(struct ov_arena *a);

#endif
