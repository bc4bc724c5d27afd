# SPDX-License-Identifier: MIT
# A known secret planted in every kind of input (each adapter's format)
# must appear in no output: no report format, no listing, no drift, no
# store (the SQLite file, and PostgreSQL when OVERVISOR_TEST_PG is set), no
# log line.  Custom definitions read the secret fields, so without masking
# their values would be the evidence.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
export OVERVISOR_NOW=2026-11-01T06:00:00Z
SECRET=Pl4nted-S3cret-7f1c
SECRET2=Pl4nted-S3cret-a9d2
R=/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-sec/providers
IN="$TMP/in"
mkdir -p "$IN" "$TMP/defs"

# plant SECRETVALUE DIR: one file per adapter format.
plant() {
	local s="$1" d="$2"
	mkdir -p "$d"
	# ndjson: a VM with an admin password and custom data
	printf '{"id":"%s/Microsoft.Compute/virtualMachines/vm1","name":"vm1","type":"Microsoft.Compute/virtualMachines","location":"uksouth","properties":{"osProfile":{"computerName":"vm1","adminUsername":"azureuser","adminPassword":"%s","customData":"%s","linuxConfiguration":{"disablePasswordAuthentication":false}},"storageProfile":{"osDisk":{"osType":"Linux"}}}}\n' \
	    "$R" "$s" "$s" >"$d/vms.ndjson"
	# arg-objectarray: a SQL server with its administrator password
	printf '{"totalRecords":1,"count":1,"data":[{"id":"%s/Microsoft.Sql/servers/sql1","name":"sql1","type":"microsoft.sql/servers","location":"uksouth","properties":{"administratorLogin":"dba","administratorLoginPassword":"%s","publicNetworkAccess":"Enabled","minimalTlsVersion":"1.2"}}]}\n' \
	    "$R" "$s" >"$d/arg-sql.json"
	# arg-table: a web app with app settings and connection strings
	printf '{"totalRecords":1,"count":1,"data":{"columns":[{"name":"id","type":"string"},{"name":"name","type":"string"},{"name":"type","type":"string"},{"name":"location","type":"string"},{"name":"properties","type":"object"}],"rows":[["%s/Microsoft.Web/sites/web1","web1","microsoft.web/sites","uksouth",{"httpsOnly":true,"siteConfig":{"minTlsVersion":"1.2","appSettings":[{"name":"DB_PASSWORD","value":"%s"},{"name":"MODE","value":"prod"}],"connectionStrings":[{"name":"db","connectionString":"Server=x;Password=%s","type":"SQLAzure"}]}}]]}}\n' \
	    "$R" "$s" "$s" >"$d/arg-web.json"
	# az-list: a storage account carrying keys and a SAS token
	printf '[{"id":"%s/Microsoft.Storage/storageAccounts/st1","name":"st1","type":"Microsoft.Storage/storageAccounts","location":"uksouth","properties":{"supportsHttpsTrafficOnly":true,"allowBlobPublicAccess":false,"minimumTlsVersion":"TLS1_2","primaryKey":"%s","sasToken":"%s","primaryConnectionString":"DefaultEndpointsProtocol=https;AccountKey=%s"}}]\n' \
	    "$R" "$s" "$s" "$s" >"$d/az-storage.json"
	# graph-collection: a service principal with a client secret
	printf '{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#servicePrincipals","value":[{"id":"11111111-2222-3333-4444-555555555555","appId":"aaaaaaaa-2222-3333-4444-555555555555","displayName":"sp-planted","servicePrincipalType":"Application","accountEnabled":true,"passwordCredentials":[{"keyId":"k1","displayName":"ci","startDateTime":"2026-01-01T00:00:00Z","endDateTime":"2028-01-01T00:00:00Z","secretText":"%s","hint":"Pl4"}],"keyCredentials":[{"keyId":"k2","type":"AsymmetricX509Cert","usage":"Verify","key":"%s","endDateTime":"2028-01-01T00:00:00Z"}]}]}\n' \
	    "$s" "$s" >"$d/graph-sps.json"
	# arm-list: an AKS cluster with a service principal secret
	printf '{"value":[{"id":"%s/Microsoft.ContainerService/managedClusters/aks1","name":"aks1","type":"Microsoft.ContainerService/managedClusters","location":"uksouth","properties":{"servicePrincipalProfile":{"clientId":"c1","secret":"%s"},"enableRBAC":true}}]}\n' \
	    "$R" "$s" >"$d/arm-aks.json"
	# graph-object: a user created with a password profile
	printf '{"@odata.type":"#microsoft.graph.user","id":"66666666-2222-3333-4444-555555555555","userPrincipalName":"u1@example.org","accountEnabled":true,"passwordProfile":{"password":"%s","forceChangePasswordNextSignIn":true}}\n' \
	    "$s" >"$d/graph-user.json"
	# arm-object: a single ARM GET body of a VM extension's settings
	printf '{"id":"%s/Microsoft.Compute/virtualMachines/vm1/extensions/ext1","name":"ext1","type":"Microsoft.Compute/virtualMachines/extensions","location":"uksouth","properties":{"publisher":"Microsoft.Azure.Extensions","type":"CustomScript","settings":{"fileUris":[]},"protectedSettings":{"commandToExecute":"echo %s"}}}\n' \
	    "$R" "$s" >"$d/arm-ext.json"
	# error-response: a failed call whose details echo a secret
	printf '{"error":{"code":"AuthorizationFailed","message":"The client does not have authorization","details":[{"code":"x","password":"%s"}]}}\n' \
	    "$s" >"$d/err.json"
	# arm-template and arm-parameters: secureString defaults and values
	printf '{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","contentVersion":"1.0.0.0","parameters":{"adminPassword":{"type":"securestring","defaultValue":"%s"}},"resources":[]}\n' \
	    "$s" >"$d/template.json"
	printf '{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#","contentVersion":"1.0.0.0","parameters":{"adminPassword":{"value":"%s"}}}\n' \
	    "$s" >"$d/template.parameters.json"
	# terraform-plan: a planned VM with its admin password
	printf '{"format_version":"1.2","terraform_version":"1.7.0","planned_values":{"root_module":{"resources":[{"address":"azurerm_linux_virtual_machine.vm","type":"azurerm_linux_virtual_machine","name":"vm","values":{"name":"vm2","admin_password":"%s"}}]}},"resource_changes":[]}\n' \
	    "$s" >"$d/plan.json"
}

# Definitions whose evidence is the secret field (or an object holding it).
def() {	# def NAME TYPE FIELD
	printf '{"properties":{"displayName":"reads %s","mode":"All","metadata":{"overvisor":{"id":"OV-SEC-%s","severity":"high"}},"policyRule":{"if":{"allOf":[{"field":"type","equals":"%s"},{"field":"%s","exists":true}]},"then":{"effect":"audit"}}}}\n' \
	    "$3" "$1" "$2" "$3" >"$TMP/defs/$1.json"
}
def 901 Microsoft.Compute/virtualMachines Microsoft.Compute/virtualMachines/osProfile.adminPassword
def 902 Microsoft.Compute/virtualMachines Microsoft.Compute/virtualMachines/osProfile
def 903 Microsoft.Sql/servers Microsoft.Sql/servers/administratorLoginPassword
def 904 Microsoft.Web/sites Microsoft.Web/sites/siteConfig.appSettings
def 905 Microsoft.Web/sites Microsoft.Web/sites/siteConfig.connectionStrings
def 906 Microsoft.ContainerService/managedClusters Microsoft.ContainerService/managedClusters/servicePrincipalProfile.secret
def 907 Microsoft.Web/sites "Microsoft.Web/sites/siteConfig.appSettings[*].value"

# clean SECRET: the token appears nowhere in the named files.
clean() {
	local f
	for f in "$@"; do
		if grep -aq -e "$SECRET" -e "$SECRET2" "$f"; then
			fail "secret leaked into $(basename "$f"): $(grep -ao -e ".\{60\}$SECRET.\{0,20\}" -e ".\{60\}$SECRET2.\{0,20\}" "$f" | head -2)"
		fi
	done
}

plant "$SECRET" "$IN"
POL="--policy $TMP/defs"
# the evidence really is there: a definition matched each planted field
"$OV" scan "$IN" $POL --no-analyzers --format json -o "$TMP/check.json" \
    2>"$TMP/check.err"
for id in 901 902 903 904 905 906; do
	grep -q "\"OV-SEC-$id\"" "$TMP/check.json" ||
	    fail "definition OV-SEC-$id found nothing: the test proves nothing"
done
grep -q '"\*\*\*"' "$TMP/check.json" || fail "no masked value in the evidence"

# every report format, with the analyzers and a store
for fmt in text json ndjson csv sarif junit ocsf html; do
	"$OV" scan "$IN" $POL --format "$fmt" -o "$TMP/report.$fmt" \
	    --db "$TMP/store.db" --fail-on none 2>"$TMP/scan.$fmt.err"
	rc=$?
	[ $rc -le 3 ] || fail "scan --format $fmt exited $rc"
	[ -s "$TMP/report.$fmt" ] || fail "no $fmt report"
	clean "$TMP/report.$fmt" "$TMP/scan.$fmt.err"
done
# a second snapshot with another secret: drift between the two
plant "$SECRET2" "$TMP/in2"
OVERVISOR_NOW=2026-11-02T06:00:00Z "$OV" scan "$TMP/in2" $POL --db "$TMP/store.db" \
    -o /dev/null --fail-on none 2>"$TMP/scan2.err"
clean "$TMP/scan2.err"

# the store: every byte of the SQLite file (and its WAL)
clean "$TMP/store.db"
[ -f "$TMP/store.db-wal" ] && clean "$TMP/store.db-wal"
if command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 "$TMP/store.db" .dump >"$TMP/store.sql" 2>/dev/null
	grep -q "scan_records" "$TMP/store.sql" || fail "store dump is empty"
	clean "$TMP/store.sql"
fi

# listings and drift, every format
for args in "findings list" "findings list --format json" \
    "findings list --format csv" "findings exceptions" "scans list" \
    "scans list --format json" "diff --from 1 --to 9" \
    "diff --from 1 --to 9 --format json"; do
	# shellcheck disable=SC2086
	"$OV" $args --db "$TMP/store.db" >"$TMP/list.out" 2>"$TMP/list.err"
	clean "$TMP/list.out" "$TMP/list.err"
done
fp=$("$OV" findings list --db "$TMP/store.db" --format csv | grep OV-SEC-901 |
    head -1 | cut -d, -f1)
[ -n "$fp" ] || fail "no tracked OV-SEC-901 finding"
"$OV" findings show "$fp" --db "$TMP/store.db" >"$TMP/show.out" 2>&1
clean "$TMP/show.out"

# inspect, policy eval and explain (the trace prints values read)
for fmt in text json; do
	"$OV" inspect "$IN" --format "$fmt" >"$TMP/inspect.$fmt" 2>&1
	clean "$TMP/inspect.$fmt"
	"$OV" policy eval --definition "$TMP/defs" --input "$IN" \
	    --format "$fmt" >"$TMP/eval.$fmt" 2>&1
	grep -q "OV-SEC-90\|90[1-7]\|reads" "$TMP/eval.$fmt" ||
	    fail "policy eval $fmt printed nothing"
	clean "$TMP/eval.$fmt"
	"$OV" policy explain --definition "$TMP/defs" --input "$IN" \
	    --format "$fmt" >"$TMP/explain.$fmt" 2>&1
	clean "$TMP/explain.$fmt"
done
"$OV" contract check "$IN" >"$TMP/contract.out" 2>&1
clean "$TMP/contract.out"
"$OV" matrix "$IN" >"$TMP/matrix.out" 2>&1
clean "$TMP/matrix.out"

# PostgreSQL: the whole schema, dumped
if [ -n "${OVERVISOR_TEST_PG:-}" ] && command -v psql >/dev/null &&
    command -v pg_dump >/dev/null; then
	schema="ov_secrets_$$"
	psql -q "$OVERVISOR_TEST_PG" -c "CREATE SCHEMA $schema" >/dev/null ||
	    fail "cannot create schema"
	sep='?'
	case "$OVERVISOR_TEST_PG" in *\?*) sep='&' ;; esac
	pg="${OVERVISOR_TEST_PG}${sep}options=-csearch_path%3D$schema"
	"$OV" scan "$IN" $POL --db "$pg" -o /dev/null --fail-on none \
	    2>"$TMP/pg.err"
	OVERVISOR_NOW=2026-11-02T06:00:00Z "$OV" scan "$TMP/in2" $POL \
	    --db "$pg" -o /dev/null --fail-on none 2>>"$TMP/pg.err"
	"$OV" diff --db "$pg" --format json >"$TMP/pg.diff" 2>>"$TMP/pg.err"
	pg_dump -d "$OVERVISOR_TEST_PG" -n "$schema" >"$TMP/pg.sql" 2>/dev/null
	psql -q "$OVERVISOR_TEST_PG" -c "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1
	grep -q "scan_records" "$TMP/pg.sql" || fail "PostgreSQL dump is empty"
	clean "$TMP/pg.sql" "$TMP/pg.diff" "$TMP/pg.err"
else
	echo "note: OVERVISOR_TEST_PG not set; PostgreSQL not tested"
fi
finish
