/* SPDX-License-Identifier: MIT */
#include "util/file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Open an input file; see file.h. */
int
ov__file_open(struct ov_file *f, const char *path)
{
	struct stat st;
	int e;

	memset(f, 0, sizeof(*f));
	if ((f->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		e = errno;
		f->fd = -1;
		return -e;
	}
	if (fstat(f->fd, &st) != 0) {
		e = errno;
		ov__file_close(f);
		return -e;
	}
	if (S_ISDIR(st.st_mode)) {
		ov__file_close(f);
		return -EISDIR;
	}
	f->regular = S_ISREG(st.st_mode);
	f->size = f->regular && st.st_size > 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

/* Read at an offset; see file.h. */
int
ov__file_read(struct ov_file *f, uint64_t off, char *buf, size_t n,
    size_t *got)
{
	ssize_t k;

	*got = 0;
	while (*got < n) {
		if (f->regular)
			k = pread(f->fd, buf + *got, n - *got,
			    (off_t)(off + *got));
		else
			k = read(f->fd, buf + *got, n - *got);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (k == 0)
			break;
		*got += (size_t)k;
	}
	f->pos = off + *got;
	return 0;
}

/* Close an input file. */
void
ov__file_close(struct ov_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
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

/*
 * The entry names of dir, sorted; *names is a heap array of heap strings.
 * A directory that cannot be opened is OV_EIO, with the error on ctx
 * unless quiet (errno then says why).
 */
static int
read_names(ov_ctx *ctx, ov_error_class klass, const char *dir, bool quiet,
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
		return quiet ? OV_EIO : ov__error_at(ctx, OV_EIO, klass, dir,
		    0, 0, NULL, "cannot open directory: %s", strerror(errno));
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

/* A directory on the path from the top: its device and inode. */
struct walk_dir {
	dev_t			 dev;
	ino_t			 ino;
	const char		*path;
	const struct walk_dir	*up;	/* its parent, or NULL */
};

struct walk {
	ov_ctx		*ctx;
	ov_error_class	 klass;
	unsigned	 max_depth;
	unsigned	 flags;		/* OV_WALK_REPORT */
	ov_walk_fn	 cb;
	void		*payload;
};

static const char *
leaf(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/* Tell the callback about a problem (errno says which), or skip it. */
static int
report(const struct walk *w, const char *path, int kind, int e)
{
	if (!(w->flags & OV_WALK_REPORT))
		return 0;
	errno = e;
	return w->cb(path, leaf(path), kind, w->payload);
}

static int
walk(const struct walk *w, const char *dir, const struct walk_dir *here,
    unsigned depth)
{
	const struct walk_dir *a;
	struct walk_dir sub;
	char **names = NULL, *path = NULL;
	struct stat st;
	size_t n = 0, i, need;
	int error;

	if ((error = w->cb(dir, leaf(dir), OV_WALK_DIR, w->payload)) != 0)
		return error;
	if ((error = read_names(w->ctx, w->klass, dir,
	    (w->flags & OV_WALK_REPORT) != 0, &names, &n)) < 0) {
		if (error == OV_EIO && (w->flags & OV_WALK_REPORT))
			error = report(w, dir, OV_WALK_UNREADABLE, errno);
		goto done;
	}
	for (i = 0; i < n && error == 0; i++) {
		need = strlen(dir) + strlen(names[i]) + 2;
		ov__free(path);
		if ((path = ov__malloc(need)) == NULL) {
			error = ov__error_oom(w->ctx);
			break;
		}
		snprintf(path, need, "%s/%s", dir, names[i]);
		if (stat(path, &st) != 0) {
			error = report(w, path, OV_WALK_UNREADABLE, errno);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			for (a = here; a != NULL; a = a->up)
				if (a->dev == st.st_dev && a->ino == st.st_ino)
					break;
			if (a != NULL) {
				/* a link back up the tree: never followed */
				error = report(w, path, OV_WALK_LOOP, ELOOP);
				continue;
			}
			if (depth >= w->max_depth) {
				error = report(w, path, OV_WALK_DEEP, 0);
				continue;
			}
			sub.dev = st.st_dev;
			sub.ino = st.st_ino;
			sub.path = path;
			sub.up = here;
			error = walk(w, path, &sub, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			error = w->cb(path, names[i], OV_WALK_FILE, w->payload);
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
ov__walk_tree(ov_ctx *ctx, ov_error_class klass, const char *dir,
    unsigned max_depth, unsigned flags, ov_walk_fn cb, void *payload)
{
	struct walk w = { ctx, klass, max_depth, flags, cb, payload };
	struct walk_dir top;
	struct stat st;

	OV_ASSERT_ARG(dir != NULL && cb != NULL);
	if (stat(dir, &st) != 0) {
		if (flags & OV_WALK_REPORT)
			return report(&w, dir, OV_WALK_UNREADABLE, errno);
		return ov__error_at(ctx, OV_EIO, klass, dir, 0, 0, NULL,
		    "cannot open directory: %s", strerror(errno));
	}
	top.dev = st.st_dev;
	top.ino = st.st_ino;
	top.path = dir;
	top.up = NULL;
	return walk(&w, dir, &top, 0);
}

/* Walk a directory tree; see file.h. */
int
ov__walk_dir(ov_ctx *ctx, ov_error_class klass, const char *dir,
    unsigned max_depth, ov_walk_fn cb, void *payload)
{
	return ov__walk_tree(ctx, klass, dir, max_depth, 0, cb, payload);
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
