/* SPDX-License-Identifier: MIT */
/*
 * Fuzz time and duration parsing: a timestamp that parses formats back to
 * one that parses to the same instant; an expiry is never before the
 * instant it names; a duration is never negative.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char buf[64];
	int64_t t, u, e, d;

	if (ov__time_parse(s, size, &t)) {
		ov__time_format(t, buf, sizeof(buf));
		/* an offset may carry the instant out of years 0000-9999,
		 * which the format cannot write back */
		if (strlen(buf) != 20 || buf[0] == '-')
			return 0;
		if (!ov__time_parse(buf, strlen(buf), &u) || u != t)
			__builtin_trap();
		ov__date_format(t, buf, sizeof(buf));
		if (!ov__time_parse(buf, strlen(buf), &u) || u > t ||
		    t - u >= OV_DAY_SECONDS)
			__builtin_trap();
		if (!ov__expiry_parse(s, size, &e) || e < t)
			__builtin_trap();
		ov__expiry_format(e, buf, sizeof(buf));
		if ((strlen(buf) == 10 || strlen(buf) == 20) &&
		    buf[0] != '-' && (!ov__expiry_parse(buf, strlen(buf),
		    &u) || u != e))
			__builtin_trap();
	} else if (ov__expiry_parse(s, size, &e)) {
		__builtin_trap();	/* one parser: both agree */
	}
	if (ov__duration_parse(s, size, &d) && d < 0)
		__builtin_trap();
	return 0;
}
