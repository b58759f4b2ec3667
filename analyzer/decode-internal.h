/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * decode-internal.h - entry points shared by decode-link.c, decode-ip.c and
 * decode-l4.c (and their unit tests).  Not for other modules: use decode.h.
 */
#ifndef CTEXPLAIN_DECODE_INTERNAL_H
#define CTEXPLAIN_DECODE_INTERNAL_H

#include <stdint.h>

#include "decode.h"

/* IP protocol numbers used by the decoder (kept here so the decoder does
 * not depend on the host's netinet headers having all of them). */
#define DEC_IPPROTO_HOPOPTS	0
#define DEC_IPPROTO_ICMP	1
#define DEC_IPPROTO_TCP		6
#define DEC_IPPROTO_UDP		17
#define DEC_IPPROTO_ROUTING	43
#define DEC_IPPROTO_FRAGMENT	44
#define DEC_IPPROTO_ESP		50
#define DEC_IPPROTO_AH		51
#define DEC_IPPROTO_ICMPV6	58
#define DEC_IPPROTO_NONE	59
#define DEC_IPPROTO_DSTOPTS	60
#define DEC_IPPROTO_UDPLITE	136

/*
 * Decode the IP packet at @l3: @caplen bytes are readable, @wirelen is how
 * many bytes the frame had on the wire from @l3 on (>= caplen; used for the
 * ip_rcv "tot_len beyond the frame" check).  @version is 4 or 6 when the
 * link layer says which (a mismatch with the header is IP_BAD), 0 to take
 * the version nibble.  L3/L4 members of @pkt must be zero on entry.
 */
void decode_ip_wire(const uint8_t *l3, uint32_t caplen, uint32_t wirelen,
		    int version, struct pkt *pkt);

/*
 * Decode the L4 header at pkt->l4 (pkt->l4_caplen readable bytes, at most
 * pkt->l4_len), protocol pkt->proto; the L3 fields (family, src, dst,
 * l4_len) are set.  @full_datagram is false for a first fragment: the
 * checksum is then CSUM_UNKNOWN.
 */
void decode_l4(struct pkt *pkt, bool full_datagram);

#endif
