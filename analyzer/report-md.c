/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * report-md.c - the report as Markdown, to attach to a ticket.
 *
 * Same content as the text report: the summary, the bundle summary (tables
 * by cause and by reason, events with no packet, packets no log line
 * mentions, clock offset), inputs and policy, an overview table of the log
 * events, then one section per event (the cause in one sentence, the
 * failed check with its numbers, the state before the packet, evidence,
 * consequence, remedies with their trade-offs, and the flow's timeline in
 * a collapsible <details> block), then the events with no packet, the
 * packets no log line mentions and why that may be, silent INVALID
 * packets, clock, notes and errors.  Formatting only.
 *
 * Rendering: GitHub and GitLab flavoured Markdown (tables, <details>), plain
 * enough for Jira's Markdown import.  Text from the input (log lines, file
 * names, rule texts) never makes markup: in running text and table cells
 * '&' '<' '>' become entities, '|' '`' '*' '_' '[' ']' '~' '\' are
 * backslash-escaped and control bytes become '?'; identifiers and paths go
 * in code spans whose backtick fence is longer than any backtick run they
 * hold.  Record numbers are written "record N", never "#N", which GitHub
 * would link to an issue.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "report.h"
#include "report-bundle.h"

/* Rows of the silent-packet and unlogged-packet tables (all are in the JSON). */
#define MD_SILENT_MAX 100
#define MD_UNLOGGED_MAX 100
/* Event sections written (the overview table lists every event). */
#define MD_EVENTS_MAX 200

static bool
is_word(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* One character of input text outside code spans; @prev and @next are the
 * neighbours (0 at the ends). */
static void
md_char(FILE *out, unsigned char c, unsigned char prev, unsigned char next)
{
	if (c < 0x20 || c == 0x7f)
		fputc('?', out);
	else if (c == '&')
		fputs("&amp;", out);
	else if (c == '<')
		fputs("&lt;", out);
	else if (c == '>')
		fputs("&gt;", out);
	else if (c == '_' && is_word(prev) && is_word(next))
		fputc(c, out);	/* intraword: never emphasis in GFM (tcp_loose) */
	else if (strchr("|`*_[]~\\", c))
		fprintf(out, "\\%c", c);
	else
		fputc(c, out);
}

/* Input text in running text or a table cell (see the file comment). */
static void
md_text(FILE *out, const char *s)
{
	unsigned char prev = 0;

	if (!s || !*s) {
		fputs("-", out);
		return;
	}
	for (; *s; s++) {
		md_char(out, (unsigned char)*s, prev, (unsigned char)s[1]);
		prev = (unsigned char)*s;
	}
}

/*
 * Our own prose (explanations, diagnosis sentences and advice from the
 * rules): like md_text(), but `code spans` are kept when the backticks
 * pair up; inside them only '|' is escaped (a backslash would show) and
 * control bytes become '?'.
 */
static void
md_prose(FILE *out, const char *s)
{
	unsigned char prev = 0;
	size_t ticks = 0;
	bool code = false;

	if (!s || !*s) {
		fputs("-", out);
		return;
	}
	for (const char *p = s; *p; p++)
		ticks += *p == '`';
	if (ticks % 2) {
		md_text(out, s);
		return;
	}
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '`') {
			code = !code;
			fputc(c, out);
		} else if (code) {
			if (c < 0x20 || c == 0x7f)
				fputc('?', out);
			else if (c == '|')
				fputs("\\|", out);
			else
				fputc(c, out);
		} else {
			md_char(out, c, prev, (unsigned char)s[1]);
		}
		prev = c;
	}
}

/*
 * An identifier or path as a code span (CommonMark 6.1): the fence is one
 * backtick longer than the longest run inside, with a space of padding
 * when the text starts or ends with a backtick; in a table cell (@cell)
 * '|' is escaped (GFM splits cells before it parses code spans, and takes
 * "\|" back to '|'); elsewhere a backslash would show.
 */
static void
md_code_in(FILE *out, const char *s, bool cell)
{
	size_t run = 0, longest = 0, len;
	bool pad;

	if (!s || !*s) {
		fputs("-", out);
		return;
	}
	len = strlen(s);
	for (size_t i = 0; i < len; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	pad = s[0] == '`' || s[len - 1] == '`';
	for (size_t i = 0; i <= longest; i++)
		fputc('`', out);
	if (pad)
		fputc(' ', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			fputc('?', out);
		else if (c == '|' && cell)
			fputs("\\|", out);
		else
			fputc(c, out);
	}
	if (pad)
		fputc(' ', out);
	for (size_t i = 0; i <= longest; i++)
		fputc('`', out);
}

/* Code span in a table cell / in running text. */
static void
md_code(FILE *out, const char *s)
{
	md_code_in(out, s, true);
}

static void
md_code_text(FILE *out, const char *s)
{
	md_code_in(out, s, false);
}

static void
put_time(FILE *out, int64_t sec, uint32_t nsec)
{
	char t[40];

	report_fmt_wall(corr_ts_us(sec, nsec), t, sizeof(t));
	fputs(t, out);
}

static void
put_event_time(FILE *out, const struct log_event *e)
{
	char t[40];

	if (e->has_wall) {
		report_fmt_wall(e->wall_us, t, sizeof(t));
		fputs(t, out);
	} else if (e->has_mono) {
		fprintf(out, "%lld.%06lld", (long long)(e->mono_us / 1000000),
			(long long)(e->mono_us % 1000000));
	} else {
		fputs("-", out);
	}
}

static void
put_event_row(FILE *out, const struct report_event *re)
{
	const struct log_event *e = re->ev;
	const struct corr_cand *cd = re->cr ? re->cr->cand : NULL;

	fprintf(out, "| %u | ", e->id);
	md_text(out, e->path);
	fprintf(out, ":%llu | ", (unsigned long long)e->line);
	put_event_time(out, e);
	fputs(" | ", out);
	md_text(out, e->message);
	fprintf(out, " | %s | ", re->logged_name);
	if (cd) {
		md_text(out, re->match_path);
		fprintf(out, " record %llu (%s)", (unsigned long long)cd->index,
			report_how_name(re->cr->how));
	} else {
		fputs("none: ", out);
		md_text(out, re->cr ? re->cr->why : "no captures");
	}
	fputs(" | ", out);
	if (!cd)
		fputs("-", out);
	else if (re->agrees)
		fputs("agrees", out);
	else if (re->engine_msg)
		md_text(out, re->engine_msg);
	else
		fprintf(out, "no line (%s)", ct_verdict_name(re->engine_verdict));
	fputs(" | ", out);
	md_code(out, re->diag ? cause_code(re->diag->cause) : NULL);
	fputs(" |\n", out);
}

/* The flow's packets around the event, in a collapsible block. */
static void
put_timeline(FILE *out, const struct report_event *re)
{
	const struct diagnosis *d = re->diag;

	if (!d || !d->n_timeline)
		return;
	fprintf(out, "\n<details><summary>Flow timeline: %zu packet%s around event %u</summary>\n\n",
		d->n_timeline, d->n_timeline == 1 ? "" : "s", re->ev->id);
	fputs("| | capture | record | time | direction | flags | seq | ack | win | len | state after | verdict | note |\n"
	      "|---|---|---:|---|---|---|---:|---:|---:|---:|---|---|---|\n", out);
	for (size_t i = 0; i < d->n_timeline; i++) {
		const struct diag_step *s = &d->timeline[i];
		const char *p = s->path ? strrchr(s->path, '/') : NULL;

		fputs(s->flagged ? "| **&#9654;** | " : "| | ", out);
		md_code(out, p ? p + 1 : s->path);
		fprintf(out, " | %llu | ", (unsigned long long)s->index);
		put_time(out, s->ts_sec, s->ts_nsec);
		fputs(" | ", out);
		md_text(out, s->dir);
		fputs(" | ", out);
		md_text(out, s->flags);
		if (s->flags[0] || s->seq || s->ack)
			fprintf(out, " | %u | %u | %u", s->seq, s->ack, s->win);
		else
			fputs(" | - | - | -", out);
		fprintf(out, " | %u | ", s->len);
		md_text(out, s->state);
		fputs(" | ", out);
		if (s->flagged)
			fputs("**", out);
		md_text(out, s->verdict);
		if (s->flagged)
			fputs("**", out);
		fputs(" | ", out);
		md_text(out, s->note[0] ? s->note : NULL);
		fputs(" |\n", out);
	}
	fputs("\n</details>\n", out);
}

static void
put_event_section(FILE *out, const struct report_event *re)
{
	const struct log_event *e = re->ev;
	const struct corr_cand *cd = re->cr ? re->cr->cand : NULL;
	const struct diagnosis *d = re->diag;

	fprintf(out, "\n### Event %u: ", e->id);
	md_code_text(out, reason_code(e->reason));
	fputs(" at ", out);
	md_code_text(out, e->path);
	fprintf(out, " line %llu\n\n", (unsigned long long)e->line);
	if (d) {
		fputs("**Cause: ", out);
		md_code_text(out, cause_code(d->cause));
		fputs("**", out);
		if (d->confidence)
			fprintf(out, " (confidence %s)", d->confidence);
		fputs(". ", out);
		md_prose(out, d->sentence);
		fputs("\n\n", out);
	}
	fputs("- Message: ", out);
	md_text(out, e->message);
	fprintf(out, " (%s)\n- Time: ", re->logged_name);
	put_event_time(out, e);
	fputs("\n- Packet: ", out);
	if (cd) {
		md_code_text(out, re->match_path);
		fprintf(out, " record %llu (%s, %u candidate%s%s); engine: ",
			(unsigned long long)cd->index, report_how_name(re->cr->how),
			re->cr->candidates, re->cr->candidates == 1 ? "" : "s",
			cd->ttl_differs ? ", TTL differs" : "");
		if (re->agrees)
			fputs("agrees", out);
		else if (re->engine_msg)
			md_text(out, re->engine_msg);
		else
			fprintf(out, "no such line, verdict %s", ct_verdict_name(re->engine_verdict));
	} else {
		fputs("none in the captures (", out);
		md_text(out, re->cr ? re->cr->why : "no captures analysed");
		fputs(")", out);
	}
	fputc('\n', out);
	if (cd && cd->detail->check) {
		fputs("- Failed check: ", out);
		md_prose(out, cd->detail->check);
		fputc('\n', out);
	}
	if (cd && cd->detail->before.valid && e->proto == 6) {
		const struct ct_tcp_snapshot *s = &cd->detail->before;

		fprintf(out, "- State before the packet: %s", ct_tcp_state_name(s->state));
		if (cd->detail->dir >= 0)
			fprintf(out, ", packet in the %s direction",
				cd->detail->dir ? "reply" : "original");
		fputc('\n', out);
		for (int k = 0; k < 2; k++)
			fprintf(out, "  - %s: td_end %u, td_maxend %u, td_maxwin %u, scale %u\n",
				k ? "reply" : "original", s->seen[k].td_end, s->seen[k].td_maxend,
				s->seen[k].td_maxwin, s->seen[k].td_scale);
	}
	fputs("- Why: ", out);
	md_prose(out, re->summary);
	fputc('\n', out);
	if (!d)
		return;
	if (d->n_evidence) {
		fputs("\n**Evidence**\n\n", out);
		for (size_t i = 0; i < d->n_evidence; i++) {
			fputs("- ", out);
			md_prose(out, d->evidence[i]);
			fputc('\n', out);
		}
	}
	if (d->consequence && d->consequence[0]) {
		fputs("\n**Consequence:** ", out);
		md_prose(out, d->consequence);
		fputc('\n', out);
	}
	if (d->n_remedies) {
		fputs("\n**Remedies**\n\n| remedy | what to do | trade-off |\n|---|---|---|\n", out);
		for (size_t i = 0; i < d->n_remedies; i++) {
			const char *name = d->remedies[i].name;

			fputs("| ", out);
			if (name && strchr(name, ' ')) {
				/* words ("fix the route"), not a sysctl or command */
				fputs("**", out);
				md_text(out, name);
				fputs("**", out);
			} else {
				md_code(out, name);
			}
			fputs(" | ", out);
			md_prose(out, d->remedies[i].text);
			fputs(" | ", out);
			md_prose(out, d->remedies[i].tradeoff);
			fputs(" |\n", out);
		}
	}
	put_timeline(out, re);
}

static void
put_clock_row(FILE *out, const struct corr_clock *c)
{
	fputs("| ", out);
	md_code(out, c->path);
	if (c->boot_id) {
		fputs(" boot ", out);
		md_code(out, c->boot_id);
	}
	fprintf(out, " | %s | ", c->mono ? "kernel" : "wall");
	if (c->known && c->mono) {
		char t[40];

		report_fmt_wall(c->offset_us, t, sizeof(t));
		fprintf(out, "booted at %s", t);
	} else if (c->known) {
		fprintf(out, "%+.6f s", (double)c->offset_us / 1e6);
	} else {
		fputs("unknown", out);
	}
	if (c->known)
		fprintf(out, " | %llu | %.6f |\n", (unsigned long long)c->pairs,
			(double)c->spread_us / 1e6);
	else
		fputs(" | 0 | - |\n", out);
}

static void
put_bundle(FILE *out, const struct report *r, const struct report_unlogged *g, size_t ng)
{
	const struct report_summary *s = &r->summary;
	bool any = false;

	fputs("\n## Bundle summary\n", out);
	for (int c = 0; c < CAUSE_MAX; c++)
		any |= s->cause_events[c] || s->cause_flagged[c] || s->cause_silent[c];
	if (any) {
		fputs("\n### By cause\n\n| cause | log events | packets the kernel would log "
		      "| INVALID without a log line |\n|---|---:|---:|---:|\n", out);
		for (int c = 0; c < CAUSE_MAX; c++) {
			if (!s->cause_events[c] && !s->cause_flagged[c] && !s->cause_silent[c])
				continue;
			fputs("| ", out);
			md_code(out, cause_code((enum cause)c));
			fprintf(out, " | %llu | %llu | %llu |\n", (unsigned long long)s->cause_events[c],
				(unsigned long long)s->cause_flagged[c],
				(unsigned long long)s->cause_silent[c]);
		}
	}
	if (s->n_by_reason) {
		fputs("\n### By reason\n\n| reason | log events | packets the kernel would log |\n"
		      "|---|---:|---:|\n", out);
		for (size_t i = 0; i < s->n_by_reason; i++) {
			fputs("| ", out);
			md_code(out, reason_code(s->by_reason[i].reason));
			fprintf(out, " | %llu | %llu |\n", (unsigned long long)s->by_reason[i].events,
				(unsigned long long)s->by_reason[i].flagged);
		}
	}
	fprintf(out, "\n- Events with no packet in the captures: %llu\n",
		(unsigned long long)report_events_unmatched(r));
	fprintf(out, "- Packets the kernel would log that no log line mentions: %llu",
		(unsigned long long)s->unlogged);
	for (size_t i = 0; i < ng; i++) {
		char pn[16];

		fprintf(out, "%s%llu %s", i ? ", " : " (",
			(unsigned long long)(g[i].invalid + g[i].ignored),
			report_proto_name(g[i].proto, pn, sizeof(pn)));
	}
	fputs(ng ? ")\n" : "\n", out);
	if (!r->n_clocks) {
		fputs("- Clock offset: none (no log event to pair with a packet)\n", out);
		return;
	}
	fputs("\nClock offset (capture time - log time):\n\n"
	      "| log | clock | offset | pairs | spread (s) |\n|---|---|---|---:|---:|\n", out);
	for (size_t i = 0; i < r->n_clocks; i++)
		put_clock_row(out, &r->clocks[i]);
}

static void
put_unmatched(FILE *out, const struct report *r)
{
	uint64_t n = report_events_unmatched(r);

	if (!n)
		return;
	fprintf(out, "\n## Events with no packet in the captures (%llu)\n\n"
		"| id | source | reason | why |\n|---:|---|---|---|\n", (unsigned long long)n);
	for (size_t i = 0; i < r->n_events; i++) {
		const struct report_event *re = &r->events[i];

		if (re->cr && re->cr->cand)
			continue;
		fprintf(out, "| %u | ", re->ev->id);
		md_text(out, re->ev->path);
		fprintf(out, ":%llu | ", (unsigned long long)re->ev->line);
		md_code(out, reason_code(re->ev->reason));
		fputs(" | ", out);
		md_text(out, re->cr ? re->cr->why : "no captures analysed");
		fputs(" |\n", out);
	}
}

static void
put_unlogged(FILE *out, const struct report *r, const struct report_unlogged *g, size_t ng)
{
	size_t shown = 0;

	if (!r->summary.unlogged)
		return;
	fprintf(out, "\n## Packets the kernel would log that no log line mentions (%llu)\n",
		(unsigned long long)r->summary.unlogged);
	for (size_t i = 0; i < ng; i++) {
		char pn[16];

		fprintf(out, "\n%s: %llu invalid, %llu ignored. This may be because of:\n\n",
			report_proto_name(g[i].proto, pn, sizeof(pn)),
			(unsigned long long)g[i].invalid, (unsigned long long)g[i].ignored);
		for (size_t k = 0; k < g[i].n_why; k++) {
			fputs("- ", out);
			md_prose(out, g[i].why[k]);
			fputc('\n', out);
		}
	}
	fputs("\n| capture | record | time | verdict | message | cause |\n"
	      "|---|---:|---|---|---|---|\n", out);
	for (size_t i = 0; i < r->n_flagged; i++) {
		const struct report_flagged *f = &r->flagged[i];

		if (f->event >= 0)
			continue;
		if (shown++ == MD_UNLOGGED_MAX) {
			fprintf(out, "\n%llu more in the JSON report.\n",
				(unsigned long long)(r->summary.unlogged - MD_UNLOGGED_MAX));
			break;
		}
		fputs("| ", out);
		md_text(out, f->path);
		fprintf(out, " | %llu | ", (unsigned long long)f->index);
		put_time(out, f->ts_sec, f->ts_nsec);
		fprintf(out, " | %s | ", ct_verdict_name(f->verdict));
		md_text(out, f->message ? f->message : reason_code(f->reason));
		fputs(" | ", out);
		md_code(out, cause_code(f->cause));
		fputs(" |\n", out);
	}
}

int
report_md_write(const struct report *r, FILE *out)
{
	const struct report_summary *s = &r->summary;
	struct report_unlogged groups[REPORT_UNLOGGED_MAX];
	size_t ng = report_unlogged_groups(r, groups, REPORT_UNLOGGED_MAX);

	fprintf(out, "# ctexplain report\n\nctexplain %s, kernel profile %s (%s).\n\n",
		r->version ? r->version : "", r->policy.profile,
		ct_source_name(r->policy.profile_src));
	fputs("## Summary\n\n| log events | matched | reproduced | packets the kernel would log | not in the logs |\n"
	      "|---:|---:|---:|---:|---:|\n", out);
	fprintf(out, "| %llu | %llu | %llu | %llu | %llu |\n", (unsigned long long)s->events,
		(unsigned long long)s->matched, (unsigned long long)s->agree,
		(unsigned long long)s->flagged, (unsigned long long)s->unlogged);
	put_bundle(out, r, groups, ng);

	fputs("\n## Inputs\n\n| path | kind | format | records |\n|---|---|---|---:|\n", out);
	for (size_t i = 0; i < r->n_inputs; i++) {
		fputs("| ", out);
		md_text(out, r->inputs[i].path);
		fprintf(out, " | %s | %s | %llu |\n", r->inputs[i].kind, r->inputs[i].format,
			(unsigned long long)r->inputs[i].records);
	}
	fputs("\n## Policy\n\n", out);
	{
		size_t shown = 0;

		for (int k = 0; k < CT_KNOB__COUNT; k++) {
			if (r->policy.src[k] == CT_SRC_DEFAULT)
				continue;
			if (!shown++)
				fputs("| sysctl | value | from |\n|---|---:|---|\n", out);
			fprintf(out, "| %s | %lld | %s |\n", ct_policy_name((enum ct_knob)k),
				(long long)r->policy.v[k], ct_source_name(r->policy.src[k]));
		}
		if (!shown)
			fputs("Kernel defaults.\n", out);
	}

	if (r->n_events) {
		fputs("\n## Log events\n\n| id | source | time | message | verdict | packet | engine | cause |\n"
		      "|---:|---|---|---|---|---|---|---|\n", out);
		for (size_t i = 0; i < r->n_events; i++)
			put_event_row(out, &r->events[i]);
		fputs("\n## Events explained\n", out);
		for (size_t i = 0; i < r->n_events && i < MD_EVENTS_MAX; i++)
			put_event_section(out, &r->events[i]);
		if (r->n_events > MD_EVENTS_MAX)
			fprintf(out, "\n%zu more events are explained in the text and JSON reports.\n",
				r->n_events - MD_EVENTS_MAX);
	}

	put_unmatched(out, r);
	put_unlogged(out, r, groups, ng);

	if (r->n_silent) {
		fprintf(out, "\n## Packets conntrack marks INVALID without a log line (%llu)\n\n"
			"| capture | record | time | why | cause |\n|---|---:|---|---|---|\n",
			(unsigned long long)r->stats.packets_invalid_silent);
		for (size_t i = 0; i < r->n_silent && i < MD_SILENT_MAX; i++) {
			const struct report_silent *e = &r->silent[i];

			fputs("| ", out);
			md_text(out, e->path);
			fprintf(out, " | %llu | ", (unsigned long long)e->index);
			put_time(out, e->ts_sec, e->ts_nsec);
			fputs(" | ", out);
			md_text(out, e->why);
			fputs(" | ", out);
			md_code(out, cause_code(e->cause));
			fputs(" |\n", out);
		}
		if (r->stats.packets_invalid_silent > MD_SILENT_MAX)
			fprintf(out, "\n%llu more in the JSON report.\n",
				(unsigned long long)(r->stats.packets_invalid_silent - MD_SILENT_MAX));
	}

	if (r->ctx && r->ctx->notes.n) {
		fputs("\n## Notes\n\n", out);
		for (size_t i = 0; i < r->ctx->notes.n; i++) {
			fputs("- ", out);
			md_text(out, r->ctx->notes.v[i].text);
			fputc('\n', out);
		}
	}
	if (r->ctx && r->ctx->errors.n) {
		fputs("\n## Errors\n\n", out);
		for (size_t i = 0; i < r->ctx->errors.n; i++) {
			fputs("- ", out);
			md_text(out, r->ctx->errors.v[i].text);
			fputc('\n', out);
		}
	}
	if (fflush(out) == EOF || ferror(out))
		return -1;
	return 0;
}
