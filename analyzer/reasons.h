/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * reasons.h - reason codes and conntrack verdicts, expanded from reasons.def.
 *
 * The enum and the code strings are generated from one table so they cannot
 * drift apart.  Codes are stable: they are part of the JSON report contract.
 */
#ifndef CTEXPLAIN_REASONS_H
#define CTEXPLAIN_REASONS_H

#include <stdint.h>

/* What conntrack does with a packet. */
enum ct_verdict {
	CT_ACCEPT = 0,	/* passes, nothing logged */
	CT_IGNORE,	/* logged, accepted without state/window update ("ignored") */
	CT_INVALID,	/* logged (or silent), ct detached: `ct state invalid` */
};

enum reason {
#define REASON(id, code, proto, verdict) REASON_##id,
#include "reasons.def"
#undef REASON
	REASON__COUNT
};

/*
 * The numbers and names a kernel message carries.  The engine fills the
 * ones its reason uses; the log parser fills them from the named groups of
 * the matching pattern; rules_render() turns them back into text with the
 * kernel profile's wording.  Placeholders in rules/patterns templates use
 * these member names: {bound} {overshot} {index} {dir} {state} {resp_index}
 * {timeout} {outer} {inner} {type}.
 */
struct reason_args {
	uint32_t has;		/* REASON_ARG_* bits of the members that are set */
	uint32_t bound;		/* the sequence limit crossed (printed value) */
	uint32_t overshot;	/* bytes beyond td_maxend */
	int index, dir;		/* tcp index (0..5) and direction (0 orig, 1 reply) */
	int resp_index;		/* "response for index %d" */
	uint32_t timeout;	/* jiffies, "lower timeout to %u" */
	char state[16];		/* TCP state name, "ESTABLISHED" */
	char outer[48], inner[48];	/* ICMP outer/inner daddr as printed */
	int type;		/* ICMPv6 type (old "invalid new with type %d") */
};

enum {
	REASON_ARG_BOUND	= 1u << 0,
	REASON_ARG_OVERSHOT	= 1u << 1,
	REASON_ARG_INDEX	= 1u << 2,
	REASON_ARG_DIR		= 1u << 3,
	REASON_ARG_STATE	= 1u << 4,
	REASON_ARG_RESP_INDEX	= 1u << 5,
	REASON_ARG_TIMEOUT	= 1u << 6,
	REASON_ARG_OUTER	= 1u << 7,
	REASON_ARG_INNER	= 1u << 8,
	REASON_ARG_TYPE		= 1u << 9,
};

/* Stable code ("tcp.seq_over_upper_bound") of @r; "unrecognized" when out of range. */
const char *reason_code(enum reason r);
/* L4 protocol number a reason belongs to (0 for UNRECOGNIZED). */
int reason_proto(enum reason r);
/* Verdict the current kernel generation gives a packet logged with @r. */
enum ct_verdict reason_default_verdict(enum reason r);
/* Look a code up; returns 0 and sets *out, or -1 when unknown. */
int reason_from_code(const char *code, enum reason *out);
/* "invalid", "ignored" or "accept". */
const char *ct_verdict_name(enum ct_verdict v);

#endif
