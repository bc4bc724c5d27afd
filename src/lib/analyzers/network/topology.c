/* SPDX-License-Identifier: MIT */
/*
 * The network graph, built from records in their ARM shapes: NSGs (with
 * embedded or child security rules), VNets (embedded or child subnets and
 * peerings), NICs and their IP configurations, scale-set NIC templates,
 * public IPs and the VMs that own the NICs.  Associations are read from
 * both ends (a subnet names its NSG; a list call of NSGs names its subnets
 * and NICs), because list calls often leave one end out.
 */
#include "lib/analyzers/network/net.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/model/model.h"
#include "util/alloc.h"
#include "util/error.h"

#define T_NSG	"Microsoft.Network/networkSecurityGroups"
#define T_RULE	"Microsoft.Network/networkSecurityGroups/securityRules"
#define T_VNET	"Microsoft.Network/virtualNetworks"
#define T_SUBNET "Microsoft.Network/virtualNetworks/subnets"
#define T_PEER	"Microsoft.Network/virtualNetworks/virtualNetworkPeerings"
#define T_NIC	"Microsoft.Network/networkInterfaces"
#define T_PIP	"Microsoft.Network/publicIPAddresses"
#define T_VM	"Microsoft.Compute/virtualMachines"
#define T_VMSS	"Microsoft.Compute/virtualMachineScaleSets"

/* Maximum words gathered from one rule field (prefix or port lists). */
#define NET_MAX_WORDS 4096

/* Grow an arena-backed pointer array. */
static int
grow(struct ov_arena *a, void ***v, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		size_t nc = *cap == 0 ? 64 : *cap * 2;
		void **nv = ov__reallocarray(*v, nc, sizeof(*nv));

		(void)a;
		if (nv == NULL)
			return OV_ENOMEM;
		*v = nv;
		*cap = nc;
	}
	return 0;
}

/* Prepare an empty topology. */
int
net_topo_init(struct net_topo *t, ov_ctx *ctx)
{
	memset(t, 0, sizeof(*t));
	ov__arena_init(&t->arena, 1 << 20, 0);
	t->ctx = ctx;
	return 0;
}

/* Release a topology. */
void
net_topo_free(struct net_topo *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n_vnets; i++)
		ov__free(t->vnets[i]->peers);
	ov__free(t->nsgs);
	ov__free(t->vnets);
	ov__free(t->subnets);
	ov__free(t->ipcs);
	ov__free(t->bad);
	ov__map_free(&t->nsg_by_id);
	ov__map_free(&t->vnet_by_id);
	ov__map_free(&t->subnet_by_id);
	ov__map_free(&t->ipc_by_id);
	ov__groups_free(&t->ipc_by_pool);
	ov__map_free(&t->ipc_by_addr);
	ov__arena_free(&t->arena);
}

/* Register an NSG. */
int
net_topo_add_nsg(struct net_topo *t, struct net_nsg *nsg)
{
	if (grow(&t->arena, (void ***)&t->nsgs, &t->n_nsgs, &t->nsgs_cap) < 0 ||
	    ov__map_put(&t->nsg_by_id, nsg->id, strlen(nsg->id), nsg) < 0)
		return ov__error_oom(t->ctx);
	t->nsgs[t->n_nsgs++] = nsg;
	return 0;
}

/* The NSG with this id, or NULL. */
struct net_nsg *
net_topo_nsg(const struct net_topo *t, const char *id)
{
	if (id == NULL)
		return NULL;
	return ov__map_get(&t->nsg_by_id, id, strlen(id));
}

/* The id of r's ARM parent, copied into the topology arena; or NULL. */
static const char *
parent_id(struct net_topo *t, const struct ov_record *r)
{
	return r->parent_len != 0 ? ov__arena_strndup(&t->arena, r->id,
	    r->parent_len) : NULL;
}

static const char *
last_segment(const char *id)
{
	const char *p = strrchr(id, '/');

	return p != NULL ? p + 1 : id;
}

/* The VNet with this id; created as a stub when create is set. */
struct net_vnet *
net_topo_vnet(struct net_topo *t, const char *id, bool create)
{
	struct net_vnet *v;

	if (id == NULL)
		return NULL;
	if ((v = ov__map_get(&t->vnet_by_id, id, strlen(id))) != NULL ||
	    !create)
		return v;
	if ((v = ov__arena_calloc(&t->arena, 1, sizeof(*v))) == NULL ||
	    (v->id = ov__arena_strdup(&t->arena, id)) == NULL ||
	    grow(&t->arena, (void ***)&t->vnets, &t->n_vnets,
	    &t->vnets_cap) < 0 ||
	    ov__map_put(&t->vnet_by_id, v->id, strlen(v->id), v) < 0)
		return NULL;
	v->name = last_segment(v->id);
	v->idx = (uint32_t)t->n_vnets;
	t->vnets[t->n_vnets++] = v;
	return v;
}

/* The subnet with this id; created when create is set. */
struct net_subnet *
net_topo_subnet(struct net_topo *t, const char *id, bool create)
{
	struct net_subnet *s;

	if (id == NULL)
		return NULL;
	if ((s = ov__map_get(&t->subnet_by_id, id, strlen(id))) != NULL ||
	    !create)
		return s;
	if ((s = ov__arena_calloc(&t->arena, 1, sizeof(*s))) == NULL ||
	    (s->id = ov__arena_strdup(&t->arena, id)) == NULL ||
	    grow(&t->arena, (void ***)&t->subnets, &t->n_subnets,
	    &t->subnets_cap) < 0 ||
	    ov__map_put(&t->subnet_by_id, s->id, strlen(s->id), s) < 0)
		return NULL;
	s->name = last_segment(s->id);
	t->subnets[t->n_subnets++] = s;
	return s;
}

/* Register an IP configuration and index it by id and address. */
int
net_topo_add_ipc(struct net_topo *t, struct net_ipconf *ipc)
{
	if (grow(&t->arena, (void ***)&t->ipcs, &t->n_ipcs, &t->ipcs_cap) < 0 ||
	    ov__map_put(&t->ipc_by_id, ipc->id, strlen(ipc->id), ipc) < 0)
		return ov__error_oom(t->ctx);
	ipc->ix = t->n_ipcs;
	t->ipcs[t->n_ipcs++] = ipc;
	if (ipc->has_addr) {
		char buf[64];
		const char *k;

		net_addr_format(&ipc->addr, ipc->v6, buf, sizeof(buf));
		if ((k = ov__arena_strdup(&t->arena, buf)) == NULL ||
		    ov__map_put(&t->ipc_by_addr, k, strlen(k), ipc) < 0)
			return ov__error_oom(t->ctx);
		ipc->addr_text = k;
	}
	return 0;
}

/*
 * Index the IP configurations by the backend pools and NAT rules that
 * name them, once every configuration is registered.
 */
static int
index_pools(struct net_topo *t)
{
	struct ov_groups *g = &t->ipc_by_pool;
	size_t i, k;
	uint32_t gid;

	for (i = 0; i < t->n_ipcs; i++) {
		const struct net_ipconf *ipc = t->ipcs[i];

		for (k = 0; k < ipc->n_pools; k++)
			if (ov__groups_count(g, ipc->pools[k],
			    strlen(ipc->pools[k]), &gid) < 0)
				return ov__error_oom(t->ctx);
		for (k = 0; k < ipc->n_nats; k++)
			if (ov__groups_count(g, ipc->nats[k],
			    strlen(ipc->nats[k]), &gid) < 0)
				return ov__error_oom(t->ctx);
	}
	if (ov__groups_layout(g) < 0)
		return ov__error_oom(t->ctx);
	for (i = 0; i < t->n_ipcs; i++) {
		struct net_ipconf *ipc = t->ipcs[i];

		for (k = 0; k < ipc->n_pools; k++)
			ov__groups_add_key(g, ipc->pools[k],
			    strlen(ipc->pools[k]), ipc);
		for (k = 0; k < ipc->n_nats; k++)
			ov__groups_add_key(g, ipc->nats[k],
			    strlen(ipc->nats[k]), ipc);
	}
	return 0;
}

static bool
peer_connected(const struct net_vnet *a, const struct net_vnet *b,
    bool *seen)
{
	size_t i;

	*seen = false;
	for (i = 0; i < a->n_peers; i++) {
		if (a->peers[i].remote != b)
			continue;
		*seen = true;
		if (a->peers[i].connected && a->peers[i].access)
			return true;
	}
	return false;
}

/*
 * Same VNet, or peered with peeringState Connected and virtual network
 * access allowed in both directions.  When the remote VNet was not
 * collected, the local side's Connected state is taken as proof (Azure
 * reports Connected only once both sides exist).  Peering is not
 * transitive.  AZP: virtual-network-peering-overview
 */
bool
net_vnets_reach(const struct net_vnet *a, const struct net_vnet *b)
{
	bool seen_ab, seen_ba;

	if (a == NULL || b == NULL)
		return false;
	if (a == b)
		return true;
	if (!peer_connected(a, b, &seen_ab)) {
		if (seen_ab || b->rec == NULL)
			return false;
		return peer_connected(b, a, &seen_ba) && a->rec == NULL;
	}
	if (b->rec == NULL)
		return true;
	return peer_connected(b, a, &seen_ba);
}

/* ---- JSON helpers ---- */

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

/* A word that names an address must parse as one (not a service tag). */
static bool
bad_address(const char *w)
{
	struct net_range r;

	if (w == NULL || w[0] == '\0' || strcmp(w, "*") == 0)
		return false;
	if (!((w[0] >= '0' && w[0] <= '9') || strchr(w, '/') != NULL ||
	    strchr(w, ':') != NULL))
		return false;	/* a service tag (Storage.WestUS) */
	return net_range_parse(&r, w, strlen(w)) != 0;
}

/*
 * Gather a string field and a string-array field into words.  The pointer
 * array comes from tmp (scratch, reset by the caller); numbers written as
 * text come from a, because compiled rules borrow the words.  A field of
 * the wrong shape (an object where a prefix belongs, a string where the
 * list belongs) is OV_EINVALID with the reason on ctx: dropping it would
 * change what the rule matches.
 */
static int
words(struct ov_arena *tmp, struct ov_arena *a, ov_ctx *ctx,
    const char *rule, const ov_json *o, const char *one, const char *many,
    const char ***out, size_t *n_out)
{
	const ov_json *s = ov_json_get(o, one), *arr = ov_json_get(o, many);
	size_t n = ov_json_len(arr), i, k = 0;
	const char **v;

	if (s != NULL && ov_json_type_of(s) != OV_JSON_STRING &&
	    ov_json_type_of(s) != OV_JSON_NUMBER &&
	    ov_json_type_of(s) != OV_JSON_NULL)
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_INPUT,
		    "rule '%s': %s is not a string", rule, one);
	if (arr != NULL && ov_json_type_of(arr) != OV_JSON_ARRAY &&
	    ov_json_type_of(arr) != OV_JSON_NULL)
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_INPUT,
		    "rule '%s': %s is not a list", rule, many);
	if (n > NET_MAX_WORDS)
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_INPUT,
		    "rule '%s': %s has more than %d items", rule, many,
		    NET_MAX_WORDS);
	v = ov__arena_calloc(tmp, n + 1, sizeof(*v));
	if (v == NULL)
		return ov__error_oom(ctx);
	if (ov_json_string(s) != NULL && ov_json_string(s)[0] != '\0')
		v[k++] = ov_json_string(s);
	else if (ov_json_type_of(s) == OV_JSON_NUMBER) {
		/* a bare number where ARM writes a string ("22") */
		if ((v[k] = ov__arena_printf(a, "%.0f",
		    ov_json_number(s))) == NULL)
			return ov__error_oom(ctx);
		k++;
	}
	for (i = 0; i < n; i++) {
		const ov_json *it = ov_json_at(arr, i);

		if (ov_json_string(it) != NULL)
			v[k++] = ov_json_string(it);
		else if (ov_json_type_of(it) == OV_JSON_NUMBER) {
			v[k] = ov__arena_printf(a, "%.0f", ov_json_number(it));
			if (v[k] == NULL)
				return ov__error_oom(ctx);
			k++;
		} else
			return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_INPUT,
			    "rule '%s': %s[%zu] is not a string", rule, many,
			    i);
	}
	*out = v;
	*n_out = k;
	return 0;
}

/* Every address word of a source or destination must parse. */
static int
check_addresses(ov_ctx *ctx, const char *rule, const char *what,
    const char *const *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (bad_address(w[i]))
			return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_INPUT,
			    "rule '%s': %s '%s' is not an IP address, prefix "
			    "or range", rule, what, w[i]);
	return 0;
}

/* Record why rec's network data cannot be read (a one-line reason). */
int
net_topo_bad(struct net_topo *t, const struct ov_record *rec,
    const char *fmt, ...)
{
	struct net_bad *grown;
	va_list ap;
	char msg[256];
	size_t cap;

	if (t->n_bad == t->bad_cap) {
		cap = t->bad_cap != 0 ? t->bad_cap * 2 : 8;
		if ((grown = ov__reallocarray(t->bad, cap,
		    sizeof(*grown))) == NULL)
			return ov__error_oom(t->ctx);
		t->bad = grown;
		t->bad_cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	t->bad[t->n_bad].rec = rec;
	if ((t->bad[t->n_bad].reason = ov__arena_strdup(&t->arena,
	    msg)) == NULL)
		return ov__error_oom(t->ctx);
	t->n_bad++;
	return 0;
}

/* Ids of an array of {id} objects. */
static int
ids(struct ov_arena *a, const ov_json *arr, const char ***out, size_t *n_out)
{
	size_t n = ov_json_len(arr), i, k = 0;
	const char **v;

	*out = NULL;
	*n_out = 0;
	if (n == 0)
		return 0;	/* the common case allocates nothing */
	if ((v = ov__arena_calloc(a, n + 1, sizeof(*v))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < n; i++) {
		const char *id = ov_json_string(ov_json_get(ov_json_at(arr, i),
		    "id"));

		if (id != NULL)
			v[k++] = id;
	}
	*out = v;
	*n_out = k;
	return 0;
}

/*
 * Read one security rule.  A rule whose fields cannot be read as ARM
 * writes them (a priority that is no number in 100-65500, an access or
 * direction that is neither of the two, a source that is no address,
 * prefix, range or tag, a port that is no port) is OV_EINVALID with the
 * reason on ctx: the caller makes its NSG's verdict indeterminate rather
 * than guess.
 */
static int
rule_from_json(struct net_rule *out, struct ov_arena *a,
    struct ov_arena *tmp, ov_ctx *ctx, const ov_json *rj)
{
	const ov_json *p = props(rj), *pj;
	struct net_rule_src rs;
	const char *name, *ps;
	int64_t prio = 0;
	const char **w;
	size_t n;
	char *end;
	int error;

	if (ov_json_type_of(rj) != OV_JSON_OBJECT ||
	    ov_json_type_of(p) != OV_JSON_OBJECT)
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_INPUT,
		    "a security rule is not an object");
	memset(&rs, 0, sizeof(rs));
	rs.name = ov_json_string(ov_json_get(rj, "name"));
	rs.id = ov_json_string(ov_json_get(rj, "id"));
	name = rs.name != NULL ? rs.name : "(unnamed)";
	pj = ov_json_get(p, "priority");
	if (!ov_json_int(pj, &prio)) {
		ps = ov_json_string(pj);
		prio = ps != NULL ? strtol(ps, &end, 10) : 0;
		if (ps == NULL || end == ps || *end != '\0')
			prio = 0;
	}
	if (prio < 100 || prio > 65500)
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_INPUT,
		    "rule '%s': priority is not a number from 100 to 4096",
		    name);
	rs.priority = prio;
	rs.access = ov_json_string(ov_json_get(p, "access"));
	rs.direction = ov_json_string(ov_json_get(p, "direction"));
	rs.protocol = ov_json_string(ov_json_get(p, "protocol"));
	if (rs.access == NULL || (!ov__streq_ci(rs.access, "Allow") &&
	    !ov__streq_ci(rs.access, "Deny")))
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_INPUT,
		    "rule '%s': access is neither Allow nor Deny", name);
	if (rs.direction == NULL || (!ov__streq_ci(rs.direction, "Inbound") &&
	    !ov__streq_ci(rs.direction, "Outbound")))
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_INPUT,
		    "rule '%s': direction is neither Inbound nor Outbound",
		    name);
	if ((error = words(tmp, a, ctx, name, p, "sourceAddressPrefix",
	    "sourceAddressPrefixes", &w, &n)) < 0 ||
	    (error = check_addresses(ctx, name, "source", w, n)) < 0)
		return error;
	rs.src = w;
	rs.n_src = n;
	if ((error = words(tmp, a, ctx, name, p, "destinationAddressPrefix",
	    "destinationAddressPrefixes", &w, &n)) < 0 ||
	    (error = check_addresses(ctx, name, "destination", w, n)) < 0)
		return error;
	rs.dst = w;
	rs.n_dst = n;
	if ((error = words(tmp, a, ctx, name, p, "destinationPortRange",
	    "destinationPortRanges", &w, &n)) < 0)
		return error;
	rs.dports = w;
	rs.n_dports = n;
	if ((error = words(tmp, a, ctx, name, p, "sourcePortRange",
	    "sourcePortRanges", &w, &n)) < 0)
		return error;
	rs.sports = w;
	rs.n_sports = n;
	if (ids(tmp, ov_json_get(p, "sourceApplicationSecurityGroups"), &w,
	    &n) < 0)
		return ov__error_oom(ctx);
	rs.src_asgs = w;
	rs.n_src_asgs = n;
	if (ids(tmp, ov_json_get(p, "destinationApplicationSecurityGroups"),
	    &w, &n) < 0)
		return ov__error_oom(ctx);
	rs.dst_asgs = w;
	rs.n_dst_asgs = n;
	return net_rule_compile(out, a, ctx, &rs);
}

/* Compile the NSG held by rec (with child rule records, if indexed). */
int
net_nsg_from_record(struct net_nsg **out, struct ov_arena *a, ov_ctx *ctx,
    const struct ov_record *rec)
{
	const ov_json *rules = ov_json_get(props(rec->body), "securityRules");
	struct ov_arena tmp;
	struct net_nsg *g;
	size_t n = ov_json_len(rules), i, k = 0;
	int error;

	*out = NULL;
	g = ov__arena_calloc(a, 1, sizeof(*g));
	if (g == NULL)
		return ov__error_oom(ctx);
	g->id = rec->id;
	g->name = rec->name != NULL ? rec->name : last_segment(rec->id);
	g->rec = rec;
	g->rules_unknown = rules == NULL ||
	    ov_json_type_of(rules) == OV_JSON_NULL;
	if (rules != NULL && !g->rules_unknown &&
	    ov_json_type_of(rules) != OV_JSON_ARRAY)
		g->malformed = "securityRules is not a list";
	g->rules = ov__arena_calloc(a, n + NET_N_DEFAULT_RULES,
	    sizeof(*g->rules));
	if (g->rules == NULL)
		return ov__error_oom(ctx);
	ov__arena_init(&tmp, 4096, 0);
	for (i = 0; i < n; i++) {
		ov__arena_reset(&tmp);
		if ((error = rule_from_json(&g->rules[k], a, &tmp, ctx,
		    ov_json_at(rules, i))) < 0) {
			if (error == OV_ENOMEM) {
				ov__arena_free(&tmp);
				return error;
			}
			/* One bad rule never sinks the batch, but the NSG's
			 * verdict is no longer known: keep the first reason. */
			if (g->malformed == NULL && (g->malformed =
			    ov__arena_strdup(a, ov_error_last(ctx)->message)) ==
			    NULL) {
				ov__arena_free(&tmp);
				return ov__error_oom(ctx);
			}
			ov_error_clear(ctx);
			continue;
		}
		k++;
	}
	ov__arena_free(&tmp);
	if ((error = net_nsg_finish(g, a, k)) < 0)
		return ov__error_oom(ctx);
	*out = g;
	return 0;
}

/* A security rule record waiting to join its NSG. */
struct extra_rule {
	struct net_nsg	*g;		/* owner */
	size_t		 seq;		/* record order */
	struct net_rule	 rule;		/* compiled */
};

static int
cmp_extra(const void *pa, const void *pb)
{
	const struct extra_rule *a = pa, *b = pb;

	if (a->g != b->g)
		return (uintptr_t)a->g < (uintptr_t)b->g ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

static bool
has_rule_named(const struct net_rule *v, size_t n, const char *name)
{
	size_t j;

	for (j = 0; j < n; j++)
		if (!v[j].is_default && ov__streq_ci(v[j].name, name))
			return true;
	return false;
}

/*
 * Merge standalone securityRules records into their NSGs: compile them
 * all, then rebuild each NSG that gained rules once.  A record whose name
 * the NSG (or an earlier record) already has is a duplicate view of it.
 */
static int
merge_rule_records(struct net_topo *t, const struct ov_snapshot *snap)
{
	const struct ov_record_list *l = ov_model__by_type(snap, T_RULE);
	struct extra_rule *x = NULL;
	struct ov_arena tmp;
	size_t i, j, k, n_x = 0;
	int error = 0;

	if (l->len == 0)
		return 0;
	if ((x = ov__calloc(l->len, sizeof(*x))) == NULL)
		return ov__error_oom(t->ctx);
	ov__arena_init(&tmp, 4096, 0);
	for (i = 0; i < l->len; i++) {
		const struct ov_record *r = l->items[i];
		struct net_nsg *g = net_topo_nsg(t, parent_id(t, r));

		if (g == NULL || has_rule_named(g->rules, g->n_rules,
		    r->name != NULL ? r->name : ""))
			continue;
		ov__arena_reset(&tmp);
		if ((error = rule_from_json(&x[n_x].rule, &t->arena, &tmp,
		    t->ctx, r->body)) < 0) {
			if (error == OV_ENOMEM)
				goto done;
			/* the NSG's verdict is no longer known */
			if ((error = net_topo_bad(t, r, "%s",
			    ov_error_last(t->ctx)->message)) < 0)
				goto done;
			if (g->malformed == NULL)
				g->malformed = t->bad[t->n_bad - 1].reason;
			ov_error_clear(t->ctx);
			continue;
		}
		x[n_x].g = g;
		x[n_x++].seq = i;
	}
	qsort(x, n_x, sizeof(*x), cmp_extra);
	for (i = 0; i < n_x; i = j) {
		struct net_nsg *g = x[i].g;
		struct net_rule *nv;

		for (j = i; j < n_x && x[j].g == g; j++)
			;
		nv = ov__arena_calloc(&t->arena, g->n_rules + (j - i),
		    sizeof(*nv));
		if (nv == NULL) {
			error = ov__error_oom(t->ctx);
			goto done;
		}
		/* custom rules come first, the defaults are re-added */
		k = g->n_rules - NET_N_DEFAULT_RULES;
		memcpy(nv, g->rules, k * sizeof(*nv));
		for (; i < j; i++)
			if (!has_rule_named(nv, k, x[i].rule.name))
				nv[k++] = x[i].rule;
		g->rules = nv;
		g->rules_unknown = false;
		if (net_nsg_finish(g, &t->arena, k) < 0) {
			error = ov__error_oom(t->ctx);
			goto done;
		}
	}
done:
	ov__arena_free(&tmp);
	ov__free(x);
	return error;
}

static int
add_prefixes(struct ov_arena *a, const ov_json *p, const char *one,
    const char *many, struct net_range **out, size_t *n_out)
{
	const char **w;
	size_t n, i, k = 0;
	struct net_range *v;
	int error;

	/* a prefix field of the wrong shape gives no prefixes (the subnet
	 * then matches no address: a flow through it is not claimed) */
	if ((error = words(a, a, NULL, "prefix", p, one, many, &w, &n)) < 0)
		return error == OV_ENOMEM ? OV_ENOMEM : 0;
	if ((v = ov__arena_calloc(a, n + 1, sizeof(*v))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < n; i++)
		if (net_range_parse(&v[k], w[i], strlen(w[i])) == 0)
			k++;
	if (k == 0 && *n_out > 0)
		return 0;	/* keep what an earlier source gave */
	*out = v;
	*n_out = k;
	return 0;
}

static int
add_peering(struct net_topo *t, struct net_vnet *v, const ov_json *pj)
{
	const ov_json *p = props(pj);
	const char *remote = ref(p, "remoteVirtualNetwork");
	const char *state = ov_json_string(ov_json_get(p, "peeringState"));
	const ov_json *acc = ov_json_get(p, "allowVirtualNetworkAccess");
	struct net_peering *pe;
	size_t i;

	if (remote == NULL)
		return 0;
	for (i = 0; i < v->n_peers; i++)
		if (v->peers[i].id != NULL && ov_json_string(ov_json_get(pj,
		    "id")) != NULL && ov__streq_ci(v->peers[i].id,
		    ov_json_string(ov_json_get(pj, "id"))))
			return 0;
	if (v->n_peers == v->peers_cap) {
		size_t nc = v->peers_cap == 0 ? 4 : v->peers_cap * 2;

		pe = ov__reallocarray(v->peers, nc, sizeof(*pe));
		if (pe == NULL)
			return ov__error_oom(t->ctx);
		v->peers = pe;
		v->peers_cap = nc;
	}
	pe = &v->peers[v->n_peers];
	memset(pe, 0, sizeof(*pe));
	if ((pe->remote = net_topo_vnet(t, remote, true)) == NULL)
		return ov__error_oom(t->ctx);
	pe->id = ov_json_string(ov_json_get(pj, "id"));
	pe->connected = state != NULL && ov__streq_ci(state, "Connected");
	/* allowVirtualNetworkAccess defaults to true */
	pe->access = acc == NULL || ov_json_is_true(acc);
	v->n_peers++;
	return 0;
}

static int
fill_subnet(struct net_topo *t, struct net_subnet *s, struct net_vnet *v,
    const ov_json *sj)
{
	const ov_json *p = props(sj);
	const char *nsg = ref(p, "networkSecurityGroup");

	if (v != NULL)
		s->vnet = v;
	if (nsg != NULL)
		s->nsg_id = nsg;
	if (add_prefixes(&t->arena, p, "addressPrefix", "addressPrefixes",
	    &s->prefix, &s->n_prefix) < 0)
		return ov__error_oom(t->ctx);
	return 0;
}

static int
build_vnets(struct net_topo *t, const struct ov_snapshot *snap)
{
	const struct ov_record_list *l = ov_model__by_type(snap, T_VNET);
	size_t i, j;

	for (i = 0; i < l->len; i++) {
		const struct ov_record *r = l->items[i];
		struct net_vnet *v = net_topo_vnet(t, r->id, true);
		const ov_json *p = props(r->body), *subs, *peers;

		if (v == NULL)
			return ov__error_oom(t->ctx);
		v->rec = r;
		if (r->name != NULL)
			v->name = r->name;
		if (add_prefixes(&t->arena, ov_json_get(p, "addressSpace"),
		    "addressPrefix", "addressPrefixes", &v->space,
		    &v->n_space) < 0)
			return ov__error_oom(t->ctx);
		subs = ov_json_get(p, "subnets");
		for (j = 0; j < ov_json_len(subs); j++) {
			const ov_json *sj = ov_json_at(subs, j);
			const char *id = ov_json_string(ov_json_get(sj, "id"));
			char *gen = NULL;
			struct net_subnet *s;

			if (id == NULL) {
				const char *nm = ov_json_string(ov_json_get(sj,
				    "name"));

				if (nm == NULL)
					continue;
				gen = ov__arena_printf(&t->arena,
				    "%s/subnets/%s", r->id, nm);
				id = gen;
			}
			if (id == NULL || (s = net_topo_subnet(t, id, true)) ==
			    NULL || fill_subnet(t, s, v, sj) < 0)
				return ov__error_oom(t->ctx);
		}
		peers = ov_json_get(p, "virtualNetworkPeerings");
		for (j = 0; j < ov_json_len(peers); j++)
			if (add_peering(t, v, ov_json_at(peers, j)) < 0)
				return OV_ENOMEM;
	}
	l = ov_model__by_type(snap, T_SUBNET);
	for (i = 0; i < l->len; i++) {
		const struct ov_record *r = l->items[i];
		struct net_vnet *v = net_topo_vnet(t, parent_id(t, r), true);
		struct net_subnet *s = net_topo_subnet(t, r->id, true);

		if (s == NULL || fill_subnet(t, s, v, r->body) < 0)
			return ov__error_oom(t->ctx);
	}
	l = ov_model__by_type(snap, T_PEER);
	for (i = 0; i < l->len; i++) {
		const struct ov_record *r = l->items[i];
		struct net_vnet *v = net_topo_vnet(t, parent_id(t, r), true);

		if (v == NULL || add_peering(t, v, r->body) < 0)
			return ov__error_oom(t->ctx);
	}
	return 0;
}

static int
build_nsgs(struct net_topo *t, const struct ov_snapshot *snap,
    struct ov_map *nic_nsg)
{
	const struct ov_record_list *l = ov_model__by_type(snap, T_NSG);
	size_t i, j;
	int error;

	for (i = 0; i < l->len; i++) {
		const struct ov_record *r = l->items[i];
		struct net_nsg *g;
		const ov_json *p = props(r->body), *arr;

		if (net_topo_nsg(t, r->id) != NULL)
			continue;
		if ((error = net_nsg_from_record(&g, &t->arena, t->ctx, r)) < 0)
			return error;
		if ((error = net_topo_add_nsg(t, g)) < 0)
			return error;
		if (g->malformed != NULL &&
		    (error = net_topo_bad(t, r, "%s", g->malformed)) < 0)
			return error;
		/* back-references from the NSG side */
		arr = ov_json_get(p, "subnets");
		for (j = 0; j < ov_json_len(arr); j++) {
			const char *sid = ov_json_string(ov_json_get(
			    ov_json_at(arr, j), "id"));
			struct net_subnet *s = net_topo_subnet(t, sid, true);

			if (s != NULL && s->nsg_id == NULL)
				s->nsg_id = g->id;
			if (s != NULL && s->vnet == NULL && sid != NULL) {
				struct ov_arm_id aid;

				if (ov_model__arm_id_parse(&aid, &t->arena,
				    sid, strlen(sid)) == 0 && aid.parent != NULL)
					s->vnet = net_topo_vnet(t, aid.parent,
					    true);
			}
		}
		arr = ov_json_get(p, "networkInterfaces");
		for (j = 0; j < ov_json_len(arr); j++) {
			const char *nid = ov_json_string(ov_json_get(
			    ov_json_at(arr, j), "id"));

			if (nid != NULL && ov__map_put(nic_nsg, nid,
			    strlen(nid), g) < 0)
				return ov__error_oom(t->ctx);
		}
	}
	return merge_rule_records(t, snap);
}

static const char *
zone_of(struct net_topo *t, const struct ov_record *wl,
    const struct ov_record *nic, const struct net_subnet *s)
{
	const char *z = NULL;

	if (t->zone_tag == NULL)
		return NULL;
	if (wl != NULL)
		z = ov_model__tag(wl, t->zone_tag);
	if (z == NULL && nic != NULL)
		z = ov_model__tag(nic, t->zone_tag);
	if (z == NULL && s != NULL && s->vnet != NULL && s->vnet->rec != NULL)
		z = ov_model__tag(s->vnet->rec, t->zone_tag);
	if (z == NULL && s != NULL && s->vnet != NULL)
		z = ov__arena_printf(&t->arena, "vnet:%s", s->vnet->name);
	return z;
}

/* Concatenate two id lists; one alone is reused, none allocates nothing. */
static int
join_ids(struct ov_arena *a, const char **x, size_t nx, const char **y,
    size_t ny, const char ***out, size_t *n_out)
{
	const char **v;

	*n_out = nx + ny;
	if (ny == 0 || nx == 0) {
		*out = nx != 0 ? x : y;
		return 0;
	}
	if ((v = ov__arena_calloc(a, nx + ny, sizeof(*v))) == NULL)
		return OV_ENOMEM;
	memcpy(v, x, nx * sizeof(*v));
	memcpy(v + nx, y, ny * sizeof(*v));
	*out = v;
	return 0;
}

/* Read the parts of one ipConfiguration shared by NICs and scale sets. */
static int
fill_ipc(struct net_topo *t, struct net_ipconf *ipc, const ov_json *ij)
{
	const ov_json *p = props(ij);
	const char *ip = ov_json_string(ov_json_get(p, "privateIPAddress"));
	const char **a1, **a2, **a3, **a4;
	size_t n1, n2, n3, n4;
	int error;

	ipc->name = ov_json_string(ov_json_get(ij, "name"));
	if (ipc->name == NULL)
		ipc->name = "ipconfig";
	if (ip != NULL && ip[0] != '\0') {
		const char *slash = strchr(ip, '/');
		size_t len = slash != NULL ? (size_t)(slash - ip) : strlen(ip);

		ipc->has_addr = net_addr_parse(&ipc->addr, &ipc->v6, ip,
		    len) == 0;
		if (!ipc->has_addr)
			return net_topo_bad(t, ipc->nic_rec, "ipConfiguration "
			    "'%s': privateIPAddress '%s' is not an IP address",
			    ipc->name, ip);
	}
	if (!ipc->has_addr) {
		const char *ver = ov_json_string(ov_json_get(p,
		    "privateIPAddressVersion"));

		ipc->v6 = ver != NULL && ov__streq_ci(ver, "IPv6");
	}
	ipc->subnet_id = ref(p, "subnet");
	if (ids(&t->arena, ov_json_get(p, "applicationSecurityGroups"),
	    &ipc->asgs, &ipc->n_asgs) < 0 ||
	    ids(&t->arena, ov_json_get(p, "loadBalancerBackendAddressPools"),
	    &a1, &n1) < 0 ||
	    ids(&t->arena, ov_json_get(p,
	    "applicationGatewayBackendAddressPools"), &a2, &n2) < 0 ||
	    ids(&t->arena, ov_json_get(p, "loadBalancerInboundNatRules"),
	    &a3, &n3) < 0 ||
	    ids(&t->arena, ov_json_get(p, "loadBalancerInboundNatPools"),
	    &a4, &n4) < 0)
		return ov__error_oom(t->ctx);
	if ((error = join_ids(&t->arena, a1, n1, a2, n2, &ipc->pools,
	    &ipc->n_pools)) < 0 || (error = join_ids(&t->arena, a3, n3, a4,
	    n4, &ipc->nats, &ipc->n_nats)) < 0)
		return ov__error_oom(t->ctx);
	return 0;
}

static void
resolve_pip(struct net_ipconf *ipc, const struct ov_snapshot *snap,
    const char *pip_id)
{
	const struct ov_record *pr;
	const char *sku;

	ipc->pip_id = pip_id;
	if (pip_id == NULL)
		return;
	if ((pr = ov_model__by_id(snap, pip_id)) == NULL)
		return;
	ipc->pip_addr = ov_model__str(pr, "properties.ipAddress");
	sku = ov_model__str(pr, "sku.name");
	/* AZP: public-ip-addresses#sku: Standard is closed to inbound
	 * traffic unless an NSG allows it; Basic is open. */
	ipc->pip_standard = sku != NULL && ov__streq_ci(sku, "Standard");
}

/*
 * The NSG named id when its rules are known; NULL when it was not
 * collected or came without its rule list, which the caller marks
 * missing: the exposure through it is then indeterminate, never "closed".
 */
static struct net_nsg *
known_nsg(struct net_topo *t, const char *id)
{
	struct net_nsg *g = net_topo_nsg(t, id);

	return g != NULL && !g->rules_unknown && g->malformed == NULL ? g :
	    NULL;
}

static void
resolve_subnet_nsgs(struct net_topo *t, struct net_ipconf *ipc,
    const char *nic_nsg_id)
{
	ipc->subnet = net_topo_subnet(t, ipc->subnet_id, false);
	if (ipc->subnet != NULL && ipc->subnet->nsg_id != NULL &&
	    ipc->subnet->nsg == NULL && !ipc->subnet->nsg_missing) {
		ipc->subnet->nsg = known_nsg(t, ipc->subnet->nsg_id);
		ipc->subnet->nsg_missing = ipc->subnet->nsg == NULL;
	}
	if (nic_nsg_id != NULL) {
		ipc->nic_nsg = known_nsg(t, nic_nsg_id);
		ipc->nic_nsg_missing = ipc->nic_nsg == NULL;
	}
}

static int
build_nics(struct net_topo *t, const struct ov_snapshot *snap,
    struct ov_map *nic_nsg, struct ov_map *nic_vm)
{
	const struct ov_record_list *l = ov_model__by_type(snap, T_NIC);
	size_t i, j;
	int error;

	for (i = 0; i < l->len; i++) {
		const struct ov_record *r = l->items[i];
		const ov_json *p = props(r->body);
		const ov_json *ipcs = ov_json_get(p, "ipConfigurations");
		const char *nsg_id = ref(p, "networkSecurityGroup");
		const char *vm_id = ref(p, "virtualMachine");
		const struct ov_record *vm = NULL;
		struct net_nsg *back;

		if (nsg_id == NULL && (back = ov__map_get(nic_nsg, r->id,
		    strlen(r->id))) != NULL)
			nsg_id = back->id;
		if (vm_id != NULL)
			vm = ov_model__by_id(snap, vm_id);
		if (vm == NULL)
			vm = ov__map_get(nic_vm, r->id, strlen(r->id));
		/* A NIC whose IP configurations cannot be read exposes
		 * something unknown: say so instead of "nothing". */
		if (ipcs == NULL || ov_json_type_of(ipcs) != OV_JSON_ARRAY) {
			if ((error = net_topo_bad(t, r, ipcs == NULL ?
			    "ipConfigurations is missing" :
			    "ipConfigurations is not a list")) < 0)
				return error;
			continue;
		}
		if (ov_json_get(p, "networkSecurityGroup") != NULL &&
		    ov_json_type_of(ov_json_get(p, "networkSecurityGroup")) !=
		    OV_JSON_NULL && nsg_id == NULL &&
		    (error = net_topo_bad(t, r, "networkSecurityGroup has no "
		    "id")) < 0)
			return error;
		for (j = 0; j < ov_json_len(ipcs); j++) {
			const ov_json *ij = ov_json_at(ipcs, j);
			struct net_ipconf *ipc;
			size_t before = t->n_bad;

			if (ov_json_type_of(ij) != OV_JSON_OBJECT) {
				if ((error = net_topo_bad(t, r,
				    "ipConfigurations[%zu] is not an object",
				    j)) < 0)
					return error;
				continue;
			}
			if ((ipc = ov__arena_calloc(&t->arena, 1,
			    sizeof(*ipc))) == NULL)
				return ov__error_oom(t->ctx);
			ipc->nic_rec = r;
			if ((error = fill_ipc(t, ipc, ij)) < 0)
				return error;
			if (t->n_bad != before)
				continue;	/* its exposure is unknown */
			ipc->id = ov_json_string(ov_json_get(ij, "id"));
			if (ipc->id == NULL && (ipc->id = ov__arena_printf(
			    &t->arena, "%s/ipConfigurations/%s", r->id,
			    ipc->name)) == NULL)
				return ov__error_oom(t->ctx);
			ipc->kind = NET_WL_NIC;
			ipc->nic_id = r->id;
			ipc->nic_name = r->name;
			ipc->nic_rec = r;
			ipc->wl_rec = vm != NULL ? vm : r;
			ipc->workload_id = vm != NULL ? vm->id : (vm_id != NULL ?
			    vm_id : r->id);
			ipc->workload_type = vm != NULL || vm_id != NULL ? T_VM :
			    T_NIC;
			ipc->workload_name = vm != NULL ? vm->name :
			    (vm_id != NULL ? last_segment(vm_id) : r->name);
			resolve_pip(ipc, snap, ref(props(ij), "publicIPAddress"));
			resolve_subnet_nsgs(t, ipc, nsg_id);
			ipc->zone = zone_of(t, vm, r, ipc->subnet);
			if ((error = net_topo_add_ipc(t, ipc)) < 0)
				return error;
		}
	}
	return 0;
}

static int
build_vmss(struct net_topo *t, const struct ov_snapshot *snap)
{
	const struct ov_record_list *l = ov_model__by_type(snap, T_VMSS);
	size_t i, j, k;
	int error;

	for (i = 0; i < l->len; i++) {
		const struct ov_record *r = l->items[i];
		const ov_json *cfgs = ov_model__field(r,
		    "properties.virtualMachineProfile.networkProfile."
		    "networkInterfaceConfigurations");

		for (j = 0; j < ov_json_len(cfgs); j++) {
			const ov_json *cj = ov_json_at(cfgs, j);
			const ov_json *cp = props(cj);
			const ov_json *ipcs = ov_json_get(cp, "ipConfigurations");
			const char *cname = ov_json_string(ov_json_get(cj,
			    "name"));
			const char *nsg_id = ref(cp, "networkSecurityGroup");

			for (k = 0; k < ov_json_len(ipcs); k++) {
				const ov_json *ij = ov_json_at(ipcs, k);
				const ov_json *pipc = ov_json_get(props(ij),
				    "publicIPAddressConfiguration");
				struct net_ipconf *ipc = ov__arena_calloc(
				    &t->arena, 1, sizeof(*ipc));

				if (ipc == NULL)
					return ov__error_oom(t->ctx);
				if ((error = fill_ipc(t, ipc, ij)) < 0)
					return error;
				ipc->id = ov__arena_printf(&t->arena,
				    "%s/networkInterfaceConfigurations/%s/"
				    "ipConfigurations/%s", r->id,
				    cname != NULL ? cname : "nic", ipc->name);
				if (ipc->id == NULL)
					return ov__error_oom(t->ctx);
				ipc->kind = NET_WL_VMSS;
				ipc->nic_id = r->id;
				ipc->nic_name = cname;
				ipc->nic_rec = r;
				ipc->wl_rec = r;
				ipc->workload_id = r->id;
				ipc->workload_type = T_VMSS;
				ipc->workload_name = r->name;
				if (pipc != NULL) {
					const char *sku = ov_json_string(
					    ov_json_path(pipc, "sku.name"));

					ipc->vmss_pip = true;
					ipc->pip_id = ov__arena_printf(
					    &t->arena, "%s (instance public IP)",
					    r->id);
					/* scale-set instance IPs follow the
					 * scale set's SKU when not given */
					if (sku == NULL)
						sku = ov_model__str(r,
						    "sku.tier");
					ipc->pip_standard = sku != NULL &&
					    ov__streq_ci(sku, "Standard");
				}
				resolve_subnet_nsgs(t, ipc, nsg_id);
				ipc->zone = zone_of(t, r, NULL, ipc->subnet);
				if ((error = net_topo_add_ipc(t, ipc)) < 0)
					return error;
			}
		}
	}
	return 0;
}

static int
map_vms(const struct ov_snapshot *snap, struct ov_map *nic_vm)
{
	const struct ov_record_list *l = ov_model__by_type(snap, T_VM);
	size_t i, j;

	for (i = 0; i < l->len; i++) {
		const ov_json *nics = ov_model__field(l->items[i],
		    "properties.networkProfile.networkInterfaces");

		for (j = 0; j < ov_json_len(nics); j++) {
			const char *id = ov_json_string(ov_json_get(
			    ov_json_at(nics, j), "id"));

			if (id != NULL && ov__map_put(nic_vm, id, strlen(id),
			    (void *)(uintptr_t)l->items[i]) < 0)
				return OV_ENOMEM;
		}
	}
	return 0;
}

/* Build the topology from an indexed snapshot. */
int
net_topo_build(struct net_topo *t, const struct ov_snapshot *snap,
    const char *zone_tag)
{
	struct ov_map nic_nsg = OV_MAP_INIT, nic_vm = OV_MAP_INIT;
	int error;

	t->snap = snap;
	t->zone_tag = zone_tag != NULL ? zone_tag : "env";
	if ((error = build_vnets(t, snap)) < 0 ||
	    (error = build_nsgs(t, snap, &nic_nsg)) < 0)
		goto done;
	if (map_vms(snap, &nic_vm) < 0) {
		error = ov__error_oom(t->ctx);
		goto done;
	}
	if ((error = build_nics(t, snap, &nic_nsg, &nic_vm)) < 0 ||
	    (error = build_vmss(t, snap)) < 0 ||
	    (error = index_pools(t)) < 0)
		goto done;
	error = 0;
done:
	ov__map_free(&nic_nsg);
	ov__map_free(&nic_vm);
	return error;
}
