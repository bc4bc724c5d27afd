#!/bin/sh
# SPDX-License-Identifier: MIT
# Run every benchmark in turn (make bench).  Each prints its own figures,
# the machine it ran on, and the baselines it measured in the same run.
# BUILD names the (Release) build directory, default build/.
set -e
cd "$(dirname "$0")/.."
BUILD="${BUILD:-build}"
export BUILD
for b in json policy network store detect collect iac scan operator; do
	echo "=== bench/$b ==="
	sh "bench/$b.sh" || echo "bench/$b failed (status $?)"
	echo
done
