/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-ct-tcp.c - the TCP tracker against Linux 6.18 behaviour:
 *   1. the state table, cell by cell, against a transcription of
 *      tcp_conntracks[][][] (messages.md 6.4), and every reachable cell
 *      walked through the engine;
 *   2. scenarios: every reason and window clause on both sides of its
 *      boundary, with the numbers the kernel prints;
 *   3. expiry by capture time for each state timeout.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct.h"
#include "ct-proto.h"
#include "tap.h"
#include "tcpseg.h"
#include "util-time.h"

/* ---------------------------------------------------------------------- */
/* packet builder                                                          */

enum { O_NONE = 0, O_SYN_WS7, O_SYN_NOWS, O_SACK, O_TS, O_SYN_WS2 };


static int64_t clock_ms;


/*
 * A TCP segment of the test connection 192.0.2.1:40000 -> 198.51.100.1:80
 * (dir 0) or back (dir 1).  @sack_lo/@sack_hi: one SACK block for O_SACK.
 */
static void
mk(struct tseg *t, int dir, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
   uint32_t len, int opts, uint32_t sack_lo, uint32_t sack_hi)
{
	uint8_t *o = t->buf + 20;
	size_t olen = 0;
	uint8_t a[4] = { 192, 0, 2, 1 }, b[4] = { 198, 51, 100, 1 };
	uint16_t sp = 40000, dp = 80;

	memset(t, 0, sizeof(*t));
	switch (opts) {
	case O_SYN_WS7:
	case O_SYN_WS2:
		/* MSS 1460, SACK_PERM, NOP, WSCALE */
		o[0] = 2; o[1] = 4; o[2] = 0x05; o[3] = 0xb4;
		o[4] = 4; o[5] = 2; o[6] = 1; o[7] = 3; o[8] = 3;
		o[9] = opts == O_SYN_WS7 ? 7 : 2;
		o[10] = 1; o[11] = 1;
		olen = 12;
		break;
	case O_SYN_NOWS:
		o[0] = 2; o[1] = 4; o[2] = 0x05; o[3] = 0xb4;
		o[4] = 4; o[5] = 2; o[6] = 1; o[7] = 1;
		olen = 8;
		break;
	case O_SACK:
		o[0] = 1; o[1] = 1; o[2] = 5; o[3] = 10;
		tseg_put32(o + 4, sack_lo);
		tseg_put32(o + 8, sack_hi);
		olen = 12;
		break;
	case O_TS:
		o[0] = 1; o[1] = 1; o[2] = 8; o[3] = 10;
		tseg_put32(o + 4, 1);
		tseg_put32(o + 8, 2);
		olen = 12;
		break;
	default:
		break;
	}
	tseg_fill(t, clock_ms, dir, a, b, sp, dp, flags, seq, ack, win, len, olen);
}

#define F_S TCPF_SYN
#define F_SA (TCPF_SYN | TCPF_ACK)
#define F_A TCPF_ACK
#define F_PA (TCPF_PSH | TCPF_ACK)
#define F_FA (TCPF_FIN | TCPF_ACK)
#define F_R TCPF_RST
#define F_RA (TCPF_RST | TCPF_ACK)

static struct ct_result last;

static int
send(struct ct_engine *e, int dir, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
     uint32_t len, int opts)
{
	struct tseg t;

	mk(&t, dir, flags, seq, ack, win, len, opts, 0, 0);
	ct_engine_packet(e, &t.p, &last);
	return last.verdict;
}

static int
send_sack(struct ct_engine *e, int dir, uint8_t flags, uint32_t seq, uint32_t ack,
	  uint16_t win, uint32_t lo, uint32_t hi)
{
	struct tseg t;

	mk(&t, dir, flags, seq, ack, win, 0, O_SACK, lo, hi);
	ct_engine_packet(e, &t.p, &last);
	return last.verdict;
}

static struct ct_engine *
engine(void (*tweak)(struct ct_policy *))
{
	struct ct_policy pol;

	ct_policy_init(&pol);
	if (tweak)
		tweak(&pol);
	clock_ms = 1000000;
	return ct_engine_new(&pol);
}

/* client ISN 1000, server ISN 5000, both wscale 7 */
static void
handshake(struct ct_engine *e)
{
	send(e, 0, F_S, 1000, 0, 64240, 0, O_SYN_WS7);
	send(e, 1, F_SA, 5000, 1001, 65160, 0, O_SYN_WS7);
	send(e, 0, F_A, 1001, 5001, 502, 0, O_NONE);
}

static bool
msg_is(const struct ct_result *r, unsigned i, enum reason reason)
{
	return r->n_msgs > i && r->msgs[i].reason == reason;
}

/* ---------------------------------------------------------------------- */
/* 1. state table                                                          */

/* tcp_conntracks of 6.18 as printed in messages.md 6.4 */
static const char *const table_text[2][6] = {
	{ "SS SS IG IG IG IG IG SS SS S2", "IV IV SR IV IV IV IV IV IV SR",
	  "IV IV FW FW LA LA LA TW CL IV", "ES IV ES ES CW CW TW TW CL IV",
	  "IV CL CL CL CL CL CL CL CL CL", "IV IV IV IV IV IV IV IV IV IV" },
	{ "IV S2 IV IV IV IV IV SS IV S2", "IV SR IG IG IG IG IG IG IG SR",
	  "IV IV FW FW LA LA LA TW CL IV", "IV IG SR ES CW CW TW TW CL IG",
	  "IV CL CL CL CL CL CL CL CL CL", "IV IV IV IV IV IV IV IV IV IV" },
};

static int
code_of(const char *s)
{
	static const char *const codes[] = { "NO", "SS", "SR", "ES", "FW", "CW", "LA", "TW",
					     "CL", "S2", "IV", "IG" };
	int i;

	for (i = 0; i < 12; i++)
		if (strncmp(s, codes[i], 2) == 0)
			return i;
	return -1;
}

static void
test_table_transcription(void)
{
	int d, i, s, bad = 0;

	for (d = 0; d < 2; d++)
		for (i = 0; i < 6; i++)
			for (s = 0; s < 10; s++) {
				int want = code_of(table_text[d][i] + s * 3);

				if (ct_tcp_table_lookup(d, i, s) != want) {
					tap_diag("cell dir %d index %d state %d: %d != %d", d, i, s,
						 ct_tcp_table_lookup(d, i, s), want);
					bad++;
				}
			}
	TEST(check_int(bad, ==, 0), "state table: 120 cells equal the 6.18 transcription");
}

/* Drive a fresh engine into @state; false when not reachable this way. */
static bool
drive(struct ct_engine *e, int state)
{
	switch (state) {
	case TCP_CT_SYN_SENT:
		send(e, 0, F_S, 1000, 0, 64240, 0, O_SYN_WS7);
		break;
	case TCP_CT_SYN_SENT2:
		send(e, 0, F_S, 1000, 0, 64240, 0, O_SYN_WS7);
		send(e, 1, F_S, 5000, 0, 65160, 0, O_SYN_WS7);
		break;
	case TCP_CT_SYN_RECV:
		send(e, 0, F_S, 1000, 0, 64240, 0, O_SYN_WS7);
		send(e, 1, F_SA, 5000, 1001, 65160, 0, O_SYN_WS7);
		break;
	case TCP_CT_ESTABLISHED:
		handshake(e);
		send(e, 1, F_A, 5001, 1001, 509, 0, O_NONE);
		break;
	case TCP_CT_FIN_WAIT:
		handshake(e);
		send(e, 0, F_FA, 1001, 5001, 502, 0, O_NONE);
		break;
	case TCP_CT_CLOSE_WAIT:
		handshake(e);
		send(e, 0, F_FA, 1001, 5001, 502, 0, O_NONE);
		send(e, 1, F_A, 5001, 1002, 509, 0, O_NONE);
		break;
	case TCP_CT_LAST_ACK:
		handshake(e);
		send(e, 0, F_FA, 1001, 5001, 502, 0, O_NONE);
		send(e, 1, F_A, 5001, 1002, 509, 0, O_NONE);
		send(e, 1, F_FA, 5001, 1002, 509, 0, O_NONE);
		break;
	case TCP_CT_TIME_WAIT:
		handshake(e);
		send(e, 0, F_FA, 1001, 5001, 502, 0, O_NONE);
		send(e, 1, F_FA, 5001, 1002, 509, 0, O_NONE);
		send(e, 0, F_A, 1002, 5002, 502, 0, O_NONE);
		break;
	case TCP_CT_CLOSE:
		handshake(e);
		send(e, 1, F_A, 5001, 1001, 509, 0, O_NONE);
		send(e, 0, F_R, 1001, 0, 0, 0, O_NONE);
		break;
	default:
		return false;
	}
	return last.after.valid && last.after.state == state;
}

static const uint8_t class_flags[6] = { F_S, F_SA, F_FA, F_A, F_RA, 0 };

/*
 * Walk every (dir, index, state) cell through the engine.  A probe with the
 * next in-window sequence numbers; the outcome must be what the table
 * says: IV -> INVALID "invalid state", IG -> IGNORE "ignored", else the
 * new state (after the documented special cases of 6.5).
 */
static void
test_table_walk(void)
{
	int d, i, s, cells = 0, bad = 0;

	for (s = 1; s < 10; s++) {
		for (d = 0; d < 2; d++) {
			for (i = 0; i < 6; i++) {
				struct ct_engine *e = engine(NULL);
				struct ct_tcp_snapshot st;
				int want = ct_tcp_table_lookup(d, i, s), got_ok = 0;
				uint32_t seq, ack;

				if (!drive(e, s)) {
					tap_diag("cannot drive into state %d", s);
					bad++;
					ct_engine_free(e);
					continue;
				}
				st = last.after;
				seq = st.seen[d].td_maxwin ? st.seen[d].td_end : 7000;
				ack = st.seen[!d].td_end;
				clock_ms += 10;
				send(e, d, class_flags[i], seq, (class_flags[i] & TCPF_ACK) ? ack : 0,
				     600, 0, (i <= 1) ? O_SYN_WS7 : O_NONE);
				cells++;
				if (i == 5) {
					got_ok = last.verdict == CT_INVALID &&
						 msg_is(&last, 0, REASON_TCP_FLAGS_INVALID);
				} else if (want == TCP_CT_INVALID) {
					got_ok = last.verdict == CT_INVALID &&
						 msg_is(&last, 0, REASON_TCP_INVALID_STATE) &&
						 last.msgs[0].args.index == i &&
						 last.msgs[0].args.dir == d &&
						 strcmp(last.msgs[0].args.state,
							ct_tcp_state_name((unsigned)s)) == 0;
				} else if (want == TCP_CT_IGNORE) {
					got_ok = last.verdict == CT_IGNORE &&
						 msg_is(&last, 0, REASON_TCP_IGNORED_STATE) &&
						 last.after.state == s;
				} else if (want == TCP_CT_SYN_SENT && s >= TCP_CT_TIME_WAIT &&
					   !((st.seen[0].flags | st.seen[1].flags) & 0x04) &&
					   !(st.last_index == 4 && st.last_dir == d)) {
					/* no reopen condition: treated as IGNORE */
					got_ok = last.verdict == CT_IGNORE &&
						 msg_is(&last, 0, REASON_TCP_IGNORED_STATE);
				} else if (want == TCP_CT_SYN_SENT && s >= TCP_CT_TIME_WAIT) {
					/* reopen: old entry deleted, packet opens a new one */
					got_ok = last.verdict == CT_ACCEPT && last.new_flow &&
						 last.after.state == TCP_CT_SYN_SENT;
				} else if (want == TCP_CT_SYN_RECV && d == 1 && i == 3 &&
					   (st.last_flags & 0x80)) {
					got_ok = last.after.state == TCP_CT_ESTABLISHED;
				} else {
					got_ok = last.verdict == CT_ACCEPT && last.n_msgs == 0 &&
						 last.after.state == want;
				}
				if (!got_ok) {
					bad++;
					tap_diag("cell dir %d index %d state %s: table %d, got verdict "
						 "%d state %d msgs %u (%s) %s", d, i,
						 ct_tcp_state_name((unsigned)s), want, last.verdict,
						 last.after.state, last.n_msgs,
						 last.n_msgs ? reason_code(last.msgs[0].reason) : "-",
						 last.check);
				}
				ct_engine_free(e);
			}
		}
	}
	TEST(check_int(bad, ==, 0), "state table walked through the engine: %d cells", cells);
}

static void
test_new(void)
{
	struct ct_engine *e;
	static const struct {
		uint8_t flags;
		int verdict;
		enum reason reason;
		int state;
	} cases[] = {
		{ F_S, CT_ACCEPT, REASON__COUNT, TCP_CT_SYN_SENT },
		{ F_SA, CT_INVALID, REASON_TCP_INVALID_NEW, -1 },
		{ F_FA, CT_INVALID, REASON_TCP_INVALID_NEW, -1 },
		{ F_R, CT_INVALID, REASON_TCP_INVALID_NEW, -1 },
		{ F_RA, CT_INVALID, REASON_TCP_INVALID_NEW, -1 },
		{ F_A, CT_ACCEPT, REASON__COUNT, TCP_CT_ESTABLISHED },
		{ 0, CT_INVALID, REASON_TCP_FLAGS_INVALID, -1 },
		{ TCPF_FIN, CT_INVALID, REASON_TCP_FLAGS_INVALID, -1 },
		{ TCPF_SYN | TCPF_FIN, CT_INVALID, REASON_TCP_FLAGS_INVALID, -1 },
		{ TCPF_SYN | TCPF_RST, CT_INVALID, REASON_TCP_FLAGS_INVALID, -1 },
		{ TCPF_SYN | TCPF_ACK | TCPF_URG, CT_INVALID, REASON_TCP_FLAGS_INVALID, -1 },
		{ TCPF_SYN | TCPF_ECE | TCPF_CWR, CT_ACCEPT, REASON__COUNT, TCP_CT_SYN_SENT },
		{ TCPF_ACK | TCPF_URG | TCPF_PSH, CT_ACCEPT, REASON__COUNT, TCP_CT_ESTABLISHED },
	};
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		e = engine(NULL);
		send(e, 0, cases[k].flags, 1000, cases[k].flags & TCPF_ACK ? 5000 : 0, 1000, 0,
		     O_NONE);
		TEST(check_int(last.verdict, ==, cases[k].verdict) &&
		     check(cases[k].reason == REASON__COUNT ? last.n_msgs == 0
							    : msg_is(&last, 0, cases[k].reason)) &&
		     check(cases[k].state < 0 ? !last.new_flow
					      : (last.new_flow && last.after.state == cases[k].state)),
		     "first packet with flags 0x%02x", cases[k].flags);
		ct_engine_free(e);
	}
}

/* ---------------------------------------------------------------------- */
/* 2. scenarios                                                            */

static void
no_loose(struct ct_policy *p)
{
	p->v[CT_KNOB_TCP_LOOSE] = 0;
}

static void
liberal(struct ct_policy *p)
{
	p->v[CT_KNOB_TCP_BE_LIBERAL] = 1;
}

static void
ignore_rst(struct ct_policy *p)
{
	p->v[CT_KNOB_TCP_IGNORE_INVALID_RST] = 1;
}

static void
no_checksum(struct ct_policy *p)
{
	p->v[CT_KNOB_CHECKSUM] = 0;
}

static void
test_handshake_state(void)
{
	struct ct_engine *e = engine(NULL);
	struct ct_tcp_snapshot s;

	handshake(e);
	s = last.after;
	/* SYN windows are not scaled; the ACK's 502 << 7 = 64256 */
	TEST(check_int(last.verdict, ==, CT_ACCEPT) && check_uint(s.state, ==, TCP_CT_ESTABLISHED) &&
	     check_uint(s.seen[0].td_end, ==, 1001) && check_uint(s.seen[0].td_maxwin, ==, 64256) &&
	     check_uint(s.seen[0].td_maxend, ==, 66161) && check_uint(s.seen[0].td_scale, ==, 7) &&
	     check_uint(s.seen[1].td_end, ==, 5001) && check_uint(s.seen[1].td_maxwin, ==, 65160) &&
	     check_uint(s.seen[1].td_maxend, ==, 5001 + 64256) &&
	     check_uint(s.seen[1].td_scale, ==, 7),
	     "handshake: window records as the kernel builds them");
	TEST(check(s.assured) && check(s.seen_reply),
	     "SYN_RECV -> ESTABLISHED with a reply seen: ASSURED");
	ct_engine_free(e);
}

/* Bound I: seq > sender td_maxend (66161), overshoot work-around */
static void
test_bound_I(void)
{
	struct ct_engine *e = engine(NULL);

	handshake(e);
	/* seq == td_maxend, with data: passes I */
	send(e, 0, F_PA, 66161, 5001, 502, 0, O_NONE);
	TEST(check_int(last.verdict, ==, CT_ACCEPT) && check_uint(last.failed, ==, 0),
	     "I: seq == td_maxend passes");
	ct_engine_free(e);

	e = engine(NULL);
	handshake(e);
	/* seq = td_maxend + 1, len 100: overshot 102 <= receiver maxwin: ignored */
	send(e, 0, F_PA, 66162, 5001, 502, 100, O_NONE);
	TEST(check_int(last.verdict, ==, CT_IGNORE) &&
	     check(msg_is(&last, 0, REASON_TCP_OVERSHOOT)) &&
	     check_uint(last.msgs[0].args.overshot, ==, 66262 - 66161 + 1) &&
	     check_uint(last.failed, ==, CT_BOUND_I) &&
	     check_uint(last.after.seen[0].td_end, ==, 66262) &&
	     check(last.after.seen[0].flags & 0x10),
	     "I: overshoot within the receiver's window: '%u bytes more than expected', "
	     "td_end advanced", last.n_msgs ? last.msgs[0].args.overshot : 0);
	ct_engine_free(e);

	e = engine(NULL);
	handshake(e);
	/* overshot = receiver td_maxwin exactly (65160): still the work-around */
	send(e, 0, F_PA, 66162, 5001, 502, 65160 - 2, O_NONE);
	TEST(check_int(last.verdict, ==, CT_IGNORE) &&
	     check(msg_is(&last, 0, REASON_TCP_OVERSHOOT)) &&
	     check_uint(last.msgs[0].args.overshot, ==, 65160),
	     "I: overshot == receiver max window is the work-around");
	ct_engine_free(e);

	e = engine(NULL);
	handshake(e);
	send(e, 0, F_PA, 66162, 5001, 502, 65160 - 1, O_NONE);
	TEST(check_int(last.verdict, ==, CT_INVALID) &&
	     check(msg_is(&last, 0, REASON_TCP_SEQ_OVER_UB)) &&
	     check_uint(last.msgs[0].args.bound, ==, 66162) && check(last.n_msgs == 1) &&
	     check(strstr(last.check, "seq 66162 > sender td_maxend 66161") != NULL),
	     "I: one byte more: 'SEQ is over upper bound 66162' (%s)", last.check);
	ct_engine_free(e);

	/* wraparound: same numbers shifted across 2^32 */
	e = engine(NULL);
	send(e, 0, F_S, 0xfffff000u, 0, 64240, 0, O_SYN_WS7);
	send(e, 1, F_SA, 0xffffff00u, 0xfffff001u, 65160, 0, O_SYN_WS7);
	send(e, 0, F_A, 0xfffff001u, 0xffffff01u, 502, 0, O_NONE);
	/* client td_maxend = 0xfffff001 + 65160 wraps */
	send(e, 0, F_PA, 0xfffff001u + 65160u, 0xffffff01u, 502, 10, O_NONE);
	TEST(check_int(last.verdict, ==, CT_ACCEPT), "I across the wrap: seq == td_maxend passes");
	send(e, 0, F_PA, 0xfffff001u + 65160u + 70000u, 0xffffff01u, 502, 0, O_NONE);
	TEST(check_int(last.verdict, ==, CT_INVALID) &&
	     check(msg_is(&last, 0, REASON_TCP_SEQ_OVER_UB)),
	     "I across the wrap: far beyond fails");
	ct_engine_free(e);
}

/* Bound III: ack > receiver td_end */
static void
test_bound_III(void)
{
	struct ct_engine *e = engine(NULL);

	handshake(e);
	send(e, 0, F_A, 1001, 5001, 502, 0, O_NONE);
	TEST(check_int(last.verdict, ==, CT_ACCEPT), "III: ack == receiver td_end passes");
	send(e, 0, F_A, 1001, 5002, 502, 0, O_NONE);
	TEST(check_int(last.verdict, ==, CT_INVALID) &&
	     check(msg_is(&last, 0, REASON_TCP_ACK_OVER_UB)) &&
	     check_uint(last.msgs[0].args.bound, ==, 5002) &&
	     check_uint(last.failed, ==, CT_BOUND_III),
	     "III: ack one beyond: 'ACK is over upper bound 5002'");
	/* I and III both fail: I is reported */
	send(e, 0, F_A, 1001 + 200000, 5002, 502, 0, O_NONE);
	TEST(check(msg_is(&last, 0, REASON_TCP_SEQ_OVER_UB)) &&
	     check_uint(last.failed & (CT_BOUND_I | CT_BOUND_III), ==, CT_BOUND_I | CT_BOUND_III),
	     "I and III fail: I reported, both in failed");
	ct_engine_free(e);
}

/* Bound II: end < sender td_end - receiver maxwin; and II vs III order */
static void
test_bound_II(void)
{
	struct ct_engine *e = engine(NULL);
	uint32_t lb;

	handshake(e);
	/* client td_end 1001, server maxwin 65160: lower bound 1001 - 65160 - 1 */
	lb = 1001u - 65160u - 1u;
	send(e, 0, F_PA, lb + 1 - 10, 5001, 502, 10, O_NONE);	/* end = lb + 1 */
	TEST(check_int(last.verdict, ==, CT_ACCEPT), "II: end == bound + 1 passes");
	send(e, 0, F_PA, lb - 10, 5001, 502, 10, O_NONE);	/* end = lb */
	TEST(check_int(last.verdict, ==, CT_IGNORE) &&
	     check(msg_is(&last, 0, REASON_TCP_SEQ_UNDER_LB)) &&
	     check_uint(last.msgs[0].args.bound, ==, lb) &&
	     check_uint(last.failed, ==, CT_BOUND_II),
	     "II: end == bound: 'SEQ is under lower bound %u' (ignored)", lb);
	/* II and III both fail: 6.18 checks III first */
	send(e, 0, F_PA, lb - 10, 5002, 502, 10, O_NONE);
	TEST(check_int(last.verdict, ==, CT_INVALID) &&
	     check(msg_is(&last, 0, REASON_TCP_ACK_OVER_UB)) &&
	     check_uint(last.failed, ==, CT_BOUND_II | CT_BOUND_III),
	     "II and III fail: 'ACK is over upper bound' (order I, III, II, IV)");
	ct_engine_free(e);
}

/* Bound IV: sack < receiver td_end - MAXACKWINDOW */
static void
test_bound_IV(void)
{
	struct ct_engine *e = engine(NULL);
	uint32_t lb;

	handshake(e);
	/* client maxwin 64256 < 66000: MAXACKWINDOW 66000 */
	lb = 5001u - 66000u - 1u;
	send(e, 0, F_A, 1001, lb + 1, 502, 0, O_NONE);
	TEST(check_int(last.verdict, ==, CT_ACCEPT), "IV: ack == bound + 1 passes");
	send(e, 0, F_A, 1001, lb, 502, 0, O_NONE);
	TEST(check_int(last.verdict, ==, CT_IGNORE) &&
	     check(msg_is(&last, 0, REASON_TCP_ACK_UNDER_LB)) &&
	     check_uint(last.msgs[0].args.bound, ==, lb) &&
	     check_uint(last.failed, ==, CT_BOUND_IV),
	     "IV: ack == bound: 'ignored ACK under lower bound %u'", lb);
	ct_engine_free(e);
}

static void
test_sack(void)
{
	struct ct_engine *e = engine(NULL);

	handshake(e);
	send(e, 1, F_PA, 5001, 1001, 509, 1000, O_NONE);	/* server td_end 6001 */
	/* client ACKs 5001, SACKs 5501..6001: fine */
	send_sack(e, 0, F_A, 1001, 5001, 502, 5501, 6001);
	TEST(check_int(last.verdict, ==, CT_ACCEPT), "SACK right edge == receiver td_end passes");
	/* a SACK edge beyond what the server sent: III on the sack value */
	send_sack(e, 0, F_A, 1001, 5001, 502, 5501, 6002);
	TEST(check_int(last.verdict, ==, CT_INVALID) &&
	     check(msg_is(&last, 0, REASON_TCP_ACK_OVER_UB)) &&
	     check_uint(last.msgs[0].args.bound, ==, 6002),
	     "SACK edge beyond receiver td_end: 'ACK is over upper bound 6002'");
	ct_engine_free(e);

	/* without SACK_PERM from the receiver the blocks are not read */
	e = engine(NULL);
	send(e, 0, F_S, 1000, 0, 64240, 0, O_SYN_WS7);
	send(e, 1, F_SA, 5000, 1001, 65160, 0, O_NONE);
	send(e, 0, F_A, 1001, 5001, 502, 0, O_NONE);
	send_sack(e, 0, F_A, 1001, 5001, 502, 5501, 9000);
	TEST(check_int(last.verdict, ==, CT_ACCEPT),
	     "SACK blocks ignored when the receiver did not offer SACK_PERM");
	ct_engine_free(e);
}

static void
test_wscale_one_side(void)
{
	struct ct_engine *e = engine(NULL);

	/* client offers wscale 7, server none: no scaling either way */
	send(e, 0, F_S, 1000, 0, 64240, 0, O_SYN_WS7);
	send(e, 1, F_SA, 5000, 1001, 65160, 0, O_SYN_NOWS);
	TEST(check_uint(last.after.seen[0].td_scale, ==, 0) &&
	     check_uint(last.after.seen[1].td_scale, ==, 0),
	     "wscale offered by the client only: both scales reset on the SYN-ACK");
	send(e, 0, F_A, 1001, 5001, 502, 0, O_NONE);
	/* the server may only send 502 bytes past 5001... the client's window is raw */
	TEST(check_uint(last.after.seen[1].td_maxend, ==, 5001 + 502),
	     "unscaled window after one-sided offer (td_maxend %u)",
	     last.after.seen[1].td_maxend);
	send(e, 1, F_PA, 5001, 1001, 65160, 1000, O_NONE);
	TEST(check_int(last.verdict, ==, CT_ACCEPT),
	     "I tests seq only: 1000 bytes starting inside the 502-byte window pass");
	send(e, 1, F_PA, 6001 + 65160, 1001, 65160, 0, O_NONE);
	TEST(check_int(last.verdict, ==, CT_INVALID) && check(msg_is(&last, 0, REASON_TCP_SEQ_OVER_UB)),
	     "far beyond the unscaled window: SEQ is over upper bound");
	ct_engine_free(e);

	/* server offers, client did not: the same */
	e = engine(NULL);
	send(e, 0, F_S, 1000, 0, 64240, 0, O_SYN_NOWS);
	send(e, 1, F_SA, 5000, 1001, 65160, 0, O_SYN_WS7);
	TEST(check_uint(last.after.seen[1].td_scale, ==, 0) &&
	     check(last.after.seen[1].flags & 0x01),
	     "wscale offered by the server only: scale 0, flag kept");
	ct_engine_free(e);
}

/* A segment with raw option bytes (@olen <= 40, a multiple of 4). */
static int
send_opts(struct ct_engine *e, int dir, uint8_t flags, uint32_t seq, uint32_t ack,
	  uint16_t win, const uint8_t *opt, size_t olen)
{
	struct tseg t;

	mk(&t, dir, flags, seq, ack, win, 0, O_NONE, 0, 0);
	memcpy(t.buf + 20, opt, olen);
	t.p.doff = (uint8_t)((20 + olen) / 4);
	t.buf[12] = (uint8_t)(t.p.doff << 4);
	t.p.l4_len = t.p.l4_caplen = (uint32_t)(20 + olen);
	t.p.ip_len = 20 + t.p.l4_len;
	ct_engine_packet(e, &t.p, &last);
	return last.verdict;
}

/*
 * The option walk of tcp_options()/tcp_sack() on odd option areas: scale
 * clamped to 14, silly sizes (0, 1) and sizes beyond the area stop the walk,
 * EOL stops it, options of the wrong size are skipped, a SACK option whose
 * size is not 2 + 8n is not read.
 */
static void
test_silly_options(void)
{
	static const uint8_t ws15[] = { 1, 3, 3, 15 };
	static const uint8_t ws7[] = { 1, 3, 3, 7 };
	static const uint8_t silly0[] = { 8, 0, 1, 1, 1, 3, 3, 7 };
	/* client SYNs alone: option bytes, expected WINDOW_SCALE|SACK_PERM, scale */
	static const struct {
		uint8_t opt[8], flags, scale;
		const char *what;
	} syns[] = {
		{ { 8, 1, 1, 1, 1, 3, 3, 7 }, 0, 0, "option of size 1: walk stops" },
		{ { 0, 1, 3, 3, 7, 1, 1, 1 }, 0, 0, "EOL first: nothing after it is read" },
		{ { 1, 3, 3, 7, 2, 8, 5, 0xb4 }, 1, 7,
		  "option running past the area after the window scale: scale kept, walk stops" },
		{ { 3, 4, 7, 0, 4, 3, 0, 1 }, 0, 0,
		  "window scale of size 4 and SACK_PERM of size 3: neither recorded" },
		{ { 4, 2, 1, 3, 3, 9, 1, 1 }, 3, 9, "SACK_PERM and scale 9 both recorded" },
	};
	static const uint8_t sackperm[] = { 4, 2, 1, 1 };
	/* a SACK option of size 14 (not 2 + 8n) with a block ending at 9000 */
	static const uint8_t sack14[] = { 1, 1, 5, 14, 0, 0, 0x13, 0x89, 0, 0, 0x23, 0x28,
					  0, 0, 0, 0 };
	static const uint8_t sack_after_silly[] = { 1, 1, 8, 0, 5, 10, 0, 0, 0x13, 0x89,
						    0, 0, 0x23, 0x28, 1, 1 };
	static const uint8_t sack_ok[] = { 1, 1, 5, 10, 0, 0, 0x13, 0x89, 0, 0, 0x23, 0x28 };
	struct ct_engine *e = engine(NULL);
	size_t k;

	send_opts(e, 0, F_S, 1000, 0, 64240, ws15, sizeof(ws15));
	send_opts(e, 1, F_SA, 5000, 1001, 65160, ws15, sizeof(ws15));
	TEST(check_uint(last.after.seen[0].td_scale, ==, 14) &&
	     check_uint(last.after.seen[1].td_scale, ==, 14),
	     "window scale 15 clamped to 14 on both sides");
	ct_engine_free(e);

	e = engine(NULL);
	send_opts(e, 0, F_S, 1000, 0, 64240, silly0, sizeof(silly0));
	TEST(check_uint(last.after.seen[0].flags & 0x01, ==, 0),
	     "option of size 0 before the window scale: walk stops, no WINDOW_SCALE");
	send_opts(e, 1, F_SA, 5000, 1001, 65160, ws7, sizeof(ws7));
	TEST(check_uint(last.after.seen[0].td_scale, ==, 0) &&
	     check_uint(last.after.seen[1].td_scale, ==, 0),
	     "... so the server's offer is one-sided: both scales 0");
	ct_engine_free(e);

	for (k = 0; k < sizeof(syns) / sizeof(syns[0]); k++) {
		e = engine(NULL);
		send_opts(e, 0, F_S, 1000, 0, 64240, syns[k].opt, sizeof(syns[k].opt));
		TEST(check_uint(last.after.seen[0].flags & 0x03, ==, syns[k].flags) &&
		     check_uint(last.after.seen[0].td_scale, ==, syns[k].scale), "%s", syns[k].what);
		ct_engine_free(e);
	}

	/* SACK blocks: server 5000.., 1000 bytes sent (td_end 6001) */
	e = engine(NULL);
	send_opts(e, 0, F_S, 1000, 0, 64240, sackperm, sizeof(sackperm));
	send_opts(e, 1, F_SA, 5000, 1001, 65160, sackperm, sizeof(sackperm));
	send(e, 0, F_A, 1001, 5001, 64240, 0, O_NONE);
	send(e, 1, F_PA, 5001, 1001, 65160, 1000, O_NONE);
	send_opts(e, 0, F_A, 1001, 5001, 64240, sack14, sizeof(sack14));
	TEST(check_int(last.verdict, ==, CT_ACCEPT) && check_uint(last.n_msgs, ==, 0),
	     "SACK option of size 14 (not 2 + 8n) is not read: block edge 9000 ignored");
	send_opts(e, 0, F_A, 1001, 5001, 64240, sack_after_silly, sizeof(sack_after_silly));
	TEST(check_int(last.verdict, ==, CT_ACCEPT) && check_uint(last.n_msgs, ==, 0),
	     "SACK option after a size-0 option is not reached");
	send_opts(e, 0, F_A, 1001, 5001, 64240, sack_ok, sizeof(sack_ok));
	TEST(check_int(last.verdict, ==, CT_INVALID) && check(msg_is(&last, 0, REASON_TCP_ACK_OVER_UB)) &&
	     check_uint(last.msgs[0].args.bound, ==, 6002),
	     "the same block in a valid SACK option: 'ACK is over upper bound 6002'");
	ct_engine_free(e);
}

static void
test_rst(void)
{
	struct ct_engine *e = engine(NULL);

	/* RST answering a SYN with seq 0 (RST+ACK): closes, entry deleted */
	send(e, 0, F_S, 1000, 0, 64240, 0, O_SYN_WS7);
	send(e, 1, F_RA, 0, 1001, 0, 0, O_NONE);
	TEST(check_int(last.verdict, ==, CT_ACCEPT) && check_uint(last.after.state, ==, TCP_CT_CLOSE),
	     "RST+ACK seq 0 answering a SYN: accepted, CLOSE");
	send(e, 0, F_A, 1001, 1, 502, 0, O_NONE);
	TEST(check(last.new_flow), "entry with only an RST as reply is gone: next ACK opens a new one");
	ct_engine_free(e);

	/* invalid RST: seq before the peer's max ack */
	e = engine(NULL);
	handshake(e);
	send(e, 1, F_A, 5001, 1001, 509, 0, O_NONE);
	send(e, 0, F_PA, 1001, 5001, 502, 100, O_NONE);
	send(e, 1, F_A, 5001, 1101, 509, 0, O_NONE);	/* server maxack 1101 */
	send(e, 0, F_R, 1100, 0, 0, 0, O_NONE);
	TEST(check_int(last.verdict, ==, CT_INVALID) && check(msg_is(&last, 0, REASON_TCP_INVALID_RST)),
	     "RST seq 1100 < peer max ack 1101: 'invalid rst'");
	send(e, 0, F_R, 1101, 0, 0, 0, O_NONE);
	TEST(check_int(last.verdict, ==, CT_ACCEPT) && check_uint(last.after.state, ==, TCP_CT_CLOSE),
	     "RST seq == peer max ack: CLOSE");
	ct_engine_free(e);

	e = engine(ignore_rst);
	handshake(e);
	send(e, 1, F_A, 5001, 1001, 509, 0, O_NONE);
	send(e, 0, F_PA, 1001, 5001, 502, 100, O_NONE);
	send(e, 1, F_A, 5001, 1101, 509, 0, O_NONE);
	send(e, 0, F_R, 1100, 0, 0, 0, O_NONE);
	TEST(check(!msg_is(&last, 0, REASON_TCP_INVALID_RST)),
	     "tcp_ignore_invalid_rst=1: no 'invalid rst'");
	ct_engine_free(e);

	/* RST in window but not exact: state kept (awaiting a challenge ACK) */
	e = engine(NULL);
	handshake(e);
	send(e, 1, F_A, 5001, 1001, 509, 0, O_NONE);
	send(e, 0, F_R, 1500, 0, 0, 0, O_NONE);
	TEST(check_int(last.verdict, ==, CT_ACCEPT) &&
	     check_uint(last.after.state, ==, TCP_CT_ESTABLISHED),
	     "RST not at the exact sequence on an assured entry: stays ESTABLISHED");
	ct_engine_free(e);

	/* RST after a challenge ACK in SYN_SENT (6.2+) */
	e = engine(NULL);
	handshake(e);
	send(e, 1, F_A, 5001, 1001, 509, 0, O_NONE);
	send(e, 0, F_FA, 1001, 5001, 502, 0, O_NONE);
	send(e, 1, F_FA, 5001, 1002, 509, 0, O_NONE);
	send(e, 0, F_A, 1002, 5002, 502, 0, O_NONE);	/* TIME_WAIT, CLOSE_INIT */
	send(e, 0, F_S, 90000, 0, 64240, 0, O_SYN_WS7);	/* reopen -> new SYN_SENT */
	TEST(check(last.new_flow) && check_uint(last.after.state, ==, TCP_CT_SYN_SENT),
	     "SYN in TIME_WAIT with CLOSE_INIT reopens (REPEAT): new entry in SYN_SENT");
	send(e, 1, F_A, 5002, 1002, 509, 0, O_NONE);	/* challenge ACK */
	TEST(check_int(last.verdict, ==, CT_IGNORE) && check(msg_is(&last, 0, REASON_TCP_IGNORED_STATE)),
	     "challenge ACK to the new SYN is ignored");
	send(e, 0, F_R, 1002, 0, 0, 0, O_NONE);
	TEST(check_int(last.verdict, ==, CT_ACCEPT) && check_uint(last.after.state, ==, TCP_CT_CLOSE),
	     "RST with seq == the challenge ACK's ack: accepted without window check");
	ct_engine_free(e);

	/*
	 * Regression (lab, kernel-diff seeds 3 and 4): the handshake's final ACK
	 * has a bad checksum (INVALID, no state), the server sends data, the
	 * client's RST+ACK acks it exactly.  seq == the server's max ack on an
	 * entry that is not ESTABLISHED+ASSURED: the kernel leaves the switch and
	 * checks the RST's window, which raises the server's td_maxend to
	 * ack + (502 << 7); the "RST answers an ACK we let through" skip is not
	 * reached.  The server's next segment is then in window: no line.
	 */
	e = engine(NULL);
	send(e, 0, F_S, 1000, 0, 64240, 0, O_SYN_WS7);
	send(e, 1, F_SA, 5000, 1001, 65160, 0, O_SYN_WS7);
	{
		struct tseg t;

		mk(&t, 0, F_A, 1001, 5001, 502, 0, O_NONE, 0, 0);
		t.p.l4_csum = t.p.l4_csum_nf = CSUM_BAD;
		ct_engine_packet(e, &t.p, &last);
	}
	TEST(check_int(last.verdict, ==, CT_INVALID) && check(msg_is(&last, 0, REASON_TCP_BAD_CHECKSUM)),
	     "final ACK with a bad checksum: 'bad checksum'");
	send(e, 1, F_PA, 5001, 1001, 510, 562, O_NONE);
	TEST(check_int(last.verdict, ==, CT_ACCEPT) && check_uint(last.after.state, ==, TCP_CT_SYN_RECV),
	     "server data in SYN_RECV: accepted");
	send(e, 0, F_RA, 1001, 5563, 502, 0, O_NONE);
	TEST(check_int(last.verdict, ==, CT_ACCEPT) && check_uint(last.after.state, ==, TCP_CT_CLOSE) &&
	     check_uint(last.after.seen[1].td_maxend, ==, 5563u + (502u << 7)),
	     "RST+ACK at the peer's max ack before ASSURED: window checked, server td_maxend %u",
	     last.after.seen[1].td_maxend);
	send(e, 1, F_PA, 5563, 1001, 510, 1371, O_NONE);
	TEST(check_int(last.verdict, ==, CT_ACCEPT) && check_uint(last.n_msgs, ==, 0),
	     "server data after that RST: in window, no line (kernel logs nothing)");
	ct_engine_free(e);
}

static void
test_pickup(void)
{
	struct ct_engine *e = engine(NULL);

	send(e, 0, F_PA, 1000, 5000, 502, 100, O_NONE);
	TEST(check_int(last.verdict, ==, CT_ACCEPT) && check(last.new_flow) &&
	     check_uint(last.after.state, ==, TCP_CT_ESTABLISHED) &&
	     check_uint(last.after.seen[0].flags, ==, 0x0a | 0x00) &&
	     check_uint(last.after.seen[1].flags, ==, 0x0a),
	     "mid-stream pickup: ESTABLISHED, both directions SACK_PERM|BE_LIBERAL");
	/* liberal: far out of window is silent */
	send(e, 0, F_PA, 900000, 5000, 502, 100, O_NONE);
	TEST(check_int(last.verdict, ==, CT_ACCEPT) && check_uint(last.n_msgs, ==, 0) &&
	     check(last.failed & CT_BOUND_I),
	     "picked-up flow: window failures are not logged (failed %#x)", last.failed);
	ct_engine_free(e);

	e = engine(no_loose);
	send(e, 0, F_PA, 1000, 5000, 502, 100, O_NONE);
	TEST(check_int(last.verdict, ==, CT_INVALID) && check_uint(last.n_msgs, ==, 0) &&
	     check(last.silent != NULL) && check(!last.new_flow),
	     "tcp_loose=0: mid-stream ACK is INVALID without a log line");
	send(e, 0, F_FA, 1000, 5000, 502, 0, O_NONE);
	TEST(check(msg_is(&last, 0, REASON_TCP_INVALID_NEW)), "tcp_loose=0: FIN logs 'invalid new'");
	ct_engine_free(e);

	/* keep-alive reply: receiver td_end + 1 in the re-init branch */
	e = engine(NULL);
	send(e, 0, F_A, 1000, 5000, 502, 0, O_NONE);
	send(e, 1, F_A, 5000, 1001, 509, 0, O_NONE);
	TEST(check_uint(last.after.seen[0].td_end, ==, 1001),
	     "reply acking td_end + 1 (keep-alive) bumps the receiver's td_end");
	ct_engine_free(e);
}

static void
test_liberal(void)
{
	struct ct_engine *e = engine(liberal);

	handshake(e);
	send(e, 0, F_PA, 900000, 5001, 502, 0, O_NONE);
	TEST(check_int(last.verdict, ==, CT_ACCEPT) && check_uint(last.n_msgs, ==, 0) &&
	     check(last.failed & CT_BOUND_I) && check(strstr(last.check, "be_liberal") != NULL),
	     "be_liberal=1: out-of-window accepted silently, explained");
	ct_engine_free(e);
}

static void
test_errors(void)
{
	struct ct_engine *e = engine(NULL);
	struct tseg t;

	mk(&t, 0, F_S, 1000, 0, 100, 0, O_NONE, 0, 0);
	t.p.doff = 4;
	ct_engine_packet(e, &t.p, &last);
	TEST(check(msg_is(&last, 0, REASON_TCP_TRUNCATED)) && check_int(last.verdict, ==, CT_INVALID),
	     "doff 4: truncated packet");
	mk(&t, 0, F_S, 1000, 0, 100, 0, O_NONE, 0, 0);
	t.p.doff = 8;
	ct_engine_packet(e, &t.p, &last);
	TEST(check(msg_is(&last, 0, REASON_TCP_TRUNCATED)), "doff beyond the segment: truncated");
	mk(&t, 0, F_S, 1000, 0, 100, 0, O_NONE, 0, 0);
	t.p.l4_csum = CSUM_BAD;
	t.p.l4_csum_nf = CSUM_BAD;
	ct_engine_packet(e, &t.p, &last);
	TEST(check(msg_is(&last, 0, REASON_TCP_BAD_CHECKSUM)), "bad checksum at PRE_ROUTING");
	t.p.dir = PKT_DIR_OUT;
	ct_engine_packet(e, &t.p, &last);
	TEST(check_uint(last.n_msgs, ==, 0) && check_int(last.verdict, ==, CT_ACCEPT),
	     "bad checksum on an outgoing packet: not checked");
	ct_engine_free(e);
	e = engine(no_checksum);
	mk(&t, 0, F_S, 1000, 0, 100, 0, O_NONE, 0, 0);
	t.p.l4_csum = CSUM_BAD;
	t.p.l4_csum_nf = CSUM_BAD;
	ct_engine_packet(e, &t.p, &last);
	TEST(check_uint(last.n_msgs, ==, 0), "nf_conntrack_checksum=0: not checked");
	mk(&t, 0, F_S, 1000, 0, 100, 0, O_NONE, 0, 0);
	t.p.l4_len = 12;
	ct_engine_packet(e, &t.p, &last);
	TEST(check_int(last.verdict, ==, CT_INVALID) && check_uint(last.n_msgs, ==, 0),
	     "TCP header under 20 bytes: INVALID, silent");
	send(e, 0, TCPF_SYN | TCPF_RST, 1000, 0, 100, 0, O_NONE);
	TEST(check(msg_is(&last, 0, REASON_TCP_FLAGS_INVALID)) &&
	     check_str(last.check, "flags 0x06 (SYN RST) are not a valid combination"),
	     "SYN+RST: invalid tcp flag combination, flags listed without stray blanks");
	send(e, 0, TCPF_PSH, 1000, 0, 100, 0, O_NONE);
	TEST(check(msg_is(&last, 0, REASON_TCP_FLAGS_INVALID)) &&
	     check_str(last.check, "flags 0x08 (none of SYN ACK FIN RST URG) are not a valid "
		       "combination"), "PSH alone: no flag that counts");
	ct_engine_free(e);
}

static void
short_retrans(struct ct_policy *p)
{
	p->v[CT_KNOB_TCP_TIMEOUT_MAX_RETRANS] = 100;
}

static void
test_retrans(void)
{
	struct ct_engine *e = engine(short_retrans);
	struct ct_engine_stats st;
	int k;

	handshake(e);
	send(e, 1, F_A, 5001, 1001, 509, 0, O_NONE);
	send(e, 0, F_PA, 1001, 5001, 502, 100, O_NONE);
	for (k = 0; k < 2; k++) {
		clock_ms += 200;
		send(e, 0, F_PA, 1001, 5001, 502, 100, O_NONE);
	}
	TEST(check_uint(last.after.retrans, ==, 2), "two identical segments again: retrans 2");
	/* retrans 2 < max_retrans 3: the UNACK timeout (300 s) holds */
	clock_ms += 150 * 1000;
	send(e, 0, F_PA, 1001, 5001, 502, 100, O_NONE);
	TEST(check(!last.new_flow) && check_uint(last.after.retrans, ==, 3),
	     "alive after 150 s (UNACK 300 s, not max_retrans 100 s); third retransmission");
	/* retrans 3 >= max_retrans: timeout_max_retrans (100 s) from now */
	clock_ms += 100 * 1000;
	send(e, 1, F_A, 5001, 1101, 509, 0, O_NONE);
	ct_engine_stats(e, &st);
	TEST(check(last.new_flow) && check_uint(st.flows_expired, ==, 1),
	     "retrans >= nf_conntrack_tcp_max_retrans: entry expires after timeout_max_retrans");
	ct_engine_free(e);

	/* a different segment resets the counter */
	e = engine(NULL);
	handshake(e);
	send(e, 0, F_PA, 1001, 5001, 502, 100, O_NONE);
	send(e, 0, F_PA, 1001, 5001, 502, 100, O_NONE);
	send(e, 0, F_PA, 1101, 5001, 502, 100, O_NONE);
	TEST(check_uint(last.after.retrans, ==, 0) && check_uint(last.after.last_seq, ==, 1101),
	     "a new segment resets the retransmission counter");
	ct_engine_free(e);
}

static void
test_challenge_ack_last_ack(void)
{
	struct ct_engine *e = engine(NULL);

	handshake(e);
	send(e, 1, F_A, 5001, 1001, 509, 0, O_NONE);
	send(e, 0, F_FA, 1001, 5001, 502, 0, O_NONE);	/* FIN_WAIT */
	send(e, 1, F_FA, 5001, 1002, 509, 0, O_NONE);	/* LAST_ACK */
	send(e, 0, F_S, 1002 + 5000, 0, 64240, 0, O_SYN_WS7);	/* SYN in LAST_ACK: ignored */
	TEST(check_int(last.verdict, ==, CT_IGNORE) && check(last.after.last_flags & 0x40),
	     "SYN in LAST_ACK ignored, challenge ACK expected");
	send(e, 1, F_A, 5002, 1002, 509, 0, O_NONE);
	TEST(check_int(last.verdict, ==, CT_IGNORE) &&
	     check(msg_is(&last, 0, REASON_TCP_CHALLENGE_ACK_IGNORED)) &&
	     check_uint(last.after.state, ==, TCP_CT_LAST_ACK),
	     "the server's ACK is a challenge ACK: 'challenge-ack ignored', stays LAST_ACK");
	ct_engine_free(e);
}

static void
test_simultaneous_open(void)
{
	struct ct_engine *e = engine(NULL);

	send(e, 0, F_S, 1000, 0, 64240, 0, O_SYN_WS7);
	send(e, 1, F_S, 5000, 0, 65160, 0, O_SYN_WS7);
	TEST(check_uint(last.after.state, ==, TCP_CT_SYN_SENT2) && check(last.after.last_flags & 0x80),
	     "SYN from both sides: SYN_SENT2, simultaneous open");
	send(e, 0, F_SA, 1000, 5001, 64240, 0, O_SYN_WS7);
	TEST(check_uint(last.after.state, ==, TCP_CT_SYN_RECV) && check_int(last.verdict, ==, CT_ACCEPT),
	     "SYN-ACK in SYN_SENT2: SYN_RECV");
	send(e, 1, F_A, 5001, 1001, 509, 0, O_NONE);
	TEST(check_uint(last.after.state, ==, TCP_CT_ESTABLISHED),
	     "reply ACK in SYN_RECV after simultaneous open: ESTABLISHED");
	ct_engine_free(e);
}

static void
test_resync(void)
{
	struct ct_engine *e = engine(NULL);

	handshake(e);
	send(e, 1, F_A, 5001, 1001, 509, 0, O_NONE);
	/* new SYN on the same tuple while ESTABLISHED: ignored and remembered */
	send(e, 0, F_S, 777000, 0, 64240, 0, O_SYN_WS2);
	TEST(check_int(last.verdict, ==, CT_IGNORE) &&
	     check_uint(last.after.last_end, ==, 777001) && check_uint(last.after.last_wscale, ==, 2),
	     "SYN in ESTABLISHED: ignored, its end and wscale remembered");
	send(e, 1, F_SA, 88000, 777001, 65160, 0, O_SYN_WS7);
	TEST(check_int(last.verdict, ==, CT_ACCEPT) && check_uint(last.after.state, ==, TCP_CT_SYN_RECV) &&
	     check_uint(last.after.seen[0].td_end, ==, 777001) &&
	     check_uint(last.after.seen[0].td_scale, ==, 2) &&
	     check_uint(last.after.seen[1].td_end, ==, 88001),
	     "SYN-ACK for the ignored SYN: resync to SYN_RECV from the remembered SYN");
	ct_engine_free(e);
}

static void
test_lower_timeout(void)
{
	struct ct_engine *e = engine(NULL);

	handshake(e);
	send(e, 1, F_A, 5001, 1001, 509, 0, O_NONE);	/* assured, 5 days */
	/* server FIN out of window: INVALID, recorded as last FIN of dir 1 */
	send(e, 1, F_FA, 5001 + 500000, 1001, 509, 0, O_NONE);
	TEST(check_int(last.verdict, ==, CT_INVALID) && check_uint(last.n_msgs, ==, 1) &&
	     check_uint(last.after.last_index, ==, 2) && check_uint(last.after.last_dir, ==, 1),
	     "out-of-window FIN: INVALID, remembered as the last FIN");
	/* client RST out of window answering it: timeout lowered, second line */
	send(e, 0, F_RA, 1001 + 500000, 5001, 0, 0, O_NONE);
	TEST(check_int(last.verdict, ==, CT_INVALID) && check_uint(last.n_msgs, ==, 2) &&
	     check(msg_is(&last, 0, REASON_TCP_SEQ_OVER_UB)) &&
	     check(msg_is(&last, 1, REASON_TCP_LOWER_TIMEOUT)) &&
	     check_int(last.msgs[1].args.index, ==, 4) && check_int(last.msgs[1].args.dir, ==, 0) &&
	     check_int(last.msgs[1].args.resp_index, ==, 2) &&
	     check_uint(last.msgs[1].args.timeout, ==, 300 * CT_HZ),
	     "RST answering an invalid FIN: 'packet (index 4, dir 0) response for index 2 "
	     "lower timeout to %u'", 300 * CT_HZ);
	/* the entry now expires after 300 s */
	clock_ms += 301 * 1000;
	send(e, 1, F_A, 5001, 1001, 509, 0, O_NONE);
	TEST(check(last.new_flow), "lowered timeout: entry gone after 300 s");
	ct_engine_free(e);
}

/* ---------------------------------------------------------------------- */
/* 3. expiry                                                               */

struct expiry_case {
	int state;
	int64_t secs;
};

static void
test_expiry(void)
{
	static const struct expiry_case cases[] = {
		{ TCP_CT_SYN_SENT, 120 }, { TCP_CT_SYN_RECV, 60 }, { TCP_CT_FIN_WAIT, 120 },
		{ TCP_CT_CLOSE_WAIT, 60 }, { TCP_CT_LAST_ACK, 30 }, { TCP_CT_TIME_WAIT, 120 },
		{ TCP_CT_CLOSE, 10 }, { TCP_CT_ESTABLISHED, 432000 }, { TCP_CT_SYN_SENT2, 120 },
	};
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct ct_engine *e = engine(NULL);
		struct ct_engine_stats st;
		int64_t base;
		bool alive, gone;

		drive(e, cases[k].state);
		base = clock_ms;
		/* a packet of another flow advances time */
		clock_ms = base + cases[k].secs * 1000 - 1;
		{
			struct tseg t;
			struct ct_result r;

			mk(&t, 0, F_S, 1, 0, 100, 0, O_NONE, 0, 0);
			t.p.sport = 1;
			t.buf[0] = 0;
			t.buf[1] = 1;
			ct_engine_packet(e, &t.p, &r);
			ct_engine_stats(e, &st);
			alive = st.flows_expired == 0;
			clock_ms = base + cases[k].secs * 1000;
			mk(&t, 0, F_S, 1, 0, 100, 0, O_NONE, 0, 0);
			t.p.sport = 2;
			t.buf[0] = 0;
			t.buf[1] = 2;
			ct_engine_packet(e, &t.p, &r);
			ct_engine_stats(e, &st);
			gone = st.flows_expired == 1;
		}
		TEST(check(alive) && check(gone), "%s expires after %lld s of capture time",
		     ct_tcp_state_name((unsigned)cases[k].state), (long long)cases[k].secs);
		ct_engine_free(e);
	}
}

static void
test_expiry_special(void)
{
	struct ct_engine *e = engine(NULL);
	struct ct_engine_stats st;

	/* SYN retransmits do not refresh SYN_SENT */
	send(e, 0, F_S, 1000, 0, 64240, 0, O_SYN_WS7);
	clock_ms += 100 * 1000;
	send(e, 0, F_S, 1000, 0, 64240, 0, O_SYN_WS7);
	clock_ms += 20 * 1000;
	send(e, 0, F_S, 1000, 0, 64240, 0, O_SYN_WS7);
	TEST(check(last.new_flow), "SYN retransmit does not refresh: entry gone at 120 s");
	ct_engine_free(e);

	/* picked-up entry capped at the UNACK timeout (300 s) */
	e = engine(NULL);
	send(e, 0, F_A, 1000, 5000, 502, 0, O_NONE);
	clock_ms += 299 * 1000;
	send(e, 0, F_A, 1000, 5000, 502, 0, O_NONE);
	TEST(check(!last.new_flow), "pickup alive at 299 s");
	clock_ms += 300 * 1000;
	send(e, 0, F_A, 1000, 5000, 502, 0, O_NONE);
	TEST(check(last.new_flow), "pickup without reply expires at 300 s (UNACK cap)");
	ct_engine_free(e);

	/* unacknowledged data: UNACK timeout instead of 5 days */
	e = engine(NULL);
	handshake(e);
	send(e, 1, F_A, 5001, 1001, 509, 0, O_NONE);
	send(e, 0, F_PA, 1001, 5001, 502, 100, O_NONE);
	clock_ms += 300 * 1000;
	send(e, 1, F_A, 5001, 1101, 509, 0, O_NONE);
	ct_engine_stats(e, &st);
	TEST(check(last.new_flow) && check_uint(st.flows_expired, ==, 1),
	     "data not acknowledged: entry expires after 300 s");
	ct_engine_free(e);
}

/*
 * Extreme capture times: the saturating helpers, and a connection whose
 * timestamps are near the int64 limits (main clamps them; the engine must be
 * safe on its own: UBSan build).
 */
static void
test_extreme_times(void)
{
	struct ct_engine *e;

	TEST(check_int(ns_from_sec(INT64_MAX), ==, INT64_MAX) &&
	     check_int(ns_from_sec(INT64_MIN), ==, -INT64_MAX) &&
	     check_int(ns_from_sec(9223372036LL), ==, 9223372036000000000LL) &&
	     check_int(ns_from_sec(9223372037LL), ==, INT64_MAX) &&
	     check_int(ns_from_ts(INT64_MAX / NS_PER_SEC, 999999999u), ==, NS_TIME_MAX) &&
	     check_int(ns_from_ts(INT64_MIN, 0), ==, -NS_TIME_MAX) &&
	     check_int(ns_from_ts(1795000000, 5), ==, 1795000000000000005LL) &&
	     check_int(ns_add(INT64_MAX - 1, 5), ==, INT64_MAX) &&
	     check_int(ns_add(-INT64_MAX, -5), ==, -INT64_MAX) &&
	     check_int(ns_add(7, -9), ==, -2) &&
	     check_int(ns_sub(-INT64_MAX, INT64_MAX), ==, -INT64_MAX) &&
	     check_int(ns_sub(INT64_MAX, INT64_MIN), ==, INT64_MAX) &&
	     check_int(ns_sub(-1, INT64_MIN), ==, INT64_MAX) &&
	     check_int(ns_sub(-2, INT64_MIN), ==, INT64_MAX - 1) &&
	     check_int(ns_sub(5, 7), ==, -2),
	     "saturating time helpers at the int64 limits");

	e = engine(NULL);
	clock_ms = INT64_MAX - 10000;
	handshake(e);
	send(e, 0, F_PA, 1001, 5001, 502, 100, O_NONE);
	TEST(check_int(last.verdict, ==, CT_ACCEPT) && check_uint(last.n_msgs, ==, 0) &&
	     check(!last.new_flow) && check_uint(last.after.state, ==, TCP_CT_ESTABLISHED),
	     "connection at the largest timestamps: tracked, not expired by saturation");
	clock_ms = INT64_MAX;
	send(e, 1, F_A, 5001, 1101, 509, 0, O_NONE);
	TEST(check_int(last.verdict, ==, CT_ACCEPT) && check(!last.new_flow),
	     "reply at INT64_MAX ms: same entry");
	ct_engine_free(e);

	e = engine(NULL);
	clock_ms = INT64_MIN + 10000;
	handshake(e);
	TEST(check_int(last.verdict, ==, CT_ACCEPT) &&
	     check_uint(last.after.state, ==, TCP_CT_ESTABLISHED),
	     "handshake at the most negative timestamps: ESTABLISHED");
	clock_ms = 1000000;
	send(e, 0, F_PA, 1001, 5001, 502, 100, O_NONE);
	TEST(check(last.new_flow),
	     "a packet ~146 years after the clamped past: the old entry expired, picked up anew");
	ct_engine_free(e);
}

int
main(void)
{
	test_table_transcription();
	test_table_walk();
	test_new();
	test_handshake_state();
	test_bound_I();
	test_bound_III();
	test_bound_II();
	test_bound_IV();
	test_sack();
	test_wscale_one_side();
	test_silly_options();
	test_rst();
	test_pickup();
	test_liberal();
	test_errors();
	test_retrans();
	test_challenge_ack_last_ack();
	test_simultaneous_open();
	test_resync();
	test_lower_timeout();
	test_expiry();
	test_expiry_special();
	test_extreme_times();
	return tap_done();
}
