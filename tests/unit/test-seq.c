/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-seq.c - seq_before()/seq_after() on signed 32-bit differences,
 * including wraparound at 2^32.
 */
#include "config.h"

#include "tap.h"
#include "util-seq.h"

int
main(void)
{
	TEST(check(seq_before(1, 2)) && check(!seq_before(2, 1)) && check(!seq_before(5, 5)),
	     "simple before");
	TEST(check(seq_after(2, 1)) && check(!seq_after(1, 2)) && check(!seq_after(7, 7)),
	     "simple after");
	TEST(check(seq_before(0xffffffffu, 0)) && check(seq_after(0, 0xffffffffu)),
	     "wraparound: 2^32-1 is before 0");
	TEST(check(seq_before(0xfffffff0u, 0x10)) && check(seq_after(0x10, 0xfffffff0u)),
	     "wraparound across zero by 32");
	TEST(check(seq_before(0, 0x7fffffffu)) && check(!seq_before(0, 0x80000001u)) &&
	     check(seq_before(0x80000000u, 0)) && check(seq_before(0, 0x80000000u)),
	     "half-space boundary: a difference of 2^31 is negative both ways (as (s32))");
	TEST(check(seq_after(0x80000000u, 0)) && check(seq_after(0x7fffffffu, 0)) &&
	     check(!seq_after(0x80000001u, 0)),
	     "after at the half-space boundary");
	/* before(x, y + 1) == "x <= y"; after(x, y - 1) == "x >= y" */
	TEST(check(seq_before(0xffffffffu, 0xffffffffu + 1u)) &&
	     check(!seq_before(0u, 0xffffffffu + 1u)) && check(seq_after(0u, 0u - 1u)),
	     "inclusive bounds across the wrap");
	TEST(check_int(seq_diff(0, 0xffffffffu), ==, 1) &&
	     check_int(seq_diff(0xffffffffu, 0), ==, -1) &&
	     check_int(seq_diff(0x80000000u, 0), ==, INT32_MIN),
	     "seq_diff values");
	return tap_done();
}
