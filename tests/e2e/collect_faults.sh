# SPDX-License-Identifier: MIT
# overvisor collect when the service misbehaves, each fault on a schedule
# of fakeazure: 429 with Retry-After, a 503, a response slower than the
# request timeout, a token that expires mid-run (401), a 403 on one Graph
# endpoint, a truncated body, paging that stops early, an API the service
# does not implement, Resource Graph's query quota, a licence without
# signInActivity, the overall --timeout, an untrusted certificate and a
# run killed midway.  Transient faults are retried and everything is
# collected; lasting ones mark exactly their source partial or failed,
# with the reason, and the rest is still collected.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
. "$OV_SOURCE_DIR/tests/fakeazure/lib.bash"
command -v jq >/dev/null 2>&1 || { echo "skipped: jq not installed"; exit 77; }

export OVERVISOR_NOW=2026-11-01T06:00:00Z
OUTS=""
L="$FA_DIR/requests.log"

# run NAME STATUS [collect options]: collect into $TMP/NAME.
run() {
	name=$1
	want=$2
	shift 2
	expect_status "$want" fa_collect "$TMP/$name" --auth env --verbose "$@"
	cp "$TMP/out" "$TMP/$name.out"
	cp "$TMP/err" "$TMP/$name.err"
	cp "$L" "$TMP/$name.log"
	OUTS="$OUTS $TMP/$name.out $TMP/$name.err $TMP/$name"
}

# all_collected NAME: every requested source of the snapshot is collected.
all_collected() {
	jq -e '[.sources[] | select(.status != "not-requested")] |
	    length > 0 and all(.status == "collected")' "$TMP/$1/manifest.json" \
	    >/dev/null 2>&1 || fail "$1: not every source was collected"
}

fa_env_secret

# 429 with Retry-After on a Resource Graph page: waited for, then read.
fa_start --arg-quota 1000 --arg-page 100 --fault '429@arg#3'
run r429 0 --sources arg:resources,arg:securityresources,graph:groups
all_collected r429
grep -q 'fault=429' "$L" || fail "r429: the fault did not fire"
expect_grep "retry in 1000 ms" "$TMP/r429.err"
expect_grep "1 throttled" "$TMP/r429.out"

# A 503 without Retry-After: exponential back-off, then read.
fa_start --arg-quota 1000 --fault '503@graph#1'
run r503 0 --sources graph:users,graph:groups
all_collected r503
grep -q 'fault=503' "$L" || fail "r503: the fault did not fire"
grep -Eq 'HTTP 503 ServiceUnavailable.*; retry in [0-9]+ ms' "$TMP/r503.err" ||
    fail "r503: no back-off logged"

# A response slower than --request-timeout: abandoned, asked again.
fa_start --arg-quota 1000 --slow-ms 6000 --fault 'slow@arm#2'
run slow 0 --request-timeout 2 --sources arm:securityContacts,graph:groups
all_collected slow
expect_grep "no complete response within" "$TMP/slow.err"

# The ARM token is declared expired mid-run: 401, one refresh, sent again.
fa_start --arg-quota 1000 --fault 'expire@arm#3'
run expire 0 --sources arm:securityContacts,arm:diagnosticSettings,arg:resources
all_collected expire
grep -q 'token-expired' "$L" || fail "expire: the fault did not fire"
[ "$(grep -c 'token .* aud=arm' "$L")" -eq 2 ] || fail "expire: the token was not refreshed exactly once"
expect_grep "401: token refreshed, sent again" "$TMP/expire.err"

# A 403 on one Graph endpoint (the permission is missing): that source
# fails with the permission it needs; everything else is collected.
fa_start --arg-quota 1000 --fault '403@/v1.0/reports/'
run r403 0
[ "$(fa_status "$TMP/r403" graph:userRegistrationDetails)" = failed ] ||
    fail "r403: userRegistrationDetails not failed"
jq -e '.sources[] | select(.name == "graph:userRegistrationDetails") |
    (.reason | test("HTTP 403 Authorization_RequestDenied")) and
    (.reason | test("needs AuditLog.Read.All")) and (.files == null)' \
    "$TMP/r403/manifest.json" >/dev/null || fail "r403: the reason does not name the error and permission"
jq -e '[.sources[] | select(.name != "graph:userRegistrationDetails")] |
    all(.status == "collected")' "$TMP/r403/manifest.json" >/dev/null ||
    fail "r403: other sources were not all collected"
[ -e "$TMP/r403/graph-userregistrationdetails.ndjson" ] && fail "r403: a file for the failed source"
# Scanning it: the MFA checks cannot pass on missing data.
# A failed source is an input problem: the report is written, exit 3.
"$OV" scan "$TMP/r403" --format json --fail-on none --output "$TMP/r403.json"
[ $? -eq 3 ] || fail "r403: scan did not exit 3 on a failed source"
[ -s "$TMP/r403.json" ] || fail "r403: no report"
jq -e '[.findings[] | select(.rule == "OV-IAM-056")] | length == 0' "$TMP/r403.json" \
    >/dev/null || fail "r403: an MFA finding was resolved on missing registration data"

# A truncated body (Content-Length says more than comes): asked again.
fa_start --arg-quota 1000 --graph-page 500 --fault 'truncate@graph#2'
run trunc 0 --sources graph:users,graph:groups
all_collected trunc
grep -q 'fault=truncate' "$L" || fail "trunc: the fault did not fire"
n_users=$(wc -l < "$FA_ESTATE/graph-users.ndjson")
n_ra=$(wc -l < "$FA_ESTATE/graph-roleassignments.ndjson")
[ "$n_users" -gt 1000 ] || fail "the estate has too few users for paging"
[ "$(wc -l < "$TMP/trunc/graph-users.ndjson")" -eq "$n_users" ] || fail "trunc: users lost"

# Paging that stops early: the first page says more exist, the next pages
# fail every time.  The source is partial, never collected.
fa_start --arg-quota 1000 --graph-page 500 --fault 'pagefail@/v1.0/users'
run pagefail 0 --sources graph:users,graph:groups
[ "$(fa_status "$TMP/pagefail" graph:users)" = partial ] || fail "pagefail: users not partial"
[ "$(fa_status "$TMP/pagefail" graph:groups)" = collected ] || fail "pagefail: groups not collected"
jq -e '.sources[] | select(.name == "graph:users") | .count == 500 and
    (.reason | test("gave up after 6 tries"))' "$TMP/pagefail/manifest.json" >/dev/null ||
    fail "pagefail: count or reason wrong"
# The same for Resource Graph $skipToken pages.
fa_start --arg-quota 1000 --arg-page 100 --fault '500@arg#2' --fault '500@arg#3' \
    --fault '500@arg#4' --fault '500@arg#5' --fault '500@arg#6' --fault '500@arg#7'
run argstop 0 --sources arg:securityresources --parallel 1
[ "$(fa_status "$TMP/argstop" arg:securityresources)" = partial ] || fail "argstop: not partial"

# An API the service does not implement: Resource Graph answers 404.
# Its sources fail, naming it; ARM children fail with them; Graph and
# ARM lists are still collected; the exit status is 0.
fa_start --arg-quota 1000 --fault '404@/providers/Microsoft.ResourceGraph'
run noarg 0
for s in arg:resources arg:securityresources arg:policyresources arm:resources; do
	[ "$(fa_status "$TMP/noarg" "$s")" = failed ] || fail "noarg: $s not failed"
done
jq -e '.sources[] | select(.name == "arg:resources") | .reason |
    test("HTTP 404 .*not available from this service")' "$TMP/noarg/manifest.json" \
    >/dev/null || fail "noarg: the reason does not say the API is missing"
[ "$(fa_status "$TMP/noarg" arm:diagnosticSettings)" = partial ] || fail "noarg: diagnostics not partial"
[ "$(fa_status "$TMP/noarg" arm:securityContacts)" = collected ] || fail "noarg: contacts not collected"
[ "$(fa_status "$TMP/noarg" graph:users)" = collected ] || fail "noarg: users not collected"

# The subscriptions cannot be listed: Resource Graph is asked at tenant
# scope instead, per-subscription ARM lists fail, the rest is collected.
fa_start --arg-quota 1000 --fault '403@/subscriptions$'
run nosubs 0
grep -q 'arg .* scope=tenant' "$L" || fail "nosubs: Resource Graph not asked at tenant scope"
grep -q 'arg .* scope=subscriptions' "$L" && fail "nosubs: subscriptions sent although none were listed"
for s in arg:resources arg:securityresources arg:authorizationresources arm:resources graph:users; do
	[ "$(fa_status "$TMP/nosubs" "$s")" = collected ] || fail "nosubs: $s not collected"
done
[ "$(fa_status "$TMP/nosubs" arm:securityContacts)" = failed ] || fail "nosubs: contacts not failed"
[ "$(fa_status "$TMP/nosubs" arm:diagnosticSettings)" = failed ] || fail "nosubs: diagnostics not failed"
jq -e '.sources[] | select(.name == "arm:securityContacts") | .reason |
    test("subscriptions could not be listed")' "$TMP/nosubs/manifest.json" >/dev/null ||
    fail "nosubs: no reason"
[ "$(wc -l < "$TMP/nosubs/arg-resources.ndjson")" -eq 700 ] || fail "nosubs: resources lost"

# Resource Graph's quota (15 queries per 5 seconds): the client reads
# x-ms-user-quota-remaining and waits for the window, without a 429.
fa_start --arg-page 100 --arg-quota 4 --arg-window 2
run quota 0 --sources arg:resources,arg:securityresources,arg:recoveryservicesresources
all_collected quota
# The service counts queries in its own order, not the order they were
# sent or answered; the client trusts only the lowest count.  One 429 (then
# honoured) is tolerated, for a query abandoned on a loaded machine that the
# service still counted; a client that ignores the quota gets many.
n429=$(awk '$1 == "arg" && $5 == "429"' "$L" | grep -c . || true)
[ "$n429" -le 1 ] || fail "quota: the client ran into $n429 429s"
[ "$(awk '$1 == "arg"' "$L" | grep -c .)" -gt 8 ] || fail "quota: too few queries to need waiting"

# No signInActivity without an Entra ID P1 licence: users read without it,
# the source is partial and says why.
fa_start --arg-quota 1000 --no-premium
run nopremium 0 --sources graph:users
[ "$(fa_status "$TMP/nopremium" graph:users)" = partial ] || fail "nopremium: users not partial"
jq -e --argjson n "$n_users" '.sources[] | select(.name == "graph:users") | .count == $n and
    (.reason | test("signInActivity"))' "$TMP/nopremium/manifest.json" >/dev/null ||
    fail "nopremium: count or reason wrong"

# Role assignments without $expand=principal when the service refuses it.
fa_start --arg-quota 1000 --fault 'noexpand@/v1.0/roleManagement/'
run noexpand 0 --sources graph:roleAssignments
all_collected noexpand
grep -q 'fault=noexpand' "$L" || fail "noexpand: the fault did not fire"
[ "$(wc -l < "$TMP/noexpand/graph-roleassignments.ndjson")" -eq "$n_ra" ] || fail "noexpand: assignments lost"
grep -q '"principal"' "$TMP/noexpand/graph-roleassignments.ndjson" && fail "noexpand: expanded anyway"

# The overall --timeout: a slow service, a short deadline.  What finished
# is written, the rest is failed or partial with the reason.
fa_start --arg-quota 1000 --latency arm=8000,arg=8000
start=$(date +%s)
run deadline 0 --timeout 4 --sources graph:groups,arg:resources
end=$(date +%s)
[ $((end - start)) -le 12 ] || fail "deadline: --timeout 4 took $((end - start)) s"
[ "$(fa_status "$TMP/deadline" graph:groups)" = collected ] || fail "deadline: groups not collected"
[ "$(fa_status "$TMP/deadline" arg:resources)" = failed ] || fail "deadline: resources not failed"
jq -e '.sources[] | select(.name == "arg:resources") | .reason | test("timeout|within")' \
    "$TMP/deadline/manifest.json" >/dev/null || fail "deadline: no reason"

# TLS is always verified: without --ca-file the test CA is not trusted.
fa_start --arg-quota 1000
expect_status 4 "$OV" collect --out "$TMP/untrusted" --endpoints "$FA_ENDPOINTS" --auth env
expect_grep "TLS certificate not trusted" "$TMP/err"
[ -e "$TMP/untrusted" ] && fail "untrusted: a snapshot was written"
expect_status 2 fa_collect "$TMP/x" --auth env --insecure

# Nothing collected (every API 404): exit 4, no snapshot, no leftovers.
fa_start --arg-quota 1000 --fault '404@/v1.0' --fault '404@/subscriptions' \
    --fault '404@/providers/Microsoft.ResourceGraph'
run nothing 4
expect_grep "nothing could be collected" "$TMP/nothing.err"
[ -e "$TMP/nothing" ] && fail "nothing: a snapshot was written"
ls -d "$TMP"/nothing.partial-* >/dev/null 2>&1 && fail "nothing: a partial directory was left"

# A run killed midway leaves no directory that looks like a snapshot; the
# next run removes the leftover and writes the snapshot.
fa_start --arg-quota 1000 --latency 300
"$OV" collect --out "$TMP/killed" --endpoints "$FA_ENDPOINTS" --ca-file "$FA_CA" \
    --auth env >/dev/null 2>&1 &
pid=$!
# Kill it once it has started writing (at most 20 s on a loaded machine).
i=0
while [ $i -lt 200 ] && ! ls -d "$TMP"/killed.partial-* >/dev/null 2>&1; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.3
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
[ -e "$TMP/killed" ] && fail "killed: the snapshot directory exists after a kill"
ls -d "$TMP"/killed.partial-* >/dev/null 2>&1 || fail "killed: no partial directory (was the run killed?)"
ls "$TMP"/killed.partial-*/manifest.json >/dev/null 2>&1 && fail "killed: the partial directory has a manifest"
fa_start --arg-quota 1000
run killed 0 --sources graph:groups
ls -d "$TMP"/killed.partial-* >/dev/null 2>&1 && fail "killed: the leftover was not removed"

fa_no_secrets $OUTS "$L"
finish
