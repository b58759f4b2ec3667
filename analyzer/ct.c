/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ct.c - the conntrack engine core, mirroring Linux 6.18
 * net/netfilter/nf_conntrack_core.c: nf_conntrack_in() (protocol lookup,
 * ICMP error handler, resolve_normal_ct(), the L4 packet handler, the
 * -NF_REPEAT restart), init_conntrack()/__nf_conntrack_alloc() (table
 * limit and early_drop()), confirmation, and expiry of entries by time
 * (nf_ct_is_expired), here taken from the capture timestamps.
 *
 * The generic tracker (nf_conntrack_proto_generic.c) for protocols without
 * their own is here too: never INVALID, one timeout.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ct-proto.h"
#include "flow.h"
#include "util-time.h"

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMPV6 58
#define PROTO_SCTP 132
#define PROTO_UDPLITE 136

struct ct_engine {
	struct ct_policy pol;
	struct flow_table *ft;
	struct ct_engine_stats st;
	uint64_t next_id;
	int64_t now;
	struct ct_graveyard *graves;	/* ended entries, for the diagnosis (ct-facts.c) */
	void (*flow_end)(void *arg, const struct ct_flow_end *fe);
	void *flow_end_arg;
};

/* An entry leaves the table: tell the diagnosis what it saw (ct_engine_set_flow_end). */
static void
conn_ended(struct ct_engine *e, const struct ct_conn *c)
{
	struct ct_flow_end fe;

	if (!e->flow_end || !c->diag_flagged)
		return;
	ct_flow_end_of(c, &fe);
	e->flow_end(e->flow_end_arg, &fe);
}

void
ct_engine_set_flow_end(struct ct_engine *e, void (*fn)(void *arg, const struct ct_flow_end *fe),
		       void *arg)
{
	e->flow_end = fn;
	e->flow_end_arg = arg;
}

static const char *const tcp_state_names[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};

const char *
ct_tcp_state_name(unsigned state)
{
	if (state < sizeof(tcp_state_names) / sizeof(tcp_state_names[0]))
		return tcp_state_names[state];
	return "?";
}

/* --- generic tracker (nf_conntrack_generic_packet) --------------------- */

static int
generic_packet(struct ct_engine *e, struct ct_conn *c, const struct pkt *pkt, int dir,
	       struct ct_result *res)
{
	(void)dir;
	c->expires_ns = ns_add(ns_from_ts(pkt->ts_sec, pkt->ts_nsec),
			       ct_secs(e->pol.v[CT_KNOB_GENERIC_TIMEOUT]));
	res->verdict = CT_ACCEPT;
	return CT_ACCEPT;
}

static const struct ct_proto_ops ct_proto_generic = {
	.l4proto = 0,
	.error = NULL,
	.packet = generic_packet,
};

/* nf_ct_l4proto_find() */
static const struct ct_proto_ops *
proto_ops(uint8_t proto)
{
	switch (proto) {
	case PROTO_TCP:
		return &ct_proto_tcp;
	case PROTO_UDP:
		return &ct_proto_udp;
	case PROTO_UDPLITE:
		return &ct_proto_udplite;
	case PROTO_ICMP:
		return &ct_proto_icmp;
	case PROTO_ICMPV6:
		return &ct_proto_icmpv6;
	default:
		return &ct_proto_generic;
	}
}

/* --- engine ------------------------------------------------------------ */

struct ct_engine *
ct_engine_new(const struct ct_policy *pol)
{
	struct ct_engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->pol = *pol;
	e->ft = flow_table_new();
	if (!e->ft) {
		free(e);
		return NULL;
	}
	return e;
}

void
ct_engine_free(struct ct_engine *e)
{
	struct ct_conn *c;

	if (!e)
		return;
	while (e->flow_end && (c = flow_table_pop_expired(e->ft, INT64_MAX)) != NULL) {
		conn_ended(e, c);
		free(c);
	}
	flow_table_free(e->ft);
	ct_graves_free(e->graves);
	free(e);
}

const struct ct_policy *
ct_engine_policy(const struct ct_engine *e)
{
	return &e->pol;
}

void
ct_engine_stats(const struct ct_engine *e, struct ct_engine_stats *st)
{
	*st = e->st;
	st->flows_live = flow_table_count(e->ft);
}

size_t
ct_engine_mem(const struct ct_engine *e)
{
	return flow_table_mem(e->ft);
}

struct ct_conn *
ct_engine_lookup(struct ct_engine *e, const struct ct_tuple *t, int *dir)
{
	struct ct_conn *c = flow_table_find(e->ft, t, dir);

	if (c && c->expires_ns <= e->now)
		return NULL;
	return c;
}

void
ct_result_msg(struct ct_result *res, enum reason reason, enum ct_verdict verdict,
	      const struct reason_args *args)
{
	struct ct_msg *m;

	if (res->n_msgs >= CT_MAX_MSGS)
		return;
	m = &res->msgs[res->n_msgs++];
	memset(m, 0, sizeof(*m));
	m->reason = reason;
	m->verdict = verdict;
	if (args)
		m->args = *args;
}

bool
ct_checksum_applies(const struct ct_engine *e, const struct pkt *pkt)
{
	return e->pol.v[CT_KNOB_CHECKSUM] != 0 && pkt->dir != PKT_DIR_OUT;
}

/* Reclaim every entry whose timeout has passed by @now (nf_ct_gc_expired). */
static void
expire_until(struct ct_engine *e, int64_t now)
{
	struct ct_conn *c;

	while ((c = flow_table_pop_expired(e->ft, now)) != NULL) {
		e->st.flows_expired++;
		ct_grave_bury(&e->graves, c, NULL, 0, c->expires_ns, CT_ENDED_EXPIRED);
		conn_ended(e, c);
		free(c);
	}
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

enum tuple_res {
	TUPLE_OK,
	TUPLE_NONE,		/* the kernel cannot build it: INVALID, silent */
	TUPLE_UNKNOWN,		/* the bytes were not captured: not tracked */
};

/* nf_ct_get_tuple(): the ORIGINAL-direction tuple of the packet. */
static enum tuple_res
build_tuple(const struct pkt *pkt, struct ct_tuple *t, const char **why)
{
	memset(t, 0, sizeof(*t));
	t->family = pkt->family;
	t->proto = pkt->proto;
	t->src = pkt->src;
	t->dst = pkt->dst;

	switch (pkt->proto) {
	case PROTO_TCP:
	case PROTO_UDP:
	case PROTO_UDPLITE:
	case PROTO_SCTP:
		/* nf_ct_get_tuple_ports(): 4 bytes of ports */
		if (pkt->l4_len < 4) {
			*why = "L4 header shorter than the 4 port bytes: no tuple";
			return TUPLE_NONE;
		}
		if (!pkt->l4 || pkt->l4_caplen < 4)
			return TUPLE_UNKNOWN;
		t->sport = be16(pkt->l4);
		t->dport = be16(pkt->l4 + 2);
		return TUPLE_OK;
	case PROTO_ICMP:
	case PROTO_ICMPV6:
		/* icmp_pkt_to_tuple(): 8 header bytes; id at offset 4 for every type */
		if (pkt->l4_len < 8) {
			*why = "ICMP header shorter than 8 bytes: no tuple";
			return TUPLE_NONE;
		}
		if (!pkt->l4 || pkt->l4_caplen < 8)
			return TUPLE_UNKNOWN;
		t->sport = be16(pkt->l4 + 4);
		t->dport = (uint16_t)(pkt->l4[0] << 8 | pkt->l4[1]);
		return TUPLE_OK;
	default:
		return TUPLE_OK;
	}
}

/* nf_ct_invert_tuple() */
static bool
invert_tuple(const struct ct_tuple *t, struct ct_tuple *r)
{
	if (t->proto == PROTO_ICMP || t->proto == PROTO_ICMPV6)
		return ct_icmp_invert(t, r);
	memset(r, 0, sizeof(*r));
	r->family = t->family;
	r->proto = t->proto;
	r->src = t->dst;
	r->dst = t->src;
	r->sport = t->dport;
	r->dport = t->sport;
	return true;
}

static void
tcp_snapshot(const struct ct_conn *c, struct ct_tcp_snapshot *s)
{
	*s = c->tcp;
	s->valid = true;
	s->seen_reply = c->seen_reply;
	s->assured = c->assured;
}

static void
hist_add(struct ct_conn *c, const struct pkt *pkt, int dir, const struct ct_result *res)
{
	struct ct_hist *h = &c->hist[c->hist_next];

	memset(h, 0, sizeof(*h));
	h->index = pkt->index;
	h->ts_ns = ns_from_ts(pkt->ts_sec, pkt->ts_nsec);
	h->dir = (uint8_t)dir;
	h->verdict = (uint8_t)res->verdict;
	h->reason = res->n_msgs ? (uint8_t)res->msgs[0].reason : 0;
	if (pkt->proto == PROTO_TCP && pkt->has_l4) {
		h->seq = pkt->seq;
		h->ack = pkt->ack;
		h->win = pkt->window;
		h->tcp_flags = pkt->tcp_flags;
		h->end = pkt->seq + pkt->payload_len + !!(pkt->tcp_flags & TCPF_SYN) +
			 !!(pkt->tcp_flags & TCPF_FIN);
		h->state_after = c->tcp.state;
	}
	h->len = pkt->payload_len > 0xffff ? 0xffff : (uint16_t)pkt->payload_len;
	c->hist_next = (uint8_t)((c->hist_next + 1) % CT_HIST_LEN);
	if (c->n_hist < CT_HIST_LEN)
		c->n_hist++;
}

/* A new, unconfirmed entry (init_conntrack), or NULL with res filled. */
static struct ct_conn *
new_conn(struct ct_engine *e, const struct ct_tuple *t, int64_t now, struct ct_result *res,
	 int *err)
{
	struct ct_tuple r;
	struct ct_conn *c;
	int64_t max = e->pol.v[CT_KNOB_MAX];

	if (!invert_tuple(t, &r)) {
		res->verdict = CT_INVALID;
		res->silent = "can't invert tuple (no reply form of this ICMP type)";
		return NULL;
	}
	/* __nf_conntrack_alloc(): table limit, early_drop() */
	if (max > 0 && flow_table_count(e->ft) >= (uint64_t)max) {
		struct ct_conn *victim = flow_table_drop_candidate(e->ft);

		if (victim) {
			flow_table_remove(e->ft, victim);
			conn_ended(e, victim);
			free(victim);
			e->st.early_drops++;
		} else {
			e->st.table_full++;
			res->table_full = true;
			res->verdict = CT_INVALID;
			res->silent = "nf_conntrack: table full, dropping packet";
			return NULL;
		}
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		*err = -1;
		return NULL;
	}
	c->id = ++e->next_id;
	c->tuple[0] = *t;
	c->tuple[1] = r;
	c->start_ns = now;
	c->expires_ns = now;
	ct_fh_init(&c->fh);
	return c;
}

int
ct_engine_packet(struct ct_engine *e, const struct pkt *pkt, struct ct_result *res)
{
	const struct ct_proto_ops *ops;
	struct ct_tuple t;
	struct ct_conn *c;
	const char *why = NULL;
	int64_t now = ns_from_ts(pkt->ts_sec, pkt->ts_nsec);
	int dir = 0, rv, repeats = 0, err = 0;
	bool have_before = false;

	/*
	 * Reset all of *res but the check text (an empty string; every writer
	 * uses snprintf()) and the diagnosis facts (read only when valid;
	 * ct_facts_fill() clears them before filling): 900 of its 1400 bytes
	 * need not be written for every packet.
	 */
	_Static_assert(offsetof(struct ct_result, check) < offsetof(struct ct_result, table_full) &&
		       offsetof(struct ct_result, table_full) < offsetof(struct ct_result, facts) &&
		       offsetof(struct ct_result, facts) + sizeof(res->facts) == sizeof(*res),
		       "ct_result layout: check, then table_full..new_state, then facts last");
	memset(res, 0, offsetof(struct ct_result, check));
	res->check[0] = '\0';
	memset(&res->table_full, 0,
	       offsetof(struct ct_result, facts) - offsetof(struct ct_result, table_full));
	res->facts.valid = false;
	res->facts.reassembled = false;
	res->dir = -1;
	res->verdict = CT_ACCEPT;
	e->st.packets++;

	/* time never runs backwards for the table */
	if (now > e->now)
		e->now = now;
	now = e->now;
	expire_until(e, now);

	if (pkt->family != 4 && pkt->family != 6)
		return 0;
	/* get_l4proto(): a non-first fragment has no L4 view: invalid, silent */
	if (pkt->is_fragment && pkt->frag_off != 0) {
		res->verdict = CT_INVALID;
		res->silent = "non-first IP fragment (not reassembled): no L4 header";
		goto done;
	}

	ops = proto_ops(pkt->proto);
	if (ops->error && ops->error(e, pkt, res) == 1)
		goto done;

	switch (build_tuple(pkt, &t, &why)) {
	case TUPLE_NONE:
		res->verdict = CT_INVALID;
		res->silent = why;
		goto done;
	case TUPLE_UNKNOWN:
		return 0;	/* not enough captured to know the connection */
	case TUPLE_OK:
		break;
	}
	/* TCP: the 20-byte header must be captured to evaluate anything */
	if (pkt->proto == PROTO_TCP && pkt->l4_len >= 20 && !pkt->has_l4)
		return 0;

repeat:
	c = flow_table_find(e->ft, &t, &dir);
	if (!c) {
		dir = 0;
		c = new_conn(e, &t, now, res, &err);
		if (!c) {
			if (err)
				return -1;
			goto done;
		}
	}
	res->tracked = true;
	res->dir = dir;
	res->flow_id = c->id;
	if (!have_before && c->confirmed && pkt->proto == PROTO_TCP) {
		tcp_snapshot(c, &res->before);
		res->old_state = c->tcp.state;
		have_before = true;
	}

	rv = ops->packet(e, c, pkt, dir, res);
	if (rv == CT_REPEAT && repeats++ == 0) {
		/* nf_ct_kill() and look up again: the packet opens a new entry */
		if (c->confirmed) {
			flow_table_remove(e->ft, c);
			e->st.flows_expired++;
			conn_ended(e, c);
		}
		free(c);
		res->n_msgs = 0;
		res->silent = NULL;
		res->verdict = CT_ACCEPT;
		goto repeat;
	}
	if (rv == CT_REPEAT)
		rv = CT_INVALID;	/* cannot happen twice in the kernel */
	res->verdict = (enum ct_verdict)rv;
	if (pkt->proto == PROTO_TCP) {
		res->new_state = c->tcp.state;
		tcp_snapshot(c, &res->after);
	}

	if (!c->confirmed) {
		if (rv == CT_INVALID) {
			/* the unconfirmed entry dies with the packet */
			hist_add(c, pkt, dir, res);
			ct_facts_fill(&res->facts, e->graves, c, pkt, dir, res, now);
			ct_fh_add(&c->fh, pkt, dir);
			ct_grave_bury(&e->graves, c, pkt, dir, now, CT_ENDED_REJECTED);
			res->flow_id = 0;
			free(c);
			goto done;
		}
		/* nf_conntrack_confirm() */
		if (flow_table_insert(e->ft, c) < 0) {
			free(c);
			return -1;
		}
		c->confirmed = true;
		res->new_flow = true;
		e->st.flows_created++;
	} else if (rv != CT_INVALID && dir == 1) {
		/* nf_conntrack_in(): IPS_SEEN_REPLY on a reply that passed */
		c->seen_reply = true;
	}
	hist_add(c, pkt, dir, res);
	if (res->n_msgs || res->verdict != CT_ACCEPT) {
		ct_facts_fill(&res->facts, e->graves, c, pkt, dir, res, now);
		c->diag_flagged = true;
	}
	ct_fh_add(&c->fh, pkt, dir);
	if (pkt->proto == PROTO_TCP)
		res->after.seen_reply = c->seen_reply;
	if (c->expires_ns <= now) {
		/* killed (e.g. an RST that is the only reply): gone at once */
		flow_table_remove(e->ft, c);
		ct_grave_bury(&e->graves, c, NULL, 0, now, CT_ENDED_KILLED);
		conn_ended(e, c);
		e->st.flows_expired++;
		free(c);
	} else {
		flow_table_update(e->ft, c);
	}

done:
	if (!res->facts.valid && (res->n_msgs || res->verdict != CT_ACCEPT))
		ct_facts_fill(&res->facts, e->graves, NULL, pkt, res->dir, res, now);
	if (res->tracked)
		e->st.tracked++;
	if (res->verdict == CT_INVALID)
		e->st.invalid++;
	else if (res->verdict == CT_IGNORE)
		e->st.ignored++;
	if (res->n_msgs)
		e->st.logged++;
	if (flow_table_count(e->ft) > e->st.flows_peak)
		e->st.flows_peak = flow_table_count(e->ft);
	return 0;
}
