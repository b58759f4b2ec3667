#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate ../dmesg-<kernel>-lab.txt (or the file named by $1): conntrack INVALID log lines for ICMP,
# ICMPv6, SCTP, IPv4 options and a reassembled IPv6 datagram, from frames
# crafted by inject.py into a private namespace pair (root needed):
#   inj (192.0.2.1, 2001:db8::1) -- veth -- fw (192.0.2.2, 2001:db8::2)
# fw has `ct state invalid` in nftables and nf_conntrack_log_invalid=255; the
# global nf_log_all_netns is set for the run and restored on exit.
set -u
id=$$
INJ=rlinj$id FW=rlfw$id
VI=ri$id VF=rf$id
old_all=$(sysctl -n net.netfilter.nf_log_all_netns)
cleanup() {
	ip netns del $INJ 2>/dev/null
	ip netns del $FW 2>/dev/null
	sysctl -q -w net.netfilter.nf_log_all_netns=$old_all
}
trap cleanup EXIT INT TERM
ip netns add $INJ && ip netns add $FW || exit 1
ip link add $VI netns $INJ type veth peer name $VF netns $FW || exit 1
ip -n $INJ link set $VI up
ip -n $FW link set $VF up
ip -n $INJ addr add 192.0.2.1/24 dev $VI
ip -n $FW addr add 192.0.2.2/24 dev $VF
ip -n $INJ addr add 2001:db8::1/64 dev $VI nodad
ip -n $FW addr add 2001:db8::2/64 dev $VF nodad
ip netns exec $FW nft -f - <<EOF
table inet rl {
	chain pre { type filter hook prerouting priority 0; ct state invalid counter; }
}
EOF
ip netns exec $FW sysctl -q -w net.netfilter.nf_conntrack_log_invalid=255
sysctl -q -w net.netfilter.nf_log_all_netns=1
fmac=$(ip netns exec $FW cat /sys/class/net/$VF/address)
imac=$(ip netns exec $INJ cat /sys/class/net/$VI/address)
sleep 0.3
ip netns exec $INJ python3 "$(dirname "$0")/inject.py" $VI $fmac $imac
sleep 0.3
out=${1:-"$(dirname "$0")/../dmesg-$(uname -r | cut -d- -f1)-lab.txt"}
# the SCTP "do_basic_checks" message ends in a newline: keep it with its dump line
dmesg | awk -v dev="IN=$VF " '
	index($0, dev) && /^[ \t]/ && prev ~ /nf_ct_proto_132: do_basic/ { print prev; print; next }
	index($0, dev) { print }
	{ prev = $0 }' > "$out"
wc -l "$out"
