/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-report.c - the report model and writers: formatting helpers, flagged
 * packet <-> event links, summary counts, sorting, the JSON key order and
 * hostile strings; and the input walker's skip list.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "input.h"
#include "report.h"
#include "tap.h"

static void
test_format(void)
{
	char b[64];

	report_fmt_wall(1764169706101320LL, b, sizeof(b));
	TEST(check_str(b, "2025-11-26T15:08:26.101320Z"), "wall time: ISO 8601 UTC, microseconds");
	report_fmt_wall(-1, b, sizeof(b));
	TEST(check_str(b, "1969-12-31T23:59:59.999999Z"), "wall time before the epoch");
	report_fmt_tcp_flags(TCPF_SYN | TCPF_RST, false, b, sizeof(b));
	TEST(check_str(b, "RST SYN"), "flag words in nf_log order");
	report_fmt_tcp_flags(0xff, true, b, sizeof(b));
	TEST(check_str(b, "AE CWR ECE URG ACK PSH RST SYN FIN"), "all flag words");
	report_fmt_tcp_flags(0, false, b, sizeof(b));
	TEST(check_str(b, ""), "no flags: empty");
}

static void
test_skip(void)
{
	TEST(check(input_is_skipped(".hidden", 0)) && check(input_is_skipped(".git", 1)) &&
	     check(input_is_skipped("expected", 1)) && check(!input_is_skipped("expected", 0)) &&
	     check(input_is_skipped("kernel.tsv", 0)) && check(input_is_skipped("README", 0)) &&
	     check(input_is_skipped("KERNEL", 0)) && check(input_is_skipped("meta.json", 0)) &&
	     check(input_is_skipped("notes.md", 0)) && check(!input_is_skipped("kern.log", 0)) &&
	     check(!input_is_skipped("capture.pcap", 0)) && check(!input_is_skipped("sub", 1)),
	     "skip list: hidden, expected/, bundle descriptions");
}

static void
mk_pkt(struct pkt *p, uint32_t file_id, uint64_t index)
{
	memset(p, 0, sizeof(*p));
	p->file_id = file_id;
	p->index = index;
	p->ts_sec = 1764169706;
	p->proto = 6;
}

static void
test_model(void)
{
	struct ct_policy pol;
	struct run_ctx ctx;
	struct report r;
	struct log_event ev[2];
	struct corr *c;
	struct pkt p;
	struct ct_msg m;
	struct ct_result res;
	uint32_t f0, f1;
	const char *texts[CT_MAX_MSGS] = { "invalid tcp flag combination" };
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	json_t *root;
	json_error_t err;
	int rc;

	ct_policy_init(&pol);
	ctx_init(&ctx);
	report_init(&r, "9.9", &pol);
	report_add_input(&r, "b.pcap", "capture", "pcap", 3);
	report_add_input(&r, "a.pcap", "capture", "pcap", 3);
	report_add_capture(&r, r.inputs[0].path, &f0);
	report_add_capture(&r, r.inputs[1].path, &f1);

	/* one event: the flag combination, packet 2 of b.pcap */
	memset(ev, 0, sizeof(ev));
	ev[0].id = 0;
	ev[0].path = "kern.log";
	ev[0].line = 1;
	ev[0].proto = 6;
	ev[0].reason = REASON_TCP_FLAGS_INVALID;
	ev[0].message = "invalid tcp flag combination";
	ev[0].has_pkt = true;
	ev[0].pkt.has = NFL_SRC | NFL_DST | NFL_PROTO;
	ev[0].pkt.family = 4;
	ev[0].pkt.proto = 6;
	ev[1] = ev[0];
	ev[1].id = 1;
	ev[1].line = 2;
	ev[1].message = "bad\001text \xff";	/* hostile bytes */
	ev[1].has_pkt = false;
	c = corr_new(ev, 2);

	memset(&m, 0, sizeof(m));
	m.reason = REASON_TCP_FLAGS_INVALID;
	m.verdict = CT_INVALID;
	mk_pkt(&p, f1, 7);
	report_add_flagged(&r, &p, &m, CT_INVALID, "invalid tcp flag combination");
	mk_pkt(&p, f0, 2);
	p.family = 4;
	p.has_l4 = true;
	report_add_flagged(&r, &p, &m, CT_INVALID, "invalid tcp flag combination");
	memset(&res, 0, sizeof(res));
	res.verdict = CT_INVALID;
	res.n_msgs = 1;
	res.msgs[0] = m;
	corr_offer(c, &p, &res, texts);
	m.reason = REASON_TCP_SEQ_UNDER_LB;
	report_add_flagged(&r, &p, &m, CT_IGNORE, NULL);
	corr_finish(c);
	ctx_note(&ctx, "a note");
	mk_pkt(&p, f0, 9);
	report_add_silent(&r, &p, "mid-stream pickup with nf_conntrack_tcp_loose=0");
	mk_pkt(&p, f1, 5);
	report_add_silent(&r, &p, NULL);
	mk_pkt(&p, f0, 1);
	report_add_silent(&r, &p, "x");

	rc = report_finish(&r, ev, 2, c, NULL, &ctx);
	TEST(check_int(rc, ==, 0), "report_finish");
	TEST(check_str(r.flagged[0].path, "a.pcap") && check_str(r.flagged[1].path, "b.pcap") &&
	     check_uint(r.flagged[1].index, ==, 2) && check_uint(r.flagged[2].index, ==, 2) &&
	     check(r.flagged[1].message == NULL),
	     "flagged sorted by path, index, message (a missing message first)");
	TEST(check_int(r.flagged[2].event, ==, 0) && check_int(r.flagged[1].event, ==, -1) &&
	     check_int(r.flagged[0].event, ==, -1),
	     "only the flagged line with the event's reason is linked to it");
	TEST(check_uint(r.summary.events, ==, 2) && check_uint(r.summary.matched, ==, 1) &&
	     check_uint(r.summary.agree, ==, 1) && check_uint(r.summary.flagged, ==, 3) &&
	     check_uint(r.summary.unlogged, ==, 2),
	     "summary counts");
	TEST(check_uint(r.n_silent, ==, 3) && check_str(r.silent[0].path, "a.pcap") &&
	     check_uint(r.silent[1].index, ==, 1) && check_uint(r.silent[2].index, ==, 9) &&
	     check_str(r.silent[0].why, "no reason given by the engine"),
	     "silent INVALID packets sorted by path and index, with a reason");
	TEST(check(r.events[0].agrees) && check_str(r.events[0].engine_msg, texts[0]) &&
	     check_str(r.events[0].match_path, "b.pcap"),
	     "event verdict: engine text for the matched packet, agreement");
	TEST(check(strstr(r.events[0].summary, "INVALID") != NULL),
	     "summary of an invalid packet says INVALID");

	out = open_memstream(&buf, &len);
	rc = report_json_write(&r, out);
	TEST(check_int(rc, ==, 0), "JSON written");
	fclose(out);
	root = json_loadb(buf, len, 0, &err);
	TEST(check(root != NULL), "JSON parses back (hostile bytes sanitised)");
	if (root) {
		static const char *const keys[] = {
			"schema", "tool", "kernel", "sysctl", "sysctl_source", "inputs", "events",
			"flagged_packets", "summary", "clock", "silent_packets", "stats", "notes",
			"errors",
		};
		void *it = json_object_iter(root);
		size_t k = 0;
		int order_ok = 1;

		for (; it && k < sizeof(keys) / sizeof(keys[0]); it = json_object_iter_next(root, it), k++)
			if (strcmp(json_object_iter_key(it), keys[k]) != 0)
				order_ok = 0;
		TEST(check(order_ok) && check(it == NULL) && check_uint(k, ==, 14),
		     "top-level keys in the fixed order");
		TEST(check_str(json_string_value(json_object_get(
			     json_array_get(json_object_get(root, "events"), 1), "message")),
			       "bad\001text \xef\xbf\xbd"),
		     "invalid UTF-8 becomes U+FFFD, control bytes are escaped by JSON");
		TEST(check(json_is_null(json_object_get(
			     json_array_get(json_object_get(root, "events"), 1), "match"))),
		     "an unmatched event has match null");
		json_decref(root);
	}
	free(buf);

	buf = NULL;
	out = open_memstream(&buf, &len);
	{
		int w = report_text_write(&r, out);

		fclose(out);
		TEST(check_int(w, ==, 0) && check(strstr(buf, "bad?text") != NULL),
		     "text: control bytes are not sent to the terminal");
	}
	free(buf);

	buf = NULL;
	out = open_memstream(&buf, &len);
	{
		int w = report_md_write(&r, out);

		fclose(out);
		TEST(check_int(w, ==, 0) && check(strstr(buf, "| bad?text") != NULL) &&
		     check(strstr(buf, "## Packets the kernel would log that no log line mentions") != NULL),
		     "markdown: tables, control bytes neutralised");
	}
	free(buf);

	report_release(&r);
	corr_free(c);
	ctx_release(&ctx);
}

int
main(void)
{
	test_format();
	test_skip();
	test_model();
	return tap_done();
}
