/* SPDX-License-Identifier: MIT */
/*
 * The retention plan of a streaming scan: what the rules that read other
 * records keep of the bodies they meet (ov_rules__retain on the
 * tests/fixtures/projection rule pack): exactly the paths their compiled
 * rules read, on the evaluated and the related types; whole bodies where
 * a read is known only when the rule runs (a computed field name); the
 * paths of a rule without a type guard on every type; and
 * the projection itself: a projected body reads as the full one did
 * (absent stays absent, null stays null, empty stays empty; member names
 * with dots are kept exactly; an array read by position stays whole).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/rules/rulepack.h"
#include "lib/snapshot/retain.h"
#include "overvisor/json.h"
#include "overvisor/rules.h"
#include "util/arena.h"

#define VM	"Microsoft.Compute/virtualMachines"
#define EXT	"Microsoft.Compute/virtualMachines/extensions"
#define SA	"Microsoft.Storage/storageAccounts"
#define DS	"Microsoft.Insights/diagnosticSettings"
#define KV	"Microsoft.KeyVault/vaults"
#define PE	"Microsoft.Network/privateEndpoints"

struct fix {
	ov_ctx			*ctx;
	struct ov_retain	*plan;
	struct ov_arena		 arena;
	struct ov_intern	 in;
	ov_json_doc		*docs[16];
	size_t			 n_docs;
};

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));	/* checksrc: allow */
	ov_ruleset_options ro = OV_RULESET_OPTIONS_INIT;
	ov_ruleset *rs = NULL;

	assert_non_null(f);
	assert_int_equal(ov_ctx_new(&f->ctx), 0);
	ro.data_dir = ov_test_srcdir();
	ro.rules_dir = ov_test_path(ov_test_srcdir(),
	    "tests/fixtures/projection/rules");
	assert_int_equal(ov_ruleset_new(&rs, f->ctx, &ro), 0);
	assert_true(ov_rules__has_later(rs));
	assert_int_equal(ov_retain__new(&f->plan), 0);
	assert_int_equal(ov_rules__retain(rs, f->plan), 0);
	ov_ruleset_free(rs);
	ov__arena_init(&f->arena, 0, 0);
	ov_intern__init(&f->in, &f->arena);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;
	size_t i;

	for (i = 0; i < f->n_docs; i++)
		ov_json_doc_free(f->docs[i]);
	ov_intern__free(&f->in);
	ov__arena_free(&f->arena);
	ov_retain__free(f->plan);
	ov_ctx_free(f->ctx);
	free(f);	/* checksrc: allow */
	return 0;
}

static const ov_json *
parse(struct fix *f, const char *text)
{
	ov_json_doc *d = NULL;

	assert_true(f->n_docs < sizeof(f->docs) / sizeof(f->docs[0]));
	assert_int_equal(ov_json_parse(&d, f->ctx, text, strlen(text), 0,
	    NULL), 0);
	f->docs[f->n_docs++] = d;
	return ov_json_doc_root(d);
}

struct text {
	char	buf[4096];
	size_t	len;
};

static int
sink(const char *data, size_t len, void *payload)
{
	struct text *t = payload;

	assert_true(t->len + len < sizeof(t->buf));
	memcpy(t->buf + t->len, data, len);
	t->len += len;
	t->buf[t->len] = '\0';
	return 0;
}

/* The body of type as the plan keeps it, as compact JSON. */
static const char *
kept(struct fix *f, const char *type, const char *body, struct text *t)
{
	const struct ov_retain_type *rt = ov_retain__type(f->plan, type);
	const ov_json *v = parse(f, body), *p;

	assert_int_equal(rt->keep, OV_KEEP_PATHS);
	p = ov_retain__project(&f->in, v, rt->root);
	assert_non_null(p);
	t->len = 0;
	assert_int_equal(ov_json_write(p, 0, sink, t), 0);
	return t->buf;
}

/* Rules with static reads keep paths; a computed field name, the whole
 * body of its types and related type; containers whole; the rest none. */
static void
test_plan(void **state)
{
	struct fix *f = *state;

	assert_int_equal(ov_retain__type(f->plan, VM)->keep, OV_KEEP_PATHS);
	assert_int_equal(ov_retain__type(f->plan, EXT)->keep, OV_KEEP_PATHS);
	assert_int_equal(ov_retain__type(f->plan, SA)->keep, OV_KEEP_PATHS);
	assert_int_equal(ov_retain__type(f->plan, DS)->keep, OV_KEEP_PATHS);
	/* PROJ-003 reads field(concat('properties.', field('kind'))) */
	assert_int_equal(ov_retain__type(f->plan, KV)->keep, OV_KEEP_ALL);
	assert_int_equal(ov_retain__type(f->plan, PE)->keep, OV_KEEP_ALL);
	/* type names compare as ARM does */
	assert_int_equal(ov_retain__type(f->plan,
	    "microsoft.keyvault/VAULTS")->keep, OV_KEEP_ALL);
	assert_int_equal(ov_retain__type(f->plan,
	    "Microsoft.Resources/subscriptions")->keep, OV_KEEP_ALL);
	/* PROJ-004 names no type: every type keeps what it reads */
	assert_int_equal(ov_retain__type(f->plan,
	    "Microsoft.Compute/disks")->keep, OV_KEEP_PATHS);
}

/* An unguarded rule's paths, on a type nobody else declares and on one
 * declared before and after it. */
static void
test_unguarded(void **state)
{
	struct fix *f = *state;
	const struct ov_retain_step late[] = { { "sku", 3, 0 } };
	struct text t;

	assert_string_equal(kept(f, "Microsoft.Compute/disks", "{\"name\":"
	    "\"d\",\"tags\":{\"data.class\":\"c\",\"data\":\"x\"},"
	    "\"sku\":{\"name\":\"P\"},\"properties\":{\"diskSizeGB\":1}}",
	    &t), "{\"name\":\"d\",\"tags\":{\"data.class\":\"c\"}}");
	assert_string_equal(kept(f, DS, "{\"tags\":{\"data.class\":\"c\"},"
	    "\"properties\":{}}", &t), "{\"tags\":{\"data.class\":\"c\"},"
	    "\"properties\":{}}");
	/* a type first declared after the unguarded path has it too */
	assert_int_equal(ov_retain__steps(f->plan, "Late", late, 1), 0);
	assert_string_equal(kept(f, "Late", "{\"tags\":{\"data.class\":"
	    "\"c\"},\"sku\":1,\"x\":2}", &t), "{\"tags\":{\"data.class\":"
	    "\"c\"},\"sku\":1}");
	/* whole bodies stay whole */
	assert_int_equal(ov_retain__type(f->plan, KV)->keep, OV_KEEP_ALL);
}

/* The evaluated type: the if condition's paths and the field() of the
 * existence condition; the rest goes. */
static void
test_evaluated(void **state)
{
	struct fix *f = *state;
	struct text t;

	assert_string_equal(kept(f, VM, "{\"id\":\"/x\",\"name\":\"vm\","
	    "\"type\":\"" VM "\",\"location\":\"westeurope\","
	    "\"tags\":{\"cost.center\":\"cc\",\"cost\":{\"center\":1},"
	    "\"env\":\"prod\"},\"identity\":{\"type\":\"SystemAssigned\","
	    "\"principalId\":\"p\"},\"properties\":{\"hardwareProfile\":"
	    "{\"vmSize\":\"B1s\",\"other\":1},\"osProfile\":{\"a\":1},"
	    "\"networkProfile\":{\"networkInterfaces\":[{\"id\":\"n1\","
	    "\"properties\":{\"primary\":true}},{\"properties\":{}}]}}}", &t),
	    "{\"name\":\"vm\",\"type\":\"" VM "\",\"location\":\"westeurope\","
	    "\"tags\":{\"cost.center\":\"cc\"},\"identity\":{\"type\":"
	    "\"SystemAssigned\"},\"properties\":{\"hardwareProfile\":"
	    "{\"vmSize\":\"B1s\"},\"networkProfile\":{\"networkInterfaces\":"
	    "[{\"id\":\"n1\"},{}]}}}");
}

/* The related type: aliases resolved to paths, the counted array whole,
 * the dotted tag exactly (not the nested decoy). */
static void
test_related(void **state)
{
	struct fix *f = *state;
	struct text t;

	assert_string_equal(kept(f, EXT, "{\"name\":\"ama\",\"tags\":"
	    "{\"agent\":{\"channel\":\"stable\"},\"agent.channel\":\"beta\"},"
	    "\"properties\":{\"publisher\":\"M\",\"typeHandlerVersion\":\"1\","
	    "\"settings\":{\"workspaces\":[{\"id\":\"w\",\"enabled\":true,"
	    "\"region\":\"r\",\"extra\":[1]}],\"proxy\":{}}}}", &t),
	    "{\"name\":\"ama\",\"tags\":{\"agent.channel\":\"beta\"},"
	    "\"properties\":{\"publisher\":\"M\",\"settings\":{\"workspaces\":"
	    "[{\"id\":\"w\",\"enabled\":true,\"region\":\"r\",\"extra\":[1]}]}}}"
	    );
}

/* Absent, null and empty read as they were. */
static void
test_absent_null_empty(void **state)
{
	struct fix *f = *state;
	struct text t;

	assert_string_equal(kept(f, DS, "{\"properties\":{\"workspaceId\":"
	    "null,\"logs\":[],\"metrics\":[1]}}", &t),
	    "{\"properties\":{\"workspaceId\":null,\"logs\":[]}}");
	assert_string_equal(kept(f, DS, "{\"properties\":{}}", &t),
	    "{\"properties\":{}}");
	assert_string_equal(kept(f, DS, "{\"name\":\"d\"}", &t),
	    "{\"name\":\"d\"}");
	/* a member of another shape than the path expects stays whole */
	assert_string_equal(kept(f, DS, "{\"properties\":[{\"a\":1}]}", &t),
	    "{\"properties\":[{\"a\":1}]}");
	assert_string_equal(kept(f, DS, "{\"properties\":null}", &t),
	    "{\"properties\":null}");
}

/* Steps keep names with dots and brackets exactly; an array also read by
 * position stays whole. */
static void
test_steps(void **state)
{
	struct fix *f = *state;
	const struct ov_retain_step tag[] = { { "tags", 4, 0 },
		{ "a.b[*]", 6, 0 } };
	const struct ov_retain_step arr[] = { { "arr", 3, 1 },
		{ "x", 1, 0 } };
	const struct ov_retain_step pos[] = { { "arr", 3, 0 },
		{ "0", 1, 0 } };
	const struct ov_retain_type *rt;
	const ov_json *p;
	struct text t;

	assert_int_equal(ov_retain__steps(f->plan, "T", tag, 2), 0);
	assert_int_equal(ov_retain__steps(f->plan, "T", arr, 2), 0);
	rt = ov_retain__type(f->plan, "T");
	assert_int_equal(rt->keep, OV_KEEP_PATHS);
	p = ov_retain__project(&f->in, parse(f, "{\"tags\":{\"a\":{\"b\":1},"
	    "\"a.b[*]\":2},\"arr\":[{\"x\":1,\"y\":2}]}"), rt->root);
	assert_non_null(p);
	t.len = 0;
	assert_int_equal(ov_json_write(p, 0, sink, &t), 0);
	assert_string_equal(t.buf, "{\"tags\":{\"a.b[*]\":2},\"arr\":"
	    "[{\"x\":1}]}");
	assert_int_equal(ov_retain__steps(f->plan, "T", pos, 2), 0);
	p = ov_retain__project(&f->in, parse(f, "{\"arr\":[{\"x\":1,"
	    "\"y\":2}]}"), ov_retain__type(f->plan, "T")->root);
	assert_non_null(p);
	t.len = 0;
	assert_int_equal(ov_json_write(p, 0, sink, &t), 0);
	assert_string_equal(t.buf, "{\"arr\":[{\"x\":1,\"y\":2}]}");
	/* no steps: the whole body */
	assert_int_equal(ov_retain__steps(f->plan, "U", NULL, 0), 0);
	assert_int_equal(ov_retain__type(f->plan, "U")->keep, OV_KEEP_ALL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evaluated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_related, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_absent_null_empty, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unguarded, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
