#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# logconv-test.sh (TAP) - logconv keeps the message bytes: for every output
# format, the message of record i is exactly the input message i (trailing
# blanks, quotes, backslashes, non-ASCII included), records keep their order
# and count, and the wall-clock stamps are kernel time + offset.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
LOGCONV=${LOGCONV:-$top_builddir/tests/lab/logconv}
tmp=$(mktemp -d /tmp/logconv-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; }

echo "1..18"
if [ ! -x "$LOGCONV" ]; then
	for i in $(seq 1 18); do echo "ok $i # SKIP no $LOGCONV"; done
	exit 0
fi

# input: real-looking lines, one with quotes/backslash, one non-ASCII, one
# continuation line without a stamp
printf '%s\n' \
'[  219.101320] nf_ct_proto_6: invalid tcp flag combination IN=vb OUT= MAC=fa:da:e1:8f:d0:ae:16:88:05:23:a9:8d:08:00 SRC=10.99.0.1 DST=10.99.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=40000 DPT=5555 SEQ=0 ACK=0 WINDOW=8192 RES=0x00 RST SYN URGP=0 ' \
'[  219.104587] nf_ct_proto_17: bad "checksum" \ back  IN=vb OUT= ' \
'[86400.000001] nf_ct_proto_1: caf'$'\xc3\xa9'' x   ' \
'[    0.000000] nf_ct_proto_58: short packet IN=vb OUT= ' > "$tmp/in.log"
sed 's/^\[ *[0-9.]*\] //' "$tmp/in.log" > "$tmp/msgs"
offset=1764169200.250000

# text formats: FORMAT and a sed that removes the prefix
check_text()
{
	local fmt=$1 strip=$2
	"$LOGCONV" "$fmt" "$offset" < "$tmp/in.log" > "$tmp/out.$fmt" || { notok "$fmt: exit status"; return; }
	sed -E "$strip" "$tmp/out.$fmt" > "$tmp/got.$fmt"
	if cmp -s "$tmp/got.$fmt" "$tmp/msgs"; then
		ok "$fmt: messages byte-identical"
	else
		notok "$fmt: messages differ"
		diff "$tmp/got.$fmt" "$tmp/msgs" | sed 's/^/# /'
	fi
}

check_text dmesg 's/^\[ *[0-9]+\.[0-9]{6}\] //'
check_text dmesg-T 's/^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [0-9]{4}\] //'
check_text dmesg-iso 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8},[0-9]{6}\+00:00 //'
check_text syslog 's/^[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} fw-lab kernel: //'
check_text syslog-stamp 's/^[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} fw-lab kernel: \[ *[0-9]+\.[0-9]{6}\] //'
check_text rfc3339 's/^[0-9-]{10}T[0-9:]{8}\.[0-9]{6}\+00:00 fw-lab kernel: //'
check_text rfc5424 's/^<5>1 [0-9-]{10}T[0-9:]{8}\.[0-9]{6}Z fw-lab kernel - - - //'
check_text short 's/^[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} fw-lab kernel: //'
check_text short-iso 's/^[0-9-]{10}T[0-9:]{8}\+00:00 fw-lab kernel: //'
check_text short-iso-precise 's/^[0-9-]{10}T[0-9:]{8}\.[0-9]{6}\+00:00 fw-lab kernel: //'
check_text short-precise 's/^[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8}\.[0-9]{6} fw-lab kernel: //'
check_text short-monotonic 's/^\[ *[0-9]+\.[0-9]{6}\] fw-lab kernel: //'

# wall clock: 219.101320 + 1764169200.250000 = 1764169419.351320
# = 2025-11-26T15:03:39.351320Z
if head -1 "$tmp/out.rfc5424" | grep -q '^<5>1 2025-11-26T15:03:39.351320Z '; then
	ok "rfc5424: wall time = kernel time + offset"
else
	notok "rfc5424: wall time"; head -1 "$tmp/out.rfc5424" | sed 's/^/# /'
fi
if head -1 "$tmp/out.dmesg-T" | grep -q '^\[Wed Nov 26 15:03:39 2025\] '; then
	ok "dmesg-T: ctime stamp"
else
	notok "dmesg-T: ctime stamp"; head -1 "$tmp/out.dmesg-T" | sed 's/^/# /'
fi

# json: MESSAGE is the last member; printable ones as strings (\" and \\
# escaped), others as byte arrays.  Decode both forms with awk.
decode_json()
{
	awk '
	{
		i = index($0, "\"MESSAGE\":"); s = substr($0, i + 10); sub(/}$/, "", s)
		if (substr(s, 1, 1) == "[") {
			gsub(/[][]/, "", s); k = split(s, b, ","); out = ""
			for (j = 1; j <= k; j++) out = out sprintf("%c", b[j] + 0)
			print out
		} else {
			s = substr(s, 2, length(s) - 2); out = ""
			for (j = 1; j <= length(s); j++) {
				c = substr(s, j, 1)
				if (c == "\\") { j++; c = substr(s, j, 1) }
				out = out c
			}
			print out
		}
	}' "$1"
}
for fmt in json json-seq; do
	"$LOGCONV" "$fmt" "$offset" < "$tmp/in.log" | tr -d '\036' > "$tmp/out.$fmt"
	LC_ALL=C decode_json "$tmp/out.$fmt" > "$tmp/got.$fmt"
	if cmp -s "$tmp/got.$fmt" "$tmp/msgs"; then
		ok "$fmt: messages byte-identical"
	else
		notok "$fmt: messages differ"; diff "$tmp/got.$fmt" "$tmp/msgs" | sed 's/^/# /'
	fi
done
rs=$("$LOGCONV" json-seq "$offset" < "$tmp/in.log" | tr -cd '\036' | wc -c)
[ "$rs" -eq 4 ] && ok "json-seq: one RS per record" || notok "json-seq: $rs RS bytes"

# export: text fields KEY=value, binary ones KEY\n<le64 len><data>\n
"$LOGCONV" export "$offset" < "$tmp/in.log" > "$tmp/out.export"
python_free_decode()
{
	# text MESSAGE= lines, and the binary one: the line "MESSAGE" is followed
	# by 8 length bytes; our binary message has no newline inside.
	LC_ALL=C awk '
	/^MESSAGE=/ { print substr($0, 9); next }
	/^MESSAGE$/ { getline l; print substr(l, 9) }' "$1"
}
python_free_decode "$tmp/out.export" > "$tmp/got.export"
if cmp -s "$tmp/got.export" "$tmp/msgs"; then
	ok "export: messages byte-identical"
else
	notok "export: messages differ"; diff "$tmp/got.export" "$tmp/msgs" | sed 's/^/# /'
fi
exit 0
