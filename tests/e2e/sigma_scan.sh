#!/bin/bash
# SPDX-License-Identifier: MIT
# overvisor scan picks up the log files it is given: their Sigma
# detections join the posture findings in one report, with the scan's
# contract; without logs no detection appears; a bad log event is an
# input error (exit 3) that loses no valid detection.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
estate="$OV_SOURCE_DIR/examples/estate"
[ -f "$estate/manifest.json" ] || { echo "SKIP: no sample estate"; exit 77; }
S="$FIX/sigma"
contract="$OV_SOURCE_DIR/examples/contract.yaml"

expect_status 0 "$OV" scan --fail-on none --format json --contract "$contract" "$estate"
jq -e '[.findings[] | select(.source == "sigma")] | length == 0' "$TMP/out" >/dev/null ||
    fail "detections without logs"
posture=$(jq '.findings | length' "$TMP/out")

expect_status 0 "$OV" scan --fail-on none --format json --contract "$contract" \
    "$estate" "$S/activity_az_cli.json" "$S/signins_graph.json"
jq -e '[.findings[] | select(.source == "sigma")] | length == 12' "$TMP/out" >/dev/null ||
    fail "not 12 detections: $(jq '[.findings[] | select(.source == "sigma")] | length' "$TMP/out")"
all=$(jq '.findings | length' "$TMP/out")
[ "$all" -eq $((posture + 12)) ] || fail "posture findings changed: $posture + 12 != $all"
jq -e '[.findings[] | select(.source == "sigma" and .duty == "defender-triage" and
    .accountable == "Northbridge University IT Services")] | length == 12' "$TMP/out" >/dev/null ||
    fail "detections without the contract's accountable party"
jq -e '.findings[] | select(.title == "Successful Sign-In Rated High Risk") | .resource.id // .resourceId' "$TMP/out" |
    grep -q bob@contoso.com || fail "high-risk sign-in not on bob"

# A bad event in a log: exit 3, the detections still there.
{ cat "$S/activity_eventhub.ndjson"; echo '{"time":'; } >"$TMP/bad.ndjson"
expect_status 3 "$OV" scan --fail-on none --format json "$estate" "$TMP/bad.ndjson"
expect_grep "1 bad log event skipped" "$TMP/err"
jq -e '[.findings[] | select(.source == "sigma")] | length == 10' "$TMP/out" >/dev/null ||
    fail "detections lost around a bad event"
finish
