/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/exceptions.h
 * @brief Risk exceptions from exceptions.yaml: who accepted which finding,
 * why, and until when.  Every entry must expire.
 *
 * Ownership: an ov_exceptions set from ov_exceptions_load() or
 * ov_exceptions_load_buffer() is owned by the caller and released with
 * ov_exceptions_free(); entries returned by ov_exceptions_get() are borrowed
 * and live as long as the set.
 */
#ifndef OVERVISOR_EXCEPTIONS_H
#define OVERVISOR_EXCEPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/common.h"
#include "overvisor/finding.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The rule id of the finding raised for a lapsed exception. */
#define OV_RULE_EXCEPTION_EXPIRED "OV-ACC-010"

/** One exception entry. */
typedef struct {
	const char	*rule;		/**< rule id glob, e.g. "OV-NET-*" */
	const char	*resource;	/**< resource id glob, case-insensitive */
	const char	*justification;	/**< why the risk is accepted */
	const char	*approver;	/**< who accepted it */
	const char	*ticket;	/**< change or risk ticket */
	int64_t		 expires;	/**< first second it no longer holds */
	const char	*source;	/**< file name */
	unsigned	 line;		/**< 1-based line of the entry */
	unsigned	 column;	/**< 1-based column of the entry */
} ov_exception;

typedef struct ov_exceptions ov_exceptions;

/**
 * Load and validate exceptions.yaml.  On any invalid entry nothing is
 * returned: the error names file:line:column and the problem.
 */
OV_EXTERN(int) ov_exceptions_load(ov_exceptions **out, ov_ctx *ctx,
    const char *path);

/** As ov_exceptions_load(), from memory; name is used in messages. */
OV_EXTERN(int) ov_exceptions_load_buffer(ov_exceptions **out, ov_ctx *ctx,
    const char *name, const char *data, size_t len);

/** Create an empty set (to fill with ov_exceptions_add()). */
OV_EXTERN(int) ov_exceptions_new(ov_exceptions **out);

/** Copy e into the set; rule, resource and expires are required. */
OV_EXTERN(int) ov_exceptions_add(ov_exceptions *set, const ov_exception *e);

/** Release a set.  NULL is ignored. */
OV_EXTERN(void) ov_exceptions_free(ov_exceptions *set);

/** Number of entries. */
OV_EXTERN(size_t) ov_exceptions_count(const ov_exceptions *set);

/** Entry i, or NULL past the end. */
OV_EXTERN(const ov_exception *) ov_exceptions_get(const ov_exceptions *set,
    size_t i);

/** How a finding stands against a set of exceptions. */
typedef enum {
	OV_EXC_NONE = 0,	/**< no entry matches */
	OV_EXC_ACTIVE,		/**< an unexpired entry matches */
	OV_EXC_EXPIRED		/**< only expired entries match */
} ov_exception_match;

/**
 * Check a finding: rule and resource id are matched against each entry's
 * globs ('*' any run, '?' one character, ASCII case-insensitive).  An
 * active entry wins over an expired one.  *which (may be NULL) receives the
 * deciding entry.
 */
OV_EXTERN(ov_exception_match) ov_exceptions_check(const ov_exceptions *set,
    const ov_finding *f, int64_t now, const ov_exception **which);

/**
 * Copy in to out applying the set at time now: a non-compliant finding
 * under an active entry becomes OV_STATE_EXEMPT; one under an expired
 * entry stays non-compliant; and each expired entry adds one
 * OV_RULE_EXCEPTION_EXPIRED finding ("exception expired"), medium severity
 * when it still matches a finding, low otherwise.  out should have its
 * tenant set.
 */
OV_EXTERN(int) ov_exceptions_apply(const ov_exceptions *set, ov_ctx *ctx,
    const ov_findings *in, int64_t now, ov_findings *out);

/** ASCII case-insensitive glob match ('*' and '?'). */
OV_EXTERN(bool) ov_glob_match(const char *pattern, const char *s);

#ifdef __cplusplus
}
#endif
#endif
