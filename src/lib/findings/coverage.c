/* SPDX-License-Identifier: MIT */
/* What a scan evaluated; see coverage.h. */
#include "findings/coverage.h"

#include <stdint.h>
#include <string.h>

#include "overvisor/common.h"
#include "util/alloc.h"

/* Keys are "a\nb"; both halves compare case-insensitively. */
#define KEY_MAX 4096

static size_t
make_key(char *buf, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la + lb + 2 > KEY_MAX)
		return 0;
	memcpy(buf, a, la);
	buf[la] = '\n';
	memcpy(buf + la + 1, b, lb + 1);
	return la + 1 + lb;
}

static bool
has(const struct ov_map *m, const char *a, const char *b)
{
	char key[KEY_MAX];
	size_t n;

	if (a == NULL || b == NULL || (n = make_key(key, a, b)) == 0)
		return false;
	return ov__map_get(m, key, n) != NULL;
}

static int
add(struct ov_coverage *c, struct ov_map *m, const char *a, const char *b)
{
	char key[KEY_MAX], *copy;
	size_t n;

	if (a == NULL || b == NULL)
		return 0;
	if ((n = make_key(key, a, b)) == 0)
		return 0;	/* never a pass: longer than any real id */
	if (ov__map_get(m, key, n) != NULL)
		return 0;
	if ((copy = ov__arena_strndup(&c->arena, key, n)) == NULL ||
	    ov__map_put(m, copy, n, (void *)(uintptr_t)1) < 0)
		return OV_ENOMEM;
	return 0;
}

/* ---- the vetoed pairs: a set of 64-bit hashes ------------------------ */

/* The hash of the pair (a, b), never 0 (the empty slot). */
static uint64_t
pair_hash(const char *a, const char *b)
{
	uint64_t ha = ov__hash_ci(a, strlen(a)), hb = ov__hash_ci(b,
	    strlen(b));
	uint64_t h = (ha ^ (hb + 0x9e3779b97f4a7c15ULL + (ha << 6) +
	    (ha >> 2))) * 0xff51afd7ed558ccdULL;

	h ^= h >> 29;
	return h != 0 ? h : 1;
}

/* The slot of h: where it is, or the empty slot it would go to. */
static size_t
vetoed_slot(const uint64_t *set, size_t cap, uint64_t h)
{
	size_t i = (size_t)h & (cap - 1);

	while (set[i] != 0 && set[i] != h)
		i = (i + 1) & (cap - 1);
	return i;
}

static bool
vetoed_has(const struct ov_coverage *c, uint64_t h)
{
	return c->vetoed_cap != 0 &&
	    c->vetoed[vetoed_slot(c->vetoed, c->vetoed_cap, h)] == h;
}

static int
vetoed_add(struct ov_coverage *c, uint64_t h)
{
	uint64_t *grown;
	size_t i, cap;

	if (2 * (c->vetoed_len + 1) > c->vetoed_cap) {
		cap = c->vetoed_cap != 0 ? 2 * c->vetoed_cap : 64;
		if ((grown = ov__calloc(cap, sizeof(*grown))) == NULL)
			return OV_ENOMEM;
		for (i = 0; i < c->vetoed_cap; i++)
			if (c->vetoed[i] != 0)
				grown[vetoed_slot(grown, cap, c->vetoed[i])] =
				    c->vetoed[i];
		ov__free(c->vetoed);
		c->vetoed = grown;
		c->vetoed_cap = cap;
	}
	i = vetoed_slot(c->vetoed, c->vetoed_cap, h);
	if (c->vetoed[i] == 0) {
		c->vetoed[i] = h;
		c->vetoed_len++;
	}
	return 0;
}

/* Prepare an empty ledger. */
void
ov_coverage__init(struct ov_coverage *c)
{
	memset(c, 0, sizeof(*c));
	ov__arena_init(&c->arena, 0, 0);
}

/* Release a ledger. */
void
ov_coverage__free(struct ov_coverage *c)
{
	if (c == NULL)
		return;
	ov__map_free(&c->ran);
	ov__free(c->vetoed);
	c->vetoed = NULL;
	c->vetoed_cap = c->vetoed_len = 0;
	ov__arena_free(&c->arena);
}

/* Rule ran over every record of type (NULL: any type). */
int
ov_coverage__ran(struct ov_coverage *c, const char *rule, const char *type)
{
	return add(c, &c->ran, rule, type != NULL ? type : "*");
}

/* The pair ended neither as a pass nor as a finding. */
int
ov_coverage__veto(struct ov_coverage *c, const char *rule,
    const char *resource_id)
{
	if (rule == NULL || resource_id == NULL)
		return 0;
	return vetoed_add(c, pair_hash(rule, resource_id));
}

/* Rule ran over type, or over every type it applies to. */
bool
ov_coverage__covers(const struct ov_coverage *c, const char *rule,
    const char *type)
{
	return has(&c->ran, rule, "*") || has(&c->ran, rule, type);
}

/* Present, evaluated and not vetoed. */
bool
ov_coverage__passed(const struct ov_coverage *c, const char *rule,
    const char *type, const char *resource_id)
{
	if (c == NULL || rule == NULL || type == NULL || resource_id == NULL)
		return false;
	return ov_coverage__covers(c, rule, type) &&
	    !vetoed_has(c, pair_hash(rule, resource_id));
}

/* Copy the keys of one map into another ledger's. */
static int
absorb_map(struct ov_coverage *c, struct ov_map *dst, const struct ov_map *src)
{
	char *copy;
	size_t i, n;

	for (i = 0; i < src->cap; i++) {
		const char *k = src->slots[i].key;

		if (k == NULL || src->slots[i].value == NULL)
			continue;
		n = src->slots[i].klen;
		if (ov__map_get(dst, k, n) != NULL)
			continue;
		if ((copy = ov__arena_strndup(&c->arena, k, n)) == NULL ||
		    ov__map_put(dst, copy, n, (void *)(uintptr_t)1) < 0)
			return OV_ENOMEM;
	}
	return 0;
}

/* Everything from's ledger holds, added to c's; 0 or OV_ENOMEM. */
int
ov_coverage__absorb(struct ov_coverage *c, const struct ov_coverage *from)
{
	size_t i;

	if (absorb_map(c, &c->ran, &from->ran) < 0)
		return OV_ENOMEM;
	for (i = 0; i < from->vetoed_cap; i++)
		if (from->vetoed[i] != 0 && vetoed_add(c, from->vetoed[i]) < 0)
			return OV_ENOMEM;
	return 0;
}
