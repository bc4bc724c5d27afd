#!/bin/bash
# SPDX-License-Identifier: MIT
# Entra users and registration details, Defender assessments and backup
# protected items are read through packed views (a few parsed fields
# built while a streaming load has the whole body; read from the body
# when a snapshot is loaded whole).  On the edge
# cases of tests/fixtures/packed the streamed and the whole-load scans give
# the same bytes, and the verdicts, owners, resources and backup times are
# the planted ones.
. "$(dirname "$0")/lib.bash"
command -v jq >/dev/null 2>&1 || { echo "jq not installed: skipped"; exit 77; }
export OVERVISOR_NOW=2026-11-01T06:00:00Z
P="$FIX/packed"

# scan NAME ARGS...: streamed into $TMP/NAME.json, checked against a whole
# load of the same input.
scan() {
	name=$1
	shift
	OVERVISOR_THREADS=2 "$OV" scan "$@" --format json --fail-on none \
	    >"$TMP/$name.json" 2>"$TMP/$name.err" ||
	    fail "$name: streamed scan failed"
	OVERVISOR_RETAIN=all OVERVISOR_THREADS=1 "$OV" scan "$@" --format json \
	    --fail-on none >"$TMP/$name.full.json" 2>"$TMP/$name.full.err" ||
	    fail "$name: whole-load scan failed"
	cmp -s "$TMP/$name.json" "$TMP/$name.full.json" ||
	    fail "$name: streamed and whole-load reports differ"
}

# verdicts FILE SOURCE: "RULE NAME" of SOURCE's findings, sorted, one line.
verdicts() {
	jq -r --arg s "$2" '.findings[] | select(.source == $s) |
	    "\(.rule) \(.resource.name // .resource.id)"' "$1" | sort |
	    tr '\n' ' '
}

# evidence FILE NAME RULE PATH: the value of that evidence item.
evidence() {
	jq -r --arg n "$2" --arg r "$3" --arg p "$4" '.findings[] |
	    select(.resource.name == $n and .rule == $r) | .evidence[] |
	    select(.path == $p) | .value // "null"' "$1"
}

# is GOT WANT LABEL
is() {
	[ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}

scan def "$P/defender.ndjson" --analyzer defender --no-rules
scan bkp "$P/backup.ndjson" --analyzer backup --no-rules
scan idn "$P/identity.ndjson" --analyzer identity --no-rules
scan all "$P" --contract "$OV_SOURCE_DIR/examples/contract.yaml"

D="$TMP/def.json"
# Not unhealthy, or no code (status a string, no code, a numeric code, a
# code with a space), a healthy copy richer than an unhealthy duplicate,
# both dates unparsable with an owner: nothing.  No dates: only unowned.
# Unknown or numeric severity reads as medium; "critical" in any case.
want="OV-DEF-053 d-assigned OV-DEF-053 d-assigned-empty \
OV-DEF-053 d-badchange OV-DEF-053 d-dup-early OV-DEF-053 d-dup-late \
OV-DEF-053 d-dup-tie OV-DEF-053 d-emptychange OV-DEF-053 d-gov \
OV-DEF-053 d-id-lower OV-DEF-053 d-id-other OV-DEF-053 d-id-prefix \
OV-DEF-053 d-label-num OV-DEF-053 d-long OV-DEF-053 d-long-nord \
OV-DEF-053 d-lower OV-DEF-053 d-neither OV-DEF-053 d-no-rd \
OV-DEF-053 d-nolabel OV-DEF-053 d-nosev OV-DEF-053 d-numchange \
OV-DEF-053 d-odd OV-DEF-053 d-owner-empty OV-DEF-053 d-owner-num \
OV-DEF-053 d-rd-num OV-DEF-053 d-rid-both OV-DEF-053 d-rid-only \
OV-DEF-053 d-sev-crit OV-DEF-053 d-sev-info OV-DEF-053 d-sev-num \
OV-DEF-053 d-sev-odd OV-DEF-054 al-own OV-DEF-055 al-none \
OV-DEF-055 d-dup-early OV-DEF-055 d-dup-late OV-DEF-055 d-dup-tie \
OV-DEF-055 d-id-other OV-DEF-055 d-id-prefix OV-DEF-055 d-label-num \
OV-DEF-055 d-long OV-DEF-055 d-long-nord OV-DEF-055 d-neither \
OV-DEF-055 d-nodates OV-DEF-055 d-nolabel OV-DEF-055 d-odd \
OV-DEF-055 d-owner-empty OV-DEF-055 d-owner-num OV-DEF-055 d-sev-crit \
OV-DEF-056 /tenants/unknown/defender/backlog "
is "$(verdicts "$D" defender)" "$want" "defender verdicts"
sev() {
	jq -r --arg n "$1" '.findings[] | select(.resource.name == $n and
	    .rule == "OV-DEF-053") | .severity' "$D"
}
is "$(sev d-nosev) $(sev d-sev-odd) $(sev d-sev-num) $(sev d-sev-crit)" \
    "medium medium medium critical" "severities"
# the clock: statusChangeDate, else firstEvaluationDate (unparsable, empty
# or numeric change dates)
open() {
	evidence "$D" "$1" OV-DEF-053 properties.status.statusChangeDate
}
is "$(open d-badchange) $(open d-emptychange) $(open d-numchange)" \
    "2026-09-01T06:00:00Z 2026-09-02T04:00:00Z 2026-09-03T06:00:00Z" \
    "open since"
# the affected resource: resourceDetails.id (any case), else ResourceId,
# else the id before the security provider; none past 1023 bytes
S=/subscriptions/55555555-5555-5555-5555-555555555555
VM=$S/resourceGroups/rg-p/providers/Microsoft.Compute/virtualMachines
rid() {
	evidence "$D" "$1" OV-DEF-053 properties.resourceDetails.id
}
is "$(rid d-rid-only)" "$VM/vm-own" "ResourceId only"
is "$(rid d-rid-both)" \
    "$S/resourceGroups/rg-p/providers/Microsoft.KeyVault/vaults/kv-p" \
    "id before ResourceId"
is "$(rid d-neither) $(rid d-no-rd) $(rid d-rd-num)" \
    "$VM/vm-none $VM/vm-own $VM/vm-own" "resource from the id"
is "$(rid d-id-lower)" "$(echo "$VM/vm-own" | tr '[:upper:]' '[:lower:]')" \
    "details id as written"
is "$(rid d-id-prefix)" "$VM/vm-no" "details id a prefix of the id's"
is "$(rid d-odd) $(rid d-long-nord)" "null null" "no resource"
x=$(printf '%1100s' '' | tr ' ' x)
is "$(rid d-long)" "$S/resourceGroups/rg-$x/providers/Microsoft.Compute/\
virtualMachines/vm-long" "long details id"
# owners: the governance assignment's, the first non-empty of assignedTo
# and owner, the resource's owner tag (also through a lower-case id)
own() {
	evidence "$D" "$1" OV-DEF-053 owner
}
is "$(own d-gov) $(own d-assigned) $(own d-assigned-empty)" \
    "gov-owner@example.edu alice@example.edu sec-team@example.edu" \
    "assessment owners"
is "$(own d-id-lower) $(own d-rid-only) $(own d-owner-empty)" \
    "vm-owners@example.edu vm-owners@example.edu null" "owner tags"
is "$(evidence "$D" al-own OV-DEF-054 owner)" "soc@example.edu" \
    "alert owner"
# labels: displayName, else the record's name; the richer duplicate's
lbl=$(jq -r '.findings[] | select(.rule == "OV-DEF-053") | .title' "$D")
for t in "'d-nolabel'" "'d-label-num'" "'richer copy read second'" \
    "'richer copy read first'" "'tie, first read'"; do
	case "$lbl" in *"$t"*) ;; *) fail "no title with $t" ;; esac
done

B="$TMP/bkp.json"
# stopped or paused (any case) protection and the first of two items
# naming one VM: OV-BKP-055; a source id in upper case protects; the
# richer duplicate of an item wins; a numeric source falls back to the
# VM id; master is never reported
want="OV-BKP-051 vm-unprot OV-BKP-052 db-unprot \
OV-BKP-053 i-dupid-first OV-BKP-053 i-failed OV-BKP-053 i-nofriendly \
OV-BKP-053 i-nosrc OV-BKP-053 i-rp-tz OV-BKP-053 i-srcnum \
OV-BKP-053 i-statenum OV-BKP-053 i-vmid OV-BKP-055 vm-dupsrc \
OV-BKP-055 vm-pause OV-BKP-055 vm-stop "
is "$(verdicts "$B" backup)" "$want" "backup verdicts"
# the last good backup: recovery point, else the completed last backup
# ("completed" too), else the newest completed backup job
how() {
	jq -r --arg n "$1" '.findings[] | select(.resource.name == $n and
	    .rule == "OV-BKP-053") | .evidence[0] | "\(.path)=\(.value)"' "$B"
}
is "$(how i-rp-tz)" "properties.lastRecoveryPoint=2026-10-31T05:59:59Z" \
    "recovery point with an offset"
is "$(how i-vmid)" "properties.lastBackupTime=2026-10-29T06:00:00Z" \
    "unparsable recovery point"
is "$(how i-failed)" "backupJobs=2026-10-30T00:30:00Z" "failed last backup"
is "$(how i-nofriendly)" "backupJobs=null" "nothing known"
is "$(evidence "$B" i-failed OV-BKP-053 properties.lastBackupStatus)" Failed \
    "last backup status"
BVM=/subscriptions/66666666-6666-6666-6666-666666666666/resourceGroups/rg-b\
/providers/Microsoft.Compute/virtualMachines
is "$(evidence "$B" i-vmid OV-BKP-053 properties.sourceResourceId)" \
    "$BVM/vm-vmid" "virtualMachineId"
is "$(evidence "$B" i-nosrc OV-BKP-053 properties.sourceResourceId)" null \
    "no source"
jq -r '.findings[] | select(.rule == "OV-BKP-055") | .title' "$B" |
    grep -qF "vm-pause is stopped (protectionpaused)" ||
    fail "paused state as written"

# both fixtures with every stage: the same findings of these two sources
# (the Defender fixture's two VMs have no backup)
is "$(verdicts "$TMP/all.json" defender)" "$(verdicts "$D" defender)" \
    "defender with every stage"
is "$(verdicts "$TMP/all.json" backup)" "OV-BKP-051 vm-none \
OV-BKP-051 vm-own $(verdicts "$B" backup)" \
    "backup with every stage"

# Users and registration details.  ids of the users listed as inactive
# and the property that dates each: the newest of the three sign-in times
# (the first key on a tie), else the creation of an account that never
# signed in; accountEnabled "false" (a string) is enabled, false is not;
# a year-one sign-in is no sign-in; an unparsable creation is unknown.
I="$TMP/idn.json"
inactive() {
	jq -r '.findings[] | select(.rule == "OV-IAM-072") | .evidence[] |
	    select(.path | startswith("users/")) | .path' "$I" | sort |
	    tr '\n' ' '
}
want="users/u-GUEST.signInActivity.lastNonInteractiveSignInDateTime \
users/u-bad-first.signInActivity.lastNonInteractiveSignInDateTime \
users/u-dup.signInActivity.lastNonInteractiveSignInDateTime \
users/u-enabled-string.signInActivity.lastNonInteractiveSignInDateTime \
users/u-guest-lc.signInActivity.lastNonInteractiveSignInDateTime \
users/u-noupn-admin.signInActivity.lastNonInteractiveSignInDateTime \
users/u-sia-empty.createdDateTime users/u-sia-null.createdDateTime \
users/u-stale.signInActivity.lastNonInteractiveSignInDateTime \
users/u-success-only.signInActivity.lastSuccessfulSignInDateTime \
users/u-tie.signInActivity.lastSignInDateTime \
users/u-type-num.signInActivity.lastNonInteractiveSignInDateTime \
users/u-year-one.createdDateTime "
is "$(inactive)" "$want" "inactive users"
is "$(jq -r '.findings[] | select(.rule == "OV-IAM-072") | .evidence[] |
    select(.path == "unknown") | .value' "$I")" 1 "users of unknown age"
# members without MFA: isMfaRegistered false (not the string), a member
# (the user's type first), enabled; a row without a user counts
is "$(jq -r '.findings[] | select(.rule == "OV-IAM-075") | .evidence[] |
    select(.path | startswith("userRegistrationDetails/")) | .path' "$I" |
    sort | tr '\n' ' ')" "userRegistrationDetails/u-break.isMfaRegistered \
userRegistrationDetails/u-noupn-admin.isMfaRegistered \
userRegistrationDetails/u-reg-only.isMfaRegistered \
userRegistrationDetails/u-stale.isMfaRegistered " "members without MFA"
# a privileged holder without a UPN is named by its display name; one
# known only by its registration details by its object id
jq -r '.findings[] | select(.rule == "OV-IAM-065") | .evidence[] |
    .message' "$I" | grep -q '^Admin Without UPN: last sign-in' ||
    fail "holder labelled by display name"
finish
