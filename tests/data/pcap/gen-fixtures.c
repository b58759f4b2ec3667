/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * gen-fixtures.c - write the capture fixtures of tests/data/pcap/.
 *
 *	cc -I tests/unit -I tests/data/pcap -o /tmp/gen tests/data/pcap/gen-fixtures.c
 *	/tmp/gen tests/data/pcap
 *
 * test-pcapsrc checks that the committed files equal what this writes.
 */
#include <stdio.h>

#include "fixtures.h"

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen-fixtures DIR\n");
		return 2;
	}
	if (fx_write_all(argv[1]) != 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
