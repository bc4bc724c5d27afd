/* SPDX-License-Identifier: MIT */
/* What a scan evaluated; see coverage.h. */
#include "findings/coverage.h"

#include <stdint.h>
#include <string.h>

#include "overvisor/common.h"

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
	ov__map_free(&c->vetoed);
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
	return add(c, &c->vetoed, rule, resource_id);
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
	    !has(&c->vetoed, rule, resource_id);
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
	if (absorb_map(c, &c->ran, &from->ran) < 0 ||
	    absorb_map(c, &c->vetoed, &from->vetoed) < 0)
		return OV_ENOMEM;
	return 0;
}
