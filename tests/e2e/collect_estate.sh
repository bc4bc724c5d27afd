# SPDX-License-Identifier: MIT
# overvisor collect against fakeazure serving the bundled sample estate
# over HTTPS: every source is collected, through Resource Graph $skipToken
# paging (split over groups of subscriptions), ARM nextLink and Microsoft
# Graph @odata.nextLink paging; the collected snapshot scans to exactly the
# findings of scanning the estate's files; the manifest says what was
# collected; --verbose logs requests without secrets; and neither the
# client secret nor any token appears in any output.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
. "$OV_SOURCE_DIR/tests/fakeazure/lib.bash"
command -v jq >/dev/null 2>&1 || { echo "skipped: jq not installed"; exit 77; }

NOW=2026-11-01T06:00:00Z
export OVERVISOR_NOW=$NOW
fa_start --arg-page 100 --graph-page 500 --arm-page 3 --arg-quota 1000
fa_env_secret

expect_status 0 fa_collect "$TMP/snap" --auth env
cp "$TMP/out" "$TMP/collect.out"
cp "$TMP/err" "$TMP/collect.err"
M="$TMP/snap/manifest.json"
[ -f "$M" ] || { fail "no manifest written"; finish; }
ls -d "$TMP"/snap.partial-* >/dev/null 2>&1 && fail "a partial directory was left behind"

# The manifest: tenant, cloud, the collection time, every source.
jq -e --arg t "$FA_TENANT" --arg now "$NOW" '.schema == "overvisor-snapshot/1" and
    .tenantId == $t and .cloud == "FakeAzure" and .collectedAt == $now and
    (.tool | startswith("overvisor "))' "$M" >/dev/null || fail "manifest header"
jq -e 'all(.sources[]; .status == "collected" and (.count | type == "number") and
    (.apiVersion | type == "string") and (.files | length == 1))' "$M" >/dev/null ||
    fail "not every source is collected with a count, API version and file"
jq -e '.tenantName == "Northbridge University"' "$M" >/dev/null ||
    fail "tenantName is not the organization's displayName"
# Every source of the estate, with as many records as the estate holds.
for src in $(jq -r '.sources[].name' "$FA_ESTATE/manifest.json"); do
	want=$(jq -r --arg s "$src" '.sources[] | select(.name == $s) | .count' "$FA_ESTATE/manifest.json")
	got=$(jq -r --arg s "$src" '.sources[] | select(.name == $s) | .count' "$M")
	[ "$want" = "$got" ] || fail "$src: $got records collected, the estate holds $want"
	file=$(jq -r --arg s "$src" '.sources[] | select(.name == $s) | .files[0]' "$M")
	[ "$(wc -l < "$TMP/snap/$file")" -eq "$want" ] || fail "$src: $file does not hold $want lines"
done
[ "$(fa_status "$TMP/snap" graph:users)" = collected ] || fail "graph:users not collected"
jq -e '.sources[] | select(.name == "graph:users") | .type == "Microsoft.Graph/users"' "$M" \
    >/dev/null || fail "graph:users has no record type in the manifest"

# Paging really happened, by each API's own mechanism.
L="$FA_DIR/requests.log"
grep -q 'arg .* table=resources .* page=next' "$L" || fail "no Resource Graph \$skipToken page"
[ "$(grep -c 'arg .* table=resources' "$L")" -ge 8 ] || fail "resources were not paged over subscription groups"
[ "$(grep -c 'graph .* GET /v1.0/users ' "$L")" -eq 3 ] || fail "users not read in three @odata.nextLink pages"
[ "$(grep -c 'arm .* GET /subscriptions 200' "$L")" -eq 2 ] || fail "subscriptions not read over two nextLink pages"
grep -q 'graph .* GET /v1.0/roleManagement/directory/roleAssignments 200' "$L" ||
    fail "role assignments not read"
grep -q 'blobServices 200' "$L" || fail "no ARM child list read"
grep -q 'diagnosticSettings 200' "$L" || fail "no diagnostic settings read"
grep -q ' 429 ' "$L" && fail "the service had to throttle the client"
# One token per audience, obtained with the secret.
[ "$(grep -c 'token .* cred=secret aud=arm' "$L")" -eq 1 ] || fail "not exactly one ARM token"
[ "$(grep -c 'token .* cred=secret aud=graph' "$L")" -eq 1 ] || fail "not exactly one Graph token"

# The summary on stdout names every source.
expect_grep "arg:resources" "$TMP/collect.out"
expect_grep "25 collected, 0 partial, 0 failed" "$TMP/collect.out"

# Scanning the collected snapshot gives the findings of scanning the files.
"$OV" scan "$TMP/snap" --format json --fail-on none --output "$TMP/collected.json" ||
    fail "scan of the collected snapshot failed"
"$OV" scan "$FA_ESTATE" --format json --fail-on none --output "$TMP/files.json" ||
    fail "scan of the estate failed"
if ! cmp -s <(jq -S '.findings, .summary' "$TMP/collected.json") \
    <(jq -S '.findings, .summary' "$TMP/files.json"); then
	fail "the collected snapshot's findings differ from the estate's"
	diff <(jq -S '.summary' "$TMP/collected.json") <(jq -S '.summary' "$TMP/files.json") >&2
fi
jq -e '.summary.total > 100' "$TMP/collected.json" >/dev/null || fail "too few findings"

# A second collection replaces the first, and Resource Graph files come
# out the same (group files are joined in order, not as they arrive).
mkdir -p "$TMP/first"
cp "$TMP"/snap/arg-*.ndjson "$TMP"/snap/graph-*.ndjson "$TMP/first/"
expect_status 0 fa_collect "$TMP/snap" --auth env
for f in "$TMP"/first/*.ndjson; do
	cmp -s "$f" "$TMP/snap/$(basename "$f")" || fail "$(basename "$f") differs between two collections"
done
ls -d "$TMP"/snap.old-* >/dev/null 2>&1 && fail "the previous snapshot was left beside"
sort "$TMP/snap/arg-resources.ndjson" > "$TMP/second.sorted"
sort "$FA_ESTATE/arg-resources.ndjson" > "$TMP/estate.sorted"
cmp -s "$TMP/second.sorted" "$TMP/estate.sorted" || fail "resources differ from the estate's"

# --verbose: one line per request, query secrets elided, on stderr.
expect_status 0 fa_collect "$TMP/verbose" --auth env --verbose --sources graph:users,arg:policyresources
cp "$TMP/err" "$TMP/verbose.err"
grep -Eq "^GET https://localhost:$FA_GRAPH/v1\.0/users\?\\\$select=[^ ]*&\\\$top=999 200 [0-9]+ B [0-9]+ ms" "$TMP/verbose.err" ||
    fail "no verbose line for the first users page"
grep -q 'skiptoken=\.\.\.' "$TMP/verbose.err" || fail "the next link's \$skiptoken is not elided"
grep -Eq "^POST https://127\.0\.0\.1:$FA_ARM/providers/Microsoft\.ResourceGraph/resources\?api-version=2022-10-01 200" \
    "$TMP/verbose.err" || fail "no verbose line for Resource Graph"
grep -Eq "^POST https://localhost:$FA_LOGIN/$FA_TENANT/oauth2/v2\.0/token 200" "$TMP/verbose.err" ||
    fail "no verbose line for the token request"
[ "$(fa_status "$TMP/verbose" graph:groups)" = not-requested ] || fail "graph:groups requested"
[ "$(fa_status "$TMP/verbose" arg:policyresources)" = collected ] || fail "arg:policyresources"

# --management-group: the subscriptions below it, from its descendants.
expect_status 0 fa_collect "$TMP/mg" --auth env --management-group mg-nbu-nonprod \
    --sources arg:resourcecontainers,arg:resources
grep -q 'arm .* GET /providers/Microsoft.Management/managementGroups/mg-nbu-nonprod/descendants 200' "$L" ||
    fail "mg: descendants not listed"
[ "$(jq -r 'select(.type == "microsoft.resources/subscriptions") | .subscriptionId' \
    "$TMP/mg/arg-resourcecontainers.ndjson")" = c5ed29da-3d35-4c33-bdea-d9e7e5e2520e ] ||
    fail "mg: not exactly the non-production subscription"
[ "$(jq -r .subscriptionId "$TMP/mg/arg-resources.ndjson" | sort -u)" = c5ed29da-3d35-4c33-bdea-d9e7e5e2520e ] ||
    fail "mg: resources of other subscriptions"
expect_status 0 fa_collect "$TMP/mgnone" --auth env --management-group mg-unknown --sources arg:resources,graph:groups
[ "$(fa_status "$TMP/mgnone" arg:resources)" = failed ] || fail "mg-unknown: resources not failed"
# --subscription: exactly the subscriptions given.
sub=92d5675d-1a49-439f-a1de-2ef0501f7c82
expect_status 0 fa_collect "$TMP/one" --auth env --subscription "$sub" --sources arg:resources
[ "$(jq -r .subscriptionId "$TMP/one/arg-resources.ndjson" | sort -u)" = "$sub" ] ||
    fail "--subscription: resources of other subscriptions"
[ "$(wc -l < "$TMP/one/arg-resources.ndjson")" -eq "$(grep -c "\"subscriptionId\":\"$sub\"" "$FA_ESTATE/arg-resources.ndjson")" ] ||
    fail "--subscription: resources of the subscription lost"

fa_no_secrets "$TMP/collect.out" "$TMP/collect.err" "$TMP/verbose.err" "$TMP/snap" \
    "$TMP/verbose" "$L" "$TMP/collected.json"
finish
