/* buf.c: growable byte strings, doubling so appends are amortised O(1). */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(buf *b, arena *a)
{
	*b = (buf){.arena = a};
}

void buf_free(buf *b)
{
	if (!b->arena)
		free(b->data);
	*b = (buf){.arena = b->arena};
}

void buf_reset(buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* The slow path of every append: called only when the bytes do not fit. */
void buf_grow(buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	if (b->arena) {
		char *p = arena_alloc_raw(b->arena, cap);
		if (b->len)
			memcpy(p, b->data, b->len);
		b->data = p;
	} else {
		char *p = realloc(b->data, cap);
		if (!p) {
			fputs("citkit: out of memory\n", stderr);
			abort();
		}
		b->data = p;
	}
	b->cap = cap;
}

void buf_reserve(buf *b, size_t n)
{
	buf_grow(b, n);
}

void buf_append(buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap)
		buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_puts(buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_vprintf(buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n <= 0)
		return;
	buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

const char *buf_str(const buf *b)
{
	return b->data ? b->data : "";
}
