#!/bin/bash
# SPDX-License-Identifier: MIT
# The template options of `overvisor scan` (--parameters, --parameter,
# --scope), how a directory of templates is read (templates found by
# their $schema, parameter files matched to them, a compiled .bicepparam
# next to its template), exit codes, and the file, line and column in the
# SARIF and JUnit output.
. "$(dirname "$0")/lib.bash"
cd "$FIX/iac" || exit 1
redis=redis-params/insecure

# The parameters file next to the template sets nonSslPort=true ...
expect_status 1 "$OV" scan "$redis" --format ndjson --fail-on high
expect_grep '"rule":"OV-RED-001"' "$TMP/out"
# ... --parameters wins over it, and --parameter over both.
expect_status 0 "$OV" scan "$redis" --format ndjson --fail-on high \
    --parameters redis-params/override.parameters.json
expect_no_grep '"rule":"OV-RED-001"' "$TMP/out"
expect_status 1 "$OV" scan "$redis" --format ndjson --fail-on high \
    --parameters redis-params/override.parameters.json \
    --parameters redis-params/insecure/azuredeploy.parameters.json
expect_grep '"rule":"OV-RED-001"' "$TMP/out"
expect_status 0 "$OV" scan "$redis" --format ndjson --fail-on high \
    --parameter nonSslPort=false
expect_no_grep '"rule":"OV-RED-001"' "$TMP/out"
expect_status 1 "$OV" scan "$redis" --format ndjson --fail-on high \
    --parameters redis-params/override.parameters.json \
    --parameter nonSslPort=true
expect_grep '"rule":"OV-RED-001"' "$TMP/out"
# A value outside allowedValues is an input error at the parameter.
expect_status 3 "$OV" scan "$redis" --parameter tls=1.3
expect_grep "1 input error" "$TMP/err"
# --scope places the resources; without it the placeholder scope.
expect_status 1 "$OV" scan "$redis" --format ndjson \
    --scope /subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/prod
expect_grep '"id":"/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/prod/providers/Microsoft.Cache/Redis/redis-demo"' "$TMP/out"
expect_status 1 "$OV" scan "$redis" --format ndjson
expect_grep '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/placeholder-rg/providers/Microsoft.Cache/Redis/redis-demo' "$TMP/out"
# Bad options are usage errors, a missing parameters file an input one.
expect_status 2 "$OV" scan "$redis" --scope /not/a/scope
expect_status 2 "$OV" scan "$redis" --parameter nonSslPort
expect_status 3 "$OV" scan "$redis" --parameters no-such.parameters.json

# A directory: templates by their $schema, parameters files matched.
expect_status 0 "$OV" inspect storage-param redis-params
expect_grep "storage-param/insecure.json: arm-template, 1 record" "$TMP/out"
expect_grep "redis-params/insecure/azuredeploy.parameters.json: arm-parameters, 0 records" "$TMP/out"
expect_grep "note: parameters from redis-params/insecure/azuredeploy.parameters.json" "$TMP/out"
# A compiled .bicepparam (main.parameters.json) goes with main.json.
expect_status 1 "$OV" scan bicepparam --format ndjson
expect_grep '"location":{"file":"bicepparam/main.json","line":30,' "$TMP/out"

# Exit codes: findings at or above --fail-on, or not.
expect_status 1 "$OV" scan storage-param/insecure.json --fail-on high
expect_status 0 "$OV" scan storage-param/insecure.json --fail-on critical
expect_status 0 "$OV" scan storage-param/secure.json --fail-on info

# SARIF regions and JUnit file names.
expect_status 1 "$OV" scan storage-param/insecure.json --format sarif
expect_grep '"uri": "storage-param/insecure.json"' "$TMP/out"
expect_grep '"startLine": 31' "$TMP/out"
expect_grep '"startColumn": 37' "$TMP/out"
expect_grep '"toolExecutionNotifications"' "$TMP/out"
n=$(grep -c '"toolExecutionNotifications"' "$TMP/out")
[ "$n" -eq 1 ] || fail "the note is said $n times, not once"
expect_status 1 "$OV" scan storage-param/insecure.json --format junit
expect_grep 'file="storage-param/insecure.json"' "$TMP/out"
expect_grep "location: storage-param/insecure.json:31:37" "$TMP/out"
# Text (-v): where to look, and the note once.
expect_status 1 "$OV" scan storage-param/insecure.json -v
expect_grep "storage-param/insecure.json:31:37" "$TMP/out"
n=$(grep -c "did not run" "$TMP/out")
[ "$n" -eq 1 ] || fail "the analyzers note is said $n times, not once"
finish
