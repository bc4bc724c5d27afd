/* SPDX-License-Identifier: MIT */
/*
 * ARM deployment templates are infrastructure as code, not an inventory:
 * they are recognised so inspect can say what they are, and hold no records.
 */
#include <string.h>

#include "lib/snapshot/snapshot_int.h"

static bool
detect(const ov_json *root)
{
	const char *schema = ov_json_string(ov_json_get(root, "$schema"));

	return schema != NULL && ov_json_get(root, "resources") != NULL &&
	    (strstr(schema, "deploymentTemplate") != NULL ||
	    strstr(schema, "DeploymentTemplate") != NULL);
}

static int
load(struct load_ctx *lc, const ov_json *root)
{
	(void)lc;
	(void)root;
	return 0;
}

const struct ov_adapter ov_adapter_arm_template = {
	"arm-template", detect, load
};
