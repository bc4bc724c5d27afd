/* SPDX-License-Identifier: MIT */
/*
 * Compiled Bicep mapped back to its source.  `bicep build` writes no
 * source map into the template, so the .bicep file next to it is read:
 * a light scanner (comments, strings with interpolation, brackets) finds
 * each `resource` and `module` declaration with its type, apiVersion and
 * symbolic name, and the position of every property key in its body.  A
 * compiled resource maps to its declaration by symbolic name
 * (languageVersion 2.0, or a copy loop's name), else to the next
 * declaration of its type in source order; a finding on it is reported at
 * the declaration, or at the property when the source writes it.  Nothing
 * found, nothing mapped: the finding stays at the JSON.
 */
#include <string.h>

#include "lib/iac/iac_int.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

#define BICEP_MAX_FRAMES 64
#define BICEP_PATH_MAX 512

/* A property key written in a declaration's body. */
struct bicep_key {
	const char	*path;		/* "properties.a[0].b" */
	uint32_t	 offset;	/* of the key */
};

/* One resource or module declaration. */
struct ov_iac_bicep {
	struct bicep_src *src;		/* the file */
	const char	*sym;		/* symbolic name */
	const char	*type;		/* full type ("" for modules) */
	const char	*api;		/* apiVersion, or NULL */
	const char	*module_path;	/* module source path, or NULL */
	uint32_t	 offset;	/* of the keyword */
	bool		 module;	/* a module */
	bool		 existing;	/* `existing`: not deployed */
	const char	*claimed;	/* the JSON declaration mapped to it */
	struct bicep_key *keys;		/* keys of the body */
	size_t		 n_keys, keys_cap;
};

struct bicep_src {
	const char		*path;		/* the .bicep file */
	uint32_t		*lines;		/* line starts */
	size_t			 n_lines;
	struct ov_iac_bicep	*decls;		/* in source order */
	size_t			 n_decls, decls_cap;
	struct ov_arena		*a;		/* where it lives */
	/* while mapping (ov_iac__bicep_close releases them) */
	struct ov_map		 claims;	/* JSON declaration -> decl */
	struct ov_map		 syms;		/* symbolic name -> decl */
	struct ov_map		 types;		/* type -> struct type_list */
	bool			 indexed;	/* the maps are built */
};

/* The declarations of one type, in source order. */
struct type_list {
	size_t	*idx;			/* indexes into decls */
	size_t	 n;
};

/* A bracket being scanned. */
struct frame {
	char		 kind;		/* '{' or '[' */
	long		 decl;		/* declaration whose body it is, or -1 */
	bool		 loop;		/* the [for ...] around a body */
	bool		 item_start;	/* the next token starts an item */
	long		 index;		/* array: current item */
	char		 path[BICEP_PATH_MAX]; /* path of this container */
	char		 key[128];	/* object: current key */
};

struct scanner {
	const char	*s;		/* the source */
	size_t		 n;		/* its length */
	size_t		 i;		/* position */
	struct bicep_src *src;		/* filled */
	struct frame	 f[BICEP_MAX_FRAMES];
	int		 depth;		/* frames in use */
	long		 pending;	/* declaration waiting for its body */
};

static bool
ident_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool
ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

/* Skip spaces, tabs and comments (not newlines); true at a newline. */
static void
skip_blank(struct scanner *sc, bool newlines)
{
	while (sc->i < sc->n) {
		char c = sc->s[sc->i];

		if (c == ' ' || c == '\t' || c == '\r' || (newlines &&
		    c == '\n'))
			sc->i++;
		else if (c == '/' && sc->i + 1 < sc->n &&
		    sc->s[sc->i + 1] == '/') {
			while (sc->i < sc->n && sc->s[sc->i] != '\n')
				sc->i++;
		} else if (c == '/' && sc->i + 1 < sc->n &&
		    sc->s[sc->i + 1] == '*') {
			sc->i += 2;
			while (sc->i + 1 < sc->n && !(sc->s[sc->i] == '*' &&
			    sc->s[sc->i + 1] == '/'))
				sc->i++;
			sc->i += 2;
		} else
			break;
	}
}

/*
 * Skip a string at sc->i ('...', with escapes and ${...}, or '''...''');
 * *val and *len receive its raw text when it has no interpolation.
 */
static void
skip_string(struct scanner *sc, const char **val, size_t *len)
{
	size_t start;
	int nest;

	*val = NULL;
	*len = 0;
	if (sc->i + 2 < sc->n && strncmp(sc->s + sc->i, "'''", 3) == 0) {
		sc->i += 3;
		start = sc->i;
		while (sc->i + 2 < sc->n && strncmp(sc->s + sc->i, "'''",
		    3) != 0)
			sc->i++;
		*val = sc->s + start;
		*len = sc->i - start;
		sc->i += 3;
		return;
	}
	start = ++sc->i;
	*val = sc->s + start;
	while (sc->i < sc->n && sc->s[sc->i] != '\'' &&
	    sc->s[sc->i] != '\n') {
		if (sc->s[sc->i] == '\\') {
			sc->i += 2;
			continue;
		}
		if (sc->s[sc->i] == '$' && sc->i + 1 < sc->n &&
		    sc->s[sc->i + 1] == '{') {
			*val = NULL;
			sc->i += 2;
			for (nest = 1; sc->i < sc->n && nest > 0; sc->i++) {
				if (sc->s[sc->i] == '{')
					nest++;
				else if (sc->s[sc->i] == '}')
					nest--;
				else if (sc->s[sc->i] == '\'') {
					const char *v;
					size_t l;

					skip_string(sc, &v, &l);
					sc->i--;
				}
			}
			continue;
		}
		sc->i++;
	}
	if (*val != NULL)
		*len = (size_t)(sc->s + sc->i - *val);
	if (sc->i < sc->n)
		sc->i++;
}

static int
add_key(struct bicep_src *src, long decl, const char *path, size_t off)
{
	struct ov_iac_bicep *b = &src->decls[decl];
	struct bicep_key *grown;
	size_t cap;

	if (b->n_keys == b->keys_cap) {
		cap = b->keys_cap != 0 ? b->keys_cap * 2 : 16;
		if ((grown = ov__arena_calloc(src->a, cap,
		    sizeof(*grown))) == NULL)
			return OV_ENOMEM;
		if (b->n_keys > 0)
			memcpy(grown, b->keys, b->n_keys * sizeof(*grown));
		b->keys = grown;
		b->keys_cap = cap;
	}
	if ((b->keys[b->n_keys].path = ov__arena_strdup(src->a, path)) ==
	    NULL)
		return OV_ENOMEM;
	b->keys[b->n_keys++].offset = (uint32_t)off;
	return 0;
}

/* The body a frame belongs to (its declaration), or -1. */
static long
frame_decl(const struct scanner *sc)
{
	return sc->depth > 0 ? sc->f[sc->depth - 1].decl : -1;
}

/* `resource sym 'type' [existing]` or `module sym 'path'`. */
static int
declaration(struct scanner *sc, bool module, size_t kw)
{
	struct bicep_src *src = sc->src;
	struct ov_iac_bicep *b, *grown;
	const char *v, *at;
	size_t start, len, cap;
	long parent = frame_decl(sc);

	skip_blank(sc, false);
	start = sc->i;
	while (sc->i < sc->n && ident_char(sc->s[sc->i]))
		sc->i++;
	if (sc->i == start)
		return 0;
	if (src->n_decls == src->decls_cap) {
		cap = src->decls_cap != 0 ? src->decls_cap * 2 : 16;
		if ((grown = ov__arena_calloc(src->a, cap,
		    sizeof(*grown))) == NULL)
			return OV_ENOMEM;
		if (src->n_decls > 0)
			memcpy(grown, src->decls, src->n_decls *
			    sizeof(*grown));
		src->decls = grown;
		src->decls_cap = cap;
	}
	b = &src->decls[src->n_decls];
	memset(b, 0, sizeof(*b));
	b->src = src;
	b->module = module;
	b->offset = (uint32_t)kw;
	b->sym = ov__arena_strndup(src->a, sc->s + start, sc->i - start);
	skip_blank(sc, false);
	if (sc->i >= sc->n || sc->s[sc->i] != '\'')
		return 0;
	skip_string(sc, &v, &len);
	if (v == NULL || b->sym == NULL)
		return b->sym == NULL ? OV_ENOMEM : 0;
	if (module) {
		b->type = "Microsoft.Resources/deployments";
		b->module_path = ov__arena_strndup(src->a, v, len);
	} else {
		at = memchr(v, '@', len);
		b->type = ov__arena_strndup(src->a, v, at != NULL ?
		    (size_t)(at - v) : len);
		if (at != NULL)
			b->api = ov__arena_strndup(src->a, at + 1,
			    len - (size_t)(at - v) - 1);
		/* A nested resource's type is relative to its parent's. */
		if (parent >= 0 && b->type != NULL &&
		    strchr(b->type, '/') == NULL) {
			b->type = ov__arena_printf(src->a, "%s/%s",
			    src->decls[parent].type, b->type);
			if (b->api == NULL)
				b->api = src->decls[parent].api;
		}
		skip_blank(sc, false);
		if (sc->n - sc->i >= 8 && strncmp(sc->s + sc->i, "existing",
		    8) == 0)
			b->existing = true;
	}
	if (b->type == NULL)
		return OV_ENOMEM;
	sc->pending = (long)src->n_decls++;
	return 0;
}

static int
push(struct scanner *sc, char kind)
{
	struct frame *up = sc->depth > 0 ? &sc->f[sc->depth - 1] : NULL;
	char path[BICEP_PATH_MAX + 160];
	struct frame *f;
	size_t n;

	if (sc->depth == BICEP_MAX_FRAMES)
		return -1;
	f = &sc->f[sc->depth++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->item_start = true;
	f->index = -1;
	f->decl = up != NULL ? up->decl : -1;
	if (sc->pending >= 0 && kind == '[') {
		/* [for x in y: {...}] around a body. */
		f->loop = true;
		f->decl = -1;
		return 0;
	}
	if (sc->pending >= 0 && kind == '{') {
		f->decl = sc->pending;
		sc->pending = -1;
		return 0;
	}
	if (up == NULL || up->loop || up->decl < 0)
		return 0;
	/* The path of this container inside the body. */
	if (up->kind == '{')
		snprintf(path, sizeof(path), "%s%s%s", up->path,
		    up->path[0] != '\0' ? "." : "", up->key);
	else
		snprintf(path, sizeof(path), "%s[%ld]", up->path, up->index);
	/* A deeper path than the buffer holds is cut: it maps no key. */
	n = strlen(path);
	if (n >= sizeof(f->path))
		n = sizeof(f->path) - 1;
	memcpy(f->path, path, n);
	f->path[n] = '\0';
	return 0;
}

/* A token at an item's start: an object key, or an array item. */
static int
item(struct scanner *sc, size_t tok, size_t tok_len, bool is_key_cand)
{
	struct frame *f = &sc->f[sc->depth - 1];
	char path[BICEP_PATH_MAX + 130];
	size_t save = sc->i;

	f->item_start = false;
	if (f->kind == '[') {
		f->index++;
		return 0;
	}
	if (!is_key_cand)
		return 0;
	skip_blank(sc, false);
	if (sc->i >= sc->n || sc->s[sc->i] != ':') {
		sc->i = save;
		return 0;
	}
	sc->i++;
	snprintf(f->key, sizeof(f->key), "%.*s", (int)tok_len,
	    sc->s + tok);
	if (f->decl < 0 || f->loop)
		return 0;
	snprintf(path, sizeof(path), "%s%s%s", f->path, f->path[0] != '\0' ?
	    "." : "", f->key);
	return add_key(sc->src, f->decl, path, tok);
}

static int
scan(struct scanner *sc)
{
	const char *v;
	size_t start, len;
	int error;

	sc->pending = -1;
	while (sc->i < sc->n) {
		char c;

		skip_blank(sc, false);
		if (sc->i >= sc->n)
			break;
		c = sc->s[sc->i];
		if (c == '\n' || c == ',') {
			if (sc->depth > 0)
				sc->f[sc->depth - 1].item_start = true;
			sc->i++;
			continue;
		}
		if (c == '{' || c == '[') {
			if (sc->depth > 0 && sc->f[sc->depth - 1].item_start)
				(void)item(sc, sc->i, 0, false);
			if (push(sc, c) < 0)
				return 0;	/* too deep: map what we have */
			sc->i++;
			continue;
		}
		if (c == '}' || c == ']') {
			if (sc->depth > 0)
				sc->depth--;
			sc->i++;
			continue;
		}
		if (c == '\'') {
			start = sc->i;
			skip_string(sc, &v, &len);
			if (sc->depth > 0 && sc->f[sc->depth - 1].item_start &&
			    (error = item(sc, v != NULL ? (size_t)(v -
			    sc->s) : start, v != NULL ? len : 0,
			    v != NULL)) < 0)
				return error;
			continue;
		}
		if (ident_start(c)) {
			start = sc->i;
			while (sc->i < sc->n && ident_char(sc->s[sc->i]))
				sc->i++;
			len = sc->i - start;
			/* A declaration: at the top, or in a body. */
			if ((len == 8 && strncmp(sc->s + start, "resource",
			    8) == 0) || (len == 6 && strncmp(sc->s + start,
			    "module", 6) == 0)) {
				size_t save = sc->i;

				skip_blank(sc, false);
				if (sc->i < sc->n && ident_start(sc->s[sc->i]) &&
				    (sc->depth == 0 ||
				    (sc->f[sc->depth - 1].kind == '{' &&
				    sc->f[sc->depth - 1].decl >= 0 &&
				    sc->f[sc->depth - 1].item_start))) {
					sc->i = save;
					if (sc->depth > 0)
						sc->f[sc->depth - 1].item_start
						    = false;
					if ((error = declaration(sc, len == 6,
					    start)) < 0)
						return error;
					continue;
				}
				sc->i = save;
			}
			if (sc->depth > 0 && sc->f[sc->depth - 1].item_start &&
			    (error = item(sc, start, len, true)) < 0)
				return error;
			continue;
		}
		if (sc->depth > 0 && sc->f[sc->depth - 1].item_start)
			(void)item(sc, sc->i, 0, false);
		sc->i++;
	}
	return 0;
}

/* Read and scan a .bicep file; NULL when it cannot be read. */
static struct bicep_src *
load(struct ov_arena *a, ov_ctx *ctx, const char *path)
{
	struct scanner *sc;
	struct bicep_src *src;
	char *data = NULL;
	size_t len = 0, i, n = 1;

	if (ov__read_file(ctx, OV_ERRCLASS_INPUT, path, 16u << 20, &data,
	    &len) < 0) {
		ov_error_clear(ctx);
		return NULL;
	}
	src = ov__arena_calloc(a, 1, sizeof(*src));
	sc = ov__calloc(1, sizeof(*sc));
	if (src == NULL || sc == NULL)
		goto fail;
	src->a = a;
	if ((src->path = ov__arena_strdup(a, path)) == NULL)
		goto fail;
	for (i = 0; i < len; i++)
		n += data[i] == '\n';
	if ((src->lines = ov__arena_calloc(a, n, sizeof(*src->lines))) ==
	    NULL)
		goto fail;
	src->n_lines = 1;
	for (i = 0; i < len; i++)
		if (data[i] == '\n')
			src->lines[src->n_lines++] = (uint32_t)(i + 1);
	sc->s = data;
	sc->n = len;
	sc->src = src;
	if (scan(sc) < 0)
		goto fail;
	ov__free(sc);
	ov__free(data);
	return src;
fail:
	ov__free(sc);
	ov__free(data);
	return NULL;
}

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The Bicep source next to a compiled template. */
struct bicep_src *
ov_iac__bicep_open(struct ov_arena *a, ov_ctx *ctx, const char *json_path)
{
	const char *slash = strrchr(json_path, '/'), *dot;
	const char *dir = slash != NULL ? ov__arena_strndup(a, json_path,
	    (size_t)(slash - json_path)) : ".";
	const char *cand, *only = NULL;
	struct bicep_src *src;

	if (dir == NULL)
		return NULL;
	dot = strrchr(json_path, '.');
	if (dot != NULL && (slash == NULL || dot > slash) &&
	    (cand = ov__arena_printf(a, "%.*s.bicep", (int)(dot - json_path),
	    json_path)) != NULL && (src = load(a, ctx, cand)) != NULL)
		return src;
	if ((cand = ov__arena_printf(a, "%s/main.bicep", dir)) != NULL &&
	    (src = load(a, ctx, cand)) != NULL)
		return src;
	only = ov_iac__only_file(a, ctx, dir, ".bicep", false);
	return only != NULL ? load(a, ctx, only) : NULL;
}

/* The source of a local module of src. */
struct bicep_src *
ov_iac__bicep_module(struct ov_arena *a, ov_ctx *ctx,
    const struct bicep_src *src, const char *module_path)
{
	const char *slash;

	if (src == NULL || module_path == NULL ||
	    !has_suffix(module_path, ".bicep") ||
	    strchr(module_path, ':') != NULL)
		return NULL;
	slash = strrchr(src->path, '/');
	return load(a, ctx, ov__arena_printf(a, "%.*s/%s", slash != NULL ?
	    (int)(slash - src->path) : 1, slash != NULL ? src->path : ".",
	    module_path));
}

/* Build the look-ups of a source's declarations. */
static int
index_decls(struct bicep_src *src)
{
	struct type_list *l;
	size_t i, k;

	for (i = 0; i < src->n_decls; i++) {
		const struct ov_iac_bicep *b = &src->decls[i];
		const char *type = b->module ? "module" : b->type;

		if (ov__map_get(&src->syms, b->sym, strlen(b->sym)) == NULL &&
		    ov__map_put(&src->syms, b->sym, strlen(b->sym),
		    (void *)(uintptr_t)(i + 1)) < 0)
			return OV_ENOMEM;
		if ((l = ov__map_get(&src->types, type, strlen(type))) ==
		    NULL) {
			if ((l = ov__arena_calloc(src->a, 1, sizeof(*l))) ==
			    NULL || ov__map_put(&src->types, type,
			    strlen(type), l) < 0)
				return OV_ENOMEM;
			/* Sized once: count this type's declarations. */
			for (k = i; k < src->n_decls; k++)
				l->n += ov__streq_ci(src->decls[k].module ?
				    "module" : src->decls[k].type, type);
			if ((l->idx = ov__arena_calloc(src->a, l->n + 1,
			    sizeof(*l->idx))) == NULL)
				return OV_ENOMEM;
			l->n = 0;
		}
		l->idx[l->n++] = i;
	}
	src->indexed = true;
	return 0;
}

static const struct ov_iac_bicep *
claim(struct bicep_src *src, const char *key, struct ov_iac_bicep *b)
{
	if (ov__map_put(&src->claims, key, strlen(key), b) < 0)
		return NULL;
	b->claimed = key;
	return b;
}

/* The declaration a compiled resource came from; see iac_int.h. */
const struct ov_iac_bicep *
ov_iac__bicep_find(struct bicep_src *src, const void *key, const char *sym,
    const char *type, const char *api_version, bool module)
{
	struct ov_iac_bicep *b, *first = NULL;
	const struct type_list *l;
	const struct ov_iac_bicep *got;
	char k[32];
	uintptr_t i;
	size_t j;

	if (src == NULL || (!src->indexed && index_decls(src) < 0))
		return NULL;
	snprintf(k, sizeof(k), "%p", key);
	if ((got = ov__map_get(&src->claims, k, strlen(k))) != NULL)
		return got;
	if ((k[0] != '\0') && (key = ov__arena_strdup(src->a, k)) == NULL)
		return NULL;
	if (sym != NULL && (i = (uintptr_t)ov__map_get(&src->syms, sym,
	    strlen(sym))) != 0 && src->decls[i - 1].module == module)
		return claim(src, key, &src->decls[i - 1]);
	l = ov__map_get(&src->types, module ? "module" : type,
	    strlen(module ? "module" : type));
	for (j = 0; l != NULL && j < l->n; j++) {
		b = &src->decls[l->idx[j]];
		if (b->claimed != NULL || b->existing)
			continue;
		if (module || api_version == NULL || b->api == NULL ||
		    ov__streq_ci(b->api, api_version)) {
			first = b;
			break;
		}
		if (first == NULL)
			first = b;
	}
	return first != NULL ? claim(src, key, first) : NULL;
}

/* Release what mapping needed; the declarations stay for positions. */
void
ov_iac__bicep_close(struct bicep_src *src)
{
	if (src == NULL)
		return;
	ov__map_free(&src->claims);
	ov__map_free(&src->syms);
	ov__map_free(&src->types);
	src->indexed = false;
}

/* A module declaration's source path. */
const char *
ov_iac__bicep_module_path(const struct ov_iac_bicep *b)
{
	return b != NULL ? b->module_path : NULL;
}

/* Where a property path of a declaration is written, or the keyword. */
void
ov_iac__bicep_locate(const struct ov_iac_bicep *b, const char *path,
    const char **file, unsigned *line, unsigned *column)
{
	char want[BICEP_PATH_MAX];
	uint32_t off = b->offset;
	size_t i, n;
	char *cut;

	*file = b->src->path;
	snprintf(want, sizeof(want), "%s", path != NULL ? path : "");
	/* Evidence paths may carry "[*]" or a note: keep what is exact. */
	if ((cut = strstr(want, "[*]")) != NULL)
		*cut = '\0';
	if ((cut = strchr(want, ' ')) != NULL)
		*cut = '\0';
	while (want[0] != '\0') {
		for (i = 0; i < b->n_keys && strcmp(want, "properties") != 0;
		    i++)
			if (ov__streq_ci(b->keys[i].path, want)) {
				off = b->keys[i].offset;
				goto found;
			}
		/* Not written: try the enclosing property. */
		n = strlen(want);
		while (n > 0 && want[n - 1] != '.' && want[n - 1] != '[')
			n--;
		if (n > 0 && want[n - 1] == '[')
			n--;
		else if (n > 0)
			n--;
		want[n] = '\0';
	}
found:
	ov_iac__pos_in(b->src->lines, b->src->n_lines, off, line, column);
}
