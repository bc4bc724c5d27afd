/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the data-driven parts of overvisor: the rule pack, the
 * responsibility matrix and the framework catalogues.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/raci/raci_util.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

/* Read a whole file into a NUL-terminated heap buffer (see header). */
int
ov_raci__read_file(ov_ctx *ctx, const char *path, char **data, size_t *len)
{
	return ov__read_file(ctx, OV_ERRCLASS_INPUT, path, OV_RACI_MAX_FILE,
	    data, len);
}

struct pathlist {
	struct ov_arena	*a;		/* where paths live */
	char		**items;	/* heap array */
	size_t		 n;		/* used */
	size_t		 cap;		/* allocated */
};

static int
push_path(ov_ctx *ctx, struct pathlist *pl, const char *path)
{
	char *copy;

	if (pl->n == pl->cap) {
		size_t ncap = pl->cap == 0 ? 64 : pl->cap * 2;
		char **ni = ov__reallocarray(pl->items, ncap, sizeof(*ni));

		if (ni == NULL)
			return ov__error_oom(ctx);
		pl->items = ni;
		pl->cap = ncap;
	}
	if ((copy = ov__arena_strdup(pl->a, path)) == NULL)
		return ov__error_oom(ctx);
	pl->items[pl->n++] = copy;
	return 0;
}

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static int
walk(ov_ctx *ctx, struct pathlist *pl, const char *dir, const char *suffix,
    unsigned depth)
{
	DIR *d;
	struct dirent *e;
	struct stat st;
	char *path = NULL;
	int error = 0;

	if (depth > 16)
		return 0;
	if ((d = opendir(dir)) == NULL)
		return ov__error(ctx, OV_EIO, OV_ERRCLASS_OS,
		    "cannot open directory '%s': %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		size_t need;

		if (e->d_name[0] == '.')
			continue;
		need = strlen(dir) + strlen(e->d_name) + 2;
		ov__free(path);
		if ((path = ov__malloc(need)) == NULL) {
			error = ov__error_oom(ctx);
			goto done;
		}
		snprintf(path, need, "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if ((error = walk(ctx, pl, path, suffix,
			    depth + 1)) < 0)
				goto done;
		} else if (S_ISREG(st.st_mode) && has_suffix(e->d_name,
		    suffix)) {
			if ((error = push_path(ctx, pl, path)) < 0)
				goto done;
		}
	}
done:
	ov__free(path);
	closedir(d);
	return error;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char * const *)a, *(const char * const *)b);
}

/* List files ending in suffix under dir, recursively and sorted. */
int
ov_raci__list_files(ov_ctx *ctx, struct ov_arena *a, const char *dir,
    const char *suffix, char ***paths, size_t *n)
{
	struct pathlist pl = { a, NULL, 0, 0 };
	char **out;
	int error;

	*paths = NULL;
	*n = 0;
	if ((error = walk(ctx, &pl, dir, suffix, 0)) < 0)
		goto done;
	if (pl.n > 0)
		qsort(pl.items, pl.n, sizeof(*pl.items), cmp_str);
	if ((out = ov__arena_calloc(a, pl.n + 1, sizeof(*out))) == NULL) {
		error = ov__error_oom(ctx);
		goto done;
	}
	if (pl.n > 0)
		memcpy(out, pl.items, pl.n * sizeof(*out));
	*paths = out;
	*n = pl.n;
done:
	ov__free(pl.items);
	return error;
}

/* Write s as a JSON string literal, or null. */
void
ov_raci__json_str(FILE *f, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Write s with the HTML special characters escaped. */
void
ov_raci__html(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* Write s so that it stays inside one Markdown table cell. */
void
ov_raci__md_cell(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}
