/* SPDX-License-Identifier: MIT */
#include "util/error.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "util/alloc.h"
#include "util/time.h"

static const uint64_t default_limits[OV_LIMIT__COUNT] = {
	[OV_LIMIT_JSON_DEPTH] = 512,
	[OV_LIMIT_JSON_STRING] = 64u << 20,
	[OV_LIMIT_JSON_DOCUMENT] = 1u << 30,
	[OV_LIMIT_EXPR_DEPTH] = 64,
	[OV_LIMIT_COUNT_ITERATIONS] = 100000,
	[OV_LIMIT_EVAL_STEPS] = 1000000,
	[OV_LIMIT_HTTP_BODY] = 256u << 20,
	[OV_LIMIT_PAGES] = 100000,
	[OV_LIMIT_ERRORS_PER_FILE] = 100,
	[OV_LIMIT_THREADS] = 1,
};

static const struct {
	const char *name;	/* symbolic name */
	const char *text;	/* description */
} codes[] = {
	{ "OV_OK", "success" },
	{ "OV_ERROR", "error" },
	{ "OV_ENOTFOUND", "not found" },
	{ "OV_EINVALID", "invalid argument or input" },
	{ "OV_EPARSE", "syntax error" },
	{ "OV_ELIMIT", "limit reached" },
	{ "OV_ENOMEM", "out of memory" },
	{ "OV_EIO", "input/output error" },
	{ "OV_EHTTP", "HTTP error" },
	{ "OV_EAUTH", "authentication failed" },
	{ "OV_ESTORE", "findings store error" },
	{ "OV_EUSER", "stopped by a callback" },
	{ "OV_ITEROVER", "end of iteration" },
	{ "OV_EUNSUPPORTED", "not supported" },
};

/* Create a context with default limits and the system clock. */
int
ov_ctx_new(ov_ctx **out)
{
	ov_ctx *ctx;

	if (out == NULL)
		return OV_EINVALID;
	*out = NULL;
	if ((ctx = ov__calloc(1, sizeof(*ctx))) == NULL)
		return OV_ENOMEM;
	memcpy(ctx->limits, default_limits, sizeof(ctx->limits));
	ctx->err.message = ctx->message;
	*out = ctx;
	return 0;
}

/* Release a context. */
void
ov_ctx_free(ov_ctx *ctx)
{
	ov__free(ctx);
}

/* The last error; code OV_OK when there is none. */
const ov_error *
ov_error_last(const ov_ctx *ctx)
{
	static const ov_error none = { 0, OV_ERRCLASS_NONE, "", NULL, 0, 0,
	    NULL };

	return ctx != NULL ? &ctx->err : &none;
}

/* Forget the last error. */
void
ov_error_clear(ov_ctx *ctx)
{
	if (ctx == NULL)
		return;
	ctx->err.code = OV_OK;
	ctx->err.klass = OV_ERRCLASS_NONE;
	ctx->message[0] = '\0';
	ctx->err.source = NULL;
	ctx->err.pointer = NULL;
	ctx->err.line = ctx->err.column = 0;
}

/* A description of code. */
const char *
ov_strerror(int code)
{
	if (code > 0 || code < OV_ERROR_CODE_MIN)
		return "unknown error";
	return codes[-code].text;
}

/* The symbolic name of code. */
const char *
ov_error_name(int code)
{
	if (code > 0 || code < OV_ERROR_CODE_MIN)
		return "OV_UNKNOWN";
	return codes[-code].name;
}

/* Change one limit. */
int
ov_ctx_set_limit(ov_ctx *ctx, ov_limit which, uint64_t value)
{
	if (ctx == NULL || (unsigned)which >= OV_LIMIT__COUNT || value == 0)
		return OV_EINVALID;
	ctx->limits[which] = value;
	return 0;
}

/* Read one limit; the default when ctx is NULL. */
uint64_t
ov_ctx_limit(const ov_ctx *ctx, ov_limit which)
{
	if ((unsigned)which >= OV_LIMIT__COUNT)
		return 0;
	return ctx != NULL ? ctx->limits[which] : default_limits[which];
}

/* Fix the clock; 0 returns to the system clock. */
void
ov_ctx_set_now(ov_ctx *ctx, int64_t unix_seconds)
{
	if (ctx != NULL)
		ctx->now = unix_seconds;
}

/* Now, from the fixed clock or the system. */
int64_t
ov_ctx_now(const ov_ctx *ctx)
{
	if (ctx != NULL && ctx->now != 0)
		return ctx->now;
	return (int64_t)time(NULL);
}

/* Install a progress callback. */
void
ov_ctx_set_progress(ov_ctx *ctx, ov_progress_cb cb, void *payload)
{
	if (ctx == NULL)
		return;
	ctx->progress = cb;
	ctx->progress_payload = payload;
}

/* Call the progress callback, if any. */
void
ov__progress(ov_ctx *ctx, const char *label, uint64_t done, uint64_t total)
{
	if (ctx != NULL && ctx->progress != NULL)
		ctx->progress(label, done, total, ctx->progress_payload);
}

static void
copy_opt(char *dst, size_t size, const char *src, const char **field)
{
	if (src == NULL) {
		*field = NULL;
		return;
	}
	snprintf(dst, size, "%s", src);
	*field = dst;
}

static int verror_at(ov_ctx *, int, ov_error_class, const char *, unsigned,
    unsigned, const char *, const char *, va_list)
    __attribute__((format(printf, 8, 0)));

static int
verror_at(ov_ctx *ctx, int code, ov_error_class klass, const char *source,
    unsigned line, unsigned column, const char *pointer, const char *fmt,
    va_list ap)
{
	if (ctx == NULL)
		return code;
	ctx->err.code = code;
	ctx->err.klass = klass;
	vsnprintf(ctx->message, sizeof(ctx->message), fmt, ap);
	ctx->err.message = ctx->message;
	copy_opt(ctx->source, sizeof(ctx->source), source, &ctx->err.source);
	copy_opt(ctx->pointer, sizeof(ctx->pointer), pointer,
	    &ctx->err.pointer);
	ctx->err.line = line;
	ctx->err.column = column;
	return code;
}

/* Set the error on ctx and return code. */
int
ov__error(ov_ctx *ctx, int code, ov_error_class klass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(ctx, code, klass, NULL, 0, 0, NULL, fmt, ap);
	va_end(ap);
	return code;
}

/* Set the error with a position on ctx and return code. */
int
ov__error_at(ov_ctx *ctx, int code, ov_error_class klass, const char *source,
    unsigned line, unsigned column, const char *pointer, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(ctx, code, klass, source, line, column, pointer, fmt, ap);
	va_end(ap);
	return code;
}

/* Record an allocation failure. */
int
ov__error_oom(ov_ctx *ctx)
{
	return ov__error(ctx, OV_ENOMEM, OV_ERRCLASS_OS, "out of memory");
}

/* Public wrapper over ov__expiry_parse. */
int
ov_parse_expiry(const char *s, int64_t *out)
{
	OV_ASSERT_ARG(s != NULL && out != NULL);
	return ov__expiry_parse(s, strlen(s), out) ? 0 : OV_EINVALID;
}

/* Public wrapper over ov__expiry_format. */
void
ov_format_expiry(int64_t t, char *buf, size_t size)
{
	if (buf != NULL && size > 0)
		ov__expiry_format(t, buf, size);
}

/* Public wrapper over ov__time_parse. */
int
ov_parse_time(const char *s, int64_t *out)
{
	if (s == NULL || out == NULL)
		return OV_EINVALID;
	return ov__time_parse(s, strlen(s), out) ? 0 : OV_EINVALID;
}

/* Public wrapper over ov__time_format. */
void
ov_format_time(int64_t t, char *buf, size_t size)
{
	ov__time_format(t, buf, size);
}
