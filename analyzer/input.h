/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * input.h - turn the PATH arguments into the list of input files and their
 * kinds.
 *
 * Each PATH is a file or a bundle directory.  Directories are walked
 * recursively in byte order of the names (deterministic), skipping hidden
 * entries, the expected/ directories of sample bundles and the files that
 * describe a bundle rather than hold evidence (kernel.tsv, README, KERNEL,
 * meta.json, bundle.json, *.md) and not following symbolic links to
 * directories.  A file named on the command line is never skipped.  The kind of every file is recognised from its first bytes:
 * pcap/pcapng magic (pcapsrc_sniff), a sysctl dump (ct_policy_sniff_sysctl),
 * a kernel log format (logsrc_sniff), a conntrack-tools listing, in that
 * order.
 *
 * Errors (a missing PATH, an unreadable file, a file of no known kind) are
 * recorded in the run context with the file name (exit status 3) and the
 * file is left out; the rest is still listed.  Compressed files (gzip, xz,
 * zstd, bzip2, lz4) are named as such: decompress them first.
 */
#ifndef CTEXPLAIN_INPUT_H
#define CTEXPLAIN_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "logsrc.h"

enum input_kind {
	INPUT_LOG = 0,
	INPUT_CAPTURE,
	INPUT_SYSCTL,
	INPUT_EMPTY,		/* a zero-length file: listed, nothing to read */
	INPUT_CONNTRACK,	/* a `conntrack -L` listing: listed, not used yet */
};

struct input_file {
	char *path;			/* as given / joined with '/', owned */
	enum input_kind kind;
	enum logsrc_format log_format;	/* for INPUT_LOG */
};

/* The list; init with input_list_init(), free with input_list_release(). */
struct input_list {
	struct input_file *v;
	size_t n, alloc;
};

void input_list_init(struct input_list *l);
void input_list_release(struct input_list *l);

/*
 * Append the input files found under @paths[0..n-1] to @l, in argument
 * order, each directory's content sorted.  Returns 0, or the most severe
 * negative enum err recorded in @ctx (the files that could be recognised are
 * listed all the same).  Out of memory stops the walk (ERR_NOMEM).
 */
int input_collect(struct run_ctx *ctx, char *const *paths, size_t n, struct input_list *l);

/* "log", "capture", "sysctl", "conntrack" (INPUT_EMPTY is reported as "log"). */
const char *input_kind_name(enum input_kind k);

/* Is this the start of a `conntrack -L` / `conntrack -L -o extended` listing? */
int input_sniff_conntrack(const uint8_t *buf, size_t len);

/*
 * Is @name (a directory entry, no '/') skipped when met inside a bundle
 * directory?  @is_dir: the entry is a directory.
 */
int input_is_skipped(const char *name, int is_dir);

#endif
