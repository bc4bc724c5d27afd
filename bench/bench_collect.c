/* SPDX-License-Identifier: MIT */
/*
 * Helper of bench/collect.sh.
 *
 *   bench_collect gen DIR [RESOURCES SUBSCRIPTIONS USERS]
 *     writes a tenant for fakeazure to serve (a snapshot directory): by
 *     default 100,000 resources over 20 subscriptions (disks, NICs, VMs,
 *     public IPs, virtual networks and a realistic few percent of NSGs,
 *     storage accounts, web apps, key vaults and SQL servers, whose ARM
 *     children and diagnostic settings the collector reads one by one),
 *     their resource groups, Defender, backup, patch, policy and RBAC rows,
 *     and 50,000 users with their MFA registration.  Deterministic.
 *
 *   bench_collect run CMD [ARG...]
 *     runs CMD and prints "wall S s, peak RSS N MB" for it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TENANT "5b0f4a1e-4c3f-4a7e-9d2c-1e8b7a6c5d40"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A deterministic GUID from two numbers. */
static void
guid(char *out, unsigned a, unsigned b)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ ((uint64_t)a << 32 | b);
	uint64_t g;

	h *= 0x100000001b3ULL;
	h ^= h >> 29;
	g = h * 0x9e3779b97f4a7c15ULL;
	snprintf(out, 37, "%08x-%04x-4%03x-8%03x-%012llx", (unsigned)(h >> 32),
	    (unsigned)(h >> 16) & 0xffff, (unsigned)h & 0xfff,
	    (unsigned)(g >> 52) & 0xfff,
	    (unsigned long long)(g & 0xffffffffffffULL));
}

struct out {
	FILE		*f;
	const char	*name;
	unsigned long	 n;
};

static FILE *
open_in(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	return f;
}

/* The kinds of resource, per thousand, and what they look like. */
static const struct kind {
	const char	*type;		/* ARM type */
	const char	*prefix;	/* name prefix */
	unsigned	 per_mille;
	const char	*props;		/* properties JSON */
} kinds[] = {
	{ "Microsoft.Compute/disks", "disk", 300,
	    "{\"diskSizeGB\":128,\"osType\":\"Linux\",\"diskState\":\"Attached\","
	    "\"encryption\":{\"type\":\"EncryptionAtRestWithPlatformKey\"},"
	    "\"networkAccessPolicy\":\"AllowAll\",\"publicNetworkAccess\":"
	    "\"Enabled\",\"provisioningState\":\"Succeeded\"}" },
	{ "Microsoft.Network/networkInterfaces", "nic", 250,
	    "{\"provisioningState\":\"Succeeded\",\"enableAcceleratedNetworking\":"
	    "true,\"enableIPForwarding\":false,\"ipConfigurations\":[{\"name\":"
	    "\"ipconfig1\",\"properties\":{\"privateIPAddress\":\"10.1.2.3\","
	    "\"privateIPAllocationMethod\":\"Dynamic\",\"primary\":true}}]}" },
	{ "Microsoft.Compute/virtualMachines", "vm", 200,
	    "{\"hardwareProfile\":{\"vmSize\":\"Standard_D2s_v5\"},\"storageProfile\":"
	    "{\"osDisk\":{\"osType\":\"Linux\",\"createOption\":\"FromImage\","
	    "\"managedDisk\":{\"storageAccountType\":\"Premium_LRS\"}}},"
	    "\"osProfile\":{\"computerName\":\"vm\",\"adminUsername\":\"azureuser\","
	    "\"linuxConfiguration\":{\"disablePasswordAuthentication\":true,"
	    "\"patchSettings\":{\"patchMode\":\"AutomaticByPlatform\","
	    "\"assessmentMode\":\"AutomaticByPlatform\"}}},\"securityProfile\":"
	    "{\"securityType\":\"TrustedLaunch\"},\"provisioningState\":"
	    "\"Succeeded\"}" },
	{ "Microsoft.Network/publicIPAddresses", "pip", 130,
	    "{\"publicIPAllocationMethod\":\"Static\",\"publicIPAddressVersion\":"
	    "\"IPv4\",\"ipAddress\":\"20.1.2.3\",\"provisioningState\":"
	    "\"Succeeded\"}" },
	{ "Microsoft.Network/virtualNetworks", "vnet", 64,
	    "{\"addressSpace\":{\"addressPrefixes\":[\"10.1.0.0/16\"]},\"subnets\":"
	    "[{\"name\":\"default\",\"properties\":{\"addressPrefix\":"
	    "\"10.1.0.0/24\"}}],\"provisioningState\":\"Succeeded\"}" },
	{ "Microsoft.Network/networkSecurityGroups", "nsg", 20,
	    "{\"securityRules\":[{\"name\":\"allow-https\",\"properties\":"
	    "{\"protocol\":\"Tcp\",\"sourcePortRange\":\"*\","
	    "\"destinationPortRange\":\"443\",\"sourceAddressPrefix\":\"*\","
	    "\"destinationAddressPrefix\":\"*\",\"access\":\"Allow\",\"priority\":"
	    "100,\"direction\":\"Inbound\"}}],\"provisioningState\":"
	    "\"Succeeded\"}" },
	{ "Microsoft.Storage/storageAccounts", "st", 12,
	    "{\"minimumTlsVersion\":\"TLS1_2\",\"allowBlobPublicAccess\":false,"
	    "\"supportsHttpsTrafficOnly\":true,\"publicNetworkAccess\":"
	    "\"Enabled\",\"networkAcls\":{\"defaultAction\":\"Allow\"},"
	    "\"encryption\":{\"keySource\":\"Microsoft.Storage\"}}" },
	{ "Microsoft.Web/sites", "app", 6,
	    "{\"state\":\"Running\",\"httpsOnly\":true,\"publicNetworkAccess\":"
	    "\"Enabled\",\"siteConfig\":{\"minTlsVersion\":\"1.2\"}}" },
	{ "Microsoft.KeyVault/vaults", "kv", 4,
	    "{\"tenantId\":\"" TENANT "\",\"enableSoftDelete\":true,"
	    "\"enablePurgeProtection\":true,\"enableRbacAuthorization\":true,"
	    "\"publicNetworkAccess\":\"Disabled\"}" },
	{ "Microsoft.Sql/servers", "sql", 2,
	    "{\"version\":\"12.0\",\"minimalTlsVersion\":\"1.2\","
	    "\"publicNetworkAccess\":\"Disabled\"}" },
	{ "Microsoft.Compute/snapshots", "snap", 12,
	    "{\"diskSizeGB\":128,\"incremental\":true}" },
};

/* Write one Resource Graph row. */
static void
row(FILE *f, const char *id, const char *name, const char *type,
    const char *rg, const char *sub, const char *props)
{
	char lower[256];
	size_t i;

	for (i = 0; type[i] != '\0' && i < sizeof(lower) - 1; i++)
		lower[i] = (char)(type[i] >= 'A' && type[i] <= 'Z' ?
		    type[i] + 32 : type[i]);
	lower[i] = '\0';
	fprintf(f, "{\"id\":\"%s\",\"name\":\"%s\",\"type\":\"%s\","
	    "\"tenantId\":\"" TENANT "\",\"kind\":\"\",\"location\":"
	    "\"westeurope\",\"resourceGroup\":\"%s\",\"subscriptionId\":\"%s\","
	    "\"managedBy\":\"\",\"tags\":{\"env\":\"prod\",\"owner\":"
	    "\"platform@contoso.example\",\"costCenter\":\"CC-%u\"},"
	    "\"properties\":%s}\n", id, name, lower, rg, sub,
	    (unsigned)(next() % 900 + 100), props);
}

static int
gen(const char *dir, unsigned n_res, unsigned n_subs, unsigned n_users)
{
	FILE *res, *rc, *sec, *pat, *bak, *auth, *pol, *mnt, *diag, *arm;
	FILE *users, *urd, *groups, *sps, *apps, *ca, *ra, *rd, *man;
	char sub[40], id[512], rg[64], g[40], p[40];
	unsigned i, k, s, acc, count[sizeof(kinds) / sizeof(kinds[0])];
	unsigned long n_rc = 0, n_sec = 0, n_pat = 0, n_bak = 0, n_auth = 0;
	unsigned long n_pol = 0, n_mnt = 0, n_diag = 0, n_arm = 0;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		perror(dir);
		return 1;
	}
	res = open_in(dir, "arg-resources.ndjson");
	rc = open_in(dir, "arg-resourcecontainers.ndjson");
	sec = open_in(dir, "arg-securityresources.ndjson");
	pat = open_in(dir, "arg-patchassessmentresources.ndjson");
	bak = open_in(dir, "arg-recoveryservicesresources.ndjson");
	auth = open_in(dir, "arg-authorizationresources.ndjson");
	pol = open_in(dir, "arg-policyresources.ndjson");
	mnt = open_in(dir, "arg-maintenanceresources.ndjson");
	diag = open_in(dir, "arm-diagnosticsettings.ndjson");
	arm = open_in(dir, "arm-resources.ndjson");
	memset(count, 0, sizeof(count));
	for (s = 0; s < n_subs; s++) {
		guid(sub, 1, s);
		fprintf(rc, "{\"id\":\"/subscriptions/%s\",\"name\":\"sub-%02u\","
		    "\"type\":\"microsoft.resources/subscriptions\",\"tenantId\":"
		    "\"" TENANT "\",\"subscriptionId\":\"%s\",\"properties\":"
		    "{\"state\":\"Enabled\",\"managementGroupAncestorsChain\":"
		    "[{\"displayName\":\"Contoso\",\"name\":\"mg-contoso\"},"
		    "{\"displayName\":\"Tenant Root Group\",\"name\":\"" TENANT
		    "\"}]}}\n", sub, s, sub);
		n_rc++;
		for (k = 0; k < 10; k++) {
			fprintf(rc, "{\"id\":\"/subscriptions/%s/resourceGroups/"
			    "rg-%02u\",\"name\":\"rg-%02u\",\"type\":"
			    "\"microsoft.resources/subscriptions/resourcegroups\","
			    "\"tenantId\":\"" TENANT "\",\"location\":"
			    "\"westeurope\",\"subscriptionId\":\"%s\",\"tags\":"
			    "{\"owner\":\"platform@contoso.example\"},"
			    "\"properties\":{\"provisioningState\":\"Succeeded\"}}"
			    "\n", sub, k, k, sub);
			n_rc++;
		}
		for (k = 0; k < 12; k++) {
			static const char *const plans[] = { "VirtualMachines",
			    "SqlServers", "AppServices", "StorageAccounts",
			    "KeyVaults", "Arm", "Containers", "CosmosDbs",
			    "Dns", "OpenSourceRelationalDatabases",
			    "SqlServerVirtualMachines", "Api" };

			fprintf(sec, "{\"id\":\"/subscriptions/%s/providers/"
			    "Microsoft.Security/pricings/%s\",\"name\":\"%s\","
			    "\"type\":\"microsoft.security/pricings\",\"tenantId\":"
			    "\"" TENANT "\",\"subscriptionId\":\"%s\",\"properties\":"
			    "{\"pricingTier\":\"%s\"}}\n", sub, plans[k], plans[k],
			    sub, k % 3 == 0 ? "Free" : "Standard");
			n_sec++;
		}
		fprintf(diag, "{\"id\":\"/subscriptions/%s/providers/"
		    "Microsoft.Insights/diagnosticSettings/activity-to-law\","
		    "\"name\":\"activity-to-law\",\"type\":"
		    "\"Microsoft.Insights/diagnosticSettings\",\"properties\":"
		    "{\"logs\":[{\"categoryGroup\":\"allLogs\",\"enabled\":true}]}}"
		    "\n", sub);
		n_diag++;
		fprintf(pol, "{\"id\":\"/subscriptions/%s/providers/Microsoft."
		    "Authorization/policyAssignments/baseline\",\"name\":"
		    "\"baseline\",\"type\":\"microsoft.authorization/"
		    "policyassignments\",\"tenantId\":\"" TENANT "\","
		    "\"subscriptionId\":\"%s\",\"properties\":{\"displayName\":"
		    "\"Baseline\",\"enforcementMode\":\"Default\","
		    "\"policyDefinitionId\":\"/providers/Microsoft.Authorization/"
		    "policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8\","
		    "\"scope\":\"/subscriptions/%s\"}}\n", sub, sub, sub);
		n_pol++;
	}
	/* Resources, spread over subscriptions and groups in order. */
	for (i = 0; i < n_res; i++) {
		s = i % n_subs;
		guid(sub, 1, s);
		snprintf(rg, sizeof(rg), "rg-%02u", (i / n_subs) % 10);
		acc = (unsigned)(next() % 1000);
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]) - 1 &&
		    acc >= kinds[k].per_mille; k++)
			acc -= kinds[k].per_mille;
		count[k]++;
		snprintf(p, sizeof(p), "%s%06u", kinds[k].prefix, i);
		snprintf(id, sizeof(id), "/subscriptions/%s/resourceGroups/%s/"
		    "providers/%s/%s", sub, rg, kinds[k].type, p);
		row(res, id, p, kinds[k].type, rg, sub, kinds[k].props);
		if (strcmp(kinds[k].prefix, "vm") == 0) {
			fprintf(pat, "{\"id\":\"%s/patchAssessmentResults/latest\","
			    "\"name\":\"latest\",\"type\":\"microsoft.compute/"
			    "virtualmachines/patchassessmentresults\",\"tenantId\":"
			    "\"" TENANT "\",\"resourceGroup\":\"%s\","
			    "\"subscriptionId\":\"%s\",\"properties\":{\"status\":"
			    "\"Succeeded\",\"osType\":\"Linux\",\"lastModifiedDate"
			    "Time\":\"2026-10-31T23:00:00Z\",\"availablePatchCount"
			    "ByClassification\":{\"critical\":%u,\"security\":%u,"
			    "\"other\":2}}}\n", id, rg, sub,
			    (unsigned)(next() % 3), (unsigned)(next() % 4));
			n_pat++;
			if (i % 3 != 0) {
				fprintf(bak, "{\"id\":\"/subscriptions/%s/"
				    "resourceGroups/%s/providers/Microsoft."
				    "RecoveryServices/vaults/rsv/backupFabrics/"
				    "Azure/protectionContainers/IaasVMContainer;"
				    "%s/protectedItems/VM;%s\",\"name\":\"VM;%s\","
				    "\"type\":\"microsoft.recoveryservices/vaults/"
				    "backupfabrics/protectioncontainers/"
				    "protecteditems\",\"tenantId\":\"" TENANT
				    "\",\"resourceGroup\":\"%s\",\"subscriptionId\":"
				    "\"%s\",\"properties\":{\"sourceResourceId\":"
				    "\"%s\",\"protectionState\":\"Protected\","
				    "\"lastBackupStatus\":\"Completed\","
				    "\"lastBackupTime\":\"2026-10-31T22:00:00Z\"}}\n",
				    sub, rg, p, p, p, rg, sub, id);
				n_bak++;
			}
			if (i % 2 == 0) {
				fprintf(mnt, "{\"id\":\"%s/providers/Microsoft."
				    "Maintenance/configurationAssignments/monthly\","
				    "\"name\":\"monthly\",\"type\":\"microsoft."
				    "maintenance/configurationassignments\","
				    "\"tenantId\":\"" TENANT "\",\"resourceGroup\":"
				    "\"%s\",\"subscriptionId\":\"%s\",\"properties\":"
				    "{\"resourceId\":\"%s\"}}\n", id, rg, sub, id);
				n_mnt++;
			}
		}
		if (strcmp(kinds[k].prefix, "nsg") == 0 && i % 2 == 0) {
			fprintf(diag, "{\"id\":\"%s/providers/Microsoft.Insights/"
			    "diagnosticSettings/to-law\",\"name\":\"to-law\","
			    "\"type\":\"Microsoft.Insights/diagnosticSettings\","
			    "\"properties\":{\"logs\":[{\"categoryGroup\":"
			    "\"allLogs\",\"enabled\":true}]}}\n", id);
			n_diag++;
		}
		if (strcmp(kinds[k].prefix, "st") == 0) {
			fprintf(arm, "{\"id\":\"%s/blobServices/default\",\"name\":"
			    "\"default\",\"type\":\"Microsoft.Storage/"
			    "storageAccounts/blobServices\",\"properties\":"
			    "{\"deleteRetentionPolicy\":{\"enabled\":%s,\"days\":"
			    "7},\"isVersioningEnabled\":true}}\n", id,
			    i % 4 == 0 ? "false" : "true");
			n_arm++;
		}
		if (strcmp(kinds[k].prefix, "app") == 0) {
			fprintf(arm, "{\"id\":\"%s/config/web\",\"name\":\"web\","
			    "\"type\":\"Microsoft.Web/sites/config\",\"properties\":"
			    "{\"minTlsVersion\":\"1.2\",\"ftpsState\":\"FtpsOnly\","
			    "\"http20Enabled\":true}}\n", id);
			n_arm++;
		}
		if (i % 50 == 0) {
			guid(g, 7, i);
			fprintf(sec, "{\"id\":\"%s/providers/Microsoft.Security/"
			    "assessments/%s\",\"name\":\"%s\",\"type\":\"microsoft."
			    "security/assessments\",\"tenantId\":\"" TENANT "\","
			    "\"resourceGroup\":\"%s\",\"subscriptionId\":\"%s\","
			    "\"properties\":{\"displayName\":\"Machines should "
			    "have vulnerability findings resolved\",\"status\":"
			    "{\"code\":\"Unhealthy\"},\"resourceDetails\":{\"Id\":"
			    "\"%s\"},\"metadata\":{\"severity\":\"High\"}}}\n", id,
			    g, g, rg, sub, id);
			n_sec++;
		}
	}
	/* Role assignments: a few per subscription, and role definitions. */
	for (s = 0; s < n_subs; s++) {
		guid(sub, 1, s);
		for (k = 0; k < 20; k++) {
			guid(g, 2, s * 100 + k);
			guid(p, 3, (s * 100 + k) % n_users);
			fprintf(auth, "{\"id\":\"/subscriptions/%s/providers/"
			    "Microsoft.Authorization/roleAssignments/%s\","
			    "\"name\":\"%s\",\"type\":\"microsoft.authorization/"
			    "roleassignments\",\"tenantId\":\"" TENANT "\","
			    "\"subscriptionId\":\"%s\",\"properties\":"
			    "{\"roleDefinitionId\":\"/subscriptions/%s/providers/"
			    "Microsoft.Authorization/roleDefinitions/%s\","
			    "\"principalId\":\"%s\",\"principalType\":\"User\","
			    "\"scope\":\"/subscriptions/%s\"}}\n", sub, g, g, sub,
			    sub, k == 0 ? "8e3af657-a8ff-443c-a75c-2fe8c4bcb635" :
			    "acdd72a7-3385-48ef-bd42-f606fba81ae7", p, sub);
			n_auth++;
		}
	}
	fprintf(auth, "{\"id\":\"/providers/Microsoft.Authorization/"
	    "RoleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635\",\"name\":"
	    "\"8e3af657-a8ff-443c-a75c-2fe8c4bcb635\",\"type\":\"microsoft."
	    "authorization/roledefinitions\",\"tenantId\":\"" TENANT "\","
	    "\"properties\":{\"roleName\":\"Owner\",\"type\":\"BuiltInRole\"}}\n");
	n_auth++;
	fclose(res);
	fclose(rc);
	fclose(sec);
	fclose(pat);
	fclose(bak);
	fclose(auth);
	fclose(pol);
	fclose(mnt);
	fclose(diag);
	fclose(arm);

	users = open_in(dir, "graph-users.ndjson");
	urd = open_in(dir, "graph-userregistrationdetails.ndjson");
	for (i = 0; i < n_users; i++) {
		guid(g, 3, i);
		fprintf(users, "{\"id\":\"%s\",\"displayName\":\"User %06u\","
		    "\"givenName\":\"User\",\"surname\":\"%06u\","
		    "\"userPrincipalName\":\"user%06u@contoso.example\","
		    "\"mail\":\"user%06u@contoso.example\",\"userType\":\"%s\","
		    "\"accountEnabled\":%s,\"department\":\"Department %u\","
		    "\"jobTitle\":\"Staff\",\"companyName\":\"Contoso\","
		    "\"createdDateTime\":\"2024-0%u-15T06:00:00Z\","
		    "\"onPremisesSyncEnabled\":true}\n", g, i, i, i, i,
		    i % 40 == 0 ? "Guest" : "Member", i % 25 == 0 ? "false" :
		    "true", i % 30, i % 9 + 1);
		fprintf(urd, "{\"id\":\"%s\",\"userPrincipalName\":\"user%06u@"
		    "contoso.example\",\"userDisplayName\":\"User %06u\","
		    "\"userType\":\"member\",\"isAdmin\":%s,\"isSsprRegistered\":"
		    "true,\"isSsprEnabled\":true,\"isSsprCapable\":true,"
		    "\"isMfaRegistered\":%s,\"isMfaCapable\":%s,"
		    "\"isPasswordlessCapable\":false,\"methodsRegistered\":"
		    "[\"microsoftAuthenticatorPush\"],\"lastUpdatedDateTime\":"
		    "\"2026-10-29T06:00:00Z\"}\n", g, i, i, i < 20 ? "true" :
		    "false", i % 7 == 0 ? "false" : "true", i % 7 == 0 ?
		    "false" : "true");
	}
	fclose(users);
	fclose(urd);
	groups = open_in(dir, "graph-groups.ndjson");
	for (i = 0; i < 200; i++) {
		guid(g, 4, i);
		fprintf(groups, "{\"id\":\"%s\",\"displayName\":\"Group %u\","
		    "\"mailNickname\":\"g%u\",\"securityEnabled\":true,"
		    "\"mailEnabled\":false,\"groupTypes\":[],"
		    "\"isAssignableToRole\":false,\"createdDateTime\":"
		    "\"2024-02-05T06:00:00Z\"}\n", g, i, i);
	}
	fclose(groups);
	sps = open_in(dir, "graph-serviceprincipals.ndjson");
	apps = open_in(dir, "graph-applications.ndjson");
	for (i = 0; i < 500; i++) {
		guid(g, 5, i);
		guid(p, 6, i);
		fprintf(sps, "{\"id\":\"%s\",\"appId\":\"%s\",\"displayName\":"
		    "\"app-%u\",\"accountEnabled\":true,\"servicePrincipalType\":"
		    "\"Application\",\"appOwnerOrganizationId\":\"" TENANT "\","
		    "\"servicePrincipalNames\":[\"%s\"],\"passwordCredentials\":"
		    "[{\"keyId\":\"%s\",\"displayName\":\"s\",\"startDateTime\":"
		    "\"2026-01-01T00:00:00Z\",\"endDateTime\":"
		    "\"2027-01-01T00:00:00Z\",\"hint\":\"abc\",\"secretText\":"
		    "null}],\"keyCredentials\":[],\"tags\":[]}\n", g, p, i, p, g);
		fprintf(apps, "{\"id\":\"%s\",\"appId\":\"%s\",\"displayName\":"
		    "\"app-%u\",\"signInAudience\":\"AzureADMyOrg\","
		    "\"createdDateTime\":\"2025-01-01T00:00:00Z\","
		    "\"passwordCredentials\":[],\"keyCredentials\":[]}\n", p, p, i);
	}
	fclose(sps);
	fclose(apps);
	ca = open_in(dir, "graph-conditionalaccess.ndjson");
	fprintf(ca, "{\"id\":\"ca000000-0000-4000-8000-000000000001\","
	    "\"displayName\":\"Require MFA for administrators\",\"state\":"
	    "\"enabled\",\"conditions\":{\"clientAppTypes\":[\"all\"],"
	    "\"applications\":{\"includeApplications\":[\"All\"]},\"users\":"
	    "{\"includeRoles\":[\"62e90394-69f5-4237-9190-012177145e10\"]}},"
	    "\"grantControls\":{\"operator\":\"OR\",\"builtInControls\":"
	    "[\"mfa\"]}}\n");
	fclose(ca);
	ra = open_in(dir, "graph-roleassignments.ndjson");
	rd = open_in(dir, "graph-roledefinitions.ndjson");
	for (i = 0; i < 20; i++) {
		guid(g, 8, i);
		guid(p, 3, i);
		fprintf(ra, "{\"id\":\"%s\",\"principalId\":\"%s\","
		    "\"roleDefinitionId\":\"62e90394-69f5-4237-9190-012177145e10\","
		    "\"directoryScopeId\":\"/\"}\n", g, p);
	}
	fprintf(rd, "{\"id\":\"62e90394-69f5-4237-9190-012177145e10\","
	    "\"displayName\":\"Global Administrator\",\"isBuiltIn\":true,"
	    "\"isEnabled\":true,\"templateId\":"
	    "\"62e90394-69f5-4237-9190-012177145e10\"}\n");
	fclose(ra);
	fclose(rd);

	man = open_in(dir, "manifest.json");
	fprintf(man, "{\"schema\":\"overvisor-snapshot/1\",\"tenantId\":\"" TENANT
	    "\",\"tenantName\":\"Contoso\",\"cloud\":\"AzureCloud\","
	    "\"collectedAt\":\"2026-11-01T06:00:00Z\",\"tool\":\"bench_collect\","
	    "\"sources\":[\n");
#define SRC(name, file, n, type) fprintf(man, "{\"name\":\"%s\",\"status\":" \
	"\"collected\",\"count\":%lu,\"files\":[\"%s\"]%s%s%s},\n", name, \
	(unsigned long)(n), file, type != NULL ? ",\"type\":\"" : "", \
	type != NULL ? (const char *)type : "", type != NULL ? "\"" : "")
	SRC("arg:resources", "arg-resources.ndjson", n_res, NULL);
	SRC("arg:resourcecontainers", "arg-resourcecontainers.ndjson", n_rc,
	    NULL);
	SRC("arg:securityresources", "arg-securityresources.ndjson", n_sec,
	    NULL);
	SRC("arg:patchassessmentresources", "arg-patchassessmentresources.ndjson",
	    n_pat, NULL);
	SRC("arg:recoveryservicesresources",
	    "arg-recoveryservicesresources.ndjson", n_bak, NULL);
	SRC("arg:authorizationresources", "arg-authorizationresources.ndjson",
	    n_auth, NULL);
	SRC("arg:policyresources", "arg-policyresources.ndjson", n_pol, NULL);
	SRC("arg:maintenanceresources", "arg-maintenanceresources.ndjson", n_mnt,
	    NULL);
	SRC("arm:resources", "arm-resources.ndjson", n_arm, NULL);
	SRC("arm:diagnosticSettings", "arm-diagnosticsettings.ndjson", n_diag,
	    NULL);
	SRC("graph:users", "graph-users.ndjson", n_users,
	    "Microsoft.Graph/users");
	SRC("graph:userRegistrationDetails",
	    "graph-userregistrationdetails.ndjson", n_users,
	    "Microsoft.Graph/userRegistrationDetails");
	SRC("graph:groups", "graph-groups.ndjson", 200, "Microsoft.Graph/groups");
	SRC("graph:servicePrincipals", "graph-serviceprincipals.ndjson", 500,
	    "Microsoft.Graph/servicePrincipals");
	SRC("graph:applications", "graph-applications.ndjson", 500,
	    "Microsoft.Graph/applications");
	SRC("graph:conditionalAccessPolicies", "graph-conditionalaccess.ndjson",
	    1, "Microsoft.Graph/conditionalAccessPolicies");
	SRC("graph:roleAssignments", "graph-roleassignments.ndjson", 20,
	    "Microsoft.Graph/roleAssignments");
#undef SRC
	fprintf(man, "{\"name\":\"graph:roleDefinitions\",\"status\":"
	    "\"collected\",\"count\":1,\"files\":[\"graph-roledefinitions.ndjson"
	    "\"],\"type\":\"Microsoft.Graph/roleDefinitions\"}]}\n");
	fclose(man);
	printf("generated %u resources over %u subscriptions, %u users:",
	    n_res, n_subs, n_users);
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		printf(" %u %s", count[k], kinds[k].prefix);
	printf("\n");
	return 0;
}

/* Run a command; print its wall time and peak RSS. */
static int
run(char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	pid_t pid;
	int status;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "wall %.3f s, cpu %.3f s, peak RSS %.1f MB\n",
	    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec -
	    t0.tv_nsec) / 1e9, (double)ru.ru_utime.tv_sec +
	    (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	    (double)ru.ru_stime.tv_usec / 1e6, (double)ru.ru_maxrss / 1024.0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 70;
}

int
main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], argc > 3 ? (unsigned)atoi(argv[3]) : 100000,
		    argc > 4 ? (unsigned)atoi(argv[4]) : 20,
		    argc > 5 ? (unsigned)atoi(argv[5]) : 50000);
	if (argc >= 3 && strcmp(argv[1], "run") == 0)
		return run(argv + 2);
	fprintf(stderr, "usage: bench_collect gen DIR [RESOURCES SUBSCRIPTIONS "
	    "USERS]\n       bench_collect run CMD [ARG...]\n");
	return 2;
}
