/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-ct-icmp.c - ICMP and ICMPv6 through ct_engine_packet(): header and
 * checksum checks, types, requests/replies, errors RELATED vs outer daddr
 * mismatch vs no entry, ICMPv6 untracked types and redirects, timeouts.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ct.h"
#include "tap.h"
#include "udp-pkt.h"

#define A4 "192.0.2.10"
#define B4 "198.51.100.20"
#define R4 "203.0.113.1"
#define X4 "203.0.113.99"
#define A6 "20010db8000100000000000000000010"
#define B6 "20010db8000200000000000000000020"
#define R6 "20010db8000300000000000000000001"
#define X6 "20010db8000300000000000000000099"
#define LL6 "fe800000000000000000000000000001"

static struct ct_result res;

static struct ct_engine *
engine(int checksum)
{
	struct ct_policy pol;

	ct_policy_init(&pol);
	ct_policy_set(&pol, CT_KNOB_CHECKSUM, checksum, CT_SRC_OPTION);
	return ct_engine_new(&pol);
}

static const struct ct_result *
run(struct ct_engine *e, struct tpkt *t)
{
	if (ct_engine_packet(e, &t->p, &res) != 0)
		tap_diag("ct_engine_packet failed");
	return &res;
}

static int
logged(const struct ct_result *r, enum reason reason)
{
	return check_int(r->verdict, ==, CT_INVALID) && check_uint(r->n_msgs, ==, 1) &&
	       check_int(r->msgs[0].reason, ==, reason);
}

static int
silent_invalid(const struct ct_result *r)
{
	return check_int(r->verdict, ==, CT_INVALID) && check_uint(r->n_msgs, ==, 0) &&
	       check(r->silent != NULL);
}

static int
accepted(const struct ct_result *r)
{
	return check_int(r->verdict, ==, CT_ACCEPT) && check_uint(r->n_msgs, ==, 0) &&
	       check(r->silent == NULL);
}

static void
icmp4(void)
{
	struct ct_engine *e = engine(1);
	struct tpkt *t = calloc(1, sizeof(*t));
	const struct ct_result *r;
	uint8_t q[128];
	uint32_t ql;
	uint64_t echo, udp;

	if (!e || !t)
		return;
	/* echo request / reply */
	tb_icmp(t, 4, A4, B4, 8, 0, 0x12340001, NULL, 0, 0, TC_OK, 64, 1000, PKT_DIR_IN);
	r = run(e, t);
	echo = r->flow_id;
	TEST(accepted(r) && check(r->new_flow), "ICMP echo request makes an entry");
	tb_icmp(t, 4, B4, A4, 0, 0, 0x12340001, NULL, 0, 0, TC_OK, 64, 1100, PKT_DIR_IN);
	r = run(e, t);
	TEST(accepted(r) && check_int(r->dir, ==, 1) && check_uint(r->flow_id, ==, echo),
	     "ICMP echo reply matches it");
	tb_icmp(t, 4, B4, A4, 0, 0, 0x77770001, NULL, 0, 0, TC_OK, 64, 1200, PKT_DIR_IN);
	r = run(e, t);
	TEST(silent_invalid(r) && check(!r->new_flow) && check_uint(r->flow_id, ==, 0),
	     "ICMP lone echo reply: INVALID without a log line");
	tb_icmp(t, 4, A4, B4, 13, 0, 0x00050001, NULL, 12, 0, TC_OK, 64, 1250, PKT_DIR_IN);
	TEST(accepted(run(e, t)), "ICMP timestamp request makes an entry");
	tb_icmp(t, 4, A4, B4, 10, 0, 0, NULL, 0, 0, TC_OK, 64, 1260, PKT_DIR_IN);
	TEST(silent_invalid(run(e, t)), "ICMP router solicitation (no reply form): silent INVALID");

	/* header length */
	tb_icmp(t, 4, A4, B4, 8, 0, 0x12340002, NULL, 0, 7, TC_OK, 64, 1300, PKT_DIR_IN);
	TEST(logged(run(e, t), REASON_ICMP_SHORT), "ICMP 7 bytes: short packet");
	tb_icmp(t, 4, A4, B4, 8, 0, 0x12340002, NULL, 0, 8, TC_OK, 64, 1300, PKT_DIR_IN);
	TEST(accepted(run(e, t)), "ICMP 8 bytes: accepted");

	/* checksum */
	tb_icmp(t, 4, A4, B4, 8, 0, 0x12340003, NULL, 16, 0, TC_BAD, 64, 1400, PKT_DIR_IN);
	TEST(logged(run(e, t), REASON_ICMP_BAD_CHECKSUM), "ICMP bad checksum: bad hw icmp checksum");
	tb_icmp(t, 4, A4, B4, 8, 0, 0x12340003, NULL, 16, 0, TC_BAD, 64, 1400, PKT_DIR_OUT);
	TEST(accepted(run(e, t)), "ICMP bad checksum on output: not checked");
	/*
	 * An all-zero ICMP message with checksum field 0 sums to +0 (l4_csum
	 * BAD), but nf_ip_checksum() adds the IPv4 header's -0 and accepts it
	 * (l4_csum_nf OK; kernel lab: perturb --make regress in kernel-diff).
	 */
	tb_icmp(t, 4, A4, B4, 0, 0, 0, NULL, 8, 0, TC_ZERO, 64, 1410, PKT_DIR_IN);
	TEST(check_int(t->p.l4_csum, ==, CSUM_BAD) && check_int(t->p.l4_csum_nf, ==, CSUM_OK) &&
	     silent_invalid(run(e, t)),
	     "all-zero ICMP echo reply, checksum 0: no 'bad hw icmp checksum' (lone reply: silent)");
	tb_icmp(t, 4, A4, B4, 8, 0, 0x12340004, NULL, 8, 0, TC_ZERO, 64, 1420, PKT_DIR_IN);
	TEST(logged(run(e, t), REASON_ICMP_BAD_CHECKSUM),
	     "echo request with checksum field 0 (not all zero): bad hw icmp checksum");

	/* type range */
	tb_icmp(t, 4, A4, B4, 19, 0, 0, NULL, 0, 0, TC_OK, 64, 1500, PKT_DIR_IN);
	TEST(logged(run(e, t), REASON_ICMP_INVALID_TYPE), "ICMP type 19: invalid icmp type");
	tb_icmp(t, 4, A4, B4, 18, 0, 0, NULL, 4, 0, TC_OK, 64, 1500, PKT_DIR_IN);
	TEST(silent_invalid(run(e, t)), "ICMP type 18 (mask reply, no request): silent INVALID");

	/* errors about a UDP flow A -> B */
	tb_udp(t, 4, 17, A4, B4, 40000, 53, 20, -1, 0, TC_OK, 2000, PKT_DIR_IN);
	udp = run(e, t)->flow_id;
	ql = tb_quote_udp(q, 4, A4, B4, 40000, 53);
	tb_icmp(t, 4, B4, A4, 3, 3, 0, q, ql, 0, TC_OK, 64, 2100, PKT_DIR_IN);
	r = run(e, t);
	TEST(accepted(r) && check_uint(r->flow_id, ==, udp) && check_int(r->dir, ==, 1) &&
	     check(r->tracked) && check(!r->new_flow),
	     "ICMP port unreachable from B: RELATED to the UDP entry (reply direction)");
	tb_icmp(t, 4, R4, A4, 11, 0, 0, q, ql, 0, TC_OK, 64, 2200, PKT_DIR_IN);
	r = run(e, t);
	TEST(accepted(r) && check_uint(r->flow_id, ==, udp),
	     "ICMP time exceeded from a router: RELATED");
	tb_icmp(t, 4, B4, X4, 3, 3, 0, q, ql, 0, TC_OK, 64, 2300, PKT_DIR_IN);
	r = run(e, t);
	TEST(logged(r, REASON_ICMP_OUTER_DADDR) &&
	     check(r->msgs[0].args.has & REASON_ARG_OUTER) &&
	     check_str(r->msgs[0].args.outer, X4) && check_str(r->msgs[0].args.inner, A4),
	     "ICMP error to another host: outer daddr 203.0.113.99 != inner 192.0.2.10");
	ql = tb_quote_udp(q, 4, A4, B4, 40001, 53);
	tb_icmp(t, 4, B4, A4, 3, 3, 0, q, ql, 0, TC_OK, 64, 2400, PKT_DIR_IN);
	TEST(silent_invalid(run(e, t)), "ICMP error about no known connection: silent INVALID");
	tb_icmp(t, 4, B4, A4, 3, 3, 0, q, 10, 0, TC_OK, 64, 2400, PKT_DIR_IN);
	TEST(silent_invalid(run(e, t)), "ICMP error with a cut embedded header: silent INVALID");
	/* the same error cut by the capture's snaplen: unknown, not INVALID */
	ql = tb_quote_udp(q, 4, A4, B4, 40000, 53);
	tb_icmp(t, 4, B4, A4, 3, 3, 0, q, ql, 0, TC_OK, 64, 2450, PKT_DIR_IN);
	t->p.caplen = 20 + 8 + 10;
	decode_ip(t->b, 20 + 8 + 10, &t->p);
	t->p.ip_len = 20 + 8 + ql;
	t->p.l4_len = 8 + ql;
	r = run(e, t);
	TEST(check_int(r->verdict, ==, CT_ACCEPT) && check(!r->tracked) && check(r->silent == NULL),
	     "ICMP error whose quote the snaplen cut: not judged (unknown)");
	/* error in the original direction: quoted B -> A (a reply), sent to B */
	ql = tb_quote_udp(q, 4, B4, A4, 53, 40000);
	tb_icmp(t, 4, R4, B4, 3, 1, 0, q, ql, 0, TC_OK, 64, 2500, PKT_DIR_IN);
	r = run(e, t);
	TEST(accepted(r) && check_int(r->dir, ==, 0) && check_uint(r->flow_id, ==, udp),
	     "ICMP error about the reply, sent to B: RELATED (original direction)");
	/* error about the echo entry */
	{
		uint8_t eq[28];
		struct tpkt *t2 = calloc(1, sizeof(*t2));

		if (t2) {
			tb_icmp(t2, 4, A4, B4, 8, 0, 0x12340001, NULL, 0, 0, TC_OK, 64, 0, PKT_DIR_IN);
			memcpy(eq, t2->b, 28);
			tb_icmp(t, 4, R4, A4, 11, 0, 0, eq, 28, 0, TC_OK, 64, 2600, PKT_DIR_IN);
			r = run(e, t);
			TEST(accepted(r) && check_uint(r->flow_id, ==, echo),
			     "ICMP time exceeded quoting an echo request: RELATED to the echo entry");
			free(t2);
		}
	}

	/* timeout: 30 s */
	tb_icmp(t, 4, B4, A4, 0, 0, 0x12340001, NULL, 0, 0, TC_OK, 64, 31399, PKT_DIR_IN);
	TEST(accepted(run(e, t)), "ICMP echo reply 29.999 s after the last packet: accepted");
	tb_icmp(t, 4, B4, A4, 0, 0, 0x12340001, NULL, 0, 0, TC_OK, 64, 61400, PKT_DIR_IN);
	TEST(silent_invalid(run(e, t)), "ICMP echo reply 30 s later: entry expired, INVALID");
	ct_engine_free(e);

	e = engine(0);
	tb_icmp(t, 4, A4, B4, 8, 0, 0x12340003, NULL, 16, 0, TC_BAD, 64, 1400, PKT_DIR_IN);
	TEST(accepted(run(e, t)), "ICMP bad checksum with nf_conntrack_checksum=0 accepted");
	ct_engine_free(e);
	free(t);
}

/* A redirect: target, destination, then options. */
static uint32_t
redirect_body(uint8_t *b, const uint8_t *opts, uint32_t optlen)
{
	struct ip_addr a;

	/* the 4 reserved bytes are the "rest" field; body = target + dest */
	tb_addr(&a, 6, LL6);
	memcpy(b, a.b, 16);
	tb_addr(&a, 6, B6);
	memcpy(b + 16, a.b, 16);
	if (optlen)
		memcpy(b + 32, opts, optlen);
	return 32 + optlen;
}

static void
icmp6(void)
{
	struct ct_engine *e = engine(1);
	struct tpkt *t = calloc(1, sizeof(*t));
	const struct ct_result *r;
	uint8_t q[256], body[400];
	uint32_t ql, bl;
	uint64_t echo, udp;

	if (!e || !t)
		return;
	tb_icmp(t, 6, A6, B6, 128, 0, 0x00420001, NULL, 8, 0, TC_OK, 64, 1000, PKT_DIR_IN);
	r = run(e, t);
	echo = r->flow_id;
	TEST(accepted(r) && check(r->new_flow), "ICMPv6 echo request makes an entry");
	tb_icmp(t, 6, B6, A6, 129, 0, 0x00420001, NULL, 8, 0, TC_OK, 64, 1100, PKT_DIR_IN);
	r = run(e, t);
	TEST(accepted(r) && check_int(r->dir, ==, 1) && check_uint(r->flow_id, ==, echo),
	     "ICMPv6 echo reply matches it");
	tb_icmp(t, 6, B6, A6, 129, 0, 0x00990001, NULL, 8, 0, TC_OK, 64, 1200, PKT_DIR_IN);
	TEST(silent_invalid(run(e, t)), "ICMPv6 lone echo reply: silent INVALID");
	tb_icmp(t, 6, A6, B6, 139, 0, 0x00430001, NULL, 8, 0, TC_OK, 64, 1250, PKT_DIR_IN);
	TEST(accepted(run(e, t)), "ICMPv6 node information query makes an entry");

	/* untracked neighbour discovery and MLD */
	tb_icmp(t, 6, LL6, B6, 135, 0, 0, NULL, 16, 0, TC_OK, 255, 1300, PKT_DIR_IN);
	r = run(e, t);
	TEST(accepted(r) && check(!r->tracked) && check_uint(r->flow_id, ==, 0),
	     "ICMPv6 neighbour solicitation: untracked, never invalid");
	tb_icmp(t, 6, LL6, B6, 143, 0, 0, NULL, 0, 0, TC_OK, 1, 1300, PKT_DIR_IN);
	TEST(accepted(run(e, t)) && check(!res.tracked), "ICMPv6 MLDv2 report: untracked");
	tb_icmp(t, 6, LL6, B6, 152, 0, 0, NULL, 0, 0, TC_OK, 1, 1300, PKT_DIR_IN);
	TEST(accepted(run(e, t)) && check(!res.tracked), "ICMPv6 multicast router solicitation: untracked");
	tb_icmp(t, 6, LL6, B6, 135, 0, 0, NULL, 16, 0, TC_BAD, 255, 1300, PKT_DIR_IN);
	TEST(logged(run(e, t), REASON_ICMPV6_BAD_CHECKSUM),
	     "ICMPv6 neighbour solicitation with a bad checksum: ICMPv6 checksum failed");
	tb_icmp(t, 6, A6, B6, 128, 0, 0x00420002, NULL, 0, 7, TC_OK, 64, 1400, PKT_DIR_IN);
	TEST(logged(run(e, t), REASON_ICMPV6_SHORT), "ICMPv6 7 bytes: short packet");
	tb_icmp(t, 6, A6, B6, 128, 0, 0x00420002, NULL, 8, 0, TC_BAD, 64, 1400, PKT_DIR_OUT);
	TEST(accepted(run(e, t)), "ICMPv6 bad checksum on output: not checked");
	tb_icmp(t, 6, A6, B6, 200, 0, 0, NULL, 0, 0, TC_OK, 64, 1400, PKT_DIR_IN);
	TEST(silent_invalid(run(e, t)), "ICMPv6 unknown informational type 200: silent INVALID");

	/* errors */
	tb_udp(t, 6, 17, A6, B6, 40000, 53, 20, -1, 0, TC_OK, 2000, PKT_DIR_IN);
	udp = run(e, t)->flow_id;
	ql = tb_quote_udp(q, 6, A6, B6, 40000, 53);
	tb_icmp(t, 6, B6, A6, 1, 4, 0, q, ql, 0, TC_OK, 64, 2100, PKT_DIR_IN);
	r = run(e, t);
	TEST(accepted(r) && check_uint(r->flow_id, ==, udp) && check_int(r->dir, ==, 1),
	     "ICMPv6 port unreachable: RELATED");
	tb_icmp(t, 6, R6, A6, 2, 0, 1280, q, ql, 0, TC_OK, 64, 2150, PKT_DIR_IN);
	TEST(accepted(run(e, t)) && check_uint(res.flow_id, ==, udp), "ICMPv6 packet too big: RELATED");
	tb_icmp(t, 6, B6, X6, 1, 4, 0, q, ql, 0, TC_OK, 64, 2200, PKT_DIR_IN);
	r = run(e, t);
	TEST(logged(r, REASON_ICMPV6_OUTER_DADDR) &&
	     check_str(r->msgs[0].args.outer, "2001:0db8:0003:0000:0000:0000:0000:0099") &&
	     check_str(r->msgs[0].args.inner, "2001:0db8:0001:0000:0000:0000:0000:0010"),
	     "ICMPv6 error to another host: outer daddr mismatch, uncompressed addresses");
	ql = tb_quote_udp(q, 6, A6, B6, 40009, 53);
	tb_icmp(t, 6, B6, A6, 1, 4, 0, q, ql, 0, TC_OK, 64, 2300, PKT_DIR_IN);
	TEST(silent_invalid(run(e, t)), "ICMPv6 error about no connection: silent INVALID");

	/* redirects (6.2+) */
	{
		uint8_t opt[8 + 48];

		ql = tb_quote_udp(q, 6, A6, B6, 40000, 53);
		/* Redirected Header option: type 4, length in 8-byte units */
		memset(opt, 0, sizeof(opt));
		opt[0] = 4;
		opt[1] = (uint8_t)((8 + ql) / 8);
		memcpy(opt + 8, q, ql);
		bl = redirect_body(body, opt, 8 + ql);
		tb_icmp(t, 6, LL6, A6, 137, 0, 0, body, bl, 0, TC_OK, 255, 3000, PKT_DIR_IN);
		r = run(e, t);
		TEST(accepted(r) && check_uint(r->flow_id, ==, udp),
		     "ICMPv6 redirect with a redirected header: RELATED");
		tb_icmp(t, 6, LL6, A6, 137, 0, 0, body, 31, 0, TC_OK, 255, 3000, PKT_DIR_IN);
		TEST(logged(run(e, t), REASON_ICMPV6_SHORT_REDIRECT), "ICMPv6 redirect of 39 bytes: short redirect");
		tb_icmp(t, 6, LL6, A6, 137, 0, 0, body, 32, 0, TC_OK, 255, 3000, PKT_DIR_IN);
		TEST(logged(run(e, t), REASON_ICMPV6_REDIRECT_NO_OPTS),
		     "ICMPv6 redirect of 40 bytes: redirect without options");
		tb_icmp(t, 6, LL6, A6, 137, 0, 0, body, bl, 0, TC_OK, 64, 3000, PKT_DIR_IN);
		TEST(logged(run(e, t), REASON_ICMPV6_REDIRECT_SADDR),
		     "ICMPv6 redirect with hop limit 64: invalid saddr or hoplimit");
		tb_icmp(t, 6, R6, A6, 137, 0, 0, body, bl, 0, TC_OK, 255, 3000, PKT_DIR_IN);
		TEST(logged(run(e, t), REASON_ICMPV6_REDIRECT_SADDR),
		     "ICMPv6 redirect from a global address: invalid saddr or hoplimit");
		tb_icmp(t, 6, LL6, A6, 137, 1, 0, body, bl, 0, TC_OK, 64, 3000, PKT_DIR_IN);
		TEST(silent_invalid(run(e, t)),
		     "ICMPv6 redirect with code 1: not checked, no entry possible: silent INVALID");
		opt[1] = 0;
		bl = redirect_body(body, opt, 8 + ql);
		tb_icmp(t, 6, LL6, A6, 137, 0, 0, body, bl, 0, TC_OK, 255, 3000, PKT_DIR_IN);
		TEST(logged(run(e, t), REASON_ICMPV6_REDIRECT_NO_OPTS),
		     "ICMPv6 redirect whose first option has length 0: redirect without options");
		opt[0] = 2;	/* target link-layer address */
		opt[1] = 1;
		bl = redirect_body(body, opt, 8);
		tb_icmp(t, 6, LL6, A6, 137, 0, 0, body, bl, 0, TC_OK, 255, 3000, PKT_DIR_IN);
		TEST(silent_invalid(run(e, t)),
		     "ICMPv6 redirect whose first option is not a redirected header: silent INVALID");
		opt[0] = 4;
		opt[1] = (uint8_t)((8 + ql) / 8);
		bl = redirect_body(body, opt, 8 + ql);
		tb_icmp(t, 6, LL6, X6, 137, 0, 0, body, bl, 0, TC_OK, 255, 3000, PKT_DIR_IN);
		TEST(logged(run(e, t), REASON_ICMPV6_OUTER_DADDR),
		     "ICMPv6 redirect to another host: outer daddr mismatch");
	}

	/* timeout 30 s */
	tb_icmp(t, 6, B6, A6, 129, 0, 0x00420001, NULL, 8, 0, TC_OK, 64, 31399, PKT_DIR_IN);
	TEST(accepted(run(e, t)), "ICMPv6 echo reply 29.999 s after the last packet: accepted");
	tb_icmp(t, 6, B6, A6, 129, 0, 0x00420001, NULL, 8, 0, TC_OK, 64, 61400, PKT_DIR_IN);
	TEST(silent_invalid(run(e, t)), "ICMPv6 echo reply 30 s later: INVALID");
	ct_engine_free(e);
	free(t);
}

int
main(void)
{
	icmp4();
	icmp6();
	return tap_done();
}
