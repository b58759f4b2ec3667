/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * tap.h - a tiny TAP producer for unit tests (shaped like git's test-lib.h).
 *
 *	int main(void) {
 *		TEST(check_uint(seq_before(1, 2), ==, 1), "seq_before simple");
 *		return tap_done();
 *	}
 *
 * Each check_*() prints the expression, both values and file:line on failure
 * as TAP "#" diagnostics and evaluates to 1 (pass) or 0 (fail).  TEST(expr,
 * fmt, ...) emits one "ok N - ..." / "not ok N - ..." line.
 */
#ifndef CTEXPLAIN_TAP_H
#define CTEXPLAIN_TAP_H

#include <stddef.h>
#include <stdint.h>

int tap_test(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tap_check(int ok, const char *expr, const char *file, int line);
int tap_check_uint(int ok, const char *expr, uint64_t a, uint64_t b, const char *file, int line);
int tap_check_int(int ok, const char *expr, int64_t a, int64_t b, const char *file, int line);
int tap_check_str(const char *a, const char *b, const char *expr, const char *file, int line);
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Source-tree paths for tests that read shipped files: the rules directory
 * ($CTEXPLAIN_RULES, else $top_srcdir/rules) and the test data directory
 * ($top_srcdir/tests/data); $top_srcdir defaults to ".".  Either buffer may
 * be NULL.
 */
void tap_paths(char *rules, size_t rules_size, char *data, size_t data_size);
/* Prints the plan "1..N" and returns the exit status (0 when all passed). */
int tap_done(void);

#define TEST(ok, ...) tap_test((ok), __VA_ARGS__)
#define check(x) tap_check(!!(x), #x, __FILE__, __LINE__)
#define check_uint(a, op, b) \
	tap_check_uint((uint64_t)(a) op (uint64_t)(b), #a " " #op " " #b, \
		       (uint64_t)(a), (uint64_t)(b), __FILE__, __LINE__)
#define check_int(a, op, b) \
	tap_check_int((int64_t)(a) op (int64_t)(b), #a " " #op " " #b, \
		      (int64_t)(a), (int64_t)(b), __FILE__, __LINE__)
#define check_str(a, b) tap_check_str((a), (b), #a " == " #b, __FILE__, __LINE__)

#endif
