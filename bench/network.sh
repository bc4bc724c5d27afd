#!/bin/sh
# SPDX-License-Identifier: MIT
# Network exposure benchmark: 50k NICs, 10k NSGs, 200k rules (targets:
# exposure under 2 s, peak RSS under 1 GB on 2 cores).
# Usage: bench/network.sh BUILD_DIR [NICS NSGS RULES]
set -e
build="${1:-build}"
shift || true
exec "$build/bench/bench_network" "$@"
