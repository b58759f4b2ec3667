/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ctx.c - run context, error sink and notes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"

/* Hostile input could produce one note per packet: keep a bounded number. */
#define CTX_MSGS_MAX 10000

void
ctx_init(struct run_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

static void
msgs_release(struct ctx_msgs *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].text);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

void
ctx_release(struct run_ctx *ctx)
{
	msgs_release(&ctx->errors);
	msgs_release(&ctx->notes);
	ctx->worst = 0;
}

static void
msgs_addv(struct ctx_msgs *m, enum err code, const char *fmt, va_list ap)
{
	char *text = NULL;

	if (m->n >= CTX_MSGS_MAX || vasprintf(&text, fmt, ap) < 0) {
		m->dropped++;
		return;
	}
	if (m->n == m->alloc) {
		size_t na = m->alloc ? m->alloc * 2 : 16;
		struct ctx_msg *nv = xreallocarray(m->v, na, sizeof(*nv));

		if (!nv) {
			free(text);
			m->dropped++;
			return;
		}
		m->v = nv;
		m->alloc = na;
	}
	m->v[m->n].code = code;
	m->v[m->n].text = text;
	m->n++;
}

int
ctx_err(struct run_ctx *ctx, enum err code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msgs_addv(&ctx->errors, code, fmt, ap);
	va_end(ap);
	if (code < ctx->worst)
		ctx->worst = code;
	return code;
}

void
ctx_note(struct run_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msgs_addv(&ctx->notes, ERR_OK, fmt, ap);
	va_end(ap);
}

void *
xcalloc(size_t n, size_t size)
{
	return calloc(n, size);
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return realloc(p, n * size);
}

char *
xstrndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}
