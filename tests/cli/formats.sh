#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The same kernel messages in every log format ctexplain reads give the same
# events.  Real-kernel logs in raw dmesg form (tests/data/formats/*/kern.log,
# made by tests/lab/replay.sh, see the README there) are rewritten by tests/lab/logconv (only the framing changes) into every
# other format: dmesg -T, dmesg --time-format iso, traditional syslog with
# and without the [seconds] stamp, RFC 3339, RFC 5424, journalctl -o short,
# short-iso, short-iso-precise, short-precise, short-monotonic, json and
# json-seq (MESSAGE as a string and as a byte array) and export (text and
# binary-safe MESSAGE fields).  Wall-clock stamps are the kernel stamp plus
# the boot time ctexplain estimated from the dmesg run, as on a real host.
# Non-conntrack kernel lines are mixed in: each format must skip and count
# them.  One TAP line per (sample, format): rule, message, protocol, packet,
# matched capture record, how it matched and the line/entry number of every
# event equal the dmesg run's.
. "${top_srcdir:-.}/tests/cli/cli-lib.sh"
LOGCONV="$abs_top_builddir/tests/lab/logconv"
FORMATS="dmesg-T dmesg-iso syslog syslog-stamp rfc3339 rfc5424 short short-iso
	short-iso-precise short-precise short-monotonic json json-seq json-bytes
	export export-binary"
# TCP, UDP, UDP-Lite, ICMP and ICMPv6 lines
SAMPLES="tcp-window udp-checksum-length udplite icmp ipv6-icmpv6"

if [ ! -x "$LOGCONV" ]; then
	echo "1..0 # SKIP no $LOGCONV"
	exit 0
fi
# shellcheck disable=SC2086
set -- $SAMPLES
nfmt=$(echo $FORMATS | wc -w)
plan $((2 + $# * (nfmt + 1)))

# events REPORT: one line per event, tab-separated: protocol, rule, message,
# packet, line/entry number, then the match: path, record index, how.
events() {
	n=$(jget /summary/events "$1")
	p=""
	i=0
	while [ "$i" -lt "$n" ]; do
		p="$p /events/$i/proto /events/$i/rule /events/$i/message /events/$i/packet"
		p="$p /events/$i/source/line"
		p="$p /events/$i/match/path /events/$i/match/index /events/$i/match/how"
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	[ "$n" -eq 0 ] || "$JSON_GET" "$1" $p | awk '{ printf "%s%s", $0, NR % 8 ? "\t" : "\n" }'
}

# same_events BASE GOT COARSE: 0 when GOT has BASE's events, each matched to
# the same packet.  With COARSE (whole-second wall stamps) only the way the
# match was made may differ for events with several candidates (the clock
# cannot tell packets less than a second apart; the engine's agreement and
# log order = capture order then decide): the packet must still be the same.
same_events() {
	awk -F '\t' -v coarse="$3" '
		FNR == NR { base[FNR] = $0; nb = FNR; next }
		{
			ng = FNR
			split(base[FNR], b, "\t")
			for (k = 1; k <= 8; k++) {
				if (b[k] == $k || (coarse && k == 8 && b[8] != "exact" && $k != "exact"))
					continue
				printf "event %d field %d: %s, dmesg run: %s\n", FNR - 1, k, $k, b[k]
				bad = 1
			}
		}
		END {
			if (ng != nb) { printf "%d events, dmesg run: %d\n", ng, nb; bad = 1 }
			exit bad
		}' "$1" "$2"
}

protos=""
for s in "$@"; do
	S="$DATA/formats/$s"
	# non-conntrack kernel lines before, between and after the sample's
	awk '
		function chatter(stamp) {
			print stamp " vb: entered promiscuous mode"
			print stamp " audit: type=1325 audit(1795713500.101:77): table=filter family=2 entries=4"
		}
		NR == 1 { st = $0; sub(/\].*/, "]", st); chatter(st) }
		{ print; st = $0; sub(/\].*/, "]", st) }
		NR == 2 { chatter(st) }
		END { chatter(st) }' "$S/kern.log" >"$T/$s.dmesg"
	nlog=$(wc -l <"$S/kern.log")
	nchat=$(($(wc -l <"$T/$s.dmesg") - nlog))
	cp "$S/capture.pcap" "$T/capture.pcap"
	sysctl=""
	[ -f "$S/sysctl.txt" ] && sysctl="$S/sysctl.txt"
	# shellcheck disable=SC2086
	run --format json "$T/$s.dmesg" "$T/capture.pcap" $sysctl
	cp "$T/out" "$T/$s.base.json"
	events "$T/$s.base.json" >"$T/$s.base.ev"
	nev=$(jget /summary/events "$T/$s.base.json")
	status_is 0 && is events "$nev" "$nlog" &&
		is matched "$(jget /summary/matched "$T/$s.base.json")" "$nlog" &&
		is skipped "$(jget /stats/log_records_not_conntrack "$T/$s.base.json")" "$nchat"
	ok $? "$s dmesg: $nev events all matched, $nchat other kernel lines skipped and counted"
	protos="$protos $(jget /events/0/proto "$T/$s.base.json")"
	us=$(jget /clock/0/offset_us "$T/$s.base.json")
	case $us in
	''|*[!0-9]*) off=1795713226.000000 ;;
	*) off=$((us / 1000000)).$(printf '%06d' $((us % 1000000))) ;;
	esac
	for f in $FORMATS; do
		"$LOGCONV" "$f" "$off" fw1 <"$T/$s.dmesg" >"$T/$s.$f" || {
			ok 1 "$s $f: logconv failed"
			continue
		}
		# shellcheck disable=SC2086
		run --format json "$T/$s.$f" "$T/capture.pcap" $sysctl
		events "$T/out" >"$T/$s.$f.ev"
		case $f in dmesg-T|syslog|short|short-iso) coarse=1 ;; *) coarse= ;; esac
		status_is 0 &&
			is skipped "$(jget /stats/log_records_not_conntrack)" "$nchat" &&
			is records "$(jget /inputs/0/records)" "$((nlog + nchat))" &&
			if same_events "$T/$s.base.ev" "$T/$s.$f.ev" "$coarse" >"$T/diff"; then :; else
				diag "$s $f: events differ from the dmesg run (format $(jget /inputs/0/format)):"
				head -n 20 "$T/diff" | while IFS= read -r l; do diag "  $l"; done
				false
			fi
		ok $? "$s $f ($(jget /inputs/0/format)): the same $nev events, other lines skipped and counted"
	done
done

# the byte-array and binary forms were really produced
grep -q '"MESSAGE":\[110,102,95,99,116' "$T/$1.json-bytes" &&
	LC_ALL=C grep -a -q '^MESSAGE$' "$T/$1.export-binary"
ok $? "json-bytes holds MESSAGE byte arrays, export-binary binary-safe MESSAGE fields"

case " $protos " in
*" 6 "*) case " $protos " in *" 17 "*) r=0 ;; *) r=1 ;; esac ;;
*) r=1 ;;
esac
[ $r -eq 0 ] || diag "logs used: $*; first-event protocols:$protos"
ok $r "TCP and UDP logs among those compared"

done_testing
