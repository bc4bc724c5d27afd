#!/bin/bash
# SPDX-License-Identifier: MIT
# Templates with a planted problem and their secure twins (the same
# template made secure): the insecure one is flagged by the planted rule
# at the file and line of the offending property (or resource), the twin
# has no failing finding at all.  Each pair exercises one part of the
# expansion: parameter defaults, a property copy loop, a condition with a
# variable, an inner nested deployment, a linked template
# (templateLink.relativePath), languageVersion 2.0 with a user-defined
# function, namespaced user-defined functions, a parameters file next to
# the template, nested child resources, compiled Bicep mapped to its
# source, and lambdas.
. "$(dirname "$0")/lib.bash"
cd "$FIX/iac" || exit 1
export OVERVISOR_NOW=2026-01-15T00:00:00Z

# insecure-path | secure-path | rule | file:line the finding points at
while IFS='|' read -r bad good rule at; do
	[ -z "$bad" ] && continue
	expect_status 1 "$OV" scan "$bad" --format ndjson --fail-on low
	cp "$TMP/out" "$TMP/bad.ndjson"
	file=${at%:*}
	line=${at##*:}
	if ! grep -F "\"rule\":\"$rule\"" "$TMP/bad.ndjson" |
	    grep -F "\"state\":\"non-compliant\"" |
	    grep -qF "\"location\":{\"file\":\"$file\",\"line\":$line,"; then
		fail "$bad: $rule not flagged at $at"
		grep -F "\"rule\":\"$rule\"" "$TMP/bad.ndjson" |
		    grep -o '"location":{[^}]*}' | sed 's/^/  | /' >&2
	fi
	expect_status 0 "$OV" scan "$good" --format ndjson --fail-on info
	if grep -qF '"state":"non-compliant"' "$TMP/out"; then
		fail "$good: the secure twin is flagged"
		grep -o '"rule":"[^"]*"' "$TMP/out" | sed 's/^/  | /' >&2
	fi
	# Every finding on a template names the duty of stopping it.
	if grep -v '"duty":"policy-enforcement"' "$TMP/bad.ndjson" |
	    grep -q '"rule"'; then
		fail "$bad: a template finding with another duty"
	fi
done <<'TABLE'
storage-param/insecure.json|storage-param/secure.json|OV-STG-001|storage-param/insecure.json:31
storage-param/insecure.json|storage-param/secure.json|OV-STG-002|storage-param/insecure.json:32
nsg-copy/insecure.json|nsg-copy/secure.json|OV-NET-001|nsg-copy/insecure.json:24
keyvault-condition/insecure.json|keyvault-condition/secure.json|OV-KV-001|keyvault-condition/insecure.json:14
webapp-nested/insecure.json|webapp-nested/secure.json|OV-APP-001|webapp-nested/insecure.json:37
sql-linked/insecure/main.json|sql-linked/secure/main.json|OV-SQL-002|sql-linked/insecure/nested/sql.json:16
aks-v2/insecure.json|aks-v2/secure.json|OV-AKS-001|aks-v2/insecure.json:38
acr-udf/insecure.json|acr-udf/secure.json|OV-ACR-001|acr-udf/insecure.json:39
redis-params/insecure|redis-params/secure|OV-RED-001|redis-params/insecure/azuredeploy.json:18
blob-child/insecure.json|blob-child/secure.json|OV-STG-013|blob-child/insecure.json:35
cosmos-bicep/insecure|cosmos-bicep/secure|OV-COS-001|cosmos-bicep/insecure/main.bicep:23
nsg-lambda/insecure.json|nsg-lambda/secure.json|OV-NET-001|nsg-lambda/insecure.json:10
TABLE

# The deployKv=false resource of keyvault-condition is not deployed at all.
"$OV" inspect keyvault-condition/insecure.json >"$TMP/out" 2>&1
expect_grep "arm-template, 1 record" "$TMP/out"
# A secret from a parameters file never reaches the output.
"$OV" scan redis-params/insecure --format json >"$TMP/out" 2>&1
expect_no_grep "s3cr3t" "$TMP/out"
finish
