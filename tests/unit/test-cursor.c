/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-cursor.c - the bounded reader: every getter at and past the end.
 * (check_*() evaluate their arguments twice: calls go through `rc`.)
 */
#include "tap.h"
#include "util-cursor.h"

int
main(void)
{
	static const uint8_t b[] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde };
	struct cursor c, s;
	uint8_t v8 = 0;
	uint16_t v16 = 0;
	uint32_t v32 = 0;
	uint8_t out[8];
	int rc, rc2;

	cur_init(&c, b, sizeof(b));
	rc = cur_get_u8(&c, &v8);
	TEST(check_int(rc, ==, 0) && check_uint(v8, ==, 0x12), "u8");
	rc = cur_get_be16(&c, &v16);
	TEST(check_int(rc, ==, 0) && check_uint(v16, ==, 0x3456), "be16");
	rc = cur_get_be32(&c, &v32);
	TEST(check_int(rc, ==, 0) && check_uint(v32, ==, 0x789abcde), "be32");
	TEST(check_uint(c.left, ==, 0), "all consumed");
	v8 = 7;
	rc = cur_get_u8(&c, &v8);
	TEST(check_int(rc, ==, -1) && check_uint(v8, ==, 7),
	     "u8 past the end fails and leaves the output alone");

	cur_init(&c, b, 3);
	rc = cur_get_be32(&c, &v32);
	TEST(check_int(rc, ==, -1) && check_uint(c.left, ==, 3),
	     "be32 with 3 bytes left fails without moving");
	rc = cur_get_be16(&c, &v16);
	rc2 = cur_get_be16(&c, &v16);
	TEST(check_int(rc, ==, 0) && check_int(rc2, ==, -1) && check_uint(c.left, ==, 1),
	     "be16 then be16 with 1 byte left");
	rc = cur_skip(&c, 2);
	rc2 = cur_skip(&c, 1);
	TEST(check_int(rc, ==, -1) && check_int(rc2, ==, 0) && check_uint(c.left, ==, 0),
	     "skip bounds");
	rc = cur_skip(&c, 0);
	TEST(check_int(rc, ==, 0), "skip 0 at the end");

	cur_init(&c, b, sizeof(b));
	rc = cur_get_le16(&c, &v16);
	TEST(check_int(rc, ==, 0) && check_uint(v16, ==, 0x3412), "le16");
	rc = cur_get_le32(&c, &v32);
	TEST(check_int(rc, ==, 0) && check_uint(v32, ==, 0xbc9a7856), "le32");
	rc = cur_get_le16(&c, &v16);
	TEST(check_int(rc, ==, -1), "le16 past the end");

	cur_init(&c, b, sizeof(b));
	rc = cur_sub(&c, 3, &s);
	TEST(check_int(rc, ==, 0) && check_uint(s.left, ==, 3) &&
	     check_uint(c.left, ==, 4) && check_uint(s.p[0], ==, 0x12) && check_uint(c.p[0], ==, 0x78),
	     "sub carves 3 bytes and advances the parent");
	rc = cur_get_be32(&s, &v32);
	TEST(check_int(rc, ==, -1), "sub-cursor is bounded");
	rc = cur_sub(&c, 5, &s);
	TEST(check_int(rc, ==, -1) && check_uint(c.left, ==, 4),
	     "sub larger than what is left fails");
	rc = cur_peek_u8(&c, 3, &v8);
	rc2 = cur_peek_u8(&c, 4, &v8);
	TEST(check_int(rc, ==, 0) && check_uint(v8, ==, 0xde) && check_int(rc2, ==, -1) &&
	     check_uint(c.left, ==, 4), "peek bounds, no advance");
	rc = cur_get_bytes(&c, out, 5);
	rc2 = cur_get_bytes(&c, out, 4);
	TEST(check_int(rc, ==, -1) && check_int(rc2, ==, 0) && check_uint(out[3], ==, 0xde),
	     "get_bytes bounds");
	TEST(check(cur_has(&c, 0)) && check(!cur_has(&c, 1)), "has");
	cur_init(&c, NULL, 100);
	TEST(check_uint(c.left, ==, 0), "NULL buffer has nothing to read");
	cur_init(&c, b, sizeof(b));
	rc = cur_skip(&c, SIZE_MAX);
	rc2 = cur_sub(&c, SIZE_MAX, &s);
	TEST(check_int(rc, ==, -1) && check_int(rc2, ==, -1) && check_uint(c.left, ==, sizeof(b)),
	     "huge lengths are refused, no overflow");
	return tap_done();
}
