/* SPDX-License-Identifier: MIT */
/*
 * bench_detect: the floor for bench/detect.sh, parse-only speed: read an
 * NDJSON file in 1 MiB chunks and parse every line with overvisor's JSON
 * parser, as the detector's workers do, on one thread.  Prints events/s
 * and MB/s.
 *
 * usage: bench_detect FILE.ndjson
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "overvisor/json.h"

#define CHUNK (1u << 20)

/* Seconds on a monotonic clock. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	ov_json_parser *p = NULL;
	const ov_json *root;
	char *buf;
	size_t have = 0, cap = 4 * CHUNK, n, off;
	unsigned long long events = 0, bad = 0, bytes = 0;
	double t0, t1;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_detect FILE.ndjson\n");
		return 2;
	}
	if ((f = fopen(argv[1], "rb")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	if ((buf = malloc(cap)) == NULL ||	/* checksrc: allow */
	    ov_json_parser_new(&p, NULL, OV_JSON_PREFIX) != 0)
		return 1;
	t0 = now();
	for (;;) {
		char *nl;

		n = fread(buf + have, 1, cap - have, f);
		have += n;
		bytes += n;
		off = 0;
		while ((nl = memchr(buf + off, '\n', have - off)) != NULL) {
			size_t len = (size_t)(nl - (buf + off)), end;

			if (ov_json_parser_parse(p, buf + off, len, &root, &end,
			    NULL) == 0)
				events++;
			else
				bad++;
			off += len + 1;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
		if (n == 0)
			break;
	}
	t1 = now();
	printf("parse-only: %llu events (%llu bad), %.3f s, %.0f events/s, "
	    "%.0f MB/s (one thread)\n", events, bad, t1 - t0,
	    (double)events / (t1 - t0), (double)bytes / 1e6 / (t1 - t0));
	ov_json_parser_free(p);
	free(buf);	/* checksrc: allow */
	fclose(f);
	return 0;
}
