#!/bin/sh
# SPDX-License-Identifier: MIT
# The sample estate's planted duty problems (examples/README.md: patching,
# identity, Defender, policy enforcement, backup) are reported by the duty
# analyzers with examples/contract.yaml, and their clean twins are not; then
# `contract check` prints the eight-question table with evidence and gaps.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
command -v jq >/dev/null 2>&1 || { echo "jq not installed: skipped"; exit 77; }
EST="$OV_SOURCE_DIR/examples/estate"
CONTRACT="$OV_SOURCE_DIR/examples/contract.yaml"
[ -f "$EST/manifest.json" ] || { echo "no sample estate: skipped"; exit 77; }

expect_status 0 "$OV" scan --no-rules --analyzer patch --analyzer identity \
    --analyzer defender --analyzer policy_enforcement --analyzer backup \
    --analyzer accountability --contract "$CONTRACT" --format ndjson \
    --fail-on none "$EST"
jq -s . "$TMP/out" >"$TMP/f.json" || fail "scan output is not NDJSON"

# has RULE RESOURCE-SUFFIX: a finding of RULE whose resource id ends so
has() {
	jq -e --arg r "$1" --arg s "$2" '[.[] | select(.rule == $r and
	    (.resource.id | ascii_downcase | endswith($s | ascii_downcase)))]
	    | length == 1' "$TMP/f.json" >/dev/null || fail "missing $1 on $2"
}
# none RESOURCE-SUFFIX: no duty finding on a resource ending so
none() {
	jq -e --arg s "$1" '[.[] | select(.resource.id | ascii_downcase |
	    endswith($s | ascii_downcase))] | length == 0' "$TMP/f.json" \
	    >/dev/null || fail "unexpected finding on clean twin $1"
}
VM=/providers/Microsoft.Compute/virtualMachines

# Patching (PAT-1..9)
has OV-PATCH-001 "$VM/vm-sis-db-01"
has OV-PATCH-001 "$VM/vm-fin-app-01"
has OV-PATCH-001 "$VM/vm-hpc-head-01"
has OV-PATCH-001 "$VM/vm-sis-app-04"
has OV-PATCH-003 "$VM/vm-lab-win-07"
has OV-PATCH-004 "$VM/vm-legacy-print-01"
has OV-PATCH-006 "$VM/vm-fin-batch-01"
has OV-PATCH-006 "$VM/vm-gen-analysis-01"
none "$VM/vm-sis-db-02"
none "$VM/vm-sis-app-03"
none "$VM/vm-lab-win-08"
none "$VM/vm-fin-batch-02"
none "$VM/vm-fin-app-02"
jq -e '[.[] | select(.rule == "OV-PATCH-001" and
    (.resource.id | endswith("vm-sis-app-04")))][0] |
    .duty == "os-patching" and .layer == "operating-system" and
    .accountable == "Northbridge University IT Services" and
    (.owner == "customer" or .owner == "shared") and .due != null' "$TMP/f.json" >/dev/null ||
    fail "patch finding lacks duty, layer, owner, accountable or due"

# Identity (IDN-1..11)
for id in 4f5f93d2-d151-42bd-8f9c-fbe608bab50c \
    adaf353c-bd14-4c34-b22a-1f39000d13c1; do
	has OV-IAM-052 "/conditionalAccessPolicies/$id"
done
jq -e '[.[] | select(.rule == "OV-IAM-051")] | length == 1' "$TMP/f.json" \
    >/dev/null || fail "disabled CA policy not reported once"
for r in OV-IAM-054 OV-IAM-055 OV-IAM-058 OV-IAM-060 OV-IAM-061; do
	jq -e --arg r "$r" '[.[] | select(.rule == $r)] | length == 1' \
	    "$TMP/f.json" >/dev/null || fail "$r not reported exactly once"
done
jq -e '[.[] | select(.rule == "OV-IAM-053")] | length == 0' "$TMP/f.json" \
    >/dev/null || fail "MFA for administrators is enforced (CA001)"
jq -e '[.[] | select(.rule == "OV-IAM-056") | .title] |
    (map(test("adm.jpatel")) | any) and (map(test("adm.kchen")) | any) and
    (map(test("rmorgan|lnguyen")) | any | not)' "$TMP/f.json" >/dev/null ||
    fail "privileged holders without MFA (IDN-5/6) or twins wrong"
jq -e '[.[] | select(.rule == "OV-IAM-062") | .title] |
    (map(test("tom.becker")) | any) and (map(test("anna.schmidt")) | any
    | not)' "$TMP/f.json" >/dev/null || fail "guest with privilege (IDN-7)"
jq -e '[.[] | select(.rule == "OV-IAM-057") | .title] |
    (map(test("m.okafor")) | any) and (map(test("d.walsh")) | any | not)' \
    "$TMP/f.json" >/dev/null || fail "UAA without MFA (IDN-9) or twin"
jq -e '[.[] | select(.rule == "OV-IAM-060" or .rule == "OV-IAM-061" or
    .rule == "OV-IAM-059") | .title] | (map(test("nbu-sis-integration")) |
    any) and (map(test("nbu-lms-sync")) | any) and
    (map(test("nbu-payroll-connector|nbu-backup-automation")) | any | not)' \
    "$TMP/f.json" >/dev/null || fail "service principal credentials"

# Entra tenant posture (IDN-12..21), on the organization record
ORG=/providers/Microsoft.Graph/organization/9c604f63-ccd5-4398-bdc0-16be163216f0
for r in OV-IAM-064 OV-IAM-065 OV-IAM-066 OV-IAM-068 OV-IAM-072 OV-IAM-074 \
    OV-IAM-075; do
	has "$r" "$ORG"
done
for r in OV-IAM-063 OV-IAM-067 OV-IAM-070 OV-IAM-073; do
	jq -e --arg r "$r" '[.[] | select(.rule == $r)] | length == 0' \
	    "$TMP/f.json" >/dev/null || fail "$r on the estate (clean twin)"
done
# msgs RULE: the evidence messages of RULE, one string
msgs() {
	jq -r --arg r "$1" '[.[] | select(.rule == $r) | .evidence[].message]
	    | join("\n")' "$TMP/f.json"
}
jq -e '[.[] | select(.rule == "OV-IAM-064")][0].title |
    test("^6 Global Administrators")' "$TMP/f.json" >/dev/null ||
    fail "Global Administrator count (IDN-13)"
msgs OV-IAM-065 | grep -q "adm.kchen@" || fail "stale privileged (IDN-14)"
msgs OV-IAM-065 | grep -q "adm.lnguyen@" && fail "89 days is not stale (IDN-14)"
[ "$(msgs OV-IAM-066 | grep -c permanent)" -eq 5 ] ||
    fail "five standing assignments (IDN-15)"
msgs OV-IAM-066 | grep -Eq "h.ito|s.fraser|breakglass" &&
    fail "activations or emergency accounts reported as standing (IDN-15)"
msgs OV-IAM-068 | grep -q "^'CA007" || fail "CA007 and the emergency accounts (IDN-16)"
msgs OV-IAM-068 | grep -Eq "^'CA00[1-6]" && fail "CA001..006 exclude them (IDN-16)"
has OV-IAM-071 /servicePrincipals/$(jq -r 'select(.displayName ==
    "nbu-room-booking") | .id' "$EST/graph-serviceprincipals.ndjson")
jq -e '[.[] | select(.rule == "OV-IAM-071")] | length == 1' "$TMP/f.json" \
    >/dev/null || fail "only nbu-room-booking expires within 30 days (IDN-18)"
jq -e '[.[] | select(.rule == "OV-IAM-072")][0].title |
    test("^44 enabled accounts")' "$TMP/f.json" >/dev/null ||
    fail "inactive accounts (IDN-19)"
msgs OV-IAM-072 | grep -q "adm.kchen@" || fail "kchen is inactive too (IDN-19)"

# Defender (DEF-1..10)
P=/providers/Microsoft.Security/pricings
jq -e --arg p "$P" '[.[] | select(.rule == "OV-DEF-051") | .resource.id |
    sub(".*/pricings/"; "")] | sort == ["KeyVaults", "SqlServers",
    "StorageAccounts", "VirtualMachines"]' "$TMP/f.json" >/dev/null ||
    fail "Defender plans off (DEF-1/2/3)"
jq -e '[.[] | select((.rule == "OV-DEF-053" or .rule == "OV-DEF-054") and
    .severity == "high") | .title] | length == 5' "$TMP/f.json" \
    >/dev/null || fail "high items past triage SLA (DEF-4..8)"
jq -e '[.[] | select(.rule == "OV-DEF-054" and .severity == "medium") |
    .title] | length == 1 and (.[0] | test("Suspicious SSH login"))' \
    "$TMP/f.json" >/dev/null || fail "medium alert past the alert SLA (DEF-9)"
jq -e '[.[] | select(.rule == "OV-DEF-054")] | length == 3' \
    "$TMP/f.json" >/dev/null || fail "alert clean twins (DEF-7/8)"
jq -e '[.[] | select(.rule == "OV-DEF-055") | .resource.id] | length == 2
    and all(test("vm-legacy-print-01|rg-legacy-prod"))' "$TMP/f.json" \
    >/dev/null || fail "unowned high items (DEF-4/7)"
jq -e '[.[] | select(.rule | startswith("OV-DEF")) | .resource.id] |
    map(test("vm-fin-app-02|vm-lab-win-02|stnbuprodsis01")) | any | not' \
    "$TMP/f.json" >/dev/null || fail "Defender clean twin reported"
jq -e '[.[] | select(.rule == "OV-DEF-056")][0].evidence | length == 5' \
    "$TMP/f.json" >/dev/null || fail "backlog age buckets (DEF-10)"

# Policy enforcement (POL-1..5)
A=/providers/Microsoft.Authorization
has OV-POL-001 "$A/policyAssignments/nbu-baseline-prod"
has OV-POL-002 "$A/policyAssignments/nbu-storage-no-public-access"
has OV-POL-002 "$A/policyAssignments/nbu-kv-purge-protection"
has OV-POL-006 "$A/policyExemptions/exempt-legacy-print-tls"
has OV-POL-005 "$A/policyExemptions/exempt-hpc-public-ssh"
none "$A/policyAssignments/nbu-storage-secure-transfer"
none "$A/policyAssignments/nbu-allowed-locations"
none "$A/policyExemptions/exempt-labs-temp-public-ip"

# Backup (BAK-1..6)
has OV-BKP-051 "$VM/vm-web-cms-02"
has OV-BKP-052 "/databases/sqldb-finance-reporting"
has OV-BKP-053 ";vm-fin-app-01"
has OV-BKP-053 ";vm-hr-app-01"
has OV-BKP-056 "/vaults/rsv-nbu-research-uks"
has OV-BKP-057 "/vaults/rsv-nbu-shared-uks"
none "$VM/vm-web-cms-01"
none "/databases/sqldb-finance-ledger"
none ";vm-fin-app-02"
none "/vaults/rsv-nbu-prod-uks"
none "/vaults/rsv-nbu-teaching-uks"

# No coverage findings: every source is in the manifest.
jq -e '[.[] | select(.state == "indeterminate" and
    (.resource.id | startswith("/overvisor/coverage")))] | length == 0' \
    "$TMP/f.json" >/dev/null || fail "coverage finding on a full snapshot"

# contract check: the question table, text and JSON
expect_status 0 "$OV" contract check --contract "$CONTRACT" "$EST"
for q in Q1 Q2 Q3 Q4 Q5 Q6 Q7 Q8; do
	expect_grep "$q  " "$TMP/out"
done
expect_grep "Harbourline Cloud Services (csp) does it" "$TMP/out"
expect_grep "gap:      4 machines with critical or security patches past" \
    "$TMP/out"
expect_grep "pager +44 113 496 0799, response 15m" "$TMP/out"
expect_grep "newest successful restore job: 2026-10-17" "$TMP/out"
expect_status 0 "$OV" contract check --contract "$CONTRACT" --format json \
    "$EST"
jq -e '.questions | length == 8 and all(.evidence | length > 0) and
    (map(.status) | index("partial") != null)' "$TMP/out" >/dev/null ||
    fail "contract check JSON"
expect_status 1 "$OV" contract check --strict --contract "$CONTRACT" "$EST"
# no contract: defaults, and the gap is said
expect_status 0 "$OV" contract check "$EST"
expect_grep "Customer IT (customer-it) does it" "$TMP/out"
expect_grep "the contract names no frameworks in scope" "$TMP/out"

# validate: good file, and an invalid one with its position
expect_status 0 "$OV" contract validate "$CONTRACT"
printf 'parties: {csp: {}}\nduties:\n  os-patching:\n    sla: {critical: 7}\n' \
    >"$TMP/bad.yaml"
expect_status 3 "$OV" contract validate "$TMP/bad.yaml"
expect_grep "bad.yaml:4:21" "$TMP/err"
expect_grep "invalid duration '7'" "$TMP/err"
expect_status 2 "$OV" contract frobnicate

finish
