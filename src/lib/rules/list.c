/* SPDX-License-Identifier: MIT */
/*
 * `overvisor rules list`: the rule pack's rules and the analyzers' checks,
 * merged in id order, as a text table with a KIND column or as JSON.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "overvisor/json.h"
#include "lib/rules/checks.h"
#include "lib/rules/rulepack.h"

/* A "key": value member, after ", " when comma. */
static void
json_kv(FILE *f, const char *key, const char *val, bool comma)
{
	fprintf(f, "%s\"%s\": ", comma ? ", " : "", key);
	(void)ov_json_fput_string(val, f);
}

/* A ", "key": [values]" member. */
static void
json_arr(FILE *f, const char *key, const char * const *v, size_t n)
{
	size_t i;

	fprintf(f, ", \"%s\": [", key);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputs(", ", f);
		(void)ov_json_fput_string(v[i], f);
	}
	fputc(']', f);
}

/* One rule as a JSON object, keys in sorted order. */
static void
rule_json(FILE *f, const ov_rule_info *r)
{
	fputc('{', f);
	json_kv(f, "builtin", r->builtin, false);
	json_kv(f, "category", r->category, true);
	json_arr(f, "controls", r->controls, r->n_controls);
	json_kv(f, "defaultEffect", r->default_effect, true);
	json_kv(f, "defenderRecommendation", r->defender_recommendation,
	    true);
	json_kv(f, "description", r->description, true);
	json_kv(f, "duty", r->duty, true);
	json_arr(f, "effects", r->effects, r->n_effects);
	json_kv(f, "family", r->family, true);
	json_kv(f, "id", r->id, true);
	json_kv(f, "kind", "rule", true);
	json_kv(f, "layer", r->layer, true);
	json_kv(f, "mode", r->mode, true);
	json_arr(f, "peers", r->peers, r->n_peers);
	json_kv(f, "remediation", r->remediation, true);
	json_kv(f, "resourceType", r->resource_type, true);
	json_kv(f, "severity", r->severity, true);
	json_kv(f, "severityRationale", r->severity_rationale, true);
	json_kv(f, "title", r->title, true);
	json_kv(f, "version", r->version, true);
	fputc('}', f);
}

/* One check as a JSON object, keys in sorted order. */
static void
check_json(FILE *f, const ov_check_info *c)
{
	fputc('{', f);
	json_kv(f, "analyzer", c->analyzer, false);
	json_arr(f, "controls", c->controls, c->n_controls);
	json_kv(f, "description", c->description, true);
	json_kv(f, "docs", c->docs, true);
	json_kv(f, "duty", c->duty, true);
	json_kv(f, "dutyNote", c->duty_note, true);
	json_kv(f, "id", c->id, true);
	json_kv(f, "kind", "analyzer", true);
	json_kv(f, "layer", c->layer, true);
	json_kv(f, "layerNote", c->layer_note, true);
	json_arr(f, "peers", c->peers, c->n_peers);
	json_kv(f, "remediation", c->remediation, true);
	json_kv(f, "severity", c->severity, true);
	json_kv(f, "severityNote", c->severity_note, true);
	json_kv(f, "started", c->started, true);
	json_kv(f, "state", c->state, true);
	json_kv(f, "stateNote", c->state_note, true);
	json_kv(f, "title", c->title, true);
	fputc('}', f);
}

/*
 * The rules of p (NULL: none) and, with checks, the analyzer checks,
 * merged in id order: the next one at cursors *i (rules) and *k (checks).
 */
static bool
next_entry(const ov_rulepack *p, bool checks, size_t *i, size_t *k,
    const ov_rule_info **r, const ov_check_info **c)
{
	const ov_rule_info *nr = p != NULL && *i < p->n_rules ?
	    &p->rules[*i] : NULL;
	const ov_check_info *nc = checks ? ov_checks_get(*k) : NULL;

	*r = NULL;
	*c = NULL;
	if (nr != NULL && (nc == NULL || strcmp(nr->id, nc->id) <= 0)) {
		*r = nr;
		(*i)++;
	} else if (nc != NULL) {
		*c = nc;
		(*k)++;
	}
	return *r != NULL || *c != NULL;
}

/* List rules and analyzer checks; see overvisor/rules.h. */
int
ov_rules_write_list(const ov_rulepack *p, unsigned what, bool json,
    FILE *f)
{
	const ov_rule_info *r;
	const ov_check_info *c;
	bool checks = (what & OV_LIST_CHECKS) != 0;
	size_t i = 0, k = 0, n = 0;

	if (!(what & OV_LIST_RULES))
		p = NULL;
	if (!json)
		fprintf(f, "%-8s %-12s %-8s %-38s %s\n", "KIND", "ID",
		    "SEVERITY", "LAYER", "TITLE");
	else
		fputc('[', f);
	while (next_entry(p, checks, &i, &k, &r, &c)) {
		if (json) {
			fputs(n++ == 0 ? "\n  " : ",\n  ", f);
			if (r != NULL)
				rule_json(f, r);
			else
				check_json(f, c);
		} else if (r != NULL) {
			fprintf(f, "%-8s %-12s %-8s %-38s %s\n", "rule", r->id,
			    r->severity, r->layer, r->title);
		} else {
			fprintf(f, "%-8s %-12s %-8s %-38s %s\n", "analyzer",
			    c->id, c->severity, c->layer != NULL ? c->layer :
			    "(the duty's)", c->title);
		}
	}
	if (json)
		fputs(n > 0 ? "\n]\n" : "]\n", f);
	else if (p != NULL && checks)
		fprintf(f, "%zu rules, %zu analyzer checks\n", p->n_rules, k);
	else if (checks)
		fprintf(f, "%zu analyzer checks\n", k);
	else
		fprintf(f, "%zu rules\n", p != NULL ? p->n_rules : 0);
	return ferror(f) ? OV_EIO : 0;
}

/* Write the pack as a JSON array. */
int
ov_rulepack_write_json(const ov_rulepack *p, FILE *f)
{
	return ov_rules_write_list(p, OV_LIST_RULES, true, f);
}

/* Write the pack as a text table. */
int
ov_rulepack_write_text(const ov_rulepack *p, FILE *f)
{
	return ov_rules_write_list(p, OV_LIST_RULES, false, f);
}
