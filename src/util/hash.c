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

/* Count a value under key (first pass). */
int
ov__groups_count(struct ov_groups *g, const char *key, size_t klen,
    uint32_t *gid)
{
	struct ov_group *grown;
	bool added;
	void **v;
	size_t cap;

	if ((v = ov__map_slot(&g->keys, key, klen, &added)) == NULL)
		return OV_ENOMEM;
	if (added) {
		if (g->n_groups == g->groups_cap) {
			cap = g->groups_cap != 0 ? g->groups_cap * 2 : 16;
			if ((grown = ov__reallocarray(g->groups, cap,
			    sizeof(*grown))) == NULL) {
				/* leave the map consistent: no group yet */
				*v = NULL;
				return OV_ENOMEM;
			}
			g->groups = grown;
			g->groups_cap = cap;
		}
		memset(&g->groups[g->n_groups], 0, sizeof(*g->groups));
		*v = (void *)(uintptr_t)++g->n_groups;
	} else if (*v == NULL) {
		return OV_ENOMEM;	/* an earlier failure; stay failed */
	}
	*gid = (uint32_t)((uintptr_t)*v - 1);
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
	uintptr_t v = (uintptr_t)ov__map_get(&g->keys, key, klen);

	if (v != 0)
		ov__groups_add(g, (uint32_t)(v - 1), value);
}

/* The group of key, or NULL. */
const struct ov_group *
ov__groups_get(const struct ov_groups *g, const char *key, size_t klen)
{
	uintptr_t v = (uintptr_t)ov__map_get(&g->keys, key, klen);

	return v != 0 && g->groups[v - 1].len > 0 ? &g->groups[v - 1] : NULL;
}

/* Release the index; keys and values are not touched. */
void
ov__groups_free(struct ov_groups *g)
{
	ov__map_free(&g->keys);
	ov__free(g->groups);
	ov__free(g->items);
	g->groups = NULL;
	g->items = NULL;
	g->n_groups = 0;
	g->groups_cap = 0;
	g->n_items = 0;
}
