# SPDX-License-Identifier: MIT
# overvisor collect's command line: every bad option or value is a usage
# error (2) with a message; endpoint files are checked with their
# position; an output directory that is not a snapshot is never
# overwritten; --help lists every source.  No service is contacted.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"

export OVERVISOR_IMDS_ENDPOINT="http://127.0.0.1:9"
unset AZURE_TENANT_ID AZURE_CLIENT_ID AZURE_CLIENT_SECRET AZURE_CLIENT_CERTIFICATE_PATH
unset AZURE_FEDERATED_TOKEN_FILE IDENTITY_ENDPOINT IDENTITY_HEADER

expect_status 0 "$OV" collect --help
for s in arg:resources arg:resourcecontainers arg:securityresources arg:policyresources \
    arg:authorizationresources arg:patchassessmentresources arg:patchinstallationresources \
    arg:recoveryservicesresources arg:maintenanceresources arm:resources arm:diagnosticSettings \
    arm:securityContacts graph:users graph:userRegistrationDetails graph:roleAssignments \
    graph:roleDefinitions graph:roleEligibilitySchedules graph:conditionalAccessPolicies \
    graph:namedLocations graph:servicePrincipals graph:applications graph:authorizationPolicy \
    graph:securityDefaults graph:organization; do
	expect_grep "$s" "$TMP/out"
done
for o in --out --tenant --subscription --management-group --cloud --endpoints --ca-file \
    --auth --sources --parallel --timeout --request-timeout --verbose; do
	expect_grep "$o" "$TMP/out"
	grep -qF -- "$(printf '%s' "$o" | sed 's/-/\\-/g')" "$OV_SOURCE_DIR/docs/overvisor.1" ||
	    fail "$o missing from the man page"
	grep -q -- "$o" "$OV_SOURCE_DIR/docs/collect.md" || fail "$o missing from docs/collect.md"
done

expect_status 2 "$OV" collect
expect_grep "--out DIR is required" "$TMP/err"
expect_status 2 "$OV" collect --out "$TMP/s" --auth password
expect_grep "unknown --auth" "$TMP/err"
expect_status 2 "$OV" collect --out "$TMP/s" --parallel 0
expect_status 2 "$OV" collect --out "$TMP/s" --parallel 65
expect_status 2 "$OV" collect --out "$TMP/s" --parallel 4x
expect_status 2 "$OV" collect --out "$TMP/s" --timeout -1
expect_status 2 "$OV" collect --out "$TMP/s" --request-timeout 0
expect_status 2 "$OV" collect --out "$TMP/s" --sources arg:resources,graph:nope
expect_grep "unknown source 'graph:nope'" "$TMP/err"
expect_status 2 "$OV" collect --out "$TMP/s" --sources ,
expect_status 2 "$OV" collect --out "$TMP/s" --cloud AzureGermanCloud
expect_grep "unknown cloud 'AzureGermanCloud'" "$TMP/err"
expect_status 2 "$OV" collect --out "$TMP/s" --cloud AzureCloud --endpoints "$TMP/e.json"
expect_status 2 "$OV" collect --out "$TMP/s" --subscription a --management-group b
expect_status 2 "$OV" collect --out "$TMP/s" --ca-file "$TMP/missing.pem"
expect_status 2 "$OV" collect --out "$TMP/s" --insecure
expect_status 2 "$OV" collect --out "$TMP/s" stray-argument

# Endpoint files: the keys of az cloud show, https only, with positions.
expect_status 2 "$OV" collect --out "$TMP/s" --endpoints "$TMP/missing.json"
printf '{"activeDirectory": "https://login.example",\n "resourceManager": "http://arm.example",\n "microsoftGraph": "https://graph.example"}\n' > "$TMP/e.json"
expect_status 2 "$OV" collect --out "$TMP/s" --endpoints "$TMP/e.json"
expect_grep "e.json:2:" "$TMP/err"
expect_grep "must be an https:// URL" "$TMP/err"
expect_grep "/resourceManager" "$TMP/err"
printf '{"activeDirectory": "https://login.example", "microsoftGraph": "https://g.example"}' > "$TMP/e.json"
expect_status 2 "$OV" collect --out "$TMP/s" --endpoints "$TMP/e.json"
expect_grep "no 'resourceManager'" "$TMP/err"
printf '{"activeDirectory": "https://login.example",' > "$TMP/e.json"
expect_status 2 "$OV" collect --out "$TMP/s" --endpoints "$TMP/e.json"
expect_grep "e.json:1:" "$TMP/err"
# The flat form and az cloud show's nested form both load (then no
# credential is found: exit 4, before any request).
printf '{"activeDirectory": "https://login.example", "resourceManager": "https://arm.example",\n "microsoftGraph": "https://graph.example", "activeDirectoryResourceId": "https://arm.example/",\n "microsoftGraphResourceId": "https://graph.example/"}' > "$TMP/flat.json"
PATH=/usr/bin:/bin expect_status 4 "$OV" collect --out "$TMP/s" --endpoints "$TMP/flat.json"
expect_grep "no credential found" "$TMP/err"
printf '{"name": "Custom", "endpoints": {"activeDirectory": "https://login.example",\n "resourceManager": "https://arm.example", "microsoftGraphResourceId": "https://graph.example/"}}' > "$TMP/nested.json"
PATH=/usr/bin:/bin expect_status 4 "$OV" collect --out "$TMP/s" --endpoints "$TMP/nested.json"
for c in AzureCloud AzureUSGovernment AzureChinaCloud; do
	PATH=/usr/bin:/bin expect_status 4 "$OV" collect --out "$TMP/s" --cloud "$c"
done
[ -e "$TMP/s" ] && fail "a snapshot directory was made without collecting"

# An existing directory that is not a snapshot is never overwritten.
mkdir -p "$TMP/mine"
echo keep > "$TMP/mine/notes.txt"
export AZURE_TENANT_ID=t AZURE_CLIENT_ID=c AZURE_CLIENT_SECRET=s
expect_status 2 "$OV" collect --out "$TMP/mine" --endpoints "$TMP/flat.json"
expect_grep "not a snapshot directory" "$TMP/err"
[ "$(cat "$TMP/mine/notes.txt")" = keep ] || fail "a user's directory was touched"
: > "$TMP/afile"
expect_status 2 "$OV" collect --out "$TMP/afile" --endpoints "$TMP/flat.json"

expect_status 0 "$OV" run --help
expect_grep "--out DIR" "$TMP/out"
finish
