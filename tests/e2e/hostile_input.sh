# SPDX-License-Identifier: MIT
# Hostile input never reads as safe: duplicate JSON keys take the last
# value (as ARM does) with a warning naming both positions.
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
finish
