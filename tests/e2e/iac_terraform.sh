#!/bin/bash
# SPDX-License-Identifier: MIT
# Terraform plans (terraform show -json): azurerm resources mapped to
# ARM-shaped records, the planted problems flagged at the attribute's line
# in the plan, the secure twin clean; ids known after apply resolved
# through the configuration's references (a diagnostic setting on the key
# vault, an NSG associated with a subnet, a module's web app); deleted
# resources, sensitive values and unmapped types handled as documented.
. "$(dirname "$0")/lib.bash"
cd "$FIX/iac/terraform" || exit 1

expect_status 1 "$OV" scan insecure.tfplan.json --format ndjson --fail-on low
cp "$TMP/out" "$TMP/bad"
# rule | line of the attribute
while read -r rule line; do
	[ -z "$rule" ] && continue
	grep -F "\"rule\":\"$rule\"" "$TMP/bad" | grep -F '"non-compliant"' |
	    grep -qF "\"file\":\"insecure.tfplan.json\",\"line\":$line," ||
	    fail "$rule not flagged at insecure.tfplan.json:$line"
done <<'TABLE'
OV-STG-001 544
OV-STG-002 547
OV-STG-003 536
OV-NET-001 622
OV-NET-007 666
OV-KV-001 772
OV-VM-005 932
OV-APP-001 1068
OV-NET-009 721
TABLE
expect_status 0 "$OV" scan secure.tfplan.json --format ndjson --fail-on info
expect_no_grep '"non-compliant"' "$TMP/out"
# The key vault's diagnostic setting is found through its reference.
expect_no_grep '"rule":"OV-MON-001"' "$TMP/out"
# A sensitive value is never printed, a deleted resource never checked.
"$OV" scan insecure.tfplan.json --format json >"$TMP/out" 2>&1
expect_no_grep "Pa55w0rd" "$TMP/out"
expect_no_grep "pip-old" "$TMP/out"
# A module's resource keeps its address in the ids of what it cannot name.
"$OV" inspect insecure.tfplan.json >"$TMP/out" 2>&1
expect_grep "terraform-plan, 17 records" "$TMP/out"
expect_grep "note: Terraform type azurerm_dns_zone is not mapped: 1 resource not checked" "$TMP/out"
expect_grep "note: Terraform type random_string is not mapped" "$TMP/out"
# Unmapped attributes of a mapped type are listed, not dropped.
expect_status 0 "$OV" inspect unmapped.tfplan.json
expect_grep "attributes not mapped (not checked): future_hardening_enabled" "$TMP/out"
"$OV" inspect --format json unmapped.tfplan.json >"$TMP/out" 2>&1
expect_grep '"notes": [{"line": 15' "$TMP/out"
# Plans without resource_changes: planned_values and child modules.
expect_status 1 "$OV" scan planned-only.tfplan.json --format ndjson
expect_grep '"rule":"OV-KV-001"' "$TMP/out"
expect_grep '"rule":"OV-STG-001"' "$TMP/out"
# Every resource type of the mapping table says which ARM type it becomes.
n=$(grep -cE '^    "azurerm_[a-z0-9_]+": \{' "$OV_SOURCE_DIR/data/iac/terraform-azurerm.json")
[ "$n" -ge 40 ] || fail "the mapping table maps only $n types"
finish
