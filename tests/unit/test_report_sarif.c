/* SPDX-License-Identifier: MIT */
/*
 * SARIF structure, checked in C against the rules of the SARIF 2.1.0
 * specification that a JSON schema alone cannot express: required
 * properties and their types, the level and kind enumerations, level "none"
 * whenever kind is not "fail", ruleIndex pointing at the rule named by
 * ruleId, unique rule ids, rule name distinct from id, result order equal
 * to finding order, and fingerprints.  Run on the fixture and on a large
 * pseudo-random finding set.  (tests/e2e/report_sarif_schema.sh adds the
 * official JSON schema when ajv is installed.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "overvisor/json.h"
#include "overvisor/report.h"
#include "report_fixture.h"

static const ov_json *
req(const ov_json *obj, const char *key, ov_json_type type)
{
	const ov_json *v = ov_json_get(obj, key);

	if (v == NULL)
		fail_msg("required property %s missing", key);
	if (ov_json_type_of(v) != type &&
	    !(type == OV_JSON_TRUE && ov_json_type_of(v) == OV_JSON_FALSE))
		fail_msg("property %s has type %d, want %d", key,
		    (int)ov_json_type_of(v), (int)type);
	return v;
}

static const char *
req_str(const ov_json *obj, const char *key)
{
	const char *s = ov_json_string(req(obj, key, OV_JSON_STRING));

	assert_true(s[0] != '\0');
	return s;
}

static bool
one_of(const char *s, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static const char *const levels[] = {
	"none", "note", "warning", "error", NULL
};
static const char *const kinds[] = {
	"notApplicable", "pass", "fail", "review", "open", "informational",
	NULL
};

static bool
is_hex32(const char *s)
{
	size_t i;

	for (i = 0; i < 32; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return false;
	return s[32] == '\0';
}

/* Validate one SARIF document produced from list l. */
static void
check_sarif(const char *text, size_t len, const ov_findings *l,
    const char *tenant)
{
	ov_json_doc *doc = NULL;
	const ov_json *root, *runs, *run, *driver, *rules, *results;
	size_t i, k, n_rules;
	bool *used;

	assert_int_equal(ov_json_parse(&doc, NULL, text, len, OV_JSON_STRICT,
	    NULL), 0);
	root = ov_json_doc_root(doc);
	assert_int_equal(ov_json_type_of(root), OV_JSON_OBJECT);
	assert_non_null(strstr(req_str(root, "$schema"), "sarif"));
	assert_string_equal(req_str(root, "version"), "2.1.0");
	runs = req(root, "runs", OV_JSON_ARRAY);
	assert_int_equal(ov_json_len(runs), 1);
	run = ov_json_at(runs, 0);
	driver = req(req(run, "tool", OV_JSON_OBJECT), "driver",
	    OV_JSON_OBJECT);
	assert_string_equal(req_str(driver, "name"), "overvisor");
	req_str(driver, "version");
	assert_true(strncmp(req_str(driver, "informationUri"), "https://",
	    8) == 0);
	rules = req(driver, "rules", OV_JSON_ARRAY);
	n_rules = ov_json_len(rules);
	used = calloc(n_rules + 1, sizeof(*used));
	assert_non_null(used);

	for (i = 0; i < n_rules; i++) {
		const ov_json *r = ov_json_at(rules, i), *props, *tags, *name;
		const char *id = req_str(r, "id"), *score, *lvl;
		ov_severity sev;
		char *end;
		double v;

		/* Unique and sorted: each id greater than the previous. */
		if (i > 0)
			assert_true(strcmp(ov_json_string(ov_json_get(
			    ov_json_at(rules, i - 1), "id")), id) < 0);
		if ((name = ov_json_get(r, "name")) != NULL)
			assert_string_not_equal(ov_json_string(name), id);
		req_str(req(r, "shortDescription", OV_JSON_OBJECT), "text");
		req_str(req(r, "help", OV_JSON_OBJECT), "text");
		lvl = req_str(req(r, "defaultConfiguration", OV_JSON_OBJECT),
		    "level");
		assert_true(one_of(lvl, levels));
		props = req(r, "properties", OV_JSON_OBJECT);
		tags = req(props, "tags", OV_JSON_ARRAY);
		for (k = 0; k < ov_json_len(tags); k++)
			assert_int_equal(ov_json_type_of(ov_json_at(tags, k)),
			    OV_JSON_STRING);
		score = req_str(props, "security-severity");
		v = strtod(score, &end);
		assert_true(*end == '\0' && v >= 0.0 && v <= 10.0);
		assert_int_equal(ov_severity_parse(req_str(props, "severity"),
		    &sev), 0);
		/* The documented score and level per severity. */
		assert_string_equal(score, sev == OV_SEV_CRITICAL ? "9.5" :
		    sev == OV_SEV_HIGH ? "8.0" : sev == OV_SEV_MEDIUM ? "5.5" :
		    sev == OV_SEV_LOW ? "3.0" : "0.0");
		assert_string_equal(lvl, sev >= OV_SEV_HIGH ? "error" :
		    sev == OV_SEV_MEDIUM ? "warning" : "note");
	}

	results = req(run, "results", OV_JSON_ARRAY);
	assert_int_equal(ov_json_len(results), ov_findings_count(l));
	for (i = 0; i < ov_json_len(results); i++) {
		const ov_json *r = ov_json_at(results, i), *locs, *props, *ri;
		const ov_finding *f = ov_findings_get(l, i);
		const char *rule_id = req_str(r, "ruleId");
		const char *level = req_str(r, "level");
		const char *kind = req_str(r, "kind");
		const char *fp;
		int64_t idx;
		ov_state st;
		ov_layer layer;
		ov_owner owner;

		/* Results follow the finding list's order. */
		assert_string_equal(rule_id, f->rule);
		ri = req(r, "ruleIndex", OV_JSON_NUMBER);
		assert_true(ov_json_int(ri, &idx));
		assert_true(idx >= 0 && (size_t)idx < n_rules);
		assert_string_equal(ov_json_string(ov_json_get(ov_json_at(
		    rules, (size_t)idx), "id")), rule_id);
		used[idx] = true;
		assert_true(one_of(level, levels));
		assert_true(one_of(kind, kinds));
		if (strcmp(kind, "fail") != 0)
			assert_string_equal(level, "none");
		else
			assert_string_not_equal(level, "none");
		assert_non_null(strstr(req_str(req(r, "message",
		    OV_JSON_OBJECT), "text"), f->resource_id));
		locs = req(r, "locations", OV_JSON_ARRAY);
		assert_int_equal(ov_json_len(locs), 1);
		for (k = 0; k < ov_json_len(locs); k++) {
			const ov_json *loc = ov_json_at(locs, k), *pl, *ll;

			pl = ov_json_get(loc, "physicalLocation");
			assert_true((pl != NULL) == (f->file != NULL));
			if (pl != NULL) {
				const ov_json *region;
				int64_t line;

				req_str(req(pl, "artifactLocation",
				    OV_JSON_OBJECT), "uri");
				assert_null(strchr(ov_json_string(ov_json_path(
				    pl, "artifactLocation.uri")), ' '));
				region = req(pl, "region", OV_JSON_OBJECT);
				assert_true(ov_json_int(req(region,
				    "startLine", OV_JSON_NUMBER), &line));
				assert_int_equal(line, (int64_t)f->line);
			}
			ll = req(loc, "logicalLocations", OV_JSON_ARRAY);
			assert_int_equal(ov_json_len(ll), 1);
			assert_string_equal(req_str(ov_json_at(ll, 0),
			    "fullyQualifiedName"), f->resource_id);
			assert_string_equal(req_str(ov_json_at(ll, 0), "kind"),
			    "resource");
		}
		fp = req_str(req(r, "partialFingerprints", OV_JSON_OBJECT),
		    "overvisorFingerprint/v1");
		assert_string_equal(fp, f->fingerprint);
		assert_true(is_hex32(fp));
		if (tenant != NULL && strcmp(f->rule, "OV-BKP-003") != 0) {
			char want[33];

			ov_fingerprint(f->rule, f->resource_id, tenant, want);
			assert_string_equal(fp, want);
		}
		assert_true((ov_json_get(r, "suppressions") != NULL) ==
		    (f->state == OV_STATE_EXEMPT));
		props = req(r, "properties", OV_JSON_OBJECT);
		assert_int_equal(ov_state_parse(req_str(props, "state"), &st),
		    0);
		assert_int_equal(st, f->state);
		if (f->layer != OV_LAYER_UNKNOWN) {
			assert_int_equal(ov_layer_parse(req_str(props,
			    "layer"), &layer), 0);
			assert_int_equal(layer, f->layer);
		}
		if (f->owner != OV_OWNER_UNKNOWN) {
			assert_int_equal(ov_owner_parse(req_str(props,
			    "owner"), &owner), 0);
			assert_int_equal(owner, f->owner);
		}
		req(props, "controls", OV_JSON_ARRAY);
	}
	/* Every rule listed is used by a result. */
	for (i = 0; i < n_rules; i++)
		assert_true(used[i]);
	free(used);
	ov_json_doc_free(doc);
}

static char *
render(const ov_report_input *in, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	assert_int_equal(ov_report_write(f, OV_REPORT_SARIF, in, 0), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void
test_fixture(void **state)
{
	ov_report_input in;
	ov_findings *l = fx_findings();
	char *out;
	size_t len;
	bool comp;

	(void)state;
	for (comp = false;; comp = true) {
		fx_input(&in, l, comp);
		out = render(&in, &len);
		check_sarif(out, len, l, FX_TENANT);
		free(out);
		if (comp)
			break;
	}
	ov_findings_free(l);
}

/* xorshift: a fixed pseudo-random sequence. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
test_random(void **state)
{
	static const char *const rules[] = {
		"OV-NET-001", "OV-NET-002", "OV-IDN-001", "OV-STG-003",
		"OV-PATCH-002", "OV-BKP-001", "OV-DEF-004", "OV-POL-001"
	};
	static const char *const ctl[] = { "A-1", "B 2", "C.3" };
	ov_report_input in;
	ov_findings *l = NULL;
	uint32_t seed = 2463534242u;
	char id[128], title[64];
	size_t i, len;
	char *out;

	(void)state;
	assert_int_equal(ov_findings_new(&l), 0);
	assert_int_equal(ov_findings_set_tenant(l, "t-1"), 0);
	for (i = 0; i < 2000; i++) {
		ov_finding f;
		size_t r = rnd(&seed) % 8;

		memset(&f, 0, sizeof(f));
		f.rule = rules[r];
		snprintf(title, sizeof(title), "Check %zu \"%s\"", r,
		    rules[r]);
		f.title = title;
		f.severity = (ov_severity)(rnd(&seed) % 5);
		f.state = (ov_state)(rnd(&seed) % 6);
		f.layer = (ov_layer)(rnd(&seed) % OV_LAYER__COUNT);
		f.owner = (ov_owner)(rnd(&seed) % 4);
		snprintf(id, sizeof(id), "/subscriptions/s%u/resourceGroups/"
		    "RG%u/providers/Microsoft.X/y/n%u", rnd(&seed) % 3,
		    rnd(&seed) % 5, rnd(&seed) % 300);
		f.resource_id = id;
		f.controls = ctl;
		f.n_controls = rnd(&seed) % 4;
		if (rnd(&seed) % 4 == 0) {
			f.file = "dir with space/t.json";
			f.line = 1 + rnd(&seed) % 100;
		}
		assert_int_equal(ov_findings_add(l, &f), 0);
	}
	ov_findings_sort(l);
	memset(&in, 0, sizeof(in));
	in.findings = l;
	out = render(&in, &len);
	check_sarif(out, len, l, "t-1");
	free(out);
	ov_findings_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
