/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * correlate.c - join log events to captured packets.  See correlate.h.
 *
 * Index: events are grouped by a key made of the tuple plus the fields
 * their dump has among {ports, TCP SEQ, IP LEN, IPv4 ID} (a dump cut by INCOMPLETE or
 * a fragment has fewer); the key's field mask is part of the key.  A packet
 * probes the table once per mask in use, so a lookup costs a handful of hash
 * probes whatever the number of events, and only the few events of a group
 * are compared field by field.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "correlate.h"

/* Times are kept within +-2^53 us (285 years) so differences cannot overflow. */
#define CORR_TS_MAX_US (INT64_C(1) << 53)

enum {
	KEY_PORTS = 1u << 0,
	KEY_SEQ = 1u << 1,
	KEY_LEN = 1u << 2,
	KEY_ID = 1u << 3,	/* IPv4 ID: tells apart same-length UDP/ICMP packets of a flow */
	KEY_MASKS = 16,
};

struct ckey {
	uint8_t family, proto, mask, pad;
	uint16_t sport, dport;
	uint32_t seq, len;
	uint16_t id, pad2;
	uint8_t src[16], dst[16];
};

struct group {
	struct ckey key;
	uint32_t first, last;	/* first and last event (index) of the group */
};

/* Provisional clock offset, used while packets are still coming to choose
 * which candidates an event over the cap keeps (see evict_slot()). */
struct prov {
	bool known;
	int64_t offset_us;
	uint64_t firsts;	/* events of the clock that got a first candidate */
	uint64_t firsts_used;	/* firsts when offset_us was last computed */
	uint32_t gen;		/* changes with offset_us (0: never computed) */
};

/* A packet taken by an event, per (clock, reason, message, IN, OUT): the
 * kernel logs a packet once per message, so two events of one log with the
 * same message are two packets (see decide()). */
struct claim {
	uint64_t index;
	uint32_t file_id, clock, reason, tag;
	uint32_t ev;		/* event index + 1; 0 = empty slot */
};

struct ev_state {
	uint32_t next;		/* next event of the same group, UINT32_MAX = end */
	uint32_t clock;		/* index into clocks */
	uint64_t seen;		/* packets with matching fields */
	uint32_t n_cand;
	struct corr_cand *cand;	/* up to CORR_CAND_PER_EVENT */
	struct corr_result res;
	/* evict_slot()'s cache: where prov generation @gen expects the packet
	 * (expect_ok false: the event has no usable time), and the kept
	 * candidate farthest from there (worst_ok false: to be found again) */
	uint32_t gen, worst_slot;
	bool expect_ok, worst_ok;
	uint8_t worst_agree;
	int64_t expect_us, worst_us;
	uint64_t seen_agree[3];	/* packets seen per agreement() level */
};

struct corr {
	const struct log_event *ev;
	size_t n_ev;
	struct ev_state *st;
	struct group *groups;
	size_t n_groups;
	uint32_t *table;	/* group index + 1; 0 = empty */
	size_t table_size;	/* power of two */
	unsigned masks_used;	/* bit m set: some group has mask m */
	struct corr_clock *clocks;
	size_t n_clocks;
	struct prov *prov;	/* one per clock */
	struct claim *claims;	/* corr_finish() only */
	size_t claims_size;	/* power of two */
	uint64_t n_cand_total;
	uint64_t dropped;
	bool finished;
};

static uint64_t
key_hash(const struct ckey *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	for (size_t i = 0; i < sizeof(*k); i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

static bool
has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 136 || proto == 132 || proto == 33;
}

/* Key of a log event's dump; -1 when the dump lacks the tuple. */
static int
event_key(const struct nflog_pkt *lp, struct ckey *k)
{
	size_t alen;

	memset(k, 0, sizeof(*k));
	if ((lp->has & (NFL_SRC | NFL_DST | NFL_PROTO)) != (NFL_SRC | NFL_DST | NFL_PROTO))
		return -1;
	if (lp->family != 4 && lp->family != 6)
		return -1;
	alen = lp->family == 4 ? 4 : 16;
	k->family = lp->family;
	k->proto = lp->proto;
	memcpy(k->src, lp->src.b, alen);
	memcpy(k->dst, lp->dst.b, alen);
	if ((lp->has & (NFL_SPT | NFL_DPT)) == (NFL_SPT | NFL_DPT)) {
		k->mask |= KEY_PORTS;
		k->sport = lp->sport;
		k->dport = lp->dport;
	}
	if (lp->proto == 6 && (lp->has & NFL_SEQ)) {
		k->mask |= KEY_SEQ;
		k->seq = lp->seq;
	}
	if (lp->has & NFL_LEN) {
		k->mask |= KEY_LEN;
		k->len = lp->len;
	}
	if (lp->family == 4 && (lp->has & NFL_ID)) {
		k->mask |= KEY_ID;
		k->id = lp->id;
	}
	return 0;
}

/* Key of a packet for the field mask @mask; -1 when it lacks those fields. */
static int
pkt_key(const struct pkt *p, unsigned mask, struct ckey *k)
{
	size_t alen;

	memset(k, 0, sizeof(*k));
	if (p->family != 4 && p->family != 6)
		return -1;
	alen = p->family == 4 ? 4 : 16;
	k->family = p->family;
	k->proto = p->proto;
	k->mask = (uint8_t)mask;
	memcpy(k->src, p->src.b, alen);
	memcpy(k->dst, p->dst.b, alen);
	if (mask & KEY_PORTS) {
		if (!p->has_l4 || !has_ports(p->proto))
			return -1;
		k->sport = p->sport;
		k->dport = p->dport;
	}
	if (mask & KEY_SEQ) {
		if (!p->has_l4 || p->proto != 6)
			return -1;
		k->seq = p->seq;
	}
	if (mask & KEY_LEN)
		k->len = p->ip_len;
	if (mask & KEY_ID) {
		if (p->family != 4)
			return -1;
		k->id = p->ip_id;
	}
	return 0;
}

static size_t
table_find(const struct corr *c, const struct ckey *k)
{
	size_t m = c->table_size - 1;
	size_t i = (size_t)key_hash(k) & m;

	while (c->table[i]) {
		if (memcmp(&c->groups[c->table[i] - 1].key, k, sizeof(*k)) == 0)
			return i;
		i = (i + 1) & m;
	}
	return i;
}

static bool
same_boot(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
clock_of(struct corr *c, const struct log_event *e, const char *boot, uint32_t *out)
{
	for (size_t i = 0; i < c->n_clocks; i++) {
		if (strcmp(c->clocks[i].path, e->path ? e->path : "") == 0 &&
		    same_boot(c->clocks[i].boot_id, boot)) {
			*out = (uint32_t)i;
			return 0;
		}
	}
	{
		struct corr_clock *nc = xreallocarray(c->clocks, c->n_clocks + 1, sizeof(*nc));

		if (!nc)
			return ERR_NOMEM;
		c->clocks = nc;
	}
	memset(&c->clocks[c->n_clocks], 0, sizeof(c->clocks[0]));
	c->clocks[c->n_clocks].path = e->path ? e->path : "";
	c->clocks[c->n_clocks].boot_id = boot;
	c->clocks[c->n_clocks].mono = e->has_mono;
	*out = (uint32_t)c->n_clocks++;
	return 0;
}

struct corr *
corr_new(const struct log_event *events, size_t n)
{
	return corr_new_boots(events, n, NULL);
}

struct corr *
corr_new_boots(const struct log_event *events, size_t n, const char *const *boot_ids)
{
	struct corr *c = xcalloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->ev = events;
	c->n_ev = n;
	if (n > UINT32_MAX - 1)
		goto fail;
	c->st = xcalloc(n ? n : 1, sizeof(*c->st));
	c->groups = xcalloc(n ? n : 1, sizeof(*c->groups));
	c->table_size = 16;
	while (c->table_size < 2 * n + 2)
		c->table_size *= 2;
	c->table = xcalloc(c->table_size, sizeof(*c->table));
	if (!c->st || !c->groups || !c->table)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const struct log_event *e = &events[i];
		struct ev_state *s = &c->st[i];
		struct ckey k;
		size_t slot;

		s->next = UINT32_MAX;
		if (clock_of(c, e, boot_ids ? boot_ids[i] : NULL, &s->clock) < 0)
			goto fail;
		if (!e->has_pkt || event_key(&e->pkt, &k) < 0)
			continue;
		slot = table_find(c, &k);
		if (!c->table[slot]) {
			c->groups[c->n_groups].key = k;
			c->groups[c->n_groups].first = (uint32_t)i;
			c->groups[c->n_groups].last = (uint32_t)i;
			c->table[slot] = (uint32_t)(++c->n_groups);
			c->masks_used |= 1u << k.mask;
		} else {
			/* append at the end to keep event order within the group */
			struct group *g = &c->groups[c->table[slot] - 1];

			c->st[g->last].next = (uint32_t)i;
			g->last = (uint32_t)i;
		}
	}
	c->prov = xcalloc(c->n_clocks ? c->n_clocks : 1, sizeof(*c->prov));
	if (!c->prov)
		goto fail;
	return c;
fail:
	corr_free(c);
	return NULL;
}

int
corr_fields_match(const struct nflog_pkt *lp, const struct pkt *p, bool *ttl_differs)
{
	size_t alen;

	*ttl_differs = false;
	if (lp->family != p->family || (p->family != 4 && p->family != 6))
		return 0;
	alen = p->family == 4 ? 4 : 16;
	if (!(lp->has & NFL_SRC) || !(lp->has & NFL_DST) || !(lp->has & NFL_PROTO))
		return 0;
	if (memcmp(lp->src.b, p->src.b, alen) != 0 || memcmp(lp->dst.b, p->dst.b, alen) != 0)
		return 0;
	if (lp->proto != p->proto)
		return 0;
	if ((lp->has & NFL_LEN) && lp->len != p->ip_len)
		return 0;
	if (p->family == 4 && (lp->has & NFL_ID) && lp->id != p->ip_id)
		return 0;
	if (p->family == 6 && (lp->has & NFL_FLOWLBL) && lp->flowlbl != p->flowlabel)
		return 0;
	if (lp->has & (NFL_SPT | NFL_DPT | NFL_SEQ | NFL_ACK | NFL_WINDOW | NFL_UDPLEN |
		       NFL_ICMP | NFL_ICMP_ECHO)) {
		if (!p->has_l4)
			return 0;
	}
	if ((lp->has & NFL_SPT) && lp->sport != p->sport)
		return 0;
	if ((lp->has & NFL_DPT) && lp->dport != p->dport)
		return 0;
	if (p->proto == 6) {
		if ((lp->has & NFL_SEQ) && lp->seq != p->seq)
			return 0;
		if ((lp->has & NFL_ACK) && lp->ack != p->ack)
			return 0;
		if ((lp->has & NFL_WINDOW) && lp->window != p->window)
			return 0;
		/* the flag words follow RES= */
		if ((lp->has & NFL_RES) && lp->tcp_flags != p->tcp_flags)
			return 0;
	}
	if ((p->proto == 17 || p->proto == 136) && (lp->has & NFL_UDPLEN) &&
	    lp->udp_len != p->udp_len)
		return 0;
	if (p->proto == 1 || p->proto == 58) {
		if ((lp->has & NFL_ICMP) &&
		    (lp->icmp_type != p->icmp_type || lp->icmp_code != p->icmp_code))
			return 0;
		if ((lp->has & NFL_ICMP_ECHO) &&
		    (lp->icmp_id != p->icmp_id || lp->icmp_seq != p->icmp_seq))
			return 0;
	}
	/* the quoted packet of an ICMP error: errors about different flows
	 * between the same hosts differ only there (IPv6 has no IP ID) */
	if ((lp->has & NFL_INNER) && lp->inner.present && p->inner.present) {
		const struct pkt_inner *li = &lp->inner, *pi = &p->inner;
		size_t il = li->family == 6 ? 16 : 4;

		if (li->family != pi->family || memcmp(li->src.b, pi->src.b, il) != 0 ||
		    memcmp(li->dst.b, pi->dst.b, il) != 0)
			return 0;
		if (li->proto && li->proto != pi->proto)
			return 0;
		if ((li->proto == 6 || li->proto == 17 || li->proto == 136) &&
		    (li->sport || li->dport) &&
		    (li->sport != pi->sport || li->dport != pi->dport))
			return 0;
	}
	if ((lp->has & (NFL_TTL | NFL_HOPLIMIT)) && lp->ttl != p->ttl)
		*ttl_differs = true;
	return 1;
}

static struct corr_detail *
detail_new(const struct ct_result *res, const char *const *texts)
{
	struct corr_detail *d = xcalloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->verdict = res->verdict;
	d->n_msgs = res->n_msgs > CT_MAX_MSGS ? CT_MAX_MSGS : res->n_msgs;
	for (unsigned i = 0; i < d->n_msgs; i++) {
		d->msgs[i] = res->msgs[i];
		if (texts && texts[i]) {
			d->text[i] = xstrndup(texts[i], strlen(texts[i]));
			if (!d->text[i])
				goto fail;
		}
	}
	if (res->check[0]) {
		d->check = xstrndup(res->check, strnlen(res->check, sizeof(res->check)));
		if (!d->check)
			goto fail;
	}
	d->failed = res->failed;
	d->dir = res->dir;
	d->tcp_index = res->tcp_index;
	d->before = res->before;
	d->silent = res->silent;
	if (res->facts.valid) {
		d->facts = xcalloc(1, sizeof(*d->facts));
		if (!d->facts)
			goto fail;
		*d->facts = res->facts;
	}
	return d;
fail:
	for (unsigned i = 0; i < CT_MAX_MSGS; i++)
		free(d->text[i]);
	free(d->check);
	free(d);
	return NULL;
}

static void
detail_free(struct corr_detail *d)
{
	if (!d)
		return;
	if (d->refs > 1) {	/* still held by another event's candidate */
		d->refs--;
		return;
	}
	for (unsigned i = 0; i < CT_MAX_MSGS; i++)
		free(d->text[i]);
	free(d->check);
	free(d->facts);
	free(d);
}

int64_t
corr_ts_us(int64_t sec, uint32_t nsec)
{
	if (sec > CORR_TS_MAX_US / 1000000)
		return CORR_TS_MAX_US;
	if (sec < -(CORR_TS_MAX_US / 1000000))
		return -CORR_TS_MAX_US;
	return sec * 1000000 + (int64_t)((nsec % 1000000000u) / 1000);
}

/*
 * How well the engine's result (@n messages @msgs, their texts @texts, which
 * may be or hold NULL) agrees with event @e: 2 = flagged with the logged
 * reason and the same text (what the report calls agreeing), 1 = the logged
 * reason with another text (or no text), 0 = not flagged so.
 */
static uint8_t
agreement(const struct log_event *e, const struct ct_msg *msgs, unsigned n,
	  const char *const *texts)
{
	uint8_t best = 0;

	for (unsigned i = 0; i < n && i < CT_MAX_MSGS; i++) {
		if (msgs[i].reason != e->reason)
			continue;
		if (texts && texts[i] && e->message && strcmp(texts[i], e->message) == 0)
			return 2;
		best = 1;
	}
	return best;
}

static int evict_slot(struct corr *c, size_t i, int64_t ts_us, uint8_t agree, uint32_t *slot);

/*
 * Keep packet @p as a candidate of event @i.  Over the caps, the packet
 * replaces the kept candidate farthest in time from where the provisional
 * clock offset expects the event's packet, when it is nearer (a flow of
 * many identical packets: the copies near the log line are kept, not the
 * first ones of the capture); the count of packets not kept is the same.
 * The engine's result is copied once per packet (*@shared, made on first
 * use) and shared by the events that keep it.
 */
static int
add_cand(struct corr *c, size_t i, const struct pkt *p, bool ttl_differs,
	 const struct ct_result *res, const char *const *texts,
	 struct corr_detail **shared)
{
	struct ev_state *s = &c->st[i];
	struct corr_cand *cd;
	int64_t ts = corr_ts_us(p->ts_sec, p->ts_nsec);
	uint32_t slot = 0;
	bool replace = false;
	uint8_t agree = agreement(&c->ev[i], res->msgs, res->n_msgs, texts);

	if (s->seen++ == 0)
		c->prov[s->clock].firsts++;
	s->seen_agree[agree]++;
	if (s->n_cand >= CORR_CAND_PER_EVENT || c->n_cand_total >= CORR_CAND_MAX) {
		int rc = s->n_cand ? evict_slot(c, i, ts, agree, &slot) : 0;

		c->dropped++;
		if (rc <= 0)
			return rc;
		replace = true;
	} else if (!s->cand) {
		s->cand = xcalloc(CORR_CAND_PER_EVENT, sizeof(*s->cand));
		if (!s->cand)
			return ERR_NOMEM;
	}
	if (!*shared) {
		*shared = detail_new(res, texts);
		if (!*shared)
			return ERR_NOMEM;
	}
	if (replace) {
		detail_free(s->cand[slot].detail);
	} else {
		slot = s->n_cand++;
		c->n_cand_total++;
	}
	(*shared)->refs++;
	cd = &s->cand[slot];
	memset(cd, 0, sizeof(*cd));
	cd->file_id = p->file_id;
	cd->index = p->index;
	cd->ts_us = ts;
	cd->ts_nsec = p->ts_nsec;
	cd->ttl_differs = ttl_differs;
	cd->agree = agree;
	cd->detail = *shared;
	return 0;
}

int
corr_offer(struct corr *c, const struct pkt *p, const struct ct_result *res,
	   const char *const *texts)
{
	struct corr_detail *shared = NULL;	/* refs: the candidates holding it */

	if (!c->n_groups || (p->family != 4 && p->family != 6))
		return 0;
	for (unsigned m = 0; m < KEY_MASKS; m++) {
		struct ckey k;
		size_t slot;

		if (!(c->masks_used & (1u << m)) || pkt_key(p, m, &k) < 0)
			continue;
		slot = table_find(c, &k);
		if (!c->table[slot])
			continue;
		for (uint32_t i = c->groups[c->table[slot] - 1].first; i != UINT32_MAX;
		     i = c->st[i].next) {
			bool ttl;
			int rc;

			if (!corr_fields_match(&c->ev[i].pkt, p, &ttl))
				continue;
			rc = add_cand(c, i, p, ttl, res, texts, &shared);
			if (rc < 0) {
				if (shared && !shared->refs)
					detail_free(shared);
				return rc;
			}
		}
	}
	return 0;
}

/* The event's time on its clock; false when unknown or absurd (hostile
 * stamps beyond +-2^53 us are not used for arithmetic). */
static bool
ev_time(const struct corr *c, size_t i, int64_t *out)
{
	const struct log_event *e = &c->ev[i];
	bool known;

	if (c->clocks[c->st[i].clock].mono) {
		*out = e->mono_us;
		known = e->has_mono;
	} else {
		*out = e->wall_us;
		known = e->has_wall;
	}
	return known && *out <= CORR_TS_MAX_US && *out >= -CORR_TS_MAX_US;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int64_t
abs64(int64_t x)
{
	return x < 0 ? -x : x;
}

/*
 * The differences (packet time - event time) of the events of clock @k that
 * have exactly one candidate so far, sorted, into @d (room for every event).
 * Returns their number.
 */
static size_t
clock_pairs(const struct corr *c, size_t k, int64_t *d)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n_ev; i++) {
		const struct ev_state *s = &c->st[i];
		int64_t t;

		if (s->clock != k || s->seen != 1 || s->n_cand != 1 || !ev_time(c, i, &t))
			continue;
		d[n++] = s->cand[0].ts_us - t;
	}
	if (n)
		qsort(d, n, sizeof(*d), cmp_i64);
	return n;
}

/*
 * Event @i holds all the candidates it may and another packet at @ts_us,
 * with agreement() @agree, matches: which kept candidate to give up for it.
 * The worst kept is the one the engine agrees with least, and among those
 * the farthest from where the provisional offset expects the event's packet;
 * the new packet replaces it when the engine agrees with it more, or as
 * much and it is nearer.  The provisional offset is the median of the pairs
 * so far, recomputed whenever the number of events of the clock with a
 * candidate has doubled (amortised linear).  1 = replace *slot, 0 = drop the
 * new packet (when as good: also while no offset is known, the first packets
 * stay), or ERR_NOMEM.
 */
static int
evict_slot(struct corr *c, size_t i, int64_t ts_us, uint8_t agree, uint32_t *slot)
{
	struct ev_state *s = &c->st[i];
	struct prov *pv = &c->prov[s->clock];
	int64_t t;

	if (pv->firsts > pv->firsts_used && pv->firsts >= 2 * pv->firsts_used) {
		int64_t *d = xcalloc(c->n_ev, sizeof(*d));
		size_t n;

		if (!d)
			return ERR_NOMEM;
		n = clock_pairs(c, s->clock, d);
		if (n) {
			pv->known = true;
			pv->offset_us = d[(n - 1) / 2];
			pv->gen = pv->gen == UINT32_MAX ? 1 : pv->gen + 1;
		}
		pv->firsts_used = pv->firsts;
		free(d);
	}
	if (pv->known && s->gen != pv->gen) {
		s->gen = pv->gen;
		s->expect_ok = ev_time(c, i, &t);
		s->expect_us = s->expect_ok ? t + pv->offset_us : 0;
		s->worst_ok = false;
	}
	/* without a usable expected time every distance counts as 0 */
	if (!s->worst_ok) {
		s->worst_us = -1;
		s->worst_agree = UINT8_MAX;
		for (uint32_t j = 0; j < s->n_cand; j++) {
			const struct corr_cand *cd = &s->cand[j];
			int64_t dt = pv->known && s->expect_ok ? abs64(cd->ts_us - s->expect_us) : 0;

			if (cd->agree < s->worst_agree ||
			    (cd->agree == s->worst_agree && dt > s->worst_us)) {
				s->worst_agree = cd->agree;
				s->worst_us = dt;
				s->worst_slot = j;
			}
		}
		s->worst_ok = true;
	}
	if (agree < s->worst_agree)
		return 0;
	if (agree == s->worst_agree &&
	    (!pv->known || !s->expect_ok || abs64(ts_us - s->expect_us) >= s->worst_us))
		return 0;
	*slot = s->worst_slot;
	s->worst_ok = false;	/* that candidate is being replaced */
	return 1;
}

static uint32_t
fnv_str(uint32_t h, const char *s)
{
	for (; s && *s; s++) {
		h ^= (uint8_t)*s;
		h *= 16777619u;
	}
	return (h ^ 0xff) * 16777619u;	/* a separator: "ab","c" != "a","bc" */
}

/* The claim key of event @i's candidate @cd. */
static void
claim_key(const struct corr *c, size_t i, const struct corr_cand *cd, struct claim *k)
{
	const struct log_event *e = &c->ev[i];
	uint32_t h = 2166136261u;

	memset(k, 0, sizeof(*k));
	k->index = cd->index;
	k->file_id = cd->file_id;
	k->clock = c->st[i].clock;
	k->reason = (uint32_t)e->reason;
	if (e->reason == REASON_UNRECOGNIZED)
		h = fnv_str(h, e->message);
	h = fnv_str(h, e->pkt.in);
	k->tag = fnv_str(h, e->pkt.out);
}

/* Slot of key @k in the claims table (its own, or the empty one to use). */
static size_t
claim_find(const struct corr *c, const struct claim *k)
{
	size_t m = c->claims_size - 1;
	uint64_t h = k->index;
	size_t i;

	h = (h ^ k->file_id) * 0x9e3779b97f4a7c15ull;
	h = (h ^ k->clock) * 0x9e3779b97f4a7c15ull;
	h = (h ^ k->reason ^ ((uint64_t)k->tag << 32)) * 0x9e3779b97f4a7c15ull;
	i = (size_t)(h ^ (h >> 29)) & m;
	while (c->claims[i].ev) {
		const struct claim *o = &c->claims[i];

		if (o->index == k->index && o->file_id == k->file_id && o->clock == k->clock &&
		    o->reason == k->reason && o->tag == k->tag)
			return i;
		i = (i + 1) & m;
	}
	return i;
}

/* Has another event of the same log and message taken @cd? */
static bool
taken(const struct corr *c, size_t i, const struct corr_cand *cd)
{
	struct claim k;
	size_t slot;

	if (!c->claims)
		return false;
	claim_key(c, i, cd, &k);
	slot = claim_find(c, &k);
	return c->claims[slot].ev && c->claims[slot].ev != i + 1;
}

/* Event @i takes its chosen packet (the first taker keeps it). */
static void
claim(struct corr *c, size_t i)
{
	const struct corr_cand *cd = c->st[i].res.cand;
	struct claim k;
	size_t slot;

	if (!cd || !c->claims)
		return;
	claim_key(c, i, cd, &k);
	slot = claim_find(c, &k);
	if (!c->claims[slot].ev) {
		k.ev = (uint32_t)i + 1;
		c->claims[slot] = k;
	}
}

/* Of @live, the candidates with the best agreement() (@live when none agrees). */
static uint32_t
best_agreeing(const struct corr *c, size_t i, uint32_t live)
{
	const struct ev_state *s = &c->st[i];
	uint32_t sub[3] = { 0, 0, 0 };

	for (uint32_t j = 0; j < s->n_cand; j++)
		if (live & (1u << j))
			sub[s->cand[j].agree] |= 1u << j;
	return sub[2] ? sub[2] : sub[1] ? sub[1] : live;
}

/*
 * Are the candidates the engine agrees with at level @agree or better all
 * kept (none dropped by the cap)?  Then the packets dropped would lose the
 * engine step anyway.
 */
static bool
kept_from(const struct ev_state *s, uint8_t agree)
{
	uint64_t seen = 0, kept = 0;

	for (unsigned a = agree; a < 3; a++)
		seen += s->seen_agree[a];
	for (uint32_t j = 0; j < s->n_cand; j++)
		kept += s->cand[j].agree >= agree;
	return seen == kept;
}

/* Is event @j a copy of event @i for the log: same clock, message and
 * IN/OUT (its fields are the same: both are of one group)? */
static bool
same_line(const struct corr *c, size_t i, size_t j)
{
	const struct log_event *a = &c->ev[i], *b = &c->ev[j];

	return c->st[i].clock == c->st[j].clock && a->reason == b->reason &&
	       strcmp(a->message, b->message) == 0 && strcmp(a->pkt.in, b->pkt.in) == 0 &&
	       strcmp(a->pkt.out, b->pkt.out) == 0;
}

/*
 * Candidates @live of event @i are alike for every test (time within the
 * tolerance, TTL, engine).  When the undecided copies of the line that
 * follow it in the log (log order = capture order) are enough to use up
 * every one of them, the event takes the earliest captured: the copies then
 * take the next ones in turn.  -1 when that is not so (a real tie).
 */
static int
in_order(const struct corr *c, size_t i, uint32_t live, int64_t window_end)
{
	const struct ev_state *s = &c->st[i];
	const struct corr_clock *ck = &c->clocks[s->clock];
	unsigned need = 0, have = 1;
	int first = -1;

	for (uint32_t j = 0; j < s->n_cand; j++) {
		if (!(live & (1u << j)))
			continue;
		need++;
		if (first < 0 || s->cand[j].ts_us < s->cand[first].ts_us ||
		    (s->cand[j].ts_us == s->cand[first].ts_us &&
		     (s->cand[j].file_id < s->cand[first].file_id ||
		      (s->cand[j].file_id == s->cand[first].file_id &&
		       s->cand[j].index < s->cand[first].index))))
			first = (int)j;
	}
	for (uint32_t k = s->next; k != UINT32_MAX && have < need; k = c->st[k].next) {
		const struct ev_state *o = &c->st[k];
		int64_t t;
		bool shares = false;

		if (o->res.how != CORR_NONE || !same_line(c, i, k))
			continue;
		if (!ev_time(c, k, &t) || t + ck->offset_us - ck->tolerance_us > window_end)
			break;	/* later lines are later still (log order) */
		for (uint32_t a = 0; a < o->n_cand && !shares; a++)
			for (uint32_t b = 0; b < s->n_cand && !shares; b++)
				shares = (live & (1u << b)) && o->cand[a].index == s->cand[b].index &&
					 o->cand[a].file_id == s->cand[b].file_id;
		if (shares)
			have++;
	}
	return have >= need ? first : -1;
}

/* Passes over the undecided events in corr_finish(). */
#define CORR_PASSES 4

/* Candidates closer than this to the best one are never told apart by
 * time (timestamps of different clocks round differently). */
#define CORR_TIME_TOL_MIN_US 2
#define CORR_WHOLE_S_US 1000000

static int
estimate_clocks(struct corr *c)
{
	int64_t *d = xcalloc(c->n_ev ? c->n_ev : 1, sizeof(*d));

	if (!d)
		return ERR_NOMEM;
	for (size_t k = 0; k < c->n_clocks; k++) {
		struct corr_clock *ck = &c->clocks[k];
		size_t n = clock_pairs(c, k, d);

		ck->pairs = n;
		if (n == 0)
			continue;
		ck->known = true;
		/* median; the lower middle for an even count (deterministic) */
		ck->offset_us = d[(n - 1) / 2];
		ck->spread_us = d[n - 1] - d[0];
		/* tolerance: 3 median absolute deviations (robust against a few
		 * pairs that are off), at least CORR_TIME_TOL_MIN_US */
		for (size_t j = 0; j < n; j++)
			d[j] = d[j] > ck->offset_us ? d[j] - ck->offset_us : ck->offset_us - d[j];
		qsort(d, n, sizeof(*d), cmp_i64);
		ck->tolerance_us = 3 * d[(n - 1) / 2];
		if (ck->tolerance_us < CORR_TIME_TOL_MIN_US)
			ck->tolerance_us = CORR_TIME_TOL_MIN_US;
	}
	/* and at least the resolution of the log's stamps: whole-second wall
	 * stamps (dmesg -T, syslog, journalctl short) cannot tell apart packets
	 * less than a second apart */
	for (size_t i = 0; i < c->n_ev; i++) {
		struct corr_clock *ck = &c->clocks[c->st[i].clock];

		if (!ck->mono && c->ev[i].has_wall && c->ev[i].wall_whole_s &&
		    ck->tolerance_us < CORR_WHOLE_S_US)
			ck->tolerance_us = CORR_WHOLE_S_US;
	}
	free(d);
	return 0;
}


/* The only candidate left in @live, or NULL. */
static const struct corr_cand *
only(const struct ev_state *s, uint32_t live)
{
	const struct corr_cand *one = NULL;

	for (uint32_t j = 0; j < s->n_cand; j++) {
		if (!(live & (1u << j)))
			continue;
		if (one)
			return NULL;
		one = &s->cand[j];
	}
	return one;
}

/*
 * Narrow the candidates down, each step only when it leaves at least one:
 * time (those within the clock tolerance of the nearest, among the packets
 * no other event of the same log and message has taken), then engine
 * agreement (best_agreeing()), then TTL (the logged TTL, not a copy from
 * another hop).  The first step that leaves exactly one decides; a tie left
 * goes by log order (in_order()).  Without an estimated clock the time and
 * order steps are skipped; the steps after time need every candidate kept
 * (none dropped by the cap).
 */
static void
decide(struct corr *c, size_t i)
{
	const struct log_event *e = &c->ev[i];
	struct ev_state *s = &c->st[i];
	struct corr_result *r = &s->res;
	const struct corr_clock *ck = &c->clocks[s->clock];
	uint32_t live = 0, sub;
	const struct corr_cand *one;
	int64_t t, window_end = INT64_MIN;
	bool timed = false;

	r->how = CORR_NONE;
	r->cand = NULL;
	r->candidates = s->seen > UINT32_MAX ? UINT32_MAX : (uint32_t)s->seen;
	if (!e->has_pkt) {
		snprintf(r->why, sizeof(r->why), "no packet dump in the log line");
		return;
	}
	if (s->seen == 0) {
		snprintf(r->why, sizeof(r->why), "no packet with these fields");
		return;
	}
	if (s->seen == 1 && s->n_cand == 1) {
		r->how = CORR_EXACT;
		r->cand = &s->cand[0];
		return;
	}
	for (uint32_t j = 0; j < s->n_cand; j++)
		live |= 1u << j;
	if (ck->known && ev_time(c, i, &t)) {
		int64_t expect = t + ck->offset_us, best = INT64_MAX;

		timed = true;

		sub = 0;
		for (uint32_t j = 0; j < s->n_cand; j++)
			if (!taken(c, i, &s->cand[j]))
				sub |= 1u << j;
		if (sub)
			live = sub;
		for (uint32_t j = 0; j < s->n_cand; j++) {
			int64_t dt = abs64(s->cand[j].ts_us - expect);

			if ((live & (1u << j)) && dt < best)
				best = dt;
		}
		for (uint32_t j = 0; j < s->n_cand; j++) {
			int64_t dt = abs64(s->cand[j].ts_us - expect);

			if (dt - best > ck->tolerance_us)
				live &= ~(1u << j);
		}
		for (uint32_t j = 0; j < s->n_cand; j++)
			if ((live & (1u << j)) && s->cand[j].ts_us > window_end)
				window_end = s->cand[j].ts_us;
		one = only(s, live);
		if (one) {
			r->how = CORR_TIME;
			r->cand = one;
			return;
		}
	}
	sub = best_agreeing(c, i, live);
	if (s->seen != s->n_cand) {
		/* some packets were not kept: go on only when they are all
		 * packets the engine agrees with less than with the best kept */
		uint8_t top = 0;

		for (uint32_t j = 0; j < s->n_cand && !top; j++)
			if (sub & (1u << j))
				top = s->cand[j].agree;
		if (!top || !kept_from(s, top))
			goto ambiguous;
	}
	if (sub != live) {
		live = sub;
		one = only(s, live);
		if (one) {
			r->how = CORR_ENGINE;
			r->cand = one;
			return;
		}
	}
	sub = 0;
	for (uint32_t j = 0; j < s->n_cand; j++)
		if ((live & (1u << j)) && !s->cand[j].ttl_differs)
			sub |= 1u << j;
	if (sub)
		live = sub;
	one = only(s, live);
	if (one) {
		r->how = CORR_TTL;
		r->cand = one;
		return;
	}
	if (timed) {
		int j = in_order(c, i, live, window_end);

		if (j >= 0) {
			r->how = CORR_TIME;
			r->cand = &s->cand[j];
			return;
		}
	}
ambiguous:
	snprintf(r->why, sizeof(r->why), "%llu candidates", (unsigned long long)s->seen);
}

int
corr_finish(struct corr *c)
{
	int rc;

	if (c->finished)
		return 0;
	rc = estimate_clocks(c);
	if (rc < 0)
		return rc;
	/*
	 * One packet, one event per message: the exact pairs take their
	 * packets first, then the others in log order, each among the packets
	 * not taken yet; an event left undecided is tried again once the
	 * others have taken theirs (a few passes while that decides more).
	 */
	c->claims_size = 16;
	while (c->claims_size < 2 * c->n_ev + 2)
		c->claims_size *= 2;
	c->claims = xcalloc(c->claims_size, sizeof(*c->claims));
	if (!c->claims)
		return ERR_NOMEM;
	for (size_t i = 0; i < c->n_ev; i++) {
		if (c->st[i].seen == 1 && c->st[i].n_cand == 1) {
			decide(c, i);
			claim(c, i);
		}
	}
	for (unsigned pass = 0; pass < CORR_PASSES; pass++) {
		bool more = false;

		for (size_t i = 0; i < c->n_ev; i++) {
			const struct ev_state *s = &c->st[i];

			if (s->seen == 1 && s->n_cand == 1)
				continue;
			if (pass > 0 && (s->res.how != CORR_NONE || s->n_cand < 2))
				continue;
			decide(c, i);
			if (s->res.how != CORR_NONE) {
				claim(c, i);
				more = pass > 0 || more;
			}
		}
		if (pass > 0 && !more)
			break;
	}
	free(c->claims);
	c->claims = NULL;
	c->finished = true;
	return 0;
}

const struct corr_result *
corr_result(const struct corr *c, size_t i)
{
	if (i >= c->n_ev)
		return NULL;
	return &c->st[i].res;
}

size_t
corr_clocks(const struct corr *c, const struct corr_clock **out)
{
	*out = c->clocks;
	return c->n_clocks;
}

uint64_t
corr_dropped(const struct corr *c)
{
	return c->dropped;
}

void
corr_free(struct corr *c)
{
	if (!c)
		return;
	if (c->st) {
		for (size_t i = 0; i < c->n_ev; i++) {
			for (uint32_t j = 0; j < c->st[i].n_cand; j++)
				detail_free(c->st[i].cand[j].detail);
			free(c->st[i].cand);
		}
	}
	free(c->st);
	free(c->groups);
	free(c->table);
	free(c->clocks);
	free(c->prov);
	free(c->claims);
	free(c);
}
