/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * udp-pkt.h - build IPv4/IPv6 packets as bytes for the UDP/ICMP tracker
 * tests, decoded with decode_ip() into a struct pkt (header-only helpers).
 */
#ifndef CTEXPLAIN_TEST_UDP_PKT_H
#define CTEXPLAIN_TEST_UDP_PKT_H

#include <stdint.h>
#include <string.h>

#include "decode.h"

struct tpkt {
	uint8_t b[1600];
	uint32_t len;
	struct pkt p;
};

enum tcsum { TC_OK, TC_BAD, TC_ZERO, TC_PROTO17 };

static inline uint32_t
tb_sum(uint32_t s, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (i < n)
		s += (uint32_t)b[i] << 8;
	return s;
}

static inline uint16_t
tb_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static inline void
tb_put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
tb_addr(struct ip_addr *a, int family, const char *s)
{
	/* "a.b.c.d" or a 32-hex-digit IPv6 address (no separators) */
	memset(a, 0, sizeof(*a));
	if (family == 4) {
		unsigned v = 0, i = 0;

		for (; *s && i < 4; s++) {
			if (*s == '.') {
				a->b[i++] = (uint8_t)v;
				v = 0;
			} else {
				v = v * 10 + (unsigned)(*s - '0');
			}
		}
		if (i < 4)
			a->b[i] = (uint8_t)v;
	} else {
		for (int i = 0; i < 16 && s[0] && s[1]; i++, s += 2) {
			unsigned hi = (unsigned)(s[0] <= '9' ? s[0] - '0' : s[0] - 'a' + 10);
			unsigned lo = (unsigned)(s[1] <= '9' ? s[1] - '0' : s[1] - 'a' + 10);

			a->b[i] = (uint8_t)(hi << 4 | lo);
		}
	}
}

/* Checksum of @l4 (@len bytes, checksum field at @off already zero) with the
 * pseudo header of @proto; @cov bytes summed. */
static inline uint16_t
tb_l4csum(int family, const struct ip_addr *s, const struct ip_addr *d, uint8_t proto,
	  const uint8_t *l4, uint32_t len, uint32_t cov)
{
	uint8_t ph[8] = { 0 };
	uint32_t sum = 0;
	size_t alen = family == 6 ? 16 : 4;

	sum = tb_sum(sum, s->b, alen);
	sum = tb_sum(sum, d->b, alen);
	ph[0] = (uint8_t)(len >> 24);
	ph[1] = (uint8_t)(len >> 16);
	ph[2] = (uint8_t)(len >> 8);
	ph[3] = (uint8_t)len;
	ph[7] = proto;
	sum = tb_sum(sum, ph, 8);
	sum = tb_sum(sum, l4, cov);
	return tb_fold(sum);
}

/*
 * Wrap @l4 (@l4len bytes) into an IP packet from @src to @dst and decode it.
 * @ttl: TTL / hop limit.  Capture record: @ts_ms, direction @dir.
 */
static inline void
tb_ip(struct tpkt *t, int family, const char *src, const char *dst, uint8_t proto,
      const uint8_t *l4, uint32_t l4len, uint8_t ttl, int64_t ts_ms, enum pkt_dir dir)
{
	struct ip_addr s, d;
	uint8_t *h = t->b;
	uint32_t hl = family == 6 ? 40 : 20;

	memset(t, 0, sizeof(*t));
	tb_addr(&s, family, src);
	tb_addr(&d, family, dst);
	if (family == 4) {
		h[0] = 0x45;
		tb_put16(h + 2, hl + l4len);
		tb_put16(h + 4, 1);
		h[8] = ttl;
		h[9] = proto;
		memcpy(h + 12, s.b, 4);
		memcpy(h + 16, d.b, 4);
		tb_put16(h + 10, tb_fold(tb_sum(0, h, 20)));
	} else {
		h[0] = 0x60;
		tb_put16(h + 4, l4len);
		h[6] = proto;
		h[7] = ttl;
		memcpy(h + 8, s.b, 16);
		memcpy(h + 24, d.b, 16);
	}
	memcpy(h + hl, l4, l4len);
	t->len = hl + l4len;
	t->p.ts_sec = ts_ms / 1000;
	t->p.ts_nsec = (uint32_t)(ts_ms % 1000) * 1000000u;
	t->p.caplen = t->p.wirelen = t->len;
	t->p.linktype = 101;	/* raw IP */
	t->p.dir = dir;
	decode_ip(t->b, t->len, &t->p);
}

/*
 * UDP (17) or UDP-Lite (136) datagram with @paylen payload bytes; @lenfield
 * < 0: the right length (UDP) / 0 coverage (UDP-Lite); @wire_l4len: bytes
 * of L4 actually in the IP packet (0: 8 + paylen).
 */
static inline void
tb_udp(struct tpkt *t, int family, uint8_t proto, const char *src, const char *dst,
       uint16_t sport, uint16_t dport, uint32_t paylen, int lenfield, uint32_t wire_l4len,
       enum tcsum cs, int64_t ts_ms, enum pkt_dir dir)
{
	uint8_t u[1500];
	uint32_t len = 8 + paylen, cov;
	struct ip_addr s, d;
	uint16_t c;

	memset(u, 0, sizeof(u));
	tb_put16(u, sport);
	tb_put16(u + 2, dport);
	if (lenfield >= 0)
		tb_put16(u + 4, (uint32_t)lenfield);
	else
		tb_put16(u + 4, proto == 136 ? 0 : len);
	for (uint32_t i = 0; i < paylen; i++)
		u[8 + i] = (uint8_t)(i * 13 + 5);
	if (wire_l4len == 0)
		wire_l4len = len;
	tb_addr(&s, family, src);
	tb_addr(&d, family, dst);
	cov = wire_l4len;
	if (proto == 136 && lenfield > 0 && (uint32_t)lenfield <= wire_l4len)
		cov = (uint32_t)lenfield;
	if (cov > wire_l4len)
		cov = wire_l4len;
	c = tb_l4csum(family, &s, &d, cs == TC_PROTO17 ? 17 : proto, u, wire_l4len, cov);
	if (c == 0)
		c = 0xffff;
	if (cs == TC_BAD)
		c = (uint16_t)(c ^ 0x5a5a);
	if (cs == TC_ZERO)
		c = 0;
	if (wire_l4len >= 8)
		tb_put16(u + 6, c);
	tb_ip(t, family, src, dst, proto, u, wire_l4len, 64, ts_ms, dir);
}

/* ICMP (family 4) or ICMPv6 message: type, code, 4 "rest" bytes, body. */
static inline void
tb_icmp(struct tpkt *t, int family, const char *src, const char *dst, uint8_t type,
	uint8_t code, uint32_t rest, const uint8_t *body, uint32_t bodylen, uint32_t wire_l4len,
	enum tcsum cs, uint8_t ttl, int64_t ts_ms, enum pkt_dir dir)
{
	uint8_t m[1500];
	uint32_t len = 8 + bodylen;
	struct ip_addr s, d;
	uint16_t c;

	memset(m, 0, sizeof(m));
	m[0] = type;
	m[1] = code;
	m[4] = (uint8_t)(rest >> 24);
	m[5] = (uint8_t)(rest >> 16);
	m[6] = (uint8_t)(rest >> 8);
	m[7] = (uint8_t)rest;
	if (bodylen && body)
		memcpy(m + 8, body, bodylen);
	if (wire_l4len == 0)
		wire_l4len = len;
	tb_addr(&s, family, src);
	tb_addr(&d, family, dst);
	if (family == 6)
		c = tb_l4csum(6, &s, &d, 58, m, wire_l4len, wire_l4len);
	else
		c = tb_fold(tb_sum(0, m, wire_l4len));
	if (cs == TC_BAD)
		c = (uint16_t)(c ^ 0x5a5a);
	if (cs == TC_ZERO)
		c = 0;
	if (wire_l4len >= 4)
		tb_put16(m + 2, c);
	tb_ip(t, family, src, dst, family == 6 ? 58 : 1, m, wire_l4len, ttl, ts_ms, dir);
}

/* The quoted header of an ICMP error: an IP header + 8 bytes of UDP. */
static inline uint32_t
tb_quote_udp(uint8_t *out, int family, const char *src, const char *dst, uint16_t sport,
	     uint16_t dport)
{
	struct tpkt q;

	tb_udp(&q, family, 17, src, dst, sport, dport, 20, -1, 0, TC_OK, 0, PKT_DIR_IN);
	memcpy(out, q.b, (family == 6 ? 40 : 20) + 8);
	return (family == 6 ? 40u : 20u) + 8;
}

#endif
