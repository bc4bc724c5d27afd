/* SPDX-License-Identifier: MIT */
/*
 * The finding list: deep copies in one arena, a deterministic sort, the
 * stable fingerprint and the names every output format uses.
 *
 * Each finding lives in its own arena slot and the list keeps an array of
 * pointers to them, so a pointer returned by ov_findings_get() stays valid
 * through later additions and sorts for as long as the list lives.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "overvisor/finding.h"
#include "findings/secret.h"
#include "lib/findings/list.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/hash.h"

/* One stored finding plus what the list needs to know about it. */
struct entry {
	ov_finding	 f;		/* the public view; strings in the arena */
	size_t		 seq;		/* insertion order, the last sort key */
	uint32_t	 tag;		/* the record it is about + 1, or 0
					   (list.h) */
	bool		 fp_computed;	/* fingerprint derived, not given */
	char		 fp[33];	/* storage for a computed fingerprint */
};

struct ov_findings {
	struct ov_arena	  arena;	/* every string and entry */
	struct entry	**items;	/* n_items pointers into the arena */
	size_t		  n_items;	/* findings held */
	size_t		  cap;		/* slots allocated in items */
	char		 *tenant;	/* for fingerprints; heap, may be NULL */
	struct ov_arena	**adopted;	/* arenas of absorbed lists */
	size_t		  n_adopted;
	bool		  defer_fp;	/* fingerprints at set_tenant only */
	struct ov_map	  shared;	/* strings many findings repeat (rule,
					   title, remediation...), stored
					   once */
	struct recent	 *recent;	/* recent values and arrays, reused
					   when a finding repeats them */
};

/* A recently stored string or pointer array, for reuse. */
struct recent {
	const void	*p;		/* the stored copy, or NULL */
	uint64_t	 hash;
	size_t		 n;		/* bytes, or elements */
};

#define RECENT_SLOTS	1024

static const char *const severity_names[] = {
	"info", "low", "medium", "high", "critical"
};

static const char *const layer_names[OV_LAYER__COUNT] = {
	"unknown",
	"information-and-data",
	"devices",
	"accounts-and-identities",
	"identity-and-directory-infrastructure",
	"applications",
	"network-controls",
	"operating-system",
	"physical-hosts",
	"physical-network",
	"physical-datacenter"
};

static const char *const owner_names[] = {
	"unknown", "customer", "microsoft", "shared"
};

static const char *const state_names[] = {
	"compliant", "non-compliant", "not-applicable", "exempt",
	"indeterminate", "error"
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Create an empty list. */
int
ov_findings_new(ov_findings **out)
{
	ov_findings *l;

	OV_ASSERT_ARG(out != NULL);
	*out = NULL;
	if ((l = ov__calloc(1, sizeof(*l))) == NULL)
		return OV_ENOMEM;
	ov__arena_init(&l->arena, 0, 0);
	l->shared.cs = true;
	*out = l;
	return 0;
}

/* Release a list and every copy it holds. */
void
ov_findings_free(ov_findings *list)
{
	size_t i;

	if (list == NULL)
		return;
	ov__arena_free(&list->arena);
	for (i = 0; i < list->n_adopted; i++) {
		ov__arena_free(list->adopted[i]);
		ov__free(list->adopted[i]);
	}
	ov__free(list->adopted);
	ov__map_free(&list->shared);
	ov__free(list->recent);
	ov__free(list->items);
	ov__free(list->tenant);
	ov__free(list);
}

/* See list.h. */
void
ov_findings__defer_fingerprints(ov_findings *list)
{
	list->defer_fp = true;
}

/* See list.h. */
void
ov_findings__tag(ov_findings *list, size_t i, uint32_t tag)
{
	if (i < list->n_items)
		list->items[i]->tag = tag;
}

/* See list.h. */
int
ov_findings__absorb(ov_findings *dst, ov_findings *src, uint32_t base)
{
	struct ov_arena **grown, *a;
	struct entry **items;
	size_t i, cap;

	if (src->n_items == 0)
		return 0;
	if (dst->n_items + src->n_items > dst->cap) {
		cap = dst->cap != 0 ? dst->cap : 64;
		while (cap < dst->n_items + src->n_items)
			cap *= 2;
		if ((items = ov__reallocarray(dst->items, cap,
		    sizeof(*items))) == NULL)
			return OV_ENOMEM;
		dst->items = items;
		dst->cap = cap;
	}
	if ((grown = ov__reallocarray(dst->adopted, dst->n_adopted + 1 +
	    src->n_adopted, sizeof(*grown))) == NULL)
		return OV_ENOMEM;
	dst->adopted = grown;
	if ((a = ov__malloc(sizeof(*a))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < src->n_items; i++) {
		struct entry *e = src->items[i];

		if (e->tag != 0)
			e->tag += base;
		e->seq = dst->n_items;
		/* a computed fingerprint lives in the entry: re-point it */
		if (e->fp_computed)
			e->f.fingerprint = e->fp;
		dst->items[dst->n_items++] = e;
	}
	*a = src->arena;
	dst->adopted[dst->n_adopted++] = a;
	for (i = 0; i < src->n_adopted; i++)
		dst->adopted[dst->n_adopted++] = src->adopted[i];
	ov__free(src->adopted);
	src->adopted = NULL;
	src->n_adopted = 0;
	ov__arena_init(&src->arena, 0, 0);
	src->n_items = 0;
	return 0;
}

/* See list.h. */
ov_finding *
ov_findings__edit(ov_findings *list, size_t i)
{
	return i < list->n_items ? &list->items[i]->f : NULL;
}

static bool share_str(ov_findings *, const char **, const char *);
static bool share_strv(ov_findings *, const char *const **, size_t *,
    const char *const *, size_t);

/* See list.h. */
int
ov_findings__set_parties(ov_findings *list, size_t i, const char *responsible,
    const char *accountable, const char *const *consulted, size_t n_consulted,
    const char *const *informed, size_t n_informed)
{
	ov_finding *f;

	if (i >= list->n_items)
		return OV_EINVALID;
	f = &list->items[i]->f;
	if (!share_str(list, &f->responsible, responsible) ||
	    !share_str(list, &f->accountable, accountable) ||
	    !share_strv(list, &f->consulted, &f->n_consulted, consulted,
	    n_consulted) ||
	    !share_strv(list, &f->informed, &f->n_informed, informed,
	    n_informed))
		return OV_ENOMEM;
	return 0;
}

/* See list.h. */
void
ov_findings__keep(ov_findings *list, const uint8_t *keep)
{
	size_t i, k = 0;

	for (i = 0; i < list->n_items; i++) {
		if (!keep[i])
			continue;
		list->items[i]->seq = k;
		list->items[k++] = list->items[i];
	}
	list->n_items = k;
}

/* See list.h. */
void
ov_findings__drop(ov_findings *list, const uint8_t *drop, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < list->n_items; i++) {
		struct entry *e = list->items[i];

		if (e->tag != 0 && e->tag <= n && drop[e->tag - 1])
			continue;
		e->seq = k;
		list->items[k++] = e;
	}
	list->n_items = k;
}

/* Write the fingerprint of (rule, case-folded resource id, tenant). */
void
ov_fingerprint(const char *rule, const char *resource_id, const char *tenant,
    char out[33])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE], lower[256];
	unsigned int mdlen = 0;
	EVP_MD_CTX *md_ctx;
	const char *id = resource_id != NULL ? resource_id : "";
	size_t i, n, chunk;
	bool ok;

	md_ctx = EVP_MD_CTX_new();
	ok = md_ctx != NULL &&
	    EVP_DigestInit_ex(md_ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(md_ctx, rule != NULL ? rule : "",
	    rule != NULL ? strlen(rule) + 1 : 1) == 1;
	/* The resource id is folded to lower case in bounded chunks. */
	for (n = strlen(id); ok && n > 0; n -= chunk, id += chunk) {
		chunk = n < sizeof(lower) ? n : sizeof(lower);
		for (i = 0; i < chunk; i++) {
			unsigned char c = (unsigned char)id[i];

			lower[i] = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
		}
		ok = EVP_DigestUpdate(md_ctx, lower, chunk) == 1;
	}
	ok = ok && EVP_DigestUpdate(md_ctx, "", 1) == 1 &&
	    EVP_DigestUpdate(md_ctx, tenant != NULL ? tenant : "",
	    tenant != NULL ? strlen(tenant) : 0) == 1 &&
	    EVP_DigestFinal_ex(md_ctx, md, &mdlen) == 1 && mdlen >= 16;
	EVP_MD_CTX_free(md_ctx);
	if (!ok) {
		/* Only a broken libcrypto gets here; never leave garbage. */
		memset(out, '0', 32);
		out[32] = '\0';
		return;
	}
	for (i = 0; i < 16; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0x0f];
	}
	out[32] = '\0';
}

/* Set the tenant and recompute every derived fingerprint. */
int
ov_findings_set_tenant(ov_findings *list, const char *tenant)
{
	char *copy = NULL;
	size_t i;

	OV_ASSERT_ARG(list != NULL);
	if (tenant != NULL && (copy = ov__strdup(tenant)) == NULL)
		return OV_ENOMEM;
	ov__free(list->tenant);
	list->tenant = copy;
	for (i = 0; i < list->n_items; i++) {
		struct entry *e = list->items[i];

		if (e->fp_computed)
			ov_fingerprint(e->f.rule, e->f.resource_id,
			    list->tenant, e->fp);
	}
	return 0;
}

/* Copy a string into the arena; NULL stays NULL.  Returns false on OOM. */
static bool
copy_str(struct ov_arena *a, const char **dst, const char *src)
{
	if (src == NULL) {
		*dst = NULL;
		return true;
	}
	*dst = ov__arena_strdup(a, src);
	return *dst != NULL;
}

/* The name, pointing into the copied id when it ends it (ARM names do). */
static bool
copy_name(struct ov_arena *a, const char **dst, const char *src,
    const char *id)
{
	size_t n, k;

	if (src != NULL && id != NULL && (n = strlen(src)) <= (k = strlen(id))
	    && n > 0 && strcmp(id + k - n, src) == 0) {
		*dst = id + k - n;
		return true;
	}
	return copy_str(a, dst, src);
}

/*
 * A string many findings repeat, stored once in the list (the arena
 * holds it as long as the list); NULL stays NULL.  False on OOM.
 */
static bool
share_str(ov_findings *l, const char **dst, const char *src)
{
	const char *c;
	bool added;
	void **slot;

	if (src == NULL) {
		*dst = NULL;
		return true;
	}
	if ((c = ov__map_get(&l->shared, src, strlen(src))) == NULL) {
		if ((c = ov__arena_strdup(&l->arena, src)) == NULL ||
		    (slot = ov__map_slot(&l->shared, c, strlen(c),
		    &added)) == NULL)
			return false;
		*slot = (void *)(uintptr_t)c;
	}
	*dst = c;
	return true;
}

/*
 * Store n bytes of p (a string with its NUL, or an array of pointers),
 * reusing a recent identical copy: evidence values and messages, control
 * lists and evidence arrays repeat from finding to finding of one rule.
 * Memory stays bounded: the cache only remembers RECENT_SLOTS copies.
 */
static const void *
recent_copy(ov_findings *l, const void *p, size_t n)
{
	struct recent *r;
	uint64_t h = ov__hash(p, n);
	void *c;

	if (l->recent == NULL && (l->recent = ov__calloc(RECENT_SLOTS,
	    sizeof(*l->recent))) == NULL)
		return NULL;
	r = &l->recent[h & (RECENT_SLOTS - 1)];
	if (r->p != NULL && r->hash == h && r->n == n &&
	    memcmp(r->p, p, n) == 0)
		return r->p;
	if ((c = ov__arena_alloc(&l->arena, n)) == NULL)
		return NULL;
	memcpy(c, p, n);
	r->p = c;
	r->hash = h;
	r->n = n;
	return c;
}

/* A string through the recent cache; NULL stays NULL.  False on OOM. */
static bool
recent_str(ov_findings *l, const char **dst, const char *src)
{
	if (src == NULL) {
		*dst = NULL;
		return true;
	}
	*dst = recent_copy(l, src, strlen(src) + 1);
	return *dst != NULL;
}

/*
 * Store n strings, each shared, as one array through the recent cache (a
 * NULL entry becomes ""); an empty or NULL array gives NULL and 0.  False
 * on OOM.
 */
static bool
share_strv(ov_findings *l, const char *const **dst, size_t *n_dst,
    const char *const *src, size_t n)
{
	const char **v;
	size_t i;
	bool ok = true;

	*dst = NULL;
	*n_dst = 0;
	if (n == 0 || src == NULL)
		return true;
	if ((v = ov__calloc(n, sizeof(*v))) == NULL)
		return false;
	for (i = 0; i < n && ok; i++)
		ok = share_str(l, &v[i], src[i] != NULL ? src[i] : "");
	/* the shared strings make equal lists byte-equal */
	if (ok && (*dst = recent_copy(l, v, n * sizeof(*v))) == NULL)
		ok = false;
	ov__free(v);
	if (ok)
		*n_dst = n;
	return ok;
}

/* Deep-copy f's arrays and strings into e. */
static int
copy_finding(ov_findings *l, struct entry *e, const ov_finding *f)
{
	struct ov_arena *a = &l->arena;
	ov_evidence *ev = NULL;
	size_t i;

	e->f = *f;
	if (!share_str(l, &e->f.rule, f->rule) ||
	    !share_str(l, &e->f.title, f->title) ||
	    !copy_str(a, &e->f.resource_id, f->resource_id) ||
	    !share_str(l, &e->f.resource_type, f->resource_type) ||
	    !copy_name(a, &e->f.resource_name, f->resource_name,
	    e->f.resource_id) ||
	    !share_str(l, &e->f.subscription_id, f->subscription_id) ||
	    !share_str(l, &e->f.resource_group, f->resource_group) ||
	    !share_str(l, &e->f.duty, f->duty) ||
	    !share_str(l, &e->f.remediation, f->remediation) ||
	    !share_str(l, &e->f.accountable, f->accountable) ||
	    !share_str(l, &e->f.source, f->source) ||
	    !share_str(l, &e->f.file, f->file) ||
	    !share_str(l, &e->f.responsible, f->responsible))
		return OV_ENOMEM;
	if (!share_strv(l, &e->f.controls, &e->f.n_controls, f->controls,
	    f->n_controls) ||
	    !share_strv(l, &e->f.consulted, &e->f.n_consulted, f->consulted,
	    f->n_consulted) ||
	    !share_strv(l, &e->f.informed, &e->f.n_informed, f->informed,
	    f->n_informed))
		return OV_ENOMEM;
	e->f.evidence = NULL;
	e->f.n_evidence = 0;
	if (f->n_evidence > 0 && f->evidence != NULL) {
		if ((ev = ov__calloc(f->n_evidence, sizeof(*ev))) == NULL)
			return OV_ENOMEM;
		for (i = 0; i < f->n_evidence; i++) {
			const char *v = f->evidence[i].value;

			/* No producer can leak a secret through evidence:
			 * the value of a secret property is masked here. */
			if ((v != NULL && (v = ov_secret__mask_text(a,
			    f->evidence[i].path, v)) == NULL) ||
			    !share_str(l, &ev[i].path, f->evidence[i].path) ||
			    !recent_str(l, &ev[i].value, v) ||
			    !recent_str(l, &ev[i].message,
			    f->evidence[i].message)) {
				ov__free(ev);
				return OV_ENOMEM;
			}
		}
		e->f.evidence = recent_copy(l, ev, f->n_evidence *
		    sizeof(*ev));
		ov__free(ev);
		if (e->f.evidence == NULL)
			return OV_ENOMEM;
		e->f.n_evidence = f->n_evidence;
	}
	return 0;
}

/* Copy f into the list, computing its fingerprint when absent. */
int
ov_findings_add(ov_findings *list, const ov_finding *f)
{
	struct entry *e;
	int error;

	OV_ASSERT_ARG(list != NULL && f != NULL);
	if (f->rule == NULL || f->title == NULL || f->resource_id == NULL ||
	    (unsigned)f->severity > OV_SEV_CRITICAL ||
	    (unsigned)f->state > OV_STATE_ERROR ||
	    (unsigned)f->layer >= OV_LAYER__COUNT ||
	    (unsigned)f->owner > OV_OWNER_SHARED ||
	    (f->n_controls > 0 && f->controls == NULL) ||
	    (f->n_consulted > 0 && f->consulted == NULL) ||
	    (f->n_informed > 0 && f->informed == NULL) ||
	    (f->n_evidence > 0 && f->evidence == NULL))
		return OV_EINVALID;
	if (list->n_items == list->cap) {
		size_t ncap = list->cap != 0 ? list->cap * 2 : 64;
		struct entry **items;

		items = ov__reallocarray(list->items, ncap, sizeof(*items));
		if (items == NULL)
			return OV_ENOMEM;
		list->items = items;
		list->cap = ncap;
	}
	if ((e = ov__arena_calloc(&list->arena, 1, sizeof(*e))) == NULL)
		return OV_ENOMEM;
	if ((error = copy_finding(list, e, f)) < 0)
		return error;
	if (f->fingerprint != NULL) {
		if (!copy_str(&list->arena, &e->f.fingerprint, f->fingerprint))
			return OV_ENOMEM;
	} else {
		if (!list->defer_fp)
			ov_fingerprint(f->rule, f->resource_id, list->tenant,
			    e->fp);
		e->fp_computed = true;
		e->f.fingerprint = e->fp;
	}
	e->seq = list->n_items;
	list->items[list->n_items++] = e;
	return 0;
}

/* Number of findings held. */
size_t
ov_findings_count(const ov_findings *list)
{
	return list != NULL ? list->n_items : 0;
}

/* Finding i, borrowed from the list. */
const ov_finding *
ov_findings_get(const ov_findings *list, size_t i)
{
	if (list == NULL || i >= list->n_items)
		return NULL;
	return &list->items[i]->f;
}

/* strcmp that orders NULL before every string. */
static int
cmp_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* The report order; insertion order breaks every remaining tie. */
static int
cmp_entry(const void *pa, const void *pb)
{
	const struct entry *a = *(const struct entry *const *)pa;
	const struct entry *b = *(const struct entry *const *)pb;
	const char *epa, *epb;
	int c;

	if (a->f.severity != b->f.severity)
		return a->f.severity > b->f.severity ? -1 : 1;
	if ((c = cmp_str(a->f.rule, b->f.rule)) != 0)
		return c;
	if ((c = ov__strcmp_ci(a->f.resource_id, b->f.resource_id)) != 0)
		return c;
	epa = a->f.n_evidence > 0 ? a->f.evidence[0].path : NULL;
	epb = b->f.n_evidence > 0 ? b->f.evidence[0].path : NULL;
	if ((c = cmp_str(epa, epb)) != 0)
		return c;
	/* Ids equal but for case: bytewise, then insertion order. */
	if ((c = strcmp(a->f.resource_id, b->f.resource_id)) != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Sort into report order; stable through the insertion sequence. */
void
ov_findings_sort(ov_findings *list)
{
	if (list == NULL || list->n_items < 2)
		return;
	qsort(list->items, list->n_items, sizeof(*list->items), cmp_entry);
}

/* Look a name up in a table; case-sensitive, as the names are written. */
static int
parse_name(const char *const *names, size_t n, const char *name,
    size_t first, size_t *out)
{
	size_t i;

	if (name == NULL)
		return OV_EINVALID;
	for (i = first; i < n; i++)
		if (strcmp(names[i], name) == 0) {
			*out = i;
			return 0;
		}
	return OV_EINVALID;
}

/* Name of a severity. */
const char *
ov_severity_name(ov_severity s)
{
	return (unsigned)s < NELEM(severity_names) ? severity_names[s] :
	    "unknown";
}

/* Name of a layer; "unknown" for OV_LAYER_UNKNOWN and out of range. */
const char *
ov_layer_name(ov_layer l)
{
	return (unsigned)l < NELEM(layer_names) ? layer_names[l] : "unknown";
}

/* Name of an owner side. */
const char *
ov_owner_name(ov_owner o)
{
	return (unsigned)o < NELEM(owner_names) ? owner_names[o] : "unknown";
}

/* Name of a result state. */
const char *
ov_state_name(ov_state s)
{
	return (unsigned)s < NELEM(state_names) ? state_names[s] : "unknown";
}

/* Parse a severity name. */
int
ov_severity_parse(const char *name, ov_severity *out)
{
	size_t i;
	int error;

	OV_ASSERT_ARG(out != NULL);
	if ((error = parse_name(severity_names, NELEM(severity_names), name,
	    0, &i)) == 0)
		*out = (ov_severity)i;
	return error;
}

/* Parse a layer name; "unknown" is not accepted. */
int
ov_layer_parse(const char *name, ov_layer *out)
{
	size_t i;
	int error;

	OV_ASSERT_ARG(out != NULL);
	if ((error = parse_name(layer_names, NELEM(layer_names), name, 1,
	    &i)) == 0)
		*out = (ov_layer)i;
	return error;
}

/* Parse an owner name; "unknown" is not accepted. */
int
ov_owner_parse(const char *name, ov_owner *out)
{
	size_t i;
	int error;

	OV_ASSERT_ARG(out != NULL);
	if ((error = parse_name(owner_names, NELEM(owner_names), name, 1,
	    &i)) == 0)
		*out = (ov_owner)i;
	return error;
}

/* Parse a state name. */
int
ov_state_parse(const char *name, ov_state *out)
{
	size_t i;
	int error;

	OV_ASSERT_ARG(out != NULL);
	if ((error = parse_name(state_names, NELEM(state_names), name, 0,
	    &i)) == 0)
		*out = (ov_state)i;
	return error;
}
