#!/bin/sh
# SPDX-License-Identifier: MIT
# overvisor network diff --exceptions: an added or widened NSG allow rule is
# a finding unless an exceptions.yaml entry (rule glob over OV-NET-130/131,
# resource glob over the NSG rule id) covers it and has not expired.
# Fixtures: tests/fixtures/network/drift-*.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
F="$FIX/network"
OVERVISOR_NOW=2026-11-01T00:00:00Z
export OVERVISOR_NOW
R=/subscriptions/00000000-0000-0000-0000-0000000000dd/resourceGroups/rg-drift/providers/Microsoft.Network/networkSecurityGroups

# without exceptions: the three added/widened allow rules are findings
expect_status 1 "$OV" network diff "$F/drift-baseline.ndjson" \
    "$F/drift-current.ndjson" --findings
cp "$TMP/out" "$TMP/plain.txt"
expect_grep "high OV-NET-130 $R/nsg-drift-app/securityRules/allow-ssh-vendor " "$TMP/plain.txt"
expect_grep "high OV-NET-130 $R/nsg-drift-app/securityRules/allow-rdp-temp " "$TMP/plain.txt"
expect_grep "high OV-NET-131 $R/nsg-drift-app/securityRules/allow-web " "$TMP/plain.txt"
expect_grep "low OV-NET-130 $R/nsg-drift-ops/securityRules/allow-monitoring-out " "$TMP/plain.txt"
# a deny rule, a removed rule and unchanged rules are never findings
expect_no_grep "OV-NET-130 $R/nsg-drift-app/securityRules/deny-smb" "$TMP/plain.txt"
expect_no_grep "OV-NET-13? $R/nsg-drift-app/securityRules/allow-lb" "$TMP/plain.txt"
expect_no_grep "deny-all-tcp" "$TMP/plain.txt"

# with exceptions.yaml
expect_status 1 "$OV" network diff "$F/drift-baseline.ndjson" \
    "$F/drift-current.ndjson" --exceptions "$F/drift-exceptions.yaml" \
    --findings
cp "$TMP/out" "$TMP/exc.txt"
# active entry: no finding, the change names the exception
expect_no_grep "OV-NET-130 $R/nsg-drift-app/securityRules/allow-ssh-vendor" "$TMP/exc.txt"
expect_grep "CHG-1001" "$TMP/exc.txt"
# expired entry: still a finding, with the lapsed exception as evidence
expect_grep "high OV-NET-130 $R/nsg-drift-app/securityRules/allow-rdp-temp " "$TMP/exc.txt"
expect_grep "the exception covering this rule has expired" "$TMP/exc.txt"
# an entry for another check (added, not widened) does not cover
expect_grep "high OV-NET-131 $R/nsg-drift-app/securityRules/allow-web " "$TMP/exc.txt"
# an entry for another NSG does not cover
expect_grep "low OV-NET-130 $R/nsg-drift-ops/securityRules/allow-monitoring-out " "$TMP/exc.txt"

# JSON: excepted flags
expect_status 1 "$OV" network diff "$F/drift-baseline.ndjson" \
    "$F/drift-current.ndjson" --exceptions "$F/drift-exceptions.yaml" \
    --format json
if command -v jq >/dev/null 2>&1; then
	jq -e '[.changes[] | select(.excepted)] | map(.name) == ["allow-ssh-vendor"]' \
	    "$TMP/out" >/dev/null || fail "only allow-ssh-vendor is excepted"
	jq -e '[.changes[] | select(.name == "allow-rdp-temp")][0].exception | test("CHG-1002")' \
	    "$TMP/out" >/dev/null || fail "allow-rdp-temp names its expired exception"
fi

# after the active entry expires, it no longer covers
OVERVISOR_NOW=2027-02-01T00:00:00Z expect_status 1 "$OV" network diff \
    "$F/drift-baseline.ndjson" "$F/drift-current.ndjson" \
    --exceptions "$F/drift-exceptions.yaml" --findings
expect_grep "high OV-NET-130 $R/nsg-drift-app/securityRules/allow-ssh-vendor " "$TMP/out"

# an entry without an expiry is rejected (input error, exit 3)
printf 'exceptions:\n  - rule: OV-NET-130\n    resource: "*"\n    justification: x\n    approver: y\n    ticket: z\n' \
    >"$TMP/noexpiry.yaml"
expect_status 3 "$OV" network diff "$F/drift-baseline.ndjson" \
    "$F/drift-current.ndjson" --exceptions "$TMP/noexpiry.yaml"
expect_status 3 "$OV" network diff "$F/drift-baseline.ndjson" \
    "$F/drift-current.ndjson" --exceptions "$TMP/missing.yaml"

finish
