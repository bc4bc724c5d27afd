/* SPDX-License-Identifier: MIT */
/*
 * Records, ARM ids and the snapshot index.
 */
#include "lib/model/model.h"

#include <string.h>

#include "util/alloc.h"
#include "util/error.h"

struct seg {
	const char	*p;	/* start of the segment in the id */
	size_t		 n;	/* its length */
};

#define MAX_SEGS 64

static bool
seg_is(const struct seg *s, const char *word)
{
	return ov__eq_ci(s->p, s->n, word, strlen(word));
}

static const char *
seg_dup(struct ov_arena *a, const struct seg *s)
{
	return ov__arena_strndup(a, s->p, s->n);
}

/*
 * Build "ns/t1/t2..." from the segments of one provider block: the
 * namespace at segs[from] and type names at from+1, from+3, ...
 */
static const char *
type_chain(struct ov_arena *a, const struct seg *segs, size_t from,
    size_t to, unsigned *depth)
{
	size_t i, len = segs[from].n;
	char *t, *w;

	for (i = from + 1; i < to; i += 2)
		len += 1 + segs[i].n;
	if ((t = ov__arena_alloc(a, len + 1)) == NULL)
		return NULL;
	w = t;
	memcpy(w, segs[from].p, segs[from].n);
	w += segs[from].n;
	*depth = 0;
	for (i = from + 1; i < to; i += 2) {
		*w++ = '/';
		memcpy(w, segs[i].p, segs[i].n);
		w += segs[i].n;
		(*depth)++;
	}
	*w = '\0';
	return t;
}

/*
 * The segments of an ARM id between slashes, into segs (MAX_SEGS of
 * them); false when id does not start with '/', has more segments, or
 * fewer than two.
 */
static bool
id_segments(const char *id, size_t len, struct seg *segs, size_t *n_out)
{
	const char *p = id, *end = id + len, *slash;
	size_t n = 0;

	if (len == 0 || id[0] != '/')
		return false;
	while (p < end) {
		while (p < end && *p == '/')
			p++;
		if (p >= end)
			break;
		slash = memchr(p, '/', (size_t)(end - p));
		if (slash == NULL)
			slash = end;
		if (n == MAX_SEGS)
			return false;
		segs[n].p = p;
		segs[n].n = (size_t)(slash - p);
		n++;
		p = slash;
	}
	*n_out = n;
	return n >= 2;
}

/*
 * Walk the "/providers/{ns}/{type}/{name}..." blocks of segs from i: a
 * block runs to the next "providers" followed by a namespace (a segment
 * with a dot) at an odd offset and holds type/name pairs.  *last_block
 * receives the index of the last block's namespace; *scope_end the index
 * of the "providers" that starts the last extension block (0 when none),
 * the end of the extended resource's id; *mg (when not NULL) the index of
 * the first management group name (0 when none).  False when a block is
 * malformed.
 */
static bool
provider_blocks(const struct seg *segs, size_t i, size_t n,
    size_t *last_block, size_t *scope_end, size_t *mg)
{
	size_t pstart, j, block_end;
	bool have_type = false;

	*scope_end = 0;
	if (mg != NULL)
		*mg = 0;
	while (i < n) {
		if (!seg_is(&segs[i], "providers") || i + 1 >= n)
			return false;
		pstart = i;
		for (j = i + 2; j < n; j += 2)
			if (seg_is(&segs[j], "providers") && j + 1 < n &&
			    memchr(segs[j + 1].p, '.', segs[j + 1].n) != NULL)
				break;
		block_end = j < n ? j : n;
		if (block_end - (pstart + 2) == 0 ||
		    (block_end - (pstart + 2)) % 2 != 0)
			return false;
		if (have_type)
			*scope_end = pstart;
		*last_block = pstart + 1;
		have_type = true;
		if (mg != NULL && *mg == 0 &&
		    seg_is(&segs[pstart + 1], "Microsoft.Management") &&
		    block_end - pstart >= 4 &&
		    seg_is(&segs[pstart + 2], "managementGroups"))
			*mg = pstart + 3;
		i = block_end;
	}
	return true;
}

/*
 * Parse an ARM id.  The id grammar (AZP-free, from the ARM REST docs):
 *   /subscriptions/{s}[/resourceGroups/{rg}]
 *   /providers/Microsoft.Management/managementGroups/{mg}
 *   {scope}/providers/{ns}/{type}/{name}[/{type}/{name}]*
 * where a later /providers/ block makes an extension resource whose
 * parent is everything before it.
 */
int
ov_model__arm_id_parse(struct ov_arm_id *out, struct ov_arena *a,
    const char *id, size_t len)
{
	struct seg segs[MAX_SEGS];
	size_t n = 0, i = 0, last_block = 0, scope_end = 0, mg = 0;

	memset(out, 0, sizeof(*out));
	if (!id_segments(id, len, segs, &n))
		return OV_EINVALID;
	if (seg_is(&segs[0], "subscriptions")) {
		out->subscription = seg_dup(a, &segs[1]);
		i = 2;
		if (n >= 4 && seg_is(&segs[2], "resourceGroups")) {
			out->resource_group = seg_dup(a, &segs[3]);
			i = 4;
		} else if (n == 3) {
			return OV_EINVALID;
		}
	}
	if (i == n) {
		/* A subscription or resource group id. */
		if (out->resource_group != NULL) {
			out->type =
			    "Microsoft.Resources/subscriptions/resourceGroups";
			out->name = out->resource_group;
			out->parent = ov__arena_strndup(a, id,
			    (size_t)(segs[2].p - id) - 1);
		} else {
			out->type = "Microsoft.Resources/subscriptions";
			out->name = out->subscription;
		}
		out->depth = 1;
		if (out->subscription == NULL || (n >= 4 &&
		    (out->resource_group == NULL || out->parent == NULL)))
			return OV_ENOMEM;
		return 0;
	}
	if ((i >= 2 && out->subscription == NULL) ||
	    (i >= 4 && out->resource_group == NULL))
		return OV_ENOMEM;
	if (!provider_blocks(segs, i, n, &last_block, &scope_end, &mg))
		return OV_EINVALID;
	/* An extension resource: the parent is the scope. */
	if (scope_end != 0 && (out->parent = ov__arena_strndup(a, id,
	    (size_t)(segs[scope_end].p - id) - 1)) == NULL)
		return OV_ENOMEM;
	if (mg != 0 && (out->mgmt_group = seg_dup(a, &segs[mg])) == NULL)
		return OV_ENOMEM;
	out->provider = seg_dup(a, &segs[last_block]);
	out->type = type_chain(a, segs, last_block, n, &out->depth);
	out->name = seg_dup(a, &segs[n - 1]);
	if (out->depth > 1) {
		/* Child resource: drop the last type/name pair. */
		if ((out->parent = ov__arena_strndup(a, id,
		    (size_t)(segs[n - 2].p - id) - 1)) == NULL)
			return OV_ENOMEM;
	}
	if (out->provider == NULL || out->type == NULL || out->name == NULL)
		return OV_ENOMEM;
	return 0;
}

/* Borrow a string member directly from the document (it outlives us). */
static const char *
member_str(const ov_json *obj, const char *key)
{
	const ov_json *v = ov_json_get(obj, key);
	const char *s = ov_json_string(v);

	return s != NULL && *s != '\0' ? s : NULL;
}

/* How much a record says: members of the body and of its properties. */
static uint32_t
richness(const ov_json *body)
{
	size_t n = ov_json_len(body) + ov_json_len(ov_json_get(body,
	    "properties"));

	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/*
 * The ARM id parts a record header needs, without copying: the type
 * chain is looked up in the known-type table, the name and the parent are
 * parts of the id itself.
 */
struct id_parts {
	const char	*subscription;	/* borrowed from a copy, or NULL */
	size_t		 sub_len;
	const char	*rg;
	size_t		 rg_len;
	const char	*name;		/* last segment: a suffix of the id */
	size_t		 parent_len;	/* 0 when no parent */
	const char	*type;		/* canonical type, or NULL */
};

/*
 * Split an ARM id without allocating (ov_model__arm_id_parse copies);
 * the same grammar.  Returns false when id is not an ARM id.
 */
static bool
id_split(const char *id, size_t len, struct id_parts *out)
{
	struct seg segs[MAX_SEGS];
	size_t n = 0, i = 0, j, last_block = 0, scope_end = 0;
	char chain[512];
	size_t cl;

	memset(out, 0, sizeof(*out));
	if (!id_segments(id, len, segs, &n))
		return false;
	if (seg_is(&segs[0], "subscriptions")) {
		out->subscription = segs[1].p;
		out->sub_len = segs[1].n;
		i = 2;
		if (n >= 4 && seg_is(&segs[2], "resourceGroups")) {
			out->rg = segs[3].p;
			out->rg_len = segs[3].n;
			i = 4;
		} else if (n == 3) {
			return false;
		}
	}
	if (i == n) {
		if (out->rg != NULL) {
			out->type =
			    "Microsoft.Resources/subscriptions/resourceGroups";
			out->name = out->rg;
			out->parent_len = (size_t)(segs[2].p - id) - 1;
		} else {
			out->type = "Microsoft.Resources/subscriptions";
			out->name = out->subscription;
		}
		return true;
	}
	if (!provider_blocks(segs, i, n, &last_block, &scope_end, NULL))
		return false;
	if (scope_end != 0)
		out->parent_len = (size_t)(segs[scope_end].p - id) - 1;
	out->name = segs[n - 1].p;
	if (n - last_block > 4)
		out->parent_len = (size_t)(segs[n - 2].p - id) - 1;
	/* the type chain "ns/t1/t2", canonical when known */
	cl = 0;
	for (j = last_block; j < n; j += j == last_block ? 1 : 2) {
		if (cl + segs[j].n + 1 >= sizeof(chain))
			return true;
		if (cl > 0)
			chain[cl++] = '/';
		memcpy(chain + cl, segs[j].p, segs[j].n);
		cl += segs[j].n;
	}
	out->type = ov_model__canonical_type(chain, cl);
	return true;
}

/*
 * Fill a record header from its body.  Strings are borrowed from the
 * document; ARM id parts that are not NUL-terminated in the id (the
 * subscription, the resource group) come from the body or stay NULL
 * here: ov_model__arm_fill() completes them with an arena.
 */
int
ov_model__record_fill(struct ov_record *r, struct ov_place *pl,
    const struct ov_record_init *init, const char **tenant)
{
	const char *id, *type, *canon;

	memset(r, 0, sizeof(*r));
	memset(pl, 0, sizeof(*pl));
	r->place = pl;
	r->body = init->body;
	id = init->id != NULL ? init->id : member_str(init->body, "id");
	if (id == NULL)
		return OV_EINVALID;
	r->id = id;
	type = init->type != NULL ? init->type : member_str(init->body,
	    "type");
	if (type != NULL) {
		canon = ov_model__canonical_type(type, strlen(type));
		r->type = canon != NULL ? canon : type;
	}
	r->name = member_str(init->body, "name");
	if (r->name == NULL)
		r->name = member_str(init->body, "displayName");
	pl->location = member_str(init->body, "location");
	pl->subscription_id = member_str(init->body, "subscriptionId");
	pl->resource_group = member_str(init->body, "resourceGroup");
	*tenant = member_str(init->body, "tenantId");
	r->tags = ov_json_get(init->body, "tags");
	if (ov_json_type_of(r->tags) != OV_JSON_OBJECT)
		r->tags = NULL;
	r->richness = richness(init->body);
	r->file = init->file;
	r->line = init->line;
	r->column = init->column;
	pl->iac = init->iac;
	return 0;
}

/*
 * Complete what the body did not say from the ARM id: type, name,
 * subscription, resource group, the parent's length.  Strings that must
 * be cut out of the id are copied with dup (an arena or an interning
 * table); NULL when memory runs out.
 */
int
ov_model__arm_fill(struct ov_record *r, struct ov_place *pl,
    const char *(*dup)(void *arg, const char *s, size_t n), void *arg)
{
	struct id_parts ip;
	size_t len = strlen(r->id);

	if (!id_split(r->id, len, &ip)) {
		if (r->type == NULL)
			r->type = "unknown";
		return 0;
	}
	if (len <= UINT32_MAX)
		r->parent_len = (uint32_t)ip.parent_len;
	if (r->type == NULL) {
		if (ip.type != NULL)
			r->type = ip.type;
		else if ((r->type = ov_model__arm_type(r->id, len, dup,
		    arg)) == NULL)
			return OV_ENOMEM;
	}
	if (r->name == NULL && ip.name != NULL) {
		/* the last segment ends the id unless a '/' trails it */
		const char *e = memchr(ip.name, '/', len - (size_t)(ip.name -
		    r->id));

		r->name = e == NULL ? ip.name : dup(arg, ip.name,
		    (size_t)(e - ip.name));
		if (r->name == NULL)
			return OV_ENOMEM;
	}
	if (pl->subscription_id == NULL && ip.subscription != NULL &&
	    (pl->subscription_id = dup(arg, ip.subscription,
	    ip.sub_len)) == NULL)
		return OV_ENOMEM;
	if (pl->resource_group == NULL && ip.rg != NULL &&
	    (pl->resource_group = dup(arg, ip.rg, ip.rg_len)) == NULL)
		return OV_ENOMEM;
	return 0;
}

/* The type chain of an ARM id, copied with dup; "unknown" when none. */
const char *
ov_model__arm_type(const char *id, size_t len,
    const char *(*dup)(void *arg, const char *s, size_t n), void *arg)
{
	struct ov_arena tmp;
	struct ov_arm_id aid;
	const char *t = "unknown";

	ov__arena_init(&tmp, 1024, 0);
	if (ov_model__arm_id_parse(&aid, &tmp, id, len) == 0 &&
	    aid.type != NULL)
		t = dup(arg, aid.type, strlen(aid.type));
	ov__arena_free(&tmp);
	return t;
}

static const char *
arena_dup(void *arg, const char *s, size_t n)
{
	return ov__arena_strndup(arg, s, n);
}

/*
 * Without a manifest naming it, the tenant is the one every record that
 * states a tenantId agrees on; records that disagree leave it unknown.
 */
static void
note_tenant(struct ov_snapshot *s, const char *tenant)
{
	if (tenant == NULL || *tenant == '\0' || s->tenant_conflict)
		return;
	if (s->tenant_seen == NULL)
		s->tenant_seen = tenant;
	else if (!ov__streq_ci(s->tenant_seen, tenant))
		s->tenant_conflict = true;
	if (s->tenant_id == NULL || s->tenant_inferred) {
		s->tenant_id = s->tenant_conflict ? NULL : s->tenant_seen;
		s->tenant_inferred = s->tenant_id != NULL;
	}
}

/* ---- the id index ------------------------------------------------------- */

static bool
id_grow(struct ov_snapshot *s)
{
	struct ov_id_slot *slots, *old = s->by_id;
	size_t cap = s->by_id_cap != 0 ? s->by_id_cap * 2 : 1024, i, j;

	if ((slots = ov__calloc(cap, sizeof(*slots))) == NULL)
		return false;
	for (i = 0; i < s->by_id_cap; i++) {
		if (old[i].rec == 0)
			continue;
		/* the slot keeps 32 bits of the hash: rehash from the id */
		j = ov__hash_ci(s->records[old[i].rec - 1]->id,
		    strlen(s->records[old[i].rec - 1]->id)) & (cap - 1);
		while (slots[j].rec != 0)
			j = (j + 1) & (cap - 1);
		slots[j] = old[i];
	}
	ov__free(old);
	s->by_id = slots;
	s->by_id_cap = cap;
	return true;
}

/* The slot of id (len bytes): the record's, or the empty one it takes. */
static struct ov_id_slot *
id_find(const struct ov_snapshot *s, const char *id, size_t len)
{
	uint64_t h = ov__hash_ci(id, len);
	size_t j = h & (s->by_id_cap - 1);

	for (;;) {
		struct ov_id_slot *sl = &s->by_id[j];
		const char *rid;

		ov__work.probes++;
		if (sl->rec == 0)
			return sl;
		rid = s->records[sl->rec - 1]->id;
		if (sl->hash == (uint32_t)h && ov__eq_ci(rid, strlen(rid), id,
		    len))
			return sl;
		j = (j + 1) & (s->by_id_cap - 1);
	}
}

/* The record filed under id[0..len), or NULL. */
static const struct ov_record *
id_get(const struct ov_snapshot *s, const char *id, size_t len)
{
	const struct ov_id_slot *sl;

	if (s->by_id_cap == 0)
		return NULL;
	sl = id_find(s, id, len);
	return sl->rec != 0 ? s->records[sl->rec - 1] : NULL;
}

/*
 * A record expanded from a template or a plan: each template and plan is
 * a deployment of its own, so it is filed by "<file>|<id>" (the same id in
 * two files is two resources, twice in one file, a loop whose names are
 * known only at deployment, is one: the later one loses).
 */
static int
append_iac(struct ov_snapshot *s, struct ov_record *r,
    const struct ov_record **loser)
{
	struct ov_iac_src *src = (struct ov_iac_src *)(uintptr_t)r->place->iac;

	if (src->key == NULL && (src->key = ov__arena_printf(&s->arena,
	    "%u|%s", (unsigned)r->file, r->id)) == NULL)
		return ov__error_oom(s->ctx);
	s->n_iac_records++;
	if (ov__map_get(&s->iac_ids, src->key, strlen(src->key)) != NULL) {
		if (loser != NULL)
			*loser = r;
		return 0;
	}
	if (ov__map_put(&s->iac_ids, src->key, strlen(src->key), r) < 0)
		return ov__error_oom(s->ctx);
	return 0;
}

/* Append a filled record and file it by id; see model.h. */
int
ov_model__append(struct ov_snapshot *s, struct ov_record *r,
    const char *tenant, const struct ov_record **loser)
{
	struct ov_record **grown;
	const struct ov_record *seen;
	struct ov_id_slot *sl;
	size_t cap, len = strlen(r->id);
	int error;

	if (loser != NULL)
		*loser = NULL;
	if (s->n_records == s->records_cap) {
		cap = s->records_cap != 0 ? s->records_cap * 2 : 1024;
		grown = ov__reallocarray(s->records, cap, sizeof(*grown));
		if (grown == NULL)
			return ov__error_oom(s->ctx);
		s->records = grown;
		s->records_cap = cap;
	}
	if (s->n_records >= UINT32_MAX - 1)
		return ov__error(s->ctx, OV_ELIMIT, OV_ERRCLASS_INPUT,
		    "more than %u records", UINT32_MAX - 2);
	if ((s->by_id_len + 1) * 4 > s->by_id_cap * 3 && !id_grow(s))
		return ov__error_oom(s->ctx);
	r->index = (uint32_t)s->n_records;
	s->records[s->n_records++] = r;
	/*
	 * One record per id: the same resource read twice (a list item and
	 * its GET, or two exports) must not be evaluated twice.  The richer
	 * body wins, since list calls often omit what a GET returns; on a
	 * tie the first one read.
	 */
	if (r->place->iac != NULL && (error = append_iac(s, r, loser)) < 0)
		return error;
	sl = id_find(s, r->id, len);
	if (sl->rec == 0) {
		sl->rec = r->index + 1;
		sl->hash = (uint32_t)ov__hash_ci(r->id, len);
		s->by_id_len++;
	} else if (r->place->iac != NULL) {
		/* the id looks up the first template record, or a live one */
	} else if ((seen = s->records[sl->rec - 1])->place->iac != NULL) {
		sl->rec = r->index + 1;	/* the template's stays its own */
	} else {
		s->n_dups++;
		if (r->richness > seen->richness) {
			sl->rec = r->index + 1;
			if (loser != NULL)
				*loser = seen;
		} else if (loser != NULL) {
			*loser = r;
		}
	}
	if (r->file < s->n_files)
		s->files[r->file].n_records++;
	note_tenant(s, tenant);
	s->indexed = false;
	return 0;
}

/*
 * Add a record to the snapshot.  The body must stay alive as long as the
 * snapshot (the snapshot owns the documents it parsed).
 */
int
ov_model__add_record(struct ov_snapshot *s, const struct ov_record_init *init,
    struct ov_record **out)
{
	struct ov_record *r;
	struct ov_place *pl;
	const char *tenant;
	int error;

	OV_ASSERT_ARG(s != NULL && init != NULL && init->body != NULL);
	if ((r = ov__arena_alloc(&s->arena, sizeof(*r))) == NULL)
		return ov__error_oom(s->ctx);
	if ((pl = ov__arena_alloc(&s->arena, sizeof(*pl))) == NULL)
		return ov__error_oom(s->ctx);
	if (ov_model__record_fill(r, pl, init, &tenant) < 0)
		return ov__error(s->ctx, OV_EINVALID, OV_ERRCLASS_INPUT,
		    "record has no id");
	if (ov_model__arm_fill(r, pl, arena_dup, &s->arena) < 0)
		return ov__error_oom(s->ctx);
	if ((error = ov_model__append(s, r, tenant, NULL)) < 0)
		return error;
	if (out != NULL)
		*out = r;
	return 0;
}

/* True when r is the copy of its id the index keeps. */
bool
ov_model__is_winner(const struct ov_snapshot *s, const struct ov_record *r)
{
	if (r->place->iac != NULL)
		return ov__map_get(&s->iac_ids, r->place->iac->key,
		    strlen(r->place->iac->key)) == r;
	return s->n_dups == 0 || id_get(s, r->id, strlen(r->id)) == r;
}

/* The record its id stands for; see model.h. */
bool
ov_model__is_primary(const struct ov_snapshot *s, const struct ov_record *r)
{
	return ov_model__is_winner(s, r);
}

static void
index_free(struct ov_record_index *x)
{
	ov__groups_free(&x->g);
	ov__free(x->lists);
	x->lists = NULL;
}

/* Records of one type by subscription and resource group (lazy). */
struct ov_scoped {
	struct ov_record_index	 by_sub;	/* subscription ("" none) */
	struct ov_record_index	 by_rg;		/* "sub\nrg" */
	struct ov_record_index	 by_rg_any;	/* rg, any subscription */
	struct ov_record_index	 by_parent;	/* parent id */
};

static void
free_scoped(struct ov_snapshot *s)
{
	size_t i;

	for (i = 0; i < s->scoped.cap; i++) {
		struct ov_scoped *x = s->scoped.slots[i].value;

		if (s->scoped.slots[i].key == NULL || x == NULL)
			continue;
		index_free(&x->by_sub);
		index_free(&x->by_rg);
		index_free(&x->by_rg_any);
		index_free(&x->by_parent);
	}
	ov__map_free(&s->scoped);
}

static void
free_indexes(struct ov_snapshot *s)
{
	index_free(&s->by_type);
	index_free(&s->children);
	s->children_built = false;
	free_scoped(s);
	ov__arena_free(&s->key_arena);
}

/* The key a record files under in an index; NULL: not filed. */
typedef const char *(*key_fn)(struct ov_snapshot *s, const struct ov_record *r,
    size_t *len, bool *oom);

/* Build a grouped index over recs (winners only), by counting first. */
static int
index_build(struct ov_snapshot *s, struct ov_record_index *x,
    const struct ov_record *const *recs, size_t n, key_fn key)
{
	uint32_t *gid = NULL;
	const char *k;
	size_t i, len;
	bool oom = false;
	int error = OV_ENOMEM;

	if (n > 0 && (gid = ov__calloc(n, sizeof(*gid))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < n; i++) {
		gid[i] = UINT32_MAX;
		if (!ov_model__is_winner(s, recs[i]))
			continue;
		if ((k = key(s, recs[i], &len, &oom)) == NULL) {
			if (oom)
				goto done;
			continue;
		}
		if (ov__groups_count(&x->g, k, len, &gid[i]) < 0)
			goto done;
	}
	if (ov__groups_layout(&x->g) < 0)
		goto done;
	for (i = 0; i < n; i++)
		if (gid[i] != UINT32_MAX)
			ov__groups_add(&x->g, gid[i],
			    (void *)(uintptr_t)recs[i]);
	if (x->g.n_groups > 0 && (x->lists = ov__calloc(x->g.n_groups,
	    sizeof(*x->lists))) == NULL)
		goto done;
	for (i = 0; i < x->g.n_groups; i++) {
		x->lists[i].items = (const struct ov_record **)(uintptr_t)
		    x->g.groups[i].items;
		x->lists[i].len = x->g.groups[i].len;
		x->lists[i].cap = x->g.groups[i].len;
	}
	error = 0;
done:
	ov__free(gid);
	return error;
}

static const char *
key_type(struct ov_snapshot *s, const struct ov_record *r, size_t *len,
    bool *oom)
{
	(void)s;
	(void)oom;
	*len = strlen(r->type);
	return r->type;
}

static const char *
key_parent(struct ov_snapshot *s, const struct ov_record *r, size_t *len,
    bool *oom)
{
	(void)s;
	(void)oom;
	*len = r->parent_len;
	return r->parent_len != 0 ? r->id : NULL;
}

#define KEY_MAX 1024	/* composite keys longer than this are not filed */

/* Write "a\nb" into buf (b NULL: a alone); its length, 0 when too long. */
static size_t
ckey(char *buf, const char *a, const char *b)
{
	size_t la = a != NULL ? strlen(a) : 0, lb = b != NULL ? strlen(b) : 0;
	size_t n = b != NULL ? la + 1 + lb : la;

	if (n >= KEY_MAX)
		return 0;
	if (la > 0)
		memcpy(buf, a, la);
	if (b != NULL) {
		buf[la] = '\n';
		memcpy(buf + la + 1, b, lb);
	}
	buf[n] = '\0';
	return n;
}

/*
 * A composite key in the key arena, one copy per distinct key (the map
 * seen finds them); NULL when too long (*oom false) or out of memory.
 */
static const char *
composite(struct ov_snapshot *s, struct ov_map *seen, const char *a,
    const char *b, size_t *len, bool *oom)
{
	char buf[KEY_MAX];
	const char *key;
	bool added;
	void **slot;

	if ((*len = ckey(buf, a, b)) == 0 && (a == NULL || *a != '\0'))
		return NULL;
	if ((key = ov__map_get(seen, buf, *len)) != NULL)
		return key;
	if ((key = ov__arena_strndup(&s->key_arena, buf, *len)) == NULL ||
	    (slot = ov__map_slot(seen, key, *len, &added)) == NULL) {
		*oom = true;
		return NULL;
	}
	*slot = (void *)(uintptr_t)key;
	return key;
}

/* Group the records of l by their keys (NULL: not filed). */
static int
scoped_build(struct ov_record_index *x, const struct ov_record_list *l,
    const char *const *keys, const size_t *lens)
{
	uint32_t *gid = NULL;
	size_t i;
	int error = OV_ENOMEM;

	if (l->len > 0 && (gid = ov__calloc(l->len, sizeof(*gid))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < l->len; i++)
		if (keys[i] != NULL && ov__groups_count(&x->g, keys[i], lens[i],
		    &gid[i]) < 0)
			goto done;
	if (ov__groups_layout(&x->g) < 0)
		goto done;
	for (i = 0; i < l->len; i++)
		if (keys[i] != NULL)
			ov__groups_add(&x->g, gid[i],
			    (void *)(uintptr_t)l->items[i]);
	if (x->g.n_groups > 0 && (x->lists = ov__calloc(x->g.n_groups,
	    sizeof(*x->lists))) == NULL)
		goto done;
	for (i = 0; i < x->g.n_groups; i++) {
		x->lists[i].items = (const struct ov_record **)(uintptr_t)
		    x->g.groups[i].items;
		x->lists[i].len = x->lists[i].cap = x->g.groups[i].len;
	}
	error = 0;
done:
	ov__free(gid);
	return error;
}

/* The keys of one scoped index, per record of the type. */
struct scoped_keys {
	const char	**k[4];		/* sub, "sub\nrg", rg, parent */
	size_t		 *n[4];
};

/*
 * The per-type index by subscription and resource group, built on its
 * first look-up from the type's records: linear in them, once.  The
 * scan's stages run on one thread after loading, so this cache is filled
 * by one thread.
 */
static struct ov_scoped *
scoped(const struct ov_snapshot *cs, const char *type)
{
	struct ov_snapshot *s = (struct ov_snapshot *)(uintptr_t)cs;
	const struct ov_record_list *l;
	struct ov_map seen = OV_MAP_INIT_CS;
	struct scoped_keys sk;
	struct ov_scoped *x;
	const char *sub, *key;
	bool added, oom = false;
	void **slot;
	size_t i, j;

	if ((x = ov__map_get(&s->scoped, type, strlen(type))) != NULL)
		return x;
	l = ov_model__by_type(s, type);
	memset(&sk, 0, sizeof(sk));
	if ((x = ov__arena_calloc(&s->key_arena, 1, sizeof(*x))) == NULL ||
	    (key = ov__arena_strdup(&s->key_arena, type)) == NULL)
		return NULL;
	for (j = 0; j < 4 && l->len > 0; j++)
		if ((sk.k[j] = ov__calloc(l->len, sizeof(*sk.k[j]))) == NULL ||
		    (sk.n[j] = ov__calloc(l->len, sizeof(*sk.n[j]))) == NULL)
			oom = true;
	for (i = 0; !oom && i < l->len; i++) {
		const struct ov_record *r = l->items[i];

		if (r->parent_len != 0) {
			sk.k[3][i] = r->id;
			sk.n[3][i] = r->parent_len;
		}
		sub = r->place->subscription_id != NULL ?
		    r->place->subscription_id : "";
		sk.k[0][i] = composite(s, &seen, sub, NULL, &sk.n[0][i], &oom);
		if (r->place->resource_group == NULL || oom)
			continue;
		sk.k[1][i] = composite(s, &seen, sub, r->place->resource_group,
		    &sk.n[1][i], &oom);
		sk.k[2][i] = composite(s, &seen, r->place->resource_group, NULL,
		    &sk.n[2][i], &oom);
	}
	if (!oom)
		oom = scoped_build(&x->by_sub, l, sk.k[0], sk.n[0]) < 0 ||
		    scoped_build(&x->by_rg, l, sk.k[1], sk.n[1]) < 0 ||
		    scoped_build(&x->by_rg_any, l, sk.k[2], sk.n[2]) < 0 ||
		    scoped_build(&x->by_parent, l, sk.k[3], sk.n[3]) < 0;
	for (j = 0; j < 4; j++) {
		ov__free(sk.k[j]);
		ov__free(sk.n[j]);
	}
	ov__map_free(&seen);
	if (oom || (slot = ov__map_slot(&s->scoped, key, strlen(key),
	    &added)) == NULL) {
		index_free(&x->by_sub);
		index_free(&x->by_rg);
		index_free(&x->by_rg_any);
		index_free(&x->by_parent);
		return NULL;
	}
	*slot = x;
	return x;
}

/*
 * Build the indexes once, after loading: by type and by parent id, each a
 * counting pass and a filling pass over the records: linear in the
 * snapshot, O(1) per look-up.  Only the copy of a duplicated id the id
 * index keeps is filed.
 */
int
ov_model__index(struct ov_snapshot *s)
{
	const struct ov_record *const *recs =
	    (const struct ov_record *const *)(uintptr_t)s->records;
	size_t i, j;

	if (s->indexed)
		return 0;
	/* loading is over: give back what the doubling left unused */
	if (s->records_cap - s->n_records > s->n_records / 16 &&
	    s->n_records > 0) {
		struct ov_record **fit = ov__reallocarray(s->records,
		    s->n_records, sizeof(*fit));

		if (fit != NULL) {
			s->records = fit;
			s->records_cap = s->n_records;
			recs = (const struct ov_record *const *)(uintptr_t)fit;
		}
	}
	free_indexes(s);
	ov__arena_init(&s->key_arena, 0, 0);
	if (index_build(s, &s->by_type, recs, s->n_records, key_type) < 0) {
		free_indexes(s);
		return ov__error_oom(s->ctx);
	}
	/* a type some record of which has a location */
	for (i = 0; i < s->by_type.g.n_groups; i++) {
		struct ov_record_list *l = &s->by_type.lists[i];

		for (j = 0; j < l->len && !l->located; j++)
			l->located = l->items[j]->place->location != NULL &&
			    l->items[j]->place->location[0] != '\0';
	}
	s->indexed = true;
	return 0;
}

/* The index of every record by parent id, built on its first use. */
static const struct ov_record_index *
children(const struct ov_snapshot *cs)
{
	struct ov_snapshot *s = (struct ov_snapshot *)(uintptr_t)cs;

	if (!s->children_built) {
		if (index_build(s, &s->children,
		    (const struct ov_record *const *)(uintptr_t)s->records,
		    s->n_records, key_parent) < 0) {
			index_free(&s->children);
			return NULL;
		}
		s->children_built = true;
	}
	return &s->children;
}

static const struct ov_record_list empty_list = { NULL, 0, 0, false };

/*
 * The indexes are a cache over records the pipeline never changes: a
 * look-up on a snapshot loaded since they were built builds them (once;
 * the scan pipeline builds them before any thread reads them).
 */
static bool
ensure_indexed(const struct ov_snapshot *s)
{
	return s->indexed || ov_model__index((struct ov_snapshot *)
	    (uintptr_t)s) == 0;
}

/* The list of one key in a grouped index; empty when none. */
static const struct ov_record_list *
index_get(const struct ov_record_index *x, const char *key, size_t klen)
{
	long v = ov__groups_find(&x->g, key, klen);

	return v >= 0 && x->lists != NULL ? &x->lists[v] : &empty_list;
}

/* The record with this id (case-insensitive), or NULL. */
const struct ov_record *
ov_model__by_id(const struct ov_snapshot *s, const char *id)
{
	if (s == NULL || id == NULL)
		return NULL;
	return id_get(s, id, strlen(id));
}

/* The records of one type; an empty list when there are none. */
const struct ov_record_list *
ov_model__by_type(const struct ov_snapshot *s, const char *type)
{
	if (s == NULL || type == NULL || !ensure_indexed(s))
		return &empty_list;
	return index_get(&s->by_type, type, strlen(type));
}

/* The records whose ARM parent is parent_id; empty when none. */
const struct ov_record_list *
ov_model__children(const struct ov_snapshot *s, const char *parent_id)
{
	const struct ov_record_index *x;

	if (s == NULL || parent_id == NULL || !ensure_indexed(s) ||
	    (x = children(s)) == NULL)
		return &empty_list;
	return index_get(x, parent_id, strlen(parent_id));
}

/* As ov_model__children, with a length. */
const struct ov_record_list *
ov_model__children_n(const struct ov_snapshot *s, const char *parent_id,
    size_t len)
{
	const struct ov_record_index *x;

	if (s == NULL || parent_id == NULL || !ensure_indexed(s) ||
	    (x = children(s)) == NULL)
		return &empty_list;
	return index_get(x, parent_id, len);
}

/* A scoped list of type under key "a[\nb]"; empty when none. */
static const struct ov_record_list *
scoped_get(const struct ov_snapshot *s, const char *type, int which,
    const char *a, const char *b)
{
	const struct ov_scoped *x;
	char buf[KEY_MAX];
	size_t n;

	if (s == NULL || type == NULL || !ensure_indexed(s) ||
	    (x = scoped(s, type)) == NULL)
		return &empty_list;
	if ((n = ckey(buf, a, b)) == 0 && (a == NULL || *a != '\0'))
		return &empty_list;
	return index_get(which == 0 ? &x->by_sub : which == 1 ? &x->by_rg :
	    &x->by_rg_any, buf, n);
}

/* Records of type whose ARM parent is parent_id. */
const struct ov_record_list *
ov_model__children_of(const struct ov_snapshot *s, const char *parent_id,
    const char *type)
{
	const struct ov_scoped *x;

	if (s == NULL || parent_id == NULL || type == NULL ||
	    !ensure_indexed(s) || (x = scoped(s, type)) == NULL)
		return &empty_list;
	return index_get(&x->by_parent, parent_id, strlen(parent_id));
}

/* Records of type in subscription sub. */
const struct ov_record_list *
ov_model__by_type_sub(const struct ov_snapshot *s, const char *type,
    const char *sub)
{
	return scoped_get(s, type, 0, sub != NULL ? sub : "", NULL);
}

/* Records of type in resource group rg of subscription sub. */
const struct ov_record_list *
ov_model__by_type_rg(const struct ov_snapshot *s, const char *type,
    const char *sub, const char *rg)
{
	if (rg == NULL)
		return &empty_list;
	return scoped_get(s, type, 1, sub != NULL ? sub : "", rg);
}

/* Records of type in a resource group named rg, any subscription. */
const struct ov_record_list *
ov_model__by_type_rg_any(const struct ov_snapshot *s, const char *type,
    const char *rg)
{
	if (rg == NULL)
		return &empty_list;
	return scoped_get(s, type, 2, rg, NULL);
}

/* The parent record, through the id index. */
const struct ov_record *
ov_model__parent(const struct ov_snapshot *s, const struct ov_record *r)
{
	if (s == NULL || r == NULL || r->parent_len == 0)
		return NULL;
	return id_get(s, r->id, r->parent_len);
}

/* True when r's ARM parent id is id. */
bool
ov_model__parent_is(const struct ov_record *r, const char *id)
{
	return r != NULL && id != NULL && r->parent_len != 0 &&
	    ov__eq_ci(r->id, r->parent_len, id, strlen(id));
}

/*
 * The Graph object id of a record: its body's id, else the part of its
 * synthetic id after "/providers/<type>/" (a streamed body may not keep
 * the id member); NULL when it has none.
 */
const char *
ov_model__object_id(const struct ov_record *r)
{
	const char *oid = ov_json_string(ov_json_get(r->body, "id"));
	size_t n = strlen("/providers/") + strlen(r->type);

	if (oid != NULL)
		return oid;
	if (ov__startswith_ci(r->id, "/providers/") &&
	    strlen(r->id) > n + 1 && ov__eq_ci(r->id + 11, n - 11, r->type,
	    n - 11) && r->id[n] == '/')
		return r->id + n + 1;
	return NULL;
}

/*
 * A Graph record by object id, or NULL: of the Graph types present, the
 * record filed under "/providers/<type>/<object id>" in the id index, the
 * first loaded when several types hold the id (a user and its
 * registration details).  The cost follows the number of types, not of
 * records; no index of its own.
 */
const struct ov_record *
ov_model__graph_object(const struct ov_snapshot *s, const char *oid)
{
	const struct ov_record *best = NULL, *r;
	const char *k;
	char id[640];
	size_t i;
	int n;

	if (s == NULL || oid == NULL || !ensure_indexed(s))
		return NULL;
	for (i = 0; i < s->by_type.g.n_groups; i++) {
		const struct ov_record_list *l = &s->by_type.lists[i];
		const char *type = l->len > 0 ? l->items[0]->type : NULL;

		if (type == NULL || !ov__startswith_ci(type, "Microsoft.Graph/"))
			continue;
		n = snprintf(id, sizeof(id), "/providers/%s/%s", type, oid);
		if (n < 0 || (size_t)n >= sizeof(id) ||
		    (r = id_get(s, id, (size_t)n)) == NULL ||
		    !ov__startswith_ci(r->type, "Microsoft.Graph/") ||
		    (k = ov_model__object_id(r)) == NULL ||
		    !ov__streq_ci(k, oid))
			continue;
		if (best == NULL || r->index < best->index)
			best = r;
	}
	return best;
}

/* The manifest status of a source, or NULL. */
const char *
ov_model__source_status(const struct ov_snapshot *s, const char *source)
{
	size_t i;

	if (s == NULL || !s->has_manifest)
		return NULL;
	for (i = 0; i < s->n_sources; i++)
		if (ov__streq_ci(s->sources[i].name, source))
			return s->sources[i].status;
	return NULL;
}

/* Which manifest sources carry a type.  Order matters: first match wins. */
static const struct {
	const char	*prefix;	/* type or type prefix (ends in '/') */
	const char	*source;	/* manifest source name */
} type_sources[] = {
	{ "Microsoft.Graph/users", "graph:users" },
	{ "Microsoft.Graph/groups", "graph:groups" },
	{ "Microsoft.Graph/servicePrincipals", "graph:servicePrincipals" },
	{ "Microsoft.Graph/applications", "graph:applications" },
	{ "Microsoft.Graph/conditionalAccessPolicies",
	    "graph:conditionalAccessPolicies" },
	{ "Microsoft.Graph/userRegistrationDetails",
	    "graph:userRegistrationDetails" },
	{ "Microsoft.Graph/roleAssignments", "graph:roleAssignments" },
	{ "Microsoft.Graph/directoryRoles", "graph:directoryRoles" },
	{ "Microsoft.Graph/roleDefinitions", "graph:roleDefinitions" },
	{ "Microsoft.Graph/roleEligibilitySchedules",
	    "graph:roleEligibilitySchedules" },
	{ "Microsoft.Graph/namedLocations", "graph:namedLocations" },
	{ "Microsoft.Graph/authorizationPolicy", "graph:authorizationPolicy" },
	{ "Microsoft.Graph/identitySecurityDefaultsEnforcementPolicy",
	    "graph:securityDefaults" },
	{ "Microsoft.Graph/organization", "graph:organization" },
	{ "Microsoft.Resources/subscriptions", "arg:resourcecontainers" },
	{ "Microsoft.Graph/signIns", "graph:signIns" },
	{ "Microsoft.Graph/directoryAudits", "graph:directoryAudits" },
	{ "Microsoft.Compute/virtualMachines/patchAssessmentResults",
	    "arg:patchassessmentresources" },
	{ "Microsoft.HybridCompute/machines/patchAssessmentResults",
	    "arg:patchassessmentresources" },
	{ "Microsoft.Compute/virtualMachines/patchInstallationResults",
	    "arg:patchinstallationresources" },
	{ "Microsoft.RecoveryServices/vaults/backupFabrics",
	    "arg:recoveryservicesresources" },
	{ "Microsoft.RecoveryServices/vaults/backupJobs",
	    "arg:recoveryservicesresources" },
	{ "Microsoft.RecoveryServices/vaults/backupPolicies",
	    "arg:recoveryservicesresources" },
	{ "Microsoft.DataProtection/backupVaults/", "arg:recoveryservicesresources" },
	{ "Microsoft.Security/securityContacts", "arm:securityContacts" },
	{ "Microsoft.Security/", "arg:securityresources" },
	{ "Microsoft.Authorization/roleAssignments", "arg:authorizationresources" },
	{ "Microsoft.Authorization/roleDefinitions", "arg:authorizationresources" },
	{ "Microsoft.Authorization/policy", "arg:policyresources" },
	{ "Microsoft.PolicyInsights/", "arg:policyresources" },
	{ "Microsoft.Maintenance/", "arg:maintenanceresources" },
	{ "Microsoft.KubernetesConfiguration/",
	    "arg:kubernetesconfigurationresources" },
	{ "Microsoft.Insights/diagnosticSettings", "arm:diagnosticSettings" },
	{ "Microsoft.Graph/", NULL },
	{ "", "arg:resources" },
};

/* The manifest source that would carry records of type (prefix match). */
static const char *
source_for_type(const char *type)
{
	size_t i, n, tlen = strlen(type);

	for (i = 0; i < sizeof(type_sources) / sizeof(type_sources[0]); i++) {
		n = strlen(type_sources[i].prefix);
		if (tlen >= n && ov__eq_ci(type, n, type_sources[i].prefix, n))
			return type_sources[i].source;
	}
	return NULL;
}

/*
 * An ARM child type ("Microsoft.Sql/servers/vulnerabilityAssessments"):
 * Resource Graph's resources table carries few of them, so a complete
 * arg:resources says nothing about whether they were read; the source that
 * reads them from ARM (arm:resources) does.
 */
static bool
child_type(const char *type)
{
	const char *slash = strchr(type, '/');

	return slash != NULL && strchr(slash + 1, '/') != NULL;
}

/*
 * Whether records of type were collected.  With a manifest, the source
 * that carries the type decides (collected or partial counts as collected;
 * for an ARM child type that is arm:resources, not arg:resources; a type
 * the manifest does not cover counts as collected when records of it are
 * present).  Without one, presence of records decides.
 */
bool
ov_model__type_collected(const struct ov_snapshot *s, const char *type)
{
	const char *src, *status;

	if (s == NULL || type == NULL)
		return false;
	if (s->has_manifest && (src = source_for_type(type)) != NULL &&
	    strcmp(src, "arg:resources") == 0 && child_type(type))
		src = "arm:resources";
	if (s->has_manifest && src != NULL &&
	    (status = ov_model__source_status(s, src)) != NULL)
		return ov__streq_ci(status, "collected") ||
		    ov__streq_ci(status, "partial");
	return ov_model__by_type(s, type)->len != 0;
}

/* True when name is a source some type maps to (source_for_type). */
bool
ov_model__source_known(const char *name)
{
	size_t i;

	for (i = 0; name != NULL &&
	    i < sizeof(type_sources) / sizeof(type_sources[0]); i++)
		if (type_sources[i].source != NULL &&
		    ov__streq_ci(type_sources[i].source, name))
			return true;
	return false;
}

/* The manifest source name for a type, for the store's completeness rule. */
const char *
ov_model__type_source(const char *type)
{
	return type != NULL ? source_for_type(type) : NULL;
}

/* A field of the record body by dotted path. */
const ov_json *
ov_model__field(const struct ov_record *r, const char *path)
{
	if (r == NULL || path == NULL)
		return NULL;
	return ov_json_path(r->body, path);
}

/* A string field by dotted path, or NULL. */
const char *
ov_model__str(const struct ov_record *r, const char *path)
{
	return ov_json_string(ov_model__field(r, path));
}

/* A tag value (case-insensitive tag name), or NULL. */
const char *
ov_model__tag(const struct ov_record *r, const char *name)
{
	if (r == NULL || r->tags == NULL)
		return NULL;
	return ov_json_string(ov_json_get(r->tags, name));
}

/* Release the indexes (snapshot.c frees the rest). */
void
ov_model__free_indexes(struct ov_snapshot *s)
{
	free_indexes(s);
	ov__free(s->by_id);
	s->by_id = NULL;
	s->by_id_cap = s->by_id_len = 0;
}
