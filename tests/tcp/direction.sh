#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# direction.sh - checksums are verified only on the incoming path (TAP).
#
# nf_conntrack verifies TCP/UDP/ICMP checksums only at PRE_ROUTING; a
# locally generated packet (LOCAL_OUT) is never checked, and captures of
# such packets often show "bad" (offloaded) checksums.  ctexplain tells them
# apart by the capture's direction information.  End to end (capture file
# -> decoder -> engine -> JSON report), every packet below is an IPv6 SYN of its
# own flow with a wrong TCP checksum:
#   pcapng, EPB flags: inbound (1), outbound (2), no flags, flags 0
#   Linux cooked v1: packet type 0 (to us), 4 (outgoing)
#   Linux cooked v2: packet type 0, 4
# Only the outgoing ones must be left out of flagged_packets; the rest are
# "bad checksum" (direction unknown counts as incoming, as at PRE_ROUTING).
# With nf_conntrack_checksum=0 nothing is flagged.

set -u
export LC_ALL=C TZ=UTC

builddir=${abs_top_builddir:-$(pwd)}
ctexplain=${CTEXPLAIN:-$builddir/analyzer/ctexplain}

if ! command -v python3 > /dev/null 2>&1; then
	echo "1..0 # SKIP python3 not found"
	exit 0
fi
if [ ! -x "$ctexplain" ]; then
	echo "1..0 # SKIP $ctexplain not built"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/direction.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'EOF' || exit 1
import struct, sys

out = sys.argv[1]

def syn(k):
    """IPv6 TCP SYN 2001:db8::1.(41000+k) -> 2001:db8::2.80 with checksum
    field 0: wrong for these bytes (no pseudo-header sum is 0 here; the
    inbound cases below fail if it ever were right)"""
    src = bytes.fromhex('20010db8000000000000000000000001')
    dst = bytes.fromhex('20010db8000000000000000000000002')
    tcp = struct.pack('!HHIIBBHHH', 41000 + k, 80, 1000 + k, 0, 5 << 4, 0x02, 64240, 0, 0)
    return struct.pack('!IHBB16s16s', 6 << 28, len(tcp), 6, 64, src, dst) + tcp

ETH = bytes.fromhex('020000000002' '020000000001' '86dd')
TS = 1795000000

def block(t, body):
    body += b'\0' * (-len(body) % 4)
    return struct.pack('<II', t, len(body) + 12) + body + struct.pack('<I', len(body) + 12)

# pcapng: inbound, outbound, no flags option, flags 0
ng = block(0x0a0d0d0a, struct.pack('<IHHq', 0x1a2b3c4d, 1, 0, -1))
ng += block(1, struct.pack('<HHI', 1, 0, 65535))
for k, fl in enumerate([1, 2, None, 0]):
    f = ETH + syn(k)
    ts = (TS + k) * 1000000
    body = struct.pack('<IIIII', 0, ts >> 32, ts & 0xffffffff, len(f), len(f))
    body += f + b'\0' * (-len(f) % 4)
    if fl is not None:
        body += struct.pack('<HHI', 2, 4, fl) + struct.pack('<HH', 0, 0)
    ng += block(6, body)
open(out + '/dir.pcapng', 'wb').write(ng)

def pcap(name, linktype, frames):
    d = struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype)
    for k, f in enumerate(frames):
        d += struct.pack('<IIII', TS + k, 0, len(f), len(f)) + f
    open(out + '/' + name, 'wb').write(d)

def sll(ptype):
    return struct.pack('!HHH8sH', ptype, 1, 6, bytes.fromhex('0200000000010000'), 0x86dd)

def sll2(ptype):
    return struct.pack('!HHIHBB8s', 0x86dd, 0, 2, 1, ptype, 6, bytes.fromhex('0200000000010000'))

pcap('sll.pcap', 113, [sll(0) + syn(10), sll(4) + syn(11)])
pcap('sll2.pcap', 276, [sll2(0) + syn(20), sll2(4) + syn(21)])
EOF

n=0
failed=0
check() {	# check TITLE CAPTURE EXPECTED-INDEXES [EXTRA ARGS]
	local title=$1 cap=$2 want=$3 got
	shift 3
	n=$((n + 1))
	"$ctexplain" --format json "$@" "$cap" > "$work/r.json" 2> "$work/err"
	got=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join("%d:%s" % (f["index"], f["message"]) for f in r.get("flagged_packets", [])))
' "$work/r.json" 2>&1)
	if [ "$got" = "$want" ]; then
		echo "ok $n - $title"
	else
		failed=$((failed + 1))
		echo "not ok $n - $title"
		echo "# want: $want"
		echo "# got:  $got"
		sed 's/^/# /' "$work/err"
	fi
}

B='bad checksum'
check "pcapng: inbound, no flags, flags 0 checked; outbound not" "$work/dir.pcapng" \
	"0:$B 2:$B 3:$B"
check "Linux cooked v1: packet type 0 checked, 4 (outgoing) not" "$work/sll.pcap" "0:$B"
check "Linux cooked v2: packet type 0 checked, 4 (outgoing) not" "$work/sll2.pcap" "0:$B"
printf 'net.netfilter.nf_conntrack_checksum = 0\n' > "$work/nock.sysctl"
check "nf_conntrack_checksum=0: nothing checked" "$work/dir.pcapng" "" "$work/nock.sysctl"
echo "1..$n"
[ "$failed" -eq 0 ]
