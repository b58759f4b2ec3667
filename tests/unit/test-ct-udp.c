/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-ct-udp.c - UDP and UDP-Lite through ct_engine_packet(): the error
 * checks on both sides of each boundary, checksum policy, timeouts.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ct.h"
#include "tap.h"
#include "udp-pkt.h"

#define C4 "192.0.2.1"
#define S4 "198.51.100.2"
#define C6 "20010db8000000000000000000000001"
#define S6 "20010db8000000000000000000000002"

static struct ct_engine *
engine(int checksum)
{
	struct ct_policy pol;

	ct_policy_init(&pol);
	ct_policy_set(&pol, CT_KNOB_CHECKSUM, checksum, CT_SRC_OPTION);
	return ct_engine_new(&pol);
}

static struct ct_result res;

static const struct ct_result *
run(struct ct_engine *e, struct tpkt *t)
{
	if (ct_engine_packet(e, &t->p, &res) != 0)
		tap_diag("ct_engine_packet failed");
	return &res;
}

/* INVALID with exactly one message @r */
static int
logged(const struct ct_result *r, enum reason reason)
{
	return check_int(r->verdict, ==, CT_INVALID) && check_uint(r->n_msgs, ==, 1) &&
	       check_int(r->msgs[0].reason, ==, reason) &&
	       check_int(r->msgs[0].verdict, ==, CT_INVALID);
}

static int
accepted(const struct ct_result *r)
{
	return check_int(r->verdict, ==, CT_ACCEPT) && check_uint(r->n_msgs, ==, 0) &&
	       check(r->silent == NULL);
}

static void
udp_family(int fam)
{
	const char *c = fam == 4 ? C4 : C6, *s = fam == 4 ? S4 : S6;
	struct ct_engine *e = engine(1);
	const struct ct_result *r;
	struct tpkt *t = calloc(1, sizeof(*t));
	uint64_t flow;

	if (!e || !t)
		return;
	/* a good datagram makes a new entry */
	tb_udp(t, fam, 17, c, s, 40000, 53, 20, -1, 0, TC_OK, 1000, PKT_DIR_IN);
	r = run(e, t);
	flow = r->flow_id;
	TEST(accepted(r) && check(r->new_flow) && check(r->tracked) && check_int(r->dir, ==, 0),
	     "IPv%d UDP: first datagram accepted, new entry", fam);
	tb_udp(t, fam, 17, s, c, 53, 40000, 20, -1, 0, TC_OK, 1100, PKT_DIR_IN);
	r = run(e, t);
	TEST(accepted(r) && check(!r->new_flow) && check_int(r->dir, ==, 1) &&
	     check_uint(r->flow_id, ==, flow), "IPv%d UDP: reply on the same entry", fam);

	/* short packet: 4..7 bytes logged, < 4 silent */
	tb_udp(t, fam, 17, c, s, 40000, 53, 0, -1, 7, TC_OK, 1200, PKT_DIR_IN);
	TEST(logged(run(e, t), REASON_UDP_SHORT), "IPv%d UDP: 7 bytes of L4: short packet", fam);
	tb_udp(t, fam, 17, c, s, 40000, 53, 0, -1, 4, TC_OK, 1200, PKT_DIR_IN);
	TEST(logged(run(e, t), REASON_UDP_SHORT), "IPv%d UDP: 4 bytes of L4: short packet", fam);
	tb_udp(t, fam, 17, c, s, 40000, 53, 0, -1, 3, TC_OK, 1200, PKT_DIR_IN);
	r = run(e, t);
	TEST(check_int(r->verdict, ==, CT_INVALID) && check_uint(r->n_msgs, ==, 0) &&
	     check(r->silent != NULL), "IPv%d UDP: 3 bytes of L4: silent INVALID (no tuple)", fam);
	tb_udp(t, fam, 17, c, s, 40000, 53, 0, -1, 8, TC_OK, 1200, PKT_DIR_IN);
	TEST(accepted(run(e, t)), "IPv%d UDP: 8 bytes (empty datagram) accepted", fam);

	/* length field: > L4 length or < 8 */
	tb_udp(t, fam, 17, c, s, 40000, 53, 20, 29, 0, TC_OK, 1300, PKT_DIR_IN);
	r = run(e, t);
	TEST(logged(r, REASON_UDP_TRUNCATED) && check(strstr(r->check, "29") != NULL),
	     "IPv%d UDP: length 29 > 28 bytes: truncated/malformed", fam);
	tb_udp(t, fam, 17, c, s, 40000, 53, 20, 28, 0, TC_OK, 1300, PKT_DIR_IN);
	TEST(accepted(run(e, t)), "IPv%d UDP: length 28 == 28 bytes accepted", fam);
	tb_udp(t, fam, 17, c, s, 40000, 53, 20, 8, 0, TC_OK, 1300, PKT_DIR_IN);
	TEST(accepted(run(e, t)), "IPv%d UDP: length 8 < 28 bytes (trailing bytes) accepted", fam);
	tb_udp(t, fam, 17, c, s, 40000, 53, 20, 7, 0, TC_OK, 1300, PKT_DIR_IN);
	TEST(logged(run(e, t), REASON_UDP_TRUNCATED), "IPv%d UDP: length 7: truncated/malformed", fam);

	/* checksum */
	tb_udp(t, fam, 17, c, s, 40000, 53, 20, -1, 0, TC_BAD, 1400, PKT_DIR_IN);
	TEST(logged(run(e, t), REASON_UDP_BAD_CHECKSUM), "IPv%d UDP: bad checksum", fam);
	tb_udp(t, fam, 17, c, s, 40000, 53, 20, -1, 0, TC_BAD, 1400, PKT_DIR_OUT);
	TEST(accepted(run(e, t)), "IPv%d UDP: bad checksum on an outgoing packet not checked", fam);
	tb_udp(t, fam, 17, c, s, 40000, 53, 20, -1, 0, TC_ZERO, 1400, PKT_DIR_IN);
	TEST(accepted(run(e, t)), "IPv%d UDP: checksum 0 is never checked", fam);
	ct_engine_free(e);

	e = engine(0);
	tb_udp(t, fam, 17, c, s, 40000, 53, 20, -1, 0, TC_BAD, 1400, PKT_DIR_IN);
	TEST(accepted(run(e, t)), "IPv%d UDP: bad checksum with nf_conntrack_checksum=0 accepted", fam);
	ct_engine_free(e);
	free(t);
}

static void
udp_timeouts(void)
{
	struct ct_engine *e = engine(1);
	struct tpkt *t = calloc(1, sizeof(*t));
	const struct ct_result *r;
	uint64_t f1;

	if (!e || !t)
		return;
	/* unreplied: 30 s */
	tb_udp(t, 4, 17, C4, S4, 1000, 2000, 10, -1, 0, TC_OK, 0, PKT_DIR_IN);
	f1 = run(e, t)->flow_id;
	tb_udp(t, 4, 17, C4, S4, 1000, 2000, 10, -1, 0, TC_OK, 29999, PKT_DIR_IN);
	r = run(e, t);
	TEST(check(!r->new_flow) && check_uint(r->flow_id, ==, f1), "UDP unreplied: alive at 29.999 s");
	tb_udp(t, 4, 17, C4, S4, 1000, 2000, 10, -1, 0, TC_OK, 60000, PKT_DIR_IN);
	r = run(e, t);
	TEST(check(r->new_flow) && check_uint(r->flow_id, !=, f1), "UDP unreplied: expired after 30 s");

	/* replied within 2 s of creation: still the 30 s timeout */
	tb_udp(t, 4, 17, C4, S4, 1001, 2000, 10, -1, 0, TC_OK, 100000, PKT_DIR_IN);
	f1 = run(e, t)->flow_id;
	tb_udp(t, 4, 17, S4, C4, 2000, 1001, 10, -1, 0, TC_OK, 100500, PKT_DIR_IN);
	run(e, t);
	tb_udp(t, 4, 17, C4, S4, 1001, 2000, 10, -1, 0, TC_OK, 101500, PKT_DIR_IN);
	run(e, t);
	tb_udp(t, 4, 17, C4, S4, 1001, 2000, 10, -1, 0, TC_OK, 132000, PKT_DIR_IN);
	r = run(e, t);
	TEST(check(r->new_flow), "UDP replied, entry younger than 2 s: 30 s timeout");

	/* replied and older than 2 s: stream timeout 120 s */
	tb_udp(t, 4, 17, C4, S4, 1002, 2000, 10, -1, 0, TC_OK, 200000, PKT_DIR_IN);
	f1 = run(e, t)->flow_id;
	tb_udp(t, 4, 17, S4, C4, 2000, 1002, 10, -1, 0, TC_OK, 200500, PKT_DIR_IN);
	run(e, t);
	tb_udp(t, 4, 17, C4, S4, 1002, 2000, 10, -1, 0, TC_OK, 202001, PKT_DIR_IN);
	run(e, t);
	tb_udp(t, 4, 17, C4, S4, 1002, 2000, 10, -1, 0, TC_OK, 321000, PKT_DIR_IN);
	r = run(e, t);
	TEST(check(!r->new_flow) && check_uint(r->flow_id, ==, f1),
	     "UDP stream (replied, > 2 s old): alive 119 s later");
	tb_udp(t, 4, 17, C4, S4, 1002, 2000, 10, -1, 0, TC_OK, 442000, PKT_DIR_IN);
	r = run(e, t);
	TEST(check(r->new_flow), "UDP stream: expired after 120 s");

	/* the reply itself still gets the unreplied timeout (SEEN_REPLY is set
	 * after the handler) */
	tb_udp(t, 4, 17, C4, S4, 1003, 2000, 10, -1, 0, TC_OK, 500000, PKT_DIR_IN);
	run(e, t);
	tb_udp(t, 4, 17, S4, C4, 2000, 1003, 10, -1, 0, TC_OK, 503000, PKT_DIR_IN);
	run(e, t);
	tb_udp(t, 4, 17, C4, S4, 1003, 2000, 10, -1, 0, TC_OK, 534000, PKT_DIR_IN);
	r = run(e, t);
	TEST(check(r->new_flow), "UDP: the first reply refreshes with the unreplied timeout");

	/* an INVALID packet does not refresh the entry */
	tb_udp(t, 4, 17, C4, S4, 1004, 2000, 10, -1, 0, TC_OK, 600000, PKT_DIR_IN);
	run(e, t);
	tb_udp(t, 4, 17, C4, S4, 1004, 2000, 10, -1, 0, TC_BAD, 620000, PKT_DIR_IN);
	run(e, t);
	tb_udp(t, 4, 17, C4, S4, 1004, 2000, 10, -1, 0, TC_OK, 631000, PKT_DIR_IN);
	r = run(e, t);
	TEST(check(r->new_flow), "UDP: an INVALID packet does not refresh the timeout");
	ct_engine_free(e);
	free(t);
}

static void
udplite_family(int fam)
{
	const char *c = fam == 4 ? C4 : C6, *s = fam == 4 ? S4 : S6;
	struct ct_engine *e = engine(1);
	const struct ct_result *r;
	struct tpkt *t = calloc(1, sizeof(*t));

	if (!e || !t)
		return;
	/* the kernel verifies UDP-Lite with protocol 17 in the pseudo header */
	tb_udp(t, fam, 136, c, s, 5000, 6000, 32, 0, 0, TC_PROTO17, 1000, PKT_DIR_IN);
	r = run(e, t);
	TEST(accepted(r) && check(r->new_flow),
	     "IPv%d UDP-Lite: coverage 0, checksum as the kernel computes it: accepted", fam);
	tb_udp(t, fam, 136, c, s, 5000, 6000, 32, 0, 0, TC_OK, 1001, PKT_DIR_IN);
	r = run(e, t);
	TEST(logged(r, REASON_UDPLITE_BAD_CHECKSUM) && check(strstr(r->check, "136") != NULL),
	     "IPv%d UDP-Lite: RFC 3828 checksum (protocol 136) fails the kernel's check", fam);
	tb_udp(t, fam, 136, c, s, 5000, 6000, 32, 0, 0, TC_OK, 1001, PKT_DIR_OUT);
	TEST(accepted(run(e, t)), "IPv%d UDP-Lite: not checked on output", fam);

	/* 300 bytes: IPv4 conntrack keeps only the low byte of the length in
	 * the pseudo header (arguments swapped in nf_ip_checksum_partial) */
	tb_udp(t, fam, 136, c, s, 5000, 6000, 292, 0, 0, TC_PROTO17, 1001, PKT_DIR_IN);
	r = run(e, t);
	if (fam == 4)
		TEST(logged(r, REASON_UDPLITE_BAD_CHECKSUM),
		     "IPv4 UDP-Lite, 300 bytes, protocol-17 full-length checksum: bad in the kernel");
	else
		TEST(accepted(r), "IPv6 UDP-Lite, 300 bytes, protocol-17 checksum: accepted");

	/* coverage boundaries */
	tb_udp(t, fam, 136, c, s, 5000, 6000, 32, 8, 0, TC_PROTO17, 1002, PKT_DIR_IN);
	TEST(accepted(run(e, t)), "IPv%d UDP-Lite: coverage 8 accepted", fam);
	tb_udp(t, fam, 136, c, s, 5000, 6000, 32, 7, 0, TC_PROTO17, 1002, PKT_DIR_IN);
	TEST(logged(run(e, t), REASON_UDPLITE_BAD_COVERAGE), "IPv%d UDP-Lite: coverage 7 invalid", fam);
	tb_udp(t, fam, 136, c, s, 5000, 6000, 32, 40, 0, TC_PROTO17, 1002, PKT_DIR_IN);
	TEST(accepted(run(e, t)), "IPv%d UDP-Lite: coverage 40 == L4 length accepted", fam);
	tb_udp(t, fam, 136, c, s, 5000, 6000, 32, 41, 0, TC_PROTO17, 1002, PKT_DIR_IN);
	TEST(logged(run(e, t), REASON_UDPLITE_BAD_COVERAGE), "IPv%d UDP-Lite: coverage 41 > 40 invalid", fam);
	tb_udp(t, fam, 136, c, s, 5000, 6000, 32, 12, 0, TC_BAD, 1002, PKT_DIR_IN);
	TEST(logged(run(e, t), REASON_UDPLITE_BAD_CHECKSUM), "IPv%d UDP-Lite: partial coverage, bad checksum", fam);
	/* partial coverage: bytes beyond it may change freely */
	tb_udp(t, fam, 136, c, s, 5000, 6000, 32, 12, 0, TC_PROTO17, 1002, PKT_DIR_IN);
	t->b[(fam == 6 ? 40 : 20) + 30] ^= 0xff;
	decode_ip(t->b, t->len, &t->p);
	TEST(accepted(run(e, t)), "IPv%d UDP-Lite: bytes beyond the coverage are not checked", fam);
	tb_udp(t, fam, 136, c, s, 5000, 6000, 32, 0, 0, TC_ZERO, 1003, PKT_DIR_IN);
	TEST(logged(run(e, t), REASON_UDPLITE_CHECKSUM_MISSING), "IPv%d UDP-Lite: checksum 0 is missing", fam);
	tb_udp(t, fam, 136, c, s, 5000, 6000, 32, 0, 0, TC_ZERO, 1003, PKT_DIR_OUT);
	TEST(logged(run(e, t), REASON_UDPLITE_CHECKSUM_MISSING),
	     "IPv%d UDP-Lite: checksum missing is checked on output too", fam);
	tb_udp(t, fam, 136, c, s, 5000, 6000, 0, 0, 6, TC_PROTO17, 1004, PKT_DIR_IN);
	TEST(logged(run(e, t), REASON_UDPLITE_SHORT), "IPv%d UDP-Lite: 6 bytes: short packet", fam);

	/* UDP-Lite: stream timeout as soon as a reply was seen */
	tb_udp(t, fam, 136, s, c, 6000, 5000, 32, 0, 0, TC_PROTO17, 1100, PKT_DIR_IN);
	run(e, t);
	tb_udp(t, fam, 136, c, s, 5000, 6000, 32, 0, 0, TC_PROTO17, 1200, PKT_DIR_IN);
	run(e, t);
	tb_udp(t, fam, 136, c, s, 5000, 6000, 32, 0, 0, TC_PROTO17, 100000, PKT_DIR_IN);
	r = run(e, t);
	TEST(accepted(r) && check(!r->new_flow),
	     "IPv%d UDP-Lite: replied entry gets the 120 s timeout at once", fam);
	ct_engine_free(e);
	free(t);
}

int
main(void)
{
	udp_family(4);
	udp_family(6);
	udp_timeouts();
	udplite_family(4);
	udplite_family(6);
	return tap_done();
}
