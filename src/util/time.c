/* SPDX-License-Identifier: MIT */
#include "util/time.h"

#include <stdio.h>

static bool
digits(const char *s, size_t n, size_t at, size_t k, int *out)
{
	int v = 0;
	size_t i;

	if (at + k > n)
		return false;
	for (i = 0; i < k; i++) {
		if (s[at + i] < '0' || s[at + i] > '9')
			return false;
		v = v * 10 + (s[at + i] - '0');
	}
	*out = v;
	return true;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
int64_t
ov__days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static unsigned
days_in_month(int y, int m)
{
	static const unsigned dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dim[m - 1];
}

/* Parse an ISO 8601 date or date-time into Unix seconds, UTC. */
bool
ov__time_parse(const char *s, size_t n, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, se = 0, zh, zm;
	int64_t t, off = 0;
	size_t i = 10;

	if (!digits(s, n, 0, 4, &y) || n < 10 || s[4] != '-' ||
	    !digits(s, n, 5, 2, &mo) || s[7] != '-' || !digits(s, n, 8, 2, &d))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || (unsigned)d > days_in_month(y, mo))
		return false;
	if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		if (!digits(s, n, i + 1, 2, &h) || i + 3 >= n ||
		    s[i + 3] != ':' || !digits(s, n, i + 4, 2, &mi))
			return false;
		i += 6;
		if (i < n && s[i] == ':') {
			if (!digits(s, n, i + 1, 2, &se))
				return false;
			i += 3;
			if (i < n && (s[i] == '.' || s[i] == ',')) {
				i++;
				if (i >= n || s[i] < '0' || s[i] > '9')
					return false;
				while (i < n && s[i] >= '0' && s[i] <= '9')
					i++;
			}
		}
		/* 24:00:00 is the end of the day; a leap second reads as :59 */
		if (h > 24 || mi > 59 || se > 60 ||
		    (h == 24 && (mi != 0 || se != 0)))
			return false;
		if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
			i++;
		} else if (i < n && (s[i] == '+' || s[i] == '-')) {
			if (!digits(s, n, i + 1, 2, &zh) || zh > 23)
				return false;
			if (i + 3 < n && s[i + 3] == ':') {
				if (!digits(s, n, i + 4, 2, &zm) || zm > 59)
					return false;
				off = (int64_t)zh * 3600 + zm * 60;
				if (s[i] == '+')
					off = -off;
				i += 6;
			} else if (digits(s, n, i + 3, 2, &zm)) {
				if (zm > 59)
					return false;
				off = (int64_t)zh * 3600 + zm * 60;
				if (s[i] == '+')
					off = -off;
				i += 5;
			} else {
				off = (int64_t)zh * 3600;
				if (s[i] == '+')
					off = -off;
				i += 3;
			}
		}
	}
	if (i != n)
		return false;
	t = ov__days_from_civil(y, (unsigned)mo, (unsigned)d) * OV_DAY_SECONDS +
	    (int64_t)h * 3600 + mi * 60 + (se == 60 ? 59 : se) + off;
	*out = t;
	return true;
}

/* Format Unix seconds as an ISO 8601 UTC date-time. */
void
ov__time_format(int64_t t, char *buf, size_t size)
{
	int64_t days = t / OV_DAY_SECONDS, rem = t % OV_DAY_SECONDS;
	unsigned m, d;
	int y;

	if (rem < 0) {
		rem += OV_DAY_SECONDS;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	snprintf(buf, size, "%04d-%02u-%02uT%02d:%02d:%02dZ", y, m, d,
	    (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
}

/* Format Unix seconds as an ISO 8601 date. */
void
ov__date_format(int64_t t, char *buf, size_t size)
{
	int64_t days = t / OV_DAY_SECONDS;
	unsigned m, d;
	int y;

	if (t % OV_DAY_SECONDS < 0)
		days--;
	civil_from_days(days, &y, &m, &d);
	snprintf(buf, size, "%04d-%02u-%02u", y, m, d);
}

/* An expiry: a bare date holds through the end of that day. */
bool
ov__expiry_parse(const char *s, size_t n, int64_t *out)
{
	int64_t t;

	if (!ov__time_parse(s, n, &t))
		return false;
	if (n == 10)
		t += OV_DAY_SECONDS;
	*out = t;
	return true;
}

/* The last day an expiry at midnight holds, else the instant. */
void
ov__expiry_format(int64_t t, char *buf, size_t size)
{
	int64_t rem = t % OV_DAY_SECONDS;

	if (rem == 0)
		ov__date_format(t - 1, buf, size);
	else
		ov__time_format(t, buf, size);
}

/* Parse an ISO 8601 duration such as P30D or PT4H30M into seconds. */
bool
ov__duration_parse(const char *s, size_t n, int64_t *out)
{
	int64_t total = 0, v, unit;
	bool in_time = false, any = false;
	size_t i = 1;

	if (n < 2 || (s[0] != 'P' && s[0] != 'p'))
		return false;
	while (i < n) {
		if (s[i] == 'T' || s[i] == 't') {
			in_time = true;
			i++;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			if (v > INT64_MAX / 10 - 10)
				return false;
			v = v * 10 + (s[i++] - '0');
		}
		if (i >= n)
			return false;
		switch (s[i++]) {
		case 'Y': case 'y': unit = 365 * OV_DAY_SECONDS; break;
		case 'W': case 'w': unit = 7 * OV_DAY_SECONDS; break;
		case 'D': case 'd': unit = OV_DAY_SECONDS; break;
		case 'H': case 'h': unit = 3600; break;
		case 'S': case 's': unit = 1; break;
		case 'M': case 'm':
			unit = in_time ? 60 : 30 * OV_DAY_SECONDS;
			break;
		default:
			return false;
		}
		/* a duration that does not fit is not one */
		if (v > (INT64_MAX - total) / unit)
			return false;
		total += v * unit;
		any = true;
	}
	if (!any)
		return false;
	*out = total;
	return true;
}
