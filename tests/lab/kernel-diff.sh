#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kernel-diff.sh - differential test against the running kernel (TAP).
#
# 1. The lab itself: a crafted capture (perturb --make selftest) is replayed
#    twice; kernel.tsv must be identical and hold exactly the expected lines
#    (RST+SYN -> "invalid tcp flag combination", UDP bad checksum over IPv4
#    and IPv6 -> "bad checksum", a flow whose SYN had TTL 1 stays tracked),
#    with exact record indexes (a non-IP record is counted); a larger
#    perturbed capture is replayed twice and must give identical results;
#    with --timing original a short established timeout expires two
#    connections (their late FINs log "invalid new"), back to back not;
#    one flow per TCP state (perturb --make timeouts), probed 2.5 s later
#    under two complementary per-state timeout settings, expires differently.
#    Two replays must agree on lines and on INVALID verdicts (invalid.tsv).
# 2. The engine: every tests/lab/scenarios/*.pcap (with its NAME.sysctl
#    sidecar) and seeded perturbed variants of real and synthetic flows go
#    through the kernel (replay.sh) and through `$CTEXPLAIN --format json`,
#    as do the per-state timeout replays, fixed regression cases (perturb
#    --make regress) and perturbed flows under each knob the lab covers
#    (be_liberal, loose=0, checksum=0, ignore_invalid_rst, max_retrans);
#    ctlab-diff compares them.  One TAP line per capture, then
#      kernel-diff: compared N packets in M flows, D differences (kernel V)
#
# Environment: KERNEL_DIFF_SEED (default 1) picks other perturbations;
# KERNEL_DIFF_KEEP=DIR keeps all artifacts in DIR.  Skips (with a reason)
# only when not root or without ip netns / nft / /dev/kmsg.

set -u
export LC_ALL=C TZ=UTC

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${abs_top_builddir:-$(pwd)}
labdir=$srcdir/tests/lab
bindir=$builddir/tests/lab
ctexplain=${CTEXPLAIN:-$builddir/analyzer/ctexplain}
export CTLAB_REPLAY=$bindir/ctlab-replay
DIFF=$bindir/ctlab-diff
PERTURB=$bindir/perturb
SEED=${KERNEL_DIFF_SEED:-1}

. "$labdir/lab-lib.sh"

if ! lab_check; then
	echo "1..0 # SKIP $LAB_SKIP_REASON"
	exit 0
fi
for b in "$CTLAB_REPLAY" "$DIFF" "$PERTURB"; do
	if [ ! -x "$b" ]; then
		echo "1..0 # SKIP $b not built"
		exit 0
	fi
done

if [ -n "${KERNEL_DIFF_KEEP:-}" ]; then
	work=$KERNEL_DIFF_KEEP
	mkdir -p "$work" || exit 1
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/kernel-diff.XXXXXX") || exit 1
	trap 'rm -rf "$work"' EXIT
fi
trap 'exit 130' INT
trap 'exit 143' TERM

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
diag() { sed 's/^/# /'; }
perturb_failed=
perturb() {	# run perturb quietly; a failure is reported as a test failure
	if ! "$PERTURB" "$@" 2> "$work/perturb.err"; then
		perturb_failed="$perturb_failed
perturb $*: $(head -3 "$work/perturb.err")"
		return 1
	fi
}

replay() {	# replay [replay.sh options] IN OUT
	"$labdir/replay.sh" "$@" < /dev/null > "$work/replay.err" 2>&1
	local rc=$?
	[ $rc -eq 0 ] || diag < "$work/replay.err"
	return $rc
}

t_start=$(date +%s.%N)

# ---- 1. the lab itself -------------------------------------------------------
perturb --make selftest "$work/selftest.pcap"
if replay "$work/selftest.pcap" "$work/st1" && replay "$work/selftest.pcap" "$work/st2"; then
	ok "selftest: replayed twice"
else
	notok "selftest: replayed twice"
fi
if cmp -s "$work/st1/kernel.tsv" "$work/st2/kernel.tsv" && [ -s "$work/st1/kernel.tsv" ] &&
   cmp -s "$work/st1/invalid.tsv" "$work/st2/invalid.tsv"; then
	ok "selftest: kernel.tsv and invalid.tsv (verdicts) identical across runs"
else
	notok "selftest: kernel.tsv and invalid.tsv identical across runs"
	diff "$work/st1/kernel.tsv" "$work/st2/kernel.tsv" 2>&1 | diag
	diff "$work/st1/invalid.tsv" "$work/st2/invalid.tsv" 2>&1 | diag
fi
printf '4\t6\tinvalid tcp flag combination\n5\t17\tbad checksum\n8\t6\tSEQ is over upper bound\n9\t17\tbad checksum\n' \
	> "$work/st.expect"
sed 's/\(SEQ is over upper bound\) [0-9]* (over the window of the receiver)$/\1/' \
	"$work/st1/kernel.tsv" > "$work/st.got" 2>/dev/null
if cmp -s "$work/st.expect" "$work/st.got"; then
	ok "selftest: exact lines and record indexes (RST+SYN, UDP bad checksum v4/v6, TTL 1 flow tracked)"
else
	notok "selftest: exact lines and record indexes"
	diff "$work/st.expect" "$work/st.got" 2>&1 | diag
fi
if [ "$(tr '\n' ' ' < "$work/st1/invalid.tsv" 2>/dev/null)" = "4 5 8 9 " ]; then
	ok "selftest: invalid.tsv lists the INVALID packets 4 5 8 9"
else
	notok "selftest: invalid.tsv"
	cat "$work/st1/invalid.tsv" 2>&1 | diag
fi
klines=$(grep -c ' nf_ct_proto_' "$work/st1/kern.log" 2>/dev/null)
if [ "$klines" = 4 ] && grep -q '"records": 11' "$work/st1/meta.json" &&
   grep -q '"skipped": 1' "$work/st1/meta.json" &&
   ! grep -q ctlabm "$work/st1/kern.log"; then
	ok "selftest: kern.log has the 4 lines and no markers, meta.json counts 11 records (1 skipped)"
else
	notok "selftest: kern.log / meta.json"
	cat "$work/st1/kern.log" "$work/st1/meta.json" 2>&1 | diag
fi

# Determinism on a bigger capture with many lines.
perturb --make flows --seed "$SEED" --flows 60 "$work/base-synth-small.pcap"
perturb --seed "$SEED" --variants 8 "$work/base-synth-small.pcap" "$work/det.pcap"
if replay "$work/det.pcap" "$work/det1" && replay "$work/det.pcap" "$work/det2" &&
   cmp -s "$work/det1/kernel.tsv" "$work/det2/kernel.tsv" &&
   cmp -s "$work/det1/invalid.tsv" "$work/det2/invalid.tsv" &&
   [ "$(wc -l < "$work/det1/kernel.tsv")" -gt 100 ]; then
	ok "determinism: $(grep -o '"injected": [0-9]*' "$work/det1/meta.json" | grep -o '[0-9]*') packets, $(wc -l < "$work/det1/kernel.tsv") lines, $(wc -l < "$work/det1/invalid.tsv") INVALID verdicts, identical twice"
else
	notok "determinism: perturbed capture replayed twice"
	diff "$work/det1/kernel.tsv" "$work/det2/kernel.tsv" 2>&1 | head -20 | diag
	diff "$work/det1/invalid.tsv" "$work/det2/invalid.tsv" 2>&1 | head -20 | diag
fi

# Timing: with the original gaps conntrack entries expire (short timeout in
# the sidecar), back to back they do not.
perturb --make timeout "$work/timeout.pcap"
printf 'net.netfilter.nf_conntrack_tcp_timeout_established = 1\nnet.netfilter.nf_conntrack_tcp_loose = 0\n' \
	> "$work/timeout.sysctl"
printf '10\t6\tinvalid new\n11\t6\tinvalid new\n' > "$work/timeout.expect"
if replay --timing original --sysctl-file "$work/timeout.sysctl" "$work/timeout.pcap" "$work/to-orig" &&
   replay --sysctl-file "$work/timeout.sysctl" "$work/timeout.pcap" "$work/to-fast" &&
   cmp -s "$work/timeout.expect" "$work/to-orig/kernel.tsv" && [ ! -s "$work/to-fast/kernel.tsv" ]; then
	ok "timing: original gaps expire the entries (FIN -> invalid new at 10, 11), back to back they do not"
else
	notok "timing: original vs back to back"
	cat "$work/to-orig/kernel.tsv" "$work/to-fast/kernel.tsv" 2>&1 | diag
fi

# Per-state TCP timeouts: one flow per state, probed 2.5 s later, with
# original timing under two complementary timeout settings (perturb --make
# timeouts); the kernel must expire different entries under each.
perturb --make timeouts "$work/timeouts.pcap"
p=net.netfilter.nf_conntrack_tcp_timeout_
for x in A B; do
	if [ $x = A ]; then v="1 5 5 1 5 1 5 1 1 5"; else v="5 1 5 5 1 5 1 5 5 1"; fi
	set -- $v
	for st in syn_sent syn_recv established fin_wait close_wait last_ack time_wait close \
		  max_retrans unacknowledged; do
		printf '%s%s = %s\n' "$p" "$st" "$1"
		shift
	done > "$work/timeouts-$x.sysctl"
	replay --timing original --sysctl-file "$work/timeouts-$x.sysctl" "$work/timeouts.pcap" \
		"$work/to-$x"
done
na=$(grep -c 'invalid new' "$work/to-A/kernel.tsv" 2>/dev/null)
nb=$(grep -c 'invalid new' "$work/to-B/kernel.tsv" 2>/dev/null)
if [ "${na:-0}" -gt 0 ] && [ "${nb:-0}" -gt 0 ] &&
   ! cmp -s "$work/to-A/kernel.tsv" "$work/to-B/kernel.tsv"; then
	ok "per-state timeouts: $na / $nb probes find their entry expired under settings A / B"
else
	notok "per-state timeouts: expiry did not depend on the settings"
	cat "$work/to-A/kernel.tsv" "$work/to-B/kernel.tsv" 2>&1 | diag
fi

# ---- 2. the engine --------------------------------------------------------------
# A built ctexplain that cannot write a JSON report is a failure, not a skip:
# the engine comparison must not pass by not running.
engine_ok=
reason="$ctexplain not built"
if [ -x "$ctexplain" ]; then
	"$ctexplain" --format json "$work/st1/capture.pcap" > "$work/probe.json" 2> "$work/probe.err"
	rc=$?
	if { [ $rc -eq 0 ] || [ $rc -eq 3 ]; } && grep -q '"flagged_packets"' "$work/probe.json"; then
		engine_ok=1
		ok "ctexplain writes a JSON report"
	else
		notok "ctexplain writes a JSON report (exit status $rc)"
		head -5 "$work/probe.err" | diag
		reason="ctexplain failed"
	fi
fi

# Work list: TITLE<TAB>PCAP<TAB>SYSCTLFILE[<TAB>DIR already replayed]
: > "$work/list"
printf 'timeout, original timing\t%s\t%s\t%s\n' "$work/timeout.pcap" "$work/timeout.sysctl" \
	"$work/to-orig" >> "$work/list"
printf 'timeout, back to back\t%s\t%s\t%s\n' "$work/timeout.pcap" "$work/timeout.sysctl" \
	"$work/to-fast" >> "$work/list"
for x in A B; do
	[ -s "$work/to-$x/meta.json" ] &&
		printf 'per-state timeouts %s, original timing\t%s\t%s\t%s\n' "$x" \
			"$work/timeouts.pcap" "$work/timeouts-$x.sysctl" "$work/to-$x" >> "$work/list"
done
for p in "$labdir"/scenarios/*.pcap; do
	[ -e "$p" ] || continue
	name=$(basename "$p" .pcap)
	sc=
	[ -f "${p%.pcap}.sysctl" ] && sc=${p%.pcap}.sysctl
	printf 'scenario %s\t%s\t%s\n' "$name" "$p" "$sc" >> "$work/list"
done
# Fixed regression cases (perturb --make regress), with default knobs.
perturb --make regress "$work/regress.pcap" &&
	printf 'regressions (perturb --make regress)\t%s\t\n' "$work/regress.pcap" >> "$work/list"
# Perturbed variants of the recorded real flows (scenarios/real-*.pcap) ...
for p in "$labdir"/scenarios/real-*.pcap; do
	[ -e "$p" ] || continue
	name=$(basename "$p" .pcap)
	perturb --seed "$SEED" --variants 40 "$p" "$work/perturbed-$name.pcap" &&
		printf 'perturbed %s (seed %s, 40 variants)\t%s\t\n' "$name" "$SEED" \
			"$work/perturbed-$name.pcap" >> "$work/list"
done
# ... and of synthetic flows, with default and with changed knobs.
perturb --make flows --seed "$SEED" --flows 240 "$work/base-synth.pcap"
perturb --seed "$SEED" --variants 4 "$work/base-synth.pcap" "$work/perturbed-synth.pcap" &&
	printf 'perturbed synthetic flows (seed %s)\t%s\t\n' "$SEED" "$work/perturbed-synth.pcap" >> "$work/list"
s2=$((SEED + 1000))
perturb --seed "$s2" --variants 2 "$work/base-synth.pcap" "$work/perturbed-liberal.pcap" &&
	printf 'net.netfilter.nf_conntrack_tcp_be_liberal = 1\n' > "$work/perturbed-liberal.sysctl" &&
	printf 'perturbed synthetic flows, be_liberal=1 (seed %s)\t%s\t%s\n' "$s2" \
		"$work/perturbed-liberal.pcap" "$work/perturbed-liberal.sysctl" >> "$work/list"
s3=$((SEED + 2000))
perturb --seed "$s3" --variants 2 "$work/base-synth.pcap" "$work/perturbed-noloose.pcap" &&
	printf 'net.netfilter.nf_conntrack_tcp_loose = 0\n' > "$work/perturbed-noloose.sysctl" &&
	printf 'perturbed synthetic flows, tcp_loose=0 (seed %s)\t%s\t%s\n' "$s3" \
		"$work/perturbed-noloose.pcap" "$work/perturbed-noloose.sysctl" >> "$work/list"

# ... and with each other knob the lab covers (one seed each, 1 variant).
k=3000
for knob in nf_conntrack_checksum=0 nf_conntrack_tcp_ignore_invalid_rst=1 \
	    nf_conntrack_tcp_max_retrans=0; do
	k=$((k + 1000))
	name=${knob%%=*}
	perturb --seed "$((SEED + k))" --variants 2 "$work/base-synth.pcap" "$work/perturbed-$name.pcap" &&
		printf 'net.netfilter.%s = %s\n' "$name" "${knob#*=}" > "$work/perturbed-$name.sysctl" &&
		printf 'perturbed synthetic flows, %s (seed %s)\t%s\t%s\n' "${knob#nf_conntrack_}" \
			"$((SEED + k))" "$work/perturbed-$name.pcap" "$work/perturbed-$name.sysctl" \
			>> "$work/list"
done

replayed=0
tot_pk=0
tot_fl=0
tot_d=0
kver=$(uname -r)
i=0
while IFS=$'\t' read -r title pcap sc done_dir; do
	i=$((i + 1))
	out=$work/run$i
	scargs=()
	[ -n "$sc" ] && scargs=(--sysctl-file "$sc")
	if [ -n "${done_dir:-}" ] && [ -s "$done_dir/meta.json" ]; then
		out=$done_dir
	elif ! replay ${scargs[@]+"${scargs[@]}"} "$pcap" "$out"; then
		notok "$title: kernel replay failed"
		continue
	fi
	inj=$(sed -n 's/^ *"injected": \([0-9]*\),*$/\1/p' "$out/meta.json")
	replayed=$((replayed + ${inj:-0}))
	if [ -z "$engine_ok" ]; then
		skip "$title: $(wc -l < "$out/kernel.tsv") kernel lines" "$reason"
		continue
	fi
	"$ctexplain" --format json "$out/capture.pcap" ${sc:+"$sc"} < /dev/null \
		> "$out/report.json" 2> "$out/ctexplain.err"
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then
		notok "$title: ctexplain exit status $rc"
		head -20 "$out/ctexplain.err" | diag
		continue
	fi
	"$DIFF" --kernel-version "$kver" --max-shown 10 "$out/kernel.tsv" "$out/capture.pcap" \
		"$out/report.json" > "$out/diff.txt" 2> "$out/diff.err"
	rc=$?
	last=$(tail -n 1 "$out/diff.txt")
	read -r pk fl d <<EOF
$(printf '%s\n' "$last" | sed -n 's/^kernel-diff: compared \([0-9]*\) packets in \([0-9]*\) flows, \([0-9]*\) differences.*/\1 \2 \3/p')
EOF
	if [ -z "${pk:-}" ]; then
		notok "$title: ctlab-diff failed (status $rc)"
		cat "$out/diff.err" "$out/diff.txt" | head -20 | diag
		continue
	fi
	tot_pk=$((tot_pk + pk))
	tot_fl=$((tot_fl + fl))
	tot_d=$((tot_d + d))
	if [ "$rc" -eq 0 ] && [ "$d" -eq 0 ]; then
		ok "$title: $pk packets, $fl flows, $(wc -l < "$out/kernel.tsv") kernel lines, 0 differences"
	else
		notok "$title: $d differences in $pk packets"
		head -n 60 "$out/diff.txt" | diag
	fi
done < "$work/list"

if [ -z "$perturb_failed" ]; then
	ok "perturb generated every capture"
else
	notok "perturb failed"
	printf '%s\n' "$perturb_failed" | diag
fi
if [ "$replayed" -ge 20000 ]; then
	ok "$replayed packets replayed through the kernel (>= 20000)"
else
	notok "only $replayed packets replayed through the kernel (want >= 20000)"
fi

t_end=$(date +%s.%N)
awk -v a="$t_start" -v b="$t_end" 'BEGIN { printf "# kernel-diff.sh took %.1f s\n", b - a }'
[ -n "${KERNEL_DIFF_KEEP:-}" ] && echo "# artifacts kept in $work"
echo "1..$n"
# the log ends with the summary line (issue 3)
if [ -n "$engine_ok" ]; then
	echo "kernel-diff: compared $tot_pk packets in $tot_fl flows, $tot_d differences (kernel $kver)"
fi
exit 0
