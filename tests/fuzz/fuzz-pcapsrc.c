/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzz-pcapsrc.c - libFuzzer target for capture reading: the input is a
 * whole capture file, read from memory (pcapsrc_open_mem, no temp files),
 * every record decoded.  Build for fuzzing:
 *
 *	clang -g -fsanitize=fuzzer,address,undefined -include config.h \
 *	    -I analyzer tests/fuzz/fuzz-pcapsrc.c analyzer/pcapsrc.c \
 *	    analyzer/ctx.c analyzer/decode-*.c analyzer/util-csum.c -lpcap
 *
 * Under `make check` tests/fuzz/replay.c runs it over tests/data/pcap/.
 */
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "decode.h"
#include "pcapsrc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bound the work per input (libpcap accepts huge record counts). */
#define FUZZ_MAX_RECORDS 100000

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run_ctx ctx;
	struct pcapsrc *src = NULL;
	struct pcap_rec rec;
	uint64_t n = 0;
	int rc;

	ctx_init(&ctx);
	if (pcapsrc_open_mem(&ctx, "fuzz", data, size, &src) < 0) {
		if (ctx.errors.n != 1)
			abort();
		goto out;
	}
	while (n < FUZZ_MAX_RECORDS && (rc = pcapsrc_next(src, &rec)) == 1) {
		struct pkt p;

		if (rec.index != n)
			abort();
		memset(&p, 0, sizeof(p));
		pcapsrc_pkt_init(&rec, 0, &p);
		decode_frame(rec.linktype, rec.data, rec.caplen, &p);
		n++;
	}
	if (pcapsrc_records(src) != n)
		abort();
out:
	pcapsrc_free(src);
	ctx_release(&ctx);
	return 0;
}
