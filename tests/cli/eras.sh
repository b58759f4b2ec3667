#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every conntrack INVALID message text of every kernel era has a rule: the
# literal strings of the era A loggers (nf_ct_tcp:, nf_ct_udp:,
# nf_ct_udplite:, nf_ct_icmp:, nf_ct_icmpv6:, kernels up to 4.14) and the
# era B/C strings (nf_ct_proto_N:, 4.15 to 6.18, every wording a version
# printed), as in the kernel's nf_conntrack_proto_{tcp,udp,icmp,icmpv6}.c
# (/work/shared/kernel/messages.md section 2).  Each line of a dmesg log
# must come out as an event with the stable reason code of the table below,
# whatever --kernel profile the analysis uses.
. "${top_srcdir:-.}/tests/cli/cli-lib.sh"

D4="IN=eth0 OUT= SRC=192.0.2.1 DST=198.51.100.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1000 DPT=80 SEQ=5 ACK=6 WINDOW=7 RES=0x00 ACK URGP=0 "
DU="IN=eth0 OUT= SRC=192.0.2.1 DST=198.51.100.2 LEN=33 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=1000 DPT=53 LEN=13 "
DL="IN=eth0 OUT= SRC=192.0.2.1 DST=198.51.100.2 LEN=33 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDPLITE SPT=1000 DPT=53 LEN=13 "
DI="IN=eth0 OUT= SRC=192.0.2.1 DST=198.51.100.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 "
D6="IN=eth0 OUT= SRC=2001:0db8:0000:0000:0000:0000:0000:0001 DST=2001:0db8:0000:0000:0000:0000:0000:0002 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=128 CODE=0 ID=1 SEQ=1 "

# reason code <TAB> prefix <TAB> message as printed (era A strings end in a
# blank; so does the 4.15-5.11 "ignored" one)
cat >"$T/table" <<'TABLE'
tcp.short_packet	nf_ct_tcp	short packet 
tcp.truncated	nf_ct_tcp	truncated/malformed packet 
tcp.bad_checksum	nf_ct_tcp	bad TCP checksum 
tcp.flags_invalid	nf_ct_tcp	invalid TCP flag combination 
tcp.seq_over_upper_bound	nf_ct_tcp	SEQ is over the upper bound (over the window of the receiver) 
tcp.seq_under_lower_bound	nf_ct_tcp	SEQ is under the lower bound (already ACKed data retransmitted) 
tcp.ack_over_upper_bound	nf_ct_tcp	ACK is over the upper bound (ACKed data not seen yet) 
tcp.ack_under_lower_bound	nf_ct_tcp	ACK is under the lower bound (possible overly delayed ACK) 
tcp.window_bug	nf_ct_tcp	BUG 
tcp.ignored	nf_ct_tcp	invalid packet ignored in state ESTABLISHED 
tcp.invalid_state	nf_ct_tcp	invalid state 
tcp.challenge_ack_ignored	nf_ct_tcp	challenge-ACK ignored 
tcp.invalid_rst	nf_ct_tcp	invalid RST 
udp.short_packet	nf_ct_udp	short packet 
udp.truncated	nf_ct_udp	truncated/malformed packet 
udp.bad_checksum	nf_ct_udp	bad UDP checksum 
udplite.short_packet	nf_ct_udplite	short packet 
udplite.bad_checksum_coverage	nf_ct_udplite	invalid checksum coverage 
udplite.checksum_missing	nf_ct_udplite	checksum missing 
udplite.bad_checksum	nf_ct_udplite	bad UDPLite checksum 
icmp.short_packet	nf_ct_icmp	short packet 
icmp.bad_checksum	nf_ct_icmp	bad HW ICMP checksum 
icmp.invalid_type	nf_ct_icmp	invalid ICMP type 
icmpv6.short_packet	nf_ct_icmpv6	short packet 
icmpv6.bad_checksum	nf_ct_icmpv6	ICMPv6 checksum failed 
icmpv6.invalid_new_type	nf_ct_icmpv6	invalid new with type 129 
tcp.short_packet	nf_ct_proto_6	short packet
tcp.truncated	nf_ct_proto_6	truncated packet
tcp.bad_checksum	nf_ct_proto_6	bad checksum
tcp.flags_invalid	nf_ct_proto_6	invalid tcp flag combination
tcp.invalid_new	nf_ct_proto_6	invalid new
tcp.seq_over_upper_bound	nf_ct_proto_6	SEQ is over the upper bound (over the window of the receiver)
tcp.seq_under_lower_bound	nf_ct_proto_6	SEQ is under the lower bound (already ACKed data retransmitted)
tcp.ack_over_upper_bound	nf_ct_proto_6	ACK is over the upper bound (ACKed data not seen yet)
tcp.ack_under_lower_bound	nf_ct_proto_6	ACK is under the lower bound (possible overly delayed ACK)
tcp.window_bug	nf_ct_proto_6	BUG
tcp.bytes_more_than_expected	nf_ct_proto_6	1234 bytes more than expected
tcp.seq_over_upper_bound	nf_ct_proto_6	SEQ is over upper bound 2864372049 (over the window of the receiver)
tcp.ack_over_upper_bound	nf_ct_proto_6	ACK is over upper bound 2864372049 (ACKed data not seen yet)
tcp.seq_under_lower_bound	nf_ct_proto_6	SEQ is under lower bound 2864372049 (already ACKed data retransmitted)
tcp.ack_under_lower_bound	nf_ct_proto_6	ignored ACK under lower bound 2864372049 (possible overly delayed)
tcp.lower_timeout	nf_ct_proto_6	packet (index 3, dir 0) response for index 5 lower timeout to 30000
tcp.ignored	nf_ct_proto_6	invalid packet ignored in state ESTABLISHED 
tcp.ignored	nf_ct_proto_6	packet (index 0) in dir 0 ignored, state ESTABLISHED
tcp.invalid_state	nf_ct_proto_6	invalid state
tcp.invalid_state	nf_ct_proto_6	packet (index 3) in dir 0 invalid, state SYN_SENT
tcp.challenge_ack_ignored	nf_ct_proto_6	challenge-ack ignored
tcp.invalid_rst	nf_ct_proto_6	invalid rst
udp.short_packet	nf_ct_proto_17	short packet
udp.truncated	nf_ct_proto_17	truncated/malformed packet
udp.bad_checksum	nf_ct_proto_17	bad checksum
udplite.short_packet	nf_ct_proto_136	short packet
udplite.bad_checksum_coverage	nf_ct_proto_136	invalid checksum coverage
udplite.checksum_missing	nf_ct_proto_136	checksum missing
udplite.bad_checksum	nf_ct_proto_136	bad checksum
icmp.short_packet	nf_ct_proto_1	short packet
icmp.bad_checksum	nf_ct_proto_1	bad hw icmp checksum
icmp.invalid_type	nf_ct_proto_1	invalid icmp type
icmp.outer_daddr_mismatch	nf_ct_proto_1	outer daddr 192.0.2.7 != inner 198.51.100.9
icmpv6.short_packet	nf_ct_proto_58	short packet
icmpv6.bad_checksum	nf_ct_proto_58	ICMPv6 checksum failed
icmpv6.short_redirect	nf_ct_proto_58	short redirect
icmpv6.redirect_bad_saddr_hoplimit	nf_ct_proto_58	invalid saddr or hoplimit for redirect
icmpv6.redirect_without_options	nf_ct_proto_58	redirect without options
icmpv6.outer_daddr_mismatch	nf_ct_proto_58	outer daddr 2001:0db8:0000:0000:0000:0000:0000:0003 != inner 2001:0db8:0000:0000:0000:0000:0000:0004
TABLE

# the log: "[N.000001] PREFIX: MESSAGE[ ]DUMP" (era A strings carry their
# own blank; B/C ones are followed by one)
n=0
: >"$T/kern.log"
while IFS='	' read -r reason prefix msg; do
	n=$((n + 1))
	case $prefix in
	*_tcp|*_6) d=$D4 ;;
	*_udp|*_17) d=$DU ;;
	*_udplite|*_136) d=$DL ;;
	*_icmp|*_1) d=$DI ;;
	*) d=$D6 ;;
	esac
	case $prefix in nf_ct_proto_*) sep=' ' ;; *) sep= ;; esac
	case $msg in *' ') sep= ;; esac
	printf '[%6d.000001] %s: %s%s%s\n' "$n" "$prefix" "$msg" "$sep" "$d" >>"$T/kern.log"
	printf '%s\n' "$reason" >>"$T/want"
done <"$T/table"

profiles="4.9 4.19 5.10 5.15 6.0 6.1 6.18"
plan $(($(echo $profiles | wc -w) + 1))

for k in $profiles; do
	run --format json --kernel "$k" "$T/kern.log"
	ptrs=""
	i=0
	while [ $i -lt $n ]; do
		ptrs="$ptrs /events/$i/rule"
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	"$JSON_GET" "$T/out" $ptrs >"$T/got"
	status_is 0 && is events "$(jget /summary/events)" "$n" &&
		if cmp -s "$T/want" "$T/got"; then :; else
			paste "$T/want" "$T/got" "$T/table" | awk -F '\t' '$1 != $2 {
				printf "# %s: %s, want %s\n", $4 ": " $5, $2, $1 }'
			false
		fi
	ok $? "--kernel $k: all $n era A and B/C message texts recognised with their reason code"
done

# the message kept is the text without prefix, dump and trailing blanks
run --format json "$T/kern.log"
is a "$(jget /events/0/message)" "short packet" &&
	is ignored "$(jget /events/9/message)" "invalid packet ignored in state ESTABLISHED" &&
	is bound "$(jget /events/37/message)" "SEQ is over upper bound 2864372049 (over the window of the receiver)"
ok $? "messages kept without prefix, dump or trailing blanks"

done_testing
