#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden tests: one TAP line per samples/<bundle>/ that has expected output.
#
# For each bundle with expected/report.json (and expected/report.txt and
# report.md, if present) run, from $top_srcdir so the report's paths are the stable
# "samples/<bundle>/...":
#     TZ=UTC LC_ALL=C $CTEXPLAIN --format json samples/<bundle>
# and compare with diff -u; the diff is printed as TAP '#' comments.  The
# exit status must be 0, or the number in expected/status if that exists.
# Bundles without expected/ are skipped.  Regenerate with update.sh BUNDLE.
: "${top_srcdir:=.}"
: "${abs_top_builddir:=$(pwd)}"
: "${CTEXPLAIN:=$abs_top_builddir/analyzer/ctexplain}"
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
	(cd "$top_srcdir" && "$CTEXPLAIN" --format json "samples/$b") >"$T/report.json" 2>"$T/err"
	rc=$?
	if [ "$rc" -ne "$want_status" ]; then
		echo "# $b: exit status $rc, want $want_status"
		sed 's/^/#   /' "$T/err"
		bad=1
	fi
	if ! diff -u "$exp/report.json" "$T/report.json" >"$T/diff"; then
		sed 's/^/# /' "$T/diff"
		bad=1
	fi
	for fmt in txt:text md:markdown; do
		ext=${fmt%%:*}
		[ -f "$exp/report.$ext" ] || continue
		(cd "$top_srcdir" && "$CTEXPLAIN" --format "${fmt#*:}" "samples/$b") \
			>"$T/report.$ext" 2>/dev/null
		if ! diff -u "$exp/report.$ext" "$T/report.$ext" >"$T/diff"; then
			sed 's/^/# /' "$T/diff"
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
