/* SPDX-License-Identifier: MIT */
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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
