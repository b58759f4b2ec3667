/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * tap.c - TAP output for unit tests; see tap.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

static int tap_count, tap_failed;

int
tap_test(int ok, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!ok)
		tap_failed++;
	printf("%sok %d - ", ok ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return ok;
}

void
tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

int
tap_check(int ok, const char *expr, const char *file, int line)
{
	if (!ok)
		tap_diag("check \"%s\" failed at %s:%d", expr, file, line);
	return ok;
}

int
tap_check_uint(int ok, const char *expr, uint64_t a, uint64_t b, const char *file, int line)
{
	if (!ok)
		tap_diag("check \"%s\" failed at %s:%d: left %llu (0x%llx), right %llu (0x%llx)",
			 expr, file, line, (unsigned long long)a, (unsigned long long)a,
			 (unsigned long long)b, (unsigned long long)b);
	return ok;
}

int
tap_check_int(int ok, const char *expr, int64_t a, int64_t b, const char *file, int line)
{
	if (!ok)
		tap_diag("check \"%s\" failed at %s:%d: left %lld, right %lld",
			 expr, file, line, (long long)a, (long long)b);
	return ok;
}

int
tap_check_str(const char *a, const char *b, const char *expr, const char *file, int line)
{
	int ok = a && b && strcmp(a, b) == 0;

	if (!ok)
		tap_diag("check \"%s\" failed at %s:%d: left \"%s\", right \"%s\"",
			 expr, file, line, a ? a : "(null)", b ? b : "(null)");
	return ok;
}

int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	if (tap_count == 0) {
		printf("# no tests ran\n");
		return 1;
	}
	return tap_failed ? 1 : 0;
}

void
tap_paths(char *rules, size_t rules_size, char *data, size_t data_size)
{
	const char *r = getenv("CTEXPLAIN_RULES");
	const char *top = getenv("top_srcdir");

	if (!top)
		top = ".";
	if (rules && r)
		snprintf(rules, rules_size, "%s", r);
	else if (rules)
		snprintf(rules, rules_size, "%s/rules", top);
	if (data)
		snprintf(data, data_size, "%s/tests/data", top);
}
