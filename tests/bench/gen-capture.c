/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * gen-capture.c - write a large, valid capture for the benchmark: FLOWS TCP
 * connections (IPv4, documentation addresses), at most LIVE open at once,
 * each a full handshake, DATA bytes of client data in MSS segments with an
 * ACK every second segment, and a FIN close.  Checksums are correct and the
 * windows are honest, so the kernel would log nothing: the benchmark measures
 * the normal path.
 *
 *	gen-capture OUT.pcap [FLOWS [BYTES_PER_FLOW [LIVE]]]
 *	gen-capture --single OUT.pcap N   (N one-packet flows: memory bound test)
 *	gen-capture --bad-csum OUT.pcap N (the same, every TCP checksum wrong: N
 *					   packets the kernel logs, to bound the
 *					   flagged-packet list)
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSS 1448

struct flow {
	uint32_t caddr, saddr;
	uint16_t cport, sport;
	uint32_t cseq, sseq;	/* next sequence numbers */
	uint32_t left;		/* client bytes still to send */
	int stage;		/* 0 syn, 1 synack, 2 ack, 3 data, 4 fin, 5 finack, 6 lastack, 7 done */
	int unacked;
};

static pcap_dumper_t *dumper;
static uint64_t now_ns = 1764169200ULL * 1000000000ULL;	/* 2025-11-26 */
static uint8_t frame[2048];
static int bad_csum;	/* --bad-csum: every TCP checksum off by one */

static uint32_t
csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t
csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Emit one Ethernet/IPv4/TCP frame. */
static void
emit(uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp, uint32_t seq, uint32_t ack,
     uint8_t flags, uint16_t win, uint32_t len, int syn_opts)
{
	static uint16_t ipid;
	uint8_t *eth = frame, *ip = frame + 14, *tcp = ip + 20;
	uint32_t optlen = syn_opts ? 12 : 0, thl = 20 + optlen;
	uint32_t tot = 20 + thl + len;
	struct pcap_pkthdr h;

	memcpy(eth, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)tot);
	put16(ip + 4, ipid++);
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 6;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	memset(tcp, 0, thl);
	put16(tcp, sp);
	put16(tcp + 2, dp);
	put32(tcp + 4, seq);
	put32(tcp + 8, ack);
	tcp[12] = (uint8_t)((thl / 4) << 4);
	tcp[13] = flags;
	put16(tcp + 14, win);
	if (syn_opts) {	/* MSS 1460, NOP, WS 7, SACK_PERM, NOP, NOP */
		memcpy(tcp + 20, "\x02\x04\x05\xb4\x01\x03\x03\x07\x04\x02\x01\x01", 12);
	}
	for (uint32_t i = 0; i < len; i++)
		tcp[thl + i] = (uint8_t)(seq + i);
	uint32_t s = csum_add(0, ip + 12, 8);
	s += 6 + thl + len;
	s = csum_add(s, tcp, thl + len);
	put16(tcp + 16, (uint16_t)(csum_fold(s) ^ bad_csum));

	h.ts.tv_sec = (time_t)(now_ns / 1000000000ULL);
	h.ts.tv_usec = (suseconds_t)(now_ns % 1000000000ULL / 1000);
	h.caplen = h.len = 14 + tot;
	pcap_dump((u_char *)dumper, &h, frame);
	now_ns += 2000;
}

/* Advance flow @f by one packet; returns 0 when it is finished. */
static int
step(struct flow *f)
{
	switch (f->stage) {
	case 0:
		emit(f->caddr, f->saddr, f->cport, f->sport, f->cseq, 0, 0x02, 64240, 0, 1);
		f->cseq++;
		break;
	case 1:
		emit(f->saddr, f->caddr, f->sport, f->cport, f->sseq, f->cseq, 0x12, 65160, 0, 1);
		f->sseq++;
		break;
	case 2:
		emit(f->caddr, f->saddr, f->cport, f->sport, f->cseq, f->sseq, 0x10, 502, 0, 0);
		break;
	case 3: {
		uint32_t n = f->left < MSS ? f->left : MSS;

		emit(f->caddr, f->saddr, f->cport, f->sport, f->cseq, f->sseq, 0x18, 502, n, 0);
		f->cseq += n;
		f->left -= n;
		if (++f->unacked == 2 || f->left == 0) {
			emit(f->saddr, f->caddr, f->sport, f->cport, f->sseq, f->cseq, 0x10, 2000, 0, 0);
			f->unacked = 0;
		}
		if (f->left)
			return 1;
		break;
	}
	case 4:
		emit(f->caddr, f->saddr, f->cport, f->sport, f->cseq, f->sseq, 0x11, 502, 0, 0);
		f->cseq++;
		break;
	case 5:
		emit(f->saddr, f->caddr, f->sport, f->cport, f->sseq, f->cseq, 0x11, 2000, 0, 0);
		f->sseq++;
		break;
	case 6:
		emit(f->caddr, f->saddr, f->cport, f->sport, f->cseq, f->sseq, 0x10, 502, 0, 0);
		break;
	default:
		return 0;
	}
	f->stage++;
	return f->stage < 7;
}

static void
flow_init(struct flow *f, uint32_t n, uint32_t bytes)
{
	memset(f, 0, sizeof(*f));
	f->caddr = 0xc6336400u | (n % 200 + 1);		/* 198.51.100.x */
	f->saddr = 0xcb007100u | (n / 200 % 200 + 1);	/* 203.0.113.x */
	f->cport = (uint16_t)(10000 + n % 50000);
	f->sport = 443;
	f->cseq = 0x10000000u * (n % 16) + n * 7919u;
	f->sseq = 0xf0000000u - n * 104729u;
	f->left = bytes;
}

int
main(int argc, char **argv)
{
	uint32_t flows = 10000, bytes = 60000, live = 200;
	int single = 0;
	pcap_t *dead;

	if (argc >= 2 && (strcmp(argv[1], "--single") == 0 || strcmp(argv[1], "--bad-csum") == 0)) {
		single = 1;
		bad_csum = strcmp(argv[1], "--bad-csum") == 0;
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: gen-capture [--single|--bad-csum] OUT.pcap [FLOWS [BYTES [LIVE]]]\n");
		return 2;
	}
	if (argc > 2)
		flows = (uint32_t)strtoul(argv[2], NULL, 10);
	if (argc > 3)
		bytes = (uint32_t)strtoul(argv[3], NULL, 10);
	if (argc > 4)
		live = (uint32_t)strtoul(argv[4], NULL, 10);
	dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_MICRO);
	dumper = pcap_dump_open(dead, argv[1]);
	if (!dumper) {
		fprintf(stderr, "gen-capture: %s\n", pcap_geterr(dead));
		return 1;
	}
	if (single) {
		for (uint32_t i = 0; i < flows; i++) {
			struct flow f;

			flow_init(&f, i, 0);
			f.cport = (uint16_t)(1024 + i % 60000);
			f.caddr = 0xc6336400u | (i / 60000 % 250 + 1);
			f.saddr = 0xcb007100u | (i / 15000000 % 250 + 1);
			step(&f);	/* one SYN each */
		}
	} else {
		struct flow *fl = calloc(live, sizeof(*fl));
		uint32_t started = 0, active = 0, rr = 0;

		if (!fl)
			return 1;
		for (uint32_t i = 0; i < live && started < flows; i++, started++, active++)
			flow_init(&fl[i], started, bytes);
		while (active) {
			struct flow *f = &fl[rr];

			rr = (rr + 1) % live;
			if (f->stage == 7)
				continue;
			if (!step(f)) {
				f->stage = 7;
				active--;
				if (started < flows) {
					flow_init(f, started++, bytes);
					active++;
				}
			}
		}
		free(fl);
	}
	pcap_dump_close(dumper);
	pcap_close(dead);
	return 0;
}
