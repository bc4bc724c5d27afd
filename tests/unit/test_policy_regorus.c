/* SPDX-License-Identifier: MIT */
/*
 * Runs every case of $OVERVISOR_CORPUS/regorus-azure-policy-tests/cases
 * through the policy engine.  Each YAML case gives a policy rule or a
 * definition, a resource, parameters, optional related resources
 * (host_await) and the expected outcome: want_effect (the rule fires with
 * that effect), want_undefined (it does not) or want_parse_error /
 * want_compile_error.  The YAML is converted to JSON with libyaml.
 *
 * Deliberate differences are listed in `differences` with the Microsoft
 * documentation that supports our reading; they are counted, not failed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "testutil.h"
#include "overvisor/policy.h"
#include "policy/policy_int.h"
#include "util/buf.h"
#include "util/error.h"

/*
 * Cases where we deliberately differ, with the reason.  A listed case that
 * starts passing is reported so the list stays honest.
 */
static const struct {
	const char *file;
	const char *note;
	const char *why;
} differences[] = {
	{ "versioned_normalization.yaml", NULL,
	    "difference: aliases resolve to defaultPath only; per-API-version paths are not in the alias data (learn.microsoft.com/azure/governance/policy/concepts/definition-structure-alias)" },
	{ "template_functions_datetime_ip.yaml", "utcNow_returns_context_timestamp",
	    "difference: utcNow() returns yyyy-MM-ddTHH:mm:ss.fffffffZ in policy (definition-structure-policy-rule#policy-functions), so a string equality without the fraction is false" },
	{ "parse_errors.yaml", "guid_compile_error",
	    "difference: guid() and uniqueString() are ARM functions available in policy rules (definition-structure-policy-rule#policy-functions lists only the exclusions)" },
	{ "parse_errors.yaml", "uniquestring_compile_error",
	    "difference: uniqueString() is available in policy rules (same page)" },
	{ "operators.yaml", "like_question_mark",
	    "difference: like documents only the '*' wildcard (definition-structure-policy-rule#conditions); '?' is literal" },
	{ "modifiable_check.yaml", NULL,
	    "difference: the alias data has no Modifiable attribute, so Modify targets are not validated (spec section 5)" },
	{ "effects.yaml", "effect_denyAction",
	    "difference: denyAction blocks deletes and is not a compliance check (effect-deny-action); it yields no result" },
	{ "e2e_tags_append.yaml", "pass_tag_already_exists",
	    "difference: the case places tags under properties; ARM tags are top-level (definition-structure-policy-rule#fields)" },
	{ "e2e_tags_append.yaml", "pass_tag_matches_value",
	    "difference: tags under properties, see above" },
	{ "e2e_tags_inherit_modify.yaml", "pass_tag_matches",
	    "difference: tags under properties, see above" },
	{ "e2e_guest_config_user_identity.yaml", "pass_windows_vm_with_identity",
	    "difference: the expected identity key is built from subscription().subscriptionId, which the vector takes as 00000000-0000-0000-0000-000000000000 while the resource's id names subscription sub1; in Azure subscription() is the resource's own subscription (definition-structure-policy-rule#policy-functions), so the key does not match and the VM is non-compliant" },
	{ "e2e_azupdate_scheduled_patching.yaml", "dine_linux_vm_canonical_ubuntu",
	    "difference: the case places the tags the rule filters on under properties; ARM tags are top-level (definition-structure-policy-rule#fields)" },
	{ "e2e_azupdate_scheduled_patching.yaml", "skip_wrong_type",
	    "difference: a parameter without a value is a configuration error, not evaluated (definition-structure-parameters)" },
	{ "e2e_fic_aks_issuer.yaml", "skip_wrong_resource_type",
	    "difference: a parameter without a value is a configuration error, not evaluated (definition-structure-parameters)" },
	{ "e2e_fic_github_issuer.yaml", "skip_wrong_type",
	    "difference: parameter without a value, see above" },
	{ "e2e_cmk_disk_encryption.yaml", NULL,
	    "difference: the rule reads aliases absent from the vector's alias table "
	    "(storageProfile.dataDisks); an unknown alias resolves to nothing "
	    "here, the vector derives a path" },
	{ "e2e_cosmos_max_throughput.yaml", NULL,
	    "difference: resources written in the vector's internal shape "
	    "(properties.default.resource), not as ARM returns them" },
	{ "e2e_stream_analytics_audit.yaml", NULL,
	    "difference: polymorphic aliases; the resources nest the "
	    "discriminator key (Microsoft-ServiceBus-EventHub) that ARM "
	    "responses do not have, and aliases resolve to defaultPath" },
	{ "expressions.yaml", "expr_subscription",
	    "difference: the case gives no subscription context; the vector's "
	    "harness supplies a default one" },
	{ "expressions.yaml", "expr_dot_access",
	    "difference: the case gives no resource group context; the "
	    "vector's harness supplies a default one" },
	{ NULL, NULL, NULL }
};

/* ---- YAML to JSON ----------------------------------------------------- */

static int
emit_scalar(struct ov_buf *b, const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;
	size_t len = n->data.scalar.length;
	char *end;

	if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if (len == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0)
			return ov__buf_puts(b, "null");
		if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
			return ov__buf_puts(b, s);
		(void)strtod(s, &end);
		if (end == s + len && (s[0] == '-' || (s[0] >= '0' &&
		    s[0] <= '9')))
			return ov__buf_puts(b, s);
	}
	(void)ov__buf_putc(b, '"');
	for (; len > 0; s++, len--) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			(void)ov__buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			(void)ov__buf_printf(b, "\\u%04x", c);
		else
			(void)ov__buf_putc(b, (char)c);
	}
	return ov__buf_putc(b, '"');
}

static int
emit(struct ov_buf *b, yaml_document_t *d, yaml_node_t *n)
{
	yaml_node_item_t *it;
	yaml_node_pair_t *p;

	switch (n->type) {
	case YAML_SCALAR_NODE:
		return emit_scalar(b, n);
	case YAML_SEQUENCE_NODE:
		(void)ov__buf_putc(b, '[');
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++) {
			if (it != n->data.sequence.items.start)
				(void)ov__buf_putc(b, ',');
			emit(b, d, yaml_document_get_node(d, *it));
		}
		return ov__buf_putc(b, ']');
	case YAML_MAPPING_NODE:
		(void)ov__buf_putc(b, '{');
		for (p = n->data.mapping.pairs.start;
		    p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(d, p->key);

			if (p != n->data.mapping.pairs.start)
				(void)ov__buf_putc(b, ',');
			(void)ov__buf_putc(b, '"');
			(void)ov__buf_add(b, k->data.scalar.value,
			    k->data.scalar.length);
			(void)ov__buf_puts(b, "\":");
			emit(b, d, yaml_document_get_node(d, p->value));
		}
		return ov__buf_putc(b, '}');
	default:
		return ov__buf_puts(b, "null");
	}
}

static ov_json_doc *
yaml_file_to_json(const char *path)
{
	FILE *f = fopen(path, "rb");
	yaml_parser_t parser;
	yaml_document_t doc;
	struct ov_buf b = OV_BUF_INIT((size_t)1 << 28);
	ov_json_doc *out = NULL;
	yaml_node_t *root;

	if (f == NULL)
		return NULL;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (yaml_parser_load(&parser, &doc) &&
	    (root = yaml_document_get_root_node(&doc)) != NULL) {
		emit(&b, &doc, root);
		if (ov_json_parse(&out, NULL, ov__buf_cstr(&b), b.len,
		    OV_JSON_STRICT, NULL) < 0)
			out = NULL;
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	ov__buf_free(&b);
	return out;
}

/* ---- the vectors' normalised related resources ------------------------ */

/*
 * Some host_await responses are in the vectors' internal normalised shape:
 * the related resource as alias names split at their dots, e.g.
 * {"Microsoft": {"Sql/auditingSettings": {"state": "enabled"}}} for the
 * alias Microsoft.Sql/auditingSettings.state, not an ARM body.  A snapshot
 * holds ARM bodies, so the test rebuilds one: every alias met on the way
 * down puts its value at the alias's default path.
 */
struct placed {
	const struct ppath	*path;	/* where the value goes */
	const ov_json		*v;	/* the value */
};

#define MAX_PLACED 16

static size_t
find_aliases(const struct alias_table *t, const ov_json *o,
    const char *prefix, struct placed *out, size_t n)
{
	char name[1024];
	size_t i;

	for (i = 0; i < ov_json_len(o) && n < MAX_PLACED; i++) {
		const ov_json_member *m = ov_json_member_at(o, i);
		const struct alias_ent *e;
		int len = snprintf(name, sizeof(name), "%s%s%s", prefix,
		    prefix[0] != '\0' ? "." : "", m->key);

		if (len <= 0 || (size_t)len >= sizeof(name))
			continue;
		if ((e = ov_policy__alias_get(t, name, (size_t)len)) != NULL &&
		    e->path.n > 0 && e->path.n_wild == 0) {
			out[n].path = &e->path;
			out[n++].v = &m->value;
		} else if (ov_json_type_of(&m->value) == OV_JSON_OBJECT)
			n = find_aliases(t, &m->value, name, out, n);
	}
	return n;
}

/* The members of p[0..n) at depth, grouped by their segment there. */
static void
emit_placed(struct ov_buf *b, struct placed *p, size_t n, uint32_t depth)
{
	bool done[MAX_PLACED] = { false };
	size_t i, j, k;

	(void)ov__buf_putc(b, '{');
	for (i = 0, k = 0; i < n; i++) {
		const struct pseg *sg = &p[i].path->segs[depth];
		struct placed sub[MAX_PLACED];
		size_t m = 0;

		if (done[i])
			continue;
		(void)ov__buf_printf(b, "%s\"%.*s\":", k++ > 0 ? "," : "",
		    (int)sg->len, sg->name);
		if (p[i].path->n == depth + 1) {
			char *txt = ov_json_to_string(p[i].v, 0);

			(void)ov__buf_puts(b, txt != NULL ? txt : "null");
			ov_free(txt);
			done[i] = true;
			continue;
		}
		for (j = i; j < n; j++)
			if (!done[j] && p[j].path->n > depth + 1 &&
			    p[j].path->segs[depth].len == sg->len &&
			    strncasecmp(p[j].path->segs[depth].name, sg->name,
			    sg->len) == 0) {
				sub[m++] = p[j];
				done[j] = true;
			}
		emit_placed(b, sub, m, depth + 1);
	}
	(void)ov__buf_putc(b, '}');
}

/*
 * resp as an ARM body when it is in the normalised shape: a new document
 * (the caller frees it), or NULL when resp has no alias in it.
 */
static ov_json_doc *
denormalise(const struct alias_table *t, const ov_json *resp)
{
	struct placed p[MAX_PLACED];
	struct ov_buf b = OV_BUF_INIT((size_t)1 << 24);
	ov_json_doc *doc = NULL;
	size_t n;

	if (t == NULL || ov_json_type_of(resp) != OV_JSON_OBJECT ||
	    ov_json_get(resp, "properties") != NULL ||
	    (n = find_aliases(t, resp, "", p, 0)) == 0)
		return NULL;
	emit_placed(&b, p, n, 0);
	(void)ov_json_parse(&doc, NULL, ov__buf_cstr(&b), b.len, 0, NULL);
	ov__buf_free(&b);
	return doc;
}

/*
 * Azure's published alias table ($OVERVISOR_CORPUS/azure-policy-aliases),
 * to rebuild and evaluate the cases whose related resources come in the
 * normalised shape: their fields are Azure aliases the vectors' own small
 * tables do not carry.
 */
static struct alias_table azure_aliases;
static char azure_aliases_path[4200];
static bool azure_aliases_loaded;

/* Whether some host_await response of case c is in the normalised shape. */
static bool
has_normalised(const ov_json *c)
{
	const ov_json *ha = ov_json_get(c, "host_await");
	size_t i;

	for (i = 0; azure_aliases_loaded && i < ov_json_len(ha); i++) {
		ov_json_doc *d = denormalise(&azure_aliases, ov_json_get(
		    ov_json_at(ha, i), "response"));

		if (d != NULL) {
			ov_json_doc_free(d);
			return true;
		}
	}
	return false;
}

/* ---- running a case --------------------------------------------------- */

/*
 * The definition a case runs: its policy_definition, the file's, or its
 * policy_rule wrapped in a definition of mode All declaring the case's
 * parameters (named id when id is not NULL).
 */
static void
def_text(struct ov_buf *b, const ov_json *c, const ov_json *file_def,
    const char *id)
{
	const ov_json *def = ov_json_get(c, "policy_definition");
	const ov_json *rule = ov_json_get(c, "policy_rule");
	const ov_json *params = ov_json_get(c, "parameters");
	size_t i;

	if (def == NULL && rule == NULL)
		def = file_def;
	if (def != NULL) {
		(void)ov__buf_puts(b, ov_json_string(def));
		return;
	}
	(void)ov__buf_puts(b, "{");
	if (id != NULL)
		(void)ov__buf_printf(b, "\"id\":\"%s\",", id);
	(void)ov__buf_puts(b, "\"properties\":{\"mode\":\"All\","
	    "\"parameters\":{");
	for (i = 0; i < ov_json_len(params); i++)
		(void)ov__buf_printf(b, "%s\"%s\":{\"type\":\"object\"}",
		    i > 0 ? "," : "", ov_json_member_at(params, i)->key);
	(void)ov__buf_puts(b, "},\"policyRule\":");
	(void)ov__buf_puts(b, ov_json_string(rule) != NULL ?
	    ov_json_string(rule) : "null");
	(void)ov__buf_puts(b, "}}");
}


struct hostc {
	const ov_json	*responses;	/* host_await list */
	size_t		 next;		/* next response to hand out */
	const struct alias_table *aliases; /* to rebuild normalised ones */
	ov_json_doc	*docs[8];	/* rebuilt bodies, freed by the case */
	size_t		 n_docs;
};

static int
host_lookup(void *p, const struct pinst *pi, const struct pres *r,
    const char *type, const char *name, const char *rg, bool sub_scope,
    struct pres **out, size_t *n, bool *collected, struct ov_arena *a)
{
	struct hostc *h = p;
	const ov_json *resp;

	(void)pi; (void)r; (void)type; (void)name; (void)rg; (void)sub_scope;
	*collected = true;
	*n = 0;
	*out = NULL;
	if (h->responses == NULL || h->next >= ov_json_len(h->responses))
		return 0;
	resp = ov_json_get(ov_json_at(h->responses, h->next++), "response");
	if (resp == NULL || ov_json_type_of(resp) == OV_JSON_NULL)
		return 0;
	if (h->n_docs < 8 && (h->docs[h->n_docs] = denormalise(h->aliases,
	    resp)) != NULL)
		resp = ov_json_doc_root(h->docs[h->n_docs++]);
	*out = ov__arena_calloc(a, 1, sizeof(**out));
	if (*out == NULL)
		return OV_ENOMEM;
	ov_policy__pres_from_json(*out, resp);
	*n = 1;
	return 0;
}

enum outcome { OUT_FIRED, OUT_NOT_FIRED, OUT_ERROR, OUT_COMPILE_ERROR };

static enum outcome
run_case(const ov_json *c, const ov_json *file_def, const char *aliases,
    char *detail, size_t dsize)
{
	ov_ctx *ctx = NULL;
	ov_policy_set *set = NULL;
	struct ov_buf b = OV_BUF_INIT((size_t)1 << 26);
	const ov_json *params = ov_json_get(c, "parameters");
	const ov_json *res = ov_json_get(c, "resource");
	const ov_json *rc = ov_json_get(c, "request_context");
	const ov_json *cx = ov_json_get(c, "context");
	enum outcome o = OUT_ERROR;
	struct ov_arena a = OV_ARENA_INIT;
	struct presult pr;
	struct pres r;
	struct hostc h;
	struct related rel;
	size_t i;
	bool normalised;

	memset(&h, 0, sizeof(h));
	detail[0] = '\0';
	normalised = has_normalised(c);
	if (ov_ctx_new(&ctx) < 0 || ov_policy_set_new(&set, ctx) < 0)
		goto done;
	ov_ctx_set_now(ctx, 1767225600);	/* 2026-01-01 */
	if (ov_json_string(ov_json_get(cx, "utcNow")) != NULL) {
		int64_t t;

		if (ov_parse_time(ov_json_string(ov_json_get(cx, "utcNow")),
		    &t) == 0)
			ov_ctx_set_now(ctx, t);
	}
	set->lax_missing = true;
	if (aliases != NULL)
		(void)ov_policy_set_load_aliases(set, aliases);
	if (normalised)
		(void)ov_policy_set_load_aliases(set, azure_aliases_path);
	def_text(&b, c, file_def, NULL);
	for (i = 0; i < ov_json_len(params); i++) {
		const ov_json_member *m = ov_json_member_at(params, i);
		char *txt = ov_json_to_string(&m->value, 0);

		(void)ov_policy_set_set_param(set, m->key, txt);
		ov_free(txt);
	}
	if (ov_json_get(c, "api_version") != NULL)
		(void)ov_policy_set_api_version(set, ov_json_string(
		    ov_json_get(c, "api_version")));
	if (ov_json_get(ov_json_get(cx, "requestContext"), "apiVersion") !=
	    NULL)
		(void)ov_policy_set_api_version(set, ov_json_string(
		    ov_json_get(ov_json_get(cx, "requestContext"),
		    "apiVersion")));
	if (ov_json_get(rc, "apiVersion") != NULL)
		(void)ov_policy_set_api_version(set, ov_json_string(
		    ov_json_get(rc, "apiVersion")));
	if (ov_policy_set_add_buffer(set, "case.json", ov__buf_cstr(&b),
	    b.len) < 0 || ov_policy_set_compile(set) < 0)
		goto done;
	if (set->n_insts == 0 || set->insts[0]->error != NULL ||
	    set->n_errors > 0) {
		snprintf(detail, dsize, "%s", set->n_insts > 0 &&
		    set->insts[0]->error != NULL ? set->insts[0]->error :
		    "load error");
		o = OUT_COMPILE_ERROR;
		goto done;
	}
	if (set->insts[0]->unsupported != NULL) {
		snprintf(detail, dsize, "%s", set->insts[0]->unsupported);
		o = OUT_COMPILE_ERROR;
		goto done;
	}
	ov__arena_init(&a, 0, 0);
	ov_policy__pres_from_json(&r, res);
	r.ctx_rg = ov_json_get(cx, "resourceGroup");
	r.ctx_sub = ov_json_get(cx, "subscription");
	r.ctx_policy = ov_json_get(cx, "policy");
	if (r.subscription == NULL)
		r.subscription = ov_json_string(ov_json_get(r.ctx_sub,
		    "subscriptionId"));
	h.responses = ov_json_get(c, "host_await");
	h.aliases = normalised ? &azure_aliases : NULL;
	rel.lookup = host_lookup;
	rel.payload = &h;
	/* Mode Indexed needs a location; regorus does not check it. */
	set->insts[0]->indexed = false;
	if (ov_policy__eval_inst(set, ctx, &a, set->insts[0], &r, &rel, NULL,
	    &pr) < 0)
		goto done;
	if (pr.state == OV_STATE_ERROR) {
		snprintf(detail, dsize, "%s", pr.reason);
		o = OUT_ERROR;
	} else if (pr.state == OV_STATE_NON_COMPLIANT ||
	    (pr.state == OV_STATE_INDETERMINATE &&
	    set->insts[0]->effect == OV_EFFECT_MANUAL)) {
		snprintf(detail, dsize, "%s", set->insts[0]->effect_text);
		o = OUT_FIRED;
	} else
		o = OUT_NOT_FIRED;
done:
	for (i = 0; i < h.n_docs; i++)
		ov_json_doc_free(h.docs[i]);
	ov__arena_free(&a);
	ov__buf_free(&b);
	ov_policy_set_free(set);
	ov_ctx_free(ctx);
	return o;
}

static bool
is_difference(const char *file, const char *note)
{
	size_t i;

	for (i = 0; differences[i].file != NULL; i++)
		if (strcmp(differences[i].file, file) == 0 &&
		    (differences[i].note == NULL ||
		    strcmp(differences[i].note, note) == 0))
			return true;
	return false;
}

static bool
whole_file(const char *file)
{
	size_t i;

	for (i = 0; differences[i].file != NULL; i++)
		if (strcmp(differences[i].file, file) == 0 &&
		    differences[i].note == NULL)
			return true;
	return false;
}

/* ---- export for the CLI test ------------------------------------------ */

/*
 * With OV_REGORUS_EXPORT=DIR set, every case is also written out for
 * tests/e2e/policy_regorus_cli.sh, which runs it through `overvisor policy
 * eval`: DIR/<file>__<n>/definition.json (the same definition run_case
 * compiles, with mode Indexed turned to All as run_case does),
 * snap/ (the snapshot: see export_snapshot), assignment.json (when the
 * case sets policy()), params (NAME=JSON lines for --param) and expect
 * (key value lines: want, effect, diff, now, api, aliases, note, id,
 * assignment).
 */
static const char *export_dir;


/* Write text to DIR/name; the first "mode": "Indexed" becomes "All". */
static void
write_def(const char *dir, const char *text)
{
	char path[4400];
	const char *p = text, *v;
	FILE *f;

	snprintf(path, sizeof(path), "%s/definition.json", dir);
	if ((f = fopen(path, "w")) == NULL)
		return;
	while ((p = strstr(p, "\"mode\"")) != NULL) {
		v = p + 6;
		while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
			v++;
		if (*v != ':') {
			p += 6;
			continue;
		}
		v++;
		while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
			v++;
		if (strncasecmp(v, "\"Indexed\"", 9) == 0) {
			fwrite(text, 1, (size_t)(v - text), f);
			fputs("\"All\"", f);
			text = v + 9;
		}
		break;
	}
	fputs(text, f);
	fclose(f);
}

static void
put_json(FILE *f, const ov_json *v)
{
	char *txt = ov_json_to_string(v, 0);

	if (txt != NULL)
		fputs(txt, f);
	ov_free(txt);
}

/* A JSON string, escaped. */
static void
put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned)(unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/*
 * One NDJSON line: obj (an object, or NULL for {}) with id, type and name
 * added when obj lacks them (NULL values are left out).
 */
static void
put_record(FILE *f, const ov_json *obj, const char *id, const char *type,
    const char *name)
{
	const char *k[3] = { "id", "type", "name" }, *v[3] = { id, type, name };
	bool first = true;
	size_t i;

	fputc('{', f);
	for (i = 0; i < 3; i++) {
		if (v[i] == NULL || ov_json_get(obj, k[i]) != NULL)
			continue;
		fprintf(f, "%s\"%s\":", first ? "" : ",", k[i]);
		put_str(f, v[i]);
		first = false;
	}
	for (i = 0; ov_json_type_of(obj) == OV_JSON_OBJECT &&
	    i < ov_json_len(obj); i++) {
		const ov_json_member *m = ov_json_member_at(obj, i);

		fputs(first ? "" : ",", f);
		put_str(f, m->key);
		fputc(':', f);
		put_json(f, &m->value);
		first = false;
	}
	fputs("}\n", f);
}

/* A literal string of a definition ("[...]" expressions are not), or NULL. */
static const char *
literal(const ov_json *v)
{
	const char *s = ov_json_string(v);

	return s != NULL && s[0] != '[' ? s : NULL;
}

/*
 * The ARM id of a resource of type named name in subscription sub and
 * resource group rg: type segments and name segments interleave.
 */
static void
make_id(char *out, size_t size, const char *sub, const char *rg,
    const char *type, const char *name)
{
	char t[512], n[512], *ts, *ns, *tsave, *nsave;
	size_t len;

	if (strcasecmp(type, "Microsoft.Resources/subscriptions") == 0) {
		snprintf(out, size, "/subscriptions/%s", sub);
		return;
	}
	if (strcasecmp(type, "Microsoft.Resources/resourceGroups") == 0 ||
	    strcasecmp(type,
	    "Microsoft.Resources/subscriptions/resourceGroups") == 0) {
		snprintf(out, size, "/subscriptions/%s/resourceGroups/%s",
		    sub, name);
		return;
	}
	snprintf(t, sizeof(t), "%s", type);
	snprintf(n, sizeof(n), "%s", name);
	ts = strtok_r(t, "/", &tsave);
	len = (size_t)snprintf(out, size,
	    "/subscriptions/%s/resourceGroups/%s/providers/%s", sub, rg,
	    ts != NULL ? ts : "Unknown.Provider");
	ns = strtok_r(n, "/", &nsave);
	while ((ts = strtok_r(NULL, "/", &tsave)) != NULL && len < size) {
		len += (size_t)snprintf(out + len, size - len, "/%s/%s", ts,
		    ns != NULL ? ns : "parent");
		ns = strtok_r(NULL, "/", &nsave);
	}
}

/* Related types that ARM places below the resource they describe. */
static bool
extension_type(const char *type)
{
	static const char *const ext[] = {
		"Microsoft.Insights/diagnosticSettings",
		"Microsoft.Insights/dataCollectionRuleAssociations",
		"Microsoft.GuestConfiguration/",
		"Microsoft.Maintenance/configurationAssignments",
		"Microsoft.Automanage/configurationProfileAssignments",
		"Microsoft.Security/",
		"Microsoft.Authorization/locks",
		"Microsoft.Authorization/roleAssignments",
		NULL
	};
	size_t i;

	for (i = 0; ext[i] != NULL; i++)
		if (strncasecmp(type, ext[i], strlen(ext[i])) == 0)
			return true;
	return false;
}

/* Sources a snapshot manifest lists as collected for a host case. */
static const char *const all_sources[] = {
	"arg:resources", "arg:resourcecontainers", "arg:securityresources",
	"arg:patchassessmentresources", "arg:patchinstallationresources",
	"arg:recoveryservicesresources", "arg:authorizationresources",
	"arg:policyresources", "arg:maintenanceresources",
	"arm:resources", "arm:diagnosticSettings", NULL
};

/*
 * The snapshot a case becomes: DIR/snap/records.ndjson holds the resource
 * and, for cases that answer lookups through host_await or override the
 * resource's scope, what a collected tenant would hold instead:
 *   - the resource gets an ARM id in the case's subscription and resource
 *     group when it has none;
 *   - every host_await response becomes a record of the looked-up type,
 *     placed where ARM keeps it (below the resource for child and
 *     extension types, else in the resource group or subscription), and a
 *     manifest marks every source collected, so a lookup that finds
 *     nothing means the record does not exist;
 *   - context.resourceGroup and context.subscription become the resource
 *     group and subscription records that resourceGroup() and
 *     subscription() read;
 *   - context.policy becomes an assignment of the definition
 *     (DIR/assignment.json), whose ids policy() returns.
 * The resource's id goes to expect as `id`, so the script picks its result.
 */
static void
export_snapshot(const char *dir, FILE *expect, const ov_json *c,
    const char *deftext, bool host, bool context)
{
	char path[4400], rid[1024], xid[1200], sub[256], rg[256], nbuf[32];
	const ov_json *res = ov_json_get(c, "resource");
	const ov_json *cx = ov_json_get(c, "context");
	const ov_json *ha = ov_json_get(c, "host_await");
	const ov_json *details = NULL, *pol = ov_json_get(cx, "policy");
	const char *rtype = ov_json_string(ov_json_get(res, "type"));
	const char *rname = ov_json_string(ov_json_get(res, "name"));
	const char *v;
	ov_json_doc *doc = NULL, *rebuilt[8];
	FILE *f;
	size_t i, n_rebuilt = 0;

	snprintf(path, sizeof(path), "%s/snap", dir);
	if (mkdir(path, 0777) < 0 && errno != EEXIST)
		return;
	snprintf(path, sizeof(path), "%s/snap/records.ndjson", dir);
	if ((f = fopen(path, "w")) == NULL)
		return;
	if (!host && !context) {
		if (ov_json_type_of(res) == OV_JSON_OBJECT)
			put_record(f, res, NULL, NULL, NULL);
		fclose(f);
		return;
	}
	if (ov_json_parse(&doc, NULL, deftext, strlen(deftext), 0,
	    NULL) == 0)
		details = ov_json_path(ov_json_doc_root(doc),
		    "properties.policyRule.then.details");
	/* The resource's scope: its id, else the context, else defaults. */
	v = ov_json_string(ov_json_get(res, "id"));
	sub[0] = rg[0] = '\0';
	if (v != NULL && sscanf(v, "/subscriptions/%255[^/]/resourceGroups/"
	    "%255[^/]", sub, rg) < 1)
		sub[0] = '\0';
	if (sub[0] == '\0')
		snprintf(sub, sizeof(sub), "%s", (v = ov_json_string(
		    ov_json_path(cx, "subscription.subscriptionId"))) != NULL ?
		    v : "00000000-0000-0000-0000-00000000ca5e");
	if (rg[0] == '\0')
		snprintf(rg, sizeof(rg), "%s", (v = ov_json_string(
		    ov_json_path(cx, "resourceGroup.name"))) != NULL ? v :
		    "rg-case");
	if ((v = ov_json_string(ov_json_get(res, "id"))) != NULL)
		snprintf(rid, sizeof(rid), "%s", v);
	else
		make_id(rid, sizeof(rid), sub, rg, rtype != NULL ? rtype :
		    "Unknown.Provider/things", rname != NULL ? rname : "case");
	if (ov_json_type_of(res) == OV_JSON_OBJECT)
		put_record(f, res, rid, NULL, NULL);
	fprintf(expect, "id %s\n", rid);
	if (ov_json_get(cx, "resourceGroup") != NULL) {
		snprintf(xid, sizeof(xid), "/subscriptions/%s/resourceGroups/%s",
		    sub, rg);
		put_record(f, ov_json_get(cx, "resourceGroup"), xid,
		    "Microsoft.Resources/subscriptions/resourceGroups", rg);
	}
	if (ov_json_get(cx, "subscription") != NULL) {
		snprintf(xid, sizeof(xid), "/subscriptions/%s", sub);
		put_record(f, ov_json_get(cx, "subscription"), xid,
		    "Microsoft.Resources/subscriptions", NULL);
	}
	for (i = 0; host && i < ov_json_len(ha); i++) {
		const ov_json *h = ov_json_at(ha, i);
		const ov_json *resp = ov_json_get(h, "response");
		const char *t, *n;
		bool self;

		if (ov_json_type_of(resp) != OV_JSON_OBJECT)
			continue;
		if (azure_aliases_loaded && n_rebuilt < 8 &&
		    (rebuilt[n_rebuilt] = denormalise(&azure_aliases,
		    resp)) != NULL)
			resp = ov_json_doc_root(rebuilt[n_rebuilt++]);
		if ((t = ov_json_string(ov_json_path(h, "key.type"))) == NULL &&
		    (t = literal(ov_json_get(details, "type"))) == NULL)
			continue;
		if ((n = ov_json_string(ov_json_path(h, "key.name"))) == NULL &&
		    (n = ov_json_string(ov_json_get(resp, "name"))) == NULL &&
		    (n = literal(ov_json_get(details, "name"))) == NULL)
			n = NULL;
		self = rtype != NULL && strcasecmp(t, rtype) == 0 &&
		    (n == NULL || (rname != NULL && strcasecmp(n, rname) == 0));
		if (self)
			continue;	/* the resource itself is the record */
		if (n == NULL) {
			snprintf(nbuf, sizeof(nbuf), "related-%zu", i);
			n = nbuf;
		}
		if ((v = ov_json_string(ov_json_get(resp, "id"))) != NULL)
			snprintf(xid, sizeof(xid), "%s", v);
		else if (rtype != NULL && strlen(t) > strlen(rtype) &&
		    strncasecmp(t, rtype, strlen(rtype)) == 0 &&
		    t[strlen(rtype)] == '/') {
			const char *last = strrchr(n, '/');

			snprintf(xid, sizeof(xid), "%s%s/%s", rid, t + strlen(rtype),
			    last != NULL ? last + 1 : n);
		} else if (extension_type(t))
			snprintf(xid, sizeof(xid), "%s/providers/%s/%s", rid, t, n);
		else if (strchr(rid + 1, '/') == strrchr(rid, '/') &&
		    strncmp(rid, "/subscriptions/", 15) == 0)
			snprintf(xid, sizeof(xid), "/subscriptions/%s/providers/%s/%s",
			    sub, t, n);
		else
			make_id(xid, sizeof(xid), sub, (v = literal(ov_json_get(details,
			    "resourceGroupName"))) != NULL ? v : rg, t, n);
		put_record(f, resp, xid, t, n);
	}
	fclose(f);
	ov_json_doc_free(doc);
	for (i = 0; i < n_rebuilt; i++)
		ov_json_doc_free(rebuilt[i]);
	if (host) {
		snprintf(path, sizeof(path), "%s/snap/manifest.json", dir);
		if ((f = fopen(path, "w")) == NULL)
			return;
		fputs("{\"schema\":\"overvisor-snapshot/1\",\"sources\":[", f);
		for (i = 0; all_sources[i] != NULL; i++)
			fprintf(f, "%s{\"name\":\"%s\",\"status\":\"collected\"}",
			    i > 0 ? "," : "", all_sources[i]);
		fputs("]}\n", f);
		fclose(f);
	}
	if (pol == NULL || ov_json_string(ov_json_get(pol, "assignmentId")) ==
	    NULL)
		return;
	snprintf(path, sizeof(path), "%s/assignment.json", dir);
	if ((f = fopen(path, "w")) == NULL)
		return;
	fputs("{\"id\":", f);
	put_str(f, ov_json_string(ov_json_get(pol, "assignmentId")));
	fputs(",\"type\":\"Microsoft.Authorization/policyAssignments\","
	    "\"properties\":{\"scope\":", f);
	snprintf(xid, sizeof(xid), "/subscriptions/%s", sub);
	put_str(f, xid);
	fputs(",\"policyDefinitionId\":", f);
	put_str(f, ov_json_string(ov_json_get(pol, "definitionId")) != NULL ?
	    ov_json_string(ov_json_get(pol, "definitionId")) : "");
	fputs("}}\n", f);
	fclose(f);
	fputs("assignment 1\n", expect);
}

static void
export_case(const char *fn, size_t k, const ov_json *c,
    const ov_json *file_def, const char *aliases, bool diff)
{
	char dir[4200], path[4400];
	const ov_json *params = ov_json_get(c, "parameters");
	const ov_json *cx = ov_json_get(c, "context");
	const ov_json *v;
	const char *want = ov_json_string(ov_json_get(c, "want_effect"));
	struct ov_buf b = OV_BUF_INIT((size_t)1 << 26);
	bool host = ov_json_get(c, "host_await") != NULL;
	bool context = cx != NULL && (ov_json_get(cx, "resourceGroup") !=
	    NULL || ov_json_get(cx, "subscription") != NULL ||
	    ov_json_get(cx, "policy") != NULL);
	FILE *f;
	size_t i;

	snprintf(dir, sizeof(dir), "%s/%.*s__%03zu", export_dir,
	    (int)(strlen(fn) - 5), fn, k);
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		return;
	def_text(&b, c, file_def, ov_json_string(ov_json_path(cx,
	    "policy.definitionId")));
	write_def(dir, ov__buf_cstr(&b));
	snprintf(path, sizeof(path), "%s/params", dir);
	if ((f = fopen(path, "w")) != NULL) {
		for (i = 0; i < ov_json_len(params); i++) {
			const ov_json_member *m = ov_json_member_at(params, i);

			fprintf(f, "%s=", m->key);
			put_json(f, &m->value);
			fputc('\n', f);
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/expect", dir);
	if ((f = fopen(path, "w")) == NULL) {
		ov__buf_free(&b);
		return;
	}
	export_snapshot(dir, f, c, ov__buf_cstr(&b), host, context);
	ov__buf_free(&b);
	if (ov_json_is_true(ov_json_get(c, "want_parse_error")) ||
	    ov_json_is_true(ov_json_get(c, "want_compile_error")))
		fputs("want error\n", f);
	else if (want != NULL)
		fprintf(f, "want fired\neffect %s\n", want);
	else
		fputs("want undefined\n", f);
	fprintf(f, "diff %d\n", diff ? 1 : 0);
	fprintf(f, "now %s\n", ov_json_string(ov_json_get(cx, "utcNow")) !=
	    NULL ? ov_json_string(ov_json_get(cx, "utcNow")) :
	    "2026-01-01T00:00:00Z");
	if ((v = ov_json_get(ov_json_get(c, "request_context"),
	    "apiVersion")) == NULL && (v = ov_json_get(ov_json_get(cx,
	    "requestContext"), "apiVersion")) == NULL)
		v = ov_json_get(c, "api_version");
	if (ov_json_string(v) != NULL)
		fprintf(f, "api %s\n", ov_json_string(v));
	/* Normalised related resources need Azure's aliases (see above). */
	if (has_normalised(c))
		fprintf(f, "aliases %s\n", azure_aliases_path);
	else if (aliases != NULL)
		fprintf(f, "aliases %s\n", aliases);
	fprintf(f, "note %s %s\n", fn, ov_json_string(ov_json_get(c,
	    "note")) != NULL ? ov_json_string(ov_json_get(c, "note")) : "?");
	fclose(f);
}

static void
test_regorus_cases(void **state)
{
	const char *corpus = ov_test_corpus();
	char dir[2048], path[4200], alias_dir[2048], detail[512];
	struct dirent **ents = NULL;
	int n, i;
	size_t pass = 0, fail = 0, diff = 0;

	(void)state;
	if (corpus == NULL)
		skip();
	snprintf(dir, sizeof(dir), "%s/regorus-azure-policy-tests/cases",
	    corpus);
	snprintf(alias_dir, sizeof(alias_dir),
	    "%s/regorus-azure-policy-tests/aliases", corpus);
	snprintf(azure_aliases_path, sizeof(azure_aliases_path),
	    "%s/azure-policy-aliases/aliases.json", corpus);
	azure_aliases_loaded = ov_policy__alias_load(&azure_aliases, NULL,
	    azure_aliases_path) == 0;
	export_dir = getenv("OV_REGORUS_EXPORT");
	if (export_dir != NULL && export_dir[0] == '\0')
		export_dir = NULL;
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		skip();
	for (i = 0; i < n; i++) {
		const char *fn = ents[i]->d_name;
		ov_json_doc *doc;
		const ov_json *root, *cases, *fdef, *al;
		char apath[4200];
		size_t k;

		if (strstr(fn, ".yaml") == NULL)
			goto next;
		snprintf(path, sizeof(path), "%s/%s", dir, fn);
		if ((doc = yaml_file_to_json(path)) == NULL) {
			print_error("cannot convert %s\n", fn);
			fail++;
			goto next;
		}
		root = ov_json_doc_root(doc);
		cases = ov_json_get(root, "cases");
		fdef = ov_json_get(root, "policy_definition");
		al = ov_json_get(root, "aliases");
		snprintf(apath, sizeof(apath), "%s/%s", alias_dir,
		    ov_json_string(al) != NULL ? ov_json_string(al) : "");
		for (k = 0; k < ov_json_len(cases); k++) {
			const ov_json *c = ov_json_at(cases, k);
			const char *note = ov_json_string(ov_json_get(c,
			    "note"));
			const char *want = ov_json_string(ov_json_get(c,
			    "want_effect"));
			bool want_err = ov_json_is_true(ov_json_get(c,
			    "want_parse_error")) || ov_json_is_true(
			    ov_json_get(c, "want_compile_error"));
			enum outcome o = run_case(c, fdef, al != NULL ? apath :
			    NULL, detail, sizeof(detail));
			bool ok;

			if (note == NULL)
				note = "?";
			if (export_dir != NULL)
				export_case(fn, k, c, fdef, al != NULL ?
				    apath : NULL, is_difference(fn, note));
			if (want_err)
				ok = o == OUT_COMPILE_ERROR;
			else if (want != NULL)
				ok = o == OUT_FIRED &&
				    strcasecmp(detail, want) == 0;
			else
				ok = o == OUT_NOT_FIRED;
			if (ok) {
				pass++;
				if (is_difference(fn, note) &&
				    !whole_file(fn))
					print_message("listed difference now "
					    "passes: %s %s\n", fn, note);
			} else if (is_difference(fn, note))
				diff++;
			else {
				fail++;
				print_error("FAIL %s %s: want %s, got %s %s\n",
				    fn, note, want_err ? "error" : want != NULL
				    ? want : "undefined", o == OUT_FIRED ?
				    "fired" : o == OUT_NOT_FIRED ? "undefined"
				    : o == OUT_ERROR ? "runtime-error" :
				    "compile-error", detail);
			}
		}
		ov_json_doc_free(doc);
next:
		free(ents[i]);
	}
	free(ents);
	ov_policy__alias_free(&azure_aliases);
	print_message("regorus cases: %zu pass, %zu deliberate differences, "
	    "%zu fail\n", pass, diff, fail);
	assert_true(pass > 500);
	assert_int_equal(fail, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regorus_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
