/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CTEXPLAIN_UTIL_CURSOR_H
#define CTEXPLAIN_UTIL_CURSOR_H
#endif
