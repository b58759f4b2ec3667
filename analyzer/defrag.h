/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * defrag.h - IPv4/IPv6 reassembly before conntrack, as nf_defrag_ipv4 /
 * nf_defrag_ipv6 do (ip_defrag / nf_ct_frag6_gather, Linux 6.18).
 *
 * Fragments are copied (the frame buffer is only borrowed); a datagram is
 * released when complete, and its verdict belongs to the fragment that
 * completed it (kernel lab: the log line is about that skb).  Memory is
 * capped (like ipfrag_high_thresh) and queues expire after the kernel's
 * ipfrag_time (30 s) of capture time.
 */
#ifndef CTEXPLAIN_DEFRAG_H
#define CTEXPLAIN_DEFRAG_H

#include <stddef.h>
#include <stdint.h>

#include "ct-policy.h"
#include "decode.h"

enum defrag_status {
	DEFRAG_PASS = 0,	/* not a fragment: use the packet as it is */
	DEFRAG_HELD,		/* a fragment was queued; nothing to track yet */
	DEFRAG_DONE,		/* *out is the whole datagram (valid until the next call) */
	DEFRAG_DROP,		/* the fragment is bad and dropped by the kernel (*why says why) */
};

struct defrag_stats {
	uint64_t fragments, datagrams, dropped, expired, mem_peak;
};

struct defrag;

/* New reassembler keeping at most about @max_bytes of fragments per family
 * (like ipfrag_high_thresh and nf_conntrack_frag6_high_thresh, 4 MiB each in
 * 6.18): above it every new fragment is dropped until queues complete or
 * expire.  NULL on OOM. */
struct defrag *defrag_new(size_t max_bytes);

/*
 * Feed one decoded packet.  For DEFRAG_DONE, *out has the capture-record
 * fields (file_id, index, ts, dir) of @in and is decoded from the reassembled
 * bytes.  For DEFRAG_DROP, *why is a static string ("overlapping fragment").
 *
 * DEFRAG_PASS with *why set: an IPv6 fragment the kernel hands to conntrack
 * unreassembled (nf_ct_frag6_gather returns 0: a non-last fragment whose
 * length is not a multiple of 8, or a first fragment without the whole
 * upper-layer header).  Use @in as it is: conntrack sees a first fragment
 * (its L4 header, truncated) or a non-first one (silently INVALID).
 */
enum defrag_status defrag_feed(struct defrag *d, const struct pkt *in,
			       const struct pkt **out, const char **why);

/* Apply the reassembly settings of @pol (ipfrag_time, ipfrag_high_thresh,
 * ipfrag_max_dist, nf_conntrack_frag6_timeout, nf_conntrack_frag6_high_thresh,
 * e.g. from a sysctl dump); replaces the limit given to defrag_new().  Call
 * before the first fragment. */
void defrag_configure(struct defrag *d, const struct ct_policy *pol);

void defrag_stats(const struct defrag *d, struct defrag_stats *st);
void defrag_free(struct defrag *d);

#endif
