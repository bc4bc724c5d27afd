#!/bin/sh
# SPDX-License-Identifier: MIT
# overvisor network exposure/flows on the small fixture estate: the planted
# exposures are reported, the clean twins are not.
set -u
fx="$OV_SOURCE_DIR/tests/fixtures/network/estate.ndjson"
out=$("$OV" network exposure --format json "$fx")
rc=$?
[ $rc -eq 1 ] || { echo "exposure: expected exit 1, got $rc"; exit 1; }
for vm in vm-rdp vm-basic-nonsg vm-lb1 vm-jump vm-web; do
	echo "$out" | grep -q "virtualMachines/$vm\"" ||
	    { echo "missing exposure of $vm"; exit 1; }
done
for vm in vm-rdp-twin vm-std-nonsg vm-iso vm-app-private vm-dev; do
	if echo "$out" | grep -q "virtualMachines/$vm\""; then
		echo "false exposure of $vm"; exit 1
	fi
done
text=$("$OV" network exposure "$fx")
echo "$text" | grep -q "allow-rdp-any (priority 200)" ||
    { echo "text output lacks the allowing rule"; exit 1; }
flows=$("$OV" network flows "$fx")
echo "$flows" | grep -q "dev -> prod:.*FORBIDDEN" ||
    { echo "dev -> prod not flagged"; echo "$flows"; exit 1; }
"$OV" network flows --no-default-forbid --zone-tag nosuchtag "$fx" >/dev/null
"$OV" network diff "$fx" "$fx" | grep -q "no NSG rule changes" ||
    { echo "diff of identical snapshots not empty"; exit 1; }
"$OV" network bogus "$fx" 2>/dev/null
[ $? -eq 2 ] || { echo "bad action must exit 2"; exit 1; }
echo ok
