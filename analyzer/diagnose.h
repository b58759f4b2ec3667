/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * diagnose.h - from a failed check plus its flow's history to a cause a
 * person can act on.
 *
 * The engine (ct.c) keeps a bounded history per flow and, for every packet
 * it flags, hands out a struct ct_facts: the packet's own header view, what
 * the flow saw before it (handshake, window scale offered by each side,
 * packets and highest sequence/ack per direction, FIN/RST, checksum tallies)
 * and a short timeline.  diag_facts_eval() turns that into named facts
 * ("flow.handshake_seen", "peer.wscale_offered", "ack.beyond_seen", ...).
 *
 * Wording and the mapping facts -> cause live in data: rules/diagnosis/
 * *.json (loaded like rules/patterns, see diag_rules_load() for the format),
 * tried in order, the first rule whose every predicate holds wins.  The C
 * code only computes facts from packets; a rule can look at the reason code
 * but no rule may name a cause from the reason alone (the loader rejects a
 * rule whose predicates are all about "reason"/"verdict"/"proto", except
 * for the catch-all "unknown").
 *
 * Ownership: a struct diagnosis is heap-allocated by diag_run() and owns
 * every string and array it points to, except the static strings noted
 * (confidence, consequence and remedy texts borrow the loaded rules, which
 * must outlive it).  diag_free(NULL) is a no-op.
 */
#ifndef CTEXPLAIN_DIAGNOSE_H
#define CTEXPLAIN_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ct.h"
#include "ctx.h"
#include "logparse.h"
#include "reasons.h"

/* Cause codes, stable in the JSON report (events[].explanation.cause). */
#define DIAG_CAUSES(X) \
	X(UNKNOWN,              "unknown") \
	X(MIDSTREAM_PICKUP,     "midstream_pickup") \
	X(WSCALE_MISMATCH,      "wscale_mismatch") \
	X(ASYMMETRIC_ROUTE,     "asymmetric_route") \
	X(UNSEEN_DATA_ACKED,    "unseen_data_acked") \
	X(STALE_RETRANSMISSION, "stale_retransmission") \
	X(AFTER_CLOSE,          "after_close") \
	X(PORT_REUSE,           "port_reuse") \
	X(CHECKSUM_OFFLOAD,     "checksum_offload") \
	X(CHECKSUM_CORRUPT,     "checksum_corrupt") \
	X(KEEPALIVE_PROBE,      "keepalive_probe") \
	X(ZERO_WINDOW_PROBE,    "zero_window_probe") \
	X(WINDOW_OVERRUN,       "window_overrun") \
	X(FRAGMENTATION,        "fragmentation") \
	X(FLAG_SCAN,            "flag_scan") \
	X(MALFORMED_HEADER,     "malformed_header")

enum cause {
#define DIAG_CAUSE_ENUM(id, code) CAUSE_##id,
	DIAG_CAUSES(DIAG_CAUSE_ENUM)
#undef DIAG_CAUSE_ENUM
	CAUSE_MAX
};

/* "midstream_pickup" ...; "unknown" for out-of-range values. */
const char *cause_code(enum cause c);

/* Code -> enum.  Returns 0 and *out, or -1 for an unknown code. */
int cause_from_code(const char *code, enum cause *out);

/* One packet of the flow around the event (oldest first). */
struct diag_step {
	const char *path;	/* capture path (borrowed from the report inputs) */
	uint64_t index;		/* record index in that capture */
	int64_t ts_sec;
	uint32_t ts_nsec;
	const char *dir;	/* "original" or "reply" (static) */
	char flags[40];		/* "SYN ACK" (TCP), "" otherwise */
	uint32_t seq, ack;	/* TCP only */
	uint16_t win;		/* raw window field (TCP) */
	uint32_t len;		/* payload bytes */
	const char *state;	/* TCP state after the packet ("ESTABLISHED"), "" otherwise (static) */
	const char *verdict;	/* "accepted", "invalid", "ignored" (static) */
	bool flagged;		/* the packet the diagnosis is about */
	char note[96];		/* reason code of its first message, "", or e.g. "SYN offers wscale 7" */
};

struct diag_remedy {
	const char *name;	/* "nf_conntrack_tcp_be_liberal" (borrowed from the rules) */
	const char *text;	/* what to do */
	const char *tradeoff;	/* what it costs */
};

struct diagnosis {
	enum cause cause;
	const char *rule;		/* id of the diagnosis rule that matched (borrowed) */
	const char *confidence;		/* "high" | "medium" | "low" (borrowed) */
	char *sentence;			/* the cause in one sentence, with numbers (owned) */
	char **evidence;		/* facts, with numbers (owned strings) */
	size_t n_evidence;
	const char *consequence;	/* what it does to traffic (borrowed) */
	struct diag_remedy *remedies;	/* owned array, strings borrowed */
	size_t n_remedies;
	struct diag_step *timeline;	/* owned; empty when no packet */
	size_t n_timeline;
};

void diag_free(struct diagnosis *d);

/* Deep copy (borrowed strings stay borrowed).  NULL on out-of-memory. */
struct diagnosis *diag_dup(const struct diagnosis *d);

/* What the diagnosis looks at for one flagged packet or one log event. */
struct diag_input {
	enum reason reason;		/* the reason of the message (flagged or logged) */
	enum ct_verdict verdict;	/* what the kernel did (invalid / ignored) */
	uint8_t proto;
	const struct ct_facts *facts;	/* engine facts of the packet, NULL when none */
	const char *path;		/* capture of the packet (timeline), or NULL */
	const char *check;		/* the failed inequality in words, or NULL */
	uint8_t failed;			/* CT_BOUND_* bits */
	const struct log_event *ev;	/* the log event, or NULL (flagged packet only) */
	uint64_t index;			/* the packet's record index (when facts) */
	int64_t ts_sec;			/* and capture time */
	uint32_t ts_nsec;
	const char *match_why;		/* event without packet: why none matched, or NULL */
	const char *silent;		/* INVALID without a log line: the engine's why, or NULL */
	const uint32_t *final_pkts;	/* packets per direction over the flow's whole life
					 * ([0] original, [1] reply), or NULL when not known */
	int peer_rejected;		/* cause of the last INVALID packet the other side sent
					 * in this flow (enum cause), -1 none/not known */
};

struct diag_rules;

/*
 * Load every *.json under @dirs[i]/diagnosis (in order; a rule id defined
 * again in a later directory replaces the earlier one in place, a new id is
 * appended).  Errors name the file and the rule ("rules/diagnosis/x.json:
 * rule 'foo': unknown fact 'flow.bar'"), are recorded in @ctx as ERR_RULES
 * (exit status 3) and return a negative enum err.  A directory without a
 * diagnosis/ subdirectory is fine.
 */
int diag_rules_load(struct run_ctx *ctx, const char *const *dirs, size_t n,
		    struct diag_rules **out);
void diag_rules_free(struct diag_rules *r);
size_t diag_rules_count(const struct diag_rules *r);

/*
 * Diagnose one input: the first rule whose predicates all hold gives the
 * cause; with no rules or no match, CAUSE_UNKNOWN with the facts as
 * evidence.  @r may be NULL.  Returns the cause only (cheap, no allocation)
 * when @out is NULL; else also *out (heap, diag_free()).  Returns the cause,
 * or -1 on out-of-memory (only possible with @out).
 */
int diag_run(const struct diag_rules *r, const struct diag_input *in, struct diagnosis **out);

#endif
