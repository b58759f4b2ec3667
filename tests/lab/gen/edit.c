/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * edit.c - post-edit a recorded capture (Ethernet, IPv4/IPv6 without
 * extension headers, TCP/UDP) into a kernel-lab scenario.  One operation per
 * run; chain runs for several.  "c" is the side that sent the first IP packet
 * (the client), "s" the other side.  Checksums are fixed after every change
 * unless the operation is meant to break them.
 *
 *	edit IN.pcap OUT.pcap OP [ARG...]
 *
 *	cut-handshake		drop every TCP packet with SYN set (mid-stream pickup)
 *	strip-wscale c|s	turn the window-scale option of that side's SYN into NOPs
 *	drop-dir c|s		remove every packet sent by that side
 *	drop-nth N		drop every Nth TCP segment carrying data
 *	dup-nth N		duplicate every Nth TCP segment carrying data
 *	shift-seq c|s DELTA FROM	add DELTA to the seq of that side's TCP packets
 *				from record FROM on
 *	shift-ack c|s DELTA FROM	same for the ack field
 *	bad-csum N		break the L4 checksum of every Nth IP packet
 *	trunc-hdr N		data offset 4 (< 20 bytes) in every Nth TCP packet
 *	udp-len N		UDP length field +100 in every Nth UDP packet
 *	fragment SIZE		split IP packets with more than SIZE payload bytes
 *				into fragments of SIZE bytes (SIZE multiple of 8)
 *
 * Record operations (N, FROM, AFTER: 1-based record numbers of IN):
 *
 *	drop-rec N		drop record N
 *	head N			keep only the first N records (capture ends there)
 *	copy-rec FROM AFTER [MS]	write a copy of record FROM again right after
 *				record AFTER (> FROM), with AFTER's timestamp plus
 *				MS milliseconds (a late duplicate: slow path,
 *				stale retransmission)
 *	move-rec FROM AFTER	same, and drop the original (reordering)
 *	set-flags N HEX		set the TCP flags byte of record N to HEX
 *	flip-bit N SEED		flip one (seeded) random bit of the L4 payload in
 *				every Nth IP packet, checksum left as is (wire
 *				corruption)
 *	partial-csum c|s	L4 checksum of that side's packets replaced by the
 *				bare pseudo-header sum, as a capture taken on the
 *				sending host with checksum offload shows them
 *	clamp-win c|s WIN	window field of that side's TCP packets (not SYNs)
 *				lowered to at most WIN
 */
#include "pkt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct view {
	int af;			/* 0 = not IP */
	size_t l3;		/* offset of the IP header */
	size_t l4;		/* offset of the L4 header */
	size_t l4len;
	uint8_t proto;
	struct addr src, dst;
};

static int
parse_view(const uint8_t *f, size_t len, struct view *v)
{
	uint16_t et;
	size_t ihl, tot;

	memset(v, 0, sizeof(*v));
	if (len < 14)
		return -1;
	et = get16(f + 12);
	v->l3 = 14;
	if (et == 0x0800) {
		if (len < 34 || (f[14] >> 4) != 4)
			return -1;
		ihl = (size_t)(f[14] & 15) * 4;
		tot = get16(f + 16);
		if (ihl < 20 || tot < ihl || 14 + tot > len)
			return -1;
		if (get16(f + 20) & 0x3fff)
			return -1;	/* already a fragment: leave alone */
		v->af = 4;
		v->proto = f[23];
		v->l4 = 14 + ihl;
		v->l4len = tot - ihl;
		v->src.af = v->dst.af = 4;
		memcpy(v->src.a, f + 26, 4);
		memcpy(v->dst.a, f + 30, 4);
		return 0;
	}
	if (et == 0x86dd) {
		if (len < 54 || (f[14] >> 4) != 6)
			return -1;
		tot = get16(f + 18);
		if (54 + tot > len + 0 || 14 + 40 + tot > len)
			return -1;
		v->af = 6;
		v->proto = f[20];
		v->l4 = 54;
		v->l4len = tot;
		v->src.af = v->dst.af = 6;
		memcpy(v->src.a, f + 22, 16);
		memcpy(v->dst.a, f + 38, 16);
		return 0;
	}
	return -1;
}

static void
fix_ip(uint8_t *f, const struct view *v)
{
	if (v->af == 4) {
		put16(f + v->l3 + 10, 0);
		put16(f + v->l3 + 10,
		      csum_fold(csum_add(0, f + v->l3, (size_t)(f[v->l3] & 15) * 4)));
	}
}

static void
fix_l4(uint8_t *f, const struct view *v)
{
	if (v->proto == P_TCP || v->proto == P_UDP || v->proto == P_ICMP || v->proto == P_ICMP6)
		l4_fix_csum(f + v->l4, v->l4len, v->proto, &v->src, &v->dst);
}

static int
tcp_has_data(const uint8_t *f, const struct view *v)
{
	size_t doff;

	if (v->proto != P_TCP || v->l4len < 20)
		return 0;
	doff = (size_t)(f[v->l4 + 12] >> 4) * 4;
	return v->l4len > doff;
}

static int
parse_num(const char *s, long long *out)
{
	long long v = 0;
	int neg = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 1000000000000LL)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = neg ? -v : v;
	return 0;
}

/* The client: sender of the first SYN without ACK, else of the first TCP or
 * UDP packet.  Returns 0 and *client, -1 if the capture has none. */
static int
find_client(const char *path, struct addr *client)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *in;
	int found = -1;

	in = pcap_open_offline(path, errbuf);
	if (in == NULL)
		return -1;
	while (pcap_next_ex(in, &h, &data) == 1) {
		struct view v;

		if (parse_view(data, h->caplen, &v) != 0)
			continue;
		if (v.proto == P_TCP && v.l4len >= 20 &&
		    (data[v.l4 + 13] & (TF_SYN | TF_ACK)) == TF_SYN) {
			*client = v.src;
			found = 0;
			break;
		}
		if (found != 0 && (v.proto == P_TCP || v.proto == P_UDP)) {
			*client = v.src;
			found = 0;
			if (v.proto == P_UDP)
				break;
		}
	}
	pcap_close(in);
	return found;
}

static void
usage(void)
{
	fprintf(stderr, "usage: edit IN.pcap OUT.pcap OP [ARG...] (see edit.c)\n");
	exit(2);
}

static void
write_rec(pcap_dumper_t *d, const struct pcap_pkthdr *h, const uint8_t *f, size_t len)
{
	struct pcap_pkthdr nh = *h;

	nh.caplen = (bpf_u_int32)len;
	nh.len = (bpf_u_int32)len;
	pcap_dump((u_char *)d, &nh, f);
}

/* Write frame f as fragments of size bytes of IP payload. */
static void
write_frags(pcap_dumper_t *d, const struct pcap_pkthdr *h, const uint8_t *f,
	    const struct view *v, size_t size, uint32_t id)
{
	uint8_t out[PKT_MAX + 128];
	size_t off, n, hl = v->l4 - v->l3;

	for (off = 0; off < v->l4len; off += size) {
		int mf = off + size < v->l4len;

		n = mf ? size : v->l4len - off;
		memcpy(out, f, 14);
		if (v->af == 4) {
			memcpy(out + 14, f + v->l3, hl);
			put16(out + 16, (uint16_t)(hl + n));
			put16(out + 18, (uint16_t)id);
			put16(out + 20, (uint16_t)((mf ? 0x2000 : 0) | (off / 8)));
			put16(out + 24, 0);
			put16(out + 24, csum_fold(csum_add(0, out + 14, hl)));
			memcpy(out + 14 + hl, f + v->l4 + off, n);
			write_rec(d, h, out, 14 + hl + n);
		} else {
			memcpy(out + 14, f + v->l3, 40);
			put16(out + 18, (uint16_t)(8 + n));
			out[20] = P_FRAG6;
			out[54] = v->proto;
			out[55] = 0;
			put16(out + 56, (uint16_t)(off | (mf ? 1 : 0)));
			put32(out + 58, id);
			memcpy(out + 62, f + v->l4 + off, n);
			write_rec(d, h, out, 62 + n);
		}
	}
}

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	const char *op;
	pcap_t *in, *dead;
	pcap_dumper_t *d;
	struct pcap_pkthdr *h;
	const u_char *data;
	static uint8_t f[PKT_MAX + 128];
	struct addr client;
	int side = -1, rc;
	long long n_arg = 0, delta = 0, from = 0, delay_ms = 0;
	unsigned long idx = 0, nth = 0;
	uint32_t frag_id = 0x4000;
	static uint8_t saved[PKT_MAX + 128];
	size_t saved_len = 0;
	uint64_t rnd = 0;

	if (argc < 4)
		usage();
	op = argv[3];
	if (!strcmp(op, "strip-wscale") || !strcmp(op, "drop-dir") || !strcmp(op, "shift-seq") ||
	    !strcmp(op, "shift-ack")) {
		if (argc < 5 || (strcmp(argv[4], "c") && strcmp(argv[4], "s")))
			usage();
		side = argv[4][0] == 's';
		if (!strcmp(op, "shift-seq") || !strcmp(op, "shift-ack")) {
			if (argc != 7 || parse_num(argv[5], &delta) || parse_num(argv[6], &from))
				usage();
		}
	} else if (!strcmp(op, "partial-csum") || !strcmp(op, "clamp-win")) {
		if (argc < 5 || (strcmp(argv[4], "c") && strcmp(argv[4], "s")))
			usage();
		side = argv[4][0] == 's';
		if (!strcmp(op, "clamp-win") &&
		    (argc != 6 || parse_num(argv[5], &n_arg) || n_arg < 0 || n_arg > 65535))
			usage();
	} else if (!strcmp(op, "copy-rec") || !strcmp(op, "move-rec") ||
		   !strcmp(op, "set-flags") || !strcmp(op, "flip-bit")) {
		if (argc == 7 && !strcmp(op, "copy-rec")) {
			if (parse_num(argv[6], &delay_ms) || delay_ms < 0)
				usage();
		} else if (argc != 6) {
			usage();
		}
		if (parse_num(argv[4], &n_arg) || n_arg <= 0)
			usage();
		if (!strcmp(op, "set-flags")) {
			char *end;

			from = strtol(argv[5], &end, 16);
			if (*end || from < 0 || from > 255)
				usage();
		} else if (parse_num(argv[5], &from) || from < 0 ||
			   (strcmp(op, "flip-bit") && from <= n_arg)) {
			usage();
		}
	} else if (!strcmp(op, "drop-rec") || !strcmp(op, "head") ||
		   !strcmp(op, "drop-nth") || !strcmp(op, "dup-nth") || !strcmp(op, "bad-csum") ||
		   !strcmp(op, "trunc-hdr") || !strcmp(op, "udp-len") || !strcmp(op, "fragment")) {
		if (argc != 5 || parse_num(argv[4], &n_arg) || n_arg <= 0)
			usage();
		if (!strcmp(op, "fragment") && (n_arg % 8 || n_arg < 8))
			usage();
	} else if (strcmp(op, "cut-handshake")) {
		usage();
	}

	if (find_client(argv[1], &client) != 0)
		memset(&client, 0, sizeof(client));
	in = pcap_open_offline(argv[1], errbuf);
	if (in == NULL) {
		fprintf(stderr, "edit: %s\n", errbuf);
		return 1;
	}
	if (pcap_datalink(in) != DLT_EN10MB) {
		fprintf(stderr, "edit: %s: not Ethernet\n", argv[1]);
		pcap_close(in);
		return 1;
	}
	dead = pcap_open_dead(DLT_EN10MB, 65535);
	d = dead != NULL ? pcap_dump_open(dead, argv[2]) : NULL;
	if (d == NULL) {
		fprintf(stderr, "edit: %s: %s\n", argv[2], dead ? pcap_geterr(dead) : "no memory");
		if (dead != NULL)
			pcap_close(dead);
		pcap_close(in);
		return 1;
	}
	while ((rc = pcap_next_ex(in, &h, &data)) == 1) {
		struct view v;
		size_t len = h->caplen;
		int from_s = 0, keep = 1, dup = 0;

		if (len > PKT_MAX)
			len = PKT_MAX;
		memcpy(f, data, len);
		idx++;
		if (!strcmp(op, "drop-rec") && idx == (unsigned long)n_arg)
			continue;
		if (!strcmp(op, "head") && idx > (unsigned long)n_arg)
			break;
		if ((!strcmp(op, "copy-rec") || !strcmp(op, "move-rec")) &&
		    idx == (unsigned long)n_arg) {
			memcpy(saved, f, len);
			saved_len = len;
			if (op[0] == 'm')
				continue;
		}
		if ((!strcmp(op, "copy-rec") || !strcmp(op, "move-rec")) &&
		    idx == (unsigned long)from) {
			write_rec(d, h, f, len);
			if (saved_len) {
				struct pcap_pkthdr lh = *h;
				long long us = (long long)lh.ts.tv_usec + delay_ms * 1000;

				lh.ts.tv_sec += (time_t)(us / 1000000);
				lh.ts.tv_usec = (suseconds_t)(us % 1000000);
				write_rec(d, &lh, saved, saved_len);
			}
			continue;
		}
		if (parse_view(f, len, &v) != 0) {
			write_rec(d, h, f, len);
			continue;
		}
		from_s = v.af != client.af || memcmp(v.src.a, client.a, v.af == 4 ? 4 : 16) != 0;

		if (!strcmp(op, "cut-handshake")) {
			if (v.proto == P_TCP && v.l4len >= 20 && (f[v.l4 + 13] & TF_SYN))
				keep = 0;
		} else if (!strcmp(op, "strip-wscale")) {
			if (v.proto == P_TCP && v.l4len >= 20 && (f[v.l4 + 13] & TF_SYN) &&
			    from_s == side) {
				size_t doff = (size_t)(f[v.l4 + 12] >> 4) * 4, i = 20;

				if (doff > v.l4len)
					doff = v.l4len;
				while (i < doff) {
					uint8_t k = f[v.l4 + i];

					if (k == 0)
						break;
					if (k == 1) {
						i++;
						continue;
					}
					if (i + 1 >= doff || f[v.l4 + i + 1] < 2 ||
					    i + f[v.l4 + i + 1] > doff)
						break;
					if (k == 3 && f[v.l4 + i + 1] == 3)
						memset(f + v.l4 + i, 1, 3);
					i += f[v.l4 + i + 1];
				}
				fix_l4(f, &v);
			}
		} else if (!strcmp(op, "drop-dir")) {
			keep = from_s != side;
		} else if (!strcmp(op, "drop-nth") || !strcmp(op, "dup-nth")) {
			if (tcp_has_data(f, &v) && ++nth % (unsigned long)n_arg == 0) {
				if (op[1] == 'r')
					keep = 0;
				else
					dup = 1;
			}
		} else if (!strcmp(op, "shift-seq") || !strcmp(op, "shift-ack")) {
			if (v.proto == P_TCP && v.l4len >= 20 && from_s == side &&
			    idx >= (unsigned long)from) {
				size_t o = v.l4 + (op[6] == 's' ? 4 : 8);

				put32(f + o, get32(f + o) + (uint32_t)delta);
				fix_l4(f, &v);
			}
		} else if (!strcmp(op, "bad-csum")) {
			if (++nth % (unsigned long)n_arg == 0) {
				size_t o = v.proto == P_TCP ? 16 : v.proto == P_UDP ? 6 : 2;

				if (v.l4len >= o + 2)
					f[v.l4 + o] ^= 0x5a;
			}
		} else if (!strcmp(op, "trunc-hdr")) {
			if (v.proto == P_TCP && v.l4len >= 20 && ++nth % (unsigned long)n_arg == 0) {
				f[v.l4 + 12] = (uint8_t)((4 << 4) | (f[v.l4 + 12] & 15));
				fix_l4(f, &v);
			}
		} else if (!strcmp(op, "udp-len")) {
			if (v.proto == P_UDP && v.l4len >= 8 && ++nth % (unsigned long)n_arg == 0) {
				put16(f + v.l4 + 4, (uint16_t)(get16(f + v.l4 + 4) + 100));
				fix_l4(f, &v);
			}
		} else if (!strcmp(op, "set-flags")) {
			if (idx == (unsigned long)n_arg && v.proto == P_TCP && v.l4len >= 20) {
				f[v.l4 + 13] = (uint8_t)from;
				fix_l4(f, &v);
			}
		} else if (!strcmp(op, "flip-bit")) {
			if (++nth % (unsigned long)n_arg == 0) {
				size_t hl = v.proto == P_TCP && v.l4len >= 20 ?
					    (size_t)(f[v.l4 + 12] >> 4) * 4 : 8;
				uint64_t r;

				/* splitmix64 on (seed, packet) */
				rnd += 0x9e3779b97f4a7c15ULL + (uint64_t)from;
				r = rnd;
				r = (r ^ (r >> 30)) * 0xbf58476d1ce4e5b9ULL;
				r = (r ^ (r >> 27)) * 0x94d049bb133111ebULL;
				r ^= r >> 31;
				if (v.l4len > hl && v.l4 + v.l4len <= len) {
					size_t bit = (size_t)(r % ((v.l4len - hl) * 8));

					f[v.l4 + hl + bit / 8] ^= (uint8_t)(1u << (bit % 8));
				}
			}
		} else if (!strcmp(op, "partial-csum")) {
			if (from_s == side && (v.proto == P_TCP || v.proto == P_UDP) &&
			    v.l4len >= (v.proto == P_TCP ? 20u : 8u)) {
				/* CHECKSUM_PARTIAL: the stack stores the folded,
				 * uncomplemented pseudo-header sum; the NIC would
				 * finish it */
				uint16_t ps = (uint16_t)~csum_fold(csum_pseudo(&v.src, &v.dst,
						v.proto, (uint32_t)v.l4len));

				put16(f + v.l4 + (v.proto == P_TCP ? 16 : 6), ps);
			}
		} else if (!strcmp(op, "clamp-win")) {
			if (v.proto == P_TCP && v.l4len >= 20 && from_s == side &&
			    !(f[v.l4 + 13] & TF_SYN) && get16(f + v.l4 + 14) > n_arg) {
				put16(f + v.l4 + 14, (uint16_t)n_arg);
				fix_l4(f, &v);
			}
		} else if (!strcmp(op, "fragment")) {
			if (v.l4len > (size_t)n_arg) {
				write_frags(d, h, f, &v, (size_t)n_arg, frag_id++);
				continue;
			}
		}
		fix_ip(f, &v);
		if (keep)
			write_rec(d, h, f, len);
		if (dup)
			write_rec(d, h, f, len);
	}
	if (rc == -1)
		fprintf(stderr, "edit: %s: %s\n", argv[1], pcap_geterr(in));
	pcap_dump_close(d);
	pcap_close(dead);
	pcap_close(in);
	return rc == -1 ? 1 : 0;
}
