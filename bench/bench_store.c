/* SPDX-License-Identifier: MIT */
/*
 * Store throughput: record N findings per scan over S scans (default 100k
 * x 10 = 1M observations) with 2% churn per scan, on SQLite and, when
 * OVERVISOR_TEST_PG or --pg names a server, on PostgreSQL.  Prints
 * scans/s, findings/s and peak RSS (each backend runs in a child process
 * of its own, so the figure is that backend's).
 *
 *   bench_store [--verdict] [--findings N] [--scans S] [--db PATH]
 *       [--pg URL]
 *
 * --verdict resolves through the per-finding verdict path `scan --db`
 * takes (every unseen finding judged) instead of by type coverage alone.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "overvisor/store.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
peak_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static ov_findings *
make_scan(long n, int scan)
{
	static const char *const types[] = {
		"Microsoft.Storage/storageAccounts",
		"Microsoft.Network/networkSecurityGroups",
		"Microsoft.Compute/virtualMachines",
		"Microsoft.KeyVault/vaults",
	};
	ov_findings *l = NULL;
	ov_finding f;
	char id[160], rule[16];
	long i;

	if (ov_findings_new(&l) < 0 ||
	    ov_findings_set_tenant(l, "bench-tenant") < 0)
		exit(1);
	memset(&f, 0, sizeof(f));
	f.title = "benchmark finding";
	f.state = OV_STATE_NON_COMPLIANT;
	f.owner = OV_OWNER_CUSTOMER;
	f.accountable = "csp-operator";
	f.duty = "nsg-review";
	f.rule = rule;
	f.resource_id = id;
	for (i = 0; i < n; i++) {
		/* 2% of findings move each scan: some fixed, some new */
		long k = i < n / 50 ? i + (long)scan * n : i;

		snprintf(id, sizeof(id), "/subscriptions/00000000-0000-0000-"
		    "0000-%012ld/resourceGroups/rg%ld/providers/%s/r%ld",
		    k % 50, k % 997, types[k % 4], k);
		snprintf(rule, sizeof(rule), "OV-BEN-%03ld", k % 40);
		f.resource_type = types[k % 4];
		f.severity = (ov_severity)(k % 5);
		if (ov_findings_add(l, &f) < 0)
			exit(1);
	}
	return l;
}

/*
 * With --verdict: the scan judges every finding it did not see, as
 * `scan --db` does (half the rules "passed", the rest left to the
 * manifest), so the per-finding resolution path is what is measured.
 */
static bool use_verdict;

static ov_verdict
bench_verdict(const char *rule, const char *source, const char *resource_id,
    const char *type, void *payload)
{
	size_t n = strlen(rule);

	(void)source;
	(void)resource_id;
	(void)type;
	(void)payload;
	return n > 0 && (rule[n - 1] - '0') % 2 == 0 ? OV_VERDICT_PASSED :
	    OV_VERDICT_UNKNOWN;
}

static int
run(const char *label, const char *target, long n, int scans)
{
	static ov_scan_source src[] = {
		{ "arg:resources", "collected", 1 }
	};
	ov_ctx *ctx = NULL;
	ov_store *s = NULL;
	double t0, t_write = 0;
	int i;

	if (ov_ctx_new(&ctx) < 0)
		return 1;
	ov_ctx_set_now(ctx, 1735689600);
	if (ov_store_open(&s, ctx, target, OV_STORE_MIGRATE) < 0) {
		fprintf(stderr, "%s: %s\n", label, ov_error_last(ctx)->message);
		ov_ctx_free(ctx);
		return 1;
	}
	for (i = 0; i < scans; i++) {
		ov_findings *l = make_scan(n, i);
		ov_scan_record m = OV_SCAN_RECORD_INIT;

		m.tenant = "bench-tenant";
		m.collected_at = 1735689600 + (int64_t)i * 86400;
		m.has_manifest = true;
		m.sources = src;
		m.n_sources = 1;
		if (use_verdict)
			m.verdict = bench_verdict;
		t0 = now_s();
		if (ov_store_record_scan(s, &m, l, NULL, NULL, NULL) < 0) {
			fprintf(stderr, "%s: %s\n", label,
			    ov_error_last(ctx)->message);
			ov_findings_free(l);
			ov_store_close(s);
			ov_ctx_free(ctx);
			return 1;
		}
		t_write += now_s() - t0;
		ov_findings_free(l);
	}
	printf("%-10s %ld findings x %d scans: %.2f s writing, %.3f scans/s, "
	    "%.0f findings/s, peak RSS %ld MiB\n", label, n, scans, t_write,
	    scans / t_write, (double)n * scans / t_write,
	    peak_rss_kb() / 1024);
	fflush(stdout);
	ov_store_close(s);
	ov_ctx_free(ctx);
	return 0;
}

/* Run one backend in a child process, so peak RSS is its own. */
static int
run_child(const char *label, const char *target, long n, int scans)
{
	pid_t pid;
	int status;

	fflush(stdout);
	if ((pid = fork()) < 0)
		return run(label, target, n, scans);
	if (pid == 0)
		_exit(run(label, target, n, scans));
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return 1;
	return WEXITSTATUS(status);
}

int
main(int argc, char **argv)
{
	long n = 100000;
	int scans = 10, i, rc = 0;
	const char *db = "/tmp/overvisor-bench-store.db";
	const char *pg = getenv("OVERVISOR_TEST_PG");
	char wal[600];

	for (i = 1; i < argc && strcmp(argv[i], "--verdict") == 0; i++)
		use_verdict = true;
	for (; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--findings") == 0)
			n = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--scans") == 0)
			scans = (int)strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--db") == 0)
			db = argv[i + 1];
		else if (strcmp(argv[i], "--pg") == 0)
			pg = argv[i + 1];
	}
	if (n <= 0 || scans <= 0)
		return 2;
	unlink(db);
	snprintf(wal, sizeof(wal), "%s-wal", db);
	unlink(wal);
	rc |= run_child("sqlite", db, n, scans);
	unlink(db);
	unlink(wal);
	if (pg != NULL && *pg != '\0')
		rc |= run_child("postgresql", pg, n, scans);
	else
		printf("postgresql skipped (set OVERVISOR_TEST_PG or --pg)\n");
	return rc;
}
