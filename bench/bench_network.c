/* SPDX-License-Identifier: MIT */
/*
 * Network exposure benchmark: a synthetic estate of 50k NICs, 10k NSGs and
 * 200k custom rules (plus the default rules), written as NDJSON in memory
 * and loaded through the real loader.  Prints load time, exposure time,
 * flow time, peak RSS, and the heap the analysis itself holds (glibc
 * mallinfo2: bytes in use after the analysis minus before), so the loader's
 * share and the analysis's share are told apart.
 * Usage: bench_network [NICS [NSGS [RULES]]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "lib/analyzers/network/net.h"
#include "overvisor/finding.h"
#include "overvisor/network.h"
#include "overvisor/snapshot.h"
#include "util/buf.h"

#define SUB "/subscriptions/00000000-0000-0000-0000-00000000b000/" \
	"resourceGroups/rg/providers/Microsoft.Network"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Heap bytes in use (glibc), or 0 when unknown. */
static double
heap_mb(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
	struct mallinfo2 mi = mallinfo2();

	return (double)(mi.uordblks + mi.hblkhd) / (1024.0 * 1024.0);
#else
	return 0.0;
#endif
}

/* Current resident set size in MB, from /proc when available. */
static double
rss_mb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0, res = 0;

	if (f == NULL)
		return 0.0;
	if (fscanf(f, "%lu %lu", &pages, &res) != 2)
		res = 0;
	fclose(f);
	return (double)res * 4096.0 / (1024.0 * 1024.0);
}

static const char *const srcs[] = { "*", "Internet", "VirtualNetwork",
	"10.0.0.0/8", "203.0.113.0/24", "AzureLoadBalancer", "0.0.0.0/0",
	"Storage" };
static const char *const ports[] = { "22", "3389", "80", "443",
	"8000-8100", "*", "1433", "5985-5986" };

int
main(int argc, char **argv)
{
	unsigned n_nics = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) :
	    50000;
	unsigned n_nsgs = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) :
	    10000;
	unsigned n_rules = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) :
	    200000;
	unsigned n_vnets = n_nsgs / 10 + 1, per = n_rules / n_nsgs, i, j;
	struct ov_buf b = OV_BUF_INIT(OV_BUF_MAX_DEFAULT);
	ov_ctx *ctx = NULL;
	ov_snapshot *snap = NULL;
	ov_network *net = NULL;
	ov_network_options o = OV_NETWORK_OPTIONS_INIT;
	ov_findings *found = NULL;
	struct rusage ru;
	double t0, t1, t2, t3, t4, rss_load, heap_load, heap_exp, heap_flows;
	double rss_exp, rss_after_load;
	size_t len, n_exp, n_found;
	size_t high = 0;
	const char *dump;
	int error = 0;

	for (i = 0; i < n_vnets; i++) {
		error |= ov__buf_printf(&b, "{\"id\":\"" SUB
		    "/virtualNetworks/v%u\",\"name\":\"v%u\",\"type\":"
		    "\"Microsoft.Network/virtualNetworks\",\"tags\":{\"env\":"
		    "\"%s\"},\"properties\":{\"addressSpace\":{"
		    "\"addressPrefixes\":[\"10.%u.%u.0/22\"]},\"subnets\":[",
		    i, i, i % 3 == 0 ? "dev" : "prod", (i >> 6) & 255,
		    (i & 63) * 4);
		for (j = 0; j < 4; j++)
			error |= ov__buf_printf(&b, "%s{\"id\":\"" SUB
			    "/virtualNetworks/v%u/subnets/s%u\",\"name\":"
			    "\"s%u\",\"properties\":{\"addressPrefix\":"
			    "\"10.%u.%u.0/24\",\"networkSecurityGroup\":{"
			    "\"id\":\"" SUB "/networkSecurityGroups/g%u\"}}}",
			    j ? "," : "", i, j, j, (i >> 6) & 255,
			    (i & 63) * 4 + j, (i * 4 + j) % n_nsgs);
		/* a ring of peerings, Connected on both sides */
		error |= ov__buf_printf(&b, "],\"virtualNetworkPeerings\":["
		    "{\"name\":\"n\",\"properties\":{\"remoteVirtualNetwork\":"
		    "{\"id\":\"" SUB "/virtualNetworks/v%u\"},\"peeringState\":"
		    "\"Connected\"}},{\"name\":\"p\",\"properties\":{"
		    "\"remoteVirtualNetwork\":{\"id\":\"" SUB
		    "/virtualNetworks/v%u\"},\"peeringState\":\"Connected\"}}]}}\n",
		    (i + 1) % n_vnets, (i + n_vnets - 1) % n_vnets);
	}
	for (i = 0; i < n_nsgs; i++) {
		error |= ov__buf_printf(&b, "{\"id\":\"" SUB
		    "/networkSecurityGroups/g%u\",\"name\":\"g%u\",\"type\":"
		    "\"Microsoft.Network/networkSecurityGroups\",\"properties\":"
		    "{\"securityRules\":[", i, i);
		for (j = 0; j < per; j++)
			error |= ov__buf_printf(&b, "%s{\"name\":\"r%u\","
			    "\"properties\":{\"protocol\":\"%s\","
			    "\"sourcePortRange\":\"*\",\"sourceAddressPrefix\":"
			    "\"%s\",\"destinationAddressPrefix\":\"*\","
			    "\"destinationPortRange\":\"%s\",\"access\":\"%s\","
			    "\"priority\":%u,\"direction\":\"%s\"}}",
			    j ? "," : "", j, j % 5 == 0 ? "*" : "Tcp",
			    srcs[(i + j) % 8], ports[(i * 7 + j) % 8],
			    (i + j) % 4 == 0 ? "Deny" : "Allow", 100 + j * 10,
			    j % 6 == 5 ? "Outbound" : "Inbound");
		error |= ov__buf_puts(&b, "]}}\n");
	}
	for (i = 0; i < n_nics; i++) {
		unsigned v = i % n_vnets, s = (i / n_vnets) % 4;

		error |= ov__buf_printf(&b, "{\"id\":\"" SUB
		    "/networkInterfaces/n%u\",\"name\":\"n%u\",\"type\":"
		    "\"Microsoft.Network/networkInterfaces\",\"properties\":{"
		    "\"ipConfigurations\":[{\"name\":\"ip\",\"id\":\"" SUB
		    "/networkInterfaces/n%u/ipConfigurations/ip\","
		    "\"properties\":{\"privateIPAddress\":\"10.%u.%u.%u\","
		    "\"subnet\":{\"id\":\"" SUB "/virtualNetworks/v%u/subnets/"
		    "s%u\"}", i, i, i, (v >> 6) & 255, (v & 63) * 4 + s,
		    4 + (i / (n_vnets * 4)) % 250, v, s);
		/* a fifth of the NICs have a public IP, half a NIC NSG */
		if (i % 5 == 0)
			error |= ov__buf_printf(&b, ",\"publicIPAddress\":{"
			    "\"id\":\"" SUB "/publicIPAddresses/p%u\"}", i);
		error |= ov__buf_puts(&b, "}}]");
		if (i % 2 == 0)
			error |= ov__buf_printf(&b, ",\"networkSecurityGroup\":"
			    "{\"id\":\"" SUB "/networkSecurityGroups/g%u\"}",
			    (i * 13) % n_nsgs);
		error |= ov__buf_puts(&b, "}}\n");
	}
	if (error != 0) {
		fprintf(stderr, "bench_network: out of memory\n");
		return 1;
	}
	/* OV_BENCH_DUMP=FILE: the same estate for the script's baseline. */
	if ((dump = getenv("OV_BENCH_DUMP")) != NULL) {
		FILE *f = fopen(dump, "w");

		if (f == NULL || fwrite(b.ptr, 1, b.len, f) != b.len ||
		    fclose(f) != 0) {
			fprintf(stderr, "bench_network: cannot write %s\n",
			    dump);
			return 1;
		}
	}
	if (ov_ctx_new(&ctx) < 0 || ov_snapshot_new(&snap, ctx) < 0)
		return 1;
	t0 = now_s();
	if (ov_snapshot_load_buffer(snap, "synthetic.ndjson", b.ptr, b.len,
	    0) < 0) {
		fprintf(stderr, "bench_network: %s\n",
		    ov_error_last(ctx)->message);
		return 1;
	}
	t1 = now_s();
	/* the loader keeps no pointer into the input: drop it, so what
	 * follows measures the loaded snapshot and the analysis only */
	len = b.len;
	ov__buf_free(&b);
	getrusage(RUSAGE_SELF, &ru);
	rss_load = (double)ru.ru_maxrss / 1024.0;
	heap_load = heap_mb();
	rss_after_load = rss_mb();
	o.skip_flows = true;
	if (ov_network_analyze(&net, ctx, snap, &o) < 0) {
		fprintf(stderr, "bench_network: %s\n",
		    ov_error_last(ctx)->message);
		return 1;
	}
	t2 = now_s();
	heap_exp = heap_mb() - heap_load;
	rss_exp = rss_mb();
	n_exp = ov_network_exposure_count(net);
	if (ov_findings_new(&found) < 0 ||
	    ov_network_findings(net, found) < 0)
		return 1;
	t3 = now_s();
	n_found = ov_findings_count(found);
	for (i = 0; i < n_found; i++)
		high += ov_findings_get(found, i)->severity >= OV_SEV_HIGH;
	ov_findings_free(found);
	found = NULL;
	ov_network_free(net);
	net = NULL;
	o.skip_flows = false;
	if (ov_network_analyze(&net, ctx, snap, &o) < 0)
		return 1;
	t4 = now_s();
	heap_flows = heap_mb() - heap_load;
	getrusage(RUSAGE_SELF, &ru);
	printf("estate: %u NICs, %u NSGs, %u custom rules, %u VNets, "
	    "%.1f MB NDJSON\n", n_nics, n_nsgs, per * n_nsgs, n_vnets,
	    (double)len / 1e6);
	printf("load (parse + index): %.3f s; heap %.1f MB, RSS %.1f MB "
	    "(peak %.1f MB with the NDJSON input)\n", t1 - t0, heap_load,
	    rss_after_load, rss_load);
	printf("exposure (topology + paths): %.3f s, %zu exposures; "
	    "analysis heap %.1f MB, RSS %.1f MB\n", t2 - t1, n_exp, heap_exp,
	    rss_exp);
	printf("findings: %.3f s, %zu findings (%zu high or critical)\n",
	    t3 - t2, n_found, high);
	printf("exposure + flows: %.3f s, %zu flows%s; analysis heap "
	    "%.1f MB\n", t4 - t3, ov_network_flow_count(net),
	    net->flows_truncated ? " (stopped at the class pair budget)" : "",
	    heap_flows);
	printf("peak RSS: %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
	ov_findings_free(found);
	ov_network_free(net);
	ov_snapshot_free(snap);
	ov_ctx_free(ctx);
	return 0;
}
