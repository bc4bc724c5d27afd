#!/bin/bash
# SPDX-License-Identifier: MIT
# `overvisor matrix`: ownership per layer and service model for an estate,
# with unknown types reported as unknown (never guessed) and open findings
# counted per layer.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A tiny estate: one VM (IaaS), one web app (PaaS), one Entra user (SaaS)
# and one resource of a type the table does not know.
cat >"$tmp/estate.json" <<'JSON'
[
 {"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
  "name": "vm1", "type": "Microsoft.Compute/virtualMachines", "location": "westeurope",
  "properties": {"storageProfile": {"osDisk": {"osType": "Linux"}},
   "osProfile": {"linuxConfiguration": {"disablePasswordAuthentication": false}}}},
 {"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Web/sites/app1",
  "name": "app1", "type": "Microsoft.Web/sites", "kind": "app", "location": "westeurope",
  "properties": {"httpsOnly": true}},
 {"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Contoso.Widgets/gadgets/g1",
  "name": "g1", "type": "Contoso.Widgets/gadgets", "location": "westeurope", "properties": {}}
]
JSON
"$OV" matrix --no-findings --format json "$tmp/estate.json" >"$tmp/m.json"
jq -e '.resources == 3' "$tmp/m.json" >/dev/null
jq -e '.serviceModels.iaas == 1 and .serviceModels.paas == 1 and .serviceModels.unknown == 1' \
	"$tmp/m.json" >/dev/null
jq -e '.unknownTypes[0].type == "Contoso.Widgets/gadgets"' "$tmp/m.json" >/dev/null
jq -e '.layers | length == 10' "$tmp/m.json" >/dev/null
# Operating system: the VM's is the customer's, the web app's Microsoft's,
# the unknown type's unknown.
jq -e '.layers[] | select(.layer == "operating-system") | .resources ==
	{"customer": 1, "microsoft": 1, "shared": 0, "unknown": 1}' "$tmp/m.json" >/dev/null
jq -e '.layers[] | select(.layer == "operating-system") | .owner ==
	{"iaas": "customer", "paas": "microsoft", "saas": "microsoft", "on-premises": "customer"}' \
	"$tmp/m.json" >/dev/null

# With the scan, the VM's password login shows up as an open finding on
# the operating-system layer.
"$OV" matrix --format json "$tmp/estate.json" >"$tmp/f.json"
jq -e '.layers[] | select(.layer == "operating-system") | .findings.open >= 1' \
	"$tmp/f.json" >/dev/null
"$OV" matrix --format html --output "$tmp/m.html" "$tmp/estate.json"
grep -q '<table>' "$tmp/m.html"
grep -q 'Contoso.Widgets/gadgets' "$tmp/m.html"
"$OV" matrix "$tmp/estate.json" | grep -q '^operating-system '
set +e
"$OV" matrix --format xml "$tmp/estate.json" >/dev/null 2>&1
st=$?
set -e
[ "$st" -eq 2 ] || { echo "bad format gave exit $st" >&2; exit 1; }
