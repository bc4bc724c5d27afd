/* SPDX-License-Identifier: MIT */
/*
 * Canonical casing of resource types.  Resource Graph lower-cases types and
 * exports mix casings; records carry the canonical spelling when the type is
 * listed here and the source spelling otherwise.  Comparisons never depend
 * on this table: they are case-insensitive everywhere.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/model/model.h"
#include "util/hash.h"

static const char *const known_types[] = {
	"Microsoft.AAD/domainServices",
	"Microsoft.ApiManagement/service",
	"Microsoft.App/containerApps",
	"Microsoft.App/managedEnvironments",
	"Microsoft.AppConfiguration/configurationStores",
	"Microsoft.Authorization/locks",
	"Microsoft.Authorization/policyAssignments",
	"Microsoft.Authorization/policyDefinitions",
	"Microsoft.Authorization/policyExemptions",
	"Microsoft.Authorization/policySetDefinitions",
	"Microsoft.Authorization/roleAssignments",
	"Microsoft.Authorization/roleDefinitions",
	"Microsoft.Automation/automationAccounts",
	"Microsoft.Batch/batchAccounts",
	"Microsoft.Cache/Redis",
	"Microsoft.Cache/redisEnterprise",
	"Microsoft.Cdn/profiles",
	"Microsoft.Cdn/profiles/endpoints",
	"Microsoft.Cdn/profiles/securityPolicies",
	"Microsoft.CognitiveServices/accounts",
	"Microsoft.Compute/availabilitySets",
	"Microsoft.Compute/diskEncryptionSets",
	"Microsoft.Compute/disks",
	"Microsoft.Compute/galleries",
	"Microsoft.Compute/images",
	"Microsoft.Compute/snapshots",
	"Microsoft.Compute/sshPublicKeys",
	"Microsoft.Compute/virtualMachineScaleSets",
	"Microsoft.Compute/virtualMachineScaleSets/extensions",
	"Microsoft.Compute/virtualMachineScaleSets/virtualMachines",
	"Microsoft.Compute/virtualMachines",
	"Microsoft.Compute/virtualMachines/extensions",
	"Microsoft.Compute/virtualMachines/patchAssessmentResults",
	"Microsoft.Compute/virtualMachines/patchAssessmentResults/softwarePatches",
	"Microsoft.Compute/virtualMachines/patchInstallationResults",
	"Microsoft.ContainerInstance/containerGroups",
	"Microsoft.ContainerRegistry/registries",
	"Microsoft.ContainerService/managedClusters",
	"Microsoft.ContainerService/managedClusters/agentPools",
	"Microsoft.DBforMariaDB/servers",
	"Microsoft.DBforMySQL/flexibleServers",
	"Microsoft.DBforMySQL/flexibleServers/configurations",
	"Microsoft.DBforMySQL/flexibleServers/firewallRules",
	"Microsoft.DBforMySQL/servers",
	"Microsoft.DBforPostgreSQL/flexibleServers",
	"Microsoft.DBforPostgreSQL/flexibleServers/configurations",
	"Microsoft.DBforPostgreSQL/servers/configurations",
	"Microsoft.DBforPostgreSQL/flexibleServers/firewallRules",
	"Microsoft.DBforPostgreSQL/servers",
	"Microsoft.DataFactory/factories",
	"Microsoft.DataProtection/backupVaults",
	"Microsoft.DataProtection/backupVaults/backupInstances",
	"Microsoft.DataProtection/backupVaults/backupJobs",
	"Microsoft.Databricks/workspaces",
	"Microsoft.DesktopVirtualization/hostPools",
	"Microsoft.DevCenter/devcenters",
	"Microsoft.Devices/IotHubs",
	"Microsoft.DocumentDB/databaseAccounts",
	"Microsoft.EventGrid/domains",
	"Microsoft.EventGrid/topics",
	"Microsoft.EventGrid/systemTopics",
	"Microsoft.EventHub/namespaces",
	"Microsoft.EventHub/namespaces/eventhubs",
	"Microsoft.EventHub/namespaces/authorizationRules",
	"Microsoft.Graph/applications",
	"Microsoft.Graph/conditionalAccessPolicies",
	"Microsoft.Graph/directoryRoles",
	"Microsoft.Graph/groups",
	"Microsoft.Graph/roleAssignments",
	"Microsoft.Graph/roleDefinitions",
	"Microsoft.Graph/servicePrincipals",
	"Microsoft.Graph/signIns",
	"Microsoft.Graph/directoryAudits",
	"Microsoft.Graph/userRegistrationDetails",
	"Microsoft.Graph/users",
	"Microsoft.Graph/authorizationPolicy",
	"Microsoft.Graph/identitySecurityDefaultsEnforcementPolicy",
	"Microsoft.Graph/namedLocations",
	"Microsoft.Graph/organization",
	"Microsoft.Graph/roleEligibilitySchedules",
	"Microsoft.HDInsight/clusters",
	"Microsoft.HybridCompute/machines",
	"Microsoft.HybridCompute/machines/extensions",
	"Microsoft.HybridCompute/machines/patchAssessmentResults",
	"Microsoft.HybridCompute/machines/patchAssessmentResults/softwarePatches",
	"Microsoft.Insights/actionGroups",
	"Microsoft.Insights/activityLogAlerts",
	"Microsoft.Insights/components",
	"Microsoft.Insights/dataCollectionRules",
	"Microsoft.Insights/diagnosticSettings",
	"Microsoft.Insights/metricAlerts",
	"Microsoft.Insights/scheduledQueryRules",
	"Microsoft.KeyVault/managedHSMs",
	"Microsoft.KeyVault/vaults",
	"Microsoft.KeyVault/vaults/keys",
	"Microsoft.KeyVault/vaults/secrets",
	"Microsoft.Kusto/clusters",
	"Microsoft.Logic/workflows",
	"Microsoft.MachineLearningServices/workspaces",
	"Microsoft.Maintenance/configurationAssignments",
	"Microsoft.Maintenance/maintenanceConfigurations",
	"Microsoft.ManagedIdentity/userAssignedIdentities",
	"Microsoft.Management/managementGroups",
	"Microsoft.Network/applicationGateways",
	"Microsoft.Network/applicationGatewayWebApplicationFirewallPolicies",
	"Microsoft.Network/applicationSecurityGroups",
	"Microsoft.Network/azureFirewalls",
	"Microsoft.Network/bastionHosts",
	"Microsoft.Network/connections",
	"Microsoft.Network/ddosProtectionPlans",
	"Microsoft.Network/dnsZones",
	"Microsoft.Network/expressRouteCircuits",
	"Microsoft.Network/firewallPolicies",
	"Microsoft.Network/firewallPolicies/ruleCollectionGroups",
	"Microsoft.Network/frontDoors",
	"Microsoft.Network/FrontDoorWebApplicationFirewallPolicies",
	"Microsoft.Network/loadBalancers",
	"Microsoft.Network/localNetworkGateways",
	"Microsoft.Network/natGateways",
	"Microsoft.Network/networkInterfaces",
	"Microsoft.Network/networkSecurityGroups",
	"Microsoft.Network/networkSecurityGroups/securityRules",
	"Microsoft.Network/networkWatchers",
	"Microsoft.Network/networkWatchers/flowLogs",
	"Microsoft.Network/privateDnsZones",
	"Microsoft.Network/privateEndpoints",
	"Microsoft.Network/publicIPAddresses",
	"Microsoft.Network/publicIPPrefixes",
	"Microsoft.Network/routeTables",
	"Microsoft.Network/virtualNetworkGateways",
	"Microsoft.Network/virtualNetworks",
	"Microsoft.Network/virtualNetworks/subnets",
	"Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
	"Microsoft.Network/virtualWans",
	"Microsoft.Network/virtualHubs",
	"Microsoft.OperationalInsights/workspaces",
	"Microsoft.PolicyInsights/policyStates",
	"Microsoft.PolicyInsights/remediations",
	"Microsoft.RecoveryServices/vaults",
	"Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems",
	"Microsoft.RecoveryServices/vaults/backupJobs",
	"Microsoft.RecoveryServices/vaults/backupPolicies",
	"Microsoft.RecoveryServices/vaults/replicationFabrics",
	"Microsoft.Resources/deployments",
	"Microsoft.Resources/subscriptions",
	"Microsoft.Resources/subscriptions/resourceGroups",
	"Microsoft.Search/searchServices",
	"Microsoft.Security/alerts",
	"Microsoft.Security/assessments",
	"Microsoft.Security/assessmentMetadata",
	"Microsoft.Security/autoProvisioningSettings",
	"Microsoft.Security/locations/alerts",
	"Microsoft.Security/pricings",
	"Microsoft.Security/secureScoreControls",
	"Microsoft.Security/secureScores",
	"Microsoft.Security/securityContacts",
	"Microsoft.Security/settings",
	"Microsoft.Security/subAssessments",
	"Microsoft.ServiceBus/namespaces",
	"Microsoft.ServiceBus/namespaces/queues",
	"Microsoft.ServiceBus/namespaces/topics",
	"Microsoft.ServiceFabric/clusters",
	"Microsoft.SignalRService/SignalR",
	"Microsoft.SignalRService/webPubSub",
	"Microsoft.Sql/managedInstances",
	"Microsoft.Sql/servers",
	"Microsoft.Sql/servers/auditingSettings",
	"Microsoft.Sql/servers/administrators",
	"Microsoft.Sql/servers/databases",
	"Microsoft.Sql/servers/databases/auditingSettings",
	"Microsoft.Sql/servers/databases/securityAlertPolicies",
	"Microsoft.Sql/servers/databases/transparentDataEncryption",
	"Microsoft.Sql/servers/elasticPools",
	"Microsoft.Sql/servers/encryptionProtector",
	"Microsoft.Sql/servers/firewallRules",
	"Microsoft.Sql/servers/securityAlertPolicies",
	"Microsoft.Sql/servers/vulnerabilityAssessments",
	"Microsoft.Storage/storageAccounts",
	"Microsoft.Storage/storageAccounts/blobServices",
	"Microsoft.Storage/storageAccounts/blobServices/containers",
	"Microsoft.Storage/storageAccounts/fileServices",
	"Microsoft.Storage/storageAccounts/fileServices/shares",
	"Microsoft.Storage/storageAccounts/queueServices",
	"Microsoft.Storage/storageAccounts/tableServices",
	"Microsoft.Synapse/workspaces",
	"Microsoft.Web/hostingEnvironments",
	"Microsoft.Web/serverfarms",
	"Microsoft.Web/sites",
	"Microsoft.Web/sites/config",
	"Microsoft.Web/sites/basicPublishingCredentialsPolicies",
	"Microsoft.Web/sites/slots",
	"Microsoft.Web/staticSites",
};

/*
 * Other spellings of a known type.  ARM GET names a resource group
 * Microsoft.Resources/resourceGroups; Azure Policy and Resource Graph know
 * it by its full type.
 */
static const struct {
	const char	*spelling;
	const char	*type;		/* in known_types */
} synonyms[] = {
	{ "Microsoft.Resources/resourceGroups",
	    "Microsoft.Resources/subscriptions/resourceGroups" },
};

#define N_KNOWN (sizeof(known_types) / sizeof(known_types[0]))

/*
 * known_types by case-insensitive order, sorted once: the lookup is a
 * binary search that allocates nothing, so it cannot fail (a map built
 * once for the process would stay broken after one failed allocation).
 */
static size_t type_order[N_KNOWN];
static pthread_once_t type_once = PTHREAD_ONCE_INIT;

/* ASCII case-insensitive order of two byte ranges. */
static int
cmp_ci(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i, n = an < bn ? an : bn;

	for (i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x + ('a' - 'A'));
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y + ('a' - 'A'));
		if (x != y)
			return x < y ? -1 : 1;
	}
	return an < bn ? -1 : an > bn;
}

static int
cmp_order(const void *pa, const void *pb)
{
	const char *a = known_types[*(const size_t *)pa];
	const char *b = known_types[*(const size_t *)pb];

	return cmp_ci(a, strlen(a), b, strlen(b));
}

static void
build_order(void)
{
	size_t i;

	for (i = 0; i < N_KNOWN; i++)
		type_order[i] = i;
	qsort(type_order, N_KNOWN, sizeof(type_order[0]), cmp_order);
}

/*
 * The canonical spelling of type, or NULL when the type is not in the
 * table.
 */
const char *
ov_model__canonical_type(const char *type, size_t len)
{
	size_t lo = 0, hi = N_KNOWN, i;
	int c;

	if (type == NULL)
		return NULL;
	for (i = 0; i < sizeof(synonyms) / sizeof(synonyms[0]); i++)
		if (ov__eq_ci(type, len, synonyms[i].spelling,
		    strlen(synonyms[i].spelling)))
			return ov_model__canonical_type(synonyms[i].type,
			    strlen(synonyms[i].type));
	pthread_once(&type_once, build_order);
	while (lo < hi) {
		const char *k;

		i = (lo + hi) / 2;
		k = known_types[type_order[i]];
		if ((c = cmp_ci(k, strlen(k), type, len)) == 0)
			return k;
		if (c < 0)
			lo = i + 1;
		else
			hi = i;
	}
	return NULL;
}
