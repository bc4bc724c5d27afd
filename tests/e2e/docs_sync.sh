# SPDX-License-Identifier: MIT
# Every command listed by `overvisor --help` answers --help with status 0,
# and appears in the man page and the README.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
MAN="$OV_SOURCE_DIR/docs/overvisor.1"
README="$OV_SOURCE_DIR/README.md"

expect_status 0 "$OV" --help
cmds=$(sed -n '/^Commands:/,/^$/p' "$TMP/out" | awk 'NF > 1 && $1 != "Commands:" {print $1}')
[ -n "$cmds" ] || fail "no commands in overvisor --help"
for c in $cmds; do
	"$OV" "$c" --help >/dev/null 2>&1 || fail "'overvisor $c --help' failed"
	grep -q "^\.BI* \"*$c" "$MAN" || grep -q "^\.B $c" "$MAN" ||
	    fail "command $c missing from docs/overvisor.1"
	grep -q "overvisor $c" "$README" || fail "command $c missing from README.md"
done
expect_status 0 "$OV" --version
expect_grep "overvisor " "$TMP/out"
expect_status 2 "$OV" no-such-command
expect_status 2 "$OV"
finish
