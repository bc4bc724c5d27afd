#!/bin/bash
# SPDX-License-Identifier: MIT
# The analyzers' checks are data (data/analyzers/checks.json, compiled in):
# docs/analyzers/ is generated from it and must equal a fresh generation;
# every check id the code emits has a row and every row is emitted by
# some code; `rules list` lists the checks beside the rules.
. "$(dirname "$0")/lib.bash"

# The committed pages are what the table generates.
expect_status 0 "$OV" rules docs --output "$TMP/rules" \
    --analyzers "$TMP/analyzers"
if ! diff -r "$OV_SOURCE_DIR/docs/analyzers" "$TMP/analyzers" >"$TMP/diff"; then
	head -40 "$TMP/diff" >&2
	fail "docs/analyzers is stale: run 'overvisor rules docs --output" \
	    "docs/rules --analyzers docs/analyzers'"
fi

# The listing: every row complete, in id order, kind analyzer.
expect_status 0 "$OV" rules list --kind analyzer --format json
cp "$TMP/out" "$TMP/checks.json"
jq -e 'length >= 50 and all(.[]; .kind == "analyzer" and
    (.id | test("^OV-[A-Z]+-[0-9]{3}$")) and (.title // "") != "" and
    (.severity | IN("critical","high","medium","low","info")) and
    (.state | IN("non-compliant","indeterminate")) and
    (.duty != null or .dutyNote != null) and
    (.layer != null or .layerNote != null) and
    (.remediation // "") != "" and (.description // "") != "" and
    (.analyzer as $a | .docs | startswith("analyzers/" + $a + ".md#")) and
    (.controls | type) == "array" and (.peers | type) == "array" and
    any(.controls[]; startswith("NIST-800-53:")))' \
    "$TMP/checks.json" >/dev/null || fail "incomplete analyzer check rows"
jq -r '.[].id' "$TMP/checks.json" >"$TMP/table-ids"
sort -c "$TMP/table-ids" 2>/dev/null || fail "checks are not in id order"

# Code and table in step: the ids the analyzers (and the exceptions, for
# OV-ACC-010) write are exactly the table's.
{
	grep -rhoE '"OV-[A-Z]+-[0-9]{3}"' "$OV_SOURCE_DIR/src/lib/analyzers" \
	    --include='*.c' | tr -d '"'
	grep -hoE 'OV_RULE_EXCEPTION_EXPIRED "OV-[A-Z]+-[0-9]{3}"' \
	    "$OV_SOURCE_DIR/include/overvisor/exceptions.h" |
	    grep -oE 'OV-[A-Z]+-[0-9]{3}'
} | sort -u >"$TMP/code-ids"
[ -s "$TMP/code-ids" ] || fail "no check ids found in the sources"
if ! diff "$TMP/code-ids" "$TMP/table-ids" >"$TMP/iddiff"; then
	sed 's/^/  | /' "$TMP/iddiff" >&2
	fail "check ids in the code (<) and data/analyzers/checks.json (>)" \
	    "differ"
fi

# Text listing: a KIND column, and the count line by kind.
expect_status 0 "$OV" rules list --kind all
n_checks=$(wc -l <"$TMP/table-ids")
expect_grep "KIND     ID" "$TMP/out"
grep -q "^analyzer OV-PATCH-001 " "$TMP/out" || fail "no analyzer row"
grep -q "^rule     OV-STG-001 " "$TMP/out" || fail "no rule row"
tail -1 "$TMP/out" | grep -qE "^[0-9]+ rules, $n_checks analyzer checks$" ||
    fail "count line: $(tail -1 "$TMP/out")"
expect_status 2 "$OV" rules list --kind nothing

finish
