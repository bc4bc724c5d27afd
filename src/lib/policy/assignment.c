/* SPDX-License-Identifier: MIT */
/*
 * The set: parameters, initiatives, assignments (scope, notScopes,
 * parameters, enforcementMode) and exemptions (with expiry), evaluation on
 * a snapshot, findings and the what-if hook.
 * AZP: assignment-structure, exemption-structure,
 * initiative-definition-structure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "policy/policy_int.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/time.h"

/* Create a set. */
int
ov_policy_set_new(ov_policy_set **out, ov_ctx *ctx)
{
	struct ov_policy_set *set;

	OV_ASSERT_ARG(out != NULL);
	*out = NULL;
	if ((set = ov__calloc(1, sizeof(*set))) == NULL)
		return ov__error_oom(ctx);
	set->ctx = ctx;
	ov__arena_init(&set->arena, 0, 0);
	ov__arena_init(&set->aliases.arena, 1 << 20, 0);
	set->api_version = "2099-01-01";
	set->max_depth = ctx != NULL ? (unsigned)ov_ctx_limit(ctx,
	    OV_LIMIT_EXPR_DEPTH) : 64;
	set->max_steps = ctx != NULL ? ov_ctx_limit(ctx,
	    OV_LIMIT_EVAL_STEPS) : 1000000;
	set->max_count = ctx != NULL ? ov_ctx_limit(ctx,
	    OV_LIMIT_COUNT_ITERATIONS) : 100000;
	if (set->max_depth == 0 || set->max_depth > 1000)
		set->max_depth = 64;
	*out = set;
	return 0;
}

/* Release a set. */
void
ov_policy_set_free(ov_policy_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n_files; i++) {
		ov_json_doc_free(set->files[i]->doc);
		ov__free(set->files[i]->data);
	}
	ov__free(set->files);
	ov__free(set->objs);
	ov__free(set->diags);
	ov__free(set->pnames);
	ov__free(set->pvals);
	ov__free(set->insts);
	ov__map_free(&set->defs_by_name);
	ov__groups_free(&set->exemptions);
	ov_policy__alias_free(&set->aliases);
	ov__arena_free(&set->arena);
	ov__free(set);
}

/* Load an alias table file. */
int
ov_policy_set_load_aliases(ov_policy_set *set, const char *path)
{
	int error;

	OV_ASSERT_ARG(set != NULL && path != NULL);
	if ((error = ov_policy__alias_load(&set->aliases, set->ctx,
	    path)) == 0) {
		set->aliases_loaded = true;
		set->compiled = false;
	}
	return error;
}

/* Load data/aliases/aliases.json below data_dir. */
int
ov_policy_set_default_aliases(ov_policy_set *set, const char *data_dir)
{
	char path[4096];

	OV_ASSERT_ARG(set != NULL && data_dir != NULL);
	snprintf(path, sizeof(path), "%s/data/aliases/aliases.json",
	    data_dir);
	return ov_policy_set_load_aliases(set, path);
}

/* Set a parameter value from JSON text (or a bare word). */
int
ov_policy_set_set_param(ov_policy_set *set, const char *name,
    const char *json)
{
	const ov_json *v = NULL;
	int error;

	OV_ASSERT_ARG(set != NULL && name != NULL && json != NULL);
	if (ov_policy__parse_json(&set->arena, set->ctx, json, strlen(json),
	    &v) < 0) {
		ov_error_clear(set->ctx);
		v = ov_policy__v_str(&set->arena, json, strlen(json));
		if (v == NULL)
			return ov__error_oom(set->ctx);
	}
	if (set->n_params == set->params_cap) {
		size_t nc = set->params_cap > 0 ? set->params_cap * 2 : 8;
		void *p1 = ov__reallocarray(set->pnames, nc, sizeof(char *));
		void *p2;

		if (p1 == NULL)
			return ov__error_oom(set->ctx);
		set->pnames = p1;
		if ((p2 = ov__reallocarray(set->pvals, nc,
		    sizeof(ov_json *))) == NULL)
			return ov__error_oom(set->ctx);
		set->pvals = p2;
		set->params_cap = nc;
	}
	if ((set->pnames[set->n_params] = ov__arena_strdup(&set->arena,
	    name)) == NULL)
		return ov__error_oom(set->ctx);
	set->pvals[set->n_params++] = v;
	set->compiled = false;
	error = 0;
	return error;
}

/* Set the default requestContext().apiVersion. */
int
ov_policy_set_api_version(ov_policy_set *set, const char *api_version)
{
	OV_ASSERT_ARG(set != NULL && api_version != NULL);
	set->api_version = ov__arena_strdup(&set->arena, api_version);
	return set->api_version != NULL ? 0 : ov__error_oom(set->ctx);
}

/* Add an instance. */
int
ov_policy__add_inst(struct ov_policy_set *set, struct pinst *pi)
{
	if (set->n_insts == set->insts_cap) {
		size_t nc = set->insts_cap > 0 ? set->insts_cap * 2 : 64;
		void *p = ov__reallocarray(set->insts, nc,
		    sizeof(*set->insts));

		if (p == NULL)
			return ov__error_oom(set->ctx);
		set->insts = p;
		set->insts_cap = nc;
	}
	set->insts[set->n_insts++] = pi;
	return 0;
}

/* Evaluate an initiative-scope value (literal or expression). */
static const ov_json *
scope_value(struct ov_policy_set *set, const ov_json *v,
    const ov_json *params, const struct pdef *owner)
{
	struct pinst fake;
	struct evalx ex;
	struct expr *e;
	char msg[256];
	size_t off;
	const ov_json *out = NULL;

	if (!ov_json_is_string(v) || !ov_policy__is_expr(v->u.str, v->len))
		return v;
	if (ov_policy__expr_parse(&set->arena, v->u.str, v->len,
	    set->max_depth, &e, msg, sizeof(msg), &off) < 0)
		return NULL;
	memset(&fake, 0, sizeof(fake));
	fake.params = params;
	fake.def = (struct pdef *)(uintptr_t)owner;
	memset(&ex, 0, sizeof(ex));
	ex.set = set;
	ex.ctx = set->ctx;
	ex.a = &set->arena;
	ex.pi = &fake;
	ex.api_version = set->api_version;
	if (ov_policy__eval_expr(&ex, e, &out) < 0)
		return NULL;
	return out;
}

/*
 * True when v is one of allowed_values (case-sensitive); an absent or
 * empty list allows anything.
 */
static bool
allowed(const ov_json *allowed_values, const ov_json *v)
{
	size_t i;

	if (ov_json_type_of(allowed_values) != OV_JSON_ARRAY ||
	    allowed_values->len == 0)
		return true;
	if (ov_json_type_of(v) == OV_JSON_ARRAY) {
		for (i = 0; i < v->len; i++)
			if (!allowed(allowed_values, &v->u.items[i]))
				return false;
		return true;
	}
	for (i = 0; i < allowed_values->len; i++)
		if (ov_policy__equal(&allowed_values->u.items[i], v, false))
			return true;
	return false;
}

/*
 * Resolve the parameter values of decl: explicit values (an object of
 * {name: {value}} or of plain values), then set-level --param values, then
 * defaults.  *missing names the first parameter left without a value.
 */
static const ov_json *
resolve_params(struct ov_policy_set *set, const ov_json *decl,
    const ov_json *given, bool given_wrapped, const ov_json *scope_params,
    const struct pdef *scope_owner, bool use_cli, const char **missing,
    const char **why)
{
	size_t n = ov_json_len(decl), i, j, k = 0;
	const char **keys = ov__arena_calloc(&set->arena, n + 1,
	    sizeof(*keys));
	const ov_json **vals = ov__arena_calloc(&set->arena, n + 1,
	    sizeof(*vals));

	*missing = NULL;
	*why = "has no value";
	if (keys == NULL || vals == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		const ov_json_member *m = ov_json_member_at(decl, i);
		const ov_json *v = ov_json_getn(given, m->key, m->klen);

		if (v != NULL && given_wrapped)
			v = ov_json_get(v, "value");
		if (v != NULL && scope_params != NULL &&
		    (v = scope_value(set, v, scope_params,
		    scope_owner)) == NULL) {
			/* Wired to an initiative value that is missing. */
			if (*missing == NULL)
				*missing = m->key;
			continue;
		}
		if (v == NULL && use_cli)
			for (j = set->n_params; j > 0; j--)
				if (ov__streq_ci(set->pnames[j - 1], m->key)) {
					v = set->pvals[j - 1];
					break;
				}
		if (v == NULL)
			v = ov_json_get(&m->value, "defaultValue");
		if (v == NULL) {
			if (*missing == NULL)
				*missing = m->key;
			continue;
		}
		/* AZP: definition-structure-parameters#allowed-values */
		if (!allowed(ov_json_get(&m->value, "allowedValues"), v)) {
			if (*missing == NULL) {
				*missing = m->key;
				*why = "has a value outside its allowedValues";
			}
			continue;
		}
		keys[k] = m->key;
		vals[k++] = v;
	}
	return ov_policy__v_object(&set->arena, keys, vals, k);
}

static int
compile_def(struct ov_policy_set *set, struct pdef *def,
    const ov_json *params, const char *missing, const char *why,
    struct pdef *assignment, struct pdef *pset, const char *ref_id,
    const ov_json *groups)
{
	struct pinst *pi;
	size_t i;
	int error;

	if (missing != NULL) {
		if ((pi = ov__arena_calloc(&set->arena, 1, sizeof(*pi))) ==
		    NULL)
			return ov__error_oom(set->ctx);
		pi->def = def;
		pi->error = ov__arena_printf(&set->arena, "parameter '%s' %s",
		    missing, why);
		pi->error_ptr = ov__arena_printf(&set->arena,
		    "%s/parameters/%s", def->base, missing);
		if (assignment != NULL || pset == NULL)
			(void)ov_policy__diag(set, assignment != NULL ?
			    OV_POLICY_DIAG_ERROR : OV_POLICY_DIAG_WARNING,
			    def->file, def->params_decl, pi->error_ptr, "%s",
			    pi->error);
	} else if ((error = ov_policy__compile_inst(set, def, params,
	    &pi)) < 0)
		return error;
	pi->assignment = assignment;
	pi->set = pset;
	pi->ref_id = ref_id;
	if (ov_json_type_of(groups) == OV_JSON_ARRAY && groups->len > 0) {
		pi->groups = ov__arena_calloc(&set->arena, groups->len,
		    sizeof(char *));
		if (pi->groups == NULL)
			return ov__error_oom(set->ctx);
		for (i = 0; i < groups->len; i++)
			if (ov_json_is_string(&groups->u.items[i]))
				pi->groups[pi->n_groups++] =
				    groups->u.items[i].u.str;
	}
	/* Reported once per definition, whoever references it. */
	if (pi->unsupported != NULL && def->unsupported == NULL) {
		def->unsupported = pi->unsupported;
		(void)ov_policy__diag(set, OV_POLICY_DIAG_UNSUPPORTED,
		    def->file, def->props, def->base, "%s", pi->unsupported);
	}
	return ov_policy__add_inst(set, pi);
}

static int
compile_set(struct ov_policy_set *set, struct pdef *ps,
    const ov_json *set_params, struct pdef *assignment)
{
	const ov_json *refs = ov_json_get(ps->props, "policyDefinitions");
	size_t i;
	int error;

	if (ov_json_type_of(refs) != OV_JSON_ARRAY)
		return ov_policy__diag(set, OV_POLICY_DIAG_ERROR, ps->file,
		    ps->props, ps->base, "policyDefinitions must be an array");
	for (i = 0; i < refs->len; i++) {
		const ov_json *ref = &refs->u.items[i];
		const char *did = ov_json_string(ov_json_get(ref,
		    "policyDefinitionId"));
		struct pdef *def = ov_policy__find(set, did);
		const char *missing, *why, *rid;
		const ov_json *params;

		rid = ov_json_string(ov_json_get(ref,
		    "policyDefinitionReferenceId"));
		if (def == NULL || def->kind != PO_DEFINITION) {
			/*
			 * A member that is not loaded cannot be evaluated:
			 * say so, so nothing reports its resources clean.
			 * Checking initiatives alone stays free of errors.
			 */
			set->n_unresolved++;
			if (assignment != NULL)
				assignment->n_unresolved++;
			if ((error = ov_policy__diag(set,
			    OV_POLICY_DIAG_WARNING, ps->file, ref, ps->base,
			    "initiative '%s' refers to '%s', which is not "
			    "loaded", ps->name, did != NULL ? did : "")) < 0)
				return error;
			continue;
		}
		params = resolve_params(set, def->params_decl,
		    ov_json_get(ref, "parameters"), true, set_params, ps,
		    false, &missing, &why);
		if (params == NULL)
			return ov__error_oom(set->ctx);
		if ((error = compile_def(set, def, params, missing, why,
		    assignment, ps, rid, ov_json_get(ref, "groupNames"))) < 0)
			return error;
	}
	return 0;
}

static int
compile_assignment(struct ov_policy_set *set, struct pdef *as)
{
	const char *did = ov_json_string(ov_json_get(as->props,
	    "policyDefinitionId"));
	struct pdef *target = ov_policy__find(set, did);
	const ov_json *given = ov_json_get(as->props, "parameters");
	const char *missing, *why;
	const ov_json *params;
	size_t first = set->n_insts, i;
	const char *mode;
	int error;

	as->n_unresolved = 0;
	if (target == NULL) {
		set->n_unresolved++;
		as->n_unresolved++;
		return ov_policy__diag(set, OV_POLICY_DIAG_WARNING, as->file,
		    as->props, as->base, "assignment '%s' refers to '%s', "
		    "which is not loaded", as->name, did != NULL ? did : "");
	}
	params = resolve_params(set, target->params_decl, given, true, NULL,
	    NULL, false, &missing, &why);
	if (params == NULL)
		return ov__error_oom(set->ctx);
	if (target->kind == PO_SET) {
		if (missing != NULL)
			return ov_policy__diag(set, OV_POLICY_DIAG_ERROR,
			    as->file, as->props, as->base, "assignment '%s': "
			    "parameter '%s' %s", as->name, missing, why);
		error = compile_set(set, target, params, as);
	} else
		error = compile_def(set, target, params, missing, why, as, NULL,
		    NULL, NULL);
	if (error < 0)
		return error;
	mode = ov_json_string(ov_json_get(as->props, "enforcementMode"));
	for (i = first; i < set->n_insts; i++)
		set->insts[i]->enforce = mode == NULL ||
		    !ov__streq_ci(mode, "DoNotEnforce");
	return 0;
}

static bool
has_assignments(const struct ov_policy_set *set)
{
	size_t i;

	for (i = 0; i < set->n_objs; i++)
		if (set->objs[i]->kind == PO_ASSIGNMENT)
			return true;
	return false;
}

static int compile_objs(struct ov_policy_set *set, bool assigned);
static int index_exemptions(struct ov_policy_set *set);

/* Compile everything (again when objects were added). */
int
ov_policy__compile_all(struct ov_policy_set *set)
{
	size_t i, k;
	int error;
	bool assigned = has_assignments(set);

	if (set->compiled)
		return 0;
	/* Drop what the previous compile reported; loading diagnostics stay. */
	for (i = 0, k = 0; i < set->n_diags; i++) {
		if (set->diags[i].compile) {
			if (set->diags[i].level == OV_POLICY_DIAG_ERROR)
				set->n_errors--;
			else if (set->diags[i].level ==
			    OV_POLICY_DIAG_UNSUPPORTED)
				set->n_unsupported--;
			continue;
		}
		set->diags[k++] = set->diags[i];
	}
	set->n_diags = k;
	for (i = 0; i < set->n_objs; i++)
		set->objs[i]->unsupported = NULL;
	set->n_unresolved = 0;
	set->in_compile = true;
	error = compile_objs(set, assigned);
	set->in_compile = false;
	if (error == 0 && (error = index_exemptions(set)) < 0)
		error = ov__error_oom(set->ctx);
	if (error == 0)
		set->compiled = true;
	return error;
}

/* The assignment an exemption names, or NULL. */
static const char *
exemption_target(const struct pdef *x)
{
	return x->kind == PO_EXEMPTION ? ov_json_string(ov_json_get(x->props,
	    "policyAssignmentId")) : NULL;
}

/* File the exemptions by the assignment they name. */
static int
index_exemptions(struct ov_policy_set *set)
{
	const char *aid;
	uint32_t gid;
	size_t i;

	ov__groups_free(&set->exemptions);
	for (i = 0; i < set->n_objs; i++)
		if ((aid = exemption_target(set->objs[i])) != NULL &&
		    ov__groups_count(&set->exemptions, aid, strlen(aid),
		    &gid) < 0)
			return OV_ENOMEM;
	if (ov__groups_layout(&set->exemptions) < 0)
		return OV_ENOMEM;
	for (i = 0; i < set->n_objs; i++)
		if ((aid = exemption_target(set->objs[i])) != NULL)
			ov__groups_add_key(&set->exemptions, aid, strlen(aid),
			    set->objs[i]);
	return 0;
}

static int
compile_objs(struct ov_policy_set *set, bool assigned)
{
	size_t i;
	int error;

	set->n_insts = 0;
	for (i = 0; i < set->n_objs; i++) {
		struct pdef *d = set->objs[i];
		const char *missing, *why;
		const ov_json *params;

		if (assigned && d->kind == PO_ASSIGNMENT) {
			if ((error = compile_assignment(set, d)) < 0)
				return error;
			continue;
		}
		/* With assignments only they decide, except for the pack. */
		if (assigned && !d->standalone)
			continue;
		if (d->kind == PO_DEFINITION) {
			params = resolve_params(set, d->params_decl, NULL,
			    false, NULL, NULL, true, &missing, &why);
			if (params == NULL)
				return ov__error_oom(set->ctx);
			if ((error = compile_def(set, d, params, missing, why, NULL,
			    NULL, NULL, NULL)) < 0)
				return error;
		} else if (d->kind == PO_SET) {
			params = resolve_params(set, d->params_decl, NULL,
			    false, NULL, NULL, true, &missing, &why);
			if (params == NULL)
				return ov__error_oom(set->ctx);
			/* Members that need the missing value are not
			 * evaluated; the others are. */
			if (missing != NULL)
				(void)ov_policy__diag(set,
				    OV_POLICY_DIAG_WARNING, d->file,
				    d->params_decl, d->base, "initiative "
				    "parameter '%s' %s", missing, why);
			if ((error = compile_set(set, d, params, NULL)) < 0)
				return error;
		}
	}
	return 0;
}

/* Compile (idempotent). */
int
ov_policy_set_compile(ov_policy_set *set)
{
	OV_ASSERT_ARG(set != NULL);
	return ov_policy__compile_all(set);
}

/* Counts. */
int
ov_policy_set_stats(ov_policy_set *set, ov_policy_stats *out)
{
	size_t i;
	int error;

	OV_ASSERT_ARG(set != NULL && out != NULL);
	if ((error = ov_policy__compile_all(set)) < 0)
		return error;
	memset(out, 0, sizeof(*out));
	for (i = 0; i < set->n_objs; i++)
		switch (set->objs[i]->kind) {
		case PO_DEFINITION: out->definitions++; break;
		case PO_SET: out->initiatives++; break;
		case PO_ASSIGNMENT: out->assignments++; break;
		case PO_EXEMPTION: out->exemptions++; break;
		}
	for (i = 0; i < set->n_insts; i++)
		if (set->insts[i]->error == NULL &&
		    set->insts[i]->unsupported == NULL)
			out->compiled++;
	for (i = 0; i < set->n_diags; i++)
		if (set->diags[i].level == OV_POLICY_DIAG_WARNING)
			out->warnings++;
	out->unsupported = set->n_unsupported;
	out->errors = set->n_errors;
	out->unresolved = set->n_unresolved;
	return 0;
}

/* The counts that concern one assignment. */
int
ov_policy_set_assignment_stats(ov_policy_set *set, const char *assignment,
    ov_policy_stats *out)
{
	const struct pdef *as = NULL;
	size_t i;
	int error;

	OV_ASSERT_ARG(set != NULL && assignment != NULL && out != NULL);
	if ((error = ov_policy__compile_all(set)) < 0)
		return error;
	memset(out, 0, sizeof(*out));
	for (i = 0; i < set->n_objs && as == NULL; i++)
		if (set->objs[i]->kind == PO_ASSIGNMENT &&
		    (ov__streq_ci(set->objs[i]->id, assignment) ||
		    ov__streq_ci(set->objs[i]->name, assignment)))
			as = set->objs[i];
	if (as == NULL)
		return ov__error(set->ctx, OV_ENOTFOUND, OV_ERRCLASS_POLICY,
		    "no assignment '%s'", assignment);
	out->assignments = 1;
	out->unresolved = as->n_unresolved;
	for (i = 0; i < set->n_insts; i++) {
		const struct pinst *pi = set->insts[i];

		if (pi->assignment != as)
			continue;
		if (pi->error != NULL)
			out->errors++;
		else if (pi->unsupported != NULL)
			out->unsupported++;
		else
			out->compiled++;
	}
	return 0;
}

/* Number of diagnostics. */
size_t
ov_policy_set_n_diags(const ov_policy_set *set)
{
	return set != NULL ? set->n_diags : 0;
}

/* One diagnostic. */
int
ov_policy_set_diag(const ov_policy_set *set, size_t i, ov_policy_diag *out)
{
	const struct ov_policy_diag_int *d;

	if (set == NULL || i >= set->n_diags)
		return OV_ENOTFOUND;
	d = &set->diags[i];
	out->level = d->level;
	out->file = d->file;
	out->pointer = d->pointer;
	out->line = d->line;
	out->column = d->column;
	out->message = d->message;
	return 0;
}

/* Add the policy objects of a snapshot. */
int
ov_policy_set_add_snapshot(ov_policy_set *set, const ov_snapshot *snap)
{
	const struct ov_snapshot *s = (const struct ov_snapshot *)snap;
	size_t i;
	int error;

	OV_ASSERT_ARG(set != NULL && snap != NULL);
	for (i = 0; i < s->n_records; i++) {
		const struct ov_record *r = s->records[i];

		if (r->type == NULL || !ov__startswith_ci(r->type,
		    "Microsoft.Authorization/policy"))
			continue;
		if (!ov__streq_ci(r->type,
		    "Microsoft.Authorization/policyDefinitions") &&
		    !ov__streq_ci(r->type,
		    "Microsoft.Authorization/policySetDefinitions") &&
		    !ov__streq_ci(r->type,
		    "Microsoft.Authorization/policyAssignments") &&
		    !ov__streq_ci(r->type,
		    "Microsoft.Authorization/policyExemptions"))
			continue;
		/* Built-ins already loaded from files win. */
		if (ov_policy__find(set, r->id) != NULL)
			continue;
		if ((error = ov_policy__add_obj(set, NULL, r->body, "",
		    NULL)) < 0)
			return error;
	}
	return 0;
}

/* ---- scope ------------------------------------------------------------ */

/* The scope part of an id: everything before /providers/Microsoft.Auth... */
static const char *
scope_of(struct ov_arena *a, const struct pdef *d)
{
	const char *s = ov_json_string(ov_json_get(d->props, "scope"));
	const char *p;

	if (s != NULL)
		return s;
	if (d->id == NULL)
		return "";
	p = strstr(d->id, "/providers/Microsoft.Authorization/");
	if (p == NULL)
		p = strstr(d->id, "/providers/microsoft.authorization/");
	if (p == NULL)
		return "";
	return ov__arena_strndup(a, d->id, (size_t)(p - d->id));
}

static bool
under(const char *id, const char *scope)
{
	size_t n = strlen(scope);

	if (n == 0 || strcmp(scope, "/") == 0)
		return true;	/* the tenant: everything */
	if (id == NULL || strlen(id) < n || !ov__eq_ci(id, n, scope, n))
		return false;
	return id[n] == '\0' || id[n] == '/';
}

#define MG_PREFIX "/providers/Microsoft.Management/managementGroups/"

/*
 * Whether the subscription of r sits below management group mg (name or
 * the rest of a scope), by the managementGroupAncestorsChain Resource
 * Graph gives subscription rows.  -1 when the snapshot does not tell.
 */
static int
in_mg(struct ov_arena *a, const struct pres *r, const char *mg)
{
	const struct ov_record *sub = ov_policy__scope_record(a, r, NULL);
	const ov_json *chain;
	size_t i, n = strcspn(mg, "/");

	if (sub == NULL)
		return -1;
	chain = ov_json_path(sub->body,
	    "properties.managementGroupAncestorsChain");
	if (ov_json_type_of(chain) != OV_JSON_ARRAY)
		return -1;
	for (i = 0; i < ov_json_len(chain); i++) {
		const char *name = ov_json_string(ov_json_get(
		    ov_json_at(chain, i), "name"));

		if (name != NULL && strlen(name) == n &&
		    ov__eq_ci(name, n, mg, n))
			return 1;
	}
	return 0;
}

/*
 * Whether r is at or below scope.  A management group contains the
 * subscriptions whose ancestry names it; when the snapshot does not carry
 * that ancestry the answer is unknown, which counts as unknown_is.
 */
static bool
res_under(struct ov_arena *a, const struct pres *r, const char *scope,
    bool unknown_is)
{
	int k;

	if (ov__startswith_ci(scope, MG_PREFIX)) {
		if ((k = in_mg(a, r, scope + strlen(MG_PREFIX))) < 0)
			return unknown_is;
		return k == 1;
	}
	return under(r->id, scope);
}

/*
 * AZP: assignment-structure: in the scope and in no notScope.  A
 * management-group scope whose membership is unknown keeps the resource
 * (Azure would evaluate it if it is there), a notScope of unknown
 * membership does not drop it.
 */
static bool
in_scope(struct ov_arena *a, const struct pinst *pi, const struct pres *r)
{
	const ov_json *ns;
	size_t i;

	if (pi->assignment == NULL)
		return true;
	if (!res_under(a, r, scope_of(a, pi->assignment), true))
		return false;
	ns = ov_json_get(pi->assignment->props, "notScopes");
	for (i = 0; i < ov_json_len(ns); i++) {
		const char *s = ov_json_string(ov_json_at(ns, i));

		if (s != NULL && res_under(a, r, s, false))
			return false;
	}
	return true;
}

/* AZP: exemption-structure: an unexpired exemption covering the pair. */
static const struct pdef *
exempted(const struct ov_policy_set *set, ov_ctx *ctx, struct ov_arena *a,
    const struct pinst *pi, const struct pres *r)
{
	const struct ov_group *g;
	size_t i, j;
	int64_t now = ov_ctx_now(ctx);

	if (pi->assignment == NULL || pi->assignment->id == NULL)
		return NULL;
	/* the exemptions of this assignment, from the compiled index */
	g = ov__groups_get(&set->exemptions, pi->assignment->id,
	    strlen(pi->assignment->id));
	for (i = 0; g != NULL && i < g->len; i++) {
		const struct pdef *x = g->items[i];
		const char *exp;
		const ov_json *refs;
		int64_t t;

		/* An exemption whose reach is unknown exempts nothing. */
		if (!res_under(a, r, scope_of(a, x), false))
			continue;
		exp = ov_json_string(ov_json_get(x->props, "expiresOn"));
		if (exp != NULL && ov__time_parse(exp, strlen(exp), &t) &&
		    t <= now)
			continue;
		refs = ov_json_get(x->props, "policyDefinitionReferenceIds");
		if (ov_json_len(refs) > 0) {
			for (j = 0; j < refs->len; j++) {
				const char *s = ov_json_string(&refs->u.items[j]);

				if (s != NULL && pi->ref_id != NULL &&
				    ov__streq_ci(s, pi->ref_id))
					break;
			}
			if (j == refs->len)
				continue;
		}
		return x;
	}
	return NULL;
}

/* ---- what an instance reads beyond its record ------------------------- */

/* True when e calls resourceGroup() or subscription() anywhere. */
static bool
expr_reads_scope(const struct expr *e)
{
	size_t i;

	if (e == NULL)
		return false;
	if (e->kind == EX_CALL && e->name != NULL &&
	    (ov__streq_ci(e->name, "resourceGroup") ||
	    ov__streq_ci(e->name, "subscription")))
		return true;
	for (i = 0; i < e->nargs; i++)
		if (expr_reads_scope(e->args[i]))
			return true;
	return false;
}

static bool
ir_reads_scope(const struct ir *n)
{
	size_t i;

	if (n == NULL)
		return false;
	if (expr_reads_scope(n->fexpr) || expr_reads_scope(n->lhs) ||
	    expr_reads_scope(n->rhs))
		return true;
	for (i = 0; i < n->n_kids; i++)
		if (ir_reads_scope(n->kids[i]))
			return true;
	return false;
}

/* True when a scope (or any notScope) names a management group. */
static bool
mg_scope(const char *scope)
{
	return scope != NULL && ov__startswith_ci(scope, MG_PREFIX);
}

static bool
def_in_mg(struct ov_arena *a, const struct pdef *d)
{
	const ov_json *ns = ov_json_get(d->props, "notScopes");
	size_t i;

	if (mg_scope(scope_of(a, d)))
		return true;
	for (i = 0; i < ov_json_len(ns); i++)
		if (mg_scope(ov_json_string(ov_json_at(ns, i))))
			return true;
	return false;
}

/* See policy_int.h. */
bool
ov_policy__inst_needs_snapshot(const struct ov_policy_set *set,
    const struct pinst *pi)
{
	const struct ov_group *g;
	struct ov_arena a;
	bool needs;
	size_t i;

	if (pi->rel_type != NULL || ir_reads_scope(pi->cond) ||
	    ir_reads_scope(pi->exist) || expr_reads_scope(pi->rel_name) ||
	    expr_reads_scope(pi->rel_rg))
		return true;
	if (pi->assignment == NULL)
		return false;
	ov__arena_init(&a, 1024, 0);
	needs = def_in_mg(&a, pi->assignment);
	g = pi->assignment->id != NULL ? ov__groups_get(&set->exemptions,
	    pi->assignment->id, strlen(pi->assignment->id)) : NULL;
	for (i = 0; !needs && g != NULL && i < g->len; i++)
		needs = mg_scope(scope_of(&a, g->items[i]));
	ov__arena_free(&a);
	return needs;
}

/* ---- related resources from the snapshot index ------------------------ */

static bool
name_ok(const struct ov_record *c, const char *name)
{
	const char *last;

	if (name == NULL || name[0] == '\0')
		return true;
	last = strrchr(name, '/');
	last = last != NULL ? last + 1 : name;
	if (strcmp(last, "?") == 0 || last[0] == '\0')
		return true;
	return c->name != NULL && ov__streq_ci(
	    strrchr(c->name, '/') != NULL ? strrchr(c->name, '/') + 1 :
	    c->name, last);
}

static bool
is_extension_id(const char *id)
{
	const char *p = id != NULL ? strstr(id, "/providers/") : NULL;

	return p != NULL && strstr(p + 1, "/providers/") != NULL;
}

static int
snap_lookup(void *p, const struct pinst *pi, const struct pres *r,
    const char *type, const char *name, const char *rg, bool sub_scope,
    struct pres **out, size_t *n, bool *collected, struct ov_arena *a)
{
	const struct ov_snapshot *s = p;
	const struct ov_record_list *l, *l2, *own;
	struct pres *c;
	size_t i, j, nc, k = 0;
	bool child, ext = false;

	*out = NULL;
	*n = 0;
	*collected = ov_model__type_collected(s, type);
	if (!*collected)
		return 0;
	/*
	 * A resource outside any resource group (a subscription) has no
	 * group of its own to search: without resourceGroupName the lookup
	 * covers its subscription, as the subscription-level built-ins
	 * (activity log alerts, log profiles) expect.
	 */
	if (!sub_scope && rg == NULL && r->rg == NULL)
		sub_scope = true;
	child = r->type != NULL && strlen(type) > strlen(r->type) &&
	    ov__startswith_ci(type, r->type) && type[strlen(r->type)] == '/';
	l = ov_model__by_type(s, type);
	if (l == NULL || l->len == 0)
		return 0;
	/*
	 * The candidates come from an index, never from a walk over every
	 * record of the type: child and extension resources hang below the
	 * evaluated id; others are looked up by subscription, or by
	 * resource group (in r's subscription, plus records that name no
	 * subscription; in any subscription when r names none).  A
	 * subscription's own extension resources (its diagnostic settings)
	 * are subscription-level ids, found by the subscription search below,
	 * which skips extension resources of other resources.
	 */
	ext = !child && !sub_scope && is_extension_id(l->items[0]->id);
	l2 = NULL;
	if (child || ext) {
		if (r->id == NULL)
			return 0;
		l = ov_model__children_of(s, r->id, type);
		child = true;
	} else if (sub_scope) {
		if (r->subscription == NULL)
			return 0;
		l = ov_model__by_type_sub(s, type, r->subscription);
	} else {
		const char *want = rg != NULL ? rg : r->rg;

		if (want == NULL)
			return 0;
		if (r->subscription == NULL) {
			l = ov_model__by_type_rg_any(s, type, want);
		} else {
			l = ov_model__by_type_rg(s, type, r->subscription,
			    want);
			l2 = ov_model__by_type_rg(s, type, NULL, want);
		}
	}
	/*
	 * The first record did not look like an extension (a subscription's
	 * diagnostic settings come first, say): the evaluated resource's own
	 * extensions of the type still count, and other resources'
	 * extensions never do, whatever the order of the records.
	 */
	own = !child && r->id != NULL ? ov_model__children_of(s, r->id,
	    type) : NULL;
	nc = l->len + (l2 != NULL ? l2->len : 0) + (own != NULL ? own->len :
	    0);
	if (nc == 0)
		return 0;
	if ((c = ov__arena_calloc(a, nc, sizeof(*c))) == NULL)
		return OV_ENOMEM;
	for (i = 0; own != NULL && i < own->len; i++) {
		const struct ov_record *x = own->items[i];

		if (x->type == NULL || !ov__streq_ci(x->type, type) ||
		    !name_ok(x, name) || !is_extension_id(x->id))
			continue;
		ov_policy__pres_from_record(&c[k], x);
		c[k++].snap = s;
	}
	for (i = 0, j = 0; i < l->len || (l2 != NULL && j < l2->len);) {
		const struct ov_record *x;

		/* the two lists are in snapshot order: merge them */
		if (l2 == NULL || j == l2->len || (i < l->len &&
		    l->items[i]->index < l2->items[j]->index))
			x = l->items[i++];
		else
			x = l2->items[j++];
		if (x->type == NULL || !ov__streq_ci(x->type, type) ||
		    !name_ok(x, name) || (!child && is_extension_id(x->id)))
			continue;
		if (!child) {
			if (sub_scope) {
				if (r->subscription == NULL ||
				    x->place->subscription_id == NULL ||
				    !ov__streq_ci(r->subscription,
				    x->place->subscription_id) ||
				    is_extension_id(x->id))
					continue;
			} else {
				const char *want = rg != NULL ? rg : r->rg;

				if (want == NULL || x->place->resource_group ==
				    NULL || !ov__streq_ci(want,
				    x->place->resource_group) ||
				    (r->subscription != NULL &&
				    x->place->subscription_id != NULL &&
				    !ov__streq_ci(r->subscription,
				    x->place->subscription_id)))
					continue;
			}
		}
		ov_policy__pres_from_record(&c[k], x);
		c[k++].snap = s;
	}
	*out = c;
	*n = k;
	(void)pi;
	return 0;
}

/* ---- evaluation over a snapshot --------------------------------------- */

/*
 * The layer of a result of a definition that does not name one (a
 * built-in or the customer's own): from its metadata.category where the
 * category says what the rule is about (networking, the guest OS, backup,
 * identity, monitoring), else from the namespace of the resource type.
 */
static const char *
default_layer(const char *cat, const char *type)
{
	static const struct {
		const char	*prefix;	/* category or type prefix */
		const char	*layer;
	} by_category[] = {
		{ "Network", "network-controls" },
		{ "Guest Configuration", "operating-system" },
		{ "Azure Update Manager", "operating-system" },
		{ "Automatic Update", "operating-system" },
		{ "ChangeTrackingAndInventory", "operating-system" },
		{ "Automanage", "operating-system" },
		{ "Trusted Launch", "operating-system" },
		{ "Compute", "operating-system" },
		{ "Backup", "information-and-data" },
		{ "Site Recovery", "information-and-data" },
		{ "Resilience", "information-and-data" },
		{ "Managed Identity", "accounts-and-identities" },
		{ "Azure Active Directory", "identity-and-directory-infrastructure" },
		{ "Lighthouse", "accounts-and-identities" },
		{ "Security Center", "applications" },
		{ "Monitoring", "applications" },
	}, by_type[] = {
		{ "Microsoft.Network/", "network-controls" },
		{ "Microsoft.Compute/virtualMachines", "operating-system" },
		{ "Microsoft.HybridCompute/", "operating-system" },
		{ "Microsoft.Compute/disks", "information-and-data" },
		{ "Microsoft.Compute/snapshots", "information-and-data" },
		{ "Microsoft.Storage/", "information-and-data" },
		{ "Microsoft.Sql/", "information-and-data" },
		{ "Microsoft.DBfor", "information-and-data" },
		{ "Microsoft.DocumentDB/", "information-and-data" },
		{ "Microsoft.KeyVault/", "information-and-data" },
		{ "Microsoft.RecoveryServices/", "information-and-data" },
		{ "Microsoft.DataProtection/", "information-and-data" },
		{ "Microsoft.Cache/", "information-and-data" },
		{ "Microsoft.Synapse/", "information-and-data" },
		{ "Microsoft.Kusto/", "information-and-data" },
		{ "Microsoft.DataLake", "information-and-data" },
		{ "Microsoft.ElasticSan/", "information-and-data" },
		{ "Microsoft.Authorization/", "accounts-and-identities" },
		{ "Microsoft.ManagedIdentity/", "accounts-and-identities" },
		{ "Microsoft.Graph/conditionalAccess",
		    "identity-and-directory-infrastructure" },
		{ "Microsoft.Graph/directoryRoles",
		    "identity-and-directory-infrastructure" },
		{ "Microsoft.Graph/role", "identity-and-directory-infrastructure" },
		{ "Microsoft.Graph/", "accounts-and-identities" },
	};
	size_t i;

	for (i = 0; cat != NULL && i < sizeof(by_category) /
	    sizeof(by_category[0]); i++)
		if (ov__streq_ci(cat, by_category[i].prefix))
			return by_category[i].layer;
	for (i = 0; type != NULL && i < sizeof(by_type) / sizeof(by_type[0]);
	    i++)
		if (ov__startswith_ci(type, by_type[i].prefix))
			return by_type[i].layer;
	return "applications";
}

static void
fill_result(ov_policy_result *o, const struct pinst *pi,
    const struct ov_record *rec, const struct presult *pr,
    struct ov_arena *a)
{
	const struct pdef *d = pi->def;
	const ov_json *om = d->ovmeta, *ctl;
	size_t i;

	memset(o, 0, sizeof(*o));
	o->definition_id = d->id;
	o->definition_name = d->name;
	o->display_name = d->display_name;
	o->assignment_id = pi->assignment != NULL ? pi->assignment->id :
	    NULL;
	o->set_id = pi->set != NULL ? pi->set->id : NULL;
	o->reference_id = pi->ref_id;
	o->groups = pi->groups;
	o->n_groups = pi->n_groups;
	o->resource_id = rec->id;
	o->resource_type = rec->type;
	o->resource_name = rec->name;
	o->state = (ov_state)pr->state;
	o->effect = (ov_policy_effect)pi->effect;
	o->effect_name = pi->effect_text;
	o->reason = pr->reason;
	o->pointer = pr->pointer;
	o->path = pr->path;
	o->value = pr->value;
	o->change = pr->change;
	o->rule_id = ov_json_string(ov_json_get(om, "id"));
	o->severity = ov_json_string(ov_json_get(om, "severity"));
	o->layer = ov_json_string(ov_json_get(om, "layer"));
	o->duty = ov_json_string(ov_json_get(om, "duty"));
	o->category = d->category;
	o->remediation = ov_json_string(ov_json_get(om, "remediation"));
	ctl = ov_json_get(om, "controls");
	if (ov_json_len(ctl) > 0) {
		const char **c = ov__arena_calloc(a, ctl->len, sizeof(*c));

		for (i = 0; c != NULL && i < ctl->len; i++)
			if ((c[o->n_controls] = ov_json_string(
			    ov_json_at(ctl, i))) != NULL)
				o->n_controls++;
		o->controls = c;
	}
	o->builtin = d->policy_type != NULL &&
	    (ov__streq_ci(d->policy_type, "BuiltIn") ||
	    ov__streq_ci(d->policy_type, "Static"));
	o->file = d->file != NULL ? d->file->path : NULL;
	o->subscription_id = rec->place->subscription_id;
	o->resource_group = rec->place->resource_group;
}

/* Evaluate one instance on one record; see policy_int.h. */
int
ov_policy__walk_one(struct ov_policy_walk *w, const struct pinst *pi,
    const struct ov_record *rec)
{
	struct related rel = { snap_lookup, (void *)(uintptr_t)w->snap };
	ov_ctx *ctx = w->ctx != NULL ? w->ctx : w->set->ctx;
	struct pres r;
	struct presult pr;
	ov_policy_result res;
	const struct pdef *x;
	int error;

	ov_policy__pres_from_record(&r, rec);
	r.snap = w->snap;
	if (!in_scope(&w->scratch, pi, &r))
		return 0;
	if ((error = ov_policy__eval_inst(w->set, ctx, &w->scratch, pi, &r,
	    &rel, w->trace, &pr)) < 0)
		return error;
	if (pr.state < 0) {
		if (!(w->flags & OV_POLICY_EVAL_ALL))
			return 0;
		pr.state = OV_STATE_NOT_APPLICABLE;
		pr.reason = "not applicable";
	}
	if (pr.state != OV_STATE_NOT_APPLICABLE &&
	    (x = exempted(w->set, ctx, &w->scratch, pi, &r)) != NULL) {
		pr.state = OV_STATE_EXEMPT;
		pr.reason = ov__arena_printf(&w->scratch, "exempt by %s",
		    x->name);
	}
	if (w->whatif && pr.state != OV_STATE_NON_COMPLIANT)
		return 0;
	fill_result(&res, pi, rec, &pr, &w->scratch);
	if (rec->place->iac != NULL) {
		/* A template's finding goes where the template says it. */
		res.iac = true;
		if (w->snap != NULL && w->snap->iac_ops != NULL)
			w->snap->iac_ops->locate(w->snap, rec, pr.path, pr.node,
			    &res.location, &res.line, &res.column);
	}
	if (w->whatif) {
		res.effect = OV_EFFECT_DENY;
		res.effect_name = "deny";
	}
	return w->cb(&res, w->payload);
}

/* True when instance i is one the walk evaluates. */
static bool
walk_wants(const struct ov_policy_walk *w, const struct pinst *pi)
{
	if (pi->error != NULL || pi->unsupported != NULL)
		return false;
	return w->only == NULL || (pi->assignment != NULL &&
	    (ov__streq_ci(pi->assignment->id, w->only) ||
	    ov__streq_ci(pi->assignment->name, w->only)));
}

/* Evaluate the compiled set on the indexed snapshot; see policy_int.h. */
int
ov_policy__walk(struct ov_policy_walk *w)
{
	const struct ov_snapshot *s = w->snap;
	size_t i, j, k;
	int error = 0;

	ov__arena_init(&w->scratch, 0, 0);
	for (i = w->first; i < w->set->n_insts && (w->last == 0 ||
	    i < w->last) && error == 0; i += w->stride > 0 ? w->stride : 1) {
		const struct pinst *pi = w->set->insts[i];

		if (!walk_wants(w, pi))
			continue;
		if (w->trace != NULL)
			(void)ov_policy__dump_inst(pi, w->trace);
		if (pi->types != NULL && !(w->flags & OV_POLICY_EVAL_ALL)) {
			for (j = 0; j < pi->n_types && error == 0; j++) {
				const struct ov_record_list *l =
				    ov_model__by_type(s, pi->types[j]);

				for (k = 0; l != NULL && k < l->len &&
				    error == 0; k++) {
					error = ov_policy__walk_one(w, pi,
					    l->items[k]);
					ov__arena_reset(&w->scratch);
				}
			}
			continue;
		}
		for (k = 0; k < s->n_records && error == 0; k++) {
			error = ov_policy__walk_one(w, pi, s->records[k]);
			ov__arena_reset(&w->scratch);
		}
	}
	ov__arena_free(&w->scratch);
	return error;
}

/* Compile the set and index the snapshot, then walk. */
static int
walk_snapshot(struct ov_policy_walk *w, struct ov_policy_set *set)
{
	int error;

	if ((error = ov_policy__compile_all(set)) < 0)
		return error;
	if (!w->snap->indexed && (error = ov_model__index(
	    (struct ov_snapshot *)(uintptr_t)w->snap)) < 0)
		return error;
	w->set = set;
	return ov_policy__walk(w);
}

/* Evaluate on a snapshot. */
int
ov_policy_eval_snapshot(ov_policy_set *set, const ov_snapshot *snap,
    unsigned flags, ov_policy_result_cb cb, void *payload)
{
	struct ov_policy_walk w;

	OV_ASSERT_ARG(set != NULL && snap != NULL && cb != NULL);
	memset(&w, 0, sizeof(w));
	w.snap = (const struct ov_snapshot *)snap;
	w.flags = flags;
	w.cb = cb;
	w.payload = payload;
	return walk_snapshot(&w, set);
}

/*
 * Evaluate instances first, first + stride, ... below last (0 = all);
 * compile and index first (the
 * set and the snapshot are then read-only, so threads may each take a
 * range).
 */
int
ov_policy__eval_range(struct ov_policy_set *set,
    const struct ov_snapshot *snap, size_t first, size_t last, size_t stride,
    ov_policy_result_cb cb, void *payload)
{
	struct ov_policy_walk w;

	memset(&w, 0, sizeof(w));
	w.snap = snap;
	w.cb = cb;
	w.payload = payload;
	w.first = first;
	w.last = last;
	w.stride = stride;
	return walk_snapshot(&w, set);
}

/* What-if: the assignment with effect deny and enforcement on. */
int
ov_policy_whatif_deny(ov_policy_set *set, const ov_snapshot *snap,
    const char *assignment, ov_policy_result_cb cb, void *payload)
{
	struct ov_policy_walk w;
	size_t i;
	bool found = false;
	int error;

	OV_ASSERT_ARG(set != NULL && snap != NULL && assignment != NULL &&
	    cb != NULL);
	if ((error = ov_policy__compile_all(set)) < 0)
		return error;
	for (i = 0; i < set->n_insts; i++)
		if (set->insts[i]->assignment != NULL &&
		    (ov__streq_ci(set->insts[i]->assignment->id, assignment) ||
		    ov__streq_ci(set->insts[i]->assignment->name,
		    assignment)))
			found = true;
	if (!found)
		return ov__error(set->ctx, OV_ENOTFOUND, OV_ERRCLASS_POLICY,
		    "no assignment '%s'", assignment);
	memset(&w, 0, sizeof(w));
	w.snap = (const struct ov_snapshot *)snap;
	w.cb = cb;
	w.payload = payload;
	w.only = assignment;
	w.whatif = true;
	return walk_snapshot(&w, set);
}

static int
trace_cb(const ov_policy_result *r, void *p)
{
	return ov__buf_printf(p, "  => %s %s on %s%s%s\n",
	    ov_state_name(r->state), r->effect_name != NULL ? r->effect_name :
	    "", r->resource_id != NULL ? r->resource_id : "(resource)",
	    r->reason != NULL ? ": " : "", r->reason != NULL ? r->reason : "");
}

/* Write the IR and, given a snapshot, the evaluation trace into sink. */
int
ov_policy_explain(ov_policy_set *set, const ov_snapshot *snap,
    ov_policy_sink sink, void *payload)
{
	struct ov_buf b = OV_BUF_INIT((size_t)1 << 30);
	struct ov_policy_walk w;
	size_t i;
	int error;

	OV_ASSERT_ARG(set != NULL && sink != NULL);
	if ((error = ov_policy__compile_all(set)) < 0)
		return error;
	if (snap == NULL) {
		for (i = 0; i < set->n_insts; i++)
			(void)ov_policy__dump_inst(set->insts[i], &b);
	} else {
		memset(&w, 0, sizeof(w));
		w.snap = (const struct ov_snapshot *)snap;
		w.trace = &b;
		w.cb = trace_cb;
		w.payload = &b;
		error = walk_snapshot(&w, set);
	}
	if (error == 0 && b.len > 0)
		error = sink(b.ptr, b.len, payload);
	ov__buf_free(&b);
	return error;
}

/* ---- findings --------------------------------------------------------- */

struct fctx {
	ov_findings	*out;		/* destination */
	unsigned	 flags;		/* OV_POLICY_FINDINGS_* */
};

static ov_severity
default_severity(const ov_policy_result *r)
{
	ov_severity s;

	if (r->severity != NULL && ov_severity_parse(r->severity, &s) == 0)
		return s;
	switch (r->effect) {
	case OV_EFFECT_DENY:
		return OV_SEV_HIGH;
	case OV_EFFECT_MANUAL:
		return OV_SEV_LOW;
	default:
		return OV_SEV_MEDIUM;
	}
}

/* A result as a finding; see overvisor/policy.h. */
int
ov_policy_add_finding(ov_findings *out, const ov_policy_result *r,
    unsigned flags)
{
	ov_finding f;
	ov_evidence ev;
	ov_layer layer;
	char fp[33];
	const char *ctl[256];
	size_t n = 0, i;

	if (r->state != OV_STATE_NON_COMPLIANT &&
	    r->state != OV_STATE_INDETERMINATE)
		return 0;
	if (r->state == OV_STATE_INDETERMINATE &&
	    (flags & OV_POLICY_FINDINGS_NO_INDETERMINATE))
		return 0;
	/* Manual controls awaiting attestation are not findings. */
	if (r->state == OV_STATE_INDETERMINATE &&
	    r->effect == OV_EFFECT_MANUAL)
		return 0;
	memset(&f, 0, sizeof(f));
	memset(&ev, 0, sizeof(ev));
	f.rule = r->rule_id != NULL ? r->rule_id : r->definition_name;
	f.title = r->display_name != NULL ? r->display_name :
	    r->definition_name;
	f.severity = default_severity(r);
	f.state = r->state;
	f.resource_id = r->resource_id != NULL ? r->resource_id : "(unknown)";
	f.resource_type = r->resource_type;
	f.resource_name = r->resource_name;
	f.subscription_id = r->subscription_id;
	f.resource_group = r->resource_group;
	/* A definition of Microsoft's or the customer's: enforcing it is the
	 * policy-enforcement duty, in the layer its subject lives in. */
	if (ov_layer_parse(r->layer != NULL ? r->layer :
	    default_layer(r->category, r->resource_type), &layer) == 0)
		f.layer = layer;
	f.duty = r->duty != NULL ? r->duty : "policy-enforcement";
	for (i = 0; i < r->n_controls && n < 256; i++)
		ctl[n++] = r->controls[i];
	for (i = 0; i < r->n_groups && n < 256; i++)
		ctl[n++] = r->groups[i];
	f.controls = ctl;
	f.n_controls = n;
	ev.path = r->path != NULL ? r->path : r->pointer;
	ev.value = r->value;
	ev.message = r->reason;
	f.evidence = &ev;
	f.n_evidence = 1;
	f.remediation = r->remediation;
	f.source = "policy";
	if (r->iac) {
		/*
		 * Stopping an insecure template before it deploys is policy
		 * enforcement, whatever duty fixes it in a live estate; the
		 * same resource id in two templates is two findings.
		 */
		char key[1024];

		f.duty = "policy-enforcement";
		f.file = r->location;
		f.line = r->line;
		f.column = r->column;
		snprintf(key, sizeof(key), "%s#%s", r->location != NULL ?
		    r->location : "", f.resource_id);
		ov_fingerprint(f.rule, key, NULL, fp);
		f.fingerprint = fp;
	}
	return ov_findings_add(out, &f);
}

static int
finding_cb(const ov_policy_result *r, void *p)
{
	const struct fctx *fc = p;

	return ov_policy_add_finding(fc->out, r, fc->flags);
}

/* Turn results into findings. */
int
ov_policy_findings(ov_policy_set *set, const ov_snapshot *snap,
    ov_findings *out, unsigned flags)
{
	struct fctx fc;

	OV_ASSERT_ARG(set != NULL && snap != NULL && out != NULL);
	fc.out = out;
	fc.flags = flags;
	return ov_policy_eval_snapshot(set, snap, 0, finding_cb, &fc);
}
