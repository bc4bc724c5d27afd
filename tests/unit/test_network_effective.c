/* SPDX-License-Identifier: MIT */
/*
 * Our rule model against the shape Azure itself reports: the ARM example
 * "NetworkInterfaceEffectiveNSGList" (Network Interfaces -
 * ListEffectiveNetworkSecurityGroups) from the corpus.  Every effective
 * rule must compile with our parser ("All" protocol, "456-456" port
 * ranges, "securityRules/x" and "defaultSecurityRules/x" names, expanded
 * prefixes); every default rule Azure lists must be one of ours with the
 * same priority, access, direction, addresses and ports; and evaluating
 * the custom rules on the inputs they imply must give what Azure's list
 * says (learn.microsoft.com/azure/virtual-network/
 * network-security-groups-overview, "Security rules" and "Default security
 * rules").  Skipped when the corpus is absent.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "lib/analyzers/network/net.h"
#include "overvisor/json.h"

#define EXAMPLE "arm-examples/Microsoft.Network/" \
	"NetworkInterfaceEffectiveNSGList.json"

struct fix {
	char		*text;		/* file contents */
	ov_json_doc	*doc;		/* parsed */
	struct ov_arena	 a;		/* rules */
	struct net_segs	 s;		/* evaluation scratch */
};

static int
setup(void **state)
{
	const char *corpus = ov_test_corpus();
	struct fix *f;
	size_t len;

	if (corpus == NULL)
		return -1;
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	ov__arena_init(&f->a, 0, 0);
	f->text = ov_test_read(ov_test_path(corpus, EXAMPLE), &len);
	assert_non_null(f->text);
	assert_int_equal(ov_json_parse(&f->doc, NULL, f->text, len, 0, NULL),
	    0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	net_segs_free(&f->s);
	ov_json_doc_free(f->doc);
	ov__arena_free(&f->a);
	free(f->text);
	free(f);
	return 0;
}

/* The words of a field and its plural/expanded forms. */
static size_t
field_words(struct ov_arena *a, const ov_json *r, const char *one,
    const char *many, const char ***out)
{
	const ov_json *arr = ov_json_get(r, many);
	size_t n = ov_json_len(arr), i, k = 0;
	const char **v = ov__arena_calloc(a, n + 2, sizeof(*v));

	assert_non_null(v);
	if (ov_json_string(ov_json_get(r, one)) != NULL)
		v[k++] = ov_json_string(ov_json_get(r, one));
	for (i = 0; i < n; i++)
		if (ov_json_string(ov_json_at(arr, i)) != NULL)
			v[k++] = ov_json_string(ov_json_at(arr, i));
	*out = v;
	return k;
}

/* Compile one effective rule; the name loses its collection prefix. */
static void
compile(struct fix *f, const ov_json *r, struct net_rule *out,
    bool *is_default)
{
	struct net_rule_src rs;
	const char *name = ov_json_string(ov_json_get(r, "name"));
	const char *slash, **w;
	int64_t prio = 0;

	assert_non_null(name);
	*is_default = strncmp(name, "defaultSecurityRules/", 21) == 0;
	slash = strchr(name, '/');
	memset(&rs, 0, sizeof(rs));
	rs.name = slash != NULL ? slash + 1 : name;
	assert_true(ov_json_int(ov_json_get(r, "priority"), &prio));
	rs.priority = prio;
	rs.access = ov_json_string(ov_json_get(r, "access"));
	rs.direction = ov_json_string(ov_json_get(r, "direction"));
	rs.protocol = ov_json_string(ov_json_get(r, "protocol"));
	rs.n_src = field_words(&f->a, r, "sourceAddressPrefix",
	    "expandedSourceAddressPrefix", &w);
	rs.src = w;
	rs.n_dst = field_words(&f->a, r, "destinationAddressPrefix",
	    "expandedDestinationAddressPrefix", &w);
	rs.dst = w;
	rs.n_dports = field_words(&f->a, r, "destinationPortRange",
	    "destinationPortRanges", &w);
	rs.dports = w;
	rs.n_sports = field_words(&f->a, r, "sourcePortRange",
	    "sourcePortRanges", &w);
	rs.sports = w;
	assert_int_equal(net_rule_compile(out, &f->a, NULL, &rs), 0);
}

/* Every effective rule compiles; the defaults match ours. */
static void
test_shape(void **state)
{
	struct fix *f = *state;
	const ov_json *groups = ov_json_path(ov_json_doc_root(f->doc),
	    "responses.200.body.value");
	size_t gi, i, j, n_rules = 0, n_defaults = 0;

	assert_true(ov_json_len(groups) > 0);
	for (gi = 0; gi < ov_json_len(groups); gi++) {
		const ov_json *g = ov_json_at(groups, gi);
		const ov_json *rules = ov_json_get(g, "effectiveSecurityRules");
		struct net_nsg ours;

		/* the NSG and where it is associated */
		assert_non_null(ov_json_string(ov_json_path(g,
		    "networkSecurityGroup.id")));
		assert_true(ov_json_get(ov_json_get(g, "association"),
		    "subnet") != NULL || ov_json_get(ov_json_get(g,
		    "association"), "networkInterface") != NULL);
		/* our six defaults, to compare with Azure's */
		memset(&ours, 0, sizeof(ours));
		ours.id = "nsg";
		ours.rules = ov__arena_calloc(&f->a, NET_N_DEFAULT_RULES,
		    sizeof(*ours.rules));
		assert_int_equal(net_nsg_finish(&ours, &f->a, 0), 0);
		for (i = 0; i < ov_json_len(rules); i++) {
			struct net_rule r;
			bool is_default;

			compile(f, ov_json_at(rules, i), &r, &is_default);
			n_rules++;
			if (!is_default)
				continue;
			n_defaults++;
			for (j = 0; j < ours.n_rules; j++)
				if (strcmp(ours.rules[j].name, r.name) == 0)
					break;
			assert_true(j < ours.n_rules);
			assert_int_equal(ours.rules[j].priority, r.priority);
			assert_int_equal(ours.rules[j].allow, r.allow);
			assert_int_equal(ours.rules[j].dir, r.dir);
			assert_int_equal(ours.rules[j].proto, r.proto);
			assert_true(net_ports_is_all(&r.dports));
			assert_true(net_ports_is_all(&ours.rules[j].dports));
			/* Azure writes the tag and its expansion; the tag
			 * (first word) is what our rule carries */
			assert_int_equal(r.dst.v[0].kind,
			    ours.rules[j].dst.v[0].kind);
		}
	}
	assert_int_equal(n_rules, 3);
	assert_int_equal(n_defaults, 1);
}

/* Name of the first rule that allows port, or "" when none does. */
static const char *
decider(const struct net_segs *s, unsigned port)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].lo <= port && port <= s->v[i].hi &&
		    s->v[i].by[0] != NULL)
			return s->v[i].by[0]->name;
	return "";
}

/*
 * The custom rules, evaluated as one NSG on the inputs they name: RDP from
 * 1.1.1.1 is allowed (priority 1000) and from the rest of the internet it
 * is not; 6579 only from 0.0.0.0; the protocol "All" matches Udp too for
 * AllowInternetOutBound.
 */
static void
test_evaluate(void **state)
{
	struct fix *f = *state;
	const ov_json *rules = ov_json_path(ov_json_doc_root(f->doc),
	    "responses.200.body.value.0.effectiveSecurityRules");
	struct net_nsg g;
	struct net_endpoint nic, rdp_src, other, inet;
	size_t i, k = 0, n = ov_json_len(rules);
	bool is_default;

	memset(&g, 0, sizeof(g));
	g.id = "nsg";
	g.rules = ov__arena_calloc(&f->a, n + NET_N_DEFAULT_RULES,
	    sizeof(*g.rules));
	for (i = 0; i < n; i++) {
		compile(f, ov_json_at(rules, i), &g.rules[k], &is_default);
		if (!is_default)
			k++;
	}
	assert_int_equal(k, 2);
	assert_int_equal(net_nsg_finish(&g, &f->a, k), 0);
	assert_false(g.has_ties);

	memset(&nic, 0, sizeof(nic));
	nic.kind = NET_EP_ADDR;
	assert_int_equal(net_addr_parse(&nic.addr, &nic.v6, "0.0.0.0", 7), 0);
	nic.has_addr = true;
	nic.in_vnet = true;
	rdp_src = nic;
	assert_int_equal(net_addr_parse(&rdp_src.addr, &rdp_src.v6, "1.1.1.1",
	    7), 0);
	rdp_src.in_vnet = false;
	other = rdp_src;
	assert_int_equal(net_addr_parse(&other.addr, &other.v6, "8.8.8.8", 7),
	    0);
	memset(&inet, 0, sizeof(inet));
	inet.kind = NET_EP_INTERNET;

	assert_int_equal(net_eval_nsg(&f->s, &g, NET_IN, NET_P_TCP, &nic,
	    &rdp_src), 0);
	for (i = 0; i < f->s.n; i++)
		if (f->s.v[i].lo <= 3389 && 3389 <= f->s.v[i].hi)
			break;
	assert_true(i < f->s.n);
	assert_true(f->s.v[i].full);
	assert_string_equal(f->s.v[i].by[0]->name, "default-allow-rdp");
	assert_int_equal(f->s.v[i].by[0]->priority, 1000);
	/* 8.8.8.8 is not 1.1.1.1/32: DenyAllInBound */
	assert_int_equal(net_eval_nsg(&f->s, &g, NET_IN, NET_P_TCP, &nic,
	    &other), 0);
	for (i = 0; i < f->s.n; i++)
		assert_false(f->s.v[i].lo <= 3389 && 3389 <= f->s.v[i].hi);
	/* the internet as a whole reaches 3389 only partly (one /32) */
	assert_int_equal(net_eval_nsg(&f->s, &g, NET_IN, NET_P_TCP, &nic,
	    &inet), 0);
	for (i = 0; i < f->s.n; i++)
		if (f->s.v[i].lo <= 3389 && 3389 <= f->s.v[i].hi)
			assert_false(f->s.v[i].full);
	/* rule1: Tcp 6579 from 0.0.0.0/32 decides before the defaults; for
	 * Udp the VirtualNetwork default decides instead */
	assert_int_equal(net_eval_nsg(&f->s, &g, NET_IN, NET_P_TCP, &nic,
	    &nic), 0);
	assert_string_equal(decider(&f->s, 6579), "rule1");
	assert_int_equal(net_eval_nsg(&f->s, &g, NET_IN, NET_P_UDP, &nic,
	    &nic), 0);
	assert_string_equal(decider(&f->s, 6579), "AllowVnetInBound");
	/* AllowInternetOutBound (protocol All): Udp 53 to the internet */
	assert_int_equal(net_eval_nsg(&f->s, &g, NET_OUT, NET_P_UDP, &nic,
	    &inet), 0);
	for (i = 0; i < f->s.n; i++)
		if (f->s.v[i].lo <= 53 && 53 <= f->s.v[i].hi)
			break;
	assert_true(i < f->s.n);
	assert_string_equal(f->s.v[i].by[0]->name, "AllowInternetOutBound");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evaluate, setup,
		    teardown),
	};

	if (ov_test_corpus() == NULL)
		return OV_TEST_SKIP;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
