/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-csum.c - the Internet checksum: RFC 1071 example, real headers,
 * and the fast word-at-a-time sum against a byte-by-byte reference for
 * every length and alignment.
 */
#include <stdlib.h>
#include <string.h>

#include "pktbuild.h"
#include "tap.h"
#include "util-csum.h"

/* Deterministic pseudo-random bytes (xorshift32). */
static uint32_t rng = 2463534242u;

static uint8_t
rnd8(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return (uint8_t)rng;
}

static uint16_t
ref_sum(const uint8_t *p, size_t n)
{
	return (uint16_t)~pb_fold(pb_sum(0, p, n));
}

int
main(void)
{
	/* RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
	static const uint8_t rfc[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	/* A real IPv4 header (RFC 1071 errata / Wikipedia example):
	 * 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7 */
	static const uint8_t iph[] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
	};
	uint8_t hdr0[20];
	static uint8_t buf[4096 + 16];
	int bad = 0, badsplit = 0;

	TEST(check_uint(csum_fold(csum_add(0, rfc, sizeof(rfc))), ==, 0xddf2),
	     "RFC 1071 example sums to 0xddf2");
	TEST(check_uint(csum_inet(rfc, sizeof(rfc)), ==, 0x220d),
	     "RFC 1071 example checksum is 0x220d");
	TEST(check_uint(csum_fold(csum_add(0, iph, sizeof(iph))), ==, 0xffff),
	     "a valid IPv4 header sums to 0xffff");
	memcpy(hdr0, iph, sizeof(hdr0));
	hdr0[10] = hdr0[11] = 0;
	TEST(check_uint(csum_inet(hdr0, sizeof(hdr0)), ==, 0xb861),
	     "IPv4 header checksum recomputed: 0xb861");
	TEST(check_uint(csum_fold(csum_add(0, rfc, 0)), ==, 0),
	     "empty buffer sums to 0");
	TEST(check_uint(csum_fold(csum_add(0, (const uint8_t *)"\xab", 1)), ==, 0xab00),
	     "odd byte is the high half of a word");
	TEST(check_uint(csum_fold(csum_add_be16(0, 0x1234)), ==, 0x1234),
	     "csum_add_be16 adds a big-endian word");

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = rnd8();
	for (size_t off = 0; off < 8; off++) {
		for (size_t len = 0; len <= 1500; len++) {
			uint16_t want = ref_sum(buf + off, len);

			if (csum_fold(csum_add(0, buf + off, len)) != want)
				bad++;
			/* two chunks, the first even */
			size_t cut = (len / 3) & ~(size_t)1;
			uint64_t acc = csum_add(0, buf + off, cut);

			acc = csum_add(acc, buf + off + cut, len - cut);
			if (csum_fold(acc) != want)
				badsplit++;
		}
	}
	TEST(check_int(bad, ==, 0), "fast sum matches the reference, lengths 0..1500, 8 alignments");
	TEST(check_int(badsplit, ==, 0), "sum in two chunks equals sum in one");

	memset(buf, 0xff, sizeof(buf));
	TEST(check_uint(csum_fold(csum_add(0, buf, 4096)), ==, 0xffff),
	     "all-ones buffer: carries fold to 0xffff");
	{
		/* Near-all-ones words at every length and alignment: the add-with-carry
		 * chain's last carry lands on 0xffffffffffffffff; many chained calls
		 * keep the accumulator from wrapping. */
		int badff = 0, badchain = 0;
		uint64_t acc = 0, ref = 0;

		for (size_t off = 0; off < 8; off++) {
			for (size_t len = 0; len <= 80; len++) {
				memset(buf, 0xff, 128);
				buf[off + len / 2] = (uint8_t)(0xfe + (len & 1));
				if (csum_fold(csum_add(0, buf + off, len)) != ref_sum(buf + off, len))
					badff++;
			}
		}
		memset(buf, 0xff, 128);
		for (int i = 0; i < 100000; i++) {
			acc = csum_add(acc, buf, 40);
			ref = pb_sum(ref, buf, 40);
		}
		if ((unsigned)csum_fold(acc) + pb_fold(ref) != 0xffffu)	/* fold = ~checksum */
			badchain++;
		TEST(check_int(badff, ==, 0), "near-all-ones words: every length 0..80, 8 alignments");
		TEST(check_int(badchain, ==, 0), "100000 chained all-ones chunks: accumulator does not wrap");
	}
	{
		/* 256 KiB of 0xff: many carries through the 64-bit halves. */
		size_t big = 256 * 1024;
		uint8_t *m = malloc(big);

		if (m) {
			memset(m, 0xff, big);
			for (size_t i = 0; i < big; i += 7)
				m[i] = (uint8_t)i;
			TEST(check_uint(csum_fold(csum_add(0, m, big)), ==, ref_sum(m, big)),
			     "256 KiB buffer matches the reference");
			free(m);
		} else {
			TEST(0, "256 KiB buffer matches the reference (no memory)");
		}
	}

	/* Pseudo headers against the reference formula. */
	{
		static const uint8_t s4[4] = { 192, 0, 2, 1 }, d4[4] = { 198, 51, 100, 2 };
		uint8_t s6[16], d6[16];
		uint16_t want;
		uint64_t r;

		r = pb_sum(0, s4, 4);
		r = pb_sum(r, d4, 4);
		r += 17 + 1234;
		want = (uint16_t)~pb_fold(r);
		TEST(check_uint(csum_fold(csum_pseudo4(s4, d4, 17, 1234)), ==, want),
		     "IPv4 pseudo header");
		for (int i = 0; i < 16; i++) {
			s6[i] = rnd8();
			d6[i] = rnd8();
		}
		r = pb_sum(0, s6, 16);
		r = pb_sum(r, d6, 16);
		r += 58 + 70000;
		want = (uint16_t)~pb_fold(r);
		TEST(check_uint(csum_fold(csum_pseudo6(s6, d6, 58, 70000)), ==, want),
		     "IPv6 pseudo header, 32-bit length");
	}
	return tap_done();
}
