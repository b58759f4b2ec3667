/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * report-json.c - the machine report ("schema": "ctexplain/1").
 *
 * The shape is a contract (DESIGN.md "Report contract"): keys are only ever
 * added.  Keys are emitted in a fixed order (jansson keeps insertion order),
 * arrays come sorted from the model, and nothing here computes analysis.
 * Absent values are JSON null; optional packet fields are simply left out.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "report-bundle.h"

/* Real numbers (kernel seconds, offsets): 15 significant digits print
 * 219.10132 as such instead of 219.10132000000001. */
#define JSON_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(15) | JSON_ENSURE_ASCII)

/* Build helpers: on allocation failure jansson returns NULL / -1; the
 * setters with _new tolerate NULL values and fail, and we check the root
 * at the end with a flag. */
struct jb {
	bool oom;
};

static void
set(struct jb *b, json_t *o, const char *k, json_t *v)
{
	if (!v || json_object_set_new(o, k, v) < 0)
		b->oom = true;
}

static void
push(struct jb *b, json_t *a, json_t *v)
{
	if (!v || json_array_append_new(a, v) < 0)
		b->oom = true;
}

/* Length of the valid UTF-8 sequence at @s (of @n bytes), 0 if invalid. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t need;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (need > n)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return need;
}

/*
 * A string from the input (log text, file names) as JSON: bytes that are
 * not valid UTF-8 become U+FFFD, so a hostile log cannot make the whole
 * report unwritable.  NULL becomes JSON null.
 */
static json_t *
jstr(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i = 0, o = 0;
	json_t *j;
	char *d;

	if (!s)
		return json_null();
	n = strlen(s);
	if (n > SIZE_MAX / 3 - 1)
		return NULL;
	d = malloc(n * 3 + 1);
	if (!d)
		return NULL;
	while (i < n) {
		size_t l = utf8_len(p + i, n - i);

		if (l == 0) {
			memcpy(d + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(d + o, p + i, l);
		o += l;
		i += l;
	}
	j = json_stringn(d, o);
	free(d);
	return j;
}

static json_t *
juint(uint64_t v)
{
	return json_integer((json_int_t)(v > (uint64_t)INT64_MAX ? INT64_MAX : v));
}

static json_t *
jtime_us(int64_t us)
{
	char buf[40];

	report_fmt_wall(us, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
jseconds(int64_t us)
{
	return json_real((double)us / 1e6);
}

static json_t *
addr(uint8_t family, const struct ip_addr *a)
{
	char buf[64];

	report_fmt_addr(family, a, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
packet_obj(struct jb *b, const struct nflog_pkt *p)
{
	json_t *o = json_object();
	char buf[64];

	if (!o)
		return NULL;
	if (p->has & NFL_IN)
		set(b, o, "in", jstr(p->in));
	if (p->has & NFL_OUT)
		set(b, o, "out", jstr(p->out));
	if (p->family)
		set(b, o, "family", json_integer(p->family));
	if (p->has & NFL_SRC)
		set(b, o, "src", addr(p->family, &p->src));
	if (p->has & NFL_DST)
		set(b, o, "dst", addr(p->family, &p->dst));
	if (p->has & NFL_PROTO)
		set(b, o, "proto", json_integer(p->proto));
	if (p->has & NFL_SPT)
		set(b, o, "sport", json_integer(p->sport));
	if (p->has & NFL_DPT)
		set(b, o, "dport", json_integer(p->dport));
	if (p->has & NFL_LEN)
		set(b, o, "len", juint(p->len));
	if (p->has & NFL_TTL)
		set(b, o, "ttl", json_integer(p->ttl));
	if (p->has & NFL_HOPLIMIT)
		set(b, o, "hoplimit", json_integer(p->ttl));
	if (p->has & NFL_TOS)
		set(b, o, "tos", json_integer(p->tos));
	if (p->has & NFL_ID)
		set(b, o, "id", json_integer(p->id));
	if (p->has & NFL_TC)
		set(b, o, "tc", json_integer(p->tc));
	if (p->has & NFL_FLOWLBL)
		set(b, o, "flowlbl", juint(p->flowlbl));
	if (p->df)
		set(b, o, "df", json_true());
	if (p->mf)
		set(b, o, "mf", json_true());
	if (p->has & NFL_FRAG)
		set(b, o, "frag", juint(p->frag));
	if (p->has & NFL_SEQ)
		set(b, o, "seq", juint(p->seq));
	if (p->has & NFL_ACK)
		set(b, o, "ack", juint(p->ack));
	if (p->has & NFL_WINDOW)
		set(b, o, "window", json_integer(p->window));
	if (p->has & NFL_RES) {
		report_fmt_tcp_flags(p->tcp_flags, p->ae, buf, sizeof(buf));
		set(b, o, "flags", json_string(buf));
	}
	if (p->has & NFL_UDPLEN)
		set(b, o, "udp_len", json_integer(p->udp_len));
	if (p->has & NFL_ICMP) {
		set(b, o, "icmp_type", json_integer(p->icmp_type));
		set(b, o, "icmp_code", json_integer(p->icmp_code));
	}
	if (p->has & NFL_ICMP_ECHO) {
		set(b, o, "icmp_id", json_integer(p->icmp_id));
		set(b, o, "icmp_seq", json_integer(p->icmp_seq));
	}
	if (p->has & NFL_MTU)
		set(b, o, "mtu", juint(p->icmp_mtu));
	if (p->has & NFL_INCOMPLETE)
		set(b, o, "incomplete", juint(p->incomplete));
	if (p->has & NFL_MARK)
		set(b, o, "mark", juint(p->mark));
	return o;
}

static json_t *
args_obj(struct jb *b, const struct reason_args *a)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (a->has & REASON_ARG_BOUND)
		set(b, o, "bound", juint(a->bound));
	if (a->has & REASON_ARG_OVERSHOT)
		set(b, o, "overshot", juint(a->overshot));
	if (a->has & REASON_ARG_INDEX)
		set(b, o, "index", json_integer(a->index));
	if (a->has & REASON_ARG_DIR)
		set(b, o, "dir", json_integer(a->dir));
	if (a->has & REASON_ARG_STATE)
		set(b, o, "state", jstr(a->state));
	if (a->has & REASON_ARG_RESP_INDEX)
		set(b, o, "resp_index", json_integer(a->resp_index));
	if (a->has & REASON_ARG_TIMEOUT)
		set(b, o, "timeout", juint(a->timeout));
	if (a->has & REASON_ARG_OUTER)
		set(b, o, "outer", jstr(a->outer));
	if (a->has & REASON_ARG_INNER)
		set(b, o, "inner", jstr(a->inner));
	if (a->has & REASON_ARG_TYPE)
		set(b, o, "type", json_integer(a->type));
	return o;
}

static json_t *
tcp_dir_obj(struct jb *b, const struct ct_tcp_dir *d)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	set(b, o, "td_end", juint(d->td_end));
	set(b, o, "td_maxend", juint(d->td_maxend));
	set(b, o, "td_maxwin", juint(d->td_maxwin));
	set(b, o, "td_scale", json_integer(d->td_scale));
	set(b, o, "flags", json_integer(d->flags));
	return o;
}

static json_t *
jstrs(struct jb *b, char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		push(b, a, jstr(v[i]));
	return a;
}

/* explanation.diagnosis: what diagnose.h computed, serialised. */
static json_t *
diagnosis_obj(struct jb *b, const struct diagnosis *d)
{
	json_t *o = json_object(), *rem, *tl;

	if (!o)
		return NULL;
	set(b, o, "rule", jstr(d->rule));
	set(b, o, "confidence", jstr(d->confidence));
	set(b, o, "sentence", jstr(d->sentence));
	set(b, o, "evidence", jstrs(b, d->evidence, d->n_evidence));
	set(b, o, "consequence", jstr(d->consequence));
	rem = json_array();
	for (size_t i = 0; rem && i < d->n_remedies; i++) {
		json_t *x = json_object();

		set(b, x, "name", jstr(d->remedies[i].name));
		set(b, x, "text", jstr(d->remedies[i].text));
		set(b, x, "tradeoff", jstr(d->remedies[i].tradeoff));
		push(b, rem, x);
	}
	set(b, o, "remedies", rem);
	tl = json_array();
	for (size_t i = 0; tl && i < d->n_timeline; i++) {
		const struct diag_step *st = &d->timeline[i];
		json_t *x = json_object();

		set(b, x, "path", jstr(st->path));
		set(b, x, "index", juint(st->index));
		set(b, x, "time", jtime_us(corr_ts_us(st->ts_sec, st->ts_nsec)));
		set(b, x, "dir", jstr(st->dir));
		set(b, x, "flags", jstr(st->flags));
		set(b, x, "seq", juint(st->seq));
		set(b, x, "ack", juint(st->ack));
		set(b, x, "win", juint(st->win));
		set(b, x, "len", juint(st->len));
		set(b, x, "state", jstr(st->state));
		set(b, x, "verdict", jstr(st->verdict));
		set(b, x, "flagged", json_boolean(st->flagged));
		set(b, x, "note", jstr(st->note));
		push(b, tl, x);
	}
	set(b, o, "timeline", tl);
	return o;
}

static json_t *
event_obj(struct jb *b, const struct report_event *re)
{
	const struct log_event *e = re->ev;
	const struct corr_cand *cd = re->cr ? re->cr->cand : NULL;
	json_t *o = json_object(), *src, *t, *m, *v, *x, *values, *state;

	if (!o)
		return NULL;
	set(b, o, "id", juint(e->id));
	src = json_object();
	set(b, src, "path", jstr(e->path));
	set(b, src, "line", juint(e->line));
	if (e->host)
		set(b, src, "host", jstr(e->host));
	set(b, o, "source", src);
	t = json_object();
	if (e->has_mono)
		set(b, t, "kernel", jseconds(e->mono_us));
	if (e->has_wall)
		set(b, t, "wall", jtime_us(e->wall_us));
	set(b, o, "time", t);
	set(b, o, "proto", json_integer(e->proto));
	set(b, o, "rule", json_string(reason_code(e->reason)));
	set(b, o, "message", jstr(e->message));
	set(b, o, "packet", e->has_pkt ? packet_obj(b, &e->pkt) : json_null());
	if (cd) {
		m = json_object();
		set(b, m, "path", jstr(re->match_path));
		set(b, m, "index", juint(cd->index));
		set(b, m, "how", json_string(report_how_name(re->cr->how)));
		set(b, m, "candidates", juint(re->cr->candidates));
		set(b, m, "time", jtime_us(cd->ts_us));
		if (cd->ttl_differs)
			set(b, m, "ttl_differs", json_true());
		set(b, o, "match", m);
	} else {
		set(b, o, "match", json_null());
		set(b, o, "match_note", jstr(re->cr ? re->cr->why : "no captures analysed"));
	}
	v = json_object();
	set(b, v, "message", jstr(re->engine_msg));
	set(b, v, "agrees", json_boolean(re->agrees));
	set(b, v, "logged", jstr(re->logged_name));
	set(b, v, "engine", cd ? json_string(ct_verdict_name(re->engine_verdict)) : json_null());
	set(b, o, "verdict", v);

	x = json_object();
	set(b, x, "summary", jstr(re->summary));
	set(b, x, "check", jstr(cd ? cd->detail->check : NULL));
	values = re->engine_args ? args_obj(b, &re->engine_args->args) : args_obj(b, &e->args);
	if (values && cd && cd->detail->failed) {
		json_t *fb = json_array();
		static const char *const names[] = { "I", "II", "III", "IV" };

		for (unsigned k = 0; k < 4; k++)
			if (cd->detail->failed & (1u << k))
				push(b, fb, json_string(names[k]));
		set(b, values, "failed_bounds", fb);
	}
	set(b, x, "values", values);
	state = json_object();
	if (cd && cd->detail->before.valid && e->proto == 6) {
		const struct ct_tcp_snapshot *s = &cd->detail->before;

		set(b, state, "name", json_string(ct_tcp_state_name(s->state)));
		if (cd->detail->dir >= 0)
			set(b, state, "packet_dir",
			    json_string(cd->detail->dir ? "reply" : "original"));
		set(b, state, "original", tcp_dir_obj(b, &s->seen[0]));
		set(b, state, "reply", tcp_dir_obj(b, &s->seen[1]));
		set(b, state, "retrans", json_integer(s->retrans));
	} else if (cd && cd->detail->silent) {
		set(b, state, "silent", json_string(cd->detail->silent));
	}
	set(b, x, "state", state);
	set(b, x, "cause", json_string(cause_code(re->diag ? re->diag->cause : CAUSE_UNKNOWN)));
	set(b, x, "diagnosis", re->diag ? diagnosis_obj(b, re->diag) : json_null());
	set(b, o, "explanation", x);
	return o;
}

static json_t *
flagged_obj(struct jb *b, const struct report_flagged *f)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	set(b, o, "path", jstr(f->path));
	set(b, o, "index", juint(f->index));
	set(b, o, "time", jtime_us(corr_ts_us(f->ts_sec, f->ts_nsec)));
	set(b, o, "proto", json_integer(f->proto));
	set(b, o, "verdict", json_string(ct_verdict_name(f->verdict)));
	set(b, o, "rule", json_string(reason_code(f->reason)));
	set(b, o, "message", jstr(f->message));
	set(b, o, "event", f->event >= 0 ? juint((uint64_t)f->event) : json_null());
	set(b, o, "cause", json_string(cause_code(f->cause)));
	return o;
}

/*
 * Streaming: the report is written member by member, and the events and
 * flagged packets element by element, so the JSON tree of the whole report
 * is never in memory (100000 events would take ~1 GB as jansson objects).
 * Each value is dumped by jansson with 2-space indentation and re-indented
 * to its depth; JSON strings never hold a raw newline, so prefixing every
 * line is safe.  The result is the same text jansson would print for the
 * whole tree.
 */
struct jw {
	FILE *out;
	bool first;		/* no member written yet at this level */
	int err;
};

static int
put_indented(FILE *out, const char *text, int depth)
{
	static const char spaces[] = "                                ";
	size_t ind = (size_t)depth * 2;
	const char *p = text;

	if (ind > sizeof(spaces) - 1)
		ind = sizeof(spaces) - 1;
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);

		if (n && fwrite(p, 1, n, out) != n)
			return -1;
		if (!nl)
			return 0;
		if (ind && fwrite(spaces, 1, ind, out) != ind)
			return -1;
		p = nl + 1;
	}
}

/* Dump @v (consumed) at @depth. */
static void
put_value(struct jw *w, struct jb *b, json_t *v, int depth)
{
	char *text;

	if (w->err)
		goto out;
	if (!v || b->oom) {
		w->err = ENOMEM;
		goto out;
	}
	text = json_dumps(v, JSON_FLAGS | JSON_ENCODE_ANY);
	if (!text) {
		w->err = ENOMEM;
		goto out;
	}
	if (put_indented(w->out, text, depth) < 0)
		w->err = errno ? errno : EIO;
	free(text);
out:
	json_decref(v);
}

/* Start a top-level member "key": */
static void
put_key(struct jw *w, const char *key)
{
	if (w->err)
		return;
	if (fprintf(w->out, "%s\n  \"%s\": ", w->first ? "{" : ",", key) < 0)
		w->err = errno ? errno : EIO;
	w->first = false;
}

static void
put_raw(struct jw *w, const char *s)
{
	if (!w->err && fputs(s, w->out) == EOF)
		w->err = errno ? errno : EIO;
}

/*
 * Bundle summary additions (report-bundle.h, shared with the text and
 * Markdown writers): events with no packet, and the packets no log line
 * mentions per protocol with why that may be.
 */
static void
bundle_summary(struct jb *b, json_t *o, const struct report *r)
{
	struct report_unlogged g[REPORT_UNLOGGED_MAX];
	size_t n = report_unlogged_groups(r, g, REPORT_UNLOGGED_MAX);
	json_t *a = json_array();
	char pn[16];

	set(b, o, "events_unmatched", juint(report_events_unmatched(r)));
	for (size_t i = 0; a && i < n; i++) {
		json_t *x = json_object(), *why = json_array();

		set(b, x, "proto", json_integer(g[i].proto));
		set(b, x, "name", json_string(report_proto_name(g[i].proto, pn, sizeof(pn))));
		set(b, x, "invalid", juint(g[i].invalid));
		set(b, x, "ignored", juint(g[i].ignored));
		for (size_t k = 0; why && k < g[i].n_why; k++)
			push(b, why, jstr(g[i].why[k]));
		set(b, x, "why", why);
		push(b, a, x);
	}
	set(b, o, "unlogged_by_proto", a);
}

static json_t *
summary_obj(struct jb *b, const struct report *r)
{
	json_t *o = json_object(), *bc, *br;

	set(b, o, "events", juint(r->summary.events));
	set(b, o, "matched", juint(r->summary.matched));
	set(b, o, "agree", juint(r->summary.agree));
	set(b, o, "flagged_packets", juint(r->summary.flagged));
	set(b, o, "unlogged", juint(r->summary.unlogged));
	bc = json_object();
	for (unsigned i = 0; bc && i < CAUSE_MAX; i++) {
		json_t *x;

		if (!r->summary.cause_events[i] && !r->summary.cause_flagged[i] &&
		    !r->summary.cause_silent[i])
			continue;
		x = json_object();
		set(b, x, "events", juint(r->summary.cause_events[i]));
		set(b, x, "flagged_packets", juint(r->summary.cause_flagged[i]));
		set(b, x, "silent_packets", juint(r->summary.cause_silent[i]));
		set(b, bc, cause_code((enum cause)i), x);
	}
	set(b, o, "by_cause", bc);
	br = json_object();
	for (size_t i = 0; br && i < r->summary.n_by_reason; i++) {
		const struct report_reason_count *rc = &r->summary.by_reason[i];
		json_t *x = json_object();

		set(b, x, "events", juint(rc->events));
		set(b, x, "flagged_packets", juint(rc->flagged));
		set(b, br, reason_code(rc->reason), x);
	}
	set(b, o, "by_reason", br);
	bundle_summary(b, o, r);
	return o;
}

static json_t *
clock_arr(struct jb *b, const struct report *r)
{
	json_t *a = json_array(), *o;

	for (size_t i = 0; i < r->n_clocks; i++) {
		const struct corr_clock *c = &r->clocks[i];

		o = json_object();
		set(b, o, "log", jstr(c->path));
		if (c->boot_id)
			set(b, o, "boot_id", jstr(c->boot_id));
		set(b, o, "basis", json_string(c->mono ? "kernel" : "wall"));
		set(b, o, "offset", c->known ? jseconds(c->offset_us) : json_null());
		set(b, o, "offset_us", c->known ? json_integer(c->offset_us) : json_null());
		set(b, o, "method", json_string(c->known ? "median of unambiguous pairs" : "none"));
		set(b, o, "pairs", juint(c->pairs));
		set(b, o, "spread", c->known ? jseconds(c->spread_us) : json_null());
		set(b, o, "tolerance", c->known ? jseconds(c->tolerance_us) : json_null());
		/* kernel clock: the offset is the boot time on the capture clock */
		if (c->mono)
			set(b, o, "boot_time", c->known ? jtime_us(c->offset_us) : json_null());
		push(b, a, o);
	}
	return a;
}

static json_t *
stats_obj(struct jb *b, const struct report *r)
{
	json_t *o = json_object();

	set(b, o, "engine_scope", json_string("per-capture"));
	set(b, o, "log_records", juint(r->stats.log_records));
	set(b, o, "log_records_not_conntrack", juint(r->stats.log_non_conntrack));
	set(b, o, "log_lines_cut", juint(r->stats.log_lines_cut));
	set(b, o, "events_dropped", juint(r->stats.events_dropped));
	set(b, o, "packets", juint(r->stats.packets));
	set(b, o, "packets_not_ip", juint(r->stats.packets_non_ip));
	set(b, o, "packets_tracked", juint(r->stats.packets_tracked));
	set(b, o, "packets_invalid", juint(r->stats.packets_invalid));
	set(b, o, "packets_invalid_silent", juint(r->stats.packets_invalid_silent));
	set(b, o, "packets_ignored", juint(r->stats.packets_ignored));
	set(b, o, "fragments_held", juint(r->stats.fragments_held));
	set(b, o, "fragments_dropped", juint(r->stats.fragments_dropped));
	set(b, o, "flagged_dropped", juint(r->stats.flagged_dropped));
	set(b, o, "silent_dropped", juint(r->stats.silent_dropped));
	set(b, o, "candidates_dropped", juint(r->stats.candidates_dropped));
	set(b, o, "diagnoses_without_timeline", juint(r->stats.diag_dropped));
	return o;
}

static json_t *
msgs_arr(struct jb *b, const struct ctx_msgs *m)
{
	json_t *a = json_array();

	for (size_t i = 0; m && i < m->n; i++)
		push(b, a, jstr(m->v[i].text));
	return a;
}

int
report_json_write(const struct report *r, FILE *out)
{
	struct jw w = { out, true, 0 };
	struct jb b = { false };
	json_t *o, *src;

	put_key(&w, "schema");
	put_value(&w, &b, json_string("ctexplain/1"), 1);

	put_key(&w, "tool");
	o = json_object();
	set(&b, o, "name", json_string("ctexplain"));
	set(&b, o, "version", jstr(r->version));
	put_value(&w, &b, o, 1);

	put_key(&w, "kernel");
	o = json_object();
	set(&b, o, "profile", jstr(r->policy.profile));
	set(&b, o, "source", json_string(ct_source_name(r->policy.profile_src)));
	put_value(&w, &b, o, 1);

	o = json_object();
	src = json_object();
	for (int k = 0; k < CT_KNOB__COUNT; k++) {
		set(&b, o, ct_policy_name((enum ct_knob)k), json_integer(r->policy.v[k]));
		set(&b, src, ct_policy_name((enum ct_knob)k),
		    json_string(ct_source_name(r->policy.src[k])));
	}
	put_key(&w, "sysctl");
	put_value(&w, &b, o, 1);
	put_key(&w, "sysctl_source");
	put_value(&w, &b, src, 1);

	put_key(&w, "inputs");
	o = json_array();
	for (size_t i = 0; i < r->n_inputs; i++) {
		json_t *in = json_object();

		set(&b, in, "path", jstr(r->inputs[i].path));
		set(&b, in, "kind", jstr(r->inputs[i].kind));
		set(&b, in, "format", jstr(r->inputs[i].format));
		set(&b, in, "records", juint(r->inputs[i].records));
		push(&b, o, in);
	}
	put_value(&w, &b, o, 1);

	put_key(&w, "events");
	if (r->n_events == 0)
		put_raw(&w, "[]");
	for (size_t i = 0; i < r->n_events && !w.err; i++) {
		put_raw(&w, i ? ",\n    " : "[\n    ");
		put_value(&w, &b, event_obj(&b, &r->events[i]), 2);
	}
	if (r->n_events)
		put_raw(&w, "\n  ]");

	put_key(&w, "flagged_packets");
	if (r->n_flagged == 0)
		put_raw(&w, "[]");
	for (size_t i = 0; i < r->n_flagged && !w.err; i++) {
		put_raw(&w, i ? ",\n    " : "[\n    ");
		put_value(&w, &b, flagged_obj(&b, &r->flagged[i]), 2);
	}
	if (r->n_flagged)
		put_raw(&w, "\n  ]");

	put_key(&w, "summary");
	put_value(&w, &b, summary_obj(&b, r), 1);

	/* --- additions to the minimum contract --- */
	put_key(&w, "clock");
	put_value(&w, &b, clock_arr(&b, r), 1);
	put_key(&w, "silent_packets");
	if (r->n_silent == 0)
		put_raw(&w, "[]");
	for (size_t i = 0; i < r->n_silent && !w.err; i++) {
		const struct report_silent *e = &r->silent[i];
		json_t *o2 = json_object();

		set(&b, o2, "path", jstr(e->path));
		set(&b, o2, "index", juint(e->index));
		set(&b, o2, "time", jtime_us(corr_ts_us(e->ts_sec, e->ts_nsec)));
		set(&b, o2, "proto", json_integer(e->proto));
		set(&b, o2, "verdict", json_string("invalid"));
		set(&b, o2, "why", jstr(e->why));
		set(&b, o2, "cause", json_string(cause_code(e->cause)));
		put_raw(&w, i ? ",\n    " : "[\n    ");
		put_value(&w, &b, o2, 2);
	}
	if (r->n_silent)
		put_raw(&w, "\n  ]");
	put_key(&w, "stats");
	put_value(&w, &b, stats_obj(&b, r), 1);
	put_key(&w, "notes");
	put_value(&w, &b, msgs_arr(&b, r->ctx ? &r->ctx->notes : NULL), 1);
	put_key(&w, "errors");
	put_value(&w, &b, msgs_arr(&b, r->ctx ? &r->ctx->errors : NULL), 1);
	put_raw(&w, "\n}\n");
	if (w.err) {
		errno = w.err;
		return -1;
	}
	return 0;
}
