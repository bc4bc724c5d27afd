/* SPDX-License-Identifier: MIT */
/*
 * Template options: parameter files (--parameters), "name=value"
 * overrides (--parameter) and the scope the deployment is imagined in
 * (--scope).  Checked and read once, when they are set.
 */
#include <string.h>

#include "lib/iac/iac_int.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

/* Release the options. */
void
ov_iac__opts_free(struct ov_iac_opts *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->n_docs; i++) {
		ov_json_doc_free(o->docs[i]);
		ov__free((void *)(uintptr_t)o->doc_paths[i]);
	}
	ov__free(o->docs);
	ov__free(o->doc_paths);
	for (i = 0; i < o->n_params; i++) {
		ov__free(o->names[i]);
		ov__free(o->values[i]);
	}
	ov__free(o->names);
	ov__free(o->values);
	ov__free(o->subscription);
	ov__free(o->resource_group);
	ov__free(o->mgmt_group);
	ov__free(o->data_dir);
	ov_json_doc_free(o->defaults);
	ov__free(o);
}

/* Copy n bytes of the i-th '/'-separated segment of s, or NULL. */
static char *
segment(const char *s, int i, size_t *n)
{
	const char *p = s, *end;

	while (*p == '/')
		p++;
	for (; i > 0 && *p != '\0'; i--) {
		p = strchr(p, '/');
		if (p == NULL)
			return NULL;
		p++;
	}
	if (*p == '\0')
		return NULL;
	end = strchr(p, '/');
	*n = end != NULL ? (size_t)(end - p) : strlen(p);
	return ov__strndup(p, *n);
}

static bool
seg_is(const char *s, int i, const char *word)
{
	size_t n = 0;
	char *x = segment(s, i, &n);
	bool r = x != NULL && ov__streq_ci(x, word);

	ov__free(x);
	return r;
}

/* Count the '/'-separated segments of s. */
static int
n_segments(const char *s)
{
	int n = 0;
	bool in = false;

	for (; *s != '\0'; s++) {
		if (*s == '/')
			in = false;
		else if (!in) {
			in = true;
			n++;
		}
	}
	return n;
}

static int
parse_scope(ov_ctx *ctx, struct ov_iac_opts *o, const char *scope)
{
	size_t n;
	int k = n_segments(scope);

	if (scope[0] == '/' && k == 2 && seg_is(scope, 0, "subscriptions")) {
		o->subscription = segment(scope, 1, &n);
		return o->subscription != NULL ? 0 : ov__error_oom(ctx);
	}
	if (scope[0] == '/' && k == 4 && seg_is(scope, 0, "subscriptions") &&
	    seg_is(scope, 2, "resourceGroups")) {
		o->subscription = segment(scope, 1, &n);
		o->resource_group = segment(scope, 3, &n);
		return o->subscription != NULL && o->resource_group != NULL ?
		    0 : ov__error_oom(ctx);
	}
	if (scope[0] == '/' && k == 4 && seg_is(scope, 0, "providers") &&
	    seg_is(scope, 1, "Microsoft.Management") &&
	    seg_is(scope, 2, "managementGroups")) {
		o->mgmt_group = segment(scope, 3, &n);
		return o->mgmt_group != NULL ? 0 : ov__error_oom(ctx);
	}
	return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_CONFIG,
	    "scope '%s' is not /subscriptions/ID, "
	    "/subscriptions/ID/resourceGroups/NAME or "
	    "/providers/Microsoft.Management/managementGroups/NAME", scope);
}

static int
read_params_file(ov_ctx *ctx, struct ov_iac_opts *o, const char *path)
{
	ov_json_doc *doc = NULL;
	ov_json_error jerr;
	char *data = NULL;
	size_t len = 0;
	int error;

	if ((error = ov__read_file(ctx, OV_ERRCLASS_INPUT, path, 64u << 20,
	    &data, &len)) < 0)
		return error;
	error = ov_json_parse(&doc, ctx, data, len, OV_JSON_LENIENT, &jerr);
	ov__free(data);
	if (error < 0)
		return ov__error_at(ctx, error == OV_ENOMEM ? OV_ENOMEM :
		    OV_EINVALID, OV_ERRCLASS_INPUT, path, jerr.line,
		    jerr.column, NULL, "%s", jerr.message);
	if (!ov_iac__is_parameters(ov_json_doc_root(doc)) &&
	    ov_json_type_of(ov_json_get(ov_json_doc_root(doc),
	    "parameters")) != OV_JSON_OBJECT) {
		ov_json_doc_free(doc);
		return ov__error_at(ctx, OV_EINVALID, OV_ERRCLASS_INPUT, path,
		    1, 1, NULL, "not an ARM parameters file (no "
		    "\"parameters\" object)");
	}
	o->docs[o->n_docs] = doc;
	if ((o->doc_paths[o->n_docs] = ov__strdup(path)) == NULL) {
		ov_json_doc_free(doc);
		return ov__error_oom(ctx);
	}
	o->n_docs++;
	return 0;
}

static const struct ov_iac_ops iac_ops = {
	ov_iac__load_template,
	ov_iac__load_tfplan,
	ov_iac__was_linked,
	ov_iac__locate,
	ov_iac__opts_free
};

/* Set the template options of a snapshot. */
int
ov_snapshot_set_iac(ov_snapshot *s, const ov_iac_options *opts)
{
	struct ov_iac_opts *o;
	const char *eq;
	size_t i;
	int error = 0;

	if (s == NULL || opts == NULL)
		return OV_EINVALID;
	if (opts->version != OV_IAC_OPTIONS_VERSION)
		return ov__error(s->ctx, OV_EINVALID, OV_ERRCLASS_CONFIG,
		    "template options version %u not supported",
		    opts->version);
	if ((o = ov__calloc(1, sizeof(*o))) == NULL)
		return ov__error_oom(s->ctx);
	o->docs = ov__calloc(opts->n_parameter_files + 1, sizeof(*o->docs));
	o->doc_paths = ov__calloc(opts->n_parameter_files + 1,
	    sizeof(*o->doc_paths));
	o->names = ov__calloc(opts->n_parameters + 1, sizeof(*o->names));
	o->values = ov__calloc(opts->n_parameters + 1, sizeof(*o->values));
	if (o->docs == NULL || o->doc_paths == NULL || o->names == NULL ||
	    o->values == NULL) {
		error = ov__error_oom(s->ctx);
		goto fail;
	}
	for (i = 0; i < opts->n_parameter_files && error == 0; i++)
		error = read_params_file(s->ctx, o, opts->parameter_files[i]);
	for (i = 0; i < opts->n_parameters && error == 0; i++) {
		const char *p = opts->parameters[i];

		if ((eq = strchr(p, '=')) == NULL || eq == p) {
			error = ov__error(s->ctx, OV_EINVALID,
			    OV_ERRCLASS_CONFIG, "parameter '%s' is not "
			    "name=value", p);
			break;
		}
		o->names[i] = ov__strndup(p, (size_t)(eq - p));
		o->values[i] = ov__strdup(eq + 1);
		o->n_params++;
		if (o->names[i] == NULL || o->values[i] == NULL)
			error = ov__error_oom(s->ctx);
	}
	if (error == 0 && opts->scope != NULL)
		error = parse_scope(s->ctx, o, opts->scope);
	if (error == 0 && opts->data_dir != NULL &&
	    (o->data_dir = ov__strdup(opts->data_dir)) == NULL)
		error = ov__error_oom(s->ctx);
	if (error < 0)
		goto fail;
	if (s->iac_ops != NULL)
		s->iac_ops->free_opts(s->iac);
	s->iac = o;
	s->iac_ops = &iac_ops;
	return 0;
fail:
	ov_iac__opts_free(o);
	return error;
}
