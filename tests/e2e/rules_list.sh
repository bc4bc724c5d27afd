#!/bin/bash
# SPDX-License-Identifier: MIT
# `overvisor rules list --format json` lists at least 150 rules, each with
# complete metadata, valid enumerations and a unique id.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$OV" rules list --format json >"$tmp/rules.json"
n=$(jq 'length' "$tmp/rules.json")
[ "$n" -ge 150 ] || { echo "only $n rules" >&2; exit 1; }

# Every field present and non-empty (builtin may be null: not every rule
# has a Microsoft equivalent).
bad=$(jq '[.[] | select(
	(.id // "") == "" or (.title // "") == "" or (.description // "") == ""
	or (.severity // "") == "" or (.layer // "") == "" or (.duty // "") == ""
	or (.remediation // "") == "" or (.resourceType // "") == ""
	or (.category // "") == "" or (.version // "") == ""
	or (.controls | type) != "array" or (.effects | length) == 0)] | length' \
	"$tmp/rules.json")
[ "$bad" -eq 0 ] || { echo "$bad rules with incomplete metadata" >&2; exit 1; }

jq -e 'all(.[]; .id | test("^OV-[A-Z]+-[0-9]{3}$"))' "$tmp/rules.json" >/dev/null
jq -e 'all(.[]; .severity | IN("critical","high","medium","low","info"))' \
	"$tmp/rules.json" >/dev/null
jq -e 'all(.[]; .layer | IN("information-and-data","devices",
	"accounts-and-identities","identity-and-directory-infrastructure",
	"applications","network-controls","operating-system","physical-hosts",
	"physical-network","physical-datacenter"))' "$tmp/rules.json" >/dev/null
jq -e 'all(.[]; .mode | IN("Indexed","All"))' "$tmp/rules.json" >/dev/null
dups=$(jq -r '.[].id' "$tmp/rules.json" | sort | uniq -d | wc -l)
[ "$dups" -eq 0 ] || { echo "duplicate rule ids" >&2; exit 1; }

# The areas the pack must cover.
for area in STG KV SQL DB APP AKS ACR VM NET MON DEF IAM COS EVH SB RED COG; do
	c=$(jq --arg a "OV-$area-" '[.[] | select(.id | startswith($a))] | length' \
	    "$tmp/rules.json")
	[ "$c" -gt 0 ] || { echo "no rule in area $area" >&2; exit 1; }
done
# Most rules name the Microsoft built-in they are equivalent to.
b=$(jq '[.[] | select(.builtin != null)] | length' "$tmp/rules.json")
[ "$b" -ge 100 ] || { echo "only $b rules name a built-in" >&2; exit 1; }

# The text listing agrees on the count; a bad format is a usage error.
"$OV" rules list | tail -1 | grep -qx "$n rules"
set +e
"$OV" rules list --format yaml >/dev/null 2>&1
st=$?
set -e
[ "$st" -eq 2 ] || { echo "bad format gave exit $st" >&2; exit 1; }
