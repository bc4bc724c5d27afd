/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the snapshot loader: the walk over the inputs, the
 * units of work the workers load, and the input adapters.  Each adapter
 * recognises one input format from its parsed root and turns it into
 * records.  Adapters are listed once, in adapter_list.h.
 *
 * A load runs in three steps (load.c):
 *
 *	walk	the main thread lists the input files in sorted order, reads
 *		the manifests, and reports what cannot be read (a directory
 *		that cannot be opened, a symbolic link loop) as diagnostics
 *	units	each file, or each chunk of a large NDJSON file, is a unit;
 *		workers (OV_LIMIT_THREADS of them) read and parse units and
 *		turn their objects into records, calling the streaming hooks
 *		(stream.h) with each record's whole body
 *	merge	the main thread appends each unit's records, diagnostics and
 *		paging notes to the snapshot in unit order, so the result
 *		does not depend on the number of threads or their timing
 */
#ifndef OV_SNAPSHOT_INT_H
#define OV_SNAPSHOT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/snapshot.h"
#include "lib/model/model.h"
#include "lib/snapshot/retain.h"

struct load_unit;
struct load_worker;

/* Where records come from while one unit is being loaded. */
struct load_ctx {
	struct ov_snapshot	*s;		/* the snapshot: workers read
						   only what the load does not
						   change (iac_ops); the main
						   thread may write */
	ov_ctx			*ctx;		/* the worker's context */
	struct load_worker	*w;		/* the worker, or NULL on the
						   main thread (templates) */
	struct load_unit	*u;		/* the unit, or NULL: diagnostics
						   go to the file table */
	uint32_t		 file;		/* index in the file table */
	const char		*path;		/* file name for messages */
	const char		*data;		/* the bytes being parsed */
	size_t			 len;		/* their count */
	uint64_t		 base;		/* subtract from node offsets to
						   get offsets in data */
	uint32_t		 line_base;	/* lines before data in the unit */
	const char		*default_type;	/* from the manifest, or NULL */
	struct ov_arena		*scratch;	/* temporaries of the unit */
	/* incremental offset -> line:column tracking */
	uint64_t		 pos_off;	/* offset already scanned */
	unsigned		 pos_line;	/* line at pos_off */
	uint64_t		 pos_bol;	/* offset of that line's start */
};

/* One input format. */
struct ov_adapter {
	const char	*name;		/* "arg-objectarray" ... */
	/* Non-zero when root is in this format. */
	bool		(*detect)(const ov_json *root);
	/* Turn root into records; per-item problems become diagnostics. */
	int		(*load)(struct load_ctx *lc, const ov_json *root);
};

#define OV_ADAPTER(name) extern const struct ov_adapter ov_adapter_##name;
#include "lib/snapshot/adapter_list.h"
#undef OV_ADAPTER

/* Line and column of a node, tracked incrementally (nodes in order). */
void	ov_snap__position(struct load_ctx *lc, const ov_json *node,
	    unsigned *line, unsigned *column);
/* Record a diagnostic on the current file. */
int	ov_snap__diag(struct load_ctx *lc, unsigned line, unsigned column,
	    const char *pointer, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
/* Record a warning (read anyway; not an input error). */
int	ov_snap__warn(struct load_ctx *lc, unsigned line, unsigned column,
	    const char *pointer, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
/* Count warnings past a parse's own cap. */
void	ov_snap__warn_dropped(struct load_ctx *lc, size_t n);
/* Record a diagnostic at a node. */
int	ov_snap__diag_at(struct load_ctx *lc, const ov_json *node,
	    const char *pointer, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
/*
 * Note that the file is one page of a paged API response: kind names it
 * ("a Resource Graph $skipToken"), more says the page says more pages
 * exist, total is the rows the whole query has (-1 when unknown), rows
 * the rows on this page.  The contract check makes the source partial
 * unless its pages add up to the total.
 */
void	ov_snap__page(struct load_ctx *lc, const char *kind, bool more,
	    int64_t total, size_t rows);
/* Resource Graph paging: $skipToken / skip_token, totalRecords /
 * total_records against the rows of the page. */
void	ov_snap__arg_paging(struct load_ctx *lc, const ov_json *root,
	    size_t rows);
/*
 * Add one object as a record.  type overrides what the object says (NULL
 * to infer: ARM `type`, Graph `@odata.type`, the manifest's type, the
 * object's shape).  pointer names it for diagnostics.  Objects that cannot
 * become records are reported as diagnostics, not errors; only OV_ENOMEM
 * is returned.
 */
int	ov_snap__add_object(struct load_ctx *lc, const ov_json *obj,
	    const char *type, const char *pointer);
/* As ov_snap__add_object, reporting the position of node pos instead. */
int	ov_snap__add_object_at(struct load_ctx *lc, const ov_json *obj,
	    const ov_json *pos, const char *type, const char *pointer);
/*
 * The type and id an object gets as a record (object.c): synthetic ones
 * are allocated from the unit's scratch arena.  0 or OV_ENOMEM.
 */
int	ov_snap__object_identity(struct load_ctx *lc, const ov_json *obj,
	    const char *type, const char **id_out, const char **type_out);
/* The Microsoft.Graph/<collection> type named by an @odata.context URL. */
const char *ov_snap__graph_type_from_context(const char *context);
/* The Microsoft.Graph/<collection> type for an @odata.type value. */
const char *ov_snap__graph_type_from_odata(struct ov_arena *a,
	    const char *odata_type);
/*
 * Read manifest.json (data, len bytes, found at path) into the snapshot.
 * The main thread only.
 */
int	ov_snap__read_manifest(struct ov_snapshot *s, const char *path,
	    const char *data, size_t len);
/* Keep a manifest met as a unit's file, for the merge to read. */
int	ov_snap__defer_manifest(struct load_ctx *lc);
/* True when root's $schema names what ("deploymentTemplate"...). */
bool	ov_snap__schema_is(const ov_json *root, const char *what);
/*
 * A template or plan met by a worker: lib/iac expands it on the main
 * thread when the unit is merged, in load order (iac.c).  plan says which.
 */
int	ov_snap__defer_iac(struct load_ctx *lc, const ov_json *root, bool plan);
/*
 * Parse flag: the text is the file's own bytes (offsets shifted by
 * lc->base), so duplicate keys become warnings at file positions.
 */
#define OV_SNAP__FILE_TEXT	0x10000
/*
 * Parse JSON text and keep the document until the unit is loaded (the
 * records copy what they keep), or for good in the snapshot on the main
 * thread (lc->u NULL: templates and plans); *root is borrowed.
 */
int	ov_snap__parse_keep(struct load_ctx *lc, const char *text, size_t len,
	    unsigned flags, const ov_json **root);
/*
 * Check the manifest's contract against what was loaded: every file a
 * source lists was read and the records they hold add up to its count;
 * otherwise the source is partial (or failed when none of its data was
 * read), with the reason.  Idempotent: recomputed after every load.
 */
void	ov_snap__check_contract(struct ov_snapshot *s);

/* Add an entry to the file table; *out receives its index. */
int	ov_snap__add_file(struct ov_snapshot *s, const char *path,
	    const char *format, uint32_t *out);
/* A diagnostic on file entry file (main thread). */
int	ov_snap__file_diag(struct ov_snapshot *s, uint32_t file,
	    bool warning, unsigned line, unsigned column, const char *pointer,
	    const char *message);

#endif
