/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-decode.c - the frame decoder: link layers, IPv4/IPv6 (options,
 * extension headers, fragments), TCP options, UDP/UDP-Lite/ICMP/ICMPv6
 * checksums, ICMP error inner packets, and every prefix of a few frames.
 *
 * Frames are built byte by byte with pktbuild.h (its checksums are an
 * independent byte-wise RFC 1071 loop).  Every decode copies the frame into
 * a buffer of exactly caplen bytes, so ASan catches any read past it.
 */
#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "pktbuild.h"
#include "tap.h"

static const uint8_t A4[4] = { 192, 0, 2, 1 };
static const uint8_t B4[4] = { 198, 51, 100, 2 };
static const uint8_t A6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t B6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0xab, 0xcd, 0, 2 };

static uint8_t *held;		/* the copy the last decode borrowed */

/* Decode the first @caplen bytes of @f as a frame of @wirelen bytes. */
static void
dec_cut(int dlt, const struct pb *f, size_t caplen, size_t wirelen, struct pkt *p)
{
	free(held);
	held = malloc(caplen ? caplen : 1);
	if (!held)
		abort();
	memcpy(held, f->b, caplen);
	memset(p, 0, sizeof(*p));
	p->caplen = (uint32_t)caplen;
	p->wirelen = (uint32_t)wirelen;
	p->linktype = dlt;
	decode_frame(dlt, held, (uint32_t)caplen, p);
}

static void
dec(int dlt, const struct pb *f, struct pkt *p)
{
	dec_cut(dlt, f, f->n, f->n, p);
}

static struct pb F;		/* the frame under construction */
static struct pkt P;

/* Ethernet + IPv4 (4 option bytes: router alert) + TCP SYN with options. */
static void
build_tcp4(struct pb *f, const uint8_t *opts, size_t optlen, size_t payload)
{
	static const uint8_t ra[4] = { 0x94, 0x04, 0x00, 0x00 };
	size_t ip, th;

	pb_init(f);
	pb_eth(f, 0x0800);
	ip = pb_ipv4(f, 6, A4, B4, ra, 4);
	th = pb_tcp(f, 40000, 443, 0x01020304, 0, TCPF_SYN, 64240, opts, optlen);
	pb_fill(f, payload);
	pb_ipv4_finish(f, ip);
	pb_l4_finish(f, ip, th, 6);
}

static const uint8_t syn_opts[20] = {
	0x02, 0x04, 0x05, 0xb4,			/* MSS 1460 */
	0x04, 0x02,				/* SACK_PERM */
	0x08, 0x0a, 0, 0, 0x12, 0x34, 0, 0, 0, 0,	/* TS 4660 0 */
	0x01,					/* NOP */
	0x03, 0x03, 0x07,			/* WS 7 */
};

static void
test_ipv4_tcp(void)
{
	char a[46];

	build_tcp4(&F, syn_opts, sizeof(syn_opts), 0);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.notes, ==, 0) && check_uint(P.family, ==, 4) &&
	     check_uint(P.proto, ==, 6) && check(P.has_l4) && check(P.has_mac),
	     "ipv4 tcp: clean decode");
	decode_addr_str(4, &P.src, a);
	TEST(check_str(a, "192.0.2.1"), "ipv4 src");
	decode_addr_nflog(4, &P.dst, a);
	TEST(check_str(a, "198.51.100.2"), "ipv4 dst, nf_log form");
	TEST(check_uint(P.ip_len, ==, 24 + 40) && check_uint(P.l3_hdr_len, ==, 24) &&
	     check_uint(P.ipopt_len, ==, 4) && check_uint(P.ttl, ==, 64) &&
	     check_uint(P.ip_id, ==, 0x1234) && check(P.df) && check(!P.mf) &&
	     check(!P.is_fragment), "ipv4 header fields incl. options");
	TEST(check_uint(P.sport, ==, 40000) && check_uint(P.dport, ==, 443) &&
	     check_uint(P.seq, ==, 0x01020304) && check_uint(P.tcp_flags, ==, TCPF_SYN) &&
	     check_uint(P.doff, ==, 10) && check_uint(P.window, ==, 64240) &&
	     check_uint(P.l4_len, ==, 40) && check_uint(P.payload_len, ==, 0),
	     "tcp header fields");
	TEST(check(P.opts.has_mss) && check_uint(P.opts.mss, ==, 1460) &&
	     check(P.opts.sack_perm) && check(P.opts.has_ts) &&
	     check_uint(P.opts.ts_val, ==, 0x1234) && check_uint(P.opts.ts_ecr, ==, 0) &&
	     check(P.opts.has_wscale) && check_uint(P.opts.wscale, ==, 7) &&
	     check(!P.opts.ts_only_fast_path) && check_uint(P.opts.n_sack, ==, 0),
	     "tcp syn options");
	TEST(check_uint(P.l4_csum, ==, CSUM_OK), "tcp checksum ok");
	TEST(check_uint(P.mac_hdr[0], ==, 0x02) && check_uint(P.mac_hdr[5], ==, 0x02) &&
	     check_uint(P.mac_hdr[11], ==, 0x01) && check_uint(P.mac_hdr[12], ==, 0x08) &&
	     check_uint(P.mac_hdr[13], ==, 0x00), "MAC= bytes dst src ethertype");
	TEST(check(P.l3 == held + 14) && check(P.l4 == held + 14 + 24) &&
	     check_uint(P.l3_caplen, ==, 64) && check_uint(P.l4_caplen, ==, 40),
	     "borrowed l3/l4 pointers");

	F.b[14 + 24 + 16] ^= 0x01;		/* TCP checksum */
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.l4_csum, ==, CSUM_BAD) && check_uint(P.notes, ==, 0),
	     "tcp checksum bad");
	F.b[14 + 24 + 16] ^= 0x01;
	F.b[14 + 10] ^= 0x80;			/* IP header checksum */
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.notes, ==, PKT_NOTE_IP_CSUM_BAD) && check(P.has_l4),
	     "ip header checksum bad noted, L4 still decoded");

	/* Ethernet padding after a short packet is not part of L4. */
	build_tcp4(&F, NULL, 0, 0);
	pb_fill(&F, 60 - F.n);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.ip_len, ==, 44) && check_uint(P.l4_len, ==, 20) &&
	     check_uint(P.l4_caplen, ==, 20) && check_uint(P.l4_csum, ==, CSUM_OK) &&
	     check_uint(P.notes, ==, 0), "link padding trimmed like skb trim");

	/* tot_len beyond the frame: ip_rcv drops it. */
	build_tcp4(&F, NULL, 0, 10);
	pb_set16(&F, 14 + 2, 200);
	pb_ipv4_csum(&F, 14);
	dec(DLT_EN10MB, &F, &P);
	TEST(check(P.notes & PKT_NOTE_IP_LEN_GT_WIRE) && check_uint(P.l4_len, ==, 176) &&
	     check_uint(P.l4_caplen, ==, 30) && check_uint(P.l4_csum, ==, CSUM_UNKNOWN),
	     "tot_len > frame: IP_LEN_GT_WIRE, l4_len claimed");

	/* Snaplen cut after the TCP header: verdict fields intact. */
	build_tcp4(&F, syn_opts, sizeof(syn_opts), 1000);
	dec_cut(DLT_EN10MB, &F, 14 + 24 + 40 + 10, F.n, &P);
	TEST(check(P.has_l4) && check_uint(P.l4_len, ==, 1040) &&
	     check_uint(P.payload_len, ==, 1000) && check_uint(P.l4_csum, ==, CSUM_UNKNOWN) &&
	     check_uint(P.notes, ==, PKT_NOTE_CAPLEN_SHORT | PKT_NOTE_PAYLOAD_TRUNC) &&
	     check_uint(P.opts.wscale, ==, 7), "snaplen cut: lengths from headers, csum unknown");
	dec_cut(DLT_EN10MB, &F, 14 + 24 + 30, F.n, &P);
	TEST(check(P.has_l4) && check(P.notes & PKT_NOTE_TCPOPT_TRUNC) &&
	     check(P.opts.has_mss) && check(!P.opts.has_wscale),
	     "option area cut: parsed as far as captured");
	dec_cut(DLT_EN10MB, &F, 14 + 24 + 19, F.n, &P);
	TEST(check(!P.has_l4) && check(P.notes & PKT_NOTE_L4_TRUNC) &&
	     check_uint(P.family, ==, 4) && check_uint(P.l4_len, ==, 1040),
	     "tcp header cut: no L4, l4_len kept");

	/* Super segment (GRO) */
	build_tcp4(&F, NULL, 0, 3000);
	dec(DLT_EN10MB, &F, &P);
	TEST(check(P.notes & PKT_NOTE_SUPER_SEGMENT) && check_uint(P.l4_csum, ==, CSUM_OK),
	     "ip_len > 1500: super segment noted");
}

static void
test_ip_bad(void)
{
	build_tcp4(&F, NULL, 0, 0);
	F.b[14] = 0x55;				/* version 5 */
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.notes, ==, PKT_NOTE_IP_BAD) && check_uint(P.family, ==, 0),
	     "version 5 under ethertype IPv4: IP_BAD");
	F.b[14] = 0x44;				/* IHL 4 */
	dec(DLT_EN10MB, &F, &P);
	TEST(check(P.notes & PKT_NOTE_IP_BAD) && check(!P.has_l4), "IHL 4: IP_BAD");
	build_tcp4(&F, NULL, 0, 0);
	pb_set16(&F, 16, 20);			/* tot_len 20 < ihl*4 24 */
	pb_ipv4_csum(&F, 14);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.notes, ==, PKT_NOTE_IP_BAD) && check(!P.has_l4),
	     "tot_len < header length: IP_BAD");
	build_tcp4(&F, NULL, 0, 0);
	F.b[14] = 0x65;
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.notes, ==, PKT_NOTE_IP_BAD), "IPv6 version under ethertype 0x0800");
	dec(DLT_RAW, &F, &P);		/* frame starts with the MAC: nibble 0 */
	TEST(check_uint(P.notes, ==, PKT_NOTE_IP_BAD), "raw: version 0 is IP_BAD");
}

static void
test_fragments4(void)
{
	size_t ip, uh;

	pb_init(&F);
	pb_eth(&F, 0x0800);
	ip = pb_ipv4(&F, 17, A4, B4, NULL, 0);
	uh = pb_udp(&F, 5000, 53);
	pb_fill(&F, 100);
	pb_set16(&F, uh + 4, 3000);		/* the whole datagram's length */
	pb_set16(&F, uh + 6, 0x1234);		/* some checksum */
	pb_set16(&F, ip + 6, 0x2000);		/* MF, offset 0 */
	pb_ipv4_finish(&F, ip);
	dec(DLT_EN10MB, &F, &P);
	TEST(check(P.is_fragment) && check(P.mf) && check_uint(P.frag_off, ==, 0) &&
	     check_uint(P.frag_id, ==, 0x1234) && check(P.notes & PKT_NOTE_FRAGMENT) &&
	     check(P.has_l4) && check_uint(P.dport, ==, 53) &&
	     check_uint(P.l4_csum, ==, CSUM_UNKNOWN), "first IPv4 fragment: L4 header, csum unknown");

	pb_set16(&F, ip + 6, 185);		/* offset 1480, last */
	pb_ipv4_finish(&F, ip);
	dec(DLT_EN10MB, &F, &P);
	TEST(check(P.is_fragment) && check(!P.mf) && check_uint(P.frag_off, ==, 1480) &&
	     check(!P.has_l4) && check_uint(P.proto, ==, 17) && check_uint(P.l4_len, ==, 108) &&
	     check_uint(P.sport, ==, 0), "later IPv4 fragment: no L4");
}

static void
test_vlan_and_links(void)
{
	size_t ip, th;
	struct pb *g = &F;

	/* 802.1ad outer 100, 802.1Q inner 200, IPv4 TCP */
	pb_init(g);
	pb_put(g, pb_mac_dst, 6);
	pb_put(g, pb_mac_src, 6);
	pb_be16(g, 0x88a8);
	pb_vlan(g, 100, 0x8100);
	pb_vlan(g, 200, 0x0800);
	ip = pb_ipv4(g, 6, A4, B4, NULL, 0);
	th = pb_tcp(g, 1, 2, 3, 4, TCPF_ACK, 5, NULL, 0);
	pb_ipv4_finish(g, ip);
	pb_l4_finish(g, ip, th, 6);
	dec(DLT_EN10MB, g, &P);
	TEST(check_uint(P.n_vlans, ==, 2) && check_uint(P.vlan_ids[0], ==, 100) &&
	     check_uint(P.vlan_ids[1], ==, 200) && check(P.has_l4) &&
	     check_uint(P.l4_csum, ==, CSUM_OK) && check_uint(P.notes, ==, 0),
	     "802.1ad + 802.1Q: both ids, IPv4 inside");
	TEST(check_uint(P.mac_hdr[12], ==, 0x08) && check_uint(P.mac_hdr[13], ==, 0x00),
	     "MAC= shows the inner ethertype (untagged by the kernel)");
	g->b[12] = 0x91;			/* 0x9100 outer */
	g->b[13] = 0x00;
	dec(DLT_EN10MB, g, &P);
	TEST(check_uint(P.n_vlans, ==, 2) && check(P.has_l4), "0x9100 tag");
	dec_cut(DLT_EN10MB, g, 18, g->n, &P);
	TEST(check(P.notes & PKT_NOTE_LINK_TRUNC) && check_uint(P.family, ==, 0),
	     "tag cut: LINK_TRUNC");

	/* ARP */
	pb_init(g);
	pb_eth(g, 0x0806);
	pb_fill(g, 28);
	dec(DLT_EN10MB, g, &P);
	TEST(check_uint(P.notes, ==, PKT_NOTE_NOT_IP) && check_uint(P.family, ==, 0) &&
	     check(P.has_mac), "ARP: not IP");
	/* 802.3 length field */
	pb_set16(g, 12, 46);
	dec(DLT_EN10MB, g, &P);
	TEST(check_uint(P.notes, ==, PKT_NOTE_NOT_IP), "802.3/LLC: not IP");

	/* SLL: packet type 4 (outgoing), protocol 0x0800 */
	pb_init(g);
	pb_be16(g, 4);
	pb_be16(g, 1);				/* ARPHRD_ETHER */
	pb_be16(g, 6);
	pb_put(g, pb_mac_src, 6);
	pb_be16(g, 0);
	pb_be16(g, 0x0800);
	ip = pb_ipv4(g, 6, A4, B4, NULL, 0);
	th = pb_tcp(g, 1, 2, 3, 4, TCPF_ACK, 5, NULL, 0);
	pb_ipv4_finish(g, ip);
	pb_l4_finish(g, ip, th, 6);
	dec(DLT_LINUX_SLL, g, &P);
	TEST(check_uint(P.dir, ==, PKT_DIR_OUT) && check(P.has_l4) && check(!P.has_mac) &&
	     check_uint(P.l4_csum, ==, CSUM_OK), "SLL outgoing IPv4");
	TEST(check_uint(decode_link_dir(DLT_LINUX_SLL, g->b, g->n), ==, PKT_DIR_OUT),
	     "decode_link_dir SLL outgoing");
	g->b[1] = 0;				/* host */
	TEST(check_uint(decode_link_dir(DLT_LINUX_SLL, g->b, g->n), ==, PKT_DIR_IN),
	     "decode_link_dir SLL host");
	g->b[1] = 5;				/* loopback */
	TEST(check_uint(decode_link_dir(DLT_LINUX_SLL, g->b, g->n), ==, PKT_DIR_UNKNOWN),
	     "decode_link_dir SLL loopback unknown");

	/* SLL2: protocol 0x86dd, packet type 0 */
	pb_init(g);
	pb_be16(g, 0x86dd);
	pb_be16(g, 0);
	pb_be32(g, 3);				/* ifindex */
	pb_be16(g, 1);
	pb_u8(g, 0);				/* host */
	pb_u8(g, 6);
	pb_put(g, pb_mac_src, 6);
	pb_be16(g, 0);
	ip = pb_ipv6(g, 17, A6, B6);
	th = pb_udp(g, 7, 9);
	pb_fill(g, 5);
	pb_udp_len(g, th);
	pb_ipv6_finish(g, ip);
	pb_l4_finish(g, ip, th, 17);
	dec(DLT_LINUX_SLL2, g, &P);
	TEST(check_uint(P.dir, ==, PKT_DIR_IN) && check_uint(P.family, ==, 6) &&
	     check(P.has_l4) && check_uint(P.l4_csum, ==, CSUM_OK) &&
	     check_uint(P.flowlabel, ==, 0x12345) && check_uint(P.ttl, ==, 64),
	     "SLL2 inbound IPv6 UDP");
	dec_cut(DLT_LINUX_SLL2, g, 19, g->n, &P);
	TEST(check(P.notes & PKT_NOTE_LINK_TRUNC), "SLL2 header cut");

	/* RAW / IPV4 / IPV6 / NULL / LOOP on the IPv6 UDP packet */
	{
		struct pb *r = malloc(sizeof(*r));
		int ok_raw, ok_v6, ok_v4, ok_null_le, ok_null_be, ok_loop, ok_null_other;

		if (!r)
			abort();
		pb_init(r);
		pb_put(r, g->b + 20, g->n - 20);
		dec(DLT_RAW, r, &P);
		ok_raw = P.family == 6 && P.has_l4 && P.l4_csum == CSUM_OK;
		dec(101, r, &P);
		ok_raw = ok_raw && P.family == 6 && P.has_l4;
		dec(DLT_IPV6, r, &P);
		ok_v6 = P.family == 6 && P.has_l4;
		dec(DLT_IPV4, r, &P);
		ok_v4 = P.family == 0 && P.notes == PKT_NOTE_IP_BAD;
		pb_init(r);
		pb_put(r, "\x18\x00\x00\x00", 4);	/* 24, little-endian */
		pb_put(r, g->b + 20, g->n - 20);
		dec(DLT_NULL, r, &P);
		ok_null_le = P.family == 6 && P.has_l4;
		memcpy(r->b, "\x00\x00\x00\x1e", 4);	/* 30, big-endian */
		dec(DLT_NULL, r, &P);
		ok_null_be = P.family == 6 && P.has_l4;
		memcpy(r->b, "\x00\x00\x00\x1c", 4);	/* 28 */
		dec(DLT_LOOP, r, &P);
		ok_loop = P.family == 6 && P.has_l4;
		memcpy(r->b, "\x00\x00\x00\x07", 4);
		dec(DLT_NULL, r, &P);
		ok_null_other = P.family == 0 && P.notes == PKT_NOTE_NOT_IP;
		TEST(check(ok_raw), "DLT_RAW and LINKTYPE_RAW 101");
		TEST(check(ok_v6) && check(ok_v4), "DLT_IPV6; IPv6 under DLT_IPV4 is IP_BAD");
		TEST(check(ok_null_le) && check(ok_null_be) && check(ok_loop) && check(ok_null_other),
		     "DLT_NULL both byte orders, DLT_LOOP, unknown family");
		dec(DLT_PPP, r, &P);
		TEST(check_uint(P.notes, ==, PKT_NOTE_NOT_IP | PKT_NOTE_LINK_UNKNOWN),
		     "unsupported link type");
		pb_init(r);
		pb_u8(r, 0x02);
		pb_u8(r, 0x00);
		dec(DLT_NULL, r, &P);
		TEST(check(P.notes & PKT_NOTE_LINK_TRUNC), "DLT_NULL header cut");
		free(r);
	}
}

static void
test_ipv6_ext(void)
{
	char a[46];
	size_t ip, uh, x;

	/* IPv6 HOPOPTS(8) -> ROUTING(24) -> FRAGMENT(8, off 0, M) -> UDP */
	pb_init(&F);
	pb_eth(&F, 0x86dd);
	ip = pb_ipv6(&F, 0, A6, B6);
	pb_u8(&F, 43); pb_u8(&F, 0); pb_fill(&F, 6);		/* HBH 8 */
	pb_u8(&F, 44); pb_u8(&F, 2); pb_fill(&F, 22);		/* routing 24 */
	pb_u8(&F, 17); pb_u8(&F, 0); pb_be16(&F, 0x0001);	/* frag off 0, M */
	pb_be32(&F, 0xdeadbeef);
	uh = pb_udp(&F, 1234, 4321);
	pb_set16(&F, uh + 6, 0x1234);
	pb_fill(&F, 16);
	pb_udp_len(&F, uh);
	pb_ipv6_finish(&F, ip);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.family, ==, 6) && check_uint(P.l3_hdr_len, ==, 40 + 8 + 24 + 8) &&
	     check_uint(P.proto, ==, 17) && check(P.is_fragment) && check(P.mf) &&
	     check_uint(P.frag_off, ==, 0) && check_uint(P.frag_id, ==, 0xdeadbeef) &&
	     check_uint(P.frag_nexthdr, ==, 17) && check(P.has_l4) &&
	     check_uint(P.sport, ==, 1234) && check_uint(P.l4_len, ==, 24) &&
	     check_uint(P.l4_csum, ==, CSUM_UNKNOWN) &&
	     check_uint(P.notes, ==, PKT_NOTE_FRAGMENT), "IPv6 HBH+routing+fragment(first)+UDP");
	decode_addr_nflog(6, &P.dst, a);
	TEST(check_str(a, "2001:0db8:0001:0000:0000:0000:abcd:0002"), "IPv6 nf_log form (%%pI6)");
	decode_addr_str(6, &P.dst, a);
	TEST(check_str(a, "2001:db8:1::abcd:2"), "IPv6 inet_ntop form");

	x = 14 + 40 + 8 + 24;			/* fragment header */
	pb_set16(&F, x + 2, 1480);		/* offset 1480, last */
	dec(DLT_EN10MB, &F, &P);
	TEST(check(P.is_fragment) && check(!P.mf) && check_uint(P.frag_off, ==, 1480) &&
	     check(!P.has_l4) && check_uint(P.proto, ==, 17) && check_uint(P.l3_hdr_len, ==, 80) &&
	     check_uint(P.l4_len, ==, 24), "IPv6 later fragment: no L4");

	/* AH: (len + 2) * 4 bytes, then TCP */
	pb_init(&F);
	pb_eth(&F, 0x86dd);
	ip = pb_ipv6(&F, 51, A6, B6);
	pb_u8(&F, 6); pb_u8(&F, 4); pb_fill(&F, 22);		/* AH 24 bytes */
	x = pb_tcp(&F, 1, 2, 3, 4, TCPF_ACK, 5, NULL, 0);
	pb_ipv6_finish(&F, ip);
	pb_l4_finish(&F, ip, x, 6);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.l3_hdr_len, ==, 64) && check_uint(P.proto, ==, 6) &&
	     check(P.has_l4) && check_uint(P.l4_csum, ==, CSUM_OK), "IPv6 AH length in 4-byte units");

	/* An extension header claiming more than the payload */
	pb_init(&F);
	pb_eth(&F, 0x86dd);
	ip = pb_ipv6(&F, 60, A6, B6);
	pb_u8(&F, 6); pb_u8(&F, 10); pb_fill(&F, 6);
	pb_ipv6_finish(&F, ip);
	dec(DLT_EN10MB, &F, &P);
	TEST(check(P.notes & PKT_NOTE_EXTHDR_BAD) && check(!P.has_l4), "ext header beyond payload: EXTHDR_BAD");
	dec_cut(DLT_EN10MB, &F, 14 + 40 + 1, F.n, &P);
	TEST(check(P.notes & PKT_NOTE_IP_TRUNC) && check(!(P.notes & PKT_NOTE_EXTHDR_BAD)),
	     "ext header not captured: IP_TRUNC");

	/* ESP and NONE end the walk */
	pb_init(&F);
	pb_eth(&F, 0x86dd);
	ip = pb_ipv6(&F, 0, A6, B6);
	pb_u8(&F, 50); pb_u8(&F, 0); pb_fill(&F, 6);
	pb_fill(&F, 16);
	pb_ipv6_finish(&F, ip);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.proto, ==, 50) && check(!P.has_l4) && check_uint(P.l3_hdr_len, ==, 48) &&
	     check_uint(P.notes, ==, 0), "ESP after HBH: proto 50");

	/* Jumbo: payload length 0 with hop-by-hop */
	pb_init(&F);
	pb_eth(&F, 0x86dd);
	ip = pb_ipv6(&F, 0, A6, B6);
	pb_u8(&F, 6); pb_u8(&F, 0); pb_fill(&F, 6);
	x = pb_tcp(&F, 1, 2, 3, 4, TCPF_ACK, 5, NULL, 0);
	pb_fill(&F, 100);
	dec(DLT_EN10MB, &F, &P);
	TEST(check(P.notes & PKT_NOTE_IP6_JUMBO) && check_uint(P.ip_len, ==, F.n - 14) &&
	     check(P.has_l4) && check_uint(P.payload_len, ==, 100), "IPv6 jumbo: length from frame");
	(void)x;
}

static void
tcp_with_opts(const uint8_t *o, size_t n)
{
	uint8_t buf[40];

	memset(buf, 0, sizeof(buf));
	memcpy(buf, o, n);
	build_tcp4(&F, buf, (n + 3) & ~(size_t)3, 0);
	dec(DLT_EN10MB, &F, &P);
}

static void
test_tcp_options(void)
{
	/* length byte beyond the option area: stop */
	static const uint8_t beyond[] = { 0x03, 0x03, 0x05, 0x02, 0x08, 0x05, 0xb4, 0x00 };
	static const uint8_t len0[] = { 0x03, 0x00, 0x03, 0x03, 0x07, 0x00, 0x00, 0x00 };
	static const uint8_t len1[] = { 0x04, 0x01, 0x03, 0x03, 0x07, 0x00, 0x00, 0x00 };
	static const uint8_t last[] = { 0x01, 0x01, 0x01, 0x03 };
	static const uint8_t dupws[] = { 0x03, 0x03, 0x07, 0x03, 0x03, 0x09, 0x00, 0x00 };
	static const uint8_t ws15[] = { 0x03, 0x03, 0x0f, 0x00 };
	static const uint8_t ws255[] = { 0x01, 0x03, 0x03, 0xff };
	static const uint8_t badmss[] = { 0x02, 0x03, 0x05, 0x03, 0x03, 0x02, 0x00, 0x00 };
	static const uint8_t eol[] = { 0x00, 0x03, 0x03, 0x07 };
	static const uint8_t tsfast[] = { 0x01, 0x01, 0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0, 2 };
	static const uint8_t sack[] = {
		0x01, 0x01, 0x05, 0x05, 1, 1, 1,		/* bad size 5 */
		0x05, 0x12, 0, 0, 0x10, 0, 0, 0, 0x20, 0,	/* 2 blocks */
		0, 0, 0x30, 0, 0, 0, 0x40, 0,
		0x05, 0x0a, 0, 0, 0, 1, 0, 0, 0, 2,		/* second SACK */
	};

	tcp_with_opts(beyond, sizeof(beyond));
	TEST(check(P.notes & PKT_NOTE_TCPOPT_BAD) && check(P.opts.has_wscale) &&
	     check(!P.opts.has_mss) && check(P.has_l4), "option length beyond the area: walk stops");
	tcp_with_opts(len0, sizeof(len0));
	TEST(check(P.notes & PKT_NOTE_TCPOPT_BAD) && check(!P.opts.has_wscale),
	     "option length 0: walk stops (silly option)");
	tcp_with_opts(len1, sizeof(len1));
	TEST(check(P.notes & PKT_NOTE_TCPOPT_BAD) && check(!P.opts.has_wscale),
	     "option length 1: walk stops");
	tcp_with_opts(last, sizeof(last));
	TEST(check(P.notes & PKT_NOTE_TCPOPT_BAD) && check(!P.opts.has_wscale),
	     "kind in the last byte without a length");
	tcp_with_opts(dupws, sizeof(dupws));
	TEST(check(P.notes & PKT_NOTE_TCPOPT_DUP) && check(!(P.notes & PKT_NOTE_TCPOPT_BAD)) &&
	     check_uint(P.opts.wscale, ==, 9), "duplicate wscale: noted, last wins");
	tcp_with_opts(ws15, sizeof(ws15));
	TEST(check(P.opts.has_wscale) && check_uint(P.opts.wscale, ==, 15) &&
	     check_uint(P.notes, ==, 0), "wscale 15 kept raw");
	tcp_with_opts(ws255, sizeof(ws255));
	TEST(check_uint(P.opts.wscale, ==, 255), "wscale 255 kept raw");
	tcp_with_opts(badmss, sizeof(badmss));
	TEST(check(P.notes & PKT_NOTE_TCPOPT_BAD) && check(!P.opts.has_mss) &&
	     check(P.opts.has_wscale) && check_uint(P.opts.wscale, ==, 2),
	     "MSS of length 3: noted, skipped, walk goes on");
	tcp_with_opts(eol, sizeof(eol));
	TEST(check(!P.opts.has_wscale) && check_uint(P.notes, ==, 0), "EOL ends the options");
	tcp_with_opts(tsfast, sizeof(tsfast));
	TEST(check(P.opts.ts_only_fast_path) && check(P.opts.has_ts) &&
	     check_uint(P.opts.ts_val, ==, 1) && check_uint(P.opts.ts_ecr, ==, 2),
	     "NOP NOP TIMESTAMP fast path");
	tcp_with_opts(sack, sizeof(sack));
	TEST(check_uint(P.opts.n_sack, ==, 2) && check_uint(P.opts.sack_left[0], ==, 0x1000) &&
	     check_uint(P.opts.sack_right[0], ==, 0x2000) && check_uint(P.opts.sack_left[1], ==, 0x3000) &&
	     check_uint(P.opts.sack_right[1], ==, 0x4000) && check(P.notes & PKT_NOTE_TCPOPT_BAD) &&
	     check(P.notes & PKT_NOTE_TCPOPT_DUP), "SACK: first well-formed option's blocks");
	TEST(check_uint(P.doff, ==, 14) && check_uint(P.l4_csum, ==, CSUM_OK),
	     "36 option bytes, checksum ok");

	/* doff below 5 */
	build_tcp4(&F, NULL, 0, 8);
	F.b[14 + 24 + 12] = 0x40;
	pb_l4_finish(&F, 14, 14 + 24, 6);
	dec(DLT_EN10MB, &F, &P);
	TEST(check(P.has_l4) && check_uint(P.doff, ==, 4) && check_uint(P.payload_len, ==, 8),
	     "doff 4 kept raw for the engine");
	/* doff beyond the segment: malformed, not a capture cut */
	build_tcp4(&F, NULL, 0, 8);
	F.b[14 + 24 + 12] = 0xf0;
	pb_l4_finish(&F, 14, 14 + 24, 6);
	dec(DLT_EN10MB, &F, &P);
	TEST(check(P.has_l4) && check_uint(P.doff, ==, 15) && check_uint(P.payload_len, ==, 0) &&
	     check(!(P.notes & PKT_NOTE_TCPOPT_TRUNC)) && check_uint(P.l4_csum, ==, CSUM_OK),
	     "doff 15 in a 28-byte segment: kept raw, no TCPOPT_TRUNC");
}

static void
udp_frame(bool v6, unsigned proto, size_t payload)
{
	size_t ip, uh;

	pb_init(&F);
	if (v6) {
		pb_eth(&F, 0x86dd);
		ip = pb_ipv6(&F, proto, A6, B6);
	} else {
		pb_eth(&F, 0x0800);
		ip = pb_ipv4(&F, proto, A4, B4, NULL, 0);
	}
	uh = pb_udp(&F, 1111, 2222);
	pb_fill(&F, payload);
	pb_udp_len(&F, uh);
	if (v6)
		pb_ipv6_finish(&F, ip);
	else
		pb_ipv4_finish(&F, ip);
	pb_l4_finish(&F, ip, uh, proto);
}

static void
test_udp(void)
{
	size_t uh4 = 14 + 20, uh6 = 14 + 40;
	size_t ip;

	udp_frame(false, 17, 13);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.l4_csum, ==, CSUM_OK) && check_uint(P.udp_len, ==, 21) &&
	     check_uint(P.payload_len, ==, 13) && check_uint(P.notes, ==, 0), "UDP/IPv4 good checksum");
	F.b[uh4 + 8] ^= 1;
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.l4_csum, ==, CSUM_BAD), "UDP/IPv4 bad checksum");
	pb_set16(&F, uh4 + 6, 0);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.l4_csum, ==, CSUM_ZERO) && check_uint(P.udp_csum, ==, 0), "UDP/IPv4 checksum 0");
	udp_frame(false, 17, 13);
	dec_cut(DLT_EN10MB, &F, F.n - 1, F.n, &P);
	TEST(check_uint(P.l4_csum, ==, CSUM_UNKNOWN) && check(P.notes & PKT_NOTE_PAYLOAD_TRUNC) &&
	     check(P.has_l4), "UDP snaplen cut: unknown");

	/* UDP length field smaller than the IP payload: the kernel sums
	 * l4_len bytes with l4_len in the pseudo header. */
	pb_init(&F);
	pb_eth(&F, 0x0800);
	ip = pb_ipv4(&F, 17, A4, B4, NULL, 0);
	pb_udp(&F, 1, 2);
	pb_fill(&F, 20);
	pb_set16(&F, uh4 + 4, 12);
	pb_ipv4_finish(&F, ip);
	pb_l4_finish(&F, ip, uh4, 17);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.udp_len, ==, 12) && check_uint(P.l4_len, ==, 28) &&
	     check_uint(P.l4_csum, ==, CSUM_OK), "UDP checksum over the IP payload length, not udp_len");

	udp_frame(true, 17, 7);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.l4_csum, ==, CSUM_OK), "UDP/IPv6 good checksum");
	F.b[uh6 + 9] ^= 0x40;
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.l4_csum, ==, CSUM_BAD), "UDP/IPv6 bad checksum");
	pb_set16(&F, uh6 + 6, 0);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.l4_csum, ==, CSUM_ZERO), "UDP/IPv6 checksum 0 (conntrack accepts it)");

	/* UDP-Lite, coverage 8 (header only) */
	pb_init(&F);
	pb_eth(&F, 0x0800);
	ip = pb_ipv4(&F, 136, A4, B4, NULL, 0);
	pb_udp(&F, 3, 4);
	pb_fill(&F, 40);
	pb_set16(&F, uh4 + 4, 8);
	pb_ipv4_finish(&F, ip);
	pb_l4_finish_cov(&F, ip, uh4, 136, 8);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.proto, ==, 136) && check_uint(P.udp_len, ==, 8) &&
	     check_uint(P.l4_csum, ==, CSUM_OK), "UDP-Lite coverage 8: good");
	F.b[uh4 + 20] ^= 0xff;			/* outside the coverage */
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.l4_csum, ==, CSUM_OK), "UDP-Lite: bytes outside the coverage do not count");
	dec_cut(DLT_EN10MB, &F, uh4 + 10, F.n, &P);
	TEST(check_uint(P.l4_csum, ==, CSUM_OK), "UDP-Lite: cut after the coverage is still known");
	F.b[uh4 + 1] ^= 0x01;			/* inside (the source port) */
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.l4_csum, ==, CSUM_BAD), "UDP-Lite: bytes inside the coverage count");
	/* coverage 0 = whole packet */
	pb_set16(&F, uh4 + 4, 0);
	pb_l4_finish_cov(&F, 14, uh4, 136, 0);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.l4_csum, ==, CSUM_OK), "UDP-Lite coverage 0: whole packet");
	dec_cut(DLT_EN10MB, &F, F.n - 1, F.n, &P);
	TEST(check_uint(P.l4_csum, ==, CSUM_UNKNOWN), "UDP-Lite coverage 0, cut: unknown");
	pb_set16(&F, uh4 + 4, 100);		/* coverage > l4_len */
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.l4_csum, ==, CSUM_UNKNOWN), "UDP-Lite invalid coverage: unknown");
	pb_set16(&F, uh4 + 4, 20);
	pb_set16(&F, uh4 + 6, 0);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.l4_csum, ==, CSUM_ZERO), "UDP-Lite checksum 0: zero (checksum missing)");
	udp_frame(true, 136, 12);		/* IPv6, coverage = whole (udp_len = length) */
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.l4_csum, ==, CSUM_OK), "UDP-Lite/IPv6 good");

	/* What conntrack verifies (kernel lab, x86_64 6.18.44, 448-byte
	 * UDP-Lite datagrams: IPv4 accepted only 17 + (len & 0xff) in the
	 * pseudo header, IPv6 only 17 + len; RFC 3828's 136 + len was
	 * "bad checksum" for both). */
	for (int v6 = 0; v6 < 2; v6++) {
		for (int variant = 0; variant < 3; variant++) {
			size_t l4 = v6 ? uh6 : uh4, len;
			uint64_t sum = 0;
			enum csum_state want_rfc, want_nf;

			udp_frame(v6, 136, 440);
			len = F.n - l4;
			pb_set16(&F, l4 + 4, 0);
			pb_set16(&F, l4 + 6, 0);
			sum = v6 ? pb_sum(0, F.b + 14 + 8, 32) : pb_sum(0, F.b + 14 + 12, 8);
			sum += variant == 0 ? 136 : 17;
			sum += variant == 2 ? (len & 0xff) : len;
			sum = pb_sum(sum, F.b + l4, len);
			pb_set16(&F, l4 + 6, pb_fold(sum) ? pb_fold(sum) : 0xffff);
			dec(DLT_EN10MB, &F, &P);
			want_rfc = variant == 0 ? CSUM_OK : CSUM_BAD;
			want_nf = variant == (v6 ? 1 : 2) ? CSUM_OK : CSUM_BAD;
			TEST(check_uint(P.l4_csum, ==, want_rfc) && check_uint(P.l4_csum_nf, ==, want_nf),
			     "UDP-Lite/IPv%d 448 bytes, pseudo header %s: l4_csum %d, l4_csum_nf %d",
			     v6 ? 6 : 4, variant == 0 ? "136+len" : variant == 1 ? "17+len" : "17+(len&0xff)",
			     want_rfc, want_nf);
		}
	}
	udp_frame(false, 17, 500);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.l4_csum_nf, ==, CSUM_OK), "l4_csum_nf equals l4_csum for UDP");
}

static void
test_icmp(void)
{
	size_t ip, ih, iip, ith;

	/* echo request */
	pb_init(&F);
	pb_eth(&F, 0x0800);
	ip = pb_ipv4(&F, 1, A4, B4, NULL, 0);
	ih = pb_icmp(&F, 8, 0, 0x00420007);
	pb_fill(&F, 32);
	pb_ipv4_finish(&F, ip);
	pb_l4_finish(&F, ip, ih, 1);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.icmp_type, ==, 8) && check_uint(P.icmp_id, ==, 0x42) &&
	     check_uint(P.icmp_seq, ==, 7) && check_uint(P.l4_csum, ==, CSUM_OK) &&
	     check(!P.inner.present) && check_uint(P.notes, ==, 0), "ICMP echo request");
	F.b[ih + 10] ^= 1;
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.l4_csum, ==, CSUM_BAD) && check_uint(P.l4_csum_nf, ==, CSUM_BAD),
	     "ICMP bad checksum");

	/* All-zero ICMP (echo reply, checksum field 0, zero payload): the
	 * kernel lab (6.18.44) logs no "bad hw icmp checksum" for it, as
	 * nf_ip_checksum() sums the IPv4 header too; field 1 is logged. */
	for (unsigned field = 0; field < 2; field++) {
		pb_init(&F);
		pb_eth(&F, 0x0800);
		ip = pb_ipv4(&F, 1, A4, B4, NULL, 0);
		ih = pb_icmp(&F, 0, 0, 0);
		for (int i = 0; i < 16; i++)
			pb_u8(&F, 0);
		pb_set16(&F, ih + 2, field);
		pb_ipv4_finish(&F, ip);
		dec(DLT_EN10MB, &F, &P);
		TEST(check_uint(P.l4_csum, ==, CSUM_BAD) &&
		     check_uint(P.l4_csum_nf, ==, field == 0 ? CSUM_OK : CSUM_BAD),
		     "all-zero ICMP, checksum field %u: l4_csum bad, l4_csum_nf %s", field,
		     field == 0 ? "ok" : "bad");
	}

	/* dest unreachable, frag needed, MTU 1400, quoting IPv4 TCP + 8 bytes */
	pb_init(&F);
	pb_eth(&F, 0x0800);
	ip = pb_ipv4(&F, 1, B4, A4, NULL, 0);
	ih = pb_icmp(&F, 3, 4, 1400);
	iip = pb_ipv4(&F, 6, A4, B4, NULL, 0);
	ith = pb_tcp(&F, 40000, 443, 0xaabbccdd, 0, TCPF_ACK, 1000, NULL, 0);
	pb_set16(&F, iip + 2, 1500);		/* the original length */
	pb_ipv4_csum(&F, iip);
	F.n = ith + 8;				/* only 8 bytes quoted */
	pb_ipv4_finish(&F, ip);
	pb_l4_finish(&F, ip, ih, 1);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.icmp_type, ==, 3) && check_uint(P.icmp_code, ==, 4) &&
	     check_uint(P.icmp_mtu, ==, 1400) && check_uint(P.l4_csum, ==, CSUM_OK) &&
	     check_uint(P.notes, ==, 0), "ICMP frag needed, MTU");
	TEST(check(P.inner.present) && check_uint(P.inner.family, ==, 4) &&
	     check_uint(P.inner.proto, ==, 6) && check(P.inner.has_l4) &&
	     check_uint(P.inner.sport, ==, 40000) && check_uint(P.inner.dport, ==, 443) &&
	     check_uint(P.inner.tcp_seq, ==, 0xaabbccdd) && check_uint(P.inner.ip_len, ==, 1500) &&
	     check(memcmp(P.inner.src.b, A4, 4) == 0) && check(memcmp(P.inner.dst.b, B4, 4) == 0),
	     "ICMP error: inner IPv4 TCP header");
	dec_cut(DLT_EN10MB, &F, ith + 3, F.n, &P);
	TEST(check(P.notes & PKT_NOTE_INNER_TRUNC) && check(P.inner.present) &&
	     check(!P.inner.has_l4) && check_uint(P.l4_csum, ==, CSUM_UNKNOWN),
	     "ICMP error, quote cut in the ports: INNER_TRUNC");
	dec_cut(DLT_EN10MB, &F, iip + 10, F.n, &P);
	TEST(check(P.notes & PKT_NOTE_INNER_TRUNC) && check(!P.inner.present),
	     "ICMP error, quote cut in the IP header");

	/* ICMPv6 packet too big quoting IPv6 UDP */
	pb_init(&F);
	pb_eth(&F, 0x86dd);
	ip = pb_ipv6(&F, 58, B6, A6);
	ih = pb_icmp(&F, 2, 0, 1280);
	iip = pb_ipv6(&F, 17, A6, B6);
	ith = pb_udp(&F, 5353, 53);
	pb_fill(&F, 30);
	pb_udp_len(&F, ith);
	pb_ipv6_finish(&F, iip);
	pb_ipv6_finish(&F, ip);
	pb_l4_finish(&F, ip, ih, 58);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.icmp_type, ==, 2) && check_uint(P.icmp_mtu, ==, 1280) &&
	     check_uint(P.l4_csum, ==, CSUM_OK) && check(P.inner.present) &&
	     check_uint(P.inner.family, ==, 6) && check_uint(P.inner.proto, ==, 17) &&
	     check_uint(P.inner.sport, ==, 5353) && check_uint(P.inner.dport, ==, 53) &&
	     check_uint(P.inner.ip_len, ==, 40 + 38) && check_uint(P.notes, ==, 0),
	     "ICMPv6 packet too big: MTU and inner IPv6 UDP");
	F.b[ih + 20] ^= 1;
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.l4_csum, ==, CSUM_BAD), "ICMPv6 bad checksum (pseudo header)");

	/* ICMPv6 echo request */
	pb_init(&F);
	pb_eth(&F, 0x86dd);
	ip = pb_ipv6(&F, 58, A6, B6);
	ih = pb_icmp(&F, 128, 0, 0x12340001);
	pb_fill(&F, 3);
	pb_ipv6_finish(&F, ip);
	pb_l4_finish(&F, ip, ih, 58);
	dec(DLT_EN10MB, &F, &P);
	TEST(check_uint(P.icmp_id, ==, 0x1234) && check_uint(P.icmp_seq, ==, 1) &&
	     check_uint(P.l4_csum, ==, CSUM_OK) && check(!P.inner.present),
	     "ICMPv6 echo request, odd length");
	/* ICMP under IPv6 is not ICMPv6 */
	F.b[14 + 6] = 1;
	dec(DLT_EN10MB, &F, &P);
	TEST(check(!P.has_l4) && check_uint(P.proto, ==, 1), "protocol 1 under IPv6: not decoded");
}

static void
test_decode_ip(void)
{
	build_tcp4(&F, NULL, 0, 5);
	memset(&P, 0, sizeof(P));
	P.notes = PKT_NOTE_CAPLEN_SHORT | PKT_NOTE_IP_BAD;
	P.n_vlans = 1;
	P.opts.has_wscale = true;
	decode_ip(F.b + 14, (uint32_t)F.n - 14, &P);
	TEST(check_uint(P.family, ==, 4) && check(P.has_l4) && check_uint(P.payload_len, ==, 5) &&
	     check_uint(P.notes, ==, PKT_NOTE_CAPLEN_SHORT) && check_uint(P.n_vlans, ==, 1) &&
	     check(!P.opts.has_wscale) && check_uint(P.l4_csum, ==, CSUM_OK),
	     "decode_ip resets L3/L4, keeps link fields and link notes");

	/* BIG TCP: tot_len 0 on a 70000-byte aggregate */
	pb_init(&F);
	{
		size_t ip = pb_ipv4(&F, 6, A4, B4, NULL, 0);

		pb_tcp(&F, 1, 2, 3, 4, TCPF_ACK, 5, NULL, 0);
		pb_fill(&F, 70000 - 40);
		pb_ipv4_csum(&F, ip);		/* tot_len stays 0 */
	}
	dec(DLT_RAW, &F, &P);
	TEST(check_uint(P.ip_len, ==, 70000) && check(P.has_l4) &&
	     check_uint(P.payload_len, ==, 70000 - 40) && check(P.notes & PKT_NOTE_SUPER_SEGMENT) &&
	     check(!(P.notes & PKT_NOTE_IP_BAD)), "IPv4 tot_len 0 on a BIG TCP aggregate");
}

/* Every prefix of a frame: no crash (ASan), truncation always noted, and
 * claimed lengths unchanged once the headers are in. */
static int
prefixes(int dlt, const struct pb *f, size_t l4_at)
{
	struct pkt full;
	int bad = 0;

	dec(dlt, f, &full);
	for (size_t n = 0; n < f->n; n++) {
		dec_cut(dlt, f, n, f->n, &P);
		if (!(P.notes & PKT_NOTE_CAPLEN_SHORT))
			bad++;
		if (P.has_l4 && (P.l4_len != full.l4_len || P.sport != full.sport))
			bad++;
		if (n >= l4_at + 20 && full.has_l4 && !P.has_l4 && full.proto == 6)
			bad++;
		if (P.l4_csum == CSUM_OK && full.proto != 136)
			bad++;
		if (P.has_l4 && P.l4_caplen > n)
			bad++;
	}
	return bad;
}

static void
test_prefixes(void)
{
	static struct pb g;
	size_t ip, x;

	build_tcp4(&F, syn_opts, sizeof(syn_opts), 30);
	TEST(check_int(prefixes(DLT_EN10MB, &F, 14 + 24), ==, 0), "every prefix: IPv4 TCP with options");

	pb_init(&g);
	pb_eth(&g, 0x8100);
	pb_vlan(&g, 5, 0x86dd);
	ip = pb_ipv6(&g, 0, A6, B6);
	pb_u8(&g, 43); pb_u8(&g, 0); pb_fill(&g, 6);
	pb_u8(&g, 44); pb_u8(&g, 0); pb_fill(&g, 6);
	pb_u8(&g, 6); pb_u8(&g, 0); pb_be16(&g, 0); pb_be32(&g, 1);
	x = pb_tcp(&g, 1, 2, 3, 4, TCPF_ACK, 5, "\x01\x01\x05\x0a\0\0\0\1\0\0\0\2", 12);
	pb_fill(&g, 5);
	pb_ipv6_finish(&g, ip);
	pb_l4_finish(&g, ip, x, 6);
	TEST(check_int(prefixes(DLT_EN10MB, &g, x), ==, 0), "every prefix: VLAN IPv6 ext headers TCP SACK");

	pb_init(&g);
	pb_eth(&g, 0x0800);
	ip = pb_ipv4(&g, 1, B4, A4, NULL, 0);
	x = pb_icmp(&g, 11, 0, 0);
	{
		size_t iip = pb_ipv4(&g, 17, A4, B4, "\x01\x01\x01\x00", 4);
		size_t iu = pb_udp(&g, 9, 10);

		pb_fill(&g, 8);
		pb_ipv4_finish(&g, iip);
		pb_udp_len(&g, iu);
	}
	pb_ipv4_finish(&g, ip);
	pb_l4_finish(&g, ip, x, 1);
	TEST(check_int(prefixes(DLT_EN10MB, &g, x), ==, 0), "every prefix: ICMP time exceeded");

	pb_init(&g);
	pb_be16(&g, 0x0800); pb_be16(&g, 0); pb_be32(&g, 1); pb_be16(&g, 1);
	pb_u8(&g, 4); pb_u8(&g, 6); pb_put(&g, pb_mac_src, 6); pb_be16(&g, 0);
	ip = pb_ipv4(&g, 136, A4, B4, NULL, 0);
	x = pb_udp(&g, 1, 2);
	pb_fill(&g, 9);
	pb_set16(&g, x + 4, 12);
	pb_ipv4_finish(&g, ip);
	pb_l4_finish_cov(&g, ip, x, 136, 12);
	TEST(check_int(prefixes(DLT_LINUX_SLL2, &g, x), ==, 0), "every prefix: SLL2 UDP-Lite");

	pb_init(&g);
	ip = pb_ipv6(&g, 58, B6, A6);
	x = pb_icmp(&g, 1, 4, 0);
	{
		size_t iip = pb_ipv6(&g, 60, A6, B6);

		pb_u8(&g, 6); pb_u8(&g, 0); pb_fill(&g, 6);
		pb_tcp(&g, 7, 8, 9, 10, TCPF_SYN, 11, NULL, 0);
		pb_ipv6_finish(&g, iip);
	}
	pb_ipv6_finish(&g, ip);
	pb_l4_finish(&g, ip, x, 58);
	dec(DLT_RAW, &g, &P);
	TEST(check(P.inner.present) && check_uint(P.inner.proto, ==, 6) &&
	     check_uint(P.inner.l3_hdr_len, ==, 48) && check_uint(P.inner.dport, ==, 8) &&
	     check_uint(P.inner.tcp_seq, ==, 9) && check_uint(P.l4_csum, ==, CSUM_OK),
	     "ICMPv6 port unreachable: inner with a destination-options header");
	TEST(check_int(prefixes(DLT_RAW, &g, x), ==, 0), "every prefix: raw ICMPv6 error");
}

/* Deterministic mutation run: valid frames with random byte changes and
 * random cuts, per link type.  Checks the borrowed pointers stay inside the
 * buffer (ASan checks the reads). */
static uint32_t rng = 0x9e3779b9u;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static void
test_mutations(void)
{
	static const int dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW,
				    DLT_NULL, DLT_IPV6 };
	static struct pb g;
	int bad = 0;
	unsigned runs = 0;

	for (unsigned base = 0; base < 4; base++) {
		for (unsigned it = 0; it < 3000; it++) {
			size_t n, cut;
			int dlt = dlts[rnd() % 6];

			switch (base) {
			case 0:
				build_tcp4(&g, syn_opts, sizeof(syn_opts), 20);
				break;
			case 1:
				udp_frame(true, 136, 30);
				g = F;
				break;
			default:
				pb_init(&g);
				pb_eth(&g, base == 2 ? 0x0800 : 0x86dd);
				if (base == 2)
					pb_ipv4(&g, 1, A4, B4, NULL, 0);
				else
					pb_ipv6(&g, 58, A6, B6);
				pb_icmp(&g, base == 2 ? 3 : 1, 0, 0);
				if (base == 2)
					pb_ipv4(&g, 6, B4, A4, NULL, 0);
				else
					pb_ipv6(&g, 0, B6, A6);
				pb_fill(&g, 24);
				break;
			}
			/* drop the link header for raw link types */
			if (dlt == DLT_RAW || dlt == DLT_IPV6) {
				memmove(g.b, g.b + 14, g.n - 14);
				g.n -= 14;
			}
			n = 1 + rnd() % 6;
			for (size_t k = 0; k < n && g.n; k++)
				g.b[rnd() % g.n] = (uint8_t)rnd();
			cut = g.n ? rnd() % (g.n + 1) : 0;
			dec_cut(dlt, &g, cut, g.n, &P);
			runs++;
			if (P.l3 && (P.l3 < held || P.l3 > held + cut))
				bad++;
			if (P.has_l4 && (P.l4 < held || P.l4 + P.l4_caplen > held + cut))
				bad++;
			if (P.l3 && P.l3 + P.l3_caplen > held + cut)
				bad++;
		}
	}
	TEST(check_int(bad, ==, 0) && check_uint(runs, ==, 12000),
	     "12000 mutated and cut frames: pointers stay inside the capture");
}

int
main(void)
{
	test_ipv4_tcp();
	test_ip_bad();
	test_fragments4();
	test_vlan_and_links();
	test_ipv6_ext();
	test_tcp_options();
	test_udp();
	test_icmp();
	test_decode_ip();
	test_prefixes();
	test_mutations();
	free(held);
	return tap_done();
}
