/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * input.c - walk the PATH arguments and recognise each file's kind by its
 * content.  See input.h.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ct-policy.h"
#include "input.h"
#include "pcapsrc.h"
#include "util-strparse.h"

/* Bytes read to recognise a file: enough for any log line prefix. */
#define INPUT_SNIFF_MAX (64u * 1024u)
/* Bundle directories are shallow; a deeper tree is most likely a loop. */
#define INPUT_DEPTH_MAX 16
/* A bundle directory holds a handful of files; this stops runaways. */
#define INPUT_FILES_MAX 100000u

void
input_list_init(struct input_list *l)
{
	memset(l, 0, sizeof(*l));
}

void
input_list_release(struct input_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

const char *
input_kind_name(enum input_kind k)
{
	switch (k) {
	case INPUT_CAPTURE:
		return "capture";
	case INPUT_SYSCTL:
		return "sysctl";
	case INPUT_CONNTRACK:
		return "conntrack";
	case INPUT_LOG:
	case INPUT_EMPTY:
	default:
		return "log";
	}
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lf = strlen(suffix);

	return ls >= lf && strcmp(s + ls - lf, suffix) == 0;
}

int
input_is_skipped(const char *name, int is_dir)
{
	static const char *const files[] = {
		"kernel.tsv", "README", "KERNEL", "meta.json", "bundle.json",
		"CAUSE", "NOT_CAUSE",	/* samples/: the diagnosis expected (or not) */
	};

	if (name[0] == '.')
		return 1;	/* hidden, and "." / ".." */
	if (is_dir)
		return strcmp(name, "expected") == 0;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (strcmp(name, files[i]) == 0)
			return 1;
	return ends_with(name, ".md");
}

static int
list_add(struct run_ctx *ctx, struct input_list *l, const char *path,
	 enum input_kind kind, enum logsrc_format fmt)
{
	if (l->n >= INPUT_FILES_MAX)
		return ctx_err(ctx, ERR_INPUT, "%s: more than %u input files: ignored",
			       path, INPUT_FILES_MAX);
	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 16;
		struct input_file *nv = xreallocarray(l->v, na, sizeof(*nv));

		if (!nv)
			return ctx_err(ctx, ERR_NOMEM, "%s: out of memory", path);
		l->v = nv;
		l->alloc = na;
	}
	l->v[l->n].path = xstrndup(path, strlen(path));
	if (!l->v[l->n].path)
		return ctx_err(ctx, ERR_NOMEM, "%s: out of memory", path);
	l->v[l->n].kind = kind;
	l->v[l->n].log_format = fmt;
	l->n++;
	return 0;
}

/*
 * A conntrack-tools listing: every line of the first ones is
 *   [ipv4|ipv6 <n> ]<proto> <n> [<timeout> ][STATE ]src=... dst=... ...
 * (conntrack -L, -o extended); we check the shape of up to 4 lines: a
 * lowercase word ("tcp", "ipv4"), a number, and " src=" / " dst=".
 */
int
input_sniff_conntrack(const uint8_t *buf, size_t len)
{
	const char *p = (const char *)buf, *end = p + len;
	int good = 0;

	while (p < end && good < 4) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *q = p;

		if (!nl && good > 0)
			break;	/* a cut last line says nothing */
		if (le == p) {
			p = nl ? nl + 1 : end;
			continue;
		}
		if (*q < 'a' || *q > 'z')
			return 0;
		while (q < le && ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9')))
			q++;
		if (q - p > 8 || q >= le || *q != ' ')
			return 0;
		while (q < le && *q == ' ')
			q++;
		if (q >= le || *q < '0' || *q > '9')
			return 0;
		if (!sp_find(q, le, " src=", 5) || !sp_find(q, le, " dst=", 5))
			return 0;
		for (const char *c = p; c < le; c++)
			if ((unsigned char)*c < 0x20 && *c != '\t')
				return 0;
		good++;
		p = nl ? nl + 1 : end;
	}
	return good > 0;
}

/* Bundles often hold rotated, compressed logs and captures: name the
 * compressor instead of calling the file unknown.  NULL if none. */
static const char *
compressed_name(const uint8_t *b, size_t n)
{
	static const struct {
		const char *name;
		uint8_t magic[6];
		size_t len;
	} magics[] = {
		{ "gzip", { 0x1f, 0x8b }, 2 },
		{ "xz", { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, 6 },
		{ "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4 },
		{ "bzip2", { 'B', 'Z', 'h' }, 3 },
		{ "lz4", { 0x04, 0x22, 0x4d, 0x18 }, 4 },
	};

	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (magics[i].len <= n && memcmp(b, magics[i].magic, magics[i].len) == 0)
			return magics[i].name;
	return NULL;
}

/* Read the first bytes of @path and decide what it is. */
static int
sniff_file(struct run_ctx *ctx, struct input_list *l, const char *path)
{
	uint8_t *buf;
	size_t len;
	FILE *f;
	enum logsrc_format fmt;
	const char *fmt_name;
	int rc;

	f = fopen(path, "rb");
	if (!f)
		return ctx_err(ctx, ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
	buf = malloc(INPUT_SNIFF_MAX);
	if (!buf) {
		fclose(f);
		return ctx_err(ctx, ERR_NOMEM, "%s: out of memory", path);
	}
	len = fread(buf, 1, INPUT_SNIFF_MAX, f);
	if (ferror(f)) {
		rc = ctx_err(ctx, ERR_INPUT, "%s: cannot read: %s", path, strerror(errno));
		goto out;
	}
	if (len == 0) {
		rc = list_add(ctx, l, path, INPUT_EMPTY, LOGFMT_UNKNOWN);
		goto out;
	}
	if (pcapsrc_sniff(buf, len)) {
		rc = list_add(ctx, l, path, INPUT_CAPTURE, LOGFMT_UNKNOWN);
		goto out;
	}
	if (ct_policy_sniff_sysctl(buf, len)) {
		rc = list_add(ctx, l, path, INPUT_SYSCTL, LOGFMT_UNKNOWN);
		goto out;
	}
	fmt = logsrc_sniff(buf, len);
	if (fmt != LOGFMT_UNKNOWN) {
		rc = list_add(ctx, l, path, INPUT_LOG, fmt);
		goto out;
	}
	if (input_sniff_conntrack(buf, len)) {
		rc = list_add(ctx, l, path, INPUT_CONNTRACK, LOGFMT_UNKNOWN);
		goto out;
	}
	fmt_name = compressed_name(buf, len);
	if (fmt_name) {
		rc = ctx_err(ctx, ERR_INPUT, "%s: %s-compressed file: decompress it first", path,
			     fmt_name);
		goto out;
	}
	rc = ctx_err(ctx, ERR_INPUT,
		     "%s: unknown kind of file (not a pcap/pcapng capture, a sysctl dump or a kernel log)",
		     path);
out:
	free(buf);
	fclose(f);
	return rc;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(struct run_ctx *ctx, struct input_list *l, const char *path,
		int depth, int top);

static int
walk_dir(struct run_ctx *ctx, struct input_list *l, const char *path, int depth)
{
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	int rc = 0, r;
	DIR *d;

	if (depth > INPUT_DEPTH_MAX)
		return ctx_err(ctx, ERR_INPUT, "%s: directories nested deeper than %d: ignored",
			       path, INPUT_DEPTH_MAX);
	d = opendir(path);
	if (!d)
		return ctx_err(ctx, ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == alloc) {
			size_t na = alloc ? alloc * 2 : 16;
			char **nn = xreallocarray(names, na, sizeof(*nn));

			if (!nn) {
				rc = ctx_err(ctx, ERR_NOMEM, "%s: out of memory", path);
				goto out;
			}
			names = nn;
			alloc = na;
		}
		names[n] = xstrndup(de->d_name, strlen(de->d_name));
		if (!names[n]) {
			rc = ctx_err(ctx, ERR_NOMEM, "%s: out of memory", path);
			goto out;
		}
		n++;
	}
	qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n; i++) {
		size_t pl = strlen(path);
		char *child;

		child = malloc(pl + 1 + strlen(names[i]) + 1);
		if (!child) {
			rc = ctx_err(ctx, ERR_NOMEM, "%s: out of memory", path);
			goto out;
		}
		/* "dir/" + name; do not double a trailing slash */
		memcpy(child, path, pl);
		if (pl == 0 || path[pl - 1] != '/')
			child[pl++] = '/';
		strcpy(child + pl, names[i]);
		r = walk(ctx, l, child, depth + 1, 0);
		free(child);
		if (r == ERR_NOMEM) {
			rc = r;
			goto out;
		}
		if (r < rc)
			rc = r;
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

static int
walk(struct run_ctx *ctx, struct input_list *l, const char *path, int depth, int top)
{
	struct stat st, lst;
	const char *base;

	if (stat(path, &st) < 0)
		return ctx_err(ctx, ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (S_ISDIR(st.st_mode)) {
		if (!top && input_is_skipped(base, 1))
			return 0;
		/* inside a bundle, symlinks to directories are not followed
		 * (find's default): no loops, no walking out of the bundle */
		if (!top && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
			ctx_note(ctx, "%s: symbolic link to a directory: not followed", path);
			return 0;
		}
		return walk_dir(ctx, l, path, depth);
	}
	if (!top && input_is_skipped(base, 0))
		return 0;
	if (!S_ISREG(st.st_mode)) {
		if (!top)
			return 0;	/* sockets, fifos inside a bundle: not evidence */
		return ctx_err(ctx, ERR_INPUT, "%s: not a regular file or directory", path);
	}
	return sniff_file(ctx, l, path);
}

int
input_collect(struct run_ctx *ctx, char *const *paths, size_t n, struct input_list *l)
{
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		int r = walk(ctx, l, paths[i], 0, 1);

		if (r == ERR_NOMEM)
			return r;
		if (r < rc)
			rc = r;
	}
	return rc;
}
