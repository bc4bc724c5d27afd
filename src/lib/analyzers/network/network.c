/* SPDX-License-Identifier: MIT */
/*
 * The network analyzer: public API (include/overvisor/network.h), the
 * findings it emits and its entry in the analyzer registry.  Check ids are
 * documented in docs/network.md:
 *   OV-NET-101  management/database port reachable from the internet
 *   OV-NET-102  other port reachable from the internet
 *   OV-NET-103  workload published through an application gateway
 *   OV-NET-110  NSG rule opens an internet path (finding on the NSG)
 *   OV-NET-111  firewall DNAT rule publishes a workload (on the firewall)
 *   OV-NET-120  flow between zones that must not talk
 *   OV-NET-130  NSG allow rule added since the baseline, no exception
 *   OV-NET-131  NSG allow rule widened since the baseline, no exception
 *   OV-NET-140  network data of a NIC or NSG cannot be read: what it
 *               exposes is indeterminate (with the reason)
 */
#include "lib/analyzers/network/net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/analyzers/analyzer.h"
#include "lib/analyzers/duty.h"
#include "lib/json/json_out.h"
#include "lib/model/model.h"
#include "lib/raci/contract.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

/* Sink for ov_json_write_string into a FILE. */
int
net_sink_file(const char *data, size_t len, void *payload)
{
	return fwrite(data, 1, len, payload) == len ? 0 : OV_EIO;
}

/* Analyze the network of a snapshot. */
int
ov_network_analyze(ov_network **out, ov_ctx *ctx, const ov_snapshot *snap,
    const ov_network_options *opts)
{
	struct ov_network *n;
	int error;

	OV_ASSERT_ARG(out != NULL && snap != NULL);
	*out = NULL;
	if ((n = ov__calloc(1, sizeof(*n))) == NULL)
		return ov__error_oom(ctx);
	n->ctx = ctx;
	ov__arena_init(&n->arena, 0, 0);
	net_topo_init(&n->topo, ctx);
	if (opts != NULL)
		n->opts = *opts;
	else {
		ov_network_options d = OV_NETWORK_OPTIONS_INIT;

		n->opts = d;
	}
	if ((error = net_topo_build(&n->topo, snap, n->opts.zone_tag)) < 0 ||
	    (error = net_exposure_compute(n)) < 0)
		goto fail;
	if (!n->opts.skip_flows && (error = net_flows_compute(n)) < 0)
		goto fail;
	*out = n;
	return 0;
fail:
	ov_network_free(n);
	return error;
}

/* Release an analysis. */
void
ov_network_free(ov_network *n)
{
	if (n == NULL)
		return;
	net_topo_free(&n->topo);
	ov__free(n->exp);
	ov__free(n->flows);
	ov__free(n->forb);
	ov__arena_free(&n->arena);
	ov__free(n);
}

size_t
ov_network_exposure_count(const ov_network *n)
{
	return n != NULL ? n->n_exp : 0;
}

const ov_network_exposure *
ov_network_exposure_at(const ov_network *n, size_t i)
{
	return n != NULL && i < n->n_exp ? &n->exp[i] : NULL;
}

size_t
ov_network_flow_count(const ov_network *n)
{
	return n != NULL ? n->n_flows : 0;
}

const ov_network_flow *
ov_network_flow_at(const ov_network *n, size_t i)
{
	return n != NULL && i < n->n_flows ? &n->flows[i] : NULL;
}

/* Name of a path kind. */
const char *
ov_network_path_name(ov_network_path p)
{
	switch (p) {
	case OV_NET_PATH_PUBLIC_IP:
		return "public-ip";
	case OV_NET_PATH_LB_RULE:
		return "lb-rule";
	case OV_NET_PATH_LB_NAT:
		return "lb-nat";
	case OV_NET_PATH_APPGW:
		return "app-gateway";
	case OV_NET_PATH_FW_DNAT:
		return "firewall-dnat";
	}
	return "unknown";
}

static int
ports_text(struct ov_buf *b, unsigned lo, unsigned hi)
{
	if (lo == hi)
		return ov__buf_printf(b, "%u", lo);
	return ov__buf_printf(b, "%u-%u", lo, hi);
}

/* One exposure as a JSON object. */
static int
exp_json(struct ov_buf *b, const ov_network_exposure *e)
{
	size_t k;
	int error = 0;

	error |= ov__buf_puts(b, "{\"resource\":");
	error |= ov_json__buf_string(b, e->resource_id);
	error |= ov__buf_puts(b, ",\"type\":");
	error |= ov_json__buf_string(b, e->resource_type);
	error |= ov__buf_puts(b, ",\"nic\":");
	error |= ov_json__buf_string(b, e->nic_id);
	error |= ov__buf_puts(b, ",\"ipConfiguration\":");
	error |= ov_json__buf_string(b, e->ipconfig);
	error |= ov__buf_puts(b, ",\"privateIp\":");
	error |= ov_json__buf_string(b, e->private_ip);
	error |= ov__buf_printf(b, ",\"path\":\"%s\",\"via\":",
	    ov_network_path_name(e->path));
	error |= ov_json__buf_string(b, e->via_id);
	error |= ov__buf_puts(b, ",\"viaRule\":");
	error |= ov_json__buf_string(b, e->via_rule);
	error |= ov__buf_puts(b, ",\"frontend\":");
	error |= ov_json__buf_string(b, e->frontend);
	error |= ov__buf_printf(b, ",\"protocol\":\"%s\",\"ports\":\"",
	    e->protocol);
	error |= ports_text(b, e->port_lo, e->port_hi);
	error |= ov__buf_puts(b, "\",\"source\":");
	error |= ov_json__buf_string(b, e->source);
	error |= ov__buf_printf(b, ",\"anySource\":%s,\"waf\":%s,"
	    "\"indeterminate\":%s,\"severity\":\"%s\",\"rules\":[",
	    e->any_source ? "true" : "false", e->waf ? "true" : "false",
	    e->indeterminate ? "true" : "false",
	    ov_severity_name(e->severity));
	for (k = 0; k < e->n_rules; k++) {
		const ov_network_rule_ref *r = &e->rules[k];

		error |= ov__buf_printf(b, "%s{\"level\":\"%s\",\"nsg\":",
		    k ? "," : "", r->level);
		error |= ov_json__buf_string(b, r->nsg_id);
		error |= ov__buf_puts(b, ",\"rule\":");
		error |= ov_json__buf_string(b, r->rule_id);
		error |= ov__buf_puts(b, ",\"name\":");
		error |= ov_json__buf_string(b, r->rule_name);
		error |= ov__buf_printf(b, ",\"priority\":%d}", r->priority);
	}
	error |= ov__buf_puts(b, "]}");
	return error != 0 ? OV_ENOMEM : 0;
}

static int
rules_text(struct ov_buf *b, const ov_network_exposure *e)
{
	size_t k;
	int error = 0;

	for (k = 0; k < e->n_rules; k++) {
		const ov_network_rule_ref *r = &e->rules[k];

		if (r->nsg_id == NULL)	/* "(no NSG)", "(NSG not collected)" */
			error |= ov__buf_printf(b, "%s%s: %.*s", k ? "; " : "",
			    r->level, (int)strlen(r->rule_name) - 2,
			    r->rule_name + 1);
		else
			error |= ov__buf_printf(b, "%s%s: %s (priority %d) in "
			    "%s", k ? "; " : "", r->level, r->rule_name,
			    r->priority, r->nsg_id);
	}
	return error != 0 ? OV_ENOMEM : 0;
}

/* Write the exposures. */
int
ov_network_write_exposure(const ov_network *n, ov_network_format fmt,
    FILE *f)
{
	struct ov_buf b = OV_BUF_INIT(OV_BUF_MAX_DEFAULT);
	size_t i;
	int error = 0;

	OV_ASSERT_ARG(n != NULL && f != NULL);
	if (fmt == OV_NETWORK_JSON) {
		error |= ov__buf_puts(&b, "{\"exposures\":[");
		for (i = 0; i < n->n_exp; i++) {
			if (i > 0)
				error |= ov__buf_putc(&b, ',');
			error |= exp_json(&b, &n->exp[i]);
		}
		error |= ov__buf_puts(&b, "],\"indeterminate\":[");
		for (i = 0; i < n->topo.n_bad; i++) {
			error |= ov__buf_puts(&b, i > 0 ? ",{\"resource\":" :
			    "{\"resource\":");
			error |= ov_json__buf_string(&b,
			    n->topo.bad[i].rec->id);
			error |= ov__buf_puts(&b, ",\"reason\":");
			error |= ov_json__buf_string(&b,
			    n->topo.bad[i].reason);
			error |= ov__buf_putc(&b, '}');
		}
		error |= ov__buf_puts(&b, "]}\n");
	} else {
		/* Unreadable data first: "nothing found" would be false. */
		for (i = 0; i < n->topo.n_bad; i++)
			error |= ov__buf_printf(&b, "indeterminate %s\n    %s; "
			    "its internet exposure cannot be judged\n",
			    n->topo.bad[i].rec->id, n->topo.bad[i].reason);
		if (n->n_exp == 0 && n->topo.n_bad == 0)
			error |= ov__buf_puts(&b, "no internet exposure "
			    "found\n");
		for (i = 0; i < n->n_exp; i++) {
			const ov_network_exposure *e = &n->exp[i];

			error |= ov__buf_printf(&b, "%-8s %s %s ",
			    ov_severity_name(e->severity), e->protocol,
			    e->any_source ? "" : "(restricted)");
			error |= ports_text(&b, e->port_lo, e->port_hi);
			error |= ov__buf_printf(&b, " %s%s\n    via %s %s%s%s",
			    e->resource_id, e->indeterminate ?
			    " [indeterminate]" : "",
			    ov_network_path_name(e->path),
			    e->via_id != NULL ? e->via_id : "",
			    e->via_rule != NULL ? " rule " : "",
			    e->via_rule != NULL ? e->via_rule : "");
			if (e->frontend != NULL)
				error |= ov__buf_printf(&b, " frontend %s",
				    e->frontend);
			error |= ov__buf_printf(&b, "\n    source %s; ",
			    e->source);
			error |= rules_text(&b, e);
			error |= ov__buf_putc(&b, '\n');
		}
	}
	if (error != 0) {
		ov__buf_free(&b);
		return ov__error_oom(n->ctx);
	}
	if (fwrite(ov__buf_cstr(&b), 1, b.len, f) != b.len)
		error = OV_EIO;
	ov__buf_free(&b);
	return error;
}

/* Print the union of the port ranges of one zone pair and protocol. */
static void
matrix_cell(const ov_network *n, const char *from, const char *to,
    const char *proto, FILE *f, bool *any, bool *bad)
{
	struct net_prange v[512];
	size_t k, m = 0, seen = 0;
	bool more = false;

	/* Every flow decides "forbidden"; the ranges are merged whenever the
	 * buffer fills, and only distinct ranges beyond it are elided. */
	for (k = 0; k < n->n_flows; k++) {
		const ov_network_flow *w = &n->flows[k];

		if (strcmp(w->from_zone, from) != 0 ||
		    strcmp(w->to_zone, to) != 0 ||
		    strcmp(w->protocol, proto) != 0)
			continue;
		seen++;
		*bad |= w->forbidden;
		if (m == sizeof(v) / sizeof(v[0]))
			m = net_ports_normalize(v, m);
		if (m == sizeof(v) / sizeof(v[0])) {
			more = true;
			continue;
		}
		v[m].lo = (uint16_t)w->port_lo;
		v[m++].hi = (uint16_t)w->port_hi;
	}
	if (seen == 0)
		return;
	if (!*any)
		fprintf(f, "  %s -> %s:", from, to);
	*any = true;
	m = net_ports_normalize(v, m);
	for (k = 0; k < m; k++) {
		if (v[k].lo == 0 && v[k].hi == 65535)
			fprintf(f, " %s/*", proto);
		else if (v[k].lo == v[k].hi)
			fprintf(f, " %s/%u", proto, (unsigned)v[k].lo);
		else
			fprintf(f, " %s/%u-%u", proto, (unsigned)v[k].lo,
			    (unsigned)v[k].hi);
	}
	if (more)
		fprintf(f, " %s/(more ranges)", proto);
}

/* Write zones, the matrix and the flows. */
int
ov_network_write_flows(const ov_network *n, ov_network_format fmt, FILE *f)
{
	size_t i, j, k;

	OV_ASSERT_ARG(n != NULL && f != NULL);
	if (fmt == OV_NETWORK_JSON) {
		fputs("{\"zones\":[", f);
		for (i = 0; i < n->n_zones; i++) {
			fputs(i ? "," : "", f);
			(void)ov_json_write_string(n->zones[i],
			    strlen(n->zones[i]), 0, net_sink_file, f);
		}
		fprintf(f, "],\"truncated\":%s,\"flows\":[",
		    n->flows_truncated ? "true" : "false");
		for (i = 0; i < n->n_flows; i++) {
			const ov_network_flow *w = &n->flows[i];
			const char *sv[] = { w->from_zone, w->to_zone,
			    w->from_subnet, w->to_subnet, w->example_src,
			    w->example_dst, w->rule_id };
			const char *kn[] = { "from", "to", "fromSubnet",
			    "toSubnet", "exampleSource", "exampleDestination",
			    "rule" };

			fputs(i ? ",{" : "{", f);
			for (k = 0; k < sizeof(kn) / sizeof(kn[0]); k++) {
				fprintf(f, "%s\"%s\":", k ? "," : "", kn[k]);
				if (sv[k] == NULL)
					fputs("null", f);
				else
					(void)ov_json_write_string(sv[k],
					    strlen(sv[k]), 0, net_sink_file, f);
			}
			fprintf(f, ",\"protocol\":\"%s\",\"ports\":\"%u-%u\","
			    "\"pairs\":%zu,\"forbidden\":%s}", w->protocol,
			    w->port_lo, w->port_hi, w->n_pairs,
			    w->forbidden ? "true" : "false");
		}
		fputs("]}\n", f);
		return ferror(f) ? OV_EIO : 0;
	}
	fprintf(f, "zones: %zu\n", n->n_zones);
	fputs("matrix (from \\ to): allowed ports\n", f);
	for (i = 0; i < n->n_zones; i++)
		for (j = 0; j < n->n_zones; j++) {
			bool any = false, bad = false;

			if (i == j)
				continue;
			matrix_cell(n, n->zones[i], n->zones[j], "Tcp", f,
			    &any, &bad);
			matrix_cell(n, n->zones[i], n->zones[j], "Udp", f,
			    &any, &bad);
			if (any)
				fprintf(f, "%s\n", bad ? "  FORBIDDEN" : "");
		}
	for (k = 0; k < n->n_flows; k++) {
		const ov_network_flow *w = &n->flows[k];

		if (!w->forbidden)
			continue;
		fprintf(f, "forbidden %s -> %s %s %u-%u to %s from %s (%s)\n",
		    w->from_zone, w->to_zone, w->protocol, w->port_lo,
		    w->port_hi, w->to_subnet, w->from_subnet,
		    w->rule_id != NULL ? w->rule_id : "no NSG");
	}
	if (n->flows_truncated)
		fputs("(flow evaluation stopped at the pair budget)\n", f);
	return ferror(f) ? OV_EIO : 0;
}

/* ---- findings ---- */

static int
exp_evidence(struct ov_arena *a, const ov_network_exposure *e,
    ov_evidence *ev)
{
	struct ov_buf b = OV_BUF_INIT(1 << 20);
	int error;

	if ((error = exp_json(&b, e)) < 0)
		goto done;
	ev->path = ov__arena_printf(a, "%s %s", ov_network_path_name(e->path),
	    e->via_id != NULL ? e->via_id : "");
	ev->value = ov__arena_strdup(a, ov__buf_cstr(&b));
	ov__buf_clear(&b);
	error = ov__buf_printf(&b, "%s %u%s%u reachable from %s via %s; ",
	    e->protocol, e->port_lo, e->port_lo == e->port_hi ? "" : "-",
	    e->port_lo == e->port_hi ? e->port_lo : e->port_hi, e->source,
	    ov_network_path_name(e->path));
	if (e->port_lo == e->port_hi) {
		/* "22" not "2222" */
		ov__buf_clear(&b);
		error = ov__buf_printf(&b, "%s %u reachable from %s via %s; ",
		    e->protocol, e->port_lo, e->source,
		    ov_network_path_name(e->path));
	}
	if (error == 0)
		error = rules_text(&b, e);
	ev->message = ov__arena_strdup(a, ov__buf_cstr(&b));
	if (ev->path == NULL || ev->value == NULL || ev->message == NULL)
		error = OV_ENOMEM;
done:
	ov__buf_free(&b);
	return error;
}

enum { G_MGMT, G_OTHER, G_AGW, G_N };

static const char *const g_rule[G_N] = { "OV-NET-101", "OV-NET-102",
	"OV-NET-103" };

static int
group_of(const ov_network_exposure *e)
{
	if (e->path == OV_NET_PATH_APPGW)
		return G_AGW;
	if (net_range_has_mgmt(e->port_lo, e->port_hi, NULL))
		return G_MGMT;
	return G_OTHER;
}

/* A finding of check rule: title, duty, layer and remediation from its
 * row in the check table, severity and state from the data. */
static int
emit_finding(const struct ov_network *n, ov_findings *out, const char *rule,
    ov_severity sev, bool indet, const char *id, const char *type,
    const char *name, const char *sub, const char *rg, ov_evidence *ev,
    size_t n_ev)
{
	ov_finding f;
	int error;

	memset(&f, 0, sizeof(f));
	if ((error = ov_duty__from_check(n->ctx, &f, rule, sev, indet ?
	    OV_STATE_INDETERMINATE : OV_STATE_NON_COMPLIANT)) < 0)
		return error;
	f.resource_id = id;
	f.resource_type = type;
	f.resource_name = name;
	f.subscription_id = sub;
	f.resource_group = rg;
	f.owner = OV_OWNER_CUSTOMER;
	f.evidence = ev;
	f.n_evidence = n_ev;
	return ov_findings_add(out, &f);
}

static const ov_network_exposure *sort_base;

static int
cmp_idx(const void *pa, const void *pb)
{
	const ov_network_exposure *a = &sort_base[*(const size_t *)pa];
	const ov_network_exposure *b = &sort_base[*(const size_t *)pb];
	int c = ov__strcmp_ci(a->resource_id, b->resource_id);

	if (c != 0)
		return c;
	c = group_of(a) - group_of(b);
	if (c != 0)
		return c;
	return (*(const size_t *)pa > *(const size_t *)pb) -
	    (*(const size_t *)pa < *(const size_t *)pb);
}

/* Per-workload findings: one per group, all exposures as evidence. */
static int
workload_findings(const struct ov_network *n, struct ov_arena *a,
    ov_findings *out)
{
	size_t i, j, m = 0;
	int error;
	size_t *idx = ov__calloc(n->n_exp + 1, sizeof(*idx));
	ov_evidence *ev = ov__calloc(65, sizeof(*ev));

	if (idx == NULL || ev == NULL) {
		error = OV_ENOMEM;
		goto out;
	}
	for (i = 0; i < n->n_exp; i++)
		if (n->exp[i].any_source || group_of(&n->exp[i]) == G_AGW)
			idx[m++] = i;
	sort_base = n->exp;
	qsort(idx, m, sizeof(*idx), cmp_idx);
	for (i = 0; i < m; i = j) {
		const ov_network_exposure *e = &n->exp[idx[i]];
		int g = group_of(e);
		ov_severity sev = OV_SEV_INFO;
		bool indet = true;
		size_t n_ev = 0;

		for (j = i; j < m; j++) {
			const ov_network_exposure *x = &n->exp[idx[j]];

			if (group_of(x) != g ||
			    !ov__streq_ci(x->resource_id, e->resource_id))
				break;
			if (x->severity > sev)
				sev = x->severity;
			indet &= x->indeterminate;
			if (n_ev < 64 && (error = exp_evidence(a, x,
			    &ev[n_ev++])) < 0)
				goto out;
		}
		if ((error = emit_finding(n, out, g_rule[g], sev, indet,
		    e->resource_id, e->resource_type, e->resource_name,
		    e->subscription_id, e->resource_group, ev, n_ev)) < 0)
			goto out;
	}
	error = 0;
out:
	ov__free(idx);
	ov__free(ev);
	return error;
}

struct nsg_hit {
	const ov_network_exposure *e;	/* the exposure */
	const ov_network_rule_ref *r;	/* the rule in it */
	struct nsg_hit *next;		/* next hit of the same NSG */
};

/* NSG findings: each custom rule that opens a direct internet path. */
static int
nsg_findings(const struct ov_network *n, struct ov_arena *a,
    ov_findings *out)
{
	struct ov_map heads = OV_MAP_INIT;
	size_t gi, i, k;
	int error = 0;
	ov_evidence *ev = ov__calloc(65, sizeof(*ev));

	if (ev == NULL)
		return OV_ENOMEM;
	/* newest first per NSG; walk exposures backwards to keep order */
	for (i = n->n_exp; i > 0; i--) {
		const ov_network_exposure *e = &n->exp[i - 1];

		if (!e->any_source || e->path == OV_NET_PATH_APPGW ||
		    e->path == OV_NET_PATH_FW_DNAT)
			continue;
		for (k = 0; k < e->n_rules; k++) {
			const ov_network_rule_ref *r = &e->rules[k];
			struct nsg_hit *h;

			if (r->nsg_id == NULL || r->rule_id == NULL ||
			    strstr(r->rule_id, "/defaultSecurityRules/") !=
			    NULL)
				continue;
			if ((h = ov__arena_calloc(a, 1, sizeof(*h))) == NULL) {
				error = OV_ENOMEM;
				goto out;
			}
			h->e = e;
			h->r = r;
			h->next = ov__map_get(&heads, r->nsg_id,
			    strlen(r->nsg_id));
			/* replace the head: remove by re-putting is not
			 * supported, so chain through a fresh key slot */
			if (h->next == NULL && ov__map_put(&heads, r->nsg_id,
			    strlen(r->nsg_id), h) < 0) {
				error = OV_ENOMEM;
				goto out;
			}
			if (h->next != NULL) {
				/* insert after the head */
				struct nsg_hit *head = h->next;

				h->next = head->next;
				head->next = h;
			}
		}
	}
	for (gi = 0; gi < n->topo.n_nsgs; gi++) {
		const struct net_nsg *g = n->topo.nsgs[gi];
		ov_severity sev = OV_SEV_INFO;
		size_t n_ev = 0;
		const struct nsg_hit *h;

		if (!g->used)
			continue;
		for (h = ov__map_get(&heads, g->id, strlen(g->id));
		    h != NULL && n_ev < 64; h = h->next) {
			const ov_network_exposure *e = h->e;
			const ov_network_rule_ref *r = h->r;

			if (e->severity > sev)
				sev = e->severity;
			ev[n_ev].path = r->rule_id;
			ev[n_ev].value = ov__arena_printf(a,
			    "{\"priority\":%d,\"protocol\":\"%s\","
			    "\"ports\":\"%u-%u\"}", r->priority, e->protocol,
			    e->port_lo, e->port_hi);
			ev[n_ev].message = ov__arena_printf(a,
			    "rule %s lets the internet reach %s on %s %u-%u "
			    "via %s", r->rule_name, e->resource_id,
			    e->protocol, e->port_lo, e->port_hi,
			    ov_network_path_name(e->path));
			if (ev[n_ev].value == NULL || ev[n_ev].message == NULL) {
				error = OV_ENOMEM;
				goto out;
			}
			n_ev++;
		}
		if (n_ev == 0)
			continue;
		if ((error = emit_finding(n, out, "OV-NET-110", sev, false,
		    g->id, "Microsoft.Network/networkSecurityGroups", g->name,
		    g->rec != NULL ? g->rec->place->subscription_id : NULL,
		    g->rec != NULL ? g->rec->place->resource_group : NULL, ev,
		    n_ev)) < 0)
			goto out;
	}
out:
	ov__map_free(&heads);
	ov__free(ev);
	return error;
}

/* A DNAT exposure open to any source, and the firewall it goes through. */
static bool
dnat_any(const ov_network_exposure *e)
{
	return e->path == OV_NET_PATH_FW_DNAT && e->any_source;
}

static const char *
via(const ov_network_exposure *e)
{
	return e->via_id != NULL ? e->via_id : "";
}

/* Firewall findings: DNAT rules publishing workloads to everyone. */
static int
fw_findings(const struct ov_network *n, struct ov_arena *a,
    ov_findings *out)
{
	struct ov_groups by_fw = OV_GROUPS_INIT;
	const struct ov_group *g;
	size_t i, at, *next = NULL;
	uint32_t gid;
	int error = 0;
	ov_evidence *ev = ov__calloc(65, sizeof(*ev));
	bool *done = ov__calloc(n->n_exp + 1, sizeof(*done));

	if (ev == NULL || done == NULL) {
		error = OV_ENOMEM;
		goto out;
	}
	/* the DNAT exposures open to any source, by firewall */
	for (i = 0; i < n->n_exp; i++)
		if (dnat_any(&n->exp[i]) && ov__groups_count(&by_fw,
		    via(&n->exp[i]), strlen(via(&n->exp[i])), &gid) < 0) {
			error = OV_ENOMEM;
			goto out;
		}
	if (ov__groups_layout(&by_fw) < 0 || (next = ov__calloc(
	    by_fw.n_groups + 1, sizeof(*next))) == NULL) {
		error = OV_ENOMEM;
		goto out;
	}
	for (i = 0; i < n->n_exp; i++)
		if (dnat_any(&n->exp[i]))
			ov__groups_add_key(&by_fw, via(&n->exp[i]),
			    strlen(via(&n->exp[i])), (void *)(uintptr_t)i);
	/* one finding per firewall and 64 exposures, in exposure order */
	for (i = 0; i < n->n_exp; i++) {
		const ov_network_exposure *e = &n->exp[i];
		ov_severity sev = OV_SEV_INFO;
		size_t n_ev = 0, *k;
		const struct ov_record *fw;

		if (done[i] || !dnat_any(e))
			continue;
		g = ov__groups_get(&by_fw, via(e), strlen(via(e)));
		k = &next[g - by_fw.groups];
		for (; *k < g->len && n_ev < 64; (*k)++) {
			const ov_network_exposure *x;

			at = (uintptr_t)g->items[*k];
			x = &n->exp[at];
			done[at] = true;
			if (x->severity > sev)
				sev = x->severity;
			if ((error = exp_evidence(a, x, &ev[n_ev++])) < 0)
				goto out;
		}
		fw = ov_model__by_id(n->topo.snap, e->via_id);
		if ((error = emit_finding(n, out, "OV-NET-111", sev, false,
		    e->via_id, "Microsoft.Network/azureFirewalls", fw != NULL ?
		    fw->name : NULL, fw != NULL ? fw->place->subscription_id : NULL,
		    fw != NULL ? fw->place->resource_group : NULL, ev, n_ev)) < 0)
			goto out;
	}
out:
	ov__groups_free(&by_fw);
	ov__free(next);
	ov__free(ev);
	ov__free(done);
	return error;
}

/*
 * Segmentation findings: one per destination subnet that a forbidden zone
 * flow reaches, with each flow and the workloads reached as evidence.
 */
static int
flow_findings(const struct ov_network *n, struct ov_arena *a,
    ov_findings *out)
{
	struct ov_groups by_subnet = OV_GROUPS_INIT, forb = OV_GROUPS_INIT;
	const struct ov_group *g;
	size_t i, j, k, at;
	uint32_t gid;
	int error;
	bool *done = ov__calloc(n->n_flows + 1, sizeof(*done));
	ov_evidence *ev = ov__calloc(66, sizeof(*ev));
	struct ov_buf wl = OV_BUF_INIT(1 << 16);

	if (done == NULL || ev == NULL) {
		error = OV_ENOMEM;
		goto out;
	}
	/* forbidden flows by destination subnet, the workloads by subnet */
	for (i = 0; i < n->n_flows; i++)
		if (n->flows[i].forbidden && ov__groups_count(&by_subnet,
		    n->flows[i].to_subnet, strlen(n->flows[i].to_subnet),
		    &gid) < 0) {
			error = OV_ENOMEM;
			goto out;
		}
	for (k = 0; k < n->n_forb; k++)
		if (ov__groups_count(&forb, n->forb[k].subnet_id,
		    strlen(n->forb[k].subnet_id), &gid) < 0) {
			error = OV_ENOMEM;
			goto out;
		}
	if (ov__groups_layout(&by_subnet) < 0 ||
	    ov__groups_layout(&forb) < 0) {
		error = OV_ENOMEM;
		goto out;
	}
	for (i = 0; i < n->n_flows; i++)
		if (n->flows[i].forbidden)
			ov__groups_add_key(&by_subnet, n->flows[i].to_subnet,
			    strlen(n->flows[i].to_subnet),
			    (void *)(uintptr_t)i);
	for (k = 0; k < n->n_forb; k++)
		ov__groups_add_key(&forb, n->forb[k].subnet_id,
		    strlen(n->forb[k].subnet_id), (void *)(uintptr_t)k);
	for (i = 0; i < n->n_flows; i++) {
		const ov_network_flow *w = &n->flows[i];
		ov_severity sev = OV_SEV_MEDIUM;
		size_t n_ev = 0, n_wl = 0;
		const struct net_subnet *sn;
		const struct ov_record *vr = NULL;

		if (done[i] || !w->forbidden)
			continue;
		g = ov__groups_get(&by_subnet, w->to_subnet,
		    strlen(w->to_subnet));
		for (j = 0; g != NULL && j < g->len; j++) {
			const ov_network_flow *x;

			at = (uintptr_t)g->items[j];
			x = &n->flows[at];
			done[at] = true;
			if (net_range_has_mgmt(x->port_lo, x->port_hi, NULL))
				sev = OV_SEV_HIGH;
			if (n_ev == 64)
				continue;
			ev[n_ev].path = x->rule_id != NULL ? x->rule_id :
			    "(no NSG)";
			ev[n_ev].message = ov__arena_printf(a, "zone %s may "
			    "reach zone %s on %s %u-%u from subnet %s (e.g. "
			    "%s to %s)", x->from_zone, x->to_zone, x->protocol,
			    x->port_lo, x->port_hi, x->from_subnet,
			    x->example_src, x->example_dst);
			if (ev[n_ev].message == NULL) {
				error = OV_ENOMEM;
				goto out;
			}
			n_ev++;
		}
		/* the workloads of the subnet that the flows reach */
		ov__buf_clear(&wl);
		error = 0;
		g = ov__groups_get(&forb, w->to_subnet, strlen(w->to_subnet));
		for (j = 0; g != NULL && j < g->len && n_wl < 32; j++) {
			const struct net_ipconf *ipc;

			k = (uintptr_t)g->items[j];
			ipc = n->forb[k].ipc;
			if (k > 0 && n->forb[k - 1].ipc->workload_id ==
			    ipc->workload_id)
				continue;
			error |= ov__buf_printf(&wl, "%s%s", n_wl ? "," : "",
			    ipc->workload_id);
			n_wl++;
		}
		if (error != 0) {
			error = OV_ENOMEM;
			goto out;
		}
		if (n_wl > 0) {
			ev[n_ev].path = "workloads";
			ev[n_ev].value = ov__arena_strdup(a,
			    ov__buf_cstr(&wl));
			ev[n_ev].message = ov__arena_printf(a, "workloads "
			    "reached in the subnet: %s", ov__buf_cstr(&wl));
			if (ev[n_ev].value == NULL ||
			    ev[n_ev].message == NULL) {
				error = OV_ENOMEM;
				goto out;
			}
			n_ev++;
		}
		sn = ov__map_get(&n->topo.subnet_by_id, w->to_subnet,
		    strlen(w->to_subnet));
		if (sn != NULL && sn->vnet != NULL)
			vr = sn->vnet->rec;
		if ((error = emit_finding(n, out, "OV-NET-120", sev, false,
		    w->to_subnet, "Microsoft.Network/virtualNetworks/subnets",
		    sn != NULL ? sn->name : NULL, vr != NULL ?
		    vr->place->subscription_id : NULL, vr != NULL ?
		    vr->place->resource_group : NULL, ev, n_ev)) < 0)
			goto out;
	}
	error = 0;
out:
	ov__groups_free(&by_subnet);
	ov__groups_free(&forb);
	ov__buf_free(&wl);
	ov__free(done);
	ov__free(ev);
	return error;
}

/*
 * Malformed NICs, NSGs and rules: each is an indeterminate finding with
 * the reason, so unreadable data never passes for "no exposure".
 */
static int
bad_findings(const struct ov_network *n, struct ov_arena *a,
    ov_findings *out)
{
	size_t i;
	int error;

	for (i = 0; i < n->topo.n_bad; i++) {
		const struct net_bad *b = &n->topo.bad[i];
		const struct ov_record *r = b->rec;
		ov_evidence ev;

		memset(&ev, 0, sizeof(ev));
		ev.path = "properties";
		ev.message = ov__arena_printf(a, "%s; the internet exposure "
		    "through it cannot be judged", b->reason);
		if (ev.message == NULL)
			return OV_ENOMEM;
		if ((error = emit_finding(n, out, "OV-NET-140", OV_SEV_MEDIUM,
		    true, r->id, r->type, r->name, r->place->subscription_id,
		    r->place->resource_group, &ev, 1)) < 0)
			return error;
	}
	return 0;
}

/* Append every finding of an analysis. */
int
net_findings(const struct ov_network *n, ov_findings *out, int64_t now)
{
	struct ov_arena a;
	int error;

	(void)now;
	ov__arena_init(&a, 0, 0);
	if ((error = workload_findings(n, &a, out)) < 0 ||
	    (error = nsg_findings(n, &a, out)) < 0 ||
	    (error = fw_findings(n, &a, out)) < 0 ||
	    (error = flow_findings(n, &a, out)) < 0 ||
	    (error = bad_findings(n, &a, out)) < 0)
		goto done;
done:
	ov__arena_free(&a);
	if (error == OV_ENOMEM)
		return ov__error_oom(n->ctx);
	return error;
}

/* Records whose network data could not be read. */
size_t
ov_network_n_malformed(const ov_network *n)
{
	return n != NULL ? n->topo.n_bad : 0;
}

int
ov_network_findings(const ov_network *n, ov_findings *out)
{
	OV_ASSERT_ARG(n != NULL && out != NULL);
	return net_findings(n, out, ov_ctx_now(n->ctx));
}

/* The analyzer entry point used by `overvisor scan`. */
static int
run(struct ov_analyzer_ctx *actx)
{
	ov_network_options o = OV_NETWORK_OPTIONS_INIT;
	const char **forbid = NULL;
	ov_network *n = NULL;
	ov_network_diff *d = NULL;
	struct ov_arena fa;
	size_t i;
	int error;

	ov__arena_init(&fa, 0, 0);
	o.zone_tag = actx->zone_tag;
	if (actx->contract != NULL) {
		if (o.zone_tag == NULL)
			o.zone_tag = actx->contract->zone_tag;
		forbid = ov__calloc(actx->contract->n_forbidden_flows + 1,
		    sizeof(*forbid));
		if (forbid == NULL) {
			ov__arena_free(&fa);
			return ov__error_oom(actx->ctx);
		}
		for (i = 0; i < actx->contract->n_forbidden_flows; i++) {
			const struct ov_contract_flow *fl =
			    &actx->contract->forbidden_flows[i];

			forbid[i] = ov__arena_printf(&fa, "%s:%s", fl->from,
			    fl->to);
		}
		o.forbid = forbid;
		o.n_forbid = actx->contract->n_forbidden_flows;
	}
	if ((error = ov_network_analyze(&n, actx->ctx, actx->snap, &o)) < 0 ||
	    (error = ov_network_findings(n, actx->out)) < 0)
		goto done;
	actx->n_malformed += ov_network_n_malformed(n);
	if (actx->baseline != NULL &&
	    ((error = ov_network_diff_new(&d, actx->ctx, actx->baseline,
	    actx->snap, NULL)) < 0 ||
	    (error = ov_network_diff_findings(d, actx->out)) < 0))
		goto done;
	error = 0;
done:
	ov_network_diff_free(d);
	ov_network_free(n);
	ov__free(forbid);
	ov__arena_free(&fa);
	return error;
}

#define T_NIC	"Microsoft.Network/networkInterfaces"
#define IPC	"ipConfigurations[*]."
/* The parts of an IP configuration the topology reads (fill_ipc). */
#define IPC_READS(p, q) \
	{ T_NIC, p IPC "id" }, \
	{ T_NIC, p IPC "name" }, \
	{ T_NIC, p IPC q "privateIPAddress" }, \
	{ T_NIC, p IPC q "privateIPAddressVersion" }, \
	{ T_NIC, p IPC q "subnet.id" }, \
	{ T_NIC, p IPC q "publicIPAddress.id" }, \
	{ T_NIC, p IPC q "applicationSecurityGroups" }, \
	{ T_NIC, p IPC q "loadBalancerBackendAddressPools" }, \
	{ T_NIC, p IPC q "applicationGatewayBackendAddressPools" }, \
	{ T_NIC, p IPC q "loadBalancerInboundNatRules" }, \
	{ T_NIC, p IPC q "loadBalancerInboundNatPools" }
#define NIC_READS(p) \
	IPC_READS(p, "properties."), \
	IPC_READS(p, ""), \
	{ T_NIC, p "networkSecurityGroup.id" }, \
	{ T_NIC, p "virtualMachine.id" }

static const struct ov_analyzer_read reads[] = {
	{ "Microsoft.Network/networkSecurityGroups", "*" },
	{ "Microsoft.Network/networkSecurityGroups/securityRules", "*" },
	{ "Microsoft.Network/virtualNetworks", "*" },
	{ "Microsoft.Network/virtualNetworks/subnets", "*" },
	{ "Microsoft.Network/virtualNetworks/virtualNetworkPeerings", "*" },
	{ "Microsoft.Network/publicIPAddresses", "*" },
	{ "Microsoft.Network/loadBalancers", "*" },
	{ "Microsoft.Network/applicationGateways", "*" },
	{ "Microsoft.Network/applicationGatewayWebApplicationFirewallPolicies",
	    "*" },
	{ "Microsoft.Network/azureFirewalls", "*" },
	{ "Microsoft.Network/firewallPolicies/ruleCollectionGroups", "*" },
	{ "Microsoft.Compute/virtualMachineScaleSets", "*" },
	/* a NIC's body, with or without the properties envelope */
	NIC_READS("properties."),
	NIC_READS(""),
	{ T_NIC, "tag:$zone" },
	{ "Microsoft.Compute/virtualMachines",
	    "properties.networkProfile.networkInterfaces[*].id" },
	{ "Microsoft.Compute/virtualMachines", "tag:$zone" },
	{ NULL, NULL }
};

const struct ov_analyzer ov_analyzer_network = {
	"network",
	"effective NSG rules, internet exposure, segmentation and NSG drift",
	"nsg-review",
	run,
	reads,
	NULL
};
