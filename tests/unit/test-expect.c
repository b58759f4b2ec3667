/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-expect.c - the --expect comparison: identical reports, paths from
 * another working directory, each kind of difference named with its event
 * or packet, fields the expected report lacks, the cap on kept lines, and
 * expected reports that cannot be used.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "expect.h"
#include "tap.h"

/* A small report in the contract's shape (two events, two flagged packets). */
static const char base[] =
	"{\"schema\": \"ctexplain/1\", \"tool\": {\"name\": \"ctexplain\", \"version\": \"0.1\"},"
	" \"kernel\": {\"profile\": \"6.18\", \"source\": \"default\"},"
	" \"sysctl\": {\"net.netfilter.nf_conntrack_tcp_be_liberal\": 0},"
	" \"inputs\": [{\"path\": \"samples/x/capture.pcap\", \"kind\": \"capture\"},"
	"             {\"path\": \"samples/x/kern.log\", \"kind\": \"log\"}],"
	" \"events\": ["
	"  {\"id\": 0, \"source\": {\"path\": \"samples/x/kern.log\", \"line\": 17},"
	"   \"rule\": \"tcp.flags_invalid\", \"message\": \"invalid tcp flag combination\","
	"   \"match\": {\"path\": \"samples/x/capture.pcap\", \"index\": 2, \"how\": \"exact\","
	"              \"time\": \"2026-11-26T15:08:26.101320Z\"},"
	"   \"verdict\": {\"agrees\": true, \"logged\": \"invalid\", \"engine\": \"invalid\"},"
	"   \"explanation\": {\"cause\": \"flag_scan\"}},"
	"  {\"id\": 1, \"source\": {\"path\": \"samples/x/kern.log\", \"line\": 18},"
	"   \"rule\": \"tcp.seq_over_upper_bound\", \"message\": \"SEQ is over upper bound 5\","
	"   \"match\": null,"
	"   \"verdict\": {\"agrees\": false, \"logged\": \"invalid\", \"engine\": null},"
	"   \"explanation\": {\"cause\": \"unknown\"}}],"
	" \"flagged_packets\": ["
	"  {\"path\": \"samples/x/capture.pcap\", \"index\": 2, \"verdict\": \"invalid\","
	"   \"rule\": \"tcp.flags_invalid\", \"message\": \"invalid tcp flag combination\","
	"   \"cause\": \"flag_scan\", \"event\": 0},"
	"  {\"path\": \"samples/x/capture.pcap\", \"index\": 9, \"verdict\": \"ignored\","
	"   \"rule\": \"tcp.ack_under_lower_bound\", \"message\": \"ignored ACK under lower bound\","
	"   \"cause\": \"stale_retransmission\", \"event\": null}],"
	" \"summary\": {\"events\": 2, \"matched\": 1, \"agree\": 1, \"flagged_packets\": 2,"
	"  \"unlogged\": 1, \"by_cause\": {\"flag_scan\": {\"events\": 1, \"flagged_packets\": 1},"
	"  \"unknown\": {\"events\": 1, \"flagged_packets\": 0}}}}";

static json_t *
load(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	if (!j)
		tap_diag("bad test JSON at %d:%d: %s", e.line, e.column, e.text);
	return j;
}

/* events[0].explanation.cause of a loaded report, "" if none. */
static const char *
member_str_of(const json_t *rep)
{
	const json_t *e = json_array_get(json_object_get(rep, "events"), 0);
	const char *c = json_string_value(json_object_get(json_object_get(e, "explanation"),
							   "cause"));

	return c ? c : "";
}

/* Compare; returns the number of differences, *first = first line (static copy). */
static size_t
cmp(const json_t *want, const json_t *got, char *first, size_t size)
{
	struct expect_diffs d;
	size_t n;

	expect_diffs_init(&d);
	if (expect_compare(want, got, &d) < 0)
		tap_diag("expect_compare failed");
	for (size_t i = 0; i < d.n; i++)
		tap_diag("  %s", d.v[i]);
	snprintf(first, size, "%s", d.n ? d.v[0] : "");
	n = d.total;
	expect_diffs_release(&d);
	return n;
}

/* Set a member at a dotted path of the @idx-th element of array @arr. */
static void
set_in(json_t *rep, const char *arr, size_t idx, const char *key, json_t *v)
{
	json_t *o = json_array_get(json_object_get(rep, arr), idx);
	const char *dot = strchr(key, '.');

	if (dot) {
		char k[64];

		snprintf(k, sizeof(k), "%.*s", (int)(dot - key), key);
		o = json_object_get(o, k);
		key = dot + 1;
	}
	json_object_set_new(o, key, v);
}

static void
test_same(void)
{
	json_t *w = load(base), *g = load(base);
	json_t *paths;
	char first[512];
	size_t n;
	const char *s;

	n = cmp(w, g, first, sizeof(first));
	TEST(check_uint(n, ==, 0), "identical reports: no difference");

	/* the run from another directory, another tool version, other times */
	s = json_dumps(g, 0);
	json_decref(g);
	{
		char *t = malloc(strlen(s) * 2 + 1), *o = t;
		const char *p = s;

		while (*p) {
			if (strncmp(p, "samples/x/", 10) == 0) {
				o += sprintf(o, "/home/u/cases/x/");
				p += 10;
			} else {
				*o++ = *p++;
			}
		}
		*o = '\0';
		g = load(t);
		free(t);
	}
	free((void *)s);
	json_object_set_new(json_object_get(g, "tool"), "version", json_string("9.9"));
	set_in(g, "events", 0, "match", json_pack("{s:s, s:i, s:s, s:s}", "path",
		"/home/u/cases/x/capture.pcap", "index", 2, "how", "exact", "time", "later"));
	n = cmp(w, g, first, sizeof(first));
	TEST(check_uint(n, ==, 0),
	     "absolute paths, tool version and times are not compared");

	/* a run with one input only: paths relative to its directory */
	paths = json_object_get(g, "inputs");
	json_array_remove(paths, 1);
	json_array_remove(json_object_get(w, "inputs"), 1);
	n = cmp(w, g, first, sizeof(first));
	TEST(check_uint(n, ==, 0),
	     "one input: paths compared from its directory");
	json_decref(w);
	json_decref(g);
}

static void
test_differences(void)
{
	json_t *w = load(base), *g;
	char first[512];
	size_t n;

	g = json_deep_copy(w);
	set_in(g, "flagged_packets", 1, "verdict", json_string("invalid"));
	n = cmp(w, g, first, sizeof(first));
	TEST(check_uint(n, ==, 1) &&
	     check_str(first, "capture.pcap#9 tcp.ack_under_lower_bound: verdict: "
			      "expected \"ignored\", got \"invalid\""),
	     "a changed flagged verdict is named with capture#index and rule");
	json_decref(g);

	g = json_deep_copy(w);
	set_in(g, "events", 0, "verdict.agrees", json_false());
	n = cmp(w, g, first, sizeof(first));
	TEST(check_uint(n, ==, 1) &&
	     check_str(first, "kern.log:17 (event 0): verdict.agrees: expected true, got false"),
	     "a changed event verdict is named with log:line");
	json_decref(g);

	g = json_deep_copy(w);
	set_in(g, "events", 1, "explanation.cause", json_string("midstream_pickup"));
	n = cmp(w, g, first, sizeof(first));
	TEST(check_uint(n, ==, 1) &&
	     check_str(first, "kern.log:18 (event 1): explanation.cause: "
			      "expected \"unknown\", got \"midstream_pickup\""),
	     "a changed event cause");
	json_decref(g);

	g = json_deep_copy(w);
	set_in(g, "flagged_packets", 0, "cause", json_string("checksum_offload"));
	n = cmp(w, g, first, sizeof(first));
	TEST(check_uint(n, ==, 1) &&
	     check_str(first, "capture.pcap#2 tcp.flags_invalid: cause: "
			      "expected \"flag_scan\", got \"checksum_offload\""),
	     "a changed flagged packet cause");
	json_decref(g);

	g = json_deep_copy(w);
	set_in(g, "events", 0, "match", json_null());
	n = cmp(w, g, first, sizeof(first));
	TEST(check_uint(n, ==, 1) &&
	     check_str(first, "kern.log:17 (event 0): match: "
			      "expected \"capture.pcap#2 (exact)\", got \"none\""),
	     "a lost match");
	json_decref(g);

	g = json_deep_copy(w);
	set_in(g, "events", 0, "match", json_pack("{s:s, s:i, s:s}", "path",
		"samples/x/capture.pcap", "index", 3, "how", "time"));
	n = cmp(w, g, first, sizeof(first));
	TEST(check_uint(n, ==, 1) &&
	     check_str(first, "kern.log:17 (event 0): match: "
			      "expected \"capture.pcap#2 (exact)\", got \"capture.pcap#3 (time)\""),
	     "a match on another packet");
	json_decref(g);

	g = json_deep_copy(w);
	json_array_remove(json_object_get(g, "flagged_packets"), 0);
	n = cmp(w, g, first, sizeof(first));
	TEST(check_uint(n, ==, 1) &&
	     check_str(first, "capture.pcap#2 tcp.flags_invalid: flagged packet missing "
			      "(expected invalid \"invalid tcp flag combination\")"),
	     "a missing flagged packet");
	json_decref(g);

	g = json_deep_copy(w);
	json_array_append_new(json_object_get(g, "flagged_packets"),
			      json_pack("{s:s, s:i, s:s, s:s, s:s}", "path",
					"samples/x/capture.pcap", "index", 4, "verdict", "invalid",
					"rule", "tcp.bad_checksum", "message", "bad checksum"));
	n = cmp(w, g, first, sizeof(first));
	TEST(check_uint(n, ==, 1) &&
	     check_str(first, "capture.pcap#4 tcp.bad_checksum: flagged packet not in the "
			      "expected report (got invalid \"bad checksum\")"),
	     "an extra flagged packet");
	json_decref(g);

	g = json_deep_copy(w);
	json_array_remove(json_object_get(g, "events"), 1);
	n = cmp(w, g, first, sizeof(first));
	TEST(check_uint(n, ==, 1) &&
	     check_str(first, "kern.log:18 (event 1): event missing (expected "
			      "tcp.seq_over_upper_bound, invalid \"SEQ is over upper bound 5\")"),
	     "a missing event");
	json_decref(g);

	g = json_deep_copy(w);
	json_object_set_new(json_object_get(json_object_get(g, "summary"), "by_cause"),
			    "after_close", json_pack("{s:i, s:i}", "events", 0, "flagged_packets", 1));
	json_object_del(json_object_get(json_object_get(g, "summary"), "by_cause"), "unknown");
	n = cmp(w, g, first, sizeof(first));
	TEST(check_uint(n, ==, 2) &&
	     check_str(first, "summary: by_cause.unknown.events: expected 1, got 0"),
	     "counts by cause: a key on one side counts 0 on the other, down to the numbers");
	json_decref(g);

	g = json_deep_copy(w);
	json_object_set_new(json_object_get(g, "kernel"), "profile", json_string("6.1"));
	n = cmp(w, g, first, sizeof(first));
	TEST(check_uint(n, ==, 1) &&
	     check_str(first, "kernel: profile: expected \"6.18\", got \"6.1\""),
	     "another kernel profile is named (it explains verdict changes)");
	json_decref(g);
	json_decref(w);
}

static void
test_absent_fields(void)
{
	json_t *w = load(base), *g = load(base);
	char first[512];
	size_t n;

	/* an expected report older than the cause fields: not compared */
	json_object_del(json_object_get(json_array_get(json_object_get(w, "events"), 0),
					"explanation"), "cause");
	json_object_del(json_array_get(json_object_get(w, "flagged_packets"), 0), "cause");
	json_object_del(json_object_get(w, "summary"), "by_cause");
	set_in(g, "events", 0, "explanation.cause", json_string("midstream_pickup"));
	n = cmp(w, g, first, sizeof(first));
	TEST(check_uint(n, ==, 0),
	     "fields the expected report lacks are not compared");
	/* the other way round: the run lacks a field the expected report has */
	n = cmp(g, w, first, sizeof(first));
	TEST(check_uint(n, ==, 3) &&
	     check_str(first, "kern.log:17 (event 0): explanation.cause: "
			      "expected \"midstream_pickup\", got (absent)"),
	     "a field the run lacks is a difference");
	json_decref(w);
	json_decref(g);
}

static void
test_cap(void)
{
	json_t *w = load(base), *g = load(base);
	json_t *fl = json_object_get(g, "flagged_packets");
	struct expect_diffs d;
	int rc;

	for (int i = 0; i < 150; i++)
		json_array_append_new(fl, json_pack("{s:s, s:i, s:s, s:s}", "path",
						    "samples/x/capture.pcap", "index", 100 + i,
						    "verdict", "invalid", "rule", "tcp.x"));
	expect_diffs_init(&d);
	rc = expect_compare(w, g, &d);
	TEST(check_int(rc, ==, 0) &&
	     check_uint(d.total, ==, 150) && check_uint(d.n, ==, EXPECT_DIFFS_MAX),
	     "differences beyond the cap are counted, not kept");
	expect_diffs_release(&d);
	json_decref(w);
	json_decref(g);
}

static int
load_file(const char *text)
{
	char path[] = "/tmp/test-expect.XXXXXX";
	struct run_ctx ctx;
	json_t *j = NULL;
	int fd = mkstemp(path), rc;
	FILE *f;

	if (fd < 0)
		return 99;
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	ctx_init(&ctx);
	rc = expect_load(&ctx, path, &j);
	if (ctx.errors.n)
		tap_diag("%s", ctx.errors.v[0].text);
	ctx_release(&ctx);
	json_decref(j);
	unlink(path);
	return rc;
}

/* The expected report written compactly, and with awkward members the
 * loader skips without parsing: same comparison as the tree itself. */
static void
test_load_walk(void)
{
	json_t *w = load(base), *ev0, *got = NULL;
	char path[] = "/tmp/test-expect.XXXXXX", first[512];
	struct run_ctx ctx;
	size_t n = 0;
	char *text;
	int fd, rc;
	FILE *f;

	ev0 = json_array_get(json_object_get(w, "events"), 0);
	json_object_set_new(json_object_get(ev0, "explanation"), "diagnosis",
			    json_pack("{s:s, s:[i, {s:s}], s:s}", "s", "a\"}]{[,:", "t", 1, "u", "}",
				      "w", "\\"));
	json_object_set_new(ev0, "packet", json_pack("{s:s, s:i, s:b, s:n, s:f}", "src", "x,y}",
						     "n", -12, "t", 1, "z", "r", 1.5e-3));
	for (int compact = 0; compact < 2; compact++) {
		text = json_dumps(w, compact ? JSON_COMPACT : JSON_INDENT(3));
		fd = mkstemp(path);
		f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!f || !text)
			break;
		fputs(text, f);
		fclose(f);
		ctx_init(&ctx);
		rc = expect_load(&ctx, path, &got);
		if (!rc)
			n = cmp(w, got, first, sizeof(first));
		TEST(check_int(rc, ==, 0) && check_uint(n, ==, 0) &&
		     check_str(member_str_of(got), "flag_scan") &&
		     check(json_object_get(json_array_get(json_object_get(got, "events"), 0),
					   "packet") == NULL),
		     "%s report: skipped members with quotes, brackets and commas in strings; "
		     "only compared members kept", compact ? "compact" : "indented");
		json_decref(got);
		got = NULL;
		ctx_release(&ctx);
		/* cut inside a skipped member: an input error */
		f = fopen(path, "w");
		fwrite(text, 1, strstr(text, "\"t\"") - text, f);
		fclose(f);
		ctx_init(&ctx);
		rc = expect_load(&ctx, path, &got);
		TEST(check_int(rc, ==, ERR_INPUT) && check(got == NULL),
		     "%s report cut inside a skipped member: input error", compact ? "compact" : "indented");
		ctx_release(&ctx);
		unlink(path);
		free(text);
		memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	}
	json_decref(w);
}

static void
test_load(void)
{
	static const struct {
		const char *text;
		int want;
		const char *what;
	} cases[] = {
		{ base, 0, "a report loads" },
		{ "{\"schema\": \"ctexplain/1\", \"events\": [", ERR_INPUT, "cut JSON: input error" },
		{ "[1, 2]", ERR_INPUT, "not an object: input error" },
		{ "{\"schema\": \"ctexplain/2\", \"events\": [], \"flagged_packets\": [], "
		  "\"summary\": {}}", ERR_INPUT, "another schema: input error" },
		{ "{\"schema\": \"ctexplain/1\", \"events\": {}, \"flagged_packets\": [], "
		  "\"summary\": {}}", ERR_INPUT, "events not an array: input error" },
		{ "{\"schema\": \"ctexplain/1\", \"events\": [], \"flagged_packets\": []}",
		  ERR_INPUT, "no summary: input error" },
	};
	struct run_ctx ctx;
	json_t *j = NULL;
	int rc;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rc = load_file(cases[i].text);
		TEST(check_int(rc, ==, cases[i].want), "%s", cases[i].what);
	}
	ctx_init(&ctx);
	rc = expect_load(&ctx, "/nonexistent/expected.json", &j);
	TEST(check_int(rc, ==, ERR_INPUT) && check(j == NULL) && check_uint(ctx.errors.n, ==, 1) &&
	     check(strstr(ctx.errors.v[0].text, "/nonexistent/expected.json: cannot read") != NULL),
	     "unreadable: input error naming the file");
	ctx_release(&ctx);
}

int
main(void)
{
	test_same();
	test_differences();
	test_absent_fields();
	test_cap();
	test_load_walk();
	test_load();
	return tap_done();
}
