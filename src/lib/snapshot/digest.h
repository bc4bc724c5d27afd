/* SPDX-License-Identifier: MIT */
/*
 * Record digests and property comparison for drift.  A digest keeps, per
 * record, its id, type and the curated security-relevant properties as
 * "path<TAB>json-value" lines sorted by path, plus a hash over them so two
 * scans compare by hash first.  The snapshot computes it (one record at a
 * time, so a streaming loader can feed it); the findings store keeps it
 * and compares two of them, never reading records itself.
 */
#ifndef OV_SNAPSHOT_DIGEST_H
#define OV_SNAPSHOT_DIGEST_H

#include <stddef.h>

#include "overvisor/snapshot.h"

struct ov_record;

struct ov_digest_rec {
	const char	*key;		/* id folded to lower case */
	const char	*id;		/* id as the source spelled it */
	const char	*type;		/* record type, may be "" */
	const char	*props;		/* sorted "path\tvalue\n" lines */
	char		 hash[33];	/* SHA-256 prefix of type and props */
};

/* Record i of d, or NULL past the end. */
const struct ov_digest_rec *ov_digest__rec(const ov_digest *d, size_t i);

/*
 * Compare two property texts and call cb for each path whose value
 * differs (before or after NULL when absent).  A non-zero return from cb
 * stops and is passed back.
 */
int	ov_digest__props_diff(const char *before, const char *after,
	    int (*cb)(const char *path, const char *before,
	    const char *after, void *payload), void *payload);

/*
 * The curated property paths for a record type (case-insensitive), NULL-
 * terminated; an empty list for types without any.
 */
const char *const *ov_digest__paths(const char *type);

/*
 * Move src's records into dst after dst's own, skipping ids dst holds
 * (the first copy of an id stays); dst adopts src's strings.  0 or
 * OV_ENOMEM.
 */
int	ov_digest__absorb(ov_digest *dst, ov_digest *src);

/* Add one record with its curated properties; 0 or OV_ENOMEM. */
int	ov_digest__add_record(ov_digest *d, const struct ov_record *r);

#endif
