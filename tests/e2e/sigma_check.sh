#!/bin/bash
# SPDX-License-Identifier: MIT
# overvisor sigma check: the bundled rules compile cleanly; a broken rule
# is an error with file:line:column; unsupported rules are listed with the
# reason and fail only with --strict; the corpus (when present) compiles
# or is listed; a rule whose fields cannot be mapped is never dropped in
# silence, by detect either.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"

expect_status 0 "$OV" sigma check "$OV_SOURCE_DIR/rules/sigma"
expect_grep "19 rules compiled from 17 files; 0 invalid, 0 unsupported, 0 warnings" "$TMP/out"

cat >"$TMP/bad.yml" <<'R'
title: Broken
id: 2f5c7d1e-0000-4000-8000-000000000001
level: high
logsource:
    product: azure
    service: activitylogs
detection:
    selection:
        operationName: x
    condition: selection and
R
expect_status 3 "$OV" sigma check "$TMP/bad.yml"
expect_grep "bad.yml:10:16: error: condition: unexpected end of condition at column 14 [Broken]" "$TMP/out"

cat >"$TMP/unmapped.yml" <<'R'
title: Unmapped
id: 2f5c7d1e-0000-4000-8000-000000000002
level: high
logsource:
    product: azure
    service: signinlogs
detection:
    selection:
        CommandLine|contains: mimikatz
    condition: selection
R
expect_status 0 "$OV" sigma check "$TMP/unmapped.yml"
expect_grep "unmapped.yml:9:31: unsupported: selection 'selection': field 'CommandLine' has no mapping for azure/signinlogs [Unmapped]" "$TMP/out"
expect_status 3 "$OV" sigma check --strict "$TMP/unmapped.yml"
expect_status 0 "$OV" sigma check --format json "$TMP/unmapped.yml"
jq -e '.unsupported == 1 and .compiled == 0 and .diagnostics[0].line == 9' "$TMP/out" >/dev/null ||
    fail "json: $(cat "$TMP/out")"
# detect says so too.
expect_status 0 "$OV" detect --no-bundled --rules "$TMP/unmapped.yml" "$FIX/sigma/signins_graph.json"
expect_grep "1 rule cannot run (0 invalid, 1 unsupported)" "$TMP/err"

printf 'title: [unclosed\n' >"$TMP/yaml.yml"
expect_status 3 "$OV" sigma check "$TMP/yaml.yml"
expect_grep "yaml.yml:2:1: error:" "$TMP/out"

expect_status 2 "$OV" sigma
expect_status 2 "$OV" sigma compile x
expect_status 2 "$OV" sigma check
expect_status 3 "$OV" sigma check "$TMP/no-such-dir"

corpus="${OVERVISOR_CORPUS:-$OV_SOURCE_DIR/../shared/corpus}/sigma-azure"
if [ -d "$corpus" ]; then
	expect_status 0 "$OV" sigma check "$corpus"
	expect_grep "121 rules compiled from 152 files; 0 invalid, 31 unsupported" "$TMP/out"
	expect_status 3 "$OV" sigma check --strict "$corpus"
else
	echo "note: corpus absent, corpus check skipped"
fi
finish
