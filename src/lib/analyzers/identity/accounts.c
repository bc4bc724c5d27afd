/* SPDX-License-Identifier: MIT */
/*
 * Users and their registration details, packed: the few fields the
 * identity checks read, parsed once per record.  A streaming load packs
 * them while each body is whole (ov_identity__packs in the load's plan)
 * and keeps no JSON of them; over a snapshot loaded whole the same
 * reading fills a view on the caller's stack from the body.
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

/* The string at key of body, or NULL. */
static const char *
body_str(const ov_json *body, const char *key)
{
	return ov_json_string(ov_json_path(body, key));
}

/* The view of a user's body, its strings borrowed from it. */
static void
user_read(struct id_user *u, const ov_json *body)
{
	const ov_json *sia = ov_json_path(body, "signInActivity");
	int64_t x;
	size_t i;

	memset(u, 0, sizeof(*u));
	u->oid = body_str(body, "id");
	u->display = body_str(body, "displayName");
	u->upn = body_str(body, "userPrincipalName");
	u->type = body_str(body, "userType");
	if (ov_json_type_of(ov_json_path(body, "accountEnabled")) ==
	    OV_JSON_FALSE)
		u->flags |= ID_U_DISABLED;
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
}

/* The view of registration details, its strings borrowed from the body. */
static void
reg_read(struct id_reg *g, const ov_json *body)
{
	const ov_json *mfa = ov_json_path(body, "isMfaRegistered");

	memset(g, 0, sizeof(*g));
	g->oid = body_str(body, "id");
	g->display = body_str(body, "displayName");
	g->upn = body_str(body, "userPrincipalName");
	g->type = body_str(body, "userType");
	if (ov_json_type_of(mfa) == OV_JSON_FALSE)
		g->flags |= ID_R_MFA_FALSE;
	if (ov_duty__truthy(mfa))
		g->flags |= ID_R_MFA;
}

/* The names users and their registration details share; false on OOM. */
static bool
keep_names(struct ov_intern *in, const char **oid, const char **display,
    const char **upn, const char **type)
{
	return ov_intern__keep(in, oid, false) &&
	    ov_intern__keep(in, display, false) &&
	    ov_intern__keep(in, upn, false) && ov_intern__keep(in, type, true);
}

/* Pack a user (struct id_user) in in's arena. */
static const void *
pack_user(struct ov_intern *in, const struct ov_record *r, const ov_json *body)
{
	struct id_user *u;

	(void)r;	/* the body's own strings; the header shares them */
	if ((u = ov_intern__alloc(in, sizeof(*u))) == NULL)
		return NULL;
	user_read(u, body);
	if (!keep_names(in, &u->oid, &u->display, &u->upn, &u->type))
		return NULL;
	return u;
}

/* Pack registration details (struct id_reg) in in's arena. */
static const void *
pack_reg(struct ov_intern *in, const struct ov_record *r, const ov_json *body)
{
	struct id_reg *g;

	(void)r;
	if ((g = ov_intern__alloc(in, sizeof(*g))) == NULL)
		return NULL;
	reg_read(g, body);
	if (!keep_names(in, &g->oid, &g->display, &g->upn, &g->type))
		return NULL;
	return g;
}

const struct ov_analyzer_pack ov_identity__packs[] = {
	{ T_USER, pack_user },
	{ T_REG, pack_reg },
	{ NULL, NULL }
};

const struct id_user *
ov_identity__u(const struct ov_record *u, struct id_user *tmp)
{
	if (u == NULL)
		return NULL;
	if (u->packed != NULL)
		return u->packed;
	user_read(tmp, u->body);
	return tmp;
}

const struct id_reg *
ov_identity__reg(const struct ov_record *r, struct id_reg *tmp)
{
	if (r == NULL)
		return NULL;
	if (r->packed != NULL)
		return r->packed;
	reg_read(tmp, r->body);
	return tmp;
}

const char *
ov_identity__ulabel(const struct id_user *u, const struct ov_record *r)
{
	if (u != NULL && u->display != NULL)
		return u->display;
	return r->name != NULL ? r->name : r->id;
}
