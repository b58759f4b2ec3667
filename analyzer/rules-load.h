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
#include <stdint.h>

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
 * with @args into @buf (NUL-terminated, cut at @size).  Returns the length
 * written (without the NUL), or -1 when no rule of that profile covers
 * @reason, when @args lacks a value the template needs, or when the
 * template has anonymous placeholders ({int}, {hex}).
 */
int rules_render(const struct rules *r, const char *profile, enum reason reason,
		 const struct reason_args *args, char *buf, size_t size);

/*
 * Verdict a kernel of @profile gives a packet logged with @reason (from the
 * rule's "verdict"; reason_default_verdict() when no rule says).
 */
enum ct_verdict rules_verdict(const struct rules *r, const char *profile, enum reason reason);

/*
 * Match @msg (@len bytes, the message without prefix and dump, trailing
 * blanks trimmed) against the rules of L4 protocol @proto whose era fits
 * @era ('A' matches rules listing A; 'B' and 'C' match rules listing B or C:
 * the wording depends on the kernel version, not on the IN= device).  Rules
 * are tried in load order; the first match wins (where one wording belongs
 * to several kernel ranges the newest rule is listed first, so its id is
 * the one reported).  Returns 1 and sets
 * *reason, *args (named groups, bounded-parsed; a value that does not fit
 * stays unset) and *rule_id (borrowed from @r), 0 when no rule matches, or
 * -1 when PCRE2 failed on some rule (resource limit, ...) and none matched;
 * *pcre_err then holds the PCRE2 error code.  Match errors are counted
 * (rules_match_errors()).  Not thread-safe: @r holds the match data.
 */
int rules_match(const struct rules *r, int proto, char era, const char *msg, size_t len,
		enum reason *reason, struct reason_args *args, const char **rule_id,
		int *pcre_err);

/*
 * The *.json files of @base/@sub (dot files skipped), as "base/sub/name"
 * paths sorted in byte order, in *out (heap; rules_dir_files_free()).  A
 * missing directory is an error unless @optional.  Returns 0 or a negative
 * enum err recorded in @ctx (ERR_RULES, ERR_NOMEM).  Shared by the pattern
 * and the diagnosis rule loaders.
 */
int rules_dir_files(struct run_ctx *ctx, const char *base, const char *sub, bool optional,
		    char ***out, size_t *n);
void rules_dir_files_free(char **names, size_t n);

/* A read-only view of one loaded rule (for listings and tests). */
struct rule_info {
	const char *id, *path, *text;	/* text: the template, trailing blanks dropped */
	enum reason reason;
	int proto;
	char era[4];			/* "A", "BC", ... */
	uint32_t kmin, kmax;		/* rules_parse_kernel() numbers, inclusive */
	enum ct_verdict verdict;
	bool renderable;		/* no anonymous placeholders */
};

/* Rule @i (load order, 0 .. rules_count()-1): 0 and *out, or -1. */
int rules_get(const struct rules *r, size_t i, struct rule_info *out);

/* PCRE2 errors (other than "no match") seen by rules_match() so far. */
uint64_t rules_match_errors(const struct rules *r);

/*
 * Parse a kernel version "6.18", "6.18.44" (anything after the numbers,
 * e.g. "-amd64", is ignored) into a comparable number.  Returns 0 or -1.
 */
int rules_parse_kernel(const char *s, uint32_t *out);

/*
 * Rule file format (the final schema):
 *
 *   { "rules": [ RULE, ... ] }
 *
 *   RULE = { "id": string, unique within a directory,
 *            "reason": code from reasons.def (its proto must equal "proto"),
 *            "proto": integer L4 protocol,
 *            "kernels": "A-B" | "A-" | "-B" | "A" (versions major.minor[.patch],
 *                       compared numerically; an end without patch covers
 *                       every patch release),
 *            "era": non-empty subset of "ABC",
 *            "text": template; trailing blanks are dropped (the kernel
 *                    literal may end in a blank, the logged message never
 *                    does); {name} placeholders: bound overshot timeout
 *                    (u32), index dir resp_index type (int), state
 *                    ([A-Z0-9_]), outer inner (address text), and the
 *                    anonymous {int} / {hex} (matched, not captured: a
 *                    template using them cannot be rendered),
 *            "verdict": "invalid" | "ignored",
 *            "pattern": optional explicit PCRE2 pattern (anchored at both
 *                       ends; named groups must be placeholder names),
 *            "note": optional free text }
 */

#endif
