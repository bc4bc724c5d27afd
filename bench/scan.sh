#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Scan benchmark: generated estates (tools/gen_estate) of 100k, 300k, 1M
# and 3M records; for each, `overvisor scan DIR --format json` (the rule
# pack and every analyzer), RUNS runs: wall time, CPU time, peak RSS,
# records/s and MB/s, medians.  In the same run, the physical limit:
# simdjson's parse-only throughput over the same NDJSON files
# (bench/json/simdjson_bench.cpp, RUNS runs, median), and overvisor's own
# load alone (`overvisor inspect DIR`: every record parsed, kept whole and
# indexed, no rules).  Prints the ratios:
# the scan's MB/s over simdjson's, and each size's wall and CPU time over
# the first size's (linear growth gives the ratio of the record counts).
#
# Targets on 2 cores: 1M records in <= 20 s (>= 0.03x simdjson), time
# 1M/100k <= 11, peak RSS <= 1 GB at 1M records and <= 1.5 GB at 3M.
#
# Usage, from the repository root after `make`:  sh bench/scan.sh
# Environment: BUILD (default build), SCALES (gen_estate --scale values,
# default "100000 300000 1000000 3000000"), RUNS (default 3), LARGE_RUNS
# (runs at scales of 1,000,000 and more, default RUNS), BENCH_DIR
# (where the estates are generated and kept for the next run, default
# $TMPDIR; 3M records take 2.2 GB).
set -eu

BUILD="${BUILD:-build}"
SCALES="${SCALES:-100000 300000 1000000 3000000}"
RUNS="${RUNS:-3}"
LARGE_RUNS="${LARGE_RUNS:-$RUNS}"
SCRATCH="${BENCH_DIR:-${TMPDIR:-/tmp}}"
SRC="$(cd "$(dirname "$0")" && pwd)"
OV="$BUILD/overvisor"
GEN="$BUILD/gen_estate"
WORK="$(mktemp -d "$SCRATCH/overvisor-bench-scan.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT INT TERM

for x in "$OV" "$GEN"; do
	if [ ! -x "$x" ]; then
		echo "bench/scan.sh: $x not found; run make first (or set BUILD)" >&2
		exit 1
	fi
done
command -v /usr/bin/time >/dev/null || { echo "/usr/bin/time is needed"; exit 77; }

. "$SRC/lib.sh"
machine
echo "load: $(cat /proc/loadavg 2>/dev/null || uptime)"
echo "note: the machine may be shared; CPU seconds are shown beside wall time"

have_sj=0
if command -v c++ >/dev/null 2>&1 && [ -f /usr/include/simdjson.h ] &&
    c++ -O2 -std=c++17 -o "$WORK/simdjson_bench" \
    "$SRC/json/simdjson_bench.cpp" -lsimdjson 2>"$WORK/cxx.err"; then
	have_sj=1
	echo "baseline: simdjson $(dpkg-query -W -f='${Version}' libsimdjson-dev 2>/dev/null || true), dom::parser per line, parse only, one thread"
else
	echo "baseline: simdjson skipped (run scripts/deps.sh bench: libsimdjson-dev and a C++ compiler)"
fi

# scan DIR: one scan; prints "wall cpu rss_kb".
scan() {
	/usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$OV" scan "$1" \
	    --format json --fail-on none --output "$WORK/report.json" \
	    2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
	awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$WORK/time"
}

# load DIR: `overvisor inspect`, the load alone; prints "wall rss_kb".
load() {
	/usr/bin/time -f "%e %M" -o "$WORK/time" "$OV" inspect "$1" \
	    >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
	cat "$WORK/time"
}

: > "$WORK/table"
for n in $SCALES; do
	dir="$SCRATCH/overvisor-bench-estate-$n"
	if [ ! -s "$dir/manifest.json" ]; then
		echo "== generating an estate at scale $n into $dir"
		rm -rf "$dir"
		"$GEN" --out "$dir" --scale "$n" >/dev/null
	fi
	bytes=$(cat "$dir"/*.ndjson | wc -c)
	recs=$(cat "$dir"/*.ndjson | wc -l)
	mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
	echo "== $recs records, $mb MB NDJSON ($dir)"
	: > "$WORK/ov"
	: > "$WORK/sj"
	: > "$WORK/in"
	# the scan and simdjson take turns, so a burst of load hits both
	runs=$RUNS
	[ "$n" -lt 1000000 ] || runs=$LARGE_RUNS
	for r in $(seq 1 "$runs"); do
		set -- $(scan "$dir")
		echo "scan run $r: $1 s wall, $2 s CPU, peak RSS $(($3 / 1024)) MB; load $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')"
		echo "$1 $2 $3" >> "$WORK/ov"
		set -- $(load "$dir")
		echo "inspect run $r: $1 s wall, peak RSS $(($2 / 1024)) MB"
		echo "$1 $2" >> "$WORK/in"
		if [ $have_sj = 1 ]; then
			"$WORK/simdjson_bench" "$dir"/*.ndjson | tee -a "$WORK/sj"
		fi
	done
	wall=$(cut -d' ' -f1 "$WORK/ov" | median)
	cpu=$(cut -d' ' -f2 "$WORK/ov" | median)
	rss=$(cut -d' ' -f3 "$WORK/ov" | median)
	inw=$(cut -d' ' -f1 "$WORK/in" | median)
	inr=$(cut -d' ' -f2 "$WORK/in" | median)
	sj=""
	if [ $have_sj = 1 ]; then
		sj=$(sed -n 's/.*records, \([0-9.]*\) MB\/s.*/\1/p' "$WORK/sj" | median)
	fi
	echo "$recs $mb $wall $cpu $rss ${sj:--} $inw $inr" >> "$WORK/table"
done

echo
echo "== results (medians of $RUNS runs, $LARGE_RUNS from 1M up; MB = 2^20 bytes of NDJSON input)"
printf '%9s %7s %8s %8s %9s %10s %8s %11s %9s %9s %9s %10s %10s\n' records \
    MB "wall s" "cpu s" "RSS MB" "records/s" "MB/s" "simdjson" "vs simd" \
    "wall/1st" "cpu/1st" "inspect s" "insp. MB"
first_wall="" first_cpu="" first_recs=""
while read -r recs mb wall cpu rss sj inw inr; do
	[ -n "$first_wall" ] || { first_wall=$wall; first_cpu=$cpu; first_recs=$recs; }
	rps=$(awk -v n="$recs" -v t="$wall" 'BEGIN { printf "%.0f", n / t }')
	mbs=$(awk -v m="$mb" -v t="$wall" 'BEGIN { printf "%.1f", m / t }')
	vs="-"
	[ "$sj" = "-" ] || vs=$(ratio "$mbs" "$sj")
	printf '%9s %7s %8s %8s %9s %10s %8s %11s %9s %9s %9s %10s %10s\n' \
	    "$recs" "$mb" "$wall" "$cpu" "$((rss / 1024))" "$rps" "$mbs" "$sj" \
	    "$vs" "$(ratio "$wall" "$first_wall")" \
	    "$(ratio "$cpu" "$first_cpu")" "$inw" "$((inr / 1024))"
done < "$WORK/table"
echo "record ratios to the first size: $(awk -v f="$first_recs" \
    '{ printf "%s%.2fx", (NR > 1 ? ", " : ""), $1 / f }' "$WORK/table")"
echo "simdjson: parse-only MB/s over the same files, one thread; inspect:" \
    "overvisor's load alone (every record kept whole, no rules), wall s and" \
    "peak RSS MB"
echo "targets (2 cores): 1M records <= 20 s wall and >= 0.03x simdjson;" \
    "1M/100k time <= 11x; peak RSS <= 1024 MB at 1M, <= 1536 MB at 3M"
echo "load at the end: $(cat /proc/loadavg 2>/dev/null || uptime)"
