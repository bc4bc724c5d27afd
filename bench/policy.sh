#!/bin/sh
# SPDX-License-Identifier: MIT
# Policy engine benchmark: every public-cloud built-in on the sample estate
# scaled to RECORDS records (default 100000), 2 threads, 3 runs (medians):
# records/s, (record, applicable rule) evaluations/s per core, peak RSS
# (target: under 30 s on 2 cores).  Baseline in the same run: jq checking
# one of those built-ins (storage accounts' minimum TLS version) over the
# same records, 3 runs.
#   bench/policy.sh [BUILD_DIR [RECORDS]]
set -eu
build="${1:-${BUILD:-build}}"
records="${2:-100000}"
src="$(cd "$(dirname "$0")" && pwd)"
. "$src/lib.sh"
corpus="${OVERVISOR_CORPUS:-$src/../../shared/corpus}"
if [ ! -d "$corpus/azure-policy/policyDefinitions" ]; then
	echo "policy.sh: no built-ins under $corpus (set OVERVISOR_CORPUS)" >&2
	exit 1
fi
corpus=$(cd "$corpus" && pwd)	# the links below must be absolute
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
machine
"$build/gen_estate" --scale "$records" --out "$tmp/estate" >/dev/null
mkdir "$tmp/defs"
for d in "$corpus"/azure-policy/policyDefinitions/*/; do
	n=$(basename "$d")
	[ "$n" = "Azure Government" ] && continue
	ln -s "$d" "$tmp/defs/$n"
done
echo "== overvisor: bench_policy, 2 threads"
for run in 1 2 3; do
	"$build/bench/bench_policy" -t 2 -a \
	    "$corpus/azure-policy-aliases/aliases.json" "$tmp/estate" \
	    "$tmp/defs" | tee "$tmp/ov.$run"
done
cat "$tmp"/ov.* > "$tmp/ov"
defs=$(sed -n 's/^definitions+instances: \([0-9]*\).*/\1/p' "$tmp/ov.1")
nrec=$(sed -n 's/.*records: \([0-9]*\).*/\1/p' "$tmp/ov.1")
load=$(sed -n 's/^load+compile: \([0-9.]*\) s.*/\1/p' "$tmp/ov" | median)
ev=$(sed -n 's/.*evaluate: \([0-9.]*\) s.*/\1/p' "$tmp/ov" | median)
cpu=$(sed -n 's/.*(cpu \([0-9.]*\) s).*/\1/p' "$tmp/ov" | median)
rps=$(sed -n 's/^records\/s: \([0-9]*\).*/\1/p' "$tmp/ov" | median)
eps=$(sed -n 's/.*evaluations\/s per core: \([0-9]*\).*/\1/p' "$tmp/ov" | median)
rss=$(sed -n 's/^peak RSS: \([0-9]*\) MiB.*/\1/p' "$tmp/ov" | median)

jq_s="" jq_rps=""
if command -v jq >/dev/null 2>&1; then
	echo "== jq $(jq --version 2>/dev/null): one rule, storage accounts' minimum TLS version"
	: > "$tmp/jq"
	for run in 1 2 3; do
		t0=$(now)
		cat "$tmp"/estate/*.ndjson | jq -c 'select((.type // "" |
		    ascii_downcase) == "microsoft.storage/storageaccounts" and
		    (.properties.minimumTlsVersion // "") != "TLS1_2") | .id' \
		    > "$tmp/jq.out"
		t1=$(now)
		elapsed "$t0" "$t1" >> "$tmp/jq"
		echo "jq: $(elapsed "$t0" "$t1") s, $(wc -l < "$tmp/jq.out") non-compliant"
	done
	jq_s=$(median < "$tmp/jq")
	jq_rps=$(awk -v n="$nrec" -v t="$jq_s" 'BEGIN { if (t > 0) printf "%d", n / t }')
else
	echo "== jq: skipped (not installed)"
fi

echo
echo "== results ($nrec records, medians of 3 runs)"
echo "overvisor, $defs built-ins: load + compile $load s, evaluate $ev s (cpu $cpu s; target 30 s)"
echo "  $rps records/s, $eps (record, applicable rule) evaluations/s per core, peak RSS $rss MiB"
e2e=$(awk -v n="$nrec" -v a="$load" -v b="$ev" 'BEGIN { if (a + b > 0) printf "%d", n / (a + b) }')
echo "  end to end (load, compile, evaluate): $e2e records/s"
if [ -n "$jq_s" ]; then
	echo "jq, 1 rule, parsing included: $jq_s s, $jq_rps records/s"
	echo "  end to end, overvisor checks $defs rules at $(ratio "$e2e" "$jq_rps") the record rate jq checks one"
fi
