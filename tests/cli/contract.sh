#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The JSON report contract (DESIGN.md "Report contract"): every required key
# present with the right type, and the values of a known small case.
. "${top_srcdir:-.}/tests/cli/cli-lib.sh"
LOG="$DATA/cli/kern.log"
PCAP="$DATA/cli/basic.pcap"

plan 14

# types POINTER=TYPE[|TYPE]...: check each pointer's type against the list.
types() {
	bad=0
	for spec in "$@"; do
		p=${spec%%=*}
		want=${spec#*=}
		got=$(jtype "$p")
		case "|$want|" in
		*"|$got|"*) ;;
		*) diag "$p: type $got, want $want"; bad=1 ;;
		esac
	done
	return $bad
}

run --format json "$LOG" "$PCAP"
status_is 0
ok $? "report written"

types /schema=string /tool=object /tool/name=string /tool/version=string \
	/kernel=object /kernel/profile=string /kernel/source=string \
	/sysctl=object /sysctl_source=object /inputs=array /events=array \
	/flagged_packets=array /summary=object
ok $? "top-level keys and types"

is schema "$(jget /schema)" ctexplain/1 && is name "$(jget /tool/name)" ctexplain &&
	is version "ctexplain $(jget /tool/version)" "$("$CTEXPLAIN" --version)"
ok $? "schema ctexplain/1, tool name and version"

bad=0
for k in tcp_be_liberal tcp_loose tcp_max_retrans tcp_ignore_invalid_rst checksum log_invalid; do
	types "/sysctl/net.netfilter.nf_conntrack_$k=integer" \
		"/sysctl_source/net.netfilter.nf_conntrack_$k=string" || bad=1
done
[ $bad -eq 0 ] && [ "$(jget /sysctl/#)" -eq "$(jget /sysctl_source/#)" ]
ok $? "sysctl: every knob an integer, with its source"

types /inputs/0/path=string /inputs/0/kind=string /inputs/0/format=string \
	/inputs/0/records=integer && is kind "$(jget /inputs/1/kind)" capture
ok $? "inputs[]: path, kind, format, records"

types /events/0/id=integer /events/0/source=object /events/0/source/path=string \
	/events/0/source/line=integer /events/0/time=object /events/0/time/kernel=real \
	/events/0/proto=integer /events/0/rule=string /events/0/message=string \
	/events/0/packet=object /events/0/match=object /events/0/verdict=object \
	/events/0/verdict/message='string|null' /events/0/verdict/agrees='true|false' \
	/events/0/explanation=object /events/0/explanation/summary=string \
	/events/0/explanation/check='string|null' /events/0/explanation/values=object \
	/events/0/explanation/state=object
ok $? "events[]: required keys and types"

types /events/0/match/path=string /events/0/match/index=integer \
	/events/0/match/how=string /events/0/match/candidates=integer \
	/events/0/packet/src=string /events/0/packet/dst=string \
	/events/0/packet/sport=integer /events/0/packet/dport=integer \
	/events/0/packet/seq=integer /events/0/packet/ack=integer \
	/events/0/packet/window=integer /events/0/packet/len=integer
ok $? "events[].match and events[].packet fields"

types /flagged_packets/0/path=string /flagged_packets/0/index=integer \
	/flagged_packets/0/time=string /flagged_packets/0/proto=integer \
	/flagged_packets/0/verdict=string /flagged_packets/0/rule=string \
	/flagged_packets/0/message='string|null' /flagged_packets/0/event='integer|null'
ok $? "flagged_packets[]: required keys and types"

types /silent_packets=array /clock=array /stats=object /notes=array /errors=array &&
types /summary/events=integer /summary/matched=integer /summary/agree=integer \
	/summary/flagged_packets=integer /summary/unlogged=integer
ok $? "summary: the five counters; additions: silent_packets, clock, stats, notes, errors"

# values of the kernel-made sample (messages.md 2.9): record 0 is ARP
is e0 "$(jget /events/0/rule) $(jget /events/0/match/index) $(jget /events/0/match/how)" \
	"tcp.flags_invalid 1 exact" &&
	is e0msg "$(jget /events/0/message)" "invalid tcp flag combination" &&
	is e0time "$(jget /events/0/time/kernel)" 219.10132 &&
	is e0line "$(jget /events/0/source/line)" 1 &&
	is e2 "$(jget /events/2/rule) $(jget /events/2/match/index)" "udp.truncated 3" &&
	is e2pkt "$(jget /events/2/packet/udp_len) $(jget /events/2/packet/len)" "100 30" &&
	is fl "$(jget /flagged_packets/0/index) $(jget /flagged_packets/0/event) $(jget /flagged_packets/0/verdict)" \
		"1 0 invalid" &&
	is ftime "$(jget /flagged_packets/0/time)" 2025-11-26T15:08:26.101320Z &&
	is summary "$(jget /summary/events) $(jget /summary/matched) $(jget /summary/agree) $(jget /summary/flagged_packets) $(jget /summary/unlogged)" \
		"3 3 3 3 0"
ok $? "values: event fields, match index counts non-IP records, flagged links"

run --format json "$LOG"
status_is 0 && is match "$(jget /events/0/match)" null &&
	is note "$(jget /events/0/match_note)" "no packet with these fields" &&
	is vmsg "$(jget /events/0/verdict/message)" null &&
	is agrees "$(jget /events/0/verdict/agrees)" false
ok $? "an event without its packet: match null with a note, no engine verdict"

# a duplicated packet, logged twice: the clock offset from the one
# unambiguous pair decides which copy each line is about
run --format json "$DATA/cli/dup.log" "$DATA/cli/dup.pcap"
status_is 0 && is m1 "$(jget /events/1/match/index) $(jget /events/1/match/how) $(jget /events/1/match/candidates)" "2 time 2" &&
	is m2 "$(jget /events/2/match/index) $(jget /events/2/match/how)" "3 time" &&
	is clock "$(jget /clock/0/basis) $(jget /clock/0/pairs) $(jget /clock/0/offset_us)" \
		"kernel 1 1764169487000000" &&
	is boot "$(jget /clock/0/boot_time)" 2025-11-26T15:04:47.000000Z &&
	is links "$(jget /flagged_packets/1/event) $(jget /flagged_packets/2/event)" "1 2"
ok $? "several candidates: chosen by time after the estimated clock offset"

# a conntrack line no rule knows is kept as "unrecognized", never dropped;
# its verdict is not guessed
sed -n '1s/invalid tcp flag combination/a message from a future kernel/p' "$LOG" >"$T/future.log"
run --format json "$T/future.log" "$PCAP"
status_is 0 && is rule "$(jget /events/0/rule)" unrecognized &&
	is msg "$(jget /events/0/message)" "a message from a future kernel" &&
	is logged "$(jget /events/0/verdict/logged)" unknown &&
	is match "$(jget /events/0/match/index)" 1 &&
	jget /events/0/explanation/summary | grep -q 'not known'
ok $? "unrecognized conntrack line: kept, matched, verdict 'unknown'"

# the host name of a syslog record is reported; a dmesg record has none
run --format json "$top_srcdir/samples/wscale-stripped"
status_is 0 && is host "$(jget /events/0/source/host)" fw-lab &&
	run --format json "$LOG" "$PCAP" && is nohost "$(jtype /events/0/source/host)" "<missing>"
ok $? "events[].source.host: the log's host name, absent where the format has none"

done_testing
