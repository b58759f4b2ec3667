/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * report-md.c - the report as Markdown, to attach to a ticket.
 *
 * Same content and order as the text report (summary, events, packets the
 * kernel would log that no line mentions, silent INVALID packets, clock,
 * notes, errors), as tables a ticket system renders.  Formatting only.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "report.h"

/* Rows of the silent-packet table (all of them are in the JSON report). */
#define MD_SILENT_MAX 100

/* Text from the input in a table cell: '|' escaped, '`' and '*' '_' '<'
 * too (no markup from a hostile log), control bytes as '?'. */
static void
cell(FILE *out, const char *s)
{
	if (!s || !*s) {
		fputs("-", out);
		return;
	}
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			fputc('?', out);
		else if (strchr("|`*_<>[]\\", c))
			fprintf(out, "\\%c", c);
		else
			fputc(c, out);
	}
}

static void
put_time(FILE *out, int64_t sec, uint32_t nsec)
{
	char t[40];

	report_fmt_wall(corr_ts_us(sec, nsec), t, sizeof(t));
	fputs(t, out);
}

static void
put_event_row(FILE *out, const struct report_event *re)
{
	const struct log_event *e = re->ev;
	const struct corr_cand *cd = re->cr ? re->cr->cand : NULL;
	char t[40];

	fprintf(out, "| %u | ", e->id);
	cell(out, e->path);
	fprintf(out, ":%llu | ", (unsigned long long)e->line);
	if (e->has_wall) {
		report_fmt_wall(e->wall_us, t, sizeof(t));
		fputs(t, out);
	} else if (e->has_mono) {
		fprintf(out, "%lld.%06lld", (long long)(e->mono_us / 1000000),
			(long long)(e->mono_us % 1000000));
	} else {
		fputs("-", out);
	}
	fputs(" | ", out);
	cell(out, e->message);
	fprintf(out, " | %s | ", re->logged_name);
	if (cd) {
		cell(out, re->match_path);
		fprintf(out, " #%llu (%s)", (unsigned long long)cd->index,
			report_how_name(re->cr->how));
	} else {
		fputs("none: ", out);
		cell(out, re->cr ? re->cr->why : "no captures");
	}
	fputs(" | ", out);
	if (!cd)
		fputs("-", out);
	else if (re->agrees)
		fputs("agrees", out);
	else if (re->engine_msg)
		cell(out, re->engine_msg);
	else
		fprintf(out, "no line (%s)", ct_verdict_name(re->engine_verdict));
	fputs(" |\n", out);
}

static void
put_event_detail(FILE *out, const struct report_event *re)
{
	const struct corr_cand *cd = re->cr ? re->cr->cand : NULL;

	fprintf(out, "- **event %u**: ", re->ev->id);
	cell(out, re->summary);
	fputc('\n', out);
	if (cd && cd->detail->check) {
		fputs("  - check: ", out);
		cell(out, cd->detail->check);
		fputc('\n', out);
	}
	if (cd && cd->detail->before.valid && re->ev->proto == 6) {
		const struct ct_tcp_snapshot *s = &cd->detail->before;

		fprintf(out, "  - state before: %s", ct_tcp_state_name(s->state));
		if (cd->detail->dir >= 0)
			fprintf(out, ", packet in the %s direction",
				cd->detail->dir ? "reply" : "original");
		fputc('\n', out);
		for (int d = 0; d < 2; d++)
			fprintf(out, "  - %s: td_end %u, td_maxend %u, td_maxwin %u, scale %u\n",
				d ? "reply" : "original", s->seen[d].td_end, s->seen[d].td_maxend,
				s->seen[d].td_maxwin, s->seen[d].td_scale);
	}
}

int
report_md_write(const struct report *r, FILE *out)
{
	const struct report_summary *s = &r->summary;

	fprintf(out, "# ctexplain report\n\nctexplain %s, kernel profile %s (%s).\n\n",
		r->version ? r->version : "", r->policy.profile,
		ct_source_name(r->policy.profile_src));
	fputs("## Summary\n\n| log events | matched | reproduced | packets the kernel would log | not in the logs |\n"
	      "|---:|---:|---:|---:|---:|\n", out);
	fprintf(out, "| %llu | %llu | %llu | %llu | %llu |\n\n", (unsigned long long)s->events,
		(unsigned long long)s->matched, (unsigned long long)s->agree,
		(unsigned long long)s->flagged, (unsigned long long)s->unlogged);

	fputs("## Inputs\n\n| path | kind | format | records |\n|---|---|---|---:|\n", out);
	for (size_t i = 0; i < r->n_inputs; i++) {
		fputs("| ", out);
		cell(out, r->inputs[i].path);
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
		fputs("\n## Log events\n\n| id | source | time | message | verdict | packet | engine |\n"
		      "|---:|---|---|---|---|---|---|\n", out);
		for (size_t i = 0; i < r->n_events; i++)
			put_event_row(out, &r->events[i]);
		fputs("\n### Why\n\n", out);
		for (size_t i = 0; i < r->n_events; i++)
			put_event_detail(out, &r->events[i]);
	}

	if (s->unlogged) {
		fputs("\n## Packets the kernel would log that no log line mentions\n\n"
		      "| capture | record | time | verdict | message |\n|---|---:|---|---|---|\n", out);
		for (size_t i = 0; i < r->n_flagged; i++) {
			const struct report_flagged *f = &r->flagged[i];

			if (f->event >= 0)
				continue;
			fputs("| ", out);
			cell(out, f->path);
			fprintf(out, " | %llu | ", (unsigned long long)f->index);
			put_time(out, f->ts_sec, f->ts_nsec);
			fprintf(out, " | %s | ", ct_verdict_name(f->verdict));
			cell(out, f->message ? f->message : reason_code(f->reason));
			fputs(" |\n", out);
		}
	}

	if (r->n_silent) {
		fprintf(out, "\n## Packets conntrack marks INVALID without a log line (%llu)\n\n"
			"| capture | record | time | why |\n|---|---:|---|---|\n",
			(unsigned long long)r->stats.packets_invalid_silent);
		for (size_t i = 0; i < r->n_silent && i < MD_SILENT_MAX; i++) {
			const struct report_silent *e = &r->silent[i];

			fputs("| ", out);
			cell(out, e->path);
			fprintf(out, " | %llu | ", (unsigned long long)e->index);
			put_time(out, e->ts_sec, e->ts_nsec);
			fputs(" | ", out);
			cell(out, e->why);
			fputs(" |\n", out);
		}
		if (r->stats.packets_invalid_silent > MD_SILENT_MAX)
			fprintf(out, "\n%llu more in the JSON report.\n",
				(unsigned long long)(r->stats.packets_invalid_silent - MD_SILENT_MAX));
	}

	if (r->n_clocks) {
		fputs("\n## Clock offsets (capture time - log time)\n\n"
		      "| log | clock | offset (s) | pairs | spread (s) |\n|---|---|---:|---:|---:|\n", out);
		for (size_t i = 0; i < r->n_clocks; i++) {
			const struct corr_clock *c = &r->clocks[i];

			fputs("| ", out);
			cell(out, c->path);
			fprintf(out, " | %s | ", c->mono ? "kernel" : "wall");
			if (c->known)
				fprintf(out, "%+.6f | %llu | %.6f |\n", (double)c->offset_us / 1e6,
					(unsigned long long)c->pairs, (double)c->spread_us / 1e6);
			else
				fputs("unknown | 0 | - |\n", out);
		}
	}
	if (r->ctx && r->ctx->notes.n) {
		fputs("\n## Notes\n\n", out);
		for (size_t i = 0; i < r->ctx->notes.n; i++) {
			fputs("- ", out);
			cell(out, r->ctx->notes.v[i].text);
			fputc('\n', out);
		}
	}
	if (r->ctx && r->ctx->errors.n) {
		fputs("\n## Errors\n\n", out);
		for (size_t i = 0; i < r->ctx->errors.n; i++) {
			fputs("- ", out);
			cell(out, r->ctx->errors.v[i].text);
			fputc('\n', out);
		}
	}
	if (fflush(out) == EOF || ferror(out))
		return -1;
	return 0;
}
