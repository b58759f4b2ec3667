#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Determinism (STYLE.md 2.10): the same inputs give byte-identical reports,
# whatever the time zone, and nothing depends on the clock.
. "${top_srcdir:-.}/tests/cli/cli-lib.sh"

plan 5

B="$T/bundle"
mkdir -p "$B/z" "$B/a"
cp "$DATA/cli/dup.log" "$B/z/kern.log"
cp "$DATA/cli/kern.log" "$B/a/kern.log"
cp "$DATA/cli/dup.pcap" "$B/capture.pcap"
cp "$DATA/cli/basic.pcap" "$B/a/other.pcap"

"$CTEXPLAIN" --format json "$B" >"$T/1.json" 2>&1
"$CTEXPLAIN" --format json "$B" >"$T/2.json" 2>&1
cmp -s "$T/1.json" "$T/2.json"
ok $? "two JSON runs are byte-identical"

"$CTEXPLAIN" "$B" >"$T/1.txt" 2>&1
"$CTEXPLAIN" "$B" >"$T/2.txt" 2>&1
cmp -s "$T/1.txt" "$T/2.txt"
ok $? "two text runs are byte-identical"

"$CTEXPLAIN" --format markdown "$B" >"$T/1.md" 2>&1
"$CTEXPLAIN" --format markdown "$B" >"$T/2.md" 2>&1
cmp -s "$T/1.md" "$T/2.md"
ok $? "two Markdown runs are byte-identical"

TZ=Pacific/Chatham "$CTEXPLAIN" --format json "$B" >"$T/3.json" 2>&1
cmp -s "$T/1.json" "$T/3.json"
ok $? "the time zone does not change the report"

# flagged packets sorted by path, then index; events by id
prev=""
bad=0
n=$("$JSON_GET" "$T/1.json" /flagged_packets/#)
i=0
while [ $i -lt "$n" ]; do
	key=$("$JSON_GET" "$T/1.json" /flagged_packets/$i/path /flagged_packets/$i/index |
		awk 'NR == 1 { p = $0 } NR == 2 { printf "%s %012d", p, $0 }')
	if [ -n "$prev" ] && [ "$(printf '%s\n%s\n' "$prev" "$key" | LC_ALL=C sort | head -n 1)" != "$prev" ]; then
		diag "flagged packets out of order: '$prev' before '$key'"
		bad=1
	fi
	prev=$key
	i=$((i + 1))
done
ids=$("$JSON_GET" "$T/1.json" /events/0/id /events/1/id /events/2/id /events/3/id | tr '\n' ' ')
[ $bad -eq 0 ] && [ "$n" -eq 6 ] && is ids "$ids" "0 1 2 3 "
ok $? "flagged packets sorted by (path, index), events by id"

done_testing
