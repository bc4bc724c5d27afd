/* SPDX-License-Identifier: MIT */
/*
 * What a unit collects: records, each seen whole by the streaming hooks,
 * digested, then kept as the retention plan says (header strings copied,
 * low-cardinality ones interned; the body whole, projected or dropped),
 * and the parsed documents they come from, kept until the unit ends.
 */
#include <string.h>

#include "lib/snapshot/load.h"
#include "util/alloc.h"
#include "util/error.h"

/* Keep a document until the unit is loaded; see load.h. */
int
ov_snap__keep_doc(struct load_ctx *lc, ov_json_doc *doc)
{
	struct load_unit *u = lc->u;
	ov_json_doc **grown;
	size_t cap;

	if (u->n_docs == u->docs_cap) {
		cap = u->docs_cap != 0 ? u->docs_cap * 2 : 4;
		if ((grown = ov__reallocarray(u->docs, cap,
		    sizeof(*grown))) == NULL) {
			ov_json_doc_free(doc);
			return ov__error_oom(lc->ctx);
		}
		u->docs = grown;
		u->docs_cap = cap;
	}
	u->docs[u->n_docs++] = doc;
	return 0;
}

/* Keep a document for good: the snapshot's (main thread, templates). */
static int
keep_doc_snapshot(struct load_ctx *lc, ov_json_doc *doc)
{
	struct ov_snapshot *s = lc->s;
	ov_json_doc **grown;
	size_t cap;

	if (s->n_docs == s->docs_cap) {
		cap = s->docs_cap != 0 ? s->docs_cap * 2 : 8;
		if ((grown = ov__reallocarray(s->docs, cap,
		    sizeof(*grown))) == NULL) {
			ov_json_doc_free(doc);
			return ov__error_oom(lc->ctx);
		}
		s->docs = grown;
		s->docs_cap = cap;
	}
	s->docs[s->n_docs++] = doc;
	return 0;
}

/* Parse text and keep the document for the unit (or the snapshot). */
int
ov_snap__parse_keep(struct load_ctx *lc, const char *text, size_t len,
    unsigned flags, const ov_json **root)
{
	ov_json_doc *doc = NULL;
	ov_json_error jerr;
	int error;

	if ((flags & OV_SNAP__FILE_TEXT) != 0)
		error = ov_snap__parse_warned(lc, text, len, flags &
		    ~(unsigned)OV_SNAP__FILE_TEXT, lc->base, &doc, &jerr);
	else
		error = ov_json_parse(&doc, lc->ctx, text, len, flags, &jerr);
	if (error < 0)
		return error;
	if ((error = lc->u != NULL ? ov_snap__keep_doc(lc, doc) :
	    keep_doc_snapshot(lc, doc)) < 0)
		return error;
	*root = ov_json_doc_root(doc);
	return 0;
}

/*
 * A template or plan met by a worker: lib/iac writes to the snapshot, so
 * it runs on the main thread when the unit is merged, in load order.  The
 * unit keeps the file's bytes, parsed again there into a document the
 * snapshot keeps (the records borrow from it; the worker's tree is reused
 * by its next parse).
 */
int
ov_snap__defer_iac(struct load_ctx *lc, const ov_json *root, bool plan)
{
	struct load_unit *u = lc->u;

	if (lc->s->iac_ops == NULL)
		return 0;
	if (u == NULL)
		return plan ? lc->s->iac_ops->load_plan(lc, root) :
		    lc->s->iac_ops->load_template(lc, root);
	if ((u->iac_data = ov__malloc(lc->len + 1)) == NULL)
		return ov__error_oom(lc->ctx);
	memcpy(u->iac_data, lc->data, lc->len);
	u->iac_data[lc->len] = '\0';
	u->iac_len = lc->len;
	u->iac_plan = plan;
	return 0;
}

/* A manifest met as a unit's file: the merge reads it. */
int
ov_snap__defer_manifest(struct load_ctx *lc)
{
	struct load_unit *u = lc->u;

	if ((u->manifest = ov__malloc(lc->len + 1)) == NULL)
		return ov__error_oom(lc->ctx);
	memcpy(u->manifest, lc->data, lc->len);
	u->manifest[lc->len] = '\0';
	u->manifest_len = lc->len;
	return 0;
}

static const char *
intern_dup(void *arg, const char *s, size_t n)
{
	return ov_intern__get(arg, s, n);
}

static const char *
intern_str(struct ov_intern *in, const char *s, bool *oom)
{
	const char *c;

	if (s == NULL)
		return NULL;
	if ((c = ov_intern__get(in, s, strlen(s))) == NULL)
		*oom = true;
	return c;
}

/*
 * A record's header and body as the snapshot keeps them: the strings
 * copied (low-cardinality ones interned), the body whole, projected or
 * dropped as the plan says.
 */
static int
keep_record(struct load_ctx *lc, struct ov_record *r, const char **tenant)
{
	struct load_worker *w = lc->w;
	const struct ov_retain *plan = w->L->hooks != NULL ?
	    w->L->hooks->plan : NULL;
	const struct ov_retain_type *t = ov_retain__type(w->L->hooks != NULL ?
	    plan : NULL, r->type);
	const ov_json *full = r->body, *tags = r->tags;
	size_t idlen = strlen(r->id), nlen;
	bool oom = false;
	const char *id;

	if ((id = ov_intern__copy(&w->intern, r->id,
	    idlen)) == NULL)
		return ov__error_oom(lc->ctx);
	/* a name that ends the id (ARM) points into the copy */
	if (r->name != NULL && (nlen = strlen(r->name)) <= idlen &&
	    memcmp(r->id + idlen - nlen, r->name, nlen) == 0)
		r->name = id + idlen - nlen;
	else if (r->name != NULL && (r->name = ov_intern__copy(&w->intern,
	    r->name, strlen(r->name))) == NULL)
		oom = true;
	r->id = id;
	r->type = intern_str(&w->intern, r->type, &oom);
	if ((r->place = ov_intern__place(&w->intern, r->place)) == NULL)
		oom = true;
	*tenant = intern_str(&w->intern, *tenant, &oom);
	switch (t->keep) {
	case OV_KEEP_ALL:
		r->body = ov_retain__copy(&w->intern, full);
		r->tags = ov_json_get(r->body, "tags");
		if (ov_json_type_of(r->tags) != OV_JSON_OBJECT)
			r->tags = NULL;
		break;
	case OV_KEEP_PATHS:
		r->body = ov_retain__project(&w->intern, full, t->root);
		r->tags = ov_retain__tags_of(plan, t, &w->intern, tags, &oom);
		break;
	default:
		r->body = &ov_retain__empty;
		r->tags = ov_retain__tags_of(plan, t, &w->intern, tags, &oom);
		break;
	}
	if (r->body == NULL || oom)
		return ov__error_oom(lc->ctx);
	if (t->pack != NULL && full != NULL &&
	    (r->packed = t->pack(&w->intern, r, full)) == NULL)
		return ov__error_oom(lc->ctx);
	return 0;
}

/* Append a record to the unit. */
static int
unit_push(struct load_ctx *lc, struct ov_record *r, const char *tenant)
{
	struct load_unit *u = lc->u;
	struct ov_record **grown;
	const char **tgrown;
	size_t cap;

	if (u->n_recs == u->recs_cap) {
		cap = u->recs_cap != 0 ? u->recs_cap * 2 : 256;
		if ((grown = ov__reallocarray(u->recs, cap,
		    sizeof(*grown))) == NULL)
			return ov__error_oom(lc->ctx);
		u->recs = grown;
		if ((tgrown = ov__reallocarray(u->tenants, cap,
		    sizeof(*tgrown))) == NULL)
			return ov__error_oom(lc->ctx);
		u->tenants = tgrown;
		u->recs_cap = cap;
	}
	u->recs[u->n_recs] = r;
	u->tenants[u->n_recs++] = tenant;
	return 0;
}

/*
 * A record is complete: the hooks see it with its whole body, its digest
 * is taken, then it keeps what the plan says.
 */
static int
commit(struct load_ctx *lc, const struct ov_record_init *init)
{
	struct load_worker *w = lc->w;
	const struct ov_load_hooks *h = w->L->hooks;
	struct ov_record *r;
	struct ov_place pl;
	const char *tenant;
	int error;

	/* records come from arrays: no per-record alignment padding */
	if (w->pool_left == 0) {
		if ((w->pool = ov_intern__alloc(&w->intern, RECORD_POOL *
		    sizeof(*w->pool))) == NULL)
			return ov__error_oom(lc->ctx);
		w->pool_left = RECORD_POOL;
	}
	r = w->pool;
	if (ov_model__record_fill(r, &pl, init, &tenant) < 0)
		return OV_EINVALID;
	if (ov_model__arm_fill(r, &pl, intern_dup, &w->intern) < 0)
		return ov__error_oom(lc->ctx);
	if (h != NULL && h->record != NULL && (error = h->record(w->hook_state,
	    lc->u->hook_unit, r, (uint32_t)lc->u->n_recs)) < 0)
		return error;
	if (w->L->flags & OV_LOAD_DIGEST) {
		if (lc->u->digest == NULL && ov_digest_new(&lc->u->digest) < 0)
			return ov__error_oom(lc->ctx);
		if (ov_digest__add_record(lc->u->digest, r) < 0)
			return ov__error_oom(lc->ctx);
	}
	if ((error = keep_record(lc, r, &tenant)) < 0)
		return error;
	w->pool++;
	w->pool_left--;
	return unit_push(lc, r, tenant);
}

/* Add one object as a record; see snapshot_int.h. */
int
ov_snap__add_object(struct load_ctx *lc, const ov_json *obj, const char *type,
    const char *pointer)
{
	return ov_snap__add_object_at(lc, obj, obj, type, pointer);
}

/* As ov_snap__add_object, with the position taken from pos. */
int
ov_snap__add_object_at(struct load_ctx *lc, const ov_json *obj,
    const ov_json *pos, const char *type, const char *pointer)
{
	struct ov_record_init init;
	const char *id, *t;
	unsigned line, column;
	int error;

	if (ov_json_type_of(obj) != OV_JSON_OBJECT)
		return ov_snap__diag_at(lc, pos, pointer,
		    "expected an object, found %s",
		    ov_json_type_of(obj) == OV_JSON_ARRAY ? "an array" :
		    "a scalar");
	if ((error = ov_snap__object_identity(lc, obj, type, &id, &t)) < 0)
		return error;
	ov_snap__position(lc, pos, &line, &column);
	memset(&init, 0, sizeof(init));
	init.body = obj;
	init.id = id;
	init.type = t;
	init.file = lc->file;
	init.line = line;
	init.column = column;
	if ((error = commit(lc, &init)) < 0) {
		if (error != OV_EINVALID)
			return error;
		return ov_snap__diag(lc, line, column, pointer,
		    "object cannot become a record");
	}
	return 0;
}
