/* SPDX-License-Identifier: MIT */
/*
 * JSON benchmark driver, used by bench/json.sh.
 *
 *   bench_json gen FILE MB     write about MB megabytes of ARM-like NDJSON
 *                              (deterministic: the same bytes every time)
 *   bench_json parse FILE [N]  stream FILE line by line through one
 *                              ov_json_parser N times (default 5); print
 *                              each run's MB/s, the median and peak RSS
 *
 * The file is read in 4 MiB chunks so the figures measure the parser, not
 * a 300 MB buffer.  Timings are for humans; nothing here is a test.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "overvisor/json.h"

#define CHUNK	(4u << 20)	/* bytes read at once */

/* xorshift64*: deterministic pseudo-random numbers. */
static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* A number in [0, n). */
static unsigned
pick(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static const char *const locations[] = {
	"westeurope", "northeurope", "eastus", "eastus2", "uksouth",
	"germanywestcentral", "swedencentral", "centralus"
};
static const char *const envs[] = { "prod", "dev", "test", "staging" };
static const char *const owners[] = {
	"it-ops@contoso.edu", "research-computing@contoso.edu",
	"Ren\\u00e9e.M\\u00fcller@contoso.edu", "lib-team@contoso.edu",
	"J\xc3\xb6rg.\xc3\x85str\xc3\xb6m@contoso.edu"
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A GUID-shaped string. */
static void
guid(char *buf, size_t size)
{
	uint64_t a = rnd(), b = rnd();

	snprintf(buf, size, "%08x-%04x-%04x-%04x-%012" PRIx64,
	    (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
	    (unsigned)a & 0xffff, (unsigned)(b >> 48),
	    (uint64_t)(b & 0xffffffffffffULL));
}

/* Write the fields every ARM resource has; returns the resource name. */
static void
common(FILE *f, const char *sub, const char *provider, const char *type,
    const char *prefix, char *name, size_t nsize)
{
	char rg[64];

	snprintf(rg, sizeof(rg), "rg-%s-%03u", envs[pick(NELEM(envs))],
	    pick(200));
	snprintf(name, nsize, "%s%06u", prefix, pick(1000000));
	fprintf(f, "{\"id\":\"/subscriptions/%s/resourceGroups/%s/providers/"
	    "%s/%s/%s\",\"name\":\"%s\",\"type\":\"%s/%s\",\"location\":"
	    "\"%s\",\"tags\":{\"env\":\"%s\",\"owner\":\"%s\","
	    "\"costCenter\":\"%u\",\"description\":\"Created by "
	    "\\\"pipeline\\\" #%u\\nsee runbook\"},",
	    sub, rg, provider, type, name, name, provider, type,
	    locations[pick(NELEM(locations))], envs[pick(NELEM(envs))],
	    owners[pick(NELEM(owners))], 1000 + pick(9000), pick(100000));
}

static void
gen_storage(FILE *f, const char *sub)
{
	char name[32];
	unsigned i, n = pick(4);

	common(f, sub, "Microsoft.Storage", "storageAccounts", "st", name,
	    sizeof(name));
	fprintf(f, "\"kind\":\"StorageV2\",\"sku\":{\"name\":\"%s\","
	    "\"tier\":\"Standard\"},\"properties\":{\"provisioningState\":"
	    "\"Succeeded\",\"creationTime\":\"2023-%02u-%02uT%02u:%02u:"
	    "%02u.%07uZ\",\"primaryEndpoints\":{\"blob\":\"https://%s.blob."
	    "core.windows.net/\",\"queue\":\"https://%s.queue.core.windows."
	    "net/\",\"table\":\"https://%s.table.core.windows.net/\","
	    "\"file\":\"https://%s.file.core.windows.net/\"},"
	    "\"supportsHttpsTrafficOnly\":%s,\"minimumTlsVersion\":"
	    "\"TLS1_%u\",\"allowBlobPublicAccess\":%s,"
	    "\"encryption\":{\"keySource\":\"Microsoft.Storage\","
	    "\"services\":{\"blob\":{\"enabled\":true,\"keyType\":"
	    "\"Account\"},\"file\":{\"enabled\":true,\"keyType\":"
	    "\"Account\"}}},\"networkAcls\":{\"bypass\":\"AzureServices\","
	    "\"defaultAction\":\"%s\",\"ipRules\":[",
	    pick(2) ? "Standard_LRS" : "Standard_GRS", 1 + pick(12),
	    1 + pick(28), pick(24), pick(60), pick(60), pick(10000000), name,
	    name, name, name, pick(5) ? "true" : "false", pick(3),
	    pick(4) ? "false" : "true", pick(2) ? "Deny" : "Allow");
	for (i = 0; i < n; i++)
		fprintf(f, "%s{\"value\":\"%u.%u.%u.0/24\",\"action\":"
		    "\"Allow\"}", i ? "," : "", pick(256), pick(256),
		    pick(256));
	fprintf(f, "],\"virtualNetworkRules\":[]},\"accessTier\":\"Hot\"}}\n");
}

static void
gen_vm(FILE *f, const char *sub)
{
	char name[32], id[40];
	unsigned i, n = 1 + pick(4);

	common(f, sub, "Microsoft.Compute", "virtualMachines", "vm", name,
	    sizeof(name));
	guid(id, sizeof(id));
	fprintf(f, "\"identity\":{\"type\":\"SystemAssigned\","
	    "\"principalId\":\"%s\"},\"zones\":[\"%u\"],\"properties\":"
	    "{\"vmId\":\"%s\",\"hardwareProfile\":{\"vmSize\":"
	    "\"Standard_D%us_v5\"},\"storageProfile\":{\"imageReference\":"
	    "{\"publisher\":\"Canonical\",\"offer\":\"0001-com-ubuntu-server-"
	    "jammy\",\"sku\":\"22_04-lts-gen2\",\"version\":\"latest\"},"
	    "\"osDisk\":{\"osType\":\"Linux\",\"name\":\"%s_OsDisk_1\","
	    "\"createOption\":\"FromImage\",\"caching\":\"ReadWrite\","
	    "\"diskSizeGB\":%u,\"managedDisk\":{\"storageAccountType\":"
	    "\"Premium_LRS\"}},\"dataDisks\":[",
	    id, 1 + pick(3), id, 2 << pick(4), name, 30 << pick(4));
	for (i = 0; i < n; i++)
		fprintf(f, "%s{\"lun\":%u,\"name\":\"%s_data_%u\","
		    "\"createOption\":\"Attach\",\"diskSizeGB\":%u,"
		    "\"writeAcceleratorEnabled\":false}", i ? "," : "", i,
		    name, i, 128 << pick(5));
	fprintf(f, "]},\"osProfile\":{\"computerName\":\"%s\","
	    "\"adminUsername\":\"azureuser\",\"linuxConfiguration\":"
	    "{\"disablePasswordAuthentication\":%s,\"patchSettings\":"
	    "{\"patchMode\":\"%s\",\"assessmentMode\":\"ImageDefault\"}}},"
	    "\"networkProfile\":{\"networkInterfaces\":[{\"id\":"
	    "\"/subscriptions/%s/resourceGroups/rg/providers/"
	    "Microsoft.Network/networkInterfaces/%s-nic\",\"properties\":"
	    "{\"primary\":true}}]},\"diagnosticsProfile\":{\"bootDiagnostics\""
	    ":{\"enabled\":%s}},\"provisioningState\":\"Succeeded\","
	    "\"timeCreated\":\"2022-%02u-%02uT08:%02u:11.4187331+00:00\"}}\n",
	    name, pick(5) ? "true" : "false",
	    pick(2) ? "AutomaticByPlatform" : "ImageDefault", sub, name,
	    pick(2) ? "true" : "false", 1 + pick(12), 1 + pick(28), pick(60));
}

static void
gen_nsg(FILE *f, const char *sub)
{
	char name[32];
	unsigned i, n = 2 + pick(8);

	common(f, sub, "Microsoft.Network", "networkSecurityGroups", "nsg",
	    name, sizeof(name));
	fprintf(f, "\"etag\":\"W/\\\"%08x-%04x\\\"\",\"properties\":"
	    "{\"provisioningState\":\"Succeeded\",\"securityRules\":[",
	    (unsigned)rnd(), pick(65536));
	for (i = 0; i < n; i++)
		fprintf(f, "%s{\"name\":\"rule-%u\",\"properties\":"
		    "{\"protocol\":\"%s\",\"sourcePortRange\":\"*\","
		    "\"destinationPortRange\":\"%u\",\"sourceAddressPrefix\":"
		    "\"%s\",\"destinationAddressPrefix\":\"*\",\"access\":"
		    "\"%s\",\"priority\":%u,\"direction\":\"Inbound\","
		    "\"sourcePortRanges\":[],\"destinationPortRanges\":[]}}",
		    i ? "," : "", i, pick(2) ? "Tcp" : "*",
		    pick(2) ? 443 : 3389, pick(3) ? "VirtualNetwork" : "*",
		    pick(4) ? "Allow" : "Deny", 100 + 10 * i);
	fprintf(f, "]}}\n");
}

static void
gen_vault(FILE *f, const char *sub)
{
	char name[32], tid[40], oid[40];
	unsigned i, n = 1 + pick(3);

	common(f, sub, "Microsoft.KeyVault", "vaults", "kv", name,
	    sizeof(name));
	guid(tid, sizeof(tid));
	fprintf(f, "\"properties\":{\"sku\":{\"family\":\"A\",\"name\":"
	    "\"standard\"},\"tenantId\":\"%s\",\"accessPolicies\":[", tid);
	for (i = 0; i < n; i++) {
		guid(oid, sizeof(oid));
		fprintf(f, "%s{\"tenantId\":\"%s\",\"objectId\":\"%s\","
		    "\"permissions\":{\"keys\":[\"get\",\"list\",\"wrapKey\","
		    "\"unwrapKey\"],\"secrets\":[\"get\",\"list\"],"
		    "\"certificates\":[]}}", i ? "," : "", tid, oid);
	}
	fprintf(f, "],\"enableSoftDelete\":%s,\"softDeleteRetentionInDays\""
	    ":%u,\"enablePurgeProtection\":%s,\"enableRbacAuthorization\":%s,"
	    "\"vaultUri\":\"https://%s.vault.azure.net/\",\"publicNetworkAccess"
	    "\":\"%s\",\"networkAcls\":{\"bypass\":\"AzureServices\","
	    "\"defaultAction\":\"Allow\",\"ipRules\":[],"
	    "\"virtualNetworkRules\":[]}}}\n",
	    pick(6) ? "true" : "false", 7 + pick(84),
	    pick(3) ? "true" : "null", pick(2) ? "true" : "false", name,
	    pick(2) ? "Enabled" : "Disabled");
}

static void
gen_assessment(FILE *f, const char *sub)
{
	char name[40];

	common(f, sub, "Microsoft.Security", "assessments", "as", name,
	    sizeof(name));
	fprintf(f, "\"properties\":{\"displayName\":\"Machines should have "
	    "vulnerability findings resolved\",\"status\":{\"code\":\"%s\","
	    "\"cause\":\"\",\"description\":\"\\u2022 %u findings\\t(%.1f%%)"
	    "\"},\"metadata\":{\"severity\":\"%s\",\"score\":%.3f,"
	    "\"threats\":[\"dataExfiltration\",\"dataSpillage\","
	    "\"maliciousInsider\"],\"implementationEffort\":\"Low\","
	    "\"userImpact\":\"Moderate\",\"weight\":%u,\"ratio\":%.4e},"
	    "\"resourceDetails\":{\"Source\":\"Azure\",\"Id\":\"/subscriptions/"
	    "%s\"}}}\n",
	    pick(3) ? "Healthy" : "Unhealthy", pick(500),
	    (double)pick(10000) / 100.0, pick(2) ? "High" : "Medium",
	    (double)pick(100000) / 997.0, pick(100),
	    (double)rnd() / 1e15, sub);
}

/* Write about mb megabytes of NDJSON to path. */
static int
gen(const char *path, unsigned long mb)
{
	FILE *f = fopen(path, "w");
	char subs[8][40];
	unsigned long long target = (unsigned long long)mb << 20;
	unsigned i;

	if (f == NULL) {
		fprintf(stderr, "bench_json: %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (i = 0; i < NELEM(subs); i++)
		guid(subs[i], sizeof(subs[i]));
	while ((unsigned long long)ftell(f) < target) {
		const char *sub = subs[pick(NELEM(subs))];

		switch (pick(10)) {
		case 0: case 1: case 2:
			gen_storage(f, sub);
			break;
		case 3: case 4:
			gen_vm(f, sub);
			break;
		case 5: case 6:
			gen_nsg(f, sub);
			break;
		case 7:
			gen_vault(f, sub);
			break;
		default:
			gen_assessment(f, sub);
			break;
		}
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "bench_json: %s: write failed\n", path);
		return 1;
	}
	return 0;
}

/* User plus system CPU seconds of this process so far. */
static double
cpu_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One pass over path; returns bytes parsed or -1. */
static long long
parse_once(const char *path, ov_json_parser *p, char *buf,
    unsigned long long *records, unsigned long long *nodes_out)
{
	FILE *f = fopen(path, "rb");
	size_t have = 0, n;
	long long total = 0;
	unsigned long long nodes = 0;

	if (f == NULL)
		return -1;
	for (;;) {
		char *s, *e, *nl;

		n = fread(buf + have, 1, CHUNK - have, f);
		have += n;
		if (have == 0)
			break;
		s = buf;
		e = buf + have;
		while (s < e && (nl = memchr(s, '\n', (size_t)(e - s))) !=
		    NULL) {
			const ov_json *root;
			ov_json_error err;

			if (nl > s) {
				if (ov_json_parser_parse(p, s, (size_t)(nl - s),
				    &root, NULL, &err) != 0) {
					fprintf(stderr, "bench_json: record "
					    "%llu: %s\n", *records,
					    err.message);
					fclose(f);
					return -1;
				}
				nodes += ov_json_len(root);
				(*records)++;
			}
			s = nl + 1;
		}
		total += s - buf;
		if (n == 0) {
			total += e - s;	/* a last line without '\n' */
			break;
		}
		have = (size_t)(e - s);
		memmove(buf, s, have);
		if (have == CHUNK) {
			fprintf(stderr, "bench_json: line longer than %u\n",
			    CHUNK);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	*nodes_out += nodes;
	return total;
}

/* Time runs passes of the parser over path. */
static int
parse_bench(const char *path, int runs)
{
	ov_json_parser *p = NULL;
	double t[32], c[32];
	char *buf;
	struct rusage ru;
	unsigned long long records = 0, nodes = 0;
	long long bytes = 0;
	int i;

	if (runs < 1 || runs > 32)
		runs = 5;
	if ((buf = malloc(CHUNK)) == NULL ||
	    ov_json_parser_new(&p, NULL, OV_JSON_STRICT) != 0) {
		fprintf(stderr, "bench_json: out of memory\n");
		free(buf);
		return 1;
	}
	for (i = 0; i < runs; i++) {
		double t0 = now(), c0 = cpu_now();

		records = 0;
		if ((bytes = parse_once(path, p, buf, &records, &nodes)) < 0) {
			ov_json_parser_free(p);
			free(buf);
			return 1;
		}
		t[i] = (double)bytes / (1024.0 * 1024.0) / (now() - t0);
		c[i] = (double)bytes / (1024.0 * 1024.0) / (cpu_now() - c0);
		printf("run %d: %.1f MB/s (%.1f MB per CPU second)\n", i + 1,
		    t[i], c[i]);
	}
	qsort(t, (size_t)runs, sizeof(t[0]), cmp_double);
	qsort(c, (size_t)runs, sizeof(c[0]), cmp_double);
	getrusage(RUSAGE_SELF, &ru);
	printf("overvisor: %lld bytes, %llu records, median %.1f MB/s, "
	    "cpu %.1f MB/s, peak RSS %ld KB (top-level members %llu)\n",
	    bytes, records, t[runs / 2], c[runs / 2], ru.ru_maxrss,
	    nodes / (unsigned long long)runs);
	ov_json_parser_free(p);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], strtoul(argv[3], NULL, 10));
	if (argc >= 3 && strcmp(argv[1], "parse") == 0)
		return parse_bench(argv[2], argc > 3 ? atoi(argv[3]) : 5);
	fprintf(stderr, "usage: bench_json gen FILE MB\n"
	    "       bench_json parse FILE [RUNS]\n");
	return 2;
}
