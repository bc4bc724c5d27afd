/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/snapshot.h
 * @brief Loading inputs (snapshot directories and exports) into records.
 *
 * Ownership: an ov_snapshot from ov_snapshot_new() is owned by the caller
 * and released with ov_snapshot_free(); every pointer obtained from it is
 * borrowed and lives as long as the snapshot.
 */
#ifndef OVERVISOR_SNAPSHOT_H
#define OVERVISOR_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/common.h"
#include "overvisor/json.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ov_snapshot ov_snapshot;

/** Create an empty snapshot bound to ctx (borrowed; must outlive it). */
OV_EXTERN(int) ov_snapshot_new(ov_snapshot **out, ov_ctx *ctx);

/** Release a snapshot.  NULL is ignored. */
OV_EXTERN(void) ov_snapshot_free(ov_snapshot *snap);

/** Load options. */
#define OV_LOAD_SYNTAX_ONLY	0x01	/**< check JSON well-formedness only */
#define OV_LOAD_DIGEST		0x02	/**< take each record's digest while
					     loading (what the findings store
					     keeps for drift; a streaming scan
					     needs it, its bodies are
					     projections) */

/**
 * Load a file or a directory (recursively, in sorted order).  Each file's
 * format is detected.  Bad files and bad lines, files and directories
 * that cannot be read and symbolic link loops are recorded as diagnostics
 * on the snapshot's file table and everything valid around them is kept:
 * the call returns 0 in that case, and ov_snapshot_n_errors() tells.
 * Returns OV_EIO only when path itself does not exist.  Files are read and
 * parsed by OV_LIMIT_THREADS threads; the result does not depend on it.
 * Every record keeps its whole body.
 */
OV_EXTERN(int) ov_snapshot_load(ov_snapshot *snap, const char *path,
    unsigned flags);

/**
 * Load len bytes of in-memory data as if read from a file named name.
 */
OV_EXTERN(int) ov_snapshot_load_buffer(ov_snapshot *snap, const char *name,
    const char *data, size_t len, unsigned flags);

/**
 * Build the indexes (by id, type, parent, Graph object id) that rules and
 * analyzers look related records up in.  Idempotent; loading more
 * records after it rebuilds them on the next call.
 */
OV_EXTERN(int) ov_snapshot_index(ov_snapshot *snap);

/** Number of records loaded. */
OV_EXTERN(size_t) ov_snapshot_count(const ov_snapshot *snap);

/** Total diagnostics (bad files, bad lines) over every file. */
OV_EXTERN(size_t) ov_snapshot_n_errors(const ov_snapshot *snap);

/**
 * Total warnings over every file: input read anyway, with a doubt worth
 * knowing (a JSON key given twice, whose last value was used).  Not
 * counted as errors.
 */
OV_EXTERN(size_t) ov_snapshot_n_warnings(const ov_snapshot *snap);

/** Number of files read. */
OV_EXTERN(size_t) ov_snapshot_n_files(const ov_snapshot *snap);

/** Per-file report. */
typedef struct {
	const char	*path;		/**< as given */
	const char	*format;	/**< detected format name */
	size_t		 records;	/**< records loaded */
	size_t		 errors;	/**< errors (warnings excluded) */
	size_t		 warnings;	/**< warnings: the data was read */
} ov_file_info;

/** Fill *out for file i; OV_ENOTFOUND past the end. */
OV_EXTERN(int) ov_snapshot_file(const ov_snapshot *snap, size_t i,
    ov_file_info *out);

/** One diagnostic. */
typedef struct {
	unsigned	 line;		/**< 1-based, 0 if unknown */
	unsigned	 column;	/**< 1-based, 0 if unknown */
	const char	*pointer;	/**< JSON Pointer, or NULL */
	const char	*message;	/**< one line */
	bool		 warning;	/**< a warning, not an error */
} ov_diag_info;

/** Fill *out with diagnostic j of file i; OV_ENOTFOUND past the end. */
OV_EXTERN(int) ov_snapshot_file_diag(const ov_snapshot *snap, size_t i,
    size_t j, ov_diag_info *out);

/** A record, read-only. */
typedef struct {
	const char	*id;		/**< ARM id or synthetic id */
	const char	*type;		/**< canonical casing where known */
	const char	*name;		/**< may be NULL */
	const char	*location;	/**< may be NULL */
	const char	*subscription_id; /**< may be NULL */
	const char	*resource_group; /**< may be NULL */
	const ov_json	*body;		/**< the source object */
	const char	*file;		/**< source file */
	unsigned	 line;		/**< 1-based line in file */
} ov_record_info;

/** Fill *out for record i; OV_ENOTFOUND past the end. */
OV_EXTERN(int) ov_snapshot_record(const ov_snapshot *snap, size_t i,
    ov_record_info *out);

/**
 * Count records by type.  Calls cb once per type in case-insensitive sorted
 * order; a non-zero return from cb stops the walk and is passed back.
 */
OV_EXTERN(int) ov_snapshot_types(const ov_snapshot *snap,
    int (*cb)(const char *type, size_t count, void *payload),
    void *payload);

/** Coverage of one input source (for "missing is not secure"). */
typedef struct {
	const char	*name;		/**< "graph:users", "arg:resources" */
	const char	*status;	/**< collected, partial, failed,
					     not-requested, absent */
	uint64_t	 count;		/**< records the collector reported */
	const char	*reason;	/**< why partial or failed (a file the
					     manifest lists is missing, the
					     record count differs, a page says
					     more exist), or NULL */
} ov_source_info;

/** The tenant id from the manifest, or NULL. */
OV_EXTERN(const char *) ov_snapshot_tenant(const ov_snapshot *snap);

/** What the manifest says about a snapshot.  Strings may be NULL. */
typedef struct {
	bool		 has_manifest;	/**< a manifest.json was read */
	const char	*tenant;	/**< tenant id (manifest's, or the one
					     every record agrees on) */
	const char	*cloud;		/**< AzureCloud ... */
	const char	*collected_at;	/**< ISO 8601 */
	const char	*tool_version;	/**< collector version */
	size_t		 n_sources;	/**< sources listed */
} ov_manifest_info;

/** Fill *out from the snapshot's manifest. */
OV_EXTERN(void) ov_snapshot_manifest(const ov_snapshot *snap,
    ov_manifest_info *out);

/** Fill *out with manifest source i; OV_ENOTFOUND past the end. */
OV_EXTERN(int) ov_snapshot_source(const ov_snapshot *snap, size_t i,
    ov_source_info *out);

/**
 * Whether the absence of a finding on records of type proves it fixed:
 * the manifest must say the type's source was collected in full.  Partial,
 * failed and not-requested sources, types no listed source carries, and a
 * snapshot without a manifest never do.  An empty type asks whether every
 * listed source was collected in full.
 */
OV_EXTERN(bool) ov_snapshot_type_complete(const ov_snapshot *snap,
    const char *type);

/**
 * True when the snapshot reports the source that carries records of type
 * `partial` or `failed`, with or without a manifest (a loader may mark a
 * source of loose exports partial, e.g. a page that says more follow).
 * Nothing about such a type is resolved from the snapshot, not even a
 * record that is present and passes.  A partial or failed source whose
 * name no type maps to (one named after a file) holds back every type.
 */
OV_EXTERN(bool) ov_snapshot_type_incomplete(const ov_snapshot *snap,
    const char *type);

/* ------------------------------------------------------------------ */
/* Record digests: what the findings store keeps for drift.            */

/** A per-scan digest of records: id, type and security-relevant values. */
typedef struct ov_digest ov_digest;

/** Create an empty digest; *out is owned by the caller. */
OV_EXTERN(int) ov_digest_new(ov_digest **out);

/** Release a digest.  NULL is ignored. */
OV_EXTERN(void) ov_digest_free(ov_digest *d);

/**
 * Add one record: its id, type and n (path, value) pairs, values as JSON
 * text (NULL values are skipped).  Everything is copied.  A second record
 * with the same id (case-insensitive) replaces nothing and is ignored.
 */
OV_EXTERN(int) ov_digest_add(ov_digest *d, const char *id, const char *type,
    const char *const *paths, const char *const *values, size_t n);

/** Number of records in a digest. */
OV_EXTERN(size_t) ov_digest_count(const ov_digest *d);

/**
 * Build the digest of a loaded snapshot: every record with the curated
 * security-relevant properties of its type (docs/store.md lists them).
 * *out is owned by the caller.
 */
OV_EXTERN(int) ov_digest_from_snapshot(ov_digest **out, ov_ctx *ctx,
    const ov_snapshot *snap);

#ifdef __cplusplus
}
#endif
#endif
