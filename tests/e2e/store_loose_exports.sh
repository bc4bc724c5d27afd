#!/bin/bash
# SPDX-License-Identifier: MIT
# Resolution without a manifest: plain `az rest` ARM lists and `az graph
# query` Resource Graph responses, recorded with `overvisor scan --db`.
#
#   1 baseline: stnburesearch01 allows public blobs (OV-STG-003), the key
#     vault kv-nbu-labs-01 has no purge protection (OV-KV-001)
#   2 both fixed in the exports, and stnburesearch02 left out of them
#     -> the two findings resolve (their resources are in the scan and the
#        rules pass); findings on the absent account stay as they were
#   3 reintroduced -> reopened
#   4 --no-rules, fixed again -> nothing resolved (the rules did not run)
#   5 a manifest snapshot whose arg:resources is partial (a short file
#     under `count: 700`), fixed again -> nothing resolved
#   6 the same snapshot marked collected -> resolved
#   7 reintroduced; 8 fixed, but a source named after a file is partial
#     -> nothing resolved
# Runs on SQLite, and again on PostgreSQL when OVERVISOR_TEST_PG is set.
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
fail() { echo "FAIL [$backend]: $*" >&2; exit 1; }
unset OVERVISOR_NOW
export LC_ALL=C
estate="$OV_SOURCE_DIR/examples/estate"
[ -f "$estate/manifest.json" ] || { echo "SKIP: no sample estate"; exit 77; }
RES="$estate/arg-resources.ndjson"

pick() { grep -E "\"name\":\"($1)\"" "$RES"; }

# exports N STG_PUBLIC KV_PURGE [ACCOUNTS]: snapshot N as two loose
# exports, an ARM list (`az rest`) of two storage accounts and a Resource
# Graph response (`az graph query`) of the vaults.
exports() {
	local d="$tmp/x$1"
	rm -rf "$d"
	mkdir -p "$d"
	pick "${4:-stnburesearch01|stnburesearch02}" |
	    jq -s --argjson p "$2" '{value: map(if .name == "stnburesearch01"
	    then .properties.allowBlobPublicAccess = $p else . end)}' \
	    >"$d/storage.json" || fail "exports $1"
	pick 'kv-nbu-labs-01|kv-nbu-prod-01' |
	    jq -s --argjson k "$3" 'map(if .name == "kv-nbu-labs-01" then
	    .properties.enablePurgeProtection = $k else . end) |
	    {count: length, data: ., skip_token: null,
	    total_records: length}' >"$d/graph.json" || fail "exports $1"
}

scan() {	# scan DIR DATE [extra args]
	local d="$1" t="$2"
	shift 2
	OVERVISOR_NOW="$t" "$OV" scan "$d" --db "$db" "$@" -o /dev/null \
	    2>"$tmp/scan.err"
	local rc=$?
	# a partial source is an input problem: exit 3, the scan still stored
	[ $rc -le 1 ] || { [ $rc -eq 3 ] &&
	    grep -q 'partial or failed' "$tmp/scan.err"; } ||
	    fail "scan $d exit $rc: $(cat "$tmp/scan.err")"
}
list() { "$OV" findings list --db "$db" --format json; }
# state RULE NAME: the tracked state of RULE on the resource named NAME
state() {
	list | jq -r --arg r "$1" --arg n "$2" '[.[] | select(.rule == $r and
	    (.resourceId | ascii_downcase | endswith("/" + $n)))] |
	    if length == 1 then .[0].state else "missing(\(length))" end'
}
expect() {	# expect RULE NAME STATE WHAT
	local got
	got=$(state "$1" "$2")
	[ "$got" = "$3" ] || fail "$4: $1 on $2 is '$got', expected '$3'"
}
snapshot_of() {	# snapshot_of N STATUS: manifest snapshot, a short file
	local d="$tmp/m$1"
	rm -rf "$d"
	mkdir -p "$d"
	cp "$estate/manifest.json" "$d/"
	# 100 of the 700 lines, the fixed account among them
	head -n 100 "$RES" | grep -v '"name":"stnburesearch01"' \
	    >"$d/arg-resources.ndjson"
	pick stnburesearch01 | jq -c '.properties.allowBlobPublicAccess =
	    false' >>"$d/arg-resources.ndjson"
	# the count is the file's, so only the status says partial (a
	# count the files do not hold makes the source partial by itself)
	jq -c --arg st "$2" --arg extra "${3:-}" \
	    --argjson n "$(wc -l <"$d/arg-resources.ndjson")" \
	    '.sources |= (map(select(.name == "arg:resources") |
	    .status = $st | .count = $n) + (if $extra == "" then [] else
	    [{name: $extra, status: "partial"}] end))' \
	    "$estate/manifest.json" >"$d/manifest.json"
}

run_all() {
	local fp

	exports 1 true false
	scan "$tmp/x1" 2026-11-01T06:00:00Z
	expect OV-STG-003 stnburesearch01 new "scan 1"
	expect OV-KV-001 kv-nbu-labs-01 new "scan 1"
	list | jq -e 'any(.[]; .rule == "OV-STG-003" and
	    (.resourceId | endswith("stnburesearch02")))' >/dev/null &&
	    fail "scan 1: the clean twin is reported"
	list | jq -c '[.[] | select(.resourceId | ascii_downcase |
	    endswith("/stnburesearch02")) | {fingerprint, state}] |
	    sort_by(.fingerprint)' >"$tmp/absent.before"

	# 2: fixed; the other account absent from the exports.
	exports 2 false true stnburesearch01
	scan "$tmp/x2" 2026-11-02T06:00:00Z
	expect OV-STG-003 stnburesearch01 resolved "scan 2 (fixed, no manifest)"
	expect OV-KV-001 kv-nbu-labs-01 resolved "scan 2 (fixed, no manifest)"
	# still failing rules on the same resources stay open
	expect OV-STG-004 stnburesearch01 open "scan 2 (still failing)"
	list | jq -c '[.[] | select(.resourceId | ascii_downcase |
	    endswith("/stnburesearch02")) | {fingerprint, state}] |
	    sort_by(.fingerprint)' >"$tmp/absent.after"
	[ -s "$tmp/absent.before" ] && [ "$(cat "$tmp/absent.before")" != "[]" ] ||
	    fail "scan 1: no finding tracked on stnburesearch02"
	cmp -s "$tmp/absent.before" "$tmp/absent.after" ||
	    fail "scan 2: findings of a resource absent from exports changed:
	    $(cat "$tmp/absent.before") -> $(cat "$tmp/absent.after")"
	fp=$(list | jq -r '.[] | select(.rule == "OV-STG-003") | .fingerprint')
	"$OV" findings show "${fp:0:12}" --db "$db" >"$tmp/show" ||
	    fail "findings show"
	grep -q "resolved.*evaluated and passed" "$tmp/show" ||
	    fail "scan 2: the resolution does not say why: $(cat "$tmp/show")"

	# 3: reintroduced.
	exports 3 true false
	scan "$tmp/x3" 2026-11-03T06:00:00Z
	expect OV-STG-003 stnburesearch01 reopened "scan 3"
	expect OV-KV-001 kv-nbu-labs-01 reopened "scan 3"

	# 4: fixed, but the rules were not evaluated.
	exports 4 false true
	scan "$tmp/x4" 2026-11-04T06:00:00Z --no-rules
	expect OV-STG-003 stnburesearch01 reopened "scan 4 (--no-rules)"
	expect OV-KV-001 kv-nbu-labs-01 reopened "scan 4 (--no-rules)"

	# 5: a truncated collection (partial) resolves nothing, not even the
	# account that is present and fixed.
	snapshot_of 5 partial
	scan "$tmp/m5" 2026-11-05T06:00:00Z
	expect OV-STG-003 stnburesearch01 reopened "scan 5 (partial source)"
	"$OV" diff --db "$db" --format json | jq -e 'any(.[];
	    .kind == "finding-resolved") | not' >/dev/null ||
	    fail "scan 5: the partial collection resolved findings"

	# 6: the same data with the source collected in full.
	snapshot_of 6 collected
	scan "$tmp/m6" 2026-11-06T06:00:00Z
	expect OV-STG-003 stnburesearch01 resolved "scan 6 (collected)"

	# 7, 8: reintroduced, then fixed in a snapshot where a source the
	# type map does not know (named after a file) came in partial: it
	# may have carried anything, so nothing resolves.
	exports 7 true false
	scan "$tmp/x7" 2026-11-07T06:00:00Z
	expect OV-STG-003 stnburesearch01 reopened "scan 7"
	snapshot_of 8 collected file:extra-export.json
	scan "$tmp/m8" 2026-11-08T06:00:00Z
	expect OV-STG-003 stnburesearch01 reopened "scan 8 (unknown partial source)"
}

backend=sqlite
db="$tmp/store.db"
run_all
if [ -n "${OVERVISOR_TEST_PG:-}" ] && command -v psql >/dev/null; then
	backend=postgresql
	pg_schema="ov_loose_$$"
	psql -q "$OVERVISOR_TEST_PG" -c "CREATE SCHEMA $pg_schema" >/dev/null ||
	    fail "cannot create schema"
	case "$OVERVISOR_TEST_PG" in
	*\?*) db="$OVERVISOR_TEST_PG&options=-csearch_path%3D$pg_schema" ;;
	*) db="$OVERVISOR_TEST_PG?options=-csearch_path%3D$pg_schema" ;;
	esac
	run_all
fi
echo ok
