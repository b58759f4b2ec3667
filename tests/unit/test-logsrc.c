/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-logsrc.c - every log format: sniffing, messages byte for byte, times,
 * hosts, line numbers; bad input (garbage, NULs, over-long lines, a journal
 * export cut inside a binary field, a broken JSON line), year guessing and
 * chunk boundaries.  Fixtures: tests/data/logs/ (gen-fixtures.py).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "ctx.h"
#include "logsrc.h"
#include "tap.h"

static const char *const MSGS[4] = {
	"nf_ct_proto_6: invalid tcp flag combination IN=vb OUT= MAC=fa:da:e1:8f:d0:ae:16:88:05:23:a9:8d:08:00 SRC=10.99.0.1 DST=10.99.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=40000 DPT=5555 SEQ=0 ACK=0 WINDOW=8192 RES=0x00 RST SYN URGP=0 ",
	"nf_ct_proto_17: bad checksum IN=vb OUT= MAC=fa:da:e1:8f:d0:ae:16:88:05:23:a9:8d:08:00 SRC=10.99.0.1 DST=10.99.0.2 LEN=33 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=40001 DPT=5556 LEN=13 ",
	"nf_ct_proto_17: truncated/malformed packet IN=vb OUT= MAC=fa:da:e1:8f:d0:ae:16:88:05:23:a9:8d:08:00 SRC=10.99.0.1 DST=10.99.0.2 LEN=30 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=40002 DPT=5557 LEN=100 ",
	"nf_ct_proto_6: SEQ is over upper bound 2864372049 (over the window of the receiver) IN=vb OUT= MAC=fa:da:e1:8f:d0:ae:16:88:05:23:a9:8d:08:00 SRC=10.99.0.1 DST=10.99.0.2 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=40003 DPT=5558 SEQ=2864372049 ACK=1 WINDOW=502 RES=0x00 ACK PSH URGP=0 ",
};
static const int64_t MONO[4] = { 219101320, 219104587, 219107224, 219110874 };
#define BOOT_US INT64_C(1795705487000000)	/* 2026-11-26T15:04:47Z */
#define SSHD "Connection closed by 192.0.2.10 port 51234 [preauth]"
#define CHATTER "vb: entered promiscuous mode"
#define BOOT_ID "3f0c8a6e1d2b4c5fa7e9d0b1c2a3f405"

enum wall_kind { WALL_NONE, WALL_SEC, WALL_US };

struct fmt_case {
	const char *file;
	enum logsrc_format fmt;
	const char *name;
	unsigned first_line;	/* line of the first record (2 after a banner) */
	bool mono;
	enum wall_kind wall;
	bool host;		/* "fw1" */
	bool tz_guessed, year_guessed;
	bool other_prog;	/* record 3 is sshd (else kernel chatter) */
	bool journal;		/* boot id, entry numbers */
	unsigned nrec;
};

static const struct fmt_case CASES[] = {
	{ "dmesg.log", LOGFMT_DMESG, "dmesg", 1, true, WALL_NONE, false, false, false, false, false, 5 },
	{ "dmesg-x.log", LOGFMT_DMESG, "dmesg", 1, true, WALL_NONE, false, false, false, false, false, 5 },
	{ "dmesg-ctime.log", LOGFMT_DMESG_CTIME, "dmesg-ctime", 1, false, WALL_SEC, false, true, false, false, false, 5 },
	{ "dmesg-iso.log", LOGFMT_DMESG_ISO, "dmesg-iso", 1, false, WALL_US, false, false, false, false, false, 5 },
	{ "syslog.log", LOGFMT_SYSLOG, "syslog", 1, true, WALL_SEC, true, true, true, true, false, 5 },
	{ "journal-short.log", LOGFMT_SYSLOG, "syslog", 2, false, WALL_SEC, true, true, true, true, false, 5 },
	{ "journal-short-precise.log", LOGFMT_JOURNAL_SHORT_PRECISE, "journal-short-precise", 2, false, WALL_US, true, true, true, true, false, 5 },
	{ "syslog-rfc3339.log", LOGFMT_SYSLOG_RFC3339, "syslog-rfc3339", 1, true, WALL_US, true, false, false, true, false, 5 },
	{ "syslog-rfc5424.log", LOGFMT_SYSLOG_RFC5424, "syslog-rfc5424", 1, false, WALL_US, true, false, false, true, false, 5 },
	{ "journal-short-iso.log", LOGFMT_JOURNAL_SHORT_ISO, "journal-short-iso", 2, false, WALL_SEC, true, false, false, true, false, 5 },
	{ "journal-short-iso-precise.log", LOGFMT_JOURNAL_SHORT_ISO, "journal-short-iso", 2, false, WALL_US, true, false, false, true, false, 5 },
	{ "journal-short-monotonic.log", LOGFMT_JOURNAL_SHORT_MONO, "journal-short-monotonic", 2, true, WALL_NONE, true, false, false, true, false, 5 },
	{ "journal-json.json", LOGFMT_JOURNAL_JSON, "journal-json", 1, true, WALL_US, true, false, false, true, true, 5 },
	{ "journal-json-seq.json", LOGFMT_JOURNAL_JSON_SEQ, "journal-json-seq", 1, true, WALL_US, true, false, false, true, true, 5 },
	{ "journal-export.export", LOGFMT_JOURNAL_EXPORT, "journal-export", 1, true, WALL_US, true, false, false, true, true, 6 },
};

/* check_int() evaluates its operands twice: call once, then check. */
#define NEXT_IS(s, r, want) next_is((s), (r), (want), __LINE__)
#define OPEN_IS(want, ...) open_is((want), __LINE__, __VA_ARGS__)

static int
next_is(struct logsrc *s, struct log_record *r, int want, int line)
{
	int got = logsrc_next(s, r);

	return tap_check_int(got == want, "logsrc_next() == want", got, want, __FILE__, line);
}

static int
open_is(int want, int line, struct run_ctx *ctx, const char *path, enum logsrc_format f,
	int year, struct logsrc **out)
{
	int got = logsrc_open(ctx, path, f, year, out);

	return tap_check_int(got == want, "logsrc_open() == want", got, want, __FILE__, line);
}

static char *
data_path(const char *file)
{
	const char *top = getenv("top_srcdir");
	char *p = NULL;

	if (asprintf(&p, "%s/tests/data/logs/%s", top ? top : ".", file) < 0)
		abort();
	return p;
}

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = NULL;
	size_t n = 0, cap = 0;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			b = realloc(b, cap);
			if (!b)
				abort();
		}
		size_t r = fread(b + n, 1, cap - n, f);

		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	*len = n;
	return b;
}

static char *
write_tmp(const void *data, size_t len)
{
	const char *dir = getenv("TMPDIR");
	char *path = NULL;
	int fd;

	if (asprintf(&path, "%s/test-logsrc.XXXXXX", dir ? dir : "/tmp") < 0)
		abort();
	fd = mkstemp(path);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
	return path;
}

static bool
mem_is(const char *p, size_t n, const char *s)
{
	return p && n == strlen(s) && memcmp(p, s, n) == 0;
}

static bool
errors_contain(const struct run_ctx *ctx, const char *a, const char *b)
{
	for (size_t i = 0; i < ctx->errors.n; i++)
		if (strstr(ctx->errors.v[i].text, a) && (!b || strstr(ctx->errors.v[i].text, b)))
			return true;
	return false;
}

static bool
notes_contain(const struct run_ctx *ctx, const char *a)
{
	for (size_t i = 0; i < ctx->notes.n; i++)
		if (strstr(ctx->notes.v[i].text, a))
			return true;
	return false;
}

static void
test_case(const struct fmt_case *c)
{
	struct run_ctx ctx;
	struct logsrc *src = NULL;
	struct log_record rec;
	struct logsrc_stats st;
	char *path = data_path(c->file);
	size_t len;
	unsigned char *buf = slurp(path, &len);
	int r;
	unsigned n = 0, msg_ok = 0, time_ok = 0, host_ok = 0, line_ok = 0, flag_ok = 0;
	bool other_ok = false, extra_ok = c->nrec == 5;

	ctx_init(&ctx);
	TEST(check(buf != NULL) && check_int(logsrc_sniff(buf, len), ==, c->fmt),
	     "%s: sniffed as %s", c->file, c->name);
	TEST(check_str(logsrc_format_name(c->fmt), c->name), "%s: format name", c->file);
	r = logsrc_open(&ctx, path, LOGFMT_UNKNOWN, 2026, &src);
	TEST(check_int(r, ==, 0) && check_int(logsrc_format(src), ==, c->fmt),
	     "%s: opened", c->file);
	if (r != 0)
		goto out;
	while ((r = logsrc_next(src, &rec)) == 1) {
		unsigned k = n < 2 ? n : n - 1;	/* kernel message index */
		int64_t wall;

		if (n == 2) {
			other_ok = c->other_prog
				? !rec.is_kernel && mem_is(rec.msg, rec.msg_len, SSHD) &&
				  mem_is(rec.ident, rec.ident_len, "sshd")
				: rec.is_kernel && mem_is(rec.msg, rec.msg_len, CHATTER);
			other_ok = other_ok && rec.line == (c->journal ? 3 : c->first_line + 2);
			n++;
			continue;
		}
		if (n == 5) {
			/* export: binary MESSAGE with a NUL inside */
			extra_ok = rec.is_kernel && rec.msg_len == 12 &&
				   memcmp(rec.msg, "vb: odd\0byte", 12) == 0 && rec.line == 6 &&
				   rec.has_mono && rec.mono_us == 219112000;
			n++;
			continue;
		}
		if (n > 5)
			break;
		if (check(rec.is_kernel) && check_uint(rec.msg_len, ==, strlen(MSGS[k])) &&
		    check(memcmp(rec.msg, MSGS[k], rec.msg_len) == 0))
			msg_ok++;
		wall = BOOT_US + MONO[k];
		if (c->wall == WALL_SEC)
			wall -= wall % 1000000;
		bool t = check_int(rec.has_mono, ==, c->mono) &&
			 check_int(rec.has_wall, ==, c->wall != WALL_NONE);
		if (t && c->mono)
			t = check_int(rec.mono_us, ==, MONO[k]) && check(!rec.mono_receive);
		if (t && c->wall != WALL_NONE)
			t = check_int(rec.wall_us, ==, wall);
		time_ok += t;
		if (c->host ? check(mem_is(rec.host, rec.host_len, "fw1")) : check(rec.host == NULL))
			host_ok++;
		unsigned want_line = c->journal ? n + 1 : c->first_line + n;

		line_ok += check_uint(rec.line, ==, want_line);
		bool f = check_int(rec.wall_tz_guessed, ==, c->tz_guessed) &&
			 check_int(rec.wall_year_guessed, ==, c->year_guessed) && check(!rec.cut) &&
			 check_str(rec.path, path);
		if (f && c->journal)
			f = check(mem_is(rec.boot_id, rec.boot_id_len, BOOT_ID));
		flag_ok += f;
		n++;
	}
	TEST(check_int(r, ==, 0) && check_uint(n, ==, c->nrec), "%s: %u records", c->file, c->nrec);
	TEST(check_uint(msg_ok, ==, 4), "%s: 4 kernel messages byte-identical", c->file);
	TEST(check_uint(time_ok, ==, 4), "%s: times", c->file);
	TEST(check_uint(host_ok, ==, 4), "%s: host", c->file);
	TEST(check_uint(line_ok, ==, 4), "%s: line/entry numbers", c->file);
	TEST(check_uint(flag_ok, ==, 4), "%s: guessed flags, path, boot id", c->file);
	TEST(check(other_ok), "%s: the non-conntrack record", c->file);
	TEST(check(extra_ok), "%s: extra records", c->file);
	logsrc_stats(src, &st);
	TEST(check_uint(st.records, ==, c->nrec) && check_uint(st.bad, ==, 0) &&
	     check_uint(st.cut, ==, 0) && check_uint(ctx.errors.n, ==, 0),
	     "%s: stats and no errors", c->file);
	/* after the end: still 0 */
	TEST(NEXT_IS(src, &rec, 0), "%s: end is sticky", c->file);
out:
	logsrc_free(src);
	ctx_release(&ctx);
	free(buf);
	free(path);
}

static void
test_garbage(void)
{
	struct run_ctx ctx;
	struct logsrc *src = (struct logsrc *)1;
	char *path = data_path("garbage.bin");
	size_t len;
	unsigned char *buf = slurp(path, &len);

	ctx_init(&ctx);
	TEST(check(buf && len == 4096) && check_int(logsrc_sniff(buf, len), ==, LOGFMT_UNKNOWN),
	     "garbage: sniff says unknown");
	TEST(check_int(logsrc_sniff(buf, 0), ==, LOGFMT_UNKNOWN), "empty: unknown");
	TEST(check_int(logsrc_sniff((const uint8_t *)"-- No entries --\n", 17), ==, LOGFMT_SYSLOG) &&
	     check_int(logsrc_sniff((const uint8_t *)"\n\n\n", 3), ==, LOGFMT_UNKNOWN),
	     "banner only: an empty journalctl output; blank lines only: unknown");
	TEST(OPEN_IS(ERR_INPUT, &ctx, path, LOGFMT_UNKNOWN, 2026, &src) &&
	     check(src == NULL) && check(errors_contain(&ctx, "garbage.bin", "unknown log format")),
	     "garbage: open fails naming the file");
	TEST(OPEN_IS(ERR_INPUT, &ctx, "/nonexistent/kern.log", LOGFMT_UNKNOWN, 0, &src) && check(errors_contain(&ctx, "/nonexistent/kern.log", "cannot open")),
	     "missing file: cannot open");
	/* forced format on garbage: every line returned as bad, no crash */
	struct log_record rec;
	struct logsrc_stats st;
	unsigned n = 0;
	int r;

	TEST(OPEN_IS(0, &ctx, path, LOGFMT_SYSLOG, 2026, &src),
	     "garbage: forced open");
	while ((r = logsrc_next(src, &rec)) == 1)
		n += !rec.has_wall && !rec.has_mono;
	logsrc_stats(src, &st);
	TEST(check_int(r, ==, 0) && check_uint(st.records, ==, n) && check_uint(st.bad, ==, n) &&
	     check_uint(n, >, 0), "garbage: %u bad records, none with times", n);
	logsrc_free(src);
	logsrc_free(NULL);
	ctx_release(&ctx);
	free(buf);
	free(path);
}

static void
test_nul_long(void)
{
	static const char head[] = "Nov 26 15:08:27 fw1 kernel: ";
	size_t longlen = 100000;
	size_t cap = 4096 + longlen;
	char *b = malloc(cap);
	size_t n = 0;
	struct run_ctx ctx;
	struct logsrc *src = NULL;
	struct log_record rec;
	struct logsrc_stats st;

	n += (size_t)sprintf(b + n, "Nov 26 15:08:26 fw1 kernel: [  219.101320] %s\r\n", MSGS[0]);
	static const char nul[] = "Nov  6 01:02:03 fw1 kernel: a\0b\0c\n";

	memcpy(b + n, nul, sizeof(nul) - 1);
	n += sizeof(nul) - 1;
	memcpy(b + n, head, sizeof(head) - 1);
	n += sizeof(head) - 1;
	memset(b + n, 'x', longlen);
	n += longlen;
	b[n++] = '\n';
	n += (size_t)sprintf(b + n, "Nov 26 15:08:28 fw1 kernel: %s\n", MSGS[3]);
	n += (size_t)sprintf(b + n, "\x01\x02\xff garbage\n");
	n += (size_t)sprintf(b + n, "Nov 26 15:08:29 fw1 kernel: last line without newline");

	char *path = write_tmp(b, n);

	ctx_init(&ctx);
	TEST(check_int(logsrc_sniff((const uint8_t *)b, n), ==, LOGFMT_SYSLOG), "nul/long: sniff");
	TEST(OPEN_IS(0, &ctx, path, LOGFMT_UNKNOWN, 2026, &src), "nul/long: open");
	TEST(NEXT_IS(src, &rec, 1) && check(mem_is(rec.msg, rec.msg_len, MSGS[0])) &&
	     check(rec.has_mono) && check_int(rec.mono_us, ==, MONO[0]),
	     "nul/long: CRLF line, message without CR");
	/* 2026-11-06T01:02:03Z = 1793926923 */
	TEST(NEXT_IS(src, &rec, 1) && check_uint(rec.msg_len, ==, 5) &&
	     check(memcmp(rec.msg, "a\0b\0c", 5) == 0) && check_uint(rec.line, ==, 2) &&
	     check_int(rec.wall_us, ==, INT64_C(1793926923000000)),
	     "nul/long: NULs kept, space-padded day");
	TEST(NEXT_IS(src, &rec, 1) && check(rec.cut) &&
	     check_uint(rec.msg_len, ==, LOGSRC_LINE_MAX - (sizeof(head) - 1)) &&
	     check_uint(rec.line, ==, 3) && check(rec.is_kernel),
	     "nul/long: over-long line cut at LOGSRC_LINE_MAX");
	TEST(NEXT_IS(src, &rec, 1) && check(mem_is(rec.msg, rec.msg_len, MSGS[3])) &&
	     check_uint(rec.line, ==, 4) && check(!rec.cut),
	     "nul/long: the rest of the long line skipped");
	TEST(NEXT_IS(src, &rec, 1) && check(!rec.has_wall) &&
	     check_uint(rec.line, ==, 5) && check_uint(rec.msg_len, ==, 11),
	     "nul/long: garbage line returned whole");
	TEST(NEXT_IS(src, &rec, 1) &&
	     check(mem_is(rec.msg, rec.msg_len, "last line without newline")) &&
	     check_uint(rec.line, ==, 6), "nul/long: last line without newline");
	TEST(NEXT_IS(src, &rec, 0), "nul/long: end");
	logsrc_stats(src, &st);
	TEST(check_uint(st.lines, ==, 6) && check_uint(st.records, ==, 6) && check_uint(st.cut, ==, 1) &&
	     check_uint(st.bad, ==, 1),
	     "nul/long: stats count the cut and the bad line");
	logsrc_free(src);
	ctx_release(&ctx);
	unlink(path);
	free(path);
	free(b);
}

static void
test_export_cut(void)
{
	struct run_ctx ctx;
	struct logsrc *src = NULL;
	struct log_record rec;
	char *path = data_path("journal-export-cut.export");
	int r;

	ctx_init(&ctx);
	TEST(OPEN_IS(0, &ctx, path, LOGFMT_UNKNOWN, 0, &src) &&
	     check_int(logsrc_format(src), ==, LOGFMT_JOURNAL_EXPORT), "export cut: open");
	TEST(NEXT_IS(src, &rec, 1) && check(mem_is(rec.msg, rec.msg_len, MSGS[0])) &&
	     check_uint(rec.line, ==, 1), "export cut: entry 1 returned");
	r = logsrc_next(src, &rec);
	TEST(check_int(r, ==, ERR_INPUT) &&
	     check(errors_contain(&ctx, "journal-export-cut.export", "entry 2")),
	     "export cut: error names the file and entry 2");
	TEST(NEXT_IS(src, &rec, 0), "export cut: then at end");
	logsrc_free(src);

	/* The same cut read through a pipe-like stream length check: a file whose
	 * binary length claims more than the file holds, at the first entry. */
	static const char bin[] = "__REALTIME_TIMESTAMP=1\nMESSAGE\n\xff\xff\xff\xff\xff\xff\xff\x7f" "abc\n\n";
	char *p2 = write_tmp(bin, sizeof(bin) - 1);

	TEST(OPEN_IS(0, &ctx, p2, LOGFMT_UNKNOWN, 0, &src) &&
	     NEXT_IS(src, &rec, ERR_INPUT) &&
	     check(errors_contain(&ctx, p2, "entry 1")), "export: huge binary length rejected");
	logsrc_free(src);
	unlink(p2);
	free(p2);
	ctx_release(&ctx);
	free(path);
}

static void
test_json_broken(void)
{
	struct run_ctx ctx;
	struct logsrc *src = NULL;
	struct log_record rec;
	struct logsrc_stats st;
	char *path = data_path("journal-json-broken.json");

	ctx_init(&ctx);
	TEST(OPEN_IS(0, &ctx, path, LOGFMT_UNKNOWN, 0, &src) &&
	     check_int(logsrc_format(src), ==, LOGFMT_JOURNAL_JSON), "json broken: open");
	TEST(NEXT_IS(src, &rec, 1) && check(mem_is(rec.msg, rec.msg_len, MSGS[0])),
	     "json broken: entry 1");
	TEST(NEXT_IS(src, &rec, 1) && check(!rec.has_wall) && check(!rec.has_mono) &&
	     check_uint(rec.line, ==, 2), "json broken: entry 2 returned as bad");
	TEST(NEXT_IS(src, &rec, 1) && check(mem_is(rec.msg, rec.msg_len, MSGS[3])) &&
	     check_uint(rec.line, ==, 3) && check_int(rec.mono_us, ==, MONO[3]),
	     "json broken: entry 3 after it");
	TEST(NEXT_IS(src, &rec, 0), "json broken: end");
	logsrc_stats(src, &st);
	TEST(check_uint(st.bad, ==, 1) && check_uint(st.records, ==, 3) &&
	     check_uint(ctx.errors.n, ==, 0), "json broken: one bad, no error");
	logsrc_free(src);

	/* a kernel entry without _SOURCE_MONOTONIC_TIMESTAMP: fallback + note */
	static const char j[] = "{\"__REALTIME_TIMESTAMP\":\"1795705706101320\",\"__MONOTONIC_TIMESTAMP\":"
				"\"219101470\",\"_TRANSPORT\":\"kernel\",\"MESSAGE\":\"x\\u0000y\",\"_HOSTNAME\":null}\n";
	char *p2 = write_tmp(j, sizeof(j) - 1);

	TEST(OPEN_IS(0, &ctx, p2, LOGFMT_UNKNOWN, 0, &src) &&
	     NEXT_IS(src, &rec, 1) && check(rec.mono_receive) &&
	     check_int(rec.mono_us, ==, 219101470) && check(rec.is_kernel) && check(rec.host == NULL) &&
	     check_uint(rec.msg_len, ==, 3) && check(memcmp(rec.msg, "x\0y", 3) == 0) &&
	     check(notes_contain(&ctx, "receive time")),
	     "json: __MONOTONIC_TIMESTAMP fallback flagged and noted; \\u0000 kept");
	logsrc_free(src);
	unlink(p2);
	free(p2);
	ctx_release(&ctx);
	free(path);
}

static void
test_years(void)
{
	struct run_ctx ctx;
	struct logsrc *src = NULL;
	struct log_record rec;
	char *path = data_path("syslog.log");
	size_t len;
	unsigned char *buf = slurp(path, &len);
	char *p2 = write_tmp(buf, len);
	struct timeval tv[2] = { { 1798502400, 0 }, { 1798502400, 0 } };	/* 2026-12-29 */
	struct timeval tv27[2] = { { 1799193600, 0 }, { 1799193600, 0 } };	/* 2027-01-06 */

	ctx_init(&ctx);
	utimes(p2, tv);
	TEST(OPEN_IS(0, &ctx, p2, LOGFMT_UNKNOWN, 0, &src) &&
	     NEXT_IS(src, &rec, 1) &&
	     check_int(rec.wall_us, ==, INT64_C(1795705706000000)) && check(rec.wall_year_guessed) &&
	     check(notes_contain(&ctx, "no year")), "year from file mtime (2026)");
	logsrc_free(src);
	utimes(p2, tv27);
	TEST(OPEN_IS(0, &ctx, p2, LOGFMT_UNKNOWN, 0, &src) &&
	     NEXT_IS(src, &rec, 1) &&
	     check_int(rec.wall_us, ==, INT64_C(1795705706000000)),
	     "mtime in January 2027: November lines are 2026");
	logsrc_free(src);
	unlink(p2);
	free(p2);

	static const char roll[] = "Dec 31 23:59:59 h kernel: a\nJan  1 00:00:01 h kernel: b\n";
	p2 = write_tmp(roll, sizeof(roll) - 1);
	/* 2026-12-31T23:59:59Z = 1798761599; 2027-01-01T00:00:01Z = 1798761601 */
	TEST(OPEN_IS(0, &ctx, p2, LOGFMT_UNKNOWN, 2026, &src) &&
	     NEXT_IS(src, &rec, 1) &&
	     check_int(rec.wall_us, ==, INT64_C(1798761599000000)) &&
	     NEXT_IS(src, &rec, 1) &&
	     check_int(rec.wall_us, ==, INT64_C(1798761601000000)),
	     "year hint: Dec -> Jan rolls over to the next year");
	logsrc_free(src);
	unlink(p2);
	free(p2);

	/* RFC 5424 nil timestamp and host; other zone forms */
	static const char misc[] = "<4>1 - - kernel - - - hello\n"
				   "<6>1 2026-11-26T10:08:26.5-05:00 h kernel - - - x\n";
	p2 = write_tmp(misc, sizeof(misc) - 1);
	TEST(OPEN_IS(0, &ctx, p2, LOGFMT_UNKNOWN, 0, &src) &&
	     check_int(logsrc_format(src), ==, LOGFMT_SYSLOG_RFC5424) &&
	     NEXT_IS(src, &rec, 1) && check(!rec.has_wall) && check(!rec.host) &&
	     check(mem_is(rec.msg, rec.msg_len, "hello")) && NEXT_IS(src, &rec, 1) &&
	     check_int(rec.wall_us, ==, INT64_C(1795705706500000)),
	     "rfc5424: nil values, -05:00 zone, 1-digit fraction");
	logsrc_free(src);
	unlink(p2);
	free(p2);
	ctx_release(&ctx);
	free(buf);
	free(path);
}

/* Many lines across several 1 MiB reads: every line seen once, in order. */
static void
test_chunks(void)
{
	size_t lines = 40000, cap = lines * 120, n = 0;
	char *b = malloc(cap);
	struct run_ctx ctx;
	struct logsrc *src = NULL;
	struct log_record rec;
	unsigned long bad = 0, seen = 0;

	for (size_t i = 0; i < lines; i++)
		n += (size_t)snprintf(b + n, cap - n, "Nov 26 15:08:26 fw1 kernel: [%6zu.%06zu] line %zu%s\n",
				      i / 100, i % 100, i, (i % 7) ? "" : " padding padding padding padding");
	char *path = write_tmp(b, n);

	ctx_init(&ctx);
	if (logsrc_open(&ctx, path, LOGFMT_UNKNOWN, 2026, &src) == 0) {
		while (logsrc_next(src, &rec) == 1) {
			char want[64];
			int wl = snprintf(want, sizeof(want), "line %lu", seen);

			if (rec.line != seen + 1 || rec.msg_len < (size_t)wl ||
			    memcmp(rec.msg, want, (size_t)wl) != 0 || !rec.has_mono ||
			    rec.mono_us != (int64_t)(seen / 100) * 1000000 + (int64_t)(seen % 100))
				bad++;
			seen++;
		}
	}
	TEST(check_uint(seen, ==, lines) && check_uint(bad, ==, 0),
	     "%zu lines (%zu bytes) across read chunks", lines, n);
	logsrc_free(src);
	ctx_release(&ctx);
	unlink(path);
	free(path);
	free(b);
}

/* Lines of exactly LOGSRC_LINE_MAX, one byte more, and one of 3 MiB that
 * spans several reads (its newline is not in the buffer when it is cut). */
static void
test_long_lines(void)
{
	static const char head[] = "Nov 26 15:08:26 fw1 kernel: ";
	size_t hl = sizeof(head) - 1, huge = 3u << 20;
	size_t cap = 2 * LOGSRC_LINE_MAX + huge + 4096, n = 0;
	char *b = malloc(cap);
	struct run_ctx ctx;
	struct logsrc *src = NULL;
	struct log_record rec;
	struct logsrc_stats st;

	/* 1: exactly LOGSRC_LINE_MAX bytes: not cut */
	memcpy(b + n, head, hl);
	memset(b + n + hl, 'a', LOGSRC_LINE_MAX - hl);
	n += LOGSRC_LINE_MAX;
	b[n++] = '\n';
	/* 2: one byte more: cut */
	memcpy(b + n, head, hl);
	memset(b + n + hl, 'b', LOGSRC_LINE_MAX + 1 - hl);
	n += LOGSRC_LINE_MAX + 1;
	b[n++] = '\n';
	/* 3: 3 MiB */
	memcpy(b + n, head, hl);
	memset(b + n + hl, 'c', huge - hl);
	n += huge;
	b[n++] = '\n';
	n += (size_t)sprintf(b + n, "%send\n", head);

	char *path = write_tmp(b, n);

	ctx_init(&ctx);
	OPEN_IS(0, &ctx, path, LOGFMT_UNKNOWN, 2026, &src);
	TEST(NEXT_IS(src, &rec, 1) && check(!rec.cut) &&
	     check_uint(rec.msg_len, ==, LOGSRC_LINE_MAX - hl) && check(rec.msg[rec.msg_len - 1] == 'a'),
	     "long: a line of exactly LOGSRC_LINE_MAX bytes is whole");
	TEST(NEXT_IS(src, &rec, 1) && check(rec.cut) && check_uint(rec.line, ==, 2) &&
	     check_uint(rec.msg_len, ==, LOGSRC_LINE_MAX - hl), "long: one byte more is cut");
	TEST(NEXT_IS(src, &rec, 1) && check(rec.cut) && check_uint(rec.line, ==, 3) &&
	     check_uint(rec.msg_len, ==, LOGSRC_LINE_MAX - hl) && check(rec.msg[0] == 'c'),
	     "long: a 3 MiB line is cut");
	TEST(NEXT_IS(src, &rec, 1) && check(mem_is(rec.msg, rec.msg_len, "end")) &&
	     check_uint(rec.line, ==, 4), "long: the line after it is intact");
	TEST(NEXT_IS(src, &rec, 0), "long: end");
	logsrc_stats(src, &st);
	TEST(check_uint(st.cut, ==, 2) && check_uint(st.lines, ==, 4) && check_uint(st.bad, ==, 0),
	     "long: two cut, none bad");
	logsrc_free(src);
	ctx_release(&ctx);
	unlink(path);
	free(path);
	free(b);
}

/* Producer variants: one temp file per shape, first record checked. */
struct variant {
	const char *text;
	enum logsrc_format fmt;
	const char *host;	/* NULL: none expected */
	const char *msg;
	bool is_kernel;
	int64_t mono_us;	/* -1: no mono */
	int64_t wall_us;	/* -1: no wall */
};

static const struct variant VARIANTS[] = {
	/* dmesg -r */
	{ "<4>[  219.101320] nf_ct_proto_6: x\n", LOGFMT_DMESG, NULL, "nf_ct_proto_6: x", true, 219101320, -1 },
	/* dmesg with CONFIG_PRINTK_CALLER */
	{ "[  219.101320] [T1234] nf_ct_proto_6: x\n", LOGFMT_DMESG, NULL, "nf_ct_proto_6: x", true, 219101320, -1 },
	/* rsyslog imklog, console-style caller id */
	{ "Nov 26 15:08:26 fw1 kernel: [  219.101320][ T1234] nf_ct_proto_6: x\n", LOGFMT_SYSLOG, "fw1",
	  "nf_ct_proto_6: x", true, 219101320, INT64_C(1795705706000000) },
	/* busybox syslogd: facility.level column */
	{ "Nov 26 15:08:26 fw1 kern.warn kernel: nf_ct_proto_6: x\n", LOGFMT_SYSLOG, "fw1",
	  "nf_ct_proto_6: x", true, -1, INT64_C(1795705706000000) },
	/* no host field */
	{ "Nov 26 15:08:26 kernel: nf_ct_proto_6: x\n", LOGFMT_SYSLOG, NULL, "nf_ct_proto_6: x", true, -1,
	  INT64_C(1795705706000000) },
	/* raw RFC 3164 with PRI written to a file */
	{ "<4>Nov 26 15:08:26 fw1 kernel: nf_ct_proto_6: x\n", LOGFMT_SYSLOG, "fw1", "nf_ct_proto_6: x", true,
	  -1, INT64_C(1795705706000000) },
	{ "<4>2026-11-26T15:08:26.000001+00:00 fw1 kernel: nf_ct_proto_6: x\n", LOGFMT_SYSLOG_RFC3339, "fw1",
	  "nf_ct_proto_6: x", true, -1, INT64_C(1795705706000001) },
	/* a journal entry with neither _TRANSPORT nor SYSLOG_IDENTIFIER: can't tell */
	{ "{\"__REALTIME_TIMESTAMP\":\"1795705706000000\",\"MESSAGE\":\"nf_ct_proto_6: x\"}\n",
	  LOGFMT_JOURNAL_JSON, NULL, "nf_ct_proto_6: x", true, -1, INT64_C(1795705706000000) },
	/* the same from a user program */
	{ "{\"__REALTIME_TIMESTAMP\":\"1795705706000000\",\"SYSLOG_IDENTIFIER\":\"logger\",\"MESSAGE\":\"nf_ct_proto_6: x\"}\n",
	  LOGFMT_JOURNAL_JSON, NULL, "nf_ct_proto_6: x", false, -1, INT64_C(1795705706000000) },
	/* export without a trailing blank line, binary first field */
	{ "MESSAGE\n\x10\0\0\0\0\0\0\0nf_ct_proto_6: x\n__REALTIME_TIMESTAMP=1795705706000000\n",
	  LOGFMT_JOURNAL_EXPORT, NULL, "nf_ct_proto_6: x", true, -1, INT64_C(1795705706000000) },
};

static void
test_variants(void)
{
	for (size_t i = 0; i < sizeof(VARIANTS) / sizeof(VARIANTS[0]); i++) {
		const struct variant *v = &VARIANTS[i];
		/* the export variant holds NULs: its length is the literal's */
		size_t len = v->fmt == LOGFMT_JOURNAL_EXPORT ? 8 + 8 + 17 + 38 : strlen(v->text);
		char *path = write_tmp(v->text, len);
		struct run_ctx ctx;
		struct logsrc *src = NULL;
		struct log_record rec;
		bool ok;

		ctx_init(&ctx);
		ok = check_int(logsrc_sniff((const uint8_t *)v->text, len), ==, v->fmt) &&
		     OPEN_IS(0, &ctx, path, LOGFMT_UNKNOWN, 2026, &src) && NEXT_IS(src, &rec, 1) &&
		     check(mem_is(rec.msg, rec.msg_len, v->msg)) &&
		     check_int(rec.is_kernel, ==, v->is_kernel) &&
		     (v->host ? check(mem_is(rec.host, rec.host_len, v->host)) : check(rec.host == NULL)) &&
		     check_int(rec.has_mono ? rec.mono_us : -1, ==, v->mono_us) &&
		     check_int(rec.has_wall ? rec.wall_us : -1, ==, v->wall_us) &&
		     NEXT_IS(src, &rec, 0) && check_uint(ctx.errors.n, ==, 0);
		TEST(ok, "variant %zu (%s)", i, logsrc_format_name(v->fmt));
		logsrc_free(src);
		ctx_release(&ctx);
		unlink(path);
		free(path);
	}
}

/* Export: a binary MESSAGE larger than LOGSRC_LINE_MAX, then a normal entry. */
static void
test_export_big(void)
{
	size_t big = 3u << 20, n = 0;
	char *b = malloc(big + 4096);
	struct run_ctx ctx;
	struct logsrc *src = NULL;
	struct log_record rec;
	struct logsrc_stats st;

	n += (size_t)sprintf(b + n, "__REALTIME_TIMESTAMP=1\n_TRANSPORT=kernel\nMESSAGE\n");
	for (int i = 0; i < 8; i++)
		b[n++] = (char)((big >> (8 * i)) & 0xff);
	memset(b + n, 'm', big);
	n += big;
	n += (size_t)sprintf(b + n, "\n\n__REALTIME_TIMESTAMP=2\nMESSAGE=after\n\n");

	char *path = write_tmp(b, n);

	ctx_init(&ctx);
	TEST(OPEN_IS(0, &ctx, path, LOGFMT_UNKNOWN, 0, &src) && NEXT_IS(src, &rec, 1) &&
	     check(rec.cut) && check_uint(rec.msg_len, ==, LOGSRC_LINE_MAX) && check(rec.is_kernel) &&
	     check_int(rec.wall_us, ==, 1), "export: 3 MiB binary MESSAGE cut at LOGSRC_LINE_MAX");
	TEST(NEXT_IS(src, &rec, 1) && check(mem_is(rec.msg, rec.msg_len, "after")) &&
	     check_uint(rec.line, ==, 2) && check_int(rec.wall_us, ==, 2) && check(!rec.cut),
	     "export: the next entry intact");
	TEST(NEXT_IS(src, &rec, 0), "export: end");
	logsrc_stats(src, &st);
	TEST(check_uint(st.cut, ==, 1) && check_uint(st.records, ==, 2) && check_uint(ctx.errors.n, ==, 0),
	     "export: one cut counted, no error");
	logsrc_free(src);
	ctx_release(&ctx);
	unlink(path);
	free(path);
	free(b);
}

int
main(void)
{
	for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++)
		test_case(&CASES[i]);
	test_garbage();
	test_nul_long();
	test_export_cut();
	test_json_broken();
	test_years();
	test_chunks();
	test_long_lines();
	test_variants();
	test_export_big();
	return tap_done();
}
