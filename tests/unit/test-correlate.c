/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-correlate.c - the correlator: field comparison, exact matches, the
 * clock offset, choice by time and by engine agreement, ambiguity, caps,
 * one packet per line and message, the candidates kept over the cap,
 * whole-second log stamps (engine agreement and log order decide).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "correlate.h"
#include "tap.h"

/* An IPv4 TCP event as a 6.18 dump would give it. */
static void
tcp_event(struct log_event *e, uint32_t id, int64_t mono_us, uint32_t seq, enum reason r)
{
	memset(e, 0, sizeof(*e));
	e->id = id;
	e->path = "kern.log";
	e->line = id + 1;
	e->has_mono = true;
	e->mono_us = mono_us;
	e->proto = 6;
	e->reason = r;
	e->has_pkt = true;
	e->pkt.has = NFL_SRC | NFL_DST | NFL_PROTO | NFL_LEN | NFL_TTL | NFL_ID | NFL_SPT |
		     NFL_DPT | NFL_SEQ | NFL_ACK | NFL_WINDOW | NFL_RES;
	e->pkt.family = 4;
	memcpy(e->pkt.src.b, "\xc0\x00\x02\x0a", 4);	/* 192.0.2.10 */
	memcpy(e->pkt.dst.b, "\xc6\x33\x64\x14", 4);	/* 198.51.100.20 */
	e->pkt.proto = 6;
	e->pkt.len = 40;
	e->pkt.ttl = 64;
	e->pkt.id = 7;
	e->pkt.sport = 40000;
	e->pkt.dport = 443;
	e->pkt.seq = seq;
	e->pkt.ack = 1000;
	e->pkt.window = 512;
	e->pkt.tcp_flags = TCPF_ACK;
}

/* The packet that event describes, captured at @ts_us. */
static void
tcp_pkt(struct pkt *p, uint64_t index, int64_t ts_us, uint32_t seq)
{
	memset(p, 0, sizeof(*p));
	p->index = index;
	p->ts_sec = ts_us / 1000000;
	p->ts_nsec = (uint32_t)(ts_us % 1000000) * 1000;
	p->family = 4;
	memcpy(p->src.b, "\xc0\x00\x02\x0a", 4);
	memcpy(p->dst.b, "\xc6\x33\x64\x14", 4);
	p->proto = 6;
	p->has_l4 = true;
	p->ip_len = 40;
	p->ttl = 64;
	p->ip_id = 7;
	p->sport = 40000;
	p->dport = 443;
	p->seq = seq;
	p->ack = 1000;
	p->window = 512;
	p->tcp_flags = TCPF_ACK;
}

static void
flag(struct ct_result *res, enum reason r)
{
	memset(res, 0, sizeof(*res));
	res->verdict = CT_INVALID;
	res->n_msgs = 1;
	res->msgs[0].reason = r;
	res->msgs[0].verdict = CT_INVALID;
}

#define BASE 1764169487000000LL	/* capture clock - kernel clock */

static void
test_fields(void)
{
	struct log_event e;
	struct pkt p;
	bool ttl;

	tcp_event(&e, 0, 0, 5000, REASON_TCP_SEQ_OVER_UB);
	tcp_pkt(&p, 0, BASE, 5000);
	TEST(check_int(corr_fields_match(&e.pkt, &p, &ttl), ==, 1) && check(!ttl),
	     "fields: equal packet matches");
	p.seq = 5001;
	TEST(check_int(corr_fields_match(&e.pkt, &p, &ttl), ==, 0), "fields: other SEQ does not");
	p.seq = 5000;
	p.tcp_flags |= TCPF_PSH;
	TEST(check_int(corr_fields_match(&e.pkt, &p, &ttl), ==, 0), "fields: other flags do not");
	p.tcp_flags = TCPF_ACK;
	p.ip_id = 8;
	TEST(check_int(corr_fields_match(&e.pkt, &p, &ttl), ==, 0), "fields: other IP ID does not");
	p.ip_id = 7;
	p.ttl = 63;
	TEST(check_int(corr_fields_match(&e.pkt, &p, &ttl), ==, 1) && check(ttl),
	     "fields: a TTL one hop off still matches, marked");
	p.ttl = 64;
	e.pkt.has &= ~(uint32_t)(NFL_SEQ | NFL_ACK | NFL_WINDOW | NFL_RES);
	p.seq = 1;
	TEST(check_int(corr_fields_match(&e.pkt, &p, &ttl), ==, 1),
	     "fields: a dump cut by INCOMPLETE compares what it has");
	p.dst.b[3] = 21;
	TEST(check_int(corr_fields_match(&e.pkt, &p, &ttl), ==, 0), "fields: other address does not");
}

static void
test_exact_and_none(void)
{
	struct log_event ev[3];
	struct pkt p;
	struct ct_result res;
	const struct corr_clock *ck;
	struct corr *c;
	int rc;

	tcp_event(&ev[0], 0, 100000000, 5000, REASON_TCP_SEQ_OVER_UB);
	tcp_event(&ev[1], 1, 100500000, 9000, REASON_TCP_SEQ_OVER_UB);
	tcp_event(&ev[2], 2, 100600000, 9000, REASON_TCP_SEQ_OVER_UB);
	ev[2].has_pkt = false;
	c = corr_new(ev, 3);
	TEST(check(c != NULL), "corr_new");
	flag(&res, REASON_TCP_SEQ_OVER_UB);
	tcp_pkt(&p, 3, BASE + 100000000 + 40, 5000);
	rc = corr_offer(c, &p, &res, NULL);
	TEST(check_int(rc, ==, 0), "offer");
	tcp_pkt(&p, 4, BASE + 100000050, 6000);	/* nobody's */
	corr_offer(c, &p, &res, NULL);
	rc = corr_finish(c);
	TEST(check_int(rc, ==, 0), "finish");
	TEST(check_int(corr_result(c, 0)->how, ==, CORR_EXACT) &&
	     check_uint(corr_result(c, 0)->cand->index, ==, 3) &&
	     check_uint(corr_result(c, 0)->candidates, ==, 1),
	     "one packet with the fields: exact");
	TEST(check_int(corr_result(c, 1)->how, ==, CORR_NONE) &&
	     check_str(corr_result(c, 1)->why, "no packet with these fields"),
	     "no packet: none, with the reason");
	TEST(check_int(corr_result(c, 2)->how, ==, CORR_NONE) &&
	     check_str(corr_result(c, 2)->why, "no packet dump in the log line"),
	     "no dump: none, with the reason");
	TEST(check_uint(corr_clocks(c, &ck), ==, 1) && check(ck[0].known) && check(ck[0].mono) &&
	     check_int(ck[0].offset_us, ==, BASE + 40) && check_uint(ck[0].pairs, ==, 1),
	     "clock offset from the one unambiguous pair");
	corr_free(c);
}

static void
test_time_engine_ambiguous(void)
{
	struct log_event ev[4];
	struct pkt p;
	struct ct_result res, acc;
	const struct corr_clock *ck;
	struct corr *c;

	/* two unique pairs give the offset (BASE + 10 and BASE + 12) */
	tcp_event(&ev[0], 0, 1000000, 1, REASON_TCP_SEQ_OVER_UB);
	tcp_event(&ev[1], 1, 2000000, 2, REASON_TCP_SEQ_OVER_UB);
	/* seq 3 is captured twice, 1 s apart; the log line is at 3.0 s */
	tcp_event(&ev[2], 2, 3000000, 3, REASON_TCP_SEQ_OVER_UB);
	/* seq 4 twice at the same time: only the engine can tell */
	tcp_event(&ev[3], 3, 5000000, 4, REASON_TCP_ACK_OVER_UB);
	c = corr_new(ev, 4);
	flag(&res, REASON_TCP_SEQ_OVER_UB);
	memset(&acc, 0, sizeof(acc));
	tcp_pkt(&p, 0, BASE + 1000000 + 10, 1);
	corr_offer(c, &p, &res, NULL);
	tcp_pkt(&p, 1, BASE + 2000000 + 12, 2);
	corr_offer(c, &p, &res, NULL);
	tcp_pkt(&p, 2, BASE + 3000000 + 11, 3);
	corr_offer(c, &p, &res, NULL);
	tcp_pkt(&p, 3, BASE + 4000000 + 11, 3);
	corr_offer(c, &p, &res, NULL);
	tcp_pkt(&p, 4, BASE + 5000000 + 11, 4);
	corr_offer(c, &p, &acc, NULL);			/* engine: accepted */
	flag(&res, REASON_TCP_ACK_OVER_UB);
	tcp_pkt(&p, 5, BASE + 5000000 + 11, 4);
	corr_offer(c, &p, &res, NULL);			/* engine: the logged reason */
	corr_finish(c);
	corr_clocks(c, &ck);
	TEST(check_uint(ck[0].pairs, ==, 2) && check_int(ck[0].offset_us, ==, BASE + 10) &&
	     check_int(ck[0].spread_us, ==, 2),
	     "offset: median (lower middle) of the pairs, spread");
	TEST(check_int(corr_result(c, 2)->how, ==, CORR_TIME) &&
	     check_uint(corr_result(c, 2)->cand->index, ==, 2) &&
	     check_uint(corr_result(c, 2)->candidates, ==, 2),
	     "two copies 1 s apart: the nearer in time");
	TEST(check_int(corr_result(c, 3)->how, ==, CORR_ENGINE) &&
	     check_uint(corr_result(c, 3)->cand->index, ==, 5),
	     "same time: the copy the engine flagged with the logged reason");
	corr_free(c);

	/* a forwarded packet captured on both hops: the copy with the logged TTL */
	tcp_event(&ev[0], 0, 1000000, 3, REASON_TCP_SEQ_OVER_UB);
	c = corr_new(ev, 1);
	tcp_pkt(&p, 0, BASE, 3);
	corr_offer(c, &p, &res, NULL);
	tcp_pkt(&p, 1, BASE + 20, 3);
	p.ttl = 63;
	corr_offer(c, &p, &res, NULL);
	corr_finish(c);
	TEST(check_int(corr_result(c, 0)->how, ==, CORR_TTL) &&
	     check_uint(corr_result(c, 0)->cand->index, ==, 0),
	     "two copies, one a hop later: the one with the logged TTL");
	corr_free(c);

	/* without any unambiguous pair and without engine agreement: ambiguous */
	tcp_event(&ev[0], 0, 1000000, 3, REASON_TCP_SEQ_OVER_UB);
	c = corr_new(ev, 1);
	tcp_pkt(&p, 0, BASE, 3);
	corr_offer(c, &p, &acc, NULL);
	tcp_pkt(&p, 1, BASE + 7, 3);
	corr_offer(c, &p, &acc, NULL);
	corr_finish(c);
	TEST(check_int(corr_result(c, 0)->how, ==, CORR_NONE) &&
	     check_str(corr_result(c, 0)->why, "2 candidates") &&
	     check(corr_result(c, 0)->cand == NULL),
	     "undecidable: no match, 'N candidates'");
	corr_free(c);
}

/* An event of a whole-second wall-clock log (dmesg -T, syslog) at second @sec. */
static void
coarse_event(struct log_event *e, uint32_t id, int64_t sec, uint32_t seq)
{
	tcp_event(e, id, 0, seq, REASON_TCP_SEQ_OVER_UB);
	e->has_mono = false;
	e->has_wall = true;
	e->wall_us = BASE + sec * 1000000;
	e->wall_whole_s = true;
	e->message = (char *)"SEQ is over the upper bound (over the window of the receiver)";
}

/* The packets of coarse_event()s 0 and 1 (seq 1 and 2), 0.2 s after their second. */
static void
coarse_pairs(struct corr *c, const struct ct_result *res, const char *const *text)
{
	struct pkt p;

	tcp_pkt(&p, 0, BASE + 1200000, 1);
	corr_offer(c, &p, res, text);
	tcp_pkt(&p, 1, BASE + 2200000, 2);
	corr_offer(c, &p, res, text);
}

/* Offer a copy of coarse_event() seq 9 with record @index at @ts_us. */
static void
offer9(struct corr *c, uint64_t index, int64_t ts_us, const struct ct_result *res,
       const char *const *text)
{
	struct pkt p;

	tcp_pkt(&p, index, ts_us, 9);
	corr_offer(c, &p, res, text);
}

/* Did events 2 and 3 take records @a and @b? */
static bool
took(const struct corr *c, uint64_t a, uint64_t b)
{
	return check(corr_result(c, 2)->cand != NULL) && check(corr_result(c, 3)->cand != NULL) &&
	       check_uint(corr_result(c, 2)->cand->index, ==, a) &&
	       check_uint(corr_result(c, 3)->cand->index, ==, b);
}

static void
test_whole_seconds(void)
{
	struct log_event ev[4];
	struct ct_result res, acc, other;
	const char *text[1] = { "SEQ is over the upper bound (over the window of the receiver)" };
	const char *other_text[1] = { "SEQ is under the lower bound (already ACKed data retransmitted)" };
	const struct corr_clock *ck;
	struct corr *c;

	/* two unique pairs, 0.2 s after their (whole) second */
	coarse_event(&ev[0], 0, 1, 1);
	coarse_event(&ev[1], 1, 2, 2);
	/* two identical lines in second 10 */
	coarse_event(&ev[2], 2, 10, 9);
	coarse_event(&ev[3], 3, 10, 9);
	c = corr_new(ev, 4);
	flag(&res, REASON_TCP_SEQ_OVER_UB);
	memset(&acc, 0, sizeof(acc));
	flag(&other, REASON_TCP_SEQ_OVER_UB);
	coarse_pairs(c, &res, text);
	/* the copy nearest to where the offset puts the lines: not flagged */
	offer9(c, 2, BASE + 10200000, &acc, NULL);
	/* flagged with the logged reason but another text (other numbers) */
	offer9(c, 3, BASE + 10250000, &other, other_text);
	/* the two the kernel logged: flagged with the logged reason and text */
	offer9(c, 4, BASE + 10700000, &res, text);
	offer9(c, 5, BASE + 10900000, &res, text);
	corr_finish(c);
	corr_clocks(c, &ck);
	TEST(check(!ck[0].mono) && check_int(ck[0].tolerance_us, >=, 1000000),
	     "whole-second stamps: the clock tolerance is at least 1 s");
	TEST(took(c, 4, 5),
	     "whole-second stamps: identical lines take the packets flagged with their text, in order");
	corr_free(c);

	/* more copies in the second than an event keeps: the flagged ones are
	 * kept over the unflagged, and still decide */
	c = corr_new(ev, 4);
	coarse_pairs(c, &res, text);
	for (int k = 0; k < 12; k++) {
		offer9(c, (uint64_t)(2 + k), BASE + 10200000 + k * 10, &acc, NULL);
	}
	offer9(c, 20, BASE + 10700000, &res, text);
	offer9(c, 21, BASE + 10900000, &res, text);
	corr_finish(c);
	TEST(took(c, 20, 21) &&
	     check_uint(corr_result(c, 2)->candidates, ==, 14) &&
	     check_uint(corr_dropped(c), >, 0),
	     "over the cap: the copies the engine flagged are kept and taken in order");
	corr_free(c);

	/* one line, two packets flagged alike in its second: a real tie */
	c = corr_new(ev, 3);
	coarse_pairs(c, &res, text);
	offer9(c, 4, BASE + 10700000, &res, text);
	offer9(c, 5, BASE + 10900000, &res, text);
	corr_finish(c);
	TEST(check_int(corr_result(c, 2)->how, ==, CORR_NONE) &&
	     check_str(corr_result(c, 2)->why, "2 candidates"),
	     "whole-second stamps: one line, two packets flagged alike: '2 candidates'");
	corr_free(c);

	/* the same lines with sub-second stamps: time decides, not the engine */
	for (int i = 0; i < 4; i++)
		ev[i].wall_whole_s = false;
	ev[2].wall_us += 10000;
	ev[3].wall_us += 10000;
	c = corr_new(ev, 4);
	coarse_pairs(c, &res, text);
	offer9(c, 2, BASE + 10210000, &acc, NULL);
	offer9(c, 4, BASE + 10700000, &res, text);
	corr_finish(c);
	corr_clocks(c, &ck);
	TEST(check_int(ck[0].tolerance_us, <, 1000000) &&
	     check_int(corr_result(c, 2)->how, ==, CORR_TIME) &&
	     check_uint(corr_result(c, 2)->cand->index, ==, 2),
	     "sub-second stamps: the tolerance stays that of the pairs, time decides");
	corr_free(c);
}

static void
test_caps_and_details(void)
{
	struct log_event ev[1];
	struct pkt p;
	struct ct_result res;
	const char *texts[CT_MAX_MSGS] = { "SEQ is over upper bound 5 (over the window of the receiver)" };
	struct corr *c;
	const struct corr_cand *cd;

	tcp_event(&ev[0], 0, 1000000, 3, REASON_TCP_SEQ_OVER_UB);
	c = corr_new(ev, 1);
	flag(&res, REASON_TCP_SEQ_OVER_UB);
	snprintf(res.check, sizeof(res.check), "seq 3 > td_maxend 2");
	res.before.valid = true;
	res.before.state = TCP_CT_ESTABLISHED;
	for (int i = 0; i < 20; i++) {
		tcp_pkt(&p, (uint64_t)i, BASE + i * 1000000LL, 3);
		corr_offer(c, &p, &res, texts);
	}
	corr_finish(c);
	TEST(check_uint(corr_result(c, 0)->candidates, ==, 20) &&
	     check_uint(corr_dropped(c), ==, 20 - CORR_CAND_PER_EVENT),
	     "candidates beyond the per-event cap are counted, not kept");
	corr_free(c);

	c = corr_new(ev, 1);
	tcp_pkt(&p, 9, BASE, 3);
	corr_offer(c, &p, &res, texts);
	corr_finish(c);
	cd = corr_result(c, 0)->cand;
	TEST(check(cd != NULL) && check_str(cd->detail->text[0], texts[0]) &&
	     check_str(cd->detail->check, "seq 3 > td_maxend 2") &&
	     check_int(cd->detail->before.state, ==, TCP_CT_ESTABLISHED) &&
	     check_int(cd->ts_us, ==, BASE),
	     "a candidate keeps copies of the engine's text, check and state");
	corr_free(c);
}

static void
test_ipv6_and_no_ports(void)
{
	struct log_event e;
	struct pkt p;
	struct ct_result res;
	struct corr *c;

	/* an IPv6 ICMPv6 event: no ports, type/code compared */
	memset(&e, 0, sizeof(e));
	e.path = "kern.log";
	e.has_wall = true;
	e.wall_us = 1000;
	e.proto = 58;
	e.reason = REASON_ICMPV6_BAD_CHECKSUM;
	e.has_pkt = true;
	e.pkt.has = NFL_SRC | NFL_DST | NFL_PROTO | NFL_LEN | NFL_FLOWLBL | NFL_ICMP;
	e.pkt.family = 6;
	e.pkt.src.b[0] = 0x20;
	e.pkt.src.b[15] = 1;
	e.pkt.dst.b[0] = 0x20;
	e.pkt.dst.b[15] = 2;
	e.pkt.proto = 58;
	e.pkt.len = 104;
	e.pkt.flowlbl = 77;
	e.pkt.icmp_type = 128;
	c = corr_new(&e, 1);
	memset(&p, 0, sizeof(p));
	p.family = 6;
	p.src = e.pkt.src;
	p.dst = e.pkt.dst;
	p.proto = 58;
	p.has_l4 = true;
	p.ip_len = 104;
	p.flowlabel = 77;
	p.icmp_type = 129;	/* a reply: not it */
	flag(&res, REASON_ICMPV6_BAD_CHECKSUM);
	corr_offer(c, &p, &res, NULL);
	p.icmp_type = 128;
	p.index = 1;
	corr_offer(c, &p, &res, NULL);
	corr_finish(c);
	TEST(check_int(corr_result(c, 0)->how, ==, CORR_EXACT) &&
	     check_uint(corr_result(c, 0)->cand->index, ==, 1),
	     "IPv6 ICMPv6 event without ports matches on type, flow label, length");
	corr_free(c);
}

static void
test_icmp_inner(void)
{
	struct log_event e;
	struct pkt p;
	bool ttl;

	/* ICMPv6 destination unreachable quoting UDP 5353 -> 53 */
	memset(&e, 0, sizeof(e));
	e.has_pkt = true;
	e.pkt.has = NFL_SRC | NFL_DST | NFL_PROTO | NFL_LEN | NFL_ICMP | NFL_INNER;
	e.pkt.family = 6;
	e.pkt.src.b[15] = 1;
	e.pkt.dst.b[15] = 2;
	e.pkt.proto = 58;
	e.pkt.len = 96;
	e.pkt.icmp_type = 1;
	e.pkt.inner.present = true;
	e.pkt.inner.family = 6;
	e.pkt.inner.src.b[15] = 2;
	e.pkt.inner.dst.b[15] = 3;
	e.pkt.inner.proto = 17;
	e.pkt.inner.sport = 5353;
	e.pkt.inner.dport = 53;
	memset(&p, 0, sizeof(p));
	p.family = 6;
	p.src = e.pkt.src;
	p.dst = e.pkt.dst;
	p.proto = 58;
	p.has_l4 = true;
	p.ip_len = 96;
	p.icmp_type = 1;
	p.inner = e.pkt.inner;
	TEST(check_int(corr_fields_match(&e.pkt, &p, &ttl), ==, 1),
	     "ICMP error: same quoted flow matches");
	p.inner.dport = 54;
	TEST(check_int(corr_fields_match(&e.pkt, &p, &ttl), ==, 0),
	     "ICMP error about another flow between the same hosts does not");
	p.inner.dport = 53;
	p.inner.dst.b[15] = 4;
	TEST(check_int(corr_fields_match(&e.pkt, &p, &ttl), ==, 0),
	     "ICMP error quoting another destination does not");
}

static void
test_boots(void)
{
	struct log_event ev[4];
	const char *boots[4] = { "boot-a", "boot-a", "boot-b", "boot-b" };
	struct pkt p;
	struct ct_result res;
	const struct corr_clock *ck;
	struct corr *c;
	size_t n;

	/* the kernel clock restarts: boot b's events have small times again */
	tcp_event(&ev[0], 0, 5000000, 1, REASON_TCP_SEQ_OVER_UB);
	tcp_event(&ev[1], 1, 6000000, 2, REASON_TCP_SEQ_OVER_UB);
	tcp_event(&ev[2], 2, 1000000, 3, REASON_TCP_SEQ_OVER_UB);
	tcp_event(&ev[3], 3, 2000000, 4, REASON_TCP_SEQ_OVER_UB);
	c = corr_new_boots(ev, 4, boots);
	flag(&res, REASON_TCP_SEQ_OVER_UB);
	for (uint32_t i = 0; i < 4; i++) {
		int64_t t = i < 2 ? BASE + ev[i].mono_us : BASE + 3600000000LL + ev[i].mono_us;

		tcp_pkt(&p, i, t, i + 1);
		corr_offer(c, &p, &res, NULL);
	}
	corr_finish(c);
	n = corr_clocks(c, &ck);
	TEST(check_uint(n, ==, 2) && check_str(ck[0].boot_id, "boot-a") &&
	     check_str(ck[1].boot_id, "boot-b") && check_int(ck[0].offset_us, ==, BASE) &&
	     check_int(ck[1].offset_us, ==, BASE + 3600000000LL) &&
	     check_int(ck[0].spread_us, ==, 0) && check_int(ck[1].spread_us, ==, 0),
	     "one clock per (log, boot): each boot's offset on its own");
	corr_free(c);
}

static void
test_one_packet_one_event(void)
{
	struct log_event ev[6];
	struct pkt p;
	struct ct_result res;
	struct corr *c;

	/* offset BASE + 10, tolerance 2 us */
	tcp_event(&ev[0], 0, 1000000, 1, REASON_TCP_SEQ_OVER_UB);
	tcp_event(&ev[1], 1, 2000000, 2, REASON_TCP_SEQ_OVER_UB);
	/* two lines 4 us apart about two alike packets 40 us apart: the
	 * second line is nearer to the first packet than to its own */
	tcp_event(&ev[2], 2, 3000000, 3, REASON_TCP_SEQ_OVER_UB);
	tcp_event(&ev[3], 3, 3000004, 3, REASON_TCP_SEQ_OVER_UB);
	/* another message about the first packet */
	tcp_event(&ev[4], 4, 3000000, 3, REASON_TCP_ACK_OVER_UB);
	/* a third line with the same message, both packets taken: the
	 * nearest, shared, rather than none */
	tcp_event(&ev[5], 5, 3500000, 3, REASON_TCP_SEQ_OVER_UB);
	c = corr_new(ev, 6);
	flag(&res, REASON_TCP_SEQ_OVER_UB);
	tcp_pkt(&p, 0, BASE + 1000000 + 10, 1);
	corr_offer(c, &p, &res, NULL);
	tcp_pkt(&p, 1, BASE + 2000000 + 12, 2);
	corr_offer(c, &p, &res, NULL);
	tcp_pkt(&p, 2, BASE + 3000000 + 10, 3);
	corr_offer(c, &p, &res, NULL);
	tcp_pkt(&p, 3, BASE + 3000040 + 10, 3);
	corr_offer(c, &p, &res, NULL);
	corr_finish(c);
	TEST(check_int(corr_result(c, 2)->how, ==, CORR_TIME) &&
	     check_uint(corr_result(c, 2)->cand->index, ==, 2) &&
	     check_int(corr_result(c, 3)->how, ==, CORR_TIME) &&
	     check_uint(corr_result(c, 3)->cand->index, ==, 3),
	     "one packet per line: the second line takes the packet the first left");
	TEST(check_int(corr_result(c, 4)->how, ==, CORR_TIME) &&
	     check_uint(corr_result(c, 4)->cand->index, ==, 2),
	     "a packet is taken once per message: another reason may take it too");
	TEST(check_int(corr_result(c, 5)->how, ==, CORR_TIME) &&
	     check_uint(corr_result(c, 5)->cand->index, ==, 3),
	     "every candidate taken: the nearest, shared");
	corr_free(c);

	/* 20 alike packets 10 ms apart, the 11th at the line's time: over
	 * the cap of 8, those near where the offset puts the line are kept */
	tcp_event(&ev[0], 0, 1000000, 1, REASON_TCP_SEQ_OVER_UB);
	tcp_event(&ev[1], 1, 2000000, 9, REASON_TCP_SEQ_OVER_UB);
	c = corr_new(ev, 2);
	tcp_pkt(&p, 0, BASE + 1000000, 1);
	corr_offer(c, &p, &res, NULL);
	for (int i = 0; i < 20; i++) {
		tcp_pkt(&p, (uint64_t)(1 + i), BASE + 1900000 + i * 10000LL, 9);
		corr_offer(c, &p, &res, NULL);
	}
	corr_finish(c);
	TEST(check_int(corr_result(c, 1)->how, ==, CORR_TIME) &&
	     check_uint(corr_result(c, 1)->cand->index, ==, 11) &&
	     check_uint(corr_result(c, 1)->candidates, ==, 20) &&
	     check_uint(corr_dropped(c), ==, 20 - CORR_CAND_PER_EVENT),
	     "over the cap: the copies near the line are kept, not the first ones");
	corr_free(c);
}

int
main(void)
{
	test_fields();
	test_exact_and_none();
	test_time_engine_ambiguous();
	test_whole_seconds();
	test_caps_and_details();
	test_ipv6_and_no_ports();
	test_icmp_inner();
	test_boots();
	test_one_packet_one_event();
	TEST(check_int(corr_ts_us(1, 1500), ==, 1000001) &&
	     check_int(corr_ts_us(INT64_MAX, 0), ==, INT64_C(1) << 53) &&
	     check_int(corr_ts_us(INT64_MIN, 999999999), ==, -(INT64_C(1) << 53)),
	     "capture times saturate instead of overflowing");
	return tap_done();
}
