#!/bin/sh
# SPDX-License-Identifier: MIT
#
# JSON parser benchmark: generate about MB megabytes (default 300) of
# ARM-like NDJSON with bench_json, then stream it through overvisor's parser
# (5 rounds, medians; peak RSS), cJSON (per-line parse + delete), jq
# (`jq -c .`, one run) and, when libsimdjson-dev is installed, simdjson's
# DOM parser (parse only).  Prints the machine, a table and the ratios.
#
# Usage, from the repository root after `make`:  sh bench/json.sh [MB]
# Environment: BUILD (default build), BENCH_DIR (scratch, default $TMPDIR).
set -eu

MB="${1:-300}"
BUILD="${BUILD:-build}"
SCRATCH="${BENCH_DIR:-${TMPDIR:-/tmp}}"
SRC="$(cd "$(dirname "$0")" && pwd)"
DRIVER="$BUILD/bench/bench_json"
DATA="$SCRATCH/overvisor-bench-json-${MB}MB.ndjson"
WORK="$(mktemp -d "$SCRATCH/overvisor-bench-json.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT INT TERM

if [ ! -x "$DRIVER" ]; then
	echo "bench/json.sh: $DRIVER not found; run make first (or set BUILD)" >&2
	exit 1
fi

. "$SRC/lib.sh"
machine

if [ ! -s "$DATA" ]; then
	echo "== generating $MB MB of ARM-like NDJSON into $DATA"
	"$DRIVER" gen "$DATA" "$MB"
fi
bytes=$(wc -c < "$DATA")
lines=$(wc -l < "$DATA")
echo "input: $DATA ($bytes bytes, $lines records)"

have_cj=0 have_sj=0
if [ -f /usr/include/cjson/cJSON.h ] && cc -O2 -o "$WORK/cjson_bench" \
    "$SRC/json/cjson_bench.c" -lcjson 2>"$WORK/cc.err"; then
	have_cj=1
fi
if command -v c++ >/dev/null 2>&1 && [ -f /usr/include/simdjson.h ] &&
    c++ -O2 -std=c++17 -o "$WORK/simdjson_bench" \
    "$SRC/json/simdjson_bench.cpp" -lsimdjson 2>"$WORK/cxx.err"; then
	have_sj=1
fi

# Five rounds, the parsers taking turns within each round, so that a
# burst of load on a shared machine hits them alike; medians are reported.
echo "== overvisor: ov_json_parser_parse per line, arena reset per record"
if [ $have_cj = 1 ]; then
	echo "== cJSON $(dpkg-query -W -f='${Version}' libcjson-dev 2>/dev/null || true): cJSON_ParseWithLength + cJSON_Delete per line"
else
	echo "== cJSON: skipped (libcjson-dev not installed)"
fi
if [ $have_sj = 1 ]; then
	echo "== simdjson $(dpkg-query -W -f='${Version}' libsimdjson-dev 2>/dev/null || true): dom::parser per line, parse only"
else
	echo "== simdjson: skipped (libsimdjson-dev or a C++ compiler is not installed)"
fi
: > "$WORK/ov.txt"
: > "$WORK/cj.txt"
: > "$WORK/sj.txt"
for round in 1 2 3 4 5; do
	"$DRIVER" parse "$DATA" 1 | grep '^overvisor' | tee -a "$WORK/ov.txt"
	if [ $have_cj = 1 ]; then
		"$WORK/cjson_bench" "$DATA" | tee -a "$WORK/cj.txt"
	fi
	if [ $have_sj = 1 ]; then
		"$WORK/simdjson_bench" "$DATA" | tee -a "$WORK/sj.txt"
	fi
done
ov_mbs=$(sed -n 's/.*median \([0-9.]*\) MB\/s.*/\1/p' "$WORK/ov.txt" | median)
ov_cpu=$(sed -n 's/.*cpu \([0-9.]*\) MB\/s.*/\1/p' "$WORK/ov.txt" | median)
ov_rss=$(sed -n 's/.*peak RSS \([0-9]*\) KB.*/\1/p' "$WORK/ov.txt" | median)
cj_mbs=$(sed -n 's/.*records, \([0-9.]*\) MB\/s.*/\1/p' "$WORK/cj.txt" | median)
cj_cpu=$(sed -n 's/.*cpu \([0-9.]*\) MB\/s.*/\1/p' "$WORK/cj.txt" | median)
cj_rss=$(sed -n 's/.*peak RSS \([0-9]*\) KB.*/\1/p' "$WORK/cj.txt" | median)
sj_mbs=$(sed -n 's/.*records, \([0-9.]*\) MB\/s.*/\1/p' "$WORK/sj.txt" | median)
sj_cpu=$(sed -n 's/.*cpu \([0-9.]*\) MB\/s.*/\1/p' "$WORK/sj.txt" | median)
sj_rss=$(sed -n 's/.*peak RSS \([0-9]*\) KB.*/\1/p' "$WORK/sj.txt" | median)

jq_mbs="" jq_rss="" jq_cpu=""
if command -v jq >/dev/null 2>&1; then
	echo "== jq $(jq --version 2>/dev/null) (jq -c . > /dev/null, 1 run)"
	t0=$(date +%s.%N)
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%U %S %M' -o "$WORK/jq.rss" jq -c . "$DATA" >/dev/null
		jq_rss=$(tail -n 1 "$WORK/jq.rss" | awk '{ print $3 }')
		jq_cpu=$(tail -n 1 "$WORK/jq.rss" | awk -v b="$bytes" \
		    '{ if ($1 + $2 > 0) printf "%.1f", b / 1048576 / ($1 + $2) }')
	else
		jq -c . "$DATA" >/dev/null
	fi
	t1=$(date +%s.%N)
	jq_mbs=$(awk -v b="$bytes" -v t0="$t0" -v t1="$t1" \
	    'BEGIN { printf "%.1f", b / 1048576 / (t1 - t0) }')
	echo "jq: $jq_mbs MB/s"
else
	echo "== jq: skipped (not installed)"
fi

echo
echo "== results ($((bytes / 1048576)) MB NDJSON, MB = 2^20 bytes; medians)"
echo "wall: MB/s of elapsed time; cpu: MB per CPU second (steadier on a busy machine)"
printf '%-10s %10s %10s %12s %14s %14s\n' parser "wall MB/s" "cpu MB/s" "peak RSS KB" \
    "ours/it wall" "ours/it cpu"
row() {
	if [ "$1" = overvisor ]; then
		rw="-" rc="-"
	else
		rw=$(ratio "$ov_mbs" "$2")
		rc=$(ratio "$ov_cpu" "$3")
	fi
	printf '%-10s %10s %10s %12s %14s %14s\n' "$1" "${2:-skipped}" "${3:--}" \
	    "${4:--}" "$rw" "$rc"
}
row overvisor "$ov_mbs" "$ov_cpu" "$ov_rss"
row cJSON "$cj_mbs" "$cj_cpu" "$cj_rss"
row simdjson "$sj_mbs" "$sj_cpu" "$sj_rss"
row jq "$jq_mbs" "$jq_cpu" "$jq_rss"
echo "targets: overvisor >= 3x cJSON and >= 0.5x simdjson"
