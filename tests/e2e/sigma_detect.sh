#!/bin/bash
# SPDX-License-Identifier: MIT
# overvisor detect on the hand-written logs of tests/fixtures/sigma, in
# every shape overvisor reads: each planted event is reported, each benign
# twin is not, the three Activity Log shapes agree, every report format
# carries the detections, and input errors are reported with file:line.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
S="$FIX/sigma"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
export OVERVISOR_NOW=2026-11-10T00:00:00Z

# rules_of FILE: the sorted "title<TAB>resource" pairs of a JSON report.
rules_of() {
	jq -r '.findings[] | [.title, (.resource.id // .resourceId // "" | ascii_downcase)] | @tsv' "$1" | sort
}

for f in activity_az_cli.json activity_diag_blob.json activity_eventhub.ndjson; do
	expect_status 1 "$OV" detect --format json "$S/$f"
	cp "$TMP/out" "$TMP/$f.report"
	jq -e . "$TMP/$f.report" >/dev/null || fail "$f: report is not JSON"
done
rules_of "$TMP/activity_az_cli.json.report" >"$TMP/a"
rules_of "$TMP/activity_diag_blob.json.report" >"$TMP/b"
rules_of "$TMP/activity_eventhub.ndjson.report" >"$TMP/c"
cmp -s "$TMP/a" "$TMP/b" || fail "az CLI and diagnostic blob shapes disagree: $(diff "$TMP/a" "$TMP/b")"
cmp -s "$TMP/a" "$TMP/c" || fail "az CLI and Event Hubs shapes disagree: $(diff "$TMP/a" "$TMP/c")"

a="$TMP/a"
# Planted: one finding each.
for want in \
    "NSG Rule Opened To The Internet	/subscriptions/3f2a8c1e-6b7d-4e21-9a55-0c8d7e6f1a2b/resourcegroups/rg-web/providers/microsoft.network/networksecuritygroups/nsg-web/securityrules/allow-rdp" \
    "Azure Policy Assignment Deleted	/subscriptions/3f2a8c1e-6b7d-4e21-9a55-0c8d7e6f1a2b/providers/microsoft.authorization/policyassignments/require-tags" \
    "Azure Policy Assignment Set To DoNotEnforce	/subscriptions/3f2a8c1e-6b7d-4e21-9a55-0c8d7e6f1a2b/providers/microsoft.authorization/policyassignments/deny-public-ip" \
    "Defender For Cloud Plan Downgraded To Free	/subscriptions/3f2a8c1e-6b7d-4e21-9a55-0c8d7e6f1a2b/providers/microsoft.security/pricings/virtualmachines" \
    "Owner Or User Access Administrator Assigned At Subscription Scope	/subscriptions/3f2a8c1e-6b7d-4e21-9a55-0c8d7e6f1a2b/providers/microsoft.authorization/roleassignments/7f3e2d1c-0000-4000-8000-000000000001" \
    "Backup Vault Soft Delete Disabled	/subscriptions/3f2a8c1e-6b7d-4e21-9a55-0c8d7e6f1a2b/resourcegroups/rg-web/providers/microsoft.recoveryservices/vaults/rsv-prod/backupconfig/vaultconfig" \
    "Backup Policy Deleted Or Protection Stopped	/subscriptions/3f2a8c1e-6b7d-4e21-9a55-0c8d7e6f1a2b/resourcegroups/rg-web/providers/microsoft.recoveryservices/vaults/rsv-prod/backuppolicies/dailypolicy" \
    "Diagnostic Setting Or Activity Log Alert Deleted	/subscriptions/3f2a8c1e-6b7d-4e21-9a55-0c8d7e6f1a2b/providers/microsoft.insights/diagnosticsettings/to-sentinel" \
    "Storage Account Public Blob Access Enabled	/subscriptions/3f2a8c1e-6b7d-4e21-9a55-0c8d7e6f1a2b/resourcegroups/rg-web/providers/microsoft.storage/storageaccounts/stwebassets" \
    "SQL Server Firewall Rule Allows All Addresses	/subscriptions/3f2a8c1e-6b7d-4e21-9a55-0c8d7e6f1a2b/resourcegroups/rg-web/providers/microsoft.sql/servers/sql-prod/firewallrules/allowall"; do
	grep -qxF "$want" "$a" || fail "not detected: $want"
done
# Benign twins: nothing else.
[ "$(wc -l <"$a")" -eq 10 ] || fail "activity: $(wc -l <"$a") detections, expected 10: $(cat "$a")"
for twin in allow-rdp-corp deny-any allow-out allowed-locations storageaccounts/stlogs firewallrules/office \
    rsv-dev weeklypolicy pricings/storageaccounts 7f3e2d1c-0000-4000-8000-000000000002 7f3e2d1c-0000-4000-8000-000000000003 vm-web-1; do
	! grep -q "$twin" "$a" || fail "benign twin detected: $twin"
done

# Sign-ins: Graph page and diagnostic NDJSON.
expect_status 1 "$OV" detect --format json "$S/signins_graph.json"
rules_of "$TMP/out" >"$TMP/s"
expect_grep "Successful Sign-In With Legacy Authentication	printer@contoso.com" "$TMP/s"
expect_grep "Successful Sign-In Rated High Risk	bob@contoso.com" "$TMP/s"
[ "$(wc -l <"$TMP/s")" -eq 2 ] || fail "graph sign-ins: $(cat "$TMP/s")"
expect_status 1 "$OV" detect --format json "$S/signins_diag.ndjson"
rules_of "$TMP/out" >"$TMP/s"
expect_grep "Password Spray From One Address	203.0.113.66" "$TMP/s"
expect_grep "Successful Sign-In With Legacy Authentication	scanner@contoso.com" "$TMP/s"
[ "$(wc -l <"$TMP/s")" -eq 2 ] || fail "diagnostic sign-ins: $(cat "$TMP/s")"

# Log Analytics SigninLogs rows, out of order: brute force against one
# account (20 failures in 10 minutes); not 19, not 20 spread over 30.
expect_status 0 "$OV" detect --format json "$S/signins_loganalytics.ndjson"
rules_of "$TMP/out" >"$TMP/s"
[ "$(cat "$TMP/s")" = "Password Brute Force Against One Account	victim@contoso.com" ] ||
    fail "brute force: $(cat "$TMP/s")"

# Audit logs, both shapes, and risk detections.
for f in audit_graph.json audit_diag.ndjson; do
	expect_status 1 "$OV" detect --format json "$S/$f"
	rules_of "$TMP/out" >"$TMP/u"
	expect_grep "Conditional Access Policy Disabled, Report-Only Or Deleted	0b1c2d3e-0000-4000-8000-000000000022" "$TMP/u"
	expect_grep "Conditional Access Policy Disabled, Report-Only Or Deleted	0b1c2d3e-0000-4000-8000-000000000017" "$TMP/u"
	expect_grep "Conditional Access Policy Disabled, Report-Only Or Deleted	0b1c2d3e-0000-4000-8000-000000000009" "$TMP/u"
	expect_grep "Member Added To A Privileged Directory Role	mallory@contoso.com" "$TMP/u"
	expect_grep "Per-User MFA Disabled Or Security Info Removed	grace@contoso.com" "$TMP/u"
	[ "$(wc -l <"$TMP/u")" -eq 5 ] || fail "$f: $(cat "$TMP/u")"
done
expect_status 1 "$OV" detect --format json "$S/risk_graph.json"
rules_of "$TMP/out" >"$TMP/r"
[ "$(cat "$TMP/r")" = "High-Risk Identity Protection Detection	heidi@contoso.com" ] || fail "risk: $(cat "$TMP/r")"

# A directory of logs: everything at once; the finding model is complete.
expect_status 1 "$OV" detect --format json --tenant 8d1e5c2a-4b3f-4c6d-9e7a-1f2b3c4d5e6f "$S"
jq -e '[.findings[] | select(.duty != "defender-triage")] | length == 0' "$TMP/out" >/dev/null ||
    fail "a detection without duty defender-triage"
jq -e '[.findings[] | select((.controls | length) == 0)] | length == 0' "$TMP/out" >/dev/null ||
    fail "a detection without ATT&CK controls"
jq -e '[.findings[] | select(.due == null)] | length == 0' "$TMP/out" >/dev/null ||
    fail "a detection without a due date"
jq -e '[.findings[] | .controls[] | select(startswith("ATT&CK T") | not)] | length == 0' "$TMP/out" >/dev/null ||
    fail "a control that is not an ATT&CK technique"

# Every report format.
for fmt in text json ndjson csv sarif junit ocsf html; do
	expect_status 1 "$OV" detect --format "$fmt" --output "$TMP/r.$fmt" "$S/activity_az_cli.json"
	expect_grep "NSG Rule Opened To The Internet" "$TMP/r.$fmt"
done
jq -e '.runs[0].results | length == 10' "$TMP/r.sarif" >/dev/null || fail "sarif: not 10 results"
jq -e '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri' "$TMP/r.sarif" >/dev/null ||
    fail "sarif: no location"
[ "$(wc -l <"$TMP/r.ndjson")" -eq 10 ] || fail "ndjson: not 10 lines"

# --fail-on, --since and --until.
expect_status 0 "$OV" detect --fail-on none "$S/activity_az_cli.json"
expect_status 0 "$OV" detect --fail-on critical --since 2026-11-02T14:30:00Z "$S/activity_az_cli.json"
expect_status 1 "$OV" detect --format json --since 2026-11-02T12:00:00Z --until 2026-11-02T13:00:00Z "$S/activity_az_cli.json"
[ "$(jq '.findings | length' "$TMP/out")" = 1 ] || fail "--since/--until kept $(jq '.findings | length' "$TMP/out")"

# Bad events: reported with file:line, skipped, exit 3, the rest detected.
{ head -c 300 "$S/activity_eventhub.ndjson"; echo; cat "$S/activity_eventhub.ndjson"; echo '{"no":"event"}'; } >"$TMP/bad.ndjson"
expect_status 3 "$OV" detect --format json "$TMP/bad.ndjson"
expect_grep "bad.ndjson:1:301: unexpected end of input" "$TMP/err"
expect_grep "bad.ndjson:24:1: not an activity log, sign-in, audit or risk detection event" "$TMP/err"
[ "$(jq '.findings | length' "$TMP/out")" = 10 ] || fail "valid events lost around bad ones"

# A file that is no log: a few errors, then the rest is skipped.
printf 'title: x\nfoo: bar\nbaz: 1\nqux: 2\nmore: 3\nand: 4\n' >"$TMP/notalog.json"
expect_status 3 "$OV" detect "$TMP/notalog.json"
expect_grep "notalog.json:4:1: no log overvisor reads; rest of the file skipped" "$TMP/err"
[ "$(grep -c notalog.json "$TMP/err")" -eq 4 ] || fail "not a log: $(cat "$TMP/err")"

# Usage errors.
expect_status 2 "$OV" detect
expect_status 2 "$OV" detect --since yesterday "$S"
expect_status 2 "$OV" detect --evidence 0 "$S"
expect_status 2 "$OV" detect --format pdf "$S"
expect_status 2 "$OV" detect --no-bundled "$S"
expect_status 3 "$OV" detect "$TMP/none.json"
finish
