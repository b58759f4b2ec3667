/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ct-tcp.c - the TCP tracker, mirroring Linux 6.18.44
 * net/netfilter/nf_conntrack_proto_tcp.c: tcp_error(), tcp_new(), the state
 * table tcp_conntracks[][][] with the special cases of
 * nf_conntrack_tcp_packet(), tcp_in_window() (bounds I, III, II, IV in that
 * order), tcp_options()/tcp_sack()/tcp_init_sender(), the retransmission
 * counter, nf_tcp_handle_invalid() and the timeout choice.
 *
 * Written from the behaviour described in ../shared/kernel/messages.md
 * section 6 and checked against the kernel source; no kernel code copied.
 *
 * The tracker never prints kernel wording: it appends reason ids with their
 * numbers (ct_result_msg) and explains the failed inequality in res->check.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ct-proto.h"
#include "util-seq.h"
#include "util-time.h"

/* ip_ct_tcp_state.flags */
#define TF_WINDOW_SCALE		0x01
#define TF_SACK_PERM		0x02
#define TF_CLOSE_INIT		0x04
#define TF_BE_LIBERAL		0x08
#define TF_DATA_UNACKNOWLEDGED	0x10
#define TF_MAXACK_SET		0x20
/* ip_ct_tcp.last_flags only */
#define TF_EXP_CHALLENGE_ACK	0x40
#define TF_SIMULTANEOUS_OPEN	0x80

#define TCP_MAX_WSCALE 14
#define MAXACKWINCONST 66000u
#define TCP_HLEN 20u

/* get_conntrack_index() */
enum tcp_index {
	IDX_SYN = 0, IDX_SYNACK, IDX_FIN, IDX_ACK, IDX_RST, IDX_NONE,
};

#define sNO TCP_CT_NONE
#define sSS TCP_CT_SYN_SENT
#define sSR TCP_CT_SYN_RECV
#define sES TCP_CT_ESTABLISHED
#define sFW TCP_CT_FIN_WAIT
#define sCW TCP_CT_CLOSE_WAIT
#define sLA TCP_CT_LAST_ACK
#define sTW TCP_CT_TIME_WAIT
#define sCL TCP_CT_CLOSE
#define sS2 TCP_CT_SYN_SENT2
#define sIV TCP_CT_INVALID
#define sIG TCP_CT_IGNORE

/*
 * tcp_conntracks[dir][index][old state] of 6.18 (messages.md 6.4).  Columns:
 * NONE SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT CLOSE_WAIT LAST_ACK TIME_WAIT
 * CLOSE SYN_SENT2.
 */
static const uint8_t tcp_table[2][6][10] = {
	{	/* ORIGINAL */
		/* syn    */ { sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2 },
		/* synack */ { sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR },
		/* fin    */ { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
		/* ack    */ { sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV },
		/* rst    */ { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
		/* none   */ { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
	{	/* REPLY */
		/* syn    */ { sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2 },
		/* synack */ { sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR },
		/* fin    */ { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
		/* ack    */ { sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG },
		/* rst    */ { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
		/* none   */ { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
};

int
ct_tcp_table_lookup(int dir, int index, int state)
{
	if (dir < 0 || dir > 1 || index < 0 || index > 5 || state < 0 || state > 9)
		return -1;
	return tcp_table[dir][index][state];
}

/* What the tracker needs of one segment, read once. */
struct seg {
	uint32_t seq, ack, end;
	uint16_t win;
	uint8_t flags;
	bool syn, ackf, fin, rst;
	uint8_t index;
	bool opt_area;		/* doff > 5 */
	bool has_wscale, sack_perm;
	uint8_t wscale;
	bool ts_fast;		/* option area is exactly NOP NOP TIMESTAMP */
	uint8_t n_sack;
	uint32_t sack_right[4];
};

static uint8_t
conntrack_index(uint8_t flags)
{
	if (flags & TCPF_RST)
		return IDX_RST;
	if (flags & TCPF_SYN)
		return (flags & TCPF_ACK) ? IDX_SYNACK : IDX_SYN;
	if (flags & TCPF_FIN)
		return IDX_FIN;
	if (flags & TCPF_ACK)
		return IDX_ACK;
	return IDX_NONE;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * The option walk shared by tcp_options() and tcp_sack(): EOL stops, NOP
 * advances one byte, anything else needs 2 bytes, a size >= 2 and not
 * beyond the area.  WINDOW (size 3) and SACK_PERM (size 2) are recorded for
 * tcp_options(); the first SACK option of a valid size gives the blocks for
 * tcp_sack() (which stops there: options after it are not looked at, but
 * tcp_options() goes on).
 */
static void
parse_options(const uint8_t *p, size_t len, struct seg *s)
{
	size_t i = 0;
	bool sack_done = false;

	if (len == 12 && p[0] == 1 && p[1] == 1 && p[2] == 8 && p[3] == 10)
		s->ts_fast = true;
	while (i < len) {
		uint8_t op = p[i], size;

		if (op == 0)
			break;
		if (op == 1) {
			i++;
			continue;
		}
		if (len - i < 2)
			break;
		size = p[i + 1];
		if (size < 2 || size > len - i)
			break;
		if (op == 4 && size == 2) {
			s->sack_perm = true;
		} else if (op == 3 && size == 3) {
			s->has_wscale = true;
			s->wscale = p[i + 2];
		} else if (op == 5 && !sack_done && size >= 10 && (size - 2) % 8 == 0) {
			unsigned b, nb = (size - 2u) / 8u;

			for (b = 0; b < nb && b < 4; b++)
				s->sack_right[b] = be32(p + i + 2 + b * 8 + 4);
			s->n_sack = (uint8_t)(nb < 4 ? nb : 4);
			sack_done = true;
		}
		i += size;
	}
}

static void
seg_read(const struct pkt *pkt, struct seg *s)
{
	size_t olen;

	memset(s, 0, sizeof(*s));
	s->seq = pkt->seq;
	s->ack = pkt->ack;
	s->win = pkt->window;
	s->flags = pkt->tcp_flags;
	s->syn = (pkt->tcp_flags & TCPF_SYN) != 0;
	s->ackf = (pkt->tcp_flags & TCPF_ACK) != 0;
	s->fin = (pkt->tcp_flags & TCPF_FIN) != 0;
	s->rst = (pkt->tcp_flags & TCPF_RST) != 0;
	s->index = conntrack_index(pkt->tcp_flags);
	/* segment_seq_plus_len(): seq + L4LEN - doff*4 + SYN + FIN */
	s->end = pkt->seq + (pkt->l4_len - pkt->doff * 4u) + s->syn + s->fin;

	if (pkt->doff <= 5)
		return;
	s->opt_area = true;
	olen = pkt->doff * 4u - TCP_HLEN;
	if (pkt->l4 && pkt->l4_caplen >= TCP_HLEN + olen) {
		parse_options(pkt->l4 + TCP_HLEN, olen, s);
		return;
	}
	/* option bytes not all captured: what the decoder saw */
	s->has_wscale = pkt->opts.has_wscale;
	s->wscale = pkt->opts.wscale;
	s->sack_perm = pkt->opts.sack_perm;
	s->ts_fast = pkt->opts.ts_only_fast_path;
	s->n_sack = pkt->opts.n_sack > 4 ? 4 : pkt->opts.n_sack;
	memcpy(s->sack_right, pkt->opts.sack_right, sizeof(s->sack_right));
}

/* tcp_options(): options of a SYN into a direction's record. */
static void
apply_options(const struct seg *s, struct ct_tcp_dir *d)
{
	if (!s->opt_area)
		return;
	d->td_scale = 0;
	d->flags &= TF_BE_LIBERAL;
	if (s->sack_perm)
		d->flags |= TF_SACK_PERM;
	if (s->has_wscale) {
		d->td_scale = s->wscale > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : s->wscale;
		d->flags |= TF_WINDOW_SCALE;
	}
}

/* tcp_sack(): highest SACK right edge after @sack. */
static uint32_t
seg_sack(const struct seg *s, uint32_t sack)
{
	unsigned i;

	if (!s->opt_area || s->ts_fast)
		return sack;
	for (i = 0; i < s->n_sack; i++)
		if (seq_after(s->sack_right[i], sack))
			sack = s->sack_right[i];
	return sack;
}

/* tcp_init_sender() */
static void
init_sender(struct ct_tcp_dir *snd, struct ct_tcp_dir *rcv, const struct seg *s, int dir)
{
	snd->td_end = snd->td_maxend = s->end;
	snd->td_maxwin = s->win ? s->win : 1;
	apply_options(s, snd);
	/* RFC 1323: scaling only when both sides offer it (checked on the
	 * REPLY side only since 6.8) */
	if (dir == 1 && !((snd->flags & TF_WINDOW_SCALE) && (rcv->flags & TF_WINDOW_SCALE))) {
		snd->td_scale = 0;
		rcv->td_scale = 0;
	}
}

static uint32_t
maxackwindow(const struct ct_tcp_dir *snd)
{
	return snd->td_maxwin > MAXACKWINCONST ? snd->td_maxwin : MAXACKWINCONST;
}

static void
args_bound(struct reason_args *a, uint32_t bound)
{
	memset(a, 0, sizeof(*a));
	a->has = REASON_ARG_BOUND;
	a->bound = bound;
}

static void
args_index(struct reason_args *a, int index, int dir, unsigned state)
{
	memset(a, 0, sizeof(*a));
	a->has = REASON_ARG_INDEX | REASON_ARG_DIR | REASON_ARG_STATE;
	a->index = index;
	a->dir = dir;
	snprintf(a->state, sizeof(a->state), "%s", ct_tcp_state_name(state));
}

enum win_res { WIN_IGNORE, WIN_INVALID, WIN_ACCEPT };

/*
 * nf_tcp_log_invalid(): with BE_LIBERAL on the sender or the be_liberal
 * sysctl the failure is swallowed (ACCEPT, no window update, no log).
 */
static enum win_res
win_fail(const struct ct_policy *pol, const struct ct_tcp_dir *snd, struct ct_result *res,
	 enum win_res r, enum reason reason, const struct reason_args *a)
{
	if ((snd->flags & TF_BE_LIBERAL) || pol->v[CT_KNOB_TCP_BE_LIBERAL]) {
		size_t n = strlen(res->check);

		snprintf(res->check + n, sizeof(res->check) - n, " (not logged, accepted: %s)",
			 (snd->flags & TF_BE_LIBERAL) ? "sender is BE_LIBERAL (picked up mid-stream)"
						      : "nf_conntrack_tcp_be_liberal=1");
		return WIN_ACCEPT;
	}
	ct_result_msg(res, reason, r == WIN_IGNORE ? CT_IGNORE : CT_INVALID, a);
	return r;
}

/* tcp_in_window() */
static enum win_res
tcp_in_window(const struct ct_policy *pol, struct ct_tcp_snapshot *st, int dir,
	      const struct seg *s, struct ct_result *res)
{
	struct ct_tcp_dir *snd = &st->seen[dir], *rcv = &st->seen[!dir];
	struct reason_args a;
	uint32_t seq = s->seq, ack, sack, end = s->end, win = s->win, swin;
	uint32_t lb2, lb4;
	bool ok1, ok2, ok3, ok4;

	ack = sack = s->ack;
	if (rcv->flags & TF_SACK_PERM)
		sack = seg_sack(s, sack);
	/* nf_ct_seq_offset(): no NAT sequence adjustment offline */

	if (snd->td_maxwin == 0) {
		if (s->syn) {
			init_sender(snd, rcv, s, dir);
			if (!s->ackf)
				return WIN_ACCEPT;	/* simultaneous open SYN */
		} else {
			/* mid-stream: history lost, take what the packet says */
			snd->td_end = end;
			swin = win << snd->td_scale;
			snd->td_maxwin = swin ? swin : 1;
			snd->td_maxend = end + snd->td_maxwin;
			if (rcv->td_maxwin == 0)
				rcv->td_end = rcv->td_maxend = sack;
			else if (sack == rcv->td_end + 1)
				rcv->td_end++;	/* reply to a keep-alive */
		}
	} else if (s->syn && seq_after(end, snd->td_end) &&
		   (st->state == TCP_CT_SYN_SENT || st->state == TCP_CT_SYN_RECV)) {
		/* RFC 793: a reinitialised TCP uses higher sequence numbers */
		init_sender(snd, rcv, s, dir);
		if (dir == 1 && !s->ackf)
			return WIN_ACCEPT;
	}

	if (!s->ackf)
		ack = sack = rcv->td_end;	/* no ACK: pretend it is fine */
	else if (s->rst && ack == 0)
		ack = sack = rcv->td_end;	/* broken stacks: RST+ACK with ack 0 */

	if (s->rst && seq == 0 && st->state == TCP_CT_SYN_SENT)
		seq = end = snd->td_end;	/* RST answering a SYN */

	/* all four bounds, for the explanation */
	lb2 = snd->td_end - rcv->td_maxwin - 1;
	lb4 = rcv->td_end - maxackwindow(snd) - 1;
	ok1 = seq_before(seq, snd->td_maxend + 1);
	ok3 = seq_before(sack, rcv->td_end + 1);
	ok2 = !rcv->td_maxwin || seq_after(end, lb2);
	ok4 = seq_after(sack, lb4);
	res->failed = (uint8_t)((ok1 ? 0 : CT_BOUND_I) | (ok2 ? 0 : CT_BOUND_II) |
				(ok3 ? 0 : CT_BOUND_III) | (ok4 ? 0 : CT_BOUND_IV));

	/* I: upper bound for data */
	if (!ok1) {
		uint32_t overshot = end - snd->td_maxend + 1;
		bool ack_ok = ok4;
		bool in_recv = rcv->td_maxwin != 0 && seq_after(end, lb2);

		if (in_recv && ack_ok && overshot <= rcv->td_maxwin && ok3) {
			/* work around senders exceeding the receive window */
			snd->td_end = end;
			snd->flags |= TF_DATA_UNACKNOWLEDGED;
			snprintf(res->check, sizeof(res->check),
				 "seq %u > sender td_maxend %u, but the overshoot end - td_maxend "
				 "+ 1 = %u <= receiver max window %u: sender exceeded the window, "
				 "td_end advanced to %u, no other update", seq, snd->td_maxend,
				 overshot, rcv->td_maxwin, end);
			memset(&a, 0, sizeof(a));
			a.has = REASON_ARG_OVERSHOT;
			a.overshot = overshot;
			return win_fail(pol, snd, res, WIN_IGNORE, REASON_TCP_OVERSHOOT, &a);
		}
		snprintf(res->check, sizeof(res->check),
			 "seq %u > sender td_maxend %u: %u bytes beyond the receiver's window",
			 seq, snd->td_maxend, seq - snd->td_maxend);
		args_bound(&a, snd->td_maxend + 1);
		return win_fail(pol, snd, res, WIN_INVALID, REASON_TCP_SEQ_OVER_UB, &a);
	}
	/* III: upper bound for (s)ack */
	if (!ok3) {
		snprintf(res->check, sizeof(res->check),
			 "%s %u > receiver td_end %u: acknowledges %u bytes the receiver "
			 "was not seen sending", sack != ack ? "sack" : "ack", sack,
			 rcv->td_end, sack - rcv->td_end);
		args_bound(&a, rcv->td_end + 1);
		return win_fail(pol, snd, res, WIN_INVALID, REASON_TCP_ACK_OVER_UB, &a);
	}
	/* II: lower bound for data */
	if (!ok2) {
		snprintf(res->check, sizeof(res->check),
			 "end %u < sender td_end %u - receiver max window %u = %u: data "
			 "already acknowledged, %u bytes below the window", end, snd->td_end,
			 rcv->td_maxwin, lb2 + 1, (lb2 + 1) - end);
		args_bound(&a, lb2);
		return win_fail(pol, snd, res, WIN_IGNORE, REASON_TCP_SEQ_UNDER_LB, &a);
	}
	/* IV: lower bound for (s)ack */
	if (!ok4) {
		snprintf(res->check, sizeof(res->check),
			 "%s %u < receiver td_end %u - max ack window %u = %u: an overly "
			 "delayed ack, %u bytes below", sack != ack ? "sack" : "ack", sack,
			 rcv->td_end, maxackwindow(snd), lb4 + 1, (lb4 + 1) - sack);
		args_bound(&a, lb4);
		return win_fail(pol, snd, res, WIN_IGNORE, REASON_TCP_ACK_UNDER_LB, &a);
	}

	/* in window: update */
	if (!s->syn)
		win <<= snd->td_scale;
	swin = win + (sack - ack);
	if (snd->td_maxwin < swin)
		snd->td_maxwin = swin;
	if (seq_after(end, snd->td_end)) {
		snd->td_end = end;
		snd->flags |= TF_DATA_UNACKNOWLEDGED;
	}
	if (s->ackf) {
		if (!(snd->flags & TF_MAXACK_SET)) {
			snd->td_maxack = ack;
			snd->flags |= TF_MAXACK_SET;
		} else if (seq_after(ack, snd->td_maxack)) {
			snd->td_maxack = ack;
		}
	}
	if (rcv->td_maxwin != 0 && seq_after(end, snd->td_maxend))
		rcv->td_maxwin += end - snd->td_maxend;
	if (seq_after(sack + win, rcv->td_maxend - 1)) {
		rcv->td_maxend = sack + win;
		if (win == 0)
			rcv->td_maxend++;
	}
	if (ack == rcv->td_end)
		rcv->flags &= (uint8_t)~TF_DATA_UNACKNOWLEDGED;

	/* retransmission counter */
	if (s->index == IDX_ACK) {
		if (st->last_dir == dir && st->last_seq == seq && st->last_ack == ack &&
		    st->last_end == end && st->last_win == s->win) {
			st->retrans++;
		} else {
			st->last_dir = (uint8_t)dir;
			st->last_seq = seq;
			st->last_ack = ack;
			st->last_end = end;
			st->last_win = s->win;
			st->retrans = 0;
		}
	}
	return WIN_ACCEPT;
}

/* tcp_error(): true when the packet is INVALID (res filled). */
static bool
tcp_error(struct ct_engine *e, const struct pkt *pkt, struct ct_result *res)
{
	static const struct { uint8_t bit; const char *name; } names[] = {
		{ TCPF_SYN, "SYN" }, { TCPF_ACK, "ACK" }, { TCPF_FIN, "FIN" },
		{ TCPF_RST, "RST" }, { TCPF_URG, "URG" },
	};
	char list[32];
	size_t n = 0, i;
	uint8_t f;

	if (pkt->doff * 4u < TCP_HLEN || pkt->l4_len < pkt->doff * 4u) {
		ct_result_msg(res, REASON_TCP_TRUNCATED, CT_INVALID, NULL);
		snprintf(res->check, sizeof(res->check),
			 "data offset %u bytes %s", pkt->doff * 4u,
			 pkt->doff * 4u < TCP_HLEN ? "< 20 (header minimum)"
						   : "> TCP length of the packet");
		return true;
	}
	if (ct_checksum_applies(e, pkt) && pkt->l4_csum_nf == CSUM_BAD) {
		ct_result_msg(res, REASON_TCP_BAD_CHECKSUM, CT_INVALID, NULL);
		snprintf(res->check, sizeof(res->check),
			 "TCP checksum does not verify (checked at PRE_ROUTING with "
			 "nf_conntrack_checksum=1)");
		return true;
	}
	if (ct_tcp_flags_valid(pkt->tcp_flags))
		return false;
	f = pkt->tcp_flags & (uint8_t)~(TCPF_ECE | TCPF_CWR | TCPF_PSH);
	list[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (f & names[i].bit)
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", n ? " " : "",
					      names[i].name);
	ct_result_msg(res, REASON_TCP_FLAGS_INVALID, CT_INVALID, NULL);
	snprintf(res->check, sizeof(res->check), "flags 0x%02x (%s) are not a valid combination",
		 pkt->tcp_flags, n ? list : "none of SYN ACK FIN RST URG");
	return true;
}

/* tcp_valid_flags[]: the combinations left after masking ECE, CWR, PSH. */
bool
ct_tcp_flags_valid(uint8_t flags)
{
	switch (flags & (uint8_t)~(TCPF_ECE | TCPF_CWR | TCPF_PSH)) {
	case TCPF_SYN:
	case TCPF_SYN | TCPF_URG:
	case TCPF_SYN | TCPF_ACK:
	case TCPF_RST:
	case TCPF_RST | TCPF_ACK:
	case TCPF_FIN | TCPF_ACK:
	case TCPF_FIN | TCPF_ACK | TCPF_URG:
	case TCPF_ACK:
	case TCPF_ACK | TCPF_URG:
		return true;
	default:
		return false;
	}
}

/* tcp_new(): false when the first packet cannot open an entry. */
static bool
tcp_new(struct ct_engine *e, struct ct_conn *c, const struct seg *s, struct ct_result *res)
{
	uint8_t ns = tcp_table[0][s->index][TCP_CT_NONE];
	struct ct_tcp_snapshot *t = &c->tcp;

	if (ns == sIV) {
		ct_result_msg(res, REASON_TCP_INVALID_NEW, CT_INVALID, NULL);
		snprintf(res->check, sizeof(res->check),
			 "no entry, and a %s cannot open one (only SYN, or ACK with "
			 "nf_conntrack_tcp_loose=1)",
			 s->index == IDX_SYNACK ? "SYN-ACK" : s->index == IDX_FIN ? "FIN" :
			 s->index == IDX_RST ? "RST" : "packet without SYN/ACK");
		return false;
	}
	if (ns == sSS) {
		memset(t, 0, sizeof(*t));
		t->seen[0].td_end = s->end;
		t->seen[0].td_maxwin = s->win ? s->win : 1;
		t->seen[0].td_maxend = s->end;
		apply_options(s, &t->seen[0]);
	} else if (ct_engine_policy(e)->v[CT_KNOB_TCP_LOOSE] == 0) {
		res->silent = "mid-stream pickup with nf_conntrack_tcp_loose=0";
		snprintf(res->check, sizeof(res->check),
			 "no entry, first packet is not a SYN and nf_conntrack_tcp_loose=0");
		return false;
	} else {
		memset(t, 0, sizeof(*t));
		t->seen[0].td_end = s->end;
		t->seen[0].td_maxwin = s->win ? s->win : 1;
		t->seen[0].td_maxend = s->end + t->seen[0].td_maxwin;
		t->seen[0].flags = t->seen[1].flags = TF_SACK_PERM | TF_BE_LIBERAL;
	}
	t->valid = true;
	t->last_index = IDX_NONE;
	return true;
}

/* nf_ct_tcp_state_reset() */
static void
dir_reset(struct ct_tcp_dir *d)
{
	d->td_end = d->td_maxend = d->td_maxwin = d->td_maxack = 0;
	d->td_scale = 0;
	d->flags &= TF_BE_LIBERAL;
}

static bool
can_early_drop_state(unsigned state)
{
	return state == TCP_CT_FIN_WAIT || state == TCP_CT_LAST_ACK ||
	       state == TCP_CT_TIME_WAIT || state == TCP_CT_CLOSE ||
	       state == TCP_CT_CLOSE_WAIT;
}

/* Timeout of @state in seconds (tn->timeouts[]). */
static int64_t
state_timeout(const struct ct_policy *pol, unsigned state)
{
	switch (state) {
	case TCP_CT_NONE:
	case TCP_CT_SYN_SENT:
		return pol->v[CT_KNOB_TCP_TIMEOUT_SYN_SENT];
	case TCP_CT_SYN_RECV:
		return pol->v[CT_KNOB_TCP_TIMEOUT_SYN_RECV];
	case TCP_CT_ESTABLISHED:
		return pol->v[CT_KNOB_TCP_TIMEOUT_ESTABLISHED];
	case TCP_CT_FIN_WAIT:
		return pol->v[CT_KNOB_TCP_TIMEOUT_FIN_WAIT];
	case TCP_CT_CLOSE_WAIT:
		return pol->v[CT_KNOB_TCP_TIMEOUT_CLOSE_WAIT];
	case TCP_CT_LAST_ACK:
		return pol->v[CT_KNOB_TCP_TIMEOUT_LAST_ACK];
	case TCP_CT_TIME_WAIT:
		return pol->v[CT_KNOB_TCP_TIMEOUT_TIME_WAIT];
	case TCP_CT_CLOSE:
		return pol->v[CT_KNOB_TCP_TIMEOUT_CLOSE];
	default:
		return 120;	/* SYN_SENT2: 2 minutes, no sysctl */
	}
}

/* nf_tcp_handle_invalid(): after an INVALID window verdict. */
static void
handle_invalid(const struct ct_policy *pol, struct ct_conn *c, int dir, int index,
	       int64_t now, struct ct_result *res)
{
	struct ct_tcp_snapshot *t = &c->tcp;
	int64_t left, unack;
	struct reason_args a;

	if (!c->assured)
		return;
	if (index != IDX_RST && index != IDX_FIN)
		return;
	if (t->last_dir != dir && (t->last_index == IDX_FIN || t->last_index == IDX_RST)) {
		left = ns_sub(c->expires_ns, now);
		if (left < 0)
			left = 0;
		if (left < ct_secs(120))
			return;
		unack = ct_secs(pol->v[CT_KNOB_TCP_TIMEOUT_UNACKNOWLEDGED]);
		if (left > unack) {
			memset(&a, 0, sizeof(a));
			a.has = REASON_ARG_INDEX | REASON_ARG_DIR | REASON_ARG_RESP_INDEX |
				REASON_ARG_TIMEOUT;
			a.index = index;
			a.dir = dir;
			a.resp_index = t->last_index;
			a.timeout = (uint32_t)(pol->v[CT_KNOB_TCP_TIMEOUT_UNACKNOWLEDGED] * CT_HZ);
			ct_result_msg(res, REASON_TCP_LOWER_TIMEOUT, CT_INVALID, &a);
			c->expires_ns = ns_add(now, unack);
		}
	} else {
		t->last_index = (uint8_t)index;
		t->last_dir = (uint8_t)dir;
	}
}

static int
tcp_finish(struct ct_result *res, int verdict)
{
	res->verdict = (enum ct_verdict)verdict;
	return verdict;
}

/* nf_conntrack_tcp_packet() */
static int
tcp_packet(struct ct_engine *e, struct ct_conn *c, const struct pkt *pkt, int dir,
	   struct ct_result *res)
{
	const struct ct_policy *pol = ct_engine_policy(e);
	struct ct_tcp_snapshot *t = &c->tcp;
	int64_t now = ns_from_ts(pkt->ts_sec, pkt->ts_nsec);
	unsigned old_state, new_state;
	struct reason_args a;
	struct seg s;
	int64_t timeout, tmo_new, tmo_retrans, tmo_unack;
	enum win_res wr;

	/* skb_header_pointer() of the 20-byte header */
	if (pkt->l4_len < TCP_HLEN) {
		res->silent = "TCP header shorter than 20 bytes";
		return tcp_finish(res, CT_INVALID);
	}
	if (tcp_error(e, pkt, res))
		return tcp_finish(res, CT_INVALID);

	seg_read(pkt, &s);
	res->tcp_index = s.index;
	if (!c->confirmed && !tcp_new(e, c, &s, res))
		return tcp_finish(res, CT_INVALID);

	old_state = t->state;
	new_state = tcp_table[dir][s.index][old_state];

	switch (new_state) {
	case sSS:
		if (old_state < TCP_CT_TIME_WAIT)
			break;
		/* reopen from TIME_WAIT/CLOSE (RFC 1122) */
		if (((t->seen[dir].flags | t->seen[!dir].flags) & TF_CLOSE_INIT) ||
		    (t->last_dir == dir && t->last_index == IDX_RST)) {
			snprintf(res->check, sizeof(res->check),
				 "SYN reopens the closed connection in %s: old entry deleted, "
				 "packet tracked as new", ct_tcp_state_name(old_state));
			return CT_REPEAT;
		}
		/* fall through */
	case sIG:
		if (s.index == IDX_SYNACK && t->last_index == IDX_SYN && t->last_dir != dir &&
		    s.ack == t->last_end) {
			/* the SYN-ACK answers a SYN we ignored: resync from it */
			struct ct_tcp_dir *ld = &t->seen[t->last_dir];

			old_state = TCP_CT_SYN_SENT;
			new_state = TCP_CT_SYN_RECV;
			ld->td_end = t->last_end;
			ld->td_maxend = t->last_end;
			ld->td_maxwin = t->last_win ? t->last_win : 1;
			ld->td_scale = t->last_wscale;
			t->last_flags &= (uint8_t)~TF_EXP_CHALLENGE_ACK;
			ld->flags = t->last_flags;
			dir_reset(&t->seen[dir]);
			break;
		}
		t->last_index = s.index;
		t->last_dir = (uint8_t)dir;
		t->last_seq = s.seq;
		t->last_end = s.end;
		t->last_win = s.win;
		if (s.index == IDX_SYN && dir == 0) {
			struct ct_tcp_dir tmp;

			memset(&tmp, 0, sizeof(tmp));
			t->last_flags = 0;
			t->last_wscale = 0;
			apply_options(&s, &tmp);
			if (tmp.flags & TF_WINDOW_SCALE) {
				t->last_flags |= TF_WINDOW_SCALE;
				t->last_wscale = tmp.td_scale;
			}
			if (tmp.flags & TF_SACK_PERM)
				t->last_flags |= TF_SACK_PERM;
			if (old_state == TCP_CT_LAST_ACK)
				t->last_flags |= TF_EXP_CHALLENGE_ACK;
		}
		if (old_state == TCP_CT_SYN_SENT && s.index == IDX_ACK && dir == 1)
			t->last_ack = s.ack;	/* possible challenge ACK to a SYN */
		args_index(&a, s.index, dir, old_state);
		ct_result_msg(res, REASON_TCP_IGNORED_STATE, CT_IGNORE, &a);
		snprintf(res->check, sizeof(res->check),
			 "state table: %s in dir %d in %s may mean conntrack is out of sync: "
			 "let through without state change", s.index == IDX_SYN ? "SYN" :
			 s.index == IDX_SYNACK ? "SYN-ACK" : "ACK", dir,
			 ct_tcp_state_name(old_state));
		return tcp_finish(res, CT_IGNORE);
	case sIV:
		/* (the SYNPROXY exception needs a synproxy entry: never offline) */
		args_index(&a, s.index, dir, old_state);
		ct_result_msg(res, REASON_TCP_INVALID_STATE, CT_INVALID, &a);
		snprintf(res->check, sizeof(res->check),
			 "state table: index %d (%s) in dir %d is invalid in state %s", s.index,
			 s.index == IDX_SYN ? "SYN" : s.index == IDX_SYNACK ? "SYN-ACK" :
			 s.index == IDX_FIN ? "FIN" : s.index == IDX_ACK ? "ACK" :
			 s.index == IDX_RST ? "RST" : "none", dir, ct_tcp_state_name(old_state));
		return tcp_finish(res, CT_INVALID);
	case sTW:
		if (old_state == TCP_CT_LAST_ACK && s.index == IDX_ACK && t->last_dir != dir &&
		    t->last_index == IDX_SYN && (t->last_flags & TF_EXP_CHALLENGE_ACK)) {
			t->last_flags &= (uint8_t)~TF_EXP_CHALLENGE_ACK;
			ct_result_msg(res, REASON_TCP_CHALLENGE_ACK_IGNORED, CT_IGNORE, NULL);
			snprintf(res->check, sizeof(res->check),
				 "ACK answers the SYN seen in LAST_ACK (RFC 5961 challenge ACK), "
				 "not the last FIN: state kept");
			return tcp_finish(res, CT_IGNORE);
		}
		break;
	case sS2:
		t->last_flags |= TF_SIMULTANEOUS_OPEN;
		break;
	case sSR:
		if (dir == 1 && s.index == IDX_ACK && (t->last_flags & TF_SIMULTANEOUS_OPEN))
			new_state = TCP_CT_ESTABLISHED;
		break;
	case sCL:
		if (s.index != IDX_RST)
			break;
		if (can_early_drop_state(t->state))
			goto in_window;
		if ((t->seen[!dir].flags & TF_MAXACK_SET) && t->last_index != IDX_SYN) {
			bool established = t->state == TCP_CT_ESTABLISHED && c->assured;
			uint32_t maxack = t->seen[!dir].td_maxack;

			/* as in nf_conntrack_tcp_packet(), each break here leaves the
			 * switch: the RST then goes through the window check, the
			 * "RST answers a packet we let through" tests below are skipped */
			if (s.seq == 0 && !established)
				break;	/* on to the window check */
			if (seq_before(s.seq, maxack) && !pol->v[CT_KNOB_TCP_IGNORE_INVALID_RST]) {
				ct_result_msg(res, REASON_TCP_INVALID_RST, CT_INVALID, NULL);
				snprintf(res->check, sizeof(res->check),
					 "RST seq %u < peer's highest ack %u: %u bytes before "
					 "what the peer already acknowledged", s.seq, maxack,
					 maxack - s.seq);
				return tcp_finish(res, CT_INVALID);
			}
			if (!established || s.seq == maxack)
				break;
			if (t->last_index == IDX_ACK && t->last_dir == dir && s.seq == t->last_end)
				break;
			/* not exactly at the expected sequence: keep the state and
			 * wait for the challenge ACK */
			new_state = old_state;
		}
		if (((c->seen_reply && t->last_index == IDX_SYN && t->last_dir != dir) ||
		     (!c->assured && t->last_index == IDX_ACK)) && s.ack == t->last_end)
			goto in_window;	/* RST answers the SYN/ACK we let through */
		if (old_state == TCP_CT_SYN_SENT && t->last_index == IDX_ACK &&
		    t->last_dir == 1 && s.seq == t->last_ack)
			goto in_window;	/* RST after a challenge ACK */
		break;
	default:
		break;
	}

	wr = tcp_in_window(pol, t, dir, &s, res);
	if (wr == WIN_IGNORE)
		return tcp_finish(res, CT_IGNORE);
	if (wr == WIN_INVALID) {
		handle_invalid(pol, c, dir, s.index, now, res);
		return tcp_finish(res, CT_INVALID);
	}

in_window:
	t->last_index = s.index;
	t->last_dir = (uint8_t)dir;
	t->state = (uint8_t)new_state;
	if (old_state != new_state && new_state == TCP_CT_FIN_WAIT)
		t->seen[dir].flags |= TF_CLOSE_INIT;

	tmo_new = state_timeout(pol, new_state);
	tmo_retrans = pol->v[CT_KNOB_TCP_TIMEOUT_MAX_RETRANS];
	tmo_unack = pol->v[CT_KNOB_TCP_TIMEOUT_UNACKNOWLEDGED];
	if (t->retrans >= pol->v[CT_KNOB_TCP_MAX_RETRANS] && tmo_new > tmo_retrans)
		timeout = tmo_retrans;
	else if (s.index == IDX_RST)
		timeout = state_timeout(pol, TCP_CT_CLOSE);
	else if (((t->seen[0].flags | t->seen[1].flags) & TF_DATA_UNACKNOWLEDGED) &&
		 tmo_new > tmo_unack)
		timeout = tmo_unack;
	else if (t->last_win == 0 && tmo_new > tmo_retrans)
		timeout = tmo_retrans;
	else
		timeout = tmo_new;

	if (!c->seen_reply) {
		if (s.rst) {
			/* the only reply is an RST: no connection, entry deleted */
			c->expires_ns = now;
			if (!res->check[0])
				snprintf(res->check, sizeof(res->check),
					 "RST before any reply: entry deleted");
			return tcp_finish(res, CT_ACCEPT);
		}
		if (s.index == IDX_SYN && old_state == TCP_CT_SYN_SENT)
			return tcp_finish(res, CT_ACCEPT);	/* SYN retransmit: no refresh */
		if (new_state == TCP_CT_ESTABLISHED && timeout > tmo_unack)
			timeout = tmo_unack;	/* picked up: no 5-day timeout */
	} else if (!c->assured &&
		   (old_state == TCP_CT_SYN_RECV || old_state == TCP_CT_ESTABLISHED) &&
		   new_state == TCP_CT_ESTABLISHED) {
		c->assured = true;
	}
	c->expires_ns = ns_add(now, ct_secs(timeout));
	return tcp_finish(res, CT_ACCEPT);
}

const struct ct_proto_ops ct_proto_tcp = {
	.l4proto = 6,
	.error = NULL,
	.packet = tcp_packet,
};
