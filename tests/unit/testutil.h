/* SPDX-License-Identifier: MIT */
/* Helpers shared by the cmocka unit tests. */
#ifndef OV_TESTUTIL_H
#define OV_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

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
