# SPDX-License-Identifier: MIT
# overvisor scan on the bundled estate: every output format, exit codes,
# --fail-on, determinism, and the shape every finding must have.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
EST="$OV_SOURCE_DIR/examples/estate"
ARGS="--contract $OV_SOURCE_DIR/examples/contract.yaml --exceptions $OV_SOURCE_DIR/examples/exceptions.yaml"

# shellcheck disable=SC2086
for fmt in text json ndjson csv sarif junit ocsf html; do
	expect_status 0 "$OV" scan "$EST" $ARGS --fail-on none --format "$fmt" --output "$TMP/scan.$fmt"
	[ -s "$TMP/scan.$fmt" ] || fail "$fmt: empty report"
done

# Deterministic: the same snapshot gives byte-identical reports.
# shellcheck disable=SC2086
"$OV" scan "$EST" $ARGS --fail-on none --format json --output "$TMP/again.json"
cmp -s "$TMP/scan.json" "$TMP/again.json" || fail "json report differs between two runs"
# shellcheck disable=SC2086
"$OV" scan "$EST" $ARGS --fail-on none --format sarif --output "$TMP/again.sarif"
cmp -s "$TMP/scan.sarif" "$TMP/again.sarif" || fail "sarif report differs between two runs"

# --fail-on: the estate has critical findings.
# shellcheck disable=SC2086
expect_status 1 "$OV" scan "$EST" $ARGS --fail-on critical --format json
expect_status 2 "$OV" scan "$EST" --fail-on urgent
expect_status 2 "$OV" scan "$EST" --format yaml
expect_status 2 "$OV" scan
expect_status 3 "$OV" scan "$TMP/missing"
expect_status 0 "$OV" scan --help

if command -v jq >/dev/null 2>&1; then
	J="$TMP/scan.json"
	jq -e '.tool and .snapshot and .summary and (.findings | type == "array")' "$J" >/dev/null ||
	    fail "json: top-level keys"
	# Every finding carries the full model.
	jq -e 'all(.findings[]; .rule and .title and .severity and .state and .resource.id
	    and .layer and .owner and (.evidence | type == "array") and .fingerprint
	    and (.controls | type == "array") and has("duty") and has("remediation"))' "$J" >/dev/null ||
	    fail "json: a finding lacks a required field"
	jq -e 'all(.findings[]; .layer as $l | ["information-and-data","devices",
	    "accounts-and-identities","identity-and-directory-infrastructure","applications",
	    "network-controls","operating-system","physical-hosts","physical-network",
	    "physical-datacenter"] | index($l))' "$J" >/dev/null || fail "json: unknown layer"
	jq -e 'all(.findings[]; .owner as $o | ["customer","microsoft","shared"] | index($o))' "$J" >/dev/null ||
	    fail "json: unknown owner"
	# Everything above the hypervisor is the customer's: no finding on
	# the estate (Defender plans, policy assignments included) is
	# Microsoft's alone.
	jq -e '[.findings[] | select(.owner == "microsoft")] | length == 0' "$J" >/dev/null ||
	    fail "json: a finding above the hypervisor is owned by Microsoft"
	# Findings across the 7 layers the customer can act on, as the sample
	# estate plants them; none on the physical layers Microsoft runs.
	n=$(jq '[.findings[].layer] | unique | length' "$J")
	[ "$n" -ge 7 ] || fail "json: findings in only $n layers"
	jq -e '[.findings[] | select(.layer | startswith("physical"))] |
	    length == 0' "$J" >/dev/null || fail "json: a finding on a physical layer"
	# Fingerprints are unique per (rule, resource).
	jq -e '[.findings[].fingerprint] | length == (unique | length)' "$J" >/dev/null ||
	    fail "json: duplicate fingerprints"
	# NDJSON holds the same findings, one per line.
	[ "$(wc -l < "$TMP/scan.ndjson")" -eq "$(jq '.findings | length' "$J")" ] ||
	    fail "ndjson: line count differs from json findings"

	# --policy with a customer definition and its assignment: the rule
	# pack still runs (an assignment decides only for the definitions it
	# names), and the customer's finding is as accountable as ours.
	# shellcheck disable=SC2086
	"$OV" scan "$EST" $ARGS --fail-on none --format json \
	    --policy "$FIX/scan_policy" --output "$TMP/policy.json"
	[ "$(jq '[.findings[] | select(.rule | startswith("OV-"))] | length' "$TMP/policy.json")" = \
	    "$(jq '.findings | length' "$J")" ] || fail "--policy: the rule pack's findings changed"
	jq -e '[.findings[] | select(.rule == "nbu-storage-tls")] | length == 1 and
	    (.[0] | .resource.name == "stnbulegacy01" and .state == "non-compliant"
	    and .layer == "information-and-data" and .owner == "customer"
	    and .duty == "policy-enforcement"
	    and .accountable == "Northbridge University IT Services" and (.due | type == "string"))' \
	    "$TMP/policy.json" >/dev/null || fail "--policy: the customer's finding"

	S="$TMP/scan.sarif"
	jq -e '.version == "2.1.0" and (.["$schema"] | test("sarif")) and (.runs | length == 1)' "$S" >/dev/null ||
	    fail "sarif: header"
	jq -e '.runs[0].tool.driver.rules as $r | all(.runs[0].results[];
	    .ruleId == $r[.ruleIndex].id and (.level | IN("error","warning","note","none"))
	    and .message.text and .partialFingerprints)' "$S" >/dev/null || fail "sarif: results"
	jq -e '[.runs[0].tool.driver.rules[].id] | length == (unique | length)' "$S" >/dev/null ||
	    fail "sarif: duplicate rule ids"
fi
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$TMP/scan.junit" || fail "junit: not well-formed XML"
fi
finish
