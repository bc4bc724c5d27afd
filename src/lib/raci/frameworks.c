/* SPDX-License-Identifier: MIT */
/*
 * Compliance frameworks: loading the catalogues and computing the
 * per-control compliance view from per-rule results.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/raci/frameworks.h"
#include "overvisor/json.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/file.h"

static const char *
adup(struct ov_framework *fw, const char *s)
{
	return ov__arena_strdup(&fw->arena, s != NULL ? s : "");
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char * const *)a, *(const char * const *)b);
}

/* Collect the sorted unique rule ids of every control. */
static int
index_rules(struct ov_framework *fw)
{
	size_t total = 0, i, j, n = 0;
	const char **all;

	for (i = 0; i < fw->n_controls; i++)
		total += fw->controls[i].n_rules;
	if ((all = ov__arena_calloc(&fw->arena, total + 1,
	    sizeof(*all))) == NULL)
		return ov__error_oom(fw->ctx);
	for (i = 0; i < fw->n_controls; i++)
		for (j = 0; j < fw->controls[i].n_rules; j++)
			all[n++] = fw->controls[i].rules[j];
	if (n > 0)
		qsort(all, n, sizeof(*all), cmp_str);
	for (i = 0, j = 0; i < n; i++)
		if (j == 0 || strcmp(all[j - 1], all[i]) != 0)
			all[j++] = all[i];
	fw->rule_ids = all;
	fw->n_rule_ids = j;
	return 0;
}

/* Load and check one catalogue file; *out is owned by the caller. */
int
ov_raci__framework_load_file(struct ov_framework **out, ov_ctx *ctx,
    const char *path)
{
	struct ov_framework *fw;
	ov_json_doc *doc = NULL;
	ov_json_error jerr;
	const ov_json *root, *controls;
	char *data = NULL;
	size_t len, i, j;
	int error;

	*out = NULL;
	if ((fw = ov__calloc(1, sizeof(*fw))) == NULL)
		return ov__error_oom(ctx);
	fw->ctx = ctx;
	ov__arena_init(&fw->arena, 0, 0);
	if ((error = ov__read_file(ctx, OV_ERRCLASS_INPUT, path,
	    OV_DATA_MAX_FILE, &data, &len)) < 0)
		goto fail;
	if ((error = ov_json_parse(&doc, ctx, data, len, OV_JSON_STRICT,
	    &jerr)) < 0) {
		error = ov__error_at(ctx, error, OV_ERRCLASS_INPUT, path,
		    jerr.line, jerr.column, NULL, "%s", jerr.message);
		goto fail;
	}
	root = ov_json_doc_root(doc);
	controls = ov_json_get(root, "controls");
	if (ov_json_string(ov_json_get(root, "id")) == NULL ||
	    ov_json_type_of(controls) != OV_JSON_ARRAY) {
		error = ov__error_at(ctx, OV_EINVALID, OV_ERRCLASS_INPUT, path,
		    0, 0, NULL, "not a framework catalogue");
		goto fail;
	}
	fw->id = adup(fw, ov_json_string(ov_json_get(root, "id")));
	fw->title = adup(fw, ov_json_string(ov_json_get(root, "title")));
	fw->prefix = adup(fw, ov_json_string(ov_json_get(root, "prefix")));
	fw->n_controls = ov_json_len(controls);
	fw->controls = ov__arena_calloc(&fw->arena, fw->n_controls + 1,
	    sizeof(*fw->controls));
	if (fw->controls == NULL || fw->id == NULL) {
		error = ov__error_oom(ctx);
		goto fail;
	}
	for (i = 0; i < fw->n_controls; i++) {
		const ov_json *c = ov_json_at(controls, i);
		const ov_json *rules = ov_json_get(c, "rules");
		struct ov_fw_control *fc = &fw->controls[i];

		fc->id = adup(fw, ov_json_string(ov_json_get(c, "id")));
		fc->control = adup(fw, ov_json_string(ov_json_get(c,
		    "control")));
		fc->title = adup(fw, ov_json_string(ov_json_get(c, "title")));
		fc->owner = adup(fw, ov_json_string(ov_json_get(c, "owner")));
		fc->check = adup(fw, ov_json_string(ov_json_get(c, "check")));
		fc->n_builtins = ov_json_len(ov_json_get(c, "builtins"));
		fc->n_rules = ov_json_len(rules);
		fc->rules = ov__arena_calloc(&fw->arena, fc->n_rules + 1,
		    sizeof(*fc->rules));
		if (fc->rules == NULL || fc->check == NULL) {
			error = ov__error_oom(ctx);
			goto fail;
		}
		for (j = 0; j < fc->n_rules; j++)
			fc->rules[j] = adup(fw, ov_json_string(ov_json_at(
			    rules, j)));
	}
	if ((error = index_rules(fw)) < 0)
		goto fail;
	ov_json_doc_free(doc);
	ov__free(data);
	*out = fw;
	return 0;
fail:
	ov_json_doc_free(doc);
	ov__free(data);
	ov_framework_free(fw);
	return error;
}

/* Is id a safe framework file name (no path separators)? */
static bool
valid_id(const char *id)
{
	const char *p;

	if (id == NULL || *id == '\0' || *id == '.')
		return false;
	for (p = id; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || (*p >= 'A' && *p <= 'Z')))
			return false;
	return true;
}

/* Load the catalogue data_dir/data/frameworks/<id>.json. */
int
ov_framework_load(ov_framework **out, ov_ctx *ctx, const char *data_dir,
    const char *id)
{
	char path[4096];
	FILE *f;

	OV_ASSERT_ARG(out != NULL && data_dir != NULL);
	*out = NULL;
	if (!valid_id(id))
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_CONFIG,
		    "invalid framework id '%s'", id != NULL ? id : "");
	snprintf(path, sizeof(path), "%s/data/frameworks/%s.json", data_dir,
	    id);
	if ((f = fopen(path, "rb")) == NULL)
		return ov__error(ctx, OV_ENOTFOUND, OV_ERRCLASS_CONFIG,
		    "unknown framework '%s'", id);
	fclose(f);
	return ov_raci__framework_load_file(out, ctx, path);
}

/* Release a framework.  NULL is ignored. */
void
ov_framework_free(ov_framework *fw)
{
	if (fw == NULL)
		return;
	ov__arena_free(&fw->arena);
	ov__free(fw);
}

/* The framework id. */
const char *
ov_framework_id(const ov_framework *fw)
{
	return fw != NULL ? fw->id : NULL;
}

/* The framework title. */
const char *
ov_framework_title(const ov_framework *fw)
{
	return fw != NULL ? fw->title : NULL;
}

/* The sorted unique rule ids mapped to the framework. */
void
ov_framework_rules(const ov_framework *fw, const char * const **ids,
    size_t *n)
{
	*ids = fw != NULL ? (const char * const *)fw->rule_ids : NULL;
	*n = fw != NULL ? fw->n_rule_ids : 0;
}

/* True when rule maps to a control of fw. */
bool
ov_framework_has_rule(const ov_framework *fw, const char *rule)
{
	size_t lo = 0, hi;

	if (fw == NULL || rule == NULL)
		return false;
	hi = fw->n_rule_ids;
	/* Rule ids are upper case; compare case-insensitively anyway. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = ov__strcmp_ci(rule, fw->rule_ids[mid]);

		if (c == 0)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

/* The compliance view plus the storage behind it. */
struct compliance_box {
	ov_compliance		 view;		/* handed out; first member */
	struct ov_arena		 arena;		/* strings and arrays */
};

/* Compute the compliance view (see overvisor/rules.h). */
int
ov_framework_compliance(const ov_framework *fw, const ov_rule_tally *tallies,
    size_t n_tallies, ov_compliance **out)
{
	struct compliance_box *box;
	ov_control_result *res;
	struct ov_groups by_rule = OV_GROUPS_INIT;
	uint32_t *gid = NULL;
	size_t i, j, k;
	int error = 0;

	OV_ASSERT_ARG(fw != NULL && out != NULL);
	*out = NULL;
	if ((box = ov__calloc(1, sizeof(*box))) == NULL)
		return ov__error_oom(fw->ctx);
	ov__arena_init(&box->arena, 0, 0);
	/* rule id -> its tallies (a rule may be tallied more than once) */
	if (n_tallies > 0 && (gid = ov__calloc(n_tallies,
	    sizeof(*gid))) == NULL) {
		error = ov__error_oom(fw->ctx);
		goto fail;
	}
	for (i = 0; i < n_tallies; i++)
		if (tallies[i].rule != NULL && ov__groups_count(&by_rule,
		    tallies[i].rule, strlen(tallies[i].rule), &gid[i]) < 0) {
			error = ov__error_oom(fw->ctx);
			goto fail;
		}
	if (ov__groups_layout(&by_rule) < 0) {
		error = ov__error_oom(fw->ctx);
		goto fail;
	}
	for (i = 0; i < n_tallies; i++)
		if (tallies[i].rule != NULL)
			ov__groups_add(&by_rule, gid[i],
			    (void *)(uintptr_t)&tallies[i]);
	res = ov__arena_calloc(&box->arena, fw->n_controls + 1,
	    sizeof(*res));
	if (res == NULL) {
		error = ov__error_oom(fw->ctx);
		goto fail;
	}
	for (i = 0; i < fw->n_controls; i++) {
		const struct ov_fw_control *c = &fw->controls[i];
		ov_control_result *r = &res[i];

		r->id = c->id;
		r->title = c->title;
		r->rules = (const char * const *)c->rules;
		r->n_rules = c->n_rules;
		for (j = 0; j < c->n_rules; j++) {
			const struct ov_group *g = ov__groups_get(&by_rule,
			    c->rules[j], strlen(c->rules[j]));

			/* A rule may be tallied more than once; sum them. */
			for (k = 0; g != NULL && k < g->len; k++) {
				const ov_rule_tally *t = g->items[k];

				r->passed += t->passed;
				r->failed += t->failed;
				r->indeterminate += t->indeterminate;
			}
		}
		if (strcmp(c->check, "microsoft") == 0)
			r->status = "microsoft";
		else if (c->n_rules == 0)
			r->status = strcmp(c->check, "manual") == 0 ?
			    "manual" : "not-covered";
		else if (r->failed > 0)
			r->status = "failed";
		else if (r->indeterminate > 0)
			r->status = "indeterminate";
		else if (r->passed > 0)
			r->status = "passed";
		else
			r->status = "not-applicable";
	}
	box->view.id = fw->id;
	box->view.title = fw->title;
	box->view.controls = res;
	box->view.n_controls = fw->n_controls;
	ov__groups_free(&by_rule);
	ov__free(gid);
	*out = &box->view;
	return 0;
fail:
	ov__groups_free(&by_rule);
	ov__free(gid);
	ov__arena_free(&box->arena);
	ov__free(box);
	return error;
}

/*
 * Release a compliance view from ov_framework_compliance().  The strings
 * it points to belong to the framework, which must outlive the view.
 */
void
ov_compliance_free(ov_compliance *c)
{
	struct compliance_box *box = (struct compliance_box *)c;

	if (box == NULL)
		return;
	ov__arena_free(&box->arena);
	ov__free(box);
}

/* List the framework catalogues under data_dir (sorted by id). */
int
ov_frameworks_list(ov_ctx *ctx, const char *data_dir,
    int (*cb)(const char *id, const char *title, void *payload),
    void *payload)
{
	struct ov_arena a = OV_ARENA_INIT;
	char dir[4096], **paths;
	size_t n, i;
	int error;

	snprintf(dir, sizeof(dir), "%s/data/frameworks", data_dir);
	ov__arena_init(&a, 0, 0);
	if ((error = ov__list_files(ctx, &a, dir, ".json", &paths,
	    &n)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		struct ov_framework *fw;

		if ((error = ov_raci__framework_load_file(&fw, ctx,
		    paths[i])) < 0)
			goto done;
		error = cb(fw->id, fw->title, payload);
		ov_framework_free(fw);
		if (error != 0)
			goto done;
	}
done:
	ov__arena_free(&a);
	return error;
}
