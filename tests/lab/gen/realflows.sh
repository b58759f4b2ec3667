#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# realflows.sh - record real TCP/UDP traffic between two kernel stacks for the
# kernel lab.  Three namespaces of our own:
#
#   client [rc0] ==veth== [ra0] relay [rb0] ==veth== [rs0] server
#
# The relay namespace runs gen/relay, which bridges ra0 <-> rb0 with seeded
# loss / duplication / reordering / delay (this kernel has no netem) and
# writes every IP frame it forwards to a pcap.  TSO/GSO/GRO and checksum
# offload are off on every veth, so the capture holds wire-sized segments
# with real checksums.  Window scaling, SACK and timestamps are on.
#
#   realflows.sh RELAY_BIN OUTDIR [EDIT_BIN]
#
# Writes OUTDIR/real-*.pcap; with EDIT_BIN also the post-edited variants
# OUTDIR/edit-*.pcap (see gen/edit.c).  REALFLOWS_ONLY="name ..." records
# just those flows (and no edits).  Needs root, python3, ip, ethtool.  Namespaces
# are removed on every exit path.
set -u

RELAY=${1:?usage: realflows.sh RELAY_BIN OUTDIR}
OUT=${2:?usage: realflows.sh RELAY_BIN OUTDIR}
ID=$$
NS_C=ctrf-cli-$ID
NS_R=ctrf-rly-$ID
NS_S=ctrf-srv-$ID
TMP=$(mktemp -d /tmp/ctrf.XXXXXX)

cleanup()
{
	[ -n "${RELAY_PID:-}" ] && kill "$RELAY_PID" 2>/dev/null
	for ns in "$NS_C" "$NS_R" "$NS_S"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'cleanup; trap - EXIT; exit 130' INT
trap 'cleanup; trap - EXIT; exit 143' TERM HUP

die() { echo "realflows: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root"
mkdir -p "$OUT" || die "cannot create $OUT"

for ns in "$NS_C" "$NS_R" "$NS_S"; do
	ip netns add "$ns" || die "netns add $ns"
	ip -n "$ns" link set lo up
done
ip -n "$NS_C" link add rc0 type veth peer name ra0 netns "$NS_R" || die "veth"
ip -n "$NS_S" link add rs0 type veth peer name rb0 netns "$NS_R" || die "veth"
for d in "$NS_C:rc0" "$NS_R:ra0" "$NS_R:rb0" "$NS_S:rs0"; do
	ns=${d%%:*}; dev=${d#*:}
	ip netns exec "$ns" ethtool -K "$dev" tso off gso off gro off tx off rx off \
		>/dev/null 2>&1
	ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$dev.accept_dad=0" 2>/dev/null
	ip -n "$ns" link set "$dev" up || die "link up $dev"
done
for ns in "$NS_C" "$NS_S"; do
	ip netns exec "$ns" sh -c '
		sysctl -qw net.ipv4.tcp_window_scaling=1
		sysctl -qw net.ipv4.tcp_sack=1
		sysctl -qw net.ipv4.tcp_timestamps=1
		sysctl -qw net.ipv4.tcp_ecn=0' || die "sysctl"
done
ip netns exec "$NS_R" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip -n "$NS_C" addr add 192.0.2.1/24 dev rc0
ip -n "$NS_S" addr add 192.0.2.2/24 dev rs0
ip -n "$NS_C" addr add 2001:db8:77::1/64 dev rc0 nodad
ip -n "$NS_S" addr add 2001:db8:77::2/64 dev rs0 nodad

cat > "$TMP/peer.py" <<'EOF'
import socket, struct, sys, time
mode, fam, addr, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
af = socket.AF_INET6 if fam == "6" else socket.AF_INET
if mode == "tcp-server":
    s = socket.socket(af, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(1)
    c, _ = s.accept()
    got = 0
    while True:
        try:
            b = c.recv(65536)
        except ConnectionResetError:
            sys.exit(0)
        if not b:
            break
        got += len(b)
        if got >= 30000 and got - len(b) < 30000:
            c.sendall(b"R" * 20000)   # a reply in the middle
    c.sendall(b"done")
    c.close()
elif mode == "tcp-client":
    close = sys.argv[5]
    c = socket.socket(af, socket.SOCK_STREAM)
    c.settimeout(30)
    c.connect((addr, port))
    data = b"".join(bytes([65 + i % 26]) * 1000 for i in range(60))
    for i in range(0, len(data), 8000):
        c.sendall(data[i:i + 8000])
        time.sleep(0.002)
    if close == "rst":
        time.sleep(0.3)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.close()
    else:
        c.shutdown(socket.SHUT_WR)
        while c.recv(65536):
            pass
        c.close()
elif mode in ("tcpka-server", "tcpzw-server", "tcpreuse-server", "tcpsmall-server"):
    # tcpzw: a small receive buffer and a reader that stalls for 3.5 s, so
    # the window closes and the client sends zero-window probes
    s = socket.socket(af, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if mode == "tcpzw-server":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.bind((addr, port)); s.listen(2)
    for n in range(2 if mode == "tcpreuse-server" else 1):
        c, _ = s.accept()
        if mode == "tcpzw-server":
            time.sleep(3.5)
        while True:
            try:
                b = c.recv(65536)
            except ConnectionResetError:
                break
            if not b:
                c.sendall(b"done")
                break
            if mode == "tcpsmall-server" and b[-1:] == b"C":
                c.sendall(b"S" * 3000)   # answer the third burst
        c.close()
elif mode == "tcpka-client" or mode == "tcpzw-client":
    # tcpka: keep-alive probes every 2 s while the client idles 6.5 s
    c = socket.socket(af, socket.SOCK_STREAM)
    c.settimeout(30)
    if mode == "tcpka-client":
        c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 2)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 2)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 9)
    c.connect((addr, port))
    if mode == "tcpka-client":
        c.sendall(b"K" * 3000)
        time.sleep(6.5)
        c.sendall(b"L" * 1000)
    else:
        c.sendall(b"Z" * 40000)
    c.shutdown(socket.SHUT_WR)
    while c.recv(65536):
        pass
    c.close()
elif mode == "tcpsmall-client":
    # a short exchange: three 4000-byte bursts 20 ms apart, a 3000-byte
    # answer, FIN close; the base of the small post-edited scenarios
    c = socket.socket(af, socket.SOCK_STREAM)
    c.settimeout(30)
    c.connect((addr, port))
    for n in range(3):
        c.sendall(bytes([65 + n]) * 4000)
        time.sleep(0.02)
    time.sleep(0.05)
    c.shutdown(socket.SHUT_WR)
    while c.recv(65536):
        pass
    c.close()
elif mode == "tcpreuse-client":
    # the same source port twice: the first connection ends with a RST
    # (SO_LINGER 0), the second opens right after and closes with FIN
    for n in range(2):
        c = socket.socket(af, socket.SOCK_STREAM)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.settimeout(30)
        c.bind(("", 41000))
        c.connect((addr, port))
        c.sendall(bytes([77 + n]) * 5000)
        time.sleep(0.2)
        if n == 0:
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            c.close()
            time.sleep(0.2)
        else:
            c.shutdown(socket.SHUT_WR)
            while c.recv(65536):
                pass
            c.close()
elif mode == "udp-server":
    s = socket.socket(af, socket.SOCK_DGRAM)
    s.bind((addr, port)); s.settimeout(3)
    try:
        while True:
            b, peer = s.recvfrom(65536)
            s.sendto(b[:200], peer)
    except socket.timeout:
        pass
elif mode == "udplite-server":
    s = socket.socket(af, socket.SOCK_DGRAM, 136)
    s.bind((addr, port)); s.settimeout(2)
    try:
        while True:
            s.recvfrom(65536)
    except socket.timeout:
        pass
elif mode == "udplite-client":
    # Linux's own UDP-Lite: full coverage, then 8+4 bytes of coverage
    c = socket.socket(af, socket.SOCK_DGRAM, 136)
    for i in range(3):
        c.sendto(b"udplite full coverage %d" % i, (addr, port))
    c.setsockopt(136, 10, 12)   # UDPLITE_SEND_CSCOV
    for i in range(3):
        c.sendto(b"udplite partial coverage %d" % i, (addr, port))
elif mode == "udp-client":
    c = socket.socket(af, socket.SOCK_DGRAM)
    c.settimeout(0.05)
    for i in range(40):
        c.sendto(bytes([48 + i % 10]) * (100 + 30 * i), (addr, port))
        try:
            c.recvfrom(65536)
        except socket.timeout:
            pass
EOF

# flow NAME SEED LOSS[:LOSS_AFTER_CAPTURE] DUP REORDER DELAY PROTO FAM CLOSE
flow()
{
	local name=$1 seed=$2 loss=$3 dup=$4 reo=$5 delay=$6 proto=$7 fam=$8 close=$9
	local saddr port=$((7000 + seed))
	if [ -n "${REALFLOWS_ONLY:-}" ]; then
		case " $REALFLOWS_ONLY " in *" $name "*) ;; *) return 0 ;; esac
	fi
	[ "$fam" = 6 ] && saddr=2001:db8:77::2 || saddr=192.0.2.2
	ip netns exec "$NS_R" "$RELAY" ra0 rb0 "$OUT/$name.pcap" "$seed" "$loss" "$dup" \
		"$reo" "$delay" 60 &
	RELAY_PID=$!
	sleep 0.3
	ip netns exec "$NS_S" python3 "$TMP/peer.py" "$proto-server" "$fam" "$saddr" "$port" &
	local spid=$!
	sleep 0.3
	ip netns exec "$NS_C" timeout 40 python3 "$TMP/peer.py" "$proto-client" "$fam" \
		"$saddr" "$port" "$close" || echo "realflows: $name: client failed" >&2
	timeout 10 tail --pid="$spid" -f /dev/null
	kill "$spid" 2>/dev/null
	sleep 0.5
	kill "$RELAY_PID"
	wait "$RELAY_PID" 2>/dev/null
	RELAY_PID=
	echo "realflows: $name: $(tcpdump -nr "$OUT/$name.pcap" 2>/dev/null | wc -l) packets"
}


flow real-tcp4-clean     11 0 0 0 1 tcp 4 fin
flow real-tcp4-lossy     12 3 2 5 2 tcp 4 fin
flow real-tcp6-lossy-rst 13 3 2 5 2 tcp 6 rst
flow real-tcp4-rst       14 0 0 0 1 tcp 4 rst
flow real-udp4-lossy     15 5 5 10 2 udp 4 -
flow real-udp6           16 0 0 0 1 udp 6 -
flow real-udplite4       17 0 0 0 1 udplite 4 -
flow real-udplite6       18 0 0 0 1 udplite 6 -
flow real-tcp4-keepalive 19 0 0 0 1 tcpka 4 fin
flow real-tcp4-zwin      20 0 0 0 1 tcpzw 4 fin
flow real-tcp4-reuse     21 0 0 0 1 tcpreuse 4 fin
flow real-tcp4-small     22 0 0 0 1 tcpsmall 4 fin
# LOSS as BEFORE:AFTER the capture point: segments the firewall sees that
# their receiver never gets (then retransmitted)
flow real-tcp4-lossafter 23 1:4 0 0 1 tcp 4 fin
flow real-tcp6-fin       24 0:2 0 3 1 tcp 6 fin

EDIT=${3:-}
[ -n "$EDIT" ] && [ -z "${REALFLOWS_ONLY:-}" ] || exit 0
# ed NAME IN OP ARGS...: one edit; chained edits go through $TMP
ed()
{
	local name=$1 in=$2
	shift 2
	"$EDIT" "$in" "$OUT/$name.pcap" "$@" || die "edit $name failed"
}
ed edit-pickup          "$OUT/real-tcp4-clean.pcap" cut-handshake
ed edit-wscale-strip-s  "$OUT/real-tcp4-clean.pcap" strip-wscale s
ed edit-wscale-strip-c  "$OUT/real-tcp6-lossy-rst.pcap" strip-wscale c
ed edit-oneway          "$OUT/real-tcp4-lossy.pcap" drop-dir s
ed edit-drop            "$OUT/real-tcp4-clean.pcap" drop-nth 7
ed edit-dup             "$OUT/real-tcp4-rst.pcap" dup-nth 5
ed edit-shift-seq       "$OUT/real-tcp4-clean.pcap" shift-seq c 300000 40
ed edit-shift-ack       "$OUT/real-tcp6-lossy-rst.pcap" shift-ack s 200000 60
ed edit-badcsum         "$OUT/real-tcp4-rst.pcap" bad-csum 13
ed edit-trunc           "$OUT/real-tcp4-clean.pcap" trunc-hdr 17
ed edit-udp-len         "$OUT/real-udp4-lossy.pcap" udp-len 6
ed edit-udp-badcsum     "$OUT/real-udp6.pcap" bad-csum 5
ed edit-frag            "$OUT/real-udp6.pcap" fragment 512
"$EDIT" "$OUT/real-tcp4-clean.pcap" "$TMP/f.pcap" cut-handshake || die edit
ed edit-pickup-frag     "$TMP/f.pcap" fragment 600

# Cause scenarios (samples/cause-*, near-*).  Record numbers (1-based) refer
# to the committed recordings real-tcp4-{small,zwin,keepalive,reuse}: check
# them again after re-recording those flows.  Sidecars (.sysctl, .replay,
# .post) are written by hand next to them; see scenarios/README.md.
# ech NAME IN OP ARGS... -- OP ARGS...: two edits in a row
ech()
{
	local name=$1 in=$2 a=() b=()
	shift 2
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	b=("$@")
	"$EDIT" "$in" "$TMP/c.pcap" "${a[@]}" || die "edit $name failed"
	"$EDIT" "$TMP/c.pcap" "$OUT/$name.pcap" "${b[@]}" || die "edit $name failed"
}
SM=$OUT/real-tcp4-small.pcap ZW=$OUT/real-tcp4-zwin.pcap
KA=$OUT/real-tcp4-keepalive.pcap RU=$OUT/real-tcp4-reuse.pcap
ed edit-small-pickup     "$SM" cut-handshake
ed edit-small-wscale-s   "$SM" strip-wscale s
ed edit-small-wscale-c   "$SM" strip-wscale c
ed edit-small-oneway     "$SM" drop-dir s
ed edit-small-synack-lost "$SM" drop-rec 2          # the SYN-ACK
ech edit-small-tail-drop "$SM" drop-rec 12 -- drop-rec 17   # last segment of bursts 2, 3
ed edit-small-shift-ack  "$SM" shift-ack s 300000 20
ed edit-small-late-fin   "$SM" copy-rec 35 37 2500  # server FIN again 2.5 s later
ech edit-small-old-rst   "$SM" copy-rec 3 19 -- set-flags 20 04   # RST with the first seq
ed edit-small-flip       "$SM" flip-bit 4 7
ed edit-small-flip5      "$SM" flip-bit 5 3
ed edit-small-flags      "$SM" set-flags 17 29      # FIN+PSH+URG on a data segment
ed edit-small-trunc      "$SM" trunc-hdr 9
cp "$SM" "$OUT/edit-small-offload.pcap"
ed edit-zwin-clamp       "$ZW" clamp-win s 1000
ed edit-zwin-clamp700    "$ZW" clamp-win s 700
ed edit-zwin-stale       "$ZW" copy-rec 4 56        # first data segment after the last
ed edit-zwin-retrans     "$ZW" copy-rec 50 51       # a segment again, inside the window
ed edit-zwin-expire-head "$ZW" head 16              # up to the probe after the expiry
cp "$KA" "$OUT/edit-ka-expire.pcap"
ed edit-ka-expire-head   "$KA" head 15              # up to the third probe's answer
ed edit-reuse-norst      "$RU" drop-rec 12          # the first connection's RST
ed edit-reuse-synretrans "$RU" copy-rec 1 2         # the SYN again after the SYN-ACK
ed edit-udp4-flip        "$OUT/real-udp4-lossy.pcap" flip-bit 4 9
ed edit-udp6-flip        "$OUT/real-udp6.pcap" flip-bit 5 11
cp "$OUT/real-udp4-lossy.pcap" "$OUT/edit-udp4-offload.pcap"
ech edit-udp4-frag-badcsum "$OUT/real-udp4-lossy.pcap" fragment 512 -- bad-csum 5
exit 0
