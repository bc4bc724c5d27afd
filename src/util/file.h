/* SPDX-License-Identifier: MIT */
/* Reading whole files, with a size cap and errors that name the file. */
#ifndef OV_UTIL_FILE_H
#define OV_UTIL_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/common.h"

/*
 * Read path into a NUL-terminated heap buffer owned by the caller (free
 * with ov__free).  A file larger than max bytes is OV_ELIMIT; a file that
 * cannot be opened or read is OV_EIO.  The error on ctx names the file
 * and carries klass.
 */
int	ov__read_file(ov_ctx *ctx, ov_error_class klass, const char *path,
	    size_t max, char **out, size_t *len);

/* An input file opened for reading, with what fstat said. */
struct ov_file {
	int		 fd;		/* -1 when closed */
	bool		 regular;	/* a regular file: size is known */
	uint64_t	 size;		/* bytes, for a regular file */
	uint64_t	 pos;		/* next sequential read offset */
};

/*
 * Open path for reading; 0, or -errno (the caller turns it into a
 * diagnostic with strerror).
 */
int	ov__file_open(struct ov_file *f, const char *path);
/*
 * Read up to n bytes at offset off into buf; *got receives the count (0 at
 * the end).  A regular file is read with pread, anything else (a device,
 * a pipe) sequentially, so off must then be where the last read ended.
 * 0, or -errno.
 */
int	ov__file_read(struct ov_file *f, uint64_t off, char *buf, size_t n,
	    size_t *got);
void	ov__file_close(struct ov_file *f);

/*
 * The directory holding rules/ and data/: dir when given, else the one
 * the library was built from.
 */
const char *ov__data_dir(const char *dir);

#endif
