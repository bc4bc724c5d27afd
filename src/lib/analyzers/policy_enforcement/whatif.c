/* SPDX-License-Identifier: MIT */
/*
 * What-if deny (include/overvisor/whatif.h): the policy engine evaluates the
 * assignment as if it denied; this file groups what it would block by scope
 * (resource group, else subscription) and owner, and gives the verdict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/whatif.h"
#include "lib/model/model.h"
#include "lib/raci/contract.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/hash.h"

#define NO_OWNER	"(no owner)"
#define MAX_BLOCKED	((size_t)1 << 24)	/* resources kept per run */

struct ov_whatif {
	struct ov_arena		 arena;		/* strings */
	ov_whatif_item		*items;		/* blocked resources */
	size_t			 n_items;	/* used */
	size_t			 cap;		/* allocated */
	ov_whatif_group		*groups;	/* (scope, owner) counts */
	size_t			 n_groups;	/* used */
	const char		*verdict;	/* one line */
	bool			 oom;		/* an allocation failed */
	struct ov_snapshot	*snap;		/* borrowed, for owners */
};

static const char *
owner_of(const struct ov_record *r)
{
	static const char *const names[] = { "owner", "technicalOwner",
		"technical-owner", "owner-email", "contact" };
	const char *v;
	size_t i;

	for (i = 0; r != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if ((v = ov_model__tag(r, names[i])) != NULL && *v != '\0')
			return v;
	return NULL;
}

/* The resource group id (or subscription id) prefix of a resource id. */
static char *
scope_of(struct ov_whatif *w, const char *id)
{
	const char *p;
	int slashes = 0, want;

	if (id == NULL || strlen(id) < 15 ||
	    !ov__eq_ci(id, 15, "/subscriptions/", 15))
		return ov__arena_strdup(&w->arena, "/");
	/* /subscriptions/S/resourceGroups/G: cut before the fifth slash;
	   a subscription-level resource keeps /subscriptions/S */
	p = strchr(id + 15, '/');
	want = p != NULL && strlen(p) > 16 &&
	    ov__eq_ci(p, 16, "/resourceGroups/", 16) ? 5 : 3;
	for (p = id; *p != '\0'; p++)
		if (*p == '/' && ++slashes == want)
			break;
	return ov__arena_strndup(&w->arena, id, (size_t)(p - id));
}

static int
on_result(const ov_policy_result *r, void *payload)
{
	struct ov_whatif *w = payload;
	const struct ov_record *rec, *rg;
	ov_whatif_item *it;
	const char *owner;
	char *rgid;

	if (r->state != OV_STATE_NON_COMPLIANT)
		return 0;
	if (w->n_items >= MAX_BLOCKED)
		return 0;
	if (w->n_items == w->cap) {
		size_t cap = w->cap != 0 ? w->cap * 2 : 64;
		ov_whatif_item *v = ov__reallocarray(w->items, cap,
		    sizeof(*v));

		if (v == NULL) {
			w->oom = true;
			return OV_ENOMEM;
		}
		w->items = v;
		w->cap = cap;
	}
	it = &w->items[w->n_items];
	memset(it, 0, sizeof(*it));
	it->resource_id = ov__arena_strdup(&w->arena, r->resource_id != NULL ?
	    r->resource_id : "");
	it->resource_type = r->resource_type != NULL ?
	    ov__arena_strdup(&w->arena, r->resource_type) : NULL;
	it->resource_name = r->resource_name != NULL ?
	    ov__arena_strdup(&w->arena, r->resource_name) : NULL;
	it->reason = ov__arena_strdup(&w->arena, r->reason != NULL ?
	    r->reason : "non-compliant");
	it->scope = scope_of(w, r->resource_id);
	rec = ov_model__by_id(w->snap, r->resource_id);
	owner = owner_of(rec);
	if (owner == NULL && it->scope != NULL) {
		rgid = ov__arena_strdup(&w->arena, it->scope);
		rg = rgid != NULL ? ov_model__by_id(w->snap, rgid) : NULL;
		owner = owner_of(rg);
	}
	it->owner = ov__arena_strdup(&w->arena, owner != NULL ? owner :
	    NO_OWNER);
	if (it->resource_id == NULL || it->reason == NULL ||
	    it->scope == NULL || it->owner == NULL) {
		w->oom = true;
		return OV_ENOMEM;
	}
	w->n_items++;
	return 0;
}

static int
item_cmp(const void *a, const void *b)
{
	const ov_whatif_item *x = a, *y = b;
	int c;

	if ((c = ov__strcmp_ci(x->scope, y->scope)) != 0)
		return c;
	if ((c = ov__strcmp_ci(x->owner, y->owner)) != 0)
		return c;
	return ov__strcmp_ci(x->resource_id, y->resource_id);
}

/* Run what-if deny for one assignment. */
int
ov_whatif_run(ov_whatif **out, ov_ctx *ctx, ov_policy_set *set,
    ov_snapshot *snap, const char *assignment, const ov_contract *contract)
{
	struct ov_whatif *w;
	size_t i, n_scopes = 0;
	const char *acct;
	int error;

	OV_ASSERT_ARG(out != NULL && set != NULL && snap != NULL &&
	    assignment != NULL);
	*out = NULL;
	if ((w = ov__calloc(1, sizeof(*w))) == NULL)
		return ov__error_oom(ctx);
	ov__arena_init(&w->arena, 8192, 0);
	w->snap = snap;
	if ((error = ov_model__index(snap)) < 0 ||
	    (error = ov_policy_whatif_deny(set, snap, assignment, on_result,
	    w)) < 0) {
		if (w->oom)
			error = ov__error_oom(ctx);
		goto fail;
	}
	if (w->n_items > 1)
		qsort(w->items, w->n_items, sizeof(*w->items), item_cmp);
	if (w->n_items > 0 && (w->groups = ov__calloc(w->n_items,
	    sizeof(*w->groups))) == NULL) {
		error = ov__error_oom(ctx);
		goto fail;
	}
	for (i = 0; i < w->n_items; i++) {
		const ov_whatif_item *it = &w->items[i];
		ov_whatif_group *g = w->n_groups > 0 ?
		    &w->groups[w->n_groups - 1] : NULL;

		if (g == NULL || !ov__streq_ci(g->scope, it->scope) ||
		    !ov__streq_ci(g->owner, it->owner)) {
			if (g == NULL || !ov__streq_ci(g->scope, it->scope))
				n_scopes++;
			g = &w->groups[w->n_groups++];
			g->scope = it->scope;
			g->owner = it->owner;
		}
		g->count++;
	}
	acct = ov_contract__accountable(contract, OV_DUTY_POLICY_ENFORCEMENT);
	if (w->n_items == 0)
		w->verdict = ov__arena_printf(&w->arena, "safe to enforce: no "
		    "existing resource would be denied");
	else
		w->verdict = ov__arena_printf(&w->arena, "blocks %zu resource%s "
		    "in %zu scope%s; fix or exempt them first%s%s%s",
		    w->n_items, w->n_items == 1 ? "" : "s", n_scopes,
		    n_scopes == 1 ? "" : "s", acct != NULL ?
		    " (accountable: " : "", acct != NULL ? acct : "",
		    acct != NULL ? ")" : "");
	if (w->verdict == NULL) {
		error = ov__error_oom(ctx);
		goto fail;
	}
	*out = w;
	return 0;
fail:
	ov_whatif_free(w);
	return error;
}

/* Nothing blocked. */
bool
ov_whatif_safe(const ov_whatif *w)
{
	return w != NULL && w->n_items == 0;
}

/* Blocked count. */
size_t
ov_whatif_count(const ov_whatif *w)
{
	return w != NULL ? w->n_items : 0;
}

/* Blocked resource i. */
const ov_whatif_item *
ov_whatif_get(const ov_whatif *w, size_t i)
{
	return w != NULL && i < w->n_items ? &w->items[i] : NULL;
}

/* Group count. */
size_t
ov_whatif_n_groups(const ov_whatif *w)
{
	return w != NULL ? w->n_groups : 0;
}

/* Group i. */
const ov_whatif_group *
ov_whatif_group_at(const ov_whatif *w, size_t i)
{
	return w != NULL && i < w->n_groups ? &w->groups[i] : NULL;
}

/* The verdict line. */
const char *
ov_whatif_verdict(const ov_whatif *w)
{
	return w != NULL ? w->verdict : NULL;
}

/* Release. */
void
ov_whatif_free(ov_whatif *w)
{
	if (w == NULL)
		return;
	ov__free(w->items);
	ov__free(w->groups);
	ov__arena_free(&w->arena);
	ov__free(w);
}
