#!/bin/sh
# SPDX-License-Identifier: MIT
# Network exposure benchmark: a synthetic estate of 50k NICs, 10k NSGs and
# 200k rules (targets: exposure under 2 s and peak RSS under 1 GB on 2
# cores), 3 runs, medians.  Baseline in the same run: jq over the same
# estate doing what a script would, public NICs whose own NSG has an
# inbound allow from the internet (no priorities, no subnet NSGs, no
# peering), 3 runs.
# Usage: bench/network.sh [BUILD_DIR [NICS NSGS RULES]]
set -eu
build="${1:-${BUILD:-build}}"
shift || true
src="$(cd "$(dirname "$0")" && pwd)"
. "$src/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
machine
echo "== overvisor: bench_network"
for run in 1 2 3; do
	if [ $run = 1 ]; then
		OV_BENCH_DUMP="$tmp/estate.ndjson" "$build/bench/bench_network" "$@"
	else
		"$build/bench/bench_network" "$@"
	fi | tee "$tmp/ov.$run"
done
cat "$tmp"/ov.* > "$tmp/ov"
exp=$(sed -n 's/^exposure (topology + paths): \([0-9.]*\) s.*/\1/p' "$tmp/ov" | median)
nexp=$(sed -n 's/^exposure (topology + paths): [0-9.]* s, \([0-9]*\) exposures.*/\1/p' "$tmp/ov.1")
load=$(sed -n 's/^load (parse + index): \([0-9.]*\) s.*/\1/p' "$tmp/ov" | median)
rss=$(sed -n 's/^peak RSS: \([0-9.]*\) MB.*/\1/p' "$tmp/ov" | median)

jq_s=""
if command -v jq >/dev/null 2>&1; then
	echo "== jq $(jq --version 2>/dev/null): public NICs whose NSG allows inbound from the internet"
	: > "$tmp/jq"
	for run in 1 2 3; do
		t0=$(now)
		jq -n '[inputs] |
		    (map(select(.type == "Microsoft.Network/networkSecurityGroups") |
		    {key: .id, value: [.properties.securityRules[].properties |
		    select(.direction == "Inbound" and .access == "Allow" and
		    (.sourceAddressPrefix | IN("*", "Internet", "0.0.0.0/0")))] |
		    length}) | from_entries) as $open |
		    [.[] | select(.type == "Microsoft.Network/networkInterfaces" and
		    .properties.ipConfigurations[0].properties.publicIPAddress != null and
		    ($open[.properties.networkSecurityGroup.id // ""] // 0) > 0)] |
		    length' "$tmp/estate.ndjson" > "$tmp/jq.out"
		t1=$(now)
		elapsed "$t0" "$t1" >> "$tmp/jq"
		echo "jq: $(elapsed "$t0" "$t1") s, $(cat "$tmp/jq.out") public NICs with an open NSG"
	done
	jq_s=$(median < "$tmp/jq")
else
	echo "== jq: skipped (not installed)"
fi

echo
echo "== results (medians of 3 runs)"
echo "overvisor: load $load s; exposure $exp s, $nexp exposure paths (target 2 s); peak RSS $rss MB (target 1 GB)"
if [ -n "$jq_s" ]; then
	echo "jq, naive NIC-NSG rule scan, parsing included: $jq_s s"
	tot=$(awk -v a="$load" -v b="$exp" 'BEGIN { printf "%.3f", a + b }')
	echo "  overvisor load + effective exposure: $tot s, $(ratio "$jq_s" "$tot") faster than the naive scan"
fi
