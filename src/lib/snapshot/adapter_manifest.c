/* SPDX-License-Identifier: MIT */
/* A snapshot manifest given as a file of its own: no records, metadata only. */
#include "lib/snapshot/snapshot_int.h"
#include "util/error.h"

static bool
detect(const ov_json *root)
{
	const char *schema = ov_json_string(ov_json_get(root, "schema"));

	return schema != NULL && ov__startswith_ci(schema, "overvisor-snapshot/");
}

/* The merge reads it into the snapshot, in load order. */
static int
load(struct load_ctx *lc, const ov_json *root)
{
	(void)root;
	return ov_snap__defer_manifest(lc);
}

const struct ov_adapter ov_adapter_manifest = { "manifest", detect, load };
