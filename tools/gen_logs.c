/* SPDX-License-Identifier: MIT */
/*
 * gen_logs: write N synthetic log events as NDJSON, in the shape the
 * diagnostic settings export them to storage and Event Hubs: Azure
 * Activity Log records (Administrative category) and Entra SignInLogs
 * records, half each, with varied operations, resources, callers,
 * addresses, results and client apps.  A few events are planted for the
 * benchmark's rules (bench/detect.sh): an NSG rule opened to the
 * Internet every 100,000 events, a legacy-authentication sign-in that
 * succeeded every 50,000, a Key Vault key operation every 10,000.  The
 * estate is bounded (2,000 resources, 20,000 users), as a tenant's is, so
 * the detections stay bounded however many events there are.  Output is
 * deterministic for a seed.
 *
 * usage: gen_logs N OUT.ndjson [SEED]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: a deterministic stream. */
static uint64_t
next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static unsigned
pick(unsigned n)
{
	return (unsigned)(next() % n);
}

static const char *const ops[] = {
	"MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE",
	"MICROSOFT.COMPUTE/VIRTUALMACHINES/START/ACTION",
	"MICROSOFT.COMPUTE/VIRTUALMACHINES/DEALLOCATE/ACTION",
	"MICROSOFT.COMPUTE/DISKS/WRITE",
	"MICROSOFT.NETWORK/NETWORKINTERFACES/WRITE",
	"MICROSOFT.NETWORK/PUBLICIPADDRESSES/WRITE",
	"MICROSOFT.NETWORK/VIRTUALNETWORKS/SUBNETS/WRITE",
	"MICROSOFT.STORAGE/STORAGEACCOUNTS/LISTKEYS/ACTION",
	"MICROSOFT.STORAGE/STORAGEACCOUNTS/BLOBSERVICES/CONTAINERS/WRITE",
	"MICROSOFT.WEB/SITES/WRITE", "MICROSOFT.WEB/SITES/RESTART/ACTION",
	"MICROSOFT.SQL/SERVERS/DATABASES/WRITE",
	"MICROSOFT.RESOURCES/DEPLOYMENTS/WRITE",
	"MICROSOFT.RESOURCES/SUBSCRIPTIONS/RESOURCEGROUPS/WRITE",
	"MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE",
	"MICROSOFT.AUTHORIZATION/POLICYASSIGNMENTS/WRITE",
	"MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/WRITE",
	"MICROSOFT.KEYVAULT/VAULTS/WRITE",
	"MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/WRITE",
	"MICROSOFT.OPERATIONALINSIGHTS/WORKSPACES/SHAREDKEYS/ACTION",
};

static const char *const apps[] = {
	"Office 365 Exchange Online", "Microsoft Teams", "Azure Portal",
	"Microsoft Azure CLI", "SharePoint Online", "Microsoft Graph",
};

static const char *const clients[] = {
	"Browser", "Mobile Apps and Desktop clients", "Browser",
	"Mobile Apps and Desktop clients", "Exchange ActiveSync", "IMAP4",
};

static const char *const results[] = { "Success", "Start", "Accept",
	"Success", "Failure" };

/* One Activity Log record. */
static void
activity(FILE *f, uint64_t i, unsigned t)
{
	/* An estate of 2,000 resources, as many as a mid-size tenant. */
	unsigned res = pick(2000), sub = res % 8, rg = res % 40;
	const char *op = ops[pick(sizeof(ops) / sizeof(ops[0]))];
	const char *body = "";

	/* Activity records have even numbers, sign-ins odd ones. */
	if (i % 100000 == 99998) {
		op = "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/"
		    "WRITE";
		body = ",\"requestbody\":\"{\\\"properties\\\":{"
		    "\\\"sourceAddressPrefix\\\":\\\"*\\\",\\\"access\\\":"
		    "\\\"Allow\\\",\\\"direction\\\":\\\"Inbound\\\","
		    "\\\"destinationPortRange\\\":\\\"3389\\\"}}\"";
	} else if (i % 10000 == 4998) {
		op = "MICROSOFT.KEYVAULT/VAULTS/KEYS/DELETE";
	}
	fprintf(f, "{\"time\":\"2026-11-%02uT%02u:%02u:%02u.%03uZ\","
	    "\"resourceId\":\"/SUBSCRIPTIONS/%08X-0000-4000-8000-000000000000/"
	    "RESOURCEGROUPS/RG-%02u/PROVIDERS/MICROSOFT.COMPUTE/"
	    "VIRTUALMACHINES/VM-%04u\",\"operationName\":\"%s\","
	    "\"category\":\"Administrative\",\"resultType\":\"%s\","
	    "\"callerIpAddress\":\"10.%u.%u.%u\",\"correlationId\":"
	    "\"%016" PRIx64 "\",\"identity\":{\"claims\":{\"name\":"
	    "\"user%04u@contoso.com\"}},\"level\":\"Information\","
	    "\"properties\":{\"statusCode\":\"OK\"%s}}\n",
	    1 + t / 86400 % 28, t / 3600 % 24, t / 60 % 60, t % 60, pick(1000),
	    sub, rg, res, op, results[pick(5)], pick(256), pick(256), pick(256),
	    next(), pick(10000), body);
}

/* One sign-in record. */
static void
signin(FILE *f, uint64_t i, unsigned t)
{
	unsigned user = pick(20000), err = pick(10) == 0 ? 50126 : 0;
	const char *client = clients[pick(4)];

	if (i % 50000 == 49999) {
		client = "IMAP4";
		err = 0;
	} else if (pick(50) == 0) {
		client = clients[4 + pick(2)];
		err = 50126;	/* legacy attempts that fail */
	}
	fprintf(f, "{\"time\":\"2026-11-%02uT%02u:%02u:%02uZ\","
	    "\"category\":\"SignInLogs\",\"resultType\":\"%u\","
	    "\"callerIpAddress\":\"203.0.%u.%u\",\"properties\":{\"id\":"
	    "\"%016" PRIx64 "\",\"userPrincipalName\":\"user%05u@contoso.com\""
	    ",\"appDisplayName\":\"%s\",\"clientAppUsed\":\"%s\","
	    "\"status\":{\"errorCode\":%u},\"riskLevelDuringSignIn\":\"none\","
	    "\"location\":{\"countryOrRegion\":\"%s\"}}}\n",
	    1 + t / 86400 % 28, t / 3600 % 24, t / 60 % 60, t % 60, err,
	    pick(256), pick(256), next(), user,
	    apps[pick(sizeof(apps) / sizeof(apps[0]))], client, err,
	    pick(4) == 0 ? "GB" : "US");
}

int
main(int argc, char **argv)
{
	uint64_t n, i;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: gen_logs N OUT.ndjson [SEED]\n");
		return 2;
	}
	n = strtoull(argv[1], NULL, 10);
	if (argc > 3)
		rng ^= strtoull(argv[3], NULL, 10) * 0x9e3779b97f4a7c15ULL;
	if ((f = fopen(argv[2], "w")) == NULL) {
		perror(argv[2]);
		return 1;
	}
	for (i = 0; i < n; i++) {
		/* Time moves on ~0.5 s an event, with some disorder. */
		unsigned t = (unsigned)(i / 2 + pick(120));

		if (i % 2 == 0)
			activity(f, i, t);
		else
			signin(f, i, t);
	}
	if (fclose(f) != 0) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
