/* SPDX-License-Identifier: MIT */
/*
 * The matching pipeline: events are matched by worker threads, a batch of
 * NDJSON lines at a time, and the results are merged by the reading
 * thread in file order, so the detections and their evidence are the same
 * whatever the number of threads.
 *
 * A worker parses each line with its own parser, matches it with its own
 * matching state (the compiled rules are shared, read-only), and records
 * for each match what the merge needs: the rule, the event's time, line
 * and text, the resource or principal, and the correlation keys.  Memory
 * is bounded by the batches in flight (2 per worker), not by the file.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/sigma/sigma_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/time.h"

#define MAX_THREADS	64
#define SLOTS_PER	2		/* batches in flight per worker */

/* One worker's private state. */
struct worker {
	struct sig_pipe	*P;
	struct sig_mctx	 m;
	ov_json_parser	*parser;
	struct ov_buf	 key;		/* correlation key scratch */
	pthread_t	 tid;
	bool		 started;
	/* The event being matched. */
	struct sig_bres	*res;
	size_t		 ls;		/* logsource index */
	int64_t		 t;
	uint64_t	 line;
	const char	*text;
	size_t		 len;
	const char	*rid;		/* resource or principal, in res */
	size_t		 rid_len;
	int		 error;
};

enum { SLOT_FREE = 0, SLOT_READY, SLOT_BUSY, SLOT_DONE };

struct slot {
	int		 state;
	uint64_t	 seq;
	char		*buf;		/* the lines */
	size_t		 len, cap;
	uint64_t	 line0;		/* line of the first */
	struct sig_bres	 res;
};

struct sig_pipe {
	const struct ov_sigma_rules *rs;
	const struct sig_corr *corr;
	int64_t		 since, until;
	sig_merge_fn	 merge;
	void		*payload;
	struct worker	*w;		/* w[0] serves inline work */
	unsigned	 n_alloc;	/* workers initialised */
	unsigned	 n_w;		/* worker threads (0: inline only) */
	struct slot	*slots;
	size_t		 n_slots;
	uint64_t	 next_seq;	/* next batch to submit */
	uint64_t	 merge_seq;	/* next batch to merge */
	pthread_mutex_t	 mu;
	pthread_cond_t	 work;		/* a slot became ready */
	pthread_cond_t	 done;		/* a slot was finished */
	bool		 stop;
	bool		 sync_ok;	/* mu and the conds exist */
	struct sig_bres	 inline_res;	/* results of inline events */
};

/* Reset a result set for reuse. */
static void
res_reset(struct sig_bres *r)
{
	r->n = r->nc = r->ne = 0;
	r->events = r->skipped = r->ok = r->bad = 0;
	r->first = r->last = 0;
	ov__arena_reset(&r->arena);
}

/* Release a result set. */
static void
res_free(struct sig_bres *r)
{
	ov__free(r->m);
	ov__free(r->c);
	ov__free(r->e);
	ov__arena_free(&r->arena);
	memset(r, 0, sizeof(*r));
}

/* Grow an array to hold one more element. */
static int
grow1(void **arr, size_t *cap, size_t n, size_t esize)
{
	void *x;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap != 0 ? *cap * 2 : 64;
	if ((x = ov__reallocarray(*arr, ncap, esize)) == NULL)
		return OV_ENOMEM;
	*arr = x;
	*cap = ncap;
	return 0;
}

/* Record a bad event. */
static int
res_error(struct sig_bres *r, uint64_t line, uint64_t col, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static int
res_error(struct sig_bres *r, uint64_t line, uint64_t col, const char *fmt,
    ...)
{
	char msg[256];
	va_list ap;

	r->bad++;
	if (grow1((void **)&r->e, &r->cap_e, r->ne, sizeof(*r->e)) < 0)
		return OV_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->e[r->ne].line = line;
	r->e[r->ne].col = col;
	if ((r->e[r->ne].msg = ov__arena_strdup(&r->arena, msg)) == NULL)
		return OV_ENOMEM;
	r->ne++;
	return 0;
}

/* The resource or principal of the current event, once per logsource. */
static int
event_rid(struct worker *W)
{
	const struct sig_logsource *ls = W->m.ls;
	const ov_json *v;
	const char *t = NULL;
	size_t n = 0;

	if ((v = ov_sigma__paths_get(&ls->resource, W->m.ev)) != NULL)
		t = ov_sigma__scalar_text(&W->m, v, &n);
	if (t == NULL && (v = ov_sigma__paths_get(&ls->principal,
	    W->m.ev)) != NULL)
		t = ov_sigma__scalar_text(&W->m, v, &n);
	if (t == NULL) {
		t = "unknown";
		n = 7;
	}
	if ((W->rid = ov__arena_strndup(&W->res->arena, t, n)) == NULL)
		return OV_ENOMEM;
	W->rid_len = n;
	return 0;
}

/* A rule matched the current event: record it for the merge. */
static int
on_match(void *payload, int ri)
{
	struct worker *W = payload;
	struct sig_bres *r = W->res;
	const struct sig_rule *rule = &W->P->rs->rules[ri];
	struct sig_bmatch *bm;
	const int *cs;
	uint64_t vh;
	int rc;

	if (W->rid == NULL && event_rid(W) < 0)
		return OV_ENOMEM;
	if (grow1((void **)&r->m, &r->cap_m, r->n, sizeof(*r->m)) < 0)
		return OV_ENOMEM;
	bm = &r->m[r->n++];
	bm->rule = ri;
	bm->ls = W->ls;
	bm->t = W->t;
	bm->line = W->line;
	bm->text = W->text;
	bm->len = W->len;
	bm->rid = W->rid;
	bm->rid_len = W->rid_len;
	bm->c0 = r->nc;
	bm->nc = 0;
	if (!rule->used_by_corr)
		return 0;
	for (cs = ov_sigma__corr_targets(W->P->corr, ri);
	    cs != NULL && *cs >= 0; cs++) {
		if ((rc = ov_sigma__corr_key(W->P->corr, *cs, &W->m, &W->key,
		    &vh)) < 0)
			return rc;
		if (rc == 0)
			continue;
		if (grow1((void **)&r->c, &r->cap_c, r->nc,
		    sizeof(*r->c)) < 0)
			return OV_ENOMEM;
		r->c[r->nc].cs = *cs;
		r->c[r->nc].vh = vh;
		r->c[r->nc].klen = W->key.len;
		if ((r->c[r->nc].key = ov__arena_strndup(&r->arena,
		    W->key.ptr, W->key.len)) == NULL)
			return OV_ENOMEM;
		r->nc++;
		bm->nc++;
	}
	return 0;
}

/* Match one parsed event; its results go to r. */
static int
work_event(struct worker *W, struct sig_bres *r, const ov_json *ev,
    const char *text, size_t len, uint64_t line, uint64_t col)
{
	const struct ov_sigma_rules *rs = W->P->rs;
	enum sig_event_kind kind = ov_sigma__event_kind(ev);
	const char *ts;
	size_t i;
	int error;

	if (kind == SIG_EV_UNKNOWN || rs->n_kind_ls[kind] == 0)
		return res_error(r, line, col, "not an activity log, sign-in, "
		    "audit or risk detection event");
	ts = ov_json_string(ov_sigma__paths_get(
	    &rs->ls[rs->kind_ls[kind][0]].time, ev));
	if (ts == NULL || ov_parse_time(ts, &W->t) < 0)
		return res_error(r, line, col, "event has no valid time");
	r->ok++;
	if ((W->P->since != 0 && W->t < W->P->since) ||
	    (W->P->until != 0 && W->t >= W->P->until)) {
		r->skipped++;
		return 0;
	}
	r->events++;
	if (r->first == 0 || W->t < r->first)
		r->first = W->t;
	if (W->t > r->last)
		r->last = W->t;
	W->res = r;
	W->line = line;
	W->text = text;
	W->len = len;
	for (i = 0; i < rs->n_kind_ls[kind]; i++) {
		W->ls = rs->kind_ls[kind][i];
		W->rid = NULL;
		ov_sigma__mctx_event(&W->m, &rs->ls[W->ls], ev);
		if ((error = ov_sigma__match_event(&W->m, W->ls, on_match,
		    W)) < 0)
			return error;
	}
	return 0;
}

/* True when the n bytes at p are all whitespace. */
static bool
blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return false;
	return true;
}

/* Match every line of a batch. */
static int
work_batch(struct worker *W, struct slot *s)
{
	const char *p = s->buf, *end = s->buf + s->len, *nl;
	const ov_json *ev;
	ov_json_error err;
	uint64_t line = s->line0;
	size_t n, used;
	int error;

	for (; p < end; p = nl + 1, line++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (blank(p, n))
			continue;
		if (ov_json_parser_parse(W->parser, p, n, &ev, &used,
		    &err) < 0 || !blank(p + used, n - used)) {
			if (ov_json_parser_parse(W->parser, p, n, &ev, &used,
			    &err) == 0)
				error = res_error(&s->res, line, used + 1,
				    "more than one value on the line");
			else
				error = res_error(&s->res, line, err.column,
				    "%s", err.message);
			if (error < 0)
				return error;
			continue;
		}
		if ((error = work_event(W, &s->res, ev, p, n, line, 1)) < 0)
			return error;
	}
	return 0;
}

/* A worker thread: take ready batches until told to stop. */
static void *
worker_main(void *arg)
{
	struct worker *W = arg;
	struct sig_pipe *P = W->P;
	struct slot *s;
	size_t i;
	int error;

	pthread_mutex_lock(&P->mu);
	for (;;) {
		s = NULL;
		for (i = 0; i < P->n_slots; i++)
			if (P->slots[i].state == SLOT_READY && (s == NULL ||
			    P->slots[i].seq < s->seq))
				s = &P->slots[i];
		if (s == NULL) {
			if (P->stop)
				break;
			pthread_cond_wait(&P->work, &P->mu);
			continue;
		}
		s->state = SLOT_BUSY;
		pthread_mutex_unlock(&P->mu);
		error = work_batch(W, s);
		pthread_mutex_lock(&P->mu);
		if (error < 0 && W->error == 0)
			W->error = error;
		s->state = SLOT_DONE;
		pthread_cond_broadcast(&P->done);
	}
	pthread_mutex_unlock(&P->mu);
	return NULL;
}

/* Prepare a worker's private state. */
static int
worker_init(struct worker *W, struct sig_pipe *P)
{
	W->P = P;
	ov__buf_init(&W->key, 1 << 16);
	if (ov_sigma__mctx_init(&W->m, P->rs) < 0 ||
	    ov_json_parser_new(&W->parser, NULL, OV_JSON_PREFIX) < 0)
		return OV_ENOMEM;
	return 0;
}

/* The number of processors, at least 1. */
static unsigned
cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

/* Create a pipeline. */
int
ov_sigma__pipe_new(struct sig_pipe **out, const struct ov_sigma_rules *rs,
    const struct sig_corr *corr, int64_t since, int64_t until,
    unsigned threads, sig_merge_fn merge, void *payload)
{
	struct sig_pipe *P;
	unsigned i;

	*out = NULL;
	if ((P = ov__calloc(1, sizeof(*P))) == NULL)
		return OV_ENOMEM;
	P->rs = rs;
	P->corr = corr;
	P->since = since;
	P->until = until;
	P->merge = merge;
	P->payload = payload;
	if (threads == 0)
		threads = cores();
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	/* One thread: everything inline, no worker threads. */
	P->n_w = threads > 1 ? threads : 0;
	if ((P->w = ov__calloc(P->n_w + 1, sizeof(*P->w))) == NULL)
		goto oom;
	for (i = 0; i < P->n_w + 1; i++) {
		P->n_alloc = i + 1;
		if (worker_init(&P->w[i], P) < 0)
			goto oom;
	}
	P->n_slots = P->n_w != 0 ? (size_t)P->n_w * SLOTS_PER + 1 : 1;
	if ((P->slots = ov__calloc(P->n_slots, sizeof(*P->slots))) == NULL)
		goto oom;
	if (P->n_w == 0) {
		*out = P;
		return 0;
	}
	if (pthread_mutex_init(&P->mu, NULL) != 0)
		goto oom;
	if (pthread_cond_init(&P->work, NULL) != 0) {
		pthread_mutex_destroy(&P->mu);
		goto oom;
	}
	if (pthread_cond_init(&P->done, NULL) != 0) {
		pthread_cond_destroy(&P->work);
		pthread_mutex_destroy(&P->mu);
		goto oom;
	}
	P->sync_ok = true;
	for (i = 1; i <= P->n_w; i++) {
		if (pthread_create(&P->w[i].tid, NULL, worker_main,
		    &P->w[i]) != 0)
			break;
		P->w[i].started = true;
	}
	/* Could not start them all: run with those that started. */
	P->n_w = i - 1;
	*out = P;
	return 0;
oom:
	ov_sigma__pipe_free(P);
	return OV_ENOMEM;
}

/* Stop the workers and release everything. */
void
ov_sigma__pipe_free(struct sig_pipe *P)
{
	size_t i;

	if (P == NULL)
		return;
	if (P->sync_ok) {
		pthread_mutex_lock(&P->mu);
		P->stop = true;
		pthread_cond_broadcast(&P->work);
		pthread_mutex_unlock(&P->mu);
	}
	for (i = 0; P->w != NULL && i < P->n_alloc; i++)
		if (P->w[i].started)
			pthread_join(P->w[i].tid, NULL);
	for (i = 0; P->w != NULL && i < P->n_alloc; i++) {
		ov_sigma__mctx_free(&P->w[i].m);
		ov_json_parser_free(P->w[i].parser);
		ov__buf_free(&P->w[i].key);
	}
	if (P->sync_ok) {
		pthread_cond_destroy(&P->work);
		pthread_cond_destroy(&P->done);
		pthread_mutex_destroy(&P->mu);
	}
	for (i = 0; P->slots != NULL && i < P->n_slots; i++) {
		ov__free(P->slots[i].buf);
		res_free(&P->slots[i].res);
	}
	res_free(&P->inline_res);
	ov__free(P->slots);
	ov__free(P->w);
	ov__free(P);
}

/* Merge finished batches in order; with wait, until none is in flight. */
static int
merge_ready(struct sig_pipe *P, bool wait)
{
	struct slot *s;
	size_t i;
	int error = 0;

	for (;;) {
		s = NULL;
		for (i = 0; i < P->n_slots; i++)
			if (P->slots[i].state != SLOT_FREE &&
			    P->slots[i].seq == P->merge_seq)
				s = &P->slots[i];
		if (s == NULL)
			return error;
		if (s->state != SLOT_DONE) {
			if (!wait)
				return error;
			pthread_cond_wait(&P->done, &P->mu);
			continue;
		}
		pthread_mutex_unlock(&P->mu);
		if (error == 0)
			error = P->merge(P->payload, &s->res);
		pthread_mutex_lock(&P->mu);
		res_reset(&s->res);
		s->state = SLOT_FREE;
		P->merge_seq++;
	}
}

/* The first error a worker hit, or 0. */
static int
worker_error(struct sig_pipe *P)
{
	unsigned i;
	int error = 0;

	pthread_mutex_lock(&P->mu);
	for (i = 1; i <= P->n_w && error == 0; i++)
		error = P->w[i].error;
	pthread_mutex_unlock(&P->mu);
	return error;
}

/* Submit len bytes of whole NDJSON lines, the first being line0. */
int
ov_sigma__pipe_lines(struct sig_pipe *P, const char *data, size_t len,
    uint64_t line0)
{
	struct slot *s = NULL;
	size_t i;
	int error;

	if (P->n_w == 0) {
		/* Inline: work and merge at once. */
		s = &P->slots[0];
		s->buf = (char *)(uintptr_t)data;
		s->len = len;
		s->line0 = line0;
		error = work_batch(&P->w[0], s);
		if (error == 0)
			error = P->merge(P->payload, &s->res);
		res_reset(&s->res);
		s->buf = NULL;
		return error;
	}
	pthread_mutex_lock(&P->mu);
	for (;;) {
		if ((error = merge_ready(P, false)) < 0)
			break;
		for (i = 0; i < P->n_slots && s == NULL; i++)
			if (P->slots[i].state == SLOT_FREE)
				s = &P->slots[i];
		if (s != NULL)
			break;
		pthread_cond_wait(&P->done, &P->mu);
	}
	pthread_mutex_unlock(&P->mu);
	if (error < 0 || (error = worker_error(P)) < 0)
		return error;
	if (s->cap < len) {
		char *b = ov__realloc(s->buf, len);

		if (b == NULL)
			return OV_ENOMEM;
		s->buf = b;
		s->cap = len;
	}
	memcpy(s->buf, data, len);
	s->len = len;
	s->line0 = line0;
	pthread_mutex_lock(&P->mu);
	s->seq = P->next_seq++;
	s->state = SLOT_READY;
	pthread_cond_signal(&P->work);
	pthread_mutex_unlock(&P->mu);
	return 0;
}

/* Wait for every batch in flight and merge it. */
int
ov_sigma__pipe_flush(struct sig_pipe *P)
{
	int error;

	if (P->n_w == 0)
		return 0;
	pthread_mutex_lock(&P->mu);
	error = merge_ready(P, true);
	pthread_mutex_unlock(&P->mu);
	return error < 0 ? error : worker_error(P);
}

/* Match one parsed event inline (array shapes) and merge it at once. */
int
ov_sigma__pipe_event(struct sig_pipe *P, const ov_json *ev, const char *text,
    size_t len, uint64_t line, uint64_t col)
{
	int error;

	if ((error = ov_sigma__pipe_flush(P)) < 0)
		return error;
	error = work_event(&P->w[0], &P->inline_res, ev, text, len, line,
	    col);
	if (error == 0)
		error = P->merge(P->payload, &P->inline_res);
	res_reset(&P->inline_res);
	return error;
}

/* Record a bad event found by the reader, in order. */
int
ov_sigma__pipe_error(struct sig_pipe *P, uint64_t line, uint64_t col,
    const char *msg)
{
	int error;

	if ((error = ov_sigma__pipe_flush(P)) < 0)
		return error;
	if ((error = res_error(&P->inline_res, line, col, "%s", msg)) == 0)
		error = P->merge(P->payload, &P->inline_res);
	res_reset(&P->inline_res);
	return error;
}
