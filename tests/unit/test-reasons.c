/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-reasons.c - the reason table: codes unique, round trip, verdicts.
 */
#include <string.h>

#include "reasons.h"
#include "tap.h"

int
main(void)
{
	int dup = 0;

	for (unsigned i = 0; i < REASON__COUNT; i++)
		for (unsigned j = i + 1; j < REASON__COUNT; j++)
			if (strcmp(reason_code(i), reason_code(j)) == 0)
				dup++;
	TEST(check_int(dup, ==, 0), "reason codes are unique");

	int bad = 0;
	for (unsigned i = 0; i < REASON__COUNT; i++) {
		enum reason r;

		if (reason_from_code(reason_code(i), &r) != 0 || r != (enum reason)i)
			bad++;
	}
	TEST(check_int(bad, ==, 0), "every code maps back to its id");
	TEST(check_str(reason_code(REASON_TCP_SEQ_OVER_UB), "tcp.seq_over_upper_bound"),
	     "contract code for bound I");
	TEST(check_int(reason_default_verdict(REASON_TCP_SEQ_UNDER_LB), ==, CT_IGNORE),
	     "6.1+: SEQ under lower bound is ignored, not invalid");
	TEST(check_int(reason_default_verdict(REASON_TCP_ACK_OVER_UB), ==, CT_INVALID),
	     "ACK over upper bound is invalid");
	TEST(check_str(reason_code(REASON__COUNT + 5), "unrecognized"), "out of range -> unrecognized");
	enum reason r;
	TEST(check_int(reason_from_code("tcp.nope", &r), ==, -1), "unknown code rejected");
	TEST(check_str(ct_verdict_name(CT_IGNORE), "ignored"), "verdict names");
	return tap_done();
}
