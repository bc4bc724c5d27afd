# SPDX-License-Identifier: MIT
# overvisor operator run: three tenants from one configuration against
# two instances of the test Azure service (tenant A serves the sample
# estate, tenant B a copy under other subscriptions), and a third tenant
# whose authentication fails.  Each tenant has its own secret in its own
# env:NAME variables; the operator's own AZURE_CLIENT_SECRET is wrong, so
# a tenant that used it (or another tenant's) would fail.  Checked: the
# failing tenant neither stops nor touches the others, each report and
# each tenant's store rows hold only that tenant's resources, the exit
# status is the worst outcome, the per-tenant lock, the filters, the
# configuration errors (file:line:column, no secret echoed), and that no
# secret or token appears in any output, log, snapshot or store.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
. "$OV_SOURCE_DIR/tests/fakeazure/lib.bash"
command -v jq >/dev/null 2>&1 || { echo "skipped: jq not installed"; exit 77; }
command -v flock >/dev/null 2>&1 || { echo "skipped: flock not installed"; exit 77; }

export OVERVISOR_NOW=2026-11-01T06:00:00Z
EX="$OV_SOURCE_DIR/examples"
TA=9c604f63-ccd5-4398-bdc0-16be163216f0
TB=4f1d2a7e-5b3c-4e8f-9a6d-2c7b1e0f3a55
TC=0b9e8d7c-6a5f-4e3d-8c2b-1a0f9e8d7c6b
SECRET_A="ovtest-alpha-$(openssl rand -hex 12)"
SECRET_B="ovtest-beta-$(openssl rand -hex 12)"
SECRET_C="ovtest-gamma-$(openssl rand -hex 12)"
SECRET_OP="ovtest-operator-$(openssl rand -hex 12)"

# Estate B: the sample estate moved to other subscriptions and tenant.
mkdir -p "$TMP/estate-b"
for f in "$FA_ESTATE"/*; do
	sed -e 's/43ac3e48-e1ae-4f00-abd1-4eb9541912ec/b0000001-0000-4000-8000-00000000000b/g' \
	    -e 's/92d5675d-1a49-439f-a1de-2ef0501f7c82/b0000002-0000-4000-8000-00000000000b/g' \
	    -e 's/b75a2c25-0598-44e8-8b57-494c30032194/b0000003-0000-4000-8000-00000000000b/g' \
	    -e 's/c5ed29da-3d35-4c33-bdea-d9e7e5e2520e/b0000004-0000-4000-8000-00000000000b/g' \
	    -e "s/$TA/$TB/g" -e 's/Northbridge University/Beta Holdings/g' \
	    "$f" > "$TMP/estate-b/$(basename "$f")"
done

# Two services, one per tenant, each with its own secret.
PIDS=""
trap 'fa_stop; for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
FA_SECRET=$SECRET_A
fa_start --tenant "$TA" --arg-quota 1000 --token-log "$TMP/tokens-a" --log "$TMP/req-a.log"
cp "$FA_ENDPOINTS" "$TMP/ep-a.json"
PIDS="$PIDS $FA_PID"
FA_PID=""
# Tenant A again, slow (every answer 400 ms late), to stop it mid-job.
fa_start --tenant "$TA" --arg-quota 1000 --token-log "$TMP/tokens-slow" \
    --log "$TMP/req-slow.log" --latency 400
cp "$FA_ENDPOINTS" "$TMP/ep-slow.json"
PIDS="$PIDS $FA_PID"
FA_PID=""
FA_SECRET=$SECRET_B
FA_ESTATE="$TMP/estate-b"
fa_start --tenant "$TB" --arg-quota 1000 --token-log "$TMP/tokens-b" --log "$TMP/req-b.log"
cp "$FA_ENDPOINTS" "$TMP/ep-b.json"
PIDS="$PIDS $FA_PID"
FA_PID=""

fa_env_clear
export AZURE_CLIENT_ID="$FA_CLIENT" AZURE_CLIENT_SECRET="$SECRET_OP"
export ALPHA_CLIENT_ID="$FA_CLIENT" ALPHA_CLIENT_SECRET="$SECRET_A"
export BETA_CLIENT_ID="$FA_CLIENT" BETA_CLIENT_SECRET="$SECRET_B"
export GAMMA_CLIENT_ID="$FA_CLIENT" GAMMA_CLIENT_SECRET="$SECRET_C"

# The failing tenant sits between the two good ones.
mkdir -p "$TMP/etc"
cat > "$TMP/etc/operator.yaml" <<EOF
# every tenant of the fleet
db: ../findings.sqlite
state: ../state
concurrency: 3
defaults:
  ca-file: $FA_CA
  contract: $EX/contract.yaml
  exceptions: $EX/exceptions.yaml
  timeout: 600
tenants:
  - id: $TA
    name: Northbridge University
    credential: env:ALPHA
    endpoints: ../ep-a.json
  - id: $TC
    name: Gamma (wrong tenant)
    credential: env:GAMMA
    endpoints: ../ep-a.json
  - id: $TB
    name: Beta Holdings
    credential: env:BETA
    endpoints: ../ep-b.json
    subscriptions:
      - b0000001-0000-4000-8000-00000000000b
      - b0000002-0000-4000-8000-00000000000b
EOF
CONF="$TMP/etc/operator.yaml"

expect_status 0 "$OV" operator check --config "$CONF"
expect_grep "env:GAMMA" "$TMP/out"
expect_grep "2 subs" "$TMP/out"

# --- the fleet: A and B scanned and recorded, C fails alone ------------
expect_status 4 "$OV" operator run --config "$CONF" --fail-on none
cp "$TMP/out" "$TMP/run1.out"
cp "$TMP/err" "$TMP/run1.err"
grep -E "^$TA .* clean +0 " "$TMP/run1.out" >/dev/null || fail "A not clean: $(cat "$TMP/run1.out")"
grep -E "^$TB .* clean +0 " "$TMP/run1.out" >/dev/null || fail "B not clean"
grep -E "^$TC .* collect-failed +4 " "$TMP/run1.out" >/dev/null || fail "C not failed"
grep -E "^$TC .*(authentication|token|tenant)" "$TMP/run1.out" >/dev/null ||
    fail "C's line does not say why it failed"
S="$TMP/state"
jq -e --arg a "$TA" --arg b "$TB" --arg c "$TC" '
    [.tenants[] | {(.tenant): [.result, .exit]}] | add |
    .[$a] == ["clean", 0] and .[$b] == ["clean", 0] and
    .[$c] == ["collect-failed", 4]' "$S/summary.json" >/dev/null ||
    fail "summary.json: $(cat "$S/summary.json")"
for t in "$TA" "$TB" "$TC"; do
	[ -s "$S/$t/run.log" ] || [ "$t" != "$TC" ] || fail "$t: no run.log"
	[ "$(stat -c %a "$S/$t")" = 700 ] || fail "$t: state directory is not private"
done
[ -f "$S/$TA/snapshot/manifest.json" ] || fail "A: no snapshot"
[ -f "$S/$TB/snapshot/manifest.json" ] || fail "B: no snapshot"
[ -e "$S/$TC/snapshot" ] && fail "C: a snapshot although authentication failed"
[ -e "$S/$TC/report.json" ] && fail "C: a report although nothing was collected"
jq -e --arg t "$TA" '.tenantId == $t' "$S/$TA/snapshot/manifest.json" >/dev/null ||
    fail "A's snapshot names another tenant"
jq -e --arg t "$TB" '.tenantId == $t' "$S/$TB/snapshot/manifest.json" >/dev/null ||
    fail "B's snapshot names another tenant"

# A's report equals scanning its estate's files; B's holds only the two
# subscriptions in its scope; neither holds the other's resources.
"$OV" scan "$OV_SOURCE_DIR/examples/estate" --contract "$EX/contract.yaml" \
    --exceptions "$EX/exceptions.yaml" --format json --fail-on none --output "$TMP/files-a.json"
cmp -s <(jq -S '.findings' "$S/$TA/report.json") <(jq -S '.findings' "$TMP/files-a.json") ||
    fail "A's report differs from scanning its estate"
jq -e '[.findings[].resource.id // empty] | length > 50' "$S/$TA/report.json" >/dev/null ||
    fail "A's report has too few findings"
jq -e '[.findings[].resource.id // empty] | length > 20' "$S/$TB/report.json" >/dev/null ||
    fail "B's report has too few findings"
jq -e '[.findings[].resource.id // empty | ascii_downcase |
    select(test("/subscriptions/b000000"))] | length == 0' "$S/$TA/report.json" >/dev/null ||
    fail "A's report holds B's resources"
jq -e '[.findings[].resource.id // empty | ascii_downcase |
    select(test("/subscriptions/(43ac3e48|92d5675d|b75a2c25|c5ed29da)"))] | length == 0' \
    "$S/$TB/report.json" >/dev/null || fail "B's report holds A's resources"
jq -e '[.findings[].resource.id // empty | ascii_downcase |
    select(test("/subscriptions/b000000[34]"))] | length == 0' "$S/$TB/report.json" >/dev/null ||
    fail "B's report holds subscriptions outside its scope"

# The store: one scan of A and one of B, none of C; each tenant's
# findings carry only its own resources.
expect_status 0 "$OV" scans list --db "$TMP/findings.sqlite"
cp "$TMP/out" "$TMP/scans.out"
[ "$(grep -c "$TA" "$TMP/scans.out")" = 1 ] || fail "A: not one scan recorded"
[ "$(grep -c "$TB" "$TMP/scans.out")" = 1 ] || fail "B: not one scan recorded"
expect_no_grep "$TC" "$TMP/scans.out"
expect_status 0 "$OV" findings list --db "$TMP/findings.sqlite" --format json
jq -e --arg a "$TA" --arg b "$TB" '
    (map(select(.tenant == $a)) | length > 50) and
    (map(select(.tenant == $b)) | length > 20) and
    (map(select(.tenant == $a and ((.resourceId // "") |
        ascii_downcase | test("/subscriptions/b000000")))) | length == 0) and
    (map(select(.tenant == $b and ((.resourceId // "") |
        ascii_downcase | test("/subscriptions/(43ac3e48|92d5675d)")))) | length == 0) and
    (map(select(.tenant != $a and .tenant != $b)) | length == 0)' \
    "$TMP/out" >/dev/null || fail "store: tenants' findings mixed or missing"

# A revoked credential: A given C's secret fails alone; B is untouched.
sed -e 's/credential: env:ALPHA/credential: env:GAMMA/' "$CONF" > "$TMP/etc/revoked.yaml"
expect_status 4 "$OV" operator run --config "$TMP/etc/revoked.yaml" --fail-on none \
    --tenant "$TA" --tenant "$TB" --state "$TMP/state-revoked"
grep -E "^$TA .* collect-failed +4 .*(invalid_client|secret|401)" "$TMP/out" >/dev/null ||
    fail "A with a wrong secret: $(grep "^$TA" "$TMP/out")"
grep -E "^$TB .* clean +0 " "$TMP/out" >/dev/null || fail "B failed beside a revoked A"
cp "$TMP/out" "$TMP/revoked.out"

# --- one at a time gives the same reports: no order dependence -----------
cp "$S/$TA/report.json" "$TMP/a1.json"
cp "$S/$TB/report.json" "$TMP/b1.json"
expect_status 4 "$OV" operator run --config "$CONF" --fail-on none --concurrency 1
cmp -s <(jq -S '.findings' "$S/$TA/report.json") <(jq -S '.findings' "$TMP/a1.json") ||
    fail "A's report changed with --concurrency 1"
cmp -s <(jq -S '.findings' "$S/$TB/report.json") <(jq -S '.findings' "$TMP/b1.json") ||
    fail "B's report changed with --concurrency 1"
expect_status 0 "$OV" scans list --db "$TMP/findings.sqlite"
[ "$(grep -c "$TA" "$TMP/out")" = 2 ] || fail "A: second scan not recorded"

# --- --tenant, --fail-on, --format --------------------------------------
expect_status 1 "$OV" operator run --config "$CONF" --tenant "$TB" --fail-on critical \
    --format sarif
grep -E "^$TB .* findings +1 " "$TMP/out" >/dev/null || fail "--fail-on not passed on"
[ "$(grep -c -E "^($TA|$TC) " "$TMP/out")" = 0 ] || fail "--tenant ran other tenants"
jq -e '.version == "2.1.0"' "$S/$TB/report.sarif" >/dev/null || fail "--format sarif"

# --- the per-tenant lock: a tenant held by another run is not run -------
expect_status 4 flock -n "$S/$TA/lock" "$OV" operator run --config "$CONF" --fail-on none \
    --tenant "$TA" --tenant "$TB"
grep -E "^$TA .* locked +4 .*lock" "$TMP/out" >/dev/null || fail "a locked tenant was run"
grep -E "^$TB .* clean +0 " "$TMP/out" >/dev/null || fail "B did not run beside locked A"

# --- a tenant's process killed mid-collection: it alone is lost ---------
sed -e 's|endpoints: ../ep-a.json|endpoints: ../ep-slow.json|' "$CONF" > "$TMP/etc/slow.yaml"
# The tenant's process: the child of the operator run holding its log.
tenant_pid() {
	for p in $(pgrep -P "$1"); do
		ls -l "/proc/$p/fd" 2>/dev/null | grep -qF "$S/$2/run.log" && { echo "$p"; return; }
	done
}
# Wait until tenant $2 of operator run $1 is collecting (the slow service
# has answered three more requests than $3); echo its pid.
wait_collecting() {
	for _ in $(seq 1 600); do
		p=$(tenant_pid "$1" "$2")
		if [ -n "$p" ] && ls -d "$S/$2"/snapshot.partial-* >/dev/null 2>&1 &&
		    [ "$(wc -l < "$TMP/req-slow.log")" -ge $(($3 + 3)) ]; then
			echo "$p"
			return
		fi
		sleep 0.05
	done
}
scans_of() { "$OV" scans list --db "$TMP/findings.sqlite" | grep -c "$1"; }
na=$(scans_of "$TA")
nb=$(scans_of "$TB")
nreq=$(wc -l < "$TMP/req-slow.log")
"$OV" operator run --config "$TMP/etc/slow.yaml" --tenant "$TA" --tenant "$TB" \
    --fail-on none >"$TMP/kill.out" 2>"$TMP/kill.err" &
op=$!
victim=$(wait_collecting "$op" "$TA" "$nreq")
[ -n "$victim" ] && kill -9 "$victim"
wait "$op"
st=$?
[ -n "$victim" ] || fail "kill -9: tenant A never started collecting"
[ "$st" = 70 ] || fail "kill -9: exit $st, expected 70"
grep -E "^$TA .* crashed +70 .*signal 9" "$TMP/kill.out" >/dev/null ||
    fail "kill -9: A not reported crashed: $(cat "$TMP/kill.out")"
grep -E "^$TB .* clean +0 " "$TMP/kill.out" >/dev/null || fail "kill -9: B did not finish"
[ "$(scans_of "$TA")" = "$na" ] || fail "kill -9: a scan of A was recorded"
[ "$(scans_of "$TB")" = $((nb + 1)) ] || fail "kill -9: B's scan was not recorded once"

# --- SIGTERM to the operator run: it passes it on and reports the rest ---
na=$(scans_of "$TA")
nb=$(scans_of "$TB")
nreq=$(wc -l < "$TMP/req-slow.log")
"$OV" operator run --config "$TMP/etc/slow.yaml" --tenant "$TA" --tenant "$TB" \
    --concurrency 1 --fail-on none >"$TMP/term.out" 2>"$TMP/term.err" &
op=$!
victim=$(wait_collecting "$op" "$TA" "$nreq")
[ -n "$victim" ] || fail "SIGTERM: tenant A never started collecting"
kill -TERM "$op"
wait "$op"
st=$?
[ "$st" = 4 ] || fail "SIGTERM: exit $st, expected 4"
grep -E "^$TA .* stopped +4 " "$TMP/term.out" >/dev/null ||
    fail "SIGTERM: A not reported stopped: $(cat "$TMP/term.out")"
grep -E "^$TB .* not-run +4 " "$TMP/term.out" >/dev/null || fail "SIGTERM: B was started"
kill -0 "$victim" 2>/dev/null && fail "SIGTERM: A's process outlived the run"
[ "$(scans_of "$TA")" = "$na" ] && [ "$(scans_of "$TB")" = "$nb" ] ||
    fail "SIGTERM: a scan was recorded"
# Nothing is left locked: the next run takes both tenants.
expect_status 0 "$OV" operator run --config "$CONF" --tenant "$TA" --tenant "$TB" --fail-on none
[ "$(scans_of "$TA")" = $((na + 1)) ] || fail "after SIGTERM: A not recorded"
ls -d "$S/$TA"/snapshot.partial-* >/dev/null 2>&1 && fail "a partial snapshot was left behind"

# --- usage and configuration errors -------------------------------------
expect_status 2 "$OV" operator run
expect_status 2 "$OV" operator run --config "$CONF" --concurrency 0
expect_status 2 "$OV" operator run --config "$CONF" --tenant nope
expect_status 2 "$OV" operator run --config "$CONF" --format pdf
expect_status 2 "$OV" operator run --config "$CONF" --fail-on severe
expect_status 2 "$OV" operator frobnicate --config "$CONF"
expect_status 0 "$OV" operator --help
expect_grep "env:NAME" "$TMP/out"
printf 'tenants:\n  - id: %s\n    credential: env\n    client-secret: %s\n' "$TA" "$SECRET_OP" > "$TMP/bad1.yaml"
expect_status 3 "$OV" operator check --config "$TMP/bad1.yaml"
expect_grep "bad1.yaml:4:5: 'client-secret': a secret never goes in this file" "$TMP/err"
expect_no_grep "$SECRET_OP" "$TMP/err"
printf 'db: postgresql://ov:%s@db/ov\ntenants:\n  - id: a\n    credential: env\n' "$SECRET_OP" > "$TMP/bad2.yaml"
expect_status 3 "$OV" operator run --config "$TMP/bad2.yaml" --state "$TMP/x"
expect_grep "bad2.yaml:1:5: db: the URL holds a password" "$TMP/err"
expect_no_grep "$SECRET_OP" "$TMP/err"
printf 'tenants:\n  - id: a\n    credential: env\n  - id: A\n    credential: env\n' > "$TMP/bad3.yaml"
expect_status 3 "$OV" operator check --config "$TMP/bad3.yaml"
expect_grep "bad3.yaml:4:5: tenant 'A' is listed twice (first on line 2)" "$TMP/err"
printf 'tenants:\n  - id: a\n    credential: %s\n' "$SECRET_OP" > "$TMP/bad4.yaml"
expect_status 3 "$OV" operator check --config "$TMP/bad4.yaml"
expect_grep "bad4.yaml:3:17: credential is not a reference" "$TMP/err"
expect_no_grep "$SECRET_OP" "$TMP/err"
printf 'tenants:\n  - id: ../x\n    credential: env\n' > "$TMP/bad5.yaml"
expect_status 3 "$OV" operator check --config "$TMP/bad5.yaml"
expect_grep "is not a tenant id" "$TMP/err"
printf 'tenants:\n  - id: a\n    credential: env\n    colud: AzureCloud\n' > "$TMP/bad6.yaml"
expect_status 3 "$OV" operator check --config "$TMP/bad6.yaml"
expect_grep "bad6.yaml:4:5: unknown key 'colud'" "$TMP/err"
printf 'tenants:\n  - id: a\n' > "$TMP/bad7.yaml"
expect_status 3 "$OV" operator check --config "$TMP/bad7.yaml"
expect_grep "has no credential" "$TMP/err"
# An unusable store stops the run before any tenant is collected.
n_req=$(cat "$TMP/req-a.log" "$TMP/req-b.log" | wc -l)
expect_status 5 "$OV" operator run --config "$CONF" --db "$TMP/nodir/x/findings.sqlite"
[ "$(cat "$TMP/req-a.log" "$TMP/req-b.log" | wc -l)" = "$n_req" ] ||
    fail "collected although the store is unusable"

# --- PostgreSQL: the same fleet into one database -------------------------
if [ -n "${OVERVISOR_TEST_PG:-}" ] && command -v psql >/dev/null; then
	pg_schema="ov_operator_$$"
	psql -q "$OVERVISOR_TEST_PG" -c "CREATE SCHEMA $pg_schema" >/dev/null ||
	    fail "cannot create schema"
	sep='?'
	case "$OVERVISOR_TEST_PG" in *\?*) sep='&' ;; esac
	pgdb="${OVERVISOR_TEST_PG}${sep}options=-csearch_path%3D$pg_schema"
	expect_status 4 "$OV" operator run --config "$CONF" --db "$pgdb" --fail-on none
	grep -E "^$TA .* clean +0 " "$TMP/out" >/dev/null || fail "pg: A not clean"
	grep -E "^$TB .* clean +0 " "$TMP/out" >/dev/null || fail "pg: B not clean"
	expect_status 0 "$OV" scans list --db "$pgdb"
	[ "$(grep -c -E "$TA|$TB" "$TMP/out")" = 2 ] || fail "pg: scans not recorded"
	rows=$(psql -qtA "$pgdb" -c "SELECT count(*) FROM findings f JOIN scans s ON
	    s.id = f.first_scan WHERE s.tenant <> f.tenant" 2>&1)
	[ "$rows" = 0 ] || fail "pg: findings recorded under another tenant's scan: $rows"
	psql -q "$OVERVISOR_TEST_PG" -c "DROP SCHEMA $pg_schema CASCADE" >/dev/null 2>&1
	echo "ok: postgresql"
else
	echo "note: OVERVISOR_TEST_PG not set; PostgreSQL not tested"
fi

# No secret and no token anywhere: outputs, logs, snapshots, reports, store.
for f in "$TMP/run1.out" "$TMP/run1.err" "$TMP/revoked.out" "$TMP/state-revoked" \
    "$TMP/kill.out" "$TMP/kill.err" "$TMP/term.out" "$TMP/term.err" "$TMP/out" "$TMP/err" "$S" "$TMP/findings.sqlite"; do
	for s in "$SECRET_A" "$SECRET_B" "$SECRET_C" "$SECRET_OP"; do
		grep -rqaF -- "$s" "$f" && fail "a secret appears in $f"
	done
	for tl in "$TMP/tokens-a" "$TMP/tokens-b" "$TMP/tokens-slow"; do
		[ -s "$tl" ] && grep -rqaF -f "$tl" -- "$f" && fail "an access token appears in $f"
	done
done
[ -s "$TMP/tokens-a" ] && [ -s "$TMP/tokens-b" ] || fail "no tokens were issued"
finish
