#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tcp-fuzz.py - seeded random TCP conversations with perturbations, written
as an Ethernet pcap, for differential tests of the TCP tracker against the
kernel lab (tests/tcp/kernel-fuzz.sh).

usage: tcp-fuzz.py SEED OUT.pcap [FLOWS [STEPS]] [--v6] [gap]

Each flow is a handshake (sometimes none: mid-stream pickup; sometimes a
simultaneous open or an RST answer) followed by random steps: in-window data
and ACKs, exact duplicates, sequence/ack offsets around the window bounds,
FINs, RST variants (exact, off by one, seq 0, ack 0), SYNs on the live tuple
(resync, reopen, challenge ACKs), keep-alives, SACK blocks (also malformed),
invalid flag combinations, zero windows, data beyond the peer's window,
malformed SYN options, and 2% bad TCP checksums.  "gap" adds idle gaps of
1.5-5.5 s (for --timing original replays with short timeouts).  The same
seed always gives the same bytes.
"""
import random
import struct
import sys

if len(sys.argv) < 3:
    sys.exit(__doc__)
seed = int(sys.argv[1])
out = sys.argv[2]
nflows = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3].isdigit() else 20
steps = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4].isdigit() else 60
R = random.Random(seed)

M = 0xffffffff


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


V6 = '--v6' in sys.argv


def tcp_pkt(src, dst, sp, dp, seq, ack, flags, win, payload, opts):
    while len(opts) % 4:
        opts += b'\x01'
    doff = (20 + len(opts)) // 4
    hdr = struct.pack('!HHIIBBHHH', sp, dp, seq & M, ack & M, doff << 4, flags, win, 0, 0)
    seg = hdr + opts + payload
    if V6:
        s6 = b'\x20\x01\x0d\xb8' + bytes(11) + src[3:4]
        d6 = b'\x20\x01\x0d\xb8\x00\x01' + bytes(9) + dst[3:4]
        ph = s6 + d6 + struct.pack('!I', len(seg)) + b'\x00\x00\x00\x06'
    else:
        ph = src + dst + struct.pack('!BBH', 0, 6, len(seg))
    c = csum(ph + seg)
    if R.random() < 0.02:
        c ^= 0x1234
    seg = seg[:16] + struct.pack('!H', c) + seg[18:]
    if V6:
        ip6 = struct.pack('!IHBB', 0x60000000, len(seg), 6, 64) + s6 + d6
        return b'\x02\x00\x00\x00\x00\x02' + b'\x02\x00\x00\x00\x00\x01' + b'\x86\xdd' + ip6 + seg
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(seg), R.randrange(65536), 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    eth = b'\x02\x00\x00\x00\x00\x02' + b'\x02\x00\x00\x00\x00\x01' + b'\x08\x00'
    return eth + ip + seg


FIN, SYN, RST, PSH, ACK, URG = 1, 2, 4, 8, 16, 32


def synopts(ws, sackp, ts):
    if R.random() < 0.15:
        return R.choice([
            b'\x01\x03\x03' + bytes([R.choice([15, 20, 255])]),
            b'\x00\x01\x03\x03\x07',
            b'\x01\x03\x03\x07\x01\x03\x03\x02',
            b'\x04\x02\x01\x03\x04\x07\x00',
            b'\x01\x03\x02\x07',
            b'\x04\x03\x00\x01\x03\x03\x07',
            b'\x05\x0a' + bytes(8) + b'\x01\x03\x03\x05',
            b'\x02\x04\x05\xb4\x04\x02\x08\x0a' + bytes(8) + b'\x01\x03\x03\x08',
            b'\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x03\x03',
        ])
    o = b'\x02\x04\x05\xb4'
    if sackp:
        o += b'\x04\x02'
    if ts:
        o += b'\x08\x0a' + struct.pack('!II', R.randrange(1 << 32), 0)
    if ws is not None:
        o += b'\x01\x03\x03' + bytes([ws])
    return o


def sackopt(blocks):
    v = R.random()
    if v < 0.2:
        blocks = blocks + [(blocks[0][0] - 5000, blocks[0][0] - 3000), (blocks[0][1] + 10, blocks[0][1] + R.choice([20, 70000]))]
    o = b'\x01\x01\x05' + bytes([2 + 8 * len(blocks)])
    for l, r in blocks:
        o += struct.pack('!II', l & M, r & M)
    if v > 0.9:
        o = b'\x01\x01\x08\x0a' + bytes(8) + o[2:]
    elif v > 0.85:
        o = b'\x01\x01\x05\x09' + bytes(7) + o[2:]
    elif v > 0.8:
        o = o[:3] + bytes([o[3] + 1]) + o[4:] + b'\x00'
    return o


pkts = []


def flow(fi):
    a = bytes([192, 0, 2, 1 + fi % 200])
    b = bytes([198, 51, 100, 1 + (fi * 7) % 200])
    sp = 30000 + fi
    dp = R.choice([80, 443, 22])
    c = R.randrange(1 << 32)
    s = R.randrange(1 << 32)
    if R.random() < 0.1:
        c = M - R.randrange(3000)  # wrap soon
    cws = R.choice([None, 0, 2, 7, 14])
    sws = R.choice([None, 0, 2, 7, 14])
    csp = R.random() < 0.8
    ssp = R.random() < 0.8
    nxt = [c, s]
    win = [R.choice([502, 65535, 29200, 0, 1024]), R.choice([509, 65535, 28960, 1024])]
    last = None

    def emit(d, seq, ack, flags, w, plen, opts=b''):
        nonlocal last
        src, dst = (a, b) if d == 0 else (b, a)
        p1, p2 = (sp, dp) if d == 0 else (dp, sp)
        pl = bytes(plen)
        pkt = tcp_pkt(src, dst, p1, p2, seq, ack, flags, w, pl, opts)
        pkts.append(pkt)
        last = pkt

    mid = R.random() < 0.15
    if not mid:
        emit(0, c, 0, SYN, 64240, 0, synopts(cws, csp, True))
        nxt[0] = (c + 1) & M
        r = R.random()
        if r < 0.05:
            emit(1, s, (c + 1) & M, SYN, 65160, 0, synopts(sws, ssp, True))  # simultaneous
            nxt[1] = (s + 1) & M
            emit(0, c, nxt[1], SYN | ACK, 64240, 0, synopts(cws, csp, True))
        elif r < 0.1:
            emit(1, 0, (c + 1) & M, RST | ACK, 0, 0)
        else:
            emit(1, s, (c + 1) & M, SYN | ACK, 65160, 0, synopts(sws, ssp, True))
            nxt[1] = (s + 1) & M
            if R.random() < 0.9:
                emit(0, nxt[0], nxt[1], ACK, win[0], 0)
    for _ in range(R.randrange(steps)):
        d = R.randrange(2)
        r = R.random()
        w = win[d] if R.random() < 0.9 else R.choice([0, 1, 65535])
        if r < 0.45:
            plen = R.choice([0, 1, 100, 1000, 1448, 1460])
            emit(d, nxt[d], nxt[1 - d], PSH | ACK if plen else ACK, w, plen)
            nxt[d] = (nxt[d] + plen) & M
        elif r < 0.52 and last is not None:
            pkts.append(last)  # exact duplicate
        elif r < 0.60:
            off = R.choice([-1, 1, -70000, 70000, 1 << 20, -(1 << 20), 1 << 31, 65536, -65536, 300000])
            plen = R.choice([0, 10, 1000])
            if R.random() < 0.5:
                emit(d, nxt[d] + off, nxt[1 - d], PSH | ACK if plen else ACK, w, plen)
            else:
                emit(d, nxt[d], nxt[1 - d] + off, PSH | ACK if plen else ACK, w, plen)
        elif r < 0.64:
            # FIN
            emit(d, nxt[d], nxt[1 - d], FIN | ACK, w, 0)
            nxt[d] = (nxt[d] + 1) & M
        elif r < 0.69:
            # RST variants
            v = R.random()
            if v < 0.3:
                emit(d, nxt[d], 0, RST, 0, 0)
            elif v < 0.5:
                emit(d, nxt[d] + R.choice([-1, 1, 100, -100, 5000]), 0, RST, 0, 0)
            elif v < 0.7:
                emit(d, nxt[d], nxt[1 - d], RST | ACK, 0, 0)
            elif v < 0.8:
                emit(d, 0, nxt[1 - d], RST | ACK, 0, 0)
            else:
                emit(d, nxt[d], 0, RST | ACK, 0, 0)
        elif r < 0.74:
            # new SYN on the tuple (reuse / resync)
            if d == 0:
                c2 = (nxt[0] + R.choice([1, 100000, -100000, 1 << 30])) & M
                emit(0, c2, 0, SYN, 64240, 0, synopts(R.choice([None, 7]), True, True))
                if R.random() < 0.6:
                    s2 = R.randrange(1 << 32)
                    emit(1, s2, (c2 + 1) & M, SYN | ACK, 65160, 0, synopts(R.choice([None, 7]), True, True))
                    nxt = [(c2 + 1) & M, (s2 + 1) & M]
                    if R.random() < 0.8:
                        emit(0, nxt[0], nxt[1], ACK, win[0], 0)
                elif R.random() < 0.5:
                    # challenge ACK
                    emit(1, nxt[1], nxt[0], ACK, win[1], 0)
            else:
                emit(1, nxt[1], nxt[0], SYN | ACK, 65160, 0, synopts(sws, ssp, False))
        elif r < 0.78:
            # keepalive
            emit(d, nxt[d] - 1, nxt[1 - d], ACK, w, R.choice([0, 1]))
        elif r < 0.85:
            # SACK
            base = nxt[1 - d]
            l = base + R.choice([100, 1000, -1000, 70000])
            emit(d, nxt[d], nxt[1 - d] - R.choice([0, 1000]), ACK, w, 0,
                 sackopt([(l, l + R.choice([100, 1448, 100000]))]))
        elif r < 0.88:
            f = R.choice([0, FIN, SYN | FIN, SYN | RST, SYN | ACK | URG, RST | FIN, FIN | PSH, URG | ACK, FIN | ACK | URG, PSH])
            emit(d, nxt[d], nxt[1 - d], f, w, 0)
        elif r < 0.92:
            # ack of peer's data with window change
            emit(d, nxt[d], nxt[1 - d], ACK, R.choice([0, 1, 100, 65535]), 0)
        elif r < 0.95:
            # data over peer window
            emit(d, nxt[d] + R.choice([60000, 66000, 130000, 9000000]), nxt[1 - d], PSH | ACK, w, R.choice([1, 1448]))
        else:
            # SYN retransmit / reply SYN
            emit(d, nxt[d] - 1, 0, SYN, 64240, 0, synopts(cws, csp, False))


for i in range(nflows):
    flow(i)

# interleave flows a little: keep order within a flow mostly, shuffle blocks
with open(out, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    t = 1700000000.0
    gapmode = 'gap' in sys.argv
    for i, p in enumerate(pkts):
        if gapmode:
            t += R.choice([1.5, 2.5, 3.5, 5.5]) + R.uniform(-0.2, 0.2) if R.random() < 0.06 else 0.002
        else:
            t += 0.001
        sec = int(t)
        f.write(struct.pack('<IIII', sec, int((t - sec) * 1e6), len(p), len(p)))
        f.write(p)
print(len(pkts))
