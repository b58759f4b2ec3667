/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * flow.c - the conntrack table: chained hash on both tuples, expiry heap,
 * early-drop candidate list.  See flow.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "flow.h"

#define FLOW_MIN_BUCKETS 256u
#define FLOW_MIN_HEAP 256u
#define TCP_PROTO 6

struct flow_table {
	struct ct_hnode **buckets;
	size_t n_buckets;		/* power of two */
	size_t count;
	struct ct_conn **heap;		/* min-heap on expires_ns; heap[i]->heap_pos == i */
	size_t heap_cap;
	struct ct_conn *drop_head, *drop_tail;
};

/* Native-order 8-byte load (the hash only has to be deterministic on one machine). */
static uint64_t
load64(const uint8_t *b)
{
	uint64_t v;

	memcpy(&v, b, sizeof(v));
	return v;
}

/*
 * Multiply-xor-rotate over the five words of the tuple, then a final
 * avalanche so the low bits (the bucket index) depend on every input bit.
 * Not symmetric in src/dst: a tuple and its reply go to different buckets.
 */
uint64_t
flow_tuple_hash(const struct ct_tuple *t)
{
	const uint64_t k1 = 0x9e3779b97f4a7c15ULL, k2 = 0xc2b2ae3d27d4eb4fULL;
	uint64_t h = (uint64_t)t->family << 40 | (uint64_t)t->proto << 32 |
		     (uint64_t)t->sport << 16 | t->dport;

	h = (h ^ load64(t->src.b)) * k1;
	h = (h << 31 | h >> 33) ^ load64(t->src.b + 8);
	h = (h * k2) ^ load64(t->dst.b);
	h = (h << 29 | h >> 35) * k1;
	h = (h ^ load64(t->dst.b + 8)) * k2;
	h ^= h >> 32;
	h *= k1;
	h ^= h >> 29;
	return h;
}

bool
flow_tuple_equal(const struct ct_tuple *a, const struct ct_tuple *b)
{
	return a->family == b->family && a->proto == b->proto &&
	       a->sport == b->sport && a->dport == b->dport &&
	       memcmp(a->src.b, b->src.b, sizeof(a->src.b)) == 0 &&
	       memcmp(a->dst.b, b->dst.b, sizeof(a->dst.b)) == 0;
}

struct flow_table *
flow_table_new(void)
{
	struct flow_table *ft = calloc(1, sizeof(*ft));

	if (!ft)
		return NULL;
	ft->buckets = calloc(FLOW_MIN_BUCKETS, sizeof(*ft->buckets));
	ft->heap = calloc(FLOW_MIN_HEAP, sizeof(*ft->heap));
	if (!ft->buckets || !ft->heap) {
		free(ft->buckets);
		free(ft->heap);
		free(ft);
		return NULL;
	}
	ft->n_buckets = FLOW_MIN_BUCKETS;
	ft->heap_cap = FLOW_MIN_HEAP;
	return ft;
}

void
flow_table_free(struct flow_table *ft)
{
	size_t i;

	if (!ft)
		return;
	for (i = 0; i < ft->count; i++)
		free(ft->heap[i]);
	free(ft->heap);
	free(ft->buckets);
	free(ft);
}

/* --- hash ------------------------------------------------------------- */

static size_t
bucket_of(const struct ct_tuple *t, size_t n)
{
	return (size_t)flow_tuple_hash(t) & (n - 1);
}

static void
hash_link(struct ct_hnode **buckets, size_t n, struct ct_hnode *node)
{
	size_t b = bucket_of(&node->conn->tuple[node->dir], n);

	node->next = buckets[b];
	buckets[b] = node;
}

static void
hash_unlink(struct flow_table *ft, struct ct_hnode *node)
{
	struct ct_hnode **pp = &ft->buckets[bucket_of(&node->conn->tuple[node->dir],
						       ft->n_buckets)];

	while (*pp && *pp != node)
		pp = &(*pp)->next;
	if (*pp)
		*pp = node->next;
	node->next = NULL;
}

/* Rehash into @n buckets; keeps the old array when allocation fails. */
static void
hash_resize(struct flow_table *ft, size_t n)
{
	struct ct_hnode **nb = calloc(n, sizeof(*nb));
	size_t i;

	if (!nb)
		return;
	for (i = 0; i < ft->n_buckets; i++) {
		struct ct_hnode *node = ft->buckets[i];

		while (node) {
			struct ct_hnode *next = node->next;

			hash_link(nb, n, node);
			node = next;
		}
	}
	free(ft->buckets);
	ft->buckets = nb;
	ft->n_buckets = n;
}

struct ct_conn *
flow_table_find(const struct flow_table *ft, const struct ct_tuple *t, int *dir)
{
	const struct ct_hnode *node = ft->buckets[bucket_of(t, ft->n_buckets)];

	for (; node; node = node->next) {
		if (flow_tuple_equal(&node->conn->tuple[node->dir], t)) {
			if (dir)
				*dir = node->dir;
			return node->conn;
		}
	}
	return NULL;
}

/* --- expiry heap ------------------------------------------------------ */

static void
heap_set(struct flow_table *ft, size_t i, struct ct_conn *c)
{
	ft->heap[i] = c;
	c->heap_pos = (uint32_t)i;
}

static void
heap_up(struct flow_table *ft, size_t i)
{
	struct ct_conn *c = ft->heap[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (ft->heap[p]->expires_ns <= c->expires_ns)
			break;
		heap_set(ft, i, ft->heap[p]);
		i = p;
	}
	heap_set(ft, i, c);
}

static void
heap_down(struct flow_table *ft, size_t i)
{
	struct ct_conn *c = ft->heap[i];
	size_t n = ft->count;

	for (;;) {
		size_t l = 2 * i + 1, m;

		if (l >= n)
			break;
		m = l;
		if (l + 1 < n && ft->heap[l + 1]->expires_ns < ft->heap[l]->expires_ns)
			m = l + 1;
		if (ft->heap[m]->expires_ns >= c->expires_ns)
			break;
		heap_set(ft, i, ft->heap[m]);
		i = m;
	}
	heap_set(ft, i, c);
}

static void
heap_fix(struct flow_table *ft, size_t i)
{
	if (i > 0 && ft->heap[(i - 1) / 2]->expires_ns > ft->heap[i]->expires_ns)
		heap_up(ft, i);
	else
		heap_down(ft, i);
}

/* --- early-drop list -------------------------------------------------- */

bool
flow_conn_droppable(const struct ct_conn *c)
{
	if (!c->assured)
		return true;
	/* tcp_can_early_drop(): closing TCP states */
	if (c->tuple[0].proto == TCP_PROTO) {
		switch (c->tcp.state) {
		case TCP_CT_FIN_WAIT:
		case TCP_CT_LAST_ACK:
		case TCP_CT_TIME_WAIT:
		case TCP_CT_CLOSE:
		case TCP_CT_CLOSE_WAIT:
			return true;
		default:
			break;
		}
	}
	return false;
}

static void
drop_link(struct flow_table *ft, struct ct_conn *c)
{
	c->dnext = NULL;
	c->dprev = ft->drop_tail;
	if (ft->drop_tail)
		ft->drop_tail->dnext = c;
	else
		ft->drop_head = c;
	ft->drop_tail = c;
	c->droppable = true;
}

static void
drop_unlink(struct flow_table *ft, struct ct_conn *c)
{
	if (!c->droppable)
		return;
	if (c->dprev)
		c->dprev->dnext = c->dnext;
	else
		ft->drop_head = c->dnext;
	if (c->dnext)
		c->dnext->dprev = c->dprev;
	else
		ft->drop_tail = c->dprev;
	c->dprev = c->dnext = NULL;
	c->droppable = false;
}

struct ct_conn *
flow_table_drop_candidate(const struct flow_table *ft)
{
	return ft->drop_head;
}

/* --- insert / remove / update ----------------------------------------- */

int
flow_table_insert(struct flow_table *ft, struct ct_conn *c)
{
	if (ft->count == ft->heap_cap) {
		size_t ncap = ft->heap_cap * 2;
		struct ct_conn **nh = realloc(ft->heap, ncap * sizeof(*nh));

		if (!nh)
			return -1;
		ft->heap = nh;
		ft->heap_cap = ncap;
	}
	if (ft->count + 1 > ft->n_buckets)
		hash_resize(ft, ft->n_buckets * 2);

	c->hnode[0].conn = c;
	c->hnode[0].dir = 0;
	c->hnode[1].conn = c;
	c->hnode[1].dir = 1;
	hash_link(ft->buckets, ft->n_buckets, &c->hnode[0]);
	hash_link(ft->buckets, ft->n_buckets, &c->hnode[1]);

	ft->count++;
	heap_set(ft, ft->count - 1, c);
	heap_up(ft, ft->count - 1);

	c->droppable = false;
	if (flow_conn_droppable(c))
		drop_link(ft, c);
	c->in_table = true;
	return 0;
}

void
flow_table_remove(struct flow_table *ft, struct ct_conn *c)
{
	size_t i;

	if (!c->in_table)
		return;
	hash_unlink(ft, &c->hnode[0]);
	hash_unlink(ft, &c->hnode[1]);
	drop_unlink(ft, c);

	i = c->heap_pos;
	ft->count--;
	if (i != ft->count) {
		heap_set(ft, i, ft->heap[ft->count]);
		heap_fix(ft, i);
	}
	ft->heap[ft->count] = NULL;
	c->in_table = false;

	/* shrink so memory follows the live entries */
	if (ft->n_buckets > FLOW_MIN_BUCKETS && ft->count < ft->n_buckets / 8)
		hash_resize(ft, ft->n_buckets / 2);
	if (ft->heap_cap > FLOW_MIN_HEAP && ft->count < ft->heap_cap / 8) {
		size_t ncap = ft->heap_cap / 2;
		struct ct_conn **nh = realloc(ft->heap, ncap * sizeof(*nh));

		if (nh) {
			ft->heap = nh;
			ft->heap_cap = ncap;
		}
	}
}

void
flow_table_update(struct flow_table *ft, struct ct_conn *c)
{
	bool d;

	if (!c->in_table)
		return;
	heap_fix(ft, c->heap_pos);
	d = flow_conn_droppable(c);
	if (d && !c->droppable)
		drop_link(ft, c);
	else if (!d && c->droppable)
		drop_unlink(ft, c);
}

struct ct_conn *
flow_table_pop_expired(struct flow_table *ft, int64_t now)
{
	struct ct_conn *c;

	if (ft->count == 0 || ft->heap[0]->expires_ns > now)
		return NULL;
	c = ft->heap[0];
	flow_table_remove(ft, c);
	return c;
}

size_t
flow_table_count(const struct flow_table *ft)
{
	return ft->count;
}

size_t
flow_table_mem(const struct flow_table *ft)
{
	return sizeof(*ft) + ft->n_buckets * sizeof(*ft->buckets) +
	       ft->heap_cap * sizeof(*ft->heap) + ft->count * sizeof(struct ct_conn);
}
