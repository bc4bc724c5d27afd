/* SPDX-License-Identifier: MIT */
/*
 * policy_enforcement: the policy-enforcement duty.  Reads Azure Policy
 * assignments, definitions, initiatives (policy set definitions) and
 * exemptions from the snapshot and the contract's must-deny list.
 *
 * The effect of a control is resolved as Azure does: the definition's
 * then.effect, and when that is "[parameters('x')]", the value the
 * initiative member or the assignment passes for x, else the parameter's
 * defaultValue.  A control whose definition is not in the snapshot and whose
 * assignment passes no "effect" parameter is indeterminate, never assumed.
 */
#include <stdio.h>
#include <string.h>

#include "lib/analyzers/analyzer.h"
#include "lib/analyzers/evidence.h"
#include "lib/raci/contract.h"
#include "lib/analyzers/duty.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/time.h"

#define T_ASSIGN	"Microsoft.Authorization/policyAssignments"
#define T_DEF		"Microsoft.Authorization/policyDefinitions"
#define T_SET		"Microsoft.Authorization/policySetDefinitions"
#define T_EXEMPT	"Microsoft.Authorization/policyExemptions"

#define SRC		"policy_enforcement"
#define DUTY		OV_DUTY_POLICY_ENFORCEMENT
#define LAYER		OV_LAYER_APPLICATIONS

/* The last path segment of an id. */
static const char *
last_segment(const char *id)
{
	const char *s;

	if (id == NULL)
		return NULL;
	s = strrchr(id, '/');
	return s != NULL ? s + 1 : id;
}

/* Definitions and initiatives by name (the first of each name). */
struct pe_names {
	struct ov_map	 defs;		/* name -> definition record */
	struct ov_map	 sets;		/* name -> initiative record */
};

static int
index_names(struct ov_map *m, const struct ov_snapshot *s, const char *type)
{
	const struct ov_record_list *l = ov_model__by_type(s, type);
	size_t i;

	for (i = 0; i < l->len; i++)
		if (l->items[i]->name != NULL && ov_duty__map_put(m,
		    l->items[i]->name, strlen(l->items[i]->name),
		    l->items[i]) < 0)
			return OV_ENOMEM;
	return 0;
}

/* A definition or set record by id, then by name. */
static const struct ov_record *
find_def(const struct ov_snapshot *s, const struct ov_map *by_name,
    const char *id)
{
	const struct ov_record *r;
	const char *name = last_segment(id);

	if (id == NULL)
		return NULL;
	if ((r = ov_model__by_id(s, id)) != NULL)
		return r;
	return ov__map_get(by_name, name, strlen(name));
}

/*
 * When s is "[parameters('name')]", copy name into out and return true.
 */
static bool
param_ref(const char *s, char *out, size_t size)
{
	const char *p, *q;
	size_t n;

	if (s == NULL || s[0] != '[')
		return false;
	p = s + 1;
	while (*p == ' ')
		p++;
	if (strncmp(p, "parameters(", 11) != 0 &&
	    strncmp(p, "Parameters(", 11) != 0)
		return false;
	p += 11;
	while (*p == ' ')
		p++;
	if (*p != '\'')
		return false;
	p++;
	if ((q = strchr(p, '\'')) == NULL)
		return false;
	n = (size_t)(q - p);
	if (n == 0 || n >= size)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* params[name].value as a string, or NULL. */
static const char *
param_value(const ov_json *params, const char *name)
{
	return ov_json_string(ov_json_get(ov_json_get(params, name), "value"));
}

/* defs[name].defaultValue as a string, or NULL. */
static const char *
param_default(const ov_json *defs, const char *name)
{
	return ov_json_string(ov_json_get(ov_json_get(defs, name),
	    "defaultValue"));
}

/*
 * The effective effect of definition def under assignment a, through
 * initiative member m of set (both may be NULL).  NULL when unknown.  *how
 * receives a short explanation of where the value came from.
 */
static const char *
resolve_effect(const struct ov_record *a, const struct ov_record *def,
    const ov_json *m, const struct ov_record *set, const char **how)
{
	const ov_json *aparams = ov_model__field(a, "properties.parameters");
	const char *e, *v;
	char name[128], name2[128];

	if (def == NULL) {
		/* no definition: an explicit "effect" parameter still tells */
		if ((v = param_value(aparams, "effect")) != NULL &&
		    !param_ref(v, name, sizeof(name))) {
			*how = "assignment parameter 'effect'";
			return v;
		}
		*how = "definition not in the snapshot";
		return NULL;
	}
	e = ov_model__str(def, "properties.policyRule.then.effect");
	if (e == NULL) {
		*how = "definition has no then.effect";
		return NULL;
	}
	if (!param_ref(e, name, sizeof(name))) {
		*how = "definition then.effect";
		return e;
	}
	if (m != NULL) {
		v = param_value(ov_json_get(m, "parameters"), name);
		if (v != NULL && param_ref(v, name2, sizeof(name2))) {
			if ((e = param_value(aparams, name2)) != NULL) {
				*how = "assignment parameter via initiative";
				return e;
			}
			*how = "initiative parameter default";
			return param_default(ov_model__field(set,
			    "properties.parameters"), name2);
		}
		if (v != NULL) {
			*how = "initiative member parameter";
			return v;
		}
	} else if ((v = param_value(aparams, name)) != NULL) {
		*how = "assignment parameter";
		return v;
	}
	*how = "definition parameter default";
	return param_default(ov_model__field(def, "properties.parameters"),
	    name);
}

static bool
is_deny(const char *e)
{
	return e != NULL && (ov__streq_ci(e, "deny") ||
	    ov__streq_ci(e, "denyAction"));
}

static bool
do_not_enforce(const struct ov_record *a)
{
	const char *m = ov_model__str(a, "properties.enforcementMode");

	return m != NULL && ov__streq_ci(m, "DoNotEnforce");
}

static int64_t
changed_at(const struct ov_record *a)
{
	int64_t t = 0;

	if (ov_duty__rec_time(a, "systemData.lastModifiedAt", &t) ||
	    ov_duty__rec_time(a, "properties.metadata.updatedOn", &t) ||
	    ov_duty__rec_time(a, "systemData.createdAt", &t) ||
	    ov_duty__rec_time(a, "properties.metadata.createdOn", &t))
		return t;
	return 0;
}

static const char *
label(const struct ov_record *r)
{
	const char *s = ov_model__str(r, "properties.displayName");

	return s != NULL ? s : r->name != NULL ? r->name : r->id;
}

/* Does must-deny entry e name this definition? */
static bool
def_matches(const char *e, const char *def_id, const struct ov_record *def)
{
	const char *dn = ov_model__str(def, "properties.displayName");

	return (def_id != NULL && (ov__streq_ci(def_id, e) ||
	    ov__streq_ci(last_segment(def_id), e))) ||
	    (dn != NULL && ov__streq_ci(dn, e));
}

static bool
assignment_matches(const char *e, const struct ov_record *a)
{
	const char *dn = ov_model__str(a, "properties.displayName");

	return (a->name != NULL && ov__streq_ci(a->name, e)) ||
	    (dn != NULL && ov__streq_ci(dn, e));
}

/* OV-POL-002 / OV-POL-003 for one (assignment, control). */
static int
judge(struct ov_analyzer_ctx *actx, const char *e, const struct ov_record *a,
    const struct ov_record *def, const char *def_id, const ov_json *m,
    const struct ov_record *set)
{
	struct ov_duty_finding df;
	const char *how = NULL;
	const char *effect = resolve_effect(a, def, m, set, &how);
	const char *ref = ov_json_string(ov_json_get(m,
	    "policyDefinitionReferenceId"));
	char rid[1024];
	bool dne = do_not_enforce(a);

	if (is_deny(effect) && !dne)
		return 0;
	if (m != NULL)
		snprintf(rid, sizeof(rid), "%s/policyDefinitionReferences/%s",
		    a->id, ref != NULL ? ref : last_segment(def_id));
	else
		snprintf(rid, sizeof(rid), "%s", a->id);
	ov_duty__begin(&df, actx, effect == NULL && !dne ? "OV-POL-003" :
	    "OV-POL-002", a);
	df.f.resource_id = rid;
	if (dne) {
		ov_duty__title(&df, "Must-deny control '%s' is in assignment "
		    "'%s', which is DoNotEnforce", e, label(a));
	} else if (effect == NULL) {
		ov_duty__title(&df, "Effect of must-deny control '%s' in "
		    "assignment '%s' cannot be resolved", e, label(a));
	} else {
		ov_duty__title(&df, "Must-deny control '%s' runs with effect "
		    "%s in assignment '%s'", e, effect, label(a));
	}
	ov_duty__ev_str(&df, "properties.policyDefinitionId", def_id,
	    "control");
	ov_duty__ev_str(&df, "effect", effect, "%s", how);
	ov_duty__ev_str(&df, "properties.enforcementMode",
	    ov_model__str(a, "properties.enforcementMode"),
	    dne ? "not enforced" : "enforcement mode");
	ov_duty__ev_str(&df, "contract.duties.policy-enforcement.must-deny",
	    e, "the contract requires deny for this control");
	return ov_duty__emit(&df, changed_at(a) != 0 ? changed_at(a) :
	    actx->now);
}

/* Walk every assignment for one must-deny entry. */
static int
check_must_deny(struct ov_analyzer_ctx *actx, const struct pe_names *nm,
    const char *e)
{
	const struct ov_snapshot *s = actx->snap;
	const struct ov_record_list *l = ov_model__by_type(s, T_ASSIGN);
	struct ov_duty_finding df;
	bool found = false;
	size_t i, j;
	char rid[512];
	int error;

	for (i = 0; i < l->len; i++) {
		const struct ov_record *a = l->items[i];
		const char *def_id = ov_model__str(a,
		    "properties.policyDefinitionId");
		const struct ov_record *set, *def;

		if (def_id == NULL)
			continue;
		if (!ov_duty__contains_ci(def_id, "/policySetDefinitions/")) {
			def = find_def(s, &nm->defs, def_id);
			if (!def_matches(e, def_id, def) &&
			    !assignment_matches(e, a))
				continue;
			found = true;
			if ((error = judge(actx, e, a, def, def_id, NULL,
			    NULL)) < 0)
				return error;
			continue;
		}
		set = find_def(s, &nm->sets, def_id);
		if (set == NULL) {
			if (!assignment_matches(e, a))
				continue;
			found = true;
			if ((error = judge(actx, e, a, NULL, def_id, NULL,
			    NULL)) < 0)
				return error;
			continue;
		}
		{
			const ov_json *members = ov_model__field(set,
			    "properties.policyDefinitions");

			for (j = 0; j < ov_json_len(members); j++) {
				const ov_json *m = ov_json_at(members, j);
				const char *mid = ov_json_string(ov_json_get(m,
				    "policyDefinitionId"));
				const char *ref = ov_json_string(ov_json_get(m,
				    "policyDefinitionReferenceId"));

				def = find_def(s, &nm->defs, mid);
				if (!def_matches(e, mid, def) && (ref == NULL ||
				    !ov__streq_ci(ref, e)))
					continue;
				found = true;
				if ((error = judge(actx, e, a, def, mid, m,
				    set)) < 0)
					return error;
			}
		}
	}
	if (found)
		return 0;
	snprintf(rid, sizeof(rid), "/tenants/%s/mustDeny/%s",
	    s->tenant_id != NULL ? s->tenant_id : "unknown", e);
	ov_duty__begin(&df, actx, "OV-POL-004", NULL);
	df.f.resource_id = rid;
	df.f.resource_type = T_ASSIGN;
	ov_duty__title(&df, "Must-deny control '%s' is not assigned", e);
	ov_duty__ev_int(&df, "policyAssignments", (int64_t)l->len,
	    "assignments examined; none applies this control");
	ov_duty__ev_str(&df, "contract.duties.policy-enforcement.must-deny",
	    e, "required in deny mode by the contract");
	return ov_duty__emit(&df, actx->now);
}

static int
check_assignment(struct ov_analyzer_ctx *actx, const struct ov_record *a)
{
	struct ov_duty_finding df;
	int64_t t;

	if (!do_not_enforce(a))
		return 0;
	ov_duty__begin(&df, actx, "OV-POL-001", a);
	ov_duty__title(&df, "Policy assignment '%s' is not enforced "
	    "(DoNotEnforce)", label(a));
	ov_duty__ev_str(&df, "properties.enforcementMode", "DoNotEnforce",
	    "deny and deployIfNotExists effects are not applied");
	ov_duty__ev_str(&df, "properties.scope", ov_model__str(a,
	    "properties.scope"), "scope");
	t = changed_at(a);
	return ov_duty__emit(&df, t != 0 ? t : actx->now);
}

static int
check_exemption(struct ov_analyzer_ctx *actx, const struct ov_record *x)
{
	struct ov_duty_finding df;
	const ov_json *exp = ov_model__field(x, "properties.expiresOn");
	int64_t t = 0;

	if (exp != NULL && ov_json_type_of(exp) != OV_JSON_NULL) {
		if (!ov_duty__time(exp, &t)) {	/* expiry unreadable */
			int error = ov_analyzer__unknown(actx, "OV-POL-005",
			    x->id);

			return error < 0 ? error : ov_analyzer__unknown(actx,
			    "OV-POL-006", x->id);
		}
		if (t > actx->now)
			return 0;
		ov_duty__begin(&df, actx, "OV-POL-006", x);
		ov_duty__title(&df, "Policy exemption '%s' expired but is still "
		    "present", label(x));
		ov_duty__ev_str(&df, "properties.expiresOn",
		    ov_json_string(exp), "expired %lld days before the "
		    "snapshot", (long long)ov_duty__days(actx->now - t));
		return ov_duty__emit(&df, t);
	}
	ov_duty__begin(&df, actx, "OV-POL-005", x);
	ov_duty__title(&df, "Policy exemption '%s' never expires", label(x));
	ov_duty__ev(&df, "properties.expiresOn", NULL, "no expiry: the "
	    "exemption is never reviewed");
	ov_duty__ev_str(&df, "properties.exemptionCategory", ov_model__str(x,
	    "properties.exemptionCategory"), "category");
	ov_duty__ev_str(&df, "properties.policyAssignmentId", ov_model__str(x,
	    "properties.policyAssignmentId"), "exempted assignment");
	t = changed_at(x);
	return ov_duty__emit(&df, t != 0 ? t : actx->now);
}

static int
run(struct ov_analyzer_ctx *actx)
{
	const struct ov_snapshot *s = actx->snap;
	const struct ov_contract_duty *d = ov_contract__duty(actx->contract,
	    DUTY);
	const struct ov_record_list *l;
	struct pe_names nm = { OV_MAP_INIT, OV_MAP_INIT };
	size_t i;
	int error = 0;

	if (!ov_model__type_collected(s, T_ASSIGN))
		return ov_duty__coverage(actx, "OV-POL-009", "no policy "
		    "assignments (policyresources) in the snapshot");
	/* Every assignment meets OV-POL-001, every exemption OV-POL-005 and
	 * 006 (an unreadable expiry is vetoed there): silence is a pass. */
	if ((error = ov_analyzer__ran(actx, "OV-POL-001", T_ASSIGN)) < 0 ||
	    (error = ov_analyzer__ran(actx, "OV-POL-005", T_EXEMPT)) < 0 ||
	    (error = ov_analyzer__ran(actx, "OV-POL-006", T_EXEMPT)) < 0)
		return error;
	l = ov_model__by_type(s, T_ASSIGN);
	for (i = 0; i < l->len; i++)
		if ((error = check_assignment(actx, l->items[i])) < 0)
			return error;
	if (d != NULL && d->n_must_deny > 0 &&
	    (index_names(&nm.defs, s, T_DEF) < 0 ||
	    index_names(&nm.sets, s, T_SET) < 0)) {
		error = ov__error_oom(actx->ctx);
		goto done;
	}
	for (i = 0; d != NULL && i < d->n_must_deny; i++)
		if ((error = check_must_deny(actx, &nm, d->must_deny[i])) < 0)
			goto done;
	l = ov_model__by_type(s, T_EXEMPT);
	for (i = 0; i < l->len; i++)
		if ((error = check_exemption(actx, l->items[i])) < 0)
			goto done;
done:
	ov__map_free(&nm.defs);
	ov__map_free(&nm.sets);
	return error;
}

static const struct ov_analyzer_read reads[] = {
	{ T_ASSIGN, "*" },
	{ T_DEF, "*" },
	{ T_SET, "*" },
	{ T_EXEMPT, "*" },
	{ NULL, NULL }
};

const struct ov_analyzer ov_analyzer_policy_enforcement = {
	"policy_enforcement",
	"Azure Policy enforcement: DoNotEnforce, must-deny controls, "
	    "exemptions",
	DUTY,
	run,
	reads,
	NULL
};

/*
 * Every (assignment, control) pair of the snapshot with its resolved
 * effect, for the enforcement coverage the governance report shows.
 */
int
ov_policy_enforcement__controls(const struct ov_snapshot *s,
    const struct ov_contract *c, const struct ov_ev_sink *sink)
{
	const struct ov_contract_duty *d = ov_contract__duty(c, DUTY);
	const struct ov_record_list *l = ov_model__by_type(s, T_ASSIGN);
	struct pe_names nm = { OV_MAP_INIT, OV_MAP_INIT };
	struct ov_ev_control pc;
	size_t i, j, k;
	int error = 0;

	if (sink->control == NULL)
		return 0;
	if (index_names(&nm.defs, s, T_DEF) < 0 ||
	    index_names(&nm.sets, s, T_SET) < 0) {
		error = OV_ENOMEM;
		goto done;
	}
	for (i = 0; i < l->len; i++) {
		const struct ov_record *a = l->items[i];
		const char *def_id = ov_model__str(a,
		    "properties.policyDefinitionId");
		bool is_set;
		const struct ov_record *set = NULL, *def;
		const ov_json *members = NULL;
		size_t n = 1;

		if (def_id == NULL)
			continue;
		is_set = ov_duty__contains_ci(def_id, "/policySetDefinitions/");
		if (is_set && (set = find_def(s, &nm.sets, def_id)) != NULL) {
			members = ov_model__field(set,
			    "properties.policyDefinitions");
			n = ov_json_len(members);
		}
		for (j = 0; j < n; j++) {
			const ov_json *m = members != NULL ?
			    ov_json_at(members, j) : NULL;
			const char *mid = m != NULL ? ov_json_string(ov_json_get(
			    m, "policyDefinitionId")) : def_id;
			const char *ref = m != NULL ? ov_json_string(
			    ov_json_get(m, "policyDefinitionReferenceId")) : NULL;
			const char *how = NULL;

			def = !is_set || set != NULL ? find_def(s, &nm.defs,
			    mid) : NULL;
			memset(&pc, 0, sizeof(pc));
			pc.assignment_id = a->id;
			pc.assignment = label(a);
			pc.control = def != NULL ? label(def) : ref != NULL ?
			    ref : last_segment(mid);
			pc.effect = resolve_effect(a, def, m, set, &how);
			pc.enforced = !do_not_enforce(a);
			for (k = 0; d != NULL && k < d->n_must_deny; k++)
				if (def_matches(d->must_deny[k], mid, def) ||
				    assignment_matches(d->must_deny[k], a) ||
				    (ref != NULL && ov__streq_ci(ref,
				    d->must_deny[k])))
					pc.must_deny = true;
			if ((error = sink->control(&pc, sink->payload)) != 0)
				goto done;
		}
	}
done:
	ov__map_free(&nm.defs);
	ov__map_free(&nm.sets);
	return error;
}
