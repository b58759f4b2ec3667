/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ctlab-replay - inject a capture into the kernel lab's firewall namespace
 * and collect the kernel's conntrack log lines, mapped exactly to records.
 *
 * Runs inside the injector namespace (see lab-lib.sh / replay.sh).  Every IP
 * record of the input is sent with pcap_inject on the injector veth, in
 * order, from one pinned CPU; after each one a marker frame (ethertype
 * 0x88b5, source MAC 02:ii:ii:ii:ii:ii = the record index) is sent, which a
 * netdev ingress rule in the firewall logs with a per-run prefix and drops.
 * Conntrack logs synchronously in the packet's softirq and veth keeps the
 * order on one CPU's backlog, so every conntrack line logged between marker
 * k-1 and marker k belongs to the packet sent just before marker k.
 *
 * A reader thread follows /dev/kmsg (global: other labs write to it too,
 * only lines naming our firewall device are kept), checks kmsg sequence
 * numbers for gaps and fails loudly when records were lost.  The injector
 * never gets more than --window markers ahead of the reader, so the small
 * kernel ring cannot overflow because of us.
 *
 * Test tooling, not part of ctexplain.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <pcap/pcap.h>

#define MARKER_ETHERTYPE 0x88b5
#define SKIPPED_ETHERTYPE 0x88b6
#define FRAME_MAX (262144 + 64)
#define KMSG_BUF 16384

struct line {
	uint64_t seq, usec;
	char *text;		/* unescaped record text */
	int proto;		/* from nf_ct_proto_N, or -1 */
	struct line *next;
};

struct replay {
	/* options */
	const char *in_path, *out_dir, *dev, *fw_dev, *prefix;
	uint8_t dst_mac[6];
	bool timing_original;
	double max_gap;		/* --max-gap: longest pause kept (0: no limit) */
	int cpu;
	unsigned window;
	double timeout;
	bool write_jsonl;
	json_t *sysctls;	/* object, for meta.json */

	/* outputs */
	FILE *tsv, *klog, *jsonl;

	/* shared with the reader thread (under mu) */
	pthread_mutex_t mu;
	pthread_cond_t cond;
	uint64_t *sent_index;	/* record index of the k-th injected packet */
	size_t sent_cap;
	uint64_t n_sent;	/* markers sent */
	uint64_t n_seen;	/* markers seen by the reader */
	bool stop;
	bool injecting;		/* the send loop runs */
	char err[512];		/* first reader error */
	bool lost;		/* the error is lost kmsg records (retry slower) */
	bool no_marker;		/* the error is a marker never seen (retry) */
	uint64_t probe_usec[2];
	bool probe_seen[2];
	char probe_tag[2][96];

	/* reader state */
	int kfd;
	struct line *pend_head, **pend_tail;
	uint64_t last_seq;
	bool have_seq;
	uint64_t n_lines;
	uint64_t n_invalid;
	uint64_t n_kmsg_records;
	char marker_head[128];	/* "PREFIX IN=DEV OUT=" */
	char invalid_head[128];	/* "PREFIXi IN=DEV OUT=": ct state invalid rule */
	bool verdicts;		/* the lab has that rule: write invalid.tsv */
	bool pend_invalid;	/* the packet before the next marker was INVALID */
	FILE *inv;
	char in_tag[64];	/* "IN=DEV OUT=" */
};

static void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("ctlab-replay: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void
reader_fail(struct replay *r, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&r->mu);
	if (r->err[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(r->err, sizeof(r->err), fmt, ap);
		va_end(ap);
	}
	r->stop = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->mu);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse a decimal u64 from [*p, end) up to a non-digit; false if none. */
static bool
parse_u64(const char **p, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	const char *s = *p;

	if (s >= end || *s < '0' || *s > '9')
		return false;
	while (s < end && *s >= '0' && *s <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		s++;
	}
	*p = s;
	*out = v;
	return true;
}

/* Un-escape kmsg's \xNN; returns a malloc'd string. */
static char *
kmsg_unescape(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t i, o = 0;

	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' &&
		    hexval((unsigned char)s[i + 2]) >= 0 &&
		    hexval((unsigned char)s[i + 3]) >= 0) {
			out[o++] = (char)(hexval((unsigned char)s[i + 2]) * 16 +
					  hexval((unsigned char)s[i + 3]));
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

/* The message of a conntrack line: after "nf_ct_proto_N: " up to the blank
 * before "IN=DEV", trailing blanks trimmed.  Returns length, start in *msg. */
static size_t
ct_message(const struct replay *r, const char *text, const char **msg, int *proto)
{
	const char *p = text, *colon, *in;
	uint64_t v;
	size_t len;

	*proto = -1;
	*msg = text;
	if (strncmp(p, "nf_ct_proto_", 12) == 0) {
		p += 12;
		if (parse_u64(&p, p + strlen(p), &v) && v <= 255)
			*proto = (int)v;
	}
	colon = strstr(text, ": ");
	in = strstr(text, r->in_tag);
	if (!in)
		in = text + strlen(text);
	if (colon && colon < in)
		*msg = colon + 2;
	len = (size_t)(in - *msg);
	while (len > 0 && ((*msg)[len - 1] == ' ' || (*msg)[len - 1] == '\n' ||
			   (*msg)[len - 1] == '\t' || (*msg)[len - 1] == '\r'))
		len--;
	return len;
}

/* dmesg style: "[%5lu.%06lu] " before every physical line of the record. */
static void
write_klog_line(FILE *f, uint64_t usec, const char *text)
{
	const char *p = text, *nl;

	do {
		nl = strchr(p, '\n');
		fprintf(f, "[%5" PRIu64 ".%06" PRIu64 "] %.*s\n", usec / 1000000,
			usec % 1000000, (int)(nl ? nl - p : (ptrdiff_t)strlen(p)), p);
		p = nl ? nl + 1 : NULL;
	} while (p && *p);
}

static void
write_json_text(FILE *f, const char *key, const char *text)
{
	json_t *s = json_string(text);
	char *d;

	if (!s) {
		/* not UTF-8: keep bytes as latin-1 escaped */
		s = json_stringn_nocheck(text, strlen(text));
	}
	d = json_dumps(s, JSON_ENCODE_ANY);
	fprintf(f, "\"%s\":%s", key, d ? d : "null");
	free(d);
	json_decref(s);
}

/* A marker arrived: flush pending conntrack lines as belonging to @index. */
static void
flush_pending(struct replay *r, uint64_t index)
{
	struct line *l, *next;
	const char *msg;
	size_t len;
	int proto;

	for (l = r->pend_head; l; l = next) {
		next = l->next;
		len = ct_message(r, l->text, &msg, &proto);
		fprintf(r->tsv, "%" PRIu64 "\t%d\t%.*s\n", index, proto, (int)len, msg);
		write_klog_line(r->klog, l->usec, l->text);
		if (r->jsonl) {
			fprintf(r->jsonl, "{\"index\":%" PRIu64 ",\"seq\":%" PRIu64
				",\"usec\":%" PRIu64 ",", index, l->seq, l->usec);
			write_json_text(r->jsonl, "text", l->text);
			fputs("}\n", r->jsonl);
		}
		r->n_lines++;
		free(l->text);
		free(l);
	}
	r->pend_head = NULL;
	r->pend_tail = &r->pend_head;
}

/* Parse the record index from the marker's MAC= field (source MAC). */
static bool
marker_index(const char *text, uint64_t *index)
{
	const char *m = strstr(text, " MAC=");
	uint8_t b[14];
	int i;

	if (!m)
		return false;
	m += 5;
	for (i = 0; i < 14; i++) {
		int h = hexval((unsigned char)m[0]), l;

		if (h < 0)
			return false;
		l = hexval((unsigned char)m[1]);
		if (l < 0)
			return false;
		b[i] = (uint8_t)(h * 16 + l);
		m += 2;
		if (i < 13 && *m++ != ':')
			return false;
	}
	if (b[6] != 0x02 || b[12] != (MARKER_ETHERTYPE >> 8) ||
	    b[13] != (MARKER_ETHERTYPE & 0xff))
		return false;
	*index = 0;
	for (i = 7; i < 12; i++)
		*index = (*index << 8) | b[i];
	return true;
}

static void
handle_record(struct replay *r, const char *buf, size_t n)
{
	const char *p = buf, *end = buf + n, *semi, *nl;
	uint64_t prio, seq, usec;
	char *text;
	int i;

	if (!parse_u64(&p, end, &prio) || p >= end || *p++ != ',' ||
	    !parse_u64(&p, end, &seq) || p >= end || *p++ != ',' ||
	    !parse_u64(&p, end, &usec)) {
		reader_fail(r, "/dev/kmsg: unparsable record header '%.40s'", buf);
		return;
	}
	semi = memchr(p, ';', (size_t)(end - p));
	if (!semi) {
		reader_fail(r, "/dev/kmsg: record %" PRIu64 " without ';'", seq);
		return;
	}
	if (r->have_seq && seq != r->last_seq + 1) {
		if (seq > r->last_seq + 1) {
			r->lost = true;
			reader_fail(r, "/dev/kmsg: lost %" PRIu64 " records (seq %" PRIu64
				    "..%" PRIu64 "); the kernel log ring overflowed",
				    seq - r->last_seq - 1, r->last_seq + 1, seq - 1);
		} else {
			reader_fail(r, "/dev/kmsg: sequence went back (%" PRIu64 " after %"
				    PRIu64 ")", seq, r->last_seq);
		}
		return;
	}
	r->last_seq = seq;
	r->have_seq = true;
	r->n_kmsg_records++;
	p = semi + 1;
	/* The text ends at the first newline; continuation lines (" KEY=value")
	 * are dictionary properties, not text. */
	nl = memchr(p, '\n', (size_t)(end - p));
	text = kmsg_unescape(p, nl ? (size_t)(nl - p) : (size_t)(end - p));
	if (!text) {
		reader_fail(r, "out of memory");
		return;
	}
	for (i = 0; i < 2; i++) {
		if (strcmp(text, r->probe_tag[i]) == 0) {
			pthread_mutex_lock(&r->mu);
			r->probe_usec[i] = usec;
			r->probe_seen[i] = true;
			pthread_cond_broadcast(&r->cond);
			pthread_mutex_unlock(&r->mu);
			free(text);
			return;
		}
	}
	if (strncmp(text, r->marker_head, strlen(r->marker_head)) == 0) {
		uint64_t idx, expect;

		if (!marker_index(text, &idx)) {
			reader_fail(r, "/dev/kmsg: bad marker line '%s'", text);
			free(text);
			return;
		}
		pthread_mutex_lock(&r->mu);
		if (r->n_seen >= r->n_sent) {
			pthread_mutex_unlock(&r->mu);
			reader_fail(r, "marker for record %" PRIu64 " seen but not sent", idx);
			free(text);
			return;
		}
		expect = r->sent_index[r->n_seen];
		pthread_mutex_unlock(&r->mu);
		if (idx != (expect & 0xffffffffffULL)) {
			reader_fail(r, "marker out of order: record %" PRIu64 " expected, %"
				    PRIu64 " seen", expect, idx);
			free(text);
			return;
		}
		flush_pending(r, expect);
		if (r->pend_invalid && r->inv)
			fprintf(r->inv, "%" PRIu64 "\n", expect);
		if (r->pend_invalid)
			r->n_invalid++;
		r->pend_invalid = false;
		pthread_mutex_lock(&r->mu);
		r->n_seen++;
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->mu);
		free(text);
		return;
	}
	if (strncmp(text, r->invalid_head, strlen(r->invalid_head)) == 0) {
		if (r->pend_invalid)
			reader_fail(r, "two INVALID verdicts before one marker");
		r->pend_invalid = true;
		free(text);
		return;
	}
	if (strncmp(text, "nf_ct_", 6) == 0 && strstr(text, r->in_tag)) {
		struct line *l = calloc(1, sizeof(*l));

		if (!l) {
			free(text);
			reader_fail(r, "out of memory");
			return;
		}
		l->seq = seq;
		l->usec = usec;
		l->text = text;
		*r->pend_tail = l;
		r->pend_tail = &l->next;
		return;
	}
	free(text);
}

static void *
reader_main(void *arg)
{
	struct replay *r = arg;
	char *buf = malloc(KMSG_BUF);
	const struct timespec short_nap = { 0, 50000 };
	struct pollfd pfd;
	ssize_t n;
	bool stop, busy;

	if (!buf) {
		reader_fail(r, "out of memory");
		return NULL;
	}
	pfd.fd = r->kfd;
	pfd.events = POLLIN;
	for (;;) {
		n = read(r->kfd, buf, KMSG_BUF - 1);
		if (n > 0) {
			buf[n] = '\0';
			handle_record(r, buf, (size_t)n);
			pthread_mutex_lock(&r->mu);
			stop = r->err[0] != '\0';
			pthread_mutex_unlock(&r->mu);
			if (stop)
				break;
			continue;
		}
		if (n < 0 && errno == EPIPE) {
			r->lost = true;
			reader_fail(r, "/dev/kmsg: records were overwritten before they "
				    "could be read (EPIPE); the kernel log ring overflowed");
			break;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			reader_fail(r, "/dev/kmsg: read: %s", strerror(errno));
			break;
		}
		pthread_mutex_lock(&r->mu);
		stop = r->stop;
		busy = r->n_sent > r->n_seen || (r->injecting && !r->timing_original);
		pthread_mutex_unlock(&r->mu);
		if (stop)
			break;
		/* printk wakes kmsg readers from irq_work, often only at the next
		 * tick (4 ms): while a back-to-back replay runs or markers are in
		 * flight, look again soon instead of sleeping in poll. */
		if (busy)
			nanosleep(&short_nap, NULL);
		else
			poll(&pfd, 1, 1);
	}
	free(buf);
	return NULL;
}

static bool
parse_mac(const char *s, uint8_t mac[6])
{
	int i;

	for (i = 0; i < 6; i++) {
		int h = hexval((unsigned char)s[0]), l;

		if (h < 0)
			return false;
		l = hexval((unsigned char)s[1]);
		if (l < 0)
			return false;
		mac[i] = (uint8_t)(h * 16 + l);
		s += 2;
		if (i < 5 && *s++ != ':')
			return false;
	}
	return *s == '\0';
}

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Turn one record into an Ethernet frame for the firewall.  Returns the
 * frame length, or 0 when the record holds no IP packet (skipped).
 */
static size_t
make_frame(const struct replay *r, int linktype, const uint8_t *d, uint32_t caplen,
	   uint8_t *out)
{
	static const uint8_t default_src[6] = { 0x02, 0x00, 0x00, 0xff, 0xff, 0xfe };
	const uint8_t *src = default_src, *l3 = NULL;
	uint32_t l3len = 0, off;
	uint16_t et = 0;

	switch (linktype) {
	case DLT_EN10MB:
		if (caplen < 14)
			return 0;
		src = d + 6;
		off = 12;
		et = (uint16_t)(d[off] << 8 | d[off + 1]);
		/* strip 802.1Q / 802.1ad tags: the firewall has no VLAN devices */
		while ((et == 0x8100 || et == 0x88a8 || et == 0x9100) && off + 6 <= caplen) {
			off += 4;
			et = (uint16_t)(d[off] << 8 | d[off + 1]);
		}
		off += 2;
		if (off > caplen)
			return 0;
		l3 = d + off;
		l3len = caplen - off;
		break;
	case DLT_LINUX_SLL:
		if (caplen < 16)
			return 0;
		et = (uint16_t)(d[14] << 8 | d[15]);
		l3 = d + 16;
		l3len = caplen - 16;
		break;
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
		if (caplen < 20)
			return 0;
		et = (uint16_t)(d[0] << 8 | d[1]);
		l3 = d + 20;
		l3len = caplen - 20;
		break;
#endif
	case DLT_NULL:
	case DLT_LOOP:
		if (caplen < 4)
			return 0;
		l3 = d + 4;
		l3len = caplen - 4;
		break;
	case DLT_RAW:
#ifdef DLT_IPV4
	case DLT_IPV4:
	case DLT_IPV6:
#endif
	case 101:	/* LINKTYPE_RAW */
		l3 = d;
		l3len = caplen;
		break;
	default:
		return 0;
	}
	if (linktype != DLT_EN10MB && linktype != DLT_LINUX_SLL
#ifdef DLT_LINUX_SLL2
	    && linktype != DLT_LINUX_SLL2
#endif
	    ) {
		if (l3len < 1)
			return 0;
		if ((l3[0] >> 4) == 4)
			et = 0x0800;
		else if ((l3[0] >> 4) == 6)
			et = 0x86dd;
		else
			return 0;
	}
	if (et != 0x0800 && et != 0x86dd)
		return 0;
	if (l3len > FRAME_MAX - 14)
		l3len = FRAME_MAX - 14;
	memcpy(out, r->dst_mac, 6);
	memcpy(out + 6, src, 6);
	out[12] = (uint8_t)(et >> 8);
	out[13] = (uint8_t)et;
	memcpy(out + 14, l3, l3len);
	return 14 + l3len;
}

static void
dump_frame(pcap_dumper_t *dump, const uint8_t *frame, size_t len)
{
	struct pcap_pkthdr h;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	h.ts.tv_sec = ts.tv_sec;
	h.ts.tv_usec = (suseconds_t)ts.tv_nsec;	/* nanosecond file */
	h.caplen = (bpf_u_int32)len;
	h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)dump, &h, frame);
}

/* Wait until the reader has seen enough markers.  @all: all of them. */
static void
wait_reader(struct replay *r, bool all)
{
	struct timespec dl;
	uint64_t last = UINT64_MAX;
	int rc;

	pthread_mutex_lock(&r->mu);
	/* Not all: block only past the window, then let the reader catch up to
	 * half of it (hysteresis: fewer wake-ups, about 4x the rate). */
	if (!all && r->n_sent - r->n_seen <= r->window) {
		pthread_mutex_unlock(&r->mu);
		return;
	}
	for (;;) {
		if (r->err[0])
			break;
		if (all ? r->n_seen >= r->n_sent : r->n_sent - r->n_seen <= r->window / 2)
			break;
		if (r->n_seen != last) {
			last = r->n_seen;
			clock_gettime(CLOCK_REALTIME, &dl);
			dl.tv_sec += (time_t)r->timeout;
		}
		rc = pthread_cond_timedwait(&r->cond, &r->mu, &dl);
		if (rc == ETIMEDOUT && r->n_seen == last) {
			r->no_marker = true;
			snprintf(r->err, sizeof(r->err),
				 "marker of record %" PRIu64 " not seen in the kernel log within "
				 "%.0f s (is net.netfilter.nf_log_all_netns still 1? is the "
				 "netdev marker rule in place?)",
				 r->sent_index[r->n_seen], r->timeout);
			break;
		}
	}
	pthread_mutex_unlock(&r->mu);
}

static void
probe(struct replay *r, int i, struct timespec *wall)
{
	char line[128];
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		die("/dev/kmsg: %s", strerror(errno));
	snprintf(line, sizeof(line), "%s\n", r->probe_tag[i]);
	clock_gettime(CLOCK_REALTIME, &wall[0]);
	n = write(fd, line, strlen(line));
	clock_gettime(CLOCK_REALTIME, &wall[1]);
	close(fd);
	if (n < 0)
		die("/dev/kmsg: write: %s", strerror(errno));
}

static void
wait_probe(struct replay *r, int i)
{
	struct timespec dl;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 5;
	pthread_mutex_lock(&r->mu);
	while (!r->probe_seen[i] && !r->err[0])
		if (pthread_cond_timedwait(&r->cond, &r->mu, &dl) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&r->mu);
}

static double
ts_d(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: ctlab-replay --dev DEV --dst-mac MAC --fw-dev DEV --prefix P\n"
		"                    [--timing original|fast] [--cpu N] [--window N]\n"
		"                    [--timeout SEC] [--sysctl K=V]... [--no-jsonl]\n"
		"                    [--verdicts] [--max-gap SEC]\n"
		"                    IN.pcap OUTDIR\n"
		"Run inside the injector namespace; see tests/lab/README.md.\n");
	exit(status);
}

static const char *
optarg_of(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		usage(2);
	return argv[++*i];
}

static bool
parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	const char *p = s;
	uint64_t v;

	if (!parse_u64(&p, s + strlen(s), &v) || *p || v > max)
		return false;
	*out = (unsigned long)v;
	return true;
}

static FILE *
open_out(const char *dir, const char *name)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	return f;
}

int
main(int argc, char **argv)
{
	struct replay r;
	char errbuf[PCAP_ERRBUF_SIZE], path[PATH_MAX];
	const char *pos[2] = { NULL, NULL };
	struct timespec w0[2], w1[2];
	pcap_t *in, *live, *dead;
	pcap_dumper_t *dump;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint8_t *frame, marker[60];
	uint64_t rec = 0, n_ip = 0, n_skip = 0;
	double t_start, t_end, first_ts = 0, prev_ts = 0, cut = 0, t_inj0;
	bool have_first = false, in_error = false;
	char in_err[PCAP_ERRBUF_SIZE + 64] = "";
	struct bpf_program fp;
	struct utsname un;
	pthread_t th;
	int i, npos = 0, rc, linktype;
	unsigned long ul;
	cpu_set_t set;
	json_t *meta;
	bool have_mac = false;

	memset(&r, 0, sizeof(r));
	r.cpu = -1;
	r.window = 64;
	r.timeout = 10;
	r.write_jsonl = true;
	r.sysctls = json_object();
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cond, NULL);
	r.pend_tail = &r.pend_head;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--dev") == 0)
			r.dev = optarg_of(argc, argv, &i);
		else if (strcmp(a, "--fw-dev") == 0)
			r.fw_dev = optarg_of(argc, argv, &i);
		else if (strcmp(a, "--prefix") == 0)
			r.prefix = optarg_of(argc, argv, &i);
		else if (strcmp(a, "--dst-mac") == 0) {
			if (!parse_mac(optarg_of(argc, argv, &i), r.dst_mac))
				die("bad --dst-mac");
			have_mac = true;
		} else if (strcmp(a, "--timing") == 0 || strncmp(a, "--timing=", 9) == 0) {
			const char *v = a[8] == '=' ? a + 9 : optarg_of(argc, argv, &i);

			if (strcmp(v, "original") == 0)
				r.timing_original = true;
			else if (strcmp(v, "fast") == 0)
				r.timing_original = false;
			else
				die("--timing: want original or fast");
		} else if (strcmp(a, "--cpu") == 0) {
			if (!parse_uint(optarg_of(argc, argv, &i), CPU_SETSIZE - 1, &ul))
				die("bad --cpu");
			r.cpu = (int)ul;
		} else if (strcmp(a, "--window") == 0) {
			if (!parse_uint(optarg_of(argc, argv, &i), 4096, &ul) || ul == 0)
				die("bad --window");
			r.window = (unsigned)ul;
		} else if (strcmp(a, "--timeout") == 0) {
			if (!parse_uint(optarg_of(argc, argv, &i), 3600, &ul) || ul == 0)
				die("bad --timeout");
			r.timeout = (double)ul;
		} else if (strcmp(a, "--sysctl") == 0) {
			const char *kv = optarg_of(argc, argv, &i), *eq = strchr(kv, '=');

			if (!eq)
				die("--sysctl wants KEY=VALUE");
			{
				char key[256];

				snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
				json_object_set_new(r.sysctls, key, json_string(eq + 1));
			}
		} else if (strcmp(a, "--max-gap") == 0) {
			if (!parse_uint(optarg_of(argc, argv, &i), 86400, &ul) || ul == 0)
				die("bad --max-gap (whole seconds)");
			r.max_gap = (double)ul;
		} else if (strcmp(a, "--verdicts") == 0)
			r.verdicts = true;
		else if (strcmp(a, "--no-jsonl") == 0)
			r.write_jsonl = false;
		else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			usage(0);
		else if (a[0] == '-' && a[1])
			usage(2);
		else if (npos < 2)
			pos[npos++] = a;
		else
			usage(2);
	}
	if (npos != 2 || !r.dev || !r.fw_dev || !r.prefix || !have_mac)
		usage(2);
	r.in_path = pos[0];
	r.out_dir = pos[1];
	if (strlen(r.fw_dev) > 32 || strlen(r.prefix) > 64)
		die("--fw-dev or --prefix too long");
	snprintf(r.in_tag, sizeof(r.in_tag), "IN=%s OUT=", r.fw_dev);
	snprintf(r.marker_head, sizeof(r.marker_head), "%s IN=%s OUT=", r.prefix, r.fw_dev);
	snprintf(r.invalid_head, sizeof(r.invalid_head), "%si IN=%s OUT=", r.prefix, r.fw_dev);
	snprintf(r.probe_tag[0], sizeof(r.probe_tag[0]), "ctlab-probe %s start", r.prefix);
	snprintf(r.probe_tag[1], sizeof(r.probe_tag[1]), "ctlab-probe %s end", r.prefix);

	in = pcap_open_offline_with_tstamp_precision(r.in_path, PCAP_TSTAMP_PRECISION_NANO,
						     errbuf);
	if (!in)
		die("%s: %s", r.in_path, errbuf);
	linktype = pcap_datalink(in);
	if (mkdir(r.out_dir, 0755) < 0 && errno != EEXIST)
		die("%s: %s", r.out_dir, strerror(errno));
	r.tsv = open_out(r.out_dir, "kernel.tsv");
	r.klog = open_out(r.out_dir, "kern.log");
	if (r.write_jsonl)
		r.jsonl = open_out(r.out_dir, "kmsg.jsonl");
	if (r.verdicts)
		r.inv = open_out(r.out_dir, "invalid.tsv");
	dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 262144,
						    PCAP_TSTAMP_PRECISION_NANO);
	snprintf(path, sizeof(path), "%s/capture.pcap", r.out_dir);
	dump = pcap_dump_open(dead, path);
	if (!dump)
		die("%s: %s", path, pcap_geterr(dead));

	live = pcap_create(r.dev, errbuf);
	if (!live)
		die("%s: %s", r.dev, errbuf);
	pcap_set_snaplen(live, 64);
	pcap_set_promisc(live, 0);
	pcap_set_immediate_mode(live, 1);
	rc = pcap_activate(live);
	if (rc < 0)
		die("%s: %s", r.dev, pcap_geterr(live));
	/* We only send: ignore our own frames and accept nothing. */
	pcap_setdirection(live, PCAP_D_IN);
	if (pcap_compile(live, &fp, "ether[0] = 1 and ether[0] = 2", 1,
			 PCAP_NETMASK_UNKNOWN) == 0) {
		pcap_setfilter(live, &fp);
		pcap_freecode(&fp);
	}

	frame = malloc(FRAME_MAX);
	r.sent_cap = 1024;
	r.sent_index = malloc(r.sent_cap * sizeof(*r.sent_index));
	if (!frame || !r.sent_index)
		die("out of memory");

	/* Follow /dev/kmsg from its current end before anything is sent. */
	r.kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r.kfd < 0)
		die("/dev/kmsg: %s", strerror(errno));
	if (lseek(r.kfd, 0, SEEK_END) < 0)
		die("/dev/kmsg: seek: %s", strerror(errno));
	if (pthread_create(&th, NULL, reader_main, &r) != 0)
		die("pthread_create failed");

	probe(&r, 0, w0);
	wait_probe(&r, 0);

	/* Pin the sender: veth queues on the sending CPU's backlog. */
	if (r.cpu < 0) {
		r.cpu = sched_getcpu();
		if (r.cpu < 0)
			r.cpu = 0;
	}
	CPU_ZERO(&set);
	CPU_SET(r.cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		die("sched_setaffinity(cpu %d): %s", r.cpu, strerror(errno));

	memcpy(marker, r.dst_mac, 6);
	memset(marker + 6, 0, sizeof(marker) - 6);
	marker[6] = 0x02;
	marker[12] = MARKER_ETHERTYPE >> 8;
	marker[13] = MARKER_ETHERTYPE & 0xff;

	t_start = now_mono();
	t_inj0 = t_start;
	pthread_mutex_lock(&r.mu);
	r.injecting = true;
	pthread_mutex_unlock(&r.mu);
	for (;;) {
		size_t flen;
		double ts;

		rc = pcap_next_ex(in, &h, &data);
		if (rc == PCAP_ERROR_BREAK || rc == -2)
			break;
		if (rc != 1) {
			in_error = true;
			snprintf(in_err, sizeof(in_err), "%s: record %" PRIu64 ": %s",
				 r.in_path, rec, pcap_geterr(in));
			fprintf(stderr, "ctlab-replay: warning: %s (replayed the records "
				"before it)\n", in_err);
			break;
		}
		ts = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e9;
		flen = make_frame(&r, linktype, data, h->caplen, frame);
		if (flen == 0) {
			/* Keep record numbering: a dummy record in capture.pcap. */
			size_t n = h->caplen;

			if (linktype == DLT_EN10MB && n >= 14) {
				dump_frame(dump, data, n);
			} else {
				if (n > FRAME_MAX - 14)
					n = FRAME_MAX - 14;
				memset(frame, 0, 12);
				frame[12] = SKIPPED_ETHERTYPE >> 8;
				frame[13] = SKIPPED_ETHERTYPE & 0xff;
				memcpy(frame + 14, data, n);
				dump_frame(dump, frame, n + 14);
			}
			n_skip++;
			rec++;
			continue;
		}
		if (r.timing_original) {
			if (!have_first) {
				first_ts = ts;
				prev_ts = ts;
				have_first = true;
				t_inj0 = now_mono();
			} else {
				double due, now;

				/* --max-gap: a longer pause is shortened to it */
				if (r.max_gap > 0 && ts - prev_ts > r.max_gap)
					cut += ts - prev_ts - r.max_gap;
				prev_ts = ts;
				due = t_inj0 + (ts - first_ts) - cut;
				now = now_mono();

				if (due > now) {
					struct timespec sl;
					double d = due - now;

					sl.tv_sec = (time_t)d;
					sl.tv_nsec = (long)((d - (double)sl.tv_sec) * 1e9);
					nanosleep(&sl, NULL);
				}
			}
		}
		pthread_mutex_lock(&r.mu);
		if (r.n_sent == r.sent_cap) {
			uint64_t *nw = realloc(r.sent_index,
					       2 * r.sent_cap * sizeof(*r.sent_index));

			if (!nw)
				die("out of memory");
			r.sent_index = nw;
			r.sent_cap *= 2;
		}
		r.sent_index[r.n_sent] = rec;
		r.n_sent++;	/* before the marker goes out: the reader may see it at once */
		pthread_mutex_unlock(&r.mu);

		dump_frame(dump, frame, flen);
		if (pcap_inject(live, frame, flen) < 0)
			die("record %" PRIu64 ": inject (%zu bytes): %s", rec, flen,
			    pcap_geterr(live));
		for (i = 0; i < 5; i++)
			marker[7 + i] = (uint8_t)(rec >> (8 * (4 - i)));
		if (pcap_inject(live, marker, sizeof(marker)) < 0)
			die("record %" PRIu64 ": inject marker: %s", rec, pcap_geterr(live));
		n_ip++;
		rec++;
		wait_reader(&r, false);
		if (r.err[0])
			break;
	}
	wait_reader(&r, true);
	t_end = now_mono();
	pthread_mutex_lock(&r.mu);
	r.injecting = false;
	pthread_mutex_unlock(&r.mu);
	if (!r.err[0]) {
		probe(&r, 1, w1);
		wait_probe(&r, 1);
	}
	pthread_mutex_lock(&r.mu);
	r.stop = true;
	pthread_mutex_unlock(&r.mu);
	pthread_join(th, NULL);
	if (r.err[0]) {
		fprintf(stderr, "ctlab-replay: %s\n", r.err);
		exit(r.lost ? 3 : r.no_marker ? 4 : 1);
	}
	if (r.pend_head)
		die("conntrack lines after the last marker");

	pcap_dump_close(dump);
	pcap_close(dead);
	pcap_close(live);
	pcap_close(in);
	if (fclose(r.tsv) || fclose(r.klog) || (r.jsonl && fclose(r.jsonl)) ||
	    (r.inv && fclose(r.inv)))
		die("%s: write error", r.out_dir);

	/* meta.json */
	meta = json_object();
	uname(&un);
	json_object_set_new(meta, "kernel", json_string(un.release));
	json_object_set_new(meta, "input", json_string(r.in_path));
	json_object_set_new(meta, "linktype", json_integer(linktype));
	json_object_set_new(meta, "sysctl", r.sysctls);
	json_object_set_new(meta, "timing", json_string(r.timing_original ? "original" : "fast"));
	if (r.timing_original && r.max_gap > 0) {
		json_object_set_new(meta, "max_gap", json_real(r.max_gap));
		json_object_set_new(meta, "gap_seconds_cut", json_real(cut));
	}
	json_object_set_new(meta, "records", json_integer((json_int_t)rec));
	json_object_set_new(meta, "injected", json_integer((json_int_t)n_ip));
	json_object_set_new(meta, "skipped", json_integer((json_int_t)n_skip));
	json_object_set_new(meta, "lines", json_integer((json_int_t)r.n_lines));
	if (r.verdicts)
		json_object_set_new(meta, "invalid_packets", json_integer((json_int_t)r.n_invalid));
	json_object_set_new(meta, "kmsg_records_read", json_integer((json_int_t)r.n_kmsg_records));
	json_object_set_new(meta, "seconds", json_real(t_end - t_start));
	json_object_set_new(meta, "packets_per_second",
			    json_real(t_end > t_start ? (double)n_ip / (t_end - t_start) : 0));
	json_object_set_new(meta, "cpu", json_integer(r.cpu));
	json_object_set_new(meta, "firewall_device", json_string(r.fw_dev));
	if (in_error)
		json_object_set_new(meta, "input_error", json_string(in_err));
	{
		json_t *probes = json_array();

		for (i = 0; i < 2; i++) {
			struct timespec *w = i == 0 ? w0 : w1;
			double mid = (ts_d(&w[0]) + ts_d(&w[1])) / 2;
			json_t *o;

			if (!r.probe_seen[i])
				continue;
			o = json_object();
			json_object_set_new(o, "kernel_usec", json_integer((json_int_t)r.probe_usec[i]));
			json_object_set_new(o, "wall", json_real(mid));
			json_object_set_new(o, "write_seconds", json_real(ts_d(&w[1]) - ts_d(&w[0])));
			json_object_set_new(o, "offset", json_real(mid - (double)r.probe_usec[i] / 1e6));
			json_array_append_new(probes, o);
		}
		if (r.probe_seen[0])
			json_object_set_new(meta, "kernel_to_wall_offset",
					    json_real((ts_d(&w0[0]) + ts_d(&w0[1])) / 2 -
						      (double)r.probe_usec[0] / 1e6));
		json_object_set_new(meta, "probes", probes);
	}
	snprintf(path, sizeof(path), "%s/meta.json", r.out_dir);
	if (json_dump_file(meta, path, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(17)) < 0)
		die("%s: write error", path);
	json_decref(meta);
	fprintf(stderr, "ctlab-replay: %" PRIu64 " records, %" PRIu64 " injected, %" PRIu64
		" skipped, %" PRIu64 " conntrack lines, %.0f packets/s\n", rec, n_ip, n_skip,
		r.n_lines, t_end > t_start ? (double)n_ip / (t_end - t_start) : 0.0);
	free(frame);
	free(r.sent_index);
	close(r.kfd);
	return 0;
}
