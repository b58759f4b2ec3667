/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * decode-l4.c - TCP, UDP, UDP-Lite, ICMP and ICMPv6 headers, TCP options,
 * the packet quoted in ICMP errors, and L4 checksums.
 *
 * has_l4 is set only when the fixed header (TCP 20, UDP 8, ICMP 8 bytes)
 * was captured; l4_len stays the claimed length, as the kernel's checks
 * (tcp_error, udp_error, ...) use skb->len - dataoff.
 *
 * TCP options are walked the way conntrack's tcp_options() and tcp_sack()
 * (net/netfilter/nf_conntrack_proto_tcp.c, v6.18) do: EOL stops, NOP is
 * one byte, any other kind needs a length byte, and a length below 2 or
 * beyond the option area stops the walk ("silly" / partial options).  The
 * window scale is kept raw (conntrack clamps it to 14, the engine does
 * that).  SACK blocks come from the first SACK option of a valid size
 * (2 + 8n, n >= 1).  Bad lengths and repeated options are noted.
 *
 * Checksums follow nf_ip_checksum()/nf_ip6_checksum() (net/netfilter/
 * utils.c): TCP, UDP and ICMPv6 with the pseudo header over all l4_len
 * bytes (for UDP the IP payload length, not the UDP length field), ICMP
 * without a pseudo header; UDP-Lite sums only the coverage (RFC 3828) with
 * l4_len in the pseudo header.  l4_csum_nf is what conntrack verifies, which
 * differs for UDP-Lite and for an all-zero ICMP message (decode.h).
 */
#include <string.h>

#include "decode-internal.h"
#include "util-csum.h"
#include "util-cursor.h"

#define TCP_HLEN	20
#define UDP_HLEN	8
#define ICMP_HLEN	8

#define TCPOPT_EOL		0
#define TCPOPT_NOP		1
#define TCPOPT_MSS		2
#define TCPOPT_WINDOW		3
#define TCPOPT_SACK_PERM	4
#define TCPOPT_SACK		5
#define TCPOPT_TIMESTAMP	8

#define TCPOLEN_MSS		4
#define TCPOLEN_WINDOW		3
#define TCPOLEN_SACK_PERM	2
#define TCPOLEN_TIMESTAMP	10
#define TCPOLEN_SACK_BASE	2
#define TCPOLEN_SACK_PERBLOCK	8
#define TCPOLEN_TSTAMP_ALIGNED	12

/* Bits of the "seen" mask in parse_tcp_opts(), for duplicate detection. */
#define SEEN_MSS	0x01
#define SEEN_WINDOW	0x02
#define SEEN_SACK_PERM	0x04
#define SEEN_TS		0x08
#define SEEN_SACK	0x10

static inline uint32_t
be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t
be16_at(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static bool
seen_once(uint32_t *seen, uint32_t bit, struct pkt *pkt)
{
	if (*seen & bit) {
		pkt->notes |= PKT_NOTE_TCPOPT_DUP;
		return false;
	}
	*seen |= bit;
	return true;
}

/* The option area @p, @len bytes (what was captured of doff*4 - 20). */
static void
parse_tcp_opts(const uint8_t *p, uint32_t len, struct pkt *pkt)
{
	struct tcp_opts *o = &pkt->opts;
	uint32_t seen = 0;
	struct cursor c;

	/* tcp_sack()'s fast path: exactly NOP NOP TIMESTAMP. */
	if (len == TCPOLEN_TSTAMP_ALIGNED && p[0] == TCPOPT_NOP &&
	    p[1] == TCPOPT_NOP && p[2] == TCPOPT_TIMESTAMP &&
	    p[3] == TCPOLEN_TIMESTAMP)
		o->ts_only_fast_path = true;

	cur_init(&c, p, len);
	while (c.left > 0) {
		const uint8_t *body;
		uint8_t kind, size;

		cur_get_u8(&c, &kind);
		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP)
			continue;
		/* A kind byte needs its length byte; the length covers
		 * both and must fit in what is left. */
		if (cur_get_u8(&c, &size) < 0 || size < 2 ||
		    !((size_t)size - 2 <= c.left)) {
			pkt->notes |= PKT_NOTE_TCPOPT_BAD;
			break;
		}
		body = c.p;
		cur_skip(&c, (size_t)size - 2);

		switch (kind) {
		case TCPOPT_MSS:
			if (size != TCPOLEN_MSS) {
				pkt->notes |= PKT_NOTE_TCPOPT_BAD;
				break;
			}
			seen_once(&seen, SEEN_MSS, pkt);
			o->has_mss = true;
			o->mss = be16_at(body);
			break;
		case TCPOPT_WINDOW:
			if (size != TCPOLEN_WINDOW) {
				pkt->notes |= PKT_NOTE_TCPOPT_BAD;
				break;
			}
			/* The last one wins, as in tcp_options(). */
			seen_once(&seen, SEEN_WINDOW, pkt);
			o->has_wscale = true;
			o->wscale = body[0];
			break;
		case TCPOPT_SACK_PERM:
			if (size != TCPOLEN_SACK_PERM) {
				pkt->notes |= PKT_NOTE_TCPOPT_BAD;
				break;
			}
			seen_once(&seen, SEEN_SACK_PERM, pkt);
			o->sack_perm = true;
			break;
		case TCPOPT_TIMESTAMP:
			if (size != TCPOLEN_TIMESTAMP) {
				pkt->notes |= PKT_NOTE_TCPOPT_BAD;
				break;
			}
			seen_once(&seen, SEEN_TS, pkt);
			o->has_ts = true;
			o->ts_val = be32_at(body);
			o->ts_ecr = be32_at(body + 4);
			break;
		case TCPOPT_SACK:
			if (size < TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK ||
			    (size - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_PERBLOCK) {
				pkt->notes |= PKT_NOTE_TCPOPT_BAD;
				break;
			}
			/* tcp_sack() uses the first well-formed one only. */
			if (!seen_once(&seen, SEEN_SACK, pkt))
				break;
			for (uint32_t i = 0; i < (uint32_t)(size - 2) / 8 && i < 4; i++) {
				o->sack_left[i] = be32_at(body + 8 * i);
				o->sack_right[i] = be32_at(body + 8 * i + 4);
				o->n_sack++;
			}
			break;
		default:
			break;
		}
	}
}

/*
 * Verify the checksum over @covered bytes of L4 (pseudo header with
 * protocol @pseudo_proto and length l4_len, or none when 0).
 */
static void
l4_checksum(struct pkt *pkt, bool full, uint32_t covered, uint8_t pseudo_proto)
{
	uint64_t acc = 0;
	uint16_t sum;

	pkt->l4_csum = pkt->l4_csum_nf = CSUM_UNKNOWN;
	if (!full)
		return;		/* a first fragment: the rest is elsewhere */
	if (!(covered <= pkt->l4_caplen)) {
		pkt->notes |= PKT_NOTE_PAYLOAD_TRUNC;
		return;
	}
	if (pseudo_proto) {
		if (pkt->family == 4)
			acc = csum_pseudo4(pkt->src.b, pkt->dst.b, pseudo_proto,
					   pkt->l4_len);
		else
			acc = csum_pseudo6(pkt->src.b, pkt->dst.b, pseudo_proto,
					   pkt->l4_len);
	}
	acc = csum_add(acc, pkt->l4, covered);
	sum = csum_fold(acc);
	pkt->l4_csum = sum == 0xffff ? CSUM_OK : CSUM_BAD;
	/*
	 * nf_ip_checksum() with protocol 0 (ICMP) sums the skb from the IPv4
	 * header on: the valid header adds -0, which turns the +0 sum of an
	 * all-zero ICMP message into -0, so conntrack accepts checksum field 0
	 * there (kernel lab, 6.18.44: no "bad hw icmp checksum" for it).
	 */
	if (sum == 0 && !pseudo_proto)
		pkt->l4_csum_nf = CSUM_OK;
	else
		pkt->l4_csum_nf = pkt->l4_csum;
}

/*
 * UDP-Lite as nf_conntrack checks it (see decode.h l4_csum_nf): protocol 17
 * and, for IPv4, only the low byte of the length in the pseudo header.
 * Called after l4_checksum() with the same coverage.
 */
static void
udplite_checksum_nf(struct pkt *pkt, uint32_t covered)
{
	uint64_t acc;

	if (pkt->l4_csum == CSUM_UNKNOWN) {
		pkt->l4_csum_nf = CSUM_UNKNOWN;
		return;
	}
	if (pkt->family == 4) {
		acc = csum_add(0, pkt->src.b, 4);
		acc = csum_add(acc, pkt->dst.b, 4);
		acc = csum_add_be16(acc, (uint16_t)(DEC_IPPROTO_UDP + (pkt->l4_len & 0xff)));
	} else {
		acc = csum_pseudo6(pkt->src.b, pkt->dst.b, DEC_IPPROTO_UDP, pkt->l4_len);
	}
	acc = csum_add(acc, pkt->l4, covered);
	pkt->l4_csum_nf = csum_fold(acc) == 0xffff ? CSUM_OK : CSUM_BAD;
}

static void
decode_tcp(struct pkt *pkt, bool full)
{
	const uint8_t *h = pkt->l4;
	uint32_t hlen, optlen, optcap;

	if (pkt->l4_caplen < TCP_HLEN) {
		pkt->notes |= PKT_NOTE_L4_TRUNC;
		return;
	}
	pkt->has_l4 = true;
	pkt->sport = be16_at(h);
	pkt->dport = be16_at(h + 2);
	pkt->seq = be32_at(h + 4);
	pkt->ack = be32_at(h + 8);
	pkt->doff = h[12] >> 4;
	pkt->tcp_res = h[12] & 0x0f;
	pkt->tcp_flags = h[13];
	pkt->window = be16_at(h + 14);
	pkt->urg_ptr = be16_at(h + 18);

	hlen = (uint32_t)pkt->doff * 4;
	if (hlen < TCP_HLEN)
		hlen = TCP_HLEN;	/* malformed: tcp_error() rejects it */
	pkt->payload_len = pkt->l4_len > hlen ? pkt->l4_len - hlen : 0;
	if (pkt->doff > 5) {
		optlen = hlen - TCP_HLEN;
		optcap = pkt->l4_caplen - TCP_HLEN;
		/* Cut by the capture (not a doff beyond the segment, which
		 * tcp_error() rejects on its own): parse what is there. */
		if (optcap < optlen && hlen <= pkt->l4_len)
			pkt->notes |= PKT_NOTE_TCPOPT_TRUNC;
		if (optcap > optlen)
			optcap = optlen;
		parse_tcp_opts(h + TCP_HLEN, optcap, pkt);
	}
	l4_checksum(pkt, full, pkt->l4_len, DEC_IPPROTO_TCP);
}

static void
decode_udp(struct pkt *pkt, bool full, bool lite)
{
	const uint8_t *h = pkt->l4;
	uint32_t cov;

	if (pkt->l4_caplen < UDP_HLEN) {
		pkt->notes |= PKT_NOTE_L4_TRUNC;
		return;
	}
	pkt->has_l4 = true;
	pkt->sport = be16_at(h);
	pkt->dport = be16_at(h + 2);
	pkt->udp_len = be16_at(h + 4);
	pkt->udp_csum = be16_at(h + 6);
	pkt->payload_len = pkt->l4_len > UDP_HLEN ? pkt->l4_len - UDP_HLEN : 0;

	if (!lite) {
		/* udp_error(): 0 means "no checksum", for IPv6 as well. */
		if (pkt->udp_csum == 0) {
			pkt->l4_csum = pkt->l4_csum_nf = CSUM_ZERO;
			return;
		}
		l4_checksum(pkt, full, pkt->l4_len, DEC_IPPROTO_UDP);
		return;
	}
	/* udplite_error(): coverage 0 is the whole packet; outside
	 * [8, l4_len] the kernel stops before any checksum. */
	cov = pkt->udp_len ? pkt->udp_len : pkt->l4_len;
	if (cov < UDP_HLEN || cov > pkt->l4_len) {
		pkt->l4_csum = pkt->l4_csum_nf = CSUM_UNKNOWN;
		return;
	}
	if (pkt->udp_csum == 0) {
		pkt->l4_csum = pkt->l4_csum_nf = CSUM_ZERO;
		return;
	}
	l4_checksum(pkt, full, cov, DEC_IPPROTO_UDPLITE);
	udplite_checksum_nf(pkt, cov);
}

/*
 * The packet quoted by an ICMP (@v6 false) or ICMPv6 error: @p, @len bytes
 * captured after the 8-byte ICMP header.  Fills pkt->inner; notes
 * INNER_TRUNC when the IP header or the L4 bytes needed for the tuple
 * (4 bytes of ports, 8 bytes of an ICMP header) are cut.
 */
static void
parse_inner(struct pkt *pkt, const uint8_t *p, uint32_t len, bool v6)
{
	struct pkt_inner *in = &pkt->inner;
	uint32_t hlen, l4cap;
	const uint8_t *l4;
	uint8_t proto;

	if (!v6) {
		if (len < 20) {
			pkt->notes |= PKT_NOTE_INNER_TRUNC;
			return;
		}
		if (p[0] >> 4 != 4 || (p[0] & 0x0f) < 5)
			return;
		hlen = (uint32_t)(p[0] & 0x0f) * 4;
		in->present = true;
		in->family = 4;
		in->ip_len = be16_at(p + 2);
		in->ip_id = be16_at(p + 4);
		in->frag_off = (uint32_t)(be16_at(p + 6) & 0x1fff) * 8;
		in->is_fragment = in->frag_off != 0 || (p[6] & 0x20);
		in->ttl = p[8];
		in->proto = proto = p[9];
		in->l3_hdr_len = (uint16_t)hlen;
		memcpy(in->src.b, p + 12, 4);
		memcpy(in->dst.b, p + 16, 4);
		if (hlen > len) {
			pkt->notes |= PKT_NOTE_INNER_TRUNC;
			return;
		}
	} else {
		uint32_t off = 40;
		uint8_t nh;

		if (len < 40) {
			pkt->notes |= PKT_NOTE_INNER_TRUNC;
			return;
		}
		if (p[0] >> 4 != 6)
			return;
		in->present = true;
		in->family = 6;
		in->ip_len = 40 + (uint32_t)be16_at(p + 4);
		in->ttl = p[7];
		memcpy(in->src.b, p + 8, 16);
		memcpy(in->dst.b, p + 24, 16);
		nh = p[6];
		for (unsigned n = 0; n < 64; n++) {
			uint32_t el;

			if (nh == DEC_IPPROTO_FRAGMENT) {
				if (!(off + 8 <= len))
					goto trunc6;
				in->is_fragment = true;
				in->frag_off = be16_at(p + off + 2) & 0xfff8;
				nh = p[off];
				off += 8;
				if (in->frag_off)
					break;
				continue;
			}
			if (nh != DEC_IPPROTO_HOPOPTS && nh != DEC_IPPROTO_ROUTING &&
			    nh != DEC_IPPROTO_DSTOPTS && nh != DEC_IPPROTO_AH)
				break;
			if (!(off + 2 <= len))
				goto trunc6;
			el = nh == DEC_IPPROTO_AH ? ((uint32_t)p[off + 1] + 2) * 4
						  : ((uint32_t)p[off + 1] + 1) * 8;
			if (!(off + el <= len))
				goto trunc6;
			nh = p[off];
			off += el;
		}
		in->proto = proto = nh;
		in->l3_hdr_len = (uint16_t)off;
		hlen = off;
		goto l4;
trunc6:
		in->proto = nh;
		in->l3_hdr_len = (uint16_t)off;
		pkt->notes |= PKT_NOTE_INNER_TRUNC;
		return;
	}
l4:
	if (in->frag_off != 0)
		return;
	l4 = p + hlen;
	l4cap = len - hlen;
	switch (proto) {
	case DEC_IPPROTO_TCP:
	case DEC_IPPROTO_UDP:
	case DEC_IPPROTO_UDPLITE:
		if (l4cap < 4) {
			pkt->notes |= PKT_NOTE_INNER_TRUNC;
			return;
		}
		in->has_l4 = true;
		in->sport = be16_at(l4);
		in->dport = be16_at(l4 + 2);
		if (proto == DEC_IPPROTO_TCP && l4cap >= 8)
			in->tcp_seq = be32_at(l4 + 4);
		break;
	case DEC_IPPROTO_ICMP:
	case DEC_IPPROTO_ICMPV6:
		if (l4cap < 8) {
			pkt->notes |= PKT_NOTE_INNER_TRUNC;
			return;
		}
		in->has_l4 = true;
		in->icmp_type = l4[0];
		in->icmp_code = l4[1];
		in->icmp_id = be16_at(l4 + 4);
		in->sport = in->icmp_id;
		break;
	default:
		break;
	}
}

static bool
icmp4_has_id(uint8_t type)
{
	/* echo reply/request, timestamp, info, address mask (RFC 792, 950) */
	return type == 0 || type == 8 || (type >= 13 && type <= 18);
}

static bool
icmp4_is_error(uint8_t type)
{
	/* dest-unreach, source-quench, redirect, time-exceeded, param-problem:
	 * the types nf_conntrack_icmpv4_error() looks inside */
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

static void
decode_icmp(struct pkt *pkt, bool full, bool v6)
{
	const uint8_t *h = pkt->l4;
	uint8_t type;

	if (pkt->l4_caplen < ICMP_HLEN) {
		pkt->notes |= PKT_NOTE_L4_TRUNC;
		return;
	}
	pkt->has_l4 = true;
	type = pkt->icmp_type = h[0];
	pkt->icmp_code = h[1];
	pkt->icmp_rest = be32_at(h + 4);
	pkt->payload_len = pkt->l4_len > ICMP_HLEN ? pkt->l4_len - ICMP_HLEN : 0;
	if (!v6) {
		if (icmp4_has_id(type)) {
			pkt->icmp_id = be16_at(h + 4);
			pkt->icmp_seq = be16_at(h + 6);
		}
		if (type == 3 && pkt->icmp_code == 4)	/* frag needed */
			pkt->icmp_mtu = pkt->icmp_rest & 0xffff;
		if (icmp4_is_error(type))
			parse_inner(pkt, h + ICMP_HLEN, pkt->l4_caplen - ICMP_HLEN, false);
		l4_checksum(pkt, full, pkt->l4_len, 0);
	} else {
		if (type == 128 || type == 129) {	/* echo request/reply */
			pkt->icmp_id = be16_at(h + 4);
			pkt->icmp_seq = be16_at(h + 6);
		}
		if (type == 2)				/* packet too big */
			pkt->icmp_mtu = pkt->icmp_rest;
		if (type < 128)				/* error messages */
			parse_inner(pkt, h + ICMP_HLEN, pkt->l4_caplen - ICMP_HLEN, true);
		l4_checksum(pkt, full, pkt->l4_len, DEC_IPPROTO_ICMPV6);
	}
}

void
decode_l4(struct pkt *pkt, bool full_datagram)
{
	switch (pkt->proto) {
	case DEC_IPPROTO_TCP:
		decode_tcp(pkt, full_datagram);
		break;
	case DEC_IPPROTO_UDP:
		decode_udp(pkt, full_datagram, false);
		break;
	case DEC_IPPROTO_UDPLITE:
		decode_udp(pkt, full_datagram, true);
		break;
	case DEC_IPPROTO_ICMP:
		if (pkt->family == 4)
			decode_icmp(pkt, full_datagram, false);
		break;
	case DEC_IPPROTO_ICMPV6:
		if (pkt->family == 6)
			decode_icmp(pkt, full_datagram, true);
		break;
	default:
		break;
	}
}
