/* SPDX-License-Identifier: MIT */
/*
 * The loader's state, shared by the files of the load: load.c walks the
 * inputs, cuts them into units and runs the workers; unit.c fills a unit
 * with records and the documents they come from; diag.c with its
 * diagnostics and paging notes.  snapshot_int.h tells the steps.
 */
#ifndef OV_SNAPSHOT_LOAD_H
#define OV_SNAPSHOT_LOAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/snapshot/digest.h"
#include "lib/snapshot/retain.h"
#include "lib/snapshot/snapshot_int.h"
#include "lib/snapshot/stream.h"

#define RECORD_POOL	256		/* records allocated at once */

/* One input file found by the walk. */
struct in_file {
	uint32_t	 file;		/* index in the file table */
	const char	*path;		/* as the table holds it */
	const char	*default_type;	/* the manifest's type, or NULL */
	bool		 ndjson;	/* by its extension */
	bool		 buffer;	/* in-memory data, not a file */
	const char	*data;		/* buffer: the bytes */
	size_t		 len;
};

/* A diagnostic kept by a unit until the merge. */
struct unit_diag {
	unsigned	 line;		/* in the unit (chunk: from its start) */
	unsigned	 column;
	const char	*pointer;	/* worker arena, or NULL */
	const char	*message;	/* worker arena */
	bool		 warning;	/* read anyway; not an error */
};

/* A unit: a whole file, or a chunk of an NDJSON file. */
struct load_unit {
	struct in_file		*in;		/* the file */
	uint64_t		 begin, end;	/* NDJSON chunk: byte range */
	bool			 chunk;		/* a chunk, not the whole file */
	int			 state;		/* 0 waiting, 1 loading, 2 done */
	int			 error;		/* OV_ENOMEM or a hook's error */
	char			 err[256];	/* the message behind error */
	const char		*format;	/* detected, or NULL */
	bool			 read;		/* bytes were read */
	struct ov_record	**recs;		/* records, worker arena */
	const char		**tenants;	/* their tenantId, or NULL */
	size_t			 n_recs, recs_cap;
	struct unit_diag	*diags;
	size_t			 n_diags, diags_cap;
	size_t			 n_dropped;	/* past the per-file cap */
	size_t			 n_warn_dropped; /* warnings, likewise */
	uint32_t		 n_lines;	/* NDJSON lines in the unit */
	const char		*page_kind;	/* a paged response, or NULL */
	bool			 page_more;	/* it says more pages exist */
	int64_t			 page_total;	/* the query's rows, or -1 */
	uint64_t		 page_rows;	/* rows on the page */
	char			*manifest;	/* a manifest file's bytes */
	size_t			 manifest_len;
	ov_digest		*digest;	/* its records' digests */
	void			*hook_unit;	/* the hooks' results */
	/* a template or plan lib/iac expands at the merge */
	char			*iac_data;	/* the file's bytes, or NULL */
	bool			 iac_plan;	/* a Terraform plan */
	size_t			 iac_len;
	ov_json_doc		**docs;		/* kept until the unit ends */
	size_t			 n_docs, docs_cap;
};

/* A worker: one thread's state. */
struct load_worker {
	struct loader		*L;		/* the load */
	ov_ctx			*ctx;		/* its own context */
	ov_json_parser		*parser;	/* NDJSON lines, reset per line */
	struct ov_snap_dups	*dups;		/* its duplicate keys */
	ov_json_parser		*sniff;		/* a whole file's first value */
	struct ov_arena		*arena;		/* what records keep; handed to
						   the snapshot */
	struct ov_intern	 intern;	/* strings kept once */
	struct ov_record	*pool;		/* records handed out in order */
	size_t			 pool_left;
	struct ov_arena		 scratch;	/* per unit */
	void			*hook_state;	/* the hooks' worker state */
	pthread_t		 thread;
	bool			 started;
};

/* The load. */
struct loader {
	struct ov_snapshot		*s;
	const struct ov_load_hooks	*hooks;	/* may be NULL */
	unsigned			 flags;	/* OV_LOAD_* */
	struct in_file			*files;
	size_t				 n_files, files_cap;
	struct load_unit		*units;
	size_t				 n_units;
	struct load_worker		*workers;
	size_t				 n_workers;
	uint64_t			 bytes_total;
	/* scheduling */
	pthread_mutex_t			 mu;
	pthread_cond_t			 cv;
	size_t				 next;	/* next unit to hand out */
	size_t				 merged; /* units merged */
	size_t				 window; /* units loaded ahead */
	bool				 stop;	/* a fatal error */
	bool				 threaded;
};

/* Parse a whole text, duplicate keys reported as warnings (dupkeys.c). */
int	ov_snap__parse_warned(struct load_ctx *lc, const char *text,
	    size_t len, unsigned flags, uint64_t base, ov_json_doc **doc,
	    ov_json_error *jerr);
/* The duplicate keys of NDJSON lines: a collector a worker's parser
 * feeds (ov_json_parser_set_warn) and that each line reports. */
struct ov_snap_dups;
struct ov_snap_dups *ov_snap__dups_new(void);
void	ov_snap__dups_free(struct ov_snap_dups *d);
void	ov_snap__dups_cb(const ov_json_warning *w, void *payload);
void	ov_snap__dups_clear(struct ov_snap_dups *d);
int	ov_snap__dups_report(struct load_ctx *lc, struct ov_snap_dups *d);

/* Keep a parsed document until the unit is loaded (freed on failure). */
int	ov_snap__keep_doc(struct load_ctx *lc, ov_json_doc *doc);

#endif
