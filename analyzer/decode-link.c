/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * decode-link.c - link layers of a captured frame, and decode_frame().
 *
 * Supported: Ethernet (DLT_EN10MB) with any stack of 802.1Q (0x8100),
 * 802.1ad (0x88a8) and old QinQ (0x9100) tags; Linux cooked captures v1
 * (DLT_LINUX_SLL, 16-byte header) and v2 (DLT_LINUX_SLL2, 20 bytes); raw IP
 * (DLT_RAW, LINKTYPE_RAW 101, DLT_IPV4, DLT_IPV6); BSD loopback (DLT_NULL:
 * address family in the capturing host's byte order, DLT_LOOP: network
 * order).  Everything else is "not IP" with PKT_NOTE_LINK_UNKNOWN.
 *
 * MAC= as nf_log prints it: the kernel untags VLAN frames before the
 * packet reaches conntrack on the VLAN device (skb_vlan_untag() moves the
 * addresses over the tag), so the 14 bytes it shows are dst, src and the
 * innermost ethertype.  We build mac_hdr the same way.  (A VLAN device
 * on a NIC without VLAN TX offload has hard_header_len 18, and nf_log then
 * prints 18 bytes: those 14 plus the first 4 of the IP header.)
 *
 * References: https://www.tcpdump.org/linktypes.html (LINKTYPE_LINUX_SLL,
 * LINKTYPE_LINUX_SLL2, LINKTYPE_NULL, LINKTYPE_LOOP).
 */
#include <pcap/dlt.h>
#include <string.h>

#include "decode-internal.h"
#include "util-cursor.h"

#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86dd
#define ETH_P_8021Q	0x8100
#define ETH_P_8021AD	0x88a8
#define ETH_P_QINQ1	0x9100

/* Tags beyond this many are not plausible; stop and call it not IP. */
#define VLAN_MAX_TAGS	8

#define SLL_HDR_LEN	16
#define SLL2_HDR_LEN	20

/* Linux packet types (if_packet.h PACKET_*). */
#define SLL_HOST	0
#define SLL_BROADCAST	1
#define SLL_MULTICAST	2
#define SLL_OTHERHOST	3
#define SLL_OUTGOING	4

/* BSD AF_INET6 values seen in DLT_NULL/DLT_LOOP headers. */
#define BSD_AF_INET		2
#define BSD_AF_INET6_BSD	24	/* NetBSD, OpenBSD, BSD/OS */
#define BSD_AF_INET6_FREEBSD	28
#define BSD_AF_INET6_DARWIN	30

static enum pkt_dir
sll_pkttype_dir(unsigned t)
{
	switch (t) {
	case SLL_HOST:
	case SLL_BROADCAST:
	case SLL_MULTICAST:
	case SLL_OTHERHOST:
		return PKT_DIR_IN;
	case SLL_OUTGOING:
		return PKT_DIR_OUT;
	default:		/* loopback, user, kernel */
		return PKT_DIR_UNKNOWN;
	}
}

enum pkt_dir
decode_link_dir(int linktype, const uint8_t *data, uint32_t caplen)
{
	if (linktype == DLT_LINUX_SLL && 2 <= caplen)
		return sll_pkttype_dir((unsigned)data[0] << 8 | data[1]);
	if (linktype == DLT_LINUX_SLL2 && 11 <= caplen)
		return sll_pkttype_dir(data[10]);
	return PKT_DIR_UNKNOWN;
}

/*
 * At @c: the payload of a frame whose (outer) ethertype is @etype.  Skip
 * VLAN tags, then hand IPv4/IPv6 to the IP decoder.  @wire_left is the
 * number of on-the-wire bytes from the cursor position.
 */
static void
decode_ethertype(struct cursor *c, uint16_t etype, uint32_t wire_left,
		 struct pkt *pkt)
{
	unsigned tags = 0;

	while (etype == ETH_P_8021Q || etype == ETH_P_8021AD ||
	       etype == ETH_P_QINQ1) {
		uint16_t tci;

		if (tags == VLAN_MAX_TAGS) {
			pkt->notes |= PKT_NOTE_NOT_IP;
			return;
		}
		if (cur_get_be16(c, &tci) < 0 || cur_get_be16(c, &etype) < 0) {
			pkt->notes |= PKT_NOTE_LINK_TRUNC | PKT_NOTE_NOT_IP;
			return;
		}
		if (pkt->n_vlans < 2)
			pkt->vlan_ids[pkt->n_vlans++] = tci & 0x0fff;
		tags++;
		wire_left = wire_left >= 4 ? wire_left - 4 : 0;
	}
	if (pkt->has_mac) {
		pkt->mac_hdr[12] = (uint8_t)(etype >> 8);
		pkt->mac_hdr[13] = (uint8_t)etype;
	}
	if (etype == ETH_P_IP)
		decode_ip_wire(c->p, (uint32_t)c->left, wire_left, 4, pkt);
	else if (etype == ETH_P_IPV6)
		decode_ip_wire(c->p, (uint32_t)c->left, wire_left, 6, pkt);
	else
		pkt->notes |= PKT_NOTE_NOT_IP;
}

static void
decode_eth(struct cursor *c, uint32_t wirelen, struct pkt *pkt)
{
	uint16_t etype;

	if (!cur_has(c, 14)) {
		pkt->notes |= PKT_NOTE_LINK_TRUNC | PKT_NOTE_NOT_IP;
		return;
	}
	memcpy(pkt->mac_hdr, c->p, 14);
	pkt->has_mac = true;
	cur_skip(c, 12);
	cur_get_be16(c, &etype);
	if (etype < 0x0600) {	/* 802.3 length: LLC, not IP for conntrack */
		pkt->notes |= PKT_NOTE_NOT_IP;
		return;
	}
	decode_ethertype(c, etype, wirelen - 14, pkt);
}

static void
decode_sll(struct cursor *c, uint32_t wirelen, bool v2, struct pkt *pkt)
{
	size_t hlen = v2 ? SLL2_HDR_LEN : SLL_HDR_LEN;
	struct cursor h;
	uint16_t proto;

	if (cur_sub(c, hlen, &h) < 0) {
		pkt->notes |= PKT_NOTE_LINK_TRUNC | PKT_NOTE_NOT_IP;
		return;
	}
	if (v2) {
		cur_get_be16(&h, &proto);
		if (pkt->dir == PKT_DIR_UNKNOWN)
			pkt->dir = sll_pkttype_dir(h.p[8]);
	} else {
		if (pkt->dir == PKT_DIR_UNKNOWN)
			pkt->dir = sll_pkttype_dir((unsigned)h.p[0] << 8 | h.p[1]);
		cur_skip(&h, 14);
		cur_get_be16(&h, &proto);
	}
	/* Protocol values below 0x0600 are Linux ETH_P_802_2 & co, not IP. */
	if (proto < 0x0600) {
		pkt->notes |= PKT_NOTE_NOT_IP;
		return;
	}
	decode_ethertype(c, proto, (uint32_t)(wirelen - hlen), pkt);
}

static void
decode_null(struct cursor *c, uint32_t wirelen, struct pkt *pkt)
{
	uint32_t be, le;
	struct cursor h;

	if (cur_sub(c, 4, &h) < 0) {
		pkt->notes |= PKT_NOTE_LINK_TRUNC | PKT_NOTE_NOT_IP;
		return;
	}
	/* DLT_NULL is in the writer's byte order, DLT_LOOP in network order;
	 * a value read the other way round is >= 2^24, so accept both. */
	be = (uint32_t)h.p[0] << 24 | (uint32_t)h.p[1] << 16 |
	     (uint32_t)h.p[2] << 8 | h.p[3];
	le = (uint32_t)h.p[3] << 24 | (uint32_t)h.p[2] << 16 |
	     (uint32_t)h.p[1] << 8 | h.p[0];
	if (be == BSD_AF_INET || le == BSD_AF_INET)
		decode_ip_wire(c->p, (uint32_t)c->left, wirelen - 4, 4, pkt);
	else if (be == BSD_AF_INET6_BSD || le == BSD_AF_INET6_BSD ||
		 be == BSD_AF_INET6_FREEBSD || le == BSD_AF_INET6_FREEBSD ||
		 be == BSD_AF_INET6_DARWIN || le == BSD_AF_INET6_DARWIN)
		decode_ip_wire(c->p, (uint32_t)c->left, wirelen - 4, 6, pkt);
	else
		pkt->notes |= PKT_NOTE_NOT_IP;
}

int
decode_frame(int linktype, const uint8_t *data, uint32_t caplen, struct pkt *pkt)
{
	size_t keep = offsetof(struct pkt, notes);
	uint32_t wirelen;
	struct cursor c;

	memset((char *)pkt + keep, 0, sizeof(*pkt) - keep);
	if (!data)
		caplen = 0;
	/* Callers that did not fill the record (tests, replays) get
	 * caplen == wirelen; a record claiming less than it holds is
	 * treated as fully captured. */
	wirelen = pkt->wirelen;
	if (wirelen < caplen)
		wirelen = caplen;
	if (caplen < wirelen)
		pkt->notes |= PKT_NOTE_CAPLEN_SHORT;
	cur_init(&c, data, caplen);

	switch (linktype) {
	case DLT_EN10MB:
		decode_eth(&c, wirelen, pkt);
		break;
	case DLT_LINUX_SLL:
		decode_sll(&c, wirelen, false, pkt);
		break;
	case DLT_LINUX_SLL2:
		decode_sll(&c, wirelen, true, pkt);
		break;
	case DLT_RAW:
#if DLT_RAW != 101
	case 101:		/* LINKTYPE_RAW, in case it was not mapped */
#endif
#if DLT_RAW != 14 && DLT_LOOP != 14
	case 14:		/* DLT_RAW on some BSDs */
#endif
		decode_ip_wire(c.p, (uint32_t)c.left, wirelen, 0, pkt);
		break;
	case DLT_IPV4:
		decode_ip_wire(c.p, (uint32_t)c.left, wirelen, 4, pkt);
		break;
	case DLT_IPV6:
		decode_ip_wire(c.p, (uint32_t)c.left, wirelen, 6, pkt);
		break;
	case DLT_NULL:
	case DLT_LOOP:
		decode_null(&c, wirelen, pkt);
		break;
	default:
		pkt->notes |= PKT_NOTE_NOT_IP | PKT_NOTE_LINK_UNKNOWN;
		break;
	}
	return 0;
}
