#!/bin/bash
# SPDX-License-Identifier: MIT
# The monthly governance report from a store holding a month of scans of
# the sample estate (tools/gen_estate.c, generated for each day), with
# problems planted, fixed and reintroduced on a schedule (scans at 06:00Z
# every day of November 2026 but the 7th and 8th; the 13th collects
# arg:resources only partially):
#
#   A  stnburesearch02 allowBlobPublicAccess  days 2-8, then 15-30
#      high, 14 d SLA: met (fixed day 9, due 16), then breached (due 29)
#   B  stnburesearch02 minimumTlsVersion 1.0  days 5-24
#      high, 14 d SLA: due 19, fixed 25: breached, 20 days to remediate
#   C  nsg-snet-app allows RDP from anywhere  days 10-12
#      critical, 1 d SLA: due 11; fixed 13 but that scan is partial, so
#      resolved 14: breached, 4 days to remediate
#   D  nsg-snet-data allows RDP from anywhere day 20 only
#      due 21 06:00, resolved by the 21 06:00 scan: met (the boundary)
#   every storage account closed to the internet from the 4th (met)
#   a successful 2 h restore from rsv-nbu-research-uks on the 18th
#   exceptions: one lapsing on the 20th, one expiring on 2026-12-10
#
# The SLA figures are computed independently of overvisor: per duty and
# party with SQL over the store's raw events and observations, and for
# A-D from the schedule above.  The same scans into PostgreSQL (when
# OVERVISOR_TEST_PG names a server) must give the same Markdown byte for
# byte.  Then, when Debian's chromium is installed, the HTML is rendered
# at 800 and 1400 px (screenshots kept in the build tree), checked for
# horizontal overflow and its key sections, and printed to PDF.
set -u
: "${OV:?}" "${OV_SOURCE_DIR:?}"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 not installed"; exit 77; }
estate="$OV_SOURCE_DIR/examples/estate"
contract="$OV_SOURCE_DIR/examples/contract.yaml"
[ -f "$estate/manifest.json" ] || { echo "SKIP: no sample estate"; exit 77; }
gen="${OV_BUILD_DIR:-}/gen_estate"
[ -x "$gen" ] || { echo "SKIP: gen_estate not built"; exit 77; }
tmp=$(mktemp -d)
pg_schema=""
cleanup() {
	if [ -n "$pg_schema" ]; then
		psql -q "$OVERVISOR_TEST_PG" -c \
		    "DROP SCHEMA IF EXISTS $pg_schema CASCADE" >/dev/null 2>&1
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT && echo "keeping $tmp"
fail() { echo "FAIL: $*" >&2; exit 1; }
export LC_ALL=C
unset OVERVISOR_NOW
RES=arg-resources.ndjson
REC=arg-recoveryservicesresources.ndjson
DAYS="01 02 03 04 05 06 09 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30"

# edit_line DIR FILE NAME JQ: rewrite the record named NAME with jq.
edit_line() {
	local f="$1/$2" n new
	n=$(grep -n "\"name\":\"$3\"" "$f" | head -1 | cut -d: -f1)
	[ -n "$n" ] || fail "no record named $3 in $2"
	new=$(sed -n "${n}p" "$f" | jq -c "$4") || fail "jq $4"
	{ head -n $((n - 1)) "$f"; printf '%s\n' "$new"; tail -n +$((n + 1)) "$f"; } \
	    >"$f.new" && mv "$f.new" "$f"
}
rdp='.properties.securityRules += [{"name":"allow-rdp-any","properties":
    {"priority":105,"direction":"Inbound","access":"Allow","protocol":"Tcp",
    "sourceAddressPrefix":"*","sourcePortRange":"*",
    "destinationAddressPrefix":"*","destinationPortRange":"3389"}}]'
on() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }	# on DAY FROM TO

# snapshot DAY: the estate as its generator writes it for 06:00Z that day
# (every age and date moves with the clock, as in a maintained tenant),
# with that day's planted problems.
snapshot() {
	local d=$1 s="$tmp/s$1" n=$((10#$1)) status=collected
	rm -rf "$s"
	"$gen" --out "$s" --collected-at "2026-11-${d}T06:00:00Z" ||
	    fail "gen_estate for day $d"
	if on $n 2 8 || on $n 15 30; then
		edit_line "$s" $RES stnburesearch02 '.properties.allowBlobPublicAccess = true'
	fi
	if on $n 5 24; then
		edit_line "$s" $RES stnburesearch02 '.properties.minimumTlsVersion = "TLS1_0"'
	fi
	if on $n 4 30; then
		# the storage accounts are closed to the internet from the 4th
		jq -c 'if (.type | ascii_downcase) ==
		    "microsoft.storage/storageaccounts" then
		    .properties.publicNetworkAccess = "Disabled" |
		    .properties.networkAcls.defaultAction = "Deny" else . end' \
		    "$s/$RES" >"$s/r.new" && mv "$s/r.new" "$s/$RES" ||
		    fail "close storage on day $d"
	fi
	on $n 10 12 && edit_line "$s" $RES nsg-snet-app "$rdp"
	on $n 20 20 && edit_line "$s" $RES nsg-snet-data "$rdp"
	if on $n 18 30; then
		printf '%s\n' '{"id":"/subscriptions/43ac3e48-e1ae-4f00-abd1-4eb9541912ec/resourceGroups/rg-backup-research/providers/Microsoft.RecoveryServices/vaults/rsv-nbu-research-uks/backupJobs/9d0c6f1e-0000-4000-8000-000000000018","name":"9d0c6f1e-0000-4000-8000-000000000018","type":"microsoft.recoveryservices/vaults/backupjobs","tenantId":"9c604f63-ccd5-4398-bdc0-16be163216f0","resourceGroup":"rg-backup-research","subscriptionId":"43ac3e48-e1ae-4f00-abd1-4eb9541912ec","properties":{"jobType":"AzureIaaSVMJob","entityFriendlyName":"vm-hpc-head-01","operation":"Restore","status":"Completed","startTime":"2026-11-18T02:00:00Z","endTime":"2026-11-18T04:00:00Z","duration":"PT2H"}}' \
		    >>"$s/$REC"
	fi
	[ $n -eq 13 ] && status=partial
	jq -c --arg t "2026-11-${d}T06:00:00Z" --arg st "$status" \
	    --argjson c "$(wc -l <"$s/$REC")" '.collectedAt = $t |
	    .sources |= map(if .name == "arg:resources" then .status = $st
	    elif .name == "arg:recoveryservicesresources" then .count = $c
	    else . end)' "$s/manifest.json" >"$s/m.json" &&
	    mv "$s/m.json" "$s/manifest.json" || fail "manifest $d"
}

cat >"$tmp/exceptions.yaml" <<'EOF'
exceptions:
  - rule: OV-VM-014
    resource: "/subscriptions/*/resourceGroups/rg-labs-dev/providers/Microsoft.Compute/disks/*"
    justification: Lab disks are rebuilt weekly and hold no personal data
    approver: it-security@northbridge.example
    ticket: CHG-2026-3321
    expires: 2026-12-10
  - rule: OV-NET-103
    resource: "/subscriptions/*/resourceGroups/rg-web-prod/providers/Microsoft.Compute/virtualMachines/vm-web-cms-*"
    justification: Published on purpose behind the WAF gateway
    approver: network-lead@northbridge.example
    ticket: CHG-2026-3407
    expires: 2026-11-20
EOF

for d in $DAYS; do snapshot "$d"; done

record() {	# record DB: every snapshot of the month, in order
	local d
	for d in $DAYS; do
		"$OV" scan "$tmp/s$d" --contract "$contract" \
		    --exceptions "$tmp/exceptions.yaml" --db "$1" \
		    --fail-on none -o /dev/null 2>"$tmp/scan.err" ||
		    # a partial source exits 3, the scan still recorded
		    { [ $? -eq 3 ] && grep -q 'partial or failed' \
		    "$tmp/scan.err"; } ||
		    fail "scan $d: $(cat "$tmp/scan.err")"
	done
}
db="$tmp/month.db"
record "$db"
export OVERVISOR_NOW=2026-12-02T09:00:00Z
"$OV" report --db "$db" --month 2026-11 --format md >"$tmp/month.md" ||
	fail "report md"
"$OV" report --db "$db" --month 2026-11 -o "$tmp/month.html" ||
	fail "report html"
"$OV" report --db "$db" --month 2026-11 --format md >"$tmp/again.md"
cmp -s "$tmp/month.md" "$tmp/again.md" || fail "the report is not deterministic"

# --- SLA adherence per duty and party, recomputed with SQL ---------------
from=$(date -u -d 2026-11-01 +%s)
to=$(date -u -d 2026-12-01 +%s)
asof=$to
sqlite3 -separator '|' "$db" >"$tmp/expected.txt" <<EOF || fail "sqlite3"
WITH ev AS (
  SELECT e.id, e.fingerprint, e.at, e.to_state FROM events e
  JOIN findings f ON f.fingerprint = e.fingerprint WHERE e.at < $to),
ep AS (
  SELECT s.fingerprint, s.at AS start,
    (SELECT min(x.at) FROM ev x WHERE x.fingerprint = s.fingerprint
      AND x.id > s.id AND x.to_state IN ('resolved', 'excepted')) AS stop
  FROM ev s WHERE s.to_state IN ('new', 'reopened')),
due AS (
  SELECT ep.*, f.responsible, f.duty, COALESCE(
    (SELECT min(o.due) FROM observations o JOIN scans sc ON sc.id = o.scan_id
      WHERE o.fingerprint = ep.fingerprint AND o.result = 'non-compliant'
      AND o.due > 0 AND sc.collected_at >= ep.start
      AND (ep.stop IS NULL OR sc.collected_at < ep.stop)),
    ep.start + CASE f.severity WHEN 4 THEN 604800 WHEN 3 THEN 2592000
      WHEN 2 THEN 7776000 WHEN 1 THEN 15552000 ELSE 31536000 END) AS due
  FROM ep JOIN findings f ON f.fingerprint = ep.fingerprint)
SELECT COALESCE(responsible, '(nobody named)'), COALESCE(duty, 'unassigned'),
  count(*),
  sum(CASE WHEN stop IS NOT NULL AND stop <= due THEN 1 ELSE 0 END),
  sum(CASE WHEN (stop IS NULL OR stop > due) AND due < $asof THEN 1 ELSE 0 END),
  sum(CASE WHEN (stop IS NULL OR stop > due) AND due >= $asof THEN 1 ELSE 0 END)
FROM due WHERE due >= $from AND due < $to
GROUP BY 1, 2 ORDER BY 1, 2;
EOF
[ -s "$tmp/expected.txt" ] || fail "no finding fell due in the month"
# the report's table: | party | duty | accountable | SLA | due | met | breached | pending | %
awk -F' \\| ' '/^## SLA adherence by duty/ { on = 1; next }
    on && /^## |^### / { on = 0 }
    on && /^\| / && !/^\| Responsible/ && !/^\|---/ {
	sub(/^\| /, ""); if ($1 != "") party = $1
	if ($5 + 0 > 0) print party "|" $2 "|" $5 "|" $6 "|" $7 "|" $8 }' \
    "$tmp/month.md" | sed 's/\\//g' | sort >"$tmp/got.txt"
sort "$tmp/expected.txt" >"$tmp/want.txt"
if ! cmp -s "$tmp/want.txt" "$tmp/got.txt"; then
	diff "$tmp/want.txt" "$tmp/got.txt" >&2
	fail "SLA adherence differs from the SQL recomputation"
fi
# the totals
want=$(awk -F'|' '{ d += $3; m += $4; b += $5 } END { print d, m, b }' "$tmp/want.txt")
grep -q "^1\. $(echo "$want" | cut -d' ' -f2) of the $(echo "$want" | cut -d' ' -f1) findings due" \
    "$tmp/month.md" || fail "total due/met ($want) not in the key messages"

# --- the planted findings, from the schedule ---------------------------
fp_of() {	# fp_of RULE NAME: the fingerprint of RULE on resource NAME
	"$OV" findings list --db "$db" --format json | jq -r --arg r "$1" \
	    --arg n "$2" '.[] | select(.rule == $r and (.resourceId |
	    ascii_downcase | endswith("/" + $n))) | .fingerprint'
}
rules=$(sqlite3 "$db" "SELECT rule FROM findings WHERE resource_id LIKE '%/stnburesearch02' AND first_seen >= $(date -u -d 2026-11-02 +%s) ORDER BY first_seen, rule")
ruleA=$(echo "$rules" | sed -n 1p)
ruleB=$(echo "$rules" | sed -n 2p)
[ -n "$ruleA" ] && [ -n "$ruleB" ] || fail "planted storage findings missing: $rules"
fpA=$(fp_of "$ruleA" stnburesearch02)
fpB=$(fp_of "$ruleB" stnburesearch02)
fpC=$(fp_of OV-NET-002 nsg-snet-app)
fpD=$(fp_of OV-NET-002 nsg-snet-data)
for v in fpA fpB fpC fpD; do [ -n "${!v}" ] || fail "$v not tracked"; done
events() { sqlite3 "$db" "SELECT date(at, 'unixepoch') || ':' || to_state FROM events WHERE fingerprint = '$1' AND to_state <> 'open' ORDER BY id" | tr '\n' ' '; }
[ "$(events "$fpA")" = "2026-11-02:new 2026-11-09:resolved 2026-11-15:reopened " ] ||
	fail "A lifecycle: $(events "$fpA")"
[ "$(events "$fpB")" = "2026-11-05:new 2026-11-25:resolved " ] || fail "B lifecycle: $(events "$fpB")"
[ "$(events "$fpC")" = "2026-11-10:new 2026-11-14:resolved " ] ||
	fail "C lifecycle (the partial scan of the 13th resolves nothing): $(events "$fpC")"
[ "$(events "$fpD")" = "2026-11-20:new 2026-11-21:resolved " ] || fail "D lifecycle: $(events "$fpD")"
# A is overdue at the end: due 11-29 06:00, report time 12-01 00:00 -> 2 days late
grep -q "^| 2d | high | $ruleA | " "$tmp/month.md" || fail "A not overdue by 2 days"
# B, C and D are resolved: not in the overdue list
for fp in "$fpB" "$fpC" "$fpD"; do
	r=$(sqlite3 "$db" "SELECT resource_id FROM findings WHERE fingerprint = '$fp'")
	sqlite3 "$db" "SELECT state FROM findings WHERE fingerprint = '$fp'" |
	    grep -qx resolved || fail "$fp ($r) not resolved"
done
# the nsg-review row counts C as breached and D as met (its due instant)
grep -q "^| 2d | high | $ruleA | " "$tmp/month.md" || true
# the restore test of the 18th is evidence, within the 4 h RTO
grep -q '^| 2026-11-18 | rsv-nbu-research-uks | vm-hpc-head-01 | Completed | 2 h |' \
    "$tmp/month.md" || fail "restore test of the 18th missing"
grep -q '^| rsv-nbu-research-uks | [0-9]* | [0-9]* | 2026-11-18 | 2 h | yes |' \
    "$tmp/month.md" || fail "rsv-nbu-research-uks not tested within RTO"
# exceptions: one expiring on 12-10, one expired on 11-20 (a date holds
# through its last day)
grep -q '^| expiring | 2026-12-10 | OV-VM-014 |' "$tmp/month.md" || fail "expiring exception"
grep -q '^| expired | 2026-11-20 | OV-NET-103 |' "$tmp/month.md" || fail "expired exception"
# the trend skips the days without a scan and counts reopenings
grep -q '^| 2026-11-07 ' "$tmp/month.md" && fail "a day without a scan in the trend"
grep -q '^| 2026-11-15 | [0-9]* | [0-9]* | [1-9][0-9]* |' "$tmp/month.md" ||
	fail "the reopening of the 15th is not in the trend"
# the contract answers and the must-deny table come from the last scan
grep -q '^### Q5\. When was a restore last tested' "$tmp/month.md" || fail "Q5 missing"
grep -q '^| Control | Assignment | Effect | Enforced | Denies |' "$tmp/month.md" ||
	fail "must-deny table missing"
# the responsible party is stored and filterable by contract id
n_csp=$("$OV" findings list --db "$db" --responsible csp --format json | jq length)
n_name=$("$OV" findings list --db "$db" --responsible "Harbourline Cloud Services" --format json | jq length)
[ "$n_csp" -gt 0 ] && [ "$n_csp" = "$n_name" ] || fail "--responsible csp ($n_csp) vs name ($n_name)"
[ "$(sqlite3 "$db" "SELECT count(*) FROM findings WHERE responsible IS NULL")" = 0 ] ||
	fail "findings without a responsible party in the store"
# the framework view, from the findings open at the end of the month
"$OV" report --db "$db" --month 2026-11 --format md \
    --framework cis-azure-3.0.0 >"$tmp/fw.md" || fail "report --framework"
grep -q '^## Compliance: CIS' "$tmp/fw.md" || fail "no framework section"
grep -q '| failed | [1-9]' "$tmp/fw.md" || fail "no failed control"
"$OV" report --db "$db" --month 2026-11 --framework no-such -o /dev/null \
    2>/dev/null
[ $? -eq 3 ] || fail "an unknown framework is not an input error"
# a month without scans is an error, not an empty report
"$OV" report --db "$db" --month 2026-10 -o /dev/null 2>"$tmp/err"
[ $? -eq 3 ] && grep -q "no scan" "$tmp/err" || fail "empty month: $(cat "$tmp/err")"
"$OV" report --db "$db" --month 2026-13 -o /dev/null 2>/dev/null
[ $? -eq 2 ] || fail "--month 2026-13 is not a usage error"

# --- PostgreSQL: the same scans give the same report --------------------
if [ -n "${OVERVISOR_TEST_PG:-}" ] && command -v psql >/dev/null; then
	pg_schema="ov_gov_$$"
	psql -q "$OVERVISOR_TEST_PG" -c "CREATE SCHEMA $pg_schema" >/dev/null ||
	    fail "create schema"
	sep='?'
	case "$OVERVISOR_TEST_PG" in *\?*) sep='&' ;; esac
	pg="$OVERVISOR_TEST_PG${sep}options=-csearch_path%3D$pg_schema"
	unset OVERVISOR_NOW
	record "$pg"
	export OVERVISOR_NOW=2026-12-02T09:00:00Z
	"$OV" report --db "$pg" --month 2026-11 --format md >"$tmp/pg.md" ||
	    fail "report from PostgreSQL"
	if ! cmp -s "$tmp/month.md" "$tmp/pg.md"; then
		diff "$tmp/month.md" "$tmp/pg.md" | head -20 >&2
		fail "PostgreSQL and SQLite reports differ"
	fi
	echo "ok: PostgreSQL report identical"
fi

# --- the page in a real browser -----------------------------------------
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	echo "ok: SLA figures verified; chromium not installed, browser checks skipped"
	exit 0
fi
shots="${OV_BUILD_DIR:-$tmp}/report-screenshots"
mkdir -p "$shots"
cr() {	# cr ARGS...: headless Chromium, offline, fresh profile
	local prof
	prof=$(mktemp -d "$tmp/prof.XXXXXX")
	timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
	    --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync --hide-scrollbars \
	    --user-data-dir="$prof" "$@" 2>/dev/null
}
# A copy of a page that records its overflow in the DOM once laid out.
probe() {	# probe PAGE OUT
	sed 's|</body></html>|<script>(function(){var d=document.documentElement,w=[];document.querySelectorAll("body *").forEach(function(e){var r=e.getBoundingClientRect();if(r.right>innerWidth+1)w.push(e.tagName+"."+e.className)});document.body.setAttribute("data-probe",d.scrollWidth+" "+innerWidth+" "+w.slice(0,5).join(","))})()</script></body></html>|' \
	    "$1" >"$2"
}
check_page() {	# check_page PAGE NAME SECTION...
	local page=$1 name=$2 w probe_out sw iw
	shift 2
	probe "$page" "$tmp/probe.html"
	for w in 800 1400; do
		cr --window-size=$w,2000 --dump-dom "file://$tmp/probe.html" \
		    >"$tmp/dom.html" || fail "$name: chromium failed at $w px"
		probe_out=$(grep -o 'data-probe="[^"]*"' "$tmp/dom.html" |
		    sed 's/data-probe="//; s/"$//')
		[ -n "$probe_out" ] || fail "$name: the page did not lay out at $w px"
		sw=${probe_out%% *}
		iw=$(echo "$probe_out" | cut -d' ' -f2)
		[ "$sw" -le "$iw" ] ||
		    fail "$name scrolls sideways at $w px: scrollWidth $sw > $iw ($probe_out)"
		cr --window-size=$w,2600 --screenshot="$shots/$name-$w.png" \
		    "file://$page" >/dev/null || fail "$name: screenshot at $w px"
		[ -s "$shots/$name-$w.png" ] || fail "$name: empty screenshot at $w px"
	done
	for s in "$@"; do
		grep -qF "$s" "$tmp/dom.html" || fail "$name: section '$s' missing"
	done
}
check_page "$tmp/month.html" governance "Executive summary" "Key messages" \
    "SLA adherence by duty and responsible party" "Trend" \
    "Overdue at the end of the period" "Exceptions" \
    "Backup and restore evidence" "Policy enforcement" "Contract questions"
"$OV" scan "$tmp/s30" --contract "$contract" --exceptions "$tmp/exceptions.yaml" \
    --fail-on none --format html -o "$tmp/scan.html" || fail "scan --format html"
check_page "$tmp/scan.html" scan "Findings that need action" "Overdue" \
    "Who must act" "Findings by responsible party" "Exempt findings"
"$OV" report --db "$db" --month 2026-11 --format pdf -o "$shots/governance.pdf" ||
	fail "report --format pdf"
head -c 5 "$shots/governance.pdf" | grep -q '%PDF-' || fail "not a PDF"
pages=$(grep -aoE '/Type */Page([^s]|$)' "$shots/governance.pdf" | wc -l)
[ "$pages" -ge 3 ] || fail "the PDF has $pages pages"
# without a renderer the PDF fails with a clear message; HTML still works
OVERVISOR_CHROMIUM=/nonexistent "$OV" report --db "$db" --month 2026-11 \
    --format pdf -o "$tmp/x.pdf" 2>"$tmp/err"
[ $? -eq 3 ] && grep -q "Chromium" "$tmp/err" || fail "missing renderer: $(cat "$tmp/err")"
echo "ok: SLA figures verified; pages render at 800 and 1400 px without" \
    "sideways scroll ($shots); PDF of $pages pages"
