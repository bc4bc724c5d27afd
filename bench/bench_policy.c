/* SPDX-License-Identifier: MIT */
/*
 * bench_policy: evaluate every built-in definition on a snapshot and print
 * records/s, (record, applicable rule) evaluations/s per core and peak
 * RSS.  Instances are split between threads; the compiled set and the
 * indexed snapshot are shared read-only.
 *
 * usage: bench_policy [-t THREADS] [-a ALIASES] SNAPSHOT POLICY_DIR...
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "model/model.h"
#include "overvisor/policy.h"
#include "overvisor/snapshot.h"
#include "policy/policy_int.h"

struct job {
	ov_policy_set		*set;	/* shared */
	const struct ov_snapshot *snap;	/* shared */
	size_t			 first;	/* first instance */
	size_t			 stride; /* step (the thread count) */
	size_t			 evals;	/* applicable evaluations */
	size_t			 noncompliant;
	int			 error;
	double			 cpu;	/* seconds of thread CPU */
};

static int
count_cb(const ov_policy_result *r, void *p)
{
	struct job *j = p;

	j->evals++;
	if (r->state == OV_STATE_NON_COMPLIANT)
		j->noncompliant++;
	return 0;
}

static double
now_s(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *
run(void *p)
{
	struct job *j = p;
	double t0 = now_s(CLOCK_THREAD_CPUTIME_ID);

	j->error = ov_policy__eval_range(j->set, j->snap, j->first, 0,
	    j->stride, count_cb, j);
	j->cpu = now_s(CLOCK_THREAD_CPUTIME_ID) - t0;
	return NULL;
}

int
main(int argc, char **argv)
{
	ov_ctx *ctx = NULL;
	ov_policy_set *set = NULL;
	ov_snapshot *snap = NULL;
	struct job jobs[16];
	pthread_t th[16];
	const char *aliases = NULL;
	struct rusage ru;
	size_t i, n_rec, evals = 0, nc = 0;
	double t0, t1, t2, cpu = 0;
	int c, nt = 2;

	while ((c = getopt(argc, argv, "t:a:")) != -1) {
		if (c == 't')
			nt = atoi(optarg);
		else if (c == 'a')
			aliases = optarg;
		else
			return 2;
	}
	if (nt < 1 || nt > 16 || argc - optind < 2) {
		fprintf(stderr, "usage: bench_policy [-t THREADS] [-a ALIASES] "
		    "SNAPSHOT POLICY_DIR...\n");
		return 2;
	}
	if (ov_ctx_new(&ctx) < 0 || ov_policy_set_new(&set, ctx) < 0 ||
	    ov_snapshot_new(&snap, ctx) < 0)
		return 1;
	ov_ctx_set_now(ctx, 1767225600);
	t0 = now_s(CLOCK_MONOTONIC);
	if (aliases != NULL && ov_policy_set_load_aliases(set, aliases) < 0) {
		fprintf(stderr, "bench_policy: %s\n", ov_error_last(ctx)->message);
		return 1;
	}
	for (i = (size_t)optind + 1; i < (size_t)argc; i++)
		if (ov_policy_set_add_file(set, argv[i]) < 0)
			return 1;
	if (ov_policy_set_compile(set) < 0)
		return 1;
	if (set->n_insts == 0) {
		fprintf(stderr, "bench_policy: no definition compiled\n");
		return 1;
	}
	if (ov_snapshot_load(snap, argv[optind], 0) < 0) {
		fprintf(stderr, "bench_policy: cannot load %s\n", argv[optind]);
		return 1;
	}
	if (ov_model__index((struct ov_snapshot *)snap) < 0)
		return 1;
	n_rec = ov_snapshot_count(snap);
	t1 = now_s(CLOCK_MONOTONIC);
	for (c = 0; c < nt; c++) {
		jobs[c].set = set;
		jobs[c].snap = (const struct ov_snapshot *)snap;
		/* Interleave by instance so each thread gets a fair mix. */
		jobs[c].first = (size_t)c;
		jobs[c].stride = (size_t)nt;
		jobs[c].evals = jobs[c].noncompliant = 0;
		pthread_create(&th[c], NULL, run, &jobs[c]);
	}
	for (c = 0; c < nt; c++) {
		pthread_join(th[c], NULL);
		evals += jobs[c].evals;
		nc += jobs[c].noncompliant;
		cpu += jobs[c].cpu;
		if (jobs[c].error < 0)
			fprintf(stderr, "bench_policy: thread %d failed\n", c);
	}
	t2 = now_s(CLOCK_MONOTONIC);
	getrusage(RUSAGE_SELF, &ru);
	printf("definitions+instances: %zu  records: %zu  threads: %d\n",
	    set->n_insts, n_rec, nt);
	printf("load+compile: %.2f s  evaluate: %.2f s (cpu %.2f s)\n",
	    t1 - t0, t2 - t1, cpu);
	printf("records/s: %.0f\n", (double)n_rec / (t2 - t1));
	printf("evaluations: %zu (%zu non-compliant)  evaluations/s per core: "
	    "%.0f\n", evals, nc, cpu > 0 ? (double)evals / cpu : 0.0);
	printf("peak RSS: %ld MiB\n", ru.ru_maxrss / 1024);
	ov_snapshot_free(snap);
	ov_policy_set_free(set);
	ov_ctx_free(ctx);
	return 0;
}
