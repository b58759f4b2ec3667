/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * logparse.c - one log record -> one conntrack event.  See logparse.h.
 *
 * Steps: a memchr() pre-filter for "nf_ct_" (most lines of a syslog are
 * not conntrack lines), the prefix of the line's era, the message up to the
 * blank before " IN=", the rule match, the dump.
 */
#include <stdlib.h>
#include <string.h>

#include "logparse.h"
#include "util-strparse.h"

/* Era A tags: "nf_ct_<name>: " printed by the protocol itself (<= 4.14). */
static const struct {
	const char *tag;	/* after "nf_ct_" */
	int proto;
} era_a_tags[] = {
	{ "tcp: ", 6 }, { "udp: ", 17 }, { "udplite: ", 136 }, { "icmp: ", 1 },
	{ "icmpv6: ", 58 }, { "sctp: ", 132 }, { "dccp: ", 33 },
};

/* A kernel message is at most 127 bytes (NF_LOG_PREFIXLEN); keep a margin for garbage. */
#define LOGPARSE_MESSAGE_MAX 1024

/*
 * Is there a conntrack prefix at @s ("nf_ct_" already seen there)?  Sets
 * *proto, *era and the length of the prefix.
 */
static bool
prefix_at(const char *s, const char *end, int *proto, char *era, size_t *plen)
{
	const char *p = s + 6;	/* after "nf_ct_" */

	if (sp_starts(p, end, "proto_")) {
		uint64_t n;

		p += 6;
		if (sp_dec(&p, end, 255, &n) < 0 || sp_lit(&p, end, ": ") < 0)
			return false;
		*proto = (int)n;
		*era = 'B';
		*plen = (size_t)(p - s);
		return true;
	}
	for (size_t i = 0; i < sizeof(era_a_tags) / sizeof(era_a_tags[0]); i++) {
		if (sp_starts(p, end, era_a_tags[i].tag)) {
			*proto = era_a_tags[i].proto;
			*era = 'A';
			*plen = 6 + strlen(era_a_tags[i].tag);
			return true;
		}
	}
	return false;
}

/*
 * The first conntrack prefix in [@s, @end): its "nf_ct_" (and *proto, *era,
 * *plen), or NULL.  Most log lines carry no '_' at all, so the scan goes
 * from '_' to '_' with memchr() and looks back for "nf" and on for "ct_".
 */
static const char *
find_prefix(const char *s, const char *end, int *proto, char *era, size_t *plen)
{
	const char *u;

	if (end - s < 6)
		return NULL;
	u = s + 2;	/* the first '_' of "nf_ct_" is at offset 2 */
	while (u < end && (u = memchr(u, '_', (size_t)(end - u))) != NULL) {
		const char *at = u - 2;

		if (at[0] == 'n' && at[1] == 'f' && end - u >= 4 && u[1] == 'c' && u[2] == 't' &&
		    u[3] == '_' && prefix_at(at, end, proto, era, plen))
			return at;
		u++;
	}
	return NULL;
}

bool
logparse_is_conntrack(const struct log_record *rec)
{
	size_t plen;
	int proto;
	char era;

	return rec->msg && find_prefix(rec->msg, rec->msg + rec->msg_len, &proto, &era, &plen);
}

void
log_event_release(struct log_event *ev)
{
	if (!ev)
		return;
	free(ev->path);
	free(ev->host);
	free(ev->message);
	memset(ev, 0, sizeof(*ev));
}

int
logparse_record(struct run_ctx *ctx, const struct rules *rules,
		const struct log_record *rec, struct log_event *ev)
{
	const char *msg = rec->msg, *end = rec->msg + rec->msg_len;
	const char *at, *start, *dump, *mend, *nul;
	size_t plen = 0;
	int proto = 0, rc, pcre_err = 0;
	char era = 0;

	memset(ev, 0, sizeof(*ev));
	if (!msg)
		return 0;
	at = find_prefix(msg, end, &proto, &era, &plen);
	if (!at)
		return 0;
	start = at + plen;

	/* The dump starts at "IN=" after a blank; search from the prefix's own blank. */
	dump = sp_find(start - 1, end, " IN=", 4);
	mend = dump ? (dump < start ? start : dump) : end;	/* empty message: "nf_ct_proto_6: IN=" */
	nul = memchr(start, 0, (size_t)(mend - start));
	if (nul)
		mend = nul;	/* the kernel never prints NUL: corruption ends the message */
	while (mend > start && (mend[-1] == ' ' || mend[-1] == '\t' || mend[-1] == '\n' ||
				mend[-1] == '\r'))
		mend--;
	/* SCTP's "...flag %d\n": a reader may show the newline as "\x0a" */
	if (mend - start >= 4 && memcmp(mend - 4, "\\x0a", 4) == 0)
		mend -= 4;
	if (mend - start > LOGPARSE_MESSAGE_MAX)
		mend = start + LOGPARSE_MESSAGE_MAX;

	ev->path = xstrndup(rec->path ? rec->path : "", rec->path ? strlen(rec->path) : 0);
	ev->message = xstrndup(start, (size_t)(mend - start));
	if (rec->host)
		ev->host = xstrndup(rec->host, rec->host_len);	/* a NUL inside just ends it */
	if (!ev->path || !ev->message || (rec->host && !ev->host)) {
		log_event_release(ev);
		return ctx_err(ctx, ERR_NOMEM, "%s:%llu: out of memory", rec->path ? rec->path : "log",
			       (unsigned long long)rec->line);
	}
	ev->line = rec->line;
	ev->has_mono = rec->has_mono;
	ev->mono_us = rec->mono_us;
	ev->has_wall = rec->has_wall;
	ev->wall_us = rec->wall_us;
	ev->wall_whole_s = rec->wall_whole_s;
	ev->proto = proto;

	if (dump) {
		ev->has_pkt = nflog_parse(dump + 1, (size_t)(end - dump - 1), &ev->pkt) == 0;
		if (era != 'A' && (ev->pkt.in[0] || ev->pkt.out[0]))
			era = 'C';
	}
	ev->era = era;

	rc = rules_match(rules, proto, era, ev->message, strlen(ev->message), &ev->reason,
			 &ev->args, &ev->rule_id, &pcre_err);
	if (rc < 0) {
		rc = ctx_err(ctx, ERR_INPUT, "%s:%llu: message matcher failed (PCRE2 error %d)",
			     ev->path, (unsigned long long)rec->line, pcre_err);
		log_event_release(ev);
		return rc;
	}
	if (rc == 0) {
		ev->reason = REASON_UNRECOGNIZED;
		ev->rule_id = NULL;
	}
	return 1;
}
