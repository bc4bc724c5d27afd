# SPDX-License-Identifier: MIT
# Command-line integrity: no silently wrong answer from a missing rule pack,
# a formula cell, a broken store, an impossible date or a bad flag.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
E="$OV_SOURCE_DIR/examples/estate"
C="$OV_SOURCE_DIR/examples/contract.yaml"
W="$FIX/whatif/snapshot.ndjson"
export OVERVISOR_NOW=2026-11-01T06:00:00Z

# A missing or empty rule pack is an input error, never a 0-rule scan.
expect_status 3 "$OV" scan "$E" --rules "$TMP/no-such-rules" -o "$TMP/r.txt"
expect_grep "rule pack not found" "$TMP/err"
mkdir -p "$TMP/empty-rules"
expect_status 3 "$OV" scan "$E" --rules "$TMP/empty-rules" -o "$TMP/r.txt"
expect_grep "rule pack holds no policy definitions" "$TMP/err"
# --no-rules says so on purpose
expect_status 0 "$OV" scan "$E" --rules "$TMP/no-such-rules" --no-rules \
    --fail-on none -o /dev/null

# One CSV writer: findings list neutralises formula cells as scan does.
sed 's/name: Northbridge University IT Services/name: "=HYPERLINK(\\"http:\/\/evil.example\\",\\"x\\")"/' \
    "$C" >"$TMP/contract.yaml"
grep -q HYPERLINK "$TMP/contract.yaml" || fail "contract fixture not edited"
expect_status 1 "$OV" scan "$E" --contract "$TMP/contract.yaml" \
    --db "$TMP/csv.db" --format csv -o "$TMP/scan.csv"
expect_grep "'=HYPERLINK" "$TMP/scan.csv"
expect_status 0 "$OV" findings list --db "$TMP/csv.db" --format csv
expect_grep "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"" "$TMP/out"
if grep -q '^=\|,=' "$TMP/out"; then
	fail "findings list --format csv left a formula cell"
fi
# RFC 4180 rows, like the report
head -1 "$TMP/out" | grep -q $'\r$' || fail "findings csv rows are not CRLF"

# An unusable store still gets the report written, then exits 5.
expect_status 5 "$OV" scan "$E" --db "$TMP/no/such/dir/x.db" --format sarif \
    -o "$TMP/ci.sarif"
[ -s "$TMP/ci.sarif" ] || fail "scan --db with a broken store wrote no report"
grep -q '"version": "2.1.0"' "$TMP/ci.sarif" || fail "the report is not SARIF"

# Read-only commands work on a store nobody may write (SQLite opened
# read-only, no migration, no WAL files created).
mkdir -p "$TMP/ro"
cp "$TMP/csv.db" "$TMP/ro/store.db"
chmod 444 "$TMP/ro/store.db"
chmod 555 "$TMP/ro"
as_reader() {
	if [ "$(id -u)" = 0 ]; then
		if command -v runuser >/dev/null && id nobody >/dev/null 2>&1; then
			chmod o+rx "$TMP"
			runuser -u nobody -- "$@"
		else
			return 77
		fi
	else
		"$@"
	fi
}
for cmd in "findings list" "scans list" "findings exceptions"; do
	# shellcheck disable=SC2086
	as_reader "$OV" $cmd --db "$TMP/ro/store.db" >"$TMP/ro.out" 2>"$TMP/ro.err"
	rc=$?
	[ $rc = 77 ] && { echo "note: no unprivileged user; read-only store not tested"; break; }
	[ $rc = 0 ] || fail "'$cmd' on a read-only store exited $rc: $(cat "$TMP/ro.err")"
done
ls "$TMP/ro" | grep -q -- '-wal\|-shm' && fail "a read-only listing created WAL files"
chmod 755 "$TMP/ro"

# One strict date parser: impossible --except dates are usage errors.
N="$FIX/network"
for d in 2020-13-45 2026-02-30 2026-06-30T25:00:00Z 2026-06-30T10:00:00+99:00 next-week; do
	expect_status 2 "$OV" network diff "$N/drift-baseline.ndjson" \
	    "$N/drift-current.ndjson" --except "x@$d"
done

# An expiry date holds through that day and is shown as written.
cat >"$TMP/exc.yaml" <<'EOF'
exceptions:
  - rule: OV-STG-003
    resource: "*"
    justification: test
    approver: someone@example.org
    ticket: T-1
    expires: 2026-06-30
EOF
OVERVISOR_NOW=2026-06-30T23:59:59Z expect_status 1 "$OV" scan "$E" \
    --exceptions "$TMP/exc.yaml" --db "$TMP/exc.db" -o /dev/null
OVERVISOR_NOW=2026-06-30T23:59:59Z expect_status 0 "$OV" findings exceptions \
    --db "$TMP/exc.db"
expect_grep "2026-06-30" "$TMP/out"
expect_no_grep "2026-07-01" "$TMP/out"
grep -q "active" "$TMP/out" || fail "the exception is not active on its last day"
OVERVISOR_NOW=2026-07-01T00:00:00Z expect_status 0 "$OV" findings exceptions \
    --db "$TMP/exc.db"
grep -q "expired" "$TMP/out" || fail "the exception is active the day after"
if command -v jq >/dev/null 2>&1; then
	OVERVISOR_NOW=2026-06-30 "$OV" findings exceptions --db "$TMP/exc.db" \
	    --format json | jq -e '.[0].expires == "2026-06-30" and
	    .[0].expiresAt == "2026-07-01T00:00:00Z"' >/dev/null ||
	    fail "exceptions json expiry"
fi
# the lapsed-exception finding names the date as written
OVERVISOR_NOW=2026-07-02 expect_status 1 "$OV" scan "$E" \
    --exceptions "$TMP/exc.yaml" --format json -o "$TMP/lapsed.json"
grep -q '"value": "2026-06-30"' "$TMP/lapsed.json" ||
    fail "OV-ACC-010 evidence does not show the expiry as written"

# One rule for exit codes: a bad flag or flag value is always 2.
expect_status 2 "$OV" scan "$E" --framework no-such-framework
expect_status 2 "$OV" scan "$E" --analyzer no-such-analyzer
expect_status 2 "$OV" scan "$E" --format no-such-format
expect_status 2 "$OV" scan "$E" --fail-on no-such-severity
expect_status 2 "$OV" findings list --db "$TMP/csv.db" --state no-such-state
expect_status 2 "$OV" findings list --db "$TMP/csv.db" --severity nope
expect_status 2 "$OV" findings list --db "$TMP/csv.db" --since nope
expect_status 2 "$OV" diff --db "$TMP/csv.db" --from not-a-scan
expect_status 2 "$OV" diff --db "$TMP/csv.db" --to 2026-13-01
expect_status 2 "$OV" scans list --db "$TMP/csv.db" --format nope
expect_status 2 "$OV" inspect "$E" --format nope
expect_status 2 "$OV" policy eval --format nope
expect_status 2 "$OV" contract validate --strict "$C"
# valid values still work
expect_status 0 "$OV" scan "$E" --framework cis-azure-3.0.0 --fail-on none \
    -o /dev/null
expect_status 0 "$OV" findings list --db "$TMP/csv.db" --state active

# contract validate --help prints help instead of opening "--help".
expect_status 0 "$OV" contract validate --help
expect_grep "usage: overvisor contract" "$TMP/out"
expect_no_grep "cannot" "$TMP/err"

# policy whatif counts only the asked assignment's missing definitions: an
# unrelated assignment to a definition that is not loaded leaves the
# verdict complete.
cp "$W" "$TMP/whatif.ndjson"
cat >>"$TMP/whatif.ndjson" <<'EOF'
{"id":"/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/policyAssignments/unrelated","type":"Microsoft.Authorization/policyAssignments","name":"unrelated","properties":{"displayName":"Unrelated","policyDefinitionId":"/providers/Microsoft.Authorization/policyDefinitions/00000000-dead-beef-0000-000000000000","scope":"/subscriptions/00000000-0000-0000-0000-000000000001","enforcementMode":"Default"}}
EOF
expect_status 0 "$OV" policy whatif --assignment storage-baseline "$TMP/whatif.ndjson"
expect_grep "blocks 1 resource" "$TMP/out"
expect_no_grep "INCOMPLETE" "$TMP/out"
expect_status 3 "$OV" policy whatif --assignment unrelated "$TMP/whatif.ndjson"

# policy explain --format json prints JSON: the IR lines and the results.
D="$OV_SOURCE_DIR/rules/storage/OV-STG-003.json"
expect_status 0 "$OV" policy explain --definition "$D" --input "$E" --format json
if command -v jq >/dev/null 2>&1; then
	jq -e '(.explain | length > 0) and (.results | length > 0) and
	    any(.results[]; .state == "non-compliant" and
	    (.resource | endswith("/stnburesearch01")))' "$TMP/out" >/dev/null ||
	    fail "policy explain json: $(head -c 300 "$TMP/out")"
else
	head -c 1 "$TMP/out" | grep -q '{' || fail "policy explain json"
fi
expect_status 0 "$OV" policy explain --definition "$D" --ir --format json
expect_grep '"results": []' "$TMP/out"
finish
