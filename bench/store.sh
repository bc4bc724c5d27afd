#!/bin/sh
# SPDX-License-Identifier: MIT
# Store benchmark: N findings per scan over S scans (default 100k x 10 =
# 1M, 2% churn per scan) with the lifecycle updated each scan, on SQLite
# and on PostgreSQL when OVERVISOR_TEST_PG names a server; 3 runs, medians.
# Baseline in the same run: the database's own shell doing raw upserts of
# the same volume and churn into one keyed table (no evidence, history or
# SLA clocks), which is the floor a store can approach.
# Usage: bench/store.sh [BUILD_DIR [FINDINGS SCANS]]
set -eu
build="${1:-${BUILD:-build}}"
n="${2:-100000}"
scans="${3:-10}"
src="$(cd "$(dirname "$0")" && pwd)"
. "$src/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
machine
churn=$((n / 50))
echo "== overvisor: bench_store, $n findings x $scans scans"
for run in 1 2 3; do
	"$build/bench/bench_store" --findings "$n" --scans "$scans" \
	    --db "$tmp/store.db" | tee "$tmp/ov.$run"
	rm -f "$tmp/store.db" "$tmp/store.db-wal" "$tmp/store.db-shm"
done
cat "$tmp"/ov.* > "$tmp/ov"
field() { # field BACKEND: median "s writing", scans/s, RSS
	grep "^$1 " "$tmp/ov" | sed -n "s/.*: \([0-9.]*\) s writing.*/\1/p" | median
}
sps() {
	grep "^$1 " "$tmp/ov" | sed -n "s/.*, \([0-9.]*\) scans\/s.*/\1/p" | median
}
rss() {
	grep "^$1 " "$tmp/ov" | sed -n "s/.*peak RSS \([0-9]*\) MiB.*/\1/p" | median
}

# The baseline's SQL: one statement set per scan, the same keys and churn.
sql() { # sql DIALECT SCAN
	if [ "$1" = sqlite ]; then
		ids="WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < $((n - 1))) SELECT i + $(($2 * churn)) AS k FROM s"
		key="printf('%016x', k)"
	else
		ids="SELECT i + $(($2 * churn)) AS k FROM generate_series(0, $((n - 1))) AS i"
		key="lpad(to_hex(k), 16, '0')"
	fi
	echo "BEGIN;"
	echo "INSERT INTO ov_baseline SELECT $key, 'OV-BEN-' || (k % 40), '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st' || k, 'open', $2, $2, 1 FROM ($ids) AS x WHERE true ON CONFLICT (fp) DO UPDATE SET last_seen = excluded.last_seen, seen = ov_baseline.seen + 1, state = 'open';"
	echo "UPDATE ov_baseline SET state = 'fixed' WHERE last_seen < $2 AND state = 'open';"
	echo "COMMIT;"
}
schema="CREATE TABLE ov_baseline (fp TEXT PRIMARY KEY, rule TEXT, resource TEXT, state TEXT, first_seen INTEGER, last_seen INTEGER, seen INTEGER);"
baseline() { # baseline DIALECT: prints seconds
	if [ "$1" = sqlite ]; then
		rm -f "$tmp/base.db"
		printf 'PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\n%s\n' "$schema" |
		    sqlite3 "$tmp/base.db" >/dev/null
	else
		PGOPTIONS="-c client_min_messages=warning" \
		    psql -q -d "$OVERVISOR_TEST_PG" -c "DROP TABLE IF EXISTS ov_baseline" \
		    -c "$schema" >/dev/null
	fi
	t0=$(now)
	s=0
	while [ $s -lt "$scans" ]; do
		sql "$1" $s
		s=$((s + 1))
	done > "$tmp/base.sql"
	if [ "$1" = sqlite ]; then
		sqlite3 "$tmp/base.db" < "$tmp/base.sql" >/dev/null
	else
		psql -q -v ON_ERROR_STOP=1 -d "$OVERVISOR_TEST_PG" -f "$tmp/base.sql" >/dev/null
		psql -q -d "$OVERVISOR_TEST_PG" -c "DROP TABLE ov_baseline" >/dev/null
	fi
	t1=$(now)
	elapsed "$t0" "$t1"
}
sq_base="" pg_base=""
if command -v sqlite3 >/dev/null 2>&1; then
	echo "== sqlite3 $(sqlite3 --version | cut -d' ' -f1): raw upserts, same volume"
	for run in 1 2 3; do baseline sqlite | tee -a "$tmp/sq"; done
	sq_base=$(median < "$tmp/sq")
fi
if [ -n "${OVERVISOR_TEST_PG:-}" ] && command -v psql >/dev/null 2>&1; then
	echo "== psql $(psql --version | awk '{ print $3 }'): raw upserts, same volume"
	for run in 1 2 3; do baseline pg | tee -a "$tmp/pg"; done
	pg_base=$(median < "$tmp/pg")
fi

echo
echo "== results ($n findings x $scans scans, medians of 3 runs)"
for b in sqlite postgresql; do
	t=$(field $b)
	[ -n "$t" ] || { echo "$b: skipped"; continue; }
	base=$sq_base
	[ $b = postgresql ] && base=$pg_base
	echo "$b: $t s, $(sps $b) scans/s, peak RSS $(rss $b) MiB;" \
	    "raw upserts ${base:-not measured} s (overvisor takes $(ratio "$t" "$base") their time)"
done
