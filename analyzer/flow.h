/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * flow.h - the conntrack table: entries (struct ct_conn, ct-proto.h) keyed
 * by both of their tuples, like the kernel's nf_conntrack_hash with its two
 * tuplehash nodes per entry.
 *
 * Besides the hash the table keeps
 *   - a min-heap on expires_ns, so entries expire exactly when packet time
 *     passes their timeout and memory stays proportional to live entries
 *     (a capture of millions of one-packet flows stays bounded);
 *   - a list of early-drop candidates (entries the kernel's early_drop() may
 *     evict when nf_conntrack_max is reached: not ASSURED, or TCP in a
 *     closing state), oldest first.
 *
 * Ownership: the table owns the entries inserted into it; flow_table_free()
 * frees them.  flow_table_remove() unlinks an entry and gives it back to the
 * caller (who frees it with free()).
 */
#ifndef CTEXPLAIN_FLOW_H
#define CTEXPLAIN_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ct-proto.h"

struct flow_table;

/* Empty table.  NULL on out-of-memory. */
struct flow_table *flow_table_new(void);

/* Free the table and every entry still in it.  NULL is fine. */
void flow_table_free(struct flow_table *ft);

/* Hash of a tuple (deterministic). */
uint64_t flow_tuple_hash(const struct ct_tuple *t);
bool flow_tuple_equal(const struct ct_tuple *a, const struct ct_tuple *b);

/* The entry holding @t as its ORIGINAL (*dir = 0) or REPLY (*dir = 1)
 * tuple; NULL when none.  Expiry is not checked here (see flow_table_pop_expired). */
struct ct_conn *flow_table_find(const struct flow_table *ft, const struct ct_tuple *t, int *dir);

/* Insert @c (both tuples, the expiry heap, the drop list when droppable).
 * 0, or -1 on out-of-memory (then @c is not in the table). */
int flow_table_insert(struct flow_table *ft, struct ct_conn *c);

/* Unlink @c from the table; the caller owns it again. */
void flow_table_remove(struct flow_table *ft, struct ct_conn *c);

/* Tell the table that @c's expires_ns, assured flag or TCP state changed. */
void flow_table_update(struct flow_table *ft, struct ct_conn *c);

/* Unlink and return one entry with expires_ns <= @now (the earliest), or
 * NULL.  Call in a loop to reclaim everything expired by @now. */
struct ct_conn *flow_table_pop_expired(struct flow_table *ft, int64_t now);

/* The entry early drop would evict (oldest candidate), or NULL. */
struct ct_conn *flow_table_drop_candidate(const struct flow_table *ft);

/* Can the kernel's early_drop() evict @c? (!ASSURED, or TCP closing) */
bool flow_conn_droppable(const struct ct_conn *c);

size_t flow_table_count(const struct flow_table *ft);

/* Bytes held by the table and its entries (for the bytes-per-flow figure). */
size_t flow_table_mem(const struct flow_table *ft);

#endif
