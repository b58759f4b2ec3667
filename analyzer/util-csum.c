/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * util-csum.c - Internet checksum (RFC 1071, RFC 1624 notation).
 *
 * The ones' complement sum does not depend on byte order (RFC 1071 section
 * 2(B)): we add the buffer as native 64-bit words, counting the carries
 * (csum_add()), fold at the end and swap once on little-endian machines.
 * Loads go through memcpy, so alignment never matters and the compiler
 * emits plain 8-byte loads.
 */
#include <string.h>

#include "util-csum.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define CSUM_BIG_ENDIAN 1
#else
#define CSUM_BIG_ENDIAN 0
#endif

static inline uint64_t
load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint16_t
load16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * Whole native 64-bit words: each chain adds words into s and counts the
 * carries out of it in c (the compiler turns "c += s < w" into an
 * add-with-carry), which is the end-around carry of RFC 1071 1.(C) for
 * 64-bit words since 2^64 == 1 modulo 2^16 - 1: the sum is s + c.  The
 * last 1-7 bytes are one zero-padded word: memory order puts a trailing odd
 * byte in the high half of a big-endian word padded with 0, as required.
 */
uint64_t
csum_add(uint64_t acc, const uint8_t *p, size_t len)
{
	uint64_t s0 = 0, s1 = 0, c0 = 0, c1 = 0, w;

	/* 32 bytes per round in two independent chains. */
	while (len >= 32) {
		w = load64(p);
		s0 += w;
		c0 += s0 < w;
		w = load64(p + 8);
		s1 += w;
		c1 += s1 < w;
		w = load64(p + 16);
		s0 += w;
		c0 += s0 < w;
		w = load64(p + 24);
		s1 += w;
		c1 += s1 < w;
		p += 32;
		len -= 32;
	}
	while (len >= 8) {
		w = load64(p);
		s0 += w;
		c0 += s0 < w;
		p += 8;
		len -= 8;
	}
	if (len) {
		w = 0;
		memcpy(&w, p, len);
		s1 += w;
		c1 += s1 < w;
	}
	/* Fold each part to 33 bits before adding, so acc cannot wrap
	 * (carry counts stay far below 2^32 for any buffer). */
	s0 = (s0 & 0xffffffffu) + (s0 >> 32);
	s1 = (s1 & 0xffffffffu) + (s1 >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	return acc + s0 + s1 + c0 + c1;
}

/* A 16-bit value as the native-order word its big-endian bytes make. */
static inline uint64_t
be16_word(uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return load16(b);
}

uint64_t
csum_add_be16(uint64_t acc, uint16_t v)
{
	return acc + be16_word(v);
}

uint16_t
csum_fold(uint64_t acc)
{
	uint32_t s;

	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	s = (uint32_t)acc;
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
#if CSUM_BIG_ENDIAN
	return (uint16_t)s;
#else
	return (uint16_t)((s & 0xff) << 8 | (s >> 8 & 0xff));
#endif
}

uint16_t
csum_inet(const uint8_t *p, size_t len)
{
	return (uint16_t)~csum_fold(csum_add(0, p, len));
}

/* The pseudo headers as a handful of native words (no loop: they are summed
 * for every TCP/UDP packet); < 2^35, like any accumulator. */
uint64_t
csum_pseudo4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
	     uint32_t len)
{
	uint32_t s, d;

	memcpy(&s, src, 4);
	memcpy(&d, dst, 4);
	return (uint64_t)s + d + be16_word(proto) + be16_word((uint16_t)(len >> 16)) +
	       be16_word((uint16_t)len);
}

uint64_t
csum_pseudo6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
	     uint32_t len)
{
	uint64_t acc = 0;

	for (int i = 0; i < 16; i += 4) {
		uint32_t s, d;

		memcpy(&s, src + i, 4);
		memcpy(&d, dst + i, 4);
		acc += (uint64_t)s + d;
	}
	return acc + be16_word((uint16_t)(len >> 16)) + be16_word((uint16_t)len) +
	       be16_word(proto);
}
