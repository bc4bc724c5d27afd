/* SPDX-License-Identifier: MIT */
/*
 * Record digests for drift: which records a scan saw and the values of the
 * properties that matter for security, per type.  The store keeps one
 * digest per scan; `overvisor diff` compares two of them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "lib/snapshot/digest.h"
#include "findings/secret.h"
#include "lib/model/model.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/hash.h"

struct ov_digest {
	struct ov_arena		 arena;	/* every string */
	struct ov_digest_rec	*recs;	/* records in insertion order */
	size_t			 n;	/* used */
	size_t			 cap;	/* allocated */
	struct ov_map		 by_key; /* key -> index + 1 */
	struct ov_arena		**adopted; /* arenas of absorbed digests */
	size_t			 n_adopted;
	bool			 view;	/* recs borrowed from another digest */
};

/* Curated security-relevant paths per type (DESIGN section 8). */
static const char *const nsg_paths[] = {
	"properties.securityRules", NULL };
static const char *const nsg_rule_paths[] = {
	"properties.access", "properties.direction", "properties.priority",
	"properties.protocol", "properties.sourceAddressPrefix",
	"properties.sourceAddressPrefixes", "properties.destinationPortRange",
	"properties.destinationPortRanges", NULL };
static const char *const storage_paths[] = {
	"properties.allowBlobPublicAccess", "properties.minimumTlsVersion",
	"properties.networkAcls.defaultAction",
	"properties.supportsHttpsTrafficOnly", "properties.publicNetworkAccess",
	"properties.allowSharedKeyAccess", NULL };
static const char *const keyvault_paths[] = {
	"properties.enablePurgeProtection", "properties.enableSoftDelete",
	"properties.enableRbacAuthorization", "properties.publicNetworkAccess",
	"properties.networkAcls.defaultAction", NULL };
static const char *const sql_paths[] = {
	"properties.publicNetworkAccess", "properties.minimalTlsVersion",
	NULL };
static const char *const role_assignment_paths[] = {
	"properties.roleDefinitionId", "properties.principalId",
	"properties.principalType", "properties.scope", NULL };
static const char *const ca_paths[] = {
	"state", "conditions", "grantControls", NULL };
static const char *const pip_paths[] = {
	"properties.ipAddress", "properties.ipConfiguration.id", NULL };
static const char *const nic_paths[] = {
	"properties.networkSecurityGroup.id", "properties.ipConfigurations",
	NULL };
static const char *const subnet_paths[] = {
	"properties.networkSecurityGroup.id", "properties.addressPrefix",
	NULL };
static const char *const vm_paths[] = {
	"properties.osProfile.windowsConfiguration.patchSettings.patchMode",
	"properties.osProfile.linuxConfiguration.patchSettings.patchMode",
	"properties.osProfile.linuxConfiguration.disablePasswordAuthentication",
	"identity.type", NULL };
static const char *const web_paths[] = {
	"properties.httpsOnly", "properties.siteConfig.minTlsVersion",
	"properties.publicNetworkAccess", NULL };
static const char *const policy_assignment_paths[] = {
	"properties.enforcementMode", "properties.policyDefinitionId", NULL };
static const char *const exemption_paths[] = {
	"properties.expiresOn", "properties.exemptionCategory",
	"properties.policyAssignmentId", NULL };
static const char *const pricing_paths[] = {
	"properties.pricingTier", NULL };
static const char *const user_paths[] = {
	"accountEnabled", "userType", NULL };
static const char *const sp_paths[] = {
	"accountEnabled", "passwordCredentials", "keyCredentials", NULL };
static const char *const dir_role_paths[] = {
	"roleDefinitionId", "principalId", "directoryScopeId", NULL };
static const char *const aks_paths[] = {
	"properties.apiServerAccessProfile.enablePrivateCluster",
	"properties.enableRBAC", NULL };
static const char *const cosmos_paths[] = {
	"properties.publicNetworkAccess", "properties.disableLocalAuth",
	NULL };
static const char *const no_paths[] = { NULL };

static const struct {
	const char		*type;	/* record type */
	const char *const	*paths;	/* curated paths */
} curated[] = {
	{ "Microsoft.Network/networkSecurityGroups", nsg_paths },
	{ "Microsoft.Network/networkSecurityGroups/securityRules",
	    nsg_rule_paths },
	{ "Microsoft.Storage/storageAccounts", storage_paths },
	{ "Microsoft.KeyVault/vaults", keyvault_paths },
	{ "Microsoft.Sql/servers", sql_paths },
	{ "Microsoft.Authorization/roleAssignments", role_assignment_paths },
	{ "Microsoft.Graph/conditionalAccessPolicies", ca_paths },
	{ "Microsoft.Network/publicIPAddresses", pip_paths },
	{ "Microsoft.Network/networkInterfaces", nic_paths },
	{ "Microsoft.Network/virtualNetworks/subnets", subnet_paths },
	{ "Microsoft.Compute/virtualMachines", vm_paths },
	{ "Microsoft.Web/sites", web_paths },
	{ "Microsoft.Authorization/policyAssignments",
	    policy_assignment_paths },
	{ "Microsoft.Authorization/policyExemptions", exemption_paths },
	{ "Microsoft.Security/pricings", pricing_paths },
	{ "Microsoft.Graph/users", user_paths },
	{ "Microsoft.Graph/servicePrincipals", sp_paths },
	{ "Microsoft.Graph/roleAssignments", dir_role_paths },
	{ "Microsoft.ContainerService/managedClusters", aks_paths },
	{ "Microsoft.DocumentDB/databaseAccounts", cosmos_paths },
};

/* The curated paths for a type. */
const char *const *
ov_digest__paths(const char *type)
{
	size_t i;

	if (type == NULL)
		return no_paths;
	for (i = 0; i < sizeof(curated) / sizeof(curated[0]); i++)
		if (ov__streq_ci(curated[i].type, type))
			return curated[i].paths;
	return no_paths;
}

/* Create an empty digest. */
int
ov_digest_new(ov_digest **out)
{
	ov_digest *d;

	OV_ASSERT_ARG(out != NULL);
	*out = NULL;
	if ((d = ov__calloc(1, sizeof(*d))) == NULL)
		return OV_ENOMEM;
	ov__arena_init(&d->arena, 0, 0);
	*out = d;
	return 0;
}

/* Release a digest. */
void
ov_digest_free(ov_digest *d)
{
	size_t i;

	if (d == NULL)
		return;
	ov__arena_free(&d->arena);
	for (i = 0; i < d->n_adopted; i++) {
		ov__arena_free(d->adopted[i]);
		ov__free(d->adopted[i]);
	}
	ov__free(d->adopted);
	ov__map_free(&d->by_key);
	if (!d->view)
		ov__free(d->recs);
	ov__free(d);
}

/*
 * Move src's records into dst, after dst's, skipping ids dst holds; dst
 * takes src's strings over and src is left empty.  0 or OV_ENOMEM (dst
 * then holds what was moved so far, src the rest).
 */
int
ov_digest__absorb(ov_digest *dst, ov_digest *src)
{
	struct ov_arena **grown, *a;
	struct ov_digest_rec *recs;
	size_t i, cap;
	bool added;
	void **slot;

	if (src->n == 0)
		return 0;
	if ((a = ov__malloc(sizeof(*a))) == NULL ||
	    (grown = ov__reallocarray(dst->adopted, dst->n_adopted + 1,
	    sizeof(*grown))) == NULL) {
		ov__free(a);
		return OV_ENOMEM;
	}
	dst->adopted = grown;
	if (dst->n + src->n > dst->cap) {
		cap = dst->cap != 0 ? dst->cap : 256;
		while (cap < dst->n + src->n)
			cap *= 2;
		if ((recs = ov__reallocarray(dst->recs, cap,
		    sizeof(*recs))) == NULL) {
			ov__free(a);
			return OV_ENOMEM;
		}
		dst->recs = recs;
		dst->cap = cap;
	}
	for (i = 0; i < src->n; i++) {
		const struct ov_digest_rec *r = &src->recs[i];
		size_t klen = strlen(r->key);

		if ((slot = ov__map_slot(&dst->by_key, r->key, klen,
		    &added)) == NULL) {
			ov__free(a);
			return OV_ENOMEM;
		}
		if (!added)
			continue;	/* the first copy of an id stays */
		*slot = (void *)(uintptr_t)(dst->n + 1);
		dst->recs[dst->n++] = *r;
	}
	/* the strings now belong to dst */
	*a = src->arena;
	dst->adopted[dst->n_adopted++] = a;
	ov__arena_init(&src->arena, 0, 0);
	ov__map_free(&src->by_key);
	src->n = 0;
	return 0;
}

/* Number of records. */
size_t
ov_digest_count(const ov_digest *d)
{
	return d != NULL ? d->n : 0;
}

/* Record i. */
const struct ov_digest_rec *
ov_digest__rec(const ov_digest *d, size_t i)
{
	return d != NULL && i < d->n ? &d->recs[i] : NULL;
}

static void
hash_hex(const char *a, const char *b, char out[33])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	memset(md, 0, sizeof(md));
	if (c != NULL &&
	    EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(c, a, strlen(a)) == 1 &&
	    EVP_DigestUpdate(c, "\n", 1) == 1 &&
	    EVP_DigestUpdate(c, b, strlen(b)) == 1)
		EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
	for (i = 0; i < 16; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[32] = '\0';
}

/* Order of (path, value) pairs: by path, case-insensitive. */
struct pair {
	const char	*path;	/* property path */
	const char	*value;	/* JSON text */
};

static int
pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	return ov__strcmp_ci(x->path, y->path);
}

static int digest_add(ov_digest *, const char *, const char *,
    const char *const *, const char *const *, size_t, bool);

/* Add one record to the digest; secret values are masked. */
int
ov_digest_add(ov_digest *d, const char *id, const char *type,
    const char *const *paths, const char *const *values, size_t n)
{
	return digest_add(d, id, type, paths, values, n, false);
}

/*
 * Add one record; masked says every value was written with secrets
 * masked already, else each is masked here (the store keeps no secret).
 */
static int
digest_add(ov_digest *d, const char *id, const char *type,
    const char *const *paths, const char *const *values, size_t n,
    bool masked)
{
	struct ov_digest_rec *r;
	struct ov_buf props = OV_BUF_INIT(16u << 20);
	struct pair *pairs = NULL;
	size_t i, m = 0, idlen;
	char *key;
	int error = 0;

	OV_ASSERT_ARG(d != NULL && id != NULL);
	if (d->view)
		return OV_EINVALID;	/* a view is read-only */
	idlen = strlen(id);
	if (ov__map_get(&d->by_key, id, idlen) != NULL)
		return 0;
	if (d->n == d->cap) {
		size_t cap = d->cap != 0 ? d->cap * 2 : 256;
		void *p = ov__reallocarray(d->recs, cap, sizeof(*d->recs));

		if (p == NULL)
			return OV_ENOMEM;
		d->recs = p;
		d->cap = cap;
	}
	if (n > 0 && (pairs = ov__calloc(n, sizeof(*pairs))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < n; i++)
		if (paths[i] != NULL && values != NULL && values[i] != NULL) {
			pairs[m].path = paths[i];
			pairs[m].value = masked ? values[i] :
			    ov_secret__mask_text(&d->arena, paths[i],
			    values[i]);
			if (pairs[m].value == NULL) {
				ov__free(pairs);
				return OV_ENOMEM;
			}
			m++;
		}
	if (m > 1)
		qsort(pairs, m, sizeof(*pairs), pair_cmp);
	for (i = 0; i < m && error == 0; i++) {
		const char *v;

		error = ov__buf_printf(&props, "%s\t", pairs[i].path);
		/* values are one line: JSON text never holds a raw newline */
		for (v = pairs[i].value; *v != '\0' && error == 0; v++)
			error = ov__buf_putc(&props,
			    *v == '\n' || *v == '\t' ? ' ' : *v);
		if (error == 0)
			error = ov__buf_putc(&props, '\n');
	}
	ov__free(pairs);
	if (error < 0)
		goto done;
	r = &d->recs[d->n];
	memset(r, 0, sizeof(*r));
	key = ov__arena_strdup(&d->arena, id);
	r->id = ov__arena_strdup(&d->arena, id);
	r->type = ov__arena_strdup(&d->arena, type != NULL ? type : "");
	r->props = ov__arena_strdup(&d->arena, ov__buf_cstr(&props));
	if (key == NULL || r->id == NULL || r->type == NULL ||
	    r->props == NULL) {
		error = OV_ENOMEM;
		goto done;
	}
	for (i = 0; i < idlen; i++)
		if (key[i] >= 'A' && key[i] <= 'Z')
			key[i] = (char)(key[i] + ('a' - 'A'));
	r->key = key;
	{
		char *tl = ov__arena_strdup(&d->arena, r->type);

		if (tl == NULL) {
			error = OV_ENOMEM;
			goto done;
		}
		for (i = 0; tl[i] != '\0'; i++)
			if (tl[i] >= 'A' && tl[i] <= 'Z')
				tl[i] = (char)(tl[i] + ('a' - 'A'));
		hash_hex(tl, r->props, r->hash);
	}
	if ((error = ov__map_put(&d->by_key, r->key, idlen,
	    (void *)(uintptr_t)(d->n + 1))) < 0)
		goto done;
	d->n++;
done:
	ov__buf_free(&props);
	return error;
}

/* Split the next "path\tvalue\n" line; false at the end. */
static bool
next_line(const char **p, const char **path, size_t *plen,
    const char **val, size_t *vlen)
{
	const char *s = *p, *tab, *nl;

	if (s == NULL || *s == '\0')
		return false;
	nl = strchr(s, '\n');
	if (nl == NULL)
		nl = s + strlen(s);
	tab = memchr(s, '\t', (size_t)(nl - s));
	if (tab == NULL)
		tab = nl;
	*path = s;
	*plen = (size_t)(tab - s);
	*val = tab < nl ? tab + 1 : nl;
	*vlen = (size_t)(nl - *val);
	*p = *nl != '\0' ? nl + 1 : nl;
	return true;
}

static int
ci_cmp_n(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i;

	for (i = 0; i < an && i < bn; i++) {
		int x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return x - y;
	}
	return an < bn ? -1 : an > bn ? 1 : 0;
}

/* Merge two sorted property texts and report the differences. */
int
ov_digest__props_diff(const char *before, const char *after,
    int (*cb)(const char *path, const char *before, const char *after,
    void *payload), void *payload)
{
	const char *pa = NULL, *va = NULL, *pb = NULL, *vb = NULL;
	size_t pal = 0, val = 0, pbl = 0, vbl = 0;
	bool ha, hb;
	char *path = NULL, *x = NULL, *y = NULL;
	int error = 0, c;

	ha = next_line(&before, &pa, &pal, &va, &val);
	hb = next_line(&after, &pb, &pbl, &vb, &vbl);
	while ((ha || hb) && error == 0) {
		c = !ha ? 1 : !hb ? -1 : ci_cmp_n(pa, pal, pb, pbl);
		if (c == 0 && val == vbl && memcmp(va, vb, val) == 0) {
			ha = next_line(&before, &pa, &pal, &va, &val);
			hb = next_line(&after, &pb, &pbl, &vb, &vbl);
			continue;
		}
		path = c <= 0 ? ov__strndup(pa, pal) : ov__strndup(pb, pbl);
		x = c <= 0 ? ov__strndup(va, val) : NULL;
		y = c >= 0 ? ov__strndup(vb, vbl) : NULL;
		if (path == NULL || (c <= 0 && x == NULL) ||
		    (c >= 0 && y == NULL))
			error = OV_ENOMEM;
		else
			error = cb(path, x, y, payload);
		ov__free(path);
		ov__free(x);
		ov__free(y);
		path = x = y = NULL;
		if (c <= 0)
			ha = next_line(&before, &pa, &pal, &va, &val);
		if (c >= 0)
			hb = next_line(&after, &pb, &pbl, &vb, &vbl);
	}
	return error;
}

#define MAX_PATHS 16	/* curated paths per type, at most */

/* Add one record with its curated properties. */
int
ov_digest__add_record(ov_digest *d, const struct ov_record *r)
{
	const char *const *paths = ov_digest__paths(r->type);
	const char *vals[MAX_PATHS];
	const char *cpaths[MAX_PATHS];
	struct ov_arena tmp;
	size_t j, n = 0;
	int error = 0;

	if (r->id == NULL)
		return 0;
	ov__arena_init(&tmp, 0, 0);
	for (j = 0; paths[j] != NULL && n < MAX_PATHS; j++) {
		const ov_json *v = ov_model__field(r, paths[j]);

		if (v == NULL)
			continue;
		/* written with every secret masked: the store keeps none */
		if ((vals[n] = ov_secret__json_textf(&tmp, paths[j], v,
		    OV_JSON_W_SORTED)) == NULL) {
			error = OV_ENOMEM;
			goto done;
		}
		cpaths[n] = paths[j];
		n++;
	}
	error = digest_add(d, r->id, r->type, cpaths, vals, n, true);
done:
	ov__arena_free(&tmp);
	return error < 0 ? OV_ENOMEM : 0;
}

/* Build the digest of a snapshot. */
int
ov_digest_from_snapshot(ov_digest **out, ov_ctx *ctx,
    const ov_snapshot *snap)
{
	ov_digest *d = NULL;
	size_t i;

	OV_ASSERT_ARG(out != NULL && snap != NULL);
	*out = NULL;
	if (snap->digest != NULL) {
		/* taken while loading: a view of it, sharing its records */
		if (ov_digest_new(&d) < 0)
			return ov__error_oom(ctx);
		d->recs = snap->digest->recs;
		d->n = snap->digest->n;
		d->view = true;
		*out = d;
		return 0;
	}
	if (snap->streamed)
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_INTERNAL,
		    "the snapshot was streamed without record digests "
		    "(OV_LOAD_DIGEST)");
	if (ov_digest_new(&d) < 0)
		return ov__error_oom(ctx);
	for (i = 0; i < snap->n_records; i++)
		if (ov_digest__add_record(d, snap->records[i]) < 0) {
			ov_digest_free(d);
			return ov__error_oom(ctx);
		}
	*out = d;
	return 0;
}
