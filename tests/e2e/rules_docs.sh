#!/bin/bash
# SPDX-License-Identifier: MIT
# docs/rules/ is generated from the rule metadata and the CIS catalogues:
# regenerating it must give exactly the committed files, so a rule change
# without `overvisor rules docs --output docs/rules` fails here.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$OV" rules docs --output "$tmp/rules"
if ! diff -r "$OV_SOURCE_DIR/docs/rules" "$tmp/rules" >"$tmp/diff"; then
	head -40 "$tmp/diff" >&2
	echo "docs/rules is stale: run 'overvisor rules docs --output docs/rules'" >&2
	exit 1
fi
# The peer coverage report: Prowler and Checkov at the coverage the pack
# promises, every PSRule security resource type covered or explained.
pc="$tmp/rules/peer-coverage.md"
pct() { grep "^| $1 |" "$pc" | awk -F'|' '{gsub(/[ %]/, "", $5); print int($5 * 10)}'; }
p=$(pct "Prowler Azure checks"); c=$(pct "Checkov ARM security checks")
[ -n "$p" ] && [ "$p" -ge 900 ] || { echo "Prowler coverage ${p:-?}/1000 < 90%" >&2; exit 1; }
[ -n "$c" ] && [ "$c" -ge 850 ] || { echo "Checkov coverage ${c:-?}/1000 < 85%" >&2; exit 1; }
grep -Eq '^[0-9]+ of [0-9]+ resource types with security rules have a rule; [0-9]+ cannot apply; 0 are not covered\.$' "$pc" ||
	{ echo "a PSRule security resource type has no rule and no reason" >&2; exit 1; }
# Every check no rule covers says why.
if grep -q 'no reason recorded' "$pc"; then
	grep 'no reason recorded' "$pc" >&2
	exit 1
fi
# A rule naming a peer check that is not in data/peers is an error.
mkdir "$tmp/badpeer"
cp -r "$OV_SOURCE_DIR/rules/." "$tmp/badpeer/"
sed -i 's/"prowler:storage_secure_transfer_required_is_enabled"/"prowler:storage_no_such_check"/' \
    "$tmp/badpeer/storage/OV-STG-001.json"
if "$OV" rules docs --rules "$tmp/badpeer" --output "$tmp/bad" 2>"$tmp/err"; then
	echo "an unknown peer check was accepted" >&2
	exit 1
fi
grep -q "prowler:storage_no_such_check" "$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
# One page per rule, plus the index and the CIS coverage report.
pages=$(ls "$tmp/rules"/OV-*.md | wc -l)
rules=$(find "$OV_SOURCE_DIR/rules" -name 'OV-*.json' | wc -l)
[ "$pages" -eq "$rules" ] || { echo "$pages pages for $rules rules" >&2; exit 1; }
for v in 2.0.0 3.0.0; do
	grep -q "^## CIS Microsoft Azure Foundations Benchmark $v" \
	    "$tmp/rules/cis-coverage.md" || { echo "no CIS $v section" >&2; exit 1; }
done
# A changed rule is noticed: docs for a pack with one rule removed differ.
mkdir "$tmp/pack"
cp -r "$OV_SOURCE_DIR/rules/." "$tmp/pack/"
rm "$tmp/pack/storage/OV-STG-001.json"
"$OV" rules docs --rules "$tmp/pack" --output "$tmp/other"
if diff -rq "$OV_SOURCE_DIR/docs/rules" "$tmp/other" >/dev/null; then
	echo "docs do not depend on the rules" >&2
	exit 1
fi
