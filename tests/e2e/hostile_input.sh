# SPDX-License-Identifier: MIT
# Hostile input never reads as safe: duplicate JSON keys take the last
# value (as ARM does) with a warning naming both positions; malformed
# network data makes the exposure indeterminate with the reason, never "no
# internet exposure".
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
export OVERVISOR_NOW=2026-11-01T06:00:00Z
ST='"id":"/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stdup","type":"Microsoft.Storage/storageAccounts","name":"stdup","location":"uksouth"'

# A JSON document (az rest shape), the duplicate on another line.
cat >"$TMP/dup.json" <<EOF
{"value": [{$ST,
  "properties": {"allowBlobPublicAccess": false,
    "supportsHttpsTrafficOnly": true,
    "allowBlobPublicAccess": true}}]}
EOF
expect_status 0 "$OV" inspect "$TMP/dup.json"
expect_grep "dup.json:4:5: warning: duplicate key 'allowBlobPublicAccess' (first at 2:18)" "$TMP/out"
expect_grep "1 file, 1 record, 0 errors, 1 warning" "$TMP/out"
expect_status 1 "$OV" scan "$TMP/dup.json" --no-analyzers
expect_grep "OV-STG-003" "$TMP/out"
expect_grep "1 input warning" "$TMP/err"

# NDJSON, and a key that differs only in case (ARM names are
# case-insensitive): still one property, the last value wins.
printf '{%s,"properties":{"allowBlobPublicAccess":false,"supportsHttpsTrafficOnly":true,"AllowBlobPublicAccess":true}}\n' \
    "$ST" >"$TMP/dup.ndjson"
expect_status 0 "$OV" inspect --format json "$TMP/dup.ndjson"
expect_grep "duplicate key 'AllowBlobPublicAccess'" "$TMP/out"
expect_grep '"warnings": 1' "$TMP/out"
expect_status 1 "$OV" scan "$TMP/dup.ndjson" --no-analyzers
expect_grep "OV-STG-003" "$TMP/out"

# The clean twin: the last value is false, no finding.
printf '{%s,"properties":{"allowBlobPublicAccess":true,"supportsHttpsTrafficOnly":true,"allowBlobPublicAccess":false}}\n' \
    "$ST" >"$TMP/twin.ndjson"
expect_status 0 "$OV" scan "$TMP/twin.ndjson" --no-analyzers --fail-on none \
    --format json
expect_no_grep '"OV-STG-003"' "$TMP/out"

# Malformed network data: a VM with a Standard public IP and an NSG whose
# only rule is broken one way or another.
S=/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg-net/providers
net() {	# net FILE RULE-PROPERTIES [NIC-IPCONFIGURATIONS]
	local ipc="${3:-}"
	[ -n "$ipc" ] || ipc="[{\"name\":\"ipconfig1\",\"properties\":{\"privateIPAddress\":\"10.0.1.4\",\"subnet\":{\"id\":\"$S/Microsoft.Network/virtualNetworks/vnet/subnets/web\"},\"publicIPAddress\":{\"id\":\"$S/Microsoft.Network/publicIPAddresses/pip\"}}}]"
	cat >"$1" <<EOF
{"id":"$S/Microsoft.Network/networkSecurityGroups/nsg","name":"nsg","type":"Microsoft.Network/networkSecurityGroups","properties":{"securityRules":[{"name":"allow-rdp","properties":$2}]}}
{"id":"$S/Microsoft.Network/virtualNetworks/vnet","name":"vnet","type":"Microsoft.Network/virtualNetworks","properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]},"subnets":[{"name":"web","id":"$S/Microsoft.Network/virtualNetworks/vnet/subnets/web","properties":{"addressPrefix":"10.0.1.0/24"}}]}}
{"id":"$S/Microsoft.Network/publicIPAddresses/pip","name":"pip","type":"Microsoft.Network/publicIPAddresses","sku":{"name":"Standard"},"properties":{"ipAddress":"20.50.0.9"}}
{"id":"$S/Microsoft.Network/networkInterfaces/nic","name":"nic","type":"Microsoft.Network/networkInterfaces","properties":{"networkSecurityGroup":{"id":"$S/Microsoft.Network/networkSecurityGroups/nsg"},"ipConfigurations":$ipc,"virtualMachine":{"id":"$S/Microsoft.Compute/virtualMachines/vm"}}}
{"id":"$S/Microsoft.Compute/virtualMachines/vm","name":"vm","type":"Microsoft.Compute/virtualMachines","properties":{"networkProfile":{"networkInterfaces":[{"id":"$S/Microsoft.Network/networkInterfaces/nic"}]}}}
EOF
}
rule() {	# rule SOURCE PORT [PRIORITY]
	printf '{"protocol":"Tcp","sourcePortRange":"*","access":"Allow","priority":%s,"direction":"Inbound","sourceAddressPrefix":"%s","destinationAddressPrefix":"*","destinationPortRange":"%s"}' \
	    "${3:-200}" "$1" "$2"
}
indeterminate() {	# indeterminate NAME FILE REASON
	expect_status 3 "$OV" network exposure "$2"
	expect_no_grep "no internet exposure found" "$TMP/out"
	expect_grep "indeterminate" "$TMP/out"
	expect_grep "$3" "$TMP/out"
	expect_status 3 "$OV" scan "$2" --no-rules --analyzer network \
	    --format json -o "$TMP/$1.json"
	grep -q '"rule": "OV-NET-140"' "$TMP/$1.json" ||
	    fail "$1: no OV-NET-140 finding"
	grep -q '"state": "indeterminate"' "$TMP/$1.json" ||
	    fail "$1: the finding is not indeterminate"
}
net "$TMP/bad-src.ndjson" "$(rule 999.1.1.1/99 3389)"
indeterminate bad-src "$TMP/bad-src.ndjson" "source '999.1.1.1/99' is not an IP address"
net "$TMP/bad-port.ndjson" "$(rule '*' abc)"
indeterminate bad-port "$TMP/bad-port.ndjson" "invalid port range 'abc'"
net "$TMP/bad-prio.ndjson" "$(rule '*' 3389 '"abc"')"
indeterminate bad-prio "$TMP/bad-prio.ndjson" "priority is not a number"
net "$TMP/bad-list.ndjson" "$(rule '*' 3389 | sed 's/"sourceAddressPrefix":"\*"/"sourceAddressPrefixes":"10.0.0.0\/8"/')"
indeterminate bad-list "$TMP/bad-list.ndjson" "sourceAddressPrefixes is not a list"
net "$TMP/bad-ipc.ndjson" "$(rule 10.0.0.0/8 3389)" '"oops"'
indeterminate bad-ipc "$TMP/bad-ipc.ndjson" "ipConfigurations is not a list"
net "$TMP/bad-ip.ndjson" "$(rule 10.0.0.0/8 3389)" \
    "[{\"name\":\"ipconfig1\",\"properties\":{\"privateIPAddress\":\"999.1.1.1\",\"publicIPAddress\":{\"id\":\"$S/Microsoft.Network/publicIPAddresses/pip\"}}}]"
indeterminate bad-ip "$TMP/bad-ip.ndjson" "privateIPAddress '999.1.1.1' is not an IP address"

# The clean twins: a readable rule from anywhere is an exposure; one
# from a private range is not; neither is indeterminate.
net "$TMP/open.ndjson" "$(rule '*' 3389)"
expect_status 1 "$OV" network exposure "$TMP/open.ndjson"
expect_grep "3389" "$TMP/out"
expect_no_grep "indeterminate" "$TMP/out"
net "$TMP/private.ndjson" "$(rule 10.0.0.0/8 3389)"
expect_status 0 "$OV" network exposure "$TMP/private.ndjson"
expect_no_grep "indeterminate" "$TMP/out"
expect_status 0 "$OV" scan "$TMP/private.ndjson" --no-rules --analyzer network \
    --format json --fail-on none
expect_no_grep "OV-NET-140" "$TMP/out"
finish
