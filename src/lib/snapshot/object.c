/* SPDX-License-Identifier: MIT */
/*
 * Turning one JSON object into a record: which type it is and which id it
 * gets.  ARM and Resource Graph objects say both; Microsoft Graph objects
 * say neither, so their type comes from @odata.type, the manifest, the
 * collection's @odata.context or, last, their shape.
 */
#include <stdio.h>
#include <string.h>

#include "lib/snapshot/snapshot_int.h"
#include "util/alloc.h"
#include "util/error.h"

/* Graph entity (singular, as in @odata.type) -> collection type. */
static const struct {
	const char	*entity;	/* microsoft.graph.<entity> */
	const char	*type;		/* record type */
} graph_entities[] = {
	{ "user", "Microsoft.Graph/users" },
	{ "group", "Microsoft.Graph/groups" },
	{ "servicePrincipal", "Microsoft.Graph/servicePrincipals" },
	{ "application", "Microsoft.Graph/applications" },
	{ "conditionalAccessPolicy", "Microsoft.Graph/conditionalAccessPolicies" },
	{ "userRegistrationDetails", "Microsoft.Graph/userRegistrationDetails" },
	{ "unifiedRoleAssignment", "Microsoft.Graph/roleAssignments" },
	{ "unifiedRoleDefinition", "Microsoft.Graph/roleDefinitions" },
	{ "directoryRole", "Microsoft.Graph/directoryRoles" },
	{ "signIn", "Microsoft.Graph/signIns" },
	{ "directoryAudit", "Microsoft.Graph/directoryAudits" },
	{ "credentialUserRegistrationDetails",
	    "Microsoft.Graph/credentialUserRegistrationDetails" },
	{ "passwordCredential", "Microsoft.Graph/passwordCredentials" },
	{ "selfSignedCertificate", "Microsoft.Graph/selfSignedCertificates" },
	{ "unifiedRoleEligibilitySchedule",
	    "Microsoft.Graph/roleEligibilitySchedules" },
	{ "organization", "Microsoft.Graph/organization" },
	/* Tenant settings: singletons keep their own name. */
	{ "authorizationPolicy", "Microsoft.Graph/authorizationPolicy" },
	{ "identitySecurityDefaultsEnforcementPolicy",
	    "Microsoft.Graph/identitySecurityDefaultsEnforcementPolicy" },
	{ "authenticationMethodsPolicy",
	    "Microsoft.Graph/authenticationMethodsPolicy" },
	{ "ipNamedLocation", "Microsoft.Graph/namedLocations" },
	{ "countryNamedLocation", "Microsoft.Graph/namedLocations" },
	{ "namedLocation", "Microsoft.Graph/namedLocations" },
	{ "groupSetting", "Microsoft.Graph/groupSettings" },
	{ "directorySetting", "Microsoft.Graph/groupSettings" },
};

/* @odata.context path (after "#") -> collection type. */
static const struct {
	const char	*path;		/* lower-case match, prefix of path */
	const char	*type;		/* record type */
} graph_contexts[] = {
	{ "users", "Microsoft.Graph/users" },
	{ "groups", "Microsoft.Graph/groups" },
	{ "serviceprincipals", "Microsoft.Graph/servicePrincipals" },
	{ "applications", "Microsoft.Graph/applications" },
	{ "identity/conditionalaccess/policies",
	    "Microsoft.Graph/conditionalAccessPolicies" },
	{ "conditionalaccess/policies",
	    "Microsoft.Graph/conditionalAccessPolicies" },
	{ "reports/authenticationmethods/userregistrationdetails",
	    "Microsoft.Graph/userRegistrationDetails" },
	{ "rolemanagement/directory/roleassignments",
	    "Microsoft.Graph/roleAssignments" },
	{ "rolemanagement/directory/roledefinitions",
	    "Microsoft.Graph/roleDefinitions" },
	{ "directoryroles", "Microsoft.Graph/directoryRoles" },
	{ "auditlogs/signins", "Microsoft.Graph/signIns" },
	{ "auditlogs/directoryaudits", "Microsoft.Graph/directoryAudits" },
	{ "rolemanagement/directory/roleeligibilityschedules",
	    "Microsoft.Graph/roleEligibilitySchedules" },
	{ "organization", "Microsoft.Graph/organization" },
	{ "policies/authorizationpolicy",
	    "Microsoft.Graph/authorizationPolicy" },
	{ "policies/identitysecuritydefaultsenforcementpolicy",
	    "Microsoft.Graph/identitySecurityDefaultsEnforcementPolicy" },
	{ "policies/authenticationmethodspolicy",
	    "Microsoft.Graph/authenticationMethodsPolicy" },
	{ "identity/conditionalaccess/namedlocations",
	    "Microsoft.Graph/namedLocations" },
	{ "groupsettings", "Microsoft.Graph/groupSettings" },
};

static const char *
entity_type(const char *entity, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(graph_entities) / sizeof(graph_entities[0]);
	    i++)
		if (ov__eq_ci(entity, n, graph_entities[i].entity,
		    strlen(graph_entities[i].entity)))
			return graph_entities[i].type;
	return NULL;
}

/*
 * The type named by an @odata.context URL such as
 * ".../v1.0/$metadata#users(displayName)" or
 * ".../$metadata#Collection(microsoft.graph.x)", or NULL.
 */
const char *
ov_snap__graph_type_from_context(const char *context)
{
	const char *frag, *p;
	size_t i, n, k;

	if (context == NULL || (frag = strchr(context, '#')) == NULL)
		return NULL;
	frag++;
	if (ov__startswith_ci(frag, "Collection(microsoft.graph.")) {
		p = frag + strlen("Collection(microsoft.graph.");
		n = strcspn(p, ")");
		return entity_type(p, n);
	}
	if (ov__startswith_ci(frag, "microsoft.graph.")) {
		p = frag + strlen("microsoft.graph.");
		return entity_type(p, strcspn(p, "/("));
	}
	n = strcspn(frag, "(");
	for (i = 0; i < sizeof(graph_contexts) / sizeof(graph_contexts[0]);
	    i++) {
		k = strlen(graph_contexts[i].path);
		if (n >= k && ov__eq_ci(frag, k, graph_contexts[i].path, k) &&
		    (n == k || frag[k] == '/' || frag[k] == '('))
			return graph_contexts[i].type;
	}
	return NULL;
}

/*
 * The type for "#microsoft.graph.user"; an unknown entity becomes
 * "Microsoft.Graph/<entity>" (allocated from a) rather than a guess.
 */
const char *
ov_snap__graph_type_from_odata(struct ov_arena *a, const char *odata_type)
{
	const char *e, *t;

	if (odata_type == NULL)
		return NULL;
	e = odata_type;
	if (*e == '#')
		e++;
	if (ov__startswith_ci(e, "microsoft.graph."))
		e += strlen("microsoft.graph.");
	else
		return NULL;
	if ((t = entity_type(e, strlen(e))) != NULL)
		return t;
	return ov__arena_printf(a, "Microsoft.Graph/%s", e);
}

static bool
has(const ov_json *obj, const char *key)
{
	return ov_json_get(obj, key) != NULL;
}

/* Last resort for Graph objects without any type hint: their shape. */
static const char *
graph_type_from_shape(const ov_json *o)
{
	if (has(o, "isMfaRegistered") || has(o, "methodsRegistered"))
		return "Microsoft.Graph/userRegistrationDetails";
	if (has(o, "roleDefinitionId") && has(o, "principalId") &&
	    (has(o, "directoryScopeId") || has(o, "resourceScope")))
		return "Microsoft.Graph/roleAssignments";
	if (has(o, "defaultUserRolePermissions"))
		return "Microsoft.Graph/authorizationPolicy";
	if (has(o, "authenticationMethodConfigurations"))
		return "Microsoft.Graph/authenticationMethodsPolicy";
	if (has(o, "isTrusted") && (has(o, "ipRanges") ||
	    has(o, "countriesAndRegions")))
		return "Microsoft.Graph/namedLocations";
	if (has(o, "templateId") && has(o, "values"))
		return "Microsoft.Graph/groupSettings";
	if (has(o, "grantControls") && has(o, "conditions"))
		return "Microsoft.Graph/conditionalAccessPolicies";
	if (has(o, "servicePrincipalType") ||
	    (has(o, "appId") && has(o, "appOwnerOrganizationId")))
		return "Microsoft.Graph/servicePrincipals";
	if (has(o, "appId") && has(o, "signInAudience"))
		return "Microsoft.Graph/applications";
	if (has(o, "userPrincipalName") && has(o, "ipAddress"))
		return "Microsoft.Graph/signIns";
	if (has(o, "activityDisplayName") && has(o, "initiatedBy"))
		return "Microsoft.Graph/directoryAudits";
	if (has(o, "userPrincipalName") || has(o, "mailNickname"))
		return "Microsoft.Graph/users";
	if (has(o, "roleTemplateId"))
		return "Microsoft.Graph/directoryRoles";
	if (has(o, "groupTypes") || has(o, "securityEnabled"))
		return "Microsoft.Graph/groups";
	if (has(o, "keyId") && has(o, "endDateTime"))
		return ov_json_get(o, "thumbprint") != NULL ?
		    "Microsoft.Graph/selfSignedCertificates" :
		    "Microsoft.Graph/passwordCredentials";
	return NULL;
}

static int
hash_sink(const char *data, size_t len, void *payload)
{
	uint64_t *h = payload;
	size_t i;

	for (i = 0; i < len; i++) {
		*h ^= (unsigned char)data[i];
		*h *= 0x100000001b3ULL;
	}
	return 0;
}

/*
 * A content hash, so a synthetic id is the same wherever the object is;
 * 0 when it cannot be computed (memory), which no id may be built from.
 */
static uint64_t
content_hash(const ov_json *obj)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	if (ov_json_write(obj, OV_JSON_W_SORTED, hash_sink, &h) < 0)
		return 0;
	return h != 0 ? h : 1;
}

/*
 * The type and id an object gets as a record (load.c adds it).  type
 * overrides what the object says; synthetic ids and types are allocated
 * from the unit's scratch arena.  Returns 0 or OV_ENOMEM.
 */
int
ov_snap__object_identity(struct load_ctx *lc, const ov_json *obj,
    const char *type, const char **id_out, const char **type_out)
{
	const char *id, *t, *oid;
	uint64_t h;

	id = ov_json_string(ov_json_get(obj, "id"));
	t = type;
	if (t == NULL) {
		t = ov_json_string(ov_json_get(obj, "type"));
		if (t != NULL && strchr(t, '/') == NULL)
			t = NULL;	/* e.g. a key credential's "type" */
	}
	if (t == NULL && (t = ov_snap__graph_type_from_odata(lc->scratch,
	    ov_json_string(ov_json_get(obj, "@odata.type")))) == NULL &&
	    ov__startswith_ci(ov_json_string(ov_json_get(obj, "@odata.type")) !=
	    NULL ? ov_json_string(ov_json_get(obj, "@odata.type")) : "",
	    "#microsoft.graph."))
		return ov__error_oom(lc->ctx);
	if (t == NULL && lc->default_type != NULL)
		t = lc->default_type;
	if (t == NULL && (id == NULL || id[0] != '/'))
		t = graph_type_from_shape(obj);
	if (id != NULL && id[0] == '/' &&
	    !ov__startswith_ci(t != NULL ? t : "", "Microsoft.Graph/")) {
		/* An ARM id: the record keeps it. */
	} else if (t != NULL && ov__startswith_ci(t, "Microsoft.Graph/")) {
		oid = id != NULL && *id != '\0' ? id :
		    ov_json_string(ov_json_get(obj, "keyId"));
		if (oid != NULL)
			id = ov__arena_printf(lc->scratch, "/providers/%s/%s", t,
			    oid);
		else if ((h = content_hash(obj)) == 0)
			return ov__error_oom(lc->ctx);
		else
			id = ov__arena_printf(lc->scratch, "/providers/%s/%016llx",
			    t, (unsigned long long)h);
	} else {
		if (t == NULL)
			t = "unknown";
		if ((h = content_hash(obj)) == 0)
			return ov__error_oom(lc->ctx);
		id = ov__arena_printf(lc->scratch, "urn:overvisor:%s:%016llx", t,
		    (unsigned long long)h);
	}
	if (id == NULL)
		return ov__error_oom(lc->ctx);
	*id_out = id;
	*type_out = t;
	return 0;
}
