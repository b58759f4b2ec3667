/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * json-get - print values of a JSON document by JSON pointer (RFC 6901), for
 * shell tests that check a few fields of a report (suricata-verify's idea).
 *
 *   json-get [-t] FILE POINTER...
 *
 * FILE "-" is standard input.  For each POINTER one line is printed: a
 * string raw, any other value as compact JSON; with -t the type name
 * (object array string integer real true false null) instead.  A last
 * segment "#" prints the number of members of an array or object.
 * Exit status: 0 all pointers resolved, 1 some did not ("<missing>" is
 * printed for them), 2 usage or parse error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static const char *
type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "integer";
	case JSON_REAL: return "real";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL:
	default: return "null";
	}
}

/* Decode one pointer segment [s, e) into buf ("~1" -> "/", "~0" -> "~"). */
static int
segment(const char *s, const char *e, char *buf, size_t size)
{
	size_t o = 0;

	for (; s < e; s++) {
		char c = *s;

		if (c == '~') {
			if (s + 1 >= e || (s[1] != '0' && s[1] != '1'))
				return -1;
			c = s[1] == '0' ? '~' : '/';
			s++;
		}
		if (o + 1 >= size)
			return -1;
		buf[o++] = c;
	}
	buf[o] = '\0';
	return 0;
}

/* Resolve @ptr in @root; *count set when the last segment is "#". */
static json_t *
resolve(json_t *root, const char *ptr, long long *count)
{
	json_t *v = root;
	const char *p = ptr;
	char seg[1024];

	*count = -1;
	if (*p == '\0')
		return v;
	if (*p != '/')
		return NULL;
	while (*p == '/') {
		const char *s = p + 1, *e = strchr(s, '/');

		if (!e)
			e = s + strlen(s);
		if (segment(s, e, seg, sizeof(seg)) < 0)
			return NULL;
		if (*e == '\0' && strcmp(seg, "#") == 0) {
			if (json_is_array(v))
				*count = (long long)json_array_size(v);
			else if (json_is_object(v))
				*count = (long long)json_object_size(v);
			else
				return NULL;
			return v;
		}
		if (json_is_object(v)) {
			v = json_object_get(v, seg);
		} else if (json_is_array(v)) {
			char *end;
			unsigned long i;

			if (!seg[0] || (seg[0] == '0' && seg[1]))
				return NULL;
			i = strtoul(seg, &end, 10);
			if (*end)
				return NULL;
			v = json_array_get(v, i);
		} else {
			return NULL;
		}
		if (!v)
			return NULL;
		p = e;
	}
	return v;
}

int
main(int argc, char **argv)
{
	json_error_t err;
	json_t *root;
	int types = 0, i = 1, rc = 0;

	if (i < argc && strcmp(argv[i], "-t") == 0) {
		types = 1;
		i++;
	}
	if (argc - i < 2) {
		fputs("usage: json-get [-t] FILE POINTER...\n", stderr);
		return 2;
	}
	if (strcmp(argv[i], "-") == 0)
		root = json_loadf(stdin, JSON_DECODE_ANY, &err);
	else
		root = json_load_file(argv[i], JSON_DECODE_ANY, &err);
	if (!root) {
		fprintf(stderr, "json-get: %s:%d:%d: %s\n", argv[i], err.line, err.column, err.text);
		return 2;
	}
	for (i++; i < argc; i++) {
		long long count;
		json_t *v = resolve(root, argv[i], &count);

		if (!v) {
			puts("<missing>");
			rc = 1;
		} else if (count >= 0) {
			printf("%lld\n", count);
		} else if (types) {
			puts(type_name(v));
		} else if (json_is_string(v)) {
			puts(json_string_value(v));
		} else {
			char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));

			puts(s ? s : "<error>");
			free(s);
		}
	}
	json_decref(root);
	return rc;
}
