# SPDX-License-Identifier: MIT
# Operator mode's PostgreSQL queue: overvisor tenants, jobs and worker
# against the test Azure service.  Checked: SQLite is refused with exit 5
# (nothing created); two workers drain N jobs of one tenant and each job
# runs and is recorded exactly once; a tenant whose authentication fails
# is retried after a back-off, then marked failed with the reason; retry
# and cancel; a worker killed mid-job (kill -9 of its process group)
# loses its lease and another worker runs the job again, recording it
# once; a worker that lost its lease mid-transaction records nothing; a
# worker stopped by SIGTERM gives its job back uncounted; a customer role granted one tenant reads only that tenant's rows
# (row-level security, granted with tenants grant): every table, counts,
# aggregates, id gaps, the queue and the tenant list show it nothing of
# another tenant, it cannot write, and a role never granted sees nothing.
# The PostgreSQL part needs OVERVISOR_TEST_PG.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"

# --- SQLite has no queue ------------------------------------------------
for cmd in "tenants list" "jobs list" "jobs enqueue x" "worker --state $TMP/ws"; do
	# shellcheck disable=SC2086
	expect_status 5 "$OV" $cmd --db "$TMP/q.sqlite"
	expect_grep "need a PostgreSQL store" "$TMP/err"
done
[ ! -e "$TMP/q.sqlite" ] || fail "a SQLite store was created"
expect_status 2 "$OV" worker --db "postgresql://x@127.0.0.1:1/x"
expect_status 2 "$OV" jobs retry abc --db "postgresql://x@127.0.0.1:1/x"
expect_status 2 "$OV" tenants add t --db "postgresql://x@127.0.0.1:1/x"

if [ -z "${OVERVISOR_TEST_PG:-}" ] || ! command -v psql >/dev/null 2>&1; then
	[ "$failures" -eq 0 ] || finish
	echo "skipped: OVERVISOR_TEST_PG not set (or psql missing); the queue needs PostgreSQL"
	exit 77
fi
command -v jq >/dev/null 2>&1 || { echo "skipped: jq not installed"; exit 77; }
. "$OV_SOURCE_DIR/tests/fakeazure/lib.bash"

EX="$OV_SOURCE_DIR/examples"
TA=9c604f63-ccd5-4398-bdc0-16be163216f0
TB=4f1d2a7e-5b3c-4e8f-9a6d-2c7b1e0f3a55
TC=0b9e8d7c-6a5f-4e3d-8c2b-1a0f9e8d7c6b
SCHEMA="ov_worker_$$"
ROLE="ov_cust_$$"
ROLE2="ov_nogrant_$$"
ROLE3="ov_bare_$$"
PGOPT="options=-csearch_path%3D$SCHEMA"
sep='?'
case "$OVERVISOR_TEST_PG" in *\?*) sep='&' ;; esac
DB="${OVERVISOR_TEST_PG}${sep}${PGOPT}"
WPIDS=""
cleanup() {
	for p in $WPIDS; do kill -9 -- "-$p" 2>/dev/null; done
	fa_stop
	for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	psql -q "$OVERVISOR_TEST_PG" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1
	for r in "$ROLE" "$ROLE2" "$ROLE3"; do
		psql -q "$OVERVISOR_TEST_PG" -c "DROP OWNED BY $r" >/dev/null 2>&1
		psql -q "$OVERVISOR_TEST_PG" -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1
	done
	rm -rf "$TMP"
}
PIDS=""
trap cleanup EXIT
sql() { psql -qAt "$DB" -c "$1"; }
psql -q "$OVERVISOR_TEST_PG" -c "CREATE SCHEMA $SCHEMA" >/dev/null || { echo "FAIL: cannot create schema" >&2; exit 1; }

SECRET_A="ovtest-alpha-$(openssl rand -hex 12)"
FA_SECRET=$SECRET_A
fa_start --tenant "$TA" --arg-quota 100000
cp "$FA_ENDPOINTS" "$TMP/ep-a.json"
PIDS="$PIDS $FA_PID"
FA_PID=""
fa_start --tenant "$TA" --arg-quota 100000 --latency 300
cp "$FA_ENDPOINTS" "$TMP/ep-slow.json"
PIDS="$PIDS $FA_PID"
FA_PID=""
fa_env_clear
export ALPHA_CLIENT_ID="$FA_CLIENT" ALPHA_CLIENT_SECRET="$SECRET_A"
export GAMMA_CLIENT_ID="$FA_CLIENT" GAMMA_CLIENT_SECRET="wrong-$SECRET_A"
unset OVERVISOR_NOW

expect_status 0 "$OV" db migrate --db "$DB"
expect_status 0 "$OV" tenants add "$TA" --db "$DB" --name Northbridge \
    --credential env:ALPHA --endpoints "$TMP/ep-a.json" \
    --contract "$EX/contract.yaml" --exceptions "$EX/exceptions.yaml" \
    --schedule manual
expect_status 0 "$OV" tenants add "$TC" --db "$DB" --name Gamma \
    --credential env:GAMMA --endpoints "$TMP/ep-a.json" --schedule manual \
    --max-attempts 2
expect_status 3 "$OV" tenants add "$TC" --db "$DB" --credential env
expect_grep "already registered" "$TMP/err"
expect_status 2 "$OV" tenants add other --db "$DB" --credential "s3cr3t-value"
expect_no_grep "s3cr3t-value" "$TMP/err"
expect_status 3 "$OV" tenants add other --db "$DB" --credential env --schedule "daily 02:00 Mars/Olympus"
expect_grep "time zone 'Mars/Olympus' is not known" "$TMP/err"
expect_status 2 "$OV" tenants add other --db "$DB" --credential env --schedule "daily 2am"
expect_grep "is not one of" "$TMP/err"
expect_status 2 "$OV" tenants add "bad id" --db "$DB" --credential env
expect_grep "is not a tenant id" "$TMP/err"
expect_status 0 "$OV" tenants list --db "$DB" --format json
[ "$(jq -r 'map(.tenant) | join(" ")' "$TMP/out")" = "$TC $TA" ] ||
    [ "$(jq -r 'map(.tenant) | join(" ")' "$TMP/out")" = "$TA $TC" ] || fail "tenants list: $(cat "$TMP/out")"
expect_status 3 "$OV" jobs enqueue nobody --db "$DB"

. "$OV_SOURCE_DIR/tests/e2e/queue.bash"

# --- two workers, N jobs: each run and recorded exactly once -----------
N=6
for _ in $(seq 1 $N); do expect_status 0 "$OV" jobs enqueue "$TA" --db "$DB"; done
worker w1 --ca-file "$FA_CA" --lease 9
W1=$LAST
worker w2 --ca-file "$FA_CA" --lease 9
W2=$LAST
wait_for "SELECT count(*) FROM ov_jobs WHERE state = 'done'" "$N" 120 ||
    fail "the jobs were not drained: $(sql "SELECT id, state, attempts, last_error FROM ov_jobs")"
kill -TERM "$W1" "$W2"
wait "$W1"; s1=$?
wait "$W2"; s2=$?
[ "$s1" = 0 ] && [ "$s2" = 0 ] || fail "workers stopped with $s1 $s2"
[ "$(sql "SELECT count(*), count(DISTINCT scan_id), min(attempts), max(attempts) FROM ov_jobs WHERE tenant = '$TA' AND state = 'done'")" = "$N|$N|1|1" ] ||
    fail "not one attempt and one scan per job: $(sql "SELECT id, attempts, scan_id FROM ov_jobs")"
[ "$(sql "SELECT count(*) FROM scans WHERE tenant = '$TA'")" = "$N" ] || fail "scans recorded != $N"
[ "$(sql "SELECT count(*) FROM ov_jobs j JOIN scans s ON s.id = j.scan_id AND s.tenant = j.tenant")" = "$N" ] ||
    fail "a job's scan is not its tenant's"
[ "$(cat "$TMP/w1.out" "$TMP/w2.out" | grep -cE "$TA attempt 1/5: (clean|findings) \(done\)")" = "$N" ] ||
    fail "worker lines: $(cat "$TMP/w1.out" "$TMP/w2.out")"
expect_no_grep "$SECRET_A" "$TMP/w1.out"
grep -rqF "$SECRET_A" "$TMP/state-w1" "$TMP/state-w2" "$TMP/w1.err" "$TMP/w2.err" && fail "the secret leaked"

# --- a failing tenant: retried after the back-off, then failed --------
expect_status 0 "$OV" jobs enqueue "$TC" --db "$DB"
JC=$(sql "SELECT id FROM ov_jobs WHERE tenant = '$TC'")
expect_status 4 "$OV" worker --db "$DB" --state "$TMP/state-w3" --once --backoff 2 --ca-file "$FA_CA"
expect_grep "attempt 1/2: collect-failed (queued)" "$TMP/out"
[ "$(sql "SELECT state, attempts, not_before > now() FROM ov_jobs WHERE id = $JC")" = "queued|1|t" ] ||
    fail "not queued with a back-off: $(sql "SELECT state, attempts, not_before, now() FROM ov_jobs WHERE id = $JC")"
expect_status 0 "$OV" worker --db "$DB" --state "$TMP/state-w3" --once --ca-file "$FA_CA"
[ -s "$TMP/out" ] && fail "a job was run before its back-off: $(cat "$TMP/out")"
sleep 3
expect_status 4 "$OV" worker --db "$DB" --state "$TMP/state-w3" --once --backoff 2 --ca-file "$FA_CA"
expect_grep "attempt 2/2: collect-failed (failed)" "$TMP/out"
expect_status 0 "$OV" jobs list --db "$DB" --state failed --format json
jq -e --arg t "$TC" 'length == 1 and .[0].tenant == $t and .[0].attempts == 2 and
    (.[0].lastError | test("token|authenticat|tenant|secret"; "i")) and .[0].scan == null' "$TMP/out" >/dev/null ||
    fail "failed job: $(cat "$TMP/out")"
expect_no_grep "wrong-$SECRET_A" "$TMP/out"
expect_status 3 "$OV" jobs cancel "$JC" --db "$DB"
expect_grep "only a queued or running job" "$TMP/err"
expect_status 0 "$OV" jobs retry "$JC" --db "$DB"
[ "$(sql "SELECT state, attempts FROM ov_jobs WHERE id = $JC")" = "queued|0" ] || fail "retry"
expect_status 0 "$OV" jobs cancel "$JC" --db "$DB"
expect_status 0 "$OV" worker --db "$DB" --state "$TMP/state-w3" --once --ca-file "$FA_CA"
[ "$(sql "SELECT state FROM ov_jobs WHERE id = $JC")" = "cancelled" ] || fail "a cancelled job ran"
expect_status 3 "$OV" jobs retry 999999 --db "$DB"

# --- a worker killed mid-job: the job runs again after its lease --------
expect_status 0 "$OV" tenants remove "$TA" --db "$DB"
[ "$(sql "SELECT count(*) FROM ov_jobs WHERE tenant = '$TA'")" = 0 ] || fail "remove kept the jobs"
[ "$(sql "SELECT count(*) FROM scans WHERE tenant = '$TA'")" = "$N" ] || fail "remove dropped the scans"
expect_status 0 "$OV" tenants add "$TA" --db "$DB" --credential env:ALPHA \
    --endpoints "$TMP/ep-slow.json" --schedule manual
expect_status 0 "$OV" jobs enqueue "$TA" --db "$DB"
JK=$(sql "SELECT id FROM ov_jobs WHERE tenant = '$TA'")
worker w4 --ca-file "$FA_CA" --lease 4
W4=$LAST
wait_for "SELECT state FROM ov_jobs WHERE id = $JK" running 60 || fail "w4 did not claim"
sleep 1
kill -9 -- "-$W4"
wait "$W4" 2>/dev/null
[ "$(sql "SELECT state, scan_id IS NULL FROM ov_jobs WHERE id = $JK")" = "running|t" ] ||
    fail "killed mid-job: $(sql "SELECT state, scan_id FROM ov_jobs WHERE id = $JK")"
expect_status 0 "$OV" worker --db "$DB" --state "$TMP/state-w5" --once --ca-file "$FA_CA"
[ -s "$TMP/out" ] && fail "a job was taken from a live lease: $(cat "$TMP/out")"
sleep 5
# the sample estate has findings at or above high: exit 1, as operator run
expect_status 1 "$OV" worker --db "$DB" --state "$TMP/state-w5" --once --lease 30 --ca-file "$FA_CA"
expect_grep "attempt 2/5: findings (done)" "$TMP/out"
[ "$(sql "SELECT state, attempts, scan_id IS NOT NULL FROM ov_jobs WHERE id = $JK")" = "done|2|t" ] ||
    fail "not re-run after the lease: $(sql "SELECT * FROM ov_jobs WHERE id = $JK")"
sql "SELECT last_error FROM ov_jobs WHERE id = $JK" | grep -q "lease of w4 expired" || fail "no note of the lost lease"
[ "$(sql "SELECT count(*) FROM scans WHERE tenant = '$TA'")" = "$((N + 1))" ] || fail "the killed job recorded twice or never"

# --- a worker that lost its lease records nothing --------------------
# Worker A's run pauses inside its scan's transaction; A is stopped, its
# lease expires and worker B runs the job again.  A's scan must not
# commit (the lease fences it): one scan for the job, B's.
expect_status 0 "$OV" jobs enqueue "$TA" --db "$DB"
JF=$(sql "SELECT max(id) FROM ov_jobs WHERE tenant = '$TA'")
OVERVISOR_TEST_PAUSE=8 worker wa --ca-file "$FA_CA" --lease 3
WA=$LAST
for _ in $(seq 1 300); do
	grep -qs "test pause" "$TMP/state-wa/$TA/run.log" && break
	sleep 0.2
done
grep -qs "test pause" "$TMP/state-wa/$TA/run.log" || fail "worker A's run did not reach its transaction"
kill -STOP "$WA"
sleep 4.5
expect_status 1 "$OV" worker --db "$DB" --state "$TMP/state-wb" --once --lease 30 --ca-file "$FA_CA" --name wb
expect_grep "job $JF $TA attempt 2/5: findings (done)" "$TMP/out"
kill -CONT "$WA"
for _ in $(seq 1 100); do
	grep -qs "lease was lost" "$TMP/wa.err" && break
	sleep 0.2
done
kill -TERM "$WA"
wait "$WA"
expect_grep "lease was lost" "$TMP/wa.err"
grep -qs "its lease was lost" "$TMP/state-wa/$TA/run.log" || fail "A's scan was not refused: $(tail -3 "$TMP/state-wa/$TA/run.log")"
[ "$(sql "SELECT state, attempts, lease_owner FROM ov_jobs WHERE id = $JF")" = "done|2|wb" ] ||
    fail "fenced job: $(sql "SELECT * FROM ov_jobs WHERE id = $JF")"
[ "$(sql "SELECT count(*) FROM scans WHERE tenant = '$TA'")" = "$((N + 2))" ] ||
    fail "the fenced job recorded $(sql "SELECT count(*) - $N - 1 FROM scans WHERE tenant = '$TA'") scans"

# --- SIGTERM: the running tenant stopped, its job given back ----------
expect_status 0 "$OV" jobs enqueue "$TA" --db "$DB"
JS=$(sql "SELECT max(id) FROM ov_jobs WHERE tenant = '$TA'")
worker ws --ca-file "$FA_CA" --lease 10
WS=$LAST
wait_for "SELECT state FROM ov_jobs WHERE id = $JS" running 60 || fail "ws did not claim"
# the tenant's run has started (the worker compiles its rules first)
for _ in $(seq 1 300); do [ -e "$TMP/state-ws/$TA/run.log" ] && break; sleep 0.2; done
sleep 1
kill -TERM "$WS"
wait "$WS"
st=$?
[ "$st" = 0 ] || fail "a worker stopped by SIGTERM exited $st"
grep -q "job $JS $TA attempt 1/5: stopped (released)" "$TMP/ws.out" || fail "ws: $(cat "$TMP/ws.out" "$TMP/ws.err")"
[ "$(sql "SELECT state, attempts, scan_id IS NULL, not_before <= now() FROM ov_jobs WHERE id = $JS")" = "queued|0|t|t" ] ||
    fail "not given back: $(sql "SELECT * FROM ov_jobs WHERE id = $JS")"
expect_status 1 "$OV" worker --db "$DB" --state "$TMP/state-ws" --once --ca-file "$FA_CA"
expect_grep "job $JS $TA attempt 1/5: findings (done)" "$TMP/out"
[ "$(sql "SELECT count(*) FROM scans WHERE tenant = '$TA'")" = "$((N + 3))" ] || fail "the released job recorded twice or never"

# --- row-level security: a customer role sees only its tenant ---------
mkdir -p "$TMP/estate-b"
for f in "$FA_ESTATE"/*; do
	sed -e "s/$TA/$TB/g" "$f" > "$TMP/estate-b/$(basename "$f")"
done
"$OV" scan "$TMP/estate-b" --db "$DB" -o /dev/null >/dev/null 2>&1
[ "$(sql "SELECT count(*) FROM scans WHERE tenant = '$TB'")" = 1 ] || fail "no scan of tenant B"
# Tenant A has jobs of its own around other tenants' jobs: its ids must
# not show the others (ids come from the tenant's own sequence).
expect_status 0 "$OV" jobs enqueue "$TA" --db "$DB"
for _ in 1 2 3; do expect_status 0 "$OV" jobs enqueue "$TC" --db "$DB"; done
expect_status 0 "$OV" jobs enqueue "$TA" --db "$DB"
psql -q "$OVERVISOR_TEST_PG" >/dev/null <<EOF || fail "cannot make the roles"
CREATE ROLE $ROLE LOGIN;
CREATE ROLE $ROLE2 LOGIN;
CREATE ROLE $ROLE3 LOGIN;
GRANT USAGE ON SCHEMA $SCHEMA TO $ROLE2;
GRANT SELECT ON ALL TABLES IN SCHEMA $SCHEMA TO $ROLE2;
GRANT INSERT ON $SCHEMA.findings TO $ROLE;
EOF
# bad role names: usage errors, never sent to the database as SQL
for bad in 'x"; DROP TABLE scans; --' 'pg_monitor' 'public' '9lives' "a b" "$(printf 'r%.0s' $(seq 1 64))"; do
	expect_status 2 "$OV" tenants grant "$TA" "$bad" --db "$DB"
	expect_grep "is not a role name" "$TMP/err"
done
[ "$(sql "SELECT count(*) FROM scans")" -gt 0 ] || fail "scans gone"
expect_status 3 "$OV" tenants grant "$TA" "ov_nosuch_$$" --db "$DB"
expect_grep "does not exist" "$TMP/err"
expect_status 3 "$OV" tenants grant "$TA" postgres --db "$DB"
expect_grep "superuser" "$TMP/err"
expect_status 3 "$OV" tenants grant "nobody.example" "$ROLE" --db "$DB"
expect_grep "not registered" "$TMP/err"
expect_status 2 "$OV" tenants grant "$TA" --db "$DB"
expect_status 0 "$OV" tenants grant "$TA" "$ROLE" --db "$DB"
expect_status 0 "$OV" tenants grant "$TA" "$ROLE" --db "$DB"
expect_status 0 "$OV" tenants grants --db "$DB" --format json
jq -e --arg a "$TA" --arg r "$ROLE" '. == [{"tenant": $a, "role": $r}]' "$TMP/out" >/dev/null ||
    fail "grants: $(cat "$TMP/out")"
role_url() {
	local u
	u=$(printf '%s' "$OVERVISOR_TEST_PG" | sed "s|://[^@/]*@|://$1@|")
	case "$u" in *"$1"@*) printf '%s%s%s' "$u" "$sep" "$PGOPT" ;; esac
}
CDB=$(role_url "$ROLE")
if [ -n "$CDB" ]; then
	csql() { psql -qAt "$CDB" -c "$1" 2>&1; }
	all_a=$(sql "SELECT count(*) FROM findings WHERE tenant = '$TA'")
	[ "$all_a" -gt 0 ] && [ "$(sql "SELECT count(*) FROM findings WHERE tenant = '$TB'")" -gt 0 ] ||
	    fail "the operator does not see both tenants"
	[ "$(sql "SELECT count(*) FROM ov_jobs WHERE tenant = '$TC'")" -gt 0 ] || fail "no jobs of tenant C"
	# every table: exactly tenant A's rows, as the operator counts them
	for t in scans findings exceptions parties scan_sources scan_coverage observations scan_records \
	    scan_duties scan_exceptions restore_tests backup_items policy_coverage contract_answers \
	    events ov_tenants ov_jobs; do
		want=$(sql "SELECT count(*) FROM $t WHERE tenant = '$TA'")
		got=$(csql "SELECT count(*) FROM $t")
		[ "$got" = "$want" ] || fail "customer counts $got rows of $t, tenant A has $want"
		[ "$(csql "SELECT count(*) FROM $t WHERE tenant <> '$TA'")" = 0 ] || fail "customer sees another tenant in $t"
	done
	[ "$(sql "SELECT count(*) FROM scan_duties WHERE tenant = '$TA'")" -gt 0 ] || fail "no duties recorded for A"
	# aggregates over everything give tenant A's figures
	[ "$(csql "SELECT sum(n_findings), max(id), count(DISTINCT tenant) FROM scans")" = \
	    "$(sql "SELECT sum(n_findings), max(id), count(DISTINCT tenant) FROM scans WHERE tenant = '$TA'")" ] ||
	    fail "aggregates over scans differ from tenant A's"
	[ "$(csql "SELECT count(*), min(state), max(attempts) FROM ov_jobs")" = \
	    "$(sql "SELECT count(*), min(state), max(attempts) FROM ov_jobs WHERE tenant = '$TA'")" ] ||
	    fail "aggregates over the queue differ from tenant A's"
	# its last two jobs are neighbours in its id sequence, tenant C's queued between them
	[ "$(csql "SELECT (array_agg(id ORDER BY id DESC))[1] - (array_agg(id ORDER BY id DESC))[2] FROM ov_jobs")" = 1 ] ||
	    fail "job ids show other tenants' jobs: $(csql "SELECT id FROM ov_jobs ORDER BY id")"
	for q in "SELECT last_value FROM ov_jobs_id_seq" "SELECT last_value FROM scans_id_seq" \
	    "SELECT pg_catalog.nextval('ov_jobs_id_seq')" \
	    "SELECT count(*) FROM pg_catalog.pg_sequence q WHERE has_sequence_privilege(q.seqrelid, 'SELECT')"; do
		out=$(csql "$q")
		case "$out" in *denied*|0) ;; *) fail "customer read a sequence ($q): $out" ;; esac
	done
	[ "$(csql "SELECT count(*) FROM ov_tenants")" = 1 ] || fail "customer sees other tenants"
	[ "$(csql "SELECT count(*) FROM ov_grants")" = 1 ] || fail "customer sees other grants"
	csql "SELECT ov_window('daily', 0, 1, 'UTC', now())" | grep -q "denied" || fail "customer ran ov_window"
	# no writes, its own tenant's included; a write privilege it had is gone
	for q in "INSERT INTO ov_grants (tenant, role) VALUES ('$TC', '$ROLE')" \
	    "INSERT INTO findings (fingerprint, tenant, rule, severity, resource_id, type_key, state, first_seen, last_seen, due, first_scan, last_scan) VALUES ('x', '$TA', 'r', 1, 'i', 't', 'open', 0, 0, 0, 0, 0)" \
	    "UPDATE scans SET label = 'x'" "DELETE FROM ov_jobs" "UPDATE ov_tenants SET name = 'x'" "TRUNCATE findings"; do
		csql "$q" | grep -q "denied\|violates" || fail "a customer wrote: $q"
	done
	[ "$(sql "SELECT count(*) FROM ov_grants")" = 1 ] || fail "grants changed"
	csql "SET overvisor.tenant = '$TB'; SELECT count(*) FROM findings WHERE tenant <> '$TA'" | grep -qx 0 ||
	    fail "a customer read another tenant by setting overvisor.tenant"
	# the CLI as the customer
	expect_status 0 "$OV" findings list --db "$CDB" --format json
	jq -e --arg a "$TA" 'length > 0 and all(.[]; .tenant == $a)' "$TMP/out" >/dev/null ||
	    fail "findings list as the customer: $(head -c 300 "$TMP/out")"
	expect_status 0 "$OV" tenants list --db "$CDB" --format json
	jq -e --arg a "$TA" 'map(.tenant) == [$a]' "$TMP/out" >/dev/null || fail "tenants list as the customer: $(cat "$TMP/out")"
	expect_status 0 "$OV" jobs list --db "$CDB" --format json
	jq -e --arg a "$TA" 'length > 0 and all(.[]; .tenant == $a)' "$TMP/out" >/dev/null ||
	    fail "jobs list as the customer: $(head -c 300 "$TMP/out")"
	expect_status 0 "$OV" findings list --db "$DB" --format json
	jq -e --arg b "$TB" 'any(.[]; .tenant == $b)' "$TMP/out" >/dev/null || fail "the operator lost tenant B"
	# a role with SELECT on every table but no grant sees no row at all
	NDB=$(role_url "$ROLE2")
	for t in scans findings exceptions parties observations scan_records scan_duties events ov_tenants ov_jobs ov_grants; do
		[ "$(psql -qAt "$NDB" -c "SELECT count(*) FROM $t" 2>&1)" = 0 ] || fail "an ungranted role sees rows of $t"
	done
	# a role never granted anything reads nothing
	BDB=$(role_url "$ROLE3")
	# (without USAGE on the schema its tables are not even found)
	psql -qAt "$BDB" -c "SELECT count(*) FROM findings" 2>&1 | grep -q "denied\|does not exist" ||
	    fail "a bare role read findings"
	# revoke: the grant and the privileges go
	expect_status 0 "$OV" tenants revoke "$TA" "$ROLE" --db "$DB"
	expect_status 3 "$OV" tenants revoke "$TA" "$ROLE" --db "$DB"
	expect_grep "has no grant" "$TMP/err"
	csql "SELECT count(*) FROM findings" | grep -q "denied\|does not exist" || fail "a revoked role still reads findings"
	csql "SELECT count(*) FROM $SCHEMA.findings" | grep -q "denied" || fail "a revoked role still reads findings"
	[ "$(sql "SELECT count(*) FROM ov_grants")" = 0 ] || fail "revoke left the grant"
else
	echo "note: cannot make a customer URL from OVERVISOR_TEST_PG; row-level security not tested"
fi
finish
