/* SPDX-License-Identifier: MIT */
/*
 * Field maps: for each Sigma logsource overvisor can read, which event
 * paths hold each Sigma field name.  The maps are data
 * (data/sigma/<product>-<service>.yaml), read once per rule set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sigma/sigma_int.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

#define MAP_MAX_BYTES	(1u << 20)	/* one map file */

static const char *const kind_names[SIG_EV__COUNT] = {
	"unknown", "activity", "signin", "audit", "risk"
};

/* s, or dflt when s is NULL. */
static const char *
str_or(const char *s, const char *dflt)
{
	return s != NULL ? s : dflt;
}

/* Split a dotted path. */
bool
ov_sigma__path_split(struct ov_arena *a, const char *path, struct sig_path *p)
{
	const char *s = path, *dot;

	p->n = 0;
	while (*s != '\0') {
		if (p->n == SIG_MAX_SEGS)
			return false;
		dot = strchr(s, '.');
		if (dot == NULL)
			dot = s + strlen(s);
		if ((p->segs[p->n] = ov__arena_strndup(a, s,
		    (size_t)(dot - s))) == NULL)
			return false;
		p->lens[p->n] = (uint32_t)(dot - s);
		p->hashes[p->n] = ov_json_key_hash(s, (size_t)(dot - s));
		p->n++;
		s = *dot == '.' ? dot + 1 : dot;
	}
	return p->n > 0;
}

/* Follow p from v; the first value (arrays: the first element's). */
static const ov_json *
path_first(const struct sig_path *p, const ov_json *v)
{
	size_t i;

	for (i = 0; i < p->n && v != NULL; i++) {
		while (ov_json_type_of(v) == OV_JSON_ARRAY)
			v = ov_json_at(v, 0);
		v = ov_json_getn(v, p->segs[i], p->lens[i]);
	}
	return v;
}

/* The first value of the first present path, or NULL. */
const ov_json *
ov_sigma__paths_get(const struct sig_paths *ps, const ov_json *ev)
{
	const ov_json *v;
	size_t i;

	for (i = 0; i < ps->n; i++) {
		v = path_first(&ps->p[i], ev);
		while (ov_json_type_of(v) == OV_JSON_ARRAY)
			v = ov_json_at(v, 0);
		if (v != NULL && ov_json_type_of(v) != OV_JSON_NULL &&
		    !(ov_json_is_string(v) && v->len == 0))
			return v;
	}
	return NULL;
}

/* Describe a bad map file. */
static int
map_error(struct ov_sigma_rules *rs, const char *file, const char *text,
    size_t len, const ov_json *at, const char *what)
{
	unsigned line = 0, col = 0;

	if (at != NULL)
		ov_json_position(text, len, at->offset, &line, &col);
	return ov__error_at(rs->ctx, OV_EPARSE, OV_ERRCLASS_CONFIG, file,
	    line, col, NULL, "%s", what);
}

/* Read a list of paths into ps. */
static int
load_paths(struct ov_sigma_rules *rs, const char *file, const char *text,
    size_t len, const ov_json *v, struct sig_paths *ps)
{
	size_t i;

	ps->n = 0;
	if (v == NULL)
		return 0;
	if (ov_json_type_of(v) != OV_JSON_ARRAY ||
	    ov_json_len(v) > SIG_MAX_PATHS)
		return map_error(rs, file, text, len, v,
		    "expected a list of at most 12 paths");
	for (i = 0; i < ov_json_len(v); i++) {
		const char *s = ov_json_string(ov_json_at(v, i));

		if (s == NULL || !ov_sigma__path_split(&rs->arena, s,
		    &ps->p[ps->n]))
			return map_error(rs, file, text, len, ov_json_at(v, i),
			    "expected a dotted path of at most 8 members");
		ps->n++;
	}
	return 0;
}

/* Parse one map file into ls. */
static int
load_map(struct ov_sigma_rules *rs, const char *file, struct sig_logsource *ls)
{
	ov_json_doc *doc = NULL;
	ov_json_error jerr;
	const ov_json *root, *f, *v;
	char *text = NULL;
	size_t len = 0, i, k;
	int error;

	if ((error = ov__read_file(rs->ctx, OV_ERRCLASS_CONFIG, file,
	    MAP_MAX_BYTES, &text, &len)) < 0)
		return error;
	if ((error = ov_json_parse_yaml(&doc, rs->ctx, text, len, 0,
	    &jerr)) < 0) {
		ov__error_at(rs->ctx, error, OV_ERRCLASS_CONFIG, file,
		    jerr.line, jerr.column, NULL, "%s", jerr.message);
		goto done;
	}
	root = ov_json_doc_root(doc);
	memset(ls, 0, sizeof(*ls));
	ls->file = ov__arena_strdup(&rs->arena, file);
	ls->product = ov__arena_strdup(&rs->arena,
	    str_or(ov_json_string(ov_json_get(root, "product")), ""));
	ls->service = ov__arena_strdup(&rs->arena,
	    str_or(ov_json_string(ov_json_get(root, "service")), ""));
	v = ov_json_get(root, "events");
	for (i = 0; i < ov_json_len(v); i++)
		for (k = 1; k < SIG_EV__COUNT; k++)
			if (ov__streq_ci(ov_json_string(ov_json_at(v, i)),
			    kind_names[k]))
				ls->kinds[k] = true;
	if ((error = load_paths(rs, file, text, len, ov_json_get(root, "time"),
	    &ls->time)) < 0 ||
	    (error = load_paths(rs, file, text, len, ov_json_get(root, "id"),
	    &ls->id)) < 0 ||
	    (error = load_paths(rs, file, text, len,
	    ov_json_get(root, "resource"), &ls->resource)) < 0 ||
	    (error = load_paths(rs, file, text, len,
	    ov_json_get(root, "resource_type"), &ls->resource_type)) < 0 ||
	    (error = load_paths(rs, file, text, len,
	    ov_json_get(root, "principal"), &ls->principal)) < 0 ||
	    (error = load_paths(rs, file, text, len,
	    ov_json_get(root, "subscription"), &ls->subscription)) < 0)
		goto done;
	f = ov_json_get(root, "fields");
	if (ov_json_type_of(f) != OV_JSON_OBJECT || ov_json_len(f) == 0) {
		error = map_error(rs, file, text, len, root,
		    "expected a 'fields' map");
		goto done;
	}
	ls->n_fields = ov_json_len(f);
	ls->fields = ov__arena_calloc(&rs->arena, ls->n_fields,
	    sizeof(*ls->fields));
	if (ls->fields == NULL) {
		error = ov__error_oom(rs->ctx);
		goto done;
	}
	for (i = 0; i < ls->n_fields; i++) {
		const ov_json_member *m = ov_json_member_at(f, i);
		const ov_json *pv = &m->value;
		struct sig_paths ps;

		/* {any: [paths]}: the values of every path count. */
		if (ov_json_type_of(pv) == OV_JSON_OBJECT) {
			ls->fields[i].all_paths = true;
			pv = ov_json_get(pv, "any");
		}
		if ((error = load_paths(rs, file, text, len, pv, &ps)) < 0)
			goto done;
		ls->fields[i].name = ov__arena_strdup(&rs->arena, m->key);
		memcpy(ls->fields[i].paths, ps.p, sizeof(ps.p));
		ls->fields[i].n_paths = ps.n;
		if (ov__map_put(&ls->by_name, ls->fields[i].name, m->klen,
		    (void *)(uintptr_t)(i + 1)) < 0) {
			error = ov__error_oom(rs->ctx);
			goto done;
		}
	}
	v = ov_json_get(root, "layers");
	ls->n_layers = ov_json_len(v);
	ls->layer_prefix = ov__arena_calloc(&rs->arena, ls->n_layers + 1,
	    sizeof(*ls->layer_prefix));
	ls->layer_of = ov__arena_calloc(&rs->arena, ls->n_layers + 1,
	    sizeof(*ls->layer_of));
	for (i = 0; i < ls->n_layers; i++) {
		const ov_json_member *m = ov_json_member_at(v, i);

		ls->layer_prefix[i] = m->key;
		if (ov_layer_parse(ov_json_string(&m->value),
		    &ls->layer_of[i]) < 0) {
			error = map_error(rs, file, text, len, &m->value,
			    "unknown layer");
			goto done;
		}
		ls->layer_prefix[i] = ov__arena_strdup(&rs->arena, m->key);
	}
	if (ov_layer_parse(str_or(ov_json_string(ov_json_get(root,
	    "layer_default")), "unknown"), &ls->layer_default) < 0) {
		error = map_error(rs, file, text, len,
		    ov_json_get(root, "layer_default"), "unknown layer");
		goto done;
	}
	v = ov_json_get(root, "index");
	ls->index_pref = ov__arena_calloc(&rs->arena, ov_json_len(v) + 1,
	    sizeof(int));
	for (i = 0; i < ov_json_len(v); i++) {
		int fi = ov_sigma__field(ls, ov_json_string(ov_json_at(v, i)));

		if (fi < 0) {
			error = map_error(rs, file, text, len, ov_json_at(v, i),
			    "index names an unmapped field");
			goto done;
		}
		ls->index_pref[ls->n_index_pref++] = fi;
	}
	if (ls->product[0] == '\0' || ls->service[0] == '\0') {
		error = map_error(rs, file, text, len, root,
		    "expected 'product' and 'service'");
		goto done;
	}
done:
	ov_json_doc_free(doc);
	ov__free(text);
	return error;
}

/* Load every map under <data_dir>/data/sigma. */
int
ov_sigma__fieldmaps_load(struct ov_sigma_rules *rs, const char *data_dir)
{
	char dir[4096], path[4096 + 256], **names = NULL;
	size_t n = 0, i, k;
	int error;

	snprintf(dir, sizeof(dir), "%s/data/sigma", data_dir);
	if ((error = ov_sigma__dir_list(dir, &names, &n)) < 0)
		return error == OV_ENOMEM ? ov__error_oom(rs->ctx) :
		    ov__error_at(rs->ctx, OV_EIO, OV_ERRCLASS_CONFIG, dir, 0, 0,
		    NULL, "cannot read the Sigma field maps");
	if ((rs->ls = ov__arena_calloc(&rs->arena, n + 1,
	    sizeof(*rs->ls))) == NULL)
		error = ov__error_oom(rs->ctx);
	for (i = 0; i < n && error == 0; i++) {
		size_t l = strlen(names[i]);

		if (l <= 5 || strcmp(names[i] + l - 5, ".yaml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((error = load_map(rs, path, &rs->ls[rs->n_ls])) == 0)
			rs->n_ls++;
	}
	ov_sigma__dir_free(names, n);
	if (error < 0)
		return error;
	for (i = 0; i < rs->n_ls; i++) {
		if (rs->ls[i].n_fields > rs->max_fields)
			rs->max_fields = rs->ls[i].n_fields;
		for (k = 1; k < SIG_EV__COUNT; k++)
			if (rs->ls[i].kinds[k] && rs->n_kind_ls[k] < 8)
				rs->kind_ls[k][rs->n_kind_ls[k]++] = i;
	}
	return 0;
}

/* The logsource for product/service, or NULL. */
const struct sig_logsource *
ov_sigma__logsource(const struct ov_sigma_rules *rs, const char *product,
    const char *service)
{
	size_t i;

	for (i = 0; i < rs->n_ls; i++)
		if (ov__streq_ci(rs->ls[i].product, product) &&
		    ov__streq_ci(rs->ls[i].service, service))
			return &rs->ls[i];
	return NULL;
}

/* Field index of name in ls (case-insensitive), or -1. */
int
ov_sigma__field(const struct sig_logsource *ls, const char *name)
{
	void *v;

	if (name == NULL)
		return -1;
	v = ov__map_get(&ls->by_name, name, strlen(name));
	return v != NULL ? (int)((uintptr_t)v - 1) : -1;
}
