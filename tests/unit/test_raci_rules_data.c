/* SPDX-License-Identifier: MIT */
/*
 * Facts behind the rule pack: every field a rule reads resolves to a real
 * Azure Policy alias (from the corpus alias table), a top-level field or a
 * Microsoft Graph path; the rules' control lists agree with the framework
 * catalogues that tools/gen_frameworks.c derives from Microsoft's
 * initiatives, and every rule maps to NIST SP 800-53; the peer checks the
 * rules name are in data/peers, and data/peers matches the peer lists it
 * was taken from; the severities hold to docs/severity.md (Defender for
 * Cloud anchors, families).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "overvisor/json.h"
#include "overvisor/rules.h"
#include "testutil.h"

static ov_ctx *ctx;
static ov_rulepack *pack;

static int
setup(void **state)
{
	char dir[4096];

	(void)state;
	if (ov_ctx_new(&ctx) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/rules", ov_test_srcdir());
	return ov_rulepack_load(&pack, ctx, dir);
}

static int
teardown(void **state)
{
	(void)state;
	ov_rulepack_free(pack);
	ov_ctx_free(ctx);
	return 0;
}

/* Sorted, lower-cased alias names. */
static char **names;
static size_t n_names;

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

static char *
lower_dup(const char *s)
{
	char *d = strdup(s), *p;

	for (p = d; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

static void
free_aliases(void)
{
	size_t i;

	for (i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	names = NULL;
	n_names = 0;
}

static void
load_aliases(const char *path)
{
	ov_json_doc *doc = NULL;
	const ov_json *root;
	size_t len, i, j, k, cap = 0;
	char *data;

	data = ov_test_read(path, &len);
	assert_non_null(data);
	assert_int_equal(ov_json_parse(&doc, NULL, data, len, 0, NULL), 0);
	root = ov_json_doc_root(doc);
	for (i = 0; i < ov_json_len(root); i++) {
		const ov_json *rts = ov_json_get(ov_json_at(root, i),
		    "resourceTypes");

		for (j = 0; j < ov_json_len(rts); j++) {
			const ov_json *al = ov_json_get(ov_json_at(rts, j),
			    "aliases");

			for (k = 0; k < ov_json_len(al); k++) {
				const char *nm = ov_json_string(ov_json_get(
				    ov_json_at(al, k), "name"));

				if (nm == NULL)
					continue;
				if (n_names == cap) {
					cap = cap ? cap * 2 : 65536;
					names = realloc(names,
					    cap * sizeof(*names));
				}
				names[n_names++] = lower_dup(nm);
			}
		}
	}
	qsort(names, n_names, sizeof(*names), cmp_str);
	ov_json_doc_free(doc);
	free(data);
}

static bool
known_field(const char *f)
{
	static const char *const top[] = { "type", "name", "location",
	    "kind", "id", "tags", "identity.type", "fullname" };
	char *key;
	bool hit;
	size_t i;

	for (i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		if (strcasecmp(f, top[i]) == 0)
			return true;
	if (strncasecmp(f, "tags[", 5) == 0 || strncasecmp(f, "tags.", 5) == 0)
		return true;
	/* Microsoft.Graph/<type>/<path>: a path into the Graph object. */
	if (strncasecmp(f, "Microsoft.Graph/", 16) == 0) {
		const char *p = strchr(f + 16, '/');

		return p != NULL && p > f + 16 && p[1] != '\0';
	}
	key = lower_dup(f);
	hit = bsearch(&key, names, n_names, sizeof(*names), cmp_str) != NULL;
	free(key);
	return hit;
}

static size_t n_fields, n_bad;

static void
walk(const ov_json *v, const char *rule)
{
	size_t i;

	if (ov_json_type_of(v) == OV_JSON_OBJECT) {
		for (i = 0; i < ov_json_len(v); i++) {
			const ov_json_member *m = ov_json_member_at(v, i);

			if (strcmp(m->key, "field") == 0 &&
			    ov_json_is_string(&m->value)) {
				n_fields++;
				if (!known_field(ov_json_string(&m->value))) {
					fprintf(stderr, "%s: unknown alias "
					    "'%s'\n", rule,
					    ov_json_string(&m->value));
					n_bad++;
				}
			}
			walk(&m->value, rule);
		}
	} else if (ov_json_type_of(v) == OV_JSON_ARRAY) {
		for (i = 0; i < ov_json_len(v); i++)
			walk(ov_json_at(v, i), rule);
	}
}

/* Walk every rule; returns the number of fields that do not resolve. */
static size_t
check_rules(void)
{
	size_t i;

	n_fields = n_bad = 0;
	for (i = 0; i < ov_rulepack_count(pack); i++) {
		const ov_rule_info *r = ov_rulepack_get(pack, i);
		ov_json_doc *doc = NULL;
		size_t len;
		char *data = ov_test_read(r->file, &len);

		assert_non_null(data);
		assert_int_equal(ov_json_parse(&doc, NULL, data, len, 0,
		    NULL), 0);
		walk(ov_json_path(ov_json_doc_root(doc),
		    "properties.policyRule"), r->id);
		ov_json_doc_free(doc);
		free(data);
	}
	assert_true(n_fields > ov_rulepack_count(pack));
	return n_bad;
}

/* Against the full alias table (Get-AzPolicyAlias) in the corpus. */
static void
test_aliases_resolve(void **state)
{
	const char *corpus = ov_test_corpus();
	char path[4096];

	(void)state;
	if (corpus == NULL)
		skip();
	snprintf(path, sizeof(path), "%s/azure-policy-aliases/aliases.json",
	    corpus);
	load_aliases(path);
	assert_true(n_names > 10000);
	/* The check itself must be able to fail. */
	assert_false(known_field("Microsoft.Storage/storageAccounts/nope"));
	assert_true(known_field("MICROSOFT.STORAGE/storageAccounts/"
	    "minimumTlsVersion"));
	assert_int_equal(check_rules(), 0);
	free_aliases();
}

/* Against the compact table the engine ships, which scans use. */
static void
test_shipped_aliases_resolve(void **state)
{
	char path[4096];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/data/aliases/aliases.json",
	    ov_test_srcdir());
	if ((f = fopen(path, "rb")) == NULL)
		skip();
	fclose(f);
	load_aliases(path);
	assert_true(n_names > 1000);
	assert_int_equal(check_rules(), 0);
	free_aliases();
}

/* Every control a rule names is in a catalogue and lists the rule back. */
static void
test_controls_agree(void **state)
{
	DIR *d;
	struct dirent *e;
	char dir[4096];
	size_t i, j, checked = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/data/frameworks", ov_test_srcdir());
	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL) {
		ov_framework *fw = NULL;
		ov_compliance *c = NULL;
		char id[256];
		size_t k;

		if (strstr(e->d_name, ".json") == NULL)
			continue;
		snprintf(id, sizeof(id), "%.*s",
		    (int)(strstr(e->d_name, ".json") - e->d_name), e->d_name);
		assert_int_equal(ov_framework_load(&fw, ctx, ov_test_srcdir(),
		    id), 0);
		assert_int_equal(ov_framework_compliance(fw, NULL, 0, &c), 0);
		for (k = 0; k < c->n_controls; k++) {
			const ov_control_result *cr = &c->controls[k];

			for (j = 0; j < cr->n_rules; j++) {
				const ov_rule_info *r = ov_rulepack_find(pack,
				    cr->rules[j]);
				bool named = false;

				/* analyzer checks: test_checks */
				if (ov_checks_find(cr->rules[j]) != NULL)
					continue;
				assert_non_null(r);
				for (i = 0; i < r->n_controls; i++)
					named |= strcmp(r->controls[i],
					    cr->id) == 0;
				if (!named)
					fprintf(stderr, "%s maps %s but the "
					    "rule does not name it\n", id,
					    r->id);
				assert_true(named);
				checked++;
			}
		}
		ov_compliance_free(c);
		ov_framework_free(fw);
	}
	closedir(d);
	assert_true(checked > 100);
}

/* Every control id of every catalogue, sorted. */
static char **all_controls;
static size_t n_all_controls;

static void
load_controls(void)
{
	static const char *const fws[] = { "cis-azure-2.0.0",
	    "cis-azure-3.0.0", "nist-800-53-r5", "fedramp-high",
	    "fedramp-moderate", "hipaa-hitrust", "pci-dss-4.0",
	    "iso-27001-2013", "iso-27001-2022", "soc-2" };
	size_t i, k, cap = 0;

	for (i = 0; i < sizeof(fws) / sizeof(fws[0]); i++) {
		ov_framework *fw = NULL;
		ov_compliance *c = NULL;

		assert_int_equal(ov_framework_load(&fw, ctx, ov_test_srcdir(),
		    fws[i]), 0);
		assert_int_equal(ov_framework_compliance(fw, NULL, 0, &c), 0);
		for (k = 0; k < c->n_controls; k++) {
			if (n_all_controls == cap) {
				cap = cap ? cap * 2 : 1024;
				all_controls = realloc(all_controls,
				    cap * sizeof(*all_controls));
			}
			all_controls[n_all_controls++] =
			    strdup(c->controls[k].id);
		}
		ov_compliance_free(c);
		ov_framework_free(fw);
	}
	qsort(all_controls, n_all_controls, sizeof(*all_controls), cmp_str);
}

/* Is id (e.g. "NIST-800-53:SC-8") a control of some catalogue? */
static bool
control_exists(const char *id)
{
	return bsearch(&id, all_controls, n_all_controls,
	    sizeof(*all_controls), cmp_str) != NULL;
}

/* Every rule maps to NIST SP 800-53, and every control it names exists. */
static void
test_controls_every_rule(void **state)
{
	size_t i, j, bad = 0;

	(void)state;
	load_controls();
	assert_true(n_all_controls > 1000);
	assert_true(ov_rulepack_count(pack) > 400);
	for (i = 0; i < ov_rulepack_count(pack); i++) {
		const ov_rule_info *r = ov_rulepack_get(pack, i);
		bool nist = false;

		for (j = 0; j < r->n_controls; j++) {
			nist |= strncmp(r->controls[j], "NIST-800-53:",
			    12) == 0;
			if (!control_exists(r->controls[j])) {
				fprintf(stderr, "%s names %s, which no "
				    "catalogue lists\n", r->id,
				    r->controls[j]);
				bad++;
			}
		}
		if (!nist) {
			fprintf(stderr, "%s maps to no NIST SP 800-53 "
			    "control\n", r->id);
			bad++;
		}
	}
	/* The check can fail: a control no catalogue lists. */
	assert_false(control_exists("NIST-800-53:ZZ-99"));
	for (i = 0; i < n_all_controls; i++)
		free(all_controls[i]);
	free(all_controls);
	assert_int_equal(bad, 0);
}

/* The ids in column 0 of a data TSV (comments and header skipped). */
static char **
tsv_ids(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char buf[4096], **ids = NULL;
	size_t cap = 0, lines = 0;

	*n = 0;
	if (f == NULL)
		return NULL;
	while (fgets(buf, sizeof(buf), f) != NULL) {
		buf[strcspn(buf, "\t \r\n")] = '\0';
		/* The first line that is not a comment is the header. */
		if (buf[0] == '#' || buf[0] == '\0' || lines++ == 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			ids = realloc(ids, cap * sizeof(*ids));
		}
		ids[(*n)++] = strdup(buf);
	}
	fclose(f);
	qsort(ids, *n, sizeof(*ids), cmp_str);
	return ids;
}

static void
free_ids(char **ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

static bool
has_id(char **ids, size_t n, const char *id)
{
	return ids != NULL && bsearch(&id, ids, n, sizeof(*ids),
	    cmp_str) != NULL;
}

/* Every peer check a rule names is in data/peers. */
static bool
peer_known(char **ids[4], const size_t n[4], const char *peer)
{
	static const char *const tools[] = { "prowler:", "checkov:",
	    "psrule:", "prowler-m365:" };
	size_t k;

	for (k = 0; k < 4; k++)
		if (strncmp(peer, tools[k], strlen(tools[k])) == 0)
			return has_id(ids[k], n[k], peer + strlen(tools[k]));
	return false;
}

static void
test_peers_known(void **state)
{
	static const char *const files[] = { "prowler-azure.tsv",
	    "checkov-arm.tsv", "psrule-azure.tsv", "prowler-m365.tsv" };
	const ov_check_info *c;
	char path[4096], **ids[4];
	size_t n[4], i, j, k, named = 0, bad = 0;

	(void)state;
	for (k = 0; k < 4; k++) {
		snprintf(path, sizeof(path), "%s/data/peers/%s",
		    ov_test_srcdir(), files[k]);
		assert_non_null(ids[k] = tsv_ids(path, &n[k]));
	}
	assert_int_equal(n[0], 191);
	assert_int_equal(n[1], 166);
	for (i = 0; i < ov_rulepack_count(pack); i++) {
		const ov_rule_info *r = ov_rulepack_get(pack, i);

		for (j = 0; j < r->n_peers; j++) {
			if (!peer_known(ids, n, r->peers[j])) {
				fprintf(stderr, "%s names unknown peer check "
				    "%s\n", r->id, r->peers[j]);
				bad++;
			}
			named++;
		}
	}
	assert_true(named > 300);
	/* The analyzers' checks name peer checks from the same lists. */
	for (i = 0; (c = ov_checks_get(i)) != NULL; i++)
		for (j = 0; j < c->n_peers; j++)
			if (!peer_known(ids, n, c->peers[j])) {
				fprintf(stderr, "%s names unknown peer check "
				    "%s\n", c->id, c->peers[j]);
				bad++;
			}
	/* The check can fail. */
	assert_false(has_id(ids[0], n[0], "storage_no_such_check"));
	assert_false(peer_known(ids, n, "prowler:entra_no_such_check"));
	for (k = 0; k < 4; k++)
		free_ids(ids[k], n[k]);
	assert_int_equal(bad, 0);
}

/*
 * data/peers holds exactly the ids of the peer lists it was taken from
 * ($OVERVISOR_PEERS, default ../shared/docs/peers): a new or renamed peer
 * check shows here.
 */
static void
test_peers_match_source(void **state)
{
	const char *env = getenv("OVERVISOR_PEERS");
	char src[2048], path[4096], **a, **b;
	size_t na, nb, i;

	(void)state;
	if (env != NULL)
		snprintf(src, sizeof(src), "%s", env);
	else
		snprintf(src, sizeof(src), "%s/../shared/docs/peers",
		    ov_test_srcdir());
	snprintf(path, sizeof(path), "%s/prowler-azure-checks.tsv", src);
	if ((b = tsv_ids(path, &nb)) == NULL)
		skip();
	snprintf(path, sizeof(path), "%s/data/peers/prowler-azure.tsv",
	    ov_test_srcdir());
	assert_non_null(a = tsv_ids(path, &na));
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
	free_ids(a, na);
	free_ids(b, nb);
	snprintf(path, sizeof(path), "%s/psrule-azure-rules.txt", src);
	assert_non_null(b = tsv_ids(path, &nb));
	snprintf(path, sizeof(path), "%s/data/peers/psrule-azure.tsv",
	    ov_test_srcdir());
	assert_non_null(a = tsv_ids(path, &na));
	/* The source has no header line: its first rule was skipped. */
	assert_int_equal(na, nb + 1);
	for (i = 0; i < nb; i++)
		assert_true(has_id(a, na, b[i]));
	free_ids(a, na);
	free_ids(b, nb);
	snprintf(path, sizeof(path), "%s/prowler-m365-entra-checks.tsv", src);
	assert_non_null(b = tsv_ids(path, &nb));
	snprintf(path, sizeof(path), "%s/data/peers/prowler-m365.tsv",
	    ov_test_srcdir());
	assert_non_null(a = tsv_ids(path, &na));
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
	free_ids(a, na);
	free_ids(b, nb);
}

/* A value from column col of the TSV line whose column 0 is key. */
static char *
tsv_get(const char *path, const char *key, int col)
{
	size_t len;
	char *data = ov_test_read(path, &len), *line, *next, *out = NULL;

	assert_non_null(data);
	for (line = data; line != NULL && out == NULL; line = next) {
		char *f[4] = { NULL, NULL, NULL, NULL };
		int i;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		for (i = 0; i < 4; i++) {
			f[i] = line;
			if (line == NULL || (line = strchr(line, '\t')) ==
			    NULL)
				break;
			*line++ = '\0';
		}
		if (f[0] != NULL && f[col] != NULL && strcmp(f[0], key) == 0)
			out = strdup(f[col]);
	}
	free(data);
	return out;
}

/*
 * docs/severity.md holds: a rule anchored to a Defender for Cloud
 * recommendation has its severity, a rule in a family has the family's,
 * unless the rule says why not; an NSG rule alone is never critical.
 */
static void
test_severity_calibration(void **state)
{
	char mdc[4096], fam[4096];
	size_t i, anchored = 0, familied = 0, bad = 0;

	(void)state;
	snprintf(mdc, sizeof(mdc), "%s/data/severity/"
	    "defender-recommendations.tsv", ov_test_srcdir());
	snprintf(fam, sizeof(fam), "%s/data/severity/families.tsv",
	    ov_test_srcdir());
	for (i = 0; i < ov_rulepack_count(pack); i++) {
		const ov_rule_info *r = ov_rulepack_get(pack, i);
		char *want = NULL;

		if (r->defender_recommendation != NULL) {
			want = tsv_get(mdc, r->defender_recommendation, 1);
			if (want == NULL) {
				fprintf(stderr, "%s: unknown recommendation "
				    "'%s'\n", r->id,
				    r->defender_recommendation);
				bad++;
				continue;
			}
			anchored++;
		} else if (r->family != NULL) {
			want = tsv_get(fam, r->family, 1);
			if (want == NULL) {
				fprintf(stderr, "%s: unknown family '%s'\n",
				    r->id, r->family);
				bad++;
				continue;
			}
			familied++;
		}
		if (want != NULL && strcmp(want, r->severity) != 0 &&
		    r->severity_rationale == NULL) {
			fprintf(stderr, "%s is %s where its %s says %s, and "
			    "gives no severityRationale\n", r->id,
			    r->severity, r->defender_recommendation != NULL ?
			    "Defender anchor" : "family", want);
			bad++;
		}
		if (r->resource_type != NULL && strncasecmp(r->resource_type,
		    "Microsoft.Network/networkSecurityGroups", 39) == 0 &&
		    strcmp(r->severity, "critical") == 0) {
			fprintf(stderr, "%s: an NSG rule alone is never "
			    "critical\n", r->id);
			bad++;
		}
		free(want);
	}
	assert_true(anchored > 50);
	assert_true(familied > 200);
	/* The lookups can fail. */
	assert_null(tsv_get(fam, "no-such-family", 1));
	assert_int_equal(bad, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aliases_resolve),
		cmocka_unit_test(test_shipped_aliases_resolve),
		cmocka_unit_test(test_controls_agree),
		cmocka_unit_test(test_controls_every_rule),
		cmocka_unit_test(test_peers_known),
		cmocka_unit_test(test_peers_match_source),
		cmocka_unit_test(test_severity_calibration),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
