/* SPDX-License-Identifier: MIT */
/*
 * Hashing and a string-keyed hash map.  Keys compare case-insensitively
 * (ASCII folding), because Azure types, ids and property names do.
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
 * Open-addressing map from a case-insensitive string key to a pointer.
 * The map does not copy keys: they must outlive it (arena strings do).
 * Duplicate keys are allowed; ov__map_get returns the first inserted and
 * ov__map_next walks the rest.
 */
struct ov_map_slot {
	const char	*key;	/* borrowed; NULL for an empty slot */
	size_t		 klen;	/* key length */
	uint64_t	 hash;	/* case-folded hash of key */
	void		*value;	/* the payload */
};

struct ov_map {
	struct ov_map_slot	*slots;	/* cap slots */
	size_t			 cap;	/* power of two, or 0 */
	size_t			 len;	/* occupied slots */
};

#define OV_MAP_INIT { NULL, 0, 0 }

int	 ov__map_put(struct ov_map *m, const char *key, size_t klen,
	    void *value);
void	*ov__map_get(const struct ov_map *m, const char *key, size_t klen);
/* Replace the value of the first entry under key; OV_ENOTFOUND if none. */
int	 ov__map_replace(struct ov_map *m, const char *key, size_t klen,
	    void *value);
/*
 * Iterate every value stored under key: start with *cursor = 0; returns
 * NULL when done.
 */
void	*ov__map_next(const struct ov_map *m, const char *key, size_t klen,
	    size_t *cursor);
void	 ov__map_free(struct ov_map *m);

#endif
