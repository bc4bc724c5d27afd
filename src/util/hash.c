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

/* True when the two ranges are equal ignoring ASCII case. */
bool
ov__eq_ci(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

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

	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	do {
		ca = fold((unsigned char)*a++);
		cb = fold((unsigned char)*b++);
	} while (ca != '\0' && ca == cb);
	return (int)ca - (int)cb;
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

/* Insert key -> value.  Insertion order among duplicates is kept. */
int
ov__map_put(struct ov_map *m, const char *key, size_t klen, void *value)
{
	uint64_t h = ov__hash_ci(key, klen);
	size_t j;
	int error;

	if ((m->len + 1) * 4 > m->cap * 3 && (error = grow(m)) < 0)
		return error;
	j = h & (m->cap - 1);
	while (m->slots[j].key != NULL)
		j = (j + 1) & (m->cap - 1);
	m->slots[j].key = key;
	m->slots[j].klen = klen;
	m->slots[j].hash = h;
	m->slots[j].value = value;
	m->len++;
	return 0;
}

/* Walk the values stored under key, starting from *cursor = 0. */
void *
ov__map_next(const struct ov_map *m, const char *key, size_t klen,
    size_t *cursor)
{
	uint64_t h;
	size_t j, n;

	if (m->cap == 0)
		return NULL;
	h = ov__hash_ci(key, klen);
	for (n = *cursor; n < m->cap; n++) {
		j = (h + n) & (m->cap - 1);
		if (m->slots[j].key == NULL)
			return NULL;
		if (m->slots[j].hash == h && ov__eq_ci(m->slots[j].key,
		    m->slots[j].klen, key, klen)) {
			*cursor = n + 1;
			return m->slots[j].value;
		}
	}
	return NULL;
}

/* Replace the first value stored under key (keeps the slot's key). */
int
ov__map_replace(struct ov_map *m, const char *key, size_t klen, void *value)
{
	uint64_t h;
	size_t j, n;

	if (m->cap == 0)
		return OV_ENOTFOUND;
	h = ov__hash_ci(key, klen);
	for (n = 0; n < m->cap; n++) {
		j = (h + n) & (m->cap - 1);
		if (m->slots[j].key == NULL)
			return OV_ENOTFOUND;
		if (m->slots[j].hash == h && ov__eq_ci(m->slots[j].key,
		    m->slots[j].klen, key, klen)) {
			m->slots[j].value = value;
			return 0;
		}
	}
	return OV_ENOTFOUND;
}

/* The first value stored under key, or NULL. */
void *
ov__map_get(const struct ov_map *m, const char *key, size_t klen)
{
	size_t cursor = 0;

	return ov__map_next(m, key, klen, &cursor);
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
