#!/bin/sh
# SPDX-License-Identifier: MIT
# The sample estate's planted network problems (examples/README.md rows
# NET-1 to NET-10) are found with the right path, port, source, severity and
# allowing NSG rule; their clean twins are not reported.
. "$OV_SOURCE_DIR/tests/e2e/lib.bash"
command -v jq >/dev/null 2>&1 || { echo "jq not installed: skipped"; exit 77; }
EST="$OV_SOURCE_DIR/examples/estate"
[ -f "$EST/manifest.json" ] || { echo "no sample estate: skipped"; exit 77; }

# exposure JSON, flows JSON (zones from env tags and from VNets), findings
expect_status 1 "$OV" network exposure "$EST" --format json
cp "$TMP/out" "$TMP/exp.json"
expect_status 1 "$OV" network exposure "$EST" --findings
cp "$TMP/out" "$TMP/exp-findings.txt"
expect_status 1 "$OV" network flows "$EST" --format json
cp "$TMP/out" "$TMP/flows.json"
expect_status 1 "$OV" network flows "$EST" --findings
cp "$TMP/out" "$TMP/flows-findings.txt"
expect_status 1 "$OV" network flows "$EST" --format json \
    --zone-tag no-such-tag --no-default-forbid
cp "$TMP/out" "$TMP/flows-vnet.json"

# has_exp DESCRIPTION JQ-CONDITION: some exposure satisfies the condition
has_exp() {
	jq -e "[.exposures[] | select($2)] | length > 0" "$TMP/exp.json" \
	    >/dev/null || fail "$1"
}
# no_exp DESCRIPTION JQ-CONDITION: no exposure satisfies the condition
no_exp() {
	jq -e "[.exposures[] | select($2)] | length == 0" "$TMP/exp.json" \
	    >/dev/null || fail "$1"
}
# has_flow / no_flow FILE DESCRIPTION JQ-CONDITION
has_flow() {
	jq -e "[.flows[] | select($3)] | length > 0" "$1" >/dev/null ||
	    fail "$2"
}
no_flow() {
	jq -e "[.flows[] | select($3)] | length == 0" "$1" >/dev/null ||
	    fail "$2"
}
vm() {
	printf '(.resource | ascii_downcase | endswith("/virtualmachines/%s"))' "$1"
}
rule() {
	printf '([.rules[] | select(.level == "%s" and .name == "%s" and .priority == %s)] | length > 0)' "$1" "$2" "$3"
}

# Exactly the planted workloads are exposed: no filler VM, no twin.
got=$(jq -r '[.exposures[].resource | split("/") | .[-1]] | unique | join(" ")' \
    "$TMP/exp.json")
want="vm-fin-sql-01 vm-hpc-head-01 vm-lab-lnx-01 vm-lab-win-01 vm-web-cms-01 vm-web-cms-02 vm-web-static-01"
[ "$got" = "$want" ] || fail "exposed workloads: got '$got', want '$want'"

# NET-1: RDP from * through the NIC NSG, public IP on the NIC, no subnet NSG
has_exp "NET-1 RDP on vm-lab-win-01" "$(vm vm-lab-win-01) and .path == \"public-ip\"
    and .protocol == \"Tcp\" and .ports == \"3389\" and .anySource
    and .severity == \"critical\" and .frontend == \"20.90.40.11\"
    and (.via | endswith(\"/pip-vm-lab-win-01\"))
    and $(rule nic Allow-RDP-Any 300)
    and ([.rules[] | select(.level == \"subnet\" and .nsg == null)] | length == 1)"
expect_grep "critical OV-NET-101 /subscriptions/c5ed29da-3d35-4c33-bdea-d9e7e5e2520e/resourceGroups/rg-labs-dev/providers/Microsoft.Compute/virtualMachines/vm-lab-win-01 " \
    "$TMP/exp-findings.txt"
expect_grep "critical OV-NET-110 /subscriptions/c5ed29da-3d35-4c33-bdea-d9e7e5e2520e/resourceGroups/rg-labs-dev/providers/Microsoft.Network/networkSecurityGroups/nsg-vm-lab-win-01 " \
    "$TMP/exp-findings.txt"
no_exp "NET-1 only 3389 is open on vm-lab-win-01" \
    "$(vm vm-lab-win-01) and .ports != \"3389\""

# NET-2: SSH via the LB inbound NAT; the 443 -> 8443 LB rule is closed
has_exp "NET-2 SSH via NAT on vm-hpc-head-01" "$(vm vm-hpc-head-01)
    and .path == \"lb-nat\" and .viaRule == \"nat-ssh-hpc-head-01\"
    and (.via | endswith(\"/loadBalancers/lb-hpc-public\"))
    and .frontend == \"20.90.30.6:50022\" and .protocol == \"Tcp\"
    and .ports == \"22\" and .anySource and .severity == \"critical\"
    and $(rule subnet Allow-SSH-Inbound 300)"
no_exp "NET-2 twin: lbr-jupyter-https (8443) must not be exposed" \
    "$(vm vm-hpc-head-01) and (.path == \"lb-rule\" or .ports != \"22\")"
expect_grep "critical OV-NET-101 /subscriptions/43ac3e48-e1ae-4f00-abd1-4eb9541912ec/resourceGroups/rg-hpc-research/providers/Microsoft.Compute/virtualMachines/vm-hpc-head-01 " \
    "$TMP/exp-findings.txt"

# NET-3: SQL through the firewall DNAT; the data subnet NSG admits the
# firewall subnet
has_exp "NET-3 SQL via DNAT on vm-fin-sql-01" "$(vm vm-fin-sql-01)
    and .path == \"firewall-dnat\" and .viaRule == \"dnat-inbound/dnat-fin-sql\"
    and (.via | endswith(\"/azureFirewalls/afw-nbu-hub\"))
    and .frontend == \"20.90.10.4:1433\" and .ports == \"1433\"
    and .privateIp == \"10.10.3.4\" and .anySource
    and .severity == \"critical\"
    and $(rule subnet Allow-SQL-From-Hub-Firewall 220)"
expect_grep "critical OV-NET-101 /subscriptions/92d5675d-1a49-439f-a1de-2ef0501f7c82/resourceGroups/rg-finance-prod/providers/Microsoft.Compute/virtualMachines/vm-fin-sql-01 " \
    "$TMP/exp-findings.txt"
expect_grep "critical OV-NET-111 /subscriptions/b75a2c25-0598-44e8-8b57-494c30032194/resourceGroups/rg-hub-network/providers/Microsoft.Network/azureFirewalls/afw-nbu-hub " \
    "$TMP/exp-findings.txt"

# NET-4: HTTPS through the WAF (Prevention) application gateway: low
for v in vm-web-cms-01 vm-web-cms-02; do
	has_exp "NET-4 app gateway path to $v" "$(vm $v)
	    and .path == \"app-gateway\" and .ports == \"443\" and .waf
	    and (.via | endswith(\"/applicationGateways/agw-nbu-web\"))
	    and .severity == \"low\" and $(rule subnet Allow-From-AppGateway 210)"
	no_exp "NET-4 $v has no other path" "$(vm $v) and .path != \"app-gateway\""
	expect_grep "low OV-NET-103 /subscriptions/92d5675d-1a49-439f-a1de-2ef0501f7c82/resourceGroups/rg-web-prod/providers/Microsoft.Compute/virtualMachines/$v " \
	    "$TMP/exp-findings.txt"
done

# NET-5: 443 to the web ASG member; its twin outside the ASG is closed
has_exp "NET-5 ASG rule exposes vm-web-static-01" "$(vm vm-web-static-01)
    and .path == \"public-ip\" and .ports == \"443\" and .anySource
    and $(rule subnet Allow-HTTPS-Internet-To-WebASG 200)"
no_exp "NET-5 twin vm-web-static-02 (not in the ASG)" "$(vm vm-web-static-02)"

# NET-6, NET-7: a subnet NSG deny wins over the NIC NSG allow / public IP
no_exp "NET-6 twin vm-lab-win-02 (subnet NSG denies RDP)" "$(vm vm-lab-win-02)"
no_exp "NET-7 twin vm-mgmt-jump-01 (subnet NSG denies Internet)" \
    "$(vm vm-mgmt-jump-01)"
expect_no_grep "virtualMachines/vm-lab-win-02 " "$TMP/exp-findings.txt"
expect_no_grep "virtualMachines/vm-mgmt-jump-01 " "$TMP/exp-findings.txt"

# NET-8: SSH from ::/0 opens the IPv6 public IP only, never the IPv4 one
has_exp "NET-8 SSH over IPv6 on vm-lab-lnx-01" "$(vm vm-lab-lnx-01)
    and .path == \"public-ip\" and .ports == \"22\" and .anySource
    and .privateIp == \"fd00:30:3::5\" and .severity == \"critical\"
    and (.via | endswith(\"/pip-vm-lab-lnx-01-v6\"))
    and $(rule nic Allow-SSH-IPv6-Any 310)"
no_exp "NET-8 the ::/0 rule must not open the IPv4 public IP" \
    "$(vm vm-lab-lnx-01) and (.via | endswith(\"/pip-vm-lab-lnx-01\"))"
no_exp "NET-8 twin vm-lab-lnx-02 (ULA source only)" "$(vm vm-lab-lnx-02)"

# NET-9: dev -> prod SQL across the direct peering is a forbidden flow
sn='(.toSubnet | ascii_downcase | endswith("/vnet-prod-uks/subnets/snet-data"))'
has_flow "$TMP/flows.json" "NET-9 dev -> prod 1433 to snet-data" \
    ".from == \"dev\" and .to == \"prod\" and .protocol == \"Tcp\"
    and .ports == \"1433-1433\" and .forbidden and $sn
    and (.rule | endswith(\"/securityRules/Allow-SQL-From-Dev\"))"
no_flow "$TMP/flows.json" "NET-9 twin: Deny-Dev-Inbound closes snet-app to dev" \
    ".from == \"dev\" and (.toSubnet | ascii_downcase | endswith(\"/subnets/snet-app\"))"
expect_grep "high OV-NET-120 /subscriptions/92d5675d-1a49-439f-a1de-2ef0501f7c82/resourceGroups/rg-net-prod/providers/Microsoft.Network/virtualNetworks/vnet-prod-uks/subnets/snet-data " \
    "$TMP/flows-findings.txt"
expect_grep "virtualMachines/vm-fin-sql-01" "$TMP/flows-findings.txt"
expect_no_grep "subnets/snet-app " "$TMP/flows-findings.txt"
# by VNet: dev reaches prod (direct peering); research reaches neither
# (peered with the hub only, and peering is not transitive)
has_flow "$TMP/flows-vnet.json" "NET-9 vnet-dev-uks -> vnet-prod-uks" \
    ".from == \"vnet:vnet-dev-uks\" and .to == \"vnet:vnet-prod-uks\""
no_flow "$TMP/flows-vnet.json" "research must not reach prod or dev" \
    "(.from == \"vnet:vnet-research-uks\" and (.to == \"vnet:vnet-prod-uks\" or .to == \"vnet:vnet-dev-uks\"))
    or (.to == \"vnet:vnet-research-uks\" and (.from == \"vnet:vnet-prod-uks\" or .from == \"vnet:vnet-dev-uks\"))"
has_flow "$TMP/flows-vnet.json" "research reaches the hub" \
    ".from == \"vnet:vnet-research-uks\" and .to == \"vnet:vnet-hub-uks\""
no_flow "$TMP/flows-vnet.json" "--no-default-forbid leaves nothing forbidden" \
    ".forbidden"

# NET-10: the augmented partner rule (two /24 sources, 22 and 8000-8100)
# is not Internet-wide: never an any-source exposure, never NSG evidence
no_exp "NET-10 partner rule is not an internet path" \
    "$(rule subnet Allow-Research-Partners 310) and .anySource"
no_exp "NET-10 8000-8100 not exposed" \
    "$(vm vm-hpc-head-01) and (.ports | test(\"^80[0-9][0-9]\"))"
expect_no_grep "Allow-Research-Partners" "$TMP/exp-findings.txt"

finish
