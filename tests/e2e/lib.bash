# SPDX-License-Identifier: MIT
# Shared helpers for the end-to-end tests (sourced, not run).
set -u
: "${OV:?OV must name the overvisor binary}"
: "${OV_SOURCE_DIR:?}"
FIX="$OV_SOURCE_DIR/tests/fixtures"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# expect_status WANT CMD...: run CMD, check its exit status.
expect_status() {
	want=$1
	shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" != "$want" ]; then
		fail "'$*' exited $got, expected $want"
		sed 's/^/  | /' "$TMP/err" >&2
	fi
}

# expect_grep PATTERN FILE: FILE must contain PATTERN (fixed string).
expect_grep() {
	grep -qF -- "$1" "$2" || fail "'$1' not found in $(basename "$2")"
}

# expect_no_grep PATTERN FILE: FILE must not contain PATTERN.
expect_no_grep() {
	! grep -qF -- "$1" "$2" || fail "'$1' unexpectedly found in $(basename "$2")"
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures check(s) failed" >&2
		exit 1
	fi
	echo "ok"
	exit 0
}
