/* SPDX-License-Identifier: MIT */
/*
 * Microsoft Graph collections: {"@odata.context", "value": [...],
 * "@odata.nextLink"?}.  The collection's type comes from @odata.context;
 * each item may override it with its own @odata.type.
 */
#include <stdio.h>

#include "lib/snapshot/snapshot_int.h"

static bool
is_graph_item(const ov_json *item)
{
	const char *id = ov_json_string(ov_json_get(item, "id"));

	if (ov_json_get(item, "@odata.type") != NULL)
		return true;
	/* ARM items carry an ARM id; Graph ids are GUIDs or opaque strings. */
	return ov_json_type_of(item) == OV_JSON_OBJECT &&
	    (id == NULL || id[0] != '/');
}

static bool
detect(const ov_json *root)
{
	const ov_json *value = ov_json_get(root, "value");
	const char *ctx = ov_json_string(ov_json_get(root, "@odata.context"));

	if (ov_json_type_of(value) != OV_JSON_ARRAY)
		return false;
	if (ctx != NULL)
		return true;
	return ov_json_len(value) != 0 && is_graph_item(ov_json_at(value, 0));
}

static int
load(struct load_ctx *lc, const ov_json *root)
{
	const ov_json *value = ov_json_get(root, "value"), *item;
	const char *type = ov_snap__graph_type_from_context(ov_json_string(
	    ov_json_get(root, "@odata.context")));
	const char *saved = lc->default_type;
	char ptr[48];
	size_t i;
	int error = 0;

	if (type != NULL)
		lc->default_type = type;
	for (i = 0; i < ov_json_len(value); i++) {
		item = ov_json_at(value, i);
		snprintf(ptr, sizeof(ptr), "/value/%zu", i);
		if ((error = ov_snap__add_object(lc, item, NULL, ptr)) < 0)
			break;
	}
	lc->default_type = saved;
	if (error == 0) {
		const char *next = ov_json_string(ov_json_get(root,
		    "@odata.nextLink"));
		const ov_json *cnt = ov_json_get(root, "@odata.count");
		int64_t total;

		if (!ov_json_int(cnt, &total) || total < 0)
			total = -1;
		if (next != NULL || total >= 0)
			ov_snap__page(lc, "Microsoft Graph",
			    next != NULL, total, ov_json_len(value));
	}
	return error;
}

const struct ov_adapter ov_adapter_graph_collection = {
	"graph-collection", detect, load
};
