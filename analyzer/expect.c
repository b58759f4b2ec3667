/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * expect.c - --expect: compare a run's JSON report with an expected one.
 *
 * Both reports are jansson trees.  Events, flagged packets and silent
 * packets of each side are turned into arrays of keyed items (relative
 * path, number, sub-key, position), sorted, and walked together like a
 * merge: equal keys are compared field by field, a key on one side only is
 * a missing or an extra entry.  Duplicate keys pair up in their order in
 * the report.  Writers only serialise (STYLE.md 2.1): this module reads
 * the report through its JSON form, so it compares exactly the contract.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

/* Characters of a value shown in a difference line. */
#define EXPECT_VALUE_MAX 160

void
expect_diffs_init(struct expect_diffs *d)
{
	memset(d, 0, sizeof(*d));
}

void
expect_diffs_release(struct expect_diffs *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i]);
	free(d->v);
	expect_diffs_init(d);
}

static int __attribute__((format(printf, 2, 3)))
diff_add(struct expect_diffs *d, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int len;

	d->total++;
	if (d->n >= EXPECT_DIFFS_MAX)
		return 0;
	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		return ERR_INTERNAL;
	if (d->n == d->alloc) {
		size_t na = d->alloc ? d->alloc * 2 : 16;
		char **nv = xreallocarray(d->v, na, sizeof(*nv));

		if (!nv)
			return ERR_NOMEM;
		d->v = nv;
		d->alloc = na;
	}
	s = malloc((size_t)len + 1);
	if (!s)
		return ERR_NOMEM;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)len + 1, fmt, ap);
	va_end(ap);
	d->v[d->n++] = s;
	return 0;
}

/* @v as compact, ASCII-only JSON, cut to EXPECT_VALUE_MAX; "(absent)" for
 * NULL.  Writes into @buf. */
static const char *
show(const json_t *v, char *buf, size_t size)
{
	char *s;

	if (!v)
		return "(absent)";
	s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!s)
		return "(?)";
	if (strlen(s) >= size && size > 4)
		snprintf(buf, size, "%.*s...", (int)(size - 4), s);
	else
		snprintf(buf, size, "%s", s);
	free(s);
	return buf;
}

/* The member at a dotted path ("verdict.agrees") of object @o, or NULL. */
static const json_t *
member(const json_t *o, const char *dotted)
{
	char key[64];

	while (o && json_is_object(o)) {
		const char *dot = strchr(dotted, '.');
		size_t n = dot ? (size_t)(dot - dotted) : strlen(dotted);

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, dotted, n);
		key[n] = '\0';
		o = json_object_get(o, key);
		if (!dot)
			return o;
		dotted = dot + 1;
	}
	return NULL;
}

static const char *
member_str(const json_t *o, const char *dotted)
{
	const char *s = json_string_value(member(o, dotted));

	return s ? s : "";
}

/*
 * One field: skipped when the expected report does not have it, a
 * difference when the run lacks it or it is not equal.
 */
static int
field(struct expect_diffs *d, const char *label, const char *name, const json_t *want,
      const json_t *got)
{
	char a[EXPECT_VALUE_MAX + 1], b[EXPECT_VALUE_MAX + 1];

	if (!want || (got && json_equal((json_t *)want, (json_t *)got)))
		return 0;
	return diff_add(d, "%s: %s: expected %s, got %s", label, name,
			show(want, a, sizeof(a)), show(got, b, sizeof(b)));
}

/* --- paths relative to the bundle root ------------------------------- */

/* Length of the longest common directory prefix ("dir/") of the input
 * paths of report @rep. */
static size_t
root_len(const json_t *rep)
{
	const json_t *inputs = json_object_get(rep, "inputs");
	const char *first = NULL;
	size_t len = 0, i;
	json_t *in;

	json_array_foreach(inputs, i, in) {
		const char *p = member_str(in, "path");
		const char *slash = strrchr(p, '/');
		size_t dl = slash ? (size_t)(slash - p) + 1 : 0;

		if (!first) {
			first = p;
			len = dl;
			continue;
		}
		if (dl < len)
			len = dl;
		for (size_t k = 0; k < len; k++) {
			if (p[k] != first[k]) {
				len = k;
				break;
			}
		}
	}
	while (len && first[len - 1] != '/')
		len--;
	return len;
}

struct side {
	const json_t *rep;
	const char *root;	/* borrowed from the first input path */
	size_t root_len;
};

static void
side_init(struct side *s, const json_t *rep)
{
	const json_t *in0 = json_array_get(json_object_get(rep, "inputs"), 0);

	s->rep = rep;
	s->root = member_str(in0, "path");
	s->root_len = root_len(rep);
}

/* @path relative to the side's bundle root (unchanged when outside it). */
static const char *
rel(const struct side *s, const char *path)
{
	if (!path)
		return "";
	if (s->root_len && strncmp(path, s->root, s->root_len) == 0)
		return path + s->root_len;
	return path;
}

/* --- keyed items ----------------------------------------------------- */

enum kind { K_EVENT, K_FLAGGED, K_SILENT };

struct item {
	const char *path;	/* relative */
	json_int_t num;		/* line or index */
	const char *sub;	/* rule for flagged packets, else "" */
	size_t pos;		/* position in the report (pairs duplicates in order) */
	const json_t *obj;
};

static int
item_cmp(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);

	if (c)
		return c;
	if (a->num != b->num)
		return a->num < b->num ? -1 : 1;
	c = strcmp(a->sub, b->sub);
	if (c)
		return c;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int
items_make(const struct side *s, enum kind k, struct item **out, size_t *n)
{
	static const char *const arrays[] = { "events", "flagged_packets", "silent_packets" };
	const json_t *arr = json_object_get(s->rep, arrays[k]);
	size_t cnt = json_array_size(arr), i;
	struct item *v;
	json_t *o;

	*out = NULL;
	*n = 0;
	if (!cnt)
		return 0;
	v = xcalloc(cnt, sizeof(*v));
	if (!v)
		return ERR_NOMEM;
	json_array_foreach(arr, i, o) {
		struct item *it = &v[i];

		it->pos = i;
		it->obj = o;
		it->sub = "";
		if (k == K_EVENT) {
			it->path = rel(s, json_string_value(member(o, "source.path")));
			it->num = json_integer_value(member(o, "source.line"));
		} else {
			it->path = rel(s, json_string_value(json_object_get(o, "path")));
			it->num = json_integer_value(json_object_get(o, "index"));
			if (k == K_FLAGGED)
				it->sub = member_str(o, "rule");
		}
	}
	qsort(v, cnt, sizeof(*v), item_cmp);
	*out = v;
	*n = cnt;
	return 0;
}

static void
label(enum kind k, const struct item *it, char *buf, size_t size)
{
	const json_t *id = json_object_get(it->obj, "id");

	if (k == K_EVENT)
		snprintf(buf, size, "%s:%lld (event %lld)", it->path, (long long)it->num,
			 (long long)json_integer_value(id));
	else if (k == K_FLAGGED)
		snprintf(buf, size, "%s#%lld %s", it->path, (long long)it->num, it->sub);
	else
		snprintf(buf, size, "%s#%lld (silent INVALID)", it->path, (long long)it->num);
}

/* match of an event as one comparable string: "capture.pcap#3 (exact)" or
 * "none"; NULL when the event has no "match" member. */
static json_t *
match_str(const struct side *s, const json_t *ev)
{
	const json_t *m = json_object_get(ev, "match");
	char buf[512];

	if (!m)
		return NULL;
	if (!json_is_object(m))
		return json_string("none");
	snprintf(buf, sizeof(buf), "%s#%lld (%s)",
		 rel(s, json_string_value(json_object_get(m, "path"))),
		 (long long)json_integer_value(json_object_get(m, "index")),
		 member_str(m, "how"));
	return json_string(buf);
}

static int
compare_event(struct expect_diffs *d, const char *lb, const struct side *ws,
	      const json_t *w, const struct side *gs, const json_t *g)
{
	static const char *const fields[] = {
		"rule", "message", "verdict.agrees", "verdict.logged", "verdict.engine",
		"explanation.cause",
	};
	json_t *wm, *gm;
	int rc = 0;

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]) && !rc; i++)
		rc = field(d, lb, fields[i], member(w, fields[i]), member(g, fields[i]));
	if (rc)
		return rc;
	wm = match_str(ws, w);
	gm = match_str(gs, g);
	if (json_object_get(w, "match") && (!wm || !gm))
		rc = ERR_NOMEM;
	else
		rc = field(d, lb, "match", wm, gm);
	json_decref(wm);
	json_decref(gm);
	return rc;
}

static int
compare_flagged(struct expect_diffs *d, const char *lb, const json_t *w, const json_t *g)
{
	static const char *const fields[] = { "verdict", "message", "cause", "event" };
	int rc = 0;

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]) && !rc; i++)
		rc = field(d, lb, fields[i], member(w, fields[i]), member(g, fields[i]));
	return rc;
}

static int
compare_silent(struct expect_diffs *d, const char *lb, const json_t *w, const json_t *g)
{
	static const char *const fields[] = { "why", "cause" };
	int rc = 0;

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]) && !rc; i++)
		rc = field(d, lb, fields[i], member(w, fields[i]), member(g, fields[i]));
	return rc;
}

/* The one-line identity of an entry present on one side only. */
static int
one_sided(struct expect_diffs *d, enum kind k, const struct item *it, bool missing)
{
	char lb[512], a[EXPECT_VALUE_MAX + 1];
	const json_t *o = it->obj;
	const char *verdict = k == K_EVENT ? member_str(o, "verdict.logged")
			    : member_str(o, "verdict");

	label(k, it, lb, sizeof(lb));
	if (k == K_SILENT)
		return diff_add(d, "%s: %s (%s why %s)", lb,
				missing ? "missing" : "not in the expected report",
				missing ? "expected" : "got",
				show(json_object_get(o, "why"), a, sizeof(a)));
	if (k == K_EVENT)
		return diff_add(d, "%s: event %s (%s %s, %s %s)", lb,
				missing ? "missing" : "not in the expected report",
				missing ? "expected" : "got", member_str(o, "rule"), verdict,
				show(json_object_get(o, "message"), a, sizeof(a)));
	return diff_add(d, "%s: flagged packet %s (%s %s %s)", lb,
			missing ? "missing" : "not in the expected report",
			missing ? "expected" : "got", verdict,
			show(json_object_get(o, "message"), a, sizeof(a)));
}

static int
compare_list(struct expect_diffs *d, enum kind k, const struct side *ws, const struct side *gs)
{
	struct item *wv = NULL, *gv = NULL;
	size_t wn = 0, gn = 0, i = 0, j = 0;
	int rc;

	/* silent packets: only when the expected report lists them */
	if (k == K_SILENT && !json_object_get(ws->rep, "silent_packets"))
		return 0;
	rc = items_make(ws, k, &wv, &wn);
	if (!rc)
		rc = items_make(gs, k, &gv, &gn);
	while (!rc && (i < wn || j < gn)) {
		int c;

		if (i == wn)
			c = 1;
		else if (j == gn)
			c = -1;
		else {
			struct item a = wv[i], b = gv[j];

			a.pos = b.pos = 0;	/* key only */
			c = item_cmp(&a, &b);
		}
		if (c < 0) {
			rc = one_sided(d, k, &wv[i++], true);
		} else if (c > 0) {
			rc = one_sided(d, k, &gv[j++], false);
		} else {
			char lb[512];

			label(k, &wv[i], lb, sizeof(lb));
			if (k == K_EVENT)
				rc = compare_event(d, lb, ws, wv[i].obj, gs, gv[j].obj);
			else if (k == K_FLAGGED)
				rc = compare_flagged(d, lb, wv[i].obj, gv[j].obj);
			else
				rc = compare_silent(d, lb, wv[i].obj, gv[j].obj);
			i++;
			j++;
		}
	}
	free(wv);
	free(gv);
	return rc;
}

/*
 * Objects of counts (summary.by_cause {"cause": {"events": 1, ...}}):
 * every key of either side, compared down to the numbers, a missing key
 * or number counting 0.  @w or @g may be NULL (absent on that side).
 */
static int
compare_counts(struct expect_diffs *d, const char *name, const json_t *w, const json_t *g,
	       const json_t *zero)
{
	const char *key;
	json_t *v;
	char fn[256];
	int rc;

	if (!json_is_object(w) && !json_is_object(g))
		return field(d, "summary", name, w ? w : zero, g ? g : zero);
	if (!json_is_object(w) || !json_is_object(g)) {
		/* one side is an object of counts, the other is not there */
		if ((w && !json_is_object(w)) || (g && !json_is_object(g)))
			return field(d, "summary", name, w, g);
	}
	json_object_foreach((json_t *)w, key, v) {
		snprintf(fn, sizeof(fn), "%s.%s", name, key);
		rc = compare_counts(d, fn, v, json_object_get(g, key), zero);
		if (rc)
			return rc;
	}
	json_object_foreach((json_t *)g, key, v) {
		if (json_object_get(w, key))
			continue;
		snprintf(fn, sizeof(fn), "%s.%s", name, key);
		rc = compare_counts(d, fn, NULL, v, zero);
		if (rc)
			return rc;
	}
	return 0;
}

static int
compare_summary(struct expect_diffs *d, const json_t *want, const json_t *got)
{
	const json_t *ws = json_object_get(want, "summary"), *gs = json_object_get(got, "summary");
	const char *key;
	json_t *v;
	int rc = 0;

	json_t *zero = json_integer(0);

	if (!zero)
		return ERR_NOMEM;
	json_object_foreach((json_t *)ws, key, v) {
		const json_t *gv = json_object_get(gs, key);

		if (json_is_object(v) && json_is_object(gv))
			rc = compare_counts(d, key, v, gv, zero);
		else if (!json_is_array(v) && !json_is_string(v))
			rc = field(d, "summary", key, v, gv);	/* counts, not texts */
		if (rc)
			break;
	}
	json_decref(zero);
	return rc;
}

/* The settings that explain verdict changes: kernel profile and sysctls. */
static int
compare_policy(struct expect_diffs *d, const json_t *want, const json_t *got)
{
	const json_t *ws = json_object_get(want, "sysctl"), *gs = json_object_get(got, "sysctl");
	const char *key;
	json_t *v;
	int rc;

	rc = field(d, "kernel", "profile", member(want, "kernel.profile"),
		   member(got, "kernel.profile"));
	json_object_foreach((json_t *)ws, key, v) {
		if (rc)
			return rc;
		rc = field(d, "sysctl", key, v, json_object_get(gs, key));
	}
	return rc;
}

int
expect_compare(const json_t *want, const json_t *got, struct expect_diffs *d)
{
	struct side ws, gs;
	int rc;

	side_init(&ws, want);
	side_init(&gs, got);
	rc = compare_policy(d, want, got);
	if (!rc)
		rc = compare_list(d, K_EVENT, &ws, &gs);
	if (!rc)
		rc = compare_list(d, K_FLAGGED, &ws, &gs);
	if (!rc)
		rc = compare_list(d, K_SILENT, &ws, &gs);
	if (!rc)
		rc = compare_summary(d, want, got);
	return rc;
}

/* --- loading: only what is compared -------------------------------- */

/*
 * A report of 100000 events is ~300 MB of jansson objects; two of them
 * would not fit where the run itself fits.  So the big arrays (events,
 * flagged and silent packets) are parsed one element at a time
 * (JSON_DISABLE_EOF_CHECK stops after each value) and each element is cut
 * down at once to the members compared above.  The top level is walked by
 * hand: '{', then "key": value pairs separated by ',', then '}'.
 */

/* Members kept per element of each array (explanation: only its cause,
 * see array_at). */
static const char *const keep_event[] = {
	"id", "source", "rule", "message", "match", "verdict", NULL
};
static const char *const keep_flagged[] = {
	"path", "index", "verdict", "rule", "message", "cause", "event", NULL
};
static const char *const keep_silent[] = { "path", "index", "why", "cause", NULL };

static size_t
skip_ws(const char *b, size_t n, size_t i)
{
	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r'))
		i++;
	return i;
}

/* One JSON value at b[*i]; *i moves past it.  NULL when there is none. */
static json_t *
value_at(const char *b, size_t n, size_t *i)
{
	json_error_t e;
	json_t *v;

	if (*i >= n)
		return NULL;
	v = json_loadb(b + *i, n - *i, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &e);
	if (v)
		*i += (size_t)e.position;
	return v;
}

/*
 * Skip the JSON value at b[*i] without building it (strings, nesting).
 * Returns 0, or -1 when the text ends first.  Not a validator: what is
 * skipped is not compared.
 */
static int
skip_value(const char *b, size_t n, size_t *i)
{
	size_t depth = 0;
	bool str = false;

	for (; *i < n; (*i)++) {
		char c = b[*i];

		if (str) {
			if (c == '\\') {
				(*i)++;		/* the escaped character */
			} else if (c == '"') {
				str = false;
				if (depth == 0) {
					(*i)++;
					return 0;
				}
			}
			continue;
		}
		if (c == '"') {
			str = true;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return 0;	/* the end of the container holding a scalar */
			if (--depth == 0) {
				(*i)++;
				return 0;
			}
		} else if (depth == 0 && (c == ',' || c == ' ' || c == '\n' || c == '\t' ||
					  c == '\r'))
			return 0;	/* the end of a scalar */
	}
	return depth || str ? -1 : 0;
}

/*
 * The object at b[*i] ('{') with only the members named in @keep parsed,
 * the others skipped; a member named @nest (may be NULL) is itself walked
 * with @nest_keep.  NULL on a syntax error or out-of-memory.
 */
static json_t *
object_at(const char *b, size_t n, size_t *i, const char *const *keep, const char *nest,
	  const char *const *nest_keep)
{
	json_t *o = json_object();

	*i = skip_ws(b, n, *i + 1);
	if (o && *i < n && b[*i] == '}') {
		(*i)++;
		return o;
	}
	while (o) {
		json_t *key = value_at(b, n, i), *v = NULL;
		const char *k = json_string_value(key);
		bool kept = false;

		*i = skip_ws(b, n, *i);
		if (!k || *i >= n || b[*i] != ':') {
			json_decref(key);
			break;
		}
		*i = skip_ws(b, n, *i + 1);
		for (size_t m = 0; keep[m] && !kept; m++)
			kept = strcmp(k, keep[m]) == 0;
		if (nest && strcmp(k, nest) == 0 && *i < n && b[*i] == '{')
			v = object_at(b, n, i, nest_keep, NULL, NULL);
		else if (kept)
			v = value_at(b, n, i);
		else if (skip_value(b, n, i) == 0)
			v = json_null();	/* placeholder, dropped below */
		if (!v || ((kept || (nest && strcmp(k, nest) == 0)) &&
			   json_object_set(o, k, v) < 0)) {
			json_decref(v);
			json_decref(key);
			break;
		}
		json_decref(v);
		json_decref(key);
		*i = skip_ws(b, n, *i);
		if (*i < n && b[*i] == ',') {
			*i = skip_ws(b, n, *i + 1);
			continue;
		}
		if (*i < n && b[*i] == '}') {
			(*i)++;
			return o;
		}
		break;
	}
	json_decref(o);
	return NULL;
}

/* An array whose elements are slimmed as they are read; *i is at '['. */
static json_t *
array_at(const char *b, size_t n, size_t *i, enum kind k)
{
	json_t *a = json_array(), *el;

	(*i)++;
	*i = skip_ws(b, n, *i);
	if (a && *i < n && b[*i] == ']') {
		(*i)++;
		return a;
	}
	while (a) {
		static const char *const expl_keep[] = { "cause", NULL };
		const char *const *keep = k == K_EVENT ? keep_event
					: k == K_FLAGGED ? keep_flagged : keep_silent;

		if (*i < n && b[*i] == '{')
			el = object_at(b, n, i, keep, k == K_EVENT ? "explanation" : NULL,
				       expl_keep);
		else
			el = value_at(b, n, i);	/* compared as is (and found odd) */
		if (!el || json_array_append_new(a, el) < 0)
			break;
		*i = skip_ws(b, n, *i);
		if (*i < n && b[*i] == ',') {
			*i = skip_ws(b, n, *i + 1);
			continue;
		}
		if (*i < n && b[*i] == ']') {
			(*i)++;
			return a;
		}
		break;
	}
	json_decref(a);
	return NULL;
}

/*
 * The report in @b[0..n) with its big arrays slimmed.  NULL when the walk
 * fails (not an object, a syntax error, out of memory): the caller then
 * parses the whole text for the error's line and column.
 */
static json_t *
load_slim(const char *b, size_t n)
{
	static const char *const arrays[] = { "events", "flagged_packets", "silent_packets" };
	json_t *root = json_object();
	size_t i = skip_ws(b, n, 0);

	if (!root || i >= n || b[i] != '{')
		goto fail;
	i = skip_ws(b, n, i + 1);
	if (i < n && b[i] == '}') {
		i++;
		goto end;
	}
	for (;;) {
		json_t *key = value_at(b, n, &i), *v = NULL;
		int k = -1;

		if (!json_is_string(key)) {
			json_decref(key);
			goto fail;
		}
		i = skip_ws(b, n, i);
		if (i >= n || b[i] != ':') {
			json_decref(key);
			goto fail;
		}
		i = skip_ws(b, n, i + 1);
		for (int a = 0; a < 3; a++)
			if (strcmp(json_string_value(key), arrays[a]) == 0)
				k = a;
		if (k >= 0 && i < n && b[i] == '[')
			v = array_at(b, n, &i, (enum kind)k);
		else
			v = value_at(b, n, &i);
		if (!v || json_object_set_new(root, json_string_value(key), v) < 0) {
			json_decref(key);
			goto fail;
		}
		json_decref(key);
		i = skip_ws(b, n, i);
		if (i < n && b[i] == ',') {
			i = skip_ws(b, n, i + 1);
			continue;
		}
		if (i < n && b[i] == '}') {
			i++;
			break;
		}
		goto fail;
	}
end:
	if (skip_ws(b, n, i) == n)
		return root;
fail:
	json_decref(root);
	return NULL;
}

/* Parse a report text: slimmed, or NULL with @err set (line and column). */
static json_t *
parse_report(const char *b, size_t n, json_error_t *err)
{
	json_t *j = load_slim(b, n);

	if (j)
		return j;
	/* not walkable: the whole parse tells where it breaks (or takes it) */
	return json_loadb(b, n, 0, err);
}

/* Read a whole file; NULL with errno set. */
static char *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *nb;
	size_t cap = 0, n = 0, r;
	int saved;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			nb = cap > n ? realloc(buf, cap) : NULL;
			if (!nb) {
				errno = ENOMEM;
				goto fail;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	if (ferror(f)) {
		errno = EIO;
		goto fail;
	}
	fclose(f);
	*len = n;
	return buf;
fail:
	saved = errno;
	free(buf);
	fclose(f);
	errno = saved;
	return NULL;
}

int
expect_load(struct run_ctx *ctx, const char *path, json_t **want)
{
	static const struct { const char *key; json_type type; } shape[] = {
		{ "events", JSON_ARRAY },
		{ "flagged_packets", JSON_ARRAY },
		{ "summary", JSON_OBJECT },
	};
	json_error_t jerr;
	const char *schema;
	size_t len = 0;
	char *text;
	json_t *j;

	*want = NULL;
	text = read_all(path, &len);
	if (!text)
		return ctx_err(ctx, errno == ENOMEM ? ERR_NOMEM : ERR_INPUT,
			       "%s: cannot read the expected report: %s", path, strerror(errno));
	j = parse_report(text, len, &jerr);
	free(text);
	if (!j)
		return ctx_err(ctx, ERR_INPUT, "%s:%d:%d: expected report is not JSON: %s", path,
			       jerr.line, jerr.column, jerr.text);
	schema = json_string_value(json_object_get(j, "schema"));
	if (!json_is_object(j) || !schema || strncmp(schema, "ctexplain/", 10) != 0) {
		json_decref(j);
		return ctx_err(ctx, ERR_INPUT, "%s: not a ctexplain report (no \"schema\": \"ctexplain/N\")",
			       path);
	}
	if (strcmp(schema, "ctexplain/1") != 0) {
		ctx_err(ctx, ERR_INPUT, "%s: report schema '%.32s', this version reads ctexplain/1",
			path, schema);
		json_decref(j);
		return ERR_INPUT;
	}
	for (size_t i = 0; i < sizeof(shape) / sizeof(shape[0]); i++) {
		const json_t *v = json_object_get(j, shape[i].key);

		if (!v || json_typeof(v) != shape[i].type) {
			json_decref(j);
			return ctx_err(ctx, ERR_INPUT, "%s: corrupt expected report: \"%s\" missing or not an %s",
				       path, shape[i].key,
				       shape[i].type == JSON_ARRAY ? "array" : "object");
		}
	}
	*want = j;
	return 0;
}

int
expect_report(struct run_ctx *ctx, const char *path, const struct report *r,
	      struct expect_diffs *d)
{
	json_t *want = NULL, *got = NULL;
	json_error_t jerr;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int rc;

	rc = expect_load(ctx, path, &want);
	if (rc < 0)
		return rc;
	mem = open_memstream(&buf, &len);
	if (!mem) {
		rc = ctx_err(ctx, ERR_NOMEM, "--expect: out of memory");
		goto out;
	}
	rc = report_json_write(r, mem);
	if (fclose(mem) == EOF || rc < 0) {
		rc = ctx_err(ctx, ERR_NOMEM, "--expect: cannot render the report: %s",
			     strerror(errno));
		goto out;
	}
	got = parse_report(buf, len, &jerr);
	if (!got) {
		rc = ctx_err(ctx, ERR_INTERNAL, "--expect: own report unreadable at %d:%d: %s",
			     jerr.line, jerr.column, jerr.text);
		goto out;
	}
	rc = expect_compare(want, got, d);
	if (rc < 0)
		rc = ctx_err(ctx, rc, "--expect: out of memory while comparing");
out:
	free(buf);
	json_decref(got);
	json_decref(want);
	return rc;
}
