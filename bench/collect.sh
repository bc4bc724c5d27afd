#!/bin/sh
# SPDX-License-Identifier: MIT
# Collection benchmark: overvisor collect against fakeazure holding 100,000
# resources over 20 subscriptions and 50,000 users (bench_collect gen),
# with the per-request latency of the real APIs simulated (Resource Graph
# 200 ms a page, Microsoft Graph 100 ms, ARM 10 ms per child list, tokens
# 30 ms).  Reports wall time, requests, bytes, retries and peak RSS, 3 runs
# with the default --parallel 8, medians; the baseline, in the same run,
# is the same collection done sequentially (--parallel 1), 3 runs.
# Targets: at least 5x faster than sequential, peak RSS under 100 MB.
# Resource Graph's quota is raised to 1,000 queries per 5 s here: under the
# real one (15 per 5 s) a table of 100 pages takes 35 s however it is
# scheduled, and the client stays inside it (tests/e2e/collect_faults.sh).
# Usage: bench/collect.sh [BUILD_DIR [RESOURCES SUBSCRIPTIONS USERS]]
set -eu
build="${1:-${BUILD:-build}}"
shift || true
src="$(cd "$(dirname "$0")" && pwd)"
. "$src/lib.sh"
. "$src/../tests/fakeazure/endpoints.sh"
tmp=$(mktemp -d)
fpid=""
cleanup() {
	[ -n "$fpid" ] && kill "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
LATENCY="${OV_BENCH_LATENCY:-token=30,arg=200,graph=100,arm=10,mi=5}"
machine

fake="$build/tests/fakeazure"
[ -x "$fake" ] || { echo "bench/collect: $fake missing (build with tests or make bench)"; exit 1; }
"$build/bench/bench_collect" gen "$tmp/tenant" "$@"
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
) >"$tmp/openssl.log" 2>&1
secret="bench-$(openssl rand -hex 8)"
FAKEAZURE_CLIENT_SECRET="$secret" "$fake" --estate "$tmp/tenant" \
    --cert "$tmp/server.pem" --key "$tmp/server.key" --port-file "$tmp/ports" \
    --client-id bench-client --arg-quota 1000 --arm-page 1000 \
    --latency "$LATENCY" >"$tmp/fake.log" 2>&1 &
fpid=$!
fakeazure_endpoints "$tmp" || exit 1
export AZURE_TENANT_ID=5b0f4a1e-4c3f-4a7e-9d2c-1e8b7a6c5d40 AZURE_CLIENT_ID=bench-client
export AZURE_CLIENT_SECRET="$secret"

collect() { # collect PARALLEL RUN
	"$build/bench/bench_collect" run "$build/overvisor" collect --out "$tmp/snap" \
	    --endpoints "$tmp/endpoints.json" --ca-file "$tmp/ca.pem" --auth env \
	    --parallel "$1" >"$tmp/out.$1.$2" 2>"$tmp/err.$1.$2"
	st=$(sed -n 's/^\([0-9]*\) requests, \([0-9.]*\) MB, \([0-9]*\) retries.*/\1 requests, \2 MB, \3 retries/p' "$tmp/out.$1.$2")
	rec=$(sed -n 's/.*; \([0-9]*\) records$/\1/p' "$tmp/out.$1.$2")
	res=$(tail -n 1 "$tmp/err.$1.$2")
	echo "--parallel $1, run $2: $res; $rec records; $st"
	grep -q ' 0 partial, 0 failed' "$tmp/out.$1.$2" ||
	    { echo "bench/collect: not every source was collected"; cat "$tmp/out.$1.$2"; exit 1; }
	echo "$res" | sed -n 's/^wall \([0-9.]*\) s.*/\1/p' >> "$tmp/wall.$1"
	echo "$res" | sed -n 's/.*peak RSS \([0-9.]*\) MB.*/\1/p' >> "$tmp/rss.$1"
}

echo "== overvisor collect --parallel 8 (latency $LATENCY)"
for run in 1 2 3; do collect 8 $run; done
echo "== baseline: the same collection, sequential (--parallel 1)"
for run in 1 2 3; do collect 1 $run; done

w8=$(median < "$tmp/wall.8")
w1=$(median < "$tmp/wall.1")
r8=$(median < "$tmp/rss.8")
r1=$(median < "$tmp/rss.1")
echo
echo "== results (medians of 3 runs)"
echo "parallel 8: $w8 s, peak RSS $r8 MB (target 100 MB); $(sed -n 's/^\([0-9]* requests.*\)$/\1/p' "$tmp/out.8.1")"
echo "sequential: $w1 s, peak RSS $r1 MB"
echo "parallel 8 is $(ratio "$w1" "$w8") faster than sequential (target 5x)"
