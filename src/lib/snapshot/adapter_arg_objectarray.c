/* SPDX-License-Identifier: MIT */
/*
 * Resource Graph responses in the objectArray result format:
 * {"totalRecords", "count", "data": [ {...row...} ], "$skipToken"?}, and
 * `az graph query` output ({"count", "data", "skip_token",
 * "total_records"}).  Rows keep Resource Graph's lower-cased types; the
 * model canonicalises.  A page that says more rows exist makes its source
 * partial.
 */
#include <stdio.h>

#include "lib/snapshot/snapshot_int.h"

static bool
detect(const ov_json *root)
{
	return ov_json_type_of(ov_json_get(root, "data")) == OV_JSON_ARRAY;
}

static int
load(struct load_ctx *lc, const ov_json *root)
{
	const ov_json *data = ov_json_get(root, "data");
	char ptr[48];
	size_t i;
	int error;

	for (i = 0; i < ov_json_len(data); i++) {
		snprintf(ptr, sizeof(ptr), "/data/%zu", i);
		if ((error = ov_snap__add_object(lc, ov_json_at(data, i), NULL,
		    ptr)) < 0)
			return error;
	}
	ov_snap__arg_paging(lc, root, ov_json_len(data));
	return 0;
}

const struct ov_adapter ov_adapter_arg_objectarray = {
	"arg-objectarray", detect, load
};
