#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Damaged inputs: each gives one clear stderr message naming the file (and
# the record or line), exit status 3, and the report for the rest.
. "${top_srcdir:-.}/tests/cli/cli-lib.sh"
LOG="$DATA/cli/kern.log"
PCAP="$DATA/cli/basic.pcap"

plan 11

# the rest of the input (kern.log + basic.pcap) must still be fully analysed
rest_ok() {
	is events "$(jget /summary/events)" 3 && is matched "$(jget /summary/matched)" 3 &&
		is errors "$(jget /errors/#)" 1
}

run --format json "$T/missing.pcap" "$LOG" "$PCAP"
status_is 3 && is lines "$(stderr_lines)" 1 &&
	grep -q "^ctexplain: $T/missing.pcap: cannot open: No such file or directory\$" "$T/err" && rest_ok
ok $? "missing file: one message naming it, exit 3, rest analysed"

mkdir "$T/b1"
cp "$LOG" "$PCAP" "$T/b1/"
head -c 2000 /dev/urandom >"$T/b1/mystery.dat"
printf '\000\001\002\003 not a log\n' >>"$T/b1/mystery.dat"
run --format json "$T/b1"
status_is 3 && is lines "$(stderr_lines)" 1 &&
	grep -q "^ctexplain: $T/b1/mystery.dat: unknown kind of file" "$T/err" &&
	is events "$(jget /summary/events)" 3 && is matched "$(jget /summary/matched)" 3 &&
	is n "$(jget /inputs/#)" 2
ok $? "directory with a file of no known kind: named, exit 3, rest analysed"

run --format json "$LOG" "$DATA/cli/truncated.pcap"
status_is 3 && is lines "$(stderr_lines)" 1 &&
	grep -q "^ctexplain: $DATA/cli/truncated.pcap: record 3: " "$T/err" &&
	is events "$(jget /summary/events)" 3 && is matched "$(jget /summary/matched)" 2 &&
	is records "$(jget /inputs/1/records)" 3 && is flagged "$(jget /summary/flagged_packets)" 2 &&
	is note "$(jget /events/2/match_note)" "no packet with these fields"
ok $? "truncated pcap: record named, exit 3, records before it analysed"

{ head -n 1 "$LOG"; printf 'x\000\001\002\377\376 garbage\n'; tail -n 2 "$LOG"; } >"$T/garbage.log"
run --format json "$T/garbage.log" "$PCAP"
status_is 3 && is lines "$(stderr_lines)" 1 &&
	grep -q "^ctexplain: $T/garbage.log: line 2: binary data" "$T/err" && rest_ok &&
	is line "$(jget /events/2/source/line)" 4
ok $? "binary garbage inside a log: line named, exit 3, other lines analysed"

EXP="$DATA/logs/journal-export.export"
CUT="$DATA/logs/journal-export-cut.export"
run --format json "$EXP"
full=$(jget /summary/events)
run --format json "$CUT" "$LOG" "$PCAP"
status_is 3 && is lines "$(stderr_lines)" 1 &&
	grep -q "^ctexplain: $CUT: entry 2: " "$T/err" &&
	[ "$(jget /inputs/0/kind)" = log ] && [ "$(jget /inputs/0/format)" = journal-export ] &&
	cut_events=$(jget /summary/events) && [ "$cut_events" -ge 3 ] &&
	[ "$cut_events" -lt $((full + 3)) ] && [ "$(jget /summary/matched)" -ge 3 ]
ok $? "journal export cut mid-field: entry named, exit 3, rest analysed"

{
	head -n 1 "$LOG"
	awk 'BEGIN { s = "x"; while (length(s) < 70000) s = s s; print "[  219.102000] " s }'
	tail -n 2 "$LOG"
} >"$T/long.log"
run --format json "$T/long.log" "$PCAP"
status_is 3 && is lines "$(stderr_lines)" 1 &&
	grep -q "^ctexplain: $T/long.log: line 2: longer than 65536 bytes" "$T/err" && rest_ok &&
	is cut "$(jget /stats/log_lines_cut)" 1
ok $? "over-long line: line named, exit 3, other lines analysed"

# every damage at once: one line each, the report still written
run --format json "$T/missing.log" "$T/long.log" "$DATA/cli/truncated.pcap"
status_is 3 && is lines "$(stderr_lines)" 3 && is errors "$(jget /errors/#)" 3 &&
	is events "$(jget /summary/events)" 3
ok $? "several damaged inputs: one message each"

run "$T/missing.log" "$LOG"
status_is 3 && grep -q '^Errors:' "$T/out" && grep -q 'missing.log: cannot open' "$T/out"
ok $? "text report lists the errors too"

printf 'net.netfilter.nf_conntrack_tcp_loose = banana\n' >"$T/bad-sysctl.conf"
run --format json "$T/bad-sysctl.conf" "$LOG"
status_is 3 && grep -q "^ctexplain: $T/bad-sysctl.conf: line 1: " "$T/err" &&
	is loose "$(jget /sysctl/net.netfilter.nf_conntrack_tcp_loose)" 1
ok $? "sysctl dump with a bad value: line named, exit 3, default kept"

gzip -c "$LOG" >"$T/kern.log.1.gz"
run --format json "$T/kern.log.1.gz" "$LOG" "$PCAP"
status_is 3 && is lines "$(stderr_lines)" 1 &&
	grep -q "^ctexplain: $T/kern.log.1.gz: gzip-compressed file: decompress it first\$" "$T/err" &&
	rest_ok
ok $? "a compressed file is named as such, exit 3, rest analysed"

# an unreadable file; root reads everything, so as root the run drops to
# the nobody user (setpriv) on copies it can reach
chmod 000 "$T/b1/kern.log"
asuser=
if [ "$(id -u)" -eq 0 ]; then
	chmod 711 "$T" && mkdir "$T/u" && chmod 755 "$T/u" &&
		cp "$LOG" "$T/u/unreadable.log" && cp "$PCAP" "$T/u/basic.pcap" &&
		chmod 000 "$T/u/unreadable.log" && chmod 644 "$T/u/basic.pcap"
	cp "$LOG" "$T/u/readable.log" && chmod 644 "$T/u/readable.log"
	asuser="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	$asuser "$CTEXPLAIN" --format json "$T/u/readable.log" >/dev/null 2>&1 || asuser=skip
fi
if [ "$asuser" = skip ]; then
	echo "ok 11 # SKIP root, and the nobody user cannot run $CTEXPLAIN (or no setpriv)"
	tap_n=11
elif [ -n "$asuser" ]; then
	$asuser "$CTEXPLAIN" --format json "$T/u/unreadable.log" "$T/u/readable.log" "$T/u/basic.pcap" \
		>"$T/out" 2>"$T/err"
	rc=$?
	status_is 3 && is lines "$(stderr_lines)" 1 &&
		grep -q "^ctexplain: $T/u/unreadable.log: cannot open: Permission denied\$" "$T/err" && rest_ok
	ok $? "unreadable file (as nobody): one message naming it, exit 3, rest analysed"
else
	run --format json "$T/b1/kern.log" "$LOG" "$PCAP"
	status_is 3 && is lines "$(stderr_lines)" 1 &&
		grep -q "^ctexplain: $T/b1/kern.log: cannot open: Permission denied\$" "$T/err" && rest_ok
	ok $? "unreadable file: one message naming it, exit 3, rest analysed"
fi

done_testing
