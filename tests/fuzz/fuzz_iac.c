/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the template expander and the Terraform mapping: the input is
 * loaded as an ARM template (or plan, when it says so) from a directory
 * that does not exist, so linked templates and Bicep sources are never
 * read; then a small definition with field, [*] and count conditions is
 * evaluated on every record, which walks the unknown values the
 * expansion produced through the three-valued evaluation and puts each
 * result at its position.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "overvisor/iac.h"
#include "overvisor/policy.h"
#include "overvisor/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char def[] =
    "{\"properties\": {\"mode\": \"All\", \"policyRule\": {\"if\": "
    "{\"anyOf\": [{\"field\": \"properties.supportsHttpsTrafficOnly\", "
    "\"notEquals\": true}, {\"count\": {\"field\": "
    "\"properties.securityRules[*]\", \"where\": {\"field\": "
    "\"properties.securityRules[*].properties.sourceAddressPrefix\", "
    "\"in\": [\"*\", \"Internet\"]}}, \"greater\": 0}, {\"value\": "
    "\"[length(field('name'))]\", \"greater\": 3}, {\"field\": "
    "\"location\", \"like\": \"west*\"}]}, \"then\": {\"effect\": "
    "\"audit\"}}}}";

static int
result_cb(const ov_policy_result *r, void *payload)
{
	(void)payload;
	if (r->iac && r->location != NULL && r->line == 0 && r->column != 0)
		__builtin_trap();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const ov_iac_options opts = OV_IAC_OPTIONS_INIT;
	ov_policy_set *set = NULL;
	ov_snapshot *s = NULL;
	ov_ctx *ctx = NULL;
	ov_record_info ri;
	size_t j;

	if (size > (1u << 20) || ov_ctx_new(&ctx) < 0)
		return 0;
	ov_ctx_set_now(ctx, 1768435200);
	if (ov_snapshot_new(&s, ctx) < 0 || ov_snapshot_set_iac(s, &opts) < 0)
		goto done;
	ov_snapshot_load_buffer(s, "/nonexistent/overvisor-fuzz/t.json",
	    (const char *)data, size, 0);
	for (j = 0; ov_snapshot_record(s, j, &ri) == 0; j++)
		if (ri.id == NULL || ri.type == NULL || ri.body == NULL)
			__builtin_trap();
	if (ov_snapshot_count(s) > 0 && ov_policy_set_new(&set, ctx) == 0 &&
	    ov_policy_set_add_buffer(set, "def.json", def, strlen(def)) == 0)
		(void)ov_policy_eval_snapshot(set, s, 0, result_cb, NULL);
done:
	ov_policy_set_free(set);
	ov_snapshot_free(s);
	ov_ctx_free(ctx);
	return 0;
}
