/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * pcap-loop.c - the benchmark baseline: a bare libpcap read loop that
 * touches every captured byte once (a sum), so the comparison with
 * ctexplain is against reading the same file as cheaply as libpcap allows.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	uint64_t n = 0, bytes = 0, sum = 0;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: pcap-loop FILE\n");
		return 2;
	}
	p = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, err);
	if (!p) {
		fprintf(stderr, "pcap-loop: %s\n", err);
		return 1;
	}
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		n++;
		bytes += h->caplen;
		for (uint32_t i = 0; i + 8 <= h->caplen; i += 64)
			sum += d[i];
	}
	pcap_close(p);
	printf("%llu packets %llu bytes (%llx)\n", (unsigned long long)n,
	       (unsigned long long)bytes, (unsigned long long)sum);
	return rc == PCAP_ERROR ? 1 : 0;
}
