#!/bin/bash
# SPDX-License-Identifier: MIT
# The committed sample estate must equal what its generator writes, byte for
# byte, and a scaled estate must have about the requested number of records.
set -eu
gen="$OV_BUILD_DIR/gen_estate"
[ -x "$gen" ] || { echo "gen_estate not built" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$gen" --out "$tmp/a"
diff -r "$OV_SOURCE_DIR/examples/estate" "$tmp/a"

# Same options twice give the same bytes; another seed gives other ids.
"$gen" --out "$tmp/b" --scale 20000 --seed 7
"$gen" --out "$tmp/c" --scale 20000 --seed 7
diff -r "$tmp/b" "$tmp/c"
"$gen" --out "$tmp/d" --scale 20000 --seed 8
if cmp -s "$tmp/b/graph-users.ndjson" "$tmp/d/graph-users.ndjson"; then
	echo "seed does not change the output" >&2
	exit 1
fi

# --scale 20000 writes roughly 20000 records, and the manifest counts match.
total=$(cat "$tmp/b"/*.ndjson | wc -l)
if [ "$total" -lt 18000 ] || [ "$total" -gt 24000 ]; then
	echo "--scale 20000 wrote $total records" >&2
	exit 1
fi
for f in "$tmp/b"/*.ndjson; do
	n=$(wc -l < "$f")
	grep -q "\"count\":$n,\"files\":\[\"$(basename "$f")\"\]" \
	    "$tmp/b/manifest.json" || {
		echo "manifest count for $(basename "$f") is not $n" >&2
		exit 1
	}
done

# The bundled estate is big enough and covers enough types.
n=$(cat "$tmp/a"/*.ndjson | wc -l)
[ "$n" -ge 3000 ] || { echo "bundled estate has only $n records" >&2; exit 1; }
types=$(cat "$tmp/a"/arg-*.ndjson "$tmp/a"/arm-*.ndjson |
    grep -o '^{"id":"[^"]*","name":"[^"]*","type":"[^"]*"' |
    sed 's/.*"type":"//; s/"$//' | tr 'A-Z' 'a-z' | sort -u | wc -l)
[ "$types" -ge 40 ] || { echo "only $types ARM types" >&2; exit 1; }
echo "ok: $n records, $types ARM types (+ Graph), scaled $total"
