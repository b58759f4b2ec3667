#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kernel-diff-udp.sh - differential test of the UDP/UDP-Lite/ICMP/ICMPv6
# trackers and the defragmenter against the running kernel (TAP).
#
# Replays captures through the kernel lab with a firewall that also logs
# every packet's `ct state` (nft log prefix "nf_ct_state: "), so silent
# INVALIDs, RELATED, UNTRACKED, NEW and ESTABLISHED are compared per packet,
# not only the logged reasons.  The engine side is tests/tools/ct-state.
# Captures: the UDP/ICMP/fragment scenarios of tests/lab/scenarios, the
# ones in this directory (made by gen-udp-adv.py), and three seeded random
# captures of 4000 packets made by gen-udp-random.py at run time; timeouts.pcap and
# frag-timeouts.pcap are replayed with their original timing and the short
# timeouts of their .sysctl files.  UDP_DIFF_SEEDS (default "1 2 3") picks
# other random captures.
#
# Skips (exit 77 style "1..0 # SKIP") when the lab cannot run here.

set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../../.." && pwd)}"
: "${abs_top_builddir:=$PWD}"
here=$top_srcdir/tests/lab/udp
lab=$top_srcdir/tests/lab
state=$abs_top_builddir/tests/tools/ct-state
replay_bin=${CTLAB_REPLAY:-$abs_top_builddir/tests/lab/ctlab-replay}

skip()
{
	echo "1..0 # SKIP $*"
	exit 0
}

[ "$(id -u)" = 0 ] || skip "not root"
command -v ip >/dev/null 2>&1 || skip "no ip(8)"
command -v nft >/dev/null 2>&1 || skip "no nft(8)"
[ -r /dev/kmsg ] || skip "no /dev/kmsg"
[ -x "$state" ] || skip "ct-state not built"
[ -x "$replay_bin" ] || skip "ctlab-replay not built"
grep -q '^[[:space:]]*ct state invalid counter' "$lab/lab-lib.sh" ||
	skip "lab-lib.sh changed: no nft hook to extend"

tmp=$(mktemp -d /tmp/kdiff-udp.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM HUP

# A private copy of the lab scripts whose firewall chain logs ct states.
cp "$lab/lab-lib.sh" "$lab/replay.sh" "$tmp/" || exit 1
sed -i 's/^\(\t*\)ct state invalid counter.*$/&\
\1ct state invalid log prefix "nf_ct_state: invalid "\
\1ct state new log prefix "nf_ct_state: new "\
\1ct state established log prefix "nf_ct_state: established "\
\1ct state related log prefix "nf_ct_state: related "\
\1ct state untracked log prefix "nf_ct_state: untracked "/' "$tmp/lab-lib.sh"
grep -q 'nf_ct_state: untracked' "$tmp/lab-lib.sh" || skip "could not extend the lab's nft rules"

cases=()
for s in udp udplite icmp icmpv6 frag4 frag6 nochecksum; do
	[ -r "$lab/scenarios/$s.pcap" ] && cases+=("$lab/scenarios/$s.pcap")
done
for s in frag-adv4 frag-adv6 l4-adv timeouts frag-timeouts; do
	cases+=("$here/$s.pcap")
done
# seeded random captures (made here: too big to keep in the tree)
if command -v python3 >/dev/null 2>&1; then
	for seed in ${UDP_DIFF_SEEDS:-1 2 3}; do
		python3 "$here/gen-udp-random.py" "$tmp/random-$seed.pcap" "$seed" 4000 &&
			cases+=("$tmp/random-$seed.pcap")
	done
fi

echo "1..${#cases[@]}"
n=0
fail=0
total=0
for pcap in "${cases[@]}"; do
	n=$((n + 1))
	name=$(basename "$pcap" .pcap)
	out=$tmp/$name
	sysctl=${pcap%.pcap}.sysctl
	args=()
	eargs=()
	if [ -r "$sysctl" ]; then
		args+=(--sysctl-file "$sysctl")
		eargs+=(--sysctl "$sysctl")
	fi
	case $name in
	timeouts|frag-timeouts) args+=(--timing original) ;;
	esac
	for try in 1 2; do
		rm -rf "$out"
		CTLAB_REPLAY=$replay_bin "$tmp/replay.sh" "${args[@]}" "$pcap" "$out" \
			>"$tmp/$name.replay.log" 2>&1
		rc=$?
		# 3: the shared kernel log ring overflowed (other labs logging
		# at the same time): an environment problem, try again once
		[ $rc = 3 ] || break
	done
	if [ $rc = 77 ]; then
		echo "ok $n - $name # SKIP lab unavailable"
		continue
	fi
	if [ $rc = 3 ]; then
		echo "ok $n - $name # SKIP kernel log ring overflowed (busy machine)"
		continue
	fi
	if [ $rc != 0 ]; then
		echo "not ok $n - $name: replay failed ($rc)"
		sed 's/^/# /' "$tmp/$name.replay.log" | tail -5
		fail=$((fail + 1))
		continue
	fi
	"$state" --rules "$top_srcdir/rules" "${eargs[@]}" "$out/capture.pcap" \
		>"$out/engine.tsv" 2>"$out/engine.err"
	pk=$(grep -c '	-1	' "$out/kernel.tsv")
	total=$((total + pk))
	if diff "$out/kernel.tsv" "$out/engine.tsv" >"$out/diff"; then
		echo "ok $n - $name: $pk packets, log lines and ct states equal"
	else
		echo "not ok $n - $name: kernel (<) and engine (>) differ"
		sed 's/^/# /' "$out/diff" | head -20
		fail=$((fail + 1))
	fi
done
echo "# kernel-diff-udp: compared $total packets reaching conntrack, $fail case(s) differ (kernel $(uname -r))"
exit 0
