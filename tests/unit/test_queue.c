/* SPDX-License-Identifier: MIT */
/*
 * Operator mode's queue without a database: the schedules a tenant may
 * have, the credential references and tenant ids the tenants table takes,
 * and that every queue call refuses a SQLite store with a message that
 * says PostgreSQL is needed.  (The queue itself: tests/e2e/operator_worker.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "overvisor/operator.h"
#include "overvisor/queue.h"
#include "testutil.h"

static void
test_schedules(void **state)
{
	static const char *const good[] = {
		"manual", "hourly", "hourly :00", "hourly :59",
		"daily 02:00", "daily 23:59 Europe/Amsterdam",
		"  daily  00:00  UTC ", "weekly mon 06:30",
		"weekly sun 00:00 America/New_York",
	};
	static const char *const bad[] = {
		"", "daily", "daily 24:00", "daily 2:00", "daily 02:60",
		"daily 02:00 UTC extra", "weekly 06:30", "weekly xyz 06:30",
		"hourly 15", "hourly :60", "hourly :5", "monthly 1 02:00",
		"Daily 02:00", "manual now",
	};
	ov_ctx *ctx = NULL;
	size_t i;

	(void)state;
	assert_int_equal(ov_ctx_new(&ctx), 0);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(ov_queue_schedule_check(ctx, good[i]), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ov_queue_schedule_check(ctx, bad[i]),
		    OV_EINVALID);
		assert_non_null(strstr(ov_error_last(ctx)->message,
		    "is not one of"));
	}
	ov_ctx_free(ctx);
}

static void
test_references(void **state)
{
	ov_operator_cred k;
	const char *arg;

	(void)state;
	assert_int_equal(ov_operator_cred_parse("env", &k, &arg), 0);
	assert_int_equal(k, OV_OPERATOR_CRED_ENV);
	assert_null(arg);
	assert_int_equal(ov_operator_cred_parse("env:NORTH_1", &k, &arg), 0);
	assert_int_equal(k, OV_OPERATOR_CRED_ENV_PREFIX);
	assert_string_equal(arg, "NORTH_1");
	assert_int_equal(ov_operator_cred_parse("certificate:/c.pem", &k,
	    &arg), 0);
	assert_int_equal(k, OV_OPERATOR_CRED_CERTIFICATE);
	assert_string_equal(arg, "/c.pem");
	assert_int_equal(ov_operator_cred_parse("cli", &k, &arg), 0);
	assert_int_equal(k, OV_OPERATOR_CRED_CLI);
	assert_int_equal(ov_operator_cred_parse("env:north", &k, &arg),
	    OV_EINVALID);
	assert_int_equal(ov_operator_cred_parse("env:", &k, &arg),
	    OV_EINVALID);
	assert_int_equal(ov_operator_cred_parse("Xy7~secretvalue", &k, &arg),
	    OV_EINVALID);
	assert_int_equal(ov_operator_cred_parse("certificate:", &k, &arg),
	    OV_EINVALID);
	assert_true(ov_operator_id_valid("contoso.onmicrosoft.com"));
	assert_true(ov_operator_id_valid(
	    "9c604f63-ccd5-4398-bdc0-16be163216f0"));
	assert_false(ov_operator_id_valid("-x"));
	assert_false(ov_operator_id_valid(".x"));
	assert_false(ov_operator_id_valid("a b"));
	assert_false(ov_operator_id_valid(""));
}

static void
test_sqlite_refused(void **state)
{
	char path[] = "/tmp/ovqueueXXXXXX";
	ov_queue_tenant t = { 0 };
	ov_queue_job j;
	ov_ctx *ctx = NULL;
	ov_store *s = NULL;
	char token[64];
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_int_equal(ov_store_open(&s, ctx, path, OV_STORE_MIGRATE), 0);
	t.tenant = "a";
	t.credential = "env";
	assert_int_equal(ov_queue_tenant_add(s, &t), OV_ESTORE);
	assert_non_null(strstr(ov_error_last(ctx)->message,
	    "need a PostgreSQL store"));
	assert_int_equal(ov_queue_enqueue(s, "a", NULL), OV_ESTORE);
	assert_int_equal(ov_queue_claim(s, "w", 60, &j, token), OV_ESTORE);
	assert_int_equal(ov_queue_schedule(s, NULL), OV_ESTORE);
	assert_int_equal(ov_queue_job_cancel(s, 1), OV_ESTORE);
	ov_store_close(s);
	ov_ctx_free(ctx);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schedules),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_sqlite_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
