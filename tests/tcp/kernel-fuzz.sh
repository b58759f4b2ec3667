#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kernel-fuzz.sh - differential test of the TCP tracker against the running
# kernel (TAP).  Seeded random TCP conversations (tcp-fuzz.py: window bounds,
# RST variants, resync/reopen SYNs, SACK, wscale, keep-alives, bad flags and
# checksums, IPv4 and IPv6) are replayed through the kernel lab (replay.sh)
# and through the engine (ct-trace --tsv, same sysctls); for every record the
# multiset of conntrack messages must be equal, and the packets marked
# INVALID (logged or silent: the lab's invalid.tsv, ct-trace --invalid) too.
#
# Environment: TCP_FUZZ_SEED (default 40) shifts the seeds; TCP_FUZZ_KEEP=DIR
# keeps the artifacts.  Skips when the lab cannot run (not root, no netns /
# nft / kmsg) or without python3.

set -u
export LC_ALL=C TZ=UTC

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${abs_top_builddir:-$(pwd)}
labdir=$srcdir/tests/lab
export CTLAB_REPLAY=$builddir/tests/lab/ctlab-replay
TRACE=$builddir/tests/tools/ct-trace
GEN=$srcdir/tests/tcp/tcp-fuzz.py
SEED=${TCP_FUZZ_SEED:-40}

. "$labdir/lab-lib.sh"

if ! lab_check; then
	echo "1..0 # SKIP $LAB_SKIP_REASON"
	exit 0
fi
if ! command -v python3 > /dev/null 2>&1; then
	echo "1..0 # SKIP python3 not found"
	exit 0
fi
for b in "$CTLAB_REPLAY" "$TRACE"; do
	if [ ! -x "$b" ]; then
		echo "1..0 # SKIP $b not built"
		exit 0
	fi
done

if [ -n "${TCP_FUZZ_KEEP:-}" ]; then
	work=$TCP_FUZZ_KEEP
	mkdir -p "$work" || exit 1
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/tcp-fuzz.XXXXXX") || exit 1
	trap 'rm -rf "$work"' EXIT
fi
trap 'exit 130' INT
trap 'exit 143' TERM

n=0
failed=0
packets=0
lines=0
diffs=0
vdiffs=0

# case NAME SEED FLOWS STEPS [--v6] [SYSCTL-LINE]...
run_case() {
	local name=$1 seed=$2 flows=$3 steps=$4 v6=$5
	shift 5
	local dir=$work/$name sc=() tr=() rc d k e

	mkdir -p "$dir"
	python3 "$GEN" "$seed" "$dir/in.pcap" "$flows" "$steps" $v6 > /dev/null || return 1
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" > "$dir/sysctl"
		sc=(--sysctl-file "$dir/sysctl")
		tr=(--sysctl "$dir/sysctl")
	fi
	"$labdir/replay.sh" "${sc[@]}" "$dir/in.pcap" "$dir/out" < /dev/null \
		> "$dir/replay.err" 2>&1
	rc=$?
	n=$((n + 1))
	if [ $rc -eq 77 ]; then
		echo "ok $n - $name # SKIP lab not available"
		return 0
	fi
	if [ $rc -ne 0 ]; then
		failed=$((failed + 1))
		echo "not ok $n - $name: replay failed (rc $rc)"
		sed 's/^/# /' "$dir/replay.err"
		return 0
	fi
	"$TRACE" --tsv --rules "$srcdir/rules" "${tr[@]}" "$dir/out/capture.pcap" \
		> "$dir/engine.tsv" 2> "$dir/engine.err" || {
		failed=$((failed + 1))
		echo "not ok $n - $name: ct-trace failed"
		sed 's/^/# /' "$dir/engine.err"
		return 0
	}
	sort "$dir/out/kernel.tsv" > "$dir/k.sorted"
	sort "$dir/engine.tsv" > "$dir/e.sorted"
	d=$(diff "$dir/k.sorted" "$dir/e.sorted" | grep -c '^[<>]')
	if [ -f "$dir/out/invalid.tsv" ]; then
		"$TRACE" --invalid "${tr[@]}" "$dir/out/capture.pcap" > "$dir/engine.inv"
		v=$(diff "$dir/out/invalid.tsv" "$dir/engine.inv" | grep -c '^[<>]')
		verdicts="$(wc -l < "$dir/out/invalid.tsv") INVALID"
	else
		v=0
		verdicts="no invalid.tsv"
	fi
	vdiffs=$((vdiffs + v))
	k=$(wc -l < "$dir/out/kernel.tsv")
	e=$(python3 -c "import sys,struct
f=open(sys.argv[1],'rb').read();o=24;c=0
while o+16<=len(f):
    c+=1;o+=16+struct.unpack('<I',f[o+8:o+12])[0]
print(c)" "$dir/in.pcap")
	packets=$((packets + e))
	lines=$((lines + k))
	diffs=$((diffs + d))
	if [ "$d" -eq 0 ] && [ "$v" -eq 0 ] && [ "$k" -gt 0 ]; then
		echo "ok $n - $name: $e packets, $k kernel lines, $verdicts, engine equal"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name: $e packets, $k kernel lines ($d differ), $verdicts ($v differ)"
		diff "$dir/k.sorted" "$dir/e.sorted" | head -20 | sed 's/^/# /'
		[ -f "$dir/engine.inv" ] &&
			diff "$dir/out/invalid.tsv" "$dir/engine.inv" | head -10 | sed 's/^/# invalid /'
	fi
}

echo "1..4"
run_case ipv4 "$SEED" 50 120 ""
run_case ipv6 $((SEED + 1)) 50 120 --v6
run_case loose0-rst $((SEED + 2)) 40 100 "" \
	"net.netfilter.nf_conntrack_tcp_loose = 0" \
	"net.netfilter.nf_conntrack_tcp_ignore_invalid_rst = 1"
run_case liberal-retrans $((SEED + 3)) 40 100 --v6 \
	"net.netfilter.nf_conntrack_tcp_be_liberal = 1" \
	"net.netfilter.nf_conntrack_tcp_max_retrans = 1"
echo "# kernel-fuzz: $packets packets, $lines kernel lines, $diffs message differences, $vdiffs verdict differences"
[ $failed -eq 0 ]
