/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the contract.yaml loader.  Every input either loads, in
 * which case the look-ups must answer consistently for every known duty, or
 * fails with OV_EPARSE/OV_ELIMIT and an error whose position lies inside
 * the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/contract.h"
#include "lib/raci/contract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const duties[] = { "os-patching", "identity-review",
	"nsg-review", "defender-triage", "policy-enforcement",
	"backup-validation", "monitoring", "incident-response",
	"governance-reporting" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ov_contract *c = NULL;
	ov_ctx *ctx = NULL;
	size_t i, lines = 1;
	int rc, s;

	if (ov_ctx_new(&ctx) != 0)
		return 0;
	rc = ov_contract__load_buffer(&c, ctx, "fuzz.yaml",
	    (const char *)data, size);
	if (rc == 0) {
		if (c == NULL)
			abort();
		for (i = 0; i < sizeof(duties) / sizeof(duties[0]); i++) {
			const struct ov_contract_duty *d =
			    ov_contract__duty(c, duties[i]);

			if (d == NULL)
				abort();	/* every duty is always present */
			for (s = 0; s < OV_CONTRACT_N_SEV; s++)
				if (ov_contract__sla_seconds(c, duties[i],
				    (ov_severity)s) < 0)
					abort();
			if (d->responsible != NULL &&
			    ov_contract__party(c, d->responsible) == NULL)
				abort();	/* references are checked */
			(void)ov_contract__accountable(c, duties[i]);
			(void)ov_contract__owner(c, duties[i]);
		}
		(void)ov_contract__flow_forbidden(c, "dev", "prod");
	} else {
		const ov_error *e = ov_error_last(ctx);

		if (c != NULL || e->message == NULL || e->message[0] == '\0')
			abort();
		/* YAML breaks lines at LF, CR, NEL, LS and PS */
		for (i = 0; i < size; i++)
			if (data[i] == '\n' || data[i] == '\r' ||
			    data[i] == 0x85 || data[i] == 0xa8 ||
			    data[i] == 0xa9)
				lines++;
		if (e->line > lines + 1)
			abort();
	}
	ov_contract_free(c);
	ov_ctx_free(ctx);
	return 0;
}
