/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the manifest reader: any manifest.json is read or refused with an
 * error; a read one answers the completeness questions the store asks
 * without crashing, and a source reported partial or failed is never
 * complete.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "overvisor/snapshot.h"
#include "lib/model/model.h"
#include "lib/snapshot/snapshot_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {
		"", "Microsoft.Storage/storageAccounts",
		"Microsoft.Graph/users", "Microsoft.Security/assessments",
		"Microsoft.Network/virtualNetworks/subnets", "unknown"
	};
	ov_snapshot *s = NULL;
	ov_ctx *ctx = NULL;
	ov_source_info src;
	size_t i;

	if (ov_ctx_new(&ctx) < 0)
		return 0;
	if (ov_snapshot_new(&s, ctx) < 0)
		goto done;
	if (ov_snap__read_manifest(s, "manifest.json", (const char *)data,
	    size) == 0) {
		for (i = 0; ov_snapshot_source(s, i, &src) == 0; i++)
			if (src.name == NULL && src.status != NULL &&
			    src.status[0] == '\0')
				__builtin_trap();
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (ov_snapshot_type_complete(s, types[i]) &&
			    ov_snapshot_type_incomplete(s, types[i]))
				__builtin_trap();
	}
done:
	ov_snapshot_free(s);
	ov_ctx_free(ctx);
	return 0;
}
