/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ctx.h - the run context: options, counters, the error sink and the
 * "analysis notes" that go into the report.
 *
 * There is no global mutable state in ctexplain: every stage gets a
 * struct run_ctx * and records operational errors and input notes in it.
 * Nothing below main.c prints; main.c prints ctx errors at the end.
 *
 * Error idiom (git style):
 *	return ctx_err(ctx, ERR_INPUT, "%s: record %llu: truncated", path, n);
 * records the message once, where it happens, and returns the negative code.
 */
#ifndef CTEXPLAIN_CTX_H
#define CTEXPLAIN_CTX_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Operational error codes; functions return 0 or one of these (negative). */
enum err {
	ERR_OK = 0,
	ERR_USAGE = -1,		/* bad command line */
	ERR_INPUT = -2,		/* an input file unreadable, unknown or corrupt */
	ERR_RULES = -3,		/* a rule file unreadable or invalid */
	ERR_NOMEM = -4,		/* out of memory */
	ERR_INTERNAL = -5,	/* a bug or an impossible state */
};

/* One recorded error or note. */
struct ctx_msg {
	enum err code;		/* ERR_OK for notes */
	char *text;		/* owned */
};

struct ctx_msgs {
	struct ctx_msg *v;
	size_t n, alloc;
	size_t dropped;		/* messages not kept because the cap was hit */
};

struct run_ctx {
	struct ctx_msgs errors;	/* operational errors (printed by main, exit 3/4) */
	struct ctx_msgs notes;	/* analysis notes about the input (go into the report) */
	int worst;		/* most severe enum err recorded (most negative) */
};

/* Initialise an empty context.  ctx_release() frees every message. */
void ctx_init(struct run_ctx *ctx);
void ctx_release(struct run_ctx *ctx);

/*
 * Record an operational error and return @code (negative).  The text should
 * name the file and the position ("capture.pcap: record 17: ...").  Never
 * fails: on out-of-memory the message is counted as dropped.
 */
int ctx_err(struct run_ctx *ctx, enum err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record a note about the input (a cap reached, a line cut, ...). */
void ctx_note(struct run_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Allocation wrappers: return NULL on failure (callers check). */
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrndup(const char *s, size_t n);

#endif
