/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * report-bundle.c - the bundle summary's derived facts.  See
 * report-bundle.h; the kernel facts are from messages.md 1.1 (gating of
 * the conntrack INVALID log lines).
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "report-bundle.h"
#include "rules-load.h"

/* The last kernel whose LOG_INVALID() also asked net_ratelimit(). */
#define BUNDLE_RATELIMIT_LAST "3.11.99"

const char *
report_proto_name(uint8_t proto, char *buf, size_t size)
{
	switch (proto) {
	case 1: return "ICMP";
	case 6: return "TCP";
	case 17: return "UDP";
	case 33: return "DCCP";
	case 58: return "ICMPv6";
	case 132: return "SCTP";
	case 136: return "UDP-Lite";
	default:
		snprintf(buf, size, "proto %u", proto);
		return buf;
	}
}

uint64_t
report_events_unmatched(const struct report *r)
{
	uint64_t n = 0;

	for (size_t i = 0; i < r->n_events; i++)
		if (!r->events[i].cr || !r->events[i].cr->cand)
			n++;
	return n;
}

static bool
has_kind(const struct report *r, const char *kind)
{
	for (size_t i = 0; i < r->n_inputs; i++)
		if (strcmp(r->inputs[i].kind, kind) == 0)
			return true;
	return false;
}

/* Was the profile a kernel that rate-limited the lines (<= 3.11)? */
static bool
ratelimited(const struct report *r)
{
	uint32_t k, last;

	return rules_parse_kernel(r->policy.profile, &k) == 0 &&
	       rules_parse_kernel(BUNDLE_RATELIMIT_LAST, &last) == 0 && k <= last;
}

static void __attribute__((format(printf, 2, 3)))
add_why(struct report_unlogged *g, const char *fmt, ...)
{
	va_list ap;

	if (g->n_why >= REPORT_WHY_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(g->why[g->n_why++], sizeof(g->why[0]), fmt, ap);
	va_end(ap);
}

/*
 * The reasons for one protocol group, most likely first.  @logged_proto:
 * some log line of this protocol exists (logging worked for it at times).
 */
static void
explain(const struct report *r, struct report_unlogged *g, bool have_log, bool logged_proto)
{
	int64_t li = r->policy.v[CT_KNOB_LOG_INVALID];
	enum ct_source src = r->policy.src[CT_KNOB_LOG_INVALID];
	char pn[16], on[16];

	if (!have_log) {
		add_why(g, "the bundle holds no kernel log");
		return;
	}
	if (src == CT_SRC_DEFAULT)
		add_why(g, "no sysctl dump in the bundle: nf_conntrack_log_invalid may have been 0 "
			   "(the default: nothing logged) or another protocol's number");
	else if (li == 0)
		add_why(g, "nf_conntrack_log_invalid = 0 (%s): conntrack logs nothing%s",
			ct_source_name(src),
			logged_proto ? " (it was on when the logged lines were written)" : "");
	else if (li != 255 && li != g->proto)
		add_why(g, "nf_conntrack_log_invalid = %lld (%s) logs %s only, not %s",
			(long long)li, ct_source_name(src),
			report_proto_name((uint8_t)li, on, sizeof(on)),
			report_proto_name(g->proto, pn, sizeof(pn)));
	if (ratelimited(r))
		add_why(g, "kernel %s: up to 3.11 these lines are rate-limited "
			   "(net_ratelimit, 10 per 5 s)", r->policy.profile);
	add_why(g, "log collection: lines lost (ring buffer overwritten, syslog or journald "
		   "limits) or the log covers another period than the capture");
	add_why(g, "capture point: the packet was captured where this conntrack did not see "
		   "it (another host or interface), or conntrack runs in a namespace that "
		   "does not print (nf_log_all_netns=0)%s",
		logged_proto ? "" : " or has no syslog logger bound (NFLOG)");
}

size_t
report_unlogged_groups(const struct report *r, struct report_unlogged *out, size_t max)
{
	bool have_log = has_kind(r, "log");
	size_t n = 0;

	if (!max)
		return 0;
	for (size_t i = 0; i < r->n_flagged; i++) {
		const struct report_flagged *f = &r->flagged[i];
		size_t k;

		if (f->event >= 0)
			continue;
		for (k = 0; k < n && out[k].proto != f->proto; k++)
			;
		if (k == n) {
			if (n < max) {
				memset(&out[n], 0, sizeof(out[n]));
				out[n].proto = f->proto;
				n++;
			} else {
				k = n - 1;	/* merged into the last group */
			}
		}
		if (f->verdict == CT_IGNORE)
			out[k].ignored++;
		else
			out[k].invalid++;
	}
	/* ascending protocol (insertion sort: a handful of groups) */
	for (size_t i = 1; i < n; i++) {
		struct report_unlogged t = out[i];
		size_t j = i;

		for (; j > 0 && out[j - 1].proto > t.proto; j--)
			out[j] = out[j - 1];
		out[j] = t;
	}
	for (size_t i = 0; i < n; i++) {
		bool logged_proto = false;

		for (size_t e = 0; e < r->n_events && !logged_proto; e++)
			logged_proto = r->events[e].ev->proto == out[i].proto;
		explain(r, &out[i], have_log, logged_proto);
	}
	return n;
}
