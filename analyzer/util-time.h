/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * util-time.h - saturating int64 nanosecond arithmetic for capture times.
 *
 * Capture timestamps come from untrusted files and timeouts from sysctl
 * dumps: seconds * 1e9, or a time plus a timeout, can leave int64_t (UB).
 * main clamps capture times at the pipeline entry, but the engine and the
 * defragmenter must be safe on their own, so every such sum or product goes
 * through these helpers: sums saturate at +-INT64_MAX, and a capture time is
 * clamped to +-NS_TIME_MAX (2^62 ns, about 146 years either side of 1970), so
 * that a time plus any timeout (< 2^31 s) stays exact and an entry made at the
 * clamp is not taken as expired by the next packet there.
 */
#ifndef CTEXPLAIN_UTIL_TIME_H
#define CTEXPLAIN_UTIL_TIME_H

#include <stdint.h>

#define NS_PER_SEC 1000000000LL
#define NS_TIME_MAX (1LL << 62)

/* a + b, saturated to [-INT64_MAX, INT64_MAX] */
static inline int64_t
ns_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < -INT64_MAX - b)
		return -INT64_MAX;
	return a + b;
}

/* a - b, saturated to [-INT64_MAX, INT64_MAX] */
static inline int64_t
ns_sub(int64_t a, int64_t b)
{
	if (b == INT64_MIN)
		return a >= 0 ? INT64_MAX : ns_add(a + 1, INT64_MAX);
	return ns_add(a, -b);
}

/* seconds -> nanoseconds, saturated */
static inline int64_t
ns_from_sec(int64_t s)
{
	if (s > INT64_MAX / NS_PER_SEC)
		return INT64_MAX;
	if (s < -(INT64_MAX / NS_PER_SEC))
		return -INT64_MAX;
	return s * NS_PER_SEC;
}

/* a (seconds, nanoseconds) timestamp -> nanoseconds, clamped to
 * [-NS_TIME_MAX, NS_TIME_MAX] */
static inline int64_t
ns_from_ts(int64_t sec, uint32_t nsec)
{
	int64_t t = ns_add(ns_from_sec(sec), (int64_t)nsec);

	return t > NS_TIME_MAX ? NS_TIME_MAX : t < -NS_TIME_MAX ? -NS_TIME_MAX : t;
}

#endif
