/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ct-facts.c - the flow history the diagnosis needs (diagnose.h), kept by
 * the engine at a tiny fixed cost per packet: a handful of counters per
 * entry (struct ct_flow_hist, updated for every packet of the entry, no
 * allocation) plus the ring of the last packets ct.c already keeps.  For a
 * flagged packet only, ct_facts_fill() copies all of it out into
 * struct ct_facts together with the packet's own header view.
 *
 * Nothing here changes a verdict: the kernel keeps no such history; it is
 * evidence for a person, not part of the mirrored behaviour.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ct-proto.h"
#include "flow.h"
#include "util-csum.h"
#include "util-seq.h"

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMPV6 58
#define PROTO_UDPLITE 136

void
ct_fh_init(struct ct_flow_hist *fh)
{
	memset(fh, 0, sizeof(*fh));
	fh->syn_wscale[0] = fh->syn_wscale[1] = -2;
}

static void
sat_inc(uint32_t *v)
{
	if (*v != UINT32_MAX)
		(*v)++;
}

/* Sequence space a TCP segment occupies: seq + len (+1 for SYN, +1 for FIN). */
static uint32_t
seg_end(const struct pkt *pkt)
{
	return pkt->seq + pkt->payload_len + !!(pkt->tcp_flags & TCPF_SYN) +
	       !!(pkt->tcp_flags & TCPF_FIN);
}

void
ct_fh_add(struct ct_flow_hist *fh, const struct pkt *pkt, int dir)
{
	uint8_t *bits;

	if (dir < 0 || dir > 1)
		return;
	bits = &fh->bits[dir];
	sat_inc(&fh->pkts[dir]);
	if (pkt->l4_csum_nf == CSUM_BAD)
		sat_inc(&fh->csum_bad[dir]);
	if (pkt->proto != PROTO_TCP || !pkt->has_l4)
		return;
	fh->last_flags[dir] = pkt->tcp_flags;
	if (pkt->tcp_flags & TCPF_SYN) {
		*bits |= CT_FH_SYN;
		fh->isn[dir] = pkt->seq;
		fh->syn_wscale[dir] = pkt->opts.has_wscale
				      ? (int8_t)(pkt->opts.wscale > 14 ? 14 : pkt->opts.wscale)
				      : -1;
	}
	if (!(*bits & CT_FH_END) || seq_after(seg_end(pkt), fh->max_end[dir]))
		fh->max_end[dir] = seg_end(pkt);
	*bits |= CT_FH_END;
	if (pkt->tcp_flags & TCPF_ACK) {
		if (!(*bits & CT_FH_ACK) || seq_after(pkt->ack, fh->max_ack[dir]))
			fh->max_ack[dir] = pkt->ack;
		*bits |= CT_FH_ACK;
	}
	if (pkt->tcp_flags & TCPF_FIN)
		*bits |= CT_FH_FIN;
	if (pkt->tcp_flags & TCPF_RST)
		*bits |= CT_FH_RST;
	fh->last_win[dir] = pkt->window;
}

/*
 * Does the bad checksum field hold the pseudo-header sum?  A transmit path
 * with checksum offload (skb->ip_summed == CHECKSUM_PARTIAL) stores the
 * folded pseudo-header sum in the field and leaves the rest to the NIC; a
 * capture taken before the NIC (on the sending host, or a veth/bridge in
 * front of it) sees exactly that value.
 */
static bool
csum_is_partial(const struct pkt *pkt)
{
	uint32_t off;
	uint8_t proto = pkt->proto;
	uint64_t acc;

	switch (pkt->proto) {
	case PROTO_TCP:
		off = 16;
		break;
	case PROTO_UDP:
	case PROTO_UDPLITE:
		off = 6;
		proto = pkt->proto;
		break;
	case PROTO_ICMPV6:
		off = 2;
		break;
	default:
		return false;	/* ICMP has no pseudo header */
	}
	if (!pkt->l4 || !(off + 2 <= pkt->l4_caplen))
		return false;
	if (pkt->family == 4)
		acc = csum_pseudo4(pkt->src.b, pkt->dst.b, proto, pkt->l4_len);
	else
		acc = csum_pseudo6(pkt->src.b, pkt->dst.b, proto, pkt->l4_len);
	return csum_fold(acc) == (uint16_t)(pkt->l4[off] << 8 | pkt->l4[off + 1]);
}

/* --- recently ended entries ---------------------------------------------- */

struct ct_grave {
	bool used;
	uint64_t id;			/* the ended entry's id */
	uint8_t how;			/* CT_ENDED_* */
	struct ct_tuple tuple[2];
	int64_t died_ns;
	struct ct_flow_hist fh;
	struct ct_tcp_snapshot snap;	/* valid = false for a rejected or non-TCP entry */
};

struct ct_graveyard {
	struct ct_grave g[CT_GRAVES];
};

/* Slot of a tuple, the same for both directions of a TCP/UDP flow. */
static size_t
grave_slot(const struct ct_tuple *t)
{
	struct ct_tuple r = *t;

	r.src = t->dst;
	r.dst = t->src;
	r.sport = t->dport;
	r.dport = t->sport;
	if (memcmp(&r, t, sizeof(r)) < 0)
		t = &r;
	return (size_t)(flow_tuple_hash(t) % CT_GRAVES);
}

/* The record of @t's flow and the direction of @t in it, or NULL. */
static struct ct_grave *
grave_find(const struct ct_graveyard *gy, const struct ct_tuple *t, int *dir)
{
	struct ct_grave *g;

	if (!gy)
		return NULL;
	g = (struct ct_grave *)&gy->g[grave_slot(t)];
	if (!g->used)
		return NULL;
	if (flow_tuple_equal(&g->tuple[0], t)) {
		*dir = 0;
		return g;
	}
	if (flow_tuple_equal(&g->tuple[1], t)) {
		*dir = 1;
		return g;
	}
	return NULL;
}

void
ct_grave_bury(struct ct_graveyard **gy, const struct ct_conn *c, const struct pkt *pkt,
	      int dir, int64_t now, int how)
{
	struct ct_grave *g;
	int gdir;

	if (!*gy) {
		*gy = calloc(1, sizeof(**gy));
		if (!*gy)
			return;		/* evidence only: go on without it */
	}
	if (how == CT_ENDED_REJECTED && (g = grave_find(*gy, &c->tuple[0], &gdir)) != NULL) {
		/* a packet of an ended flow, rejected: part of that history */
		if (pkt)
			ct_fh_add(&g->fh, pkt, gdir ^ (dir == 1));
		return;
	}
	g = &(*gy)->g[grave_slot(&c->tuple[0])];
	memset(g, 0, sizeof(*g));
	g->used = true;
	g->id = c->id;
	g->how = (uint8_t)how;
	g->tuple[0] = c->tuple[0];
	g->tuple[1] = c->tuple[1];
	g->died_ns = now;
	g->fh = c->fh;
	if (c->confirmed && c->tcp.valid) {
		g->snap = c->tcp;
		g->snap.seen_reply = c->seen_reply;
		g->snap.assured = c->assured;
	}
}

void
ct_flow_end_of(const struct ct_conn *c, struct ct_flow_end *fe)
{
	fe->flow_id = c->id;
	fe->pkts[0] = c->fh.pkts[0];
	fe->pkts[1] = c->fh.pkts[1];
}

void
ct_graves_free(struct ct_graveyard *gy)
{
	free(gy);
}

void
ct_facts_fill(struct ct_facts *f, const struct ct_graveyard *gy, const struct ct_conn *c,
	      const struct pkt *pkt, int dir, const struct ct_result *res, int64_t now)
{
	memset(f, 0, sizeof(*f));
	f->valid = true;
	f->capture_dir = (uint8_t)pkt->dir;
	f->is_fragment = pkt->is_fragment;
	f->notes = pkt->notes;
	f->ip_len = pkt->ip_len;
	f->l4_len = pkt->l4_len;
	f->len = pkt->payload_len;
	f->csum = (uint8_t)pkt->l4_csum_nf;
	f->csum_rfc = (uint8_t)pkt->l4_csum;
	f->csum_partial = pkt->l4_csum_nf == CSUM_BAD && csum_is_partial(pkt);
	f->wscale = -1;
	if (pkt->proto == PROTO_TCP && pkt->has_l4) {
		f->tcp_flags = pkt->tcp_flags;
		f->tcp_res = pkt->tcp_res;
		f->doff = pkt->doff;
		f->seq = pkt->seq;
		f->ack = pkt->ack;
		f->end = seg_end(pkt);
		f->win = pkt->window;
		if (pkt->opts.has_wscale)
			f->wscale = (int8_t)(pkt->opts.wscale > 14 ? 14 : pkt->opts.wscale);
	} else if (pkt->proto == PROTO_TCP && pkt->l4 && pkt->l4_caplen >= 13) {
		/* a header too short for the engine: what was captured */
		f->doff = pkt->l4[12] >> 4;
		f->tcp_flags = pkt->l4_caplen >= 14 ? pkt->l4[13] : 0;
	}
	if (pkt->proto == PROTO_UDP || pkt->proto == PROTO_UDPLITE)
		f->udp_len = pkt->udp_len;
	if (!c) {
		ct_fh_init(&f->fh);
		return;
	}
	f->had_entry = c->confirmed;
	f->flow_id = c->id;
	f->dir = (uint8_t)(dir == 1);
	f->fh = c->fh;
	if (res->before.valid) {
		f->snap = res->before;
		f->state_before = res->before.state;
		if (res->after.valid)
			f->snap_after = res->after;
	}
	if (!c->confirmed) {
		int gdir;
		const struct ct_grave *g = grave_find(gy, &c->tuple[0], &gdir);

		if (g) {
			f->ended = g->how;
			f->flow_id = g->id;
			f->ended_ago_ns = now - g->died_ns;
			f->dir = (uint8_t)gdir;
			f->fh = g->fh;
			if (g->snap.valid) {
				f->snap = g->snap;
				f->state_before = g->snap.state;
			}
		}
	}
	/* the ring, oldest first (the packet itself is its newest entry) */
	for (unsigned i = 0; i < c->n_hist && i < CT_HIST_LEN; i++) {
		unsigned k = (c->hist_next + CT_HIST_LEN - c->n_hist + i) % CT_HIST_LEN;

		f->hist[f->n_hist++] = c->hist[k];
	}
}
