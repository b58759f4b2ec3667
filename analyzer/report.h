/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * report.h - the neutral, sorted report model and its writers.
 *
 * main.c fills a struct report while the pipeline runs (inputs, flagged
 * packets) and calls report_finish() once with the events and the
 * correlator: that is where every derived value (match, verdict agreement,
 * explanation summary, flagged <-> event links, summary counts) is computed
 * and where arrays are put in their final order.  The writers
 * (report_json_write, report_text_write, report_md_write) only serialise; they compute
 * nothing (Suricata's output modules).
 *
 * Determinism: nothing here reads the clock or the environment; events keep
 * their id order, flagged packets are sorted by (path, index, message),
 * silent INVALID packets by (path, index).
 *
 * Ownership: the report owns the strings it copied (input paths, flagged
 * messages, summaries); it borrows the events, the correlator, the rules
 * and the run context given to report_finish(), which must outlive it.
 */
#ifndef CTEXPLAIN_REPORT_H
#define CTEXPLAIN_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "correlate.h"
#include "ct-policy.h"
#include "ctx.h"
#include "diagnose.h"
#include "logparse.h"
#include "reasons.h"
#include "rules-load.h"

/* Flagged packets kept at most (the rest are counted, with a note). */
#define REPORT_FLAGGED_MAX 1000000u

struct report_input {
	char *path;		/* owned */
	const char *kind;	/* "log", "capture", "sysctl" (static) */
	const char *format;	/* "dmesg", "pcapng", ... (static) */
	uint64_t records;
};

struct report_flagged {
	uint32_t file_id;	/* capture number; path = inputs of that capture */
	const char *path;	/* borrowed from inputs */
	uint64_t index;
	int64_t ts_sec;
	uint32_t ts_nsec;
	uint8_t proto;
	enum ct_verdict verdict;	/* "invalid" / "ignored" */
	enum reason reason;
	char *message;		/* owned; NULL when no rule renders it */
	int64_t event;		/* id of the event matched to it with the same reason, -1 none */
	enum cause cause;	/* diagnosis (always set after report_finish()) */
	struct diagnosis *diag;	/* owned; full diagnosis for the first REPORT_DIAG_MAX
				 * flagged packets, NULL beyond (counted in stats.diag_dropped) */
	/* kept until report_finish() diagnoses the packet (first REPORT_DIAG_MAX only) */
	bool pending;
	uint8_t failed;
	struct ct_facts *facts;	/* owned, NULL when the engine gave none */
	char *check;		/* owned, or NULL */
};

/*
 * Full diagnoses (with timelines) kept for flagged packets at most.  These are
 * made in report_finish(), knowing the flow's later packets and the causes of
 * earlier INVALID packets of the flow; beyond the cap a flagged packet gets
 * its cause when it is added, from what the flow showed up to then.
 */
#define REPORT_DIAG_MAX 10000u

/* A packet the engine finds INVALID without any log line (static reason). */
struct report_silent {
	uint32_t file_id;
	const char *path;	/* borrowed from inputs */
	uint64_t index;
	int64_t ts_sec;
	uint32_t ts_nsec;
	uint8_t proto;
	const char *why;	/* static string from the engine */
	enum cause cause;	/* diagnosis (report_add_silent_res; "unknown" otherwise) */
};

/* Silent INVALID packets listed at most. */
#define REPORT_SILENT_MAX 100000u

struct report_event {
	const struct log_event *ev;	/* borrowed */
	const struct corr_result *cr;	/* borrowed; NULL when no correlator ran */
	const char *match_path;		/* capture path of cr->cand */
	const char *engine_msg;		/* engine text for this reason on the matched packet, or NULL */
	const struct ct_msg *engine_args;	/* that message's numbers, or NULL */
	enum ct_verdict engine_verdict;	/* fate of the matched packet in the engine */
	bool agrees;			/* engine_msg equals the logged message */
	enum ct_verdict logged_verdict;	/* what the kernel did after logging this reason */
	const char *logged_name;	/* "invalid", "ignored", or "unknown" (no rule knew the line) */
	char *summary;			/* owned */
	struct diagnosis *diag;		/* owned, never NULL after report_finish(): the cause,
					 * evidence, consequence, remedies and timeline
					 * (cause "unknown" with the dump's facts when no packet) */
};

/* Counters shown in the report (besides the summary). */
struct report_stats {
	uint64_t log_records;		/* records read from logs */
	uint64_t log_non_conntrack;	/* records without a conntrack message */
	uint64_t log_lines_cut;		/* lines cut at the line length cap */
	uint64_t events_dropped;	/* conntrack events beyond the cap */
	uint64_t packets;		/* capture records read */
	uint64_t packets_non_ip;	/* records without an IP view */
	uint64_t packets_tracked;	/* packets run through the engine */
	uint64_t packets_invalid;	/* engine verdict INVALID (logged or not) */
	uint64_t packets_invalid_silent;	/* INVALID without a log line (res.silent) */
	uint64_t packets_ignored;	/* engine verdict IGNORE */
	uint64_t fragments_held;	/* fragments queued by defrag */
	uint64_t fragments_dropped;	/* fragments the kernel would drop */
	uint64_t flagged_dropped;	/* flagged packets beyond the cap */
	uint64_t silent_dropped;	/* silent INVALID packets beyond the cap */
	uint64_t candidates_dropped;	/* correlator candidates beyond its caps */
	uint64_t diag_dropped;		/* flagged packets diagnosed without a kept timeline */
};

/* What a flow with a flagged packet saw over its whole life (report_flow_end). */
struct report_flow_end {
	uint32_t file_id;
	uint64_t flow_id;
	uint32_t pkts[2];
};

/* Count of one reason code among events and flagged packets. */
struct report_reason_count {
	enum reason reason;
	uint64_t events, flagged;
};

struct report_summary {
	uint64_t events, matched, agree, flagged, unlogged;
	/* by cause: events, and flagged packets (all of them, also those beyond
	 * REPORT_FLAGGED_MAX that are counted but not listed) */
	uint64_t cause_events[CAUSE_MAX], cause_flagged[CAUSE_MAX];
	uint64_t cause_silent[CAUSE_MAX];	/* silent INVALID packets (all, also beyond the cap) */
	/* by reason: after report_finish(), by_reason[0..n_by_reason-1] holds the
	 * reasons that occur (in events or flagged packets), in reasons.def order */
	struct report_reason_count by_reason[REASON__COUNT];
	size_t n_by_reason;
};

struct report {
	const char *version;		/* tool version */
	struct ct_policy policy;	/* copy */
	struct report_input *inputs;
	size_t n_inputs, alloc_inputs;
	const char **capture_paths;	/* file_id -> path (borrowed from inputs) */
	size_t n_captures, alloc_captures;
	struct report_event *events;
	size_t n_events;
	struct report_flagged *flagged;
	size_t n_flagged, alloc_flagged;
	struct report_silent *silent;	/* sorted by report_finish() */
	size_t n_silent, alloc_silent;
	const struct corr_clock *clocks;	/* borrowed from the correlator */
	size_t n_clocks;
	struct report_stats stats;
	struct report_summary summary;
	const struct run_ctx *ctx;	/* notes and errors (borrowed) */
	const struct diag_rules *drules;	/* borrowed (report_set_diag_rules), may be NULL */
	struct report_flow_end *flow_ends;	/* flows with flagged packets, as they ended */
	size_t n_flow_ends, alloc_flow_ends;
};

void report_init(struct report *r, const char *version, const struct ct_policy *pol);
void report_release(struct report *r);

/* Add an input; returns 0 or ERR_NOMEM.  @kind and @format must be static. */
int report_add_input(struct report *r, const char *path, const char *kind,
		     const char *format, uint64_t records);

/* Update the record count of the last input added. */
void report_set_records(struct report *r, uint64_t records);

/*
 * Register a capture (call once per capture, in order) and get its file_id.
 * @path must be the path of an input already added (borrowed).
 */
int report_add_capture(struct report *r, const char *path, uint32_t *file_id);

/* Diagnosis rules used by report_add_flagged() and report_finish() (borrowed,
 * must outlive the report; NULL: every cause "unknown").  Call before the
 * first report_add_flagged(). */
void report_set_diag_rules(struct report *r, const struct diag_rules *drules);

/*
 * Add a flagged packet (one kernel log line the engine predicts).  Returns
 * 0, 1 when the cap was reached (counted in stats.flagged_dropped), or
 * ERR_NOMEM.  @message is copied (may be NULL).  Cause "unknown": use
 * report_add_flagged_res() to diagnose it.
 */
int report_add_flagged(struct report *r, const struct pkt *pkt, const struct ct_msg *msg,
		       enum ct_verdict verdict, const char *message);

/*
 * The same, diagnosing the packet from the engine's result @res (its facts
 * and check; @res may be NULL: cause "unknown").
 */
int report_add_flagged_res(struct report *r, const struct pkt *pkt, const struct ct_msg *msg,
			   enum ct_verdict verdict, const char *message,
			   const struct ct_result *res);

/*
 * Add a packet the engine marks INVALID without a log line (@why static).
 * Returns 0, 1 when the cap was reached (counted), or ERR_NOMEM.
 */
int report_add_silent(struct report *r, const struct pkt *pkt, const char *why);

/*
 * Record the end of a flow of capture @file_id that had flagged packets
 * (ct_engine_set_flow_end): flagged packets are diagnosed in report_finish()
 * knowing what the flow saw after them (e.g. one direction never seen at all).
 * Returns 0 or ERR_NOMEM.
 */
int report_flow_end(struct report *r, uint32_t file_id, const struct ct_flow_end *fe);

/* The same, diagnosing the packet from the engine's result @res (may be NULL). */
int report_add_silent_res(struct report *r, const struct pkt *pkt, const char *why,
			  const struct ct_result *res);

/*
 * Compute everything derived and sort: events[0..n-1] (ids 0..n-1 in order,
 * borrowed), the correlator's results (@c may be NULL), the rules to tell
 * the logged verdict (@rules may be NULL), notes and errors from @ctx.
 * Returns 0 or ERR_NOMEM.
 */
int report_finish(struct report *r, const struct log_event *events, size_t n,
		  const struct corr *c, const struct rules *rules, const struct run_ctx *ctx);

/* Writers.  Return 0, or -1 on a write error (errno set). */
int report_json_write(const struct report *r, FILE *out);
int report_text_write(const struct report *r, FILE *out);
int report_md_write(const struct report *r, FILE *out);

/* Helpers shared by the writers (formatting only). */

/* "2026-11-26T15:08:26.101320Z" from microseconds since the epoch; buf >= 32. */
void report_fmt_wall(int64_t us, char *buf, size_t size);
/* Address as inet_ntop prints it; buf >= 46. */
void report_fmt_addr(uint8_t family, const struct ip_addr *a, char *buf, size_t size);
/* nf_log flag words of a TCP flag byte: "ACK PSH"; buf >= 40. */
void report_fmt_tcp_flags(uint8_t flags, bool ae, char *buf, size_t size);
/* "match.how" word of a correlation outcome. */
const char *report_how_name(enum corr_how how);

#endif
