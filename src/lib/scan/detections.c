/* SPDX-License-Identifier: MIT */
/*
 * The detection stage: the logs given to a scan are matched against the
 * bundled Sigma rules (and any others the options name), and the
 * detections join the findings before accountability, so exceptions and
 * the report treat them like every other finding.
 */
#include <stdio.h>

#include "overvisor/sigma.h"
#include "lib/scan/scan_int.h"
#include "util/error.h"

/* Run the Sigma rules over the scan's logs. */
int
ov_scan__detections(struct ov_scan_result *r)
{
	const ov_scan_options *o = r->opts;
	ov_sigma_options so = OV_SIGMA_OPTIONS_INIT;
	ov_sigma_detect_options dopt = OV_SIGMA_DETECT_OPTIONS_INIT;
	ov_sigma_rules *rules = NULL;
	ov_sigma_detector *det = NULL;
	ov_sigma_stats st;
	char path[4096];
	size_t i;
	int error;

	if (o->n_log_paths == 0)
		return 0;
	so.data_dir = r->data_dir;
	snprintf(path, sizeof(path), "%s/rules/sigma", r->data_dir);
	if ((error = ov_sigma_rules_new(&rules, r->ctx, &so)) < 0 ||
	    (error = ov_sigma_rules_load(rules, path)) < 0)
		goto done;
	for (i = 0; i < o->n_sigma_paths; i++)
		if ((error = ov_sigma_rules_load(rules, o->sigma_paths[i])) < 0)
			goto done;
	if ((error = ov_sigma_rules_compile(rules)) < 0)
		goto done;
	for (i = 0; i < ov_sigma_rules_n_diags(rules); i++)
		r->n_sigma_unusable += ov_sigma_rules_diag(rules, i)->level !=
		    OV_SIGMA_DIAG_WARNING;
	dopt.contract = r->contract;
	if ((error = ov_sigma_detector_new(&det, r->ctx, rules, &dopt)) < 0)
		goto done;
	for (i = 0; i < o->n_log_paths; i++)
		if ((error = ov_sigma_detector_read(det, o->log_paths[i])) < 0)
			goto done;
	error = ov_sigma_detector_finish(det, r->findings);
	ov_sigma_detector_stats(det, &st);
	r->n_log_events = st.events;
	r->n_log_errors = st.errors;
done:
	ov_sigma_detector_free(det);
	ov_sigma_rules_free(rules);
	return error;
}

/* Log counters of a scan. */
void
ov_scan_log_stats(const ov_scan_result *r, uint64_t *events,
    uint64_t *errors, size_t *unusable_rules)
{
	if (events != NULL)
		*events = r != NULL ? r->n_log_events : 0;
	if (errors != NULL)
		*errors = r != NULL ? r->n_log_errors : 0;
	if (unusable_rules != NULL)
		*unusable_rules = r != NULL ? r->n_sigma_unusable : 0;
}
