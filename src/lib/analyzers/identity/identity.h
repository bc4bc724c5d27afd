/* SPDX-License-Identifier: MIT */
/*
 * The identity analyzer's internals, shared by its two files: identity.c
 * (Conditional Access policies one by one, privileged role holders and
 * their MFA, standing Azure privilege, application credentials) and
 * tenant.c (Entra tenant posture: questions about the whole tenant that
 * need several Microsoft Graph sources at once).
 *
 * Ownership: struct id_state lives for one run of the analyzer; its maps
 * borrow records from the snapshot.
 */
#ifndef OV_ANALYZERS_IDENTITY_IDENTITY_H
#define OV_ANALYZERS_IDENTITY_IDENTITY_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/analyzers/analyzer.h"
#include "lib/model/model.h"
#include "lib/snapshot/retain.h"
#include "util/hash.h"

#define T_CA		"Microsoft.Graph/conditionalAccessPolicies"
#define T_USER		"Microsoft.Graph/users"
#define T_GROUP		"Microsoft.Graph/groups"
#define T_REG		"Microsoft.Graph/userRegistrationDetails"
#define T_DIRRA		"Microsoft.Graph/roleAssignments"
#define T_ROLEDEF	"Microsoft.Graph/roleDefinitions"
#define T_ELIG		"Microsoft.Graph/roleEligibilitySchedules"
#define T_SP		"Microsoft.Graph/servicePrincipals"
#define T_APP		"Microsoft.Graph/applications"
#define T_SECDEF	"Microsoft.Graph/identitySecurityDefaultsEnforcementPolicy"
#define T_NAMEDLOC	"Microsoft.Graph/namedLocations"
#define T_ORG		"Microsoft.Graph/organization"
#define T_RBAC		"Microsoft.Authorization/roleAssignments"

/* The Global Administrator role template. */
#define GLOBAL_ADMIN	"62e90394-69f5-4237-9190-012177145e10"

/* What enabled Conditional Access policies enforce, tenant-wide. */
struct id_ca_flags {
	bool	mfa_admins;	/* MFA on all apps for Global Administrator */
	bool	mfa_all;	/* MFA on all apps for all users */
	bool	mfa_mgmt;	/* MFA for all users on Azure management */
	bool	mfa_portals;	/* MFA for all users on the admin portals */
	bool	block_eas;	/* exchangeActiveSync blocked for all users */
	bool	block_other;	/* other legacy clients blocked */
};

/*
 * What the checks read of a user, packed once per record (accounts.c): a
 * tenant has more users than anything else, and a few parsed fields cost
 * a fraction of their JSON.  A string is NULL where the body has no
 * string there.
 */
#define ID_SIGNINS	3		/* signInActivity times */

struct id_user {
	const char	*oid;		/* "id" */
	const char	*display;	/* "displayName" */
	const char	*upn;		/* "userPrincipalName" */
	const char	*type;		/* "userType" */
	int64_t		 signin;	/* the newest signInActivity time
					   after the epoch, 0 when none */
	int64_t		 created;	/* "createdDateTime"; ID_U_CREATED */
	uint8_t		 signin_key;	/* which ov_identity__signin_keys
					   member says signin */
	uint8_t		 flags;		/* ID_U_* */
};

#define ID_U_DISABLED	0x01u	/* accountEnabled is false */
#define ID_U_ACTIVITY	0x02u	/* signInActivity is an object */
#define ID_U_CREATED	0x04u	/* createdDateTime is a timestamp */

/* What the checks read of a userRegistrationDetails record. */
struct id_reg {
	const char	*oid;		/* "id" */
	const char	*display;	/* "displayName" */
	const char	*upn;		/* "userPrincipalName" */
	const char	*type;		/* "userType" */
	uint8_t		 flags;		/* ID_R_* */
};

#define ID_R_MFA_FALSE	0x01u	/* isMfaRegistered is false */
#define ID_R_MFA	0x02u	/* isMfaRegistered is true (or "true") */

/* The signInActivity members a last sign-in is read from; a tie goes to
 * the first. */
extern const char *const ov_identity__signin_keys[ID_SIGNINS];

/* The packers of users and registration details, for the load's plan. */
extern const struct ov_analyzer_pack ov_identity__packs[];

struct id_state {
	struct ov_analyzer_ctx	*actx;
	bool			 reg_collected;	/* MFA registration known */
	bool			 users_collected; /* user list known */
	bool			 ca_collected;	/* CA policies known */
	bool			 roles_collected; /* directory roles known */
	struct id_ca_flags	 ca;		/* from the enabled policies */
};

/*
 * The view of user record u, of registration details record r: the one
 * the load packed, else read from the whole body into *tmp (its strings
 * borrowed from the body).  NULL for a NULL record.
 */
const struct id_user *ov_identity__u(const struct ov_record *u,
	    struct id_user *tmp);
const struct id_reg *ov_identity__reg(const struct ov_record *r,
	    struct id_reg *tmp);
/* A user's label: its displayName, else the record's name, else its id
 * (ov_identity__label for a packed user). */
const char *ov_identity__ulabel(const struct id_user *u,
	    const struct ov_record *r);

/* The privileged directory role with this template id, or NULL. */
const char *ov_identity__role_name(const char *template_id);
/*
 * The role template a directory role assignment or eligibility schedule
 * grants: roleDefinition.templateId when expanded, else the template of
 * the role definition record it names, else its roleDefinitionId (a
 * built-in role's definition id is its template id).
 */
const char *ov_identity__role_template(const struct ov_snapshot *s,
	    const struct ov_record *a);
/* The user record with this object id, or NULL. */
const struct ov_record *ov_identity__user(const struct id_state *st,
	    const char *id);
/* displayName, else the record's name, else its id. */
const char *ov_identity__label(const struct ov_record *r);
/* True when array arr holds the string s (case-insensitive). */
bool	ov_identity__has(const ov_json *arr, const char *s);
/* The policy's state is "enabled" (report-only is not). */
bool	ov_identity__ca_enabled(const struct ov_record *p);

/*
 * The Entra tenant posture checks (tenant.c): security defaults against
 * Conditional Access, Global Administrator count, privileged and other
 * accounts without sign-ins, standing privileged assignments, emergency
 * access accounts, trusted named locations, MFA registration.  0 or a
 * negative error code.
 */
int	ov_identity__tenant(struct id_state *st);

#endif
