/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the log readers and the matcher: each input is read as
 * a log (any shape) against the bundled rules; reading never fails on
 * bad events (they are counted), every error names a position, and the
 * findings are built.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/sigma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ov_sigma_rules *rules;

/* The bundled rules, compiled once. */
static ov_sigma_rules *
bundled(void)
{
	char path[4096];

	if (rules != NULL)
		return rules;
	if (ov_sigma_rules_new(&rules, NULL, NULL) != 0)
		abort();
	snprintf(path, sizeof(path), "%s/rules/sigma", OV_FUZZ_SOURCE_DIR);
	if (ov_sigma_rules_load(rules, path) != 0 ||
	    ov_sigma_rules_compile(rules) != 0 ||
	    ov_sigma_rules_count(rules) == 0)
		abort();
	return rules;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ov_sigma_detect_options o = OV_SIGMA_DETECT_OPTIONS_INIT;
	ov_sigma_detector *d = NULL;
	ov_findings *f = NULL;
	ov_sigma_stats st;
	size_t i;

	if (ov_sigma_detector_new(&d, NULL, bundled(), &o) != 0)
		abort();
	if (ov_sigma_detector_read_buffer(d, "fuzz.json", (const char *)data,
	    size) != 0)
		abort();
	ov_sigma_detector_stats(d, &st);
	if (st.errors < ov_sigma_detector_n_errors(d))
		abort();
	for (i = 0; i < ov_sigma_detector_n_errors(d); i++)
		if (strncmp(ov_sigma_detector_error(d, i), "fuzz.json:", 10) !=
		    0)
			abort();
	if (ov_findings_new(&f) != 0 || ov_sigma_detector_finish(d, f) != 0)
		abort();
	ov_findings_free(f);
	ov_sigma_detector_free(d);
	return 0;
}
