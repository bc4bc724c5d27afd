#!/bin/bash
# SPDX-License-Identifier: MIT
# `policy check` on every public-cloud built-in definition (the Azure
# Government folder excluded) and every initiative: zero errors, and the
# only unsupported items are resource-provider modes and the effects the
# engine does not model (mutate, enforceSetting, enforceRegoPolicy,
# auditAction, addToNetworkGroup).
set -u
: "${OV:?}"
c="${OVERVISOR_CORPUS:-}/azure-policy"
if [ ! -d "$c/policyDefinitions" ]; then
	echo "skip: no azure-policy corpus"; exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/defs"
for d in "$c"/policyDefinitions/*/; do
	n=$(basename "$d")
	[ "$n" = "Azure Government" ] && continue
	ln -s "$d" "$tmp/defs/$n"
done
aliases="$c/../azure-policy-aliases/aliases.json"
"$OV" policy check --format json --aliases "$aliases" "$tmp/defs" \
    "$c/policySetDefinitions" >"$tmp/out.json" 2>"$tmp/err"
rc=$?
cat "$tmp/err" >&2
if [ $rc -ne 0 ]; then
	echo "policy check exited $rc"; head -c 2000 "$tmp/out.json"; exit 1
fi
grep -q '"errors":\[\]' "$tmp/out.json" || { echo "errors reported"; exit 1; }
grep -o '"compiled":[0-9]*' "$tmp/out.json"
grep -o '"definitions":[0-9]*' "$tmp/out.json" | grep -q '"definitions":3[0-9][0-9][0-9]' ||
    { echo "too few definitions"; exit 1; }
grep -o '"initiatives":[0-9]*' "$tmp/out.json" | grep -q '"initiatives":72' ||
    { echo "expected 72 initiatives"; exit 1; }
bad=$(grep -o '"reason":"[^"]*"' "$tmp/out.json" |
    grep -v "is a resource provider mode" |
    grep -vi "effect '\(mutate\|enforceSetting\|enforceRegoPolicy\|auditAction\|addToNetworkGroup\)' is not supported")
if [ -n "$bad" ]; then
	echo "unexpected unsupported items:"; echo "$bad"; exit 1
fi
echo "built-ins: ok"
