#!/bin/sh
# SPDX-License-Identifier: MIT
# Install the Debian packages overvisor needs to build and test, when any is
# missing.  Runs apt-get only as root; otherwise says what to install.
# `deps.sh bench` adds the benchmarks' baselines (simdjson), `deps.sh report`
# the PDF renderer (chromium).
set -e
PKGS="build-essential cmake pkg-config clang libclang-rt-14-dev \
libsqlite3-dev libyaml-dev libpcre2-dev libcurl4-openssl-dev libssl-dev \
libpq-dev libcmocka-dev libjansson-dev libcjson-dev jq sqlite3 \
postgresql postgresql-client openssl"
if [ "${1:-}" = bench ]; then
	PKGS="$PKGS libsimdjson-dev"
fi
# `deps.sh report`: headless Chromium for report --format pdf and the
# report rendering test.
if [ "${1:-}" = report ]; then
	PKGS="$PKGS chromium"
fi
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "overvisor: missing Debian packages:$missing" >&2
	echo "overvisor: run as root, or: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "overvisor: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
