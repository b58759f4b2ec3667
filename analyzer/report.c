/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * report.c - the report model: collect, derive, sort.  See report.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"

void
report_init(struct report *r, const char *version, const struct ct_policy *pol)
{
	memset(r, 0, sizeof(*r));
	r->version = version;
	r->policy = *pol;
}

void
report_release(struct report *r)
{
	for (size_t i = 0; i < r->n_inputs; i++)
		free(r->inputs[i].path);
	free(r->inputs);
	free(r->capture_paths);
	for (size_t i = 0; i < r->n_events; i++) {
		free(r->events[i].summary);
		diag_free(r->events[i].diag);
	}
	free(r->events);
	for (size_t i = 0; i < r->n_flagged; i++) {
		free(r->flagged[i].message);
		diag_free(r->flagged[i].diag);
		free(r->flagged[i].facts);
		free(r->flagged[i].check);
	}
	free(r->flow_ends);
	free(r->flagged);
	free(r->silent);
	memset(r, 0, sizeof(*r));
}

static int
grow(void **v, size_t *alloc, size_t n, size_t size)
{
	size_t na;
	void *nv;

	if (n < *alloc)
		return 0;
	na = *alloc ? *alloc * 2 : 16;
	nv = xreallocarray(*v, na, size);
	if (!nv)
		return ERR_NOMEM;
	*v = nv;
	*alloc = na;
	return 0;
}

int
report_add_input(struct report *r, const char *path, const char *kind,
		 const char *format, uint64_t records)
{
	struct report_input *in;

	if (grow((void **)&r->inputs, &r->alloc_inputs, r->n_inputs, sizeof(*r->inputs)) < 0)
		return ERR_NOMEM;
	in = &r->inputs[r->n_inputs];
	in->path = xstrndup(path, strlen(path));
	if (!in->path)
		return ERR_NOMEM;
	in->kind = kind;
	in->format = format;
	in->records = records;
	r->n_inputs++;
	return 0;
}

void
report_set_records(struct report *r, uint64_t records)
{
	if (r->n_inputs)
		r->inputs[r->n_inputs - 1].records = records;
}

int
report_add_capture(struct report *r, const char *path, uint32_t *file_id)
{
	if (r->n_captures >= UINT32_MAX)
		return ERR_INTERNAL;
	if (grow((void **)&r->capture_paths, &r->alloc_captures, r->n_captures,
		 sizeof(*r->capture_paths)) < 0)
		return ERR_NOMEM;
	r->capture_paths[r->n_captures] = path;
	*file_id = (uint32_t)r->n_captures++;
	return 0;
}

void
report_set_diag_rules(struct report *r, const struct diag_rules *drules)
{
	r->drules = drules;
}

int
report_add_flagged(struct report *r, const struct pkt *pkt, const struct ct_msg *msg,
		   enum ct_verdict verdict, const char *message)
{
	return report_add_flagged_res(r, pkt, msg, verdict, message, NULL);
}

int
report_add_flagged_res(struct report *r, const struct pkt *pkt, const struct ct_msg *msg,
		       enum ct_verdict verdict, const char *message, const struct ct_result *res)
{
	struct report_flagged *f;
	struct diag_input in;
	int cause;

	memset(&in, 0, sizeof(in));
	in.reason = msg->reason;
	in.verdict = verdict;
	in.proto = pkt->proto;
	in.peer_rejected = -1;
	in.facts = res && res->facts.valid ? &res->facts : NULL;
	in.check = res && res->check[0] ? res->check : NULL;
	in.failed = res ? res->failed : 0;
	in.index = pkt->index;
	in.ts_sec = pkt->ts_sec;
	in.ts_nsec = pkt->ts_nsec;
	if (r->n_flagged >= REPORT_FLAGGED_MAX) {
		r->stats.flagged_dropped++;
		cause = diag_run(r->drules, &in, NULL);
		r->summary.cause_flagged[cause]++;
		r->summary.by_reason[msg->reason].flagged++;
		return 1;
	}
	if (pkt->file_id >= r->n_captures)
		return ERR_INTERNAL;
	if (grow((void **)&r->flagged, &r->alloc_flagged, r->n_flagged, sizeof(*r->flagged)) < 0)
		return ERR_NOMEM;
	f = &r->flagged[r->n_flagged];
	memset(f, 0, sizeof(*f));
	f->file_id = pkt->file_id;
	f->path = r->capture_paths[pkt->file_id];
	f->index = pkt->index;
	f->ts_sec = pkt->ts_sec;
	f->ts_nsec = pkt->ts_nsec;
	f->proto = pkt->proto;
	f->verdict = verdict;
	f->reason = msg->reason;
	f->event = -1;
	if (message) {
		f->message = xstrndup(message, strlen(message));
		if (!f->message)
			return ERR_NOMEM;
	}
	r->summary.by_reason[msg->reason].flagged++;
	if (r->n_flagged < REPORT_DIAG_MAX) {
		/* diagnosed in report_finish(), when the flow's end is known */
		f->pending = true;
		f->failed = in.failed;
		if (in.facts) {
			f->facts = xcalloc(1, sizeof(*f->facts));
			if (!f->facts)
				goto oom;
			*f->facts = *in.facts;
		}
		if (in.check && !(f->check = xstrndup(in.check, strlen(in.check))))
			goto oom;
	} else {
		/* beyond the cap: the cause from what is known now */
		in.path = f->path;
		r->stats.diag_dropped++;
		cause = diag_run(r->drules, &in, NULL);
		f->cause = (enum cause)cause;
		r->summary.cause_flagged[cause]++;
	}
	r->n_flagged++;
	return 0;
oom:
	free(f->message);
	free(f->facts);
	free(f->check);
	return ERR_NOMEM;
}

int
report_flow_end(struct report *r, uint32_t file_id, const struct ct_flow_end *fe)
{
	struct report_flow_end *e;

	if (grow((void **)&r->flow_ends, &r->alloc_flow_ends, r->n_flow_ends,
		 sizeof(*r->flow_ends)) < 0)
		return ERR_NOMEM;
	e = &r->flow_ends[r->n_flow_ends++];
	e->file_id = file_id;
	e->flow_id = fe->flow_id;
	e->pkts[0] = fe->pkts[0];
	e->pkts[1] = fe->pkts[1];
	return 0;
}

int
report_add_silent(struct report *r, const struct pkt *pkt, const char *why)
{
	return report_add_silent_res(r, pkt, why, NULL);
}

int
report_add_silent_res(struct report *r, const struct pkt *pkt, const char *why,
		      const struct ct_result *res)
{
	struct report_silent *e;
	struct diag_input in;
	int cause;

	memset(&in, 0, sizeof(in));
	in.reason = REASON_UNRECOGNIZED;
	in.verdict = CT_INVALID;
	in.proto = pkt->proto;
	in.facts = res && res->facts.valid ? &res->facts : NULL;
	in.check = res && res->check[0] ? res->check : NULL;
	in.failed = res ? res->failed : 0;
	in.silent = why ? why : "no reason given by the engine";
	cause = diag_run(r->drules, &in, NULL);
	r->summary.cause_silent[cause]++;
	if (r->n_silent >= REPORT_SILENT_MAX) {
		r->stats.silent_dropped++;
		return 1;
	}
	if (pkt->file_id >= r->n_captures)
		return ERR_INTERNAL;
	if (grow((void **)&r->silent, &r->alloc_silent, r->n_silent, sizeof(*r->silent)) < 0)
		return ERR_NOMEM;
	e = &r->silent[r->n_silent++];
	e->file_id = pkt->file_id;
	e->path = r->capture_paths[pkt->file_id];
	e->index = pkt->index;
	e->ts_sec = pkt->ts_sec;
	e->ts_nsec = pkt->ts_nsec;
	e->proto = pkt->proto;
	e->why = why ? why : "no reason given by the engine";
	e->cause = (enum cause)cause;
	return 0;
}

/* --- derived values ------------------------------------------------------ */

/* What the check that fired means, in words for an operator. */
static const char *
reason_phrase(enum reason r)
{
	switch (r) {
	case REASON_TCP_SHORT:
	case REASON_TCP_TRUNCATED:
		return "the TCP header is shorter than its minimum or than its data offset";
	case REASON_TCP_BAD_CHECKSUM:
		return "the TCP checksum is wrong (or was left for offload and never filled in)";
	case REASON_TCP_FLAGS_INVALID:
		return "the TCP flags form a combination no TCP stack sends";
	case REASON_TCP_INVALID_NEW:
		return "the first packet seen for this connection cannot start one";
	case REASON_TCP_SEQ_OVER_UB:
		return "the segment starts beyond the receiver's advertised window";
	case REASON_TCP_OVERSHOOT:
		return "the segment carries more data than the receiver's window allows";
	case REASON_TCP_ACK_OVER_UB:
		return "the segment acknowledges data the other side has not sent yet";
	case REASON_TCP_SEQ_UNDER_LB:
		return "the segment lies entirely before data already acknowledged (an old retransmission)";
	case REASON_TCP_ACK_UNDER_LB:
		return "the segment acknowledges data far older than the window (a stale ACK)";
	case REASON_TCP_WINDOW_BUG:
		return "the segment failed the window check";
	case REASON_TCP_LOWER_TIMEOUT:
		return "the connection's timeout was lowered after an invalid FIN/RST";
	case REASON_TCP_IGNORED_STATE:
		return "the packet does not fit the connection's state and was ignored";
	case REASON_TCP_INVALID_STATE:
		return "the packet is not allowed in the connection's state";
	case REASON_TCP_CHALLENGE_ACK_IGNORED:
		return "the packet answers a challenge ACK and was ignored";
	case REASON_TCP_INVALID_RST:
		return "the RST does not carry the expected sequence number";
	case REASON_UDP_SHORT:
	case REASON_UDPLITE_SHORT:
		return "the UDP header is incomplete";
	case REASON_UDP_TRUNCATED:
		return "the UDP length field does not fit the IP payload";
	case REASON_UDP_BAD_CHECKSUM:
	case REASON_UDPLITE_BAD_CHECKSUM:
		return "the UDP checksum is wrong (or was left for offload and never filled in)";
	case REASON_UDPLITE_BAD_COVERAGE:
		return "the UDP-Lite checksum coverage is invalid";
	case REASON_UDPLITE_CHECKSUM_MISSING:
		return "the UDP-Lite checksum is missing";
	case REASON_ICMP_SHORT:
	case REASON_ICMPV6_SHORT:
		return "the ICMP header is incomplete";
	case REASON_ICMP_BAD_CHECKSUM:
	case REASON_ICMPV6_BAD_CHECKSUM:
		return "the ICMP checksum is wrong";
	case REASON_ICMP_INVALID_TYPE:
		return "the ICMP type is not one conntrack accepts";
	case REASON_ICMP_OUTER_DADDR:
	case REASON_ICMPV6_OUTER_DADDR:
		return "the ICMP error is addressed to someone other than the sender of the packet it quotes";
	case REASON_ICMPV6_INVALID_NEW_TYPE:
		return "this ICMPv6 type cannot start a connection";
	case REASON_ICMPV6_SHORT_REDIRECT:
	case REASON_ICMPV6_REDIRECT_SADDR:
	case REASON_ICMPV6_REDIRECT_NO_OPTS:
		return "the ICMPv6 redirect is malformed or not from a link-local router";
	case REASON_SCTP_SHORT:
	case REASON_SCTP_READ_HEADER:
	case REASON_SCTP_BAD_CRC:
	case REASON_SCTP_BASIC_CHECKS:
	case REASON_SCTP_VTAG:
	case REASON_SCTP_INVALID_STATE:
		return "the SCTP packet failed conntrack's SCTP checks";
	case REASON_UNRECOGNIZED:
	default:
		return "conntrack logged a message no rule of ctexplain knows";
	}
}

static const char *
verdict_phrase(enum ct_verdict v)
{
	switch (v) {
	case CT_IGNORE:
		return "the kernel logged it and accepted it as part of the connection without "
		       "updating its window state (ignored, not dropped)";
	case CT_INVALID:
		return "conntrack marked the packet INVALID: a `ct state invalid drop` rule drops it";
	case CT_ACCEPT:
	default:
		return "the kernel accepted it";
	}
}

static char *
make_summary(enum reason reason, enum ct_verdict v)
{
	const char *a = reason_phrase(reason);
	const char *b = reason == REASON_UNRECOGNIZED
			? "what the kernel did with the packet is not known"
			: verdict_phrase(v);
	size_t n = strlen(a) + strlen(b) + 4;
	char *s = malloc(n);

	if (!s)
		return NULL;
	snprintf(s, n, "%s; %s.", a, b);
	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char)(s[0] - 'a' + 'A');
	return s;
}

static int
cmp_flagged_pos(const void *a, const void *b)
{
	const struct report_flagged *x = a, *y = b;

	if (x->file_id != y->file_id)
		return x->file_id < y->file_id ? -1 : 1;
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	if (x->reason != y->reason)
		return x->reason < y->reason ? -1 : 1;
	return 0;
}

static int
cmp_flagged_out(const void *a, const void *b)
{
	const struct report_flagged *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	if (x->file_id != y->file_id)
		return x->file_id < y->file_id ? -1 : 1;	/* same path given twice */
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	c = strcmp(x->message ? x->message : "", y->message ? y->message : "");
	if (c)
		return c;
	return (x->reason > y->reason) - (x->reason < y->reason);
}

static int
cmp_silent(const void *a, const void *b)
{
	const struct report_silent *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	if (x->file_id != y->file_id)
		return x->file_id < y->file_id ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

/* First flagged entry of (file_id, index, reason), flagged sorted by position. */
static struct report_flagged *
find_flagged(struct report *r, uint32_t file_id, uint64_t index, enum reason reason)
{
	size_t lo = 0, hi = r->n_flagged;
	struct report_flagged key = { .file_id = file_id, .index = index, .reason = reason };

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_flagged_pos(&r->flagged[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < r->n_flagged && cmp_flagged_pos(&r->flagged[lo], &key) == 0)
		return &r->flagged[lo];
	return NULL;
}

static int
cmp_flow_end(const void *a, const void *b)
{
	const struct report_flow_end *x = a, *y = b;

	if (x->file_id != y->file_id)
		return x->file_id < y->file_id ? -1 : 1;
	return (x->flow_id > y->flow_id) - (x->flow_id < y->flow_id);
}

/* Packets per direction over the life of flow @flow_id of capture @file_id, or NULL
 * (flow_ends sorted by report_finish()). */
static const uint32_t *
flow_end_pkts(const struct report *r, uint32_t file_id, uint64_t flow_id)
{
	struct report_flow_end key = { .file_id = file_id, .flow_id = flow_id };
	const struct report_flow_end *e;

	if (!flow_id || !r->n_flow_ends)
		return NULL;
	e = bsearch(&key, r->flow_ends, r->n_flow_ends, sizeof(*r->flow_ends), cmp_flow_end);
	return e ? e->pkts : NULL;
}

/*
 * Cause of the last INVALID packet per (capture, flow, direction), for a
 * packet that acknowledges data conntrack rejected: a direct-mapped table,
 * an older flow hashing to the same slot is forgotten (evidence only).
 */
#define REPORT_CHAIN_SLOTS 4096u

struct chain_slot {
	bool used;
	uint32_t file_id;
	uint64_t flow_id;
	int8_t cause[2];	/* enum cause, -1 none */
};

static struct chain_slot *
chain_slot(struct chain_slot *t, uint32_t file_id, uint64_t flow_id)
{
	return &t[(flow_id * 0x9e3779b97f4a7c15ULL + file_id) % REPORT_CHAIN_SLOTS];
}

/* Diagnose the flagged packets kept for it, in capture order. */
static int
diagnose_flagged(struct report *r)
{
	struct chain_slot *chain = xcalloc(REPORT_CHAIN_SLOTS, sizeof(*chain));

	if (!chain)
		return ERR_NOMEM;
	if (r->n_flow_ends)
		qsort(r->flow_ends, r->n_flow_ends, sizeof(*r->flow_ends), cmp_flow_end);
	for (size_t i = 0; i < r->n_flagged; i++) {
		struct report_flagged *f = &r->flagged[i];
		const struct ct_facts *fc = f->facts;
		struct chain_slot *cs = NULL;
		struct diag_input in;
		int cause;

		if (!f->pending)
			continue;
		memset(&in, 0, sizeof(in));
		in.reason = f->reason;
		in.verdict = f->verdict;
		in.proto = f->proto;
		in.facts = fc;
		in.check = f->check;
		in.failed = f->failed;
		in.path = f->path;
		in.index = f->index;
		in.ts_sec = f->ts_sec;
		in.ts_nsec = f->ts_nsec;
		in.peer_rejected = -1;
		if (fc && fc->flow_id) {
			in.final_pkts = flow_end_pkts(r, f->file_id, fc->flow_id);
			cs = chain_slot(chain, f->file_id, fc->flow_id);
			if (cs->used && (cs->file_id != f->file_id || cs->flow_id != fc->flow_id))
				cs->used = false;	/* another flow had the slot */
			if (!cs->used) {
				cs->used = true;
				cs->file_id = f->file_id;
				cs->flow_id = fc->flow_id;
				cs->cause[0] = cs->cause[1] = -1;
			}
			in.peer_rejected = cs->cause[!fc->dir];
		}
		cause = diag_run(r->drules, &in, &f->diag);
		if (cause < 0) {
			free(chain);
			return ERR_NOMEM;
		}
		f->cause = (enum cause)cause;
		r->summary.cause_flagged[cause]++;
		if (cs && f->verdict == CT_INVALID)
			cs->cause[fc->dir] = (int8_t)cause;
		f->pending = false;
		free(f->facts);
		f->facts = NULL;
		free(f->check);
		f->check = NULL;
	}
	free(chain);
	return 0;
}

/*
 * The event's diagnosis: from the engine's facts about the matched packet
 * (the same facts the flagged packet was diagnosed from), or, without a
 * packet, "unknown" with what the log dump says.
 */
static int
diagnose_event(struct report *r, struct report_event *re, const struct corr_cand *cd)
{
	const struct log_event *e = re->ev;
	struct diag_input in;
	int cause;

	memset(&in, 0, sizeof(in));
	in.reason = e->reason;
	in.verdict = re->logged_verdict;
	in.proto = (uint8_t)e->proto;
	in.ev = e;
	in.peer_rejected = -1;
	if (cd) {
		const struct report_flagged *f = find_flagged(r, cd->file_id, cd->index, e->reason);

		if (f && f->diag) {
			/* the packet's own diagnosis: the same cause in both lists */
			re->diag = diag_dup(f->diag);
			if (!re->diag)
				return ERR_NOMEM;
			cause = (int)re->diag->cause;
			goto count;
		}
		in.facts = cd->detail->facts;
		if (in.facts)
			in.final_pkts = flow_end_pkts(r, cd->file_id, in.facts->flow_id);
		in.check = cd->detail->check;
		in.failed = cd->detail->failed;
		in.path = re->match_path;
		in.index = cd->index;
		in.ts_sec = cd->ts_us / 1000000;
		in.ts_nsec = cd->ts_nsec;
	} else {
		in.match_why = re->cr ? re->cr->why : "no capture was analysed";
	}
	cause = diag_run(r->drules, &in, &re->diag);
	if (cause < 0)
		return ERR_NOMEM;
count:
	r->summary.cause_events[cause]++;
	r->summary.by_reason[e->reason].events++;
	return 0;
}

int
report_finish(struct report *r, const struct log_event *events, size_t n,
	      const struct corr *c, const struct rules *rules, const struct run_ctx *ctx)
{
	r->ctx = ctx;
	r->events = xcalloc(n ? n : 1, sizeof(*r->events));
	if (!r->events)
		return ERR_NOMEM;
	r->n_events = n;
	if (c) {
		r->n_clocks = corr_clocks(c, &r->clocks);
		r->stats.candidates_dropped = corr_dropped(c);
	}
	/* flagged packets in position order for the links */
	if (r->n_flagged)
		qsort(r->flagged, r->n_flagged, sizeof(*r->flagged), cmp_flagged_pos);
	if (diagnose_flagged(r) < 0)
		return ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		struct report_event *re = &r->events[i];
		const struct log_event *e = &events[i];
		const struct corr_cand *cd;

		re->ev = e;
		re->cr = c ? corr_result(c, i) : NULL;
		re->logged_verdict = rules ? rules_verdict(rules, r->policy.profile, e->reason)
					   : reason_default_verdict(e->reason);
		re->engine_verdict = CT_ACCEPT;
		cd = re->cr ? re->cr->cand : NULL;
		if (cd) {
			struct report_flagged *f;

			re->match_path = cd->file_id < r->n_captures ? r->capture_paths[cd->file_id] : "";
			re->engine_verdict = cd->detail->verdict;
			for (unsigned k = 0; k < cd->detail->n_msgs; k++) {
				if (cd->detail->msgs[k].reason != e->reason)
					continue;
				re->engine_msg = cd->detail->text[k];
				re->engine_args = &cd->detail->msgs[k];
				break;
			}
			re->agrees = re->engine_msg && e->message &&
				     strcmp(re->engine_msg, e->message) == 0;
			f = find_flagged(r, cd->file_id, cd->index, e->reason);
			if (f && f->event < 0)
				f->event = (int64_t)e->id;
		}
		re->logged_name = e->reason == REASON_UNRECOGNIZED ? "unknown"
				  : ct_verdict_name(re->logged_verdict);
		re->summary = make_summary(e->reason, re->logged_verdict);
		if (!re->summary || diagnose_event(r, re, cd) < 0)
			return ERR_NOMEM;
		r->summary.events++;
		if (cd)
			r->summary.matched++;
		if (re->agrees)
			r->summary.agree++;
	}
	if (r->n_flagged)
		qsort(r->flagged, r->n_flagged, sizeof(*r->flagged), cmp_flagged_out);
	if (r->n_silent)
		qsort(r->silent, r->n_silent, sizeof(*r->silent), cmp_silent);
	r->summary.flagged = r->n_flagged;
	/* by reason: keep the reasons that occur, in reasons.def order */
	for (size_t i = 0; i < REASON__COUNT; i++) {
		struct report_reason_count rc = r->summary.by_reason[i];

		if (!rc.events && !rc.flagged)
			continue;
		rc.reason = (enum reason)i;
		r->summary.by_reason[r->summary.n_by_reason++] = rc;
	}
	for (size_t i = 0; i < r->n_flagged; i++)
		if (r->flagged[i].event < 0)
			r->summary.unlogged++;
	return 0;
}

/* --- formatting helpers -------------------------------------------------- */

void
report_fmt_wall(int64_t us, char *buf, size_t size)
{
	int64_t sec = us / 1000000, frac = us % 1000000;
	time_t t;
	struct tm tm;

	if (frac < 0) {
		frac += 1000000;
		sec--;
	}
	t = (time_t)sec;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, size, "?");
		return;
	}
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac);
}

void
report_fmt_addr(uint8_t family, const struct ip_addr *a, char *buf, size_t size)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, a->b, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

void
report_fmt_tcp_flags(uint8_t flags, bool ae, char *buf, size_t size)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} words[] = {
		{ TCPF_CWR, "CWR" }, { TCPF_ECE, "ECE" }, { TCPF_URG, "URG" }, { TCPF_ACK, "ACK" },
		{ TCPF_PSH, "PSH" }, { TCPF_RST, "RST" }, { TCPF_SYN, "SYN" }, { TCPF_FIN, "FIN" },
	};
	size_t off = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (ae)
		off += (size_t)snprintf(buf + off, size - off, "AE");
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]) && off < size; i++) {
		if (!(flags & words[i].bit))
			continue;
		off += (size_t)snprintf(buf + off, size - off, "%s%s", off ? " " : "",
					words[i].name);
	}
}

const char *
report_how_name(enum corr_how how)
{
	switch (how) {
	case CORR_EXACT:
		return "exact";
	case CORR_TIME:
		return "time";
	case CORR_TTL:
		return "ttl";
	case CORR_ENGINE:
		return "engine";
	case CORR_NONE:
	default:
		return "none";
	}
}
