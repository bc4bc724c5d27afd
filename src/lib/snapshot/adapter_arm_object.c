/* SPDX-License-Identifier: MIT */
/*
 * A single ARM resource (a GET body), or any other single object: an
 * object without an ARM id becomes a record with a content-derived
 * synthetic id and type "unknown", so nothing is dropped silently.
 */
#include "lib/snapshot/snapshot_int.h"

static bool
detect(const ov_json *root)
{
	return ov_json_type_of(root) == OV_JSON_OBJECT;
}

static int
load(struct load_ctx *lc, const ov_json *root)
{
	return ov_snap__add_object(lc, root, NULL, "");
}

const struct ov_adapter ov_adapter_arm_object = {
	"arm-object", detect, load
};
