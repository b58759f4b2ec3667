#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden tests: one TAP line per samples/<bundle>/ that has expected output.
#
# For each bundle with expected/report.json run, from $top_srcdir so the
# report's paths are the stable "samples/<bundle>/...":
#     TZ=UTC LC_ALL=C $CTEXPLAIN --expect samples/<bundle>/expected/report.json \
#         samples/<bundle>
# the regression check users run on their own samples: verdicts, causes,
# matches and counts are compared (tool version, times and absolute paths
# are not) and each difference is printed, as a TAP '#' comment, naming the
# event or packet, the field, expected and got.  The exit status must be 0,
# or the number in expected/status if that exists (1 = differences).
# expected/report.txt and report.md, if present, are compared in full with
# diff -u (the writers' goldens; the first GOLDEN_DIFF_LINES=60 lines of a
# diff are shown).  Bundles without expected/report.json are
# skipped, with the reason.  Regenerate with update.sh BUNDLE.
: "${top_srcdir:=.}"
: "${abs_top_builddir:=$(pwd)}"
: "${CTEXPLAIN:=$abs_top_builddir/analyzer/ctexplain}"
# diff lines shown per report.txt/md that changed (the rest are counted)
: "${GOLDEN_DIFF_LINES:=60}"
TZ=UTC
LC_ALL=C
export TZ LC_ALL

case $CTEXPLAIN in
/*) ;;
*) CTEXPLAIN=$(pwd)/$CTEXPLAIN ;;
esac
T=$(mktemp -d "${TMPDIR:-/tmp}/ctexplain-golden.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT INT TERM

bundles=""
for d in "$top_srcdir"/samples/*/; do
	[ -d "$d" ] || continue
	b=$(basename "$d")
	bundles="$bundles $b"
done
set -- $bundles
if [ $# -eq 0 ]; then
	echo "1..0 # SKIP no sample bundles in $top_srcdir/samples"
	exit 0
fi
echo "1..$#"

n=0
failed=0
for b in "$@"; do
	n=$((n + 1))
	exp="$top_srcdir/samples/$b/expected"
	if [ ! -f "$exp/report.json" ]; then
		echo "ok $n - $b # SKIP no expected/report.json"
		continue
	fi
	want_status=0
	if [ -f "$exp/status" ]; then
		want_status=$(tr -d ' \n' <"$exp/status")
	fi
	bad=0
	(cd "$top_srcdir" && "$CTEXPLAIN" --format json \
		--expect "samples/$b/expected/report.json" "samples/$b") >/dev/null 2>"$T/err"
	rc=$?
	if [ "$rc" -ne "$want_status" ]; then
		if [ "$rc" -eq 1 ]; then
			echo "# $b: differs from expected/report.json:"
		else
			echo "# $b: exit status $rc, want $want_status"
		fi
		sed 's/^/#   /' "$T/err"
		bad=1
	fi
	for fmt in txt:text md:markdown; do
		ext=${fmt%%:*}
		[ -f "$exp/report.$ext" ] || continue
		(cd "$top_srcdir" && "$CTEXPLAIN" --format "${fmt#*:}" "samples/$b") \
			>"$T/report.$ext" 2>/dev/null
		if ! diff -u "$exp/report.$ext" "$T/report.$ext" >"$T/diff"; then
			# the first lines tell what changed; update.sh shows the rest
			sed -n "1,${GOLDEN_DIFF_LINES}p" "$T/diff" | sed 's/^/# /'
			lines=$(wc -l <"$T/diff")
			if [ "$lines" -gt "$GOLDEN_DIFF_LINES" ]; then
				echo "# ... $((lines - GOLDEN_DIFF_LINES)) more diff lines in report.$ext"
			fi
			bad=1
		fi
	done
	if [ $bad -eq 0 ]; then
		echo "ok $n - $b"
	else
		echo "not ok $n - $b"
		failed=1
	fi
done
exit $failed
