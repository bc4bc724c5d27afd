/* SPDX-License-Identifier: MIT */
/*
 * The util layer: error codes (pinned: they are never renumbered), arena,
 * capped buffers, the case-insensitive map, ISO 8601 times and durations,
 * and allocation fault injection.
 */
#include <string.h>

#include "testutil.h"

#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/time.h"

static void
test_error_codes(void **state)
{
	/* Append only: a change here breaks users who store the numbers. */
	static const struct { int code; const char *name; } pinned[] = {
		{ 0, "OV_OK" }, { -1, "OV_ERROR" }, { -2, "OV_ENOTFOUND" },
		{ -3, "OV_EINVALID" }, { -4, "OV_EPARSE" }, { -5, "OV_ELIMIT" },
		{ -6, "OV_ENOMEM" }, { -7, "OV_EIO" }, { -8, "OV_EHTTP" },
		{ -9, "OV_EAUTH" }, { -10, "OV_ESTORE" }, { -11, "OV_EUSER" },
		{ -12, "OV_ITEROVER" }, { -13, "OV_EUNSUPPORTED" },
	};
	size_t i;
	(void)state;

	assert_int_equal(OV_ERROR_CODE_MIN, -13);
	for (i = 0; i < sizeof(pinned) / sizeof(pinned[0]); i++) {
		assert_string_equal(ov_error_name(pinned[i].code),
		    pinned[i].name);
		assert_true(strlen(ov_strerror(pinned[i].code)) > 0);
	}
	assert_string_equal(ov_error_name(-99), "OV_UNKNOWN");
	assert_string_equal(ov_strerror(5), "unknown error");
}

static void
test_ctx_errors(void **state)
{
	ov_ctx *ctx = NULL;
	const ov_error *e;
	(void)state;

	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_int_equal(ov_error_last(ctx)->code, OV_OK);
	assert_int_equal(ov__error_at(ctx, OV_EPARSE, OV_ERRCLASS_POLICY,
	    "rule.json", 3, 7, "/policyRule/if", "unknown operator '%s'",
	    "equalz"), OV_EPARSE);
	e = ov_error_last(ctx);
	assert_int_equal(e->code, OV_EPARSE);
	assert_string_equal(e->message, "unknown operator 'equalz'");
	assert_string_equal(e->source, "rule.json");
	assert_int_equal(e->line, 3);
	assert_int_equal(e->column, 7);
	assert_string_equal(e->pointer, "/policyRule/if");
	ov_error_clear(ctx);
	assert_int_equal(ov_error_last(ctx)->code, OV_OK);
	assert_null(ov_error_last(ctx)->source);
	assert_int_equal(ov_ctx_set_limit(ctx, OV_LIMIT__COUNT, 1),
	    OV_EINVALID);
	assert_int_equal(ov_ctx_set_limit(ctx, OV_LIMIT_JSON_DEPTH, 0),
	    OV_EINVALID);
	assert_int_equal(ov_ctx_set_limit(ctx, OV_LIMIT_JSON_DEPTH, 9), 0);
	assert_int_equal(ov_ctx_limit(ctx, OV_LIMIT_JSON_DEPTH), 9);
	ov_ctx_set_now(ctx, 1000);
	assert_int_equal(ov_ctx_now(ctx), 1000);
	ov_ctx_free(ctx);
}

static void
test_arena(void **state)
{
	struct ov_arena a;
	char *s;
	void *big;
	int i;
	(void)state;

	ov__arena_init(&a, 128, 0);
	for (i = 0; i < 100; i++) {
		s = ov__arena_printf(&a, "item-%d", i);
		assert_non_null(s);
		assert_int_equal(((uintptr_t)s) % 16, 0);
	}
	assert_string_equal(s, "item-99");
	big = ov__arena_alloc(&a, 10000);
	assert_non_null(big);
	memset(big, 1, 10000);
	ov__arena_reset(&a);
	assert_int_equal(a.used, 0);
	assert_non_null(ov__arena_strdup(&a, "again"));
	ov__arena_free(&a);
	/* A cap makes the arena refuse, not the system. */
	ov__arena_init(&a, 0, 64);
	assert_non_null(ov__arena_alloc(&a, 48));
	assert_null(ov__arena_alloc(&a, 48));
	ov__arena_free(&a);
}

static void
test_buf(void **state)
{
	struct ov_buf b = OV_BUF_INIT(16);
	char *p;
	(void)state;

	assert_string_equal(ov__buf_cstr(&b), "");
	assert_int_equal(ov__buf_printf(&b, "%d-%s", 42, "x"), 0);
	assert_string_equal(ov__buf_cstr(&b), "42-x");
	assert_int_equal(ov__buf_puts(&b, "0123456789ab"), 0);
	assert_int_equal(b.len, 16);
	/* The cap holds. */
	assert_int_equal(ov__buf_putc(&b, 'z'), OV_ENOMEM);
	assert_int_equal(b.len, 16);
	p = ov__buf_detach(&b);
	assert_string_equal(p, "42-x0123456789ab");
	ov__free(p);
	assert_null(b.ptr);
	ov__buf_free(&b);
}

static void
test_map(void **state)
{
	struct ov_map m = OV_MAP_INIT;
	static const char *keys[] = { "Microsoft.Compute/virtualMachines",
	    "microsoft.network/networkInterfaces", "A", "b" };
	char buf[32];
	size_t i;
	int one = 1, two = 2;
	(void)state;

	for (i = 0; i < 4; i++)
		assert_int_equal(ov__map_put(&m, keys[i], strlen(keys[i]),
		    (void *)(uintptr_t)keys[i]), 0);
	assert_ptr_equal(ov__map_get(&m, "MICROSOFT.COMPUTE/VIRTUALMACHINES",
	    33), keys[0]);
	assert_ptr_equal(ov__map_get(&m, "a", 1), keys[2]);
	assert_null(ov__map_get(&m, "c", 1));
	/* Many keys force growth; a key is stored once, the first wins. */
	for (i = 0; i < 500; i++) {
		snprintf(buf, sizeof(buf), "k%zu", i);
		assert_int_equal(ov__map_put(&m, ov__strdup(buf), strlen(buf),
		    &one), 0);
	}
	assert_int_equal(ov__map_put(&m, "dup", 3, &one), 0);
	assert_int_equal(ov__map_put(&m, "DUP", 3, &two), 1);
	assert_ptr_equal(ov__map_get(&m, "Dup", 3), &one);
	assert_int_equal(m.len, 505);
	/* set replaces */
	assert_int_equal(ov__map_set(&m, "dUp", 3, &two), 0);
	assert_ptr_equal(ov__map_get(&m, "DUP", 3), &two);
	assert_int_equal(m.len, 505);
	for (i = 0; i < m.cap; i++)
		if (m.slots[i].key != NULL && m.slots[i].key[0] == 'k')
			ov__free((void *)(uintptr_t)m.slots[i].key);
	ov__map_free(&m);
	/* a case-sensitive map keeps "A" and "a" apart */
	m.cs = true;
	assert_int_equal(ov__map_put(&m, "A", 1, &one), 0);
	assert_int_equal(ov__map_put(&m, "a", 1, &two), 0);
	assert_ptr_equal(ov__map_get(&m, "A", 1), &one);
	assert_ptr_equal(ov__map_get(&m, "a", 1), &two);
	ov__map_free(&m);
	assert_true(ov__streq_ci("AbC", "aBc"));
	assert_true(ov__startswith_ci("Microsoft.Graph/users", "microsoft.graph/"));
	assert_false(ov__startswith_ci("Micro", "microsoft"));
}

/*
 * A grouped index files values by key in filing order, and looking a
 * popular key up costs the same probes as a rare one.
 */
static void
test_groups(void **state)
{
	struct ov_groups g = OV_GROUPS_INIT;
	static const char *const keys[] = { "t", "u", "T", "t", "v", "U" };
	int vals[6];
	uint32_t gid[6];
	const struct ov_group *gr;
	uint64_t before, popular, rare;
	size_t i;
	(void)state;

	for (i = 0; i < 6; i++)
		assert_int_equal(ov__groups_count(&g, keys[i], 1, &gid[i]), 0);
	assert_int_equal(g.n_groups, 3);
	assert_int_equal(ov__groups_layout(&g), 0);
	for (i = 0; i < 6; i++)
		ov__groups_add(&g, gid[i], &vals[i]);
	gr = ov__groups_get(&g, "T", 1);
	assert_non_null(gr);
	assert_int_equal(gr->len, 3);
	assert_ptr_equal(gr->items[0], &vals[0]);
	assert_ptr_equal(gr->items[1], &vals[2]);
	assert_ptr_equal(gr->items[2], &vals[3]);
	gr = ov__groups_get(&g, "u", 1);
	assert_int_equal(gr->len, 2);
	assert_ptr_equal(gr->items[1], &vals[5]);
	assert_null(ov__groups_get(&g, "w", 1));
	ov__groups_free(&g);
	/* 10000 values under one key, one under another: same probes */
	for (i = 0; i < 10000; i++)
		assert_int_equal(ov__groups_count(&g, "pop", 3, &gid[0]), 0);
	assert_int_equal(ov__groups_count(&g, "rare", 4, &gid[1]), 0);
	assert_int_equal(ov__groups_layout(&g), 0);
	for (i = 0; i < 10000; i++)
		ov__groups_add(&g, gid[0], &vals[0]);
	ov__groups_add(&g, gid[1], &vals[1]);
	assert_int_equal(ov__groups_get(&g, "pop", 3)->len, 10000);
	before = ov__work.probes;
	assert_non_null(ov__groups_get(&g, "pop", 3));
	popular = ov__work.probes - before;
	before = ov__work.probes;
	(void)ov__groups_get(&g, "rare", 4);
	rare = ov__work.probes - before;
	assert_true(popular <= 2 && rare <= 2);
	ov__groups_free(&g);
}

static void
test_time(void **state)
{
	int64_t t;
	char buf[32];
	(void)state;

	assert_true(ov__time_parse("1970-01-01T00:00:00Z", 20, &t));
	assert_int_equal(t, 0);
	assert_true(ov__time_parse("2026-11-01", 10, &t));
	assert_int_equal(t, 1793491200);
	/* Time zones move the instant; no zone means UTC. */
	assert_true(ov__time_parse("2026-11-01T02:00:00+02:00", 25, &t));
	assert_int_equal(t, 1793491200);
	assert_true(ov__time_parse("2026-10-31T19:00:00-05:00", 25, &t));
	assert_int_equal(t, 1793491200);
	assert_true(ov__time_parse("2026-11-01T00:00:00", 19, &t));
	assert_int_equal(t, 1793491200);
	assert_true(ov__time_parse("2026-11-01T00:00:00.1234567Z", 28, &t));
	assert_int_equal(t, 1793491200);
	assert_true(ov__time_parse("2024-02-29T12:00:00Z", 20, &t));
	assert_false(ov__time_parse("2023-02-29T12:00:00Z", 20, &t));
	assert_false(ov__time_parse("2026-13-01", 10, &t));
	assert_false(ov__time_parse("2026-11-01T25:00:00Z", 20, &t));
	assert_false(ov__time_parse("2026-11-01Tgarbage", 18, &t));
	assert_false(ov__time_parse("", 0, &t));
	ov__time_format(1793491200 + 3723, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-01T01:02:03Z");
	ov__date_format(-1, buf, sizeof(buf));
	assert_string_equal(buf, "1969-12-31");
	assert_true(ov__duration_parse("P30D", 4, &t));
	assert_int_equal(t, 30 * 86400);
	assert_true(ov__duration_parse("PT4H30M", 7, &t));
	assert_int_equal(t, 4 * 3600 + 30 * 60);
	assert_true(ov__duration_parse("P1DT2H", 6, &t));
	assert_int_equal(t, 86400 + 7200);
	assert_false(ov__duration_parse("P", 1, &t));
	assert_false(ov__duration_parse("30D", 3, &t));
	assert_int_equal(ov_parse_time("nope", &t), OV_EINVALID);
}

static void
test_alloc_faults(void **state)
{
	struct ov_buf b = OV_BUF_INIT(0);
	(void)state;

	ov__alloc_fail_after(0);
	assert_null(ov__malloc(8));
	ov__alloc_fail_after(-1);
	assert_int_equal(ov__buf_puts(&b, "x"), 0);
	ov__buf_free(&b);
	assert_null(ov__malloc(OV_MAX_ALLOCATION + 1));
	assert_null(ov__calloc(SIZE_MAX / 2, 4));
	assert_null(ov__reallocarray(NULL, SIZE_MAX / 2, 4));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_codes),
		cmocka_unit_test(test_ctx_errors),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_alloc_faults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
