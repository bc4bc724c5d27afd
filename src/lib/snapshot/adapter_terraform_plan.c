/* SPDX-License-Identifier: MIT */
/*
 * Terraform plan JSON (`terraform show -json plan.out`): the planned
 * azurerm resources mapped to ARM-shaped records by lib/iac, when
 * ov_snapshot_set_iac() installed it.
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
	return ov_snap__defer_iac(lc, root, true);
}

const struct ov_adapter ov_adapter_terraform_plan = {
	"terraform-plan", detect, load
};
