/* SPDX-License-Identifier: MIT */
/*
 * SARIF 2.1.0 report: one run; tool.driver.rules holds every rule that has
 * a finding, sorted by id; results follow the finding list's order and
 * point back with ruleIndex.  Each result carries the finding fingerprint
 * as partialFingerprints["overvisorFingerprint/v1"] so code-scanning
 * services track it across runs.
 *
 * State mapping (SARIF 3.27.9 requires level "none" whenever kind is not
 * "fail"): non-compliant -> kind fail with a level from the severity;
 * exempt -> the same plus an accepted external suppression; indeterminate
 * and error -> kind "review"; compliant -> "pass"; not-applicable ->
 * "notApplicable".
 */
#include <string.h>

#include "lib/report/report_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/time.h"

#define SARIF_SCHEMA \
	"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/" \
	"sarif-schema-2.1.0.json"
#define OV_SARIF_NAME_MAX 80	/* bytes kept of a rule's readable name */
#define OV_INFORMATION_URI "https://github.com/overvisor/overvisor"

static const char *
sev_level(ov_severity s)
{
	switch (s) {
	case OV_SEV_CRITICAL:
	case OV_SEV_HIGH:
		return "error";
	case OV_SEV_MEDIUM:
		return "warning";
	default:
		return "note";
	}
}

/* CVSS-like score that code-scanning services rank by. */
static const char *
sev_score(ov_severity s)
{
	switch (s) {
	case OV_SEV_CRITICAL:
		return "9.5";
	case OV_SEV_HIGH:
		return "8.0";
	case OV_SEV_MEDIUM:
		return "5.5";
	case OV_SEV_LOW:
		return "3.0";
	default:
		return "0.0";
	}
}

static const char *
state_kind(ov_state s)
{
	switch (s) {
	case OV_STATE_NON_COMPLIANT:
	case OV_STATE_EXEMPT:
		return "fail";
	case OV_STATE_COMPLIANT:
		return "pass";
	case OV_STATE_NOT_APPLICABLE:
		return "notApplicable";
	default:
		return "review";
	}
}

/* A file path as a URI reference: unreserved bytes and '/' kept. */
static int
path_uri(struct ov_buf *b, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)path;
	int error = 0;

	ov__buf_clear(b);
	for (; *p != '\0' && error == 0; p++) {
		unsigned char c = *p == '\\' ? '/' : *p;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || c == '/')
			error = ov__buf_putc(b, (char)c);
		else {
			char esc[3] = { '%', hex[c >> 4], hex[c & 15] };

			error = ov__buf_add(b, esc, 3);
		}
	}
	return error;
}

/*
 * The rule's readable name (SARIF 3.49.7): the title's ASCII words in
 * PascalCase ("StorageAccountAllowsPublicBlobAccess"); empty when the title
 * has none.  SARIF wants it distinct from the opaque id.
 */
static int
rule_name(struct ov_buf *b, const char *title)
{
	const unsigned char *p = (const unsigned char *)title;
	bool word_start = true;
	int error = 0;

	ov__buf_clear(b);
	for (; *p != '\0' && error == 0 && b->len < OV_SARIF_NAME_MAX; p++) {
		unsigned char c = *p;
		bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');

		if (!alpha && !(c >= '0' && c <= '9')) {
			word_start = true;
			continue;
		}
		if (word_start && c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		word_start = false;
		error = ov__buf_putc(b, (char)c);
	}
	return error;
}

static int
write_rule(struct ov_jw *j, struct ov_buf *b, const struct ov_report_rule *r)
{
	const ov_finding *f = r->first;
	size_t i;
	int error;

	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "id", r->id);
	if ((error = rule_name(b, f->title)) < 0)
		return error;
	if (b->len > 0 && strcmp(ov__buf_cstr(b), r->id) != 0)
		ov_report__jw_kstr(j, "name", ov__buf_cstr(b));
	ov_report__jw_key(j, "shortDescription");
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "text", f->title);
	ov_report__jw_end_object(j);
	ov_report__jw_key(j, "help");
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "text", f->remediation != NULL &&
	    *f->remediation != '\0' ? f->remediation : f->title);
	ov_report__jw_end_object(j);
	ov_report__jw_key(j, "defaultConfiguration");
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "level", sev_level(r->severity));
	ov_report__jw_end_object(j);
	ov_report__jw_key(j, "properties");
	ov_report__jw_begin_object(j);
	ov_report__jw_key(j, "tags");
	ov_report__jw_begin_array(j);
	ov_report__jw_string(j, "security");
	ov_report__jw_string(j, ov_layer_name(f->layer));
	if (f->duty != NULL && *f->duty != '\0')
		ov_report__jw_string(j, f->duty);
	for (i = 0; i < f->n_controls; i++)
		ov_report__jw_string(j, f->controls[i]);
	ov_report__jw_end_array(j);
	ov_report__jw_kstr(j, "security-severity", sev_score(r->severity));
	ov_report__jw_kstr(j, "severity", ov_severity_name(r->severity));
	ov_report__jw_end_object(j);
	ov_report__jw_end_object(j);
	return 0;
}

static int
write_result(struct ov_jw *j, struct ov_buf *b, const ov_finding *f,
    size_t rule_index)
{
	const char *kind = state_kind(f->state);
	bool fail = strcmp(kind, "fail") == 0;
	char due[16];
	size_t i;
	int error;

	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "ruleId", f->rule);
	ov_report__jw_kuint(j, "ruleIndex", rule_index);
	ov_report__jw_kstr(j, "kind", kind);
	ov_report__jw_kstr(j, "level", fail ? sev_level(f->severity) : "none");
	ov_report__jw_key(j, "message");
	ov_report__jw_begin_object(j);
	ov__buf_clear(b);
	if ((error = ov__buf_printf(b, "%s: %s", f->title,
	    f->resource_id)) < 0)
		return error;
	for (i = 0; i < f->n_evidence; i++)
		if (f->evidence[i].message != NULL &&
		    (error = ov__buf_printf(b, "\n%s",
		    f->evidence[i].message)) < 0)
			return error;
	ov_report__jw_kstr(j, "text", ov__buf_cstr(b));
	ov_report__jw_end_object(j);
	ov_report__jw_key(j, "locations");
	ov_report__jw_begin_array(j);
	ov_report__jw_begin_object(j);
	if (f->file != NULL) {
		if ((error = path_uri(b, f->file)) < 0)
			return error;
		ov_report__jw_key(j, "physicalLocation");
		ov_report__jw_begin_object(j);
		ov_report__jw_key(j, "artifactLocation");
		ov_report__jw_begin_object(j);
		ov_report__jw_kstr(j, "uri", ov__buf_cstr(b));
		ov_report__jw_end_object(j);
		if (f->line > 0) {
			ov_report__jw_key(j, "region");
			ov_report__jw_begin_object(j);
			ov_report__jw_kuint(j, "startLine", f->line);
			if (f->column > 0)
				ov_report__jw_kuint(j, "startColumn",
				    f->column);
			ov_report__jw_end_object(j);
		}
		ov_report__jw_end_object(j);
	}
	ov_report__jw_key(j, "logicalLocations");
	ov_report__jw_begin_array(j);
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "name", f->resource_name != NULL ?
	    f->resource_name : f->resource_id);
	ov_report__jw_kstr(j, "fullyQualifiedName", f->resource_id);
	ov_report__jw_kstr(j, "kind", "resource");
	ov_report__jw_end_object(j);
	ov_report__jw_end_array(j);
	ov_report__jw_end_object(j);
	ov_report__jw_end_array(j);
	ov_report__jw_key(j, "partialFingerprints");
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "overvisorFingerprint/v1", f->fingerprint);
	ov_report__jw_end_object(j);
	if (f->state == OV_STATE_EXEMPT) {
		ov_report__jw_key(j, "suppressions");
		ov_report__jw_begin_array(j);
		ov_report__jw_begin_object(j);
		ov_report__jw_kstr(j, "kind", "external");
		ov_report__jw_kstr(j, "status", "accepted");
		ov_report__jw_end_object(j);
		ov_report__jw_end_array(j);
	}
	ov_report__jw_key(j, "properties");
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "severity", ov_severity_name(f->severity));
	ov_report__jw_kstr(j, "state", ov_state_name(f->state));
	ov_report__jw_kstr(j, "layer", ov_layer_name(f->layer));
	ov_report__jw_kstr(j, "owner", ov_owner_name(f->owner));
	ov_report__jw_kstr(j, "duty", f->duty);
	ov_report__jw_kstr(j, "responsible", f->responsible);
	ov_report__jw_kstr(j, "accountable", f->accountable);
	ov_report__jw_kstrv(j, "consulted", f->consulted, f->n_consulted);
	ov_report__jw_kstrv(j, "informed", f->informed, f->n_informed);
	ov_report__jw_kstr(j, "due", ov_report__due(f->due, due, sizeof(due)));
	ov_report__jw_key(j, "controls");
	ov_report__jw_begin_array(j);
	for (i = 0; i < f->n_controls; i++)
		ov_report__jw_string(j, f->controls[i]);
	ov_report__jw_end_array(j);
	ov_report__jw_kstr(j, "resourceType", f->resource_type);
	ov_report__jw_end_object(j);
	ov_report__jw_end_object(j);
	return 0;
}

/* The SARIF reporter. */
int
ov_report__write_sarif(FILE *f, const ov_report_input *in, unsigned flags)
{
	struct ov_buf b = OV_BUF_INIT(OV_BUF_MAX_DEFAULT);
	struct ov_report_rule *rules = NULL;
	size_t *index = NULL;
	struct ov_rw w;
	struct ov_jw j;
	char ts[32];
	size_t i, n_rules, n = ov_report__count(in);
	int error;

	(void)flags;
	if ((error = ov_report__rules(in, &rules, &n_rules, &index)) < 0)
		goto done;
	ov_report__rw_init(&w, f);
	ov_report__jw_init(&j, &w, true);
	ov_report__jw_begin_object(&j);
	ov_report__jw_kstr(&j, "$schema", SARIF_SCHEMA);
	ov_report__jw_kstr(&j, "version", "2.1.0");
	ov_report__jw_key(&j, "runs");
	ov_report__jw_begin_array(&j);
	ov_report__jw_begin_object(&j);
	ov_report__jw_key(&j, "tool");
	ov_report__jw_begin_object(&j);
	ov_report__jw_key(&j, "driver");
	ov_report__jw_begin_object(&j);
	ov_report__jw_kstr(&j, "name", "overvisor");
	ov_report__jw_kstr(&j, "version", in->tool_version != NULL ?
	    in->tool_version : OV_VERSION);
	ov_report__jw_kstr(&j, "informationUri", OV_INFORMATION_URI);
	ov_report__jw_key(&j, "rules");
	ov_report__jw_begin_array(&j);
	for (i = 0; i < n_rules; i++)
		if ((error = write_rule(&j, &b, &rules[i])) < 0)
			goto done;
	ov_report__jw_end_array(&j);
	ov_report__jw_end_object(&j);
	ov_report__jw_end_object(&j);
	if (in->note != NULL) {
		/* Said once for the run, not on every result. */
		ov_report__jw_key(&j, "invocations");
		ov_report__jw_begin_array(&j);
		ov_report__jw_begin_object(&j);
		ov_report__jw_key(&j, "executionSuccessful");
		ov_report__jw_bool(&j, true);
		ov_report__jw_key(&j, "toolExecutionNotifications");
		ov_report__jw_begin_array(&j);
		ov_report__jw_begin_object(&j);
		ov_report__jw_kstr(&j, "level", "note");
		ov_report__jw_key(&j, "message");
		ov_report__jw_begin_object(&j);
		ov_report__jw_kstr(&j, "text", in->note);
		ov_report__jw_end_object(&j);
		ov_report__jw_end_object(&j);
		ov_report__jw_end_array(&j);
		ov_report__jw_end_object(&j);
		ov_report__jw_end_array(&j);
	}
	ov_report__jw_key(&j, "results");
	ov_report__jw_begin_array(&j);
	for (i = 0; i < n; i++)
		if ((error = write_result(&j, &b,
		    ov_findings_get(in->findings, i), index[i])) < 0)
			goto done;
	ov_report__jw_end_array(&j);
	ov_report__jw_key(&j, "properties");
	ov_report__jw_begin_object(&j);
	ov_report__jw_kstr(&j, "snapshot", in->snapshot);
	ov_report__jw_kstr(&j, "tenant", in->tenant);
	ov_report__jw_kstr(&j, "collectedAt", in->collected_at);
	ov_report__jw_key(&j, "generatedAt");
	if (in->generated_at != 0) {
		ov__time_format(in->generated_at, ts, sizeof(ts));
		ov_report__jw_string(&j, ts);
	} else
		ov_report__jw_null(&j);
	ov_report__jw_kuint(&j, "records", in->n_records);
	ov_report__jw_kuint(&j, "inputErrors", in->n_input_errors);
	if (in->compliance != NULL) {
		ov_report__jw_key(&j, "compliance");
		ov_report__json_compliance(&j, in->compliance);
	}
	ov_report__jw_end_object(&j);
	ov_report__jw_end_object(&j);
	ov_report__jw_end_array(&j);
	ov_report__jw_end_object(&j);
	ov_report__putc(&w, '\n');
	error = ov_report__rw_finish(&w);
done:
	ov__free(rules);
	ov__free(index);
	ov__buf_free(&b);
	return error;
}
