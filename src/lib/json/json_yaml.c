/* SPDX-License-Identifier: MIT */
/*
 * The YAML loader: libyaml's event parser drives a builder that produces
 * the same immutable ov_json tree as the JSON parser, so every YAML input
 * is read with one set of accessors and every diagnostic names a line and
 * column.
 *
 * Finished values wait on one stack of slots; when a sequence or mapping
 * ends, its children are copied into the arena in one piece, exactly like
 * the JSON parser does.  The bottom of the stack holds the documents of
 * the stream.  libyaml counts characters, not bytes, in its marks, so a
 * cursor over the UTF-8 text turns each mark into a byte offset; marks
 * arrive almost in order, so the cursor moves little.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "lib/json/json_int.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/hash.h"

#define STACK_INITIAL	32		/* entries in a fresh stack */
#define SMALL_MAP	8		/* members deduplicated pairwise */

/* A finished value waiting for its container. */
struct slot {
	ov_json		 v;		/* the value */
	const char	*text;		/* scalar text (a key's spelling), or
					   NULL for a container */
	uint32_t	 tlen;		/* bytes of text */
	uint64_t	 size;		/* nodes with aliases expanded */
};

/* An open sequence or mapping. */
struct frame {
	uint8_t		 type;		/* OV_JSON_ARRAY or OV_JSON_OBJECT */
	size_t		 start;		/* first child slot */
	uint64_t	 offset;	/* byte offset of the node */
	const char	*anchor;	/* its anchor name, or NULL */
};

/* A completed anchored node. */
struct anchor {
	const char	*name;		/* NUL-terminated, in the scratch arena */
	struct slot	 s;		/* the node */
};

struct yloader {
	ov_ctx		*ctx;		/* error and limits; may be NULL */
	unsigned	 flags;		/* OV_YAML_* */
	ov_json_error	*err;		/* where to describe a failure */
	const char	*data;		/* the input */
	size_t		 len;		/* its bytes */
	size_t		 bom;		/* bytes of a leading BOM */
	size_t		 ci;		/* cursor: character index */
	size_t		 bi;		/* cursor: byte index after the BOM */
	uint64_t	 max_depth;	/* OV_LIMIT_JSON_DEPTH */
	uint64_t	 max_string;	/* OV_LIMIT_JSON_STRING */
	struct ov_arena	 arena;		/* the tree */
	struct ov_arena	 scratch;	/* anchor names */
	struct slot	*slots;		/* finished values */
	size_t		 n_slots;	/* on the stack */
	size_t		 cap_slots;	/* room */
	struct frame	*frames;	/* open containers */
	size_t		 n_frames;	/* open */
	size_t		 cap_frames;	/* room */
	struct anchor	*anchors;	/* anchors of this document */
	size_t		 n_anchors;	/* defined */
	size_t		 cap_anchors;	/* room */
	struct ov_map	 anchor_map;	/* name -> 1 + index into anchors */
	uint64_t	 alias_nodes;	/* nodes added by aliases so far */
	size_t		 n_docs;	/* documents started */
};

/* Byte offset of the character with index idx (a libyaml mark). */
static uint64_t
byte_offset(struct yloader *L, size_t idx)
{
	const unsigned char *d = (const unsigned char *)L->data + L->bom;
	size_t n = L->len - L->bom;

	while (L->ci < idx && L->bi < n) {
		L->bi++;
		while (L->bi < n && (d[L->bi] & 0xc0) == 0x80)
			L->bi++;
		L->ci++;
	}
	while (L->ci > idx && L->bi > 0) {
		L->bi--;
		while (L->bi > 0 && (d[L->bi] & 0xc0) == 0x80)
			L->bi--;
		L->ci--;
	}
	return (uint64_t)(L->bom + L->bi);
}

/* Describe a failure at byte offset off and return code. */
static int
fail(struct yloader *L, int code, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
fail(struct yloader *L, int code, uint64_t off, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = ov_json__vfail(L->ctx, L->err, L->data, L->len, off, code,
	    fmt, ap);
	va_end(ap);
	return error;
}

/* Grow an array of elements of size esize so that it holds need. */
static int
grow(void **arr, size_t *cap, size_t need, size_t esize)
{
	size_t ncap = *cap != 0 ? *cap : STACK_INITIAL;
	void *n;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	if ((n = ov__reallocarray(*arr, ncap, esize)) == NULL)
		return OV_ENOMEM;
	*arr = n;
	*cap = ncap;
	return 0;
}

/* The anchor named name, or NULL. */
static struct anchor *
anchor_find(struct yloader *L, const char *name)
{
	uintptr_t v = (uintptr_t)ov__map_get(&L->anchor_map, name,
	    strlen(name));

	return v != 0 ? &L->anchors[v - 1] : NULL;
}

/* Record s under anchor name; a later anchor of the same name wins. */
static int
anchor_define(struct yloader *L, const char *name, const struct slot *s,
    uint64_t off)
{
	struct anchor *a;

	if ((a = anchor_find(L, name)) != NULL) {
		a->s = *s;
		return 0;
	}
	if (grow((void **)&L->anchors, &L->cap_anchors, L->n_anchors + 1,
	    sizeof(*L->anchors)) < 0)
		return fail(L, OV_ENOMEM, off, "out of memory");
	a = &L->anchors[L->n_anchors];
	a->name = name;
	a->s = *s;
	if (ov__map_put(&L->anchor_map, name, strlen(name),
	    (void *)(uintptr_t)(L->n_anchors + 1)) < 0)
		return fail(L, OV_ENOMEM, off, "out of memory");
	L->n_anchors++;
	return 0;
}

/* Forget the anchors of the previous document. */
static void
anchors_reset(struct yloader *L)
{
	ov__map_free(&L->anchor_map);
	L->anchor_map = (struct ov_map)OV_MAP_INIT_CS;
	L->n_anchors = 0;
	L->alias_nodes = 0;
}

/* Push a finished value; define its anchor when it has one. */
static int
push(struct yloader *L, const struct slot *s, const char *anchor)
{
	int error;

	if (grow((void **)&L->slots, &L->cap_slots, L->n_slots + 1,
	    sizeof(*L->slots)) < 0)
		return fail(L, OV_ENOMEM, s->v.offset, "out of memory");
	L->slots[L->n_slots++] = *s;
	if (anchor != NULL &&
	    (error = anchor_define(L, anchor, s, s->v.offset)) < 0)
		return error;
	return 0;
}

/* Copy an anchor name into the scratch arena (NULL stays NULL). */
static int
copy_anchor(struct yloader *L, const yaml_char_t *name, uint64_t off,
    const char **out)
{
	*out = NULL;
	if (name == NULL)
		return 0;
	if ((*out = ov__arena_strdup(&L->scratch, (const char *)name)) == NULL)
		return fail(L, OV_ENOMEM, off, "out of memory");
	return 0;
}

/* True when the n bytes at s are all in set. */
static bool
all_in(const char *s, size_t n, const char *set)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0' || strchr(set, s[i]) == NULL)
			return false;
	return n > 0;
}

/* True when s (n bytes) is one of the words in the NULL-ended list. */
static bool
one_of(const char *s, size_t n, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strlen(*words) == n && memcmp(*words, s, n) == 0)
			return true;
	return false;
}

/*
 * A 0o or 0x integer as decimal text in buf (at least 24 bytes); false
 * when it does not fit in 64 bits.
 */
static bool
radix_integer(const char *s, size_t n, unsigned base, char *buf, size_t size)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] >= 'a' ? s[i] - 'a' + 10 :
		    s[i] >= 'A' ? s[i] - 'A' + 10 : s[i] - '0');

		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	snprintf(buf, size, "%llu", (unsigned long long)v);
	return true;
}

/*
 * Rewrite a YAML 1.2 core-schema number in JSON form into buf (n + 3
 * bytes are enough); false when s is not one.  *is_int is set for an
 * integer.
 */
static bool
json_number(const char *s, size_t n, char *buf, bool *is_int)
{
	const char *p = s, *end = s + n, *ip, *fp = NULL, *ep = NULL;
	size_t il, fl = 0;
	char *o = buf;

	if (p < end && (*p == '-' || *p == '+')) {
		if (*p == '-')
			*o++ = '-';
		p++;
	}
	ip = p;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	il = (size_t)(p - ip);
	if (p < end && *p == '.') {
		fp = ++p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		fl = (size_t)(p - fp);
	}
	if (il == 0 && fl == 0)
		return false;
	if (p < end && (*p == 'e' || *p == 'E')) {
		ep = p++;
		if (p < end && (*p == '-' || *p == '+'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return false;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p != end)
		return false;
	/* Integer part without leading zeros; at least one digit. */
	while (il > 1 && *ip == '0') {
		ip++;
		il--;
	}
	if (il == 0) {
		*o++ = '0';
	} else {
		memcpy(o, ip, il);
		o += il;
	}
	if (fl > 0) {
		*o++ = '.';
		memcpy(o, fp, fl);
		o += fl;
	}
	if (ep != NULL) {
		memcpy(o, ep, (size_t)(end - ep));
		o += end - ep;
	}
	*o = '\0';
	*is_int = fl == 0 && ep == NULL && fp == NULL;
	return true;
}

static const char *const null_words[] = { "~", "null", "Null", "NULL", NULL };
static const char *const true_words[] = { "true", "True", "TRUE", NULL };
static const char *const false_words[] = { "false", "False", "FALSE", NULL };

/*
 * Type a scalar by the core schema into s->v (its text is already in
 * s->text); it stays a string when nothing matches.
 */
static int
resolve_core(struct yloader *L, struct slot *s)
{
	const char *t = s->text;
	size_t n = s->tlen;
	char tmp[32], *buf;
	bool is_int = false;

	if (n == 0 || one_of(t, n, null_words)) {
		s->v.type = OV_JSON_NULL;
		return 0;
	}
	if (one_of(t, n, true_words) || one_of(t, n, false_words)) {
		s->v.type = one_of(t, n, true_words) ? OV_JSON_TRUE :
		    OV_JSON_FALSE;
		return 0;
	}
	if (n > 2 && t[0] == '0' && (t[1] == 'o' || t[1] == 'x')) {
		bool hex = t[1] == 'x';

		if (!all_in(t + 2, n - 2, hex ? "0123456789abcdefABCDEF" :
		    "01234567") || !radix_integer(t + 2, n - 2, hex ? 16 : 8,
		    tmp, sizeof(tmp)))
			return 0;
		if ((buf = ov__arena_strdup(&L->arena, tmp)) == NULL)
			return fail(L, OV_ENOMEM, s->v.offset, "out of memory");
		is_int = true;
	} else {
		if (t[0] != '.' && t[0] != '-' && t[0] != '+' &&
		    (t[0] < '0' || t[0] > '9'))
			return 0;
		if ((buf = ov__arena_alloc(&L->arena, n + 3)) == NULL)
			return fail(L, OV_ENOMEM, s->v.offset, "out of memory");
		if (!json_number(t, n, buf, &is_int))
			return 0;
	}
	s->v.type = OV_JSON_NUMBER;
	s->v.flags = is_int ? OV_JSON_F_INTEGER : 0;
	s->v.u.str = buf;
	s->v.len = (uint32_t)strlen(buf);
	return 0;
}

/* The core-schema tags that type a scalar. */
static bool
typing_tag(const char *tag)
{
	static const char *const tags[] = {
		"tag:yaml.org,2002:null", "tag:yaml.org,2002:bool",
		"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", NULL
	};

	return one_of(tag, strlen(tag), tags);
}

/* A scalar event. */
static int
on_scalar(struct yloader *L, const yaml_event_t *ev)
{
	const char *tag = (const char *)ev->data.scalar.tag;
	const char *anchor;
	struct slot s;
	uint64_t off = byte_offset(L, ev->start_mark.index);
	char *text;
	int error;

	if (ev->data.scalar.length > L->max_string ||
	    ev->data.scalar.length > UINT32_MAX)
		return fail(L, OV_ELIMIT, off, "string longer than %llu bytes",
		    (unsigned long long)L->max_string);
	if ((text = ov__arena_strndup(&L->arena,
	    (const char *)ev->data.scalar.value, ev->data.scalar.length)) ==
	    NULL)
		return fail(L, OV_ENOMEM, off, "out of memory");
	memset(&s, 0, sizeof(s));
	s.v.type = OV_JSON_STRING;
	s.v.len = (uint32_t)ev->data.scalar.length;
	s.v.offset = off;
	s.v.u.str = text;
	s.text = text;
	s.tlen = s.v.len;
	s.size = 1;
	if (tag != NULL && strcmp(tag, "tag:yaml.org,2002:str") != 0 &&
	    strcmp(tag, "!") != 0 && (typing_tag(tag) ||
	    ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)) {
		if ((error = resolve_core(L, &s)) < 0)
			return error;
	} else if (tag == NULL &&
	    ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if ((error = resolve_core(L, &s)) < 0)
			return error;
	}
	if ((error = copy_anchor(L, ev->data.scalar.anchor, off, &anchor)) < 0)
		return error;
	return push(L, &s, anchor);
}

/* An alias event: the anchored node again, within the expansion cap. */
static int
on_alias(struct yloader *L, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	uint64_t off = byte_offset(L, ev->start_mark.index);
	struct anchor *a;
	size_t i;

	if ((a = anchor_find(L, name)) == NULL) {
		for (i = 0; i < L->n_frames; i++)
			if (L->frames[i].anchor != NULL &&
			    strcmp(L->frames[i].anchor, name) == 0)
				return fail(L, OV_EPARSE, off,
				    "alias '%.64s' refers to a node that "
				    "contains it", name);
		return fail(L, OV_EPARSE, off, "unknown anchor '%.64s'", name);
	}
	if (a->s.size > OV_YAML_MAX_ALIAS_NODES - L->alias_nodes)
		return fail(L, OV_ELIMIT, off,
		    "aliases expand to more than %u nodes",
		    (unsigned)OV_YAML_MAX_ALIAS_NODES);
	L->alias_nodes += a->s.size;
	return push(L, &a->s, NULL);
}

/* A sequence or mapping starts. */
static int
on_open(struct yloader *L, const yaml_event_t *ev, uint8_t type,
    const yaml_char_t *anchor)
{
	uint64_t off = byte_offset(L, ev->start_mark.index);
	struct frame *f;
	int error;

	if (L->n_frames >= L->max_depth)
		return fail(L, OV_ELIMIT, off, "nesting deeper than %llu",
		    (unsigned long long)L->max_depth);
	if (grow((void **)&L->frames, &L->cap_frames, L->n_frames + 1,
	    sizeof(*L->frames)) < 0)
		return fail(L, OV_ENOMEM, off, "out of memory");
	f = &L->frames[L->n_frames];
	f->type = type;
	f->start = L->n_slots;
	f->offset = off;
	if ((error = copy_anchor(L, anchor, off, &f->anchor)) < 0)
		return error;
	L->n_frames++;
	return 0;
}

/* The place of the first member of m[0..n) keyed like m[i], or i. */
static size_t
first_of_key(const ov_json_member *m, size_t i, struct ov_map *seen)
{
	size_t j;
	uintptr_t v;

	if (seen == NULL) {
		for (j = 0; j < i; j++)
			if (m[j].klen == m[i].klen &&
			    memcmp(m[j].key, m[i].key, m[i].klen) == 0)
				return j;
		return i;
	}
	v = (uintptr_t)ov__map_get(seen, m[i].key, m[i].klen);
	return v != 0 ? v - 1 : i;
}

/*
 * Build members from the key/value slots of a mapping; a repeated key
 * keeps its first place and takes the last value.
 */
static int
build_members(struct yloader *L, const struct frame *f, ov_json *v,
    uint64_t *size)
{
	const struct slot *s;
	size_t n = (L->n_slots - f->start) / 2, i, k = 0, at;
	struct ov_map seen = OV_MAP_INIT_CS;
	ov_json_member *m;
	int error = 0;

	if (n == 0)
		return 0;
	s = &L->slots[f->start];
	if ((m = ov__arena_alloc(&L->arena, n * sizeof(*m))) == NULL)
		return fail(L, OV_ENOMEM, f->offset, "out of memory");
	for (i = 0; i < n; i++) {
		const struct slot *ks = &s[2 * i], *vs = &s[2 * i + 1];

		if (ks->text == NULL) {
			error = fail(L, OV_EPARSE, ks->v.offset,
			    "mapping key is not a scalar");
			goto done;
		}
		m[k].key = ks->text;
		m[k].klen = ks->tlen;
		m[k].khash = ov_json__hash(ks->text, ks->tlen);
		m[k].value = vs->v;
		at = (L->flags & OV_YAML_KEEP_DUPLICATES) ? k :
		    first_of_key(m, k, n > SMALL_MAP ? &seen : NULL);
		if (at != k) {
			m[at].value = vs->v;
		} else {
			if (n > SMALL_MAP && ov__map_put(&seen, m[k].key,
			    m[k].klen, (void *)(uintptr_t)(k + 1)) < 0) {
				error = fail(L, OV_ENOMEM, f->offset,
				    "out of memory");
				goto done;
			}
			k++;
		}
		*size += ks->size + vs->size;
	}
	v->u.members = m;
	v->len = (uint32_t)k;
done:
	ov__map_free(&seen);
	return error;
}

/* A sequence or mapping ends: its children become one node. */
static int
on_close(struct yloader *L)
{
	struct frame *f = &L->frames[--L->n_frames];
	size_t n = L->n_slots - f->start, i;
	struct slot s;
	ov_json *items;
	int error;

	memset(&s, 0, sizeof(s));
	s.v.type = f->type;
	s.v.offset = f->offset;
	s.size = 1;
	if (n > UINT32_MAX)
		return fail(L, OV_ELIMIT, f->offset, "too many members");
	if (f->type == OV_JSON_OBJECT) {
		if ((error = build_members(L, f, &s.v, &s.size)) < 0)
			return error;
	} else if (n > 0) {
		if ((items = ov__arena_alloc(&L->arena, n * sizeof(*items))) ==
		    NULL)
			return fail(L, OV_ENOMEM, f->offset, "out of memory");
		for (i = 0; i < n; i++) {
			items[i] = L->slots[f->start + i].v;
			s.size += L->slots[f->start + i].size;
		}
		s.v.u.items = items;
		s.v.len = (uint32_t)n;
	}
	L->n_slots = f->start;
	return push(L, &s, f->anchor);
}

/* Describe libyaml's error. */
static int
yaml_fail(struct yloader *L, const yaml_parser_t *p)
{
	uint64_t off;

	if (p->error == YAML_MEMORY_ERROR)
		return fail(L, OV_ENOMEM, 0, "out of memory");
	if (p->error == YAML_READER_ERROR)
		off = L->bom + p->problem_offset;
	else
		off = byte_offset(L, p->problem_mark.index);
	if (p->context != NULL)
		return fail(L, OV_EPARSE, off, "%s %s",
		    p->problem != NULL ? p->problem : "invalid YAML",
		    p->context);
	return fail(L, OV_EPARSE, off, "%s",
	    p->problem != NULL ? p->problem : "invalid YAML");
}

/* Handle one event; *done is set at the end of the stream. */
static int
on_event(struct yloader *L, const yaml_event_t *ev, unsigned flags,
    bool *done)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++L->n_docs > 1 && !(flags & OV_YAML_STREAM))
			return fail(L, OV_EPARSE,
			    byte_offset(L, ev->start_mark.index),
			    "more than one document in the stream");
		anchors_reset(L);
		return 0;
	case YAML_SCALAR_EVENT:
		return on_scalar(L, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(L, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_open(L, ev, OV_JSON_ARRAY,
		    ev->data.sequence_start.anchor);
	case YAML_MAPPING_START_EVENT:
		return on_open(L, ev, OV_JSON_OBJECT,
		    ev->data.mapping_start.anchor);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return L->n_frames > 0 ? on_close(L) : 0;
	case YAML_STREAM_END_EVENT:
		*done = true;
		return 0;
	default:
		return 0;
	}
}

/* The root: the stream's documents as an array, or the single one. */
static int
finish(struct yloader *L, unsigned flags, ov_json *root)
{
	ov_json *items;
	size_t i;

	memset(root, 0, sizeof(*root));
	if (!(flags & OV_YAML_STREAM)) {
		if (L->n_slots > 0)
			*root = L->slots[0].v;
		return 0;
	}
	root->type = OV_JSON_ARRAY;
	if (L->n_slots == 0)
		return 0;
	if ((items = ov__arena_alloc(&L->arena,
	    L->n_slots * sizeof(*items))) == NULL)
		return fail(L, OV_ENOMEM, 0, "out of memory");
	for (i = 0; i < L->n_slots; i++)
		items[i] = L->slots[i].v;
	root->u.items = items;
	root->len = (uint32_t)L->n_slots;
	root->offset = L->slots[0].v.offset;
	return 0;
}

/* Parse a YAML stream into a new ov_json_doc. */
int
ov_json_parse_yaml(ov_json_doc **out, ov_ctx *ctx, const char *data,
    size_t len, unsigned flags, ov_json_error *err)
{
	struct yloader L;
	yaml_parser_t parser;
	yaml_event_t ev;
	ov_json_doc *doc = NULL;
	bool done = false, have_parser = false;
	ov_json root;
	uint64_t max_doc;
	int error = 0;

	OV_ASSERT_ARG(out != NULL);
	*out = NULL;
	memset(&L, 0, sizeof(L));
	L.anchor_map.cs = true;
	L.ctx = ctx;
	L.flags = flags;
	L.err = err;
	L.data = data != NULL ? data : "";
	L.len = data != NULL ? len : 0;
	L.max_depth = ov_ctx_limit(ctx, OV_LIMIT_JSON_DEPTH);
	L.max_string = ov_ctx_limit(ctx, OV_LIMIT_JSON_STRING);
	max_doc = ov_ctx_limit(ctx, OV_LIMIT_JSON_DOCUMENT);
	ov__arena_init(&L.arena, 0, 0);
	ov__arena_init(&L.scratch, 0, 0);
	if (L.len >= 3 && memcmp(L.data, "\xef\xbb\xbf", 3) == 0)
		L.bom = 3;
	if (L.len > max_doc) {
		error = fail(&L, OV_ELIMIT, 0, "document larger than %llu bytes",
		    (unsigned long long)max_doc);
		goto done;
	}
	if (!yaml_parser_initialize(&parser)) {
		error = fail(&L, OV_ENOMEM, 0, "out of memory");
		goto done;
	}
	have_parser = true;
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	/* libyaml keeps a BOM as text once the encoding is set: skip it. */
	yaml_parser_set_input_string(&parser,
	    (const unsigned char *)L.data + L.bom, L.len - L.bom);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			error = yaml_fail(&L, &parser);
			goto done;
		}
		error = on_event(&L, &ev, flags, &done);
		yaml_event_delete(&ev);
		if (error < 0)
			goto done;
	}
	if ((error = finish(&L, flags, &root)) < 0)
		goto done;
	if ((doc = ov__malloc(sizeof(*doc))) == NULL) {
		error = fail(&L, OV_ENOMEM, 0, "out of memory");
		goto done;
	}
	doc->arena = L.arena;
	doc->root = root;
	L.arena = (struct ov_arena)OV_ARENA_INIT;
	*out = doc;
done:
	if (have_parser)
		yaml_parser_delete(&parser);
	ov__arena_free(&L.arena);
	ov__arena_free(&L.scratch);
	ov__map_free(&L.anchor_map);
	ov__free(L.slots);
	ov__free(L.frames);
	ov__free(L.anchors);
	return error;
}
