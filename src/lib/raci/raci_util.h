/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by the rule pack, the matrix and the frameworks:
 * whole-file reads, directory walks and output escaping.
 */
#ifndef OV_RACI_UTIL_H
#define OV_RACI_UTIL_H

#include <stddef.h>
#include <stdio.h>

#include "overvisor/common.h"
#include "util/arena.h"

/* Largest data file read whole (rules, catalogues, fixtures). */
#define OV_RACI_MAX_FILE	((size_t)64 << 20)

/*
 * Read path into a NUL-terminated buffer owned by the caller (ov__free).
 * OV_EIO with the path on ctx when it cannot be read.
 */
int	ov_raci__read_file(ov_ctx *ctx, const char *path, char **data,
	    size_t *len);

/*
 * Collect the paths of the regular files ending in suffix under dir
 * (recursively), sorted bytewise; paths and the array live in a.
 */
int	ov_raci__list_files(ov_ctx *ctx, struct ov_arena *a, const char *dir,
	    const char *suffix, char ***paths, size_t *n);

/* Write s as a JSON string literal (with quotes); NULL writes null. */
void	ov_raci__json_str(FILE *f, const char *s);
/* Write s with HTML special characters escaped. */
void	ov_raci__html(FILE *f, const char *s);
/* Write s for a Markdown table cell ('|' and newlines escaped). */
void	ov_raci__md_cell(FILE *f, const char *s);

#endif
