/* db.h: the one database interface. Two drivers sit behind it, SQLite
 * (sqlite.c) and PostgreSQL (postgres.c); services write one SQL dialect
 * with $1, $2 … parameters, RETURNING, ON CONFLICT and integer epoch
 * times, and ask db_dialect() only where the engines truly differ.
 *
 * A connection belongs to one thread. db_thread() hands each server worker
 * its own connection, opened on first use. Statements are prepared once
 * per connection and cached by their SQL text.
 *
 * Results follow one convention: negative = error (CK_E_…), 0 = done /
 * no row, positive = a row (DB_ROW) or a count. */
#ifndef CITKIT_DB_H
#define CITKIT_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"

typedef struct db db;
typedef struct db_stmt db_stmt;

typedef enum db_dialect { DB_SQLITE, DB_POSTGRES } db_dialect;

typedef struct db_options {
	/* SQLite: "FULL" (default, survives power loss) or "NORMAL". */
	const char *sqlite_synchronous;
	/* Milliseconds to wait on a locked database before CK_E_BUSY
	 * (PostgreSQL: lock_timeout). 0: SQLite waits 5 s, PostgreSQL as long
	 * as it takes (the server breaks deadlocks itself). */
	int busy_timeout_ms;
} db_options;

enum { DB_ROW = 1, DB_DONE = 0 };

/* url: a file path (SQLite) or postgres:// / postgresql:// URL. err gets a
 * one-line reason on failure. */
int db_open(const char *url, const db_options *opt, db **out, char *err, size_t errlen);
void db_close(db *d);
db_dialect db_dialect_of(const db *d);
bool db_is_postgres_url(const char *url);

/* Runs one or more statements without parameters (schema scripts). */
int db_exec(db *d, const char *sql);

/* A cached prepared statement for sql, which must outlive the connection
 * (a literal). Bind, step, then db_finish to return it to the cache. */
int db_prepare(db *d, const char *sql, db_stmt **out);
void db_bind_int(db_stmt *s, int index, int64_t v);        /* index 1 = $1 */
void db_bind_text(db_stmt *s, int index, const char *v);   /* NULL binds SQL NULL */
void db_bind_blob(db_stmt *s, int index, const void *p, size_t n);
void db_bind_null(db_stmt *s, int index);
void db_bind_bool(db_stmt *s, int index, bool v);          /* as integer 0/1 */
/* DB_ROW, DB_DONE, or negative error. */
int db_step(db_stmt *s);
int64_t db_col_int(db_stmt *s, int col);                   /* col 0 = first */
const char *db_col_text(db_stmt *s, int col);              /* NULL for SQL NULL; valid until next step */
/* The column's text copied into a, "" for SQL NULL: what a service keeps
 * of a row after the next step. */
const char *db_col_dup(arena *a, db_stmt *s, int col);
const void *db_col_blob(db_stmt *s, int col, size_t *len);
bool db_col_is_null(db_stmt *s, int col);
int db_col_count(db_stmt *s);
/* Rows changed by the last step of an INSERT/UPDATE/DELETE. */
int64_t db_changes(db_stmt *s);
void db_finish(db_stmt *s);

/* One-shot helpers. types has one letter per parameter: i int64_t,
 * t const char * (NULL = SQL NULL), b bool (passed as int), n null.
 * db_run returns the number of changed rows (>= 0) or an error.
 * db_query_int returns DB_ROW with *out set, DB_DONE, or an error. */
int db_run(db *d, const char *sql, const char *types, ...);
int db_query_int(db *d, int64_t *out, const char *sql, const char *types, ...);

/* The transaction runner. Runs fn inside BEGIN … COMMIT (BEGIN IMMEDIATE
 * on SQLite); fn returns 0 to commit or a negative error to roll back.
 * Retries the whole of fn on SQLITE_BUSY or a PostgreSQL serialization
 * failure / deadlock, a few times with a short backoff. */
enum { DB_TX_ATTEMPTS = 6 }; /* the first try and up to five retries */
typedef int (*db_tx_fn)(db *d, void *ctx);
int db_tx(db *d, db_tx_fn fn, void *ctx);
bool db_in_tx(const db *d);
/* How many times db_tx has retried on this connection (for /metrics). */
int64_t db_tx_retries(const db *d);

/* The end-of-request check (cf. GNU Taler): a connection must come back
 * with no transaction open and every statement finished. Anything left is
 * rolled back / reset and logged, and CK_E_INTERNAL returned; 0 when the
 * connection was clean. db_close runs it too. */
int db_check_idle(db *d);

/* Seconds spent in the database, on this connection and by the whole
 * process, for /metrics. */
double db_busy_seconds(const db *d);
double db_total_busy_seconds(void);

/* Per-thread connections for the server: db_thread_setup once at start,
 * then db_thread() in any thread. Returns NULL (and logs) when the database
 * cannot be opened. Closed when the thread exits. */
int db_thread_setup(const char *url, const db_options *opt);
db *db_thread(void);
void db_thread_teardown(void);

/* migrate.c: applies the embedded numbered migrations of the connection's
 * dialect, each in a transaction, recorded in schema_migrations. Refuses
 * (CK_E_CONFLICT) a database newer than this binary. */
int db_migrate(db *d, char *err, size_t errlen);
int db_schema_version(db *d, int64_t *version);
int db_latest_version(void);

/* sqlite.c: consistent copy of a live SQLite database (online backup API). */
int db_sqlite_backup(db *d, const char *dest_path, char *err, size_t errlen);

/* Cross-process wake-ups (the live event bus, src/web/sse.h). Call inside
 * the transaction that stored the events: PostgreSQL sends
 * pg_notify('citkit_events', channel), delivered to every listener when
 * the transaction commits and dropped if it rolls back; SQLite (one
 * process) does nothing. 0 or a negative error. */
enum { DB_NOTIFY_MAX = 7999 }; /* PostgreSQL's payload limit, in bytes */
#define DB_NOTIFY_CHANNEL "citkit_events"
int db_notify(db *d, const char *channel);

/* listen.c: the receiving end, for `citkit serve` on PostgreSQL. Connects
 * to pg_url (its own connection, not a db), runs LISTEN citkit_events, and
 * from a thread of its own calls on_notify(channel) for each notification.
 * When the connection is lost it reconnects (pausing 0.1 s, doubling to
 * 5 s) and then calls on_notify(NULL): "notifications may have been
 * missed, wake everything". 0, or CK_E_DB (err says why) when the first
 * connection fails, CK_E_INVALID when already running. One listener per
 * process; db_listen_stop ends it and waits for its thread (no callback
 * runs after it returns). */
int db_listen_start(const char *pg_url, void (*on_notify)(const char *payload), char *err,
                    size_t errlen);
void db_listen_stop(void);

/* Last error text of the connection, for logs (never shown to users). */
const char *db_errmsg(const db *d);

#endif
