/* SPDX-License-Identifier: MIT */
#include "util/file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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
