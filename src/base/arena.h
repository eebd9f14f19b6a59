/* arena.h: region allocator. One arena per request (or per CLI command);
 * everything allocated from it is released by one arena_free. Allocation
 * never fails from the caller's point of view: out of memory aborts,
 * because a half-built response is worse than a restarted worker. */
#ifndef CITKIT_ARENA_H
#define CITKIT_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena;

arena *arena_new(void);
void arena_free(arena *a);

/* Zeroed memory, aligned for any type. */
void *arena_alloc(arena *a, size_t size);
void *arena_array(arena *a, size_t count, size_t size);
/* Not zeroed: for memory the caller fills at once (buffer growth). */
void *arena_alloc_raw(arena *a, size_t size);
char *arena_strdup(arena *a, const char *s);
/* At most n bytes of s, stopping at its NUL; always NUL-terminated. */
char *arena_strndup(arena *a, const char *s, size_t n);
void *arena_memdup(arena *a, const void *p, size_t n);
char *arena_printf(arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Bytes handed out so far (for limits and tests). */
size_t arena_used(const arena *a);

#endif
