#!/bin/bash
# SPDX-License-Identifier: MIT
# data/frameworks/ is derived from Microsoft's regulatory-compliance
# initiatives (corpus), the rule pack and the analyzer check table by
# tools/gen_frameworks: running the generator again must reproduce the
# committed catalogues exactly.
set -eu
gen="$OV_BUILD_DIR/gen_frameworks"
[ -x "$gen" ] || { echo "gen_frameworks not built" >&2; exit 1; }
if [ ! -d "${OVERVISOR_CORPUS:-}/azure-policy/policySetDefinitions" ]; then
	echo "corpus not available: skipped"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/data/frameworks"
ln -s "$OV_SOURCE_DIR/rules" "$tmp/rules"
ln -s "$OV_SOURCE_DIR/data/analyzers" "$tmp/data/analyzers"
"$gen" "$OVERVISOR_CORPUS" "$tmp" >"$tmp/summary"
diff -r "$OV_SOURCE_DIR/data/frameworks" "$tmp/data/frameworks"
[ "$(ls "$tmp/data/frameworks" | wc -l)" -eq 10 ]
# Every catalogue maps at least one rule, and analyzer checks are listed.
grep -q '"OV-IAM-063"' "$tmp/data/frameworks/nist-800-53-r5.json"
grep -Eq 'cis-azure-3.0.0 +controls +[0-9]+ .*covered by rules +[1-9]' "$tmp/summary"
# FedRAMP keeps Microsoft's retired static entries as Microsoft-owned.
grep -Eq 'fedramp-high .*microsoft +[1-9]' "$tmp/summary"
