/* SPDX-License-Identifier: MIT */
/*
 * Internet exposure paths: for every IP configuration reachable from the
 * internet (public IP on the NIC, public load balancer rule or inbound
 * NAT, application gateway backend, Azure Firewall DNAT), which backend
 * ports the subnet NSG and the NIC NSG together let through.
 *
 * What the backend NSG sees as the source differs by path: a public IP or
 * a load balancer keeps the client address (the internet); an application
 * gateway and a firewall DNAT rule connect from their own private address
 * (AZP: application-gateway-infrastructure-configuration, firewall
 * features "Inbound DNAT support"), so the NSG question becomes "is that
 * subnet allowed", and the internet question moves to the listener or the
 * DNAT rule.
 */
#include "lib/analyzers/network/net.h"

#include <stdlib.h>
#include <string.h>

#include "lib/model/model.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#define T_LB	"Microsoft.Network/loadBalancers"
#define T_AGW	"Microsoft.Network/applicationGateways"
#define T_FW	"Microsoft.Network/azureFirewalls"
#define T_RCG	"Microsoft.Network/firewallPolicies/ruleCollectionGroups"
#define T_PIP	"Microsoft.Network/publicIPAddresses"

/* Management and database ports: critical when open to the internet. */
static const uint16_t mgmt_ports[] = {
	22, 23, 135, 139, 445, 1433, 1434, 1521, 2375, 2376, 3306, 3389,
	5432, 5900, 5984, 5985, 5986, 6379, 7000, 7001, 9042, 9200, 9300,
	11211, 27017, 27018, 27019
};

/* True for a management or database port. */
bool
net_port_is_mgmt(unsigned port)
{
	size_t i;

	for (i = 0; i < sizeof(mgmt_ports) / sizeof(mgmt_ports[0]); i++)
		if (mgmt_ports[i] == port)
			return true;
	return false;
}

/* True when lo..hi holds a management port; *which gets the first. */
bool
net_range_has_mgmt(unsigned lo, unsigned hi, unsigned *which)
{
	size_t i;

	for (i = 0; i < sizeof(mgmt_ports) / sizeof(mgmt_ports[0]); i++)
		if (lo <= mgmt_ports[i] && mgmt_ports[i] <= hi) {
			if (which != NULL)
				*which = mgmt_ports[i];
			return true;
		}
	return false;
}

struct scratch {
	struct net_segs	 a, b, c;	/* evaluation */
	struct net_segs	 out;		/* result */
	const struct net_ipconf **mv;	/* a pool's members, each once */
	size_t		 mn, mcap;
	unsigned char	*mark;		/* by ipc->ix: in mv */
	size_t		 n_mark;
};

/*
 * Add ipc to the member list unless it is there: a mark per IP
 * configuration, so a pool of any size costs one step per member.
 */
static int
member_add(struct scratch *s, const struct net_topo *t,
    const struct net_ipconf *ipc)
{
	if (s->n_mark < t->n_ipcs) {
		unsigned char *m = ov__realloc(s->mark, t->n_ipcs);

		if (m == NULL)
			return ov__error_oom(t->ctx);
		memset(m + s->n_mark, 0, t->n_ipcs - s->n_mark);
		s->mark = m;
		s->n_mark = t->n_ipcs;
	}
	OV_ASSERT_ARG(ipc->ix < t->n_ipcs && t->ipcs[ipc->ix] == ipc);
	if (s->mark[ipc->ix])
		return 0;
	if (s->mn == s->mcap) {
		size_t cap = s->mcap > 0 ? s->mcap * 2 : 64;
		const struct net_ipconf **v = ov__reallocarray(s->mv, cap,
		    sizeof(*v));

		if (v == NULL)
			return ov__error_oom(t->ctx);
		s->mv = v;
		s->mcap = cap;
	}
	s->mark[ipc->ix] = 1;
	s->mv[s->mn++] = ipc;
	return 0;
}

/* Empty the member list (and its marks). */
static void
members_clear(struct scratch *s)
{
	size_t i;

	for (i = 0; i < s->mn; i++)
		s->mark[s->mv[i]->ix] = 0;
	s->mn = 0;
}

static const ov_json *
props(const ov_json *o)
{
	const ov_json *p = ov_json_get(o, "properties");

	return p != NULL ? p : o;
}

static const char *
ref(const ov_json *o, const char *key)
{
	return ov_json_string(ov_json_get(ov_json_get(o, key), "id"));
}

static unsigned
jport(const ov_json *o, const char *key)
{
	const ov_json *v = ov_json_get(o, key);
	int64_t x = 0;

	if (!ov_json_int(v, &x) && ov_json_string(v) != NULL)
		x = strtol(ov_json_string(v), NULL, 10);
	return x < 0 || x > 65535 ? 0 : (unsigned)x;
}

static void
local_ep(const struct net_ipconf *ipc, struct net_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->kind = NET_EP_ADDR;
	ep->addr = ipc->addr;
	ep->has_addr = ipc->has_addr;
	ep->v6 = ipc->v6;
	ep->in_vnet = true;
	if (ipc->subnet != NULL && ipc->subnet->n_prefix > 0) {
		size_t i;

		for (i = 0; i < ipc->subnet->n_prefix; i++)
			if (ipc->subnet->prefix[i].v6 == ipc->v6) {
				ep->subnet = ipc->subnet->prefix[i];
				ep->has_subnet = true;
				break;
			}
	}
	ep->asgs = ipc->asgs;
	ep->n_asgs = ipc->n_asgs;
}

/* Inbound at the subnet NSG, then the NIC NSG; both must allow. */
static int
eval_in(struct scratch *s, const struct net_ipconf *ipc,
    const struct net_endpoint *remote, unsigned proto)
{
	struct net_endpoint local;
	const struct net_nsg *sn = ipc->subnet != NULL ? ipc->subnet->nsg :
	    NULL;

	local_ep(ipc, &local);
	if (net_eval_nsg(&s->a, sn, NET_IN, proto, &local, remote) < 0 ||
	    net_eval_nsg(&s->b, ipc->nic_nsg, NET_IN, proto, &local,
	    remote) < 0 ||
	    net_segs_intersect(&s->out, &s->a, &s->b) < 0)
		return OV_ENOMEM;
	return 0;
}

static bool
ipc_unprotected(const struct net_ipconf *ipc)
{
	return (ipc->subnet == NULL || ipc->subnet->nsg == NULL) &&
	    ipc->nic_nsg == NULL;
}

static bool
ipc_indeterminate(const struct net_ipconf *ipc)
{
	return ipc->nic_nsg_missing || ipc->subnet == NULL ||
	    ipc->subnet->nsg_missing;
}

/* Judge the severity of one exposure. */
static ov_severity
judge(ov_network_path path, bool any, unsigned lo, unsigned hi, bool waf)
{
	/* a published web workload is an expected exposure: low behind a
	 * WAF that blocks, medium without one */
	if (path == OV_NET_PATH_APPGW)
		return waf ? OV_SEV_LOW : OV_SEV_MEDIUM;
	if (!any)
		return net_range_has_mgmt(lo, hi, NULL) ? OV_SEV_LOW :
		    OV_SEV_INFO;
	if (net_range_has_mgmt(lo, hi, NULL))
		return OV_SEV_CRITICAL;
	if (hi - lo + 1 >= 1000)
		return OV_SEV_HIGH;
	if ((lo == 80 || lo == 443) && hi == lo)
		return OV_SEV_LOW;
	return OV_SEV_MEDIUM;
}

/* A description of one path hop, filled by each path kind. */
struct hop {
	ov_network_path	 path;
	const char	*via_id;
	const char	*via_rule;
	const char	*frontend;
	bool		 any_source;	/* the path itself admits everyone */
	const char	*source;	/* the path's own source restriction */
	bool		 waf;
	/* when the NSG sees the client: judged from segments */
	bool		 nsg_sees_client;
};

static int
push_exp(struct ov_network *n, const struct net_ipconf *ipc,
    const struct hop *h, unsigned proto, const struct net_seg *seg,
    unsigned lo, unsigned hi, bool full)
{
	ov_network_exposure *e;
	ov_network_rule_ref *refs;
	size_t k;
	bool any = h->nsg_sees_client ? full : h->any_source;
	const char *source = h->source;

	if (n->n_exp == n->exp_cap) {
		size_t nc = n->exp_cap == 0 ? 64 : n->exp_cap * 2;
		ov_network_exposure *nv = ov__reallocarray(n->exp, nc,
		    sizeof(*nv));

		if (nv == NULL)
			return ov__error_oom(n->ctx);
		n->exp = nv;
		n->exp_cap = nc;
	}
	e = &n->exp[n->n_exp];
	memset(e, 0, sizeof(*e));
	e->resource_id = ipc->workload_id;
	e->resource_type = ipc->workload_type;
	e->resource_name = ipc->workload_name;
	if (ipc->wl_rec != NULL) {
		e->subscription_id = ipc->wl_rec->place->subscription_id;
		e->resource_group = ipc->wl_rec->place->resource_group;
	}
	e->nic_id = ipc->nic_id;
	e->ipconfig = ipc->name;
	e->private_ip = ipc->addr_text;
	e->path = h->path;
	e->via_id = h->via_id;
	e->via_rule = h->via_rule;
	e->frontend = h->frontend;
	e->protocol = net_proto_name(proto);
	e->port_lo = lo;
	e->port_hi = hi;
	if (h->nsg_sees_client && !full) {
		/* the restriction comes from an NSG rule */
		source = NULL;
		for (k = 0; k < seg->n_by && source == NULL; k++) {
			struct net_endpoint inet;

			memset(&inet, 0, sizeof(inet));
			inet.kind = NET_EP_INTERNET;
			inet.one_family = true;
			inet.v6 = ipc->v6;
			if (seg->by[k] != NULL && net_aspec_match(
			    &seg->by[k]->src, &inet) == NET_M_PARTIAL)
				source = seg->by[k]->raw_src;
		}
	}
	e->any_source = any;
	e->source = any ? "Internet" : (source != NULL ? source :
	    "restricted");
	e->waf = h->waf;
	e->indeterminate = ipc_indeterminate(ipc);
	e->severity = judge(h->path, any, lo, hi, h->waf);
	refs = ov__arena_calloc(&n->arena, seg->n_by > 0 ? seg->n_by : 1,
	    sizeof(*refs));
	if (refs == NULL)
		return ov__error_oom(n->ctx);
	for (k = 0; k < seg->n_by; k++) {
		const struct net_rule *r = seg->by[k];

		refs[k].level = k == 0 ? "subnet" : "nic";
		if (r == NULL) {
			/* no NSG at this level, or one we cannot read */
			refs[k].rule_name = (k == 0 ? ipc->subnet == NULL ||
			    ipc->subnet->nsg_missing : ipc->nic_nsg_missing) ?
			    "(NSG not collected)" : "(no NSG)";
			continue;
		}
		refs[k].nsg_id = r->nsg != NULL ? r->nsg->id : NULL;
		if ((refs[k].rule_id = net_rule_id(&n->arena, r)) == NULL)
			return ov__error_oom(n->ctx);
		refs[k].rule_name = r->name;
		refs[k].priority = r->priority;
		if (r->nsg != NULL)
			((struct net_nsg *)(uintptr_t)r->nsg)->used = true;
	}
	e->rules = refs;
	e->n_rules = seg->n_by;
	n->n_exp++;
	return 0;
}

/*
 * Turn evaluation segments into exposures, clipped to lo..hi.  A partial
 * segment is kept only for the ports no full segment covers.
 */
static int
emit(struct ov_network *n, struct scratch *s, const struct net_ipconf *ipc,
    const struct hop *h, unsigned proto, unsigned lo, unsigned hi)
{
	size_t i, j;
	int error;

	net_segs_clip(&s->out, lo, hi);
	for (i = 0; i < s->out.n; i++) {
		const struct net_seg *g = &s->out.v[i];
		unsigned a = g->lo, b = g->hi;

		if (g->full) {
			if ((error = push_exp(n, ipc, h, proto, g, a, b,
			    true)) < 0)
				return error;
			continue;
		}
		/* subtract full segments from [a, b] piece by piece */
		while (a <= b) {
			unsigned end = b;
			bool covered = false;

			for (j = 0; j < s->out.n; j++) {
				const struct net_seg *f = &s->out.v[j];

				if (!f->full || f->hi < a || f->lo > b)
					continue;
				if (f->lo <= a) {
					covered = true;
					end = f->hi < b ? f->hi : b;
					break;
				}
				if (f->lo - 1u < end)
					end = f->lo - 1u;
			}
			if (!covered && (error = push_exp(n, ipc, h, proto, g,
			    a, end, false)) < 0)
				return error;
			if (end >= 65535)
				break;
			a = end + 1;
		}
	}
	return 0;
}

/* ---- public IP on the NIC ---- */

static int
paths_public_ip(struct ov_network *n, struct scratch *s)
{
	struct net_topo *t = &n->topo;
	struct net_endpoint inet;
	size_t i;
	unsigned p;
	int error;

	memset(&inet, 0, sizeof(inet));
	inet.kind = NET_EP_INTERNET;
	for (i = 0; i < t->n_ipcs; i++) {
		const struct net_ipconf *ipc = t->ipcs[i];
		struct hop h;

		if (ipc->pip_id == NULL)
			continue;
		/* AZP: public-ip-addresses#sku: Standard SKU is secure by
		 * default: without an NSG, inbound traffic is dropped. */
		if (ipc->pip_standard && ipc_unprotected(ipc) &&
		    !ipc_indeterminate(ipc))
			continue;
		memset(&h, 0, sizeof(h));
		h.path = OV_NET_PATH_PUBLIC_IP;
		h.via_id = ipc->pip_id;
		h.frontend = ipc->pip_addr;
		h.nsg_sees_client = true;
		for (p = NET_P_TCP; p <= NET_P_UDP; p <<= 1) {
			if ((error = eval_in(s, ipc, &inet, p)) < 0 ||
			    (error = emit(n, s, ipc, &h, p, 0, 65535)) < 0)
				return error;
		}
	}
	return 0;
}

/* ---- load balancers ---- */

static const ov_json *
find_by_id(const ov_json *arr, const char *id)
{
	size_t i;

	if (id == NULL)
		return NULL;
	for (i = 0; i < ov_json_len(arr); i++) {
		const ov_json *x = ov_json_at(arr, i);
		const char *xid = ov_json_string(ov_json_get(x, "id"));

		if (xid != NULL && ov__streq_ci(xid, id))
			return x;
	}
	return NULL;
}

/* The public address of an LB or gateway frontend, or NULL if private. */
static const char *
frontend_public(struct ov_network *n, const ov_json *fe, bool *is_public)
{
	const char *pip = ref(props(fe), "publicIPAddress");
	const struct ov_record *pr;

	*is_public = pip != NULL || ref(props(fe), "publicIPPrefix") != NULL;
	if (pip == NULL)
		return NULL;
	pr = ov_model__by_id(n->topo.snap, pip);
	if (pr != NULL && ov_model__str(pr, "properties.ipAddress") != NULL)
		return ov_model__str(pr, "properties.ipAddress");
	return pip;
}

static unsigned
proto_mask(const char *s)
{
	unsigned m = net_proto_parse(s);

	return m & (NET_P_TCP | NET_P_UDP);
}

/* Apply fn to every ipconfig in a pool or NAT target. */
static int
for_members(struct ov_network *n, struct scratch *s, const ov_json *pool,
    const char *key_id, const struct net_ipconf *extra, const struct hop *h,
    unsigned protos, unsigned lo, unsigned hi, bool lb_standard)
{
	struct net_topo *t = &n->topo;
	struct net_endpoint inet;
	const struct ov_group *g = key_id != NULL ?
	    ov__groups_get(&t->ipc_by_pool, key_id, strlen(key_id)) : NULL;
	size_t i;
	const struct net_ipconf *ipc;
	const ov_json *arr;
	unsigned p;
	int error = 0;

	memset(&inet, 0, sizeof(inet));
	inet.kind = NET_EP_INTERNET;
	members_clear(s);
	if (extra != NULL && (error = member_add(s, t, extra)) < 0)
		goto done;
	/* members named from the NIC side, then from the pool side */
	for (i = 0; g != NULL && i < g->len; i++)
		if ((error = member_add(s, t, g->items[i])) < 0)
			goto done;
	arr = ov_json_get(props(pool), "backendIPConfigurations");
	for (i = 0; i < ov_json_len(arr); i++) {
		const char *id = ov_json_string(ov_json_get(ov_json_at(arr, i),
		    "id"));

		if (id != NULL && (ipc = ov__map_get(&t->ipc_by_id, id,
		    strlen(id))) != NULL && (error = member_add(s, t, ipc)) < 0)
			goto done;
	}
	arr = ov_json_get(props(pool), "loadBalancerBackendAddresses");
	for (i = 0; i < ov_json_len(arr); i++) {
		const ov_json *bp = props(ov_json_at(arr, i));
		const char *id = ref(bp, "networkInterfaceIPConfiguration");
		const char *ip = ov_json_string(ov_json_get(bp, "ipAddress"));

		ipc = NULL;
		if (id != NULL)
			ipc = ov__map_get(&t->ipc_by_id, id, strlen(id));
		if (ipc == NULL && ip != NULL)
			ipc = ov__map_get(&t->ipc_by_addr, ip, strlen(ip));
		if (ipc != NULL && (error = member_add(s, t, ipc)) < 0)
			goto done;
	}
	for (i = 0; i < s->mn; i++) {
		ipc = s->mv[i];
		if (lb_standard && ipc_unprotected(ipc) &&
		    !ipc_indeterminate(ipc))
			continue;
		for (p = NET_P_TCP; p <= NET_P_UDP; p <<= 1) {
			if ((protos & p) == 0)
				continue;
			if ((error = eval_in(s, ipc, &inet, p)) < 0 ||
			    (error = emit(n, s, ipc, h, p, lo, hi)) < 0)
				goto done;
		}
	}
done:
	members_clear(s);
	return error;
}

static int
paths_lb_one(struct ov_network *n, struct scratch *s,
    const struct ov_record *lb)
{
	const ov_json *p = props(lb->body);
	const ov_json *fes = ov_json_get(p, "frontendIPConfigurations");
	const ov_json *pools = ov_json_get(p, "backendAddressPools");
	const ov_json *arr;
	const char *sku = ov_model__str(lb, "sku.name");
	bool standard = sku != NULL && ov__streq_ci(sku, "Standard");
	size_t i;
	int error;

	arr = ov_json_get(p, "loadBalancingRules");
	for (i = 0; i < ov_json_len(arr); i++) {
		const ov_json *rj = ov_json_at(arr, i), *rp = props(rj);
		const ov_json *fe = find_by_id(fes, ref(rp,
		    "frontendIPConfiguration"));
		const char *addr, *pool_id = ref(rp, "backendAddressPool");
		const ov_json *pool_ids = ov_json_get(rp, "backendAddressPools");
		unsigned fport = jport(rp, "frontendPort");
		unsigned bport = jport(rp, "backendPort");
		unsigned protos = proto_mask(ov_json_string(ov_json_get(rp,
		    "protocol")));
		bool pub;
		struct hop h;
		size_t k;

		if (fe == NULL)
			fe = ov_json_at(fes, 0);
		addr = frontend_public(n, fe, &pub);
		if (!pub)
			continue;
		memset(&h, 0, sizeof(h));
		h.path = OV_NET_PATH_LB_RULE;
		h.via_id = lb->id;
		h.via_rule = ov_json_string(ov_json_get(rj, "name"));
		h.nsg_sees_client = true;
		h.frontend = ov__arena_printf(&n->arena, "%s:%u",
		    addr != NULL ? addr : "public", fport);
		for (k = 0; k <= ov_json_len(pool_ids); k++) {
			const char *pid = k == 0 ? pool_id :
			    ov_json_string(ov_json_get(ov_json_at(pool_ids,
			    k - 1), "id"));
			/* HA ports rule (port 0): every port */
			unsigned lo = fport == 0 && bport == 0 ? 0 : bport;
			unsigned hi = fport == 0 && bport == 0 ? 65535 : bport;

			if (pid == NULL)
				continue;
			if ((error = for_members(n, s, find_by_id(pools, pid),
			    pid, NULL, &h, protos, lo, hi, standard)) < 0)
				return error;
		}
	}
	arr = ov_json_get(p, "inboundNatRules");
	for (i = 0; i < ov_json_len(arr); i++) {
		const ov_json *rj = ov_json_at(arr, i), *rp = props(rj);
		const ov_json *fe = find_by_id(fes, ref(rp,
		    "frontendIPConfiguration"));
		const char *addr, *rid = ov_json_string(ov_json_get(rj, "id"));
		const char *bipc = ref(rp, "backendIPConfiguration");
		const char *pool_id = ref(rp, "backendAddressPool");
		unsigned bport = jport(rp, "backendPort");
		unsigned fport = jport(rp, "frontendPort");
		unsigned protos = proto_mask(ov_json_string(ov_json_get(rp,
		    "protocol")));
		bool pub;
		struct hop h;

		if (fe == NULL)
			fe = ov_json_at(fes, 0);
		addr = frontend_public(n, fe, &pub);
		if (!pub)
			continue;
		memset(&h, 0, sizeof(h));
		h.path = OV_NET_PATH_LB_NAT;
		h.via_id = lb->id;
		h.via_rule = ov_json_string(ov_json_get(rj, "name"));
		h.nsg_sees_client = true;
		if (fport == 0 && jport(rp, "frontendPortRangeStart") != 0)
			h.frontend = ov__arena_printf(&n->arena, "%s:%u-%u",
			    addr != NULL ? addr : "public",
			    jport(rp, "frontendPortRangeStart"),
			    jport(rp, "frontendPortRangeEnd"));
		else
			h.frontend = ov__arena_printf(&n->arena, "%s:%u",
			    addr != NULL ? addr : "public", fport);
		/* v1: one ipconfig, named by the rule or by the NIC */
		if ((error = for_members(n, s, NULL, rid, bipc == NULL ? NULL :
		    ov__map_get(&n->topo.ipc_by_id, bipc, strlen(bipc)), &h,
		    protos, bport, bport, standard)) < 0)
			return error;
		/* v2: a backend pool */
		if (pool_id != NULL && (error = for_members(n, s,
		    find_by_id(pools, pool_id), pool_id, NULL, &h, protos, bport,
		    bport, standard)) < 0)
			return error;
	}
	arr = ov_json_get(p, "inboundNatPools");
	for (i = 0; i < ov_json_len(arr); i++) {
		const ov_json *rj = ov_json_at(arr, i), *rp = props(rj);
		const ov_json *fe = find_by_id(fes, ref(rp,
		    "frontendIPConfiguration"));
		const char *addr, *rid = ov_json_string(ov_json_get(rj, "id"));
		unsigned bport = jport(rp, "backendPort");
		unsigned protos = proto_mask(ov_json_string(ov_json_get(rp,
		    "protocol")));
		bool pub;
		struct hop h;

		if (fe == NULL)
			fe = ov_json_at(fes, 0);
		addr = frontend_public(n, fe, &pub);
		if (!pub || rid == NULL)
			continue;
		memset(&h, 0, sizeof(h));
		h.path = OV_NET_PATH_LB_NAT;
		h.via_id = lb->id;
		h.via_rule = ov_json_string(ov_json_get(rj, "name"));
		h.nsg_sees_client = true;
		h.frontend = ov__arena_printf(&n->arena, "%s:%u-%u",
		    addr != NULL ? addr : "public",
		    jport(rp, "frontendPortRangeStart"),
		    jport(rp, "frontendPortRangeEnd"));
		if ((error = for_members(n, s, NULL, rid, NULL, &h, protos,
		    bport, bport, standard)) < 0)
			return error;
	}
	return 0;
}

/* ---- application gateways ---- */

/*
 * True when a WAF in Prevention mode fronts the gateway: a WAF policy (its
 * policySettings when collected) or the inline WAF configuration.  A WAF in
 * Detection mode only logs, so it does not count.
 * AZP: web-application-firewall/ag/ag-overview#waf-modes
 */
static bool
agw_waf(const struct ov_network *n, const struct ov_record *g)
{
	const char *tier = ov_model__str(g, "properties.sku.tier");
	const char *pid = ov_model__str(g, "properties.firewallPolicy.id");
	const ov_json *wc = ov_model__field(g,
	    "properties.webApplicationFirewallConfiguration");
	const char *mode;

	if (pid != NULL) {
		const struct ov_record *pol = ov_model__by_id(n->topo.snap, pid);
		const char *state;

		if (pol == NULL)
			return true;	/* policy not collected: assume it */
		state = ov_model__str(pol, "properties.policySettings.state");
		mode = ov_model__str(pol, "properties.policySettings.mode");
		return (state == NULL || ov__streq_ci(state, "Enabled")) &&
		    (mode == NULL || ov__streq_ci(mode, "Prevention"));
	}
	if (wc != NULL) {
		mode = ov_json_string(ov_json_get(wc, "firewallMode"));
		return ov_json_is_true(ov_json_get(wc, "enabled")) &&
		    (mode == NULL || ov__streq_ci(mode, "Prevention"));
	}
	return tier != NULL && (ov__streq_ci(tier, "WAF") ||
	    ov__streq_ci(tier, "WAF_v2"));
}

/* The source endpoint a gateway or firewall presents to the backend. */
static void
proxy_ep(struct net_topo *t, const char *subnet_id, const char *ip,
    const struct net_ipconf *target, struct net_endpoint *ep, bool *reach)
{
	struct net_subnet *sn = net_topo_subnet(t, subnet_id, false);
	struct net_vnet *pv = NULL;
	size_t i;

	memset(ep, 0, sizeof(*ep));
	ep->kind = NET_EP_ADDR;
	ep->v6 = target->v6;
	if (sn != NULL) {
		pv = sn->vnet;
		for (i = 0; i < sn->n_prefix; i++)
			if (sn->prefix[i].v6 == target->v6) {
				ep->subnet = sn->prefix[i];
				ep->has_subnet = true;
				break;
			}
	} else if (subnet_id != NULL) {
		char *vid = ov__arena_strdup(&t->arena, subnet_id);
		char *cut = vid != NULL ? strstr(vid, "/subnets/") : NULL;

		if (cut == NULL && vid != NULL)
			cut = strstr(vid, "/SUBNETS/");
		if (cut != NULL) {
			*cut = '\0';
			pv = net_topo_vnet(t, vid, false);
		}
	}
	if (ip != NULL) {
		bool v6;

		ep->has_addr = net_addr_parse(&ep->addr, &v6, ip,
		    strlen(ip)) == 0 && v6 == target->v6;
	}
	*reach = pv == NULL || target->subnet == NULL ||
	    target->subnet->vnet == NULL ||
	    net_vnets_reach(pv, target->subnet->vnet);
	ep->in_vnet = *reach;
}

static int
eval_proxied(struct ov_network *n, struct scratch *s,
    const struct net_ipconf *ipc, const char *subnet_id, const char *ip,
    const struct hop *h, unsigned protos, unsigned lo, unsigned hi)
{
	struct net_endpoint src;
	bool reach;
	unsigned p;
	int error;

	proxy_ep(&n->topo, subnet_id, ip, ipc, &src, &reach);
	if (!reach)
		return 0;	/* no route from the proxy to the backend */
	for (p = NET_P_TCP; p <= NET_P_UDP; p <<= 1) {
		if ((protos & p) == 0)
			continue;
		if ((error = eval_in(s, ipc, &src, p)) < 0)
			return error;
		/* the internet question was answered by the proxy */
		{
			size_t i;

			for (i = 0; i < s->out.n; i++)
				s->out.v[i].full = true;
		}
		if ((error = emit(n, s, ipc, h, p, lo, hi)) < 0)
			return error;
	}
	return 0;
}

static int
agw_pool_members(struct ov_network *n, struct scratch *s,
    const struct ov_record *g, const ov_json *pool, const char *subnet_id,
    const struct hop *h, unsigned port)
{
	struct net_topo *t = &n->topo;
	const char *pid = ov_json_string(ov_json_get(pool, "id"));
	const struct net_ipconf *ipc;
	const struct ov_group *members = pid != NULL ?
	    ov__groups_get(&t->ipc_by_pool, pid, strlen(pid)) : NULL;
	size_t i;
	const ov_json *arr;
	int error = 0;

	(void)g;
	members_clear(s);
	for (i = 0; members != NULL && i < members->len; i++)
		if ((error = member_add(s, t, members->items[i])) < 0)
			goto done;
	arr = ov_json_get(props(pool), "backendAddresses");
	for (i = 0; i < ov_json_len(arr); i++) {
		const ov_json *x = ov_json_at(arr, i);
		const char *ip = ov_json_string(x) != NULL ? ov_json_string(x) :
		    ov_json_string(ov_json_get(x, "ipAddress"));

		if (ip != NULL && (ipc = ov__map_get(&t->ipc_by_addr, ip,
		    strlen(ip))) != NULL && (error = member_add(s, t, ipc)) < 0)
			goto done;
	}
	arr = ov_json_get(props(pool), "backendIPConfigurations");
	for (i = 0; i < ov_json_len(arr); i++) {
		const char *id = ov_json_string(ov_json_get(ov_json_at(arr, i),
		    "id"));

		if (id != NULL && (ipc = ov__map_get(&t->ipc_by_id, id,
		    strlen(id))) != NULL && (error = member_add(s, t, ipc)) < 0)
			goto done;
	}
	for (i = 0; i < s->mn; i++)
		if ((error = eval_proxied(n, s, s->mv[i], subnet_id, NULL, h,
		    NET_P_TCP, port, port)) < 0)
			goto done;
done:
	members_clear(s);
	return error;
}

/*
 * One route of a gateway rule: the pool pool_id reached on the port of
 * the HTTP settings set_id (80 when they name none).
 */
static int
agw_route(struct ov_network *n, struct scratch *s, const struct ov_record *g,
    const ov_json *pools, const ov_json *settings, const char *subnet_id,
    const struct hop *h, const char *pool_id, const char *set_id)
{
	const ov_json *pool = find_by_id(pools, pool_id);
	unsigned port = jport(props(find_by_id(settings, set_id)), "port");

	if (pool == NULL)
		return 0;
	return agw_pool_members(n, s, g, pool, subnet_id, h,
	    port != 0 ? port : 80);
}

static int
paths_agw_one(struct ov_network *n, struct scratch *s,
    const struct ov_record *g)
{
	const ov_json *p = props(g->body);
	const ov_json *fes = ov_json_get(p, "frontendIPConfigurations");
	const ov_json *fports = ov_json_get(p, "frontendPorts");
	const ov_json *listeners = ov_json_get(p, "httpListeners");
	const ov_json *pools = ov_json_get(p, "backendAddressPools");
	const ov_json *settings = ov_json_get(p,
	    "backendHttpSettingsCollection");
	const ov_json *maps = ov_json_get(p, "urlPathMaps");
	const ov_json *rules = ov_json_get(p, "requestRoutingRules");
	const char *subnet_id = ref(props(ov_json_at(ov_json_get(p,
	    "gatewayIPConfigurations"), 0)), "subnet");
	bool waf = agw_waf(n, g);
	size_t i, k;
	int error;

	for (i = 0; i < ov_json_len(rules); i++) {
		const ov_json *rp = props(ov_json_at(rules, i));
		const ov_json *l = find_by_id(listeners, ref(rp, "httpListener"));
		const ov_json *fe, *fp, *um;
		const char *addr;
		bool pub;
		struct hop h;

		if (l == NULL)
			continue;
		fe = find_by_id(fes, ref(props(l), "frontendIPConfiguration"));
		fp = find_by_id(fports, ref(props(l), "frontendPort"));
		addr = frontend_public(n, fe, &pub);
		if (fe == NULL || !pub)
			continue;
		memset(&h, 0, sizeof(h));
		h.path = OV_NET_PATH_APPGW;
		h.via_id = g->id;
		h.via_rule = ov_json_string(ov_json_get(ov_json_at(rules, i),
		    "name"));
		h.any_source = true;
		h.source = "Internet";
		h.waf = waf;
		h.frontend = ov__arena_printf(&n->arena, "%s:%u",
		    addr != NULL ? addr : "public", jport(props(fp), "port"));
		if ((error = agw_route(n, s, g, pools, settings, subnet_id,
		    &h, ref(rp, "backendAddressPool"),
		    ref(rp, "backendHttpSettings"))) < 0)
			return error;
		um = find_by_id(maps, ref(rp, "urlPathMap"));
		if (um != NULL) {
			const ov_json *up = props(um);
			const ov_json *prs = ov_json_get(up, "pathRules");

			if ((error = agw_route(n, s, g, pools, settings,
			    subnet_id, &h, ref(up, "defaultBackendAddressPool"),
			    ref(up, "defaultBackendHttpSettings"))) < 0)
				return error;
			for (k = 0; k < ov_json_len(prs); k++) {
				const ov_json *pr = props(ov_json_at(prs, k));

				if ((error = agw_route(n, s, g, pools,
				    settings, subnet_id, &h,
				    ref(pr, "backendAddressPool"),
				    ref(pr, "backendHttpSettings"))) < 0)
					return error;
			}
		}
	}
	return 0;
}

/* ---- Azure Firewall DNAT ---- */

static bool
any_internet(const ov_json *srcs, const char **restricted)
{
	size_t i;
	struct net_endpoint inet;

	memset(&inet, 0, sizeof(inet));
	inet.kind = NET_EP_INTERNET;
	*restricted = NULL;
	if (ov_json_len(srcs) == 0)
		return true;
	for (i = 0; i < ov_json_len(srcs); i++) {
		const char *w = ov_json_string(ov_json_at(srcs, i));
		struct net_item it;
		struct net_aspec sp;

		if (w == NULL)
			continue;
		memset(&it, 0, sizeof(it));
		if (strcmp(w, "*") == 0 || ov__streq_ci(w, "Internet") ||
		    ov__streq_ci(w, "Any"))
			return true;
		if (net_range_parse(&it.r, w, strlen(w)) == 0) {
			it.kind = NET_I_RANGE;
			sp.v = &it;
			sp.n = 1;
			if (net_aspec_match(&sp, &inet) == NET_M_FULL)
				return true;
			if (net_aspec_match(&sp, &inet) == NET_M_PARTIAL &&
			    *restricted == NULL)
				*restricted = w;
		}
	}
	return false;
}

static int
dnat_rule(struct ov_network *n, struct scratch *s, const ov_json *r,
    const struct ov_record *fw, const char *fw_subnet, const char *fw_ip,
    const char *coll)
{
	const ov_json *srcs = ov_json_get(r, "sourceAddresses");
	const ov_json *protos = ov_json_get(r, "protocols");
	const ov_json *dports = ov_json_get(r, "destinationPorts");
	const ov_json *daddrs = ov_json_get(r, "destinationAddresses");
	const char *to = ov_json_string(ov_json_get(r, "translatedAddress"));
	unsigned tport = jport(r, "translatedPort");
	const char *restricted;
	const struct net_ipconf *ipc;
	unsigned pm = 0;
	size_t i;
	struct hop h;

	if (protos == NULL)
		protos = ov_json_get(r, "ipProtocols");
	for (i = 0; i < ov_json_len(protos); i++)
		pm |= proto_mask(ov_json_string(ov_json_at(protos, i)));
	if (pm == 0)
		pm = NET_P_TCP;
	if (to == NULL || (ipc = ov__map_get(&n->topo.ipc_by_addr, to,
	    strlen(to))) == NULL)
		return 0;
	if (tport == 0) {
		/* no translated port: the destination port carries through */
		struct net_prange *buf = NULL;
		size_t nb = 0, cap = 0;

		for (i = 0; i < ov_json_len(dports); i++) {
			const char *w = ov_json_string(ov_json_at(dports, i));

			if (w != NULL)
				(void)net_ports_parse_item(&n->arena, &buf, &nb,
				    &cap, w, strlen(w));
		}
		if (nb == 0)
			return 0;
		tport = buf[0].lo;
	}
	memset(&h, 0, sizeof(h));
	h.path = OV_NET_PATH_FW_DNAT;
	h.via_id = fw->id;
	h.via_rule = ov__arena_printf(&n->arena, "%s/%s", coll != NULL ? coll :
	    "nat", ov_json_string(ov_json_get(r, "name")) != NULL ?
	    ov_json_string(ov_json_get(r, "name")) : "rule");
	h.any_source = any_internet(srcs, &restricted);
	h.source = h.any_source ? "Internet" : restricted;
	if (!h.any_source && restricted == NULL)
		return 0;	/* private sources only: not an internet path */
	h.frontend = ov__arena_printf(&n->arena, "%s:%s",
	    ov_json_string(ov_json_at(daddrs, 0)) != NULL ?
	    ov_json_string(ov_json_at(daddrs, 0)) : "public",
	    ov_json_string(ov_json_at(dports, 0)) != NULL ?
	    ov_json_string(ov_json_at(dports, 0)) : "*");
	return eval_proxied(n, s, ipc, fw_subnet, fw_ip, &h, pm, tport, tport);
}

static int
paths_fw_one(struct ov_network *n, struct scratch *s,
    const struct ov_record *fw)
{
	const ov_json *p = props(fw->body);
	const ov_json *ipc0 = props(ov_json_at(ov_json_get(p,
	    "ipConfigurations"), 0));
	const char *fw_subnet = ref(ipc0, "subnet");
	const char *fw_ip = ov_json_string(ov_json_get(ipc0,
	    "privateIPAddress"));
	const ov_json *colls = ov_json_get(p, "natRuleCollections");
	const char *policy = ref(p, "firewallPolicy");
	size_t i, j, k;
	int error;

	for (i = 0; i < ov_json_len(colls); i++) {
		const ov_json *c = ov_json_at(colls, i), *cp = props(c);
		const ov_json *rules = ov_json_get(cp, "rules");

		for (j = 0; j < ov_json_len(rules); j++)
			if ((error = dnat_rule(n, s, ov_json_at(rules, j), fw,
			    fw_subnet, fw_ip, ov_json_string(ov_json_get(c,
			    "name")))) < 0)
				return error;
	}
	if (policy != NULL) {
		/* the rule collection groups below the policy */
		const struct ov_record_list *l = ov_model__children_of(
		    n->topo.snap, policy, T_RCG);

		for (i = 0; i < l->len; i++) {
			const struct ov_record *g = l->items[i];
			const ov_json *rcs;

			if (!ov__streq_ci(g->type, T_RCG))
				continue;
			rcs = ov_model__field(g, "properties.ruleCollections");
			for (j = 0; j < ov_json_len(rcs); j++) {
				const ov_json *rc = ov_json_at(rcs, j);
				const char *ty = ov_json_string(ov_json_get(
				    rc, "ruleCollectionType"));
				const ov_json *rules = ov_json_get(rc, "rules");

				if (ty == NULL || !ov__streq_ci(ty,
				    "FirewallPolicyNatRuleCollection"))
					continue;
				for (k = 0; k < ov_json_len(rules); k++)
					if ((error = dnat_rule(n, s,
					    ov_json_at(rules, k), fw, fw_subnet,
					    fw_ip, ov_json_string(ov_json_get(rc,
					    "name")))) < 0)
						return error;
			}
		}
	}
	return 0;
}

static int
cmp_exp(const void *pa, const void *pb)
{
	const ov_network_exposure *a = pa, *b = pb;
	int c;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((c = ov__strcmp_ci(a->resource_id, b->resource_id)) != 0)
		return c;
	if (a->path != b->path)
		return a->path < b->path ? -1 : 1;
	if ((c = ov__strcmp_ci(a->via_id != NULL ? a->via_id : "",
	    b->via_id != NULL ? b->via_id : "")) != 0)
		return c;
	if ((c = strcmp(a->via_rule != NULL ? a->via_rule : "",
	    b->via_rule != NULL ? b->via_rule : "")) != 0)
		return c;
	if ((c = strcmp(a->protocol, b->protocol)) != 0)
		return c;
	if (a->port_lo != b->port_lo)
		return a->port_lo < b->port_lo ? -1 : 1;
	if ((c = strcmp(a->ipconfig != NULL ? a->ipconfig : "",
	    b->ipconfig != NULL ? b->ipconfig : "")) != 0)
		return c;
	return (a->any_source < b->any_source) - (a->any_source > b->any_source);
}

/* Compute every internet exposure path. */
int
net_exposure_compute(struct ov_network *n)
{
	struct scratch s;
	const struct ov_record_list *l;
	size_t i;
	int error;

	memset(&s, 0, sizeof(s));
	if ((error = paths_public_ip(n, &s)) < 0)
		goto done;
	l = ov_model__by_type(n->topo.snap, T_LB);
	for (i = 0; i < l->len; i++)
		if ((error = paths_lb_one(n, &s, l->items[i])) < 0)
			goto done;
	l = ov_model__by_type(n->topo.snap, T_AGW);
	for (i = 0; i < l->len; i++)
		if ((error = paths_agw_one(n, &s, l->items[i])) < 0)
			goto done;
	l = ov_model__by_type(n->topo.snap, T_FW);
	for (i = 0; i < l->len; i++)
		if ((error = paths_fw_one(n, &s, l->items[i])) < 0)
			goto done;
	if (n->n_exp > 1)
		qsort(n->exp, n->n_exp, sizeof(*n->exp), cmp_exp);
	if (n->n_exp > 0 && n->n_exp < n->exp_cap) {
		/* give back the growth slack */
		ov_network_exposure *nv = ov__reallocarray(n->exp, n->n_exp,
		    sizeof(*nv));

		if (nv != NULL) {
			n->exp = nv;
			n->exp_cap = n->n_exp;
		}
	}
	error = 0;
done:
	net_segs_free(&s.a);
	net_segs_free(&s.b);
	net_segs_free(&s.c);
	net_segs_free(&s.out);
	ov__free(s.mv);
	ov__free(s.mark);
	return error;
}
