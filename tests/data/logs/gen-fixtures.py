#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Regenerate the log-format fixtures of tests/unit/test-logsrc.c:
#   cd tests/data/logs && ./gen-fixtures.py
# The same four kernel conntrack records (the first three verbatim from a
# 6.18.44 dmesg, messages.md s2.9; the fourth in the same shape) rendered in
# every format logsrc reads, with one non-kernel line (sshd) or one kernel
# chatter line between the second and third record and a journal banner
# first in the journal text formats.  Times are consistent: boot at
# 2026-11-26T15:04:47Z, wall = boot + kernel stamp.
import json
import struct
import datetime

MSGS = [
    "nf_ct_proto_6: invalid tcp flag combination IN=vb OUT= MAC=fa:da:e1:8f:d0:ae:16:88:05:23:a9:8d:08:00 SRC=10.99.0.1 DST=10.99.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=40000 DPT=5555 SEQ=0 ACK=0 WINDOW=8192 RES=0x00 RST SYN URGP=0 ",
    "nf_ct_proto_17: bad checksum IN=vb OUT= MAC=fa:da:e1:8f:d0:ae:16:88:05:23:a9:8d:08:00 SRC=10.99.0.1 DST=10.99.0.2 LEN=33 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=40001 DPT=5556 LEN=13 ",
    "nf_ct_proto_17: truncated/malformed packet IN=vb OUT= MAC=fa:da:e1:8f:d0:ae:16:88:05:23:a9:8d:08:00 SRC=10.99.0.1 DST=10.99.0.2 LEN=30 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=40002 DPT=5557 LEN=100 ",
    "nf_ct_proto_6: SEQ is over upper bound 2864372049 (over the window of the receiver) IN=vb OUT= MAC=fa:da:e1:8f:d0:ae:16:88:05:23:a9:8d:08:00 SRC=10.99.0.1 DST=10.99.0.2 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=40003 DPT=5558 SEQ=2864372049 ACK=1 WINDOW=502 RES=0x00 ACK PSH URGP=0 ",
]
MONO = [219101320, 219104587, 219107224, 219110874]
OTHER_MONO = 219105500
BOOT = 1795705487 * 1000000          # 2026-11-26T15:04:47Z
HOST = "fw1"
BOOT_ID = "3f0c8a6e1d2b4c5fa7e9d0b1c2a3f405"
MACHINE_ID = "9d1c0e5b7a2f4e63b8c1d2e3f4a5b6c7"
SSHD = "Connection closed by 192.0.2.10 port 51234 [preauth]"
CHATTER = "vb: entered promiscuous mode"
BANNER = "-- Journal begins at Thu 2026-11-26 15:04:48 UTC, ends at Thu 2026-11-26 15:08:27 UTC. --"


def dt(us, off_h=0):
    return datetime.datetime.fromtimestamp(us // 1000000, datetime.timezone.utc) + \
        datetime.timedelta(hours=off_h)


def kstamp(us):
    return "[%5d.%06d]" % (us // 1000000, us % 1000000)


def records():
    """(kind, mono, text): kind 'k' kernel conntrack, 'o' other program / chatter."""
    out = [("k", MONO[0], MSGS[0]), ("k", MONO[1], MSGS[1]),
           ("o", OTHER_MONO, None), ("k", MONO[2], MSGS[2]), ("k", MONO[3], MSGS[3])]
    return out


def write(name, lines, banner=False):
    with open(name, "wb") as f:
        if banner:
            f.write((BANNER + "\n").encode())
        for l in lines:
            f.write(l.encode() + b"\n")


def text(fn, other, banner=False, name=None):
    lines = []
    for kind, mono, msg in records():
        lines.append(fn(kind, mono, msg if kind == "k" else other))
    write(name, lines, banner)


# raw dmesg, dmesg -x
text(lambda k, m, s: "%s %s" % (kstamp(m), s), CHATTER, name="dmesg.log")
text(lambda k, m, s: "kern  :%s: %s %s" % ("warn  " if k == "k" else "info  ", kstamp(m), s),
     CHATTER, name="dmesg-x.log")
# dmesg -T (local time shown; this machine's zone is UTC)
text(lambda k, m, s: "[%s] %s" % (dt(BOOT + m).strftime("%a %b %e %H:%M:%S %Y"), s),
     CHATTER, name="dmesg-ctime.log")
# dmesg --time-format iso, zone +01:00
text(lambda k, m, s: "%s,%06d+01:00 %s" % (dt(BOOT + m, 1).strftime("%Y-%m-%dT%H:%M:%S"),
                                           (BOOT + m) % 1000000, s), CHATTER, name="dmesg-iso.log")
# traditional syslog (rsyslog imklog keeps the kernel stamp)
def bsd(us, precise=False):
    t = dt(us)
    s = t.strftime("%b ") + ("%2d" % t.day) + t.strftime(" %H:%M:%S")
    if precise:
        s += ".%06d" % (us % 1000000)
    return s


def tagged(k, s, stamp=None):
    if k == "k":
        return "kernel: " + (kstamp(stamp) + " " if stamp is not None else "") + s
    return "sshd[812]: " + s


text(lambda k, m, s: "%s %s %s" % (bsd(BOOT + m), HOST, tagged(k, s, m)), SSHD, name="syslog.log")
# journalctl -o short (day zero-padded by strftime %d: same shape)
text(lambda k, m, s: "%s %s %s" % (dt(BOOT + m).strftime("%b %d %H:%M:%S"), HOST, tagged(k, s)),
     SSHD, banner=True, name="journal-short.log")
text(lambda k, m, s: "%s %s %s" % (bsd(BOOT + m, True), HOST, tagged(k, s)),
     SSHD, banner=True, name="journal-short-precise.log")
# rsyslog RFC 3339 high precision, zone +01:00, kernel stamp kept
text(lambda k, m, s: "%s.%06d+01:00 %s %s" % (dt(BOOT + m, 1).strftime("%Y-%m-%dT%H:%M:%S"),
                                              (BOOT + m) % 1000000, HOST, tagged(k, s, m)),
     SSHD, name="syslog-rfc3339.log")
# journalctl -o short-iso (systemd <= 252: "+0000") and short-iso-precise
text(lambda k, m, s: "%s+0000 %s %s" % (dt(BOOT + m).strftime("%Y-%m-%dT%H:%M:%S"), HOST,
                                        tagged(k, s)), SSHD, banner=True,
     name="journal-short-iso.log")
text(lambda k, m, s: "%s.%06d+00:00 %s %s" % (dt(BOOT + m).strftime("%Y-%m-%dT%H:%M:%S"),
                                              (BOOT + m) % 1000000, HOST, tagged(k, s)),
     SSHD, banner=True, name="journal-short-iso-precise.log")
# journalctl -o short-monotonic
text(lambda k, m, s: "%s %s %s" % (kstamp(m), HOST, tagged(k, s)), SSHD, banner=True,
     name="journal-short-monotonic.log")


# RFC 5424: PRI 4 = kern.warning, 38 = auth.info; SD and a BOM on some
def r5424(k, m, s):
    ts = dt(BOOT + m).strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % ((BOOT + m) % 1000000)
    if k != "k":
        return "<38>1 %s %s sshd 812 - [origin ip=\"192.0.2.1\"][meta sequenceId=\"7\" x=\"a\\]b\"] \ufeff%s" % (ts, HOST, s)
    sd, bom = "-", ""
    if m == MONO[1]:
        sd = '[timeQuality tzKnown="1" isSynced="1"]'
    if m == MONO[2]:
        bom = "\ufeff"
    return "<4>1 %s %s kernel - - %s %s%s" % (ts, HOST, sd, bom, s)


text(r5424, SSHD, name="syslog-rfc5424.log")


# journal entries (json, json-seq, export)
def entries():
    out = []
    for n, (kind, mono, msg) in enumerate(records()):
        e = {"__CURSOR": "s=6a1f0c2b9e8d4c7f;i=%x;b=%s;m=%x;t=%x;x=%016x" %
             (0x4d2 + n, BOOT_ID, mono + 150, BOOT + mono, 0x1234abcd + n),
             "__REALTIME_TIMESTAMP": str(BOOT + mono),
             "__MONOTONIC_TIMESTAMP": str(mono + 150),
             "_BOOT_ID": BOOT_ID, "_MACHINE_ID": MACHINE_ID, "_HOSTNAME": HOST}
        if kind == "k":
            e.update({"_SOURCE_MONOTONIC_TIMESTAMP": str(mono), "_TRANSPORT": "kernel",
                      "PRIORITY": "4", "SYSLOG_FACILITY": "0", "SYSLOG_IDENTIFIER": "kernel",
                      "MESSAGE": msg})
        else:
            e.update({"_TRANSPORT": "syslog", "PRIORITY": "6", "SYSLOG_FACILITY": "4",
                      "SYSLOG_IDENTIFIER": "sshd", "_PID": "812", "_UID": "0", "_COMM": "sshd",
                      "_SOURCE_REALTIME_TIMESTAMP": str(BOOT + mono - 20), "MESSAGE": SSHD})
        out.append(e)
    return out


def json_lines():
    lines = []
    for e in entries():
        if e["MESSAGE"] == MSGS[1]:
            e = dict(e)
            e["MESSAGE"] = list(MSGS[1].encode())     # binary-safe form
        if e["MESSAGE"] == MSGS[3]:
            e = dict(e)
            e["_MACHINE_ID"] = None                   # values may be null
        lines.append(json.dumps(e, separators=(",", ":")))
    return lines


with open("journal-json.json", "w") as f:
    for l in json_lines():
        f.write(l + "\n")
with open("journal-json-seq.json", "w") as f:
    for l in json_lines():
        f.write("\x1e" + l + "\n")
with open("journal-json-broken.json", "w") as f:
    ls = json_lines()
    f.write(ls[0] + "\n")
    f.write(ls[1][: len(ls[1]) // 2] + "\n")          # entry 2 cut in the middle
    f.write(ls[4] + "\n")


def export_bytes(extra_nul=False):
    b = bytearray()
    es = entries()
    if extra_nul:
        es.append(dict(es[0], MESSAGE="vb: odd\x00byte", _SOURCE_MONOTONIC_TIMESTAMP="219112000",
                       __REALTIME_TIMESTAMP=str(BOOT + 219112000)))
    for e in es:
        for k, v in e.items():
            v = v.encode()
            if k == "MESSAGE" and (v == MSGS[1].encode() or b"\x00" in v):
                b += k.encode() + b"\n" + struct.pack("<Q", len(v)) + v + b"\n"
            else:
                b += k.encode() + b"=" + v + b"\n"
        b += b"\n"
    return bytes(b)


with open("journal-export.export", "wb") as f:
    f.write(export_bytes(extra_nul=True))
with open("journal-export-cut.export", "wb") as f:
    full = export_bytes()
    i = full.index(MSGS[1].encode())
    f.write(full[: i + 40])                           # entry 2 cut inside binary MESSAGE

# binary garbage (deterministic)
with open("garbage.bin", "wb") as f:
    x = 0x2545F491
    out = bytearray()
    for _ in range(4096):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out.append((x >> 16) & 0xFF)
    f.write(bytes(out))
