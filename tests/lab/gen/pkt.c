/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * pkt.c - packet builder for the kernel-lab generators (see pkt.h).
 */
#include "pkt.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t mac_dst[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t mac_src[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

int
pw_open(struct pw *w, const char *path)
{
	memset(w, 0, sizeof(*w));
	w->p = pcap_open_dead(DLT_EN10MB, 65535);
	if (w->p == NULL)
		return -1;
	w->d = pcap_dump_open(w->p, path);
	if (w->d == NULL) {
		fprintf(stderr, "%s: %s\n", path, pcap_geterr(w->p));
		pcap_close(w->p);
		return -1;
	}
	w->ts_us = 1764169200ULL * 1000000ULL;	/* 2025-11-26 15:00:00 UTC */
	w->step_us = 1000;
	w->ip_id = 1;
	return 0;
}

void
pw_close(struct pw *w)
{
	if (w->d != NULL)
		pcap_dump_close(w->d);
	if (w->p != NULL)
		pcap_close(w->p);
	w->d = NULL;
	w->p = NULL;
}

void
pw_frame(struct pw *w, const uint8_t *frame, size_t len)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(w->ts_us / 1000000);
	h.ts.tv_usec = (suseconds_t)(w->ts_us % 1000000);
	h.caplen = (bpf_u_int32)len;
	h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)w->d, &h, frame);
	w->ts_us += w->step_us;
	w->count++;
}

struct addr
addr_parse(const char *text)
{
	struct addr a;

	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, text, a.a) == 1) {
		a.af = 4;
	} else if (inet_pton(AF_INET6, text, a.a) == 1) {
		a.af = 6;
	} else {
		fprintf(stderr, "bad address %s\n", text);
		exit(1);
	}
	return a;
}

void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t
csum_pseudo(const struct addr *src, const struct addr *dst, uint8_t proto, uint32_t l4len)
{
	uint32_t sum = 0;
	size_t alen = src->af == 4 ? 4 : 16;

	sum = csum_add(sum, src->a, alen);
	sum = csum_add(sum, dst->a, alen);
	sum += proto;
	sum += l4len >> 16;
	sum += l4len & 0xffff;
	return sum;
}

static void
fill_payload(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)('a' + i % 26);
}

/* Store checksum into field at off according to mode. */
static void
store_csum(uint8_t *l4, size_t off, uint16_t cs, int csmode)
{
	if (csmode == CS_ZERO)
		cs = 0;
	else if (csmode == CS_BAD)
		cs ^= 0x5a5a;
	put16(l4 + off, cs);
}

size_t
tcp_build(uint8_t *out, const struct addr *src, const struct addr *dst,
	  uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
	  uint8_t flags, uint16_t win, const uint8_t *opt, size_t optlen,
	  size_t paylen, int csmode)
{
	size_t hl = 20 + ((optlen + 3) & ~(size_t)3);
	size_t len = hl + paylen;

	memset(out, 0, hl);
	put16(out, sport);
	put16(out + 2, dport);
	put32(out + 4, seq);
	put32(out + 8, ack);
	out[12] = (uint8_t)((hl / 4) << 4);
	out[13] = flags;
	put16(out + 14, win);
	if (optlen > 0)
		memcpy(out + 20, opt, optlen);
	fill_payload(out + hl, paylen);
	store_csum(out, 16, csum_fold(csum_add(csum_pseudo(src, dst, P_TCP, (uint32_t)len),
					       out, len)), csmode);
	return len;
}

size_t
udp_build(uint8_t *out, uint8_t proto, const struct addr *src, const struct addr *dst,
	  uint16_t sport, uint16_t dport, size_t paylen, int lenfield, int csmode)
{
	size_t len = 8 + paylen;
	size_t cov;
	uint16_t cs;

	put16(out, sport);
	put16(out + 2, dport);
	put16(out + 4, (uint16_t)(lenfield >= 0 ? (size_t)lenfield : len));
	put16(out + 6, 0);
	fill_payload(out + 8, paylen);
	if (proto == P_UDPLITE) {
		/* lenfield is the checksum coverage; 0 = whole packet */
		cov = lenfield > 0 ? (size_t)lenfield : len;
		if (lenfield < 0) {
			cov = len;
			put16(out + 4, 0);
		}
		if (cov > len)
			cov = len;
	} else {
		cov = len;
	}
	cs = csum_fold(csum_add(csum_pseudo(src, dst, proto, (uint32_t)len), out, cov));
	if (cs == 0)
		cs = 0xffff;
	store_csum(out, 6, cs, csmode);
	return len;
}

size_t
icmp_build(uint8_t *out, int v6, const struct addr *src, const struct addr *dst,
	   uint8_t type, uint8_t code, uint32_t rest, const uint8_t *body, size_t bodylen,
	   int csmode)
{
	size_t len = 8 + bodylen;
	uint32_t sum = 0;

	out[0] = type;
	out[1] = code;
	put16(out + 2, 0);
	put32(out + 4, rest);
	if (bodylen > 0)
		memmove(out + 8, body, bodylen);
	if (v6)
		sum = csum_pseudo(src, dst, P_ICMP6, (uint32_t)len);
	store_csum(out, 2, csum_fold(csum_add(sum, out, len)), csmode);
	return len;
}

void
l4_fix_csum(uint8_t *l4, size_t len, uint8_t proto, const struct addr *src,
	    const struct addr *dst)
{
	size_t off;
	uint32_t sum = 0;
	uint16_t cs;

	switch (proto) {
	case P_TCP:
		off = 16;
		break;
	case P_UDP:
	case P_UDPLITE:
		off = 6;
		break;
	default:
		off = 2;
		break;
	}
	if (len < off + 2)
		return;
	put16(l4 + off, 0);
	if (proto != P_ICMP)
		sum = csum_pseudo(src, dst, proto, (uint32_t)len);
	cs = csum_fold(csum_add(sum, l4, len));
	if (proto == P_UDP && cs == 0)
		cs = 0xffff;
	put16(l4 + off, cs);
}

size_t
ip_build(uint8_t *out, const struct addr *src, const struct addr *dst, uint8_t proto,
	 uint8_t ttl, uint16_t id, const uint8_t *l4, size_t l4len)
{
	if (ttl == 0)
		ttl = 64;
	if (src->af == 4) {
		memset(out, 0, 20);
		out[0] = 0x45;
		put16(out + 2, (uint16_t)(20 + l4len));
		put16(out + 4, id);
		out[8] = ttl;
		out[9] = proto;
		memcpy(out + 12, src->a, 4);
		memcpy(out + 16, dst->a, 4);
		put16(out + 10, csum_fold(csum_add(0, out, 20)));
		memcpy(out + 20, l4, l4len);
		return 20 + l4len;
	}
	memset(out, 0, 40);
	out[0] = 0x60;
	put16(out + 4, (uint16_t)l4len);
	out[6] = proto;
	out[7] = ttl;
	memcpy(out + 8, src->a, 16);
	memcpy(out + 24, dst->a, 16);
	memcpy(out + 40, l4, l4len);
	return 40 + l4len;
}

static size_t
eth_head(uint8_t *f, int af)
{
	memcpy(f, mac_dst, 6);
	memcpy(f + 6, mac_src, 6);
	put16(f + 12, af == 4 ? 0x0800 : 0x86dd);
	return 14;
}

void
emit_ip(struct pw *w, const struct addr *src, const struct addr *dst, uint8_t proto,
	uint8_t ttl, const uint8_t *l4, size_t l4len)
{
	uint8_t f[PKT_MAX + 100];
	size_t n;

	if (l4len > PKT_MAX) {
		fprintf(stderr, "packet too large\n");
		exit(1);
	}
	n = eth_head(f, src->af);
	n += ip_build(f + n, src, dst, proto, ttl, w->ip_id++, l4, l4len);
	pw_frame(w, f, n);
}

void
emit_frag(struct pw *w, const struct addr *src, const struct addr *dst, uint8_t proto,
	  uint32_t id, const uint8_t *l4, size_t off, size_t len, int mf)
{
	uint8_t f[PKT_MAX + 100];
	uint8_t *ip;
	size_t n = eth_head(f, src->af);

	ip = f + n;
	if (src->af == 4) {
		memset(ip, 0, 20);
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(20 + len));
		put16(ip + 4, (uint16_t)id);
		put16(ip + 6, (uint16_t)((mf ? 0x2000 : 0) | ((off / 8) & 0x1fff)));
		ip[8] = 64;
		ip[9] = proto;
		memcpy(ip + 12, src->a, 4);
		memcpy(ip + 16, dst->a, 4);
		put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
		memcpy(ip + 20, l4 + off, len);
		n += 20 + len;
	} else {
		memset(ip, 0, 48);
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)(8 + len));
		ip[6] = P_FRAG6;
		ip[7] = 64;
		memcpy(ip + 8, src->a, 16);
		memcpy(ip + 24, dst->a, 16);
		ip[40] = proto;
		put16(ip + 42, (uint16_t)((off & 0xfff8) | (mf ? 1 : 0)));
		put32(ip + 44, id);
		memcpy(ip + 48, l4 + off, len);
		n += 48 + len;
	}
	pw_frame(w, f, n);
}
