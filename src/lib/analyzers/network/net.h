/* SPDX-License-Identifier: MIT */
/*
 * Internals of the network analyzer (DESIGN section 6): addresses and
 * prefixes, NSG rules and their evaluation, the topology built from
 * records, internet exposure paths, zone flows and drift.
 *
 * Memory: everything hangs off one arena per topology (struct net_topo);
 * evaluation scratch (struct net_segs) is heap memory owned by the caller
 * and released with net_segs_free().
 */
#ifndef OV_ANALYZERS_NETWORK_NET_H
#define OV_ANALYZERS_NETWORK_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/common.h"
#include "overvisor/finding.h"
#include "overvisor/network.h"
#include "util/arena.h"
#include "util/hash.h"

struct ov_snapshot;

/* ---- addresses (cidr.c) ------------------------------------------------ */

/*
 * An address in the IPv6 space; IPv4 addresses are mapped into
 * ::ffff:0:0/96 so one comparison covers both families.
 */
struct net_addr {
	uint64_t	 hi;		/* upper 64 bits */
	uint64_t	 lo;		/* lower 64 bits */
};

/* An inclusive range of addresses of one family. */
struct net_range {
	struct net_addr	 lo;		/* first address */
	struct net_addr	 hi;		/* last address */
	bool		 v6;		/* true for IPv6, false for IPv4 */
};

/*
 * Parse an address, a CIDR prefix ("10.0.0.0/8", "2001:db8::/32") or a
 * dash range ("10.0.0.1-10.0.0.9") of len bytes.  Host bits in a prefix are
 * ignored, as Azure does.  Returns 0 or OV_EINVALID.
 */
int	net_range_parse(struct net_range *out, const char *s, size_t len);
/* Parse one address only (no prefix); 0 or OV_EINVALID. */
int	net_addr_parse(struct net_addr *out, bool *v6, const char *s,
	    size_t len);
/* Three-way comparison of two addresses. */
int	net_addr_cmp(const struct net_addr *a, const struct net_addr *b);
/* True when r contains a. */
bool	net_range_contains(const struct net_range *r,
	    const struct net_addr *a);
/* True when outer contains every address of inner. */
bool	net_range_covers(const struct net_range *outer,
	    const struct net_range *inner);
/* True when the two ranges share an address. */
bool	net_range_overlaps(const struct net_range *a,
	    const struct net_range *b);
/* True when r is the whole IPv4 or the whole IPv6 space. */
bool	net_range_is_all(const struct net_range *r);
/* True when every address of r is private, loopback, link-local or CGNAT. */
bool	net_range_is_private(const struct net_range *r);
/*
 * True when r is public and at least as wide as an IPv4 /8 (an IPv6 /16):
 * for exposure it counts as "any internet source".
 */
bool	net_range_is_broad(const struct net_range *r);
/* Format an address into buf (at least 46 bytes). */
void	net_addr_format(const struct net_addr *a, bool v6, char *buf,
	    size_t size);

/* ---- ports ------------------------------------------------------------- */

struct net_prange {
	uint16_t	 lo;		/* first port */
	uint16_t	 hi;		/* last port, inclusive */
};

/* A sorted, merged set of port ranges. */
struct net_ports {
	const struct net_prange *v;	/* ranges (arena, or shared) */
	size_t		 n;		/* used */
};

/*
 * Parse one port item ("*", "80", "80-90", or a comma list of those) of len
 * bytes, adding its ranges to a (unsorted) list in buf/n/cap from the arena.
 * Returns 0, OV_EINVALID or OV_ENOMEM.
 */
int	net_ports_parse_item(struct ov_arena *a, struct net_prange **buf,
	    size_t *n, size_t *cap, const char *s, size_t len);
/* Sort and merge n ranges in place; returns the new count. */
size_t	net_ports_normalize(struct net_prange *v, size_t n);
/* True when the set holds every port. */
bool	net_ports_is_all(const struct net_ports *p);
/* True when the set holds port. */
bool	net_ports_has(const struct net_ports *p, unsigned port);
/* Number of ports in the set. */
uint32_t net_ports_count(const struct net_ports *p);

/* ---- NSG rules (nsg.c) ------------------------------------------------- */

enum net_dir {
	NET_IN = 0,
	NET_OUT = 1
};

/* Protocol bits; a rule holds a mask, a query one bit. */
#define NET_P_TCP	0x01
#define NET_P_UDP	0x02
#define NET_P_ICMP	0x04
#define NET_P_ESP	0x08
#define NET_P_AH	0x10
#define NET_P_ALL	0x1f

/* Kinds of address items in a rule's source or destination. */
enum net_item_kind {
	NET_I_ANY = 0,		/* "*" */
	NET_I_INTERNET,		/* service tag Internet */
	NET_I_VNET,		/* service tag VirtualNetwork */
	NET_I_ALB,		/* service tag AzureLoadBalancer */
	NET_I_TAG,		/* any other service tag: a named set */
	NET_I_RANGE,		/* an address, prefix or range */
	NET_I_ASG		/* an application security group id */
};

struct net_item {
	enum net_item_kind kind;	/* what the item names */
	struct net_range r;		/* for NET_I_RANGE */
	const char	*name;		/* tag name or ASG id (arena) */
};

struct net_aspec {
	const struct net_item *v;	/* items (arena, or shared) */
	size_t		 n;		/* number of items */
};

struct net_nsg;

/* One security rule, custom or default. */
struct net_rule {
	const char	*name;		/* rule name as given */
	const char	*id;		/* ARM id, or a synthetic one */
	const struct net_nsg *nsg;	/* owner, may be NULL in tests */
	int32_t		 priority;	/* 100..4096 custom, 65000+ default */
	bool		 allow;		/* Allow (true) or Deny */
	enum net_dir	 dir;		/* Inbound or Outbound */
	unsigned	 proto;		/* NET_P_* mask */
	bool		 is_default;	/* one of the six default rules */
	bool		 sport_any;	/* source ports are "*" */
	struct net_aspec src;		/* source addresses */
	struct net_aspec dst;		/* destination addresses */
	struct net_ports dports;	/* destination ports */
	struct net_ports sports;	/* source ports */
	const char	*raw_src;	/* source as written, for output */
	const char	*raw_dst;	/* destination as written */
	const char	*raw_ports;	/* destination ports as written */
	const char	*raw_proto;	/* protocol as written */
};

/* A network security group with its rules sorted for evaluation. */
struct net_nsg {
	const char	*id;		/* ARM id */
	const char	*name;		/* name */
	const struct ov_record *rec;	/* record, or NULL */
	struct net_rule	*rules;		/* custom then default rules */
	size_t		 n_rules;	/* all rules */
	struct net_rule	**sorted[2];	/* per direction, evaluation order */
	size_t		 n_sorted[2];	/* counts of sorted[] */
	bool		 has_ties;	/* two rules shared a priority */
	bool		 used;		/* reached by some exposure path */
	bool		 rules_unknown;	/* the record carries no rule list
					   (a list call, properties null) */
	const char	*malformed;	/* why its rules cannot be read
					   (a bad field), or NULL: then the
					   exposure through it is
					   indeterminate, like rules_unknown */
};

/* The textual shape of a rule, as ARM gives it; strings borrowed. */
struct net_rule_src {
	const char	*name;		/* rule name */
	const char	*id;		/* ARM id or NULL */
	int64_t		 priority;	/* priority */
	const char	*access;	/* "Allow" / "Deny" */
	const char	*direction;	/* "Inbound" / "Outbound" */
	const char	*protocol;	/* "Tcp", "*", ... */
	const char	*const *src;	/* source prefixes and tags */
	size_t		 n_src;
	const char	*const *src_asgs; /* source ASG ids */
	size_t		 n_src_asgs;
	const char	*const *dst;	/* destination prefixes and tags */
	size_t		 n_dst;
	const char	*const *dst_asgs; /* destination ASG ids */
	size_t		 n_dst_asgs;
	const char	*const *dports;	/* destination port items */
	size_t		 n_dports;
	const char	*const *sports;	/* source port items */
	size_t		 n_sports;
};

/*
 * Compile one rule from its textual shape into out, allocating from a.
 * Strings (name, id, words, ASG ids) are borrowed, not copied: they must
 * outlive the rule (the snapshot's JSON does).
 * Items that do not parse as an address become named tags, as Azure treats
 * any unknown word as a service tag; ports that do not parse yield
 * OV_EINVALID (with a message on ctx).
 */
int	net_rule_compile(struct net_rule *out, struct ov_arena *a,
	    ov_ctx *ctx, const struct net_rule_src *src);
/*
 * Finish an NSG: append the six default rules and sort each direction by
 * priority.  Ties (which Azure rejects) are broken deny first, then by rule
 * name, so evaluation stays deterministic.  rules must have room for
 * n_custom + NET_N_DEFAULT_RULES entries.
 */
#define NET_N_DEFAULT_RULES 6
int	net_nsg_finish(struct net_nsg *nsg, struct ov_arena *a,
	    size_t n_custom);
/*
 * The ARM id of a rule.  Default rules carry only their name; their id
 * (NSG id + "/defaultSecurityRules/" + name) is formatted into a.  NULL
 * when out of memory.
 */
const char *net_rule_id(struct ov_arena *a, const struct net_rule *r);
/* Parse a protocol word into a NET_P_* mask; 0 when unknown. */
unsigned net_proto_parse(const char *s);
/* The name of a single protocol bit ("Tcp"...). */
const char *net_proto_name(unsigned bit);

/* One side of a flow, as an NSG sees it. */
enum net_ep_kind {
	NET_EP_INTERNET = 0,	/* any internet address */
	NET_EP_ADDR,		/* a private address in some VNet */
	NET_EP_ALB		/* the platform load balancer probe */
};

struct net_endpoint {
	enum net_ep_kind kind;		/* what it is */
	struct net_addr	 addr;		/* its address when has_addr */
	bool		 has_addr;	/* address known */
	bool		 v6;		/* address family */
	struct net_range subnet;	/* prefix it lives in, when has_subnet */
	bool		 has_subnet;	/* subnet prefix known */
	bool		 in_vnet;	/* inside the NSG's VirtualNetwork tag */
	bool		 one_family;	/* internet: only addresses of family v6
					   (set by net_eval_nsg from the local
					   side); else both families */
	const char	*const *asgs;	/* ASG ids it belongs to */
	size_t		 n_asgs;
};

/* How far a rule's address spec matches an endpoint. */
enum net_match {
	NET_M_NONE = 0,
	NET_M_PARTIAL,		/* some of the endpoint's addresses */
	NET_M_FULL		/* all of them */
};

enum net_match net_aspec_match(const struct net_aspec *s,
	    const struct net_endpoint *ep);

/*
 * A port segment of an evaluation result: ports lo..hi are allowed, from
 * every source of the query (full) or only from part of it, by the rules
 * named (NULL when no NSG sits at that level).
 */
struct net_seg {
	uint16_t	 lo;		/* first port */
	uint16_t	 hi;		/* last port */
	bool		 full;		/* allowed for the whole query */
	const struct net_rule *by[4];	/* deciding rules, one per NSG */
	uint8_t		 n_by;		/* used entries of by[] */
};

struct net_segs {
	struct net_seg	*v;		/* heap */
	size_t		 n;		/* used */
	size_t		 cap;		/* allocated */
};

/*
 * Evaluate one NSG (NULL = no NSG: everything allowed) for one protocol
 * bit and direction: local is the protected NIC, remote the other side.
 * Rules are applied in priority order, first match wins; allowed port
 * segments are written to out (cleared first).
 */
int	net_eval_nsg(struct net_segs *out, const struct net_nsg *nsg,
	    enum net_dir dir, unsigned proto, const struct net_endpoint *local,
	    const struct net_endpoint *remote);
/* out = a ∩ b, keeping the deciding rules of both. */
int	net_segs_intersect(struct net_segs *out, const struct net_segs *a,
	    const struct net_segs *b);
/* Restrict s in place to ports lo..hi. */
void	net_segs_clip(struct net_segs *s, unsigned lo, unsigned hi);
/* True when some segment has full (or any, when !need_full) coverage. */
bool	net_segs_any(const struct net_segs *s, bool need_full);
void	net_segs_free(struct net_segs *s);

/* ---- topology (topology.c) --------------------------------------------- */

struct net_vnet;
struct net_subnet;

struct net_peering {
	struct net_vnet	*remote;	/* remote VNet (may be a stub) */
	const char	*id;		/* peering id */
	bool		 connected;	/* peeringState Connected */
	bool		 access;	/* allowVirtualNetworkAccess */
};

struct net_vnet {
	const char	*id;		/* ARM id */
	const char	*name;		/* name */
	const struct ov_record *rec;	/* record, or NULL for a stub */
	struct net_range *space;	/* address prefixes */
	size_t		 n_space;
	struct net_peering *peers;	/* outgoing peerings */
	size_t		 n_peers;
	size_t		 peers_cap;
	uint32_t	 idx;		/* index in topo->vnets */
};

struct net_subnet {
	const char	*id;		/* ARM id */
	const char	*name;		/* name */
	struct net_vnet	*vnet;		/* parent, or NULL */
	struct net_range *prefix;	/* address prefixes */
	size_t		 n_prefix;
	const char	*nsg_id;	/* associated NSG id, or NULL */
	struct net_nsg	*nsg;		/* resolved NSG, or NULL */
	bool		 nsg_missing;	/* nsg_id given but not collected */
};

/* Kinds of workloads an ipconfig belongs to. */
enum net_wl_kind {
	NET_WL_NIC = 0,		/* a NIC (optionally of a VM) */
	NET_WL_VMSS		/* a scale-set NIC configuration */
};

/* One IP configuration: the unit NSGs are evaluated for. */
struct net_ipconf {
	const char	*id;		/* ipconfig id (or synthetic) */
	const char	*name;		/* ipconfig name */
	const char	*nic_id;	/* NIC id, or the VMSS id */
	const char	*nic_name;	/* NIC / NIC configuration name */
	const char	*workload_id;	/* VM, VMSS or NIC id: the resource */
	const char	*workload_type;	/* its type */
	const char	*workload_name;	/* its name */
	const struct ov_record *wl_rec;	/* workload record, or NULL */
	const struct ov_record *nic_rec; /* NIC (or VMSS) record */
	enum net_wl_kind kind;		/* NIC or VMSS */
	struct net_addr	 addr;		/* private IP when has_addr */
	const char	*addr_text;	/* addr formatted, or NULL */
	bool		 has_addr;
	bool		 v6;		/* address family */
	struct net_subnet *subnet;	/* subnet, or NULL when unknown */
	const char	*subnet_id;	/* subnet id as referenced */
	struct net_nsg	*nic_nsg;	/* NIC NSG, or NULL */
	bool		 nic_nsg_missing; /* referenced but not collected */
	const char	**asgs;		/* ASG ids */
	size_t		 n_asgs;
	const char	*pip_id;	/* public IP id, or NULL */
	const char	*pip_addr;	/* public IP address, or NULL */
	bool		 pip_standard;	/* public IP SKU is Standard */
	bool		 vmss_pip;	/* VMSS per-instance public IP */
	const char	**pools;	/* LB / app gateway pool ids */
	size_t		 n_pools;
	const char	**nats;		/* LB inbound NAT rule / pool ids */
	size_t		 n_nats;
	const char	*zone;		/* zone name (arena) */
	size_t		 ix;		/* its place in net_topo.ipcs */
};

struct net_topo {
	struct ov_arena	 arena;		/* everything below */
	ov_ctx		*ctx;		/* errors */
	const struct ov_snapshot *snap;	/* borrowed, may be NULL */
	struct net_nsg	**nsgs;		/* all NSGs */
	size_t		 n_nsgs, nsgs_cap;
	struct net_vnet	**vnets;	/* all VNets (and stubs) */
	size_t		 n_vnets, vnets_cap;
	struct net_subnet **subnets;	/* all subnets */
	size_t		 n_subnets, subnets_cap;
	struct net_ipconf **ipcs;	/* all IP configurations */
	size_t		 n_ipcs, ipcs_cap;
	struct ov_map	 nsg_by_id;	/* id -> net_nsg */
	struct ov_map	 vnet_by_id;	/* id -> net_vnet */
	struct ov_map	 subnet_by_id;	/* id -> net_subnet */
	struct ov_map	 ipc_by_id;	/* ipconfig id -> net_ipconf */
	struct ov_groups ipc_by_pool;	/* pool / NAT id -> net_ipconfs */
	struct ov_map	 ipc_by_addr;	/* private IP text -> net_ipconf */
	const char	*zone_tag;	/* tag naming zones */
	struct net_bad	*bad;		/* malformed NICs, NSGs, rules */
	size_t		 n_bad, bad_cap;
};

/* A record whose network data cannot be read: what it exposes is unknown. */
struct net_bad {
	const struct ov_record	*rec;		/* NIC, NSG or rule record */
	const char		*reason;	/* one line (arena) */
};

/* Allocators and look-ups shared by the topology code and the tests. */
int	net_topo_init(struct net_topo *t, ov_ctx *ctx);
void	net_topo_free(struct net_topo *t);
int	net_topo_add_nsg(struct net_topo *t, struct net_nsg *nsg);
struct net_nsg *net_topo_nsg(const struct net_topo *t, const char *id);
struct net_vnet *net_topo_vnet(struct net_topo *t, const char *id,
	    bool create);
struct net_subnet *net_topo_subnet(struct net_topo *t, const char *id,
	    bool create);
int	net_topo_add_ipc(struct net_topo *t, struct net_ipconf *ipc);
/* True when two VNets can talk: same, or peered Connected both ways. */
bool	net_vnets_reach(const struct net_vnet *a, const struct net_vnet *b);
/* Record why rec's network data cannot be read; 0 or OV_ENOMEM. */
int	net_topo_bad(struct net_topo *t, const struct ov_record *rec,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Build the topology from an indexed snapshot. */
int	net_topo_build(struct net_topo *t, const struct ov_snapshot *snap,
	    const char *zone_tag);
/* Compile the NSG in one record into a net_nsg (used by drift too). */
int	net_nsg_from_record(struct net_nsg **out, struct ov_arena *a,
	    ov_ctx *ctx, const struct ov_record *rec);

/* ---- exposure (exposure.c) --------------------------------------------- */

/* A workload that a forbidden zone flow reaches, by destination subnet. */
struct net_forb {
	const char	*subnet_id;	/* destination subnet */
	const struct net_ipconf *ipc;	/* the reached IP configuration */
};

/* Everything the analysis found; the public ov_network handle. */
struct ov_network {
	struct net_topo	 topo;		/* the graph */
	ov_ctx		*ctx;		/* borrowed */
	struct ov_arena	 arena;		/* result strings and arrays */
	ov_network_exposure *exp;	/* exposures, sorted */
	size_t		 n_exp, exp_cap;
	ov_network_flow	*flows;		/* zone flows, sorted */
	size_t		 n_flows, flows_cap;
	const char	**zones;	/* zone names, sorted */
	size_t		 n_zones;
	bool		 flows_truncated; /* pair budget reached */
	struct net_forb	*forb;		/* workloads behind forbidden flows */
	size_t		 n_forb, forb_cap;
	ov_network_options opts;	/* copy of the options */
};

int	net_exposure_compute(struct ov_network *n);
int	net_flows_compute(struct ov_network *n);
/* Append the analysis's findings to out. */
int	net_findings(const struct ov_network *n, ov_findings *out,
	    int64_t now);
/* ov_json_sink that writes to a FILE *. */
int	net_sink_file(const char *data, size_t len, void *payload);
/* True when port is a management or database port. */
bool	net_port_is_mgmt(unsigned port);
/* True when the range lo..hi holds a management or database port. */
bool	net_range_has_mgmt(unsigned lo, unsigned hi, unsigned *which);

#endif
