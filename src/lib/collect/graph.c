/* SPDX-License-Identifier: MIT */
/*
 * Microsoft Graph: each source is one collection (or singleton) under
 * {microsoftGraph}/v1.0, paged with @odata.nextLink, with $select where
 * the payload would otherwise be large.  Refusals of optional parts are
 * handled without losing the source (see fallback()).
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
again(struct ov_query *q, const char *without, int variant)
{
	char *url = graph_url(q->c, q->src->def->path, without);
	int error;

	if (url == NULL) {
		q->c->error = OV_ENOMEM;
		return false;
	}
	q->variant = variant;
	error = ov_collect__chain_get(q, url);
	ov__free(url);
	return error == 0;
}

/*
 * A first page refused: users are asked again without signInActivity (it
 * needs AuditLog.Read.All and an Entra ID P1 licence: 403, or 400 in
 * clouds that lack it); any list refused with 400 (an unsupported $select,
 * $top or $expand) is asked again with no query options at all.
 */
static bool
fallback(struct ov_query *q, const struct ov_http_resp *resp)
{
	char why[OV_COLLECT_REASON], bare[512];
	const char *path = q->src->def->path;

	if (q->pages != 0)
		return false;
	if (q->src->id == OV_SRC_GRAPH_USERS && q->variant == 0 &&
	    (resp->status == 403 || resp->status == 400)) {
		snprintf(why, sizeof(why), "signInActivity could not be read "
		    "(HTTP %ld %s); it needs AuditLog.Read.All and Entra ID P1 "
		    "or P2, so sign-in ages are unknown", resp->status,
		    resp->error_code != NULL ? resp->error_code : "");
		ov_collect__degrade(q->src, why);
		return again(q, ",signInActivity", 1);
	}
	if (resp->status != 400 || q->variant == 2 ||
	    strchr(path, '?') == NULL)
		return false;
	snprintf(bare, sizeof(bare), "%s", strchr(path, '?'));
	if (strstr(path, "$select") != NULL)
		ov_collect__degrade(q->src, "read without $select (refused with "
		    "HTTP 400): only the service's default properties");
	return again(q, bare, 2);
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
	q->fallback = fallback;
	if (s->id == OV_SRC_GRAPH_ORG)
		q->row = org_row;
	error = ov_collect__chain_get(q, url);
	ov__free(url);
	ov_collect__done(c, s);
	return error < 0 ? ov__error_oom(c->ctx) : 0;
}
