/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the Sigma rule parser, condition parser and compiler:
 * each input is loaded as a rule file; every diagnostic must name a
 * position inside the input, and whatever compiles is matched against a
 * few events of every kind (the matcher must not crash on any rule).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/sigma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char events[] =
    "{\"eventTimestamp\":\"2026-01-01T00:00:00Z\",\"caller\":\"a@b.c\","
    "\"operationName\":{\"value\":\"Microsoft.Network/networkSecurityGroups/"
    "write\"},\"resourceId\":\"/subscriptions/s/resourceGroups/r/providers/"
    "Microsoft.Network/networkSecurityGroups/n\",\"status\":{\"value\":"
    "\"Succeeded\"},\"properties\":{\"requestbody\":\"{\\\"a\\\":1}\"}}\n"
    "{\"createdDateTime\":\"2026-01-01T00:01:00Z\",\"userPrincipalName\":"
    "\"a@b.c\",\"ipAddress\":\"10.0.0.1\",\"status\":{\"errorCode\":50126},"
    "\"deviceDetail\":{\"deviceId\":\"\"},\"networkLocationDetails\":[]}\n"
    "{\"activityDisplayName\":\"Update user\",\"activityDateTime\":"
    "\"2026-01-01T00:02:00Z\",\"category\":\"UserManagement\","
    "\"targetResources\":[{\"type\":\"User\",\"modifiedProperties\":[{"
    "\"displayName\":\"x\",\"newValue\":\"[1]\"}]}]}\n"
    "{\"riskEventType\":\"anonymizedIPAddress\",\"detectedDateTime\":"
    "\"2026-01-01T00:03:00Z\",\"riskLevel\":\"high\"}\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ov_sigma_detect_options o = OV_SIGMA_DETECT_OPTIONS_INIT;
	ov_sigma_rules *rs = NULL;
	ov_sigma_detector *d = NULL;
	ov_findings *f = NULL;
	size_t i, lines = 1;

	if (ov_sigma_rules_new(&rs, NULL, NULL) != 0)
		abort();
	if (ov_sigma_rules_load_buffer(rs, "fuzz.yml", (const char *)data,
	    size) != 0 || ov_sigma_rules_compile(rs) != 0)
		abort();
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	for (i = 0; i < ov_sigma_rules_n_diags(rs); i++) {
		const ov_sigma_diag *g = ov_sigma_rules_diag(rs, i);

		if (g->line > lines || g->message == NULL)
			abort();
	}
	if (ov_sigma_rules_count(rs) > 0 &&
	    ov_sigma_detector_new(&d, NULL, rs, &o) == 0) {
		if (ov_sigma_detector_read_buffer(d, "ev", events,
		    sizeof(events) - 1) != 0)
			abort();
		if (ov_findings_new(&f) == 0 &&
		    ov_sigma_detector_finish(d, f) != 0)
			abort();
		ov_findings_free(f);
		ov_sigma_detector_free(d);
	}
	ov_sigma_rules_free(rs);
	return 0;
}
