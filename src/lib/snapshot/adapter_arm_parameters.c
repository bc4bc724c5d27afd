/* SPDX-License-Identifier: MIT */
/*
 * ARM deployment parameter files (azuredeploy.parameters.json) go with a
 * template: recognised so inspect can name them; they hold no records.
 */
#include <string.h>

#include "lib/snapshot/snapshot_int.h"

static bool
detect(const ov_json *root)
{
	const char *schema = ov_json_string(ov_json_get(root, "$schema"));

	return schema != NULL && ov_json_get(root, "parameters") != NULL &&
	    (strstr(schema, "deploymentParameters") != NULL ||
	    strstr(schema, "DeploymentParameters") != NULL);
}

static int
load(struct load_ctx *lc, const ov_json *root)
{
	(void)lc;
	(void)root;
	return 0;
}

const struct ov_adapter ov_adapter_arm_parameters = {
	"arm-parameters", detect, load
};
