/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzz-decode.c - libFuzzer target for the frame decoder.
 *
 * Input: one selector byte (link type: low 4 bits; wire length beyond the
 * capture: high 4 bits x 100), then the captured frame.  Checks that the
 * borrowed pointers stay inside the frame and exercises decode_ip() and
 * the address formatters.  Build for fuzzing:
 *
 *	clang -g -fsanitize=fuzzer,address,undefined -include config.h \
 *	    -I analyzer tests/fuzz/fuzz-decode.c analyzer/decode-*.c \
 *	    analyzer/util-csum.c -o fuzz-decode
 *
 * Under `make check` tests/fuzz/replay.c runs it over the seed corpus.
 */
#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int fuzz_dlts[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4, DLT_IPV6,
	DLT_NULL, DLT_LOOP, 101, 0x7fff,
};

static void
check_inside(const struct pkt *p, const uint8_t *f, size_t n)
{
	if (p->l3 && (p->l3 < f || p->l3_caplen > n - (size_t)(p->l3 - f)))
		abort();
	if (p->has_l4 && (!p->l4 || p->l4 < f || p->l4_caplen > n - (size_t)(p->l4 - f)))
		abort();
	if (p->has_l4 && p->l4_caplen > p->l4_len)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *f;
	struct pkt p;
	char a[64];
	size_t n;
	int dlt;

	if (size < 1)
		return 0;
	dlt = fuzz_dlts[(data[0] & 0x0f) % (sizeof(fuzz_dlts) / sizeof(fuzz_dlts[0]))];
	f = data + 1;
	n = size - 1;

	memset(&p, 0, sizeof(p));
	p.caplen = (uint32_t)n;
	p.wirelen = (uint32_t)n + (uint32_t)(data[0] >> 4) * 100;
	decode_frame(dlt, n ? f : NULL, (uint32_t)n, &p);
	check_inside(&p, f, n);
	decode_addr_nflog(p.family, &p.src, a);
	decode_addr_str(p.family, &p.dst, a);
	if (p.inner.present) {
		decode_addr_nflog(p.inner.family, &p.inner.src, a);
		decode_addr_str(p.inner.family, &p.inner.dst, a);
	}

	decode_ip(n ? f : NULL, (uint32_t)n, &p);
	check_inside(&p, f, n);
	(void)decode_link_dir(dlt, f, (uint32_t)n);
	return 0;
}
