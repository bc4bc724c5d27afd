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

static int
load(struct load_ctx *lc, const ov_json *root)
{
	const ov_error *e;
	int error;

	(void)root;
	if ((error = ov_snap__read_manifest(lc->s, lc->path, lc->data,
	    lc->len)) == 0 || error == OV_ENOMEM)
		return error;
	e = ov_error_last(lc->s->ctx);
	error = ov_snap__diag(lc, e->line, e->column, e->pointer, "%s",
	    e->message);
	ov_error_clear(lc->s->ctx);
	return error;
}

const struct ov_adapter ov_adapter_manifest = { "manifest", detect, load };
