#!/bin/bash
# SPDX-License-Identifier: MIT
# Validate SARIF output against the official SARIF 2.1.0 JSON schema:
# the golden SARIF files (real reporter output, kept in sync by
# unit/test_report) and, when `overvisor scan` runs on the bundled estate,
# its SARIF output.
#
# Optional tools, so the test skips (77) without them:
#   ajv      ajv-cli 5 or later (npm: ajv-cli), or $OV_AJV
#   schema   $OV_SARIF_SCHEMA, else sarif-2.1.0.json from the npm package
#            @microsoft/sarif-multitool-linux under `npm root -g`
set -u
ajv="${OV_AJV:-$(command -v ajv || true)}"
schema="${OV_SARIF_SCHEMA:-}"
if [ -z "$schema" ] && command -v npm >/dev/null 2>&1; then
	root=$(npm root -g 2>/dev/null || true)
	for cand in "$root/@microsoft/sarif-multitool-linux/sarif-2.1.0.json" \
	    "$root/@microsoft/sarif-multitool/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json"; do
		[ -f "$cand" ] && schema="$cand"
	done
fi
if [ -z "$ajv" ] || [ ! -x "$ajv" ] || [ -z "$schema" ] || [ ! -f "$schema" ]; then
	echo "SKIP: needs ajv-cli and the SARIF 2.1.0 schema (set OV_AJV, OV_SARIF_SCHEMA)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

validate() {	# validate FILE LABEL
	cp "$1" "$tmp/doc.json"
	if "$ajv" validate --spec=draft2020 --strict=false \
	    --validate-formats=false -s "$schema" -d "$tmp/doc.json" \
	    >"$tmp/out" 2>&1; then
		echo "ok: $2"
	else
		echo "FAIL: $2"
		cat "$tmp/out"
		status=1
	fi
}

# The validator must reject a broken document, or a pass means nothing.
golden="$OV_SOURCE_DIR/tests/golden/report"
sed '0,/"ruleIndex": [0-9]*/s//"ruleIndex": "x"/' "$golden/plain.sarif" \
	>"$tmp/broken.json"
if "$ajv" validate --spec=draft2020 --strict=false --validate-formats=false \
    -s "$schema" -d "$tmp/broken.json" >/dev/null 2>&1; then
	echo "FAIL: the validator accepted a broken SARIF document"
	status=1
fi

for f in "$golden"/*.sarif; do
	validate "$f" "golden $(basename "$f")"
done

if [ -n "${OV:-}" ] && [ -d "$OV_SOURCE_DIR/examples/estate" ]; then
	"$OV" scan "$OV_SOURCE_DIR/examples/estate" --format sarif \
	    --output "$tmp/scan.sarif" >/dev/null 2>&1
	rc=$?
	if [ "$rc" -le 1 ] && [ -s "$tmp/scan.sarif" ]; then
		validate "$tmp/scan.sarif" "overvisor scan examples/estate --format sarif"
	else
		echo "note: scan of examples did not produce SARIF (exit $rc); golden files only"
	fi
fi
# Templates and plans: results with physicalLocation regions, the note.
if [ -n "${OV:-}" ]; then
	fix="$OV_SOURCE_DIR/tests/fixtures/iac"
	for input in "$fix/storage-param/insecure.json" \
	    "$fix/cosmos-bicep/insecure" "$fix/terraform/insecure.tfplan.json"; do
		"$OV" scan "$input" --format sarif --output "$tmp/iac.sarif" \
		    >/dev/null 2>&1
		if grep -q '"startLine"' "$tmp/iac.sarif"; then
			validate "$tmp/iac.sarif" "overvisor scan ${input#$fix/} --format sarif"
		else
			echo "FAIL: no region in the SARIF of ${input#$fix/}"
			status=1
		fi
	done
fi
exit $status
