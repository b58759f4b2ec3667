/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * report-text.c - the report for a person at a terminal.
 *
 * Same content as the JSON and Markdown reports, in reading order: the
 * summary and the bundle summary (counts by cause and by reason, events
 * with no packet, packets no log line mentions, clock), inputs and policy,
 * then one block per log event (time, message, packet, match, verdict, and
 * the diagnosis: cause in one sentence, the failed check with its numbers,
 * the state before, evidence, consequence, remedies with their trade-offs,
 * the flow's timeline), then the events with no packet, the packets no log
 * line mentions and why that may be, silent INVALID packets, clock offsets,
 * notes and errors.  Formatting only; nothing is computed here.
 *
 * Colour: ANSI SGR sequences only when the caller asks (main.c decides
 * from --color, NO_COLOR and the terminal); text from the input never
 * carries control bytes to the terminal (put_safe).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "report.h"
#include "report-bundle.h"
#include "report-text.h"

/* Silent INVALID packets shown in the text report (all are in the JSON). */
#define TEXT_SILENT_MAX 20
/* Unlogged flagged packets listed (all are in the JSON). */
#define TEXT_UNLOGGED_MAX 50

/* SGR parameters */
#define C_BOLD "1"
#define C_DIM "2"
#define C_RED "31"
#define C_GREEN "32"
#define C_YELLOW "33"
#define C_CYAN "36"
#define C_HEAD "1;4"

struct tw {
	FILE *out;
	bool color;
};

static void
on(const struct tw *w, const char *sgr)
{
	if (w->color)
		fprintf(w->out, "\033[%sm", sgr);
}

static void
off(const struct tw *w)
{
	if (w->color)
		fputs("\033[0m", w->out);
}

/* Print @s with control bytes shown as '?', so a hostile log cannot drive
 * the terminal. */
static void
put_safe(FILE *out, const char *s)
{
	if (!s) {
		fputs("-", out);
		return;
	}
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		fputc(c < 0x20 || c == 0x7f ? '?' : c, out);
	}
}

/* @s (input text) in colour @sgr. */
static void
put_col(const struct tw *w, const char *sgr, const char *s)
{
	on(w, sgr);
	put_safe(w->out, s);
	off(w);
}

/* A section heading. */
static void
heading(const struct tw *w, const char *title)
{
	on(w, C_HEAD);
	fputs(title, w->out);
	off(w);
	fputs("\n", w->out);
}

static const char *
verdict_color(const char *v)
{
	if (!v)
		return C_DIM;
	if (strcmp(v, "invalid") == 0)
		return C_RED;
	if (strcmp(v, "ignored") == 0)
		return C_YELLOW;
	if (strcmp(v, "accept") == 0 || strcmp(v, "accepted") == 0)
		return C_GREEN;
	return C_DIM;
}

static void
put_packet(FILE *out, const struct nflog_pkt *p)
{
	char a[64], b[64], f[64];

	report_fmt_addr(p->family, &p->src, a, sizeof(a));
	report_fmt_addr(p->family, &p->dst, b, sizeof(b));
	fputs("  packet:   ", out);
	if ((p->has & NFL_SPT) && (p->has & NFL_DPT))
		fprintf(out, "%s%s%s:%u -> %s%s%s:%u", p->family == 6 ? "[" : "", a,
			p->family == 6 ? "]" : "", p->sport, p->family == 6 ? "[" : "", b,
			p->family == 6 ? "]" : "", p->dport);
	else
		fprintf(out, "%s -> %s", a, b);
	if (p->has & NFL_PROTO)
		fprintf(out, " proto %u", p->proto);
	if (p->has & NFL_LEN)
		fprintf(out, " len %u", p->len);
	if (p->has & (NFL_TTL | NFL_HOPLIMIT))
		fprintf(out, " ttl %u", p->ttl);
	if (p->has & NFL_ID)
		fprintf(out, " id %u", p->id);
	if (p->has & NFL_RES) {
		report_fmt_tcp_flags(p->tcp_flags, p->ae, f, sizeof(f));
		fprintf(out, " [%s]", f);
	}
	if (p->has & NFL_SEQ)
		fprintf(out, " seq %u", p->seq);
	if (p->has & NFL_ACK)
		fprintf(out, " ack %u", p->ack);
	if (p->has & NFL_WINDOW)
		fprintf(out, " win %u", p->window);
	if (p->has & NFL_UDPLEN)
		fprintf(out, " udp-len %u", p->udp_len);
	if (p->has & NFL_ICMP)
		fprintf(out, " type %u code %u", p->icmp_type, p->icmp_code);
	if (p->has & NFL_ICMP_ECHO)
		fprintf(out, " id %u seq %u", p->icmp_id, p->icmp_seq);
	fputc('\n', out);
}

/* The flow's packets around the event, one line each. */
static void
put_timeline(const struct tw *w, const struct diagnosis *d)
{
	FILE *out = w->out;

	if (!d->n_timeline)
		return;
	fprintf(out, "  timeline: %zu packet%s of the flow ('>' marks this one)\n",
		d->n_timeline, d->n_timeline == 1 ? "" : "s");
	for (size_t i = 0; i < d->n_timeline; i++) {
		const struct diag_step *s = &d->timeline[i];
		char t[40];

		report_fmt_wall(corr_ts_us(s->ts_sec, s->ts_nsec), t, sizeof(t));
		if (s->flagged)
			on(w, C_BOLD);
		fprintf(out, "   %s #%-6llu %s %-8s", s->flagged ? ">" : " ",
			(unsigned long long)s->index, t, s->dir ? s->dir : "-");
		if (s->flags[0] || s->seq || s->ack)
			fprintf(out, " %-11s seq %u ack %u win %u", s->flags, s->seq, s->ack,
				s->win);
		fprintf(out, " len %u", s->len);
		if (s->state && s->state[0])
			fprintf(out, " -> %s", s->state);
		if (s->flagged)
			off(w);
		fputs(" ", out);
		put_col(w, verdict_color(s->verdict), s->verdict ? s->verdict : "-");
		if (s->note[0]) {
			fputs("  ", out);
			put_safe(out, s->note);
		}
		fputc('\n', out);
	}
}

/* The answer first: the cause and its sentence. */
static void
put_cause(const struct tw *w, const struct diagnosis *d)
{
	FILE *out = w->out;

	fputs("  cause:    ", out);
	put_col(w, C_BOLD, cause_code(d->cause));
	if (d->confidence)
		fprintf(out, " (confidence %s)", d->confidence);
	fputc('\n', out);
	if (d->sentence && d->sentence[0]) {
		fputs("            ", out);
		put_safe(out, d->sentence);
		fputc('\n', out);
	}
}

/* Evidence, consequence, remedies, timeline. */
static void
put_diagnosis(const struct tw *w, const struct diagnosis *d)
{
	FILE *out = w->out;

	for (size_t i = 0; i < d->n_evidence; i++) {
		fputs(i ? "            " : "  evidence: ", out);
		put_safe(out, d->evidence[i]);
		fputc('\n', out);
	}
	if (d->consequence && d->consequence[0]) {
		fputs("  consequence: ", out);
		put_safe(out, d->consequence);
		fputc('\n', out);
	}
	for (size_t i = 0; i < d->n_remedies; i++) {
		const struct diag_remedy *m = &d->remedies[i];

		fputs(i ? "            " : "  remedies: ", out);
		put_col(w, C_CYAN, m->name);
		fputs(": ", out);
		put_safe(out, m->text);
		if (m->tradeoff && m->tradeoff[0]) {
			fputs("\n              trade-off: ", out);
			put_safe(out, m->tradeoff);
		}
		fputc('\n', out);
	}
	put_timeline(w, d);
}

static void
put_event(const struct tw *w, const struct report_event *re)
{
	FILE *out = w->out;
	const struct log_event *e = re->ev;
	const struct corr_cand *cd = re->cr ? re->cr->cand : NULL;
	char t[40];

	on(w, C_BOLD);
	fprintf(out, "event %u  ", e->id);
	put_safe(out, e->path);
	fprintf(out, ":%llu", (unsigned long long)e->line);
	off(w);
	fputc('\n', out);
	if (re->diag)
		put_cause(w, re->diag);
	fputs("  time:     ", out);
	if (e->has_wall) {
		report_fmt_wall(e->wall_us, t, sizeof(t));
		fputs(t, out);
	}
	if (e->has_mono)
		fprintf(out, "%s[%lld.%06lld]", e->has_wall ? " " : "",
			(long long)(e->mono_us / 1000000), (long long)(e->mono_us % 1000000));
	if (!e->has_wall && !e->has_mono)
		fputs("unknown", out);
	fputc('\n', out);
	fputs("  message:  ", out);
	put_safe(out, e->message);
	fprintf(out, "\n  rule:     %s (", reason_code(e->reason));
	put_col(w, verdict_color(re->logged_name), re->logged_name);
	fputs(")\n", out);
	if (e->has_pkt)
		put_packet(out, &e->pkt);
	if (cd) {
		report_fmt_wall(cd->ts_us, t, sizeof(t));
		fputs("  match:    ", out);
		put_safe(out, re->match_path);
		fprintf(out, " #%llu at %s (%s, %u candidate%s)%s\n",
			(unsigned long long)cd->index, t,
			report_how_name(re->cr->how), re->cr->candidates,
			re->cr->candidates == 1 ? "" : "s",
			cd->ttl_differs ? ", TTL differs" : "");
		fputs("  engine:   ", out);
		if (re->engine_msg) {
			put_safe(out, re->engine_msg);
			fputs("  ", out);
			put_col(w, re->agrees ? C_GREEN : C_YELLOW,
				re->agrees ? "(agrees)" : "(differs)");
		} else {
			fputs("no such line; the engine's verdict is ", out);
			put_col(w, verdict_color(ct_verdict_name(re->engine_verdict)),
				ct_verdict_name(re->engine_verdict));
		}
		fputc('\n', out);
		if (cd->detail->check) {
			fputs("  check:    ", out);
			put_safe(out, cd->detail->check);
			fputc('\n', out);
		}
		if (cd->detail->before.valid && e->proto == 6) {
			const struct ct_tcp_snapshot *s = &cd->detail->before;

			fprintf(out, "  state:    %s", ct_tcp_state_name(s->state));
			if (cd->detail->dir >= 0)
				fprintf(out, ", packet in the %s direction",
					cd->detail->dir ? "reply" : "original");
			fputs(" (window before the packet)\n", out);
			for (int d = 0; d < 2; d++)
				fprintf(out, "    %-8s td_end %u td_maxend %u td_maxwin %u scale %u flags 0x%02x\n",
					d ? "reply" : "original", s->seen[d].td_end,
					s->seen[d].td_maxend, s->seen[d].td_maxwin,
					s->seen[d].td_scale, s->seen[d].flags);
		}
	} else {
		fputs("  match:    none (", out);
		put_safe(out, re->cr ? re->cr->why : "no captures analysed");
		fputs(")\n", out);
	}
	fputs("  why:      ", out);
	put_safe(out, re->summary);
	fputc('\n', out);
	if (re->diag)
		put_diagnosis(w, re->diag);
	fputc('\n', out);
}

/* Counts by cause and by reason, as two small tables. */
static void
put_counts(const struct tw *w, const struct report *r)
{
	FILE *out = w->out;
	const struct report_summary *s = &r->summary;
	bool any = false;

	for (int c = 0; c < CAUSE_MAX; c++)
		any |= s->cause_events[c] || s->cause_flagged[c] || s->cause_silent[c];
	if (any) {
		fprintf(out, "  %-34s %8s %8s %8s\n", "by cause", "events", "packets", "silent");
		for (int c = 0; c < CAUSE_MAX; c++) {
			if (!s->cause_events[c] && !s->cause_flagged[c] && !s->cause_silent[c])
				continue;
			fputs("    ", out);
			on(w, C_BOLD);
			fputs(cause_code((enum cause)c), out);
			off(w);
			fprintf(out, "%*s %8llu %8llu %8llu\n",
				(int)(32 - strlen(cause_code((enum cause)c))), "",
				(unsigned long long)s->cause_events[c],
				(unsigned long long)s->cause_flagged[c],
				(unsigned long long)s->cause_silent[c]);
		}
	}
	if (s->n_by_reason) {
		fprintf(out, "  %-34s %8s %8s\n", "by reason", "events", "packets");
		for (size_t i = 0; i < s->n_by_reason; i++)
			fprintf(out, "    %-32s %8llu %8llu\n", reason_code(s->by_reason[i].reason),
				(unsigned long long)s->by_reason[i].events,
				(unsigned long long)s->by_reason[i].flagged);
	}
}

/* One line per clock: the offset between a log's clock and the capture's. */
static void
put_clock(FILE *out, const struct corr_clock *c)
{
	put_safe(out, c->path);
	if (c->boot_id) {
		fputs(" boot ", out);
		put_safe(out, c->boot_id);
	}
	if (c->known && c->mono) {
		char t[40];

		report_fmt_wall(c->offset_us, t, sizeof(t));
		fprintf(out, " (kernel clock): booted at %s by the capture clock, from %llu pair%s, spread %.6f s\n",
			t, (unsigned long long)c->pairs, c->pairs == 1 ? "" : "s",
			(double)c->spread_us / 1e6);
	} else if (c->known) {
		fprintf(out, " (wall clock): %+.6f s from %llu pair%s, spread %.6f s\n",
			(double)c->offset_us / 1e6,
			(unsigned long long)c->pairs, c->pairs == 1 ? "" : "s",
			(double)c->spread_us / 1e6);
	} else {
		fprintf(out, " (%s clock): unknown, no unambiguous pair\n",
			c->mono ? "kernel" : "wall");
	}
}

static void
put_bundle(const struct tw *w, const struct report *r, const struct report_unlogged *g,
	   size_t ng)
{
	FILE *out = w->out;
	uint64_t unmatched = report_events_unmatched(r);

	heading(w, "Bundle summary:");
	put_counts(w, r);
	fprintf(out, "  events with no packet in the captures: %llu\n",
		(unsigned long long)unmatched);
	fprintf(out, "  packets the kernel would log that no log line mentions: %llu",
		(unsigned long long)r->summary.unlogged);
	for (size_t i = 0; i < ng; i++) {
		char pn[16];

		fprintf(out, "%s%llu %s", i ? ", " : " (",
			(unsigned long long)(g[i].invalid + g[i].ignored),
			report_proto_name(g[i].proto, pn, sizeof(pn)));
	}
	fputs(ng ? ")\n" : "\n", out);
	if (!r->n_clocks)
		fputs("  clock offset: none (no log event to pair with a packet)\n", out);
	for (size_t i = 0; i < r->n_clocks; i++) {
		fputs("  clock offset (capture - log) of ", out);
		put_clock(out, &r->clocks[i]);
	}
	fputc('\n', out);
}

static void
put_unmatched(const struct tw *w, const struct report *r)
{
	FILE *out = w->out;
	uint64_t n = report_events_unmatched(r);

	if (!n)
		return;
	on(w, C_HEAD);
	fprintf(out, "Events with no packet in the captures (%llu):", (unsigned long long)n);
	off(w);
	fputc('\n', out);
	for (size_t i = 0; i < r->n_events; i++) {
		const struct report_event *re = &r->events[i];

		if (re->cr && re->cr->cand)
			continue;
		fprintf(out, "  event %u ", re->ev->id);
		put_safe(out, re->ev->path);
		fprintf(out, ":%llu %s: ", (unsigned long long)re->ev->line,
			reason_code(re->ev->reason));
		put_safe(out, re->cr ? re->cr->why : "no captures analysed");
		fputc('\n', out);
	}
	fputc('\n', out);
}

static void
put_unlogged(const struct tw *w, const struct report *r, const struct report_unlogged *g,
	     size_t ng)
{
	FILE *out = w->out;
	size_t shown = 0;

	if (!r->summary.unlogged)
		return;
	on(w, C_HEAD);
	fprintf(out, "Packets the kernel would log that no log line mentions (%llu):",
		(unsigned long long)r->summary.unlogged);
	off(w);
	fputc('\n', out);
	for (size_t i = 0; i < ng; i++) {
		char pn[16];

		fprintf(out, "  %s: %llu invalid, %llu ignored; this may be because of\n",
			report_proto_name(g[i].proto, pn, sizeof(pn)),
			(unsigned long long)g[i].invalid, (unsigned long long)g[i].ignored);
		for (size_t k = 0; k < g[i].n_why; k++)
			fprintf(out, "    - %s\n", g[i].why[k]);
	}
	for (size_t i = 0; i < r->n_flagged; i++) {
		const struct report_flagged *f = &r->flagged[i];
		char t[40];

		if (f->event >= 0)
			continue;
		if (shown++ == TEXT_UNLOGGED_MAX) {
			fprintf(out, "  ... and %llu more (all in the JSON report)\n",
				(unsigned long long)(r->summary.unlogged - TEXT_UNLOGGED_MAX));
			break;
		}
		report_fmt_wall(corr_ts_us(f->ts_sec, f->ts_nsec), t, sizeof(t));
		fputs("  ", out);
		put_safe(out, f->path);
		fprintf(out, " #%llu %s ", (unsigned long long)f->index, t);
		put_col(w, verdict_color(ct_verdict_name(f->verdict)), ct_verdict_name(f->verdict));
		fputs(": ", out);
		put_safe(out, f->message ? f->message : reason_code(f->reason));
		fprintf(out, " [%s]\n", cause_code(f->cause));
	}
	fputc('\n', out);
}

int
report_text_write(const struct report *r, FILE *out)
{
	return report_text_write_color(r, out, false);
}

int
report_text_write_color(const struct report *r, FILE *out, bool color)
{
	const struct tw tw = { out, color }, *w = &tw;
	const struct report_summary *s = &r->summary;
	struct report_unlogged groups[REPORT_UNLOGGED_MAX];
	size_t shown = 0, ng;

	ng = report_unlogged_groups(r, groups, REPORT_UNLOGGED_MAX);
	fprintf(out, "ctexplain %s report (kernel profile %s, %s)\n\n",
		r->version ? r->version : "", r->policy.profile,
		ct_source_name(r->policy.profile_src));
	fprintf(out, "Summary: %llu log event%s, %llu matched to a captured packet, "
		"%llu reproduced exactly by the engine;\n"
		"         %llu packet%s the kernel would log, %llu of them not in the logs.\n\n",
		(unsigned long long)s->events, s->events == 1 ? "" : "s",
		(unsigned long long)s->matched, (unsigned long long)s->agree,
		(unsigned long long)s->flagged, s->flagged == 1 ? "" : "s",
		(unsigned long long)s->unlogged);
	put_bundle(w, r, groups, ng);

	if (s->matched > s->agree) {
		fputs("Where the engine does not reproduce the kernel's line:\n", out);
		for (size_t i = 0; i < r->n_events; i++) {
			const struct report_event *re = &r->events[i];

			if (!re->cr || !re->cr->cand || re->agrees)
				continue;
			fprintf(out, "  event %u: kernel: ", re->ev->id);
			put_safe(out, re->ev->message);
			fputs("\n           engine: ", out);
			if (re->engine_msg)
				put_safe(out, re->engine_msg);
			else
				fprintf(out, "no such line (verdict %s)",
					ct_verdict_name(re->engine_verdict));
			fputc('\n', out);
		}
		fputc('\n', out);
	}
	fputs("Inputs:\n", out);
	for (size_t i = 0; i < r->n_inputs; i++) {
		fputs("  ", out);
		put_safe(out, r->inputs[i].path);
		fprintf(out, "  %s, %s, %llu record%s\n", r->inputs[i].kind, r->inputs[i].format,
			(unsigned long long)r->inputs[i].records,
			r->inputs[i].records == 1 ? "" : "s");
	}
	fputs("Policy (values not from the kernel defaults):\n", out);
	for (int k = 0; k < CT_KNOB__COUNT; k++) {
		if (r->policy.src[k] == CT_SRC_DEFAULT)
			continue;
		fprintf(out, "  %s = %lld (%s)\n", ct_policy_name((enum ct_knob)k),
			(long long)r->policy.v[k], ct_source_name(r->policy.src[k]));
		shown++;
	}
	if (!shown)
		fputs("  none: kernel defaults\n", out);
	fputc('\n', out);

	for (size_t i = 0; i < r->n_events; i++)
		put_event(w, &r->events[i]);

	put_unmatched(w, r);
	put_unlogged(w, r, groups, ng);

	if (r->n_silent) {
		fprintf(out, "Packets conntrack marks INVALID without any log line (%llu):\n",
			(unsigned long long)r->stats.packets_invalid_silent);
		for (size_t i = 0; i < r->n_silent && i < TEXT_SILENT_MAX; i++) {
			const struct report_silent *e = &r->silent[i];
			char t[40];

			report_fmt_wall(corr_ts_us(e->ts_sec, e->ts_nsec), t,
					sizeof(t));
			fputs("  ", out);
			put_safe(out, e->path);
			fprintf(out, " #%llu %s: ", (unsigned long long)e->index, t);
			put_safe(out, e->why);
			fprintf(out, " [%s]\n", cause_code(e->cause));
		}
		if (r->stats.packets_invalid_silent > TEXT_SILENT_MAX)
			fprintf(out, "  ... and %llu more (all in the JSON report)\n",
				(unsigned long long)(r->stats.packets_invalid_silent - TEXT_SILENT_MAX));
		fputc('\n', out);
	}

	if (r->ctx && r->ctx->notes.n) {
		fputs("\nNotes:\n", out);
		for (size_t i = 0; i < r->ctx->notes.n; i++) {
			fputs("  ", out);
			put_safe(out, r->ctx->notes.v[i].text);
			fputc('\n', out);
		}
	}
	if (r->ctx && r->ctx->errors.n) {
		on(w, C_RED);
		fputs("\nErrors:", out);
		off(w);
		fputc('\n', out);
		for (size_t i = 0; i < r->ctx->errors.n; i++) {
			fputs("  ", out);
			put_safe(out, r->ctx->errors.v[i].text);
			fputc('\n', out);
		}
	}
	if (fflush(out) == EOF || ferror(out))
		return -1;
	return 0;
}
