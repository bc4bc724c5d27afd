#!/bin/bash
# SPDX-License-Identifier: MIT
# The streaming scan (records evaluated while they load, on two threads;
# bodies kept only where the analyzers, the contract questions and the
# rules that read other records declare they need them) against a full
# scan (OVERVISOR_RETAIN=all: every body whole, one thread): byte-identical
# reports and exit statuses on the sample estate, every analyzer fixture,
# every rule fixture case and, when present, the corpus.  An analyzer that
# reads a path it did not declare makes its fixture differ here.
. "$(dirname "$0")/lib.bash"
export OVERVISOR_NOW=2026-11-01T06:00:00Z
EST="$OV_SOURCE_DIR/examples"
n_cases=0

# same LABEL ARGS...: overvisor ARGS streamed and full give the same output.
same() {
	label=$1
	shift
	OVERVISOR_THREADS=2 "$OV" "$@" >"$TMP/s.out" 2>"$TMP/s.err"
	s=$?
	OVERVISOR_RETAIN=all OVERVISOR_THREADS=1 "$OV" "$@" >"$TMP/f.out" \
	    2>"$TMP/f.err"
	f=$?
	n_cases=$((n_cases + 1))
	if [ "$s" != "$f" ]; then
		fail "$label: exit $s streamed, $f full"
		sed 's/^/  | /' "$TMP/s.err" >&2
	fi
	if ! cmp -s "$TMP/s.out" "$TMP/f.out"; then
		fail "$label: reports differ"
		diff "$TMP/f.out" "$TMP/s.out" | head -20 | sed 's/^/  | /' >&2
	fi
	if [ ! -s "$TMP/f.out" ]; then
		fail "$label: empty report"
		sed 's/^/  | /' "$TMP/f.err" >&2
	fi
}

# The sample estate in every format, with a contract, exceptions and a
# framework view; the contract check and the matrix.
for fmt in json text sarif csv junit ocsf html ndjson; do
	same "estate $fmt" scan "$EST/estate" --contract "$EST/contract.yaml" \
	    --exceptions "$EST/exceptions.yaml" --format "$fmt" --fail-on none
done
for fw in cis-azure-3.0.0 nist-800-53-r5; do
	same "estate $fw" scan "$EST/estate" --framework "$fw" --format json \
	    --fail-on none
done
same "estate one analyzer" scan "$EST/estate" --analyzer patch --no-rules \
    --format json --fail-on none
same "contract check" contract check "$EST/estate" --contract \
    "$EST/contract.yaml" --format json
same "matrix" matrix "$EST/estate" --format json

# Every analyzer fixture, alone and together; the network fixtures with a
# baseline; the other snapshot fixtures.
for f in "$FIX"/duties/*.ndjson "$FIX"/network/estate.ndjson \
    "$FIX"/whatif/snapshot.ndjson; do
	same "$(basename "$f")" scan "$f" --format json --fail-on none
done
same "duties together" scan "$FIX"/duties --format json --fail-on none
same "packed fixtures" scan "$FIX/packed" --format json --fail-on none
same "network drift" scan "$FIX/network/drift-current.ndjson" --baseline \
    "$FIX/network/drift-baseline.ndjson" --format json --fail-on none
same "inspect good" scan "$FIX/inspect/good" --format json --fail-on none
same "scan --policy" scan "$EST/estate" --policy \
    "$FIX/scan_policy/storage-tls.json" --format json --fail-on none

# Every rule fixture case: its record and related records, one file per
# case, scanned as one snapshot (ids repeat across cases: duplicates too).
mkdir "$TMP/rules"
for f in "$FIX"/rules/*.json; do
	jq -c '.cases | to_entries[] | .key as $k |
	    ([.value.record] + (.value.related // []))[]' "$f" \
	    >"$TMP/rules/$(basename "$f" .json).ndjson" ||
	    fail "cannot read $(basename "$f")"
done
same "rule fixtures" scan "$TMP/rules" --format json --fail-on none

# The rules that read other records keep only the body paths they read
# (tests/fixtures/projection: nested members, a nested array counted with
# a where, a tag whose name holds a dot beside a decoy, identity, field()
# of the evaluated record inside the existence condition, null, empty and
# absent members, a computed field name that keeps whole bodies, a rule
# without a type guard whose paths every type keeps): streamed
# and full agree, with the analyzers (which declare reads of their own)
# and without; the verdicts are the planted ones.
P="$FIX/projection"
for an in "" --no-analyzers; do
	# shellcheck disable=SC2086
	same "projection${an:+ $an}" scan "$P/estate.ndjson" --rules "$P/rules" \
	    $an --format json --fail-on none
	got=$(jq -r '.findings[] | select(.rule | startswith("PROJ-")) |
	    "\(.rule) \(.state) \(.resource.name)"' "$TMP/s.out" | sort |
	    tr '\n' ' ')
	want="PROJ-001 indeterminate vm-open PROJ-001 non-compliant vm-bad-pub \
PROJ-001 non-compliant vm-bad-size PROJ-001 non-compliant vm-bad-tag \
PROJ-001 non-compliant vm-bad-ws PROJ-002 indeterminate saopen \
PROJ-002 non-compliant sabadlogs PROJ-002 non-compliant sabadnull \
PROJ-002 non-compliant saempty PROJ-003 non-compliant kv-bad \
PROJ-004 non-compliant disk-north "
	[ "$got" = "$want" ] || fail "projection verdicts: got '$got'"
done

# A generated estate (every analyzer's types, Graph users, the rule pack's
# related-record rules on projected bodies).
if [ -x "$OV_BUILD_DIR/gen_estate" ]; then
	"$OV_BUILD_DIR/gen_estate" --out "$TMP/gen" --scale 3000 >/dev/null ||
	    fail "gen_estate"
	same "generated estate" scan "$TMP/gen" --format json --fail-on none
fi

# The corpus: every built-in definition over the sample estate (many read
# related records: evaluated after loading), and the recorded API pages.
c="${OVERVISOR_CORPUS:-}"
if [ -d "$c/azure-policy/policyDefinitions" ]; then
	mkdir "$TMP/defs"
	for d in "$c"/azure-policy/policyDefinitions/*/; do
		[ "$(basename "$d")" = "Azure Government" ] && continue
		ln -s "$d" "$TMP/defs/$(basename "$d")"
	done
	same "built-ins" scan "$EST/estate" --no-rules --policy "$TMP/defs" \
	    --aliases "$c/azure-policy-aliases/aliases.json" --format json \
	    --fail-on none
	for d in arg-examples arm-examples graph-examples; do
		same "corpus $d" scan "$c/$d" --format json --fail-on none
	done
else
	echo "note: no corpus; its cases skipped"
fi
echo "$n_cases comparisons"
finish
