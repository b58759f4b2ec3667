/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * rules-load.c - message rules: load and validate rules/patterns/ JSON files,
 * derive and compile one PCRE2 pattern per rule, match log messages, render
 * the kernel's wording for a profile.  See rules-load.h.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <pcre2.h>

#include "rules-load.h"
#include "util-strparse.h"

/* Resource limits for one match: kernel messages are < 128 bytes. */
#define RULES_MATCH_LIMIT	100000u
#define RULES_DEPTH_LIMIT	10000u

enum ph_kind {
	PH_U32,		/* decimal, 0 .. 2^32-1 */
	PH_INT,		/* signed decimal int */
	PH_STATE,	/* TCP state name */
	PH_ADDR,	/* printed address */
	PH_ANON,	/* matched, not captured */
};

/* The placeholders a template may use: reason_args members plus anonymous ones. */
static const struct placeholder {
	const char *name;
	const char *re;
	enum ph_kind kind;
	uint32_t bit;
} placeholders[] = {
	{ "bound",	"\\d{1,10}",		PH_U32,		REASON_ARG_BOUND },
	{ "overshot",	"\\d{1,10}",		PH_U32,		REASON_ARG_OVERSHOT },
	{ "timeout",	"\\d{1,10}",		PH_U32,		REASON_ARG_TIMEOUT },
	{ "index",	"-?\\d{1,10}",		PH_INT,		REASON_ARG_INDEX },
	{ "dir",	"-?\\d{1,10}",		PH_INT,		REASON_ARG_DIR },
	{ "resp_index",	"-?\\d{1,10}",		PH_INT,		REASON_ARG_RESP_INDEX },
	{ "type",	"-?\\d{1,10}",		PH_INT,		REASON_ARG_TYPE },
	{ "state",	"[A-Z0-9_]{1,15}",	PH_STATE,	REASON_ARG_STATE },
	{ "outer",	"[0-9a-fA-F:.]{1,47}",	PH_ADDR,	REASON_ARG_OUTER },
	{ "inner",	"[0-9a-fA-F:.]{1,47}",	PH_ADDR,	REASON_ARG_INNER },
	{ "int",	"-?\\d{1,10}",		PH_ANON,	0 },
	{ "hex",	"[0-9a-fA-F]{1,8}",	PH_ANON,	0 },
};
#define N_PH (sizeof(placeholders) / sizeof(placeholders[0]))

enum { ERA_A = 1, ERA_B = 2, ERA_C = 4 };

struct rule {
	char *id;
	char *path;		/* the file it came from */
	size_t dir;		/* index of its directory in rules_load(dirs) */
	enum reason reason;
	int proto;
	uint32_t kmin, kmax;	/* inclusive */
	unsigned eras;		/* ERA_* */
	char *text;		/* template, trailing blanks dropped */
	bool renderable;	/* no anonymous placeholders */
	enum ct_verdict verdict;
	pcre2_code *re;
	int group[N_PH];	/* capture group number of each named placeholder, or -1 */
};

/* Mutable matcher state, shared by rules_match() calls on a const rules. */
struct rules_matcher {
	pcre2_match_context *mctx;
	pcre2_match_data *md;
	uint64_t errors;
};

struct rules {
	struct rule *v;
	size_t n, alloc;
	struct rules_matcher *m;
};

static void
rule_release(struct rule *ru)
{
	free(ru->id);
	free(ru->path);
	free(ru->text);
	pcre2_code_free(ru->re);
	memset(ru, 0, sizeof(*ru));
}

void
rules_free(struct rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		rule_release(&r->v[i]);
	free(r->v);
	if (r->m) {
		pcre2_match_data_free(r->m->md);
		pcre2_match_context_free(r->m->mctx);
		free(r->m);
	}
	free(r);
}

size_t
rules_count(const struct rules *r)
{
	return r ? r->n : 0;
}

uint64_t
rules_match_errors(const struct rules *r)
{
	return r && r->m ? r->m->errors : 0;
}

int
rules_get(const struct rules *r, size_t i, struct rule_info *out)
{
	const struct rule *ru;
	size_t k = 0;

	if (!r || i >= r->n)
		return -1;
	ru = &r->v[i];
	memset(out, 0, sizeof(*out));
	out->id = ru->id;
	out->path = ru->path;
	out->text = ru->text;
	out->reason = ru->reason;
	out->proto = ru->proto;
	if (ru->eras & ERA_A)
		out->era[k++] = 'A';
	if (ru->eras & ERA_B)
		out->era[k++] = 'B';
	if (ru->eras & ERA_C)
		out->era[k++] = 'C';
	out->kmin = ru->kmin;
	out->kmax = ru->kmax;
	out->verdict = ru->verdict;
	out->renderable = ru->renderable;
	return 0;
}

/* --- kernel versions ---------------------------------------------------- */

#define KV(maj, min, pat) ((uint32_t)(maj) * 1000000u + (uint32_t)(min) * 1000u + (uint32_t)(pat))

/*
 * "6.18" / "6.18.44" at *p.  @open_patch: a version without a patch level
 * stands for its last patch release (range ends).
 */
static int
parse_version(const char **p, const char *end, bool open_patch, uint32_t *out)
{
	const char *s = *p;
	uint64_t maj, min, pat = open_patch ? 999 : 0;

	if (sp_dec(&s, end, 999, &maj) < 0 || sp_char(&s, end, '.') < 0 ||
	    sp_dec(&s, end, 999, &min) < 0)
		return -1;
	if (s < end && *s == '.') {
		const char *t = s + 1;

		if (sp_dec(&t, end, 999, &pat) < 0)
			return -1;
		s = t;
	}
	*out = KV(maj, min, pat);
	*p = s;
	return 0;
}

int
rules_parse_kernel(const char *s, uint32_t *out)
{
	const char *p = s;

	if (!s)
		return -1;
	if (parse_version(&p, s + strlen(s), false, out) < 0)
		return -1;
	/* anything after the numbers must not continue them ("6.18x" is fine, "6.18.1.2" not) */
	if (*p == '.' || (*p >= '0' && *p <= '9'))
		return -1;
	return 0;
}

/* "A-B", "A-", "-B", "A".  Returns 0 or -1. */
static int
parse_range(const char *s, uint32_t *kmin, uint32_t *kmax)
{
	const char *p = s, *end = s + strlen(s);

	*kmin = 0;
	*kmax = UINT32_MAX;
	if (p == end)
		return -1;
	if (*p != '-') {
		const char *q = p;

		if (parse_version(&p, end, false, kmin) < 0)
			return -1;
		if (p == end) {	/* a single version: that release only */
			return parse_version(&q, end, true, kmax);
		}
	}
	if (sp_char(&p, end, '-') < 0)
		return -1;
	if (p < end && parse_version(&p, end, true, kmax) < 0)
		return -1;
	if (p != end || *kmin > *kmax || (*kmin == 0 && *kmax == UINT32_MAX))
		return -1;
	return 0;
}

/* --- templates ------------------------------------------------------------ */

static const struct placeholder *
ph_lookup(const char *name, size_t n)
{
	for (size_t i = 0; i < N_PH; i++) {
		if (strlen(placeholders[i].name) == n && memcmp(placeholders[i].name, name, n) == 0)
			return &placeholders[i];
	}
	return NULL;
}

/*
 * Check @text and, when @pat is not NULL, write the derived pattern into it
 * (@size bytes, big enough: see pattern_size()).  Returns 0, or -1 with
 * @err set.  *anon is set when anonymous placeholders are used; *used gets
 * a bit (1 << index in placeholders[]) per named placeholder.
 */
static int
template_scan(const char *text, char *pat, size_t size, bool *anon, unsigned *used,
	      char *err, size_t errsz)
{
	size_t o = 0;
	unsigned seen = 0;

	*anon = false;
	*used = 0;
#define PUT(str)	do { size_t l_ = strlen(str); if (pat) { if (o + l_ >= size) goto overflow; memcpy(pat + o, (str), l_); } o += l_; } while (0)
	for (const char *s = text; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char tmp[8];

		if (c == '{') {
			const char *e = strchr(s + 1, '}');
			const struct placeholder *ph;

			if (!e) {
				snprintf(err, errsz, "text: unterminated placeholder at offset %zu", (size_t)(s - text));
				return -1;
			}
			ph = ph_lookup(s + 1, (size_t)(e - s - 1));
			if (!ph) {
				snprintf(err, errsz, "text: unknown placeholder '%.*s'",
					 (int)(e - s + 1 > 40 ? 40 : e - s + 1), s);
				return -1;
			}
			if (ph->kind == PH_ANON) {
				*anon = true;
				PUT("(?:");
			} else {
				unsigned bit = 1u << (ph - placeholders);

				if (seen & bit) {
					snprintf(err, errsz, "text: placeholder '{%s}' used twice", ph->name);
					return -1;
				}
				seen |= bit;
				PUT("(?<");
				PUT(ph->name);
				PUT(">");
			}
			PUT(ph->re);
			PUT(")");
			s = e;
			continue;
		}
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80) {
			tmp[0] = (char)c;
			tmp[1] = 0;
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(tmp, sizeof(tmp), "\\x{%02x}", c);
		} else {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			tmp[2] = 0;
		}
		PUT(tmp);
	}
	if (pat)
		pat[o] = 0;
	*used = seen;
	return 0;
overflow:
	snprintf(err, errsz, "text: pattern too long");
	return -1;
#undef PUT
}

static size_t
pattern_size(const char *text)
{
	return strlen(text) * 8 + 64;	/* worst case: "\x{hh}" per byte, or a placeholder per 3 bytes */
}

/* --- loading ---------------------------------------------------------- */

static int
compile_rule(struct run_ctx *ctx, const char *path, struct rule *ru, const char *explicit)
{
	char err[256];
	char *pat = NULL;
	bool anon;
	unsigned used;
	int errcode, rc = ERR_RULES;
	PCRE2_SIZE erroff;
	size_t psz = pattern_size(ru->text);

	if (!explicit) {
		pat = malloc(psz);
		if (!pat)
			return ctx_err(ctx, ERR_NOMEM, "%s: rule '%s': out of memory", path, ru->id);
	}
	if (template_scan(ru->text, pat, psz, &anon, &used, err, sizeof(err)) < 0) {
		ctx_err(ctx, ERR_RULES, "%s: rule '%s': %s", path, ru->id, err);
		goto out;
	}
	ru->renderable = !anon;
	ru->re = pcre2_compile((PCRE2_SPTR)(explicit ? explicit : pat), PCRE2_ZERO_TERMINATED,
			       PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_NEVER_UTF |
			       PCRE2_NEVER_BACKSLASH_C,
			       &errcode, &erroff, NULL);
	if (!ru->re) {
		PCRE2_UCHAR msg[160];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		ctx_err(ctx, ERR_RULES, "%s: rule '%s': %s: %s at offset %zu", path, ru->id,
			explicit ? "pattern" : "text", (const char *)msg, (size_t)erroff);
		goto out;
	}
	(void)pcre2_jit_compile(ru->re, PCRE2_JIT_COMPLETE);	/* falls back to the interpreter */

	for (size_t i = 0; i < N_PH; i++)
		ru->group[i] = -1;
	/* every named group must be a placeholder (explicit patterns) */
	{
		uint32_t count = 0, entsize = 0;
		PCRE2_SPTR table = NULL;

		pcre2_pattern_info(ru->re, PCRE2_INFO_NAMECOUNT, &count);
		pcre2_pattern_info(ru->re, PCRE2_INFO_NAMEENTRYSIZE, &entsize);
		pcre2_pattern_info(ru->re, PCRE2_INFO_NAMETABLE, &table);
		for (uint32_t i = 0; i < count; i++) {
			PCRE2_SPTR ent = table + (size_t)i * entsize;
			int num = (ent[0] << 8) | ent[1];
			const char *name = (const char *)(ent + 2);
			const struct placeholder *ph = ph_lookup(name, strlen(name));

			if (!ph || ph->kind == PH_ANON) {
				ctx_err(ctx, ERR_RULES, "%s: rule '%s': pattern: unknown group name '%s'",
					path, ru->id, name);
				goto out;
			}
			ru->group[ph - placeholders] = num;
		}
	}
	/* an explicit pattern must capture every value the text renders */
	for (size_t i = 0; i < N_PH; i++) {
		if ((used & (1u << i)) && ru->group[i] < 0) {
			ctx_err(ctx, ERR_RULES, "%s: rule '%s': pattern: no group (?<%s>...) for the text's {%s}",
				path, ru->id, placeholders[i].name, placeholders[i].name);
			goto out;
		}
	}
	rc = 0;
out:
	free(pat);
	return rc;
}

/* The id of rule object @o for messages, or "#N". */
static const char *
rule_name(json_t *o, size_t idx, char *buf, size_t size)
{
	json_t *id = json_is_object(o) ? json_object_get(o, "id") : NULL;

	if (json_is_string(id))
		return json_string_value(id);
	snprintf(buf, size, "#%zu", idx + 1);
	return buf;
}

static int
parse_rule(struct run_ctx *ctx, const char *path, size_t idx, json_t *o, struct rule *ru)
{
	const char *id, *reason, *kernels, *era, *text, *verdict;
	const char *pattern = NULL, *note = NULL;
	char namebuf[32];
	json_int_t proto;
	json_error_t jerr;
	const char *name = rule_name(o, idx, namebuf, sizeof(namebuf));
	size_t tl;

	memset(ru, 0, sizeof(*ru));
	if (json_unpack_ex(o, &jerr, JSON_STRICT, "{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s?s, s?s !}",
			   "id", &id, "reason", &reason, "proto", &proto, "kernels", &kernels,
			   "era", &era, "text", &text, "verdict", &verdict,
			   "pattern", &pattern, "note", &note) < 0)
		return ctx_err(ctx, ERR_RULES, "%s: rule '%s': %s", path, name, jerr.text);
	(void)note;
	if (!*id || strlen(id) > 64)
		return ctx_err(ctx, ERR_RULES, "%s: rule '%s': id must be 1 to 64 characters", path, name);
	if (reason_from_code(reason, &ru->reason) < 0 || ru->reason == REASON_UNRECOGNIZED)
		return ctx_err(ctx, ERR_RULES, "%s: rule '%s': unknown reason '%s'", path, id, reason);
	if (proto < 0 || proto > 255)
		return ctx_err(ctx, ERR_RULES, "%s: rule '%s': proto %lld out of range", path, id,
			       (long long)proto);
	ru->proto = (int)proto;
	if (reason_proto(ru->reason) != ru->proto)
		return ctx_err(ctx, ERR_RULES, "%s: rule '%s': proto %d does not fit reason '%s' (proto %d)",
			       path, id, ru->proto, reason, reason_proto(ru->reason));
	if (parse_range(kernels, &ru->kmin, &ru->kmax) < 0)
		return ctx_err(ctx, ERR_RULES, "%s: rule '%s': bad kernels range '%s'", path, id, kernels);
	if (!*era)
		return ctx_err(ctx, ERR_RULES, "%s: rule '%s': empty era", path, id);
	for (const char *e = era; *e; e++) {
		unsigned bit = *e == 'A' ? ERA_A : *e == 'B' ? ERA_B : *e == 'C' ? ERA_C : 0;

		if (!bit || (ru->eras & bit))
			return ctx_err(ctx, ERR_RULES, "%s: rule '%s': bad era '%s' (A, B, C, each once)",
				       path, id, era);
		ru->eras |= bit;
	}
	if (strcmp(verdict, "invalid") == 0)
		ru->verdict = CT_INVALID;
	else if (strcmp(verdict, "ignored") == 0)
		ru->verdict = CT_IGNORE;
	else
		return ctx_err(ctx, ERR_RULES, "%s: rule '%s': bad verdict '%s' (invalid|ignored)",
			       path, id, verdict);
	tl = strlen(text);
	while (tl > 0 && (text[tl - 1] == ' ' || text[tl - 1] == '\t'))
		tl--;
	if (tl == 0)
		return ctx_err(ctx, ERR_RULES, "%s: rule '%s': empty text", path, id);
	if (pattern && !*pattern)
		return ctx_err(ctx, ERR_RULES, "%s: rule '%s': empty pattern", path, id);
	ru->id = xstrndup(id, strlen(id));
	ru->path = xstrndup(path, strlen(path));
	ru->text = xstrndup(text, tl);
	if (!ru->id || !ru->path || !ru->text)
		return ctx_err(ctx, ERR_NOMEM, "%s: rule '%s': out of memory", path, id);
	return compile_rule(ctx, path, ru, pattern);
}

static int
rules_add(struct run_ctx *ctx, struct rules *r, struct rule *ru)
{
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->v[i].id, ru->id) != 0)
			continue;
		if (r->v[i].dir == ru->dir)
			return ctx_err(ctx, ERR_RULES, "%s: rule '%s': duplicate id (first defined in %s)",
				       ru->path, ru->id, r->v[i].path);
		rule_release(&r->v[i]);	/* a later directory overrides */
		r->v[i] = *ru;
		memset(ru, 0, sizeof(*ru));
		return 0;
	}
	if (r->n == r->alloc) {
		size_t na = r->alloc ? r->alloc * 2 : 64;
		struct rule *nv = xreallocarray(r->v, na, sizeof(*nv));

		if (!nv)
			return ctx_err(ctx, ERR_NOMEM, "%s: out of memory", ru->path);
		r->v = nv;
		r->alloc = na;
	}
	r->v[r->n++] = *ru;
	memset(ru, 0, sizeof(*ru));
	return 0;
}

static int
load_file(struct run_ctx *ctx, struct rules *r, const char *path, size_t dir)
{
	json_error_t jerr;
	json_t *root, *arr = NULL;
	int rc = 0;

	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return ctx_err(ctx, ERR_RULES, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
	if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:o !}", "rules", &arr) < 0 ||
	    !json_is_array(arr)) {
		rc = ctx_err(ctx, ERR_RULES, "%s: expected {\"rules\": [...]}%s%s", path,
			     arr ? "" : ": ", arr ? "" : jerr.text);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(arr); i++) {
		struct rule ru;

		rc = parse_rule(ctx, path, i, json_array_get(arr, i), &ru);
		ru.dir = dir;
		if (rc == 0)
			rc = rules_add(ctx, r, &ru);
		rule_release(&ru);
		if (rc < 0)
			goto out;
	}
out:
	json_decref(root);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
rules_dir_files(struct run_ctx *ctx, const char *base, const char *sub, bool optional,
		char ***out, size_t *out_n)
{
	char path[4096];
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	*out = NULL;
	*out_n = 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", base, sub) >= sizeof(path))
		return ctx_err(ctx, ERR_RULES, "%s: path too long", base);
	d = opendir(path);
	if (!d) {
		if (optional && errno == ENOENT)
			return 0;
		return ctx_err(ctx, ERR_RULES, "%s: cannot open: %s", path, strerror(errno));
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char *file;

		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
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
		file = xcalloc(1, strlen(path) + l + 2);
		if (!file) {
			rc = ctx_err(ctx, ERR_NOMEM, "%s: out of memory", path);
			goto out;
		}
		snprintf(file, strlen(path) + l + 2, "%s/%s", path, de->d_name);
		names[n++] = file;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);	/* deterministic: byte order */
out:
	closedir(d);
	if (rc < 0) {
		rules_dir_files_free(names, n);
		return rc;
	}
	*out = names;
	*out_n = n;
	return 0;
}

void
rules_dir_files_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int
load_dir(struct run_ctx *ctx, struct rules *r, const char *base, size_t dir)
{
	char **files;
	size_t n;
	int rc = rules_dir_files(ctx, base, "patterns", false, &files, &n);

	for (size_t i = 0; i < n && rc == 0; i++)
		rc = load_file(ctx, r, files[i], dir);
	rules_dir_files_free(files, n);
	return rc;
}

int
rules_load(struct run_ctx *ctx, const char *const *dirs, size_t n, struct rules **out)
{
	struct rules *r;
	uint32_t max_groups = 1;
	int rc;

	*out = NULL;
	r = xcalloc(1, sizeof(*r));
	if (!r)
		return ctx_err(ctx, ERR_NOMEM, "rules: out of memory");
	for (size_t i = 0; i < n; i++) {
		rc = load_dir(ctx, r, dirs[i], i);
		if (rc < 0)
			goto fail;
	}
	if (r->n == 0) {
		rc = ctx_err(ctx, ERR_RULES, "%s/patterns: no message rules found", n ? dirs[n - 1] : "rules");
		goto fail;
	}
	for (size_t i = 0; i < r->n; i++) {
		uint32_t c = 0;

		pcre2_pattern_info(r->v[i].re, PCRE2_INFO_CAPTURECOUNT, &c);
		if (c + 1 > max_groups)
			max_groups = c + 1;
	}
	r->m = xcalloc(1, sizeof(*r->m));
	if (!r->m || !(r->m->mctx = pcre2_match_context_create(NULL)) ||
	    !(r->m->md = pcre2_match_data_create(max_groups, NULL))) {
		rc = ctx_err(ctx, ERR_NOMEM, "rules: out of memory");
		goto fail;
	}
	pcre2_set_match_limit(r->m->mctx, RULES_MATCH_LIMIT);
	pcre2_set_depth_limit(r->m->mctx, RULES_DEPTH_LIMIT);
	*out = r;
	return 0;
fail:
	rules_free(r);
	return rc;
}

/* --- matching ------------------------------------------------------------ */

static int
parse_int(const char *s, size_t n, int *out)
{
	const char *p = s, *end = s + n;
	bool neg = p < end && *p == '-';
	uint64_t v;

	if (neg)
		p++;
	if (sp_dec(&p, end, neg ? (uint64_t)INT_MAX + 1 : INT_MAX, &v) < 0 || p != end)
		return -1;
	*out = neg ? (int)(-(int64_t)v) : (int)v;
	return 0;
}

static void
store_arg(const struct placeholder *ph, const char *s, size_t n, struct reason_args *a)
{
	const char *p = s;
	uint64_t v;
	int iv;

	switch (ph->kind) {
	case PH_U32:
		if (sp_dec(&p, s + n, UINT32_MAX, &v) < 0 || p != s + n)
			return;
		if (ph->bit == REASON_ARG_BOUND)
			a->bound = (uint32_t)v;
		else if (ph->bit == REASON_ARG_OVERSHOT)
			a->overshot = (uint32_t)v;
		else
			a->timeout = (uint32_t)v;
		break;
	case PH_INT:
		if (parse_int(s, n, &iv) < 0)
			return;
		if (ph->bit == REASON_ARG_INDEX)
			a->index = iv;
		else if (ph->bit == REASON_ARG_DIR)
			a->dir = iv;
		else if (ph->bit == REASON_ARG_RESP_INDEX)
			a->resp_index = iv;
		else
			a->type = iv;
		break;
	case PH_STATE:
		if (n >= sizeof(a->state))
			return;
		memcpy(a->state, s, n);
		a->state[n] = 0;
		break;
	case PH_ADDR: {
		char *dst = ph->bit == REASON_ARG_OUTER ? a->outer : a->inner;

		if (n >= sizeof(a->outer))
			return;
		memcpy(dst, s, n);
		dst[n] = 0;
		break;
	}
	case PH_ANON:
		return;
	}
	a->has |= ph->bit;
}

int
rules_match(const struct rules *r, int proto, char era, const char *msg, size_t len,
	    enum reason *reason, struct reason_args *args, const char **rule_id, int *pcre_err)
{
	unsigned want = era == 'A' ? ERA_A : (ERA_B | ERA_C);
	int err = 0;

	memset(args, 0, sizeof(*args));
	*reason = REASON_UNRECOGNIZED;
	*rule_id = NULL;
	for (size_t i = 0; i < r->n; i++) {
		const struct rule *ru = &r->v[i];
		PCRE2_SIZE *ov;
		int rc;

		if (ru->proto != proto || !(ru->eras & want))
			continue;
		rc = pcre2_match(ru->re, (PCRE2_SPTR)msg, len, 0, 0, r->m->md, r->m->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			continue;
		if (rc < 0) {
			r->m->errors++;
			if (!err)
				err = rc;
			continue;
		}
		ov = pcre2_get_ovector_pointer(r->m->md);
		for (size_t k = 0; k < N_PH; k++) {
			int g = ru->group[k];

			if (g < 0 || g >= rc || ov[2 * g] == PCRE2_UNSET || ov[2 * g + 1] < ov[2 * g])
				continue;
			store_arg(&placeholders[k], msg + ov[2 * g], ov[2 * g + 1] - ov[2 * g], args);
		}
		*reason = ru->reason;
		*rule_id = ru->id;
		return 1;
	}
	if (err) {
		if (pcre_err)
			*pcre_err = err;
		return -1;
	}
	return 0;
}

/* --- rendering and verdicts ------------------------------------------------ */

static const struct rule *
rule_for(const struct rules *r, const char *profile, enum reason reason, bool need_render)
{
	uint32_t kv;

	if (!r || rules_parse_kernel(profile, &kv) < 0)
		return NULL;
	for (size_t i = 0; i < r->n; i++) {
		const struct rule *ru = &r->v[i];

		if (ru->reason == reason && kv >= ru->kmin && kv <= ru->kmax &&
		    (!need_render || ru->renderable))
			return ru;
	}
	return NULL;
}

int
rules_render(const struct rules *r, const char *profile, enum reason reason,
	     const struct reason_args *args, char *buf, size_t size)
{
	const struct rule *ru = rule_for(r, profile, reason, false);
	size_t o = 0;

	if (!ru || !ru->renderable || size == 0)
		return -1;
	for (const char *s = ru->text; *s; s++) {
		char val[64];
		const char *piece = val;
		size_t pl;

		if (*s == '{') {
			const char *e = strchr(s + 1, '}');
			const struct placeholder *ph = e ? ph_lookup(s + 1, (size_t)(e - s - 1)) : NULL;

			if (!ph || !(args->has & ph->bit))
				return -1;
			switch (ph->bit) {
			case REASON_ARG_BOUND: snprintf(val, sizeof(val), "%u", args->bound); break;
			case REASON_ARG_OVERSHOT: snprintf(val, sizeof(val), "%u", args->overshot); break;
			case REASON_ARG_TIMEOUT: snprintf(val, sizeof(val), "%u", args->timeout); break;
			case REASON_ARG_INDEX: snprintf(val, sizeof(val), "%d", args->index); break;
			case REASON_ARG_DIR: snprintf(val, sizeof(val), "%d", args->dir); break;
			case REASON_ARG_RESP_INDEX: snprintf(val, sizeof(val), "%d", args->resp_index); break;
			case REASON_ARG_TYPE: snprintf(val, sizeof(val), "%d", args->type); break;
			case REASON_ARG_STATE: piece = args->state; break;
			case REASON_ARG_OUTER: piece = args->outer; break;
			case REASON_ARG_INNER: piece = args->inner; break;
			default: return -1;
			}
			if (piece != val) {	/* bounded: the members may lack a NUL */
				size_t cap = ph->bit == REASON_ARG_STATE ? sizeof(args->state) : sizeof(args->outer);

				pl = strnlen(piece, cap);
			} else {
				pl = strlen(piece);
			}
			s = e;
		} else {
			piece = s;
			pl = 1;
		}
		if (o + pl >= size)
			pl = size - 1 - o;
		memcpy(buf + o, piece, pl);
		o += pl;
		if (o == size - 1)
			break;
	}
	buf[o] = 0;
	return (int)o;
}

enum ct_verdict
rules_verdict(const struct rules *r, const char *profile, enum reason reason)
{
	const struct rule *ru = rule_for(r, profile, reason, false);

	return ru ? ru->verdict : reason_default_verdict(reason);
}
