#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --help and the man page tell the same options: every long option --help
# lists is documented in the man page's OPTIONS section and the other way
# round, and the program accepts each of them (no "unknown option").
. "${top_srcdir:-.}/tests/cli/cli-lib.sh"
MAN="$top_srcdir/doc/ctexplain.1"

plan 3

run --help
grep -o -- '--[a-z][a-z-]*' "$T/out" | sort -u >"$T/help"
sed -n '/^\.SH OPTIONS/,/^\.SH [A-Z]/p' "$MAN" | grep -o '\\-\\-[a-z][a-z-]*' |
	sed 's/\\//g' | sort -u >"$T/man"
[ -s "$T/help" ] && [ "$(wc -l <"$T/help")" -ge 9 ] && ! comm -23 "$T/help" "$T/man" | grep .
ok $? "every option of --help is in the man page's OPTIONS ($(wc -l <"$T/help" | tr -d ' '))"

! comm -13 "$T/help" "$T/man" | grep .
ok $? "every option of the man page is in --help"

bad=0
for o in $(cat "$T/man"); do
	run "$o" 2>/dev/null
	if grep -q "unknown option" "$T/err"; then
		diag "$o: unknown to the program"
		bad=1
	fi
done
[ $bad -eq 0 ]
ok $? "the program knows every documented option"

done_testing
