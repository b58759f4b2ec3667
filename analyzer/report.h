/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CTEXPLAIN_REPORT_H
#define CTEXPLAIN_REPORT_H
#endif
