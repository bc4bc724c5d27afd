/* SPDX-License-Identifier: MIT */
/*
 * NSG drift: rules added, widened, narrowed, changed or removed between a
 * baseline snapshot and the current one.  Rules are matched by NSG id and
 * rule name (case-insensitive, as ARM ids are).  An added or widened allow
 * rule needs an exception with an expiry; without one it is a finding
 * (OV-NET-130 added, OV-NET-131 widened).
 *
 * Exceptions come from exceptions.yaml (ov_exceptions_check: the entry's
 * rule glob is matched against OV-NET-130/131, its resource glob against the
 * NSG rule id, and only an unexpired entry covers), from a callback in
 * ov_network_diff_options, or from "PATTERN@YYYY-MM-DD" strings, where
 * PATTERN is a glob over the NSG rule id ('*' and '?', case-insensitive).
 */
#include "lib/analyzers/network/net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/analyzers/duty.h"
#include "lib/model/model.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#define T_NSG	"Microsoft.Network/networkSecurityGroups"

struct ov_network_diff {
	ov_ctx		*ctx;		/* borrowed */
	struct ov_arena	 arena;		/* rules, strings */
	ov_network_change *v;		/* changes */
	size_t		 n, cap;
	int64_t		 now;		/* analysis clock */
	ov_network_diff_options opts;	/* copy */
};

static const char *
summary(struct ov_arena *a, const struct net_rule *r)
{
	return ov__arena_printf(a, "%s %s %s from %s to %s ports %s "
	    "priority %d", r->dir == NET_IN ? "Inbound" : "Outbound",
	    r->allow ? "Allow" : "Deny", r->raw_proto, r->raw_src, r->raw_dst,
	    r->raw_ports, (int)r->priority);
}

static bool
ports_subset(const struct net_ports *a, const struct net_ports *b)
{
	size_t i, j;

	for (i = 0; i < a->n; i++) {
		bool in = false;

		for (j = 0; j < b->n; j++)
			if (b->v[j].lo <= a->v[i].lo && a->v[i].hi <= b->v[j].hi)
				in = true;
		if (!in)
			return false;
	}
	return true;
}

static bool
item_in(const struct net_item *x, const struct net_aspec *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct net_item *y = &s->v[i];

		if (y->kind == NET_I_ANY)
			return true;
		if (x->kind != y->kind)
			continue;
		if (x->kind == NET_I_RANGE && y->r.v6 == x->r.v6 &&
		    net_range_covers(&y->r, &x->r))
			return true;
		if ((x->kind == NET_I_TAG || x->kind == NET_I_ASG) &&
		    ov__streq_ci(x->name, y->name))
			return true;
		if (x->kind != NET_I_RANGE && x->kind != NET_I_TAG &&
		    x->kind != NET_I_ASG)
			return true;
	}
	return false;
}

static bool
aspec_subset(const struct net_aspec *a, const struct net_aspec *b)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (!item_in(&a->v[i], b))
			return false;
	return true;
}

/* Does new admit everything old did (and old everything new)? */
static bool
admits(const struct net_rule *big, const struct net_rule *small)
{
	return (small->proto & ~big->proto) == 0 &&
	    ports_subset(&small->dports, &big->dports) &&
	    ports_subset(&small->sports, &big->sports) &&
	    aspec_subset(&small->src, &big->src) &&
	    aspec_subset(&small->dst, &big->dst);
}

static bool
from_internet(const struct net_rule *r)
{
	struct net_endpoint inet;

	memset(&inet, 0, sizeof(inet));
	inet.kind = NET_EP_INTERNET;
	return r->dir == NET_IN && r->allow &&
	    net_aspec_match(&r->src, &inet) == NET_M_FULL;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Case-insensitive glob with '*' and '?'. */
static bool
glob_ci(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s != '\0') {
		if (*p == '*') {
			star = p++;
			resume = s;
		} else if (*p == '?' || (*p != '\0' && lower(*p) == lower(*s))) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star + 1;
			s = ++resume;
		} else
			return false;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

static void
check_exception(struct ov_network_diff *d, ov_network_change *c)
{
	size_t i;
	const char *check = c->kind == OV_NET_RULE_ADDED ? "OV-NET-130" :
	    "OV-NET-131";

	if (d->opts.exceptions != NULL) {
		const ov_exception *which = NULL;
		ov_exception_match m;
		ov_finding f;

		/* the finding this change would raise, asked of the set */
		memset(&f, 0, sizeof(f));
		f.rule = check;
		f.resource_id = c->rule_id;
		f.resource_type =
		    "Microsoft.Network/networkSecurityGroups/securityRules";
		f.resource_name = c->rule_name;
		f.state = OV_STATE_NON_COMPLIANT;
		m = ov_exceptions_check(d->opts.exceptions, &f, d->now, &which);
		if (m != OV_EXC_NONE && which != NULL) {
			c->excepted = m == OV_EXC_ACTIVE;
			c->exception_expires = which->expires;
			c->exception = ov__arena_printf(&d->arena, "%s %s "
			    "(%s:%u)", which->ticket != NULL ? which->ticket :
			    "exception", which->resource != NULL ?
			    which->resource : "*", which->source != NULL ?
			    which->source : "exceptions", which->line);
			if (c->excepted)
				return;
		}
	}
	if (d->opts.exception != NULL) {
		int64_t exp = 0;
		const char *name = NULL;

		if (d->opts.exception(check, c->rule_id, &exp, &name,
		    d->opts.payload) && exp > 0) {
			c->excepted = exp > d->now;
			c->exception_expires = exp;
			c->exception = name;
			if (c->excepted)
				return;
		}
	}
	for (i = 0; i < d->opts.n_exception_patterns; i++) {
		const char *p = d->opts.exception_patterns[i];
		const char *at = strrchr(p, '@');
		char *glob;
		int64_t exp;

		if (at == NULL || ov_parse_expiry(at + 1, &exp) < 0)
			continue;	/* the CLI rejects it first */
		glob = ov__arena_strndup(&d->arena, p, (size_t)(at - p));
		if (glob == NULL || !glob_ci(glob, c->rule_id))
			continue;
		c->exception = p;
		c->exception_expires = exp;
		c->excepted = exp > d->now;
		if (c->excepted)
			return;
	}
}

static int
push(struct ov_network_diff *d, ov_network_change_kind k,
    const struct net_nsg *g, const struct net_rule *before,
    const struct net_rule *after)
{
	ov_network_change *c;
	const struct net_rule *r = after != NULL ? after : before;

	if (d->n == d->cap) {
		size_t nc = d->cap == 0 ? 32 : d->cap * 2;
		ov_network_change *nv = ov__reallocarray(d->v, nc, sizeof(*nv));

		if (nv == NULL)
			return ov__error_oom(d->ctx);
		d->v = nv;
		d->cap = nc;
	}
	c = &d->v[d->n++];
	memset(c, 0, sizeof(*c));
	c->kind = k;
	c->nsg_id = g->id;
	c->rule_id = r->id;
	c->rule_name = r->name;
	c->before = before != NULL ? summary(&d->arena, before) : NULL;
	c->after = after != NULL ? summary(&d->arena, after) : NULL;
	c->allows_internet = after != NULL && from_internet(after);
	if ((k == OV_NET_RULE_ADDED || k == OV_NET_RULE_WIDENED) &&
	    after != NULL && after->allow)
		check_exception(d, c);
	return 0;
}

static const struct net_rule *
find_rule(const struct net_nsg *g, const char *name)
{
	size_t i;

	if (g == NULL)
		return NULL;
	for (i = 0; i < g->n_rules; i++)
		if (!g->rules[i].is_default &&
		    ov__streq_ci(g->rules[i].name, name))
			return &g->rules[i];
	return NULL;
}

static int
load_nsgs(struct ov_network_diff *d, const struct ov_snapshot *snap,
    struct ov_map *m, struct net_nsg ***list, size_t *n)
{
	const struct ov_record_list *l = ov_model__by_type(snap, T_NSG);
	size_t i;
	int error;

	*list = ov__arena_calloc(&d->arena, l->len + 1, sizeof(**list));
	if (*list == NULL)
		return ov__error_oom(d->ctx);
	*n = 0;
	for (i = 0; i < l->len; i++) {
		struct net_nsg *g;

		if ((error = net_nsg_from_record(&g, &d->arena, d->ctx,
		    l->items[i])) < 0)
			return error;
		if (ov__map_put(m, g->id, strlen(g->id), g) < 0)
			return ov__error_oom(d->ctx);
		(*list)[(*n)++] = g;
	}
	return 0;
}

static int
cmp_change(const void *pa, const void *pb)
{
	const ov_network_change *a = pa, *b = pb;
	int c;

	if ((c = ov__strcmp_ci(a->nsg_id, b->nsg_id)) != 0)
		return c;
	if ((c = ov__strcmp_ci(a->rule_name, b->rule_name)) != 0)
		return c;
	return (a->kind > b->kind) - (a->kind < b->kind);
}

/* Compare the NSG rules of two snapshots. */
int
ov_network_diff_new(ov_network_diff **out, ov_ctx *ctx,
    const ov_snapshot *baseline, const ov_snapshot *current,
    const ov_network_diff_options *opts)
{
	struct ov_network_diff *d;
	struct ov_map mb = OV_MAP_INIT, mc = OV_MAP_INIT;
	struct net_nsg **lb = NULL, **lc = NULL;
	size_t nb = 0, nc = 0, i, j;
	int error;

	OV_ASSERT_ARG(out != NULL && baseline != NULL && current != NULL);
	*out = NULL;
	if ((d = ov__calloc(1, sizeof(*d))) == NULL)
		return ov__error_oom(ctx);
	d->ctx = ctx;
	/* the analysis clock: the caller's, else when current was collected */
	if (ctx->now == 0 && current->collected_at != NULL) {
		int64_t t;

		if (ov_parse_time(current->collected_at, &t) == 0)
			ctx->now = t;
	}
	d->now = ov_ctx_now(ctx);
	ov__arena_init(&d->arena, 0, 0);
	if (opts != NULL)
		d->opts = *opts;
	if ((error = load_nsgs(d, baseline, &mb, &lb, &nb)) < 0 ||
	    (error = load_nsgs(d, current, &mc, &lc, &nc)) < 0)
		goto done;
	for (i = 0; i < nc; i++) {
		const struct net_nsg *g = lc[i];
		const struct net_nsg *old = ov__map_get(&mb, g->id,
		    strlen(g->id));

		for (j = 0; j < g->n_rules; j++) {
			const struct net_rule *r = &g->rules[j], *o;
			ov_network_change_kind k;

			if (r->is_default)
				continue;
			if ((o = find_rule(old, r->name)) == NULL)
				k = OV_NET_RULE_ADDED;
			else if (o->allow != r->allow || o->dir != r->dir)
				k = r->allow ? OV_NET_RULE_WIDENED :
				    OV_NET_RULE_NARROWED;
			else if (admits(r, o) && admits(o, r)) {
				if (o->priority == r->priority)
					continue;
				k = OV_NET_RULE_CHANGED;
			} else if (admits(r, o))
				k = r->allow ? OV_NET_RULE_WIDENED :
				    OV_NET_RULE_NARROWED;
			else if (admits(o, r))
				k = r->allow ? OV_NET_RULE_NARROWED :
				    OV_NET_RULE_WIDENED;
			else
				k = r->allow ? OV_NET_RULE_WIDENED :
				    OV_NET_RULE_CHANGED;
			if ((error = push(d, k, g, o, r)) < 0)
				goto done;
		}
	}
	for (i = 0; i < nb; i++) {
		const struct net_nsg *g = lb[i];
		const struct net_nsg *now = ov__map_get(&mc, g->id,
		    strlen(g->id));

		for (j = 0; j < g->n_rules; j++)
			if (!g->rules[j].is_default &&
			    find_rule(now, g->rules[j].name) == NULL &&
			    (error = push(d, OV_NET_RULE_REMOVED, g,
			    &g->rules[j], NULL)) < 0)
				goto done;
	}
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(*d->v), cmp_change);
	*out = d;
	d = NULL;
	error = 0;
done:
	ov__map_free(&mb);
	ov__map_free(&mc);
	ov_network_diff_free(d);
	return error;
}

/* Release a diff. */
void
ov_network_diff_free(ov_network_diff *d)
{
	if (d == NULL)
		return;
	ov__free(d->v);
	ov__arena_free(&d->arena);
	ov__free(d);
}

/* Number of changes. */
size_t
ov_network_diff_count(const ov_network_diff *d)
{
	return d != NULL ? d->n : 0;
}

/* Change i. */
const ov_network_change *
ov_network_diff_at(const ov_network_diff *d, size_t i)
{
	return d != NULL && i < d->n ? &d->v[i] : NULL;
}

/* Name of a change kind. */
const char *
ov_network_change_name(ov_network_change_kind k)
{
	switch (k) {
	case OV_NET_RULE_ADDED:
		return "added";
	case OV_NET_RULE_WIDENED:
		return "widened";
	case OV_NET_RULE_NARROWED:
		return "narrowed";
	case OV_NET_RULE_CHANGED:
		return "changed";
	case OV_NET_RULE_REMOVED:
		return "removed";
	}
	return "unknown";
}

/* Drift findings: added or widened allow rules without an exception. */
int
ov_network_diff_findings(const ov_network_diff *d, ov_findings *out)
{
	size_t i;
	int error;

	OV_ASSERT_ARG(d != NULL && out != NULL);
	for (i = 0; i < d->n; i++) {
		const ov_network_change *c = &d->v[i];
		ov_finding f;
		ov_evidence ev[3];
		bool inbound;

		if ((c->kind != OV_NET_RULE_ADDED &&
		    c->kind != OV_NET_RULE_WIDENED) || c->excepted ||
		    c->after == NULL || strstr(c->after, " Allow ") == NULL)
			continue;
		inbound = strncmp(c->after, "Inbound", 7) == 0;
		memset(&f, 0, sizeof(f));
		memset(ev, 0, sizeof(ev));
		if ((error = ov_duty__from_check(d->ctx, &f,
		    c->kind == OV_NET_RULE_ADDED ? "OV-NET-130" : "OV-NET-131",
		    c->allows_internet ? OV_SEV_HIGH : inbound ?
		    OV_SEV_MEDIUM : OV_SEV_LOW, OV_STATE_NON_COMPLIANT)) < 0)
			return error;
		f.resource_id = c->rule_id;
		f.resource_type =
		    "Microsoft.Network/networkSecurityGroups/securityRules";
		f.resource_name = c->rule_name;
		f.owner = OV_OWNER_CUSTOMER;
		ev[0].path = c->nsg_id;
		ev[0].message = c->after;
		ev[1].path = "baseline";
		ev[1].message = c->before != NULL ? c->before :
		    "rule absent from the baseline";
		f.n_evidence = 2;
		if (c->exception != NULL) {
			/* only an expired entry reaches here */
			ev[2].path = "exception";
			ev[2].value = c->exception;
			ev[2].message = "the exception covering this rule has "
			    "expired";
			f.n_evidence = 3;
		}
		f.evidence = ev;
		if ((error = ov_findings_add(out, &f)) < 0)
			return error;
	}
	return 0;
}

/* Write the changes. */
int
ov_network_write_diff(const ov_network_diff *d, ov_network_format fmt,
    FILE *f)
{
	size_t i;

	OV_ASSERT_ARG(d != NULL && f != NULL);
	if (fmt == OV_NETWORK_JSON) {
		fputs("{\"changes\":[", f);
		for (i = 0; i < d->n; i++) {
			const ov_network_change *c = &d->v[i];
			struct { const char *k, *v; } kv[] = {
				{ "nsg", c->nsg_id }, { "rule", c->rule_id },
				{ "name", c->rule_name }, { "before", c->before },
				{ "after", c->after },
				{ "exception", c->exception } };
			size_t k;

			fprintf(f, "%s{\"change\":\"%s\"", i ? "," : "",
			    ov_network_change_name(c->kind));
			for (k = 0; k < sizeof(kv) / sizeof(kv[0]); k++) {
				fprintf(f, ",\"%s\":", kv[k].k);
				if (kv[k].v == NULL)
					fputs("null", f);
				else
					(void)ov_json_write_string(kv[k].v,
					    strlen(kv[k].v), 0, net_sink_file,
					    f);
			}
			fprintf(f, ",\"internet\":%s,\"excepted\":%s}",
			    c->allows_internet ? "true" : "false",
			    c->excepted ? "true" : "false");
		}
		fputs("]}\n", f);
		return ferror(f) ? OV_EIO : 0;
	}
	if (d->n == 0)
		fputs("no NSG rule changes\n", f);
	for (i = 0; i < d->n; i++) {
		const ov_network_change *c = &d->v[i];

		fprintf(f, "%-8s %s\n", ov_network_change_name(c->kind),
		    c->rule_id);
		if (c->before != NULL)
			fprintf(f, "         before: %s\n", c->before);
		if (c->after != NULL)
			fprintf(f, "         after:  %s\n", c->after);
		if (c->exception != NULL)
			fprintf(f, "         exception: %s (%s)\n", c->exception,
			    c->excepted ? "active" : "expired");
		else if ((c->kind == OV_NET_RULE_ADDED ||
		    c->kind == OV_NET_RULE_WIDENED) && c->after != NULL &&
		    strstr(c->after, " Allow ") != NULL)
			fputs("         no exception: finding\n", f);
	}
	return ferror(f) ? OV_EIO : 0;
}
