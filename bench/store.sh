#!/bin/sh
# SPDX-License-Identifier: MIT
# Store benchmark: 1M findings over 10 scans on SQLite, and on PostgreSQL
# when OVERVISOR_TEST_PG is set.  Usage: bench/store.sh [BUILD_DIR]
set -e
build="${1:-build}"
exec "$build/bench/bench_store" --findings 100000 --scans 10
