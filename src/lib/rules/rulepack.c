/* SPDX-License-Identifier: MIT */
/*
 * Loading the rule pack and listing it (text and JSON).  Each rule must be
 * a well-formed definition with complete metadata: the pack is the
 * product, so a broken rule file is an error, not a warning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/json.h"
#include "lib/rules/rulepack.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/file.h"

static const char *const duties[] = {
	"os-patching", "identity-review", "nsg-review", "defender-triage",
	"policy-enforcement", "backup-validation", "monitoring",
	"incident-response", "governance-reporting"
};

static bool
valid_rule_id(const char *id)
{
	const char *p = id, *dash;
	size_t digits = 0;

	if (id == NULL || strncmp(id, "OV-", 3) != 0)
		return false;
	p += 3;
	if ((dash = strchr(p, '-')) == NULL || dash == p)
		return false;
	for (; p < dash; p++)
		if (*p < 'A' || *p > 'Z')
			return false;
	for (p = dash + 1; *p != '\0'; p++, digits++)
		if (*p < '0' || *p > '9')
			return false;
	return digits == 3;
}

static bool
known_duty(const char *d)
{
	size_t i;

	for (i = 0; i < sizeof(duties) / sizeof(duties[0]); i++)
		if (strcmp(d, duties[i]) == 0)
			return true;
	return false;
}

/*
 * Peer check references: "prowler:<id>", "checkov:<id>", "psrule:<name>",
 * "prowler-m365:<id>" (Prowler's Microsoft 365 Entra checks).
 */
static bool
valid_peers(const ov_json *arr)
{
	static const char *const tools[] = { "prowler:", "checkov:",
	    "psrule:", "prowler-m365:" };
	size_t i, k;

	for (i = 0; i < ov_json_len(arr); i++) {
		const char *s = ov_json_string(ov_json_at(arr, i));
		bool ok = false;

		for (k = 0; s != NULL && k < sizeof(tools) / sizeof(tools[0]);
		    k++)
			ok |= strncmp(s, tools[k], strlen(tools[k])) == 0 &&
			    s[strlen(tools[k])] != '\0';
		if (!ok)
			return false;
	}
	return true;
}

/* Copy a JSON string array into the arena. */
static int
str_array(struct ov_rulepack *p, const ov_json *arr,
    const char * const **out, size_t *n)
{
	const char **v;
	size_t i, len = ov_json_len(arr);

	if ((v = ov__arena_calloc(&p->arena, len + 1, sizeof(*v))) == NULL)
		return ov__error_oom(p->ctx);
	for (i = 0; i < len; i++) {
		const char *s = ov_json_string(ov_json_at(arr, i));

		if (s == NULL || (v[i] = ov__arena_strdup(&p->arena,
		    s)) == NULL)
			return s == NULL ? OV_EINVALID : ov__error_oom(p->ctx);
	}
	*out = v;
	*n = len;
	return 0;
}

/* The type in the first top-level {field: type, equals: T} condition. */
static const char *
target_type(const ov_json *cond)
{
	const ov_json *all;
	size_t i;

	if (ov__streq_ci(ov_json_string(ov_json_get(cond, "field")) ?
	    ov_json_string(ov_json_get(cond, "field")) : "", "type"))
		return ov_json_string(ov_json_get(cond, "equals"));
	all = ov_json_get(cond, "allOf");
	for (i = 0; i < ov_json_len(all); i++) {
		const char *t = target_type(ov_json_at(all, i));

		if (t != NULL)
			return t;
	}
	return NULL;
}

#define DUP(dst, s) do {						\
	const char *s_ = (s);						\
	if (s_ != NULL && ((dst) = ov__arena_strdup(&p->arena, s_)) == NULL) \
		goto oom;						\
} while (0)

static int
bad(struct ov_rulepack *p, const char *path, const char *pointer,
    const char *what)
{
	return ov__error_at(p->ctx, OV_EINVALID, OV_ERRCLASS_POLICY, path, 0,
	    0, pointer, "rule %s", what);
}

static int
load_one(struct ov_rulepack *p, const char *path, const char *text,
    size_t len, ov_rule_info *r)
{
	ov_json_doc *doc = NULL;
	ov_json_error jerr;
	const ov_json *props, *md, *ov, *eff;
	ov_severity sev;
	ov_layer layer;
	int error = 0;

	if ((error = ov_json_parse(&doc, p->ctx, text, len, OV_JSON_STRICT,
	    &jerr)) < 0)
		return ov__error_at(p->ctx, error, OV_ERRCLASS_POLICY, path,
		    jerr.line, jerr.column, NULL, "%s", jerr.message);
	props = ov_json_get(ov_json_doc_root(doc), "properties");
	md = ov_json_get(props, "metadata");
	ov = ov_json_get(md, "overvisor");
	eff = ov_json_path(props, "parameters.effect");
	memset(r, 0, sizeof(*r));
	DUP(r->file, path);
	DUP(r->id, ov_json_string(ov_json_get(ov, "id")));
	DUP(r->title, ov_json_string(ov_json_get(props, "displayName")));
	DUP(r->description, ov_json_string(ov_json_get(props,
	    "description")));
	DUP(r->category, ov_json_string(ov_json_get(md, "category")));
	DUP(r->version, ov_json_string(ov_json_get(md, "version")));
	DUP(r->mode, ov_json_string(ov_json_get(props, "mode")));
	DUP(r->severity, ov_json_string(ov_json_get(ov, "severity")));
	DUP(r->layer, ov_json_string(ov_json_get(ov, "layer")));
	DUP(r->duty, ov_json_string(ov_json_get(ov, "duty")));
	DUP(r->remediation, ov_json_string(ov_json_get(ov, "remediation")));
	DUP(r->builtin, ov_json_string(ov_json_get(ov, "builtin")));
	DUP(r->default_effect, ov_json_string(ov_json_get(eff,
	    "defaultValue")));
	DUP(r->resource_type, target_type(ov_json_path(props,
	    "policyRule.if")));
	DUP(r->family, ov_json_string(ov_json_get(ov, "family")));
	DUP(r->defender_recommendation, ov_json_string(ov_json_get(ov,
	    "defenderRecommendation")));
	DUP(r->severity_rationale, ov_json_string(ov_json_get(ov,
	    "severityRationale")));
	if (!valid_rule_id(r->id))
		error = bad(p, path, "/properties/metadata/overvisor/id",
		    "id must look like OV-AREA-NNN");
	else if (r->title == NULL || r->description == NULL)
		error = bad(p, path, "/properties", "needs displayName and "
		    "description");
	else if (r->mode == NULL || (strcmp(r->mode, "Indexed") != 0 &&
	    strcmp(r->mode, "All") != 0))
		error = bad(p, path, "/properties/mode",
		    "mode must be Indexed or All");
	else if (r->category == NULL || r->version == NULL)
		error = bad(p, path, "/properties/metadata",
		    "needs category and version");
	else if (r->severity == NULL || ov_severity_parse(r->severity,
	    &sev) < 0)
		error = bad(p, path, "/properties/metadata/overvisor/severity",
		    "has no valid severity");
	else if (r->layer == NULL || ov_layer_parse(r->layer, &layer) < 0 ||
	    layer == OV_LAYER_UNKNOWN)
		error = bad(p, path, "/properties/metadata/overvisor/layer",
		    "has no valid layer");
	else if (r->duty == NULL || !known_duty(r->duty))
		error = bad(p, path, "/properties/metadata/overvisor/duty",
		    "has no known duty");
	else if (r->remediation == NULL || *r->remediation == '\0')
		error = bad(p, path,
		    "/properties/metadata/overvisor/remediation",
		    "has no remediation");
	else if (ov_json_type_of(ov_json_get(ov, "controls")) !=
	    OV_JSON_ARRAY)
		error = bad(p, path, "/properties/metadata/overvisor/controls",
		    "controls must be an array");
	else if (ov_json_get(ov, "peers") != NULL &&
	    ov_json_type_of(ov_json_get(ov, "peers")) != OV_JSON_ARRAY)
		error = bad(p, path, "/properties/metadata/overvisor/peers",
		    "peers must be an array");
	else if (!valid_peers(ov_json_get(ov, "peers")))
		error = bad(p, path, "/properties/metadata/overvisor/peers",
		    "peers must name prowler:, checkov:, psrule: or "
		    "prowler-m365: checks");
	else if (r->default_effect == NULL || ov_json_type_of(ov_json_get(eff,
	    "allowedValues")) != OV_JSON_ARRAY)
		error = bad(p, path, "/properties/parameters/effect",
		    "needs an effect parameter with allowedValues and "
		    "defaultValue");
	else if (ov_json_path(props, "policyRule.if") == NULL ||
	    ov_json_path(props, "policyRule.then.effect") == NULL)
		error = bad(p, path, "/properties/policyRule",
		    "needs policyRule.if and policyRule.then.effect");
	if (error == 0 && (error = str_array(p, ov_json_get(ov, "controls"),
	    &r->controls, &r->n_controls)) == 0 &&
	    (error = str_array(p, ov_json_get(ov, "peers"), &r->peers,
	    &r->n_peers)) == 0)
		error = str_array(p, ov_json_get(eff, "allowedValues"),
		    &r->effects, &r->n_effects);
	if (error == OV_EINVALID && ov_error_last(p->ctx)->code == 0)
		error = bad(p, path, NULL, "has a non-string array element");
	ov_json_doc_free(doc);
	return error;
oom:
	ov_json_doc_free(doc);
	return ov__error_oom(p->ctx);
}

static int
cmp_rule(const void *a, const void *b)
{
	return strcmp(((const ov_rule_info *)a)->id,
	    ((const ov_rule_info *)b)->id);
}

/* Load the rule pack under rules_dir (see overvisor/rules.h). */
int
ov_rulepack_load(ov_rulepack **out, ov_ctx *ctx, const char *rules_dir)
{
	struct ov_rulepack *p;
	char **paths;
	size_t n, i;
	int error;

	OV_ASSERT_ARG(out != NULL && rules_dir != NULL);
	*out = NULL;
	if ((p = ov__calloc(1, sizeof(*p))) == NULL)
		return ov__error_oom(ctx);
	p->ctx = ctx;
	ov__arena_init(&p->arena, 0, 0);
	if ((error = ov__list_files(ctx, &p->arena, rules_dir, ".json",
	    &paths, &n)) < 0)
		goto fail;
	p->rules = ov__arena_calloc(&p->arena, n + 1, sizeof(*p->rules));
	p->texts = ov__calloc(n + 1, sizeof(*p->texts));
	if (p->rules == NULL || p->texts == NULL) {
		error = ov__error_oom(ctx);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		size_t len;

		if ((error = ov__read_file(ctx, OV_ERRCLASS_INPUT, paths[i],
		    OV_DATA_MAX_FILE, &p->texts[i], &len)) < 0)
			goto fail;
		p->n_texts++;
		if ((error = load_one(p, paths[i], p->texts[i], len,
		    &p->rules[i])) < 0)
			goto fail;
		/* Remember which text belongs to the rule across the sort. */
		p->rules[i].file = paths[i];
	}
	p->n_rules = n;
	if (n > 0)
		qsort(p->rules, n, sizeof(*p->rules), cmp_rule);
	for (i = 1; i < n; i++)
		if (strcmp(p->rules[i - 1].id, p->rules[i].id) == 0) {
			error = ov__error_at(ctx, OV_EINVALID,
			    OV_ERRCLASS_POLICY, p->rules[i].file, 0, 0, NULL,
			    "rule id %s is used twice (also %s)",
			    p->rules[i].id, p->rules[i - 1].file);
			goto fail;
		}
	*out = p;
	return 0;
fail:
	ov_rulepack_free(p);
	return error;
}

/* Release a rule pack.  NULL is ignored. */
void
ov_rulepack_free(ov_rulepack *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n_texts; i++)
		ov__free(p->texts[i]);
	ov__free(p->texts);
	ov__arena_free(&p->arena);
	ov__free(p);
}

/* Number of rules. */
size_t
ov_rulepack_count(const ov_rulepack *p)
{
	return p != NULL ? p->n_rules : 0;
}

/* Rule i in id order. */
const ov_rule_info *
ov_rulepack_get(const ov_rulepack *p, size_t i)
{
	return p != NULL && i < p->n_rules ? &p->rules[i] : NULL;
}

/* The rule with id, or NULL. */
const ov_rule_info *
ov_rulepack_find(const ov_rulepack *p, const char *id)
{
	size_t i;

	for (i = 0; p != NULL && id != NULL && i < p->n_rules; i++)
		if (ov__streq_ci(p->rules[i].id, id))
			return &p->rules[i];
	return NULL;
}
