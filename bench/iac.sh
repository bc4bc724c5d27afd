#!/bin/sh
# SPDX-License-Identifier: MIT
# Templates benchmark: all quickstart templates of the corpus (407 folders:
# azuredeploy.json and its parameters file) expanded into records and
# scanned with the rule pack, 5 runs (medians): wall and CPU seconds, peak
# RSS (target: expand + scan of all 407 in 2 s on 2 cores).  Baseline in
# the same run: the time to merely read and parse the same files (the
# floor), and the CLI end to end (`overvisor scan DIR --format sarif`),
# wall time and peak RSS from /usr/bin/time.
#   bench/iac.sh [BUILD_DIR]
set -eu
build="${1:-${BUILD:-build}}"
src="$(cd "$(dirname "$0")" && pwd)"
. "$src/lib.sh"
corpus="${OVERVISOR_CORPUS:-$src/../../shared/corpus}"
dir="$corpus/quickstart-templates"
if [ ! -d "$dir" ]; then
	echo "iac.sh: no templates under $corpus (set OVERVISOR_CORPUS)" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
machine
echo "templates: $(find "$dir" -name azuredeploy.json | wc -l) folders under $dir"
echo "== overvisor: bench_iac (one process: parse only, expand, scan)"
for run in 1 2 3 4 5; do
	"$build/bench/bench_iac" "$dir" | tee "$tmp/ov.$run"
done
cat "$tmp"/ov.* > "$tmp/ov"
parse=$(sed -n 's/^parse only: \([0-9.]*\) s.*/\1/p' "$tmp/ov" | median)
expand=$(sed -n 's/^expand: \([0-9.]*\) s.*/\1/p' "$tmp/ov" | median)
scan=$(sed -n 's/^scan: \([0-9.]*\) s.*/\1/p' "$tmp/ov" | median)
total=$(sed -n 's/^expand+scan: \([0-9.]*\) s.*/\1/p' "$tmp/ov" | median)
cpu=$(sed -n 's/^expand+scan: .*(cpu \([0-9.]*\) s).*/\1/p' "$tmp/ov" | median)
rss=$(sed -n 's/^peak RSS: \([0-9]*\) MiB.*/\1/p' "$tmp/ov" | median)
records=$(sed -n 's/.*records: \([0-9]*\).*/\1/p' "$tmp/ov.1")
findings=$(sed -n 's/.*findings: \([0-9]*\).*/\1/p' "$tmp/ov.1")

cli="" cli_rss=""
if [ -x /usr/bin/time ]; then
	echo "== overvisor scan DIR --format sarif (the CLI, end to end)"
	: > "$tmp/cli"
	for run in 1 2 3; do
		/usr/bin/time -f "%e %M" -o "$tmp/time" "$build/overvisor" scan \
		    "$dir" --format sarif --output "$tmp/out.sarif" \
		    --fail-on none >/dev/null 2>&1 || true
		tail -n 1 "$tmp/time" > "$tmp/time1" && mv "$tmp/time1" "$tmp/time"
		cat "$tmp/time" >> "$tmp/cli"
		echo "cli: $(cut -d' ' -f1 "$tmp/time") s, $(($(cut -d' ' -f2 "$tmp/time") / 1024)) MiB"
	done
	cli=$(cut -d' ' -f1 "$tmp/cli" | median)
	cli_rss=$(($(cut -d' ' -f2 "$tmp/cli" | median) / 1024))
fi

echo "== summary (medians of 5 runs; 3 for the CLI)"
echo "templates expanded + scanned: ${total} s wall (cpu ${cpu} s), target 2 s"
echo "  expand ${expand} s, rule pack ${scan} s; ${records} records, ${findings} findings"
echo "  parse only (the floor): ${parse} s -> expand+scan is $(ratio "$total" "$parse") the floor"
echo "  peak RSS: ${rss} MiB"
[ -n "$cli" ] && echo "CLI end to end: ${cli} s, ${cli_rss} MiB peak RSS"
echo "note: the machine may be shared; figures move with its load."
