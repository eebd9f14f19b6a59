/* db_internal.h: what the two drivers (sqlite.c, postgres.c) share with the
 * dispatch layer (db.c, tx.c, stmt_cache.c). Each driver fills one
 * struct db_driver; its connection and statement structs begin with the
 * common struct db / struct db_stmt heads below, so the dispatch layer can
 * keep the statement cache, transaction depth and timings in one place. */
#ifndef CITKIT_DB_INTERNAL_H
#define CITKIT_DB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

enum { DB_ERRMSG_LEN = 512 };

/* One bound parameter value, as the drivers receive it. */
enum db_value_type { DB_V_NULL, DB_V_INT, DB_V_TEXT, DB_V_BLOB };
struct db_value {
	enum db_value_type type;
	int64_t i;
	const char *text;
	const void *blob;
	size_t len;
};

/* Open-addressing hash table of prepared statements keyed by SQL text. */
struct stmt_cache_slot {
	uint64_t hash;
	db_stmt *stmt; /* NULL = empty slot */
};
struct stmt_cache {
	struct stmt_cache_slot *slots;
	size_t cap, count; /* cap is 0 or a power of two */
};

struct db_driver {
	const char *name;
	db_dialect dialect;
	const char *begin_sql; /* what db_tx starts a transaction with */
	int (*open)(const char *url, const db_options *opt, db **out, char *err, size_t errlen);
	void (*close)(db *d);
	int (*exec)(db *d, const char *sql);
	bool (*in_tx)(const db *d);
	/* A new, uncached statement; the dispatch layer caches it. */
	int (*prepare)(db *d, const char *sql, db_stmt **out);
	void (*stmt_free)(db_stmt *s);
	/* Forget bindings and any pending result, ready for the next use. */
	void (*reset)(db_stmt *s);
	int (*bind)(db_stmt *s, int index, const struct db_value *v);
	int (*step)(db_stmt *s);
	int64_t (*col_int)(db_stmt *s, int col);
	const char *(*col_text)(db_stmt *s, int col);
	const void *(*col_blob)(db_stmt *s, int col, size_t *len);
	bool (*col_is_null)(db_stmt *s, int col);
	int (*col_count)(db_stmt *s);
};

/* The head of every connection. */
struct db {
	const struct db_driver *drv;
	struct stmt_cache cache;
	int tx_depth;       /* > 0 while db_tx runs its fn */
	int64_t busy_us;    /* time spent in step/exec on this connection */
	int64_t tx_retries; /* retries db_tx made on this connection */
	char errmsg[DB_ERRMSG_LEN];
};

/* The head of every statement. */
struct db_stmt {
	db *d;
	const char *sql;
	bool is_cached;  /* lives in d->cache; else freed by db_finish */
	bool in_use;     /* handed out by db_prepare, not yet finished */
	int bind_rc;     /* first failed bind, reported by the next step */
	int64_t changes; /* set by the driver when a step completes */
};

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_postgres_driver;

/* Records the connection's last error (for db_errmsg and the logs). */
void db_set_error(db *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* stmt_cache.c */
db_stmt *stmt_cache_find(const struct stmt_cache *c, const char *sql);
int stmt_cache_add(struct stmt_cache *c, db_stmt *s);
/* Frees every cached statement with free_fn and the table itself. */
void stmt_cache_clear(struct stmt_cache *c, void (*free_fn)(db_stmt *s));

/* tx.c: db_tx with another way to start the transaction (migrate.c). */
int db_tx_as(db *d, const char *begin_sql, db_tx_fn fn, void *ctx);

/* tx.c: called by db_close (and db_check_idle) on a connection that is
 * still inside a transaction; rolls it back and says so in the log. */
int db_rollback_leftover(db *d, const char *where);

#endif
