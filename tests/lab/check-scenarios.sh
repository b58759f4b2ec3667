#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-scenarios.sh (TAP) - the crafted scenarios still are what gen/craft
# writes, and the running kernel logs for each of them exactly what its
# NAME.expect says: "<index>\t<substring>" = the packet must produce a log
# line containing the substring, "<index>\t-" = it must produce none, and no
# other packet may produce one.  The kernel part needs root (kernel lab,
# tests/lab/replay.sh); without it those tests are skipped.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
CRAFT=${CRAFT:-$top_builddir/tests/lab/gen/craft}
export CTLAB_REPLAY=${CTLAB_REPLAY:-$top_builddir/tests/lab/ctlab-replay}
scen=$top_srcdir/tests/lab/scenarios
tmp=$(mktemp -d /tmp/check-scenarios.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

names=()
for e in "$scen"/*.expect; do
	names+=("$(basename "$e" .expect)")
done
echo "1..$((1 + ${#names[@]}))"

# 1: committed pcaps/sidecars equal a fresh craft run
if [ -x "$CRAFT" ]; then
	mkdir "$tmp/craft"
	bad=
	"$CRAFT" "$tmp/craft" || bad=" (craft failed)"
	for f in "$tmp/craft"/*; do
		cmp -s "$f" "$scen/$(basename "$f")" || bad="$bad $(basename "$f")"
	done
	[ -z "$bad" ] && echo "ok 1 - scenarios are up to date with gen/craft" ||
		echo "not ok 1 - regenerate scenarios (gen/craft OUTDIR):$bad"
else
	echo "ok 1 # SKIP no $CRAFT"
fi

skip=
if [ "$(id -u)" != 0 ]; then
	skip="kernel lab needs root"
elif [ ! -x "$CTLAB_REPLAY" ]; then
	skip="no $CTLAB_REPLAY"
fi
i=1
for n in "${names[@]}"; do
	i=$((i + 1))
	if [ -n "$skip" ]; then
		echo "ok $i # SKIP $n: $skip"
		continue
	fi
	args=()
	[ -f "$scen/$n.sysctl" ] && args+=(--sysctl-file "$scen/$n.sysctl")
	"$top_srcdir/tests/lab/replay.sh" ${args[@]+"${args[@]}"} "$scen/$n.pcap" "$tmp/$n" \
		> "$tmp/$n.log" 2>&1
	rc=$?
	if [ $rc -eq 77 ]; then
		echo "ok $i # SKIP $n: $(tail -1 "$tmp/$n.log")"
		continue
	elif [ $rc -ne 0 ]; then
		echo "not ok $i - $n: replay failed ($rc)"
		sed 's/^/# /' "$tmp/$n.log"
		continue
	fi
	awk -F'\t' 'FNR == NR { got[$1] = got[$1] "|" $3; next }
		{ seen[$1] = 1
		  if ($2 == "-") { if ($1 in got) print "#" $1 ": expected no line, got " got[$1] }
		  else if (index(got[$1], $2) == 0) print "#" $1 ": expected \"" $2 "\", got \"" got[$1] "\"" }
		END { for (k in got) if (!(k in seen)) print "#" k ": unexpected " got[k] }' \
		"$tmp/$n/kernel.tsv" "$scen/$n.expect" > "$tmp/$n.diff"
	if [ -s "$tmp/$n.diff" ]; then
		echo "not ok $i - $n: kernel disagrees with $n.expect"
		sed 's/^/# /' "$tmp/$n.diff"
	else
		echo "ok $i - $n: $(wc -l < "$tmp/$n/kernel.tsv") kernel lines as expected"
	fi
done
exit 0
