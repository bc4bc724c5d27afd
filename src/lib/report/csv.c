/* SPDX-License-Identifier: MIT */
/*
 * CSV report (RFC 4180): CRLF line ends, a header row, one row per finding.
 * A field is quoted when it holds a comma, a quote, CR or LF, or starts or
 * ends with a space; quotes are doubled.  Cells that a spreadsheet would
 * read as a formula (starting with = + - @, TAB or CR) get a leading single
 * quote.  Invalid UTF-8 becomes U+FFFD and other control characters are
 * dropped.
 *
 * With a framework, a blank line and a second table follow: one row per
 * control (docs/output-formats.md).
 */
#include <stdbool.h>
#include <string.h>

#include "lib/report/report_int.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/str.h"

static void
field(struct ov_rw *w, const char *s, bool first)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t i, n = strlen((const char *)p), len;
	bool quote = false, formula;
	unsigned cp;

	if (!first)
		ov_report__putc(w, ',');
	if (n == 0)
		return;
	formula = p[0] == '=' || p[0] == '+' || p[0] == '-' || p[0] == '@' ||
	    p[0] == '\t' || p[0] == '\r';
	if (p[0] == ' ' || p[n - 1] == ' ')
		quote = true;
	for (i = 0; i < n && !quote; i++)
		if (p[i] == ',' || p[i] == '"' || p[i] == '\n' || p[i] == '\r')
			quote = true;
	if (quote)
		ov_report__putc(w, '"');
	if (formula)
		ov_report__putc(w, '\'');
	for (i = 0; i < n; i += len) {
		if (p[i] >= 0x80) {
			if ((len = ov__utf8_decode(p + i, n - i, &cp)) == 0) {
				ov_report__write(w, "\xef\xbf\xbd", 3);
				len = 1;
			} else
				ov_report__write(w, (const char *)p + i, len);
			continue;
		}
		len = 1;
		if (p[i] == '"')
			ov_report__write(w, "\"\"", 2);
		else if (p[i] >= 0x20 || p[i] == '\n' || p[i] == '\r' ||
		    p[i] == '\t')
			ov_report__putc(w, (char)p[i]);
	}
	if (quote)
		ov_report__putc(w, '"');
}

static void
uint_field(struct ov_rw *w, size_t v)
{
	ov_report__printf(w, ",%zu", v);
}

static const char *const header[] = {
	"fingerprint", "severity", "rule", "title", "state", "resource_id",
	"resource_type", "resource_name", "subscription_id", "resource_group",
	"layer", "owner", "duty", "accountable", "due", "controls",
	"remediation", "responsible", "consulted", "informed"
};

static const char *const control_header[] = {
	"framework", "control_id", "control_title", "status", "passed",
	"failed", "indeterminate", "rules"
};

/* Join strings with ';' into b; returns the joined text. */
static int
join(struct ov_buf *b, const char *const *items, size_t n, const char **out)
{
	size_t i;
	int error = 0;

	ov__buf_clear(b);
	for (i = 0; i < n && error == 0; i++) {
		if (i > 0)
			error = ov__buf_putc(b, ';');
		if (error == 0)
			error = ov__buf_puts(b, items[i] != NULL ?
			    items[i] : "");
	}
	*out = ov__buf_cstr(b);
	return error;
}

/* The CSV reporter. */
int
ov_report__write_csv(FILE *f, const ov_report_input *in, unsigned flags)
{
	struct ov_buf b = OV_BUF_INIT(OV_BUF_MAX_DEFAULT);
	struct ov_rw w;
	const char *controls;
	char due[16];
	size_t i, n = ov_report__count(in);
	int error = 0;

	(void)flags;
	ov_report__rw_init(&w, f);
	for (i = 0; i < sizeof(header) / sizeof(header[0]); i++)
		field(&w, header[i], i == 0);
	ov_report__write(&w, "\r\n", 2);
	for (i = 0; i < n; i++) {
		const ov_finding *fd = ov_findings_get(in->findings, i);

		if ((error = join(&b, fd->controls, fd->n_controls,
		    &controls)) < 0)
			goto done;
		field(&w, fd->fingerprint, true);
		field(&w, ov_severity_name(fd->severity), false);
		field(&w, fd->rule, false);
		field(&w, fd->title, false);
		field(&w, ov_state_name(fd->state), false);
		field(&w, fd->resource_id, false);
		field(&w, fd->resource_type, false);
		field(&w, fd->resource_name, false);
		field(&w, fd->subscription_id, false);
		field(&w, fd->resource_group, false);
		field(&w, ov_layer_name(fd->layer), false);
		field(&w, ov_owner_name(fd->owner), false);
		field(&w, fd->duty, false);
		field(&w, fd->accountable, false);
		field(&w, ov_report__due(fd->due, due, sizeof(due)), false);
		field(&w, controls, false);
		field(&w, fd->remediation, false);
		field(&w, fd->responsible, false);
		if ((error = join(&b, fd->consulted, fd->n_consulted,
		    &controls)) < 0)
			goto done;
		field(&w, controls, false);
		if ((error = join(&b, fd->informed, fd->n_informed,
		    &controls)) < 0)
			goto done;
		field(&w, controls, false);
		ov_report__write(&w, "\r\n", 2);
	}
	if (in->compliance != NULL) {
		const ov_compliance *c = in->compliance;

		ov_report__write(&w, "\r\n", 2);
		for (i = 0; i < sizeof(control_header) /
		    sizeof(control_header[0]); i++)
			field(&w, control_header[i], i == 0);
		ov_report__write(&w, "\r\n", 2);
		for (i = 0; i < c->n_controls; i++) {
			const ov_control_result *r = &c->controls[i];

			if ((error = join(&b, r->rules, r->n_rules,
			    &controls)) < 0)
				goto done;
			field(&w, c->id, true);
			field(&w, r->id, false);
			field(&w, r->title, false);
			field(&w, r->status, false);
			uint_field(&w, r->passed);
			uint_field(&w, r->failed);
			uint_field(&w, r->indeterminate);
			field(&w, controls, false);
			ov_report__write(&w, "\r\n", 2);
		}
	}
	error = ov_report__rw_finish(&w);
done:
	ov__buf_free(&b);
	return error;
}

/* One row through the same field writer as the report. */
int
ov_report_csv_row(FILE *f, const char *const *fields, size_t n)
{
	struct ov_rw w;
	size_t i;

	OV_ASSERT_ARG(f != NULL && (fields != NULL || n == 0));
	ov_report__rw_init(&w, f);
	for (i = 0; i < n; i++)
		field(&w, fields[i], i == 0);
	ov_report__write(&w, "\r\n", 2);
	return w.error;
}
