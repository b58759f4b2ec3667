/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * diagnose.c - facts from packets, causes from rules/diagnosis.  See
 * diagnose.h for the model and diag_rules_load() below for the rule format.
 *
 * Meaning lives in code (the facts: what the capture shows about the
 * packet and its flow), wording and the facts -> cause mapping in data.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose.h"
#include "report.h"
#include "rules-load.h"
#include "util-seq.h"

#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMP 1
#define PROTO_ICMPV6 58
#define PROTO_UDPLITE 136

/* ct_tcp_dir.flags bits (kernel IP_CT_TCP_FLAG_*) */
#define TF_WINDOW_SCALE 0x01
#define TF_BE_LIBERAL 0x08

/* --- cause codes ---------------------------------------------------------- */

static const char *const cause_codes[] = {
#define DIAG_CAUSE_NAME(id, code) code,
	DIAG_CAUSES(DIAG_CAUSE_NAME)
#undef DIAG_CAUSE_NAME
};

const char *
cause_code(enum cause c)
{
	if ((unsigned)c < CAUSE_MAX)
		return cause_codes[c];
	return "unknown";
}

int
cause_from_code(const char *code, enum cause *out)
{
	for (unsigned i = 0; i < CAUSE_MAX; i++) {
		if (strcmp(cause_codes[i], code) == 0) {
			*out = (enum cause)i;
			return 0;
		}
	}
	return -1;
}

/* --- facts ---------------------------------------------------------------- */

enum ftype { FT_BOOL, FT_INT, FT_STR };

/*
 * Every fact a rule can test or a template can print.  "self" is the
 * sender of the packet, "peer" its receiver.  A fact the input cannot
 * establish is unknown: every predicate on it is false and a template line
 * that prints it is left out.
 */
#define DIAG_FACTS(X) \
	X(REASON,           "reason",               FT_STR)  /* reason code of the message */ \
	X(VERDICT,          "verdict",              FT_STR)  /* invalid | ignored | unknown */ \
	X(PROTO,            "proto",                FT_INT) \
	X(PROTO_NAME,       "proto.name",           FT_STR)  /* TCP, UDP, UDP-Lite, ICMP, ICMPv6 */ \
	X(MESSAGE,          "message",              FT_STR)  /* logged text (events) */ \
	X(CHECK,            "check",                FT_STR)  /* failed inequality in words */ \
	X(PKT_KNOWN,        "pkt.known",            FT_BOOL) /* a captured packet is behind it */ \
	X(PKT_OUTGOING,     "pkt.outgoing",         FT_BOOL) /* sent by the capturing host */ \
	X(PKT_CAPTURE_DIR,  "pkt.capture_dir",      FT_STR)  /* in | out (capture metadata) */ \
	X(PKT_DIR,          "pkt.dir",              FT_STR)  /* original | reply */ \
	X(PKT_FLAGS,        "pkt.flags",            FT_STR)  /* "SYN FIN" */ \
	X(PKT_SYN,          "pkt.syn",              FT_BOOL) \
	X(PKT_ACK,          "pkt.ack",              FT_BOOL) \
	X(PKT_FIN,          "pkt.fin",              FT_BOOL) \
	X(PKT_RST,          "pkt.rst",              FT_BOOL) \
	X(PKT_FLAG_PATTERN, "pkt.flag_pattern",     FT_STR)  /* valid null syn_fin syn_rst xmas fin_no_ack other */ \
	X(PKT_SEQ,          "pkt.seq",              FT_INT) \
	X(PKT_ACKNO,        "pkt.ackno",            FT_INT) \
	X(PKT_END,          "pkt.end",              FT_INT)  /* seq + len (+SYN, +FIN) */ \
	X(PKT_LEN,          "pkt.len",              FT_INT)  /* payload bytes */ \
	X(PKT_WIN,          "pkt.win",              FT_INT)  /* raw window field */ \
	X(PKT_WSCALE,       "pkt.wscale",           FT_INT)  /* option value, unknown when absent */ \
	X(PKT_CSUM_BAD,     "pkt.csum_bad",         FT_BOOL) \
	X(PKT_CSUM_PARTIAL, "pkt.csum_partial",     FT_BOOL) /* field = pseudo-header sum */ \
	X(PKT_CSUM_RFC_OK,  "pkt.csum_valid_per_rfc", FT_BOOL) /* the RFC checksum verifies */ \
	X(PKT_HEADER_BAD,   "pkt.header_bad",       FT_BOOL) \
	X(PKT_HEADER_WHAT,  "pkt.header_problem",   FT_STR) \
	X(PKT_DOFF,         "pkt.doff",             FT_INT)  /* TCP data offset, bytes */ \
	X(PKT_L4_LEN,       "pkt.l4_len",           FT_INT) \
	X(PKT_UDP_LEN,      "pkt.udp_len",          FT_INT) \
	X(PKT_FRAGMENT,     "pkt.fragment",         FT_BOOL) /* a fragment, or reassembled */ \
	X(PKT_REASSEMBLED,  "pkt.reassembled",      FT_BOOL) \
	X(PKT_PROBE,        "pkt.probe",            FT_BOOL) /* 0/1 byte at snd_una-1 or snd_nxt-1 */ \
	X(FLOW_HAD_ENTRY,   "flow.had_entry",       FT_BOOL) \
	X(FLOW_ENDED,       "flow.ended",           FT_BOOL) /* no entry, but one for the tuple ended */ \
	X(FLOW_ENDED_HOW,   "flow.ended_how",       FT_STR)  /* expired | killed | rejected */ \
	X(FLOW_ENDED_AGO,   "flow.ended_ago_ms",    FT_INT) \
	X(SILENT,           "silent",               FT_STR)  /* INVALID without a log line: the engine's why */ \
	X(PKT_PURE_ACK,     "pkt.pure_ack",         FT_BOOL) /* ACK only, no data */ \
	X(PKT_ACKS_ALL,     "pkt.acks_all",         FT_BOOL) /* ack = everything the peer was seen to send */ \
	X(PEER_LAST_FLAGS,  "peer.last_flag_pattern", FT_STR) /* pkt.flag_pattern of the peer's last packet */ \
	X(SYN_SAME_ISN,     "syn.same_isn",         FT_BOOL) /* a SYN repeating the sender's last SYN's seq */ \
	X(ACK_IN_PEER_WIN,  "ack.within_peer_window", FT_BOOL) /* ack <= what the peer was allowed to send */ \
	X(ACK_BELOW_OWN,    "ack.below_own",        FT_BOOL) /* the sender already acknowledged more before */ \
	X(ACK_BELOW_BY,     "ack.below_own_by",     FT_INT) \
	X(SELF_WIN_ZERO,    "self.window_zero",     FT_BOOL) /* the sender's previous window was 0 */ \
	X(SELF_PKTS_TOTAL,  "self.pkts_total",      FT_INT)  /* over the flow's whole life */ \
	X(PEER_PKTS_TOTAL,  "peer.pkts_total",      FT_INT) \
	X(PEER_NEVER_SEEN,  "peer.never_seen",      FT_BOOL) /* no packet of the other side, ever (or so far) */ \
	X(PEER_REJECTED,    "peer.rejected_cause",  FT_STR)  /* cause of the other side's last INVALID packet */ \
	X(ACK_COVERS_REJ,   "ack.covers_rejected",  FT_BOOL) /* ack beyond what conntrack accepted, within what was captured */ \
	X(FLOW_STATE,       "flow.state",           FT_STR)  /* TCP state before */ \
	X(FLOW_HANDSHAKE,   "flow.handshake_seen",  FT_BOOL) /* SYN and SYN-ACK captured */ \
	X(FLOW_SYN,         "flow.syn_seen",        FT_BOOL) \
	X(FLOW_SYNACK,      "flow.synack_seen",     FT_BOOL) \
	X(FLOW_PKTS,        "flow.pkts",            FT_INT)  /* packets before this one */ \
	X(SELF_PKTS,        "self.pkts",            FT_INT) \
	X(PEER_PKTS,        "peer.pkts",            FT_INT) \
	X(FLOW_FIN,         "flow.fin_seen",        FT_BOOL) \
	X(FLOW_RST,         "flow.rst_seen",        FT_BOOL) \
	X(SELF_FIN,         "self.fin_sent",        FT_BOOL) \
	X(PEER_FIN,         "peer.fin_sent",        FT_BOOL) \
	X(FLOW_CLOSED,      "flow.closed",          FT_BOOL) /* TIME_WAIT, CLOSE, or an RST went through */ \
	X(FLOW_CLOSING,     "flow.closing",         FT_BOOL) /* a FIN or RST was seen */ \
	X(FLOW_LIBERAL,     "flow.liberal",         FT_BOOL) /* window checks relaxed (pickup, be_liberal) */ \
	X(FLOW_RETRANS,     "flow.retrans",         FT_INT) \
	X(SELF_WSCALE,      "self.wscale_offered",  FT_INT)  /* -2 no SYN seen, -1 not offered */ \
	X(PEER_WSCALE,      "peer.wscale_offered",  FT_INT) \
	X(SELF_WSCALE_TXT,  "self.wscale_text",     FT_STR)  /* "window scale 7", "no window-scale option" */ \
	X(PEER_WSCALE_TXT,  "peer.wscale_text",     FT_STR) \
	X(WSCALE_ONE_SIDED, "wscale.one_sided",     FT_BOOL) /* both SYNs seen, one offered */ \
	X(SELF_MAX_END,     "self.max_end",         FT_INT) \
	X(PEER_MAX_END,     "peer.max_end",         FT_INT) \
	X(SELF_MAX_ACK,     "self.max_ack",         FT_INT) \
	X(PEER_MAX_ACK,     "peer.max_ack",         FT_INT) \
	X(ACK_BEYOND,       "ack.beyond_seen",      FT_BOOL) /* ACK above all the peer's captured data */ \
	X(ACK_BEYOND_BY,    "ack.beyond_by",        FT_INT) \
	X(SEQ_ACKED,        "seq.already_acked",    FT_BOOL) /* data the receiver acknowledged before */ \
	X(SEQ_ACKED_BY,     "seq.acked_by",         FT_INT)  /* peer.max_ack - pkt.end */ \
	X(SEQ_BEYOND_BY,    "seq.beyond_window_by", FT_INT)  /* pkt.end - self.td_maxend */ \
	X(PEER_LAST_WIN,    "peer.last_win",        FT_INT) \
	X(PEER_WIN_ZERO,    "peer.window_zero",     FT_BOOL) \
	X(PEER_WIN_KNOWN,   "peer.window_known",    FT_BOOL) /* handshake seen, checks not liberal */ \
	X(SELF_CSUM_BAD,    "self.csum_bad",        FT_INT)  /* bad checksums before, same sender */ \
	X(SELF_CSUM_ALL,    "self.csum_all_bad",    FT_BOOL) /* every packet of the sender was bad */ \
	X(BOUND_SEQ_OVER,   "bound.seq_over",       FT_BOOL) /* I */ \
	X(BOUND_SEQ_UNDER,  "bound.seq_under",      FT_BOOL) /* II */ \
	X(BOUND_ACK_OVER,   "bound.ack_over",       FT_BOOL) /* III */ \
	X(BOUND_ACK_UNDER,  "bound.ack_under",      FT_BOOL) /* IV */ \
	X(SELF_TD_END,      "self.td_end",          FT_INT) \
	X(SELF_TD_MAXEND,   "self.td_maxend",       FT_INT) \
	X(SELF_TD_MAXWIN,   "self.td_maxwin",       FT_INT) \
	X(SELF_SCALE,       "self.scale",           FT_INT) \
	X(PEER_TD_END,      "peer.td_end",          FT_INT) \
	X(PEER_TD_MAXEND,   "peer.td_maxend",       FT_INT) \
	X(PEER_TD_MAXWIN,   "peer.td_maxwin",       FT_INT) \
	X(PEER_SCALE,       "peer.scale",           FT_INT) \
	X(WIN_CHANGED,      "window.changed",       FT_BOOL) /* the packet moved the window state */ \
	X(SELF_TD_END_A,    "self.td_end_after",    FT_INT) \
	X(SELF_TD_MAXEND_A, "self.td_maxend_after", FT_INT) \
	X(SELF_TD_MAXWIN_A, "self.td_maxwin_after", FT_INT) \
	X(PEER_TD_END_A,    "peer.td_end_after",    FT_INT) \
	X(PEER_TD_MAXEND_A, "peer.td_maxend_after", FT_INT) \
	X(PEER_TD_MAXWIN_A, "peer.td_maxwin_after", FT_INT) \
	X(SYN_ON_ENTRY,     "syn.on_entry",         FT_BOOL) /* a SYN (no ACK) meets a live entry */ \
	X(LOG_PACKET,       "log.packet",           FT_STR)  /* the dump: "192.0.2.1:4000 -> ..." */ \
	X(LOG_TCP,          "log.tcp",              FT_STR)  /* "SEQ=.. ACK=.. WINDOW=.. SYN" */ \
	X(MATCH_WHY,        "match.why",            FT_STR)

enum fact_id {
#define DIAG_FACT_ENUM(id, name, type) F_##id,
	DIAG_FACTS(DIAG_FACT_ENUM)
#undef DIAG_FACT_ENUM
	F__COUNT
};

static const struct {
	const char *name;
	enum ftype type;
} fact_info[] = {
#define DIAG_FACT_INFO(id, name, type) { name, type },
	DIAG_FACTS(DIAG_FACT_INFO)
#undef DIAG_FACT_INFO
};

/* Facts that only restate the message: a rule needs at least one other. */
static bool
fact_is_message(int f)
{
	return f == F_REASON || f == F_VERDICT || f == F_PROTO || f == F_PROTO_NAME ||
	       f == F_MESSAGE || f == F_CHECK;
}

struct fval {
	bool known;
	int64_t i;		/* FT_BOOL, FT_INT */
	const char *s;		/* FT_STR (borrowed, or buf) */
	char buf[112];
};

struct facts {
	struct fval v[F__COUNT];
};

static int
fact_lookup(const char *name, size_t n)
{
	for (int i = 0; i < F__COUNT; i++)
		if (strlen(fact_info[i].name) == n && memcmp(fact_info[i].name, name, n) == 0)
			return i;
	return -1;
}

static void
set_b(struct facts *f, enum fact_id id, bool v)
{
	f->v[id].known = true;
	f->v[id].i = v;
}

static void
set_i(struct facts *f, enum fact_id id, int64_t v)
{
	f->v[id].known = true;
	f->v[id].i = v;
}

static void
set_s(struct facts *f, enum fact_id id, const char *s)
{
	if (!s || !*s)
		return;
	f->v[id].known = true;
	f->v[id].s = s;
}

static void
set_fmt(struct facts *f, enum fact_id id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
set_fmt(struct facts *f, enum fact_id id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->v[id].buf, sizeof(f->v[id].buf), fmt, ap);
	va_end(ap);
	f->v[id].known = true;
	f->v[id].s = f->v[id].buf;
}

/* What a side's SYN said about window scaling (ct_flow_hist.syn_wscale). */
static void
set_wscale_text(struct facts *f, enum fact_id id, int8_t ws)
{
	if (ws >= 0)
		set_fmt(f, id, "window scale %d", ws);
	else if (ws == -1)
		set_s(f, id, "no window-scale option");
	else
		set_s(f, id, "no SYN captured");
}

/* tcp_valid_flags[] of the kernel, as a pattern name for the others. */
static const char *
flag_pattern(uint8_t flags)
{
	uint8_t f = flags & (TCPF_FIN | TCPF_SYN | TCPF_RST | TCPF_ACK | TCPF_URG);

	if (ct_tcp_flags_valid(flags))
		return "valid";
	if ((flags & (TCPF_FIN | TCPF_PSH | TCPF_URG)) == (TCPF_FIN | TCPF_PSH | TCPF_URG))
		return "xmas";
	if ((f & (TCPF_SYN | TCPF_FIN)) == (TCPF_SYN | TCPF_FIN))
		return "syn_fin";
	if ((f & (TCPF_SYN | TCPF_RST)) == (TCPF_SYN | TCPF_RST))
		return "syn_rst";
	if ((flags & 0x3f) == 0)
		return "null";
	if (f & TCPF_FIN)
		return "fin_no_ack";
	return "other";
}

/* What is wrong with the L4 header as captured, or NULL. */
static const char *
header_problem(const struct diag_input *in, const struct ct_facts *fc, char *buf, size_t size)
{
	if (fc->notes & (PKT_NOTE_IP_BAD | PKT_NOTE_IP_LEN_GT_WIRE)) {
		snprintf(buf, size, "IP length %" PRIu32 " does not fit the frame or header", fc->ip_len);
		return buf;
	}
	switch (in->proto) {
	case PROTO_TCP:
		if (fc->l4_len < 20) {
			snprintf(buf, size, "%" PRIu32 " bytes of TCP header, fewer than the 20-byte minimum",
				 fc->l4_len);
			return buf;
		}
		if (fc->doff < 5) {
			snprintf(buf, size, "data offset %u bytes, below the 20-byte minimum",
				 fc->doff * 4u);
			return buf;
		}
		if ((uint32_t)fc->doff * 4 > fc->l4_len) {
			snprintf(buf, size, "data offset %u bytes, beyond the %" PRIu32 " bytes of the segment",
				 fc->doff * 4u, fc->l4_len);
			return buf;
		}
		return NULL;
	case PROTO_UDP:
		if (fc->l4_len < 8) {
			snprintf(buf, size, "%" PRIu32 " bytes of UDP header, fewer than 8", fc->l4_len);
			return buf;
		}
		if (fc->udp_len > fc->l4_len || fc->udp_len < 8) {
			snprintf(buf, size, "UDP length field %u, but the IP payload is %" PRIu32 " bytes",
				 fc->udp_len, fc->l4_len);
			return buf;
		}
		return NULL;
	case PROTO_UDPLITE:
		if (fc->l4_len < 8) {
			snprintf(buf, size, "%" PRIu32 " bytes of UDP-Lite header, fewer than 8", fc->l4_len);
			return buf;
		}
		if (fc->udp_len != 0 && (fc->udp_len < 8 || fc->udp_len > fc->l4_len)) {
			snprintf(buf, size, "UDP-Lite checksum coverage %u outside 8..%" PRIu32,
				 fc->udp_len, fc->l4_len);
			return buf;
		}
		return NULL;
	case PROTO_ICMP:
	case PROTO_ICMPV6:
		if (fc->l4_len < 8) {
			snprintf(buf, size, "%" PRIu32 " bytes of ICMP header, fewer than 8", fc->l4_len);
			return buf;
		}
		return NULL;
	default:
		return NULL;
	}
}

static void
eval_log_facts(struct facts *f, const struct log_event *ev)
{
	char a[INET6_ADDRSTRLEN + 1], b[INET6_ADDRSTRLEN + 1], fl[40];
	const struct nflog_pkt *p = &ev->pkt;

	set_s(f, F_MESSAGE, ev->message);
	if (!ev->has_pkt)
		return;
	report_fmt_addr(p->family, &p->src, a, sizeof(a));
	report_fmt_addr(p->family, &p->dst, b, sizeof(b));
	if (p->proto == PROTO_TCP || p->proto == PROTO_UDP || p->proto == PROTO_UDPLITE)
		set_fmt(f, F_LOG_PACKET, "%s port %u -> %s port %u, IP length %" PRIu32, a,
			p->sport, b, p->dport, p->len);
	else
		set_fmt(f, F_LOG_PACKET, "%s -> %s, protocol %u, IP length %" PRIu32, a, b,
			p->proto, p->len);
	if (p->proto == PROTO_TCP) {
		report_fmt_tcp_flags(p->tcp_flags, p->ae, fl, sizeof(fl));
		set_fmt(f, F_LOG_TCP, "SEQ=%" PRIu32 " ACK=%" PRIu32 " WINDOW=%u %s", p->seq,
			p->ack, p->window, fl[0] ? fl : "(no flags)");
	}
}

static const char *
proto_name(uint8_t proto)
{
	switch (proto) {
	case PROTO_TCP:
		return "TCP";
	case PROTO_UDP:
		return "UDP";
	case PROTO_UDPLITE:
		return "UDP-Lite";
	case PROTO_ICMP:
		return "ICMP";
	case PROTO_ICMPV6:
		return "ICMPv6";
	default:
		return NULL;
	}
}

static void
eval_facts(const struct diag_input *in, struct facts *f)
{
	const struct ct_facts *fc = in->facts;
	const struct ct_flow_hist *fh;
	const struct ct_tcp_dir *self = NULL, *peer = NULL;
	int d, o;
	char hbuf[96];
	const char *hp;

	memset(f, 0, sizeof(*f));
	if (!in->silent)
		set_s(f, F_REASON, reason_code(in->reason));
	set_s(f, F_VERDICT, in->silent ? "invalid" : in->reason == REASON_UNRECOGNIZED ? "unknown"
			    : ct_verdict_name(in->verdict));
	set_i(f, F_PROTO, in->proto);
	set_s(f, F_PROTO_NAME, proto_name(in->proto));
	set_s(f, F_CHECK, in->check);
	set_s(f, F_SILENT, in->silent);
	set_s(f, F_MATCH_WHY, in->match_why);
	if (in->ev)
		eval_log_facts(f, in->ev);
	set_b(f, F_PKT_KNOWN, fc && fc->valid);
	if (!fc || !fc->valid)
		return;

	/* the packet */
	d = fc->dir;
	o = !d;
	fh = &fc->fh;
	set_b(f, F_PKT_OUTGOING, fc->capture_dir == PKT_DIR_OUT);
	if (fc->capture_dir != PKT_DIR_UNKNOWN)
		set_s(f, F_PKT_CAPTURE_DIR, fc->capture_dir == PKT_DIR_OUT ? "out" : "in");
	if (fc->had_entry)
		set_s(f, F_PKT_DIR, d ? "reply" : "original");
	set_b(f, F_PKT_CSUM_BAD, fc->csum == CSUM_BAD);
	set_b(f, F_PKT_CSUM_PARTIAL, fc->csum_partial);
	if (fc->csum_rfc != CSUM_UNKNOWN)
		set_b(f, F_PKT_CSUM_RFC_OK, fc->csum_rfc == CSUM_OK || fc->csum_rfc == CSUM_ZERO);
	set_b(f, F_PKT_FRAGMENT, fc->is_fragment || fc->reassembled);
	set_b(f, F_PKT_REASSEMBLED, fc->reassembled);
	set_i(f, F_PKT_L4_LEN, fc->l4_len);
	set_i(f, F_PKT_LEN, fc->len);
	hp = header_problem(in, fc, hbuf, sizeof(hbuf));
	set_b(f, F_PKT_HEADER_BAD, hp != NULL);
	if (hp)
		set_fmt(f, F_PKT_HEADER_WHAT, "%s", hp);
	if (in->proto == PROTO_UDP || in->proto == PROTO_UDPLITE)
		set_i(f, F_PKT_UDP_LEN, fc->udp_len);
	if (in->proto == PROTO_TCP) {
		char fl[40];

		report_fmt_tcp_flags(fc->tcp_flags, fc->tcp_res & 1, fl, sizeof(fl));
		set_fmt(f, F_PKT_FLAGS, "%s", fl[0] ? fl : "(none)");
		set_b(f, F_PKT_SYN, fc->tcp_flags & TCPF_SYN);
		set_b(f, F_PKT_ACK, fc->tcp_flags & TCPF_ACK);
		set_b(f, F_PKT_FIN, fc->tcp_flags & TCPF_FIN);
		set_b(f, F_PKT_RST, fc->tcp_flags & TCPF_RST);
		set_s(f, F_PKT_FLAG_PATTERN, flag_pattern(fc->tcp_flags));
		set_i(f, F_PKT_DOFF, fc->doff * 4);
		if (!hp) {
			set_i(f, F_PKT_SEQ, fc->seq);
			set_i(f, F_PKT_ACKNO, fc->ack);
			set_i(f, F_PKT_END, fc->end);
			set_i(f, F_PKT_WIN, fc->win);
			if (fc->wscale >= 0)
				set_i(f, F_PKT_WSCALE, fc->wscale);
		}
	}

	/* the flow before the packet (or the ended entry of its tuple) */
	set_b(f, F_FLOW_HAD_ENTRY, fc->had_entry);
	set_b(f, F_FLOW_ENDED, !fc->had_entry && fc->ended != CT_ENDED_NONE);
	if (!fc->had_entry && fc->ended != CT_ENDED_NONE) {
		set_s(f, F_FLOW_ENDED_HOW, fc->ended == CT_ENDED_EXPIRED ? "expired"
					   : fc->ended == CT_ENDED_KILLED ? "killed" : "rejected");
		set_i(f, F_FLOW_ENDED_AGO, fc->ended_ago_ns / 1000000);
	}
	if (in->proto != PROTO_TCP)
		goto counts;
	set_s(f, F_FLOW_STATE, fc->snap.valid ? ct_tcp_state_name(fc->state_before) : "NONE");
	set_b(f, F_FLOW_SYN, fh->bits[0] & CT_FH_SYN);
	set_b(f, F_FLOW_SYNACK, fh->bits[1] & CT_FH_SYN);
	set_b(f, F_FLOW_HANDSHAKE, (fh->bits[0] & CT_FH_SYN) && (fh->bits[1] & CT_FH_SYN));
	set_b(f, F_FLOW_FIN, (fh->bits[0] | fh->bits[1]) & CT_FH_FIN);
	set_b(f, F_FLOW_RST, (fh->bits[0] | fh->bits[1]) & CT_FH_RST);
	set_b(f, F_SELF_FIN, fh->bits[d] & CT_FH_FIN);
	set_b(f, F_PEER_FIN, fh->bits[o] & CT_FH_FIN);
	set_b(f, F_FLOW_CLOSING, (fh->bits[0] | fh->bits[1]) & (CT_FH_FIN | CT_FH_RST));
	set_b(f, F_FLOW_CLOSED, (fc->snap.valid && (fc->state_before == TCP_CT_TIME_WAIT ||
						    fc->state_before == TCP_CT_CLOSE)) ||
				((fh->bits[0] | fh->bits[1]) & CT_FH_RST));
	set_i(f, F_SELF_WSCALE, fh->syn_wscale[d]);
	set_i(f, F_PEER_WSCALE, fh->syn_wscale[o]);
	set_wscale_text(f, F_SELF_WSCALE_TXT, fh->syn_wscale[d]);
	set_wscale_text(f, F_PEER_WSCALE_TXT, fh->syn_wscale[o]);
	set_b(f, F_WSCALE_ONE_SIDED, fh->syn_wscale[0] >= -1 && fh->syn_wscale[1] >= -1 &&
				     ((fh->syn_wscale[0] < 0) != (fh->syn_wscale[1] < 0)));
	set_b(f, F_SYN_ON_ENTRY, fc->had_entry && (fc->tcp_flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN);
	if ((fc->tcp_flags & TCPF_SYN) && (fh->bits[d] & CT_FH_SYN))
		set_b(f, F_SYN_SAME_ISN, fc->seq == fh->isn[d]);
	if (!hp)
		set_b(f, F_PKT_PURE_ACK, (fc->tcp_flags & (TCPF_SYN | TCPF_FIN | TCPF_RST | TCPF_ACK)) ==
					 TCPF_ACK && fc->len == 0);
	if (!hp && (fc->tcp_flags & TCPF_ACK) && (fh->bits[o] & CT_FH_END))
		set_b(f, F_PKT_ACKS_ALL, fc->ack == fh->max_end[o]);
	if (fh->pkts[o])
		set_s(f, F_PEER_LAST_FLAGS, flag_pattern(fh->last_flags[o]));
	if (fh->pkts[d])
		set_b(f, F_SELF_WIN_ZERO, fh->last_win[d] == 0);
	if (fh->bits[d] & CT_FH_END)
		set_i(f, F_SELF_MAX_END, fh->max_end[d]);
	if (fh->bits[o] & CT_FH_END)
		set_i(f, F_PEER_MAX_END, fh->max_end[o]);
	if (fh->bits[d] & CT_FH_ACK)
		set_i(f, F_SELF_MAX_ACK, fh->max_ack[d]);
	if (fh->bits[o] & CT_FH_ACK)
		set_i(f, F_PEER_MAX_ACK, fh->max_ack[o]);
	if (!hp && (fc->tcp_flags & TCPF_ACK) && (fh->bits[o] & CT_FH_END)) {
		bool beyond = seq_after(fc->ack, fh->max_end[o]);

		set_b(f, F_ACK_BEYOND, beyond);
		if (beyond)
			set_i(f, F_ACK_BEYOND_BY, (uint32_t)(fc->ack - fh->max_end[o]));
	}
	if (!hp && (fc->tcp_flags & TCPF_ACK) && (fh->bits[d] & CT_FH_ACK)) {
		bool below = seq_before(fc->ack, fh->max_ack[d]);

		set_b(f, F_ACK_BELOW_OWN, below);
		if (below)
			set_i(f, F_ACK_BELOW_BY, (uint32_t)(fh->max_ack[d] - fc->ack));
	}
	if (!hp && (fh->bits[o] & CT_FH_ACK)) {
		bool acked = fc->len > 0 && !seq_after(fc->end, fh->max_ack[o]);

		set_b(f, F_SEQ_ACKED, acked);
		if (acked)
			set_i(f, F_SEQ_ACKED_BY, (uint32_t)(fh->max_ack[o] - fc->end));
	}
	if (fh->pkts[o]) {
		set_i(f, F_PEER_LAST_WIN, fh->last_win[o]);
		set_b(f, F_PEER_WIN_ZERO, fh->last_win[o] == 0);
	}
	if (fc->snap.valid) {
		self = &fc->snap.seen[d];
		peer = &fc->snap.seen[o];
		set_b(f, F_FLOW_LIBERAL, (self->flags | peer->flags) & TF_BE_LIBERAL);
		set_i(f, F_FLOW_RETRANS, fc->snap.retrans);
		set_i(f, F_SELF_TD_END, self->td_end);
		set_i(f, F_SELF_TD_MAXEND, self->td_maxend);
		set_i(f, F_SELF_TD_MAXWIN, self->td_maxwin);
		set_i(f, F_SELF_SCALE, self->td_scale);
		set_i(f, F_PEER_TD_END, peer->td_end);
		set_i(f, F_PEER_TD_MAXEND, peer->td_maxend);
		set_i(f, F_PEER_TD_MAXWIN, peer->td_maxwin);
		set_i(f, F_PEER_SCALE, peer->td_scale);
		if (fc->snap_after.valid) {
			const struct ct_tcp_dir *sa = &fc->snap_after.seen[d], *pa = &fc->snap_after.seen[o];

			set_b(f, F_WIN_CHANGED, memcmp(sa, self, sizeof(*sa)) != 0 ||
						memcmp(pa, peer, sizeof(*pa)) != 0);
			set_i(f, F_SELF_TD_END_A, sa->td_end);
			set_i(f, F_SELF_TD_MAXEND_A, sa->td_maxend);
			set_i(f, F_SELF_TD_MAXWIN_A, sa->td_maxwin);
			set_i(f, F_PEER_TD_END_A, pa->td_end);
			set_i(f, F_PEER_TD_MAXEND_A, pa->td_maxend);
			set_i(f, F_PEER_TD_MAXWIN_A, pa->td_maxwin);
		}
		set_b(f, F_PEER_WIN_KNOWN,
		      f->v[F_FLOW_HANDSHAKE].i && !((self->flags | peer->flags) & TF_BE_LIBERAL));
		if (!hp && (fc->tcp_flags & TCPF_ACK))
			set_b(f, F_ACK_IN_PEER_WIN, !seq_after(fc->ack, peer->td_maxend));
		if (!hp && seq_after(fc->end, self->td_maxend))
			set_i(f, F_SEQ_BEYOND_BY, (uint32_t)(fc->end - self->td_maxend));
		/* a window probe: no SYN/FIN/RST, 0 or 1 byte, at snd_una - 1
		 * (tcp_xmit_probe_skb) or snd_nxt - 1 (the last byte again) */
		if (!hp)
			set_b(f, F_PKT_PROBE,
			      !(fc->tcp_flags & (TCPF_SYN | TCPF_FIN | TCPF_RST)) &&
			      (fc->tcp_flags & TCPF_ACK) && fc->len <= 1 &&
			      (fc->seq == self->td_end - 1 ||
			       ((fh->bits[o] & CT_FH_ACK) && fc->seq == fh->max_ack[o] - 1)));
	}
	set_b(f, F_BOUND_SEQ_OVER, in->failed & CT_BOUND_I);
	set_b(f, F_BOUND_SEQ_UNDER, in->failed & CT_BOUND_II);
	set_b(f, F_BOUND_ACK_OVER, in->failed & CT_BOUND_III);
	set_b(f, F_BOUND_ACK_UNDER, in->failed & CT_BOUND_IV);
counts:
	if (in->final_pkts) {
		set_i(f, F_SELF_PKTS_TOTAL, in->final_pkts[d]);
		set_i(f, F_PEER_PKTS_TOTAL, in->final_pkts[o]);
	}
	if (fc->had_entry)
		set_b(f, F_PEER_NEVER_SEEN, in->final_pkts ? in->final_pkts[o] == 0 : fh->pkts[o] == 0);
	if (in->peer_rejected >= 0 && in->peer_rejected < CAUSE_MAX)
		set_s(f, F_PEER_REJECTED, cause_code((enum cause)in->peer_rejected));
	if (in->proto == PROTO_TCP && !hp && fc->snap.valid && (fc->tcp_flags & TCPF_ACK) &&
	    (fh->bits[o] & CT_FH_END))
		set_b(f, F_ACK_COVERS_REJ, seq_after(fc->ack, fc->snap.seen[o].td_end) &&
					   !seq_after(fc->ack, fh->max_end[o]));
	set_i(f, F_FLOW_PKTS, (int64_t)fh->pkts[0] + fh->pkts[1]);
	if (fc->had_entry || fc->ended != CT_ENDED_NONE) {
		set_i(f, F_SELF_PKTS, fh->pkts[d]);
		set_i(f, F_PEER_PKTS, fh->pkts[o]);
		set_i(f, F_SELF_CSUM_BAD, fh->csum_bad[d]);
		set_b(f, F_SELF_CSUM_ALL, fc->csum == CSUM_BAD && fh->csum_bad[d] == fh->pkts[d]);
	} else {
		/* no entry: this packet is all the sender has shown */
		set_b(f, F_SELF_CSUM_ALL, fc->csum == CSUM_BAD);
	}
}

/* --- predicates ----------------------------------------------------------- */

enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_NOT_IN };
enum rhs { RHS_INT, RHS_BOOL, RHS_STR, RHS_LIST, RHS_FACT };

struct pred {
	int fact;
	enum op op;
	enum rhs kind;
	int64_t i;
	int rfact;
	char **list;		/* RHS_STR (one) and RHS_LIST */
	size_t n_list;
};

static void
pred_release(struct pred *p)
{
	for (size_t i = 0; i < p->n_list; i++)
		free(p->list[i]);
	free(p->list);
}

static const char *
skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static size_t
word_len(const char *s)
{
	size_t n = 0;

	while (s[n] && (s[n] == '_' || s[n] == '.' || s[n] == '-' ||
			(s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
			(s[n] >= '0' && s[n] <= '9')))
		n++;
	return n;
}

static int
list_add(struct pred *p, const char *s, size_t n)
{
	char **nl = xreallocarray(p->list, p->n_list + 1, sizeof(*nl));

	if (!nl)
		return -1;
	p->list = nl;
	p->list[p->n_list] = xstrndup(s, n);
	if (!p->list[p->n_list])
		return -1;
	p->n_list++;
	return 0;
}

/*
 * Parse "FACT OP VALUE": OP is == != < <= > >= in "not in"; VALUE an
 * integer, true, false, a word or "quoted text", [w1, w2, ...] (in / not
 * in), or another fact.  Returns 0, or -1 with @err set.
 */
static int
pred_parse(const char *s, struct pred *p, char *err, size_t esz)
{
	size_t n;
	enum ftype lt;

	memset(p, 0, sizeof(*p));
	s = skip_ws(s);
	n = word_len(s);
	p->fact = fact_lookup(s, n);
	if (p->fact < 0) {
		snprintf(err, esz, "unknown fact '%.*s'", (int)(n ? n : strlen(s)), s);
		return -1;
	}
	lt = fact_info[p->fact].type;
	s = skip_ws(s + n);
	if (strncmp(s, "==", 2) == 0) {
		p->op = OP_EQ, s += 2;
	} else if (strncmp(s, "!=", 2) == 0) {
		p->op = OP_NE, s += 2;
	} else if (strncmp(s, "<=", 2) == 0) {
		p->op = OP_LE, s += 2;
	} else if (strncmp(s, ">=", 2) == 0) {
		p->op = OP_GE, s += 2;
	} else if (*s == '<') {
		p->op = OP_LT, s++;
	} else if (*s == '>') {
		p->op = OP_GT, s++;
	} else if (strncmp(s, "in ", 3) == 0) {
		p->op = OP_IN, s += 2;
	} else if (strncmp(s, "not in ", 7) == 0) {
		p->op = OP_NOT_IN, s += 6;
	} else {
		snprintf(err, esz, "expected an operator after '%s'", fact_info[p->fact].name);
		return -1;
	}
	s = skip_ws(s);
	if (p->op == OP_IN || p->op == OP_NOT_IN) {
		if (lt != FT_STR && lt != FT_INT) {
			snprintf(err, esz, "'in' needs a text or number fact");
			return -1;
		}
		if (*s != '[') {
			snprintf(err, esz, "expected [ ... ] after in");
			return -1;
		}
		p->kind = RHS_LIST;
		s = skip_ws(s + 1);
		while (*s && *s != ']') {
			n = word_len(s);
			if (n == 0 || list_add(p, s, n) < 0) {
				snprintf(err, esz, n ? "out of memory" : "bad list item at '%s'", s);
				return -1;
			}
			s = skip_ws(s + n);
			if (*s == ',')
				s = skip_ws(s + 1);
		}
		if (*s != ']' || *skip_ws(s + 1)) {
			snprintf(err, esz, "unterminated list");
			return -1;
		}
		return 0;
	}
	if (*s == '"') {
		const char *e = strchr(s + 1, '"');

		if (!e || *skip_ws(e + 1)) {
			snprintf(err, esz, "bad quoted value");
			return -1;
		}
		p->kind = RHS_STR;
		if (list_add(p, s + 1, (size_t)(e - s - 1)) < 0) {
			snprintf(err, esz, "out of memory");
			return -1;
		}
	} else {
		n = word_len(s);
		if (n == 0 || *skip_ws(s + n)) {
			snprintf(err, esz, "bad value '%s'", s);
			return -1;
		}
		if ((p->rfact = fact_lookup(s, n)) >= 0) {
			p->kind = RHS_FACT;
			if (fact_info[p->rfact].type != lt) {
				snprintf(err, esz, "'%s' and '%s' are of different types",
					 fact_info[p->fact].name, fact_info[p->rfact].name);
				return -1;
			}
		} else if (n == 4 && strncmp(s, "true", 4) == 0) {
			p->kind = RHS_BOOL, p->i = 1;
		} else if (n == 5 && strncmp(s, "false", 5) == 0) {
			p->kind = RHS_BOOL, p->i = 0;
		} else if ((*s >= '0' && *s <= '9') || *s == '-') {
			char *end;

			errno = 0;
			p->i = strtoll(s, &end, 10);
			if (errno || (size_t)(end - s) != n) {
				snprintf(err, esz, "bad number '%.*s'", (int)n, s);
				return -1;
			}
			p->kind = RHS_INT;
		} else {
			p->kind = RHS_STR;
			if (list_add(p, s, n) < 0) {
				snprintf(err, esz, "out of memory");
				return -1;
			}
		}
	}
	/* types */
	if ((lt == FT_BOOL && p->kind != RHS_BOOL && p->kind != RHS_FACT) ||
	    (lt == FT_INT && p->kind != RHS_INT && p->kind != RHS_FACT) ||
	    (lt == FT_STR && p->kind != RHS_STR && p->kind != RHS_FACT)) {
		snprintf(err, esz, "value does not fit the type of '%s'", fact_info[p->fact].name);
		return -1;
	}
	if (lt != FT_INT && p->op != OP_EQ && p->op != OP_NE) {
		snprintf(err, esz, "'%s' can only be compared with == or !=", fact_info[p->fact].name);
		return -1;
	}
	if (lt == FT_STR && p->kind == RHS_STR && p->fact == F_REASON) {
		enum reason r;

		if (reason_from_code(p->list[0], &r) < 0) {
			snprintf(err, esz, "unknown reason '%s'", p->list[0]);
			return -1;
		}
	}
	return 0;
}

static bool
pred_holds(const struct pred *p, const struct facts *f)
{
	const struct fval *l = &f->v[p->fact];
	int c;

	if (!l->known)
		return false;
	switch (p->kind) {
	case RHS_LIST: {
		bool in = false;

		for (size_t i = 0; i < p->n_list && !in; i++) {
			if (fact_info[p->fact].type == FT_STR)
				in = strcmp(l->s, p->list[i]) == 0;
			else
				in = strtoll(p->list[i], NULL, 10) == l->i;
		}
		return p->op == OP_IN ? in : !in;
	}
	case RHS_FACT: {
		const struct fval *r = &f->v[p->rfact];

		if (!r->known)
			return false;
		if (fact_info[p->fact].type == FT_STR)
			c = strcmp(l->s, r->s);
		else
			c = (l->i > r->i) - (l->i < r->i);
		break;
	}
	case RHS_STR:
		c = strcmp(l->s, p->list[0]);
		break;
	case RHS_BOOL:
		c = (l->i != 0) != (p->i != 0);
		break;
	case RHS_INT:
	default:
		c = (l->i > p->i) - (l->i < p->i);
		break;
	}
	switch (p->op) {
	case OP_EQ:
		return c == 0;
	case OP_NE:
		return c != 0;
	case OP_LT:
		return c < 0;
	case OP_LE:
		return c <= 0;
	case OP_GT:
		return c > 0;
	case OP_GE:
		return c >= 0;
	default:
		return false;
	}
}

/* --- templates ------------------------------------------------------------ */

/* Check every {fact} of @t names a fact.  0, or -1 with @err. */
static int
tmpl_check(const char *t, char *err, size_t esz)
{
	for (const char *p = strchr(t, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');

		if (!e) {
			snprintf(err, esz, "unterminated '{' in \"%.40s\"", t);
			return -1;
		}
		if (fact_lookup(p + 1, (size_t)(e - p - 1)) < 0) {
			snprintf(err, esz, "unknown fact '{%.*s}' in a template", (int)(e - p - 1), p + 1);
			return -1;
		}
	}
	return 0;
}

/*
 * Render @t.  A fact it prints that is unknown makes it NULL, or with
 * @lenient prints "?" (a sentence is always shown).  NULL with *oom set on
 * out-of-memory.
 */
static char *
tmpl_render(const char *t, const struct facts *f, bool lenient, bool *oom)
{
	size_t cap = strlen(t) + 64, n = 0;
	char *out = malloc(cap);

	if (!out) {
		*oom = true;
		return NULL;
	}
	while (*t) {
		char val[128];
		const char *v, *e;
		size_t vl;

		if (*t != '{' || !(e = strchr(t, '}'))) {
			v = t;
			vl = 1;
			t++;
		} else {
			int id = fact_lookup(t + 1, (size_t)(e - t - 1));
			const struct fval *fv;

			t = e + 1;
			if ((id < 0 || !f->v[id].known) && !lenient) {
				free(out);
				return NULL;
			}
			fv = id >= 0 ? &f->v[id] : NULL;
			if (!fv || !fv->known)
				v = "?";
			else if (fact_info[id].type == FT_STR)
				v = fv->s;
			else if (fact_info[id].type == FT_BOOL)
				v = fv->i ? "yes" : "no";
			else
				v = (snprintf(val, sizeof(val), "%" PRId64, fv->i), val);
			vl = strlen(v);
		}
		if (n + vl + 1 > cap) {
			char *no;

			cap = (n + vl + 1) * 2;
			no = realloc(out, cap);
			if (!no) {
				free(out);
				*oom = true;
				return NULL;
			}
			out = no;
		}
		memcpy(out + n, v, vl);
		n += vl;
	}
	out[n] = '\0';
	return out;
}

/* --- rules ---------------------------------------------------------------- */

struct evid {
	struct pred *when;
	size_t n_when;
	char *text;
};

struct remedy_def {
	char *key, *name, *text, *tradeoff;
};

struct drule {
	char *id;
	char *path;
	enum cause cause;
	int cause_from;			/* fact whose value is the cause, -1 none */
	const char *confidence;		/* static */
	struct pred *when;
	size_t n_when;
	char *sentence;
	struct evid *ev;
	size_t n_ev;
	char *cons[3];			/* consequence for invalid, ignored, other */
	char **rem_keys;
	size_t n_rem;
	size_t *rem;			/* resolved indices into remedies */
};

struct diag_rules {
	struct drule *v;
	size_t n;
	struct remedy_def *rem;
	size_t n_rem;
	struct evid *common;		/* file-level "evidence", appended to every diagnosis */
	size_t n_common;
};

static void
evid_release(struct evid *e)
{
	for (size_t i = 0; i < e->n_when; i++)
		pred_release(&e->when[i]);
	free(e->when);
	free(e->text);
}

static void
drule_release(struct drule *r)
{
	free(r->id);
	free(r->path);
	for (size_t i = 0; i < r->n_when; i++)
		pred_release(&r->when[i]);
	free(r->when);
	free(r->sentence);
	for (size_t i = 0; i < r->n_ev; i++)
		evid_release(&r->ev[i]);
	free(r->ev);
	for (int i = 0; i < 3; i++)
		free(r->cons[i]);
	for (size_t i = 0; i < r->n_rem; i++)
		free(r->rem_keys[i]);
	free(r->rem_keys);
	free(r->rem);
	memset(r, 0, sizeof(*r));
}

void
diag_rules_free(struct diag_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		drule_release(&r->v[i]);
	free(r->v);
	for (size_t i = 0; i < r->n_rem; i++) {
		free(r->rem[i].key);
		free(r->rem[i].name);
		free(r->rem[i].text);
		free(r->rem[i].tradeoff);
	}
	free(r->rem);
	for (size_t i = 0; i < r->n_common; i++)
		evid_release(&r->common[i]);
	free(r->common);
	free(r);
}

size_t
diag_rules_count(const struct diag_rules *r)
{
	return r ? r->n : 0;
}

static char *
dupstr(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* "when": [ "pred", ... ] -> preds.  0, or -1 with @err. */
static int
parse_when(json_t *arr, struct pred **out, size_t *n, char *err, size_t esz)
{
	*out = NULL;
	*n = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr)) {
		snprintf(err, esz, "\"when\" must be a list of conditions");
		return -1;
	}
	*out = xcalloc(json_array_size(arr) + 1, sizeof(**out));
	if (!*out) {
		snprintf(err, esz, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const char *s = json_string_value(json_array_get(arr, i));

		if (!s) {
			snprintf(err, esz, "condition %zu is not a string", i + 1);
			return -1;
		}
		if (pred_parse(s, &(*out)[i], err, esz) < 0) {
			size_t l = strlen(err);

			snprintf(err + l, esz - l, " in \"%s\"", s);
			pred_release(&(*out)[i]);
			return -1;
		}
		(*n)++;
	}
	return 0;
}

/* "evidence": [ "template" | {"when": [...], "text": "template"} ] */
static int
parse_evidence(json_t *arr, struct evid **out, size_t *n, char *err, size_t esz)
{
	*out = NULL;
	*n = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr)) {
		snprintf(err, esz, "\"evidence\" must be a list");
		return -1;
	}
	*out = xcalloc(json_array_size(arr) + 1, sizeof(**out));
	if (!*out) {
		snprintf(err, esz, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *it = json_array_get(arr, i), *when = NULL;
		struct evid *e = &(*out)[i];
		const char *text = NULL;
		json_error_t jerr;

		if (json_is_string(it)) {
			text = json_string_value(it);
		} else if (json_unpack_ex(it, &jerr, JSON_STRICT, "{s?o, s:s}", "when", &when,
					  "text", &text) < 0) {
			snprintf(err, esz, "evidence %zu: %s", i + 1, jerr.text);
			return -1;
		}
		(*n)++;
		if (parse_when(when, &e->when, &e->n_when, err, esz) < 0 ||
		    tmpl_check(text, err, esz) < 0)
			return -1;
		e->text = dupstr(text);
		if (!e->text) {
			snprintf(err, esz, "out of memory");
			return -1;
		}
	}
	return 0;
}

static const char *
confidence_word(const char *s)
{
	static const char *const words[] = { "high", "medium", "low" };

	for (size_t i = 0; i < 3; i++)
		if (strcmp(s, words[i]) == 0)
			return words[i];
	return NULL;
}

static int
parse_drule(json_t *o, struct drule *ru, char *err, size_t esz)
{
	json_t *when = NULL, *evidence = NULL, *cons = NULL, *rems = NULL;
	const char *id, *cause, *conf, *sentence, *note = NULL, *cause_from = NULL;
	json_error_t jerr;

	ru->cause_from = -1;
	if (json_unpack_ex(o, &jerr, JSON_STRICT,
			   "{s:s, s:s, s?s, s:o, s:s, s:s, s?o, s:o, s?o, s?s}",
			   "id", &id, "cause", &cause, "cause_from", &cause_from, "when", &when,
			   "confidence", &conf, "sentence", &sentence, "evidence", &evidence,
			   "consequence", &cons, "remedies", &rems, "note", &note) < 0) {
		snprintf(err, esz, "%s", jerr.text);
		return -1;
	}
	(void)note;
	if (cause_from) {
		ru->cause_from = fact_lookup(cause_from, strlen(cause_from));
		if (ru->cause_from < 0 || fact_info[ru->cause_from].type != FT_STR) {
			snprintf(err, esz, "cause_from: '%s' is not a text fact", cause_from);
			return -1;
		}
	}
	ru->id = dupstr(id);
	if (!ru->id) {
		snprintf(err, esz, "out of memory");
		return -1;
	}
	if (cause_from_code(cause, &ru->cause) < 0) {
		snprintf(err, esz, "unknown cause '%s'", cause);
		return -1;
	}
	ru->confidence = confidence_word(conf);
	if (!ru->confidence) {
		snprintf(err, esz, "confidence must be high, medium or low, not '%s'", conf);
		return -1;
	}
	if (parse_when(when, &ru->when, &ru->n_when, err, esz) < 0)
		return -1;
	if (ru->cause != CAUSE_UNKNOWN) {
		bool packet = false;

		for (size_t i = 0; i < ru->n_when; i++)
			packet |= !fact_is_message(ru->when[i].fact);
		if (!packet) {
			snprintf(err, esz, "a cause needs packet-level evidence: the conditions only "
					   "look at the message (reason, verdict, proto)");
			return -1;
		}
	}
	if (tmpl_check(sentence, err, esz) < 0)
		return -1;
	ru->sentence = dupstr(sentence);
	if (!ru->sentence || parse_evidence(evidence, &ru->ev, &ru->n_ev, err, esz) < 0)
		return -1;
	if (json_is_string(cons)) {
		for (int i = 0; i < 3; i++)
			if (!(ru->cons[i] = dupstr(json_string_value(cons)))) {
				snprintf(err, esz, "out of memory");
				return -1;
			}
	} else {
		const char *inv = NULL, *ign = NULL, *oth = NULL;

		if (json_unpack_ex(cons, &jerr, JSON_STRICT, "{s:s, s:s, s?s}", "invalid", &inv,
				   "ignored", &ign, "other", &oth) < 0) {
			snprintf(err, esz, "consequence: %s", jerr.text);
			return -1;
		}
		ru->cons[0] = dupstr(inv);
		ru->cons[1] = dupstr(ign);
		ru->cons[2] = dupstr(oth ? oth : inv);
		if (!ru->cons[0] || !ru->cons[1] || !ru->cons[2]) {
			snprintf(err, esz, "out of memory");
			return -1;
		}
	}
	if (rems) {
		if (!json_is_array(rems)) {
			snprintf(err, esz, "\"remedies\" must be a list of remedy names");
			return -1;
		}
		ru->rem_keys = xcalloc(json_array_size(rems) + 1, sizeof(*ru->rem_keys));
		if (!ru->rem_keys) {
			snprintf(err, esz, "out of memory");
			return -1;
		}
		for (size_t i = 0; i < json_array_size(rems); i++) {
			const char *k = json_string_value(json_array_get(rems, i));

			if (!k) {
				snprintf(err, esz, "remedy %zu is not a string", i + 1);
				return -1;
			}
			if (!(ru->rem_keys[ru->n_rem++] = dupstr(k))) {
				snprintf(err, esz, "out of memory");
				return -1;
			}
		}
	}
	return 0;
}

static int
add_remedy(struct diag_rules *r, const char *key, json_t *o, char *err, size_t esz)
{
	const char *name, *text, *tradeoff;
	json_error_t jerr;
	struct remedy_def *d = NULL;

	if (json_unpack_ex(o, &jerr, JSON_STRICT, "{s:s, s:s, s:s}", "name", &name, "text", &text,
			   "tradeoff", &tradeoff) < 0) {
		snprintf(err, esz, "%s", jerr.text);
		return -1;
	}
	for (size_t i = 0; i < r->n_rem; i++)
		if (strcmp(r->rem[i].key, key) == 0)
			d = &r->rem[i];
	if (!d) {
		struct remedy_def *nv = xreallocarray(r->rem, r->n_rem + 1, sizeof(*nv));

		if (!nv)
			goto oom;
		r->rem = nv;
		d = &r->rem[r->n_rem++];
		memset(d, 0, sizeof(*d));
		if (!(d->key = dupstr(key)))
			goto oom;
	}
	free(d->name);
	free(d->text);
	free(d->tradeoff);
	d->name = dupstr(name);
	d->text = dupstr(text);
	d->tradeoff = dupstr(tradeoff);
	if (!d->name || !d->text || !d->tradeoff)
		goto oom;
	return 0;
oom:
	snprintf(err, esz, "out of memory");
	return -1;
}

static int
add_drule(struct diag_rules *r, struct drule *ru)
{
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->v[i].id, ru->id) == 0) {
			drule_release(&r->v[i]);
			r->v[i] = *ru;
			return 0;
		}
	}
	{
		struct drule *nv = xreallocarray(r->v, r->n + 1, sizeof(*nv));

		if (!nv)
			return -1;
		r->v = nv;
		r->v[r->n++] = *ru;
	}
	return 0;
}

static int
load_diag_file(struct run_ctx *ctx, struct diag_rules *r, const char *path)
{
	json_error_t jerr;
	json_t *root, *arr = NULL, *rems = NULL, *common = NULL;
	char err[256];
	int rc = 0;

	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return ctx_err(ctx, ERR_RULES, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
	if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s?o, s?o, s?o, s?s}", "rules", &arr,
			   "remedies", &rems, "evidence", &common, "note", &(const char *){ NULL }) < 0 ||
	    (arr && !json_is_array(arr)) || (rems && !json_is_object(rems))) {
		rc = ctx_err(ctx, ERR_RULES,
			     "%s: expected {\"rules\": [...], \"remedies\": {...}, \"evidence\": [...]}",
			     path);
		goto out;
	}
	if (rems) {
		const char *key;
		json_t *v;

		json_object_foreach(rems, key, v) {
			if (add_remedy(r, key, v, err, sizeof(err)) < 0) {
				rc = ctx_err(ctx, ERR_RULES, "%s: remedy '%s': %s", path, key, err);
				goto out;
			}
		}
	}
	if (common) {
		struct evid *ev = NULL;
		size_t n = 0;

		if (parse_evidence(common, &ev, &n, err, sizeof(err)) < 0) {
			for (size_t i = 0; i < n; i++)
				evid_release(&ev[i]);
			free(ev);
			rc = ctx_err(ctx, ERR_RULES, "%s: evidence: %s", path, err);
			goto out;
		}
		for (size_t i = 0; i < r->n_common; i++)
			evid_release(&r->common[i]);
		free(r->common);
		r->common = ev;
		r->n_common = n;
	}
	for (size_t i = 0; arr && i < json_array_size(arr); i++) {
		struct drule ru;
		json_t *o = json_array_get(arr, i);
		const char *id = json_string_value(json_object_get(o, "id"));
		char name[80];

		if (id)
			snprintf(name, sizeof(name), "%s", id);
		else
			snprintf(name, sizeof(name), "#%zu", i + 1);
		memset(&ru, 0, sizeof(ru));
		if (!json_is_object(o)) {
			rc = ctx_err(ctx, ERR_RULES, "%s: rule %s: not an object", path, name);
			goto out;
		}
		if (parse_drule(o, &ru, err, sizeof(err)) < 0) {
			drule_release(&ru);
			rc = ctx_err(ctx, ERR_RULES, "%s: rule '%s': %s", path, name, err);
			goto out;
		}
		ru.path = dupstr(path);
		if (!ru.path || add_drule(r, &ru) < 0) {
			drule_release(&ru);
			rc = ctx_err(ctx, ERR_NOMEM, "%s: out of memory", path);
			goto out;
		}
	}
out:
	json_decref(root);
	return rc;
}

/*
 * Rule file format (rules/diagnosis/NAME.json, unknown keys rejected):
 *
 *   { "rules": [ RULE, ... ],                 tried in file-name then list order
 *     "remedies": { KEY: {"name": s, "text": s, "tradeoff": s}, ... },
 *     "evidence": [ EVIDENCE, ... ],          appended to every diagnosis
 *     "note": s }
 *
 *   RULE = { "id": s, "cause": a cause code (diagnose.h),
 *            "when": [ "FACT OP VALUE", ... ]  all must hold; OP: == != < <=
 *                    > >= in, not in; VALUE: number, true, false, word,
 *                    "text", [w, ...] or another fact,
 *            "confidence": "high" | "medium" | "low",
 *            "sentence": template ({fact} placeholders),
 *            "evidence": [ EVIDENCE, ... ],
 *            "consequence": s | {"invalid": s, "ignored": s, "other": s},
 *            "remedies": [ KEY, ... ], "note": s }
 *   EVIDENCE = template | {"when": [...], "text": template}; a line whose
 *            facts are unknown for the packet is left out.
 */
int
diag_rules_load(struct run_ctx *ctx, const char *const *dirs, size_t n, struct diag_rules **out)
{
	struct diag_rules *r;
	int rc = 0;

	*out = NULL;
	r = xcalloc(1, sizeof(*r));
	if (!r)
		return ctx_err(ctx, ERR_NOMEM, "diagnosis rules: out of memory");
	for (size_t i = 0; i < n && rc == 0; i++) {
		char **files;
		size_t nf;

		rc = rules_dir_files(ctx, dirs[i], "diagnosis", true, &files, &nf);
		for (size_t k = 0; k < nf && rc == 0; k++)
			rc = load_diag_file(ctx, r, files[k]);
		rules_dir_files_free(files, nf);
	}
	/* resolve remedy names */
	for (size_t i = 0; i < r->n && rc == 0; i++) {
		struct drule *ru = &r->v[i];

		ru->rem = xcalloc(ru->n_rem + 1, sizeof(*ru->rem));
		if (!ru->rem) {
			rc = ctx_err(ctx, ERR_NOMEM, "diagnosis rules: out of memory");
			break;
		}
		for (size_t k = 0; k < ru->n_rem && rc == 0; k++) {
			size_t j;

			for (j = 0; j < r->n_rem; j++)
				if (strcmp(r->rem[j].key, ru->rem_keys[k]) == 0)
					break;
			if (j == r->n_rem)
				rc = ctx_err(ctx, ERR_RULES, "%s: rule '%s': unknown remedy '%s'",
					     ru->path, ru->id, ru->rem_keys[k]);
			ru->rem[k] = j;
		}
	}
	if (rc < 0) {
		diag_rules_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* --- diagnosis ------------------------------------------------------------ */

void
diag_free(struct diagnosis *d)
{
	if (!d)
		return;
	free(d->sentence);
	for (size_t i = 0; i < d->n_evidence; i++)
		free(d->evidence[i]);
	free(d->evidence);
	free(d->remedies);
	free(d->timeline);
	free(d);
}

struct diagnosis *
diag_dup(const struct diagnosis *d)
{
	struct diagnosis *c = xcalloc(1, sizeof(*c));

	if (!c)
		return NULL;
	*c = *d;
	c->sentence = NULL;
	c->evidence = NULL;
	c->n_evidence = 0;
	c->remedies = NULL;
	c->timeline = NULL;
	if (d->sentence && !(c->sentence = dupstr(d->sentence)))
		goto oom;
	c->evidence = xcalloc(d->n_evidence + 1, sizeof(*c->evidence));
	if (!c->evidence)
		goto oom;
	for (; c->n_evidence < d->n_evidence; c->n_evidence++)
		if (!(c->evidence[c->n_evidence] = dupstr(d->evidence[c->n_evidence])))
			goto oom;
	c->remedies = xcalloc(d->n_remedies + 1, sizeof(*c->remedies));
	c->timeline = xcalloc(d->n_timeline + 1, sizeof(*c->timeline));
	if (!c->remedies || !c->timeline)
		goto oom;
	if (d->n_remedies)
		memcpy(c->remedies, d->remedies, d->n_remedies * sizeof(*c->remedies));
	if (d->n_timeline)
		memcpy(c->timeline, d->timeline, d->n_timeline * sizeof(*c->timeline));
	return c;
oom:
	diag_free(c);
	return NULL;
}

static bool
all_hold(const struct pred *p, size_t n, const struct facts *f)
{
	for (size_t i = 0; i < n; i++)
		if (!pred_holds(&p[i], f))
			return false;
	return true;
}

static const char *
verdict_word(uint8_t v)
{
	return v == CT_INVALID ? "invalid" : v == CT_IGNORE ? "ignored" : "accepted";
}

static void
fill_step(struct diag_step *s, const struct diag_input *in, const struct ct_hist *h)
{
	memset(s, 0, sizeof(*s));
	s->path = in->path;
	s->index = h->index;
	s->ts_sec = h->ts_ns / 1000000000LL;
	s->ts_nsec = (uint32_t)(h->ts_ns % 1000000000LL);
	s->dir = h->dir ? "reply" : "original";
	s->len = h->len;
	s->verdict = verdict_word(h->verdict);
	s->state = "";
	if (in->proto == PROTO_TCP) {
		report_fmt_tcp_flags(h->tcp_flags, false, s->flags, sizeof(s->flags));
		s->seq = h->seq;
		s->ack = h->ack;
		s->win = h->win;
		s->state = ct_tcp_state_name(h->state_after);
	}
	if (h->reason)
		snprintf(s->note, sizeof(s->note), "%s", reason_code((enum reason)h->reason));
}

static int
build_timeline(struct diagnosis *d, const struct diag_input *in)
{
	const struct ct_facts *fc = in->facts;
	size_t n = fc->n_hist ? fc->n_hist : 1;

	d->timeline = xcalloc(n, sizeof(*d->timeline));
	if (!d->timeline)
		return -1;
	if (fc->n_hist) {
		for (size_t i = 0; i < fc->n_hist; i++)
			fill_step(&d->timeline[i], in, &fc->hist[i]);
	} else {
		/* no entry: the packet alone */
		struct ct_hist h;

		memset(&h, 0, sizeof(h));
		h.index = in->index;
		h.ts_ns = in->ts_sec * 1000000000LL + in->ts_nsec;
		h.seq = fc->seq;
		h.ack = fc->ack;
		h.win = fc->win;
		h.len = fc->len > 0xffff ? 0xffff : (uint16_t)fc->len;
		h.tcp_flags = fc->tcp_flags;
		h.verdict = (uint8_t)in->verdict;
		h.reason = (uint8_t)in->reason;
		fill_step(&d->timeline[0], in, &h);
		d->timeline[0].state = "";
	}
	d->n_timeline = n;
	d->timeline[n - 1].flagged = true;
	/* the flagged packet's own step shows the reason being diagnosed */
	snprintf(d->timeline[n - 1].note, sizeof(d->timeline[n - 1].note), "%s",
		 reason_code(in->reason));
	return 0;
}

static int
add_evidence(struct diagnosis *d, const struct evid *ev, size_t n, const struct facts *f)
{
	for (size_t i = 0; i < n; i++) {
		char *line, **nv;
		bool oom = false;

		if (!all_hold(ev[i].when, ev[i].n_when, f))
			continue;
		line = tmpl_render(ev[i].text, f, false, &oom);
		if (!line) {
			if (oom)
				return -1;
			continue;
		}
		nv = xreallocarray(d->evidence, d->n_evidence + 1, sizeof(*nv));
		if (!nv) {
			free(line);
			return -1;
		}
		d->evidence = nv;
		d->evidence[d->n_evidence++] = line;
	}
	return 0;
}

/* The rule's cause, or the cause a fact names ("cause_from"). */
static enum cause
rule_cause(const struct drule *ru, const struct facts *f)
{
	enum cause c;

	if (ru->cause_from >= 0 && f->v[ru->cause_from].known &&
	    cause_from_code(f->v[ru->cause_from].s, &c) == 0)
		return c;
	return ru->cause;
}

int
diag_run(const struct diag_rules *r, const struct diag_input *in, struct diagnosis **out)
{
	struct facts f;
	const struct drule *ru = NULL;
	struct diagnosis *d;
	bool oom = false;

	eval_facts(in, &f);
	for (size_t i = 0; r && i < r->n && !ru; i++)
		if (all_hold(r->v[i].when, r->v[i].n_when, &f))
			ru = &r->v[i];
	if (!out)
		return ru ? (int)rule_cause(ru, &f) : CAUSE_UNKNOWN;
	*out = NULL;
	d = xcalloc(1, sizeof(*d));
	if (!d)
		return -1;
	d->cause = ru ? rule_cause(ru, &f) : CAUSE_UNKNOWN;
	d->rule = ru ? ru->id : "none";
	d->confidence = ru ? ru->confidence : "low";
	if (ru) {
		d->sentence = tmpl_render(ru->sentence, &f, true, &oom);
		d->consequence = ru->cons[in->verdict == CT_INVALID ? 0
					  : in->verdict == CT_IGNORE ? 1 : 2];
		d->remedies = xcalloc(ru->n_rem + 1, sizeof(*d->remedies));
		if (!d->remedies)
			goto oom;
		for (size_t i = 0; i < ru->n_rem; i++) {
			const struct remedy_def *rd = &r->rem[ru->rem[i]];

			d->remedies[i] = (struct diag_remedy){ rd->name, rd->text, rd->tradeoff };
		}
		d->n_remedies = ru->n_rem;
		if (add_evidence(d, ru->ev, ru->n_ev, &f) < 0)
			goto oom;
	} else {
		d->sentence = dupstr("No diagnosis rule fits this packet.");
		d->consequence = "";
	}
	if (!d->sentence)
		goto oom;
	if (r && add_evidence(d, r->common, r->n_common, &f) < 0)
		goto oom;
	if (in->facts && in->facts->valid && build_timeline(d, in) < 0)
		goto oom;
	*out = d;
	return (int)d->cause;
oom:
	diag_free(d);
	return -1;
}
