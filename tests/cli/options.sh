#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Command line: --help, --version, usage errors (exit 2), options that
# change the analysis, --output.
. "${top_srcdir:-.}/tests/cli/cli-lib.sh"
LOG="$DATA/cli/kern.log"
PCAP="$DATA/cli/basic.pcap"

plan 26

run --help
[ "$rc" -eq 0 ] && grep -q '^Usage: ctexplain \[OPTIONS\] PATH' "$T/out" &&
	grep -q -- '--sysctl' "$T/out" && [ ! -s "$T/err" ]
ok $? "--help prints the usage on stdout and exits 0"

run --version
[ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 1 ] && grep -Eq '^ctexplain [0-9]+\.[0-9]+' "$T/out"
ok $? "--version prints 'ctexplain VERSION'"

run
status_is 2 && grep -q '^ctexplain: no PATH given' "$T/err" && [ ! -s "$T/out" ]
ok $? "no PATH: usage error, exit 2"

run --bogus "$LOG"
status_is 2 && grep -q "unknown option '--bogus'" "$T/err"
ok $? "unknown option: exit 2 naming it"

run --format xml "$LOG"
status_is 2 && grep -q "unknown --format 'xml'" "$T/err"
ok $? "bad --format value: exit 2"

run "$LOG" --format
status_is 2 && grep -q "needs an argument" "$T/err"
ok $? "option without its argument: exit 2"

run --sysctl nf_conntrack_nonsense=1 "$LOG"
status_is 2 && grep -q "unknown or unmodelled sysctl 'nf_conntrack_nonsense'" "$T/err"
ok $? "--sysctl with an unknown name: exit 2"

run --sysctl net.netfilter.nf_conntrack_tcp_be_liberal=7 "$LOG"
status_is 2 && grep -q "out of range" "$T/err"
ok $? "--sysctl value out of range: exit 2"

run --sysctl tcp_be_liberal=yes "$LOG"
status_is 2 && grep -q "not a decimal number" "$T/err"
ok $? "--sysctl value not a number: exit 2"

run --sysctl tcp_be_liberal "$LOG"
status_is 2 && grep -q "wants NAME=VALUE" "$T/err"
ok $? "--sysctl without '=': exit 2"

run --kernel banana "$LOG"
status_is 2 && grep -q -- "--kernel wants a version" "$T/err"
ok $? "--kernel that is no version: exit 2"

run --format json "$LOG" "$PCAP"
status_is 0 && is profile "$(jget /kernel/profile)" 6.18 &&
	is source "$(jget /kernel/source)" default &&
	is be_liberal "$(jget /sysctl/net.netfilter.nf_conntrack_tcp_be_liberal)" 0 &&
	is be_liberal_src "$(jget /sysctl_source/net.netfilter.nf_conntrack_tcp_be_liberal)" default
ok $? "defaults: kernel 6.18 from 'default', sysctls from 'default'"

run --format json --kernel 6.1 --sysctl net.netfilter.nf_conntrack_tcp_be_liberal=1 \
	--sysctl tcp_loose=0 "$LOG" "$PCAP"
status_is 0 && is profile "$(jget /kernel/profile)" 6.1 &&
	is source "$(jget /kernel/source)" option &&
	is be_liberal "$(jget /sysctl/net.netfilter.nf_conntrack_tcp_be_liberal)" 1 &&
	is be_liberal_src "$(jget /sysctl_source/net.netfilter.nf_conntrack_tcp_be_liberal)" option &&
	is loose "$(jget /sysctl/net.netfilter.nf_conntrack_tcp_loose)" 0
ok $? "--kernel and --sysctl are applied and reported as 'option'"

# the policy reaches the engine: without checksum checks the kernel's
# "bad checksum" line is no longer reproduced (and the text says so)
run --format json --sysctl nf_conntrack_checksum=0 "$LOG" "$PCAP"
status_is 0 && is summary "$(jget /summary/matched) $(jget /summary/agree) $(jget /summary/flagged_packets)" "3 2 2" &&
	is e1 "$(jget /events/1/verdict/agrees) $(jget /events/1/verdict/engine) $(jget /events/1/verdict/message)" \
		"false accept null"
ok $? "--sysctl nf_conntrack_checksum=0 changes the engine's verdicts"

run --sysctl nf_conntrack_checksum=0 "$LOG" "$PCAP"
status_is 0 && grep -q "^Where the engine does not reproduce the kernel's line:" "$T/out" &&
	grep -q '^  event 1: kernel: bad checksum$' "$T/out" &&
	grep -q '^           engine: no such line (verdict accept)$' "$T/out"
ok $? "text report lists the events the engine does not reproduce"

# a sysctl dump among the inputs; an option wins over it
printf 'net.netfilter.nf_conntrack_tcp_be_liberal = 1\nnet.netfilter.nf_conntrack_tcp_loose = 0\nnet.ipv4.ip_forward = 1\n' >"$T/sysctl.txt"
run -f json -s nf_conntrack_tcp_loose=1 "$T/sysctl.txt" "$LOG"
status_is 0 && is kind "$(jget /inputs/0/kind)" sysctl &&
	is be_liberal "$(jget /sysctl/net.netfilter.nf_conntrack_tcp_be_liberal)" 1 &&
	is be_liberal_src "$(jget /sysctl_source/net.netfilter.nf_conntrack_tcp_be_liberal)" sysctl &&
	is loose "$(jget /sysctl/net.netfilter.nf_conntrack_tcp_loose)" 1 &&
	is loose_src "$(jget /sysctl_source/net.netfilter.nf_conntrack_tcp_loose)" option
ok $? "sysctl dump input sets knobs ('sysctl'); an option overrides it"

run --format json --output "$T/report.json" "$LOG" "$PCAP"
status_is 0 && [ ! -s "$T/out" ] && is schema "$(jget /schema "$T/report.json")" ctexplain/1
ok $? "--output writes the report to the file, nothing on stdout"

run --output "$T/no/such/dir/report.json" "$LOG"
status_is 4 && grep -q "cannot write the report" "$T/err"
ok $? "unwritable --output: exit 4"

run -f json -o "$T/r2.json" "$LOG"
status_is 0 && is events "$(jget /summary/events "$T/r2.json")" 3
ok $? "short options -f -o"

run "$LOG" "$PCAP"
status_is 0 && grep -q '^Summary: 3 log events, 3 matched' "$T/out" &&
	grep -q 'message:  invalid tcp flag combination' "$T/out"
ok $? "text is the default format"

run --format markdown "$LOG" "$PCAP"
status_is 0 && grep -q '^# ctexplain report$' "$T/out" &&
	grep -q '^| 3 | 3 | 3 | 3 | 0 |$' "$T/out" &&
	grep -q '^| 0 | .*kern.log:1 | 219.101320 | invalid tcp flag combination | invalid | .*basic.pcap record 1 (exact) | agrees | `[a-z_]*` |$' "$T/out" &&
	run -f md "$LOG" && grep -q '^## Log events$' "$T/out"
ok $? "--format markdown (md): summary and event tables"

run --rules "$T/nonexistent" "$LOG"
status_is 3 && grep -q "nonexistent/patterns: cannot open" "$T/err" && [ ! -s "$T/out" ]
ok $? "--rules DIR that does not exist: exit 3, no report"

run --rules "$DATA/rules-bad/unknown-reason" "$LOG"
status_is 3 && grep -q "unknown-reason/patterns/reason.json" "$T/err"
ok $? "--rules with a bad rule file: exit 3 naming the file"

# rules-override adds a wording ("ACK is beyond N") and replaces the shipped
# rule of id tcp-invalid-rst ("invalid rst (site wording)", verdict ignored)
{
	cat "$LOG"
	sed -n '1s/invalid tcp flag combination/ACK is beyond 77/p' "$LOG"
	sed -n '1s/invalid tcp flag combination/invalid rst (site wording)/p' "$LOG"
} >"$T/override.log"
run --format json "$T/override.log"
status_is 0 && is plain "$(jget /events/3/rule) $(jget /events/4/rule)" "unrecognized unrecognized" &&
	run --format json --rules "$DATA/rules-override" "$T/override.log" &&
	is events "$(jget /summary/events)" 5 && is shipped "$(jget /events/0/rule)" tcp.flags_invalid &&
	is added "$(jget /events/3/rule)" tcp.ack_over_upper_bound &&
	is overridden "$(jget /events/4/rule) $(jget /events/4/verdict/logged)" "tcp.invalid_rst ignored"
ok $? "--rules DIR adds rules and overrides a shipped rule of the same id"

CTEXPLAIN_RULES="$T/nowhere" run "$LOG"
status_is 3 && grep -q "$T/nowhere/patterns" "$T/err"
ok $? "CTEXPLAIN_RULES overrides the default rules directory"

# progress goes to stderr only when stderr is a terminal
if command -v script >/dev/null 2>&1 &&
	script -qec "echo pty-probe" /dev/null 2>/dev/null </dev/null | grep -q pty-probe; then
	script -qec "'$CTEXPLAIN' --format json '$LOG' '$PCAP' >/dev/null" /dev/null >"$T/tty" 2>&1
	run --format json "$LOG" "$PCAP"
	grep -q 'ctexplain: \[1/2\] .*kern.log' "$T/tty" && grep -q 'ctexplain: \[2/2\] .*basic.pcap' "$T/tty" &&
		[ ! -s "$T/err" ]
	ok $? "progress on a terminal's stderr, none otherwise"
else
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # SKIP script(1) or a pty not available"
fi

done_testing
