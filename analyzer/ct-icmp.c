/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ct-icmp.c - ICMP and ICMPv6 trackers, mirroring Linux 6.18
 * net/netfilter/nf_conntrack_proto_icmp.c (nf_conntrack_icmpv4_error,
 * nf_conntrack_inet_error, nf_conntrack_icmp_packet, invmap) and
 * nf_conntrack_proto_icmpv6.c (nf_conntrack_icmpv6_error,
 * nf_conntrack_icmpv6_redirect, nf_conntrack_icmpv6_packet).
 *
 * error() runs before the lookup: header/checksum/type checks, and for ICMP
 * errors the lookup of the connection the embedded header talks about
 * (RELATED, or INVALID).  packet() runs on the entry of a query/reply.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ct-proto.h"
#include "util-time.h"

#define IPPROTO_ICMP_NUM 1
#define IPPROTO_TCP_NUM 6
#define IPPROTO_UDP_NUM 17
#define IPPROTO_ICMPV6_NUM 58
#define IPPROTO_SCTP_NUM 132
#define IPPROTO_UDPLITE_NUM 136

#define ICMP_HDR_LEN 8u
#define NR_ICMP_TYPES 18
#define NDISC_REDIRECT 137
#define ND_OPT_REDIRECT_HDR 4
#define RD_MSG_LEN 40u		/* icmp6hdr + target + destination */

/* Request <-> reply types (invmap in both kernel files); -1: no reply form. */
static int
icmp_reply_type(uint8_t family, uint8_t type)
{
	if (family == 4) {
		switch (type) {
		case 8: return 0;	/* echo <-> echo reply */
		case 0: return 8;
		case 13: return 14;	/* timestamp */
		case 14: return 13;
		case 15: return 16;	/* info request */
		case 16: return 15;
		case 17: return 18;	/* address mask */
		case 18: return 17;
		}
		return -1;
	}
	switch (type) {
	case 128: return 129;		/* echo request <-> reply */
	case 129: return 128;
	case 139: return 140;		/* node information query <-> reply */
	case 140: return 139;
	}
	return -1;
}

bool
ct_icmp_invert(const struct ct_tuple *t, struct ct_tuple *out)
{
	/* the ICMP tracker (proto 1) is used whatever the family; its invmap is
	 * the IPv4 one, and the ICMPv6 tracker's is the IPv6 one */
	uint8_t fam = t->proto == IPPROTO_ICMPV6_NUM ? 6 : 4;
	int rt = icmp_reply_type(fam, (uint8_t)(t->dport >> 8));

	if (rt < 0)
		return false;
	memset(out, 0, sizeof(*out));
	out->family = t->family;
	out->proto = t->proto;
	out->src = t->dst;
	out->dst = t->src;
	out->sport = t->sport;
	out->dport = (uint16_t)((unsigned)rt << 8 | (t->dport & 0xff));
	return true;
}

static int
icmp_fail(struct ct_result *res, enum reason r, const struct reason_args *args)
{
	ct_result_msg(res, r, CT_INVALID, args);
	res->verdict = CT_INVALID;
	return 1;
}

static int
icmp_silent(struct ct_result *res, const char *why)
{
	res->silent = why;
	res->verdict = CT_INVALID;
	return 1;
}

/* Is @proto a protocol whose tuple carries 16-bit ports (6.18 trackers)? */
static bool
has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP_NUM || proto == IPPROTO_UDP_NUM ||
	       proto == IPPROTO_UDPLITE_NUM || proto == IPPROTO_SCTP_NUM;
}

/*
 * The tuple of the embedded packet (nf_ct_get_tuplepr on the inner header,
 * parsed as the outer family), then inverted (nf_ct_invert_tuple).  false
 * when the kernel could not build or invert it.
 */
static bool
inner_tuple_inverted(const struct pkt *pkt, const struct pkt_inner *in, struct ct_tuple *inv)
{
	struct ct_tuple t;

	if (!in->present || in->family != pkt->family)
		return false;
	/* get_l4proto() on the inner header: a non-first fragment fails */
	if (in->is_fragment && in->frag_off != 0)
		return false;
	/* the ports (4 bytes) or the ICMP header (8 bytes) must be there */
	if ((has_ports(in->proto) || in->proto == IPPROTO_ICMP_NUM ||
	     in->proto == IPPROTO_ICMPV6_NUM) && !in->has_l4)
		return false;
	memset(&t, 0, sizeof(t));
	t.family = in->family;
	t.proto = in->proto;
	t.src = in->src;
	t.dst = in->dst;
	if (has_ports(in->proto)) {
		t.sport = in->sport;
		t.dport = in->dport;
	} else if (in->proto == IPPROTO_ICMP_NUM || in->proto == IPPROTO_ICMPV6_NUM) {
		t.sport = in->sport;
		t.dport = (uint16_t)(in->icmp_type << 8 | in->icmp_code);
		return ct_icmp_invert(&t, inv);
	}
	/* other protocols: generic tracker, no ports */
	memset(inv, 0, sizeof(*inv));
	inv->family = t.family;
	inv->proto = t.proto;
	inv->src = t.dst;
	inv->dst = t.src;
	inv->sport = t.dport;
	inv->dport = t.sport;
	return true;
}

/*
 * nf_conntrack_inet_error(): an ICMP/ICMPv6 error (or redirect) about the
 * embedded packet @in.  RELATED to the entry it talks about, when the outer
 * destination is that entry's destination for the matched direction.
 */
static int
inet_error(struct ct_engine *e, const struct pkt *pkt, const struct pkt_inner *in,
	   enum reason mismatch, struct ct_result *res)
{
	struct ct_tuple inv;
	struct ct_conn *c;
	size_t alen = pkt->family == 6 ? 16 : 4;
	int dir = 0;

	if (!inner_tuple_inverted(pkt, in, &inv)) {
		if (pkt->l4_caplen < pkt->l4_len) {
			/* cut by the snaplen, not on the wire: the kernel saw the
			 * whole quote, we cannot tell which entry it names */
			res->verdict = CT_ACCEPT;
			return 1;
		}
		if (pkt->notes & PKT_NOTE_INNER_TRUNC)
			return icmp_silent(res, "ICMP error whose embedded header is too "
					   "short for a tuple");
		return icmp_silent(res, "ICMP error whose embedded header gives no "
				   "invertible tuple");
	}
	c = ct_engine_lookup(e, &inv, &dir);
	if (!c)
		return icmp_silent(res, "ICMP error about a connection not in the table");
	res->tracked = true;
	res->flow_id = c->id;
	res->dir = dir;
	if (memcmp(pkt->dst.b, c->tuple[dir].dst.b, alen) != 0) {
		struct reason_args a;

		memset(&a, 0, sizeof(a));
		a.has = REASON_ARG_OUTER | REASON_ARG_INNER;
		decode_addr_nflog(pkt->family, &pkt->dst, a.outer);
		decode_addr_nflog(pkt->family, &c->tuple[dir].dst, a.inner);
		snprintf(res->check, sizeof(res->check),
			 "outer destination %s is not the destination %s of the "
			 "connection's %s direction", a.outer, a.inner,
			 dir ? "reply" : "original");
		return icmp_fail(res, mismatch, &a);
	}
	/* RELATED (IP_CT_RELATED, + IS_REPLY for the reply direction) */
	res->verdict = CT_ACCEPT;
	return 1;
}

/* nf_conntrack_icmpv4_error() */
static int
icmp_error(struct ct_engine *e, const struct pkt *pkt, struct ct_result *res)
{
	uint8_t type;

	if (pkt->family != 4)
		return 0;	/* only IPv4 ICMP goes through the error handler */
	if (pkt->l4_len < ICMP_HDR_LEN)
		return icmp_fail(res, REASON_ICMP_SHORT, NULL);
	if (!pkt->has_l4) {
		/* the header is on the wire but not in the capture */
		res->verdict = CT_ACCEPT;
		return 1;
	}
	if (ct_checksum_applies(e, pkt) && pkt->l4_csum_nf == CSUM_BAD)
		return icmp_fail(res, REASON_ICMP_BAD_CHECKSUM, NULL);
	type = pkt->icmp_type;
	/* RFC 1122 3.2.2: unknown types are discarded */
	if (type > NR_ICMP_TYPES)
		return icmp_fail(res, REASON_ICMP_INVALID_TYPE, NULL);
	/* icmp_is_err(): dest unreachable, source quench, redirect, time
	 * exceeded, parameter problem */
	if (type != 3 && type != 4 && type != 5 && type != 11 && type != 12)
		return 0;
	return inet_error(e, pkt, &pkt->inner, REASON_ICMP_OUTER_DADDR, res);
}

/* Bytes of the ICMP message at @off, when captured. */
static const uint8_t *
l4_bytes(const struct pkt *pkt, uint32_t off, uint32_t n)
{
	if (!pkt->l4 || off > pkt->l4_caplen || n > pkt->l4_caplen - off)
		return NULL;
	return pkt->l4 + off;
}

/*
 * Parse the IPv6 packet quoted in a redirect's Redirected Header option
 * (the decoder fills pkt->inner for errors only).  Extension headers are
 * walked like ipv6_skip_exthdr(); a non-first fragment gives no tuple.
 */
static bool
parse_inner6(const uint8_t *b, uint32_t len, struct pkt_inner *in)
{
	uint32_t off = 40;
	uint8_t nh;

	memset(in, 0, sizeof(*in));
	if (len < 40 || (b[0] >> 4) != 6)
		return false;
	memcpy(in->src.b, b + 8, 16);
	memcpy(in->dst.b, b + 24, 16);
	nh = b[6];
	for (int n = 0; n < 16; n++) {
		if (nh == 0 || nh == 43 || nh == 60) {
			if (len - off < 2)
				return false;
			uint8_t next = b[off];
			uint32_t hl = ((uint32_t)b[off + 1] + 1) * 8;

			if (hl > len - off)
				return false;
			nh = next;
			off += hl;
		} else if (nh == 44) {
			if (len - off < 8)
				return false;
			if (((uint32_t)b[off + 2] << 8 | b[off + 3]) & 0xfff8)
				return false;	/* non-first fragment */
			nh = b[off];
			off += 8;
		} else {
			break;
		}
	}
	in->family = 6;
	in->proto = nh;
	if (has_ports(nh)) {
		if (len - off < 4)
			return false;
		in->sport = (uint16_t)(b[off] << 8 | b[off + 1]);
		in->dport = (uint16_t)(b[off + 2] << 8 | b[off + 3]);
		in->has_l4 = true;
	} else if (nh == IPPROTO_ICMPV6_NUM) {
		if (len - off < 8)
			return false;
		in->icmp_type = b[off];
		in->icmp_code = b[off + 1];
		in->sport = (uint16_t)(b[off + 4] << 8 | b[off + 5]);
		in->icmp_id = in->sport;
		in->has_l4 = true;
	}
	in->present = true;
	return true;
}

/* nf_conntrack_icmpv6_redirect() (6.2+) */
static int
icmpv6_redirect(struct ct_engine *e, const struct pkt *pkt, struct ct_result *res)
{
	static const uint8_t ll_prefix[2] = { 0xfe, 0x80 };
	const uint8_t *opt;
	struct pkt_inner in;
	uint32_t qlen;

	if (pkt->l4_len < RD_MSG_LEN)
		return icmp_fail(res, REASON_ICMPV6_SHORT_REDIRECT, NULL);
	if (pkt->icmp_code != 0)
		return 0;
	/* hop limit 255 and a link-local (fe80::/10) source */
	if (pkt->ttl != 255 || pkt->src.b[0] != ll_prefix[0] ||
	    (pkt->src.b[1] & 0xc0) != ll_prefix[1])
		return icmp_fail(res, REASON_ICMPV6_REDIRECT_SADDR, NULL);
	if (pkt->l4_len < RD_MSG_LEN + 2)
		return icmp_fail(res, REASON_ICMPV6_REDIRECT_NO_OPTS, NULL);
	opt = l4_bytes(pkt, RD_MSG_LEN, 2);
	if (!opt) {
		res->verdict = CT_ACCEPT;	/* options not captured: unknown */
		return 1;
	}
	if (opt[1] == 0)
		return icmp_fail(res, REASON_ICMPV6_REDIRECT_NO_OPTS, NULL);
	/* only the first option is looked at */
	if (opt[0] != ND_OPT_REDIRECT_HDR)
		return 0;
	/* the quoted packet follows the 8-byte option header */
	qlen = pkt->l4_caplen > RD_MSG_LEN + 8 ? pkt->l4_caplen - (RD_MSG_LEN + 8) : 0;
	if (pkt->inner.present)
		in = pkt->inner;
	else if (!parse_inner6(pkt->l4 + RD_MSG_LEN + 8, qlen, &in))
		memset(&in, 0, sizeof(in));
	return inet_error(e, pkt, &in, REASON_ICMPV6_OUTER_DADDR, res);
}

/* nf_conntrack_icmpv6_error() */
static int
icmpv6_error(struct ct_engine *e, const struct pkt *pkt, struct ct_result *res)
{
	uint8_t type;

	if (pkt->family != 6)
		return 0;
	if (pkt->l4_len < ICMP_HDR_LEN)
		return icmp_fail(res, REASON_ICMPV6_SHORT, NULL);
	if (!pkt->has_l4) {
		res->verdict = CT_ACCEPT;
		return 1;
	}
	if (ct_checksum_applies(e, pkt) && pkt->l4_csum_nf == CSUM_BAD)
		return icmp_fail(res, REASON_ICMPV6_BAD_CHECKSUM, NULL);
	type = pkt->icmp_type;
	/* noct_valid_new: MLD query/report/done, RS, RA, NS, NA, MLDv2 report,
	 * multicast router advertisement/solicitation: UNTRACKED */
	if ((type >= 130 && type <= 136) || type == 143 || type == 151 || type == 152) {
		res->verdict = CT_ACCEPT;
		res->tracked = false;
		return 1;
	}
	if (type == NDISC_REDIRECT)
		return icmpv6_redirect(e, pkt, res);
	/* informational messages go on to the normal lookup */
	if (type >= 128)
		return 0;
	return inet_error(e, pkt, &pkt->inner, REASON_ICMPV6_OUTER_DADDR, res);
}

/* nf_conntrack_icmp_packet() */
static int
icmp_packet(struct ct_engine *e, struct ct_conn *c, const struct pkt *pkt, int dir,
	    struct ct_result *res)
{
	uint8_t type = (uint8_t)(c->tuple[0].dport >> 8);

	(void)dir;
	if (pkt->family != 4) {
		res->silent = "ICMP (protocol 1) over IPv6 is never tracked";
		res->verdict = CT_INVALID;
		return CT_INVALID;
	}
	/* only echo, timestamp, info and address mask requests make entries
	 * (checked on every packet: the ORIGINAL type of the entry) */
	if (type != 8 && type != 13 && type != 15 && type != 17) {
		res->silent = "ICMP reply (or other non-request type) without a request: "
			      "cannot create a connection";
		res->verdict = CT_INVALID;
		return CT_INVALID;
	}
	c->icmp_orig_type = type;
	c->expires_ns = ns_add(ns_from_ts(pkt->ts_sec, pkt->ts_nsec),
			       ct_secs(ct_engine_policy(e)->v[CT_KNOB_ICMP_TIMEOUT]));
	res->verdict = CT_ACCEPT;
	return CT_ACCEPT;
}

/* nf_conntrack_icmpv6_packet() */
static int
icmpv6_packet(struct ct_engine *e, struct ct_conn *c, const struct pkt *pkt, int dir,
	      struct ct_result *res)
{
	uint8_t type = (uint8_t)(c->tuple[0].dport >> 8);

	(void)dir;
	if (pkt->family != 6) {
		res->silent = "ICMPv6 (protocol 58) over IPv4 is never tracked";
		res->verdict = CT_INVALID;
		return CT_INVALID;
	}
	/* a new entry must start with echo request or node information query */
	if (!c->confirmed && type != 128 && type != 139) {
		res->silent = "ICMPv6 reply (or other non-request type) without a request: "
			      "cannot create a connection";
		res->verdict = CT_INVALID;
		return CT_INVALID;
	}
	c->icmp_orig_type = type;
	c->expires_ns = ns_add(ns_from_ts(pkt->ts_sec, pkt->ts_nsec),
			       ct_secs(ct_engine_policy(e)->v[CT_KNOB_ICMPV6_TIMEOUT]));
	res->verdict = CT_ACCEPT;
	return CT_ACCEPT;
}

const struct ct_proto_ops ct_proto_icmp = {
	.l4proto = IPPROTO_ICMP_NUM,
	.error = icmp_error,
	.packet = icmp_packet,
};

const struct ct_proto_ops ct_proto_icmpv6 = {
	.l4proto = IPPROTO_ICMPV6_NUM,
	.error = icmpv6_error,
	.packet = icmpv6_packet,
};
