/* SPDX-License-Identifier: MIT */
/*
 * ARM deployment parameter files (azuredeploy.parameters.json, compiled
 * .bicepparam): they hold no records of their own; lib/iac applies them to
 * the template they sit next to, or to every template with --parameters.
 */
#include "lib/snapshot/snapshot_int.h"

static bool
detect(const ov_json *root)
{
	return ov_json_get(root, "parameters") != NULL &&
	    ov_snap__schema_is(root, "deploymentParameters");
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
