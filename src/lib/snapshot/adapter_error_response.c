/* SPDX-License-Identifier: MIT */
/*
 * An Azure or Microsoft Graph error body, {"error": {"code", "message"}}:
 * the collection of this file failed, which is a diagnostic, never an
 * empty (and so "clean") source.
 */
#include "lib/snapshot/snapshot_int.h"

static bool
detect(const ov_json *root)
{
	const ov_json *e = ov_json_get(root, "error");

	/* Only the error member: a result that reports an error among its
	 * data (a patch assessment's "error", say) is data, not a failure. */
	return ov_json_type_of(e) == OV_JSON_OBJECT && ov_json_len(root) == 1 &&
	    ov_json_get(e, "code") != NULL;
}

static int
load(struct load_ctx *lc, const ov_json *root)
{
	const ov_json *e = ov_json_get(root, "error");
	const char *code = ov_json_string(ov_json_get(e, "code"));
	const char *msg = ov_json_string(ov_json_get(e, "message"));

	return ov_snap__diag_at(lc, e, "/error",
	    "the source returned an error instead of data: %s%s%s",
	    code != NULL ? code : "unknown", msg != NULL ? ": " : "",
	    msg != NULL ? msg : "");
}

const struct ov_adapter ov_adapter_error_response = {
	"error-response", detect, load
};
