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
	size_t n = 0, i = 0, pstart, j, block_end;
	const char *p = id, *end = id + len, *slash;
	const struct seg *last_ns = NULL;
	size_t last_block = 0;
	bool have_type = false;

	memset(out, 0, sizeof(*out));
	if (len == 0 || id[0] != '/')
		return OV_EINVALID;
	while (p < end) {
		while (p < end && *p == '/')
			p++;
		if (p >= end)
			break;
		slash = memchr(p, '/', (size_t)(end - p));
		if (slash == NULL)
			slash = end;
		if (n == MAX_SEGS)
			return OV_EINVALID;
		segs[n].p = p;
		segs[n].n = (size_t)(slash - p);
		n++;
		p = slash;
	}
	if (n < 2)
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
		return 0;
	}
	while (i < n) {
		if (!seg_is(&segs[i], "providers") || i + 1 >= n)
			return OV_EINVALID;
		pstart = i;
		/* The block runs to the next "providers" at an odd offset. */
		for (j = i + 2; j < n; j += 2)
			if (seg_is(&segs[j], "providers") && j + 1 < n &&
			    memchr(segs[j + 1].p, '.', segs[j + 1].n) != NULL)
				break;
		block_end = j < n ? j : n;
		if (block_end - (pstart + 2) == 0 ||
		    (block_end - (pstart + 2)) % 2 != 0)
			return OV_EINVALID;
		if (have_type) {
			/* An extension resource: the parent is the scope. */
			out->parent = ov__arena_strndup(a, id,
			    (size_t)(segs[pstart].p - id) - 1);
		}
		last_ns = &segs[pstart + 1];
		last_block = pstart + 1;
		have_type = true;
		if (seg_is(last_ns, "Microsoft.Management") &&
		    block_end - pstart >= 4 &&
		    seg_is(&segs[pstart + 2], "managementGroups") &&
		    out->mgmt_group == NULL)
			out->mgmt_group = seg_dup(a, &segs[pstart + 3]);
		i = block_end;
	}
	(void)last_ns;
	out->provider = seg_dup(a, &segs[last_block]);
	out->type = type_chain(a, segs, last_block, n, &out->depth);
	out->name = seg_dup(a, &segs[n - 1]);
	if (out->depth > 1) {
		/* Child resource: drop the last type/name pair. */
		out->parent = ov__arena_strndup(a, id,
		    (size_t)(segs[n - 2].p - id) - 1);
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
	size_t n = 0, i = 0, pstart, j, block_end, last_block = 0;
	const char *p = id, *end = id + len, *slash;
	bool have_type = false;
	char chain[512];
	size_t cl;

	memset(out, 0, sizeof(*out));
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
	if (n < 2)
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
			out->parent_len = (size_t)(segs[pstart].p - id) - 1;
		last_block = pstart + 1;
		have_type = true;
		i = block_end;
	}
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
ov_model__record_fill(struct ov_record *r, const struct ov_record_init *init,
    const char **tenant)
{
	const char *id, *type, *canon;

	memset(r, 0, sizeof(*r));
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
	r->location = member_str(init->body, "location");
	r->subscription_id = member_str(init->body, "subscriptionId");
	r->resource_group = member_str(init->body, "resourceGroup");
	*tenant = member_str(init->body, "tenantId");
	r->tags = ov_json_get(init->body, "tags");
	if (ov_json_type_of(r->tags) != OV_JSON_OBJECT)
		r->tags = NULL;
	r->richness = richness(init->body);
	r->file = init->file;
	r->line = init->line;
	r->column = init->column;
	return 0;
}

/*
 * Complete what the body did not say from the ARM id: type, name,
 * subscription, resource group, the parent's length.  Strings that must
 * be cut out of the id are copied with dup (an arena or an interning
 * table); NULL when memory runs out.
 */
int
ov_model__arm_fill(struct ov_record *r,
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
	if (r->subscription_id == NULL && ip.subscription != NULL &&
	    (r->subscription_id = dup(arg, ip.subscription,
	    ip.sub_len)) == NULL)
		return OV_ENOMEM;
	if (r->resource_group == NULL && ip.rg != NULL &&
	    (r->resource_group = dup(arg, ip.rg, ip.rg_len)) == NULL)
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

/* Append a filled record and file it by id; see model.h. */
int
ov_model__append(struct ov_snapshot *s, struct ov_record *r,
    const char *tenant, const struct ov_record **loser)
{
	struct ov_record **grown;
	const struct ov_record *seen;
	size_t cap;
	bool added;
	void **slot;

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
	/*
	 * One record per id: the same resource read twice (a list item and
	 * its GET, or two exports) must not be evaluated twice.  The richer
	 * body wins, since list calls often omit what a GET returns; on a
	 * tie the first one read.
	 */
	if ((slot = ov__map_slot(&s->by_id, r->id, strlen(r->id),
	    &added)) == NULL)
		return ov__error_oom(s->ctx);
	if (added) {
		*slot = r;
	} else {
		seen = *slot;
		s->n_dups++;
		if (r->richness > seen->richness) {
			*slot = r;
			if (loser != NULL)
				*loser = seen;
		} else if (loser != NULL) {
			*loser = r;
		}
	}
	r->index = (uint32_t)s->n_records;
	if (r->file < s->n_files)
		s->files[r->file].n_records++;
	s->records[s->n_records++] = r;
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
	const char *tenant;
	int error;

	OV_ASSERT_ARG(s != NULL && init != NULL && init->body != NULL);
	if ((r = ov__arena_alloc(&s->arena, sizeof(*r))) == NULL)
		return ov__error_oom(s->ctx);
	if (ov_model__record_fill(r, init, &tenant) < 0)
		return ov__error(s->ctx, OV_EINVALID, OV_ERRCLASS_INPUT,
		    "record has no id");
	if (ov_model__arm_fill(r, arena_dup, &s->arena) < 0)
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
	return s->n_dups == 0 || ov__map_get(&s->by_id, r->id,
	    strlen(r->id)) == r;
}

static void
index_free(struct ov_record_index *x)
{
	ov__groups_free(&x->g);
	ov__free(x->lists);
	x->lists = NULL;
}

static void
free_indexes(struct ov_snapshot *s)
{
	ov__map_free(&s->objects);
	index_free(&s->by_type);
	index_free(&s->children);
	index_free(&s->by_type_sub);
	index_free(&s->by_type_rg);
	index_free(&s->by_type_rg_any);
	ov__arena_free(&s->key_arena);
}

/* What one record files under in each index (NULL key: not filed). */
struct index_keys {
	const char	*key[5];	/* by index: type, parent, type+sub,
					   type+sub+rg, type+rg */
	size_t		 klen[5];
};

#define KEY_MAX 1024	/* composite keys longer than this are not filed */

/* Write "a\nb[\nc]" into buf; its length, or 0 when it does not fit. */
static size_t
ckey(char *buf, const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = b != NULL ? strlen(b) : 0;
	size_t lc = c != NULL ? strlen(c) : 0, n = la + 1 + lb;

	if (c != NULL)
		n += 1 + lc;
	if (n >= KEY_MAX)
		return 0;
	memcpy(buf, a, la);
	buf[la] = '\n';
	if (lb > 0)
		memcpy(buf + la + 1, b, lb);
	if (c != NULL) {
		buf[la + 1 + lb] = '\n';
		memcpy(buf + la + 2 + lb, c, lc);
	}
	buf[n] = '\0';
	return n;
}

/*
 * A composite key in the key arena, one copy per distinct key; NULL when
 * it is too long (*len 0) or memory runs out (*len not 0).
 */
static const char *
composite(struct ov_snapshot *s, struct ov_map *seen, const char *a,
    const char *b, const char *c, size_t *len)
{
	char buf[KEY_MAX];
	const char *key;
	bool added;
	void **slot;

	if ((*len = ckey(buf, a, b, c)) == 0)
		return NULL;
	if ((key = ov__map_get(seen, buf, *len)) != NULL)
		return key;
	if ((key = ov__arena_strndup(&s->key_arena, buf, *len)) == NULL ||
	    (slot = ov__map_slot(seen, key, *len, &added)) == NULL)
		return NULL;
	*slot = (void *)(uintptr_t)key;
	return key;
}

/* Build one grouped index over the winners, from their keys. */
static int
index_build(struct ov_record_index *x, struct ov_record *const *recs,
    const bool *win, size_t n, const struct index_keys *keys, int which)
{
	uint32_t *gid = NULL;
	size_t i;
	int error = OV_ENOMEM;

	if (n > 0 && (gid = ov__calloc(n, sizeof(*gid))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < n; i++)
		if (win[i] && keys[i].key[which] != NULL &&
		    ov__groups_count(&x->g, keys[i].key[which],
		    keys[i].klen[which], &gid[i]) < 0)
			goto done;
	if (ov__groups_layout(&x->g) < 0)
		goto done;
	for (i = 0; i < n; i++)
		if (win[i] && keys[i].key[which] != NULL)
			ov__groups_add(&x->g, gid[i], recs[i]);
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

/*
 * Build the indexes once, after loading: by type, by parent id, by type
 * and subscription, by type and resource group, Graph object ids.  Each
 * is a counting pass and a filling pass over the records: linear in the
 * snapshot, O(1) per lookup.  Only the copy of a duplicated id the id
 * index keeps is filed.
 */
int
ov_model__index(struct ov_snapshot *s)
{
	struct index_keys *keys = NULL;
	struct ov_map seen = OV_MAP_INIT_CS;
	bool *win = NULL;
	struct ov_record *r;
	const char *oid;
	size_t i, n = s->n_records;
	int error = OV_ENOMEM;

	if (s->indexed)
		return 0;
	free_indexes(s);
	ov__arena_init(&s->key_arena, 0, 0);
	if (n > 0 && ((keys = ov__calloc(n, sizeof(*keys))) == NULL ||
	    (win = ov__calloc(n, sizeof(*win))) == NULL))
		goto done;
	for (i = 0; i < n; i++) {
		struct index_keys *k = &keys[i];

		r = s->records[i];
		win[i] = ov_model__is_winner(s, r);
		/* every record learns its parent, duplicates too */
		r->parent = r->parent_len != 0 ? ov__map_get(&s->by_id, r->id,
		    r->parent_len) : NULL;
		if (!win[i])
			continue;
		k->key[0] = r->type;
		k->klen[0] = strlen(r->type);
		if (r->parent_len != 0) {
			k->key[1] = r->id;
			k->klen[1] = r->parent_len;
		}
		if ((k->key[2] = composite(s, &seen, r->type,
		    r->subscription_id, NULL, &k->klen[2])) == NULL &&
		    k->klen[2] != 0)
			goto done;
		if (r->resource_group != NULL &&
		    (((k->key[3] = composite(s, &seen, r->type,
		    r->subscription_id, r->resource_group,
		    &k->klen[3])) == NULL && k->klen[3] != 0) ||
		    ((k->key[4] = composite(s, &seen, r->type,
		    r->resource_group, NULL, &k->klen[4])) == NULL &&
		    k->klen[4] != 0)))
			goto done;
		if (ov__startswith_ci(r->type, "Microsoft.Graph/") &&
		    (oid = ov_json_string(ov_json_get(r->body, "id"))) != NULL &&
		    ov__map_put(&s->objects, oid, strlen(oid), r) < 0)
			goto done;
	}
	if (index_build(&s->by_type, s->records, win, n, keys, 0) < 0 ||
	    index_build(&s->children, s->records, win, n, keys, 1) < 0 ||
	    index_build(&s->by_type_sub, s->records, win, n, keys, 2) < 0 ||
	    index_build(&s->by_type_rg, s->records, win, n, keys, 3) < 0 ||
	    index_build(&s->by_type_rg_any, s->records, win, n, keys, 4) < 0)
		goto done;
	s->indexed = true;
	error = 0;
done:
	ov__map_free(&seen);
	ov__free(keys);
	ov__free(win);
	if (error < 0) {
		free_indexes(s);
		return ov__error_oom(s->ctx);
	}
	return 0;
}

static const struct ov_record_list empty_list = { NULL, 0, 0 };

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
	uintptr_t v = (uintptr_t)ov__map_get(&x->g.keys, key, klen);

	return v != 0 && x->lists != NULL ? &x->lists[v - 1] : &empty_list;
}

/* The record with this id (case-insensitive), or NULL. */
const struct ov_record *
ov_model__by_id(const struct ov_snapshot *s, const char *id)
{
	if (s == NULL || id == NULL)
		return NULL;
	return ov__map_get(&s->by_id, id, strlen(id));
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
	if (s == NULL || parent_id == NULL || !ensure_indexed(s))
		return &empty_list;
	return index_get(&s->children, parent_id, strlen(parent_id));
}

/* As ov_model__children, with a length. */
const struct ov_record_list *
ov_model__children_n(const struct ov_snapshot *s, const char *parent_id,
    size_t len)
{
	if (s == NULL || parent_id == NULL || !ensure_indexed(s))
		return &empty_list;
	return index_get(&s->children, parent_id, len);
}

/* Look a composite key up without storing it. */
static const struct ov_record_list *
composite_get(const struct ov_record_index *x, const char *a, const char *b,
    const char *c)
{
	char buf[KEY_MAX];
	size_t n = ckey(buf, a, b, c);

	return n != 0 ? index_get(x, buf, n) : &empty_list;
}

/* Records of type in subscription sub. */
const struct ov_record_list *
ov_model__by_type_sub(const struct ov_snapshot *s, const char *type,
    const char *sub)
{
	if (s == NULL || type == NULL || !ensure_indexed(s))
		return &empty_list;
	return composite_get(&s->by_type_sub, type, sub, NULL);
}

/* Records of type in resource group rg of subscription sub. */
const struct ov_record_list *
ov_model__by_type_rg(const struct ov_snapshot *s, const char *type,
    const char *sub, const char *rg)
{
	if (s == NULL || type == NULL || rg == NULL || !ensure_indexed(s))
		return &empty_list;
	return composite_get(&s->by_type_rg, type, sub, rg);
}

/* Records of type in a resource group named rg, any subscription. */
const struct ov_record_list *
ov_model__by_type_rg_any(const struct ov_snapshot *s, const char *type,
    const char *rg)
{
	if (s == NULL || type == NULL || rg == NULL || !ensure_indexed(s))
		return &empty_list;
	return composite_get(&s->by_type_rg_any, type, rg, NULL);
}

/* True when r's ARM parent id is id. */
bool
ov_model__parent_is(const struct ov_record *r, const char *id)
{
	return r != NULL && id != NULL && r->parent_len != 0 &&
	    ov__eq_ci(r->id, r->parent_len, id, strlen(id));
}

/* A Graph record by object id, or NULL. */
const struct ov_record *
ov_model__graph_object(const struct ov_snapshot *s, const char *object_id)
{
	if (s == NULL || object_id == NULL || !ensure_indexed(s))
		return NULL;
	return ov__map_get(&s->objects, object_id, strlen(object_id));
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
	{ "Microsoft.Security/", "arg:securityresources" },
	{ "Microsoft.Authorization/roleAssignments", "arg:authorizationresources" },
	{ "Microsoft.Authorization/roleDefinitions", "arg:authorizationresources" },
	{ "Microsoft.Authorization/policy", "arg:policyresources" },
	{ "Microsoft.PolicyInsights/", "arg:policyresources" },
	{ "Microsoft.Maintenance/", "arg:maintenanceresources" },
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
 * Whether records of type were collected.  With a manifest, the source
 * that carries the type decides (collected or partial counts as collected;
 * a type the manifest does not cover counts as collected when records of
 * it are present).  Without one, presence of records decides.
 */
bool
ov_model__type_collected(const struct ov_snapshot *s, const char *type)
{
	const char *src, *status;

	if (s == NULL || type == NULL)
		return false;
	if (s->has_manifest && (src = source_for_type(type)) != NULL &&
	    (status = ov_model__source_status(s, src)) != NULL)
		return ov__streq_ci(status, "collected") ||
		    ov__streq_ci(status, "partial");
	return ov_model__by_type(s, type)->len != 0;
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
	ov__map_free(&s->by_id);
}
