/* db.c: the dispatch layer of the database interface (db.h). Picks the
 * driver from the URL, hands out cached prepared statements, turns binds
 * into driver calls, measures time spent in the database, and offers the
 * one-shot helpers db_run / db_query_int. Transactions live in tx.c,
 * per-thread connections in thread.c. */
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/errors.h"
#include "base/log.h"
#include "db_internal.h"

/* Microseconds spent in the database by every connection of the process,
 * read by /metrics while workers add to it. */
static _Atomic int_least64_t total_busy_us;

bool db_is_postgres_url(const char *url)
{
	return url &&
	       (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0);
}

int db_open(const char *url, const db_options *opt, db **out, char *err, size_t errlen)
{
	static const db_options defaults = {0};
	*out = NULL;
	if (errlen > 0)
		err[0] = '\0';
	if (!url || !*url) {
		if (errlen > 0)
			snprintf(err, errlen, "no database given");
		return CK_E_INVALID;
	}
	const struct db_driver *drv =
	    db_is_postgres_url(url) ? &db_postgres_driver : &db_sqlite_driver;
	return drv->open(url, opt ? opt : &defaults, out, err, errlen);
}

void db_close(db *d)
{
	if (!d)
		return;
	db_check_idle(d);
	stmt_cache_clear(&d->cache, d->drv->stmt_free);
	d->drv->close(d);
}

db_dialect db_dialect_of(const db *d)
{
	return d->drv->dialect;
}

const char *db_errmsg(const db *d)
{
	return d ? d->errmsg : "no database connection";
}

void db_set_error(db *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->errmsg, sizeof d->errmsg, fmt, ap);
	va_end(ap);
}

static void add_busy(db *d, int64_t start_us)
{
	int64_t spent = clock_mono_us() - start_us;
	d->busy_us += spent;
	atomic_fetch_add_explicit(&total_busy_us, spent, memory_order_relaxed);
}

double db_busy_seconds(const db *d)
{
	return (double)d->busy_us / 1e6;
}

double db_total_busy_seconds(void)
{
	return (double)atomic_load_explicit(&total_busy_us, memory_order_relaxed) / 1e6;
}

int db_exec(db *d, const char *sql)
{
	int64_t start = clock_mono_us();
	int rc = d->drv->exec(d, sql);
	add_busy(d, start);
	return rc;
}

/* A fresh statement from the driver, cached unless the cached twin is
 * still in use (a statement re-entered while its rows are being read). */
static int prepare_new(db *d, const char *sql, bool is_twin_busy, db_stmt **out)
{
	int64_t start = clock_mono_us();
	db_stmt *s = NULL;
	int rc = d->drv->prepare(d, sql, &s);
	add_busy(d, start);
	if (rc < 0)
		return rc;
	s->d = d;
	s->sql = sql;
	s->is_cached = !is_twin_busy && stmt_cache_add(&d->cache, s) == 0;
	*out = s;
	return 0;
}

int db_prepare(db *d, const char *sql, db_stmt **out)
{
	*out = NULL;
	db_stmt *s = stmt_cache_find(&d->cache, sql);
	if (!s || s->in_use) {
		int rc = prepare_new(d, sql, s != NULL, &s);
		if (rc < 0)
			return rc;
	}
	s->in_use = true;
	s->bind_rc = 0;
	s->changes = 0;
	*out = s;
	return 0;
}

void db_finish(db_stmt *s)
{
	if (!s || !s->in_use)
		return;
	s->d->drv->reset(s);
	s->in_use = false;
	if (!s->is_cached)
		s->d->drv->stmt_free(s);
}

static void bind_value(db_stmt *s, int index, const struct db_value *v)
{
	if (s->bind_rc < 0)
		return;
	if (index < 1) {
		db_set_error(s->d, "bind index %d out of range in: %s", index, s->sql);
		s->bind_rc = CK_E_INTERNAL;
		return;
	}
	int rc = s->d->drv->bind(s, index, v);
	if (rc < 0)
		s->bind_rc = rc;
}

void db_bind_int(db_stmt *s, int index, int64_t v)
{
	bind_value(s, index, &(struct db_value){.type = DB_V_INT, .i = v});
}

void db_bind_text(db_stmt *s, int index, const char *v)
{
	struct db_value val = {.type = v ? DB_V_TEXT : DB_V_NULL, .text = v};
	bind_value(s, index, &val);
}

void db_bind_blob(db_stmt *s, int index, const void *p, size_t n)
{
	bind_value(s, index, &(struct db_value){.type = DB_V_BLOB, .blob = p, .len = n});
}

void db_bind_null(db_stmt *s, int index)
{
	bind_value(s, index, &(struct db_value){.type = DB_V_NULL});
}

void db_bind_bool(db_stmt *s, int index, bool v)
{
	bind_value(s, index, &(struct db_value){.type = DB_V_INT, .i = v ? 1 : 0});
}

int db_step(db_stmt *s)
{
	/* A failed bind is a programming error; running the statement with a
	 * parameter missing would only hide it. */
	if (s->bind_rc < 0)
		return s->bind_rc;
	int64_t start = clock_mono_us();
	int rc = s->d->drv->step(s);
	add_busy(s->d, start);
	return rc;
}

int64_t db_col_int(db_stmt *s, int col)
{
	return s->d->drv->col_int(s, col);
}

const char *db_col_text(db_stmt *s, int col)
{
	return s->d->drv->col_text(s, col);
}

const char *db_col_dup(arena *a, db_stmt *s, int col)
{
	const char *t = db_col_text(s, col);
	return arena_strdup(a, t ? t : "");
}

const void *db_col_blob(db_stmt *s, int col, size_t *len)
{
	return s->d->drv->col_blob(s, col, len);
}

bool db_col_is_null(db_stmt *s, int col)
{
	return s->d->drv->col_is_null(s, col);
}

int db_col_count(db_stmt *s)
{
	return s->d->drv->col_count(s);
}

int64_t db_changes(db_stmt *s)
{
	return s->changes;
}

/* Binds the variadic parameters of db_run / db_query_int, one per letter
 * of types (see db.h). */
static void bind_va(db_stmt *s, const char *types, va_list ap)
{
	for (int i = 0; types && types[i]; i++) {
		switch (types[i]) {
		case 'i': db_bind_int(s, i + 1, va_arg(ap, int64_t)); break;
		case 't': db_bind_text(s, i + 1, va_arg(ap, const char *)); break;
		case 'b': db_bind_bool(s, i + 1, va_arg(ap, int) != 0); break;
		case 'n': db_bind_null(s, i + 1); break;
		default:
			db_set_error(s->d, "bad type letter '%c' for: %s", types[i], s->sql);
			s->bind_rc = CK_E_INTERNAL;
			return;
		}
	}
}

int db_run(db *d, const char *sql, const char *types, ...)
{
	db_stmt *s;
	int rc = db_prepare(d, sql, &s);
	if (rc < 0)
		return rc;
	va_list ap;
	va_start(ap, types);
	bind_va(s, types, ap);
	va_end(ap);
	/* Step to the end so that RETURNING rows don't cut the work short. */
	while ((rc = db_step(s)) == DB_ROW)
		;
	if (rc == DB_DONE)
		rc = s->changes > INT_MAX ? INT_MAX : (int)s->changes;
	db_finish(s);
	return rc;
}

int db_query_int(db *d, int64_t *out, const char *sql, const char *types, ...)
{
	db_stmt *s;
	int rc = db_prepare(d, sql, &s);
	if (rc < 0)
		return rc;
	va_list ap;
	va_start(ap, types);
	bind_va(s, types, ap);
	va_end(ap);
	rc = db_step(s);
	if (rc == DB_ROW)
		*out = db_col_int(s, 0);
	db_finish(s);
	return rc;
}

int db_notify(db *d, const char *channel)
{
	if (!channel || !*channel || strlen(channel) > DB_NOTIFY_MAX)
		return CK_E_INVALID;
	if (db_dialect_of(d) != DB_POSTGRES)
		return 0;
	int rc = db_run(d, "SELECT pg_notify('" DB_NOTIFY_CHANNEL "', $1)", "t", channel);
	return rc < 0 ? rc : 0;
}

/* Statements still handed out when a request or connection ends would pin
 * an SQLite read snapshot (blocking checkpoints) or a PostgreSQL result. */
static int reset_forgotten_statements(db *d, const char *where)
{
	int n = 0;
	for (size_t i = 0; i < d->cache.cap; i++) {
		db_stmt *s = d->cache.slots[i].stmt;
		if (s && s->in_use) {
			log_warn("db: statement not finished at %s: %s", where, s->sql);
			db_finish(s);
			n++;
		}
	}
	return n;
}

int db_check_idle(db *d)
{
	int rc = 0;
	if (reset_forgotten_statements(d, "idle check") > 0)
		rc = CK_E_INTERNAL;
	if (d->drv->in_tx(d)) {
		db_rollback_leftover(d, "idle check");
		rc = CK_E_INTERNAL;
	}
	return rc;
}
