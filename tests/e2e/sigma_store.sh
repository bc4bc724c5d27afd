#!/bin/bash
# SPDX-License-Identifier: MIT
# Detections in the findings store follow the lifecycle: the first run
# opens them (new), a repeat of the same detection on the same resource or
# principal updates the finding (open, first seen kept) instead of
# opening another, a new detection is added, and nothing is resolved by
# its absence from a later log.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
S="$FIX/sigma"
DB="$TMP/findings.db"
T=8d1e5c2a-4b3f-4c6d-9e7a-1f2b3c4d5e6f

export OVERVISOR_NOW=2026-11-10T00:00:00Z
expect_status 1 "$OV" detect --db "$DB" --tenant $T "$S/activity_az_cli.json" "$S/signins_graph.json"
expect_status 0 "$OV" findings list --db "$DB" --format json
jq -e 'length == 12' "$TMP/out" >/dev/null || fail "first run: $(jq length "$TMP/out") findings, expected 12"
jq -e 'all(.[]; .state == "new")' "$TMP/out" >/dev/null || fail "first run: not all new"
jq -e 'all(.[]; .duty == "defender-triage")' "$TMP/out" >/dev/null || fail "first run: duty"
first=$(jq -r '[.[] | select(.title == "NSG Rule Opened To The Internet")][0].first_seen // [.[] | select(.title == "NSG Rule Opened To The Internet")][0].firstSeen' "$TMP/out")
[ -n "$first" ] && [ "$first" != null ] || fail "no first seen: $(head -c 400 "$TMP/out")"

# The same logs again (another export of them, in another shape), later.
export OVERVISOR_NOW=2026-11-11T00:00:00Z
expect_status 1 "$OV" detect --db "$DB" --tenant $T "$S/activity_diag_blob.json" "$S/signins_graph.json"
expect_status 0 "$OV" findings list --db "$DB" --format json
jq -e 'length == 12' "$TMP/out" >/dev/null || fail "repeat: $(jq length "$TMP/out") findings, expected 12 (a repeat opened new ones)"
jq -e 'all(.[]; .state == "open")' "$TMP/out" >/dev/null || fail "repeat: not all open: $(jq -r '.[].state' "$TMP/out" | sort | uniq -c)"
again=$(jq -r '[.[] | select(.title == "NSG Rule Opened To The Internet")][0].first_seen // [.[] | select(.title == "NSG Rule Opened To The Internet")][0].firstSeen' "$TMP/out")
[ "$first" = "$again" ] || fail "first seen moved: $first -> $again"

# A log without those events resolves nothing; new detections are added.
export OVERVISOR_NOW=2026-11-12T00:00:00Z
expect_status 1 "$OV" detect --db "$DB" --tenant $T "$S/audit_graph.json"
expect_status 0 "$OV" findings list --db "$DB" --format json
jq -e 'length == 17' "$TMP/out" >/dev/null || fail "third run: $(jq length "$TMP/out") findings, expected 17"
jq -e '[.[] | select(.state == "resolved")] | length == 0' "$TMP/out" >/dev/null || fail "a detection was resolved by its absence"
jq -e '[.[] | select(.state == "new")] | length == 5' "$TMP/out" >/dev/null || fail "third run: not 5 new"
expect_status 0 "$OV" scans list --db "$DB" --format json
jq -e 'length == 3' "$TMP/out" >/dev/null || fail "not 3 scans recorded"

# Posture scans with a complete manifest cover the detections' resource
# types, but a detection is an event: no later scan resolves it.
estate="$OV_SOURCE_DIR/examples/estate"
if [ -f "$estate/manifest.json" ]; then
	ET=$(jq -r '.tenantId' "$estate/manifest.json")
	DB2="$TMP/mixed.db"
	export OVERVISOR_NOW=2026-11-10T00:00:00Z
	expect_status 1 "$OV" detect --db "$DB2" --tenant "$ET" "$S/activity_az_cli.json" "$S/signins_graph.json"
	for d in 2026-11-11 2026-11-12; do
		export OVERVISOR_NOW=${d}T00:00:00Z
		expect_status 0 "$OV" scan --db "$DB2" --fail-on none "$estate"
	done
	expect_status 0 "$OV" findings list --db "$DB2" --format json
	jq -e '[.[] | select(.source == "sigma" or (.rule | test("^[0-9a-f]{8}-")))] | length == 12' "$TMP/out" >/dev/null ||
	    fail "mixed store: not 12 detections"
	jq -e '[.[] | select(.rule | test("^[0-9a-f]{8}-")) | select(.state == "resolved")] | length == 0' "$TMP/out" >/dev/null ||
	    fail "a posture scan resolved a detection"
fi
finish
