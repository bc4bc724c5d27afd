/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the reporters: the input is split on 0x1f into the string fields of
 * two findings (rule, title, resource id, name, type, duty, accountable,
 * remediation, evidence path, value, message, control, file) and every
 * format is written.  Whatever the bytes, JSON, SARIF, NDJSON and OCSF
 * output must parse, and every format must be valid UTF-8 with no raw
 * control characters other than TAB, LF and CR.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/json.h"
#include "overvisor/report.h"
#include "report/report_int.h"
#include "util/str.h"

#define NFIELDS 13

static void
check_utf8(const char *s, size_t n)
{
	size_t i, len;
	unsigned cp;

	for (i = 0; i < n; i += len) {
		if ((len = ov__utf8_decode((const unsigned char *)s + i, n - i,
		    &cp)) == 0)
			abort();
		if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
			abort();
	}
}

static void
check_json(const char *s, size_t n)
{
	ov_json_doc *doc = NULL;

	if (ov_json_parse(&doc, NULL, s, n, OV_JSON_STRICT, NULL) != 0)
		abort();
	ov_json_doc_free(doc);
}

static void
check_lines(const char *s, size_t n)
{
	const char *p = s, *nl;

	while ((nl = memchr(p, '\n', n - (size_t)(p - s))) != NULL) {
		check_json(p, (size_t)(nl - p));
		p = nl + 1;
	}
	if (p != s + n)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy, *fields[NFIELDS], *p;
	const char *controls[1];
	ov_evidence ev;
	ov_findings *l = NULL;
	ov_report_input in;
	ov_finding f;
	size_t i, k;
	int fmt;

	if ((copy = calloc(1, size + 1)) == NULL)	/* checksrc: allow */
		return 0;
	memcpy(copy, data, size);
	for (i = 0, p = copy; i < NFIELDS; i++) {
		fields[i] = p;
		p += strcspn(p, "\x1f");
		if (*p != '\0')
			*p++ = '\0';
	}
	if (ov_findings_new(&l) < 0)
		goto done;
	ov_findings_set_tenant(l, fields[12]);
	for (k = 0; k < 2; k++) {
		memset(&f, 0, sizeof(f));
		f.rule = fields[(0 + k) % NFIELDS];
		f.title = fields[(1 + k) % NFIELDS];
		f.resource_id = fields[(2 + k) % NFIELDS];
		f.resource_name = fields[3];
		f.resource_type = fields[4];
		f.duty = fields[5];
		f.accountable = fields[6];
		f.remediation = fields[7];
		ev.path = fields[8];
		ev.value = fields[9];
		ev.message = fields[10];
		f.evidence = &ev;
		f.n_evidence = 1;
		controls[0] = fields[11];
		f.controls = controls;
		f.n_controls = 1;
		f.file = k == 1 ? fields[12] : NULL;
		f.line = (unsigned)size;
		f.severity = (ov_severity)(size % 5);
		f.state = (ov_state)((size + k) % 6);
		f.layer = (ov_layer)(size % OV_LAYER__COUNT);
		f.owner = (ov_owner)((size + k) % 4);
		f.due = (int64_t)size * 86400;
		ov_findings_add(l, &f);
	}
	ov_findings_sort(l);
	memset(&in, 0, sizeof(in));
	in.findings = l;
	in.tenant = fields[12];
	in.snapshot = fields[0];
	for (fmt = 0; fmt < OV_REPORT__COUNT; fmt++) {
		char *buf = NULL;
		size_t n = 0;
		FILE *out = open_memstream(&buf, &n);

		if (out == NULL)
			continue;
		if (ov_report_write(out, (ov_report_format)fmt, &in,
		    OV_REPORT_COLOR) != 0)
			abort();
		fclose(out);
		if (fmt != OV_REPORT_TEXT)	/* colours are ESC bytes */
			check_utf8(buf, n);
		if (fmt == OV_REPORT_JSON || fmt == OV_REPORT_SARIF)
			check_json(buf, n);
		if (fmt == OV_REPORT_NDJSON || fmt == OV_REPORT_OCSF)
			check_lines(buf, n);
		free(buf);	/* checksrc: allow */
	}
done:
	ov_findings_free(l);
	free(copy);	/* checksrc: allow */
	return 0;
}
