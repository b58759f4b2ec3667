#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile input through the whole pipeline: deterministic damaged copies of
# a pcap and a pcapng capture, a kernel log and a journal export (tests/tools/mutate) must
# never crash ctexplain (under ASan/UBSan in CI): the exit status is 0 or 3,
# the JSON report is complete and parses, and every error names its file.
. "${top_srcdir:-.}/tests/cli/cli-lib.sh"
MUTATE="$abs_top_builddir/tests/tools/mutate"
ROUNDS=${CTEXPLAIN_ROBUST_ROUNDS:-60}

plan 5

check_round() {
	# $1: label; inputs in $T/in/
	"$CTEXPLAIN" --format json "$T/in" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then
		diag "$1: exit status $rc"
		sed 's/^/#   /' "$T/err" | head -n 20
		return 1
	fi
	if ! "$JSON_GET" "$T/out" /summary/events >/dev/null 2>&1; then
		diag "$1: report missing or not JSON"
		return 1
	fi
	if grep -v "^ctexplain: $T/in/" "$T/err" | grep -q .; then
		diag "$1: a message that does not name its file:"
		grep -v "^ctexplain: $T/in/" "$T/err" | head -n 3 | sed 's/^/#   /'
		return 1
	fi
	return 0
}

mkdir "$T/in"
for what in capture pcapng log journal; do
	bad=0
	i=1
	while [ $i -le "$ROUNDS" ]; do
		rm -f "$T/in"/*
		case $what in
		capture)
			cp "$DATA/cli/kern.log" "$T/in/kern.log"
			"$MUTATE" $i $((i % 7 + 1)) "$DATA/cli/dup.pcap" "$T/in/capture.pcap" ;;
		pcapng)
			"$MUTATE" $i $((i % 7 + 1)) "$DATA/pcap/epb-flags.pcapng" "$T/in/capture.pcapng" ;;
		log)
			cp "$DATA/cli/basic.pcap" "$T/in/capture.pcap"
			"$MUTATE" $i $((i % 5 + 1)) "$DATA/cli/dup.log" "$T/in/kern.log" ;;
		journal)
			"$MUTATE" $i $((i % 9 + 1)) "$DATA/logs/journal-export.export" "$T/in/journal.export" ;;
		esac
		check_round "$what seed $i" || bad=1
		i=$((i + 1))
	done
	ok $bad "$ROUNDS damaged ${what}s: no crash, exit 0 or 3, a JSON report, errors name the file"
done

# every capture fixture of the decoder (link types, byte orders, damage)
bad=0
for f in "$DATA"/pcap/*.pcap "$DATA"/pcap/*.pcapng; do
	rm -f "$T/in"/*
	cp "$f" "$T/in/"
	check_round "$(basename "$f")" || bad=1
done
ok $bad "the decoder's capture fixtures: no crash, exit 0 or 3, errors name the file"

done_testing
