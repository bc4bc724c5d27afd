/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the operator configuration loader: any input is accepted or
 * rejected with a positioned error; an accepted configuration is walked
 * through every accessor.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "overvisor/operator.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ov_operator_config *c = NULL;
	ov_ctx *ctx = NULL;
	size_t i, j, sum = 0;

	if (ov_ctx_new(&ctx) < 0)
		return 0;
	if (ov_operator_config_load_buffer(&c, ctx, "etc/operator.yaml",
	    (const char *)data, size) == 0) {
		(void)ov_operator_config_db(c);
		(void)ov_operator_config_state(c);
		(void)ov_operator_config_concurrency(c);
		for (i = 0; i < ov_operator_config_count(c); i++) {
			const ov_operator_tenant *t =
			    ov_operator_config_tenant(c, i);

			if (ov_operator_config_find(c, t->id) != t)
				__builtin_trap();
			sum += strlen(t->name) + strlen(t->credential) +
			    strlen(ov_operator_cred_name(t->cred));
			for (j = 0; j < t->n_subscriptions; j++)
				sum += strlen(t->subscriptions[j]);
		}
	}
	(void)sum;
	ov_operator_config_free(c);
	ov_ctx_free(ctx);
	return 0;
}
