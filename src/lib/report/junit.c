/* SPDX-License-Identifier: MIT */
/*
 * JUnit XML report, in the subset Azure DevOps (PublishTestResults, JUnit
 * format) and GitLab (artifacts:reports:junit) both read: <testsuites>
 * holding one <testsuite> per rule, sorted by rule id, and one <testcase>
 * per finding with classname = rule id and name = resource id.
 *
 * State mapping: non-compliant -> <failure type="<severity>">; error ->
 * <error>; indeterminate, not-applicable and exempt -> <skipped> with the
 * state as message (the check could not pass or was waived, so it must not
 * count as passed); compliant -> a passing testcase.  With a framework, one
 * more testsuite named after it holds a testcase per control.
 *
 * Text is escaped for XML 1.0: & < > " ' become entities, TAB LF CR in
 * attributes become character references, other control characters and
 * U+FFFE/U+FFFF are dropped, and invalid UTF-8 becomes U+FFFD.  Every time
 * attribute is 0: a scan has no per-check duration.
 */
#include <string.h>

#include "lib/report/report_int.h"
#include "util/alloc.h"
#include "util/buf.h"

/* The failure/skip body: everything an engineer needs, one per line. */
static int
details(struct ov_buf *b, const ov_finding *f)
{
	char due[16];
	size_t i;
	int e = 0;

	ov__buf_clear(b);
	e = ov__buf_printf(b, "%s\nresource: %s\n", f->title,
	    f->resource_id);
	if (e == 0 && f->resource_type != NULL)
		e = ov__buf_printf(b, "type: %s\n", f->resource_type);
	if (e == 0)
		e = ov__buf_printf(b, "severity: %s\nstate: %s\nlayer: %s\n"
		    "owner: %s\n", ov_severity_name(f->severity),
		    ov_state_name(f->state), ov_layer_name(f->layer),
		    ov_owner_name(f->owner));
	if (e == 0 && f->duty != NULL)
		e = ov__buf_printf(b, "duty: %s\n", f->duty);
	if (e == 0 && f->responsible != NULL)
		e = ov__buf_printf(b, "responsible: %s\n", f->responsible);
	if (e == 0 && f->accountable != NULL)
		e = ov__buf_printf(b, "accountable: %s\n", f->accountable);
	for (i = 0; e == 0 && i < f->n_consulted; i++)
		e = ov__buf_printf(b, "%s%s%s", i == 0 ? "consulted: " : "",
		    f->consulted[i], i + 1 == f->n_consulted ? "\n" : ", ");
	for (i = 0; e == 0 && i < f->n_informed; i++)
		e = ov__buf_printf(b, "%s%s%s", i == 0 ? "informed: " : "",
		    f->informed[i], i + 1 == f->n_informed ? "\n" : ", ");
	if (e == 0 && f->due != 0)
		e = ov__buf_printf(b, "due: %s\n",
		    ov_report__due(f->due, due, sizeof(due)));
	for (i = 0; e == 0 && i < f->n_controls; i++)
		e = ov__buf_printf(b, "%s%s%s", i == 0 ? "controls: " : "",
		    f->controls[i], i + 1 == f->n_controls ? "\n" : ", ");
	for (i = 0; e == 0 && i < f->n_evidence; i++) {
		const ov_evidence *ev = &f->evidence[i];

		e = ov__buf_printf(b, "evidence: %s = %s%s%s\n",
		    ev->path != NULL ? ev->path : "",
		    ev->value != NULL ? ev->value : "(absent)",
		    ev->message != NULL ? " -- " : "",
		    ev->message != NULL ? ev->message : "");
	}
	if (e == 0 && f->remediation != NULL)
		e = ov__buf_printf(b, "remediation: %s\n", f->remediation);
	if (e == 0 && f->file != NULL)
		e = ov__buf_printf(b, "location: %s:%u:%u\n", f->file,
		    f->line, f->column);
	if (e == 0)
		e = ov__buf_printf(b, "fingerprint: %s\n",
		    f->fingerprint != NULL ? f->fingerprint : "");
	return e;
}

static void
open_suite(struct ov_rw *w, const char *name, size_t tests, size_t failures,
    size_t errors, size_t skipped)
{
	ov_report__puts(w, "  <testsuite name=\"");
	ov_report__xml(w, name, true);
	ov_report__printf(w, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
	    "skipped=\"%zu\" time=\"0\">\n", tests, failures, errors, skipped);
}

/* A testcase; file (a template's, for GitLab's and Jenkins' file column)
 * may be NULL. */
static void
testcase(struct ov_rw *w, const char *classname, const char *name,
    const char *file)
{
	ov_report__puts(w, "    <testcase classname=\"");
	ov_report__xml(w, classname, true);
	ov_report__puts(w, "\" name=\"");
	ov_report__xml(w, name, true);
	if (file != NULL) {
		ov_report__puts(w, "\" file=\"");
		ov_report__xml(w, file, true);
	}
	ov_report__puts(w, "\" time=\"0\"");
}

static int
write_finding(struct ov_rw *w, struct ov_buf *b, const ov_finding *f)
{
	int error;

	testcase(w, f->rule, f->resource_id, f->file);
	if (f->state == OV_STATE_COMPLIANT) {
		ov_report__puts(w, "/>\n");
		return 0;
	}
	if ((error = details(b, f)) < 0)
		return error;
	ov_report__puts(w, ">\n");
	switch (f->state) {
	case OV_STATE_NON_COMPLIANT:
		ov_report__puts(w, "      <failure message=\"");
		ov_report__xml(w, f->title, true);
		ov_report__printf(w, "\" type=\"%s\">",
		    ov_severity_name(f->severity));
		ov_report__xml(w, ov__buf_cstr(b), false);
		ov_report__puts(w, "</failure>\n");
		break;
	case OV_STATE_ERROR:
		ov_report__puts(w, "      <error message=\"");
		ov_report__xml(w, f->title, true);
		ov_report__puts(w, "\" type=\"error\">");
		ov_report__xml(w, ov__buf_cstr(b), false);
		ov_report__puts(w, "</error>\n");
		break;
	default:
		ov_report__printf(w, "      <skipped message=\"%s\"/>\n",
		    ov_state_name(f->state));
		ov_report__puts(w, "      <system-out>");
		ov_report__xml(w, ov__buf_cstr(b), false);
		ov_report__puts(w, "</system-out>\n");
		break;
	}
	ov_report__puts(w, "    </testcase>\n");
	return 0;
}

static void
write_compliance(struct ov_rw *w, const ov_compliance *c)
{
	size_t i, nf = 0, ns = 0;

	for (i = 0; i < c->n_controls; i++) {
		const char *st = c->controls[i].status;

		if (st != NULL && strcmp(st, "failed") == 0)
			nf++;
		else if (st == NULL || strcmp(st, "passed") != 0)
			ns++;
	}
	open_suite(w, c->id, c->n_controls, nf, 0, ns);
	for (i = 0; i < c->n_controls; i++) {
		const ov_control_result *r = &c->controls[i];
		const char *st = r->status != NULL ? r->status : "unknown";

		testcase(w, c->id, r->id, NULL);
		if (strcmp(st, "passed") == 0) {
			ov_report__puts(w, "/>\n");
			continue;
		}
		ov_report__puts(w, ">\n");
		if (strcmp(st, "failed") == 0) {
			ov_report__puts(w, "      <failure message=\"");
			ov_report__xml(w, r->title, true);
			ov_report__printf(w, "\" type=\"control\">%zu failed, "
			    "%zu passed, %zu indeterminate</failure>\n",
			    r->failed, r->passed, r->indeterminate);
		} else {
			ov_report__puts(w, "      <skipped message=\"");
			ov_report__xml(w, st, true);
			ov_report__puts(w, "\"/>\n");
		}
		ov_report__puts(w, "    </testcase>\n");
	}
	ov_report__puts(w, "  </testsuite>\n");
}

/* The JUnit reporter. */
int
ov_report__write_junit(FILE *f, const ov_report_input *in, unsigned flags)
{
	struct ov_buf b = OV_BUF_INIT(OV_BUF_MAX_DEFAULT);
	struct ov_report_rule *rules = NULL;
	size_t *index = NULL, *order = NULL, *start = NULL;
	struct ov_rw w;
	size_t i, k, n_rules, n = ov_report__count(in);
	size_t tests = n, failures = 0, errors = 0, skipped = 0;
	int error;

	(void)flags;
	if ((error = ov_report__rules(in, &rules, &n_rules, &index)) < 0)
		goto done;
	/* Group finding positions by rule, keeping list order within. */
	start = ov__calloc(n_rules + 1, sizeof(*start));
	order = ov__calloc(n > 0 ? n : 1, sizeof(*order));
	if (start == NULL || order == NULL) {
		error = OV_ENOMEM;
		goto done;
	}
	for (k = 0; k < n_rules; k++)
		start[k + 1] = start[k] + rules[k].count;
	/* start[k] walks to start[k + 1]; shifted back afterwards. */
	for (i = 0; i < n; i++)
		order[start[index[i]]++] = i;
	for (k = n_rules; k > 0; k--)
		start[k] = start[k - 1];
	start[0] = 0;
	for (i = 0; i < n_rules; i++) {
		failures += rules[i].by_state[OV_STATE_NON_COMPLIANT];
		errors += rules[i].by_state[OV_STATE_ERROR];
		skipped += rules[i].count -
		    rules[i].by_state[OV_STATE_NON_COMPLIANT] -
		    rules[i].by_state[OV_STATE_ERROR] -
		    rules[i].by_state[OV_STATE_COMPLIANT];
	}
	if (in->compliance != NULL) {
		const ov_compliance *c = in->compliance;

		tests += c->n_controls;
		for (i = 0; i < c->n_controls; i++) {
			const char *st = c->controls[i].status;

			if (st != NULL && strcmp(st, "failed") == 0)
				failures++;
			else if (st == NULL || strcmp(st, "passed") != 0)
				skipped++;
		}
	}
	ov_report__rw_init(&w, f);
	ov_report__puts(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	ov_report__printf(&w, "<testsuites name=\"overvisor\" tests=\"%zu\" "
	    "failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"0\">\n",
	    tests, failures, errors, skipped);
	for (k = 0; k < n_rules; k++) {
		const struct ov_report_rule *r = &rules[k];

		open_suite(&w, r->id, r->count,
		    r->by_state[OV_STATE_NON_COMPLIANT],
		    r->by_state[OV_STATE_ERROR], r->count -
		    r->by_state[OV_STATE_NON_COMPLIANT] -
		    r->by_state[OV_STATE_ERROR] -
		    r->by_state[OV_STATE_COMPLIANT]);
		for (i = start[k]; i < start[k + 1]; i++)
			if ((error = write_finding(&w, &b,
			    ov_findings_get(in->findings, order[i]))) < 0)
				goto done;
		ov_report__puts(&w, "  </testsuite>\n");
	}
	if (in->compliance != NULL)
		write_compliance(&w, in->compliance);
	ov_report__puts(&w, "</testsuites>\n");
	error = ov_report__rw_finish(&w);
done:
	ov__free(order);
	ov__free(start);
	ov__free(rules);
	ov__free(index);
	ov__buf_free(&b);
	return error;
}
