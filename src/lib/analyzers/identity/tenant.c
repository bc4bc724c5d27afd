/* SPDX-License-Identifier: MIT */
/*
 * Entra tenant posture, part of the identity analyzer: questions about the
 * whole tenant that no single Microsoft Graph record answers.
 *
 *   OV-IAM-063  security defaults off and no Conditional Access MFA
 *   OV-IAM-064  Global Administrators fewer than two or more than four
 *   OV-IAM-065  privileged accounts without a sign-in in the window
 *   OV-IAM-066  standing (not PIM-eligible) privileged assignments
 *   OV-IAM-067  no emergency-access account
 *   OV-IAM-068  emergency-access account not excluded from CA
 *   OV-IAM-070  no trusted named location
 *   OV-IAM-072  enabled accounts without a sign-in in the window
 *   OV-IAM-073  no MFA policy for Azure management
 *   OV-IAM-074  no MFA policy for the Microsoft admin portals
 *   OV-IAM-075  members without MFA registration
 *
 * Each finding is about the tenant: the organization record (or the
 * security defaults policy for OV-IAM-063), with a stable stand-in id when
 * the record was not collected.  Each check that lacks a source it needs
 * is indeterminate and names the source, never compliant.  Every record
 * type is read once, in one pass, and joined through maps.
 */
#include <stdio.h>
#include <string.h>

#include "lib/analyzers/analyzer.h"
#include "lib/analyzers/duty.h"
#include "lib/analyzers/identity/identity.h"
#include "lib/raci/contract.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/time.h"

#define MAX_LISTED	20	/* accounts named in one finding */
#define MAX_EA_ROLES	16	/* roles kept per emergency-access account */
#define DEF_INACTIVE	((int64_t)90 * OV_DAY_SECONDS)
#define SECDEF_RID	"/providers/" T_SECDEF \
			    "/00000000-0000-0000-0000-000000000005"

/* The emergency-access naming convention (without contract entries). */
static const char *const ea_markers[] = { "breakglass", "break-glass",
    "break.glass", "break_glass", "emergencyaccess", "emergency-access",
    "emergency.access", "emergency_access" };

enum pkind { P_UNKNOWN, P_USER, P_GROUP, P_SP };

/* A principal that holds a directory role, actively or eligibly. */
struct holder {
	const char		*pid;		/* principal object id */
	enum pkind		 kind;		/* user, group, ... */
	const struct ov_record	*user;		/* its user record, or NULL */
	const char		*label;		/* UPN, name, else id */
	bool			 privileged;	/* holds a privileged role */
	bool			 active_ga;	/* active Global Administrator */
	bool			 eligible_ga;	/* PIM-eligible for it */
	const struct ov_record	*ga_rec;	/* the GA assignment/schedule */
	bool			 ea;		/* emergency-access account */
	const char		*roles[MAX_EA_ROLES]; /* active roles (only
						   kept for ea accounts) */
	size_t			 n_roles;
};

/* A privileged active assignment that may be standing. */
struct standing {
	const struct ov_record	*a;		/* the assignment */
	const struct holder	*h;		/* its principal */
	const char		*role;		/* role name */
	bool			 definite;	/* not a possible activation */
};

struct tenant {
	struct id_state		*st;
	struct ov_analyzer_ctx	*actx;
	const struct ov_snapshot *s;
	struct ov_arena		 ar;		/* holders, keys, lists */
	struct ov_map		 holders;	/* pid -> struct holder */
	struct holder		**hv;		/* holders, first seen first */
	size_t			 n_hv, cap_hv;
	struct ov_map		 eligible;	/* "pid\ntemplate" -> schedule */
	struct ov_map		 ea_ids;	/* ea user id -> record */
	struct ov_map		 ea_groups;	/* ea group id -> record */
	const struct ov_record	**ea;		/* enabled ea users */
	size_t			 n_ea, cap_ea;
	bool			*ea_entry_hit;	/* per contract entry */
	struct standing		*sv;		/* possible standing */
	size_t			 n_sv, cap_sv;
	bool			 elig_collected; /* eligibility schedules */
	bool			 signin_known;	/* a user has signInActivity */
	int64_t			 window;	/* inactive after */
	const struct ov_contract_duty *duty;	/* identity-review, or NULL */
	const struct ov_record	*org;		/* organization, or NULL */
	char			 org_rid[160];	/* stand-in id without it */
	int			 error;		/* first allocation failure */
};

/* --- small helpers ------------------------------------------------------ */

/* Grow an arena-held vector of pointers or structs by one slot. */
static void *
grow(struct tenant *t, void *v, size_t *n, size_t *cap, size_t size)
{
	char *nv;

	if (*n < *cap)
		return v;
	*cap = *cap != 0 ? *cap * 2 : 16;
	if ((nv = ov__arena_calloc(&t->ar, *cap, size)) == NULL) {
		t->error = OV_ENOMEM;
		*cap = *n;
		return NULL;
	}
	if (*n > 0)
		memcpy(nv, v, *n * size);
	return nv;
}

/* Case-insensitive match with '*' for any run of characters. */
static bool
glob_ci(const char *p, const char *s)
{
	const char *star = NULL, *back = NULL;

	while (*s != '\0') {
		if (*p == '*') {
			star = ++p;
			back = s;
		} else if (*p != '\0' && ov__eq_ci(p, 1, s, 1)) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star;
			s = ++back;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* Does s (its first len bytes) carry an emergency-access marker? */
static bool
has_marker(const char *s, size_t len)
{
	size_t i, j, m;

	if (s == NULL)
		return false;
	for (i = 0; i < sizeof(ea_markers) / sizeof(ea_markers[0]); i++) {
		m = strlen(ea_markers[i]);
		for (j = 0; m <= len && j <= len - m; j++)
			if (ov__eq_ci(s + j, m, ea_markers[i], m))
				return true;
	}
	return false;
}

/*
 * Is r (a user or a group) an emergency-access account or group?  With
 * contract entries, an entry must match its UPN, object id or display
 * name; without, the naming convention decides (guests never do).
 */
static bool
is_ea(struct tenant *t, const char *upn, const char *id, const char *name,
    const char *type, bool group)
{
	const char *v[3];
	bool hit = false;
	size_t i, k;

	v[0] = upn;
	v[1] = id;
	v[2] = name;
	if (t->duty != NULL && t->duty->n_emergency_access > 0) {
		for (i = 0; i < t->duty->n_emergency_access; i++)
			for (k = 0; k < 3; k++)
				if (v[k] != NULL &&
				    glob_ci(t->duty->emergency_access[i],
				    v[k])) {
					t->ea_entry_hit[i] = true;
					hit = true;
					break;
				}
		return hit;
	}
	if (group)
		return has_marker(name, name != NULL ? strlen(name) : 0);
	if (type != NULL && ov__streq_ci(type, "Guest"))
		return false;
	return has_marker(upn, upn != NULL ? strcspn(upn, "@") : 0) ||
	    has_marker(name, name != NULL ? strlen(name) : 0);
}

/* accountEnabled is not false. */
static bool
enabled(const struct ov_record *u)
{
	struct id_user tmp;
	const struct id_user *p = ov_identity__u(u, &tmp);

	return p == NULL || !(p->flags & ID_U_DISABLED);
}

/* A user's object id as its body gives it (NULL when it does not). */
static const char *
user_oid(const struct ov_record *u)
{
	struct id_user tmp;
	const struct id_user *p = ov_identity__u(u, &tmp);

	return p != NULL ? p->oid : NULL;
}

/* Start a finding about the tenant (the organization record). */
static void
begin(struct tenant *t, struct ov_duty_finding *df, const char *id)
{
	ov_duty__begin(df, t->actx, id, t->org);
	if (t->org == NULL) {
		df->f.resource_id = t->org_rid;
		df->f.resource_type = T_ORG;
	}
}

/*
 * The evidence path of a Graph object's property: "<coll>/<id>.<prop>",
 * with the object id oid its body gives (else the record's id).
 */
static const char *
oid_path(char *buf, size_t size, const char *coll, const char *oid,
    const struct ov_record *r, const char *prop)
{
	snprintf(buf, size, "%s/%s.%s", coll, oid != NULL ? oid :
	    (r != NULL ? r->id : "?"), prop);
	return buf;
}

/* The evidence path of a Graph object's property: "<coll>/<id>.<prop>". */
static const char *
obj_path(char *buf, size_t size, const char *coll, const struct ov_record *r,
    const char *prop)
{
	return oid_path(buf, size, coll, ov_model__str(r, "id"), r, prop);
}

/* Evidence about one Graph object with a string value. */
static void
ev_obj(struct ov_duty_finding *df, const char *coll,
    const struct ov_record *r, const char *prop, const char *value,
    const char *msg)
{
	char path[512];

	ov_duty__ev_str(df, obj_path(path, sizeof(path), coll, r, prop), value,
	    "%s", msg);
}

/* The closing "and N more" line of a list. */
static void
ev_more(struct ov_duty_finding *df, const char *what, size_t n)
{
	if (n > MAX_LISTED)
		ov_duty__ev_int(df, what, (int64_t)n, "%zu in all; the first "
		    "%d are listed", n, MAX_LISTED);
}

/* An indeterminate finding of check id saying why. */
static int
unknown(struct tenant *t, const char *id, const char *source,
    const char *title)
{
	struct ov_duty_finding df;

	begin(t, &df, id);
	ov_duty__state(&df, OV_STATE_INDETERMINATE);
	ov_duty__title(&df, "%s", title);
	ov_duty__ev(&df, "manifest.sources", NULL, "%s", source);
	return ov_duty__emit(&df, 0);
}

/* --- principals and roles ----------------------------------------------- */

/* What kind of principal pid is, from the expanded principal or records. */
static enum pkind
principal_kind(struct tenant *t, const char *pid, const struct ov_record *a)
{
	const ov_json *p = ov_model__field(a, "principal");
	const struct ov_record *r;

	if (ov_json_get(p, "userPrincipalName") != NULL)
		return P_USER;
	if (ov_json_get(p, "servicePrincipalType") != NULL ||
	    ov_json_get(p, "appId") != NULL)
		return P_SP;
	if (ov_json_get(p, "securityEnabled") != NULL ||
	    ov_json_get(p, "groupTypes") != NULL)
		return P_GROUP;
	if (ov_identity__user(t->st, pid) != NULL)
		return P_USER;
	if ((r = ov_model__graph_object(t->s, pid)) == NULL)
		return P_UNKNOWN;
	if (ov__streq_ci(r->type, T_GROUP))
		return P_GROUP;
	if (ov__streq_ci(r->type, T_SP))
		return P_SP;
	if (ov__streq_ci(r->type, T_USER) || ov__streq_ci(r->type, T_REG))
		return P_USER;
	return P_UNKNOWN;
}

static const char *
principal_label(struct tenant *t, const char *pid, const struct ov_record *u,
    const struct ov_record *a)
{
	const struct ov_record *r;
	struct id_user ut;
	struct id_reg rt;
	const struct id_user *p = ov_identity__u(u, &ut);
	const char *s = p != NULL ? p->upn : NULL;

	if (s == NULL)
		s = ov_model__str(a, "principal.userPrincipalName");
	if (s == NULL)
		s = ov_model__str(a, "principal.displayName");
	if (s == NULL && (r = ov_model__graph_object(t->s, pid)) != NULL)
		s = ov__streq_ci(r->type, T_USER) ? ov_identity__u(r,
		    &ut)->display : ov__streq_ci(r->type, T_REG) ?
		    ov_identity__reg(r, &rt)->display : ov_model__str(r,
		    "displayName");
	return s != NULL ? s : pid;
}

/* The holder record of pid, created on first sight. */
static struct holder *
holder(struct tenant *t, const char *pid, const struct ov_record *a)
{
	struct holder *h = ov__map_get(&t->holders, pid, strlen(pid));
	struct holder **nv;

	if (h != NULL)
		return h;
	if ((h = ov__arena_calloc(&t->ar, 1, sizeof(*h))) == NULL ||
	    (nv = grow(t, t->hv, &t->n_hv, &t->cap_hv, sizeof(*nv))) == NULL ||
	    ov__map_put(&t->holders, pid, strlen(pid), h) < 0) {
		t->error = OV_ENOMEM;
		return NULL;
	}
	t->hv = nv;
	t->hv[t->n_hv++] = h;
	h->pid = pid;
	h->kind = principal_kind(t, pid, a);
	h->user = ov_identity__user(t->st, pid);
	h->label = principal_label(t, pid, h->user, a);
	h->ea = ov__map_get(&t->ea_ids, pid, strlen(pid)) != NULL;
	return h;
}

static const struct holder *
holder_find(const struct tenant *t, const char *pid)
{
	return pid != NULL ? ov__map_get(&t->holders, pid, strlen(pid)) : NULL;
}

static const char *
elig_key(struct tenant *t, const char *pid, const char *tmpl)
{
	char *k = ov__arena_printf(&t->ar, "%s\n%s", pid, tmpl);

	if (k == NULL)
		t->error = OV_ENOMEM;
	return k;
}

/* A schedule that is provisioned and not expired. */
static bool
schedule_live(const struct tenant *t, const struct ov_record *e)
{
	const char *st = ov_model__str(e, "status");
	int64_t end;

	if (st != NULL && !ov__streq_ci(st, "Provisioned"))
		return false;
	return !ov_duty__rec_time(e, "scheduleInfo.expiration.endDateTime",
	    &end) || end > t->actx->now;
}

/* PIM eligibility schedules: eligible holders by (principal, role). */
static void
read_eligible(struct tenant *t)
{
	const struct ov_record_list *l = ov_model__by_type(t->s, T_ELIG);
	size_t i;

	for (i = 0; i < l->len && t->error == 0; i++) {
		const struct ov_record *e = l->items[i];
		const char *pid = ov_model__str(e, "principalId");
		const char *tmpl = ov_identity__role_template(t->s, e);
		const char *key;
		struct holder *h;

		if (pid == NULL || tmpl == NULL ||
		    ov_identity__role_name(tmpl) == NULL ||
		    !schedule_live(t, e))
			continue;
		if ((key = elig_key(t, pid, tmpl)) == NULL ||
		    ov_duty__map_put(&t->eligible, key, strlen(key), e) < 0 ||
		    (h = holder(t, pid, NULL)) == NULL) {
			t->error = OV_ENOMEM;
			return;
		}
		h->privileged = true;
		if (ov__streq_ci(tmpl, GLOBAL_ADMIN) && !h->eligible_ga) {
			h->eligible_ga = true;
			if (h->ga_rec == NULL)
				h->ga_rec = e;
		}
	}
}

/*
 * An active assignment of a privileged role, as OV-IAM-066 sees it: not
 * standing when it is a PIM activation or ends by itself; definitely
 * standing when the export says so or eligibility is known.
 */
static void
judge_standing(struct tenant *t, struct holder *h, const struct ov_record *a,
    const char *tmpl)
{
	const char *type = ov_model__str(a, "assignmentType");
	const ov_json *end = ov_model__field(a, "endDateTime");
	const char *key;
	struct standing *nv;

	if (h->kind == P_SP || h->ea)
		return;
	if (type != NULL && ov__streq_ci(type, "Activated"))
		return;
	if (end != NULL && ov_json_type_of(end) != OV_JSON_NULL)
		return;
	if ((key = elig_key(t, h->pid, tmpl)) == NULL ||
	    ov__map_get(&t->eligible, key, strlen(key)) != NULL)
		return;
	if ((nv = grow(t, t->sv, &t->n_sv, &t->cap_sv, sizeof(*nv))) == NULL)
		return;
	t->sv = nv;
	t->sv[t->n_sv].a = a;
	t->sv[t->n_sv].h = h;
	t->sv[t->n_sv].role = ov_identity__role_name(tmpl);
	t->sv[t->n_sv].definite = type != NULL || t->elig_collected;
	t->n_sv++;
}

/* Active directory role assignments. */
static void
read_active(struct tenant *t)
{
	const struct ov_record_list *l = ov_model__by_type(t->s, T_DIRRA);
	size_t i;

	for (i = 0; i < l->len && t->error == 0; i++) {
		const struct ov_record *a = l->items[i];
		const char *pid = ov_model__str(a, "principalId");
		const char *tmpl = ov_identity__role_template(t->s, a);
		bool priv = ov_identity__role_name(tmpl) != NULL;
		struct holder *h;

		if (pid == NULL || tmpl == NULL)
			continue;
		if (!priv && ov__map_get(&t->ea_ids, pid, strlen(pid)) == NULL)
			continue;
		if ((h = holder(t, pid, a)) == NULL)
			return;
		if (h->ea && h->n_roles < MAX_EA_ROLES)
			h->roles[h->n_roles++] = tmpl;
		if (!priv)
			continue;
		h->privileged = true;
		if (ov__streq_ci(tmpl, GLOBAL_ADMIN)) {
			if (!h->active_ga)
				h->ga_rec = a;
			h->active_ga = true;
		}
		judge_standing(t, h, a, tmpl);
	}
}

/* Users: sign-in data present?  Emergency-access accounts.  Groups. */
static void
read_accounts(struct tenant *t)
{
	const struct ov_record_list *l = ov_model__by_type(t->s, T_USER);
	const struct ov_record **nv;
	size_t i;

	for (i = 0; i < l->len && t->error == 0; i++) {
		const struct ov_record *u = l->items[i];
		struct id_user tmp;
		const struct id_user *p = ov_identity__u(u, &tmp);
		const char *id = p->oid;

		if (p->flags & ID_U_ACTIVITY)
			t->signin_known = true;
		if (id == NULL || (p->flags & ID_U_DISABLED) ||
		    !is_ea(t, p->upn, id, p->display, p->type, false))
			continue;
		if (ov_duty__map_put(&t->ea_ids, id, strlen(id), u) < 0 ||
		    (nv = grow(t, t->ea, &t->n_ea, &t->cap_ea,
		    sizeof(*nv))) == NULL) {
			t->error = OV_ENOMEM;
			return;
		}
		t->ea = nv;
		t->ea[t->n_ea++] = u;
	}
	l = ov_model__by_type(t->s, T_GROUP);
	for (i = 0; i < l->len && t->error == 0; i++) {
		const struct ov_record *g = l->items[i];
		const char *id = ov_model__str(g, "id");

		if (id != NULL && is_ea(t, ov_model__str(g,
		    "userPrincipalName"), id, ov_model__str(g, "displayName"),
		    ov_model__str(g, "userType"), true) &&
		    ov_duty__map_put(&t->ea_groups, id, strlen(id), g) < 0)
			t->error = OV_ENOMEM;
	}
}

/* --- OV-IAM-063: security defaults and Conditional Access --------------- */

static int
check_secdef(struct tenant *t)
{
	const struct ov_record_list *l = ov_model__by_type(t->s, T_SECDEF);
	const struct ov_record *p = l->len > 0 ? l->items[0] : NULL;
	const ov_json *on = ov_model__field(p, "isEnabled");
	const struct ov_record_list *ca;
	struct ov_duty_finding df;
	size_t i, listed = 0;

	if (ov_json_type_of(on) == OV_JSON_TRUE ||
	    (ov_json_type_of(on) == OV_JSON_FALSE && t->st->ca_collected &&
	    (t->st->ca.mfa_all || t->st->ca.mfa_admins)))
		return 0;
	ov_duty__begin(&df, t->actx, "OV-IAM-063", p);
	if (p == NULL) {
		df.f.resource_id = SECDEF_RID;
		df.f.resource_type = T_SECDEF;
	}
	if (ov_json_type_of(on) != OV_JSON_FALSE) {
		ov_duty__state(&df, OV_STATE_INDETERMINATE);
		ov_duty__title(&df, "Cannot tell whether anything enforces MFA: "
		    "%s", p == NULL ? "the security defaults policy is not in "
		    "the snapshot" : "the security defaults policy has no "
		    "isEnabled");
		ov_duty__ev(&df, "identitySecurityDefaultsEnforcementPolicy."
		    "isEnabled", NULL, "%s", p == NULL ? "graph:securityDefaults "
		    "not collected" : "absent");
		return ov_duty__emit(&df, 0);
	}
	ov_duty__ev(&df, "identitySecurityDefaultsEnforcementPolicy.isEnabled",
	    "false", "security defaults are off");
	if (!t->st->ca_collected) {
		ov_duty__state(&df, OV_STATE_INDETERMINATE);
		ov_duty__title(&df, "Security defaults are off and the "
		    "Conditional Access policies are not in the snapshot");
		ov_duty__ev(&df, "manifest.sources", NULL, "graph:"
		    "conditionalAccessPolicies not collected");
		return ov_duty__emit(&df, 0);
	}
	ca = ov_model__by_type(t->s, T_CA);
	ov_duty__title(&df, "Security defaults are off and no enabled "
	    "Conditional Access policy requires MFA");
	ov_duty__ev_int(&df, "conditionalAccessPolicies", (int64_t)ca->len,
	    "policies examined; none is enabled and requires MFA on all cloud "
	    "apps for all users or for Global Administrator");
	for (i = 0; i < ca->len && listed < MAX_LISTED; i++) {
		const struct ov_record *c = ca->items[i];
		char msg[320];

		if (ov_identity__ca_enabled(c) ||
		    !ov_identity__has(ov_model__field(c,
		    "grantControls.builtInControls"), "mfa"))
			continue;
		snprintf(msg, sizeof(msg), "'%s' asks for MFA but is not "
		    "enforced", ov_identity__label(c));
		ev_obj(&df, "conditionalAccessPolicies", c, "state",
		    ov_model__str(c, "state"), msg);
		listed++;
	}
	return ov_duty__emit(&df, t->actx->now);
}

/* --- OV-IAM-064: Global Administrator count ----------------------------- */

static int
check_ga(struct tenant *t)
{
	struct ov_duty_finding df;
	size_t i, people = 0, groups = 0, active = 0, eligible = 0,
	    listed = 0;
	bool exact;

	if (!t->st->roles_collected)
		return unknown(t, "OV-IAM-064", "graph:roleAssignments not "
		    "collected", "Cannot count Global Administrators: the "
		    "directory role assignments are not in the snapshot");
	begin(t, &df, "OV-IAM-064");
	for (i = 0; i < t->n_hv; i++) {
		const struct holder *h = t->hv[i];
		char msg[320];

		if (!h->active_ga && !h->eligible_ga)
			continue;
		if (h->kind == P_GROUP)
			groups++;
		else
			people++;
		active += h->active_ga;
		eligible += h->eligible_ga;
		if (listed++ >= MAX_LISTED)
			continue;
		snprintf(msg, sizeof(msg), "%s%s holds Global Administrator "
		    "(%s)", h->kind == P_GROUP ? "group " : "", h->label,
		    h->active_ga && h->eligible_ga ? "active and eligible" :
		    h->active_ga ? "active assignment" : "PIM-eligible");
		ev_obj(&df, h->active_ga ? "roleAssignments" :
		    "roleEligibilitySchedules", h->ga_rec, "principalId",
		    h->pid, msg);
	}
	ev_more(&df, "holders", listed);
	ov_duty__ev_int(&df, "roleAssignments.active", (int64_t)active,
	    "principals with an active Global Administrator assignment");
	ov_duty__ev_int(&df, "roleEligibilitySchedules.eligible",
	    (int64_t)eligible, "principals eligible for it through PIM%s",
	    t->elig_collected ? "" : " (eligibility schedules not collected)");
	exact = groups == 0 && t->elig_collected;
	if (people > 4) {
		ov_duty__title(&df, "%zu%s Global Administrators: more than "
		    "four", people, exact ? "" : " or more");
	} else if (exact && people < 2) {
		ov_duty__title(&df, "%zu Global Administrator%s: fewer than "
		    "two", people, people == 1 ? "" : "s");
	} else if (exact) {
		ov_duty__discard(&df);
		return 0;
	} else {
		ov_duty__state(&df, OV_STATE_INDETERMINATE);
		ov_duty__title(&df, "At least %zu Global Administrators; the "
		    "count is not known: %s", people, groups > 0 ? "a group "
		    "holds the role and its members are not collected" :
		    "the PIM eligibility schedules are not in the snapshot");
	}
	return ov_duty__emit(&df, t->actx->now);
}

/* --- OV-IAM-065 and OV-IAM-072: accounts without sign-ins --------------- */

/*
 * Has user p not signed in within the window?  1 inactive, 0 active, -1
 * cannot tell.  *since is the newest sign-in (or the creation of an
 * account that never signed in) and *prop the property that says so.
 */
static int
inactive(const struct tenant *t, const struct id_user *p, int64_t *since,
    const char **prop)
{
	*since = p->signin;
	*prop = p->signin != 0 ? ov_identity__signin_keys[p->signin_key] :
	    NULL;
	if (*since == 0) {
		/* Graph keeps no sign-in for the account: it never signed in
		 * since the activity is recorded; its age decides. */
		if (!t->signin_known || !(p->flags & ID_U_CREATED))
			return -1;
		*since = p->created;
		*prop = "createdDateTime";
	}
	return t->actx->now - *since > t->window ? 1 : 0;
}

/* One evidence line for an inactive (or unknown) account. */
static void
ev_signin(struct tenant *t, struct ov_duty_finding *df,
    const struct ov_record *u, const char *label, int64_t since,
    const char *prop)
{
	char msg[320], path[96], when[32], ev[512];
	const char *oid = user_oid(u);

	if (prop == NULL) {
		ov_duty__ev_str(df, oid_path(ev, sizeof(ev), "users", oid, u,
		    "signInActivity"), NULL, "%s", label);
		return;
	}
	ov__time_format(since, when, sizeof(when));
	snprintf(msg, sizeof(msg), "%s: %s %lld days ago", label,
	    strcmp(prop, "createdDateTime") == 0 ? "never signed in, created" :
	    "last sign-in", (long long)ov_duty__days(t->actx->now - since));
	snprintf(path, sizeof(path), "%s%s", strcmp(prop, "createdDateTime") ==
	    0 ? "" : "signInActivity.", prop);
	ov_duty__ev_str(df, oid_path(ev, sizeof(ev), "users", oid, u, path),
	    when, "%s", msg);
}

static int
check_stale_privileged(struct tenant *t)
{
	struct ov_duty_finding df;
	size_t i, stale = 0, unsure = 0;
	int64_t first = 0;

	if (!t->st->users_collected || !t->st->roles_collected)
		return unknown(t, "OV-IAM-065", !t->st->users_collected ?
		    "graph:users not collected" : "graph:roleAssignments not "
		    "collected", "Cannot tell whether privileged accounts are "
		    "used: users or directory role assignments are not in the "
		    "snapshot");
	if (!t->signin_known)
		return unknown(t, "OV-IAM-065", "graph:users carry no "
		    "signInActivity (it needs AuditLog.Read.All and Entra ID "
		    "P1 or P2)", "Cannot tell whether privileged accounts are "
		    "used: no user carries signInActivity");
	begin(t, &df, "OV-IAM-065");
	for (i = 0; i < t->n_hv; i++) {
		const struct holder *h = t->hv[i];
		struct id_user tmp;
		const char *prop;
		int64_t since;
		int r;

		if (!h->privileged || (h->kind != P_USER &&
		    h->kind != P_UNKNOWN) || (h->user != NULL &&
		    !enabled(h->user)))
			continue;
		if (h->user == NULL) {
			if (h->kind == P_USER && unsure++ < MAX_LISTED)
				ov_duty__ev_str(&df, "principalId", h->pid,
				    "%s holds a privileged role; no user record",
				    h->label);
			continue;
		}
		if ((r = inactive(t, ov_identity__u(h->user, &tmp), &since,
		    &prop)) == 0)
			continue;
		if (r > 0) {
			if (first == 0 || since < first)
				first = since;
			if (stale++ >= MAX_LISTED)
				continue;
		} else if (unsure++ >= MAX_LISTED) {
			continue;
		}
		ev_signin(t, &df, h->user, h->label, since, prop);
	}
	if (stale > 0) {
		ev_more(&df, "stale", stale);
		ov_duty__title(&df, "%zu privileged account%s without a sign-in "
		    "for %lld days", stale, stale == 1 ? "" : "s",
		    (long long)ov_duty__days(t->window));
		return ov_duty__emit(&df, first + t->window);
	}
	if (unsure == 0 && t->elig_collected) {
		ov_duty__discard(&df);
		return 0;
	}
	ov_duty__state(&df, OV_STATE_INDETERMINATE);
	if (unsure > 0)
		ov_duty__title(&df, "Cannot tell when %zu privileged account%s "
		    "last signed in", unsure, unsure == 1 ? "" : "s");
	else
		ov_duty__title(&df, "No active privileged account is unused; "
		    "PIM-eligible ones were not checked (eligibility schedules "
		    "not in the snapshot)");
	return ov_duty__emit(&df, 0);
}

static int
check_inactive_users(struct tenant *t)
{
	const struct ov_record_list *l = ov_model__by_type(t->s, T_USER);
	struct ov_duty_finding df;
	size_t i, stale = 0, unsure = 0, listed = 0;

	if (!t->st->users_collected)
		return unknown(t, "OV-IAM-072", "graph:users not collected",
		    "Cannot tell which accounts are unused: users are not in "
		    "the snapshot");
	if (!t->signin_known)
		return unknown(t, "OV-IAM-072", "graph:users carry no "
		    "signInActivity (it needs AuditLog.Read.All and Entra ID "
		    "P1 or P2)", "Cannot tell which accounts are unused: no "
		    "user carries signInActivity");
	begin(t, &df, "OV-IAM-072");
	for (i = 0; i < l->len; i++) {
		const struct ov_record *u = l->items[i];
		struct id_user tmp;
		const struct id_user *p = ov_identity__u(u, &tmp);
		const char *prop;
		int64_t since;
		int r;

		if ((p->flags & ID_U_DISABLED) ||
		    (r = inactive(t, p, &since, &prop)) == 0)
			continue;
		if (r < 0) {
			unsure++;
			continue;
		}
		stale++;
		if (listed++ < MAX_LISTED)
			ev_signin(t, &df, u, p->upn != NULL ? p->upn :
			    ov_identity__ulabel(p, u), since, prop);
	}
	if (stale > 0) {
		ev_more(&df, "inactive", stale);
		if (unsure > 0)
			ov_duty__ev_int(&df, "unknown", (int64_t)unsure,
			    "accounts whose age cannot be told");
		ov_duty__title(&df, "%zu enabled account%s without a sign-in "
		    "for %lld days", stale, stale == 1 ? "" : "s",
		    (long long)ov_duty__days(t->window));
		return ov_duty__emit(&df, t->actx->now);
	}
	if (unsure == 0) {
		ov_duty__discard(&df);
		return 0;
	}
	ov_duty__state(&df, OV_STATE_INDETERMINATE);
	ov_duty__title(&df, "Cannot tell when %zu account%s last signed in",
	    unsure, unsure == 1 ? "" : "s");
	ov_duty__ev_int(&df, "unknown", (int64_t)unsure, "enabled accounts "
	    "without sign-in activity or creation time");
	return ov_duty__emit(&df, 0);
}

/* --- OV-IAM-066: standing privileged assignments ------------------------ */

static int
check_standing(struct tenant *t)
{
	struct ov_duty_finding df;
	size_t i, definite = 0, listed = 0;

	if (!t->st->roles_collected)
		return unknown(t, "OV-IAM-066", "graph:roleAssignments not "
		    "collected", "Cannot tell standing privilege: the directory "
		    "role assignments are not in the snapshot");
	if (t->n_sv == 0)
		return 0;
	begin(t, &df, "OV-IAM-066");
	for (i = 0; i < t->n_sv; i++)
		definite += t->sv[i].definite;
	for (i = 0; i < t->n_sv && listed < MAX_LISTED; i++) {
		const struct standing *x = &t->sv[i];
		char msg[320];

		if (x->definite != (definite > 0))
			continue;
		snprintf(msg, sizeof(msg), "%s%s holds %s by a permanent "
		    "active assignment", x->h->kind == P_GROUP ? "group " : "",
		    x->h->label, x->role);
		ev_obj(&df, "roleAssignments", x->a, "principalId", x->h->pid,
		    msg);
		listed++;
	}
	if (definite > 0) {
		ev_more(&df, "standing", definite);
		ov_duty__title(&df, "%zu standing privileged directory role "
		    "assignment%s outside PIM", definite, definite == 1 ? "" :
		    "s");
		return ov_duty__emit(&df, t->actx->now);
	}
	ev_more(&df, "active", t->n_sv);
	ov_duty__state(&df, OV_STATE_INDETERMINATE);
	ov_duty__title(&df, "%zu active privileged assignment%s may be standing "
	    "or PIM activations: the eligibility schedules are not in the "
	    "snapshot", t->n_sv, t->n_sv == 1 ? "" : "s");
	return ov_duty__emit(&df, 0);
}

/* --- OV-IAM-067 and OV-IAM-068: emergency-access accounts --------------- */

static int
check_ea_exists(struct tenant *t)
{
	const char *st = ov_model__source_status(t->s, "graph:users");
	struct ov_duty_finding df;
	size_t i;

	if (!t->st->users_collected)
		return unknown(t, "OV-IAM-067", "graph:users not collected",
		    "Cannot tell whether an emergency-access account exists: "
		    "users are not in the snapshot");
	if (t->n_ea > 0)
		return 0;
	begin(t, &df, "OV-IAM-067");
	if (st != NULL && ov__streq_ci(st, "partial"))
		ov_duty__state(&df, OV_STATE_INDETERMINATE);
	ov_duty__title(&df, "No emergency-access account%s", st != NULL &&
	    ov__streq_ci(st, "partial") ? " among the users read (graph:users "
	    "is partial)" : "");
	if (t->duty != NULL && t->duty->n_emergency_access > 0) {
		for (i = 0; i < t->duty->n_emergency_access; i++)
			ov_duty__ev_str(&df, "contract.duties.identity-review."
			    "emergency-access", t->duty->emergency_access[i],
			    "%s", t->ea_entry_hit[i] ? "matches only disabled "
			    "accounts or groups" : "matches no user");
	} else {
		ov_duty__ev_int(&df, "users", (int64_t)ov_model__by_type(t->s,
		    T_USER)->len, "users examined; no enabled member's UPN or "
		    "display name follows the emergency-access convention "
		    "(breakglass, break-glass, emergency-access) and the "
		    "contract names none");
	}
	return ov_duty__emit(&df, t->actx->now);
}

/* Does a role list of CA conditions name one of h's active roles? */
static bool
role_hit(const ov_json *roles, const struct holder *h)
{
	size_t i;

	for (i = 0; h != NULL && i < h->n_roles; i++)
		if (ov_identity__has(roles, h->roles[i]))
			return true;
	return false;
}

/* Can an enabled policy block or challenge a sign-in? */
static bool
ca_can_lock_out(const struct ov_record *p)
{
	const ov_json *g = ov_model__field(p, "grantControls");
	const ov_json *apps = ov_model__field(p,
	    "conditions.applications.includeApplications");

	if (ov_json_len(apps) == 1 && ov_identity__has(apps, "None"))
		return false;
	return ov_json_len(ov_json_get(g, "builtInControls")) > 0 ||
	    ov_json_len(ov_json_get(g, "termsOfUse")) > 0 ||
	    ov_json_len(ov_json_get(g, "customAuthenticationFactors")) > 0 ||
	    ov_json_type_of(ov_json_get(g, "authenticationStrength")) ==
	    OV_JSON_OBJECT;
}

/* Does policy p apply to user u?  1 yes, 0 no, -1 group membership. */
static int
ca_applies(const struct tenant *t, const struct ov_record *p,
    const struct ov_record *u)
{
	const ov_json *c = ov_model__field(p, "conditions.users");
	const ov_json *xg = ov_json_get(c, "excludeGroups");
	const ov_json *ig = ov_json_get(c, "includeGroups");
	const char *uid = user_oid(u);
	const struct holder *h = holder_find(t, uid);
	bool other = false;
	int inc = 0;
	size_t i;

	if (ov_identity__has(ov_json_get(c, "excludeUsers"), uid) ||
	    role_hit(ov_json_get(c, "excludeRoles"), h))
		return 0;
	for (i = 0; i < ov_json_len(xg); i++) {
		const char *g = ov_json_string(ov_json_at(xg, i));

		if (g != NULL && ov__map_get(&t->ea_groups, g, strlen(g)) !=
		    NULL)
			return 0;
		other = true;
	}
	if (ov_identity__has(ov_json_get(c, "includeUsers"), "All") ||
	    ov_identity__has(ov_json_get(c, "includeUsers"), uid) ||
	    role_hit(ov_json_get(c, "includeRoles"), h))
		inc = 1;
	for (i = 0; inc == 0 && i < ov_json_len(ig); i++) {
		const char *g = ov_json_string(ov_json_at(ig, i));

		inc = g != NULL && ov__map_get(&t->ea_groups, g, strlen(g)) !=
		    NULL ? 1 : -1;
	}
	if (inc == 0)
		return 0;
	return other ? -1 : inc;
}

static int
check_ea_excluded(struct tenant *t)
{
	const struct ov_record_list *l = ov_model__by_type(t->s, T_CA);
	struct ov_duty_finding df;
	size_t i, j, bad = 0, unsure = 0, listed = 0;

	/* bad and unsure count policies; listed, (policy, account) pairs */
	if (!t->st->users_collected || !t->st->ca_collected)
		return unknown(t, "OV-IAM-068", !t->st->users_collected ?
		    "graph:users not collected" : "graph:"
		    "conditionalAccessPolicies not collected", "Cannot tell "
		    "whether Conditional Access can lock out the "
		    "emergency-access accounts: users or policies are not in "
		    "the snapshot");
	if (t->n_ea == 0)
		return unknown(t, "OV-IAM-068", "no emergency-access account "
		    "identified (OV-IAM-067)", "Cannot check Conditional Access "
		    "exclusions: no emergency-access account is identified");
	begin(t, &df, "OV-IAM-068");
	for (i = 0; i < l->len; i++) {
		const struct ov_record *p = l->items[i];
		int worst = 0;

		if (!ov_identity__ca_enabled(p) || !ca_can_lock_out(p))
			continue;
		for (j = 0; j < t->n_ea; j++) {
			struct id_user tmp;
			const struct id_user *ea = ov_identity__u(t->ea[j],
			    &tmp);
			const char *upn = ea->upn;
			char msg[400];
			int r = ca_applies(t, p, t->ea[j]);

			if (r == 0)
				continue;
			if (r > 0 || worst == 0)
				worst = r;
			if (listed++ >= MAX_LISTED)
				continue;
			snprintf(msg, sizeof(msg), "'%s' %s %s",
			    ov_identity__label(p), r > 0 ? "applies to" :
			    "may apply (group membership decides) to",
			    upn != NULL ? upn : ov_identity__ulabel(ea,
			    t->ea[j]));
			ev_obj(&df, "conditionalAccessPolicies", p,
			    "conditions.users", ea->oid,
			    msg);
		}
		bad += worst > 0;
		unsure += worst < 0;
	}
	ev_more(&df, "pairs", listed);
	if (bad > 0) {
		ov_duty__title(&df, "Emergency-access account%s not excluded "
		    "from %zu enforced Conditional Access polic%s",
		    t->n_ea == 1 ? "" : "s", bad, bad == 1 ? "y" : "ies");
		return ov_duty__emit(&df, t->actx->now);
	}
	if (unsure == 0) {
		ov_duty__discard(&df);
		return 0;
	}
	ov_duty__state(&df, OV_STATE_INDETERMINATE);
	ov_duty__title(&df, "Group membership decides whether %zu enforced "
	    "Conditional Access polic%s apply to emergency-access accounts",
	    unsure, unsure == 1 ? "y" : "ies");
	return ov_duty__emit(&df, 0);
}

/* --- OV-IAM-070: trusted named location --------------------------------- */

static int
check_trusted_location(struct tenant *t)
{
	const struct ov_record_list *l = ov_model__by_type(t->s, T_NAMEDLOC);
	struct ov_duty_finding df;
	size_t i, n_ip = 0;

	if (!ov_model__type_collected(t->s, T_NAMEDLOC))
		return unknown(t, "OV-IAM-070", "graph:namedLocations not "
		    "collected", "Cannot tell whether a trusted location is "
		    "defined: named locations are not in the snapshot");
	for (i = 0; i < l->len; i++) {
		const ov_json *ranges = ov_model__field(l->items[i],
		    "ipRanges");

		if (ov_json_type_of(ranges) != OV_JSON_ARRAY)
			continue;	/* a country location */
		n_ip++;
		if (ov_json_is_true(ov_model__field(l->items[i],
		    "isTrusted")) && ov_json_len(ranges) > 0)
			return 0;
	}
	begin(t, &df, "OV-IAM-070");
	ov_duty__title(&df, "No trusted IP named location is defined");
	ov_duty__ev_int(&df, "namedLocations", (int64_t)l->len, "named "
	    "locations, %zu with IP ranges; none has isTrusted true and a "
	    "range", n_ip);
	for (i = 0, n_ip = 0; i < l->len && n_ip < MAX_LISTED; i++) {
		const struct ov_record *r = l->items[i];
		char path[512];

		if (ov_json_type_of(ov_model__field(r, "ipRanges")) !=
		    OV_JSON_ARRAY)
			continue;
		n_ip++;
		ov_duty__ev(&df, obj_path(path, sizeof(path), "namedLocations",
		    r, "isTrusted"), ov_json_is_true(ov_model__field(r,
		    "isTrusted")) ? "true" : "false", "'%s'",
		    ov_identity__label(r));
	}
	return ov_duty__emit(&df, t->actx->now);
}

/* --- OV-IAM-073 and OV-IAM-074: MFA on specific apps -------------------- */

static int
check_mfa_app(struct tenant *t, const char *id, bool have, const char *app,
    const char *what)
{
	struct ov_duty_finding df;

	if (!t->st->ca_collected)
		return unknown(t, id, "graph:conditionalAccessPolicies not "
		    "collected", "Cannot tell whether MFA is required: the "
		    "Conditional Access policies are not in the snapshot");
	if (have)
		return 0;
	begin(t, &df, id);
	ov_duty__title(&df, "No enabled Conditional Access policy requires "
	    "MFA for all users on %s", what);
	ov_duty__ev_str(&df, "conditionalAccessPolicies.conditions."
	    "applications.includeApplications", app, "no enabled policy for "
	    "all users with an mfa grant (or authentication strength) "
	    "includes it or All");
	return ov_duty__emit(&df, t->actx->now);
}

/* --- OV-IAM-075: MFA registration of members ---------------------------- */

static int
check_mfa_registration(struct tenant *t)
{
	const struct ov_record_list *l = ov_model__by_type(t->s, T_REG);
	struct ov_duty_finding df;
	size_t i, n = 0;

	if (!t->st->reg_collected)
		return unknown(t, "OV-IAM-075", "graph:userRegistrationDetails "
		    "not collected", "Cannot tell who has registered MFA: the "
		    "registration details are not in the snapshot");
	begin(t, &df, "OV-IAM-075");
	for (i = 0; i < l->len; i++) {
		const struct ov_record *r = l->items[i];
		struct id_reg gt;
		struct id_user ut;
		const struct id_reg *g = ov_identity__reg(r, &gt);
		const struct ov_record *u = ov_identity__user(t->st, g->oid);
		const char *type = u != NULL ? ov_identity__u(u, &ut)->type :
		    NULL;
		char msg[320], path[512];

		if (type == NULL)
			type = g->type;
		if ((type != NULL && !ov__streq_ci(type, "member")) ||
		    (u != NULL && !enabled(u)) ||
		    !(g->flags & ID_R_MFA_FALSE))
			continue;
		if (n++ >= MAX_LISTED)
			continue;
		snprintf(msg, sizeof(msg), "%s has no MFA method registered",
		    g->upn != NULL ? g->upn : g->display != NULL ? g->display :
		    r->name != NULL ? r->name : r->id);
		ov_duty__ev(&df, oid_path(path, sizeof(path),
		    "userRegistrationDetails", g->oid, r, "isMfaRegistered"),
		    "false", "%s", msg);
	}
	if (n == 0) {
		ov_duty__discard(&df);
		return 0;
	}
	ev_more(&df, "members", n);
	ov_duty__title(&df, "%zu member%s without MFA registration", n,
	    n == 1 ? "" : "s");
	return ov_duty__emit(&df, t->actx->now);
}

/* --- entry -------------------------------------------------------------- */

int
ov_identity__tenant(struct id_state *st)
{
	struct ov_analyzer_ctx *actx = st->actx;
	const struct ov_record_list *org;
	struct tenant t;
	int error = 0;

	memset(&t, 0, sizeof(t));
	t.st = st;
	t.actx = actx;
	t.s = actx->snap;
	ov__arena_init(&t.ar, 16384, 0);
	t.duty = ov_contract__duty(actx->contract, OV_DUTY_IDENTITY_REVIEW);
	t.window = t.duty != NULL && t.duty->inactive_after > 0 ?
	    t.duty->inactive_after : DEF_INACTIVE;
	t.elig_collected = ov_model__type_collected(t.s, T_ELIG);
	org = ov_model__by_type(t.s, T_ORG);
	t.org = org->len > 0 ? org->items[0] : NULL;
	snprintf(t.org_rid, sizeof(t.org_rid), "/providers/%s/%s", T_ORG,
	    t.s->tenant_id != NULL ? t.s->tenant_id : "unknown");
	if (t.duty != NULL && t.duty->n_emergency_access > 0 &&
	    (t.ea_entry_hit = ov__arena_calloc(&t.ar,
	    t.duty->n_emergency_access, sizeof(*t.ea_entry_hit))) == NULL)
		t.error = OV_ENOMEM;
	if (t.error == 0)
		read_accounts(&t);
	if (t.error == 0)
		read_eligible(&t);
	if (t.error == 0)
		read_active(&t);
	if (t.error != 0) {
		error = ov__error_oom(actx->ctx);
		goto done;
	}
	if ((error = check_secdef(&t)) < 0 || (error = check_ga(&t)) < 0 ||
	    (error = check_stale_privileged(&t)) < 0 ||
	    (error = check_standing(&t)) < 0 ||
	    (error = check_ea_exists(&t)) < 0 ||
	    (error = check_ea_excluded(&t)) < 0 ||
	    (error = check_trusted_location(&t)) < 0 ||
	    (error = check_inactive_users(&t)) < 0 ||
	    (error = check_mfa_app(&t, "OV-IAM-073", st->ca.mfa_mgmt,
	    "797f4846-ba00-4fd7-ba43-dac1f8f63013", "Azure management")) < 0 ||
	    (error = check_mfa_app(&t, "OV-IAM-074", st->ca.mfa_portals,
	    "MicrosoftAdminPortals", "the Microsoft admin portals")) < 0 ||
	    (error = check_mfa_registration(&t)) < 0)
		goto done;
done:
	ov__map_free(&t.holders);
	ov__map_free(&t.eligible);
	ov__map_free(&t.ea_ids);
	ov__map_free(&t.ea_groups);
	ov__arena_free(&t.ar);
	return error;
}
