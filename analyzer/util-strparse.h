/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * util-strparse.h - bounded tokenizers and number parsers for untrusted text.
 *
 * Every function takes the current position *p and the end of the text and
 * never reads at or past @end.  On success the position moves past what was
 * consumed and 0 is returned; on failure -1 is returned and *p is unchanged.
 * Number parsers take a maximum: a value above it is a failure, never a wrap
 * (curl strparse).  No sscanf, atoi or strtok anywhere in analyzer/.
 */
#ifndef CTEXPLAIN_UTIL_STRPARSE_H
#define CTEXPLAIN_UTIL_STRPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decimal digits (at least one, at most what fits @max). */
int sp_dec(const char **p, const char *end, uint64_t max, uint64_t *out);
/* Hexadecimal digits, optional "0x" prefix when @allow_prefix. */
int sp_hex(const char **p, const char *end, bool allow_prefix, uint64_t max, uint64_t *out);
/* Exactly @n decimal digits (for fixed-width date fields). */
int sp_dec_fixed(const char **p, const char *end, unsigned n, uint64_t *out);
/* The literal @lit (no NUL inside). */
int sp_lit(const char **p, const char *end, const char *lit);
/* One byte @c. */
int sp_char(const char **p, const char *end, char c);
/* Skip spaces and tabs; returns how many were skipped. */
size_t sp_blanks(const char **p, const char *end);
/* Does the text at *p start with @lit?  (no move) */
bool sp_starts(const char *p, const char *end, const char *lit);
/* Find @needle (length @nlen) in [p, end); NULL when absent.  Binary safe. */
const char *sp_find(const char *p, const char *end, const char *needle, size_t nlen);

#endif
