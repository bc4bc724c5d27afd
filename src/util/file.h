/* SPDX-License-Identifier: MIT */
/*
 * Files: reading whole files with a size cap and errors that name the
 * file, and walking directory trees in a fixed order.  The one reader and
 * the one walker of the library.
 */
#ifndef OV_UTIL_FILE_H
#define OV_UTIL_FILE_H

#include <stddef.h>

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

/* What ov__walk_dir reports. */
#define OV_WALK_DIR	1	/* a directory, before its entries */
#define OV_WALK_FILE	2	/* a regular file */

/* Called per directory and file: path ("dir/name"), name, OV_WALK_*. */
typedef int (*ov_walk_fn)(const char *path, const char *name, int kind,
    void *payload);

/*
 * Walk dir in a fixed order: dir itself (OV_WALK_DIR), then its entries
 * sorted bytewise by name, each subdirectory walked where it sorts.
 * Names starting with '.' are skipped, links are followed, and
 * directories more than max_depth levels down are left out.  A non-zero
 * return from cb stops the walk and is passed back.  A directory that
 * cannot be opened is OV_EIO, with its path on ctx in class klass.
 */
int	ov__walk_dir(ov_ctx *ctx, ov_error_class klass, const char *dir,
	    unsigned max_depth, ov_walk_fn cb, void *payload);

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
