/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * perturb - seeded, deterministic perturbation of packet flows for the kernel
 * differential test, plus two built-in generators.
 *
 *   perturb [--seed N] [--variants K] [--rate R] IN.pcap OUT.pcap
 *   perturb --make flows [--seed N] [--flows F] OUT.pcap
 *   perturb --make selftest|timeout|timeouts|regress OUT.pcap
 *
 * Mutation mode writes K variants of the flows of IN, one after the other.
 * Variant v gets its own addresses and ports (IPv4: last octet, IPv6: bytes
 * 6-7, ports >= 1024 shifted), so the variants are independent flows in one
 * replay, and its own random stream derived from (seed, v).  Variant 0 is
 * left unperturbed; the others get, with probabilities scaled by R (default
 * 1.0) and by the variant number:
 *   flow level:  cut the handshake (drop SYN and/or SYN-ACK),
 *                remove one direction of a flow;
 *   packet level: drop, duplicate, reorder (swap with the next), shift SEQ or
 *                ACK (small or large delta), corrupt the L4 checksum,
 *                truncate the L4 header, lie in the UDP length field,
 *                add SYN/FIN/RST or clear ACK, set TTL/hop limit to 1,
 *                zero the TCP window.
 * Checksums that were correct stay correct after an edit (recomputed), wrong
 * ones stay as they were, except where corrupting them is the perturbation.
 * The same (input, seed, K, R) always gives the same bytes.
 *
 * `--make flows` synthesises F plain TCP and UDP flows (IPv4 and IPv6) with
 * handshakes, data both ways, window scaling, FIN or RST endings: a base for
 * mutation that needs no namespaces.  `--make selftest` writes the small
 * capture the lab's own test checks exact kernel lines against, `--make
 * timeout` one for conntrack expiry with the original timing, `--make
 * timeouts` one flow per TCP state for per-state timeouts (make_timeouts()),
 * `--make regress` fixed cases the engine once got wrong (make_regress()).
 *
 * Test tooling, not part of ctexplain.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#define SNAP 262144

struct frame {
	uint8_t *d;
	uint32_t len;		/* captured length */
	uint32_t wire;		/* original length */
	int64_t sec;
	uint32_t nsec;
};

struct fvec {
	struct frame *v;
	size_t n, alloc;
};

/* Parsed view of one frame (offsets into d). */
struct view {
	bool ip;
	uint8_t family;
	uint32_t l3;		/* offset of the IP header */
	uint32_t l3hl;		/* IP header length incl. IPv6 ext headers we skip */
	uint32_t l4;		/* offset of the L4 header (first fragment) */
	uint32_t l4len;		/* claimed L4 length from the IP header */
	uint8_t proto;
	bool frag, first_frag;
	bool whole;		/* all l4len bytes captured */
};

static void
die(const char *fmt, const char *a)
{
	fprintf(stderr, "perturb: ");
	fprintf(stderr, fmt, a);
	fputc('\n', stderr);
	exit(1);
}

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p && n)
		die("%s", "out of memory");
	return p;
}

/* --- random: splitmix64 --- */
static uint64_t
rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* true with probability p */
static bool
chance(uint64_t *s, double p)
{
	return (double)(rnd(s) >> 11) / 9007199254740992.0 < p;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
sum16(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += get16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* --- parsing --- */
static void
parse(const struct frame *f, struct view *v)
{
	const uint8_t *d = f->d;
	uint32_t off = 12, n = f->len, tot;
	uint16_t et;

	memset(v, 0, sizeof(*v));
	if (n < 14)
		return;
	et = get16(d + off);
	while ((et == 0x8100 || et == 0x88a8) && off + 6 <= n) {
		off += 4;
		et = get16(d + off);
	}
	off += 2;
	v->l3 = off;
	if (et == 0x0800 && off + 20 <= n && (d[off] >> 4) == 4) {
		uint32_t ihl = (uint32_t)(d[off] & 15) * 4;
		uint16_t fo = get16(d + off + 6);

		if (ihl < 20 || off + ihl > n)
			return;
		tot = get16(d + off + 2);
		if (tot < ihl)
			return;
		v->ip = true;
		v->family = 4;
		v->l3hl = ihl;
		v->proto = d[off + 9];
		v->frag = (fo & 0x3fff) != 0;
		v->first_frag = (fo & 0x1fff) == 0;
		v->l4 = off + ihl;
		v->l4len = tot - ihl;
	} else if (et == 0x86dd && off + 40 <= n && (d[off] >> 4) == 6) {
		uint8_t nh = d[off + 6];
		uint32_t p = off + 40, plen = get16(d + off + 4);

		v->ip = true;
		v->family = 6;
		v->first_frag = true;
		/* skip hop-by-hop, routing, destination options, fragment */
		while ((nh == 0 || nh == 43 || nh == 60 || nh == 44) && p + 8 <= n) {
			if (nh == 44) {
				v->frag = true;
				v->first_frag = (get16(d + p + 2) & 0xfff8) == 0;
				nh = d[p];
				p += 8;
			} else {
				uint32_t l = ((uint32_t)d[p + 1] + 1) * 8;

				nh = d[p];
				p += l;
			}
		}
		if (p - off - 40 > plen)
			return;
		v->l3hl = p - off;
		v->proto = nh;
		v->l4 = p;
		v->l4len = plen - (p - off - 40);
	} else {
		return;
	}
	v->whole = v->l4 + v->l4len <= n && !v->frag;
}

static uint32_t
pseudo(const struct frame *f, const struct view *v, uint32_t l4len)
{
	const uint8_t *d = f->d + v->l3;
	uint32_t s = 0;

	if (v->family == 4) {
		s = sum16(s, d + 12, 8);
	} else {
		s = sum16(s, d + 8, 32);
		s += l4len >> 16;
	}
	s += l4len & 0xffff;
	s += v->proto;
	return s;
}

/* Offset of the L4 checksum field, or 0 when the protocol has none we know. */
static uint32_t
csum_off(const struct view *v)
{
	switch (v->proto) {
	case 6:
		return v->l4 + 16;
	case 17:
		return v->l4 + 6;
	case 58:
		return v->l4 + 2;
	case 1:
		return v->l4 + 2;
	default:
		return 0;
	}
}

/* Compute the correct L4 checksum (whole, unfragmented packets only). */
static bool
l4_csum(const struct frame *f, const struct view *v, uint16_t *out)
{
	uint32_t co = csum_off(v), s;
	uint8_t save[2];

	if (!v->whole || !co || co + 2 > v->l4 + v->l4len)
		return false;
	if (v->proto == 6 && v->l4len < 20)
		return false;
	if (v->proto == 17 && v->l4len < 8)
		return false;
	save[0] = f->d[co];
	save[1] = f->d[co + 1];
	f->d[co] = f->d[co + 1] = 0;
	s = v->proto == 1 ? 0 : pseudo(f, v, v->l4len);	/* ICMPv4: no pseudo header */
	s = sum16(s, f->d + v->l4, v->l4len);
	f->d[co] = save[0];
	f->d[co + 1] = save[1];
	*out = fold(s);
	if (v->proto == 17 && *out == 0)
		*out = 0xffff;
	return true;
}

/* Checksum state remembered before an edit. */
struct csum_state {
	bool l4_ok, ip_ok, udp_zero;
};

static struct csum_state
csum_before(const struct frame *f, const struct view *v)
{
	struct csum_state c = { false, false, false };
	uint16_t want;
	uint32_t co = csum_off(v);

	if (v->family == 4)
		c.ip_ok = fold(sum16(0, f->d + v->l3, v->l3hl)) == 0;
	if (v->proto == 17 && v->family == 4 && co && co + 2 <= f->len &&
	    get16(f->d + co) == 0)
		c.udp_zero = true;
	if (l4_csum(f, v, &want))
		c.l4_ok = get16(f->d + co) == want;
	return c;
}

static void
csum_after(struct frame *f, const struct view *v, struct csum_state c)
{
	uint16_t want;

	if (v->family == 4 && c.ip_ok) {
		put16(f->d + v->l3 + 10, 0);
		put16(f->d + v->l3 + 10, fold(sum16(0, f->d + v->l3, v->l3hl)));
	}
	if (c.udp_zero)
		return;
	if (c.l4_ok && l4_csum(f, v, &want))
		put16(f->d + csum_off(v), want);
}

/* --- pcap I/O --- */
static void
load(const char *path, struct fvec *out)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, eb);
	struct pcap_pkthdr *h;
	const u_char *d;
	int rc;

	if (!p)
		die("%s", eb);
	if (pcap_datalink(p) != DLT_EN10MB)
		die("%s: only Ethernet captures can be perturbed", path);
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		struct frame *f;

		if (out->n == out->alloc) {
			out->alloc = out->alloc ? out->alloc * 2 : 256;
			out->v = xrealloc(out->v, out->alloc * sizeof(*out->v));
		}
		f = &out->v[out->n++];
		f->len = h->caplen;
		f->wire = h->len;
		f->sec = h->ts.tv_sec;
		f->nsec = (uint32_t)h->ts.tv_usec;
		f->d = xrealloc(NULL, f->len ? f->len : 1);
		memcpy(f->d, d, f->len);
	}
	if (rc != PCAP_ERROR_BREAK)
		die("%s: truncated or corrupt capture", path);
	pcap_close(p);
}

struct writer {
	pcap_t *dead;
	pcap_dumper_t *d;
};

static void
w_open(struct writer *w, const char *path)
{
	w->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, SNAP,
						       PCAP_TSTAMP_PRECISION_NANO);
	w->d = pcap_dump_open(w->dead, path);
	if (!w->d)
		die("%s", pcap_geterr(w->dead));
}

static void
w_frame(struct writer *w, const struct frame *f)
{
	struct pcap_pkthdr h;

	h.ts.tv_sec = f->sec;
	h.ts.tv_usec = (suseconds_t)f->nsec;
	h.caplen = f->len;
	h.len = f->wire < f->len ? f->len : f->wire;
	pcap_dump((u_char *)w->d, &h, f->d);
}

static void
w_close(struct writer *w)
{
	if (pcap_dump_flush(w->d) < 0)
		die("%s", "write error");
	pcap_dump_close(w->d);
	pcap_close(w->dead);
}

/* --- flows of the base capture --- */
struct flow {
	uint8_t key[38];	/* canonical: family, proto, lower endpoint, higher */
	uint8_t a_addr[16];	/* first sender ("client") */
	uint16_t a_port;
	bool cut_syn, cut_synack, drop_a, drop_b;
};

static void
endpoints(const struct frame *f, const struct view *v, uint8_t s[18], uint8_t d[18])
{
	size_t al = v->family == 6 ? 16 : 4;
	uint32_t sa = v->family == 6 ? v->l3 + 8 : v->l3 + 12;
	uint32_t da = v->family == 6 ? v->l3 + 24 : v->l3 + 16;

	memset(s, 0, 18);
	memset(d, 0, 18);
	memcpy(s, f->d + sa, al);
	memcpy(d, f->d + da, al);
	if ((v->proto == 6 || v->proto == 17 || v->proto == 136) && v->first_frag &&
	    v->l4 + 4 <= f->len) {
		memcpy(s + 16, f->d + v->l4, 2);
		memcpy(d + 16, f->d + v->l4 + 2, 2);
	}
}

static void
flow_key(const struct frame *f, const struct view *v, uint8_t key[38], bool *from_lower)
{
	uint8_t s[18], d[18];

	endpoints(f, v, s, d);
	key[0] = v->family;
	key[1] = v->proto;
	*from_lower = memcmp(s, d, 18) <= 0;
	memcpy(key + 2, *from_lower ? s : d, 18);
	memcpy(key + 20, *from_lower ? d : s, 18);
}

/* --- address / port remapping for variant v --- */
static void
remap(struct frame *f, const struct view *v, unsigned var)
{
	uint32_t sa, i;

	if (var == 0)
		return;
	sa = v->family == 6 ? v->l3 + 8 : v->l3 + 12;
	for (i = 0; i < 2; i++) {
		uint8_t *a = f->d + sa + i * (v->family == 6 ? 16 : 4);

		if (v->family == 4) {
			/* keep the /24, move the host part */
			a[3] = (uint8_t)(((unsigned)a[3] + 7 * var) % 253 + 1);
		} else {
			a[6] = (uint8_t)(var >> 8);
			a[7] = (uint8_t)var;
		}
	}
	if ((v->proto == 6 || v->proto == 17 || v->proto == 136) && v->first_frag &&
	    v->l4 + 4 <= f->len) {
		for (i = 0; i < 2; i++) {
			uint16_t p = get16(f->d + v->l4 + 2 * i);

			if (p >= 1024)
				put16(f->d + v->l4 + 2 * i,
				      (uint16_t)(1024 + (p - 1024 + 101u * var) % 64512u));
		}
	}
}

/* --- packet-level edits --- */
static bool
is_tcp(const struct frame *f, const struct view *v, uint32_t need)
{
	return v->ip && v->proto == 6 && v->first_frag && v->l4 + need <= f->len &&
	       v->l4len >= need;
}

static bool
is_udp(const struct frame *f, const struct view *v)
{
	return v->ip && v->proto == 17 && v->first_frag && !v->frag &&
	       v->l4 + 8 <= f->len && v->l4len >= 8;
}

/* Cut the packet inside its L4 header: IP length and frame shortened. */
static void
truncate_l4(struct frame *f, const struct view *v, uint64_t *rs)
{
	uint32_t hdr = v->proto == 6 ? 20 : v->proto == 17 ? 8 : 4, keep, newl3;

	if (v->frag || v->l4len < 2 || v->l4 + 1 > f->len)
		return;
	if (hdr > v->l4len)
		hdr = v->l4len;
	keep = (uint32_t)(rnd(rs) % hdr);	/* 0 .. hdr-1 bytes of L4 */
	newl3 = v->l3hl + keep;
	if (v->family == 4) {
		bool ok = fold(sum16(0, f->d + v->l3, v->l3hl)) == 0;

		put16(f->d + v->l3 + 2, (uint16_t)newl3);
		if (ok) {
			put16(f->d + v->l3 + 10, 0);
			put16(f->d + v->l3 + 10, fold(sum16(0, f->d + v->l3, v->l3hl)));
		}
	} else {
		put16(f->d + v->l3 + 4, (uint16_t)(newl3 - 40));
	}
	if (v->l3 + newl3 < f->len)
		f->len = v->l3 + newl3;
	f->wire = f->len;
}

static void
mutate(struct frame *f, uint64_t *rs, double p)
{
	struct view v;
	struct csum_state c;
	uint64_t r;

	parse(f, &v);
	if (!v.ip)
		return;
	c = csum_before(f, &v);
	if (is_tcp(f, &v, 20) && chance(rs, p * 0.04)) {
		/* shift SEQ or ACK */
		uint32_t off = v.l4 + (chance(rs, 0.5) ? 4 : 8);
		uint32_t delta;

		r = rnd(rs);
		switch (r % 4) {
		case 0: delta = (uint32_t)(1 + (r >> 8) % 1500); break;
		case 1: delta = (uint32_t)-(int32_t)(1 + (r >> 8) % 1500); break;
		case 2: delta = (uint32_t)(60000 + (r >> 8) % 2000000); break;
		default: delta = (uint32_t)(r >> 32); break;
		}
		put32(f->d + off, get32(f->d + off) + delta);
	}
	if (is_tcp(f, &v, 20) && chance(rs, p * 0.015)) {
		/* flags: add SYN / FIN / RST, or clear ACK */
		static const uint8_t bits[] = { 0x02, 0x01, 0x04, 0x10 };
		uint8_t b = bits[rnd(rs) % 4];

		f->d[v.l4 + 13] ^= b;
	}
	if (is_tcp(f, &v, 20) && chance(rs, p * 0.01))
		put16(f->d + v.l4 + 14, 0);	/* zero window */
	if (is_udp(f, &v) && chance(rs, p * 0.03)) {
		/* UDP length lies */
		uint16_t ul = get16(f->d + v.l4 + 4);

		r = rnd(rs);
		if (r & 1)
			ul = (uint16_t)(ul + 1 + (r >> 8) % 40);
		else
			ul = (uint16_t)((r >> 8) % (ul ? ul : 1));
		put16(f->d + v.l4 + 4, ul);
	}
	if (chance(rs, p * 0.01)) {
		if (v.family == 4)
			f->d[v.l3 + 8] = 1;
		else
			f->d[v.l3 + 7] = 1;
	}
	csum_after(f, &v, c);
	if ((is_tcp(f, &v, 20) || is_udp(f, &v)) && chance(rs, p * 0.015)) {
		uint32_t co = csum_off(&v);
		uint16_t cs = get16(f->d + co) ^ (uint16_t)(1u << (rnd(rs) % 16));

		if (cs == 0)
			cs = 0x8000;
		put16(f->d + co, cs);
	}
	if (v.first_frag && chance(rs, p * 0.006))
		truncate_l4(f, &v, rs);
}

static struct frame
copy_frame(const struct frame *f)
{
	struct frame c = *f;

	c.d = xrealloc(NULL, f->len ? f->len : 1);
	memcpy(c.d, f->d, f->len);
	return c;
}

static int
run_mutate(const char *in, const char *out, uint64_t seed, unsigned variants, double rate)
{
	struct fvec base = { 0 };
	struct flow *flows = NULL;
	size_t nflows = 0, i, j;
	struct writer w;
	uint8_t (*seen)[38] = NULL;
	size_t nseen = 0, seen_alloc = 0;
	unsigned var, skipped = 0;
	uint64_t written = 0;

	load(in, &base);
	/* distinct flows of the base capture */
	for (i = 0; i < base.n; i++) {
		struct view v;
		uint8_t key[38];
		bool lower;

		parse(&base.v[i], &v);
		if (!v.ip)
			continue;
		flow_key(&base.v[i], &v, key, &lower);
		for (j = 0; j < nflows; j++)
			if (memcmp(flows[j].key, key, 38) == 0)
				break;
		if (j == nflows) {
			uint8_t s[18], d[18];

			flows = xrealloc(flows, (nflows + 1) * sizeof(*flows));
			memset(&flows[nflows], 0, sizeof(*flows));
			memcpy(flows[nflows].key, key, 38);
			endpoints(&base.v[i], &v, s, d);
			memcpy(flows[nflows].a_addr, s, 16);
			flows[nflows].a_port = get16(s + 16);
			nflows++;
		}
	}

	w_open(&w, out);
	for (var = 0; var < variants; var++) {
		uint64_t rs = seed * 0x100000001b3ULL + var * 0x9e3779b97f4a7c15ULL + 1;
		double p = var == 0 ? 0.0 : rate * (0.5 + (double)(var % 4));
		struct fvec vv = { 0 };
		int64_t tshift = (int64_t)var * 3600;
		bool clash = false;
		size_t first_seen = nseen;

		rnd(&rs);
		for (j = 0; j < nflows; j++) {
			flows[j].cut_syn = var && chance(&rs, p * 0.05);
			flows[j].cut_synack = var && chance(&rs, p * 0.05);
			flows[j].drop_a = var && chance(&rs, p * 0.03);
			flows[j].drop_b = var && !flows[j].drop_a && chance(&rs, p * 0.03);
		}
		for (i = 0; i < base.n; i++) {
			const struct frame *bf = &base.v[i];
			struct frame f;
			struct view v;
			uint8_t key[38], s[18], d[18];
			bool lower, from_a = true;
			struct flow *fl = NULL;
			int copies = 1;

			parse(bf, &v);
			if (v.ip) {
				flow_key(bf, &v, key, &lower);
				for (j = 0; j < nflows; j++)
					if (memcmp(flows[j].key, key, 38) == 0)
						fl = &flows[j];
				endpoints(bf, &v, s, d);
				from_a = fl && memcmp(s, fl->a_addr, 16) == 0 &&
					 get16(s + 16) == fl->a_port;
			}
			if (fl && (v.proto == 6) && is_tcp(bf, &v, 14)) {
				uint8_t fb = bf->d[v.l4 + 13];

				if ((fb & 0x17) == 0x02 && fl->cut_syn)
					continue;
				if ((fb & 0x17) == 0x12 && fl->cut_synack)
					continue;
			}
			if (fl && ((from_a && fl->drop_a) || (!from_a && fl->drop_b)))
				continue;
			if (v.ip && chance(&rs, p * 0.03))
				continue;	/* drop */
			if (v.ip && chance(&rs, p * 0.03))
				copies = 2;	/* duplicate */
			f = copy_frame(bf);
			if (v.ip) {
				struct csum_state c = csum_before(&f, &v);

				remap(&f, &v, var);
				csum_after(&f, &v, c);
				mutate(&f, &rs, p);
				/* remember the variant's flows to detect clashes */
				parse(&f, &v);
				if (v.ip) {
					uint8_t k2[38];
					size_t q;

					flow_key(&f, &v, k2, &lower);
					for (q = first_seen; q < nseen; q++)
						if (memcmp(seen[q], k2, 38) == 0)
							break;
					if (q == nseen) {
						size_t e;

						/* a new flow of this variant: not one of an
						 * earlier variant? */
						for (e = 0; e < first_seen && !clash; e++)
							if (memcmp(seen[e], k2, 38) == 0)
								clash = true;
						if (nseen == seen_alloc) {
							seen_alloc = seen_alloc ? seen_alloc * 2 : 256;
							seen = xrealloc(seen, seen_alloc * sizeof(*seen));
						}
						memcpy(seen[nseen++], k2, 38);
					}
				}
			}
			f.sec += tshift;
			while (copies-- > 0) {
				if (vv.n == vv.alloc) {
					vv.alloc = vv.alloc ? vv.alloc * 2 : 256;
					vv.v = xrealloc(vv.v, vv.alloc * sizeof(*vv.v));
				}
				vv.v[vv.n++] = copies ? copy_frame(&f) : f;
			}
		}
		/* reorder: swap neighbours */
		for (i = 0; var && i + 1 < vv.n; i++) {
			if (chance(&rs, p * 0.03)) {
				struct frame t = vv.v[i];

				vv.v[i] = vv.v[i + 1];
				vv.v[i + 1] = t;
				i++;
			}
		}
		if (clash) {
			skipped++;
			nseen = first_seen;
		}
		for (i = 0; i < vv.n; i++) {
			if (!clash) {
				w_frame(&w, &vv.v[i]);
				written++;
			}
			free(vv.v[i].d);
		}
		free(vv.v);
	}
	w_close(&w);
	for (i = 0; i < base.n; i++)
		free(base.v[i].d);
	free(base.v);
	free(flows);
	free(seen);
	fprintf(stderr, "perturb: %s: %zu records, %zu flows -> %s: %u variants, %" PRIu64
		" records%s\n", in, base.n, nflows, out, variants - skipped, written,
		skipped ? " (variants with clashing flows left out)" : "");
	return 0;
}

/* --- generators --- */
struct gen {
	struct writer w;
	int64_t sec;
	uint32_t nsec;
	uint16_t ipid;
};

static void
gen_tick(struct gen *g, uint32_t us)
{
	g->nsec += us * 1000;
	while (g->nsec >= 1000000000u) {
		g->nsec -= 1000000000u;
		g->sec++;
	}
}

/* Emit one IPv4/IPv6 packet with an L4 payload; checksum fixed unless bad. */
static void
gen_emit(struct gen *g, int fam, const uint8_t *src, const uint8_t *dst, uint8_t proto,
	 uint8_t ttl, uint8_t *l4, uint32_t l4len, int csum_mode)
{
	uint8_t buf[2048];
	struct frame f;
	struct view v;
	uint32_t l3 = 14, hl = fam == 4 ? 20 : 40;
	uint16_t cs;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	if (fam == 4) {
		put16(buf + 12, 0x0800);
		buf[l3] = 0x45;
		put16(buf + l3 + 2, (uint16_t)(20 + l4len));
		put16(buf + l3 + 4, g->ipid++);
		buf[l3 + 6] = 0x40;
		buf[l3 + 8] = ttl;
		buf[l3 + 9] = proto;
		memcpy(buf + l3 + 12, src, 4);
		memcpy(buf + l3 + 16, dst, 4);
		put16(buf + l3 + 10, fold(sum16(0, buf + l3, 20)));
	} else {
		put16(buf + 12, 0x86dd);
		buf[l3] = 0x60;
		put16(buf + l3 + 4, (uint16_t)l4len);
		buf[l3 + 6] = proto;
		buf[l3 + 7] = ttl;
		memcpy(buf + l3 + 8, src, 16);
		memcpy(buf + l3 + 24, dst, 16);
	}
	memcpy(buf + l3 + hl, l4, l4len);
	f.d = buf;
	f.len = f.wire = l3 + hl + l4len;
	f.sec = g->sec;
	f.nsec = g->nsec;
	parse(&f, &v);
	if (csum_mode != 2 && l4_csum(&f, &v, &cs)) {	/* 2: keep the field */
		if (csum_mode == 1)
			cs ^= 0x0101;
		put16(buf + csum_off(&v), cs);
	}
	w_frame(&g->w, &f);
	gen_tick(g, 50);
}

static uint32_t
gen_tcp(uint8_t *o, uint16_t sp, uint16_t dp, uint32_t seq, uint32_t ack, uint8_t fl,
	uint16_t win, int wscale, uint32_t paylen)
{
	uint32_t hl = wscale >= 0 ? 24 : 20, i;

	memset(o, 0, hl + paylen);
	put16(o, sp);
	put16(o + 2, dp);
	put32(o + 4, seq);
	put32(o + 8, ack);
	o[12] = (uint8_t)((hl / 4) << 4);
	o[13] = fl;
	put16(o + 14, win);
	if (wscale >= 0) {
		o[20] = 1;	/* NOP */
		o[21] = 3;
		o[22] = 3;
		o[23] = (uint8_t)wscale;
	}
	for (i = 0; i < paylen; i++)
		o[hl + i] = (uint8_t)('a' + i % 26);
	return hl + paylen;
}

/* A TCP segment with raw option bytes (@olen a multiple of 4, <= 40). */
static uint32_t
gen_tcp_raw(uint8_t *o, uint16_t sp, uint16_t dp, uint32_t seq, uint32_t ack, uint8_t fl,
	    uint16_t win, const uint8_t *opt, uint32_t olen, uint32_t paylen)
{
	uint32_t l = gen_tcp(o, sp, dp, seq, ack, fl, win, -1, 0), i;

	memcpy(o + 20, opt, olen);
	o[12] = (uint8_t)(((20 + olen) / 4) << 4);
	for (i = 0; i < paylen; i++)
		o[20 + olen + i] = (uint8_t)('a' + i % 26);
	return l + olen + paylen;
}

static void
addr_of(int fam, int host, int net, uint8_t *a)
{
	static const uint8_t nets[3][3] = { { 192, 0, 2 }, { 198, 51, 100 }, { 203, 0, 113 } };

	memset(a, 0, 16);
	if (fam == 4) {
		memcpy(a, nets[net % 3], 3);
		a[3] = (uint8_t)host;
	} else {
		a[0] = 0x20;
		a[1] = 0x01;
		a[2] = 0x0d;
		a[3] = 0xb8;
		a[5] = (uint8_t)(net + 1);
		a[15] = (uint8_t)host;
	}
}

/* F flows: TCP with handshake/data/close and UDP request/response. */
static int
make_flows(const char *out, uint64_t seed, unsigned nflows)
{
	struct gen g = { .sec = 1795000000, .nsec = 0, .ipid = 1 };
	uint8_t l4[2048], c[16], s[16];
	uint64_t rs = seed + 12345;
	unsigned k;

	w_open(&g.w, out);
	for (k = 0; k < nflows; k++) {
		int fam = (k % 3 == 2) ? 6 : 4;
		uint16_t cp = (uint16_t)(20000 + (k * 37) % 40000), sp = (uint16_t)(80 + k % 7);
		uint32_t cs = (uint32_t)rnd(&rs), ss = (uint32_t)rnd(&rs), l;
		int cws = (int)(rnd(&rs) % 9) - 1, sws = (int)(rnd(&rs) % 9) - 1;
		unsigned n, i;

		addr_of(fam, 1 + k % 250, 0, c);
		addr_of(fam, 1 + (k * 7) % 250, 1, s);
		if (k % 4 == 3) {
			/* UDP exchange */
			for (i = 0; i < 6; i++) {
				uint32_t pl = 20 + (uint32_t)(rnd(&rs) % 400);
				bool up = i % 2 == 0;

				memset(l4, 0, 8 + pl);
				put16(l4, up ? cp : sp);
				put16(l4 + 2, up ? sp : cp);
				put16(l4 + 4, (uint16_t)(8 + pl));
				gen_emit(&g, fam, up ? c : s, up ? s : c, 17, 64, l4, 8 + pl, 0);
			}
			continue;
		}
		if (cws < 0 || sws < 0)
			cws = sws = -1;	/* window scaling only when both offer it */
		l = gen_tcp(l4, cp, sp, cs, 0, 0x02, 64240, cws, 0);
		gen_emit(&g, fam, c, s, 6, 64, l4, l, 0);
		l = gen_tcp(l4, sp, cp, ss, cs + 1, 0x12, 65160, sws, 0);
		gen_emit(&g, fam, s, c, 6, 64, l4, l, 0);
		cs++;
		ss++;
		l = gen_tcp(l4, cp, sp, cs, ss, 0x10, 502, -1, 0);
		gen_emit(&g, fam, c, s, 6, 64, l4, l, 0);
		n = 2 + (unsigned)(rnd(&rs) % 10);
		for (i = 0; i < n; i++) {
			uint32_t pl = 1 + (uint32_t)(rnd(&rs) % 1400);
			bool up = rnd(&rs) % 3 != 0;

			if (up) {
				l = gen_tcp(l4, cp, sp, cs, ss, 0x18, 502, -1, pl);
				gen_emit(&g, fam, c, s, 6, 64, l4, l, 0);
				cs += pl;
				l = gen_tcp(l4, sp, cp, ss, cs, 0x10, 510, -1, 0);
				gen_emit(&g, fam, s, c, 6, 64, l4, l, 0);
			} else {
				l = gen_tcp(l4, sp, cp, ss, cs, 0x18, 510, -1, pl);
				gen_emit(&g, fam, s, c, 6, 64, l4, l, 0);
				ss += pl;
				l = gen_tcp(l4, cp, sp, cs, ss, 0x10, 502, -1, 0);
				gen_emit(&g, fam, c, s, 6, 64, l4, l, 0);
			}
		}
		if (k % 5 == 4) {
			l = gen_tcp(l4, cp, sp, cs, ss, 0x14, 0, -1, 0);
			gen_emit(&g, fam, c, s, 6, 64, l4, l, 0);
			continue;
		}
		l = gen_tcp(l4, cp, sp, cs, ss, 0x11, 502, -1, 0);
		gen_emit(&g, fam, c, s, 6, 64, l4, l, 0);
		l = gen_tcp(l4, sp, cp, ss, cs + 1, 0x11, 510, -1, 0);
		gen_emit(&g, fam, s, c, 6, 64, l4, l, 0);
		l = gen_tcp(l4, cp, sp, cs + 1, ss + 1, 0x10, 502, -1, 0);
		gen_emit(&g, fam, c, s, 6, 64, l4, l, 0);
	}
	w_close(&g.w);
	return 0;
}

/*
 * The lab self-test capture.  Expected kernel lines (record: message):
 *   0  ARP (skipped, but counted)
 *   4  invalid tcp flag combination            (RST+SYN)
 *   5  bad checksum                            (UDP over IPv4)
 *   8  SEQ is over upper bound ...             (flow whose SYN had TTL 1:
 *                                               proves it stayed tracked)
 *   9  bad checksum                            (UDP over IPv6)
 */
static int
make_selftest(const char *out)
{
	struct gen g = { .sec = 1795000000, .nsec = 0, .ipid = 1 };
	uint8_t l4[256], a[16], b[16], a6[16], b6[16], arp[42];
	struct frame f;
	uint32_t l;

	addr_of(4, 1, 0, a);
	addr_of(4, 1, 1, b);
	addr_of(6, 1, 0, a6);
	addr_of(6, 2, 0, b6);
	w_open(&g.w, out);
	/* 0: ARP request */
	memset(arp, 0, sizeof(arp));
	memcpy(arp, "\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01\x08\x06", 14);
	memcpy(arp + 14, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
	f.d = arp;
	f.len = f.wire = sizeof(arp);
	f.sec = g.sec;
	f.nsec = g.nsec;
	w_frame(&g.w, &f);
	gen_tick(&g, 50);
	/* 1-3: a clean handshake */
	l = gen_tcp(l4, 40000, 80, 1000, 0, 0x02, 64240, 7, 0);
	gen_emit(&g, 4, a, b, 6, 64, l4, l, 0);
	l = gen_tcp(l4, 80, 40000, 5000, 1001, 0x12, 65160, 7, 0);
	gen_emit(&g, 4, b, a, 6, 64, l4, l, 0);
	l = gen_tcp(l4, 40000, 80, 1001, 5001, 0x10, 502, -1, 0);
	gen_emit(&g, 4, a, b, 6, 64, l4, l, 0);
	/* 4: RST+SYN */
	l = gen_tcp(l4, 40001, 80, 1, 0, 0x06, 1000, -1, 0);
	gen_emit(&g, 4, a, b, 6, 64, l4, l, 0);
	/* 5: UDP with a bad checksum */
	memset(l4, 0, 8 + 12);
	put16(l4, 5000);
	put16(l4 + 2, 53);
	put16(l4 + 4, 20);
	gen_emit(&g, 4, a, b, 17, 64, l4, 20, 1);
	/* 6-8: SYN with TTL 1, SYN-ACK, ACK far beyond the window */
	l = gen_tcp(l4, 40002, 80, 7000, 0, 0x02, 64240, -1, 0);
	gen_emit(&g, 4, a, b, 6, 1, l4, l, 0);
	l = gen_tcp(l4, 80, 40002, 9000, 7001, 0x12, 65160, -1, 0);
	gen_emit(&g, 4, b, a, 6, 64, l4, l, 0);
	l = gen_tcp(l4, 40002, 80, 7001 + 3000000, 9001, 0x10, 502, -1, 10);
	gen_emit(&g, 4, a, b, 6, 64, l4, l, 0);
	/* 9: IPv6 UDP with a bad checksum */
	memset(l4, 0, 8 + 12);
	put16(l4, 5001);
	put16(l4 + 2, 53);
	put16(l4 + 4, 20);
	gen_emit(&g, 6, a6, b6, 17, 64, l4, 20, 1);
	/* 10: data on the clean flow: no line */
	l = gen_tcp(l4, 40000, 80, 1001, 5001, 0x18, 502, -1, 100);
	gen_emit(&g, 4, a, b, 6, 64, l4, l, 0);
	w_close(&g.w);
	return 0;
}

/*
 * Expiry test capture (replay with --timing original and
 * nf_conntrack_tcp_timeout_established=1, nf_conntrack_tcp_loose=0):
 * records 0-4 an IPv4 and 5-9 an IPv6 connection (handshake, data, ACK),
 * then 2.5 s later a FIN on both (records 10, 11): the kernel has expired the
 * entries by then, so both are new FIN packets -> "invalid new" (a plain ACK
 * would be dropped silently with tcp_loose=0).
 * Replayed back to back, nothing is logged.
 */
static int
make_timeout(const char *out)
{
	struct gen g = { .sec = 1795000000, .nsec = 0, .ipid = 1 };
	uint8_t l4[256], a[2][16], b[2][16];
	uint32_t l;
	int fam, k;

	addr_of(4, 10, 0, a[0]);
	addr_of(4, 10, 1, b[0]);
	addr_of(6, 10, 0, a[1]);
	addr_of(6, 11, 1, b[1]);
	w_open(&g.w, out);
	for (k = 0; k < 2; k++) {
		fam = k ? 6 : 4;
		l = gen_tcp(l4, 41000, 443, 100, 0, 0x02, 64240, 7, 0);
		gen_emit(&g, fam, a[k], b[k], 6, 64, l4, l, 0);
		l = gen_tcp(l4, 443, 41000, 900, 101, 0x12, 65160, 7, 0);
		gen_emit(&g, fam, b[k], a[k], 6, 64, l4, l, 0);
		l = gen_tcp(l4, 41000, 443, 101, 901, 0x10, 502, -1, 0);
		gen_emit(&g, fam, a[k], b[k], 6, 64, l4, l, 0);
		l = gen_tcp(l4, 41000, 443, 101, 901, 0x18, 502, -1, 50);
		gen_emit(&g, fam, a[k], b[k], 6, 64, l4, l, 0);
		l = gen_tcp(l4, 443, 41000, 901, 151, 0x10, 510, -1, 0);
		gen_emit(&g, fam, b[k], a[k], 6, 64, l4, l, 0);
	}
	gen_tick(&g, 2500000);
	for (k = 0; k < 2; k++) {
		fam = k ? 6 : 4;
		l = gen_tcp(l4, 41000, 443, 151, 901, 0x11, 502, -1, 0);
		gen_emit(&g, fam, a[k], b[k], 6, 64, l4, l, 0);
	}
	w_close(&g.w);
	return 0;
}

/*
 * Regression capture: fixed cases where the engine once disagreed with the
 * kernel (found by kernel-diff) or that no other capture exercises.  No
 * expectations are written here: kernel-diff compares the engine with
 * whatever the kernel logs.  IPv4 and IPv6 each:
 *   a. handshake whose final ACK has a bad checksum, server data, client
 *      RST+ACK exactly at the server's max ack (window-checked by the kernel:
 *      it raises the server's td_maxend), more server data (in window: no
 *      line);
 *   b. simultaneous open (SYN, SYN, SYN-ACK, SYN-ACK), data both ways, then
 *      a segment beyond the window;
 *   c. close, then a SYN reopening the connection from TIME_WAIT, data.
 *   d. odd TCP option areas in the client's SYN (window scale 15, a size-0
 *      or size-1 option, EOL, an option past the area, wrong sizes), each
 *      probed by server data 1000 bytes into the client's window (over the
 *      upper bound unless the client's scale is in effect);
 *   e. SACK options (size 14, after a size-0 option, valid) with a block
 *      beyond the data sent.
 * IPv4 only: an all-zero ICMP message with checksum field 0 (conntrack's
 * sum includes the IP header and accepts it), an echo request with
 * checksum 0 (bad).
 */
static int
make_regress(const char *out)
{
	/* flow (ports 42000 + flow -> 86 + flow), client to server?, seq, ack,
	 * flags, window, window scale option (-1 none), payload, bad checksum */
	static const struct rseg {
		uint8_t flow, up;
		uint32_t seq, ack;
		uint8_t fl;
		uint16_t win;
		int8_t ws;
		uint16_t len;
		uint8_t bad;
	} rsegs[] = {
		/* a. */
		{ 0, 1, 250355788, 0, 0x02, 64240, 7, 0, 0 },
		{ 0, 0, 1020932212, 250355789, 0x12, 65160, 7, 0, 0 },
		{ 0, 1, 250355789, 1020932213, 0x10, 502, -1, 0, 1 },
		{ 0, 0, 1020932213, 250355789, 0x18, 510, -1, 562, 0 },
		{ 0, 1, 250355789, 1020932775, 0x14, 502, -1, 0, 0 },
		{ 0, 0, 1020932775, 250355789, 0x18, 510, -1, 1371, 0 },
		/* b. */
		{ 1, 1, 1000, 0, 0x02, 64240, 7, 0, 0 },
		{ 1, 0, 9000, 0, 0x02, 65160, 7, 0, 0 },
		{ 1, 1, 1000, 9001, 0x12, 64240, 7, 0, 0 },
		{ 1, 0, 9000, 1001, 0x12, 65160, 7, 0, 0 },
		{ 1, 1, 1001, 9001, 0x18, 502, -1, 300, 0 },
		{ 1, 0, 9001, 1301, 0x18, 510, -1, 200, 0 },
		{ 1, 1, 1301, 9201, 0x10, 502, -1, 0, 0 },
		{ 1, 1, 1301 + 200000, 9201, 0x18, 502, -1, 100, 0 },
		/* c. */
		{ 2, 1, 5000, 0, 0x02, 64240, 7, 0, 0 },
		{ 2, 0, 7000, 5001, 0x12, 65160, 7, 0, 0 },
		{ 2, 1, 5001, 7001, 0x10, 502, -1, 0, 0 },
		{ 2, 1, 5001, 7001, 0x11, 502, -1, 0, 0 },
		{ 2, 0, 7001, 5002, 0x11, 510, -1, 0, 0 },
		{ 2, 1, 5002, 7002, 0x10, 502, -1, 0, 0 },
		{ 2, 1, 800000, 0, 0x02, 64240, 7, 0, 0 },
		{ 2, 0, 900000, 800001, 0x12, 65160, 7, 0, 0 },
		{ 2, 1, 800001, 900001, 0x18, 502, -1, 100, 0 },
		{ 2, 0, 900001, 800101 + 100000, 0x10, 510, -1, 0, 0 },
	};
	static const uint8_t synopts[][8] = {
		{ 1, 3, 3, 15, 1, 1, 1, 1 },	/* scale 15: clamped to 14 */
		{ 8, 0, 1, 1, 1, 3, 3, 7 },	/* size 0: walk stops */
		{ 8, 1, 1, 1, 1, 3, 3, 7 },	/* size 1: walk stops */
		{ 0, 1, 3, 3, 7, 1, 1, 1 },	/* EOL first */
		{ 1, 3, 3, 7, 2, 8, 5, 0xb4 },	/* then an option past the area */
		{ 3, 4, 7, 0, 1, 3, 3, 7 },	/* window option of size 4, then 3 */
		{ 1, 3, 3, 7, 1, 1, 1, 1 },	/* plain scale 7 */
	};
	static const uint8_t sackperm[4] = { 4, 2, 1, 1 };
	static const uint8_t sackopts[][16] = {
		/* size 14, block 5001..9000 (beyond the data: not read) */
		{ 1, 1, 5, 14, 0, 0, 0x13, 0x89, 0, 0, 0x23, 0x28, 0, 0, 0, 0 },
		/* after a size-0 option */
		{ 1, 1, 8, 0, 5, 10, 0, 0, 0x13, 0x89, 0, 0, 0x23, 0x28, 1, 1 },
		/* valid: ACK is over upper bound */
		{ 1, 1, 5, 10, 0, 0, 0x13, 0x89, 0, 0, 0x23, 0x28, 1, 1, 1, 1 },
	};
	struct gen g = { .sec = 1795000000, .nsec = 0, .ipid = 1 };
	uint8_t l4[2048], a[16], b[16];
	uint32_t l;
	size_t k;
	int fam;

	w_open(&g.w, out);
	for (fam = 4; fam <= 6; fam += 2) {
		addr_of(fam, 77, 0, a);
		addr_of(fam, 78, 1, b);
		/* a. - c. */
		for (k = 0; k < sizeof(rsegs) / sizeof(rsegs[0]); k++) {
			const struct rseg *r = &rsegs[k];
			uint16_t cp = (uint16_t)(42000 + r->flow), sp = (uint16_t)(86 + r->flow);

			l = gen_tcp(l4, r->up ? cp : sp, r->up ? sp : cp, r->seq, r->ack, r->fl,
				    r->win, r->ws, r->len);
			gen_emit(&g, fam, r->up ? a : b, r->up ? b : a, 6, 64, l4, l, r->bad);
		}
		/* d. */
		for (k = 0; k < sizeof(synopts) / sizeof(synopts[0]); k++) {
			uint16_t cp = (uint16_t)(42100 + k), sp = 89;

			l = gen_tcp_raw(l4, cp, sp, 3000, 0, 0x02, 64240, synopts[k], 8, 0);
			gen_emit(&g, fam, a, b, 6, 64, l4, l, 0);
			l = gen_tcp(l4, sp, cp, 6000, 3001, 0x12, 65160, 7, 0);
			gen_emit(&g, fam, b, a, 6, 64, l4, l, 0);
			l = gen_tcp(l4, cp, sp, 3001, 6001, 0x10, 502, -1, 0);
			gen_emit(&g, fam, a, b, 6, 64, l4, l, 0);
			l = gen_tcp(l4, sp, cp, 6001 + 1000, 3001, 0x18, 510, -1, 100);
			gen_emit(&g, fam, b, a, 6, 64, l4, l, 0);
		}
		/* e. */
		l = gen_tcp_raw(l4, 42200, 90, 3000, 0, 0x02, 64240, sackperm, 4, 0);
		gen_emit(&g, fam, a, b, 6, 64, l4, l, 0);
		l = gen_tcp_raw(l4, 90, 42200, 6000, 3001, 0x12, 65160, sackperm, 4, 0);
		gen_emit(&g, fam, b, a, 6, 64, l4, l, 0);
		l = gen_tcp(l4, 42200, 90, 3001, 6001, 0x10, 64240, -1, 0);
		gen_emit(&g, fam, a, b, 6, 64, l4, l, 0);
		l = gen_tcp(l4, 90, 42200, 6001, 3001, 0x18, 65160, -1, 1000);
		gen_emit(&g, fam, b, a, 6, 64, l4, l, 0);
		for (k = 0; k < sizeof(sackopts) / sizeof(sackopts[0]); k++) {
			l = gen_tcp_raw(l4, 42200, 90, 3001, 6001, 0x10, 64240, sackopts[k], 16, 0);
			gen_emit(&g, fam, a, b, 6, 64, l4, l, 0);
		}
	}
	addr_of(4, 79, 0, a);
	addr_of(4, 80, 1, b);
	memset(l4, 0, 16);		/* all zero, checksum field 0 */
	gen_emit(&g, 4, a, b, 1, 64, l4, 16, 2);
	l4[0] = 8;			/* echo request, checksum field 0 */
	l4[4] = 0x12;
	gen_emit(&g, 4, a, b, 1, 64, l4, 16, 2);
	w_close(&g.w);
	return 0;
}

/*
 * Per-state TCP timeouts (replay with --timing original and short timeout
 * sysctls, e.g. half of the states 1 s and the others 5 s): IPv4 and IPv6,
 * one flow left in each state, then 2.5 s later one probe per flow that is
 * "invalid new" when the kernel has expired the entry (a FIN, RST or
 * SYN-ACK opening nothing) and mostly silent when it has not:
 *   0 SYN_SENT (SYN; probe: the SYN-ACK)   1 SYN_RECV (probe: client FIN)
 *   2 ESTABLISHED (probe: client FIN)      3 FIN_WAIT (probe: server FIN)
 *   4 CLOSE_WAIT (probe: server FIN)       5 LAST_ACK (probe: server FIN again)
 *   6 TIME_WAIT (probe: client FIN again)  7 CLOSE (exact RST; probe: RST again)
 *   8 ESTABLISHED with unacknowledged data (unacknowledged timeout)
 *   9 ESTABLISHED after 3 identical ACKs (max_retrans timeout)
 *  10 SYN_SENT2 (simultaneous SYNs; probe: the server's SYN-ACK)
 */
#define TO_FLOWS 11

static void
to_seg(struct gen *g, int fam, const uint8_t *c, const uint8_t *s, int k, bool up,
       uint32_t seq, uint32_t ack, uint8_t fl, uint32_t pl)
{
	uint8_t l4[256];
	uint16_t cp = (uint16_t)(43000 + k), sp = (uint16_t)(2000 + k);
	uint32_t l;

	if (up)
		l = gen_tcp(l4, cp, sp, seq, ack, fl, fl & 0x02 ? 64240 : 502,
			    fl & 0x02 ? 7 : -1, pl);
	else
		l = gen_tcp(l4, sp, cp, seq, ack, fl, fl & 0x02 ? 65160 : 510,
			    fl & 0x02 ? 7 : -1, pl);
	gen_emit(g, fam, up ? c : s, up ? s : c, 6, 64, l4, l, 0);
}

static int
make_timeouts(const char *out)
{
	struct gen g = { .sec = 1795000000, .nsec = 0, .ipid = 1 };
	uint8_t c[2][16], s[2][16];
	const uint32_t C = 1000, S = 50000;	/* ISNs */
	int f, k, fam;

	for (f = 0; f < 2; f++) {
		addr_of(f ? 6 : 4, 90, 0, c[f]);
		addr_of(f ? 6 : 4, 91, 2, s[f]);
	}
	w_open(&g.w, out);
	for (f = 0; f < 2; f++) {
		fam = f ? 6 : 4;
		for (k = 0; k < TO_FLOWS; k++) {
			if (k == 10) {
				to_seg(&g, fam, c[f], s[f], k, true, C, 0, 0x02, 0);
				to_seg(&g, fam, c[f], s[f], k, false, S, 0, 0x02, 0);
				continue;
			}
			to_seg(&g, fam, c[f], s[f], k, true, C, 0, 0x02, 0);
			if (k == 0)
				continue;
			to_seg(&g, fam, c[f], s[f], k, false, S, C + 1, 0x12, 0);
			if (k == 1)
				continue;
			to_seg(&g, fam, c[f], s[f], k, true, C + 1, S + 1, 0x10, 0);
			to_seg(&g, fam, c[f], s[f], k, true, C + 1, S + 1, 0x18, 100);
			if (k == 8)
				continue;	/* data not acknowledged */
			to_seg(&g, fam, c[f], s[f], k, false, S + 1, C + 101, 0x10, 0);
			switch (k) {
			case 3:		/* client FIN: FIN_WAIT */
				to_seg(&g, fam, c[f], s[f], k, true, C + 101, S + 1, 0x11, 0);
				break;
			case 4:		/* client FIN, server ACK: CLOSE_WAIT */
			case 5:		/* ... server FIN: LAST_ACK */
			case 6:		/* ... client ACK: TIME_WAIT */
				to_seg(&g, fam, c[f], s[f], k, true, C + 101, S + 1, 0x11, 0);
				to_seg(&g, fam, c[f], s[f], k, false, S + 1, C + 102,
				       k == 4 ? 0x10 : 0x11, 0);
				if (k == 6)
					to_seg(&g, fam, c[f], s[f], k, true, C + 102, S + 2,
					       0x10, 0);
				break;
			case 7:		/* RST at the server's max ack: CLOSE */
				to_seg(&g, fam, c[f], s[f], k, true, C + 101, 0, 0x04, 0);
				break;
			case 9:		/* the same ACK three more times */
				to_seg(&g, fam, c[f], s[f], k, true, C + 101, S + 1, 0x10, 0);
				to_seg(&g, fam, c[f], s[f], k, true, C + 101, S + 1, 0x10, 0);
				to_seg(&g, fam, c[f], s[f], k, true, C + 101, S + 1, 0x10, 0);
				to_seg(&g, fam, c[f], s[f], k, true, C + 101, S + 1, 0x10, 0);
				break;
			default:
				break;
			}
		}
	}
	gen_tick(&g, 2500000);
	for (f = 0; f < 2; f++) {
		fam = f ? 6 : 4;
		for (k = 0; k < TO_FLOWS; k++) {
			switch (k) {
			case 0:
			case 10:
				to_seg(&g, fam, c[f], s[f], k, false, S, C + 1, 0x12, 0);
				break;
			case 1:
				to_seg(&g, fam, c[f], s[f], k, true, C + 1, S + 1, 0x11, 0);
				break;
			case 3:
			case 4:
			case 5:
				to_seg(&g, fam, c[f], s[f], k, false, S + 1, C + 102, 0x11, 0);
				break;
			case 6:
				to_seg(&g, fam, c[f], s[f], k, true, C + 101, S + 1, 0x11, 0);
				break;
			case 7:
				to_seg(&g, fam, c[f], s[f], k, true, C + 101, 0, 0x04, 0);
				break;
			default:	/* 2, 8, 9 */
				to_seg(&g, fam, c[f], s[f], k, true, C + 101, S + 1, 0x11, 0);
				break;
			}
		}
	}
	w_close(&g.w);
	return 0;
}

static bool
parse_num(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

static void
usage(int st)
{
	fprintf(st ? stderr : stdout,
		"usage: perturb [--seed N] [--variants K] [--rate PERCENT] IN.pcap OUT.pcap\n"
		"       perturb --make flows [--seed N] [--flows F] OUT.pcap\n"
		"       perturb --make selftest|timeout|timeouts|regress OUT.pcap\n");
	exit(st);
}

int
main(int argc, char **argv)
{
	const char *make = NULL, *pos[2];
	uint64_t seed = 1, variants = 10, rate = 100, nflows = 200;
	int i, npos = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--make") == 0 && i + 1 < argc)
			make = argv[++i];
		else if (strcmp(a, "--seed") == 0 && i + 1 < argc) {
			if (!parse_num(argv[++i], UINT64_MAX, &seed))
				usage(2);
		} else if (strcmp(a, "--variants") == 0 && i + 1 < argc) {
			if (!parse_num(argv[++i], 65535, &variants) || variants == 0)
				usage(2);
		} else if (strcmp(a, "--rate") == 0 && i + 1 < argc) {
			if (!parse_num(argv[++i], 10000, &rate))
				usage(2);
		} else if (strcmp(a, "--flows") == 0 && i + 1 < argc) {
			if (!parse_num(argv[++i], 100000, &nflows) || nflows == 0)
				usage(2);
		} else if (strcmp(a, "--help") == 0)
			usage(0);
		else if (a[0] == '-' && a[1])
			usage(2);
		else if (npos < 2)
			pos[npos++] = a;
		else
			usage(2);
	}
	if (make) {
		if (npos != 1)
			usage(2);
		if (strcmp(make, "flows") == 0)
			return make_flows(pos[0], seed, (unsigned)nflows);
		if (strcmp(make, "selftest") == 0)
			return make_selftest(pos[0]);
		if (strcmp(make, "timeout") == 0)
			return make_timeout(pos[0]);
		if (strcmp(make, "regress") == 0)
			return make_regress(pos[0]);
		if (strcmp(make, "timeouts") == 0)
			return make_timeouts(pos[0]);
		usage(2);
	}
	if (npos != 2)
		usage(2);
	return run_mutate(pos[0], pos[1], seed, (unsigned)variants, (double)rate / 100.0);
}
