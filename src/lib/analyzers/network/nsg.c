/* SPDX-License-Identifier: MIT */
/*
 * NSG rules and their evaluation, as Azure documents them:
 *   learn.microsoft.com/azure/virtual-network/network-security-groups-overview
 *   learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works
 *   learn.microsoft.com/azure/virtual-network/service-tags-overview
 *   learn.microsoft.com/azure/virtual-network/application-security-groups
 *
 * A query asks: for one protocol and direction, which destination ports
 * does this NSG allow between a local NIC and a remote endpoint?  Rules are
 * walked in priority order (lower number first) and the first rule that
 * matches a port decides it.  Because a remote endpoint may be a set of
 * addresses (the whole internet, an unknown address in a subnet), a rule
 * can match it fully or partly: a full match decides the ports it names; a
 * partial allow records "allowed from part of the query" and leaves the
 * ports open to later rules; a partial deny decides nothing.
 */
#include "lib/analyzers/network/net.h"

#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/error.h"

/* AZP: network-security-groups-overview#protocol */
unsigned
net_proto_parse(const char *s)
{
	if (s == NULL || strcmp(s, "*") == 0 || ov__streq_ci(s, "All") ||
	    ov__streq_ci(s, "Any"))
		return NET_P_ALL;
	if (ov__streq_ci(s, "Tcp"))
		return NET_P_TCP;
	if (ov__streq_ci(s, "Udp"))
		return NET_P_UDP;
	if (ov__streq_ci(s, "Icmp") || ov__streq_ci(s, "IcmpV6"))
		return NET_P_ICMP;
	if (ov__streq_ci(s, "Esp"))
		return NET_P_ESP;
	if (ov__streq_ci(s, "Ah"))
		return NET_P_AH;
	return 0;
}

/* Name of one protocol bit. */
const char *
net_proto_name(unsigned bit)
{
	switch (bit) {
	case NET_P_TCP:
		return "Tcp";
	case NET_P_UDP:
		return "Udp";
	case NET_P_ICMP:
		return "Icmp";
	case NET_P_ESP:
		return "Esp";
	case NET_P_AH:
		return "Ah";
	default:
		return "*";
	}
}

/* Classify one source/destination word (service-tags-overview). */
static void
classify_item(struct net_item *it, const char *s)
{
	size_t len = strlen(s);

	memset(it, 0, sizeof(*it));
	if (strcmp(s, "*") == 0 || ov__streq_ci(s, "Any")) {
		it->kind = NET_I_ANY;
		return;
	}
	if (net_range_parse(&it->r, s, len) == 0) {
		it->kind = NET_I_RANGE;
		return;
	}
	/* A tag may carry a region suffix (Storage.WestUS); the three the
	 * evaluation understands never do. */
	if (ov__streq_ci(s, "Internet"))
		it->kind = NET_I_INTERNET;
	else if (ov__streq_ci(s, "VirtualNetwork"))
		it->kind = NET_I_VNET;
	else if (ov__streq_ci(s, "AzureLoadBalancer"))
		it->kind = NET_I_ALB;
	else
		it->kind = NET_I_TAG;
	it->name = s;		/* borrowed, like every rule string */
}

/*
 * Single-item specs every NSG repeats ("*" and the three tags the
 * evaluation knows), shared instead of allocated per rule.
 */
static const struct net_item shared_items[] = {
	{ NET_I_ANY, { { 0, 0 }, { 0, 0 }, false }, NULL },
	{ NET_I_INTERNET, { { 0, 0 }, { 0, 0 }, false }, "Internet" },
	{ NET_I_VNET, { { 0, 0 }, { 0, 0 }, false }, "VirtualNetwork" },
	{ NET_I_ALB, { { 0, 0 }, { 0, 0 }, false }, "AzureLoadBalancer" }
};

static int
build_aspec(struct net_aspec *out, struct ov_arena *a,
    const char *const *words, size_t n_words, const char *const *asgs,
    size_t n_asgs)
{
	struct net_item one, *v;
	size_t i, n = 0, n_in = 0;

	for (i = 0; i < n_words; i++)
		if (words[i] != NULL && words[i][0] != '\0') {
			n_in++;
			classify_item(&one, words[i]);
		}
	for (i = 0; i < n_asgs; i++)
		n_in += asgs[i] != NULL;
	/* AZP: network-security-groups-overview#security-rules: an absent
	 * source or destination in a rule means any. */
	if (n_in == 0 || (n_in == 1 && n_asgs == 0 && one.kind != NET_I_RANGE &&
	    one.kind != NET_I_TAG)) {
		out->v = &shared_items[n_in == 0 ? 0 : (size_t)one.kind];
		out->n = 1;
		return 0;
	}
	if ((v = ov__arena_alloc(a, n_in * sizeof(*v))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < n_words; i++)
		if (words[i] != NULL && words[i][0] != '\0')
			classify_item(&v[n++], words[i]);
	for (i = 0; i < n_asgs; i++) {
		if (asgs[i] == NULL)
			continue;
		memset(&v[n], 0, sizeof(v[n]));
		v[n].kind = NET_I_ASG;
		v[n++].name = asgs[i];
	}
	out->v = v;
	out->n = n;
	return 0;
}

/* Every port, shared by the rules whose port field is "*". */
static const struct net_prange all_ports = { 0, 65535 };

static int
build_ports(struct net_ports *out, struct ov_arena *a, ov_ctx *ctx,
    const char *rule, const char *const *items, size_t n_items)
{
	struct net_prange *buf = NULL;
	size_t n = 0, cap = 0, i;
	int error;

	for (i = 0; i < n_items; i++) {
		if (items[i] == NULL || items[i][0] == '\0')
			continue;
		if ((error = net_ports_parse_item(a, &buf, &n, &cap, items[i],
		    strlen(items[i]))) < 0) {
			if (error == OV_EINVALID)
				return ov__error(ctx, OV_EINVALID,
				    OV_ERRCLASS_INPUT,
				    "rule '%s': invalid port range '%s'",
				    rule, items[i]);
			return ov__error_oom(ctx);
		}
	}
	n = net_ports_normalize(buf, n);
	if (n == 0 || (n == 1 && buf[0].lo == 0 && buf[0].hi == 65535)) {
		out->v = &all_ports;
		out->n = 1;
		return 0;
	}
	out->v = buf;
	out->n = n;
	return 0;
}

static const char *
join_words(struct ov_arena *a, const char *const *w, size_t n,
    const char *const *w2, size_t n2)
{
	size_t i, len = 1, k = 0;
	const char *only = NULL;
	char *s, *p;

	for (i = 0; i < n + n2; i++) {
		const char *x = i < n ? w[i] : w2[i - n];

		if (x == NULL)
			continue;
		len += strlen(x) + 1;
		only = x;
		k++;
	}
	if (k == 0)
		return "*";
	if (k == 1)
		return only;	/* borrowed */
	if ((s = ov__arena_alloc(a, len)) == NULL)
		return NULL;
	p = s;
	for (i = 0; i < n + n2; i++) {
		const char *x = i < n ? w[i] : w2[i - n];
		size_t l;

		if (x == NULL)
			continue;
		if (p != s)
			*p++ = ',';
		l = strlen(x);
		memcpy(p, x, l);
		p += l;
	}
	*p = '\0';
	return s;
}

/* Compile one rule from its textual shape. */
int
net_rule_compile(struct net_rule *out, struct ov_arena *a, ov_ctx *ctx,
    const struct net_rule_src *src)
{
	int error;
	const char *name = src->name != NULL ? src->name : "(unnamed)";

	memset(out, 0, sizeof(*out));
	out->name = name;
	out->id = src->id != NULL ? src->id : out->name;
	out->priority = (int32_t)src->priority;
	/* AZP: network-security-groups-overview#security-rules (access) */
	out->allow = src->access != NULL && ov__streq_ci(src->access, "Allow");
	out->dir = src->direction != NULL &&
	    ov__streq_ci(src->direction, "Outbound") ? NET_OUT : NET_IN;
	out->proto = net_proto_parse(src->protocol);
	if (out->proto == 0)
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_INPUT,
		    "rule '%s': unknown protocol '%s'", name, src->protocol);
	if ((error = build_aspec(&out->src, a, src->src, src->n_src,
	    src->src_asgs, src->n_src_asgs)) < 0 ||
	    (error = build_aspec(&out->dst, a, src->dst, src->n_dst,
	    src->dst_asgs, src->n_dst_asgs)) < 0)
		return ov__error_oom(ctx);
	if ((error = build_ports(&out->dports, a, ctx, name, src->dports,
	    src->n_dports)) < 0 ||
	    (error = build_ports(&out->sports, a, ctx, name, src->sports,
	    src->n_sports)) < 0)
		return error;
	out->sport_any = net_ports_is_all(&out->sports);
	out->raw_src = join_words(a, src->src, src->n_src, src->src_asgs,
	    src->n_src_asgs);
	out->raw_dst = join_words(a, src->dst, src->n_dst, src->dst_asgs,
	    src->n_dst_asgs);
	out->raw_ports = join_words(a, src->dports, src->n_dports, NULL, 0);
	out->raw_proto = src->protocol != NULL ? src->protocol : "*";
	if (out->raw_src == NULL || out->raw_dst == NULL ||
	    out->raw_ports == NULL)
		return ov__error_oom(ctx);
	return 0;
}

/*
 * The six default rules, fixed by Azure and not removable.
 * AZP: network-security-groups-overview#default-security-rules
 */
static const struct {
	const char	*name;
	int32_t		 priority;
	bool		 allow;
	enum net_dir	 dir;
	const char	*src;
	const char	*dst;
} default_rules[NET_N_DEFAULT_RULES] = {
	{ "AllowVnetInBound", 65000, true, NET_IN, "VirtualNetwork",
	  "VirtualNetwork" },
	{ "AllowAzureLoadBalancerInBound", 65001, true, NET_IN,
	  "AzureLoadBalancer", "*" },
	{ "DenyAllInBound", 65500, false, NET_IN, "*", "*" },
	{ "AllowVnetOutBound", 65000, true, NET_OUT, "VirtualNetwork",
	  "VirtualNetwork" },
	{ "AllowInternetOutBound", 65001, true, NET_OUT, "*", "Internet" },
	{ "DenyAllOutBound", 65500, false, NET_OUT, "*", "*" }
};

static int
cmp_rule(const void *pa, const void *pb)
{
	const struct net_rule *a = *(const struct net_rule *const *)pa;
	const struct net_rule *b = *(const struct net_rule *const *)pb;

	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	/* Ties cannot be created in Azure; when input has them, deny wins. */
	if (a->allow != b->allow)
		return a->allow ? 1 : -1;
	return strcmp(a->name, b->name);
}

/* The ARM id of a rule; a default rule's is built in a on first use. */
const char *
net_rule_id(struct ov_arena *a, const struct net_rule *r)
{
	if (!r->is_default || r->nsg == NULL || r->nsg->id == NULL)
		return r->id;
	return ov__arena_printf(a, "%s/defaultSecurityRules/%s", r->nsg->id,
	    r->name);
}

/* Append the default rules and sort both directions. */
int
net_nsg_finish(struct net_nsg *nsg, struct ov_arena *a, size_t n_custom)
{
	size_t i, d;

	for (i = 0; i < NET_N_DEFAULT_RULES; i++) {
		struct net_rule *r = &nsg->rules[n_custom + i];
		const char *s = default_rules[i].src;
		const char *t = default_rules[i].dst;
		const char *star = "*";
		struct net_rule_src rs;

		memset(&rs, 0, sizeof(rs));
		rs.name = default_rules[i].name;
		rs.priority = default_rules[i].priority;
		rs.access = default_rules[i].allow ? "Allow" : "Deny";
		rs.direction = default_rules[i].dir == NET_IN ? "Inbound" :
		    "Outbound";
		rs.protocol = "*";
		rs.src = &s;
		rs.n_src = 1;
		rs.dst = &t;
		rs.n_dst = 1;
		rs.dports = &star;
		rs.n_dports = 1;
		if (net_rule_compile(r, a, NULL, &rs) < 0)
			return OV_ENOMEM;
		r->is_default = true;
		r->nsg = nsg;
		/* the ARM id is spelled out on use (net_rule_id): six per
		 * NSG would otherwise be a large share of the topology */
	}
	nsg->n_rules = n_custom + NET_N_DEFAULT_RULES;
	for (d = 0; d < 2; d++) {
		size_t n = 0;

		nsg->sorted[d] = ov__arena_calloc(a, nsg->n_rules + 1,
		    sizeof(*nsg->sorted[d]));
		if (nsg->sorted[d] == NULL)
			return OV_ENOMEM;
		for (i = 0; i < nsg->n_rules; i++) {
			nsg->rules[i].nsg = nsg;
			if (nsg->rules[i].dir == (enum net_dir)d)
				nsg->sorted[d][n++] = &nsg->rules[i];
		}
		qsort(nsg->sorted[d], n, sizeof(*nsg->sorted[d]), cmp_rule);
		for (i = 1; i < n; i++)
			if (nsg->sorted[d][i]->priority ==
			    nsg->sorted[d][i - 1]->priority)
				nsg->has_ties = true;
		nsg->n_sorted[d] = n;
	}
	return 0;
}

static bool
has_asg(const struct net_endpoint *ep, const char *id)
{
	size_t i;

	for (i = 0; i < ep->n_asgs; i++)
		if (ov__streq_ci(ep->asgs[i], id))
			return true;
	return false;
}

static enum net_match
item_match(const struct net_item *it, const struct net_endpoint *ep)
{
	static const char alb[] = "168.63.129.16";

	switch (ep->kind) {
	case NET_EP_INTERNET:
		switch (it->kind) {
		case NET_I_ANY:
		case NET_I_INTERNET:
			return NET_M_FULL;
		case NET_I_RANGE:
			/* AZP: network-security-groups-overview#security-rules
			 * a prefix of one family never matches traffic of the
			 * other: ::/0 does not open an IPv4 public IP */
			if (ep->one_family && it->r.v6 != ep->v6)
				return NET_M_NONE;
			if (net_range_is_all(&it->r) ||
			    net_range_is_broad(&it->r))
				return NET_M_FULL;
			return net_range_is_private(&it->r) ? NET_M_NONE :
			    NET_M_PARTIAL;
		case NET_I_TAG:
			/* AZP: service-tags-overview: other tags are
			 * Microsoft public prefixes, a part of the internet */
			return NET_M_PARTIAL;
		default:
			return NET_M_NONE;
		}
	case NET_EP_ALB:
		if (it->kind == NET_I_ANY || it->kind == NET_I_ALB)
			return NET_M_FULL;
		if (it->kind == NET_I_RANGE) {
			struct net_addr x;
			bool v6;

			if (net_addr_parse(&x, &v6, alb, sizeof(alb) - 1) == 0 &&
			    net_range_contains(&it->r, &x))
				return NET_M_FULL;
		}
		return NET_M_NONE;
	case NET_EP_ADDR:
	default:
		switch (it->kind) {
		case NET_I_ANY:
			return NET_M_FULL;
		case NET_I_VNET:
			/* AZP: service-tags-overview#available-service-tags
			 * VirtualNetwork: the VNet space, peered VNets and
			 * connected on-premises space */
			return ep->in_vnet ? NET_M_FULL : NET_M_NONE;
		case NET_I_ASG:
			/* AZP: application-security-groups: membership is
			 * per NIC IP configuration */
			return has_asg(ep, it->name) ? NET_M_FULL : NET_M_NONE;
		case NET_I_RANGE:
			if (it->r.v6 != ep->v6)
				return NET_M_NONE;
			if (ep->has_addr)
				return net_range_contains(&it->r, &ep->addr) ?
				    NET_M_FULL : NET_M_NONE;
			if (ep->has_subnet) {
				if (net_range_covers(&it->r, &ep->subnet))
					return NET_M_FULL;
				return net_range_overlaps(&it->r,
				    &ep->subnet) ? NET_M_PARTIAL : NET_M_NONE;
			}
			return NET_M_PARTIAL;
		case NET_I_INTERNET:
			/* a private address is outside the Internet tag */
			return NET_M_NONE;
		default:
			return NET_M_NONE;
		}
	}
}

/* Best match of any item of s against ep. */
enum net_match
net_aspec_match(const struct net_aspec *s, const struct net_endpoint *ep)
{
	enum net_match best = NET_M_NONE, m;
	size_t i;

	for (i = 0; i < s->n; i++) {
		m = item_match(&s->v[i], ep);
		if (m > best)
			best = m;
		if (best == NET_M_FULL)
			break;
	}
	return best;
}

/* ---- segments ---- */

static int
segs_push(struct net_segs *s, const struct net_seg *x)
{
	if (s->n == s->cap) {
		size_t nc = s->cap == 0 ? 8 : s->cap * 2;
		struct net_seg *nv = ov__reallocarray(s->v, nc, sizeof(*nv));

		if (nv == NULL)
			return OV_ENOMEM;
		s->v = nv;
		s->cap = nc;
	}
	s->v[s->n++] = *x;
	return 0;
}

/* Release scratch. */
void
net_segs_free(struct net_segs *s)
{
	ov__free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

/*
 * The undecided ports as a sorted list of disjoint ranges; removing a
 * range splits at most one entry, so the list grows by at most one per
 * rule.  Small lists live in the struct; longer ones move to the heap,
 * never dropping a range (a dropped range would read as decided).
 */
#define UND_SMALL 64

struct undecided {
	struct net_prange	*v, *tmp;	/* the list; scratch */
	size_t			 n, cap;
	bool			 heap;		/* v and tmp allocated */
	struct net_prange	 sv[UND_SMALL], st[UND_SMALL];
};

static void
und_init(struct undecided *u)
{
	u->v = u->sv;
	u->tmp = u->st;
	u->cap = UND_SMALL;
	u->heap = false;
	u->n = 1;
	u->v[0].lo = 0;
	u->v[0].hi = 65535;
}

static void
und_release(struct undecided *u)
{
	if (u->heap) {
		ov__free(u->v);
		ov__free(u->tmp);
	}
	u->v = u->tmp = NULL;
	u->n = u->cap = 0;
	u->heap = false;
}

static int
und_grow(struct undecided *u)
{
	size_t cap = u->cap * 2;
	struct net_prange *v = ov__reallocarray(NULL, cap, sizeof(*v));
	struct net_prange *t = ov__reallocarray(NULL, cap, sizeof(*t));

	if (v == NULL || t == NULL) {
		ov__free(v);
		ov__free(t);
		return OV_ENOMEM;
	}
	memcpy(v, u->v, u->n * sizeof(*v));
	if (u->heap) {
		ov__free(u->v);
		ov__free(u->tmp);
	}
	u->v = v;
	u->tmp = t;
	u->cap = cap;
	u->heap = true;
	return 0;
}

static int
und_remove(struct undecided *u, unsigned lo, unsigned hi)
{
	struct net_prange *out, *swap;
	size_t i, n = 0;

	if (u->n + 1 > u->cap && und_grow(u) < 0)
		return OV_ENOMEM;
	out = u->tmp;
	for (i = 0; i < u->n; i++) {
		unsigned a = u->v[i].lo, b = u->v[i].hi;

		if (hi < a || lo > b) {
			out[n++] = u->v[i];
			continue;
		}
		if (a < lo) {
			out[n].lo = (uint16_t)a;
			out[n++].hi = (uint16_t)(lo - 1);
		}
		if (b > hi) {
			out[n].lo = (uint16_t)(hi + 1);
			out[n++].hi = (uint16_t)b;
		}
	}
	swap = u->v;
	u->v = out;
	u->tmp = swap;
	u->n = n;
	return 0;
}

/* Evaluate one NSG for one protocol. */
int
net_eval_nsg(struct net_segs *out, const struct net_nsg *nsg, enum net_dir dir,
    unsigned proto, const struct net_endpoint *local,
    const struct net_endpoint *remote)
{
	struct undecided und;
	struct net_seg seg;
	struct net_endpoint inet;
	size_t i, j, k;
	const struct net_endpoint *src, *dst;

	out->n = 0;
	memset(&seg, 0, sizeof(seg));
	/* AZP: network-security-group-how-it-works: with no NSG at a level,
	 * all traffic is allowed at that level. */
	if (nsg == NULL) {
		seg.lo = 0;
		seg.hi = 65535;
		seg.full = true;
		seg.n_by = 1;
		seg.by[0] = NULL;
		return segs_push(out, &seg);
	}
	if (remote->kind == NET_EP_INTERNET && !remote->one_family) {
		/* the traffic has the family of the local address */
		inet = *remote;
		inet.one_family = true;
		inet.v6 = local->v6;
		remote = &inet;
	}
	src = dir == NET_IN ? remote : local;
	dst = dir == NET_IN ? local : remote;
	und_init(&und);
	/* AZP: network-security-groups-overview#security-rules: rules are
	 * processed in priority order, lower numbers first, and processing
	 * stops at the first match. */
	for (i = 0; i < nsg->n_sorted[dir] && und.n > 0; i++) {
		const struct net_rule *r = nsg->sorted[dir][i];
		enum net_match ms, md;
		bool full;

		if ((r->proto & proto) == 0)
			continue;
		if ((ms = net_aspec_match(&r->src, src)) == NET_M_NONE)
			continue;
		if ((md = net_aspec_match(&r->dst, dst)) == NET_M_NONE)
			continue;
		full = ms == NET_M_FULL && md == NET_M_FULL && r->sport_any;
		for (j = 0; j < r->dports.n; j++) {
			unsigned lo = r->dports.v[j].lo, hi = r->dports.v[j].hi;

			if (r->allow) {
				for (k = 0; k < und.n; k++) {
					unsigned a = und.v[k].lo > lo ?
					    und.v[k].lo : lo;
					unsigned b = und.v[k].hi < hi ?
					    und.v[k].hi : hi;

					if (a > b)
						continue;
					seg.lo = (uint16_t)a;
					seg.hi = (uint16_t)b;
					seg.full = full;
					seg.n_by = 1;
					seg.by[0] = r;
					if (segs_push(out, &seg) < 0) {
						und_release(&und);
						return OV_ENOMEM;
					}
				}
			}
			if (full && und_remove(&und, lo, hi) < 0) {
				und_release(&und);
				return OV_ENOMEM;
			}
		}
	}
	und_release(&und);
	return 0;
}

/* Intersect two segment lists. */
int
net_segs_intersect(struct net_segs *out, const struct net_segs *a,
    const struct net_segs *b)
{
	size_t i, j, k;

	out->n = 0;
	for (i = 0; i < a->n; i++) {
		for (j = 0; j < b->n; j++) {
			struct net_seg s;
			unsigned lo = a->v[i].lo > b->v[j].lo ? a->v[i].lo :
			    b->v[j].lo;
			unsigned hi = a->v[i].hi < b->v[j].hi ? a->v[i].hi :
			    b->v[j].hi;

			if (lo > hi)
				continue;
			memset(&s, 0, sizeof(s));
			s.lo = (uint16_t)lo;
			s.hi = (uint16_t)hi;
			s.full = a->v[i].full && b->v[j].full;
			for (k = 0; k < a->v[i].n_by && s.n_by < 4; k++)
				s.by[s.n_by++] = a->v[i].by[k];
			for (k = 0; k < b->v[j].n_by && s.n_by < 4; k++)
				s.by[s.n_by++] = b->v[j].by[k];
			if (segs_push(out, &s) < 0)
				return OV_ENOMEM;
		}
	}
	return 0;
}

/* Clip in place to lo..hi. */
void
net_segs_clip(struct net_segs *s, unsigned lo, unsigned hi)
{
	size_t i, o = 0;

	for (i = 0; i < s->n; i++) {
		struct net_seg x = s->v[i];

		if (x.hi < lo || x.lo > hi)
			continue;
		if (x.lo < lo)
			x.lo = (uint16_t)lo;
		if (x.hi > hi)
			x.hi = (uint16_t)hi;
		s->v[o++] = x;
	}
	s->n = o;
}

/* True when some segment is (fully) allowed. */
bool
net_segs_any(const struct net_segs *s, bool need_full)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!need_full || s->v[i].full)
			return true;
	return false;
}
