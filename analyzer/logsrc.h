/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * logsrc.h - read kernel log exports record by record.
 *
 * A log source turns one input file into records (time, host, message,
 * position).  It knows every text and journal format ctexplain reads and
 * nothing about conntrack.  The format is recognised from the content.
 *
 * Formats: raw dmesg ("[  219.101320] msg"), dmesg -T, dmesg --time-format
 * iso; traditional syslog ("Nov 26 15:08:26 host kernel: [ 219.1] msg"),
 * RFC 3339 high-precision syslog, RFC 5424; journalctl -o short, short-iso,
 * short-iso-precise, short-precise, short-monotonic; journalctl -o json and
 * json-seq; journalctl -o export (binary-safe fields).
 *
 * Lines are bytes plus a length, never C strings (corrupt logs hold NULs);
 * a line longer than LOGSRC_LINE_MAX is cut and counted.
 */
#ifndef CTEXPLAIN_LOGSRC_H
#define CTEXPLAIN_LOGSRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

#define LOGSRC_LINE_MAX (64u * 1024u)

enum logsrc_format {
	LOGFMT_UNKNOWN = 0,
	LOGFMT_DMESG,		/* [  219.101320] msg */
	LOGFMT_DMESG_CTIME,	/* dmesg -T: [Thu Nov 26 15:08:26 2026] msg */
	LOGFMT_DMESG_ISO,	/* dmesg --time-format iso: 2026-11-26T15:08:26,101320+00:00 msg */
	LOGFMT_SYSLOG,		/* Nov 26 15:08:26 host kernel: msg */
	LOGFMT_SYSLOG_RFC3339,	/* 2026-11-26T15:08:26.101320+00:00 host kernel: msg */
	LOGFMT_SYSLOG_RFC5424,	/* <5>1 2026-11-26T15:08:26.101320Z host kernel - - - msg */
	LOGFMT_JOURNAL_SHORT_ISO,	/* journalctl -o short-iso / short-iso-precise */
	LOGFMT_JOURNAL_SHORT_PRECISE,	/* journalctl -o short-precise (short is LOGFMT_SYSLOG) */
	LOGFMT_JOURNAL_SHORT_MONO,	/* journalctl -o short-monotonic */
	LOGFMT_JOURNAL_JSON,	/* journalctl -o json */
	LOGFMT_JOURNAL_JSON_SEQ,	/* journalctl -o json-seq (RS-separated) */
	LOGFMT_JOURNAL_EXPORT,	/* journalctl -o export */
	LOGFMT__COUNT
};

/*
 * One log record.  All pointers borrow the source's buffers and are valid
 * until the next logsrc_next() or logsrc_free().
 */
struct log_record {
	const char *path;	/* the file it came from */
	uint64_t line;		/* 1-based line of the record's first line; entry number for json/export */
	bool has_mono;		/* kernel monotonic stamp known ([ 219.101320], _SOURCE_MONOTONIC_TIMESTAMP) */
	int64_t mono_us;	/* microseconds since boot */
	bool mono_receive;	/* journal entry without _SOURCE_MONOTONIC_TIMESTAMP: mono_us is
				 * __MONOTONIC_TIMESTAMP, journald's receive time (later than
				 * the kernel's stamp; a note is recorded in ctx) */
	bool has_wall;		/* wall-clock time known */
	int64_t wall_us;	/* microseconds since the epoch, UTC */
	bool wall_whole_s;	/* the wall stamp has no fraction (1 s resolution: dmesg -T,
				 * syslog, journalctl short / short-iso) */
	bool wall_year_guessed;	/* traditional syslog: no year in the stamp */
	bool wall_tz_guessed;	/* stamp had no zone: taken as UTC */
	const char *host;	/* NULL when the format has none */
	size_t host_len;
	const char *boot_id;	/* journal _BOOT_ID, else NULL */
	size_t boot_id_len;
	const char *ident;	/* program: syslog tag without "[pid]", RFC 5424 APP-NAME,
				 * journal SYSLOG_IDENTIFIER ("kernel", "sshd"); NULL if none */
	size_t ident_len;
	const char *msg;	/* kernel message text: after "kernel: " and any [mono] stamp;
				 * other programs: the text after "tag: "; a line that does
				 * not fit the format: the whole line.  Never NULL. */
	size_t msg_len;		/* may contain NULs; no trailing newline (nor CR) */
	bool is_kernel;		/* the record is known to come from the kernel (or can't tell:
				 * dmesg formats, lines that do not fit the format) */
	bool cut;		/* the line was longer than LOGSRC_LINE_MAX */
};

struct logsrc;

/*
 * Detect the log format from the first bytes of a file; LOGFMT_UNKNOWN if
 * none.  Up to 24 lines are classified (journal banners "-- ... " and empty
 * lines skipped); the most common shape wins if it fits at least half of
 * them.  Shapes shared by two producers: "ISO-stamp host tag: msg" is
 * LOGFMT_SYSLOG_RFC3339 unless a journal banner or a colon-less zone
 * ("+0000") says journalctl; "Mmm dd hh:mm:ss host tag:" is LOGFMT_SYSLOG
 * (also journalctl -o short).  Binary garbage gives LOGFMT_UNKNOWN.
 */
enum logsrc_format logsrc_sniff(const uint8_t *buf, size_t len);

/*
 * Name of a format for the report's inputs[].format: "dmesg", "dmesg-ctime",
 * "dmesg-iso", "syslog", "syslog-rfc3339", "syslog-rfc5424",
 * "journal-short-iso", "journal-short-precise", "journal-short-monotonic",
 * "journal-json", "journal-json-seq", "journal-export"; "unknown".
 */
const char *logsrc_format_name(enum logsrc_format f);

/*
 * Open @path.  The format is detected from its content (the first 64 KiB)
 * unless @force is not LOGFMT_UNKNOWN.  @year_hint is used for formats
 * without a year (traditional syslog, short-precise): it is the first
 * record's year and a Dec -> Jan step adds one.  With 0 the file's mtime
 * (UTC) is the reference: records in a later month than the mtime's belong
 * to the year before.  A note about the guess is recorded in @ctx.  Returns
 * 0 and *out, or a negative enum err recorded in @ctx ("kern.log: cannot
 * open: No such file or directory", "kern.log: unknown log format").
 *
 *	struct logsrc *src;
 *	struct log_record rec;
 *	if (logsrc_open(ctx, "kern.log", LOGFMT_UNKNOWN, 0, &src) == 0) {
 *		while (logsrc_next(src, &rec) == 1)
 *			use(rec.msg, rec.msg_len);
 *		logsrc_free(src);
 *	}
 */
int logsrc_open(struct run_ctx *ctx, const char *path, enum logsrc_format force,
		int year_hint, struct logsrc **out);

/*
 * Next record: 1 and *rec filled, 0 at end of file, or a negative enum err
 * (recorded in ctx with file and line; the source is then at its end).
 * Garbage lines are not errors: they are returned as records and the caller
 * finds no conntrack message in them; counts are in logsrc_stats().
 * Journal banners and empty lines are skipped (they still count in line
 * numbers).  A journal export entry cut inside a field is an ERR_INPUT error
 * naming the file and the entry; the entries before it were returned.
 */
int logsrc_next(struct logsrc *src, struct log_record *rec);

struct logsrc_stats {
	uint64_t lines;		/* physical lines (or entries) read */
	uint64_t records;	/* records returned */
	uint64_t cut;		/* records cut at LOGSRC_LINE_MAX */
	uint64_t bad;		/* lines that did not fit the format (returned with has_* false) */
};

enum logsrc_format logsrc_format(const struct logsrc *src);
void logsrc_stats(const struct logsrc *src, struct logsrc_stats *st);

/* Close and free; logsrc_free(NULL) is a no-op. */
void logsrc_free(struct logsrc *src);

#endif
