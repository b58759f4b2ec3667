#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Diagnosis against the cause samples (issue 5, acceptance 6): every
# samples/NAME/CAUSE names the cause code ctexplain must give that bundle,
# every samples/NAME/NOT_CAUSE a code it must not give (near misses).  The
# bundles were made by the kernel lab (tests/lab/make-samples.sh).
#
# CAUSE: the code must appear among events[].explanation.cause; when the
# bundle has no logged events, among flagged_packets[].cause; when it has
# neither (the kernel marked packets INVALID without a log line), among
# silent_packets[].cause.  NOT_CAUSE: the code must appear in none of the
# three.  One TAP line per bundle, saying what was found.
. "${top_srcdir:-.}/tests/cli/cli-lib.sh"

set --
for d in "$top_srcdir"/samples/*/; do
	if [ -f "$d/CAUSE" ] || [ -f "$d/NOT_CAUSE" ]; then
		set -- "$@" "$(basename "$d")"
	fi
done
if [ $# -eq 0 ]; then
	echo "1..0 # SKIP no sample with CAUSE or NOT_CAUSE"
	exit 0
fi
plan $#

# causes FILE ARRAY POINTER_TAIL: the values of ARRAY[i]POINTER_TAIL, one a
# line ("<missing>" where absent); nothing when the array is absent/empty.
causes() {
	n=$("$JSON_GET" "$1" "/$2/#" 2>/dev/null) || return 0
	i=0
	ptrs=""
	while [ "$i" -lt "$n" ]; do
		ptrs="$ptrs /$2/$i$3"
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	[ -n "$ptrs" ] && "$JSON_GET" "$1" $ptrs
	return 0
}

# summarize FILE: "code(count) code(count)" of a list of lines
summarize() {
	sort "$1" | uniq -c | awk '{ printf "%s%s(%d)", (NR > 1 ? " " : ""), $2, $1 }'
}

for b in "$@"; do
	d="$top_srcdir/samples/$b"
	(cd "$top_srcdir" && "$CTEXPLAIN" --format json "samples/$b") >"$T/r.json" 2>"$T/err"
	bad=0
	if ! "$JSON_GET" "$T/r.json" /summary >/dev/null 2>&1; then
		diag "$b: no report; stderr:"
		sed 's/^/#   /' "$T/err"
		bad=1
	fi
	causes "$T/r.json" events /explanation/cause >"$T/ev"
	causes "$T/r.json" flagged_packets /cause >"$T/fp"
	causes "$T/r.json" silent_packets /cause >"$T/sp"
	found="events: $(summarize "$T/ev"); flagged: $(summarize "$T/fp"); silent: $(summarize "$T/sp")"
	if [ -f "$d/CAUSE" ]; then
		want=$(head -n 1 "$d/CAUSE")
		if [ -s "$T/ev" ]; then
			where=events
			set_file=$T/ev
		elif [ -s "$T/fp" ]; then
			where=flagged_packets
			set_file=$T/fp
		else
			where=silent_packets
			set_file=$T/sp
		fi
		if ! grep -qx -- "$want" "$set_file"; then
			diag "$b: expected cause $want among $where, got: $found"
			bad=1
		fi
		ok $bad "$b: cause $want named ($found)"
	else
		want=$(head -n 1 "$d/NOT_CAUSE")
		if cat "$T/ev" "$T/fp" "$T/sp" | grep -qx -- "$want"; then
			diag "$b: cause $want must not be named, got: $found"
			bad=1
		fi
		ok $bad "$b: cause $want not named ($found)"
	fi
done

done_testing
