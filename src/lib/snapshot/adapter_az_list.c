/* SPDX-License-Identifier: MIT */
/* `az resource list` (and `az ... list`) output: a top-level array of objects. */
#include <stdio.h>

#include "lib/snapshot/snapshot_int.h"

static bool
detect(const ov_json *root)
{
	return ov_json_type_of(root) == OV_JSON_ARRAY;
}

static int
load(struct load_ctx *lc, const ov_json *root)
{
	char ptr[32];
	size_t i;
	int error;

	for (i = 0; i < ov_json_len(root); i++) {
		snprintf(ptr, sizeof(ptr), "/%zu", i);
		if ((error = ov_snap__add_object(lc, ov_json_at(root, i), NULL,
		    ptr)) < 0)
			return error;
	}
	return 0;
}

const struct ov_adapter ov_adapter_az_list = { "az-list", detect, load };
