/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ct-udp.c - UDP and UDP-Lite trackers (nf_conntrack_proto_udp.c, 6.18).
 */
#include "config.h"

#include "ct-proto.h"

const struct ct_proto_ops ct_proto_udp = {
	.l4proto = 17,
};

const struct ct_proto_ops ct_proto_udplite = {
	.l4proto = 136,
};
