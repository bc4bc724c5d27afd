/* SPDX-License-Identifier: MIT */
#include "util/hash.h"

#include <string.h>

#include "overvisor/common.h"
#include "util/alloc.h"

static inline unsigned char
fold(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* FNV-1a over the folded bytes, with a final avalanche mix. */
uint64_t
ov__hash_ci(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= fold((unsigned char)s[i]);
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* FNV-1a over the raw bytes, with a final avalanche mix. */
uint64_t
ov__hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

_Thread_local struct ov_work ov__work;

/* True when the two ranges are equal ignoring ASCII case. */
bool
ov__eq_ci(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

	ov__work.compares++;
	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++)
		if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
			return false;
	return true;
}

/* True when two C strings are equal ignoring ASCII case. */
bool
ov__streq_ci(const char *a, const char *b)
{
	return ov__strcmp_ci(a, b) == 0;
}

/* True when s begins with prefix, ignoring ASCII case; false for NULL. */
bool
ov__startswith_ci(const char *s, const char *prefix)
{
	if (s == NULL || prefix == NULL)
		return false;
	for (; *prefix != '\0'; s++, prefix++)
		if (*s == '\0' || fold((unsigned char)*s) !=
		    fold((unsigned char)*prefix))
			return false;
	return true;
}

/* Compare two C strings ignoring ASCII case; NULL sorts first. */
int
ov__strcmp_ci(const char *a, const char *b)
{
	unsigned char ca, cb;

	ov__work.compares++;
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	do {
		ca = fold((unsigned char)*a++);
		cb = fold((unsigned char)*b++);
	} while (ca != '\0' && ca == cb);
	return (int)ca - (int)cb;
}

static uint64_t
key_hash(const struct ov_map *m, const char *key, size_t klen)
{
	return m->cs ? ov__hash(key, klen) : ov__hash_ci(key, klen);
}

static bool
key_eq(const struct ov_map *m, const struct ov_map_slot *sl, const char *key,
    size_t klen)
{
	if (!m->cs)
		return ov__eq_ci(sl->key, sl->klen, key, klen);
	ov__work.compares++;
	return sl->klen == klen && memcmp(sl->key, key, klen) == 0;
}

static int
grow(struct ov_map *m)
{
	struct ov_map_slot *old = m->slots, *slots;
	size_t oldcap = m->cap, cap = oldcap != 0 ? oldcap * 2 : 16, i, j;

	if ((slots = ov__calloc(cap, sizeof(*slots))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == NULL)
			continue;
		j = old[i].hash & (cap - 1);
		while (slots[j].key != NULL)
			j = (j + 1) & (cap - 1);
		slots[j] = old[i];
	}
	ov__free(old);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

/*
 * The slot holding key, or the empty slot where it would go.  Linear
 * probing over distinct keys: the expected probe count is bounded by the
 * load factor, whatever the data.
 */
static struct ov_map_slot *
find(const struct ov_map *m, const char *key, size_t klen, uint64_t h)
{
	size_t j = h & (m->cap - 1);

	for (;;) {
		struct ov_map_slot *sl = &m->slots[j];

		ov__work.probes++;
		if (sl->key == NULL || (sl->hash == h && key_eq(m, sl, key,
		    klen)))
			return sl;
		j = (j + 1) & (m->cap - 1);
	}
}

/* The slot of key, inserted empty when absent. */
void **
ov__map_slot(struct ov_map *m, const char *key, size_t klen, bool *added)
{
	uint64_t h = key_hash(m, key, klen);
	struct ov_map_slot *sl;

	if ((m->len + 1) * 4 > m->cap * 3 && grow(m) < 0)
		return NULL;
	sl = find(m, key, klen, h);
	*added = sl->key == NULL;
	if (*added) {
		sl->key = key;
		sl->klen = klen;
		sl->hash = h;
		sl->value = NULL;
		m->len++;
	}
	return &sl->value;
}

/* Insert key -> value unless present; see hash.h. */
int
ov__map_put(struct ov_map *m, const char *key, size_t klen, void *value)
{
	bool added;
	void **v = ov__map_slot(m, key, klen, &added);

	if (v == NULL)
		return OV_ENOMEM;
	if (!added)
		return 1;
	*v = value;
	return 0;
}

/* Insert or replace. */
int
ov__map_set(struct ov_map *m, const char *key, size_t klen, void *value)
{
	bool added;
	void **v = ov__map_slot(m, key, klen, &added);

	if (v == NULL)
		return OV_ENOMEM;
	*v = value;
	return 0;
}

/* The value under key, or NULL. */
void *
ov__map_get(const struct ov_map *m, const char *key, size_t klen)
{
	const struct ov_map_slot *sl;

	if (m->cap == 0)
		return NULL;
	sl = find(m, key, klen, key_hash(m, key, klen));
	return sl->key != NULL ? sl->value : NULL;
}

/* Release the slot table; keys and values are not touched. */
void
ov__map_free(struct ov_map *m)
{
	ov__free(m->slots);
	m->slots = NULL;
	m->cap = 0;
	m->len = 0;
}

/* The slot of key in the group table (empty when absent). */
static struct ov_group_slot *
gfind(const struct ov_groups *g, const char *key, size_t klen, uint32_t h)
{
	size_t j = h & (g->cap - 1);

	for (;;) {
		struct ov_group_slot *sl = &g->slots[j];
		const struct ov_group *gr;

		ov__work.probes++;
		if (sl->gid == 0)
			return sl;
		gr = &g->groups[sl->gid - 1];
		if (sl->hash == h && ov__eq_ci(gr->key, gr->klen, key, klen))
			return sl;
		j = (j + 1) & (g->cap - 1);
	}
}

static int
ggrow(struct ov_groups *g)
{
	struct ov_group_slot *slots, *old = g->slots;
	size_t cap = g->cap != 0 ? g->cap * 2 : 16, i, j;

	if ((slots = ov__calloc(cap, sizeof(*slots))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < g->cap; i++) {
		if (old[i].gid == 0)
			continue;
		j = ov__hash_ci(g->groups[old[i].gid - 1].key,
		    g->groups[old[i].gid - 1].klen) & (cap - 1);
		while (slots[j].gid != 0)
			j = (j + 1) & (cap - 1);
		slots[j] = old[i];
	}
	ov__free(old);
	g->slots = slots;
	g->cap = cap;
	return 0;
}

/* The group number of key, or -1. */
long
ov__groups_find(const struct ov_groups *g, const char *key, size_t klen)
{
	const struct ov_group_slot *sl;

	if (g->cap == 0)
		return -1;
	sl = gfind(g, key, klen, (uint32_t)ov__hash_ci(key, klen));
	return sl->gid != 0 ? (long)sl->gid - 1 : -1;
}

/* Count a value under key (first pass). */
int
ov__groups_count(struct ov_groups *g, const char *key, size_t klen,
    uint32_t *gid)
{
	struct ov_group *grown, *gr;
	struct ov_group_slot *sl;
	uint32_t h = (uint32_t)ov__hash_ci(key, klen);
	size_t cap;

	if ((g->n_groups + 1) * 4 > g->cap * 3 && ggrow(g) < 0)
		return OV_ENOMEM;
	sl = gfind(g, key, klen, h);
	if (sl->gid == 0) {
		if (g->n_groups == g->groups_cap) {
			cap = g->groups_cap != 0 ? g->groups_cap * 2 : 16;
			if ((grown = ov__reallocarray(g->groups, cap,
			    sizeof(*grown))) == NULL)
				return OV_ENOMEM;
			g->groups = grown;
			g->groups_cap = cap;
		}
		gr = &g->groups[g->n_groups];
		memset(gr, 0, sizeof(*gr));
		gr->key = key;
		gr->klen = klen;
		sl->gid = (uint32_t)++g->n_groups;
		sl->hash = h;
	}
	*gid = sl->gid - 1;
	g->groups[*gid].n++;
	g->n_items++;
	return 0;
}

/* Give every group its slice of one array. */
int
ov__groups_layout(struct ov_groups *g)
{
	size_t i, at = 0;

	if (g->n_items == 0)
		return 0;
	if ((g->items = ov__calloc(g->n_items, sizeof(*g->items))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < g->n_groups; i++) {
		g->groups[i].items = g->items + at;
		g->groups[i].len = 0;
		at += g->groups[i].n;
	}
	return 0;
}

/* File a value (second pass). */
void
ov__groups_add(struct ov_groups *g, uint32_t gid, void *value)
{
	struct ov_group *gr = &g->groups[gid];

	if (gr->len < gr->n)
		gr->items[gr->len++] = value;
}

/* File a value by key (second pass). */
void
ov__groups_add_key(struct ov_groups *g, const char *key, size_t klen,
    void *value)
{
	long v = ov__groups_find(g, key, klen);

	if (v >= 0)
		ov__groups_add(g, (uint32_t)v, value);
}

/* The group of key, or NULL. */
const struct ov_group *
ov__groups_get(const struct ov_groups *g, const char *key, size_t klen)
{
	long v = ov__groups_find(g, key, klen);

	return v >= 0 && g->groups[v].len > 0 ? &g->groups[v] : NULL;
}

/* Release the index; keys and values are not touched. */
void
ov__groups_free(struct ov_groups *g)
{
	ov__free(g->slots);
	g->slots = NULL;
	g->cap = 0;
	ov__free(g->groups);
	ov__free(g->items);
	g->groups = NULL;
	g->items = NULL;
	g->n_groups = 0;
	g->groups_cap = 0;
	g->n_items = 0;
}
