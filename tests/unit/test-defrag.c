/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-defrag.c - IPv4/IPv6 reassembly as nf_defrag_ipv4/ipv6 (6.18) does it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ct-policy.h"
#include "defrag.h"
#include "tap.h"

/* One fragment: its bytes and the descriptor the decoder would give. */
struct tfrag {
	uint8_t b[2048];
	struct pkt p;
};

static uint32_t
sum16(uint32_t s, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (i < n)
		s += (uint32_t)b[i] << 8;
	return s;
}

static uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* A UDP datagram of @dlen data bytes (header + data) with a right checksum. */
static void
make_udp(uint8_t *u, uint32_t dlen, uint8_t family, const uint8_t *src, const uint8_t *dst)
{
	uint32_t ulen = 8 + dlen, s = 0;
	uint8_t ph[8] = { 0 };
	size_t alen = family == 6 ? 16 : 4;
	uint16_t c;

	u[0] = 0x9c; u[1] = 0x40;	/* 40000 */
	u[2] = 0x00; u[3] = 0x35;	/* 53 */
	u[4] = (uint8_t)(ulen >> 8); u[5] = (uint8_t)ulen;
	u[6] = u[7] = 0;
	for (uint32_t i = 0; i < dlen; i++)
		u[8 + i] = (uint8_t)(i * 7 + 1);
	s = sum16(s, src, alen);
	s = sum16(s, dst, alen);
	ph[2] = (uint8_t)(ulen >> 8); ph[3] = (uint8_t)ulen; ph[7] = 17;
	s = sum16(s, ph, 8);
	s = sum16(s, u, ulen);
	c = fold(s);
	if (c == 0)
		c = 0xffff;
	u[6] = (uint8_t)(c >> 8); u[7] = (uint8_t)c;
}

static const uint8_t S4[4] = { 192, 0, 2, 1 }, D4[4] = { 198, 51, 100, 2 };
static const uint8_t S6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t D6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };

static uint64_t next_index;

/* IPv4 fragment of @datagram (the UDP bytes) covering [off, off+len). */
static void
frag4(struct tfrag *f, const uint8_t *datagram, uint32_t off, uint32_t len, bool mf,
      uint16_t id, int64_t ts_ms, uint8_t tos)
{
	uint8_t *h = f->b;
	uint32_t tot = 20 + len;
	uint16_t fo = (uint16_t)((off / 8) | (mf ? 0x2000 : 0));

	memset(f, 0, sizeof(*f));
	h[0] = 0x45; h[1] = tos;
	h[2] = (uint8_t)(tot >> 8); h[3] = (uint8_t)tot;
	h[4] = (uint8_t)(id >> 8); h[5] = (uint8_t)id;
	h[6] = (uint8_t)(fo >> 8); h[7] = (uint8_t)fo;
	h[8] = 64; h[9] = 17;
	memcpy(h + 12, S4, 4);
	memcpy(h + 16, D4, 4);
	{
		uint16_t c = fold(sum16(0, h, 20));

		h[10] = (uint8_t)(c >> 8); h[11] = (uint8_t)c;
	}
	memcpy(h + 20, datagram + off, len);
	f->p.index = next_index++;
	f->p.ts_sec = ts_ms / 1000;
	f->p.ts_nsec = (uint32_t)(ts_ms % 1000) * 1000000u;
	f->p.caplen = f->p.wirelen = 14 + tot;
	f->p.linktype = 1;
	f->p.dir = PKT_DIR_IN;
	f->p.family = 4;
	memcpy(f->p.src.b, S4, 4);
	memcpy(f->p.dst.b, D4, 4);
	f->p.ip_len = tot;
	f->p.l3_hdr_len = 20;
	f->p.tos = tos;
	f->p.ttl = 64;
	f->p.ip_id = id;
	f->p.mf = mf;
	f->p.is_fragment = mf || off != 0;
	f->p.frag_off = off;
	f->p.frag_id = id;
	f->p.proto = 17;
	f->p.l3 = f->b;
	f->p.l3_caplen = tot;
	f->p.notes = PKT_NOTE_FRAGMENT;
}

/* IPv6 fragment (40-byte header + 8-byte fragment header + data). */
static void
frag6(struct tfrag *f, const uint8_t *datagram, uint32_t off, uint32_t len, bool mf,
      uint32_t id, int64_t ts_ms)
{
	uint8_t *h = f->b;
	uint32_t plen = 8 + len;
	uint16_t fo = (uint16_t)(off | (mf ? 1 : 0));

	memset(f, 0, sizeof(*f));
	h[0] = 0x60;
	h[4] = (uint8_t)(plen >> 8); h[5] = (uint8_t)plen;
	h[6] = 44; h[7] = 64;
	memcpy(h + 8, S6, 16);
	memcpy(h + 24, D6, 16);
	h[40] = 17; h[41] = 0;
	h[42] = (uint8_t)(fo >> 8); h[43] = (uint8_t)fo;
	h[44] = (uint8_t)(id >> 24); h[45] = (uint8_t)(id >> 16);
	h[46] = (uint8_t)(id >> 8); h[47] = (uint8_t)id;
	memcpy(h + 48, datagram + off, len);
	f->p.index = next_index++;
	f->p.ts_sec = ts_ms / 1000;
	f->p.ts_nsec = (uint32_t)(ts_ms % 1000) * 1000000u;
	f->p.caplen = f->p.wirelen = 14 + 40 + plen;
	f->p.linktype = 1;
	f->p.dir = PKT_DIR_IN;
	f->p.family = 6;
	memcpy(f->p.src.b, S6, 16);
	memcpy(f->p.dst.b, D6, 16);
	f->p.ip_len = 40 + plen;
	f->p.l3_hdr_len = 48;
	f->p.ttl = 64;
	f->p.mf = mf;
	f->p.is_fragment = true;
	f->p.frag_off = off;
	f->p.frag_id = id;
	f->p.frag_nexthdr = 17;
	f->p.proto = 17;
	f->p.l3 = f->b;
	f->p.l3_caplen = 40 + plen;
	f->p.notes = PKT_NOTE_FRAGMENT;
}

static enum defrag_status
feed(struct defrag *d, struct tfrag *f, const struct pkt **out, const char **why)
{
	return defrag_feed(d, &f->p, out, why);
}

static int
why_has(const char *why, const char *needle)
{
	return why && strstr(why, needle);
}

int
main(void)
{
	uint8_t udp[1024];
	struct tfrag *f = calloc(8, sizeof(*f));
	struct defrag *d;
	struct defrag_stats st;
	const struct pkt *out;
	const char *why, *why2;
	enum defrag_status s1, s2, s3;

	if (!f)
		return 99;
	make_udp(udp, 40, 4, S4, D4);	/* 48 bytes of UDP */

	/* IPv4 in order: 24 + 16 + 8 bytes */
	d = defrag_new(4u << 20);
	frag4(&f[0], udp, 0, 24, true, 0x1234, 1000, 0);
	frag4(&f[1], udp, 24, 16, true, 0x1234, 1001, 0);
	frag4(&f[2], udp, 40, 8, false, 0x1234, 1002, 0);
	s1 = feed(d, &f[0], &out, &why);
	s2 = feed(d, &f[1], &out, &why);
	s3 = feed(d, &f[2], &out, &why);
	TEST(check_int(s1, ==, DEFRAG_HELD) && check_int(s2, ==, DEFRAG_HELD) &&
	     check_int(s3, ==, DEFRAG_DONE) && check(out != NULL) &&
	     out && check_uint(out->index, ==, f[2].p.index) &&
	     check_int(out->ts_sec, ==, 1) && check_uint(out->ts_nsec, ==, 2000000) &&
	     check_int(out->family, ==, 4) && check_uint(out->ip_len, ==, 68) &&
	     check(!out->is_fragment) && check_int(out->proto, ==, 17) &&
	     check(out->has_l4) && check_uint(out->udp_len, ==, 48) &&
	     check_uint(out->l4_len, ==, 48) && check_int(out->l4_csum, ==, CSUM_OK) &&
	     check(!(out->notes & PKT_NOTE_IP_CSUM_BAD)) && check_int(out->ip_id, ==, 0x1234),
	     "IPv4 in order: datagram released on the last fragment, decoded, checksum ok");
	defrag_stats(d, &st);
	TEST(check_uint(st.fragments, ==, 3) && check_uint(st.datagrams, ==, 1) &&
	     check_uint(st.dropped, ==, 0) && check_uint(st.mem_peak, >, 48),
	     "IPv4 in order: stats");

	/* out of order: last, first, middle -> done on the middle one */
	frag4(&f[0], udp, 40, 8, false, 0x2000, 2000, 0);
	frag4(&f[1], udp, 0, 24, true, 0x2000, 2001, 0);
	frag4(&f[2], udp, 24, 16, true, 0x2000, 2002, 0);
	s1 = feed(d, &f[0], &out, &why);
	s2 = feed(d, &f[1], &out, &why);
	s3 = feed(d, &f[2], &out, &why);
	TEST(check_int(s1, ==, DEFRAG_HELD) && check_int(s2, ==, DEFRAG_HELD) &&
	     check_int(s3, ==, DEFRAG_DONE) && out && check_uint(out->index, ==, f[2].p.index) &&
	     check_int(out->l4_csum, ==, CSUM_OK) && check_uint(out->udp_len, ==, 48),
	     "IPv4 out of order reassembles");

	/* overlap: [0,24) then [16,40): whole datagram discarded */
	frag4(&f[0], udp, 0, 24, true, 0x3000, 3000, 0);
	frag4(&f[1], udp, 16, 24, true, 0x3000, 3001, 0);
	frag4(&f[2], udp, 40, 8, false, 0x3000, 3002, 0);
	s1 = feed(d, &f[0], &out, &why);
	s2 = feed(d, &f[1], &out, &why);
	TEST(check_int(s1, ==, DEFRAG_HELD) && check_int(s2, ==, DEFRAG_DROP) &&
	     check(why_has(why, "overlapping")),
	     "IPv4 overlapping fragment: dropped with its reason");
	s3 = feed(d, &f[2], &out, &why);
	TEST(check_int(s3, ==, DEFRAG_HELD) && check(out == NULL),
	     "IPv4 after an overlap the queue is gone: the last fragment starts a new one");

	/* overlap detected through the binary-search path: [24,40) then [0,8)
	 * (own run) then [4,28) which spans two runs */
	frag4(&f[0], udp, 24, 16, true, 0x3100, 3100, 0);
	frag4(&f[1], udp, 0, 8, true, 0x3100, 3101, 0);
	frag4(&f[2], udp, 8, 24, true, 0x3100, 3102, 0);
	s1 = feed(d, &f[0], &out, &why);
	s2 = feed(d, &f[1], &out, &why);
	s3 = feed(d, &f[2], &out, &why);
	TEST(check_int(s1, ==, DEFRAG_HELD) && check_int(s2, ==, DEFRAG_HELD) &&
	     check_int(s3, ==, DEFRAG_DROP) && check(why_has(why, "overlapping")),
	     "IPv4 overlap of a middle fragment detected");

	/* duplicate: same first fragment twice, datagram still completes */
	frag4(&f[0], udp, 0, 24, true, 0x4000, 4000, 0);
	frag4(&f[1], udp, 0, 24, true, 0x4000, 4001, 0);
	frag4(&f[2], udp, 24, 24, false, 0x4000, 4002, 0);
	s1 = feed(d, &f[0], &out, &why);
	s2 = feed(d, &f[1], &out, &why);
	why2 = why;
	s3 = feed(d, &f[2], &out, &why);
	TEST(check_int(s1, ==, DEFRAG_HELD) && check_int(s2, ==, DEFRAG_DROP) &&
	     check(why_has(why2, "duplicate")) && check_int(s3, ==, DEFRAG_DONE) &&
	     out && check_int(out->l4_csum, ==, CSUM_OK),
	     "IPv4 duplicate fragment ignored, datagram completes");

	/* inconsistent last fragments */
	frag4(&f[0], udp, 40, 8, false, 0x4100, 4100, 0);
	frag4(&f[1], udp, 24, 8, false, 0x4100, 4101, 0);
	s1 = feed(d, &f[0], &out, &why);
	s2 = feed(d, &f[1], &out, &why);
	TEST(check_int(s1, ==, DEFRAG_HELD) && check_int(s2, ==, DEFRAG_DROP) &&
	     check(why_has(why, "last fragment")),
	     "IPv4 second last fragment with another end: dropped");
	/* data beyond the last fragment's end */
	frag4(&f[0], udp, 16, 8, false, 0x4200, 4200, 0);
	frag4(&f[1], udp, 16, 16, true, 0x4200, 4201, 0);
	s1 = feed(d, &f[0], &out, &why);
	s2 = feed(d, &f[1], &out, &why);
	TEST(check_int(s1, ==, DEFRAG_HELD) && check_int(s2, ==, DEFRAG_DROP) &&
	     check(why_has(why, "beyond the end")),
	     "IPv4 fragment data beyond the last fragment's end: dropped");
	defrag_free(d);

	/* IPv4 non-last fragment of 20 bytes is trimmed to 16: a gap remains */
	d = defrag_new(4u << 20);
	frag4(&f[0], udp, 0, 20, true, 0x4300, 4300, 0);
	frag4(&f[1], udp, 16, 32, false, 0x4300, 4301, 0);
	s1 = feed(d, &f[0], &out, &why);
	s2 = feed(d, &f[1], &out, &why);
	TEST(check_int(s1, ==, DEFRAG_HELD) && check_int(s2, ==, DEFRAG_DONE) && out &&
	     check_int(out->l4_csum, ==, CSUM_OK),
	     "IPv4 non-last fragment trimmed to a multiple of 8");
	defrag_free(d);

	/* expiry: 30 s from the queue's creation */
	d = defrag_new(4u << 20);
	frag4(&f[0], udp, 0, 24, true, 0x5000, 10000, 0);
	frag4(&f[1], udp, 24, 16, true, 0x5000, 39999, 0);
	frag4(&f[2], udp, 40, 8, false, 0x5000, 39999, 0);
	feed(d, &f[0], &out, &why);
	feed(d, &f[1], &out, &why);
	s3 = feed(d, &f[2], &out, &why);
	TEST(check_int(s3, ==, DEFRAG_DONE), "IPv4 completes 29.999 s after the first fragment");
	frag4(&f[0], udp, 0, 24, true, 0x5001, 50000, 0);
	frag4(&f[1], udp, 24, 16, true, 0x5001, 80000, 0);
	frag4(&f[2], udp, 40, 8, false, 0x5001, 80000, 0);
	feed(d, &f[0], &out, &why);
	s2 = feed(d, &f[1], &out, &why);
	s3 = feed(d, &f[2], &out, &why);
	defrag_stats(d, &st);
	TEST(check_int(s2, ==, DEFRAG_HELD) && check_int(s3, ==, DEFRAG_HELD) &&
	     check_uint(st.expired, ==, 1) && check_uint(st.dropped, ==, 1),
	     "IPv4 queue expires after ipfrag_time (30 s): late fragments never complete");
	defrag_free(d);

	/* memory cap: first fragments of many datagrams */
	d = defrag_new(4096);
	{
		unsigned held = 0, dropped = 0;

		for (unsigned i = 0; i < 50; i++) {
			enum defrag_status s;

			frag4(&f[0], udp, 0, 24, true, (uint16_t)(0x6000 + i), 60000, 0);
			s = feed(d, &f[0], &out, &why);
			if (s == DEFRAG_HELD)
				held++;
			else if (s == DEFRAG_DROP && why_has(why, "memory"))
				dropped++;
		}
		defrag_stats(d, &st);
		TEST(check_uint(held, >, 0) && check_uint(dropped, >, 0) &&
		     check_uint(held + dropped, ==, 50) && check_uint(st.dropped, ==, dropped) &&
		     check_uint(st.mem_peak, <, 4096 + 1024),
		     "memory cap: fragments beyond the limit dropped (%u held)", held);
	}
	defrag_free(d);

	/* oversize: 1480-byte fragments up to 65544 bytes of payload */
	d = defrag_new(4u << 20);
	{
		static uint8_t big[65600];
		enum defrag_status last = DEFRAG_PASS;
		unsigned held = 0;

		memcpy(big, udp, 48);
		for (uint32_t off = 0; off < 65544; off += 1480) {
			uint32_t len = 65544 - off > 1480 ? 1480 : 65544 - off;

			frag4(&f[0], big, off, len, off + len < 65544, 0x7000, 70000, 0);
			last = feed(d, &f[0], &out, &why);
			if (last == DEFRAG_HELD)
				held++;
		}
		TEST(check_uint(held, ==, 44) && check_int(last, ==, DEFRAG_DROP) &&
		     check(why_has(why, "65535")),
		     "IPv4 reassembled datagram over 65535 bytes dropped");
	}
	defrag_free(d);

	/* ECN: Not-ECT mixed with ECT(0) is dropped at reassembly */
	d = defrag_new(4u << 20);
	frag4(&f[0], udp, 0, 24, true, 0x7100, 71000, 0x02);
	frag4(&f[1], udp, 24, 24, false, 0x7100, 71001, 0x00);
	feed(d, &f[0], &out, &why);
	s2 = feed(d, &f[1], &out, &why);
	TEST(check_int(s2, ==, DEFRAG_DROP) && check(why_has(why, "ECN")),
	     "IPv4 illegal ECN mix dropped");
	/* CE with ECT(0) becomes CE */
	frag4(&f[0], udp, 0, 24, true, 0x7101, 71002, 0x02);
	frag4(&f[1], udp, 24, 24, false, 0x7101, 71003, 0x03);
	feed(d, &f[0], &out, &why);
	s2 = feed(d, &f[1], &out, &why);
	TEST(check_int(s2, ==, DEFRAG_DONE) && out && check_int(out->tos & 3, ==, 3),
	     "IPv4 ECT + CE reassembles as CE");

	/* ipfrag_max_dist: 65 other fragments from the same source between */
	frag4(&f[0], udp, 0, 24, true, 0x7200, 72000, 0);
	feed(d, &f[0], &out, &why);
	for (unsigned i = 0; i < 65; i++) {
		frag4(&f[1], udp, 0, 8, true, (uint16_t)(0x7300 + i), 72001, 0);
		feed(d, &f[1], &out, &why);
	}
	frag4(&f[2], udp, 24, 24, false, 0x7200, 72002, 0);
	s3 = feed(d, &f[2], &out, &why);
	TEST(check_int(s3, ==, DEFRAG_HELD),
	     "IPv4 65 fragments in between (distance 66 > ipfrag_max_dist) restart the queue");
	frag4(&f[0], udp, 0, 24, true, 0x7201, 72003, 0);
	feed(d, &f[0], &out, &why);
	for (unsigned i = 0; i < 63; i++) {
		frag4(&f[1], udp, 0, 8, true, (uint16_t)(0x7400 + i), 72004, 0);
		feed(d, &f[1], &out, &why);
	}
	frag4(&f[2], udp, 24, 24, false, 0x7201, 72005, 0);
	s3 = feed(d, &f[2], &out, &why);
	TEST(check_int(s3, ==, DEFRAG_DONE), "IPv4 63 fragments in between (distance 64 = ipfrag_max_dist) is fine");
	defrag_free(d);

	/* settings from the policy: ipfrag_time 2 s, frag6 timeout 3 s,
	 * max_dist 0 (no distance check) */
	{
		struct ct_policy pol;

		ct_policy_init(&pol);
		ct_policy_frag_set(&pol, CT_FRAG_IPV4_TIME, 2, CT_SRC_SYSCTL);
		ct_policy_frag_set(&pol, CT_FRAG_IPV6_TIME, 3, CT_SRC_SYSCTL);
		ct_policy_frag_set(&pol, CT_FRAG_IPV4_MAX_DIST, 0, CT_SRC_SYSCTL);
		d = defrag_new(4u << 20);
		defrag_configure(d, &pol);
		frag4(&f[0], udp, 0, 24, true, 0x7500, 75000, 0);
		frag4(&f[2], udp, 24, 24, false, 0x7500, 76999, 0);
		feed(d, &f[0], &out, &why);
		s3 = feed(d, &f[2], &out, &why);
		TEST(check_int(s3, ==, DEFRAG_DONE), "ipfrag_time 2: completes after 1.999 s");
		frag4(&f[0], udp, 0, 24, true, 0x7501, 78000, 0);
		feed(d, &f[0], &out, &why);
		for (unsigned i = 0; i < 100; i++) {
			frag4(&f[1], udp, 0, 8, true, (uint16_t)(0x7600 + i), 78001, 0);
			feed(d, &f[1], &out, &why);
		}
		frag4(&f[2], udp, 24, 24, false, 0x7501, 79000, 0);
		s3 = feed(d, &f[2], &out, &why);
		TEST(check_int(s3, ==, DEFRAG_DONE),
		     "ipfrag_max_dist 0: 100 fragments in between do not restart the queue");
		frag4(&f[0], udp, 0, 24, true, 0x7502, 81000, 0);
		frag4(&f[2], udp, 24, 24, false, 0x7502, 83000, 0);
		feed(d, &f[0], &out, &why);
		s3 = feed(d, &f[2], &out, &why);
		TEST(check_int(s3, ==, DEFRAG_HELD), "ipfrag_time 2: expired after 2 s");
		frag6(&f[0], udp, 0, 24, true, 0x7503, 90000);
		frag6(&f[2], udp, 24, 24, false, 0x7503, 92999);
		feed(d, &f[0], &out, &why);
		s3 = feed(d, &f[2], &out, &why);
		TEST(check_int(s3, ==, DEFRAG_DONE), "frag6 timeout 3: completes after 2.999 s");
		defrag_free(d);
	}

	/* a fragment the IP layer drops does not join the queue */
	d = defrag_new(4u << 20);
	frag4(&f[0], udp, 0, 24, true, 0x7700, 77000, 0);
	f[0].p.notes |= PKT_NOTE_IP_CSUM_BAD;
	frag4(&f[1], udp, 24, 24, false, 0x7700, 77001, 0);
	frag4(&f[2], udp, 0, 24, true, 0x7700, 77002, 0);
	s1 = feed(d, &f[0], &out, &why);
	why2 = why;
	s2 = feed(d, &f[1], &out, &why);
	s3 = feed(d, &f[2], &out, &why);
	TEST(check_int(s1, ==, DEFRAG_DROP) && check(why_has(why2, "ip_rcv")) &&
	     check_int(s2, ==, DEFRAG_HELD) && check_int(s3, ==, DEFRAG_DONE),
	     "fragment with a bad IP header checksum dropped before reassembly");
	defrag_free(d);

	/* not a fragment */
	d = defrag_new(4u << 20);
	frag4(&f[0], udp, 0, 48, false, 0x8000, 80000, 0);
	s1 = feed(d, &f[0], &out, &why);
	TEST(check_int(s1, ==, DEFRAG_PASS) && check(out == NULL), "whole packet passes");
	defrag_free(d);

	/* ---- IPv6 ---- */
	make_udp(udp, 40, 6, S6, D6);
	d = defrag_new(4u << 20);
	frag6(&f[0], udp, 24, 24, false, 0xabcdef01u, 90000);
	frag6(&f[1], udp, 0, 24, true, 0xabcdef01u, 90001);
	s1 = feed(d, &f[0], &out, &why);
	s2 = feed(d, &f[1], &out, &why);
	TEST(check_int(s1, ==, DEFRAG_HELD) && check_int(s2, ==, DEFRAG_DONE) && out &&
	     check_int(out->family, ==, 6) && check_uint(out->ip_len, ==, 88) &&
	     check_uint(out->l3_hdr_len, ==, 40) && check(!out->is_fragment) &&
	     check_int(out->proto, ==, 17) && check_uint(out->udp_len, ==, 48) &&
	     check_int(out->l4_csum, ==, CSUM_OK) && check_uint(out->index, ==, f[1].p.index),
	     "IPv6 reassembly removes the fragment header");

	/* non-last fragment not a multiple of 8: queue killed, passed on */
	frag6(&f[0], udp, 0, 20, true, 0x1111, 91000);
	s1 = feed(d, &f[0], &out, &why);
	TEST(check_int(s1, ==, DEFRAG_PASS) && check(why_has(why, "multiple of 8")),
	     "IPv6 non-last fragment not a multiple of 8 is passed on unreassembled");

	/* first fragment without the whole UDP header */
	frag6(&f[0], udp, 0, 4, false, 0x1112, 91001);
	f[0].p.mf = true;
	f[0].b[43] |= 1;
	s1 = feed(d, &f[0], &out, &why);
	TEST(check_int(s1, ==, DEFRAG_PASS) && check(why_has(why, "upper-layer header")),
	     "IPv6 first fragment without the UDP header is passed on unreassembled");

	/* overlap kills the queue */
	frag6(&f[0], udp, 0, 24, true, 0x2222, 92000);
	frag6(&f[1], udp, 16, 16, true, 0x2222, 92001);
	frag6(&f[2], udp, 24, 24, false, 0x2222, 92002);
	s1 = feed(d, &f[0], &out, &why);
	s2 = feed(d, &f[1], &out, &why);
	why2 = why;
	s3 = feed(d, &f[2], &out, &why);
	TEST(check_int(s1, ==, DEFRAG_HELD) && check_int(s2, ==, DEFRAG_DROP) &&
	     check(why_has(why2, "overlapping")) && check_int(s3, ==, DEFRAG_HELD),
	     "IPv6 overlap discards the datagram (RFC 5722)");

	/* IPv6 inconsistent last fragment keeps the queue */
	frag6(&f[0], udp, 0, 24, true, 0x3333, 93000);
	frag6(&f[1], udp, 24, 24, false, 0x3333, 93001);
	frag6(&f[2], udp, 8, 8, false, 0x3333, 93002);
	s1 = feed(d, &f[0], &out, &why);
	s3 = feed(d, &f[2], &out, &why);
	TEST(check_int(s1, ==, DEFRAG_HELD) && check_int(s3, ==, DEFRAG_DROP), "IPv6 bad last fragment dropped");
	/* the IPv6 queue survives that (only IPv4 kills it) -- but the bad last
	 * fragment did set nothing: the real last fragment completes it */
	s2 = feed(d, &f[1], &out, &why);
	TEST(check_int(s2, ==, DEFRAG_DONE), "IPv6 queue kept after a rejected fragment");

	/* expiry is 60 s for IPv6 (nf_conntrack_frag6_timeout) */
	frag6(&f[0], udp, 0, 24, true, 0x4444, 100000);
	frag6(&f[1], udp, 24, 24, false, 0x4444, 145000);
	feed(d, &f[0], &out, &why);
	s2 = feed(d, &f[1], &out, &why);
	TEST(check_int(s2, ==, DEFRAG_DONE), "IPv6 queue still alive after 45 s");
	frag6(&f[0], udp, 0, 24, true, 0x4445, 200000);
	frag6(&f[1], udp, 24, 24, false, 0x4445, 260000);
	feed(d, &f[0], &out, &why);
	s2 = feed(d, &f[1], &out, &why);
	TEST(check_int(s2, ==, DEFRAG_HELD), "IPv6 queue expired after 60 s");

	/* header not captured */
	frag6(&f[0], udp, 0, 24, true, 0x5555, 300000);
	f[0].p.l3_caplen = 44;
	s1 = feed(d, &f[0], &out, &why);
	TEST(check_int(s1, ==, DEFRAG_DROP) && check(why_has(why, "not captured")),
	     "IPv6 fragment header cut by the snaplen: dropped with a reason");

	/* snaplen-cut data: datagram completes, checksum unknown */
	frag6(&f[0], udp, 0, 24, true, 0x6666, 300001);
	frag6(&f[1], udp, 24, 24, false, 0x6666, 300002);
	f[1].p.l3_caplen = 48 + 10;
	feed(d, &f[0], &out, &why);
	s2 = feed(d, &f[1], &out, &why);
	TEST(check_int(s2, ==, DEFRAG_DONE) && out && check_uint(out->ip_len, ==, 88) &&
	     check_int(out->l4_csum, ==, CSUM_UNKNOWN) &&
	     check(out->notes & PKT_NOTE_PAYLOAD_TRUNC) && check(out->has_l4),
	     "IPv6 snaplen-cut fragment: datagram length kept, checksum unknown");
	defrag_stats(d, &st);
	TEST(check_uint(st.expired, ==, 2) && check_uint(st.datagrams, ==, 4),
	     "IPv6 stats");
	defrag_free(d);
	defrag_free(NULL);

	/* hostile input: random fragments of both families, small id space,
	 * random offsets/lengths/flags, time moving forward: no crash, memory
	 * within the limit plus one fragment, every DONE datagram decodes */
	{
		uint32_t rng = 12345;
		unsigned done = 0, bad_done = 0;
		uint8_t junk[1500];

		d = defrag_new(16u << 10);
		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (uint8_t)(i * 31 + 7);
		for (unsigned i = 0; i < 20000; i++) {
			uint32_t off, len;
			bool mf;
			enum defrag_status s;

			rng = rng * 1103515245u + 12345u;
			off = ((rng >> 8) % 200) * 8;
			len = 1 + (rng >> 20) % 600;
			mf = (rng >> 3) & 1;
			if ((rng >> 5) & 1)
				frag4(&f[0], junk, 0, len, mf, (uint16_t)((rng >> 12) % 16),
				      (int64_t)i * 5, (uint8_t)(rng >> 28));
			else
				frag6(&f[0], junk, 0, len & ~7u ? len : 8, mf, (rng >> 12) % 16,
				      (int64_t)i * 5);
			/* put the offset in (data bytes stay the same) */
			if (f[0].p.family == 4) {
				uint16_t fo = (uint16_t)((off / 8) | (mf ? 0x2000 : 0));

				f[0].b[6] = (uint8_t)(fo >> 8);
				f[0].b[7] = (uint8_t)fo;
				f[0].p.frag_off = off;
				f[0].p.is_fragment = mf || off != 0;
			} else {
				uint16_t fo = (uint16_t)(off | (mf ? 1 : 0));

				f[0].b[42] = (uint8_t)(fo >> 8);
				f[0].b[43] = (uint8_t)fo;
				f[0].p.frag_off = off;
			}
			s = feed(d, &f[0], &out, &why);
			if (s == DEFRAG_DONE) {
				done++;
				if (!out || out->family != f[0].p.family || out->is_fragment)
					bad_done++;
			}
		}
		defrag_stats(d, &st);
		TEST(check_uint(bad_done, ==, 0) && check_uint(st.fragments, >, 19000) && check_uint(done, >, 0) &&
		     check_uint(st.mem_peak, <=, 2 * ((16u << 10) + 2048)) && check_uint(st.dropped, >, 0),
		     "20000 random fragments: %u datagrams, memory peak %llu bytes (limit 16 KiB per family)",
		     done, (unsigned long long)st.mem_peak);
		defrag_free(d);
	}
	/* 8190 fragments in descending order (every insert but the first takes
	 * the search path): completes, and quickly */
	{
		static uint8_t big[65536];
		enum defrag_status s = DEFRAG_PASS;
		unsigned held = 0;

		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = (uint8_t)(i * 3);
		memcpy(big, udp, 8);
		big[4] = 0xff;	/* UDP length 65535 > payload: decodes anyway */
		big[5] = 0xff;
		d = defrag_new(4u << 20);
		/* payload 65515 = 8189 * 8 + 3: fragments 0..8188 of 8 bytes
		 * and the last one of 3 at 65512 */
		for (uint32_t k = 8190; k-- > 0; ) {
			uint32_t len = k == 8189 ? 3 : 8;

			frag4(&f[0], big, k * 8, len, k != 8189, 0x9999, 900000, 0);
			s = feed(d, &f[0], &out, &why);
			if (s == DEFRAG_HELD)
				held++;
		}
		TEST(check_uint(held, ==, 8189) && check_int(s, ==, DEFRAG_DONE) && out &&
		     check_uint(out->ip_len, ==, 65535),
		     "8190 fragments in descending order reassemble to 65535 bytes");
		defrag_free(d);
	}
	/*
	 * Extreme capture times (main clamps them, the defragmenter must be
	 * safe on its own; UBSan build): times are clamped to +-2^62 ns, so a
	 * queue started at the largest timestamp is not expired by the next
	 * fragment there; one at the most negative completes too.
	 */
	d = defrag_new(4u << 20);
	frag4(&f[0], udp, 0, 24, true, 0x4321, INT64_MAX - 5, 0);
	frag4(&f[1], udp, 24, 24, false, 0x4321, INT64_MAX, 0);
	s1 = feed(d, &f[0], &out, &why);
	s2 = feed(d, &f[1], &out, &why);
	TEST(check_int(s1, ==, DEFRAG_HELD) && check_int(s2, ==, DEFRAG_DONE),
	     "fragments at the largest timestamp: reassembled");
	frag4(&f[0], udp, 0, 24, true, 0x4322, INT64_MIN + 5, 0);
	frag4(&f[1], udp, 24, 24, false, 0x4322, INT64_MIN + 5, 0);
	s1 = feed(d, &f[0], &out, &why);
	s2 = feed(d, &f[1], &out, &why);
	TEST(check_int(s1, ==, DEFRAG_HELD) && check_int(s2, ==, DEFRAG_DONE),
	     "fragments at the most negative timestamp: reassembled");
	defrag_free(d);
	free(f);
	return tap_done();
}
