#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The text and Markdown writers: the bundle summary (counts by cause and by
# reason, events with no packet, packets no log line mentions and why that
# may be, clock offset); Markdown tables and one <details> timeline per
# event, rendered by cmark-gfm (GitHub's renderer) when it is installed,
# hostile log text and file names kept from making markup; ANSI colour
# only on a terminal or with --color=always, never with NO_COLOR or into a
# file.
. "${top_srcdir:-.}/tests/cli/cli-lib.sh"
LOG="$DATA/cli/kern.log"
PCAP="$DATA/cli/basic.pcap"
SAMPLE="$top_srcdir/samples/midstream-pickup"
ESC=$(printf '\033')

plan 23

has_esc() { grep -q "$ESC" "$1"; }

# --- bundle summary ---------------------------------------------------------

# one log line of three, and a sysctl dump that logs TCP only
head -n 1 "$LOG" >"$T/one.log"
printf 'net.netfilter.nf_conntrack_log_invalid = 6\n' >"$T/sysctl.txt"
run "$T/one.log" "$PCAP" "$T/sysctl.txt"
status_is 0 &&
	grep -qx '  packets the kernel would log that no log line mentions: 2 (2 UDP)' "$T/out" &&
	grep -qx '  UDP: 2 invalid, 0 ignored; this may be because of' "$T/out" &&
	grep -qx '    - nf_conntrack_log_invalid = 6 (sysctl) logs TCP only, not UDP' "$T/out" &&
	grep -q '^    - log collection: lines lost' "$T/out" &&
	grep -q '^    - capture point: ' "$T/out" &&
	grep -q '^  .*basic.pcap #2 .* invalid: bad checksum \[[a-z_]*\]$' "$T/out"
ok $? "text: packets no log line mentions, by protocol, with the sysctl that explains them"

run --format markdown "$T/one.log" "$PCAP" "$T/sysctl.txt"
status_is 0 &&
	grep -qx '## Packets the kernel would log that no log line mentions (2)' "$T/out" &&
	grep -qx 'UDP: 2 invalid, 0 ignored. This may be because of:' "$T/out" &&
	grep -qx -- '- nf_conntrack_log_invalid = 6 (sysctl) logs TCP only, not UDP' "$T/out" &&
	grep -q '^| .*basic.pcap | 2 | .* | invalid | bad checksum | `[a-z_]*` |$' "$T/out"
ok $? "markdown: the same, with the packets in a table"

run --format json "$T/one.log" "$PCAP" "$T/sysctl.txt"
status_is 0 && is unmatched "$(jget /summary/events_unmatched)" 0 &&
	is groups "$("$JSON_GET" "$T/out" /summary/unlogged_by_proto/#)" 1 &&
	is group "$(jget /summary/unlogged_by_proto/0/proto) $(jget /summary/unlogged_by_proto/0/name) $(jget /summary/unlogged_by_proto/0/invalid) $(jget /summary/unlogged_by_proto/0/ignored)" \
		"17 UDP 2 0" &&
	is why "$(jget /summary/unlogged_by_proto/0/why/0)" \
		"nf_conntrack_log_invalid = 6 (sysctl) logs TCP only, not UDP" &&
	run --format json "$LOG" && is unmatched "$(jget /summary/events_unmatched)" 3 &&
	is groups "$("$JSON_GET" "$T/out" /summary/unlogged_by_proto/#)" 0
ok $? "JSON: summary.events_unmatched and unlogged_by_proto (proto, name, counts, why)"

run "$PCAP"
status_is 0 && grep -qx '    - the bundle holds no kernel log' "$T/out" &&
	grep -qx '  TCP: 1 invalid, 0 ignored; this may be because of' "$T/out"
ok $? "a capture alone: the reason is that there is no log"

run "$LOG"
status_is 0 && grep -qx '  events with no packet in the captures: 3' "$T/out" &&
	grep -qx 'Events with no packet in the captures (3):' "$T/out" &&
	grep -q '^  event 0 .*kern.log:1 tcp.flags_invalid: no packet with these fields$' "$T/out"
ok $? "text: events with no packet, counted and listed with the reason"

run --format markdown "$LOG"
status_is 0 && grep -qx -- '- Events with no packet in the captures: 3' "$T/out" &&
	grep -qx '## Events with no packet in the captures (3)' "$T/out" &&
	grep -q '^| 0 | .*kern.log:1 | `tcp.flags_invalid` | no packet with these fields |$' "$T/out"
ok $? "markdown: events with no packet"

run "$LOG" "$PCAP"
status_is 0 &&
	grep -q '^  clock offset (capture - log) of .*kern.log (kernel clock): booted at 2025-11-26T15:04:47.000000Z by the capture clock, from 3 pairs' "$T/out" &&
	run --format markdown "$LOG" "$PCAP" &&
	grep -q '^| `.*kern.log` | kernel | booted at 2025-11-26T15:04:47.000000Z | 3 | 0.000000 |$' "$T/out"
ok $? "clock offset in the bundle summary (text and markdown)"

# counts by cause and by reason agree with the JSON report's events
if [ -d "$SAMPLE" ]; then
	run --format json "$SAMPLE"
	cp "$T/out" "$T/s.json"
	n=$(jget /summary/events "$T/s.json")
	run "$SAMPLE"
	cp "$T/out" "$T/s.txt"
	run --format markdown "$SAMPLE"
	cp "$T/out" "$T/s.md"
	bad=0
	i=0
	while [ "$i" -lt "$n" ]; do
		rule=$(jget "/events/$i/rule" "$T/s.json")
		cnt=$("$JSON_GET" "$T/s.json" /events/#)
		want=0
		k=0
		while [ "$k" -lt "$cnt" ]; do
			[ "$(jget "/events/$k/rule" "$T/s.json")" = "$rule" ] && want=$((want + 1))
			k=$((k + 1))
		done
		grep -Eq "^    $rule +$want +[0-9]+\$" "$T/s.txt" || { diag "text: no '$rule $want' row"; bad=1; }
		grep -q "^| \`$rule\` | $want | [0-9]* |\$" "$T/s.md" || { diag "md: no '$rule $want' row"; bad=1; }
		i=$((i + 1))
	done
	[ "$n" -gt 0 ] && [ $bad -eq 0 ] &&
		grep -qx '### By reason' "$T/s.md" &&
		grep -qx '| reason | log events | packets the kernel would log |' "$T/s.md"
	ok $? "by-reason counts (text and markdown) match the JSON events ($n)"

	if [ "$(jtype /events/0/explanation/cause "$T/s.json")" = string ]; then
		c=$(jget /events/0/explanation/cause "$T/s.json")
		grep -Eq "^    $c +[1-9][0-9]* +[0-9]+ +[0-9]+\$" "$T/s.txt" &&
			grep -q "^| \`$c\` | [1-9][0-9]* | [0-9]* | [0-9]* |\$" "$T/s.md" &&
			grep -qx '### By cause' "$T/s.md" &&
			grep -q "^  cause:    $c" "$T/s.txt" &&
			grep -q "^\*\*Cause: \`$c\`\*\*" "$T/s.md"
		ok $? "by-cause tables and each event's cause ($c)"
	else
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP the JSON report has no explanation.cause yet"
	fi

	# one section and one collapsible timeline per event
	secs=$(grep -c '^### Event [0-9]*: ' "$T/s.md")
	dets=$(grep -c '^<details><summary>Flow timeline: [0-9]* packets\{0,1\} around event [0-9]*</summary>$' "$T/s.md")
	ends=$(grep -c '^</details>$' "$T/s.md")
	tabs=$(grep -A2 '^<details><summary>' "$T/s.md" | grep -c '^| | capture | record | time |')
	is sections "$secs" "$n" && is details "$dets" "$n" && is ends "$ends" "$n" && is tables "$tabs" "$n"
	ok $? "markdown: a section and a <details> timeline table per event"
else
	for d in counts cause details; do
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP no $SAMPLE"
	done
fi

# --- markdown rendering and escaping ----------------------------------------

# a conntrack line and a file name full of markup
mkdir "$T/hb"
sed 's/invalid tcp flag combination/weird <script>alert(1)<\/script> | `x` *b* [l](http:\/\/e) \&amp; __u__/' \
	"$LOG" | head -n 1 >"$T/hb/k|\`<b>x.log"
cp "$PCAP" "$T/hb/"
run --format markdown "$T/hb"
status_is 0 && cp "$T/out" "$T/h.md" &&
	row=$(grep '^| 0 | ' "$T/h.md" | head -n 1) &&
	is cells "$(printf '%s' "$row" | sed 's/\\|//g' | tr -cd '|' | wc -c | tr -d ' ')" 9 &&
	grep -q 'weird &lt;script&gt;alert(1)&lt;/script&gt; \\| \\`x\\` \\\*b\\\* \\\[l\\\](http://e) &amp;amp; \\_\\_u\\_\\_' "$T/h.md" &&
	! grep -q '<script' "$T/h.md"
ok $? "markdown: log text and file names escaped (| < > \` * [ ] _ &), table rows keep their cells"

if command -v cmark-gfm >/dev/null 2>&1; then
	# every table row has as many cells as its header
	cells_ok() {
		awk '
			/<table>/ { head = 0; inhead = 1; next }
			/<\/thead>/ { inhead = 0; next }
			/<th[ >]/ && inhead { head++ }
			/<tr>/ && !inhead { n = 0 }
			/<td/ { n++ }
			/<\/tr>/ && !inhead { if (n != head) { print "row of " n " cells, header " head; bad = 1 } }
			END { exit bad }' "$1"
	}
	cmark-gfm -e table "$T/h.md" >"$T/h.html" &&
		! grep -q '<script\|<b>\|<a href\|<em>\|<code>x' "$T/h.html" &&
		grep -q '<td>weird &lt;script&gt;alert(1)&lt;/script&gt; | `x` \*b\* \[l\](http://e) &amp;amp; __u__</td>' "$T/h.html" &&
		cells_ok "$T/h.html"
	ok $? "cmark-gfm: the hostile text renders as text, no element from it, rows intact"

	if [ -f "$T/s.md" ]; then
		cmark-gfm -e table --unsafe "$T/s.md" >"$T/s.html"
		is html-details "$(grep -c '^<details><summary>Flow timeline' "$T/s.html")" "$n" &&
			is html-tables "$(grep -c '^<table>' "$T/s.html")" \
				"$(grep -c '^|---' "$T/s.md")" &&
			cells_ok "$T/s.html"
		ok $? "cmark-gfm: every markdown table renders as a table, a <details> per event"
	else
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP no $SAMPLE"
	fi
else
	for d in 1 2; do
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP cmark-gfm not installed"
	done
fi

# --- colour -------------------------------------------------------------------

run "$LOG" "$PCAP"
status_is 0 && ! has_esc "$T/out"
ok $? "text to a pipe: no ANSI escapes"

run --color=always "$LOG" "$PCAP"
status_is 0 && has_esc "$T/out" && grep -q "^${ESC}\[1mevent 0 " "$T/out" &&
	grep -q "${ESC}\[32m(agrees)${ESC}\[0m" "$T/out"
ok $? "--color=always: ANSI escapes (bold event headings, verdict colours)"

NO_COLOR=1 run "$LOG" "$PCAP"
a=$rc
NO_COLOR=1 run --color=auto "$LOG" "$PCAP"
[ $a -eq 0 ] && status_is 0 && ! has_esc "$T/out" &&
	NO_COLOR=1 run --color=always "$LOG" "$PCAP" && has_esc "$T/out"
ok $? "NO_COLOR: no colour, unless --color=always"

run --color=always -o "$T/r.txt" "$LOG" "$PCAP"
a=$rc
run -o "$T/r2.txt" "$LOG" "$PCAP"
[ $a -eq 0 ] && status_is 0 && has_esc "$T/r.txt" && ! has_esc "$T/r2.txt"
ok $? "-o FILE: coloured only with --color=always"

run --color=always --format markdown "$LOG" "$PCAP"
a=$rc
run --color=always --format json "$LOG" "$PCAP"
[ $a -eq 0 ] && status_is 0 && ! has_esc "$T/out" &&
	run --color=always --format markdown "$LOG" "$PCAP" && ! has_esc "$T/out"
ok $? "markdown and JSON are never coloured"

# an ESC byte in the log itself never reaches the terminal
printf '%s\n' "$(head -n 1 "$LOG" | sed "s/invalid tcp flag combination/x${ESC}[2Jy/")" >"$T/esc.log"
run --color=never "$T/esc.log" "$PCAP"
! has_esc "$T/out" && grep -q 'message:  x?\[2Jy' "$T/out"
ok $? "--color=never: no escape at all, the log's own ESC shown as '?'"

run --color=purple "$LOG"
status_is 2 && grep -q "unknown --color 'purple' (auto, always or never)" "$T/err"
ok $? "--color with a bad value: exit 2"

if command -v script >/dev/null 2>&1 &&
	script -qec "echo pty-probe" /dev/null 2>/dev/null </dev/null | grep -q pty-probe; then
	tty_run() { # ENV... -- ARGS: the report on a pty, in $T/tty
		env "$@" script -qec "'$CTEXPLAIN' '$LOG' '$PCAP'" /dev/null </dev/null >"$T/tty" 2>&1
	}
	tty_run TERM=xterm && has_esc "$T/tty" && grep -q 'event 0' "$T/tty"
	ok $? "on a terminal: coloured by default"

	tty_run TERM=xterm NO_COLOR=1 && ! has_esc "$T/tty" && grep -q 'event 0' "$T/tty" &&
		tty_run TERM=xterm NO_COLOR= && has_esc "$T/tty"
	ok $? "on a terminal: NO_COLOR=1 turns colour off, an empty NO_COLOR does not"

	tty_run TERM=dumb && ! has_esc "$T/tty" && grep -q 'event 0' "$T/tty"
	ok $? "on a dumb terminal: no colour"
else
	for d in 1 2 3; do
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP script(1) or a pty not available"
	done
fi

done_testing
