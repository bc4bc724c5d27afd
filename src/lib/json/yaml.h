/* SPDX-License-Identifier: MIT */
/*
 * Strict readers of YAML files (contract.yaml, exceptions.yaml): the file
 * is loaded with the one YAML loader (ov_json_parse_yaml, duplicate keys
 * kept so the reader can reject them) and walked against the reader's
 * schema; every error names the file, line and column of the node, or of
 * the mapping key, it is about.
 *
 * Ownership: struct ov_yaml owns its document and the strings it hands
 * out until ov_yaml__free(); the text it was loaded from is borrowed.
 */
#ifndef OV_JSON_YAML_H
#define OV_JSON_YAML_H

#include <stddef.h>
#include <stdint.h>

#include "overvisor/json.h"
#include "util/arena.h"

struct ov_yaml {
	ov_ctx		*ctx;		/* errors */
	ov_error_class	 klass;		/* of every error */
	const char	*name;		/* file name in errors */
	const char	*data;		/* the text, borrowed */
	size_t		 len;		/* its bytes */
	ov_json_doc	*doc;		/* the tree */
	struct ov_arena	 arena;		/* key nodes, scalar texts */
};

/*
 * Load len bytes of YAML named name.  A syntax error is OV_EPARSE at its
 * position ("YAML syntax error: ..."); limits as for JSON.
 */
int	ov_yaml__load(struct ov_yaml *y, ov_ctx *ctx, ov_error_class klass,
	    const char *name, const char *data, size_t len);
/* Release.  A zeroed struct is fine. */
void	ov_yaml__free(struct ov_yaml *y);
/* The root node; null for an empty document. */
const ov_json *ov_yaml__root(const struct ov_yaml *y);

/* True for a scalar (string, number, boolean or null). */
int	ov_yaml__is_scalar(const ov_json *n);
/*
 * The text of scalar n as the file wrote it (a string's value, a
 * number's or boolean's spelling, "" for an empty value), or NULL for a
 * sequence or mapping (or when memory runs out).
 */
const char *ov_yaml__text(struct ov_yaml *y, const ov_json *n);
/*
 * A string node for the key of member m of mapping map, positioned where
 * the key is written, for errors about the key.  NULL when memory runs
 * out.
 */
const ov_json *ov_yaml__key(struct ov_yaml *y, const ov_json *map,
	    const ov_json_member *m);
/* Line of node n, 1-based. */
unsigned ov_yaml__line(const struct ov_yaml *y, const ov_json *n);
/*
 * Set an error code at node n (NULL: no position) with pointer (may be
 * NULL); returns code.
 */
int	ov_yaml__fail(const struct ov_yaml *y, int code, const ov_json *n,
	    const char *pointer, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

#endif
