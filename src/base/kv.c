/* kv.c: ordered name/value lists. */
#include "kv.h"

#include <string.h>

void kv_init(kv *l, arena *a)
{
	*l = (kv){.arena = a};
}

void kv_add(kv *l, const char *name, const char *value, size_t value_len)
{
	if (l->len == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		kv_pair *items = arena_array(l->arena, cap, sizeof *items);
		if (l->len)
			memcpy(items, l->items, l->len * sizeof *items);
		l->items = items;
		l->cap = cap;
	}
	l->items[l->len++] = (kv_pair){name, value, value_len};
}

const char *kv_get(const kv *l, const char *name)
{
	for (size_t i = 0; l && i < l->len; i++)
		if (!strcmp(l->items[i].name, name))
			return l->items[i].value;
	return NULL;
}

const char **kv_get_all(const kv *l, const char *name, size_t *count)
{
	size_t n = 0;
	for (size_t i = 0; l && i < l->len; i++)
		n += !strcmp(l->items[i].name, name);
	const char **out = arena_array(l->arena, n + 1, sizeof *out);
	n = 0;
	for (size_t i = 0; l && i < l->len; i++)
		if (!strcmp(l->items[i].name, name))
			out[n++] = l->items[i].value;
	if (count)
		*count = n;
	return out;
}
