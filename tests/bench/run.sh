#!/usr/bin/env bash
# Benchmark (a script, not a timed test).  Usage:
#   tests/bench/run.sh [BUILD_DIR] [WORK_DIR]
# Generates (once) a ~600 MB, 10 000-flow capture, a 2-million-line syslog
# file and a capture of 2 million one-packet flows in WORK_DIR, then reports:
#  - ctexplain's full analysis of the capture vs a bare libpcap read loop,
#  - ctexplain's log parsing vs `grep -c`,
#  - peak memory (max RSS) and bytes per live flow.
# Each timing is the best of 3 runs.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
work=${2:-/tmp/ctexplain-bench}
build=$(cd "$build" && pwd)
mkdir -p "$work"
ct=$build/analyzer/ctexplain
make -s -C "$build" tests/bench/gen-capture tests/bench/gen-syslog tests/bench/pcap-loop analyzer/ctexplain

cap=$work/bench-10k.pcap
logf=$work/bench-2m.log
single=$work/bench-single.pcap
[ -s "$cap" ] || "$build/tests/bench/gen-capture" "$cap" 10000 60000 200
[ -s "$logf" ] || "$build/tests/bench/gen-syslog" "$logf" 2000000 20
[ -s "$single" ] || "$build/tests/bench/gen-capture" --single "$single" 2000000

# best-of-3 wall seconds and max RSS (KiB) of a command
measure() {
	local best= rss=0 t r
	for _ in 1 2 3; do
		/usr/bin/time -f '%e %M' -o "$work/time.out" "$@" >/dev/null 2>"$work/err.out" || true
		read -r t r <"$work/time.out"
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
		[ "$r" -gt "$rss" ] && rss=$r
	done
	echo "$best $rss"
}
ratio() { awk "BEGIN{ if ($2 > 0) printf \"%.2f\", $1 / $2; else print \"inf\" }"; }

cat "$cap" "$logf" "$single" >/dev/null	# warm the page cache
size=$(du -m "$cap" | cut -f1)
read -r t_base _ < <(measure "$build/tests/bench/pcap-loop" "$cap")
read -r t_ct rss_ct < <(measure "$ct" --format json --output /dev/null "$cap")
read -r t_grep _ < <(measure grep -c nf_ct_ "$logf")
read -r t_log rss_log < <(measure "$ct" --format json --output /dev/null "$logf")
read -r t_single rss_single < <(measure "$ct" --format json --output /dev/null "$single")
read -r t_small rss_small < <(measure "$ct" --format json --output /dev/null "$here/../../samples")

echo "capture: $size MB, 10000 TCP flows (200 live at a time)"
echo "  bare libpcap loop      ${t_base}s"
echo "  ctexplain (full)       ${t_ct}s   ratio $(ratio "$t_ct" "$t_base")   peak RSS $((rss_ct / 1024)) MB"
echo "log: 2 000 000 syslog lines (1 in 20 conntrack)"
echo "  grep -c nf_ct_         ${t_grep}s"
echo "  ctexplain (log only)   ${t_log}s   ratio $(ratio "$t_log" "$t_grep")   peak RSS $((rss_log / 1024)) MB"
echo "2 000 000 one-packet flows (table bounded by nf_conntrack_max = 262144)"
echo "  ctexplain              ${t_single}s   peak RSS $((rss_single / 1024)) MB"
echo "  ~bytes per live flow   $(( (rss_single - rss_small) * 1024 / 262144 ))"
