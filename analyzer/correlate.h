/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CTEXPLAIN_CORRELATE_H
#define CTEXPLAIN_CORRELATE_H
#endif
