#!/bin/bash
# SPDX-License-Identifier: MIT
# The terminal report of the sample estate, as a person reads it: the
# summary comes first; no line is wider than the terminal (COLUMNS, 120
# when unknown) at 80, 100 and 120 columns, verbose or not; no name or id
# is cut (every rule id and resource name of the JSON report appears whole,
# the full ids in --verbose once their line breaks are taken out); exempt
# findings are counted and listed only with --show-exempt; --min-severity
# hides the rest from the list but not from the summary; colour only on a
# terminal, and never with NO_COLOR.
set -u
: "${OV:?}" "${OV_SOURCE_DIR:?}"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
ex="$OV_SOURCE_DIR/examples/estate"
[ -d "$ex" ] || { echo "SKIP: no sample estate"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export LC_ALL=C.UTF-8
unset NO_COLOR
args=(scan "$ex" --contract "$OV_SOURCE_DIR/examples/contract.yaml"
    --exceptions "$OV_SOURCE_DIR/examples/exceptions.yaml" --fail-on none)

"$OV" "${args[@]}" --format json >"$tmp/all.json" || fail "json"
# widest line in display columns (wc -L counts wide characters as two)
widest() { wc -L <"$1"; }

for w in 80 100 120; do
	for v in "" "--verbose --show-exempt"; do
		# shellcheck disable=SC2086
		COLUMNS=$w "$OV" "${args[@]}" $v >"$tmp/t.txt" ||
		    fail "scan at $w columns $v"
		[ "$(widest "$tmp/t.txt")" -le "$w" ] ||
		    fail "a line wider than $w columns ($v): $(awk -v w=$w \
		    'length($0) > w { print; exit }' "$tmp/t.txt")"
		! grep -q '[[:space:]]$' "$tmp/t.txt" ||
		    fail "trailing blanks at $w columns $v"
		grep -q $'\033' "$tmp/t.txt" && fail "colour into a pipe"
		s=$(grep -n '^SUMMARY$' "$tmp/t.txt" | cut -d: -f1)
		f=$(grep -n '^FINDINGS' "$tmp/t.txt" | cut -d: -f1)
		[ -n "$s" ] && [ -n "$f" ] && [ "$s" -lt "$f" ] ||
		    fail "the summary does not come first"
	done
done
# 120 columns when COLUMNS is unset and the output is not a terminal
env -u COLUMNS "$OV" "${args[@]}" >"$tmp/d.txt"
[ "$(widest "$tmp/d.txt")" -le 120 ] && [ "$(widest "$tmp/d.txt")" -gt 100 ] ||
	fail "default width is not 120 ($(widest "$tmp/d.txt"))"

# Nothing cut: every rule id and every resource name shown is whole.
COLUMNS=80 "$OV" "${args[@]}" >"$tmp/t80.txt"
jq -r '.findings[] | select(.state != "exempt") | .rule' "$tmp/all.json" |
    sort -u >"$tmp/rules"
while read -r r; do
	grep -qw -- "$r" "$tmp/t80.txt" || fail "rule $r missing or cut"
done <"$tmp/rules"
# names without separators must appear on one line (an extension
# resource, such as an assessment on a VM, is shown by the VM's name)
jq -r '.findings[] | select(.state != "exempt" and
    ([.resource.id | scan("/providers/")] | length) < 2) |
    .resource.name // empty' "$tmp/all.json" | grep -v '[/;, ]' |
    grep -vx 'default\|current' | sort -u >"$tmp/names"
[ -s "$tmp/names" ] || fail "no resource names"
while read -r n; do
	grep -qF -- "$n" "$tmp/t80.txt" || fail "name '$n' missing or cut"
done <"$tmp/names"
# the old truncation mark is gone
grep -qE '[^ ]~$' "$tmp/t80.txt" && fail "a value is cut with ~"
# --verbose: every full resource id, once the wrapping is taken out
COLUMNS=80 "$OV" "${args[@]}" --verbose >"$tmp/v80.txt"
tr -d ' \n' <"$tmp/v80.txt" >"$tmp/flat"
jq -r '.findings[] | select(.state != "exempt") | .resource.id' \
    "$tmp/all.json" | tr -d ' ' | sort -u | head -200 >"$tmp/ids"
while read -r id; do
	grep -qF -- "$id" "$tmp/flat" || fail "id $id cut in --verbose"
done <"$tmp/ids"

# Exempt findings: counted; listed with --show-exempt.
n_exempt=$(jq '[.findings[] | select(.state == "exempt")] | length' "$tmp/all.json")
[ "$n_exempt" -gt 0 ] || fail "the sample has no exempt finding"
grep -q "^EXEMPT ($n_exempt)$" "$tmp/t80.txt" || fail "exempt not counted"
grep -qE '^    OV-.* exempt$' "$tmp/t80.txt" && fail "exempt findings listed by default"
COLUMNS=120 "$OV" "${args[@]}" --show-exempt >"$tmp/x.txt"
[ "$(grep -cE '^    OV-.* exempt$' "$tmp/x.txt")" -eq "$n_exempt" ] ||
	fail "--show-exempt lists $(grep -cE '^    OV-.* exempt$' "$tmp/x.txt") of $n_exempt"

# --min-severity: listed at or above, counted all the same.
COLUMNS=120 "$OV" "${args[@]}" --min-severity high >"$tmp/h.txt"
grep -q '^   MEDIUM$\|^   LOW$' "$tmp/h.txt" && fail "--min-severity high lists medium"
grep -q 'below high not listed' "$tmp/h.txt" || fail "hidden findings not counted"
diff <(sed -n '/^SUMMARY$/,/^FINDINGS/p' "$tmp/h.txt") \
     <(sed -n '/^SUMMARY$/,/^FINDINGS/p' "$tmp/d.txt") >/dev/null ||
	fail "--min-severity changed the summary"
"$OV" "${args[@]}" --min-severity high --format json >"$tmp/h.json"
jq -e 'all(.findings[]; .severity == "high" or .severity == "critical")' \
    "$tmp/h.json" >/dev/null || fail "--min-severity in json"
"$OV" "${args[@]}" --min-severity bogus >/dev/null 2>&1
[ $? -eq 2 ] || fail "--min-severity bogus is not a usage error"

# Colour on a terminal only, and never with NO_COLOR.
if command -v script >/dev/null; then
	COLUMNS=100 script -qec "$OV ${args[*]}" /dev/null >"$tmp/tty.txt" 2>&1
	grep -q $'\033\\[1;31mCRITICAL' "$tmp/tty.txt" || fail "no colour on a terminal"
	NO_COLOR=1 COLUMNS=100 script -qec "$OV ${args[*]}" /dev/null \
	    >"$tmp/tty2.txt" 2>&1
	grep -q $'\033\\[1;31m' "$tmp/tty2.txt" && fail "colour despite NO_COLOR"
fi
echo "ok: fits 80-120 columns, nothing cut, summary first"
