/* SPDX-License-Identifier: MIT */
/* Timestamps: ISO 8601 parsing and formatting in UTC. */
#ifndef OV_UTIL_TIME_H
#define OV_UTIL_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OV_DAY_SECONDS 86400

/*
 * Parse an ISO 8601 date or date-time ("2024-05-01", "2024-05-01T10:00:00Z",
 * "2024-05-01T10:00:00.1234567+02:00", "2024-05-01 10:00:00") into seconds
 * since the Unix epoch, UTC.  A time without a zone is taken as UTC, as
 * Azure writes them.  Returns false when s is not such a timestamp.
 */
bool	 ov__time_parse(const char *s, size_t n, int64_t *out);
/* Format t as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). */
void	 ov__time_format(int64_t t, char *buf, size_t size);
/* Format t as "YYYY-MM-DD" into buf (at least 11 bytes). */
void	 ov__date_format(int64_t t, char *buf, size_t size);
/* Days from civil date, proleptic Gregorian; month 1-12. */
int64_t	 ov__days_from_civil(int64_t y, unsigned m, unsigned d);
/*
 * Parse an expiry: an ISO 8601 date or date-time as ov__time_parse(), and
 * *out is the first instant at which it no longer holds.  A bare date
 * ("2026-06-30") holds through the end of that day (UTC), so *out is the
 * next midnight.  The one parser for every expiry overvisor reads
 * (exceptions.yaml, --except, ...).
 */
bool	 ov__expiry_parse(const char *s, size_t n, int64_t *out);
/*
 * Format an expiry instant for people: an expiry at midnight UTC is the
 * last day it holds ("2026-06-30" for 2026-07-01T00:00:00Z), any other
 * the full time.  buf holds at least 21 bytes.
 */
void	 ov__expiry_format(int64_t t, char *buf, size_t size);
/* Parse an ISO 8601 duration ("P30D", "PT4H", "P1DT2H") into seconds. */
bool	 ov__duration_parse(const char *s, size_t n, int64_t *out);

#endif
