/* SPDX-License-Identifier: MIT */
/*
 * cJSON reference for bench/json.sh: stream an NDJSON file line by line,
 * cJSON_ParseWithLength + cJSON_Delete per line, in the same 4 MiB chunks
 * as bench_json; print MB/s and peak RSS.  Built by the script at run time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <cjson/cJSON.h>

#define CHUNK	(4u << 20)

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	size_t have = 0, n;
	unsigned long long total = 0, records = 0;
	char *buf;
	double secs;
	FILE *f;

	if (argc < 2) {
		fprintf(stderr, "usage: cjson_bench FILE\n");
		return 2;
	}
	if ((buf = malloc(CHUNK)) == NULL || (f = fopen(argv[1], "rb")) ==
	    NULL)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		char *s, *e, *nl;

		n = fread(buf + have, 1, CHUNK - have, f);
		have += n;
		if (have == 0)
			break;
		s = buf;
		e = buf + have;
		while (s < e && (nl = memchr(s, '\n', (size_t)(e - s))) !=
		    NULL) {
			if (nl > s) {
				cJSON *j = cJSON_ParseWithLength(s,
				    (size_t)(nl - s));

				if (j == NULL) {
					fprintf(stderr, "cjson: parse error\n");
					return 1;
				}
				cJSON_Delete(j);
				records++;
			}
			s = nl + 1;
		}
		total += (unsigned long long)(s - buf);
		if (n == 0)
			break;
		have = (size_t)(e - s);
		memmove(buf, s, have);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fclose(f);
	free(buf);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	getrusage(RUSAGE_SELF, &ru);
	printf("cjson: %llu bytes, %llu records, %.1f MB/s, cpu %.1f MB/s, "
	    "peak RSS %ld KB\n", total, records,
	    (double)total / (1024.0 * 1024.0) / secs,
	    (double)total / (1024.0 * 1024.0) /
	    ((double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6),
	    ru.ru_maxrss);
	return 0;
}
