#!/bin/sh
# SPDX-License-Identifier: MIT
# Detection benchmark: 5 million generated Activity Log and sign-in events
# (NDJSON as diagnostic settings export them, fields varied, by
# tools/gen_logs) against all corpus Sigma rules plus the bundled ones;
# events/s and peak RSS, 3 runs, medians; memory at 1 million events too,
# to show it stays flat.  Target: 500,000 events/s on 2 cores.
# In the same run: the floor, parse-only speed of the same file
# (bench_detect, one thread), and the baseline, the same detections for
# three of the rules as jq filters (one jq pass), whose counts must agree
# with overvisor's.  JQ_RUNS sets the jq runs (default 1: jq takes minutes).
# Usage: bench/detect.sh [BUILD_DIR [EVENTS]]
set -eu
build="${1:-${BUILD:-build}}"
events="${2:-5000000}"
jq_runs="${JQ_RUNS:-1}"	# jq takes minutes on 5 million events
src="$(cd "$(dirname "$0")" && pwd)"
. "$src/lib.sh"
corpus="${OVERVISOR_CORPUS:-$src/../../shared/corpus}/sigma-azure"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -d "$corpus" ] || { echo "corpus not found at $corpus"; exit 77; }
command -v /usr/bin/time >/dev/null || { echo "/usr/bin/time is needed"; exit 77; }
machine
echo "note: timings on a shared machine are noisy; CPU seconds are shown beside wall time"

"$build/gen_logs" "$events" "$tmp/logs.ndjson"
"$build/gen_logs" 1000000 "$tmp/logs1m.ndjson"
mb=$(du -m "$tmp/logs.ndjson" | cut -f1)
echo "== input: $events events, $mb MB (NDJSON)"

# run FILE OUT: one detect run; prints "wall cpu rss_kb".
run() {
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$build/overvisor" detect \
	    --rules "$corpus" --fail-on none --format json --output "$2" "$1" \
	    2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
	awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$tmp/time"
}

echo "== overvisor detect: all corpus rules + bundled rules"
: > "$tmp/ov"
for r in 1 2 3; do
	set -- $(run "$tmp/logs.ndjson" "$tmp/report.json")
	eps=$(awk -v n="$events" -v t="$1" 'BEGIN { printf "%.0f", n / t }')
	echo "run $r: $1 s wall, $2 s CPU, $eps events/s, peak RSS $(($3 / 1024)) MB"
	echo "$1 $2 $3 $eps" >> "$tmp/ov"
done
wall=$(cut -d' ' -f1 "$tmp/ov" | median)
cpu=$(cut -d' ' -f2 "$tmp/ov" | median)
rss=$(cut -d' ' -f3 "$tmp/ov" | median)
eps=$(cut -d' ' -f4 "$tmp/ov" | median)
set -- $(run "$tmp/logs1m.ndjson" "$tmp/report1m.json")
rss1m=$3
nfind=$(jq '.findings | length' "$tmp/report.json")
echo "findings: $nfind"

echo "== floor: parse-only (bench_detect)"
: > "$tmp/floor"
for r in 1 2 3; do
	"$build/bench/bench_detect" "$tmp/logs.ndjson" | tee -a "$tmp/floor"
done
floor=$(sed -n 's/.* s, \([0-9]*\) events\/s.*/\1/p' "$tmp/floor" | median)

# Matching events per rule in overvisor's report.
ov_count() {
	jq --arg t "$1" '[.findings[] | select(.title == $t) | .evidence[] |
	    select(.path == "detections") | .message | capture("^(?<n>[0-9]+) ").n |
	    tonumber] | add // 0' "$tmp/report.json"
}
ovA=$(ov_count "NSG Rule Opened To The Internet")
ovB=$(ov_count "Successful Sign-In With Legacy Authentication")
ovC=$(ov_count "Azure Keyvault Key Modified or Deleted")

jq_s=""
if command -v jq >/dev/null 2>&1; then
	echo "== baseline: $(jq --version) filters for three rules, one pass, $jq_runs run(s)"
	: > "$tmp/jq"
	for r in $(seq 1 "$jq_runs"); do
		t0=$(now)
		jq -r '
		  if (.operationName // "" | ascii_upcase) ==
		      "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE"
		    and (.resultType // "") != "Failure"
		    and (.properties.requestbody // "" |
		      test("\"sourceAddressPrefix(es)?\"\\s*:\\s*\\[?\\s*\"(\\*|0\\.0\\.0\\.0/0|::/0|Internet|Any)\""; "i")
		      and test("\"access\"\\s*:\\s*\"Allow\""; "i")
		      and test("\"direction\"\\s*:\\s*\"Inbound\""; "i"))
		  then "A"
		  elif .category == "SignInLogs" and .resultType == "0" and
		    (.properties.clientAppUsed // "" | ascii_downcase |
		     IN("imap4", "pop3", "smtp", "authenticated smtp",
		        "exchange activesync", "other clients",
		        "exchange web services", "mapi over http",
		        "offline address book", "outlook anywhere (rpc over http)",
		        "exchange online powershell", "autodiscover"))
		  then "B"
		  elif (.operationName // "" | ascii_upcase |
		    IN("MICROSOFT.KEYVAULT/VAULTS/KEYS/UPDATE/ACTION",
		       "MICROSOFT.KEYVAULT/VAULTS/KEYS/CREATE",
		       "MICROSOFT.KEYVAULT/VAULTS/KEYS/CREATE/ACTION",
		       "MICROSOFT.KEYVAULT/VAULTS/KEYS/IMPORT/ACTION",
		       "MICROSOFT.KEYVAULT/VAULTS/KEYS/RECOVER/ACTION",
		       "MICROSOFT.KEYVAULT/VAULTS/KEYS/RESTORE/ACTION",
		       "MICROSOFT.KEYVAULT/VAULTS/KEYS/DELETE",
		       "MICROSOFT.KEYVAULT/VAULTS/KEYS/BACKUP/ACTION",
		       "MICROSOFT.KEYVAULT/VAULTS/KEYS/PURGE/ACTION"))
		  then "C"
		  else empty end' "$tmp/logs.ndjson" | sort | uniq -c > "$tmp/jq.out"
		t1=$(now)
		elapsed "$t0" "$t1" >> "$tmp/jq"
		echo "jq run $r: $(elapsed "$t0" "$t1") s"
	done
	jq_s=$(median < "$tmp/jq")
	jqA=$(awk '$2 == "A" { print $1 }' "$tmp/jq.out"); jqA=${jqA:-0}
	jqB=$(awk '$2 == "B" { print $1 }' "$tmp/jq.out"); jqB=${jqB:-0}
	jqC=$(awk '$2 == "C" { print $1 }' "$tmp/jq.out"); jqC=${jqC:-0}
	echo "matching events, overvisor / jq: NSG open $ovA / $jqA, legacy auth $ovB / $jqB, Key Vault keys $ovC / $jqC"
	[ "$ovA" = "$jqA" ] && [ "$ovB" = "$jqB" ] && [ "$ovC" = "$jqC" ] ||
	    echo "MISMATCH between overvisor and the jq baseline"
else
	echo "== jq: skipped (not installed)"
fi

echo
echo "== results (medians of 3 runs)"
echo "overvisor: $eps events/s ($wall s wall, $cpu s CPU for $events events; target 500000 events/s on 2 cores)"
echo "  peak RSS: $((rss / 1024)) MB at $events events, $((rss1m / 1024)) MB at 1000000 events"
echo "floor, parse only on one thread: $floor events/s"
if [ -n "$jq_s" ]; then
	jeps=$(awk -v n="$events" -v t="$jq_s" 'BEGIN { printf "%.0f", n / t }')
	echo "jq, three rules only: $jq_s s, $jeps events/s; overvisor with every rule is $(ratio "$eps" "$jeps") faster"
fi
