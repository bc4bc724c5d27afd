/* SPDX-License-Identifier: MIT */
/*
 * The record model (DESIGN section 3) and the snapshot index.
 *
 * Everything overvisor reads becomes a record: an ARM resource, a Graph
 * entity, a Resource Graph row.  A snapshot owns its records, the JSON
 * trees behind them and the indexes over them; every pointer reached from a
 * snapshot is borrowed and lives until ov_snapshot_free().
 *
 * Types, ids and property names compare case-insensitively.  The source
 * spelling is kept for output; `type` is canonicalised when the type is
 * known (Resource Graph lower-cases types).
 */
#ifndef OV_MODEL_MODEL_H
#define OV_MODEL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/common.h"
#include "overvisor/json.h"
#include "util/arena.h"
#include "util/hash.h"

/* An ARM resource id split into parts.  Strings are arena copies. */
struct ov_arm_id {
	const char	*subscription;	/* subscription GUID, or NULL */
	const char	*resource_group; /* resource group name, or NULL */
	const char	*provider;	/* "Microsoft.Network", or NULL */
	const char	*type;		/* type chain "Microsoft.Network/
					   virtualNetworks/subnets", or NULL */
	const char	*name;		/* the last name segment, or NULL */
	const char	*parent;	/* id of the parent resource, or NULL */
	const char	*mgmt_group;	/* management group name, or NULL */
	unsigned	 depth;		/* number of type segments */
};

/*
 * Parse an ARM id ("/subscriptions/S/resourceGroups/R/providers/P/T/N/...")
 * into parts allocated from a.  Also accepts subscription, resource group,
 * management group and tenant-level provider ids.  Returns OV_EINVALID for
 * anything else, OV_ENOMEM when a part cannot be allocated.
 */
int	ov_model__arm_id_parse(struct ov_arm_id *out, struct ov_arena *a,
	    const char *id, size_t len);

/*
 * Where a record expanded from a template or a Terraform plan comes from
 * (lib/iac): findings on it are placed in the file it was written in.
 */
struct ov_iac_src {
	const char		*exists_if;	/* deployed only when this
						   expression, known only at
						   deployment, allows it; NULL
						   when always deployed */
	const ov_json		*decl;		/* the resource as written */
	uint32_t		 json_file;	/* file index of decl */
	const struct ov_iac_bicep *bicep;	/* the Bicep declaration it
						   was compiled from, or NULL */
	const char		*key;		/* "<file>|<id>": one record
						   per resource and file */
};

struct load_ctx;
struct ov_iac_opts;
struct ov_snapshot;
struct ov_record;

/*
 * What lib/iac adds to a snapshot, installed by ov_snapshot_set_iac():
 * the loaders that expand templates and map plans, and where findings on
 * their records belong.  Lower modules (the loader, the policy engine)
 * reach lib/iac only through it.  Without it templates and plans are
 * recognised and hold no records.
 */
struct ov_iac_ops {
	/* Expand an ARM template, map a Terraform plan (loaded through lc). */
	int	(*load_template)(struct load_ctx *lc, const ov_json *root);
	int	(*load_plan)(struct load_ctx *lc, const ov_json *root);
	/* True when path was read already as a linked template. */
	bool	(*was_linked)(const struct ov_snapshot *s, const char *path);
	/* The file, line and column a finding on r (at path, decided by
	 * node) is reported at. */
	void	(*locate)(const struct ov_snapshot *s, const struct ov_record *r,
		    const char *path, const ov_json *node, const char **file,
		    unsigned *line, unsigned *column);
	/* Release the options. */
	void	(*free_opts)(struct ov_iac_opts *o);
};

/*
 * One record: the header every stage may read, and its body.  Every string
 * is owned by the snapshot.  When the snapshot keeps every body (full
 * retention) the strings point into the parsed documents; a streaming scan
 * keeps a compact copy of the header and, for the types the analyzers and
 * the deferred rules read, a projection of the body (ov_retain).
 */
/*
 * Where a record sits.  Records of one subscription, resource group and
 * location share one (a loaded snapshot has few distinct places).
 */
struct ov_place {
	const char	*location;	/* may be NULL */
	const char	*subscription_id; /* may be NULL */
	const char	*resource_group; /* may be NULL */
	const struct ov_iac_src *iac;	/* template or plan origin, or NULL:
					   a template record has a place of
					   its own */
};

struct ov_record {
	const char	*id;		/* ARM id or a stable synthetic id */
	const char	*type;		/* canonical casing where known */
	const char	*name;		/* may be NULL */
	const struct ov_place *place;	/* never NULL */
	const ov_json	*tags;		/* object, or NULL */
	const ov_json	*body;		/* the object as the source gave it,
					   a projection of it, or an empty
					   object (header only) */
	uint32_t	 parent_len;	/* the parent's id is the first
					   parent_len bytes of id; 0: none */
	uint32_t	 richness;	/* members of the body and its
					   properties: the richer copy of a
					   duplicate wins */
	uint32_t	 file;		/* index into the snapshot file table */
	uint32_t	 line;		/* 1-based line of the record's start */
	uint32_t	 column;	/* 1-based column of the record's start */
	uint32_t	 index;		/* position in the snapshot */
	const void	*packed;	/* what an analyzer packed of the body
					   while it was whole (a streaming
					   load's plan, ov_retain__pack), or
					   NULL: read the body */
};

/* Per-file load report, also behind `overvisor inspect`. */
struct ov_file_diag {
	unsigned	 line;		/* 1-based, 0 if unknown */
	unsigned	 column;	/* 1-based, 0 if unknown */
	const char	*pointer;	/* JSON Pointer, or NULL */
	const char	*message;	/* one line */
	bool		 warning;	/* read anyway; not an input error */
};

struct ov_snapshot_file {
	const char		*path;		/* as given */
	const char		*format;	/* adapter name, e.g. "arg-objectarray" */
	size_t			 n_records;	/* records loaded from it */
	struct ov_file_diag	*diags;		/* errors, in input order */
	size_t			 n_diags;	/* number of diags */
	size_t			 n_diags_dropped; /* past the per-file cap */
	bool			 read;		/* its bytes were read */
	uint32_t		 nd_lines;	/* NDJSON lines merged so far */
	/* a paged API response (Resource Graph, Graph, ARM list) */
	const char		*page_kind;	/* what kind, or NULL: not a
						   page */
	bool			 page_more;	/* it says more pages exist */
	int64_t			 page_total;	/* rows the query has in all,
						   -1 when it does not say */
	uint64_t		 page_rows;	/* rows on this page */
	struct ov_file_diag	*notes;		/* what was read but not
						   checked (IaC), in order */
	size_t			 n_notes;	/* number of notes */
	uint32_t		*lines;		/* offsets of line starts, for
						   positions after loading */
	size_t			 n_lines;	/* number of lines */
	size_t			 n_warnings;	/* of diags, the warnings */
	size_t			 n_warnings_dropped; /* past the cap */
};

/*
 * One source in the manifest (DESIGN section 3), or one the loader added
 * for loose exports whose pages say they are incomplete.  status is what
 * the loader concluded: the manifest's word, made partial or failed when
 * the data does not keep the manifest's contract (reason says why).
 */
struct ov_source_status {
	const char	*name;		/* "arg:resources", "graph:users" ... */
	const char	*status;	/* collected, partial, failed,
					   not-requested */
	uint64_t	 count;		/* records reported by the collector */
	const char	*reason;	/* why partial or failed, or NULL */
	const char	*listed;	/* the status the manifest gave */
	const char	*listed_reason;	/* and its reason, or NULL */
	const char	**files;	/* the files it lists, as paths */
	size_t		 n_files;
	bool		 has_count;	/* the manifest gave a count */
	bool		 loose;		/* added by the loader, not listed */
};

/* A list of records of one key, in load order. */
struct ov_record_list {
	const struct ov_record	**items;	/* records */
	size_t			  len;		/* used */
	size_t			  cap;		/* allocated */
	bool			  located;	/* by_type: a record of the type
						   has a location */
};

/*
 * A grouped record index: key -> contiguous list of records, built once
 * by a counting pass (util/hash.h, struct ov_groups); lookups cost O(1)
 * whatever the key's popularity.
 */
struct ov_record_index {
	struct ov_groups	  g;		/* key -> slice */
	struct ov_record_list	 *lists;	/* one per group */
};

struct ov_snapshot {
	ov_ctx			*ctx;		/* borrowed */
	struct ov_arena		 arena;		/* strings, ids, lists */
	struct ov_record	**records;	/* owned (arena) */
	size_t			  n_records;
	size_t			  records_cap;
	struct ov_snapshot_file	 *files;	/* load report per file */
	size_t			  n_files;
	size_t			  files_cap;
	/* manifest.json, when one was read */
	bool			  has_manifest;
	const char		 *tenant_id;	/* manifest's, or the one all
						   records agree on; may be
						   NULL */
	bool			  tenant_inferred; /* tenant_id came from the
						   records, not a manifest */
	const char		 *cloud;	/* may be NULL */
	const char		 *collected_at;	/* may be NULL */
	const char		 *tool_version;	/* may be NULL */
	struct ov_source_status	 *sources;
	size_t			  n_sources;
	size_t			  sources_cap;
	/* what a streaming load keeps beyond the records */
	struct ov_arena		**arenas;	/* adopted from the workers */
	size_t			  n_arenas;
	struct ov_digest	 *digest;	/* record digests computed while
						   loading (OV_LOAD_DIGEST), or
						   NULL */
	bool			  streamed;	/* bodies are projections */
	/* tenant inference while loading (no manifest tenant) */
	const char		 *tenant_seen;	/* first tenantId of a record */
	bool			  tenant_conflict; /* records disagree */
	/*
	 * by_id is kept while loading: one record per id, the richer.  A
	 * slot holds a record index + 1 and the id's hash, 8 bytes.
	 */
	struct ov_id_slot {
		uint32_t	 rec;		/* index + 1, 0 empty */
		uint32_t	 hash;		/* low bits of the id's hash */
	}			 *by_id;
	size_t			  by_id_cap;	/* power of two, or 0 */
	size_t			  by_id_len;	/* ids held */
	size_t			  n_dups;	/* records that lost to a richer
						   copy of the same id */
	/* indexes, built once by ov_model__index() */
	bool			  indexed;
	struct ov_record_index	  by_type;	/* type */
	struct ov_record_index	  children;	/* parent id (on first use) */
	bool			  children_built;
	/* per type, built on the first look-up of the type */
	struct ov_map		  scoped;	/* type -> struct ov_scoped */
	struct ov_map		  file_types;	/* manifest: file name ->
						   record type */
	struct ov_arena		  key_arena;	/* composite index keys */
	struct ov_iac_opts	 *iac;		/* template parameters and
						   scope, or NULL */
	const struct ov_iac_ops	 *iac_ops;	/* lib/iac, or NULL */
	size_t			  n_iac_records; /* records from templates and
						   plans */
	struct ov_map		  iac_ids;	/* "<file>|<id>" -> record */
	struct ov_map		  iac_linked;	/* real paths of the linked
						   templates read */
	ov_json_doc		**docs;		/* documents records borrow
						   from after loading
						   (templates, plans), owned */
	size_t			  n_docs;
	size_t			  docs_cap;
};

/* Add a record built from body; fields are derived from it and overrides. */
struct ov_record_init {
	const ov_json	*body;		/* required, an object */
	const char	*id;		/* override, or NULL to read body.id */
	const char	*type;		/* override, or NULL to read body.type */
	uint32_t	 file;		/* file table index */
	uint32_t	 line;		/* 1-based */
	uint32_t	 column;	/* 1-based */
	const struct ov_iac_src *iac;	/* template or plan origin, or NULL */
};

/*
 * Fill r from init: the header fields, derived from the body and the
 * overrides, and *tenant the body's tenantId (or NULL).  The place is
 * filled into *pl, which r->place points to until the record is kept
 * (the loader interns it).  Strings are borrowed from the body.  Returns
 * OV_EINVALID (no id) or 0.
 */
int	ov_model__record_fill(struct ov_record *r, struct ov_place *pl,
	    const struct ov_record_init *init, const char **tenant);
/*
 * Complete a filled header (r, its place pl) from its ARM id: type, name,
 * subscription, resource group and the parent's length, where the body
 * did not say.  Strings cut out of the id are copied with dup (an arena,
 * an interning table).  0, or OV_ENOMEM when dup fails.
 */
int	ov_model__arm_fill(struct ov_record *r, struct ov_place *pl,
	    const char *(*dup)(void *arg, const char *s, size_t n), void *arg);
/* The type chain of an ARM id copied with dup; "unknown" when none,
 * NULL when dup fails. */
const char *ov_model__arm_type(const char *id, size_t len,
	    const char *(*dup)(void *arg, const char *s, size_t n), void *arg);
/*
 * Add a record built from init (strings borrowed from the body, which the
 * snapshot must keep alive).  See ov_model__append for duplicates.
 */
int	ov_model__add_record(struct ov_snapshot *s,
	    const struct ov_record_init *init, struct ov_record **out);
/*
 * Append a filled record (owned by the snapshot's arenas) in load order
 * and file it by id; tenant is its tenantId for the snapshot's tenant
 * inference.  A record whose id was seen keeps the richer of the two in
 * the id index (the first on a tie); *loser (may be NULL) receives the
 * one that lost, or NULL.
 */
int	ov_model__append(struct ov_snapshot *s, struct ov_record *r,
	    const char *tenant, const struct ov_record **loser);
/* True when r is the copy the id index keeps (not a poorer duplicate). */
bool	ov_model__is_winner(const struct ov_snapshot *s,
	    const struct ov_record *r);
/* Build the type, parent and Graph object indexes once; idempotent. */
int	ov_model__index(struct ov_snapshot *s);

/*
 * True when r is the record its id stands for (not a poorer copy of the
 * same resource read twice).  Every template and plan counts as its own
 * deployment, so the same id in two of them is two resources.
 */
bool	ov_model__is_primary(const struct ov_snapshot *s,
	    const struct ov_record *r);
/* Look-ups; the snapshot must be indexed.  All return borrowed pointers. */
const struct ov_record *ov_model__by_id(const struct ov_snapshot *s,
	    const char *id);
/* Records of one type (case-insensitive); an empty list when none. */
const struct ov_record_list *ov_model__by_type(const struct ov_snapshot *s,
	    const char *type);
/* Child records of a parent id (by ARM id nesting); empty when none. */
const struct ov_record_list *ov_model__children(const struct ov_snapshot *s,
	    const char *parent_id);
/* As ov_model__children, the parent id given as len bytes of id. */
const struct ov_record_list *ov_model__children_n(const struct ov_snapshot *s,
	    const char *parent_id, size_t len);
/*
 * Records of type whose ARM parent is parent_id: what related-record
 * look-ups ask, from an index of that type alone.
 */
const struct ov_record_list *ov_model__children_of(
	    const struct ov_snapshot *s, const char *parent_id,
	    const char *type);
/* Records of type in subscription sub; empty when none. */
const struct ov_record_list *ov_model__by_type_sub(
	    const struct ov_snapshot *s, const char *type, const char *sub);
/*
 * Records of type in resource group rg of subscription sub (NULL: a
 * record without a subscription), or in a group of that name in any
 * subscription (ov_model__by_type_rg_any).
 */
const struct ov_record_list *ov_model__by_type_rg(
	    const struct ov_snapshot *s, const char *type, const char *sub,
	    const char *rg);
const struct ov_record_list *ov_model__by_type_rg_any(
	    const struct ov_snapshot *s, const char *type, const char *rg);
/* The record of r's ARM parent, or NULL when it is not in the snapshot. */
const struct ov_record *ov_model__parent(const struct ov_snapshot *s,
	    const struct ov_record *r);
/* True when r has an ARM parent whose id equals id (case-insensitive). */
bool	ov_model__parent_is(const struct ov_record *r, const char *id);
/*
 * The status of a manifest source ("collected", ...), or NULL when the
 * snapshot has no manifest or the manifest does not list it.
 */
const char *ov_model__source_status(const struct ov_snapshot *s,
	    const char *source);
/*
 * True when records of this type were collected: the manifest says a source
 * covering it was collected, or (no manifest) at least one record of the
 * type is present.  Analyzers use this to say "indeterminate" rather than
 * "all good".
 */
bool	ov_model__type_collected(const struct ov_snapshot *s,
	    const char *type);

/*
 * The manifest source that carries records of type ("graph:users",
 * "arg:resources"...), or NULL for a type no collector source covers.
 */
const char *ov_model__type_source(const char *type);
/* True when some type maps to the source called name. */
bool	ov_model__source_known(const char *name);
/* Release the indexes; the snapshot frees everything else. */
void	ov_model__free_indexes(struct ov_snapshot *s);

/*
 * A Microsoft Graph record by its object id (the GUID in body.id, as role
 * assignments and principals refer to it), or NULL.  Graph records have
 * the synthetic id "/providers/Microsoft.Graph/<collection>/<object id>".
 */
const struct ov_record *ov_model__graph_object(const struct ov_snapshot *s,
	    const char *object_id);

/*
 * The Microsoft Graph object id of a record: its body's id, else the last
 * part of its synthetic id "/providers/<type>/<object id>" (a streamed
 * body may not keep the member); NULL when it has none.
 */
const char *ov_model__object_id(const struct ov_record *r);

/* Canonical casing of a known type, or NULL when unknown. */
const char *ov_model__canonical_type(const char *type, size_t len);

/* A record field by dotted path, case-insensitive (body first). */
const ov_json *ov_model__field(const struct ov_record *r, const char *path);
/* A string property by dotted path, or NULL when absent or not a string. */
const char *ov_model__str(const struct ov_record *r, const char *path);
/* The tag value for name (case-insensitive), or NULL. */
const char *ov_model__tag(const struct ov_record *r, const char *name);

#endif
