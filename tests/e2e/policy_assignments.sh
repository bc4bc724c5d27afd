# SPDX-License-Identifier: MIT
# `overvisor policy eval` on a snapshot that holds assignments and
# exemptions (the sample estate's arg-policyresources) evaluates them as
# Azure does: each assignment on its scope with its parameters, exemptions
# until they expire; --standalone ignores them.  The assigned definitions
# are Microsoft's built-ins from $OVERVISOR_CORPUS.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
EST="$OV_SOURCE_DIR/examples/estate"
BI="${OVERVISOR_CORPUS:-}/azure-policy/policyDefinitions"
if [ -z "${OVERVISOR_CORPUS:-}" ] || [ ! -d "$BI" ]; then
	echo "skip: Azure Policy built-ins not in \$OVERVISOR_CORPUS"
	exit 77
fi
command -v jq >/dev/null 2>&1 || { echo "skip: jq not installed"; exit 77; }
PROD=/subscriptions/92d5675d-1a49-439f-a1de-2ef0501f7c82
LABS=/subscriptions/c5ed29da-3d35-4c33-bdea-d9e7e5e2520e
run() { # run NOW OUT [ARGS...]
	now=$1 out=$2
	shift 2
	OVERVISOR_NOW=$now "$OV" policy eval --definition "$BI" --input "$EST" \
	    --format json "$@" >"$TMP/$out" 2>"$TMP/$out.err" ||
	    fail "policy eval $* exited $?"
}
run 2026-11-01T06:00:00Z nov.json
J="$TMP/nov.json"
# Only the snapshot's nine assignments run, each on its own scope.
[ "$(jq '[.[] | select(.assignment == null)] | length' "$J")" = 0 ] ||
    fail "a result without an assignment"
[ "$(jq '[.[].assignment] | unique | length' "$J")" = 9 ] ||
    fail "not nine assignments evaluated"
jq -e --arg p "$PROD" 'all(.[] | select(.assignment | endswith("/nbu-storage-min-tls"));
    .resource | startswith($p))' "$J" >/dev/null || fail "min-tls left its scope"
# Minimum TLS: the legacy account is non-compliant, its exemption lapsed
# on 2026-09-17; the other production accounts comply.
jq -e '[.[] | select((.assignment | endswith("/nbu-storage-min-tls")) and
    .state == "non-compliant") | .resource | split("/") | last] == ["stnbulegacy01"]' \
    "$J" >/dev/null || fail "min-tls: want only stnbulegacy01 non-compliant"
# Allowed locations in the labs subscription: exempt until 2026-12-31.
n=$(jq --arg l "$LABS" '[.[] | select(.assignment == $l +
    "/providers/Microsoft.Authorization/policyAssignments/nbu-allowed-locations"
    and .state == "exempt")] | length' "$J")
[ "$n" -gt 0 ] || fail "labs allowed-locations: no exempt result before expiry"
run 2027-01-15T00:00:00Z jan.json
n=$(jq --arg l "$LABS" '[.[] | select(.assignment == $l +
    "/providers/Microsoft.Authorization/policyAssignments/nbu-allowed-locations"
    and .state == "exempt")] | length' "$TMP/jan.json")
[ "$n" = 0 ] || fail "labs allowed-locations: $n exempt results after expiry"
# --standalone: the definitions with their defaults, no assignment.
OVERVISOR_NOW=2026-11-01T06:00:00Z "$OV" policy eval --standalone \
    --definition "$OV_SOURCE_DIR/tests/fixtures/scan_policy/storage-tls.json" \
    --input "$EST" --format json >"$TMP/alone.json" 2>"$TMP/alone.err"
jq -e 'length > 0 and all(.[]; .assignment == null)' "$TMP/alone.json" >/dev/null ||
    fail "--standalone: results carry assignments"
# Without the built-ins the assignments cannot run, and eval says so.
OVERVISOR_NOW=2026-11-01T06:00:00Z "$OV" policy eval \
    --definition "$OV_SOURCE_DIR/tests/fixtures/scan_policy/storage-tls.json" \
    --input "$EST" --format json >"$TMP/partial.json" 2>"$TMP/partial.err"
expect_grep "not loaded and not evaluated" "$TMP/partial.err"
# scan --assigned: the same assignments through the scan, beside the pack:
# the two storage plants and the unowned legacy resource group (the
# tenant's own initiative requires an owner tag on resource groups).
OVERVISOR_NOW=2026-11-01T06:00:00Z "$OV" scan "$EST" --fail-on none --format json \
    --policy "$BI" --assigned --output "$TMP/scan.json" 2>"$TMP/scan.err" ||
    fail "scan --assigned exited $?"
OVERVISOR_NOW=2026-11-01T06:00:00Z "$OV" scan "$EST" --fail-on none --format json \
    --output "$TMP/pack.json" 2>/dev/null
[ "$(jq '[.findings[] | select(.rule | startswith("OV-"))] | length' "$TMP/scan.json")" = \
    "$(jq '.findings | length' "$TMP/pack.json")" ] || fail "scan --assigned: the pack changed"
jq -e '[.findings[] | select(.rule | startswith("OV-") | not) |
    "\(.rule) \(.resource.name) \(.layer) \(.duty)"] | sort == [
    "4fa4b6c0-31ca-4c0d-b10d-24b96f62a751 stnburesearch01 information-and-data policy-enforcement",
    "fe83a0eb-a853-422d-aac2-1bffd182c5d0 stnbulegacy01 information-and-data policy-enforcement",
    "nbu-require-owner-tag rg-legacy-prod applications policy-enforcement"]' \
    "$TMP/scan.json" >/dev/null || fail "scan --assigned: the built-in findings"
finish
