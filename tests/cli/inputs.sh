#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Input discovery: bundle directories walked recursively and sorted, skipped
# entries, kinds recognised by content whatever the file name.
. "${top_srcdir:-.}/tests/cli/cli-lib.sh"
LOG="$DATA/cli/kern.log"
PCAP="$DATA/cli/basic.pcap"

plan 14

B="$T/bundle"
mkdir -p "$B/expected" "$B/sub/deeper" "$B/.git"
cp "$LOG" "$B/kern.log"
cp "$PCAP" "$B/sub/deeper/capture.bin"
printf 'net.netfilter.nf_conntrack_tcp_loose = 0\n' >"$B/a-sysctl.txt"
# none of these may be read: they are not evidence or they are hidden
head -c 64 /dev/urandom >"$B/expected/report.json"
head -c 64 /dev/urandom >"$B/.hidden"
head -c 64 /dev/urandom >"$B/.git/index"
for f in README KERNEL meta.json bundle.json kernel.tsv notes.md CAUSE NOT_CAUSE; do
	printf 'not evidence\n' >"$B/$f"
done

run --format json "$B"
status_is 0 && is n "$(jget /inputs/#)" 3 &&
	is in0 "$(jget /inputs/0/path)" "$B/a-sysctl.txt" &&
	is in1 "$(jget /inputs/1/path)" "$B/kern.log" &&
	is in2 "$(jget /inputs/2/path)" "$B/sub/deeper/capture.bin"
ok $? "bundle walked recursively in name order; hidden, expected/ and descriptive files skipped"

is kinds "$(jget /inputs/0/kind) $(jget /inputs/1/kind) $(jget /inputs/2/kind)" "sysctl log capture" &&
	is formats "$(jget /inputs/1/format) $(jget /inputs/2/format)" "dmesg pcap" &&
	is records "$(jget /inputs/1/records) $(jget /inputs/2/records)" "3 4"
ok $? "kinds recognised by content (a capture named .bin), formats and record counts"

is loose "$(jget /sysctl/net.netfilter.nf_conntrack_tcp_loose) $(jget /sysctl_source/net.netfilter.nf_conntrack_tcp_loose)" "0 sysctl" &&
	is matched "$(jget /summary/matched)" 3
ok $? "the bundle's sysctl dump is applied; events matched across subdirectories"

is path "$(jget /events/0/source/path)" "$B/kern.log" &&
	is mpath "$(jget /events/0/match/path)" "$B/sub/deeper/capture.bin"
ok $? "report paths are the paths as reached from the argument"

run --format json "$B/"
status_is 0 && is in1 "$(jget /inputs/1/path)" "$B/kern.log"
ok $? "a trailing slash on a directory is not doubled"

cp "$LOG" "$T/README"
run --format json "$T/README"
status_is 0 && is kind "$(jget /inputs/0/kind)" log && is events "$(jget /summary/events)" 3
ok $? "a file named on the command line is read even if its name would be skipped"

: >"$T/empty.log"
run --format json "$T/empty.log" "$LOG"
status_is 0 && is fmt "$(jget /inputs/0/format)" empty && is rec "$(jget /inputs/0/records)" 0
ok $? "an empty file is listed, not an error"

# the same bundle given twice is analysed twice, deterministically
run --format json "$LOG" "$LOG"
status_is 0 && is events "$(jget /summary/events)" 6 && is ids "$(jget /events/5/id)" 5
ok $? "inputs in argument order; event ids run across files"

run --format json "$PCAP"
status_is 0 && is events "$(jget /summary/events)" 0 && is fl "$(jget /summary/flagged_packets)" 3 &&
	is unlogged "$(jget /summary/unlogged)" 3 && is ev "$(jget /flagged_packets/0/event)" null
ok $? "a capture alone: flagged packets, none logged (event null)"

# traditional syslog has no year: it comes from the capture, not the mtime
printf '%s\n' "Nov 26 15:08:26 fw kernel: [  219.101320] $(sed -n '1s/^\[[^]]*\] //p' "$LOG")" >"$T/syslog.log"
touch -t 201905050000 "$T/syslog.log"
run --format json "$T/syslog.log" "$PCAP"
status_is 0 && is fmt "$(jget /inputs/0/format)" syslog &&
	is wall "$(jget /events/0/time/wall)" 2025-11-26T15:08:26.000000Z &&
	is match "$(jget /events/0/match/index)" 1
ok $? "syslog without a year: the year of the first capture record, not the file's mtime"

# conntrack-tools listings (plain and -o extended) are recognised, not errors
printf 'tcp      6 431999 ESTABLISHED src=192.0.2.1 dst=198.51.100.2 sport=40000 dport=443 src=198.51.100.2 dst=192.0.2.1 sport=443 dport=40000 [ASSURED] mark=0 use=1\nudp      17 29 src=192.0.2.1 dst=198.51.100.2 sport=53 dport=53 [UNREPLIED] src=198.51.100.2 dst=192.0.2.1 sport=53 dport=53 mark=0 use=1\n' >"$T/conntrack-L.txt"
printf 'ipv4     2 tcp      6 431999 ESTABLISHED src=192.0.2.1 dst=198.51.100.2 sport=40000 dport=443 src=198.51.100.2 dst=192.0.2.1 sport=443 dport=40000 [ASSURED] mark=0 zone=0 use=2\n' >"$T/conntrack-ext.txt"
run --format json "$T/conntrack-L.txt" "$T/conntrack-ext.txt" "$LOG"
status_is 0 && is kinds "$(jget /inputs/0/kind) $(jget /inputs/1/kind) $(jget /inputs/0/records)" "conntrack conntrack 2" &&
	grep -q 'conntrack table listing: recognised, not used' "$T/out" && is events "$(jget /summary/events)" 3
ok $? "conntrack -L listings are recognised (listed with a note), not errors"

# an old kernel's prefix (nf_ct_tcp:, kernels up to 4.14) with the default
# profile: a note suggests --kernel; with --kernel given, no note
sed -n '1s/nf_ct_proto_6: invalid tcp flag combination IN=vb OUT= MAC=[^ ]* /nf_ct_tcp: invalid TCP flag combination IN= OUT= /p' "$LOG" >"$T/old.log"
run --format json "$T/old.log" "$PCAP"
status_is 0 && is events "$(jget /summary/events)" 1 &&
	jget /notes | grep -q 'prefix of kernels up to 4.14, but the analysis uses the 6.18 profile' &&
	run --format json --kernel 4.14 "$T/old.log" "$PCAP" && ! jget /notes | grep -q 'up to 4.14'
ok $? "log lines of an older kernel era: a note suggests --kernel"

# a symlink loop inside a bundle is not followed; a symlinked file is read
L="$T/loop"
mkdir -p "$L/sub"
ln -s .. "$L/sub/up"
cp "$LOG" "$L/sub/kern.log"
ln -s "$(cd "$(dirname "$PCAP")" && pwd)/$(basename "$PCAP")" "$L/capture.pcap"
run --format json "$L"
status_is 0 && is n "$(jget /inputs/#)" 2 && is matched "$(jget /summary/matched)" 3 &&
	jget /notes | grep -q 'sub/up: symbolic link to a directory: not followed'
ok $? "symlinked directories inside a bundle are not followed (no loop); symlinked files are read"

# several captures in one run: each event is matched in its own capture, to
# the record index a run on that capture alone gives (0-based, per file)
F="$DATA/formats"
pairs() {
	n=$(jget /summary/events)
	p=""
	i=0
	while [ "$i" -lt "$n" ]; do
		p="$p /events/$i/match/path /events/$i/match/index"
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	"$JSON_GET" "$T/out" $p | paste - -
}
run --format json "$F/tcp-window/kern.log" "$F/tcp-window/capture.pcap" "$F/tcp-window/sysctl.txt"
pairs >"$T/one"
run --format json "$F/udp-checksum-length/kern.log" "$F/udp-checksum-length/capture.pcap"
pairs >>"$T/one"
nt=$(wc -l <"$F/tcp-window/kern.log")
nu=$(wc -l <"$F/udp-checksum-length/kern.log")
run --format json "$F/tcp-window/sysctl.txt" "$F/tcp-window/kern.log" "$F/udp-checksum-length/kern.log" \
	"$F/tcp-window/capture.pcap" "$F/udp-checksum-length/capture.pcap"
pairs >"$T/both"
status_is 0 && is events "$(jget /summary/events)" $((nt + nu)) &&
	is matched "$(jget /summary/matched)" $((nt + nu)) &&
	is kinds "$(jget /inputs/3/kind) $(jget /inputs/4/kind)" "capture capture" &&
	[ "$(jget /inputs/3/records)" -gt 0 ] && [ "$(jget /inputs/4/records)" -gt 0 ] &&
	sort "$T/one" >"$T/one.s" && sort "$T/both" >"$T/both.s" && cmp -s "$T/one.s" "$T/both.s"
ok $? "two captures in one run: every event matched in its own file at the same 0-based index"

done_testing
