/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * report-text.h - options of the text writer (report-text.c).
 *
 * report_text_write() (report.h) writes the plain text report;
 * report_text_write_color() can add ANSI colour (SGR sequences) for a
 * terminal.  Whether to colour is the caller's decision (main.c: --color,
 * NO_COLOR, isatty): the writer reads no environment.
 */
#ifndef CTEXPLAIN_REPORT_TEXT_H
#define CTEXPLAIN_REPORT_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

/* As report_text_write(), with colour when @color.  0, or -1 on a write
 * error (errno set). */
int report_text_write_color(const struct report *r, FILE *out, bool color);

#endif
