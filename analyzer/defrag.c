/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * defrag.c - IPv4/IPv6 reassembly before conntrack, mirroring Linux 6.18
 * nf_defrag_ipv4 (ip_defrag, ip_frag_queue, ip_frag_reasm in
 * net/ipv4/ip_fragment.c), nf_defrag_ipv6 (nf_ct_frag6_gather,
 * nf_ct_frag6_queue, nf_ct_frag6_reasm in net/ipv6/netfilter/
 * nf_conntrack_reasm.c) and the shared inet_frag_queue_insert
 * (net/ipv4/inet_fragment.c).
 *
 * Kernel behaviour mirrored:
 *  - queues keyed by (saddr, daddr, id, protocol) for IPv4 and
 *    (saddr, daddr, id) for IPv6; a queue lives ipfrag_time (30 s, IPv4) or
 *    nf_conntrack_frag6_timeout (60 s, IPv6) from its creation;
 *  - a fragment overlapping queued data kills the whole queue (RFC 5722, also
 *    for IPv4 since 4.19); one lying inside an existing run of fragments is
 *    a duplicate and only that fragment is dropped;
 *  - last-fragment consistency, data beyond the end, empty fragments;
 *  - IPv4: non-last fragments are trimmed to a multiple of 8; more than
 *    ipfrag_max_dist (64) fragments from the same source between two
 *    fragments of a queue restart the queue (ip_frag_too_far);
 *  - IPv6: a non-last fragment whose end is not a multiple of 8 kills the
 *    queue and is passed on unreassembled; so is a first fragment that does
 *    not hold the upper-layer header (ipv6frag_thdr_truncated);
 *  - reassembled length > 65535 and illegal ECN mixes are dropped;
 *  - memory above the limit (ipfrag_high_thresh, 4 MiB per family) makes
 *    new fragments be dropped.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "defrag.h"
#include "util-time.h"

#define V4_TIMEOUT_NS (30LL * 1000000000LL)	/* net.ipv4.ipfrag_time */
#define V6_TIMEOUT_NS (60LL * 1000000000LL)	/* nf_conntrack_frag6_timeout */
#define MAX_DIST 64u				/* net.ipv4.ipfrag_max_dist */
#define IP_MAXLEN 65535u
#define FRAG_OVERHEAD 256u	/* per-fragment bookkeeping charged to memory */
#define QUEUE_OVERHEAD 256u	/* per-queue bookkeeping charged to memory */
#define HASH_BITS 12
#define HASH_SIZE (1u << HASH_BITS)
#define PEER_MAX 65536u		/* sources remembered for ipfrag_max_dist */

struct frag {
	uint32_t off, end;	/* [off, end) in the datagram payload */
	uint32_t cap;		/* bytes of data captured (<= end - off) */
	uint8_t data[];
};

/* A run: fragments appended back to back at the tail (the kernel's rbtree
 * node with frag_run_len); duplicates are judged against whole runs. */
struct run {
	uint32_t start, end;
};

struct fq {
	struct fq *hnext;		/* hash chain */
	struct fq *lprev, *lnext;	/* expiry list of its family */
	uint8_t family, proto;
	struct ip_addr src, dst;
	uint32_t id;
	int64_t deadline;
	uint32_t len, meat;
	bool first_in, last_in;
	uint8_t ecn;			/* IPFRAG_ECN_* bits seen */
	uint32_t max_size, max_df_size;	/* IPv4: largest fragment, with DF */
	uint32_t rid;			/* IPv4: peer counter at the last fragment */
	/* fragments sorted by offset (they never overlap), so the last one is
	 * the kernel's fragments_tail; runs sorted, the last one holds it */
	struct frag **v;
	struct run *runs;
	uint32_t n, nruns, alloc;
	uint8_t *hdr;			/* first fragment's header (IPv4 ihl bytes;
					 * IPv6 up to the fragment header) */
	uint32_t hdr_len, nhoff;	/* IPv6: offset of the next-header byte to patch */
	uint8_t frag_nexthdr;
	size_t mem;
};

struct peer {
	struct peer *next;
	struct ip_addr src;
	uint32_t rid;
};

struct defrag {
	size_t max_bytes[2];		/* high_thresh: [0] IPv4, [1] IPv6 */
	int64_t timeout_ns[2];
	uint32_t max_dist;
	size_t mem[2];			/* [0] IPv4, [1] IPv6 */
	struct fq *hash[HASH_SIZE];
	struct fq *lhead[2], *ltail[2];
	struct peer *peers[HASH_SIZE];
	size_t n_peers;
	struct defrag_stats st;
	uint8_t *out_buf;
	struct pkt out_pkt;
};

/* ECN bits (ip_frag_ecn_table): Not-ECT mixed with ECT/CE is illegal */
#define ECN_NOT_ECT 0x01
#define ECN_ECT_1 0x02
#define ECN_ECT_0 0x04
#define ECN_CE 0x08

static uint8_t
frag_ecn(uint8_t tos)
{
	return (uint8_t)(1u << (tos & 3));
}

static unsigned
fam_idx(uint8_t family)
{
	return family == 6 ? 1 : 0;
}

static uint32_t
hash_key(uint8_t family, const struct ip_addr *s, const struct ip_addr *d, uint32_t id,
	 uint8_t proto)
{
	uint32_t h = 2166136261u;
	size_t alen = family == 6 ? 16 : 4;

	for (size_t i = 0; i < alen; i++)
		h = (h ^ s->b[i]) * 16777619u;
	for (size_t i = 0; i < alen; i++)
		h = (h ^ d->b[i]) * 16777619u;
	h = (h ^ id) * 16777619u;
	h = (h ^ proto) * 16777619u;
	h ^= family;
	return (h ^ (h >> 16)) & (HASH_SIZE - 1);
}

struct defrag *
defrag_new(size_t max_bytes)
{
	struct defrag *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->max_bytes[0] = d->max_bytes[1] = max_bytes;
	d->timeout_ns[0] = V4_TIMEOUT_NS;
	d->timeout_ns[1] = V6_TIMEOUT_NS;
	d->max_dist = MAX_DIST;
	return d;
}

void
defrag_configure(struct defrag *d, const struct ct_policy *pol)
{
	d->timeout_ns[0] = ns_from_sec(pol->frag[CT_FRAG_IPV4_TIME]);
	d->timeout_ns[1] = ns_from_sec(pol->frag[CT_FRAG_IPV6_TIME]);
	d->max_bytes[0] = (size_t)pol->frag[CT_FRAG_IPV4_HIGH_THRESH];
	d->max_bytes[1] = (size_t)pol->frag[CT_FRAG_IPV6_HIGH_THRESH];
	d->max_dist = (uint32_t)pol->frag[CT_FRAG_IPV4_MAX_DIST];
}

static void
list_unlink(struct defrag *d, struct fq *q)
{
	unsigned f = fam_idx(q->family);

	if (q->lprev)
		q->lprev->lnext = q->lnext;
	else
		d->lhead[f] = q->lnext;
	if (q->lnext)
		q->lnext->lprev = q->lprev;
	else
		d->ltail[f] = q->lprev;
	q->lprev = q->lnext = NULL;
}

static void
list_append(struct defrag *d, struct fq *q)
{
	unsigned f = fam_idx(q->family);

	q->lnext = NULL;
	q->lprev = d->ltail[f];
	if (d->ltail[f])
		d->ltail[f]->lnext = q;
	else
		d->lhead[f] = q;
	d->ltail[f] = q;
}

static void
fq_purge_frags(struct defrag *d, struct fq *q)
{
	for (uint32_t i = 0; i < q->n; i++)
		free(q->v[i]);
	free(q->v);
	free(q->runs);
	q->v = NULL;
	q->runs = NULL;
	q->n = q->nruns = q->alloc = 0;
	d->mem[fam_idx(q->family)] -= q->mem - QUEUE_OVERHEAD;
	q->mem = QUEUE_OVERHEAD;
	free(q->hdr);
	q->hdr = NULL;
	q->hdr_len = 0;
}

/* inet_frag_kill + destroy: unhash and free the queue */
static void
fq_kill(struct defrag *d, struct fq *q)
{
	uint32_t h = hash_key(q->family, &q->src, &q->dst, q->id, q->proto);
	struct fq **pp = &d->hash[h];

	while (*pp && *pp != q)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = q->hnext;
	list_unlink(d, q);
	fq_purge_frags(d, q);
	d->mem[fam_idx(q->family)] -= QUEUE_OVERHEAD;
	free(q);
}

static unsigned
fq_count_frags(const struct fq *q)
{
	return q->n;
}

/* Queues whose timer fired by capture time @now (ip_expire / nf_ct_frag6_expire). */
static void
expire(struct defrag *d, int64_t now)
{
	for (unsigned f = 0; f < 2; f++) {
		while (d->lhead[f] && d->lhead[f]->deadline <= now) {
			struct fq *q = d->lhead[f];

			d->st.expired++;
			d->st.dropped += fq_count_frags(q);
			fq_kill(d, q);
		}
	}
}

static struct fq *
fq_find(struct defrag *d, const struct pkt *p, uint32_t id, uint8_t proto, int64_t now,
	const char **why)
{
	uint32_t h = hash_key(p->family, &p->src, &p->dst, id, proto);
	size_t alen = p->family == 6 ? 16 : 4;
	struct fq *q;

	/* inet_frag_find: above the high threshold no fragment is queued at
	 * all, not even for an existing queue (queues then only time out) */
	if (d->max_bytes[fam_idx(p->family)] == 0 ||
	    d->mem[fam_idx(p->family)] > d->max_bytes[fam_idx(p->family)]) {
		*why = "reassembly memory above the limit (ipfrag_high_thresh): fragment dropped";
		return NULL;
	}
	for (q = d->hash[h]; q; q = q->hnext)
		if (q->family == p->family && q->id == id && q->proto == proto &&
		    memcmp(q->src.b, p->src.b, alen) == 0 &&
		    memcmp(q->dst.b, p->dst.b, alen) == 0)
			return q;
	q = calloc(1, sizeof(*q));
	if (!q) {
		*why = "out of memory for a reassembly queue: fragment dropped";
		return NULL;
	}
	q->family = p->family;
	q->proto = proto;
	q->src = p->src;
	q->dst = p->dst;
	q->id = id;
	q->deadline = ns_add(now, d->timeout_ns[fam_idx(p->family)]);
	q->mem = QUEUE_OVERHEAD;
	d->mem[fam_idx(p->family)] += QUEUE_OVERHEAD;
	q->hnext = d->hash[h];
	d->hash[h] = q;
	list_append(d, q);
	return q;
}

/* ip_frag_too_far(): bump the source's fragment counter. */
static bool
too_far(struct defrag *d, struct fq *q)
{
	uint32_t h = hash_key(4, &q->src, &q->src, 0, 0);
	struct peer *pr;
	uint32_t start, end;

	if (d->max_dist == 0)
		return false;	/* no peer is looked up at all */

	for (pr = d->peers[h]; pr; pr = pr->next)
		if (memcmp(pr->src.b, q->src.b, 4) == 0)
			break;
	if (!pr) {
		if (d->n_peers >= PEER_MAX || !(pr = calloc(1, sizeof(*pr))))
			return false;	/* not remembered: no distance check */
		pr->src = q->src;
		pr->next = d->peers[h];
		d->peers[h] = pr;
		d->n_peers++;
	}
	start = q->rid;
	end = ++pr->rid;
	q->rid = end;
	return q->n > 0 && end - start > d->max_dist;
}

enum ins { INS_OK, INS_DUP, INS_OVERLAP, INS_NOMEM };

/* Index of the first element whose key (at byte @koff of @esize-byte
 * elements) is greater than @key. */
static uint32_t
upper_bound(const void *base, uint32_t n, size_t esize, size_t koff, uint32_t key)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		uint32_t k;

		memcpy(&k, (const uint8_t *)base + mid * esize + koff, sizeof(k));
		if (k > key)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Index of the first fragment starting after @off. */
static uint32_t
upper_bound_frag(const struct fq *q, uint32_t off)
{
	uint32_t lo = 0, hi = q->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (q->v[mid]->off > off)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static int
fq_grow(struct fq *q)
{
	uint32_t na;
	struct frag **nv;
	struct run *nr;

	if (q->n < q->alloc && q->nruns < q->alloc)
		return 0;
	na = q->alloc ? q->alloc * 2 : 8;
	nv = realloc(q->v, na * sizeof(*nv));
	if (!nv)
		return -1;
	q->v = nv;
	nr = realloc(q->runs, na * sizeof(*nr));
	if (!nr)
		return -1;
	q->runs = nr;
	q->alloc = na;
	return 0;
}

/*
 * inet_frag_queue_insert(): a fragment past the tail starts or extends the
 * last run (overlapping the tail: OVERLAP); any other one is looked up among
 * the runs: inside one run it is a duplicate, touching one it overlaps,
 * else it becomes a run of its own.  O(log n) plus an array insert.
 */
static enum ins
queue_insert(struct fq *q, struct frag *nf)
{
	uint32_t i;

	if (fq_grow(q) < 0)
		return INS_NOMEM;
	if (q->n == 0) {
		q->v[0] = nf;
		q->runs[0].start = nf->off;
		q->runs[0].end = nf->end;
		q->n = q->nruns = 1;
		return INS_OK;
	}
	if (q->v[q->n - 1]->end < nf->end) {
		uint32_t tail_end = q->v[q->n - 1]->end;

		if (nf->off < tail_end)
			return INS_OVERLAP;
		q->v[q->n++] = nf;
		if (nf->off == tail_end) {
			q->runs[q->nruns - 1].end = nf->end;
		} else {
			q->runs[q->nruns].start = nf->off;
			q->runs[q->nruns].end = nf->end;
			q->nruns++;
		}
		return INS_OK;
	}
	/* the first run ending after off: runs are disjoint and sorted */
	i = upper_bound(q->runs, q->nruns, sizeof(struct run), offsetof(struct run, end), nf->off);
	if (i < q->nruns && q->runs[i].start < nf->end) {
		if (nf->off >= q->runs[i].start && nf->end <= q->runs[i].end)
			return INS_DUP;
		return INS_OVERLAP;
	}
	memmove(&q->runs[i + 1], &q->runs[i], (q->nruns - i) * sizeof(q->runs[0]));
	q->runs[i].start = nf->off;
	q->runs[i].end = nf->end;
	q->nruns++;
	i = upper_bound_frag(q, nf->off);
	memmove(&q->v[i + 1], &q->v[i], (q->n - i) * sizeof(q->v[0]));
	q->v[i] = nf;
	q->n++;
	return INS_OK;
}

static void
put_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
ipv4_set_csum(uint8_t *h, uint32_t ihl)
{
	uint32_t sum = 0;

	h[10] = h[11] = 0;
	for (uint32_t i = 0; i + 1 < ihl; i += 2)
		sum += (uint32_t)h[i] << 8 | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put_be16(h + 10, ~sum & 0xffff);
}

/* ip_frag_ecn_table: 0xff for an illegal mix, else the bits to OR in. */
static int
ecn_merge(uint8_t ecn)
{
	if ((ecn & ECN_NOT_ECT) && (ecn & (ECN_ECT_0 | ECN_ECT_1 | ECN_CE)))
		return -1;
	return (ecn & ECN_CE) ? 3 : 0;
}

/* Build the datagram and decode it into d->out_pkt. */
static enum defrag_status
reassemble(struct defrag *d, struct fq *q, const struct pkt *in, const struct pkt **out,
	   const char **why)
{
	uint32_t total, caplen;
	bool gap = false;
	int ecn = ecn_merge(q->ecn);
	uint8_t *buf;

	if (ecn < 0) {
		*why = "fragments mix ECN Not-ECT with ECT/CE: datagram discarded";
		goto fail;
	}
	if (q->family == 4) {
		if (q->hdr_len + q->len > IP_MAXLEN) {
			*why = "reassembled datagram larger than 65535 bytes (\"Oversized IP "
			       "packet\"): discarded";
			goto fail;
		}
		total = q->hdr_len + q->len;
	} else {
		/* the fragment header (8 bytes) is removed */
		if (q->hdr_len - 40 + q->len > IP_MAXLEN) {
			*why = "reassembled IPv6 payload larger than 65535 bytes: discarded";
			goto fail;
		}
		total = q->hdr_len + q->len;
	}
	buf = realloc(d->out_buf, total ? total : 1);
	if (!buf) {
		*why = "out of memory reassembling: datagram discarded";
		goto fail;
	}
	d->out_buf = buf;
	memcpy(buf, q->hdr, q->hdr_len);
	caplen = q->hdr_len;
	for (uint32_t i = 0; i < q->n; i++) {
		const struct frag *f = q->v[i];

		memcpy(buf + q->hdr_len + f->off, f->data, f->cap);
		if (f->cap < f->end - f->off) {
			memset(buf + q->hdr_len + f->off + f->cap, 0, f->end - f->off - f->cap);
			if (!gap)
				caplen = q->hdr_len + f->off + f->cap;
			gap = true;
		} else if (!gap) {
			caplen = q->hdr_len + f->end;
		}
	}
	if (q->family == 4) {
		put_be16(buf + 2, total);
		/* DF kept when every fragment of maximal size had it (IPSKB_FRAG_PMTU) */
		put_be16(buf + 6, q->max_df_size == q->max_size ? 0x4000 : 0);
		buf[1] |= (uint8_t)ecn;
		ipv4_set_csum(buf, q->hdr_len);
	} else {
		buf[q->nhoff] = q->frag_nexthdr;
		put_be16(buf + 4, total - 40);
		buf[1] |= (uint8_t)(ecn << 4);	/* traffic class low bits: ECN */
	}

	/* capture record and link fields of the completing fragment; decode_ip()
	 * clears and fills everything from the L3 fields on */
	d->out_pkt = *in;
	decode_ip(buf, total, &d->out_pkt);
	if (caplen < total) {
		/* a fragment was cut by the snaplen: bytes past the gap are unknown */
		struct pkt *o = &d->out_pkt;

		o->notes |= PKT_NOTE_PAYLOAD_TRUNC;
		o->l3_caplen = caplen;
		if (o->l4) {
			uint32_t l4off = (uint32_t)(o->l4 - buf);

			o->l4_caplen = caplen > l4off ? caplen - l4off : 0;
			if (o->l4_caplen < (o->proto == 6 ? 20u : 8u)) {
				/* the L4 header itself fell into the gap */
				o->has_l4 = false;
				o->notes |= PKT_NOTE_L4_TRUNC;
			}
		}
		o->l4_csum = CSUM_UNKNOWN;
	}
	fq_kill(d, q);
	d->st.datagrams++;
	*out = &d->out_pkt;
	return DEFRAG_DONE;
fail:
	d->st.dropped += fq_count_frags(q);
	fq_kill(d, q);
	return DEFRAG_DROP;
}

static void
note_mem(struct defrag *d)
{
	size_t m = d->mem[0] + d->mem[1];

	if (m > d->st.mem_peak)
		d->st.mem_peak = m;
}

/*
 * Common part of ip_frag_queue / nf_ct_frag6_queue from the position check
 * on.  @data/@cap: the fragment's payload bytes captured; @flen: its claimed
 * length.  Returns the status; on DROP *why is set.
 */
static enum defrag_status
queue_fragment(struct defrag *d, struct fq *q, const struct pkt *in, uint32_t offset,
	       uint32_t flen, bool mf, const uint8_t *data, uint32_t cap,
	       const uint8_t *hdr, uint32_t hdr_len, uint32_t nhoff,
	       const struct pkt **out, const char **why)
{
	bool v6 = q->family == 6;
	uint32_t end = offset + flen;
	struct frag *nf;
	enum ins r;

	if (v6 && end > IP_MAXLEN) {
		*why = "IPv6 fragment ends beyond 65535 bytes: dropped";
		return DEFRAG_DROP;
	}
	if (!mf) {
		/* the final fragment: nothing may lie beyond, one end only */
		if (end < q->len || (q->last_in && end != q->len)) {
			*why = "last fragment inconsistent with data already queued";
			goto discard;
		}
		q->last_in = true;
		q->len = end;
	} else {
		if (end & 7) {
			if (v6) {
				/* RFC 8200: kill the queue, pass the fragment on */
				d->st.dropped += fq_count_frags(q);
				fq_kill(d, q);
				*why = "IPv6 non-last fragment not a multiple of 8 bytes: queue "
				       "dropped, fragment passed on unreassembled";
				return DEFRAG_PASS;
			}
			end &= ~7u;	/* IPv4 trims */
		}
		if (end > q->len) {
			if (q->last_in) {
				*why = "fragment data beyond the end set by the last fragment";
				goto discard;
			}
			q->len = end;
		}
	}
	if (end == offset) {
		*why = "empty fragment";
		goto discard;
	}
	if (cap > end - offset)
		cap = end - offset;
	nf = malloc(sizeof(*nf) + cap);
	if (!nf) {
		*why = "out of memory queueing a fragment";
		goto discard;
	}
	memset(nf, 0, sizeof(*nf));
	nf->off = offset;
	nf->end = end;
	nf->cap = cap;
	memcpy(nf->data, data, cap);
	r = queue_insert(q, nf);
	if (r == INS_DUP) {
		free(nf);
		d->st.dropped++;
		*why = "duplicate fragment: ignored";
		return DEFRAG_DROP;
	}
	if (r == INS_NOMEM) {
		free(nf);
		*why = "out of memory queueing a fragment";
		goto discard;
	}
	if (r == INS_OVERLAP) {
		free(nf);
		*why = "overlapping fragment: the whole datagram is discarded";
		d->st.dropped += 1 + fq_count_frags(q);
		fq_kill(d, q);
		return DEFRAG_DROP;
	}
	q->meat += end - offset;
	q->ecn |= frag_ecn(in->tos);
	q->mem += sizeof(*nf) + cap + FRAG_OVERHEAD;
	d->mem[fam_idx(q->family)] += sizeof(*nf) + cap + FRAG_OVERHEAD;
	note_mem(d);
	if (!v6) {
		uint32_t fragsize = (end - offset) + hdr_len;

		if (fragsize > q->max_size)
			q->max_size = fragsize;
		if (in->df && fragsize > q->max_df_size)
			q->max_df_size = fragsize;
	}
	if (offset == 0 && !q->first_in) {
		q->first_in = true;
		q->hdr = malloc(hdr_len ? hdr_len : 1);
		if (!q->hdr) {
			*why = "out of memory queueing a fragment";
			d->st.dropped += fq_count_frags(q);
			fq_kill(d, q);
			return DEFRAG_DROP;
		}
		memcpy(q->hdr, hdr, hdr_len);
		q->hdr_len = hdr_len;
		q->nhoff = nhoff;
		q->mem += hdr_len;
		d->mem[fam_idx(q->family)] += hdr_len;
	}
	if (q->first_in && q->last_in && q->meat == q->len)
		return reassemble(d, q, in, out, why);
	return DEFRAG_HELD;
discard:
	/* IPv4 discard_qp kills the queue; IPv6 "err" keeps it */
	d->st.dropped++;
	if (!v6) {
		d->st.dropped += fq_count_frags(q);
		fq_kill(d, q);
	}
	return DEFRAG_DROP;
}

/* ip_defrag() as called by nf_defrag_ipv4 */
static enum defrag_status
feed_v4(struct defrag *d, const struct pkt *in, int64_t now, const struct pkt **out,
	const char **why)
{
	uint32_t ihl = in->l3_hdr_len;
	uint32_t flen, cap;
	struct fq *q;

	if (!in->l3 || in->l3_caplen < ihl || ihl < 20 || in->ip_len < ihl) {
		*why = "fragment IP header not captured: cannot reassemble";
		d->st.dropped++;
		return DEFRAG_DROP;
	}
	q = fq_find(d, in, in->frag_id, in->l3[9], now, why);
	if (!q) {
		d->st.dropped++;
		return DEFRAG_DROP;
	}
	if (too_far(d, q)) {
		/* ip_frag_reinit: restart the queue (timer too) */
		d->st.dropped += fq_count_frags(q);
		fq_purge_frags(d, q);
		q->len = q->meat = 0;
		q->first_in = q->last_in = false;
		q->ecn = 0;
		q->max_size = q->max_df_size = 0;
		q->deadline = ns_add(now, d->timeout_ns[0]);
		list_unlink(d, q);
		list_append(d, q);
	}
	flen = in->ip_len - ihl;
	cap = in->l3_caplen - ihl;
	if (cap > flen)
		cap = flen;
	return queue_fragment(d, q, in, in->frag_off, flen, in->mf, in->l3 + ihl, cap,
			      in->l3, ihl, 0, out, why);
}

static bool
v6_ext(uint8_t nh)
{
	/* ipv6_ext_hdr(): hop-by-hop, routing, fragment, AH, none, dest opts */
	return nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 59 || nh == 60;
}

/* nf_ct_frag6_gather() */
static enum defrag_status
feed_v6(struct defrag *d, const struct pkt *in, int64_t now, const struct pkt **out,
	const char **why)
{
	const uint8_t *b = in->l3;
	uint32_t cap = in->l3_caplen, claimed = in->ip_len;
	uint32_t start = 40, nhoff = 6, fhoff, offset, flen, dcap;
	uint16_t fo;
	uint8_t nh, fnh;
	bool mf;
	struct fq *q;

	if (!b || cap < 40) {
		*why = "fragment IPv6 header not captured: cannot reassemble";
		d->st.dropped++;
		return DEFRAG_DROP;
	}
	if (claimed == 40)
		return DEFRAG_PASS;	/* payload length 0 (jumbo): not reassembled */
	/* find_prev_fhdr() */
	nh = b[6];
	while (nh != 44) {
		uint32_t hl;

		if (!v6_ext(nh) || nh == 59 || claimed < start + 2)
			return DEFRAG_PASS;
		if (cap < start + 2) {
			*why = "IPv6 extension headers not captured: cannot reassemble";
			d->st.dropped++;
			return DEFRAG_DROP;
		}
		hl = nh == 51 ? ((uint32_t)b[start + 1] + 2) * 4 : ((uint32_t)b[start + 1] + 1) * 8;
		nhoff = start;
		nh = b[start];
		start += hl;
	}
	fhoff = start;
	if (claimed < fhoff)
		return DEFRAG_PASS;
	if (cap < fhoff + 8) {
		*why = "IPv6 fragment header not captured: cannot reassemble";
		d->st.dropped++;
		return DEFRAG_DROP;
	}
	if (claimed < fhoff + 8) {
		*why = "IPv6 fragment header beyond the packet: dropped";
		d->st.dropped++;
		return DEFRAG_DROP;
	}
	fnh = b[fhoff];
	fo = (uint16_t)(b[fhoff + 2] << 8 | b[fhoff + 3]);
	offset = fo & 0xfff8u;
	mf = fo & 1;
	flen = claimed - (fhoff + 8);
	/* ipv6frag_thdr_truncated(): a first fragment must hold the upper header */
	if (offset == 0) {
		uint32_t o = fhoff + 8, need;
		uint8_t t = fnh;
		bool known = true;

		while (t == 0 || t == 43 || t == 60 || t == 51) {
			uint32_t hl;

			if (o + 2 > claimed || o + 2 > cap) {
				/* beyond the packet: ipv6_skip_exthdr fails, "not
				 * truncated"; beyond the capture: unknown */
				known = false;
				break;
			}
			hl = t == 51 ? ((uint32_t)b[o + 1] + 2) * 4 : ((uint32_t)b[o + 1] + 1) * 8;
			t = b[o];
			o += hl;
		}
		need = t == 6 ? 20 : (t == 17 || t == 58) ? 8 : 1;
		if (known && t != 59 && o + need > claimed) {
			*why = "first IPv6 fragment without the whole upper-layer header: "
			       "passed on unreassembled";
			return DEFRAG_PASS;
		}
	}
	q = fq_find(d, in, (uint32_t)b[fhoff + 4] << 24 | (uint32_t)b[fhoff + 5] << 16 |
			   (uint32_t)b[fhoff + 6] << 8 | b[fhoff + 7], 0, now, why);
	if (!q) {
		d->st.dropped++;
		return DEFRAG_DROP;
	}
	if (offset == 0)
		q->frag_nexthdr = fnh;
	dcap = cap > fhoff + 8 ? cap - (fhoff + 8) : 0;
	if (dcap > flen)
		dcap = flen;
	return queue_fragment(d, q, in, offset, flen, mf, b + fhoff + 8, dcap, b, fhoff,
			      nhoff, out, why);
}

enum defrag_status
defrag_feed(struct defrag *d, const struct pkt *in, const struct pkt **out, const char **why)
{
	int64_t now = ns_from_ts(in->ts_sec, in->ts_nsec);
	enum defrag_status st;

	*out = NULL;
	*why = NULL;
	expire(d, now);
	if (!in->is_fragment || (in->family != 4 && in->family != 6))
		return DEFRAG_PASS;
	d->st.fragments++;
	/* ip_rcv / ipv6_rcv drop these before the defrag hooks ever see them:
	 * they must not join (or spoil) a reassembly queue */
	if (in->notes & (PKT_NOTE_IP_BAD | PKT_NOTE_IP_LEN_GT_WIRE | PKT_NOTE_IP_CSUM_BAD)) {
		d->st.dropped++;
		*why = "fragment with an invalid IP header (dropped by ip_rcv before "
		       "defragmentation)";
		return DEFRAG_DROP;
	}
	if (in->family == 4)
		st = feed_v4(d, in, now, out, why);
	else
		st = feed_v6(d, in, now, out, why);
	return st;
}

void
defrag_stats(const struct defrag *d, struct defrag_stats *st)
{
	*st = d->st;
}

void
defrag_free(struct defrag *d)
{
	if (!d)
		return;
	for (unsigned f = 0; f < 2; f++)
		while (d->lhead[f])
			fq_kill(d, d->lhead[f]);
	for (unsigned h = 0; h < HASH_SIZE; h++) {
		struct peer *p = d->peers[h];

		while (p) {
			struct peer *n = p->next;

			free(p);
			p = n;
		}
	}
	free(d->out_buf);
	free(d);
}
