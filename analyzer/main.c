/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * main.c - command line, wiring of the stages, exit statuses.
 *
 * The pipeline (STYLE.md 2.1), one way:
 *   policy defaults <- --sysctl options, sysctl dumps among the inputs
 *   rules/ -> message rules
 *   logs -> records -> conntrack events (input order, capped); stamps
 *   without a year take the year of the first capture record
 *   each capture, with its own defrag + conntrack engine (one observation
 *   point per capture): records -> struct pkt -> defrag -> engine ->
 *   flagged packets (the lines the kernel would log) + correlator candidates
 *   correlator -> matches; report model -> text or JSON writer.
 * Packets are never stored: memory depends on the number of events and
 * flagged packets (both capped), not on the size of the captures.
 *
 * Nothing below prints: every stage records errors in the run context and
 * main() prints them at the end as "ctexplain: <message>".
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "correlate.h"
#include "ct-policy.h"
#include "ct.h"
#include "ctx.h"
#include "decode.h"
#include "defrag.h"
#include "expect.h"
#include "input.h"
#include "logparse.h"
#include "logsrc.h"
#include "pcapsrc.h"
#include "report.h"
#include "report-text.h"
#include "rules-load.h"
#include "util-strparse.h"

/* Exit statuses (documented in doc/ctexplain.1). */
enum exit_status {
	EXIT_ANALYSED = 0,	/* the analysis ran, whatever it found */
	EXIT_DIFFERENCES = 1,	/* --expect found differences */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_INPUT = 3,		/* an input or rule file unreadable or corrupt */
	EXIT_INTERNAL = 4,	/* internal error, out of memory, output not writable */
};

/* Conntrack events kept at most; the rest are counted with a note. */
#define MAIN_EVENTS_MAX 100000u
/* Fragment memory per capture (the kernel's ipfrag_high_thresh is 4 MiB). */
#define MAIN_DEFRAG_MAX (4u << 20)
/* Capture timestamps beyond this (2^33 s, year 2242) or before the epoch
 * are clamped: the engine and defrag compute in int64 nanoseconds. */
#define MAIN_TS_MAX (INT64_C(1) << 33)
/* Rule directories at most (default + --rules). */
#define MAIN_RULES_DIRS_MAX 32

/* Where an installed ctexplain lives (tells an installed run from a build tree). */
#ifndef CTEXPLAIN_BINDIR
#define CTEXPLAIN_BINDIR "/usr/local/bin"
#endif

enum out_format { FMT_TEXT, FMT_JSON, FMT_MARKDOWN };
enum out_color { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* Long options without a short form. */
enum { OPT_EXPECT = 256, OPT_COLOR };

struct options {
	enum out_format format;
	const char *output;
	const char *rules_dirs[MAIN_RULES_DIRS_MAX];
	size_t n_rules_dirs;
	struct ct_policy policy;
	bool progress;
	const char *expect;	/* --expect FILE, or NULL */
	enum out_color color;
};

static const char usage_text[] =
	"Usage: ctexplain [OPTIONS] PATH...\n"
	"Explain why Linux conntrack marked packets INVALID, from kernel logs and\n"
	"packet captures.  Each PATH is a file (kernel log, journal export, pcap or\n"
	"pcapng capture, sysctl dump) or a bundle directory holding such files.\n"
	"\n"
	"Options:\n"
	"  -f, --format FORMAT    report format: text (default), json or markdown\n"
	"  -o, --output FILE      write the report to FILE instead of standard output\n"
	"  -r, --rules DIR        also load message rules from DIR/patterns (after the\n"
	"                         default rules; a rule id given again overrides)\n"
	"  -s, --sysctl NAME=VALUE  set a conntrack sysctl, e.g.\n"
	"                         net.netfilter.nf_conntrack_tcp_be_liberal=1\n"
	"                         (wins over sysctl dumps among the inputs)\n"
	"  -k, --kernel PROFILE   kernel version whose wording and verdicts to use\n"
	"                         (default " CT_PROFILE_CURRENT ")\n"
	"      --expect FILE      compare the run with the expected JSON report FILE:\n"
	"                         list each difference in verdicts, causes, matches\n"
	"                         and counts on standard error and exit with 1\n"
	"      --color WHEN       colour the text report (also --colour): auto (default:\n"
	"                         on a terminal, unless NO_COLOR is set), always or never\n"
	"  -h, --help             show this help and exit\n"
	"  -V, --version          show the version and exit\n"
	"\n"
	"Exit status: 0 the analysis ran; 1 --expect found differences; 2 usage error;\n"
	"3 an input or rule file was unreadable or corrupt (the report for the rest\n"
	"is still written); 4 internal error.\n";

static void
usage_error(const char *fmt, const char *arg)
{
	fputs("ctexplain: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'ctexplain --help' for more information.\n", stderr);
}

/* --sysctl NAME=VALUE; the value is decimal.  0 or -1 (message printed). */
static int
opt_sysctl(struct ct_policy *pol, const char *arg)
{
	const char *eq = strchr(arg, '='), *p, *end;
	char name[128];
	uint64_t v;
	int k;

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(name)) {
		usage_error("--sysctl wants NAME=VALUE, got '%s'", arg);
		return -1;
	}
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	k = ct_policy_lookup(name);
	if (k < 0) {
		usage_error("--sysctl: unknown or unmodelled sysctl '%s'", name);
		return -1;
	}
	p = eq + 1;
	end = p + strlen(p);
	if (sp_dec(&p, end, INT64_MAX, &v) < 0 || p != end) {
		usage_error("--sysctl: value of '%s' is not a decimal number", arg);
		return -1;
	}
	if (ct_policy_set(pol, (enum ct_knob)k, (int64_t)v, CT_SRC_OPTION) < 0) {
		usage_error("--sysctl: value out of range in '%s'", arg);
		return -1;
	}
	return 0;
}

/* 0 to go on, or an exit status (+1 so that 0 stays "go on"). */
static int
parse_args(int argc, char **argv, struct options *o, int *first_path)
{
	static const struct option longopts[] = {
		{ "format",  required_argument, NULL, 'f' },
		{ "output",  required_argument, NULL, 'o' },
		{ "rules",   required_argument, NULL, 'r' },
		{ "sysctl",  required_argument, NULL, 's' },
		{ "kernel",  required_argument, NULL, 'k' },
		{ "expect",  required_argument, NULL, OPT_EXPECT },
		{ "color",   required_argument, NULL, OPT_COLOR },
		{ "colour",  required_argument, NULL, OPT_COLOR },
		{ "help",    no_argument,       NULL, 'h' },
		{ "version", no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:o:r:s:k:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "text") == 0) {
				o->format = FMT_TEXT;
			} else if (strcmp(optarg, "json") == 0) {
				o->format = FMT_JSON;
			} else if (strcmp(optarg, "markdown") == 0 || strcmp(optarg, "md") == 0) {
				o->format = FMT_MARKDOWN;
			} else {
				usage_error("unknown --format '%s' (text, json or markdown)", optarg);
				return EXIT_USAGE + 1;
			}
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'r':
			if (o->n_rules_dirs >= MAIN_RULES_DIRS_MAX - 1) {
				usage_error("too many --rules directories (at most %s)", "31");
				return EXIT_USAGE + 1;
			}
			o->rules_dirs[o->n_rules_dirs++] = optarg;
			break;
		case 's':
			if (opt_sysctl(&o->policy, optarg) < 0)
				return EXIT_USAGE + 1;
			break;
		case 'k': {
			uint32_t kv;

			if (rules_parse_kernel(optarg, &kv) < 0 ||
			    strlen(optarg) >= sizeof(o->policy.profile)) {
				usage_error("--kernel wants a version such as 6.18, got '%s'", optarg);
				return EXIT_USAGE + 1;
			}
			snprintf(o->policy.profile, sizeof(o->policy.profile), "%s", optarg);
			o->policy.profile_src = CT_SRC_OPTION;
			break;
		}
		case OPT_EXPECT:
			o->expect = optarg;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") == 0) {
				o->color = COLOR_AUTO;
			} else if (strcmp(optarg, "always") == 0) {
				o->color = COLOR_ALWAYS;
			} else if (strcmp(optarg, "never") == 0) {
				o->color = COLOR_NEVER;
			} else {
				usage_error("unknown --color '%s' (auto, always or never)", optarg);
				return EXIT_USAGE + 1;
			}
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_ANALYSED + 1;
		case 'V':
			printf("ctexplain %s\n", PACKAGE_VERSION);
			return EXIT_ANALYSED + 1;
		case ':':
			usage_error("option '%s' needs an argument", argv[optind - 1]);
			return EXIT_USAGE + 1;
		case '?':
		default:
			usage_error("unknown option '%s'", argv[optind - 1]);
			return EXIT_USAGE + 1;
		}
	}
	if (optind >= argc) {
		usage_error("%s", "no PATH given: name log files, captures or bundle directories");
		return EXIT_USAGE + 1;
	}
	*first_path = optind;
	return 0;
}

static bool
has_patterns(const char *dir)
{
	char p[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(p, sizeof(p), "%s/patterns", dir) >= sizeof(p))
		return false;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * The default rules directory: $CTEXPLAIN_RULES; else, for an installed
 * binary (it lives in the configured bindir), the installed rules; for a
 * binary run from a build tree, <exe dir>/../rules and then the source
 * tree's rules/ first (so stale installed rules never shadow the tree's),
 * the installed ones last.  @buf holds the path when it is computed.
 */
static const char *
default_rules_dir(char *buf, size_t size)
{
	const char *env = getenv("CTEXPLAIN_RULES");
	char exe[PATH_MAX], bindir[PATH_MAX];
	bool installed = false, have_exe = false;
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			have_exe = true;
			installed = realpath(CTEXPLAIN_BINDIR, bindir) && strcmp(bindir, exe) == 0;
		}
	}
	if (installed || !have_exe) {
		if (has_patterns(CTEXPLAIN_RULESDIR))
			return CTEXPLAIN_RULESDIR;
	}
	if (have_exe && (size_t)snprintf(buf, size, "%s/../rules", exe) < size &&
	    has_patterns(buf))
		return buf;
#ifdef CTEXPLAIN_SRCDIR
	if (has_patterns(CTEXPLAIN_SRCDIR "/rules"))
		return CTEXPLAIN_SRCDIR "/rules";
#endif
	return CTEXPLAIN_RULESDIR;	/* used, or the error names the installed place */
}

/* A growable array of events. */
/* Distinct boot ids kept at most (a journal export spanning more boots
 * shares one clock for the rest). */
#define MAIN_BOOTS_MAX 256

/* A growable array of events, with the boot each was logged in. */
struct event_vec {
	struct log_event *v;
	const char **boot;	/* boot[i]: one of boots[], or NULL (unknown) */
	size_t n, alloc;
	char *boots[MAIN_BOOTS_MAX];	/* distinct boot ids, owned */
	size_t n_boots;
};

static void
event_vec_release(struct event_vec *ev)
{
	for (size_t i = 0; i < ev->n; i++)
		log_event_release(&ev->v[i]);
	free(ev->v);
	free(ev->boot);
	for (size_t i = 0; i < ev->n_boots; i++)
		free(ev->boots[i]);
	memset(ev, 0, sizeof(*ev));
}

/* The interned copy of boot id [@id, @id + @len), or NULL. */
static const char *
boot_intern(struct event_vec *ev, const char *id, size_t len)
{
	if (!id || !len)
		return NULL;
	for (size_t i = 0; i < ev->n_boots; i++)
		if (strlen(ev->boots[i]) == len && memcmp(ev->boots[i], id, len) == 0)
			return ev->boots[i];
	if (ev->n_boots >= MAIN_BOOTS_MAX || memchr(id, '\0', len))
		return NULL;
	ev->boots[ev->n_boots] = xstrndup(id, len);
	return ev->boots[ev->n_boots] ? ev->boots[ev->n_boots++] : NULL;
}

static void
progress(const struct options *o, size_t i, size_t n, const char *path)
{
	if (o->progress)
		fprintf(stderr, "ctexplain: [%zu/%zu] %s\n", i + 1, n, path);
}

/* Is @c a byte no text log has (NUL, control characters but tab and newline, DEL)? */
static bool
is_binary_byte(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f;
}

/* Does a log message hold bytes no text log has?  Eight bytes at a time:
 * only a word with a byte below 0x20 or a 0x7f is looked at byte by byte. */
static bool
is_binary(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w, d;

		memcpy(&w, s + i, sizeof(w));
		d = w ^ (0x7f * ones);
		if ((((w - 0x20 * ones) & ~w) | ((d - ones) & ~d)) & highs) {
			for (size_t j = i; j < i + 8; j++)
				if (is_binary_byte((unsigned char)s[j]))
					return true;
		}
	}
	for (; i < n; i++)
		if (is_binary_byte((unsigned char)s[i]))
			return true;
	return false;
}

static int
read_log(struct run_ctx *ctx, const struct rules *rules, const struct input_file *in,
	 int year_hint, struct event_vec *ev, struct report *rep, uint64_t *records)
{
	struct logsrc *src = NULL;
	struct log_record rec;
	struct logsrc_stats st;
	bool cut_seen = false, binary_seen = false;
	/* journal exports and JSON carry arbitrary bytes legitimately */
	bool text_format = in->log_format != LOGFMT_JOURNAL_EXPORT &&
			   in->log_format != LOGFMT_JOURNAL_JSON &&
			   in->log_format != LOGFMT_JOURNAL_JSON_SEQ;
	int rc;

	rc = logsrc_open(ctx, in->path, in->log_format, year_hint, &src);
	if (rc < 0)
		return rc;
	while ((rc = logsrc_next(src, &rec)) > 0) {
		struct log_event e;
		int r;

		if (rec.cut && !cut_seen) {
			/* a kernel line is < 1 KiB: a longer one is a damaged file */
			cut_seen = true;
			ctx_err(ctx, ERR_INPUT, "%s: line %llu: longer than %u bytes: cut there",
				in->path, (unsigned long long)rec.line, LOGSRC_LINE_MAX);
		}
		if (!binary_seen && text_format && is_binary(rec.msg, rec.msg_len)) {
			binary_seen = true;
			ctx_err(ctx, ERR_INPUT, "%s: line %llu: binary data in a text log (damaged file?)",
				in->path, (unsigned long long)rec.line);
		}
		if (ev->n >= MAIN_EVENTS_MAX) {
			/* beyond the cap a record is only counted: no parsing */
			if (!logparse_is_conntrack(&rec)) {
				rep->stats.log_non_conntrack++;
			} else if (rep->stats.events_dropped++ == 0) {
				ctx_note(ctx, "more than %u conntrack log events: the rest are counted, not analysed",
					 MAIN_EVENTS_MAX);
			}
			continue;
		}
		r = logparse_record(ctx, rules, &rec, &e);	/* resets e */
		if (r == 0) {
			rep->stats.log_non_conntrack++;
			continue;
		}
		if (r < 0) {
			if (r == ERR_NOMEM) {
				rc = r;
				break;
			}
			continue;	/* a matcher failure, recorded; next record */
		}
		if (ev->n == ev->alloc) {
			size_t na = ev->alloc ? ev->alloc * 2 : 64;
			struct log_event *nv = xreallocarray(ev->v, na, sizeof(*nv));
			const char **nb = nv ? xreallocarray(ev->boot, na, sizeof(*nb)) : NULL;

			if (nv)
				ev->v = nv;
			if (!nv || !nb) {
				log_event_release(&e);
				rc = ctx_err(ctx, ERR_NOMEM, "%s: out of memory", in->path);
				break;
			}
			ev->boot = nb;
			ev->alloc = na;
		}
		e.id = (uint32_t)ev->n;
		ev->boot[ev->n] = boot_intern(ev, rec.boot_id, rec.boot_id_len);
		ev->v[ev->n++] = e;
	}
	logsrc_stats(src, &st);
	*records = st.records;
	rep->stats.log_records += st.records;
	rep->stats.log_lines_cut += st.cut;
	if (st.cut > 1)
		ctx_note(ctx, "%s: %llu lines longer than %u bytes were cut", in->path,
			 (unsigned long long)st.cut, LOGSRC_LINE_MAX);
	logsrc_free(src);
	return rc < 0 ? rc : 0;
}

/* ct_engine_set_flow_end() callback: what a flow with flagged packets saw in
 * all, for the diagnosis (an allocation failure only loses that evidence). */
struct flow_end_arg {
	struct report *rep;
	uint32_t file_id;
};

static void
flow_end_cb(void *arg, const struct ct_flow_end *fe)
{
	const struct flow_end_arg *a = arg;

	(void)report_flow_end(a->rep, a->file_id, fe);
}

/* One capture = one observation point: its own defrag and engine. */
static int
read_capture(struct run_ctx *ctx, const struct rules *rules, const struct ct_policy *pol,
	     const char *path, uint32_t file_id, struct corr *corr, struct report *rep,
	     struct report_input *rin)
{
	struct pcapsrc *src = NULL;
	struct defrag *df = NULL;
	struct ct_engine *eng = NULL;
	struct flow_end_arg fea = { rep, file_id };
	struct pcap_rec rec;
	bool current = strcmp(pol->profile, CT_PROFILE_CURRENT) == 0;
	bool ts_noted = false;
	int rc;

	rc = pcapsrc_open(ctx, path, &src);
	if (rc < 0)
		return rc;
	rin->format = pcapsrc_format(src);
	df = defrag_new(MAIN_DEFRAG_MAX);
	eng = ct_engine_new(pol);
	if (!df || !eng) {
		rc = ctx_err(ctx, ERR_NOMEM, "%s: out of memory", path);
		goto out;
	}
	ct_engine_set_flow_end(eng, flow_end_cb, &fea);
	while ((rc = pcapsrc_next(src, &rec)) > 0) {
		struct pkt pkt;
		const struct pkt *p = &pkt;
		const char *why = NULL;
		struct ct_result res;
		char text[CT_MAX_MSGS][512];
		const char *texts[CT_MAX_MSGS] = { NULL };

		rep->stats.packets++;
		/* every member: the record part here, the rest by decode_frame() */
		pcapsrc_pkt_init(&rec, file_id, &pkt);
		if (pkt.ts_sec < 0 || pkt.ts_sec > MAIN_TS_MAX) {
			/* the stages compute in nanoseconds: keep them in range */
			if (!ts_noted)
				ctx_note(ctx, "%s: record %llu: timestamp out of range (%lld s): clamped, "
					 "and so are later ones", path,
					 (unsigned long long)rec.index, (long long)pkt.ts_sec);
			ts_noted = true;
			pkt.ts_sec = pkt.ts_sec < 0 ? 0 : MAIN_TS_MAX;
		}
		decode_frame(rec.linktype, rec.data, rec.caplen, &pkt);
		if (pkt.family != 4 && pkt.family != 6) {
			rep->stats.packets_non_ip++;
			continue;
		}
		switch (defrag_feed(df, &pkt, &p, &why)) {
		case DEFRAG_PASS:
			p = &pkt;
			break;
		case DEFRAG_DONE:
			break;
		case DEFRAG_HELD:
			rep->stats.fragments_held++;
			continue;
		case DEFRAG_DROP:
		default:
			rep->stats.fragments_dropped++;
			continue;
		}
		rc = ct_engine_packet(eng, p, &res);	/* resets res itself (ct.h) */
		res.facts.reassembled = res.facts.valid && p != &pkt;
		if (rc < 0) {
			ctx_err(ctx, ERR_NOMEM, "%s: record %llu: out of memory in the engine", path,
				(unsigned long long)rec.index);
			goto out;
		}
		rep->stats.packets_tracked++;
		if (res.verdict == CT_INVALID) {
			rep->stats.packets_invalid++;
			if (res.n_msgs == 0) {
				rep->stats.packets_invalid_silent++;
				rc = report_add_silent_res(rep, p, res.silent, &res);
				if (rc < 0) {
					ctx_err(ctx, rc, "%s: out of memory", path);
					goto out;
				}
				if (rc == 1 && rep->stats.silent_dropped == 1)
					ctx_note(ctx, "more than %u silent INVALID packets: the rest are counted, not listed",
						 REPORT_SILENT_MAX);
			}
		} else if (res.verdict == CT_IGNORE) {
			rep->stats.packets_ignored++;
		}
		for (unsigned i = 0; i < res.n_msgs && i < CT_MAX_MSGS; i++) {
			const struct ct_msg *m = &res.msgs[i];
			enum ct_verdict v = current ? m->verdict
						    : rules_verdict(rules, pol->profile, m->reason);

			if (rules_render(rules, pol->profile, m->reason, &m->args, text[i],
					 sizeof(text[i])) >= 0)
				texts[i] = text[i];
			rc = report_add_flagged_res(rep, p, m, v, texts[i], &res);
			if (rc < 0) {
				ctx_err(ctx, rc, "%s: out of memory", path);
				goto out;
			}
			if (rc == 1 && rep->stats.flagged_dropped == 1)
				ctx_note(ctx, "more than %u flagged packets: the rest are counted, not listed",
					 REPORT_FLAGGED_MAX);
		}
		rc = corr_offer(corr, p, &res, texts);
		if (rc < 0) {
			ctx_err(ctx, rc, "%s: out of memory", path);
			goto out;
		}
	}
out:
	rin->records = pcapsrc_records(src);
	if (df) {
		struct defrag_stats ds;

		defrag_stats(df, &ds);
		if (ds.expired)
			ctx_note(ctx, "%s: %llu fragment queue(s) expired unfinished", path,
				 (unsigned long long)ds.expired);
	}
	ct_engine_free(eng);
	defrag_free(df);
	pcapsrc_free(src);
	return rc < 0 ? rc : 0;
}

/*
 * Year of the first record of the first capture: the year for log stamps
 * that carry none (traditional syslog).  Taken from the bundle's evidence,
 * not from file modification times, so a report does not change with the
 * checkout date.  0 when there is no readable capture.
 */
static int
capture_year(const struct input_list *inputs)
{
	for (size_t i = 0; i < inputs->n; i++) {
		struct run_ctx scratch;	/* errors are reported by read_capture() */
		struct pcapsrc *src = NULL;
		struct pcap_rec rec;
		int year = 0;

		if (inputs->v[i].kind != INPUT_CAPTURE)
			continue;
		ctx_init(&scratch);
		if (pcapsrc_open(&scratch, inputs->v[i].path, &src) == 0 &&
		    pcapsrc_next(src, &rec) > 0) {
			time_t t = (time_t)rec.ts_sec;
			struct tm tm;

			if (gmtime_r(&t, &tm))
				year = tm.tm_year + 1900;
		}
		pcapsrc_free(src);
		ctx_release(&scratch);
		if (year > 0)
			return year;
	}
	return 0;
}

/*
 * The prefix era of the log lines tells the kernel generation apart
 * (messages.md 1.2): "nf_ct_tcp: " is <= 4.14 (A), "nf_ct_proto_N: " without
 * an IN= device 4.15-5.13 (B), with it >= 5.14 (C).  When the profile is the
 * default and the lines come from an older era, say so: the wording and the
 * verdicts may differ (--kernel).
 */
static void
era_note(struct run_ctx *ctx, const struct ct_policy *pol, const struct event_vec *ev)
{
	size_t a = 0, b = 0;

	if (pol->profile_src != CT_SRC_DEFAULT)
		return;
	for (size_t i = 0; i < ev->n; i++) {
		if (ev->v[i].era == 'A')
			a++;
		else if (ev->v[i].era == 'B' && ev->v[i].has_pkt &&
			 (ev->v[i].pkt.has & NFL_OUT) && !ev->v[i].pkt.out[0])
			b++;	/* "IN= OUT=": no device at all (LOCAL_OUT has OUT=dev) */
	}
	if (a)
		ctx_note(ctx, "%zu log line(s) carry the nf_ct_<proto>: prefix of kernels up to 4.14, "
			 "but the analysis uses the %s profile: give --kernel", a, pol->profile);
	if (b)
		ctx_note(ctx, "%zu log line(s) name no device (IN= OUT=), as kernels 4.15 to 5.13 "
			 "log, but the analysis uses the %s profile: consider --kernel",
			 b, pol->profile);
}

/* Count the lines of a small text file (the records of a sysctl dump). */
static uint64_t
count_lines(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint64_t n = 0;
	int c, last = '\n';

	if (!f)
		return 0;
	while ((c = getc(f)) != EOF) {
		if (c == '\n')
			n++;
		last = c;
	}
	if (last != '\n')
		n++;
	fclose(f);
	return n;
}

static int
exit_for(const struct run_ctx *ctx)
{
	switch (ctx->worst) {
	case ERR_OK:
		return EXIT_ANALYSED;
	case ERR_USAGE:
		return EXIT_USAGE;
	case ERR_INPUT:
	case ERR_RULES:
		return EXIT_INPUT;
	case ERR_NOMEM:
	case ERR_INTERNAL:
	default:
		return EXIT_INTERNAL;
	}
}

/*
 * Colour in the text report: as --color says; by default only on a
 * terminal (never into an -o file), not when NO_COLOR is set to anything
 * non-empty (no-color.org; --color=always overrides it) nor on a dumb one.
 */
static bool
use_color(const struct options *o)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (o->format != FMT_TEXT || o->color == COLOR_NEVER)
		return false;
	if (o->color == COLOR_ALWAYS)
		return true;
	if (o->output || (nc && *nc) || (term && strcmp(term, "dumb") == 0))
		return false;
	return isatty(STDOUT_FILENO) == 1;
}

/* --expect: each difference on its own line, then the count. */
static void
print_diffs(const struct expect_diffs *d, const char *path)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "ctexplain: expect: %s\n", d->v[i]);
	if (d->total > d->n)
		fprintf(stderr, "ctexplain: expect: %zu more difference(s) not shown\n",
			d->total - d->n);
	if (d->total)
		fprintf(stderr, "ctexplain: %zu difference(s) from the expected report %s\n",
			d->total, path);
}

static void
print_errors(const struct run_ctx *ctx)
{
	for (size_t i = 0; i < ctx->errors.n; i++)
		fprintf(stderr, "ctexplain: %s\n", ctx->errors.v[i].text);
	if (ctx->errors.dropped)
		fprintf(stderr, "ctexplain: %zu more error(s) not shown\n", ctx->errors.dropped);
}

int
main(int argc, char **argv)
{
	struct options o;
	struct run_ctx ctx;
	struct input_list inputs;
	struct event_vec events = { 0 };
	struct rules *rules = NULL;
	struct diag_rules *drules = NULL;
	struct corr *corr = NULL;
	struct report rep;
	struct expect_diffs diffs;
	char rules_buf[PATH_MAX];
	const char *dirs[MAIN_RULES_DIRS_MAX];
	size_t n_dirs = 0;
	FILE *out = stdout;
	int first = 0, st, rc, year_hint;

	memset(&o, 0, sizeof(o));
	ct_policy_init(&o.policy);
	st = parse_args(argc, argv, &o, &first);
	if (st)
		return st - 1;
	o.progress = isatty(STDERR_FILENO) == 1;

	ctx_init(&ctx);
	expect_diffs_init(&diffs);
	input_list_init(&inputs);
	report_init(&rep, PACKAGE_VERSION, &o.policy);

	/* rules first: a bad rule stops the run */
	dirs[n_dirs++] = default_rules_dir(rules_buf, sizeof(rules_buf));
	for (size_t i = 0; i < o.n_rules_dirs; i++)
		dirs[n_dirs++] = o.rules_dirs[i];
	if (rules_load(&ctx, dirs, n_dirs, &rules) < 0 ||
	    diag_rules_load(&ctx, dirs, n_dirs, &drules) < 0) {
		print_errors(&ctx);
		st = exit_for(&ctx);
		goto done;
	}
	report_set_diag_rules(&rep, drules);

	rc = input_collect(&ctx, argv + first, (size_t)(argc - first), &inputs);
	if (rc == ERR_NOMEM)
		goto finish;
	for (size_t i = 0; i < inputs.n; i++) {
		const struct input_file *in = &inputs.v[i];
		const char *fmt = "empty";

		if (in->kind == INPUT_LOG)
			fmt = logsrc_format_name(in->log_format);
		else if (in->kind == INPUT_CAPTURE)
			fmt = "pcap";	/* refined once opened */
		else if (in->kind == INPUT_SYSCTL)
			fmt = "sysctl";
		else if (in->kind == INPUT_CONNTRACK)
			fmt = "conntrack-list";
		if (report_add_input(&rep, in->path, input_kind_name(in->kind), fmt, 0) < 0) {
			ctx_err(&ctx, ERR_NOMEM, "out of memory");
			goto finish;
		}
	}

	/* policy: defaults < sysctl dumps < options (ct_policy_set keeps options) */
	for (size_t i = 0; i < inputs.n; i++) {
		if (inputs.v[i].kind != INPUT_SYSCTL)
			continue;
		progress(&o, i, inputs.n, inputs.v[i].path);
		ct_policy_load_sysctl(&ctx, &o.policy, inputs.v[i].path, NULL);
		rep.inputs[i].records = count_lines(inputs.v[i].path);
	}
	rep.policy = o.policy;
	for (size_t i = 0; i < inputs.n; i++) {
		if (inputs.v[i].kind != INPUT_CONNTRACK)
			continue;
		rep.inputs[i].records = count_lines(inputs.v[i].path);
		ctx_note(&ctx, "%s: conntrack table listing: recognised, not used by this version",
			 inputs.v[i].path);
	}

	/* logs -> events, in input order */
	year_hint = capture_year(&inputs);
	for (size_t i = 0; i < inputs.n; i++) {
		if (inputs.v[i].kind != INPUT_LOG)
			continue;
		progress(&o, i, inputs.n, inputs.v[i].path);
		rc = read_log(&ctx, rules, &inputs.v[i], year_hint, &events, &rep,
			      &rep.inputs[i].records);
		if (rc == ERR_NOMEM)
			goto finish;
	}

	era_note(&ctx, &o.policy, &events);
	corr = corr_new_boots(events.v, events.n, events.boot);
	if (!corr) {
		ctx_err(&ctx, ERR_NOMEM, "out of memory (correlator)");
		goto finish;
	}
	for (size_t i = 0; i < inputs.n; i++) {
		if (inputs.v[i].kind == INPUT_CAPTURE) {
			ctx_note(&ctx, "each capture is replayed through its own conntrack engine: "
				       "one observation point per capture file");
			break;
		}
	}

	/* captures, each through its own engine */
	for (size_t i = 0; i < inputs.n; i++) {
		uint32_t file_id;

		if (inputs.v[i].kind != INPUT_CAPTURE)
			continue;
		progress(&o, i, inputs.n, inputs.v[i].path);
		if (report_add_capture(&rep, rep.inputs[i].path, &file_id) < 0) {
			ctx_err(&ctx, ERR_NOMEM, "out of memory");
			goto finish;
		}
		rc = read_capture(&ctx, rules, &o.policy, inputs.v[i].path, file_id, corr,
				  &rep, &rep.inputs[i]);
		if (rc == ERR_NOMEM || rc == ERR_INTERNAL)
			goto finish;
	}
	if (corr_dropped(corr))
		ctx_note(&ctx, "%llu correlation candidate(s) beyond the caps (%u per event, %u in all) were not kept",
			 (unsigned long long)corr_dropped(corr), CORR_CAND_PER_EVENT, CORR_CAND_MAX);
	if (corr_finish(corr) < 0)
		ctx_err(&ctx, ERR_NOMEM, "out of memory (correlator)");

finish:
	if (report_finish(&rep, events.v, events.n, corr, rules, &ctx) < 0)
		ctx_err(&ctx, ERR_NOMEM, "out of memory (report)");
	/* before writing: an unreadable expected report is in the report's errors */
	if (o.expect)
		expect_report(&ctx, o.expect, &rep, &diffs);
	if (o.output) {
		out = fopen(o.output, "w");
		if (!out) {
			ctx_err(&ctx, ERR_INTERNAL, "%s: cannot write the report: %s", o.output,
				strerror(errno));
			out = NULL;
		}
	}
	if (out) {
		int w = o.format == FMT_JSON ? report_json_write(&rep, out)
			: o.format == FMT_MARKDOWN ? report_md_write(&rep, out)
			: report_text_write_color(&rep, out, use_color(&o));

		if (w < 0 || fflush(out) == EOF)
			ctx_err(&ctx, ERR_INTERNAL, "%s: cannot write the report: %s",
				o.output ? o.output : "standard output", strerror(errno));
		if (out != stdout && fclose(out) == EOF)
			ctx_err(&ctx, ERR_INTERNAL, "%s: cannot write the report: %s", o.output,
				strerror(errno));
	}
	print_errors(&ctx);
	print_diffs(&diffs, o.expect);
	st = exit_for(&ctx);
	if (diffs.total && st != EXIT_INTERNAL)
		st = EXIT_DIFFERENCES;
done:
	report_release(&rep);
	expect_diffs_release(&diffs);
	corr_free(corr);
	event_vec_release(&events);
	rules_free(rules);
	diag_rules_free(drules);
	input_list_release(&inputs);
	ctx_release(&ctx);
	return st;
}
