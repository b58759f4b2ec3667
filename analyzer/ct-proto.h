/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CTEXPLAIN_CT_PROTO_H
#define CTEXPLAIN_CT_PROTO_H
#endif
