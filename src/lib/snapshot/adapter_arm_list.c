/* SPDX-License-Identifier: MIT */
/*
 * ARM list responses: {"value": [ {...resource...} ], "nextLink"?}; a
 * nextLink says more pages exist, so the source is partial.
 */
#include <stdio.h>

#include "lib/snapshot/snapshot_int.h"

static bool
detect(const ov_json *root)
{
	return ov_json_type_of(ov_json_get(root, "value")) == OV_JSON_ARRAY;
}

static int
load(struct load_ctx *lc, const ov_json *root)
{
	const ov_json *value = ov_json_get(root, "value");
	char ptr[48];
	size_t i;
	int error;

	for (i = 0; i < ov_json_len(value); i++) {
		snprintf(ptr, sizeof(ptr), "/value/%zu", i);
		if ((error = ov_snap__add_object(lc, ov_json_at(value, i), NULL,
		    ptr)) < 0)
			return error;
	}
	if (ov_json_string(ov_json_get(root, "nextLink")) != NULL)
		ov_snap__page(lc, "ARM list", true, -1,
		    ov_json_len(value));
	return 0;
}

const struct ov_adapter ov_adapter_arm_list = { "arm-list", detect, load };
