/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * util-cursor.h - a bounded reader over untrusted bytes.
 *
 * A cursor is a pointer and the number of bytes that may still be read from
 * it.  Every getter checks `need <= left` before touching memory, returns 0
 * and advances on success, and returns -1 without moving (and without
 * writing *v) when the bytes are not there.  Multi-byte values are assembled
 * byte by byte, so packet memory is never cast to a wider type and alignment
 * does not matter (tcpdump's GET_ macros / nd_* rationale, without longjmp).
 *
 *	struct cursor c, opts;
 *	cur_init(&c, data, caplen);
 *	if (cur_skip(&c, 12) < 0 || cur_get_be16(&c, &ethertype) < 0)
 *		goto trunc;
 *	if (cur_sub(&c, optlen, &opts) < 0)	// carve a bounded sub-cursor
 *		goto trunc;
 *
 * The cursor borrows the bytes; it owns nothing and needs no release.
 */
#ifndef CTEXPLAIN_UTIL_CURSOR_H
#define CTEXPLAIN_UTIL_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t *p;	/* next byte to read */
	size_t left;		/* bytes readable from p */
};

static inline void
cur_init(struct cursor *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->left = p ? len : 0;
}

/* Are @n more bytes readable? */
static inline bool
cur_has(const struct cursor *c, size_t n)
{
	return n <= c->left;
}

static inline int
cur_skip(struct cursor *c, size_t n)
{
	if (!(n <= c->left))
		return -1;
	c->p += n;
	c->left -= n;
	return 0;
}

static inline int
cur_get_u8(struct cursor *c, uint8_t *v)
{
	if (!(1 <= c->left))
		return -1;
	*v = c->p[0];
	c->p++;
	c->left--;
	return 0;
}

static inline int
cur_get_be16(struct cursor *c, uint16_t *v)
{
	if (!(2 <= c->left))
		return -1;
	*v = (uint16_t)((unsigned)c->p[0] << 8 | c->p[1]);
	c->p += 2;
	c->left -= 2;
	return 0;
}

static inline int
cur_get_be32(struct cursor *c, uint32_t *v)
{
	if (!(4 <= c->left))
		return -1;
	*v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 |
	     (uint32_t)c->p[2] << 8 | c->p[3];
	c->p += 4;
	c->left -= 4;
	return 0;
}

static inline int
cur_get_le16(struct cursor *c, uint16_t *v)
{
	if (!(2 <= c->left))
		return -1;
	*v = (uint16_t)((unsigned)c->p[1] << 8 | c->p[0]);
	c->p += 2;
	c->left -= 2;
	return 0;
}

static inline int
cur_get_le32(struct cursor *c, uint32_t *v)
{
	if (!(4 <= c->left))
		return -1;
	*v = (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 |
	     (uint32_t)c->p[1] << 8 | c->p[0];
	c->p += 4;
	c->left -= 4;
	return 0;
}

/* Copy @n bytes out. */
static inline int
cur_get_bytes(struct cursor *c, void *dst, size_t n)
{
	if (!(n <= c->left))
		return -1;
	if (n)
		memcpy(dst, c->p, n);
	c->p += n;
	c->left -= n;
	return 0;
}

/* Read the byte at @off from the current position without advancing. */
static inline int
cur_peek_u8(const struct cursor *c, size_t off, uint8_t *v)
{
	if (!(off < c->left))
		return -1;
	*v = c->p[off];
	return 0;
}

/*
 * Carve the next @n bytes into @sub (a cursor bounded to exactly those
 * bytes) and advance @c past them.  -1 (nothing changed) if fewer remain.
 */
static inline int
cur_sub(struct cursor *c, size_t n, struct cursor *sub)
{
	if (!(n <= c->left))
		return -1;
	sub->p = c->p;
	sub->left = n;
	c->p += n;
	c->left -= n;
	return 0;
}

#endif
