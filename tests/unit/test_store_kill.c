/* SPDX-License-Identifier: MIT */
/*
 * Reliability of the store writer.  A child process records a scan and is
 * SIGKILLed in the middle of its transaction (OVERVISOR_TEST_PAUSE holds it
 * there): the previous state must be intact and, on SQLite, PRAGMA
 * integrity_check must say ok.  On PostgreSQL (OVERVISOR_TEST_PG), two
 * writers recording at once must neither corrupt nor double-count.
 */
#include "test_store_fixture.h"

#include <signal.h>
#include <sys/wait.h>

#include <sqlite3.h>

#define N_FINDINGS 2000

static bool use_pg;

static ov_findings *
big_list(int n, int variant)
{
	ov_findings *l = new_list("tenant-1");
	char id[128];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "/subscriptions/s1/resourceGroups/rg/"
		    "providers/Microsoft.Storage/storageAccounts/st%d",
		    i + variant);
		add_finding(l, "OV-STG-001", id,
		    "Microsoft.Storage/storageAccounts", OV_SEV_HIGH,
		    OV_STATE_NON_COMPLIANT, 0);
	}
	return l;
}

/* Child: record one scan; the pause holds it mid-transaction. */
static void
child_write(const char *target, int errfd)
{
	ov_ctx *ctx = NULL;
	ov_store *s = NULL;
	ov_findings *l;
	ov_scan_record m = scan_meta(T0 + DAY, "collected");

	dup2(errfd, 2);
	setenv("OVERVISOR_TEST_PAUSE", "60", 1);
	if (ov_ctx_new(&ctx) < 0 ||
	    ov_store_open(&s, ctx, target, OV_STORE_MIGRATE) < 0)
		_exit(3);
	l = big_list(N_FINDINGS, 5000);
	(void)ov_store_record_scan(s, &m, l, NULL, NULL, NULL);
	_exit(0);
}

static int
scan_count_cb(const ov_store_scan *sc, void *payload)
{
	(void)sc;
	(*(int *)payload)++;
	return 0;
}

static void
test_kill_mid_transaction(void **state)
{
	struct fixture fx;
	ov_store *s;
	ov_findings *l;
	ov_store_filter flt = OV_STORE_FILTER_INIT;
	int pipefd[2], status, scans = 0;
	char buf[256];
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	(void)state;
	fixture_init(&fx, use_pg);
	s = fixture_open(&fx);
	l = big_list(N_FINDINGS, 0);
	{
		ov_scan_record m = scan_meta(T0, "collected");

		assert_int_equal(ov_store_record_scan(s, &m, l, NULL, NULL,
		    NULL), 0);
	}
	ov_store_close(s);
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pipefd[0]);
		child_write(fx.target, pipefd[1]);
	}
	close(pipefd[1]);
	/* wait until the child says it is paused inside the transaction */
	buf[0] = '\0';
	while (got + 1 < sizeof(buf) &&
	    (n = read(pipefd[0], buf + got, sizeof(buf) - 1 - got)) > 0) {
		got += (size_t)n;
		buf[got] = '\0';
		if (strstr(buf, "test pause") != NULL)
			break;
	}
	assert_non_null(strstr(buf, "test pause"));
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	close(pipefd[0]);

	/* the previous state is intact */
	s = fixture_open(&fx);
	assert_int_equal(ov_store_scans_list(s, scan_count_cb, &scans), 0);
	assert_int_equal(scans, 1);
	assert_int_equal(count_findings(s, NULL), N_FINDINGS);
	flt.state = "new";
	assert_int_equal(count_findings(s, &flt), N_FINDINGS);
	/* and still writable */
	{
		ov_scan_record m = scan_meta(T0 + 2 * DAY, "collected");

		assert_int_equal(ov_store_record_scan(s, &m, l, NULL, NULL,
		    NULL), 0);
	}
	flt.state = "open";
	assert_int_equal(count_findings(s, &flt), N_FINDINGS);
	ov_store_close(s);
	if (!use_pg) {
		sqlite3 *db = NULL;
		sqlite3_stmt *st = NULL;

		assert_int_equal(sqlite3_open(fx.path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db,
		    "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0),
		    "ok");
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	ov_findings_free(l);
	fixture_done(&fx);
}

/* A corrupt file and a locked file give clear errors, never a crash. */
static void
test_corrupt_and_locked(void **state)
{
	struct fixture fx;
	ov_store *s = NULL;
	sqlite3 *db = NULL;
	FILE *f;

	(void)state;
	if (use_pg)
		skip();
	fixture_init(&fx, false);
	f = fopen(fx.path, "wb");
	assert_non_null(f);
	fputs("this is not a database, just text that is long enough to "
	    "fill a header and then some more bytes ......................",
	    f);
	fclose(f);
	assert_int_equal(ov_store_open(&s, fx.ctx, fx.target,
	    OV_STORE_MIGRATE), OV_ESTORE);
	assert_null(s);
	assert_non_null(strstr(ov_error_last(fx.ctx)->message,
	    "not an SQLite database"));
	unlink(fx.path);

	s = fixture_open(&fx);
	ov_store_close(s);
	s = NULL;
	assert_int_equal(sqlite3_open(fx.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA locking_mode=EXCLUSIVE; "
	    "BEGIN EXCLUSIVE; CREATE TABLE hold (x)", NULL, NULL, NULL),
	    SQLITE_OK);
	setenv("OVERVISOR_DB_BUSY_MS", "100", 1);
	assert_int_equal(ov_store_open(&s, fx.ctx, fx.target,
	    OV_STORE_MIGRATE), OV_ESTORE);
	assert_non_null(strstr(ov_error_last(fx.ctx)->message, "locked"));
	unsetenv("OVERVISOR_DB_BUSY_MS");
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	fixture_done(&fx);
}

/* PostgreSQL: two writers at once, no corruption, no double count. */
static void
test_concurrent_writers(void **state)
{
	struct fixture fx;
	ov_store *s;
	pid_t pids[2];
	int i, status, scans = 0;
	int64_t n_new = 0;

	(void)state;
	if (!use_pg)
		skip();
	fixture_init(&fx, true);
	s = fixture_open(&fx);
	ov_store_close(s);
	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			ov_ctx *ctx = NULL;
			ov_store *cs = NULL;
			ov_findings *l = big_list(500, 0);
			int k;

			if (ov_ctx_new(&ctx) < 0 ||
			    ov_store_open(&cs, ctx, fx.target, 0) < 0)
				_exit(3);
			for (k = 0; k < 4; k++) {
				ov_scan_record m = scan_meta(T0 + k * DAY,
				    "collected");

				if (ov_store_record_scan(cs, &m, l, NULL, NULL,
				    NULL) < 0) {
					fprintf(stderr, "%s\n",
					    ov_error_last(ctx)->message);
					_exit(4);
				}
			}
			ov_store_close(cs);
			ov_findings_free(l);
			ov_ctx_free(ctx);
			_exit(0);
		}
	}
	for (i = 0; i < 2; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	s = fixture_open(&fx);
	assert_int_equal(ov_store_scans_list(s, scan_count_cb, &scans), 0);
	assert_int_equal(scans, 8);
	assert_int_equal(count_findings(s, NULL), 500);
	assert_int_equal(ov_store__query_int(s, "SELECT count(*) FROM events "
	    "WHERE from_state IS NULL", 0, NULL, &n_new), 0);
	assert_int_equal(n_new, 500);
	ov_store_close(s);
	fixture_done(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_mid_transaction),
		cmocka_unit_test(test_corrupt_and_locked),
		cmocka_unit_test(test_concurrent_writers),
	};
	const char *pg = getenv("OVERVISOR_TEST_PG");
	int failed;

	use_pg = false;
	failed = cmocka_run_group_tests_name("store-kill/sqlite", tests, NULL,
	    NULL);
	if (pg != NULL && *pg != '\0') {
		use_pg = true;
		failed += cmocka_run_group_tests_name("store-kill/postgresql",
		    tests, NULL, NULL);
	}
	return failed != 0;
}
