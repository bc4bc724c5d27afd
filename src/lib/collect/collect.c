/* SPDX-License-Identifier: MIT */
/*
 * ov_collect_run: one tenant into one snapshot.  Subscriptions are listed
 * first (or taken from the options); Microsoft Graph sources start at
 * once, Resource Graph and ARM sources when the subscriptions are known,
 * and ARM child resources as Resource Graph returns their parents.  Every
 * source ends collected, partial (some pages or requests are missing) or
 * failed, with the reason; the manifest records it, and analyzers treat
 * anything less than collected as missing, never as compliant.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/collect/collect_int.h"
#include "util/alloc.h"
#include "util/error.h"

const struct ov_source_def ov_collect__sources[OV_SRC__COUNT] = {
#define OV_SOURCE(id, name, kind, file, type, api, path, perm) \
	{ name, kind, file, type, api, path, perm },
#include "lib/collect/source_list.h"
#undef OV_SOURCE
};

/* What a result keeps of each source. */
struct result_source {
	char			*name, *status, *reason, *api, *file;
	uint64_t		 count, pages, throttle_ms;
};

struct ov_collect_result {
	struct result_source	 src[OV_SRC__COUNT];
	ov_collect_stats	 stats;
	char			*tenant;
};

static const char *const state_names[] = {
	"not-requested", "running", "collected", "partial", "failed"
};

int
ov_collect_auth_parse(const char *s, ov_collect_auth *out)
{
	static const char *const names[] = { "auto", "env", "cli",
	    "managed-identity", "workload-identity" };
	size_t i;

	for (i = 0; s != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (ov_collect_auth)i;
			return 0;
		}
	return OV_EINVALID;
}

const char *
ov_collect_source_name(size_t i)
{
	return i < OV_SRC__COUNT ? ov_collect__sources[i].name : NULL;
}

const char *
ov_collect__base(const struct ov_collect *c, enum ov_api api)
{
	return api == OV_API_GRAPH ? c->cloud.graph : c->cloud.arm;
}

int
ov_collect__set_api(struct ov_source *s, const char *api)
{
	ov__free(s->api_version);
	s->api_version = api != NULL ? ov__strdup(api) : NULL;
	return api != NULL && s->api_version == NULL ? OV_ENOMEM : 0;
}

/* Report progress for s; see collect_int.h. */
void
ov_collect__progress(struct ov_collect *c, struct ov_source *s)
{
	ov_collect_source_info info;

	if (c->opts->progress == NULL || s == NULL || !s->requested)
		return;
	memset(&info, 0, sizeof(info));
	info.name = s->def->name;
	info.status = state_names[s->state];
	info.reason = s->reason[0] != '\0' ? s->reason : NULL;
	info.count = s->count;
	info.pages = s->pages;
	info.throttle_ms = s->throttle_ms;
	info.api_version = s->api_version;
	info.file = s->def->file;
	c->opts->progress(&info, c->opts->progress_payload);
}

struct ov_query *
ov_collect__query_new(struct ov_collect *c, struct ov_source *s)
{
	struct ov_query *q;

	if ((q = ov__calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->c = c;
	q->src = s;
	q->write = s != NULL && s->requested;
	q->kind = OV_PAGE_LIST;
	ov__arena_init(&q->arena, 0, 0);
	q->next = c->queries;
	c->queries = q;
	return q;
}

static void
query_free(struct ov_query *q)
{
	ov__free(q->body_prefix);
	ov__free(q->last_next);
	ov__map_free(&q->subs);
	ov__arena_free(&q->arena);
	ov__free(q);
}

int
ov_collect__add_part(struct ov_collect *c, struct ov_source *s,
    size_t *index)
{
	struct ov_part *grown;
	char name[256];
	int error;

	if ((grown = ov__reallocarray(s->parts, s->n_parts + 1,
	    sizeof(*grown))) == NULL)
		return ov__error_oom(c->ctx);
	s->parts = grown;
	snprintf(name, sizeof(name), ".%s.part%zu", s->def->file, s->n_parts);
	if ((error = ov_writer__part(&c->writer, name,
	    &s->parts[s->n_parts])) < 0)
		return error;
	*index = s->n_parts++;
	return 0;
}

void
ov_collect__begin(struct ov_source *s)
{
	if (s != NULL)
		s->outstanding++;
}

/* Settle a source's state once nothing more will come. */
static void
settle(struct ov_collect *c, struct ov_source *s)
{
	if (s->state != OV_SRC_RUNNING || !s->done || s->outstanding != 0)
		return;
	/*
	 * Nothing read is a failure.  So is a lost diagnostic-settings read:
	 * AuditIfNotExists would take the missing setting for an absent one
	 * and report a resource that may well be logged.
	 */
	if ((s->lost != 0 || s->degraded) && s->count == 0 && s->ok == 0)
		s->state = OV_SRC_FAILED;
	else if (s->lost != 0 && s->def->kind == OV_KIND_ARM_DIAG)
		s->state = OV_SRC_FAILED;
	else if (s->lost != 0 || s->degraded)
		s->state = OV_SRC_PARTIAL;
	else
		s->state = OV_SRC_COLLECTED;
	if (s->state != OV_SRC_COLLECTED && s->degraded &&
	    s->degraded_reason[0] != '\0') {
		size_t n = strlen(s->reason);

		snprintf(s->reason + n, sizeof(s->reason) - n, "%s%s",
		    n != 0 ? "; " : "", s->degraded_reason);
	}
	if (s->lost > 1) {
		size_t n = strlen(s->reason);

		snprintf(s->reason + n, sizeof(s->reason) - n, " (%llu "
		    "requests failed)", (unsigned long long)s->lost);
	}
	ov_collect__progress(c, s);
	if (s->id == OV_SRC_ARG_RESOURCES)
		ov_collect__arm_resources_done(c);
}

void
ov_collect__end(struct ov_collect *c, struct ov_source *s, enum ov_end how,
    const char *reason)
{
	if (s == NULL)
		return;
	if (s->outstanding > 0)
		s->outstanding--;
	if (how == OV_END_OK) {
		s->ok++;
	} else if (how == OV_END_LOST) {
		s->lost++;
		if (s->reason[0] == '\0' && reason != NULL)
			snprintf(s->reason, sizeof(s->reason), "%s", reason);
	}
	settle(c, s);
}

void
ov_collect__done(struct ov_collect *c, struct ov_source *s)
{
	s->done = true;
	settle(c, s);
}

void
ov_collect__degrade(struct ov_source *s, const char *reason)
{
	s->degraded = true;
	if (s->degraded_reason[0] == '\0')
		snprintf(s->degraded_reason, sizeof(s->degraded_reason), "%s",
		    reason);
}

void
ov_collect__fail(struct ov_collect *c, struct ov_source *s,
    const char *reason)
{
	s->lost++;
	if (s->reason[0] == '\0')
		snprintf(s->reason, sizeof(s->reason), "%s", reason);
	ov_collect__done(c, s);
}

/* The path of a URL, without scheme, host and query. */
static void
url_path(const char *url, char *out, size_t size)
{
	const char *p = strstr(url, "://");

	p = p != NULL ? p + 3 : url;
	p += strcspn(p, "/?");
	snprintf(out, size, "%.*s", (int)strcspn(p, "?"), p);
}

/* Describe a failed exchange; see collect_int.h. */
void
ov_collect__describe(const struct ov_source *s,
    const struct ov_http_req *req, const struct ov_http_resp *resp,
    char *out, size_t size)
{
	char path[300];
	const char *msg = resp->message != NULL ? resp->message : "";

	url_path(req->url, path, sizeof(path));
	if (resp->error == OV_EAUTH) {
		snprintf(out, size, "no token: %s", msg);
	} else if (resp->status == 401) {
		snprintf(out, size, "%s %s: HTTP 401 after a token refresh%s%s",
		    req->body != NULL ? "POST" : "GET", path,
		    msg[0] != '\0' ? ": " : "", msg);
	} else if (resp->status == 403) {
		snprintf(out, size, "%s %s: HTTP 403 %s; needs %s",
		    req->body != NULL ? "POST" : "GET", path, msg,
		    s != NULL ? s->def->permission : "read access");
	} else if (resp->status == 404 || resp->status == 400 ||
	    resp->status == 405 || resp->status == 501) {
		snprintf(out, size, "%s %s: HTTP %ld %s (not available from "
		    "this service)", req->body != NULL ? "POST" : "GET", path,
		    resp->status, msg);
	} else if (resp->status != 0 && (resp->status < 200 ||
	    resp->status > 299)) {
		snprintf(out, size, "%s %s: HTTP %ld %s",
		    req->body != NULL ? "POST" : "GET", path, resp->status, msg);
	} else {
		snprintf(out, size, "%s %s: %s", req->body != NULL ? "POST" :
		    "GET", path, msg);
	}
}

static void chain_done(struct ov_http *h, struct ov_http_req *req,
    const struct ov_http_resp *resp);

/* Submit a GET for a chain query; see collect_int.h. */
int
ov_collect__chain_get(struct ov_query *q, const char *url)
{
	struct ov_http_req *r;

	if ((r = ov_http__req(q->api, q->audience, url, chain_done, q)) ==
	    NULL) {
		q->c->error = OV_ENOMEM;
		return OV_ENOMEM;
	}
	r->flags = q->flags;
	ov_collect__begin(q->src);
	ov_http__submit(&q->c->http, r);
	return 0;
}

/* May the query follow next?  NULL when it may; else why not. */
const char *
ov_collect__next_ok(struct ov_query *q, const char *next)
{
	if (q->last_next != NULL && strcmp(q->last_next, next) == 0)
		return "the same next link or $skipToken came twice; paging "
		    "stopped";
	if (q->pages >= ov_ctx_limit(q->c->ctx, OV_LIMIT_PAGES))
		return "page limit reached (OV_LIMIT_PAGES); the rest was not "
		    "read";
	ov__free(q->last_next);
	if ((q->last_next = ov__strdup(next)) == NULL) {
		q->c->error = OV_ENOMEM;
		return "out of memory";
	}
	return NULL;
}

static void
chain_end(struct ov_query *q, enum ov_end how, const char *reason)
{
	struct ov_collect *c = q->c;

	if (q->src == NULL && how == OV_END_LOST && reason != NULL &&
	    c->subs_error[0] == '\0')
		snprintf(c->subs_error, sizeof(c->subs_error), "%s", reason);
	ov_collect__end(c, q->src, how, reason);
	if (how != OV_END_NEUTRAL && q->finish != NULL)
		q->finish(q, how == OV_END_OK);
}

/* One page of an ARM or Microsoft Graph chain arrived. */
static void
chain_done(struct ov_http *h, struct ov_http_req *req,
    const struct ov_http_resp *resp)
{
	struct ov_query *q = req->arg;
	struct ov_collect *c = q->c;
	struct ov_source *s = q->src;
	struct ov_page page;
	char why[OV_COLLECT_REASON], err[200];
	const char *why_not;
	const ov_json *row;
	size_t i;
	int error;

	(void)h;
	if (resp->error != 0 || resp->status < 200 || resp->status > 299) {
		if (q->fallback != NULL && q->fallback(q, resp)) {
			chain_end(q, OV_END_NEUTRAL, NULL);
			return;
		}
		ov_collect__describe(s, req, resp, why, sizeof(why));
		chain_end(q, OV_END_LOST, why);
		return;
	}
	if (ov_collect__page(resp->json, q->kind, &page, err, sizeof(err)) < 0) {
		snprintf(why, sizeof(why), "unexpected response shape from %.200s:"
		    " %s", req->url, err);
		ov_collect__redact(&c->redact, why, sizeof(why));
		chain_end(q, OV_END_LOST, why);
		return;
	}
	for (i = 0; i < page.n_rows; i++) {
		row = ov_collect__row(&page, i);
		if (q->row != NULL && (error = q->row(q, row)) < 0) {
			c->error = error;
			chain_end(q, OV_END_LOST, "out of memory");
			return;
		}
		if (q->write && s != NULL) {
			if (ov_writer__row(&s->parts[q->part], &page, i,
			    q->kind == OV_PAGE_OBJECT ? "@odata.context" : NULL) <
			    0) {
				c->error = OV_EIO;
				chain_end(q, OV_END_LOST, "cannot write the "
				    "snapshot");
				return;
			}
			s->count++;
		}
	}
	q->pages++;
	if (s != NULL) {
		s->pages++;
		ov_collect__progress(c, s);
	}
	if (page.next != NULL) {
		if (!ov_collect__same_origin(page.next, ov_collect__base(c,
		    q->api))) {
			chain_end(q, OV_END_LOST, "a next link leads to another "
			    "host; not followed (tokens never leave the "
			    "endpoint set)");
			return;
		}
		if ((why_not = ov_collect__next_ok(q, page.next)) != NULL ||
		    ov_collect__chain_get(q, page.next) < 0) {
			chain_end(q, OV_END_LOST, why_not != NULL ? why_not :
			    "out of memory");
			return;
		}
		ov_collect__end(c, s, OV_END_OK, NULL);
		return;
	}
	chain_end(q, OV_END_OK, NULL);
}

/* The throttling waits of a request count on its source. */
static void
throttled(struct ov_http_req *req, int64_t wait_ms, void *payload)
{
	struct ov_query *q = req->arg;

	(void)payload;
	if (req->done == NULL || q == NULL || q->src == NULL)
		return;
	q->src->throttle_ms += (uint64_t)wait_ms;
	ov_collect__progress(q->c, q->src);
}

static int
buf_sink(const char *data, size_t len, void *payload)
{
	return ov__buf_add(payload, data, len);
}

/* Append a JSON string; see collect_int.h. */
int
ov_collect__put_str(struct ov_buf *b, const char *s)
{
	return ov_json_write_string(s, strlen(s), 0, buf_sink, b) < 0 ?
	    OV_ENOMEM : 0;
}

/* The manifest: tenant, cloud, time, tool and every source. */
static int
manifest(struct ov_collect *c, const char *collected_at, struct ov_buf *b)
{
	struct ov_source *s;
	size_t i;
	int e = 0;

	e |= ov__buf_puts(b, "{\"schema\":\"overvisor-snapshot/1\","
	    "\"tenantId\":");
	e |= c->tenant != NULL ? ov_collect__put_str(b, c->tenant) :
	    ov__buf_puts(b, "null");
	if (c->tenant_name != NULL) {
		e |= ov__buf_puts(b, ",\"tenantName\":");
		e |= ov_collect__put_str(b, c->tenant_name);
	}
	e |= ov__buf_puts(b, ",\"cloud\":");
	e |= ov_collect__put_str(b, c->cloud.name);
	e |= ov__buf_puts(b, ",\"collectedAt\":");
	e |= ov_collect__put_str(b, collected_at);
	e |= ov__buf_puts(b, ",\"tool\":\"overvisor " OV_VERSION "\","
	    "\"sources\":[");
	for (i = 0; i < OV_SRC__COUNT; i++) {
		s = &c->src[i];
		e |= ov__buf_puts(b, i != 0 ? ",\n{\"name\":" : "\n{\"name\":");
		e |= ov_collect__put_str(b, s->def->name);
		e |= ov__buf_puts(b, ",\"status\":");
		e |= ov_collect__put_str(b, state_names[s->state]);
		if (s->state == OV_SRC_NOT_REQUESTED) {
			e |= ov__buf_putc(b, '}');
			continue;
		}
		if (s->reason[0] != '\0' && s->state != OV_SRC_COLLECTED) {
			e |= ov__buf_puts(b, ",\"reason\":");
			e |= ov_collect__put_str(b, s->reason);
		}
		e |= ov__buf_printf(b, ",\"count\":%llu,\"pages\":%llu",
		    (unsigned long long)s->count, (unsigned long long)s->pages);
		if (s->api_version != NULL) {
			e |= ov__buf_puts(b, ",\"apiVersion\":");
			e |= ov_collect__put_str(b, s->api_version);
		}
		if (s->state != OV_SRC_FAILED) {
			e |= ov__buf_puts(b, ",\"files\":[");
			e |= ov_collect__put_str(b, s->def->file);
			e |= ov__buf_putc(b, ']');
		}
		if (s->def->type != NULL) {
			e |= ov__buf_puts(b, ",\"type\":");
			e |= ov_collect__put_str(b, s->def->type);
		}
		e |= ov__buf_putc(b, '}');
	}
	e |= ov__buf_puts(b, "\n]}\n");
	return e != 0 ? OV_ENOMEM : 0;
}

/* Which sources to run; unknown names are OV_EINVALID. */
static int
select_sources(struct ov_collect *c)
{
	const ov_collect_options *o = c->opts;
	size_t i, j;

	for (i = 0; i < OV_SRC__COUNT; i++) {
		c->src[i].def = &ov_collect__sources[i];
		c->src[i].id = (enum ov_src_id)i;
		c->src[i].requested = o->sources == NULL;
	}
	for (j = 0; o->sources != NULL && j < o->n_sources; j++) {
		for (i = 0; i < OV_SRC__COUNT; i++)
			if (ov__streq_ci(o->sources[j], c->src[i].def->name))
				break;
		if (i == OV_SRC__COUNT)
			return ov__error(c->ctx, OV_EINVALID,
			    OV_ERRCLASS_CONFIG, "unknown source '%s'",
			    o->sources[j]);
		c->src[i].requested = true;
	}
	for (i = 0; i < OV_SRC__COUNT; i++)
		c->src[i].needed = c->src[i].requested;
	/* ARM children and diagnostics hang off Resource Graph resources. */
	if (c->src[OV_SRC_ARM_RESOURCES].requested ||
	    c->src[OV_SRC_ARM_DIAG].requested)
		c->src[OV_SRC_ARG_RESOURCES].needed = true;
	return 0;
}

static bool
is_graph(const struct ov_source *s)
{
	return s->def->kind == OV_KIND_GRAPH ||
	    s->def->kind == OV_KIND_GRAPH_OBJECT;
}

/* Fetch each needed audience's token up front: fail fast and clearly. */
static void
first_tokens(struct ov_collect *c)
{
	bool need[OV_AUD__COUNT] = { false, false };
	const char *tok;
	size_t i;
	int aud;

	for (i = 0; i < OV_SRC__COUNT; i++)
		if (c->src[i].needed)
			need[is_graph(&c->src[i]) ? OV_AUD_GRAPH : OV_AUD_ARM] =
			    true;
	for (aud = 0; aud < OV_AUD__COUNT; aud++) {
		if (!need[aud] || ov_auth__token(&c->auth, aud, &tok, NULL) ==
		    0)
			continue;
		c->auth_failed = true;
		snprintf(c->auth_message, sizeof(c->auth_message), "%s",
		    c->auth.message);
		for (i = 0; i < OV_SRC__COUNT; i++)
			if (c->src[i].needed && (is_graph(&c->src[i]) ?
			    OV_AUD_GRAPH : OV_AUD_ARM) == aud) {
				char why[OV_COLLECT_REASON];

				snprintf(why, sizeof(why), "no token: %.480s",
				    c->auth.message);
				c->src[i].state = OV_SRC_RUNNING;
				ov_collect__fail(c, &c->src[i], why);
				c->src[i].needed = false;
			}
	}
}

/* Start every needed source that does not wait for subscriptions. */
static int
start_sources(struct ov_collect *c)
{
	struct ov_source *s;
	bool arm = false;
	size_t i;
	int error;

	for (i = 0; i < OV_SRC__COUNT; i++) {
		s = &c->src[i];
		if (!s->needed)
			continue;
		s->state = OV_SRC_RUNNING;
		if (s->requested && (error = ov_collect__add_part(c, s,
		    &(size_t){ 0 })) < 0)
			return error;
		if ((error = ov_collect__set_api(s, s->def->api)) < 0)
			return ov__error_oom(c->ctx);
		if (is_graph(s)) {
			if ((error = ov_collect__graph_start(c, s)) < 0)
				return error;
		} else {
			arm = true;
		}
	}
	return arm ? ov_collect__discover(c) : 0;
}

static void
result_free_source(struct result_source *r)
{
	ov__free(r->name);
	ov__free(r->status);
	ov__free(r->reason);
	ov__free(r->api);
	ov__free(r->file);
}

void
ov_collect_result_free(ov_collect_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < OV_SRC__COUNT; i++)
		result_free_source(&r->src[i]);
	ov__free(r->tenant);
	ov__free(r);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? ov__strdup(s) : NULL;
}

/* Copy what the caller may see into a result. */
static ov_collect_result *
make_result(struct ov_collect *c, int64_t started)
{
	ov_collect_result *r;
	struct ov_source *s;
	size_t i;

	if ((r = ov__calloc(1, sizeof(*r))) == NULL)
		return NULL;
	for (i = 0; i < OV_SRC__COUNT; i++) {
		s = &c->src[i];
		r->src[i].name = ov__strdup(s->def->name);
		r->src[i].status = ov__strdup(state_names[s->state]);
		r->src[i].reason = s->reason[0] != '\0' &&
		    s->state != OV_SRC_COLLECTED ? ov__strdup(s->reason) : NULL;
		r->src[i].api = dup_or_null(s->api_version);
		r->src[i].file = s->state == OV_SRC_COLLECTED ||
		    s->state == OV_SRC_PARTIAL ? ov__strdup(s->def->file) : NULL;
		r->src[i].count = s->count;
		r->src[i].pages = s->pages;
		r->src[i].throttle_ms = s->throttle_ms;
		if (r->src[i].name == NULL || r->src[i].status == NULL) {
			ov_collect_result_free(r);
			return NULL;
		}
	}
	r->stats = c->http.stats;
	for (i = 0; i < OV_SRC__COUNT; i++)
		r->stats.records += c->src[i].count;
	r->stats.elapsed_ms = (uint64_t)(ov_collect__now_ms() - started);
	r->tenant = dup_or_null(c->tenant);
	return r;
}

/* Join each source's parts into its file; drop those of failed ones. */
static int
finish_files(struct ov_collect *c)
{
	struct ov_source *s;
	size_t i, j;
	int error;

	for (i = 0; i < OV_SRC__COUNT; i++) {
		s = &c->src[i];
		if (s->n_parts == 0)
			continue;
		if (s->state == OV_SRC_COLLECTED || s->state == OV_SRC_PARTIAL) {
			if ((error = ov_writer__join(&c->writer, s->parts,
			    s->n_parts, s->def->file)) < 0)
				return error;
			continue;
		}
		for (j = 0; j < s->n_parts; j++) {
			(void)ov_writer__close_part(&c->writer, &s->parts[j]);
			(void)remove(s->parts[j].path);
		}
	}
	return 0;
}

static void
collect_free(struct ov_collect *c)
{
	struct ov_query *q, *next;
	size_t i, j;

	for (q = c->queries; q != NULL; q = next) {
		next = q->next;
		query_free(q);
	}
	for (i = 0; i < OV_SRC__COUNT; i++) {
		for (j = 0; j < c->src[i].n_parts; j++) {
			if (c->src[i].parts[j].f != NULL)
				fclose(c->src[i].parts[j].f);
			ov__free(c->src[i].parts[j].path);
		}
		ov__free(c->src[i].parts);
		ov__free(c->src[i].api_version);
	}
	for (i = 0; i < c->n_subs; i++)
		ov__free(c->subs[i]);
	ov__free(c->subs);
	ov__map_free(&c->subs_seen);
	ov_http__free(&c->http);
	ov_auth__free(&c->auth);
	ov_writer__free(&c->writer);
	ov_collect__cloud_free(&c->cloud);
	ov_collect__redact_free(&c->redact);
	ov__arena_free(&c->arena);
	ov__free(c->tenant);
	ov__free(c->tenant_name);
}

/* Collect one tenant; see collect.h. */
int
ov_collect_run(ov_collect_result **out, ov_ctx *ctx,
    const ov_collect_options *opts)
{
	struct ov_http_config cfg;
	struct ov_buf man = OV_BUF_INIT(1 << 24);
	struct ov_collect c;
	char when[32];
	int64_t started = ov_collect__now_ms();
	size_t i, got = 0;
	int error;

	if (out == NULL || ctx == NULL || opts == NULL)
		return OV_EINVALID;
	*out = NULL;
	if (opts->version != OV_COLLECT_OPTIONS_VERSION || opts->out_dir == NULL)
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_CONFIG,
		    "collection needs an output directory");
	if (opts->parallel > OV_COLLECT_PARALLEL_MAX)
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_CONFIG,
		    "--parallel is at most %d", OV_COLLECT_PARALLEL_MAX);
	memset(&c, 0, sizeof(c));
	c.ctx = ctx;
	c.opts = opts;
	ov__arena_init(&c.arena, 0, 0);
	ov_format_time(ov_ctx_now(ctx), when, sizeof(when));
	if ((error = select_sources(&c)) < 0 ||
	    (error = ov_collect__cloud_load(&c.cloud, ctx, opts->cloud,
	    opts->endpoints_path)) < 0)
		goto done;
	memset(&cfg, 0, sizeof(cfg));
	cfg.parallel = opts->parallel != 0 ? opts->parallel :
	    OV_COLLECT_PARALLEL;
	cfg.request_timeout = opts->request_timeout != 0 ?
	    opts->request_timeout : OV_COLLECT_REQ_TIMEOUT;
	cfg.deadline_ms = opts->timeout != 0 ? started +
	    (int64_t)opts->timeout * 1000 : 0;
	cfg.ca_file = opts->ca_file;
	cfg.log = opts->log;
	cfg.log_payload = opts->log_payload;
	if ((error = ov_http__init(&c.http, ctx, &cfg, &c.redact)) < 0 ||
	    (error = ov_writer__open(&c.writer, ctx, opts->out_dir)) < 0)
		goto done;
	c.http.throttled = throttled;
	if ((error = ov_auth__init(&c.auth, ctx, opts->auth, opts->tenant_id,
	    &c.cloud, &c.http, &c.redact, cfg.request_timeout)) < 0) {
		if (error == OV_EAUTH)
			ov_collect__redact(&c.redact, ctx->message,
			    sizeof(ctx->message));
		goto done;
	}
	c.http.auth = &c.auth;
	first_tokens(&c);
	if ((error = start_sources(&c)) < 0)
		goto done;
	if ((error = ov_http__run(&c.http)) < 0)
		goto done;
	/* A token refused mid-run is as much an authentication failure. */
	if (c.http.auth_failed && !c.auth_failed) {
		c.auth_failed = true;
		snprintf(c.auth_message, sizeof(c.auth_message), "%s",
		    c.auth.message);
	}
	if (c.error != 0) {
		error = c.error == OV_ENOMEM ? ov__error_oom(ctx) :
		    ov__error(ctx, c.error, OV_ERRCLASS_COLLECT,
		    "cannot write the snapshot");
		goto done;
	}
	/* Whatever did not settle (a bug) must not pass as collected. */
	for (i = 0; i < OV_SRC__COUNT; i++)
		if (c.src[i].requested && c.src[i].state == OV_SRC_RUNNING) {
			c.src[i].state = OV_SRC_FAILED;
			if (c.src[i].reason[0] == '\0')
				snprintf(c.src[i].reason, sizeof(c.src[i].reason),
				    "collection did not finish");
		}
	for (i = 0; i < OV_SRC__COUNT; i++) {
		if (!c.src[i].requested && c.src[i].state != OV_SRC_NOT_REQUESTED)
			c.src[i].state = OV_SRC_NOT_REQUESTED;
		if (c.src[i].state == OV_SRC_COLLECTED ||
		    c.src[i].state == OV_SRC_PARTIAL)
			got++;
	}
	if (c.auth.tenant != NULL && (c.tenant = ov__strdup(c.auth.tenant)) ==
	    NULL) {
		error = ov__error_oom(ctx);
		goto done;
	}
	*out = make_result(&c, started);
	if (*out == NULL) {
		error = ov__error_oom(ctx);
		goto done;
	}
	if (got == 0) {
		error = c.auth_failed ? ov__error(ctx, OV_EAUTH,
		    OV_ERRCLASS_COLLECT, "%s", c.auth_message) :
		    ov__error(ctx, OV_EHTTP, OV_ERRCLASS_COLLECT,
		    "nothing could be collected; every source failed (see each "
		    "source's reason)");
		goto done;
	}
	if ((error = finish_files(&c)) < 0 ||
	    (error = manifest(&c, when, &man)) < 0 ||
	    (error = ov_writer__commit(&c.writer, man.ptr, man.len)) < 0) {
		if (error == OV_ENOMEM)
			ov__error_oom(ctx);
		goto done;
	}
	if (c.auth_failed)
		error = ov__error(ctx, OV_EAUTH, OV_ERRCLASS_COLLECT, "%s",
		    c.auth_message);
done:
	if (c.writer.tmp != NULL)
		ov_writer__abort(&c.writer);	/* nothing was committed */
	ov__buf_free(&man);
	collect_free(&c);
	return error;
}

size_t
ov_collect_n_sources(const ov_collect_result *r)
{
	return r != NULL ? OV_SRC__COUNT : 0;
}

int
ov_collect_source(const ov_collect_result *r, size_t i,
    ov_collect_source_info *out)
{
	const struct result_source *s;

	if (r == NULL || out == NULL || i >= OV_SRC__COUNT)
		return OV_ENOTFOUND;
	s = &r->src[i];
	memset(out, 0, sizeof(*out));
	out->name = s->name;
	out->status = s->status;
	out->reason = s->reason;
	out->count = s->count;
	out->pages = s->pages;
	out->throttle_ms = s->throttle_ms;
	out->api_version = s->api;
	out->file = s->file;
	return 0;
}

void
ov_collect_stats_get(const ov_collect_result *r, ov_collect_stats *out)
{
	if (out == NULL)
		return;
	if (r == NULL)
		memset(out, 0, sizeof(*out));
	else
		*out = r->stats;
}

const char *
ov_collect_tenant(const ov_collect_result *r)
{
	return r != NULL ? r->tenant : NULL;
}
