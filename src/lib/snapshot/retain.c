/* SPDX-License-Identifier: MIT */
/* The retention plan and compact copies; see retain.h. */
#include "lib/snapshot/retain.h"

#include <string.h>

#include "overvisor/common.h"
#include "util/alloc.h"

/* One step of a declared path. */
struct ov_retain_node {
	const char		 *key;		/* member name */
	size_t			  klen;
	uint32_t		  khash;	/* ov_json_key_hash(key) */
	bool			  all;		/* keep the whole value */
	struct ov_retain_node	**kids;		/* members below */
	size_t			  n_kids;
	struct ov_retain_node	 *items;	/* every array element */
};

struct ov_retain {
	struct ov_arena		 arena;		/* nodes, names */
	struct ov_map		 types;		/* type -> ov_retain_type */
	bool			 keep_all;	/* every type whole */
	struct ov_map		 tags;		/* tag names kept everywhere */
};

const ov_json ov_retain__empty = { OV_JSON_OBJECT, 0, 0, 0, 0,
	{ .members = NULL } };

static const struct ov_retain_type all_type = { OV_KEEP_ALL, NULL, true };
static const struct ov_retain_type none_type = { OV_KEEP_NONE, NULL, false };

/* Create an empty plan: every record a header only. */
int
ov_retain__new(struct ov_retain **out)
{
	struct ov_retain *p;

	if ((p = ov__calloc(1, sizeof(*p))) == NULL)
		return OV_ENOMEM;
	ov__arena_init(&p->arena, 0, 0);
	*out = p;
	return 0;
}

/* Release a plan. */
void
ov_retain__free(struct ov_retain *p)
{
	if (p == NULL)
		return;
	ov__map_free(&p->types);
	ov__map_free(&p->tags);
	ov__arena_free(&p->arena);
	ov__free(p);
}

/* The plan entry for type, created as "none". */
static struct ov_retain_type *
entry(struct ov_retain *p, const char *type)
{
	struct ov_retain_type *t;
	const char *key;
	bool added;
	void **slot;

	if ((t = ov__map_get(&p->types, type, strlen(type))) != NULL)
		return t;
	if ((t = ov__arena_calloc(&p->arena, 1, sizeof(*t))) == NULL ||
	    (key = ov__arena_strdup(&p->arena, type)) == NULL ||
	    (slot = ov__map_slot(&p->types, key, strlen(key), &added)) ==
	    NULL)
		return NULL;
	*slot = t;
	return t;
}

/* Keep whole bodies. */
int
ov_retain__all(struct ov_retain *p, const char *type)
{
	struct ov_retain_type *t;

	if (type == NULL) {
		p->keep_all = true;
		return 0;
	}
	if ((t = entry(p, type)) == NULL)
		return OV_ENOMEM;
	t->keep = OV_KEEP_ALL;
	t->tags = true;
	return 0;
}

/* The child of n named key, created when absent. */
static struct ov_retain_node *
child(struct ov_retain *p, struct ov_retain_node *n, const char *key,
    size_t klen)
{
	struct ov_retain_node *c, **grown;
	size_t i;

	for (i = 0; i < n->n_kids; i++)
		if (n->kids[i]->klen == klen && memcmp(n->kids[i]->key, key,
		    klen) == 0)
			return n->kids[i];
	if ((c = ov__arena_calloc(&p->arena, 1, sizeof(*c))) == NULL ||
	    (c->key = ov__arena_strndup(&p->arena, key, klen)) == NULL)
		return NULL;
	c->klen = klen;
	c->khash = ov_json_key_hash(key, klen);
	/* kids are few: the arena copy of a grown array is cheap */
	if ((grown = ov__arena_alloc(&p->arena, (n->n_kids + 1) *
	    sizeof(*grown))) == NULL)
		return NULL;
	if (n->n_kids > 0)
		memcpy(grown, n->kids, n->n_kids * sizeof(*grown));
	grown[n->n_kids++] = c;
	n->kids = grown;
	return c;
}

/* Declare a path. */
int
ov_retain__path(struct ov_retain *p, const char *type, const char *path)
{
	struct ov_retain_type *t;
	struct ov_retain_node *n;
	const char *s = path, *e;
	size_t len;

	if (strcmp(path, "*") == 0)
		return ov_retain__all(p, type);
	if ((t = entry(p, type)) == NULL)
		return OV_ENOMEM;
	if (t->keep == OV_KEEP_ALL)
		return 0;
	t->keep = OV_KEEP_PATHS;
	if (t->root == NULL && (t->root = ov__arena_calloc(&p->arena, 1,
	    sizeof(*t->root))) == NULL)
		return OV_ENOMEM;
	n = (struct ov_retain_node *)(uintptr_t)t->root;
	while (*s != '\0') {
		e = s + strcspn(s, ".[");
		if ((len = (size_t)(e - s)) == 0)
			return OV_EINVALID;
		if ((n = child(p, n, s, len)) == NULL)
			return OV_ENOMEM;
		s = e;
		while (strncmp(s, "[*]", 3) == 0) {
			if (n->items == NULL && (n->items = ov__arena_calloc(
			    &p->arena, 1, sizeof(*n->items))) == NULL)
				return OV_ENOMEM;
			n = n->items;
			s += 3;
		}
		if (*s == '.')
			s++;
		else if (*s != '\0')
			return OV_EINVALID;
	}
	n->all = true;
	return 0;
}

/* Keep a tag everywhere. */
int
ov_retain__tag(struct ov_retain *p, const char *name)
{
	const char *key;

	if (ov__map_get(&p->tags, name, strlen(name)) != NULL)
		return 0;
	if ((key = ov__arena_strdup(&p->arena, name)) == NULL)
		return OV_ENOMEM;
	return ov__map_put(&p->tags, key, strlen(key), (void *)(uintptr_t)key)
	    < 0 ? OV_ENOMEM : 0;
}

/* Keep all tags of a type. */
int
ov_retain__tags(struct ov_retain *p, const char *type)
{
	struct ov_retain_type *t;

	if ((t = entry(p, type)) == NULL)
		return OV_ENOMEM;
	t->tags = true;
	return 0;
}

/* The plan for a type. */
const struct ov_retain_type *
ov_retain__type(const struct ov_retain *p, const char *type)
{
	const struct ov_retain_type *t;

	if (p == NULL || p->keep_all)
		return &all_type;
	if (type != NULL && (t = ov__map_get(&p->types, type,
	    strlen(type))) != NULL)
		return t;
	return &none_type;
}

/* ---- interning ------------------------------------------------------ */

void
ov_intern__init(struct ov_intern *in, struct ov_arena *a)
{
	memset(in, 0, sizeof(*in));
	in->map.cs = true;
	in->arena = a;
}

void
ov_intern__free(struct ov_intern *in)
{
	ov__map_free(&in->map);
}

/* The one copy of s[0..n). */
const char *
ov_intern__get(struct ov_intern *in, const char *s, size_t n)
{
	const char *c;
	bool added;
	void **slot;

	if ((c = ov__map_get(&in->map, s, n)) != NULL)
		return c;
	if ((c = ov__arena_strndup(in->arena, s, n)) == NULL ||
	    (slot = ov__map_slot(&in->map, c, n, &added)) == NULL)
		return NULL;
	*slot = (void *)(uintptr_t)c;
	return c;
}

/* ---- copies ----------------------------------------------------------- */

#define INTERN_MAX 24	/* string values this short are stored once */

/* Copy a string or number text: short ones interned. */
static const char *
copy_text(struct ov_intern *in, const char *s, size_t n)
{
	if (n <= INTERN_MAX)
		return ov_intern__get(in, s, n);
	return ov__arena_strndup(in->arena, s, n);
}

static bool copy_into(struct ov_intern *, ov_json *, const ov_json *);

/* Copy the members of an object into dst (members allocated here). */
static bool
copy_members(struct ov_intern *in, ov_json *dst, const ov_json *src)
{
	ov_json_member *m;
	size_t i;

	if (src->len == 0)
		return true;
	if ((m = ov__arena_alloc(in->arena, src->len * sizeof(*m))) == NULL)
		return false;
	for (i = 0; i < src->len; i++) {
		const ov_json_member *sm = &src->u.members[i];

		if ((m[i].key = ov_intern__get(in, sm->key, sm->klen)) == NULL)
			return false;
		m[i].klen = sm->klen;
		m[i].khash = sm->khash;
		if (!copy_into(in, &m[i].value, &sm->value))
			return false;
	}
	dst->u.members = m;
	return true;
}

/* Deep copy of src into the node dst. */
static bool
copy_into(struct ov_intern *in, ov_json *dst, const ov_json *src)
{
	ov_json *items;
	size_t i;

	*dst = *src;
	switch (src->type) {
	case OV_JSON_STRING:
	case OV_JSON_NUMBER:
		return (dst->u.str = copy_text(in, src->u.str, src->len)) !=
		    NULL;
	case OV_JSON_ARRAY:
		if (src->len == 0)
			return true;
		if ((items = ov__arena_alloc(in->arena, src->len *
		    sizeof(*items))) == NULL)
			return false;
		for (i = 0; i < src->len; i++)
			if (!copy_into(in, &items[i], &src->u.items[i]))
				return false;
		dst->u.items = items;
		return true;
	case OV_JSON_OBJECT:
		return copy_members(in, dst, src);
	default:
		return true;
	}
}

/* Deep copy. */
const ov_json *
ov_retain__copy(struct ov_intern *in, const ov_json *v)
{
	ov_json *dst;

	if (v == NULL)
		return NULL;
	if ((dst = ov__arena_alloc(in->arena, sizeof(*dst))) == NULL ||
	    !copy_into(in, dst, v))
		return NULL;
	return dst;
}

static bool project_into(struct ov_intern *, ov_json *, const ov_json *,
    const struct ov_retain_node *);

/* The node's child matching member m, or NULL. */
static const struct ov_retain_node *
match(const struct ov_retain_node *n, const ov_json_member *m)
{
	size_t i;

	for (i = 0; i < n->n_kids; i++)
		if (n->kids[i]->khash == m->khash && ov__eq_ci(n->kids[i]->key,
		    n->kids[i]->klen, m->key, m->klen))
			return n->kids[i];
	return NULL;
}

/*
 * Project src under node n into dst.  A value that is not the container
 * the path expects is kept whole (a reader that checks its type sees it
 * as it was); an object or array on a declared path is kept even when
 * nothing below it is, so its presence reads the same.
 */
static bool
project_into(struct ov_intern *in, ov_json *dst, const ov_json *src,
    const struct ov_retain_node *n)
{
	ov_json_member *m;
	ov_json *items;
	size_t i, k;

	if (n->all)
		return copy_into(in, dst, src);
	if (src->type == OV_JSON_ARRAY && n->items != NULL) {
		*dst = *src;
		if (src->len == 0)
			return true;
		if ((items = ov__arena_alloc(in->arena, src->len *
		    sizeof(*items))) == NULL)
			return false;
		for (i = 0; i < src->len; i++)
			if (!project_into(in, &items[i], &src->u.items[i],
			    n->items))
				return false;
		dst->u.items = items;
		return true;
	}
	if (src->type != OV_JSON_OBJECT || n->n_kids == 0)
		return copy_into(in, dst, src);
	*dst = *src;
	dst->u.members = NULL;
	for (i = 0, k = 0; i < src->len; i++)
		if (match(n, &src->u.members[i]) != NULL)
			k++;
	dst->len = (uint32_t)k;
	if (k == 0)
		return true;
	if ((m = ov__arena_alloc(in->arena, k * sizeof(*m))) == NULL)
		return false;
	for (i = 0, k = 0; i < src->len; i++) {
		const ov_json_member *sm = &src->u.members[i];
		const struct ov_retain_node *c = match(n, sm);

		if (c == NULL)
			continue;
		if ((m[k].key = ov_intern__get(in, sm->key, sm->klen)) == NULL)
			return false;
		m[k].klen = sm->klen;
		m[k].khash = sm->khash;
		if (!project_into(in, &m[k].value, &sm->value, c))
			return false;
		k++;
	}
	dst->u.members = m;
	return true;
}

/* The declared subtrees of a body. */
const ov_json *
ov_retain__project(struct ov_intern *in, const ov_json *body,
    const struct ov_retain_node *node)
{
	ov_json *dst;

	if (body == NULL || node == NULL)
		return &ov_retain__empty;
	if ((dst = ov__arena_alloc(in->arena, sizeof(*dst))) == NULL ||
	    !project_into(in, dst, body, node))
		return NULL;
	return dst;
}

/* The header's tags. */
const ov_json *
ov_retain__tags_of(const struct ov_retain *p, const struct ov_retain_type *t,
    struct ov_intern *in, const ov_json *tags, bool *oom)
{
	ov_json *dst;
	ov_json_member *m;
	size_t i, k;

	*oom = false;
	if (tags == NULL || tags->type != OV_JSON_OBJECT)
		return NULL;
	if (t->tags || p == NULL || p->keep_all) {
		if ((tags = ov_retain__copy(in, tags)) == NULL)
			*oom = true;
		return tags;
	}
	for (i = 0, k = 0; i < tags->len; i++)
		if (ov__map_get(&p->tags, tags->u.members[i].key,
		    tags->u.members[i].klen) != NULL)
			k++;
	if (k == 0)
		return NULL;
	if ((dst = ov__arena_alloc(in->arena, sizeof(*dst))) == NULL ||
	    (m = ov__arena_alloc(in->arena, k * sizeof(*m))) == NULL) {
		*oom = true;
		return NULL;
	}
	*dst = *tags;
	dst->len = (uint32_t)k;
	dst->u.members = m;
	for (i = 0, k = 0; i < tags->len; i++) {
		const ov_json_member *sm = &tags->u.members[i];

		if (ov__map_get(&p->tags, sm->key, sm->klen) == NULL)
			continue;
		m[k] = *sm;
		if ((m[k].key = ov_intern__get(in, sm->key, sm->klen)) ==
		    NULL || !copy_into(in, &m[k].value, &sm->value)) {
			*oom = true;
			return NULL;
		}
		k++;
	}
	return dst;
}
