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

/* A path declared for every type, replayed on types declared later. */
struct any_path {
	struct ov_retain_step	*steps;
	size_t			 n;
	struct any_path		*next;
};

struct ov_retain {
	struct ov_arena		 arena;		/* nodes, names */
	struct ov_map		 types;		/* type -> ov_retain_type */
	bool			 keep_all;	/* every type whole */
	struct ov_map		 tags;		/* tag names kept everywhere */
	struct ov_retain_type	 any;		/* the paths every type keeps:
						   the plan of types not
						   declared themselves */
	struct any_path		*any_paths;	/* the same, as declared */
};

const ov_json ov_retain__empty = { OV_JSON_OBJECT, 0, 0, 0, 0,
	{ .members = NULL } };

static const struct ov_retain_type all_type = { OV_KEEP_ALL, NULL, true,
	OV_MAP_INIT, NULL };
static const struct ov_retain_type none_type = { OV_KEEP_NONE, NULL, false,
	OV_MAP_INIT, NULL };

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
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->types.cap; i++)
		if (p->types.slots[i].key != NULL)
			ov__map_free(&((struct ov_retain_type *)
			    p->types.slots[i].value)->tag_names);
	ov__map_free(&p->types);
	ov__map_free(&p->tags);
	ov__map_free(&p->any.tag_names);
	ov__arena_free(&p->arena);
	ov__free(p);
}

static int add_steps(struct ov_retain *, struct ov_retain_type *,
    const struct ov_retain_step *, size_t);

/* The plan entry for type, created with the paths every type keeps. */
static struct ov_retain_type *
entry(struct ov_retain *p, const char *type)
{
	struct ov_retain_type *t;
	const struct any_path *a;
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
	for (a = p->any_paths; a != NULL; a = a->next)
		if (add_steps(p, t, a->steps, a->n) < 0)
			return NULL;
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

/* Pack the records of type with fn. */
int
ov_retain__pack(struct ov_retain *p, const char *type, ov_retain_packer fn)
{
	struct ov_retain_type *t;

	if (type == NULL || fn == NULL)
		return OV_EINVALID;
	if ((t = entry(p, type)) == NULL)
		return OV_ENOMEM;
	if (t->pack != NULL && t->pack != fn)
		return OV_EINVALID;
	t->pack = fn;
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

/* Add a path of n > 0 steps to t. */
static int
add_steps(struct ov_retain *p, struct ov_retain_type *t,
    const struct ov_retain_step *steps, size_t n)
{
	struct ov_retain_node *n_at;
	size_t i, k;

	if (t->keep == OV_KEEP_ALL)
		return 0;
	t->keep = OV_KEEP_PATHS;
	if (t->root == NULL && (t->root = ov__arena_calloc(&p->arena, 1,
	    sizeof(*t->root))) == NULL)
		return OV_ENOMEM;
	n_at = (struct ov_retain_node *)(uintptr_t)t->root;
	for (i = 0; i < n; i++) {
		if ((n_at = child(p, n_at, steps[i].name,
		    steps[i].len)) == NULL)
			return OV_ENOMEM;
		for (k = 0; k < steps[i].items; k++) {
			if (n_at->items == NULL && (n_at->items =
			    ov__arena_calloc(&p->arena, 1,
			    sizeof(*n_at->items))) == NULL)
				return OV_ENOMEM;
			n_at = n_at->items;
		}
	}
	n_at->all = true;
	return 0;
}

/* A path for every type: kept for the types declared later, added to the
 * ones declared so far. */
static int
any_steps(struct ov_retain *p, const struct ov_retain_step *steps, size_t n)
{
	struct any_path *a;
	size_t i;
	int error;

	if ((a = ov__arena_calloc(&p->arena, 1, sizeof(*a))) == NULL ||
	    (a->steps = ov__arena_calloc(&p->arena, n,
	    sizeof(*a->steps))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < n; i++) {
		a->steps[i] = steps[i];
		if ((a->steps[i].name = ov__arena_strndup(&p->arena,
		    steps[i].name, steps[i].len)) == NULL)
			return OV_ENOMEM;
	}
	a->n = n;
	a->next = p->any_paths;
	p->any_paths = a;
	if ((error = add_steps(p, &p->any, a->steps, n)) < 0)
		return error;
	for (i = 0; i < p->types.cap; i++)
		if (p->types.slots[i].key != NULL && (error = add_steps(p,
		    p->types.slots[i].value, a->steps, n)) < 0)
			return error;
	return 0;
}

/* Declare a path given as steps. */
int
ov_retain__steps(struct ov_retain *p, const char *type,
    const struct ov_retain_step *steps, size_t n)
{
	struct ov_retain_type *t;

	if (n == 0)
		return ov_retain__all(p, type);
	if (type == NULL)
		return any_steps(p, steps, n);
	if ((t = entry(p, type)) == NULL)
		return OV_ENOMEM;
	return add_steps(p, t, steps, n);
}

#define PATH_MAX_STEPS	64	/* steps of a dotted path */

/* Declare a dotted path. */
int
ov_retain__path(struct ov_retain *p, const char *type, const char *path)
{
	struct ov_retain_step steps[PATH_MAX_STEPS];
	const char *s = path, *e;
	size_t n = 0;

	if (strcmp(path, "*") == 0)
		return ov_retain__all(p, type);
	if (*s == '\0')
		return OV_EINVALID;
	while (*s != '\0') {
		e = s + strcspn(s, ".[");
		if (e == s || n == PATH_MAX_STEPS)
			return OV_EINVALID;
		steps[n].name = s;
		steps[n].len = (size_t)(e - s);
		steps[n].items = 0;
		s = e;
		while (strncmp(s, "[*]", 3) == 0) {
			steps[n].items++;
			s += 3;
		}
		n++;
		if (*s == '.')
			s++;
		else if (*s != '\0')
			return OV_EINVALID;
	}
	return ov_retain__steps(p, type, steps, n);
}

/* Keep a tag, everywhere or on one type. */
int
ov_retain__tag(struct ov_retain *p, const char *type, const char *name)
{
	struct ov_map *m = &p->tags;
	struct ov_retain_type *t;
	const char *key;

	if (type != NULL) {
		if ((t = entry(p, type)) == NULL)
			return OV_ENOMEM;
		m = &t->tag_names;
	}
	if (ov__map_get(m, name, strlen(name)) != NULL)
		return 0;
	if ((key = ov__arena_strdup(&p->arena, name)) == NULL)
		return OV_ENOMEM;
	return ov__map_put(m, key, strlen(key), (void *)(uintptr_t)key) < 0 ?
	    OV_ENOMEM : 0;
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
	return p->any.keep != OV_KEEP_NONE ? &p->any : &none_type;
}

/* ---- strings --------------------------------------------------------- */

#define BUMP_CHUNK	(64u << 10)	/* bytes taken from the arena at once */
#define BUMP_DIRECT	(4u << 10)	/* longer strings: their own block */
#define CACHE_SLOTS	4096		/* short values remembered */
#define CACHE_MAX	512		/* longest value shared (ids repeat) */

struct ov_intern_slot {
	const char	*s;		/* a copy, or NULL */
	uint32_t	 len;
	uint32_t	 hash;
};

void
ov_intern__init(struct ov_intern *in, struct ov_arena *a)
{
	memset(in, 0, sizeof(*in));
	in->map.cs = true;
	in->places.cs = true;
	in->arena = a;
}

void
ov_intern__free(struct ov_intern *in)
{
	ov__map_free(&in->map);
	ov__map_free(&in->places);
	ov__free(in->cache);
	ov__free(in->cons);
	ov__free(in->stack);
	in->cache = NULL;
	in->cons = NULL;
	in->stack = NULL;
}

/* A packed copy. */
static const char *
pack(struct ov_intern *in, const char *s, size_t n)
{
	char *d;

	if (n + 1 > BUMP_DIRECT)
		return ov__arena_strndup(in->arena, s, n);
	if (in->bump == NULL || (size_t)(in->bump_end - in->bump) < n + 1) {
		if ((in->bump = ov__arena_alloc(in->arena,
		    BUMP_CHUNK)) == NULL)
			return NULL;
		in->bump_end = in->bump + BUMP_CHUNK;
	}
	d = in->bump;
	memcpy(d, s, n);
	d[n] = '\0';
	in->bump += n + 1;
	return d;
}

/* A packed copy, remembered for the body values that repeat its end. */
const char *
ov_intern__copy(struct ov_intern *in, const char *s, size_t n)
{
	const char *d;

	if ((d = pack(in, s, n)) == NULL)
		return NULL;
	in->recent[1] = in->recent[0];
	in->recent_len[1] = in->recent_len[0];
	in->recent[0] = d;
	in->recent_len[0] = n;
	return d;
}

/* n bytes aligned to 8, packed with the strings. */
void *
ov_intern__alloc(struct ov_intern *in, size_t n)
{
	uintptr_t at;
	char *d;

	if (n + 8 > BUMP_DIRECT)
		return ov__arena_alloc(in->arena, n);
	at = ((uintptr_t)in->bump + 7) & ~(uintptr_t)7;
	if (in->bump == NULL || at + n > (uintptr_t)in->bump_end) {
		if ((in->bump = ov__arena_alloc(in->arena,
		    BUMP_CHUNK)) == NULL)
			return NULL;
		in->bump_end = in->bump + BUMP_CHUNK;
		at = (uintptr_t)in->bump;
	}
	d = (char *)at;
	in->bump = d + n;
	return d;
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
	if ((c = pack(in, s, n)) == NULL ||
	    (slot = ov__map_slot(&in->map, c, n, &added)) == NULL)
		return NULL;
	*slot = (void *)(uintptr_t)c;
	return c;
}

/* Append one part of a place key: absent and empty stay apart. */
static bool
place_part(char *key, size_t size, size_t *n, const char *s)
{
	size_t len = s != NULL ? strlen(s) : 0;

	if (*n + len + 2 > size)
		return false;
	key[(*n)++] = s != NULL ? '\x02' : '\x01';
	memcpy(key + *n, s != NULL ? s : "", len);
	*n += len;
	key[(*n)++] = '\0';
	return true;
}

/* The one copy of place p. */
const struct ov_place *
ov_intern__place(struct ov_intern *in, const struct ov_place *p)
{
	char key[1536];
	struct ov_place *c;
	const char *k;
	size_t n = 0;
	bool added;
	void **slot;

	if (p->iac != NULL ||
	    !place_part(key, sizeof(key), &n, p->location) ||
	    !place_part(key, sizeof(key), &n, p->subscription_id) ||
	    !place_part(key, sizeof(key), &n, p->resource_group)) {
		/* a template record's, or too long to share: its own */
		if ((c = ov_intern__alloc(in, sizeof(*c))) == NULL)
			return NULL;
		k = NULL;
	} else {
		if ((c = ov__map_get(&in->places, key, n)) != NULL)
			return c;
		if ((k = pack(in, key, n)) == NULL ||
		    (c = ov_intern__alloc(in, sizeof(*c))) == NULL)
			return NULL;
	}
	c->location = p->location != NULL ? ov_intern__get(in, p->location,
	    strlen(p->location)) : NULL;
	c->subscription_id = p->subscription_id != NULL ? ov_intern__get(in,
	    p->subscription_id, strlen(p->subscription_id)) : NULL;
	c->resource_group = p->resource_group != NULL ? ov_intern__get(in,
	    p->resource_group, strlen(p->resource_group)) : NULL;
	c->iac = p->iac;
	if ((p->location != NULL && c->location == NULL) ||
	    (p->subscription_id != NULL && c->subscription_id == NULL) ||
	    (p->resource_group != NULL && c->resource_group == NULL))
		return NULL;
	if (k != NULL) {
		if ((slot = ov__map_slot(&in->places, k, n, &added)) == NULL)
			return NULL;
		*slot = c;
	}
	return c;
}

/* ---- copies ----------------------------------------------------------- */

/* Keep a packed view's borrowed string; see retain.h. */
bool
ov_intern__keep(struct ov_intern *in, const char **s, bool interned)
{
	if (*s == NULL)
		return true;
	*s = interned ? ov_intern__get(in, *s, strlen(*s)) :
	    ov_intern__text(in, *s, strlen(*s));
	return *s != NULL;
}

/*
 * Copy a string or number text: one that ends a recent header copy points
 * into it, short ones are shared through the cache.
 */
const char *
ov_intern__text(struct ov_intern *in, const char *s, size_t n)
{
	struct ov_intern_slot *sl;
	uint32_t h;
	size_t k;

	for (k = 0; k < 2; k++)
		if (in->recent[k] != NULL && n > 0 && n <= in->recent_len[k] &&
		    memcmp(in->recent[k] + in->recent_len[k] - n, s, n) == 0)
			return in->recent[k] + in->recent_len[k] - n;
	if (n > CACHE_MAX)
		return pack(in, s, n);
	if (in->cache == NULL && (in->cache = ov__calloc(CACHE_SLOTS,
	    sizeof(*in->cache))) == NULL)
		return NULL;
	h = (uint32_t)ov__hash(s, n);
	sl = &in->cache[h & (CACHE_SLOTS - 1)];
	if (sl->s != NULL && sl->hash == h && sl->len == n &&
	    memcmp(sl->s, s, n) == 0)
		return sl->s;
	if ((sl->s = pack(in, s, n)) == NULL)
		return NULL;
	sl->len = (uint32_t)n;
	sl->hash = h;
	return sl->s;
}

/*
 * Hash-consing: copies are immutable, so two equal member (or item)
 * arrays can be one.  A finished array is looked up in a small cache by
 * a hash over its elements (key and string pointers, types, lengths;
 * the elements' own arrays were shared first, so pointers compare them)
 * and reused when equal: the settings thousands of records repeat (a
 * patch mode, a power state, a tags object) are stored once.
 */
struct cons_slot {
	const void	*arr;		/* a shared array, or NULL */
	uint64_t	 hash;
	uint32_t	 n;		/* elements */
	bool		 members;	/* members (else items) */
};

#define CONS_SLOTS	8192
#define CONS_MAX	32		/* elements of an array worth sharing */

static uint64_t
mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

static uint64_t
value_hash(uint64_t h, const ov_json *v)
{
	h = mix(h, (uint64_t)v->type << 40 | (uint64_t)v->flags << 32 |
	    v->len);
	return mix(h, (uint64_t)(uintptr_t)v->u.str);
}

static bool
value_same(const ov_json *a, const ov_json *b)
{
	return a->type == b->type && a->flags == b->flags &&
	    a->len == b->len && a->u.str == b->u.str;
}

/* The shared copy of arr (n elements), stored in the arena if new. */
static const void *
cons(struct ov_intern *in, const void *arr, size_t n, bool members)
{
	const ov_json_member *m = arr;
	const ov_json *it = arr;
	struct cons_slot *sl;
	uint64_t h = members ? 1 : 2;
	size_t i, size = n * (members ? sizeof(*m) : sizeof(*it));
	void *copy;

	for (i = 0; i < n; i++)
		h = members ? value_hash(mix(h, (uint64_t)(uintptr_t)m[i].key),
		    &m[i].value) : value_hash(h, &it[i]);
	if (n <= CONS_MAX && (in->cons != NULL || (in->cons = ov__calloc(
	    CONS_SLOTS, sizeof(*in->cons))) != NULL)) {
		sl = &in->cons[h & (CONS_SLOTS - 1)];
		if (sl->arr != NULL && sl->hash == h && sl->n == n &&
		    sl->members == members) {
			for (i = 0; i < n; i++)
				if (members ? (m[i].key != ((const
				    ov_json_member *)sl->arr)[i].key ||
				    !value_same(&m[i].value, &((const
				    ov_json_member *)sl->arr)[i].value)) :
				    !value_same(&it[i], &((const ov_json *)
				    sl->arr)[i]))
					break;
			if (i == n)
				return sl->arr;
		}
	} else {
		sl = NULL;
	}
	if ((copy = ov_intern__alloc(in, size)) == NULL)
		return NULL;
	memcpy(copy, arr, size);
	if (sl != NULL) {
		sl->arr = copy;
		sl->hash = h;
		sl->n = (uint32_t)n;
		sl->members = members;
	}
	return copy;
}

/* Room for n elements of the scratch stack at its top; the base index. */
static bool
stack_push(struct ov_intern *in, size_t n, size_t *base)
{
	ov_json_member *grown;
	size_t cap;

	if (in->stack_n + n > in->stack_cap) {
		cap = in->stack_cap != 0 ? in->stack_cap : 64;
		while (cap < in->stack_n + n)
			cap *= 2;
		if ((grown = ov__reallocarray(in->stack, cap,
		    sizeof(*grown))) == NULL)
			return false;
		in->stack = grown;
		in->stack_cap = cap;
	}
	*base = in->stack_n;
	in->stack_n += n;
	return true;
}

static bool copy_into(struct ov_intern *, ov_json *, const ov_json *);
static bool project_into(struct ov_intern *, ov_json *, const ov_json *,
    const struct ov_retain_node *);

/*
 * The node that one member or item becomes: a copy of src, or its
 * projection under n (NULL: a copy).
 */
static bool
element(struct ov_intern *in, ov_json *dst, const ov_json *src,
    const struct ov_retain_node *n)
{
	return n != NULL ? project_into(in, dst, src, n) :
	    copy_into(in, dst, src);
}

/*
 * An array's items, each copied (or projected under n), built on the
 * scratch stack and then shared.
 */
static bool
items_into(struct ov_intern *in, ov_json *dst, const ov_json *src,
    const struct ov_retain_node *n)
{
	ov_json v;
	size_t i, base;
	const void *arr;
	bool ok = true;

	*dst = *src;
	dst->offset = 0;
	if (src->len == 0) {
		dst->u.items = NULL;
		return true;
	}
	/* items are stored in member-sized slots of the stack */
	if (!stack_push(in, src->len, &base))
		return false;
	for (i = 0; i < src->len && ok; i++) {
		ok = element(in, &v, &src->u.items[i], n);
		in->stack[base + i].value = v;
	}
	if (ok) {
		ov_json *it = (ov_json *)(void *)&in->stack[base];
		size_t k;

		/* pack the values together in place (they only move left) */
		for (k = 0; k < src->len; k++)
			memmove(&it[k], &in->stack[base + k].value,
			    sizeof(*it));
		ok = (arr = cons(in, it, src->len, false)) != NULL;
		if (ok)
			dst->u.items = arr;
	}
	in->stack_n = base;
	return ok;
}

/* Copy src into dst; arrays are shared when equal ones exist. */
static bool
copy_into(struct ov_intern *in, ov_json *dst, const ov_json *src)
{
	const ov_json_member *sm;
	size_t i, base;
	const void *arr;
	bool ok = true;

	*dst = *src;
	dst->offset = 0;
	switch (src->type) {
	case OV_JSON_STRING:
	case OV_JSON_NUMBER:
		return (dst->u.str = ov_intern__text(in, src->u.str,
		    src->len)) != NULL;
	case OV_JSON_ARRAY:
		return items_into(in, dst, src, NULL);
	case OV_JSON_OBJECT:
		if (src->len == 0) {
			dst->u.members = NULL;
			return true;
		}
		if (!stack_push(in, src->len, &base))
			return false;
		for (i = 0; i < src->len && ok; i++) {
			ov_json v;

			sm = &src->u.members[i];
			ok = copy_into(in, &v, &sm->value);
			in->stack[base + i].key = ok ? ov_intern__get(in,
			    sm->key, sm->klen) : NULL;
			in->stack[base + i].klen = sm->klen;
			in->stack[base + i].khash = sm->khash;
			in->stack[base + i].value = v;
			ok = ok && in->stack[base + i].key != NULL;
		}
		if (ok && (arr = cons(in, &in->stack[base], src->len,
		    true)) != NULL)
			dst->u.members = arr;
		else
			ok = false;
		in->stack_n = base;
		return ok;
	default:
		dst->u.str = NULL;	/* null and booleans: nothing to point */
		return true;
	}
}

/* Deep copy; the root node is shared too. */
const ov_json *
ov_retain__copy(struct ov_intern *in, const ov_json *v)
{
	ov_json dst;

	if (v == NULL)
		return NULL;
	if (!copy_into(in, &dst, v))
		return NULL;
	return cons(in, &dst, 1, false);
}

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
	const struct ov_retain_node *c;
	const ov_json_member *sm;
	size_t i, k, base;
	const void *arr;
	bool ok = true;

	/* an array read by position too ("a[0]") is kept whole */
	if (n->all || (src->type == OV_JSON_ARRAY && n->n_kids > 0))
		return copy_into(in, dst, src);
	if (src->type == OV_JSON_ARRAY && n->items != NULL)
		return items_into(in, dst, src, n->items);
	if (src->type != OV_JSON_OBJECT || n->n_kids == 0)
		return copy_into(in, dst, src);
	*dst = *src;
	dst->offset = 0;
	dst->u.members = NULL;
	for (i = 0, k = 0; i < src->len; i++)
		if (match(n, &src->u.members[i]) != NULL)
			k++;
	dst->len = (uint32_t)k;
	if (k == 0)
		return true;
	if (!stack_push(in, k, &base))
		return false;
	for (i = 0, k = 0; i < src->len && ok; i++) {
		ov_json v;

		sm = &src->u.members[i];
		if ((c = match(n, sm)) == NULL)
			continue;
		ok = project_into(in, &v, &sm->value, c);
		in->stack[base + k].key = ok ? ov_intern__get(in, sm->key,
		    sm->klen) : NULL;
		in->stack[base + k].klen = sm->klen;
		in->stack[base + k].khash = sm->khash;
		in->stack[base + k].value = v;
		ok = ok && in->stack[base + k].key != NULL;
		k++;
	}
	if (ok && (arr = cons(in, &in->stack[base], k, true)) != NULL)
		dst->u.members = arr;
	else
		ok = false;
	in->stack_n = base;
	return ok;
}

/* The declared subtrees of a body. */
const ov_json *
ov_retain__project(struct ov_intern *in, const ov_json *body,
    const struct ov_retain_node *node)
{
	ov_json dst;

	if (body == NULL || node == NULL)
		return &ov_retain__empty;
	if (!project_into(in, &dst, body, node))
		return NULL;
	return cons(in, &dst, 1, false);
}

/* True when the plan keeps tag m (everywhere, or for type t). */
static bool
tag_kept(const struct ov_retain *p, const struct ov_retain_type *t,
    const ov_json_member *m)
{
	return ov__map_get(&p->tags, m->key, m->klen) != NULL ||
	    ov__map_get(&t->tag_names, m->key, m->klen) != NULL;
}

/* The header's tags. */
const ov_json *
ov_retain__tags_of(const struct ov_retain *p, const struct ov_retain_type *t,
    struct ov_intern *in, const ov_json *tags, bool *oom)
{
	const ov_json *root;
	ov_json dst;
	size_t i, k, base;

	*oom = false;
	if (tags == NULL || tags->type != OV_JSON_OBJECT)
		return NULL;
	if (t->tags || p == NULL || p->keep_all) {
		if ((tags = ov_retain__copy(in, tags)) == NULL)
			*oom = true;
		return tags;
	}
	for (i = 0, k = 0; i < tags->len; i++)
		if (tag_kept(p, t, &tags->u.members[i]))
			k++;
	if (k == 0)
		return NULL;
	if (!stack_push(in, k, &base)) {
		*oom = true;
		return NULL;
	}
	dst = *tags;
	dst.offset = 0;
	dst.len = (uint32_t)k;
	for (i = 0, k = 0; i < tags->len && !*oom; i++) {
		const ov_json_member *sm = &tags->u.members[i];
		ov_json v;

		if (!tag_kept(p, t, sm))
			continue;
		if (!copy_into(in, &v, &sm->value) || (in->stack[base + k].key =
		    ov_intern__get(in, sm->key, sm->klen)) == NULL)
			*oom = true;
		in->stack[base + k].klen = sm->klen;
		in->stack[base + k].khash = sm->khash;
		in->stack[base + k].value = v;
		k++;
	}
	if (!*oom && (dst.u.members = cons(in, &in->stack[base], k,
	    true)) == NULL)
		*oom = true;
	in->stack_n = base;
	if (*oom || (root = cons(in, &dst, 1, false)) == NULL) {
		*oom = true;
		return NULL;
	}
	return root;
}
