/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the template-expression lexer and parser, then evaluate what
 * parses (with no resource: field() reads an empty object).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "overvisor/policy.h"
#include "policy/policy_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ov_arena a = OV_ARENA_INIT;
	struct expr *e = NULL;
	struct evalx ex;
	struct pres r;
	const ov_json *out;
	ov_ctx *ctx = NULL;
	char msg[256];
	size_t off;

	if (size > 4096 || ov_ctx_new(&ctx) < 0)
		return 0;
	ov_ctx_set_now(ctx, 1767225600);
	ov__arena_init(&a, 0, 0);
	if (ov_policy__expr_parse(&a, (const char *)data, size, 32, &e, msg,
	    sizeof(msg), &off) == 0) {
		memset(&ex, 0, sizeof(ex));
		memset(&r, 0, sizeof(r));
		r.body = &ov_policy__v_null;
		ex.ctx = ctx;
		ex.a = &a;
		ex.res = &r;
		ex.fres = &r;
		(void)ov_policy__eval_expr(&ex, e, &out);
	}
	ov__arena_free(&a);
	ov_ctx_free(ctx);
	return 0;
}
