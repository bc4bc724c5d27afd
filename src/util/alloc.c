/* SPDX-License-Identifier: MIT */
#include "util/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Fault injection state.  Thread-local: a torture test drives one thread,
 * and threads that evaluate in parallel must not race on the counters.
 */
static _Thread_local long fail_countdown = -1;	/* allocations before a
						   failure, -1 = never */
static _Thread_local long alloc_count;		/* allocations since the
						   last reset */

static int
should_fail(void)
{
	alloc_count++;
	if (fail_countdown < 0)
		return 0;
	if (fail_countdown-- == 0)
		return 1;
	return 0;
}

/* Make allocation number n (counted from now) fail; return the old count. */
long
ov__alloc_fail_after(long n)
{
	long made = alloc_count;

	alloc_count = 0;
	fail_countdown = n;
	return made;
}

/* Allocate n bytes, or NULL when n is over the cap or memory is out. */
void *
ov__malloc(size_t n)
{
	if (n > OV_MAX_ALLOCATION || should_fail())
		return NULL;
	return malloc(n == 0 ? 1 : n);	/* checksrc: allow */
}

/* Allocate zeroed memory for count elements of size bytes each. */
void *
ov__calloc(size_t count, size_t size)
{
	if (size != 0 && count > OV_MAX_ALLOCATION / size)
		return NULL;
	if (should_fail())
		return NULL;
	return calloc(count == 0 ? 1 : count, size == 0 ? 1 : size);	/* checksrc: allow */
}

/* Resize p to n bytes; p is untouched on failure. */
void *
ov__realloc(void *p, size_t n)
{
	if (n > OV_MAX_ALLOCATION || should_fail())
		return NULL;
	return realloc(p, n == 0 ? 1 : n);	/* checksrc: allow */
}

/* Resize p to count * size bytes, checking the product for overflow. */
void *
ov__reallocarray(void *p, size_t count, size_t size)
{
	if (size != 0 && count > OV_MAX_ALLOCATION / size)
		return NULL;
	return ov__realloc(p, count * size);
}

/* Duplicate a NUL-terminated string. */
char *
ov__strdup(const char *s)
{
	return ov__strndup(s, strlen(s));
}

/* Duplicate the first n bytes of s and terminate the copy. */
char *
ov__strndup(const char *s, size_t n)
{
	char *d;

	if (n == SIZE_MAX || (d = ov__malloc(n + 1)) == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* Release memory from any wrapper above.  NULL is ignored. */
void
ov__free(void *p)
{
	free(p);	/* checksrc: allow */
}
