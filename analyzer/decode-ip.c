/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * decode-ip.c - IPv4 and IPv6 headers, the IPv6 extension-header chain, and
 * address formatting.
 *
 * Lengths follow what the kernel keeps in skb->len: ip_rcv_core() (net/ipv4/
 * ip_input.c) and ipv6_rcv()/ip6_rcv_core() (net/ipv6/ip6_input.c) trim the
 * skb to the IP total/payload length, so link padding is never part of
 * l4_len, and drop packets whose length claims more than the frame holds,
 * whose IPv4 header checksum is wrong, or whose version / IHL is bad.  Those
 * drops happen before conntrack, so we only note them (PKT_NOTE_IP_*).
 *
 * The extension-header walk mirrors ipv6_skip_exthdr() (net/ipv6/
 * exthdrs_core.c) as conntrack uses it: HOPOPTS, ROUTING and DSTOPTS are
 * (len + 1) * 8 bytes, AH is (len + 2) * 4 bytes, a fragment header is 8
 * bytes and, when its offset is not 0, ends the walk (the next header is
 * not in this fragment); ESP and NONE end it too.
 *
 * References: RFC 791, RFC 8200, RFC 4302 (AH length), RFC 2675 (jumbo).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "decode-internal.h"
#include "util-csum.h"
#include "util-cursor.h"

#define IPV4_MIN_HLEN	20
#define IPV6_HLEN	40
#define IP_LEN_ETH_MTU	1500	/* above this a frame is a GRO/TSO aggregate */
#define IPV6_MAX_EXTHDRS 64	/* each is >= 8 bytes; a bound for the loop */

static void
decode_ipv4(const uint8_t *l3, uint32_t caplen, uint32_t wirelen, struct pkt *pkt)
{
	struct cursor c;
	uint8_t vihl, ttl, proto;
	uint16_t tot_len, id, frag, hcsum;
	uint32_t hlen, ip_len, avail;

	cur_init(&c, l3, caplen);
	if (!cur_has(&c, IPV4_MIN_HLEN)) {
		pkt->notes |= PKT_NOTE_IP_TRUNC;
		return;
	}
	cur_get_u8(&c, &vihl);
	cur_get_u8(&c, &pkt->tos);
	cur_get_be16(&c, &tot_len);
	cur_get_be16(&c, &id);
	cur_get_be16(&c, &frag);
	cur_get_u8(&c, &ttl);
	cur_get_u8(&c, &proto);
	cur_get_be16(&c, &hcsum);
	cur_get_bytes(&c, pkt->src.b, 4);
	cur_get_bytes(&c, pkt->dst.b, 4);

	pkt->family = 4;
	pkt->ttl = ttl;
	pkt->ip_id = id;
	pkt->proto = proto;
	pkt->ce = (frag & 0x8000) != 0;
	pkt->df = (frag & 0x4000) != 0;
	pkt->mf = (frag & 0x2000) != 0;
	pkt->frag_off = (uint32_t)(frag & 0x1fff) * 8;
	pkt->frag_id = id;
	pkt->is_fragment = pkt->mf || pkt->frag_off != 0;
	if (pkt->is_fragment)
		pkt->notes |= PKT_NOTE_FRAGMENT;

	hlen = (uint32_t)(vihl & 0x0f) * 4;
	pkt->l3_hdr_len = (uint16_t)hlen;
	pkt->ip_len = tot_len;
	if (hlen < IPV4_MIN_HLEN) {
		pkt->notes |= PKT_NOTE_IP_BAD;
		return;
	}
	pkt->ipopt_len = (uint8_t)(hlen - IPV4_MIN_HLEN);
	if (!(hlen <= caplen)) {
		pkt->notes |= PKT_NOTE_IP_TRUNC;
		return;
	}
	/* ip_fast_csum(): a correct header sums to -0. */
	if (csum_fold(csum_add(0, l3, hlen)) != 0xffff)
		pkt->notes |= PKT_NOTE_IP_CSUM_BAD;

	ip_len = tot_len;
	if (ip_len == 0 && wirelen > 0xffff) {
		/* BIG TCP: tot_len 0 on an aggregate, iph_totlen() takes
		 * the skb length. */
		ip_len = wirelen;
		pkt->ip_len = ip_len;
	}
	if (ip_len > wirelen)
		pkt->notes |= PKT_NOTE_IP_LEN_GT_WIRE;
	if (ip_len < hlen) {
		pkt->notes |= PKT_NOTE_IP_BAD;
		return;
	}
	if (ip_len > IP_LEN_ETH_MTU)
		pkt->notes |= PKT_NOTE_SUPER_SEGMENT;

	pkt->l4_len = ip_len - hlen;
	if (pkt->frag_off != 0)
		return;		/* no L4 header in a non-first fragment */
	avail = caplen - hlen;
	pkt->l4 = l3 + hlen;
	pkt->l4_caplen = avail < pkt->l4_len ? avail : pkt->l4_len;
	decode_l4(pkt, !pkt->is_fragment);
}

/*
 * The extension-header chain from @off with next header @nh.  Returns the
 * L4 offset, with *nh the protocol there, or 0 when the walk stopped on a
 * problem (noted) or at a non-first fragment (*nh: the header after it).
 * @avail is what is both captured and inside ip_len.
 */
static uint32_t
walk_ext6(const uint8_t *l3, uint32_t avail, uint32_t ip_len, uint8_t *nhp,
	  struct pkt *pkt)
{
	uint32_t off = IPV6_HLEN;
	uint8_t nh = *nhp;

	for (unsigned n = 0; n < IPV6_MAX_EXTHDRS; n++) {
		struct cursor c;
		uint32_t len;
		uint16_t fo = 0;
		uint32_t id = 0;
		uint8_t next = 0, hl = 0;

		if (nh != DEC_IPPROTO_HOPOPTS && nh != DEC_IPPROTO_ROUTING &&
		    nh != DEC_IPPROTO_DSTOPTS && nh != DEC_IPPROTO_AH &&
		    nh != DEC_IPPROTO_FRAGMENT)
			break;
		cur_init(&c, l3 + off, avail - off);
		len = nh == DEC_IPPROTO_FRAGMENT ? 8 : 2;
		if (!(off + len <= ip_len)) {
			pkt->notes |= PKT_NOTE_EXTHDR_BAD;
			goto stop;
		}
		if (!cur_has(&c, len)) {
			pkt->notes |= PKT_NOTE_IP_TRUNC;
			goto stop;
		}
		cur_get_u8(&c, &next);
		cur_get_u8(&c, &hl);
		if (nh == DEC_IPPROTO_FRAGMENT) {
			cur_get_be16(&c, &fo);
			cur_get_be32(&c, &id);
			pkt->is_fragment = true;
			pkt->notes |= PKT_NOTE_FRAGMENT;
			pkt->frag_off = fo & 0xfff8;
			pkt->mf = (fo & 1) != 0;
			pkt->frag_id = id;
			pkt->frag_nexthdr = next;
			off += 8;
			nh = next;
			if (pkt->frag_off != 0) {
				*nhp = nh;
				pkt->l3_hdr_len = (uint16_t)off;
				return 0;
			}
			continue;
		}
		if (nh == DEC_IPPROTO_AH)
			len = ((uint32_t)hl + 2) * 4;
		else
			len = ((uint32_t)hl + 1) * 8;
		if (!(off + len <= ip_len)) {
			pkt->notes |= PKT_NOTE_EXTHDR_BAD;
			goto stop;
		}
		if (!(off + len <= avail)) {
			pkt->notes |= PKT_NOTE_IP_TRUNC;
			goto stop;
		}
		off += len;
		nh = next;
	}
	if (nh == DEC_IPPROTO_HOPOPTS || nh == DEC_IPPROTO_ROUTING ||
	    nh == DEC_IPPROTO_DSTOPTS || nh == DEC_IPPROTO_AH ||
	    nh == DEC_IPPROTO_FRAGMENT) {
		pkt->notes |= PKT_NOTE_EXTHDR_BAD;	/* absurdly long chain */
		goto stop;
	}
	*nhp = nh;
	pkt->l3_hdr_len = (uint16_t)off;
	return off;
stop:
	*nhp = nh;
	pkt->l3_hdr_len = (uint16_t)off;
	return 0;
}

static void
decode_ipv6(const uint8_t *l3, uint32_t caplen, uint32_t wirelen, struct pkt *pkt)
{
	struct cursor c;
	uint32_t w, ip_len, avail, off;
	uint16_t plen;
	uint8_t nh, hlim;

	cur_init(&c, l3, caplen);
	if (!cur_has(&c, IPV6_HLEN)) {
		pkt->notes |= PKT_NOTE_IP_TRUNC;
		return;
	}
	cur_get_be32(&c, &w);
	cur_get_be16(&c, &plen);
	cur_get_u8(&c, &nh);
	cur_get_u8(&c, &hlim);
	cur_get_bytes(&c, pkt->src.b, 16);
	cur_get_bytes(&c, pkt->dst.b, 16);

	pkt->family = 6;
	pkt->tos = (uint8_t)(w >> 20);
	pkt->flowlabel = w & 0xfffff;
	pkt->ttl = hlim;
	pkt->proto = nh;
	pkt->l3_hdr_len = IPV6_HLEN;

	ip_len = IPV6_HLEN + (uint32_t)plen;
	if (plen == 0 && nh == DEC_IPPROTO_HOPOPTS) {
		/* Jumbo payload (RFC 2675) / BIG TCP: the length is in a
		 * hop-by-hop option; the frame length stands in for it. */
		pkt->notes |= PKT_NOTE_IP6_JUMBO;
		if (wirelen > ip_len)
			ip_len = wirelen;
	}
	pkt->ip_len = ip_len;
	if (ip_len > wirelen)
		pkt->notes |= PKT_NOTE_IP_LEN_GT_WIRE;
	if (ip_len > IP_LEN_ETH_MTU)
		pkt->notes |= PKT_NOTE_SUPER_SEGMENT;

	avail = caplen < ip_len ? caplen : ip_len;
	off = walk_ext6(l3, avail, ip_len, &nh, pkt);
	pkt->proto = nh;
	if (off == 0) {
		if (pkt->frag_off != 0)	/* non-first fragment: its data */
			pkt->l4_len = ip_len - pkt->l3_hdr_len;
		return;
	}
	pkt->l4_len = ip_len - off;
	if (nh == DEC_IPPROTO_NONE || nh == DEC_IPPROTO_ESP)
		return;
	pkt->l4 = l3 + off;
	pkt->l4_caplen = avail - off;
	decode_l4(pkt, !pkt->is_fragment);
}

void
decode_ip_wire(const uint8_t *l3, uint32_t caplen, uint32_t wirelen,
	       int version, struct pkt *pkt)
{
	int v;

	pkt->l3 = l3;
	pkt->l3_caplen = caplen;
	if (caplen < 1 || !l3) {
		pkt->notes |= PKT_NOTE_IP_TRUNC;
		return;
	}
	if (wirelen < caplen)
		wirelen = caplen;
	v = l3[0] >> 4;
	if (version != 0 && v != version) {
		/* ip_rcv / ipv6_rcv drop a header of the wrong version. */
		pkt->notes |= PKT_NOTE_IP_BAD;
		return;
	}
	if (v == 4)
		decode_ipv4(l3, caplen, wirelen, pkt);
	else if (v == 6)
		decode_ipv6(l3, caplen, wirelen, pkt);
	else
		pkt->notes |= PKT_NOTE_IP_BAD;
}

int
decode_ip(const uint8_t *l3, uint32_t caplen, struct pkt *pkt)
{
	size_t keep = offsetof(struct pkt, family);

	memset((char *)pkt + keep, 0, sizeof(*pkt) - keep);
	pkt->notes &= PKT_NOTE_CAPLEN_SHORT | PKT_NOTE_LINK_TRUNC;
	decode_ip_wire(l3, caplen, caplen, 0, pkt);
	return 0;
}

void
decode_addr_nflog(uint8_t family, const struct ip_addr *a, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	char *o = buf;

	if (family == 4) {
		snprintf(buf, 16, "%u.%u.%u.%u", a->b[0], a->b[1], a->b[2], a->b[3]);
		return;
	}
	if (family != 6) {
		buf[0] = '\0';
		return;
	}
	/* %pI6: eight groups of four lowercase hex digits, no compression. */
	for (int i = 0; i < 16; i += 2) {
		if (i)
			*o++ = ':';
		*o++ = hex[a->b[i] >> 4];
		*o++ = hex[a->b[i] & 0x0f];
		*o++ = hex[a->b[i + 1] >> 4];
		*o++ = hex[a->b[i + 1] & 0x0f];
	}
	*o = '\0';
}

void
decode_addr_str(uint8_t family, const struct ip_addr *a, char *buf)
{
	int af = family == 4 ? AF_INET : family == 6 ? AF_INET6 : -1;

	if (af < 0 || !inet_ntop(af, a->b, buf, 46))
		buf[0] = '\0';
}
