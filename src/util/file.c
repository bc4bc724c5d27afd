/* SPDX-License-Identifier: MIT */
#include "util/file.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

/* Read a whole file; see file.h. */
int
ov__read_file(ov_ctx *ctx, ov_error_class klass, const char *path,
    size_t max, char **out, size_t *len)
{
	struct ov_buf b = OV_BUF_INIT(max);
	char chunk[65536];
	size_t n;
	FILE *f;
	int error = 0;

	OV_ASSERT_ARG(path != NULL && out != NULL && len != NULL);
	*out = NULL;
	*len = 0;
	if ((f = fopen(path, "rb")) == NULL)
		return ov__error_at(ctx, OV_EIO, klass, path, 0, 0, NULL,
		    "cannot open: %s", strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (ov__buf_add(&b, chunk, n) < 0) {
			error = b.len + n > b.max ? ov__error_at(ctx,
			    OV_ELIMIT, klass, path, 0, 0, NULL,
			    "file larger than %zu bytes", max) :
			    ov__error_oom(ctx);
			goto done;
		}
	if (ferror(f)) {
		error = ov__error_at(ctx, OV_EIO, klass, path, 0, 0, NULL,
		    "read error");
		goto done;
	}
	*len = b.len;
	if ((*out = ov__buf_detach(&b)) == NULL)
		error = ov__error_oom(ctx);
done:
	fclose(f);
	ov__buf_free(&b);
	return error;
}

/* The data directory. */
const char *
ov__data_dir(const char *dir)
{
	return dir != NULL ? dir : OV_SOURCE_DIR;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entry names of dir, sorted; *names is a heap array of heap strings. */
static int
read_names(ov_ctx *ctx, ov_error_class klass, const char *dir,
    char ***names, size_t *n)
{
	struct dirent *de;
	char **v = NULL, **grown;
	size_t cap = 0, k = 0;
	DIR *d;
	int error = 0;

	*names = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return ov__error_at(ctx, OV_EIO, klass, dir, 0, 0, NULL,
		    "cannot open directory: %s", strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (k == cap) {
			cap = cap != 0 ? cap * 2 : 64;
			if ((grown = ov__reallocarray(v, cap,
			    sizeof(*grown))) == NULL) {
				error = ov__error_oom(ctx);
				break;
			}
			v = grown;
		}
		if ((v[k] = ov__strdup(de->d_name)) == NULL) {
			error = ov__error_oom(ctx);
			break;
		}
		k++;
	}
	closedir(d);
	if (k > 1)
		qsort(v, k, sizeof(*v), cmp_names);
	*names = v;
	*n = k;
	return error;
}

static int
walk(ov_ctx *ctx, ov_error_class klass, const char *dir, unsigned depth,
    unsigned max_depth, ov_walk_fn cb, void *payload)
{
	char **names = NULL, *path = NULL;
	struct stat st;
	size_t n = 0, i, need;
	int error;

	if ((error = cb(dir, strrchr(dir, '/') != NULL ?
	    strrchr(dir, '/') + 1 : dir, OV_WALK_DIR, payload)) != 0)
		return error;
	if ((error = read_names(ctx, klass, dir, &names, &n)) < 0)
		goto done;
	for (i = 0; i < n && error == 0; i++) {
		need = strlen(dir) + strlen(names[i]) + 2;
		ov__free(path);
		if ((path = ov__malloc(need)) == NULL) {
			error = ov__error_oom(ctx);
			break;
		}
		snprintf(path, need, "%s/%s", dir, names[i]);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth < max_depth)
				error = walk(ctx, klass, path, depth + 1,
				    max_depth, cb, payload);
		} else if (S_ISREG(st.st_mode)) {
			error = cb(path, names[i], OV_WALK_FILE, payload);
		}
	}
done:
	ov__free(path);
	for (i = 0; i < n; i++)
		ov__free(names[i]);
	ov__free(names);
	return error;
}

/* Walk a directory tree; see file.h. */
int
ov__walk_dir(ov_ctx *ctx, ov_error_class klass, const char *dir,
    unsigned max_depth, ov_walk_fn cb, void *payload)
{
	OV_ASSERT_ARG(dir != NULL && cb != NULL);
	return walk(ctx, klass, dir, 0, max_depth, cb, payload);
}

struct listing {
	ov_ctx		*ctx;		/* for errors */
	struct ov_arena	*a;		/* where the paths go */
	const char	*suffix;	/* wanted name ending */
	char		**items;	/* heap array */
	size_t		 n;		/* used */
	size_t		 cap;		/* allocated */
};

static int
list_cb(const char *path, const char *name, int kind, void *payload)
{
	struct listing *l = payload;
	size_t ln = strlen(name), lx = strlen(l->suffix);
	char **grown;

	if (kind != OV_WALK_FILE || ln < lx ||
	    strcmp(name + ln - lx, l->suffix) != 0)
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap != 0 ? l->cap * 2 : 64;
		if ((grown = ov__reallocarray(l->items, l->cap,
		    sizeof(*grown))) == NULL)
			return ov__error_oom(l->ctx);
		l->items = grown;
	}
	if ((l->items[l->n] = ov__arena_strdup(l->a, path)) == NULL)
		return ov__error_oom(l->ctx);
	l->n++;
	return 0;
}

/* List files by suffix; see file.h. */
int
ov__list_files(ov_ctx *ctx, struct ov_arena *a, const char *dir,
    const char *suffix, char ***paths, size_t *n)
{
	struct listing l = { ctx, a, suffix, NULL, 0, 0 };
	char **out;
	int error;

	*paths = NULL;
	*n = 0;
	if ((error = ov__walk_dir(ctx, OV_ERRCLASS_INPUT, dir, 16, list_cb,
	    &l)) < 0)
		goto done;
	if ((out = ov__arena_calloc(a, l.n + 1, sizeof(*out))) == NULL) {
		error = ov__error_oom(ctx);
		goto done;
	}
	if (l.n > 0)
		memcpy(out, l.items, l.n * sizeof(*out));
	*paths = out;
	*n = l.n;
done:
	ov__free(l.items);
	return error;
}
