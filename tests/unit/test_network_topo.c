/* SPDX-License-Identifier: MIT */
/*
 * Exposure, segmentation and drift over the small estate in
 * tests/fixtures/network/estate.ndjson (see the README there for what is
 * planted and which clean twin pairs with it).  Loaded through the real
 * snapshot loader.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/network.h"
#include "overvisor/snapshot.h"

#define VM(n) "/subscriptions/00000000-0000-0000-0000-0000000000aa/" \
	"resourceGroups/rg-net/providers/Microsoft.Compute/virtualMachines/" n
#define NSG(n) "/subscriptions/00000000-0000-0000-0000-0000000000aa/" \
	"resourceGroups/rg-net/providers/Microsoft.Network/" \
	"networkSecurityGroups/" n

struct fix {
	ov_ctx		*ctx;
	ov_snapshot	*snap;
	ov_network	*net;
	ov_findings	*found;
};

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	ov_network_options o = OV_NETWORK_OPTIONS_INIT;
	const char *path = ov_test_path(ov_test_srcdir(),
	    "tests/fixtures/network/estate.ndjson");

	assert_int_equal(ov_ctx_new(&f->ctx), 0);
	assert_int_equal(ov_snapshot_new(&f->snap, f->ctx), 0);
	assert_int_equal(ov_snapshot_load(f->snap, path, 0), 0);
	assert_int_equal(ov_snapshot_n_errors(f->snap), 0);
	assert_int_equal(ov_network_analyze(&f->net, f->ctx, f->snap, &o), 0);
	assert_int_equal(ov_findings_new(&f->found), 0);
	assert_int_equal(ov_network_findings(f->net, f->found), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	ov_findings_free(f->found);
	ov_network_free(f->net);
	ov_snapshot_free(f->snap);
	ov_ctx_free(f->ctx);
	free(f);
	return 0;
}

/* The exposure of resource on port (protocol Tcp) through path, or NULL. */
static const ov_network_exposure *
find_exp(const ov_network *n, const char *resource, unsigned port,
    int path)
{
	size_t i;

	for (i = 0; i < ov_network_exposure_count(n); i++) {
		const ov_network_exposure *e = ov_network_exposure_at(n, i);

		if (strcmp(e->resource_id, resource) == 0 &&
		    strcmp(e->protocol, "Tcp") == 0 && e->port_lo <= port &&
		    port <= e->port_hi && (path < 0 || (int)e->path == path))
			return e;
	}
	return NULL;
}

static bool
any_exp(const ov_network *n, const char *resource)
{
	size_t i;

	for (i = 0; i < ov_network_exposure_count(n); i++)
		if (strcmp(ov_network_exposure_at(n, i)->resource_id,
		    resource) == 0)
			return true;
	return false;
}

static const ov_finding *
find_finding(const ov_findings *l, const char *rule, const char *resource)
{
	size_t i;

	for (i = 0; i < ov_findings_count(l); i++) {
		const ov_finding *x = ov_findings_get(l, i);

		if (strcmp(x->rule, rule) == 0 &&
		    strcmp(x->resource_id, resource) == 0)
			return x;
	}
	return NULL;
}

/* Public IP on the NIC; subnet NSG allows 3389 from "*" and there is no NIC
 * NSG: the internet reaches RDP.  The twin's NIC NSG has only the default
 * rules, so DenyAllInBound stops it (how-it-works: both levels must allow).
 */
static void
test_public_ip(void **state)
{
	struct fix *f = *state;
	const ov_network_exposure *e;
	const ov_finding *x;

	e = find_exp(f->net, VM("vm-rdp"), 3389, OV_NET_PATH_PUBLIC_IP);
	assert_non_null(e);
	assert_true(e->any_source);
	assert_int_equal(e->severity, OV_SEV_CRITICAL);
	assert_int_equal(e->n_rules, 2);
	assert_string_equal(e->rules[0].rule_name, "allow-rdp-any");
	assert_int_equal(e->rules[0].priority, 200);
	assert_null(e->rules[1].nsg_id);	/* no NIC NSG */
	assert_string_equal(e->frontend, "20.50.0.1");
	x = find_finding(f->found, "OV-NET-101", VM("vm-rdp"));
	assert_non_null(x);
	assert_int_equal(x->severity, OV_SEV_CRITICAL);
	assert_string_equal(x->duty, "nsg-review");
	assert_int_equal(x->layer, OV_LAYER_NETWORK_CONTROLS);
	assert_int_equal(x->owner, OV_OWNER_CUSTOMER);
	assert_true(x->n_evidence >= 1);
	assert_non_null(strstr(x->evidence[0].value, "allow-rdp-any"));
	/* the NSG carries its own finding for the rule */
	x = find_finding(f->found, "OV-NET-110", NSG("nsg-web"));
	assert_non_null(x);
	assert_int_equal(x->severity, OV_SEV_CRITICAL);
	/* twin: blocked at the NIC */
	assert_false(any_exp(f->net, VM("vm-rdp-twin")));
	assert_null(find_finding(f->found, "OV-NET-101", VM("vm-rdp-twin")));
}

/* A Standard public IP with no NSG anywhere is closed (public-ip-addresses
 * "SKU": secure by default); a Basic one is open on every port. */
static void
test_standard_vs_basic(void **state)
{
	struct fix *f = *state;
	const ov_network_exposure *e;

	assert_false(any_exp(f->net, VM("vm-std-nonsg")));
	e = find_exp(f->net, VM("vm-basic-nonsg"), 22, OV_NET_PATH_PUBLIC_IP);
	assert_non_null(e);
	assert_int_equal(e->port_lo, 0);
	assert_int_equal(e->port_hi, 65535);
	assert_int_equal(e->severity, OV_SEV_CRITICAL);
}

/* An NSG listed without its rules (`az resource list` sends properties
 * null) cannot close a path: the Basic public IP of vm-nsg-unread is an
 * indeterminate exposure, and its NIC level says the NSG was not read. */
static void
test_nsg_rules_unread(void **state)
{
	struct fix *f = *state;
	const ov_network_exposure *e;

	e = find_exp(f->net, VM("vm-nsg-unread"), 22, OV_NET_PATH_PUBLIC_IP);
	assert_non_null(e);
	assert_true(e->indeterminate);
	assert_int_equal(e->n_rules, 2);
	assert_string_equal(e->rules[1].rule_name, "(NSG not collected)");
	assert_null(e->rules[1].nsg_id);
}

/* Load balancer: rule 80 -> pool, inbound NAT 50022 -> vm-lb1:22.  The
 * subnet NSG denies RDP from the internet and allows 22 from "*"; the
 * WinRM rule is restricted to two /32s. */
static void
test_load_balancer(void **state)
{
	struct fix *f = *state;
	const ov_network_exposure *e;

	e = find_exp(f->net, VM("vm-lb1"), 22, OV_NET_PATH_LB_NAT);
	assert_non_null(e);
	assert_int_equal(e->severity, OV_SEV_CRITICAL);
	assert_non_null(strstr(e->frontend, ":50022"));
	assert_string_equal(e->via_rule, "ssh-nat");
	e = find_exp(f->net, VM("vm-lb2"), 80, OV_NET_PATH_LB_RULE);
	assert_non_null(e);
	assert_true(e->any_source);
	assert_true(e->severity < OV_SEV_HIGH);
	/* vm-lb2 is not behind the NAT rule */
	assert_null(find_exp(f->net, VM("vm-lb2"), 22, -1));
	assert_non_null(find_finding(f->found, "OV-NET-101", VM("vm-lb1")));
	assert_null(find_finding(f->found, "OV-NET-101", VM("vm-lb2")));
}

/* Application gateway with WAF: the backend is reached from the gateway
 * subnet (AllowVnetInBound over the peering); an intended publication
 * behind a blocking WAF is low. */
static void
test_app_gateway(void **state)
{
	struct fix *f = *state;
	const ov_network_exposure *e;
	const ov_finding *x;

	e = find_exp(f->net, VM("vm-web"), 443, OV_NET_PATH_APPGW);
	assert_non_null(e);
	assert_true(e->waf);
	assert_int_equal(e->severity, OV_SEV_LOW);
	assert_string_equal(e->rules[0].rule_name, "AllowVnetInBound");
	x = find_finding(f->found, "OV-NET-103", VM("vm-web"));
	assert_non_null(x);
	assert_int_equal(x->severity, OV_SEV_LOW);
	assert_null(find_finding(f->found, "OV-NET-101", VM("vm-web")));
}

/* Firewall DNAT from "*" to 10.1.1.20:3389 in a peered spoke: critical,
 * with a finding on the firewall.  The DNAT to the VNet whose peering is
 * only Initiated has no route: not exposed. */
static void
test_firewall_dnat_and_peering(void **state)
{
	struct fix *f = *state;
	const ov_network_exposure *e;

	e = find_exp(f->net, VM("vm-jump"), 3389, OV_NET_PATH_FW_DNAT);
	assert_non_null(e);
	assert_int_equal(e->severity, OV_SEV_CRITICAL);
	assert_non_null(find_finding(f->found, "OV-NET-101", VM("vm-jump")));
	assert_non_null(find_finding(f->found, "OV-NET-111",
	    "/subscriptions/00000000-0000-0000-0000-0000000000aa/"
	    "resourceGroups/rg-net/providers/Microsoft.Network/azureFirewalls/"
	    "fw-hub"));
	assert_false(any_exp(f->net, VM("vm-iso")));
	assert_false(any_exp(f->net, VM("vm-app-private")));
	assert_false(any_exp(f->net, VM("vm-dev")));
}

/* Segmentation: dev is peered with the prod spoke and AllowVnetInBound
 * admits it, so dev -> prod reaches management ports (forbidden by
 * default); the hub is not peered with dev, so no dev -> hub flow. */
static void
test_flows(void **state)
{
	struct fix *f = *state;
	size_t i;
	bool dev_prod = false, forbidden = false;

	for (i = 0; i < ov_network_flow_count(f->net); i++) {
		const ov_network_flow *w = ov_network_flow_at(f->net, i);

		if (strcmp(w->from_zone, "dev") == 0 &&
		    strcmp(w->to_zone, "prod") == 0) {
			dev_prod = true;
			forbidden |= w->forbidden;
			/* only spoke workloads can be destinations */
			assert_null(strstr(w->example_dst, "vm-rdp"));
		}
	}
	assert_true(dev_prod);
	assert_true(forbidden);
	for (i = 0; i < ov_findings_count(f->found); i++) {
		const ov_finding *x = ov_findings_get(f->found, i);

		if (strcmp(x->rule, "OV-NET-120") == 0)
			assert_int_equal(x->severity, OV_SEV_HIGH);
	}
}

/* Drift: a rule added to the NSG since the baseline, without exception, is
 * a finding; with an unexpired exception it is not. */
static void
test_drift(void **state)
{
	struct fix *f = *state;
	ov_snapshot *cur = NULL;
	ov_network_diff *d = NULL;
	ov_network_diff_options o = OV_NETWORK_DIFF_OPTIONS_INIT;
	ov_findings *l = NULL;
	const char *pat[] = { "*/nsg-app/securityRules/allow-smb*@2099-01-01" };
	static const char add[] =
	    "{\"id\":\"" NSG("nsg-app") "\",\"name\":\"nsg-app\",\"type\":"
	    "\"Microsoft.Network/networkSecurityGroups\",\"properties\":{"
	    "\"securityRules\":[{\"name\":\"allow-http\",\"properties\":{"
	    "\"protocol\":\"Tcp\",\"sourceAddressPrefix\":\"Internet\","
	    "\"destinationAddressPrefix\":\"*\",\"destinationPortRanges\":"
	    "[\"80\",\"8080\"],\"access\":\"Allow\",\"priority\":200,"
	    "\"direction\":\"Inbound\"}},{\"name\":\"allow-smb-any\","
	    "\"id\":\"" NSG("nsg-app") "/securityRules/allow-smb-any\","
	    "\"properties\":{\"protocol\":\"Tcp\",\"sourceAddressPrefix\":\"*\","
	    "\"destinationAddressPrefix\":\"*\",\"destinationPortRange\":\"445\","
	    "\"access\":\"Allow\",\"priority\":300,\"direction\":\"Inbound\"}}"
	    "]}}\n";
	size_t i, n_added = 0, n_widened = 0, n_removed = 0;

	assert_int_equal(ov_snapshot_new(&cur, f->ctx), 0);
	assert_int_equal(ov_snapshot_load_buffer(cur, "cur.ndjson", add,
	    sizeof(add) - 1, 0), 0);
	assert_int_equal(ov_network_diff_new(&d, f->ctx, f->snap, cur, NULL),
	    0);
	for (i = 0; i < ov_network_diff_count(d); i++) {
		const ov_network_change *c = ov_network_diff_at(d, i);

		n_added += c->kind == OV_NET_RULE_ADDED;
		n_widened += c->kind == OV_NET_RULE_WIDENED;
		n_removed += c->kind == OV_NET_RULE_REMOVED;
		if (c->kind == OV_NET_RULE_ADDED) {
			assert_string_equal(c->rule_name, "allow-smb-any");
			assert_true(c->allows_internet);
		}
		if (c->kind == OV_NET_RULE_WIDENED)
			assert_string_equal(c->rule_name, "allow-http");
	}
	assert_int_equal(n_added, 1);
	assert_int_equal(n_widened, 1);
	/* nsg-app lost three rules; the other NSGs vanished entirely */
	assert_true(n_removed >= 3);
	assert_int_equal(ov_findings_new(&l), 0);
	assert_int_equal(ov_network_diff_findings(d, l), 0);
	assert_int_equal(ov_findings_count(l), 2);
	ov_findings_free(l);
	ov_network_diff_free(d);
	/* with an exception that has not expired, only the widening stays */
	o.exception_patterns = pat;
	o.n_exception_patterns = 1;
	assert_int_equal(ov_network_diff_new(&d, f->ctx, f->snap, cur, &o), 0);
	assert_int_equal(ov_findings_new(&l), 0);
	assert_int_equal(ov_network_diff_findings(d, l), 0);
	assert_int_equal(ov_findings_count(l), 1);
	assert_string_equal(ov_findings_get(l, 0)->rule, "OV-NET-131");
	ov_findings_free(l);
	ov_network_diff_free(d);
	ov_snapshot_free(cur);
}

/*
 * A backend pool larger than any fixed buffer: 300 more VMs join lb-pub's
 * pool "be" from the NIC side.  Every one of them is reached on port 80,
 * the first and the last alike, and each exposure is reported once.
 */
#define BIG_POOL 300
#define SUBNET_APP "/subscriptions/00000000-0000-0000-0000-0000000000aa/" \
	"resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/" \
	"vnet-spoke/subnets/app"
#define POOL_BE "/subscriptions/00000000-0000-0000-0000-0000000000aa/" \
	"resourceGroups/rg-net/providers/Microsoft.Network/loadBalancers/" \
	"lb-pub/backendAddressPools/be"
#define NIC_BASE "/subscriptions/00000000-0000-0000-0000-0000000000aa/" \
	"resourceGroups/rg-net/providers/Microsoft.Network/" \
	"networkInterfaces/"

static void
test_large_backend_pool(void **state)
{
	ov_network_options o = OV_NETWORK_OPTIONS_INIT;
	ov_snapshot *snap;
	ov_network *net;
	size_t len, cap, used, i, k, n80;
	char *base = ov_test_read(ov_test_path(ov_test_srcdir(),
	    "tests/fixtures/network/estate.ndjson"), &len);
	char *buf, vm[256];
	ov_ctx *ctx;

	(void)state;
	assert_non_null(base);
	cap = len + (size_t)BIG_POOL * 2048 + 1;
	buf = malloc(cap);
	assert_non_null(buf);
	memcpy(buf, base, len);
	used = len;
	for (i = 0; i < BIG_POOL; i++) {
		int w = snprintf(buf + used, cap - used,
		    "{\"id\":\"" NIC_BASE "nic-big%zu\",\"name\":\"nic-big%zu\","
		    "\"type\":\"Microsoft.Network/networkInterfaces\","
		    "\"location\":\"westeurope\",\"properties\":"
		    "{\"ipConfigurations\":[{\"name\":\"ipconfig1\",\"id\":\""
		    NIC_BASE "nic-big%zu/ipConfigurations/ipconfig1\","
		    "\"properties\":{\"privateIPAddress\":\"10.1.1.%zu\","
		    "\"subnet\":{\"id\":\"" SUBNET_APP "\"},\"primary\":true,"
		    "\"loadBalancerBackendAddressPools\":[{\"id\":\"" POOL_BE
		    "\"}]}}],\"virtualMachine\":{\"id\":\"" VM("vm-big%zu")
		    "\"}}}\n"
		    "{\"id\":\"" VM("vm-big%zu") "\",\"name\":\"vm-big%zu\","
		    "\"type\":\"Microsoft.Compute/virtualMachines\","
		    "\"location\":\"westeurope\",\"properties\":"
		    "{\"networkProfile\":{\"networkInterfaces\":[{\"id\":\""
		    NIC_BASE "nic-big%zu\"}]}}}\n",
		    i, i, i, 10 + i % 240, i, i, i, i);

		assert_true(w > 0 && (size_t)w < cap - used);
		used += (size_t)w;
	}
	assert_int_equal(ov_ctx_new(&ctx), 0);
	assert_int_equal(ov_snapshot_new(&snap, ctx), 0);
	assert_int_equal(ov_snapshot_load_buffer(snap, "big.ndjson", buf,
	    used, 0), 0);
	assert_int_equal(ov_snapshot_n_errors(snap), 0);
	assert_int_equal(ov_network_analyze(&net, ctx, snap, &o), 0);
	for (i = 0; i < BIG_POOL; i++) {
		snprintf(vm, sizeof(vm), VM("vm-big%zu"), i);
		assert_non_null(find_exp(net, vm, 80, OV_NET_PATH_LB_RULE));
		for (k = 0, n80 = 0; k < ov_network_exposure_count(net); k++) {
			const ov_network_exposure *e =
			    ov_network_exposure_at(net, k);

			if (strcmp(e->resource_id, vm) == 0 &&
			    e->path == OV_NET_PATH_LB_RULE)
				n80++;
		}
		assert_int_equal(n80, 1);
	}
	ov_network_free(net);
	ov_snapshot_free(snap);
	ov_ctx_free(ctx);
	free(buf);
	free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_public_ip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nsg_rules_unread, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_standard_vs_basic, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_load_balancer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_app_gateway, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_firewall_dnat_and_peering,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_flows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drift, setup, teardown),
		cmocka_unit_test(test_large_backend_pool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
