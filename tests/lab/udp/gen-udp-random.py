#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# gen-udp-random.py - seeded random captures for the kernel differential test
# of the UDP/UDP-Lite/ICMP/ICMPv6 trackers and the defragmenter: good and bad
# checksums, short and cut headers, random length/coverage fields, random
# ICMP types and codes, ICMP errors and redirects quoting random (often cut)
# packets, overlapping/duplicate/out-of-order fragments with random ECN, on
# a few addresses so that flows interact.  Link-local sources are used only
# for redirects: the lab firewall does not forward them, so their entries
# would never be confirmed there.  Test tooling, not part of ctexplain.
#
# usage: gen-udp-random.py OUT.pcap SEED [COUNT]
import importlib.util
import os
import random
import sys

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('gen_udp_adv', os.path.join(_here, 'gen-udp-adv.py'))
g = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(g)


def main():
    out, seed = sys.argv[1], int(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 4000
    random.seed(seed)
    p = g.Pcap(out)
    A4 = [g.a4('192.0.2.%d' % i) for i in (1, 2, 3)]
    A6 = [g.a6('2001:db8::%d' % i) for i in (1, 2, 3)]
    LL = g.a6('fe80::1')

    def rb(n):
        return bytes(random.getrandbits(8) for _ in range(n))
    sent = {4: [], 6: []}     # recent whole IP packets, for quoting
    for i in range(count):
        v6 = random.random() < 0.5
        S, D = random.sample(A6 if v6 else A4, 2)
        kind = random.choice(['udp', 'lite', 'icmp', 'err', 'frag', 'raw',
                              'good', 'echo', 'quote', 'quote', 'fragflow'])
        if kind == 'fragflow':
            # a whole datagram cut into 2..4 pieces, shuffled, sometimes a
            # piece twice or an overlapping piece, sometimes ECN mixed
            sp, dp = random.choice([(1000, 53), (53, 1000), (1002, 53)])
            dg = g.udp(S, D, sp, dp, rb(random.randrange(16, 120)),
                       cs=random.choice(['ok', 'ok', 'ok', 'bad']))
            slots = range(1, (len(dg) - 1) // 8 + 1)
            cuts = sorted(random.sample(slots, min(len(slots), random.randrange(1, 4))))
            offs = [0] + [c * 8 for c in cuts] + [len(dg)]
            pieces = [(offs[k], offs[k + 1]) for k in range(len(offs) - 1) if offs[k] < offs[k + 1]]
            r = random.random()
            if r < 0.15:
                pieces.append(random.choice(pieces))
            elif r < 0.25 and len(pieces) > 1:
                a = random.randrange(0, len(pieces) - 1)
                pieces.append((pieces[a][0], pieces[a + 1][1]))
            random.shuffle(pieces)
            ident = random.randrange(0, 1 << 16)
            tos = random.choice([0, 0, 0, 2, 3])
            for (a, b) in pieces:
                mf = b < len(dg)
                if v6:
                    p.add(g.frag6(S, D, 17, dg[a:b], a, mf, ident, tc=random.choice([tos, tos, 0])), v6=True)
                else:
                    p.add(g.ip4(S, D, 17, dg[a:b], ident=ident, off=a, mf=mf,
                                tos=random.choice([tos, tos, 0])))
            continue
        if kind == 'good':
            # well-formed UDP on few ports, both directions: flows with replies
            proto = 17
            sp, dp = random.choice([(1000, 53), (1001, 53), (53, 1000), (53, 1001)])
            l4 = g.udp(S, D, sp, dp, rb(random.randrange(0, 20)))
        elif kind == 'echo':
            proto = 58 if v6 else 1
            t = random.choice([128, 129, 139, 140] if v6 else [8, 0, 13, 14, 15, 16, 17, 18])
            l4 = g.icmp(S, D, t, 0, random.randrange(0, 3) << 16 | random.randrange(0, 4),
                        rb(random.choice([0, 8, 12])), v6=v6)
        elif kind == 'quote' and sent[6 if v6 else 4]:
            # an error quoting a packet sent before, from either end or a
            # third host, to either end or a third host
            proto = 58 if v6 else 1
            q = random.choice(sent[6 if v6 else 4])
            hl = 40 if v6 else 20
            qs, qd = (q[8:24], q[24:40]) if v6 else (q[12:16], q[16:20])
            S = random.choice([qs, qd, S])
            D = random.choice([qs, qd, D])
            if S == D:
                continue
            body = q[:hl + random.choice([8, 8, 8, 4, 2])]
            t = random.choice([1, 2, 3, 4] if v6 else [3, 4, 5, 11, 12])
            l4 = g.icmp(S, D, t, random.choice([0, 1]), 0, body, v6=v6)
        elif kind == 'quote':
            continue
        elif kind == 'udp' or kind == 'lite':
            proto = 17 if kind == 'udp' else 136
            l4 = g.udp(S, D, random.choice([1, 2, 53]), random.choice([1, 53]), rb(random.randrange(0, 40)), proto=proto,
                       lenfield=random.choice([None, 0, 4, 8, 12, 100]), cs=random.choice(['ok', 'bad', 'zero', 'p17', 'p17lo']))
            l4 = l4[:random.choice([len(l4), random.randrange(0, len(l4) + 1)])]
        elif kind == 'icmp':
            proto = 58 if v6 else 1
            l4 = g.icmp(S, D, random.randrange(0, 256), random.randrange(0, 3), random.getrandbits(32), rb(random.randrange(0, 60)), v6=v6)
            l4 = l4[:random.choice([len(l4), random.randrange(0, len(l4) + 1)])]
        elif kind == 'err':
            proto = 58 if v6 else 1
            inner = (g.ip6(D, S, random.choice([17, 58, 6, 44, 60]), rb(random.randrange(0, 40))) if v6 else
                     g.ip4(D, S, random.choice([17, 1, 6, 47]), rb(random.randrange(0, 40)), off=random.choice([0, 0, 8])))
            inner = inner[:random.randrange(0, len(inner) + 1)]
            t = random.choice([1, 2, 3, 4, 137] if v6 else [3, 4, 5, 11, 12])
            body = inner
            if t == 137:
                body = rb(32) + bytes([random.choice([1, 4]), random.randrange(0, 8)]) + rb(6) + inner
                S = random.choice([LL, S])
            l4 = g.icmp(S, D, t, random.choice([0, 0, 1]), 0, body, v6=v6)
        elif kind == 'frag':
            proto = 17
            data = rb(random.randrange(8, 80))
            off = random.randrange(0, 12) * 8
            mf = random.random() < 0.6
            ident = random.randrange(0, 6)
            if v6:
                p.add(g.frag6(S, D, 17, data, off, mf, ident), v6=True)
            else:
                p.add(g.ip4(S, D, 17, data, ident=ident, off=off, mf=mf, tos=random.randrange(0, 4)))
            continue
        else:
            proto = random.choice([17, 1, 58, 136, 6])
            l4 = rb(random.randrange(0, 30))
        if v6:
            pk = g.ip6(S, D, proto, l4, hlim=random.choice([64, 255]))
        else:
            pk = g.ip4(S, D, proto, l4)
        p.add(pk, v6=v6)
        if kind in ('good', 'echo', 'udp', 'lite'):
            lst = sent[6 if v6 else 4]
            lst.append(pk)
            del lst[:-50]
    p.close()


if __name__ == "__main__":
    main()
