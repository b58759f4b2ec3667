/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ct-policy.h - the kernel behaviour profile: the sysctls that change
 * conntrack verdicts, plus the kernel generation mirrored.
 *
 * Every value remembers where it came from (default, a sysctl dump in the
 * bundle, a command-line option) and the report prints all of them: when we
 * emulate be_liberal or loose pickup we say so.
 */
#ifndef CTEXPLAIN_CT_POLICY_H
#define CTEXPLAIN_CT_POLICY_H

#include <stdint.h>

#include "ctx.h"

/*      id                           sysctl name (net.netfilter.)                default  min  max */
#define CT_KNOBS(X) \
	X(TCP_BE_LIBERAL,            "nf_conntrack_tcp_be_liberal",                 0,     0, 1) \
	X(TCP_LOOSE,                 "nf_conntrack_tcp_loose",                      1,     0, 1) \
	X(TCP_MAX_RETRANS,           "nf_conntrack_tcp_max_retrans",                3,     0, 255) \
	X(TCP_IGNORE_INVALID_RST,    "nf_conntrack_tcp_ignore_invalid_rst",         0,     0, 1) \
	X(CHECKSUM,                  "nf_conntrack_checksum",                       1,     0, 1) \
	X(LOG_INVALID,               "nf_conntrack_log_invalid",                    0,     0, 255) \
	X(MAX,                       "nf_conntrack_max",                            262144, 0, 0x7fffffff) \
	X(TCP_TIMEOUT_SYN_SENT,      "nf_conntrack_tcp_timeout_syn_sent",           120,   0, 0x7fffffff) \
	X(TCP_TIMEOUT_SYN_RECV,      "nf_conntrack_tcp_timeout_syn_recv",           60,    0, 0x7fffffff) \
	X(TCP_TIMEOUT_ESTABLISHED,   "nf_conntrack_tcp_timeout_established",        432000, 0, 0x7fffffff) \
	X(TCP_TIMEOUT_FIN_WAIT,      "nf_conntrack_tcp_timeout_fin_wait",           120,   0, 0x7fffffff) \
	X(TCP_TIMEOUT_CLOSE_WAIT,    "nf_conntrack_tcp_timeout_close_wait",         60,    0, 0x7fffffff) \
	X(TCP_TIMEOUT_LAST_ACK,      "nf_conntrack_tcp_timeout_last_ack",           30,    0, 0x7fffffff) \
	X(TCP_TIMEOUT_TIME_WAIT,     "nf_conntrack_tcp_timeout_time_wait",          120,   0, 0x7fffffff) \
	X(TCP_TIMEOUT_CLOSE,         "nf_conntrack_tcp_timeout_close",              10,    0, 0x7fffffff) \
	X(TCP_TIMEOUT_MAX_RETRANS,   "nf_conntrack_tcp_timeout_max_retrans",        300,   0, 0x7fffffff) \
	X(TCP_TIMEOUT_UNACKNOWLEDGED, "nf_conntrack_tcp_timeout_unacknowledged",    300,   0, 0x7fffffff) \
	X(UDP_TIMEOUT,               "nf_conntrack_udp_timeout",                    30,    0, 0x7fffffff) \
	X(UDP_TIMEOUT_STREAM,        "nf_conntrack_udp_timeout_stream",             120,   0, 0x7fffffff) \
	X(ICMP_TIMEOUT,              "nf_conntrack_icmp_timeout",                   30,    0, 0x7fffffff) \
	X(ICMPV6_TIMEOUT,            "nf_conntrack_icmpv6_timeout",                 30,    0, 0x7fffffff) \
	X(GENERIC_TIMEOUT,           "nf_conntrack_generic_timeout",                600,   0, 0x7fffffff)

enum ct_knob {
#define X(id, name, def, min, max) CT_KNOB_##id,
	CT_KNOBS(X)
#undef X
	CT_KNOB__COUNT
};

/*
 * Reassembly settings (nf_defrag_ipv4 uses the net.ipv4.ipfrag_* sysctls,
 * nf_defrag_ipv6 its own net.netfilter.nf_conntrack_frag6_*), read from the
 * same sysctl dumps; defrag_configure() applies them.  Kept apart from the
 * conntrack knobs (they are not net.netfilter.nf_conntrack_* names).
 *      id                 full sysctl name                                 default  min max */
#define CT_FRAG_KNOBS(X) \
	X(IPV4_TIME,        "net.ipv4.ipfrag_time",                         30,      0, 0x7fffffff) \
	X(IPV4_HIGH_THRESH, "net.ipv4.ipfrag_high_thresh",                  4194304, 0, 0x7fffffff) \
	X(IPV4_MAX_DIST,    "net.ipv4.ipfrag_max_dist",                     64,      0, 0x7fffffff) \
	X(IPV6_TIME,        "net.netfilter.nf_conntrack_frag6_timeout",     60,      0, 0x7fffffff) \
	X(IPV6_HIGH_THRESH, "net.netfilter.nf_conntrack_frag6_high_thresh", 4194304, 0, 0x7fffffff)

enum ct_frag_knob {
#define X(id, name, def, min, max) CT_FRAG_##id,
	CT_FRAG_KNOBS(X)
#undef X
	CT_FRAG__COUNT
};

enum ct_source {
	CT_SRC_DEFAULT = 0,	/* the kernel's default */
	CT_SRC_SYSCTL,		/* a sysctl dump in the inputs */
	CT_SRC_LOG,		/* inferred from the log (kernel profile only) */
	CT_SRC_OPTION,		/* the command line */
};

#define CT_PROFILE_CURRENT "6.18"

struct ct_policy {
	int64_t v[CT_KNOB__COUNT];
	enum ct_source src[CT_KNOB__COUNT];
	char profile[16];		/* kernel generation mirrored, "6.18" */
	enum ct_source profile_src;
	int64_t frag[CT_FRAG__COUNT];	/* reassembly settings (seconds, bytes, count) */
	enum ct_source frag_src[CT_FRAG__COUNT];
};

/* Defaults of the current kernel. */
void ct_policy_init(struct ct_policy *p);

/* Knob by full or short sysctl name ("net.netfilter.nf_conntrack_tcp_loose",
 * "nf_conntrack_tcp_loose", "tcp_loose"); -1 when unknown. */
int ct_policy_lookup(const char *name);
const char *ct_policy_name(enum ct_knob k);	/* "net.netfilter.nf_conntrack_tcp_loose" */
const char *ct_source_name(enum ct_source s);	/* "default", "sysctl", "log", "option" */

/* Reassembly setting by full sysctl name, or the part after the last dot
 * ("ipfrag_time"); -1 when unknown.  ct_policy_frag_set() like
 * ct_policy_set(). */
int ct_policy_frag_lookup(const char *name);
const char *ct_policy_frag_name(enum ct_frag_knob k);
int ct_policy_frag_set(struct ct_policy *p, enum ct_frag_knob k, int64_t value,
		       enum ct_source src);

/* Set @k to @value from @src, range-checked; -1 when out of range.  A value
 * from the command line is never overridden by a sysctl dump (precedence
 * option > sysctl > log > default): then nothing changes and 1 is returned.
 * 0 when set. */
int ct_policy_set(struct ct_policy *p, enum ct_knob k, int64_t value, enum ct_source src);

/* Is this buffer the start of a `sysctl -a` style dump ("a.b.c = v" lines)? */
int ct_policy_sniff_sysctl(const uint8_t *buf, size_t len);

/*
 * Read a `sysctl -a` (or `sysctl net.netfilter`) dump and apply the knobs it
 * names (conntrack knobs and reassembly settings).  Lines: "key = value",
 * "key=value", or "/proc/sys/net/netfilter/key:value"
 * (grep . /proc/sys/...); blank, '#'/';' comment and "sysctl: ..." lines are
 * skipped.  Unknown keys are ignored; malformed lines are added to *records
 * (may be NULL) and noted once in ctx.  A known knob with a bad or out of
 * range value is an error naming file and line (the rest is still applied).
 * Returns 0 or a negative enum err recorded in ctx.
 */
int ct_policy_load_sysctl(struct run_ctx *ctx, struct ct_policy *p, const char *path,
			  uint64_t *records);

#endif
