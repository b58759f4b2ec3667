/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-logparse.c - conntrack log lines of every era -> struct log_event,
 * matched against the shipped rules/.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "logparse.h"
#include "rules-load.h"
#include "tap.h"

static struct rules *rules;
static struct run_ctx ctx;

/* Parse @len bytes of @msg as the record at line @line. */
static int
parse_n(const char *msg, size_t len, struct log_event *ev)
{
	struct log_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.path = "kern.log";
	rec.line = 42;
	rec.has_mono = true;
	rec.mono_us = 219101320;
	rec.host = "gw1";
	rec.host_len = 3;
	rec.msg = msg;
	rec.msg_len = len;
	rec.is_kernel = true;
	return logparse_record(&ctx, rules, &rec, ev);
}

static int
parse(const char *msg, struct log_event *ev)
{
	return parse_n(msg, strlen(msg), ev);
}

static bool
is_ip4(const struct ip_addr *a, const char *text)
{
	struct ip_addr b;

	memset(&b, 0, sizeof(b));
	return inet_pton(AF_INET, text, b.b) == 1 && memcmp(a->b, b.b, 16) == 0;
}

struct line_case {
	const char *msg;
	int proto;
	char era;
	enum reason reason;
	const char *message;
	const char *rule_id;	/* NULL: don't check */
	bool has_pkt;
};

static const struct line_case cases[] = {
	/* messages.md 2.9: live 6.18.44 samples (dmesg stamp removed by logsrc) */
	{ "nf_ct_proto_6: invalid tcp flag combination IN=vb OUT= MAC=fa:da:e1:8f:d0:ae:16:88:05:23:a9:8d:08:00 SRC=10.99.0.1 DST=10.99.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=40000 DPT=5555 SEQ=0 ACK=0 WINDOW=8192 RES=0x00 RST SYN URGP=0 ",
	  6, 'C', REASON_TCP_FLAGS_INVALID, "invalid tcp flag combination", "tcp-flags", true },
	{ "nf_ct_proto_17: bad checksum IN=vb OUT= MAC=fa:da:e1:8f:d0:ae:16:88:05:23:a9:8d:08:00 SRC=10.99.0.1 DST=10.99.0.2 LEN=33 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=40001 DPT=5556 LEN=13 ",
	  17, 'C', REASON_UDP_BAD_CHECKSUM, "bad checksum", "udp-bad-checksum", true },
	{ "nf_ct_proto_17: truncated/malformed packet IN=vb OUT= MAC=fa:da:e1:8f:d0:ae:16:88:05:23:a9:8d:08:00 SRC=10.99.0.1 DST=10.99.0.2 LEN=30 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=40002 DPT=5557 LEN=100 ",
	  17, 'C', REASON_UDP_TRUNCATED, "truncated/malformed packet", "udp-truncated", true },
	/* era A (<= 4.14) */
	{ "nf_ct_tcp: SEQ is over the upper bound (over the window of the receiver) IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 DPT=2 SEQ=5 ACK=6 WINDOW=7 RES=0x00 ACK URGP=0 ",
	  6, 'A', REASON_TCP_SEQ_OVER_UB, "SEQ is over the upper bound (over the window of the receiver)", "tcp-seq-over-ub-a", true },
	{ "nf_ct_tcp: invalid state IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 SEQ=5 ACK=6 WINDOW=7 RES=0x00 ACK URGP=0 ",
	  6, 'A', REASON_TCP_INVALID_STATE, "invalid state", "tcp-invalid-state-a", true },
	{ "nf_ct_tcp: bad TCP checksum IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 SEQ=5 ACK=6 WINDOW=7 RES=0x00 ACK URGP=0 ",
	  6, 'A', REASON_TCP_BAD_CHECKSUM, "bad TCP checksum", "tcp-bad-checksum-a", true },
	{ "nf_ct_tcp: challenge-ACK ignored IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 SEQ=5 ACK=6 WINDOW=7 RES=0x00 ACK URGP=0 ",
	  6, 'A', REASON_TCP_CHALLENGE_ACK_IGNORED, "challenge-ACK ignored", NULL, true },
	{ "nf_ct_udp: bad UDP checksum IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=33 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=1 DPT=2 LEN=13 ",
	  17, 'A', REASON_UDP_BAD_CHECKSUM, "bad UDP checksum", "udp-bad-checksum-a", true },
	{ "nf_ct_udplite: checksum missing IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=33 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDPLITE SPT=1 DPT=2 LEN=0 ",
	  136, 'A', REASON_UDPLITE_CHECKSUM_MISSING, "checksum missing", NULL, true },
	{ "nf_ct_icmp: bad HW ICMP checksum IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 ",
	  1, 'A', REASON_ICMP_BAD_CHECKSUM, "bad HW ICMP checksum", NULL, true },
	{ "nf_ct_icmpv6: ICMPv6 checksum failed IN= OUT= SRC=2001:0db8:0000:0000:0000:0000:0000:0001 DST=2001:0db8:0000:0000:0000:0000:0000:0002 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=128 CODE=0 ID=1 SEQ=1 ",
	  58, 'A', REASON_ICMPV6_BAD_CHECKSUM, "ICMPv6 checksum failed", NULL, true },
	{ "nf_ct_icmpv6: invalid new with type 129 IN= OUT= SRC=2001:0db8:0000:0000:0000:0000:0000:0001 DST=2001:0db8:0000:0000:0000:0000:0000:0002 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=129 CODE=0 ID=1 SEQ=1 ",
	  58, 'A', REASON_ICMPV6_INVALID_NEW_TYPE, "invalid new with type 129", "icmpv6-invalid-new-a", true },
	/* era B (4.15 - 5.13): IN= OUT= empty */
	{ "nf_ct_proto_6: SEQ is over the upper bound (over the window of the receiver) IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=378 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 DPT=2 SEQ=39802 ACK=240 WINDOW=7 RES=0x00 ACK PSH URGP=0 ",
	  6, 'B', REASON_TCP_SEQ_OVER_UB, "SEQ is over the upper bound (over the window of the receiver)", "tcp-seq-over-ub-4.15", true },
	{ "nf_ct_proto_6: invalid packet ignored in state ESTABLISHED  IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 SEQ=5 ACK=6 WINDOW=7 RES=0x00 SYN URGP=0 ",
	  6, 'B', REASON_TCP_IGNORED_STATE, "invalid packet ignored in state ESTABLISHED", "tcp-ignored-4.15", true },
	{ "nf_ct_proto_6: invalid state IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 SEQ=5 ACK=6 WINDOW=7 RES=0x00 ACK URGP=0 ",
	  6, 'B', REASON_TCP_INVALID_STATE, "invalid state", "tcp-invalid-state-4.15", true },
	{ "nf_ct_proto_6: short packet IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=30 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP INCOMPLETE [10 bytes] ",
	  6, 'B', REASON_TCP_SHORT, "short packet", "tcp-short-4.15", true },
	/* era C: 5.15, 6.1+ */
	{ "nf_ct_proto_6: packet (index 0) in dir 0 ignored, state ESTABLISHED IN=eth0 OUT= MAC=fa:da:e1:8f:d0:ae:16:88:05:23:a9:8d:08:00 SRC=192.0.2.1 DST=192.0.2.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 DPT=2 SEQ=5 ACK=0 WINDOW=7 RES=0x00 SYN URGP=0 ",
	  6, 'C', REASON_TCP_IGNORED_STATE, "packet (index 0) in dir 0 ignored, state ESTABLISHED", "tcp-ignored-5.12", true },
	{ "nf_ct_proto_6: 1234 bytes more than expected IN=eth0 OUT= MAC= SRC=192.0.2.1 DST=192.0.2.2 LEN=1500 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 DPT=2 SEQ=5 ACK=6 WINDOW=7 RES=0x00 ACK PSH URGP=0 ",
	  6, 'C', REASON_TCP_OVERSHOOT, "1234 bytes more than expected", NULL, true },
	{ "nf_ct_proto_6: SEQ is over upper bound 2864372049 (over the window of the receiver) IN=eth0 OUT= MAC=fa:da:e1:8f:d0:ae:16:88:05:23:a9:8d:08:00 SRC=192.0.2.1 DST=192.0.2.2 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 DPT=2 SEQ=5 ACK=6 WINDOW=7 RES=0x00 ACK URGP=0 ",
	  6, 'C', REASON_TCP_SEQ_OVER_UB, "SEQ is over upper bound 2864372049 (over the window of the receiver)", "tcp-seq-over-ub-6.1", true },
	{ "nf_ct_proto_6: ACK is over upper bound 39803 (ACKed data not seen yet) IN= OUT=eth0 SRC=192.0.2.1 DST=192.0.2.2 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 DPT=2 SEQ=240 ACK=40128 WINDOW=10030 RES=0x00 ACK URG URGP=0 ",
	  6, 'C', REASON_TCP_ACK_OVER_UB, "ACK is over upper bound 39803 (ACKed data not seen yet)", "tcp-ack-over-ub-6.1", true },
	{ "nf_ct_proto_6: ignored ACK under lower bound 4294967295 (possible overly delayed) IN=eth0 OUT= MAC= SRC=192.0.2.1 DST=192.0.2.2 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 DPT=2 SEQ=240 ACK=1 WINDOW=10030 RES=0x00 ACK URGP=0 ",
	  6, 'C', REASON_TCP_ACK_UNDER_LB, "ignored ACK under lower bound 4294967295 (possible overly delayed)", "tcp-ack-under-lb-6.1", true },
	{ "nf_ct_proto_6: packet (index 2, dir 1) response for index 3 lower timeout to 30000 IN=eth0 OUT= MAC= SRC=192.0.2.1 DST=192.0.2.2 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 DPT=2 SEQ=240 ACK=1 WINDOW=10030 RES=0x00 ACK FIN URGP=0 ",
	  6, 'C', REASON_TCP_LOWER_TIMEOUT, "packet (index 2, dir 1) response for index 3 lower timeout to 30000", "tcp-lower-timeout-6.1", true },
	{ "nf_ct_proto_6: packet (index 3) in dir 0 invalid, state SYN_SENT IN=eth0 OUT= MAC= SRC=192.0.2.1 DST=192.0.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 DPT=2 SEQ=1 ACK=1 WINDOW=1 RES=0x00 ACK URGP=0 ",
	  6, 'C', REASON_TCP_INVALID_STATE, "packet (index 3) in dir 0 invalid, state SYN_SENT", "tcp-invalid-state-5.19", true },
	{ "nf_ct_proto_6: invalid new IN=eth0 OUT= MAC= SRC=192.0.2.1 DST=192.0.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 DPT=2 SEQ=1 ACK=1 WINDOW=1 RES=0x00 ACK SYN URGP=0 ",
	  6, 'C', REASON_TCP_INVALID_NEW, "invalid new", "tcp-invalid-new-6.7", true },
	{ "nf_ct_proto_136: invalid checksum coverage IN=eth0 OUT= MAC= SRC=192.0.2.1 DST=192.0.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDPLITE SPT=1 DPT=2 LEN=3 ",
	  136, 'C', REASON_UDPLITE_BAD_COVERAGE, "invalid checksum coverage", NULL, true },
	{ "nf_ct_proto_1: outer daddr 192.0.2.1 != inner 198.51.100.7 IN=eth0 OUT= MAC= SRC=203.0.113.1 DST=192.0.2.1 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=3 [SRC=198.51.100.7 DST=203.0.113.1 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=1 DPT=2 LEN=8 ] ",
	  1, 'C', REASON_ICMP_OUTER_DADDR, "outer daddr 192.0.2.1 != inner 198.51.100.7", "icmp-outer-daddr", true },
	{ "nf_ct_proto_58: outer daddr 2001:0db8:0000:0000:0000:0000:0000:0001 != inner 2001:0db8:0000:0000:0000:0000:0000:0002 IN=eth0 OUT= MAC= SRC=2001:0db8:0000:0000:0000:0000:0000:0003 DST=2001:0db8:0000:0000:0000:0000:0000:0001 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=1 CODE=4 ",
	  58, 'C', REASON_ICMPV6_OUTER_DADDR, "outer daddr 2001:0db8:0000:0000:0000:0000:0000:0001 != inner 2001:0db8:0000:0000:0000:0000:0000:0002", "icmpv6-outer-daddr", true },
	{ "nf_ct_proto_58: invalid saddr or hoplimit for redirect IN=eth0 OUT= MAC= SRC=2001:0db8:0000:0000:0000:0000:0000:0003 DST=2001:0db8:0000:0000:0000:0000:0000:0001 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=137 CODE=0 ",
	  58, 'C', REASON_ICMPV6_REDIRECT_SADDR, "invalid saddr or hoplimit for redirect", NULL, true },
	/* SCTP: double tag in era B/C, era A 4.11-4.14, 6.3+ messages */
	{ "nf_ct_proto_132: nf_ct_sctp: bad CRC  IN=eth0 OUT= MAC= SRC=192.0.2.1 DST=192.0.2.2 LEN=48 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=132 ",
	  132, 'C', REASON_SCTP_BAD_CRC, "nf_ct_sctp: bad CRC", "sctp-bad-crc", true },
	{ "nf_ct_sctp: failed to read header IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=48 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=132 ",
	  132, 'A', REASON_SCTP_READ_HEADER, "failed to read header", "sctp-read-header-a", true },
	{ "nf_ct_proto_132: do_basic_checks failed. chunk num 0, type 1, len 5120 flag 0",
	  132, 'B', REASON_SCTP_BASIC_CHECKS, "do_basic_checks failed. chunk num 0, type 1, len 5120 flag 0", "sctp-basic-checks-6.3", false },
	{ "nf_ct_proto_132: verification tag check failed 78563412 vs 0 for dir 1 IN=eth0 OUT= MAC= SRC=192.0.2.1 DST=192.0.2.2 LEN=48 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=132 ",
	  132, 'C', REASON_SCTP_VTAG, "verification tag check failed 78563412 vs 0 for dir 1", "sctp-vtag-6.3", true },
	/* unknown conntrack lines are kept */
	{ "nf_ct_proto_6: something new and unheard of IN=eth0 OUT= MAC= SRC=192.0.2.1 DST=192.0.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 SEQ=1 ACK=1 WINDOW=1 RES=0x00 ACK URGP=0 ",
	  6, 'C', REASON_UNRECOGNIZED, "something new and unheard of", NULL, true },
	{ "nf_ct_dccp: bad checksum IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=48 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=33 ",
	  33, 'A', REASON_UNRECOGNIZED, "bad checksum", NULL, true },
	{ "nf_ct_proto_33: nf_ct_dccp: reserved packet type  IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=48 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=33 ",
	  33, 'B', REASON_UNRECOGNIZED, "nf_ct_dccp: reserved packet type", NULL, true },
	/* a TCP message logged under another protocol is not that reason */
	{ "nf_ct_proto_17: invalid rst IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=1 DPT=2 LEN=8 ",
	  17, 'B', REASON_UNRECOGNIZED, "invalid rst", NULL, true },
	/* the prefix anywhere in the text; a cut line without a dump */
	{ "Nov 26 15:08:26 gw1 kernel: [  219.101320] nf_ct_proto_6: invalid rst IN= OUT=eth0 SRC=192.0.2.1 DST=192.0.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 SEQ=1 ACK=1 WINDOW=1 RES=0x00 RST URGP=0 ",
	  6, 'C', REASON_TCP_INVALID_RST, "invalid rst", "tcp-invalid-rst", true },
	{ "nf_ct_proto_6: challenge-ack ignored",
	  6, 'B', REASON_TCP_CHALLENGE_ACK_IGNORED, "challenge-ack ignored", "tcp-challenge-ack", false },
	{ "nf_ct_proto_6: challenge-ack ignored IN=eth0 OUT= MAC=fa:da",
	  6, 'C', REASON_TCP_CHALLENGE_ACK_IGNORED, "challenge-ack ignored", "tcp-challenge-ack", false },
	{ "nf_ct_udp_x nf_ct_proto_17: short packet IN= OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=24 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP INCOMPLETE [4 bytes] ",
	  17, 'B', REASON_UDP_SHORT, "short packet", "udp-short", true },
	{ "nf_ct_proto_6: IN=eth0 OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP ",
	  6, 'C', REASON_UNRECOGNIZED, "", NULL, true },
};

static void
test_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct line_case *c = &cases[i];
		struct log_event ev;
		int rc = parse(c->msg, &ev);

		TEST(check_int(rc, ==, 1) && check_int(ev.proto, ==, c->proto) && check_int(ev.era, ==, c->era) &&
		     check_str(reason_code(ev.reason), reason_code(c->reason)) &&
		     check_str(ev.message, c->message) &&
		     (!c->rule_id || check_str(ev.rule_id ? ev.rule_id : "(null)", c->rule_id)) &&
		     (c->reason != REASON_UNRECOGNIZED || check(ev.rule_id == NULL)) &&
		     check_int(ev.has_pkt, ==, c->has_pkt),
		     "line %zu: %.60s", i, c->msg);
		log_event_release(&ev);
	}
}

static void
test_details(void)
{
	struct log_event ev;

	parse(cases[0].msg, &ev);
	TEST(check_str(ev.path, "kern.log") && check_uint(ev.line, ==, 42) && check_str(ev.host, "gw1") &&
	     check(ev.has_mono) && check_int(ev.mono_us, ==, 219101320) && check(!ev.has_wall) &&
	     check_str(ev.pkt.in, "vb") && check(is_ip4(&ev.pkt.src, "10.99.0.1")) &&
	     check_uint(ev.pkt.sport, ==, 40000) && check_uint(ev.pkt.tcp_flags, ==, 0x04 | 0x02),
	     "event copies the record and the packet dump");
	log_event_release(&ev);

	parse(cases[18].msg, &ev);
	TEST(check_uint(ev.args.has, ==, REASON_ARG_BOUND) && check_uint(ev.args.bound, ==, 2864372049u),
	     "bound I value from the named group");
	log_event_release(&ev);

	parse(cases[21].msg, &ev);
	TEST(check_uint(ev.args.has, ==, REASON_ARG_INDEX | REASON_ARG_DIR | REASON_ARG_RESP_INDEX | REASON_ARG_TIMEOUT) &&
	     check_int(ev.args.index, ==, 2) && check_int(ev.args.dir, ==, 1) &&
	     check_int(ev.args.resp_index, ==, 3) && check_uint(ev.args.timeout, ==, 30000),
	     "lower timeout: four numbers");
	log_event_release(&ev);

	parse(cases[13].msg, &ev);
	TEST(check_uint(ev.args.has, ==, REASON_ARG_STATE) && check_str(ev.args.state, "ESTABLISHED"),
	     "state name");
	log_event_release(&ev);

	parse(cases[25].msg, &ev);
	TEST(check_str(ev.args.outer, "192.0.2.1") && check_str(ev.args.inner, "198.51.100.7") &&
	     check(ev.pkt.inner.present) && check_uint(ev.pkt.inner.dport, ==, 2),
	     "outer/inner addresses; quoted packet");
	log_event_release(&ev);

	parse(cases[17].msg, &ev);
	TEST(check_uint(ev.args.overshot, ==, 1234) && check(ev.pkt.has & NFL_MAC) && check_uint(ev.pkt.mac_len, ==, 0),
	     "overshoot value; empty MAC=");
	log_event_release(&ev);

	/* record without host */
	{
		struct log_record rec;
		const char *m = "nf_ct_proto_6: invalid rst";

		memset(&rec, 0, sizeof(rec));
		rec.path = "j.json";
		rec.line = 7;
		rec.msg = m;
		rec.msg_len = strlen(m);
		int rc = logparse_record(&ctx, rules, &rec, &ev);

		TEST(check_int(rc, ==, 1) && check(ev.host == NULL) &&
		     check_str(ev.path, "j.json"), "no host");
		log_event_release(&ev);
	}
}

static void
test_odd(void)
{
	struct log_event ev;

	int rc = parse("eth0: link becomes ready", &ev);

	TEST(check_int(rc, ==, 0) && check(ev.message == NULL),
	     "non-conntrack line -> 0");
	rc = parse("nf_conntrack: table full, dropping packet", &ev);
	TEST(check_int(rc, ==, 0),
	     "conntrack core drop message is not an invalid log");
	rc = parse("nf_ct_ftp: dropping packet nf_ct_bogus: x nf_ct_proto_: y nf_ct_proto_6x: z", &ev);
	TEST(check_int(rc, ==, 0),
	     "nf_ct_ lookalikes -> 0");
	rc = parse("nf_ct_proto_999: bad checksum IN= OUT=", &ev);
	TEST(check_int(rc, ==, 0), "protocol > 255 -> 0");
	rc = parse("", &ev);
	int rc2 = parse_n(NULL, 0, &ev);
	TEST(check_int(rc, ==, 0) && check_int(rc2, ==, 0), "empty");

	/* NULs: before the prefix, inside the message, inside the dump */
	{
		static const char m1[] = "\0\0nf_ct_proto_17: bad checksum IN=vb OUT= SRC=10.99.0.1 DST=10.99.0.2 LEN=33 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=1 DPT=2 LEN=13 ";
		static const char m2[] = "nf_ct_proto_17: bad\0checksum IN=vb OUT= SRC=10.99.0.1 DST=10.99.0.2 LEN=33 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=1 DPT=2 LEN=13 ";
		static const char m3[] = "nf_ct_proto_17: bad checksum IN=vb OUT= SRC=10.99.0.1 DST=10.99\0.0.2 LEN=33 PROTO=UDP ";

		rc = parse_n(m1, sizeof(m1) - 1, &ev);
		TEST(check_int(rc, ==, 1) && check_int(ev.reason, ==, REASON_UDP_BAD_CHECKSUM) &&
		     check(ev.has_pkt), "NULs before the prefix");
		log_event_release(&ev);
		rc = parse_n(m2, sizeof(m2) - 1, &ev);
		TEST(check_int(rc, ==, 1) && check_str(ev.message, "bad") &&
		     check_int(ev.reason, ==, REASON_UNRECOGNIZED) && check(ev.has_pkt),
		     "NUL inside the message ends it (kept as unrecognized)");
		log_event_release(&ev);
		rc = parse_n(m3, sizeof(m3) - 1, &ev);
		TEST(check_int(rc, ==, 1) && check_int(ev.reason, ==, REASON_UDP_BAD_CHECKSUM) &&
		     check(!ev.has_pkt) && check(ev.pkt.has & NFL_SRC) && check(!(ev.pkt.has & NFL_DST)),
		     "NUL inside the dump: that field is lost, the event stays");
		log_event_release(&ev);
	}

	/* SCTP's message ends in a newline: one journal record holds both parts */
	{
		static const char m1[] = "nf_ct_proto_132: do_basic_checks failed. chunk num 0, type 1, len 0 flag 1\n IN=rf1 OUT= MAC= SRC=192.0.2.1 DST=192.0.2.2 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=9 PROTO=132 ";
		static const char m2[] = "nf_ct_proto_132: do_basic_checks failed. chunk num 2, type 0, len 4 flag 0\\x0a IN=rf1 OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=9 PROTO=132 ";

		rc = parse(m1, &ev);
		TEST(check_int(rc, ==, 1) && check_int(ev.reason, ==, REASON_SCTP_BASIC_CHECKS) &&
		     check_str(ev.message, "do_basic_checks failed. chunk num 0, type 1, len 0 flag 1") &&
		     check(ev.has_pkt) && check_int(ev.era, ==, 'C') && check_uint(ev.pkt.proto, ==, 132),
		     "SCTP message with its newline inside one record");
		log_event_release(&ev);
		rc = parse(m2, &ev);
		TEST(check_int(rc, ==, 1) && check_int(ev.reason, ==, REASON_SCTP_BASIC_CHECKS) &&
		     check_str(ev.message, "do_basic_checks failed. chunk num 2, type 0, len 4 flag 0") &&
		     check(ev.has_pkt), "SCTP newline shown as \\x0a by the reader");
		log_event_release(&ev);
	}

	/* an over-long cut line: 70000 bytes, no dump */
	{
		size_t n = 70000;
		char *big = malloc(n);
		struct log_record rec;

		if (big) {
			memcpy(big, "nf_ct_proto_6: ", 15);
			memset(big + 15, 'A', n - 15);
			memset(&rec, 0, sizeof(rec));
			rec.path = "kern.log";
			rec.line = 3;
			rec.msg = big;
			rec.msg_len = n;
			rec.cut = true;
			rc = logparse_record(&ctx, rules, &rec, &ev);
			TEST(check_int(rc, ==, 1) &&
			     check_int(ev.reason, ==, REASON_UNRECOGNIZED) && check(!ev.has_pkt) &&
			     check_uint(strlen(ev.message), ==, 1024) && check_int(ev.era, ==, 'B'),
			     "over-long line: event kept, message capped at 1024 bytes");
			log_event_release(&ev);
			/* the same with a dump far away: cut at every length must not crash */
			free(big);
		}
	}

	/* every prefix of a real line parses without reading past its end (ASan) */
	{
		const char *s = cases[25].msg;
		size_t len = strlen(s);
		int bad = 0;

		for (size_t k = 0; k <= len; k++) {
			char *c = malloc(k ? k : 1);

			if (!c)
				break;
			memcpy(c, s, k);
			rc = parse_n(c, k, &ev);
			if (rc < 0 || (k >= 15 && rc != 1) || (k < 15 && rc != 0))
				bad++;
			log_event_release(&ev);
			free(c);
		}
		TEST(check_int(bad, ==, 0), "a line cut at every byte (%zu cuts)", len + 1);
	}
	TEST(check_uint(ctx.errors.n, ==, 0) && check_uint(rules_match_errors(rules), ==, 0),
	     "no errors recorded");
}

/*
 * Real lines from the live 6.18.44 kernel (dmesg, verbatim): every conntrack
 * line is recognised, has its packet (but the SCTP record whose message ends
 * in a newline), and the 6.18 wording rendered from the parsed numbers gives
 * back the logged message exactly (SCTP wordings with unnamed numbers cannot
 * be rendered).  dmesg-6.18.44.txt: TCP/UDP/UDP-Lite from the kernel lab;
 * dmesg-6.18.44-lab.txt: ICMP, ICMPv6, SCTP, IPv4 options, a reassembled
 * IPv6 datagram, crafted into a namespace pair.
 */
static void
test_real(const char *data, const char *name, int want_events, int want_other)
{
	char path[4096], line[4096];
	FILE *f;
	int n = 0, other = 0, bad = 0, v6 = 0, inner = 0;

	snprintf(path, sizeof(path), "%s/logparse/%s", data, name);
	f = fopen(path, "r");
	if (!f) {
		TEST(0, "open %s", path);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		struct log_event ev;
		char buf[256];
		size_t len = strlen(line);
		int rc, rn;

		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		rc = parse_n(line, len, &ev);
		if (rc == 0) {
			other++;
			continue;
		}
		n++;
		if (rc != 1) {
			tap_diag("%s: event %d: rc %d", name, n, rc);
			bad++;
			continue;
		}
		rn = rules_render(rules, "6.18", ev.reason, &ev.args, buf, sizeof(buf));
		if (ev.reason == REASON_UNRECOGNIZED || (ev.has_pkt && ev.pkt.proto != ev.proto) ||
		    (ev.has_pkt ? ev.era != 'C' : ev.reason != REASON_SCTP_BASIC_CHECKS) ||
		    (rn < 0 ? ev.proto != 132 : strcmp(buf, ev.message) != 0)) {
			tap_diag("%s: event %d: %s '%s' rendered '%s'", name, n, reason_code(ev.reason),
				 ev.message, rn < 0 ? "-" : buf);
			bad++;
		}
		v6 += ev.pkt.family == 6;
		inner += ev.pkt.inner.present && (ev.pkt.has & NFL_MTU);
		log_event_release(&ev);
	}
	fclose(f);
	TEST(check_int(n, ==, want_events) && check_int(other, ==, want_other) && check_int(bad, ==, 0) &&
	     check_int(v6, >, want_events / 4),
	     "%s: %d real lines recognised and re-rendered to the same text", name, n);
	if (want_other)
		TEST(check_int(inner, ==, 2), "%s: both ICMP errors carry the quoted packet and MTU", name);
}

int
main(void)
{
	char dir[4096], data[4096];
	const char *dirs[] = { dir };

	tap_paths(dir, sizeof(dir), data, sizeof(data));
	ctx_init(&ctx);
	if (rules_load(&ctx, dirs, 1, &rules) != 0) {
		TEST(0, "load rules from %s: %s", dir, ctx.errors.n ? ctx.errors.v[0].text : "?");
		ctx_release(&ctx);
		return tap_done();
	}
	test_cases();
	test_details();
	test_odd();
	test_real(data, "dmesg-6.18.44.txt", 35, 0);
	test_real(data, "dmesg-6.18.44-lab.txt", 16, 1);
	rules_free(rules);
	ctx_release(&ctx);
	return tap_done();
}
