/* SPDX-License-Identifier: MIT */
/*
 * NDJSON report: one compact finding object per line, in the same shape as
 * the JSON report's findings, and nothing else.
 */
#include "lib/report/report_int.h"

/* The NDJSON reporter. */
int
ov_report__write_ndjson(FILE *f, const ov_report_input *in, unsigned flags)
{
	struct ov_rw w;
	struct ov_jw j;
	size_t i, n = ov_report__count(in);

	(void)flags;
	ov_report__rw_init(&w, f);
	for (i = 0; i < n; i++) {
		ov_report__jw_init(&j, &w, false);
		ov_report__json_finding(&j, ov_findings_get(in->findings, i));
		ov_report__putc(&w, '\n');
	}
	return ov_report__rw_finish(&w);
}
