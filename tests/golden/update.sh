#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate the expected reports of sample bundles (tcpdump's update-test.sh):
#     tests/golden/update.sh BUNDLE...      (names under samples/, or paths)
# Writes samples/BUNDLE/expected/report.json, report.txt and report.md, and
# expected/status when the exit status is not 0.  Review the diff before
# committing: a golden change is a behaviour change.
# Run from anywhere; CTEXPLAIN defaults to the binary of a build dir given by
# abs_top_builddir (or ./analyzer/ctexplain).
set -e
here=$(cd "$(dirname "$0")/../.." && pwd)
: "${abs_top_builddir:=$(pwd)}"
: "${CTEXPLAIN:=$abs_top_builddir/analyzer/ctexplain}"
TZ=UTC
LC_ALL=C
export TZ LC_ALL

case $CTEXPLAIN in
/*) ;;
*) CTEXPLAIN=$(pwd)/$CTEXPLAIN ;;
esac
if [ ! -x "$CTEXPLAIN" ]; then
	echo "update.sh: $CTEXPLAIN is not built (set CTEXPLAIN or abs_top_builddir)" >&2
	exit 2
fi
if [ $# -eq 0 ]; then
	echo "usage: tests/golden/update.sh BUNDLE..." >&2
	exit 2
fi
for arg in "$@"; do
	b=$(basename "$arg")
	if [ ! -d "$here/samples/$b" ]; then
		echo "update.sh: no bundle samples/$b" >&2
		exit 2
	fi
	mkdir -p "$here/samples/$b/expected"
	cd "$here"
	set +e
	"$CTEXPLAIN" --format json "samples/$b" >"samples/$b/expected/report.json"
	rc=$?
	"$CTEXPLAIN" --format text "samples/$b" >"samples/$b/expected/report.txt" 2>/dev/null
	"$CTEXPLAIN" --format markdown "samples/$b" >"samples/$b/expected/report.md" 2>/dev/null
	set -e
	if [ "$rc" -ne 0 ]; then
		echo "$rc" >"samples/$b/expected/status"
	else
		rm -f "samples/$b/expected/status"
	fi
	echo "updated samples/$b/expected (exit status $rc)"
done
