/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CTEXPLAIN_UTIL_SEQ_H
#define CTEXPLAIN_UTIL_SEQ_H
#endif
