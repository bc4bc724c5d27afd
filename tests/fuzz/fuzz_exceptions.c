/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the exceptions.yaml loader: any input is either accepted or
 * rejected with a positioned error; accepted sets are then exercised
 * through the glob matcher.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "overvisor/exceptions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ov_exceptions *set = NULL;
	ov_ctx *ctx = NULL;
	ov_finding f;
	size_t i;

	if (ov_ctx_new(&ctx) < 0)
		return 0;
	if (ov_exceptions_load_buffer(&set, ctx, "fuzz.yaml",
	    (const char *)data, size) == 0) {
		memset(&f, 0, sizeof(f));
		f.rule = "OV-NET-001";
		f.resource_id = "/subscriptions/s/resourceGroups/rg/providers/"
		    "Microsoft.Network/networkSecurityGroups/nsg";
		f.state = OV_STATE_NON_COMPLIANT;
		(void)ov_exceptions_check(set, &f, 1735689600, NULL);
		for (i = 0; i < ov_exceptions_count(set); i++) {
			const ov_exception *e = ov_exceptions_get(set, i);

			(void)ov_glob_match(e->resource, e->rule);
			(void)ov_glob_match(e->rule, e->resource);
		}
	}
	ov_exceptions_free(set);
	ov_ctx_free(ctx);
	return 0;
}
