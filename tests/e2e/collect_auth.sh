# SPDX-License-Identifier: MIT
# overvisor collect with each way of authenticating, against fakeazure:
# client secret (--auth env and auto), client certificate signed into an
# RS256 assertion (plain and password-protected key), workload identity
# with a federated token file the service rotates under the client,
# managed identity through IMDS and through App Service's
# IDENTITY_ENDPOINT, and the Azure CLI.  Each result is scanned.  Failures
# to authenticate exit 4 without leaking the secret; and a token that
# expires during the run is refreshed before it does.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
. "$OV_SOURCE_DIR/tests/fakeazure/lib.bash"
command -v jq >/dev/null 2>&1 || { echo "skipped: jq not installed"; exit 77; }

export OVERVISOR_NOW=2026-11-01T06:00:00Z
SOURCES="arg:resources,arg:securityresources,arm:diagnosticSettings,graph:users,graph:userRegistrationDetails,graph:roleAssignments,graph:roleDefinitions,graph:conditionalAccessPolicies"
OUTS=""

# collected NAME: collect with the current environment, check, scan.
collected() {
	name=$1
	shift
	expect_status 0 fa_collect "$TMP/$name" --sources "$SOURCES" "$@"
	cp "$TMP/out" "$TMP/$name.out"
	cp "$TMP/err" "$TMP/$name.err"
	OUTS="$OUTS $TMP/$name.out $TMP/$name.err $TMP/$name"
	[ -f "$TMP/$name/manifest.json" ] || { fail "$name: no snapshot"; return; }
	jq -e --arg t "$FA_TENANT" '.tenantId == $t' "$TMP/$name/manifest.json" >/dev/null ||
	    fail "$name: the manifest's tenant is not the token's"
	jq -e '[.sources[] | select(.status != "not-requested")] | length == 8 and
	    all(.status == "collected")' "$TMP/$name/manifest.json" >/dev/null ||
	    fail "$name: not every requested source was collected"
	"$OV" scan "$TMP/$name" --format json --fail-on none --output "$TMP/$name.json" ||
	    fail "$name: scan failed"
	jq -e '[.findings[] | select(.rule == "OV-IAM-056")] | length > 0' "$TMP/$name.json" \
	    >/dev/null || fail "$name: the scan misses the admin without MFA"
}

# Client secret, chosen explicitly and by auto.
fa_start --arg-quota 1000
fa_env_secret
collected secret --auth env
collected auto --auth auto
[ "$(grep -c 'cred=secret aud=arm' "$FA_DIR/requests.log")" -eq 2 ] || fail "secret: token requests"

# Client certificate: an RS256 assertion with x5t, verified by the service.
fa_env_secret
unset AZURE_CLIENT_SECRET
export AZURE_CLIENT_CERTIFICATE_PATH="$FA_DIR/client.pem"
collected cert --auth env
grep -q 'cred=certificate aud=arm' "$FA_DIR/requests.log" || fail "certificate: not used"
grep -q 'cred=certificate aud=graph' "$FA_DIR/requests.log" || fail "certificate: no Graph token"
export AZURE_CLIENT_CERTIFICATE_PATH="$FA_DIR/client-enc.pem" AZURE_CLIENT_CERTIFICATE_PASSWORD="$FA_SECRET"
collected cert-enc --auth auto
export AZURE_CLIENT_CERTIFICATE_PASSWORD=wrong-password
expect_status 4 fa_collect "$TMP/cert-bad" --auth env
expect_grep "wrong password" "$TMP/err"
[ -e "$TMP/cert-bad" ] && fail "a snapshot was written without credentials"
OUTS="$OUTS $TMP/err"
cp "$TMP/err" "$TMP/cert-bad.err"
OUTS="$OUTS $TMP/cert-bad.err"
# A certificate the app does not have is refused by the service.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/other.key" -out "$TMP/other.crt" \
    -days 1 -subj "/CN=other" >/dev/null 2>&1
cat "$TMP/other.key" "$TMP/other.crt" > "$TMP/other.pem"
unset AZURE_CLIENT_CERTIFICATE_PASSWORD
export AZURE_CLIENT_CERTIFICATE_PATH="$TMP/other.pem"
expect_status 4 fa_collect "$TMP/cert-other" --auth env
expect_grep "AADSTS700027" "$TMP/err"
unset AZURE_CLIENT_CERTIFICATE_PATH

# Workload identity: the federated token is read for every token request;
# the service rotates it after each use and tokens live 2 seconds, so a
# client that cached the file would be refused on the second token.
fa_stop
openssl rand -hex 32 > "$FA_DIR/federated"
fa_start --arg-quota 1000 --federated-token-file "$FA_DIR/federated" --rotate-federated \
    --token-lifetime 2 --latency arm=150,graph=150
fa_env_clear
export AZURE_TENANT_ID="$FA_TENANT" AZURE_CLIENT_ID="$FA_CLIENT"
export AZURE_FEDERATED_TOKEN_FILE="$FA_DIR/federated"
collected workload --auth workload-identity --parallel 3
n=$(grep -c 'cred=federated aud=arm' "$FA_DIR/requests.log")
[ "$n" -ge 2 ] || fail "workload identity: $n ARM tokens; the 2-second token was not refreshed"
awk '$5 == "401"' "$FA_DIR/requests.log" | grep -q . &&
    fail "workload identity: a request used an expired token"
awk '$1 == "token" && $5 != "200"' "$FA_DIR/requests.log" | grep -q . &&
    fail "workload identity: a stale federated token was sent"
collected workload-auto --auth auto
unset AZURE_FEDERATED_TOKEN_FILE

# Managed identity through the instance metadata service (plain HTTP on
# loopback here, through OVERVISOR_IMDS_ENDPOINT), then App Service.
fa_start --arg-quota 1000 --mi-client-id "$FA_CLIENT"
fa_env_clear
export OVERVISOR_IMDS_ENDPOINT="http://127.0.0.1:$FA_MI"
collected imds --auth managed-identity
grep -q 'mi #.* 200 .*aud=arm mi=imds' "$FA_DIR/requests.log" || fail "imds: no ARM token"
grep -q 'mi #.* 200 .*aud=graph mi=imds' "$FA_DIR/requests.log" || fail "imds: no Graph token"
collected imds-auto --auth auto
# A user-assigned identity is chosen by AZURE_CLIENT_ID; a wrong one fails.
export AZURE_CLIENT_ID="$FA_CLIENT"
collected imds-user --auth managed-identity
export AZURE_CLIENT_ID=00000000-0000-0000-0000-000000000bad
expect_status 4 fa_collect "$TMP/imds-bad" --auth managed-identity
expect_grep "Identity not found" "$TMP/err"
unset AZURE_CLIENT_ID
fa_start --arg-quota 1000 --identity-header app-service-secret-header
export IDENTITY_ENDPOINT="http://127.0.0.1:$FA_MI/msi/token" IDENTITY_HEADER=app-service-secret-header
collected appservice --auth managed-identity
grep -q 'mi=appservice' "$FA_DIR/requests.log" || fail "app service identity not used"
collected appservice-auto --auth auto
if grep -rqF "app-service-secret-header" $OUTS; then
	fail "the App Service identity header appears in the output"
fi
unset IDENTITY_ENDPOINT IDENTITY_HEADER

# The Azure CLI: a stand-in az on PATH that gets its token from the
# service's metadata endpoint, as az would from its cache.
mkdir -p "$TMP/bin"
cat > "$TMP/bin/az" <<EOF
#!/bin/bash
echo "\$*" >> "$TMP/az.calls"
res=""
while [ \$# -gt 0 ]; do [ "\$1" = --resource ] && res=\$2; shift; done
exec 3<>/dev/tcp/127.0.0.1/$FA_MI
printf 'GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=%s HTTP/1.1\r\nHost: x\r\nMetadata: true\r\nConnection: close\r\n\r\n' "\$res" >&3
body=\$(sed '1,/^\r\$/d' <&3)
jq -c --arg t "$FA_TENANT" '{accessToken: .access_token, expiresOn: "2099-01-01 00:00:00.000000",
    expires_on: (.expires_on | tonumber), subscription: "none", tenant: \$t, tokenType: "Bearer"}' <<<"\$body"
EOF
chmod +x "$TMP/bin/az"
fa_env_clear
PATH="$TMP/bin:$PATH" collected cli --auth cli
[ "$(wc -l < "$TMP/az.calls")" -eq 2 ] || fail "cli: az was not called once per audience"
grep -q -- '--resource https://management.core.windows.net/' "$TMP/az.calls" || fail "cli: ARM audience"
grep -q -- '--resource https://graph.microsoft.com/' "$TMP/az.calls" || fail "cli: Graph audience"
expect_status 4 fa_collect "$TMP/cli-none" --auth cli
expect_grep "needs the Azure CLI" "$TMP/err"

# The secret is revoked mid-run: tokens live 2 seconds and every token
# request after the first two is refused.  What was read is written, the
# rest is not collected, and the exit status says authentication failed.
fa_start --arg-quota 1000 --token-lifetime 2 --latency arm=150,graph=150 --fault '401@token#3+'
fa_env_secret
expect_status 4 fa_collect "$TMP/revoked" --auth env --parallel 2 --sources "$SOURCES"
cp "$TMP/err" "$TMP/revoked.err"
cp "$TMP/out" "$TMP/revoked.out"
OUTS="$OUTS $TMP/revoked.err $TMP/revoked.out $TMP/revoked"
[ -f "$TMP/revoked/manifest.json" ] || fail "revoked: what was read was not written"
jq -e '[.sources[] | select(.status == "collected")] | length < 8' "$TMP/revoked/manifest.json" \
    >/dev/null 2>&1 || fail "revoked: every source collected although tokens were refused"
jq -e '[.sources[] | select(.reason != null and (.reason | test("no token")))] | length > 0' \
    "$TMP/revoked/manifest.json" >/dev/null 2>&1 || fail "revoked: no source says it had no token"

# A wrong secret: exit 4, the service's reason, never the secret.
fa_start --arg-quota 1000
fa_env_secret
export AZURE_CLIENT_SECRET="wrong-$FA_SECRET"
expect_status 4 fa_collect "$TMP/wrong" --auth env
expect_grep "AADSTS7000215" "$TMP/err"
[ -e "$TMP/wrong" ] && fail "a snapshot was written after authentication failed"
ls -d "$TMP"/wrong.partial-* >/dev/null 2>&1 && fail "a partial directory was left after an auth failure"
if grep -qF -- "wrong-$FA_SECRET" "$TMP/err" "$TMP/out"; then
	fail "the wrong secret appears in the output"
fi
cp "$TMP/err" "$TMP/wrong.err"
OUTS="$OUTS $TMP/wrong.err"
# No credential at all.
fa_env_clear
expect_status 4 fa_collect "$TMP/none" --auth env
expect_grep "AZURE_TENANT_ID" "$TMP/err"
PATH=/usr/bin:/bin expect_status 4 fa_collect "$TMP/none" --auth auto
expect_grep "no credential found" "$TMP/err"

fa_no_secrets $OUTS "$FA_DIR/requests.log"
finish
