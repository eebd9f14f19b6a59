/* arena.c: a chain of blocks; big requests get a block of their own. */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_BLOCK = 16 * 1024, ARENA_ALIGN = 16 };

struct block {
	struct block *next;
	size_t size, used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct block *head;
	size_t total;
};

static void *must(void *p)
{
	if (!p) {
		fputs("citkit: out of memory\n", stderr);
		abort();
	}
	return p;
}

arena *arena_new(void)
{
	return must(calloc(1, sizeof(arena)));
}

void arena_free(arena *a)
{
	if (!a)
		return;
	struct block *b = a->head;
	while (b) {
		struct block *next = b->next;
		free(b);
		b = next;
	}
	free(a);
}

void *arena_alloc_raw(arena *a, size_t size)
{
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need < size)
		must(NULL);
	struct block *b = a->head;
	if (!b || b->size - b->used < need) {
		size_t cap = need > ARENA_BLOCK ? need : ARENA_BLOCK;
		b = must(malloc(sizeof(struct block) + cap));
		b->size = cap;
		b->used = 0;
		if (a->head && need > ARENA_BLOCK) {
			/* Keep the partly used head block current. */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = b->data + b->used;
	b->used += need;
	a->total += size;
	return p;
}

void *arena_alloc(arena *a, size_t size)
{
	void *p = arena_alloc_raw(a, size);
	memset(p, 0, size);
	return p;
}

void *arena_array(arena *a, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		must(NULL);
	return arena_alloc(a, count * size);
}

void *arena_memdup(arena *a, const void *p, size_t n)
{
	char *d = arena_alloc_raw(a, n + 1);
	if (n)
		memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
	/* Like strndup: n is a maximum; callers pass limits (USER_AGENT_MAX,
	 * EMAIL_MAX + 1) longer than the string, which must not be read past
	 * its end. */
	return arena_memdup(a, s, strnlen(s, n));
}

char *arena_strdup(arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return arena_strdup(a, "");
	char *s = arena_alloc(a, (size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return s;
}

size_t arena_used(const arena *a)
{
	return a->total;
}
