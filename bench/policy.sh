#!/bin/sh
# SPDX-License-Identifier: MIT
# Evaluate every public-cloud built-in on the sample estate scaled to
# RECORDS records (default 100000) with 2 threads.
#   bench/policy.sh BUILD_DIR [RECORDS]
set -eu
build="${1:?usage: policy.sh BUILD_DIR [RECORDS]}"
records="${2:-100000}"
corpus="${OVERVISOR_CORPUS:-$(dirname "$0")/../../shared/corpus}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/gen_estate" --scale "$records" --out "$tmp/estate" >/dev/null
mkdir "$tmp/defs"
for d in "$corpus"/azure-policy/policyDefinitions/*/; do
	n=$(basename "$d")
	[ "$n" = "Azure Government" ] && continue
	ln -s "$d" "$tmp/defs/$n"
done
"$build/bench/bench_policy" -t 2 -a "$corpus/azure-policy-aliases/aliases.json" \
    "$tmp/estate" "$tmp/defs"
