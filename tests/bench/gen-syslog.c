/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * gen-syslog.c - write a large traditional syslog file for the log-parsing
 * benchmark: LINES lines, one in EVERY (default 100) a conntrack INVALID line
 * with a full nf_log dump (three TCP wordings and a UDP one, as 6.x kernels
 * print them), the rest what a firewall's syslog is mostly made of: sshd,
 * systemd, cron and DHCP chatter, kernel link messages and packet-filter
 * LOG lines of other rules ("[FW DROP] IN=... OUT=... SRC=..."), which carry
 * an nf_log dump but no conntrack prefix.  EVERY = 1 gives the worst case:
 * every line a conntrack line.
 *
 *	gen-syslog OUT LINES [EVERY]
 */
#include <stdio.h>
#include <stdlib.h>

#define DUMP_TCP "IN=eth0 OUT= MAC=02:00:00:00:00:02:02:00:00:00:00:01:08:00 " \
	"SRC=198.51.100.%lu DST=203.0.113.7 LEN=1500 TOS=0x00 PREC=0x00 TTL=63 ID=%lu DF " \
	"PROTO=TCP SPT=%lu DPT=443 SEQ=%lu ACK=99 WINDOW=502 RES=0x00 ACK PSH URGP=0 \n"

int
main(int argc, char **argv)
{
	unsigned long lines, every = 100;
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
		unsigned hh = s / 3600 % 24, mm = s / 60 % 60, ss = s % 60;

		fprintf(f, "Nov 26 %02u:%02u:%02u fw1 ", hh, mm, ss);
		if (every && i % every == 0) {
			unsigned long k = i / (every ? every : 1);

			fprintf(f, "kernel: [%6u.%06u] nf_ct_proto_", s, us);
			switch (k % 4) {
			case 0:
				fprintf(f, "6: SEQ is over upper bound %lu (over the window of the receiver) "
					DUMP_TCP, 1000000 + i, i % 200 + 1, i % 65536,
					10000 + i % 50000, 2000000 + i);
				break;
			case 1:
				fprintf(f, "6: ACK is under the lower bound %lu (ACKed data not seen yet) "
					DUMP_TCP, 3000000 + i, i % 200 + 1, i % 65536,
					10000 + i % 50000, 4000000 + i);
				break;
			case 2:
				fprintf(f, "6: invalid packet ignored in state ESTABLISHED " DUMP_TCP,
					i % 200 + 1, i % 65536, 10000 + i % 50000, 6000000 + i);
				break;
			default:
				fprintf(f, "17: bad checksum IN=eth0 OUT= "
					"MAC=02:00:00:00:00:02:02:00:00:00:00:01:08:00 SRC=198.51.100.%lu "
					"DST=203.0.113.53 LEN=76 TOS=0x00 PREC=0x00 TTL=63 ID=%lu DF "
					"PROTO=UDP SPT=%lu DPT=53 LEN=56 \n",
					i % 200 + 1, i % 65536, 10000 + i % 50000);
				break;
			}
			continue;
		}
		switch (i % 8) {
		case 0:
			fprintf(f, "sshd[%lu]: Connection closed by 192.0.2.%lu port %lu [preauth]\n",
				1000 + i % 30000, i % 250, 30000 + i % 30000);
			break;
		case 1:
			fprintf(f, "systemd[1]: Started session-%lu.scope - Session %lu of User ops.\n",
				i, i);
			break;
		case 2:
			fprintf(f, "kernel: [%6u.%06u] [FW DROP] IN=eth0 OUT= "
				"MAC=02:00:00:00:00:02:02:00:00:00:00:01:08:00 SRC=192.0.2.%lu "
				"DST=203.0.113.7 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=%lu DF PROTO=TCP "
				"SPT=%lu DPT=23 WINDOW=64240 RES=0x00 SYN URGP=0 \n",
				s, us, i % 250, i % 65536, 30000 + i % 30000);
			break;
		case 3:
			fprintf(f, "CRON[%lu]: (root) CMD (/usr/lib/sysstat/debian-sa1 1 1)\n",
				2000 + i % 30000);
			break;
		case 4:
			fprintf(f, "dhcpd[812]: DHCPACK on 198.51.100.%lu to 02:00:00:00:%02lx:%02lx "
				"via eth1\n", i % 250, i / 256 % 256, i % 256);
			break;
		case 5:
			fprintf(f, "sshd[%lu]: Accepted publickey for ops from 192.0.2.%lu port %lu ssh2: "
				"ED25519 SHA256:%016lx\n", 1000 + i % 30000, i % 250,
				30000 + i % 30000, i * 2654435761UL);
			break;
		case 6:
			fprintf(f, "systemd-logind[640]: Session %lu logged out. Waiting for processes "
				"to exit.\n", i);
			break;
		default:
			fprintf(f, "kernel: [%6u.%06u] eth0: link statistics refreshed, %lu frames\n",
				s, us, i * 3);
			break;
		}
	}
	return fclose(f) == 0 ? 0 : 1;
}
