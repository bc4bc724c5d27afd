#!/bin/bash
# SPDX-License-Identifier: MIT
# The finding lifecycle over real snapshots of the sample estate, recorded
# with `overvisor scan --db`.  Each snapshot is a copy of examples/estate
# with a few NDJSON lines edited and collectedAt moved on a few days:
#
#   1 2026-11-01  baseline
#   2 2026-11-04  stnburesearch02 allowBlobPublicAccess=true -> new;
#                 a storage account added, a NIC removed (record drift)
#   3 2026-11-07  kept                 -> open, first seen kept, due kept
#   4 2026-11-10  fixed                -> resolved at 11-10
#   5 2026-11-13  reintroduced         -> reopened, new SLA clock
#   6 2026-11-30  still there          -> breached
#   7 2026-12-03  partial scan, the account absent -> nothing changes
#   8 2026-12-06  exception until 12-10 -> excepted
#   9 2026-12-14  exception lapsed     -> reopened + OV-ACC-010
#
# Then `overvisor diff --from 1 --to 9`.  Runs on SQLite, and again on
# PostgreSQL when OVERVISOR_TEST_PG names a server (psql needed).
set -u
: "${OV:?}" "${OV_SOURCE_DIR:?}"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
tmp=$(mktemp -d)
pg_schema=""
cleanup() {
	if [ -n "$pg_schema" ]; then
		psql -q "$OVERVISOR_TEST_PG" -c \
		    "DROP SCHEMA IF EXISTS $pg_schema CASCADE" >/dev/null 2>&1
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT
fail() { echo "FAIL [$backend]: $*" >&2; exit 1; }
unset OVERVISOR_NOW
export LC_ALL=C
estate="$OV_SOURCE_DIR/examples/estate"
contract="$OV_SOURCE_DIR/examples/contract.yaml"
[ -f "$estate/manifest.json" ] || { echo "SKIP: no sample estate"; exit 77; }

STG=stnburesearch02
NIC=nic-vm-sis-app-03
RES=arg-resources.ndjson

# edit_line DIR FILE NAME JQ-FILTER: rewrite the one line whose "name" is
# NAME with jq; every other line is kept byte for byte.
edit_line() {
	local f="$1/$2" n new
	n=$(grep -n "\"name\":\"$3\"" "$f" | head -1 | cut -d: -f1)
	[ -n "$n" ] || fail "no record named $3 in $2"
	new=$(sed -n "${n}p" "$f" | jq -c "$4") || fail "jq $4"
	{ head -n $((n - 1)) "$f"; printf '%s\n' "$new"; tail -n +$((n + 1)) "$f"; } \
	    >"$f.new" && mv "$f.new" "$f"
}
# drop_line DIR FILE NAME: remove the record named NAME.
drop_line() {
	local f="$1/$2"
	grep -v "\"name\":\"$3\"" "$f" >"$f.new"
	mv "$f.new" "$f"
}
# manifest DIR DATE [SOURCE STATUS]: set collectedAt, recount arg:resources
# and optionally mark a source.
manifest() {
	local m="$1/manifest.json" count
	count=$(wc -l <"$1/$RES")
	jq -c --arg t "$2" --argjson c "$count" --arg s "${3:-}" \
	    --arg st "${4:-}" '.collectedAt = $t |
	    .sources |= map(if .name == "arg:resources" then .count = $c
	    else . end | if .name == $s then .status = $st else . end)' \
	    "$m" >"$m.new" && mv "$m.new" "$m" || fail "manifest $1"
}
# snap N DATE: a fresh copy of the estate as snapshot N.
snap() {
	rm -rf "$tmp/s$1"
	cp -r "$estate" "$tmp/s$1"
	manifest "$tmp/s$1" "$2"
}
plant() {
	edit_line "$1" "$RES" "$STG" '.properties.allowBlobPublicAccess = true'
}
drift() {
	# a new storage account and a removed NIC, from scan 2 on
	local line
	line=$(grep "\"name\":\"$STG\"" "$1/$RES" | sed "s/$STG/stnburesearch03/g")
	printf '%s\n' "$line" >>"$1/$RES"
	drop_line "$1" "$RES" "$NIC"
	manifest "$1" "$(jq -r .collectedAt "$1/manifest.json")"
}

scan() {	# scan N [extra args]
	local n="$1"
	shift
	"$OV" scan "$tmp/s$n" --contract "$contract" --db "$db" "$@" \
	    -o /dev/null 2>"$tmp/scan.err"
	local rc=$?
	# 0 or 1 (findings at or above --fail-on) are both a finished scan
	# a partial source is an input problem: exit 3, the scan still stored
	[ $rc -le 1 ] || { [ $rc -eq 3 ] &&
	    grep -q 'partial or failed' "$tmp/scan.err"; } ||
	    fail "scan $n exit $rc: $(cat "$tmp/scan.err")"
}
list() { OVERVISOR_NOW="${NOW:-2026-11-01}" "$OV" findings list --db "$db" --format json "$@"; }
# the tracked STG-003 finding on the planted account, as JSON
target() {
	list | jq -c --arg s "$STG" '[.[] | select(.rule == "OV-STG-003" and
	    (.resourceId | ascii_downcase | endswith("/" + $s)))] |
	    if length == 1 then .[0] else error("found \(length)") end'
}
field() { echo "$1" | jq -r ".$2"; }
expect() {	# expect JSON FIELD VALUE WHAT
	local got
	got=$(field "$1" "$2")
	[ "$got" = "$3" ] || fail "$4: $2 is '$got', expected '$3'"
}
# fingerprint, state (new and open alike: seen again is not a change),
# last seen, resolved at, due
states() {
	list | jq -r '.[] | "\(.fingerprint) \(if .state == "new" then "open"
	    else .state end) \(.lastSeen) \(.resolvedAt) \(.due)"' | sort
}

run_lifecycle() {
	local t fp before after n_before

	# 1: baseline.  The account is clean; its twin stnburesearch01 has
	# the planted STG-1 problem.
	snap 1 2026-11-01T06:00:00Z
	scan 1
	list | jq -e 'any(.[]; .rule == "OV-STG-003" and
	    (.resourceId | endswith("stnburesearch01")))' >/dev/null ||
	    fail "baseline: STG-1 on stnburesearch01 not tracked"
	list | jq -e --arg s "$STG" 'any(.[]; .rule == "OV-STG-003" and
	    (.resourceId | endswith($s))) | not' >/dev/null ||
	    fail "baseline: clean twin $STG reported"
	n_before=$(list | jq length)
	[ "$n_before" -gt 50 ] || fail "baseline: only $n_before findings"
	list | jq -e 'all(.[]; .state == "new")' >/dev/null ||
	    fail "baseline: not every finding new"

	# 2: planted -> new.  Due from the contract: policy-enforcement,
	# high = 14 days after first seen.
	snap 2 2026-11-04T06:00:00Z
	plant "$tmp/s2"
	drift "$tmp/s2"
	scan 2
	t=$(target) || fail "scan 2: $t"
	fp=$(field "$t" fingerprint)
	expect "$t" state new "scan 2"
	expect "$t" severity high "scan 2"
	expect "$t" duty policy-enforcement "scan 2"
	expect "$t" firstSeen 2026-11-04T06:00:00Z "scan 2"
	expect "$t" lastSeen 2026-11-04T06:00:00Z "scan 2"
	expect "$t" due 2026-11-18T06:00:00Z "scan 2 (contract SLA 14d)"
	expect "$t" accountable "Northbridge University IT Services" "scan 2"
	list | jq -e 'any(.[]; .state == "open")' >/dev/null ||
	    fail "scan 2: findings seen twice are not open"

	# 3: kept -> open; first seen and due unchanged, last seen advanced.
	snap 3 2026-11-07T06:00:00Z
	plant "$tmp/s3"
	drift "$tmp/s3"
	scan 3
	t=$(target) || fail "scan 3: $t"
	expect "$t" fingerprint "$fp" "scan 3"
	expect "$t" state open "scan 3"
	expect "$t" firstSeen 2026-11-04T06:00:00Z "scan 3"
	expect "$t" lastSeen 2026-11-07T06:00:00Z "scan 3"
	expect "$t" due 2026-11-18T06:00:00Z "scan 3 (due must not slide)"
	expect "$t" resolvedAt null "scan 3"
	expect "$t" breached false "scan 3"

	# 4: fixed -> resolved.
	snap 4 2026-11-10T06:00:00Z
	drift "$tmp/s4"
	scan 4
	t=$(target) || fail "scan 4: $t"
	expect "$t" state resolved "scan 4"
	expect "$t" resolvedAt 2026-11-10T06:00:00Z "scan 4"
	expect "$t" lastSeen 2026-11-07T06:00:00Z "scan 4"
	expect "$t" breached false "scan 4"
	NOW=2026-12-31 list --breached | jq -e --arg f "$fp" \
	    'any(.[]; .fingerprint == $f) | not' >/dev/null ||
	    fail "scan 4: a resolved finding is listed as breached"

	# 5: reintroduced -> reopened, a new SLA clock from the reopening.
	snap 5 2026-11-13T06:00:00Z
	plant "$tmp/s5"
	drift "$tmp/s5"
	scan 5
	t=$(target) || fail "scan 5: $t"
	expect "$t" state reopened "scan 5"
	expect "$t" reopenCount 1 "scan 5"
	expect "$t" resolvedAt null "scan 5"
	expect "$t" firstSeen 2026-11-04T06:00:00Z "scan 5"
	expect "$t" lastSeen 2026-11-13T06:00:00Z "scan 5"
	expect "$t" due 2026-11-27T06:00:00Z "scan 5"
	NOW=2026-11-20 list --breached | jq -e --arg f "$fp" \
	    'any(.[]; .fingerprint == $f) | not' >/dev/null ||
	    fail "scan 5: breached before its due date"

	# 6: time moves past the due date -> breached.
	snap 6 2026-11-30T06:00:00Z
	plant "$tmp/s6"
	drift "$tmp/s6"
	scan 6
	t=$(NOW=2026-11-30T06:00:00Z target) || fail "scan 6: $t"
	expect "$t" state reopened "scan 6"
	expect "$t" breached true "scan 6"
	NOW=2026-11-30T06:00:00Z list --breached | jq -e --arg f "$fp" \
	    'any(.[]; .fingerprint == $f)' >/dev/null ||
	    fail "scan 6: --breached does not list it"
	NOW=2026-11-30T06:00:00Z list --breached |
	    jq -e 'all(.[]; .breached and (.state == "new" or
	    .state == "open" or .state == "reopened"))' >/dev/null ||
	    fail "scan 6: --breached lists a finding that is not breached"
	OVERVISOR_NOW=2026-11-30T06:00:00Z "$OV" findings list --db "$db" \
	    --breached | grep -q "^${fp:0:16} .*reopened.* yes " ||
	    fail "scan 6: text listing does not flag the breach"

	# 7: a partial scan without the account changes nothing.
	before=$(states)
	snap 7 2026-12-03T06:00:00Z
	drift "$tmp/s7"
	drop_line "$tmp/s7" "$RES" "$STG"
	manifest "$tmp/s7" 2026-12-03T06:00:00Z arg:resources partial
	scan 7
	after=$(states)
	t=$(target) || fail "scan 7: $t"
	expect "$t" state reopened "scan 7 (partial)"
	expect "$t" lastSeen 2026-11-30T06:00:00Z "scan 7 (partial)"
	# every finding keeps its state, resolved-at and due (time-driven
	# findings first seen by this scan may be added), nothing resolved
	comm -23 <(echo "$before" | cut -d" " -f1,2,4,5) \
	    <(echo "$after" | cut -d" " -f1,2,4,5) >"$tmp/partial.diff"
	[ -s "$tmp/partial.diff" ] &&
	    fail "scan 7: the partial scan changed states: $(head -5 "$tmp/partial.diff")"
	"$OV" diff --db "$db" --from 6 --to 7 --format json |
	    jq -e 'any(.[]; .kind == "finding-resolved") | not' >/dev/null ||
	    fail "scan 7: the partial scan resolved findings"
	# the same with the source failed
	snap 7 2026-12-03T12:00:00Z
	drift "$tmp/s7"
	drop_line "$tmp/s7" "$RES" "$STG"
	manifest "$tmp/s7" 2026-12-03T12:00:00Z arg:resources failed
	scan 7
	after=$(states)
	comm -23 <(echo "$before" | cut -d" " -f1,2,4,5) \
	    <(echo "$after" | cut -d" " -f1,2,4,5) >"$tmp/partial.diff"
	[ -s "$tmp/partial.diff" ] &&
	    fail "scan 7b: the failed source changed states: $(head -5 "$tmp/partial.diff")"
	"$OV" diff --db "$db" --from 7 --to 8 --format json |
	    jq -e 'any(.[]; .kind == "finding-resolved") | not' >/dev/null ||
	    fail "scan 7b: the failed source resolved findings"
	OVERVISOR_NOW=2026-12-04 "$OV" scans list --db "$db" |
	    grep -c "(partial)" | grep -qx 2 ||
	    fail "scans list does not flag the two partial scans"

	# 8: an exception until 2026-12-10 -> excepted.
	cat >"$tmp/exceptions.yaml" <<EOF
exceptions:
  - rule: OV-STG-003
    resource: "/subscriptions/*/resourceGroups/rg-data-research/providers/Microsoft.Storage/storageAccounts/$STG"
    justification: Public dataset mirror for a funded open-data project
    approver: research-security@northbridge.example
    ticket: RISK-2026-101
    expires: 2026-12-10
EOF
	snap 8 2026-12-06T06:00:00Z
	plant "$tmp/s8"
	drift "$tmp/s8"
	scan 8 --exceptions "$tmp/exceptions.yaml"
	t=$(NOW=2026-12-06 target) || fail "scan 8: $t"
	expect "$t" state excepted "scan 8"
	expect "$t" breached false "scan 8"
	NOW=2026-12-06 list --state excepted | jq -e --arg f "$fp" \
	    'any(.[]; .fingerprint == $f)' >/dev/null ||
	    fail "scan 8: --state excepted does not list it"
	list | jq -e 'any(.[]; .rule == "OV-ACC-010" and
	    (.state == "new" or .state == "open"))' >/dev/null &&
	    fail "scan 8: a lapsed-exception finding while the entry is valid"
	OVERVISOR_NOW=2026-12-06 "$OV" findings exceptions --db "$db" |
	    grep -q "RISK-2026-101" || fail "scan 8: exception not imported"

	# 9: after the expiry the finding is open again and OV-ACC-010
	# reports the lapsed entry (the imported copy is used even without
	# --exceptions).
	snap 9 2026-12-14T06:00:00Z
	plant "$tmp/s9"
	drift "$tmp/s9"
	scan 9
	t=$(NOW=2026-12-14 target) || fail "scan 9: $t"
	expect "$t" state reopened "scan 9"
	expect "$t" reopenCount 2 "scan 9"
	expect "$t" lastSeen 2026-12-14T06:00:00Z "scan 9"
	NOW=2026-12-14 list --state active | jq -e 'any(.[];
	    .rule == "OV-ACC-010" and (.resourceId | test("RISK-2026-101|" +
	    "stnburesearch02|exception"; "i")))' >/dev/null ||
	    fail "scan 9: no OV-ACC-010 finding for the lapsed exception"
	OVERVISOR_NOW=2026-12-14 "$OV" findings show "${fp:0:12}" --db "$db" \
	    >"$tmp/show" || fail "findings show"
	for s in "- *-> new" "new *-> open" "open *-> resolved" \
	    "resolved *-> reopened" "reopened *-> excepted" \
	    "excepted *-> reopened"; do
		grep -q -- "$s" "$tmp/show" || fail "history lacks '$s': $(cat "$tmp/show")"
	done
	[ "$(grep -c " -> " "$tmp/show")" = 6 ] ||
	    fail "history has extra events: $(cat "$tmp/show")"

	# scans list: every scan, the partial ones flagged.
	[ "$("$OV" scans list --db "$db" --format json | jq length)" = 10 ] ||
	    fail "scans list: expected 10 scans"

	# diff 1 -> last: records added and removed, the property change with
	# its values, findings new, resolved and reopened.
	"$OV" diff --db "$db" --from 1 --to 10 --format json >"$tmp/diff.json" ||
	    fail "diff exit"
	items=".[]"
	jq -e "any($items; .kind == \"record-added\" and
	    (.id | endswith(\"/stnburesearch03\")))" "$tmp/diff.json" >/dev/null ||
	    fail "diff: record added missing"
	jq -e "any($items; .kind == \"record-removed\" and
	    (.id | endswith(\"/$NIC\")))" "$tmp/diff.json" >/dev/null ||
	    fail "diff: record removed missing"
	jq -e "any($items; .kind == \"property-changed\" and
	    (.id | endswith(\"/$STG\")) and
	    .path == \"properties.allowBlobPublicAccess\" and
	    .before == false and .after == true)" "$tmp/diff.json" \
	    >/dev/null || fail "diff: property change missing: $(jq -c \
	    "[$items | select(.kind == \"property-changed\")][:3]" "$tmp/diff.json")"
	for k in finding-new finding-resolved finding-reopened; do
		jq -e --arg f "$fp" --arg k "$k" "any($items; .kind == \$k and
		    .fingerprint == \$f)" "$tmp/diff.json" >/dev/null ||
		    fail "diff: $k for the planted finding missing"
	done
	# the clean twin's unchanged properties are not drift
	jq -e "any($items; .kind == \"property-changed\" and
	    (.id | endswith(\"/stnburesearch01\"))) | not" "$tmp/diff.json" \
	    >/dev/null || fail "diff: unchanged record reported"
	"$OV" diff --db "$db" --from 1 --to 10 >"$tmp/diff.txt" ||
	    fail "diff text"
	grep -q "properties.allowBlobPublicAccess: false -> true" \
	    "$tmp/diff.txt" || fail "diff text: property line missing"
}

# Filters for an operator: --owner (party name or id), --duty, --state,
# --severity, --since, each checked against the unfiltered list.
run_filters() {
	local all n m
	all=$(NOW=2026-12-14 list)
	n=$(echo "$all" | jq length)
	m=$(NOW=2026-12-14 list --duty policy-enforcement | jq length)
	[ "$m" -gt 0 ] && [ "$m" -lt "$n" ] || fail "--duty: $m of $n"
	[ "$m" = "$(echo "$all" | jq '[.[] | select(.duty == "policy-enforcement")] | length')" ] ||
	    fail "--duty count"
	m=$(NOW=2026-12-14 list --severity high | jq length)
	[ "$m" -gt 0 ] && [ "$m" = "$(echo "$all" | jq '[.[] | select(.severity == "high")] | length')" ] ||
	    fail "--severity count $m"
	m=$(NOW=2026-12-14 list --state reopened | jq length)
	[ "$m" -gt 0 ] && [ "$m" = "$(echo "$all" | jq '[.[] | select(.state == "reopened")] | length')" ] ||
	    fail "--state reopened count $m"
	m=$(NOW=2026-12-14 list --since 2026-11-04 | jq length)
	[ "$m" -gt 0 ] && [ "$m" -lt "$n" ] &&
	    [ "$m" = "$(echo "$all" | jq '[.[] | select(.firstSeen >= "2026-11-04")] | length')" ] ||
	    fail "--since count $m"
	# --owner by the contract party's name and by its id
	local by_name by_id by_other
	by_name=$(NOW=2026-12-14 list --owner "Northbridge University IT Services" | jq length)
	by_id=$(NOW=2026-12-14 list --owner customer-it | jq length)
	[ "$by_name" -gt 0 ] || fail "--owner by name: none"
	[ "$by_name" = "$by_id" ] || fail "--owner name ($by_name) and id ($by_id) differ"
	[ "$by_name" = "$(echo "$all" | jq '[.[] | select(.accountable == "Northbridge University IT Services")] | length')" ] ||
	    fail "--owner by name count"
	by_other=$(NOW=2026-12-14 list --owner msp | jq length)
	[ "$by_other" -lt "$by_name" ] || fail "--owner msp matches as much as the customer"
	by_other=$(NOW=2026-12-14 list --owner "Harbourline Cloud Services" | jq length)
	[ "$by_other" = "$(echo "$all" | jq '[.[] | select(.accountable == "Harbourline Cloud Services")] | length')" ] ||
	    fail "--owner csp count"
	m=$(NOW=2026-12-14 list --owner customer-it --duty policy-enforcement \
	    --state active --severity high | jq length)
	[ "$m" = "$(echo "$all" | jq '[.[] | select(.accountable == "Northbridge University IT Services" and
	    .duty == "policy-enforcement" and .severity == "high" and
	    (.state == "new" or .state == "open" or .state == "reopened"))] | length')" ] ||
	    fail "combined filters"
	NOW=2026-12-14 list --owner customer-it --format csv >/dev/null || fail "csv"
	"$OV" findings list --db "$db" --since yesterday >/dev/null 2>&1
	[ $? = 2 ] || fail "--since with a bad date"
}

backend=sqlite
db="$tmp/store.db"
run_lifecycle
run_filters
if command -v sqlite3 >/dev/null; then
	[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] ||
	    fail "integrity_check"
fi
echo "ok: sqlite"

if [ -n "${OVERVISOR_TEST_PG:-}" ]; then
	backend=postgresql
	command -v psql >/dev/null || { echo "note: psql missing; PostgreSQL not tested"; exit 0; }
	pg_schema="ovlc_$$_$RANDOM"
	psql -q "$OVERVISOR_TEST_PG" -c "CREATE SCHEMA $pg_schema" >/dev/null ||
	    fail "cannot create schema"
	sep='?'
	case "$OVERVISOR_TEST_PG" in *\?*) sep='&' ;; esac
	db="${OVERVISOR_TEST_PG}${sep}options=-csearch_path%3D$pg_schema"
	run_lifecycle
	run_filters
	echo "ok: postgresql"
else
	echo "note: OVERVISOR_TEST_PG not set; PostgreSQL not tested"
fi
