# SPDX-License-Identifier: MIT
# overvisor report --fleet on a SQLite store (no queue): three tenants of
# the sample estate, one collected in the month, one collected in part in
# the month, one collected only the month before.  The JSON, CSV and HTML
# roll-ups are compared with golden files (OV_UPDATE_GOLDEN=1 rewrites
# them), and their figures are checked against each tenant's own report
# and the store: nobody without data in the month is shown compliant.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
command -v jq >/dev/null 2>&1 || { echo "skipped: jq not installed"; exit 77; }

EX="$OV_SOURCE_DIR/examples"
GOLDEN="$OV_SOURCE_DIR/tests/golden/report"
TA=9c604f63-ccd5-4398-bdc0-16be163216f0
TB=4f1d2a7e-5b3c-4e8f-9a6d-2c7b1e0f3a55
TC=0b9e8d7c-6a5f-4e3d-8c2b-1a0f9e8d7c6b
DB="$TMP/fleet.sqlite"

# estate ID COLLECTED_AT [PARTIAL_SOURCE]: the sample estate as tenant ID
estate() {
	local d="$TMP/estate-$1" f
	mkdir -p "$d"
	for f in "$EX/estate"/*; do
		sed -e "s/$TA/$1/g" "$f" > "$d/$(basename "$f")"
	done
	sed -i -e "s/\"collectedAt\":\"[^\"]*\"/\"collectedAt\":\"$2\"/" "$d/manifest.json"
	if [ -n "${3:-}" ]; then
		sed -i -e "s/{\"name\":\"$3\",\"status\":\"collected\"/{\"name\":\"$3\",\"status\":\"partial\"/" "$d/manifest.json"
		grep -q "\"name\":\"$3\",\"status\":\"partial\"" "$d/manifest.json" || fail "no partial source in $d"
	fi
	"$OV" scan "$d" --contract "$EX/contract.yaml" --db "$DB" -o /dev/null --fail-on none >/dev/null 2>"$TMP/scan.err"
	case $? in 0|3) ;; *) fail "scan of $1: $(cat "$TMP/scan.err")" ;; esac
}
estate "$TA" 2026-11-01T06:00:00Z
estate "$TB" 2026-11-15T06:00:00Z arg:resourcecontainers
estate "$TC" 2026-10-01T06:00:00Z
export OVERVISOR_NOW=2026-11-30T12:00:00Z

for fmt in json csv html; do
	expect_status 0 "$OV" report --fleet --db "$DB" --month 2026-11 --format "$fmt" \
	    --output "$TMP/fleet.$fmt"
	if [ -n "${OV_UPDATE_GOLDEN:-}" ]; then
		cp "$TMP/fleet.$fmt" "$GOLDEN/fleet.$fmt"
	fi
	diff -u "$GOLDEN/fleet.$fmt" "$TMP/fleet.$fmt" >"$TMP/diff" ||
	    fail "fleet.$fmt differs from the golden file: $(head -40 "$TMP/diff")"
done
J="$TMP/fleet.json"
jq -e '.queue == false and (.tenants | map(.tenant)) == (.tenants | map(.tenant) | sort) and
    (.tenants | length) == 3' "$J" >/dev/null || fail "tenants: $(head -c 300 "$J")"
st() { jq -r --arg t "$1" '.tenants[] | select(.tenant == $t) | .status' "$J"; }
[ "$(st "$TA")" = breached ] || fail "tenant A is $(st "$TA")"
[ "$(st "$TB")" = partial ] || fail "tenant B is $(st "$TB")"
[ "$(st "$TC")" = no-scan-in-month ] || fail "tenant C is $(st "$TC")"
jq -e --arg t "$TC" '.tenants[] | select(.tenant == $t) | .scans == 1 and
    .lastCollection == "2026-10-01T06:00:00Z" and .month.scans == 0 and
    (.month | has("adherence") | not)' "$J" >/dev/null || fail "tenant C: $(jq -c --arg t "$TC" '.tenants[] | select(.tenant == $t)' "$J")"
jq -e --arg t "$TB" '.tenants[] | select(.tenant == $t) | .lastComplete == false and
    .lastCompleteCollection == null and .lastCollection == "2026-11-15T06:00:00Z"' "$J" >/dev/null ||
    fail "tenant B: $(jq -c --arg t "$TB" '.tenants[] | select(.tenant == $t) | del(.month)' "$J")"
# A's figures are its own report's
expect_status 0 "$OV" report --db "$DB" --tenant "$TA" --month 2026-11 --format md
cp "$TMP/out" "$TMP/a.md"
due=$(jq --arg t "$TA" '.tenants[] | select(.tenant == $t) | .month.due' "$J")
met=$(jq --arg t "$TA" '.tenants[] | select(.tenant == $t) | .month.met' "$J")
[ "$due" -gt 0 ] || fail "nothing due for tenant A"
grep -q "$met of the $due findings due" "$TMP/a.md" || fail "tenant A's report does not say $met of $due: $(grep -m3 -i "SLA" "$TMP/a.md")"
sum=$(jq --arg t "$TA" '[.tenants[] | select(.tenant == $t) | .month.duties[].due] | add' "$J")
[ "$sum" = "$due" ] || fail "duties add up to $sum, not $due"
# CSV: one (all) row per tenant, one per duty of those with figures
[ "$(grep -c ',(all),' "$TMP/fleet.csv")" = 3 ] || fail "csv summary rows"
[ "$(grep -c "^$TC," "$TMP/fleet.csv")" = 1 ] || fail "csv: tenant C has duty rows"
grep "^$TC," "$TMP/fleet.csv" | grep -q ",no-scan-in-month,(all),,,,,,,,0,2026-10-01T06:00:00Z," ||
    fail "csv: tenant C $(grep "^$TC," "$TMP/fleet.csv")"
grep -q "<td class=\"bad\">no-scan-in-month</td>" "$TMP/fleet.html" || fail "html: tenant C not flagged"
grep -q "<td class=\"ok\">" "$TMP/fleet.html" && fail "html: a tenant shown ok"
# a store with one tenant, its month empty; usage errors
expect_status 2 "$OV" report --fleet --db "$DB" --format md
expect_status 2 "$OV" report --fleet --db "$DB" --framework cis-azure-3.0.0
expect_status 2 "$OV" report --fleet --db "$DB" --month 2026-13
expect_status 5 "$OV" report --fleet --db "$TMP/none.sqlite"
finish
