/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * util-strparse.c - bounded parsers, see util-strparse.h.
 */
#include <string.h>

#include "util-strparse.h"

int
sp_dec(const char **p, const char *end, uint64_t max, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s >= end || *s < '0' || *s > '9')
		return -1;
	while (s < end && *s >= '0' && *s <= '9') {
		unsigned d = (unsigned)(*s - '0');

		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
		s++;
	}
	*out = v;
	*p = s;
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
sp_hex(const char **p, const char *end, bool allow_prefix, uint64_t max, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	int d;

	if (allow_prefix && end - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (s >= end || hexval(*s) < 0)
		return -1;
	while (s < end && (d = hexval(*s)) >= 0) {
		if (v > (max - (uint64_t)d) / 16)
			return -1;
		v = v * 16 + (uint64_t)d;
		s++;
	}
	*out = v;
	*p = s;
	return 0;
}

int
sp_dec_fixed(const char **p, const char *end, unsigned n, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if ((size_t)(end - s) < n)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	*p = s + n;
	return 0;
}

int
sp_lit(const char **p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
		return -1;
	*p += n;
	return 0;
}

int
sp_char(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return -1;
	(*p)++;
	return 0;
}

size_t
sp_blanks(const char **p, const char *end)
{
	const char *s = *p;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	size_t n = (size_t)(s - *p);
	*p = s;
	return n;
}

bool
sp_starts(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

const char *
sp_find(const char *p, const char *end, const char *needle, size_t nlen)
{
	if (nlen == 0)
		return p;
	while ((size_t)(end - p) >= nlen) {
		const char *q = memchr(p, needle[0], (size_t)(end - p) - nlen + 1);

		if (!q)
			return NULL;
		if (memcmp(q, needle, nlen) == 0)
			return q;
		p = q + 1;
	}
	return NULL;
}
