/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ct.h - the conntrack engine: every decoded (and reassembled) packet in,
 * the kernel's verdict out, with the state that explains it.
 *
 * Dispatches through a per-protocol ops struct (ct-proto.h) like the
 * kernel's nf_conntrack_l4proto.  Keeps a bounded flow table (flow.h) whose
 * entries expire by packet time with the kernel's timeouts.  Mirrors Linux
 * 6.18 (net/netfilter/nf_conntrack_core.c, nf_conntrack_proto_{tcp,udp,
 * icmp,icmpv6}.c); see ../shared/kernel/messages.md section 6.
 *
 * The engine never formats kernel text: it yields reason ids and
 * struct reason_args; rules_render() makes the text.
 */
#ifndef CTEXPLAIN_CT_H
#define CTEXPLAIN_CT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ct-policy.h"
#include "decode.h"
#include "reasons.h"

/* TCP states, kernel numbering (tcp_conntrack_names[]). */
enum tcp_state {
	TCP_CT_NONE = 0, TCP_CT_SYN_SENT, TCP_CT_SYN_RECV, TCP_CT_ESTABLISHED,
	TCP_CT_FIN_WAIT, TCP_CT_CLOSE_WAIT, TCP_CT_LAST_ACK, TCP_CT_TIME_WAIT,
	TCP_CT_CLOSE, TCP_CT_SYN_SENT2, TCP_CT_MAX,
	TCP_CT_IGNORE = 11, TCP_CT_INVALID = 10,
};

/* Per-direction window tracking record (kernel struct ip_ct_tcp_state). */
struct ct_tcp_dir {
	uint32_t td_end, td_maxend, td_maxwin, td_maxack;
	uint8_t td_scale;
	uint8_t flags;		/* IP_CT_TCP_FLAG_* values: 0x01 WINDOW_SCALE, 0x02 SACK_PERM,
				 * 0x04 CLOSE_INIT, 0x08 BE_LIBERAL, 0x10 DATA_UNACKNOWLEDGED,
				 * 0x20 MAXACK_SET */
};

/* A copy of a connection's TCP state (for explanations). */
struct ct_tcp_snapshot {
	bool valid;		/* false: no entry existed */
	uint8_t state;		/* enum tcp_state */
	struct ct_tcp_dir seen[2];
	uint8_t last_dir, last_index, last_wscale, last_flags, retrans;
	uint32_t last_seq, last_ack, last_end;
	uint16_t last_win;
	bool seen_reply, assured;
};

/* One log line the kernel prints about the packet. */
struct ct_msg {
	enum reason reason;
	enum ct_verdict verdict;	/* what that line means for the packet */
	struct reason_args args;
};

#define CT_MAX_MSGS 2

/* Window bound bits (kernel numbering I..IV) for ct_result.failed. */
enum {
	CT_BOUND_I = 1u << 0,	/* seq <= td_maxend            (data upper bound) */
	CT_BOUND_II = 1u << 1,	/* end >= td_end - maxwin      (data lower bound) */
	CT_BOUND_III = 1u << 2,	/* sack <= receiver td_end     (ack upper bound) */
	CT_BOUND_IV = 1u << 3,	/* sack >= td_end - MAXACKWIN  (ack lower bound) */
};

/* One packet remembered per flow, for explanations and timelines. */
struct ct_hist {
	uint64_t index;		/* record index in the capture */
	int64_t ts_ns;		/* capture time */
	uint32_t seq, ack, end;
	uint16_t win;		/* raw */
	uint16_t len;		/* payload bytes (capped) */
	uint8_t dir, tcp_flags, state_after;
	uint8_t verdict;	/* enum ct_verdict */
	uint8_t reason;		/* enum reason of the first message, or 0 */
};

#define CT_HIST_LEN 8

/* ct_flow_hist.bits[dir] */
enum {
	CT_FH_SYN = 1u << 0,	/* a SYN (original) / SYN-ACK (reply) was seen */
	CT_FH_END = 1u << 1,	/* max_end is set */
	CT_FH_ACK = 1u << 2,	/* max_ack is set */
	CT_FH_FIN = 1u << 3,	/* a FIN was sent */
	CT_FH_RST = 1u << 4,	/* an RST was sent */
};

/*
 * What an entry saw before the current packet, per direction ([0] original,
 * [1] reply), whatever the verdicts were: a few counters kept in every
 * entry (no allocation), for the diagnosis (diagnose.h).
 */
struct ct_flow_hist {
	uint32_t pkts[2];	/* packets (saturating) */
	uint32_t max_end[2];	/* highest seq + len (+SYN/FIN) sent (CT_FH_END) */
	uint32_t max_ack[2];	/* highest ACK sent (CT_FH_ACK) */
	uint32_t csum_bad[2];	/* packets with a bad checksum (saturating) */
	uint32_t isn[2];	/* sequence number of the last SYN (CT_FH_SYN) */
	uint16_t last_win[2];	/* raw window of the last packet */
	int8_t syn_wscale[2];	/* -2 no SYN seen, -1 SYN without the option, else 0..14 */
	uint8_t bits[2];	/* CT_FH_* */
	uint8_t last_flags[2];	/* TCP flags of the last packet */
};

/* How the entry a packet's tuple had before ended (ct_facts.ended). */
enum {
	CT_ENDED_NONE = 0,	/* no record (never existed, or forgotten) */
	CT_ENDED_EXPIRED,	/* timed out */
	CT_ENDED_KILLED,	/* removed at once (an RST closing it) */
	CT_ENDED_REJECTED,	/* never confirmed: its first packet was INVALID */
};

/*
 * Facts about one flagged packet and its flow, filled by the engine only for
 * packets with a log line or a verdict other than ACCEPT (valid = true).
 */
struct ct_facts {
	bool valid;
	uint64_t flow_id;	/* the entry the packet belongs to (or tried to create, or
				 * the ended entry of its tuple), 0 none */
	bool had_entry;		/* an entry existed before the packet */
	bool reassembled;	/* set by the caller: the datagram was reassembled (defrag.h) */
	bool csum_partial;	/* bad checksum whose field equals the pseudo-header sum
				 * (CHECKSUM_PARTIAL never completed: transmit offload) */
	uint8_t dir;		/* 0 original, 1 reply (0 when no entry) */
	uint8_t capture_dir;	/* enum pkt_dir: OUT = sent by the capturing host */
	uint8_t state_before;	/* TCP state before (TCP_CT_NONE when none) */
	uint8_t tcp_flags, doff, tcp_res;
	int8_t wscale;		/* the packet's wscale option, -1 none */
	uint8_t csum;		/* enum csum_state as conntrack verifies it */
	uint8_t csum_rfc;	/* enum csum_state as the RFC defines it (pkt.l4_csum) */
	bool is_fragment;	/* the packet itself is an (unreassembled) fragment */
	uint32_t notes;		/* enum pkt_note bits */
	uint32_t seq, ack, end, len, l4_len, ip_len;
	uint16_t win, udp_len;
	struct ct_flow_hist fh;	/* the flow before the packet (zero when no entry); when
				 * the entry ended (ended != NONE) the ended entry's */
	uint8_t ended;		/* CT_ENDED_*: no live entry, but one for this tuple ended */
	int64_t ended_ago_ns;	/* how long before the packet it ended */
	struct ct_tcp_snapshot snap;	/* TCP state before (valid = false when none) */
	struct ct_tcp_snapshot snap_after;	/* and after the packet (valid = false when none) */
	uint8_t n_hist;		/* timeline: hist[0..n_hist-1], oldest first, the packet last */
	struct ct_hist hist[CT_HIST_LEN + 1];
};

struct ct_result {
	enum ct_verdict verdict;	/* the packet's fate: ACCEPT, IGNORE, INVALID */
	uint8_t n_msgs;			/* log lines the kernel prints (log_invalid=255) */
	struct ct_msg msgs[CT_MAX_MSGS];
	const char *silent;		/* INVALID with no log line: why ("mid-stream pickup with tcp_loose=0") */
	bool tracked;			/* the packet was looked up in the table */
	bool new_flow;			/* it created the entry */
	uint64_t flow_id;		/* stable id of the entry (0 = none) */
	int dir;			/* 0 ORIGINAL, 1 REPLY, -1 none */
	uint8_t tcp_index;		/* TCP_SYN_SET..TCP_NONE_SET */
	struct ct_tcp_snapshot before, after;	/* TCP state around the packet */
	uint8_t failed;			/* CT_BOUND_* bits, all four evaluated */
	char check[256];		/* "" or the failed inequality in words with its values:
					 * "seq 3000 > sender td_maxend 2900: 100 bytes beyond
					 * the receiver's window" */
	bool table_full;		/* no entry could be made: the kernel drops the packet
					 * ("nf_conntrack: table full, dropping packet", verdict
					 * INVALID here, silent set) */
	uint8_t old_state, new_state;	/* TCP state before/after (TCP_CT_*; 0 when none) */
	struct ct_facts facts;		/* for the diagnosis (valid only for flagged packets;
					 * the other members are undefined when not valid) */
	/* facts stays last: ct_engine_packet() resets the members before it */
};

struct ct_engine;

/*
 * Kernel tick rate used where the kernel prints jiffies ("lower timeout to
 * %u"): CONFIG_HZ of the lab machines (250).  Other kernels may print other
 * numbers for the same timeout.
 */
#define CT_HZ 250

struct ct_engine_stats {
	uint64_t packets, tracked, invalid, ignored, logged;
	uint64_t flows_created, flows_expired, flows_live, flows_peak, early_drops;
	uint64_t table_full;
};

/* New engine with a copy of @pol.  NULL on out-of-memory. */
struct ct_engine *ct_engine_new(const struct ct_policy *pol);

/*
 * Run one packet through conntrack, as at PRE_ROUTING (pkt->dir != OUT) or
 * LOCAL_OUT (pkt->dir == OUT: no checksum checks).  Packets must come in
 * capture order; time is taken from pkt->ts_*.  Non-IP packets and
 * fragments that are not whole yet must not be passed (defrag.h first).
 * Fills *res; returns 0, or a negative enum err only on out-of-memory.
 */
int ct_engine_packet(struct ct_engine *e, const struct pkt *pkt, struct ct_result *res);

void ct_engine_stats(const struct ct_engine *e, struct ct_engine_stats *st);

/* What an entry that had a flagged packet saw in all (for the diagnosis). */
struct ct_flow_end {
	uint64_t flow_id;
	uint32_t pkts[2];	/* packets per direction over the entry's life (saturating) */
};

/*
 * Call @fn(@arg, ...) whenever an entry that had at least one packet with
 * facts (ct_result.facts.valid) leaves the table: expired, killed, replaced,
 * dropped, or still live when the engine is freed.  @fn may be NULL.
 */
void ct_engine_set_flow_end(struct ct_engine *e,
			    void (*fn)(void *arg, const struct ct_flow_end *fe), void *arg);

/* Bytes the engine's table currently holds (entries, hash, heap). */
size_t ct_engine_mem(const struct ct_engine *e);
void ct_engine_free(struct ct_engine *e);

/* Is @flags (TCP byte 13) a combination tcp_error() accepts (tcp_valid_flags[])? */
bool ct_tcp_flags_valid(uint8_t flags);

/* "ESTABLISHED" etc.; "?" out of range. */
const char *ct_tcp_state_name(unsigned state);

#endif
