/* SPDX-License-Identifier: MIT */
/*
 * Hashing, a string-keyed hash map and a grouped index.  Keys compare
 * case-insensitively (ASCII folding), because Azure types, ids and property
 * names do; a map may be made case-sensitive (YAML anchors and keys).
 *
 * Every key is stored once: the map holds no duplicate keys, so a lookup
 * costs the same however many records share a value.  Many values under
 * one key (the records of a type, the children of a parent) go in a
 * grouped index (struct ov_groups), built once by a counting pass: one
 * hash table of distinct keys whose values are slices of one array.
 */
#ifndef OV_UTIL_HASH_H
#define OV_UTIL_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 64-bit hash of n bytes, folding ASCII letters to lower case. */
uint64_t ov__hash_ci(const char *s, size_t n);
/* 64-bit hash of n bytes, case-sensitive. */
uint64_t ov__hash(const void *s, size_t n);
/* ASCII case-insensitive equality of two byte ranges. */
bool	 ov__eq_ci(const char *a, size_t alen, const char *b, size_t blen);
/* ASCII case-insensitive equality of two C strings (NULL equals NULL). */
bool	 ov__streq_ci(const char *a, const char *b);
/* True when s starts with prefix, ignoring ASCII case. */
bool	 ov__startswith_ci(const char *s, const char *prefix);
/* ASCII case-insensitive comparison, like strcasecmp; NULL sorts first. */
int	 ov__strcmp_ci(const char *a, const char *b);

/*
 * Work counters, per thread: hash-table probes and string comparisons.
 * They cost one add each and let a test prove a stage linear by counting
 * its work at two input sizes (tests/unit/test_scaling.c), never by
 * timing it.
 */
struct ov_work {
	uint64_t	 probes;	/* hash slots inspected */
	uint64_t	 compares;	/* string comparisons */
};

extern _Thread_local struct ov_work ov__work;

/*
 * Open-addressing map from a string key to a pointer.  The map does not
 * copy keys: they must outlive it (arena strings do).  A key is stored at
 * most once.
 */
struct ov_map_slot {
	const char	*key;	/* borrowed; NULL for an empty slot */
	size_t		 klen;	/* key length */
	uint64_t	 hash;	/* hash of key (case-folded unless cs) */
	void		*value;	/* the payload */
};

struct ov_map {
	struct ov_map_slot	*slots;	/* cap slots */
	size_t			 cap;	/* power of two, or 0 */
	size_t			 len;	/* occupied slots */
	bool			 cs;	/* keys compare case-sensitively */
};

#define OV_MAP_INIT	{ NULL, 0, 0, false }
#define OV_MAP_INIT_CS	{ NULL, 0, 0, true }

/*
 * Insert key -> value unless the key is present.  Returns 0 when
 * inserted, 1 when the key was already there (its value is kept: the
 * first one wins), OV_ENOMEM.
 */
int	 ov__map_put(struct ov_map *m, const char *key, size_t klen,
	    void *value);
/* Insert key -> value, replacing the value of a present key; 0 or
 * OV_ENOMEM. */
int	 ov__map_set(struct ov_map *m, const char *key, size_t klen,
	    void *value);
/* The value stored under key, or NULL. */
void	*ov__map_get(const struct ov_map *m, const char *key, size_t klen);
/*
 * The slot of key, inserted with value NULL when absent (*added says
 * which), so a caller can read and update a value with one probe.  NULL
 * when memory runs out.  The pointer is valid until the next insertion.
 */
void	**ov__map_slot(struct ov_map *m, const char *key, size_t klen,
	    bool *added);
void	 ov__map_free(struct ov_map *m);

/*
 * A grouped index: key -> the values filed under it, contiguous and in
 * filing order.  Built in two passes over the input:
 *
 *	ov__groups_count() for every (key, value): returns the group number
 *	ov__groups_layout() once: one array sized by the counts
 *	ov__groups_add() for every value, with the number from the first pass
 *
 * after which ov__groups_get() returns a slice in O(1) per lookup.
 * Keys are borrowed and must outlive the index.
 */
struct ov_group {
	void		**items;	/* slice of the index's array */
	size_t		  len;		/* values filed (after layout: so
					   far) */
	size_t		  n;		/* values counted */
	const char	 *key;		/* borrowed */
	size_t		  klen;
};

/* A slot of the key table: a group number + 1 and the key's hash. */
struct ov_group_slot {
	uint32_t	 gid;		/* 0: empty */
	uint32_t	 hash;
};

struct ov_groups {
	struct ov_group_slot *slots;	/* open addressing over the keys */
	size_t		  cap;		/* power of two, or 0 */
	struct ov_group	 *groups;	/* by group number */
	size_t		  n_groups;
	size_t		  groups_cap;
	void		**items;	/* every value, grouped */
	size_t		  n_items;	/* values counted */
};

#define OV_GROUPS_INIT	{ NULL, 0, NULL, 0, 0, NULL, 0 }

/* The group number of key, or -1 when none was counted. */
long	 ov__groups_find(const struct ov_groups *g, const char *key,
	    size_t klen);

/* Count one value under key; *gid receives the key's group number. */
int	 ov__groups_count(struct ov_groups *g, const char *key, size_t klen,
	    uint32_t *gid);
/* Lay the groups out after counting; 0 or OV_ENOMEM. */
int	 ov__groups_layout(struct ov_groups *g);
/* File value in group gid (from ov__groups_count), after layout. */
void	 ov__groups_add(struct ov_groups *g, uint32_t gid, void *value);
/* File value under key (counted in the first pass), after layout. */
void	 ov__groups_add_key(struct ov_groups *g, const char *key,
	    size_t klen, void *value);
/* The group of key, or NULL when no value was filed under it. */
const struct ov_group *ov__groups_get(const struct ov_groups *g,
	    const char *key, size_t klen);
void	 ov__groups_free(struct ov_groups *g);

#endif
