/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * pcapsrc.c - read pcap, nanosecond pcap and pcapng files through libpcap.
 *
 * libpcap does the reading; timestamps are asked for in nanoseconds so
 * microsecond files come out scaled.  Every record counts (the 0-based
 * index is part of the report contract), and a read error after record
 * N - 1 is reported as "PATH: record N: <libpcap's reason>".
 *
 * Direction: libpcap (1.10) does not hand out the pcapng epb_flags option,
 * so for pcapng files a second, minimal block reader walks the same file in
 * lock step: each time libpcap returns a packet, it advances to the next
 * packet block (EPB, SPB or the obsolete PB), checks that it describes the
 * same packet (original length, enough captured bytes, same first bytes)
 * and reads the flags (bits 0-1: 1 inbound, 2 outbound).  Any disagreement
 * or oddity turns it off for the rest of the file: direction is then
 * unknown, which is always a safe answer.  Linux cooked captures carry the
 * direction in their packet type (decode_link_dir()).
 *
 * Reference: draft-ietf-opsawg-pcapng (section 3 block layout, 4.3 EPB,
 * epb_flags), https://www.tcpdump.org/manpages/pcap-savefile.5.html.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapsrc.h"
#include "util-cursor.h"

#define PCAP_MAGIC_US		0xa1b2c3d4u
#define PCAP_MAGIC_NS		0xa1b23c4du
#define PCAP_MAGIC_KUZNETZOV	0xa1b2cd34u	/* "modified" pcap, libpcap reads it */
#define PCAPNG_SHB		0x0a0d0d0au
#define PCAPNG_BYTE_ORDER_MAGIC	0x1a2b3c4du

#define PCAPNG_PB		0x00000002u	/* obsolete Packet Block */
#define PCAPNG_SPB		0x00000003u
#define PCAPNG_EPB		0x00000006u
#define PCAPNG_OPT_ENDOFOPT	0
#define PCAPNG_OPT_FLAGS	2		/* epb_flags / pack_flags */

/* libpcap refuses blocks above 16 MiB by default; stay well above it. */
#define PCAPNG_MAX_BLOCK	(64u * 1024 * 1024)
/* stdio buffer of the stream libpcap reads */
#define PCAPSRC_BUFSIZE		(256u * 1024)
/* Read-ahead ring (see struct ahead): batches, bytes and records per batch. */
#define AHEAD_BATCHES		4
#define AHEAD_BYTES		(1024u * 1024)
#define AHEAD_RECS		4096u
/* How many leading packet bytes the side reader compares. */
#define PCAPNG_CMP_BYTES	64

struct pcapng_side {
	FILE *f;
	bool be;		/* current section is big-endian */
	uint8_t *buf;		/* current block body */
	size_t alloc;
};

/*
 * Read-ahead.  Reading the file (the kernel's page-cache copy, stdio and
 * libpcap) is about half of the time of a full analysis; a second thread
 * does it while the caller decodes and tracks.  The reader thread runs
 * read_one() -- the same code the caller runs when there is no thread --
 * and copies each record into a ring of AHEAD_BATCHES batches of up to
 * AHEAD_BYTES packet bytes and AHEAD_RECS records (bounded memory; one
 * larger record gets a batch of its own size).  It stops after the record
 * read_one() ends with: the end of the file, or an error whose text it keeps
 * for pcapsrc_next() to report in order, after every record before it.  The
 * run context is only used by the caller's thread.
 *
 * Synchronisation: one mutex and condition variable guard `filled`, `used`
 * and `stop`.  Batches filled..used+AHEAD_BATCHES-1 (mod AHEAD_BATCHES) are
 * the reader's, used..filled-1 the caller's; a batch changes hands only by
 * incrementing one of the counters under the mutex, after its contents are
 * written.  The reader alone touches the pcap_t and the side reader until it
 * is joined (pcapsrc_free()).
 */
struct ahead_batch {
	struct pcap_rec *rec;	/* AHEAD_RECS records; data points into buf */
	uint8_t *buf;
	size_t size;		/* bytes allocated in buf */
	size_t used;		/* bytes of buf in use */
	unsigned n;		/* records */
	int end;		/* 0: more batches follow; 1: end of file; -1: error */
	char *err;		/* end -1: libpcap's reason */
};

struct ahead {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct ahead_batch b[AHEAD_BATCHES];
	uint64_t filled;	/* batches published by the reader */
	uint64_t used;		/* batches given back by the caller */
	bool stop;		/* pcapsrc_free(): the reader exits */
	struct ahead_batch *cur;	/* caller: batch used % AHEAD_BATCHES once taken */
	unsigned next;		/* caller: next record in cur */
};

struct pcapsrc;
static void ahead_start(struct pcapsrc *src);

struct pcapsrc {
	struct run_ctx *ctx;
	char *path;
	pcap_t *p;
	const char *format;
	uint64_t n;		/* records returned so far */
	int state;		/* 0 reading, 1 at end, negative: the error */
	struct pcapng_side ng;	/* ng.f is NULL when not in use */
	char *iobuf;		/* stdio buffer of the stream libpcap reads (freed after it) */
	struct ahead *ahead;	/* read-ahead thread, NULL when reading in the caller */
};

static uint32_t
rd32(const uint8_t *p, bool be)
{
	if (be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static uint32_t
magic_be(const uint8_t *b)
{
	return rd32(b, true);
}

static uint32_t
magic_le(const uint8_t *b)
{
	return rd32(b, false);
}

static const char *
sniff_format(const uint8_t *buf, size_t len)
{
	uint32_t be, le;

	if (len < 4)
		return NULL;
	be = magic_be(buf);
	le = magic_le(buf);
	if (be == PCAPNG_SHB)
		return "pcapng";
	if (be == PCAP_MAGIC_US || le == PCAP_MAGIC_US ||
	    be == PCAP_MAGIC_KUZNETZOV || le == PCAP_MAGIC_KUZNETZOV)
		return "pcap";
	if (be == PCAP_MAGIC_NS || le == PCAP_MAGIC_NS)
		return "pcap-ns";
	return NULL;
}

bool
pcapsrc_sniff(const uint8_t *buf, size_t len)
{
	return buf && sniff_format(buf, len) != NULL;
}

static void
side_close(struct pcapng_side *ng)
{
	if (ng->f)
		fclose(ng->f);
	free(ng->buf);
	memset(ng, 0, sizeof(*ng));
}

/* Read the rest of a block (@total bytes in all, @done already read) into
 * ng->buf; returns the body length (without the trailing length) or -1. */
static long
side_read_body(struct pcapng_side *ng, uint32_t total, uint32_t done)
{
	size_t need;

	if (total < done + 4 || total % 4 != 0 || total > PCAPNG_MAX_BLOCK)
		return -1;
	need = total - done;
	if (need > ng->alloc) {
		uint8_t *nb = realloc(ng->buf, need);

		if (!nb)
			return -1;
		ng->buf = nb;
		ng->alloc = need;
	}
	if (fread(ng->buf, 1, need, ng->f) != need)
		return -1;
	if (rd32(ng->buf + need - 4, ng->be) != total)
		return -1;
	return (long)(need - 4);
}

/* Find the flags option in @opts; PKT_DIR_UNKNOWN if absent. */
static enum pkt_dir
side_flags_dir(const struct pcapng_side *ng, struct cursor *opts)
{
	while (cur_has(opts, 4)) {
		uint16_t code, len;
		uint32_t padded;

		if (ng->be) {
			cur_get_be16(opts, &code);
			cur_get_be16(opts, &len);
		} else {
			cur_get_le16(opts, &code);
			cur_get_le16(opts, &len);
		}
		if (code == PCAPNG_OPT_ENDOFOPT)
			break;
		padded = ((uint32_t)len + 3) & ~3u;
		if (!cur_has(opts, padded))
			break;
		if (code == PCAPNG_OPT_FLAGS && len == 4) {
			switch (rd32(opts->p, ng->be) & 3) {
			case 1:
				return PKT_DIR_IN;
			case 2:
				return PKT_DIR_OUT;
			default:
				return PKT_DIR_UNKNOWN;
			}
		}
		cur_skip(opts, padded);
	}
	return PKT_DIR_UNKNOWN;
}

/*
 * Advance the side reader to the block of the packet libpcap just returned
 * (@h, @data).  Returns 0 and *dir, or -1 when out of step.
 */
static int
side_next(struct pcapng_side *ng, const struct pcap_pkthdr *h,
	  const uint8_t *data, enum pkt_dir *dir)
{
	for (;;) {
		uint8_t hdr[8];
		uint32_t type, total, caplen, origlen, pad;
		size_t cmp;
		struct cursor c, opts;
		long body;

		if (fread(hdr, 1, 8, ng->f) != 8)
			return -1;
		type = rd32(hdr, ng->be);
		if (magic_be(hdr) == PCAPNG_SHB) {
			uint8_t bom[4];

			if (fread(bom, 1, 4, ng->f) != 4)
				return -1;
			if (magic_be(bom) == PCAPNG_BYTE_ORDER_MAGIC)
				ng->be = true;
			else if (magic_le(bom) == PCAPNG_BYTE_ORDER_MAGIC)
				ng->be = false;
			else
				return -1;
			total = rd32(hdr + 4, ng->be);
			if (side_read_body(ng, total, 12) < 0)
				return -1;
			continue;
		}
		total = rd32(hdr + 4, ng->be);
		body = side_read_body(ng, total, 8);
		if (body < 0)
			return -1;
		cur_init(&c, ng->buf, (size_t)body);
		if (type == PCAPNG_EPB || type == PCAPNG_PB) {
			/* EPB: if_id(4) ts(8) caplen(4) len(4); PB: if_id(2)
			 * drops(2) ts(8) caplen(4) len(4) */
			if (cur_skip(&c, 12) < 0 || !cur_has(&c, 8))
				return -1;
			caplen = rd32(c.p, ng->be);
			origlen = rd32(c.p + 4, ng->be);
			cur_skip(&c, 8);
		} else if (type == PCAPNG_SPB) {
			if (!cur_has(&c, 4))
				return -1;
			origlen = rd32(c.p, ng->be);
			cur_skip(&c, 4);
			caplen = (uint32_t)c.left;	/* includes padding */
			if (origlen < caplen)
				caplen = origlen;
		} else {
			continue;	/* IDB, ISB, NRB, DSB, custom, ... */
		}
		if (origlen != h->len || caplen < h->caplen || caplen > c.left)
			return -1;
		cmp = h->caplen < PCAPNG_CMP_BYTES ? h->caplen : PCAPNG_CMP_BYTES;
		if (cmp && memcmp(c.p, data, cmp) != 0)
			return -1;
		*dir = PKT_DIR_UNKNOWN;
		if (type == PCAPNG_SPB)
			return 0;
		pad = (caplen + 3) & ~3u;
		if (pad < caplen || cur_skip(&c, pad) < 0)
			return 0;	/* no room for options */
		opts = c;
		*dir = side_flags_dir(ng, &opts);
		return 0;
	}
}

/*
 * Common part of the two open functions: @magic (@got bytes) is the start
 * of the input named @name; @fp is positioned at its start and goes to
 * libpcap, @side (pcapng only, else NULL) to the side reader.  Takes both
 * streams: they are closed on failure.
 */
static int
open_streams(struct run_ctx *ctx, const char *name, const uint8_t *magic, size_t got,
	     FILE *fp, char *iobuf, FILE *side, struct pcapsrc **out)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcapsrc *src = NULL;
	int ret;

	if (got == 0) {
		ret = ctx_err(ctx, ERR_INPUT, "%s: empty file, not a capture", name);
		goto err;
	}
	if (!pcapsrc_sniff(magic, got)) {
		ret = ctx_err(ctx, ERR_INPUT, "%s: not a pcap or pcapng file", name);
		goto err;
	}
	src = xcalloc(1, sizeof(*src));
	if (!src || !(src->path = xstrndup(name, strlen(name)))) {
		ret = ctx_err(ctx, ERR_NOMEM, "%s: out of memory", name);
		goto err;
	}
	src->ctx = ctx;
	src->iobuf = iobuf;	/* freed by pcapsrc_free(), after the stream */
	iobuf = NULL;
	src->format = sniff_format(magic, got);
	errbuf[0] = '\0';
	/* On failure libpcap leaves @fp to us; on success pcap_close() closes it. */
	src->p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO,
							  errbuf);
	if (!src->p) {
		ret = ctx_err(ctx, ERR_INPUT, "%s: %s", name,
			      errbuf[0] ? errbuf : "cannot be read by libpcap");
		goto err;
	}
	fp = NULL;
	if (strcmp(src->format, "pcapng") == 0 && side) {
		src->ng.f = side;
		side = NULL;
	}
	if (side)
		fclose(side);
	ahead_start(src);
	*out = src;
	return 0;
err:
	if (fp)
		fclose(fp);
	free(iobuf);
	if (side)
		fclose(side);
	pcapsrc_free(src);
	return ret;
}

int
pcapsrc_open(struct run_ctx *ctx, const char *path, struct pcapsrc **out)
{
	uint8_t magic[4];
	FILE *f, *side = NULL;
	char *iobuf;
	size_t got;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f)
		return ctx_err(ctx, ERR_INPUT, "%s: %s", path, strerror(errno));
	/* libpcap reads record by record through stdio: a large buffer saves
	 * most read() calls (glibc ignores the size without a buffer; no
	 * buffer only keeps stdio's default) */
	iobuf = malloc(PCAPSRC_BUFSIZE);
	if (iobuf && setvbuf(f, iobuf, _IOFBF, PCAPSRC_BUFSIZE) != 0) {
		free(iobuf);
		iobuf = NULL;
	}
	got = fread(magic, 1, sizeof(magic), f);
	if (got < sizeof(magic) && ferror(f)) {	/* a directory, an I/O error */
		int e = errno;

		fclose(f);
		free(iobuf);
		return ctx_err(ctx, ERR_INPUT, "%s: %s", path, strerror(e));
	}
	if (fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		free(iobuf);
		return ctx_err(ctx, ERR_INPUT, "%s: cannot seek: %s", path, strerror(errno));
	}
	/* The pcapng side reader walks the file on its own stream (a failure
	 * to open it only costs the direction flags). */
	if (pcapsrc_sniff(magic, got) && strcmp(sniff_format(magic, got), "pcapng") == 0)
		side = fopen(path, "rb");
	return open_streams(ctx, path, magic, got, f, iobuf, side, out);
}

int
pcapsrc_open_mem(struct run_ctx *ctx, const char *name, const uint8_t *buf, size_t len,
		 struct pcapsrc **out)
{
	FILE *f, *side = NULL;

	*out = NULL;
	if (len == 0 || !buf)
		return open_streams(ctx, name, buf, 0, NULL, NULL, NULL, out);
	/* fmemopen() in read mode never writes to the buffer. */
	f = fmemopen((void *)buf, len, "rb");
	if (!f)
		return ctx_err(ctx, ERR_NOMEM, "%s: fmemopen: %s", name, strerror(errno));
	if (pcapsrc_sniff(buf, len) && strcmp(sniff_format(buf, len), "pcapng") == 0)
		side = fmemopen((void *)buf, len, "rb");
	return open_streams(ctx, name, buf, len < 4 ? len : 4, f, NULL, side, out);
}

/*
 * The next record into @rec (all members; data borrowed from libpcap until
 * the next call): 1, 0 at the end, -1 on error with libpcap's reason in
 * *@why (static or libpcap's buffer, valid until the next call).
 */
static int
read_one(struct pcapsrc *src, struct pcap_rec *rec, const char **why)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	int rc;

	rc = pcap_next_ex(src->p, &h, &d);
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc != 1) {
		*why = rc == PCAP_ERROR ? pcap_geterr(src->p) : "unexpected libpcap result";
		return -1;
	}
	memset(rec, 0, sizeof(*rec));
	rec->ts_sec = (int64_t)h->ts.tv_sec;
	rec->ts_nsec = (uint32_t)h->ts.tv_usec;	/* nanoseconds: see open */
	rec->caplen = h->caplen;
	rec->wirelen = h->len;
	rec->linktype = pcap_datalink(src->p);
	rec->data = d;
	rec->dir = PKT_DIR_UNKNOWN;
	if (src->ng.f && side_next(&src->ng, h, d, &rec->dir) < 0) {
		rec->dir = PKT_DIR_UNKNOWN;
		side_close(&src->ng);
	}
	if (rec->dir == PKT_DIR_UNKNOWN)
		rec->dir = decode_link_dir(rec->linktype, d, h->caplen);
	return 1;
}

/* Room for @len more bytes in @b (a batch of its own for a large record). */
static bool
ahead_room(struct ahead_batch *b, size_t len)
{
	uint8_t *nb;

	if (b->n == AHEAD_RECS)
		return false;
	if (b->size - b->used >= len)
		return true;
	if (b->n > 0 || len <= b->size)
		return false;
	nb = realloc(b->buf, len);	/* an empty batch grows to the record */
	if (!nb)
		return false;
	b->buf = nb;
	b->size = len;
	return true;
}

static void *
ahead_main(void *arg)
{
	struct pcapsrc *src = arg;
	struct ahead *a = src->ahead;
	struct pcap_rec r;	/* read, not yet copied: data is libpcap's */
	bool have = false;
	int end = 0;

	while (!end) {
		struct ahead_batch *b;

		pthread_mutex_lock(&a->mu);
		while (!a->stop && a->filled - a->used >= AHEAD_BATCHES)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->stop) {
			pthread_mutex_unlock(&a->mu);
			return NULL;
		}
		b = &a->b[a->filled % AHEAD_BATCHES];
		pthread_mutex_unlock(&a->mu);
		/* the batch is this thread's until published */
		b->n = 0;
		b->used = 0;
		for (;;) {
			const char *why = NULL;
			int rc;

			if (!have) {
				rc = read_one(src, &r, &why);
				if (rc == 0) {
					end = 1;
					break;
				}
				if (rc < 0) {
					free(b->err);
					b->err = strdup(why);	/* NULL: out of memory */
					end = -1;
					break;
				}
				have = true;
			}
			if (!ahead_room(b, r.caplen)) {
				if (b->n > 0)
					break;	/* r goes into the next batch */
				free(b->err);
				b->err = NULL;	/* out of memory */
				end = -1;
				break;
			}
			if (r.caplen)
				memcpy(b->buf + b->used, r.data, r.caplen);
			r.data = b->buf + b->used;
			b->used += r.caplen;
			b->rec[b->n++] = r;
			have = false;
		}
		b->end = end;
		pthread_mutex_lock(&a->mu);
		a->filled++;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
	}
	return NULL;
}

static void
ahead_free(struct ahead *a)
{
	for (unsigned i = 0; i < AHEAD_BATCHES; i++) {
		free(a->b[i].rec);
		free(a->b[i].buf);
		free(a->b[i].err);
	}
	free(a);
}

/* Stop and join the reader, free the ring. */
static void
ahead_stop(struct pcapsrc *src)
{
	struct ahead *a = src->ahead;

	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	ahead_free(a);
	src->ahead = NULL;
}

/* Start the reader; on any failure the caller reads (src->ahead NULL). */
static void
ahead_start(struct pcapsrc *src)
{
	struct ahead *a = calloc(1, sizeof(*a));

	if (!a)
		return;
	for (unsigned i = 0; i < AHEAD_BATCHES; i++) {
		a->b[i].rec = malloc(AHEAD_RECS * sizeof(*a->b[i].rec));
		a->b[i].buf = malloc(AHEAD_BYTES);
		a->b[i].size = AHEAD_BYTES;
		if (!a->b[i].rec || !a->b[i].buf) {
			ahead_free(a);
			return;
		}
	}
	if (pthread_mutex_init(&a->mu, NULL) != 0) {
		ahead_free(a);
		return;
	}
	if (pthread_cond_init(&a->cv, NULL) != 0) {
		pthread_mutex_destroy(&a->mu);
		ahead_free(a);
		return;
	}
	src->ahead = a;
	if (pthread_create(&a->thread, NULL, ahead_main, src) != 0) {
		src->ahead = NULL;
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->mu);
		ahead_free(a);
	}
}

/* The next record from the ring: as read_one(), or -2 when the reader ran
 * out of memory. */
static int
ahead_next(struct ahead *a, struct pcap_rec *rec, const char **why)
{
	struct ahead_batch *b = a->cur;

	if (b && a->next < b->n) {	/* the caller's batch: no lock */
		*rec = b->rec[a->next++];
		return 1;
	}
	pthread_mutex_lock(&a->mu);
	for (;;) {
		if (b && !b->end) {
			/* batch done: give it back */
			a->used++;
			a->next = 0;
			b = a->cur = NULL;
			pthread_cond_broadcast(&a->cv);
		}
		while (a->used == a->filled)
			pthread_cond_wait(&a->cv, &a->mu);
		b = a->cur = &a->b[a->used % AHEAD_BATCHES];
		if (a->next < b->n || b->end)
			break;
	}
	pthread_mutex_unlock(&a->mu);
	if (a->next < b->n) {
		*rec = b->rec[a->next++];
		return 1;
	}
	if (b->end > 0)
		return 0;
	if (!b->err) {
		*why = "out of memory reading ahead";
		return -2;
	}
	*why = b->err;
	return -1;
}

int
pcapsrc_next(struct pcapsrc *src, struct pcap_rec *rec)
{
	const char *why = NULL;
	int rc;

	if (src->state > 0)
		return 0;
	if (src->state < 0)
		return src->state;
	rc = src->ahead ? ahead_next(src->ahead, rec, &why) : read_one(src, rec, &why);
	if (rc == 0) {
		src->state = 1;
		return 0;
	}
	if (rc < 0) {
		src->state = ctx_err(src->ctx, rc == -2 ? ERR_NOMEM : ERR_INPUT,
				     "%s: record %llu: %s", src->path, (unsigned long long)src->n, why);
		return src->state;
	}
	rec->index = src->n++;
	return 1;
}

const char *
pcapsrc_format(const struct pcapsrc *src)
{
	return src->format;
}

uint64_t
pcapsrc_records(const struct pcapsrc *src)
{
	return src->n;
}

void
pcapsrc_pkt_init(const struct pcap_rec *rec, uint32_t file_id, struct pkt *pkt)
{
	/* every member before notes (decode_frame() resets the rest) */
	_Static_assert(offsetof(struct pkt, dir) + sizeof(pkt->dir) == offsetof(struct pkt, notes),
		       "struct pkt: a record member was added: set it here");
	pkt->file_id = file_id;
	pkt->index = rec->index;
	pkt->ts_sec = rec->ts_sec;
	pkt->ts_nsec = rec->ts_nsec;
	pkt->caplen = rec->caplen;
	pkt->wirelen = rec->wirelen;
	pkt->linktype = rec->linktype;
	pkt->dir = rec->dir;
}

void
pcapsrc_free(struct pcapsrc *src)
{
	if (!src)
		return;
	ahead_stop(src);	/* before the streams the reader uses */
	if (src->p)
		pcap_close(src->p);
	free(src->iobuf);	/* after the stream that used it */
	side_close(&src->ng);
	free(src->path);
	free(src);
}
