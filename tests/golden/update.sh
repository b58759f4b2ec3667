#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate the expected reports of sample bundles (tcpdump's update-test.sh):
#     tests/golden/update.sh BUNDLE...      (names under samples/, or paths)
# Writes samples/BUNDLE/expected/report.json, report.txt and report.md, and
# expected/status when the exit status is not 0, then checks the new
# report.json with --expect as run-golden.sh will (a second run must agree).  Review the diff before
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
err=$(mktemp "${TMPDIR:-/tmp}/ctexplain-update.XXXXXX")
trap 'rm -f "$err"' EXIT INT TERM
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
	if [ "$rc" -ne 0 ]; then
		echo "$rc" >"samples/$b/expected/status"
	else
		rm -f "samples/$b/expected/status"
	fi
	# what run-golden.sh will check: the new report must pass --expect
	"$CTEXPLAIN" --format json --expect "samples/$b/expected/report.json" "samples/$b" \
		>/dev/null 2>"$err"
	erc=$?
	set -e
	if [ "$erc" -ne "$rc" ]; then
		sed 's/^/update.sh: /' "$err" >&2
		echo "update.sh: samples/$b: --expect on the new report gives exit status $erc, not $rc (nondeterministic report?)" >&2
		exit 1
	fi
	echo "updated samples/$b/expected (exit status $rc)"
done
