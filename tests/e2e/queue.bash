# SPDX-License-Identifier: MIT
# Helpers of the operator queue tests (sourced after lib.bash, with DB set
# to the store's URL and WPIDS to the workers started so far).
#   worker NAME [options]   `overvisor worker --name NAME` on $DB, state in
#                           $TMP/state-NAME, output in $TMP/NAME.out and
#                           .err, in its own process group, in the
#                           background: LAST is its pid (added to WPIDS)
#   wait_for SQL WANT SECS  poll the store until SQL gives WANT; 1 when it
#                           never did
worker() {
	local name=$1
	shift
	setsid "$OV" worker --db "$DB" --state "$TMP/state-$name" --name "$name" \
	    --poll 1 --backoff 1 "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	LAST=$!
	WPIDS="$WPIDS $LAST"
}

wait_for() {
	local i
	for i in $(seq 1 $(($3 * 5))); do
		[ "$(psql -qAt "$DB" -c "$1")" = "$2" ] && return 0
		sleep 0.2
	done
	return 1
}
