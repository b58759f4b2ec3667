#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --expect FILE: the run compared with an expected JSON report.  The
# expected reports are made by ctexplain itself on the same inputs, then
# changed by the run's own options and inputs (a real change of verdicts and
# matches) or edited (a changed cause or verdict): exit 0 when nothing that
# matters differs, 1 with every difference named on stderr (event by
# log:line, packet by capture#index and rule, field, expected and got),
# 3 when the expected report cannot be read.
. "${top_srcdir:-.}/tests/cli/cli-lib.sh"
LOG="$DATA/cli/kern.log"
PCAP="$DATA/cli/basic.pcap"

plan 13

"$CTEXPLAIN" --format json "$LOG" "$PCAP" >"$T/want.json" 2>/dev/null
run --expect "$T/want.json" "$LOG" "$PCAP"
status_is 0 && [ ! -s "$T/err" ] && grep -q '^Summary: 3 log events' "$T/out"
ok $? "same inputs: exit 0, nothing on stderr, the report still written"

# the same bundle seen from elsewhere (absolute paths) and in markdown
mkdir "$T/b" && cp "$LOG" "$PCAP" "$T/b/"
run --format markdown --expect "$T/want.json" "$T/b"
status_is 0 && [ ! -s "$T/err" ] && grep -q '^# ctexplain report' "$T/out"
ok $? "a copy of the bundle at another path, other format: no difference"

# a real verdict change: without checksum checks the UDP line is not reproduced
run --sysctl nf_conntrack_checksum=0 --expect "$T/want.json" "$LOG" "$PCAP"
status_is 1 &&
	grep -qx 'ctexplain: expect: kern.log:2 (event 1): verdict.agrees: expected true, got false' "$T/err" &&
	grep -qx 'ctexplain: expect: kern.log:2 (event 1): verdict.engine: expected "invalid", got "accept"' "$T/err" &&
	grep -qx 'ctexplain: expect: sysctl: net.netfilter.nf_conntrack_checksum: expected 1, got 0' "$T/err"
ok $? "a changed verdict: exit 1, event, field, expected and got named"

grep -qx 'ctexplain: expect: basic.pcap#2 udp.bad_checksum: flagged packet missing (expected invalid "bad checksum")' "$T/err" &&
	grep -qx 'ctexplain: expect: summary: flagged_packets: expected 3, got 2' "$T/err" &&
	n=$(grep -c '^ctexplain: expect: ' "$T/err") && [ "$n" -ge 6 ] &&
	grep -q "^ctexplain: $n difference(s) from the expected report $T/want.json\$" "$T/err"
ok $? "a missing flagged packet named by capture#index and rule; counts; the total"

# the other way round: a flagged packet the expected report does not have
"$CTEXPLAIN" --format json --sysctl nf_conntrack_checksum=0 "$LOG" "$PCAP" >"$T/nocsum.json" 2>/dev/null
run --expect "$T/nocsum.json" "$LOG" "$PCAP"
status_is 1 &&
	grep -qx 'ctexplain: expect: basic.pcap#2 udp.bad_checksum: flagged packet not in the expected report (got invalid "bad checksum")' "$T/err"
ok $? "an extra flagged packet: exit 1, named"

# lost matches: the capture left out
run --expect "$T/want.json" "$LOG"
status_is 1 &&
	grep -qx 'ctexplain: expect: kern.log:1 (event 0): match: expected "basic.pcap#1 (exact)", got "none"' "$T/err" &&
	grep -qx 'ctexplain: expect: summary: matched: expected 3, got 0' "$T/err"
ok $? "a lost match: exit 1, event and the packet it matched named"

# an edited expected verdict and cause (first occurrence each)
sed '0,/"agrees": true/s//"agrees": false/' "$T/want.json" >"$T/edit.json"
run --expect "$T/edit.json" "$LOG" "$PCAP"
status_is 1 && [ "$(grep -c '^ctexplain: expect: ' "$T/err")" -eq 1 ] &&
	grep -qx 'ctexplain: expect: kern.log:1 (event 0): verdict.agrees: expected false, got true' "$T/err"
ok $? "an edited verdict: exactly that difference"

if grep -q '"cause": "' "$T/want.json"; then
	sed '0,/"cause": "[a-z_]*"/s//"cause": "port_reuse"/' "$T/want.json" >"$T/edit.json"
	run --expect "$T/edit.json" "$LOG" "$PCAP"
	status_is 1 && grep -q '^ctexplain: expect: .*cause: expected "port_reuse", got "' "$T/err"
	ok $? "an edited cause: exit 1, the cause difference named"
else
	# reports without causes: a cause the run cannot produce is a difference
	sed '0,/"explanation": {/s//"explanation": {"cause": "port_reuse", /' "$T/want.json" >"$T/edit.json"
	run --expect "$T/edit.json" "$LOG" "$PCAP"
	status_is 1 &&
		grep -qx 'ctexplain: expect: kern.log:1 (event 0): explanation.cause: expected "port_reuse", got (absent)' "$T/err"
	ok $? "an expected cause the run lacks: exit 1, named"
fi

run --expect "$T/nonexistent.json" "$LOG" "$PCAP"
status_is 3 && grep -q "^ctexplain: $T/nonexistent.json: cannot read the expected report" "$T/err" &&
	grep -q '^Summary: 3 log events' "$T/out"
ok $? "unreadable expected report: exit 3, named, the report still written"

head -c 300 "$T/want.json" >"$T/cut.json"
run --format json --expect "$T/cut.json" "$LOG" "$PCAP"
status_is 3 && grep -q "^ctexplain: $T/cut.json:[0-9]*:[0-9]*: expected report is not JSON" "$T/err" &&
	jget /errors/0 | grep -q 'cut.json.*not JSON'
ok $? "corrupt expected report: exit 3, position named, in the report's errors"

printf '{"schema": "ctexplain/1", "events": []}\n' >"$T/shape.json"
run --expect "$T/shape.json" "$LOG" "$PCAP"
status_is 3 && grep -q 'corrupt expected report: "flagged_packets" missing' "$T/err"
ok $? "a JSON file that is no report: exit 3"

# input errors and no differences: the analysis status (3) stays
"$CTEXPLAIN" --format json "$LOG" "$DATA/cli/truncated.pcap" >"$T/trunc.json" 2>/dev/null
run --expect "$T/trunc.json" "$LOG" "$DATA/cli/truncated.pcap"
status_is 3 && ! grep -q 'expect:' "$T/err" && grep -q 'truncated' "$T/err"
ok $? "an input error without differences: exit 3 as without --expect"

# damaged expected reports (tests/tools/mutate: bytes overwritten, cut
# short): a difference list or an input error, never a crash
MUTATE="$abs_top_builddir/tests/tools/mutate"
bad=0
for seed in $(seq 1 40); do
	"$MUTATE" "$seed" $((seed % 5 + 1)) "$T/want.json" "$T/m.json" || { bad=1; break; }
	run --format json --expect "$T/m.json" "$LOG" "$PCAP"
	case $rc in
	0 | 1 | 3) ;;
	*) diag "seed $seed: exit status $rc"; sed 's/^/#   /' "$T/err" | head -n 5; bad=1 ;;
	esac
done
[ $bad -eq 0 ]
ok $? "40 damaged expected reports: exit 0, 1 or 3, no crash"

done_testing
