/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * reasons.c - tables expanded from reasons.def.
 */
#include <string.h>

#include "reasons.h"

static const struct {
	const char *code;
	int proto;
	enum ct_verdict verdict;
} reason_table[REASON__COUNT] = {
#define REASON(id, c, p, v) [REASON_##id] = { c, p, v },
#include "reasons.def"
#undef REASON
};

const char *
reason_code(enum reason r)
{
	if ((unsigned)r >= REASON__COUNT)
		return reason_table[REASON_UNRECOGNIZED].code;
	return reason_table[r].code;
}

int
reason_proto(enum reason r)
{
	if ((unsigned)r >= REASON__COUNT)
		return 0;
	return reason_table[r].proto;
}

enum ct_verdict
reason_default_verdict(enum reason r)
{
	if ((unsigned)r >= REASON__COUNT)
		return CT_INVALID;
	return reason_table[r].verdict;
}

int
reason_from_code(const char *code, enum reason *out)
{
	for (unsigned i = 0; i < REASON__COUNT; i++) {
		if (strcmp(reason_table[i].code, code) == 0) {
			*out = (enum reason)i;
			return 0;
		}
	}
	return -1;
}

const char *
ct_verdict_name(enum ct_verdict v)
{
	switch (v) {
	case CT_IGNORE:
		return "ignored";
	case CT_INVALID:
		return "invalid";
	case CT_ACCEPT:
	default:
		return "accept";
	}
}
