/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * logconv.c - rewrite a raw dmesg kernel log ("[  219.101320] msg") into the
 * other log formats ctexplain reads, for the samples/ bundles.  Only the
 * framing changes: the message bytes (including trailing blanks) are copied
 * unchanged.  Wall-clock times are the kernel timestamp plus OFFSET (seconds
 * from the kernel clock's zero to the Unix epoch, e.g. 1764169012.345678),
 * printed in UTC.
 *
 *	logconv FORMAT OFFSET [HOST] < kern.log > out
 *
 * FORMAT: dmesg dmesg-T dmesg-iso syslog syslog-stamp rfc3339 rfc5424
 *	   short short-iso short-iso-precise short-precise short-monotonic
 *	   json json-seq export json-bytes export-binary
 *
 * json-bytes and export-binary write every MESSAGE the way journalctl writes
 * a field that is not printable text: as a JSON array of byte values, or as
 * a binary-safe export field (name, newline, 64-bit little-endian length,
 * bytes, newline).  The other journal formats do so only for messages that
 * need it.
 *
 * Lines without a "[...]" stamp (continuation lines) keep the previous
 * record's time.  Exit 0 ok, 1 bad input line, 2 usage.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LINE_MAX_BYTES 65536

enum fmt {
	F_DMESG, F_DMESG_T, F_DMESG_ISO, F_SYSLOG, F_SYSLOG_STAMP, F_RFC3339, F_RFC5424,
	F_SHORT, F_SHORT_ISO, F_SHORT_ISO_PRECISE, F_SHORT_PRECISE, F_SHORT_MONO,
	F_JSON, F_JSON_SEQ, F_EXPORT, F_JSON_BYTES, F_EXPORT_BINARY, F_COUNT
};

static const char *const fmt_names[F_COUNT] = {
	"dmesg", "dmesg-T", "dmesg-iso", "syslog", "syslog-stamp", "rfc3339", "rfc5424",
	"short", "short-iso", "short-iso-precise", "short-precise", "short-monotonic",
	"json", "json-seq", "export", "json-bytes", "export-binary"
};

static const char boot_id[] = "5c1e0b7a9d2f4e6a8b3c1d0e2f4a6b8c";
static const char machine_id[] = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

struct rec {
	uint64_t kern_us;	/* kernel timestamp, microseconds */
	int64_t wall_us;	/* Unix time, microseconds */
	const char *msg;
	size_t len;
	unsigned long seq;	/* 1-based */
};

/* Parse "SECONDS[.FRACTION]" (up to 6 fraction digits) into microseconds. */
static int
parse_seconds(const char *s, size_t n, int64_t *out)
{
	int64_t sec = 0, us = 0;
	size_t i = 0;
	int digits = 0, neg = 0;

	if (i < n && s[i] == '-') {
		neg = 1;
		i++;
	}
	if (i >= n || s[i] < '0' || s[i] > '9')
		return -1;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (sec > INT64_MAX / 10 / 1000000 - 10)
			return -1;
		sec = sec * 10 + (s[i] - '0');
	}
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (digits < 6) {
				us = us * 10 + (s[i] - '0');
				digits++;
			}
		}
	}
	if (i != n)
		return -1;
	for (; digits < 6; digits++)
		us *= 10;
	*out = (sec * 1000000 + us) * (neg ? -1 : 1);
	return 0;
}

static void
utc_tm(int64_t wall_us, struct tm *tm, long *usec)
{
	time_t t = (time_t)(wall_us / 1000000);
	long u = (long)(wall_us % 1000000);

	if (u < 0) {
		u += 1000000;
		t--;
	}
	gmtime_r(&t, tm);
	*usec = u;
}

static void
put_stamp_mono(FILE *o, uint64_t us)
{
	fprintf(o, "[%5" PRIu64 ".%06" PRIu64 "]", us / 1000000, us % 1000000);
}

static bool
printable(const char *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)m[i];

		if (c < 0x20 || c >= 0x7f)
			return false;
	}
	return true;
}

static void
json_string(FILE *o, const char *m, size_t n, bool bytes)
{
	size_t i;

	if (bytes || !printable(m, n)) {
		/* journalctl prints unprintable/non-UTF-8 fields as byte arrays */
		fputc('[', o);
		for (i = 0; i < n; i++)
			fprintf(o, "%s%u", i ? "," : "", (unsigned char)m[i]);
		fputc(']', o);
		return;
	}
	fputc('"', o);
	for (i = 0; i < n; i++) {
		if (m[i] == '"' || m[i] == '\\')
			fputc('\\', o);
		fputc(m[i], o);
	}
	fputc('"', o);
}

static void
cursor(char *buf, size_t size, const struct rec *r)
{
	snprintf(buf, size, "s=6a1f0c3e8d2b4f5a9e7c1b3d5f7a9c1e;i=%lx;b=%s;m=%" PRIx64
		 ";t=%" PRIx64 ";x=%lx", r->seq, boot_id, r->kern_us, (uint64_t)r->wall_us,
		 r->seq * 2654435761UL);
}

static void
emit_json(FILE *o, const struct rec *r, const char *host, bool seq, bool bytes)
{
	char cur[256];

	cursor(cur, sizeof(cur), r);
	if (seq)
		fputc(0x1e, o);
	fprintf(o, "{\"__CURSOR\":\"%s\",\"__REALTIME_TIMESTAMP\":\"%" PRId64 "\","
		"\"__MONOTONIC_TIMESTAMP\":\"%" PRIu64 "\",\"_BOOT_ID\":\"%s\","
		"\"_MACHINE_ID\":\"%s\",\"_HOSTNAME\":\"%s\",\"_TRANSPORT\":\"kernel\","
		"\"PRIORITY\":\"5\",\"SYSLOG_FACILITY\":\"0\",\"SYSLOG_IDENTIFIER\":\"kernel\","
		"\"_SOURCE_MONOTONIC_TIMESTAMP\":\"%" PRIu64 "\",\"MESSAGE\":",
		cur, r->wall_us, r->kern_us, boot_id, machine_id, host, r->kern_us);
	json_string(o, r->msg, r->len, bytes);
	fputs("}\n", o);
}

static void
export_field(FILE *o, const char *name, const char *v, size_t n, bool binary)
{
	uint64_t len = n;
	unsigned char le[8];
	int i;

	if (!binary && memchr(v, '\n', n) == NULL && printable(v, n)) {
		fprintf(o, "%s=", name);
		fwrite(v, 1, n, o);
		fputc('\n', o);
		return;
	}
	for (i = 0; i < 8; i++)
		le[i] = (unsigned char)(len >> (8 * i));
	fprintf(o, "%s\n", name);
	fwrite(le, 1, 8, o);
	fwrite(v, 1, n, o);
	fputc('\n', o);
}

static void
emit_export(FILE *o, const struct rec *r, const char *host, bool binary)
{
	char cur[256];

	cursor(cur, sizeof(cur), r);
	fprintf(o, "__CURSOR=%s\n__REALTIME_TIMESTAMP=%" PRId64 "\n__MONOTONIC_TIMESTAMP=%"
		PRIu64 "\n_BOOT_ID=%s\n_SOURCE_MONOTONIC_TIMESTAMP=%" PRIu64
		"\n_TRANSPORT=kernel\nPRIORITY=5\nSYSLOG_FACILITY=0\nSYSLOG_IDENTIFIER=kernel\n",
		cur, r->wall_us, r->kern_us, boot_id, r->kern_us);
	export_field(o, "MESSAGE", r->msg, r->len, binary);
	fprintf(o, "_MACHINE_ID=%s\n_HOSTNAME=%s\n\n", machine_id, host);
}

static void
emit(FILE *o, enum fmt f, const struct rec *r, const char *host)
{
	struct tm tm;
	long us;
	char b[64];

	utc_tm(r->wall_us, &tm, &us);
	switch (f) {
	case F_DMESG:
		put_stamp_mono(o, r->kern_us);
		fputc(' ', o);
		break;
	case F_DMESG_T:
		strftime(b, sizeof(b), "%a %b %e %H:%M:%S %Y", &tm);
		fprintf(o, "[%s] ", b);
		break;
	case F_DMESG_ISO:
		strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(o, "%s,%06ld+00:00 ", b, us);
		break;
	case F_SYSLOG:
	case F_SHORT:
		strftime(b, sizeof(b), "%b %e %H:%M:%S", &tm);
		fprintf(o, "%s %s kernel: ", b, host);
		break;
	case F_SYSLOG_STAMP:
		strftime(b, sizeof(b), "%b %e %H:%M:%S", &tm);
		fprintf(o, "%s %s kernel: ", b, host);
		put_stamp_mono(o, r->kern_us);
		fputc(' ', o);
		break;
	case F_RFC3339:
	case F_SHORT_ISO_PRECISE:
		strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(o, "%s.%06ld+00:00 %s kernel: ", b, us, host);
		break;
	case F_RFC5424:
		strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(o, "<5>1 %s.%06ldZ %s kernel - - - ", b, us, host);
		break;
	case F_SHORT_ISO:
		strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(o, "%s+00:00 %s kernel: ", b, host);
		break;
	case F_SHORT_PRECISE:
		strftime(b, sizeof(b), "%b %e %H:%M:%S", &tm);
		fprintf(o, "%s.%06ld %s kernel: ", b, us, host);
		break;
	case F_SHORT_MONO:
		put_stamp_mono(o, r->kern_us);
		fprintf(o, " %s kernel: ", host);
		break;
	case F_JSON:
	case F_JSON_SEQ:
	case F_JSON_BYTES:
		emit_json(o, r, host, f == F_JSON_SEQ, f == F_JSON_BYTES);
		return;
	case F_EXPORT:
	case F_EXPORT_BINARY:
		emit_export(o, r, host, f == F_EXPORT_BINARY);
		return;
	default:
		return;
	}
	fwrite(r->msg, 1, r->len, o);
	fputc('\n', o);
}

/* Split "[  219.101320] msg"; returns 1 with a stamp, 0 without. */
static int
split_line(const char *line, size_t n, uint64_t *kern_us, const char **msg, size_t *len)
{
	size_t i = 1, a, b;
	int64_t v;

	if (n < 3 || line[0] != '[')
		return 0;
	while (i < n && line[i] == ' ')
		i++;
	a = i;
	while (i < n && line[i] != ']')
		i++;
	if (i >= n)
		return 0;
	b = i;
	if (parse_seconds(line + a, b - a, &v) != 0 || v < 0)
		return 0;
	i++;
	if (i < n && line[i] == ' ')
		i++;
	*kern_us = (uint64_t)v;
	*msg = line + i;
	*len = n - i;
	return 1;
}

int
main(int argc, char **argv)
{
	static char line[LINE_MAX_BYTES];
	const char *host = "fw-lab";
	struct rec r;
	int64_t offset_us;
	int f;
	unsigned long lineno = 0;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: logconv FORMAT OFFSET [HOST] < kern.log\n");
		return 2;
	}
	for (f = 0; f < F_COUNT; f++)
		if (strcmp(argv[1], fmt_names[f]) == 0)
			break;
	if (f == F_COUNT) {
		fprintf(stderr, "logconv: unknown format %s\n", argv[1]);
		return 2;
	}
	if (parse_seconds(argv[2], strlen(argv[2]), &offset_us) != 0) {
		fprintf(stderr, "logconv: bad offset %s\n", argv[2]);
		return 2;
	}
	if (argc == 4)
		host = argv[3];
	memset(&r, 0, sizeof(r));
	while (fgets(line, sizeof(line), stdin) != NULL) {
		size_t n = strlen(line);
		uint64_t k;
		const char *m;
		size_t len;

		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			n--;
		else if (!feof(stdin)) {
			fprintf(stderr, "logconv: line %lu too long\n", lineno);
			return 1;
		}
		if (split_line(line, n, &k, &m, &len)) {
			r.kern_us = k;
			r.msg = m;
			r.len = len;
		} else {
			if (r.seq == 0 && f != F_DMESG) {
				fprintf(stderr, "logconv: line %lu: no [stamp] before it\n", lineno);
				return 1;
			}
			r.msg = line;
			r.len = n;
		}
		r.wall_us = offset_us + (int64_t)r.kern_us;
		r.seq++;
		if (f == F_DMESG && r.msg == line) {
			fwrite(line, 1, n, stdout);
			fputc('\n', stdout);
			continue;
		}
		emit(stdout, (enum fmt)f, &r, host);
	}
	if (ferror(stdin) || fflush(stdout) != 0) {
		fprintf(stderr, "logconv: I/O error\n");
		return 1;
	}
	return 0;
}
