/* SPDX-License-Identifier: MIT */
/*
 * ARM template expansion: a template becomes the records of the
 * resources a deployment of it would create, the way Azure Resource
 * Manager expands it.  Parameters take the --parameter, --parameters,
 * parameters-file-next-to-it or default value, in that order; variables
 * (copy variables too) and user-defined functions are evaluated on use;
 * conditions and copy loops decide which resources exist; child resources
 * get their full type and name; nested deployments (inline, or linked by
 * relativePath or by a URI under the template's own location) are
 * expanded in their inner or outer scope; dependsOn is ignored.  The
 * deployment happens in a placeholder scope (iac.h) that --scope replaces.
 * What only a deployment knows (reference(), list*(), a parameter without
 * a value...) is an unknown value: rules that read it are indeterminate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/iac/arm_int.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

/* Where linked templates under the template's own location point. */
#define LINK_BASE "https://placeholder.invalid/"

/* Records one template file may expand to. */
#define OV_IAC_MAX_RECORDS 100000

static int expand(struct dep *d);

/* ---- small helpers ---------------------------------------------------- */

/* The index of a member named name (case-insensitive), or -1. */
static long
member_index(const ov_json *obj, const char *name, size_t n)
{
	size_t i;

	if (ov_json_type_of(obj) != OV_JSON_OBJECT)
		return -1;
	for (i = 0; i < obj->len; i++)
		if (ov__eq_ci(obj->u.members[i].key, obj->u.members[i].klen,
		    name, n))
			return (long)i;
	return -1;
}

static const ov_json *
unknown(struct dep *d, const char *text, bool present)
{
	return ov_policy__unknown_as(&d->x->s->arena, ov_policy__v_unknown(
	    &d->x->s->arena, text, strlen(text)), present);
}

static const char *
ci_strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle), left = strlen(hay);

	for (; left >= n; hay++, left--)
		if (ov__eq_ci(hay, n, needle, n))
			return hay;
	return NULL;
}

/* ---- parameters ------------------------------------------------------- */

static bool
is_secure(const ov_json *decl)
{
	const char *t = ov_json_string(ov_json_get(decl, "type"));

	return t != NULL && (ov__streq_ci(t, "securestring") ||
	    ov__streq_ci(t, "secureObject"));
}

/* A --parameter text converted to the declared type. */
static int
override_value(struct dep *d, const ov_json *decl, const char *text,
    const ov_json **out)
{
	struct ov_arena *a = &d->x->s->arena;
	const char *t = ov_json_string(ov_json_get(decl, "type"));
	char *end;
	long long i;

	if (t != NULL && ov__streq_ci(t, "int")) {
		i = strtoll(text, &end, 10);
		if (end == text || *end != '\0')
			goto bad;
		*out = ov_policy__v_int(a, i);
	} else if (t != NULL && ov__streq_ci(t, "bool")) {
		if (!ov__streq_ci(text, "true") && !ov__streq_ci(text, "false"))
			goto bad;
		*out = ov_policy__v_bool(ov__streq_ci(text, "true"));
	} else if (t != NULL && (ov__streq_ci(t, "array") ||
	    ov__streq_ci(t, "object") || ov__streq_ci(t, "secureObject"))) {
		if (ov_policy__parse_json(a, NULL, text, strlen(text),
		    out) < 0)
			goto bad;
	} else
		*out = ov_policy__v_str(a, text, strlen(text));
	return *out != NULL ? 0 : ov__error_oom(d->x->ctx);
bad:
	*out = NULL;
	return ov_iac__diag(d, decl, "--parameter value '%s' is not a valid "
	    "%s", is_secure(decl) ? "(secret)" : text, t);
}

/*
 * The value given for parameter name from outside the template: an
 * override, a parameters file or the parent deployment.  *entry is the
 * {value} / {reference} object (NULL for an override).
 */
static int
given(struct dep *d, const ov_json *decl, const char *name, size_t n,
    const ov_json **out, bool *outside)
{
	const struct ov_iac_opts *o = d->x->opts;
	const ov_json *entry = NULL;
	size_t i;
	long k;

	*out = NULL;
	*outside = true;
	if (d->top && o != NULL) {
		for (i = o->n_params; i > 0; i--)
			if (ov__eq_ci(o->names[i - 1], strlen(o->names[i - 1]),
			    name, n))
				return override_value(d, decl, o->values[i - 1],
				    out);
		for (i = o->n_docs; i > 0 && entry == NULL; i--) {
			const ov_json *p = ov_json_get(ov_json_doc_root(
			    o->docs[i - 1]), "parameters");

			if ((k = member_index(p, name, n)) >= 0)
				entry = &p->u.members[k].value;
		}
	}
	if (entry == NULL && d->top && (k = member_index(d->x->sibling, name,
	    n)) >= 0)
		entry = &d->x->sibling->u.members[k].value;
	if (entry == NULL && (k = member_index(d->pvals, name, n)) >= 0) {
		entry = &d->pvals->u.members[k].value;
		*outside = false;
	}
	if (entry == NULL)
		return 0;
	if (ov_json_get(entry, "reference") != NULL &&
	    ov_json_get(entry, "value") == NULL) {
		/* A Key Vault secret: read only by the deployment. */
		*out = unknown(d, ov__arena_printf(&d->x->scratch,
		    "[parameters('%.*s')]", (int)n, name), true);
		return 0;
	}
	if ((*out = ov_json_get(entry, "value")) == NULL)
		*out = &ov_policy__v_null;
	return 0;
}

static int
check_allowed(struct dep *d, const ov_json *decl, const char *name,
    const ov_json *v)
{
	const ov_json *allowed = ov_json_get(decl, "allowedValues");
	size_t i, j;

	if (ov_json_type_of(allowed) != OV_JSON_ARRAY ||
	    ov_policy__find_unknown(v) != NULL)
		return 0;
	/* An array parameter's items each come from the list. */
	for (j = 0; j < (v->type == OV_JSON_ARRAY ? v->len : 1); j++) {
		const ov_json *item = v->type == OV_JSON_ARRAY ?
		    &v->u.items[j] : v;

		for (i = 0; i < allowed->len; i++)
			if (ov_policy__equal(&allowed->u.items[i], item, true))
				break;
		if (i == allowed->len)
			return ov_iac__diag(d, decl, "parameter '%s': value "
			    "'%s' is not one of its allowedValues", name,
			    ov_iac__text(d, item));
	}
	return 0;
}

static int
param_value(struct dep *d, struct evalx *ex, const char *name, size_t n,
    const ov_json **out)
{
	const ov_json *decl, *v = NULL;
	struct arm_ctx def;
	struct slot *sl;
	bool outside;
	long k;
	int error;

	if ((k = member_index(d->pdecl, name, n)) < 0) {
		if (d->outer != NULL)
			return param_value(d->outer, ex, name, n, out);
		return ov_policy__fail(ex, "the template declares no "
		    "parameter '%.*s'", (int)n, name);
	}
	sl = &d->pslots[k];
	if (sl->state == 2) {
		*out = sl->value;
		return 0;
	}
	if (sl->state == 1)
		return ov_policy__fail(ex, "parameter '%.*s' depends on itself",
		    (int)n, name);
	sl->state = 1;
	decl = &d->pdecl->u.members[k].value;
	if ((error = given(d, decl, name, n, &v, &outside)) < 0)
		return error;
	if (v != NULL && outside && is_secure(decl) &&
	    !ov_policy__is_unknown(v)) {
		/* A secret never reaches a record, an evidence or a log. */
		v = unknown(d, ov__arena_printf(&d->x->scratch,
		    "[parameters('%.*s')]", (int)n, name), true);
	} else if (v != NULL) {
		/* A given value is data, even where it looks like "[...]". */
		if ((v = ov_iac__data(d, v, decl)) == NULL)
			return ov__error_oom(d->x->ctx);
	} else if (ov_json_get(decl, "defaultValue") != NULL) {
		def = d->arm;
		def.in_default = true;
		if ((error = ov_iac__value(d, &def, ov_json_get(decl,
		    "defaultValue"), &v)) < 0)
			return error;
	} else {
		/* Supplied only when the template is deployed. */
		v = unknown(d, ov__arena_printf(&d->x->scratch,
		    "[parameters('%.*s')]", (int)n, name),
		    !ov_json_is_true(ov_json_get(decl, "nullable")));
	}
	if (v == NULL)
		return ov__error_oom(d->x->ctx);
	if ((error = check_allowed(d, decl, d->pdecl->u.members[k].key,
	    v)) < 0)
		return error;
	sl->value = v;
	sl->state = 2;
	*out = v;
	return 0;
}

/* ---- variables -------------------------------------------------------- */

static int
var_value(struct dep *d, struct evalx *ex, const char *name, size_t n,
    const ov_json **out)
{
	int saved = d->n_loops, error;
	const ov_json *spec, *v;
	struct slot *sl;
	bool is_copy = false;
	long k = -1;
	size_t i;

	for (i = 0; d->vcopy != NULL && i < d->vcopy->len; i++) {
		const char *cn = ov_json_string(ov_json_get(
		    &d->vcopy->u.items[i], "name"));

		if (cn != NULL && ov__eq_ci(cn, strlen(cn), name, n)) {
			k = (long)i;
			break;
		}
	}
	if (k >= 0) {
		sl = &d->cslots[k];
		spec = &d->vcopy->u.items[k];
		is_copy = true;
	} else if ((k = member_index(d->vdecl, name, n)) >= 0 &&
	    !(d->vcopy != NULL && &d->vdecl->u.members[k].value == d->vcopy)) {
		sl = &d->vslots[k];
		spec = &d->vdecl->u.members[k].value;
	} else {
		if (d->outer != NULL)
			return var_value(d->outer, ex, name, n, out);
		return ov_policy__fail(ex, "the template declares no variable "
		    "'%.*s'", (int)n, name);
	}
	if (sl->state == 2) {
		*out = sl->value;
		return 0;
	}
	if (sl->state == 1)
		return ov_policy__fail(ex, "variable '%.*s' depends on itself",
		    (int)n, name);
	sl->state = 1;
	/* A variable is one value: resource loops do not reach into it. */
	d->n_loops = 0;
	if (is_copy) {
		/* {name, count, input}: the variable is the unrolled array. */
		ov_json tmp;
		ov_json_member m[1];

		memset(&tmp, 0, sizeof(tmp));
		memset(m, 0, sizeof(m));
		m[0].key = "copy";
		m[0].klen = 4;
		m[0].khash = ov_json_key_hash("copy", 4);
		m[0].value.type = OV_JSON_ARRAY;
		m[0].value.len = 1;
		m[0].value.u.items = spec;
		m[0].value.offset = spec->offset;
		tmp.type = OV_JSON_OBJECT;
		tmp.len = 1;
		tmp.u.members = m;
		tmp.offset = spec->offset;
		error = ov_iac__value(d, &d->arm, &tmp, &v);
		if (error == 0)
			v = ov_json_len(v) > 0 ? &v->u.members[0].value :
			    unknown(d, ov__arena_printf(&d->x->scratch,
			    "[variables('%.*s')]", (int)n, name), false);
	} else
		error = ov_iac__value(d, &d->arm, spec, &v);
	d->n_loops = saved;
	if (error < 0)
		return error;
	sl->value = v;
	sl->state = 2;
	*out = v;
	return 0;
}

/* ---- copy loops and user-defined functions ----------------------------- */

static int
loop_index(struct dep *d, struct evalx *ex, const char *name, size_t n,
    const ov_json **out)
{
	int i;

	for (i = d->n_loops - 1; i >= 0; i--) {
		const struct loop *l = &d->loops[i];

		if (name == NULL ? l->resource : (l->name != NULL &&
		    ov__eq_ci(l->name, strlen(l->name), name, n))) {
			*out = l->index;
			return 0;
		}
	}
	if (d->outer != NULL)
		return loop_index(d->outer, ex, name, n, out);
	if (name == NULL)
		return ov_policy__fail(ex, "copyIndex() outside a copy loop");
	return ov_policy__fail(ex, "no copy loop named '%.*s'", (int)n, name);
}

static int hook_param(void *, struct evalx *, const char *, size_t,
    const ov_json **);
static int hook_var(void *, struct evalx *, const char *, size_t,
    const ov_json **);
static int hook_copy(void *, struct evalx *, const char *, size_t,
    const ov_json **);
static int hook_udf(void *, struct evalx *, const char *, const ov_json **,
    size_t, const ov_json **);

/* The definition of ns.fn among the template's functions, or NULL. */
static const ov_json *
find_udf(const struct dep *d, const char *name)
{
	const char *dot = strchr(name, '.');
	size_t i;

	if (dot == NULL || ov_json_type_of(d->fns) != OV_JSON_ARRAY)
		return NULL;
	for (i = 0; i < d->fns->len; i++) {
		const ov_json *ns = &d->fns->u.items[i];
		const char *nsname = ov_json_string(ov_json_get(ns,
		    "namespace"));
		long k;

		if (nsname == NULL || !ov__eq_ci(nsname, strlen(nsname), name,
		    (size_t)(dot - name)))
			continue;
		if ((k = member_index(ov_json_get(ns, "members"), dot + 1,
		    strlen(dot + 1))) >= 0)
			return &ov_json_get(ns, "members")->u.members[k].value;
	}
	return NULL;
}

static int
call_udf(struct dep *d, struct evalx *ex, const char *name,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	const ov_json *def = find_udf(d, name), *params;
	struct scope frame;
	struct arm_ctx arm;
	int error;

	if (def == NULL) {
		if (d->outer != NULL)
			return call_udf(d->outer, ex, name, argv, argc, out);
		return ov_policy__fail(ex, "the template defines no function "
		    "'%s'", name);
	}
	params = ov_json_get(def, "parameters");
	if (ov_json_len(params) != argc)
		return ov_policy__fail(ex, "function '%s' takes %zu "
		    "arguments, not %zu", name, ov_json_len(params), argc);
	if (d->x->udf_depth >= OV_IAC_MAX_DEPTH)
		return ov_policy__fail(ex, "user-defined functions nested too "
		    "deeply");
	memset(&frame, 0, sizeof(frame));
	frame.d = d;
	frame.fparams = params;
	frame.fargs = argv;
	frame.fargc = argc;
	arm = d->arm;
	arm.payload = &frame;
	d->x->udf_depth++;
	error = ov_iac__value(d, &arm, ov_json_get(ov_json_get(def, "output"),
	    "value"), out);
	d->x->udf_depth--;
	/* What a function returns belongs where it is called. */
	if (error == 0 && (*out = ov_iac__unplaced(d, *out)) == NULL)
		error = ov__error_oom(d->x->ctx);
	return error;
}

static int
hook_param(void *p, struct evalx *ex, const char *name, size_t n,
    const ov_json **out)
{
	const struct scope *sc = p;
	size_t i;

	if (sc->fparams == NULL)
		return param_value(sc->d, ex, name, n, out);
	/* Inside a user-defined function: its own parameters only. */
	for (i = 0; i < sc->fargc; i++) {
		const char *pn = ov_json_string(ov_json_get(
		    &sc->fparams->u.items[i], "name"));

		if (pn != NULL && ov__eq_ci(pn, strlen(pn), name, n)) {
			*out = sc->fargs[i];
			return 0;
		}
	}
	return ov_policy__fail(ex, "function has no parameter '%.*s'", (int)n,
	    name);
}

static int
hook_var(void *p, struct evalx *ex, const char *name, size_t n,
    const ov_json **out)
{
	const struct scope *sc = p;

	if (sc->fparams != NULL)
		return ov_policy__fail(ex, "variables() is not available in a "
		    "user-defined function");
	return var_value(sc->d, ex, name, n, out);
}

static int
hook_copy(void *p, struct evalx *ex, const char *name, size_t n,
    const ov_json **out)
{
	const struct scope *sc = p;

	return loop_index(sc->d, ex, name, n, out);
}

static int
hook_udf(void *p, struct evalx *ex, const char *name, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	const struct scope *sc = p;

	return call_udf(sc->d, ex, name, argv, argc, out);
}

/* ---- resources -------------------------------------------------------- */

/* The resource a nested resource sits in. */
struct parent {
	const char	*type;		/* full type */
	const char	*name;		/* full name */
	const char	*id;		/* its id */
	const char	*exists_if;	/* its condition, or NULL */
};

static const char *
both(struct dep *d, const char *a, const char *b)
{
	if (a == NULL)
		return b;
	if (b == NULL)
		return a;
	return ov__arena_printf(&d->x->s->arena, "%s and %s", a, b);
}

static size_t
n_slashes(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == '/';
	return n;
}

/* The id prefix of the deployment's scope. */
static const char *
scope_prefix(struct dep *d)
{
	struct ov_arena *a = &d->x->s->arena;

	switch (d->scope) {
	case ARM_SCOPE_TENANT:
		return "";
	case ARM_SCOPE_MG:
		return ov__arena_printf(a,
		    "/providers/Microsoft.Management/managementGroups/%s",
		    d->mg);
	case ARM_SCOPE_SUB:
		return ov__arena_printf(a, "/subscriptions/%s", d->sub);
	default:
		return ov__arena_printf(a, "/subscriptions/%s/resourceGroups/%s",
		    d->sub, d->rg);
	}
}

/*
 * "/providers/ns/t1/n1/t2/n2" for a full type and name; names beyond the
 * type's segments are appended as they are.
 */
static const char *
type_path(struct ov_arena *a, const char *type, const char *name)
{
	struct ov_buf b = OV_BUF_INIT(1 << 16);
	const char *t = type, *nm = name, *ts, *ns;
	const char *out;

	ts = strchr(t, '/');
	(void)ov__buf_printf(&b, "/providers/%.*s", ts != NULL ?
	    (int)(ts - t) : (int)strlen(t), t);
	t = ts != NULL ? ts + 1 : "";
	while (*t != '\0' || *nm != '\0') {
		ts = strchr(t, '/');
		ns = strchr(nm, '/');
		if (*t != '\0')
			(void)ov__buf_printf(&b, "/%.*s", ts != NULL ?
			    (int)(ts - t) : (int)strlen(t), t);
		if (*nm != '\0')
			(void)ov__buf_printf(&b, "/%.*s", ns != NULL ?
			    (int)(ns - nm) : (int)strlen(nm), nm);
		t = ts != NULL ? ts + 1 : "";
		nm = ns != NULL ? ns + 1 : "";
	}
	out = ov__arena_strndup(a, ov__buf_cstr(&b), b.len);
	ov__buf_free(&b);
	return out;
}

/* What a resource's scope property says its parent is (an id). */
static const char *
scope_id(struct dep *d, const ov_json *scope)
{
	const char *s = ov_json_string(scope), *id, *cut, *type;
	size_t k, i;

	if (s == NULL)
		return NULL;
	if (s[0] == '/')
		return s;
	/* A symbolic name (2.0) or "ns/t1/../n1/.." relative to the group. */
	if ((id = ov__map_get(&d->symbols, s, strlen(s))) != NULL)
		return id;
	k = n_slashes(s) + 1;
	if (k >= 3 && k % 2 == 1) {
		/* The type is the namespace and (k - 1) / 2 type names. */
		for (i = 0, cut = s; i <= (k - 1) / 2; i++)
			cut = strchr(cut, '/') + 1;
		type = ov__arena_strndup(&d->x->s->arena, s,
		    (size_t)(cut - s - 1));
		return type == NULL ? NULL : ov__arena_printf(&d->x->s->arena,
		    "%s%s", scope_prefix(d), type_path(&d->x->s->arena, type,
		    cut));
	}
	return ov__arena_printf(&d->x->s->arena, "%s/%s", scope_prefix(d), s);
}

static const char *
last_segment(const char *s)
{
	const char *p = strrchr(s, '/');

	return p != NULL ? p + 1 : s;
}

/* The namespace of an extension type written ".../providers/<type>". */
static const char *
ext_namespace(const char *ext)
{
	static const struct {
		const char	*type;	/* extension type */
		const char	*ns;	/* its resource provider */
	} map[] = {
		{ "roleAssignments", "Microsoft.Authorization" },
		{ "locks", "Microsoft.Authorization" },
		{ "policyAssignments", "Microsoft.Authorization" },
		{ "diagnosticSettings", "Microsoft.Insights" },
		{ "privateEndpointConnectionProxies", "Microsoft.Network" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (ov__streq_ci(ext, map[i].type))
			return map[i].ns;
	return NULL;
}

/* Members of a resource that are not part of the deployed resource. */
static bool
template_only(const char *key, size_t n)
{
	static const char *const skip[] = { "condition", "copy", "dependsOn",
	    "resources", "comments", "existing", "scope", "import",
	    "asserts", "name", "type", "id", "parent" };
	size_t i;

	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (ov__eq_ci(key, n, skip[i], strlen(skip[i])))
			return true;
	return false;
}

/* The value of a resource member that must be a known string. */
static int
known_string(struct dep *d, const ov_json *decl, const char *key,
    const ov_json **out)
{
	const ov_json *src = ov_json_get(decl, key);
	int error;

	*out = NULL;
	if (src == NULL)
		return 0;
	if ((error = ov_iac__value(d, &d->arm, src, out)) < 0)
		return error;
	return 0;
}

static int nested(struct dep *d, const ov_json *decl, const char *name,
    const char *exists_if);
static int resources(struct dep *d, const ov_json *list,
    const struct parent *p);

/*
 * The ARM defaults table (data/iac/arm-defaults.json), read once per
 * snapshot; NULL when it cannot be read (then nothing is filled in).
 */
static const ov_json *
defaults(struct expander *x)
{
	struct ov_snapshot *s = x->s;
	const char *dir, *path;
	char *data = NULL;
	size_t len = 0;

	if (s->iac == NULL && (s->iac = ov__calloc(1, sizeof(*s->iac))) ==
	    NULL)
		return NULL;
	if (!s->iac->defaults_read) {
		s->iac->defaults_read = true;
		dir = s->iac->data_dir != NULL ? s->iac->data_dir :
		    OV_SOURCE_DIR;
		path = ov__arena_printf(&x->scratch,
		    "%s/data/iac/arm-defaults.json", dir);
		if (path != NULL && ov__read_file(x->ctx, OV_ERRCLASS_INPUT,
		    path, 1u << 20, &data, &len) == 0)
			(void)ov_json_parse(&s->iac->defaults, x->ctx, data, len,
			    OV_JSON_STRICT, NULL);
		ov_error_clear(x->ctx);
		ov__free(data);
	}
	return ov_json_get(ov_json_doc_root(s->iac->defaults), "defaults");
}

/* Set path (absent) below obj to v, making the objects on the way. */
static int
set_absent(struct dep *d, ov_json *obj, const char *path, const ov_json *v,
    const ov_json *at)
{
	struct ov_arena *a = &d->x->s->arena;
	const char *dot = strchr(path, '.');
	size_t n = dot != NULL ? (size_t)(dot - path) : strlen(path);
	ov_json_member *m;
	ov_json *c;

	if (obj->type != OV_JSON_OBJECT || (obj->flags & OV_JSON_F_UNKNOWN))
		return 0;
	if ((c = (ov_json *)(uintptr_t)ov_json_getn(obj, path, n)) != NULL)
		return dot != NULL ? set_absent(d, c, dot + 1, v, at) : 0;
	if ((m = ov__arena_calloc(a, obj->len + 2, sizeof(*m))) == NULL)
		return ov__error_oom(d->x->ctx);
	if (obj->len > 0)
		memcpy(m, obj->u.members, obj->len * sizeof(*m));
	if ((m[obj->len].key = ov__arena_strndup(a, path, n)) == NULL)
		return ov__error_oom(d->x->ctx);
	m[obj->len].klen = (uint32_t)n;
	m[obj->len].khash = ov_json_key_hash(path, n);
	c = &m[obj->len].value;
	obj->u.members = m;
	obj->len++;
	if (dot == NULL) {
		/* The service's value, placed at the resource. */
		*c = *v;
		c->reserved = at->reserved;
		c->offset = at->offset;
		return 0;
	}
	memset(c, 0, sizeof(*c));
	c->type = OV_JSON_OBJECT;
	c->reserved = at->reserved;
	c->offset = at->offset;
	return set_absent(d, c, dot + 1, v, at);
}

/* Fill in what ARM gives a property the template leaves out. */
static int
apply_defaults(struct dep *d, ov_json *body, const char *type,
    const ov_json *api)
{
	const ov_json *list = defaults(d->x), *e;
	const char *t, *min, *ver = ov_json_string(api);
	size_t i;
	int error;

	for (i = 0; i < ov_json_len(list); i++) {
		e = ov_json_at(list, i);
		t = ov_json_string(ov_json_get(e, "type"));
		min = ov_json_string(ov_json_get(e, "minApiVersion"));
		if (t == NULL || !ov__streq_ci(t, type) ||
		    ov_json_get(e, "value") == NULL ||
		    ov_json_string(ov_json_get(e, "path")) == NULL)
			continue;
		/* Versions are dates: they order as text. */
		if (min != NULL && (ver == NULL || ov_policy__is_unknown(api) ||
		    strncmp(ver, min, strlen(min)) < 0))
			continue;
		if ((error = set_absent(d, body, ov_json_string(ov_json_get(e,
		    "path")), ov_iac__data(d, ov_json_get(e, "value"), body),
		    body)) < 0)
			return error;
	}
	return 0;
}

/* Add one expanded resource as a record. */
static int
add_record(struct dep *d, const ov_json *decl, const char *sym,
    const char *id, const ov_json *name, const char *type,
    const ov_json *api, const char *exists_if)
{
	struct ov_arena *a = &d->x->s->arena;
	struct ov_record_init init;
	struct ov_iac_src *src;
	ov_json_member *m;
	ov_json *body;
	const ov_json *v;
	size_t i, n = 0;
	bool has_props = false;
	int error;

	if (d->x->n_records >= OV_IAC_MAX_RECORDS)
		return ov_iac__diag(d, decl, "more than %d resources: the rest "
		    "are not checked", OV_IAC_MAX_RECORDS);
	if ((body = ov__arena_calloc(a, 1, sizeof(*body))) == NULL ||
	    (m = ov__arena_calloc(a, decl->len + 4, sizeof(*m))) == NULL ||
	    (src = ov__arena_calloc(a, 1, sizeof(*src))) == NULL)
		return ov__error_oom(d->x->ctx);
	body->type = OV_JSON_OBJECT;
	body->offset = decl->offset;
	body->reserved = decl->reserved;
	m[n].key = "id";
	if ((v = ov_policy__v_str(a, id, strlen(id))) == NULL)
		return ov__error_oom(d->x->ctx);
	m[n++].value = *v;
	m[n].key = "name";
	m[n++].value = *name;
	m[n].key = "type";
	if ((v = ov_policy__v_str(a, type, strlen(type))) == NULL)
		return ov__error_oom(d->x->ctx);
	m[n++].value = *v;
	for (i = 0; i < decl->len; i++) {
		const ov_json_member *dm = &decl->u.members[i];

		if (template_only(dm->key, dm->klen))
			continue;
		if (ov__eq_ci(dm->key, dm->klen, "apiVersion", 10) &&
		    api != NULL)
			v = api;
		else if ((error = ov_iac__value(d, &d->arm, &dm->value,
		    &v)) < 0)
			return error;
		if (ov__eq_ci(dm->key, dm->klen, "properties", 10))
			has_props = true;
		m[n].key = dm->key;
		m[n++].value = *v;
	}
	/* The template is the whole request: no properties means none. */
	if (!has_props) {
		ov_json *e = ov__arena_calloc(a, 1, sizeof(*e));

		if (e == NULL)
			return ov__error_oom(d->x->ctx);
		e->type = OV_JSON_OBJECT;
		e->offset = decl->offset;
		m[n].key = "properties";
		m[n++].value = *e;
	}
	for (i = 0; i < n; i++) {
		m[i].klen = (uint32_t)strlen(m[i].key);
		m[i].khash = ov_json_key_hash(m[i].key, m[i].klen);
	}
	body->u.members = m;
	body->len = (uint32_t)n;
	if ((error = apply_defaults(d, body, type, api)) < 0)
		return error;
	src->exists_if = exists_if;
	src->decl = decl;
	src->json_file = d->file;
	/* Bicep names a loop's copy after the resource's symbol. */
	if (d->bicep != NULL)
		src->bicep = ov_iac__bicep_find(d->bicep, decl, sym != NULL ?
		    sym : ov_json_string(ov_json_get(ov_json_get(decl, "copy"),
		    "name")), type, ov_json_string(api), false);
	memset(&init, 0, sizeof(init));
	init.body = body;
	init.id = id;
	init.type = type;
	init.file = d->file;
	init.iac = src;
	ov_iac__pos(d->x->s, d->file, decl->offset, &init.line,
	    &init.column);
	if ((error = ov_model__add_record(d->x->s, &init, NULL)) < 0) {
		if (error == OV_ENOMEM)
			return error;
		ov_error_clear(d->x->ctx);
		return ov_iac__diag(d, decl, "resource cannot become a record");
	}
	d->x->n_records++;
	return 0;
}

/*
 * One resource (one iteration of its copy loop): condition, type, name,
 * id, body, then its nested child resources.
 */
static int
one(struct dep *d, const ov_json *decl, const char *sym,
    const struct parent *p, const char *loop_if)
{
	struct ov_arena *a = &d->x->s->arena;
	const ov_json *cond, *tv, *nv, *api = NULL, *sv;
	const char *exists_if, *type, *name, *id, *prov;
	struct parent child;
	int error;

	exists_if = both(d, p != NULL ? p->exists_if : d->exists_if, loop_if);
	if ((cond = ov_json_get(decl, "condition")) != NULL) {
		if ((error = ov_iac__value(d, &d->arm, cond, &cond)) < 0)
			return error;
		if (ov_policy__is_unknown(cond))
			exists_if = both(d, exists_if, cond->u.str);
		else if (cond->type == OV_JSON_FALSE || (cond->type ==
		    OV_JSON_STRING && ov__streq_ci(cond->u.str, "false")))
			return 0;
		else if (cond->type != OV_JSON_TRUE && !(cond->type ==
		    OV_JSON_STRING && ov__streq_ci(cond->u.str, "true")))
			return ov_iac__diag(d, ov_json_get(decl, "condition"),
			    "condition is not a boolean");
	}
	if ((error = known_string(d, decl, "type", &tv)) < 0 ||
	    (error = known_string(d, decl, "name", &nv)) < 0 ||
	    (error = known_string(d, decl, "apiVersion", &api)) < 0)
		return error;
	if (!ov_json_is_string(tv) || ov_policy__is_unknown(tv))
		return ov_iac__diag(d, decl, "resource has no known type");
	if (nv == NULL || (!ov_json_is_string(nv) &&
	    !ov_policy__is_unknown(nv)))
		return ov_iac__diag(d, decl, "resource has no name");
	type = tv->u.str;
	name = nv->u.str;
	if (p != NULL && strchr(type, '/') == NULL) {
		type = ov__arena_printf(a, "%s/%s", p->type, type);
		name = ov__arena_printf(a, "%s/%s", p->name, name);
	} else if (p != NULL && n_slashes(name) + 1 < n_slashes(type))
		name = ov__arena_printf(a, "%s/%s", p->name, name);
	if (type == NULL || name == NULL)
		return ov__error_oom(d->x->ctx);
	/* The old spelling of an extension: ".../providers/<type>". */
	prov = ci_strstr(type, "/providers/");
	if ((sv = ov_json_get(decl, "scope")) != NULL &&
	    (error = ov_iac__value(d, &d->arm, sv, &sv)) < 0)
		return error;
	if (prov != NULL && ov_policy__is_unknown(nv)) {
		/* The name says the extension's namespace; without it, the
		 * usual one of the type. */
		const char *ext = prov + strlen("/providers/");
		const char *ns = ext_namespace(ext);

		if (ns == NULL) {
			unsigned line, column;

			ov_iac__pos(d->x->s, d->file, decl->offset, &line,
			    &column);
			return ov_iac__note(d->x->s, d->file, line, column,
			    "extension resource %s: its name is known only at "
			    "deployment, so its type is not checked", type);
		}
		type = ov__arena_printf(a, "%s/%s", ns, ext);
		id = ov__arena_printf(a, "%s/providers/%s/%s", scope_prefix(d),
		    type, name);
	} else if (prov != NULL) {
		const char *base = ov__arena_strndup(a, type,
		    (size_t)(prov - type));
		size_t segs = n_slashes(base), k;
		const char *cut = name;

		/* name: base names, then "<ns>/<ext names>". */
		for (k = 0; k < segs && cut != NULL; k++)
			cut = strchr(cut + (k > 0), '/');
		if (cut == NULL || base == NULL)
			return ov_iac__diag(d, decl, "extension resource name "
			    "'%s' does not match its type '%s'", name, type);
		{
			const char *nsend = strchr(cut + 1, '/');

			if (nsend == NULL)
				return ov_iac__diag(d, decl, "extension "
				    "resource name '%s' does not match its "
				    "type '%s'", name, type);
			id = ov__arena_printf(a, "%s%s%s", scope_prefix(d),
			    type_path(a, base, ov__arena_strndup(a, name,
			    (size_t)(cut - name))), type_path(a,
			    ov__arena_printf(a, "%.*s/%s", (int)(nsend - cut -
			    1), cut + 1, prov + strlen("/providers/")),
			    nsend + 1));
			type = ov__arena_printf(a, "%.*s/%s",
			    (int)(nsend - cut - 1), cut + 1,
			    prov + strlen("/providers/"));
			name = nsend + 1;
		}
	} else if (sv != NULL && ov_json_is_string(sv) &&
	    !ov_policy__is_unknown(sv)) {
		id = ov__arena_printf(a, "%s%s", scope_id(d, sv),
		    type_path(a, type, name));
	} else if (sv != NULL && ov_policy__is_unknown(sv)) {
		id = ov__arena_printf(a, "%s%s", sv->u.str,
		    type_path(a, type, name));
	} else if (d->scope == ARM_SCOPE_SUB && ov__streq_ci(type,
	    "Microsoft.Resources/resourceGroups")) {
		id = ov__arena_printf(a, "/subscriptions/%s/resourceGroups/%s",
		    d->sub, name);
	} else
		id = ov__arena_printf(a, "%s%s", scope_prefix(d),
		    type_path(a, type, name));
	if (id == NULL || type == NULL)
		return ov__error_oom(d->x->ctx);
	if (sym != NULL && ov__map_get(&d->symbols, sym, strlen(sym)) == NULL &&
	    ov__map_put(&d->symbols, sym, strlen(sym), (void *)(uintptr_t)id) <
	    0)
		return ov__error_oom(d->x->ctx);
	if (ov_json_is_true(ov_json_get(decl, "existing")))
		return 0;	/* referenced, not deployed */
	if (ov__streq_ci(type, "Microsoft.Resources/deployments"))
		return nested(d, decl, name, exists_if);
	if (!ov_policy__is_unknown(nv))
		nv = ov_policy__v_str(a, last_segment(name),
		    strlen(last_segment(name)));
	if (nv == NULL)
		return ov__error_oom(d->x->ctx);
	if ((error = add_record(d, decl, sym, id, nv, type, api,
	    exists_if)) < 0)
		return error;
	if (ov_json_get(decl, "resources") == NULL)
		return 0;
	child.type = type;
	child.name = name;
	child.id = id;
	child.exists_if = exists_if;
	return resources(d, ov_json_get(decl, "resources"), &child);
}

/* A resource with its copy loop, if any. */
static int
resource(struct dep *d, const ov_json *decl, const char *sym,
    const struct parent *p)
{
	const ov_json *copy = ov_json_get(decl, "copy"), *cnt;
	struct loop *l;
	int64_t n, i;
	int error = 0;

	if (ov_json_type_of(decl) != OV_JSON_OBJECT)
		return ov_iac__diag(d, decl, "resource is not an object");
	if (ov_json_type_of(copy) != OV_JSON_OBJECT)
		return one(d, decl, sym, p, NULL);
	if (d->n_loops >= OV_IAC_MAX_LOOPS)
		return ov_iac__diag(d, copy, "copy loops nested too deeply");
	if ((error = ov_iac__value(d, &d->arm, ov_json_get(copy, "count"),
	    &cnt)) < 0)
		return error;
	l = &d->loops[d->n_loops];
	l->name = ov_json_string(ov_json_get(copy, "name"));
	l->resource = true;
	if (ov_policy__is_unknown(cnt)) {
		/* How many is known only at deployment: one stands for all,
		 * and may not exist. */
		l->index = unknown(d, "[copyIndex()]", true);
		d->n_loops++;
		error = one(d, decl, sym, p, cnt->u.str);
		d->n_loops--;
		return error;
	}
	if (!ov_policy__int(cnt, &n) || n < 0 || n > OV_IAC_MAX_COPY)
		return ov_iac__diag(d, ov_json_get(copy, "count"), "copy count "
		    "must be an integer from 0 to %d", OV_IAC_MAX_COPY);
	for (i = 0; i < n && error == 0; i++) {
		l->index = ov_policy__v_int(&d->x->s->arena, i);
		if (l->index == NULL)
			return ov__error_oom(d->x->ctx);
		d->n_loops++;
		error = one(d, decl, sym, p, NULL);
		d->n_loops--;
	}
	return error;
}

/* A template's resources: an array, or (2.0) an object by symbolic name. */
static int
resources(struct dep *d, const ov_json *list, const struct parent *p)
{
	size_t i;
	int error;

	if (ov_json_type_of(list) == OV_JSON_ARRAY) {
		for (i = 0; i < list->len; i++)
			if ((error = resource(d, &list->u.items[i], NULL,
			    p)) < 0)
				return error;
		return 0;
	}
	if (ov_json_type_of(list) == OV_JSON_OBJECT) {
		for (i = 0; i < list->len; i++)
			if ((error = resource(d, &list->u.members[i].value,
			    list->u.members[i].key, p)) < 0)
				return error;
		return 0;
	}
	if (list != NULL && list->type != OV_JSON_NULL)
		return ov_iac__diag(d, list, "resources is neither an array "
		    "nor an object");
	return 0;
}

/* ---- deployments ------------------------------------------------------ */

static int
scope_kind(const ov_json *tmpl)
{
	const char *schema = ov_json_string(ov_json_get(tmpl, "$schema"));

	if (schema == NULL)
		return ARM_SCOPE_RG;
	if (ci_strstr(schema, "subscriptionDeploymentTemplate") != NULL)
		return ARM_SCOPE_SUB;
	if (ci_strstr(schema, "managementGroupDeploymentTemplate") != NULL)
		return ARM_SCOPE_MG;
	if (ci_strstr(schema, "tenantDeploymentTemplate") != NULL)
		return ARM_SCOPE_TENANT;
	return ARM_SCOPE_RG;
}

/* deployment(): name, properties.templateLink.uri and the template. */
static const ov_json *
deployment_value(struct dep *d, const char *name, const char *uri)
{
	struct ov_arena *a = &d->x->s->arena;
	static const char *const lk[] = { "uri", "contentVersion" };
	static const char *const tk[] = { "$schema", "contentVersion",
	    "metadata" };
	static const char *const pk[] = { "templateLink", "template",
	    "parameters", "mode", "provisioningState" };
	static const char *const dk[] = { "name", "properties", "location" };
	const ov_json *lv[2], *tv[3], *pv[5], *dv[3];
	const ov_json *meta = ov_json_get(d->tmpl, "metadata");
	const char *cv = ov_json_string(ov_json_get(d->tmpl,
	    "contentVersion"));
	const char *sch = ov_json_string(ov_json_get(d->tmpl, "$schema"));

	lv[0] = ov_policy__v_str(a, uri, strlen(uri));
	lv[1] = ov_policy__v_str(a, cv != NULL ? cv : "1.0.0.0",
	    strlen(cv != NULL ? cv : "1.0.0.0"));
	tv[0] = ov_policy__v_str(a, sch != NULL ? sch : "",
	    sch != NULL ? strlen(sch) : 0);
	tv[1] = lv[1];
	tv[2] = meta != NULL ? meta : ov_policy__v_object(a, NULL, NULL, 0);
	pv[0] = lv[0] != NULL && lv[1] != NULL ? ov_policy__v_object(a, lk,
	    lv, 2) : NULL;
	pv[1] = tv[0] != NULL && tv[2] != NULL ? ov_policy__v_object(a, tk,
	    tv, 3) : NULL;
	pv[2] = ov_policy__v_object(a, NULL, NULL, 0);
	pv[3] = ov_policy__v_str(a, "Incremental", 11);
	pv[4] = ov_policy__v_str(a, "Accepted", 8);
	dv[0] = ov_policy__v_str(a, name, strlen(name));
	dv[1] = pv[0] != NULL && pv[1] != NULL && pv[2] != NULL &&
	    pv[3] != NULL && pv[4] != NULL ? ov_policy__v_object(a, pk, pv,
	    5) : NULL;
	dv[2] = unknown(d, "deployment().location", true);
	if (dv[0] == NULL || dv[1] == NULL || dv[2] == NULL)
		return NULL;
	return ov_policy__v_object(a, dk, dv, d->scope == ARM_SCOPE_RG ? 2 :
	    3);
}

/* Fill a deployment's own state from its template. */
static int
setup(struct dep *d, const char *dep_name, const char *uri)
{
	struct ov_arena *a = &d->x->scratch;
	const ov_json *v = ov_json_get(d->tmpl, "variables");
	const char *lv = ov_json_string(ov_json_get(d->tmpl,
	    "languageVersion"));

	d->v2 = lv != NULL && strncmp(lv, "1.", 2) != 0;
	if (d->outer == NULL || d->pdecl != NULL) {
		d->pdecl = ov_json_get(d->tmpl, "parameters");
		d->vdecl = v;
		d->fns = ov_json_get(d->tmpl, "functions");
		if (ov_json_type_of(ov_json_get(v, "copy")) == OV_JSON_ARRAY)
			d->vcopy = ov_json_get(v, "copy");
	}
	d->pslots = ov__arena_calloc(a, ov_json_len(d->pdecl) + 1,
	    sizeof(*d->pslots));
	d->vslots = ov__arena_calloc(a, ov_json_len(d->vdecl) + 1,
	    sizeof(*d->vslots));
	d->cslots = ov__arena_calloc(a, ov_json_len(d->vcopy) + 1,
	    sizeof(*d->cslots));
	if (d->pslots == NULL || d->vslots == NULL || d->cslots == NULL)
		return ov__error_oom(d->x->ctx);
	d->self.d = d;
	if (d->outer == NULL || d->arm.payload == NULL) {
		d->arm.scope = d->scope;
		d->arm.subscription = d->sub;
		d->arm.resource_group = d->rg;
		d->arm.mgmt_group = d->mg;
		d->arm.tenant = OV_IAC_PLACEHOLDER_TENANT;
		d->arm.location = NULL;
		if ((d->arm.deployment = deployment_value(d, dep_name,
		    uri)) == NULL)
			return ov__error_oom(d->x->ctx);
	}
	d->arm.payload = &d->self;
	d->arm.parameter = hook_param;
	d->arm.variable = hook_var;
	d->arm.copy_index = hook_copy;
	d->arm.udf = hook_udf;
	return 0;
}

static int
expand(struct dep *d)
{
	int error;

	error = resources(d, ov_json_get(d->tmpl, "resources"), NULL);
	ov__map_free(&d->symbols);
	return error;
}

/* The path of rel under dir ("a/b" + "n/x.json"). */
static const char *
join(struct ov_arena *a, const char *dir, const char *rel)
{
	/* A template names files next to it, never anywhere else. */
	while (rel[0] == '/')
		rel++;
	return ov__arena_printf(a, "%s/%s", dir != NULL && *dir != '\0' ?
	    dir : ".", rel);
}

static const char *
dir_of(struct ov_arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? ov__arena_strndup(a, path,
	    (size_t)(slash - path)) : ".";
}

/*
 * Read a linked template.  A missing file named by relativePath is an
 * error (the deployment would fail); one reached through a URI is a note
 * (its resources are not checked).
 */
static int
read_linked(struct dep *d, const ov_json *at, const char *path, bool must,
    const ov_json **root, uint32_t *file)
{
	struct ov_snapshot *s = d->x->s;
	struct load_ctx lc = *d->x->lc;
	unsigned line, column;
	char *data = NULL;
	size_t len = 0;
	int error;

	*root = NULL;
	if (ov__read_file(d->x->ctx, OV_ERRCLASS_INPUT, path, 64u << 20, &data,
	    &len) < 0) {
		ov_error_clear(d->x->ctx);
		if (must)
			return ov_iac__diag(d, at, "linked template '%s' not "
			    "found", path);
		ov_iac__pos(s, d->file, at->offset, &line, &column);
		return ov_iac__note(s, d->file, line, column, "linked "
		    "template '%s' not found: its resources are not checked",
		    path);
	}
	if ((error = ov_iac__add_file(s, path, "arm-template", file)) < 0 ||
	    (error = ov_iac__linked(s, path)) < 0)
		goto done;
	lc.file = *file;
	lc.path = s->files[*file].path;
	if ((error = ov_iac__lines(s, *file, data, len)) < 0)
		goto done;
	error = ov_snap__parse_keep(&lc, data, len, OV_JSON_LENIENT, root);
	if (error == OV_ENOMEM)
		goto done;
	if (error < 0) {
		const ov_error *e = ov_error_last(d->x->ctx);

		error = ov_snap__diag(&lc, e->line, e->column, NULL, "%s",
		    e->message);
		ov_error_clear(d->x->ctx);
		*root = NULL;
		goto done;
	}
	if (!ov_iac__is_template(*root)) {
		error = ov_snap__diag(&lc, 1, 1, NULL, "not an ARM template");
		*root = NULL;
	}
done:
	ov__free(data);
	return error;
}

/* A nested deployment: its template, scope and parameters, expanded. */
static int
nested(struct dep *d, const ov_json *decl, const char *name,
    const char *exists_if)
{
	struct ov_arena *a = &d->x->s->arena;
	const ov_json *props = ov_json_get(decl, "properties"), *v, *tmpl;
	const ov_json *link, *mode;
	const char *uri = NULL, *path = NULL, *rel;
	struct dep *n;
	unsigned line, column;
	uint32_t file = d->file;
	bool inner;
	int error;

	if (d->depth + 1 >= OV_IAC_MAX_DEPTH)
		return ov_iac__diag(d, decl, "deployments nested more than %d "
		    "deep", OV_IAC_MAX_DEPTH);
	if ((n = ov__arena_calloc(&d->x->scratch, 1, sizeof(*n))) == NULL)
		return ov__error_oom(d->x->ctx);
	n->x = d->x;
	n->depth = d->depth + 1;
	n->exists_if = exists_if;
	n->path = d->path;
	n->file = d->file;
	/* Where its resources go. */
	n->scope = d->scope;
	n->sub = d->sub;
	n->rg = d->rg;
	n->mg = d->mg;
	if ((v = ov_json_get(decl, "subscriptionId")) != NULL) {
		if ((error = ov_iac__value(d, &d->arm, v, &v)) < 0)
			return error;
		n->sub = ov_iac__text(d, v);
		if (d->scope != ARM_SCOPE_RG)
			n->scope = ARM_SCOPE_SUB;
	}
	if ((v = ov_json_get(decl, "resourceGroup")) != NULL) {
		if ((error = ov_iac__value(d, &d->arm, v, &v)) < 0)
			return error;
		n->rg = ov_iac__text(d, v);
		n->scope = ARM_SCOPE_RG;
	}
	if (n->sub == NULL)
		n->sub = OV_IAC_PLACEHOLDER_SUBSCRIPTION;
	mode = ov_json_get(ov_json_get(props, "expressionEvaluationOptions"),
	    "scope");
	if (mode != NULL && (error = ov_iac__value(d, &d->arm, mode,
	    &mode)) < 0)
		return error;
	inner = ov_json_is_string(mode) && ov__streq_ci(mode->u.str, "inner");
	tmpl = ov_json_get(props, "template");
	link = ov_json_get(props, "templateLink");
	if (tmpl == NULL && link != NULL) {
		if ((error = ov_iac__value(d, &d->arm, link, &link)) < 0)
			return error;
		inner = true;	/* a linked template has its own scope */
		ov_iac__pos(d->x->s, d->file, decl->offset, &line, &column);
		if ((rel = ov_json_string(ov_json_get(link,
		    "relativePath"))) != NULL &&
		    !ov_policy__is_unknown(ov_json_get(link, "relativePath"))) {
			path = join(a, dir_of(a, d->path), rel);
			if ((error = read_linked(d, decl, path, true, &tmpl,
			    &file)) < 0 || tmpl == NULL)
				return error;
		} else if ((uri = ov_json_string(ov_json_get(link, "uri"))) !=
		    NULL && !ov_policy__is_unknown(ov_json_get(link, "uri")) &&
		    strncmp(uri, LINK_BASE, strlen(LINK_BASE)) == 0) {
			/* Under the template's own location: a local file. */
			rel = ov__arena_strndup(a, uri + strlen(LINK_BASE),
			    strcspn(uri + strlen(LINK_BASE), "?#"));
			path = join(a, d->x->main_dir, rel);
			if ((error = read_linked(d, decl, path, false, &tmpl,
			    &file)) < 0 || tmpl == NULL)
				return error;
		} else {
			/* A query may hold a SAS token: never print it. */
			const char *u = uri != NULL ? ov_iac__text(d,
			    ov_json_get(link, "uri")) : "(template spec)";

			return ov_iac__note(d->x->s, d->file, line, column,
			    "linked template %.*s is not a local file: its "
			    "resources are not checked", (int)strcspn(u, "?"),
			    u);
		}
	}
	if (ov_json_type_of(tmpl) != OV_JSON_OBJECT)
		return ov_iac__diag(d, decl, "nested deployment has no "
		    "template");
	n->tmpl = tmpl;
	n->file = file;
	if (path != NULL)
		n->path = path;
	if (inner) {
		v = ov_json_get(props, "parameters");
		if (v != NULL && (error = ov_iac__value(d, &d->arm, v,
		    &n->pvals)) < 0)
			return error;
		if (ov_json_get(props, "parametersLink") != NULL) {
			ov_iac__pos(d->x->s, d->file, decl->offset, &line,
			    &column);
			if ((error = ov_iac__note(d->x->s, d->file, line,
			    column, "parametersLink of deployment '%s' is not "
			    "read: its parameters are known only at "
			    "deployment", name)) < 0)
				return error;
		}
		n->pdecl = ov_json_get(tmpl, "parameters");
		if (n->pdecl == NULL)
			n->pdecl = ov_policy__v_object(a, NULL, NULL, 0);
	} else {
		/* Outer scope: the parent's parameters, variables and
		 * functions, resourceGroup() and subscription(). */
		n->outer = d;
		n->arm = d->arm;
	}
	if (d->bicep != NULL) {
		const struct ov_iac_bicep *mod = ov_iac__bicep_find(d->bicep,
		    decl, NULL, "Microsoft.Resources/deployments", NULL, true);
		const char *mp = ov_iac__bicep_module_path(mod);

		if (mp != NULL)
			n->bicep = ov_iac__bicep_module(&d->x->s->arena,
			    d->x->ctx, d->bicep, mp);
	}
	if (uri == NULL)
		uri = ov__arena_printf(a, "%s%s", LINK_BASE, path != NULL ?
		    path : "nested.json");
	if ((error = setup(n, name, uri)) < 0)
		return error;
	if (!inner)
		n->arm.payload = &n->self;
	error = expand(n);
	ov_iac__bicep_close(n->bicep);
	return error;
}

/* ---- the template file ------------------------------------------------ */

/* True for a deployment template. */
bool
ov_iac__is_template(const ov_json *root)
{
	return ov_json_get(root, "resources") != NULL &&
	    ov_snap__schema_is(root, "deploymentTemplate");
}

/* True for a deployment parameters file. */
bool
ov_iac__is_parameters(const ov_json *root)
{
	return ov_json_get(root, "parameters") != NULL &&
	    ov_snap__schema_is(root, "deploymentParameters");
}

/*
 * The parameters file that goes with the template at path: "x.json" ->
 * "x.parameters.json" (so azuredeploy.json -> azuredeploy.parameters.json,
 * and a .bicepparam compiled next to main.json -> main.parameters.json),
 * else the only "*.parameters.json" beside it.
 */
static int
sibling(struct expander *x, const char *path, ov_json_doc **out,
    const char **found)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	const char *cand;
	char *data = NULL;
	size_t len = 0;
	ov_json_doc *doc = NULL;

	*out = NULL;
	*found = NULL;
	if (dot == NULL || (slash != NULL && dot < slash))
		return 0;
	cand = ov__arena_printf(&x->scratch, "%.*s.parameters.json",
	    (int)(dot - path), path);
	if (cand == NULL)
		return ov__error_oom(x->ctx);
	if (ov__read_file(x->ctx, OV_ERRCLASS_INPUT, cand, 64u << 20, &data,
	    &len) < 0) {
		ov_error_clear(x->ctx);
		if ((cand = ov_iac__only_file(&x->scratch, x->ctx,
		    x->main_dir, ".parameters.json", true)) == NULL ||
		    strcmp(cand, path) == 0)
			return 0;
		if (ov__read_file(x->ctx, OV_ERRCLASS_INPUT, cand, 64u << 20,
		    &data, &len) < 0) {
			ov_error_clear(x->ctx);
			return 0;
		}
	}
	if (ov_json_parse(&doc, x->ctx, data, len, OV_JSON_LENIENT,
	    NULL) == 0 && ov_iac__is_parameters(ov_json_doc_root(doc))) {
		*out = doc;
		*found = cand;
	} else
		ov_json_doc_free(doc);
	ov_error_clear(x->ctx);
	ov__free(data);
	return 0;
}

/* Expand a template file; see iac_int.h. */
int
ov_iac__load_template(struct load_ctx *lc, const ov_json *root)
{
	struct ov_snapshot *s = lc->s;
	const struct ov_iac_opts *o = s->iac;
	struct expander x;
	struct dep top;
	ov_json_doc *sib = NULL;
	const char *sib_path = NULL, *gen, *base;
	int error;

	memset(&x, 0, sizeof(x));
	memset(&top, 0, sizeof(top));
	x.lc = lc;
	x.s = s;
	x.ctx = s->ctx;
	x.opts = o;
	ov__arena_init(&x.scratch, 0, 0);
	if ((error = ov_iac__lines(s, lc->file, lc->data, lc->len)) < 0)
		goto done;
	x.main_dir = dir_of(&x.scratch, lc->path);
	if ((error = sibling(&x, lc->path, &sib, &sib_path)) < 0)
		goto done;
	if (sib != NULL) {
		x.sibling = ov_json_get(ov_json_doc_root(sib), "parameters");
		if ((error = ov_iac__note(s, lc->file, 0, 0, "parameters from "
		    "%s", sib_path)) < 0)
			goto done;
	}
	top.x = &x;
	top.tmpl = root;
	top.file = lc->file;
	top.path = lc->path;
	top.top = true;
	top.scope = scope_kind(root);
	top.sub = o != NULL && o->subscription != NULL ? o->subscription :
	    OV_IAC_PLACEHOLDER_SUBSCRIPTION;
	top.rg = top.scope == ARM_SCOPE_RG ? (o != NULL &&
	    o->resource_group != NULL ? o->resource_group :
	    OV_IAC_PLACEHOLDER_RESOURCE_GROUP) : NULL;
	top.mg = o != NULL && o->mgmt_group != NULL ? o->mgmt_group :
	    OV_IAC_PLACEHOLDER_MANAGEMENT_GROUP;
	gen = ov_json_string(ov_json_get(ov_json_get(ov_json_get(root,
	    "metadata"), "_generator"), "name"));
	if (gen != NULL && ov__streq_ci(gen, "bicep"))
		top.bicep = ov_iac__bicep_open(&s->arena, s->ctx, lc->path);
	base = strrchr(lc->path, '/');
	if ((error = setup(&top, OV_IAC_PLACEHOLDER_DEPLOYMENT,
	    ov__arena_printf(&x.scratch, "%s%s", LINK_BASE, base != NULL ?
	    base + 1 : lc->path))) < 0)
		goto done;
	error = expand(&top);
	ov_iac__bicep_close(top.bicep);
done:
	ov_iac__cache_free(&x.cache);
	ov__arena_free(&x.scratch);
	ov_json_doc_free(sib);
	return error;
}
