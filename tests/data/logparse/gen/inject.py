#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Craft frames that make conntrack log ICMP/ICMPv6/SCTP/IP-option cases.
# usage: inject.py IFACE DSTMAC SRCMAC
import socket, struct, sys, time

ifc, dmac, smac = sys.argv[1], bytes.fromhex(sys.argv[2].replace(':', '')), bytes.fromhex(sys.argv[3].replace(':', ''))
A4, F4, X4 = socket.inet_aton('192.0.2.1'), socket.inet_aton('192.0.2.2'), socket.inet_aton('192.0.2.99')
A6, F6, X6 = (socket.inet_pton(socket.AF_INET6, a) for a in ('2001:db8::1', '2001:db8::2', '2001:db8::99'))
LL6 = socket.inet_pton(socket.AF_INET6, 'fe80::1')

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifc, 0))


def csum(b):
    if len(b) % 2:
        b += b'\0'
    t = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while t >> 16:
        t = (t & 0xffff) + (t >> 16)
    return (~t) & 0xffff


def ip4(proto, src, dst, payload, ident=1, opts=b'', ttl=64, fix=True):
    ihl = 5 + len(opts) // 4
    h = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, 0, ihl * 4 + len(payload), ident, 0, ttl, proto, 0, src, dst) + opts
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return dmac + smac + b'\x08\x00' + h + payload


def ip6(nh, src, dst, payload, hlim=64):
    h = struct.pack('!IHBB16s16s', 0x60000000, len(payload), nh, hlim, src, dst)
    return dmac + smac + b'\x86\xdd' + h + payload


def l4sum4(proto, src, dst, seg):
    return csum(src + dst + struct.pack('!BBH', 0, proto, len(seg)) + seg)


def l4sum6(nh, src, dst, seg):
    return csum(src + dst + struct.pack('!IxxxB', len(seg), nh) + seg)


def udp4(src, dst, sp, dp, data=b'x'):
    u = struct.pack('!HHHH', sp, dp, 8 + len(data), 0) + data
    c = l4sum4(17, src, dst, u) or 0xffff
    return u[:6] + struct.pack('!H', c) + u[8:]


def udp6(src, dst, sp, dp, data=b'x'):
    u = struct.pack('!HHHH', sp, dp, 8 + len(data), 0) + data
    c = l4sum6(17, src, dst, u) or 0xffff
    return u[:6] + struct.pack('!H', c) + u[8:]


def icmp(t, c, rest, body, bad=False):
    m = struct.pack('!BBH', t, c, 0) + rest + body
    k = csum(m) ^ (0x1234 if bad else 0)
    return m[:2] + struct.pack('!H', k) + m[4:]


def icmp6(src, dst, t, c, rest, body, bad=False):
    m = struct.pack('!BBH', t, c, 0) + rest + body
    k = l4sum6(58, src, dst, m) ^ (0x1234 if bad else 0)
    return m[:2] + struct.pack('!H', k) + m[4:]


CRC = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    CRC.append(c)


def crc32c(b):
    c = 0xffffffff
    for x in b:
        c = CRC[(c ^ x) & 0xff] ^ (c >> 8)
    return c ^ 0xffffffff


def sctp(sp, dp, vtag, chunks, bad=False):
    p = struct.pack('!HHII', sp, dp, vtag, 0) + chunks
    c = crc32c(p) ^ (1 if bad else 0)
    return p[:8] + struct.pack('<I', c) + p[12:]


def send(f):
    s.send(f)
    time.sleep(0.02)


# --- ICMPv4
send(ip4(17, A4, F4, udp4(A4, F4, 1000, 2000)))               # entry A:1000 -> F:2000
inner = ip4(17, F4, A4, udp4(F4, A4, 2000, 1000), ident=77)[14:][:28]
send(ip4(1, A4, X4, icmp(3, 4, struct.pack('!HH', 0, 1400), inner), ident=2))  # outer daddr
send(ip4(1, A4, F4, icmp(8, 0, struct.pack('!HH', 0x1234, 7), b'ping' * 4, bad=True), ident=3))
send(ip4(1, A4, F4, b'\x08\x00\x00\x00', ident=4))            # short packet
send(ip4(1, A4, F4, icmp(40, 0, b'\0\0\0\0', b''), ident=5))  # invalid type
# --- TCP with IPv4 options and TCP options, bad checksum
tcp = struct.pack('!HHIIBBHHH', 41000, 443, 123456789, 0, 0x70, 0x02, 64240, 0xdead, 0) + bytes.fromhex('020405b40101040201030307')
send(ip4(6, A4, F4, tcp, ident=6, opts=b'\x01\x01\x01\x00'))
# --- ICMPv6
send(ip6(17, A6, F6, udp6(A6, F6, 1000, 2000)))
inner6 = ip6(17, F6, A6, udp6(F6, A6, 2000, 1000))[14:]
send(ip6(58, A6, X6, icmp6(A6, X6, 2, 0, struct.pack('!I', 1280), inner6)))      # outer daddr
send(ip6(58, A6, F6, icmp6(A6, F6, 128, 0, struct.pack('!HH', 1, 2), b'abcd', bad=True)))
send(ip6(58, A6, F6, b'\x80\x00\x00'))                          # short packet
send(ip6(58, A6, F6, icmp6(A6, F6, 137, 0, b'\0\0\0\0', b'\0' * 8)))          # short redirect
send(ip6(58, A6, F6, icmp6(A6, F6, 137, 0, b'\0\0\0\0', b'\0' * 32)))         # bad saddr/hoplimit
send(ip6(58, LL6, F6, icmp6(LL6, F6, 137, 0, b'\0\0\0\0', F6 + A6), hlim=255))  # without options
# --- SCTP
init = struct.pack('!BBHIIHHI', 1, 0, 20, 0x11223344, 65535, 1, 1, 1)
send(ip4(132, A4, F4, sctp(5000, 6000, 0, init, bad=True), ident=8))          # bad CRC
send(ip4(132, A4, F4, sctp(5001, 6000, 0, struct.pack('!BBH', 1, 0, 0) + init[4:]), ident=9))  # basic checks
send(ip4(132, A4, F4, sctp(5002, 6000, 0, init), ident=10))                   # INIT: new entry
send(ip4(132, A4, F4, sctp(5002, 6000, 0xdeadbeef, struct.pack('!BBHI', 3, 0, 8, 0)), ident=11))  # SACK, wrong vtag
send(ip6(132, A6, F6, sctp(5003, 6000, 0, init, bad=True)))                   # bad CRC v6
# --- IPv6 fragments of a UDP datagram with a bad checksum
data = b'y' * 64
u = struct.pack('!HHHH', 3000, 4000, 8 + len(data), 0x1111) + data
fh1 = struct.pack('!BBHI', 17, 0, 0x0001, 0x8c2c5c1a)
fh2 = struct.pack('!BBHI', 17, 0, 40, 0x8c2c5c1a)
send(ip6(44, A6, F6, fh1 + u[:40]))
send(ip6(44, A6, F6, fh2 + u[40:]))
