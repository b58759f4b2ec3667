/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * report-text.c - the report for a person at a terminal.
 *
 * Same content as the JSON report, in reading order: the summary first,
 * then one block per log event (time, message, the packet, the match, the
 * verdict and explanation), then the flagged packets no log line mentions,
 * then clock, notes and errors.  Formatting only; nothing is computed here.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "report.h"
#include "report-text.h"

/* Silent INVALID packets shown in the text report (all are in the JSON). */
#define TEXT_SILENT_MAX 20

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

static void
put_event(FILE *out, const struct report_event *re)
{
	const struct log_event *e = re->ev;
	const struct corr_cand *cd = re->cr ? re->cr->cand : NULL;
	char t[40];

	fprintf(out, "event %u  %s:%llu\n", e->id, e->path ? e->path : "-",
		(unsigned long long)e->line);
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
	fprintf(out, "\n  rule:     %s (%s)\n", reason_code(e->reason),
		re->logged_name);
	if (e->has_pkt)
		put_packet(out, &e->pkt);
	if (cd) {
		report_fmt_wall(cd->ts_us, t, sizeof(t));
		fprintf(out, "  match:    %s #%llu at %s (%s, %u candidate%s)%s\n",
			re->match_path, (unsigned long long)cd->index, t,
			report_how_name(re->cr->how), re->cr->candidates,
			re->cr->candidates == 1 ? "" : "s",
			cd->ttl_differs ? ", TTL differs" : "");
		fputs("  engine:   ", out);
		if (re->engine_msg) {
			put_safe(out, re->engine_msg);
			fputs(re->agrees ? "  (agrees)" : "  (differs)", out);
		} else {
			fprintf(out, "no such line; the engine's verdict is %s",
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
			fputc('\n', out);
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
	fputs("\n\n", out);
}

int
report_text_write(const struct report *r, FILE *out)
{
	return report_text_write_color(r, out, false);
}

int
report_text_write_color(const struct report *r, FILE *out, bool color)
{
	const struct report_summary *s = &r->summary;
	size_t shown = 0;

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
		put_event(out, &r->events[i]);

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
			fputc('\n', out);
		}
		if (r->stats.packets_invalid_silent > TEXT_SILENT_MAX)
			fprintf(out, "  ... and %llu more (all in the JSON report)\n",
				(unsigned long long)(r->stats.packets_invalid_silent - TEXT_SILENT_MAX));
		fputc('\n', out);
	}
	if (s->unlogged) {
		fputs("Packets the kernel would log that no log line mentions:\n", out);
		for (size_t i = 0; i < r->n_flagged; i++) {
			const struct report_flagged *f = &r->flagged[i];
			char t[40];

			if (f->event >= 0)
				continue;
			report_fmt_wall(corr_ts_us(f->ts_sec, f->ts_nsec), t,
					sizeof(t));
			fputs("  ", out);
			put_safe(out, f->path);
			fprintf(out, " #%llu %s %s: ", (unsigned long long)f->index, t,
				ct_verdict_name(f->verdict));
			put_safe(out, f->message ? f->message : reason_code(f->reason));
			fputc('\n', out);
		}
		fputc('\n', out);
	}

	if (r->n_clocks) {
		fputs("Clock offsets (capture time - log time):\n", out);
		for (size_t i = 0; i < r->n_clocks; i++) {
			const struct corr_clock *c = &r->clocks[i];

			fputs("  ", out);
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
		fputs("\nErrors:\n", out);
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
