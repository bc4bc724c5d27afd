/* SPDX-License-Identifier: MIT */
/* Reading whole files, with a size cap and errors that name the file. */
#ifndef OV_UTIL_FILE_H
#define OV_UTIL_FILE_H

#include <stddef.h>

#include "overvisor/common.h"

/*
 * Read path into a NUL-terminated heap buffer owned by the caller (free
 * with ov__free).  A file larger than max bytes is OV_ELIMIT; a file that
 * cannot be opened or read is OV_EIO.  The error on ctx names the file
 * and carries klass.
 */
int	ov__read_file(ov_ctx *ctx, ov_error_class klass, const char *path,
	    size_t max, char **out, size_t *len);

/*
 * The directory holding rules/ and data/: dir when given, else the one
 * the library was built from.
 */
const char *ov__data_dir(const char *dir);

#endif
