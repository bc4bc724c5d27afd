/* SPDX-License-Identifier: MIT */
/*
 * Microsoft Graph: each source is one collection (or singleton) under
 * {microsoftGraph}/v1.0, paged with @odata.nextLink, with $select where
 * the payload would otherwise be large.  Two documented gates are handled
 * without losing the source: users' signInActivity needs AuditLog.Read.All
 * and an Entra ID P1 licence, so on a 403 (or 400) users are read again
 * without it and the source is partial; a tenant that refuses
 * $expand=principal on role assignments gets them without the expansion.
 */
#include <stdio.h>
#include <string.h>

#include "lib/collect/collect_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

/* The URL of path (under v1.0), with without removed from it. */
static char *
graph_url(const struct ov_collect *c, const char *path, const char *without)
{
	struct ov_buf b = OV_BUF_INIT(1 << 16);
	const char *cut = without != NULL ? strstr(path, without) : NULL;

	if (ov__buf_printf(&b, "%s/v1.0/", c->cloud.graph) < 0 ||
	    (cut == NULL && ov__buf_puts(&b, path) < 0) ||
	    (cut != NULL && (ov__buf_add(&b, path, (size_t)(cut - path)) < 0 ||
	    ov__buf_puts(&b, cut + strlen(without)) < 0))) {
		ov__buf_free(&b);
		return NULL;
	}
	return ov__buf_detach(&b);
}

/* Ask again for path without the optional part; true when asked. */
static bool
again(struct ov_query *q, const char *without)
{
	char *url = graph_url(q->c, q->src->def->path, without);
	int error;

	if (url == NULL) {
		q->c->error = OV_ENOMEM;
		return false;
	}
	q->variant = 1;
	error = ov_collect__chain_get(q, url);
	ov__free(url);
	return error == 0;
}

/* users: no signInActivity without the licence or permission. */
static bool
users_fallback(struct ov_query *q, const struct ov_http_resp *resp)
{
	char why[OV_COLLECT_REASON];

	if (q->variant != 0 || q->pages != 0 ||
	    (resp->status != 403 && resp->status != 400))
		return false;
	snprintf(why, sizeof(why), "signInActivity could not be read (HTTP "
	    "%ld %s); it needs AuditLog.Read.All and Entra ID P1 or P2, so "
	    "sign-in ages are unknown", resp->status, resp->error_code != NULL ?
	    resp->error_code : "");
	ov_collect__degrade(q->src, why);
	return again(q, ",signInActivity");
}

/* roleAssignments: without $expand=principal when it is refused. */
static bool
expand_fallback(struct ov_query *q, const struct ov_http_resp *resp)
{
	if (q->variant != 0 || q->pages != 0 || resp->status != 400)
		return false;
	return again(q, "?$expand=principal");
}

/* organization: its display name names the tenant in the manifest. */
static int
org_row(struct ov_query *q, const ov_json *row)
{
	const char *name = ov_json_string(ov_json_get(row, "displayName"));

	if (q->c->tenant_name == NULL && name != NULL &&
	    (q->c->tenant_name = ov__strdup(name)) == NULL)
		return OV_ENOMEM;
	return 0;
}

/* Start a Microsoft Graph source; see collect_int.h. */
int
ov_collect__graph_start(struct ov_collect *c, struct ov_source *s)
{
	struct ov_query *q;
	char *url;
	int error;

	if ((q = ov_collect__query_new(c, s)) == NULL ||
	    (url = graph_url(c, s->def->path, NULL)) == NULL) {
		ov_collect__fail(c, s, "out of memory");
		return ov__error_oom(c->ctx);
	}
	q->api = OV_API_GRAPH;
	q->audience = OV_AUD_GRAPH;
	q->kind = s->def->kind == OV_KIND_GRAPH_OBJECT ? OV_PAGE_OBJECT :
	    OV_PAGE_LIST;
	if (s->id == OV_SRC_GRAPH_USERS)
		q->fallback = users_fallback;
	else if (s->id == OV_SRC_GRAPH_ROLEASSIGN)
		q->fallback = expand_fallback;
	else if (s->id == OV_SRC_GRAPH_ORG)
		q->row = org_row;
	error = ov_collect__chain_get(q, url);
	ov__free(url);
	ov_collect__done(c, s);
	return error < 0 ? ov__error_oom(c->ctx) : 0;
}
