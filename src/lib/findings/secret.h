/* SPDX-License-Identifier: MIT */
/*
 * The one secret-field policy: which property names hold secrets, and
 * masking of their values wherever records or values leave the engine
 * (store digests, drift, evidence in every report format, policy traces,
 * listings, logs).  Evaluation still sees the real value; only what is
 * written is masked.  Names compare ASCII case-insensitively, as ARM
 * property names do; the list is in secret.c and docs/snapshot-format.md.
 */
#ifndef OV_FINDINGS_SECRET_H
#define OV_FINDINGS_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "overvisor/json.h"
#include "util/arena.h"

/* What a secret value is written as (JSON text). */
#define OV_SECRET_JSON	"\"" OV_JSON_MASK "\""

/*
 * True when property key (klen bytes) holds a secret: a name on the list,
 * a name ending in "password", "secret" or "connectionstring", or "value"
 * / "key" directly under parent "passwordCredentials" / "keyCredentials"
 * (parent may be NULL).
 */
bool	ov_secret__key(const char *parent, size_t plen, const char *key,
	    size_t klen);

/*
 * The ov_json_mask_fn of the policy: key under parent, and also "value"
 * in an object whose "name" says it is a secret (app settings, ARM
 * parameters given as name/value pairs: {"name": "DB_PASSWORD",
 * "value": ...}).
 */
bool	ov_secret__mask(const ov_json *obj, const char *parent, size_t plen,
	    const char *key, size_t klen);

/*
 * True when the last segment of a property path ("properties.osProfile.
 * adminPassword", an alias "Microsoft.Web/sites/siteConfig.
 * connectionStrings[*]", "passwordCredentials[0].secretText") names a
 * secret, in the context of the segment before it.
 */
bool	ov_secret__path(const char *path);

/*
 * Compact JSON text of v, found at path (may be NULL), with every secret
 * masked: OV_SECRET_JSON when path itself names a secret.  In arena a;
 * NULL when memory runs out.  v NULL gives "null".
 */
const char *ov_secret__json_text(struct ov_arena *a, const char *path,
	    const ov_json *v);
/* As ov_secret__json_text() with writer flags (OV_JSON_W_SORTED...). */
const char *ov_secret__json_textf(struct ov_arena *a, const char *path,
	    const ov_json *v, unsigned wflags);

/*
 * JSON text (a value found at path) with its secrets masked: text itself
 * when nothing needs masking or it is not JSON, else a masked copy in a.
 * NULL only when memory runs out.
 */
const char *ov_secret__mask_text(struct ov_arena *a, const char *path,
	    const char *text);

#endif
