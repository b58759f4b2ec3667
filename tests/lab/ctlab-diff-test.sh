#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ctlab-diff, the comparison step of the differential test, on a real replay
# (tests/data/formats/tcp-window: the kernel's kernel.tsv and invalid.tsv for
# capture.pcap, made by tests/lab/replay.sh): it agrees with the engine, and
# when the kernel's answer is edited it fails, printing the packet, both
# answers and the recent history of the packet's flow, and its output ends
# with "kernel-diff: compared N packets in M flows, D differences (kernel V)".
# No root needed.
. "${top_srcdir:-.}/tests/cli/cli-lib.sh"
DIFF="$abs_top_builddir/tests/lab/ctlab-diff"
D="$DATA/formats/tcp-window"

if [ ! -x "$DIFF" ]; then
	echo "1..0 # SKIP no $DIFF"
	exit 0
fi
plan 5

"$CTEXPLAIN" --format json "$D/capture.pcap" "$D/sysctl.txt" >"$T/report.json" 2>"$T/err"
summary='^kernel-diff: compared 218 packets in 47 flows, %s differences \(kernel [^)]+\)$'
# shellcheck disable=SC2059
line() { printf "$summary" "$1"; }

"$DIFF" --invalid "$D/invalid.tsv" --kernel-version 6.18.44-fc-v657 "$D/kernel.tsv" \
	"$D/capture.pcap" "$T/report.json" >"$T/out" 2>"$T/err"
rc=$?
is status $rc 0 && tail -n 1 "$T/out" | grep -Eq "$(line 0)" &&
	grep -q '27 INVALID packets in .*, 0 verdict differences' "$T/err"
ok $? "the engine agrees with the kernel's messages and verdicts on every record"

# record 47: the kernel's message replaced by another
awk -F '\t' 'BEGIN { OFS = "\t" }
	$1 == 47 { $3 = "SEQ is over upper bound 1 (over the window of the receiver)" } { print }' \
	"$D/kernel.tsv" >"$T/k-edit.tsv"
"$DIFF" --no-verdicts "$T/k-edit.tsv" "$D/capture.pcap" "$T/report.json" >"$T/out" 2>"$T/err"
rc=$?
is status $rc 1 &&
	grep -q '^DIFF #47 .* TCP 198\.51\.100\.20\.5064 > 192\.0\.2\.10\.20064 \[\.\] seq 2155872257 ack 272729761 win 28960 len 0$' "$T/out" &&
	grep -qx '  kernel: SEQ is over upper bound 1 (over the window of the receiver)' "$T/out" &&
	grep -qx '  engine: ACK is over upper bound 272629762 (ACKed data not seen yet) \[invalid tcp.ack_over_upper_bound\]' "$T/out" &&
	grep -qx '  flow history (3 previous):' "$T/out" &&
	is history "$(grep -c '^    #4[456] .*TCP .*5064' "$T/out")" 3 &&
	tail -n 1 "$T/out" | grep -Eq "$(line 1)"
ok $? "another message: packet, both answers, 3 earlier packets of the flow, 1 difference"

# record 47: the kernel's line removed
awk -F '\t' '$1 != 47' "$D/kernel.tsv" >"$T/k-del.tsv"
"$DIFF" --no-verdicts "$T/k-del.tsv" "$D/capture.pcap" "$T/report.json" >"$T/out" 2>"$T/err"
rc=$?
is status $rc 1 && grep -q '^DIFF #47 ' "$T/out" && grep -qx '  kernel: (no line)' "$T/out" &&
	tail -n 1 "$T/out" | grep -Eq "$(line 1)"
ok $? "a line the kernel did not print: difference '(no line)'"

# record 3 taken out of invalid.tsv: the kernel accepted it, the engine says invalid
awk '$1 != 3' "$D/invalid.tsv" >"$T/inv.tsv"
"$DIFF" --invalid "$T/inv.tsv" "$D/kernel.tsv" "$D/capture.pcap" "$T/report.json" >"$T/out" 2>"$T/err"
rc=$?
is status $rc 1 && grep -q '^DIFF #3 ' "$T/out" &&
	grep -qx '  verdict: kernel ignored (accepted), engine invalid' "$T/out" &&
	grep -q '1 verdict differences' "$T/err"
ok $? "a verdict difference (INVALID vs ignored) is a difference"

# one operand too many
"$DIFF" --no-verdicts --max-shown 1 "$T/k-edit.tsv" "$T/k-del.tsv" "$D/capture.pcap" "$T/report.json" \
	>"$T/out" 2>"$T/err"
rc=$?
is status $rc 2
ok $? "usage error: exit 2"

done_testing
