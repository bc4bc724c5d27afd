#!/bin/bash
# SPDX-License-Identifier: MIT
# Golden tests of the policy language: every tests/golden/policy/*.test
# holds a definition (%%DEF), an input (%%INPUT, shared default when
# absent) and either the expected `policy eval` lines (%%EXPECT: resource
# state effect pointer path=value) or, for a malformed definition, the
# exact diagnostic `policy check` prints (%%FAIL).
set -u
: "${OV:?}" "${OV_SOURCE_DIR:?}"
dir="$OV_SOURCE_DIR/tests/golden/policy"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OVERVISOR_NOW=2026-01-15T00:00:00Z
fail=0 n=0
for t in "$dir"/*.test; do
	name=$(basename "$t" .test)
	rm -f "$tmp"/def.json "$tmp"/input.json "$tmp"/expect "$tmp"/fail
	awk -v d="$tmp" '
		/^%%DEF/ { f = d "/def.json"; next }
		/^%%INPUT/ { f = d "/input.json"; next }
		/^%%EXPECT/ { f = d "/expect"; next }
		/^%%FAIL/ { f = d "/fail"; next }
		/^#/ && f == "" { next }
		f != "" { print > f }' "$t"
	touch "$tmp/expect"
	[ -f "$tmp/input.json" ] || cp "$dir/resources.json" "$tmp/input.json"
	n=$((n + 1))
	if [ -f "$tmp/fail" ]; then
		(cd "$tmp" && "$OV" policy check def.json) >/dev/null 2>"$tmp/err"
		rc=$?
		if [ $rc -ne 3 ] || ! diff -u "$tmp/fail" "$tmp/err" >"$tmp/diff"; then
			echo "FAIL $name (exit $rc)"; cat "$tmp/diff"; fail=$((fail + 1))
		fi
		continue
	fi
	(cd "$tmp" && "$OV" policy eval --definition def.json --input input.json) \
	    2>"$tmp/err" | cut -f2-6 | tr '\t' ' ' >"$tmp/got"
	if [ -n "${GOLDEN_UPDATE:-}" ]; then
		awk '/^%%EXPECT/ { print; exit } { print }' "$t" >"$tmp/new"
		cat "$tmp/got" >>"$tmp/new" && cp "$tmp/new" "$t"
	fi
	if ! diff -u "$tmp/expect" "$tmp/got" >"$tmp/diff"; then
		echo "FAIL $name"; cat "$tmp/diff" "$tmp/err"; fail=$((fail + 1))
	fi
done
echo "policy golden: $n cases, $fail failed"
[ $n -gt 0 ] && [ $fail -eq 0 ]
