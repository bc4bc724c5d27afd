/* SPDX-License-Identifier: MIT */
/*
 * Terraform plans (`terraform show -json plan.out`, HashiCorp's JSON
 * output format): the planned values of every managed azurerm resource
 * become an ARM-shaped record (type, name, id, properties) through the
 * mapping table data/iac/terraform-azurerm.json, so the rule pack's Azure
 * Policy rules run on them unchanged.  Values "known after apply"
 * (after_unknown) are unknown; sensitive ones are unknown too, so a secret
 * never reaches a record.  An id known only after apply that the
 * configuration takes from another planned resource ("x.id") is that
 * resource's id.  Resource types and attributes the table does not map
 * are listed as notes (overvisor inspect), never dropped silently.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/iac/iac_int.h"
#include "policy/policy_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/time.h"

#define TF_MAX_DEPTH 16		/* module nesting read */
#define TF_PATH_MAX 256		/* bytes of an attribute path */

/* One (ARM path, value) to set on a record. */
struct assign {
	const char	*path;		/* "properties.x.y" */
	const ov_json	*value;		/* stamped */
};

/* One planned resource. */
struct tfres {
	const ov_json	*node;		/* its object in the plan */
	const char	*address;	/* "module.m.azurerm_x.y[0]" */
	const char	*tftype;	/* "azurerm_x" */
	const ov_json	*values;	/* planned values */
	const ov_json	*unknown;	/* after_unknown, or NULL */
	const ov_json	*sensitive;	/* after_sensitive, or NULL */
	const ov_json	*refs;		/* configuration expressions */
	const ov_json	*spec;		/* mapping, or NULL */
	const char	*id;		/* ARM id, or NULL */
	const char	*name;		/* ARM name (last segment) */
	bool		 id_unknown;	/* the name is known only after apply */
	struct assign	*as;		/* what to set */
	size_t		 n_as, as_cap;
};

struct tf {
	struct load_ctx	*lc;		/* the plan's load */
	struct ov_snapshot *s;		/* filled */
	struct ov_arena	*a;		/* the snapshot's arena */
	ov_json_doc	*mapdoc;	/* the mapping table */
	const ov_json	*types;		/* table: types */
	const ov_json	*common;	/* table: entries of every type */
	const ov_json	*ignore;	/* table: attributes never listed */
	const ov_json	*roles;		/* table: role name -> id */
	const ov_json	*config;	/* the plan's configuration */
	struct tfres	*res;		/* resources */
	size_t		 n_res, res_cap;
	const char	*sub;		/* subscription of the ids */
	struct ov_map	 by_addr;	/* address -> index + 1 */
	struct ov_map	 by_id;		/* ARM id -> index + 1 */
	struct ov_map	 exprs;		/* configuration address (no
					   instance keys) -> expressions */
};

static uint16_t
file_tag(const struct tf *t)
{
	return t->lc->file + 1 <= UINT16_MAX ? (uint16_t)(t->lc->file + 1) :
	    0;
}

/* A new node placed at the plan node at. */
static ov_json *
node(struct tf *t, uint8_t type, const ov_json *at)
{
	ov_json *n = ov__arena_calloc(t->a, 1, sizeof(*n));

	if (n != NULL) {
		n->type = type;
		n->reserved = file_tag(t);
		n->offset = at != NULL ? at->offset : 0;
	}
	return n;
}

static const ov_json *
str_at(struct tf *t, const char *s, const ov_json *at)
{
	ov_json *n = node(t, OV_JSON_STRING, at);

	if (n == NULL || (n->u.str = ov__arena_strdup(t->a, s)) == NULL)
		return NULL;
	n->len = (uint32_t)strlen(s);
	return n;
}

static void
keep_offset(ov_json *n, const ov_json *src, void *p)
{
	(void)src;
	n->reserved = *(const uint16_t *)p;
}

/* A copy of a plan value (or a table constant), placed where written. */
static const ov_json *
copy_at(struct tf *t, const ov_json *v)
{
	uint16_t tag = file_tag(t);
	struct ov_copy_hooks h = { keep_offset, NULL, &tag };

	return ov_policy__v_copy(t->a, v, &h);
}

/* ---- paths ------------------------------------------------------------ */

/* The value at a dotted path with list indexes ("a.0.b"), or NULL. */
static const ov_json *
at_path(const ov_json *v, const char *path)
{
	const char *p = path, *end;
	size_t n;

	while (v != NULL && *p != '\0') {
		end = strchr(p, '.');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (ov_json_type_of(v) == OV_JSON_ARRAY && n > 0 &&
		    p[0] >= '0' && p[0] <= '9')
			v = ov_json_at(v, strtoul(p, NULL, 10));
		else if (ov_json_type_of(v) == OV_JSON_OBJECT)
			v = ov_json_getn(v, p, n);
		else
			v = NULL;
		p = end != NULL ? end + 1 : p + n;
	}
	return v;
}

/*
 * True when after_unknown (or after_sensitive) marks the path, or a
 * prefix of it, as true.
 */
static bool
marked(const ov_json *mark, const char *path)
{
	char buf[TF_PATH_MAX];
	const ov_json *v;
	char *dot;

	if (mark == NULL)
		return false;
	if (ov_json_is_true(mark))
		return true;
	snprintf(buf, sizeof(buf), "%s", path);
	for (;;) {
		if ((v = at_path(mark, buf)) != NULL && ov_json_is_true(v))
			return true;
		if ((dot = strrchr(buf, '.')) == NULL)
			return false;
		*dot = '\0';
	}
}

/* ---- references to other planned resources ----------------------------- */

/* Index the configuration's resources by address, modules included. */
static int
index_config(struct tf *t, const ov_json *mod, const char *prefix, int depth)
{
	const ov_json *rs = ov_json_get(mod, "resources");
	const ov_json *calls = ov_json_get(mod, "module_calls");
	const char *key;
	size_t i;
	int error;

	if (depth > TF_MAX_DEPTH)
		return 0;
	for (i = 0; i < ov_json_len(rs); i++) {
		const ov_json *r = ov_json_at(rs, i);
		const char *ra = ov_json_string(ov_json_get(r, "address"));

		if (ra == NULL || (key = ov__arena_printf(t->a, "%s%s", prefix,
		    ra)) == NULL)
			continue;
		if (ov__map_get(&t->exprs, key, strlen(key)) == NULL &&
		    ov__map_put(&t->exprs, key, strlen(key),
		    (void *)(uintptr_t)ov_json_get(r, "expressions")) < 0)
			return ov__error_oom(t->s->ctx);
	}
	for (i = 0; i < ov_json_len(calls); i++) {
		const ov_json_member *m = ov_json_member_at(calls, i);

		if ((key = ov__arena_printf(t->a, "%smodule.%s.", prefix,
		    m->key)) == NULL)
			return ov__error_oom(t->s->ctx);
		if ((error = index_config(t, ov_json_get(&m->value, "module"),
		    key, depth + 1)) < 0)
			return error;
	}
	return 0;
}

/* The configuration expressions of a resource address (instance keys
 * dropped), or NULL. */
static const ov_json *
config_exprs(struct tf *t, const char *address)
{
	char key[512];
	size_t i, j = 0;

	for (i = 0; address[i] != '\0' && j + 1 < sizeof(key); i++) {
		if (address[i] == '[') {
			while (address[i] != '\0' && address[i] != ']')
				i++;
			if (address[i] == '\0')
				break;
			continue;
		}
		key[j++] = address[i];
	}
	key[j] = '\0';
	return ov__map_get(&t->exprs, key, j);
}

/* The resource at an address, or NULL. */
static struct tfres *
by_address(struct tf *t, const char *address)
{
	uintptr_t i = (uintptr_t)ov__map_get(&t->by_addr, address,
	    strlen(address));

	return i != 0 ? &t->res[i - 1] : NULL;
}

/* The planned resource a configuration reference names, or NULL. */
static const struct tfres *
referenced(struct tf *t, const struct tfres *r, const char *attr)
{
	/* A block's attribute ("block.0.attr") is under the block's. */
	const ov_json *refs = ov_json_get(at_path(r->refs, attr),
	    "references");
	const char *prefix = "", *dot;
	const struct tfres *x;
	size_t i, plen;
	char want[512];

	/* References inside a module are relative to it. */
	if ((dot = strstr(r->address, r->tftype)) != NULL && dot > r->address)
		prefix = r->address;
	plen = dot != NULL && dot > r->address ? (size_t)(dot - r->address) : 0;
	for (i = 0; i < ov_json_len(refs); i++) {
		const char *ref = ov_json_string(ov_json_at(refs, i));
		size_t n;

		if (ref == NULL || (n = strlen(ref)) < 4 ||
		    strcmp(ref + n - 3, ".id") != 0)
			continue;
		snprintf(want, sizeof(want), "%.*s%.*s", (int)plen, prefix,
		    (int)(n - 3), ref);
		if ((x = by_address(t, want)) != NULL && x->id != NULL)
			return x;
	}
	return NULL;
}

/* A string attribute, an id another planned resource gives, or NULL. */
static const char *
attr_str(struct tf *t, const struct tfres *r, const char *attr)
{
	const ov_json *v = at_path(r->values, attr);
	const struct tfres *x;

	if (ov_json_is_string(v) && v->len > 0 && !marked(r->unknown, attr))
		return v->u.str;
	if ((x = referenced(t, r, attr)) != NULL)
		return x->id;
	return NULL;
}

/* ---- ids ---------------------------------------------------------------- */

static const char *
last_type(const char *type)
{
	const char *s = strrchr(type, '/');

	return s != NULL ? s + 1 : type;
}

/*
 * The ARM id of r, or NULL while something it needs is not yet known
 * (another resource's id).
 */
static const char *
make_id(struct tf *t, struct tfres *r)
{
	const ov_json *spec = r->spec, *parent = ov_json_get(spec, "parent");
	const char *type = ov_json_string(ov_json_get(spec, "type"));
	const char *rg, *name, *x, *known;
	const char *name_attr = ov_json_string(ov_json_get(spec, "name_attr"));
	struct ov_buf b = OV_BUF_INIT(1 << 16);
	const char *out = NULL;
	size_t i;

	known = ov_json_string(ov_json_get(r->values, "id"));
	if (known != NULL && known[0] == '/' && !marked(r->unknown, "id"))
		return ov__arena_strdup(t->a, known);
	if ((name = ov_json_string(ov_json_get(spec, "name_const"))) == NULL) {
		name = attr_str(t, r, name_attr != NULL ? name_attr : "name");
		if (name == NULL)
			name = ov_json_string(ov_json_get(spec,
			    "name_default"));
	}
	if (name == NULL) {
		/* A name chosen at apply (a role assignment's GUID). */
		name = ov__arena_printf(t->a, "(known after apply: %s)",
		    r->address);
		r->id_unknown = true;
	}
	r->name = name;
	rg = attr_str(t, r, "resource_group_name");
	if (ov_json_is_true(ov_json_get(spec, "resource_group")))
		out = ov__arena_printf(t->a, "/subscriptions/%s/resourceGroups/"
		    "%s", t->sub, name);
	else if ((x = ov_json_string(ov_json_get(spec, "scope"))) != NULL) {
		const char *scope = attr_str(t, r, x);

		if (scope == NULL)
			return NULL;
		out = ov__arena_printf(t->a, "%s/providers/%s/%s", scope, type,
		    name);
	} else if ((x = ov_json_string(ov_json_get(spec, "parent_id"))) !=
	    NULL) {
		const char *pid = attr_str(t, r, x);

		if (pid == NULL)
			return NULL;
		out = ov__arena_printf(t->a, "%s/%s/%s", pid, last_type(type),
		    name);
	} else if (ov_json_is_true(ov_json_get(spec, "subscription"))) {
		out = ov__arena_printf(t->a, "/subscriptions/%s/providers/%s/"
		    "%s", t->sub, type, name);
	} else {
		/* ns/t1/t2: parent names fill the inner segments. */
		const ov_json *names = ov_json_get(parent, "names");
		const char *ts = strchr(type, '/'), *te;

		(void)ov__buf_printf(&b, "/subscriptions/%s/resourceGroups/%s/"
		    "providers/%.*s", t->sub, rg != NULL ? rg :
		    "(known after apply)", ts != NULL ? (int)(ts - type) : 0,
		    type);
		for (i = 0; ts != NULL; i++) {
			const char *pn = NULL, *spec_n;

			te = strchr(ts + 1, '/');
			if (te != NULL) {
				spec_n = ov_json_string(ov_json_at(names, i));
				if (spec_n != NULL && spec_n[0] == '=')
					pn = spec_n + 1;
				else if (spec_n != NULL)
					pn = attr_str(t, r, spec_n);
				if (pn == NULL)
					pn = "(known after apply)";
			} else
				pn = name;
			(void)ov__buf_printf(&b, "/%.*s/%s", te != NULL ?
			    (int)(te - ts - 1) : (int)strlen(ts + 1), ts + 1,
			    pn);
			ts = te;
		}
		out = ov__arena_strndup(t->a, ov__buf_cstr(&b), b.len);
		ov__buf_free(&b);
	}
	return out;
}

/* ---- values ------------------------------------------------------------- */

static int
add_assign(struct tf *t, struct tfres *r, const char *path,
    const ov_json *v)
{
	struct assign *grown;
	size_t cap;

	if (v == NULL)
		return ov__error_oom(t->s->ctx);
	if (r->n_as == r->as_cap) {
		cap = r->as_cap != 0 ? r->as_cap * 2 : 32;
		if ((grown = ov__reallocarray(r->as, cap,
		    sizeof(*grown))) == NULL)
			return ov__error_oom(t->s->ctx);
		r->as = grown;
		r->as_cap = cap;
	}
	r->as[r->n_as].path = path;
	r->as[r->n_as++].value = v;
	return 0;
}

/* A list of strings (or comma-separated text) as [{key: item}]. */
static const ov_json *
objects_of(struct tf *t, const ov_json *v, const char *key)
{
	const ov_json **items, *val;
	const char *keys[1] = { key };
	size_t n = 0, i, cap;

	/* one item per array element, or per comma plus one */
	if (ov_json_is_string(v)) {
		const char *p;

		for (cap = 1, p = v->u.str; *p != '\0'; p++)
			cap += *p == ',';
	} else
		cap = ov_json_len(v);
	if ((items = ov__arena_calloc(t->a, cap + 1, sizeof(*items))) == NULL)
		return NULL;
	if (ov_json_is_string(v)) {
		const char *p = v->u.str, *c;

		while (*p != '\0' && n < cap) {
			while (*p == ' ')
				p++;
			c = strchr(p, ',');
			val = ov_policy__v_str(t->a, p, c != NULL ?
			    (size_t)(c - p) : strlen(p));
			if (val == NULL)
				return NULL;
			if (val->len > 0 && (items[n++] = ov_policy__v_object(
			    t->a, keys, &val, 1)) == NULL)
				return NULL;
			if (c == NULL)
				break;
			p = c + 1;
		}
	} else
		for (i = 0; i < cap; i++) {
			val = ov_json_at(v, i);
			if ((items[n++] = ov_policy__v_object(t->a, keys, &val,
			    1)) == NULL)
				return NULL;
		}
	return ov_policy__v_array(t->a, items, n);
}

/* Apply a transform to a present value. */
static const ov_json *
transform(struct tf *t, const ov_json *tr, const ov_json *v)
{
	const char *name = ov_json_string(tr), *k;
	bool b = ov_json_is_true(v);

	if (tr == NULL || tr->type == OV_JSON_NULL)
		return copy_at(t, v);
	if (name != NULL) {
		if (strcmp(name, "enabled") == 0)
			return str_at(t, b ? "Enabled" : "Disabled", v);
		if (strcmp(name, "on") == 0)
			return str_at(t, b ? "On" : "Off", v);
		if (strcmp(name, "not") == 0) {
			ov_json *n = node(t, b ? OV_JSON_FALSE : OV_JSON_TRUE,
			    v);

			return v->type == OV_JSON_TRUE || v->type ==
			    OV_JSON_FALSE ? n : copy_at(t, v);
		}
		if (strcmp(name, "notstring") == 0)
			return str_at(t, b ? "false" : "true", v);
		if (strcmp(name, "join") == 0) {
			struct ov_buf buf = OV_BUF_INIT(1 << 16);
			const ov_json *out;
			size_t i;

			for (i = 0; i < ov_json_len(v); i++)
				(void)ov__buf_printf(&buf, "%s%s", i > 0 ?
				    ", " : "", ov_json_string(ov_json_at(v,
				    i)) != NULL ? ov_json_string(ov_json_at(v,
				    i)) : "");
			out = str_at(t, ov__buf_cstr(&buf), v);
			ov__buf_free(&buf);
			return out;
		}
		if (strcmp(name, "epoch") == 0) {
			int64_t e;
			ov_json *n;

			if (!ov_json_is_string(v) || !ov__time_parse(v->u.str,
			    v->len, &e))
				return copy_at(t, v);
			if ((n = (ov_json *)(uintptr_t)ov_policy__v_int(t->a,
			    e)) != NULL) {
				n->reserved = file_tag(t);
				n->offset = v->offset;
			}
			return n;
		}
		if (strcmp(name, "role") == 0) {
			k = ov_json_string(ov_json_get(t->roles,
			    ov_json_string(v) != NULL ? v->u.str : ""));
			return k != NULL ? str_at(t, k, v) : copy_at(t, v);
		}
		k = strcmp(name, "ids") == 0 ? "id" : strcmp(name,
		    "values") == 0 ? "value" : strcmp(name, "ipranges") == 0 ?
		    "ipAddressOrRange" : strcmp(name, "services") == 0 ?
		    "service" : NULL;
		if (k != NULL) {
			const ov_json *o = objects_of(t, v, k);

			return o != NULL ? copy_at(t, o) : NULL;
		}
		if (strcmp(name, "present") == 0)
			return node(t, ov_json_len(v) > 0 || (v->type !=
			    OV_JSON_ARRAY && v->type != OV_JSON_OBJECT &&
			    v->type != OV_JSON_NULL) ? OV_JSON_TRUE :
			    OV_JSON_FALSE, v);
		return copy_at(t, v);
	}
	if (ov_json_get(tr, "map") != NULL) {
		const ov_json *m = ov_json_get(tr, "map"), *to;

		to = ov_json_get(m, v->type == OV_JSON_TRUE ? "true" :
		    v->type == OV_JSON_FALSE ? "false" : ov_json_string(v) !=
		    NULL ? v->u.str : "");
		return to != NULL ? (ov_json_is_string(to) ? str_at(t,
		    to->u.str, v) : copy_at(t, to)) : copy_at(t, v);
	}
	if (ov_json_get(tr, "present") != NULL) {
		bool has = ov_json_len(v) > 0 || (v->type != OV_JSON_ARRAY &&
		    v->type != OV_JSON_OBJECT && v->type != OV_JSON_NULL);
		const ov_json *to = ov_json_get(tr, has ? "present" :
		    "absent");

		if (to == NULL)
			return &ov_policy__v_null;
		return ov_json_is_string(to) ? str_at(t, to->u.str, v) :
		    copy_at(t, to);
	}
	return copy_at(t, v);
}

/* "{a}_{b}" from the resource's attributes; NULL when one is missing. */
static const ov_json *
format_value(struct tf *t, const struct tfres *r, const char *fmt)
{
	struct ov_buf b = OV_BUF_INIT(1 << 12);
	const ov_json *out = NULL;
	const char *p = fmt, *end;

	for (; *p != '\0'; p++) {
		if (*p != '{') {
			(void)ov__buf_putc(&b, *p);
			continue;
		}
		if ((end = strchr(p, '}')) == NULL)
			goto done;
		{
			char attr[128];
			const ov_json *v;

			snprintf(attr, sizeof(attr), "%.*s",
			    (int)(end - p - 1), p + 1);
			v = at_path(r->values, attr);
			if (!ov_json_is_string(v) || marked(r->unknown, attr))
				goto done;
			(void)ov__buf_puts(&b, v->u.str);
		}
		p = end;
	}
	out = str_at(t, ov__buf_cstr(&b), r->node);
done:
	ov__buf_free(&b);
	return out != NULL ? out : NULL;
}

/* "(why: address.path)", a value the plan does not give. */
static const ov_json *
unknown(struct tf *t, const char *why, const char *address,
    const char *path, bool present)
{
	const char *text = ov__arena_printf(t->a, "(%s: %s.%s)", why, address,
	    path);

	if (text == NULL)
		return NULL;
	return ov_policy__unknown_as(t->a, ov_policy__v_unknown(t->a, text,
	    strlen(text)), present);
}

static int map_entries(struct tf *t, struct tfres *r, const ov_json *entries,
    const char *base, const char *arm_base, struct tfres *into);

/*
 * One block of a list mapped by inner entries into an object, or NULL
 * when the block maps to nothing.
 */
static const ov_json *
each_item(struct tf *t, struct tfres *r, const ov_json *entries,
    const char *base, const ov_json *at);

static const ov_json *build(struct tf *t, const struct assign *as, size_t n,
    const ov_json *at);

/* Map one entry [tf, arm, transform] of resource r into target. */
static int
map_entry(struct tf *t, struct tfres *r, const ov_json *e, const char *base,
    const char *arm_base, struct tfres *into)
{
	const char *tfp = ov_json_string(ov_json_at(e, 0));
	const char *armp = ov_json_string(ov_json_at(e, 1));
	const ov_json *tr = ov_json_at(e, 2), *v, *out;
	ov_json absent;
	char path[TF_PATH_MAX];
	const char *full;
	const struct tfres *x;

	if (tfp == NULL || armp == NULL)
		return 0;	/* consumed elsewhere */
	full = ov__arena_printf(t->a, "%s%s", arm_base, armp);
	if (full == NULL)
		return ov__error_oom(t->s->ctx);
	if (strcmp(tfp, "=") == 0)
		return add_assign(t, into, full, copy_at(t, tr));
	if (strncmp(tfp, "@format:", 8) == 0) {
		out = format_value(t, r, tfp + 8);
		return out != NULL ? add_assign(t, into, full, out) : 0;
	}
	snprintf(path, sizeof(path), "%s%s", base, tfp);
	if (marked(r->sensitive, path))
		return add_assign(t, into, full, unknown(t, "sensitive",
		    r->address, path, false));
	if (marked(r->unknown, path)) {
		/*
		 * Known after apply, unless it is another resource's id (a
		 * block's attribute only when it maps as it is, not a list).
		 */
		if ((strchr(path, '.') == NULL || tr == NULL) &&
		    (x = referenced(t, r, path)) != NULL)
			return add_assign(t, into, full, str_at(t, x->id,
			    r->node));
		return add_assign(t, into, full, unknown(t,
		    "known after apply", r->address, path, strlen(path) > 2 &&
		    strcmp(path + strlen(path) - 2, "id") == 0));
	}
	v = at_path(r->values, path);
	if (ov_json_get(tr, "each") != NULL) {
		const ov_json **items;
		size_t i, n = 0;
		ov_json *arr;

		if (ov_json_type_of(v) != OV_JSON_ARRAY)
			return 0;
		items = ov__arena_calloc(t->a, v->len + 1, sizeof(*items));
		if (items == NULL)
			return ov__error_oom(t->s->ctx);
		for (i = 0; i < v->len; i++) {
			char b2[TF_PATH_MAX];

			snprintf(b2, sizeof(b2), "%s.%zu.", path, i);
			if ((items[n] = each_item(t, r, ov_json_get(tr,
			    "each"), ov__arena_strdup(t->a, b2),
			    &v->u.items[i])) == NULL)
				return ov__error_oom(t->s->ctx);
			n++;
		}
		if ((arr = node(t, OV_JSON_ARRAY, v)) == NULL ||
		    (arr->u.items = ov__arena_calloc(t->a, n + 1,
		    sizeof(ov_json))) == NULL)
			return ov__error_oom(t->s->ctx);
		for (i = 0; i < n; i++)
			((ov_json *)(uintptr_t)arr->u.items)[i] = *items[i];
		arr->len = (uint32_t)n;
		return add_assign(t, into, full, arr);
	}
	/* Absent or "" is not set, except where absence itself maps. */
	if (v == NULL || v->type == OV_JSON_NULL || (ov_json_is_string(v) &&
	    v->len == 0)) {
		if (ov_json_get(tr, "present") == NULL &&
		    !(ov_json_is_string(tr) && strcmp(tr->u.str,
		    "present") == 0))
			return 0;
		/* Absence is placed at the resource. */
		absent = ov_policy__v_null;
		absent.offset = r->node->offset;
		v = &absent;
	}
	if ((out = transform(t, tr, v)) == NULL)
		return ov__error_oom(t->s->ctx);
	if (out->type == OV_JSON_NULL)
		return 0;
	return add_assign(t, into, full, out);
}

static const ov_json *
each_item(struct tf *t, struct tfres *r, const ov_json *entries,
    const char *base, const ov_json *at)
{
	struct tfres tmp;
	const ov_json *out;

	memset(&tmp, 0, sizeof(tmp));
	if (base == NULL || map_entries(t, r, entries, base, "", &tmp) < 0) {
		ov__free(tmp.as);
		return NULL;
	}
	out = build(t, tmp.as, tmp.n_as, at);
	ov__free(tmp.as);
	return out;
}

static int
map_entries(struct tf *t, struct tfres *r, const ov_json *entries,
    const char *base, const char *arm_base, struct tfres *into)
{
	size_t i;
	int error;

	for (i = 0; i < ov_json_len(entries); i++)
		if ((error = map_entry(t, r, ov_json_at(entries, i), base,
		    arm_base, into)) < 0)
			return error;
	return 0;
}

/* ---- bodies ------------------------------------------------------------- */

/* A tree being built from assignments. */
struct mnode {
	const char	*key;		/* member name */
	size_t		 klen;
	const ov_json	*value;		/* a leaf's value */
	struct mnode	*kids;		/* members */
	size_t		 n, cap;
};

static struct mnode *
child(struct tf *t, struct mnode *m, const char *key, size_t klen)
{
	struct mnode *grown;
	size_t i, cap;

	for (i = 0; i < m->n; i++)
		if (ov__eq_ci(m->kids[i].key, m->kids[i].klen, key, klen))
			return &m->kids[i];
	if (m->n == m->cap) {
		cap = m->cap != 0 ? m->cap * 2 : 8;
		if ((grown = ov__arena_calloc(t->a, cap, sizeof(*grown))) ==
		    NULL)
			return NULL;
		if (m->n > 0)
			memcpy(grown, m->kids, m->n * sizeof(*grown));
		m->kids = grown;
		m->cap = cap;
	}
	memset(&m->kids[m->n], 0, sizeof(m->kids[0]));
	m->kids[m->n].key = key;
	m->kids[m->n].klen = klen;
	return &m->kids[m->n++];
}

static const ov_json *
to_json(struct tf *t, const struct mnode *m, const ov_json *at)
{
	ov_json_member *mem;
	ov_json *o;
	size_t i;

	if (m->value != NULL)
		return m->value;
	if ((o = node(t, OV_JSON_OBJECT, at)) == NULL ||
	    (mem = ov__arena_calloc(t->a, m->n + 1, sizeof(*mem))) == NULL)
		return NULL;
	for (i = 0; i < m->n; i++) {
		const ov_json *v = to_json(t, &m->kids[i], at);

		if (v == NULL)
			return NULL;
		mem[i].key = ov__arena_strndup(t->a, m->kids[i].key,
		    m->kids[i].klen);
		mem[i].klen = (uint32_t)m->kids[i].klen;
		mem[i].khash = ov_json_key_hash(m->kids[i].key,
		    m->kids[i].klen);
		mem[i].value = *v;
		if (mem[i].key == NULL)
			return NULL;
	}
	o->u.members = mem;
	o->len = (uint32_t)m->n;
	return o;
}

/* An object from assignments; a later one wins. */
static const ov_json *
build(struct tf *t, const struct assign *as, size_t n, const ov_json *at)
{
	struct mnode root;
	size_t i;

	memset(&root, 0, sizeof(root));
	for (i = 0; i < n; i++) {
		struct mnode *m = &root;
		const char *p = as[i].path, *dot;

		while (m != NULL) {
			dot = strchr(p, '.');
			m = child(t, m, p, dot != NULL ? (size_t)(dot - p) :
			    strlen(p));
			if (m == NULL)
				return NULL;
			if (dot == NULL)
				break;
			m->value = NULL;
			p = dot + 1;
		}
		m->value = as[i].value;
		m->n = 0;
	}
	return to_json(t, &root, at);
}

/* Add the record of r (or of one of its children). */
static int
add_record(struct tf *t, const struct tfres *r, const char *id,
    const char *type, const char *name, const struct assign *as, size_t n)
{
	struct ov_record_init init;
	struct ov_iac_src *src;
	struct assign *all;
	const ov_json *body;
	size_t i;
	int error;

	/* The mapping table does not outlive the load. */
	if ((type = ov__arena_strdup(t->a, type)) == NULL ||
	    (all = ov__calloc(n + 3, sizeof(*all))) == NULL)
		return ov__error_oom(t->s->ctx);
	all[0].path = "id";
	all[0].value = str_at(t, id, r->node);
	all[1].path = "name";
	all[1].value = r->id_unknown ? ov_policy__unknown_as(t->a,
	    ov_policy__v_unknown(t->a, name, strlen(name)), true) :
	    str_at(t, name, r->node);
	all[2].path = "type";
	all[2].value = str_at(t, type, r->node);
	for (i = 0; i < n; i++)
		all[i + 3] = as[i];
	for (i = 0; i < 3; i++)
		if (all[i].value == NULL) {
			ov__free(all);
			return ov__error_oom(t->s->ctx);
		}
	body = build(t, all, n + 3, r->node);
	ov__free(all);
	if (body == NULL)
		return ov__error_oom(t->s->ctx);
	/* A plan is the whole request: no properties means none. */
	if (ov_json_get(body, "properties") == NULL) {
		struct assign ap[2];

		ap[0].path = "properties";
		ap[0].value = node(t, OV_JSON_OBJECT, r->node);
		if (ap[0].value == NULL)
			return ov__error_oom(t->s->ctx);
		/* Rebuild with the empty envelope appended. */
		{
			ov_json_member *m = ov__arena_calloc(t->a,
			    body->len + 1, sizeof(*m));

			if (m == NULL)
				return ov__error_oom(t->s->ctx);
			memcpy(m, body->u.members, body->len * sizeof(*m));
			m[body->len].key = "properties";
			m[body->len].klen = 10;
			m[body->len].khash = ov_json_key_hash("properties", 10);
			m[body->len].value = *ap[0].value;
			((ov_json *)(uintptr_t)body)->u.members = m;
			((ov_json *)(uintptr_t)body)->len++;
		}
	}
	if ((src = ov__arena_calloc(t->a, 1, sizeof(*src))) == NULL)
		return ov__error_oom(t->s->ctx);
	src->json_file = t->lc->file;
	memset(&init, 0, sizeof(init));
	init.body = body;
	init.id = id;
	init.type = type;
	init.file = t->lc->file;
	init.iac = src;
	ov_iac__pos(t->s, t->lc->file, r->node->offset, &init.line,
	    &init.column);
	if ((error = ov_model__add_record(t->s, &init, NULL)) < 0) {
		if (error == OV_ENOMEM)
			return error;
		ov_error_clear(t->s->ctx);
		return ov_snap__diag_at(t->lc, r->node, NULL, "resource %s "
		    "cannot become a record", r->address);
	}
	return 0;
}

/* ---- collection --------------------------------------------------------- */

static int
add_res(struct tf *t, const ov_json *n, const ov_json *values,
    const ov_json *unknown, const ov_json *sensitive)
{
	struct tfres *grown, *r;
	size_t cap;

	if (ov_json_type_of(values) != OV_JSON_OBJECT)
		return 0;
	if (t->n_res == t->res_cap) {
		cap = t->res_cap != 0 ? t->res_cap * 2 : 64;
		if ((grown = ov__reallocarray(t->res, cap,
		    sizeof(*grown))) == NULL)
			return ov__error_oom(t->s->ctx);
		t->res = grown;
		t->res_cap = cap;
	}
	r = &t->res[t->n_res];
	memset(r, 0, sizeof(*r));
	r->node = n;
	r->address = ov_json_string(ov_json_get(n, "address"));
	r->tftype = ov_json_string(ov_json_get(n, "type"));
	r->values = values;
	r->unknown = unknown;
	r->sensitive = sensitive;
	if (r->address == NULL || r->tftype == NULL)
		return ov_snap__diag_at(t->lc, n, NULL, "resource without an "
		    "address or a type");
	t->n_res++;
	return 0;
}

static bool
is_managed(const ov_json *n)
{
	const char *mode = ov_json_string(ov_json_get(n, "mode"));

	return mode == NULL || strcmp(mode, "managed") == 0;
}

/* planned_values' modules, when the plan has no resource_changes. */
static int
walk_module(struct tf *t, const ov_json *mod, int depth)
{
	const ov_json *rs = ov_json_get(mod, "resources");
	const ov_json *kids = ov_json_get(mod, "child_modules");
	size_t i;
	int error;

	if (depth > TF_MAX_DEPTH)
		return 0;
	for (i = 0; i < ov_json_len(rs); i++) {
		const ov_json *n = ov_json_at(rs, i);

		if (is_managed(n) && (error = add_res(t, n, ov_json_get(n,
		    "values"), NULL, ov_json_get(n, "sensitive_values"))) < 0)
			return error;
	}
	for (i = 0; i < ov_json_len(kids); i++)
		if ((error = walk_module(t, ov_json_at(kids, i),
		    depth + 1)) < 0)
			return error;
	return 0;
}

static int
collect(struct tf *t, const ov_json *root)
{
	const ov_json *rc = ov_json_get(root, "resource_changes");
	size_t i;
	int error;

	if (rc == NULL)
		return walk_module(t, ov_json_get(ov_json_get(root,
		    "planned_values"), "root_module"), 0);
	for (i = 0; i < ov_json_len(rc); i++) {
		const ov_json *n = ov_json_at(rc, i), *ch, *acts;

		if (!is_managed(n))
			continue;
		ch = ov_json_get(n, "change");
		acts = ov_json_get(ch, "actions");
		/* What the plan deletes is not deployed. */
		if (ov_json_len(acts) == 1 && ov_json_string(ov_json_at(acts,
		    0)) != NULL && strcmp(ov_json_string(ov_json_at(acts, 0)),
		    "delete") == 0)
			continue;
		if ((error = add_res(t, n, ov_json_get(ch, "after"),
		    ov_json_get(ch, "after_unknown"), ov_json_get(ch,
		    "after_sensitive"))) < 0)
			return error;
	}
	return 0;
}

/* ---- notes -------------------------------------------------------------- */

static bool
in_list(const ov_json *list, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < ov_json_len(list); i++) {
		const char *x = ov_json_string(ov_json_at(list, i));

		if (x != NULL && strlen(x) == n && strncmp(x, s, n) == 0)
			return true;
	}
	return false;
}

/* True when an entry list reads attribute attr (its first segment). */
static bool
entries_use(const ov_json *entries, const char *attr, size_t n)
{
	size_t i;

	for (i = 0; i < ov_json_len(entries); i++) {
		const char *p = ov_json_string(ov_json_at(ov_json_at(entries,
		    i), 0));

		if (p == NULL)
			continue;
		if (strncmp(p, "@format:", 8) == 0) {
			char pat[TF_PATH_MAX];

			snprintf(pat, sizeof(pat), "{%.*s}", (int)n, attr);
			if (strstr(p, pat) != NULL)
				return true;
			continue;
		}
		if (strncmp(p, attr, n) == 0 && (p[n] == '\0' || p[n] == '.'))
			return true;
	}
	return false;
}

static bool
attr_used(struct tf *t, const ov_json *spec, const char *attr, size_t n)
{
	static const char *const id_keys[] = { "parent_id", "scope",
	    "name_attr", "patch" };
	const ov_json *kids = ov_json_get(spec, "children");
	const ov_json *names = ov_json_get(ov_json_get(spec, "parent"),
	    "names");
	size_t i;

	if (in_list(t->ignore, attr, n) || in_list(ov_json_get(spec,
	    "ignore"), attr, n) || entries_use(ov_json_get(spec, "map"), attr,
	    n) || entries_use(t->common, attr, n) || in_list(names, attr, n))
		return true;
	for (i = 0; i < sizeof(id_keys) / sizeof(id_keys[0]); i++) {
		const char *k = ov_json_string(ov_json_get(spec, id_keys[i]));

		if (k != NULL && strlen(k) == n && strncmp(k, attr, n) == 0)
			return true;
	}
	for (i = 0; i < ov_json_len(kids); i++)
		if (entries_use(ov_json_get(ov_json_at(kids, i), "map"), attr,
		    n))
			return true;
	return false;
}

/*
 * Notes for what the table does not map: per type, the resources of an
 * unmapped type, and the attributes of a mapped one that no entry reads.
 */
/* What the notes say about one resource type. */
struct tnote {
	const struct tfres *first;	/* its first resource */
	size_t		 count;		/* how many */
	struct ov_map	 attrs;		/* unmapped attributes seen */
	const char	**names;	/* them, in order */
	size_t		 n, cap;
};

static int
note_attrs(struct tf *t, struct tnote *tn, const struct tfres *r)
{
	const char **grown;
	size_t k;

	for (k = 0; k < ov_json_len(r->values); k++) {
		const ov_json_member *m = ov_json_member_at(r->values, k);

		if (attr_used(t, r->spec, m->key, m->klen) ||
		    ov__map_get(&tn->attrs, m->key, m->klen) != NULL)
			continue;
		if (ov__map_put(&tn->attrs, m->key, m->klen,
		    (void *)(uintptr_t)m->key) < 0)
			return ov__error_oom(t->s->ctx);
		if (tn->n == tn->cap) {
			tn->cap = tn->cap != 0 ? tn->cap * 2 : 16;
			if ((grown = ov__reallocarray(tn->names, tn->cap,
			    sizeof(*grown))) == NULL)
				return ov__error_oom(t->s->ctx);
			tn->names = grown;
		}
		tn->names[tn->n++] = m->key;
	}
	return 0;
}

static int
note_type(struct tf *t, const struct tnote *tn, struct ov_buf *b)
{
	const struct tfres *r = tn->first;
	unsigned line, column;
	size_t j;
	int error = 0;

	ov_iac__pos(t->s, t->lc->file, r->node->offset, &line, &column);
	if (r->spec == NULL)
		return ov_iac__note(t->s, t->lc->file, line, column,
		    "Terraform type %s is not mapped: %zu resource%s not "
		    "checked", r->tftype, tn->count, tn->count == 1 ? "" : "s");
	/* In notes of a readable size; none is left out. */
	ov__buf_clear(b);
	for (j = 0; j < tn->n && error == 0; j++) {
		(void)ov__buf_printf(b, "%s%s", b->len > 0 ? ", " : "",
		    tn->names[j]);
		if (b->len < 300 && j + 1 < tn->n)
			continue;
		error = ov_iac__note(t->s, t->lc->file, line, column,
		    "Terraform %s: attributes not mapped (not checked): %s",
		    r->tftype, ov__buf_cstr(b));
		ov__buf_clear(b);
	}
	return error;
}

/*
 * Notes for what the table does not map: per type, the resources of an
 * unmapped type, and the attributes of a mapped one that no entry reads.
 */
static int
notes(struct tf *t)
{
	struct ov_buf b = OV_BUF_INIT(1 << 16);
	struct ov_map types = OV_MAP_INIT;
	struct tnote *tn = NULL;
	size_t i, n = 0;
	uintptr_t k;
	int error = 0;

	if (t->n_res > 0 && (tn = ov__calloc(t->n_res, sizeof(*tn))) == NULL)
		return ov__error_oom(t->s->ctx);
	for (i = 0; i < t->n_res && error == 0; i++) {
		const struct tfres *r = &t->res[i];

		k = (uintptr_t)ov__map_get(&types, r->tftype,
		    strlen(r->tftype));
		if (k == 0) {
			tn[n].first = r;
			if (ov__map_put(&types, r->tftype, strlen(r->tftype),
			    (void *)(uintptr_t)(n + 1)) < 0) {
				error = ov__error_oom(t->s->ctx);
				break;
			}
			k = ++n;
		}
		tn[k - 1].count++;
		if (r->spec != NULL)
			error = note_attrs(t, &tn[k - 1], r);
	}
	for (i = 0; i < n && error == 0; i++)
		error = note_type(t, &tn[i], &b);
	for (i = 0; i < n; i++) {
		ov__map_free(&tn[i].attrs);
		ov__free(tn[i].names);
	}
	ov__free(tn);
	ov__map_free(&types);
	ov__buf_free(&b);
	return error;
}

/* ---- the plan ----------------------------------------------------------- */

static int
read_table(struct tf *t)
{
	const struct ov_iac_opts *o = t->s->iac;
	const char *dir = o != NULL && o->data_dir != NULL ? o->data_dir :
	    OV_SOURCE_DIR;
	const char *path = ov__arena_printf(t->a,
	    "%s/data/iac/terraform-azurerm.json", dir);
	char *data = NULL;
	size_t len = 0;
	int error;

	if (path == NULL)
		return ov__error_oom(t->s->ctx);
	if ((error = ov__read_file(t->s->ctx, OV_ERRCLASS_INPUT, path,
	    16u << 20, &data, &len)) == 0)
		error = ov_json_parse(&t->mapdoc, t->s->ctx, data, len,
		    OV_JSON_STRICT, NULL);
	ov__free(data);
	if (error == OV_ENOMEM)
		return error;
	if (error < 0) {
		const char *msg = ov_error_last(t->s->ctx)->message;

		error = ov_snap__diag(t->lc, 0, 0, NULL, "cannot read the "
		    "Terraform mapping table %s: %s", path, msg);
		ov_error_clear(t->s->ctx);
		return error < 0 ? error : 1;
	}
	t->types = ov_json_get(ov_json_doc_root(t->mapdoc), "types");
	t->common = ov_json_get(ov_json_doc_root(t->mapdoc), "common");
	t->ignore = ov_json_get(ov_json_doc_root(t->mapdoc), "ignore");
	t->roles = ov_json_get(ov_json_doc_root(t->mapdoc), "roles");
	return 0;
}

/* Resolve ids: each round may use ids the one before found. */
static void
resolve_ids(struct tf *t)
{
	size_t i, round, left;

	for (round = 0; round < 4; round++) {
		left = 0;
		for (i = 0; i < t->n_res; i++) {
			struct tfres *r = &t->res[i];

			if (r->spec == NULL || r->id != NULL ||
			    ov_json_get(r->spec, "patch") != NULL)
				continue;
			if ((r->id = make_id(t, r)) == NULL)
				left++;
		}
		if (left == 0)
			break;
	}
	/* What stays unresolved is placed under a scope known after apply. */
	for (i = 0; i < t->n_res; i++) {
		struct tfres *r = &t->res[i];

		if (r->spec == NULL || r->id != NULL || ov_json_get(r->spec,
		    "patch") != NULL)
			continue;
		r->id = ov__arena_printf(t->a, "/subscriptions/%s/providers/%s/"
		    "(known after apply: %s)", t->sub,
		    ov_json_string(ov_json_get(r->spec, "type")), r->address);
		if (r->name == NULL)
			r->name = r->address;
	}
}

/* Expand a plan; see iac_int.h. */
int
ov_iac__load_tfplan(struct load_ctx *lc, const ov_json *root)
{
	struct tf t;
	size_t i, j, first = lc->s->n_records;
	uintptr_t k;
	int error;

	memset(&t, 0, sizeof(t));
	t.lc = lc;
	t.s = lc->s;
	t.a = &lc->s->arena;
	t.sub = lc->s->iac != NULL && lc->s->iac->subscription != NULL ?
	    lc->s->iac->subscription : OV_IAC_PLACEHOLDER_SUBSCRIPTION;
	t.config = ov_json_get(root, "configuration");
	if ((error = ov_iac__lines(t.s, lc->file, lc->data, lc->len)) < 0)
		goto done;
	if ((error = read_table(&t)) != 0) {
		error = error > 0 ? 0 : error;
		goto done;
	}
	if ((error = collect(&t, root)) < 0 ||
	    (error = index_config(&t, ov_json_get(t.config, "root_module"), "",
	    0)) < 0)
		goto done;
	for (i = 0; i < t.n_res; i++) {
		t.res[i].spec = ov_json_get(t.types, t.res[i].tftype);
		t.res[i].refs = config_exprs(&t, t.res[i].address);
		if (ov__map_put(&t.by_addr, t.res[i].address,
		    strlen(t.res[i].address), (void *)(uintptr_t)(i + 1)) < 0) {
			error = ov__error_oom(t.s->ctx);
			goto done;
		}
	}
	resolve_ids(&t);
	for (i = 0; i < t.n_res; i++)
		if (t.res[i].id != NULL && ov__map_put(&t.by_id, t.res[i].id,
		    strlen(t.res[i].id), (void *)(uintptr_t)(i + 1)) < 0) {
			error = ov__error_oom(t.s->ctx);
			goto done;
		}
	/* What each resource sets, associations on their targets. */
	for (i = 0; i < t.n_res; i++) {
		struct tfres *r = &t.res[i], *into = r;
		const char *patch = ov_json_string(ov_json_get(r->spec,
		    "patch"));

		if (r->spec == NULL)
			continue;
		if (patch != NULL) {
			const char *target = attr_str(&t, r, patch);

			k = target != NULL ? (uintptr_t)ov__map_get(&t.by_id,
			    target, strlen(target)) : 0;
			into = k != 0 ? &t.res[k - 1] : NULL;
			if (into == NULL) {
				unsigned line, column;

				ov_iac__pos(t.s, lc->file, r->node->offset,
				    &line, &column);
				if ((error = ov_iac__note(t.s, lc->file, line,
				    column, "%s: the %s it changes is not in "
				    "the plan: not checked", r->address,
				    patch)) < 0)
					goto done;
				continue;
			}
		} else if ((error = map_entries(&t, r, t.common, "", "",
		    r)) < 0)
			goto done;
		if ((error = map_entries(&t, r, ov_json_get(r->spec, "map"),
		    "", "", into)) < 0)
			goto done;
	}
	for (i = 0; i < t.n_res; i++) {
		struct tfres *r = &t.res[i];
		const ov_json *kids = ov_json_get(r->spec, "children");

		if (r->spec == NULL || ov_json_get(r->spec, "patch") != NULL)
			continue;
		if ((error = add_record(&t, r, r->id, ov_json_string(
		    ov_json_get(r->spec, "type")), r->name, r->as,
		    r->n_as)) < 0)
			goto done;
		/* Blocks ARM models as child resources. */
		for (j = 0; j < ov_json_len(kids); j++) {
			const ov_json *kid = ov_json_at(kids, j);
			const char *when = ov_json_string(ov_json_get(kid,
			    "when"));
			const char *ktype = ov_json_string(ov_json_get(kid,
			    "type"));
			const char *kname = ov_json_string(ov_json_get(kid,
			    "name"));
			const ov_json *w = when != NULL ? at_path(r->values,
			    when) : NULL;
			struct tfres tmp;

			if (ktype == NULL || kname == NULL || w == NULL ||
			    w->type == OV_JSON_NULL || (w->type ==
			    OV_JSON_ARRAY && w->len == 0))
				continue;
			memset(&tmp, 0, sizeof(tmp));
			tmp = *r;
			tmp.as = NULL;
			tmp.n_as = tmp.as_cap = 0;
			tmp.id_unknown = false;
			error = map_entries(&t, r, ov_json_get(kid, "map"), "",
			    "", &tmp);
			if (error == 0)
				error = add_record(&t, &tmp,
				    ov__arena_printf(t.a, "%s/%s/%s", r->id,
				    last_type(ktype), kname), ktype, kname,
				    tmp.as, tmp.n_as);
			ov__free(tmp.as);
			if (error < 0)
				goto done;
		}
	}
	if ((error = notes(&t)) == 0)
		error = ov_iac__platform(t.s, first);
done:
	for (i = 0; i < t.n_res; i++)
		ov__free(t.res[i].as);
	ov__free(t.res);
	ov__map_free(&t.by_addr);
	ov__map_free(&t.by_id);
	ov__map_free(&t.exprs);
	ov_json_doc_free(t.mapdoc);
	return error;
}
