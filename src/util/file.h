/* SPDX-License-Identifier: MIT */
/*
 * Files: reading whole files with a size cap and errors that name the
 * file, and walking directory trees in a fixed order.  The one reader and
 * the one walker of the library.
 */
#ifndef OV_UTIL_FILE_H
#define OV_UTIL_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/common.h"
#include "util/arena.h"

/* Largest data file read whole (rules, catalogues, fixtures, tables). */
#define OV_DATA_MAX_FILE	((size_t)64 << 20)

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
/* What ov__walk_dir reports. */
#define OV_WALK_DIR	1	/* a directory, before its entries */
#define OV_WALK_FILE	2	/* a regular file */
/* With OV_WALK_REPORT only; errno says why when the callback runs: */
#define OV_WALK_UNREADABLE 3	/* an entry that cannot be stat'ed, or a
				   directory that cannot be read */
#define OV_WALK_LOOP	4	/* a directory already on the path (a
				   symbolic link loop); not followed */
#define OV_WALK_DEEP	5	/* a directory below max_depth; not read */

/* ov__walk_tree flags */
#define OV_WALK_REPORT	0x1	/* pass problems to the callback */

/* Called per directory and file: path ("dir/name"), name, OV_WALK_*. */
typedef int (*ov_walk_fn)(const char *path, const char *name, int kind,
    void *payload);

/*
 * Walk dir in a fixed order: dir itself (OV_WALK_DIR), then its entries
 * sorted bytewise by name, each subdirectory walked where it sorts.
 * Names starting with '.' are skipped, links are followed, but never to a
 * directory already on the path (device and inode are compared, so a
 * symbolic link loop is not followed), and directories more than
 * max_depth levels down are left out.  A non-zero return from cb stops
 * the walk and is passed back.  A directory that cannot be opened is
 * OV_EIO, with its path on ctx in class klass; entries that cannot be
 * stat'ed are skipped.
 */
int	ov__walk_dir(ov_ctx *ctx, ov_error_class klass, const char *dir,
	    unsigned max_depth, ov_walk_fn cb, void *payload);
/*
 * As ov__walk_dir; with OV_WALK_REPORT in flags, an unreadable entry or
 * directory, a loop and a directory too deep are passed to cb (kinds
 * OV_WALK_UNREADABLE, OV_WALK_LOOP, OV_WALK_DEEP) and the walk goes on.
 */
int	ov__walk_tree(ov_ctx *ctx, ov_error_class klass, const char *dir,
	    unsigned max_depth, unsigned flags, ov_walk_fn cb,
	    void *payload);

/*
 * The paths of the regular files under dir whose names end in suffix, in
 * walk order, NULL-terminated; the strings and the array live in a.
 */
int	ov__list_files(ov_ctx *ctx, struct ov_arena *a, const char *dir,
	    const char *suffix, char ***paths, size_t *n);

/*
 * The directory holding rules/ and data/: dir when given, else the one
 * the library was built from.
 */
const char *ov__data_dir(const char *dir);

#endif
