/* kv.h: an ordered list of name/value pairs: a decoded query string, a
 * form body, or a flat JSON object. Repeated names are kept (a multi-select
 * sends "role" once per choice). Memory comes from the arena. */
#ifndef CITKIT_KV_H
#define CITKIT_KV_H

#include <stddef.h>

#include "arena.h"

typedef struct kv_pair {
	const char *name, *value;
	size_t value_len; /* values may hold NUL bytes (uploads) */
} kv_pair;

typedef struct kv {
	kv_pair *items;
	size_t len, cap;
	arena *arena;
} kv;

void kv_init(kv *l, arena *a);
void kv_add(kv *l, const char *name, const char *value, size_t value_len);
/* First value for name, or NULL. */
const char *kv_get(const kv *l, const char *name);
/* Every value for name, NULL-terminated, from the arena. */
const char **kv_get_all(const kv *l, const char *name, size_t *count);

#endif
