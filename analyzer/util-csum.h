/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * util-csum.h - the Internet checksum (RFC 1071) and the TCP/UDP pseudo
 * headers of IPv4 (RFC 793/768) and IPv6 (RFC 8200 section 8.1).
 *
 * Sums are carried in an opaque 64-bit accumulator ("acc") that holds an
 * unfolded ones' complement sum in the machine's byte order; chunks can be
 * added in any order as long as every chunk but the last has an even length
 * (the usual rule: the pseudo header, then the L4 bytes).  csum_fold()
 * turns the accumulator into the 16-bit sum as a number in network order.
 *
 *	uint64_t acc = csum_pseudo4(src, dst, IPPROTO_UDP, l4_len);
 *	acc = csum_add(acc, l4, l4_len);
 *	ok = csum_fold(acc) == 0xffff;		// a correct packet sums to -0
 *
 * These functions read exactly the bytes given (callers bound them).
 */
#ifndef CTEXPLAIN_UTIL_CSUM_H
#define CTEXPLAIN_UTIL_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add @len bytes at @p to @acc.  An odd @len pads with a zero byte, so only
 * the last chunk of a sum may be odd. */
uint64_t csum_add(uint64_t acc, const uint8_t *p, size_t len);

/* Add a 16-bit value given in host order as if it were a big-endian word. */
uint64_t csum_add_be16(uint64_t acc, uint16_t v);

/* Fold to the 16-bit ones' complement sum, as a host-order number equal to
 * the big-endian reading of the sum's two bytes. */
uint16_t csum_fold(uint64_t acc);

/* The RFC 1071 checksum (complement of the sum) of @len bytes, as the
 * host-order number whose big-endian bytes go into a checksum field. */
uint16_t csum_inet(const uint8_t *p, size_t len);

/* Pseudo-header accumulators: addresses (4 or 16 raw bytes), protocol and
 * the upper-layer length the checksum covers. */
uint64_t csum_pseudo4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
		      uint32_t len);
uint64_t csum_pseudo6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
		      uint32_t len);

#endif
