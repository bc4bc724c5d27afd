/* SPDX-License-Identifier: MIT */
/*
 * gen_estate: write the bundled sample estate, a fictional university tenant
 * ("Northbridge University") bought through a CSP, as an overvisor snapshot
 * directory: manifest.json plus one NDJSON file per collection source, each
 * line shaped as the source API returns it.
 *
 * Every identifier is derived from a hash of (seed, name), and every random
 * attribute of an entity from a generator seeded by the entity's name, so the
 * output is byte-for-byte the same for the same options and a planted
 * resource keeps its id whatever --scale says.  Records are streamed to disk
 * one at a time, so memory stays flat at any scale.
 *
 * The planted problems and their clean twins are listed in examples/README.md;
 * keep that table in step with this file.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "overvisor/common.h"
#include "lib/json/json_out.h"
#include "util/buf.h"
#include "util/time.h"

/*
 * Ids are built with snprintf into GEN_ID_MAX buffers; the longest id this
 * program writes is far shorter, so gcc's possible-truncation warning is
 * noise here.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#define GEN_VERSION	"gen_estate 1"
#define GEN_DEFAULT_AT	"2026-11-01T06:00:00Z"
#define GEN_MAX_DEPTH	32
#define GEN_ID_MAX	768
#define DAY		((int64_t)OV_DAY_SECONDS)
#define HOUR		((int64_t)3600)

/* Bundled estate: filler counts at the default scale. */
#define BASE_FILLER_VMS		130	/* plus the planted VMs */
#define BASE_FILLER_USERS	1460	/* plus the named accounts */
#define BASE_RECORDS		5000	/* about what the defaults produce */

enum src {
	S_RESOURCES,
	S_CONTAINERS,
	S_SECURITY,
	S_PATCH,
	S_RECOVERY,
	S_AUTHZ,
	S_POLICY,
	S_MAINT,
	S_ARM,
	S_DIAG,
	S_USERS,
	S_GROUPS,
	S_SPS,
	S_APPS,
	S_CA,
	S_URD,
	S_DIRRA,
	S_DIRRD,
	S_AUTHZPOL,
	S_SECDEF,
	S_NAMEDLOC,
	S_ORG,
	S_ELIG,
	S_COUNT
};

static const struct {
	const char	*name;	/* manifest source name */
	const char	*file;	/* NDJSON file in the snapshot */
	const char	*type;	/* record type for Graph sources, else NULL */
} sources[S_COUNT] = {
	{ "arg:resources", "arg-resources.ndjson", NULL },
	{ "arg:resourcecontainers", "arg-resourcecontainers.ndjson", NULL },
	{ "arg:securityresources", "arg-securityresources.ndjson", NULL },
	{ "arg:patchassessmentresources", "arg-patchassessmentresources.ndjson",
	    NULL },
	{ "arg:recoveryservicesresources",
	    "arg-recoveryservicesresources.ndjson", NULL },
	{ "arg:authorizationresources", "arg-authorizationresources.ndjson",
	    NULL },
	{ "arg:policyresources", "arg-policyresources.ndjson", NULL },
	{ "arg:maintenanceresources", "arg-maintenanceresources.ndjson", NULL },
	{ "arm:resources", "arm-resources.ndjson", NULL },
	{ "arm:diagnosticSettings", "arm-diagnosticsettings.ndjson", NULL },
	{ "graph:users", "graph-users.ndjson", "Microsoft.Graph/users" },
	{ "graph:groups", "graph-groups.ndjson", "Microsoft.Graph/groups" },
	{ "graph:servicePrincipals", "graph-serviceprincipals.ndjson",
	    "Microsoft.Graph/servicePrincipals" },
	{ "graph:applications", "graph-applications.ndjson",
	    "Microsoft.Graph/applications" },
	{ "graph:conditionalAccessPolicies", "graph-conditionalaccess.ndjson",
	    "Microsoft.Graph/conditionalAccessPolicies" },
	{ "graph:userRegistrationDetails",
	    "graph-userregistrationdetails.ndjson",
	    "Microsoft.Graph/userRegistrationDetails" },
	{ "graph:roleAssignments", "graph-roleassignments.ndjson",
	    "Microsoft.Graph/roleAssignments" },
	{ "graph:roleDefinitions", "graph-roledefinitions.ndjson",
	    "Microsoft.Graph/roleDefinitions" },
	{ "graph:authorizationPolicy", "graph-authorizationpolicy.ndjson",
	    "Microsoft.Graph/authorizationPolicy" },
	{ "graph:securityDefaults", "graph-securitydefaults.ndjson",
	    "Microsoft.Graph/identitySecurityDefaultsEnforcementPolicy" },
	{ "graph:namedLocations", "graph-namedlocations.ndjson",
	    "Microsoft.Graph/namedLocations" },
	{ "graph:organization", "graph-organization.ndjson",
	    "Microsoft.Graph/organization" },
	{ "graph:roleEligibilitySchedules",
	    "graph-roleeligibilityschedules.ndjson",
	    "Microsoft.Graph/roleEligibilitySchedules" },
};

struct gen {
	const char	*out;			/* output directory */
	uint64_t	 seed;			/* --seed */
	int64_t		 now;			/* --collected-at, epoch s */
	long		 scale;			/* --scale, 0 = bundled */
	long		 n_vms;			/* filler VMs to write */
	long		 n_users;		/* filler users to write */
	FILE		*f[S_COUNT];		/* open NDJSON files */
	uint64_t	 count[S_COUNT];	/* records per source */
	struct ov_buf	 b;			/* the record being built */
	int		 depth;			/* nesting in b */
	bool		 first[GEN_MAX_DEPTH];	/* no member yet at depth */
	bool		 after_key;		/* a key awaits its value */
	int		 error;			/* sticky first error */
	uint64_t	 rng;			/* per-entity generator */
	char		 tenant[40];		/* tenant GUID */
	char		 sub[4][40];		/* subscription GUIDs */
	char		 law[GEN_ID_MAX];	/* central workspace id */
	const char	*managed_by;		/* managedBy of the next row */
};

/* ---------------------------------------------------------------- */
/* Hashing, GUIDs and the per-entity random generator                */

static uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
hash_str(uint64_t seed, const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ mix64(seed);

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return mix64(h);
}

static uint64_t
rnd(struct gen *g)
{
	g->rng += 0x9e3779b97f4a7c15ULL;
	return mix64(g->rng);
}

/* A uniform integer in [lo, hi]. */
static long
rnd_range(struct gen *g, long lo, long hi)
{
	return lo + (long)(rnd(g) % (uint64_t)(hi - lo + 1));
}

/* Seed the entity generator from a name. */
static void
rnd_seed(struct gen *g, const char *name)
{
	g->rng = hash_str(g->seed, name);
}

/* A version-4-shaped GUID derived from the formatted name. */
static void __attribute__((format(printf, 3, 4)))
guid(const struct gen *g, char out[40], const char *fmt, ...)
{
	char name[GEN_ID_MAX];
	uint64_t a, b;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	a = hash_str(g->seed, name);
	b = mix64(a ^ 0x5851f42d4c957f2dULL);
	snprintf(out, 40, "%08" PRIx32 "-%04" PRIx32 "-4%03" PRIx32
	    "-%04" PRIx32 "-%012" PRIx64,
	    (uint32_t)(a >> 32), (uint32_t)(a >> 16) & 0xffffU,
	    (uint32_t)a & 0xfffU, 0x8000U | ((uint32_t)(b >> 48) & 0x3fffU),
	    (uint64_t)(b & 0xffffffffffffULL));
}

/* ---------------------------------------------------------------- */
/* A small streaming JSON emitter over the record buffer             */

static void
put(struct gen *g, const char *s, size_t n)
{
	int error;

	if (g->error == 0 && (error = ov__buf_add(&g->b, s, n)) < 0)
		g->error = error;
}

static void
sep(struct gen *g)
{
	if (g->after_key) {
		g->after_key = false;
		return;
	}
	if (g->depth > 0) {
		if (!g->first[g->depth])
			put(g, ",", 1);
		g->first[g->depth] = false;
	}
}

static void
open_(struct gen *g, char c)
{
	sep(g);
	put(g, &c, 1);
	if (g->depth + 1 >= GEN_MAX_DEPTH) {
		g->error = OV_ELIMIT;
		return;
	}
	g->first[++g->depth] = true;
}

static void
close_(struct gen *g, char c)
{
	put(g, &c, 1);
	if (g->depth > 0)
		g->depth--;
}

static void ob(struct gen *g) { open_(g, '{'); }
static void oe(struct gen *g) { close_(g, '}'); }
static void ab(struct gen *g) { open_(g, '['); }
static void ae(struct gen *g) { close_(g, ']'); }

static void
qstr(struct gen *g, const char *s)
{
	int error;

	if (g->error == 0 && (error = ov_json__buf_string(&g->b, s)) < 0)
		g->error = error;
}

/* Start a member: write the key and expect its value next. */
static void
k(struct gen *g, const char *key)
{
	sep(g);
	qstr(g, key);
	put(g, ":", 1);
	g->after_key = true;
}

static void
s(struct gen *g, const char *v)
{
	sep(g);
	qstr(g, v);
}

static void __attribute__((format(printf, 2, 3)))
sf(struct gen *g, const char *fmt, ...)
{
	char v[GEN_ID_MAX * 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	s(g, v);
}

static void
num(struct gen *g, int64_t v)
{
	char t[32];
	int n;

	sep(g);
	n = snprintf(t, sizeof(t), "%" PRId64, v);
	put(g, t, (size_t)n);
}

static void
raw(struct gen *g, const char *v)
{
	sep(g);
	put(g, v, strlen(v));
}

static void bo(struct gen *g, bool v) { raw(g, v ? "true" : "false"); }
static void nul(struct gen *g) { raw(g, "null"); }

static void ks(struct gen *g, const char *key, const char *v)
{ k(g, key); s(g, v); }
static void kn(struct gen *g, const char *key, int64_t v)
{ k(g, key); num(g, v); }
static void kb(struct gen *g, const char *key, bool v)
{ k(g, key); bo(g, v); }
static void knul(struct gen *g, const char *key)
{ k(g, key); nul(g); }
static void ko(struct gen *g, const char *key) { k(g, key); ob(g); }
static void ka(struct gen *g, const char *key) { k(g, key); ab(g); }

/* "key": "<string or null>" */
static void
ksn(struct gen *g, const char *key, const char *v)
{
	if (v != NULL)
		ks(g, key, v);
	else
		knul(g, key);
}

static void __attribute__((format(printf, 3, 4)))
kf(struct gen *g, const char *key, const char *fmt, ...)
{
	char v[GEN_ID_MAX * 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	ks(g, key, v);
}

/* "key": [] */
static void
kempty(struct gen *g, const char *key)
{
	ka(g, key);
	ae(g);
}

/* "key": ["a", "b", ...] from a NULL-terminated list. */
static void
kstrs(struct gen *g, const char *key, ...)
{
	const char *v;
	va_list ap;

	ka(g, key);
	va_start(ap, key);
	while ((v = va_arg(ap, const char *)) != NULL)
		s(g, v);
	va_end(ap);
	ae(g);
}

/* A timestamp `ago` seconds before collection time. */
static void
kt(struct gen *g, const char *key, int64_t ago)
{
	char t[32];

	ov__time_format(g->now - ago, t, sizeof(t));
	ks(g, key, t);
}

static void
tstr(const struct gen *g, char t[32], int64_t ago)
{
	ov__time_format(g->now - ago, t, 32);
}

/* Begin a record: an object at depth 1. */
static void
rec(struct gen *g)
{
	ov__buf_clear(&g->b);
	g->depth = 0;
	g->after_key = false;
	ob(g);
}

/* Close the record and write it as one NDJSON line. */
static void
rec_end(struct gen *g, enum src src)
{
	oe(g);
	if (g->depth != 0 && g->error == 0)
		g->error = OV_ERROR;
	put(g, "\n", 1);
	if (g->error != 0)
		return;
	if (fwrite(g->b.ptr, 1, g->b.len, g->f[src]) != g->b.len)
		g->error = OV_EIO;
	g->count[src]++;
}

/* ---------------------------------------------------------------- */
/* The estate: subscriptions, ids and the ARM envelope               */

enum { PROD, RES, TEACH, SHARED, N_SUBS };

static const struct subdef {
	const char	*key;		/* seed key for the GUID */
	const char	*name;		/* display name */
	const char	*env;		/* env tag: the segmentation zone */
	const char	*dept;		/* dept tag */
	const char	*owner;		/* owner tag */
	const char	*vault;		/* Recovery Services vault */
	const char	*vault_rg;	/* its resource group */
	const char	*filler_rg;	/* resource group of filler VMs */
	const char	*filler_subnet;	/* "rg/vnet/subnet" of filler VMs */
	const char	*filler_net;	/* first three octets of filler IPs */
} subs[N_SUBS] = {
	{ "sub:prod", "NBU-Production", "prod", "central-it",
	    "it-operations@northbridge.example", "rsv-nbu-prod-uks",
	    "rg-backup-prod", "rg-apps-prod",
	    "rg-net-prod/vnet-prod-uks/snet-app", "10.10.2" },
	{ "sub:research", "NBU-Research", "prod", "research-computing",
	    "research-computing@northbridge.example", "rsv-nbu-research-uks",
	    "rg-backup-research", "rg-hpc-research",
	    "rg-net-research/vnet-research-uks/snet-hpc", "10.20.1" },
	{ "sub:teaching", "NBU-Teaching-Dev", "dev", "teaching-labs",
	    "teaching-labs@northbridge.example", "rsv-nbu-teaching-uks",
	    "rg-backup-teaching", "rg-labs-dev",
	    "rg-net-dev/vnet-dev-uks/snet-labs", "10.30.1" },
	{ "sub:shared", "NBU-Shared-Services", "shared", "central-it",
	    "it-operations@northbridge.example", "rsv-nbu-shared-uks",
	    "rg-backup-shared", "rg-identity-shared",
	    "rg-hub-network/vnet-hub-uks/snet-shared", "10.0.2" },
};

#define LOC	"uksouth"
#define DOMAIN	"northbridge.example"
#define STUDENT_DOMAIN "students.northbridge.example"
#define TENANT_DOMAIN "northbridgeuni.onmicrosoft.com"
#define CSP_NAME "Harbourline Cloud Services"
#define CSP_DOMAIN "harbourline.example"

/* "/subscriptions/<s>/resourceGroups/<rg>/providers/<pt>/<name>" */
static void __attribute__((format(printf, 5, 6)))
rid(char *o, const struct gen *g, int sub, const char *rg, const char *fmt,
    ...)
{
	char tail[GEN_ID_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tail, sizeof(tail), fmt, ap);
	va_end(ap);
	snprintf(o, GEN_ID_MAX, "/subscriptions/%s/resourceGroups/%s/providers/%s",
	    g->sub[sub], rg, tail);
}

/* Open a Resource Graph row: the common columns, left open for the rest. */
static void
arm(struct gen *g, const char *id, const char *name, const char *type,
    const char *kind, int sub, const char *rg, const char *loc)
{
	rec(g);
	ks(g, "id", id);
	ks(g, "name", name);
	ks(g, "type", type);
	ks(g, "tenantId", g->tenant);
	ks(g, "kind", kind != NULL ? kind : "");
	ks(g, "location", loc != NULL ? loc : LOC);
	ks(g, "resourceGroup", rg);
	ks(g, "subscriptionId", g->sub[sub]);
	ks(g, "managedBy", g->managed_by != NULL ? g->managed_by : "");
	g->managed_by = NULL;
}

/* Open a child resource as an ARM GET returns it (provider casing). */
static void
armchild(struct gen *g, const char *id, const char *name, const char *type)
{
	rec(g);
	ks(g, "id", id);
	ks(g, "name", name);
	ks(g, "type", type);
}

/* "tags": {...}; NULL values are left out. */
static void
tags(struct gen *g, int sub, const char *dept, const char *owner,
    const char *app)
{
	ko(g, "tags");
	ks(g, "env", subs[sub].env);
	if (dept != NULL)
		ks(g, "dept", dept);
	if (owner != NULL)
		ks(g, "owner", owner);
	if (app != NULL)
		ks(g, "app", app);
	ks(g, "costCenter", sub == RES ? "CC-4100" : sub == TEACH ?
	    "CC-3200" : "CC-1000");
	oe(g);
}

static void
sku(struct gen *g, const char *name, const char *tier)
{
	ko(g, "sku");
	ks(g, "name", name);
	if (tier != NULL)
		ks(g, "tier", tier);
	oe(g);
}

/* The id of the subnet named "rg/vnet/subnet" in sub. */
static void
subnet_id(char *o, const struct gen *g, int sub, const char *path)
{
	char rg[64], vnet[64];
	const char *a, *b;

	a = strchr(path, '/');
	b = a != NULL ? strchr(a + 1, '/') : NULL;
	if (a == NULL || b == NULL) {
		o[0] = '\0';
		return;
	}
	snprintf(rg, sizeof(rg), "%.*s", (int)(a - path), path);
	snprintf(vnet, sizeof(vnet), "%.*s", (int)(b - a - 1), a + 1);
	rid(o, g, sub, rg, "Microsoft.Network/virtualNetworks/%s/subnets/%s",
	    vnet, b + 1);
}

/* ---------------------------------------------------------------- */
/* Subscriptions and resource groups (resourcecontainers)            */

static const struct rgdef {
	int		 sub;
	const char	*name;
	const char	*dept;
} rgs[] = {
	{ PROD, "rg-net-prod", "central-it" },
	{ PROD, "rg-sis-prod", "registry" },
	{ PROD, "rg-finance-prod", "finance" },
	{ PROD, "rg-hr-prod", "human-resources" },
	{ PROD, "rg-web-prod", "communications" },
	{ PROD, "rg-mgmt-prod", "central-it" },
	{ PROD, "rg-legacy-prod", NULL },
	{ PROD, "rg-apps-prod", "central-it" },
	{ PROD, "rg-data-prod", "central-it" },
	{ PROD, "rg-backup-prod", "central-it" },
	{ RES, "rg-net-research", "research-computing" },
	{ RES, "rg-hpc-research", "research-computing" },
	{ RES, "rg-genomics-research", "life-sciences" },
	{ RES, "rg-data-research", "research-computing" },
	{ RES, "rg-backup-research", "research-computing" },
	{ TEACH, "rg-net-dev", "teaching-labs" },
	{ TEACH, "rg-labs-dev", "teaching-labs" },
	{ TEACH, "rg-coursework-test", "computer-science" },
	{ TEACH, "rg-backup-teaching", "teaching-labs" },
	{ SHARED, "rg-hub-network", "central-it" },
	{ SHARED, "rg-identity-shared", "central-it" },
	{ SHARED, "rg-security-shared", "information-security" },
	{ SHARED, "rg-monitoring-shared", "central-it" },
	{ SHARED, "rg-backup-shared", "central-it" },
};

static void
gen_containers(struct gen *g)
{
	char id[GEN_ID_MAX];
	size_t i;
	int sub;

	for (sub = 0; sub < N_SUBS; sub++) {
		rec(g);
		kf(g, "id", "/subscriptions/%s", g->sub[sub]);
		ks(g, "name", subs[sub].name);
		ks(g, "type", "microsoft.resources/subscriptions");
		ks(g, "tenantId", g->tenant);
		ks(g, "kind", "");
		ks(g, "location", "");
		ks(g, "resourceGroup", "");
		ks(g, "subscriptionId", g->sub[sub]);
		ko(g, "tags");
		ks(g, "env", subs[sub].env);
		ks(g, "dept", subs[sub].dept);
		ks(g, "owner", subs[sub].owner);
		ks(g, "billing", "CSP");
		ks(g, "cspPartner", CSP_NAME);
		oe(g);
		ko(g, "properties");
		ks(g, "state", "Enabled");
		ko(g, "subscriptionPolicies");
		ks(g, "locationPlacementId", "Public_2014-09-01");
		ks(g, "quotaId", "CSP_2015-05-01");
		ks(g, "spendingLimit", "Off");
		oe(g);
		ka(g, "managementGroupAncestorsChain");
		ob(g);
		ks(g, "displayName", sub == TEACH ? "NBU Non-Production" :
		    "NBU Production");
		ks(g, "name", sub == TEACH ? "mg-nbu-nonprod" : "mg-nbu-prod");
		oe(g);
		ob(g);
		ks(g, "displayName", "Northbridge University");
		ks(g, "name", "mg-nbu");
		oe(g);
		ob(g);
		ks(g, "displayName", "Tenant Root Group");
		ks(g, "name", g->tenant);
		oe(g);
		ae(g);
		oe(g);
		rec_end(g, S_CONTAINERS);
	}
	for (i = 0; i < sizeof(rgs) / sizeof(rgs[0]); i++) {
		snprintf(id, sizeof(id), "/subscriptions/%s/resourceGroups/%s",
		    g->sub[rgs[i].sub], rgs[i].name);
		rec(g);
		ks(g, "id", id);
		ks(g, "name", rgs[i].name);
		ks(g, "type", "microsoft.resources/subscriptions/resourcegroups");
		ks(g, "tenantId", g->tenant);
		ks(g, "kind", "");
		ks(g, "location", LOC);
		ks(g, "resourceGroup", rgs[i].name);
		ks(g, "subscriptionId", g->sub[rgs[i].sub]);
		ks(g, "managedBy", "");
		tags(g, rgs[i].sub, rgs[i].dept, rgs[i].dept != NULL ?
		    subs[rgs[i].sub].owner : NULL, NULL);
		ko(g, "properties");
		ks(g, "provisioningState", "Succeeded");
		oe(g);
		rec_end(g, S_CONTAINERS);
	}
}

/* ---------------------------------------------------------------- */
/* Network: VNets, NSGs, ASGs, public IPs, LB, app gateway, firewall */

/* ["a", "b"] from a comma-separated list. */
static void
kcsv(struct gen *g, const char *key, const char *csv)
{
	const char *p = csv, *c;
	char item[GEN_ID_MAX];

	ka(g, key);
	while (p != NULL && *p != '\0') {
		c = strchr(p, ',');
		snprintf(item, sizeof(item), "%.*s",
		    (int)(c != NULL ? (size_t)(c - p) : strlen(p)), p);
		s(g, item);
		p = c != NULL ? c + 1 : NULL;
	}
	ae(g);
}

struct nsgrule {
	const char	*name;		/* rule name */
	int		 prio;		/* priority */
	const char	*dir;		/* Inbound / Outbound */
	const char	*access;	/* Allow / Deny */
	const char	*proto;		/* Tcp, Udp, Icmp, * */
	const char	*src;		/* sourceAddressPrefix or NULL */
	const char	*srcs;		/* sourceAddressPrefixes, comma list */
	const char	*dport;		/* destinationPortRange or NULL */
	const char	*dports;	/* destinationPortRanges, comma list */
	const char	*src_asg;	/* source ASG name or NULL */
	const char	*dst_asg;	/* destination ASG name or NULL */
	const char	*dst;		/* destinationAddressPrefix, NULL = * */
};

#define NSG_MAX_RULES 6

static const struct nsgdef {
	int		 sub;		/* subscription */
	const char	*rg;		/* resource group */
	const char	*name;		/* NSG name */
	const char	*subnets;	/* "rg/vnet/subnet,..." */
	const char	*nics;		/* "rg/nic,..." */
	struct nsgrule	 rules[NSG_MAX_RULES];
} nsgs[] = {
	{ PROD, "rg-net-prod", "nsg-snet-web", "rg-net-prod/vnet-prod-uks/snet-web",
	    NULL, {
	    { "Allow-HTTPS-Internet-To-WebASG", 200, "Inbound", "Allow", "Tcp",
		"Internet", NULL, "443", NULL, NULL, "asg-web-servers", NULL },
	    { "Allow-From-AppGateway", 210, "Inbound", "Allow", "Tcp",
		"10.10.4.0/24", NULL, NULL, "80,443", NULL, NULL, NULL },
	    { "Deny-Internet-All", 4000, "Inbound", "Deny", "*", "Internet",
		NULL, "*", NULL, NULL, NULL, NULL } } },
	{ PROD, "rg-net-prod", "nsg-snet-app", "rg-net-prod/vnet-prod-uks/snet-app",
	    NULL, {
	    { "Deny-Dev-Inbound", 100, "Inbound", "Deny", "*", "10.30.0.0/16",
		NULL, "*", NULL, NULL, NULL, NULL },
	    { "Allow-Web-To-App-8443", 200, "Inbound", "Allow", "Tcp", NULL,
		NULL, "8443", NULL, "asg-web-servers", "asg-app-servers", NULL },
	    { "Allow-Mgmt-RDP-SSH", 300, "Inbound", "Allow", "Tcp",
		"10.10.5.0/24", NULL, NULL, "22,3389", NULL, NULL, NULL } } },
	{ PROD, "rg-net-prod", "nsg-snet-data",
	    "rg-net-prod/vnet-prod-uks/snet-data", NULL, {
	    { "Allow-SQL-From-Dev", 200, "Inbound", "Allow", "Tcp",
		"10.30.0.0/16", NULL, "1433", NULL, NULL, NULL, NULL },
	    { "Allow-SQL-From-AppASG", 210, "Inbound", "Allow", "Tcp", NULL,
		NULL, "1433", NULL, "asg-app-servers", NULL, NULL },
	    { "Allow-SQL-From-Hub-Firewall", 220, "Inbound", "Allow", "Tcp",
		"10.0.1.0/26", NULL, "1433", NULL, NULL, NULL, NULL } } },
	{ PROD, "rg-net-prod", "nsg-snet-mgmt",
	    "rg-net-prod/vnet-prod-uks/snet-mgmt", NULL, {
	    { "Deny-Internet-Inbound", 100, "Inbound", "Deny", "*", "Internet",
		NULL, "*", NULL, NULL, NULL, NULL },
	    { "Allow-RDP-From-Campus-VPN", 200, "Inbound", "Allow", "Tcp",
		"10.0.3.0/24", NULL, "3389", NULL, NULL, NULL, NULL } } },
	{ PROD, "rg-net-prod", "nsg-snet-appgw",
	    "rg-net-prod/vnet-prod-uks/snet-appgw", NULL, {
	    { "Allow-GatewayManager", 100, "Inbound", "Allow", "Tcp",
		"GatewayManager", NULL, "65200-65535", NULL, NULL, NULL, NULL },
	    { "Allow-HTTPS-Internet", 110, "Inbound", "Allow", "Tcp",
		"Internet", NULL, "443", NULL, NULL, NULL, NULL } } },
	{ RES, "rg-net-research", "nsg-snet-hpc",
	    "rg-net-research/vnet-research-uks/snet-hpc", NULL, {
	    { "Allow-SSH-Inbound", 300, "Inbound", "Allow", "Tcp", "*", NULL,
		"22", NULL, NULL, NULL, NULL },
	    { "Allow-Research-Partners", 310, "Inbound", "Allow", "Tcp", NULL,
		"192.0.2.0/24,198.51.100.0/24", NULL, "22,8000-8100", NULL,
		NULL, NULL } } },
	{ TEACH, "rg-net-dev", "nsg-snet-labs",
	    "rg-net-dev/vnet-dev-uks/snet-labs", NULL, {
	    { "Allow-RDP-Campus", 200, "Inbound", "Allow", "Tcp",
		"203.0.113.0/24", NULL, "3389", NULL, NULL, NULL, NULL },
	    { "Allow-Prod-SQL-Outbound", 200, "Outbound", "Allow", "Tcp", "*",
		NULL, "1433", NULL, NULL, NULL, "10.10.3.0/24" } } },
	{ TEACH, "rg-net-dev", "nsg-snet-jump",
	    "rg-net-dev/vnet-dev-uks/snet-jump", NULL, {
	    { "Deny-RDP-Internet", 200, "Inbound", "Deny", "Tcp", "Internet",
		NULL, "3389", NULL, NULL, NULL, NULL } } },
	{ TEACH, "rg-labs-dev", "nsg-vm-lab-win-01", NULL,
	    "rg-labs-dev/nic-vm-lab-win-01", {
	    { "Allow-RDP-Any", 300, "Inbound", "Allow", "Tcp", "*", NULL,
		"3389", NULL, NULL, NULL, NULL } } },
	{ TEACH, "rg-labs-dev", "nsg-vm-lab-win-02", NULL,
	    "rg-labs-dev/nic-vm-lab-win-02", {
	    { "Allow-RDP-Any", 300, "Inbound", "Allow", "Tcp", "*", NULL,
		"3389", NULL, NULL, NULL, NULL } } },
	{ TEACH, "rg-labs-dev", "nsg-vm-lab-lnx-01", NULL,
	    "rg-labs-dev/nic-vm-lab-lnx-01", {
	    { "Allow-SSH-IPv6-Any", 310, "Inbound", "Allow", "Tcp", "::/0",
		NULL, "22", NULL, NULL, NULL, NULL } } },
	{ TEACH, "rg-labs-dev", "nsg-vm-lab-lnx-02", NULL,
	    "rg-labs-dev/nic-vm-lab-lnx-02", {
	    { "Allow-SSH-IPv6-ULA", 310, "Inbound", "Allow", "Tcp",
		"fd00:10::/64", NULL, "22", NULL, NULL, NULL, NULL } } },
	{ SHARED, "rg-hub-network", "nsg-snet-shared",
	    "rg-hub-network/vnet-hub-uks/snet-shared", NULL, {
	    { "Allow-Directory-From-Spokes", 200, "Inbound", "Allow", "*",
		NULL, "10.10.0.0/16,10.20.0.0/16,10.30.0.0/16", NULL,
		"53,88,389,445,636,3268-3269", NULL, NULL, NULL } } },
};

#define N_NSGS (sizeof(nsgs) / sizeof(nsgs[0]))

static void
nsg_default_rules(struct gen *g, const char *nsgid)
{
	static const struct {
		const char *name, *dir, *access, *src, *dst;
		int prio;
	} d[] = {
		{ "AllowVnetInBound", "Inbound", "Allow", "VirtualNetwork",
		    "VirtualNetwork", 65000 },
		{ "AllowAzureLoadBalancerInBound", "Inbound", "Allow",
		    "AzureLoadBalancer", "*", 65001 },
		{ "DenyAllInBound", "Inbound", "Deny", "*", "*", 65500 },
		{ "AllowVnetOutBound", "Outbound", "Allow", "VirtualNetwork",
		    "VirtualNetwork", 65000 },
		{ "AllowInternetOutBound", "Outbound", "Allow", "*", "Internet",
		    65001 },
		{ "DenyAllOutBound", "Outbound", "Deny", "*", "*", 65500 },
	};
	size_t i;

	ka(g, "defaultSecurityRules");
	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		ob(g);
		kf(g, "id", "%s/defaultSecurityRules/%s", nsgid, d[i].name);
		ks(g, "name", d[i].name);
		ks(g, "type",
		    "Microsoft.Network/networkSecurityGroups/defaultSecurityRules");
		ko(g, "properties");
		ks(g, "provisioningState", "Succeeded");
		ks(g, "description", "Default rule");
		ks(g, "protocol", "*");
		ks(g, "sourcePortRange", "*");
		ks(g, "destinationPortRange", "*");
		ks(g, "sourceAddressPrefix", d[i].src);
		ks(g, "destinationAddressPrefix", d[i].dst);
		ks(g, "access", d[i].access);
		kn(g, "priority", d[i].prio);
		ks(g, "direction", d[i].dir);
		kempty(g, "sourcePortRanges");
		kempty(g, "destinationPortRanges");
		kempty(g, "sourceAddressPrefixes");
		kempty(g, "destinationAddressPrefixes");
		oe(g);
		oe(g);
	}
	ae(g);
}

static void
asg_ref(struct gen *g, int sub, const char *key, const char *asg)
{
	char id[GEN_ID_MAX];

	ka(g, key);
	ob(g);
	rid(id, g, sub, "rg-net-prod",
	    "Microsoft.Network/applicationSecurityGroups/%s", asg);
	ks(g, "id", id);
	oe(g);
	ae(g);
}

/* A list of {"id": ...} from "rg/name" items under one provider path. */
static void
idrefs(struct gen *g, int sub, const char *key, const char *csv, bool subnet)
{
	const char *p = csv, *c, *slash;
	char item[GEN_ID_MAX], id[GEN_ID_MAX], rg[64];

	ka(g, key);
	while (p != NULL && *p != '\0') {
		c = strchr(p, ',');
		snprintf(item, sizeof(item), "%.*s",
		    (int)(c != NULL ? (size_t)(c - p) : strlen(p)), p);
		if (subnet)
			subnet_id(id, g, sub, item);
		else if ((slash = strchr(item, '/')) != NULL) {
			snprintf(rg, sizeof(rg), "%.*s", (int)(slash - item),
			    item);
			rid(id, g, sub, rg,
			    "Microsoft.Network/networkInterfaces/%s", slash + 1);
		}
		ob(g);
		ks(g, "id", id);
		oe(g);
		p = c != NULL ? c + 1 : NULL;
	}
	ae(g);
}

static void
gen_nsgs(struct gen *g)
{
	char id[GEN_ID_MAX], etag[40];
	size_t i, j;

	for (i = 0; i < N_NSGS; i++) {
		const struct nsgdef *n = &nsgs[i];

		rid(id, g, n->sub, n->rg,
		    "Microsoft.Network/networkSecurityGroups/%s", n->name);
		arm(g, id, n->name, "microsoft.network/networksecuritygroups",
		    NULL, n->sub, n->rg, NULL);
		tags(g, n->sub, subs[n->sub].dept, subs[n->sub].owner, NULL);
		ko(g, "properties");
		ks(g, "provisioningState", "Succeeded");
		guid(g, etag, "nsg-guid:%s", id);
		ks(g, "resourceGuid", etag);
		ka(g, "securityRules");
		for (j = 0; j < NSG_MAX_RULES && n->rules[j].name != NULL; j++) {
			const struct nsgrule *r = &n->rules[j];

			ob(g);
			kf(g, "id", "%s/securityRules/%s", id, r->name);
			ks(g, "name", r->name);
			ks(g, "type",
			    "Microsoft.Network/networkSecurityGroups/securityRules");
			ko(g, "properties");
			ks(g, "provisioningState", "Succeeded");
			ks(g, "protocol", r->proto);
			ks(g, "sourcePortRange", "*");
			if (r->dport != NULL)
				ks(g, "destinationPortRange", r->dport);
			if (r->src != NULL)
				ks(g, "sourceAddressPrefix", r->src);
			if (r->src_asg != NULL)
				asg_ref(g, n->sub, "sourceApplicationSecurityGroups",
				    r->src_asg);
			if (r->dst_asg != NULL)
				asg_ref(g, n->sub,
				    "destinationApplicationSecurityGroups",
				    r->dst_asg);
			else
				ks(g, "destinationAddressPrefix",
				    r->dst != NULL ? r->dst : "*");
			ks(g, "access", r->access);
			kn(g, "priority", r->prio);
			ks(g, "direction", r->dir);
			kempty(g, "sourcePortRanges");
			if (r->dports != NULL)
				kcsv(g, "destinationPortRanges", r->dports);
			else
				kempty(g, "destinationPortRanges");
			if (r->srcs != NULL)
				kcsv(g, "sourceAddressPrefixes", r->srcs);
			else
				kempty(g, "sourceAddressPrefixes");
			kempty(g, "destinationAddressPrefixes");
			oe(g);
			oe(g);
		}
		ae(g);
		nsg_default_rules(g, id);
		if (n->subnets != NULL)
			idrefs(g, n->sub, "subnets", n->subnets, true);
		if (n->nics != NULL)
			idrefs(g, n->sub, "networkInterfaces", n->nics, false);
		oe(g);
		rec_end(g, S_RESOURCES);
	}
}

static const char *const asgs[] = {
	"asg-web-servers", "asg-app-servers", "asg-db-servers"
};

static void
gen_asgs(struct gen *g)
{
	char id[GEN_ID_MAX], rg_guid[40];
	size_t i;

	for (i = 0; i < sizeof(asgs) / sizeof(asgs[0]); i++) {
		rid(id, g, PROD, "rg-net-prod",
		    "Microsoft.Network/applicationSecurityGroups/%s", asgs[i]);
		arm(g, id, asgs[i],
		    "microsoft.network/applicationsecuritygroups", NULL, PROD,
		    "rg-net-prod", NULL);
		tags(g, PROD, "central-it", subs[PROD].owner, NULL);
		ko(g, "properties");
		guid(g, rg_guid, "asg-guid:%s", id);
		ks(g, "resourceGuid", rg_guid);
		ks(g, "provisioningState", "Succeeded");
		oe(g);
		rec_end(g, S_RESOURCES);
	}
}

static const struct vnetdef {
	int		 sub;
	const char	*rg;
	const char	*name;
	const char	*space;		/* addressPrefixes, comma list */
	const char	*subnets;	/* "name=prefix[|prefix6]=nsg", ';'-sep */
	const char	*peers;		/* "vnetkey" list: sub:rg/vnet, ';'-sep */
} vnets[] = {
	{ SHARED, "rg-hub-network", "vnet-hub-uks", "10.0.0.0/16",
	    "GatewaySubnet=10.0.0.0/27=;AzureFirewallSubnet=10.0.1.0/26=;"
	    "snet-shared=10.0.2.0/24=nsg-snet-shared;"
	    "snet-campus-vpn=10.0.3.0/24=",
	    "0:rg-net-prod/vnet-prod-uks;1:rg-net-research/vnet-research-uks;"
	    "2:rg-net-dev/vnet-dev-uks" },
	{ PROD, "rg-net-prod", "vnet-prod-uks", "10.10.0.0/16",
	    "snet-web=10.10.1.0/24=nsg-snet-web;snet-app=10.10.2.0/24=nsg-snet-app;"
	    "snet-data=10.10.3.0/24=nsg-snet-data;"
	    "snet-appgw=10.10.4.0/24=nsg-snet-appgw;"
	    "snet-mgmt=10.10.5.0/24=nsg-snet-mgmt",
	    "3:rg-hub-network/vnet-hub-uks;2:rg-net-dev/vnet-dev-uks" },
	{ RES, "rg-net-research", "vnet-research-uks", "10.20.0.0/16",
	    "snet-hpc=10.20.1.0/24=nsg-snet-hpc;snet-storage=10.20.2.0/24=",
	    "3:rg-hub-network/vnet-hub-uks" },
	{ TEACH, "rg-net-dev", "vnet-dev-uks", "10.30.0.0/16,fd00:30::/48",
	    "snet-labs=10.30.1.0/24=nsg-snet-labs;"
	    "snet-jump=10.30.2.0/24=nsg-snet-jump;"
	    "snet-labs-legacy=10.30.3.0/24|fd00:30:3::/64=",
	    "3:rg-hub-network/vnet-hub-uks;0:rg-net-prod/vnet-prod-uks" },
};

/* "remoteAddressSpace" of a peering to the VNet named vn. */
static void
peer_space(struct gen *g, const char *vn)
{
	size_t i;

	for (i = 0; i < sizeof(vnets) / sizeof(vnets[0]); i++) {
		if (strcmp(vnets[i].name, vn) != 0)
			continue;
		ko(g, "remoteAddressSpace");
		kcsv(g, "addressPrefixes", vnets[i].space);
		oe(g);
	}
}

static void
gen_vnets(struct gen *g)
{
	char id[GEN_ID_MAX], rid2[GEN_ID_MAX], tok[256], name[64], pfx[64],
	    nsg[64], rg[64], vn[64], rguid[40];
	const char *p, *c, *e1, *e2, *bar, *sl;
	size_t i;
	int psub;

	for (i = 0; i < sizeof(vnets) / sizeof(vnets[0]); i++) {
		const struct vnetdef *v = &vnets[i];

		rid(id, g, v->sub, v->rg, "Microsoft.Network/virtualNetworks/%s",
		    v->name);
		arm(g, id, v->name, "microsoft.network/virtualnetworks", NULL,
		    v->sub, v->rg, NULL);
		tags(g, v->sub, subs[v->sub].dept, subs[v->sub].owner, NULL);
		ko(g, "properties");
		ks(g, "provisioningState", "Succeeded");
		guid(g, rguid, "vnet-guid:%s", id);
		ks(g, "resourceGuid", rguid);
		ko(g, "addressSpace");
		kcsv(g, "addressPrefixes", v->space);
		oe(g);
		kb(g, "enableDdosProtection", false);
		ka(g, "subnets");
		for (p = v->subnets; p != NULL && *p != '\0';
		    p = c != NULL ? c + 1 : NULL) {
			c = strchr(p, ';');
			snprintf(tok, sizeof(tok), "%.*s",
			    (int)(c != NULL ? (size_t)(c - p) : strlen(p)), p);
			e1 = strchr(tok, '=');
			e2 = e1 != NULL ? strchr(e1 + 1, '=') : NULL;
			if (e1 == NULL || e2 == NULL)
				continue;
			snprintf(name, sizeof(name), "%.*s", (int)(e1 - tok), tok);
			snprintf(pfx, sizeof(pfx), "%.*s", (int)(e2 - e1 - 1),
			    e1 + 1);
			snprintf(nsg, sizeof(nsg), "%s", e2 + 1);
			ob(g);
			kf(g, "id", "%s/subnets/%s", id, name);
			ks(g, "name", name);
			ks(g, "type", "Microsoft.Network/virtualNetworks/subnets");
			ko(g, "properties");
			ks(g, "provisioningState", "Succeeded");
			if ((bar = strchr(pfx, '|')) != NULL) {
				ka(g, "addressPrefixes");
				sf(g, "%.*s", (int)(bar - pfx), pfx);
				s(g, bar + 1);
				ae(g);
			} else
				ks(g, "addressPrefix", pfx);
			if (nsg[0] != '\0') {
				ko(g, "networkSecurityGroup");
				rid(rid2, g, v->sub, v->rg,
				    "Microsoft.Network/networkSecurityGroups/%s",
				    nsg);
				ks(g, "id", rid2);
				oe(g);
			}
			ks(g, "privateEndpointNetworkPolicies", "Disabled");
			ks(g, "privateLinkServiceNetworkPolicies", "Enabled");
			oe(g);
			oe(g);
		}
		ae(g);
		ka(g, "virtualNetworkPeerings");
		for (p = v->peers; p != NULL && *p != '\0';
		    p = c != NULL ? c + 1 : NULL) {
			c = strchr(p, ';');
			snprintf(tok, sizeof(tok), "%.*s",
			    (int)(c != NULL ? (size_t)(c - p) : strlen(p)), p);
			psub = tok[0] - '0';
			sl = strchr(tok + 2, '/');
			if (sl == NULL || psub < 0 || psub >= N_SUBS)
				continue;
			snprintf(rg, sizeof(rg), "%.*s", (int)(sl - tok - 2),
			    tok + 2);
			snprintf(vn, sizeof(vn), "%s", sl + 1);
			ob(g);
			kf(g, "id", "%s/virtualNetworkPeerings/peer-%s-to-%s", id,
			    v->name + 5, vn + 5);
			kf(g, "name", "peer-%s-to-%s", v->name + 5, vn + 5);
			ks(g, "type",
			    "Microsoft.Network/virtualNetworks/virtualNetworkPeerings");
			ko(g, "properties");
			ks(g, "provisioningState", "Succeeded");
			ks(g, "peeringState", "Connected");
			ks(g, "peeringSyncLevel", "FullyInSync");
			kb(g, "allowVirtualNetworkAccess", true);
			kb(g, "allowForwardedTraffic", v->sub == SHARED ||
			    strcmp(vn, "vnet-hub-uks") == 0);
			kb(g, "allowGatewayTransit", v->sub == SHARED);
			kb(g, "useRemoteGateways", false);
			ko(g, "remoteVirtualNetwork");
			rid(rid2, g, psub, rg,
			    "Microsoft.Network/virtualNetworks/%s", vn);
			ks(g, "id", rid2);
			oe(g);
			peer_space(g, vn);
			oe(g);
			oe(g);
		}
		ae(g);
		oe(g);
		rec_end(g, S_RESOURCES);
	}
}

static const struct pipdef {
	int		 sub;
	const char	*rg;
	const char	*name;
	const char	*ip;
	const char	*cfg;	/* attached ipConfiguration under rg */
} pips[] = {
	{ SHARED, "rg-hub-network", "pip-afw-hub", "20.90.10.4",
	    "Microsoft.Network/azureFirewalls/afw-nbu-hub/azureFirewallIpConfigurations/afw-ipconfig" },
	{ PROD, "rg-net-prod", "pip-agw-web", "20.90.20.5",
	    "Microsoft.Network/applicationGateways/agw-nbu-web/frontendIPConfigurations/appGwPublicFrontendIp" },
	{ RES, "rg-net-research", "pip-lb-hpc", "20.90.30.6",
	    "Microsoft.Network/loadBalancers/lb-hpc-public/frontendIPConfigurations/fe-public" },
	{ TEACH, "rg-labs-dev", "pip-vm-lab-win-01", "20.90.40.11",
	    "Microsoft.Network/networkInterfaces/nic-vm-lab-win-01/ipConfigurations/ipconfig1" },
	{ TEACH, "rg-labs-dev", "pip-vm-lab-win-02", "20.90.40.12",
	    "Microsoft.Network/networkInterfaces/nic-vm-lab-win-02/ipConfigurations/ipconfig1" },
	{ TEACH, "rg-labs-dev", "pip-vm-lab-lnx-01", "20.90.40.13",
	    "Microsoft.Network/networkInterfaces/nic-vm-lab-lnx-01/ipConfigurations/ipconfig1" },
	{ TEACH, "rg-labs-dev", "pip-vm-lab-lnx-01-v6", "2603:1020:702:3::13",
	    "Microsoft.Network/networkInterfaces/nic-vm-lab-lnx-01/ipConfigurations/ipconfig-v6" },
	{ TEACH, "rg-labs-dev", "pip-vm-lab-lnx-02", "20.90.40.14",
	    "Microsoft.Network/networkInterfaces/nic-vm-lab-lnx-02/ipConfigurations/ipconfig1" },
	{ TEACH, "rg-labs-dev", "pip-vm-lab-lnx-02-v6", "2603:1020:702:3::14",
	    "Microsoft.Network/networkInterfaces/nic-vm-lab-lnx-02/ipConfigurations/ipconfig-v6" },
	{ PROD, "rg-web-prod", "pip-vm-web-static-01", "20.90.20.21",
	    "Microsoft.Network/networkInterfaces/nic-vm-web-static-01/ipConfigurations/ipconfig1" },
	{ PROD, "rg-web-prod", "pip-vm-web-static-02", "20.90.20.22",
	    "Microsoft.Network/networkInterfaces/nic-vm-web-static-02/ipConfigurations/ipconfig1" },
	{ PROD, "rg-mgmt-prod", "pip-vm-mgmt-jump-01", "20.90.20.30",
	    "Microsoft.Network/networkInterfaces/nic-vm-mgmt-jump-01/ipConfigurations/ipconfig1" },
};

static void
gen_pips(struct gen *g)
{
	char id[GEN_ID_MAX], cfg[GEN_ID_MAX], rguid[40];
	size_t i;
	bool v6;

	for (i = 0; i < sizeof(pips) / sizeof(pips[0]); i++) {
		const struct pipdef *p = &pips[i];

		v6 = strchr(p->ip, ':') != NULL;
		rid(id, g, p->sub, p->rg, "Microsoft.Network/publicIPAddresses/%s",
		    p->name);
		arm(g, id, p->name, "microsoft.network/publicipaddresses", NULL,
		    p->sub, p->rg, NULL);
		sku(g, "Standard", "Regional");
		tags(g, p->sub, subs[p->sub].dept, subs[p->sub].owner, NULL);
		ka(g, "zones");
		s(g, "1");
		s(g, "2");
		s(g, "3");
		ae(g);
		ko(g, "properties");
		ks(g, "provisioningState", "Succeeded");
		guid(g, rguid, "pip-guid:%s", id);
		ks(g, "resourceGuid", rguid);
		ks(g, "ipAddress", p->ip);
		ks(g, "publicIPAddressVersion", v6 ? "IPv6" : "IPv4");
		ks(g, "publicIPAllocationMethod", "Static");
		kn(g, "idleTimeoutInMinutes", 4);
		ko(g, "ipConfiguration");
		rid(cfg, g, p->sub, p->rg, "%s", p->cfg);
		ks(g, "id", cfg);
		oe(g);
		oe(g);
		rec_end(g, S_RESOURCES);
	}
}

static void
idobj(struct gen *g, const char *key, const char *id)
{
	ko(g, key);
	ks(g, "id", id);
	oe(g);
}

/* "key": {"id": "<formatted>"} */
static void __attribute__((format(printf, 3, 4)))
kidf(struct gen *g, const char *key, const char *fmt, ...)
{
	char v[GEN_ID_MAX * 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	idobj(g, key, v);
}

/* Public load balancer in research: SSH NAT to the HPC head node. */
static void
gen_lb(struct gen *g)
{
	char id[GEN_ID_MAX], t[GEN_ID_MAX];

	rid(id, g, RES, "rg-net-research",
	    "Microsoft.Network/loadBalancers/lb-hpc-public");
	arm(g, id, "lb-hpc-public", "microsoft.network/loadbalancers", NULL,
	    RES, "rg-net-research", NULL);
	sku(g, "Standard", "Regional");
	tags(g, RES, "research-computing", subs[RES].owner, "hpc");
	ko(g, "properties");
	ks(g, "provisioningState", "Succeeded");
	ka(g, "frontendIPConfigurations");
	ob(g);
	kf(g, "id", "%s/frontendIPConfigurations/fe-public", id);
	ks(g, "name", "fe-public");
	ko(g, "properties");
	rid(t, g, RES, "rg-net-research",
	    "Microsoft.Network/publicIPAddresses/pip-lb-hpc");
	idobj(g, "publicIPAddress", t);
	ka(g, "inboundNatRules");
	ob(g);
	kf(g, "id", "%s/inboundNatRules/nat-ssh-hpc-head-01", id);
	oe(g);
	ae(g);
	ka(g, "loadBalancingRules");
	ob(g);
	kf(g, "id", "%s/loadBalancingRules/lbr-jupyter-https", id);
	oe(g);
	ae(g);
	oe(g);
	oe(g);
	ae(g);
	ka(g, "backendAddressPools");
	ob(g);
	kf(g, "id", "%s/backendAddressPools/bepool-hpc", id);
	ks(g, "name", "bepool-hpc");
	ko(g, "properties");
	ka(g, "backendIPConfigurations");
	ob(g);
	rid(t, g, RES, "rg-hpc-research",
	    "Microsoft.Network/networkInterfaces/nic-vm-hpc-head-01/ipConfigurations/ipconfig1");
	ks(g, "id", t);
	oe(g);
	ae(g);
	oe(g);
	oe(g);
	ae(g);
	ka(g, "loadBalancingRules");
	ob(g);
	kf(g, "id", "%s/loadBalancingRules/lbr-jupyter-https", id);
	ks(g, "name", "lbr-jupyter-https");
	ko(g, "properties");
	kidf(g, "frontendIPConfiguration",
	    "%s/frontendIPConfigurations/fe-public", id);
	ks(g, "protocol", "Tcp");
	kn(g, "frontendPort", 443);
	kn(g, "backendPort", 8443);
	kb(g, "enableFloatingIP", false);
	kn(g, "idleTimeoutInMinutes", 4);
	ks(g, "loadDistribution", "Default");
	kidf(g, "backendAddressPool", "%s/backendAddressPools/bepool-hpc",
	    id);
	kidf(g, "probe", "%s/probes/probe-https", id);
	oe(g);
	oe(g);
	ae(g);
	ka(g, "probes");
	ob(g);
	kf(g, "id", "%s/probes/probe-https", id);
	ks(g, "name", "probe-https");
	ko(g, "properties");
	ks(g, "protocol", "Tcp");
	kn(g, "port", 8443);
	kn(g, "intervalInSeconds", 15);
	kn(g, "numberOfProbes", 2);
	oe(g);
	oe(g);
	ae(g);
	ka(g, "inboundNatRules");
	ob(g);
	kf(g, "id", "%s/inboundNatRules/nat-ssh-hpc-head-01", id);
	ks(g, "name", "nat-ssh-hpc-head-01");
	ko(g, "properties");
	kidf(g, "frontendIPConfiguration",
	    "%s/frontendIPConfigurations/fe-public", id);
	rid(t, g, RES, "rg-hpc-research",
	    "Microsoft.Network/networkInterfaces/nic-vm-hpc-head-01/ipConfigurations/ipconfig1");
	idobj(g, "backendIPConfiguration", t);
	ks(g, "protocol", "Tcp");
	kn(g, "frontendPort", 50022);
	kn(g, "backendPort", 22);
	kn(g, "idleTimeoutInMinutes", 4);
	kb(g, "enableFloatingIP", false);
	kb(g, "enableTcpReset", false);
	oe(g);
	oe(g);
	ae(g);
	ka(g, "outboundRules");
	ae(g);
	oe(g);
	rec_end(g, S_RESOURCES);
}

static void
gen_appgw(struct gen *g)
{
	char id[GEN_ID_MAX], t[GEN_ID_MAX];
	int i;

	rid(id, g, PROD, "rg-net-prod",
	    "Microsoft.Network/applicationGateways/agw-nbu-web");
	arm(g, id, "agw-nbu-web", "microsoft.network/applicationgateways", NULL,
	    PROD, "rg-net-prod", NULL);
	tags(g, PROD, "communications", subs[PROD].owner, "web-portal");
	ka(g, "zones");
	s(g, "1");
	s(g, "2");
	ae(g);
	ko(g, "properties");
	ks(g, "provisioningState", "Succeeded");
	ks(g, "operationalState", "Running");
	ko(g, "sku");
	ks(g, "name", "WAF_v2");
	ks(g, "tier", "WAF_v2");
	kn(g, "capacity", 2);
	oe(g);
	ko(g, "sslPolicy");
	ks(g, "policyType", "Predefined");
	ks(g, "policyName", "AppGwSslPolicy20220101");
	oe(g);
	ka(g, "gatewayIPConfigurations");
	ob(g);
	kf(g, "id", "%s/gatewayIPConfigurations/appGatewayIpConfig", id);
	ks(g, "name", "appGatewayIpConfig");
	ko(g, "properties");
	subnet_id(t, g, PROD, "rg-net-prod/vnet-prod-uks/snet-appgw");
	idobj(g, "subnet", t);
	oe(g);
	oe(g);
	ae(g);
	ka(g, "frontendIPConfigurations");
	ob(g);
	kf(g, "id", "%s/frontendIPConfigurations/appGwPublicFrontendIp", id);
	ks(g, "name", "appGwPublicFrontendIp");
	ko(g, "properties");
	ks(g, "privateIPAllocationMethod", "Dynamic");
	rid(t, g, PROD, "rg-net-prod",
	    "Microsoft.Network/publicIPAddresses/pip-agw-web");
	idobj(g, "publicIPAddress", t);
	oe(g);
	oe(g);
	ae(g);
	ka(g, "frontendPorts");
	ob(g);
	kf(g, "id", "%s/frontendPorts/port_443", id);
	ks(g, "name", "port_443");
	ko(g, "properties");
	kn(g, "port", 443);
	oe(g);
	oe(g);
	ae(g);
	ka(g, "backendAddressPools");
	ob(g);
	kf(g, "id", "%s/backendAddressPools/bepool-cms", id);
	ks(g, "name", "bepool-cms");
	ko(g, "properties");
	ka(g, "backendAddresses");
	ae(g);
	ka(g, "backendIPConfigurations");
	for (i = 1; i <= 2; i++) {
		ob(g);
		rid(t, g, PROD, "rg-web-prod",
		    "Microsoft.Network/networkInterfaces/nic-vm-web-cms-%02d/ipConfigurations/ipconfig1",
		    i);
		ks(g, "id", t);
		oe(g);
	}
	ae(g);
	oe(g);
	oe(g);
	ae(g);
	ka(g, "backendHttpSettingsCollection");
	ob(g);
	kf(g, "id", "%s/backendHttpSettingsCollection/https-443", id);
	ks(g, "name", "https-443");
	ko(g, "properties");
	kn(g, "port", 443);
	ks(g, "protocol", "Https");
	ks(g, "cookieBasedAffinity", "Disabled");
	kn(g, "requestTimeout", 30);
	oe(g);
	oe(g);
	ae(g);
	ka(g, "httpListeners");
	ob(g);
	kf(g, "id", "%s/httpListeners/listener-portal-https", id);
	ks(g, "name", "listener-portal-https");
	ko(g, "properties");
	kidf(g, "frontendIPConfiguration",
	    "%s/frontendIPConfigurations/appGwPublicFrontendIp", id);
	kidf(g, "frontendPort", "%s/frontendPorts/port_443", id);
	ks(g, "protocol", "Https");
	ks(g, "hostName", "www." DOMAIN);
	kb(g, "requireServerNameIndication", true);
	oe(g);
	oe(g);
	ae(g);
	ka(g, "requestRoutingRules");
	ob(g);
	kf(g, "id", "%s/requestRoutingRules/rule-portal", id);
	ks(g, "name", "rule-portal");
	ko(g, "properties");
	ks(g, "ruleType", "Basic");
	kn(g, "priority", 100);
	kidf(g, "httpListener", "%s/httpListeners/listener-portal-https", id);
	kidf(g, "backendAddressPool", "%s/backendAddressPools/bepool-cms", id);
	kidf(g, "backendHttpSettings",
	    "%s/backendHttpSettingsCollection/https-443", id);
	oe(g);
	oe(g);
	ae(g);
	ko(g, "webApplicationFirewallConfiguration");
	kb(g, "enabled", true);
	ks(g, "firewallMode", "Prevention");
	ks(g, "ruleSetType", "OWASP");
	ks(g, "ruleSetVersion", "3.2");
	oe(g);
	oe(g);
	rec_end(g, S_RESOURCES);
}

/* Hub firewall: DNAT of the public IP's 1433 to the finance SQL VM. */
static void
gen_firewall(struct gen *g)
{
	char id[GEN_ID_MAX], t[GEN_ID_MAX];

	rid(id, g, SHARED, "rg-hub-network",
	    "Microsoft.Network/azureFirewalls/afw-nbu-hub");
	arm(g, id, "afw-nbu-hub", "microsoft.network/azurefirewalls", NULL,
	    SHARED, "rg-hub-network", NULL);
	tags(g, SHARED, "central-it", subs[SHARED].owner, "hub");
	ka(g, "zones");
	s(g, "1");
	s(g, "2");
	s(g, "3");
	ae(g);
	ko(g, "properties");
	ks(g, "provisioningState", "Succeeded");
	ko(g, "sku");
	ks(g, "name", "AZFW_VNet");
	ks(g, "tier", "Standard");
	oe(g);
	ks(g, "threatIntelMode", "Alert");
	ka(g, "ipConfigurations");
	ob(g);
	kf(g, "id", "%s/azureFirewallIpConfigurations/afw-ipconfig", id);
	ks(g, "name", "afw-ipconfig");
	ko(g, "properties");
	ks(g, "privateIPAddress", "10.0.1.4");
	subnet_id(t, g, SHARED, "rg-hub-network/vnet-hub-uks/AzureFirewallSubnet");
	idobj(g, "subnet", t);
	rid(t, g, SHARED, "rg-hub-network",
	    "Microsoft.Network/publicIPAddresses/pip-afw-hub");
	idobj(g, "publicIPAddress", t);
	oe(g);
	oe(g);
	ae(g);
	ka(g, "natRuleCollections");
	ob(g);
	kf(g, "id", "%s/natRuleCollections/dnat-inbound", id);
	ks(g, "name", "dnat-inbound");
	ko(g, "properties");
	kn(g, "priority", 100);
	ko(g, "action");
	ks(g, "type", "Dnat");
	oe(g);
	ka(g, "rules");
	ob(g);
	ks(g, "name", "dnat-fin-sql");
	ks(g, "description", "Finance reporting vendor access (temporary)");
	kstrs(g, "protocols", "TCP", NULL);
	kstrs(g, "sourceAddresses", "*", NULL);
	kstrs(g, "destinationAddresses", "20.90.10.4", NULL);
	kstrs(g, "destinationPorts", "1433", NULL);
	ks(g, "translatedAddress", "10.10.3.4");
	ks(g, "translatedPort", "1433");
	oe(g);
	ae(g);
	oe(g);
	oe(g);
	ae(g);
	ka(g, "networkRuleCollections");
	ob(g);
	kf(g, "id", "%s/networkRuleCollections/net-allow-spokes", id);
	ks(g, "name", "net-allow-spokes");
	ko(g, "properties");
	kn(g, "priority", 200);
	ko(g, "action");
	ks(g, "type", "Allow");
	oe(g);
	ka(g, "rules");
	ob(g);
	ks(g, "name", "spokes-to-internet-https");
	kstrs(g, "protocols", "TCP", NULL);
	kstrs(g, "sourceAddresses", "10.10.0.0/16", "10.20.0.0/16",
	    "10.30.0.0/16", NULL);
	kstrs(g, "destinationAddresses", "*", NULL);
	kstrs(g, "destinationPorts", "443", NULL);
	oe(g);
	ae(g);
	oe(g);
	oe(g);
	ae(g);
	kempty(g, "applicationRuleCollections");
	oe(g);
	rec_end(g, S_RESOURCES);
}

/* ---------------------------------------------------------------- */
/* Virtual machines with NIC, disks, patch data, backup, schedule    */

struct vmspec {
	const char	*name;		/* VM name */
	int		 sub;		/* subscription */
	const char	*rg;		/* resource group */
	bool		 win;		/* Windows, else Linux */
	const char	*subnet;	/* "rg/vnet/subnet" */
	const char	*ip;		/* private IPv4 */
	const char	*mode;		/* patchMode; NULL = AutomaticByPlatform */
	const char	*dept;		/* dept tag */
	const char	*owner;		/* owner tag; NULL = none */
	const char	*app;		/* app tag */
	bool		 nic_nsg;	/* NIC NSG nsg-<name> */
	bool		 pip;		/* public IP pip-<name> on the NIC */
	bool		 v6;		/* dual stack with pip-<name>-v6 */
	const char	*asg;		/* ASG membership or NULL */
	bool		 lb;		/* research LB pool + SSH NAT */
	bool		 agw;		/* app gateway backend */
	int		 ndata;		/* data disks */
	int		 assess_h;	/* assessment age in hours, -1 = none */
	int		 crit_d;	/* critical patch age in days, -1 = none */
	int		 sec_d;		/* security patch age in days, -1 = none */
	int		 bkp_h;		/* last backup age in hours, -1 = none */
	bool		 bkp_failed;	/* last backup attempt failed */
	const char	*maint;		/* maintenance configuration or NULL */
};

static const char *
vm_size(const struct vmspec *v)
{
	static const char *const sizes[] = { "Standard_D4s_v5",
	    "Standard_D2s_v5", "Standard_E8s_v5", "Standard_B2ms",
	    "Standard_D8s_v5", "Standard_F4s_v2" };

	return sizes[hash_str(0, v->name) % 6];
}

static void
gen_vm_core(struct gen *g, const struct vmspec *v)
{
	char id[GEN_ID_MAX], nic[GEN_ID_MAX], t[GEN_ID_MAX], vmid[40],
	    os[GEN_ID_MAX], mac[24];
	uint64_t h;
	int i;

	rnd_seed(g, v->name);
	rid(id, g, v->sub, v->rg, "Microsoft.Compute/virtualMachines/%s",
	    v->name);
	rid(nic, g, v->sub, v->rg, "Microsoft.Network/networkInterfaces/nic-%s",
	    v->name);
	rid(os, g, v->sub, v->rg, "Microsoft.Compute/disks/%s-osdisk", v->name);

	/* The VM. */
	arm(g, id, v->name, "microsoft.compute/virtualmachines", "", v->sub,
	    v->rg, NULL);
	tags(g, v->sub, v->dept, v->owner, v->app);
	if (rnd(g) % 3 == 0) {
		ko(g, "identity");
		ks(g, "type", "SystemAssigned");
		guid(g, vmid, "mi:%s", id);
		ks(g, "principalId", vmid);
		ks(g, "tenantId", g->tenant);
		oe(g);
	}
	kstrs(g, "zones", (rnd(g) & 1) != 0 ? "1" : "2", NULL);
	ko(g, "properties");
	guid(g, vmid, "vmid:%s", id);
	ks(g, "vmId", vmid);
	ko(g, "hardwareProfile");
	ks(g, "vmSize", vm_size(v));
	oe(g);
	ko(g, "storageProfile");
	ko(g, "imageReference");
	if (v->win) {
		ks(g, "publisher", "MicrosoftWindowsServer");
		ks(g, "offer", "WindowsServer");
		ks(g, "sku", strstr(v->name, "legacy") != NULL ?
		    "2012-R2-Datacenter" : "2022-datacenter-azure-edition");
	} else {
		ks(g, "publisher", "Canonical");
		ks(g, "offer", "0001-com-ubuntu-server-jammy");
		ks(g, "sku", "22_04-lts-gen2");
	}
	ks(g, "version", "latest");
	oe(g);
	ko(g, "osDisk");
	ks(g, "osType", v->win ? "Windows" : "Linux");
	kf(g, "name", "%s-osdisk", v->name);
	ks(g, "createOption", "FromImage");
	ks(g, "caching", "ReadWrite");
	ko(g, "managedDisk");
	ks(g, "id", os);
	ks(g, "storageAccountType", "Premium_LRS");
	oe(g);
	ks(g, "deleteOption", "Delete");
	kn(g, "diskSizeGB", v->win ? 128 : 64);
	oe(g);
	ka(g, "dataDisks");
	for (i = 0; i < v->ndata; i++) {
		ob(g);
		kn(g, "lun", i);
		kf(g, "name", "%s-data%02d", v->name, i + 1);
		ks(g, "createOption", "Attach");
		ks(g, "caching", "ReadOnly");
		ko(g, "managedDisk");
		rid(t, g, v->sub, v->rg, "Microsoft.Compute/disks/%s-data%02d",
		    v->name, i + 1);
		ks(g, "id", t);
		ks(g, "storageAccountType", "Premium_LRS");
		oe(g);
		kn(g, "diskSizeGB", 256);
		oe(g);
	}
	ae(g);
	oe(g);
	ko(g, "osProfile");
	ks(g, "computerName", v->name + 3);
	ks(g, "adminUsername", "nbuadmin");
	if (v->win) {
		ko(g, "windowsConfiguration");
		kb(g, "provisionVMAgent", true);
		kb(g, "enableAutomaticUpdates", v->mode == NULL ||
		    strcmp(v->mode, "Manual") != 0);
		ko(g, "patchSettings");
		ks(g, "patchMode", v->mode != NULL ? v->mode :
		    "AutomaticByPlatform");
		ks(g, "assessmentMode", "AutomaticByPlatform");
		oe(g);
		oe(g);
	} else {
		ko(g, "linuxConfiguration");
		kb(g, "disablePasswordAuthentication", true);
		kb(g, "provisionVMAgent", true);
		ko(g, "patchSettings");
		ks(g, "patchMode", v->mode != NULL ? v->mode :
		    "AutomaticByPlatform");
		ks(g, "assessmentMode", "AutomaticByPlatform");
		oe(g);
		oe(g);
	}
	kempty(g, "secrets");
	kb(g, "allowExtensionOperations", true);
	oe(g);
	ko(g, "networkProfile");
	ka(g, "networkInterfaces");
	ob(g);
	ks(g, "id", nic);
	ko(g, "properties");
	kb(g, "primary", true);
	oe(g);
	oe(g);
	ae(g);
	oe(g);
	ko(g, "securityProfile");
	kb(g, "encryptionAtHost", (rnd(g) & 1) != 0);
	oe(g);
	ko(g, "diagnosticsProfile");
	ko(g, "bootDiagnostics");
	kb(g, "enabled", true);
	oe(g);
	oe(g);
	if (v->win && strstr(v->name, "legacy") == NULL)
		ks(g, "licenseType", "Windows_Server");
	ks(g, "provisioningState", "Succeeded");
	ko(g, "extended");
	ko(g, "instanceView");
	ko(g, "powerState");
	ks(g, "code", "PowerState/running");
	ks(g, "displayStatus", "VM running");
	oe(g);
	oe(g);
	oe(g);
	kt(g, "timeCreated", (int64_t)rnd_range(g, 200, 1400) * DAY);
	oe(g);
	rec_end(g, S_RESOURCES);

	/* The NIC. */
	arm(g, nic, strrchr(nic, '/') + 1, "microsoft.network/networkinterfaces",
	    "Regular", v->sub, v->rg, NULL);
	tags(g, v->sub, v->dept, v->owner, v->app);
	ko(g, "properties");
	ks(g, "provisioningState", "Succeeded");
	guid(g, vmid, "nic-guid:%s", nic);
	ks(g, "resourceGuid", vmid);
	ka(g, "ipConfigurations");
	ob(g);
	kf(g, "id", "%s/ipConfigurations/ipconfig1", nic);
	ks(g, "name", "ipconfig1");
	ks(g, "type", "Microsoft.Network/networkInterfaces/ipConfigurations");
	ko(g, "properties");
	ks(g, "provisioningState", "Succeeded");
	ks(g, "privateIPAddress", v->ip);
	ks(g, "privateIPAllocationMethod", "Static");
	ks(g, "privateIPAddressVersion", "IPv4");
	kb(g, "primary", true);
	subnet_id(t, g, v->sub, v->subnet);
	idobj(g, "subnet", t);
	if (v->pip) {
		rid(t, g, v->sub, v->rg,
		    "Microsoft.Network/publicIPAddresses/pip-%s", v->name);
		idobj(g, "publicIPAddress", t);
	}
	if (v->asg != NULL)
		asg_ref(g, v->sub, "applicationSecurityGroups", v->asg);
	ka(g, "loadBalancerBackendAddressPools");
	if (v->lb) {
		ob(g);
		rid(t, g, RES, "rg-net-research",
		    "Microsoft.Network/loadBalancers/lb-hpc-public/backendAddressPools/bepool-hpc");
		ks(g, "id", t);
		oe(g);
	}
	ae(g);
	ka(g, "loadBalancerInboundNatRules");
	if (v->lb) {
		ob(g);
		rid(t, g, RES, "rg-net-research",
		    "Microsoft.Network/loadBalancers/lb-hpc-public/inboundNatRules/nat-ssh-hpc-head-01");
		ks(g, "id", t);
		oe(g);
	}
	ae(g);
	ka(g, "applicationGatewayBackendAddressPools");
	if (v->agw) {
		ob(g);
		rid(t, g, PROD, "rg-net-prod",
		    "Microsoft.Network/applicationGateways/agw-nbu-web/backendAddressPools/bepool-cms");
		ks(g, "id", t);
		oe(g);
	}
	ae(g);
	oe(g);
	oe(g);
	if (v->v6) {
		ob(g);
		kf(g, "id", "%s/ipConfigurations/ipconfig-v6", nic);
		ks(g, "name", "ipconfig-v6");
		ks(g, "type",
		    "Microsoft.Network/networkInterfaces/ipConfigurations");
		ko(g, "properties");
		ks(g, "provisioningState", "Succeeded");
		kf(g, "privateIPAddress", "fd00:30:3::%s", strrchr(v->ip, '.') + 1);
		ks(g, "privateIPAllocationMethod", "Static");
		ks(g, "privateIPAddressVersion", "IPv6");
		kb(g, "primary", false);
		subnet_id(t, g, v->sub, v->subnet);
		idobj(g, "subnet", t);
		rid(t, g, v->sub, v->rg,
		    "Microsoft.Network/publicIPAddresses/pip-%s-v6", v->name);
		idobj(g, "publicIPAddress", t);
		oe(g);
		oe(g);
	}
	ae(g);
	if (v->nic_nsg) {
		rid(t, g, v->sub, v->rg,
		    "Microsoft.Network/networkSecurityGroups/nsg-%s", v->name);
		idobj(g, "networkSecurityGroup", t);
	}
	idobj(g, "virtualMachine", id);
	h = hash_str(g->seed, nic);
	snprintf(mac, sizeof(mac), "00-0D-3A-%02X-%02X-%02X",
	    (unsigned)(h >> 16) & 0xffU, (unsigned)(h >> 8) & 0xffU,
	    (unsigned)h & 0xffU);
	ks(g, "macAddress", mac);
	kb(g, "enableAcceleratedNetworking", true);
	kb(g, "enableIPForwarding", false);
	kb(g, "primary", true);
	ks(g, "nicType", "Standard");
	oe(g);
	rec_end(g, S_RESOURCES);

	/* Disks. */
	for (i = -1; i < v->ndata; i++) {
		bool legacy = strstr(v->name, "legacy") != NULL;

		if (i < 0)
			snprintf(t, sizeof(t), "%s", os);
		else
			rid(t, g, v->sub, v->rg,
			    "Microsoft.Compute/disks/%s-data%02d", v->name, i + 1);
		g->managed_by = id;
		arm(g, t, strrchr(t, '/') + 1, "microsoft.compute/disks", "",
		    v->sub, v->rg, NULL);
		sku(g, "Premium_LRS", "Premium");
		tags(g, v->sub, v->dept, v->owner, v->app);
		ko(g, "properties");
		if (i < 0) {
			ks(g, "osType", v->win ? "Windows" : "Linux");
			ks(g, "hyperVGeneration", "V2");
		}
		ko(g, "creationData");
		ks(g, "createOption", i < 0 ? "FromImage" : "Empty");
		oe(g);
		kn(g, "diskSizeGB", i < 0 ? (v->win ? 128 : 64) : 256);
		ko(g, "encryption");
		ks(g, "type", "EncryptionAtRestWithPlatformKey");
		oe(g);
		ks(g, "networkAccessPolicy", legacy && i < 0 ? "AllowAll" :
		    "DenyAll");
		ks(g, "publicNetworkAccess", legacy && i < 0 ? "Enabled" :
		    "Disabled");
		ks(g, "diskState", "Attached");
		ks(g, "provisioningState", "Succeeded");
		oe(g);
		rec_end(g, S_RESOURCES);
	}
}

static void
soft_patch(struct gen *g, const struct vmspec *v, const char *vmid,
    const char *name, const char *kb, const char *cls, int age_d,
    int assess_h)
{
	char id[GEN_ID_MAX], pid[40];

	guid(g, pid, "patch:%s:%s", v->name, name);
	snprintf(id, sizeof(id),
	    "%s/patchAssessmentResults/latest/softwarePatches/%s", vmid, pid);
	arm(g, id, pid,
	    "microsoft.compute/virtualmachines/patchassessmentresults/softwarepatches",
	    "", v->sub, v->rg, NULL);
	ko(g, "properties");
	ks(g, "patchName", name);
	if (kb != NULL)
		ks(g, "kbId", kb);
	else
		ks(g, "version", "3.0.2-0ubuntu1.18");
	kstrs(g, "classifications", cls, NULL);
	if (v->win)
		ks(g, "msrcSeverity", strcmp(cls, "Critical") == 0 ?
		    "Critical" : strcmp(cls, "Security") == 0 ? "Important" :
		    "Unspecified");
	ks(g, "rebootBehavior", v->win ? "CanRequestReboot" : "NeverReboots");
	ks(g, "patchId", pid);
	ks(g, "assessmentState", "Available");
	kt(g, "publishedDate", (int64_t)age_d * DAY);
	kt(g, "lastModifiedDateTime", (int64_t)assess_h * HOUR);
	oe(g);
	rec_end(g, S_PATCH);
}

static void
gen_vm_patch(struct gen *g, const struct vmspec *v)
{
	char vmid[GEN_ID_MAX], id[GEN_ID_MAX], aid[40];
	int n_other = 1 + (int)(hash_str(1, v->name) % 3);

	if (v->assess_h < 0)
		return;
	rid(vmid, g, v->sub, v->rg, "Microsoft.Compute/virtualMachines/%s",
	    v->name);
	snprintf(id, sizeof(id), "%s/patchAssessmentResults/latest", vmid);
	arm(g, id, "latest",
	    "microsoft.compute/virtualmachines/patchassessmentresults", "",
	    v->sub, v->rg, NULL);
	ko(g, "properties");
	ks(g, "status", "Succeeded");
	kb(g, "rebootPending", v->crit_d >= 0);
	ks(g, "osType", v->win ? "Windows" : "Linux");
	ks(g, "patchServiceUsed", v->win ? "WU" : "APT");
	ks(g, "startedBy", "Platform");
	guid(g, aid, "assess-activity:%s", v->name);
	ks(g, "assessmentActivityId", aid);
	kt(g, "startDateTime", (int64_t)v->assess_h * HOUR + 300);
	kt(g, "lastModifiedDateTime", (int64_t)v->assess_h * HOUR);
	ko(g, "availablePatchCountByClassification");
	if (v->win) {
		kn(g, "critical", v->crit_d >= 0);
		kn(g, "security", v->sec_d >= 0);
		kn(g, "definition", 1);
		kn(g, "updateRollup", 0);
		kn(g, "featurePack", 0);
		kn(g, "servicePack", 0);
		kn(g, "tools", 0);
		kn(g, "updates", n_other);
	} else {
		kn(g, "critical", v->crit_d >= 0);
		kn(g, "security", v->sec_d >= 0);
		kn(g, "other", n_other);
	}
	oe(g);
	ko(g, "errorDetails");
	ks(g, "code", "0");
	ks(g, "message", "");
	oe(g);
	oe(g);
	rec_end(g, S_PATCH);
	if (v->crit_d >= 0)
		soft_patch(g, v, vmid, v->win ?
		    "2026-04 Cumulative Update for Microsoft server operating system version 21H2 for x64-based Systems (KB5041580)" :
		    "openssl", v->win ? "5041580" : NULL, "Critical", v->crit_d,
		    v->assess_h);
	if (v->sec_d >= 0)
		soft_patch(g, v, vmid, v->win ?
		    "Security Update for Microsoft .NET Framework 4.8 (KB5042350)" :
		    "libxml2", v->win ? "5042350" : NULL, "Security", v->sec_d,
		    v->assess_h);
	soft_patch(g, v, vmid, v->win ?
	    "Security Intelligence Update for Microsoft Defender Antivirus (KB2267602)" :
	    "tzdata", v->win ? "2267602" : NULL, v->win ? "Definition" : "Other",
	    1, v->assess_h);
}

/* Backup: protected item and its latest backup job(s). */
static void
gen_vm_backup(struct gen *g, const struct vmspec *v)
{
	char vmid[GEN_ID_MAX], vault[GEN_ID_MAX], id[GEN_ID_MAX], jid[40],
	    cont[256], item[256];
	const struct subdef *sd = &subs[v->sub];
	int last_ok_h;

	if (v->bkp_h < 0)
		return;
	last_ok_h = v->bkp_failed ? 96 : v->bkp_h;
	rid(vmid, g, v->sub, v->rg, "Microsoft.Compute/virtualMachines/%s",
	    v->name);
	rid(vault, g, v->sub, sd->vault_rg, "Microsoft.RecoveryServices/vaults/%s",
	    sd->vault);
	snprintf(cont, sizeof(cont), "IaasVMContainer;iaasvmcontainerv2;%s;%s",
	    v->rg, v->name);
	snprintf(item, sizeof(item), "VM;iaasvmcontainerv2;%s;%s", v->rg,
	    v->name);
	snprintf(id, sizeof(id),
	    "%s/backupFabrics/Azure/protectionContainers/%s/protectedItems/%s",
	    vault, cont, item);
	arm(g, id, item,
	    "microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems",
	    "", v->sub, sd->vault_rg, NULL);
	ko(g, "properties");
	ks(g, "friendlyName", v->name);
	ks(g, "virtualMachineId", vmid);
	ks(g, "sourceResourceId", vmid);
	ks(g, "protectionStatus", v->bkp_failed ? "Unhealthy" : "Healthy");
	ks(g, "protectionState", "Protected");
	ks(g, "healthStatus", v->bkp_failed ? "ActionRequired" : "Passed");
	ks(g, "lastBackupStatus", v->bkp_failed ? "Failed" : "Completed");
	kt(g, "lastBackupTime", (int64_t)v->bkp_h * HOUR);
	kt(g, "lastRecoveryPoint", (int64_t)last_ok_h * HOUR);
	ks(g, "protectedItemType", "Microsoft.Compute/virtualMachines");
	ks(g, "backupManagementType", "AzureIaasVM");
	ks(g, "workloadType", "VM");
	kf(g, "containerName", "iaasvmcontainerv2;%s;%s", v->rg, v->name);
	kf(g, "policyId", "%s/backupPolicies/%s", vault,
	    v->sub == TEACH ? "EnhancedPolicy-Labs" : "DefaultPolicy");
	ks(g, "policyName", v->sub == TEACH ? "EnhancedPolicy-Labs" :
	    "DefaultPolicy");
	oe(g);
	rec_end(g, S_RECOVERY);

	/* The job of the last attempt, and the last success when failed. */
	guid(g, jid, "job:%s:%d", v->name, v->bkp_h);
	snprintf(id, sizeof(id), "%s/backupJobs/%s", vault, jid);
	arm(g, id, jid, "microsoft.recoveryservices/vaults/backupjobs", "",
	    v->sub, sd->vault_rg, NULL);
	ko(g, "properties");
	ks(g, "jobType", "AzureIaaSVMJob");
	ks(g, "entityFriendlyName", v->name);
	ks(g, "backupManagementType", "AzureIaasVM");
	ks(g, "operation", "Backup");
	ks(g, "status", v->bkp_failed ? "Failed" : "Completed");
	kt(g, "startTime", (int64_t)v->bkp_h * HOUR + 1800);
	kt(g, "endTime", (int64_t)v->bkp_h * HOUR);
	ks(g, "duration", "PT30M");
	guid(g, jid, "activity:%s:%d", v->name, v->bkp_h);
	ks(g, "activityId", jid);
	if (v->bkp_failed) {
		ko(g, "errorDetails");
		ks(g, "errorCode", "UserErrorVmNotInDesirableState");
		ks(g, "errorString",
		    "VM is not in a state that allows backups");
		oe(g);
	}
	oe(g);
	rec_end(g, S_RECOVERY);
	if (v->bkp_failed) {
		guid(g, jid, "job:%s:%d", v->name, last_ok_h);
		snprintf(id, sizeof(id), "%s/backupJobs/%s", vault, jid);
		arm(g, id, jid, "microsoft.recoveryservices/vaults/backupjobs",
		    "", v->sub, sd->vault_rg, NULL);
		ko(g, "properties");
		ks(g, "jobType", "AzureIaaSVMJob");
		ks(g, "entityFriendlyName", v->name);
		ks(g, "backupManagementType", "AzureIaasVM");
		ks(g, "operation", "Backup");
		ks(g, "status", "Completed");
		kt(g, "startTime", (int64_t)last_ok_h * HOUR + 1800);
		kt(g, "endTime", (int64_t)last_ok_h * HOUR);
		ks(g, "duration", "PT30M");
		oe(g);
		rec_end(g, S_RECOVERY);
	}
}

static void
gen_vm_maint(struct gen *g, const struct vmspec *v)
{
	char vmid[GEN_ID_MAX], id[GEN_ID_MAX], mc[GEN_ID_MAX];

	if (v->maint == NULL)
		return;
	rid(vmid, g, v->sub, v->rg, "Microsoft.Compute/virtualMachines/%s",
	    v->name);
	snprintf(id, sizeof(id),
	    "%s/providers/Microsoft.Maintenance/configurationAssignments/%s", vmid,
	    v->maint);
	rid(mc, g, SHARED, "rg-monitoring-shared",
	    "Microsoft.Maintenance/maintenanceConfigurations/%s", v->maint);
	arm(g, id, v->maint, "microsoft.maintenance/configurationassignments", "",
	    v->sub, v->rg, NULL);
	ko(g, "properties");
	ks(g, "maintenanceConfigurationId", mc);
	ks(g, "resourceId", vmid);
	oe(g);
	rec_end(g, S_MAINT);
}

static void
gen_vm(struct gen *g, const struct vmspec *v)
{
	gen_vm_core(g, v);
	gen_vm_patch(g, v);
	gen_vm_backup(g, v);
	gen_vm_maint(g, v);
}

#define PR "rg-net-prod/vnet-prod-uks/"
#define RS "rg-net-research/vnet-research-uks/"
#define DV "rg-net-dev/vnet-dev-uks/"
#define HB "rg-hub-network/vnet-hub-uks/"
#define OWN_SIS "registry-systems@" DOMAIN
#define OWN_FIN "finance-systems@" DOMAIN
#define OWN_WEB "web-team@" DOMAIN
#define OWN_RC "research-computing@" DOMAIN
#define OWN_LAB "teaching-labs@" DOMAIN
#define OWN_IT "it-operations@" DOMAIN

/*
 * The named VMs, each planted problem or clean twin; see examples/README.md.
 * Fields after app: nic_nsg, pip, v6, asg, lb, agw, ndata, assess_h, crit_d,
 * sec_d, bkp_h, bkp_failed, maint.
 */
static const struct vmspec named_vms[] = {
	{ "vm-sis-db-01", PROD, "rg-sis-prod", true, PR "snet-data", "10.10.3.10",
	    NULL, "registry", OWN_SIS, "sis", false, false, false, "asg-db-servers",
	    false, false, 2, 6, 200, -1, 6, false, NULL },
	{ "vm-sis-db-02", PROD, "rg-sis-prod", true, PR "snet-data", "10.10.3.11",
	    NULL, "registry", OWN_SIS, "sis", false, false, false, "asg-db-servers",
	    false, false, 2, 6, 3, -1, 6, false, NULL },
	{ "vm-sis-app-03", PROD, "rg-sis-prod", true, PR "snet-app", "10.10.2.5",
	    NULL, "registry", OWN_SIS, "sis", false, false, false, "asg-app-servers",
	    false, false, 0, 4, 14, -1, 7, false, NULL },
	{ "vm-sis-app-04", PROD, "rg-sis-prod", true, PR "snet-app", "10.10.2.6",
	    NULL, "registry", OWN_SIS, "sis", false, false, false, "asg-app-servers",
	    false, false, 0, 4, 15, -1, 7, false, NULL },
	{ "vm-fin-app-01", PROD, "rg-finance-prod", true, PR "snet-app",
	    "10.10.2.7", NULL, "finance", OWN_FIN, "finance", false, false, false,
	    "asg-app-servers", false, false, 1, 5, -1, 90, 60, false, NULL },
	{ "vm-fin-app-02", PROD, "rg-finance-prod", true, PR "snet-app",
	    "10.10.2.8", NULL, "finance", OWN_FIN, "finance", false, false, false,
	    "asg-app-servers", false, false, 1, 5, -1, -1, 6, false, NULL },
	{ "vm-fin-batch-01", PROD, "rg-finance-prod", true, PR "snet-app",
	    "10.10.2.9", "Manual", "finance", OWN_FIN, "finance", false, false,
	    false, NULL, false, false, 0, 8, -1, -1, 8, false, NULL },
	{ "vm-fin-batch-02", PROD, "rg-finance-prod", true, PR "snet-app",
	    "10.10.2.10", "Manual", "finance", OWN_FIN, "finance", false, false,
	    false, NULL, false, false, 0, 8, -1, -1, 8, false,
	    "mc-nbu-win-monthly" },
	{ "vm-fin-sql-01", PROD, "rg-finance-prod", true, PR "snet-data",
	    "10.10.3.4", NULL, "finance", OWN_FIN, "finance", false, false, false,
	    "asg-db-servers", false, false, 2, 3, -1, -1, 5, false, NULL },
	{ "vm-hr-app-01", PROD, "rg-hr-prod", false, PR "snet-app", "10.10.2.11",
	    NULL, "human-resources", "hr-systems@" DOMAIN, "hr", false, false,
	    false, "asg-app-servers", false, false, 1, 7, -1, -1, 3, true, NULL },
	{ "vm-web-cms-01", PROD, "rg-web-prod", false, PR "snet-web",
	    "10.10.1.4", NULL, "communications", OWN_WEB, "web-portal", false,
	    false, false, "asg-web-servers", false, true, 0, 9, -1, -1, 10, false,
	    NULL },
	{ "vm-web-cms-02", PROD, "rg-web-prod", false, PR "snet-web",
	    "10.10.1.5", NULL, "communications", OWN_WEB, "web-portal", false,
	    false, false, "asg-web-servers", false, true, 0, 9, -1, -1, -1, false,
	    NULL },
	{ "vm-web-static-01", PROD, "rg-web-prod", false, PR "snet-web",
	    "10.10.1.6", NULL, "communications", OWN_WEB, "web-static", false,
	    true, false, "asg-web-servers", false, false, 0, 9, -1, -1, 11, false,
	    NULL },
	{ "vm-web-static-02", PROD, "rg-web-prod", false, PR "snet-web",
	    "10.10.1.7", NULL, "communications", OWN_WEB, "web-static", false,
	    true, false, NULL, false, false, 0, 9, -1, -1, 11, false, NULL },
	{ "vm-mgmt-jump-01", PROD, "rg-mgmt-prod", true, PR "snet-mgmt",
	    "10.10.5.4", NULL, "central-it", OWN_IT, "jump", false, true, false,
	    NULL, false, false, 0, 2, -1, -1, 12, false, NULL },
	{ "vm-legacy-print-01", PROD, "rg-legacy-prod", true, PR "snet-app",
	    "10.10.2.200", "AutomaticByOS", NULL, NULL, NULL, false, false,
	    false, NULL, false, false, 0, -1, -1, -1, 14, false, NULL },
	{ "vm-hpc-head-01", RES, "rg-hpc-research", false, RS "snet-hpc",
	    "10.20.1.4", NULL, "research-computing", OWN_RC, "hpc", false, false,
	    false, NULL, true, false, 2, 10, 45, -1, 9, false, NULL },
	{ "vm-gen-analysis-01", RES, "rg-genomics-research", false,
	    RS "snet-hpc", "10.20.1.5", "ImageDefault", "life-sciences",
	    "genomics-lab@" DOMAIN, "genomics", false, false, false, NULL, false,
	    false, 1, 11, -1, -1, 13, false, NULL },
	{ "vm-lab-win-01", TEACH, "rg-labs-dev", true, DV "snet-labs-legacy",
	    "10.30.3.4", NULL, "teaching-labs", OWN_LAB, "labs", true, true,
	    false, NULL, false, false, 0, 12, -1, -1, 15, false, NULL },
	{ "vm-lab-win-02", TEACH, "rg-labs-dev", true, DV "snet-jump",
	    "10.30.2.4", NULL, "teaching-labs", OWN_LAB, "labs", true, true,
	    false, NULL, false, false, 0, 12, -1, -1, 15, false, NULL },
	{ "vm-lab-win-07", TEACH, "rg-labs-dev", true, DV "snet-labs",
	    "10.30.1.7", NULL, "teaching-labs", OWN_LAB, "labs", false, false,
	    false, NULL, false, false, 0, 12 * 24, -1, -1, 15, false, NULL },
	{ "vm-lab-win-08", TEACH, "rg-labs-dev", true, DV "snet-labs",
	    "10.30.1.8", NULL, "teaching-labs", OWN_LAB, "labs", false, false,
	    false, NULL, false, false, 0, 6 * 24, -1, -1, 15, false, NULL },
	{ "vm-lab-lnx-01", TEACH, "rg-labs-dev", false, DV "snet-labs-legacy",
	    "10.30.3.5", NULL, "teaching-labs", OWN_LAB, "labs", true, true, true,
	    NULL, false, false, 0, 12, -1, -1, 15, false, NULL },
	{ "vm-lab-lnx-02", TEACH, "rg-labs-dev", false, DV "snet-labs-legacy",
	    "10.30.3.6", NULL, "teaching-labs", OWN_LAB, "labs", true, true, true,
	    NULL, false, false, 0, 12, -1, -1, 15, false, NULL },
	{ "vm-idm-dc-01", SHARED, "rg-identity-shared", true, HB "snet-shared",
	    "10.0.2.4", "AutomaticByOS", "central-it", OWN_IT, "identity", false,
	    false, false, NULL, false, false, 1, 3, -1, -1, 4, false, NULL },
	{ "vm-idm-dc-02", SHARED, "rg-identity-shared", true, HB "snet-shared",
	    "10.0.2.5", NULL, "central-it", OWN_IT, "identity", false, false,
	    false, NULL, false, false, 1, 3, -1, -1, 4, false,
	    "mc-nbu-win-monthly" },
};

#define N_NAMED_VMS (sizeof(named_vms) / sizeof(named_vms[0]))

static const char *const fill_apps[N_SUBS][8] = {
	{ "sis", "fin", "hr", "lib", "lms", "crm", "exam", "idm" },
	{ "hpc", "gen", "phys", "chem", "geo", "ml", "astro", "clim" },
	{ "lab", "course", "cs", "eng", "math", "design", "stats", "game" },
	{ "ops", "mon", "print", "file", "dns", "pki", "wsus", "sccm" },
};
static const char *const fill_roles[] = { "app", "web", "node", "util", "db" };

static void assessment(struct gen *, const char *, int, const char *,
    const char *, const char *, const char *, int);

/* Two Defender assessments per filler VM; a fifth form the backlog. */
static void
gen_filler_assessments(struct gen *g, const struct vmspec *v)
{
	char id[GEN_ID_MAX];
	bool bad, medium;
	int age;

	rid(id, g, v->sub, v->rg, "Microsoft.Compute/virtualMachines/%s",
	    v->name);
	rnd_seed(g, id);
	assessment(g, id, v->sub, v->rg,
	    "Endpoint protection should be installed on your machines", "Medium",
	    "Healthy", (int)rnd_range(g, 30, 500));
	/* One draw per statement: argument order is unspecified in C. */
	bad = rnd(g) % 5 == 0;
	medium = bad && rnd(g) % 3 == 0;
	age = (int)rnd_range(g, 0, 540);
	assessment(g, id, v->sub, v->rg, v->win ?
	    "Windows machines should meet requirements of the Azure compute security baseline" :
	    "Linux machines should meet requirements for the Azure compute security baseline",
	    medium ? "Medium" : "Low", bad ? "Unhealthy" : "Healthy", age);
}

/* Filler VM i: clean in every planted dimension (see README). */
static void
gen_filler_vm(struct gen *g, long i)
{
	char name[64], ip[32], owner[96];
	struct vmspec v;
	int sub;
	long slot;

	memset(&v, 0, sizeof(v));
	sub = i % 10 < 4 ? PROD : i % 10 < 7 ? RES : i % 10 < 9 ? TEACH : SHARED;
	slot = i / 10;
	snprintf(name, sizeof(name), "vm-%s-%s-%02ld",
	    fill_apps[sub][i % 8], fill_roles[(i / 8) % 5], 10 + slot);
	snprintf(ip, sizeof(ip), "%s.%ld", subs[sub].filler_net,
	    20 + (i / 10) % 200);
	snprintf(owner, sizeof(owner), "%s-team@%s", fill_apps[sub][i % 8],
	    DOMAIN);
	rnd_seed(g, name);
	v.name = name;
	v.sub = sub;
	v.rg = subs[sub].filler_rg;
	v.win = rnd(g) % 5 < 3;
	v.subnet = subs[sub].filler_subnet;
	v.ip = ip;
	v.mode = NULL;
	v.dept = subs[sub].dept;
	v.owner = owner;
	v.app = fill_apps[sub][i % 8];
	v.asg = NULL;
	v.ndata = (int)(rnd(g) % 3);
	v.assess_h = (int)rnd_range(g, 1, 40);
	v.crit_d = rnd(g) % 6 == 0 ? (int)rnd_range(g, 0, 7) : -1;
	v.sec_d = rnd(g) % 5 == 0 ? (int)rnd_range(g, 0, 10) : -1;
	v.bkp_h = (int)rnd_range(g, 2, 20);
	v.bkp_failed = false;
	v.maint = rnd(g) % 4 == 0 ? (v.win ? "mc-nbu-win-monthly" :
	    "mc-nbu-linux-weekly") : NULL;
	gen_vm(g, &v);
	gen_filler_assessments(g, &v);
}

/* ---------------------------------------------------------------- */
/* Backup vaults, restore jobs and SQL protected items               */

static void
restore_job(struct gen *g, int sub, const char *entity, int64_t ago,
    const char *status, const char *dur, int64_t secs)
{
	char vault[GEN_ID_MAX], id[GEN_ID_MAX], jid[40];

	rid(vault, g, sub, subs[sub].vault_rg,
	    "Microsoft.RecoveryServices/vaults/%s", subs[sub].vault);
	guid(g, jid, "restore:%s:%" PRId64, entity, ago);
	snprintf(id, sizeof(id), "%s/backupJobs/%s", vault, jid);
	arm(g, id, jid, "microsoft.recoveryservices/vaults/backupjobs", "", sub,
	    subs[sub].vault_rg, NULL);
	ko(g, "properties");
	ks(g, "jobType", "AzureIaaSVMJob");
	ks(g, "entityFriendlyName", entity);
	ks(g, "backupManagementType", "AzureIaasVM");
	ks(g, "operation", "Restore");
	ks(g, "status", status);
	kt(g, "startTime", ago);
	kt(g, "endTime", ago - secs);
	ks(g, "duration", dur);
	guid(g, jid, "restore-activity:%s:%" PRId64, entity, ago);
	ks(g, "activityId", jid);
	oe(g);
	rec_end(g, S_RECOVERY);
}

static void
sql_item(struct gen *g, const char *server, const char *db, int hours)
{
	char dbid[GEN_ID_MAX], vault[GEN_ID_MAX], id[GEN_ID_MAX], item[160];

	rid(dbid, g, PROD, "rg-data-prod",
	    "Microsoft.Sql/servers/%s/databases/%s", server, db);
	rid(vault, g, PROD, subs[PROD].vault_rg,
	    "Microsoft.RecoveryServices/vaults/%s", subs[PROD].vault);
	snprintf(item, sizeof(item), "SQLDataBase;%s;%s", server, db);
	snprintf(id, sizeof(id),
	    "%s/backupFabrics/Azure/protectionContainers/AzureSqlContainer;%s/protectedItems/%s",
	    vault, server, item);
	arm(g, id, item,
	    "microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems",
	    "", PROD, subs[PROD].vault_rg, NULL);
	ko(g, "properties");
	ks(g, "friendlyName", db);
	ks(g, "serverName", server);
	ks(g, "sourceResourceId", dbid);
	ks(g, "protectionStatus", "Healthy");
	ks(g, "protectionState", "Protected");
	ks(g, "lastBackupStatus", "Completed");
	kt(g, "lastBackupTime", (int64_t)hours * HOUR);
	kt(g, "lastRecoveryPoint", (int64_t)hours * HOUR);
	ks(g, "protectedItemType", "AzureVmWorkloadSQLDatabase");
	ks(g, "backupManagementType", "AzureWorkload");
	ks(g, "workloadType", "SQLDataBase");
	kf(g, "policyId", "%s/backupPolicies/SqlDailyFull", vault);
	oe(g);
	rec_end(g, S_RECOVERY);
}

static void
gen_backup(struct gen *g)
{
	char id[GEN_ID_MAX];
	int sub;

	for (sub = 0; sub < N_SUBS; sub++) {
		rid(id, g, sub, subs[sub].vault_rg,
		    "Microsoft.RecoveryServices/vaults/%s", subs[sub].vault);
		arm(g, id, subs[sub].vault, "microsoft.recoveryservices/vaults",
		    NULL, sub, subs[sub].vault_rg, NULL);
		sku(g, "RS0", "Standard");
		tags(g, sub, subs[sub].dept, subs[sub].owner, "backup");
		ko(g, "properties");
		ks(g, "provisioningState", "Succeeded");
		ks(g, "publicNetworkAccess", "Enabled");
		ko(g, "redundancySettings");
		ks(g, "standardTierStorageRedundancy", sub == TEACH ?
		    "LocallyRedundant" : "GeoRedundant");
		ks(g, "crossRegionRestore", sub == PROD ? "Enabled" :
		    "Disabled");
		oe(g);
		ko(g, "securitySettings");
		ko(g, "softDeleteSettings");
		ks(g, "softDeleteState", "Enabled");
		kn(g, "softDeleteRetentionPeriodInDays", 14);
		oe(g);
		ko(g, "immutabilitySettings");
		ks(g, "state", sub == PROD ? "Locked" : "Disabled");
		oe(g);
		oe(g);
		oe(g);
		rec_end(g, S_RESOURCES);
	}
	/* Restore evidence per vault (BAK-5, BAK-6 and their twins). */
	restore_job(g, PROD, "vm-sis-db-02", 30 * DAY, "Completed", "PT1H",
	    HOUR);
	restore_job(g, RES, "vm-hpc-head-01", 200 * DAY, "Completed", "PT2H10M",
	    2 * HOUR + 600);
	restore_job(g, RES, "vm-gen-analysis-01", 20 * DAY, "Failed", "PT12M",
	    720);
	restore_job(g, SHARED, "vm-idm-dc-02", 15 * DAY, "Completed",
	    "PT6H30M", 6 * HOUR + 1800);
	restore_job(g, TEACH, "vm-lab-win-08", 60 * DAY, "Completed", "PT45M",
	    2700);
	sql_item(g, "sql-nbu-sis", "sqldb-sis", 5);
	sql_item(g, "sql-nbu-finance", "sqldb-finance-ledger", 7);
	sql_item(g, "sql-nbu-finance", "sqldb-finance-archive", 20);
}

/* ---------------------------------------------------------------- */
/* PaaS: storage, key vaults, SQL, databases, web, containers, ...   */

static void
diag(struct gen *g, const char *target, const char *name, bool metrics)
{
	char id[GEN_ID_MAX];

	snprintf(id, sizeof(id),
	    "%s/providers/Microsoft.Insights/diagnosticSettings/%s", target, name);
	armchild(g, id, name, "Microsoft.Insights/diagnosticSettings");
	ko(g, "properties");
	ks(g, "workspaceId", g->law);
	ks(g, "logAnalyticsDestinationType", "Dedicated");
	ka(g, "logs");
	ob(g);
	ks(g, "categoryGroup", "allLogs");
	kb(g, "enabled", true);
	ko(g, "retentionPolicy");
	kb(g, "enabled", false);
	kn(g, "days", 0);
	oe(g);
	oe(g);
	ae(g);
	ka(g, "metrics");
	if (metrics) {
		ob(g);
		ks(g, "category", "AllMetrics");
		kb(g, "enabled", true);
		oe(g);
	}
	ae(g);
	oe(g);
	rec_end(g, S_DIAG);
}

static const struct stgdef {
	int		 sub;
	const char	*rg;
	const char	*name;
	bool		 public_blob;
	bool		 https_only;
	const char	*tls;
	bool		 diag;
} stgs[] = {
	{ PROD, "rg-sis-prod", "stnbuprodsis01", false, true, "TLS1_2", true },
	{ PROD, "rg-legacy-prod", "stnbulegacy01", false, true, "TLS1_0", false },
	{ PROD, "rg-web-prod", "stnbuwebassets01", false, true, "TLS1_2", true },
	{ RES, "rg-data-research", "stnburesearch01", true, true, "TLS1_2", false },
	{ RES, "rg-data-research", "stnburesearch02", false, true, "TLS1_2", true },
	{ RES, "rg-genomics-research", "stnbugenomics01", false, true, "TLS1_2",
	    true },
	{ TEACH, "rg-coursework-test", "stnbulabs01", false, false, "TLS1_2",
	    false },
	{ SHARED, "rg-monitoring-shared", "stnbudiag01", false, true, "TLS1_2",
	    false },
};

static void
gen_storage(struct gen *g)
{
	char id[GEN_ID_MAX], t[GEN_ID_MAX];
	size_t i;

	for (i = 0; i < sizeof(stgs) / sizeof(stgs[0]); i++) {
		const struct stgdef *st = &stgs[i];

		rid(id, g, st->sub, st->rg, "Microsoft.Storage/storageAccounts/%s",
		    st->name);
		arm(g, id, st->name, "microsoft.storage/storageaccounts",
		    "StorageV2", st->sub, st->rg, NULL);
		sku(g, st->sub == RES ? "Standard_GRS" : "Standard_LRS",
		    "Standard");
		tags(g, st->sub, subs[st->sub].dept, subs[st->sub].owner, NULL);
		ko(g, "properties");
		ks(g, "provisioningState", "Succeeded");
		ks(g, "accessTier", "Hot");
		kb(g, "supportsHttpsTrafficOnly", st->https_only);
		ks(g, "minimumTlsVersion", st->tls);
		kb(g, "allowBlobPublicAccess", st->public_blob);
		kb(g, "allowSharedKeyAccess", st->public_blob ||
		    !st->https_only);
		ks(g, "publicNetworkAccess", "Enabled");
		ko(g, "networkAcls");
		ks(g, "bypass", "AzureServices");
		kempty(g, "virtualNetworkRules");
		kempty(g, "ipRules");
		ks(g, "defaultAction", st->public_blob || !st->https_only ||
		    strcmp(st->tls, "TLS1_0") == 0 ? "Allow" : "Deny");
		oe(g);
		ko(g, "encryption");
		ks(g, "keySource", "Microsoft.Storage");
		kb(g, "requireInfrastructureEncryption", false);
		ko(g, "services");
		ko(g, "blob");
		kb(g, "enabled", true);
		ks(g, "keyType", "Account");
		oe(g);
		ko(g, "file");
		kb(g, "enabled", true);
		ks(g, "keyType", "Account");
		oe(g);
		oe(g);
		oe(g);
		ko(g, "primaryEndpoints");
		kf(g, "blob", "https://%s.blob.core.windows.net/", st->name);
		kf(g, "file", "https://%s.file.core.windows.net/", st->name);
		oe(g);
		ks(g, "primaryLocation", LOC);
		ks(g, "statusOfPrimary", "available");
		kt(g, "creationTime", 700 * DAY + (int64_t)i * 3 * DAY);
		oe(g);
		rec_end(g, S_RESOURCES);

		snprintf(t, sizeof(t), "%s/blobServices/default", id);
		armchild(g, t, "default",
		    "Microsoft.Storage/storageAccounts/blobServices");
		ko(g, "properties");
		ko(g, "deleteRetentionPolicy");
		kb(g, "enabled", st->sub != TEACH);
		kn(g, "days", 7);
		oe(g);
		ko(g, "containerDeleteRetentionPolicy");
		kb(g, "enabled", st->sub != TEACH);
		kn(g, "days", 7);
		oe(g);
		kb(g, "isVersioningEnabled", st->sub == PROD);
		ko(g, "cors");
		kempty(g, "corsRules");
		oe(g);
		oe(g);
		rec_end(g, S_ARM);
		if (st->diag)
			diag(g, t, "diag-to-law", true);
	}
}

static const struct kvdef {
	int		 sub;
	const char	*rg;
	const char	*name;
	bool		 purge;
	bool		 rbac;
	bool		 diag;
} kvs[] = {
	{ PROD, "rg-sis-prod", "kv-nbu-prod-01", true, true, true },
	{ RES, "rg-data-research", "kv-nbu-research-01", false, true, false },
	{ TEACH, "rg-coursework-test", "kv-nbu-labs-01", false, false, false },
	{ SHARED, "rg-security-shared", "kv-nbu-shared-01", true, true, true },
};

static void
gen_keyvaults(struct gen *g)
{
	char id[GEN_ID_MAX], oid[40];
	size_t i;

	for (i = 0; i < sizeof(kvs) / sizeof(kvs[0]); i++) {
		const struct kvdef *kv = &kvs[i];

		rid(id, g, kv->sub, kv->rg, "Microsoft.KeyVault/vaults/%s",
		    kv->name);
		arm(g, id, kv->name, "microsoft.keyvault/vaults", NULL, kv->sub,
		    kv->rg, NULL);
		tags(g, kv->sub, subs[kv->sub].dept, subs[kv->sub].owner, NULL);
		ko(g, "properties");
		ko(g, "sku");
		ks(g, "family", "A");
		ks(g, "name", "standard");
		oe(g);
		ks(g, "tenantId", g->tenant);
		ka(g, "accessPolicies");
		if (!kv->rbac) {
			ob(g);
			ks(g, "tenantId", g->tenant);
			guid(g, oid, "user:%s", "adm.kchen");
			ks(g, "objectId", oid);
			ko(g, "permissions");
			kstrs(g, "keys", "all", NULL);
			kstrs(g, "secrets", "all", NULL);
			kstrs(g, "certificates", "all", NULL);
			oe(g);
			oe(g);
		}
		ae(g);
		kb(g, "enabledForDeployment", false);
		kb(g, "enabledForDiskEncryption", kv->sub == PROD);
		kb(g, "enabledForTemplateDeployment", false);
		kb(g, "enableSoftDelete", true);
		kn(g, "softDeleteRetentionInDays", 90);
		kb(g, "enableRbacAuthorization", kv->rbac);
		if (kv->purge)
			kb(g, "enablePurgeProtection", true);
		ks(g, "publicNetworkAccess", kv->purge ? "Disabled" : "Enabled");
		ko(g, "networkAcls");
		ks(g, "bypass", "AzureServices");
		ks(g, "defaultAction", kv->purge ? "Deny" : "Allow");
		kempty(g, "ipRules");
		kempty(g, "virtualNetworkRules");
		oe(g);
		kf(g, "vaultUri", "https://%s.vault.azure.net/", kv->name);
		ks(g, "provisioningState", "Succeeded");
		oe(g);
		rec_end(g, S_RESOURCES);
		if (kv->diag)
			diag(g, id, "diag-kv-audit", true);
	}
}

static void
gen_sql(struct gen *g)
{
	static const struct {
		const char *server, *db, *tde;
		bool bad;
	} dbs[] = {
		{ "sql-nbu-sis", "sqldb-sis", "Enabled", false },
		{ "sql-nbu-finance", "sqldb-finance-ledger", "Enabled", true },
		{ "sql-nbu-finance", "sqldb-finance-reporting", "Enabled", true },
		{ "sql-nbu-finance", "sqldb-finance-archive", "Disabled", true },
	};
	char id[GEN_ID_MAX], t[GEN_ID_MAX], oid[40];
	const char *sv;
	size_t i;
	int n;

	for (n = 0; n < 2; n++) {
		bool bad = n == 1;

		sv = bad ? "sql-nbu-finance" : "sql-nbu-sis";
		rid(id, g, PROD, "rg-data-prod", "Microsoft.Sql/servers/%s", sv);
		arm(g, id, sv, "microsoft.sql/servers", "v12.0", PROD,
		    "rg-data-prod", NULL);
		tags(g, PROD, bad ? "finance" : "registry", bad ? OWN_FIN :
		    OWN_SIS, bad ? "finance" : "sis");
		ko(g, "properties");
		ks(g, "administratorLogin", "nbusqladmin");
		ks(g, "version", "12.0");
		ks(g, "state", "Ready");
		kf(g, "fullyQualifiedDomainName", "%s.database.windows.net", sv);
		ks(g, "minimalTlsVersion", bad ? "1.0" : "1.2");
		ks(g, "publicNetworkAccess", bad ? "Enabled" : "Disabled");
		ks(g, "restrictOutboundNetworkAccess", "Disabled");
		ko(g, "administrators");
		ks(g, "administratorType", "ActiveDirectory");
		ks(g, "principalType", "Group");
		ks(g, "login", "SG-SQL-Admins");
		guid(g, oid, "group:%s", "SG-SQL-Admins");
		ks(g, "sid", oid);
		ks(g, "tenantId", g->tenant);
		kb(g, "azureADOnlyAuthentication", !bad);
		oe(g);
		oe(g);
		rec_end(g, S_RESOURCES);

		if (bad) {
			snprintf(t, sizeof(t), "%s/firewallRules/AllowAll", id);
			armchild(g, t, "AllowAll",
			    "Microsoft.Sql/servers/firewallRules");
			ko(g, "properties");
			ks(g, "startIpAddress", "0.0.0.0");
			ks(g, "endIpAddress", "255.255.255.255");
			oe(g);
			rec_end(g, S_ARM);
		}
		snprintf(t, sizeof(t), "%s/firewallRules/CampusEgress", id);
		armchild(g, t, "CampusEgress", "Microsoft.Sql/servers/firewallRules");
		ko(g, "properties");
		ks(g, "startIpAddress", "203.0.113.0");
		ks(g, "endIpAddress", "203.0.113.255");
		oe(g);
		rec_end(g, S_ARM);

		snprintf(t, sizeof(t), "%s/auditingSettings/default", id);
		armchild(g, t, "default", "Microsoft.Sql/servers/auditingSettings");
		ko(g, "properties");
		ks(g, "state", bad ? "Disabled" : "Enabled");
		kn(g, "retentionDays", bad ? 0 : 180);
		kb(g, "isAzureMonitorTargetEnabled", !bad);
		kstrs(g, "auditActionsAndGroups",
		    "SUCCESSFUL_DATABASE_AUTHENTICATION_GROUP",
		    "FAILED_DATABASE_AUTHENTICATION_GROUP", "BATCH_COMPLETED_GROUP",
		    NULL);
		oe(g);
		rec_end(g, S_ARM);
		if (!bad)
			diag(g, id, "diag-sql-audit", false);
	}
	for (i = 0; i < sizeof(dbs) / sizeof(dbs[0]); i++) {
		rid(id, g, PROD, "rg-data-prod",
		    "Microsoft.Sql/servers/%s/databases/%s", dbs[i].server,
		    dbs[i].db);
		arm(g, id, dbs[i].db, "microsoft.sql/servers/databases",
		    "v12.0,user,vcore", PROD, "rg-data-prod", NULL);
		sku(g, "GP_Gen5", "GeneralPurpose");
		tags(g, PROD, dbs[i].bad ? "finance" : "registry",
		    dbs[i].bad ? OWN_FIN : OWN_SIS, dbs[i].bad ? "finance" : "sis");
		ko(g, "properties");
		ks(g, "collation", "SQL_Latin1_General_CP1_CI_AS");
		kn(g, "maxSizeBytes", 268435456000LL);
		ks(g, "status", "Online");
		guid(g, oid, "dbid:%s", id);
		ks(g, "databaseId", oid);
		kt(g, "creationDate", 800 * DAY);
		ks(g, "currentBackupStorageRedundancy", "Geo");
		ks(g, "requestedBackupStorageRedundancy", "Geo");
		kb(g, "zoneRedundant", false);
		ks(g, "readScale", "Disabled");
		oe(g);
		rec_end(g, S_RESOURCES);

		snprintf(t, sizeof(t), "%s/transparentDataEncryption/current", id);
		armchild(g, t, "current",
		    "Microsoft.Sql/servers/databases/transparentDataEncryption");
		ko(g, "properties");
		ks(g, "state", dbs[i].tde);
		oe(g);
		rec_end(g, S_ARM);
	}
}

/* Open a plain resource row with tags; the caller writes properties. */
static void
res(struct gen *g, int sub, const char *rg, const char *pt, const char *type,
    const char *name, const char *kind, const char *app, char *id_out)
{
	char id[GEN_ID_MAX];

	rid(id, g, sub, rg, "%s/%s", pt, name);
	if (id_out != NULL)
		snprintf(id_out, GEN_ID_MAX, "%s", id);
	arm(g, id, name, type, kind, sub, rg, NULL);
	tags(g, sub, subs[sub].dept, subs[sub].owner, app);
}

static void
gen_data(struct gen *g)
{
	int i;

	/* PostgreSQL and MySQL flexible servers. */
	for (i = 0; i < 2; i++) {
		res(g, i == 0 ? PROD : RES, i == 0 ? "rg-data-prod" :
		    "rg-data-research", "Microsoft.DBforPostgreSQL/flexibleServers",
		    "microsoft.dbforpostgresql/flexibleservers", i == 0 ?
		    "psql-nbu-sis" : "psql-nbu-research", "", i == 0 ? "sis" :
		    "research-data", NULL);
		sku(g, "Standard_D4ds_v5", "GeneralPurpose");
		ko(g, "properties");
		ks(g, "version", "16");
		ks(g, "state", "Ready");
		ko(g, "storage");
		kn(g, "storageSizeGB", 512);
		oe(g);
		ko(g, "backup");
		kn(g, "backupRetentionDays", i == 0 ? 35 : 7);
		ks(g, "geoRedundantBackup", i == 0 ? "Enabled" : "Disabled");
		oe(g);
		ko(g, "network");
		ks(g, "publicNetworkAccess", i == 0 ? "Disabled" : "Enabled");
		oe(g);
		ko(g, "highAvailability");
		ks(g, "mode", i == 0 ? "ZoneRedundant" : "Disabled");
		oe(g);
		ko(g, "authConfig");
		ks(g, "activeDirectoryAuth", "Enabled");
		ks(g, "passwordAuth", i == 0 ? "Disabled" : "Enabled");
		oe(g);
		oe(g);
		rec_end(g, S_RESOURCES);
	}
	res(g, TEACH, "rg-coursework-test", "Microsoft.DBforMySQL/flexibleServers",
	    "microsoft.dbformysql/flexibleservers", "mysql-nbu-labs", "",
	    "coursework", NULL);
	sku(g, "Standard_B1ms", "Burstable");
	ko(g, "properties");
	ks(g, "version", "8.0.21");
	ks(g, "state", "Ready");
	ko(g, "network");
	ks(g, "publicNetworkAccess", "Enabled");
	oe(g);
	ko(g, "backup");
	kn(g, "backupRetentionDays", 7);
	ks(g, "geoRedundantBackup", "Disabled");
	oe(g);
	oe(g);
	rec_end(g, S_RESOURCES);

	/* Cosmos DB. */
	for (i = 0; i < 2; i++) {
		bool bad = i == 1;

		res(g, bad ? RES : PROD, bad ? "rg-data-research" : "rg-data-prod",
		    "Microsoft.DocumentDB/databaseAccounts",
		    "microsoft.documentdb/databaseaccounts", bad ?
		    "cosmos-nbu-research" : "cosmos-nbu-sis", "GlobalDocumentDB",
		    bad ? "research-data" : "sis", NULL);
		ko(g, "properties");
		ks(g, "databaseAccountOfferType", "Standard");
		ks(g, "publicNetworkAccess", bad ? "Enabled" : "Disabled");
		kb(g, "isVirtualNetworkFilterEnabled", !bad);
		kb(g, "disableLocalAuth", !bad);
		kb(g, "disableKeyBasedMetadataWriteAccess", !bad);
		kempty(g, "ipRules");
		ko(g, "consistencyPolicy");
		ks(g, "defaultConsistencyLevel", "Session");
		oe(g);
		ko(g, "backupPolicy");
		ks(g, "type", "Continuous");
		oe(g);
		ks(g, "minimalTlsVersion", "Tls12");
		oe(g);
		rec_end(g, S_RESOURCES);
	}

	/* Redis. */
	for (i = 0; i < 2; i++) {
		bool bad = i == 1;

		res(g, bad ? TEACH : PROD, bad ? "rg-coursework-test" :
		    "rg-sis-prod", "Microsoft.Cache/Redis", "microsoft.cache/redis",
		    bad ? "redis-nbu-labs" : "redis-nbu-sis", "", bad ?
		    "coursework" : "sis", NULL);
		ko(g, "properties");
		ko(g, "sku");
		ks(g, "name", bad ? "Basic" : "Standard");
		ks(g, "family", "C");
		kn(g, "capacity", 1);
		oe(g);
		kb(g, "enableNonSslPort", bad);
		ks(g, "minimumTlsVersion", bad ? "1.0" : "1.2");
		ks(g, "publicNetworkAccess", bad ? "Enabled" : "Disabled");
		ks(g, "redisVersion", "6.0");
		ks(g, "provisioningState", "Succeeded");
		oe(g);
		rec_end(g, S_RESOURCES);
	}
}

static void
site(struct gen *g, int sub, const char *rg, const char *name,
    const char *kind, bool https, const char *tls, const char *ftps,
    const char *app)
{
	char id[GEN_ID_MAX], plan[GEN_ID_MAX], t[GEN_ID_MAX];

	rid(plan, g, sub, rg, "Microsoft.Web/serverfarms/asp-%s",
	    sub == PROD ? "nbu-web" : "nbu-labs");
	res(g, sub, rg, "Microsoft.Web/sites", "microsoft.web/sites", name, kind,
	    app, id);
	ko(g, "identity");
	ks(g, "type", "SystemAssigned");
	guid(g, t, "mi:%s", id);
	ks(g, "principalId", t);
	ks(g, "tenantId", g->tenant);
	oe(g);
	ko(g, "properties");
	ks(g, "state", "Running");
	kf(g, "defaultHostName", "%s.azurewebsites.net", name);
	ks(g, "serverFarmId", plan);
	kb(g, "httpsOnly", https);
	ks(g, "publicNetworkAccess", "Enabled");
	kb(g, "clientCertEnabled", false);
	ko(g, "siteConfig");
	ks(g, "minTlsVersion", tls);
	ks(g, "ftpsState", ftps);
	kb(g, "http20Enabled", https);
	oe(g);
	oe(g);
	rec_end(g, S_RESOURCES);
	snprintf(t, sizeof(t), "%s/config/web", id);
	armchild(g, t, "web", "Microsoft.Web/sites/config");
	ks(g, "location", "UK South");
	ko(g, "properties");
	ks(g, "minTlsVersion", tls);
	ks(g, "scmMinTlsVersion", "1.2");
	ks(g, "ftpsState", ftps);
	kb(g, "http20Enabled", https);
	kb(g, "remoteDebuggingEnabled", false);
	kb(g, "alwaysOn", sub == PROD);
	ks(g, "linuxFxVersion", strstr(kind, "linux") != NULL ? "PYTHON|3.11" :
	    "");
	oe(g);
	rec_end(g, S_ARM);
}

static void
gen_web(struct gen *g)
{
	int i;

	for (i = 0; i < 2; i++) {
		res(g, i == 0 ? PROD : TEACH, i == 0 ? "rg-web-prod" :
		    "rg-coursework-test", "Microsoft.Web/serverfarms",
		    "microsoft.web/serverfarms", i == 0 ? "asp-nbu-web" :
		    "asp-nbu-labs", "linux", NULL, NULL);
		sku(g, i == 0 ? "P1v3" : "B1", i == 0 ? "PremiumV3" : "Basic");
		ko(g, "properties");
		ks(g, "status", "Ready");
		kb(g, "reserved", true);
		kn(g, "numberOfSites", 2);
		oe(g);
		rec_end(g, S_RESOURCES);
	}
	site(g, PROD, "rg-web-prod", "app-nbu-portal", "app,linux", true, "1.2",
	    "FtpsOnly", "web-portal");
	site(g, PROD, "rg-web-prod", "app-nbu-alumni", "app,linux", false, "1.0",
	    "AllAllowed", "alumni");
	site(g, PROD, "rg-web-prod", "func-nbu-etl", "functionapp,linux", true,
	    "1.2", "Disabled", "etl");
	site(g, TEACH, "rg-coursework-test", "func-nbu-coursework",
	    "functionapp,linux", true, "1.1", "FtpsOnly", "coursework");
}

static void
gen_platform(struct gen *g)
{
	char id[GEN_ID_MAX], t[GEN_ID_MAX];
	int i;

	/* Log Analytics. */
	res(g, SHARED, "rg-monitoring-shared",
	    "Microsoft.OperationalInsights/workspaces",
	    "microsoft.operationalinsights/workspaces", "log-nbu-central", "",
	    "monitoring", id);
	ko(g, "properties");
	guid(g, t, "law:%s", id);
	ks(g, "customerId", t);
	ko(g, "sku");
	ks(g, "name", "PerGB2018");
	oe(g);
	kn(g, "retentionInDays", 365);
	ks(g, "publicNetworkAccessForIngestion", "Enabled");
	ks(g, "publicNetworkAccessForQuery", "Enabled");
	ks(g, "provisioningState", "Succeeded");
	oe(g);
	rec_end(g, S_RESOURCES);
	res(g, TEACH, "rg-labs-dev", "Microsoft.OperationalInsights/workspaces",
	    "microsoft.operationalinsights/workspaces", "log-nbu-labs", "",
	    "monitoring", id);
	ko(g, "properties");
	ko(g, "sku");
	ks(g, "name", "PerGB2018");
	oe(g);
	kn(g, "retentionInDays", 30);
	ks(g, "provisioningState", "Succeeded");
	oe(g);
	rec_end(g, S_RESOURCES);

	/* AKS and ACR. */
	res(g, RES, "rg-hpc-research", "Microsoft.ContainerService/managedClusters",
	    "microsoft.containerservice/managedclusters", "aks-nbu-research", "",
	    "ml-platform", id);
	sku(g, "Base", "Free");
	ko(g, "identity");
	ks(g, "type", "SystemAssigned");
	oe(g);
	ko(g, "properties");
	ks(g, "kubernetesVersion", "1.29.7");
	ks(g, "dnsPrefix", "aks-nbu-research");
	kb(g, "enableRBAC", true);
	kb(g, "disableLocalAccounts", false);
	ko(g, "networkProfile");
	ks(g, "networkPlugin", "kubenet");
	ks(g, "loadBalancerSku", "standard");
	oe(g);
	ko(g, "apiServerAccessProfile");
	kb(g, "enablePrivateCluster", false);
	kempty(g, "authorizedIPRanges");
	oe(g);
	ka(g, "agentPoolProfiles");
	ob(g);
	ks(g, "name", "systempool");
	kn(g, "count", 3);
	ks(g, "vmSize", "Standard_D4s_v5");
	ks(g, "osType", "Linux");
	ks(g, "mode", "System");
	oe(g);
	ob(g);
	ks(g, "name", "gpupool");
	kn(g, "count", 2);
	ks(g, "vmSize", "Standard_NC6s_v3");
	ks(g, "osType", "Linux");
	ks(g, "mode", "User");
	oe(g);
	ae(g);
	ko(g, "addonProfiles");
	ko(g, "azurepolicy");
	kb(g, "enabled", false);
	oe(g);
	oe(g);
	ks(g, "provisioningState", "Succeeded");
	oe(g);
	rec_end(g, S_RESOURCES);
	for (i = 0; i < 2; i++) {
		bool bad = i == 1;

		res(g, bad ? RES : PROD, bad ? "rg-hpc-research" : "rg-apps-prod",
		    "Microsoft.ContainerRegistry/registries",
		    "microsoft.containerregistry/registries", bad ?
		    "acrnburesearch" : "acrnbuprod", "", NULL, NULL);
		sku(g, bad ? "Basic" : "Premium", bad ? "Basic" : "Premium");
		ko(g, "properties");
		kf(g, "loginServer", "%s.azurecr.io", bad ? "acrnburesearch" :
		    "acrnbuprod");
		kb(g, "adminUserEnabled", bad);
		ks(g, "publicNetworkAccess", bad ? "Enabled" : "Disabled");
		ks(g, "provisioningState", "Succeeded");
		oe(g);
		rec_end(g, S_RESOURCES);
	}

	/* Messaging and AI. */
	res(g, PROD, "rg-apps-prod", "Microsoft.EventHub/namespaces",
	    "microsoft.eventhub/namespaces", "evhns-nbu-campus", "", "telemetry",
	    NULL);
	sku(g, "Standard", "Standard");
	ko(g, "properties");
	ks(g, "minimumTlsVersion", "1.2");
	kb(g, "disableLocalAuth", false);
	ks(g, "publicNetworkAccess", "Enabled");
	kb(g, "kafkaEnabled", true);
	oe(g);
	rec_end(g, S_RESOURCES);
	res(g, PROD, "rg-apps-prod", "Microsoft.ServiceBus/namespaces",
	    "microsoft.servicebus/namespaces", "sb-nbu-integration", "",
	    "integration", NULL);
	sku(g, "Standard", "Standard");
	ko(g, "properties");
	ks(g, "minimumTlsVersion", "1.2");
	kb(g, "disableLocalAuth", true);
	ks(g, "publicNetworkAccess", "Enabled");
	oe(g);
	rec_end(g, S_RESOURCES);
	res(g, RES, "rg-genomics-research", "Microsoft.CognitiveServices/accounts",
	    "microsoft.cognitiveservices/accounts", "cog-nbu-research-openai",
	    "OpenAI", "ml-platform", NULL);
	sku(g, "S0", NULL);
	ko(g, "properties");
	kf(g, "customSubDomainName", "nbu-research-openai");
	ks(g, "publicNetworkAccess", "Enabled");
	kb(g, "disableLocalAuth", false);
	oe(g);
	rec_end(g, S_RESOURCES);

	/* Maintenance configurations (InGuestPatch). */
	for (i = 0; i < 2; i++) {
		res(g, SHARED, "rg-monitoring-shared",
		    "Microsoft.Maintenance/maintenanceConfigurations",
		    "microsoft.maintenance/maintenanceconfigurations", i == 0 ?
		    "mc-nbu-win-monthly" : "mc-nbu-linux-weekly", "", "patching",
		    NULL);
		ko(g, "properties");
		ks(g, "namespace", "Microsoft.Maintenance");
		ks(g, "maintenanceScope", "InGuestPatch");
		ks(g, "visibility", "Custom");
		ks(g, "extensionProperties", "");
		ko(g, "maintenanceWindow");
		ks(g, "startDateTime", "2025-01-11 22:00");
		ks(g, "expirationDateTime", "9999-12-31 00:00");
		ks(g, "duration", "04:00");
		ks(g, "timeZone", "GMT Standard Time");
		ks(g, "recurEvery", i == 0 ? "1Month Second Saturday" :
		    "1Week Sunday");
		oe(g);
		ko(g, "installPatches");
		ks(g, "rebootSetting", "IfRequired");
		if (i == 0) {
			ko(g, "windowsParameters");
			kstrs(g, "classificationsToInclude", "Critical", "Security",
			    "UpdateRollup", NULL);
			oe(g);
		} else {
			ko(g, "linuxParameters");
			kstrs(g, "classificationsToInclude", "Critical", "Security",
			    NULL);
			oe(g);
		}
		oe(g);
		oe(g);
		rec_end(g, S_RESOURCES);
	}

	/* Action group and activity log alerts (prod and shared only). */
	res(g, SHARED, "rg-monitoring-shared", "Microsoft.Insights/actionGroups",
	    "microsoft.insights/actiongroups", "ag-nbu-secops", "", NULL, id);
	ko(g, "properties");
	ks(g, "groupShortName", "secops");
	kb(g, "enabled", true);
	ka(g, "emailReceivers");
	ob(g);
	ks(g, "name", "secops");
	ks(g, "emailAddress", "secops@" DOMAIN);
	oe(g);
	ae(g);
	oe(g);
	rec_end(g, S_RESOURCES);
	for (i = 0; i < 4; i++) {
		int sub = i < 2 ? PROD : SHARED;
		const char *op = i % 2 == 0 ?
		    "Microsoft.Authorization/policyAssignments/delete" :
		    "Microsoft.Network/networkSecurityGroups/securityRules/write";

		res(g, sub, sub == PROD ? "rg-mgmt-prod" : "rg-monitoring-shared",
		    "Microsoft.Insights/activityLogAlerts",
		    "microsoft.insights/activitylogalerts", i % 2 == 0 ?
		    "ala-policy-assignment-delete" : "ala-nsg-rule-write", "",
		    NULL, NULL);
		ko(g, "properties");
		ka(g, "scopes");
		sf(g, "/subscriptions/%s", g->sub[sub]);
		ae(g);
		ko(g, "condition");
		ka(g, "allOf");
		ob(g);
		ks(g, "field", "category");
		ks(g, "equals", "Administrative");
		oe(g);
		ob(g);
		ks(g, "field", "operationName");
		ks(g, "equals", op);
		oe(g);
		ae(g);
		oe(g);
		ko(g, "actions");
		ka(g, "actionGroups");
		ob(g);
		ks(g, "actionGroupId", id);
		oe(g);
		ae(g);
		oe(g);
		kb(g, "enabled", true);
		oe(g);
		rec_end(g, S_RESOURCES);
	}

	/* Diagnostics of network and subscription activity logs. */
	rid(t, g, SHARED, "rg-hub-network",
	    "Microsoft.Network/azureFirewalls/afw-nbu-hub");
	diag(g, t, "diag-afw", true);
	rid(t, g, PROD, "rg-net-prod",
	    "Microsoft.Network/applicationGateways/agw-nbu-web");
	diag(g, t, "diag-agw", true);
	for (i = 0; i < N_SUBS; i++) {
		if (i == TEACH)
			continue;
		snprintf(t, sizeof(t), "/subscriptions/%s", g->sub[i]);
		diag(g, t, "activity-to-law", false);
	}
}

/* ---------------------------------------------------------------- */
/* Defender for Cloud                                                */

static void
assessment(struct gen *g, const char *target, int sub, const char *rg,
    const char *title, const char *sev, const char *code, int age_d)
{
	char id[GEN_ID_MAX], key[40];

	guid(g, key, "assessment-type:%s", title);
	snprintf(id, sizeof(id), "%s/providers/Microsoft.Security/assessments/%s",
	    target, key);
	arm(g, id, key, "microsoft.security/assessments", "", sub, rg, "");
	ko(g, "properties");
	ko(g, "resourceDetails");
	ks(g, "Source", "Azure");
	ks(g, "Id", target);
	oe(g);
	ks(g, "displayName", title);
	ko(g, "status");
	ks(g, "code", code);
	if (strcmp(code, "Unhealthy") == 0)
		ks(g, "description", "The resource does not meet the recommendation");
	kt(g, "firstEvaluationDate", (int64_t)age_d * DAY);
	kt(g, "statusChangeDate", (int64_t)age_d * DAY);
	oe(g);
	ko(g, "metadata");
	ks(g, "displayName", title);
	ks(g, "severity", sev);
	ks(g, "assessmentType", "BuiltIn");
	ks(g, "implementationEffort", "Low");
	ks(g, "userImpact", "Low");
	oe(g);
	oe(g);
	rec_end(g, S_SECURITY);
}

static void
alert(struct gen *g, int sub, const char *rg, const char *vm_or_res,
    const char *title, const char *type, const char *sev, const char *status,
    int age_d)
{
	char id[GEN_ID_MAX], name[64], t[32];

	snprintf(name, sizeof(name), "2517%012" PRIu64 "_%s",
	    (uint64_t)(hash_str(g->seed, title) % 1000000000000ULL), type);
	rid(id, g, sub, rg, "Microsoft.Security/locations/%s/alerts/%s", LOC,
	    name);
	arm(g, id, name, "microsoft.security/locations/alerts", "", sub, rg, "");
	ko(g, "properties");
	ks(g, "version", "2022-01-01.0");
	ks(g, "alertType", type);
	ks(g, "systemAlertId", name);
	ks(g, "productName", "Microsoft Defender for Cloud");
	ks(g, "alertDisplayName", title);
	ks(g, "description", title);
	ks(g, "severity", sev);
	ks(g, "intent", "InitialAccess");
	kt(g, "startTimeUtc", (int64_t)age_d * DAY);
	kt(g, "endTimeUtc", (int64_t)age_d * DAY - 1800);
	kt(g, "timeGeneratedUtc", (int64_t)age_d * DAY - 600);
	tstr(g, t, (int64_t)age_d * DAY);
	ks(g, "status", status);
	ks(g, "compromisedEntity", strrchr(vm_or_res, '/') + 1);
	ka(g, "resourceIdentifiers");
	ob(g);
	ks(g, "azureResourceId", vm_or_res);
	ks(g, "type", "AzureResource");
	oe(g);
	ae(g);
	kstrs(g, "remediationSteps", "Investigate the activity and isolate the resource if compromised", NULL);
	ks(g, "vendorName", "Microsoft");
	kb(g, "isIncident", false);
	oe(g);
	rec_end(g, S_SECURITY);
}

static void
gen_defender(struct gen *g)
{
	static const char *const plans[] = { "VirtualMachines", "SqlServers",
	    "StorageAccounts", "KeyVaults", "AppServices", "Containers", "Arm",
	    "OpenSourceRelationalDatabases", "CosmosDbs" };
	/* Free plans per subscription: DEF-1 .. DEF-3. */
	static const char *const free_plans[N_SUBS] = {
	    "VirtualMachines,SqlServers,", "StorageAccounts,",
	    "Containers,", "KeyVaults,Containers,AppServices,SqlServers," };
	char id[GEN_ID_MAX], t[GEN_ID_MAX], want[64];
	size_t i;
	int sub;
	bool free_;

	for (sub = 0; sub < N_SUBS; sub++) {
		for (i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
			snprintf(want, sizeof(want), "%s,", plans[i]);
			free_ = strstr(free_plans[sub], want) != NULL;
			snprintf(id, sizeof(id),
			    "/subscriptions/%s/providers/Microsoft.Security/pricings/%s",
			    g->sub[sub], plans[i]);
			arm(g, id, plans[i], "microsoft.security/pricings", "",
			    sub, "", "");
			ko(g, "properties");
			ks(g, "pricingTier", free_ ? "Free" : "Standard");
			if (!free_) {
				if (strcmp(plans[i], "VirtualMachines") == 0)
					ks(g, "subPlan", "P2");
				kt(g, "enablementTime", 420 * DAY);
			}
			ks(g, "freeTrialRemainingTime", "PT0S");
			oe(g);
			rec_end(g, S_SECURITY);
		}
		snprintf(id, sizeof(id),
		    "/subscriptions/%s/providers/Microsoft.Security/secureScores/ascScore",
		    g->sub[sub]);
		arm(g, id, "ascScore", "microsoft.security/securescores", "", sub,
		    "", "");
		ko(g, "properties");
		ks(g, "displayName", "ASC score");
		ko(g, "score");
		kn(g, "max", 58);
		kn(g, "current", sub == PROD ? 31 : sub == TEACH ? 22 : 39);
		oe(g);
		kn(g, "weight", 120);
		oe(g);
		rec_end(g, S_SECURITY);
	}

#define VMID(buf, sub, rg, vm) rid(buf, g, sub, rg, \
	"Microsoft.Compute/virtualMachines/%s", vm)
	VMID(t, PROD, "rg-legacy-prod", "vm-legacy-print-01");
	assessment(g, t, PROD, "rg-legacy-prod",
	    "Machines should have vulnerability findings resolved", "High",
	    "Unhealthy", 420);
	alert(g, PROD, "rg-legacy-prod", t,
	    "Suspicious authentication activity", "VM_LoginBruteForceSuccess",
	    "High", "Active", 420);
	VMID(t, PROD, "rg-finance-prod", "vm-fin-app-02");
	assessment(g, t, PROD, "rg-finance-prod",
	    "Machines should have vulnerability findings resolved", "High",
	    "Healthy", 300);
	VMID(t, TEACH, "rg-labs-dev", "vm-lab-win-01");
	assessment(g, t, TEACH, "rg-labs-dev",
	    "Management ports should be closed on your virtual machines", "High",
	    "Unhealthy", 90);
	alert(g, TEACH, "rg-labs-dev", t, "Successful RDP brute force attack",
	    "VM_RDPBruteForceSuccess", "High", "Active", 90);
	VMID(t, TEACH, "rg-labs-dev", "vm-lab-win-02");
	assessment(g, t, TEACH, "rg-labs-dev",
	    "Management ports should be closed on your virtual machines", "High",
	    "Healthy", 90);
	rid(t, g, RES, "rg-data-research", "Microsoft.KeyVault/vaults/%s",
	    "kv-nbu-research-01");
	assessment(g, t, RES, "rg-data-research",
	    "Key vaults should have deletion protection enabled", "High",
	    "Unhealthy", 10);
	VMID(t, PROD, "rg-finance-prod", "vm-fin-batch-01");
	assessment(g, t, PROD, "rg-finance-prod",
	    "Machines should be configured to periodically check for missing system updates",
	    "High", "Unhealthy", 2);
	rid(t, g, TEACH, "rg-coursework-test",
	    "Microsoft.Storage/storageAccounts/%s", "stnbulabs01");
	assessment(g, t, TEACH, "rg-coursework-test",
	    "Secure transfer to storage accounts should be enabled", "Medium",
	    "Unhealthy", 10);
	VMID(t, PROD, "rg-sis-prod", "vm-sis-db-01");
	alert(g, PROD, "rg-sis-prod", t, "Suspicious PowerShell activity",
	    "VM_SuspiciousPowerShell", "High", "Resolved", 400);
	VMID(t, PROD, "rg-finance-prod", "vm-fin-app-01");
	alert(g, PROD, "rg-finance-prod", t, "Suspicious process executed",
	    "VM_SuspiciousProcess", "High", "Dismissed", 200);
	VMID(t, RES, "rg-hpc-research", "vm-hpc-head-01");
	alert(g, RES, "rg-hpc-research", t, "Suspicious SSH login",
	    "VM_SshBruteForceSuccess", "Medium", "Active", 10);
	rid(t, g, PROD, "rg-sis-prod", "Microsoft.Storage/storageAccounts/%s",
	    "stnbuprodsis01");
	alert(g, PROD, "rg-sis-prod", t, "Access from an unusual location",
	    "Storage.Blob_AnomalyAccess", "Low", "Active", 1);
#undef VMID
}

/* ---------------------------------------------------------------- */
/* Azure RBAC                                                        */

#define RD_OWNER	"8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
#define RD_CONTRIB	"b24988ac-6180-42a0-ab88-20f7382dd24c"
#define RD_READER	"acdd72a7-3385-48ef-bd42-f606fba81ae7"
#define RD_UAA		"18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"

static void
role_assignment(struct gen *g, int sub, const char *scope, const char *rd,
    const char *pkind, const char *pname, const char *ptype, int age_d)
{
	char id[GEN_ID_MAX], name[40], pid[40];

	guid(g, pid, "%s:%s", pkind, pname);
	guid(g, name, "ra:%s:%s:%s", scope, rd, pname);
	snprintf(id, sizeof(id),
	    "%s/providers/Microsoft.Authorization/roleAssignments/%s", scope,
	    name);
	arm(g, id, name, "microsoft.authorization/roleassignments", "", sub, "",
	    "");
	ko(g, "properties");
	kf(g, "roleDefinitionId",
	    "/subscriptions/%s/providers/Microsoft.Authorization/roleDefinitions/%s",
	    g->sub[sub], rd);
	ks(g, "principalId", pid);
	ks(g, "principalType", ptype);
	ks(g, "scope", scope);
	kt(g, "createdOn", (int64_t)age_d * DAY);
	kt(g, "updatedOn", (int64_t)age_d * DAY);
	oe(g);
	rec_end(g, S_AUTHZ);
}

static void
gen_rbac(struct gen *g)
{
	static const struct {
		const char *id, *name, *desc;
	} rds[] = {
		{ RD_OWNER, "Owner", "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC." },
		{ RD_CONTRIB, "Contributor", "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC." },
		{ RD_READER, "Reader", "View all resources, but does not allow you to make any changes." },
		{ RD_UAA, "User Access Administrator", "Lets you manage user access to Azure resources." },
	};
	static const char *const prod_owners[] = { "adm.jpatel", "adm.rmorgan",
	    "s.fraser", "p.oconnell", "j.mbeki" };
	char scope[GEN_ID_MAX], id[GEN_ID_MAX];
	size_t i;
	int sub;

	for (i = 0; i < sizeof(rds) / sizeof(rds[0]); i++) {
		snprintf(id, sizeof(id),
		    "/providers/Microsoft.Authorization/RoleDefinitions/%s",
		    rds[i].id);
		rec(g);
		ks(g, "id", id);
		ks(g, "name", rds[i].id);
		ks(g, "type", "microsoft.authorization/roledefinitions");
		ks(g, "tenantId", g->tenant);
		ko(g, "properties");
		ks(g, "roleName", rds[i].name);
		ks(g, "type", "BuiltInRole");
		ks(g, "description", rds[i].desc);
		kstrs(g, "assignableScopes", "/", NULL);
		ka(g, "permissions");
		ob(g);
		kstrs(g, "actions", i == 2 ? "*/read" : i == 3 ?
		    "Microsoft.Authorization/*" : "*", NULL);
		if (i == 1)
			kstrs(g, "notActions", "Microsoft.Authorization/*/Delete",
			    "Microsoft.Authorization/*/Write", NULL);
		else
			kempty(g, "notActions");
		oe(g);
		ae(g);
		oe(g);
		rec_end(g, S_AUTHZ);
	}
	/* IDN-8: standing Owner at the production subscription. */
	snprintf(scope, sizeof(scope), "/subscriptions/%s", g->sub[PROD]);
	for (i = 0; i < sizeof(prod_owners) / sizeof(prod_owners[0]); i++)
		role_assignment(g, PROD, scope, RD_OWNER, "user", prod_owners[i],
		    "User", 700 - (int)i * 90);
	role_assignment(g, PROD, scope, RD_OWNER, "group", "SG-Azure-Prod-Owners",
	    "Group", 900);
	role_assignment(g, PROD, scope, RD_OWNER, "sp", "nbu-deploy-pipeline",
	    "ServicePrincipal", 500);
	role_assignment(g, PROD, scope, RD_OWNER, "user", "tom.becker.guest",
	    "User", 610);
	role_assignment(g, PROD, scope, RD_READER, "group", "SG-Security-Readers",
	    "Group", 800);
	/* Twins: one Owner on shared; Contributors at resource group scope. */
	snprintf(scope, sizeof(scope), "/subscriptions/%s", g->sub[SHARED]);
	role_assignment(g, SHARED, scope, RD_OWNER, "group", "SG-Azure-BreakGlass",
	    "Group", 900);
	role_assignment(g, SHARED, scope, RD_READER, "group",
	    "SG-Security-Readers", "Group", 800);
	for (i = 0; i < sizeof(rgs) / sizeof(rgs[0]); i++) {
		snprintf(scope, sizeof(scope), "/subscriptions/%s/resourceGroups/%s",
		    g->sub[rgs[i].sub], rgs[i].name);
		role_assignment(g, rgs[i].sub, scope, RD_CONTRIB, "group",
		    rgs[i].dept != NULL ? rgs[i].dept : "legacy", "Group", 400);
	}
	/* IDN-9 and twin on teaching. */
	snprintf(scope, sizeof(scope), "/subscriptions/%s", g->sub[TEACH]);
	role_assignment(g, TEACH, scope, RD_UAA, "user", "m.okafor", "User", 200);
	role_assignment(g, TEACH, scope, RD_READER, "user", "d.walsh", "User",
	    200);
	role_assignment(g, TEACH, scope, RD_OWNER, "group", "SG-Azure-BreakGlass",
	    "Group", 900);
	snprintf(scope, sizeof(scope), "/subscriptions/%s", g->sub[RES]);
	role_assignment(g, RES, scope, RD_OWNER, "group", "SG-Azure-BreakGlass",
	    "Group", 900);
	role_assignment(g, RES, scope, RD_CONTRIB, "group",
	    "SG-Research-Computing", "Group", 600);
	(void)sub;
}

/* ---------------------------------------------------------------- */
/* Azure Policy                                                      */

static void
policy_assignment(struct gen *g, int sub, const char *name, const char *disp,
    const char *def, const char *effect, const char *mode)
{
	char id[GEN_ID_MAX], scope[GEN_ID_MAX];

	snprintf(scope, sizeof(scope), "/subscriptions/%s", g->sub[sub]);
	snprintf(id, sizeof(id),
	    "%s/providers/Microsoft.Authorization/policyAssignments/%s", scope,
	    name);
	arm(g, id, name, "microsoft.authorization/policyassignments", "", sub, "",
	    "");
	ko(g, "properties");
	ks(g, "displayName", disp);
	ks(g, "policyDefinitionId", def);
	ks(g, "scope", scope);
	kempty(g, "notScopes");
	ko(g, "parameters");
	if (effect != NULL) {
		ko(g, "effect");
		ks(g, "value", effect);
		oe(g);
	}
	if (strstr(name, "locations") != NULL) {
		ko(g, "listOfAllowedLocations");
		kstrs(g, "value", "uksouth", "ukwest", NULL);
		oe(g);
	}
	oe(g);
	ks(g, "enforcementMode", mode);
	ko(g, "metadata");
	ks(g, "assignedBy", "Central IT");
	oe(g);
	oe(g);
	rec_end(g, S_POLICY);
}

static void
exemption(struct gen *g, int sub, const char *rg, const char *name,
    const char *assignment, int64_t expires_ago, bool expires)
{
	char id[GEN_ID_MAX];

	rid(id, g, sub, rg, "Microsoft.Authorization/policyExemptions/%s", name);
	arm(g, id, name, "microsoft.authorization/policyexemptions", "", sub, rg,
	    "");
	ko(g, "properties");
	kf(g, "policyAssignmentId",
	    "/subscriptions/%s/providers/Microsoft.Authorization/policyAssignments/%s",
	    g->sub[sub], assignment);
	ks(g, "exemptionCategory", "Waiver");
	ks(g, "displayName", name);
	if (expires)
		kt(g, "expiresOn", expires_ago);
	ko(g, "metadata");
	ks(g, "requestedBy", "Service owner");
	ks(g, "ticket", "CHG0041");
	oe(g);
	oe(g);
	rec_end(g, S_POLICY);
}

#define BUILTIN(x) "/providers/Microsoft.Authorization/policyDefinitions/" x

static void
gen_policy(struct gen *g)
{
	char id[GEN_ID_MAX], def[GEN_ID_MAX], res_[GEN_ID_MAX];
	int sub;

	/* Custom definition and initiative in the production subscription. */
	snprintf(def, sizeof(def),
	    "/subscriptions/%s/providers/Microsoft.Authorization/policyDefinitions/nbu-require-owner-tag",
	    g->sub[PROD]);
	arm(g, def, "nbu-require-owner-tag",
	    "microsoft.authorization/policydefinitions", "", PROD, "", "");
	ko(g, "properties");
	ks(g, "displayName", "NBU: resource groups must have an owner tag");
	ks(g, "policyType", "Custom");
	ks(g, "mode", "All");
	ko(g, "policyRule");
	ko(g, "if");
	ka(g, "allOf");
	ob(g);
	ks(g, "field", "type");
	ks(g, "equals", "Microsoft.Resources/subscriptions/resourceGroups");
	oe(g);
	ob(g);
	ks(g, "field", "tags['owner']");
	kb(g, "exists", false);
	oe(g);
	ae(g);
	oe(g);
	ko(g, "then");
	ks(g, "effect", "deny");
	oe(g);
	oe(g);
	oe(g);
	rec_end(g, S_POLICY);
	snprintf(id, sizeof(id),
	    "/subscriptions/%s/providers/Microsoft.Authorization/policySetDefinitions/nbu-baseline",
	    g->sub[PROD]);
	arm(g, id, "nbu-baseline", "microsoft.authorization/policysetdefinitions",
	    "", PROD, "", "");
	ko(g, "properties");
	ks(g, "displayName", "NBU security baseline");
	ks(g, "policyType", "Custom");
	ka(g, "policyDefinitions");
	ob(g);
	ks(g, "policyDefinitionReferenceId", "requireOwnerTag");
	ks(g, "policyDefinitionId", def);
	oe(g);
	ob(g);
	ks(g, "policyDefinitionReferenceId", "kvPurgeProtection");
	ks(g, "policyDefinitionId",
	    BUILTIN("0b60c0b2-2dc2-4e1c-b5c9-abbed971de53"));
	oe(g);
	ae(g);
	oe(g);
	rec_end(g, S_POLICY);

	policy_assignment(g, PROD, "nbu-baseline-prod", "NBU security baseline",
	    id, NULL, "DoNotEnforce");
	for (sub = 0; sub < N_SUBS; sub++)
		policy_assignment(g, sub, "nbu-allowed-locations",
		    "Allowed locations (UK)",
		    BUILTIN("e56962a6-4747-49cd-b67b-bf8b01975c4c"), "Deny",
		    "Default");
	policy_assignment(g, RES, "nbu-storage-no-public-access",
	    "Storage account public access should be disallowed",
	    BUILTIN("4fa4b6c0-31ca-4c0d-b10d-24b96f62a751"), "Audit", "Default");
	policy_assignment(g, PROD, "nbu-storage-secure-transfer",
	    "Secure transfer to storage accounts should be enabled",
	    BUILTIN("404c3081-a854-4457-ae30-26a93ef643f9"), "Deny", "Default");
	policy_assignment(g, SHARED, "nbu-kv-purge-protection",
	    "Key vaults should have deletion protection enabled",
	    BUILTIN("0b60c0b2-2dc2-4e1c-b5c9-abbed971de53"), "Disabled",
	    "Default");
	policy_assignment(g, PROD, "nbu-storage-min-tls",
	    "Storage accounts should have the specified minimum TLS version",
	    BUILTIN("fe83a0eb-a853-422d-aac2-1bffd182c5d0"), "Audit", "Default");

	exemption(g, PROD, "rg-legacy-prod", "exempt-legacy-print-tls",
	    "nbu-storage-min-tls", 45 * DAY, true);
	exemption(g, RES, "rg-hpc-research", "exempt-hpc-public-ssh",
	    "nbu-allowed-locations", 0, false);
	exemption(g, TEACH, "rg-labs-dev", "exempt-labs-temp-public-ip",
	    "nbu-allowed-locations", -60 * DAY, true);

	/* A few policy states for the planted storage problems. */
	rid(res_, g, RES, "rg-data-research",
	    "Microsoft.Storage/storageAccounts/stnburesearch01");
	guid(g, def, "policystate:%s", res_);
	snprintf(id, sizeof(id),
	    "/subscriptions/%s/providers/Microsoft.PolicyInsights/policyStates/%s",
	    g->sub[RES], def);
	arm(g, id, def, "microsoft.policyinsights/policystates", "", RES,
	    "rg-data-research", "");
	ko(g, "properties");
	ks(g, "resourceId", res_);
	ks(g, "resourceType", "Microsoft.Storage/storageAccounts");
	kf(g, "policyAssignmentId",
	    "/subscriptions/%s/providers/Microsoft.Authorization/policyAssignments/nbu-storage-no-public-access",
	    g->sub[RES]);
	ks(g, "policyDefinitionId",
	    BUILTIN("4fa4b6c0-31ca-4c0d-b10d-24b96f62a751"));
	ks(g, "policyDefinitionAction", "audit");
	ks(g, "complianceState", "NonCompliant");
	kt(g, "timestamp", 5 * HOUR);
	oe(g);
	rec_end(g, S_POLICY);
}

/* ---------------------------------------------------------------- */
/* Microsoft Graph                                                   */

#define DR_GA	"62e90394-69f5-4237-9190-012177145e10"
#define DR_PRA	"e8611ab8-c189-46e8-94e1-60213ab1f814"
#define DR_SEC	"194ae4cb-b126-40b2-bd5b-6091b380977d"
#define DR_UA	"fe930be7-5e62-47db-91af-98c3a49a38b1"
#define DR_MCR	"790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b"
#define DR_HD	"729827e3-9c14-49f7-bb1b-9608f156bbb8"

static const struct {
	const char *id, *name;
	bool priv;
} dir_roles[] = {
	{ DR_GA, "Global Administrator", true },
	{ DR_PRA, "Privileged Role Administrator", true },
	{ DR_SEC, "Security Administrator", true },
	{ DR_UA, "User Administrator", true },
	{ DR_HD, "Helpdesk Administrator", true },
	{ DR_MCR, "Message Center Reader", false },
};

/*
 * signInActivity as Graph returns it with AuditLog.Read.All: the newest
 * interactive, non-interactive and successful sign-ins, `ago` seconds
 * before collection (the non-interactive one a little later).
 */
static void
sign_in(struct gen *g, const char *key, int64_t ago)
{
	int64_t later = ago > DAY ? ago - (int64_t)(hash_str(4, key) %
	    (uint64_t)DAY) : ago;

	ko(g, "signInActivity");
	kt(g, "lastSignInDateTime", ago);
	kt(g, "lastNonInteractiveSignInDateTime", later);
	kt(g, "lastSuccessfulSignInDateTime", ago);
	oe(g);
}

/* Days since a user was created, from its key. */
static int64_t
created_days(const char *key)
{
	return (int64_t)(hash_str(2, key) % 2000 + 30);
}

static void
user(struct gen *g, const char *key, const char *given, const char *sur,
    const char *upn, const char *dept, const char *title, bool guest,
    bool mfa, bool admin, int64_t signin_ago)
{
	char id[40];

	guid(g, id, "user:%s", key);
	rec(g);
	ks(g, "@odata.type", "#microsoft.graph.user");
	ks(g, "id", id);
	kf(g, "displayName", "%s %s", given, sur);
	ks(g, "givenName", given);
	ks(g, "surname", sur);
	ks(g, "userPrincipalName", upn);
	if (guest)
		kf(g, "mail", "%s.%s@" CSP_DOMAIN, given, sur);
	else
		ks(g, "mail", upn);
	ks(g, "userType", guest ? "Guest" : "Member");
	kb(g, "accountEnabled", true);
	ksn(g, "department", dept);
	ksn(g, "jobTitle", title);
	ks(g, "companyName", guest ? CSP_NAME : "Northbridge University");
	kt(g, "createdDateTime", created_days(key) * DAY);
	if (guest) {
		ks(g, "creationType", "Invitation");
		ks(g, "externalUserState", "Accepted");
	} else if (strncmp(key, "breakglass", 10) != 0)
		kb(g, "onPremisesSyncEnabled", true);
	sign_in(g, key, signin_ago);
	rec_end(g, S_USERS);

	rec(g);
	ks(g, "@odata.type", "#microsoft.graph.userRegistrationDetails");
	ks(g, "id", id);
	ks(g, "userPrincipalName", upn);
	kf(g, "userDisplayName", "%s %s", given, sur);
	ks(g, "userType", guest ? "guest" : "member");
	kb(g, "isAdmin", admin);
	kb(g, "isSsprRegistered", mfa);
	kb(g, "isSsprEnabled", true);
	kb(g, "isSsprCapable", mfa);
	kb(g, "isMfaRegistered", mfa);
	kb(g, "isMfaCapable", mfa);
	kb(g, "isPasswordlessCapable", false);
	if (mfa)
		kstrs(g, "methodsRegistered", "microsoftAuthenticatorPush",
		    "softwareOneTimePasscode", NULL);
	else
		kempty(g, "methodsRegistered");
	kt(g, "lastUpdatedDateTime", 3 * DAY);
	rec_end(g, S_URD);
}

static void
dir_assign(struct gen *g, const char *role, const char *pkind,
    const char *pkey)
{
	char id[40], pid[40];

	guid(g, pid, "%s:%s", pkind, pkey);
	guid(g, id, "dirra:%s:%s", role, pkey);
	rec(g);
	ks(g, "@odata.type", "#microsoft.graph.unifiedRoleAssignment");
	ks(g, "id", id);
	ks(g, "principalId", pid);
	ks(g, "roleDefinitionId", role);
	ks(g, "directoryScopeId", "/");
	rec_end(g, S_DIRRA);
}

/* A PIM eligibility schedule (unifiedRoleEligibilitySchedule). */
static void
dir_eligible(struct gen *g, const char *role, const char *pkey,
    int64_t days)
{
	char id[40], pid[40], req[40];

	guid(g, pid, "user:%s", pkey);
	guid(g, id, "eligible:%s:%s", role, pkey);
	guid(g, req, "eligible-request:%s:%s", role, pkey);
	rec(g);
	ks(g, "@odata.type", "#microsoft.graph.unifiedRoleEligibilitySchedule");
	ks(g, "id", id);
	ks(g, "principalId", pid);
	ks(g, "roleDefinitionId", role);
	ks(g, "directoryScopeId", "/");
	knul(g, "appScopeId");
	ks(g, "createdUsing", req);
	kt(g, "createdDateTime", days * DAY);
	knul(g, "modifiedDateTime");
	ks(g, "status", "Provisioned");
	ks(g, "memberType", "Direct");
	ko(g, "scheduleInfo");
	kt(g, "startDateTime", days * DAY);
	knul(g, "recurrence");
	ko(g, "expiration");
	ks(g, "type", "noExpiration");
	knul(g, "endDateTime");
	knul(g, "duration");
	oe(g);
	oe(g);
	rec_end(g, S_ELIG);
}

static const char *const given_names[] = { "Amelia", "Oliver", "Isla",
    "Noah", "Ava", "Leo", "Mia", "Arthur", "Ivy", "Muhammad", "Freya", "Oscar",
    "Grace", "George", "Sofia", "Theo", "Aisha", "Jack", "Chloe", "Harry",
    "Zara", "Finn", "Priya", "Ethan", "Hannah", "Kwame", "Lucy", "Mateo",
    "Yuki", "Daniel", "Emily", "Ravi" };
static const char *const surnames[] = { "Smith", "Jones", "Taylor", "Brown",
    "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "Khan", "Roberts", "Green", "Hall", "Wood",
    "Clarke", "Okafor", "Nguyen", "Chen", "Murphy", "Kelly", "Ahmed", "Singh",
    "Hughes", "Lewis", "Edwards", "Novak", "Fraser", "Campbell" };
static const char *const depts[] = { "Computer Science", "History",
    "Chemistry", "Physics", "Law", "Medicine", "Engineering", "Economics",
    "Music", "Mathematics", "Library", "Estates", "Registry", "Finance" };

/*
 * When a filler user last signed in: within the last two months, except
 * about 3 % idle for 91 to 400 days (README: IDN-17); never before the
 * account was created.
 */
static int64_t
filler_signin(const char *key)
{
	uint64_t h = hash_str(3, key) % 1000;
	int64_t ago = h < 30 ? (int64_t)(91 + h * 10) * DAY :
	    (int64_t)(h % 60) * DAY + (int64_t)(h % 24) * HOUR;

	if (ago >= created_days(key) * DAY)
		ago = (created_days(key) - 1) * DAY;
	return ago;
}

static void
gen_users(struct gen *g, long n)
{
	static const struct {
		const char *key, *given, *sur, *title;
		bool mfa;
		int64_t signin;		/* hours since the last sign-in */
	} named[] = {
		{ "adm.jpatel", "Jay", "Patel", "Cloud Platform Lead", false,
		    50 },
		{ "adm.rmorgan", "Rhiannon", "Morgan", "Head of Infrastructure",
		    true, 20 },
		{ "adm.kchen", "Kai", "Chen", "Identity Engineer", false,
		    120 * 24 },
		{ "adm.lnguyen", "Linh", "Nguyen", "Identity Engineer", true,
		    89 * 24 },
		{ "s.fraser", "Stuart", "Fraser", "Systems Administrator", true,
		    5 * 24 },
		{ "p.oconnell", "Padraig", "OConnell", "Systems Administrator",
		    true, 3 * 24 },
		{ "j.mbeki", "Jabu", "Mbeki", "DBA", true, 7 * 24 },
		{ "m.okafor", "Mary", "Okafor", "Lab Development Lead", false,
		    10 * 24 },
		{ "d.walsh", "Declan", "Walsh", "Lab Technician", false, 4 * 24 },
		{ "h.ito", "Hana", "Ito", "Security Analyst", true, 9 },
	};
	char upn[160], given[32];
	size_t i;
	long u;
	const char *gn, *sn, *dept;
	bool mfa;

	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		snprintf(upn, sizeof(upn), "%s@" DOMAIN, named[i].key);
		user(g, named[i].key, named[i].given, named[i].sur, upn,
		    "Information Technology", named[i].title, false, named[i].mfa,
		    strncmp(named[i].key, "adm.", 4) == 0,
		    named[i].signin * HOUR);
	}
	user(g, "tom.becker.guest", "Tom", "Becker",
	    "tom.becker_" CSP_DOMAIN "#EXT#@" TENANT_DOMAIN, NULL,
	    "CSP Engineer", true, true, true, 6 * DAY);
	user(g, "anna.schmidt.guest", "Anna", "Schmidt",
	    "anna.schmidt_" CSP_DOMAIN "#EXT#@" TENANT_DOMAIN, NULL,
	    "CSP Account Manager", true, false, false, 200 * DAY);
	for (u = 0; u < n; u++) {
		char key[48];
		bool student = u % 4 != 0;

		rnd_seed(g, "filler-user");
		g->rng += (uint64_t)u * 0x9e3779b97f4a7c15ULL;
		gn = given_names[rnd(g) % (sizeof(given_names) /
		    sizeof(given_names[0]))];
		sn = surnames[rnd(g) % (sizeof(surnames) / sizeof(surnames[0]))];
		snprintf(given, sizeof(given), "%s", gn);
		if (student) {
			snprintf(key, sizeof(key), "s%07ld", 2100000 + u);
			snprintf(upn, sizeof(upn), "%s@" STUDENT_DOMAIN, key);
		} else {
			snprintf(key, sizeof(key), "staff%06ld", u);
			snprintf(upn, sizeof(upn), "%c.%s%ld@" DOMAIN,
			    given[0] + ('a' - 'A'), sn, u);
			for (i = 0; upn[i] != '\0' && upn[i] != '@'; i++)
				if (upn[i] >= 'A' && upn[i] <= 'Z')
					upn[i] = (char)(upn[i] + ('a' - 'A'));
		}
		dept = depts[rnd(g) % (sizeof(depts) / sizeof(depts[0]))];
		mfa = rnd(g) % 10 < (student ? 6U : 9U);
		user(g, key, given, sn, upn, dept, student ? "Student" : "Staff",
		    false, mfa, false, filler_signin(key));
	}
	/* Two cloud-only emergency-access accounts (README: IDN-13). */
	user(g, "breakglass01", "Emergency", "Access 01",
	    "breakglass01@" TENANT_DOMAIN, NULL, "Emergency access", false,
	    true, true, 30 * DAY);
	user(g, "breakglass02", "Emergency", "Access 02",
	    "breakglass02@" TENANT_DOMAIN, NULL, "Emergency access", false,
	    true, true, 45 * DAY);
	for (i = 0; i < sizeof(dir_roles) / sizeof(dir_roles[0]); i++) {
		rec(g);
		ks(g, "@odata.type", "#microsoft.graph.unifiedRoleDefinition");
		ks(g, "id", dir_roles[i].id);
		ks(g, "displayName", dir_roles[i].name);
		kb(g, "isBuiltIn", true);
		kb(g, "isEnabled", true);
		kb(g, "isPrivileged", dir_roles[i].priv);
		ks(g, "templateId", dir_roles[i].id);
		rec_end(g, S_DIRRD);
	}
	dir_assign(g, DR_GA, "user", "adm.jpatel");
	dir_assign(g, DR_GA, "user", "adm.rmorgan");
	dir_assign(g, DR_PRA, "user", "adm.kchen");
	dir_assign(g, DR_PRA, "user", "adm.lnguyen");
	dir_assign(g, DR_GA, "user", "tom.becker.guest");
	dir_assign(g, DR_MCR, "user", "anna.schmidt.guest");
	dir_assign(g, DR_SEC, "user", "h.ito");
	dir_assign(g, DR_HD, "user", "s.fraser");
	dir_assign(g, DR_GA, "user", "breakglass01");
	dir_assign(g, DR_GA, "user", "breakglass02");
	/* PIM: the two active assignments above are activations of these */
	dir_eligible(g, DR_SEC, "h.ito", 200);
	dir_eligible(g, DR_HD, "s.fraser", 150);
	dir_eligible(g, DR_GA, "adm.lnguyen", 60);
}

static void
gen_groups(struct gen *g)
{
	static const char *const groups[] = { "SG-Azure-Prod-Owners",
	    "SG-Azure-BreakGlass", "SG-SQL-Admins", "SG-Security-Readers",
	    "SG-Research-Computing", "SG-CA-Exclusions", "NBU-All-Staff",
	    "NBU-All-Students", "central-it", "registry", "finance",
	    "human-resources", "communications", "research-computing",
	    "life-sciences", "teaching-labs", "computer-science",
	    "information-security", "legacy" };
	char id[40];
	size_t i;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		guid(g, id, "group:%s", groups[i]);
		rec(g);
		ks(g, "@odata.type", "#microsoft.graph.group");
		ks(g, "id", id);
		ks(g, "displayName", groups[i]);
		kf(g, "mailNickname", "%s", groups[i]);
		kb(g, "securityEnabled", true);
		kb(g, "mailEnabled", false);
		kempty(g, "groupTypes");
		kb(g, "isAssignableToRole", i < 2);
		kt(g, "createdDateTime", (int64_t)(1000 + i * 20) * DAY);
		rec_end(g, S_GROUPS);
	}
}

/*
 * SP with credentials: kind 0 none, 1 secret 2y, 2 expired+90d, 3 cert,
 * 4 cert expiring in 12 days.
 */
static void
gen_app(struct gen *g, const char *name, int kind, bool mi)
{
	char id[40], app[40], kid[40];

	guid(g, app, "appid:%s", name);
	if (!mi) {
		guid(g, id, "app:%s", name);
		rec(g);
		ks(g, "@odata.type", "#microsoft.graph.application");
		ks(g, "id", id);
		ks(g, "appId", app);
		ks(g, "displayName", name);
		ks(g, "signInAudience", "AzureADMyOrg");
		kt(g, "createdDateTime", 800 * DAY);
		kempty(g, "passwordCredentials");
		kempty(g, "keyCredentials");
		rec_end(g, S_APPS);
	}
	guid(g, id, "sp:%s", name);
	rec(g);
	ks(g, "@odata.type", "#microsoft.graph.servicePrincipal");
	ks(g, "id", id);
	ks(g, "appId", app);
	ks(g, "displayName", name);
	kb(g, "accountEnabled", true);
	ks(g, "servicePrincipalType", mi ? "ManagedIdentity" : "Application");
	ks(g, "appOwnerOrganizationId", g->tenant);
	if (mi) {
		ka(g, "alternativeNames");
		s(g, "isExplicit=True");
		sf(g, "/subscriptions/%s/resourcegroups/rg-backup-shared/providers/Microsoft.ManagedIdentity/userAssignedIdentities/%s",
		    g->sub[SHARED], name);
		ae(g);
	}
	kstrs(g, "servicePrincipalNames", app, NULL);
	ka(g, "passwordCredentials");
	if (kind == 1 || kind == 2) {
		ob(g);
		guid(g, kid, "secret1:%s", name);
		ks(g, "keyId", kid);
		ks(g, "displayName", kind == 1 ? "sis-prod" : "lms-2024");
		kt(g, "startDateTime", kind == 1 ? 30 * DAY : 790 * DAY);
		kt(g, "endDateTime", kind == 1 ? 30 * DAY - 730 * DAY : 60 * DAY);
		ks(g, "hint", kind == 1 ? "Xq7" : "p2Z");
		knul(g, "secretText");
		oe(g);
	}
	if (kind == 2) {
		ob(g);
		guid(g, kid, "secret2:%s", name);
		ks(g, "keyId", kid);
		ks(g, "displayName", "lms-2026");
		kt(g, "startDateTime", 20 * DAY);
		kt(g, "endDateTime", 20 * DAY - 90 * DAY);
		ks(g, "hint", "M8k");
		knul(g, "secretText");
		oe(g);
	}
	ae(g);
	ka(g, "keyCredentials");
	if (kind == 3 || kind == 4) {
		ob(g);
		guid(g, kid, "cert:%s", name);
		ks(g, "keyId", kid);
		if (kind == 3)
			ks(g, "displayName", "CN=payroll-connector." DOMAIN);
		else
			kf(g, "displayName", "CN=%s." DOMAIN, name);
		ks(g, "type", "AsymmetricX509Cert");
		ks(g, "usage", "Verify");
		kt(g, "startDateTime", kind == 3 ? 100 * DAY : 353 * DAY);
		kt(g, "endDateTime", kind == 3 ? 100 * DAY - 365 * DAY :
		    -12 * DAY);
		knul(g, "key");
		oe(g);
	}
	ae(g);
	kempty(g, "tags");
	rec_end(g, S_SPS);
}

/* A Conditional Access policy; all but CA007 exclude the break-glass group. */
static void
ca(struct gen *g, const char *name, const char *state, const char *users,
    const char *roles, const char *apps, const char *clients,
    const char *grant)
{
	bool exclude_bg = strncmp(name, "CA007", 5) != 0;

	char id[40];

	guid(g, id, "ca:%s", name);
	rec(g);
	ks(g, "@odata.type", "#microsoft.graph.conditionalAccessPolicy");
	ks(g, "id", id);
	ks(g, "displayName", name);
	kt(g, "createdDateTime", 500 * DAY);
	kt(g, "modifiedDateTime", 40 * DAY);
	ks(g, "state", state);
	ko(g, "conditions");
	kcsv(g, "clientAppTypes", clients);
	ko(g, "applications");
	kcsv(g, "includeApplications", apps);
	kempty(g, "excludeApplications");
	kempty(g, "includeUserActions");
	oe(g);
	ko(g, "users");
	kcsv(g, "includeUsers", users);
	kempty(g, "excludeUsers");
	kempty(g, "includeGroups");
	ka(g, "excludeGroups");
	guid(g, id, "group:%s", "SG-Azure-BreakGlass");
	if (exclude_bg)
		s(g, id);
	ae(g);
	kcsv(g, "includeRoles", roles);
	kempty(g, "excludeRoles");
	oe(g);
	knul(g, "platforms");
	knul(g, "locations");
	kempty(g, "signInRiskLevels");
	kempty(g, "userRiskLevels");
	oe(g);
	ko(g, "grantControls");
	ks(g, "operator", "OR");
	kcsv(g, "builtInControls", grant);
	kempty(g, "customAuthenticationFactors");
	kempty(g, "termsOfUse");
	oe(g);
	knul(g, "sessionControls");
	rec_end(g, S_CA);
}

static void
gen_graph_apps(struct gen *g)
{
	static const char *const plain[] = { "nbu-moodle-sso", "nbu-library-proxy",
	    "nbu-timetabling", "nbu-alumni-portal", "nbu-research-data-portal",
	    "nbu-exam-proctoring", "nbu-estates-helpdesk", "nbu-deploy-pipeline" };
	size_t i;

	gen_app(g, "nbu-sis-integration", 1, false);
	gen_app(g, "nbu-lms-sync", 2, false);
	gen_app(g, "nbu-payroll-connector", 3, false);
	gen_app(g, "nbu-backup-automation", 0, true);
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		gen_app(g, plain[i], i == 7 ? 3 : 0, false);
	gen_app(g, "nbu-room-booking", 4, false);

	ca(g, "CA001 - Require MFA for administrators", "enabled", "None",
	    DR_GA "," DR_PRA "," DR_SEC "," DR_UA "," DR_HD, "All", "all", "mfa");
	ca(g, "CA002 - Require MFA for all users",
	    "enabledForReportingButNotEnforced", "All", "", "All", "all", "mfa");
	ca(g, "CA003 - Block legacy authentication",
	    "enabledForReportingButNotEnforced", "All", "", "All",
	    "exchangeActiveSync,other", "block");
	ca(g, "CA004 - Block sign-in from outside allowed countries", "disabled",
	    "All", "", "All", "all", "block");
	ca(g, "CA005 - Require compliant device for Finance app", "enabled",
	    "All", "", "00000003-0000-0ff1-ce00-000000000000", "browser,mobileAppsAndDesktopClients",
	    "compliantDevice");
	ca(g, "CA006 - Require MFA for Azure management", "enabled", "All", "",
	    "797f4846-ba00-4fd7-ba43-dac1f8f63013", "all", "mfa");
	ca(g, "CA007 - Require compliant device for all users", "enabled",
	    "All", "", "All", "all", "compliantDevice");
}

/* ---------------------------------------------------------------- */
/* Entra tenant settings                                             */

static void
named_location(struct gen *g, const char *name, bool trusted,
    const char *cidr4, const char *cidr6)
{
	char id[40];

	guid(g, id, "namedlocation:%s", name);
	rec(g);
	ks(g, "@odata.type", "#microsoft.graph.ipNamedLocation");
	ks(g, "id", id);
	ks(g, "displayName", name);
	kt(g, "createdDateTime", 700 * DAY);
	kt(g, "modifiedDateTime", 120 * DAY);
	kb(g, "isTrusted", trusted);
	ka(g, "ipRanges");
	ob(g);
	ks(g, "@odata.type", "#microsoft.graph.iPv4CidrRange");
	ks(g, "cidrAddress", cidr4);
	oe(g);
	if (cidr6 != NULL) {
		ob(g);
		ks(g, "@odata.type", "#microsoft.graph.iPv6CidrRange");
		ks(g, "cidrAddress", cidr6);
		oe(g);
	}
	ae(g);
	rec_end(g, S_NAMEDLOC);
}

/* Organization, authorization policy, security defaults, named locations. */
static void
gen_tenant(struct gen *g)
{
	char id[40];

	rec(g);
	ks(g, "@odata.type", "#microsoft.graph.organization");
	ks(g, "id", g->tenant);
	ks(g, "displayName", "Northbridge University");
	ks(g, "tenantType", "AAD");
	kt(g, "createdDateTime", 3000 * DAY);
	ks(g, "countryLetterCode", "GB");
	ks(g, "preferredLanguage", "en-GB");
	ka(g, "verifiedDomains");
	ob(g);
	ks(g, "name", DOMAIN);
	ks(g, "type", "Managed");
	kb(g, "isDefault", true);
	kb(g, "isInitial", false);
	oe(g);
	ob(g);
	ks(g, "name", STUDENT_DOMAIN);
	ks(g, "type", "Managed");
	kb(g, "isDefault", false);
	kb(g, "isInitial", false);
	oe(g);
	ob(g);
	ks(g, "name", TENANT_DOMAIN);
	ks(g, "type", "Managed");
	kb(g, "isDefault", false);
	kb(g, "isInitial", true);
	oe(g);
	ae(g);
	kempty(g, "technicalNotificationMails");
	rec_end(g, S_ORG);

	/* Guests invited by anyone, users may register apps and consent
	 * to low-impact permissions; the rest restricted (README: ENT-1). */
	rec(g);
	ks(g, "@odata.type", "#microsoft.graph.authorizationPolicy");
	ks(g, "id", "authorizationPolicy");
	ks(g, "displayName", "Authorization Policy");
	ks(g, "description", "Used to manage authorization related settings "
	    "across the company.");
	ks(g, "allowInvitesFrom", "everyone");
	kb(g, "allowedToSignUpEmailBasedSubscriptions", false);
	kb(g, "allowedToUseSSPR", true);
	kb(g, "allowEmailVerifiedUsersToJoinOrganization", false);
	kb(g, "blockMsolPowerShell", true);
	ks(g, "guestUserRoleId", "2af84b1e-32c8-42b7-82bc-daa82404023b");
	ko(g, "defaultUserRolePermissions");
	kb(g, "allowedToCreateApps", true);
	kb(g, "allowedToCreateSecurityGroups", false);
	kb(g, "allowedToCreateTenants", false);
	kb(g, "allowedToReadBitlockerKeysForOwnedDevice", true);
	kb(g, "allowedToReadOtherUsers", true);
	kstrs(g, "permissionGrantPoliciesAssigned",
	    "ManagePermissionGrantsForSelf.microsoft-user-default-low", NULL);
	oe(g);
	rec_end(g, S_AUTHZPOL);

	/* Off: Conditional Access (CA001) enforces MFA for the admins. */
	rec(g);
	ks(g, "@odata.type",
	    "#microsoft.graph.identitySecurityDefaultsEnforcementPolicy");
	ks(g, "id", "00000000-0000-0000-0000-000000000005");
	ks(g, "displayName", "Security Defaults");
	ks(g, "description", "Security defaults is a set of basic identity "
	    "security mechanisms recommended by Microsoft.");
	kb(g, "isEnabled", false);
	rec_end(g, S_SECDEF);

	named_location(g, "NBU campus egress", true, "203.0.113.0/24",
	    "2001:db8:4e42::/48");
	named_location(g, "Harbourline CSP office", false, "198.51.100.64/26",
	    NULL);
	named_location(g, "Legacy partner VPN (any)", true, "0.0.0.0/1",
	    NULL);
	guid(g, id, "namedlocation:%s", "UK and Ireland");
	rec(g);
	ks(g, "@odata.type", "#microsoft.graph.countryNamedLocation");
	ks(g, "id", id);
	ks(g, "displayName", "UK and Ireland");
	kt(g, "createdDateTime", 700 * DAY);
	kt(g, "modifiedDateTime", 700 * DAY);
	kstrs(g, "countriesAndRegions", "GB", "IE", NULL);
	kb(g, "includeUnknownCountriesAndRegions", false);
	ks(g, "countryLookupMethod", "clientIpAddress");
	rec_end(g, S_NAMEDLOC);
}

/* ---------------------------------------------------------------- */
/* Driver                                                            */

static int
write_manifest(struct gen *g)
{
	char path[4096], t[32];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/manifest.json", g->out);
	rec(g);
	ks(g, "schema", "overvisor-snapshot/1");
	ks(g, "tenantId", g->tenant);
	ks(g, "tenantName", "Northbridge University");
	ks(g, "cloud", "AzureCloud");
	ov__time_format(g->now, t, sizeof(t));
	ks(g, "collectedAt", t);
	ks(g, "tool", GEN_VERSION);
	ka(g, "sources");
	for (i = 0; i < S_COUNT; i++) {
		ob(g);
		ks(g, "name", sources[i].name);
		ks(g, "status", "collected");
		kn(g, "count", (int64_t)g->count[i]);
		kstrs(g, "files", sources[i].file, NULL);
		if (sources[i].type != NULL)
			ks(g, "type", sources[i].type);
		oe(g);
	}
	ae(g);
	oe(g);
	put(g, "\n", 1);
	if (g->error != 0)
		return g->error;
	if ((f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "gen_estate: %s: %s\n", path, strerror(errno));
		return OV_EIO;
	}
	if (fwrite(g->b.ptr, 1, g->b.len, f) != g->b.len || fclose(f) != 0) {
		fprintf(stderr, "gen_estate: %s: write failed\n", path);
		return OV_EIO;
	}
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: gen_estate --out DIR [--scale N] [--seed S] "
	    "[--collected-at ISO8601]\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "scale", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "collected-at", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct gen g;
	const char *at = GEN_DEFAULT_AT;
	char path[4096], *end;
	long i;
	int c, sub, rc = 0;

	memset(&g, 0, sizeof(g));
	ov__buf_init(&g.b, (size_t)1 << 24);
	g.seed = 20261101;
	while ((c = getopt_long(argc, argv, "o:n:s:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			g.out = optarg;
			break;
		case 'n':
			errno = 0;
			g.scale = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || g.scale < 0) {
				fprintf(stderr, "gen_estate: bad --scale '%s'\n",
				    optarg);
				return 2;
			}
			break;
		case 's':
			errno = 0;
			g.seed = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != '\0') {
				fprintf(stderr, "gen_estate: bad --seed '%s'\n",
				    optarg);
				return 2;
			}
			break;
		case 'c':
			at = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (g.out == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!ov__time_parse(at, strlen(at), &g.now)) {
		fprintf(stderr, "gen_estate: bad --collected-at '%s'\n", at);
		return 2;
	}
	g.n_vms = BASE_FILLER_VMS;
	g.n_users = BASE_FILLER_USERS;
	if (g.scale > 0) {
		/* About 11 records per filler VM and 2 per filler user. */
		g.n_vms = g.scale * 45 / 100 / 11;
		g.n_users = g.scale * 55 / 100 / 2;
	}
	if (mkdir(g.out, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "gen_estate: %s: %s\n", g.out, strerror(errno));
		return 1;
	}
	for (c = 0; c < S_COUNT; c++) {
		snprintf(path, sizeof(path), "%s/%s", g.out, sources[c].file);
		if ((g.f[c] = fopen(path, "w")) == NULL) {
			fprintf(stderr, "gen_estate: %s: %s\n", path,
			    strerror(errno));
			rc = 1;
			goto done;
		}
	}
	guid(&g, g.tenant, "tenant");
	for (sub = 0; sub < N_SUBS; sub++)
		guid(&g, g.sub[sub], "%s", subs[sub].key);
	rid(g.law, &g, SHARED, "rg-monitoring-shared",
	    "Microsoft.OperationalInsights/workspaces/log-nbu-central");

	gen_containers(&g);
	gen_asgs(&g);
	gen_nsgs(&g);
	gen_vnets(&g);
	gen_pips(&g);
	gen_lb(&g);
	gen_appgw(&g);
	gen_firewall(&g);
	for (i = 0; i < (long)N_NAMED_VMS; i++)
		gen_vm(&g, &named_vms[i]);
	gen_backup(&g);
	gen_storage(&g);
	gen_keyvaults(&g);
	gen_sql(&g);
	gen_data(&g);
	gen_web(&g);
	gen_platform(&g);
	gen_defender(&g);
	gen_rbac(&g);
	gen_policy(&g);
	gen_groups(&g);
	gen_graph_apps(&g);
	gen_users(&g, g.n_users);
	gen_tenant(&g);
	for (i = 0; i < g.n_vms && g.error == 0; i++)
		gen_filler_vm(&g, i);
	if (g.error != 0) {
		fprintf(stderr, "gen_estate: record generation failed (%d)\n",
		    g.error);
		rc = 1;
		goto done;
	}
done:
	for (c = 0; c < S_COUNT; c++) {
		if (g.f[c] != NULL && fclose(g.f[c]) != 0 && rc == 0) {
			fprintf(stderr, "gen_estate: %s: write failed\n",
			    sources[c].file);
			rc = 1;
		}
	}
	if (rc == 0 && write_manifest(&g) != 0)
		rc = 1;
	ov__buf_free(&g.b);
	return rc;
}
