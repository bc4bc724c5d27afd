/* SPDX-License-Identifier: MIT */
/*
 * Users and their registration details, packed: the few fields the
 * identity checks read, parsed once per record.  A streaming load packs
 * them while each body is whole (ov_identity__packs in the load's plan)
 * and keeps no JSON of them; over a snapshot loaded whole the same
 * packers run here on first use.
 */
#include <string.h>

#include "lib/analyzers/duty.h"
#include "lib/analyzers/identity/identity.h"
#include "util/hash.h"

const char *const ov_identity__signin_keys[ID_SIGNINS] = {
	"lastSignInDateTime",
	"lastNonInteractiveSignInDateTime",
	"lastSuccessfulSignInDateTime"
};

/*
 * The string at key of body, kept: interned (userType), else a body
 * value's copy (ov_intern__text: it shares the header's copy of the id or
 * name it repeats).  False when memory runs out; *out is NULL when the
 * body has no string there.
 */
static bool
keep_str(struct ov_intern *in, const ov_json *body, const char *key,
    bool interned, const char **out)
{
	const ov_json *v = ov_json_path(body, key);
	const char *s = ov_json_string(v);

	*out = NULL;
	if (s == NULL)
		return true;
	*out = interned ? ov_intern__get(in, s, v->len) :
	    ov_intern__text(in, s, v->len);
	return *out != NULL;
}

/* The names users and their registration details share; false on OOM. */
static bool
keep_names(struct ov_intern *in, const ov_json *body, const char **oid,
    const char **display, const char **upn, const char **type)
{
	return keep_str(in, body, "id", false, oid) &&
	    keep_str(in, body, "displayName", false, display) &&
	    keep_str(in, body, "userPrincipalName", false, upn) &&
	    keep_str(in, body, "userType", true, type);
}

/* Pack a user (struct id_user). */
static const void *
pack_user(struct ov_intern *in, const struct ov_record *r, const ov_json *body)
{
	struct id_user *u;
	const ov_json *sia;
	int64_t x;
	size_t i;

	(void)r;	/* the body's own strings; the header shares them */
	if ((u = ov_intern__alloc(in, sizeof(*u))) == NULL)
		return NULL;
	memset(u, 0, sizeof(*u));
	if (!keep_names(in, body, &u->oid, &u->display, &u->upn, &u->type))
		return NULL;
	if (ov_json_type_of(ov_json_path(body, "accountEnabled")) ==
	    OV_JSON_FALSE)
		u->flags |= ID_U_DISABLED;
	sia = ov_json_path(body, "signInActivity");
	if (ov_json_type_of(sia) == OV_JSON_OBJECT)
		u->flags |= ID_U_ACTIVITY;
	/* the newest; on a tie the first key */
	for (i = 0; i < ID_SIGNINS; i++)
		if (ov_duty__time(ov_json_get(sia, ov_identity__signin_keys[i]),
		    &x) && x > u->signin) {
			u->signin = x;
			u->signin_key = (uint8_t)i;
		}
	if (ov_duty__time(ov_json_path(body, "createdDateTime"), &u->created))
		u->flags |= ID_U_CREATED;
	return u;
}

/* Pack registration details (struct id_reg). */
static const void *
pack_reg(struct ov_intern *in, const struct ov_record *r, const ov_json *body)
{
	struct id_reg *g;
	const ov_json *mfa;

	(void)r;
	if ((g = ov_intern__alloc(in, sizeof(*g))) == NULL)
		return NULL;
	memset(g, 0, sizeof(*g));
	if (!keep_names(in, body, &g->oid, &g->display, &g->upn, &g->type))
		return NULL;
	mfa = ov_json_path(body, "isMfaRegistered");
	if (ov_json_type_of(mfa) == OV_JSON_FALSE)
		g->flags |= ID_R_MFA_FALSE;
	if (ov_duty__truthy(mfa))
		g->flags |= ID_R_MFA;
	return g;
}

const struct ov_analyzer_pack ov_identity__packs[] = {
	{ T_USER, pack_user },
	{ T_REG, pack_reg },
	{ NULL, NULL }
};

void
ov_identity__packs_init(struct id_state *st)
{
	ov__arena_init(&st->pack_arena, 0, 0);
	ov_intern__init(&st->pack_in, &st->pack_arena);
	st->packed = (struct ov_map)OV_MAP_INIT_CS;
	st->pack_oom = false;
}

void
ov_identity__packs_free(struct id_state *st)
{
	ov__map_free(&st->packed);
	ov_intern__free(&st->pack_in);
	ov__arena_free(&st->pack_arena);
}

/* The packed view of r: the load's, else one packed here once. */
static const void *
packed(struct id_state *st, const struct ov_record *r, ov_retain_packer fn,
    const void *empty)
{
	const void *p;

	if (r->packed != NULL)
		return r->packed;
	if ((p = ov__map_get(&st->packed, r->id, strlen(r->id))) != NULL)
		return p;
	if ((p = fn(&st->pack_in, r, r->body)) == NULL ||
	    ov__map_put(&st->packed, r->id, strlen(r->id),
	    (void *)(uintptr_t)p) < 0) {
		st->pack_oom = true;
		return empty;
	}
	return p;
}

const struct id_user *
ov_identity__u(struct id_state *st, const struct ov_record *u)
{
	static const struct id_user none;

	return u != NULL ? packed(st, u, pack_user, &none) : NULL;
}

const struct id_reg *
ov_identity__reg(struct id_state *st, const struct ov_record *r)
{
	static const struct id_reg none;

	return r != NULL ? packed(st, r, pack_reg, &none) : NULL;
}

const char *
ov_identity__ulabel(const struct id_user *u, const struct ov_record *r)
{
	if (u != NULL && u->display != NULL)
		return u->display;
	return r->name != NULL ? r->name : r->id;
}
