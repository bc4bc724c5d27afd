/* SPDX-License-Identifier: MIT */
/*
 * Every source overvisor collect knows, in manifest order:
 * OV_SOURCE(id, manifest name, kind, file, record type, API version,
 *           table or path, what a 403 needs).
 * Resource Graph tables are queried whole; Graph paths are relative to
 * {microsoftGraph}/v1.0/.  docs/collect.md lists what each one feeds.
 */
OV_SOURCE(OV_SRC_ARG_RESOURCES, "arg:resources", OV_KIND_ARG,
    "arg-resources.ndjson", NULL, "2022-10-01", "resources",
    "Reader on the subscriptions")
OV_SOURCE(OV_SRC_ARG_CONTAINERS, "arg:resourcecontainers", OV_KIND_ARG,
    "arg-resourcecontainers.ndjson", NULL, "2022-10-01", "resourcecontainers",
    "Reader on the subscriptions")
OV_SOURCE(OV_SRC_ARG_SECURITY, "arg:securityresources", OV_KIND_ARG,
    "arg-securityresources.ndjson", NULL, "2022-10-01", "securityresources",
    "Security Reader (or Reader) on the subscriptions")
OV_SOURCE(OV_SRC_ARG_PATCH, "arg:patchassessmentresources", OV_KIND_ARG,
    "arg-patchassessmentresources.ndjson", NULL, "2022-10-01",
    "patchassessmentresources", "Reader on the subscriptions")
OV_SOURCE(OV_SRC_ARG_PATCHINST, "arg:patchinstallationresources",
    OV_KIND_ARG, "arg-patchinstallationresources.ndjson", NULL, "2022-10-01",
    "patchinstallationresources", "Reader on the subscriptions")
OV_SOURCE(OV_SRC_ARG_BACKUP, "arg:recoveryservicesresources", OV_KIND_ARG,
    "arg-recoveryservicesresources.ndjson", NULL, "2022-10-01",
    "recoveryservicesresources", "Reader on the subscriptions")
OV_SOURCE(OV_SRC_ARG_AUTHZ, "arg:authorizationresources", OV_KIND_ARG,
    "arg-authorizationresources.ndjson", NULL, "2022-10-01",
    "authorizationresources", "Reader on the subscriptions")
OV_SOURCE(OV_SRC_ARG_POLICY, "arg:policyresources", OV_KIND_ARG,
    "arg-policyresources.ndjson", NULL, "2022-10-01", "policyresources",
    "Reader on the subscriptions")
OV_SOURCE(OV_SRC_ARG_MAINT, "arg:maintenanceresources", OV_KIND_ARG,
    "arg-maintenanceresources.ndjson", NULL, "2022-10-01",
    "maintenanceresources", "Reader on the subscriptions")
OV_SOURCE(OV_SRC_ARM_RESOURCES, "arm:resources", OV_KIND_ARM_CHILD,
    "arm-resources.ndjson", NULL, NULL, NULL,
    "Reader on the subscriptions")
OV_SOURCE(OV_SRC_ARM_DIAG, "arm:diagnosticSettings", OV_KIND_ARM_DIAG,
    "arm-diagnosticsettings.ndjson", NULL, "2021-05-01-preview",
    "providers/Microsoft.Insights/diagnosticSettings",
    "Reader (Microsoft.Insights/diagnosticSettings/read)")
OV_SOURCE(OV_SRC_ARM_CONTACTS, "arm:securityContacts", OV_KIND_ARM_SUB,
    "arm-securitycontacts.ndjson", NULL, "2020-01-01-preview",
    "providers/Microsoft.Security/securityContacts",
    "Security Reader (or Reader) on the subscriptions")
OV_SOURCE(OV_SRC_GRAPH_USERS, "graph:users", OV_KIND_GRAPH,
    "graph-users.ndjson", "Microsoft.Graph/users", "v1.0",
    "users?$select=id,displayName,givenName,surname,userPrincipalName,mail,"
    "userType,accountEnabled,department,jobTitle,companyName,"
    "createdDateTime,onPremisesSyncEnabled,externalUserState,creationType,"
    "lastPasswordChangeDateTime,signInActivity&$top=999",
    "User.Read.All (and AuditLog.Read.All with Entra ID P1 for "
    "signInActivity)")
OV_SOURCE(OV_SRC_GRAPH_GROUPS, "graph:groups", OV_KIND_GRAPH,
    "graph-groups.ndjson", "Microsoft.Graph/groups", "v1.0",
    "groups?$select=id,displayName,description,mailNickname,"
    "securityEnabled,mailEnabled,groupTypes,isAssignableToRole,"
    "membershipRule,createdDateTime&$top=999", "GroupMember.Read.All")
OV_SOURCE(OV_SRC_GRAPH_URD, "graph:userRegistrationDetails", OV_KIND_GRAPH,
    "graph-userregistrationdetails.ndjson",
    "Microsoft.Graph/userRegistrationDetails", "v1.0",
    "reports/authenticationMethods/userRegistrationDetails?$top=999",
    "AuditLog.Read.All (Entra ID P1 or P2)")
OV_SOURCE(OV_SRC_GRAPH_ROLEASSIGN, "graph:roleAssignments", OV_KIND_GRAPH,
    "graph-roleassignments.ndjson", "Microsoft.Graph/roleAssignments", "v1.0",
    "roleManagement/directory/roleAssignments?$expand=principal",
    "RoleManagement.Read.Directory")
OV_SOURCE(OV_SRC_GRAPH_ROLEDEFS, "graph:roleDefinitions", OV_KIND_GRAPH,
    "graph-roledefinitions.ndjson", "Microsoft.Graph/roleDefinitions", "v1.0",
    "roleManagement/directory/roleDefinitions",
    "RoleManagement.Read.Directory")
OV_SOURCE(OV_SRC_GRAPH_ELIGIBLE, "graph:roleEligibilitySchedules",
    OV_KIND_GRAPH, "graph-roleeligibilityschedules.ndjson",
    "Microsoft.Graph/roleEligibilitySchedules", "v1.0",
    "roleManagement/directory/roleEligibilitySchedules",
    "RoleEligibilitySchedule.Read.Directory (Entra ID P2)")
OV_SOURCE(OV_SRC_GRAPH_CA, "graph:conditionalAccessPolicies", OV_KIND_GRAPH,
    "graph-conditionalaccess.ndjson",
    "Microsoft.Graph/conditionalAccessPolicies", "v1.0",
    "identity/conditionalAccess/policies", "Policy.Read.All")
OV_SOURCE(OV_SRC_GRAPH_LOCATIONS, "graph:namedLocations", OV_KIND_GRAPH,
    "graph-namedlocations.ndjson", "Microsoft.Graph/namedLocations", "v1.0",
    "identity/conditionalAccess/namedLocations", "Policy.Read.All")
OV_SOURCE(OV_SRC_GRAPH_SPS, "graph:servicePrincipals", OV_KIND_GRAPH,
    "graph-serviceprincipals.ndjson", "Microsoft.Graph/servicePrincipals",
    "v1.0",
    "servicePrincipals?$select=id,appId,displayName,accountEnabled,"
    "servicePrincipalType,appOwnerOrganizationId,servicePrincipalNames,"
    "alternativeNames,passwordCredentials,keyCredentials,tags&$top=999",
    "Application.Read.All")
OV_SOURCE(OV_SRC_GRAPH_APPS, "graph:applications", OV_KIND_GRAPH,
    "graph-applications.ndjson", "Microsoft.Graph/applications", "v1.0",
    "applications?$select=id,appId,displayName,signInAudience,"
    "createdDateTime,passwordCredentials,keyCredentials&$top=999",
    "Application.Read.All")
OV_SOURCE(OV_SRC_GRAPH_AUTHZPOL, "graph:authorizationPolicy",
    OV_KIND_GRAPH_OBJECT, "graph-authorizationpolicy.ndjson",
    "Microsoft.Graph/authorizationPolicy", "v1.0",
    "policies/authorizationPolicy", "Policy.Read.All")
OV_SOURCE(OV_SRC_GRAPH_SECDEF, "graph:securityDefaults", OV_KIND_GRAPH_OBJECT,
    "graph-securitydefaults.ndjson",
    "Microsoft.Graph/identitySecurityDefaultsEnforcementPolicy", "v1.0",
    "policies/identitySecurityDefaultsEnforcementPolicy", "Policy.Read.All")
OV_SOURCE(OV_SRC_GRAPH_ORG, "graph:organization", OV_KIND_GRAPH,
    "graph-organization.ndjson", "Microsoft.Graph/organization", "v1.0",
    "organization", "Organization.Read.All (or Directory.Read.All)")
