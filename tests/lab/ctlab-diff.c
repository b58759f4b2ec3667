/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ctlab-diff - compare the kernel's conntrack verdicts (kernel.tsv written by
 * ctlab-replay) with a ctexplain JSON report of the same capture.
 *
 *   ctlab-diff [--kernel-version V] [--path P] [--max-shown N]
 *              kernel.tsv capture.pcap report.json
 *
 * For every record index, the multiset of kernel messages must equal the
 * multiset of `message`s of the report's flagged_packets[] entries with that
 * index (and path P, default: the capture path as given, or one with the
 * same base name).  With invalid.tsv (written by the replay next to
 * kernel.tsv; the indexes of the packets conntrack marked INVALID), a logged
 * packet's verdict must agree too: INVALID in the kernel <=> some entry of
 * the engine has verdict "invalid" (else "ignored": logged but accepted);
 * and so must the packets neither side logs about: INVALID without a line in
 * the kernel <=> listed in the report's silent_packets[] (skipped, with a
 * note, when the report dropped silent entries).  Each difference is printed
 * with the packet (index, time, a one-line decode), both answers, and the
 * previous <= 8 packets of its flow (same 5-tuple, either direction).  The
 * last line is always
 *
 *   kernel-diff: compared N packets in M flows, D differences (kernel V)
 *
 * N = IP records of the capture, M = distinct flows among them, D = record
 * indexes whose answers differ.  Exit 0 without differences, 1 with, 2 usage,
 * 3 unreadable input.  Test tooling, not part of ctexplain.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include <jansson.h>

#include "ctx.h"
#include "decode.h"
#include "pcapsrc.h"

#define HISTORY 8

/* One answer: a message about a record. */
struct ans {
	uint64_t index;
	char *msg;		/* owned */
	char *extra;		/* owned: " [verdict rule]" for engine answers, or NULL */
	int invalid;		/* engine: verdict is "invalid" (1), else 0 */
};

struct ans_vec {
	struct ans *v;
	size_t n, alloc;
};

/* What we keep of each capture record. */
struct rec {
	uint64_t index;
	int64_t ts_sec;
	uint32_t ts_nsec;
	bool ip;
	uint8_t family, proto;
	struct ip_addr src, dst;
	uint16_t sport, dport;
	bool has_l4;
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t win;
	uint32_t paylen, ip_len;
	uint8_t icmp_type, icmp_code;
	bool frag;
	uint32_t notes;
	/* canonical flow key (endpoints ordered) */
	uint8_t key[38];
};

struct rec_vec {
	struct rec *v;
	size_t n, alloc;
};

static void *
grow(void *v, size_t *alloc, size_t n, size_t size)
{
	if (n < *alloc)
		return v;
	*alloc = *alloc ? *alloc * 2 : 64;
	v = realloc(v, *alloc * size);
	if (!v) {
		fputs("ctlab-diff: out of memory\n", stderr);
		exit(3);
	}
	return v;
}

static char *
dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (!d) {
		fputs("ctlab-diff: out of memory\n", stderr);
		exit(3);
	}
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static void
ans_push(struct ans_vec *a, uint64_t index, char *msg, char *extra)
{
	a->v = grow(a->v, &a->alloc, a->n, sizeof(*a->v));
	a->v[a->n].index = index;
	a->v[a->n].msg = msg;
	a->v[a->n].extra = extra;
	a->v[a->n].invalid = 0;
	a->n++;
}

static int
ans_cmp(const void *pa, const void *pb)
{
	const struct ans *a = pa, *b = pb;

	if (a->index != b->index)
		return a->index < b->index ? -1 : 1;
	return strcmp(a->msg, b->msg);
}

static void
ans_free(struct ans_vec *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->v[i].msg);
		free(a->v[i].extra);
	}
	free(a->v);
}

/* Parse a u64 from [s, e); whole range must be digits. */
static bool
parse_u64n(const char *s, const char *e, uint64_t *out)
{
	uint64_t v = 0;

	if (s >= e)
		return false;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

/* kernel.tsv: INDEX \t PROTO \t MESSAGE per line. */
static int
load_tsv(const char *path, struct ans_vec *out)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = 0;

	if (!f) {
		fprintf(stderr, "ctlab-diff: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *t1, *t2, *end = line + n;
		uint64_t idx;

		lineno++;
		if (n > 0 && end[-1] == '\n')
			*--end = '\0';
		t1 = memchr(line, '\t', (size_t)(end - line));
		t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(end - t1 - 1)) : NULL;
		if (!t1 || !t2 || !parse_u64n(line, t1, &idx)) {
			fprintf(stderr, "ctlab-diff: %s: line %zu: not INDEX<TAB>PROTO<TAB>MESSAGE\n",
				path, lineno);
			rc = -1;
			break;
		}
		ans_push(out, idx, dupn(t2 + 1, (size_t)(end - t2 - 1)), NULL);
	}
	free(line);
	fclose(f);
	return rc;
}

/* invalid.tsv: one record index per line (packets conntrack marked INVALID). */
static int
load_invalid(const char *path, uint64_t **out, size_t *n)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, alloc = 0, lineno = 0;
	ssize_t len;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (!f) {
		fprintf(stderr, "ctlab-diff: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		uint64_t idx;

		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (!parse_u64n(line, line + len, &idx)) {
			fprintf(stderr, "ctlab-diff: %s: line %zu: not a record index\n", path, lineno);
			rc = -1;
			break;
		}
		*out = grow(*out, &alloc, *n, sizeof(**out));
		(*out)[(*n)++] = idx;
	}
	free(line);
	fclose(f);
	return rc;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool
in_set(const uint64_t *v, size_t n, uint64_t x)
{
	return n > 0 && bsearch(&x, v, n, sizeof(*v), u64_cmp) != NULL;
}

/* Does the sorted @a hold an answer for record @x? */
static bool
has_index(const struct ans_vec *a, uint64_t x)
{
	size_t lo = 0, hi = a->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->v[mid].index < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < a->n && a->v[lo].index == x;
}

static const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* Does entry @e of the report belong to @path (exactly, or by base name)? */
static bool
path_ok(json_t *e, const char *path, bool exact)
{
	const char *p = json_string_value(json_object_get(e, "path"));

	return p && (exact ? strcmp(p, path) == 0
			   : strcmp(base_name(p), base_name(path)) == 0);
}

/*
 * silent_packets[] of the report for @path into @sil (msg "invalid, no line:
 * WHY"); *dropped = stats.silent_dropped (entries the report left out).
 */
static void
load_silent(json_t *root, const char *path, bool exact, struct ans_vec *sil, uint64_t *dropped)
{
	json_t *sp = json_object_get(root, "silent_packets"), *e;
	json_t *d = json_object_get(json_object_get(root, "stats"), "silent_dropped");
	size_t i;

	*dropped = json_is_integer(d) ? (uint64_t)json_integer_value(d) : 0;
	if (!json_is_array(sp)) {
		*dropped = 1;	/* an older report: nothing to compare with */
		return;
	}
	json_array_foreach(sp, i, e) {
		const char *why = json_string_value(json_object_get(e, "why"));
		json_t *ji = json_object_get(e, "index");
		char msg[512];

		if (!path_ok(e, path, exact) || !json_is_integer(ji) || json_integer_value(ji) < 0)
			continue;
		snprintf(msg, sizeof(msg), "invalid, no line: %s", why ? why : "?");
		ans_push(sil, (uint64_t)json_integer_value(ji), dupn(msg, strlen(msg)), NULL);
		sil->v[sil->n - 1].invalid = 1;
	}
}

/* flagged_packets[] (into @out) and silent_packets[] (into @sil) of the
 * report whose path is @path (or same base name). */
static int
load_report(const char *rpath, const char *path, struct ans_vec *out, uint64_t *n_other,
	    struct ans_vec *sil, uint64_t *sil_dropped)
{
	json_error_t jerr;
	json_t *root = json_load_file(rpath, 0, &jerr), *fp, *e;
	size_t i;
	bool exact = false;

	if (!root) {
		fprintf(stderr, "ctlab-diff: %s: line %d: %s\n", rpath, jerr.line, jerr.text);
		return -1;
	}
	fp = json_object_get(root, "flagged_packets");
	if (!json_is_array(fp)) {
		fprintf(stderr, "ctlab-diff: %s: no flagged_packets array\n", rpath);
		json_decref(root);
		return -1;
	}
	/* Exact path matches win; fall back to the base name. */
	json_array_foreach(fp, i, e) {
		const char *p = json_string_value(json_object_get(e, "path"));

		if (p && strcmp(p, path) == 0)
			exact = true;
	}
	*n_other = 0;
	json_array_foreach(fp, i, e) {
		const char *p = json_string_value(json_object_get(e, "path"));
		const char *m = json_string_value(json_object_get(e, "message"));
		const char *v = json_string_value(json_object_get(e, "verdict"));
		const char *r = json_string_value(json_object_get(e, "rule"));
		json_t *ji = json_object_get(e, "index");
		char extra[256];

		if (!p || !path_ok(e, path, exact)) {
			(*n_other)++;
			continue;
		}
		if (!json_is_integer(ji) || json_integer_value(ji) < 0 || !m) {
			fprintf(stderr, "ctlab-diff: %s: flagged_packets[%zu]: no index or "
				"message\n", rpath, i);
			json_decref(root);
			return -1;
		}
		snprintf(extra, sizeof(extra), " [%s %s]", v ? v : "?", r ? r : "?");
		ans_push(out, (uint64_t)json_integer_value(ji), dupn(m, strlen(m)),
			 dupn(extra, strlen(extra)));
		out->v[out->n - 1].invalid = v && strcmp(v, "invalid") == 0;
	}
	load_silent(root, path, exact, sil, sil_dropped);
	json_decref(root);
	return 0;
}

static void
make_key(struct rec *r)
{
	uint8_t a[18], b[18];
	size_t al = r->family == 6 ? 16 : 4;

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	memcpy(a, r->src.b, al);
	memcpy(b, r->dst.b, al);
	a[16] = (uint8_t)(r->sport >> 8);
	a[17] = (uint8_t)r->sport;
	b[16] = (uint8_t)(r->dport >> 8);
	b[17] = (uint8_t)r->dport;
	memset(r->key, 0, sizeof(r->key));
	r->key[0] = r->family;
	r->key[1] = r->proto;
	if (memcmp(a, b, sizeof(a)) <= 0) {
		memcpy(r->key + 2, a, 18);
		memcpy(r->key + 20, b, 18);
	} else {
		memcpy(r->key + 2, b, 18);
		memcpy(r->key + 20, a, 18);
	}
}

static int
load_capture(const char *path, struct rec_vec *out)
{
	struct run_ctx ctx;
	struct pcapsrc *src = NULL;
	struct pcap_rec pr;
	struct pkt pkt;
	int rc;

	ctx_init(&ctx);
	rc = pcapsrc_open(&ctx, path, &src);
	if (rc < 0)
		goto fail;
	while ((rc = pcapsrc_next(src, &pr)) > 0) {
		struct rec *r;

		out->v = grow(out->v, &out->alloc, out->n, sizeof(*out->v));
		r = &out->v[out->n++];
		memset(r, 0, sizeof(*r));
		memset(&pkt, 0, sizeof(pkt));
		pcapsrc_pkt_init(&pr, 0, &pkt);
		decode_frame(pr.linktype, pr.data, pr.caplen, &pkt);
		r->index = pr.index;
		r->ts_sec = pr.ts_sec;
		r->ts_nsec = pr.ts_nsec;
		r->ip = pkt.family == 4 || pkt.family == 6;
		r->family = pkt.family;
		r->proto = pkt.proto;
		r->src = pkt.src;
		r->dst = pkt.dst;
		r->has_l4 = pkt.has_l4;
		r->frag = pkt.is_fragment;
		r->notes = pkt.notes;
		r->ip_len = pkt.ip_len;
		if (pkt.has_l4) {
			r->sport = pkt.sport;
			r->dport = pkt.dport;
			r->flags = pkt.tcp_flags;
			r->seq = pkt.seq;
			r->ack = pkt.ack;
			r->win = pkt.window;
			r->paylen = pkt.payload_len;
			r->icmp_type = pkt.icmp_type;
			r->icmp_code = pkt.icmp_code;
			if (pkt.proto == 1 || pkt.proto == 58) {
				/* echo: the id identifies the "flow" */
				r->sport = pkt.icmp_id;
				r->dport = pkt.icmp_id;
			}
		}
		make_key(r);
	}
	if (rc < 0)
		goto fail;
	pcapsrc_free(src);
	ctx_release(&ctx);
	return 0;
fail:
	if (ctx.errors.n > 0)
		fprintf(stderr, "ctlab-diff: %s\n", ctx.errors.v[0].text);
	else
		fprintf(stderr, "ctlab-diff: %s: cannot read\n", path);
	pcapsrc_free(src);
	ctx_release(&ctx);
	return -1;
}

static void
fmt_time(const struct rec *r, char *buf, size_t len)
{
	struct tm tm;
	time_t t = (time_t)r->ts_sec;
	char d[32];

	gmtime_r(&t, &tm);
	strftime(d, sizeof(d), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%06uZ", d, r->ts_nsec / 1000);
}

static void
fmt_flags(uint8_t f, char *buf)
{
	static const char names[] = "FSRP.UEW";
	int i, o = 0;

	for (i = 0; i < 8; i++)
		if (f & (1u << i))
			buf[o++] = names[i];
	if (o == 0)
		buf[o++] = 'n';
	buf[o] = '\0';
}

/* One-line decode: addresses, ports, flags, seq, ack, win, len. */
static void
fmt_pkt(const struct rec *r, char *buf, size_t len)
{
	char s[48], d[48], fl[12], t[64];

	fmt_time(r, t, sizeof(t));
	if (!r->ip) {
		snprintf(buf, len, "#%" PRIu64 " %s not IP", r->index, t);
		return;
	}
	decode_addr_str(r->family, &r->src, s);
	decode_addr_str(r->family, &r->dst, d);
	if (!r->has_l4) {
		snprintf(buf, len, "#%" PRIu64 " %s IPv%u proto %u %s > %s iplen %u%s",
			 r->index, t, r->family, r->proto, s, d, r->ip_len,
			 r->frag ? " fragment" : "");
		return;
	}
	switch (r->proto) {
	case 6:
		fmt_flags(r->flags, fl);
		snprintf(buf, len, "#%" PRIu64 " %s TCP %s.%u > %s.%u [%s] seq %" PRIu32
			 " ack %" PRIu32 " win %u len %" PRIu32 "%s", r->index, t, s, r->sport,
			 d, r->dport, fl, r->seq, r->ack, r->win, r->paylen,
			 r->frag ? " (reassembled?)" : "");
		break;
	case 17:
	case 136:
		snprintf(buf, len, "#%" PRIu64 " %s %s %s.%u > %s.%u len %" PRIu32, r->index,
			 t, r->proto == 17 ? "UDP" : "UDPLITE", s, r->sport, d, r->dport,
			 r->paylen);
		break;
	case 1:
	case 58:
		snprintf(buf, len, "#%" PRIu64 " %s %s %s > %s type %u code %u id %u",
			 r->index, t, r->proto == 1 ? "ICMP" : "ICMPv6", s, d, r->icmp_type,
			 r->icmp_code, r->sport);
		break;
	default:
		snprintf(buf, len, "#%" PRIu64 " %s IPv%u proto %u %s > %s", r->index, t,
			 r->family, r->proto, s, d);
		break;
	}
	if (r->notes & ~(uint32_t)PKT_NOTE_FRAGMENT) {
		size_t l = strlen(buf);

		snprintf(buf + l, len - l, " notes 0x%x", r->notes);
	}
}

static const struct rec *
find_rec(const struct rec_vec *rv, uint64_t index)
{
	size_t lo = 0, hi = rv->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rv->v[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rv->n && rv->v[lo].index == index ? &rv->v[lo] : NULL;
}

static int
key_cmp(const void *a, const void *b)
{
	return memcmp(*(const uint8_t *const *)a, *(const uint8_t *const *)b, 38);
}

static size_t
count_flows(const struct rec_vec *rv, uint64_t *n_ip)
{
	const uint8_t **keys = malloc((rv->n + 1) * sizeof(*keys));
	size_t i, n = 0, flows = 0;

	if (!keys) {
		fputs("ctlab-diff: out of memory\n", stderr);
		exit(3);
	}
	for (i = 0; i < rv->n; i++)
		if (rv->v[i].ip)
			keys[n++] = rv->v[i].key;
	*n_ip = n;
	if (n > 0)
		qsort(keys, n, sizeof(*keys), key_cmp);
	for (i = 0; i < n; i++)
		if (i == 0 || memcmp(keys[i - 1], keys[i], 38) != 0)
			flows++;
	free(keys);
	return flows;
}

static void
print_answers(const char *who, const struct ans *v, size_t n)
{
	size_t i;

	if (n == 0) {
		printf("  %s: (no line)\n", who);
		return;
	}
	for (i = 0; i < n; i++)
		printf("  %s: %s%s\n", who, v[i].msg, v[i].extra ? v[i].extra : "");
}

static void
print_history(const struct rec_vec *rv, const struct rec *r)
{
	const struct rec *h[HISTORY];
	size_t n = 0, i;
	char line[512];

	if (!r || !r->ip)
		return;
	for (i = (size_t)(r - rv->v); i > 0 && n < HISTORY; i--) {
		const struct rec *p = &rv->v[i - 1];

		if (p->ip && memcmp(p->key, r->key, sizeof(p->key)) == 0)
			h[n++] = p;
	}
	printf("  flow history (%zu previous):\n", n);
	while (n > 0) {
		fmt_pkt(h[--n], line, sizeof(line));
		printf("    %s\n", line);
	}
}

/* Print difference number @nth (when <= @max_shown): the packet, a verdict
 * line (when not empty), both answers and the flow's history. */
static void
show_diff(const struct rec_vec *recs, uint64_t idx, uint64_t nth, uint64_t max_shown,
	  const char *vline, const struct ans *k, size_t kn, const struct ans *e, size_t en)
{
	const struct rec *r;
	char line[512];

	if (nth == max_shown + 1)
		printf("(more differences not shown)\n");
	if (nth > max_shown)
		return;
	r = find_rec(recs, idx);
	if (r)
		fmt_pkt(r, line, sizeof(line));
	else
		snprintf(line, sizeof(line), "#%" PRIu64 " (no such record in the capture)", idx);
	printf("DIFF %s\n", line);
	if (vline[0])
		printf("  %s\n", vline);
	print_answers("kernel", k, kn);
	print_answers("engine", e, en);
	print_history(recs, r);
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: ctlab-diff [--kernel-version V] [--path P] [--max-shown N]\n"
		"                  [--invalid invalid.tsv | --no-verdicts]\n"
		"                  kernel.tsv capture.pcap report.json\n");
	exit(status);
}

int
main(int argc, char **argv)
{
	struct ans_vec kern = { 0 }, eng = { 0 }, sil = { 0 };
	struct rec_vec recs = { 0 };
	const char *pos[3], *kver = NULL, *rpath = NULL, *inv_path = NULL;
	uint64_t *inv = NULL;
	size_t n_inv = 0;
	bool no_verdicts = false;
	uint64_t vdiffs = 0, sil_dropped = 0, n_silent_k = 0;
	char sib[4096];
	uint64_t n_ip = 0, n_other = 0, diffs = 0, max_shown = 50;
	size_t ki = 0, ei = 0, flows;
	struct utsname un;
	int i, npos = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--kernel-version") == 0 && i + 1 < argc)
			kver = argv[++i];
		else if (strcmp(argv[i], "--path") == 0 && i + 1 < argc)
			rpath = argv[++i];
		else if (strcmp(argv[i], "--invalid") == 0 && i + 1 < argc)
			inv_path = argv[++i];
		else if (strcmp(argv[i], "--no-verdicts") == 0)
			no_verdicts = true;
		else if (strcmp(argv[i], "--max-shown") == 0 && i + 1 < argc) {
			const char *s = argv[++i];

			if (!parse_u64n(s, s + strlen(s), &max_shown))
				usage(2);
		} else if (strcmp(argv[i], "--help") == 0)
			usage(0);
		else if (argv[i][0] == '-' && argv[i][1])
			usage(2);
		else if (npos < 3)
			pos[npos++] = argv[i];
		else
			usage(2);
	}
	if (npos != 3)
		usage(2);
	if (!kver) {
		uname(&un);
		kver = un.release;
	}
	if (!rpath)
		rpath = pos[1];
	if (!inv_path && !no_verdicts) {
		/* invalid.tsv next to kernel.tsv, when the replay wrote one */
		const char *sl = strrchr(pos[0], '/');
		FILE *t;

		snprintf(sib, sizeof(sib), "%.*sinvalid.tsv", sl ? (int)(sl - pos[0] + 1) : 0,
			 pos[0]);
		t = fopen(sib, "r");
		if (t) {
			fclose(t);
			inv_path = sib;
		}
	}
	if (no_verdicts)
		inv_path = NULL;
	if (load_tsv(pos[0], &kern) < 0 || load_capture(pos[1], &recs) < 0 ||
	    load_report(pos[2], rpath, &eng, &n_other, &sil, &sil_dropped) < 0 ||
	    (inv_path && load_invalid(inv_path, &inv, &n_inv) < 0)) {
		free(inv);
		ans_free(&kern);
		ans_free(&eng);
		ans_free(&sil);
		free(recs.v);
		return 3;
	}
	if (kern.n > 0)
		qsort(kern.v, kern.n, sizeof(*kern.v), ans_cmp);
	if (eng.n > 0)
		qsort(eng.v, eng.n, sizeof(*eng.v), ans_cmp);
	if (sil.n > 0)
		qsort(sil.v, sil.n, sizeof(*sil.v), ans_cmp);
	if (n_inv > 0)
		qsort(inv, n_inv, sizeof(*inv), u64_cmp);
	flows = count_flows(&recs, &n_ip);

	/* Walk both sorted lists one record index at a time. */
	while (ki < kern.n || ei < eng.n) {
		uint64_t idx;
		size_t kn = 0, en = 0, j;
		bool same, vmis;

		if (ki < kern.n && (ei >= eng.n || kern.v[ki].index <= eng.v[ei].index))
			idx = kern.v[ki].index;
		else
			idx = eng.v[ei].index;
		while (ki + kn < kern.n && kern.v[ki + kn].index == idx)
			kn++;
		while (ei + en < eng.n && eng.v[ei + en].index == idx)
			en++;
		same = kn == en;
		for (j = 0; same && j < kn; j++)
			same = strcmp(kern.v[ki + j].msg, eng.v[ei + j].msg) == 0;
		vmis = false;
		if (same && inv_path && kn > 0) {
			/* same lines: the verdict (INVALID or ignored) must agree too */
			bool k_inv = in_set(inv, n_inv, idx), e_inv = false;

			for (j = 0; j < en; j++)
				e_inv = e_inv || eng.v[ei + j].invalid;
			if (k_inv != e_inv) {
				same = false;
				vmis = true;
				vdiffs++;
			}
		}
		if (!same) {
			char vline[128];

			if (vmis)
				snprintf(vline, sizeof(vline), "verdict: kernel %s, engine %s",
					 in_set(inv, n_inv, idx) ? "invalid" : "ignored (accepted)",
					 in_set(inv, n_inv, idx) ? "ignored" : "invalid");
			else if (inv_path)
				snprintf(vline, sizeof(vline), "kernel verdict: %s",
					 in_set(inv, n_inv, idx) ? "invalid" :
					 kn ? "ignored (accepted)" : "not logged");
			else
				vline[0] = '\0';
			show_diff(&recs, idx, ++diffs, max_shown, vline, kern.v + ki, kn,
				  eng.v + ei, en);
		}
		ki += kn;
		ei += en;
	}
	/*
	 * Packets neither side logs about: INVALID in the kernel (invalid.tsv)
	 * <=> in the report's silent_packets.  Indexes with lines on either side
	 * were compared above.
	 */
	if (inv_path && sil_dropped == 0) {
		size_t a = 0, b = 0;

		while (a < n_inv || b < sil.n) {
			uint64_t idx;
			bool k_inv, e_inv;
			size_t sn = 0;

			if (a < n_inv && (b >= sil.n || inv[a] <= sil.v[b].index))
				idx = inv[a];
			else
				idx = sil.v[b].index;
			k_inv = a < n_inv && inv[a] == idx;
			while (a < n_inv && inv[a] == idx)
				a++;
			while (b + sn < sil.n && sil.v[b + sn].index == idx)
				sn++;
			e_inv = sn > 0;
			if (!has_index(&kern, idx) && !has_index(&eng, idx)) {
				if (k_inv)
					n_silent_k++;
				if (k_inv != e_inv) {
					vdiffs++;
					show_diff(&recs, idx, ++diffs, max_shown, k_inv ?
						  "verdict: kernel invalid without a line, engine "
						  "accepted" : "verdict: kernel accepted, engine "
						  "invalid without a line", NULL, 0, sil.v + b, sn);
				}
			}
			b += sn;
		}
	}
	if (n_other > 0)
		fprintf(stderr, "ctlab-diff: note: %" PRIu64 " flagged packets of other inputs "
			"ignored\n", n_other);
	if (inv_path && sil_dropped > 0)
		fprintf(stderr, "ctlab-diff: note: the report left out silent packets: "
			"unlogged INVALID packets not compared\n");
	if (inv_path)
		fprintf(stderr, "ctlab-diff: verdicts compared (%zu INVALID packets in %s, %"
			PRIu64 " of them without a line), %" PRIu64 " verdict differences\n",
			n_inv, inv_path, n_silent_k, vdiffs);
	else
		fprintf(stderr, "ctlab-diff: no invalid.tsv: verdicts not compared\n");
	printf("kernel-diff: compared %" PRIu64 " packets in %zu flows, %" PRIu64
	       " differences (kernel %s)\n", n_ip, flows, diffs, kver);
	ans_free(&kern);
	ans_free(&eng);
	ans_free(&sil);
	free(recs.v);
	free(inv);
	return diffs ? 1 : 0;
}
