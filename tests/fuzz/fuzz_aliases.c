/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the alias table loader (the `az provider list` shape): any input is
 * loaded or refused with an error; every alias loaded has a name, a type
 * and a path that parses, and looks up by its own name.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "overvisor/json.h"
#include "lib/policy/policy_int.h"
#include "util/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alias_table t;
	struct ov_arena a;
	ov_json_doc *doc = NULL;
	ov_ctx *ctx = NULL;
	size_t i;

	if (ov_ctx_new(&ctx) < 0)
		return 0;
	memset(&t, 0, sizeof(t));
	ov__arena_init(&a, 0, 0);
	if (ov_json_parse(&doc, ctx, (const char *)data, size,
	    OV_JSON_LENIENT, NULL) == 0 &&
	    ov_policy__alias_load_json(&t, ctx, ov_json_doc_root(doc),
	    "fuzz.json") == 0) {
		for (i = 0; i < t.by_name.cap; i++) {
			const struct ov_map_slot *sl = &t.by_name.slots[i];
			const struct alias_ent *e;
			struct ppath p;

			if (sl->key == NULL)
				continue;
			for (e = sl->value; e != NULL; e = e->next) {
				if (e->name == NULL || e->type == NULL)
					__builtin_trap();
				if (ov_policy__alias_get(&t, e->name,
				    strlen(e->name)) == NULL)
					__builtin_trap();
				if (e->path.text != NULL)
					(void)ov_policy__path_parse(&a,
					    e->path.text,
					    strlen(e->path.text), &p);
			}
		}
	}
	ov_policy__alias_free(&t);
	ov__arena_free(&a);
	ov_json_doc_free(doc);
	ov_ctx_free(ctx);
	return 0;
}
