#!/bin/bash
# SPDX-License-Identifier: MIT
# Values known only at deployment: a rule that reads one is indeterminate
# with the expression as evidence, never compliant and never
# non-compliant.  One template per way a value can be unknown.
. "$(dirname "$0")/lib.bash"
cd "$FIX/iac/unknown" || exit 1

# template | rule | text the evidence must hold
while IFS='|' read -r t rule ev; do
	[ -z "$t" ] && continue
	expect_status 0 "$OV" scan "$t" --format ndjson --fail-on low
	grep -F "\"rule\":\"$rule\"" "$TMP/out" >"$TMP/lines"
	if [ "$(wc -l <"$TMP/lines")" -ne 1 ]; then
		fail "$t: expected one $rule finding"
		continue
	fi
	expect_grep '"state":"indeterminate"' "$TMP/lines"
	expect_grep "$ev" "$TMP/lines"
	# No rule decided on the unknown property either way.
	if grep -F "\"rule\":\"$rule\"" "$TMP/out" |
	    grep -qE '"state":"(compliant|non-compliant)"'; then
		fail "$t: $rule decided on an unknown value"
	fi
done <<'TABLE'
reference.json|OV-STG-001|reference(resourceId('Microsoft.Storage/storageAccounts', 'stother')
listkeys.json|OV-STG-002|listKeys(
newguid.json|OV-STG-001|newGuid()
utcnow.json|OV-STG-002|utcNow()
noparam.json|OV-STG-001|[parameters('httpsOnly')]
kvref.json|OV-STG-001|[parameters('httpsOnly')]
condition.json|OV-STG-001|outputs.deploy.value
copycount.json|OV-STG-001|outputs.names.value
output.json|OV-STG-001|reference('settings').outputs.https.value
TABLE

# The evidence says why (the JSON report, unwrapped).
"$OV" scan condition.json --format json >"$TMP/out" 2>&1
expect_grep "deployed only when a condition known only at deployment" \
    "$TMP/out"
"$OV" scan reference.json --format json >"$TMP/out" 2>&1
expect_grep "depends on a value known only at deployment" "$TMP/out"

# Terraform: known after apply.
cd "$FIX/iac/terraform" || exit 1
expect_status 0 "$OV" scan unknown.tfplan.json --format ndjson
grep -F '"rule":"OV-KV-004"' "$TMP/out" >"$TMP/lines"
expect_grep '"state":"indeterminate"' "$TMP/lines"
expect_grep "known after apply: azurerm_key_vault.main.network_acls" \
    "$TMP/lines"
grep -F '"rule":"OV-STG-002"' "$TMP/out" >"$TMP/lines"
expect_grep '"state":"indeterminate"' "$TMP/lines"
expect_grep "known after apply: azurerm_storage_account.logs.min_tls_version" \
    "$TMP/lines"
finish
