#!/bin/sh
# SPDX-License-Identifier: MIT
# Operator mode benchmark: TENANTS tenants of RESOURCES resources each (the
# bench_collect estate, one fakeazure per tenant, each with its own tenant
# id) registered in a throwaway PostgreSQL cluster (overvisor tenants add,
# jobs enqueue), then drained by 1, 2 and 4 `overvisor worker` processes
# (each running CONCURRENCY jobs at once: `worker --concurrency`),
# RUNS runs each, a fresh schema per run.  Reports, medians over the runs:
#   tenants per minute   TENANTS * 60 / (last job finished - workers started)
#   database time/scan   pg_stat_statements' execution time over the run
#                        divided by the scans recorded, split into the
#                        queue's statements (ov_jobs, ov_tenants) and the
#                        rest (recording the scan)
#   claim latency        per worker, its next job's started_at minus its
#                        previous job's finished_at (median and worst), the
#                        time to claim under contention while jobs are queued
#                        (with CONCURRENCY > 1, the gaps where the worker's
#                        previous job ended before its next began)
#   peak RSS per worker  /usr/bin/time's maximum resident set of a worker and
#                        the tenant runs it waits for (the largest of them)
# The baseline, in the same run, is one worker: the 2 and 4 worker figures
# are quoted against it.  No latency is simulated by default, so the runs
# are CPU-bound: on a 2-core machine more workers show their overhead, not
# a speed-up (OV_BENCH_LATENCY=token=30,arg=200,... simulates the APIs).
# 200 tenants is the default (TENANTS=40 for a run of a
# few minutes on 2 cores).
# Needs PostgreSQL's server (initdb, pg_ctl, pg_stat_statements) and psql.
# Usage: bench/operator.sh [BUILD_DIR]
#   env: TENANTS (200) RESOURCES (3000) USERS (300) RUNS (3) WORKERS ("1 2 4")
#        CONCURRENCY ("1"; e.g. "1 2" adds each worker count with two jobs
#        at once per worker)
set -eu
build="${1:-${BUILD:-build}}"
src="$(cd "$(dirname "$0")" && pwd)"
. "$src/lib.sh"
. "$src/../tests/fakeazure/endpoints.sh"
TENANTS="${TENANTS:-200}"
RESOURCES="${RESOURCES:-3000}"
USERS="${USERS:-300}"
RUNS="${RUNS:-3}"
WORKERS="${WORKERS:-1 2 4}"
CONCURRENCY="${CONCURRENCY:-1}"
LATENCY="${OV_BENCH_LATENCY:-}"
ov="$(cd "$build" && pwd)/overvisor"
fake="$build/tests/fakeazure"
for b in "$ov" "$fake" "$build/bench/bench_collect"; do
	[ -x "$b" ] || { echo "bench/operator: $b missing (make bench)"; exit 1; }
done
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || ! command -v psql >/dev/null 2>&1; then
	echo "bench/operator: PostgreSQL's server and psql are needed (scripts/deps.sh)"
	exit 1
fi
[ -x /usr/bin/time ] || { echo "bench/operator: /usr/bin/time is needed"; exit 1; }

tmp=$(mktemp -d)
chmod 755 "$tmp"
fpids=""
wpids=""
pgup=""
as_pg() { # the cluster runs as postgres when we are root
	if [ "$(id -u)" = 0 ]; then
		su postgres -s /bin/sh -c "$*"
	else
		sh -c "$*"
	fi
}
cleanup() {
	for p in $wpids; do kill -TERM "$p" 2>/dev/null || true; done
	for p in $fpids; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[ -n "$pgup" ] && as_pg "'$bindir/pg_ctl' -D '$tmp/pg/data' -m immediate stop" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
machine

# --- a throwaway cluster on loopback, with pg_stat_statements --------
mkdir "$tmp/pg"
[ "$(id -u)" = 0 ] && chown postgres "$tmp/pg"
port=$((20000 + $$ % 20000))
as_pg "'$bindir/initdb' -D '$tmp/pg/data' -A trust -U postgres" >"$tmp/initdb.log" 2>&1 ||
    { cat "$tmp/initdb.log"; exit 1; }
as_pg "'$bindir/pg_ctl' -D '$tmp/pg/data' -w -l '$tmp/pg/log' -o \"-p $port -k $tmp/pg \
    -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100 \
    -c shared_preload_libraries=pg_stat_statements\" start" >/dev/null ||
    { cat "$tmp/pg/log"; exit 1; }
pgup=1
PG="postgresql://postgres@127.0.0.1:$port/postgres"
psql -qAt "$PG" -c "CREATE EXTENSION pg_stat_statements" >/dev/null
echo "postgresql: $(psql -qAt "$PG" -c 'SHOW server_version'), fsync off, on loopback"

# --- the estates and one fakeazure per tenant ------------------------
"$build/bench/bench_collect" gen "$tmp/estate" "$RESOURCES" 2 "$USERS" >"$tmp/gen.log"
GEN=5b0f4a1e-4c3f-4a7e-9d2c-1e8b7a6c5d40
(
	cd "$tmp"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -keyout ca.key -out ca.pem -days 1 -subj "/CN=bench CA" \
	    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -keyout server.key -out server.csr -subj "/CN=localhost" &&
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > server.ext &&
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
	    -out server.pem -days 1 -extfile server.ext
) >"$tmp/openssl.log" 2>&1 || { cat "$tmp/openssl.log"; exit 1; }
secret="bench-$(openssl rand -hex 8)"
client=3f2d8e51-7c0a-4b6e-9d21-6a8f0e5c4b17
tid() { printf '%08x-0b0e-4c4e-8a11-%012x' "$1" "$1"; }
i=1
while [ "$i" -le "$TENANTS" ]; do
	t=$(tid "$i")
	d="$tmp/t$i"
	mkdir -p "$d/estate"
	for f in "$tmp/estate"/*; do
		if grep -q "$GEN" "$f"; then
			sed "s/$GEN/$t/g" "$f" > "$d/estate/${f##*/}"
		else
			ln -s "$f" "$d/estate/${f##*/}"
		fi
	done
	FAKEAZURE_CLIENT_SECRET="$secret" "$fake" --estate "$d/estate" \
	    --cert "$tmp/server.pem" --key "$tmp/server.key" --port-file "$d/ports" \
	    --tenant "$t" --client-id "$client" --arg-quota 100000 --arm-page 1000 \
	    ${LATENCY:+--latency "$LATENCY"} >"$d/fake.log" 2>&1 &
	fpids="$fpids $!"
	i=$((i + 1))
done
i=1
while [ "$i" -le "$TENANTS" ]; do
	fakeazure_endpoints "$tmp/t$i" || exit 1
	i=$((i + 1))
done
echo "estate: $TENANTS tenants, $(sed -n 's/^generated \([0-9]*\) resources.*/\1/p' "$tmp/gen.log") resources and $USERS users each, one fakeazure per tenant${LATENCY:+ (latency $LATENCY)}"
export BENCH_CLIENT_ID="$client" BENCH_CLIENT_SECRET="$secret"
export OVERVISOR_IMDS_ENDPOINT="http://127.0.0.1:9"
unset AZURE_TENANT_ID AZURE_CLIENT_ID AZURE_CLIENT_SECRET OVERVISOR_NOW 2>/dev/null || true

# run W C R: register the tenants in a fresh schema, queue one job each,
# drain the queue with W workers of C jobs at once, record the figures
# (files keyed W.C).
run() {
	w=$1
	c=$2
	r=$3
	key="$w.$c"
	schema="ov_bench_${w}_${c}_$r"
	db="$PG?options=-csearch_path%3D$schema"
	psql -qAt "$PG" -c "CREATE SCHEMA $schema" >/dev/null
	"$ov" db migrate --db "$db" >/dev/null
	i=1
	while [ "$i" -le "$TENANTS" ]; do
		"$ov" tenants add "$(tid "$i")" --db "$db" --name "bench $i" \
		    --credential env:BENCH --endpoints "$tmp/t$i/endpoints.json" \
		    --schedule manual >/dev/null
		"$ov" jobs enqueue "$(tid "$i")" --db "$db" >/dev/null
		i=$((i + 1))
	done
	psql -qAt "$PG" -c "SELECT pg_stat_statements_reset()" >/dev/null
	t0=$(now)
	wpids=""
	k=1
	while [ "$k" -le "$w" ]; do
		/usr/bin/time -f '%M' -o "$tmp/rss.$key.$r.$k" "$ov" worker --db "$db" \
		    --state "$tmp/state.$key.$r.$k" --name "w$k" --ca-file "$tmp/ca.pem" \
		    --poll 1 --lease 120 --concurrency "$c" \
		    >"$tmp/w.$key.$r.$k.out" 2>"$tmp/w.$key.$r.$k.err" &
		wpids="$wpids $!"
		k=$((k + 1))
	done
	n=0
	while :; do
		left=$(psql -qAt "$db" -c "SELECT count(*) FROM ov_jobs WHERE state IN ('queued', 'running')")
		[ "$left" = 0 ] && break
		n=$((n + 1))
		[ $n -lt 36000 ] || { echo "bench/operator: the queue was not drained"; exit 1; }
		sleep 0.1
	done
	for tp in $wpids; do
		kill -TERM "$(pgrep -P "$tp")" 2>/dev/null || true
	done
	for tp in $wpids; do wait "$tp" || true; done
	wpids=""
	q() { psql -qAt "$db" -c "$1"; }
	bad=$(q "SELECT count(*) FROM ov_jobs WHERE state <> 'done'")
	[ "$bad" = 0 ] || { echo "bench/operator: $bad jobs not done:"; q "SELECT tenant, state, last_error FROM ov_jobs WHERE state <> 'done'" | head -n 5; exit 1; }
	scans=$(q "SELECT count(*) FROM scans")
	[ "$scans" = "$TENANTS" ] || { echo "bench/operator: $scans scans for $TENANTS tenants"; exit 1; }
	wall=$(q "SELECT round((extract(epoch FROM max(finished_at)) - $t0)::numeric, 1) FROM ov_jobs")
	tpm=$(awk -v n="$TENANTS" -v s="$wall" 'BEGIN { printf "%.1f", n * 60 / s }')
	dbt=$(psql -qAt "$PG" -F ' ' -c "SELECT
	    round(coalesce(sum(total_exec_time) FILTER (WHERE query ~ 'ov_jobs|ov_tenants'), 0)::numeric / $scans, 1),
	    round(coalesce(sum(total_exec_time) FILTER (WHERE query !~ 'ov_jobs|ov_tenants'), 0)::numeric / $scans, 1)
	    FROM pg_stat_statements WHERE query !~ 'pg_stat_statements'")
	dbq=${dbt% *}
	dbs=${dbt#* }
	lat=$(q "SELECT coalesce(round(percentile_cont(0.5) WITHIN GROUP (ORDER BY g)::numeric, 1), 0),
	    coalesce(round(max(g)::numeric, 1), 0) FROM (SELECT 1000 * extract(epoch FROM started_at -
	    lag(finished_at) OVER (PARTITION BY lease_owner ORDER BY started_at)) AS g FROM ov_jobs) x
	    WHERE g IS NOT NULL AND g >= 0" | tr '|' ' ')
	latm=${lat% *}
	latx=${lat#* }
	rss=0
	k=1
	while [ "$k" -le "$w" ]; do
		m=$(tail -n 1 "$tmp/rss.$key.$r.$k")
		[ "$m" -gt "$rss" ] && rss=$m
		k=$((k + 1))
	done
	rss=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
	echo "$w worker(s) x $c, run $r: $wall s, $tpm tenants/min; db $dbs ms/scan recording + $dbq ms/scan queue; claim median $latm ms, worst $latx ms; peak RSS $rss MB"
	echo "$tpm" >> "$tmp/tpm.$key"
	echo "$dbs" >> "$tmp/dbs.$key"
	echo "$dbq" >> "$tmp/dbq.$key"
	echo "$latm" >> "$tmp/latm.$key"
	echo "$latx" >> "$tmp/latx.$key"
	echo "$rss" >> "$tmp/rss.$key"
	psql -qAt "$PG" -c "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1
	rm -rf "$tmp"/state."$key"."$r".*
}

for w in $WORKERS; do
	for c in $CONCURRENCY; do
		echo "== $w worker(s) x $c job(s) at once, $TENANTS tenants, $RUNS runs"
		r=1
		while [ "$r" -le "$RUNS" ]; do run "$w" "$c" "$r"; r=$((r + 1)); done
	done
done

echo
echo "== results (medians of $RUNS runs; baseline: the first, one worker)"
base=""
for w in $WORKERS; do
	for c in $CONCURRENCY; do
		key="$w.$c"
		tpm=$(median < "$tmp/tpm.$key")
		[ -n "$base" ] || base=$tpm
		echo "$w worker(s) x $c: $tpm tenants/min ($(ratio "$tpm" "$base") of the baseline);" \
		    "db $(median < "$tmp/dbs.$key") ms/scan recording + $(median < "$tmp/dbq.$key") ms/scan queue;" \
		    "claim median $(median < "$tmp/latm.$key") ms, worst $(median < "$tmp/latx.$key") ms;" \
		    "peak RSS per worker $(median < "$tmp/rss.$key") MB"
	done
done
