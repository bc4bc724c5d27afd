#!/bin/bash
# SPDX-License-Identifier: MIT
# The Entra ID tenant settings one Microsoft Graph object decides, scanned
# from Graph responses as the API returns them (tests/fixtures/rules/
# tenants): on a tenant with them misconfigured every rule reports its
# object with the Graph property as evidence; on a tenant with them set
# well none does; an object without the property is indeterminate.
set -eu
command -v jq >/dev/null || { echo "jq not installed: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
T="$OV_SOURCE_DIR/tests/fixtures/rules/tenants"
scan() {	# scan DIR OUT
	OVERVISOR_NOW=2026-03-01T00:00:00Z "$OV" scan "$1" --fail-on none \
	    --format json --output "$2"
}
fail() { echo "FAIL: $*" >&2; exit 1; }

scan "$T/misconfigured" "$tmp/bad.json"
want="OV-ENT-001 OV-ENT-002 OV-ENT-003 OV-ENT-004 OV-ENT-005 OV-ENT-007
OV-ENT-009 OV-ENT-010 OV-ENT-011 OV-ENT-012 OV-ENT-013 OV-ENT-014 OV-ENT-015"
got=$(jq -r '[.findings[] | select(.rule | startswith("OV-ENT")) |
    select(.state == "non-compliant") | .rule] | unique | join(" ")' "$tmp/bad.json")
[ "$got" = "$(echo $want)" ] || fail "misconfigured tenant: got '$got'"
# Each finding names the Graph object and the property it read.
jq -e 'all(.findings[] | select(.rule | startswith("OV-ENT"));
    (.resource.id | startswith("/providers/Microsoft.Graph/")) and
    (.evidence | length > 0) and (.evidence[0].path | length > 0) and
    .duty == "identity-review")' "$tmp/bad.json" >/dev/null ||
	fail "a finding lacks its object, evidence or duty"
jq -e 'any(.findings[]; .rule == "OV-ENT-004" and
    .evidence[0].path == "allowInvitesFrom" and .evidence[0].value == "everyone")' \
    "$tmp/bad.json" >/dev/null || fail "OV-ENT-004 evidence"
# A country location can be neither trusted nor wide: not reported.
jq -e '[.findings[] | select(.rule == "OV-ENT-010")] | length == 1' \
    "$tmp/bad.json" >/dev/null || fail "OV-ENT-010 on the country location"

scan "$T/configured" "$tmp/good.json"
n=$(jq '[.findings[] | select(.rule | startswith("OV-ENT"))] | length' "$tmp/good.json")
[ "$n" = 0 ] || fail "well-configured tenant: $n findings"

# The same policy without the members the rules read ($select): the
# verdicts are indeterminate, never compliant.
mkdir "$tmp/partial"
jq '{"@odata.context", id, displayName}' "$T/misconfigured/authorization-policy.json" \
    >"$tmp/partial/authorization-policy.json"
scan "$tmp/partial" "$tmp/partial.json"
jq -e '[.findings[] | select(.rule | test("OV-ENT-00[1-8]"))] |
    length == 8 and all(.[]; .state == "indeterminate")' "$tmp/partial.json" >/dev/null ||
	fail "partial authorization policy: $(jq -c '[.findings[] | select(.rule | startswith("OV-ENT")) | [.rule, .state]]' "$tmp/partial.json")"
echo "entra tenant settings: ok"
