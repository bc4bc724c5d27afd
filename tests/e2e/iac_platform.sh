#!/bin/bash
# SPDX-License-Identifier: MIT
# What a deployment gets that its template never writes, and resources
# configured by other resources of the same template: a private endpoint
# gives its target an approved connection (a manual one a pending one), a
# diagnostic setting declared with scope, nested under the resource or in
# the older ".../providers/..." spelling collects that resource's logs.
# What the template leaves unknown stays indeterminate.
. "$(dirname "$0")/lib.bash"
cd "$FIX/iac" || exit 1

# template | rule | state (none: no finding at all, i.e. compliant)
while IFS='|' read -r t rule want; do
	[ -z "$t" ] && continue
	"$OV" scan "$t" --format ndjson --fail-on none >"$TMP/out" 2>"$TMP/err" ||
	    fail "$t: scan failed"
	grep -F "\"rule\":\"$rule\"" "$TMP/out" >"$TMP/lines"
	if [ "$want" = none ]; then
		[ -s "$TMP/lines" ] && fail "$t: $rule reported" &&
		    grep -o '"state":"[^"]*"' "$TMP/lines" | sed 's/^/  | /' >&2
	else
		[ "$(wc -l <"$TMP/lines")" -eq 1 ] ||
		    fail "$t: expected one $rule finding"
		expect_grep "\"state\":\"$want\"" "$TMP/lines"
	fi
done <<'TABLE'
private-endpoint/with.json|OV-KV-010|none
private-endpoint/without.json|OV-KV-010|non-compliant
private-endpoint/manual.json|OV-KV-010|non-compliant
private-endpoint/other-target.json|OV-KV-010|non-compliant
private-endpoint/unknown-target.json|OV-KV-010|indeterminate
private-endpoint/conditional.json|OV-KV-010|indeterminate
diagnostic-settings/scope.json|OV-MON-001|none
diagnostic-settings/nested.json|OV-MON-001|none
diagnostic-settings/provider-type.json|OV-MON-001|none
diagnostic-settings/other.json|OV-MON-001|non-compliant
diagnostic-settings/disabled.json|OV-MON-001|non-compliant
diagnostic-settings/unknown.json|OV-MON-001|indeterminate
TABLE

# A conditional endpoint says why the answer waits for the deployment.
"$OV" scan private-endpoint/conditional.json --format json >"$TMP/out" 2>&1
expect_grep "deployed only when [parameters('private')]" "$TMP/out"
# The nested setting becomes the vault's extension, not a type of its own.
"$OV" inspect diagnostic-settings/nested.json >"$TMP/out" 2>&1
expect_grep "Microsoft.Insights/diagnosticSettings" "$TMP/out"
expect_no_grep " providers/diagnosticSettings" "$TMP/out"

# Terraform: azurerm_private_endpoint, its target known after apply and
# taken from the configuration's reference; a manual connection pends.
cd terraform || exit 1
"$OV" scan secure.tfplan.json --format ndjson --fail-on none >"$TMP/out" 2>&1
expect_no_grep '"rule":"OV-KV-010"' "$TMP/out"
expect_no_grep '"rule":"OV-STG-017"' "$TMP/out"
sed 's/"is_manual_connection": false/"is_manual_connection": true/' \
    secure.tfplan.json >"$TMP/manual.tfplan.json"
"$OV" scan "$TMP/manual.tfplan.json" --format ndjson --fail-on none \
    >"$TMP/out" 2>&1
grep -F '"rule":"OV-KV-010"' "$TMP/out" >"$TMP/lines"
expect_grep '"state":"non-compliant"' "$TMP/lines"
# Without the endpoints the findings stand.
"$OV" scan insecure.tfplan.json --format ndjson --fail-on none >"$TMP/out" 2>&1
grep -F '"rule":"OV-STG-017"' "$TMP/out" >"$TMP/lines"
expect_grep '"state":"non-compliant"' "$TMP/lines"
finish
