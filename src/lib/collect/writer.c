/* SPDX-License-Identifier: MIT */
/*
 * The snapshot directory.  Records are streamed to NDJSON files in a
 * directory named "<out>.partial-<pid>" beside the destination; the
 * manifest is written last and the directory renamed into place only then,
 * so a killed run never leaves a directory that looks like a finished
 * snapshot.  A previous snapshot at the destination (a directory holding
 * manifest.json) is replaced; anything else there is refused.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "lib/collect/collect_int.h"
#include "util/alloc.h"
#include "util/error.h"

#define PARTIAL ".partial-"

static char *
join(const char *dir, const char *name)
{
	struct ov_buf b = OV_BUF_INIT(1 << 16);

	if (ov__buf_printf(&b, "%s/%s", dir, name) < 0) {
		ov__buf_free(&b);
		return NULL;
	}
	return ov__buf_detach(&b);
}

/*
 * Remove a directory overvisor wrote: its regular files, then itself.
 * Returns -1 (errno set) when something else is in it.
 */
static int
remove_dir(const char *dir)
{
	struct dirent *de;
	char *p;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((p = join(dir, de->d_name)) == NULL) {
			rc = -1;
			continue;
		}
		if (unlink(p) < 0)
			rc = -1;
		ov__free(p);
	}
	closedir(d);
	if (rmdir(dir) < 0)
		rc = -1;
	return rc;
}

/* True when path is a directory holding manifest.json. */
static bool
is_snapshot(const char *path)
{
	struct stat st;
	char *m = join(path, "manifest.json");
	bool yes = m != NULL && stat(m, &st) == 0 && S_ISREG(st.st_mode);

	ov__free(m);
	return yes;
}

static bool
is_empty_dir(const char *path)
{
	struct dirent *de;
	DIR *d;
	bool empty = true;

	if ((d = opendir(path)) == NULL)
		return false;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			empty = false;
	closedir(d);
	return empty;
}

/* Remove "<out>.partial-<pid>" directories whose process is gone. */
static void
remove_stale(const char *out)
{
	const char *slash = strrchr(out, '/'), *base;
	struct dirent *de;
	char *parent, *p, *end;
	size_t blen;
	long pid;
	DIR *d;

	parent = slash != NULL ? ov__strndup(out, slash == out ? 1 :
	    (size_t)(slash - out)) : ov__strdup(".");
	base = slash != NULL ? slash + 1 : out;
	blen = strlen(base);
	if (parent == NULL || (d = opendir(parent)) == NULL) {
		ov__free(parent);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, base, blen) != 0 ||
		    strncmp(de->d_name + blen, PARTIAL, strlen(PARTIAL)) != 0)
			continue;
		pid = strtol(de->d_name + blen + strlen(PARTIAL), &end, 10);
		if (*end != '\0' || pid <= 0 || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if ((p = join(parent, de->d_name)) != NULL)
			(void)remove_dir(p);
		ov__free(p);
	}
	closedir(d);
	ov__free(parent);
}

int
ov_writer__open(struct ov_writer *w, ov_ctx *ctx, const char *out)
{
	struct ov_buf b = OV_BUF_INIT(1 << 16);
	struct stat st;
	size_t n;

	memset(w, 0, sizeof(*w));
	w->ctx = ctx;
	n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		n--;
	if ((w->out = ov__strndup(out, n)) == NULL)
		return ov__error_oom(ctx);
	if (stat(w->out, &st) == 0 && (!S_ISDIR(st.st_mode) ||
	    (!is_snapshot(w->out) && !is_empty_dir(w->out))))
		return ov__error_at(ctx, OV_EINVALID, OV_ERRCLASS_COLLECT,
		    w->out, 0, 0, NULL, "exists and is not a snapshot "
		    "directory; refusing to overwrite it");
	remove_stale(w->out);
	if (ov__buf_printf(&b, "%s" PARTIAL "%ld", w->out, (long)getpid()) < 0) {
		ov__buf_free(&b);
		return ov__error_oom(ctx);
	}
	w->tmp = ov__buf_detach(&b);
	(void)remove_dir(w->tmp);
	if (mkdir(w->tmp, 0755) < 0)
		return ov__error_at(ctx, OV_EIO, OV_ERRCLASS_COLLECT, w->tmp, 0,
		    0, NULL, "cannot create the snapshot directory: %s",
		    strerror(errno));
	return 0;
}

int
ov_writer__part(struct ov_writer *w, const char *name, struct ov_part *p)
{
	memset(p, 0, sizeof(*p));
	if ((p->path = join(w->tmp, name)) == NULL)
		return ov__error_oom(w->ctx);
	if ((p->f = fopen(p->path, "w")) == NULL)
		return ov__error_at(w->ctx, OV_EIO, OV_ERRCLASS_COLLECT,
		    p->path, 0, 0, NULL, "cannot create: %s", strerror(errno));
	/* Large buffers: records are written many at a time. */
	(void)setvbuf(p->f, NULL, _IOFBF, 1 << 16);
	return 0;
}

static int
sink(const char *data, size_t len, void *payload)
{
	FILE *f = payload;

	return fwrite(data, 1, len, f) == len ? 0 : OV_EIO;
}

int
ov_writer__record(struct ov_part *p, const ov_json *obj, const char *skip)
{
	struct ov_page page;

	memset(&page, 0, sizeof(page));
	page.object = obj;
	page.n_rows = 1;
	return ov_writer__row(p, &page, 0, skip);
}

int
ov_writer__row(struct ov_part *p, const struct ov_page *page, size_t i,
    const char *skip)
{
	int error;

	if (p->f == NULL)
		return p->error != 0 ? p->error : OV_EIO;
	if ((error = ov_collect__write_row(page, i, skip, sink, p->f)) < 0 ||
	    fputc('\n', p->f) == EOF) {
		if (p->error == 0)
			p->error = error < 0 ? error : OV_EIO;
		return p->error;
	}
	p->n++;
	return 0;
}

int
ov_writer__close_part(struct ov_writer *w, struct ov_part *p)
{
	int error = p->error;

	if (p->f != NULL && (fclose(p->f) != 0 && error == 0))
		error = OV_EIO;
	p->f = NULL;
	if (error < 0)
		return ov__error_at(w->ctx, OV_EIO, OV_ERRCLASS_COLLECT,
		    p->path, 0, 0, NULL, "cannot write: %s", strerror(errno));
	return 0;
}

/* Join parts into name; see collect_int.h. */
int
ov_writer__join(struct ov_writer *w, struct ov_part *parts, size_t n,
    const char *name)
{
	char buf[1 << 16], *dest;
	size_t i, k;
	FILE *out = NULL, *in;
	int error = 0;

	if ((dest = join(w->tmp, name)) == NULL)
		return ov__error_oom(w->ctx);
	for (i = 0; i < n; i++)
		if ((error = ov_writer__close_part(w, &parts[i])) < 0)
			goto done;
	if (n == 1) {
		if (strcmp(parts[0].path, dest) != 0 &&
		    rename(parts[0].path, dest) < 0)
			error = ov__error_at(w->ctx, OV_EIO, OV_ERRCLASS_COLLECT,
			    dest, 0, 0, NULL, "cannot rename: %s",
			    strerror(errno));
		goto done;
	}
	if ((out = fopen(dest, "w")) == NULL) {
		error = ov__error_at(w->ctx, OV_EIO, OV_ERRCLASS_COLLECT, dest,
		    0, 0, NULL, "cannot create: %s", strerror(errno));
		goto done;
	}
	for (i = 0; i < n && error == 0; i++) {
		if ((in = fopen(parts[i].path, "r")) == NULL) {
			error = OV_EIO;
			break;
		}
		while ((k = fread(buf, 1, sizeof(buf), in)) > 0)
			if (fwrite(buf, 1, k, out) != k) {
				error = OV_EIO;
				break;
			}
		if (ferror(in))
			error = OV_EIO;
		fclose(in);
		(void)unlink(parts[i].path);
	}
	if (fclose(out) != 0 && error == 0)
		error = OV_EIO;
	if (error < 0)
		error = ov__error_at(w->ctx, OV_EIO, OV_ERRCLASS_COLLECT, dest,
		    0, 0, NULL, "cannot write: %s", strerror(errno));
done:
	ov__free(dest);
	return error;
}

/* Write the manifest and rename into place; see collect_int.h. */
int
ov_writer__commit(struct ov_writer *w, const char *manifest, size_t len)
{
	struct ov_buf b = OV_BUF_INIT(1 << 16);
	char *path;
	FILE *f;
	int error = 0;

	if ((path = join(w->tmp, "manifest.json")) == NULL)
		return ov__error_oom(w->ctx);
	if ((f = fopen(path, "w")) == NULL || fwrite(manifest, 1, len, f) !=
	    len || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		error = ov__error_at(w->ctx, OV_EIO, OV_ERRCLASS_COLLECT, path,
		    0, 0, NULL, "cannot write: %s", strerror(errno));
		if (f != NULL)
			fclose(f);
		goto done;
	}
	if (fclose(f) != 0) {
		error = ov__error_at(w->ctx, OV_EIO, OV_ERRCLASS_COLLECT, path,
		    0, 0, NULL, "cannot write: %s", strerror(errno));
		goto done;
	}
	if (is_snapshot(w->out)) {
		if (ov__buf_printf(&b, "%s.old-%ld", w->out, (long)getpid()) < 0) {
			error = ov__error_oom(w->ctx);
			goto done;
		}
		w->old = ov__buf_detach(&b);
		if (rename(w->out, w->old) < 0) {
			error = ov__error_at(w->ctx, OV_EIO, OV_ERRCLASS_COLLECT,
			    w->out, 0, 0, NULL, "cannot move the previous "
			    "snapshot aside: %s", strerror(errno));
			goto done;
		}
	} else {
		(void)rmdir(w->out);	/* an empty directory */
	}
	if (rename(w->tmp, w->out) < 0) {
		error = ov__error_at(w->ctx, OV_EIO, OV_ERRCLASS_COLLECT, w->out,
		    0, 0, NULL, "cannot rename the snapshot into place: %s",
		    strerror(errno));
		if (w->old != NULL)
			(void)rename(w->old, w->out);
		goto done;
	}
	ov__free(w->tmp);
	w->tmp = NULL;
	if (w->old != NULL)
		(void)remove_dir(w->old);	/* leaves what is not ours */
done:
	ov__free(path);
	ov__buf_free(&b);
	return error;
}

void
ov_writer__abort(struct ov_writer *w)
{
	if (w->tmp != NULL)
		(void)remove_dir(w->tmp);
	ov__free(w->tmp);
	w->tmp = NULL;
}

void
ov_writer__free(struct ov_writer *w)
{
	if (w == NULL)
		return;
	ov__free(w->out);
	ov__free(w->tmp);
	ov__free(w->old);
	memset(w, 0, sizeof(*w));
}
