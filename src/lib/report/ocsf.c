/* SPDX-License-Identifier: MIT */
/*
 * OCSF report: one Compliance Finding event (class_uid 2003, schema 1.1.0)
 * per line.  Each finding becomes one event; with a framework, one more
 * event per control follows, with compliance.control set to the control id.
 * Fields OCSF has no place for (layer, owner, duty, the responsible,
 * accountable, consulted and informed parties, due, evidence) go under
 * "unmapped", as the schema intends: the Compliance Finding class of OCSF
 * 1.1.0 has no attribute for the party that must act.
 */
#include <string.h>

#include "lib/report/report_int.h"

#define OCSF_VERSION	"1.1.0"

static const char *const sev_names[] = {
	"Informational", "Low", "Medium", "High", "Critical"
};

/* OCSF compliance status_id and name for a state. */
static void
state_status(ov_state s, unsigned *id, const char **name)
{
	switch (s) {
	case OV_STATE_COMPLIANT:
		*id = 1;
		*name = "Pass";
		break;
	case OV_STATE_NON_COMPLIANT:
		*id = 3;
		*name = "Fail";
		break;
	case OV_STATE_INDETERMINATE:
	case OV_STATE_ERROR:
		*id = 2;
		*name = "Warning";
		break;
	default:
		*id = 99;
		*name = "Other";
		break;
	}
}

/* The fields every event shares, up to and including metadata. */
static void
header(struct ov_jw *j, const ov_report_input *in)
{
	ov_report__jw_kuint(j, "activity_id", 1);
	ov_report__jw_kstr(j, "activity_name", "Create");
	ov_report__jw_kuint(j, "category_uid", 2);
	ov_report__jw_kstr(j, "category_name", "Findings");
	ov_report__jw_kuint(j, "class_uid", 2003);
	ov_report__jw_kstr(j, "class_name", "Compliance Finding");
	ov_report__jw_kuint(j, "type_uid", 200301);
	ov_report__jw_kstr(j, "type_name", "Compliance Finding: Create");
	ov_report__jw_key(j, "time");
	ov_report__jw_int(j, (long long)in->generated_at * 1000);
	ov_report__jw_key(j, "metadata");
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "version", OCSF_VERSION);
	ov_report__jw_key(j, "product");
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "name", "overvisor");
	ov_report__jw_kstr(j, "vendor_name", "overvisor");
	ov_report__jw_kstr(j, "version", in->tool_version != NULL ?
	    in->tool_version : OV_VERSION);
	ov_report__jw_end_object(j);
	ov_report__jw_end_object(j);
}

static void
write_finding(struct ov_jw *j, const ov_report_input *in,
    const ov_finding *f)
{
	const char *status;
	unsigned status_id;
	char due[16];
	size_t i;

	state_status(f->state, &status_id, &status);
	ov_report__jw_begin_object(j);
	header(j, in);
	ov_report__jw_kuint(j, "severity_id", (unsigned)f->severity + 1);
	ov_report__jw_kstr(j, "severity", sev_names[f->severity]);
	ov_report__jw_kuint(j, "status_id", 1);
	ov_report__jw_kstr(j, "status", "New");
	ov_report__jw_kstr(j, "message", f->title);
	ov_report__jw_key(j, "finding_info");
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "uid", f->fingerprint);
	ov_report__jw_kstr(j, "title", f->title);
	ov_report__jw_key(j, "types");
	ov_report__jw_begin_array(j);
	ov_report__jw_string(j, ov_layer_name(f->layer));
	ov_report__jw_end_array(j);
	ov_report__jw_end_object(j);
	ov_report__jw_key(j, "compliance");
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "control", f->rule);
	ov_report__jw_key(j, "requirements");
	ov_report__jw_begin_array(j);
	for (i = 0; i < f->n_controls; i++)
		ov_report__jw_string(j, f->controls[i]);
	ov_report__jw_end_array(j);
	ov_report__jw_key(j, "standards");
	ov_report__jw_begin_array(j);
	if (in->compliance != NULL)
		ov_report__jw_string(j, in->compliance->id);
	ov_report__jw_end_array(j);
	ov_report__jw_kuint(j, "status_id", status_id);
	ov_report__jw_kstr(j, "status", status);
	ov_report__jw_kstr(j, "status_detail", ov_state_name(f->state));
	ov_report__jw_end_object(j);
	ov_report__jw_key(j, "resources");
	ov_report__jw_begin_array(j);
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "uid", f->resource_id);
	ov_report__jw_kstr(j, "name", f->resource_name);
	ov_report__jw_kstr(j, "type", f->resource_type);
	if (f->resource_group != NULL) {
		ov_report__jw_key(j, "group");
		ov_report__jw_begin_object(j);
		ov_report__jw_kstr(j, "name", f->resource_group);
		ov_report__jw_end_object(j);
	}
	ov_report__jw_end_object(j);
	ov_report__jw_end_array(j);
	ov_report__jw_key(j, "cloud");
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "provider", "Azure");
	if (f->subscription_id != NULL) {
		ov_report__jw_key(j, "account");
		ov_report__jw_begin_object(j);
		ov_report__jw_kstr(j, "uid", f->subscription_id);
		ov_report__jw_end_object(j);
	}
	if (in->tenant != NULL) {
		ov_report__jw_key(j, "org");
		ov_report__jw_begin_object(j);
		ov_report__jw_kstr(j, "uid", in->tenant);
		ov_report__jw_end_object(j);
	}
	ov_report__jw_end_object(j);
	if (f->remediation != NULL) {
		ov_report__jw_key(j, "remediation");
		ov_report__jw_begin_object(j);
		ov_report__jw_kstr(j, "desc", f->remediation);
		ov_report__jw_end_object(j);
	}
	ov_report__jw_key(j, "unmapped");
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "layer", ov_layer_name(f->layer));
	ov_report__jw_kstr(j, "owner", ov_owner_name(f->owner));
	ov_report__jw_kstr(j, "duty", f->duty);
	ov_report__jw_kstr(j, "responsible", f->responsible);
	ov_report__jw_kstr(j, "accountable", f->accountable);
	ov_report__jw_kstrv(j, "consulted", f->consulted, f->n_consulted);
	ov_report__jw_kstrv(j, "informed", f->informed, f->n_informed);
	ov_report__jw_kstr(j, "due", ov_report__due(f->due, due, sizeof(due)));
	ov_report__jw_kstr(j, "source", f->source);
	ov_report__jw_evidence(j, f);
	ov_report__jw_end_object(j);
	ov_report__jw_end_object(j);
}

/* Control status to OCSF compliance status. */
static void
control_status(const char *st, unsigned *id, const char **name)
{
	if (st != NULL && strcmp(st, "passed") == 0) {
		*id = 1;
		*name = "Pass";
	} else if (st != NULL && strcmp(st, "failed") == 0) {
		*id = 3;
		*name = "Fail";
	} else if (st != NULL && strcmp(st, "indeterminate") == 0) {
		*id = 2;
		*name = "Warning";
	} else {
		*id = 99;
		*name = "Other";
	}
}

static void
write_control(struct ov_jw *j, const ov_report_input *in,
    const ov_control_result *r)
{
	const ov_compliance *c = in->compliance;
	const char *status;
	unsigned status_id;
	char uid[33];
	size_t i;

	control_status(r->status, &status_id, &status);
	ov_fingerprint(c->id, r->id, in->tenant, uid);
	ov_report__jw_begin_object(j);
	header(j, in);
	ov_report__jw_kuint(j, "severity_id", 1);
	ov_report__jw_kstr(j, "severity", "Informational");
	ov_report__jw_kuint(j, "status_id", 1);
	ov_report__jw_kstr(j, "status", "New");
	ov_report__jw_kstr(j, "message", r->title);
	ov_report__jw_key(j, "finding_info");
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "uid", uid);
	ov_report__jw_kstr(j, "title", r->title);
	ov_report__jw_end_object(j);
	ov_report__jw_key(j, "compliance");
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "control", r->id);
	ov_report__jw_key(j, "requirements");
	ov_report__jw_begin_array(j);
	for (i = 0; i < r->n_rules; i++)
		ov_report__jw_string(j, r->rules[i]);
	ov_report__jw_end_array(j);
	ov_report__jw_key(j, "standards");
	ov_report__jw_begin_array(j);
	ov_report__jw_string(j, c->id);
	ov_report__jw_end_array(j);
	ov_report__jw_kuint(j, "status_id", status_id);
	ov_report__jw_kstr(j, "status", status);
	ov_report__jw_kstr(j, "status_detail", r->status);
	ov_report__jw_end_object(j);
	ov_report__jw_key(j, "cloud");
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "provider", "Azure");
	if (in->tenant != NULL) {
		ov_report__jw_key(j, "org");
		ov_report__jw_begin_object(j);
		ov_report__jw_kstr(j, "uid", in->tenant);
		ov_report__jw_end_object(j);
	}
	ov_report__jw_end_object(j);
	ov_report__jw_key(j, "unmapped");
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "framework_title", c->title);
	ov_report__jw_kuint(j, "passed", r->passed);
	ov_report__jw_kuint(j, "failed", r->failed);
	ov_report__jw_kuint(j, "indeterminate", r->indeterminate);
	ov_report__jw_end_object(j);
	ov_report__jw_end_object(j);
}

/* The OCSF reporter. */
int
ov_report__write_ocsf(FILE *f, const ov_report_input *in, unsigned flags)
{
	struct ov_rw w;
	struct ov_jw j;
	size_t i, n = ov_report__count(in);

	(void)flags;
	ov_report__rw_init(&w, f);
	for (i = 0; i < n; i++) {
		ov_report__jw_init(&j, &w, false);
		write_finding(&j, in, ov_findings_get(in->findings, i));
		ov_report__putc(&w, '\n');
	}
	for (i = 0; in->compliance != NULL &&
	    i < in->compliance->n_controls; i++) {
		ov_report__jw_init(&j, &w, false);
		write_control(&j, in, &in->compliance->controls[i]);
		ov_report__putc(&w, '\n');
	}
	return ov_report__rw_finish(&w);
}
