/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ct-icmp.c - ICMP and ICMPv6 trackers (nf_conntrack_proto_icmp{,v6}.c, 6.18).
 */
#include "config.h"

#include "ct-proto.h"

const struct ct_proto_ops ct_proto_icmp = {
	.l4proto = 1,
};

const struct ct_proto_ops ct_proto_icmpv6 = {
	.l4proto = 58,
};
