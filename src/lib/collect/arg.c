/* SPDX-License-Identifier: MIT */
/*
 * Azure Resource Graph.  Each table is queried whole, in objectArray
 * format, 1,000 rows a page, over batches of at most 300 subscriptions;
 * the next page repeats the same query and scopes with options.$skipToken.
 * A query over several subscriptions whose first page shows more than
 * OV_COLLECT_SPLIT_PAGES pages to come is asked again as one query per group of
 * subscriptions, so the groups page in parallel; every group but the first
 * keeps only rows of its own subscriptions, so rows without one (tenant
 * and management-group role and policy assignments, which every scope
 * sees) are written once.  Groups write to their own part files, joined in
 * order at the end: the output does not depend on timing.
 */
#include <stdio.h>
#include <string.h>

#include "lib/collect/collect_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

static void page_done(struct ov_http *h, struct ov_http_req *req,
    const struct ov_http_resp *resp);

/* Role and policy rows defined above the subscriptions matter too. */
static bool
scope_above(const struct ov_source *s)
{
	return s->id == OV_SRC_ARG_AUTHZ || s->id == OV_SRC_ARG_POLICY;
}

/* A batch over subs[from, to): its request prefix and filter set. */
static struct ov_query *
batch(struct ov_collect *c, struct ov_source *s, char **subs, size_t from,
    size_t to, bool filter)
{
	struct ov_buf b = OV_BUF_INIT(1 << 24);
	struct ov_query *q;
	char *copy;
	size_t i;
	int e = 0;

	if ((q = ov_collect__query_new(c, s)) == NULL)
		return NULL;
	q->api = OV_API_ARG;
	q->audience = OV_AUD_ARM;
	q->kind = OV_PAGE_ARG;
	q->filter = filter;
	q->batch_subs = to - from;
	/* No subscriptions: tenant scope (the subscriptions are unknown). */
	e |= ov__buf_puts(&b, to > from ? "{\"subscriptions\":[" : "{");
	for (i = from; i < to; i++) {
		e |= ov__buf_puts(&b, i != from ? "," : "");
		e |= ov_collect__put_str(&b, subs[i]);
		if ((copy = ov__arena_strdup(&q->arena, subs[i])) == NULL ||
		    ov__map_put(&q->subs, copy, strlen(copy), copy) < 0)
			e = 1;
	}
	e |= ov__buf_puts(&b, to > from ? "],\"query\":" : "\"query\":");
	e |= ov_collect__put_str(&b, s->def->path);
	e |= ov__buf_printf(&b, ",\"options\":{\"$top\":%d,"
	    "\"resultFormat\":\"objectArray\"", OV_COLLECT_ARG_TOP);
	if (scope_above(s))
		e |= ov__buf_puts(&b, ",\"authorizationScopeFilter\":"
		    "\"AtScopeAboveAndBelow\"");
	if (e != 0 || (q->body_prefix = ov__buf_detach(&b)) == NULL) {
		ov__buf_free(&b);
		c->error = OV_ENOMEM;
		return NULL;
	}
	return q;
}

/* Ask for a page: the first when token is NULL. */
static int
ask(struct ov_query *q, const char *token)
{
	struct ov_collect *c = q->c;
	struct ov_buf url = OV_BUF_INIT(1 << 16), body = OV_BUF_INIT(1 << 24);
	struct ov_http_req *r = NULL;
	int e = 0;

	e |= ov__buf_printf(&url, "%s/providers/Microsoft.ResourceGraph/"
	    "resources?api-version=%s", c->cloud.arm, q->src->def->api);
	e |= ov__buf_puts(&body, q->body_prefix);
	if (token != NULL) {
		e |= ov__buf_puts(&body, ",\"$skipToken\":");
		e |= ov_collect__put_str(&body, token);
	}
	e |= ov__buf_puts(&body, "}}");
	if (e != 0 || (r = ov_http__req(OV_API_ARG, OV_AUD_ARM,
	    ov__buf_cstr(&url), page_done, q)) == NULL ||
	    ov_http__req_body(r, body.ptr, body.len) < 0) {
		ov_http__req_free(r);
		ov__buf_free(&url);
		ov__buf_free(&body);
		c->error = OV_ENOMEM;
		return OV_ENOMEM;
	}
	ov__buf_free(&url);
	ov__buf_free(&body);
	ov_collect__begin(q->src);
	ov_http__submit(&c->http, r);
	return 0;
}

/* A string member of row i (objectArray or table format). */
static const char *
row_str(const struct ov_page *p, size_t i, const char *key)
{
	size_t c;

	if (p->columns == NULL)
		return ov_json_string(ov_json_get(ov_collect__row(p, i), key));
	for (c = 0; c < ov_json_len(p->columns); c++)
		if (ov__streq_ci(ov_json_string(ov_json_get(ov_json_at(
		    p->columns, c), "name")), key))
			return ov_json_string(ov_json_at(ov_json_at(
			    p->table_rows, i), c));
	return NULL;
}

/* Split a probe into one query per group of subscriptions. */
static int
split(struct ov_query *probe)
{
	struct ov_collect *c = probe->c;
	struct ov_source *s = probe->src;
	size_t k, per, from, to, g;
	struct ov_query *q;

	k = c->http.cfg.parallel < c->n_subs ? c->http.cfg.parallel :
	    c->n_subs;
	per = (c->n_subs + k - 1) / k;
	for (g = 0, from = 0; from < c->n_subs; g++, from = to) {
		to = from + per < c->n_subs ? from + per : c->n_subs;
		if ((q = batch(c, s, c->subs, from, to, g != 0)) == NULL)
			return OV_ENOMEM;
		if (g == 0)
			q->part = probe->part;
		else if (q->write && ov_collect__add_part(c, s, &q->part) < 0)
			return OV_ENOMEM;
		if (ask(q, NULL) < 0)
			return OV_ENOMEM;
	}
	return 0;
}

/* One Resource Graph page arrived. */
static void
page_done(struct ov_http *h, struct ov_http_req *req,
    const struct ov_http_resp *resp)
{
	struct ov_query *q = req->arg;
	struct ov_collect *c = q->c;
	struct ov_source *s = q->src;
	struct ov_page page;
	char why[OV_COLLECT_REASON], err[200];
	const char *sub, *why_not;
	size_t i;

	(void)h;
	if (resp->error != 0 || resp->status < 200 || resp->status > 299) {
		ov_collect__describe(s, req, resp, why, sizeof(why));
		ov_collect__end(c, s, OV_END_LOST, why);
		return;
	}
	if (ov_collect__page(resp->json, OV_PAGE_ARG, &page, err,
	    sizeof(err)) < 0) {
		snprintf(why, sizeof(why), "unexpected Resource Graph response "
		    "for %s: %s", s->def->path, err);
		ov_collect__end(c, s, OV_END_LOST, why);
		return;
	}
	if (q->probe && q->pages == 0 && page.next != NULL && page.n_rows != 0 &&
	    page.total > (int64_t)(OV_COLLECT_SPLIT_PAGES * page.n_rows)) {
		/* This page is asked again by the first group. */
		q->probe = false;
		if (split(q) < 0) {
			c->error = OV_ENOMEM;
			ov_collect__end(c, s, OV_END_LOST, "out of memory");
			return;
		}
		ov_collect__end(c, s, OV_END_NEUTRAL, NULL);
		return;
	}
	for (i = 0; i < page.n_rows; i++) {
		if (q->filter && ((sub = row_str(&page, i, "subscriptionId")) ==
		    NULL || ov__map_get(&q->subs, sub, strlen(sub)) == NULL))
			continue;	/* another group's, or above them all */
		if (q->write) {
			if (ov_writer__row(&s->parts[q->part], &page, i, NULL) <
			    0) {
				c->error = OV_EIO;
				ov_collect__end(c, s, OV_END_LOST, "cannot write "
				    "the snapshot");
				return;
			}
			s->count++;
		}
		if (s->id == OV_SRC_ARG_RESOURCES && page.columns == NULL &&
		    ov_collect__arm_resource(c, ov_collect__row(&page, i)) < 0) {
			ov_collect__end(c, s, OV_END_LOST, "out of memory");
			return;
		}
	}
	q->pages++;
	s->pages++;
	ov_collect__progress(c, s);
	if (page.next != NULL) {
		if ((why_not = ov_collect__next_ok(q, page.next)) != NULL ||
		    ask(q, page.next) < 0) {
			ov_collect__end(c, s, OV_END_LOST, why_not != NULL ?
			    why_not : "out of memory");
			return;
		}
		ov_collect__end(c, s, OV_END_OK, NULL);
		return;
	}
	if (page.truncated) {
		snprintf(why, sizeof(why), "Resource Graph truncated the %s "
		    "result (resultTruncated) without a $skipToken",
		    s->def->path);
		ov_collect__end(c, s, OV_END_LOST, why);
		return;
	}
	ov_collect__end(c, s, OV_END_OK, NULL);
}

/* Start a Resource Graph table; see collect_int.h. */
int
ov_collect__arg_start(struct ov_collect *c, struct ov_source *s)
{
	struct ov_query *q;
	size_t from, to, nb;

	nb = (c->n_subs + OV_COLLECT_ARG_BATCH - 1) / OV_COLLECT_ARG_BATCH;
	if (c->n_subs == 0) {
		if ((q = batch(c, s, c->subs, 0, 0, false)) == NULL ||
		    ask(q, NULL) < 0)
			goto oom;
	}
	for (from = 0; from < c->n_subs; from = to) {
		to = from + OV_COLLECT_ARG_BATCH < c->n_subs ?
		    from + OV_COLLECT_ARG_BATCH : c->n_subs;
		if ((q = batch(c, s, c->subs, from, to, from != 0)) == NULL)
			goto oom;
		q->probe = nb == 1 && c->n_subs > 1 &&
		    c->http.cfg.parallel > 1;
		if (from != 0 && q->write && ov_collect__add_part(c, s,
		    &q->part) < 0)
			goto oom;
		if (ask(q, NULL) < 0)
			goto oom;
	}
	ov_collect__done(c, s);
	return 0;
oom:
	c->error = OV_ENOMEM;
	ov_collect__fail(c, s, "out of memory");
	return OV_ENOMEM;
}
