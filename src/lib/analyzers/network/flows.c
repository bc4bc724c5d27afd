/* SPDX-License-Identifier: MIT */
/*
 * Segmentation: allowed flows between zones.  IP configurations are
 * grouped into classes that NSGs cannot tell apart (same subnet, NIC NSG,
 * ASG set and zone); for every pair of classes in different zones whose
 * VNets can reach each other (same VNet or Connected peering both ways),
 * traffic must pass the source NIC NSG and subnet NSG outbound, then the
 * destination subnet NSG and NIC NSG inbound
 * (AZP: network-security-group-how-it-works).  The address of the first
 * member stands for its class.
 */
#include "lib/analyzers/network/net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#define NET_DEFAULT_FLOW_PAIRS 250000

struct cls {
	const struct net_ipconf *rep;	/* representative */
	size_t		 n;		/* members */
};

static const char *
zname(const struct net_ipconf *ipc)
{
	return ipc->zone != NULL ? ipc->zone : "(none)";
}

/*
 * The key of an IP configuration's class in b: everything NSGs could
 * tell two configurations apart by.  NULL when memory runs out.
 */
static const char *
class_key(struct ov_buf *b, const struct net_ipconf *p)
{
	size_t i, j, mark;
	int error;

	ov__buf_clear(b);
	error = ov__buf_printf(b, "%p|%p|%d|%zu|%s", (const void *)p->subnet,
	    (const void *)p->nic_nsg, (int)p->v6, strlen(zname(p)),
	    zname(p));
	for (i = 0; i < p->n_asgs && error == 0; i++) {
		mark = b->len;
		error = ov__buf_printf(b, "|%zu|%s", strlen(p->asgs[i]),
		    p->asgs[i]);
		for (j = mark; error == 0 && j < b->len; j++)
			if (b->ptr[j] >= 'A' && b->ptr[j] <= 'Z')
				b->ptr[j] = (char)(b->ptr[j] + ('a' - 'A'));
	}
	return error == 0 ? ov__buf_cstr(b) : NULL;
}

static bool
is_prod(const char *z)
{
	return ov__streq_ci(z, "prod") || ov__streq_ci(z, "production") ||
	    ov__streq_ci(z, "prd") || ov__streq_ci(z, "live");
}

static bool
is_nonprod(const char *z)
{
	static const char *const w[] = { "dev", "development", "test",
	    "testing", "qa", "uat", "staging", "stage", "nonprod",
	    "non-prod", "sandbox", "sbx", "lab" };
	size_t i;

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (ov__streq_ci(z, w[i]))
			return true;
	return false;
}

/*
 * 0: allowed; 1: forbidden on every port; 2: forbidden on management and
 * database ports only (the default dev/test -> prod rule).
 */
static int
forbidden(const struct ov_network *n, const char *from, const char *to)
{
	size_t i;

	for (i = 0; i < n->opts.n_forbid; i++) {
		const char *f = n->opts.forbid[i], *c = strchr(f, ':');

		if (c == NULL)
			continue;
		if (ov__eq_ci(f, (size_t)(c - f), from, strlen(from)) &&
		    ov__streq_ci(c + 1, to))
			return 1;
	}
	if (!n->opts.no_default_forbid && is_nonprod(from) && is_prod(to))
		return 2;
	return 0;
}

static int
add_flow(struct ov_network *n, struct ov_map *idx, const char *from,
    const char *to, unsigned proto, const struct net_seg *g, size_t pairs,
    const struct net_ipconf *a, const struct net_ipconf *b, int forb)
{
	ov_network_flow *f;
	size_t i;
	const struct net_rule *r = NULL;
	struct ov_buf key = OV_BUF_INIT(OV_BUF_MAX_DEFAULT);
	const char *k;
	void *hit;

	for (i = g->n_by; i > 0; i--)
		if (g->by[i - 1] != NULL) {
			r = g->by[i - 1];
			break;
		}
	/* one flow per zone pair (as spelled), destination subnet,
	 * protocol and port range; the first source subnet seen stands for
	 * the others */
	if (ov__buf_printf(&key, "%p|%u|%u|%u|%zu|%s|%s",
	    (const void *)b->subnet, proto, (unsigned)g->lo, (unsigned)g->hi,
	    strlen(from), from, to) < 0) {
		ov__buf_free(&key);
		return ov__error_oom(n->ctx);
	}
	hit = ov__map_get(idx, ov__buf_cstr(&key), key.len);
	if (hit != NULL) {
		ov__buf_free(&key);
		n->flows[(uintptr_t)hit - 1].n_pairs += pairs;
		return 0;
	}
	if (n->n_flows == n->flows_cap) {
		size_t nc = n->flows_cap == 0 ? 32 : n->flows_cap * 2;
		ov_network_flow *nv = ov__reallocarray(n->flows, nc,
		    sizeof(*nv));

		if (nv == NULL) {
			ov__buf_free(&key);
			return ov__error_oom(n->ctx);
		}
		n->flows = nv;
		n->flows_cap = nc;
	}
	k = ov__arena_strndup(&n->arena, ov__buf_cstr(&key), key.len);
	ov__buf_free(&key);
	if (k == NULL || ov__map_put(idx, k, strlen(k),
	    (void *)(uintptr_t)(n->n_flows + 1)) < 0)
		return ov__error_oom(n->ctx);
	f = &n->flows[n->n_flows++];
	memset(f, 0, sizeof(*f));
	f->from_zone = from;
	f->to_zone = to;
	f->protocol = net_proto_name(proto);
	f->port_lo = g->lo;
	f->port_hi = g->hi;
	f->n_pairs = pairs;
	f->example_src = a->workload_id;
	f->example_dst = b->workload_id;
	f->from_subnet = a->subnet->id;
	f->to_subnet = b->subnet->id;
	f->forbidden = forb == 1 || (forb == 2 &&
	    net_range_has_mgmt(g->lo, g->hi, NULL));
	if (r != NULL) {
		if ((f->rule_id = net_rule_id(&n->arena, r)) == NULL)
			return ov__error_oom(n->ctx);
		f->nsg_id = r->nsg != NULL ? r->nsg->id : NULL;
	}
	return 0;
}

static void
ep_of(const struct net_ipconf *x, const struct net_ipconf *other,
    struct net_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->kind = NET_EP_ADDR;
	ep->addr = x->addr;
	ep->has_addr = x->has_addr;
	ep->v6 = x->v6;
	if (!x->has_addr && x->subnet != NULL && x->subnet->n_prefix > 0) {
		ep->subnet = x->subnet->prefix[0];
		ep->has_subnet = true;
	}
	ep->asgs = x->asgs;
	ep->n_asgs = x->n_asgs;
	ep->in_vnet = x->subnet != NULL && other->subnet != NULL &&
	    net_vnets_reach(x->subnet->vnet, other->subnet->vnet);
}

static int
cmp_flow(const void *pa, const void *pb)
{
	const ov_network_flow *a = pa, *b = pb;
	int c;

	if ((c = strcmp(a->from_zone, b->from_zone)) != 0)
		return c;
	if ((c = strcmp(a->to_zone, b->to_zone)) != 0)
		return c;
	if ((c = ov__strcmp_ci(a->to_subnet, b->to_subnet)) != 0)
		return c;
	if ((c = ov__strcmp_ci(a->from_subnet, b->from_subnet)) != 0)
		return c;
	if ((c = strcmp(a->protocol, b->protocol)) != 0)
		return c;
	return (a->port_lo > b->port_lo) - (a->port_lo < b->port_lo);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Classes grouped by VNet, and each VNet's neighbours in both directions
 * (its peerings and the peerings naming it), so a class is only paired
 * with classes whose VNet might reach its own.
 */
struct vnet_index {
	size_t		*order;		/* class indices by VNet */
	size_t		*start;		/* n_vnets + 1 offsets into order */
	uint32_t	*rev;		/* VNets peering to each VNet */
	size_t		*rstart;	/* n_vnets + 1 offsets into rev */
	size_t		*stamp;		/* per VNet: last class that took it */
	uint32_t	*cand;		/* scratch: candidate VNets */
	size_t		*cc;		/* scratch: candidate classes */
};

static void
vx_free(struct vnet_index *x)
{
	ov__free(x->order);
	ov__free(x->start);
	ov__free(x->rev);
	ov__free(x->rstart);
	ov__free(x->stamp);
	ov__free(x->cand);
	ov__free(x->cc);
}

static int
index_by_vnet(struct ov_network *n, const struct cls *c, size_t n_c,
    struct vnet_index *x)
{
	const struct net_topo *t = &n->topo;
	size_t nv = t->n_vnets, i, k, n_rev = 0;

	for (i = 0; i < nv; i++)
		n_rev += t->vnets[i]->n_peers;
	x->order = ov__calloc(n_c + 1, sizeof(*x->order));
	x->start = ov__calloc(nv + 2, sizeof(*x->start));
	x->rev = ov__calloc(n_rev + 1, sizeof(*x->rev));
	x->rstart = ov__calloc(nv + 2, sizeof(*x->rstart));
	x->stamp = ov__calloc(nv + 1, sizeof(*x->stamp));
	x->cand = ov__calloc(nv + n_rev + 1, sizeof(*x->cand));
	x->cc = ov__calloc(n_c + 1, sizeof(*x->cc));
	if (x->cc == NULL || x->order == NULL || x->start == NULL || x->rev == NULL ||
	    x->rstart == NULL || x->stamp == NULL || x->cand == NULL)
		return ov__error_oom(n->ctx);
	/* counting sort of the classes by VNet index */
	for (i = 0; i < n_c; i++)
		if (c[i].rep->subnet != NULL && c[i].rep->subnet->vnet != NULL)
			x->start[c[i].rep->subnet->vnet->idx + 1]++;
	for (i = 0; i < nv; i++)
		x->start[i + 1] += x->start[i];
	for (i = 0; i < n_c; i++)
		if (c[i].rep->subnet != NULL && c[i].rep->subnet->vnet != NULL)
			x->order[x->start[c[i].rep->subnet->vnet->idx]++] = i;
	for (i = nv; i > 0; i--)
		x->start[i] = x->start[i - 1];
	x->start[0] = 0;
	/* reverse peerings, the same way */
	for (i = 0; i < nv; i++)
		for (k = 0; k < t->vnets[i]->n_peers; k++)
			x->rstart[t->vnets[i]->peers[k].remote->idx + 1]++;
	for (i = 0; i < nv; i++)
		x->rstart[i + 1] += x->rstart[i];
	for (i = 0; i < nv; i++)
		for (k = 0; k < t->vnets[i]->n_peers; k++)
			x->rev[x->rstart[t->vnets[i]->peers[k].remote->idx]++] =
			    (uint32_t)i;
	for (i = nv; i > 0; i--)
		x->rstart[i] = x->rstart[i - 1];
	x->rstart[0] = 0;
	return 0;
}

/* The VNets a class in v may reach: v, its peers, VNets peering to it. */
static void
vnet_candidates(struct vnet_index *x, const struct net_vnet *v, size_t tag,
    uint32_t *out, size_t *n_out)
{
	size_t k, n = 0;

	x->stamp[v->idx] = tag;
	out[n++] = v->idx;
	for (k = 0; k < v->n_peers; k++)
		if (x->stamp[v->peers[k].remote->idx] != tag) {
			x->stamp[v->peers[k].remote->idx] = tag;
			out[n++] = v->peers[k].remote->idx;
		}
	for (k = x->rstart[v->idx]; k < x->rstart[v->idx + 1]; k++)
		if (x->stamp[x->rev[k]] != tag) {
			x->stamp[x->rev[k]] = tag;
			out[n++] = x->rev[k];
		}
	*n_out = n;
}

/* Record the members of the classes a forbidden flow reaches. */
static int
note_forbidden(struct ov_network *n, const size_t *cls_of,
    const bool *forb_cls)
{
	struct net_topo *t = &n->topo;
	size_t i;

	for (i = 0; i < t->n_ipcs; i++) {
		if (!forb_cls[cls_of[i]])
			continue;
		if (n->n_forb == n->forb_cap) {
			size_t nc = n->forb_cap == 0 ? 16 : n->forb_cap * 2;
			struct net_forb *nv = ov__reallocarray(n->forb, nc,
			    sizeof(*nv));

			if (nv == NULL)
				return ov__error_oom(n->ctx);
			n->forb = nv;
			n->forb_cap = nc;
		}
		n->forb[n->n_forb].subnet_id = t->ipcs[i]->subnet->id;
		n->forb[n->n_forb++].ipc = t->ipcs[i];
	}
	return 0;
}

/* Compute the zone-to-zone flows. */
int
net_flows_compute(struct ov_network *n)
{
	struct net_topo *t = &n->topo;
	struct cls *c = NULL;
	size_t n_c = 0, i, j, *cls_of = NULL;
	bool *forb_cls = NULL;
	uint64_t budget = n->opts.max_flow_pairs != 0 ?
	    n->opts.max_flow_pairs : NET_DEFAULT_FLOW_PAIRS, used = 0;
	struct net_segs s1 = { 0 }, s2 = { 0 }, s3 = { 0 }, s4 = { 0 };
	struct net_segs x = { 0 }, y = { 0 }, z = { 0 };
	struct ov_map classes = OV_MAP_INIT_CS, fidx = OV_MAP_INIT_CS;
	struct ov_buf key = OV_BUF_INIT(OV_BUF_MAX_DEFAULT);
	struct vnet_index vx;
	int error = 0;

	memset(&vx, 0, sizeof(vx));

	c = ov__calloc(t->n_ipcs + 1, sizeof(*c));
	cls_of = ov__calloc(t->n_ipcs + 1, sizeof(*cls_of));
	forb_cls = ov__calloc(t->n_ipcs + 1, sizeof(*forb_cls));
	if (c == NULL || cls_of == NULL || forb_cls == NULL) {
		error = ov__error_oom(n->ctx);
		goto done;
	}
	for (i = 0; i < t->n_ipcs; i++) {
		const struct net_ipconf *p = t->ipcs[i];
		struct cls *hit;
		const char *k;

		/* one class per subnet, NIC NSG, family, zone (as spelled)
		 * and ASG set (ids compare case-insensitively) */
		if ((k = class_key(&key, p)) == NULL) {
			error = ov__error_oom(n->ctx);
			goto done;
		}
		hit = ov__map_get(&classes, k, key.len);
		if (hit == NULL) {
			hit = &c[n_c++];
			hit->rep = p;
			if ((k = ov__arena_strndup(&n->arena, k,
			    key.len)) == NULL ||
			    ov__map_put(&classes, k, strlen(k), hit) < 0) {
				error = ov__error_oom(n->ctx);
				goto done;
			}
		}
		hit->n++;
		cls_of[i] = (size_t)(hit - c);
	}
	/* the zone list */
	n->zones = ov__arena_calloc(&n->arena, n_c + 1, sizeof(*n->zones));
	if (n->zones == NULL) {
		error = ov__error_oom(n->ctx);
		goto done;
	}
	for (i = 0; i < n_c; i++) {
		for (j = 0; j < n->n_zones; j++)
			if (strcmp(n->zones[j], zname(c[i].rep)) == 0)
				break;
		if (j == n->n_zones)
			n->zones[n->n_zones++] = zname(c[i].rep);
	}
	qsort(n->zones, n->n_zones, sizeof(*n->zones), cmp_str);
	if ((error = index_by_vnet(n, c, n_c, &vx)) < 0)
		goto done;
	for (i = 0; i < n_c; i++) {
		size_t w, jj, n_w = 0, n_cc = 0;

		if (c[i].rep->subnet == NULL || c[i].rep->subnet->vnet == NULL)
			continue;
		/* only classes in VNets that can reach this one */
		vnet_candidates(&vx, c[i].rep->subnet->vnet, i + 1, vx.cand,
		    &n_w);
		for (w = 0; w < n_w; w++)
			for (jj = vx.start[vx.cand[w]];
			    jj < vx.start[vx.cand[w] + 1]; jj++)
				vx.cc[n_cc++] = vx.order[jj];
		for (jj = 0; jj < n_cc; jj++) {
			const struct net_ipconf *a, *b;
			const char *za, *zb;
			struct net_endpoint ea, eb;
			unsigned p;
			size_t k;
			int forb;

			j = vx.cc[jj];
			a = c[i].rep;
			b = c[j].rep;
			za = zname(a);
			zb = zname(b);
			if (i == j || strcmp(za, zb) == 0 || a->v6 != b->v6)
				continue;
			if (a->subnet == NULL || b->subnet == NULL ||
			    !net_vnets_reach(a->subnet->vnet, b->subnet->vnet))
				continue;
			if (++used > budget) {
				n->flows_truncated = true;
				goto sort;
			}
			forb = forbidden(n, za, zb);
			ep_of(a, b, &ea);
			ep_of(b, a, &eb);
			for (p = NET_P_TCP; p <= NET_P_UDP; p <<= 1) {
				if (net_eval_nsg(&s1, a->nic_nsg, NET_OUT, p,
				    &ea, &eb) < 0 ||
				    net_eval_nsg(&s2, a->subnet->nsg, NET_OUT, p,
				    &ea, &eb) < 0 ||
				    net_eval_nsg(&s3, b->subnet->nsg, NET_IN, p,
				    &eb, &ea) < 0 ||
				    net_eval_nsg(&s4, b->nic_nsg, NET_IN, p, &eb,
				    &ea) < 0 ||
				    net_segs_intersect(&x, &s1, &s2) < 0 ||
				    net_segs_intersect(&y, &x, &s3) < 0 ||
				    net_segs_intersect(&z, &y, &s4) < 0) {
					error = ov__error_oom(n->ctx);
					goto done;
				}
				for (k = 0; k < z.n; k++) {
					if ((error = add_flow(n, &fidx, za, zb,
					    p, &z.v[k], c[i].n * c[j].n, a, b,
					    forb)) < 0)
						goto done;
					if (forb == 1 || (forb == 2 &&
					    net_range_has_mgmt(z.v[k].lo,
					    z.v[k].hi, NULL)))
						forb_cls[j] = true;
				}
			}
		}
	}
sort:
	if ((error = note_forbidden(n, cls_of, forb_cls)) < 0)
		goto done;
	if (n->n_flows > 1)
		qsort(n->flows, n->n_flows, sizeof(*n->flows), cmp_flow);
done:
	net_segs_free(&s1);
	net_segs_free(&s2);
	net_segs_free(&s3);
	net_segs_free(&s4);
	net_segs_free(&x);
	net_segs_free(&y);
	net_segs_free(&z);
	ov__map_free(&classes);
	ov__map_free(&fidx);
	ov__buf_free(&key);
	ov__free(c);
	ov__free(cls_of);
	ov__free(forb_cls);
	vx_free(&vx);
	return error;
}
