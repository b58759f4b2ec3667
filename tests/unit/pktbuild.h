/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * pktbuild.h - build frames byte by byte for the decoder and capture tests
 * (header-only, static functions; owner: decode).
 *
 *	struct pb f;
 *	pb_init(&f);
 *	pb_eth(&f, 0x0800);
 *	size_t ip = pb_ipv4(&f, 6, src4, dst4, NULL, 0);
 *	size_t th = pb_tcp(&f, 1000, 80, 1, 0, TCPF_SYN, 65535, NULL, 0);
 *	pb_fill(&f, 10);			// payload
 *	pb_ipv4_finish(&f, ip);			// tot_len + header checksum
 *	pb_l4_finish(&f, ip, th, 6);		// L4 checksum with pseudo header
 *
 * Checksums are computed with a plain byte-by-byte RFC 1071 loop written
 * here (pb_sum, pb_fold), independent of analyzer/util-csum.c.
 */
#ifndef CTEXPLAIN_TEST_PKTBUILD_H
#define CTEXPLAIN_TEST_PKTBUILD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Byte-by-byte reference sum: big-endian 16-bit words added to @s, an odd
 * last byte is the high half of a word.  64-bit: no overflow for big buffers. */
static inline uint64_t
pb_sum(uint64_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint64_t)p[i] << 8 | p[i + 1];
	if (i < n)
		s += (uint64_t)p[i] << 8;
	return s;
}

/* Fold the carries and complement: the Internet checksum of the sum. */
static inline uint16_t
pb_fold(uint64_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

#define PB_MAX 70000

struct pb {
	uint8_t b[PB_MAX];
	size_t n;
};

static inline void
pb_init(struct pb *f)
{
	f->n = 0;
}

static inline size_t
pb_put(struct pb *f, const void *p, size_t n)
{
	size_t at = f->n;

	if (n)
		memcpy(f->b + f->n, p, n);
	f->n += n;
	return at;
}

static inline void
pb_u8(struct pb *f, unsigned v)
{
	f->b[f->n++] = (uint8_t)v;
}

static inline void
pb_be16(struct pb *f, unsigned v)
{
	pb_u8(f, (v >> 8) & 0xff);
	pb_u8(f, v & 0xff);
}

static inline void
pb_be32(struct pb *f, uint32_t v)
{
	pb_be16(f, v >> 16);
	pb_be16(f, v & 0xffff);
}

static inline void
pb_set16(struct pb *f, size_t at, unsigned v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

static inline void
pb_fill(struct pb *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pb_u8(f, 'a' + i % 26);
}

static const uint8_t pb_mac_dst[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t pb_mac_src[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

static inline void
pb_eth(struct pb *f, unsigned ethertype)
{
	pb_put(f, pb_mac_dst, 6);
	pb_put(f, pb_mac_src, 6);
	pb_be16(f, ethertype);
}

static inline void
pb_vlan(struct pb *f, unsigned vid, unsigned next)
{
	pb_be16(f, vid & 0xfff);
	pb_be16(f, next);
}

/* IPv4 header with @optlen option bytes (a multiple of 4); tot_len and
 * checksum are set by pb_ipv4_finish().  Returns the header offset. */
static inline size_t
pb_ipv4(struct pb *f, unsigned proto, const void *src, const void *dst,
	const void *opts, size_t optlen)
{
	size_t at = f->n;

	pb_u8(f, 0x40 | (unsigned)(5 + optlen / 4));
	pb_u8(f, 0);
	pb_be16(f, 0);			/* tot_len */
	pb_be16(f, 0x1234);		/* id */
	pb_be16(f, 0x4000);		/* DF */
	pb_u8(f, 64);
	pb_u8(f, proto);
	pb_be16(f, 0);			/* checksum */
	pb_put(f, src, 4);
	pb_put(f, dst, 4);
	pb_put(f, opts, optlen);
	return at;
}

static inline void
pb_ipv4_csum(struct pb *f, size_t ip)
{
	size_t hl = (size_t)(f->b[ip] & 0x0f) * 4;

	pb_set16(f, ip + 10, 0);
	pb_set16(f, ip + 10, pb_fold(pb_sum(0, f->b + ip, hl)));
}

static inline void
pb_ipv4_finish(struct pb *f, size_t ip)
{
	pb_set16(f, ip + 2, (unsigned)(f->n - ip));
	pb_ipv4_csum(f, ip);
}

/* IPv6 header; payload length set by pb_ipv6_finish(). */
static inline size_t
pb_ipv6(struct pb *f, unsigned nexthdr, const void *src, const void *dst)
{
	size_t at = f->n;

	pb_be32(f, 0x60000000u | 0x12345);	/* tc 0, flow label 0x12345 */
	pb_be16(f, 0);
	pb_u8(f, nexthdr);
	pb_u8(f, 64);
	pb_put(f, src, 16);
	pb_put(f, dst, 16);
	return at;
}

static inline void
pb_ipv6_finish(struct pb *f, size_t ip)
{
	pb_set16(f, ip + 4, (unsigned)(f->n - ip - 40));
}

static inline size_t
pb_tcp(struct pb *f, unsigned sport, unsigned dport, uint32_t seq, uint32_t ack,
       unsigned flags, unsigned win, const void *opts, size_t optlen)
{
	size_t at = f->n;

	pb_be16(f, sport);
	pb_be16(f, dport);
	pb_be32(f, seq);
	pb_be32(f, ack);
	pb_u8(f, (unsigned)((5 + optlen / 4) << 4));
	pb_u8(f, flags);
	pb_be16(f, win);
	pb_be16(f, 0);			/* checksum */
	pb_be16(f, 0);			/* urg */
	pb_put(f, opts, optlen);
	return at;
}

static inline size_t
pb_udp(struct pb *f, unsigned sport, unsigned dport)
{
	size_t at = f->n;

	pb_be16(f, sport);
	pb_be16(f, dport);
	pb_be16(f, 0);			/* length, set by pb_udp_len() */
	pb_be16(f, 0);
	return at;
}

static inline void
pb_udp_len(struct pb *f, size_t uh)
{
	pb_set16(f, uh + 4, (unsigned)(f->n - uh));
}

static inline size_t
pb_icmp(struct pb *f, unsigned type, unsigned code, uint32_t rest)
{
	size_t at = f->n;

	pb_u8(f, type);
	pb_u8(f, code);
	pb_be16(f, 0);
	pb_be32(f, rest);
	return at;
}

/* Offset of the checksum field for @proto within its header. */
static inline size_t
pb_csum_off(unsigned proto)
{
	return proto == 6 ? 16 : proto == 17 || proto == 136 ? 6 : 2;
}

/*
 * Set the L4 checksum of the header at @l4 (IP header at @ip): pseudo
 * header (protocol @proto, length to the end of the frame) unless ICMP;
 * @cov bytes covered (0: to the end of the frame).
 */
static inline void
pb_l4_finish_cov(struct pb *f, size_t ip, size_t l4, unsigned proto, size_t cov)
{
	size_t len = f->n - l4, co = l4 + pb_csum_off(proto);
	uint64_t s = 0;
	uint16_t c;

	if (!cov)
		cov = len;
	pb_set16(f, co, 0);
	if (proto != 1) {
		if ((f->b[ip] >> 4) == 4)
			s = pb_sum(s, f->b + ip + 12, 8);
		else
			s = pb_sum(s, f->b + ip + 8, 32);
		s += proto;
		s += len;
	}
	s = pb_sum(s, f->b + l4, cov);
	c = pb_fold(s);
	if (c == 0 && (proto == 17 || proto == 136))
		c = 0xffff;	/* UDP sends 0 as all ones */
	pb_set16(f, co, c);
}

static inline void
pb_l4_finish(struct pb *f, size_t ip, size_t l4, unsigned proto)
{
	pb_l4_finish_cov(f, ip, l4, proto, 0);
}

#endif
