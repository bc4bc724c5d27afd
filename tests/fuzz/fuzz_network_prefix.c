/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the network analyzer's parsers.  The first byte picks
 * what the rest is:
 *   even: lines, each fed to the address/prefix/range parser, the port item
 *         parser, the protocol parser and the rule compiler (as a source
 *         prefix and as a port item);
 *   odd:  an NDJSON snapshot, loaded and given to the whole analysis
 *         (topology, exposure, flows, findings) and to the drift comparison
 *         of the snapshot with itself.
 * Invariants checked: a parsed range is ordered and of one family; a
 * single address formats and parses back to itself; normalized port sets
 * are sorted, disjoint and within 0..65535; the rule compiler never returns
 * a rule without a source and destination port set.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/analyzers/network/net.h"
#include "overvisor/network.h"
#include "overvisor/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Check one parsed range. */
static void
check_range(const struct net_range *r, const char *s, size_t len)
{
	char buf[64];
	struct net_addr back;
	bool v6;

	if (net_addr_cmp(&r->lo, &r->hi) > 0)
		abort();
	if (!r->v6 && (r->lo.hi != 0 || r->hi.hi != 0 ||
	    (r->lo.lo >> 32) != 0xffffULL || (r->hi.lo >> 32) != 0xffffULL))
		abort();	/* IPv4 stays inside ::ffff:0:0/96 */
	if (!net_range_contains(r, &r->lo) || !net_range_covers(r, r) ||
	    !net_range_overlaps(r, r))
		abort();
	net_addr_format(&r->lo, r->v6, buf, sizeof(buf));
	if (net_addr_parse(&back, &v6, buf, strlen(buf)) != 0 ||
	    v6 != r->v6 || net_addr_cmp(&back, &r->lo) != 0)
		abort();	/* formatting round-trips */
	(void)net_range_is_all(r);
	(void)net_range_is_private(r);
	(void)net_range_is_broad(r);
	(void)s;
	(void)len;
}

/* Check a normalized port set. */
static void
check_ports(const struct net_prange *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].lo > v[i].hi)
			abort();
		if (i > 0 && (unsigned)v[i - 1].hi + 1 >= v[i].lo)
			abort();	/* sorted, disjoint, not adjacent */
	}
}

static void
one_line(struct ov_arena *a, const char *s, size_t len)
{
	struct net_range r;
	struct net_prange *buf = NULL;
	struct net_rule rule;
	struct net_rule_src rs;
	size_t n = 0, cap = 0;
	const char *z;

	if (net_range_parse(&r, s, len) == 0)
		check_range(&r, s, len);
	if (net_ports_parse_item(a, &buf, &n, &cap, s, len) == 0 && n > 0) {
		n = net_ports_normalize(buf, n);
		check_ports(buf, n);
		(void)net_ports_count(&(struct net_ports){ buf, n });
	}
	if ((z = ov__arena_strndup(a, s, len)) == NULL)
		return;
	(void)net_proto_parse(z);
	memset(&rs, 0, sizeof(rs));
	rs.name = "fuzz";
	rs.protocol = "*";
	rs.src = &z;
	rs.n_src = 1;
	rs.dports = &z;
	rs.n_dports = 1;
	if (net_rule_compile(&rule, a, NULL, &rs) == 0) {
		if (rule.src.n == 0 || rule.dst.n == 0 || rule.dports.n == 0 ||
		    rule.sports.n == 0)
			abort();
		check_ports(rule.dports.v, rule.dports.n);
	}
}

static void
lines(const char *s, size_t len)
{
	struct ov_arena a;
	size_t i = 0, j;

	ov__arena_init(&a, 0, 0);
	while (i < len) {
		for (j = i; j < len && s[j] != '\n'; j++)
			;
		one_line(&a, s + i, j - i);
		i = j + 1;
	}
	ov__arena_free(&a);
}

static void
snapshot(const char *s, size_t len)
{
	ov_ctx *ctx = NULL;
	ov_snapshot *snap = NULL;
	ov_network *net = NULL;
	ov_network_diff *d = NULL;
	ov_findings *f = NULL;
	ov_network_options o = OV_NETWORK_OPTIONS_INIT;
	size_t i;

	if (ov_ctx_new(&ctx) != 0)
		return;
	if (ov_snapshot_new(&snap, ctx) != 0 ||
	    ov_snapshot_load_buffer(snap, "fuzz.ndjson", s, len, 0) != 0 ||
	    ov_findings_new(&f) != 0)
		goto done;
	o.max_flow_pairs = 64;
	if (ov_network_analyze(&net, ctx, snap, &o) == 0) {
		for (i = 0; i < ov_network_exposure_count(net); i++) {
			const ov_network_exposure *e =
			    ov_network_exposure_at(net, i);

			if (e->port_lo > e->port_hi || e->port_hi > 65535 ||
			    e->resource_id == NULL)
				abort();
		}
		(void)ov_network_findings(net, f);
	}
	if (ov_network_diff_new(&d, ctx, snap, snap, NULL) == 0)
		(void)ov_network_diff_findings(d, f);
done:
	ov_network_diff_free(d);
	ov_network_free(net);
	ov_findings_free(f);
	ov_snapshot_free(snap);
	ov_ctx_free(ctx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > (1 << 16))
		return 0;
	if ((data[0] & 1) == 0)
		lines((const char *)data + 1, size - 1);
	else
		snapshot((const char *)data + 1, size - 1);
	return 0;
}
