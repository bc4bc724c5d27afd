# SPDX-License-Identifier: MIT
# overvisor run: collect from fakeazure, then scan, in one command; with
# --db the scan is recorded.  The report equals scanning the estate's
# files with the same options; --fail-on works; a source that cannot be
# collected is named on stderr and its findings are not resolved; when
# nothing can be collected there is no scan and the exit status is 4.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
. "$OV_SOURCE_DIR/tests/fakeazure/lib.bash"
command -v jq >/dev/null 2>&1 || { echo "skipped: jq not installed"; exit 77; }

export OVERVISOR_NOW=2026-11-01T06:00:00Z
EX="$OV_SOURCE_DIR/examples"
SCAN="--contract $EX/contract.yaml --exceptions $EX/exceptions.yaml"
fa_start --arg-quota 1000
fa_env_secret

# The daily job: collect, scan, record.
# shellcheck disable=SC2086
expect_status 0 "$OV" run --out "$TMP/daily" --endpoints "$FA_ENDPOINTS" --ca-file "$FA_CA" \
    --auth env $SCAN --format json --fail-on none --db "$TMP/findings.sqlite"
cp "$TMP/out" "$TMP/run.json"
cp "$TMP/err" "$TMP/run.err"
[ -f "$TMP/daily/manifest.json" ] || fail "run: no snapshot"
[ -s "$TMP/run.err" ] && { fail "run: stderr is not quiet"; cat "$TMP/run.err" >&2; }
# shellcheck disable=SC2086
"$OV" scan "$FA_ESTATE" $SCAN --format json --fail-on none --output "$TMP/files.json"
cmp -s <(jq -S '.findings, .summary' "$TMP/run.json") <(jq -S '.findings, .summary' "$TMP/files.json") ||
    fail "run: the report differs from scanning the estate's files"
expect_status 0 "$OV" scans list --db "$TMP/findings.sqlite"
[ "$(grep -c 'overvisor-snapshot\|9c604f63' "$TMP/out")" -ge 1 ] || fail "run: the scan was not recorded"
expect_status 0 "$OV" findings list --db "$TMP/findings.sqlite" --format json
jq -e 'length > 100' "$TMP/out" >/dev/null 2>&1 ||
    jq -e '.findings | length > 100' "$TMP/out" >/dev/null 2>&1 || fail "run: findings were not recorded"

# --fail-on: the estate has critical findings.
# shellcheck disable=SC2086
expect_status 1 "$OV" run --out "$TMP/daily" --endpoints "$FA_ENDPOINTS" --ca-file "$FA_CA" \
    --auth env $SCAN --fail-on critical --format sarif --output "$TMP/run.sarif"
jq -e '.version == "2.1.0"' "$TMP/run.sarif" >/dev/null || fail "run: --format/--output not passed to scan"

# A 403 on the MFA registration report: named on stderr; the manifest
# keeps the source failed and recorded as such; the scan reports the
# coverage gap instead of MFA findings.
fa_start --arg-quota 1000 --fault '403@/v1.0/reports/'
# a failed source is an input problem: the report and the store first, exit 3
# shellcheck disable=SC2086
expect_status 3 "$OV" run --out "$TMP/daily" --endpoints "$FA_ENDPOINTS" --ca-file "$FA_CA" \
    --auth env $SCAN --format json --fail-on none --db "$TMP/findings.sqlite"
cp "$TMP/err" "$TMP/run403.err"
expect_grep "graph:userRegistrationDetails failed" "$TMP/run403.err"
expect_grep "AuditLog.Read.All" "$TMP/run403.err"
jq -e '[.findings[] | select(.rule == "OV-IAM-056")] | length == 0' "$TMP/out" >/dev/null ||
    fail "run: MFA findings without the registration report"
jq -e '[.findings[] | select(.state == "indeterminate" and
    (.title | test("MFA registration")))] | length == 1' "$TMP/out" >/dev/null ||
    fail "run: the missing registration report is not an indeterminate coverage finding"
jq -e '.snapshot.sources[] | select(.name == "graph:userRegistrationDetails") |
    .status == "failed"' "$TMP/out" >/dev/null || fail "run: the report does not show the failed source"
expect_status 0 "$OV" scans list --db "$TMP/findings.sqlite"
expect_grep "24/25" "$TMP/out"

# Nothing collected: exit 4, no scan recorded.
fa_start --arg-quota 1000 --fault '404@/v1.0' --fault '404@/subscriptions' \
    --fault '404@/providers/Microsoft.ResourceGraph'
n_before=$("$OV" scans list --db "$TMP/findings.sqlite" | grep -c .)
# shellcheck disable=SC2086
expect_status 4 "$OV" run --out "$TMP/none" --endpoints "$FA_ENDPOINTS" --ca-file "$FA_CA" \
    --auth env $SCAN --db "$TMP/findings.sqlite"
[ "$("$OV" scans list --db "$TMP/findings.sqlite" | grep -c .)" = "$n_before" ] ||
    fail "run: a scan was recorded although nothing was collected"
# Authentication failure: exit 4.
export AZURE_CLIENT_SECRET=wrong
expect_status 4 "$OV" run --out "$TMP/none" --endpoints "$FA_ENDPOINTS" --ca-file "$FA_CA" --auth env

# Usage: run needs --out; collect options are checked as collect's.
expect_status 2 "$OV" run --endpoints "$FA_ENDPOINTS"
expect_status 2 "$OV" run --out "$TMP/x" --parallel 0
expect_status 2 "$OV" run --out "$TMP/x" --auth nope
expect_status 0 "$OV" run --help
expect_grep "--fail-on" "$TMP/out"

fa_no_secrets "$TMP/run.json" "$TMP/run.err" "$TMP/run403.err" "$TMP/daily" "$TMP/run.sarif"
finish
