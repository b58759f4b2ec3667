#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Correlation of identical-looking datagrams (tests/data/correlate/udp6-flip,
# made by the kernel lab, see the README there): 8 of the 16 "bad checksum"
# lines are about IPv6 UDP replies that 36 captured packets match field for
# field (no IP ID in IPv6, one flow label), 10 us apart.  Each line must be
# matched to the very record the kernel logged it for (kernel.tsv), and no
# two lines to the same packet: the kernel logs a packet once per message.
# Checked on the raw dmesg log, then on the same log rewritten by
# tests/lab/logconv into each format: all 16 must be matched, to the same
# records.  Those with whole-second stamps (dmesg -T, syslog, short,
# short-iso) cannot tell the replies apart by time (36 within the second);
# the 8 the engine flagged with the logged message are kept over the
# per-event cap and taken in log order = capture order.
. "${top_srcdir:-.}/tests/cli/cli-lib.sh"
LOGCONV="$abs_top_builddir/tests/lab/logconv"
S="$DATA/correlate/udp6-flip"
PRECISE="dmesg-iso syslog-stamp rfc3339 rfc5424 short-iso-precise short-precise
	short-monotonic json json-seq json-bytes export export-binary"
COARSE="dmesg-T syslog short short-iso"

nfmt=0
[ -x "$LOGCONV" ] && nfmt=$(echo $PRECISE $COARSE | wc -w)
plan $((2 + nfmt))

# truth REPORT: 0 when every matched event is matched to a record for which
# the kernel logged its message and no two events share a record; prints
# the number of matched events on stdout.
truth() {
	n=$(jget /summary/events "$1") || return 1
	p=""
	i=0
	while [ "$i" -lt "$n" ]; do
		p="$p /events/$i/match/index /events/$i/message"
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	"$JSON_GET" "$1" $p >"$T/pairs"	# status 1: an unmatched event's index is <missing>
	if [ "$(wc -l <"$T/pairs")" -ne $((2 * n)) ]; then
		diag "unexpected json-get output"
		return 1
	fi
	awk -F '\t' '
		FNR == NR { logged[$1 "\t" $3] = 1; next }
		FNR % 2 == 1 { idx = $0; next }
		{
			ev = FNR / 2 - 1
			if (idx == "null" || idx == "<missing>")
				next
			m++
			if (!((idx "\t" $0) in logged)) {
				printf "# event %d matched record %s, where the kernel did not log \"%s\"\n", ev, idx, $0 >"/dev/stderr"
				bad = 1
			}
			if (idx in taker) {
				printf "# events %d and %d both matched record %s\n", taker[idx], ev, idx >"/dev/stderr"
				bad = 1
			}
			taker[idx] = ev
		}
		END { print m + 0; exit bad }' "$S/kernel.tsv" "$T/pairs"
}

run --format json "$S/capture.pcap" "$S/kern.log"
cp "$T/out" "$T/base.json"
status_is 0 &&
	is events "$(jget /summary/events)" 16 &&
	is matched "$(jget /summary/matched)" 16 &&
	is agree "$(jget /summary/agree)" 16 &&
	is unlogged "$(jget /summary/unlogged)" 0
ok $? "dmesg: 16 events, 16 matched, 16 agree, no flagged packet without its line"

m=$(truth "$T/base.json") && is "matched to the kernel's records" "$m" 16
ok $? "dmesg: each event matched to the record the kernel logged it for, no packet taken twice"

[ "$nfmt" -gt 0 ] || {
	diag "no $LOGCONV: log formats not checked"
	done_testing
}
us=$(jget /clock/0/offset_us "$T/base.json")
case $us in
''|*[!0-9]*) off=1795713226.000000 ;;
*) off=$((us / 1000000)).$(printf '%06d' $((us % 1000000))) ;;
esac
for f in $PRECISE $COARSE; do
	want=16
	"$LOGCONV" "$f" "$off" fw1 <"$S/kern.log" >"$T/log.$f" || {
		ok 1 "$f: logconv failed"
		continue
	}
	run --format json "$S/capture.pcap" "$T/log.$f"
	status_is 0 && is events "$(jget /summary/events)" 16 &&
		is agree "$(jget /summary/agree)" "$want" &&
		m=$(truth "$T/out") && is matched "$m" "$want"
	ok $? "$f ($(jget /inputs/1/format)): $want of 16 matched, each to its own record"
done

done_testing
