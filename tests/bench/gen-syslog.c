/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * gen-syslog.c - write a large traditional syslog file for the log-parsing
 * benchmark: LINES lines, one in EVERY a conntrack INVALID line with a full
 * nf_log dump, the rest ordinary daemon and kernel chatter.
 *
 *	gen-syslog OUT LINES [EVERY]
 */
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
	unsigned long lines, every = 20;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: gen-syslog OUT LINES [EVERY]\n");
		return 2;
	}
	lines = strtoul(argv[2], NULL, 10);
	if (argc > 3)
		every = strtoul(argv[3], NULL, 10);
	f = fopen(argv[1], "w");
	if (!f)
		return 1;
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	for (unsigned long i = 0; i < lines; i++) {
		unsigned s = (unsigned)(i / 100), us = (unsigned)(i % 100) * 10000;

		if (every && i % every == 0)
			fprintf(f, "Nov 26 %02u:%02u:%02u fw1 kernel: [%6u.%06u] nf_ct_proto_6: "
				"SEQ is over upper bound %lu (over the window of the receiver) "
				"IN=eth0 OUT= MAC=02:00:00:00:00:02:02:00:00:00:00:01:08:00 "
				"SRC=198.51.100.%lu DST=203.0.113.7 LEN=1500 TOS=0x00 PREC=0x00 "
				"TTL=63 ID=%lu DF PROTO=TCP SPT=%lu DPT=443 SEQ=%lu ACK=99 "
				"WINDOW=502 RES=0x00 ACK PSH URGP=0 \n",
				s / 3600 % 24, s / 60 % 60, s % 60, s, us, 1000000 + i,
				i % 200 + 1, i % 65536, 10000 + i % 50000, 2000000 + i);
		else if (i % 3 == 0)
			fprintf(f, "Nov 26 %02u:%02u:%02u fw1 sshd[%lu]: Connection closed by "
				"192.0.2.%lu port %lu [preauth]\n",
				s / 3600 % 24, s / 60 % 60, s % 60, 1000 + i % 30000, i % 250,
				30000 + i % 30000);
		else if (i % 3 == 1)
			fprintf(f, "Nov 26 %02u:%02u:%02u fw1 systemd[1]: Started session-%lu.scope "
				"- Session %lu of User ops.\n",
				s / 3600 % 24, s / 60 % 60, s % 60, i, i);
		else
			fprintf(f, "Nov 26 %02u:%02u:%02u fw1 kernel: [%6u.%06u] eth0: link "
				"statistics refreshed, %lu frames\n",
				s / 3600 % 24, s / 60 % 60, s % 60, s, us, i * 3);
	}
	return fclose(f) == 0 ? 0 : 1;
}
