/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-diagnose.c - the diagnosis: cause codes, loading rules/diagnosis
 * (shipped, overridden, broken), the facts the engine collects per flow
 * (driven through the real engine), and the cause the shipped rules give for
 * the evidence of each cause, including near misses.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct.h"
#include "ct-policy.h"
#include "ctx.h"
#include "diagnose.h"
#include "tap.h"
#include "tcpseg.h"

static char rules_dir[4096];
static char data_dir[4096];
static struct diag_rules *shipped;

static void
init_paths(void)
{
	tap_paths(rules_dir, sizeof(rules_dir), data_dir, sizeof(data_dir));
}

/* ---------------------------------------------------------------------- */
/* cause codes and rule loading                                            */

static void
test_codes(void)
{
	static const char *const codes[] = {
		"midstream_pickup", "wscale_mismatch", "asymmetric_route", "unseen_data_acked",
		"stale_retransmission", "after_close", "port_reuse", "checksum_offload",
		"checksum_corrupt", "keepalive_probe", "zero_window_probe", "window_overrun",
		"fragmentation", "flag_scan", "malformed_header", "unknown",
	};
	int ok = 1;

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		enum cause c;

		ok &= check_int(cause_from_code(codes[i], &c), ==, 0);
		ok &= check_str(cause_code(c), codes[i]);
	}
	ok &= check_int(CAUSE_MAX, ==, 16);
	ok &= check_int(cause_from_code("no_such_cause", &(enum cause){ 0 }), ==, -1);
	ok &= check_str(cause_code((enum cause)99), "unknown");
	TEST(ok, "the 16 cause codes of issue 5 round-trip");
}

static void
test_shipped(void)
{
	struct run_ctx ctx;
	const char *dirs[] = { rules_dir };
	int rc;

	ctx_init(&ctx);
	rc = diag_rules_load(&ctx, dirs, 1, &shipped);
	TEST(check_int(rc, ==, 0) && check_int(ctx.errors.n, ==, 0) &&
	     check_uint(diag_rules_count(shipped), >=, 20),
	     "shipped rules/diagnosis load (%zu rules)", diag_rules_count(shipped));
	for (size_t i = 0; i < ctx.errors.n; i++)
		tap_diag("%s", ctx.errors.v[i].text);
	ctx_release(&ctx);
}

static void
test_bad(const char *name, const char *needle)
{
	struct run_ctx ctx;
	struct diag_rules *r = (struct diag_rules *)1;
	char dir[4200], path[4400];
	const char *dirs[] = { rules_dir, dir };
	const char *msg;
	int rc;

	snprintf(dir, sizeof(dir), "%s/diagnosis-bad/%s", data_dir, name);
	snprintf(path, sizeof(path), "%s/diagnosis/rule.json", dir);
	ctx_init(&ctx);
	rc = diag_rules_load(&ctx, dirs, 2, &r);
	msg = ctx.errors.n ? ctx.errors.v[0].text : "";
	TEST(check_int(rc, ==, ERR_RULES) && check(r == NULL) && check_int(ctx.errors.n, ==, 1) &&
	     check(strncmp(msg, path, strlen(path)) == 0) && check(strstr(msg, needle) != NULL),
	     "broken rule %s: %s", name, msg);
	ctx_release(&ctx);
}

/* A later directory replaces a rule by id and keeps its place. */
static void
test_override(void)
{
	struct run_ctx ctx;
	struct diag_rules *r = NULL;
	char dir[4200];
	const char *dirs[] = { rules_dir, dir };
	struct ct_facts f;
	struct diag_input in;
	struct diagnosis *d = NULL;
	int rc, cause;

	snprintf(dir, sizeof(dir), "%s/diagnosis-override", data_dir);
	ctx_init(&ctx);
	rc = diag_rules_load(&ctx, dirs, 2, &r);
	memset(&f, 0, sizeof(f));
	f.valid = true;
	f.tcp_flags = TCPF_SYN | TCPF_FIN;
	f.doff = 5;
	f.l4_len = 20;
	memset(&in, 0, sizeof(in));
	in.reason = REASON_TCP_FLAGS_INVALID;
	in.verdict = CT_INVALID;
	in.proto = 6;
	in.facts = &f;
	in.peer_rejected = -1;
	cause = rc == 0 ? diag_run(r, &in, &d) : -1;
	TEST(check_int(rc, ==, 0) && check_uint(diag_rules_count(r), ==, diag_rules_count(shipped)) &&
	     check_str(cause_code((enum cause)cause), "flag_scan") && check(d != NULL) &&
	     check_str(d ? d->confidence : "", "low") &&
	     check_str(d ? d->sentence : "", "Overridden: SYN FIN."),
	     "a rule redefined in a later directory replaces the shipped one in place");
	diag_free(d);
	diag_rules_free(r);
	ctx_release(&ctx);
}

/* ---------------------------------------------------------------------- */
/* engine-driven: facts collected per flow, then the shipped rules          */


static int64_t clock_ms;
static uint64_t next_index;


/* 192.0.2.1:40000 -> 198.51.100.1:80 (dir 0) or back; @ws >= 0: SYN option */
static void
mk(struct tseg *t, int dir, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
   uint32_t len, int ws)
{
	struct pkt *p = &t->p;
	uint8_t a[4] = { 192, 0, 2, 1 }, b[4] = { 198, 51, 100, 1 };
	size_t olen = 0;

	memset(t, 0, sizeof(*t));
	if (ws >= 0) {
		uint8_t *o = t->buf + 20;

		o[0] = 1; o[1] = 3; o[2] = 3; o[3] = (uint8_t)ws;
		olen = 4;
		p->opts.has_wscale = true;
		p->opts.wscale = (uint8_t)ws;
	}
	p->index = next_index++;
	tseg_fill(t, clock_ms, dir, a, b, 40000, 80, flags, seq, ack, win, len, olen);
}

static struct ct_result res;

static int
send(struct ct_engine *e, int dir, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
     uint32_t len, int ws)
{
	struct tseg t;

	mk(&t, dir, flags, seq, ack, win, len, ws);
	ct_engine_packet(e, &t.p, &res);
	return res.verdict;
}

static struct ct_engine *
engine(void)
{
	struct ct_policy pol;

	ct_policy_init(&pol);
	clock_ms = 1000000;
	next_index = 0;
	return ct_engine_new(&pol);
}

/* Cause the shipped rules give the last packet sent (needs facts). */
static const char *
cause_of_last(struct diagnosis **out)
{
	struct diag_input in;
	int c;

	if (!res.facts.valid)
		return "(no facts)";
	memset(&in, 0, sizeof(in));
	in.reason = res.n_msgs ? res.msgs[0].reason : REASON_UNRECOGNIZED;
	in.verdict = res.verdict;
	in.proto = 6;
	in.facts = &res.facts;
	in.check = res.check[0] ? res.check : NULL;
	in.failed = res.failed;
	in.silent = res.n_msgs ? NULL : res.silent;
	in.peer_rejected = -1;
	c = diag_run(shipped, &in, out);
	return c < 0 ? "(oom)" : cause_code((enum cause)c);
}

#define F_S TCPF_SYN
#define F_SA (TCPF_SYN | TCPF_ACK)
#define F_A TCPF_ACK
#define F_PA (TCPF_PSH | TCPF_ACK)
#define F_FA (TCPF_FIN | TCPF_ACK)
#define F_RA (TCPF_RST | TCPF_ACK)

/* Window scale offered by the client only: the history shows it, the cause follows. */
static void
test_engine_wscale(void)
{
	struct ct_engine *e = engine();
	struct diagnosis *d = NULL;
	const char *c;
	int v;

	send(e, 0, F_S, 1000, 0, 64240, 0, 7);
	TEST(check(!res.facts.valid), "an accepted SYN gets no facts (no per-packet copy)");
	send(e, 1, F_SA, 5000, 1001, 1000, 0, -1);
	send(e, 0, F_A, 1001, 5001, 500, 0, -1);
	/* the server scales its window (x128) but conntrack uses it raw: 1000 bytes */
	v = send(e, 1, F_PA, 5001, 1001, 1000, 1400, -1);
	v = v == CT_ACCEPT ? send(e, 1, F_PA, 6401, 1001, 1000, 1400, -1) : v;
	c = cause_of_last(&d);
	TEST(check_int(v, !=, CT_ACCEPT) && check(res.facts.valid) &&
	     check_int(res.facts.fh.syn_wscale[0], ==, 7) &&
	     check_int(res.facts.fh.syn_wscale[1], ==, -1) &&
	     check_uint(res.facts.fh.bits[0] & CT_FH_SYN, !=, 0) &&
	     check_uint(res.facts.fh.bits[1] & CT_FH_SYN, !=, 0) &&
	     check_uint(res.facts.fh.pkts[0], ==, 2) && check_uint(res.facts.fh.pkts[1], >=, 1) &&
	     check_str(c, "wscale_mismatch"),
	     "one-sided window scale: facts of both SYNs kept, cause %s", c);
	TEST(d && check_uint(d->n_timeline, >=, 4) && check(d->timeline[d->n_timeline - 1].flagged) &&
	     check_str(d->timeline[0].flags, "SYN") && check_str(d->timeline[0].dir, "original") &&
	     check_uint(d->n_remedies, >=, 1) && check(strstr(d->sentence, "7") != NULL),
	     "the diagnosis has a timeline from the SYN to the flagged packet, remedies, numbers");
	diag_free(d);
	ct_engine_free(e);
}

/* SYN, then only the client: asymmetric; the same with a later server packet known: not. */
static void
test_engine_asymmetric(void)
{
	struct ct_engine *e = engine();
	struct diag_input in;
	uint32_t final[2] = { 4, 3 };
	const char *c;
	int v, c2;

	send(e, 0, F_S, 1000, 0, 64240, 0, 7);
	v = send(e, 0, F_A, 1001, 5001, 502, 0, -1);
	c = cause_of_last(NULL);
	TEST(check_int(v, !=, CT_ACCEPT) && check_uint(res.facts.fh.pkts[1], ==, 0) &&
	     check_str(c, "asymmetric_route"),
	     "client ACK in SYN_SENT, no packet of the server: %s", c);
	memset(&in, 0, sizeof(in));
	in.reason = res.n_msgs ? res.msgs[0].reason : REASON_UNRECOGNIZED;
	in.verdict = res.verdict;
	in.proto = 6;
	in.facts = &res.facts;
	in.peer_rejected = -1;
	in.final_pkts = final;
	c2 = diag_run(shipped, &in, NULL);
	TEST(check_str(cause_code((enum cause)c2), "unseen_data_acked"),
	     "near miss: the server's packets pass later (SYN-ACK lost before the capture): %s",
	     cause_code((enum cause)c2));
	ct_engine_free(e);
}

/* A FIN after the entry expired in CLOSE: the graveyard tells after_close. */
static void
test_engine_after_close(void)
{
	struct ct_engine *e = engine();
	const char *c;
	int v;

	send(e, 0, F_S, 1000, 0, 64240, 0, 7);
	send(e, 1, F_SA, 5000, 1001, 65160, 0, 7);
	send(e, 0, F_A, 1001, 5001, 502, 0, -1);
	send(e, 0, F_FA, 1001, 5001, 502, 0, -1);
	send(e, 1, F_FA, 5001, 1002, 502, 0, -1);
	send(e, 0, F_A, 1002, 5002, 502, 0, -1);
	clock_ms += 600 * 1000;		/* past TIME_WAIT (120 s) */
	v = send(e, 1, F_FA, 5001, 1002, 502, 0, -1);
	c = cause_of_last(NULL);
	TEST(check_int(v, ==, CT_INVALID) && check(!res.facts.had_entry) &&
	     check_int(res.facts.ended, ==, CT_ENDED_EXPIRED) &&
	     check_int(res.facts.state_before, ==, TCP_CT_TIME_WAIT) &&
	     check_str(c, "after_close"),
	     "a FIN repeated after the TIME_WAIT entry expired: %s", c);
	ct_engine_free(e);
}

/* A SYN+FIN probe, then the RST-ACK answer of the closed port. */
static void
test_engine_scan(void)
{
	struct ct_engine *e = engine();
	const char *c1, *c2;
	int v1, v2;

	v1 = send(e, 0, TCPF_SYN | TCPF_FIN, 1000, 0, 1024, 0, -1);
	c1 = cause_of_last(NULL);
	v2 = send(e, 1, F_RA, 0, 1001, 0, 0, -1);
	c2 = cause_of_last(NULL);
	TEST(check_int(v1, ==, CT_INVALID) && check_str(c1, "flag_scan") &&
	     check_int(v2, ==, CT_INVALID) && check_int(res.facts.ended, ==, CT_ENDED_REJECTED) &&
	     check_str(c2, "flag_scan"),
	     "SYN+FIN probe (%s) and the closed port's RST-ACK answer (%s)", c1, c2);
	ct_engine_free(e);
}

/* A bad checksum holding the pseudo-header sum is offload; any other is corruption. */
static void
test_engine_checksum(void)
{
	struct ct_engine *e = engine();
	struct tseg t;
	const char *c1, *c2;
	uint32_t sum = 0;
	uint16_t partial;

	/* folded pseudo-header sum: 192.0.2.1 + 198.51.100.1 + 6 + 20 */
	sum = 0xc000 + 0x0201 + 0xc633 + 0x6401 + 6 + 20;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	partial = (uint16_t)sum;
	mk(&t, 0, F_S, 1000, 0, 64240, 0, -1);
	t.p.l4_csum = t.p.l4_csum_nf = CSUM_BAD;
	t.buf[16] = (uint8_t)(partial >> 8);
	t.buf[17] = (uint8_t)partial;
	ct_engine_packet(e, &t.p, &res);
	c1 = cause_of_last(NULL);
	TEST(check_int(res.verdict, ==, CT_INVALID) && check(res.facts.csum_partial) &&
	     check_str(c1, "checksum_offload"),
	     "bad checksum = pseudo-header sum: %s", c1);
	mk(&t, 0, F_S, 1000, 0, 64240, 0, -1);
	t.p.l4_csum = t.p.l4_csum_nf = CSUM_BAD;
	t.buf[16] = (uint8_t)~(partial >> 8);
	t.buf[17] = 0x5a;
	ct_engine_packet(e, &t.p, &res);
	c2 = cause_of_last(NULL);
	TEST(check_int(res.verdict, ==, CT_INVALID) && check(!res.facts.csum_partial) &&
	     check_str(c2, "checksum_corrupt"),
	     "near miss: another bad value on an incoming packet: %s", c2);
	ct_engine_free(e);
}

/* ---------------------------------------------------------------------- */
/* facts -> cause with hand-made evidence                                  */

/* An established flow, handshake seen, both scales 7, client sending (dir 0). */
static void
base(struct ct_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->valid = true;
	f->had_entry = true;
	f->flow_id = 1;
	f->capture_dir = PKT_DIR_IN;
	f->state_before = TCP_CT_ESTABLISHED;
	f->tcp_flags = TCPF_ACK;
	f->doff = 5;
	f->l4_len = 20;
	f->ip_len = 40;
	f->wscale = -1;
	f->csum = CSUM_OK;
	f->seq = 100000;
	f->ack = 500000;
	f->end = 100000;
	f->win = 500;
	f->fh.pkts[0] = 10;
	f->fh.pkts[1] = 10;
	f->fh.bits[0] = f->fh.bits[1] = CT_FH_SYN | CT_FH_END | CT_FH_ACK;
	f->fh.syn_wscale[0] = f->fh.syn_wscale[1] = 7;
	f->fh.isn[0] = 99999;
	f->fh.isn[1] = 499999;
	f->fh.max_end[0] = 100000;
	f->fh.max_end[1] = 500000;
	f->fh.max_ack[0] = 500000;
	f->fh.max_ack[1] = 100000;
	f->fh.last_win[0] = f->fh.last_win[1] = 500;
	f->fh.last_flags[0] = f->fh.last_flags[1] = TCPF_ACK;
	f->snap.valid = true;
	f->snap.state = TCP_CT_ESTABLISHED;
	f->snap.seen[0] = (struct ct_tcp_dir){ .td_end = 100000, .td_maxend = 164000,
					       .td_maxwin = 64000, .td_scale = 7, .flags = 0x01 };
	f->snap.seen[1] = (struct ct_tcp_dir){ .td_end = 500000, .td_maxend = 564000,
					       .td_maxwin = 64000, .td_scale = 7, .flags = 0x01 };
}

static const char *
diagnose(const struct ct_facts *f, enum reason reason, enum ct_verdict v, uint8_t failed)
{
	struct diag_input in;

	memset(&in, 0, sizeof(in));
	in.reason = reason;
	in.verdict = v;
	in.proto = 6;
	in.facts = f;
	in.failed = failed;
	in.peer_rejected = -1;
	return cause_code((enum cause)diag_run(shipped, &in, NULL));
}

static void
test_facts(void)
{
	struct ct_facts f;
	const char *c;

	/* midstream: entry picked up without SYN/SYN-ACK */
	base(&f);
	f.fh.bits[0] = f.fh.bits[1] = CT_FH_END | CT_FH_ACK;
	f.fh.syn_wscale[0] = f.fh.syn_wscale[1] = -2;
	f.tcp_flags = TCPF_RST;
	c = diagnose(&f, REASON_TCP_INVALID_RST, CT_INVALID, 0);
	TEST(check_str(c, "midstream_pickup"), "no handshake in the entry's history: %s", c);
	/* near miss: the same with the handshake seen */
	base(&f);
	f.tcp_flags = TCPF_RST;
	c = diagnose(&f, REASON_TCP_INVALID_RST, CT_INVALID, 0);
	TEST(check(strcmp(c, "midstream_pickup") != 0), "near miss: handshake seen: %s", c);

	/* unseen data acked: ack beyond the peer's highest captured byte, within its window */
	base(&f);
	f.ack = 503000;
	c = diagnose(&f, REASON_TCP_ACK_OVER_UB, CT_INVALID, CT_BOUND_III);
	TEST(check_str(c, "unseen_data_acked"), "ACK 3000 bytes beyond captured data: %s", c);
	base(&f);
	f.ack = 800000;		/* beyond what the peer was even allowed to send */
	c = diagnose(&f, REASON_TCP_ACK_OVER_UB, CT_INVALID, CT_BOUND_III);
	TEST(check(strcmp(c, "unseen_data_acked") != 0), "near miss: ACK far beyond any window: %s", c);

	/* stale retransmission: the segment ends before the receiver's highest ACK */
	base(&f);
	f.fh.max_end[0] = 200000;
	f.fh.max_ack[1] = 200000;
	f.snap.seen[0].td_end = 200000;
	f.seq = 100000;
	f.len = 1000;
	f.end = 101000;
	c = diagnose(&f, REASON_TCP_SEQ_UNDER_LB, CT_IGNORE, CT_BOUND_II);
	TEST(check_str(c, "stale_retransmission"), "data acknowledged 99000 bytes ago: %s", c);

	/* an old ACK: below what the same side acknowledged before */
	base(&f);
	f.fh.max_ack[0] = 500000;
	f.ack = 300000;
	c = diagnose(&f, REASON_TCP_ACK_UNDER_LB, CT_IGNORE, CT_BOUND_IV);
	TEST(check_str(c, "stale_retransmission"), "ACK 200000 below the sender's own earlier ACK: %s", c);

	/* keepalive probe: 0 bytes at snd_una - 1, receiver window open */
	base(&f);
	f.seq = 99999;
	f.end = 99999;
	f.fh.max_ack[1] = 100000;
	c = diagnose(&f, REASON_TCP_SEQ_UNDER_LB, CT_IGNORE, 0);
	TEST(check_str(c, "keepalive_probe"), "0 bytes at snd_una-1: %s", c);
	/* zero-window probe: the same with the receiver's window 0 */
	f.fh.last_win[1] = 0;
	c = diagnose(&f, REASON_TCP_SEQ_OVER_UB, CT_INVALID, CT_BOUND_I);
	TEST(check_str(c, "zero_window_probe"), "the receiver advertised 0: %s", c);

	/* window overrun: handshake known, 3000 bytes beyond td_maxend */
	base(&f);
	f.seq = 163000;
	f.len = 4000;
	f.end = 167000;
	c = diagnose(&f, REASON_TCP_SEQ_OVER_UB, CT_INVALID, CT_BOUND_I);
	TEST(check_str(c, "window_overrun"), "3000 bytes beyond the known window: %s", c);
	/* near miss: a jump of far more than any window */
	f.seq = 900000;
	f.end = 904000;
	c = diagnose(&f, REASON_TCP_SEQ_OVER_UB, CT_INVALID, CT_BOUND_I);
	TEST(check(strcmp(c, "window_overrun") != 0), "near miss: 740000 bytes beyond: %s", c);

	/* port reuse: a SYN with a new ISN meets an established entry */
	base(&f);
	f.tcp_flags = TCPF_SYN;
	f.seq = 7777;
	c = diagnose(&f, REASON_TCP_IGNORED_STATE, CT_IGNORE, 0);
	TEST(check_str(c, "port_reuse"), "new SYN on a live entry: %s", c);
	f.seq = 99999;		/* the connection's own ISN again */
	c = diagnose(&f, REASON_TCP_IGNORED_STATE, CT_IGNORE, 0);
	TEST(check(strcmp(c, "port_reuse") != 0), "near miss: the same ISN (retransmission): %s", c);

	/* malformed header: data offset 4 */
	base(&f);
	f.doff = 4;
	c = diagnose(&f, REASON_TCP_TRUNCATED, CT_INVALID, 0);
	TEST(check_str(c, "malformed_header"), "data offset 16 bytes: %s", c);

	/* fragmentation: a first fragment without the whole TCP header */
	base(&f);
	f.is_fragment = true;
	f.l4_len = 8;
	c = diagnose(&f, REASON_TCP_TRUNCATED, CT_INVALID, 0);
	TEST(check_str(c, "fragmentation"), "unreassembled first fragment: %s", c);

	/* flag scan only without a connection */
	base(&f);
	f.tcp_flags = TCPF_FIN | TCPF_PSH | TCPF_URG;
	c = diagnose(&f, REASON_TCP_FLAGS_INVALID, CT_INVALID, 0);
	TEST(check(strcmp(c, "flag_scan") != 0), "near miss: XMAS flags inside a connection: %s", c);
	f.had_entry = false;
	f.snap.valid = false;
	c = diagnose(&f, REASON_TCP_FLAGS_INVALID, CT_INVALID, 0);
	TEST(check_str(c, "flag_scan"), "XMAS flags out of nowhere: %s", c);

	/* checksum: an outgoing packet is an offload artefact */
	base(&f);
	f.csum = CSUM_BAD;
	f.capture_dir = PKT_DIR_OUT;
	c = diagnose(&f, REASON_TCP_BAD_CHECKSUM, CT_INVALID, 0);
	TEST(check_str(c, "checksum_offload"), "bad checksum on an outgoing packet: %s", c);

	/* near miss of checksum_corrupt: the RFC checksum verifies, only conntrack's does not */
	base(&f);
	f.csum = CSUM_BAD;
	f.csum_rfc = CSUM_OK;
	c = diagnose(&f, REASON_TCP_BAD_CHECKSUM, CT_INVALID, 0);
	TEST(check(strcmp(c, "checksum_corrupt") != 0), "near miss: valid per RFC, bad for conntrack: %s", c);
	f.csum_rfc = CSUM_BAD;
	c = diagnose(&f, REASON_TCP_BAD_CHECKSUM, CT_INVALID, 0);
	TEST(check_str(c, "checksum_corrupt"), "bad both ways on an incoming packet: %s", c);

	/* not from the message alone: the same reason without a packet is unknown */
	c = diagnose(NULL, REASON_TCP_FLAGS_INVALID, CT_INVALID, 0);
	TEST(check_str(c, "unknown"), "no packet, only the message: %s", c);
}

/* Evidence lines with unknown facts are left out; the catch-all shows facts. */
static void
test_unknown_evidence(void)
{
	struct diag_input in;
	struct diagnosis *d = NULL;
	int c;

	memset(&in, 0, sizeof(in));
	in.reason = REASON_TCP_SEQ_OVER_UB;
	in.verdict = CT_INVALID;
	in.proto = 6;
	in.peer_rejected = -1;
	in.match_why = "no packet with these fields";
	c = diag_run(shipped, &in, &d);
	TEST(check_int(c, ==, CAUSE_UNKNOWN) && check(d != NULL) && check_uint(d->n_timeline, ==, 0) &&
	     check_uint(d->n_evidence, ==, 1) &&
	     check(d && d->n_evidence && strstr(d->evidence[0], "no packet with these fields")) &&
	     check(d && strstr(d->sentence, "tcp.seq_over_upper_bound") != NULL),
	     "event without a packet: unknown, with the facts it has (%s)",
	     d && d->n_evidence ? d->evidence[0] : "-");
	diag_free(d);
}

int
main(void)
{
	init_paths();
	test_codes();
	test_shipped();
	if (!shipped)
		return tap_done();
	test_bad("bad-json", ":3:");
	test_bad("unknown-fact", "rule 'bad-fact': unknown fact 'flow.no_such_fact'");
	test_bad("message-only", "rule 'by-message': a cause needs packet-level evidence");
	test_bad("unknown-cause", "rule 'bad-cause': unknown cause 'sunspots'");
	test_bad("bad-confidence", "rule 'bad-conf': confidence must be high, medium or low");
	test_bad("unknown-remedy", "rule 'bad-remedy': unknown remedy 'pray'");
	test_bad("bad-template", "rule 'bad-tmpl': unknown fact '{pkt.nonsense}'");
	test_bad("type-mismatch", "rule 'bad-type': value does not fit the type of 'pkt.len'");
	test_override();
	test_engine_wscale();
	test_engine_asymmetric();
	test_engine_after_close();
	test_engine_scan();
	test_engine_checksum();
	test_facts();
	test_unknown_evidence();
	diag_rules_free(shipped);
	return tap_done();
}
