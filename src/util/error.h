/* SPDX-License-Identifier: MIT */
/*
 * Internal side of ov_ctx: the error object, limits and clock.  Errors are
 * set once, where they are detected, and callers pass the code through.
 */
#ifndef OV_UTIL_ERROR_H
#define OV_UTIL_ERROR_H

#include <stdbool.h>
#include <stdio.h>

#include "overvisor/common.h"

struct ov_ctx {
	ov_error	 err;			/* the public view */
	char		 message[512];		/* err.message points here */
	char		 source[512];		/* err.source points here */
	char		 pointer[512];		/* err.pointer points here */
	uint64_t	 limits[OV_LIMIT__COUNT]; /* current limits */
	int64_t		 now;			/* fixed clock, 0 = system */
	ov_progress_cb	 progress;		/* may be NULL */
	void		*progress_payload;	/* passed to progress */
};

/* Set the context error; returns code so callers can "return ov__error(...)". */
int	ov__error(ov_ctx *ctx, int code, ov_error_class klass,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* As ov__error, with a source, a position and a JSON Pointer (any may be 0). */
int	ov__error_at(ov_ctx *ctx, int code, ov_error_class klass,
	    const char *source, unsigned line, unsigned column,
	    const char *pointer, const char *fmt, ...)
	    __attribute__((format(printf, 8, 9)));
/* Set OV_ENOMEM with a fixed message. */
int	ov__error_oom(ov_ctx *ctx);
/* Report progress if a callback is installed. */
void	ov__progress(ov_ctx *ctx, const char *label, uint64_t done,
	    uint64_t total);

/*
 * Misuse of the API: abort in debug builds, return OV_EINVALID in release
 * builds (from a function returning int).
 */
#ifdef NDEBUG
#define OV_ASSERT_ARG(expr) do { if (!(expr)) return OV_EINVALID; } while (0)
#else
#include <assert.h>
#define OV_ASSERT_ARG(expr) assert(expr)
#endif

#endif
