/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * tcpseg.h - a decoded IPv4 TCP segment for the engine tests, built without
 * the decoder (header-only, static functions).  The caller writes any TCP
 * options to buf + 20 first, then calls tseg_fill() with their length.
 */
#ifndef CTEXPLAIN_TEST_TCPSEG_H
#define CTEXPLAIN_TEST_TCPSEG_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "decode.h"
#include "util-csum.h"

struct tseg {
	struct pkt p;
	uint8_t buf[60];	/* TCP header + options (the packet's l4) */
};

static inline void
tseg_put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/*
 * Segment from @a:@sp to @b:@dp (@dir 0) or back (@dir 1) at @clock_ms, with
 * @len payload bytes and @olen bytes of options already in buf + 20; an
 * incoming packet with good checksums.
 */
static inline void
tseg_fill(struct tseg *t, int64_t clock_ms, int dir, const uint8_t a[4], const uint8_t b[4],
	  uint16_t sp, uint16_t dp, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
	  uint32_t len, size_t olen)
{
	struct pkt *p = &t->p;

	p->ts_sec = clock_ms / 1000;
	p->ts_nsec = (uint32_t)(clock_ms % 1000) * 1000000u;
	p->dir = PKT_DIR_IN;
	p->family = 4;
	memcpy(p->src.b, dir ? b : a, 4);
	memcpy(p->dst.b, dir ? a : b, 4);
	p->proto = 6;
	p->has_l4 = true;
	p->sport = dir ? dp : sp;
	p->dport = dir ? sp : dp;
	p->seq = seq;
	p->ack = ack;
	p->window = win;
	p->tcp_flags = flags;
	p->doff = (uint8_t)((20 + olen) / 4);
	p->l4_len = (uint32_t)(20 + olen) + len;
	p->payload_len = len;
	p->l3_hdr_len = 20;
	p->ip_len = 20 + p->l4_len;
	p->l4_csum = CSUM_OK;
	p->l4_csum_nf = CSUM_OK;
	t->buf[0] = (uint8_t)(p->sport >> 8);
	t->buf[1] = (uint8_t)p->sport;
	t->buf[2] = (uint8_t)(p->dport >> 8);
	t->buf[3] = (uint8_t)p->dport;
	tseg_put32(t->buf + 4, seq);
	tseg_put32(t->buf + 8, ack);
	t->buf[12] = (uint8_t)(p->doff << 4);
	t->buf[13] = flags;
	t->buf[14] = (uint8_t)(win >> 8);
	t->buf[15] = (uint8_t)win;
	p->l4 = t->buf;
	p->l4_caplen = (uint32_t)(20 + olen);
}

#endif
