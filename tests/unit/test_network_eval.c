/* SPDX-License-Identifier: MIT */
/*
 * NSG rule evaluation semantics, on hand-built NSGs (no loader).  Each test
 * names the Azure documentation page it follows; "nsg-overview" is
 * learn.microsoft.com/azure/virtual-network/network-security-groups-overview,
 * "how-it-works" is .../network-security-group-how-it-works, "tags" is
 * .../service-tags-overview and "asg" is .../application-security-groups.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/analyzers/network/net.h"

/* A rule in compact form: ports and addresses are comma lists. */
struct r {
	const char	*name;
	int		 prio;
	const char	*access;
	const char	*dir;
	const char	*proto;
	const char	*src;		/* comma list of prefixes/tags */
	const char	*dst;
	const char	*ports;		/* comma list of port items */
	const char	*src_asg;	/* or NULL */
	const char	*dst_asg;	/* or NULL */
};

struct fix {
	struct ov_arena	 a;
	struct net_segs	 s, s2, s3;
};

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	ov__arena_init(&f->a, 0, 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	net_segs_free(&f->s);
	net_segs_free(&f->s2);
	net_segs_free(&f->s3);
	ov__arena_free(&f->a);
	free(f);
	return 0;
}

/* Split a comma list into arena words. */
static size_t
split(struct ov_arena *a, const char *s, const char ***out)
{
	const char **v;
	size_t n = 0;
	const char *p;

	*out = NULL;
	if (s == NULL)
		return 0;
	v = ov__arena_calloc(a, 16, sizeof(*v));
	for (p = s; *p != '\0' && n < 16;) {
		const char *e = strchr(p, ',');
		size_t l = e != NULL ? (size_t)(e - p) : strlen(p);

		v[n++] = ov__arena_strndup(a, p, l);
		p += l + (e != NULL ? 1 : 0);
	}
	*out = v;
	return n;
}

static struct net_nsg *
mk_nsg(struct ov_arena *a, const char *id, const struct r *rules, size_t n)
{
	struct net_nsg *g = ov__arena_calloc(a, 1, sizeof(*g));
	size_t i;

	g->id = id;
	g->name = id;
	g->rules = ov__arena_calloc(a, n + NET_N_DEFAULT_RULES,
	    sizeof(*g->rules));
	for (i = 0; i < n; i++) {
		struct net_rule_src rs;
		const char **sasg = NULL, **dasg = NULL, **ports = NULL;
		const char **srcw = NULL, **dstw = NULL;

		memset(&rs, 0, sizeof(rs));
		rs.name = rules[i].name;
		rs.priority = rules[i].prio;
		rs.access = rules[i].access;
		rs.direction = rules[i].dir;
		rs.protocol = rules[i].proto;
		rs.n_src = split(a, rules[i].src, &srcw);
		rs.src = srcw;
		rs.n_dst = split(a, rules[i].dst, &dstw);
		rs.dst = dstw;
		rs.n_dports = split(a, rules[i].ports, &ports);
		rs.dports = ports;
		rs.n_src_asgs = split(a, rules[i].src_asg, &sasg);
		rs.src_asgs = sasg;
		rs.n_dst_asgs = split(a, rules[i].dst_asg, &dasg);
		rs.dst_asgs = dasg;
		assert_int_equal(net_rule_compile(&g->rules[i], a, NULL, &rs), 0);
	}
	assert_int_equal(net_nsg_finish(g, a, n), 0);
	return g;
}

static struct net_endpoint
ep_internet(void)
{
	struct net_endpoint e;

	memset(&e, 0, sizeof(e));
	e.kind = NET_EP_INTERNET;
	return e;
}

static struct net_endpoint
ep_addr(const char *ip, bool in_vnet)
{
	struct net_endpoint e;

	memset(&e, 0, sizeof(e));
	e.kind = NET_EP_ADDR;
	assert_int_equal(net_addr_parse(&e.addr, &e.v6, ip, strlen(ip)), 0);
	e.has_addr = true;
	e.in_vnet = in_vnet;
	return e;
}

/* Is port allowed for the whole query (full) by the segments? */
static bool
allowed(const struct net_segs *s, unsigned port)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].full && s->v[i].lo <= port && port <= s->v[i].hi)
			return true;
	return false;
}

static bool
allowed_partly(const struct net_segs *s, unsigned port)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].lo <= port && port <= s->v[i].hi)
			return true;
	return false;
}

/* The rule that decided port; the test fails when none did. */
static const struct net_rule *
decider(const struct net_segs *s, unsigned port, unsigned which)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].full && s->v[i].lo <= port && port <= s->v[i].hi &&
		    which < s->v[i].n_by)
			return s->v[i].by[which];
	fail_msg("no rule %u decided port %u", which, port);
	abort();
}

/* nsg-overview "Security rules": lower priority number is processed first
 * and processing stops at the first match. */
static void
test_priority_order(void **state)
{
	struct fix *f = *state;
	const struct r deny_first[] = {
		{ "deny-rdp", 100, "Deny", "Inbound", "Tcp", "*", "*", "3389",
		  NULL, NULL },
		{ "allow-rdp", 200, "Allow", "Inbound", "Tcp", "*", "*", "3389",
		  NULL, NULL },
	};
	const struct r allow_first[] = {
		{ "deny-rdp", 300, "Deny", "Inbound", "Tcp", "*", "*", "3389",
		  NULL, NULL },
		{ "allow-rdp", 200, "Allow", "Inbound", "Tcp", "*", "*", "3389",
		  NULL, NULL },
	};
	struct net_endpoint inet = ep_internet();
	struct net_endpoint vm = ep_addr("10.0.0.4", true);
	struct net_nsg *g;

	g = mk_nsg(&f->a, "g1", deny_first, 2);
	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_TCP, &vm, &inet),
	    0);
	assert_false(allowed(&f->s, 3389));
	assert_false(allowed_partly(&f->s, 3389));

	g = mk_nsg(&f->a, "g2", allow_first, 2);
	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_TCP, &vm, &inet),
	    0);
	assert_true(allowed(&f->s, 3389));
	assert_string_equal(decider(&f->s, 3389, 0)->name, "allow-rdp");
	assert_false(allowed(&f->s, 3390));
}

/* nsg-overview: "Priority ... must be unique" -- Azure rejects ties; overvisor
 * breaks them deny first so a malformed template evaluates conservatively. */
static void
test_priority_ties(void **state)
{
	struct fix *f = *state;
	const struct r rules[] = {
		{ "a-allow", 150, "Allow", "Inbound", "Tcp", "*", "*", "22",
		  NULL, NULL },
		{ "b-deny", 150, "Deny", "Inbound", "Tcp", "*", "*", "22",
		  NULL, NULL },
	};
	struct net_endpoint inet = ep_internet();
	struct net_endpoint vm = ep_addr("10.0.0.4", true);
	struct net_nsg *g = mk_nsg(&f->a, "g", rules, 2);

	assert_true(g->has_ties);
	assert_string_equal(g->sorted[NET_IN][0]->name, "b-deny");
	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_TCP, &vm, &inet),
	    0);
	assert_false(allowed_partly(&f->s, 22));
}

/* nsg-overview "Default security rules": AllowVnetInBound 65000,
 * AllowAzureLoadBalancerInBound 65001, DenyAllInBound 65500, and
 * AllowVnetOutBound, AllowInternetOutBound, DenyAllOutBound. */
static void
test_default_rules(void **state)
{
	struct fix *f = *state;
	struct net_endpoint inet = ep_internet();
	struct net_endpoint vm = ep_addr("10.0.0.4", true);
	struct net_endpoint peer = ep_addr("10.1.0.4", true);
	struct net_endpoint stranger = ep_addr("192.168.9.9", false);
	struct net_endpoint alb;
	struct net_nsg *g = mk_nsg(&f->a, "empty", NULL, 0);

	memset(&alb, 0, sizeof(alb));
	alb.kind = NET_EP_ALB;
	assert_int_equal(g->n_sorted[NET_IN], 3);
	assert_int_equal(g->n_sorted[NET_OUT], 3);
	assert_int_equal(g->sorted[NET_IN][0]->priority, 65000);
	assert_int_equal(g->sorted[NET_IN][2]->priority, 65500);
	/* DenyAllInBound stops the internet */
	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_TCP, &vm, &inet),
	    0);
	assert_int_equal(f->s.n, 0);
	/* AllowVnetInBound lets the VNet (and peers) in on every port */
	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_UDP, &vm, &peer),
	    0);
	assert_true(allowed(&f->s, 1));
	assert_true(allowed(&f->s, 65535));
	assert_string_equal(decider(&f->s, 53, 0)->name, "AllowVnetInBound");
	/* ... but not an address outside the VirtualNetwork tag */
	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_TCP, &vm,
	    &stranger), 0);
	assert_false(allowed_partly(&f->s, 22));
	/* AllowAzureLoadBalancerInBound admits the probe */
	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_TCP, &vm, &alb),
	    0);
	assert_string_equal(decider(&f->s, 80, 0)->name,
	    "AllowAzureLoadBalancerInBound");
	/* AllowInternetOutBound */
	assert_int_equal(net_eval_nsg(&f->s, g, NET_OUT, NET_P_TCP, &vm,
	    &inet), 0);
	assert_string_equal(decider(&f->s, 443, 0)->name,
	    "AllowInternetOutBound");
}

/* how-it-works "Inbound traffic": the subnet NSG is evaluated, then the NIC
 * NSG; both must allow.  "Outbound traffic": NIC first, then subnet.  With
 * no NSG at a level, that level allows everything. */
static void
test_nic_subnet_combination(void **state)
{
	struct fix *f = *state;
	const struct r subnet_rules[] = {
		{ "allow-ssh-web", 100, "Allow", "Inbound", "Tcp", "Internet",
		  "*", "22,443", NULL, NULL },
		{ "deny-out-smtp", 100, "Deny", "Outbound", "Tcp", "*",
		  "Internet", "25", NULL, NULL },
	};
	const struct r nic_rules[] = {
		{ "allow-web", 100, "Allow", "Inbound", "Tcp", "*", "*", "443",
		  NULL, NULL },
		{ "allow-out-smtp", 100, "Allow", "Outbound", "Tcp", "*", "*",
		  "25", NULL, NULL },
	};
	struct net_endpoint inet = ep_internet();
	struct net_endpoint vm = ep_addr("10.0.0.4", true);
	struct net_nsg *sn = mk_nsg(&f->a, "subnet", subnet_rules, 2);
	struct net_nsg *nic = mk_nsg(&f->a, "nic", nic_rules, 2);

	/* inbound: subnet allows 22 and 443; NIC allows 443 only */
	assert_int_equal(net_eval_nsg(&f->s, sn, NET_IN, NET_P_TCP, &vm,
	    &inet), 0);
	assert_int_equal(net_eval_nsg(&f->s2, nic, NET_IN, NET_P_TCP, &vm,
	    &inet), 0);
	assert_int_equal(net_segs_intersect(&f->s3, &f->s, &f->s2), 0);
	assert_true(allowed(&f->s3, 443));
	assert_false(allowed_partly(&f->s3, 22));
	assert_string_equal(decider(&f->s3, 443, 0)->name, "allow-ssh-web");
	assert_string_equal(decider(&f->s3, 443, 1)->name, "allow-web");
	/* no NIC NSG: the subnet alone decides */
	assert_int_equal(net_eval_nsg(&f->s2, NULL, NET_IN, NET_P_TCP, &vm,
	    &inet), 0);
	assert_int_equal(net_segs_intersect(&f->s3, &f->s, &f->s2), 0);
	assert_true(allowed(&f->s3, 22));
	assert_null(decider(&f->s3, 22, 1));
	/* no NSG anywhere: open */
	assert_int_equal(net_eval_nsg(&f->s, NULL, NET_IN, NET_P_TCP, &vm,
	    &inet), 0);
	assert_true(allowed(&f->s, 3389));
	/* outbound: the NIC allows 25, the subnet denies it: blocked */
	assert_int_equal(net_eval_nsg(&f->s, nic, NET_OUT, NET_P_TCP, &vm,
	    &inet), 0);
	assert_true(allowed(&f->s, 25));
	assert_int_equal(net_eval_nsg(&f->s2, sn, NET_OUT, NET_P_TCP, &vm,
	    &inet), 0);
	assert_false(allowed_partly(&f->s2, 25));
	assert_true(allowed(&f->s2, 443));
	assert_int_equal(net_segs_intersect(&f->s3, &f->s, &f->s2), 0);
	assert_false(allowed_partly(&f->s3, 25));
}

/* nsg-overview "Security rules" (Port): a single port, a range 80-90, "*";
 * augmented rules take lists (destinationPortRanges, sourceAddressPrefixes).
 */
static void
test_ports_ranges_lists(void **state)
{
	struct fix *f = *state;
	const struct r rules[] = {
		{ "web", 100, "Allow", "Inbound", "Tcp",
		  "10.9.0.0/16,0.0.0.0/0", "*", "80-90,443", NULL, NULL },
		{ "all-udp", 110, "Allow", "Inbound", "Udp", "*", "*", "*",
		  NULL, NULL },
	};
	struct net_endpoint inet = ep_internet();
	struct net_endpoint vm = ep_addr("10.0.0.4", true);
	struct net_nsg *g = mk_nsg(&f->a, "g", rules, 2);

	assert_int_equal(g->rules[0].dports.n, 2);
	assert_int_equal(net_ports_count(&g->rules[0].dports), 12);
	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_TCP, &vm, &inet),
	    0);
	assert_false(allowed_partly(&f->s, 79));
	assert_true(allowed(&f->s, 80));
	assert_true(allowed(&f->s, 85));
	assert_true(allowed(&f->s, 90));
	assert_false(allowed_partly(&f->s, 91));
	assert_true(allowed(&f->s, 443));
	/* the Udp rule does not open Tcp ports */
	assert_false(allowed_partly(&f->s, 53));
	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_UDP, &vm, &inet),
	    0);
	assert_true(allowed(&f->s, 0));
	assert_true(allowed(&f->s, 53));
	assert_true(allowed(&f->s, 65535));
}

/* nsg-overview "Security rules": deny rules are applied like allow rules;
 * at equal scope the one with the lower priority number wins.  A deny that
 * covers only part of the internet does not close the port for the rest. */
static void
test_deny_vs_allow(void **state)
{
	struct fix *f = *state;
	const struct r rules[] = {
		{ "deny-some", 100, "Deny", "Inbound", "Tcp", "203.0.113.0/24",
		  "*", "22", NULL, NULL },
		{ "deny-all-3389", 110, "Deny", "Inbound", "*", "Internet", "*",
		  "3389", NULL, NULL },
		{ "allow-mgmt", 120, "Allow", "Inbound", "Tcp", "*", "*",
		  "22,3389", NULL, NULL },
		{ "allow-office", 130, "Allow", "Inbound", "Tcp",
		  "198.51.100.7/32", "*", "5986", NULL, NULL },
	};
	struct net_endpoint inet = ep_internet();
	struct net_endpoint vm = ep_addr("10.0.0.4", true);
	struct net_nsg *g = mk_nsg(&f->a, "g", rules, 4);

	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_TCP, &vm, &inet),
	    0);
	assert_true(allowed(&f->s, 22));
	assert_false(allowed_partly(&f->s, 3389));
	/* a /32 source is a restricted exposure, never "any source" */
	assert_false(allowed(&f->s, 5986));
	assert_true(allowed_partly(&f->s, 5986));
}

/* tags "Available service tags": Internet is the public address space,
 * VirtualNetwork the VNet, its peers and on-premises space; other tags are
 * Microsoft-owned prefix sets (treated as part of the internet). */
static void
test_service_tags(void **state)
{
	struct fix *f = *state;
	const struct r rules[] = {
		{ "vnet-only", 100, "Allow", "Inbound", "Tcp", "VirtualNetwork",
		  "*", "1433", NULL, NULL },
		{ "frontdoor", 110, "Allow", "Inbound", "Tcp",
		  "AzureFrontDoor.Backend", "*", "443", NULL, NULL },
		{ "internet-http", 120, "Allow", "Inbound", "Tcp", "Internet",
		  "VirtualNetwork", "80", NULL, NULL },
	};
	struct net_endpoint inet = ep_internet();
	struct net_endpoint vm = ep_addr("10.0.0.4", true);
	struct net_endpoint peer = ep_addr("10.20.0.4", true);
	struct net_nsg *g = mk_nsg(&f->a, "g", rules, 3);

	assert_int_equal(g->rules[1].src.v[0].kind, NET_I_TAG);
	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_TCP, &vm, &inet),
	    0);
	assert_false(allowed_partly(&f->s, 1433));
	assert_false(allowed(&f->s, 443));
	assert_true(allowed_partly(&f->s, 443));
	assert_true(allowed(&f->s, 80));
	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_TCP, &vm, &peer),
	    0);
	assert_true(allowed(&f->s, 1433));
}

/* asg: rules name application security groups; a NIC IP configuration
 * matches when it is a member. */
static void
test_asg(void **state)
{
	struct fix *f = *state;
	const char *web[] = { "/subscriptions/s/resourceGroups/r/providers/"
	    "Microsoft.Network/applicationSecurityGroups/web" };
	const struct r rules[] = {
		{ "to-web", 100, "Allow", "Inbound", "Tcp", "*", NULL, "443",
		  NULL, "/subscriptions/s/resourceGroups/r/providers/"
		  "Microsoft.Network/applicationSecurityGroups/WEB" },
	};
	struct net_endpoint inet = ep_internet();
	struct net_endpoint member = ep_addr("10.0.0.4", true);
	struct net_endpoint other = ep_addr("10.0.0.5", true);
	struct net_nsg *g = mk_nsg(&f->a, "g", rules, 1);

	member.asgs = web;
	member.n_asgs = 1;
	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_TCP, &member,
	    &inet), 0);
	assert_true(allowed(&f->s, 443));
	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_TCP, &other,
	    &inet), 0);
	assert_false(allowed_partly(&f->s, 443));
}

/* nsg-overview "Security rules" (Source or destination): IPv4 and IPv6
 * addresses and CIDR ranges; a rule of one family never matches the other. */
static void
test_ipv6(void **state)
{
	struct fix *f = *state;
	const struct r rules[] = {
		{ "v6-src", 100, "Allow", "Inbound", "Tcp", "2001:db8::/32",
		  "fd00:1::/64", "22", NULL, NULL },
		{ "v4-src", 110, "Allow", "Inbound", "Tcp", "10.0.0.0/8", "*",
		  "80", NULL, NULL },
		{ "v6-any", 120, "Allow", "Inbound", "Tcp", "::/0", "*",
		  "8443", NULL, NULL },
	};
	struct net_endpoint vm6 = ep_addr("fd00:1::4", true);
	struct net_endpoint vm4 = ep_addr("10.1.0.4", true);
	struct net_endpoint src6 = ep_addr("2001:db8:0:1::9", false);
	struct net_endpoint other6 = ep_addr("2001:db9::1", false);
	struct net_endpoint inet = ep_internet();
	struct net_nsg *g = mk_nsg(&f->a, "g", rules, 3);

	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_TCP, &vm6,
	    &src6), 0);
	assert_true(allowed(&f->s, 22));
	assert_false(allowed_partly(&f->s, 80));
	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_TCP, &vm6,
	    &other6), 0);
	assert_false(allowed_partly(&f->s, 22));
	/* ::/0 is the whole IPv6 internet */
	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_TCP, &vm6,
	    &inet), 0);
	assert_true(allowed(&f->s, 8443));
	/* ... and none of the IPv4 internet: IPv4 traffic to a dual-stack
	 * NIC's IPv4 address is not opened by ::/0 */
	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_TCP, &vm4,
	    &inet), 0);
	assert_false(allowed_partly(&f->s, 8443));
	assert_false(allowed_partly(&f->s, 22));
}

/* nsg-overview "Security rules" (Protocol): TCP, UDP, ICMP, ESP, AH, Any. */
static void
test_protocols(void **state)
{
	struct fix *f = *state;
	struct net_rule r;
	struct net_rule_src rs;
	const char *star = "*";

	(void)f;
	assert_int_equal(net_proto_parse("Tcp"), NET_P_TCP);
	assert_int_equal(net_proto_parse("UDP"), NET_P_UDP);
	assert_int_equal(net_proto_parse("Icmp"), NET_P_ICMP);
	assert_int_equal(net_proto_parse("Esp"), NET_P_ESP);
	assert_int_equal(net_proto_parse("Ah"), NET_P_AH);
	assert_int_equal(net_proto_parse("*"), NET_P_ALL);
	assert_int_equal(net_proto_parse("Gre"), 0);
	memset(&rs, 0, sizeof(rs));
	rs.name = "bad";
	rs.protocol = "Gre";
	assert_int_equal(net_rule_compile(&r, &f->a, NULL, &rs), OV_EINVALID);
	rs.protocol = "Tcp";
	rs.dports = &star;
	rs.n_dports = 1;
	assert_int_equal(net_rule_compile(&r, &f->a, NULL, &rs), 0);
	/* absent addresses mean any */
	assert_int_equal(r.src.n, 1);
	assert_int_equal(r.src.v[0].kind, NET_I_ANY);
	star = "70000";
	assert_int_equal(net_rule_compile(&r, &f->a, NULL, &rs), OV_EINVALID);
}

/* Address parsing (RFC 4291 text forms, RFC 4632 prefixes). */
static void
test_cidr_parse(void **state)
{
	struct net_range r, q;
	struct net_addr a;
	char buf[64];
	bool v6;

	(void)state;
	assert_int_equal(net_range_parse(&r, "10.1.2.3/8", 10), 0);
	net_addr_format(&r.lo, false, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.0");
	net_addr_format(&r.hi, false, buf, sizeof(buf));
	assert_string_equal(buf, "10.255.255.255");
	assert_true(net_range_is_private(&r));
	assert_int_equal(net_range_parse(&r, "0.0.0.0/0", 9), 0);
	assert_true(net_range_is_all(&r));
	assert_true(net_range_is_broad(&r));
	assert_int_equal(net_range_parse(&r, "20.0.0.0/7", 10), 0);
	assert_true(net_range_is_broad(&r));
	assert_int_equal(net_range_parse(&r, "20.0.0.0/9", 10), 0);
	assert_false(net_range_is_broad(&r));
	assert_int_equal(net_range_parse(&r, "2001:db8::/32", 13), 0);
	assert_true(r.v6);
	assert_int_equal(net_addr_parse(&a, &v6, "2001:db8:ffff::1", 16), 0);
	assert_true(net_range_contains(&r, &a));
	net_addr_format(&a, true, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8:ffff::1");
	assert_int_equal(net_range_parse(&q, "::ffff:10.0.0.1", 15), 0);
	assert_int_equal(net_range_parse(&q, "fe80::1%", 8), OV_EINVALID);
	assert_int_equal(net_range_parse(&q, "1.2.3.4/33", 10), OV_EINVALID);
	assert_int_equal(net_range_parse(&q, "1.2.3", 5), OV_EINVALID);
	assert_int_equal(net_range_parse(&q, "256.1.1.1", 9), OV_EINVALID);
	assert_int_equal(net_range_parse(&q, "1:2:3:4:5:6:7:8:9", 17),
	    OV_EINVALID);
	assert_int_equal(net_range_parse(&q, "1::2::3", 7), OV_EINVALID);
	assert_int_equal(net_range_parse(&q, "10.0.0.9-10.0.0.1", 17),
	    OV_EINVALID);
	assert_int_equal(net_range_parse(&q, "192.168.1.1-192.168.1.12", 24),
	    0);
	assert_true(net_range_is_private(&q));
	/* a v4 range never covers a v6 address */
	assert_int_equal(net_range_parse(&r, "0.0.0.0/0", 9), 0);
	assert_int_equal(net_addr_parse(&a, &v6, "::1", 3), 0);
	assert_false(net_range_contains(&r, &a));
}

/*
 * nsg-overview "Security rules": an NSG may hold hundreds of rules.  Three
 * hundred Deny rules on single even ports split the undecided ports into
 * more ranges than any fixed buffer holds; the Allow-all behind them must
 * still open every odd port in between, the last as the first, and keep
 * every even one closed.
 */
static void
test_many_rules(void **state)
{
	struct fix *f = *state;
	enum { N_DENY = 300 };
	struct r rules[N_DENY + 1];
	struct net_endpoint inet = ep_internet();
	struct net_endpoint vm = ep_addr("10.0.0.4", true);
	struct net_nsg *g;
	char *ports = ov__arena_calloc(&f->a, N_DENY, 8);
	size_t i;

	for (i = 0; i < N_DENY; i++) {
		snprintf(ports + i * 8, 8, "%zu", 1000 + 2 * i);
		rules[i] = (struct r){ "deny-one", 100 + (int)i, "Deny",
		    "Inbound", "Tcp", "*", "*", ports + i * 8, NULL, NULL };
	}
	rules[N_DENY] = (struct r){ "allow-all", 4000, "Allow", "Inbound",
	    "*", "*", "*", "*", NULL, NULL };
	g = mk_nsg(&f->a, "g", rules, N_DENY + 1);
	assert_int_equal(net_eval_nsg(&f->s, g, NET_IN, NET_P_TCP, &vm, &inet),
	    0);
	for (i = 0; i < N_DENY; i++) {
		assert_false(allowed_partly(&f->s, 1000 + 2 * i));
		assert_true(allowed(&f->s, 1001 + 2 * i));
	}
	assert_true(allowed(&f->s, 22));
	assert_true(allowed(&f->s, 65535));
	assert_string_equal(decider(&f->s, 1599, 0)->name, "allow-all");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_priority_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_priority_ties, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_default_rules, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nic_subnet_combination,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ports_ranges_lists, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deny_vs_allow, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_many_rules, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_service_tags, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_asg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protocols, setup,
		    teardown),
		cmocka_unit_test(test_cidr_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
