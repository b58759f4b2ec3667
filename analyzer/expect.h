/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * expect.h - --expect: compare a run with an expected JSON report.
 *
 * The regression check users run against their sample captures: the run's
 * own JSON report (report_json_write, the contract in DESIGN.md) is
 * compared with an expected one, field by field, on what a regression is
 * made of:
 *   - events, paired by source (path, line): rule, message, match
 *     (path#index and how, or none), verdict.agrees/logged/engine,
 *     explanation.cause;
 *   - flagged packets, paired by (capture path, index, rule): verdict,
 *     message, cause, the event they are linked to; one missing or extra
 *     is a difference;
 *   - packets conntrack marks INVALID silently, paired by (path, index): why,
 *     cause;
 *   - summary counts (maps such as by_cause compared key by key, a missing
 *     key counting 0), the kernel profile and the sysctl values (they
 *     explain verdict changes).
 * Tool version, times, absolute paths and anything else are ignored.  Paths
 * are compared relative to each report's bundle root (the longest common
 * directory of its inputs), so a report made from "samples/x" compares
 * equal to a run on "/home/u/samples/x".  A field absent from the expected
 * report is not compared (reports made before a field was added stay
 * valid); a field the expected report has and the run lacks is a
 * difference.
 *
 * Differences are kept as one line of text each, naming the event
 * ("kern.log:17 (event 3)") or packet ("capture.pcap#12 tcp.x"), the field,
 * the expected and the actual value (JSON-quoted: log text cannot drive a
 * terminal), in key order: deterministic.
 */
#ifndef CTEXPLAIN_EXPECT_H
#define CTEXPLAIN_EXPECT_H

#include <stddef.h>

#include <jansson.h>

#include "ctx.h"
#include "report.h"

/* Difference lines kept; the rest are counted in expect_diffs.total. */
#define EXPECT_DIFFS_MAX 100u

struct expect_diffs {
	char **v;		/* owned lines, no trailing newline */
	size_t n, alloc;
	size_t total;		/* differences found, kept or not */
};

void expect_diffs_init(struct expect_diffs *d);
/* Free the lines; @d is empty and reusable afterwards. */
void expect_diffs_release(struct expect_diffs *d);

/*
 * Load an expected report from @path and check its shape (a "ctexplain/N"
 * object with events and flagged_packets arrays and a summary object).
 * Returns 0 with *@want owned by the caller (json_decref), or ERR_INPUT
 * (unreadable, not JSON, not a report: recorded in @ctx with the file and
 * position) or ERR_NOMEM.
 */
int expect_load(struct run_ctx *ctx, const char *path, json_t **want);

/*
 * Compare @got (a report as report_json_write prints it) with @want.
 * Appends the differences to @d.  Returns 0, or ERR_NOMEM (the comparison
 * is then incomplete).
 */
int expect_compare(const json_t *want, const json_t *got, struct expect_diffs *d);

/*
 * The --expect step for main.c: render @r as JSON in memory, load @path,
 * compare.  Returns 0 (d->total tells whether anything differs), ERR_INPUT
 * or ERR_NOMEM (recorded in @ctx).
 */
int expect_report(struct run_ctx *ctx, const char *path, const struct report *r,
		  struct expect_diffs *d);

#endif
