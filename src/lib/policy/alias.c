/* SPDX-License-Identifier: MIT */
/*
 * Alias resolution: the `az provider list` shaped alias table, dotted
 * paths with [*] segments, and field names (name, type, tags['x'], aliases,
 * raw paths).  AZP: definition-structure-alias.
 */
#include <stdio.h>
#include <string.h>

#include "policy/policy_int.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

/* Parse "a.b[*].c", "tags['x.y']", "tags[x]" into segments. */
int
ov_policy__path_parse(struct ov_arena *a, const char *s, size_t len,
    struct ppath *p)
{
	struct pseg segs[64];
	size_t i = 0, n = 0;

	memset(p, 0, sizeof(*p));
	while (i < len) {
		size_t st = i;

		if (s[i] == '.') {
			i++;
			continue;
		}
		if (s[i] == '[') {
			if (i + 2 < len + 0 && s[i + 1] == '*' &&
			    s[i + 2] == ']') {
				if (n == 0)
					return OV_EINVALID;
				segs[n - 1].wild = true;
				p->n_wild++;
				i += 3;
				continue;
			}
			if (n == sizeof(segs) / sizeof(segs[0]))
				return OV_ELIMIT;
			if (i + 1 < len && s[i + 1] == '\'') {
				/* quoted key; '' escapes a quote */
				char *buf = ov__arena_alloc(a, len);
				size_t j = 0;

				if (buf == NULL)
					return OV_ENOMEM;
				for (i += 2; i < len; i++) {
					if (s[i] == '\'') {
						if (i + 1 < len &&
						    s[i + 1] == '\'') {
							buf[j++] = '\'';
							i++;
							continue;
						}
						break;
					}
					buf[j++] = s[i];
				}
				buf[j] = '\0';
				if (i + 1 >= len || s[i + 1] != ']')
					return OV_EINVALID;
				i += 2;
				segs[n].name = buf;
				segs[n].len = (uint32_t)j;
				segs[n++].wild = false;
				continue;
			}
			for (st = ++i; i < len && s[i] != ']'; i++)
				;
			if (i >= len)
				return OV_EINVALID;
			segs[n].name = ov__arena_strndup(a, s + st, i - st);
			segs[n].len = (uint32_t)(i - st);
			segs[n++].wild = false;
			i++;
			continue;
		}
		while (i < len && s[i] != '.' && s[i] != '[')
			i++;
		if (n == sizeof(segs) / sizeof(segs[0]))
			return OV_ELIMIT;
		segs[n].name = ov__arena_strndup(a, s + st, i - st);
		segs[n].len = (uint32_t)(i - st);
		segs[n++].wild = false;
	}
	p->n = (uint32_t)n;
	p->text = ov__arena_strndup(a, s, len);
	if (n > 0) {
		p->segs = ov__arena_calloc(a, n, sizeof(*p->segs));
		if (p->segs == NULL)
			return OV_ENOMEM;
		memcpy(p->segs, segs, n * sizeof(*segs));
		for (i = 0; i < n; i++)
			if (p->segs[i].name == NULL)
				return OV_ENOMEM;
	}
	return 0;
}

/* Merge the aliases of one parsed table. */
int
ov_policy__alias_load_json(struct alias_table *t, ov_ctx *ctx,
    const ov_json *root, const char *source)
{
	size_t i, j, k;
	int error;

	if (t->arena.block_size == 0)
		ov__arena_init(&t->arena, 1 << 20, 0);
	if (ov_json_type_of(root) == OV_JSON_OBJECT &&
	    ov_json_get(root, "value") != NULL)
		root = ov_json_get(root, "value");
	if (ov_json_type_of(root) != OV_JSON_ARRAY)
		return ov__error_at(ctx, OV_EINVALID, OV_ERRCLASS_POLICY,
		    source, 0, 0, "", "alias table is not an array of "
		    "providers");
	for (i = 0; i < ov_json_len(root); i++) {
		const ov_json *ns = ov_json_at(root, i);
		const char *nsname = ov_json_string(ov_json_get(ns,
		    "namespace"));
		const ov_json *rts = ov_json_get(ns, "resourceTypes");

		if (nsname == NULL)
			continue;
		for (j = 0; j < ov_json_len(rts); j++) {
			const ov_json *rt = ov_json_at(rts, j);
			const char *rtn = ov_json_string(ov_json_get(rt,
			    "resourceType"));
			const ov_json *als = ov_json_get(rt, "aliases");
			const char *type;

			if (rtn == NULL)
				continue;
			type = ov__arena_printf(&t->arena, "%s/%s", nsname,
			    rtn);
			if (type == NULL)
				return ov__error_oom(ctx);
			if (ov__map_get(&t->types, type, strlen(type)) ==
			    NULL && (error = ov__map_put(&t->types, type,
			    strlen(type), (void *)(uintptr_t)type)) < 0)
				return ov__error_oom(ctx);
			for (k = 0; k < ov_json_len(als); k++) {
				const ov_json *al = ov_json_at(als, k);
				const char *name = ov_json_string(
				    ov_json_get(al, "name"));
				const char *path = ov_json_string(
				    ov_json_get(al, "defaultPath"));
				struct alias_ent *e, *head;

				if (name == NULL || path == NULL)
					continue;
				e = ov__arena_calloc(&t->arena, 1, sizeof(*e));
				if (e == NULL)
					return ov__error_oom(ctx);
				e->name = ov__arena_strdup(&t->arena, name);
				e->type = type;
				if (e->name == NULL)
					return ov__error_oom(ctx);
				if ((error = ov_policy__path_parse(&t->arena,
				    path, strlen(path), &e->path)) < 0) {
					if (error == OV_ENOMEM)
						return ov__error_oom(ctx);
					continue;	/* a path it cannot use */
				}
				head = ov__map_get(&t->by_name, e->name,
				    strlen(e->name));
				if (head != NULL) {
					struct alias_ent *x;

					for (x = head; x != NULL; x = x->next)
						if (ov__streq_ci(x->type,
						    type))
							break;
					if (x == NULL) {
						e->next = head->next;
						head->next = e;
						t->n++;
					}
					continue;
				}
				if (ov__map_put(&t->by_name, e->name,
				    strlen(e->name), e) < 0)
					return ov__error_oom(ctx);
				t->n++;
			}
		}
	}
	return 0;
}

/* Load an alias table file. */
int
ov_policy__alias_load(struct alias_table *t, ov_ctx *ctx, const char *path)
{
	ov_json_doc *doc = NULL;
	char *data = NULL;
	size_t len;
	int error;

	if ((error = ov__read_file(ctx, OV_ERRCLASS_POLICY, path,
	    (size_t)1 << 31, &data, &len)) < 0)
		return error;
	if ((error = ov_json_parse(&doc, ctx, data, len, OV_JSON_STRICT,
	    NULL)) == 0)
		error = ov_policy__alias_load_json(t, ctx,
		    ov_json_doc_root(doc), path);
	ov_json_doc_free(doc);
	ov__free(data);
	return error;
}

/* Release an alias table. */
void
ov_policy__alias_free(struct alias_table *t)
{
	ov__map_free(&t->by_name);
	ov__map_free(&t->types);
	ov__arena_free(&t->arena);
}

/* Look an alias up by name. */
const struct alias_ent *
ov_policy__alias_get(const struct alias_table *t, const char *name,
    size_t len)
{
	return ov__map_get(&t->by_name, name, len);
}

/*
 * Microsoft Graph objects have no aliases and no properties envelope: a
 * field "Microsoft.Graph/<collection>/<path>" reads <path> (dotted, with
 * [*]) from the object itself.  Returns 1 when s is not such a field.
 */
static int
graph_path(struct ov_arena *a, const char *s, size_t len, struct fref *fr)
{
	static const char pfx[] = "Microsoft.Graph/";
	const char *p, *end = s + len;
	int error;

	if (len <= sizeof(pfx) - 1 || !ov__eq_ci(s, sizeof(pfx) - 1, pfx,
	    sizeof(pfx) - 1))
		return 1;
	p = memchr(s + sizeof(pfx) - 1, '/', (size_t)(end - s) -
	    (sizeof(pfx) - 1));
	if (p == NULL || p + 1 >= end)
		return 1;
	fr->is_alias = false;
	fr->graph = true;
	fr->kind = FR_PATH;
	if ((error = ov_policy__path_parse(a, p + 1, (size_t)(end - p - 1),
	    &fr->path)) < 0) {
		fr->kind = FR_UNKNOWN;
		return error == OV_ENOMEM ? error : 0;
	}
	return 0;
}

/* Resolve a field name into a reference. */
int
ov_policy__fref_resolve(const struct ov_policy_set *set, struct ov_arena *a,
    const char *s, size_t len, struct fref **out)
{
	struct fref *fr = ov__arena_calloc(a, 1, sizeof(*fr));
	static const struct {
		const char	*name;
		enum fref_kind	 kind;
	} top[] = {
		{ "name", FR_NAME }, { "fullName", FR_FULLNAME },
		{ "type", FR_TYPE }, { "location", FR_LOCATION },
		{ "id", FR_ID },
	};
	size_t i;
	int error;

	if (fr == NULL)
		return OV_ENOMEM;
	fr->bind = -1;
	fr->text = ov__arena_strndup(a, s, len);
	if (fr->text == NULL)
		return OV_ENOMEM;
	*out = fr;
	/* AZP: definition-structure-policy-rule#fields */
	for (i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		if (ov__eq_ci(s, len, top[i].name, strlen(top[i].name))) {
			fr->kind = (uint8_t)top[i].kind;
			return 0;
		}
	if (memchr(s, '/', len) != NULL && !ov__startswith_ci(fr->text,
	    "tags")) {
		const struct alias_ent *e;

		fr->is_alias = true;
		e = set != NULL ? ov_policy__alias_get(&set->aliases, s, len) :
		    NULL;
		if (e == NULL && (error = graph_path(a, s, len, fr)) != 1)
			return error;
		if (e == NULL) {
			size_t tl;

			fr->kind = FR_UNKNOWN;
			/* Is any type prefix of the name in the table? */
			fr->no_data = true;
			for (tl = len; set != NULL && tl > 0; tl--) {
				if (s[tl - 1] != '/')
					continue;
				if (ov__map_get(&set->aliases.types, s,
				    tl - 1) != NULL) {
					fr->no_data = false;
					break;
				}
			}
			return 0;
		}
		fr->alias = e;
		fr->kind = FR_PATH;
		fr->path = e->path;
		return 0;
	}
	fr->kind = FR_PATH;
	if ((error = ov_policy__path_parse(a, s, len, &fr->path)) < 0) {
		fr->kind = FR_UNKNOWN;
		return error == OV_ENOMEM ? error : 0;
	}
	return 0;
}
