# SPDX-License-Identifier: MIT
# overvisor inspect: formats, counts, records by type, error positions,
# exit codes, and the JSON shape.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"

expect_status 0 "$OV" inspect "$FIX/inspect/good"
expect_grep "arg-vms.json: arg-objectarray, 2 records" "$TMP/out"
expect_grep "users.json: graph-collection, 1 record" "$TMP/out"
expect_grep "Microsoft.Compute/virtualMachines" "$TMP/out"
expect_grep "Microsoft.Graph/users" "$TMP/out"

expect_status 3 "$OV" inspect "$FIX/inspect/bad"
expect_grep "broken.json:2:" "$TMP/out"
expect_grep "vaults.ndjson: ndjson, 2 records, 1 error" "$TMP/out"
expect_grep "vaults.ndjson:2:" "$TMP/out"

expect_status 3 "$OV" inspect --format json "$FIX/inspect/bad" "$FIX/inspect/good"
cp "$TMP/out" "$TMP/inspect.json"
expect_grep '"records_by_type": {' "$TMP/inspect.json"
expect_grep '"Microsoft.KeyVault/vaults": 2' "$TMP/inspect.json"
expect_grep '"format": "ndjson", "records": 2, "errors": [{"line": 2, "column":' "$TMP/inspect.json"
if command -v jq >/dev/null 2>&1; then
	jq -e '.files | length == 4' "$TMP/inspect.json" >/dev/null || fail "json: 4 files"
	jq -e '[.files[].errors[]] | length == 2' "$TMP/inspect.json" >/dev/null || fail "json: 2 errors"
fi

# --syntax accepts any JSON value, rejects broken JSON.
printf '42' > "$TMP/scalar.json"
expect_status 0 "$OV" inspect --syntax "$TMP/scalar.json"
expect_status 3 "$OV" inspect --syntax "$FIX/inspect/bad/broken.json"

# Usage errors.
expect_status 2 "$OV" inspect
expect_status 2 "$OV" inspect --format yaml "$FIX/inspect/good"
expect_status 3 "$OV" inspect "$TMP/does-not-exist"
expect_status 0 "$OV" inspect --help
finish
