/* SPDX-License-Identifier: MIT */
/*
 * The rule set: field maps, loading rule files and directories, resolving
 * correlation references, and the public accessors.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/sigma/sigma_int.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

#define RULE_MAX_BYTES	(4u << 20)	/* one rule file */
#define MAX_DIR_DEPTH	16

/* Create a rule set with the field maps. */
int
ov_sigma_rules_new(ov_sigma_rules **out, ov_ctx *ctx,
    const ov_sigma_options *opts)
{
	struct ov_sigma_rules *rs;
	const char *dir = opts != NULL && opts->data_dir != NULL ?
	    opts->data_dir : OV_SOURCE_DIR;
	int error;

	OV_ASSERT_ARG(out != NULL);
	*out = NULL;
	if ((rs = ov__calloc(1, sizeof(*rs))) == NULL)
		return ov__error_oom(ctx);
	rs->ctx = ctx;
	ov__arena_init(&rs->arena, 0, 0);
	if ((error = ov_sigma__fieldmaps_load(rs, dir)) < 0) {
		ov_sigma_rules_free(rs);
		return error;
	}
	*out = rs;
	return 0;
}

/* Free what a rule's patterns hold outside the arena. */
void
ov_sigma__rule_release(struct sig_rule *r)
{
	size_t s, m, c, v, a;

	for (s = 0; s < r->n_sels; s++)
		for (m = 0; m < r->sels[s].n_maps; m++)
			for (c = 0; c < r->sels[s].maps[m].n_conds; c++) {
				struct sig_fcond *fc =
				    &r->sels[s].maps[m].conds[c];

				for (v = 0; v < fc->n_vals; v++)
					for (a = 0; a < fc->vals[v].n_alts;
					    a++)
						if (fc->vals[v].alts[a].re !=
						    NULL)
							pcre2_code_free(fc->
							    vals[v].alts[a].re);
			}
	r->n_sels = 0;
}

/* Release a rule set. */
void
ov_sigma_rules_free(ov_sigma_rules *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n_rules; i++)
		ov_sigma__rule_release(&rs->rules[i]);
	for (i = 0; i < rs->n_ls; i++)
		ov__map_free(&rs->ls[i].by_name);
	if (rs->lsr != NULL)
		for (i = 0; i < rs->n_ls; i++) {
			size_t k;

			for (k = 0; k < rs->lsr[i].n_idx; k++)
				ov__map_free(&rs->lsr[i].idx[k].values);
		}
	for (i = 0; i < rs->n_docs; i++)
		ov_json_doc_free(rs->docs[i]);
	ov__free(rs->docs);
	ov__free(rs->rules);
	ov__free(rs->diags);
	ov__arena_free(&rs->arena);
	ov__free(rs);
}

/* Keep a parsed rule document alive with the rule set. */
int
ov_sigma__keep_doc(struct ov_sigma_rules *rs, ov_json_doc *doc)
{
	void *n;

	if (rs->n_docs == rs->cap_docs) {
		size_t cap = rs->cap_docs != 0 ? rs->cap_docs * 2 : 32;

		if ((n = ov__reallocarray(rs->docs, cap,
		    sizeof(*rs->docs))) == NULL)
			return OV_ENOMEM;
		rs->docs = n;
		rs->cap_docs = cap;
	}
	rs->docs[rs->n_docs++] = doc;
	return 0;
}

/* Add rules from a buffer. */
int
ov_sigma_rules_load_buffer(ov_sigma_rules *rs, const char *name,
    const char *data, size_t len)
{
	OV_ASSERT_ARG(rs != NULL && (data != NULL || len == 0));
	if (rs->compiled)
		return ov__error(rs->ctx, OV_EINVALID, OV_ERRCLASS_CONFIG,
		    "rules added after compiling");
	return ov_sigma__load_text(rs, name != NULL ? name : "-",
	    data != NULL ? data : "", len);
}

/* qsort comparator over names. */
static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of directory path (no dot files), sorted; OV_EIO, OV_ENOMEM. */
int
ov_sigma__dir_list(const char *path, char ***names, size_t *n)
{
	size_t cap = 0;
	struct dirent *de;
	char **v = NULL;
	DIR *d;
	void *x;

	*names = NULL;
	*n = 0;
	if ((d = opendir(path)) == NULL)
		return OV_EIO;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap != 0 ? cap * 2 : 32;
			if ((x = ov__reallocarray(v, cap, sizeof(*v))) == NULL)
				goto oom;
			v = x;
		}
		if ((v[*n] = ov__strdup(de->d_name)) == NULL)
			goto oom;
		(*n)++;
	}
	closedir(d);
	if (*n > 0)
		qsort(v, *n, sizeof(*v), name_cmp);
	*names = v;
	return 0;
oom:
	closedir(d);
	ov_sigma__dir_free(v, *n);
	*n = 0;
	return OV_ENOMEM;
}

/* Release what ov_sigma__dir_list returned. */
void
ov_sigma__dir_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ov__free(names[i]);
	ov__free(names);
}

/* True when name ends in .yml or .yaml. */
static bool
is_rule_name(const char *name)
{
	size_t l = strlen(name);

	return (l > 4 && strcmp(name + l - 4, ".yml") == 0) ||
	    (l > 5 && strcmp(name + l - 5, ".yaml") == 0);
}

static int load_path(struct ov_sigma_rules *rs, const char *path,
    unsigned depth);

/* Load every rule file of a directory, in name order. */
static int
load_dir(struct ov_sigma_rules *rs, const char *path, unsigned depth)
{
	char **names = NULL, full[4096];
	size_t n = 0, i;
	struct stat st;
	int error;

	if (depth > MAX_DIR_DEPTH)
		return 0;
	if ((error = ov_sigma__dir_list(path, &names, &n)) < 0)
		return error == OV_ENOMEM ? ov__error_oom(rs->ctx) :
		    ov__error_at(rs->ctx, OV_EIO, OV_ERRCLASS_CONFIG, path, 0, 0,
		    NULL, "cannot read directory");
	for (i = 0; i < n && error == 0; i++) {
		snprintf(full, sizeof(full), "%s/%s", path, names[i]);
		if (stat(full, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			error = load_dir(rs, full, depth + 1);
		else if (is_rule_name(names[i]))
			error = load_path(rs, full, depth);
	}
	ov_sigma__dir_free(names, n);
	return error;
}

/* Load one file or a directory. */
static int
load_path(struct ov_sigma_rules *rs, const char *path, unsigned depth)
{
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	int error;

	if (stat(path, &st) != 0)
		return ov__error_at(rs->ctx, OV_EIO, OV_ERRCLASS_CONFIG, path,
		    0, 0, NULL, "cannot read rule file");
	if (S_ISDIR(st.st_mode))
		return load_dir(rs, path, depth);
	if ((error = ov__read_file(rs->ctx, OV_ERRCLASS_CONFIG, path,
	    RULE_MAX_BYTES, &text, &len)) < 0) {
		if (error == OV_ELIMIT) {
			ov_sigma__diag(rs, OV_SIGMA_DIAG_ERROR, path, NULL, 0,
			    0, NULL, NULL, "rule file larger than %u bytes",
			    RULE_MAX_BYTES);
			return 0;
		}
		return error;
	}
	error = ov_sigma__load_text(rs, path, text, len);
	ov__free(text);
	return error;
}

/* Add the rules of a file or directory. */
int
ov_sigma_rules_load(ov_sigma_rules *rs, const char *path)
{
	OV_ASSERT_ARG(rs != NULL && path != NULL);
	if (rs->compiled)
		return ov__error(rs->ctx, OV_EINVALID, OV_ERRCLASS_CONFIG,
		    "rules added after compiling");
	return load_path(rs, path, 0);
}

/* Mark a rule unusable: it moves to the diagnostics. */
static void
drop_rule(struct ov_sigma_rules *rs, size_t i, ov_sigma_diag_level lvl,
    const char *why)
{
	struct sig_rule *r = &rs->rules[i];

	ov_sigma__diag(rs, lvl, r->file, NULL, 0, 0, r->id, r->title, "%s",
	    why);
	rs->diags[rs->n_diags - 1].pub.line = r->line;
	rs->diags[rs->n_diags - 1].pub.column = 1;
	r->dropped = true;
}

/* The detection rule named ref (by id or name), or -1. */
static int
find_rule(const struct ov_sigma_rules *rs, const char *ref)
{
	size_t i;

	for (i = 0; i < rs->n_rules; i++) {
		const struct sig_rule *r = &rs->rules[i];

		if (r->dropped)
			continue;
		if ((r->name != NULL && strcmp(r->name, ref) == 0) ||
		    ov__streq_ci(r->id, ref))
			return (int)i;
	}
	return -1;
}

/* Resolve a correlation's references and group-by fields. */
static void
resolve_correlation(struct ov_sigma_rules *rs, size_t ci)
{
	struct sig_rule *c = &rs->rules[ci];
	char why[256];
	size_t i, g;
	int ri;

	if ((c->ref_rules = ov__arena_calloc(&rs->arena, c->n_refs,
	    sizeof(int))) == NULL) {
		drop_rule(rs, ci, OV_SIGMA_DIAG_ERROR, "out of memory");
		return;
	}
	if (c->cmp == SIG_OP_LT || c->cmp == SIG_OP_LTE) {
		drop_rule(rs, ci, OV_SIGMA_DIAG_UNSUPPORTED, "lt and lte "
		    "correlation conditions (detecting an absence)");
		return;
	}
	for (i = 0; i < c->n_refs; i++) {
		ri = find_rule(rs, c->refs[i]);
		if (ri < 0 || rs->rules[ri].is_correlation) {
			snprintf(why, sizeof(why), "correlation refers to "
			    "'%s', which is not a loaded detection rule",
			    c->refs[i]);
			drop_rule(rs, ci, OV_SIGMA_DIAG_ERROR, why);
			return;
		}
		c->ref_rules[i] = ri;
		for (g = 0; g < c->n_group_by; g++)
			if (ov_sigma__field(rs->rules[ri].ls,
			    c->group_by[g]) < 0) {
				snprintf(why, sizeof(why), "group-by field "
				    "'%s' has no mapping for %s/%s",
				    c->group_by[g], rs->rules[ri].ls->product,
				    rs->rules[ri].ls->service);
				drop_rule(rs, ci, OV_SIGMA_DIAG_UNSUPPORTED,
				    why);
				return;
			}
		if (c->value_field != NULL && ov_sigma__field(
		    rs->rules[ri].ls, c->value_field) < 0) {
			snprintf(why, sizeof(why), "value_count field '%s' has "
			    "no mapping for %s/%s", c->value_field,
			    rs->rules[ri].ls->product,
			    rs->rules[ri].ls->service);
			drop_rule(rs, ci, OV_SIGMA_DIAG_UNSUPPORTED, why);
			return;
		}
	}
	for (i = 0; i < c->n_refs; i++) {
		rs->rules[c->ref_rules[i]].used_by_corr = true;
		if (c->generate)
			rs->rules[c->ref_rules[i]].generate = true;
	}
}

/* Order diagnostics by file, line, column, then as they came. */
static int
diag_cmp(const void *a, const void *b)
{
	const struct sig_diag *x = a, *y = b;
	int c = strcmp(x->pub.file, y->pub.file);

	if (c != 0)
		return c;
	if (x->pub.line != y->pub.line)
		return x->pub.line < y->pub.line ? -1 : 1;
	if (x->pub.column != y->pub.column)
		return x->pub.column < y->pub.column ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Resolve correlations and build the index. */
int
ov_sigma_rules_compile(ov_sigma_rules *rs)
{
	size_t i;

	OV_ASSERT_ARG(rs != NULL);
	if (rs->compiled)
		return 0;
	for (i = 0; i < rs->n_rules; i++) {
		struct sig_rule *r = &rs->rules[i];
		int k;

		if (r->is_correlation)
			continue;
		if ((k = find_rule(rs, r->id)) >= 0 && (size_t)k < i)
			ov_sigma__diag(rs, OV_SIGMA_DIAG_WARNING, r->file,
			    NULL, 0, 0, r->id, r->title, "duplicate rule id "
			    "(also in %s)", rs->rules[k].file);
	}
	for (i = 0; i < rs->n_rules; i++)
		if (rs->rules[i].is_correlation)
			resolve_correlation(rs, i);
	for (i = 0; i < rs->n_diags; i++)
		rs->diags[i].seq = i;
	if (rs->n_diags > 1)
		qsort(rs->diags, rs->n_diags, sizeof(*rs->diags), diag_cmp);
	rs->compiled = true;
	return ov_sigma__build_index(rs);
}

/* Rules that will run. */
size_t
ov_sigma_rules_count(const ov_sigma_rules *rs)
{
	size_t i, n = 0;

	if (rs == NULL)
		return 0;
	for (i = 0; i < rs->n_rules; i++)
		n += !rs->rules[i].dropped;
	return n;
}

/* Rule files read. */
size_t
ov_sigma_rules_n_files(const ov_sigma_rules *rs)
{
	return rs != NULL ? rs->n_files : 0;
}

/* Diagnostics. */
size_t
ov_sigma_rules_n_diags(const ov_sigma_rules *rs)
{
	return rs != NULL ? rs->n_diags : 0;
}

const ov_sigma_diag *
ov_sigma_rules_diag(const ov_sigma_rules *rs, size_t i)
{
	return rs != NULL && i < rs->n_diags ? &rs->diags[i].pub : NULL;
}

/* Level names. */
const char *
ov_sigma_diag_level_name(ov_sigma_diag_level l)
{
	switch (l) {
	case OV_SIGMA_DIAG_ERROR: return "error";
	case OV_SIGMA_DIAG_UNSUPPORTED: return "unsupported";
	case OV_SIGMA_DIAG_WARNING: return "warning";
	default: return "unknown";
	}
}
