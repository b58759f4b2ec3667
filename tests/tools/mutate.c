/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * mutate - write a damaged copy of a file, deterministically, for the
 * hostile-input tests of the whole pipeline:
 *
 *   mutate SEED COUNT IN OUT
 *
 * COUNT edits chosen by a xorshift generator seeded with SEED: overwrite a
 * byte with a random one, with 0x00/0xff, or with a boundary value of a
 * 16/32-bit field; or cut the file short.  Same arguments, same output.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state;

static uint64_t
next(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static int
parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || !*s || *end ? -1 : 0;
}

int
main(int argc, char **argv)
{
	uint64_t seed, count;
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *f;

	if (argc != 5 || parse_u64(argv[1], &seed) < 0 || parse_u64(argv[2], &count) < 0) {
		fputs("usage: mutate SEED COUNT IN OUT\n", stderr);
		return 2;
	}
	f = fopen(argv[3], "rb");
	if (!f) {
		perror(argv[3]);
		return 2;
	}
	for (;;) {
		if (len == cap) {
			unsigned char *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				fclose(f);
				free(buf);
				return 2;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	state = seed * 0x9e3779b97f4a7c15ull + 1;
	for (uint64_t i = 0; i < count && len > 0; i++) {
		size_t at = (size_t)(next() % len);

		switch (next() % 8) {
		case 0:
			len = at;	/* cut */
			break;
		case 1:
			buf[at] = 0x00;
			break;
		case 2:
			buf[at] = 0xff;
			break;
		case 3:
			if (at + 1 < len) {
				buf[at] = 0xff;
				buf[at + 1] = 0xff;
			}
			break;
		case 4:
			if (at + 3 < len)
				memset(buf + at, 0, 4);
			break;
		default:
			buf[at] = (unsigned char)next();
			break;
		}
	}
	f = fopen(argv[4], "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		perror(argv[4]);
		free(buf);
		return 2;
	}
	free(buf);
	return 0;
}
