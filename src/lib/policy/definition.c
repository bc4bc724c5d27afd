/* SPDX-License-Identifier: MIT */
/*
 * Loading policy objects: definitions, initiatives (policySetDefinitions),
 * assignments and exemptions, from bare `{properties:{...}}` objects, ARM
 * envelopes, arrays, `{value:[...]}` lists and ARM templates.  Every key is
 * matched case-insensitively.  AZP: definition-structure-basics.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policy/policy_int.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

/* Record a diagnostic with the node's position. */
int
ov_policy__diag(struct ov_policy_set *set, int level, const struct pfile *f,
    const ov_json *node, const char *pointer, const char *fmt, ...)
{
	struct ov_policy_diag_int *d;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (set->n_diags == set->diags_cap) {
		size_t nc = set->diags_cap > 0 ? set->diags_cap * 2 : 16;
		void *p = ov__reallocarray(set->diags, nc, sizeof(*set->diags));

		if (p == NULL)
			return ov__error_oom(set->ctx);
		set->diags = p;
		set->diags_cap = nc;
	}
	d = &set->diags[set->n_diags++];
	memset(d, 0, sizeof(*d));
	d->level = level;
	d->compile = set->in_compile;
	d->file = f != NULL ? f->path : NULL;
	d->pointer = pointer != NULL ? ov__arena_strdup(&set->arena, pointer) :
	    NULL;
	d->message = ov__arena_strdup(&set->arena, msg);
	if (f != NULL && f->data != NULL && node != NULL)
		ov_json_position(f->data, f->len, node->offset, &d->line,
		    &d->column);
	if (level == OV_POLICY_DIAG_ERROR)
		set->n_errors++;
	else if (level == OV_POLICY_DIAG_UNSUPPORTED)
		set->n_unsupported++;
	return 0;
}

static const char *
str(const ov_json *o, const char *key)
{
	return ov_json_string(ov_json_get(o, key));
}

static enum pobj_kind
kind_of(const ov_json *root, const ov_json *props, bool *ok)
{
	const char *type = str(root, "type");

	*ok = true;
	if (type != NULL) {
		if (ov__streq_ci(type,
		    "Microsoft.Authorization/policyDefinitions"))
			return PO_DEFINITION;
		if (ov__streq_ci(type,
		    "Microsoft.Authorization/policySetDefinitions"))
			return PO_SET;
		if (ov__streq_ci(type,
		    "Microsoft.Authorization/policyAssignments"))
			return PO_ASSIGNMENT;
		if (ov__streq_ci(type,
		    "Microsoft.Authorization/policyExemptions"))
			return PO_EXEMPTION;
	}
	if (ov_json_get(props, "policyRule") != NULL)
		return PO_DEFINITION;
	if (ov_json_get(props, "policyDefinitions") != NULL)
		return PO_SET;
	if (ov_json_get(props, "policyDefinitionId") != NULL)
		return PO_ASSIGNMENT;
	if (ov_json_get(props, "policyAssignmentId") != NULL)
		return PO_EXEMPTION;
	*ok = false;
	return PO_DEFINITION;
}

/* Register one object. */
int
ov_policy__add_obj(struct ov_policy_set *set, struct pfile *f,
    const ov_json *root, const char *base, struct pdef **out)
{
	struct pdef *d;
	const ov_json *props = ov_json_get(root, "properties");
	const char *id, *name, *obase = base;
	bool ok;

	if (out != NULL)
		*out = NULL;
	if (ov_json_type_of(props) != OV_JSON_OBJECT) {
		props = root;
		if (ov_json_get(root, "policyRule") == NULL &&
		    ov_json_get(root, "policyDefinitions") == NULL &&
		    ov_json_get(root, "policyDefinitionId") == NULL &&
		    ov_json_get(root, "policyAssignmentId") == NULL)
			return ov_policy__diag(set, OV_POLICY_DIAG_ERROR, f,
			    root, base, "not a policy definition, initiative, "
			    "assignment or exemption");
	} else if ((base = ov__arena_printf(&set->arena, "%s/properties",
	    base)) == NULL)
		return ov__error_oom(set->ctx);
	if ((d = ov__arena_calloc(&set->arena, 1, sizeof(*d))) == NULL)
		return ov__error_oom(set->ctx);
	d->kind = kind_of(root, props, &ok);
	d->standalone = set->loading_rules;
	if (!ok)
		return ov_policy__diag(set, OV_POLICY_DIAG_ERROR, f, root,
		    obase, "not a policy definition, initiative, assignment or "
		    "exemption");
	d->file = f;
	d->base = base;
	d->root = root;
	d->props = props;
	id = str(root, "id");
	name = str(root, "name");
	if (name == NULL && id != NULL)
		name = strrchr(id, '/') != NULL ? strrchr(id, '/') + 1 : id;
	if (name == NULL && f != NULL) {
		const char *b = strrchr(f->path, '/');
		const char *dot;

		b = b != NULL ? b + 1 : f->path;
		dot = strrchr(b, '.');
		name = ov__arena_strndup(&set->arena, b, dot != NULL ?
		    (size_t)(dot - b) : strlen(b));
	}
	if (name == NULL)
		name = ov__arena_printf(&set->arena, "policy-%zu",
		    set->n_objs + 1);
	if (id == NULL)
		id = ov__arena_printf(&set->arena,
		    "/providers/Microsoft.Authorization/%s/%s",
		    d->kind == PO_SET ? "policySetDefinitions" :
		    d->kind == PO_ASSIGNMENT ? "policyAssignments" :
		    d->kind == PO_EXEMPTION ? "policyExemptions" :
		    "policyDefinitions", name);
	if (name == NULL || id == NULL)
		return ov__error_oom(set->ctx);
	d->id = id;
	d->name = name;
	d->display_name = str(props, "displayName");
	d->mode = str(props, "mode");
	d->policy_type = str(props, "policyType");
	d->params_decl = ov_json_get(props, "parameters");
	d->rule = ov_json_get(props, "policyRule");
	d->metadata = ov_json_get(props, "metadata");
	d->ovmeta = ov_json_get(d->metadata, "overvisor");
	d->category = ov_json_string(ov_json_get(d->metadata, "category"));
	if (set->n_objs == set->objs_cap) {
		size_t nc = set->objs_cap > 0 ? set->objs_cap * 2 : 64;
		void *p = ov__reallocarray(set->objs, nc, sizeof(*set->objs));

		if (p == NULL)
			return ov__error_oom(set->ctx);
		set->objs = p;
		set->objs_cap = nc;
	}
	set->objs[set->n_objs++] = d;
	if (d->kind == PO_DEFINITION || d->kind == PO_SET) {
		if (ov__map_put(&set->defs_by_name, d->name, strlen(d->name),
		    d) < 0 || ov__map_put(&set->defs_by_name, d->id,
		    strlen(d->id), d) < 0)
			return ov__error_oom(set->ctx);
	}
	set->compiled = false;
	if (out != NULL)
		*out = d;
	return 0;
}

/* Find a definition or initiative by id, or by its last id segment. */
struct pdef *
ov_policy__find(struct ov_policy_set *set, const char *id)
{
	struct pdef *d;
	const char *last;

	if (id == NULL)
		return NULL;
	if ((d = ov__map_get(&set->defs_by_name, id, strlen(id))) != NULL)
		return d;
	last = strrchr(id, '/');
	if (last != NULL && (d = ov__map_get(&set->defs_by_name, last + 1,
	    strlen(last + 1))) != NULL)
		return d;
	return NULL;
}

static bool
is_template(const ov_json *root)
{
	const char *schema = str(root, "$schema");

	return schema != NULL && strstr(schema, "deploymentTemplate") !=
	    NULL && ov_json_type_of(ov_json_get(root, "resources")) ==
	    OV_JSON_ARRAY;
}

/* Load one parsed document. */
int
ov_policy__load_doc(struct ov_policy_set *set, struct pfile *f)
{
	const ov_json *root = ov_json_doc_root(f->doc), *list = NULL;
	const char *lbase = "";
	bool tmpl = false;
	size_t i;
	int error;

	if (ov_json_type_of(root) == OV_JSON_ARRAY)
		list = root;
	else if (ov_json_type_of(ov_json_get(root, "value")) ==
	    OV_JSON_ARRAY && ov_json_get(root, "properties") == NULL) {
		list = ov_json_get(root, "value");
		lbase = "/value";
	} else if (is_template(root)) {
		list = ov_json_get(root, "resources");
		lbase = "/resources";
		tmpl = true;
	}
	if (list == NULL)
		return ov_policy__add_obj(set, f, root, "", NULL);
	for (i = 0; i < ov_json_len(list); i++) {
		const ov_json *it = ov_json_at(list, i);
		const char *type = str(it, "type");
		const char *b = ov__arena_printf(&set->arena, "%s/%zu", lbase,
		    i);

		if (tmpl && (type == NULL || !ov__startswith_ci(
		    type, "Microsoft.Authorization/policy")))
			continue;
		if ((error = ov_policy__add_obj(set, f, it, b, NULL)) < 0)
			return error;
	}
	return 0;
}

static int
add_data(struct ov_policy_set *set, const char *name, char *data,
    size_t len)
{
	struct pfile *f;
	ov_json_error jerr;
	int error;

	if ((f = ov__arena_calloc(&set->arena, 1, sizeof(*f))) == NULL) {
		ov__free(data);
		return ov__error_oom(set->ctx);
	}
	if ((f->path = ov__arena_strdup(&set->arena, name)) == NULL) {
		ov__free(data);
		return ov__error_oom(set->ctx);
	}
	f->data = data;
	f->len = len;
	if (set->n_files == set->files_cap) {
		size_t nc = set->files_cap > 0 ? set->files_cap * 2 : 64;
		void *p = ov__reallocarray(set->files, nc, sizeof(*set->files));

		if (p == NULL) {
			ov__free(data);
			return ov__error_oom(set->ctx);
		}
		set->files = p;
		set->files_cap = nc;
	}
	set->files[set->n_files++] = f;
	memset(&jerr, 0, sizeof(jerr));
	error = ov_json_parse(&f->doc, set->ctx, data, len, OV_JSON_LENIENT,
	    &jerr);
	if (error == OV_ENOMEM)
		return error;
	if (error < 0) {
		struct ov_policy_diag_int *d;

		ov_error_clear(set->ctx);
		if ((error = ov_policy__diag(set, OV_POLICY_DIAG_ERROR, f,
		    NULL, "", "%s", jerr.message)) < 0)
			return error;
		d = &set->diags[set->n_diags - 1];
		d->line = jerr.line;
		d->column = jerr.column;
		return 0;
	}
	return ov_policy__load_doc(set, f);
}

/* Load in-memory data. */
int
ov_policy_set_add_buffer(ov_policy_set *set, const char *name,
    const char *data, size_t len)
{
	char *copy;

	OV_ASSERT_ARG(set != NULL && (data != NULL || len == 0));
	if ((copy = ov__malloc(len + 1)) == NULL)
		return ov__error_oom(set->ctx);
	if (len > 0)
		memcpy(copy, data, len);
	copy[len] = '\0';
	return add_data(set, name != NULL ? name : "(buffer)", copy, len);
}

/* The largest policy file read (the built-in catalogue holds big ones). */
#define MAX_POLICY_FILE	((size_t)1 << 30)

static int
add_one(struct ov_policy_set *set, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int error;

	if ((error = ov__read_file(set->ctx, OV_ERRCLASS_POLICY, path,
	    MAX_POLICY_FILE, &data, &len)) < 0)
		return error;
	return add_data(set, path, data, len);
}

/* Every *.json under a directory, in walk order. */
static int
add_entry(const char *path, const char *name, int kind, void *payload)
{
	size_t n = strlen(name);

	if (kind != OV_WALK_FILE || n <= 5 ||
	    strcmp(name + n - 5, ".json") != 0)
		return 0;
	return add_one(payload, path);
}

static int
add_path(struct ov_policy_set *set, const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return ov__error_at(set->ctx, OV_EIO, OV_ERRCLASS_POLICY, path,
		    0, 0, NULL, "cannot read policy path");
	if (S_ISDIR(st.st_mode))
		return ov__walk_dir(set->ctx, OV_ERRCLASS_POLICY, path, 64,
		    add_entry, set);
	return add_one(set, path);
}

/* Load a file or a directory. */
int
ov_policy_set_add_file(ov_policy_set *set, const char *path)
{
	OV_ASSERT_ARG(set != NULL && path != NULL);
	return add_path(set, path);
}

/* Add a rule pack: its definitions are evaluated on their own, always. */
int
ov_policy_set_add_rules(ov_policy_set *set, const char *path)
{
	int error;

	OV_ASSERT_ARG(set != NULL && path != NULL);
	set->loading_rules = true;
	error = add_path(set, path);
	set->loading_rules = false;
	return error;
}
