#!/bin/bash
# SPDX-License-Identifier: MIT
# SIGKILL `overvisor scan --db` in the middle of its write transaction (held
# there by the OVERVISOR_TEST_PAUSE hook, half way through loading the
# scan's findings) and check that the store still holds exactly the
# previous state: same scans, same findings, PRAGMA integrity_check ok; and
# that the next scan records normally.  SQLite always; PostgreSQL too when
# OVERVISOR_TEST_PG names a server (psql needed).
set -u
: "${OV:?}" "${OV_SOURCE_DIR:?}"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
estate="$OV_SOURCE_DIR/examples/estate"
[ -f "$estate/manifest.json" ] || { echo "SKIP: no sample estate"; exit 77; }
tmp=$(mktemp -d)
pg_schema=""
victim=""
cleanup() {
	[ -n "$victim" ] && kill -9 "$victim" 2>/dev/null
	if [ -n "$pg_schema" ]; then
		psql -q "$OVERVISOR_TEST_PG" -c \
		    "DROP SCHEMA IF EXISTS $pg_schema CASCADE" >/dev/null 2>&1
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL [$backend]: $*" >&2; exit 1; }
unset OVERVISOR_NOW OVERVISOR_TEST_PAUSE
export LC_ALL=C

# snapshot N DATE: the estate collected at DATE; from N=2 on one storage
# account allows public blob access (a finding that comes and goes).
snapshot() {
	rm -rf "$tmp/s$1"
	cp -r "$estate" "$tmp/s$1"
	jq -c --arg t "$2" '.collectedAt = $t' "$estate/manifest.json" \
	    >"$tmp/s$1/manifest.json"
	if [ "$1" -ge 2 ]; then
		sed -i '/"name":"stnburesearch02"/s/"allowBlobPublicAccess":false/"allowBlobPublicAccess":true/' \
		    "$tmp/s$1/arg-resources.ndjson"
		grep -q '"name":"stnburesearch02".*"allowBlobPublicAccess":true' \
		    "$tmp/s$1/arg-resources.ndjson" || fail "cannot plant"
	fi
}
scan() {	# scan N
	"$OV" scan "$tmp/s$1" --db "$db" -o /dev/null 2>"$tmp/err"
	[ $? -le 1 ] || fail "scan $1: $(cat "$tmp/err")"
}
state() {
	"$OV" scans list --db "$db" --format json | jq -c 'map(del(.recordedAt))'
	OVERVISOR_NOW=2026-12-01 "$OV" findings list --db "$db" --format json
}

run_kill() {
	local before after n1 pid i

	snapshot 1 2026-11-01T06:00:00Z
	snapshot 2 2026-11-04T06:00:00Z
	snapshot 3 2026-11-07T06:00:00Z
	scan 1
	before=$(state) || fail "state"
	n1=$(echo "$before" | head -1 | jq length)
	[ "$n1" = 1 ] || fail "expected 1 scan, got $n1"

	# scan 2 is killed half way through its transaction
	OVERVISOR_TEST_PAUSE=30 "$OV" scan "$tmp/s2" --db "$db" -o /dev/null \
	    2>"$tmp/paused" &
	victim=$!
	for i in $(seq 1 300); do
		grep -q "test pause" "$tmp/paused" 2>/dev/null && break
		kill -0 "$victim" 2>/dev/null || break
		sleep 0.1
	done
	grep -q "test pause" "$tmp/paused" ||
	    fail "the writer never reached the pause: $(cat "$tmp/paused")"
	kill -9 "$victim"
	wait "$victim" 2>/dev/null
	pid=$victim
	victim=""
	kill -0 "$pid" 2>/dev/null && fail "writer still alive"

	if [ "$backend" = sqlite ] && command -v sqlite3 >/dev/null; then
		[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] ||
		    fail "integrity_check after the kill"
		[ "$(sqlite3 "$db" 'SELECT count(*) FROM scans')" = 1 ] ||
		    fail "a half-written scan row survived"
		[ "$(sqlite3 "$db" 'SELECT count(*) FROM observations WHERE scan_id <> 1')" = 0 ] ||
		    fail "half-written observations survived"
	fi
	after=$(state) || fail "state after the kill"
	[ "$before" = "$after" ] || fail "the killed scan changed the store"

	# the store still works: the next scans record and move the lifecycle
	scan 2
	scan 3
	after=$("$OV" scans list --db "$db" --format json | jq length)
	[ "$after" = 3 ] || fail "expected 3 scans after recovery, got $after"
	OVERVISOR_NOW=2026-11-07 "$OV" findings list --db "$db" --format json |
	    jq -e 'any(.[]; .rule == "OV-STG-003" and .state == "open" and
	    (.resourceId | endswith("/stnburesearch02")) and
	    .firstSeen == "2026-11-04T06:00:00Z")' >/dev/null ||
	    fail "the finding planted in scan 2 is not tracked after recovery"
	if [ "$backend" = sqlite ] && command -v sqlite3 >/dev/null; then
		[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] ||
		    fail "integrity_check after recovery"
	fi
}

backend=sqlite
db="$tmp/store.db"
run_kill
echo "ok: sqlite"
if [ -n "${OVERVISOR_TEST_PG:-}" ]; then
	backend=postgresql
	command -v psql >/dev/null || { echo "note: psql missing; PostgreSQL not tested"; exit 0; }
	pg_schema="ovkill_$$_$RANDOM"
	psql -q "$OVERVISOR_TEST_PG" -c "CREATE SCHEMA $pg_schema" >/dev/null ||
	    fail "cannot create schema"
	sep='?'
	case "$OVERVISOR_TEST_PG" in *\?*) sep='&' ;; esac
	db="${OVERVISOR_TEST_PG}${sep}options=-csearch_path%3D$pg_schema"
	run_kill
	echo "ok: postgresql"
else
	echo "note: OVERVISOR_TEST_PG not set; PostgreSQL not tested"
fi
