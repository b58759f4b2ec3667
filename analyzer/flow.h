/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CTEXPLAIN_FLOW_H
#define CTEXPLAIN_FLOW_H
#endif
