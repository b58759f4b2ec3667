/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * util-seq.h - modular 32-bit sequence number comparisons, like the
 * kernel's before()/after() in include/net/tcp.h: a is before b when the
 * signed 32-bit difference a - b is negative.  So before(x, y + 1) reads
 * "x <= y" and after(x, y - 1) reads "x >= y" in sequence space.
 */
#ifndef CTEXPLAIN_UTIL_SEQ_H
#define CTEXPLAIN_UTIL_SEQ_H

#include <stdbool.h>
#include <stdint.h>

/* Signed distance a - b in sequence space (no UB: computed unsigned). */
static inline int32_t
seq_diff(uint32_t a, uint32_t b)
{
	uint32_t d = a - b;

	return d < 0x80000000u ? (int32_t)d : -(int32_t)(~d) - 1;
}

/* a comes before b (kernel before()). */
static inline bool
seq_before(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) < 0;
}

/* a comes after b (kernel after()). */
static inline bool
seq_after(uint32_t a, uint32_t b)
{
	return seq_before(b, a);
}

#endif
