#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The golden runner itself: update.sh writes expected reports that
# run-golden.sh then accepts; a changed report fails with the diff shown as
# TAP comments; bundles without expected/ are skipped.
. "${top_srcdir:-.}/tests/cli/cli-lib.sh"

plan 5

# a throw-away source tree holding only what the scripts need
S="$T/src"
mkdir -p "$S/samples/one" "$S/samples/two" "$S/tests/golden"
cp "$top_srcdir/tests/golden/run-golden.sh" "$top_srcdir/tests/golden/update.sh" "$S/tests/golden/"
cp "$DATA/cli/kern.log" "$DATA/cli/basic.pcap" "$S/samples/one/"
cp "$DATA/cli/kern.log" "$S/samples/two/"

CTEXPLAIN="$CTEXPLAIN" sh "$S/tests/golden/update.sh" one >"$T/upd" 2>&1
[ $? -eq 0 ] && [ -s "$S/samples/one/expected/report.json" ] &&
	[ -s "$S/samples/one/expected/report.txt" ] && [ -s "$S/samples/one/expected/report.md" ] &&
	is path "$(jget /inputs/0/path "$S/samples/one/expected/report.json")" samples/one/basic.pcap
ok $? "update.sh writes expected/report.{json,txt,md} with paths relative to the source tree"

top_srcdir="$S" CTEXPLAIN="$CTEXPLAIN" sh "$S/tests/golden/run-golden.sh" >"$T/tap" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '^1\.\.2$' "$T/tap" && grep -q '^ok 1 - one$' "$T/tap" &&
	grep -q '^ok 2 - two # SKIP' "$T/tap"
ok $? "run-golden.sh: one TAP line per bundle, the one without expected/ skipped"

sed 's/"agree": 3/"agree": 2/' "$S/samples/one/expected/report.json" >"$T/x" &&
	mv "$T/x" "$S/samples/one/expected/report.json"
top_srcdir="$S" CTEXPLAIN="$CTEXPLAIN" sh "$S/tests/golden/run-golden.sh" >"$T/tap" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q '^not ok 1 - one$' "$T/tap" &&
	grep -q '^# one: differs from expected/report.json' "$T/tap" &&
	grep -qx '#   ctexplain: expect: summary: agree: expected 2, got 3' "$T/tap"
ok $? "a changed report fails (--expect), the difference printed as a TAP comment"

CTEXPLAIN="$CTEXPLAIN" sh "$S/tests/golden/update.sh" one >/dev/null 2>&1
echo 3 >"$S/samples/one/expected/status"
top_srcdir="$S" CTEXPLAIN="$CTEXPLAIN" sh "$S/tests/golden/run-golden.sh" >"$T/tap" 2>&1
grep -q '^not ok 1 - one$' "$T/tap" && grep -q 'exit status 0, want 3' "$T/tap"
ok $? "the exit status is checked against expected/status"

rm -rf "$S/samples/one" "$S/samples/two"
top_srcdir="$S" CTEXPLAIN="$CTEXPLAIN" sh "$S/tests/golden/run-golden.sh" >"$T/tap" 2>&1
[ $? -eq 0 ] && grep -q '^1\.\.0 # SKIP' "$T/tap"
ok $? "no bundles: the whole test is skipped"

done_testing
