/* SPDX-License-Identifier: MIT */
/*
 * operator.yaml: defaults merged into tenants, credential references,
 * relative paths taken from the file's directory, lookup by id, and every
 * rejection with file:line:column (secrets, duplicates, bad values).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/operator.h"
#include "overvisor/queue.h"
#include "testutil.h"

static const char valid[] =
    "db: ../findings.sqlite\n"
    "state: /var/lib/ov\n"
    "concurrency: 3\n"
    "defaults:\n"
    "  credential: env\n"
    "  contract: contract.yaml\n"
    "  timeout: 900\n"
    "tenants:\n"
    "  - id: 9c604f63-ccd5-4398-bdc0-16be163216f0\n"
    "    name: Northbridge\n"
    "    credential: env:NORTH_1\n"
    "    subscriptions: [s-1, s-2]\n"
    "  - id: contoso.onmicrosoft.com\n"
    "    credential: certificate:certs/c.pem\n"
    "    client-id: 3f2d8e51\n"
    "    contract: /etc/c.yaml\n"
    "    management-group: root\n"
    "    cloud: AzureUSGovernment\n";

static void
test_valid(void **state)
{
	ov_operator_config *c = NULL;
	const ov_operator_tenant *t;
	ov_ctx *ctx = NULL;

	(void)state;
	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_int_equal(ov_operator_config_load_buffer(&c, ctx,
	    "etc/op.yaml", valid, strlen(valid)), 0);
	assert_string_equal(ov_operator_config_db(c), "etc/../findings.sqlite");
	assert_string_equal(ov_operator_config_state(c), "/var/lib/ov");
	assert_int_equal(ov_operator_config_concurrency(c), 3);
	assert_int_equal(ov_operator_config_count(c), 2);
	t = ov_operator_config_tenant(c, 0);
	assert_string_equal(t->name, "Northbridge");
	assert_int_equal(t->cred, OV_OPERATOR_CRED_ENV_PREFIX);
	assert_string_equal(t->cred_arg, "NORTH_1");
	assert_string_equal(t->contract, "etc/contract.yaml");
	assert_int_equal(t->timeout, 900);
	assert_int_equal(t->n_subscriptions, 2);
	assert_string_equal(t->subscriptions[1], "s-2");
	assert_int_equal(t->line, 9);
	t = ov_operator_config_tenant(c, 1);
	assert_string_equal(t->name, "contoso.onmicrosoft.com");
	assert_int_equal(t->cred, OV_OPERATOR_CRED_CERTIFICATE);
	assert_string_equal(t->cred_arg, "etc/certs/c.pem");
	assert_string_equal(t->contract, "/etc/c.yaml");
	assert_string_equal(t->cloud, "AzureUSGovernment");
	assert_null(t->subscriptions);
	assert_ptr_equal(ov_operator_config_find(c,
	    "CONTOSO.onmicrosoft.com"), t);
	assert_null(ov_operator_config_find(c, "fabrikam"));
	assert_null(ov_operator_config_tenant(c, 2));
	ov_operator_config_free(c);
	ov_ctx_free(ctx);
}

static void
reject(const char *text, unsigned line, unsigned column, const char *needle)
{
	ov_operator_config *c = NULL;
	const ov_error *err;
	ov_ctx *ctx = NULL;

	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_true(ov_operator_config_load_buffer(&c, ctx, "op.yaml", text,
	    strlen(text)) < 0);
	assert_null(c);
	err = ov_error_last(ctx);
	assert_string_equal(err->source, "op.yaml");
	if (err->line != line || err->column != column ||
	    strstr(err->message, needle) == NULL)
		fail_msg("'%s' at %u:%u, wanted '%s' at %u:%u", err->message,
		    err->line, err->column, needle, line, column);
	if (strstr(err->message, "hunter2") != NULL)
		fail_msg("a secret is echoed: %s", err->message);
	ov_ctx_free(ctx);
}

static void
test_errors(void **state)
{
	(void)state;
	reject("tenants:\n  - id: a\n    credential: env\n"
	    "    client-secret: hunter2\n", 4, 5, "a secret never goes");
	reject("tenants:\n  - id: a\n    credential: env\n"
	    "    certificatePassword: hunter2\n", 4, 5, "a secret never");
	reject("api_key: hunter2\ntenants: []\n", 1, 1, "a secret never");
	reject("db: postgresql://ov:hunter2@db/ov\ntenants:\n"
	    "  - {id: a, credential: env}\n", 1, 5, "holds a password");
	reject("tenants:\n  - id: a\n    credential: hunter2\n", 3, 17,
	    "is not a reference");
	reject("tenants:\n  - id: a\n    credential: env:lower\n", 3, 17,
	    "is not a reference");
	reject("tenants:\n  - id: a\n    credential: env\n"
	    "  - id: A\n    credential: env\n", 4, 5, "listed twice");
	reject("tenants:\n  - id: ../etc\n    credential: env\n", 2, 9,
	    "not a tenant id");
	reject("tenants:\n  - id: a\n", 2, 5, "has no credential");
	reject("tenants:\n  - credential: env\n", 2, 5, "has no id");
	reject("tenants:\n  - id: a\n    credential: env\n    cloud: Mars\n",
	    4, 12, "cloud 'Mars'");
	reject("tenants:\n  - id: a\n    credential: env\n    timeout: 0\n",
	    4, 14, "timeout must be");
	reject("tenants:\n  - id: a\n    credential: env\n"
	    "    subscriptions: s-1\n", 4, 20, "non-empty list");
	reject("tenants:\n  - id: a\n    credential: env\n"
	    "    subscriptions: [s-1]\n    management-group: m\n", 2, 5,
	    "exclude each other");
	reject("tenants:\n  - id: a\n    credential: env\n    name: x\n"
	    "    name: y\n", 5, 5, "duplicate key 'name'");
	reject("defaults:\n  id: a\ntenants: []\n", 2, 3, "unknown key 'id'");
	reject("tenants: []\n", 1, 10, "non-empty list");
	reject("concurrency: 65\ntenants: [{id: a, credential: env}]\n", 1,
	    14, "concurrency must be");
	reject("- id: a\n", 1, 1, "expected a mapping");
	reject("state: x\n", 1, 1, "no tenants list");
	reject("tenants:\n  - id: a\n   credential: env\n", 3, 4,
	    "YAML syntax error");
}

/* The role names tenants grant accepts: identifiers, quoted anyway. */
static void
test_role_names(void **state)
{
	static const char *const good[] = {
		"northbridge", "Contoso_IT", "_x", "it.team", "ops@contoso",
		"a-b", "r123456789012345678901234567890123456789012345678901234",
	};
	static const char *const bad[] = {
		"", "9lives", "-x", ".x", "@x", "a b", "x\"; DROP TABLE scans; --",
		"x'y", "pg_monitor", "public", "PUBLIC", "tab\there", "new\nline",
		"caf\xc3\xa9",
		"r1234567890123456789012345678901234567890123456789012345678901234",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!ov_queue_role_valid(good[i]))
			fail_msg("'%s' refused", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ov_queue_role_valid(bad[i]))
			fail_msg("'%s' accepted", bad[i]);
	assert_false(ov_queue_role_valid(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_role_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
