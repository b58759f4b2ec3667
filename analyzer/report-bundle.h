/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * report-bundle.h - the bundle summary's derived facts, shared by the
 * writers: the packets the kernel would log that no log line mentions,
 * grouped by protocol, with why that may be, from the bundle's own
 * settings.
 *
 * Why a flagged packet can be missing from the logs (messages.md 1.1):
 *   - nf_conntrack_log_invalid is 0 (off, the kernel default) or names
 *     another protocol (N logs protocol N only, 255 all);
 *   - kernels up to 3.11 rate-limit the lines (net_ratelimit, 10 per 5 s);
 *   - the log collection lost or does not cover them (ring buffer
 *     overwritten, syslog or journald limits, a log of another period);
 *   - the capture point: the packet was captured where this conntrack did
 *     not see it (another host or interface, dropped before conntrack), or
 *     conntrack ran in a network namespace that does not print
 *     (nf_log_all_netns=0) or had no syslog logger bound (NFLOG instead).
 * The texts are computed here once, in the order most likely first, so the
 * text, Markdown and JSON writers only print them.
 */
#ifndef CTEXPLAIN_REPORT_BUNDLE_H
#define CTEXPLAIN_REPORT_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "report.h"

/* Protocol groups at most (one per L4 protocol number seen). */
#define REPORT_UNLOGGED_MAX 8
/* Reasons per group at most. */
#define REPORT_WHY_MAX 4

struct report_unlogged {
	uint8_t proto;
	uint64_t invalid;		/* unlogged flagged packets marked INVALID */
	uint64_t ignored;		/* ... and logged-but-accepted (ignored) ones */
	char why[REPORT_WHY_MAX][256];	/* most likely first */
	size_t n_why;
};

/* "TCP", "UDP", "UDP-Lite", "ICMP", "ICMPv6", "SCTP", "DCCP", or "proto N"
 * (into @buf, >= 16 bytes). */
const char *report_proto_name(uint8_t proto, char *buf, size_t size);

/*
 * Group the flagged packets no log line mentions (event < 0) by protocol,
 * ascending, at most @max groups (the rest are merged into the last one).
 * Returns the number of groups filled in @out.
 */
size_t report_unlogged_groups(const struct report *r, struct report_unlogged *out, size_t max);

/* Events matched to no captured packet. */
uint64_t report_events_unmatched(const struct report *r);

#endif
