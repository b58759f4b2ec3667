/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ct-udp.c - UDP and UDP-Lite trackers, mirroring Linux 6.18
 * net/netfilter/nf_conntrack_proto_udp.c (udp_error, udplite_error,
 * nf_conntrack_udp_packet, nf_conntrack_udplite_packet).
 *
 * The error checks run inside the packet handler, after the tuple was built
 * (since 4.20): fewer than 4 bytes of UDP header cannot give a tuple and are
 * INVALID without a log line; 4..7 bytes log "short packet".  Nothing but the
 * three (four for UDP-Lite) error checks can make a UDP packet INVALID; the
 * rest is timeouts and ASSURED.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ct-proto.h"
#include "util-time.h"

#define UDP_HDR_LEN 8u
#define IPPROTO_UDP_NUM 17
#define IPPROTO_UDPLITE_NUM 136

static int
udp_fail(struct ct_result *res, enum reason r)
{
	ct_result_msg(res, r, CT_INVALID, NULL);
	res->verdict = CT_INVALID;
	return CT_INVALID;
}

static int
udp_silent(struct ct_result *res, const char *why)
{
	res->silent = why;
	res->verdict = CT_INVALID;
	return CT_INVALID;
}

/* udp_error(): true (and res filled) when the packet is INVALID. */
static bool
udp_error(struct ct_engine *e, const struct pkt *pkt, struct ct_result *res)
{
	if (pkt->l4_len < 4) {
		udp_silent(res, "UDP header shorter than the 4 port bytes: no tuple");
		return true;
	}
	/* skb_header_pointer(8 bytes) fails */
	if (pkt->l4_len < UDP_HDR_LEN) {
		udp_fail(res, REASON_UDP_SHORT);
		return true;
	}
	if (!pkt->has_l4)
		return false;	/* header not captured: nothing we can check */
	/* length field beyond the IP payload, or below the header size */
	if (pkt->udp_len > pkt->l4_len || pkt->udp_len < UDP_HDR_LEN) {
		udp_fail(res, REASON_UDP_TRUNCATED);
		if (res->check[0] == '\0')
			snprintf(res->check, sizeof(res->check),
				 "UDP length %u %s (IP payload %u bytes)", pkt->udp_len,
				 pkt->udp_len < UDP_HDR_LEN ? "< 8" : "> L4 length",
				 pkt->l4_len);
		return true;
	}
	/* checksum field 0: "no checksum", never verified (IPv4 and IPv6) */
	if (pkt->udp_csum == 0)
		return false;
	/* verified at PRE_ROUTING only, with nf_conntrack_checksum=1 */
	if (ct_checksum_applies(e, pkt) && pkt->l4_csum_nf == CSUM_BAD) {
		udp_fail(res, REASON_UDP_BAD_CHECKSUM);
		return true;
	}
	return false;
}

/* udplite_error(): true (and res filled) when the packet is INVALID. */
static bool
udplite_error(struct ct_engine *e, const struct pkt *pkt, struct ct_result *res)
{
	uint32_t cov;

	if (pkt->l4_len < 4) {
		udp_silent(res, "UDP-Lite header shorter than the 4 port bytes: no tuple");
		return true;
	}
	if (pkt->l4_len < UDP_HDR_LEN) {
		udp_fail(res, REASON_UDPLITE_SHORT);
		return true;
	}
	if (!pkt->has_l4)
		return false;
	/* the length field is the checksum coverage; 0 = whole datagram */
	cov = pkt->udp_len;
	if (cov != 0 && (cov < UDP_HDR_LEN || cov > pkt->l4_len)) {
		udp_fail(res, REASON_UDPLITE_BAD_COVERAGE);
		snprintf(res->check, sizeof(res->check),
			 "checksum coverage %u %s (IP payload %u bytes)", cov,
			 cov < UDP_HDR_LEN ? "< 8" : "> L4 length", pkt->l4_len);
		return true;
	}
	/* UDP-Lite mandates checksums */
	if (pkt->udp_csum == 0) {
		udp_fail(res, REASON_UDPLITE_CHECKSUM_MISSING);
		return true;
	}
	/*
	 * The kernel's udplite_error() passes IPPROTO_UDP (17) to
	 * nf_checksum_partial(), and for IPv4 the length and protocol arguments
	 * of csum_tcpudp_nofold() are swapped there: the decoder computes that
	 * pseudo header into l4_csum_nf.  l4_csum is the RFC 3828 checksum.
	 */
	if (ct_checksum_applies(e, pkt) && pkt->l4_csum_nf == CSUM_BAD) {
		udp_fail(res, REASON_UDPLITE_BAD_CHECKSUM);
		if (pkt->l4_csum == CSUM_OK)
			snprintf(res->check, sizeof(res->check),
				 "the RFC 3828 checksum (protocol 136) is right, but "
				 "conntrack verifies UDP-Lite with protocol 17 in the "
				 "pseudo header%s", pkt->family == 4 ?
				 " and only the low byte of the length" : "");
		return true;
	}
	return false;
}

/* nf_conntrack_udp_packet() / nf_conntrack_udplite_packet() */
static int
udp_packet_common(struct ct_engine *e, struct ct_conn *c, const struct pkt *pkt,
		  struct ct_result *res, bool lite)
{
	const struct ct_policy *pol = ct_engine_policy(e);
	int64_t now = ns_from_ts(pkt->ts_sec, pkt->ts_nsec);
	int64_t timeout;

	if (lite ? udplite_error(e, pkt, res) : udp_error(e, pkt, res))
		return CT_INVALID;

	if (c->seen_reply) {
		/*
		 * Traffic seen both ways: a stream.  UDP keeps the short timeout
		 * until the entry is older than 2 s (stream_ts = creation + 2 s,
		 * time_after: strictly later); UDP-Lite goes straight to the
		 * stream timeout.  Both set ASSURED.
		 */
		timeout = pol->v[CT_KNOB_UDP_TIMEOUT];
		if (lite || now > ns_add(c->start_ns, ct_secs(2)))
			timeout = pol->v[CT_KNOB_UDP_TIMEOUT_STREAM];
		c->assured = true;
	} else {
		timeout = pol->v[CT_KNOB_UDP_TIMEOUT];
	}
	c->expires_ns = ns_add(now, ct_secs(timeout));
	res->verdict = CT_ACCEPT;
	return CT_ACCEPT;
}

static int
udp_packet(struct ct_engine *e, struct ct_conn *c, const struct pkt *pkt, int dir,
	   struct ct_result *res)
{
	(void)dir;
	return udp_packet_common(e, c, pkt, res, false);
}

static int
udplite_packet(struct ct_engine *e, struct ct_conn *c, const struct pkt *pkt, int dir,
	       struct ct_result *res)
{
	(void)dir;
	return udp_packet_common(e, c, pkt, res, true);
}

const struct ct_proto_ops ct_proto_udp = {
	.l4proto = IPPROTO_UDP_NUM,
	.error = NULL,
	.packet = udp_packet,
};

const struct ct_proto_ops ct_proto_udplite = {
	.l4proto = IPPROTO_UDPLITE_NUM,
	.error = NULL,
	.packet = udplite_packet,
};
