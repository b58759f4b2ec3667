/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-pcapsrc.c - capture reading: pcap (both byte orders, us and ns),
 * pcapng with epb_flags (both byte orders), Linux cooked v1/v2 direction,
 * link types, record numbering, and the errors for truncated / corrupt /
 * empty / foreign files.
 *
 * The fixtures in tests/data/pcap/ are regenerated from fixtures.h into a
 * temporary directory and compared byte for byte with the committed ones;
 * the committed ones are then read.  A capture written through libpcap's
 * own pcap_dump is read back too.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "decode.h"
#include "fixtures.h"
#include "pcapsrc.h"
#include "tap.h"

static char fixdir[4096];
static char tmpdir[] = "/tmp/test-pcapsrc-XXXXXX";

static const char *
fix(const char *name)
{
	static char path[8192];

	snprintf(path, sizeof(path), "%s/%s", fixdir, name);
	return path;
}

static int
same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int same = fa && fb;

	while (same) {
		int ca = fgetc(fa), cb = fgetc(fb);

		if (ca != cb)
			same = 0;
		if (ca == EOF || cb == EOF)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

/* Read every record of @path into arrays; returns the final pcapsrc_next()
 * result (0 clean end, negative error) and the number of records. */
struct readout {
	int rc;
	unsigned n;
	struct pcap_rec rec[16];
	struct pkt pkt[16];
	char format[16];
	char err[512];
};

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	long n;

	*len = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		b = malloc((size_t)n + 1);
		if (b && fread(b, 1, (size_t)n, f) == (size_t)n)
			*len = (size_t)n;
	}
	fclose(f);
	return b;
}

/* Read through pcapsrc_open() (@mem false) or pcapsrc_open_mem(). */
static void
read_any(const char *path, struct readout *o, bool mem)
{
	struct run_ctx ctx;
	struct pcapsrc *src = NULL;
	struct pcap_rec r;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	memset(o, 0, sizeof(*o));
	ctx_init(&ctx);
	if (mem) {
		buf = slurp(path, &len);
		if (!buf) {
			o->rc = 97;
			ctx_release(&ctx);
			return;
		}
		rc = pcapsrc_open_mem(&ctx, path, buf, len, &src);
	} else {
		rc = pcapsrc_open(&ctx, path, &src);
	}
	if (rc < 0) {
		o->rc = rc;
		goto out;
	}
	snprintf(o->format, sizeof(o->format), "%s", pcapsrc_format(src));
	while ((rc = pcapsrc_next(src, &r)) == 1) {
		if (o->n < 16) {
			o->rec[o->n] = r;
			o->rec[o->n].data = NULL;
			pcapsrc_pkt_init(&r, 3, &o->pkt[o->n]);
			decode_frame(r.linktype, r.data, r.caplen, &o->pkt[o->n]);
			o->pkt[o->n].l3 = o->pkt[o->n].l4 = NULL;
		}
		o->n++;
	}
	o->rc = rc;
	if (rc < 0) {
		/* the error sticks, and is recorded once */
		struct pcap_rec r2;

		if (pcapsrc_next(src, &r2) != rc || ctx.errors.n != 1)
			o->rc = 99;
	}
	if (pcapsrc_records(src) != o->n)
		o->rc = 98;
out:
	if (ctx.errors.n)
		snprintf(o->err, sizeof(o->err), "%s", ctx.errors.v[0].text);
	pcapsrc_free(src);
	ctx_release(&ctx);
	free(buf);
}

static void
read_all(const char *path, struct readout *o)
{
	read_any(path, o, false);
}

static struct readout R, R2;

/* Every fixture gives the same records, directions and errors from memory. */
static void
test_mem(void)
{
	static const char *names[] = {
		"epb-flags.pcapng", "epb-flags-be.pcapng", "sll.pcap", "sll2.pcap",
		"null.pcap", "raw.pcap", "vlan.pcap", "qinq.pcap", "nsec.pcap",
		"big-endian.pcap", "truncated.pcap", "bad-caplen.pcap",
		"corrupt-block.pcapng", "empty.pcap", "not-a-capture.txt",
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		read_any(fix(names[i]), &R, false);
		read_any(fix(names[i]), &R2, true);
		if (R.rc != R2.rc || R.n != R2.n || strcmp(R.err, R2.err) != 0 ||
		    strcmp(R.format, R2.format) != 0) {
			tap_diag("%s: file rc %d n %u '%s', memory rc %d n %u '%s'", names[i],
				 R.rc, R.n, R.err, R2.rc, R2.n, R2.err);
			bad++;
			continue;
		}
		for (unsigned k = 0; k < R.n && k < 16; k++)
			if (R.rec[k].dir != R2.rec[k].dir || R.rec[k].ts_nsec != R2.rec[k].ts_nsec ||
			    R.pkt[k].sport != R2.pkt[k].sport)
				bad++;
	}
	TEST(check_int(bad, ==, 0), "pcapsrc_open_mem reads every fixture like pcapsrc_open");
}

static void
test_fixtures_in_sync(void)
{
	static const char *names[] = {
		"epb-flags.pcapng", "epb-flags-be.pcapng", "sll.pcap", "sll2.pcap",
		"null.pcap", "raw.pcap", "vlan.pcap", "qinq.pcap", "nsec.pcap",
		"big-endian.pcap", "truncated.pcap", "bad-caplen.pcap",
		"corrupt-block.pcapng", "empty.pcap", "not-a-capture.txt",
	};
	int bad = 0;

	if (fx_write_all(tmpdir) != 0) {
		TEST(0, "regenerate fixtures into %s: %s", tmpdir, strerror(errno));
		return;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char gen[8192];

		snprintf(gen, sizeof(gen), "%s/%s", tmpdir, names[i]);
		if (!same_file(gen, fix(names[i]))) {
			tap_diag("%s differs from its generator", names[i]);
			bad++;
		}
	}
	TEST(check_int(bad, ==, 0), "committed fixtures equal gen-fixtures output");
}

static void
test_pcapng(const char *name)
{
	static const enum pkt_dir want[] = {
		PKT_DIR_IN, PKT_DIR_OUT, PKT_DIR_UNKNOWN, PKT_DIR_UNKNOWN, PKT_DIR_IN,
		PKT_DIR_UNKNOWN,
	};
	int bad = 0;

	read_all(fix(name), &R);
	TEST(check_int(R.rc, ==, 0) && check_uint(R.n, ==, 6) && check_str(R.format, "pcapng"),
	     "%s: 6 records, pcapng", name);
	for (unsigned i = 0; i < 6 && i < R.n; i++) {
		if (R.rec[i].dir != want[i] || R.pkt[i].dir != want[i]) {
			tap_diag("record %u: dir %d, want %d", i, R.rec[i].dir, want[i]);
			bad++;
		}
		if (R.rec[i].index != i || R.pkt[i].index != i || R.pkt[i].file_id != 3 ||
		    R.pkt[i].sport != 1000 + i || R.pkt[i].l4_csum != CSUM_OK ||
		    R.rec[i].linktype != DLT_EN10MB || R.rec[i].caplen != 60 ||
		    R.rec[i].wirelen != 60)
			bad++;
		if (i < 5 && (R.rec[i].ts_sec != FX_TS_SEC + i ||
			      R.rec[i].ts_nsec != (i * 1000 + 7) * 1000))
			bad++;
	}
	TEST(check_int(bad, ==, 0), "%s: epb_flags directions, index, time in ns, decode", name);
}

static void
test_cooked(const char *name, int dlt)
{
	static const enum pkt_dir want[] = {
		PKT_DIR_IN, PKT_DIR_OUT, PKT_DIR_IN, PKT_DIR_UNKNOWN,
	};
	int bad = 0;

	read_all(fix(name), &R);
	TEST(check_int(R.rc, ==, 0) && check_uint(R.n, ==, 4) && check_str(R.format, "pcap"),
	     "%s: 4 records", name);
	for (unsigned i = 0; i < 4 && i < R.n; i++)
		if (R.rec[i].dir != want[i] || R.rec[i].linktype != dlt ||
		    R.pkt[i].family != 4 || R.pkt[i].sport != 1000 + i ||
		    R.pkt[i].l4_csum != CSUM_OK || R.pkt[i].has_mac)
			bad++;
	TEST(check_int(bad, ==, 0), "%s: packet type gives direction, IPv4 decoded", name);
}

static void
test_links(void)
{
	read_all(fix("null.pcap"), &R);
	TEST(check_int(R.rc, ==, 0) && check_uint(R.n, ==, 2) &&
	     check_int(R.rec[0].linktype, ==, DLT_NULL) && check_uint(R.pkt[1].sport, ==, 1001) &&
	     check_uint(R.pkt[1].l4_csum, ==, CSUM_OK), "DLT_NULL capture");
	read_all(fix("raw.pcap"), &R);
	TEST(check_int(R.rc, ==, 0) && check_uint(R.n, ==, 2) &&
	     check_int(R.rec[0].linktype, ==, DLT_RAW) && check_uint(R.pkt[1].sport, ==, 1001) &&
	     check_uint(R.pkt[0].family, ==, 4), "LINKTYPE_RAW (101) read as DLT_RAW");
	read_all(fix("vlan.pcap"), &R);
	TEST(check_int(R.rc, ==, 0) && check_uint(R.pkt[1].n_vlans, ==, 1) &&
	     check_uint(R.pkt[1].vlan_ids[0], ==, 11) && check_uint(R.pkt[1].l4_csum, ==, CSUM_OK),
	     "802.1Q capture");
	read_all(fix("qinq.pcap"), &R);
	TEST(check_int(R.rc, ==, 0) && check_uint(R.pkt[0].n_vlans, ==, 2) &&
	     check_uint(R.pkt[0].vlan_ids[0], ==, 100) && check_uint(R.pkt[0].vlan_ids[1], ==, 20) &&
	     check_uint(R.pkt[0].sport, ==, 1000), "802.1ad + 802.1Q capture");
	read_all(fix("nsec.pcap"), &R);
	TEST(check_int(R.rc, ==, 0) && check_str(R.format, "pcap-ns") && check_uint(R.n, ==, 3) &&
	     check_uint(R.rec[2].ts_nsec, ==, 2007) && check_int(R.rec[2].ts_sec, ==, FX_TS_SEC + 2),
	     "nanosecond pcap keeps nanoseconds");
	read_all(fix("big-endian.pcap"), &R);
	TEST(check_int(R.rc, ==, 0) && check_str(R.format, "pcap") && check_uint(R.n, ==, 3) &&
	     check_uint(R.rec[1].ts_nsec, ==, 1007000) && check_uint(R.pkt[2].sport, ==, 1002),
	     "big-endian pcap, microseconds scaled to ns");
}

static void
test_errors(void)
{
	char want[8400];

	read_all(fix("truncated.pcap"), &R);
	snprintf(want, sizeof(want), "%s: record 2: ", fix("truncated.pcap"));
	TEST(check_int(R.rc, ==, ERR_INPUT) && check_uint(R.n, ==, 2) &&
	     check_uint(R.pkt[1].sport, ==, 1001) &&
	     check(strncmp(R.err, want, strlen(want)) == 0) && check(strstr(R.err, "truncated") != NULL),
	     "truncated pcap: records 0-1 returned, then '%s'", R.err);
	read_all(fix("bad-caplen.pcap"), &R);
	snprintf(want, sizeof(want), "%s: record 1: ", fix("bad-caplen.pcap"));
	TEST(check_int(R.rc, ==, ERR_INPUT) && check_uint(R.n, ==, 1) &&
	     check(strncmp(R.err, want, strlen(want)) == 0),
	     "corrupt record length: record 0 returned, then '%s'", R.err);
	read_all(fix("corrupt-block.pcapng"), &R);
	snprintf(want, sizeof(want), "%s: record 1: ", fix("corrupt-block.pcapng"));
	TEST(check_int(R.rc, ==, ERR_INPUT) && check_uint(R.n, ==, 1) &&
	     check_uint(R.rec[0].dir, ==, PKT_DIR_IN) &&
	     check(strncmp(R.err, want, strlen(want)) == 0),
	     "corrupt pcapng block: '%s'", R.err);
	read_all(fix("empty.pcap"), &R);
	TEST(check_int(R.rc, ==, ERR_INPUT) && check(strstr(R.err, "empty.pcap: empty file") != NULL),
	     "zero-length file: '%s'", R.err);
	read_all(fix("not-a-capture.txt"), &R);
	TEST(check_int(R.rc, ==, ERR_INPUT) &&
	     check(strstr(R.err, "not-a-capture.txt: not a pcap or pcapng file") != NULL),
	     "non-capture file: '%s'", R.err);
	read_all(fixdir, &R);
	TEST(check_int(R.rc, ==, ERR_INPUT) && check(strstr(R.err, "Is a directory") != NULL),
	     "a directory: '%s'", R.err);
	read_all(fix("does-not-exist.pcap"), &R);
	TEST(check_int(R.rc, ==, ERR_INPUT) && check(strstr(R.err, "does-not-exist.pcap: ") != NULL),
	     "missing file: '%s'", R.err);
}

static void
test_sniff(void)
{
	static const uint8_t us_le[] = { 0xd4, 0xc3, 0xb2, 0xa1 }, us_be[] = { 0xa1, 0xb2, 0xc3, 0xd4 };
	static const uint8_t ns_le[] = { 0x4d, 0x3c, 0xb2, 0xa1 }, ns_be[] = { 0xa1, 0xb2, 0x3c, 0x4d };
	static const uint8_t ng[] = { 0x0a, 0x0d, 0x0d, 0x0a }, txt[] = { 'h', 'e', 'l', 'l' };

	TEST(check(pcapsrc_sniff(us_le, 4)) && check(pcapsrc_sniff(us_be, 4)) &&
	     check(pcapsrc_sniff(ns_le, 4)) && check(pcapsrc_sniff(ns_be, 4)) &&
	     check(pcapsrc_sniff(ng, 4)), "sniff: pcap us/ns both byte orders, pcapng");
	TEST(check(!pcapsrc_sniff(txt, 4)) && check(!pcapsrc_sniff(ng, 3)) &&
	     check(!pcapsrc_sniff(NULL, 0)), "sniff: text, short buffer, NULL");
}

/* A capture written by libpcap itself: us timestamps, a snaplen-cut
 * record, and an ARP record counted like any other. */
static void
test_pcap_dump(void)
{
	char path[8192];
	struct pcap_pkthdr h;
	struct pb *f = malloc(sizeof(*f));
	pcap_dumper_t *d;
	pcap_t *p;

	if (!f)
		abort();
	snprintf(path, sizeof(path), "%s/dumped.pcap", tmpdir);
	p = pcap_open_dead(DLT_EN10MB, 65535);
	d = p ? pcap_dump_open(p, path) : NULL;
	if (!d) {
		TEST(0, "pcap_dump_open %s", path);
		if (p)
			pcap_close(p);
		free(f);
		return;
	}
	fx_frame(f, FX_ETH, 0, 0);
	h.ts.tv_sec = 1600000000;
	h.ts.tv_usec = 123456;
	h.caplen = h.len = (bpf_u_int32)f->n;
	pcap_dump((u_char *)d, &h, f->b);
	/* ARP */
	pb_init(f);
	pb_eth(f, 0x0806);
	pb_fill(f, 28);
	h.ts.tv_usec = 123457;
	h.caplen = h.len = (bpf_u_int32)f->n;
	pcap_dump((u_char *)d, &h, f->b);
	/* cut by the snaplen: 60-byte frame, 54 captured (headers only) */
	fx_frame(f, FX_ETH, 2, 0);
	h.ts.tv_usec = 999999;
	h.caplen = 54;
	h.len = (bpf_u_int32)f->n;
	pcap_dump((u_char *)d, &h, f->b);
	pcap_dump_close(d);
	pcap_close(p);
	free(f);

	read_all(path, &R);
	TEST(check_int(R.rc, ==, 0) && check_uint(R.n, ==, 3) && check_str(R.format, "pcap"),
	     "libpcap-written capture: 3 records");
	TEST(check_int(R.rec[0].ts_sec, ==, 1600000000) && check_uint(R.rec[0].ts_nsec, ==, 123456000) &&
	     check_uint(R.rec[2].ts_nsec, ==, 999999000), "microseconds come out as nanoseconds");
	TEST(check_uint(R.rec[1].index, ==, 1) && check_uint(R.pkt[1].family, ==, 0) &&
	     check(R.pkt[1].notes & PKT_NOTE_NOT_IP), "ARP record counted, not IP");
	TEST(check_uint(R.rec[2].caplen, ==, 54) && check_uint(R.rec[2].wirelen, ==, 60) &&
	     check(R.pkt[2].notes & PKT_NOTE_CAPLEN_SHORT) && check(R.pkt[2].has_l4) &&
	     check_uint(R.pkt[2].payload_len, ==, 6) && check_uint(R.pkt[2].l4_csum, ==, CSUM_UNKNOWN),
	     "snaplen-cut record: CAPLEN_SHORT, header fields intact");
	unlink(path);
}

/* Damaged pcapng and pcap files (deterministic byte changes and cuts):
 * libpcap and the pcapng side reader must end cleanly or with ERR_INPUT,
 * never crash (ASan), never return more records than the bytes can hold,
 * and read the same from memory as from the file. */
static uint32_t rng = 0x12345678u;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static void
test_damaged(void)
{
	struct fx_buf *w = malloc(sizeof(*w)), *m = malloc(sizeof(*m));
	char path[8192];
	int bad = 0, errors = 0, clean = 0;

	if (!w || !m)
		abort();
	snprintf(path, sizeof(path), "%s/damaged", tmpdir);
	for (unsigned it = 0; it < 600; it++) {
		unsigned kind = it % 3;

		if (kind == 0)
			fx_pcapng(w, 0);
		else if (kind == 1)
			fx_pcapng(w, 1);
		else
			fx_pcap(w, it & 1, 0xa1b2c3d4, 113, FX_SLL, 4);
		*m = *w;
		for (unsigned k = 0, n = 1 + rnd() % 4; k < n; k++) {
			size_t at = rnd() % m->n;

			/* half of the changes hit a length or a flags byte */
			if (rnd() & 1)
				at &= ~(size_t)3;
			m->b[at] = (uint8_t)rnd();
		}
		if (rnd() % 4 == 0)
			m->n = rnd() % (m->n + 1);
		if (fx_write(tmpdir, "damaged", m->b, m->n) != 0) {
			bad++;
			continue;
		}
		read_all(path, &R);
		read_any(path, &R2, true);
		if (R2.rc != R.rc || R2.n != R.n || strcmp(R.err, R2.err) != 0)
			bad++;
		if (R.rc == 0)
			clean++;
		else if (R.rc == ERR_INPUT)
			errors++;
		else
			bad++;
		if (R.n > m->n / 16)	/* a record takes >= 16 bytes */
			bad++;
	}
	unlink(path);
	free(w);
	free(m);
	TEST(check_int(bad, ==, 0) && check_int(clean + errors, ==, 600),
	     "600 damaged captures: %d read to the end, %d stopped with ERR_INPUT", clean, errors);
}

/*
 * The read-ahead ring (pcapsrc.c, struct ahead): 20 000 records of 0 to
 * 2 000 bytes (more than the 4096 records and 1 MiB of a batch, so many
 * batches and wraps of the ring) and one 2 MiB record (a batch of its own),
 * written by libpcap's pcap_dump; then the same file cut in the middle of a
 * record.  Every record's length, timestamp and bytes must be what a bare
 * libpcap loop reads, the numbering continuous, and the cut file must end
 * with the error naming the record after the last complete one.
 */
static uint64_t
rec_hash(const uint8_t *d, uint32_t n, uint64_t h)
{
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 1099511628211u;
	return h;
}

static int
big_read(const char *path, unsigned *n, uint64_t *h, char *err, size_t errlen, bool direct)
{
	struct run_ctx ctx;
	struct pcapsrc *src = NULL;
	struct pcap_rec r;
	int rc;

	*n = 0;
	*h = 14695981039346656037u;
	err[0] = '\0';
	if (direct) {
		char eb[PCAP_ERRBUF_SIZE];
		pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, eb);
		struct pcap_pkthdr *ph;
		const u_char *d;

		if (!p)
			return -100;
		while ((rc = pcap_next_ex(p, &ph, &d)) == 1) {
			*h = rec_hash(d, ph->caplen, *h ^ ph->caplen ^ (uint64_t)ph->ts.tv_usec << 20);
			(*n)++;
		}
		if (rc == PCAP_ERROR)
			snprintf(err, errlen, "%s: record %u: %s", path, *n, pcap_geterr(p));
		pcap_close(p);
		return rc == PCAP_ERROR_BREAK ? 0 : -1;
	}
	ctx_init(&ctx);
	rc = pcapsrc_open(&ctx, path, &src);
	if (rc == 0) {
		while ((rc = pcapsrc_next(src, &r)) == 1) {
			if (r.index != *n)
				*h = 0;	/* numbering broken: never matches */
			*h = rec_hash(r.data, r.caplen, *h ^ r.caplen ^ (uint64_t)r.ts_nsec << 20);
			(*n)++;
		}
		if (pcapsrc_records(src) != *n)
			rc = -98;
	}
	if (ctx.errors.n)
		snprintf(err, errlen, "%s", ctx.errors.v[0].text);
	pcapsrc_free(src);
	ctx_release(&ctx);
	return rc < 0 ? -1 : 0;
}

static void
test_read_ahead(void)
{
	char path[8192], cut[8192], e1[1024], e2[1024];
	struct pcap_pkthdr h;
	uint8_t *buf = malloc((2u << 20) + 64);	/* records start at offsets 0-63 */
	unsigned n1, n2;
	uint64_t h1, h2;
	pcap_dumper_t *d;
	pcap_t *p;
	int rc1, rc2;
	FILE *in, *out;
	long size;

	if (!buf)
		abort();
	snprintf(path, sizeof(path), "%s/ahead.pcap", tmpdir);
	snprintf(cut, sizeof(cut), "%s/ahead-cut.pcap", tmpdir);
	p = pcap_open_dead(DLT_DBUS, 4u << 20);	/* allows records above 256 KiB */
	d = p ? pcap_dump_open(p, path) : NULL;
	if (!d) {
		TEST(0, "pcap_dump_open %s", path);
		if (p)
			pcap_close(p);
		free(buf);
		return;
	}
	for (uint32_t i = 0; i < (2u << 20) + 64; i++)
		buf[i] = (uint8_t)(i * 7 + (i >> 11));
	for (unsigned i = 0; i < 20000; i++) {
		uint32_t len = i == 9000 ? (2u << 20) : (i * 37) % 2001;

		h.ts.tv_sec = 1600000000 + i / 1000;
		h.ts.tv_usec = i % 1000;
		h.caplen = h.len = len;
		pcap_dump((u_char *)d, &h, buf + (i % 64));
	}
	pcap_dump_close(d);
	pcap_close(p);
	free(buf);

	rc1 = big_read(path, &n1, &h1, e1, sizeof(e1), true);
	rc2 = big_read(path, &n2, &h2, e2, sizeof(e2), false);
	TEST(check_int(rc1, ==, 0) && check_int(rc2, ==, 0) && check_uint(n2, ==, 20000) &&
	     check_uint(n1, ==, n2) && check(h1 == h2),
	     "read-ahead: 20 000 records (one of 2 MiB) as libpcap reads them");
	{
		/* the caller stops early: the reader, blocked on a full ring, is
		 * stopped and joined by pcapsrc_free() (leaks and races: ASan, TSan) */
		struct run_ctx ctx;
		struct pcapsrc *src = NULL;
		struct pcap_rec r;
		int rc = -1;

		ctx_init(&ctx);
		if (pcapsrc_open(&ctx, path, &src) == 0 && pcapsrc_next(src, &r) == 1 &&
		    pcapsrc_next(src, &r) == 1) {
			usleep(100000);	/* let the reader fill the ring */
			rc = pcapsrc_next(src, &r) == 1 && r.index == 2 && r.caplen == 74 ? 0 : -2;
		}
		pcapsrc_free(src);
		ctx_release(&ctx);
		TEST(check_int(rc, ==, 0), "read-ahead: stopping after 3 of 20 000 records");
	}

	/* cut at the middle of the file: inside a record */
	in = fopen(path, "rb");
	out = fopen(cut, "wb");
	if (!in || !out || fseek(in, 0, SEEK_END) != 0 || (size = ftell(in)) < 0 ||
	    fseek(in, 0, SEEK_SET) != 0) {
		TEST(0, "copy %s", path);
	} else {
		for (long i = 0; i < size / 2 + 11; i++)
			fputc(fgetc(in), out);
	}
	if (in)
		fclose(in);
	if (out)
		fclose(out);
	rc1 = big_read(cut, &n1, &h1, e1, sizeof(e1), true);
	rc2 = big_read(cut, &n2, &h2, e2, sizeof(e2), false);
	TEST(check_int(rc1, ==, -1) && check_int(rc2, ==, -1) && check_uint(n1, >, 1000) &&
	     check_uint(n1, ==, n2) && check(h1 == h2) && check_str(e2, e1),
	     "read-ahead, cut capture: the records before the cut, then the error naming the record");
	tap_diag("%s", e2);
	unlink(path);
	unlink(cut);
}

static void
cleanup(void)
{
	static const char *names[] = {
		"epb-flags.pcapng", "epb-flags-be.pcapng", "sll.pcap", "sll2.pcap",
		"null.pcap", "raw.pcap", "vlan.pcap", "qinq.pcap", "nsec.pcap",
		"big-endian.pcap", "truncated.pcap", "bad-caplen.pcap",
		"corrupt-block.pcapng", "empty.pcap", "not-a-capture.txt",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[8192];

		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		unlink(path);
	}
	rmdir(tmpdir);
}

int
main(void)
{
	const char *top = getenv("top_srcdir");

	snprintf(fixdir, sizeof(fixdir), "%s/tests/data/pcap", top ? top : ".");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_fixtures_in_sync();
	test_pcapng("epb-flags.pcapng");
	test_pcapng("epb-flags-be.pcapng");
	test_cooked("sll.pcap", DLT_LINUX_SLL);
	test_cooked("sll2.pcap", DLT_LINUX_SLL2);
	test_links();
	test_errors();
	test_sniff();
	test_pcap_dump();
	test_mem();
	test_damaged();
	test_read_ahead();
	cleanup();
	return tap_done();
}
