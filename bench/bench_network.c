/* SPDX-License-Identifier: MIT */
/*
 * Network exposure benchmark: a synthetic estate of 50k NICs, 10k NSGs and
 * 200k custom rules (plus the default rules), written as NDJSON in memory
 * and loaded through the real loader.  Prints load time, exposure time,
 * flow time and peak RSS.  Usage: bench_network [NICS [NSGS [RULES]]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

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
	double t0, t1, t2, t3, t4, rss_load;
	size_t high = 0;
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
		error |= ov__buf_printf(&b, "],\"virtualNetworkPeerings\":["
		    "{\"name\":\"p\",\"properties\":{\"remoteVirtualNetwork\":"
		    "{\"id\":\"" SUB "/virtualNetworks/v%u\"},\"peeringState\":"
		    "\"Connected\"}}]}}\n", (i + 1) % n_vnets);
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
		    "s%u\"}%s%u%s}}]%s%u%s}}\n", i, i, i, (v >> 6) & 255,
		    (v & 63) * 4 + s, 4 + (i / (n_vnets * 4)) % 250, v, s,
		    i % 5 == 0 ? ",\"publicIPAddress\":{\"id\":\"" SUB
		    "/publicIPAddresses/p" : "", i, i % 5 == 0 ? "\"}" : "",
		    i % 2 == 0 ? ",\"networkSecurityGroup\":{\"id\":\"" SUB
		    "/networkSecurityGroups/g" : "", (i * 13) % n_nsgs,
		    i % 2 == 0 ? "\"}" : "");
	}
	if (error != 0) {
		fprintf(stderr, "bench_network: out of memory\n");
		return 1;
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
	getrusage(RUSAGE_SELF, &ru);
	rss_load = (double)ru.ru_maxrss / 1024.0;
	o.skip_flows = true;
	if (ov_network_analyze(&net, ctx, snap, &o) < 0) {
		fprintf(stderr, "bench_network: %s\n",
		    ov_error_last(ctx)->message);
		return 1;
	}
	t2 = now_s();
	if (ov_findings_new(&found) < 0 ||
	    ov_network_findings(net, found) < 0)
		return 1;
	t3 = now_s();
	ov_network_free(net);
	net = NULL;
	o.skip_flows = false;
	if (ov_network_analyze(&net, ctx, snap, &o) < 0)
		return 1;
	t4 = now_s();
	for (i = 0; i < ov_findings_count(found); i++)
		high += ov_findings_get(found, i)->severity >= OV_SEV_HIGH;
	getrusage(RUSAGE_SELF, &ru);
	printf("estate: %u NICs, %u NSGs, %u custom rules, %u VNets, "
	    "%.1f MB NDJSON\n", n_nics, n_nsgs, per * n_nsgs, n_vnets,
	    (double)b.len / 1e6);
	printf("load (parse + index): %.3f s\n", t1 - t0);
	printf("exposure (topology + paths): %.3f s, %zu exposures\n",
	    t2 - t1, ov_network_exposure_count(net));
	printf("findings: %.3f s, %zu findings (%zu high or critical)\n",
	    t3 - t2, ov_findings_count(found), high);
	printf("exposure + flows: %.3f s, %zu flows%s\n", t4 - t3,
	    ov_network_flow_count(net), "");
	printf("peak RSS: %.1f MB (%.1f MB after load)\n",
	    (double)ru.ru_maxrss / 1024.0, rss_load);
	ov_findings_free(found);
	ov_network_free(net);
	ov_snapshot_free(snap);
	ov_ctx_free(ctx);
	ov__buf_free(&b);
	return 0;
}
