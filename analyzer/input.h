/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CTEXPLAIN_INPUT_H
#define CTEXPLAIN_INPUT_H
#endif
