/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-flow.c - the conntrack table: lookup in both directions, expiry by
 * packet time, nf_conntrack_max with early drop and "table full", and a
 * long capture of one-packet flows staying bounded in memory.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct.h"
#include "ct-proto.h"
#include "flow.h"
#include "tap.h"

static struct pkt
udp_pkt(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, int64_t t_ms)
{
	static uint8_t l4[8];
	struct pkt p;

	memset(&p, 0, sizeof(p));
	p.ts_sec = t_ms / 1000;
	p.ts_nsec = (uint32_t)(t_ms % 1000) * 1000000u;
	p.family = 4;
	p.src.b[0] = (uint8_t)(src >> 24);
	p.src.b[1] = (uint8_t)(src >> 16);
	p.src.b[2] = (uint8_t)(src >> 8);
	p.src.b[3] = (uint8_t)src;
	p.dst.b[0] = (uint8_t)(dst >> 24);
	p.dst.b[1] = (uint8_t)(dst >> 16);
	p.dst.b[2] = (uint8_t)(dst >> 8);
	p.dst.b[3] = (uint8_t)dst;
	p.proto = 17;
	p.has_l4 = true;
	p.l4_len = 8;
	p.ip_len = 28;
	p.l3_hdr_len = 20;
	l4[0] = (uint8_t)(sport >> 8);
	l4[1] = (uint8_t)sport;
	l4[2] = (uint8_t)(dport >> 8);
	l4[3] = (uint8_t)dport;
	l4[4] = 0;
	l4[5] = 8;
	p.l4 = l4;
	p.l4_caplen = 8;
	p.sport = sport;
	p.dport = dport;
	p.udp_len = 8;
	p.udp_csum = 0;
	p.l4_csum = CSUM_UNKNOWN;
	p.dir = PKT_DIR_IN;
	return p;
}

static void
test_table_basic(void)
{
	struct flow_table *ft = flow_table_new();
	struct ct_conn *c[3];
	struct ct_tuple q;
	int i, dir = -1;
	bool ok = true;

	for (i = 0; i < 3; i++) {
		c[i] = calloc(1, sizeof(*c[i]));
		c[i]->tuple[0].family = 4;
		c[i]->tuple[0].proto = 6;
		c[i]->tuple[0].src.b[3] = (uint8_t)(i + 1);
		c[i]->tuple[0].dst.b[3] = 100;
		c[i]->tuple[0].sport = 1000;
		c[i]->tuple[0].dport = 80;
		c[i]->tuple[1] = c[i]->tuple[0];
		c[i]->tuple[1].src = c[i]->tuple[0].dst;
		c[i]->tuple[1].dst = c[i]->tuple[0].src;
		c[i]->tuple[1].sport = 80;
		c[i]->tuple[1].dport = 1000;
		c[i]->expires_ns = (int64_t)(30 - i * 10);	/* 30, 20, 10 */
		c[i]->assured = i == 1;
		ok &= flow_table_insert(ft, c[i]) == 0;
	}
	TEST(check(ok) && check_uint(flow_table_count(ft), ==, 3), "insert three entries");
	q = c[1]->tuple[1];
	TEST(check(flow_table_find(ft, &q, &dir) == c[1]) && check_int(dir, ==, 1),
	     "lookup by the reply tuple gives dir 1");
	q = c[2]->tuple[0];
	TEST(check(flow_table_find(ft, &q, &dir) == c[2]) && check_int(dir, ==, 0),
	     "lookup by the original tuple gives dir 0");
	q.sport = 999;
	TEST(check(flow_table_find(ft, &q, &dir) == NULL), "unknown tuple not found");
	TEST(check(flow_table_drop_candidate(ft) == c[0]),
	     "early-drop candidate is the oldest non-assured entry");
	TEST(check(flow_table_pop_expired(ft, 9) == NULL) &&
	     check(flow_table_pop_expired(ft, 10) == c[2]) &&
	     check(flow_table_pop_expired(ft, 19) == NULL),
	     "expiry pops exactly at expires_ns");
	free(c[2]);
	c[0]->expires_ns = 100;
	flow_table_update(ft, c[0]);
	TEST(check(flow_table_pop_expired(ft, 50) == c[1]) &&
	     check(flow_table_pop_expired(ft, 99) == NULL), "update re-orders the heap");
	free(c[1]);
	c[0]->assured = true;
	flow_table_update(ft, c[0]);
	TEST(check(flow_table_drop_candidate(ft) == NULL),
	     "assured entries are not early-drop candidates");
	c[0]->tuple[0].proto = 6;
	c[0]->tcp.state = TCP_CT_TIME_WAIT;
	flow_table_update(ft, c[0]);
	TEST(check(flow_table_drop_candidate(ft) == c[0]),
	     "assured TCP entry in TIME_WAIT can be dropped (tcp_can_early_drop)");
	flow_table_free(ft);
}

static void
test_engine_max(void)
{
	struct ct_policy pol;
	struct ct_engine *e;
	struct ct_engine_stats st;
	struct ct_result res;
	struct pkt p;
	uint32_t i;

	ct_policy_init(&pol);
	pol.v[CT_KNOB_MAX] = 100;
	e = ct_engine_new(&pol);
	for (i = 0; i < 250; i++) {
		p = udp_pkt(0xc0000200u + (i & 0xff), (uint16_t)(10000 + i), 0xc6336401u, 53, 1000);
		ct_engine_packet(e, &p, &res);
	}
	ct_engine_stats(e, &st);
	TEST(check_uint(st.flows_live, ==, 100) && check_uint(st.early_drops, ==, 150) &&
	     check_uint(st.table_full, ==, 0),
	     "unreplied flows beyond nf_conntrack_max are early-dropped (live %llu, drops %llu)",
	     (unsigned long long)st.flows_live, (unsigned long long)st.early_drops);
	ct_engine_free(e);

	/* assured entries cannot be dropped: table full */
	e = ct_engine_new(&pol);
	for (i = 0; i < 100; i++) {
		p = udp_pkt(0xc0000201u, (uint16_t)(20000 + i), 0xc6336401u, 53, 1000);
		ct_engine_packet(e, &p, &res);
		p = udp_pkt(0xc6336401u, 53, 0xc0000201u, (uint16_t)(20000 + i), 1001);
		ct_engine_packet(e, &p, &res);
		/* UDP is ASSURED by the packet after the first reply */
		p = udp_pkt(0xc0000201u, (uint16_t)(20000 + i), 0xc6336401u, 53, 1001);
		ct_engine_packet(e, &p, &res);
	}
	p = udp_pkt(0xc0000202u, 5555, 0xc6336401u, 53, 1002);
	ct_engine_packet(e, &p, &res);
	ct_engine_stats(e, &st);
	TEST(check(res.table_full) && check_int(res.verdict, ==, CT_INVALID) &&
	     check_uint(st.table_full, ==, 1) && check_uint(st.flows_live, ==, 100),
	     "table of assured entries at nf_conntrack_max: table full, packet dropped");
	/* once they expire (UDP stream timeout 120 s) there is room again */
	p = udp_pkt(0xc0000202u, 5555, 0xc6336401u, 53, 1002 + 121000);
	ct_engine_packet(e, &p, &res);
	ct_engine_stats(e, &st);
	TEST(check(!res.table_full) && check(res.new_flow) && check_uint(st.flows_live, ==, 1) &&
	     check_uint(st.flows_expired, ==, 100),
	     "expired entries are reclaimed by packet time");
	ct_engine_free(e);
}

static void
test_bounded(void)
{
	struct ct_policy pol;
	struct ct_engine *e;
	struct ct_engine_stats st;
	struct ct_result res;
	struct pkt p;
	uint32_t i, n = 2000000;
	size_t peak_mem = 0, mem;

	ct_policy_init(&pol);
	pol.v[CT_KNOB_MAX] = 0;	/* unlimited: expiry alone must bound the table */
	e = ct_engine_new(&pol);
	/* 2 million one-packet UDP flows, 10 000 per second: ~300 000 live at 30 s */
	for (i = 0; i < n; i++) {
		p = udp_pkt(0x0a000000u + (i >> 16), (uint16_t)i, 0xc6336401u, 53,
			    (int64_t)i / 10);
		ct_engine_packet(e, &p, &res);
		if ((i & 0xffff) == 0) {
			mem = ct_engine_mem(e);
			if (mem > peak_mem)
				peak_mem = mem;
		}
	}
	ct_engine_stats(e, &st);
	mem = ct_engine_mem(e);
	if (mem > peak_mem)
		peak_mem = mem;
	TEST(check_uint(st.flows_created, ==, n) && check_uint(st.flows_live, <=, 300001) &&
	     check_uint(st.flows_peak, <=, 300001) &&
	     check_uint(st.flows_expired, ==, n - st.flows_live),
	     "2M one-packet flows: live %llu, peak %llu (30 s x 10k/s)",
	     (unsigned long long)st.flows_live, (unsigned long long)st.flows_peak);
	TEST(check_uint(peak_mem / st.flows_peak, <, 1024),
	     "memory proportional to live flows: %zu bytes peak, %zu bytes per live flow",
	     peak_mem, peak_mem / (size_t)st.flows_peak);
	tap_diag("bytes per flow: %zu (struct ct_conn %zu)", peak_mem / (size_t)st.flows_peak,
		 sizeof(struct ct_conn));
	ct_engine_free(e);
}

int
main(void)
{
	test_table_basic();
	test_engine_max();
	test_bounded();
	return tap_done();
}
