/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the snapshot loader: the input is loaded as a JSON file, as NDJSON
 * and as a manifest, so every adapter and the line splitter see it.
 */
#include <stddef.h>
#include <stdint.h>

#include "overvisor/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "input.json", "input.ndjson",
	    "manifest.json" };
	ov_snapshot *s = NULL;
	ov_ctx *ctx = NULL;
	ov_record_info ri;
	size_t i, j;

	if (ov_ctx_new(&ctx) < 0)
		return 0;
	for (i = 0; i < 3; i++) {
		if (ov_snapshot_new(&s, ctx) < 0)
			break;
		ov_snapshot_load_buffer(s, names[i], (const char *)data, size,
		    0);
		for (j = 0; ov_snapshot_record(s, j, &ri) == 0; j++)
			if (ri.id == NULL || ri.type == NULL)
				__builtin_trap();
		ov_snapshot_free(s);
		s = NULL;
	}
	ov_ctx_free(ctx);
	return 0;
}
