#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# udp-adv.py - extra kernel-lab captures for the UDP/ICMP trackers and the
# defragmenter (overlaps, duplicates, runs, ECN, IPv6 RFC 8200 cases,
# UDP-Lite checksums, ICMP type corners).  Writes Ethernet pcaps; the lab
# rewrites the destination MAC.  Test tooling, not part of ctexplain.
#
# usage: udp-adv.py OUTDIR   (writes frag-adv4.pcap, frag-adv6.pcap,
#                              l4-adv.pcap, timeouts.pcap,
#                              frag-timeouts.pcap)
import os
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def a4(s):
    return bytes(int(x) for x in s.split('.'))


def a6(s):
    # full 8-group form or with '::'
    if '::' in s:
        head, tail = s.split('::')
        h = [x for x in head.split(':') if x]
        t = [x for x in tail.split(':') if x]
        groups = h + ['0'] * (8 - len(h) - len(t)) + t
    else:
        groups = s.split(':')
    return b''.join(struct.pack('!H', int(g, 16)) for g in groups)


def pseudo(src, dst, proto, length):
    if len(src) == 4:
        return src + dst + struct.pack('!BBH', 0, proto, length)
    return src + dst + struct.pack('!IxxxB', length, proto)


def udp(src, dst, sport, dport, payload, proto=17, lenfield=None, cs='ok', cov=None):
    length = 8 + len(payload)
    lf = length if lenfield is None else lenfield
    if proto == 136 and lenfield is None:
        lf = 0
    hdr = struct.pack('!HHHH', sport, dport, lf, 0)
    seg = hdr + payload
    n = len(seg) if cov is None else cov
    if cs == 'p17lo' and len(src) == 4:
        # what IPv4 conntrack verifies for UDP-Lite: protocol 17 and only
        # the low byte of the length (nf_ip_checksum_partial)
        ph = src + dst + struct.pack('!BBH', 0, 17, len(seg) & 0xff)
    else:
        ph = pseudo(src, dst, 17 if cs in ('p17', 'p17lo') else proto, len(seg))
    c = csum(ph + seg[:n])
    if c == 0:
        c = 0xffff
    if cs == 'bad':
        c ^= 0x5a5a
    if cs == 'zero':
        c = 0
    return seg[:6] + struct.pack('!H', c) + seg[8:]


def icmp(src, dst, typ, code, rest, body=b'', v6=False, cs='ok'):
    m = struct.pack('!BBHI', typ, code, 0, rest) + body
    c = csum((pseudo(src, dst, 58, len(m)) if v6 else b'') + m)
    if cs == 'bad':
        c ^= 0x5a5a
    return m[:2] + struct.pack('!H', c) + m[4:]


def ip4(src, dst, proto, l4, ident=1, off=0, mf=False, df=False, tos=0, ttl=64, tot=None):
    flags = (0x2000 if mf else 0) | (0x4000 if df else 0) | (off // 8)
    t = 20 + len(l4) if tot is None else tot
    h = struct.pack('!BBHHHBBH4s4s', 0x45, tos, t, ident, flags, ttl, proto, 0, src, dst)
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + l4


def ip6(src, dst, nh, payload, hlim=64, tc=0):
    return struct.pack('!IHBB', (6 << 28) | (tc << 20), len(payload), nh, hlim) + src + dst + payload


def frag6(src, dst, nh, data, off, mf, ident, pre=b'', pre_nh=None, tc=0):
    fh = struct.pack('!BBHI', nh, 0, off | (1 if mf else 0), ident)
    if pre:
        return ip6(src, dst, pre_nh, pre + fh + data, tc=tc)
    return ip6(src, dst, 44, fh + data, tc=tc)


class Pcap:
    def __init__(self, path):
        self.f = open(path, 'wb')
        self.f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        self.t = 1000000
        self.n = 0

    def add(self, l3, v6=False, at=None):
        eth = b'\x02\0\0\0\0\x02' + b'\x02\0\0\0\0\x01' + (b'\x86\xdd' if v6 else b'\x08\x00')
        fr = eth + l3
        self.t = 1000000 + int(at * 1000000) if at is not None else self.t + 1000
        self.f.write(struct.pack('<IIII', self.t // 1000000, self.t % 1000000, len(fr), len(fr)))
        self.f.write(fr)
        self.n += 1

    def close(self):
        self.f.close()


def payload(n, seed=1):
    return bytes((i * 7 + seed) & 0xff for i in range(n))


def frag_adv4(path):
    p = Pcap(path)
    S, D = a4('192.0.2.1'), a4('198.51.100.2')
    d = udp(S, D, 40000, 5353, payload(40))       # 48 bytes
    bad = udp(S, D, 40001, 5353, payload(40), cs='bad')

    def fr(ident, off, n, mf, data=d, tos=0, df=False, proto=17):
        p.add(ip4(S, D, proto, data[off:off + n], ident=ident, off=off, mf=mf, tos=tos, df=df))
    # a) in order
    fr(1, 0, 24, True); fr(1, 24, 16, True); fr(1, 40, 8, False)
    # b) out of order
    fr(2, 40, 8, False); fr(2, 0, 24, True); fr(2, 24, 16, True)
    # c) overlap kills; the last fragment starts a new queue that a
    #    complete resend then finishes
    fr(3, 0, 24, True); fr(3, 16, 24, True); fr(3, 40, 8, False)
    fr(3, 0, 24, True); fr(3, 24, 16, True)
    # d) duplicate
    fr(4, 0, 24, True); fr(4, 0, 24, True); fr(4, 24, 24, False)
    # e) inconsistent last fragment kills the IPv4 queue
    fr(5, 40, 8, False); fr(5, 24, 8, False)
    fr(5, 0, 24, True); fr(5, 24, 16, True)
    fr(5, 40, 8, False)
    # f) ECN: ECT(0) + Not-ECT is dropped at reassembly
    fr(6, 0, 24, True, tos=2); fr(6, 24, 24, False, tos=0)
    # g) bad UDP checksum in the reassembled datagram
    fr(7, 0, 24, True, data=bad); fr(7, 24, 24, False, data=bad)
    # h) overlap through the middle: [24,40) [0,8) [8,32)
    fr(8, 24, 16, True); fr(8, 0, 8, True); fr(8, 8, 24, True); fr(8, 40, 8, False)
    # i) runs: [0,8)+[8,16) appended = one run; [0,16) again is a duplicate
    fr(9, 0, 8, True); fr(9, 8, 8, True); fr(9, 0, 16, True); fr(9, 16, 32, False)
    # j) the same fragments inserted out of order are two runs: overlap
    fr(10, 8, 8, True); fr(10, 0, 8, True); fr(10, 0, 16, True); fr(10, 16, 32, False)
    # k) non-last fragment of 20 bytes is trimmed to 16
    fr(11, 0, 20, True); fr(11, 16, 32, False)
    # l) CE + ECT(0) reassembles
    fr(12, 0, 24, True, tos=2); fr(12, 24, 24, False, tos=3)
    # m) oversize: 1480-byte fragments up to 65544 bytes
    big = udp(S, D, 40002, 5353, payload(65000), lenfield=0) + payload(544)
    off = 0
    while off < 65544:
        n = min(1480, 65544 - off)
        fr(13, off, n, off + n < 65544, data=big)
        off += n
    # n) a fragmented ICMP echo and its fragmented reply
    e = icmp(S, D, 8, 0, 0x07770001, payload(64))
    fr(14, 0, 40, True, data=e, proto=1); fr(14, 40, 32, False, data=e, proto=1)
    r = icmp(D, S, 0, 0, 0x07770001, payload(64))
    p.add(ip4(D, S, 1, r[0:40], ident=15, off=0, mf=True))
    p.add(ip4(D, S, 1, r[40:], ident=15, off=40, mf=False))
    # o) DF on fragments
    fr(16, 0, 24, True, df=True); fr(16, 24, 24, False, df=True)
    # q) a first fragment with a bad IP header checksum never reaches
    #    defrag (ip_rcv drops it): the good one completes the datagram
    bad_ip = bytearray(ip4(S, D, 17, d[0:24], ident=19, off=0, mf=True))
    bad_ip[10] ^= 0xff
    p.add(bytes(bad_ip))
    fr(19, 24, 24, False)
    fr(19, 0, 24, True)
    # p) ipfrag_max_dist (64): 65 other fragments from the same source in
    #    between restart the queue; 63 do not
    fr(17, 0, 24, True)
    for i in range(65):
        fr(1000 + i, 0, 8, True)
    fr(17, 24, 24, False)
    fr(18, 0, 24, True)
    for i in range(63):
        fr(2000 + i, 0, 8, True)
    fr(18, 24, 24, False)
    p.close()


def frag_adv6(path):
    p = Pcap(path)
    S, D = a6('2001:db8::1'), a6('2001:db8::2')
    d = udp(S, D, 40000, 5353, payload(40))
    bad = udp(S, D, 40001, 5353, payload(40), cs='bad')

    def fr(ident, off, n, mf, data=d, tc=0, **kw):
        p.add(frag6(S, D, 17, data[off:off + n], off, mf, ident, tc=tc, **kw), v6=True)
    fr(1, 0, 24, True); fr(1, 24, 16, True); fr(1, 40, 8, False)
    fr(2, 40, 8, False); fr(2, 0, 24, True); fr(2, 24, 16, True)
    # overlap kills the queue (RFC 5722)
    fr(3, 0, 24, True); fr(3, 16, 24, True); fr(3, 40, 8, False)
    fr(3, 0, 24, True); fr(3, 24, 16, True)
    # duplicate
    fr(4, 0, 24, True); fr(4, 0, 24, True); fr(4, 24, 24, False)
    # inconsistent last fragment: IPv6 keeps the queue
    fr(5, 40, 8, False); fr(5, 24, 8, False)
    fr(5, 0, 24, True); fr(5, 24, 16, True)
    # non-last fragment not a multiple of 8: queue killed, passed on
    fr(6, 0, 20, True); fr(6, 16, 32, False)
    # first fragment without the whole UDP header: passed on
    fr(7, 0, 4, True); fr(7, 8, 40, False)
    # bad checksum after reassembly
    fr(8, 0, 24, True, data=bad); fr(8, 24, 24, False, data=bad)
    # atomic fragment
    fr(9, 0, 48, False)
    # runs
    fr(10, 0, 8, True); fr(10, 8, 8, True); fr(10, 0, 16, True); fr(10, 16, 32, False)
    fr(11, 8, 8, True); fr(11, 0, 8, True); fr(11, 0, 16, True); fr(11, 16, 32, False)
    # destination options before the fragment header
    do = struct.pack('!BB', 44, 0) + b'\x01\x04\0\0\0\0'
    fr(12, 0, 24, True, pre=do, pre_nh=60); fr(12, 24, 24, False, pre=do, pre_nh=60)
    # ECN mix
    fr(13, 0, 24, True, tc=2); fr(13, 24, 24, False, tc=0)
    # hop-by-hop options before the fragment header; destination options
    # after it, in the first fragment
    hbh = struct.pack('!BB', 44, 0) + b'\x01\x04\0\0\0\0'
    fr(15, 0, 24, True, pre=hbh, pre_nh=0); fr(15, 24, 24, False, pre=hbh, pre_nh=0)
    do17 = struct.pack('!BB', 17, 0) + b'\x01\x04\0\0\0\0'
    dd = do17 + d
    p.add(frag6(S, D, 60, dd[0:32], 0, True, 16), v6=True)
    p.add(frag6(S, D, 60, dd[32:], 32, False, 16), v6=True)
    # fragmented echo request
    e = icmp(S, D, 128, 0, 0x00420001, payload(64), v6=True)
    p.add(frag6(S, D, 58, e[0:40], 0, True, 14), v6=True)
    p.add(frag6(S, D, 58, e[40:], 40, False, 14), v6=True)
    p.close()


def l4_adv(path):
    p = Pcap(path)
    S4, D4, R4 = a4('192.0.2.1'), a4('198.51.100.2'), a4('203.0.113.7')
    S6, D6 = a6('2001:db8::1'), a6('2001:db8::2')
    LL = a6('fe80::1')
    # UDP-Lite checksummed the way the kernel checks it (protocol 17)
    for (S, D, v6) in ((S4, D4, False), (S6, D6, True)):
        def send(l4, proto, src=S, dst=D):
            if v6:
                p.add(ip6(src, dst, proto, l4), v6=True)
            else:
                p.add(ip4(src, dst, proto, l4), v6=False)
        send(udp(S, D, 7000, 7001, payload(32), proto=136, cs='p17'), 136)
        send(udp(S, D, 7000, 7001, payload(32), proto=136, lenfield=12, cs='p17', cov=12), 136)
        send(udp(S, D, 7000, 7001, payload(32), proto=136, lenfield=8, cs='p17', cov=8), 136)
        send(udp(S, D, 7000, 7001, payload(32), proto=136, lenfield=40, cs='p17', cov=40), 136)
        send(udp(S, D, 7000, 7001, payload(32), proto=136, lenfield=12, cov=12), 136)
        send(udp(D, S, 7001, 7000, payload(32), proto=136, cs='p17'), 136, src=D, dst=S)
        # 300 bytes: the IPv4 quirk shows (length 300 vs its low byte 44)
        send(udp(S, D, 7000, 7001, payload(292), proto=136, cs='p17'), 136)
        send(udp(S, D, 7000, 7001, payload(292), proto=136, cs='p17lo'), 136)
        send(udp(S, D, 7000, 7001, payload(292), proto=136), 136)
        # UDP: zero checksum, length field 8 with trailing bytes, 8-byte datagram
        send(udp(S, D, 7100, 7101, payload(20), cs='zero'), 17)
        send(udp(S, D, 7100, 7101, payload(20), lenfield=8), 17)
        send(udp(S, D, 7102, 7101, b''), 17)
        send(udp(S, D, 7103, 7101, payload(20))[:6], 17)
        send(udp(S, D, 7104, 7101, payload(20))[:3], 17)
    # ICMP corners
    def s4(m, src=S4, dst=D4):
        p.add(ip4(src, dst, 1, m))
    s4(icmp(S4, D4, 15, 0, 0x01000001))             # info request
    s4(icmp(D4, S4, 16, 0, 0x01000001), src=D4, dst=S4)   # info reply
    s4(icmp(S4, D4, 17, 0, 0x02000001, b'\0' * 4))  # address mask request
    s4(icmp(D4, S4, 18, 0, 0x02000001, b'\0' * 4), src=D4, dst=S4)
    s4(icmp(S4, D4, 9, 0, 0x01000000, b'\0' * 8))   # router advertisement
    s4(icmp(S4, D4, 10, 0, 0))                       # router solicitation
    s4(icmp(S4, D4, 1, 0, 0))                        # unassigned type 1
    s4(icmp(S4, D4, 6, 0, 0))                        # alternate host address
    s4(icmp(S4, D4, 14, 0, 0x03000001, b'\0' * 12)) # timestamp reply, lone
    s4(icmp(S4, D4, 8, 0, 0x04000001))               # echo ...
    s4(icmp(S4, D4, 8, 0, 0x04000002))               # ... same id, next seq
    s4(icmp(S4, D4, 8, 1, 0x04000003))               # code 1: another tuple
    s4(icmp(D4, S4, 0, 0, 0x04000009), src=D4, dst=S4)  # reply, seq differs
    s4(icmp(D4, S4, 0, 1, 0x04000009), src=D4, dst=S4)  # reply, code 1
    # errors quoting an ICMP echo, a truncated quote, a quote of a fragment
    q = ip4(S4, D4, 1, icmp(S4, D4, 8, 0, 0x04000001))[:28]
    s4(icmp(R4, S4, 11, 0, 0, q), src=R4, dst=S4)
    s4(icmp(R4, S4, 11, 0, 0, q[:24]), src=R4, dst=S4)
    qf = ip4(S4, D4, 17, udp(S4, D4, 7100, 7101, payload(20))[:8], off=8, mf=True)[:28]
    s4(icmp(R4, S4, 3, 4, 1400, qf), src=R4, dst=S4)
    qu = ip4(S4, D4, 17, udp(S4, D4, 7100, 7101, payload(20)))[:28]
    s4(icmp(R4, S4, 3, 4, 1400, qu), src=R4, dst=S4)
    s4(icmp(R4, S4, 5, 1, 0x0a000001, qu), src=R4, dst=S4)
    s4(icmp(R4, S4, 4, 0, 0, qu), src=R4, dst=S4)
    s4(icmp(R4, S4, 12, 0, 0, qu), src=R4, dst=S4)
    s4(icmp(R4, D4, 3, 4, 1400, qu), src=R4, dst=D4)   # to the wrong host
    # ICMPv6 corners
    def s6(m, src=S6, dst=D6, hl=64):
        p.add(ip6(src, dst, 58, m, hlim=hl), v6=True)
    s6(icmp(S6, D6, 139, 0, 0x00050001, b'\0' * 8, v6=True))
    s6(icmp(D6, S6, 140, 0, 0x00050001, b'\0' * 8, v6=True), src=D6, dst=S6)
    s6(icmp(S6, D6, 140, 0, 0x00060001, b'\0' * 8, v6=True))
    s6(icmp(S6, D6, 130, 0, 0, b'\0' * 16, v6=True))
    s6(icmp(S6, D6, 151, 0, 0, b'', v6=True))
    s6(icmp(S6, D6, 153, 0, 0, b'', v6=True))
    s6(icmp(S6, D6, 100, 0, 0, b'\0' * 8, v6=True))
    s6(icmp(S6, D6, 128, 0, 0x00070001, b'\0' * 8, v6=True))
    q6 = ip6(S6, D6, 58, icmp(S6, D6, 128, 0, 0x00070001, b'\0' * 8, v6=True))[:48]
    s6(icmp(D6, S6, 3, 0, 0, q6, v6=True), src=D6, dst=S6)
    s6(icmp(D6, S6, 4, 1, 0, q6, v6=True), src=D6, dst=S6)
    s6(icmp(D6, S6, 1, 4, 0, q6[:44], v6=True), src=D6, dst=S6)
    qu6 = ip6(S6, D6, 17, udp(S6, D6, 7100, 7101, payload(20)))[:48]
    s6(icmp(D6, S6, 2, 0, 1280, qu6, v6=True), src=D6, dst=S6)
    # redirect: option type 1 first, then a redirected header
    tgt = LL + D6
    o1 = struct.pack('!BB', 1, 1) + b'\x02\0\0\0\0\x07'
    rh = struct.pack('!BB', 4, (8 + len(qu6) + 7) // 8) + b'\0' * 6 + qu6
    rh += b'\0' * ((8 - len(rh) % 8) % 8)
    s6(icmp(LL, S6, 137, 0, 0, tgt + o1 + rh, v6=True), src=LL, dst=S6, hl=255)
    s6(icmp(LL, S6, 137, 0, 0, tgt + rh, v6=True), src=LL, dst=S6, hl=255)
    s6(icmp(LL, S6, 137, 0, 0, tgt + struct.pack('!BB', 4, 0), v6=True), src=LL, dst=S6, hl=255)
    s6(icmp(LL, S6, 137, 0, 0, tgt + b'\x04', v6=True), src=LL, dst=S6, hl=255)
    s6(icmp(LL, S6, 137, 1, 0, tgt, v6=True), src=LL, dst=S6, hl=64)
    s6(icmp(LL, S6, 137, 0, 0, tgt[:31], v6=True), src=LL, dst=S6, hl=255)
    p.close()


def timeouts(path):
    # replay with --timing original and nf_conntrack_udp_timeout=2,
    # nf_conntrack_udp_timeout_stream=4, nf_conntrack_icmp_timeout=2
    p = Pcap(path)
    A, B = a4('192.0.2.1'), a4('198.51.100.2')

    def u(t, sport, rev=False):
        if rev:
            p.add(ip4(B, A, 17, udp(B, A, 53, sport, payload(8))), at=t)
        else:
            p.add(ip4(A, B, 17, udp(A, B, sport, 53, payload(8))), at=t)

    def e(t, typ, ident):
        src, dst = (A, B) if typ == 8 else (B, A)
        p.add(ip4(src, dst, 1, icmp(src, dst, typ, 0, ident << 16 | 1)), at=t)
    u(0.0, 1001)                   # unreplied
    u(0.1, 1002)                   # will be replied young
    u(0.2, 1003)                   # will become a stream
    e(0.3, 8, 7)
    u(0.4, 1002, True)
    u(0.5, 1003, True)
    u(1.0, 1001)                   # alive (1.0 < 2)
    u(1.2, 1002)                   # entry 1.1 s old: unreplied timeout 2 s
    e(1.3, 0, 7)                   # echo reply alive
    u(2.4, 1003)                   # entry 2.2 s old, replied: stream 4 s
    u(3.6, 1002)                   # 2.4 s after the last: expired -> new
    u(3.7, 1001)                   # 2.7 s after the last: expired -> new
    e(3.8, 0, 7)                   # 2.5 s after the last: expired -> INVALID
    u(6.0, 1003)                   # 3.6 s after the last: alive (stream)
    u(10.5, 1003, True)            # 4.5 s after the last: expired -> new (reply dir)
    p.close()


def frag_timeouts(path):
    # replay with --timing original, net.ipv4.ipfrag_time=2,
    # net.netfilter.nf_conntrack_frag6_timeout=2, net.ipv4.ipfrag_max_dist=0
    p = Pcap(path)
    S4, D4 = a4('192.0.2.1'), a4('198.51.100.2')
    S6, D6 = a6('2001:db8::1'), a6('2001:db8::2')
    d4 = udp(S4, D4, 41000, 5353, payload(40))
    d6 = udp(S6, D6, 41000, 5353, payload(40))

    def f4(t, ident, first):
        if first:
            p.add(ip4(S4, D4, 17, d4[:24], ident=ident, off=0, mf=True), at=t)
        else:
            p.add(ip4(S4, D4, 17, d4[24:], ident=ident, off=24), at=t)

    def f6(t, ident, first):
        if first:
            p.add(frag6(S6, D6, 17, d6[:24], 0, True, ident), v6=True, at=t)
        else:
            p.add(frag6(S6, D6, 17, d6[24:], 24, False, ident), v6=True, at=t)
    f4(0.0, 1, True)
    f4(0.1, 2, True)
    f6(0.2, 3, True)
    f6(0.3, 4, True)
    f4(1.5, 1, False)      # 1.5 s: completes
    f6(1.7, 3, False)      # 1.5 s: completes
    f4(2.6, 2, False)      # 2.5 s: first fragment expired, held alone
    f6(2.8, 4, False)      # 2.5 s: expired, held alone
    f4(3.0, 2, True)       # joins the queue the late last fragment made
    f6(3.1, 4, True)
    f4(3.2, 5, True)       # ipfrag_max_dist 0: no restart
    for i in range(70):
        p.add(ip4(S4, D4, 17, d4[:8], ident=100 + i, off=0, mf=True), at=3.3)
    f4(3.4, 5, False)
    p.close()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else '.'
    os.makedirs(out, exist_ok=True)
    frag_adv4(os.path.join(out, 'frag-adv4.pcap'))
    frag_adv6(os.path.join(out, 'frag-adv6.pcap'))
    l4_adv(os.path.join(out, 'l4-adv.pcap'))
    timeouts(os.path.join(out, 'timeouts.pcap'))
    frag_timeouts(os.path.join(out, 'frag-timeouts.pcap'))


if __name__ == '__main__':
    main()
