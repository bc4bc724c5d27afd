/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/network.h
 * @brief Network exposure, segmentation and NSG drift (the `network`
 * analyzer, DESIGN section 6).
 *
 * Ownership: an ov_network from ov_network_analyze() and an
 * ov_network_diff from ov_network_diff_new() are owned by the caller and
 * released with ov_network_free() / ov_network_diff_free().  Every pointer
 * returned by their getters is borrowed and lives as long as the handle;
 * the snapshots given must outlive it too.
 */
#ifndef OVERVISOR_NETWORK_H
#define OVERVISOR_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "overvisor/common.h"
#include "overvisor/exceptions.h"
#include "overvisor/finding.h"
#include "overvisor/snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A network analysis of one snapshot. */
typedef struct ov_network ov_network;

/** How internet traffic reaches a workload. */
typedef enum {
	OV_NET_PATH_PUBLIC_IP = 0,	/**< public IP on the NIC */
	OV_NET_PATH_LB_RULE,		/**< public load balancer rule */
	OV_NET_PATH_LB_NAT,		/**< load balancer inbound NAT */
	OV_NET_PATH_APPGW,		/**< application gateway backend */
	OV_NET_PATH_FW_DNAT		/**< Azure Firewall DNAT rule */
} ov_network_path;

/** One NSG rule that lets a path through. */
typedef struct {
	const char	*nsg_id;	/**< NSG id; NULL when no NSG sits at
					     this level */
	const char	*rule_id;	/**< rule id (ARM id or synthetic) */
	const char	*rule_name;	/**< rule name */
	int		 priority;	/**< rule priority */
	const char	*level;		/**< "subnet" or "nic" */
} ov_network_rule_ref;

/** One internet exposure: a port range of a workload and how it is reached. */
typedef struct {
	const char	*resource_id;	/**< VM, VMSS or NIC id */
	const char	*resource_type;	/**< its type */
	const char	*resource_name;	/**< its name */
	const char	*subscription_id; /**< may be NULL */
	const char	*resource_group; /**< may be NULL */
	const char	*nic_id;	/**< NIC (or VMSS) id */
	const char	*ipconfig;	/**< IP configuration name */
	const char	*private_ip;	/**< backend address, or NULL */
	ov_network_path	 path;		/**< path kind */
	const char	*via_id;	/**< public IP, LB, gateway or firewall */
	const char	*via_rule;	/**< LB/NAT/listener/DNAT rule, or NULL */
	const char	*frontend;	/**< "address:port" or "port", or NULL */
	const char	*protocol;	/**< "Tcp" or "Udp" */
	unsigned	 port_lo;	/**< first backend port */
	unsigned	 port_hi;	/**< last backend port */
	const char	*source;	/**< "Internet", or the restricted
					     sources */
	bool		 any_source;	/**< open to every internet source */
	bool		 waf;		/**< fronted by a WAF */
	bool		 indeterminate;	/**< an NSG or subnet on the path was
					     not collected */
	ov_severity	 severity;	/**< judged severity */
	const ov_network_rule_ref *rules; /**< NSG rules letting it through */
	size_t		 n_rules;	/**< number of rules */
} ov_network_exposure;

/** Allowed traffic between two zones on one port range. */
typedef struct {
	const char	*from_zone;	/**< source zone */
	const char	*to_zone;	/**< destination zone */
	const char	*protocol;	/**< "Tcp" or "Udp" */
	unsigned	 port_lo;	/**< first port */
	unsigned	 port_hi;	/**< last port */
	size_t		 n_pairs;	/**< workload pairs with this flow */
	const char	*example_src;	/**< one source workload id */
	const char	*example_dst;	/**< one destination workload id */
	bool		 forbidden;	/**< the zone pair is forbidden */
	const char	*rule_id;	/**< an inbound rule that allows it */
	const char	*nsg_id;	/**< the NSG holding rule_id */
	const char	*from_subnet;	/**< a source subnet (the first seen) */
	const char	*to_subnet;	/**< destination subnet id */
} ov_network_flow;

/** Options of ov_network_analyze(). */
typedef struct {
	unsigned	 version;	/**< OV_NETWORK_OPTIONS_VERSION */
	const char	*zone_tag;	/**< tag naming zones; NULL = "env" */
	const char *const *forbid;	/**< forbidden zone pairs "from:to" */
	size_t		 n_forbid;	/**< number of forbid entries */
	bool		 no_default_forbid; /**< do not forbid dev/test ->
					     prod on management ports */
	bool		 skip_flows;	/**< do not compute zone flows */
	uint64_t	 max_flow_pairs; /**< pair evaluations budget; 0 =
					     default */
} ov_network_options;

#define OV_NETWORK_OPTIONS_VERSION 1
#define OV_NETWORK_OPTIONS_INIT { OV_NETWORK_OPTIONS_VERSION, NULL, NULL, 0, \
	false, false, 0 }

/**
 * Analyze the network of an indexed snapshot: topology, internet exposure
 * and (unless opts->skip_flows) zone flows.  opts may be NULL for the
 * defaults.  On success *out is owned by the caller.
 */
OV_EXTERN(int) ov_network_analyze(ov_network **out, ov_ctx *ctx,
    const ov_snapshot *snap, const ov_network_options *opts);

/** Release an analysis.  NULL is ignored. */
OV_EXTERN(void) ov_network_free(ov_network *n);

/** Number of exposures, in deterministic order. */
OV_EXTERN(size_t) ov_network_exposure_count(const ov_network *n);
/** Exposure i, or NULL past the end. */
OV_EXTERN(const ov_network_exposure *) ov_network_exposure_at(
    const ov_network *n, size_t i);
/** Number of zone flows. */
OV_EXTERN(size_t) ov_network_flow_count(const ov_network *n);
/** Flow i, or NULL past the end. */
OV_EXTERN(const ov_network_flow *) ov_network_flow_at(const ov_network *n,
    size_t i);
/** Append the analysis's findings (exposure, NSG, segmentation) to out. */
OV_EXTERN(int) ov_network_findings(const ov_network *n, ov_findings *out);

/**
 * Number of NICs, NSGs and security rules whose data could not be read
 * (a field of the wrong shape, an address or port that is none): the
 * exposure through each is indeterminate, reported as an OV-NET-140
 * finding with the reason.  Callers exit 3 (input problems) when it is
 * not zero.
 */
OV_EXTERN(size_t) ov_network_n_malformed(const ov_network *n);

/** Output formats of the writers. */
typedef enum {
	OV_NETWORK_TEXT = 0,
	OV_NETWORK_JSON
} ov_network_format;

/** Write the exposures to f. */
OV_EXTERN(int) ov_network_write_exposure(const ov_network *n,
    ov_network_format fmt, FILE *f);
/** Write the zone list, the zone-to-zone matrix and the flows to f. */
OV_EXTERN(int) ov_network_write_flows(const ov_network *n,
    ov_network_format fmt, FILE *f);

/** Name of a path kind ("public-ip", "lb-rule", ...). */
OV_EXTERN(const char *) ov_network_path_name(ov_network_path p);

/* Drift. */

/** What happened to an NSG rule between two snapshots. */
typedef enum {
	OV_NET_RULE_ADDED = 0,	/**< new rule */
	OV_NET_RULE_WIDENED,	/**< allows more than before */
	OV_NET_RULE_NARROWED,	/**< allows less than before */
	OV_NET_RULE_CHANGED,	/**< changed otherwise */
	OV_NET_RULE_REMOVED	/**< rule gone */
} ov_network_change_kind;

/** One NSG rule change. */
typedef struct {
	ov_network_change_kind kind;	/**< what changed */
	const char	*nsg_id;	/**< NSG id */
	const char	*rule_id;	/**< rule id */
	const char	*rule_name;	/**< rule name */
	const char	*before;	/**< rule summary before, or NULL */
	const char	*after;		/**< rule summary after, or NULL */
	bool		 allows_internet; /**< the new rule allows inbound
					     from the internet */
	bool		 excepted;	/**< covered by an exception */
	int64_t		 exception_expires; /**< its expiry, Unix seconds */
	const char	*exception;	/**< exception id / pattern, or NULL */
} ov_network_change;

/**
 * Exception hook: return true when (rule id, NSG rule id) is covered by an
 * exception, and set *expires (Unix seconds; an exception without expiry
 * must return false) and *name.  payload is passed through.
 */
typedef bool (*ov_network_exception_cb)(const char *check_id,
    const char *resource_id, int64_t *expires, const char **name,
    void *payload);

/** Options of ov_network_diff_new(). */
typedef struct {
	unsigned	 version;	/**< OV_NETWORK_OPTIONS_VERSION */
	ov_network_exception_cb exception; /**< NULL: no exceptions */
	void		*payload;	/**< for exception */
	const char *const *exception_patterns; /**< "PATTERN@YYYY-MM-DD":
					     NSG rule id glob with expiry */
	size_t		 n_exception_patterns; /**< number of patterns */
	const ov_exceptions *exceptions; /**< exceptions.yaml entries (rule
					     glob over OV-NET-130/131, resource
					     glob over the NSG rule id), or
					     NULL; borrowed */
} ov_network_diff_options;

#define OV_NETWORK_DIFF_OPTIONS_INIT { OV_NETWORK_OPTIONS_VERSION, NULL, \
	NULL, NULL, 0, NULL }

/** NSG rule drift between two snapshots. */
typedef struct ov_network_diff ov_network_diff;

/**
 * Compare the NSG rules of baseline and current (both indexed).  opts may
 * be NULL.  On success *out is owned by the caller.
 */
OV_EXTERN(int) ov_network_diff_new(ov_network_diff **out, ov_ctx *ctx,
    const ov_snapshot *baseline, const ov_snapshot *current,
    const ov_network_diff_options *opts);
/** Release a diff.  NULL is ignored. */
OV_EXTERN(void) ov_network_diff_free(ov_network_diff *d);
/** Number of changes, in deterministic order. */
OV_EXTERN(size_t) ov_network_diff_count(const ov_network_diff *d);
/** Change i, or NULL past the end. */
OV_EXTERN(const ov_network_change *) ov_network_diff_at(
    const ov_network_diff *d, size_t i);
/**
 * Append drift findings: every added or widened rule not covered by an
 * unexpired exception.
 */
OV_EXTERN(int) ov_network_diff_findings(const ov_network_diff *d,
    ov_findings *out);
/** Write the changes to f. */
OV_EXTERN(int) ov_network_write_diff(const ov_network_diff *d,
    ov_network_format fmt, FILE *f);
/** Name of a change kind ("added", ...). */
OV_EXTERN(const char *) ov_network_change_name(ov_network_change_kind k);

#ifdef __cplusplus
}
#endif
#endif
