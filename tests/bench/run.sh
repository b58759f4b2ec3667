#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark (a script, not a timed test).  Usage:
#   tests/bench/run.sh [BUILD_DIR] [WORK_DIR]
# Generates its inputs in WORK_DIR (default: a new directory under
# ${TMPDIR:-/tmp}, removed at the end; about 2.6 GB are needed at once):
#  - a ~600 MB capture of 10 000 TCP flows (60 000 bytes each, 200 live at once),
#  - 2 000 000-line syslog files: a realistic mix (1 line in 100 a conntrack
#    INVALID line, the rest daemon chatter, kernel messages and LOG lines of
#    other rules) and the worst case (every line a conntrack line),
#  - a capture of 3 000 000 one-packet flows (a TCP SYN each, none answered),
#    and the same with every TCP checksum wrong (3 000 000 packets the kernel
#    would log: the flagged-packet list stops at its cap of 1 000 000),
# and prints a table: wall time (best of RUNS, default 3), ratio to the
# baseline, peak RSS (max of the runs), bytes per live flow, packets/s.
#  - capture: ctexplain's full analysis (decode, every flow through the engine,
#    correlation, JSON report) vs tests/bench/pcap-loop, a bare libpcap read
#    loop touching every cache line of every packet;
#  - logs: ctexplain's log-only analysis (JSON report) vs `grep -c nf_ct_ FILE`;
#  - one-packet flows: with the default nf_conntrack_max (262144) and with
#    -s nf_conntrack_max=16384; bytes per live flow is the RSS above the same
#    run with -s nf_conntrack_max=1024, divided by the difference in live
#    flows (the table holds nf_conntrack_max entries once full).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
build=$(cd "$build" && pwd)
runs=${RUNS:-3}
if [ $# -ge 2 ]; then
	work=$2
	mkdir -p "$work"
	keep=1
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/ctexplain-bench.XXXXXX")
	keep=0
fi
cleanup() { [ "$keep" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT
avail=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
if [ "$avail" -lt 2800000 ]; then
	echo "run.sh: $work: less than 2.8 GB free" >&2
	exit 1
fi

ct=$build/analyzer/ctexplain
make -s -C "$build" tests/bench/gen-capture tests/bench/gen-syslog tests/bench/pcap-loop \
	analyzer/ctexplain
gen_cap=$build/tests/bench/gen-capture
gen_log=$build/tests/bench/gen-syslog

cap=$work/bench-10k.pcap
logr=$work/bench-2m-mix.log
logw=$work/bench-2m-ct.log
single=$work/bench-3m-single.pcap
badcsum=$work/bench-3m-badcsum.pcap
[ -s "$cap" ] || "$gen_cap" "$cap" 10000 60000 200
[ -s "$logr" ] || "$gen_log" "$logr" 2000000 100
[ -s "$logw" ] || "$gen_log" "$logw" 2000000 1
[ -s "$single" ] || "$gen_cap" --single "$single" 3000000
[ -s "$badcsum" ] || "$gen_cap" --bad-csum "$badcsum" 3000000

# best-of-$runs wall seconds and max RSS (KiB) of a command
measure() {
	local best= rss=0 t r
	for _ in $(seq "$runs"); do
		# not >/dev/null: grep stops at the first match when it sees /dev/null
		/usr/bin/time -f '%e %M' -o "$work/time.out" "$@" >"$work/out.txt" 2>"$work/err.out" || true
		read -r t r < <(tail -n 1 "$work/time.out")	# after any "Command exited ..."
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
		[ "$r" -gt "$rss" ] && rss=$r
	done
	echo "$best $rss"
}
ratio() { awk "BEGIN{ if ($2 > 0) printf \"%.2f\", $1 / $2; else print \"inf\" }"; }
mb() { awk "BEGIN{ printf \"%.1f\", $1 / 1024 }"; }
rate() { awk "BEGIN{ if ($2 > 0) printf \"%.2f M\", $1 / $2 / 1e6; else print \"-\" }"; }
json=("$ct" --format json --output /dev/null)

cat "$cap" "$logr" "$logw" "$single" "$badcsum" >/dev/null	# warm the page cache
cap_mb=$(du -m "$cap" | cut -f1)
cap_pkts=$("$build/tests/bench/pcap-loop" "$cap" | cut -d' ' -f1)
single_mb=$(du -m "$single" | cut -f1)

read -r t_base rss_base < <(measure "$build/tests/bench/pcap-loop" "$cap")
read -r t_cap rss_cap < <(measure "${json[@]}" "$cap")
read -r t_grep_r _ < <(measure grep -c nf_ct_ "$logr")
read -r t_log_r rss_log_r < <(measure "${json[@]}" "$logr")
read -r t_grep_w _ < <(measure grep -c nf_ct_ "$logw")
read -r t_log_w rss_log_w < <(measure "${json[@]}" "$logw")
read -r t_s rss_s < <(measure "${json[@]}" "$single")
read -r t_s16 rss_s16 < <(measure "${json[@]}" -s nf_conntrack_max=16384 "$single")
read -r t_s1 rss_s1 < <(measure "${json[@]}" -s nf_conntrack_max=1024 "$single")
read -r t_bad rss_bad < <(measure "${json[@]}" "$badcsum")

per_flow=$(awk "BEGIN{ printf \"%.0f\", ($rss_s - $rss_s1) * 1024 / (262144 - 1024) }")
per_flow16=$(awk "BEGIN{ printf \"%.0f\", ($rss_s16 - $rss_s1) * 1024 / (16384 - 1024) }")

printf '%-58s %8s %7s %9s %12s\n' "input / command" "time s" "ratio" "peak MB" "packets/s"
printf '%-58s %8s %7s %9s %12s\n' "capture $cap_mb MB, $cap_pkts packets, 10000 TCP flows:" "" "" "" ""
printf '%-58s %8s %7s %9s %12s\n' "  tests/bench/pcap-loop (bare libpcap loop)" "$t_base" "1.00" \
	"$(mb "$rss_base")" "$(rate "$cap_pkts" "$t_base")"
printf '%-58s %8s %7s %9s %12s\n' "  ctexplain --format json (full analysis)" "$t_cap" \
	"$(ratio "$t_cap" "$t_base")" "$(mb "$rss_cap")" "$(rate "$cap_pkts" "$t_cap")"
printf '%-58s\n' "syslog, 2 000 000 lines, realistic mix (1% conntrack):"
printf '%-58s %8s %7s\n' "  grep -c nf_ct_ FILE" "$t_grep_r" "1.00"
printf '%-58s %8s %7s %9s\n' "  ctexplain --format json (log only)" "$t_log_r" \
	"$(ratio "$t_log_r" "$t_grep_r")" "$(mb "$rss_log_r")"
printf '%-58s\n' "syslog, 2 000 000 lines, all conntrack (100 000 analysed, rest counted):"
printf '%-58s %8s %7s\n' "  grep -c nf_ct_ FILE" "$t_grep_w" "1.00"
printf '%-58s %8s %7s %9s\n' "  ctexplain --format json (log only)" "$t_log_w" \
	"$(ratio "$t_log_w" "$t_grep_w")" "$(mb "$rss_log_w")"
printf '%-58s\n' "capture $single_mb MB, 3 000 000 one-packet flows (TCP SYN):"
printf '%-58s %8s %7s %9s %12s\n' "  ctexplain (nf_conntrack_max 262144, the default)" "$t_s" "" \
	"$(mb "$rss_s")" "$(rate 3000000 "$t_s")"
printf '%-58s %8s %7s %9s %12s\n' "  ctexplain -s nf_conntrack_max=16384" "$t_s16" "" \
	"$(mb "$rss_s16")" "$(rate 3000000 "$t_s16")"
printf '%-58s %8s %7s %9s %12s\n' "  ctexplain -s nf_conntrack_max=1024" "$t_s1" "" \
	"$(mb "$rss_s1")" "$(rate 3000000 "$t_s1")"
printf '%-58s %8s %7s %9s %12s\n' "  the same, every checksum wrong (1 000 000 flagged kept)" "$t_bad" \
	"" "$(mb "$rss_bad")" "$(rate 3000000 "$t_bad")"
echo "bytes per live flow (peak RSS difference / live entries): $per_flow" \
	"(262144 vs 1024 entries), $per_flow16 (16384 vs 1024)"
