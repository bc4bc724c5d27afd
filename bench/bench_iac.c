/* SPDX-License-Identifier: MIT */
/*
 * Templates benchmark: every template folder under DIR (azuredeploy.json
 * and the parameters file beside it) read three ways in one process:
 * parsed only (the floor: read and parse each file, nothing else),
 * expanded into records (ov_snapshot_load on the directory, as scan
 * does) and scanned with the rule pack (ov_scan_run, no analyzers: they do
 * not run on templates).  Prints wall and CPU seconds per phase, the
 * record and finding counts and the peak RSS.
 *   bench_iac DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "overvisor/iac.h"
#include "overvisor/json.h"
#include "overvisor/scan.h"
#include "overvisor/snapshot.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/file.h"

static double
now_s(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	ov_scan_options so = OV_SCAN_OPTIONS_INIT;
	ov_iac_options io = OV_IAC_OPTIONS_INIT;
	ov_scan_result *res = NULL;
	ov_snapshot *snap = NULL;
	ov_ctx *ctx = NULL;
	struct ov_arena a;
	char **paths = NULL;
	size_t n = 0;
	struct rusage ru;
	double w0, c0, w1, c1, w2, c2, w3, c3;
	size_t i, bytes = 0, bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_iac DIR\n");
		return 2;
	}
	if (ov_ctx_new(&ctx) < 0)
		return 1;
	ov__arena_init(&a, 0, 0);
	if (ov__list_files(ctx, &a, argv[1], ".json", &paths, &n) < 0) {
		fprintf(stderr, "bench_iac: %s\n", ov_error_last(ctx)->message);
		return 1;
	}
	/* The floor: read and parse every file. */
	w0 = now_s(CLOCK_MONOTONIC);
	c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < n; i++) {
		ov_json_doc *doc = NULL;
		char *data = NULL;
		size_t len = 0;

		if (ov__read_file(ctx, OV_ERRCLASS_INPUT, paths[i], 1u << 26,
		    &data, &len) < 0 || ov_json_parse(&doc, ctx, data, len,
		    OV_JSON_LENIENT, NULL) < 0)
			bad++;
		bytes += len;
		ov_json_doc_free(doc);
		ov__free(data);
	}
	w1 = now_s(CLOCK_MONOTONIC);
	c1 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	/* Expansion: the directory loaded as scan loads it. */
	if (ov_snapshot_new(&snap, ctx) < 0 ||
	    ov_snapshot_set_iac(snap, &io) < 0 ||
	    ov_snapshot_load(snap, argv[1], 0) < 0) {
		fprintf(stderr, "bench_iac: %s\n", ov_error_last(ctx)->message);
		return 1;
	}
	w2 = now_s(CLOCK_MONOTONIC);
	c2 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	so.no_analyzers = true;
	if (ov_scan_run(&res, ctx, snap, &so) < 0) {
		fprintf(stderr, "bench_iac: %s\n", ov_error_last(ctx)->message);
		return 1;
	}
	w3 = now_s(CLOCK_MONOTONIC);
	c3 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	getrusage(RUSAGE_SELF, &ru);
	printf("files: %zu (%zu bytes, %zu unreadable)\n", n, bytes, bad);
	printf("parse only: %.3f s (cpu %.3f s)\n", w1 - w0, c1 - c0);
	printf("expand: %.3f s (cpu %.3f s), records: %zu, input errors: "
	    "%zu\n", w2 - w1, c2 - c1, ov_snapshot_count(snap),
	    ov_snapshot_n_errors(snap));
	printf("scan: %.3f s (cpu %.3f s), rules: %zu, findings: %zu\n",
	    w3 - w2, c3 - c2, ov_scan_n_rules(res),
	    ov_findings_count(ov_scan_findings(res)));
	printf("expand+scan: %.3f s (cpu %.3f s)\n", w3 - w1, c3 - c1);
	printf("peak RSS: %ld MiB\n", ru.ru_maxrss / 1024);
	ov_scan_result_free(res);
	ov_snapshot_free(snap);
	ov__arena_free(&a);
	ov_ctx_free(ctx);
	return 0;
}
