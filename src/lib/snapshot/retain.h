/* SPDX-License-Identifier: MIT */
/*
 * What a streaming load keeps of each record (the retention plan), and the
 * compact copies it keeps.
 *
 * A scan evaluates the per-record rules while a record is loaded, with its
 * whole body; after that only the stages that join records read it: the
 * analyzers, the rules that look related records up, the record digest.
 * The plan says, per record type, what they read:
 *
 *	all	the whole body (containers; the types a rule that needs
 *		other records reads in a way known only when it runs)
 *	paths	the subtrees at the declared dotted paths ("properties.
 *		ipConfigurations[*].properties.subnet"); "[*]" descends into
 *		every element of an array
 *	none	nothing: the record keeps its header (id, type, name,
 *		location, subscription, resource group, tags by name, file and
 *		line) and an empty body
 *
 * Copies go to a compact arena: keys and short strings are stored once
 * (interned), and only the kept members are copied.
 *
 * Ownership: a plan from ov_retain__new() is released with
 * ov_retain__free(); it is read-only while a load uses it.
 */
#ifndef OV_SNAPSHOT_RETAIN_H
#define OV_SNAPSHOT_RETAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "overvisor/json.h"
#include "lib/model/model.h"
#include "util/arena.h"
#include "util/hash.h"

enum ov_keep {
	OV_KEEP_NONE = 0,	/* header only */
	OV_KEEP_PATHS,		/* the declared subtrees */
	OV_KEEP_ALL		/* the whole body */
};

struct ov_retain;
struct ov_retain_node;

struct ov_intern;
struct ov_record;

/*
 * A packer: what one stage keeps of each record of a type, in a compact
 * layout of its own, built from the whole body while the record loads
 * (the identity analyzer's users: a few parsed fields instead of a JSON
 * projection of them).  r is the kept header (its strings in in's arena);
 * the result becomes r->packed: in in's arena, or a constant of the
 * packer's own (a view every healthy assessment shares).  The same
 * reading serves a snapshot loaded whole.  NULL only when memory runs
 * out.
 */
typedef const void *(*ov_retain_packer)(struct ov_intern *in,
	    const struct ov_record *r, const ov_json *body);

/* The plan for one type, as the loader looks it up. */
struct ov_retain_type {
	enum ov_keep			 keep;	/* how much */
	const struct ov_retain_node	*root;	/* paths (OV_KEEP_PATHS) */
	bool				 tags;	/* the whole tags object */
	struct ov_map			 tag_names; /* and these tags */
	ov_retain_packer		 pack;	/* or NULL */
};

int	ov_retain__new(struct ov_retain **out);
void	ov_retain__free(struct ov_retain *p);
/* Keep whole bodies of type; NULL: of every type.  0 or OV_ENOMEM. */
int	ov_retain__all(struct ov_retain *p, const char *type);
/*
 * Keep path (dotted, "[*]" for array elements, "*" for the whole body) of
 * the bodies of type (NULL: of every type).  0, OV_EINVALID (bad path) or
 * OV_ENOMEM.
 */
int	ov_retain__path(struct ov_retain *p, const char *type,
	    const char *path);
/* One step of a path: a member name (exact bytes, may hold '.' or '['),
 * then items levels of "[*]". */
struct ov_retain_step {
	const char	*name;
	size_t		 len;
	unsigned	 items;
};

/*
 * Keep the path of n steps of the bodies of type (NULL: of every type; n
 * 0: the whole body).  0 or OV_ENOMEM.
 */
int	ov_retain__steps(struct ov_retain *p, const char *type,
	    const struct ov_retain_step *steps, size_t n);
/*
 * Keep the tag name (case-insensitive) in the header of the records of
 * type (NULL: of every type).
 */
int	ov_retain__tag(struct ov_retain *p, const char *type,
	    const char *name);
/* Keep every tag of type's records in their header. */
int	ov_retain__tags(struct ov_retain *p, const char *type);
/*
 * Pack each record of type with fn (in addition to what its plan keeps of
 * the body).  One packer a type: another one for the same type is
 * OV_EINVALID.  0, OV_EINVALID or OV_ENOMEM.
 */
int	ov_retain__pack(struct ov_retain *p, const char *type,
	    ov_retain_packer fn);
/* The plan for type; never NULL. */
const struct ov_retain_type *ov_retain__type(const struct ov_retain *p,
	    const char *type);

/*
 * Compact strings in an arena: interned ones (one copy of each distinct
 * string: keys, types, locations; case-sensitive, output keeps the source
 * spelling), short values shared through a small cache (a repeated
 * "Succeeded" is stored once, a unique name costs nothing extra), and
 * plain copies packed byte by byte.
 */
struct ov_intern_slot;
struct cons_slot;

struct ov_intern {
	struct ov_map		 map;		/* text -> copy */
	struct ov_map		 places;	/* key -> struct ov_place */
	struct ov_arena		*arena;		/* where copies go */
	char			*bump;		/* free bytes of the chunk */
	char			*bump_end;
	struct ov_intern_slot	*cache;		/* recent short values */
	struct cons_slot	*cons;		/* recent shared arrays */
	ov_json_member		*stack;		/* arrays being built */
	size_t			 stack_n, stack_cap;
	const char		*recent[2];	/* the last two ov_intern__copy()
						   results (a record's id, name) */
	size_t			 recent_len[2];
};

void	ov_intern__init(struct ov_intern *in, struct ov_arena *a);
void	ov_intern__free(struct ov_intern *in);
/* The one copy of s[0..n); NULL when memory runs out. */
const char *ov_intern__get(struct ov_intern *in, const char *s, size_t n);
/* n bytes aligned to 8, packed; NULL when out of memory. */
void	*ov_intern__alloc(struct ov_intern *in, size_t n);
/*
 * The one copy of place p (its strings interned too): records of one
 * subscription, resource group and location share it.  NULL when out of
 * memory.
 */
const struct ov_place *ov_intern__place(struct ov_intern *in,
	    const struct ov_place *p);
/*
 * A NUL-terminated copy of s[0..n), packed; NULL when out of memory.  A
 * body value that ends one of the last two such copies (a Graph object's
 * id ends its record's id, a name the record's name) is not copied again:
 * ov_retain__copy() and ov_retain__project() point into it.
 */
const char *ov_intern__copy(struct ov_intern *in, const char *s, size_t n);

/*
 * A body value's copy of s[0..n): pointing into one of the last two
 * ov_intern__copy() results when it ends one, shared through a small
 * cache when short (a repeated "Succeeded" is stored once), else packed;
 * NUL-terminated.  NULL when out of memory.
 */
const char *ov_intern__text(struct ov_intern *in, const char *s, size_t n);
/*
 * Keep *s, a string borrowed from a body (or NULL), for a packed view:
 * interned when interned (a status, a type: few distinct values), else a
 * body value's copy (ov_intern__text).  False when memory runs out.
 */
bool	ov_intern__keep(struct ov_intern *in, const char **s, bool interned);
/* Deep copy of v into in's arena; NULL when memory runs out. */
const ov_json *ov_retain__copy(struct ov_intern *in, const ov_json *v);
/* The declared subtrees of body under node; NULL when memory runs out. */
const ov_json *ov_retain__project(struct ov_intern *in, const ov_json *body,
	    const struct ov_retain_node *node);
/*
 * The header's tags: the members of tags named in the plan (all when
 * t->tags), or NULL when none is kept.  *oom is set when memory runs out.
 */
const ov_json *ov_retain__tags_of(const struct ov_retain *p,
	    const struct ov_retain_type *t, struct ov_intern *in,
	    const ov_json *tags, bool *oom);

/* An empty object: the body of a record kept as a header only. */
extern const ov_json ov_retain__empty;

#endif
