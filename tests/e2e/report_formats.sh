#!/bin/bash
# SPDX-License-Identifier: MIT
# Every output format of `overvisor scan` on the bundled estate: each one
# parses, they agree with each other (same findings, same fingerprints),
# and the output is byte-identical from one run to the next.
set -u
ex="$OV_SOURCE_DIR/examples/estate"
if [ ! -d "$ex" ]; then
	echo "SKIP: no sample estate in examples/estate"
	exit 77
fi
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

scan() {	# scan FORMAT OUTFILE
	"$OV" scan "$ex" --contract "$OV_SOURCE_DIR/examples/contract.yaml" \
	    --fail-on none --format "$1" --output "$2" >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	if [ $rc -gt 1 ]; then
		if grep -q "not built" "$tmp/stderr"; then
			echo "SKIP: scan is not built yet"
			exit 77
		fi
		cat "$tmp/stderr"
		fail "scan --format $1 exited $rc"
	fi
}

for fmt in text json ndjson csv sarif junit ocsf html; do
	scan "$fmt" "$tmp/out.$fmt"
	[ -s "$tmp/out.$fmt" ] || [ "$fmt" = ndjson ] || [ "$fmt" = ocsf ] ||
		fail "$fmt output is empty"
done

# JSON: shape, enumerations, summary consistent with the findings.
jq -e '
  (.tool.name == "overvisor") and (.findings | type == "array") and
  (.summary.total == (.findings | length)) and
  ([.summary.bySeverity[]] | add) == .summary.total and
  all(.findings[];
    (.fingerprint | test("^[0-9a-f]{32}$")) and
    (.severity | IN("critical","high","medium","low","info")) and
    (.state | IN("compliant","non-compliant","not-applicable","exempt",
                 "indeterminate","error")) and
    (.layer | IN("information-and-data","devices","accounts-and-identities",
      "identity-and-directory-infrastructure","applications",
      "network-controls","operating-system","physical-hosts",
      "physical-network","physical-datacenter","unknown")) and
    (.owner | IN("customer","microsoft","shared","unknown")) and
    (.resource.id | type == "string") and (.controls | type == "array") and
    (.evidence | type == "array"))
' "$tmp/out.json" >/dev/null || fail "json shape"
n=$(jq '.findings | length' "$tmp/out.json")
jq -r '.findings[].fingerprint' "$tmp/out.json" >"$tmp/fp.json"

# NDJSON: one finding per line, same order as JSON.
[ "$(wc -l <"$tmp/out.ndjson")" -eq "$n" ] || fail "ndjson line count"
jq -r '.fingerprint' "$tmp/out.ndjson" >"$tmp/fp.ndjson" || fail "ndjson parse"
cmp -s "$tmp/fp.json" "$tmp/fp.ndjson" || fail "ndjson differs from json"

# SARIF: same results in the same order.
jq -e '.version == "2.1.0" and (.runs | length == 1)' "$tmp/out.sarif" \
	>/dev/null || fail "sarif header"
jq -r '.runs[0].results[].partialFingerprints."overvisorFingerprint/v1"' \
	"$tmp/out.sarif" >"$tmp/fp.sarif"
cmp -s "$tmp/fp.json" "$tmp/fp.sarif" || fail "sarif differs from json"
jq -e '.runs[0] as $r | all($r.results[];
  $r.tool.driver.rules[.ruleIndex].id == .ruleId)' "$tmp/out.sarif" \
	>/dev/null || fail "sarif ruleIndex"

# OCSF: one Compliance Finding per finding (plus one per control).
jq -e -s --argjson n "$n" 'length >= $n and all(.[]; .class_uid == 2003)' \
	"$tmp/out.ocsf" >/dev/null || fail "ocsf"

# CSV: the documented header.
head -1 "$tmp/out.csv" | tr -d '\r' | grep -qx 'fingerprint,severity,rule,title,state,resource_id,resource_type,resource_name,subscription_id,resource_group,layer,owner,duty,accountable,due,controls,remediation,responsible,consulted,informed' ||
	fail "csv header"

# Who must act, in every format: each finding with a duty names the party
# responsible for it and the one accountable, as the sample contract says.
jq -e 'all(.findings[]; .duty == null or
    (.responsible != null and .accountable != null)) and
  ([.findings[] | select(.duty == "os-patching") | .responsible] | unique ==
    ["Harbourline Cloud Services"]) and
  ([.findings[] | select(.duty == "defender-triage") | .responsible] |
    unique == ["Kestrel SOC"]) and
  ([.findings[] | select(.duty == "defender-triage") | .informed[]] |
    unique == ["Harbourline Cloud Services"])' "$tmp/out.json" >/dev/null ||
	fail "json: responsible/accountable/informed parties"
jq -e -s 'all(.[]; .duty == null or .responsible != null)' "$tmp/out.ndjson" \
	>/dev/null || fail "ndjson: responsible party"
jq -e '[.runs[0].results[].properties |
    select(.duty == "os-patching") | .responsible] | unique ==
    ["Harbourline Cloud Services"]' "$tmp/out.sarif" >/dev/null ||
	fail "sarif: result properties name the responsible party"
jq -e -s '[.[] | select(.unmapped.duty == "defender-triage") |
    .unmapped.responsible] | unique == ["Kestrel SOC"]' "$tmp/out.ocsf" \
	>/dev/null || fail "ocsf: unmapped.responsible"
grep -q 'responsible: Harbourline Cloud Services' "$tmp/out.junit" ||
	fail "junit: responsible party"
grep -q '<dt>Responsible</dt><dd>Kestrel SOC</dd>' "$tmp/out.html" ||
	fail "html: responsible party"
grep -q ',Harbourline Cloud Services,' "$tmp/out.csv" || fail "csv: responsible column"
grep -q 'Harbourline Cloud Services' "$tmp/out.text" || fail "text: responsible party"
# The matrix decides the owner: nothing sits on a physical layer, and an
# extension resource (an assessment on a VM) is owned like the VM.
jq -e '[.findings[] | select(.layer | startswith("physical"))] | length == 0' \
	"$tmp/out.json" >/dev/null || fail "findings on a physical layer"
jq -e '[.findings[] | select(.rule == "OV-DEF-053" and (.resource.id |
    test("/virtualMachines/[^/]+/providers/")))] | length > 0 and
    all(.[]; .owner == "customer")' "$tmp/out.json" >/dev/null ||
	fail "assessments on VMs are not owned like the VM"

# JUnit: one testcase per finding, well-formed when xmllint is there.
head -1 "$tmp/out.junit" | grep -q '^<?xml' || fail "junit prolog"
[ "$(grep -c '<testcase ' "$tmp/out.junit")" -ge "$n" ] || fail "junit testcases"
if command -v xmllint >/dev/null; then
	xmllint --noout "$tmp/out.junit" || fail "junit not well-formed"
fi

head -1 "$tmp/out.html" | grep -q '^<!DOCTYPE html>' || fail "html"

# Deterministic: a second run is byte-identical.
for fmt in json sarif csv; do
	scan "$fmt" "$tmp/again.$fmt"
	cmp -s "$tmp/out.$fmt" "$tmp/again.$fmt" || fail "$fmt differs between runs"
done
echo "ok: $n findings, every format consistent"
