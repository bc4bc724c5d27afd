/* SPDX-License-Identifier: MIT */
/* Helpers shared by the cmocka unit tests. */
#ifndef OV_TESTUTIL_H
#define OV_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/*
 * cmocka's failure path does not return, but its header does not say so:
 * tell the compiler, so that a pointer assert_non_null() has checked is
 * not reported as a potential NULL dereference (gcc -Wnull-dereference
 * in optimised builds).
 */
#undef assert_non_null
#define assert_non_null(c) do {						\
	const void *ov_test_p_ = (const void *)(uintptr_t)(c);		\
	_assert_true(cast_ptr_to_largest_integral_type(ov_test_p_), #c,	\
	    __FILE__, __LINE__);					\
	if (ov_test_p_ == NULL)						\
		__builtin_unreachable();				\
} while (0)

/* Exit status that CTest reports as "skipped". */
#define OV_TEST_SKIP 77

/*
 * The corpus directory ($OVERVISOR_CORPUS, default ../shared/corpus), or
 * NULL after printing why when it is absent.
 */
const char *ov_test_corpus(void);
/* Path of the source tree ($OV_SOURCE_DIR). */
const char *ov_test_srcdir(void);
/* Read a whole file; the caller frees with free().  NULL on failure. */
char *ov_test_read(const char *path, size_t *len);
/* Join two path parts into a static buffer (overwritten per call). */
const char *ov_test_path(const char *a, const char *b);

#endif
