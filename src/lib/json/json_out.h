/* SPDX-License-Identifier: MIT */
/*
 * JSON output for the rest of the library: the one string escaper
 * (ov_json_write_string in overvisor/json.h) into an ov_buf.  Streams use
 * ov_json_fput_string().
 */
#ifndef OV_JSON_JSON_OUT_H
#define OV_JSON_JSON_OUT_H

#include "util/buf.h"

/* Append s as a JSON string literal, or null when s is NULL; 0 or
 * OV_ENOMEM. */
int	ov_json__buf_string(struct ov_buf *b, const char *s);

#endif
