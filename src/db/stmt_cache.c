/* stmt_cache.c: each connection's prepared statements, keyed by their SQL
 * text. Statements are string literals, but two literals with the same text
 * need not share an address, so the key is the text (FNV-1a hash, then a
 * full compare). Entries are only ever added; the table goes away with the
 * connection. */
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "db_internal.h"

static uint64_t hash_sql(const char *s)
{
	uint64_t h = 14695981039346656037ULL;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The slot holding sql, or the empty slot where it would go. */
static struct stmt_cache_slot *probe(const struct stmt_cache *c, uint64_t h, const char *sql)
{
	size_t mask = c->cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct stmt_cache_slot *slot = &c->slots[i];
		if (!slot->stmt)
			return slot;
		if (slot->hash == h && strcmp(slot->stmt->sql, sql) == 0)
			return slot;
	}
}

db_stmt *stmt_cache_find(const struct stmt_cache *c, const char *sql)
{
	if (c->cap == 0)
		return NULL;
	return probe(c, hash_sql(sql), sql)->stmt;
}

static int grow(struct stmt_cache *c)
{
	size_t cap = c->cap ? c->cap * 2 : 32;
	struct stmt_cache_slot *old = c->slots;
	size_t old_cap = c->cap;
	c->slots = calloc(cap, sizeof *c->slots);
	if (!c->slots) {
		c->slots = old;
		return CK_E_INTERNAL;
	}
	c->cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].stmt)
			*probe(c, old[i].hash, old[i].stmt->sql) = old[i];
	free(old);
	return 0;
}

int stmt_cache_add(struct stmt_cache *c, db_stmt *s)
{
	/* Keep the table at most 3/4 full so probes stay short. */
	if ((c->count + 1) * 4 > c->cap * 3) {
		int rc = grow(c);
		if (rc < 0)
			return rc;
	}
	uint64_t h = hash_sql(s->sql);
	struct stmt_cache_slot *slot = probe(c, h, s->sql);
	if (slot->stmt)
		return CK_E_CONFLICT;
	slot->hash = h;
	slot->stmt = s;
	c->count++;
	return 0;
}

void stmt_cache_clear(struct stmt_cache *c, void (*free_fn)(db_stmt *s))
{
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i].stmt)
			free_fn(c->slots[i].stmt);
	free(c->slots);
	c->slots = NULL;
	c->cap = c->count = 0;
}
