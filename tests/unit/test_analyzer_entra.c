/* SPDX-License-Identifier: MIT */
/*
 * Entra tenant posture (identity analyzer, OV-IAM-063..075) on the two
 * tenant snapshots in tests/fixtures/entra/ (every setting misconfigured,
 * and its clean twin) and on small inline tenants for the boundaries and
 * the missing-data cases; then the framework view with analyzer findings.
 * Clock 2026-11-01T06:00:00Z.
 */
#include "duty_fixture.h"

#include "overvisor/raci.h"
#include "overvisor/scan.h"

#define T1	"3b1f7c52-0d4e-4a8e-9f61-2c7d5e0a1b01"
#define ORG1	"/providers/Microsoft.Graph/organization/" T1
#define SECDEF	"identitySecurityDefaultsEnforcementPolicy/" \
		"00000000-0000-0000-0000-000000000005"
#define GA	"62e90394-69f5-4237-9190-012177145e10"

static const char *const tenant_checks[] = { "OV-IAM-063", "OV-IAM-064",
    "OV-IAM-065", "OV-IAM-066", "OV-IAM-067", "OV-IAM-068", "OV-IAM-070",
    "OV-IAM-072", "OV-IAM-073", "OV-IAM-074", "OV-IAM-075" };
#define N_TENANT_CHECKS	(sizeof(tenant_checks) / sizeof(tenant_checks[0]))

/* Load tests/fixtures/entra/<name> (a snapshot directory). */
static void
fx_tenant(struct fx *fx, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/tests/fixtures/entra/%s",
	    ov_test_srcdir(), name);
	assert_int_equal(ov_snapshot_load(fx->snap, path, 0), 0);
	assert_int_equal(ov_snapshot_n_errors(fx->snap), 0);
}

/* The evidence line of f whose path contains path (and message msg). */
static const ov_evidence *
ev_find(const ov_finding *f, const char *path, const char *msg)
{
	size_t i;

	for (i = 0; i < f->n_evidence; i++)
		if (strstr(f->evidence[i].path, path) != NULL &&
		    (msg == NULL || (f->evidence[i].message != NULL &&
		    strstr(f->evidence[i].message, msg) != NULL)))
			return &f->evidence[i];
	for (i = 0; i < f->n_evidence; i++)
		fprintf(stderr, "  have %s = %s (%s)\n", f->evidence[i].path,
		    f->evidence[i].value != NULL ? f->evidence[i].value : "-",
		    f->evidence[i].message);
	fail_msg("%s: no evidence %s / %s", f->rule, path, msg != NULL ?
	    msg : "*");
	return NULL;
}

/* Does any evidence message of f mention s? */
static bool
ev_mentions(const ov_finding *f, const char *s)
{
	size_t i;

	for (i = 0; i < f->n_evidence; i++)
		if (f->evidence[i].message != NULL &&
		    strstr(f->evidence[i].message, s) != NULL)
			return true;
	return false;
}

static void
test_misconfigured(void **state)
{
	struct fx fx;
	const ov_finding *f;
	const ov_evidence *e;

	(void)state;
	fx_open(&fx);
	fx_tenant(&fx, "misconfigured");
	assert_int_equal(fx_run(&fx, "identity"), 0);
	fx_check_common(&fx);

	/* security defaults off, the MFA policy is report-only */
	f = fx_get(&fx, "OV-IAM-063", SECDEF);
	assert_int_equal(f->severity, OV_SEV_CRITICAL);
	assert_int_equal(f->state, OV_STATE_NON_COMPLIANT);
	e = ev_find(f, "identitySecurityDefaultsEnforcementPolicy.isEnabled",
	    NULL);
	assert_string_equal(e->value, "false");
	e = ev_find(f, ".state", "Require MFA for all users");
	assert_string_equal(e->value, "\"enabledForReportingButNotEnforced\"");
	assert_true(f->n_controls > 0);

	/* four admins and one emergency account hold Global Administrator */
	f = fx_get(&fx, "OV-IAM-064", ORG1);
	assert_non_null(strstr(f->title, "5 Global Administrators"));
	assert_string_equal(f->resource_type, "Microsoft.Graph/organization");
	assert_string_equal(ev_find(f, "roleAssignments.active", NULL)->value,
	    "5");
	ev_find(f, "roleAssignments/ra-bg.principalId", "breakglass01");

	/* admin1 signed in 200 days ago; the others recently */
	f = fx_get(&fx, "OV-IAM-065", ORG1);
	e = ev_find(f, "signInActivity.lastSignInDateTime", "admin1@");
	assert_string_equal(e->value, "\"2026-04-15T06:00:00Z\"");
	assert_false(ev_mentions(f, "admin2@"));
	assert_non_null(strstr(f->title, "1 privileged account"));

	/* standing: the four admins; not the emergency account, not the
	 * helpdesk assignment (an activation of an eligible role) */
	f = fx_get(&fx, "OV-IAM-066", ORG1);
	assert_non_null(strstr(f->title, "4 standing"));
	assert_false(ev_mentions(f, "breakglass"));
	assert_false(ev_mentions(f, "helpdesk"));

	/* the emergency account is caught by the legacy block policy */
	assert_int_equal(fx_count(&fx, "OV-IAM-067", NULL), 0);
	f = fx_get(&fx, "OV-IAM-068", ORG1);
	assert_int_equal(f->severity, OV_SEV_HIGH);
	ev_find(f, "conditions.users", "'Block legacy authentication' applies "
	    "to breakglass01@misconfigured.example");

	/* no trusted location; the office range is not trusted */
	f = fx_get(&fx, "OV-IAM-070", ORG1);
	assert_string_equal(ev_find(f, ".isTrusted", "Office")->value,
	    "false");

	/* a certificate expiring in 10 days, on the service principal */
	f = fx_get(&fx, "OV-IAM-071", "/servicePrincipals/5a000000-0000-4000-"
	    "8000-000000000001");
	ev_find(f, "keyCredentials.endDateTime", "expires in 10 days");

	/* two enabled accounts idle for more than 90 days */
	f = fx_get(&fx, "OV-IAM-072", ORG1);
	assert_non_null(strstr(f->title, "2 enabled accounts"));
	ev_find(f, "signInActivity.lastSignInDateTime", "old.member@");

	/* MFA for Azure management and the admin portals */
	ev_find(fx_get(&fx, "OV-IAM-073", ORG1), "includeApplications",
	    NULL);
	ev_find(fx_get(&fx, "OV-IAM-074", ORG1), "includeApplications",
	    NULL);
	f = fx_get(&fx, "OV-IAM-075", ORG1);
	assert_string_equal(ev_find(f, ".isMfaRegistered", "no.mfa@")->value,
	    "false");
	fx_close(&fx);
}

/* The clean twin: the identity analyzer has nothing to say. */
static void
test_clean(void **state)
{
	struct fx fx;
	size_t i;

	(void)state;
	fx_open(&fx);
	fx_tenant(&fx, "clean");
	assert_int_equal(fx_run(&fx, "identity"), 0);
	for (i = 0; i < ov_findings_count(fx.out); i++)
		fprintf(stderr, "unexpected %s: %s\n",
		    ov_findings_get(fx.out, i)->rule,
		    ov_findings_get(fx.out, i)->title);
	assert_int_equal(ov_findings_count(fx.out), 0);
	fx_close(&fx);
}

/* The contract names the emergency accounts; none of them exists. */
static void
test_emergency_access_contract(void **state)
{
	struct fx fx;
	const ov_finding *f;
	const ov_evidence *e;

	(void)state;
	fx_open(&fx);
	fx_tenant(&fx, "misconfigured");
	fx_contract(&fx, "parties: {customer-it: {}}\nduties:\n"
	    "  identity-review:\n    responsible: customer-it\n"
	    "    accountable: customer-it\n"
	    "    emergency-access: [ghost*@misconfigured.example]\n");
	assert_int_equal(fx_run(&fx, "identity"), 0);
	f = fx_get(&fx, "OV-IAM-067", ORG1);
	assert_int_equal(f->state, OV_STATE_NON_COMPLIANT);
	e = ev_find(f, "emergency-access", "matches no user");
	assert_string_equal(e->value, "\"ghost*@misconfigured.example\"");
	/* without an emergency account there is nothing to exclude */
	assert_int_equal(fx_get(&fx, "OV-IAM-068", ORG1)->state,
	    OV_STATE_INDETERMINATE);
	/* and breakglass01 is now an ordinary standing Global Admin */
	f = fx_get(&fx, "OV-IAM-066", ORG1);
	assert_non_null(strstr(f->title, "5 standing"));
	fx_close(&fx);

	/* a wildcard entry that does match */
	fx_open(&fx);
	fx_tenant(&fx, "misconfigured");
	fx_contract(&fx, "parties: {customer-it: {}}\nduties:\n"
	    "  identity-review:\n    responsible: customer-it\n"
	    "    accountable: customer-it\n"
	    "    emergency-access: ['BREAKGLASS*']\n");
	assert_int_equal(fx_run(&fx, "identity"), 0);
	assert_int_equal(fx_count(&fx, "OV-IAM-067", NULL), 0);
	fx_get(&fx, "OV-IAM-068", ORG1);
	fx_close(&fx);
}

/* Only users: every tenant check that needs more is indeterminate. */
static void
test_missing_sources(void **state)
{
	struct fx fx;
	size_t i;

	(void)state;
	fx_open(&fx);
	fx_text(&fx, "users.ndjson",
	    "{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"u1\","
	    "\"userPrincipalName\":\"a@x.example\",\"userType\":\"Member\","
	    "\"accountEnabled\":true,\"createdDateTime\":"
	    "\"2020-01-01T00:00:00Z\"}\n");
	assert_int_equal(fx_run(&fx, "identity"), 0);
	fx_check_common(&fx);
	for (i = 0; i < N_TENANT_CHECKS; i++) {
		const ov_finding *f;

		/* users alone: no emergency account is a fact */
		if (strcmp(tenant_checks[i], "OV-IAM-067") == 0)
			continue;
		f = fx_get(&fx, tenant_checks[i], NULL);
		if (f->state != OV_STATE_INDETERMINATE)
			fail_msg("%s is not indeterminate", f->rule);
		assert_true(f->n_evidence > 0);
	}
	assert_non_null(strstr(ev_find(fx_get(&fx, "OV-IAM-063", NULL),
	    "isEnabled", NULL)->message, "graph:securityDefaults"));
	assert_non_null(strstr(ev_find(fx_get(&fx, "OV-IAM-064", NULL),
	    "manifest.sources", NULL)->message, "graph:roleAssignments"));
	assert_non_null(strstr(ev_find(fx_get(&fx, "OV-IAM-065", NULL),
	    "manifest.sources", NULL)->message, "graph:roleAssignments"));
	assert_non_null(strstr(ev_find(fx_get(&fx, "OV-IAM-070", NULL),
	    "manifest.sources", NULL)->message, "graph:namedLocations"));
	assert_non_null(strstr(ev_find(fx_get(&fx, "OV-IAM-072", NULL),
	    "manifest.sources", NULL)->message, "signInActivity"));
	assert_non_null(strstr(ev_find(fx_get(&fx, "OV-IAM-075", NULL),
	    "manifest.sources", NULL)->message,
	    "graph:userRegistrationDetails"));
	/* no tenant id: the stand-in resource is still stable */
	assert_string_equal(fx_get(&fx, "OV-IAM-064", NULL)->resource_id,
	    "/providers/Microsoft.Graph/organization/unknown");
	fx_close(&fx);

	/* no Graph at all: every tenant check indeterminate */
	fx_open(&fx);
	assert_int_equal(fx_run(&fx, "identity"), 0);
	for (i = 0; i < N_TENANT_CHECKS; i++)
		assert_int_equal(fx_get(&fx, tenant_checks[i], NULL)->state,
		    OV_STATE_INDETERMINATE);
	for (i = 0; i < ov_findings_count(fx.out); i++)
		assert_int_equal(ov_findings_get(fx.out, i)->state,
		    OV_STATE_INDETERMINATE);
	fx_close(&fx);
}

#define USER(id, extra)							\
	"{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"" id "\","	\
	"\"userPrincipalName\":\"" id "@x.example\",\"userType\":"	\
	"\"Member\",\"accountEnabled\":true,\"createdDateTime\":"	\
	"\"2024-01-01T00:00:00Z\"" extra "}\n"
#define ACTIVE(id, who, role)						\
	"{\"@odata.type\":\"#microsoft.graph.unifiedRoleAssignment\","	\
	"\"id\":\"" id "\",\"principalId\":\"" who "\",\"roleDefinitionId\":"\
	"\"" role "\",\"directoryScopeId\":\"/\"}\n"
#define ELIGIBLE(id, who, role)						\
	"{\"@odata.type\":\"#microsoft.graph.unifiedRoleEligibilitySchedule\","\
	"\"id\":\"" id "\",\"principalId\":\"" who "\",\"roleDefinitionId\":"\
	"\"" role "\",\"directoryScopeId\":\"/\",\"status\":\"Provisioned\"}\n"
#define SIGNIN(when) ",\"signInActivity\":{\"lastSignInDateTime\":\"" when "\"}"

/* Without sign-in data the sign-in checks never pass. */
static void
test_signin_unavailable(void **state)
{
	struct fx fx;

	(void)state;
	fx_open(&fx);
	fx_text(&fx, "t.ndjson", USER("a1", "") USER("a2", "")
	    ACTIVE("r1", "a1", GA) ACTIVE("r2", "a2", GA));
	assert_int_equal(fx_run(&fx, "identity"), 0);
	assert_int_equal(fx_get(&fx, "OV-IAM-065", NULL)->state,
	    OV_STATE_INDETERMINATE);
	assert_int_equal(fx_get(&fx, "OV-IAM-072", NULL)->state,
	    OV_STATE_INDETERMINATE);
	assert_non_null(strstr(fx_get(&fx, "OV-IAM-065", NULL)->title,
	    "signInActivity"));
	fx_close(&fx);
}

/* Strictly older than the window is inactive; exactly at it is not. */
static void
test_signin_boundary(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	fx_open(&fx);
	fx_text(&fx, "t.ndjson",
	    USER("at", SIGNIN("2026-08-03T06:00:00Z"))		/* 90 d */
	    USER("past", SIGNIN("2026-08-03T05:59:59Z"))	/* 90 d 1 s */
	    USER("never", ",\"signInActivity\":null")		/* old */
	    ELIGIBLE("e1", "at", GA) ELIGIBLE("e2", "past", GA)
	    ACTIVE("r1", "never", GA));
	assert_int_equal(fx_run(&fx, "identity"), 0);
	f = fx_get(&fx, "OV-IAM-065", NULL);
	assert_int_equal(f->state, OV_STATE_NON_COMPLIANT);
	assert_non_null(strstr(f->title, "2 privileged accounts"));
	ev_find(f, "users/past.signInActivity.lastSignInDateTime", NULL);
	ev_find(f, "users/never.createdDateTime", "never signed in");
	assert_false(ev_mentions(f, "at@x.example"));
	/* three Global Administrators, two of them eligible */
	assert_int_equal(fx_count(&fx, "OV-IAM-064", NULL), 0);
	fx_close(&fx);

	/* a contract window of 30 days makes "at" inactive too */
	fx_open(&fx);
	fx_text(&fx, "t.ndjson", USER("at", SIGNIN("2026-08-03T06:00:00Z"))
	    ELIGIBLE("e1", "at", GA) ACTIVE("r1", "at", GA));
	fx_contract(&fx, "parties: {customer-it: {}}\nduties:\n"
	    "  identity-review:\n    responsible: customer-it\n"
	    "    accountable: customer-it\n"
	    "    inactive-after: 30d\n");
	assert_int_equal(fx_run(&fx, "identity"), 0);
	assert_non_null(strstr(fx_get(&fx, "OV-IAM-065", NULL)->title,
	    "for 30 days"));
	fx_close(&fx);
}

/* Global Administrator counts the data cannot settle are indeterminate. */
static void
test_ga_count(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	/* three active, eligibility not collected: eligible could add */
	fx_open(&fx);
	fx_text(&fx, "t.ndjson", USER("a", "") USER("b", "") USER("c", "")
	    ACTIVE("r1", "a", GA) ACTIVE("r2", "b", GA) ACTIVE("r3", "c", GA));
	assert_int_equal(fx_run(&fx, "identity"), 0);
	f = fx_get(&fx, "OV-IAM-064", NULL);
	assert_int_equal(f->state, OV_STATE_INDETERMINATE);
	assert_non_null(strstr(f->title, "eligibility"));
	/* the standing check cannot tell activations either */
	assert_int_equal(fx_get(&fx, "OV-IAM-066", NULL)->state,
	    OV_STATE_INDETERMINATE);
	fx_close(&fx);

	/* one holder, eligibility known: fewer than two */
	fx_open(&fx);
	fx_text(&fx, "t.ndjson", USER("a", "") USER("b", "")
	    ELIGIBLE("e1", "a", GA)
	    ELIGIBLE("e2", "b", "e8611ab8-c189-46e8-94e1-60213ab1f814")
	    ACTIVE("r1", "b", "790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b"));
	assert_int_equal(fx_run(&fx, "identity"), 0);
	f = fx_get(&fx, "OV-IAM-064", NULL);
	assert_int_equal(f->state, OV_STATE_NON_COMPLIANT);
	assert_non_null(strstr(f->title, "1 Global Administrator: fewer"));
	ev_find(f, "roleEligibilitySchedules/e1.principalId", "PIM-eligible");
	assert_int_equal(fx_count(&fx, "OV-IAM-066", NULL), 0);
	fx_close(&fx);

	/* a group holds the role: its members are unknown */
	fx_open(&fx);
	fx_text(&fx, "t.ndjson", USER("a", "") USER("b", "")
	    "{\"@odata.type\":\"#microsoft.graph.group\",\"id\":\"g\","
	    "\"displayName\":\"Admins\",\"securityEnabled\":true}\n"
	    ACTIVE("r1", "a", GA) ACTIVE("r2", "b", GA) ACTIVE("r3", "g", GA)
	    ELIGIBLE("e1", "a", "e8611ab8-c189-46e8-94e1-60213ab1f814"));
	assert_int_equal(fx_run(&fx, "identity"), 0);
	f = fx_get(&fx, "OV-IAM-064", NULL);
	assert_int_equal(f->state, OV_STATE_INDETERMINATE);
	assert_non_null(strstr(f->title, "group"));
	/* standing: two users and the group */
	assert_non_null(strstr(fx_get(&fx, "OV-IAM-066", NULL)->title,
	    "3 standing"));
	fx_close(&fx);
}

/* Security defaults on settle OV-IAM-063; no isEnabled does not. */
static void
test_security_defaults(void **state)
{
	struct fx fx;

	(void)state;
	fx_open(&fx);
	fx_text(&fx, "sd.ndjson", "{\"@odata.type\":\"#microsoft.graph."
	    "identitySecurityDefaultsEnforcementPolicy\",\"id\":\"00000000-"
	    "0000-0000-0000-000000000005\",\"isEnabled\":true}\n");
	assert_int_equal(fx_run(&fx, "identity"), 0);
	assert_int_equal(fx_count(&fx, "OV-IAM-063", NULL), 0);
	fx_close(&fx);

	fx_open(&fx);
	fx_text(&fx, "sd.ndjson", "{\"@odata.type\":\"#microsoft.graph."
	    "identitySecurityDefaultsEnforcementPolicy\",\"id\":\"00000000-"
	    "0000-0000-0000-000000000005\"}\n");
	assert_int_equal(fx_run(&fx, "identity"), 0);
	assert_int_equal(fx_get(&fx, "OV-IAM-063", NULL)->state,
	    OV_STATE_INDETERMINATE);
	fx_close(&fx);

	/* off, and Conditional Access not collected */
	fx_open(&fx);
	fx_text(&fx, "sd.ndjson", "{\"@odata.type\":\"#microsoft.graph."
	    "identitySecurityDefaultsEnforcementPolicy\",\"id\":\"00000000-"
	    "0000-0000-0000-000000000005\",\"isEnabled\":false}\n");
	assert_int_equal(fx_run(&fx, "identity"), 0);
	assert_int_equal(fx_get(&fx, "OV-IAM-063", NULL)->state,
	    OV_STATE_INDETERMINATE);
	fx_close(&fx);
}

#define CA(id, extra)							\
	"{\"@odata.type\":\"#microsoft.graph.conditionalAccessPolicy\","\
	"\"id\":\"" id "\",\"displayName\":\"" id "\",\"state\":"	\
	"\"enabled\",\"conditions\":{\"applications\":"			\
	"{\"includeApplications\":[\"All\"]},\"users\":{" extra "}},"	\
	"\"grantControls\":{\"builtInControls\":[\"mfa\"]}}\n"

/* Group membership decides whether a policy reaches the account. */
static void
test_emergency_exclusion(void **state)
{
	struct fx fx;
	const ov_finding *f;

	(void)state;
	/* excluded by an unrelated group: cannot tell */
	fx_open(&fx);
	fx_text(&fx, "t.ndjson", USER("breakglass1", "")
	    CA("p1", "\"includeUsers\":[\"All\"],\"excludeGroups\":[\"g9\"]"));
	assert_int_equal(fx_run(&fx, "identity"), 0);
	f = fx_get(&fx, "OV-IAM-068", NULL);
	assert_int_equal(f->state, OV_STATE_INDETERMINATE);
	ev_find(f, "conditionalAccessPolicies/p1.conditions.users",
	    "may apply");
	fx_close(&fx);

	/* excluded by the account, by its role, or by the ea group */
	fx_open(&fx);
	fx_text(&fx, "t.ndjson", USER("breakglass1", "")
	    "{\"@odata.type\":\"#microsoft.graph.group\",\"id\":\"g1\","
	    "\"displayName\":\"Emergency-Access accounts\","
	    "\"securityEnabled\":true}\n"
	    ACTIVE("r1", "breakglass1", GA)
	    CA("p1", "\"includeUsers\":[\"All\"],\"excludeUsers\":"
	    "[\"breakglass1\"]")
	    CA("p2", "\"includeRoles\":[\"" GA "\"],\"excludeGroups\":"
	    "[\"g1\"]")
	    CA("p3", "\"includeUsers\":[\"All\"],\"excludeRoles\":[\"" GA "\"]")
	    CA("p4", "\"includeGroups\":[\"g7\"],\"excludeGroups\":[\"g1\"]"));
	assert_int_equal(fx_run(&fx, "identity"), 0);
	assert_int_equal(fx_count(&fx, "OV-IAM-068", NULL), 0);
	assert_int_equal(fx_count(&fx, "OV-IAM-067", NULL), 0);
	fx_close(&fx);

	/* included through its role */
	fx_open(&fx);
	fx_text(&fx, "t.ndjson", USER("breakglass1", "")
	    ACTIVE("r1", "breakglass1", GA)
	    CA("p2", "\"includeRoles\":[\"" GA "\"]"));
	assert_int_equal(fx_run(&fx, "identity"), 0);
	f = fx_get(&fx, "OV-IAM-068", NULL);
	assert_int_equal(f->state, OV_STATE_NON_COMPLIANT);
	ev_find(f, "conditionalAccessPolicies/p2.conditions.users",
	    "'p2' applies to breakglass1@x.example");
	fx_close(&fx);

	/* a guest never follows the naming convention */
	fx_open(&fx);
	fx_text(&fx, "t.ndjson", "{\"@odata.type\":\"#microsoft.graph.user\","
	    "\"id\":\"x\",\"userPrincipalName\":\"breakglass_x#EXT#@t.example\","
	    "\"userType\":\"Guest\",\"accountEnabled\":true}\n");
	assert_int_equal(fx_run(&fx, "identity"), 0);
	fx_get(&fx, "OV-IAM-067", NULL);
	fx_close(&fx);
}

/* The framework view counts analyzer findings by their controls. */
static void
scan_framework(const char *tenant, const char *control, const char *want,
    bool want_063)
{
	ov_scan_options so = OV_SCAN_OPTIONS_INIT;
	const char *names[] = { "identity" };
	ov_snapshot *snap = NULL;
	ov_scan_result *r = NULL;
	const ov_compliance *c;
	const ov_findings *fs;
	ov_ctx *ctx = NULL;
	char path[4096];
	bool seen = false;
	size_t i, n_063 = 0;

	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_int_equal(ov_snapshot_new(&snap, ctx), 0);
	if (tenant != NULL) {
		snprintf(path, sizeof(path), "%s/tests/fixtures/entra/%s",
		    ov_test_srcdir(), tenant);
		assert_int_equal(ov_snapshot_load(snap, path, 0), 0);
	}
	so.data_dir = ov_test_srcdir();
	so.no_rules = true;
	so.framework = "nist-800-53-r5";
	so.analyzers = names;
	so.n_analyzers = 1;
	if (ov_scan_run(&r, ctx, snap, &so) != 0)
		fail_msg("scan: %s", ov_error_last(ctx)->message);
	assert_non_null(c = ov_scan_compliance(r));
	for (i = 0; i < c->n_controls; i++)
		if (strcmp(c->controls[i].id, control) == 0) {
			assert_string_equal(c->controls[i].status, want);
			seen = true;
		}
	assert_true(seen);
	fs = ov_scan_findings(r);
	for (i = 0; i < ov_findings_count(fs); i++) {
		const ov_finding *f = ov_findings_get(fs, i);

		/* analyzer findings carry their check's controls */
		assert_true(f->n_controls > 0);
		n_063 += strcmp(f->rule, "OV-IAM-063") == 0;
	}
	if (n_063 != (want_063 ? 1u : 0u))
		fail_msg("%s: %zu OV-IAM-063 findings of %zu", tenant != NULL ?
		    tenant : "(empty)", n_063, ov_findings_count(fs));
	ov_scan_result_free(r);
	ov_snapshot_free(snap);
	ov_ctx_free(ctx);
}

static void
test_framework_view(void **state)
{
	(void)state;
	scan_framework("misconfigured", "NIST-800-53:IA-2(1)", "failed", true);
	scan_framework("clean", "NIST-800-53:IA-2(1)", "passed", false);
	scan_framework("clean", "NIST-800-53:AC-2(3)", "passed", false);
	/* nothing collected: indeterminate, never passed */
	scan_framework(NULL, "NIST-800-53:IA-2(1)", "indeterminate", true);
	scan_framework(NULL, "NIST-800-53:AC-6(5)", "indeterminate", true);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_misconfigured),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_emergency_access_contract),
		cmocka_unit_test(test_missing_sources),
		cmocka_unit_test(test_signin_unavailable),
		cmocka_unit_test(test_signin_boundary),
		cmocka_unit_test(test_ga_count),
		cmocka_unit_test(test_security_defaults),
		cmocka_unit_test(test_emergency_exclusion),
		cmocka_unit_test(test_framework_view),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
