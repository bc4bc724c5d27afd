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
		if (out->subscription == NULL || (n >= 4 &&
		    (out->resource_group == NULL || out->parent == NULL)))
			return OV_ENOMEM;
		return 0;
	}
	if ((i >= 2 && out->subscription == NULL) ||
	    (i >= 4 && out->resource_group == NULL))
		return OV_ENOMEM;
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
			if ((out->parent = ov__arena_strndup(a, id,
			    (size_t)(segs[pstart].p - id) - 1)) == NULL)
				return OV_ENOMEM;
		}
		last_ns = &segs[pstart + 1];
		last_block = pstart + 1;
		have_type = true;
		if (seg_is(last_ns, "Microsoft.Management") &&
		    block_end - pstart >= 4 &&
		    seg_is(&segs[pstart + 2], "managementGroups") &&
		    out->mgmt_group == NULL &&
		    (out->mgmt_group = seg_dup(a, &segs[pstart + 3])) == NULL)
			return OV_ENOMEM;
		i = block_end;
	}
	(void)last_ns;
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

/*
 * Add a record to the snapshot.  The body must stay alive as long as the
 * snapshot (the snapshot owns the documents it parsed).
 */
int
ov_model__add_record(struct ov_snapshot *s, const struct ov_record_init *init,
    struct ov_record **out)
{
	struct ov_record *r, **grown;
	const char *id, *type, *canon;
	size_t cap;
	int error;

	OV_ASSERT_ARG(s != NULL && init != NULL && init->body != NULL);
	if (s->n_records == s->records_cap) {
		cap = s->records_cap != 0 ? s->records_cap * 2 : 1024;
		grown = ov__reallocarray(s->records, cap, sizeof(*grown));
		if (grown == NULL)
			return ov__error_oom(s->ctx);
		s->records = grown;
		s->records_cap = cap;
	}
	if ((r = ov__arena_calloc(&s->arena, 1, sizeof(*r))) == NULL)
		return ov__error_oom(s->ctx);
	r->body = init->body;
	id = init->id != NULL ? init->id : member_str(init->body, "id");
	if (id == NULL)
		return ov__error(s->ctx, OV_EINVALID, OV_ERRCLASS_INPUT,
		    "record has no id");
	r->id = id;
	if (id[0] == '/' && (error = ov_model__arm_id_parse(&r->arm,
	    &s->arena, id, strlen(id))) < 0) {
		if (error == OV_ENOMEM)
			return ov__error_oom(s->ctx);
		memset(&r->arm, 0, sizeof(r->arm));
	}
	type = init->type != NULL ? init->type : member_str(init->body,
	    "type");
	if (type == NULL)
		type = r->arm.type;
	if (type == NULL)
		type = "unknown";
	canon = ov_model__canonical_type(type, strlen(type));
	r->type = canon != NULL ? canon : type;
	r->name = member_str(init->body, "name");
	if (r->name == NULL)
		r->name = member_str(init->body, "displayName");
	if (r->name == NULL)
		r->name = r->arm.name;
	r->location = member_str(init->body, "location");
	r->subscription_id = member_str(init->body, "subscriptionId");
	if (r->subscription_id == NULL)
		r->subscription_id = r->arm.subscription;
	r->resource_group = member_str(init->body, "resourceGroup");
	if (r->resource_group == NULL)
		r->resource_group = r->arm.resource_group;
	r->tenant_id = member_str(init->body, "tenantId");
	r->tags = ov_json_get(init->body, "tags");
	if (ov_json_type_of(r->tags) != OV_JSON_OBJECT)
		r->tags = NULL;
	r->aliases = ov_json_get(init->body, "aliases");
	if (ov_json_type_of(r->aliases) != OV_JSON_OBJECT)
		r->aliases = NULL;
	r->file = init->file;
	r->line = init->line;
	r->column = init->column;
	r->iac = init->iac;
	if (r->iac != NULL) {
		/* The key is the record's own, made here once. */
		if (r->iac->key == NULL && (((struct ov_iac_src *)(uintptr_t)
		    r->iac)->key = ov__arena_printf(&s->arena, "%u|%s",
		    (unsigned)init->file, id)) == NULL)
			return ov__error_oom(s->ctx);
		s->n_iac_records++;
	}
	r->index = (uint32_t)s->n_records;
	if (init->file < s->n_files)
		s->files[init->file].n_records++;
	s->records[s->n_records++] = r;
	s->indexed = false;
	if (out != NULL)
		*out = r;
	return 0;
}

static int
list_add(struct ov_snapshot *s, struct ov_map *m, const char *key,
    const struct ov_record *r)
{
	struct ov_record_list *l;
	const struct ov_record **items;
	size_t cap;
	int error;

	l = ov__map_get(m, key, strlen(key));
	if (l == NULL) {
		if ((l = ov__arena_calloc(&s->arena, 1, sizeof(*l))) == NULL)
			return ov__error_oom(s->ctx);
		if ((error = ov__map_put(m, key, strlen(key), l)) < 0)
			return ov__error_oom(s->ctx);
	}
	if (l->len == l->cap) {
		cap = l->cap != 0 ? l->cap * 2 : 8;
		items = ov__arena_alloc(&s->arena, cap * sizeof(*items));
		if (items == NULL)
			return ov__error_oom(s->ctx);
		if (l->len != 0)
			memcpy(items, l->items, l->len * sizeof(*items));
		l->items = items;
		l->cap = cap;
	}
	l->items[l->len++] = r;
	return 0;
}

static void
free_indexes(struct ov_snapshot *s)
{
	ov__map_free(&s->objects);
	ov__map_free(&s->by_id);
	ov__map_free(&s->by_type);
	ov__map_free(&s->children);
	ov__map_free(&s->iac_ids);
}

/*
 * Without a manifest naming it, the tenant is the one every record that
 * states a tenantId agrees on; records that disagree leave it unknown.
 */
static void
infer_tenant(struct ov_snapshot *s)
{
	const char *t = NULL;
	size_t i;

	if (s->tenant_id != NULL && !s->tenant_inferred)
		return;
	for (i = 0; i < s->n_records; i++) {
		const char *rt = s->records[i]->tenant_id;

		if (rt == NULL || *rt == '\0')
			continue;
		if (t == NULL)
			t = rt;
		else if (!ov__streq_ci(t, rt)) {
			t = NULL;
			break;
		}
	}
	s->tenant_id = t;
	s->tenant_inferred = t != NULL;
}

/* How much a record says: members of the body and of its properties. */
static size_t
richness(const struct ov_record *r)
{
	return ov_json_len(r->body) + ov_json_len(ov_json_get(r->body,
	    "properties"));
}

/*
 * Whether r is the record its id stands for.  Each template or plan is a
 * deployment of its own: the same id in two files is two resources (and
 * is kept twice), the same id twice in one file (a loop whose names are
 * known only at deployment) is one.
 */
bool
ov_model__is_primary(const struct ov_snapshot *s, const struct ov_record *r)
{
	if (r->iac != NULL)
		return ov__map_get(&s->iac_ids, r->iac->key,
		    strlen(r->iac->key)) == r;
	return ov__map_get(&s->by_id, r->id, strlen(r->id)) == r;
}

/*
 * Build the indexes: by id (one record per id), by type and by parent id.
 * Rebuilt from scratch when records were added since.
 */
int
ov_model__index(struct ov_snapshot *s)
{
	struct ov_record *r;
	const char *oid;
	size_t i;
	int error;

	if (s->indexed)
		return 0;
	free_indexes(s);
	/*
	 * One record per id: the same resource read twice (a list item and
	 * its GET, or two exports) must not be evaluated twice.  The richer
	 * body wins, since list calls often omit what a GET returns; on a
	 * tie the first one read.
	 */
	for (i = 0; i < s->n_records; i++) {
		struct ov_record *seen;

		r = s->records[i];
		if (r->iac != NULL)
			continue;	/* below */
		seen = ov__map_get(&s->by_id, r->id, strlen(r->id));
		if (seen == NULL) {
			if (ov__map_put(&s->by_id, r->id, strlen(r->id),
			    r) < 0)
				return ov__error_oom(s->ctx);
		} else if (richness(r) > richness(seen)) {
			if (ov__map_replace(&s->by_id, r->id, strlen(r->id),
			    r) < 0)
				return ov__error_oom(s->ctx);
		}
	}
	/*
	 * Templates and plans: one record per (file, id); the id looks up
	 * the first of them unless a live record has it.
	 */
	for (i = 0; i < s->n_records; i++) {
		r = s->records[i];
		if (r->iac == NULL || ov__map_get(&s->iac_ids, r->iac->key,
		    strlen(r->iac->key)) != NULL)
			continue;
		if (ov__map_put(&s->iac_ids, r->iac->key, strlen(r->iac->key),
		    r) < 0 || (ov__map_get(&s->by_id, r->id,
		    strlen(r->id)) == NULL && ov__map_put(&s->by_id, r->id,
		    strlen(r->id), r) < 0))
			return ov__error_oom(s->ctx);
	}
	for (i = 0; i < s->n_records; i++) {
		r = s->records[i];
		if (!ov_model__is_primary(s, r))
			continue;	/* a duplicate of a richer record */
		if ((error = list_add(s, &s->by_type, r->type, r)) < 0)
			return error;
		if (r->location != NULL && r->location[0] != '\0') {
			struct ov_record_list *tl = ov__map_get(&s->by_type,
			    r->type, strlen(r->type));

			if (tl != NULL)
				tl->located = true;
		}
		if (ov__startswith_ci(r->type, "Microsoft.Graph/") &&
		    (oid = ov_json_string(ov_json_get(r->body, "id"))) != NULL &&
		    ov__map_get(&s->objects, oid, strlen(oid)) == NULL &&
		    ov__map_put(&s->objects, oid, strlen(oid), r) < 0)
			return ov__error_oom(s->ctx);
		if (r->arm.parent != NULL &&
		    (error = list_add(s, &s->children, r->arm.parent, r)) < 0)
			return error;
	}
	for (i = 0; i < s->n_records; i++) {
		r = s->records[i];
		r->parent = r->arm.parent != NULL ? ov__map_get(&s->by_id,
		    r->arm.parent, strlen(r->arm.parent)) : NULL;
	}
	infer_tenant(s);
	s->indexed = true;
	return 0;
}

static const struct ov_record_list empty_list = { NULL, 0, 0, false };

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
	const struct ov_record_list *l;

	if (s == NULL || type == NULL)
		return &empty_list;
	l = ov__map_get(&s->by_type, type, strlen(type));
	return l != NULL ? l : &empty_list;
}

/* The records whose ARM parent is parent_id; empty when none. */
const struct ov_record_list *
ov_model__children(const struct ov_snapshot *s, const char *parent_id)
{
	const struct ov_record_list *l;

	if (s == NULL || parent_id == NULL)
		return &empty_list;
	l = ov__map_get(&s->children, parent_id, strlen(parent_id));
	return l != NULL ? l : &empty_list;
}

/* A Graph record by object id, or NULL. */
const struct ov_record *
ov_model__graph_object(const struct ov_snapshot *s, const char *object_id)
{
	if (s == NULL || object_id == NULL)
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
}
