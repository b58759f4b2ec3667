# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the TAP shell tests of the command line (sourced).
#
# Environment (tests/local.mk): CTEXPLAIN, top_srcdir, abs_top_builddir,
# TZ=UTC LC_ALL=C.  Every test gets a scratch directory $T, removed on exit.

: "${top_srcdir:=.}"
: "${abs_top_builddir:=$(pwd)}"
: "${CTEXPLAIN:=$abs_top_builddir/analyzer/ctexplain}"
JSON_GET="$abs_top_builddir/tests/tools/json-get"
DATA="$top_srcdir/tests/data"
TZ=UTC
LC_ALL=C
export TZ LC_ALL

T=$(mktemp -d "${TMPDIR:-/tmp}/ctexplain-cli.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT INT TERM

tap_n=0
tap_failed=0

plan() { echo "1..$1"; }

# ok COND_STATUS DESCRIPTION: report the exit status of the previous check.
ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=1
	fi
}

diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# run ARGS...: run ctexplain, stdout in $T/out, stderr in $T/err, status in $rc.
run() {
	"$CTEXPLAIN" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# is WHAT GOT WANT: compare two strings; diag on mismatch.  Returns 0/1.
is() {
	if [ "$2" = "$3" ]; then
		return 0
	fi
	diag "$1: got '$2', want '$3'"
	return 1
}

# jget POINTER [FILE]: value at a JSON pointer of the report ($T/out).
jget() { "$JSON_GET" "${2:-$T/out}" "$1"; }
# jtype POINTER [FILE]: its JSON type.
jtype() { "$JSON_GET" -t "${2:-$T/out}" "$1"; }

# status_is WANT: the last run's exit status, with stderr shown on mismatch.
status_is() {
	if [ "$rc" -eq "$1" ]; then
		return 0
	fi
	diag "exit status $rc, want $1; stderr:"
	sed 's/^/#   /' "$T/err"
	return 1
}

# stderr_lines: number of lines on the last run's stderr.
stderr_lines() { wc -l <"$T/err" | tr -d ' '; }

done_testing() { exit $tap_failed; }
