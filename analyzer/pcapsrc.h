/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * pcapsrc.h - read capture files (pcap, pcap-ns, pcapng) through libpcap.
 *
 * Streams records; never holds more than the current one.  Counts every
 * record (the 0-based index is part of the report contract), reports
 * truncation and corruption with the record number, and exposes the pcapng
 * direction flag / Linux cooked packet type where the file has them.
 */
#ifndef CTEXPLAIN_PCAPSRC_H
#define CTEXPLAIN_PCAPSRC_H

#include <stdbool.h>
#include <stdint.h>

#include "ctx.h"
#include "decode.h"

struct pcapsrc;

struct pcap_rec {
	uint64_t index;		/* 0-based record number in the file */
	int64_t ts_sec;
	uint32_t ts_nsec;
	uint32_t caplen, wirelen;
	int linktype;		/* DLT_* of this record's interface */
	enum pkt_dir dir;	/* from pcapng epb_flags or SLL packet type */
	const uint8_t *data;	/* borrowed until the next pcapsrc_next() */
};

/* Is this the start of a pcap or pcapng file?  (magic numbers) */
bool pcapsrc_sniff(const uint8_t *buf, size_t len);

/* Open @path; on failure record the error in @ctx and return it (negative). */
int pcapsrc_open(struct run_ctx *ctx, const char *path, struct pcapsrc **out);

/*
 * Open a capture held in memory (@len bytes at @buf, named @name in
 * messages): the same reader, for fuzz targets and tests.  @buf must stay
 * valid and unchanged until pcapsrc_free().
 */
int pcapsrc_open_mem(struct run_ctx *ctx, const char *name, const uint8_t *buf, size_t len,
		     struct pcapsrc **out);

/*
 * Next record: 1 and *rec filled, 0 at a clean end of file, negative enum err
 * when the file is truncated or corrupt (recorded in ctx as
 * "PATH: record N: ..."); records before it were returned normally.
 */
int pcapsrc_next(struct pcapsrc *src, struct pcap_rec *rec);

/* "pcap", "pcap-ns" or "pcapng". */
const char *pcapsrc_format(const struct pcapsrc *src);
uint64_t pcapsrc_records(const struct pcapsrc *src);

/* Fill the capture-record part of @pkt (every member before `notes`) from
 * @rec, before decode_frame(), which sets all the others. */
void pcapsrc_pkt_init(const struct pcap_rec *rec, uint32_t file_id, struct pkt *pkt);

void pcapsrc_free(struct pcapsrc *src);

#endif
