#!/bin/bash
# SPDX-License-Identifier: MIT
# Entra tenant posture end to end: on a tenant snapshot with every setting
# misconfigured (tests/fixtures/entra/misconfigured) each tenant check is
# reported with its Graph evidence, on the tenant resource, with its
# controls; on the clean twin nothing is; the framework view counts the
# analyzer's findings; and a snapshot without the Graph sources is
# indeterminate, never compliant.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
command -v jq >/dev/null 2>&1 || { echo "jq not installed: skipped"; exit 77; }
BAD="$FIX/entra/misconfigured"
GOOD="$FIX/entra/clean"
ORG=/providers/Microsoft.Graph/organization/3b1f7c52-0d4e-4a8e-9f61-2c7d5e0a1b01

scan() {
	expect_status "$1" "$OV" scan --no-rules --analyzer identity \
	    --format ndjson "${@:2}"
	jq -s . "$TMP/out" >"$TMP/f.json" || fail "scan output is not NDJSON"
}
# one RULE RESOURCE-SUFFIX: exactly one non-compliant finding of RULE
one() {
	jq -e --arg r "$1" --arg s "$2" '[.[] | select(.rule == $r and
	    .state == "non-compliant" and (.resource.id | endswith($s)))] |
	    length == 1' "$TMP/f.json" >/dev/null ||
	    fail "$1 not reported once on $2"
}
# ev RULE JQ-TEST: the finding of RULE has evidence passing the test
ev() {
	jq -e --arg r "$1" "[.[] | select(.rule == \$r) | .evidence[] |
	    select($2)] | length > 0" "$TMP/f.json" >/dev/null ||
	    fail "$1: no evidence with $2"
}

# The misconfigured tenant: exit 1 (findings at or above high).
scan 1 "$BAD"
one OV-IAM-063 /identitySecurityDefaultsEnforcementPolicy/00000000-0000-0000-0000-000000000005
for r in OV-IAM-064 OV-IAM-065 OV-IAM-066 OV-IAM-068 OV-IAM-070 \
    OV-IAM-072 OV-IAM-073 OV-IAM-074 OV-IAM-075; do
	one "$r" "$ORG"
done
one OV-IAM-071 /servicePrincipals/5a000000-0000-4000-8000-000000000001
jq -e '[.[] | select(.rule == "OV-IAM-063")][0] | .severity == "critical"
    and .duty == "identity-review" and (.controls | index("NIST-800-53:IA-2(1)"))
    != null' "$TMP/f.json" >/dev/null || fail "OV-IAM-063 severity, duty or controls"
ev OV-IAM-063 '.path == "identitySecurityDefaultsEnforcementPolicy.isEnabled" and .value == false'
ev OV-IAM-064 '.path == "roleAssignments.active" and .value == 5'
ev OV-IAM-065 '(.path | endswith(".signInActivity.lastSignInDateTime")) and .value == "2026-04-15T06:00:00Z"'
ev OV-IAM-066 '(.path | startswith("roleAssignments/ra-")) and (.message | test("permanent"))'
ev OV-IAM-068 '(.message | test("breakglass01@misconfigured.example"))'
ev OV-IAM-070 '(.path | endswith(".isTrusted")) and .value == false'
ev OV-IAM-071 '.path == "keyCredentials.endDateTime"'
ev OV-IAM-075 '(.path | endswith(".isMfaRegistered")) and .value == false'
jq -e '[.[] | select(.rule == "OV-IAM-067")] | length == 0' "$TMP/f.json" \
    >/dev/null || fail "an emergency account exists, OV-IAM-067 must not fire"
jq -e 'all(.[]; (.controls | length) > 0)' "$TMP/f.json" >/dev/null ||
    fail "an analyzer finding without controls"

# The contract names an emergency account that does not exist.
printf 'parties: {customer-it: {}}\nduties:\n  identity-review:\n    responsible: customer-it\n    accountable: customer-it\n    emergency-access: [ghost@misconfigured.example]\n' \
    >"$TMP/contract.yaml"
scan 1 --contract "$TMP/contract.yaml" "$BAD"
one OV-IAM-067 "$ORG"
ev OV-IAM-067 '.value == "ghost@misconfigured.example" and (.message | test("no user"))'

# The clean twin: no identity finding at all.
scan 0 "$GOOD"
jq -e 'length == 0' "$TMP/f.json" >/dev/null || {
	jq -r '.[] | .rule + " " + .title' "$TMP/f.json" >&2
	fail "findings on the clean tenant"
}

# The framework view counts the analyzer: IA-2(1) fails, then passes.
expect_status 1 "$OV" scan --no-rules --analyzer identity --format json \
    --framework nist-800-53-r5 "$BAD"
jq -e '.compliance.controls[] | select(.id == "NIST-800-53:IA-2(1)") |
    .status == "failed" and .failed > 0' "$TMP/out" >/dev/null ||
    fail "IA-2(1) not failed on the misconfigured tenant"
expect_status 0 "$OV" scan --no-rules --analyzer identity --format json \
    --framework nist-800-53-r5 "$GOOD"
jq -e '.compliance.controls[] | select(.id == "NIST-800-53:IA-2(1)") |
    .status == "passed"' "$TMP/out" >/dev/null ||
    fail "IA-2(1) not passed on the clean tenant"

# Graph sources missing: indeterminate, and named.
mkdir "$TMP/arm"
cp "$FIX/network/estate.ndjson" "$TMP/arm/"
scan 0 --fail-on high "$TMP/arm"
jq -e '[.[] | select(.rule | test("^OV-IAM-0(6[3-8]|7[0-5])$"))] |
    length == 11 and all(.state == "indeterminate")' "$TMP/f.json" \
    >/dev/null || fail "tenant checks on a snapshot without Graph"
ev OV-IAM-070 '(.message | test("graph:namedLocations"))'
expect_status 0 "$OV" scan --no-rules --analyzer identity --format json \
    --framework nist-800-53-r5 --fail-on high "$TMP/arm"
jq -e '.compliance.controls[] | select(.id == "NIST-800-53:IA-2(1)") |
    .status == "indeterminate"' "$TMP/out" >/dev/null ||
    fail "IA-2(1) must be indeterminate without Graph data"

finish
