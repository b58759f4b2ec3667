/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ct-policy.c - the kernel behaviour profile (sysctl knobs), see ct-policy.h.
 *
 * Defaults are those of Linux 6.18 (checked in a fresh network namespace of
 * the 6.18.44 lab machine with `sysctl -a`).  A sysctl dump is parsed line
 * by line with bounded parsers; a command-line value always wins.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct-policy.h"
#include "util-strparse.h"

static const struct {
	const char *name;	/* "nf_conntrack_tcp_loose" */
	int64_t def, min, max;
} knobs[CT_KNOB__COUNT] = {
#define X(id, n, d, lo, hi) [CT_KNOB_##id] = { n, d, lo, hi },
	CT_KNOBS(X)
#undef X
};

/* Full sysctl names ("net.netfilter." + name), for ct_policy_name(). */
static const char *const full_names[CT_KNOB__COUNT] = {
#define X(id, n, d, lo, hi) [CT_KNOB_##id] = "net.netfilter." n,
	CT_KNOBS(X)
#undef X
};

static const struct {
	const char *name;	/* "net.ipv4.ipfrag_time" */
	int64_t def, min, max;
} frag_knobs[CT_FRAG__COUNT] = {
#define X(id, n, d, lo, hi) [CT_FRAG_##id] = { n, d, lo, hi },
	CT_FRAG_KNOBS(X)
#undef X
};

/* Sysctl dumps can be large (`sysctl -a`); we never need more than this. */
#define SYSCTL_FILE_MAX (16u << 20)
#define SYSCTL_LINE_MAX 4096u

void
ct_policy_init(struct ct_policy *p)
{
	memset(p, 0, sizeof(*p));
	for (int k = 0; k < CT_KNOB__COUNT; k++) {
		p->v[k] = knobs[k].def;
		p->src[k] = CT_SRC_DEFAULT;
	}
	snprintf(p->profile, sizeof(p->profile), "%s", CT_PROFILE_CURRENT);
	p->profile_src = CT_SRC_DEFAULT;
	for (int k = 0; k < CT_FRAG__COUNT; k++) {
		p->frag[k] = frag_knobs[k].def;
		p->frag_src[k] = CT_SRC_DEFAULT;
	}
}

/*
 * A key in dotted form: "/proc/sys/net/ipv4/ipfrag_time" and
 * "net/ipv4/ipfrag_time" become "net.ipv4.ipfrag_time".  0, or -1 when it
 * does not fit @size.
 */
static int
normalize_key(const char *s, const char *e, char *buf, size_t size)
{
	size_t n = 0;

	if (e - s >= 10 && memcmp(s, "/proc/sys/", 10) == 0)
		s += 10;
	if ((size_t)(e - s) >= size)
		return -1;
	for (; s < e; s++)
		buf[n++] = *s == '/' ? '.' : *s;
	buf[n] = '\0';
	return 0;
}

static int
frag_lookup_span(const char *s, const char *e)
{
	char key[128];

	if (s >= e || normalize_key(s, e, key, sizeof(key)) < 0)
		return -1;
	for (int k = 0; k < CT_FRAG__COUNT; k++) {
		const char *name = frag_knobs[k].name;
		const char *last = strrchr(name, '.') + 1;

		if (strcmp(key, name) == 0 || strcmp(key, last) == 0)
			return k;
	}
	return -1;
}

int
ct_policy_frag_lookup(const char *name)
{
	if (!name)
		return -1;
	return frag_lookup_span(name, name + strlen(name));
}

const char *
ct_policy_frag_name(enum ct_frag_knob k)
{
	if ((unsigned)k >= CT_FRAG__COUNT)
		return "?";
	return frag_knobs[k].name;
}

/* Compare the key [s, e) with knob @k in any accepted spelling. */
static int
key_matches(const char *s, const char *e, int k)
{
	static const char *const prefixes[] = {
		"net.netfilter.", "net/netfilter/", "/proc/sys/net/netfilter/", "",
	};
	const char *name = knobs[k].name;
	size_t nlen = strlen(name);

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		const char *q = s;
		size_t plen = strlen(prefixes[i]);

		if ((size_t)(e - q) < plen || memcmp(q, prefixes[i], plen) != 0)
			continue;
		q += plen;
		/* full "nf_conntrack_tcp_loose" */
		if ((size_t)(e - q) == nlen && memcmp(q, name, nlen) == 0)
			return 1;
		/* short "tcp_loose" (only without a path prefix) */
		if (plen == 0 && nlen > 13 && (size_t)(e - q) == nlen - 13 &&
		    memcmp(q, name + 13, nlen - 13) == 0)
			return 1;
	}
	return 0;
}

static int
lookup_span(const char *s, const char *e)
{
	if (s >= e)
		return -1;
	for (int k = 0; k < CT_KNOB__COUNT; k++)
		if (key_matches(s, e, k))
			return k;
	return -1;
}

int
ct_policy_lookup(const char *name)
{
	if (!name)
		return -1;
	return lookup_span(name, name + strlen(name));
}

const char *
ct_policy_name(enum ct_knob k)
{
	if ((unsigned)k >= CT_KNOB__COUNT)
		return "?";
	return full_names[k];
}

const char *
ct_source_name(enum ct_source s)
{
	switch (s) {
	case CT_SRC_DEFAULT:
		return "default";
	case CT_SRC_SYSCTL:
		return "sysctl";
	case CT_SRC_LOG:
		return "log";
	case CT_SRC_OPTION:
		return "option";
	}
	return "?";
}

/* Precedence of sources: an option beats a dump, a dump beats a guess. */
static int
src_rank(enum ct_source s)
{
	switch (s) {
	case CT_SRC_DEFAULT:
		return 0;
	case CT_SRC_LOG:
		return 1;
	case CT_SRC_SYSCTL:
		return 2;
	case CT_SRC_OPTION:
		return 3;
	}
	return 0;
}

int
ct_policy_set(struct ct_policy *p, enum ct_knob k, int64_t value, enum ct_source src)
{
	if ((unsigned)k >= CT_KNOB__COUNT)
		return -1;
	if (value < knobs[k].min || value > knobs[k].max)
		return -1;
	if (src_rank(src) < src_rank(p->src[k]))
		return 1;	/* kept: set from a stronger source */
	p->v[k] = value;
	p->src[k] = src;
	return 0;
}

int
ct_policy_frag_set(struct ct_policy *p, enum ct_frag_knob k, int64_t value,
		   enum ct_source src)
{
	if ((unsigned)k >= CT_FRAG__COUNT)
		return -1;
	if (value < frag_knobs[k].min || value > frag_knobs[k].max)
		return -1;
	if (src_rank(src) < src_rank(p->frag_src[k]))
		return 1;
	p->frag[k] = value;
	p->frag_src[k] = src;
	return 0;
}

static int
is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' ||
	       c == '/' || c == '*';
}

/*
 * Split one line into key and value.  Accepted forms:
 *   "net.netfilter.nf_conntrack_max = 262144"  (sysctl -a)
 *   "net.netfilter.nf_conntrack_max=262144"
 *   "/proc/sys/net/netfilter/nf_conntrack_max:262144"  (grep . /proc/sys/...)
 * Returns 1 for a key/value line, 0 for a blank or comment line, -1 when
 * malformed.
 */
static int
split_line(const char *s, const char *e, const char **ks, const char **ke,
	   const char **vs, const char **ve)
{
	const char *p = s;
	char sep;

	sp_blanks(&p, e);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	if (p == e || *p == '#' || *p == ';')
		return 0;
	*ks = p;
	while (p < e && is_key_char(*p))
		p++;
	*ke = p;
	if (*ks == *ke)
		return -1;
	sp_blanks(&p, e);
	if (p >= e)
		return -1;
	sep = *p;
	if (sep != '=' && !(sep == ':' && **ks == '/'))
		return -1;
	p++;
	sp_blanks(&p, e);
	*vs = p;
	*ve = e;
	/* a key must look like a dotted or slashed sysctl path */
	if (!memchr(*ks, '.', (size_t)(*ke - *ks)) && !memchr(*ks, '/', (size_t)(*ke - *ks)))
		return -1;
	return 1;
}

int
ct_policy_sniff_sysctl(const uint8_t *buf, size_t len)
{
	const char *p = (const char *)buf, *end = p + len;
	int good = 0;

	/* Look at up to 8 non-blank lines; all must be "key = value". */
	for (int n = 0; p < end && n < 8; ) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *ks, *ke, *vs, *ve;
		int r;

		if (!nl && good > 0)
			break;	/* a cut last line says nothing */
		for (const char *q = p; q < le; q++)
			if ((unsigned char)*q < 0x09 || *q == 0x7f)
				return 0;	/* binary */
		r = split_line(p, le, &ks, &ke, &vs, &ve);
		if (r < 0) {
			/* sysctl's own complaints may be mixed into a dump */
			if (!sp_starts(p, le, "sysctl: "))
				return 0;
		} else if (r > 0) {
			good++;
			n++;
		}
		p = nl ? nl + 1 : end;
	}
	return good > 0;
}

static int
read_file(struct run_ctx *ctx, const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return ctx_err(ctx, ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
	for (;;) {
		size_t got;

		if (n == cap) {
			size_t nc = cap ? cap * 2 : 65536;
			char *nb;

			if (cap >= SYSCTL_FILE_MAX) {
				ctx_note(ctx, "%s: sysctl dump longer than %u bytes: rest ignored",
					 path, SYSCTL_FILE_MAX);
				break;
			}
			if (nc > SYSCTL_FILE_MAX)
				nc = SYSCTL_FILE_MAX;
			nb = xreallocarray(b, nc, 1);
			if (!nb) {
				free(b);
				fclose(f);
				return ctx_err(ctx, ERR_NOMEM, "%s: out of memory", path);
			}
			b = nb;
			cap = nc;
		}
		got = fread(b + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(b);
		fclose(f);
		return ctx_err(ctx, ERR_INPUT, "%s: read error", path);
	}
	fclose(f);
	*buf = b;
	*len = n;
	return 0;
}

int
ct_policy_load_sysctl(struct run_ctx *ctx, struct ct_policy *p, const char *path,
		      uint64_t *records)
{
	char *buf = NULL;
	size_t len = 0;
	const char *s, *end;
	uint64_t lineno = 0, malformed = 0;
	int ret;

	ret = read_file(ctx, path, &buf, &len);
	if (ret < 0)
		return ret;
	s = buf;
	end = buf ? buf + len : NULL;
	while (s && s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		const char *ks, *ke, *vs, *ve, *q;
		uint64_t v;
		int r, k;

		lineno++;
		if ((size_t)(le - s) > SYSCTL_LINE_MAX) {
			malformed++;
			ctx_note(ctx, "%s: line %llu: longer than %u bytes: ignored",
				 path, (unsigned long long)lineno, SYSCTL_LINE_MAX);
			goto next;
		}
		r = split_line(s, le, &ks, &ke, &vs, &ve);
		if (r == 0)
			goto next;
		if (r < 0) {
			if (!sp_starts(s, le, "sysctl: "))
				malformed++;
			goto next;
		}
		k = lookup_span(ks, ke);
		if (k < 0) {
			k = frag_lookup_span(ks, ke);
			if (k < 0)
				goto next;	/* not a setting we model */
			q = vs;
			if (sp_dec(&q, ve, INT64_MAX, &v) < 0 || q != ve ||
			    ct_policy_frag_set(p, (enum ct_frag_knob)k, (int64_t)v,
					       CT_SRC_SYSCTL) < 0)
				ret = ctx_err(ctx, ERR_INPUT, "%s: line %llu: %s: bad value \"%.*s\"",
					      path, (unsigned long long)lineno, frag_knobs[k].name,
					      (int)(ve - vs > 40 ? 40 : ve - vs), vs);
			goto next;
		}
		q = vs;
		if (sp_dec(&q, ve, INT64_MAX, &v) < 0 || q != ve) {
			ret = ctx_err(ctx, ERR_INPUT,
				      "%s: line %llu: %s: value \"%.*s\" is not a number", path,
				      (unsigned long long)lineno, knobs[k].name,
				      (int)(ve - vs > 40 ? 40 : ve - vs), vs);
			goto next;
		}
		if (ct_policy_set(p, (enum ct_knob)k, (int64_t)v, CT_SRC_SYSCTL) < 0)
			ret = ctx_err(ctx, ERR_INPUT,
				      "%s: line %llu: %s = %llu out of range %lld..%lld", path,
				      (unsigned long long)lineno, knobs[k].name, (unsigned long long)v,
				      (long long)knobs[k].min, (long long)knobs[k].max);
next:
		s = nl ? nl + 1 : end;
	}
	if (malformed)
		ctx_note(ctx, "%s: %llu malformed line(s) ignored", path,
			 (unsigned long long)malformed);
	if (records)
		*records += malformed;
	free(buf);
	return ret;
}
