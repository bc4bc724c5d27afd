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
