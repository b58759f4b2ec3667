/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CTEXPLAIN_DEFRAG_H
#define CTEXPLAIN_DEFRAG_H
#endif
