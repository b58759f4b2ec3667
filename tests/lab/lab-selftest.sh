#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# lab-selftest.sh (TAP) - the kernel lab's promises about the machine it
# runs on (tests/lab/README.md):
#  1. sysctls given to lab_setup are applied inside the firewall namespace,
#     and the root namespace keeps its own values of them and of everything
#     the lab sets in its namespaces (forwarding, rp_filter, DAD, logging);
#  2. a replay leaves the root namespace's interfaces, addresses and routes
#     alone: nothing changes and `ip monitor` in the root namespace sees no
#     link, address or route event while it runs;
#  3. a replay interrupted by SIGINT (to its process group, as ^C does, or
#     to the script), SIGTERM or SIGHUP mid-run exits 130/143, and leaves no
#     namespace, no registration, no nf_log_all_netns user behind; the
#     global nf_log_all_netns is back to its old value when no other lab is
#     running;
#  4. after SIGKILL (no trap can run) the next lab removes the dead lab's
#     namespaces and its nf_log_all_netns registration, and restores
#     nf_log_all_netns to its value from before the dead lab.
# Skips, saying why, only without root / ip netns / nft / /dev/kmsg.
set -u
export LC_ALL=C TZ=UTC

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${abs_top_builddir:-$(pwd)}
labdir=$srcdir/tests/lab
export CTLAB_REPLAY=$builddir/tests/lab/ctlab-replay
PERTURB=$builddir/tests/lab/perturb

. "$labdir/lab-lib.sh"

if ! lab_check; then
	echo "1..0 # SKIP $LAB_SKIP_REASON"
	exit 0
fi
for b in "$CTLAB_REPLAY" "$PERTURB"; do
	if [ ! -x "$b" ]; then
		echo "1..0 # SKIP $b not built"
		exit 0
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/lab-selftest.XXXXXX") || exit 1
mon=
cleanup() {
	[ -n "$mon" ] && kill "$mon" 2>/dev/null
	lab_teardown
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; }
diag() { sed 's/^/# /'; }
check() {	# check STATUS DESCRIPTION
	if [ "$1" -eq 0 ]; then ok "$2"; else notok "$2"; fi
}

echo "1..9"

# --- 1: sysctls inside the firewall namespace only
knobs="net.netfilter.nf_conntrack_tcp_be_liberal=1 net.netfilter.nf_conntrack_tcp_loose=0
net.netfilter.nf_conntrack_checksum=0 net.netfilter.nf_conntrack_tcp_ignore_invalid_rst=1
net.netfilter.nf_conntrack_tcp_max_retrans=1 net.netfilter.nf_conntrack_tcp_timeout_established=77
net.netfilter.nf_conntrack_tcp_timeout_syn_sent=7 net.netfilter.nf_conntrack_udp_timeout=11
net.netfilter.nf_conntrack_udp_timeout_stream=33 net.netfilter.nf_conntrack_icmp_timeout=9
net.netfilter.nf_conntrack_icmpv6_timeout=8"
# the lab's own settings of its namespaces
own="net.ipv4.ip_forward net.ipv4.conf.all.rp_filter net.ipv4.conf.default.rp_filter
net.ipv6.conf.all.forwarding net.ipv6.conf.default.forwarding net.ipv6.conf.all.accept_dad
net.netfilter.nf_conntrack_log_invalid"
names="$own"
for kv in $knobs; do names="$names ${kv%%=*}"; done
rootvals() {
	local k
	for k in $names; do printf '%s=%s\n' "$k" "$(sysctl -n "$k")"; done
	printf 'nf_log.5=%s\n' "$(cat /proc/sys/net/netfilter/nf_log/5)"
}
rootvals > "$work/root.before"
# shellcheck disable=SC2086
if lab_setup $knobs; then
	bad=
	for kv in $knobs; do
		got=$(ip netns exec "$LAB_FW" sysctl -n "${kv%%=*}")
		[ "$got" = "${kv#*=}" ] || bad="$bad ${kv%%=*}=$got (want ${kv#*=})"
	done
	[ -z "$bad" ] || echo "firewall namespace:$bad" | diag
	[ -z "$bad" ]
	check $? "lab_setup applies the given sysctls inside the firewall namespace"
	rootvals > "$work/root.during"
	cmp -s "$work/root.before" "$work/root.during" ||
		diff "$work/root.before" "$work/root.during" | diag
	check $? "root namespace keeps its values meanwhile ($(echo $names | wc -w) sysctls + nf_log/5)"
else
	notok "lab_setup failed"
	notok "root namespace values (no lab)"
fi
lab_teardown

# --- 2: the root namespace's interfaces, addresses, routes
rootnet() {
	ip -o link show | sed 's/^[0-9]*: //; s/ link\/.*//'
	ip -o addr show | sed 's/valid_lft.*//'
	ip route show table all
	ip -6 route show table all
}
"$PERTURB" --make selftest "$work/selftest.pcap" 2>/dev/null ||
	echo "perturb --make selftest failed" | diag
rootnet > "$work/net.before"
ip -o monitor link address route > "$work/monitor" 2>&1 &
mon=$!
sleep 0.3
"$labdir/replay.sh" --sysctl nf_conntrack_tcp_loose=0 "$work/selftest.pcap" "$work/r1" \
	< /dev/null > "$work/r1.log" 2>&1
rc=$?
sleep 0.3
kill "$mon" 2>/dev/null
wait "$mon" 2>/dev/null
mon=
rootnet > "$work/net.after"
[ $rc -eq 0 ] || diag < "$work/r1.log"
[ $rc -eq 0 ] && cmp -s "$work/net.before" "$work/net.after" && [ ! -s "$work/monitor" ]
r=$?
[ $r -eq 0 ] || { diff "$work/net.before" "$work/net.after"; head -20 "$work/monitor"; } | diag
check $r "a replay leaves the root namespace's links, addresses and routes alone (no ip monitor event)"

# --- 3: signals mid-run
"$PERTURB" --make timeout "$work/slow.pcap" 2>/dev/null ||
	echo "perturb --make timeout failed" | diag
other_users() {	# registrations of other labs (not ID $1)
	local f c=0
	for f in "$LAB_REFDIR"/user.*; do
		[ -e "$f" ] || continue
		case $f in */user."$1".*) continue ;; esac
		kill -0 "${f##*.}" 2>/dev/null && c=$((c + 1))
	done
	echo $c
}
# lab_id_of PID: the lab id of the replay started as PID, once its firewall
# namespace exists (replays run one at a time: waits up to 300 s); empty if
# it never appears.
lab_id_of() {
	local i id=
	for i in $(seq 1 3000); do
		id=$(grep -lx "$1" "$LAB_NSDIR"/* 2>/dev/null | head -n 1)
		id=${id##*/}
		[ -n "$id" ] && ip netns list | grep -q "ctlab-fw-$id" && break
		sleep 0.1
	done
	echo "$id"
}
# interrupt SIGNAL group|script WANT_STATUS: replay the slow capture (2.5 s
# pause in the middle, original timing), signal it once its namespaces
# exist (replays run one at a time: it may first wait up to minutes for
# another lab's), then look for leftovers.
interrupt() {
	local sig=$1 to=$2 want=$3 pid id rc before left
	before=$(cat "$LAB_ALLNETNS")
	set -m	# own process group; SIGINT not ignored as in plain & jobs
	"$labdir/replay.sh" --timing original --sysctl nf_conntrack_tcp_timeout_established=1 \
		"$work/slow.pcap" "$work/sig" < /dev/null > "$work/sig.log" 2>&1 &
	pid=$!
	set +m
	id=$(lab_id_of "$pid")
	sleep 0.5
	if [ "$to" = group ]; then kill -s "$sig" -- "-$pid"; else kill -s "$sig" "$pid"; fi
	wait "$pid"
	rc=$?
	left=$(ip netns list | grep -c -- "-$id\\b")
	r=0
	[ -n "$id" ] || { echo "no namespace appeared" | diag; r=1; }
	[ "$rc" -eq "$want" ] || { echo "exit status $rc, want $want" | diag; r=1; }
	[ "$left" -eq 0 ] || { echo "$left namespaces left" | diag; r=1; }
	[ ! -e "$LAB_NSDIR/$id" ] || { echo "registration $LAB_NSDIR/$id left" | diag; r=1; }
	ls "$LAB_REFDIR" 2>/dev/null | grep -q "^user\\.$id\\." &&
		{ echo "nf_log_all_netns user $id left" | diag; r=1; }
	if [ "$(other_users "$id")" -eq 0 ] && [ "$before" = 0 ]; then
		[ "$(cat "$LAB_ALLNETNS")" = 0 ] ||
			{ echo "nf_log_all_netns $(cat "$LAB_ALLNETNS"), was 0" | diag; r=1; }
	fi
	check $r "SIG$sig to the $to mid-replay: exit $want, namespaces, registrations removed, nf_log_all_netns restored"
}
interrupt INT group 130
interrupt INT script 130
interrupt TERM group 143
interrupt TERM script 143
interrupt HUP script 143

# --- 4: SIGKILL: the next lab cleans up
before=$(cat "$LAB_ALLNETNS")
set -m
"$labdir/replay.sh" --timing original "$work/slow.pcap" "$work/kill" < /dev/null > /dev/null 2>&1 &
pid=$!
set +m
id=$(lab_id_of "$pid")
sleep 0.3
kill -KILL -- "-$pid"
wait "$pid" 2>/dev/null
stale=$(ip netns list | grep -c -- "-$id\\b")
lab_setup && lab_teardown
left=$(ip netns list | grep -c -- "-$id\\b")
r=0
[ -n "$id" ] && [ "$stale" -eq 3 ] && [ "$left" -eq 0 ] && [ ! -e "$LAB_NSDIR/$id" ] &&
	! ls "$LAB_REFDIR" 2>/dev/null | grep -q "^user\\.$id\\." || r=1
[ $r -eq 0 ] || echo "id '$id': $stale namespaces after SIGKILL, $left after the next lab" | diag
# The dead lab left nf_log_all_netns at 1: the next lab restores the value
# from before the dead one, not the 1 it found.
if [ "$(other_users "$id")" -eq 0 ] && [ "$before" = 0 ] && [ "$(cat "$LAB_ALLNETNS")" != 0 ]; then
	echo "nf_log_all_netns $(cat "$LAB_ALLNETNS") after the next lab, was 0" | diag
	r=1
fi
check $r "after SIGKILL the next lab removes the dead lab's namespaces and registrations and restores nf_log_all_netns"
exit 0
