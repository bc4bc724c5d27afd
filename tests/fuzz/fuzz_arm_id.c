/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the ARM id parser: any bytes are either an id, split into parts
 * that are substrings of it, or OV_EINVALID; nothing else.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/model/model.h"
#include "util/arena.h"
#include "util/hash.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A part must be found, case-insensitively, in the id. */
static void
within(const char *id, size_t len, const char *part)
{
	size_t n, i;

	if (part == NULL)
		return;
	n = strlen(part);
	for (i = 0; i + n <= len; i++)
		if (ov__eq_ci(id + i, n, part, n))
			return;
	__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ov_arena a;
	struct ov_arm_id id;
	const char *s = (const char *)data;

	ov__arena_init(&a, 0, 0);
	if (ov_model__arm_id_parse(&id, &a, s, size) == 0) {
		within(s, size, id.subscription);
		within(s, size, id.resource_group);
		within(s, size, id.provider);
		within(s, size, id.name);
		within(s, size, id.mgmt_group);
		if (id.parent != NULL && strlen(id.parent) >= size)
			__builtin_trap();
		if (id.type != NULL && id.depth == 0)
			__builtin_trap();
	}
	ov__arena_free(&a);
	return 0;
}
