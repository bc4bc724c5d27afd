/* SPDX-License-Identifier: MIT */
#include "util/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"

#define ARENA_ALIGN	16
#define ARENA_DEFAULT	(64 * 1024)

struct ov_arena_block {
	struct ov_arena_block	*next;	/* older block */
	size_t			 size;	/* usable bytes in data */
	size_t			 off;	/* first free byte in data */
	_Alignas(16) unsigned char data[];	/* the memory handed out */
};

/* Prepare an arena with the given block size and byte cap (0 = none). */
void
ov__arena_init(struct ov_arena *a, size_t block_size, size_t cap)
{
	a->head = NULL;
	a->block_size = block_size != 0 ? block_size : ARENA_DEFAULT;
	a->used = 0;
	a->cap = cap;
}

#ifndef OV_ARENA_DEBUG
static struct ov_arena_block *
new_block(struct ov_arena *a, size_t need)
{
	struct ov_arena_block *b;
	size_t size = a->block_size != 0 ? a->block_size : ARENA_DEFAULT;

	if (size < need)
		size = need;
	if ((b = ov__malloc(sizeof(*b) + size)) == NULL)
		return NULL;
	b->size = size;
	b->off = 0;
	b->next = a->head;
	a->head = b;
	return b;
}
#endif

/* Hand out n bytes aligned to 16. */
void *
ov__arena_alloc(struct ov_arena *a, size_t n)
{
	struct ov_arena_block *b;
	size_t need;

	if (n > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need == 0)
		need = ARENA_ALIGN;
	if (a->cap != 0 && (a->used + need > a->cap || a->used + need < need))
		return NULL;
#ifdef OV_ARENA_DEBUG
	if ((b = ov__malloc(sizeof(*b) + n)) == NULL)
		return NULL;
	b->size = n;
	b->off = n;
	b->next = a->head;
	a->head = b;
	a->used += need;
	return b->data;
#else
	b = a->head;
	if (b == NULL || b->size - b->off < need) {
		/* Big requests get a block of their own behind the current one. */
		if (b != NULL && need > a->block_size / 4) {
			struct ov_arena_block *big;

			if ((big = ov__malloc(sizeof(*big) + need)) == NULL)
				return NULL;
			big->size = need;
			big->off = need;
			big->next = b->next;
			b->next = big;
			a->used += need;
			return big->data;
		}
		if ((b = new_block(a, need)) == NULL)
			return NULL;
	}
	b->off += need;
	a->used += need;
	return b->data + b->off - need;
#endif
}

/* Hand out count * size zeroed bytes. */
void *
ov__arena_calloc(struct ov_arena *a, size_t count, size_t size)
{
	void *p;

	if (size != 0 && count > SIZE_MAX / size)
		return NULL;
	if ((p = ov__arena_alloc(a, count * size)) != NULL)
		memset(p, 0, count * size);
	return p;
}

/* Copy n bytes and a terminating NUL into the arena. */
char *
ov__arena_strndup(struct ov_arena *a, const char *s, size_t n)
{
	char *d;

	if (n == SIZE_MAX || (d = ov__arena_alloc(a, n + 1)) == NULL)
		return NULL;
	if (n != 0)
		memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* Copy a NUL-terminated string into the arena. */
char *
ov__arena_strdup(struct ov_arena *a, const char *s)
{
	return ov__arena_strndup(a, s, strlen(s));
}

/* Format into a string owned by the arena. */
char *
ov__arena_printf(struct ov_arena *a, const char *fmt, ...)
{
	va_list ap;
	char small[256], *d;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	if ((size_t)n < sizeof(small))
		return ov__arena_strndup(a, small, (size_t)n);
	if ((d = ov__arena_alloc(a, (size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

/* Drop all allocations; one default-sized block is kept for reuse. */
void
ov__arena_reset(struct ov_arena *a)
{
	struct ov_arena_block *b = a->head, *keep = NULL, *next;

	while (b != NULL) {
		next = b->next;
#ifndef OV_ARENA_DEBUG
		if (keep == NULL && b->size == a->block_size)
			keep = b;
		else
#endif
			ov__free(b);
		b = next;
	}
	if (keep != NULL) {
		keep->off = 0;
		keep->next = NULL;
	}
	a->head = keep;
	a->used = 0;
}

/* Release every block the arena holds. */
void
ov__arena_free(struct ov_arena *a)
{
	struct ov_arena_block *b = a->head, *next;

	while (b != NULL) {
		next = b->next;
		ov__free(b);
		b = next;
	}
	a->head = NULL;
	a->used = 0;
}
