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
	cp "$out/capture.pcap" "$d/capture.pcap" || die "$name: copy capture"
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
	} > "$d/sysctl.txt"
	printf '%s\n' "$text" > "$d/README"
	printf '%s\n' "$kernel" > "$d/KERNEL"
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
