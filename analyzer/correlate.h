/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * correlate.h - pair each log event with the captured packet it describes.
 *
 * Field equality first: events are indexed by the flow tuple of their
 * nf_log dump (family, SRC, DST, PROTO, SPT, DPT) in a hash table; every
 * decoded packet of every capture is looked up and compared on the other
 * fields the dump carries (IP LEN, IPv4 ID or IPv6 FLOWLBL, TCP SEQ, ACK,
 * WINDOW and flags, UDP LEN, ICMP type/code/id/seq, the addresses, protocol
 * and ports of the packet an ICMP error quotes).  TTL / HOPLIMIT is not
 * required to be equal (a capture taken one hop away sees it off by one or
 * more); a candidate whose TTL differs is kept and said so.
 *
 * Time second: after all captures, the offset between each log file's clock
 * (per boot, when the boot of each event is known)
 * (kernel monotonic time when the file has it, else wall time) and the
 * capture clock is estimated as the median of (packet time - event time)
 * over the events that have exactly one candidate.  An event with several
 * candidates takes the one nearest in time (candidates within the clock's
 * tolerance of the best are a tie: 3 median absolute deviations of the pair
 * differences, and at least 1 s when the log's wall stamps have whole
 * seconds only: dmesg -T, syslog, journalctl short); a tie is broken by
 * engine agreement (the packets the engine flagged with the event's reason
 * and the logged text, else with its reason, win over the others), then by
 * the TTL (a copy captured on another hop has another TTL), then by log
 * order = capture order: when the identical lines that follow (same clock,
 * message and IN/OUT, undecided, sharing a candidate) are enough to use up
 * the tied packets, the event takes the earliest and the next lines the
 * next ones; if still undecided the event is reported as ambiguous.
 * One packet, one event: the kernel logs a packet once per message, so
 * among the events of one clock with the same reason (and IN/OUT; message
 * text when unrecognized), a packet taken by one event (exact pairs first,
 * then in log order) is not offered to the others by time while they have
 * another candidate; many identical datagrams (IPv6 has no IP ID) then go
 * to distinct events.
 *
 * Memory does not grow with capture size: packets are not kept, only the
 * candidates (a small copy per packet that matched an event's fields),
 * capped per event and in total, with the caps reported as notes.  Over
 * the per-event cap, the candidates the engine agrees with best are kept,
 * and among those the ones nearest to where a provisional offset (the
 * median of the pairs so far) puts the event's packet.  When every packet
 * the engine flagged best was kept, the steps after time still apply.
 */
#ifndef CTEXPLAIN_CORRELATE_H
#define CTEXPLAIN_CORRELATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ct.h"
#include "ctx.h"
#include "decode.h"
#include "logparse.h"

#define CORR_CAND_PER_EVENT 8
#define CORR_CAND_MAX 200000u

/* What the engine said about a candidate packet (copied, owned). */
struct corr_detail {
	enum ct_verdict verdict;	/* the packet's fate */
	uint8_t n_msgs;
	struct ct_msg msgs[CT_MAX_MSGS];
	char *text[CT_MAX_MSGS];	/* rendered kernel text of msgs[i], or NULL */
	char *check;			/* res.check, or NULL when empty */
	uint8_t failed;			/* CT_BOUND_* bits */
	int dir;			/* 0 original, 1 reply, -1 none */
	uint8_t tcp_index;
	struct ct_tcp_snapshot before;	/* TCP state before the packet */
	const char *silent;		/* static string from the engine, or NULL */
	struct ct_facts *facts;		/* owned copy of res->facts for the diagnosis, or NULL */
	uint32_t refs;			/* candidates (of several events) sharing this copy */
};

/* A packet whose fields match an event. */
struct corr_cand {
	uint32_t file_id;	/* capture number (caller's numbering) */
	uint64_t index;		/* record index in that capture */
	int64_t ts_us;		/* capture time, microseconds since the epoch */
	uint32_t ts_nsec;	/* nanoseconds part of the capture time */
	bool ttl_differs;	/* TTL/HOPLIMIT not the logged one */
	uint8_t agree;		/* 2: the engine flagged it with the event's reason and
				 * text, 1: with its reason only, 0: not so */
	struct corr_detail *detail;	/* owned, shared with other events' candidates of the packet */
};

enum corr_how {
	CORR_NONE = 0,		/* no match (see corr_result.why) */
	CORR_EXACT,		/* exactly one packet with these fields */
	CORR_TIME,		/* nearest in time after the clock offset */
	CORR_TTL,		/* the only candidate (near in time) with the logged TTL */
	CORR_ENGINE,		/* the only candidate the engine flagged with this reason */
};

/* The outcome for one event. */
struct corr_result {
	enum corr_how how;
	const struct corr_cand *cand;	/* chosen candidate (borrowed), NULL when none */
	uint32_t candidates;		/* packets with the event's fields (all seen, not only kept) */
	char why[64];			/* for CORR_NONE: "no packet with these fields", "3 candidates" */
};

/* Clock offset of one log file (and boot, when the log spans several). */
struct corr_clock {
	const char *path;	/* borrowed from the events */
	const char *boot_id;	/* borrowed (corr_new_boots), or NULL */
	bool mono;		/* kernel monotonic time (else wall time) */
	bool known;		/* an offset was estimated */
	int64_t offset_us;	/* capture time - log time (median) */
	uint64_t pairs;		/* unambiguous pairs used */
	int64_t spread_us;	/* max - min of the pair differences */
	int64_t tolerance_us;	/* candidates nearer than this to the best are a tie */
};

struct corr;

/*
 * New correlator over @events[0..n-1] (borrowed; must outlive the
 * correlator and not move).  NULL on out-of-memory.
 */
struct corr *corr_new(const struct log_event *events, size_t n);

/*
 * The same, with the boot each event was logged in (@boot_ids[i], a string
 * such as the journal's _BOOT_ID, or NULL when unknown; borrowed, must
 * outlive the correlator).  Kernel time restarts at every boot, so each
 * (log file, boot) pair gets its own clock offset.
 */
struct corr *corr_new_boots(const struct log_event *events, size_t n,
			    const char *const *boot_ids);

/*
 * Offer one packet that went through the engine (after defragmentation)
 * with its result and the rendered text of each res->msgs[i] (@texts may
 * hold NULLs).  Cheap when no event has the packet's tuple.  Returns 0, or
 * ERR_NOMEM.  Caps are counted, not errors.
 */
int corr_offer(struct corr *c, const struct pkt *pkt, const struct ct_result *res,
	       const char *const *texts);

/* Decide every event after the last packet.  Idempotent.  0 or ERR_NOMEM. */
int corr_finish(struct corr *c);

/* Outcome of event number @i (index into the events array). */
const struct corr_result *corr_result(const struct corr *c, size_t i);

/* Per log file clock offsets, in order of first appearance among the events. */
size_t corr_clocks(const struct corr *c, const struct corr_clock **out);

/* Candidates not kept because of the caps (per event or in total). */
uint64_t corr_dropped(const struct corr *c);

void corr_free(struct corr *c);

/*
 * Capture time in microseconds since the epoch, saturated to +-2^53 us
 * (285 years) so that hostile timestamps (a pcapng with a huge tick count)
 * cannot overflow time arithmetic.
 */
int64_t corr_ts_us(int64_t sec, uint32_t nsec);

/*
 * Do the fields of a log event's dump match this packet?  Returns 1 (and
 * *ttl_differs) or 0.  Exposed for unit tests.
 */
int corr_fields_match(const struct nflog_pkt *lp, const struct pkt *pkt, bool *ttl_differs);

#endif
