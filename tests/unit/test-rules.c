/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-rules.c - the shipped rules/ directory and the rule loader: coverage
 * of reasons.def for the current kernel, render -> match round trips,
 * per-kernel verdicts and wordings, and broken rule files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "ctx.h"
#include "rules-load.h"
#include "tap.h"

static char rules_dir[4096];
static char data_dir[4096];

static void
init_paths(void)
{
	tap_paths(rules_dir, sizeof(rules_dir), data_dir, sizeof(data_dir));
}

/* Old-only reasons: no message on the current kernel. */
static bool
old_only(enum reason r)
{
	return r == REASON_TCP_SHORT || r == REASON_TCP_WINDOW_BUG ||
	       r == REASON_ICMPV6_INVALID_NEW_TYPE;
}

static void
sample_args(int proto, struct reason_args *a)
{
	memset(a, 0, sizeof(*a));
	a->has = REASON_ARG_BOUND | REASON_ARG_OVERSHOT | REASON_ARG_INDEX | REASON_ARG_DIR |
		 REASON_ARG_STATE | REASON_ARG_RESP_INDEX | REASON_ARG_TIMEOUT |
		 REASON_ARG_OUTER | REASON_ARG_INNER | REASON_ARG_TYPE;
	a->bound = 2838218017u;
	a->overshot = 4294967295u;
	a->index = 3;
	a->dir = 1;
	a->resp_index = 5;
	a->timeout = 30000;
	snprintf(a->state, sizeof(a->state), "SYN_SENT2");
	if (proto == 58) {
		snprintf(a->outer, sizeof(a->outer), "2001:0db8:0000:0000:0000:0000:0000:0001");
		snprintf(a->inner, sizeof(a->inner), "2001:0db8:0000:0000:0000:0000:0000:0002");
	} else {
		snprintf(a->outer, sizeof(a->outer), "192.0.2.1");
		snprintf(a->inner, sizeof(a->inner), "198.51.100.7");
	}
	a->type = -7;
}

static void
kv_string(uint32_t kv, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u", kv / 1000000u, kv / 1000u % 1000u, kv % 1000u);
}

/* Does every set arg of @want that the template uses come back equal? */
static bool
args_equal(const struct reason_args *want, const struct reason_args *got, uint32_t used)
{
	if ((got->has & used) != used)
		return false;
	if ((used & REASON_ARG_BOUND) && got->bound != want->bound)
		return false;
	if ((used & REASON_ARG_OVERSHOT) && got->overshot != want->overshot)
		return false;
	if ((used & REASON_ARG_TIMEOUT) && got->timeout != want->timeout)
		return false;
	if ((used & REASON_ARG_INDEX) && got->index != want->index)
		return false;
	if ((used & REASON_ARG_DIR) && got->dir != want->dir)
		return false;
	if ((used & REASON_ARG_RESP_INDEX) && got->resp_index != want->resp_index)
		return false;
	if ((used & REASON_ARG_TYPE) && got->type != want->type)
		return false;
	if ((used & REASON_ARG_STATE) && strcmp(got->state, want->state) != 0)
		return false;
	if ((used & REASON_ARG_OUTER) && strcmp(got->outer, want->outer) != 0)
		return false;
	if ((used & REASON_ARG_INNER) && strcmp(got->inner, want->inner) != 0)
		return false;
	return true;
}

static uint32_t
template_args(const char *text)
{
	static const struct {
		const char *ph;
		uint32_t bit;
	} t[] = {
		{ "{bound}", REASON_ARG_BOUND }, { "{overshot}", REASON_ARG_OVERSHOT },
		{ "{timeout}", REASON_ARG_TIMEOUT }, { "{index}", REASON_ARG_INDEX },
		{ "{dir}", REASON_ARG_DIR }, { "{resp_index}", REASON_ARG_RESP_INDEX },
		{ "{type}", REASON_ARG_TYPE }, { "{state}", REASON_ARG_STATE },
		{ "{outer}", REASON_ARG_OUTER }, { "{inner}", REASON_ARG_INNER },
	};
	uint32_t used = 0;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strstr(text, t[i].ph))
			used |= t[i].bit;
	return used;
}

static void
test_shipped(void)
{
	struct run_ctx ctx;
	struct rules *r = NULL;
	const char *dirs[] = { rules_dir };
	int rc;

	ctx_init(&ctx);
	rc = rules_load(&ctx, dirs, 1, &r);
	TEST(check_int(rc, ==, 0), "shipped rules load from %s", rules_dir);
	if (rc != 0) {
		for (size_t i = 0; i < ctx.errors.n; i++)
			tap_diag("%s", ctx.errors.v[i].text);
		ctx_release(&ctx);
		return;
	}
	TEST(check_uint(rules_count(r), >=, 60), "at least 60 message rules");

	/* coverage: every current reason has a 6.18 wording */
	int missing = 0, covered = 0;

	for (unsigned i = 1; i < REASON__COUNT; i++) {
		int p = reason_proto(i);
		struct reason_args a;
		char buf[256];

		if (p != 6 && p != 17 && p != 136 && p != 1 && p != 58)
			continue;
		sample_args(p, &a);
		if (rules_render(r, "6.18", i, &a, buf, sizeof(buf)) >= 0) {
			if (old_only(i)) {
				tap_diag("old-only reason %s has a 6.18 rule", reason_code(i));
				missing++;
			}
			covered++;
		} else if (!old_only(i)) {
			tap_diag("no 6.18 rule for %s", reason_code(i));
			missing++;
		}
	}
	TEST(check_int(missing, ==, 0) && check_int(covered, ==, 31),
	     "every TCP/UDP/UDP-Lite/ICMP/ICMPv6 reason but the old-only ones has a 6.18 rule");

	/* old-only reasons have an older wording */
	{
		struct reason_args a;
		char buf[256];

		sample_args(58, &a);
		TEST(check_int(rules_render(r, "4.9", REASON_ICMPV6_INVALID_NEW_TYPE, &a, buf, sizeof(buf)), >, 0) &&
		     check_str(buf, "invalid new with type -7"), "4.9 icmpv6 invalid new with type");
		TEST(check_int(rules_render(r, "5.10", REASON_TCP_WINDOW_BUG, &a, buf, sizeof(buf)), ==, 3) &&
		     check_str(buf, "BUG"), "5.10 tcp_in_window BUG");
	}

	/* round trip: render every rule at its own first kernel and match it back */
	int bad = 0, tried = 0, anon = 0;

	for (size_t i = 0; i < rules_count(r); i++) {
		struct rule_info ri;
		struct reason_args a, got;
		enum reason reason;
		const char *id;
		char prof[32], buf[256];
		int n, m, perr = 0;

		rules_get(r, i, &ri);
		if (!ri.renderable) {
			anon++;
			continue;
		}
		kv_string(ri.kmin ? ri.kmin : ri.kmax, prof, sizeof(prof));
		sample_args(ri.proto, &a);
		n = rules_render(r, prof, ri.reason, &a, buf, sizeof(buf));
		if (n < 0) {
			tap_diag("rule %s: render at %s failed", ri.id, prof);
			bad++;
			continue;
		}
		tried++;
		m = rules_match(r, ri.proto, ri.era[0], buf, (size_t)n, &reason, &got, &id, &perr);
		if (m != 1 || reason != ri.reason || !args_equal(&a, &got, template_args(ri.text))) {
			tap_diag("rule %s: '%s' -> m=%d reason=%s id=%s", ri.id, buf, m,
				 reason_code(reason), id ? id : "-");
			bad++;
		}
	}
	TEST(check_int(bad, ==, 0) && check_int(tried + anon, ==, (int)rules_count(r)) &&
	     check_int(anon, ==, 3),
	     "render -> match round trip for every rule (%d rendered, %d with anonymous fields)",
	     tried, anon);

	/* exact wordings per profile */
	{
		struct reason_args a;
		char buf[256];
		int n;

		memset(&a, 0, sizeof(a));
		a.has = REASON_ARG_BOUND;
		a.bound = 2838218017u;
		n = rules_render(r, "6.18", REASON_TCP_SEQ_OVER_UB, &a, buf, sizeof(buf));
		TEST(check_str(buf, "SEQ is over upper bound 2838218017 (over the window of the receiver)") &&
		     check_int(n, ==, (int)strlen(buf)), "6.18 wording of bound I");
		rules_render(r, "4.19", REASON_TCP_SEQ_OVER_UB, &a, buf, sizeof(buf));
		TEST(check_str(buf, "SEQ is over the upper bound (over the window of the receiver)"),
		     "4.19 wording of bound I");
		rules_render(r, "4.9", REASON_TCP_BAD_CHECKSUM, &a, buf, sizeof(buf));
		TEST(check_str(buf, "bad TCP checksum"), "era A wording");
		n = rules_render(r, "6.18", REASON_TCP_SEQ_OVER_UB, &a, buf, 10);
		TEST(check_int(n, ==, 9) && check_str(buf, "SEQ is ov"), "render cut at the buffer size");
		a.has = 0;
		TEST(check_int(rules_render(r, "6.18", REASON_TCP_SEQ_OVER_UB, &a, buf, sizeof(buf)), ==, -1),
		     "render without the needed arg fails");
		memset(&a, 0, sizeof(a));
		a.has = REASON_ARG_INDEX | REASON_ARG_DIR | REASON_ARG_STATE;
		a.index = 0;
		a.dir = 0;
		snprintf(a.state, sizeof(a.state), "ESTABLISHED");
		rules_render(r, "6.18", REASON_TCP_IGNORED_STATE, &a, buf, sizeof(buf));
		TEST(check_str(buf, "packet (index 0) in dir 0 ignored, state ESTABLISHED"), "5.12+ ignored wording");
		rules_render(r, "5.10", REASON_TCP_IGNORED_STATE, &a, buf, sizeof(buf));
		TEST(check_str(buf, "invalid packet ignored in state ESTABLISHED"),
		     "4.15-5.11 ignored wording (trailing blank dropped)");
		/* numeric version comparison: 6.18 > 6.7 > 6.2 */
		TEST(check_int(rules_render(r, "6.18", REASON_TCP_INVALID_NEW, &a, buf, sizeof(buf)), >, 0) &&
		     check_int(rules_render(r, "6.2", REASON_TCP_INVALID_NEW, &a, buf, sizeof(buf)), ==, -1) &&
		     check_int(rules_render(r, "6.7", REASON_TCP_INVALID_NEW, &a, buf, sizeof(buf)), >, 0),
		     "invalid new: 6.7 and 6.18 yes, 6.2 no");
		TEST(check_int(rules_render(r, "6.18x", REASON_TCP_INVALID_RST, &a, buf, sizeof(buf)), >, 0) &&
		     check_int(rules_render(r, "banana", REASON_TCP_INVALID_RST, &a, buf, sizeof(buf)), ==, -1) &&
		     check_int(rules_render(r, "6.18.1.2", REASON_TCP_INVALID_RST, &a, buf, sizeof(buf)), ==, -1),
		     "profile parsing");
	}

	/* verdicts per kernel */
	TEST(check_int(rules_verdict(r, "6.18", REASON_TCP_OVERSHOOT), ==, CT_IGNORE) &&
	     check_int(rules_verdict(r, "6.0", REASON_TCP_OVERSHOOT), ==, CT_INVALID),
	     "bytes more than expected: ignored on 6.18, invalid on 6.0");
	TEST(check_int(rules_verdict(r, "6.18", REASON_TCP_SEQ_UNDER_LB), ==, CT_IGNORE) &&
	     check_int(rules_verdict(r, "6.0", REASON_TCP_SEQ_UNDER_LB), ==, CT_INVALID) &&
	     check_int(rules_verdict(r, "4.19", REASON_TCP_SEQ_UNDER_LB), ==, CT_INVALID) &&
	     check_int(rules_verdict(r, "4.9", REASON_TCP_SEQ_UNDER_LB), ==, CT_INVALID),
	     "SEQ under lower bound: ignored 6.1+, invalid before");
	TEST(check_int(rules_verdict(r, "6.18", REASON_TCP_ACK_UNDER_LB), ==, CT_IGNORE) &&
	     check_int(rules_verdict(r, "4.19", REASON_TCP_ACK_UNDER_LB), ==, CT_INVALID),
	     "ACK under lower bound: ignored 6.18, invalid 4.19");
	TEST(check_int(rules_verdict(r, "4.19", REASON_TCP_IGNORED_STATE), ==, CT_IGNORE) &&
	     check_int(rules_verdict(r, "6.18", REASON_TCP_SEQ_OVER_UB), ==, CT_INVALID) &&
	     check_int(rules_verdict(r, "6.18", REASON_TCP_CHALLENGE_ACK_IGNORED), ==, CT_IGNORE),
	     "other verdicts");

	/* matching details */
	{
		struct reason_args a;
		enum reason reason;
		const char *id;
		int perr;
		const char *m1 = "SEQ is over upper bound 4294967296 (over the window of the receiver)";

		TEST(check_int(rules_match(r, 6, 'C', m1, strlen(m1), &reason, &a, &id, &perr), ==, 1) &&
		     check_int(reason, ==, REASON_TCP_SEQ_OVER_UB) &&
		     check_uint(a.has & REASON_ARG_BOUND, ==, 0),
		     "a bound above 2^32-1 matches but is not stored");
		TEST(check_int(rules_match(r, 17, 'C', m1, strlen(m1), &reason, &a, &id, &perr), ==, 0),
		     "rules of another protocol do not match");
		TEST(check_int(rules_match(r, 6, 'A', "bad TCP checksum", 16, &reason, &a, &id, &perr), ==, 1) &&
		     check_int(rules_match(r, 6, 'B', "bad TCP checksum", 16, &reason, &a, &id, &perr), ==, 0),
		     "era A wording only matches era A lines");
		TEST(check_int(rules_match(r, 6, 'B', "invalid rst", 8, &reason, &a, &id, &perr), ==, 0),
		     "explicit length: a prefix of a message does not match");
		TEST(check_uint(rules_match_errors(r), ==, 0), "no PCRE2 errors");
	}
	rules_free(r);
	ctx_release(&ctx);
}

static void
test_override(void)
{
	struct run_ctx ctx;
	struct rules *r = NULL;
	char over[4200];
	const char *dirs[2] = { rules_dir, over };
	struct reason_args a;
	enum reason reason;
	const char *id;
	char buf[128];
	int perr, rc;

	snprintf(over, sizeof(over), "%s/rules-override", data_dir);
	ctx_init(&ctx);
	rc = rules_load(&ctx, dirs, 2, &r);
	TEST(check_int(rc, ==, 0), "shipped + override directory load");
	if (rc == 0) {
		memset(&a, 0, sizeof(a));
		rules_render(r, "6.18", REASON_TCP_INVALID_RST, &a, buf, sizeof(buf));
		TEST(check_str(buf, "invalid rst (site wording)") &&
		     check_int(rules_verdict(r, "6.18", REASON_TCP_INVALID_RST), ==, CT_IGNORE),
		     "a later directory overrides a rule id");
		TEST(check_int(rules_match(r, 6, 'C', "ACK is beyond 77", 16, &reason, &a, &id, &perr), ==, 1) &&
		     check_int(reason, ==, REASON_TCP_ACK_OVER_UB) && check_uint(a.bound, ==, 77) &&
		     check_str(id, "tcp-explicit-pattern"),
		     "explicit pattern with a named group");

		char evil[64];
		int m;

		memset(evil, 'a', 48);
		evil[48] = 'b';
		perr = 0;
		m = rules_match(r, 6, 'C', evil, 49, &reason, &a, &id, &perr);
		TEST(check_int(m, ==, -1) && check_int(perr, ==, PCRE2_ERROR_MATCHLIMIT) &&
		     check_uint(rules_match_errors(r), ==, 1) && check_int(reason, ==, REASON_UNRECOGNIZED),
		     "a runaway pattern hits the match limit: counted error, no match");
		m = rules_match(r, 6, 'C', "invalid rst (site wording)", 26, &reason, &a, &id, &perr);
		TEST(check_int(m, ==, 1) && check_uint(rules_match_errors(r), ==, 1),
		     "other messages still match");
	}
	rules_free(r);
	ctx_release(&ctx);
}

static void
test_bad(const char *name, const char *file, const char *needle)
{
	struct run_ctx ctx;
	struct rules *r = (struct rules *)1;
	char dir[4200], path[4400];
	const char *dirs[] = { dir };
	int rc;

	snprintf(dir, sizeof(dir), "%s/rules-bad/%s", data_dir, name);
	snprintf(path, sizeof(path), "%s/patterns/%s", dir, file);
	ctx_init(&ctx);
	rc = rules_load(&ctx, dirs, 1, &r);
	const char *msg = ctx.errors.n ? ctx.errors.v[0].text : "";
	TEST(check_int(rc, ==, ERR_RULES) && check(r == NULL) && check_int(ctx.errors.n, ==, 1) &&
	     check(strncmp(msg, path, strlen(path)) == 0) && check(strstr(msg, needle) != NULL),
	     "%s: %s", name, msg);
	ctx_release(&ctx);
}

int
main(void)
{
	init_paths();
	test_shipped();
	test_override();
	test_bad("bad-json", "broken.json", ":4:1: ");
	test_bad("unknown-key", "extra.json", "rule 'tcp-extra-key': ");
	test_bad("unknown-reason", "reason.json", "rule 'tcp-no-such-reason': unknown reason 'tcp.foo'");
	test_bad("bad-placeholder", "placeholder.json", "rule 'tcp-bad-placeholder': text: unknown placeholder '{limit}'");
	test_bad("bad-regex", "regex.json", "rule 'tcp-bad-regex': pattern: ");
	test_bad("duplicate-id", "b.json", "rule 'tcp-rst': duplicate id");
	test_bad("pattern-missing-group", "group.json",
		 "rule 'tcp-no-bound-group': pattern: no group (?<bound>...) for the text's {bound}");
	test_bad("bad-group-name", "name.json", "rule 'tcp-bad-group': pattern: unknown group name 'limit'");
	test_bad("bad-kernels", "kernels.json", "rule 'tcp-bad-range': bad kernels range '6.1-4.15'");
	test_bad("proto-mismatch", "proto.json", "rule 'udp-says-tcp': proto 17 does not fit reason");
	{
		struct run_ctx ctx;
		struct rules *r;
		const char *dirs[] = { "/nonexistent-ctexplain-rules" };

		ctx_init(&ctx);
		int rc = rules_load(&ctx, dirs, 1, &r);

		TEST(check_int(rc, ==, ERR_RULES) && check_uint(ctx.errors.n, ==, 1) &&
		     check(strstr(ctx.errors.v[0].text, "/nonexistent-ctexplain-rules/patterns: cannot open") != NULL),
		     "missing directory");
		ctx_release(&ctx);
	}
	return tap_done();
}
