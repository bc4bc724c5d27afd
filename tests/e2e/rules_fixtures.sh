#!/bin/bash
# SPDX-License-Identifier: MIT
# `overvisor rules test` evaluates every rule on its fixtures (non-compliant,
# compliant, and a list-shaped record missing the field: indeterminate)
# with the policy engine, and every rule has fixtures.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The shipped alias table, else the corpus one.
aliases=()
if [ ! -f "$OV_SOURCE_DIR/data/aliases/aliases.json" ]; then
	al="${OVERVISOR_CORPUS:-}/azure-policy-aliases/aliases.json"
	[ -f "$al" ] || { echo "no alias table (data/aliases or corpus): skipped"; exit 77; }
	aliases=(--aliases "$al")
fi

"$OV" rules test "${aliases[@]}" >"$tmp/out" || { grep FAIL "$tmp/out" | head -40 >&2; tail -1 "$tmp/out" >&2; exit 1; }
tail -1 "$tmp/out" | grep -Eq '^[0-9]+ rules, [0-9]+ cases, 0 failed, 0 rules without fixtures$'
rules=$(find "$OV_SOURCE_DIR/rules" -name 'OV-*.json' | wc -l)
cases=$(tail -1 "$tmp/out" | sed -E 's/^[0-9]+ rules, ([0-9]+) cases.*/\1/')
[ "$cases" -ge $((rules * 3)) ] || { echo "$cases cases for $rules rules" >&2; exit 1; }

# The run can fail: a fixture whose expectation is wrong is reported.
mkdir "$tmp/fx"
sed 's/"expect": "compliant"/"expect": "non-compliant"/' \
	"$OV_SOURCE_DIR/tests/fixtures/rules/OV-STG-001.json" >"$tmp/fx/OV-STG-001.json"
set +e
"$OV" rules test "${aliases[@]}" --rule OV-STG-001 --fixtures "$tmp/fx" >"$tmp/out2"
st=$?
set -e
[ "$st" -eq 1 ] || { echo "a wrong expectation gave exit $st" >&2; exit 1; }
grep -Eq '^FAIL OV-STG-001 +compliant ' "$tmp/out2"
