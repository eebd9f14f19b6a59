/* sqlite.c: the SQLite driver. One file in WAL mode (readers never block
 * the writer), foreign keys enforced, synchronous FULL unless the operator
 * chose NORMAL. Statements use PostgreSQL's $1, $2 … which SQLite reads as
 * *named* parameters numbered by order of appearance, so every bind looks
 * its slot up by name. Also here: db_sqlite_backup, the online copy. */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/errors.h"
#include "base/log.h"
#include "db_internal.h"

enum { DEFAULT_BUSY_TIMEOUT_MS = 5000 };

struct sqlite_db {
	struct db base; /* first: a struct db * is a struct sqlite_db * */
	sqlite3 *h;
};

struct sqlite_stmt {
	struct db_stmt base;
	sqlite3_stmt *st;
};

static sqlite3 *handle(const db *d)
{
	return ((const struct sqlite_db *)d)->h;
}

static sqlite3_stmt *stmt_of(db_stmt *s)
{
	return ((struct sqlite_stmt *)s)->st;
}

/* SQLite result codes to citkit's: lost races are CK_E_BUSY (db_tx
 * retries them), key violations CK_E_CONFLICT, other broken rules
 * CK_E_INVALID; the append-only audit trigger is CK_E_FORBIDDEN; a
 * file the database cannot use is CK_E_DB; anything else is our bug. */
static int map_rc(int rc)
{
	switch (rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
	case SQLITE_CONSTRAINT_FOREIGNKEY: return CK_E_CONFLICT;
	case SQLITE_CONSTRAINT_TRIGGER: return CK_E_FORBIDDEN;
	default: break;
	}
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return CK_E_BUSY;
	case SQLITE_CONSTRAINT: return CK_E_INVALID;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_READONLY:
	case SQLITE_PERM: return CK_E_DB;
	default: return CK_E_INTERNAL;
	}
}

static int fail(db *d, int rc, const char *what)
{
	db_set_error(d, "sqlite %s: %s (%d)", what, sqlite3_errmsg(handle(d)),
	             sqlite3_extended_errcode(handle(d)));
	return map_rc(rc);
}

static int pragma(sqlite3 *h, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	int rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		snprintf(err, errlen, "%s: %s", sql, msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return rc == SQLITE_OK ? 0 : map_rc(rc);
}

/* WAL lets the server's readers run beside its one writer; an in-memory
 * database (tests) stays in its own "memory" journal mode. Switching a new
 * file to WAL needs it to itself, and SQLite answers BUSY at once, without
 * the busy handler, when another process is opening or migrating the same
 * new file; so the switch is retried here, for as long as a busy wait
 * would have waited. */
static int set_wal(sqlite3 *h, const char *path, int timeout_ms, char *err, size_t errlen)
{
	enum { RETRY_MS = 10 };
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(h, "PRAGMA journal_mode=WAL", -1, &st, NULL);
	for (int waited = 0; rc == SQLITE_OK; waited += RETRY_MS) {
		rc = sqlite3_step(st);
		if ((rc & 0xff) != SQLITE_BUSY || waited >= timeout_ms)
			break;
		sqlite3_reset(st); /* repeats the BUSY just seen */
		sqlite3_sleep(RETRY_MS);
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_ROW) {
		snprintf(err, errlen, "cannot set WAL mode: %s", sqlite3_errmsg(h));
		sqlite3_finalize(st);
		return map_rc(rc);
	}
	const char *mode = (const char *)sqlite3_column_text(st, 0);
	bool is_ok = mode && (strcmp(mode, "wal") == 0 ||
	                      (strcmp(mode, "memory") == 0 && strcmp(path, ":memory:") == 0));
	if (!is_ok)
		snprintf(err, errlen, "cannot set WAL mode (journal mode stays %s)",
		         mode ? mode : "?");
	sqlite3_finalize(st);
	return is_ok ? 0 : CK_E_DB;
}

static int configure(sqlite3 *h, const char *path, const db_options *opt, char *err, size_t errlen)
{
	const char *sync = opt->sqlite_synchronous ? opt->sqlite_synchronous : "FULL";
	if (strcasecmp(sync, "FULL") != 0 && strcasecmp(sync, "NORMAL") != 0) {
		snprintf(err, errlen, "sqlite synchronous must be FULL or NORMAL, not %s", sync);
		return CK_E_INVALID;
	}
	sqlite3_extended_result_codes(h, 1);
	int timeout_ms = opt->busy_timeout_ms > 0 ? opt->busy_timeout_ms : DEFAULT_BUSY_TIMEOUT_MS;
	sqlite3_busy_timeout(h, timeout_ms);
	int rc = set_wal(h, path, timeout_ms, err, errlen);
	if (rc == 0)
		rc = pragma(h, "PRAGMA foreign_keys=ON", err, errlen);
	if (rc == 0)
		rc = pragma(h,
		            strcasecmp(sync, "FULL") == 0 ? "PRAGMA synchronous=FULL"
		                                          : "PRAGMA synchronous=NORMAL",
		            err, errlen);
	return rc;
}

static int sq_open(const char *url, const db_options *opt, db **out, char *err, size_t errlen)
{
	struct sqlite_db *d = calloc(1, sizeof *d);
	if (!d)
		return CK_E_INTERNAL;
	d->base.drv = &db_sqlite_driver;
	/* NOMUTEX: a connection belongs to one thread (see thread.c). */
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	int rc = sqlite3_open_v2(url, &d->h, flags, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", url,
		         d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
		rc = CK_E_DB;
		goto done;
	}
	rc = configure(d->h, url, opt, err, errlen);
done:
	if (rc < 0) {
		sqlite3_close(d->h);
		free(d);
		return rc;
	}
	*out = &d->base;
	return 0;
}

static void sq_close(db *d)
{
	sqlite3_close(handle(d));
	free(d);
}

static int sq_exec(db *d, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(handle(d), sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		db_set_error(d, "sqlite exec: %s (%d)", msg ? msg : sqlite3_errstr(rc),
		             sqlite3_extended_errcode(handle(d)));
		rc = map_rc(rc);
	}
	sqlite3_free(msg);
	return rc;
}

static bool sq_in_tx(const db *d)
{
	return !sqlite3_get_autocommit(handle(d));
}

static int sq_prepare(db *d, const char *sql, db_stmt **out)
{
	struct sqlite_stmt *s = calloc(1, sizeof *s);
	if (!s)
		return CK_E_INTERNAL;
	int rc = sqlite3_prepare_v3(handle(d), sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL);
	if (rc != SQLITE_OK) {
		rc = fail(d, rc, "prepare");
		free(s);
		return rc;
	}
	*out = &s->base;
	return 0;
}

static void sq_stmt_free(db_stmt *s)
{
	sqlite3_finalize(stmt_of(s));
	free(s);
}

static void sq_reset(db_stmt *s)
{
	sqlite3_reset(stmt_of(s));
	sqlite3_clear_bindings(stmt_of(s));
}

static int sq_bind(db_stmt *s, int index, const struct db_value *v)
{
	char name[16];
	snprintf(name, sizeof name, "$%d", index);
	int slot = sqlite3_bind_parameter_index(stmt_of(s), name);
	if (slot == 0) {
		db_set_error(s->d, "no parameter %s in: %s", name, s->sql);
		return CK_E_INTERNAL;
	}
	int rc;
	switch (v->type) {
	case DB_V_INT: rc = sqlite3_bind_int64(stmt_of(s), slot, v->i); break;
	case DB_V_TEXT:
		rc = sqlite3_bind_text(stmt_of(s), slot, v->text, -1, SQLITE_TRANSIENT);
		break;
	case DB_V_BLOB:
		rc = sqlite3_bind_blob64(stmt_of(s), slot, v->blob, v->len, SQLITE_TRANSIENT);
		break;
	default: rc = sqlite3_bind_null(stmt_of(s), slot); break;
	}
	return rc == SQLITE_OK ? 0 : fail(s->d, rc, "bind");
}

static int sq_step(db_stmt *s)
{
	int rc = sqlite3_step(stmt_of(s));
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE) {
		s->changes =
		    sqlite3_stmt_readonly(stmt_of(s)) ? 0 : sqlite3_changes64(handle(s->d));
		return DB_DONE;
	}
	return fail(s->d, rc, "step");
}

static int64_t sq_col_int(db_stmt *s, int col)
{
	return sqlite3_column_int64(stmt_of(s), col);
}

static const char *sq_col_text(db_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(stmt_of(s), col);
}

static const void *sq_col_blob(db_stmt *s, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(stmt_of(s), col);
	*len = (size_t)sqlite3_column_bytes(stmt_of(s), col);
	return p;
}

static bool sq_col_is_null(db_stmt *s, int col)
{
	return sqlite3_column_type(stmt_of(s), col) == SQLITE_NULL;
}

static int sq_col_count(db_stmt *s)
{
	return sqlite3_column_count(stmt_of(s));
}

const struct db_driver db_sqlite_driver = {
    .name = "sqlite",
    .dialect = DB_SQLITE,
    .begin_sql = "BEGIN IMMEDIATE",
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .in_tx = sq_in_tx,
    .prepare = sq_prepare,
    .stmt_free = sq_stmt_free,
    .reset = sq_reset,
    .bind = sq_bind,
    .step = sq_step,
    .col_int = sq_col_int,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .col_is_null = sq_col_is_null,
    .col_count = sq_col_count,
};

/* Backup -------------------------------------------------------------- */

/* Copies every page in one step: under WAL that step reads one snapshot
 * while writers go on, so the copy is consistent. (Copying in chunks would
 * restart whenever another connection writes, and might never finish on a
 * busy server.) A lock held by a checkpoint is waited out briefly. */
static int copy_pages(sqlite3 *src, sqlite3 *dst, char *err, size_t errlen)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		snprintf(err, errlen, "backup: %s", sqlite3_errmsg(dst));
		return CK_E_DB;
	}
	int rc;
	for (int tries = 0; tries < 100; tries++) {
		rc = sqlite3_backup_step(b, -1);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		struct timespec ts = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "backup: %s", sqlite3_errstr(rc));
		return map_rc(rc);
	}
	return 0;
}

/* Renaming the copy over the live database would destroy it. */
static bool is_live_file(sqlite3 *src, const char *dest_path)
{
	const char *live = sqlite3_db_filename(src, "main");
	struct stat a, b;
	return live && *live && stat(live, &a) == 0 && stat(dest_path, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* A backup is one self-contained file: rollback-journal mode, so that it
 * can be copied or opened read-only without a -wal beside it. A -wal or
 * -shm left at dest by an earlier copy would be replayed into the new file
 * when it is opened, so they go. */
static int make_standalone(sqlite3 *dst, const char *dest_path, char *err, size_t errlen)
{
	int rc = pragma(dst, "PRAGMA journal_mode=DELETE", err, errlen);
	static const char *const stale[] = {"-wal", "-shm"};
	char p[4200];
	for (size_t i = 0; rc == 0 && i < sizeof stale / sizeof stale[0]; i++) {
		snprintf(p, sizeof p, "%s%s", dest_path, stale[i]);
		unlink(p);
	}
	return rc;
}

/* The rename itself must survive a crash too: sync the folder entry. */
static int sync_parent_dir(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return CK_E_IO;
	int rc = fsync(fd) == 0 ? 0 : CK_E_IO;
	close(fd);
	return rc;
}

/* The copy is written beside dest and renamed over it at the end, so an
 * interrupted backup never leaves a half-written file under dest's name. */
int db_sqlite_backup(db *d, const char *dest_path, char *err, size_t errlen)
{
	if (d->drv != &db_sqlite_driver) {
		snprintf(err, errlen, "backup works on SQLite; use pg_dump for PostgreSQL");
		return CK_E_INVALID;
	}
	if (is_live_file(handle(d), dest_path)) {
		snprintf(err, errlen, "backup: %s is the database itself", dest_path);
		return CK_E_INVALID;
	}
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", dest_path, (long)getpid()) >= (int)sizeof tmp) {
		snprintf(err, errlen, "backup: destination path too long");
		return CK_E_INVALID;
	}
	unlink(tmp); /* left by a crashed backup of a process with our pid */
	sqlite3 *dst = NULL;
	int rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "backup: cannot create %s: %s", tmp, sqlite3_errstr(rc));
		rc = CK_E_IO;
		goto done;
	}
	rc = copy_pages(handle(d), dst, err, errlen);
	if (rc == 0)
		rc = make_standalone(dst, dest_path, err, errlen);
	int close_rc = sqlite3_close(dst);
	dst = NULL;
	if (rc == 0 && close_rc != SQLITE_OK) {
		snprintf(err, errlen, "backup: cannot close %s", tmp);
		rc = CK_E_IO;
	}
	if (rc == 0 && rename(tmp, dest_path) != 0) {
		snprintf(err, errlen, "backup: cannot rename %s to %s", tmp, dest_path);
		rc = CK_E_IO;
	}
	if (rc == 0 && sync_parent_dir(dest_path) < 0) {
		snprintf(err, errlen, "backup: cannot sync the folder of %s", dest_path);
		rc = CK_E_IO;
	}
done:
	sqlite3_close(dst);
	if (rc < 0)
		unlink(tmp);
	return rc;
}
