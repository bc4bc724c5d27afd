/* SPDX-License-Identifier: MIT */
/*
 * What the platform adds to a deployment that no template writes.  A
 * private endpoint makes a private endpoint connection on the resource it
 * targets: Azure Resource Manager lists it in that resource's
 * properties.privateEndpointConnections, a read-only property a template
 * never sets.  A template or plan that deploys the endpoint beside its
 * target therefore gives the target the connection, approved for an
 * ordinary connection (automatic approval) and pending for a manual one,
 * as the deployment would.  A connection whose target is known only at
 * deployment may be any resource's: every other resource of the file then
 * holds an unknown connection, and a rule that counts them is
 * indeterminate.  A template that deploys no endpoint adds nothing, so a
 * rule asking for one still fails, as Azure Policy's audit would when the
 * resource is deployed.
 */
#include <stdio.h>
#include <string.h>

#include "lib/iac/iac_int.h"
#include "policy/policy_int.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/hash.h"

#define PE_TYPE		"Microsoft.Network/privateEndpoints"
#define PEC_KEY		"privateEndpointConnections"
#define PEC_NOTE	"Created by a private endpoint of the same deployment"

/* The connection lists of a private endpoint and their default status. */
static const struct {
	const char	*key;		/* member of properties */
	const char	*status;	/* what the platform makes of it */
} pe_lists[] = {
	{ "privateLinkServiceConnections", "Approved" },
	{ "manualPrivateLinkServiceConnections", "Pending" },
};

/* v placed at at (same file and offset), in a. */
static const ov_json *
placed(const ov_json *v, const ov_json *at)
{
	ov_json *c = (ov_json *)(uintptr_t)v;

	if (c != NULL && at != NULL) {
		c->reserved = at->reserved;
		c->offset = at->offset;
	}
	return v;
}

/*
 * A copy of obj (an object, or NULL for none) with member key set to v.
 * Nothing obj shares with another record is changed.
 */
static const ov_json *
with_member(struct ov_arena *a, const ov_json *obj, const char *key,
    const ov_json *v)
{
	const char **keys;
	const ov_json **vals;
	size_t i, n = ov_json_type_of(obj) == OV_JSON_OBJECT ? obj->len : 0;
	const ov_json *out;

	if ((keys = ov__arena_calloc(a, n + 1, sizeof(*keys))) == NULL ||
	    (vals = ov__arena_calloc(a, n + 1, sizeof(*vals))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		keys[i] = obj->u.members[i].key;
		vals[i] = &obj->u.members[i].value;
	}
	keys[n] = key;
	vals[n] = v;
	if ((out = ov_policy__v_object(a, keys, vals, n + 1)) == NULL)
		return NULL;
	return obj != NULL ? placed(out, obj) : out;
}

/* Append item to r's properties.privateEndpointConnections. */
static int
add_connection(struct ov_snapshot *s, struct ov_record *r,
    const ov_json *item)
{
	struct ov_arena *a = &s->arena;
	const ov_json *props = ov_json_get(r->body, "properties");
	const ov_json *old = ov_json_get(props, PEC_KEY), *arr, *body;
	const ov_json **items;
	size_t i, n;

	/* Properties known only at deployment: nothing to add to. */
	if (props != NULL && (ov_json_type_of(props) != OV_JSON_OBJECT ||
	    ov_policy__is_unknown(props)))
		return 0;
	if (old != NULL && (ov_json_type_of(old) != OV_JSON_ARRAY ||
	    ov_policy__is_unknown(old)))
		return 0;
	n = old != NULL ? old->len : 0;
	if ((items = ov__arena_calloc(a, n + 1, sizeof(*items))) == NULL)
		return ov__error_oom(s->ctx);
	for (i = 0; i < n; i++)
		items[i] = &old->u.items[i];
	items[n] = item;
	if ((arr = ov_policy__v_array(a, items, n + 1)) == NULL ||
	    (props = with_member(a, props, PEC_KEY, placed(arr, old != NULL ?
	    old : item))) == NULL ||
	    (body = with_member(a, r->body, "properties", props)) == NULL)
		return ov__error_oom(s->ctx);
	r->body = body;
	return 0;
}

/*
 * The connection a private endpoint pe makes on target: the shape of an
 * ARM GET of the target's privateEndpointConnections, placed at the
 * endpoint's connection (conn) in the file.
 */
static const ov_json *
connection(struct ov_arena *a, const struct ov_record *pe,
    const struct ov_record *target, const ov_json *conn,
    const ov_json *status)
{
	const ov_json *groups = ov_json_get(ov_json_get(conn, "properties"),
	    "groupIds");
	const char *k_state[] = { "status", "description",
	    "actionsRequired" };
	const char *k_pe[] = { "id" };
	const char *k_props[] = { "privateEndpoint",
	    "privateLinkServiceConnectionState", "provisioningState",
	    "groupIds" };
	const char *k_item[] = { "id", "name", "type", "properties" };
	const ov_json *v_state[3], *v_pe[1], *v_props[4], *v_item[4];
	const char *id, *type, *name = pe->name != NULL ? pe->name : "";

	id = ov__arena_printf(a, "%s/" PEC_KEY "/%s", target->id, name);
	type = ov__arena_printf(a, "%s/" PEC_KEY, target->type);
	if (id == NULL || type == NULL)
		return NULL;
	v_state[0] = status;
	v_state[1] = ov_policy__v_str(a, PEC_NOTE, strlen(PEC_NOTE));
	v_state[2] = ov_policy__v_str(a, "None", 4);
	v_pe[0] = ov_policy__v_str(a, pe->id, strlen(pe->id));
	if ((v_props[0] = ov_policy__v_object(a, k_pe, v_pe, 1)) == NULL ||
	    (v_props[1] = ov_policy__v_object(a, k_state, v_state, 3)) ==
	    NULL)
		return NULL;
	v_props[2] = ov_policy__v_str(a, "Succeeded", 9);
	v_props[3] = groups;
	v_item[0] = ov_policy__v_str(a, id, strlen(id));
	v_item[1] = ov_policy__v_str(a, name, strlen(name));
	v_item[2] = ov_policy__v_str(a, type, strlen(type));
	if ((v_item[3] = ov_policy__v_object(a, k_props, v_props,
	    groups != NULL ? 4 : 3)) == NULL)
		return NULL;
	return placed(ov_policy__v_object(a, k_item, v_item, 4), conn);
}

/*
 * The status the platform gives a connection: the one the source states
 * (a Terraform plan maps is_manual_connection to it), else the list's;
 * unknown when the endpoint is deployed only under a condition known only
 * at deployment.
 */
static const ov_json *
conn_status(struct ov_arena *a, const struct ov_record *pe,
    const ov_json *conn, const char *dflt)
{
	const ov_json *st = ov_json_get(ov_json_get(ov_json_get(conn,
	    "properties"), "privateLinkServiceConnectionState"), "status");
	const char *text;

	if (pe->place->iac != NULL &&
	    pe->place->iac->exists_if != NULL) {
		text = ov__arena_printf(a, "(the private endpoint %s is "
		    "deployed only when %s)", pe->name != NULL ? pe->name : "",
		    pe->place->iac->exists_if);
		return text != NULL ? ov_policy__v_unknown(a, text,
		    strlen(text)) : NULL;
	}
	if (st != NULL && (ov_json_is_string(st) ||
	    ov_policy__is_unknown(st)))
		return st;
	return ov_policy__v_str(a, dflt, strlen(dflt));
}

/* Connect one endpoint; *unknown gets a target known only at deployment. */
static int
one_endpoint(struct ov_snapshot *s, const struct ov_groups *ids,
    const struct ov_record *pe, const ov_json **unknown)
{
	struct ov_arena *a = &s->arena;
	const ov_json *props = ov_json_get(pe->body, "properties");
	const ov_json *list, *conn, *target, *item, *status;
	const struct ov_group *g;
	struct ov_record *x;
	size_t i, j, k;
	int error;

	for (i = 0; i < sizeof(pe_lists) / sizeof(pe_lists[0]); i++) {
		list = ov_json_get(props, pe_lists[i].key);
		if (ov_policy__is_unknown(list)) {
			*unknown = list;
			continue;
		}
		for (j = 0; j < ov_json_len(list); j++) {
			conn = ov_json_at(list, j);
			target = ov_json_get(ov_json_get(conn, "properties"),
			    "privateLinkServiceId");
			if (ov_policy__is_unknown(target)) {
				*unknown = target;
				continue;
			}
			/* A resource this deployment does not create. */
			if (!ov_json_is_string(target))
				continue;
			g = ov__groups_get(ids, target->u.str, target->len);
			for (k = 0; g != NULL && k < g->len; k++) {
				x = g->items[k];
				if ((status = conn_status(a, pe, conn,
				    pe_lists[i].status)) == NULL ||
				    (item = connection(a, pe, x, conn,
				    status)) == NULL)
					return ov__error_oom(s->ctx);
				if ((error = add_connection(s, x, item)) < 0)
					return error;
			}
		}
	}
	return 0;
}

/* See iac_int.h. */
int
ov_iac__platform(struct ov_snapshot *s, size_t first)
{
	struct ov_groups ids = OV_GROUPS_INIT;
	const ov_json *unknown = NULL, *item;
	struct ov_record *r;
	uint32_t gid;
	size_t i;
	int error = 0;
	bool any = false;

	for (i = first; i < s->n_records; i++) {
		r = s->records[i];
		if (r->type != NULL && ov__streq_ci(r->type, PE_TYPE))
			any = true;
		else if (r->id != NULL && ov__groups_count(&ids, r->id,
		    strlen(r->id), &gid) < 0) {
			error = ov__error_oom(s->ctx);
			goto done;
		}
	}
	if (!any)
		goto done;
	/* Every resource of the file by id, several under a repeated id. */
	if (ov__groups_layout(&ids) < 0) {
		error = ov__error_oom(s->ctx);
		goto done;
	}
	for (i = first; i < s->n_records; i++) {
		r = s->records[i];
		if (r->id != NULL && (r->type == NULL ||
		    !ov__streq_ci(r->type, PE_TYPE)))
			ov__groups_add_key(&ids, r->id, strlen(r->id), r);
	}
	for (i = first; any && i < s->n_records; i++) {
		r = s->records[i];
		if (r->type == NULL || !ov__streq_ci(r->type, PE_TYPE))
			continue;
		if ((error = one_endpoint(s, &ids, r, &unknown)) < 0)
			goto done;
	}
	if (unknown == NULL)
		goto done;
	/*
	 * An endpoint whose target is known only at deployment may connect
	 * to any resource of the file: each gets a connection whose every
	 * member is unknown.
	 */
	for (i = first; i < s->n_records; i++) {
		r = s->records[i];
		if (r->type == NULL || ov__streq_ci(r->type, PE_TYPE))
			continue;
		item = ov_policy__unknown_as(&s->arena, unknown, true);
		if (item == NULL) {
			error = ov__error_oom(s->ctx);
			goto done;
		}
		if ((error = add_connection(s, r, item)) < 0)
			goto done;
	}
done:
	ov__groups_free(&ids);
	return error;
}
