#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make-samples.sh - (re)build samples/<name>/ from the kernel lab: each sample
# is a scenario capture replayed through the running kernel (replay.sh), with
#
#   kern.log | kern.json | kern.json-seq | kern.export
#              the kernel's own conntrack lines, converted by logconv into
#              one of the log formats ctexplain reads (message bytes unchanged)
#   capture.pcap   the frames the kernel saw (replay output)
#   kernel.tsv     the kernel's verdicts: INDEX<TAB>PROTO<TAB>MESSAGE
#   sysctl.txt     the conntrack knobs of the firewall, `sysctl -a` style
#   README         one line: what the sample shows
#   KERNEL         uname -r of the machine that made it
#   CAUSE          (samples named cause-CODE) the diagnosis code ctexplain
#                  must name for this sample's packets; NOT_CAUSE (near-CODE):
#                  the code it must not name (tests/cli/causes.sh)
#
# Scenario sidecars besides NAME.sysctl: NAME.replay holds extra replay.sh
# arguments (e.g. --timing original for timeout scenarios); NAME.post holds
# gen/edit arguments applied to the replayed capture to make the sample's
# capture.pcap (what a capture point other than the firewall recorded, e.g.
# partial checksums on the sending host: the kernel saw the wire frames).
#
# and writes samples/README.md (message -> samples table, generated from the
# kernel.tsv files).  expected/report.json is not made here.  Needs root.
#
#   make-samples.sh [--builddir DIR] [--srcdir DIR] [--only NAME]...
#
# Exit: 0 ok, 1 failure, 77 the lab cannot run here.
set -u

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
builddir=${abs_top_builddir:-}
only=()
while [ $# -gt 0 ]; do
	case $1 in
	--builddir) builddir=$2; shift 2 ;;
	--srcdir) srcdir=$2; shift 2 ;;
	--only) only+=("$2"); shift 2 ;;
	*) echo "usage: make-samples.sh [--builddir DIR] [--srcdir DIR] [--only NAME]..." >&2
	   exit 2 ;;
	esac
done
[ -n "$builddir" ] || builddir=$PWD
builddir=$(cd "$builddir" && pwd)
scen=$srcdir/tests/lab/scenarios
samples=$srcdir/samples
logconv=$builddir/tests/lab/logconv
export CTLAB_REPLAY=${CTLAB_REPLAY:-$builddir/tests/lab/ctlab-replay}

die() { echo "make-samples: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || { echo "make-samples: needs root (kernel lab)" >&2; exit 77; }
[ -x "$logconv" ] || die "no $logconv (make tests/lab/logconv in the build dir)"
[ -x "$CTLAB_REPLAY" ] || die "no $CTLAB_REPLAY (make tests/lab/ctlab-replay)"
edit=$builddir/tests/lab/gen/edit

tmp=$(mktemp -d /tmp/ctsamples.XXXXXX) || die "mktemp"
probe_ns=
cleanup()
{
	[ -n "$probe_ns" ] && ip netns del "$probe_ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'cleanup; trap - EXIT; exit 130' INT
trap 'cleanup; trap - EXIT; exit 143' TERM HUP

# Default values of the knobs, read from a fresh namespace of our own.
knobs="nf_conntrack_checksum nf_conntrack_log_invalid nf_conntrack_tcp_be_liberal
nf_conntrack_tcp_ignore_invalid_rst nf_conntrack_tcp_loose nf_conntrack_tcp_max_retrans"
probe_ns=ctsamples-probe-$$
ip netns add "$probe_ns" || die "netns add"
for k in $knobs; do
	ip netns exec "$probe_ns" sysctl "net.netfilter.$k" || die "sysctl $k"
done > "$tmp/defaults.txt"
ip netns del "$probe_ns"
probe_ns=

# NAME SCENARIO FORMAT "README line"
#
# Every crafted scenario is a sample, so together the samples hold every
# message the kernel printed for them; the post-edited real captures add
# realistic traffic.  Each log format is used at least once.
list()
{
	cat <<'EOF'
tcp-window	tcp-window	dmesg	TCP window checks in ESTABLISHED (IPv4+IPv6, both directions): SEQ/ACK over upper bound, SEQ/ACK under lower bound, bytes more than expected, out-of-window FIN/RST lowering the timeout, invalid rst, RST seq 0 after SYN, retransmissions
tcp-window-states	tcp-window-states	dmesg-T	The same window probes in SYN_RECV, FIN_WAIT, CLOSE_WAIT, LAST_ACK and TIME_WAIT
tcp-states	tcp-states	dmesg-iso	TCP state table: every IGNORE cell ("ignored, state X") and every reachable INVALID cell ("invalid, state X"), challenge ACK, resync, port reuse
tcp-malformed	tcp-malformed	syslog	TCP header errors: truncated packet, bad checksum, invalid flag combinations (IPv4+IPv6)
tcp-invalid-new	tcp-invalid-new	syslog-stamp	First packets that cannot start a connection (SYN-ACK, FIN, RST, RST-ACK): invalid new
udp-checksum-length	udp	rfc3339	UDP checksum and length errors: bad checksum, truncated/malformed (length field too big / too small), short packet, IPv4+IPv6
udplite	udplite	rfc5424	UDP-Lite: invalid checksum coverage, checksum missing, bad checksum (this kernel checks with the UDP pseudo-header protocol), short packet
icmp	icmp	short	ICMP: short packet, bad hw icmp checksum, invalid icmp type, outer daddr mismatch of errors, lone replies, RELATED errors
ipv6-icmpv6	icmpv6	short-iso	ICMPv6: short packet, checksum failed, redirect checks (short, saddr/hoplimit, without options), outer daddr mismatch
midstream-pickup	tcp-pickup	short-iso-precise	TCP connections picked up mid-stream (nf_conntrack_tcp_loose=1): liberal window tracking, only RST/new-connection messages
wscale-stripped	edit-wscale-strip-s	short-precise	Real TCP flow whose SYN-ACK window-scale option was stripped on the way: conntrack uses unscaled windows, data looks out of window
be-liberal	tcp-liberal	short-monotonic	nf_conntrack_tcp_be_liberal=1: window problems pass silently; flags, state and RST checks still log
midstream-noloose	tcp-pickup-noloose	json	nf_conntrack_tcp_loose=0: mid-stream packets are INVALID without a log line, FIN/RST log invalid new
fragments-ipv4	frag4	json-seq	IPv4 fragments (in order, out of order, overlapping, incomplete); the log line belongs to the fragment completing reassembly
asymmetric-oneway	edit-oneway	export	Real TCP flow with the server's direction removed (asymmetric routing): client ACKs hit SYN_SENT
tcp-options	tcp-options	dmesg	Window scaling on one side only, stripped scale option, SACK blocks (one beyond the data), scaled windows
no-checksum	nochecksum	syslog	nf_conntrack_checksum=0: bad checksums pass; length/coverage checks still apply
ignore-invalid-rst	tcp-ignore-invalid-rst	rfc3339	nf_conntrack_tcp_ignore_invalid_rst=1: RST below the acknowledged data accepted
ttl1	ttl1	short	TTL/hop limit 1 packets (the lab raises the TTL after conntrack so the flows stay tracked)
fragments-ipv6	frag6	short-iso	IPv6 fragments (in order, out of order, overlapping, incomplete, with errors)
real-lossy	real-tcp4-lossy	short-precise	Real TCP transfer through a lossy, reordering, duplicating relay: no log lines
shifted-seq	edit-shift-seq	json	Real TCP flow whose client sequence numbers jump by 300000 mid-flow
udplite-real	real-udplite4	syslog-stamp	Real UDP-Lite datagrams from the Linux stack (full and partial coverage): this kernel's conntrack logs every one as bad checksum
udp-length-lie	edit-udp-len	dmesg-iso	Real UDP traffic with some length fields increased by 100 (truncated/malformed)
cause-midstream_pickup	edit-small-pickup	dmesg	Real TCP exchange captured without its handshake, nf_conntrack_tcp_loose=0: the ACKs are silently INVALID, both FINs log invalid new
near-midstream_pickup	edit-ka-expire	dmesg-T	Real TCP flow with its handshake whose entry expired while idle (keep-alive every 2 s > established timeout 1 s, loose=0): the FINs log invalid new, yet nothing was picked up without a handshake
cause-wscale_mismatch	edit-small-wscale-s	dmesg-iso	Real TCP exchange whose SYN-ACK window-scale option was stripped on the way: the server's data looks out of window
near-wscale_mismatch	edit-zwin-clamp700	syslog	Real TCP flow, window scaling offered by both sides, whose client sends beyond the receive window advertised to it (windows rewritten to 700): bytes more than expected without any scaling problem
cause-asymmetric_route	edit-small-oneway	syslog-stamp	Real TCP exchange with the server's direction removed: every client packet after the SYN hits SYN_SENT
near-asymmetric_route	edit-small-synack-lost	rfc3339	Real TCP exchange whose SYN-ACK alone was lost before the capture point: both directions pass the firewall, which stays in SYN_SENT
cause-unseen_data_acked	edit-small-tail-drop	rfc5424	Real TCP exchange with the last client segment of two bursts lost before the capture point: the server acknowledges data the firewall never saw
near-unseen_data_acked	edit-small-shift-ack	short	Real TCP exchange whose server ACK numbers are shifted by 300000 (a rewriting middlebox): ACK over upper bound for data nobody sent
cause-stale_retransmission	edit-zwin-stale	short-iso	Real small-window TCP flow whose first data segment arrives again after 40 KB more were acknowledged (slow duplicate path): SEQ under lower bound
near-stale_retransmission	edit-zwin-retrans	short-iso-precise	Real small-window TCP flow with a segment duplicated inside the window: accepted, nothing logged
cause-after_close	edit-small-late-fin	short-precise	Real TCP exchange closed by FIN; the server's FIN arrives again 2.5 s later, after the TIME_WAIT entry (timeout 1 s) expired: invalid new
near-after_close	edit-small-old-rst	short-monotonic	Real TCP exchange with a RST carrying the client's first sequence number in the middle of the transfer (not after any close): invalid rst
cause-port_reuse	edit-reuse-norst	json	Real client reusing its source port for a new connection while the firewall still holds the old one as ESTABLISHED (its RST never passed): SYN ignored
near-port_reuse	edit-reuse-synretrans	json-seq	Real client connection whose SYN is seen again after the SYN-ACK (the same ISN: a retransmission, not a new connection): SYN ignored in SYN_RECV
cause-checksum_offload	edit-small-offload	export	Real TCP exchange captured on the client with checksum offload (its own packets carry the bare pseudo-header sum); the firewall saw correct checksums and logged nothing
near-checksum_offload	edit-udp4-flip	dmesg	Real UDP request/response traffic with random bit flips in some datagrams: bad checksum, genuinely corrupt
cause-checksum_corrupt	edit-small-flip	dmesg-T	Real TCP exchange with a random bit flipped in every 4th packet's payload: bad checksum (and the ACKs of the dropped data)
near-checksum_corrupt	edit-udp4-offload	dmesg-iso	Real UDP traffic captured on the client with checksum offload (partial checksums on its own datagrams); the firewall logged nothing
cause-keepalive_probe	edit-ka-expire-head	syslog	Real TCP keep-alive probes (every 2 s) outliving a 1 s established timeout with loose=0: each probe and answer is silently INVALID
near-keepalive_probe	real-tcp4-keepalive	syslog-stamp	Real TCP keep-alive probes and their answers on a live entry: accepted, nothing logged
cause-zero_window_probe	edit-zwin-expire-head	rfc3339	Real zero-window probes of a stalled receiver outliving the max_retrans timeout (1 s) with loose=0: the late probe and its answer are silently INVALID
near-zero_window_probe	real-tcp4-zwin	rfc5424	Real zero-window stall (3.5 s) with Linux window probes on a live entry: accepted, nothing logged
cause-window_overrun	edit-zwin-clamp	short	Real TCP flow whose client sends beyond the receive window advertised to it (windows rewritten to 1000): bytes more than expected
near-window_overrun	edit-small-wscale-c	short-iso	Real TCP exchange whose client SYN lost its window-scale option: conntrack uses unscaled windows, so correct data looks beyond the window
cause-fragmentation	frag4	short-iso-precise	IPv4 fragments: bad checksum and length lie across fragments, overlapping and incomplete datagrams (the same scenario as fragments-ipv4)
near-fragmentation	edit-udp4-frag-badcsum	short-precise	Real UDP traffic fragmented at 512 bytes (reassembles fine) with broken checksums on unfragmented datagrams
cause-flag_scan	tcp-scan	short-monotonic	Stealth port scan: NULL, FIN, XMAS and SYN+FIN probes over a port sweep (IPv4+IPv6) with the closed ports' RST-ACK answers (invalid new), and a plain SYN sweep
near-flag_scan	edit-small-flags	json	Real TCP exchange with FIN+PSH+URG set on one data segment in the middle of the connection: invalid tcp flag combination, no scan
cause-malformed_header	edit-small-trunc	json-seq	Real TCP exchange with a data offset of 4 (16-byte header) in every 9th packet: truncated packet
near-malformed_header	edit-small-flip5	export	Real TCP exchange with a random payload bit flipped in every 5th packet: bad checksum, the headers are intact
EOF
}

fmt_file()
{
	case $1 in
	json) echo kern.json ;;
	json-seq) echo kern.json-seq ;;
	export) echo kern.export ;;
	*) echo kern.log ;;
	esac
}

want()
{
	local n
	[ ${#only[@]} -eq 0 ] && return 0
	for n in "${only[@]}"; do [ "$n" = "$1" ] && return 0; done
	return 1
}

kernel=$(uname -r)
made=0
while IFS=$'\t' read -r name sc fmt text; do
	[ -n "$name" ] || continue
	want "$name" || continue
	pcap=$scen/$sc.pcap
	[ -r "$pcap" ] || die "$name: no $pcap"
	args=()
	[ -f "$scen/$sc.sysctl" ] && args+=(--sysctl-file "$scen/$sc.sysctl")
	if [ -f "$scen/$sc.replay" ]; then
		# shellcheck disable=SC2207
		args+=($(sed 's/#.*//' "$scen/$sc.replay"))
	fi
	out=$tmp/$name
	"$here/replay.sh" ${args[@]+"${args[@]}"} "$pcap" "$out" > "$tmp/$name.out" 2>&1
	rc=$?
	[ $rc -eq 77 ] && { cat "$tmp/$name.out" >&2; exit 77; }
	[ $rc -eq 0 ] || { cat "$tmp/$name.out" >&2; die "$name: replay failed ($rc)"; }
	offset=$(sed -n 's/.*"kernel_to_wall_offset": *\([0-9.]*\).*/\1/p' "$out/meta.json")
	[ -n "$offset" ] || die "$name: no kernel_to_wall_offset in meta.json"

	d=$samples/$name
	mkdir -p "$d" || die "mkdir $d"
	rm -f "$d"/kern.log "$d"/kern.json "$d"/kern.json-seq "$d"/kern.export
	"$logconv" "$fmt" "$offset" < "$out/kern.log" > "$d/$(fmt_file "$fmt")" ||
		die "$name: logconv failed"
	if [ -f "$scen/$sc.post" ]; then
		[ -x "$edit" ] || die "no $edit (make tests/lab/gen/edit)"
		# shellcheck disable=SC2046
		"$edit" "$out/capture.pcap" "$d/capture.pcap" $(sed 's/#.*//' "$scen/$sc.post") ||
			die "$name: post-edit of the capture failed"
	else
		cp "$out/capture.pcap" "$d/capture.pcap" || die "$name: copy capture"
	fi
	cp "$out/kernel.tsv" "$d/kernel.tsv" || die "$name: copy kernel.tsv"
	# sysctl.txt: defaults, the lab's log_invalid=255, the sidecar's values
	{
		while IFS= read -r line; do
			k=${line%% =*}
			v=$(sed -n "s/^[ \t]*${k//./\\.}[ \t]*=[ \t]*\([^ \t]*\).*/\1/p" \
				"$scen/$sc.sysctl" 2>/dev/null | tail -1)
			[ "$k" = net.netfilter.nf_conntrack_log_invalid ] && v=255
			if [ -n "$v" ]; then
				echo "$k = $v"
			else
				echo "$line"
			fi
		done < "$tmp/defaults.txt"
		# sidecar knobs that are not among the defaults (timeouts)
		[ -f "$scen/$sc.sysctl" ] &&
			sed -n 's/^[ \t]*\(net\.[^ \t=]*\)[ \t]*=[ \t]*\([^ \t]*\).*/\1 = \2/p' \
				"$scen/$sc.sysctl" | while IFS= read -r line; do
				grep -q "^${line%% =*} =" "$tmp/defaults.txt" || echo "$line"
			done
	} > "$d/sysctl.txt"
	printf '%s\n' "$text" > "$d/README"
	printf '%s\n' "$kernel" > "$d/KERNEL"
	rm -f "$d/CAUSE" "$d/NOT_CAUSE"
	case $name in
	cause-*) printf '%s\n' "${name#cause-}" > "$d/CAUSE" ;;
	near-*) printf '%s\n' "${name#near-}" > "$d/NOT_CAUSE" ;;
	esac
	echo "make-samples: $name: $(wc -l < "$d/kernel.tsv") kernel lines ($fmt)"
	made=$((made + 1))
done < <(list)

# samples/README.md: message template -> samples, from every kernel.tsv
{
	echo "# Samples: real-kernel bundles"
	echo
	echo "Each directory is one scenario replayed through the conntrack of a real"
	echo "kernel (\`tests/lab/make-samples.sh\`, run by \`make samples\` as root):"
	echo "\`kern.*\` (the kernel's own log lines, in one of the log formats"
	echo "ctexplain reads), \`capture.pcap\`, \`sysctl.txt\`, \`README\`, \`KERNEL\`"
	echo "(uname -r), \`kernel.tsv\` (the kernel's verdicts: record index, protocol,"
	echo "message) and, once ctexplain agrees with the kernel, \`expected/report.json\`."
	echo
	echo "This file is generated by make-samples.sh; do not edit it by hand."
	echo
	echo "| sample | kernel | log file | lines | what it shows |"
	echo "|---|---|---|---|---|"
	for d in "$samples"/*/; do
		[ -f "$d/kernel.tsv" ] || continue
		n=$(basename "$d")
		f=$(cd "$d" && ls kern.* 2>/dev/null | head -1)
		echo "| $n | $(cat "$d/KERNEL") | $f | $(wc -l < "$d/kernel.tsv") | $(cat "$d/README") |"
	done
	echo
	echo "## Messages and the samples that contain them"
	echo
	echo "Numbers in messages are shown as N, addresses as A.B.C.D / X:X:X:X:X:X:X:X;"
	echo "the count is the number of log lines."
	echo
	echo "| proto | message | samples (lines) |"
	echo "|---|---|---|"
	for d in "$samples"/*/; do
		[ -f "$d/kernel.tsv" ] || continue
		n=$(basename "$d")
		awk -F'\t' -v s="$n" '{ print $2 "\t" norm($3) "\t" s }
			# numbers and addresses that vary -> N, A.B.C.D, X:...:X
			function norm(m,   t, k, i, out) {
				k = split(m, t, " ")
				out = ""
				for (i = 1; i <= k; i++) {
					if (t[i] ~ /^[0-9]+(\.[0-9]+)(\.[0-9]+)(\.[0-9]+)$/)
						t[i] = "A.B.C.D"
					else if (t[i] ~ /^[0-9a-f]+(:[0-9a-f]+)+$/ && t[i] ~ /:/)
						t[i] = "X:X:X:X:X:X:X:X"
					else if (t[i] ~ /^\(?[0-9]+[),]?$/)
						gsub(/[0-9]+/, "N", t[i])
					out = out (i > 1 ? " " : "") t[i]
				}
				return out
			}' "$d/kernel.tsv"
	done | sort | uniq -c | awk '
		{ c = $1; sub(/^ *[0-9]+ /, ""); split($0, f, "\t")
		  key = f[1] "\t" f[2]
		  if (!(key in list)) { order[++n] = key; list[key] = "" }
		  list[key] = list[key] (list[key] == "" ? "" : ", ") f[3] " (" c ")" }
		END { for (i = 1; i <= n; i++) { split(order[i], k, "\t")
		  m = k[2]; gsub(/\|/, "\\|", m)
		  print "| " k[1] " | `" m "` | " list[order[i]] " |" } }'
} > "$samples/README.md"
echo "make-samples: $made samples, samples/README.md written"
exit 0
