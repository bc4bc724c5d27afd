/* SPDX-License-Identifier: MIT */
/* A single Microsoft Graph object (a GET of one entity). */
#include "lib/snapshot/snapshot_int.h"

static bool
detect(const ov_json *root)
{
	const char *id = ov_json_string(ov_json_get(root, "id"));

	if (ov_json_type_of(root) != OV_JSON_OBJECT)
		return false;
	if (ov_json_get(root, "@odata.context") != NULL ||
	    ov_json_get(root, "@odata.type") != NULL)
		return true;
	/* No ARM id, but the shape of a directory object. */
	return (id == NULL || id[0] != '/') &&
	    ov_json_get(root, "properties") == NULL &&
	    (ov_json_get(root, "userPrincipalName") != NULL ||
	    ov_json_get(root, "appId") != NULL ||
	    ov_json_get(root, "grantControls") != NULL ||
	    ov_json_get(root, "keyId") != NULL ||
	    ov_json_get(root, "roleDefinitionId") != NULL);
}

static int
load(struct load_ctx *lc, const ov_json *root)
{
	const char *type = ov_snap__graph_type_from_context(ov_json_string(
	    ov_json_get(root, "@odata.context")));
	const char *saved = lc->default_type;
	int error;

	if (type != NULL)
		lc->default_type = type;
	error = ov_snap__add_object(lc, root, NULL, "");
	lc->default_type = saved;
	return error;
}

const struct ov_adapter ov_adapter_graph_object = {
	"graph-object", detect, load
};
