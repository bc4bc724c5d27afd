/* SPDX-License-Identifier: MIT */
/* HTML governance report: not built yet. */
#include "lib/report/report_int.h"

/* The HTML reporter. */
int
ov_report__write_html(FILE *f, const ov_report_input *in, unsigned flags)
{
	(void)f;
	(void)in;
	(void)flags;
	return OV_EUNSUPPORTED;
}
