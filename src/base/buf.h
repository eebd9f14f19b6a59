/* buf.h: a growable byte string. With an arena its memory belongs to the
 * arena (nothing to free); without one it lives on the heap until
 * buf_free. The contents are always NUL-terminated. */
#ifndef CITKIT_BUF_H
#define CITKIT_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "arena.h"

typedef struct buf {
	char *data;
	size_t len, cap;
	arena *arena;
} buf;

void buf_init(buf *b, arena *a);
void buf_free(buf *b);
void buf_reset(buf *b);
/* Room for n more bytes without another allocation (a response whose
 * size is roughly known up front). */
void buf_reserve(buf *b, size_t n);
void buf_append(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
/* The slow path of appending: makes room for extra more bytes. */
void buf_grow(buf *b, size_t extra);

/* One byte; inline because JSON and HTML writers call it per character. */
static inline void buf_putc(buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
void buf_printf(buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* The contents; "" for an empty buffer, never NULL. */
const char *buf_str(const buf *b);

#endif
