/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * logparse.h - a log record -> a conntrack event (struct log_event).
 *
 * Finds the conntrack prefix of every era ("nf_ct_proto_6: ", "nf_ct_tcp: ",
 * "nf_ct_udp: ", "nf_ct_icmp: ", "nf_ct_icmpv6: ", ...), splits the message
 * from the nf_log packet dump (the message runs up to the single space before
 * "IN="; messages with their own trailing blank give two), matches the
 * message against rules/ (PCRE2, named groups -> struct reason_args) and
 * parses the dump (nflog.h).  A conntrack line that no rule knows becomes an
 * event with reason REASON_UNRECOGNIZED and its text kept.
 */
#ifndef CTEXPLAIN_LOGPARSE_H
#define CTEXPLAIN_LOGPARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "ctx.h"
#include "logsrc.h"
#include "nflog.h"
#include "reasons.h"
#include "rules-load.h"

/*
 * A conntrack log event.  Owns its strings (free with log_event_release()).
 */
struct log_event {
	uint32_t id;		/* 0-based, in input order (set by the caller) */
	char *path;		/* log file */
	uint64_t line;		/* 1-based line / entry number */
	bool has_mono;
	int64_t mono_us;	/* kernel time since boot, microseconds */
	bool has_wall;
	int64_t wall_us;	/* UTC microseconds since the epoch */
	bool wall_whole_s;	/* wall_us comes from a whole-second stamp (1 s resolution) */
	char *host;		/* may be NULL */
	int proto;		/* L4 protocol from the prefix (6, 17, ...) */
	char era;		/* 'A' (nf_ct_tcp:), 'B' (nf_ct_proto_N:, no IN dev), 'C' (IN=dev) */
	enum reason reason;	/* REASON_UNRECOGNIZED when no rule matched */
	const char *rule_id;	/* id of the matching rule (borrowed from rules), or NULL */
	char *message;		/* exact reason text: no prefix, no dump, no trailing blanks */
	struct reason_args args;	/* numbers from the message */
	bool has_pkt;		/* a packet dump was found and parsed */
	struct nflog_pkt pkt;
};

/*
 * Parse one record.  Returns 1 and fills *ev when the record is a conntrack
 * INVALID-log line (recognised or not), 0 when it is not a conntrack line,
 * or a negative enum err (recorded in ctx) on a matcher failure such as a
 * PCRE2 resource limit.  *ev is left released when 0 or < 0 is returned.
 */
int logparse_record(struct run_ctx *ctx, const struct rules *rules,
		    const struct log_record *rec, struct log_event *ev);

/* Does the record carry a conntrack prefix (would logparse_record() return 1
 * or a matcher error)?  For counting records beyond the event cap without
 * parsing them. */
bool logparse_is_conntrack(const struct log_record *rec);

void log_event_release(struct log_event *ev);

#endif
