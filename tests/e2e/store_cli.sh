#!/bin/bash
# SPDX-License-Identifier: MIT
# The store commands end to end: db migrate, scans list, findings list
# (filters and formats), findings show, diff; a corrupt and a locked SQLite
# file exit 5 with a clear message; a password in a URL is never printed.
set -u
: "${OV:?}" "${OV_BUILD_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
populate="$OV_BUILD_DIR/tests/test_store"
[ -x "$populate" ] || { echo "SKIP: $populate not built"; exit 77; }
export OVERVISOR_NOW=2025-01-05

db="$tmp/f.db"
out=$("$OV" db migrate --db "$db" --to 4) || fail "db migrate --to 4"
echo "$out" | grep -q "upgraded from version 0 to 4" || fail "migrate: $out"
out=$("$OV" db migrate --db "$db") || fail "db migrate"
echo "$out" | grep -q "upgraded from version 4 to 8" || fail "migrate: $out"
"$OV" db migrate --db "$db" --to 9 >/dev/null 2>&1
[ $? = 2 ] || fail "--to beyond the schema is a usage error"
out=$("$OV" db migrate --db "$db") || fail "db migrate again"
echo "$out" | grep -q "up to date" || fail "migrate twice: $out"
"$OV" scans list --db "$db" | grep -q "no scans" || fail "empty scans"

"$populate" --populate "$tmp/p.db" || fail "populate"
db="$tmp/p.db"
out=$("$OV" scans list --db "$db") || fail "scans list"
[ "$(echo "$out" | grep -c tenant-1)" = 4 ] || fail "4 scans: $out"
echo "$out" | grep -q "(partial)" || fail "partial scan flagged: $out"

out=$("$OV" findings list --db "$db") || fail "findings list"
echo "$out" | grep -q "reopened .*OV-NET-001" || fail "NET reopened: $out"
echo "$out" | grep -q "open .*OV-STG-001" || fail "STG open: $out"
out=$("$OV" findings list --db "$db" --state reopened --format csv)
[ "$(echo "$out" | wc -l)" = 2 ] || fail "csv rows: $out"
echo "$out" | head -1 | grep -q "^fingerprint,state,severity" || fail "csv header"
out=$("$OV" findings list --db "$db" --severity critical --format json)
echo "$out" | grep -q '"rule": "OV-STG-001"' || fail "json: $out"
echo "$out" | grep -q '"breached": false' || fail "json breach: $out"
out=$(OVERVISOR_NOW=2025-01-20 "$OV" findings list --db "$db" --breached)
echo "$out" | grep -q "OV-STG-001" || fail "STG breached after 7 days: $out"
echo "$out" | grep -q "OV-NET-001" && fail "NET not breached yet: $out"
out=$("$OV" findings list --db "$db" --owner customer-it --duty policy-enforcement)
echo "$out" | grep -q OV-STG-001 || fail "owner/duty filter: $out"
echo "$out" | grep -q OV-NET-001 && fail "owner filter leaks: $out"
"$OV" findings list --db "$db" --state bogus >/dev/null 2>&1
[ $? = 2 ] || fail "bad state exit (a bad flag value is a usage error)"

fp=$("$OV" findings list --db "$db" --format csv | grep OV-NET-001 | cut -d, -f1)
out=$("$OV" findings show "${fp:0:12}" --db "$db") || fail "show"
echo "$out" | grep -q "state        reopened" || fail "show state: $out"
echo "$out" | grep -q "resolved  *-> reopened" || fail "show history: $out"
"$OV" findings show 00000000 --db "$db" >/dev/null 2>&1
[ $? = 3 ] || fail "unknown fingerprint exit"

out=$("$OV" diff --db "$db" --from 1 --to 2) || fail "diff"
echo "$out" | grep -q "properties.allowBlobPublicAccess: false -> true" || fail "diff property: $out"
echo "$out" | grep -q "finding-resolved" || fail "diff resolved: $out"
out=$("$OV" diff --db "$db") || fail "diff default"
echo "$out" | grep -q "drift from scan 3 to scan 4" || fail "diff default range: $out"
echo "$out" | grep -q "finding-reopened" || fail "diff reopened: $out"
"$OV" diff --db "$db" --format json | grep -q '"kind": "finding-reopened"' || fail "diff json"

# A corrupt file: exit 5, a clear message, no crash.
head -c 4096 /dev/urandom > "$tmp/bad.db"
printf 'garbage garbage garbage' | dd of="$tmp/bad.db" conv=notrunc 2>/dev/null
err=$("$OV" findings list --db "$tmp/bad.db" 2>&1 >/dev/null)
[ $? = 5 ] || fail "corrupt exit"
echo "$err" | grep -q "not an SQLite database" || fail "corrupt message: $err"
# A valid database with a damaged page.
cp "$db" "$tmp/dmg.db"
size=$(stat -c %s "$tmp/dmg.db")
dd if=/dev/zero of="$tmp/dmg.db" bs=1 seek=$((size / 2)) count=2048 conv=notrunc 2>/dev/null
"$OV" findings list --db "$tmp/dmg.db" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 5 ] || [ $rc = 0 ] || fail "damaged file exit $rc"
[ $rc -lt 128 ] || fail "damaged file crashed"
# A missing file is not created by a listing.
"$OV" scans list --db "$tmp/none.db" >/dev/null 2>&1
[ $? = 5 ] || fail "missing db exit"
[ -e "$tmp/none.db" ] && fail "listing created a database"

# A locked file.
if command -v sqlite3 >/dev/null; then
	( printf 'PRAGMA locking_mode=EXCLUSIVE;\nBEGIN EXCLUSIVE;\nCREATE TABLE hold(x);\n'; sleep 4; printf 'ROLLBACK;\n' ) | sqlite3 "$db" >/dev/null &
	holder=$!
	sleep 1
	err=$(OVERVISOR_DB_BUSY_MS=200 "$OV" scans list --db "$db" 2>&1 >/dev/null)
	rc=$?
	wait "$holder"
	[ $rc = 5 ] || fail "locked exit $rc"
	echo "$err" | grep -q "locked" || fail "locked message: $err"
fi

# Passwords in URLs are masked.
err=$("$OV" scans list --db "postgresql://ov:hunter2@127.0.0.1:1/nodb?connect_timeout=2" 2>&1)
[ $? = 5 ] || fail "unreachable postgres exit"
echo "$err" | grep -q hunter2 && fail "password printed: $err"
echo "$err" | grep -q "ov:\*\*\*@" || fail "masked url: $err"
echo "ok"
