/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-nflog.c - the nf_log packet dump parser: IPv4/IPv6, TCP/UDP/ICMP/
 * ICMPv6, quoted inner packets, extension header wrappers, INCOMPLETE,
 * UID/MARK, and the text cut at every byte position (run it under ASan).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "nflog.h"
#include "tap.h"

static int
parse(const char *s, struct nflog_pkt *p)
{
	return nflog_parse(s, strlen(s), p);
}

static bool
addr_is(const struct ip_addr *a, int fam, const char *text)
{
	struct ip_addr b;

	memset(&b, 0, sizeof(b));
	if (inet_pton(fam == 4 ? AF_INET : AF_INET6, text, b.b) != 1)
		return false;
	return memcmp(a->b, b.b, sizeof(b.b)) == 0;
}

#define HAS(p, bits) (((p).has & (bits)) == (uint32_t)(bits))

static const char tcp4[] =
	"IN=eth0 OUT= MAC=fa:da:e1:8f:d0:ae:16:88:05:23:a9:8d:08:00 SRC=192.0.2.10 "
	"DST=198.51.100.20 LEN=60 TOS=0x10 PREC=0x20 TTL=64 ID=12345 DF PROTO=TCP "
	"SPT=41000 DPT=443 SEQ=3123456789 ACK=0 WINDOW=64240 RES=0x00 CWR ECE SYN URGP=0 "
	"OPT (020405B40402080A0001E2400000000001030307) ";

static const char tcp6[] =
	"IN= OUT=eth1 SRC=2001:0db8:0000:0000:0000:0000:0000:0001 "
	"DST=2001:0db8:0000:0000:0000:0000:0000:00ff LEN=72 TC=2 HOPLIMIT=255 FLOWLBL=1048575 "
	"PROTO=TCP SPT=5555 DPT=40000 SEQ=1 ACK=4294967295 WINDOW=0 RES=0x00 AE ACK RST FIN "
	"URGP=7 UID=1000 GID=100 MARK=0xdeadbeef ";

static const char udp4[] =
	"IN=vb OUT= MAC=fa:da:e1:8f:d0:ae:16:88:05:23:a9:8d:08:00 SRC=10.99.0.1 DST=10.99.0.2 "
	"LEN=30 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=40002 DPT=5557 LEN=100 ";

static const char echo4[] =
	"IN= OUT= SRC=203.0.113.5 DST=192.0.2.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF "
	"PROTO=ICMP TYPE=8 CODE=0 ID=4660 SEQ=7 ";

static const char unreach4[] =
	"IN=eth0 OUT= MAC= SRC=192.0.2.1 DST=198.51.100.2 LEN=576 TOS=0x00 PREC=0xC0 TTL=64 "
	"ID=5 PROTO=ICMP TYPE=3 CODE=4 [SRC=198.51.100.2 DST=203.0.113.9 LEN=1500 TOS=0x00 "
	"PREC=0x00 TTL=63 ID=4321 DF PROTO=TCP INCOMPLETE [8 bytes] ] MTU=1400 MARK=0x2 ";

static const char unreach4_udp[] =
	"IN= OUT= SRC=192.0.2.1 DST=198.51.100.2 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=9 "
	"PROTO=ICMP TYPE=3 CODE=3 [SRC=198.51.100.2 DST=192.0.2.1 LEN=40 TOS=0x00 PREC=0x00 "
	"TTL=1 ID=77 PROTO=UDP SPT=33434 DPT=53 LEN=20 ] ";

static const char ptb6[] =
	"IN=eth0 OUT= MAC=33:33:00:00:00:01:16:88:05:23:a9:8d:86:dd "
	"SRC=2001:0db8:0000:0000:0000:0000:0000:0001 DST=2001:0db8:0000:0000:0000:0000:0000:0002 "
	"LEN=1280 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=2 CODE=0 "
	"[SRC=2001:0db8:0000:0000:0000:0000:0000:0002 DST=2001:0db8:0000:0000:0000:0000:0000:0099 "
	"LEN=1500 TC=0 HOPLIMIT=63 FLOWLBL=12345 PROTO=UDP SPT=4500 DPT=53 LEN=1460 ] MTU=1280 ";

static const char frag6[] =
	"IN= OUT= SRC=2001:db8::1 DST=2001:db8::2 LEN=1500 TC=0 HOPLIMIT=64 FLOWLBL=0 "
	"OPT ( ) OPT ( FRAG:1448 INCOMPLETE ID:8c2c5c1a ) PROTO=UDP ";

static const char frag4[] =
	"IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=1500 TOS=0x00 PREC=0x00 TTL=64 ID=999 CE MF "
	"FRAG:185 OPT (07040000) PROTO=UDP PHYSIN=br0 FOO=bar ";

static const char incomplete4[] =
	"IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=32 TOS=0x00 PREC=0x00 TTL=64 ID=1 "
	"PROTO=TCP INCOMPLETE [12 bytes] ";

static const char param4[] =
	"IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=1 "
	"PROTO=ICMP TYPE=12 CODE=0 PARAMETER=20 UID=0 GID=0 ";

static const char truncopt[] =
	"IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 "
	"PROTO=TCP SPT=1 DPT=2 SEQ=3 ACK=4 WINDOW=5 RES=0x00 SYN URGP=0 OPT (TRUNCATED)";

static const char sctp6[] =
	"IN= OUT=lo SRC=::1 DST=::1 LEN=88 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=132 MARK=0x1 ";

static void
test_samples(void)
{
	struct nflog_pkt p;

	TEST(check_int(parse(tcp4, &p), ==, 0) && check_str(p.in, "eth0") && check_str(p.out, "") &&
	     check(HAS(p, NFL_IN | NFL_OUT | NFL_MAC | NFL_SRC | NFL_DST | NFL_LEN | NFL_TOS | NFL_PREC |
		       NFL_TTL | NFL_ID | NFL_PROTO | NFL_SPT | NFL_DPT | NFL_SEQ | NFL_ACK |
		       NFL_WINDOW | NFL_RES | NFL_URGP | NFL_TCPOPT)) &&
	     check_uint(p.mac_len, ==, 14) && check_uint(p.mac[0], ==, 0xfa) && check_uint(p.mac[13], ==, 0x00) &&
	     check_uint(p.family, ==, 4) && check(addr_is(&p.src, 4, "192.0.2.10")) &&
	     check(addr_is(&p.dst, 4, "198.51.100.20")) && check_uint(p.len, ==, 60) &&
	     check_uint(p.tos, ==, 0x10) && check_uint(p.prec, ==, 0x20) && check_uint(p.ttl, ==, 64) &&
	     check_uint(p.id, ==, 12345) && check(p.df) && check(!p.mf) && check(!p.ce) &&
	     check_uint(p.proto, ==, 6) && check_uint(p.sport, ==, 41000) && check_uint(p.dport, ==, 443) &&
	     check_uint(p.seq, ==, 3123456789u) && check_uint(p.ack, ==, 0) && check_uint(p.window, ==, 64240) &&
	     check_uint(p.tcp_flags, ==, 0x80 | 0x40 | 0x02) && check(!p.ae) &&
	     check_uint(p.tcpopt_len, ==, 20) && check_uint(p.tcpopt[0], ==, 2) &&
	     check_uint(p.tcpopt[3], ==, 0xb4) && check_uint(p.tcpopt[19], ==, 7) &&
	     check(!(p.has & (NFL_UIDGID | NFL_MARK | NFL_INCOMPLETE | NFL_INNER | NFL_IPOPT))),
	     "IPv4 TCP SYN with options, era C");

	TEST(check_int(parse(tcp6, &p), ==, 0) && check_str(p.in, "") && check_str(p.out, "eth1") &&
	     check(!(p.has & NFL_MAC)) && check_uint(p.family, ==, 6) &&
	     check(addr_is(&p.src, 6, "2001:db8::1")) && check(addr_is(&p.dst, 6, "2001:db8::ff")) &&
	     check(HAS(p, NFL_TC | NFL_HOPLIMIT | NFL_FLOWLBL | NFL_UIDGID | NFL_MARK)) &&
	     check_uint(p.len, ==, 72) && check_uint(p.tc, ==, 2) && check_uint(p.ttl, ==, 255) &&
	     check_uint(p.flowlbl, ==, 1048575) && check_uint(p.ack, ==, 4294967295u) &&
	     check(p.ae) && check_uint(p.tcp_flags, ==, 0x10 | 0x04 | 0x01) && check_uint(p.urgp, ==, 7) &&
	     check_uint(p.uid, ==, 1000) && check_uint(p.gid, ==, 100) && check_uint(p.mark, ==, 0xdeadbeef),
	     "IPv6 TCP (uncompressed addresses), AE, UID/GID, MARK");

	TEST(check_int(parse(udp4, &p), ==, 0) && check_uint(p.proto, ==, 17) && check_uint(p.len, ==, 30) &&
	     check(HAS(p, NFL_UDPLEN)) && check_uint(p.udp_len, ==, 100) && check_uint(p.sport, ==, 40002) &&
	     check_uint(p.dport, ==, 5557), "UDP: the second LEN= is the UDP length");

	TEST(check_int(parse(echo4, &p), ==, 0) && check_uint(p.proto, ==, 1) &&
	     check(HAS(p, NFL_ICMP | NFL_ICMP_ECHO | NFL_ID)) && check_uint(p.id, ==, 0) &&
	     check_uint(p.icmp_type, ==, 8) && check_uint(p.icmp_code, ==, 0) &&
	     check_uint(p.icmp_id, ==, 4660) && check_uint(p.icmp_seq, ==, 7) && check(!(p.has & NFL_SEQ)),
	     "ICMP echo: ID/SEQ after PROTO=ICMP are the echo fields");

	TEST(check_int(parse(unreach4, &p), ==, 0) && check_uint(p.mac_len, ==, 0) && check(HAS(p, NFL_MAC)) &&
	     check_uint(p.prec, ==, 0xc0) && check_uint(p.id, ==, 5) && check_uint(p.icmp_type, ==, 3) &&
	     check_uint(p.icmp_code, ==, 4) && check(HAS(p, NFL_INNER | NFL_MTU | NFL_MARK)) &&
	     check_uint(p.icmp_mtu, ==, 1400) && check_uint(p.mark, ==, 2) && check(!(p.has & NFL_INCOMPLETE)) &&
	     check(p.inner.present) && check_uint(p.inner.family, ==, 4) &&
	     check(addr_is(&p.inner.src, 4, "198.51.100.2")) && check(addr_is(&p.inner.dst, 4, "203.0.113.9")) &&
	     check_uint(p.inner.proto, ==, 6) && check(!p.df) && check_uint(p.len, ==, 576),
	     "ICMP frag-needed with quoted TCP header and MTU; inner fields stay inner");

	TEST(check_int(parse(unreach4_udp, &p), ==, 0) && check(p.inner.present) &&
	     check_uint(p.inner.proto, ==, 17) && check_uint(p.inner.sport, ==, 33434) &&
	     check_uint(p.inner.dport, ==, 53) && check(!(p.has & (NFL_SPT | NFL_UDPLEN))),
	     "ICMP port unreachable quoting UDP: ports go to the inner packet");

	TEST(check_int(parse(ptb6, &p), ==, 0) && check_uint(p.family, ==, 6) && check_uint(p.proto, ==, 58) &&
	     check_uint(p.icmp_type, ==, 2) && check_uint(p.icmp_mtu, ==, 1280) && check(p.inner.present) &&
	     check_uint(p.inner.family, ==, 6) && check(addr_is(&p.inner.dst, 6, "2001:db8::99")) &&
	     check_uint(p.inner.proto, ==, 17) && check_uint(p.inner.sport, ==, 4500) &&
	     check_uint(p.flowlbl, ==, 0) && check_uint(p.ttl, ==, 64),
	     "ICMPv6 packet too big with quoted UDP and MTU");

	TEST(check_int(parse(frag6, &p), ==, 0) && check(addr_is(&p.src, 6, "2001:db8::1")) &&
	     check(HAS(p, NFL_FRAG)) && check_uint(p.frag, ==, 1448) && check(p.frag_more) &&
	     check_uint(p.frag_id, ==, 0x8c2c5c1a) && check_uint(p.proto, ==, 17) &&
	     check(!(p.has & NFL_SPT)) && check(!p.truncated),
	     "IPv6 fragment header wrapper, compressed addresses");

	TEST(check_int(parse(frag4, &p), ==, 0) && check(p.ce) && check(p.mf) && check(!p.df) &&
	     check_uint(p.frag, ==, 185) && check(HAS(p, NFL_IPOPT)) && check_uint(p.ipopt_len, ==, 4) &&
	     check_uint(p.ipopt[0], ==, 7) && check_uint(p.id, ==, 999),
	     "IPv4 fragment, CE MF, IP options, unknown keys skipped");

	TEST(check_int(parse(incomplete4, &p), ==, 0) && check(HAS(p, NFL_INCOMPLETE)) &&
	     check_uint(p.incomplete, ==, 12) && check(!(p.has & NFL_SPT)), "INCOMPLETE [12 bytes]");

	TEST(check_int(parse(param4, &p), ==, 0) && check(p.has_param) && check_uint(p.param, ==, 20) &&
	     check(HAS(p, NFL_UIDGID)) && check_uint(p.uid, ==, 0), "ICMP parameter problem, UID=0");

	TEST(check_int(parse(truncopt, &p), ==, 0) && check(p.truncated) && check(!(p.has & NFL_TCPOPT)) &&
	     check_uint(p.tcp_flags, ==, 0x02), "OPT (TRUNCATED) ends the dump");

	TEST(check_int(parse(sctp6, &p), ==, 0) && check_uint(p.proto, ==, 132) && check(addr_is(&p.src, 6, "::1")) &&
	     check_uint(p.mark, ==, 1), "PROTO=132 (number), ::1");

	TEST(check_int(parse("IN= OUT= SRC=1.2.3.4 LEN=20 ", &p), ==, -1) && check(HAS(p, NFL_SRC)) &&
	     check_uint(p.len, ==, 20), "no DST/PROTO: -1, found fields kept");
	TEST(check_int(parse("IN= OUT= SRC=1.2.3.4 DST=1.2.3.999 PROTO=TCP TTL=300 ID=70000 ", &p), ==, -1) &&
	     check(!(p.has & (NFL_DST | NFL_TTL | NFL_ID))), "out-of-range values are not stored");
	TEST(check_int(parse("IN=averyveryverylongname OUT= SRC=1.2.3.4 DST=::1 PROTO=UDP", &p), ==, -1) &&
	     check(!(p.has & (NFL_IN | NFL_DST))), "over-long device, mixed families rejected");
	TEST(check_int(nflog_parse(NULL, 0, &p), ==, -1) && check_int(nflog_parse("", 0, &p), ==, -1),
	     "empty input");
}

/* Cut @s at every length into an exact-size heap copy: ASan catches any overread. */
static void
test_cuts(const char *name, const char *s)
{
	size_t len = strlen(s);
	struct nflog_pkt full, p;
	int bad = 0;

	nflog_parse(s, len, &full);
	for (size_t k = 0; k <= len; k++) {
		char *c = malloc(k ? k : 1);

		if (!c)
			return;
		memcpy(c, s, k);
		nflog_parse(c, k, &p);
		/* a cut inside the last token may leave a different valid value
		 * ("SRC=192.0.2.1" of "192.0.2.10"); at a blank it may not */
		bool boundary = k == len || s[k] == ' ';

		if (boundary && (p.has & NFL_SRC) && memcmp(&p.src, &full.src, sizeof(p.src)) != 0)
			bad++;
		if (boundary && (p.has & NFL_DST) && memcmp(&p.dst, &full.dst, sizeof(p.dst)) != 0)
			bad++;
		if (boundary && (p.has & NFL_PROTO) && p.proto != full.proto)
			bad++;
		if ((p.has & ~full.has) & ~(uint32_t)(NFL_INCOMPLETE))
			bad++;	/* a cut text never shows a field the whole one lacks */
		free(c);
	}
	TEST(check_int(bad, ==, 0), "%s cut at every byte (%zu cuts)", name, len + 1);
}

int
main(void)
{
	test_samples();
	test_cuts("tcp4", tcp4);
	test_cuts("tcp6", tcp6);
	test_cuts("udp4", udp4);
	test_cuts("echo4", echo4);
	test_cuts("unreach4", unreach4);
	test_cuts("ptb6", ptb6);
	test_cuts("frag6", frag6);
	test_cuts("frag4", frag4);
	test_cuts("incomplete4", incomplete4);
	test_cuts("truncopt", truncopt);
	return tap_done();
}
