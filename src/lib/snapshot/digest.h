/* SPDX-License-Identifier: MIT */
/*
 * Record digests and property comparison for drift.  A digest keeps, per
 * record, its id, type and the curated security-relevant properties as
 * "path<TAB>json-value" lines sorted by path, plus a hash over them so two
 * scans compare by hash first.
 */
#ifndef OV_SNAPSHOT_DIGEST_H
#define OV_SNAPSHOT_DIGEST_H

#include <stddef.h>

#include "overvisor/store.h"

struct ov_digest_rec {
	const char	*key;		/* id folded to lower case */
	const char	*id;		/* id as the source spelled it */
	const char	*type;		/* record type, may be "" */
	const char	*props;		/* sorted "path\tvalue\n" lines */
	char		 hash[33];	/* SHA-256 prefix of type and props */
};

/* Record i of d, or NULL past the end. */
const struct ov_digest_rec *ov_drift__rec(const ov_digest *d, size_t i);

/*
 * Compare two property texts and call cb for each path whose value
 * differs (before or after NULL when absent).  A non-zero return from cb
 * stops and is passed back.
 */
int	ov_drift__props_diff(const char *before, const char *after,
	    int (*cb)(const char *path, const char *before,
	    const char *after, void *payload), void *payload);

/*
 * The curated property paths for a record type (case-insensitive), NULL-
 * terminated; an empty list for types without any.
 */
const char *const *ov_drift__paths(const char *type);

#endif
