# SPDX-License-Identifier: MIT
# Helpers for the tests that run overvisor against fakeazure (sourced after
# tests/e2e/lib.bash).  fa_start makes a throwaway CA and a server
# certificate, starts the service on loopback and writes an endpoint file;
# fa_stop ends it.  Nothing here reaches the network.
: "${FAKEAZURE:?FAKEAZURE must name the fakeazure binary}"

if ! command -v openssl >/dev/null 2>&1; then
	echo "skipped: the openssl command is not installed (scripts/deps.sh)"
	exit 77
fi

FA_DIR="$TMP/fa"
mkdir -p "$FA_DIR"
FA_TENANT=9c604f63-ccd5-4398-bdc0-16be163216f0
FA_CLIENT=3f2d8e51-7c0a-4b6e-9d21-6a8f0e5c4b17
FA_SECRET="ovtest-secret-$(openssl rand -hex 12)"
FA_PID=""
FA_ESTATE="$OV_SOURCE_DIR/examples/estate"

# A CA, a server certificate for localhost and 127.0.0.1, and an RSA client
# certificate (plain and password-protected) for certificate credentials.
fa_certs() {
	[ -f "$FA_DIR/ca.pem" ] && return 0
	(
		cd "$FA_DIR" || exit 1
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		    -nodes -keyout ca.key -out ca.pem -days 2 \
		    -subj "/CN=overvisor test CA" \
		    -addext "basicConstraints=critical,CA:TRUE" \
		    -addext "keyUsage=critical,keyCertSign,cRLSign" &&
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		    -nodes -keyout server.key -out server.csr -subj "/CN=localhost" &&
		printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > server.ext &&
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
		    -CAcreateserial -out server.pem -days 2 -extfile server.ext &&
		openssl req -x509 -newkey rsa:2048 -nodes -keyout client.key \
		    -out client.crt -days 2 -subj "/CN=overvisor test app" &&
		cat client.key client.crt > client.pem &&
		openssl pkey -in client.key -aes256 -passout pass:"$FA_SECRET" \
		    -out client-enc.key &&
		cat client-enc.key client.crt > client-enc.pem
	) >"$FA_DIR/openssl.log" 2>&1 || { cat "$FA_DIR/openssl.log" >&2; exit 1; }
}

# fa_start [fakeazure options...]: start the service (the sample estate by
# default; --estate DIR overrides), wait for its ports.
fa_start() {
	fa_stop
	fa_certs
	rm -f "$FA_DIR/ports" "$FA_DIR/requests.log"
	FAKEAZURE_CLIENT_SECRET="$FA_SECRET" "$FAKEAZURE" --estate "$FA_ESTATE" \
	    --cert "$FA_DIR/server.pem" --key "$FA_DIR/server.key" \
	    --port-file "$FA_DIR/ports" --log "$FA_DIR/requests.log" \
	    --token-log "$FA_DIR/tokens" --client-id "$FA_CLIENT" \
	    --client-cert "$FA_DIR/client.crt" --corpus "${OVERVISOR_CORPUS:-/nonexistent}" \
	    "$@" >"$FA_DIR/fake.out" 2>&1 &
	FA_PID=$!
	for _ in $(seq 1 200); do
		[ -s "$FA_DIR/ports" ] && break
		kill -0 "$FA_PID" 2>/dev/null || break
		sleep 0.05
	done
	if [ ! -s "$FA_DIR/ports" ]; then
		cat "$FA_DIR/fake.out" >&2
		fail "fakeazure did not start"
		finish
	fi
	FA_LOGIN=$(sed -n 's/^login=//p' "$FA_DIR/ports")
	FA_ARM=$(sed -n 's/^arm=//p' "$FA_DIR/ports")
	FA_GRAPH=$(sed -n 's/^graph=//p' "$FA_DIR/ports")
	FA_MI=$(sed -n 's/^mi=//p' "$FA_DIR/ports")
	# The keys of `az cloud show`, nested as it prints them; each API on
	# its own port, so a request sent to the wrong host fails.
	cat > "$FA_DIR/endpoints.json" <<EOF
{"name": "FakeAzure", "endpoints": {
  "activeDirectory": "https://localhost:$FA_LOGIN",
  "resourceManager": "https://127.0.0.1:$FA_ARM/",
  "microsoftGraph": "https://localhost:$FA_GRAPH",
  "activeDirectoryResourceId": "https://management.core.windows.net/",
  "microsoftGraphResourceId": "https://graph.microsoft.com/"}}
EOF
	FA_ENDPOINTS="$FA_DIR/endpoints.json"
	FA_CA="$FA_DIR/ca.pem"
}

fa_stop() {
	if [ -n "$FA_PID" ]; then
		kill "$FA_PID" 2>/dev/null
		wait "$FA_PID" 2>/dev/null
		FA_PID=""
	fi
}

# The service principal's secret in the environment, as the SDKs read it.
fa_env_secret() {
	export AZURE_TENANT_ID="$FA_TENANT" AZURE_CLIENT_ID="$FA_CLIENT"
	export AZURE_CLIENT_SECRET="$FA_SECRET"
	unset AZURE_CLIENT_CERTIFICATE_PATH AZURE_CLIENT_CERTIFICATE_PASSWORD
	unset AZURE_FEDERATED_TOKEN_FILE IDENTITY_ENDPOINT IDENTITY_HEADER
}

fa_env_clear() {
	unset AZURE_TENANT_ID AZURE_CLIENT_ID AZURE_CLIENT_SECRET
	unset AZURE_CLIENT_CERTIFICATE_PATH AZURE_CLIENT_CERTIFICATE_PASSWORD
	unset AZURE_FEDERATED_TOKEN_FILE IDENTITY_ENDPOINT IDENTITY_HEADER
	export OVERVISOR_IMDS_ENDPOINT="http://127.0.0.1:9"
}

# fa_collect OUT [options]: overvisor collect against the service.
fa_collect() {
	out=$1
	shift
	"$OV" collect --out "$out" --endpoints "$FA_ENDPOINTS" --ca-file "$FA_CA" "$@"
}

# fa_no_secrets FILE...: neither the secret nor any token issued appears.
fa_no_secrets() {
	for f in "$@"; do
		[ -e "$f" ] || continue
		if grep -rqF -- "$FA_SECRET" "$f"; then
			fail "the client secret appears in $f"
		fi
		if [ -s "$FA_DIR/tokens" ] && grep -rqF -f "$FA_DIR/tokens" -- "$f"; then
			fail "an access token appears in $f"
		fi
	done
}

# fa_status DIR SOURCE: the status a snapshot's manifest gives a source.
fa_status() {
	jq -r --arg s "$2" '.sources[] | select(.name == $s) | .status' "$1/manifest.json"
}

trap 'fa_stop; rm -rf "$TMP"' EXIT
