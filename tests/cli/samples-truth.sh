#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Correlation against the kernel's own ground truth: every sample bundle's
# kernel.tsv lists, per capture record, the lines the real kernel logged for
# it (tests/lab/ctlab-replay).  Each event of the report must be matched,
# and to a record for which the kernel printed that very message.  One TAP
# line per bundle; bundles without kernel.tsv are skipped.  The number of
# events, of matched events and of events whose verdict agrees must all
# equal the number of kernel.tsv lines (a bundle whose log file is missing
# has no events and fails here).
. "${top_srcdir:-.}/tests/cli/cli-lib.sh"

set --
for d in "$top_srcdir"/samples/*/; do
	[ -f "$d/kernel.tsv" ] && set -- "$@" "$(basename "$d")"
done
if [ $# -eq 0 ]; then
	echo "1..0 # SKIP no sample bundles with kernel.tsv"
	exit 0
fi
plan $#

for b in "$@"; do
	(cd "$top_srcdir" && "$CTEXPLAIN" --format json "samples/$b") >"$T/r.json" 2>"$T/err"
	n=$("$JSON_GET" "$T/r.json" /events/#) || n=-1
	bad=0
	if [ "$n" -lt 0 ]; then
		diag "$b: no report"
		bad=1
	fi
	# every kernel line is an event of the bundle's own log, matched to
	# its packet, and the engine's verdict agrees with it
	want=$(wc -l <"$top_srcdir/samples/$b/kernel.tsv" | tr -d ' ')
	m=$("$JSON_GET" "$T/r.json" /summary/matched) || m=-1
	a=$("$JSON_GET" "$T/r.json" /summary/agree) || a=-1
	if [ "$n" -ne "$want" ] || [ "$m" != "$want" ] || [ "$a" != "$want" ]; then
		diag "$b: $n event(s), $m matched, $a agree; kernel.tsv has $want line(s)"
		[ "$want" -gt 0 ] && ! ls "$top_srcdir/samples/$b"/kern.* >/dev/null 2>&1 &&
			diag "$b: no kern.* log file in the bundle"
		bad=1
	fi
	i=0
	ptrs=""
	while [ $i -lt "$n" ]; do
		ptrs="$ptrs /events/$i/match/index /events/$i/message"
		i=$((i + 1))
	done
	if [ "$n" -gt 0 ]; then
		# shellcheck disable=SC2086
		"$JSON_GET" "$T/r.json" $ptrs >"$T/pairs"
		if [ "$(wc -l <"$T/pairs")" -ne $((2 * n)) ]; then
			diag "$b: unexpected json-get output"
			bad=1
		fi
		# kernel.tsv: record<TAB>proto<TAB>message; pairs: index, message lines
		awk -F '\t' -v b="$b" '
			FNR == NR { logged[$1 "\t" $3] = 1; next }
			FNR % 2 == 1 { idx = $0; next }
			{
				ev = (FNR / 2) - 1
				if (idx == "null" || idx == "<missing>") {
					printf "# %s: event %d unmatched\n", b, ev; bad = 1
				} else if (!((idx "\t" $0) in logged)) {
					printf "# %s: event %d matched record %s, where the kernel did not log \"%s\"\n", b, ev, idx, $0
					bad = 1
				}
			}
			END { exit bad }' "$top_srcdir/samples/$b/kernel.tsv" "$T/pairs" || bad=1
	fi
	ok $bad "$b: $n event(s) for $want kernel line(s), each matched to a record the kernel logged it for"
done

done_testing
