/* SPDX-License-Identifier: MIT */
/*
 * Terraform plan JSON (`terraform show -json`) is infrastructure as code:
 * recognised so inspect can name it; it holds no inventory records.
 */
#include "lib/snapshot/snapshot_int.h"

static bool
detect(const ov_json *root)
{
	return ov_json_get(root, "terraform_version") != NULL &&
	    (ov_json_get(root, "planned_values") != NULL ||
	    ov_json_get(root, "resource_changes") != NULL);
}

static int
load(struct load_ctx *lc, const ov_json *root)
{
	(void)lc;
	(void)root;
	return 0;
}

const struct ov_adapter ov_adapter_terraform_plan = {
	"terraform-plan", detect, load
};
