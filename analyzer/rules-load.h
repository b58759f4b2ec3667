/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * rules-load.h - load rules/ (message patterns, later diagnosis rules).
 *
 * Wording lives in data, meaning lives in code.  Each file in
 * rules/patterns/ (*.json, loaded with jansson, unknown keys rejected) lists
 * message rules:
 *
 *   { "id": "tcp-seq-over-ub-6.1",          stable rule id, unique
 *     "reason": "tcp.seq_over_upper_bound", a code from reasons.def
 *     "proto": 6,                           L4 protocol of the prefix
 *     "kernels": "6.1-",                    kernel range this wording belongs to
 *     "era": "BC",                          prefix era(s): A (nf_ct_tcp: ...), B, C (nf_ct_proto_N:)
 *     "text": "SEQ is over upper bound {bound} (over the window of the receiver)",
 *     "verdict": "invalid" }                verdict on those kernels (invalid|ignored)
 *
 * "text" is the message exactly as the kernel prints it (after the prefix,
 * before the packet dump), with {placeholders} named after struct
 * reason_args members.  The PCRE2 pattern is derived from it (literal text
 * escaped, each placeholder a named group of the right shape) unless the rule
 * gives an explicit "pattern".  The same template renders the engine's
 * message (rules_render), so the wording is written once.
 *
 * Errors name the file and the rule: "rules/patterns/tcp.json: rule
 * 'tcp-seq-over-ub-6.1': unknown reason 'tcp.foo'" (exit status 3).
 */
#ifndef CTEXPLAIN_RULES_LOAD_H
#define CTEXPLAIN_RULES_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"
#include "reasons.h"

struct rules;

/*
 * Load every *.json under @dirs[0..n-1]/patterns (in order; a rule id
 * defined again in a later directory overrides the earlier one).  Returns 0
 * and *out, or a negative enum err recorded in ctx.
 */
int rules_load(struct run_ctx *ctx, const char *const *dirs, size_t n, struct rules **out);
void rules_free(struct rules *r);

size_t rules_count(const struct rules *r);

/*
 * Render the message the kernel of @profile (e.g. "6.18") prints for @reason
 * with @args into @buf (NUL-terminated, cut at @size).  Returns the length,
 * or -1 when no rule of that profile covers @reason.
 */
int rules_render(const struct rules *r, const char *profile, enum reason reason,
		 const struct reason_args *args, char *buf, size_t size);

/*
 * Verdict a kernel of @profile gives a packet logged with @reason (from the
 * rule's "verdict"; reason_default_verdict() when no rule says).
 */
enum ct_verdict rules_verdict(const struct rules *r, const char *profile, enum reason reason);

#endif
