/* SPDX-License-Identifier: MIT */
/*
 * JSON report: one pretty-printed object with tool, generatedAt, snapshot,
 * summary, findings and (with a framework) compliance, keys in a fixed
 * order.  docs/output-formats.md documents the shape.
 */
#include <string.h>

#include "lib/report/report_int.h"
#include "util/alloc.h"
#include "util/time.h"

static void
write_snapshot(struct ov_jw *j, const ov_report_input *in)
{
	size_t i;

	ov_report__jw_key(j, "snapshot");
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "path", in->snapshot);
	ov_report__jw_kstr(j, "tenant", in->tenant);
	ov_report__jw_kstr(j, "collectedAt", in->collected_at);
	ov_report__jw_kuint(j, "records", in->n_records);
	ov_report__jw_kuint(j, "files", in->n_files);
	ov_report__jw_kuint(j, "inputErrors", in->n_input_errors);
	ov_report__jw_key(j, "sources");
	ov_report__jw_begin_array(j);
	for (i = 0; in->sources != NULL && i < in->n_sources; i++) {
		ov_report__jw_begin_object(j);
		ov_report__jw_kstr(j, "name", in->sources[i].name);
		ov_report__jw_kstr(j, "status", in->sources[i].status);
		/* why a source is partial or failed (the manifest's file
		 * list or count, a page that says more exist) */
		if (in->sources[i].reason != NULL)
			ov_report__jw_kstr(j, "reason", in->sources[i].reason);
		ov_report__jw_end_object(j);
	}
	ov_report__jw_end_array(j);
	ov_report__jw_end_object(j);
}

static int
write_summary(struct ov_jw *j, const ov_report_input *in)
{
	struct ov_report_summary s;
	struct ov_report_group *duties = NULL;
	size_t i, n_duties;
	int sev, error;

	if ((error = ov_report__group(in, ov_report__key_duty,
	    OV_REPORT_NO_DUTY, &duties, &n_duties)) < 0)
		return error;
	ov_report__summarize(in, &s);
	ov_report__jw_key(j, "summary");
	ov_report__jw_begin_object(j);
	ov_report__jw_kuint(j, "total", s.total);
	ov_report__jw_key(j, "bySeverity");
	ov_report__jw_begin_object(j);
	for (sev = OV_SEV_CRITICAL; sev >= OV_SEV_INFO; sev--)
		ov_report__jw_kuint(j, ov_severity_name((ov_severity)sev),
		    s.by_severity[sev]);
	ov_report__jw_end_object(j);
	ov_report__jw_key(j, "byLayer");
	ov_report__jw_begin_object(j);
	for (i = 1; i < OV_LAYER__COUNT; i++)
		ov_report__jw_kuint(j, ov_layer_name((ov_layer)i),
		    s.by_layer[i]);
	if (s.by_layer[OV_LAYER_UNKNOWN] > 0)
		ov_report__jw_kuint(j, "unknown", s.by_layer[OV_LAYER_UNKNOWN]);
	ov_report__jw_end_object(j);
	ov_report__jw_key(j, "byOwner");
	ov_report__jw_begin_object(j);
	for (i = OV_OWNER_CUSTOMER; i <= OV_OWNER_SHARED; i++)
		ov_report__jw_kuint(j, ov_owner_name((ov_owner)i),
		    s.by_owner[i]);
	if (s.by_owner[OV_OWNER_UNKNOWN] > 0)
		ov_report__jw_kuint(j, "unknown", s.by_owner[OV_OWNER_UNKNOWN]);
	ov_report__jw_end_object(j);
	ov_report__jw_key(j, "byDuty");
	ov_report__jw_begin_object(j);
	for (i = 0; i < n_duties; i++)
		ov_report__jw_kuint(j, duties[i].name, duties[i].count);
	ov_report__jw_end_object(j);
	ov_report__jw_key(j, "byState");
	ov_report__jw_begin_object(j);
	for (i = 0; i <= OV_STATE_ERROR; i++)
		ov_report__jw_kuint(j, ov_state_name((ov_state)i),
		    s.by_state[i]);
	ov_report__jw_end_object(j);
	ov_report__jw_kuint(j, "rules", in->n_rules);
	ov_report__jw_end_object(j);
	ov__free(duties);
	return 0;
}

/* The JSON reporter. */
int
ov_report__write_json(FILE *f, const ov_report_input *in, unsigned flags)
{
	struct ov_rw w;
	struct ov_jw j;
	char ts[32];
	size_t i, n = ov_report__count(in);
	int error;

	(void)flags;
	ov_report__rw_init(&w, f);
	ov_report__jw_init(&j, &w, true);
	ov_report__jw_begin_object(&j);
	ov_report__jw_key(&j, "tool");
	ov_report__jw_begin_object(&j);
	ov_report__jw_kstr(&j, "name", "overvisor");
	ov_report__jw_kstr(&j, "version", in->tool_version != NULL ?
	    in->tool_version : OV_VERSION);
	ov_report__jw_end_object(&j);
	ov_report__jw_key(&j, "generatedAt");
	if (in->generated_at != 0) {
		ov__time_format(in->generated_at, ts, sizeof(ts));
		ov_report__jw_string(&j, ts);
	} else
		ov_report__jw_null(&j);
	write_snapshot(&j, in);
	if (in->note != NULL)
		ov_report__jw_kstr(&j, "note", in->note);
	if ((error = write_summary(&j, in)) < 0)
		return error;
	ov_report__jw_key(&j, "findings");
	ov_report__jw_begin_array(&j);
	for (i = 0; i < n; i++)
		ov_report__json_finding(&j, ov_findings_get(in->findings, i));
	ov_report__jw_end_array(&j);
	if (in->compliance != NULL) {
		ov_report__jw_key(&j, "compliance");
		ov_report__json_compliance(&j, in->compliance);
	}
	ov_report__jw_end_object(&j);
	ov_report__putc(&w, '\n');
	return ov_report__rw_finish(&w);
}
