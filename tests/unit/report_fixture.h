/* SPDX-License-Identifier: MIT */
/*
 * A fixed synthetic finding set for the reporter tests.  It covers every
 * severity and state, every optional field present and absent, and hostile
 * strings: quotes, commas, newlines, <&>, non-ASCII text, control
 * characters, an ANSI escape, an invalid UTF-8 byte and spreadsheet
 * formulas.  The findings are added out of order so the tests also prove
 * that sorting decides the output order.
 *
 * Included by one test program each; every function is static.
 */
#ifndef OV_REPORT_FIXTURE_H
#define OV_REPORT_FIXTURE_H

#include <stdbool.h>
#include <string.h>

#include "overvisor/finding.h"
#include "overvisor/report.h"

#define FX_TENANT "00000000-0000-0000-0000-0000000000aa"
#define FX_SUB "11111111-2222-3333-4444-555555555555"
#define FX_RG_ID "/subscriptions/" FX_SUB "/resourceGroups/rg-Research"

/* 2024-05-10 and 2024-06-01 at midnight UTC. */
#define FX_DUE_1 1715299200
#define FX_DUE_2 1717200000
/* 2024-05-01T06:30:00Z */
#define FX_NOW 1714545000

static const char *const fx_controls_stg[] = {
	"CIS 3.0.0 3.7", "NIST 800-53 AC-3"
};
static const char *const fx_controls_net[] = { "CIS 3.0.0 6.1" };
static const char *const fx_consulted[] = { "Research IT, \"Dept. of Physics\"" };
static const char *const fx_informed[] = { "Kestrel SOC", "CISO <office>" };

static const ov_evidence fx_ev_stg[] = {
	{ "properties.allowBlobPublicAccess", "true",
	  "anonymous reads are possible" },
	{ "properties.networkAcls", "{\"defaultAction\":\"Allow\","
	  "\"ipRules\":[],\"bypass\":\"AzureServices\"}",
	  "no network restriction" }
};
static const ov_evidence fx_ev_net[] = {
	{ "properties.securityRules[0]", "{\"sourceAddressPrefix\":\"*\","
	  "\"destinationPortRange\":\"3389\",\"priority\":100,"
	  "\"nested\":{\"a\":[1,2.5e3,null,false]}}",
	  "RDP open to \"any\" <internet> & beyond" }
};
static const ov_evidence fx_ev_idn[] = {
	{ "isMfaRegistered", NULL, "source userRegistrationDetails not "
	  "collected\tso MFA state is unknown" }
};
static const ov_evidence fx_ev_patch[] = {
	{ "properties.availablePatchCountByClassification", "not json {",
	  "invalid \xff byte and a \x7f delete" }
};
static const ov_evidence fx_ev_iac[] = {
	{ "/resources/0/properties/minimumTlsVersion", "\"TLS1_0\"",
	  "line 12" }
};

/* Add the fixture findings to l in a deliberately scrambled order. */
static int
fx_add_all(ov_findings *l)
{
	ov_finding f;
	int e = 0;

	/* 1: info, compliant, Microsoft-owned, no optional strings. */
	memset(&f, 0, sizeof(f));
	f.rule = "OV-DEF-001";
	f.title = "Defender for Servers plan is on";
	f.severity = OV_SEV_INFO;
	f.state = OV_STATE_COMPLIANT;
	f.resource_id = "/subscriptions/" FX_SUB
	    "/providers/Microsoft.Security/pricings/VirtualMachines";
	f.layer = OV_LAYER_PHYSICAL_HOSTS;
	f.owner = OV_OWNER_MICROSOFT;
	e = e < 0 ? e : ov_findings_add(l, &f);

	/* 2: high, exempt, same rule as 4 on another account. */
	memset(&f, 0, sizeof(f));
	f.rule = "OV-STG-001";
	f.title = "Storage account allows public blob access";
	f.severity = OV_SEV_HIGH;
	f.state = OV_STATE_EXEMPT;
	f.resource_id = FX_RG_ID "/providers/Microsoft.Storage/"
	    "storageAccounts/ZZarchive";
	f.resource_type = "Microsoft.Storage/storageAccounts";
	f.resource_name = "ZZarchive";
	f.subscription_id = FX_SUB;
	f.resource_group = "rg-Research";
	f.layer = OV_LAYER_INFORMATION_AND_DATA;
	f.owner = OV_OWNER_CUSTOMER;
	f.duty = "policy-enforcement";
	f.controls = fx_controls_stg;
	f.n_controls = 2;
	f.remediation = "Set allowBlobPublicAccess to false";
	f.accountable = "Research IT";
	f.responsible = "Research IT";
	f.source = "policy";
	e = e < 0 ? e : ov_findings_add(l, &f);

	/* 3: medium, indeterminate identity finding with non-ASCII text. */
	memset(&f, 0, sizeof(f));
	f.rule = "OV-IDN-002";
	f.title = "MFA registration unknown for privileged user\n"
	    "second line";
	f.severity = OV_SEV_MEDIUM;
	f.state = OV_STATE_INDETERMINATE;
	f.resource_id = "/tenants/" FX_TENANT "/users/zo\xc3\xab@uni.example";
	f.resource_type = "Microsoft.Graph/users";
	f.resource_name = "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m \xe6\x97\xa5"
	    "\xe6\x9c\xac \xf0\x9f\x94\x91";
	f.layer = OV_LAYER_ACCOUNTS_AND_IDENTITIES;
	f.owner = OV_OWNER_CUSTOMER;
	f.duty = "identity-review";
	f.evidence = fx_ev_idn;
	f.n_evidence = 1;
	f.remediation = "Collect graph:userRegistrationDetails";
	f.accountable = "Identity team";
	f.responsible = "Identity team";
	f.due = FX_DUE_2;
	f.source = "identity";
	e = e < 0 ? e : ov_findings_add(l, &f);

	/* 4: high, non-compliant, the CSV-hostile one. */
	memset(&f, 0, sizeof(f));
	f.rule = "OV-STG-001";
	f.title = "Storage account allows public blob access";
	f.severity = OV_SEV_HIGH;
	f.state = OV_STATE_NON_COMPLIANT;
	f.resource_id = FX_RG_ID "/providers/Microsoft.Storage/"
	    "storageAccounts/stresearch01";
	f.resource_type = "Microsoft.Storage/storageAccounts";
	f.resource_name = "stresearch01";
	f.subscription_id = FX_SUB;
	f.resource_group = "rg-Research";
	f.layer = OV_LAYER_INFORMATION_AND_DATA;
	f.owner = OV_OWNER_CUSTOMER;
	f.duty = "policy-enforcement";
	f.controls = fx_controls_stg;
	f.n_controls = 2;
	f.evidence = fx_ev_stg;
	f.n_evidence = 2;
	f.remediation = "=HYPERLINK(\"http://evil.example\",\"click\")";
	f.accountable = "Research IT, \"Dept. of Physics\"";
	f.responsible = "=Research IT";
	f.due = FX_DUE_1;
	f.source = "policy";
	e = e < 0 ? e : ov_findings_add(l, &f);

	/* 5: critical, non-compliant network exposure with <&>. */
	memset(&f, 0, sizeof(f));
	f.rule = "OV-NET-004";
	f.title = "RDP <3389> reachable from the internet & unfiltered";
	f.severity = OV_SEV_CRITICAL;
	f.state = OV_STATE_NON_COMPLIANT;
	f.resource_id = FX_RG_ID "/providers/Microsoft.Network/"
	    "networkSecurityGroups/nsg-web";
	f.resource_type = "Microsoft.Network/networkSecurityGroups";
	f.resource_name = "-nsg-web";
	f.subscription_id = FX_SUB;
	f.resource_group = "rg-Research";
	f.layer = OV_LAYER_NETWORK_CONTROLS;
	f.owner = OV_OWNER_CUSTOMER;
	f.duty = "nsg-review";
	f.controls = fx_controls_net;
	f.n_controls = 1;
	f.evidence = fx_ev_net;
	f.n_evidence = 1;
	f.remediation = "@SUM(1+1) then restrict the source to the VPN range";
	f.accountable = "Customer IT";
	f.responsible = "CSP operator";
	f.consulted = fx_consulted;
	f.n_consulted = 1;
	f.informed = fx_informed;
	f.n_informed = 2;
	f.due = FX_DUE_1;
	f.source = "network";
	e = e < 0 ? e : ov_findings_add(l, &f);

	/* 6: low, error, with control characters and an ANSI escape. */
	memset(&f, 0, sizeof(f));
	f.rule = "OV-PATCH-001";
	f.title = "Patch assessment failed \x01\x1b[31mred\x1b[0m";
	f.severity = OV_SEV_LOW;
	f.state = OV_STATE_ERROR;
	f.resource_id = FX_RG_ID "/providers/Microsoft.Compute/"
	    "virtualMachines/VM-Lab-01";
	f.resource_type = "Microsoft.Compute/virtualMachines";
	f.resource_name = "VM-Lab-01";
	f.subscription_id = FX_SUB;
	f.resource_group = "rg-Research";
	f.layer = OV_LAYER_OPERATING_SYSTEM;
	f.owner = OV_OWNER_SHARED;
	f.duty = "os-patching";
	f.evidence = fx_ev_patch;
	f.n_evidence = 1;
	f.remediation = "+Re-run the assessment";
	f.source = "patch";
	e = e < 0 ? e : ov_findings_add(l, &f);

	/* 7: medium, non-compliant IaC finding with a file location. */
	memset(&f, 0, sizeof(f));
	f.rule = "OV-IAC-001";
	f.title = "Minimum TLS version below 1.2";
	f.severity = OV_SEV_MEDIUM;
	f.state = OV_STATE_NON_COMPLIANT;
	f.resource_id = "templates/main template.json#/resources/0";
	f.resource_type = "Microsoft.Storage/storageAccounts";
	f.resource_name = "[parameters('name')]";
	f.layer = OV_LAYER_INFORMATION_AND_DATA;
	f.owner = OV_OWNER_CUSTOMER;
	f.evidence = fx_ev_iac;
	f.n_evidence = 1;
	f.remediation = "Set minimumTlsVersion to TLS1_2";
	f.source = "iac";
	f.file = "templates/main template.json";
	f.line = 12;
	f.column = 5;
	e = e < 0 ? e : ov_findings_add(l, &f);

	/* 8: low, not-applicable, explicit fingerprint, unknown layer. */
	memset(&f, 0, sizeof(f));
	f.rule = "OV-BKP-003";
	f.title = "Backup test restore not in window";
	f.severity = OV_SEV_LOW;
	f.state = OV_STATE_NOT_APPLICABLE;
	f.resource_id = FX_RG_ID "/providers/Microsoft.RecoveryServices/"
	    "vaults/rsv-main";
	f.layer = OV_LAYER_UNKNOWN;
	f.owner = OV_OWNER_UNKNOWN;
	f.duty = "backup-validation";
	f.fingerprint = "0123456789abcdef0123456789abcdef";
	f.source = "backup";
	e = e < 0 ? e : ov_findings_add(l, &f);
	return e;
}

static const char *const fx_rules_71[] = { "OV-NET-004" };
static const char *const fx_rules_37[] = { "OV-STG-001", "OV-IAC-001" };

static const ov_control_result fx_controls[] = {
	{ "3.7", "Ensure public access is disabled, \"all\" <accounts>",
	  "failed", 1, 1, 0, fx_rules_37, 2 },
	{ "6.1", "Ensure RDP access from the internet is restricted",
	  "failed", 0, 1, 0, fx_rules_71, 1 },
	{ "1.1.1", "Ensure MFA is enabled for privileged users", "indeterminate",
	  0, 0, 1, NULL, 0 },
	{ "1.2", "Ensure the security contact is reviewed", "manual",
	  0, 0, 0, NULL, 0 },
	{ "0.1", "Physical security of datacenters", "microsoft",
	  0, 0, 0, NULL, 0 },
	{ "2.1", "Ensure Defender for Servers is on", "passed",
	  1, 0, 0, NULL, 0 }
};

static const ov_compliance fx_compliance = {
	"cis-azure-3.0.0", "CIS Microsoft Azure Foundations 3.0.0",
	fx_controls, sizeof(fx_controls) / sizeof(fx_controls[0])
};

static const ov_source_info fx_sources[] = {
	{ "arg:resources", "collected", 0, NULL },
	{ "graph:userRegistrationDetails", "not-requested", 0, NULL }
};

/* Build the sorted fixture list; NULL on failure. */
static ov_findings *
fx_findings(void)
{
	ov_findings *l = NULL;

	if (ov_findings_new(&l) < 0)
		return NULL;
	if (ov_findings_set_tenant(l, FX_TENANT) < 0 || fx_add_all(l) < 0) {
		ov_findings_free(l);
		return NULL;
	}
	ov_findings_sort(l);
	return l;
}

/* Fill the report input around l. */
static void
fx_input(ov_report_input *in, const ov_findings *l, bool compliance)
{
	memset(in, 0, sizeof(*in));
	in->tool_version = "0.1.0-test";
	in->snapshot = "examples/university";
	in->tenant = FX_TENANT;
	in->collected_at = "2024-05-01T06:30:00Z";
	in->generated_at = FX_NOW;
	in->n_records = 3141;
	in->n_files = 12;
	in->n_input_errors = 1;
	in->n_rules = 42;
	in->findings = l;
	in->compliance = compliance ? &fx_compliance : NULL;
	in->sources = fx_sources;
	in->n_sources = 2;
}

#endif
