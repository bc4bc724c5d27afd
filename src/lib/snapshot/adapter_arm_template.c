/* SPDX-License-Identifier: MIT */
/*
 * ARM deployment templates (and compiled Bicep, which is one): expanded
 * into the resources a deployment would create, by lib/iac.
 */
#include "lib/iac/iac_int.h"

static bool
detect(const ov_json *root)
{
	return ov_iac__is_template(root);
}

static int
load(struct load_ctx *lc, const ov_json *root)
{
	return ov_iac__load_template(lc, root);
}

const struct ov_adapter ov_adapter_arm_template = {
	"arm-template", detect, load
};
