/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fixtures.h - the capture fixtures of tests/data/pcap/, written byte by
 * byte (no libpcap), so the same code produces the committed files
 * (gen-fixtures.c) and the copies test-pcapsrc.c regenerates and compares.
 *
 * Every fixture holds frames from fx_frame(): Ethernet/IPv4/TCP with valid
 * checksums, source port 1000 + record number, so a test can tell which
 * record it got.
 */
#ifndef CTEXPLAIN_TEST_FIXTURES_H
#define CTEXPLAIN_TEST_FIXTURES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pktbuild.h"

#define FX_TS_SEC	1700000000u	/* 2023-11-14T22:13:20Z */

struct fx_buf {
	uint8_t b[8192];
	size_t n;
	int be;			/* write multi-byte fields big-endian */
};

static inline void
fx_u8(struct fx_buf *w, unsigned v)
{
	w->b[w->n++] = (uint8_t)v;
}

static inline void
fx_u16(struct fx_buf *w, unsigned v)
{
	if (w->be) {
		fx_u8(w, v >> 8);
		fx_u8(w, v & 0xff);
	} else {
		fx_u8(w, v & 0xff);
		fx_u8(w, v >> 8);
	}
}

static inline void
fx_u32(struct fx_buf *w, uint32_t v)
{
	if (w->be) {
		fx_u16(w, v >> 16);
		fx_u16(w, v & 0xffff);
	} else {
		fx_u16(w, v & 0xffff);
		fx_u16(w, v >> 16);
	}
}

static inline void
fx_bytes(struct fx_buf *w, const void *p, size_t n)
{
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static inline void
fx_set32(struct fx_buf *w, size_t at, uint32_t v)
{
	size_t keep = w->n;

	w->n = at;
	fx_u32(w, v);
	w->n = keep;
}

/* Frame @i of a fixture: @link selects the link header. */
enum fx_link { FX_ETH, FX_ETH_VLAN, FX_ETH_QINQ, FX_SLL, FX_SLL2, FX_NULL, FX_RAW };

static inline void
fx_frame(struct pb *f, enum fx_link link, unsigned i, unsigned sll_type)
{
	static const uint8_t a[4] = { 192, 0, 2, 1 }, b[4] = { 192, 0, 2, 2 };
	size_t ip, th;

	pb_init(f);
	switch (link) {
	case FX_ETH:
		pb_eth(f, 0x0800);
		break;
	case FX_ETH_VLAN:
		pb_eth(f, 0x8100);
		pb_vlan(f, 10 + i, 0x0800);
		break;
	case FX_ETH_QINQ:
		pb_eth(f, 0x88a8);
		pb_vlan(f, 100, 0x8100);
		pb_vlan(f, 20 + i, 0x0800);
		break;
	case FX_SLL:
		pb_be16(f, sll_type);
		pb_be16(f, 1);
		pb_be16(f, 6);
		pb_put(f, pb_mac_src, 6);
		pb_be16(f, 0);
		pb_be16(f, 0x0800);
		break;
	case FX_SLL2:
		pb_be16(f, 0x0800);
		pb_be16(f, 0);
		pb_be32(f, 2);
		pb_be16(f, 1);
		pb_u8(f, sll_type);
		pb_u8(f, 6);
		pb_put(f, pb_mac_src, 6);
		pb_be16(f, 0);
		break;
	case FX_NULL:
		/* AF_INET in the writer's (little-endian) byte order */
		pb_put(f, "\x02\x00\x00\x00", 4);
		break;
	case FX_RAW:
		break;
	}
	ip = pb_ipv4(f, 6, a, b, NULL, 0);
	th = pb_tcp(f, 1000 + i, 80, 1000u * i, 0, 0x10, 1024, NULL, 0);
	pb_fill(f, 6);
	pb_ipv4_finish(f, ip);
	pb_l4_finish(f, ip, th, 6);
}

/* Classic pcap: header with @magic (0xa1b2c3d4 us or 0xa1b23c4d ns). */
static inline void
fx_pcap_header(struct fx_buf *w, uint32_t magic, uint32_t linktype)
{
	fx_u32(w, magic);
	fx_u16(w, 2);
	fx_u16(w, 4);
	fx_u32(w, 0);
	fx_u32(w, 0);
	fx_u32(w, 65535);
	fx_u32(w, linktype);
}

static inline void
fx_pcap_record(struct fx_buf *w, uint32_t sec, uint32_t frac, const struct pb *f)
{
	fx_u32(w, sec);
	fx_u32(w, frac);
	fx_u32(w, (uint32_t)f->n);
	fx_u32(w, (uint32_t)f->n);
	fx_bytes(w, f->b, f->n);
}

/* A pcap of @n frames of @link; record i at FX_TS_SEC + i, fraction i*1000
 * (microseconds, or nanoseconds with the ns magic). */
static inline void
fx_pcap(struct fx_buf *w, int be, uint32_t magic, uint32_t linktype,
	enum fx_link link, unsigned n)
{
	struct pb *f = malloc(sizeof(*f));

	if (!f)
		abort();
	w->n = 0;
	w->be = be;
	fx_pcap_header(w, magic, linktype);
	for (unsigned i = 0; i < n; i++) {
		/* SLL packet types: 0 host, 4 outgoing, 1 broadcast, 5 loopback */
		static const unsigned types[] = { 0, 4, 1, 5 };

		fx_frame(f, link, i, types[i % 4]);
		fx_pcap_record(w, FX_TS_SEC + i, i * 1000 + 7, f);
	}
	free(f);
}

/* --- pcapng --- */

static inline size_t
fx_ng_begin(struct fx_buf *w, uint32_t type)
{
	size_t at = w->n;

	fx_u32(w, type);
	fx_u32(w, 0);		/* total length, set by fx_ng_end() */
	return at;
}

static inline void
fx_ng_end(struct fx_buf *w, size_t at)
{
	while (w->n % 4)
		fx_u8(w, 0);
	fx_u32(w, 0);
	fx_set32(w, at + 4, (uint32_t)(w->n - at));
	fx_set32(w, w->n - 4, (uint32_t)(w->n - at));
}

static inline void
fx_ng_shb(struct fx_buf *w)
{
	size_t at = fx_ng_begin(w, 0x0a0d0d0a);

	fx_u32(w, 0x1a2b3c4d);
	fx_u16(w, 1);
	fx_u16(w, 0);
	fx_u32(w, 0xffffffff);	/* section length unknown */
	fx_u32(w, 0xffffffff);
	fx_ng_end(w, at);
}

static inline void
fx_ng_idb(struct fx_buf *w, unsigned linktype)
{
	size_t at = fx_ng_begin(w, 1);

	fx_u16(w, linktype);
	fx_u16(w, 0);
	fx_u32(w, 65535);
	/* if_name "eth0" */
	fx_u16(w, 2);
	fx_u16(w, 4);
	fx_bytes(w, "eth0", 4);
	fx_u16(w, 0);
	fx_u16(w, 0);
	fx_ng_end(w, at);
}

/* EPB with epb_flags @flags (-1: no flags option). */
static inline void
fx_ng_epb(struct fx_buf *w, uint64_t ts_us, const struct pb *f, long flags)
{
	size_t at = fx_ng_begin(w, 6);

	fx_u32(w, 0);
	fx_u32(w, (uint32_t)(ts_us >> 32));
	fx_u32(w, (uint32_t)ts_us);
	fx_u32(w, (uint32_t)f->n);
	fx_u32(w, (uint32_t)f->n);
	fx_bytes(w, f->b, f->n);
	while (w->n % 4)
		fx_u8(w, 0);
	/* a comment option first, so the flags are not always first */
	fx_u16(w, 1);
	fx_u16(w, 3);
	fx_bytes(w, "abc", 3);
	fx_u8(w, 0);
	if (flags >= 0) {
		fx_u16(w, 2);
		fx_u16(w, 4);
		fx_u32(w, (uint32_t)flags);
	}
	fx_u16(w, 0);
	fx_u16(w, 0);
	fx_ng_end(w, at);
}

static inline void
fx_ng_spb(struct fx_buf *w, const struct pb *f)
{
	size_t at = fx_ng_begin(w, 3);

	fx_u32(w, (uint32_t)f->n);
	fx_bytes(w, f->b, f->n);
	fx_ng_end(w, at);
}

/* A custom/unknown block libpcap skips. */
static inline void
fx_ng_other(struct fx_buf *w)
{
	size_t at = fx_ng_begin(w, 0x00000bad);

	fx_u32(w, 0x12345678);
	fx_ng_end(w, at);
}

/*
 * pcapng with epb_flags: records 0 in (flags 1), 1 out (2), 2 no flags,
 * 3 flags 0 (unknown), 4 in with other flag bits set (0x61), 5 an SPB.
 * @be: big-endian section.
 */
static inline void
fx_pcapng(struct fx_buf *w, int be)
{
	static const long flags[] = { 1, 2, -1, 0, 0x61 };
	struct pb *f = malloc(sizeof(*f));
	unsigned i;

	if (!f)
		abort();
	w->n = 0;
	w->be = be;
	fx_ng_shb(w);
	fx_ng_idb(w, 1);
	for (i = 0; i < 5; i++) {
		fx_frame(f, FX_ETH, i, 0);
		if (i == 2)
			fx_ng_other(w);
		fx_ng_epb(w, (uint64_t)(FX_TS_SEC + i) * 1000000u + i * 1000 + 7, f, flags[i]);
	}
	fx_frame(f, FX_ETH, i, 0);
	fx_ng_spb(w, f);
	free(f);
}

static inline int
fx_write(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];
	FILE *fp;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (!fp)
		return -1;
	ok = fwrite(p, 1, n, fp) == n;
	return fclose(fp) == 0 && ok ? 0 : -1;
}

/* Write every fixture into @dir; 0 or -1. */
static inline int
fx_write_all(const char *dir)
{
	struct fx_buf *w = malloc(sizeof(*w));
	int rc = 0;
	size_t cut;

	if (!w)
		return -1;
	fx_pcapng(w, 0);
	rc |= fx_write(dir, "epb-flags.pcapng", w->b, w->n);
	fx_pcapng(w, 1);
	rc |= fx_write(dir, "epb-flags-be.pcapng", w->b, w->n);
	fx_pcap(w, 0, 0xa1b2c3d4, 113, FX_SLL, 4);
	rc |= fx_write(dir, "sll.pcap", w->b, w->n);
	fx_pcap(w, 0, 0xa1b2c3d4, 276, FX_SLL2, 4);
	rc |= fx_write(dir, "sll2.pcap", w->b, w->n);
	fx_pcap(w, 0, 0xa1b2c3d4, 0, FX_NULL, 2);
	rc |= fx_write(dir, "null.pcap", w->b, w->n);
	fx_pcap(w, 0, 0xa1b2c3d4, 101, FX_RAW, 2);
	rc |= fx_write(dir, "raw.pcap", w->b, w->n);
	fx_pcap(w, 0, 0xa1b2c3d4, 1, FX_ETH_VLAN, 2);
	rc |= fx_write(dir, "vlan.pcap", w->b, w->n);
	fx_pcap(w, 0, 0xa1b2c3d4, 1, FX_ETH_QINQ, 2);
	rc |= fx_write(dir, "qinq.pcap", w->b, w->n);
	fx_pcap(w, 0, 0xa1b23c4d, 1, FX_ETH, 3);
	rc |= fx_write(dir, "nsec.pcap", w->b, w->n);
	fx_pcap(w, 1, 0xa1b2c3d4, 1, FX_ETH, 3);
	rc |= fx_write(dir, "big-endian.pcap", w->b, w->n);
	/* 4 records, cut in the middle of record 2's data */
	fx_pcap(w, 0, 0xa1b2c3d4, 1, FX_ETH, 4);
	cut = 24 + 2 * (16 + 60) + 16 + 30;
	rc |= fx_write(dir, "truncated.pcap", w->b, cut);
	/* 3 records, record 1's captured length absurd */
	fx_pcap(w, 0, 0xa1b2c3d4, 1, FX_ETH, 3);
	fx_set32(w, 24 + (16 + 60) + 8, 0x7fffffff);
	rc |= fx_write(dir, "bad-caplen.pcap", w->b, w->n);
	/* pcapng whose third block has a bad total length */
	fx_pcapng(w, 0);
	{
		/* walk SHB, IDB, EPB 0; corrupt the length of EPB 1 */
		size_t at = 0;

		for (int k = 0; k < 3; k++)
			at += (uint32_t)w->b[at + 4] | (uint32_t)w->b[at + 5] << 8;
		fx_set32(w, at + 4, 13);
	}
	rc |= fx_write(dir, "corrupt-block.pcapng", w->b, w->n);
	rc |= fx_write(dir, "empty.pcap", "", 0);
	rc |= fx_write(dir, "not-a-capture.txt", "this is not a capture\n", 22);
	free(w);
	return rc;
}

#endif
