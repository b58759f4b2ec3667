/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ct-proto.h - internal interface between the engine core (ct.c, flow.c)
 * and the per-protocol trackers (ct-tcp.c, ct-udp.c, ct-icmp.c), like the
 * kernel's struct nf_conntrack_l4proto.  Not for use outside the engine.
 *
 * Order of a packet through the engine (nf_conntrack_in, 6.18):
 *   1. ICMP/ICMPv6 only: ops->error() (nf_conntrack_icmpv4_error & co),
 *      which may finish the packet (INVALID, or RELATED to an entry found
 *      with ct_engine_lookup()).
 *   2. Tuple, lookup; when absent a new, unconfirmed entry.
 *   3. ops->packet() (nf_conntrack_tcp_packet, nf_conntrack_udp_packet, ...),
 *      which for TCP/UDP starts with its own error checks (tcp_error,
 *      udp_error) and, on a new entry, the new-connection checks (tcp_new).
 *   4. A new entry whose first packet was not INVALID is confirmed (the lab
 *      forwards every packet, so this holds for samples).
 */
#ifndef CTEXPLAIN_CT_PROTO_H
#define CTEXPLAIN_CT_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#include "ct.h"

/* A conntrack tuple (kernel struct nf_conntrack_tuple, zone 0). */
struct ct_tuple {
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;		/* L4 protocol */
	struct ip_addr src, dst;
	uint16_t sport, dport;	/* ports; ICMP: sport = id, dport = type << 8 | code */
};

/* A conntrack entry. */
struct ct_conn {
	uint64_t id;			/* 1, 2, ... in creation order */
	struct ct_tuple tuple[2];	/* [0] ORIGINAL, [1] REPLY */
	int64_t start_ns;		/* first packet's capture time */
	int64_t expires_ns;		/* capture time at which the entry times out */
	bool confirmed, seen_reply, assured;
	struct ct_tcp_snapshot tcp;	/* TCP: the kernel's struct ip_ct_tcp (valid = true) */
	uint8_t icmp_orig_type;		/* ICMP/ICMPv6: type of the packet that created the entry */
	uint8_t n_hist, hist_next;	/* ring of the last CT_HIST_LEN packets */
	struct ct_hist hist[CT_HIST_LEN];
	struct ct_flow_hist fh;		/* counters for the diagnosis */
	/* flow table bookkeeping (flow.c); not for the trackers */
	struct ct_hnode {
		struct ct_hnode *next;
		struct ct_conn *conn;
		int dir;
	} hnode[2];			/* hash chain nodes of tuple[0] and tuple[1] */
	struct ct_conn *dprev, *dnext;	/* early-drop candidate list */
	uint32_t heap_pos;		/* index in the expiry heap */
	bool in_table, droppable;
	bool diag_flagged;		/* a packet of it got facts: report its end */
};

/* Value ops->packet() returns to ask for the kernel's -NF_REPEAT (TCP reopen):
 * the engine deletes the entry and processes the packet again as new. */
#define CT_REPEAT (-1)

struct ct_proto_ops {
	uint8_t l4proto;
	/* Pre-lookup checks (ICMP/ICMPv6 only; NULL for others).  Return 0 to go
	 * on with the normal lookup, 1 when the packet is finished (res filled:
	 * INVALID, or ACCEPT as RELATED). */
	int (*error)(struct ct_engine *e, const struct pkt *pkt, struct ct_result *res);
	/* Packet on entry @c (new when !c->confirmed) in direction @dir.  Returns
	 * CT_ACCEPT, CT_IGNORE, CT_INVALID or CT_REPEAT; fills res (messages,
	 * snapshots, check) and sets c->expires_ns when the packet refreshes it. */
	int (*packet)(struct ct_engine *e, struct ct_conn *c, const struct pkt *pkt,
		      int dir, struct ct_result *res);
};

extern const struct ct_proto_ops ct_proto_tcp;
extern const struct ct_proto_ops ct_proto_udp;
extern const struct ct_proto_ops ct_proto_udplite;
extern const struct ct_proto_ops ct_proto_icmp;
extern const struct ct_proto_ops ct_proto_icmpv6;

/* The engine's policy (sysctls). */
const struct ct_policy *ct_engine_policy(const struct ct_engine *e);

/* Find the entry holding @t in either direction; *dir gets 0 or 1.  Expired
 * entries (by the current packet's time) are not returned.  NULL if none. */
struct ct_conn *ct_engine_lookup(struct ct_engine *e, const struct ct_tuple *t, int *dir);

/* Append a log line to res (ignored beyond CT_MAX_MSGS). */
void ct_result_msg(struct ct_result *res, enum reason reason, enum ct_verdict verdict,
		   const struct reason_args *args);

/* Is the checksum of this packet verified by the kernel?  (nf_conntrack_checksum
 * set and the packet on the PRE_ROUTING path, i.e. not pkt->dir == OUT) */
bool ct_checksum_applies(const struct ct_engine *e, const struct pkt *pkt);

/*
 * ICMP/ICMPv6 tuples (ct-icmp.c).  The tuple of an ICMP packet is
 * sport = the 16-bit field at L4 offset 4 (echo id; read for every type, like
 * icmp_pkt_to_tuple), dport = type << 8 | code.
 *
 * ct_icmp_invert(): the reply tuple of an ICMP (proto 1) or ICMPv6 (58) tuple,
 * addresses swapped and the type mapped request <-> reply
 * (nf_conntrack_invert_icmp{,v6}_tuple).  Returns false when the type has no
 * reply form (echo reply maps back to echo, but e.g. router solicitation or
 * redirect has none): the kernel then cannot create an entry and the packet
 * is INVALID without a log line ("can't invert tuple").
 */
bool ct_icmp_invert(const struct ct_tuple *t, struct ct_tuple *out);

/* tcp_conntracks[dir][index][state] of 6.18 (ct-tcp.c): a TCP_CT_* state,
 * TCP_CT_INVALID or TCP_CT_IGNORE; -1 when an argument is out of range.
 * For the state-table unit test. */
int ct_tcp_table_lookup(int dir, int index, int state);

/*
 * Flow history for the diagnosis (ct-facts.c).  ct_fh_init() on a new
 * entry; ct_fh_add() after every packet of the entry (counters only, no
 * allocation); ct_facts_fill() for a flagged packet, after hist_add() put
 * it in the ring and before ct_fh_add() counts it (@c NULL: no entry, only
 * the packet's own view).
 */
void ct_fh_init(struct ct_flow_hist *fh);
void ct_fh_add(struct ct_flow_hist *fh, const struct pkt *pkt, int dir);
struct ct_graveyard;
void ct_facts_fill(struct ct_facts *f, const struct ct_graveyard *gy, const struct ct_conn *c,
		   const struct pkt *pkt, int dir, const struct ct_result *res, int64_t now);

/*
 * Entries that ended recently, remembered for the diagnosis (a packet that
 * meets no entry: was there one that expired, was killed, or was rejected?).
 * A fixed array of CT_GRAVES slots allocated on first use (*gy NULL until
 * then), each overwritten by the next entry hashing to it.  ct_grave_bury()
 * records @c (with its ct_flow_hist) as ended at @now with CT_ENDED_*
 * @how; for CT_ENDED_REJECTED, when the tuple already has a record the
 * packet is added to it instead (the history of the older entry is kept).
 * ct_graves_free(NULL) is a no-op.
 */
#define CT_GRAVES 2048
void ct_grave_bury(struct ct_graveyard **gy, const struct ct_conn *c, const struct pkt *pkt,
		   int dir, int64_t now, int how);
void ct_graves_free(struct ct_graveyard *gy);

/* The ct_flow_end of @c. */
void ct_flow_end_of(const struct ct_conn *c, struct ct_flow_end *fe);

/* Seconds -> nanoseconds for timeouts from the policy. */
static inline int64_t
ct_secs(int64_t s)
{
	return s * 1000000000LL;
}

#endif
