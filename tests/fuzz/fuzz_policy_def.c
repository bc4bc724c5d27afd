/* SPDX-License-Identifier: MIT */
/* Fuzz the definition loader and compiler, then evaluate on one record. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "overvisor/policy.h"
#include "policy/policy_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char res[] = "{\"id\":\"/subscriptions/s/resourceGroups/"
	    "r/providers/Microsoft.Storage/storageAccounts/a\",\"name\":\"a\","
	    "\"type\":\"Microsoft.Storage/storageAccounts\",\"location\":"
	    "\"eastus\",\"tags\":{\"k\":\"v\"},\"properties\":{\"x\":[1,{\"y\":"
	    "2}],\"s\":\"t\"}}";
	ov_ctx *ctx = NULL;
	ov_policy_set *set = NULL;
	ov_json_doc *doc = NULL;
	struct ov_arena a = OV_ARENA_INIT;
	struct presult pr;
	struct pres r;
	size_t i;

	if (ov_ctx_new(&ctx) < 0)
		return 0;
	ov_ctx_set_now(ctx, 1767225600);
	if (ov_policy_set_new(&set, ctx) == 0 &&
	    ov_policy_set_add_buffer(set, "fuzz.json", (const char *)data,
	    size) == 0 && ov_policy_set_compile(set) == 0 &&
	    ov_json_parse(&doc, NULL, res, strlen(res), 0, NULL) == 0) {
		ov__arena_init(&a, 0, 0);
		ov_policy__pres_from_json(&r, ov_json_doc_root(doc));
		for (i = 0; i < set->n_insts; i++) {
			(void)ov_policy__eval_inst(set, ctx, &a, set->insts[i],
			    &r, NULL, NULL, &pr);
			ov__arena_reset(&a);
		}
		ov__arena_free(&a);
	}
	ov_json_doc_free(doc);
	ov_policy_set_free(set);
	ov_ctx_free(ctx);
	return 0;
}
