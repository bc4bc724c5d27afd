/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/json.h
 * @brief overvisor's JSON parser: an immutable, arena-allocated tree.
 *
 * Ownership: a document (ov_json_doc) owns every node and string reachable
 * from its root; they live until ov_json_doc_free().  A parser
 * (ov_json_parser) owns the tree of the last value it parsed, which lives
 * until the next parse on the same parser or ov_json_parser_free().
 *
 * Object keys are matched ASCII case-insensitively by ov_json_get(), because
 * ARM and the Azure Policy language are case-insensitive; the source
 * spelling is kept for output.  Every node records its byte offset in the
 * input, so diagnostics can name a line and column.
 */
#ifndef OVERVISOR_JSON_H
#define OVERVISOR_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "overvisor/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The type of a JSON value. */
typedef enum {
	OV_JSON_NULL = 0,
	OV_JSON_FALSE,
	OV_JSON_TRUE,
	OV_JSON_NUMBER,
	OV_JSON_STRING,
	OV_JSON_ARRAY,
	OV_JSON_OBJECT
} ov_json_type;

typedef struct ov_json ov_json;
typedef struct ov_json_member ov_json_member;

/** Node flags. */
#define OV_JSON_F_INTEGER	0x01	/**< number has no fraction or exponent */
#define OV_JSON_F_UNKNOWN	0x02	/**< a value known only at deployment
					     (infrastructure as code): a
					     string holding the expression */

/**
 * A JSON value.  Read it through the accessors below; the layout may change
 * between versions.
 */
struct ov_json {
	uint8_t		 type;		/**< an ov_json_type */
	uint8_t		 flags;		/**< OV_JSON_F_* */
	uint16_t	 reserved;	/**< zero from the parser; trees built
					     from templates keep the source
					     file there (1-based) */
	uint32_t	 len;		/**< string bytes, number text bytes,
					     array items or object members */
	uint64_t	 offset;	/**< byte offset of the value in the input */
	union {
		const char		*str;	/**< string (NUL-terminated,
						     unescaped) or number text */
		const ov_json		*items;	/**< array items, len of them */
		const ov_json_member	*members; /**< object members */
	} u;				/**< payload by type */
};

/** One object member; members keep their source order. */
struct ov_json_member {
	const char	*key;		/**< NUL-terminated, unescaped */
	uint32_t	 klen;		/**< key bytes */
	uint32_t	 khash;		/**< case-folded hash of the key */
	ov_json		 value;		/**< the member's value */
};

/** Parse options. */
#define OV_JSON_STRICT		0x00	/**< RFC 8259 */
#define OV_JSON_LENIENT		0x01	/**< comments and raw newlines in
					     strings, as ARM templates allow */
#define OV_JSON_PREFIX		0x02	/**< stop after the first value and
					     report where it ended, instead of
					     rejecting trailing bytes */

/** Where a parse failed. */
typedef struct {
	uint64_t	 offset;	/**< byte offset of the error */
	unsigned	 line;		/**< 1-based */
	unsigned	 column;	/**< 1-based, in bytes */
	char		 message[128];	/**< one line, no trailing period */
} ov_json_error;

/** A parsed document; owns its tree. */
typedef struct ov_json_doc ov_json_doc;

/**
 * Parse len bytes of data.  On success *out is owned by the caller and must
 * be released with ov_json_doc_free().  On failure returns OV_EPARSE (or
 * OV_ELIMIT, OV_ENOMEM), *out is NULL, and the error on ctx (and *err when
 * not NULL) gives the position.  Limits are read from ctx, which may be NULL
 * for the defaults.
 */
OV_EXTERN(int) ov_json_parse(ov_json_doc **out, ov_ctx *ctx,
    const char *data, size_t len, unsigned flags, ov_json_error *err);

/** YAML parse options (ov_json_parse_yaml() only). */
#define OV_YAML_STREAM		0x100	/**< the root is an array holding
					     every document of the stream */
#define OV_YAML_KEEP_DUPLICATES	0x200	/**< a key given twice stays two
					     members, in source order, so a
					     strict reader can reject it */

/**
 * Nodes that aliases may add to a YAML document when expanded; a document
 * whose aliases would expand further is refused with OV_ELIMIT, so a
 * "billion laughs" file cannot make its readers walk an exponential tree.
 */
#define OV_YAML_MAX_ALIAS_NODES	1000000

/**
 * Parse len bytes of YAML (1.2, UTF-8) into an ov_json document, so YAML
 * inputs (contracts, exceptions, Sigma rules) are read with the same
 * accessors as JSON.  Every node's offset is the byte offset of its first
 * character in data, so ov_json_position() turns it into a line and
 * column just as for JSON.
 *
 * The mapping to JSON:
 * - a mapping becomes an object in source order; keys must be scalars and
 *   keep their text; a key given twice keeps its first place and takes the
 *   last value ("last wins"), or with OV_YAML_KEEP_DUPLICATES stays twice;
 * - a sequence becomes an array;
 * - a plain (unquoted) scalar is typed by the YAML 1.2 core schema: empty,
 *   "~" and null/Null/NULL are null; true/True/TRUE and false/False/FALSE
 *   are booleans; decimal, 0o octal and 0x hexadecimal integers and
 *   decimal floats are numbers, whose text is rewritten in JSON form
 *   ("+012" is 12, "0x1f" is 31, ".5" is 0.5); .inf and .nan have no JSON
 *   form and stay strings;
 * - quoted and block scalars are strings; a !!str tag makes a string and a
 *   !!null, !!bool, !!int or !!float tag types the scalar as above;
 * - an alias is the node its anchor names (shared, not copied); an alias
 *   to an unknown anchor or to a node that is still open is an error, and
 *   so is a document whose aliases expand beyond OV_YAML_MAX_ALIAS_NODES;
 *   merge keys ("<<") are ordinary keys.
 *
 * Without OV_YAML_STREAM the input must hold at most one document (the
 * root is null for an empty one); a second document is an error.  With
 * OV_YAML_STREAM the root is an array of the documents ("---" separated),
 * so a caller picks one by index.
 *
 * On success *out is owned by the caller and must be released with
 * ov_json_doc_free().  On failure returns OV_EPARSE (or OV_ELIMIT,
 * OV_ENOMEM), *out is NULL, and the error on ctx (and *err when not NULL)
 * gives the message and the position.  The depth, string and document
 * limits of ctx (NULL for the defaults) apply as for JSON.
 */
OV_EXTERN(int) ov_json_parse_yaml(ov_json_doc **out, ov_ctx *ctx,
    const char *data, size_t len, unsigned flags, ov_json_error *err);

/** The root value of a document. */
OV_EXTERN(const ov_json *) ov_json_doc_root(const ov_json_doc *doc);

/** Release a document.  NULL is ignored. */
OV_EXTERN(void) ov_json_doc_free(ov_json_doc *doc);

/**
 * A reusable parser for streams of documents (NDJSON): each parse resets
 * the parser's arena, so memory stays flat.  Create with
 * ov_json_parser_new(); release with ov_json_parser_free().
 */
typedef struct ov_json_parser ov_json_parser;

OV_EXTERN(int) ov_json_parser_new(ov_json_parser **out, ov_ctx *ctx,
    unsigned flags);
OV_EXTERN(void) ov_json_parser_free(ov_json_parser *p);

/**
 * Parse one document with p.  *root is borrowed from p and lives until the
 * next call.  With OV_JSON_PREFIX, *end (when not NULL) receives the offset
 * just after the value.
 */
OV_EXTERN(int) ov_json_parser_parse(ov_json_parser *p, const char *data,
    size_t len, const ov_json **root, size_t *end, ov_json_error *err);

/**
 * Duplicate keys.  An object member whose key equals an earlier key of the
 * same object, compared ASCII case-insensitively (ARM property names are
 * case-insensitive, so "allowBlobPublicAccess" and "AllowBlobPublicAccess"
 * are one property), is not a second member: its value replaces the
 * earlier one, in the earlier member's place and spelling.  The last value
 * wins, as ARM and .NET read such a document, and the tree never holds two
 * members a case-insensitive lookup could confuse.  Each repeat is
 * reported as a warning to a parser's warning callback, if any.
 */
#define OV_JSON_WARN_DUPLICATE_KEY	1

/** A warning: the document is still valid and was read. */
typedef struct {
	int		 kind;		/**< OV_JSON_WARN_* */
	uint64_t	 offset;	/**< byte offset of the later key */
	uint64_t	 first_offset;	/**< byte offset of the earlier key */
	const char	*key;		/**< the later key (unescaped; only
					     valid during the call) */
	size_t		 klen;		/**< its bytes */
	const char	*first_key;	/**< the earlier key's spelling */
	size_t		 first_klen;	/**< its bytes */
} ov_json_warning;

/** Called once per warning, during the parse. */
typedef void (*ov_json_warn_cb)(const ov_json_warning *w, void *payload);

/** As ov_json_parse(), calling cb (may be NULL) for each warning. */
OV_EXTERN(int) ov_json_parse_warn(ov_json_doc **out, ov_ctx *ctx,
    const char *data, size_t len, unsigned flags, ov_json_error *err,
    ov_json_warn_cb cb, void *payload);

/** Call cb (NULL: none) for each warning of p's later parses. */
OV_EXTERN(void) ov_json_parser_set_warn(ov_json_parser *p,
    ov_json_warn_cb cb, void *payload);

/** Line and column (1-based) of a byte offset within data. */
OV_EXTERN(void) ov_json_position(const char *data, size_t len,
    uint64_t offset, unsigned *line, unsigned *column);

/* Accessors.  All accept NULL and then return the "absent" answer. */

/** The type, or OV_JSON_NULL for NULL. */
OV_EXTERN(ov_json_type) ov_json_type_of(const ov_json *v);
/** True for a string value. */
OV_EXTERN(bool) ov_json_is_string(const ov_json *v);
/** The string, or NULL when v is not a string. */
OV_EXTERN(const char *) ov_json_string(const ov_json *v);
/** True for true, false for everything else. */
OV_EXTERN(bool) ov_json_is_true(const ov_json *v);
/** A number as a double; 0 when v is not a number. */
OV_EXTERN(double) ov_json_number(const ov_json *v);
/**
 * A number as int64_t when it is an integer that fits; returns false
 * otherwise.
 */
OV_EXTERN(bool) ov_json_int(const ov_json *v, int64_t *out);
/** Items of an array or members of an object; 0 otherwise. */
OV_EXTERN(size_t) ov_json_len(const ov_json *v);
/** The i-th array item, or NULL. */
OV_EXTERN(const ov_json *) ov_json_at(const ov_json *v, size_t i);
/** The i-th object member, or NULL. */
OV_EXTERN(const ov_json_member *) ov_json_member_at(const ov_json *v,
    size_t i);
/** The member named key, matched case-insensitively, or NULL. */
OV_EXTERN(const ov_json *) ov_json_get(const ov_json *obj, const char *key);
/** As ov_json_get with an explicit key length. */
OV_EXTERN(const ov_json *) ov_json_getn(const ov_json *obj, const char *key,
    size_t klen);
/**
 * Follow a dotted path of member names ("properties.networkAcls.bypass"),
 * case-insensitively; NULL when any step is absent.
 */
OV_EXTERN(const ov_json *) ov_json_path(const ov_json *v, const char *path);
/** Resolve an RFC 6901 JSON Pointer (case-sensitive keys); NULL if absent. */
OV_EXTERN(const ov_json *) ov_json_pointer(const ov_json *v,
    const char *pointer);
/** The case-folded hash used for keys (for callers that cache lookups). */
OV_EXTERN(uint32_t) ov_json_key_hash(const char *key, size_t klen);

/** Deep equality; object keys case-sensitive; numbers by value. */
OV_EXTERN(bool) ov_json_equal(const ov_json *a, const ov_json *b);

/* Output. */

/** Writer options. */
#define OV_JSON_W_PRETTY	0x01	/**< indent with two spaces */
#define OV_JSON_W_SORTED	0x02	/**< sort object keys bytewise */
#define OV_JSON_W_ASCII		0x04	/**< escape non-ASCII as \\uXXXX */

/** Callback that receives output bytes; return 0 or an error to stop. */
typedef int (*ov_json_sink)(const char *data, size_t len, void *payload);

/** Write v as JSON to sink. */
OV_EXTERN(int) ov_json_write(const ov_json *v, unsigned wflags,
    ov_json_sink sink, void *payload);

/** What a masked member's value is written as (a JSON string). */
#define OV_JSON_MASK	"***"

/**
 * Whether the member key (klen bytes) of object obj, which is itself the
 * value of member parent (plen bytes; NULL at the top, and array items
 * inherit their array's key), must be masked.
 */
typedef bool (*ov_json_mask_fn)(const ov_json *obj, const char *parent,
    size_t plen, const char *key, size_t klen);

/**
 * As ov_json_write(), writing "***" instead of the value of every member
 * mask names (NULL masks nothing).  parent is the key v itself was found
 * under, or NULL.  overvisor's secret policy (findings/secret.h) is one
 * such mask.
 */
OV_EXTERN(int) ov_json_write_masked(const ov_json *v, unsigned wflags,
    ov_json_mask_fn mask, const char *parent, ov_json_sink sink,
    void *payload);

/**
 * Serialize v into a new NUL-terminated string owned by the caller (free
 * with ov_free()); NULL on allocation failure.
 */
OV_EXTERN(char *) ov_json_to_string(const ov_json *v, unsigned wflags);

/**
 * Write a JSON string literal (with quotes) for len bytes of s: the one
 * string escaper every JSON output of overvisor goes through.  Invalid
 * UTF-8 becomes U+FFFD.
 */
OV_EXTERN(int) ov_json_write_string(const char *s, size_t len,
    unsigned wflags, ov_json_sink sink, void *payload);

/** Write s as a JSON string literal to f, or null when s is NULL. */
OV_EXTERN(int) ov_json_fput_string(const char *s, FILE *f);

/** Free memory returned by the library (strings from ov_json_to_string). */
OV_EXTERN(void) ov_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
