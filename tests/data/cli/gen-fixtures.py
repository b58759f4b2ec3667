#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Regenerate the CLI test fixtures in this directory (run by hand; the
outputs are committed).  The packets are the three the live 6.18.44 kernel
logged in /work/shared/kernel/messages.md section 2.9, preceded by an ARP
frame (so record indexes count non-IP records too)."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
MAC_DST = bytes.fromhex("fadae18fd0ae")
MAC_SRC = bytes.fromhex("16880523a98d")
SRC = bytes([10, 99, 0, 1])
DST = bytes([10, 99, 0, 2])
T0 = 1764169706  # 2025-11-26T15:08:26Z


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4(proto, payload, tot_len=None, ident=1, ttl=64):
    tot = tot_len if tot_len is not None else 20 + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, ident, 0, ttl, proto, 0, SRC, DST)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def eth(l3, ethertype=0x0800):
    return MAC_DST + MAC_SRC + struct.pack("!H", ethertype) + l3


def tcp(sport, dport, seq, ack, flags, win, payload=b""):
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, win, 0, 0)
    ph = SRC + DST + struct.pack("!BBH", 0, 6, len(h) + len(payload))
    c = csum(ph + h + payload)
    return h[:16] + struct.pack("!H", c) + h[18:] + payload


def udp(sport, dport, payload, length=None, bad_csum=False):
    ln = length if length is not None else 8 + len(payload)
    h = struct.pack("!HHHH", sport, dport, ln, 0)
    ph = SRC + DST + struct.pack("!BBH", 0, 17, 8 + len(payload))
    c = csum(ph + h + payload) or 0xFFFF
    if bad_csum:
        c ^= 0x5555
    return h[:6] + struct.pack("!H", c) + payload


def arp():
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + MAC_SRC + SRC + bytes(6) + DST
    return b"\xff" * 6 + MAC_SRC + struct.pack("!H", 0x0806) + body


def pcap(path, frames, cut_last=0):
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    for i, (ts, fr) in enumerate(frames):
        rec = struct.pack("<IIII", ts[0], ts[1], len(fr), len(fr)) + fr
        if cut_last and i == len(frames) - 1:
            rec = rec[:-cut_last]
        out += rec
    with open(os.path.join(HERE, path), "wb") as f:
        f.write(out)


frames = [
    ((T0, 100000), arp()),
    ((T0, 101320), eth(ipv4(6, tcp(40000, 5555, 0, 0, 0x06, 8192)))),
    ((T0, 104587), eth(ipv4(17, udp(40001, 5556, b"hello", bad_csum=True)))),
    ((T0, 107224), eth(ipv4(17, udp(40002, 5557, b"hi", length=100)))),
]
pcap("basic.pcap", frames)
# the same records, the last one cut in the middle of its data
pcap("truncated.pcap", frames, cut_last=10)

# A duplicated packet: the same UDP datagram captured twice, one second
# apart, and logged twice; the TCP line alone gives the clock offset.
dup = frames[:3] + [((T0 + 1, 104587), frames[2][1])]
pcap("dup.pcap", dup)
with open(os.path.join(HERE, "kern.log")) as f:
    lines = f.read().splitlines(True)
with open(os.path.join(HERE, "dup.log"), "w") as f:
    f.write(lines[0] + lines[1] + lines[1].replace("[  219.104587]", "[  220.104587]"))
