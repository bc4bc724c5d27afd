/* SPDX-License-Identifier: MIT */
/*
 * Allocation wrappers.  Every heap allocation in overvisor goes through
 * these; raw malloc and friends are banned by scripts/checksrc.  Sizes above
 * OV_MAX_ALLOCATION fail as if memory were exhausted, so a corrupt length
 * can never ask the system for terabytes.  The wrappers return NULL on
 * failure; callers turn that into OV_ENOMEM.
 */
#ifndef OV_UTIL_ALLOC_H
#define OV_UTIL_ALLOC_H

#include <stddef.h>

#define OV_MAX_ALLOCATION ((size_t)1 << 34)	/* 16 GiB */

void	*ov__malloc(size_t n);
void	*ov__calloc(size_t count, size_t size);
void	*ov__realloc(void *p, size_t n);
void	*ov__reallocarray(void *p, size_t count, size_t size);
char	*ov__strdup(const char *s);
char	*ov__strndup(const char *s, size_t n);
void	 ov__free(void *p);

/*
 * Fault injection for tests: after ov__alloc_fail_after(n), the n-th
 * following allocation (0-based) fails and every one after it succeeds.
 * A negative n disables injection.  Returns the number of allocations made
 * since the last call, so a torture loop knows when to stop.
 */
long	 ov__alloc_fail_after(long n);

#endif
