/* SPDX-License-Identifier: MIT */
/*
 * Internal interface between the snapshot loader and its input adapters.
 * Each adapter recognises one input format from its parsed root and turns
 * it into records.  Adapters are listed once, in adapter_list.h.
 */
#ifndef OV_SNAPSHOT_INT_H
#define OV_SNAPSHOT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/snapshot.h"
#include "lib/model/model.h"

/* Where records come from while one file is being loaded. */
struct load_ctx {
	struct ov_snapshot	*s;		/* the snapshot being filled */
	uint32_t		 file;		/* index in s->files */
	const char		*path;		/* file name for messages */
	const char		*data;		/* the file's bytes */
	size_t			 len;		/* their count */
	uint64_t		 base;		/* subtract from node offsets to
						   get file offsets */
	const char		*default_type;	/* from the manifest, or NULL */
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
/* Record a diagnostic at a node. */
int	ov_snap__diag_at(struct load_ctx *lc, const ov_json *node,
	    const char *pointer, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
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
/* The Microsoft.Graph/<collection> type named by an @odata.context URL. */
const char *ov_snap__graph_type_from_context(const char *context);
/* The Microsoft.Graph/<collection> type for an @odata.type value. */
const char *ov_snap__graph_type_from_odata(struct ov_arena *a,
	    const char *odata_type);
/* Read manifest.json (data, len bytes) into the snapshot. */
int	ov_snap__read_manifest(struct ov_snapshot *s, const char *path,
	    const char *data, size_t len);
/* True when root's $schema names what ("deploymentTemplate"...). */
bool	ov_snap__schema_is(const ov_json *root, const char *what);
/* Add a file to the snapshot's file table; *out is its index. */
int	ov_snap__add_file(struct ov_snapshot *s, const char *path,
	    uint32_t *out);
/*
 * Parse flag: the text is the file's own bytes (offsets shifted by
 * lc->base), so duplicate keys become warnings at file positions.
 */
#define OV_SNAP__FILE_TEXT	0x10000
/* Parse JSON text owned by the loader and keep the document alive. */
int	ov_snap__parse_keep(struct load_ctx *lc, const char *text, size_t len,
	    unsigned flags, const ov_json **root);

#endif
