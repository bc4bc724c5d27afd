#!/bin/bash
# SPDX-License-Identifier: MIT
# What the loader does with incomplete or hostile input (docs/limits.md,
# docs/snapshot-format.md): the manifest is a contract (a short file or a
# missing one makes its source partial or failed, with the reason, shown
# by inspect and in the report and kept by the store, and the checks that
# need it indeterminate); pages that say more exist make their source
# partial; an unreadable file is a diagnostic and the rest is scanned;
# limits are checked before reading; symbolic link loops are not followed.
. "$(dirname "$0")/lib.bash"
export OVERVISOR_NOW=2026-11-01T06:00:00Z
EST="$OV_SOURCE_DIR/examples/estate"

# A source whose file was cut short: partial, with the counts.
cp -r "$EST" "$TMP/short"
head -n 100 "$EST/arg-resources.ndjson" >"$TMP/short/arg-resources.ndjson"
listed=$(jq '.sources[] | select(.name == "arg:resources") | .count' \
    "$EST/manifest.json")
expect_status 0 "$OV" inspect "$TMP/short"
expect_grep "partial        arg:resources: the manifest says $listed records, its files hold 100" \
    "$TMP/out"
expect_status 3 "$OV" scan "$TMP/short" --format json --fail-on none
jq -e '.snapshot.sources[] | select(.name == "arg:resources") |
    select(.status == "partial" and (.reason | test("100")))' \
    "$TMP/out" >/dev/null || fail "report: arg:resources not partial"
expect_status 3 "$OV" scan "$TMP/short" --format text --fail-on none
# the input problem is said on stderr; the report is written before exit 3
expect_grep "1 source is partial or failed" "$TMP/err"
expect_grep "arg:resources (partial: the manifest says $listed records" "$TMP/out"
# ... and the store keeps the status and the reason
expect_status 3 "$OV" scan "$TMP/short" --db "$TMP/s.db" --format json \
    --fail-on none
expect_status 0 "$OV" scans list --db "$TMP/s.db" --format json
jq -e '.[0].complete == false' "$TMP/out" >/dev/null ||
    fail "store: the scan of a short file is complete"
if command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 "$TMP/s.db" "SELECT status FROM scan_sources WHERE \
	    name = 'arg:resources'" >"$TMP/st"
	expect_grep "partial" "$TMP/st"
	sqlite3 "$TMP/s.db" "SELECT manifest FROM scans" >"$TMP/mf"
	expect_grep "its files hold 100" "$TMP/mf"
fi

# A file the manifest lists but that is missing: its source failed, and
# the Conditional Access checks indeterminate, never non-compliant.
cp -r "$EST" "$TMP/noca"
rm "$TMP/noca/graph-conditionalaccess.ndjson"
expect_status 0 "$OV" inspect "$TMP/noca"
expect_grep "failed         graph:conditionalAccessPolicies:" "$TMP/out"
expect_grep "listed in the manifest but missing" "$TMP/out"
expect_status 3 "$OV" scan "$TMP/noca" --analyzer identity --no-rules \
    --format json --fail-on none
for r in OV-IAM-051 OV-IAM-052 OV-IAM-053 OV-IAM-054; do
	jq -e --arg r "$r" '[.findings[] | select(.rule == $r)] | length == 0' \
	    "$TMP/out" >/dev/null || fail "$r raised without CA data"
done
jq -e '.findings[] | select(.rule == "OV-IAM-069" and
    .state == "indeterminate")' "$TMP/out" >/dev/null ||
    fail "no indeterminate coverage finding for the missing CA data"

# An unreadable file: a diagnostic naming it; the rest is scanned, the
# report written, the exit status 3.
cp -r "$EST" "$TMP/unread"
ln -s "$TMP/nowhere.ndjson" "$TMP/unread/zz-dangling.ndjson"
if [ "$(id -u)" != 0 ]; then
	cp "$EST/graph-users.ndjson" "$TMP/unread/zz-locked.ndjson"
	chmod 000 "$TMP/unread/zz-locked.ndjson"
	mkdir "$TMP/unread/zz-locked-dir"
	chmod 000 "$TMP/unread/zz-locked-dir"
fi
expect_status 3 "$OV" inspect "$TMP/unread"
expect_grep "zz-dangling.ndjson:0:0: error: cannot read" "$TMP/out"
expect_status 3 "$OV" scan "$TMP/unread" --format json --fail-on none
jq -e '.snapshot.inputErrors >= 1 and (.findings | length) > 100' \
    "$TMP/out" >/dev/null || fail "unreadable file: report not written"
if [ "$(id -u)" != 0 ]; then
	chmod 700 "$TMP/unread/zz-locked-dir"
	chmod 600 "$TMP/unread/zz-locked.ndjson"
fi

# Paged responses that say more pages exist: their source is partial;
# the pages of a query that add up to its total are not.
for f in arg-page.json az-graph-query.json graph-users-page.json \
    arm-list-page.json; do
	expect_status 0 "$OV" inspect "$FIX/paging/$f"
	expect_grep "partial " "$TMP/out"
	expect_grep "more" "$TMP/out"
done
expect_status 0 "$OV" inspect "$FIX/paging/arg-page.json"
expect_grep "hold 3 of 386 rows" "$TMP/out"
expect_status 0 "$OV" inspect "$FIX/paging/complete"
expect_no_grep "partial" "$TMP/out"
expect_status 3 "$OV" scan "$FIX/paging/az-graph-query.json" --format json \
    --fail-on none
jq -e '.snapshot.sources[] | select(.status == "partial")' "$TMP/out" \
    >/dev/null || fail "report: paged input not partial"

# Limits before reading: a device that never ends stops at once, a file
# larger than the document limit is refused from its size.
timeout 60 "$OV" inspect /dev/zero >"$TMP/out" 2>&1
rc=$?
[ $rc = 3 ] || fail "inspect /dev/zero exited $rc"
expect_grep "not JSON" "$TMP/out"
truncate -s 1100M "$TMP/huge.json"
expect_status 3 "$OV" inspect "$TMP/huge.json"
expect_grep "larger than the document limit" "$TMP/out"
rm -f "$TMP/huge.json"

# A symbolic link loop: reported once, not followed.
mkdir -p "$TMP/loop/a"
cp "$EST/arg-resources.ndjson" "$TMP/loop/a/"
ln -s .. "$TMP/loop/a/up"
expect_status 3 "$OV" inspect "$TMP/loop"
[ "$(grep -c "directory loop" "$TMP/out")" = 1 ] ||
    fail "the loop is not reported exactly once"
n=$(wc -l <"$EST/arg-resources.ndjson")
expect_grep "$n records" "$TMP/out"
finish
