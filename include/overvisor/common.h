/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/common.h
 * @brief Export macro, error codes, the error object and the context handle.
 *
 * Ownership: an ov_ctx is created with ov_ctx_new() and released with
 * ov_ctx_free(); every pointer returned by a getter on it is borrowed and
 * lives until the next call that may fail on the same context.
 */
#ifndef OVERVISOR_COMMON_H
#define OVERVISOR_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define OV_EXTERN(type) extern __attribute__((visibility("default"))) type
#else
#define OV_EXTERN(type) extern type
#endif

/** Library version. */
#define OV_VERSION "0.1.0"

/**
 * Error codes returned by every function that can fail.  Append only; a
 * code is never renumbered or reused.
 */
typedef enum {
	OV_OK = 0,
	OV_ERROR = -1,		/**< generic; see ov_error_last() */
	OV_ENOTFOUND = -2,	/**< the named thing does not exist */
	OV_EINVALID = -3,	/**< bad argument or malformed input */
	OV_EPARSE = -4,		/**< syntax error; position is set */
	OV_ELIMIT = -5,		/**< a configured limit was reached */
	OV_ENOMEM = -6,		/**< an allocation failed or exceeded its cap */
	OV_EIO = -7,		/**< a file could not be read or written */
	OV_EHTTP = -8,		/**< an HTTP exchange failed */
	OV_EAUTH = -9,		/**< authentication or authorization failed */
	OV_ESTORE = -10,	/**< the findings store failed */
	OV_EUSER = -11,		/**< returned by a callback; passed through */
	OV_ITEROVER = -12,	/**< end of iteration, not an error */
	OV_EUNSUPPORTED = -13	/**< valid input that overvisor does not support */
} ov_error_code;

/** The lowest error code in use; for tests that walk every code. */
#define OV_ERROR_CODE_MIN (-13)

/** Where an error came from. */
typedef enum {
	OV_ERRCLASS_NONE = 0,
	OV_ERRCLASS_OS,		/**< operating system, memory */
	OV_ERRCLASS_JSON,	/**< JSON syntax */
	OV_ERRCLASS_INPUT,	/**< snapshot and input adapters */
	OV_ERRCLASS_POLICY,	/**< policy definitions and expressions */
	OV_ERRCLASS_CONFIG,	/**< contract, exceptions, options */
	OV_ERRCLASS_COLLECT,	/**< live collection */
	OV_ERRCLASS_STORE,	/**< findings store */
	OV_ERRCLASS_INTERNAL	/**< a bug in overvisor */
} ov_error_class;

/** The last error on a context.  All strings are borrowed from the context. */
typedef struct {
	int		 code;		/**< an ov_error_code */
	ov_error_class	 klass;		/**< where it came from */
	const char	*message;	/**< one line, no trailing period */
	const char	*source;	/**< file or URL, or NULL */
	unsigned	 line;		/**< 1-based line, 0 if unknown */
	unsigned	 column;	/**< 1-based column, 0 if unknown */
	const char	*pointer;	/**< JSON Pointer to the failing node, or NULL */
} ov_error;

/** A library context: error state, limits, clock and progress reporting. */
typedef struct ov_ctx ov_ctx;

/** Tunable limits; see ov_ctx_set_limit().  Defaults are in docs/limits.md. */
typedef enum {
	OV_LIMIT_JSON_DEPTH = 0,	/**< nesting depth of a JSON document */
	OV_LIMIT_JSON_STRING,		/**< bytes in one JSON string */
	OV_LIMIT_JSON_DOCUMENT,		/**< bytes in one JSON document */
	OV_LIMIT_EXPR_DEPTH,		/**< nesting of policy expressions */
	OV_LIMIT_COUNT_ITERATIONS,	/**< elements visited by one count */
	OV_LIMIT_EVAL_STEPS,		/**< steps for one (rule, record) */
	OV_LIMIT_HTTP_BODY,		/**< bytes in one HTTP response body */
	OV_LIMIT_PAGES,			/**< pages fetched per collection query */
	OV_LIMIT_ERRORS_PER_FILE,	/**< diagnostics kept per input file */
	OV_LIMIT_THREADS,		/**< threads that load and evaluate at
					     once (1; the CLI uses one per
					     processor) */
	OV_LIMIT__COUNT
} ov_limit;

/**
 * Create a context.  On success *out is owned by the caller and must be
 * released with ov_ctx_free().
 */
OV_EXTERN(int) ov_ctx_new(ov_ctx **out);

/** Release a context and everything it owns.  NULL is ignored. */
OV_EXTERN(void) ov_ctx_free(ov_ctx *ctx);

/** The last error set on ctx; never NULL (code is OV_OK when none). */
OV_EXTERN(const ov_error *) ov_error_last(const ov_ctx *ctx);

/** Clear the last error on ctx. */
OV_EXTERN(void) ov_error_clear(ov_ctx *ctx);

/** A static description of an error code; never NULL. */
OV_EXTERN(const char *) ov_strerror(int code);

/** The symbolic name of an error code ("OV_EPARSE"); never NULL. */
OV_EXTERN(const char *) ov_error_name(int code);

/** Set a limit; returns OV_EINVALID for an unknown limit or zero value. */
OV_EXTERN(int) ov_ctx_set_limit(ov_ctx *ctx, ov_limit which, uint64_t value);

/** Read a limit. */
OV_EXTERN(uint64_t) ov_ctx_limit(const ov_ctx *ctx, ov_limit which);

/**
 * Fix the clock used for due dates, ages and utcNow(), in seconds since the
 * Unix epoch; 0 returns to the system clock.
 */
OV_EXTERN(void) ov_ctx_set_now(ov_ctx *ctx, int64_t unix_seconds);

/** The context's notion of now, in seconds since the Unix epoch. */
OV_EXTERN(int64_t) ov_ctx_now(const ov_ctx *ctx);

/**
 * Progress callback: called with a short label, the units done and the total
 * (0 when unknown).  The CLI draws a bar on a TTY; libraries stay silent.
 */
typedef void (*ov_progress_cb)(const char *label, uint64_t done,
    uint64_t total, void *payload);

/** Install a progress callback; NULL removes it. */
OV_EXTERN(void) ov_ctx_set_progress(ov_ctx *ctx, ov_progress_cb cb,
    void *payload);

/**
 * Parse an ISO 8601 date or date-time into seconds since the Unix epoch
 * (UTC; a missing zone means UTC).  Returns OV_EINVALID when s is not one.
 */
OV_EXTERN(int) ov_parse_time(const char *s, int64_t *out);

/**
 * Parse an expiry date or date-time (exceptions, --except): *out is the
 * first instant at which it no longer holds; a bare date holds through the
 * end of that day (UTC).  Returns OV_EINVALID for anything else, an
 * impossible date ("2020-13-45") included.
 */
OV_EXTERN(int) ov_parse_expiry(const char *s, int64_t *out);

/**
 * Format an expiry instant as people write it: the last day it holds
 * ("2026-06-30" for an expiry of 2026-07-01T00:00:00Z), or the full
 * "YYYY-MM-DDTHH:MM:SSZ" when it is not at midnight.  buf holds at least
 * 21 bytes.
 */
OV_EXTERN(void) ov_format_expiry(int64_t t, char *buf, size_t size);

/**
 * Format Unix seconds as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21
 * bytes).
 */
OV_EXTERN(void) ov_format_time(int64_t t, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
