#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# replay.sh - replay a capture through the real kernel's conntrack and collect
# its verdicts.  Builds a fresh injector/firewall/sink namespace topology,
# runs ctlab-replay inside the injector namespace, tears everything down
# (also on errors and signals).  See tests/lab/README.md.
#
# usage: replay.sh [--sysctl KEY=VALUE]... [--sysctl-file FILE]...
#                  [--timing original|fast] [--cpu N] IN.pcap OUTDIR

set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab-lib.sh"

usage()
{
	echo "usage: replay.sh [--sysctl KEY=VALUE]... [--sysctl-file FILE]..." >&2
	echo "                 [--timing original|fast] [--cpu N] IN.pcap OUTDIR" >&2
	exit 2
}

sysctls=()
extra=()
while [ $# -gt 0 ]; do
	case $1 in
	--sysctl) [ $# -ge 2 ] || usage; sysctls+=("$2"); shift 2 ;;
	--sysctl=*) sysctls+=("${1#--sysctl=}"); shift ;;
	--sysctl-file)
		[ $# -ge 2 ] || usage
		[ -r "$2" ] || { echo "replay.sh: cannot read $2" >&2; exit 2; }
		while IFS= read -r kv; do sysctls+=("$kv"); done < <(lab_sysctl_file "$2")
		shift 2 ;;
	--timing) [ $# -ge 2 ] || usage; extra+=(--timing "$2"); shift 2 ;;
	--timing=*) extra+=("$1"); shift ;;
	--cpu) [ $# -ge 2 ] || usage; extra+=(--cpu "$2"); shift 2 ;;
	--window) [ $# -ge 2 ] || usage; extra+=(--window "$2"); shift 2 ;;
	--max-gap) [ $# -ge 2 ] || usage; extra+=(--max-gap "$2"); shift 2 ;;
	--timeout) [ $# -ge 2 ] || usage; extra+=(--timeout "$2"); shift 2 ;;
	--no-jsonl) extra+=(--no-jsonl); shift ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || usage
in=$1
out=$2

bin=${CTLAB_REPLAY:-}
if [ -z "$bin" ]; then
	for c in "${abs_top_builddir:-}/tests/lab/ctlab-replay" "./tests/lab/ctlab-replay" \
		"$here/ctlab-replay"; do
		[ -x "$c" ] && { bin=$c; break; }
	done
fi
[ -n "$bin" ] && [ -x "$bin" ] || {
	echo "replay.sh: ctlab-replay not found: build it (make -C BUILDDIR tests/lab/ctlab-replay)" \
		"and set CTLAB_REPLAY=BUILDDIR/tests/lab/ctlab-replay" >&2
	exit 2
}
[ -r "$in" ] || { echo "replay.sh: cannot read $in" >&2; exit 2; }
lab_check || { echo "replay.sh: $LAB_SKIP_REASON" >&2; exit 77; }

lab_trap
mkdir -p "$out" || exit 1

# One replay at a time on the machine.  The kernel log ring is small (128 KiB
# on the lab VMs) and a replay writes a marker line per packet, so a second
# lab running at the same time overwrites it within milliseconds and the
# other reader loses records (EPIPE, exit 3).  The lock is waited for in 1 s
# steps so that a signal still ends the wait at once; after
# CTLAB_LOCK_WAIT seconds (default 900) the replay goes ahead anyway.
LAB_REPLAY_LOCK=/run/ctlab-replay.lock
replay_lock()
{
	local i
	exec 8>>"$LAB_REPLAY_LOCK" || return 0
	for ((i = 0; i < ${CTLAB_LOCK_WAIT:-900}; i++)); do
		flock -n 8 && return 0
		[ $i -eq 0 ] && echo "replay.sh: waiting for another replay to finish ($LAB_REPLAY_LOCK)" >&2
		sleep 1
	done
	echo "replay.sh: $LAB_REPLAY_LOCK still busy, replaying anyway" >&2
}
replay_unlock()
{
	flock -u 8 2>/dev/null
	exec 8>&-
}

run_once()
{
	local kv rc
	local sysargs=()

	replay_lock
	lab_setup ${sysctls[@]+"${sysctls[@]}"} || {
		echo "replay.sh: lab setup failed" >&2
		replay_unlock
		return 1
	}
	for kv in $LAB_SYSCTLS; do
		sysargs+=(--sysctl "$kv")
	done
	ip netns exec "$LAB_INJ" "$bin" --dev "$LAB_INJ_DEV" --dst-mac "$LAB_FW_MAC" \
		--fw-dev "$LAB_FW_IN" --prefix "$LAB_PREFIX" --verdicts \
		${sysargs[@]+"${sysargs[@]}"} ${extra[@]+"${extra[@]}"} "$@" "$in" "$out"
	rc=$?
	lab_teardown
	replay_unlock
	return $rc
}

run_once
rc=$?
if [ $rc -eq 3 ]; then
	# Kernel log records were lost (someone else flooded the ring?): once
	# more, slower, in a fresh topology.
	echo "replay.sh: retrying with --window 8" >&2
	run_once --window 8
	rc=$?
elif [ $rc -eq 4 ]; then
	# A marker never reached the log: most likely another tool reset the
	# global net.netfilter.nf_log_all_netns.  Once more, fresh topology.
	echo "replay.sh: retrying (markers lost; nf_log_all_netns=$(cat "$LAB_ALLNETNS"))" >&2
	run_once
	rc=$?
fi
[ $rc -eq 4 ] && rc=1
trap - EXIT INT TERM HUP
exit $rc
