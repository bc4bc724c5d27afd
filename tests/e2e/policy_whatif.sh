# SPDX-License-Identifier: MIT
# overvisor policy whatif: what an audit-only assignment would block if it
# were switched to deny and enforced; exemptions respected; never "safe"
# when a definition it needs is not loaded.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
W="$FIX/whatif/snapshot.ndjson"
export OVERVISOR_NOW=2026-11-01

expect_status 0 "$OV" policy whatif --assignment storage-baseline "$W"
expect_grep "blocks 1 resource" "$TMP/out"
expect_grep "stpublic01" "$TMP/out"
expect_no_grep "stprivate01" "$TMP/out"
expect_no_grep "stexempt01" "$TMP/out"
expect_grep "owner data-team" "$TMP/out"

expect_status 0 "$OV" policy whatif --assignment storage-baseline --format json "$W"
if command -v jq >/dev/null 2>&1; then
	jq -e '.complete and (.safe | not) and .blocked == 1 and
	    (.groups | length == 1) and .groups[0].owner == "data-team" and
	    (.resources[0].id | endswith("/stpublic01"))' "$TMP/out" >/dev/null ||
	    fail "whatif json shape"
fi

# After the exemption expires, the exempted account is blocked too.
OVERVISOR_NOW=2030-06-01 expect_status 0 "$OV" policy whatif --assignment storage-baseline "$W"
expect_grep "blocks 2 resources" "$TMP/out"

expect_status 3 "$OV" policy whatif --assignment no-such-assignment "$W"
expect_status 2 "$OV" policy whatif "$W"

# The sample estate's assignments name built-ins: without them the verdict
# is incomplete, never "safe"; with them, the planted public account shows.
expect_status 3 "$OV" policy whatif --assignment nbu-storage-no-public-access "$OV_SOURCE_DIR/examples/estate"
expect_status 3 "$OV" policy whatif --assignment nbu-baseline-prod "$OV_SOURCE_DIR/examples/estate"
expect_grep "INCOMPLETE" "$TMP/out"
BUILTINS="${OVERVISOR_CORPUS:-}/azure-policy/policyDefinitions"
if [ -d "$BUILTINS" ]; then
	expect_status 0 "$OV" policy whatif --assignment nbu-storage-no-public-access \
	    --definition "$BUILTINS" "$OV_SOURCE_DIR/examples/estate"
	expect_grep "stnburesearch01" "$TMP/out"
	expect_no_grep "stnburesearch02" "$TMP/out"
else
	echo "corpus not found: built-in part skipped"
fi
finish
