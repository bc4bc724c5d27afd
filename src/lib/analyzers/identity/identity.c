/* SPDX-License-Identifier: MIT */
/*
 * identity: the identity-review duty.  Reads Entra ID (Microsoft Graph)
 * Conditional Access policies, directory role assignments, MFA
 * registration details, users, applications and service principals, and
 * Azure RBAC role assignments; the tenant-wide questions are in tenant.c.
 */
#include <stdio.h>
#include <string.h>

#include "lib/analyzers/analyzer.h"
#include "lib/raci/contract.h"
#include "lib/analyzers/duty.h"
#include "lib/analyzers/identity/identity.h"
#include "util/error.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/time.h"

/* Azure management (Windows Azure Service Management API). */
#define APP_AZURE_MGMT	"797f4846-ba00-4fd7-ba43-dac1f8f63013"
#define APP_PORTALS	"MicrosoftAdminPortals"
#define EXPIRY_WINDOW	((int64_t)30 * OV_DAY_SECONDS)

#define SRC		"identity"
#define DUTY		OV_DUTY_IDENTITY_REVIEW
#define L_ACC		OV_LAYER_ACCOUNTS_AND_IDENTITIES
#define L_DIR		OV_LAYER_IDENTITY_AND_DIRECTORY_INFRASTRUCTURE

/* Privileged Entra ID directory roles, by role template id. */
static const struct {
	const char	*id;
	const char	*name;
} priv_roles[] = {
	{ "62e90394-69f5-4237-9190-012177145e10", "Global Administrator" },
	{ "e8611ab8-c189-46e8-94e1-60213ab1f814",
	    "Privileged Role Administrator" },
	{ "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
	    "Privileged Authentication Administrator" },
	{ "194ae4cb-b126-40b2-bd5b-6091b380977d", "Security Administrator" },
	{ "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
	    "Conditional Access Administrator" },
	{ "29232cdf-9323-42fd-ade2-1d097af3e4de", "Exchange Administrator" },
	{ "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
	    "SharePoint Administrator" },
	{ "fe930be7-5e62-47db-91af-98c3a49a38b1", "User Administrator" },
	{ "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
	    "Application Administrator" },
	{ "158c047a-c907-4556-b7ef-446551a6b5f7",
	    "Cloud Application Administrator" },
	{ "c4e39bd9-1100-46d3-8c65-fb160da0071f",
	    "Authentication Administrator" },
	{ "729827e3-9c14-49f7-bb1b-9608f156bbb8", "Helpdesk Administrator" },
	{ "3a2c62db-5318-420d-8d74-23affee5d9d5", "Intune Administrator" },
	{ "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2",
	    "Hybrid Identity Administrator" },
};
#define N_PRIV_ROLES	(sizeof(priv_roles) / sizeof(priv_roles[0]))

/* Privileged Azure built-in roles, by role definition GUID. */
static const struct {
	const char	*id;
	const char	*name;
} priv_azure[] = {
	{ "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner" },
	{ "b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor" },
	{ "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
	    "User Access Administrator" },
};
#define N_PRIV_AZURE	(sizeof(priv_azure) / sizeof(priv_azure[0]))

/* The role template name when id names a privileged directory role. */
const char *
ov_identity__role_name(const char *id)
{
	size_t i;

	if (id == NULL)
		return NULL;
	for (i = 0; i < N_PRIV_ROLES; i++)
		if (ov__streq_ci(priv_roles[i].id, id))
			return priv_roles[i].name;
	return NULL;
}

/* Name of a privileged Azure role from a roleDefinitionId (full id). */
static const char *
azure_role_name(const char *def)
{
	const char *slash;
	size_t i;

	if (def == NULL)
		return NULL;
	slash = strrchr(def, '/');
	slash = slash != NULL ? slash + 1 : def;
	for (i = 0; i < N_PRIV_AZURE; i++)
		if (ov__streq_ci(priv_azure[i].id, slash))
			return priv_azure[i].name;
	return NULL;
}

/* The role template an assignment or eligibility grants. */
const char *
ov_identity__role_template(const struct ov_snapshot *s,
    const struct ov_record *a)
{
	const char *t = ov_model__str(a, "roleDefinition.templateId");
	const char *def = ov_model__str(a, "roleDefinitionId");
	const struct ov_record *d;

	if (t != NULL || def == NULL)
		return t;
	d = ov_model__graph_object(s, def);
	if (d != NULL && ov__streq_ci(d->type, T_ROLEDEF) &&
	    (t = ov_model__str(d, "templateId")) != NULL)
		return t;
	return def;
}

/*
 * The Graph record of type (users, userRegistrationDetails) for an object
 * id, through the snapshot's id index: Graph records are filed as
 * "/providers/<type>/<object id>".  NULL when none.
 */
static const struct ov_record *
graph_record(const struct id_state *st, const char *type, const char *oid)
{
	const struct ov_record *r;
	char id[512];
	int n;

	if (oid == NULL)
		return NULL;
	n = snprintf(id, sizeof(id), "/providers/%s/%s", type, oid);
	if (n < 0 || (size_t)n >= sizeof(id) ||
	    (r = ov_model__by_id(st->actx->snap, id)) == NULL ||
	    !ov__streq_ci(r->type, type))
		return NULL;
	return r;
}

/* A record's display name. */
const char *
ov_identity__label(const struct ov_record *r)
{
	const char *s = ov_model__str(r, "displayName");

	if (s == NULL)
		s = r->name;
	return s != NULL ? s : r->id;
}

/* When a record last changed, for the SLA clock; 0 when unknown. */
static int64_t
rec_changed(const struct ov_record *r)
{
	int64_t t = 0;

	if (ov_duty__rec_time(r, "modifiedDateTime", &t) ||
	    ov_duty__rec_time(r, "createdDateTime", &t) ||
	    ov_duty__rec_time(r, "properties.updatedOn", &t) ||
	    ov_duty__rec_time(r, "properties.createdOn", &t))
		return t;
	return 0;
}

/* --- Conditional Access ------------------------------------------------- */

/* Does the array hold s? */
bool
ov_identity__has(const ov_json *arr, const char *s)
{
	size_t i;

	for (i = 0; i < ov_json_len(arr); i++)
		if (ov__streq_ci(ov_json_string(ov_json_at(arr, i)), s))
			return true;
	return false;
}

/* Is the policy enforced? */
bool
ov_identity__ca_enabled(const struct ov_record *p)
{
	const char *st = ov_model__str(p, "state");

	return st != NULL && ov__streq_ci(st, "enabled");
}

/* The policy requires MFA (built-in control or authentication strength). */
static bool
ca_requires_mfa(const struct ov_record *p)
{
	const ov_json *g = ov_model__field(p, "grantControls");

	if (ov_identity__has(ov_json_get(g, "builtInControls"), "mfa"))
		return true;
	return ov_json_type_of(ov_json_get(g, "authenticationStrength")) ==
	    OV_JSON_OBJECT;
}

static bool
ca_all_apps(const struct ov_record *p)
{
	return ov_identity__has(ov_model__field(p,
	    "conditions.applications.includeApplications"), "All");
}

static bool
ca_all_users(const struct ov_record *p)
{
	return ov_identity__has(ov_model__field(p, "conditions.users.includeUsers"),
	    "All");
}

/* The policy targets the Global Administrator role (or everyone). */
static bool
ca_covers_admins(const struct ov_record *p)
{
	const ov_json *u = ov_model__field(p, "conditions.users");

	if (ov_identity__has(ov_json_get(u, "excludeRoles"), GLOBAL_ADMIN))
		return false;
	return ca_all_users(p) ||
	    ov_identity__has(ov_json_get(u, "includeRoles"), GLOBAL_ADMIN);
}

static int
check_ca(struct id_state *st)
{
	struct ov_analyzer_ctx *actx = st->actx;
	const struct ov_record_list *l = ov_model__by_type(actx->snap, T_CA);
	struct id_ca_flags *ca = &st->ca;
	struct ov_duty_finding df;
	const char *tenant_id = actx->snap->tenant_id;
	char rid[160];
	size_t i;
	int error;

	for (i = 0; i < l->len; i++) {
		const struct ov_record *p = l->items[i];
		const char *state = ov_model__str(p, "state");

		if (ov_identity__ca_enabled(p)) {
			const ov_json *apps = ov_model__field(p,
			    "conditions.clientAppTypes");

			const ov_json *inc = ov_model__field(p,
			    "conditions.applications.includeApplications");

			if (ca_requires_mfa(p) && ca_all_apps(p)) {
				if (ca_covers_admins(p))
					ca->mfa_admins = true;
				if (ca_all_users(p))
					ca->mfa_all = true;
			}
			if (ca_requires_mfa(p) && ca_all_users(p)) {
				if (ca_all_apps(p) || ov_identity__has(inc,
				    APP_AZURE_MGMT))
					ca->mfa_mgmt = true;
				if (ca_all_apps(p) || ov_identity__has(inc,
				    APP_PORTALS))
					ca->mfa_portals = true;
			}
			if (ca_all_users(p) && ov_identity__has(ov_model__field(p,
			    "grantControls.builtInControls"), "block")) {
				if (ov_identity__has(apps, "exchangeActiveSync"))
					ca->block_eas = true;
				if (ov_identity__has(apps, "other"))
					ca->block_other = true;
			}
			continue;
		}
		ov_duty__begin(&df, actx, state != NULL && ov__streq_ci(state,
		    "enabledForReportingButNotEnforced") ? "OV-IAM-052" :
		    "OV-IAM-051", p);
		ov_duty__title(&df, "Conditional Access policy '%s' is %s",
		    ov_identity__label(p), state != NULL && ov__streq_ci(state,
		    "enabledForReportingButNotEnforced") ? "report-only, not "
		    "enforced" : state != NULL ? state : "in an unknown state");
		ov_duty__ev_str(&df, "state", state, "policy is not enforced");
		if ((error = ov_duty__emit(&df, rec_changed(p))) < 0)
			return error;
	}
	snprintf(rid, sizeof(rid), "/tenants/%s/conditionalAccess",
	    tenant_id != NULL ? tenant_id : "unknown");
	if (!ca->mfa_admins) {
		ov_duty__begin(&df, actx, "OV-IAM-053", NULL);
		df.f.resource_id = rid;
		df.f.resource_type = T_CA;
		ov_duty__title(&df, "No enabled Conditional Access policy "
		    "requires MFA for administrator roles");
		ov_duty__ev_int(&df, "conditionalAccessPolicies",
		    (int64_t)l->len, "policies examined; none is enabled, "
		    "requires mfa for all apps and includes Global "
		    "Administrator (or all users)");
		if ((error = ov_duty__emit(&df, actx->now)) < 0)
			return error;
	}
	if (!ca->mfa_all) {
		ov_duty__begin(&df, actx, "OV-IAM-054", NULL);
		df.f.resource_id = rid;
		df.f.resource_type = T_CA;
		ov_duty__title(&df, "No enabled Conditional Access policy "
		    "requires MFA for all users");
		ov_duty__ev_int(&df, "conditionalAccessPolicies",
		    (int64_t)l->len, "policies examined; none is enabled with "
		    "includeUsers All, all apps and an mfa grant");
		if ((error = ov_duty__emit(&df, actx->now)) < 0)
			return error;
	}
	if (!ca->block_eas || !ca->block_other) {
		ov_duty__begin(&df, actx, "OV-IAM-055", NULL);
		df.f.resource_id = rid;
		df.f.resource_type = T_CA;
		ov_duty__title(&df, "Legacy authentication is not blocked");
		ov_duty__ev(&df, "conditions.clientAppTypes",
		    ca->block_eas ? "true" : "false", "exchangeActiveSync clients "
		    "blocked for all users by an enabled policy");
		ov_duty__ev(&df, "conditions.clientAppTypes",
		    ca->block_other ? "true" : "false", "other (legacy protocol) "
		    "clients blocked for all users by an enabled policy");
		if ((error = ov_duty__emit(&df, actx->now)) < 0)
			return error;
	}
	return 0;
}

/* --- privileged principals ---------------------------------------------- */

/* The user with this object id. */
const struct ov_record *
ov_identity__user(const struct id_state *st, const char *id)
{
	return graph_record(st, T_USER, id);
}

static const struct ov_record *
reg_of(const struct id_state *st, const char *id)
{
	return graph_record(st, T_REG, id);
}

static bool
is_guest(struct id_state *st, const char *principal_id,
    const struct ov_record *assignment)
{
	struct id_user ut;
	struct id_reg rt;
	const struct id_user *u = ov_identity__u(ov_identity__user(st,
	    principal_id), &ut);
	const struct id_reg *r = ov_identity__reg(reg_of(st, principal_id),
	    &rt);
	const char *t = u != NULL ? u->type : NULL, *upn;

	if (t == NULL && assignment != NULL)
		t = ov_model__str(assignment, "principal.userType");
	if (t == NULL && r != NULL)
		t = r->type;
	if (t != NULL && ov__streq_ci(t, "Guest"))
		return true;
	upn = u != NULL ? u->upn : NULL;
	if (upn == NULL && assignment != NULL)
		upn = ov_model__str(assignment, "principal.userPrincipalName");
	return ov_duty__contains_ci(upn, "#EXT#");
}

static const char *
principal_label(struct id_state *st, const char *pid,
    const struct ov_record *assignment)
{
	struct id_user ut;
	const struct id_user *u = ov_identity__u(ov_identity__user(st, pid),
	    &ut);
	const char *s = u != NULL ? u->upn : NULL;

	if (s == NULL && assignment != NULL)
		s = ov_model__str(assignment, "principal.userPrincipalName");
	if (s == NULL && assignment != NULL)
		s = ov_model__str(assignment, "principal.displayName");
	return s != NULL ? s : pid;
}

/* Is the principal a user (not a group or service principal)? */
static bool
is_user_principal(struct id_state *st, const char *pid,
    const struct ov_record *a, const char *principal_type)
{
	const char *ot;

	if (principal_type != NULL)
		return ov__streq_ci(principal_type, "User");
	if (ov_identity__user(st, pid) != NULL)
		return true;
	if (reg_of(st, pid) != NULL)
		return true;
	ot = ov_json_string(ov_json_get(ov_model__field(a, "principal"),
	    "@odata.type"));
	return ot != NULL && ov__streq_ci(ot, "#microsoft.graph.user");
}

/*
 * MFA registration of a user: 1 registered, 0 not registered, -1 unknown
 * (registration details not collected or no row for the user).
 */
static int
mfa_registered(struct id_state *st, const char *pid)
{
	struct id_reg rt;
	const struct id_reg *r;

	if (!st->reg_collected || pid == NULL)
		return -1;
	if ((r = ov_identity__reg(reg_of(st, pid), &rt)) == NULL)
		return -1;
	return (r->flags & ID_R_MFA) ? 1 : 0;
}

/* Emit "holder of a privileged role without MFA" and the guest finding. */
static int
check_holder(struct id_state *st, const struct ov_record *a, const char *pid,
    const char *role, const char *scope, bool azure)
{
	struct ov_analyzer_ctx *actx = st->actx;
	struct ov_duty_finding df;
	const char *who = principal_label(st, pid, azure ? NULL : a);
	int mfa = mfa_registered(st, pid);
	int error;

	if (mfa != 1 && (mfa == 0 || st->reg_collected)) {
		ov_duty__begin(&df, actx, azure ? "OV-IAM-057" :
		    "OV-IAM-056", a);
		if (ov__streq_ci(role, "Global Administrator") ||
		    ov__streq_ci(role, "Owner"))
			ov_duty__severity(&df, OV_SEV_CRITICAL);
		if (mfa < 0)
			ov_duty__state(&df, OV_STATE_INDETERMINATE);
		ov_duty__title(&df, "%s holds %s%s%s %s", who, role,
		    scope != NULL ? " at " : "", scope != NULL ? scope : "",
		    mfa == 0 ? "without MFA registration" :
		    "with no MFA registration record");
		ov_duty__ev_str(&df, "principalId", pid, "privileged principal");
		ov_duty__ev(&df, "userRegistrationDetails.isMfaRegistered",
		    mfa == 0 ? "false" : NULL, mfa == 0 ? "no MFA method "
		    "registered" : "the user has no registration details row");
		if ((error = ov_duty__emit(&df, rec_changed(a) != 0 ?
		    rec_changed(a) : actx->now)) < 0)
			return error;
	}
	if (is_guest(st, pid, azure ? NULL : a)) {
		ov_duty__begin(&df, actx, "OV-IAM-062", a);
		ov_duty__title(&df, "Guest %s holds privileged role %s", who,
		    role);
		ov_duty__ev_str(&df, "principalId", pid, "guest (external) "
		    "account");
		ov_duty__ev_str(&df, azure ? "properties.roleDefinitionId" :
		    "roleDefinitionId", role, "privileged role");
		if ((error = ov_duty__emit(&df, rec_changed(a) != 0 ?
		    rec_changed(a) : actx->now)) < 0)
			return error;
	}
	return 0;
}

/* A role assignment that lapses by itself is not standing privilege. */
static bool
is_standing(const struct ov_record *a)
{
	const char *t = ov_model__str(a, "assignmentType");
	const ov_json *end = ov_model__field(a, "endDateTime");

	if (t != NULL && ov__streq_ci(t, "Activated"))
		return false;
	return end == NULL || ov_json_type_of(end) == OV_JSON_NULL;
}

struct holder_count {
	const char	*key;		/* role (+ scope) */
	const char	*role;		/* display name */
	const char	*scope;		/* scope or NULL */
	size_t		 n;		/* standing holders */
	const struct ov_record *first;	/* first assignment seen */
};

#define MAX_COUNTS 256

static int
bump(struct holder_count *hc, size_t *n_hc, const char *key,
    const char *role, const char *scope, const struct ov_record *a)
{
	size_t i;

	for (i = 0; i < *n_hc; i++)
		if (ov__streq_ci(hc[i].key, key)) {
			hc[i].n++;
			return 0;
		}
	if (*n_hc >= MAX_COUNTS)
		return 0;
	hc[*n_hc].key = key;
	hc[*n_hc].role = role;
	hc[*n_hc].scope = scope;
	hc[*n_hc].n = 1;
	hc[*n_hc].first = a;
	(*n_hc)++;
	return 0;
}

static const char *
rbac_scope(const struct ov_record *a, struct ov_arena *ar)
{
	const char *s = ov_model__str(a, "properties.scope");
	size_t n;

	if (s != NULL)
		return s;
	/* derive it from the assignment id */
	n = ov_duty__prefix_len(a->id, "/providers/Microsoft.Authorization/"
	    "roleAssignments");
	if (n == 0)
		return NULL;	/* root scope ids start with the provider */
	return ov__arena_strndup(ar, a->id, n);
}

/* Management group or subscription scope (not resource group or below). */
static bool
broad_scope(const char *scope)
{
	size_t n, slashes = 0, i;

	if (scope == NULL)
		return false;
	if (strcmp(scope, "/") == 0)
		return true;
	if (ov_duty__contains_ci(scope, "/providers/Microsoft.Management/"
	    "managementGroups/"))
		return ov_duty__prefix_len(scope,
		    "/providers/Microsoft.Management/") == 0;
	n = strlen(scope);
	while (n > 1 && scope[n - 1] == '/')
		n--;
	for (i = 0; i < n; i++)
		if (scope[i] == '/')
			slashes++;
	return slashes == 2 && ov__eq_ci(scope, 15, "/subscriptions/", 15);
}

static int
check_privilege(struct id_state *st)
{
	struct ov_analyzer_ctx *actx = st->actx;
	const struct ov_snapshot *s = actx->snap;
	const struct ov_contract_duty *d = ov_contract__duty(actx->contract,
	    DUTY);
	int64_t max_standing = d != NULL ? d->max_standing_privileged : 5;
	struct holder_count *hc;
	const struct ov_record_list *l;
	struct ov_duty_finding df;
	size_t i, n_hc = 0;
	char rid[256];
	int error = 0;
	struct ov_arena ar;

	ov__arena_init(&ar, 4096, 0);
	if ((hc = ov__arena_calloc(&ar, MAX_COUNTS, sizeof(*hc))) == NULL) {
		error = ov__error_oom(actx->ctx);
		goto done;
	}
	l = ov_model__by_type(s, T_DIRRA);
	for (i = 0; i < l->len; i++) {
		const struct ov_record *a = l->items[i];
		const char *role = ov_identity__role_name(
		    ov_identity__role_template(s, a));
		const char *pid = ov_model__str(a, "principalId");

		if (role == NULL)
			continue;
		if (is_user_principal(st, pid, a, NULL) &&
		    (error = check_holder(st, a, pid, role, NULL, false)) < 0)
			goto done;
		if (is_standing(a))
			bump(hc, &n_hc, role, role, NULL, a);
	}
	l = ov_model__by_type(s, T_RBAC);
	for (i = 0; i < l->len; i++) {
		const struct ov_record *a = l->items[i];
		const char *role = azure_role_name(ov_model__str(a,
		    "properties.roleDefinitionId"));
		const char *scope = rbac_scope(a, &ar);
		const char *pid = ov_model__str(a, "properties.principalId");
		const char *ptype = ov_model__str(a, "properties.principalType");

		if (role == NULL || !broad_scope(scope))
			continue;
		if (is_user_principal(st, pid, a, ptype) &&
		    (error = check_holder(st, a, pid, role, scope, true)) < 0)
			goto done;
		if (!ov__streq_ci(role, "Contributor") && is_standing(a)) {
			const char *key = ov__arena_printf(&ar, "%s@%s", role,
			    scope);

			if (key == NULL) {
				error = ov__error_oom(actx->ctx);
				goto done;
			}
			bump(hc, &n_hc, key, role, scope, a);
		}
	}
	if (max_standing < 0)
		goto done;
	for (i = 0; i < n_hc; i++) {
		if ((int64_t)hc[i].n <= max_standing)
			continue;
		if (hc[i].scope != NULL)
			snprintf(rid, sizeof(rid), "%s/providers/overvisor/"
			    "standingPrivilege/%s", strcmp(hc[i].scope, "/") ==
			    0 ? "" : hc[i].scope, hc[i].role);
		else
			snprintf(rid, sizeof(rid), "/tenants/%s/directoryRoles/"
			    "%s", s->tenant_id != NULL ? s->tenant_id :
			    "unknown", hc[i].role);
		ov_duty__begin(&df, actx, "OV-IAM-058", NULL);
		df.f.resource_id = rid;
		df.f.resource_type = hc[i].scope != NULL ? T_RBAC : T_DIRRA;
		ov_duty__title(&df, "%zu permanent holders of %s%s%s (contract "
		    "allows %lld)", hc[i].n, hc[i].role, hc[i].scope != NULL ?
		    " at " : "", hc[i].scope != NULL ? hc[i].scope : "",
		    (long long)max_standing);
		ov_duty__ev_int(&df, "standingHolders", (int64_t)hc[i].n,
		    "active assignments without an end date");
		ov_duty__ev_int(&df, "contract.duties.identity-review."
		    "max-standing-privileged", max_standing, "limit");
		if ((error = ov_duty__emit(&df, actx->now)) < 0)
			goto done;
	}
done:
	ov__arena_free(&ar);
	return error;
}

/* --- credentials -------------------------------------------------------- */

/*
 * OV-IAM-071: credentials of a service principal that expire within the
 * window (applications: the rule OV-ENT-012).
 */
static int
check_expiring(struct id_state *st, const struct ov_record *r)
{
	struct ov_analyzer_ctx *actx = st->actx;
	const ov_json *pw = ov_model__field(r, "passwordCredentials");
	const ov_json *keys = ov_model__field(r, "keyCredentials");
	struct ov_duty_finding df;
	size_t i, n = 0;
	int64_t first = 0;

	ov_duty__begin(&df, actx, "OV-IAM-071", r);
	for (i = 0; i < ov_json_len(pw) + ov_json_len(keys); i++) {
		bool is_pw = i < ov_json_len(pw);
		const ov_json *c = is_pw ? ov_json_at(pw, i) :
		    ov_json_at(keys, i - ov_json_len(pw));
		int64_t end;

		if (!ov_duty__time(ov_json_get(c, "endDateTime"), &end) ||
		    end < actx->now || end - actx->now > EXPIRY_WINDOW)
			continue;
		n++;
		if (first == 0 || end < first)
			first = end;
		ov_duty__ev_str(&df, is_pw ? "passwordCredentials.endDateTime" :
		    "keyCredentials.endDateTime", ov_json_string(ov_json_get(c,
		    "endDateTime")), "%s %s expires in %lld days",
		    is_pw ? "secret" : "certificate",
		    ov_json_string(ov_json_get(c, "keyId")) != NULL ?
		    ov_json_string(ov_json_get(c, "keyId")) : "",
		    (long long)ov_duty__days(end - actx->now));
	}
	if (n == 0) {
		ov_duty__discard(&df);
		return 0;
	}
	ov_duty__title(&df, "%zu credential%s of service principal '%s' "
	    "expire%s within 30 days", n, n == 1 ? "" : "s",
	    ov_identity__label(r), n == 1 ? "s" : "");
	return ov_duty__emit(&df, first - EXPIRY_WINDOW);
}

static int
check_credentials(struct id_state *st, const struct ov_record *r, bool is_app)
{
	struct ov_analyzer_ctx *actx = st->actx;
	const struct ov_contract_duty *d = ov_contract__duty(actx->contract,
	    DUTY);
	int64_t max_life = d != NULL && d->secret_max_lifetime > 0 ?
	    d->secret_max_lifetime : 180 * (int64_t)OV_DAY_SECONDS;
	const ov_json *pw = ov_model__field(r, "passwordCredentials");
	const ov_json *keys = ov_model__field(r, "keyCredentials");
	const char *sptype = ov_model__str(r, "servicePrincipalType");
	struct ov_duty_finding df;
	size_t i, n_live = 0;
	int64_t earliest_start = 0;
	int error;

	if (sptype != NULL && ov__streq_ci(sptype, "ManagedIdentity"))
		return 0;
	if (!is_app && (error = check_expiring(st, r)) < 0)
		return error;
	/* A body without the credential lists (a $select without them)
	 * says nothing about them: neither check passes on it. */
	if ((pw == NULL && (error = ov_analyzer__unknown(actx, "OV-IAM-059",
	    r->id)) < 0) || ((pw == NULL || keys == NULL) &&
	    (error = ov_analyzer__unknown(actx, "OV-IAM-061", r->id)) < 0))
		return error;
	/* OV-IAM-059: client secrets in use; OV-IAM-060: too long-lived */
	ov_duty__begin(&df, actx, "OV-IAM-059", r);
	for (i = 0; i < ov_json_len(pw); i++) {
		const ov_json *c = ov_json_at(pw, i);
		int64_t start = 0, end = 0;

		if (ov_duty__time(ov_json_get(c, "endDateTime"), &end) &&
		    end < actx->now)
			continue;	/* expired: OV-IAM-061 */
		(void)ov_duty__time(ov_json_get(c, "startDateTime"), &start);
		n_live++;
		if (start != 0 && (earliest_start == 0 ||
		    start < earliest_start))
			earliest_start = start;
		ov_duty__ev_str(&df, "passwordCredentials.keyId",
		    ov_json_string(ov_json_get(c, "keyId")), "client secret "
		    "'%s'", ov_json_string(ov_json_get(c, "displayName")) !=
		    NULL ? ov_json_string(ov_json_get(c, "displayName")) :
		    "(unnamed)");
	}
	if (n_live > 0) {
		ov_duty__title(&df, "%s '%s' authenticates with %zu client "
		    "secret%s instead of a certificate or managed identity",
		    is_app ? "Application" : "Service principal", ov_identity__label(r),
		    n_live, n_live == 1 ? "" : "s");
		if ((error = ov_duty__emit(&df, earliest_start != 0 ?
		    earliest_start : actx->now)) < 0)
			return error;
	} else {
		ov_duty__discard(&df);
	}
	for (i = 0; i < ov_json_len(pw); i++) {
		const ov_json *c = ov_json_at(pw, i);
		int64_t start, end;
		char rid[512];

		if (!ov_duty__time(ov_json_get(c, "startDateTime"), &start) ||
		    !ov_duty__time(ov_json_get(c, "endDateTime"), &end) ||
		    end < actx->now || end - start <= max_life)
			continue;
		snprintf(rid, sizeof(rid), "%s/passwordCredentials/%s", r->id,
		    ov_json_string(ov_json_get(c, "keyId")) != NULL ?
		    ov_json_string(ov_json_get(c, "keyId")) : "unknown");
		ov_duty__begin(&df, actx, "OV-IAM-060", r);
		df.f.resource_id = rid;
		ov_duty__title(&df, "Client secret of '%s' is valid for %lld "
		    "days (contract allows %lld)", ov_identity__label(r),
		    (long long)ov_duty__days(end - start),
		    (long long)ov_duty__days(max_life));
		ov_duty__ev_str(&df, "passwordCredentials.endDateTime",
		    ov_json_string(ov_json_get(c, "endDateTime")), "expiry");
		ov_duty__ev_str(&df, "passwordCredentials.startDateTime",
		    ov_json_string(ov_json_get(c, "startDateTime")), "created");
		if ((error = ov_duty__emit(&df, start + max_life)) < 0)
			return error;
	}
	/* OV-IAM-061: expired credentials still present */
	{
		size_t n_expired = 0;
		int64_t first_end = 0;

		ov_duty__begin(&df, actx, "OV-IAM-061", r);
		for (i = 0; i < ov_json_len(pw) + ov_json_len(keys); i++) {
			bool is_pw = i < ov_json_len(pw);
			const ov_json *c = is_pw ? ov_json_at(pw, i) :
			    ov_json_at(keys, i - ov_json_len(pw));
			int64_t end;

			if (!ov_duty__time(ov_json_get(c, "endDateTime"), &end) ||
			    end >= actx->now)
				continue;
			n_expired++;
			if (first_end == 0 || end < first_end)
				first_end = end;
			ov_duty__ev_str(&df, is_pw ? "passwordCredentials" :
			    "keyCredentials", ov_json_string(ov_json_get(c,
			    "endDateTime")), "%s %s expired",
			    is_pw ? "secret" : "certificate",
			    ov_json_string(ov_json_get(c, "keyId")) != NULL ?
			    ov_json_string(ov_json_get(c, "keyId")) : "");
		}
		if (n_expired == 0) {
			ov_duty__discard(&df);
			return 0;
		}
		ov_duty__title(&df, "%zu expired credential%s still present on "
		    "'%s'", n_expired, n_expired == 1 ? "" : "s", ov_identity__label(r));
		return ov_duty__emit(&df, first_end);
	}
}

static int
run(struct ov_analyzer_ctx *actx)
{
	const struct ov_snapshot *s = actx->snap;
	struct id_state st;
	struct ov_buf missing = OV_BUF_INIT(1024);
	const struct ov_record_list *l;
	bool ca, roles, rbac, creds;
	size_t i;
	int error = 0;

	memset(&st, 0, sizeof(st));
	st.actx = actx;
	st.ca_collected = ca = ov_model__type_collected(s, T_CA);
	st.roles_collected = roles = ov_model__type_collected(s, T_DIRRA);
	rbac = ov_model__type_collected(s, T_RBAC);
	creds = ov_model__type_collected(s, T_SP) ||
	    ov_model__type_collected(s, T_APP);
	st.reg_collected = ov_model__type_collected(s, T_REG);
	st.users_collected = ov_model__type_collected(s, T_USER);
	if (!ca)
		(void)ov__buf_puts(&missing, ", Conditional Access policies");
	if (!roles)
		(void)ov__buf_puts(&missing, ", directory role assignments");
	if (!st.reg_collected)
		(void)ov__buf_puts(&missing, ", MFA registration details");
	if (!rbac)
		(void)ov__buf_puts(&missing, ", Azure role assignments");
	if (!creds)
		(void)ov__buf_puts(&missing, ", applications and service "
		    "principals");
	if (missing.len > 0) {
		char what[600];

		snprintf(what, sizeof(what), "not in the snapshot: %s",
		    ov__buf_cstr(&missing) + 2);
		if ((error = ov_duty__coverage(actx, "OV-IAM-069", what)) < 0)
			goto done;
	}
	if (ca && (error = check_ca(&st)) < 0)
		goto done;
	if ((error = check_privilege(&st)) < 0 ||
	    (error = ov_identity__tenant(&st)) < 0)
		goto done;
	/* Every service principal and application meets the secret and
	 * expiry checks; a body without credential lists is vetoed there. */
	if ((error = ov_analyzer__ran(actx, "OV-IAM-059", T_SP)) < 0 ||
	    (error = ov_analyzer__ran(actx, "OV-IAM-059", T_APP)) < 0 ||
	    (error = ov_analyzer__ran(actx, "OV-IAM-061", T_SP)) < 0 ||
	    (error = ov_analyzer__ran(actx, "OV-IAM-061", T_APP)) < 0)
		goto done;
	l = ov_model__by_type(s, T_SP);
	for (i = 0; i < l->len; i++)
		if ((error = check_credentials(&st, l->items[i], false)) < 0)
			goto done;
	l = ov_model__by_type(s, T_APP);
	for (i = 0; i < l->len; i++)
		if ((error = check_credentials(&st, l->items[i], true)) < 0)
			goto done;
done:
	ov__buf_free(&missing);
	return error;
}

static const struct ov_analyzer_read reads[] = {
	/* the tenant questions (tenant.c) read most of the other Graph
	 * objects, of which a tenant has few */
	{ T_CA, "*" },
	{ T_DIRRA, "*" },
	{ T_RBAC, "*" },
	/* users and registration details, the types a tenant has most of,
	 * are packed instead (accounts.c, ov_identity__packs) */
	{ T_GROUP, "*" },
	{ T_ROLEDEF, "*" },
	{ T_ELIG, "*" },
	{ T_SP, "*" },
	{ T_APP, "*" },
	{ T_SECDEF, "*" },
	{ T_NAMEDLOC, "*" },
	{ T_ORG, "*" },
	{ NULL, NULL }
};

const struct ov_analyzer ov_analyzer_identity = {
	"identity",
	"Identity: Conditional Access, privileged roles and MFA, standing "
	    "privilege, application credentials, guests, Entra tenant posture",
	DUTY,
	run,
	reads,
	ov_identity__packs
};
