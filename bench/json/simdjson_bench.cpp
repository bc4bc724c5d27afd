// SPDX-License-Identifier: MIT
// simdjson reference for bench/json.sh and bench/scan.sh: stream NDJSON
// files line by line through one dom::parser (parse only, the tape is
// built and dropped), in the same 4 MiB chunks as bench_json, and print
// MB/s over all of them.
#include <simdjson.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

static const size_t CHUNK = 4u << 20;

int
main(int argc, char **argv)
{
	if (argc < 2) {
		std::fprintf(stderr, "usage: simdjson_bench FILE...\n");
		return 2;
	}
	simdjson::dom::parser parser;
	std::vector<char> buf(CHUNK + simdjson::SIMDJSON_PADDING);
	auto t0 = std::chrono::steady_clock::now();
	size_t total = 0, records = 0;
	for (int arg = 1; arg < argc; arg++) {
		FILE *f = std::fopen(argv[arg], "rb");
		if (f == nullptr)
			return 1;
		size_t have = 0;
		for (;;) {
			size_t n = std::fread(buf.data() + have, 1,
			    CHUNK - have, f);
			have += n;
			if (have == 0)
				break;
			char *s = buf.data(), *e = buf.data() + have, *nl;
			while (s < e && (nl = static_cast<char *>(
			    std::memchr(s, '\n', size_t(e - s)))) != nullptr) {
				if (nl > s) {
					auto r = parser.parse(s, size_t(nl - s),
					    false);
					if (r.error()) {
						std::fprintf(stderr,
						    "simdjson: %s\n",
						    simdjson::error_message(
						    r.error()));
						return 1;
					}
					records++;
				}
				s = nl + 1;
			}
			total += size_t(s - buf.data());
			if (n == 0)
				break;
			have = size_t(e - s);
			std::memmove(buf.data(), s, have);
		}
		std::fclose(f);
	}
	double secs = std::chrono::duration<double>(
	    std::chrono::steady_clock::now() - t0).count();
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	std::printf("simdjson: %zu bytes, %zu records, %.1f MB/s, cpu %.1f MB/s, "
	    "peak RSS %ld KB\n", total, records,
	    double(total) / (1024.0 * 1024.0) / secs,
	    double(total) / (1024.0 * 1024.0) / cpu, ru.ru_maxrss);
	return 0;
}
