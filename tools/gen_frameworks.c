/* SPDX-License-Identifier: MIT */
/*
 * gen_frameworks: regenerate data/frameworks/<id>.json from Microsoft's
 * regulatory-compliance initiatives and the rule pack.
 *
 *   gen_frameworks CORPUS_DIR REPO_DIR
 *
 * CORPUS_DIR holds azure-policy/policyDefinitions and
 * azure-policy/policySetDefinitions (unmodified Azure/azure-policy data).
 * REPO_DIR holds rules/ and data/analyzers/checks.json, and receives
 * data/frameworks/.
 *
 * Facts used, per framework initiative:
 *  - policyDefinitionGroups give the control catalogue, in order.  A group
 *    whose id is a dotted prefix of another group's id is a section
 *    heading, not a control, and is left out.
 *  - policyDefinitions[].groupNames map built-in definitions to controls.
 *    A built-in whose policyType is Static is one of Microsoft's
 *    always-compliant entries: a control whose entries are all Static is
 *    Microsoft-owned.  A built-in whose effect is Manual is a manual
 *    attestation: a control whose entries are all manual is manual.
 *  - In the FedRAMP (NIST Rev. 4 based) initiatives, a control the
 *    initiative lists without any entry is one whose "Microsoft Managed
 *    Control" (Static) entry was retired from the initiative; the retired
 *    Static definitions are still published and their titles match these
 *    controls (e.g. AC-8 System Use Notification, AC-11 Session Lock).  It
 *    is recorded as Microsoft-owned.  Elsewhere a control without any entry
 *    is manual: no automated evidence exists for it.
 *  - A rule maps to every control that references its metadata.overvisor.
 *    builtin, provided the reference's literal parameter values agree with
 *    the rule's builtinParameters; plus the controls the rule names itself
 *    in metadata.overvisor.controls.
 *  - An analyzer check (a row of data/analyzers/checks.json) maps the same
 *    way: to every control that references one of its builtins (built-in
 *    definitions that check the same requirement), plus its controls.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overvisor/json.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/hash.h"
#include "util/file.h"

struct fwdef {
	const char	*id;		/* our framework id */
	const char	*title;		/* human title */
	const char	*file;		/* initiative under policySetDefinitions */
	const char	*group_prefix;	/* stripped from group names */
	const char	*prefix;	/* our control id prefix */
	bool		 unref_microsoft; /* unreferenced group = Microsoft */
};

static const struct fwdef fws[] = {
	{ "cis-azure-2.0.0", "CIS Microsoft Azure Foundations Benchmark 2.0.0",
	  "Regulatory Compliance/CISv2_0_0.json", "CIS_Azure_2.0.0_",
	  "CIS-2.0.0", false },
	{ "cis-azure-3.0.0", "CIS Microsoft Azure Foundations Benchmark 3.0.0",
	  "Regulatory Compliance/CIS_Azure_Foundations_v3.0.0.json",
	  "CIS_Azure_Foundations_v3.0.0_", "CIS-3.0.0", false },
	{ "nist-800-53-r5", "NIST SP 800-53 Rev. 5",
	  "Regulatory Compliance/NIST_SP_800-53_R5.json",
	  "NIST_SP_800-53_R5_", "NIST-800-53", false },
	{ "fedramp-high", "FedRAMP High",
	  "Regulatory Compliance/FedRAMP_H_audit.json", "FedRAMP_High_R4_",
	  "FEDRAMP-H", true },
	{ "fedramp-moderate", "FedRAMP Moderate",
	  "Regulatory Compliance/FedRAMP_M_audit.json",
	  "FedRAMP_Moderate_R4_", "FEDRAMP-M", true },
	{ "hipaa-hitrust", "HIPAA HITRUST",
	  "Regulatory Compliance/HIPAA_HITRUST_audit.json", "hipaa-",
	  "HIPAA", false },
	{ "pci-dss-4.0", "PCI DSS 4.0",
	  "Regulatory Compliance/PCI_DSS_V4.0.json", "PCI_DSS_v4.0_",
	  "PCI-DSS-4.0", false },
	{ "iso-27001-2013", "ISO/IEC 27001:2013",
	  "Regulatory Compliance/ISO27001_2013_audit.json", "ISO27001-2013_",
	  "ISO-27001-2013", false },
	{ "iso-27001-2022", "ISO/IEC 27001:2022",
	  "Regulatory Compliance/ISO_IEC_27001_2022.json",
	  "ISO_IEC_27001_2022_", "ISO-27001-2022", false },
	{ "soc-2", "SOC 2 Type 2", "Regulatory Compliance/SOC_2.json",
	  "SOC_2_", "SOC2", false },
};

/* A built-in definition, as far as the catalogues need it. */
struct builtin {
	const char	*name;		/* GUID */
	const char	*display;	/* displayName */
	bool		 is_static;	/* policyType Static */
	bool		 is_manual;	/* effect Manual */
};

/* A rule or analyzer check of ours. */
struct rule {
	const char	*id;		/* OV-... */
	const char	*builtin;	/* GUID or NULL */
	const ov_json	*builtins;	/* checks: array of GUIDs, or NULL */
	ov_json_doc	*doc;		/* owns params and controls, or NULL
					   (a check: the table owns them) */
	const ov_json	*params;	/* builtinParameters or NULL */
	const ov_json	*controls;	/* controls array or NULL */
};

/* A control being built. */
struct control {
	const char	*group;		/* initiative group name */
	const char	*cid;		/* control id without prefix */
	const char	*title;		/* chosen title, may be NULL */
	size_t		 n_static;	/* Static entries */
	size_t		 n_manual;	/* manual entries */
	size_t		 n_auto;	/* automated entries */
	const char	*builtins[64];	/* automated built-in names */
	size_t		 n_builtins;
	const char	*rules[512];	/* mapped rules and checks */
	size_t		 n_rules;
	bool		 section;	/* heading, not a control */
};

static struct ov_arena A;
static struct ov_map builtins = OV_MAP_INIT;
static struct rule *rules;
static size_t n_rules;
static ov_json_doc *checks_doc;	/* data/analyzers/checks.json */

static void
die(const char *msg, const char *arg)
{
	fprintf(stderr, "gen_frameworks: %s%s%s\n", msg, arg ? ": " : "",
	    arg ? arg : "");
	exit(1);
}

static ov_json_doc *
parse_file(const char *path)
{
	ov_json_doc *doc = NULL;
	ov_json_error jerr;
	char *data;
	size_t len;

	if (ov__read_file(NULL, OV_ERRCLASS_INPUT, path, OV_DATA_MAX_FILE,
	    &data, &len) < 0)
		die("cannot read", path);
	if (ov_json_parse(&doc, NULL, data, len, OV_JSON_STRICT, &jerr) < 0)
		doc = NULL;
	ov__free(data);
	return doc;
}

static const char *
adup(const char *s)
{
	return s != NULL ? ov__arena_strdup(&A, s) : NULL;
}

static void
load_builtins(const char *corpus)
{
	char dir[4096], **paths;
	size_t n, i;

	snprintf(dir, sizeof(dir), "%s/azure-policy/policyDefinitions",
	    corpus);
	if (ov__list_files(NULL, &A, dir, ".json", &paths, &n) < 0)
		die("cannot list", dir);
	for (i = 0; i < n; i++) {
		ov_json_doc *doc;
		const ov_json *root, *props, *eff;
		struct builtin *b;
		const char *name, *e, *pt;

		if (strstr(paths[i], "/Azure Government/") != NULL)
			continue;
		if ((doc = parse_file(paths[i])) == NULL)
			continue;
		root = ov_json_doc_root(doc);
		props = ov_json_get(root, "properties");
		name = ov_json_string(ov_json_get(root, "name"));
		if (name == NULL || props == NULL) {
			ov_json_doc_free(doc);
			continue;
		}
		b = ov__arena_calloc(&A, 1, sizeof(*b));
		b->name = adup(name);
		b->display = adup(ov_json_string(ov_json_get(props,
		    "displayName")));
		pt = ov_json_string(ov_json_get(props, "policyType"));
		b->is_static = pt != NULL && ov__streq_ci(pt, "Static");
		eff = ov_json_path(props, "parameters.effect.defaultValue");
		e = ov_json_string(eff);
		if (e == NULL)
			e = ov_json_string(ov_json_path(props,
			    "policyRule.then.effect"));
		b->is_manual = e != NULL && ov__streq_ci(e, "Manual");
		ov__map_put(&builtins, b->name, strlen(b->name), b);
		ov_json_doc_free(doc);
	}
}

static void
load_rules(const char *repo)
{
	char dir[4096], **paths;
	const ov_json *checks;
	size_t n, i;

	snprintf(dir, sizeof(dir), "%s/data/analyzers/checks.json", repo);
	if ((checks_doc = parse_file(dir)) == NULL)
		die("bad JSON", dir);
	checks = ov_json_get(ov_json_doc_root(checks_doc), "checks");
	snprintf(dir, sizeof(dir), "%s/rules", repo);
	if (ov__list_files(NULL, &A, dir, ".json", &paths, &n) < 0)
		die("cannot list", dir);
	rules = ov__calloc(n + ov_json_len(checks) + 1, sizeof(*rules));
	for (i = 0; i < n; i++) {
		ov_json_doc *doc = parse_file(paths[i]);
		const ov_json *ov;

		if (doc == NULL)
			die("bad JSON", paths[i]);
		ov = ov_json_path(ov_json_doc_root(doc),
		    "properties.metadata.overvisor");
		if (ov_json_string(ov_json_get(ov, "id")) == NULL)
			die("rule without metadata.overvisor.id", paths[i]);
		rules[n_rules].id = ov_json_string(ov_json_get(ov, "id"));
		rules[n_rules].builtin = ov_json_string(ov_json_get(ov,
		    "builtin"));
		rules[n_rules].params = ov_json_get(ov, "builtinParameters");
		rules[n_rules].controls = ov_json_get(ov, "controls");
		rules[n_rules].doc = doc;
		n_rules++;
	}
	for (i = 0; i < ov_json_len(checks); i++) {
		const ov_json *c = ov_json_at(checks, i);

		if ((rules[n_rules].id = ov_json_string(ov_json_get(c,
		    "id"))) == NULL)
			die("check without an id", dir);
		rules[n_rules].builtins = ov_json_get(c, "builtins");
		rules[n_rules].controls = ov_json_get(c, "controls");
		n_rules++;
	}
}

/* Does rule r name built-in definition name? */
static bool
has_builtin(const struct rule *r, const char *name)
{
	size_t i;

	if (r->builtin != NULL && ov__streq_ci(r->builtin, name))
		return true;
	for (i = 0; i < ov_json_len(r->builtins); i++) {
		const char *b = ov_json_string(ov_json_at(r->builtins, i));

		if (b != NULL && ov__streq_ci(b, name))
			return true;
	}
	return false;
}

/* Do the reference's literal parameters agree with the rule's? */
static bool
params_match(const ov_json *want, const ov_json *ref_params)
{
	size_t i;

	for (i = 0; i < ov_json_len(want); i++) {
		const ov_json_member *m = ov_json_member_at(want, i);
		const ov_json *have = ov_json_get(ov_json_get(ref_params,
		    m->key), "value");
		const char *hs = ov_json_string(have);

		if (have == NULL)
			continue;	/* the built-in's default applies */
		if (hs != NULL && hs[0] == '[')
			continue;	/* an expression: not a fact */
		if (hs == NULL || ov_json_string(&m->value) == NULL ||
		    !ov__streq_ci(hs, ov_json_string(&m->value)))
			return false;
	}
	return true;
}

static void
add_rule(struct control *c, const char *rule)
{
	size_t i;

	for (i = 0; i < c->n_rules; i++)
		if (strcmp(c->rules[i], rule) == 0)
			return;
	if (c->n_rules == sizeof(c->rules) / sizeof(c->rules[0]))
		die("too many rules map to one control", c->group);
	c->rules[c->n_rules++] = rule;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char * const *)a, *(const char * const *)b);
}

static void
gen_one(const struct fwdef *fw, const char *corpus, const char *repo)
{
	char path[4096];
	ov_json_doc *doc;
	const ov_json *props, *groups, *defs;
	struct control *ctl;
	size_t n, i, j, k, plen = strlen(fw->group_prefix);
	size_t n_ms = 0, n_man = 0, n_auto = 0, n_cov = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/azure-policy/policySetDefinitions/%s",
	    corpus, fw->file);
	if ((doc = parse_file(path)) == NULL)
		die("cannot parse", path);
	props = ov_json_get(ov_json_doc_root(doc), "properties");
	groups = ov_json_get(props, "policyDefinitionGroups");
	defs = ov_json_get(props, "policyDefinitions");
	n = ov_json_len(groups);
	ctl = ov__calloc(n + 1, sizeof(*ctl));
	for (i = 0; i < n; i++) {
		const char *g = ov_json_string(ov_json_get(ov_json_at(groups,
		    i), "name"));

		ctl[i].group = g != NULL ? g : "";
		ctl[i].cid = strncmp(ctl[i].group, fw->group_prefix,
		    plen) == 0 ? ctl[i].group + plen : ctl[i].group;
	}
	/* Section headings: a dotted prefix of another control id. */
	for (i = 0; i < n; i++) {
		size_t li = strlen(ctl[i].cid);

		for (j = 0; j < n && !ctl[i].section; j++)
			if (j != i && strncmp(ctl[j].cid, ctl[i].cid,
			    li) == 0 && ctl[j].cid[li] == '.')
				ctl[i].section = true;
	}
	for (i = 0; i < ov_json_len(defs); i++) {
		const ov_json *ref = ov_json_at(defs, i);
		const char *pid = ov_json_string(ov_json_get(ref,
		    "policyDefinitionId"));
		const ov_json *gn = ov_json_get(ref, "groupNames");
		const char *name;
		struct builtin *b;

		if (pid == NULL)
			continue;
		name = strrchr(pid, '/') != NULL ? strrchr(pid, '/') + 1 : pid;
		b = ov__map_get(&builtins, name, strlen(name));
		for (j = 0; j < ov_json_len(gn); j++) {
			const char *g = ov_json_string(ov_json_at(gn, j));
			struct control *c = NULL;

			for (k = 0; k < n && g != NULL; k++)
				if (strcmp(ctl[k].group, g) == 0) {
					c = &ctl[k];
					break;
				}
			if (c == NULL)
				continue;
			if (b != NULL && b->is_static)
				c->n_static++;
			else if (b != NULL && b->is_manual) {
				c->n_manual++;
				if (c->title == NULL && c->n_auto == 0)
					c->title = b->display;
			} else {
				c->n_auto++;
				if (b != NULL && (c->title == NULL ||
				    c->n_auto == 1))
					c->title = b->display;
				if (c->n_builtins < 64)
					c->builtins[c->n_builtins++] = name;
			}
			for (k = 0; k < n_rules; k++)
				if (has_builtin(&rules[k], name) &&
				    params_match(rules[k].params,
				    ov_json_get(ref, "parameters")))
					add_rule(c, rules[k].id);
		}
	}
	/* Controls our rules name themselves. */
	for (k = 0; k < n_rules; k++) {
		for (j = 0; j < ov_json_len(rules[k].controls); j++) {
			const char *cc = ov_json_string(ov_json_at(
			    rules[k].controls, j));
			size_t pl = strlen(fw->prefix);

			if (cc == NULL || strncmp(cc, fw->prefix, pl) != 0 ||
			    cc[pl] != ':')
				continue;
			for (i = 0; i < n; i++)
				if (strcmp(ctl[i].cid, cc + pl + 1) == 0)
					add_rule(&ctl[i], rules[k].id);
		}
	}
	snprintf(path, sizeof(path), "%s/data/frameworks/%s.json", repo,
	    fw->id);
	if ((f = fopen(path, "w")) == NULL)
		die("cannot write", path);
	fputs("{\n  \"id\": ", f);
	(void)ov_json_fput_string(fw->id, f);
	fputs(",\n  \"title\": ", f);
	(void)ov_json_fput_string(fw->title, f);
	fputs(",\n  \"prefix\": ", f);
	(void)ov_json_fput_string(fw->prefix, f);
	fputs(",\n  \"source\": {\"initiative\": ", f);
	(void)ov_json_fput_string(ov_json_string(ov_json_get(
	    ov_json_doc_root(doc), "name")), f);
	fputs(", \"displayName\": ", f);
	(void)ov_json_fput_string(ov_json_string(ov_json_get(props,
	    "displayName")), f);
	fputs(", \"file\": ", f);
	(void)ov_json_fput_string(fw->file, f);
	fputs("},\n  \"generatedBy\": \"tools/gen_frameworks.c\",\n", f);
	fputs("  \"controls\": [", f);
	for (i = 0, k = 0; i < n; i++) {
		struct control *c = &ctl[i];
		const char *check, *owner = "customer";
		size_t r;

		if (c->section)
			continue;
		if (c->n_static > 0 && c->n_auto == 0 && c->n_manual == 0) {
			check = "microsoft";
			owner = "microsoft";
		} else if (c->n_auto > 0)
			check = "automated";
		else if (c->n_manual > 0)
			check = "manual";
		else if (fw->unref_microsoft) {
			check = "microsoft";
			owner = "microsoft";
		} else
			check = "manual";
		if (strcmp(check, "microsoft") == 0)
			n_ms++;
		else if (strcmp(check, "manual") == 0)
			n_man++;
		else
			n_auto++;
		if (c->n_rules > 0)
			n_cov++;
		if (c->n_rules > 1)
			qsort(c->rules, c->n_rules, sizeof(c->rules[0]),
			    cmp_str);
		fputs(k++ == 0 ? "\n    {" : ",\n    {", f);
		snprintf(path, sizeof(path), "%s:%s", fw->prefix, c->cid);
		fputs("\"id\": ", f);
		(void)ov_json_fput_string(path, f);
		fputs(", \"control\": ", f);
		(void)ov_json_fput_string(c->cid, f);
		fputs(", \"title\": ", f);
		(void)ov_json_fput_string(c->title != NULL ? c->title : "", f);
		fprintf(f, ", \"owner\": \"%s\", \"check\": \"%s\"", owner,
		    check);
		fputs(", \"builtins\": [", f);
		for (r = 0; r < c->n_builtins; r++) {
			fputs(r ? ", " : "", f);
			(void)ov_json_fput_string(c->builtins[r], f);
		}
		fputs("], \"rules\": [", f);
		for (r = 0; r < c->n_rules; r++) {
			fputs(r ? ", " : "", f);
			(void)ov_json_fput_string(c->rules[r], f);
		}
		fputs("]}", f);
	}
	fputs("\n  ]\n}\n", f);
	fclose(f);
	printf("%-18s controls %4zu  automated %4zu  manual %4zu  "
	    "microsoft %4zu  covered by rules %4zu\n", fw->id, k, n_auto,
	    n_man, n_ms, n_cov);
	ov__free(ctl);
	ov_json_doc_free(doc);
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc != 3) {
		fputs("usage: gen_frameworks CORPUS_DIR REPO_DIR\n", stderr);
		return 2;
	}
	ov__arena_init(&A, 0, 0);
	load_builtins(argv[1]);
	load_rules(argv[2]);
	for (i = 0; i < sizeof(fws) / sizeof(fws[0]); i++)
		gen_one(&fws[i], argv[1], argv[2]);
	for (i = 0; i < n_rules; i++)
		ov_json_doc_free(rules[i].doc);
	ov_json_doc_free(checks_doc);
	ov__free(rules);
	ov__map_free(&builtins);
	ov__arena_free(&A);
	return 0;
}
