/* SPDX-License-Identifier: MIT */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* The corpus, or NULL (with a message) when it is not there. */
const char *
ov_test_corpus(void)
{
	const char *c = getenv("OVERVISOR_CORPUS");
	struct stat st;

	if (c == NULL || *c == '\0')
		c = "../shared/corpus";
	if (stat(c, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "SKIP: corpus not found at %s "
		    "(set OVERVISOR_CORPUS)\n", c);
		return NULL;
	}
	return c;
}

/* The source tree. */
const char *
ov_test_srcdir(void)
{
	const char *s = getenv("OV_SOURCE_DIR");

	return s != NULL ? s : ".";
}

/* Read a file into memory. */
char *
ov_test_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	if ((data = malloc((size_t)n + 1)) == NULL) {	/* checksrc: allow */
		fclose(f);
		return NULL;
	}
	if (fread(data, 1, (size_t)n, f) != (size_t)n) {
		free(data);	/* checksrc: allow */
		fclose(f);
		return NULL;
	}
	fclose(f);
	data[n] = '\0';
	if (len != NULL)
		*len = (size_t)n;
	return data;
}

/* a/b in a static buffer. */
const char *
ov_test_path(const char *a, const char *b)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", a, b);
	return buf;
}
