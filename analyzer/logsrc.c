/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * logsrc.c - read kernel log exports record by record, see logsrc.h.
 *
 * Text formats are read with large read(2) calls into one buffer; lines are
 * found with memchr and returned as pointers into that buffer (no per-line
 * allocation).  A line longer than LOGSRC_LINE_MAX is cut there and the
 * rest of the physical line is skipped.  Journal JSON lines are decoded with
 * jansson (json_loadb, explicit length); journal export entries are read
 * field by field with every binary length checked against the bytes left.
 *
 * Times are converted to UTC microseconds here (days_from_civil) rather than
 * with timegm/mktime, so neither TZ nor the locale changes a result.
 *
 * Formats, as documented by their producers:
 *   util-linux dmesg(1): "[%5lu.%06lu] ", -T "%a %b %e %H:%M:%S %Y",
 *     --time-format iso "%Y-%m-%dT%H:%M:%S,%06ld%z" with a colon in the zone,
 *     -x "kern  :notice: " prefix, -r "<5>" prefix;
 *   RFC 3164 (BSD syslog stamp "Mmm dd hh:mm:ss"), RFC 3339, RFC 5424 s.6;
 *   systemd journalctl(1) -o short* and the journal export and JSON formats
 *   (systemd.io/JOURNAL_EXPORT_FORMATS).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "logsrc.h"
#include "util-strparse.h"

#define LOGSRC_CHUNK (1024u * 1024u)
/* Room for one whole chunk plus a carried-over partial line. */
#define LOGSRC_BUFSZ (LOGSRC_CHUNK + LOGSRC_LINE_MAX + 1u)
/* Lines looked at by logsrc_sniff(). */
#define SNIFF_LINES 24
/* Short journal fields kept from export entries. */
#define FIELD_SMALL 256

struct logsrc {
	struct run_ctx *ctx;
	char *path;
	int fd;
	enum logsrc_format fmt;

	/* Year for stamps without one (traditional syslog). */
	int year;
	int year_ref_month;	/* mtime month: later months are the year before; 0 = hint */
	int last_month;		/* hint mode: a Dec -> Jan step adds a year */
	int64_t day_key, day_start;	/* last (year, month, day) converted, its 00:00 in us */

	/* Read buffer: unread bytes are buf[pos, end). */
	char *buf;
	size_t pos, end;
	bool eof;
	bool skip_rest;		/* drop bytes up to the next newline (after a cut) */
	bool done;		/* end reached or error reported */
	uint64_t read_total;	/* bytes read from the file so far */
	uint64_t file_size;	/* regular files: st_size, else 0 */
	bool size_known;

	uint64_t lineno;	/* physical lines consumed */
	uint64_t entry;		/* json/export entry number */
	struct logsrc_stats st;

	/* Journal JSON: the current entry (rec pointers borrow it). */
	json_t *json;
	/* Journal JSON byte arrays and export MESSAGE: LOGSRC_LINE_MAX bytes. */
	char *msgbuf;
	/* Export: short fields copied out of the read buffer. */
	char host[FIELD_SMALL], boot[FIELD_SMALL], ident[FIELD_SMALL];
	size_t host_len, boot_len, ident_len;
	size_t msg_len;

	bool noted_mono_fallback;
};

/* ---------------------------------------------------------------------
 * Calendar arithmetic
 */

/*
 * Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1..12).
 * Howard Hinnant's days_from_civil algorithm (public domain description).
 */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

/* Year and month (1..12) of a day number (inverse of days_from_civil). */
static void
civil_from_days(int64_t z, int *year, int *month)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;

	*year = (int)((int64_t)yoe + era * 400 + (m <= 2));
	*month = (int)m;
}

static bool
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
days_in_month(int64_t y, unsigned m)
{
	static const unsigned char dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* UTC microseconds of a broken-down time; -1 when a field is out of range. */
static int
civil_to_us(int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi,
	    unsigned s, int64_t frac_us, int64_t *out)
{
	if (y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60)
		return -1;
	int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;

	*out = secs * 1000000 + frac_us;
	return 0;
}

/* ---------------------------------------------------------------------
 * Small text parsers (all bounded by @end)
 */

/* "Jan".."Dec" -> 1..12, else 0. */
static unsigned
month_of(const char *p)
{
	switch (p[0]) {
	case 'J':
		if (p[1] == 'a' && p[2] == 'n')
			return 1;
		if (p[1] == 'u' && p[2] == 'n')
			return 6;
		if (p[1] == 'u' && p[2] == 'l')
			return 7;
		return 0;
	case 'F':
		return p[1] == 'e' && p[2] == 'b' ? 2 : 0;
	case 'M':
		if (p[1] == 'a' && p[2] == 'r')
			return 3;
		if (p[1] == 'a' && p[2] == 'y')
			return 5;
		return 0;
	case 'A':
		if (p[1] == 'p' && p[2] == 'r')
			return 4;
		if (p[1] == 'u' && p[2] == 'g')
			return 8;
		return 0;
	case 'S':
		return p[1] == 'e' && p[2] == 'p' ? 9 : 0;
	case 'O':
		return p[1] == 'c' && p[2] == 't' ? 10 : 0;
	case 'N':
		return p[1] == 'o' && p[2] == 'v' ? 11 : 0;
	case 'D':
		return p[1] == 'e' && p[2] == 'c' ? 12 : 0;
	default:
		return 0;
	}
}

static bool
is_weekday(const char *p)
{
	static const char days[] = "SunMonTueWedThuFriSat";

	for (size_t i = 0; i < 21; i += 3)
		if (memcmp(p, days + i, 3) == 0)
			return true;
	return false;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Fractional seconds: 1..9 digits after the separator, in microseconds
 * (digits past the sixth are dropped).
 */
static int
parse_frac(const char **pp, const char *end, int64_t *us)
{
	const char *p = *pp;
	int64_t v = 0;
	unsigned n = 0;

	while (p < end && is_digit(*p) && n < 9) {
		if (n < 6)
			v = v * 10 + (*p - '0');
		p++;
		n++;
	}
	if (n == 0 || (p < end && is_digit(*p)))
		return -1;
	for (unsigned i = n; i < 6; i++)
		v *= 10;
	*us = v;
	*pp = p;
	return 0;
}

/* "hh:mm:ss" */
static int
parse_hms(const char **pp, const char *end, unsigned *h, unsigned *m, unsigned *s)
{
	const char *p = *pp;
	uint64_t a, b, c;

	if (sp_dec_fixed(&p, end, 2, &a) || sp_char(&p, end, ':') ||
	    sp_dec_fixed(&p, end, 2, &b) || sp_char(&p, end, ':') ||
	    sp_dec_fixed(&p, end, 2, &c))
		return -1;
	*h = (unsigned)a;
	*m = (unsigned)b;
	*s = (unsigned)c;
	*pp = p;
	return 0;
}

/*
 * Kernel monotonic stamp "[  219.101320]" (leading blanks optional).  On
 * success *pp points after the ']'.
 */
static int
parse_mono(const char **pp, const char *end, int64_t *us)
{
	const char *p = *pp;
	uint64_t sec;
	int64_t frac;

	if (sp_char(&p, end, '['))
		return -1;
	sp_blanks(&p, end);
	if (sp_dec(&p, end, UINT64_C(9000000000000), &sec) || sp_char(&p, end, '.') ||
	    parse_frac(&p, end, &frac) || sp_char(&p, end, ']'))
		return -1;
	*us = (int64_t)sec * 1000000 + frac;
	*pp = p;
	return 0;
}

/*
 * RFC 3339 / ISO 8601 stamp: YYYY-MM-DDThh:mm:ss[(.|,)frac][Z|+hh:mm|+hhmm|+hh].
 * *tz_known is false when no zone was given (taken as UTC); *whole_s is
 * true when the stamp has no fraction of a second.
 */
static int
parse_iso(const char **pp, const char *end, int64_t *us, bool *tz_known, bool *whole_s)
{
	const char *p = *pp;
	uint64_t y, mo, d;
	unsigned h, mi, s;
	int64_t frac = 0, off = 0, t;

	if (sp_dec_fixed(&p, end, 4, &y) || sp_char(&p, end, '-') ||
	    sp_dec_fixed(&p, end, 2, &mo) || sp_char(&p, end, '-') ||
	    sp_dec_fixed(&p, end, 2, &d) || sp_char(&p, end, 'T') ||
	    parse_hms(&p, end, &h, &mi, &s))
		return -1;
	*whole_s = true;
	if (p < end && (*p == '.' || *p == ',')) {
		p++;
		if (parse_frac(&p, end, &frac))
			return -1;
		*whole_s = false;
	}
	*tz_known = true;
	if (p < end && (*p == 'Z' || *p == 'z')) {
		p++;
	} else if (p < end && (*p == '+' || *p == '-')) {
		int sign = *p == '-' ? -1 : 1;
		uint64_t oh, om = 0;

		p++;
		if (sp_dec_fixed(&p, end, 2, &oh))
			return -1;
		if (p < end && *p == ':') {
			p++;
			if (sp_dec_fixed(&p, end, 2, &om))
				return -1;
		} else if (end - p >= 2 && is_digit(p[0]) && is_digit(p[1])) {
			sp_dec_fixed(&p, end, 2, &om);
		}
		if (oh > 23 || om > 59)
			return -1;
		off = sign * (int64_t)(oh * 3600 + om * 60);
	} else {
		*tz_known = false;
	}
	if (civil_to_us((int64_t)y, (unsigned)mo, (unsigned)d, h, mi, s, frac, &t))
		return -1;
	*us = t - off * 1000000;
	*pp = p;
	return 0;
}

/*
 * BSD syslog stamp "Nov 26 15:08:26" or "Nov  6 15:08:26", optionally with
 * ".101320" (journalctl -o short-precise).  Returns the month, the day and
 * the microseconds within that day.
 */
static int
parse_bsd(const char **pp, const char *end, unsigned *month, unsigned *day,
	  int64_t *day_us, bool *has_frac)
{
	const char *p = *pp;
	uint64_t d;
	unsigned h, mi, s;
	int64_t frac = 0;

	if (end - p < 15)
		return -1;
	*month = month_of(p);
	if (!*month || p[3] != ' ')
		return -1;
	/* Fast path for the fixed layout "Mmm dd hh:mm:ss" (the common case). */
	if ((p[4] == ' ' || is_digit(p[4])) && is_digit(p[5]) && p[6] == ' ' &&
	    is_digit(p[7]) && is_digit(p[8]) && p[9] == ':' && is_digit(p[10]) &&
	    is_digit(p[11]) && p[12] == ':' && is_digit(p[13]) && is_digit(p[14])) {
		d = (uint64_t)((p[4] == ' ' ? 0 : p[4] - '0') * 10 + (p[5] - '0'));
		h = (unsigned)((p[7] - '0') * 10 + (p[8] - '0'));
		mi = (unsigned)((p[10] - '0') * 10 + (p[11] - '0'));
		s = (unsigned)((p[13] - '0') * 10 + (p[14] - '0'));
		if (d == 0 || d > 31 || h > 23 || mi > 59 || s > 60)
			return -1;
		p += 15;
		goto fraction;
	}
	p += 4;
	if (*p == ' ')
		p++;
	if (sp_dec(&p, end, 31, &d) || d == 0 || sp_char(&p, end, ' ') ||
	    parse_hms(&p, end, &h, &mi, &s) || h > 23 || mi > 59 || s > 60)
		return -1;
fraction:
	*has_frac = false;
	if (p < end && *p == '.') {
		p++;
		if (parse_frac(&p, end, &frac))
			return -1;
		*has_frac = true;
	}
	*day = (unsigned)d;
	*day_us = ((int64_t)h * 3600 + mi * 60 + s) * 1000000 + frac;
	*pp = p;
	return 0;
}

/* dmesg -T: "Thu Nov 26 15:08:26 2026" (day space- or zero-padded). */
static int
parse_ctime(const char **pp, const char *end, int64_t *us)
{
	const char *p = *pp;
	unsigned mo, d, h, mi, s;
	uint64_t day, y;
	int64_t t;

	if (end - p < 24 || !is_weekday(p) || p[3] != ' ')
		return -1;
	p += 4;
	mo = month_of(p);
	if (!mo || p[3] != ' ')
		return -1;
	p += 4;
	if (*p == ' ')
		p++;
	if (sp_dec(&p, end, 31, &day) || sp_char(&p, end, ' ') ||
	    parse_hms(&p, end, &h, &mi, &s) || sp_char(&p, end, ' ') ||
	    sp_dec_fixed(&p, end, 4, &y))
		return -1;
	d = (unsigned)day;
	if (civil_to_us((int64_t)y, mo, d, h, mi, s, 0, &t))
		return -1;
	*us = t;
	*pp = p;
	return 0;
}

/*
 * Optional dmesg decorations before the stamp: "<5>" (dmesg -r) or the
 * dmesg -x "kern  :notice: " facility/level columns.
 */
static void
skip_dmesg_prefix(const char **pp, const char *end)
{
	const char *p = *pp;

	if (p < end && *p == '<') {
		const char *q = p + 1;
		uint64_t v;

		if (!sp_dec(&q, end, 1023, &v) && !sp_char(&q, end, '>')) {
			*pp = q;
			return;
		}
	}
	/* facility letters, blanks, ':', level letters, blanks, ':', ' ' */
	for (int field = 0; field < 2; field++) {
		const char *w = p;

		while (p < end && *p >= 'a' && *p <= 'z')
			p++;
		if (p == w)
			return;
		sp_blanks(&p, end);
		if (sp_char(&p, end, ':'))
			return;
	}
	if (sp_char(&p, end, ' '))
		return;
	*pp = p;
}

/* An RFC 3164 "<PRI>" in front of a BSD or ISO stamp (files written raw). */
static void
skip_pri(const char **pp, const char *end)
{
	const char *q = *pp;
	uint64_t v;

	if (sp_char(&q, end, '<') == 0 && sp_dec(&q, end, 191, &v) == 0 &&
	    sp_char(&q, end, '>') == 0)
		*pp = q;
}

/*
 * The printk caller id after a kernel stamp (CONFIG_PRINTK_CALLER):
 * "[  219.1][ T1234] msg" on the console, "[  219.1] [T1234] msg" in dmesg.
 */
static void
skip_caller(const char **pp, const char *end)
{
	const char *q = *pp;

	if (q < end && *q == ' ')
		q++;
	if (q >= end || *q != '[')
		return;
	q++;
	sp_blanks(&q, end);
	if (q >= end || (*q != 'T' && *q != 'C'))
		return;
	q++;
	if (q >= end || !is_digit(*q))
		return;
	while (q < end && is_digit(*q))
		q++;
	if (q < end && *q == ']')
		*pp = q + 1;
}

/* Journal banner lines: "-- Journal begins at ...", "-- Boot 01ab... --", ... */
static bool
is_banner(const char *p, size_t n)
{
	return n >= 3 && p[0] == '-' && p[1] == '-' && p[2] == ' ';
}

/* ---------------------------------------------------------------------
 * Year handling for stamps without one
 */

static int64_t
syslog_wall(struct logsrc *src, unsigned month, unsigned day, int64_t day_us, bool *ok)
{
	int year = src->year;
	int64_t t;

	if (src->year_ref_month) {
		/* The file was last written at year/ref_month: later months are last year's. */
		if ((int)month > src->year_ref_month)
			year--;
	} else {
		/* A year hint is the first record's year: count Dec -> Jan steps. */
		if (src->last_month == 12 && month == 1)
			src->year++;
		src->last_month = (int)month;
		year = src->year;
	}
	int64_t key = (int64_t)year * 10000 + month * 100 + day;

	if (key != src->day_key) {
		if (civil_to_us(year, month, day, 0, 0, 0, 0, &t)) {
			*ok = false;	/* Feb 29 in a guessed non-leap year */
			return 0;
		}
		src->day_key = key;
		src->day_start = t;
	}
	*ok = true;
	return src->day_start + day_us;
}

/* ---------------------------------------------------------------------
 * Text line parsers: each fills @rec from one line and returns true when
 * the line fits the format.  On false the caller returns the whole line.
 */

static void
rec_reset(struct logsrc *src, struct log_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->path = src->path;
}

/* After "kernel: ": an optional "[  219.101320] " stamp. */
static void
take_kernel_msg(const char *p, const char *end, struct log_record *rec)
{
	const char *q = p;
	int64_t mono;

	if (p < end && *p == '[' && !parse_mono(&q, end, &mono)) {
		rec->has_mono = true;
		rec->mono_us = mono;
		skip_caller(&q, end);
		if (q < end && *q == ' ')
			q++;
		p = q;
	}
	rec->msg = p;
	rec->msg_len = (size_t)(end - p);
}

/*
 * "host tag[pid]: message" after a syslog or journal stamp.  The tag ends
 * at the first ':' before any blank; a line with no tag keeps everything
 * after the host as its message.
 */
static bool
parse_host_tag(const char *p, const char *end, bool want_host, struct log_record *rec)
{
	if (want_host) {
		const char *h = p;

		while (p < end && *p != ' ')
			p++;
		if (p == h || p == end)
			return false;
		if (p - h == 7 && memcmp(h, "kernel:", 7) == 0) {
			p = h;	/* no host field (some syslogd configurations) */
		} else {
			rec->host = h;
			rec->host_len = (size_t)(p - h);
			p++;
			/* busybox syslogd: "host kern.warn kernel: msg" */
			const char *f = p;

			while (f < end && *f >= 'a' && *f <= 'z')
				f++;
			if (f > p && f < end && *f == '.') {
				const char *l = ++f;

				while (f < end && *f >= 'a' && *f <= 'z')
					f++;
				if (f > l && f < end && *f == ' ')
					p = f + 1;
			}
		}
	}
	if (end - p >= 7 && memcmp(p, "kernel:", 7) == 0) {
		p += 7;
		if (p < end && *p == ' ')
			p++;
		rec->ident = "kernel";
		rec->ident_len = 6;
		rec->is_kernel = true;
		take_kernel_msg(p, end, rec);
		return true;
	}
	const char *t = p, *tag_end = NULL;

	while (p < end && *p != ' ' && *p != ':')
		p++;
	if (p < end && *p == ':') {
		tag_end = p;
		const char *br = memchr(t, '[', (size_t)(tag_end - t));

		rec->ident = t;
		rec->ident_len = (size_t)((br ? br : tag_end) - t);
		p++;
		if (p < end && *p == ' ')
			p++;
	} else {
		p = t;
	}
	rec->is_kernel = false;
	rec->msg = p;
	rec->msg_len = (size_t)(end - p);
	return true;
}

static bool
parse_dmesg(const char *p, const char *end, struct log_record *rec)
{
	int64_t us;

	skip_dmesg_prefix(&p, end);
	if (parse_mono(&p, end, &us))
		return false;
	rec->has_mono = true;
	rec->mono_us = us;
	skip_caller(&p, end);
	if (p < end && *p == ' ')
		p++;
	rec->is_kernel = true;
	rec->msg = p;
	rec->msg_len = (size_t)(end - p);
	return true;
}

static bool
parse_dmesg_ctime(const char *p, const char *end, struct log_record *rec)
{
	int64_t us;

	skip_dmesg_prefix(&p, end);
	if (sp_char(&p, end, '[') || parse_ctime(&p, end, &us) || sp_char(&p, end, ']'))
		return false;
	rec->has_wall = true;
	rec->wall_us = us;
	rec->wall_whole_s = true;
	rec->wall_tz_guessed = true;
	if (p < end && *p == ' ')
		p++;
	rec->is_kernel = true;
	rec->msg = p;
	rec->msg_len = (size_t)(end - p);
	return true;
}

static bool
parse_dmesg_iso(const char *p, const char *end, struct log_record *rec)
{
	int64_t us;
	bool tz;

	skip_dmesg_prefix(&p, end);
	if (parse_iso(&p, end, &us, &tz, &rec->wall_whole_s))
		return false;
	rec->has_wall = true;
	rec->wall_us = us;
	rec->wall_tz_guessed = !tz;
	if (p < end && *p == ' ')
		p++;
	rec->is_kernel = true;
	rec->msg = p;
	rec->msg_len = (size_t)(end - p);
	return true;
}

static bool
parse_syslog(struct logsrc *src, const char *p, const char *end, struct log_record *rec)
{
	unsigned mo, d;
	int64_t day_us, t;
	bool frac, ok;

	skip_pri(&p, end);
	if (parse_bsd(&p, end, &mo, &d, &day_us, &frac) || sp_char(&p, end, ' '))
		return false;
	t = syslog_wall(src, mo, d, day_us, &ok);
	if (!ok)
		return false;
	rec->has_wall = true;
	rec->wall_us = t;
	rec->wall_whole_s = !frac;
	rec->wall_year_guessed = true;
	rec->wall_tz_guessed = true;
	return parse_host_tag(p, end, true, rec);
}

static bool
parse_syslog_iso(const char *p, const char *end, struct log_record *rec)
{
	int64_t us;
	bool tz;

	skip_pri(&p, end);
	if (parse_iso(&p, end, &us, &tz, &rec->wall_whole_s) || sp_char(&p, end, ' '))
		return false;
	rec->has_wall = true;
	rec->wall_us = us;
	rec->wall_tz_guessed = !tz;
	return parse_host_tag(p, end, true, rec);
}

static bool
parse_short_mono(const char *p, const char *end, struct log_record *rec)
{
	int64_t us;

	if (parse_mono(&p, end, &us) || sp_char(&p, end, ' '))
		return false;
	if (!parse_host_tag(p, end, true, rec))
		return false;
	/* The journal's stamp wins over a stamp inside the message. */
	rec->has_mono = true;
	rec->mono_us = us;
	return true;
}

/* RFC 5424 token up to the next blank; "-" is the nil value. */
static int
rfc5424_token(const char **pp, const char *end, const char **tok, size_t *len)
{
	const char *p = *pp, *s = p;

	while (p < end && *p != ' ')
		p++;
	if (p == s || p == end)
		return -1;
	*tok = s;
	*len = (size_t)(p - s);
	if (*len == 1 && *s == '-')
		*tok = NULL;
	*pp = p + 1;
	return 0;
}

/* RFC 5424 STRUCTURED-DATA: "-" or one or more "[id k="v\]"...]". */
static int
rfc5424_sd(const char **pp, const char *end)
{
	const char *p = *pp;

	if (p < end && *p == '-') {
		*pp = p + 1;
		return 0;
	}
	if (p >= end || *p != '[')
		return -1;
	while (p < end && *p == '[') {
		bool quoted = false;

		p++;
		while (p < end) {
			if (quoted && *p == '\\' && end - p >= 2) {
				p += 2;
				continue;
			}
			if (*p == '"')
				quoted = !quoted;
			else if (!quoted && *p == ']')
				break;
			p++;
		}
		if (p >= end)
			return -1;
		p++;
	}
	*pp = p;
	return 0;
}

static bool
parse_rfc5424(const char *p, const char *end, struct log_record *rec)
{
	uint64_t pri, ver;
	const char *ts, *host, *app, *proc, *msgid;
	size_t ts_len, host_len, app_len, proc_len, msgid_len;

	if (sp_char(&p, end, '<') || sp_dec(&p, end, 191, &pri) ||
	    sp_char(&p, end, '>') || sp_dec(&p, end, 99, &ver) || ver == 0 ||
	    sp_char(&p, end, ' ') ||
	    rfc5424_token(&p, end, &ts, &ts_len) ||
	    rfc5424_token(&p, end, &host, &host_len) ||
	    rfc5424_token(&p, end, &app, &app_len) ||
	    rfc5424_token(&p, end, &proc, &proc_len) ||
	    rfc5424_token(&p, end, &msgid, &msgid_len) ||
	    rfc5424_sd(&p, end))
		return false;
	if (p < end && *p != ' ')
		return false;
	if (ts) {
		const char *q = ts;
		int64_t us;
		bool tz;

		if (parse_iso(&q, ts + ts_len, &us, &tz, &rec->wall_whole_s) || q != ts + ts_len)
			return false;
		rec->has_wall = true;
		rec->wall_us = us;
		rec->wall_tz_guessed = !tz;
	}
	rec->host = host;
	rec->host_len = host ? host_len : 0;
	rec->ident = app;
	rec->ident_len = app ? app_len : 0;
	if (p < end)
		p++;
	if (end - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
	    (unsigned char)p[2] == 0xBF)
		p += 3;
	/* Facility 0 (kern) or app-name "kernel". */
	rec->is_kernel = (app && app_len == 6 && memcmp(app, "kernel", 6) == 0) ||
			 (!app && pri / 8 == 0);
	if (rec->is_kernel) {
		take_kernel_msg(p, end, rec);
	} else {
		rec->msg = p;
		rec->msg_len = (size_t)(end - p);
	}
	return true;
}

/* ---------------------------------------------------------------------
 * Sniffing
 */

/* Does the text after a stamp look like "host ident[pid]: " (journal/syslog)? */
static bool
looks_host_tag(const char *p, const char *end)
{
	const char *h = p;

	while (p < end && *p != ' ' && *p != ':')
		p++;
	if (p == h || p >= end || *p != ' ')
		return false;
	p++;
	if (end - p >= 7 && memcmp(p, "kernel:", 7) == 0)
		return true;
	const char *t = p;

	while (p < end && *p != ' ' && *p != ':' && *p != '[')
		p++;
	if (p == t || p >= end)
		return false;
	if (*p == '[') {
		p++;
		const char *d = p;

		while (p < end && is_digit(*p))
			p++;
		return p > d && p + 1 < end && p[0] == ']' && p[1] == ':';
	}
	return false;
}

static bool
looks_json_object(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	return end - p >= 2 && *p == '{' && end[-1] == '}' &&
	       (sp_find(p, end, "\"MESSAGE\"", 9) || sp_find(p, end, "\"__REALTIME_TIMESTAMP\"", 22));
}

static bool
is_field_name(const char *p, const char *end)
{
	if (p == end || end - p > 256)
		return false;
	if (!(*p == '_' || (*p >= 'A' && *p <= 'Z')))
		return false;
	for (; p < end; p++)
		if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') || is_digit(*p)))
			return false;
	return true;
}

/* Classify one line; returns the most specific text format it fits. */
static enum logsrc_format
classify_line(const char *p, const char *end, bool *journal_hint)
{
	const char *q = p;
	int64_t us;
	bool tz, frac;
	unsigned mo, d;

	if (p < end && *p == '<' && end - p > 3) {
		uint64_t v;

		q = p + 1;
		if (!sp_dec(&q, end, 191, &v) && !sp_char(&q, end, '>') &&
		    q < end && is_digit(*q) && q + 1 < end && q[1] == ' ')
			return LOGFMT_SYSLOG_RFC5424;
		q = p;
	}
	skip_dmesg_prefix(&q, end);
	if (q < end && *q == '[') {
		const char *r = q;

		if (!parse_mono(&r, end, &us)) {
			if (r < end && *r == ' ' && looks_host_tag(r + 1, end))
				return LOGFMT_JOURNAL_SHORT_MONO;
			return LOGFMT_DMESG;
		}
		r = q + 1;
		if (!parse_ctime(&r, end, &us) && r < end && *r == ']')
			return LOGFMT_DMESG_CTIME;
	}
	skip_pri(&p, end);
	q = p;
	if (!parse_iso(&q, end, &us, &tz, &frac)) {
		/* dmesg iso: comma before the micros, never followed by "host tag:" */
		const char *c = p + 19;

		if (c < end && *c == ',')
			return LOGFMT_DMESG_ISO;
		if (q < end && *q == ' ') {
			/* journalctl short-iso writes "+0000"; rsyslog always "+00:00" */
			if (tz && q[-3] != ':' && q[-1] != 'Z')
				*journal_hint = true;
			return LOGFMT_SYSLOG_RFC3339;
		}
		return LOGFMT_UNKNOWN;
	}
	q = p;
	if (!parse_bsd(&q, end, &mo, &d, &us, &frac) && q < end && *q == ' ')
		return frac ? LOGFMT_JOURNAL_SHORT_PRECISE : LOGFMT_SYSLOG;
	return LOGFMT_UNKNOWN;
}

enum logsrc_format
logsrc_sniff(const uint8_t *buf, size_t len)
{
	const char *p = (const char *)buf, *end = p + len;
	unsigned votes[LOGFMT__COUNT] = { 0 };
	unsigned sampled = 0;
	bool journal = false;

	if (len == 0)
		return LOGFMT_UNKNOWN;
	/* UTF-8 BOM */
	if (len >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
	    (unsigned char)p[2] == 0xBF)
		p += 3;
	if (p < end && *p == 0x1E) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		return looks_json_object(p + 1, nl ? nl : end) ? LOGFMT_JOURNAL_JSON_SEQ
							       : LOGFMT_UNKNOWN;
	}

	/* Journal export: "KEY=value" lines (or binary "KEY\n" + length). */
	{
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eq = nl ? memchr(p, '=', (size_t)(nl - p)) : NULL;

		if (nl && ((eq && is_field_name(p, eq)) ||
			   (!eq && is_field_name(p, nl) && end - nl > 8))) {
			/* a second field must follow (binary fields are rare first) */
			if (eq && (sp_starts(p, end, "__CURSOR=") ||
				   sp_starts(p, end, "__REALTIME_TIMESTAMP=")))
				return LOGFMT_JOURNAL_EXPORT;
			const char *n2 = nl + 1, *nl2 = memchr(n2, '\n', (size_t)(end - n2));
			const char *eq2 = nl2 ? memchr(n2, '=', (size_t)(nl2 - n2)) : NULL;

			if (eq2 && is_field_name(n2, eq2))
				return LOGFMT_JOURNAL_EXPORT;
			if (!eq)
				return LOGFMT_JOURNAL_EXPORT;
		}
	}

	while (p < end && sampled < SNIFF_LINES) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		/* a partial last line counts only when little else was seen */
		if (!nl && sampled >= 2)
			break;
		if (le > p && le[-1] == '\r')
			le--;
		if (le == p) {
			p = nl ? nl + 1 : end;
			continue;
		}
		if (is_banner(p, (size_t)(le - p))) {
			journal = true;
		} else if (*p == '{') {
			if (looks_json_object(p, le) || (!nl && le - p > 64))
				votes[LOGFMT_JOURNAL_JSON]++;
			sampled++;
		} else {
			votes[classify_line(p, le, &journal)]++;
			sampled++;
		}
		p = nl ? nl + 1 : end;
	}
	/* Only banners ("-- No entries --"): an empty journalctl -o short output. */
	if (sampled == 0)
		return journal ? LOGFMT_SYSLOG : LOGFMT_UNKNOWN;

	unsigned best = LOGFMT_UNKNOWN, best_votes = 0;

	for (unsigned f = 1; f < LOGFMT__COUNT; f++)
		if (votes[f] > best_votes) {
			best = f;
			best_votes = votes[f];
		}
	/* A syslog file where some lines carry fractions, or a mono journal with
	 * some messages looking like raw dmesg: merge the shapes. */
	if (best == LOGFMT_SYSLOG && votes[LOGFMT_JOURNAL_SHORT_PRECISE])
		best_votes += votes[LOGFMT_JOURNAL_SHORT_PRECISE];
	if (best == LOGFMT_JOURNAL_SHORT_PRECISE)
		best_votes += votes[LOGFMT_SYSLOG];
	if ((best == LOGFMT_DMESG || best == LOGFMT_JOURNAL_SHORT_MONO) &&
	    votes[LOGFMT_JOURNAL_SHORT_MONO] &&
	    (journal || votes[LOGFMT_JOURNAL_SHORT_MONO] * 2 >= votes[LOGFMT_DMESG])) {
		best_votes = votes[LOGFMT_DMESG] + votes[LOGFMT_JOURNAL_SHORT_MONO];
		best = LOGFMT_JOURNAL_SHORT_MONO;
	}
	if (best == LOGFMT_UNKNOWN || best_votes * 2 < sampled)
		return LOGFMT_UNKNOWN;
	if (best == LOGFMT_SYSLOG_RFC3339 && journal)
		best = LOGFMT_JOURNAL_SHORT_ISO;
	return (enum logsrc_format)best;
}

const char *
logsrc_format_name(enum logsrc_format f)
{
	switch (f) {
	case LOGFMT_DMESG:
		return "dmesg";
	case LOGFMT_DMESG_CTIME:
		return "dmesg-ctime";
	case LOGFMT_DMESG_ISO:
		return "dmesg-iso";
	case LOGFMT_SYSLOG:
		return "syslog";
	case LOGFMT_SYSLOG_RFC3339:
		return "syslog-rfc3339";
	case LOGFMT_SYSLOG_RFC5424:
		return "syslog-rfc5424";
	case LOGFMT_JOURNAL_SHORT_ISO:
		return "journal-short-iso";
	case LOGFMT_JOURNAL_SHORT_PRECISE:
		return "journal-short-precise";
	case LOGFMT_JOURNAL_SHORT_MONO:
		return "journal-short-monotonic";
	case LOGFMT_JOURNAL_JSON:
		return "journal-json";
	case LOGFMT_JOURNAL_JSON_SEQ:
		return "journal-json-seq";
	case LOGFMT_JOURNAL_EXPORT:
		return "journal-export";
	case LOGFMT_UNKNOWN:
	case LOGFMT__COUNT:
		break;
	}
	return "unknown";
}

/* ---------------------------------------------------------------------
 * Buffered reading
 */

/*
 * Move the unread bytes to the front and read more.  Returns the number of
 * bytes read (0 at end of file) or a negative enum err.
 */
static int
fill(struct logsrc *src)
{
	size_t left = src->end - src->pos;

	if (src->eof)
		return 0;
	if (src->pos > 0) {
		memmove(src->buf, src->buf + src->pos, left);
		src->pos = 0;
		src->end = left;
	}
	for (;;) {
		size_t room = LOGSRC_BUFSZ - src->end;
		ssize_t n;

		if (room > LOGSRC_CHUNK)
			room = LOGSRC_CHUNK;
		if (room == 0)
			return ctx_err(src->ctx, ERR_INTERNAL, "%s: read buffer full", src->path);
		n = read(src->fd, src->buf + src->end, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ctx_err(src->ctx, ERR_INPUT, "%s: read error after %llu bytes: %s",
				       src->path, (unsigned long long)src->read_total,
				       strerror(errno));
		if (n == 0) {
			src->eof = true;
			return 0;
		}
		src->end += (size_t)n;
		src->read_total += (uint64_t)n;
		return (int)(n > 0);
	}
}

/*
 * Next physical line: 1 with [*line, *line + *len) (no newline), 0 at end,
 * negative on a read error.  *had_nl tells whether a newline ended it; *cut
 * whether it was longer than LOGSRC_LINE_MAX (the rest is skipped).
 */
static int
next_line(struct logsrc *src, const char **line, size_t *len, bool *cut, bool *had_nl)
{
	int r;

	while (src->skip_rest) {
		const char *s = src->buf + src->pos;
		const char *nl = memchr(s, '\n', src->end - src->pos);

		if (nl) {
			src->pos += (size_t)(nl - s) + 1;
			src->skip_rest = false;
			break;
		}
		src->pos = src->end;
		r = fill(src);
		if (r < 0)
			return r;
		if (r == 0) {
			src->skip_rest = false;
			return 0;
		}
	}
	for (;;) {
		const char *s = src->buf + src->pos;
		size_t avail = src->end - src->pos;
		const char *nl = memchr(s, '\n', avail);

		if (nl) {
			size_t n = (size_t)(nl - s);

			*line = s;
			*had_nl = true;
			*cut = n > LOGSRC_LINE_MAX;
			*len = *cut ? LOGSRC_LINE_MAX : n;
			src->pos += n + 1;
			src->lineno++;
			return 1;
		}
		if (avail > LOGSRC_LINE_MAX) {
			*line = s;
			*len = LOGSRC_LINE_MAX;
			*cut = true;
			*had_nl = false;
			src->pos = src->end;
			src->skip_rest = true;
			src->lineno++;
			return 1;
		}
		r = fill(src);
		if (r < 0)
			return r;
		if (r == 0) {
			if (avail == 0)
				return 0;
			*line = s;
			*len = avail;
			*cut = false;
			*had_nl = false;
			src->pos = src->end;
			src->lineno++;
			return 1;
		}
	}
}

/* ---------------------------------------------------------------------
 * Journal JSON
 */

/* A journal field value: a string, a byte array, or (repeated field) an array
 * whose first element is one of those.  NULL/0 when absent or null. */
static const char *
json_field(struct logsrc *src, json_t *obj, const char *key, size_t *len, bool use_msgbuf,
	   bool *bad)
{
	json_t *v = json_object_get(obj, key);

	*len = 0;
	if (!v || json_is_null(v))
		return NULL;
	if (json_is_array(v) && json_array_size(v) > 0) {
		json_t *first = json_array_get(v, 0);

		if (json_is_string(first) || json_is_array(first))
			v = first;
	}
	if (json_is_string(v)) {
		*len = json_string_length(v);
		return json_string_value(v);
	}
	if (json_is_array(v) && use_msgbuf) {
		size_t n = json_array_size(v), out = 0;

		for (size_t i = 0; i < n && out < LOGSRC_LINE_MAX; i++) {
			json_t *b = json_array_get(v, i);
			json_int_t x = json_is_integer(b) ? json_integer_value(b) : -1;

			if (x < 0 || x > 255) {
				*bad = true;
				break;
			}
			src->msgbuf[out++] = (char)x;
		}
		*len = out;
		return src->msgbuf;
	}
	*bad = true;
	return NULL;
}

/* Journal microsecond timestamps are decimal strings (numbers tolerated). */
static bool
json_usec(json_t *obj, const char *key, int64_t *us)
{
	json_t *v = json_object_get(obj, key);
	uint64_t x;

	if (json_is_string(v)) {
		const char *p = json_string_value(v), *end = p + json_string_length(v);

		if (sp_dec(&p, end, INT64_MAX, &x) || p != end)
			return false;
		*us = (int64_t)x;
		return true;
	}
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*us = (int64_t)json_integer_value(v);
		return true;
	}
	return false;
}

static bool
field_is(const char *v, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return v && n == l && memcmp(v, lit, l) == 0;
}

static void
note_mono_fallback(struct logsrc *src)
{
	if (src->noted_mono_fallback)
		return;
	src->noted_mono_fallback = true;
	ctx_note(src->ctx, "%s: kernel entries without _SOURCE_MONOTONIC_TIMESTAMP: kernel time "
		 "taken from __MONOTONIC_TIMESTAMP (journald's receive time)", src->path);
}

static bool
json_record(struct logsrc *src, const char *line, size_t len, struct log_record *rec)
{
	json_error_t err;
	bool bad = false;
	const char *tr, *id;
	size_t tr_len, id_len;

	if (len > 0 && *line == 0x1E) {
		line++;
		len--;
	}
	src->json = json_loadb(line, len, JSON_ALLOW_NUL, &err);
	if (!src->json || !json_is_object(src->json))
		return false;
	json_t *o = src->json;

	rec->msg = json_field(src, o, "MESSAGE", &rec->msg_len, true, &bad);
	if (!rec->msg)
		rec->msg = "";
	rec->host = json_field(src, o, "_HOSTNAME", &rec->host_len, false, &bad);
	rec->boot_id = json_field(src, o, "_BOOT_ID", &rec->boot_id_len, false, &bad);
	rec->ident = json_field(src, o, "SYSLOG_IDENTIFIER", &rec->ident_len, false, &bad);
	tr = json_field(src, o, "_TRANSPORT", &tr_len, false, &bad);
	id = rec->ident;
	id_len = rec->ident_len;
	/* neither field: cannot tell, so it may be the kernel's */
	rec->is_kernel = field_is(tr, tr_len, "kernel") || field_is(id, id_len, "kernel") ||
			 (!tr && !id);
	rec->has_wall = json_usec(o, "__REALTIME_TIMESTAMP", &rec->wall_us);
	rec->has_mono = json_usec(o, "_SOURCE_MONOTONIC_TIMESTAMP", &rec->mono_us);
	if (!rec->has_mono && json_usec(o, "__MONOTONIC_TIMESTAMP", &rec->mono_us)) {
		rec->has_mono = true;
		rec->mono_receive = true;
		if (rec->is_kernel)
			note_mono_fallback(src);
	}
	return !bad && (rec->has_wall || rec->has_mono);
}

/* ---------------------------------------------------------------------
 * Journal export
 */

/* A read error (already recorded) ends the source. */
static int
export_fail(struct logsrc *src, int err)
{
	src->done = true;
	return err;
}

static int
export_truncated(struct logsrc *src, const char *what)
{
	src->done = true;
	return ctx_err(src->ctx, ERR_INPUT, "%s: entry %llu: truncated %s",
		       src->path, (unsigned long long)src->entry, what);
}

/* Make @need bytes available at pos (need <= LOGSRC_LINE_MAX).  0 or -1 at EOF. */
static int
want(struct logsrc *src, size_t need, int *err)
{
	while (src->end - src->pos < need) {
		int r = fill(src);

		if (r < 0) {
			*err = r;
			return -1;
		}
		if (r == 0)
			return -1;
	}
	return 0;
}

static void
keep_small(char *dst, size_t *dst_len, const char *v, size_t n)
{
	if (n > FIELD_SMALL)
		n = FIELD_SMALL;
	memcpy(dst, v, n);
	*dst_len = n;
}


struct export_entry {
	bool any;		/* at least one field seen */
	bool has_msg, has_host, has_boot, has_ident;
	bool has_transport, transport_kernel;
	bool has_wall, has_srcmono, has_mono;
	int64_t wall, srcmono, mono;
	bool cut;		/* MESSAGE longer than LOGSRC_LINE_MAX */
};

static bool
usec_value(const char *v, size_t n, int64_t *out)
{
	const char *p = v;
	uint64_t x;

	if (sp_dec(&p, v + n, INT64_MAX, &x) || p != v + n)
		return false;
	*out = (int64_t)x;
	return true;
}

/* One field of an export entry; @v may be cut at LOGSRC_LINE_MAX (@cut). */
static void
export_field(struct logsrc *src, struct export_entry *e, const char *k, size_t klen,
	     const char *v, size_t vlen, bool cut)
{
	e->any = true;
	if (klen == 7 && memcmp(k, "MESSAGE", 7) == 0) {
		if (vlen > LOGSRC_LINE_MAX) {
			vlen = LOGSRC_LINE_MAX;
			cut = true;
		}
		memcpy(src->msgbuf, v, vlen);
		src->msg_len = vlen;
		e->has_msg = true;
		e->cut = cut;
	} else if (klen == 9 && memcmp(k, "_HOSTNAME", 9) == 0) {
		keep_small(src->host, &src->host_len, v, vlen);
		e->has_host = true;
	} else if (klen == 8 && memcmp(k, "_BOOT_ID", 8) == 0) {
		keep_small(src->boot, &src->boot_len, v, vlen);
		e->has_boot = true;
	} else if (klen == 17 && memcmp(k, "SYSLOG_IDENTIFIER", 17) == 0) {
		keep_small(src->ident, &src->ident_len, v, vlen);
		e->has_ident = true;
	} else if (klen == 10 && memcmp(k, "_TRANSPORT", 10) == 0) {
		e->has_transport = true;
		e->transport_kernel = vlen == 6 && memcmp(v, "kernel", 6) == 0;
	} else if (klen == 20 && memcmp(k, "__REALTIME_TIMESTAMP", 20) == 0) {
		e->has_wall = usec_value(v, vlen, &e->wall);
	} else if (klen == 27 && memcmp(k, "_SOURCE_MONOTONIC_TIMESTAMP", 27) == 0) {
		e->has_srcmono = usec_value(v, vlen, &e->srcmono);
	} else if (klen == 21 && memcmp(k, "__MONOTONIC_TIMESTAMP", 21) == 0) {
		e->has_mono = usec_value(v, vlen, &e->mono);
	}
}

/*
 * A binary field "KEY\n" <le64 length> <bytes> "\n".  The key is already
 * consumed.  The length is checked against the bytes the file still holds.
 */
static int
export_binary(struct logsrc *src, struct export_entry *e, const char *key, size_t klen)
{
	int err = ERR_INPUT;
	uint64_t n = 0, left;
	const unsigned char *b;

	if (want(src, 8, &err))
		return err == ERR_INPUT ? export_truncated(src, "binary field length")
					: export_fail(src, err);
	b = (const unsigned char *)src->buf + src->pos;
	for (int i = 7; i >= 0; i--)
		n = (n << 8) | b[i];
	src->pos += 8;
	/* bytes of the file not yet consumed; the value needs n + 1 of them */
	left = src->end - src->pos;
	if (src->size_known && src->file_size >= src->read_total)
		left += src->file_size - src->read_total;
	if (src->size_known && (left == 0 || n > left - 1)) {
		src->done = true;
		return ctx_err(src->ctx, ERR_INPUT,
			       "%s: entry %llu: binary field %.*s: length %llu exceeds the %llu "
			       "bytes left in the file (truncated)", src->path,
			       (unsigned long long)src->entry, (int)klen, key,
			       (unsigned long long)n, (unsigned long long)left);
	}
	size_t take = n > LOGSRC_LINE_MAX ? LOGSRC_LINE_MAX : (size_t)n;

	if (want(src, take, &err))
		return err == ERR_INPUT ? export_truncated(src, "binary field")
					: export_fail(src, err);
	export_field(src, e, key, klen, src->buf + src->pos, take, n > take);
	src->pos += take;
	n -= take;
	while (n > 0) {
		size_t have = src->end - src->pos;

		if (have == 0) {
			int r = fill(src);

			if (r < 0)
				return export_fail(src, r);
			if (r == 0)
				return export_truncated(src, "binary field");
			continue;
		}
		size_t skip = have < n ? have : (size_t)n;

		src->pos += skip;
		n -= skip;
	}
	if (want(src, 1, &err))
		return err == ERR_INPUT ? export_truncated(src, "binary field")
					: export_fail(src, err);
	if (src->buf[src->pos] != '\n') {
		src->done = true;
		return ctx_err(src->ctx, ERR_INPUT,
			       "%s: entry %llu: binary field %.*s not followed by a newline",
			       src->path, (unsigned long long)src->entry, (int)klen, key);
	}
	src->pos++;
	return 0;
}

static int
export_next(struct logsrc *src, struct log_record *rec)
{
	struct export_entry e;
	char key[FIELD_SMALL];

	memset(&e, 0, sizeof(e));
	src->entry++;
	for (;;) {
		const char *line, *eq;
		size_t len;
		bool cut, nl;
		int r = next_line(src, &line, &len, &cut, &nl);

		if (r < 0) {
			src->done = true;
			return r;
		}
		if (r == 0) {
			if (!e.any) {
				src->entry--;
				return 0;
			}
			break;	/* the last entry may lack its blank line */
		}
		if (len == 0) {
			if (!e.any)
				continue;	/* extra blank lines between entries */
			break;
		}
		if (!nl && !cut)
			return export_truncated(src, "field (no newline at end of file)");
		eq = memchr(line, '=', len);
		if (eq) {
			export_field(src, &e, line, (size_t)(eq - line), eq + 1,
				     len - (size_t)(eq - line) - 1, cut);
			continue;
		}
		if (cut || len > sizeof(key)) {
			src->done = true;
			return ctx_err(src->ctx, ERR_INPUT, "%s: entry %llu: field name too long",
				       src->path, (unsigned long long)src->entry);
		}
		memcpy(key, line, len);
		r = export_binary(src, &e, key, len);
		if (r < 0)
			return r;
	}
	src->st.lines++;
	if (e.cut)
		src->st.cut++;
	rec->line = src->entry;
	if (e.has_msg) {
		rec->msg = src->msgbuf;
		rec->msg_len = src->msg_len;
	} else {
		rec->msg = "";
	}
	rec->cut = e.cut;
	if (e.has_host) {
		rec->host = src->host;
		rec->host_len = src->host_len;
	}
	if (e.has_boot) {
		rec->boot_id = src->boot;
		rec->boot_id_len = src->boot_len;
	}
	if (e.has_ident) {
		rec->ident = src->ident;
		rec->ident_len = src->ident_len;
	}
	rec->is_kernel = e.transport_kernel ||
			 (e.has_ident && field_is(src->ident, src->ident_len, "kernel")) ||
			 (!e.has_transport && !e.has_ident);
	rec->has_wall = e.has_wall;
	rec->wall_us = e.wall;
	if (e.has_srcmono) {
		rec->has_mono = true;
		rec->mono_us = e.srcmono;
	} else if (e.has_mono) {
		rec->has_mono = true;
		rec->mono_us = e.mono;
		rec->mono_receive = true;
		if (rec->is_kernel)
			note_mono_fallback(src);
	}
	if (!rec->has_wall && !rec->has_mono)
		src->st.bad++;
	return 1;
}

/* ---------------------------------------------------------------------
 * Public interface
 */

int
logsrc_open(struct run_ctx *ctx, const char *path, enum logsrc_format force,
	    int year_hint, struct logsrc **out)
{
	struct logsrc *src;
	struct stat sb;
	int r;

	*out = NULL;
	src = xcalloc(1, sizeof(*src));
	if (!src)
		return ctx_err(ctx, ERR_NOMEM, "%s: out of memory", path);
	src->ctx = ctx;
	src->fd = -1;
	src->path = xstrndup(path, strlen(path));
	src->buf = malloc(LOGSRC_BUFSZ);
	src->msgbuf = malloc(LOGSRC_LINE_MAX + 1);
	if (!src->path || !src->buf || !src->msgbuf) {
		r = ctx_err(ctx, ERR_NOMEM, "%s: out of memory", path);
		goto fail;
	}
	src->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (src->fd < 0) {
		r = ctx_err(ctx, ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(src->fd, &sb) != 0) {
		r = ctx_err(ctx, ERR_INPUT, "%s: cannot stat: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(sb.st_mode)) {
		r = ctx_err(ctx, ERR_INPUT, "%s: is a directory", path);
		goto fail;
	}
	if (S_ISREG(sb.st_mode)) {
		src->size_known = true;
		src->file_size = (uint64_t)sb.st_size;
#ifdef POSIX_FADV_SEQUENTIAL
		posix_fadvise(src->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	}
	if (year_hint > 0) {
		src->year = year_hint;
	} else {
		int64_t days = (int64_t)sb.st_mtime / 86400 - ((int64_t)sb.st_mtime % 86400 < 0);

		civil_from_days(days, &src->year, &src->year_ref_month);
	}
	/* The first chunk: enough to sniff. */
	r = fill(src);
	if (r < 0)
		goto fail;
	src->fmt = force;
	if (force == LOGFMT_UNKNOWN) {
		size_t n = src->end < 65536 ? src->end : 65536;

		src->fmt = logsrc_sniff((const uint8_t *)src->buf, n);
		if (src->fmt == LOGFMT_UNKNOWN) {
			r = ctx_err(ctx, ERR_INPUT, "%s: unknown log format", path);
			goto fail;
		}
	}
	if (src->fmt == LOGFMT_SYSLOG || src->fmt == LOGFMT_JOURNAL_SHORT_PRECISE)
		ctx_note(ctx, "%s: %s stamps carry no year or zone: taken as %d (%s), UTC",
			 path, logsrc_format_name(src->fmt), src->year,
			 year_hint > 0 ? "year of the capture's first packet" :
			 "file modification year");
	if (src->fmt == LOGFMT_DMESG_CTIME)
		ctx_note(ctx, "%s: dmesg -T stamps are local time without a zone: taken as UTC "
			 "(and dmesg -T drifts after suspend)", path);
	*out = src;
	return 0;
fail:
	logsrc_free(src);
	return r;
}

int
logsrc_next(struct logsrc *src, struct log_record *rec)
{
	const char *line, *end;
	size_t len;
	bool cut, nl, ok;
	int r;

	rec_reset(src, rec);
	if (src->done)
		return 0;
	if (src->json) {
		json_decref(src->json);
		src->json = NULL;
	}
	if (src->fmt == LOGFMT_JOURNAL_EXPORT) {
		r = export_next(src, rec);
		if (r == 1)
			src->st.records++;
		else
			src->done = true;
		goto out;
	}
	for (;;) {
		r = next_line(src, &line, &len, &cut, &nl);
		if (r <= 0) {
			src->done = true;
			goto out;
		}
		src->st.lines++;
		if (!cut && len > 0 && line[len - 1] == '\r')
			len--;
		if (len == 0 || (len == 1 && line[0] == 0x1E))
			continue;
		if (is_banner(line, len))
			continue;
		break;
	}
	end = line + len;
	rec->line = src->lineno;
	rec->cut = cut;
	switch (src->fmt) {
	case LOGFMT_DMESG:
		ok = parse_dmesg(line, end, rec);
		break;
	case LOGFMT_DMESG_CTIME:
		ok = parse_dmesg_ctime(line, end, rec);
		break;
	case LOGFMT_DMESG_ISO:
		ok = parse_dmesg_iso(line, end, rec);
		break;
	case LOGFMT_SYSLOG:
	case LOGFMT_JOURNAL_SHORT_PRECISE:
		ok = parse_syslog(src, line, end, rec);
		break;
	case LOGFMT_SYSLOG_RFC3339:
	case LOGFMT_JOURNAL_SHORT_ISO:
		ok = parse_syslog_iso(line, end, rec);
		break;
	case LOGFMT_SYSLOG_RFC5424:
		ok = parse_rfc5424(line, end, rec);
		break;
	case LOGFMT_JOURNAL_SHORT_MONO:
		ok = parse_short_mono(line, end, rec);
		break;
	case LOGFMT_JOURNAL_JSON:
	case LOGFMT_JOURNAL_JSON_SEQ:
		src->entry++;
		rec->line = src->entry;
		ok = json_record(src, line, len, rec);
		break;
	default:
		ok = false;
		break;
	}
	if (!ok) {
		/* Not this format: the whole line, origin unknown. */
		uint64_t ln = rec->line;

		rec_reset(src, rec);
		rec->line = ln;
		rec->cut = cut;
		rec->msg = line;
		rec->msg_len = len;
		rec->is_kernel = true;
		src->st.bad++;
	}
	if (rec->cut)
		src->st.cut++;
	src->st.records++;
	r = 1;
out:
	/* Cut lines are counted in the stats; the caller reports them. */
	return r;
}

enum logsrc_format
logsrc_format(const struct logsrc *src)
{
	return src->fmt;
}

void
logsrc_stats(const struct logsrc *src, struct logsrc_stats *st)
{
	*st = src->st;
}

void
logsrc_free(struct logsrc *src)
{
	if (!src)
		return;
	if (src->fd >= 0)
		close(src->fd);
	json_decref(src->json);
	free(src->buf);
	free(src->msgbuf);
	free(src->path);
	free(src);
}
