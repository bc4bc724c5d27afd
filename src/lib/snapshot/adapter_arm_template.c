/* SPDX-License-Identifier: MIT */
/*
 * ARM deployment templates (and compiled Bicep, which is one): recognised
 * by their $schema and expanded into the resources a deployment would
 * create by lib/iac, when ov_snapshot_set_iac() installed it.
 */
#include <string.h>

#include "lib/snapshot/snapshot_int.h"
#include "util/hash.h"

/* True when a $schema names one of the given schema files. */
bool
ov_snap__schema_is(const ov_json *root, const char *what)
{
	const char *schema = ov_json_string(ov_json_get(root, "$schema"));
	size_t n = strlen(what), left;

	if (schema == NULL)
		return false;
	for (left = strlen(schema); left >= n; schema++, left--)
		if (ov__eq_ci(schema, n, what, n))
			return true;
	return false;
}

static bool
detect(const ov_json *root)
{
	return ov_json_get(root, "resources") != NULL &&
	    ov_snap__schema_is(root, "deploymentTemplate");
}

static int
load(struct load_ctx *lc, const ov_json *root)
{
	return ov_snap__defer_iac(lc, root, false);
}

const struct ov_adapter ov_adapter_arm_template = {
	"arm-template", detect, load
};
