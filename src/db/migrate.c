/* migrate.c: brings a database up to the schema this binary was built
 * with. The numbered migrations of the connection's dialect are embedded
 * (migrations.h); each one not yet recorded in schema_migrations is applied
 * in its own transaction together with its record, so a failure leaves the
 * database at the last good version. A database that is newer than the
 * binary is refused: an old binary must not write to a schema it does not
 * know. Two processes may migrate at once: the loser waits for the lock,
 * then finds the work done. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/errors.h"
#include "db_internal.h"
#include "migrations.h"

/* pg_advisory_xact_lock key for migrations: "citkit" in ASCII. */
#define MIGRATE_LOCK_SQL "SELECT pg_advisory_xact_lock(109270178671732)"

struct migration {
	int version;
	char name[64];
	const char *sql;
	const char *file;
};

struct apply_ctx {
	const struct migration *m;
	char *err;
	size_t errlen;
};

static const char *dialect_dir(db_dialect dialect)
{
	return dialect == DB_POSTGRES ? "postgres/" : "sqlite/";
}

/* Reads "DIR/NNNN_name.sql" into m; false for any other shape. */
static bool parse_file(const struct embedded_file *f, const char *dir, struct migration *m)
{
	size_t dlen = strlen(dir), len = strlen(f->name);
	if (strncmp(f->name, dir, dlen) != 0 || len < dlen + 10 ||
	    strcmp(f->name + len - 4, ".sql") != 0)
		return false;
	const char *p = f->name + dlen;
	char *end;
	long v = strtol(p, &end, 10);
	if (end != p + 4 || *end != '_' || v <= 0)
		return false;
	size_t nlen = (size_t)(f->name + len - 4 - (end + 1));
	if (nlen == 0 || nlen >= sizeof m->name)
		return false;
	m->version = (int)v;
	memcpy(m->name, end + 1, nlen);
	m->name[nlen] = '\0';
	m->sql = (const char *)f->data;
	m->file = f->name;
	return true;
}

int db_latest_version(void)
{
	int latest = 0;
	struct migration m;
	for (const struct embedded_file *f = db_migrations; f->name; f++)
		if ((parse_file(f, "sqlite/", &m) || parse_file(f, "postgres/", &m)) &&
		    m.version > latest)
			latest = m.version;
	return latest;
}

static int has_version_table(db *d, bool *has)
{
	const char *sql =
	    db_dialect_of(d) == DB_POSTGRES
	        ? "SELECT count(*) FROM pg_catalog.pg_tables"
	          " WHERE tablename = 'schema_migrations' AND schemaname = current_schema()"
	        : "SELECT count(*) FROM sqlite_master"
	          " WHERE type = 'table' AND name = 'schema_migrations'";
	int64_t n = 0;
	int rc = db_query_int(d, &n, sql, "");
	*has = n > 0;
	return rc < 0 ? rc : 0;
}

int db_schema_version(db *d, int64_t *version)
{
	*version = 0;
	bool has = false;
	int rc = has_version_table(d, &has);
	if (rc < 0 || !has)
		return rc;
	rc =
	    db_query_int(d, version, "SELECT coalesce(max(version), 0) FROM schema_migrations", "");
	return rc < 0 ? rc : 0;
}

/* Serializes concurrent migrators (SQLite's BEGIN IMMEDIATE already did)
 * and makes sure the record table exists. */
static int lock_and_prepare(db *d)
{
	int rc = 0;
	if (db_dialect_of(d) == DB_POSTGRES) {
		rc = db_exec(d, MIGRATE_LOCK_SQL);
		if (rc == 0)
			rc = db_exec(d, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			                "version BIGINT PRIMARY KEY, name TEXT NOT NULL,"
			                " applied_at BIGINT NOT NULL)");
	} else {
		rc = db_exec(d, "CREATE TABLE IF NOT EXISTS schema_migrations ("
		                "version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
		                " applied_at INTEGER NOT NULL)");
	}
	return rc;
}

static int refuse_newer(db *d, char *err, size_t errlen)
{
	int64_t version = 0;
	int rc = db_schema_version(d, &version);
	if (rc < 0) {
		snprintf(err, errlen, "cannot read the schema version: %s", db_errmsg(d));
		return rc;
	}
	if (version > db_latest_version()) {
		snprintf(err, errlen,
		         "the database has schema version %lld but this citkit knows only up to %d;"
		         " use a newer citkit",
		         (long long)version, db_latest_version());
		return CK_E_CONFLICT;
	}
	return 0;
}

static int apply_one(db *d, void *p)
{
	struct apply_ctx *c = p;
	int rc = lock_and_prepare(d);
	if (rc == 0)
		rc = refuse_newer(d, c->err, c->errlen);
	if (rc < 0)
		return rc;
	int64_t n = 0;
	rc = db_query_int(d, &n, "SELECT count(*) FROM schema_migrations WHERE version = $1", "i",
	                  (int64_t)c->m->version);
	if (rc < 0 || n > 0)
		return rc < 0 ? rc : 0;
	rc = db_exec(d, c->m->sql);
	if (rc < 0) {
		snprintf(c->err, c->errlen, "migration %s failed: %s", c->m->file, db_errmsg(d));
		return rc;
	}
	rc = db_run(d,
	            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
	            "iti", (int64_t)c->m->version, c->m->name, clock_now());
	return rc < 0 ? rc : 0;
}

/* PostgreSQL migrates under READ COMMITTED rather than db_tx's
 * SERIALIZABLE: a migrator that waited for the advisory lock must see
 * what the winner committed meanwhile, and a serializable snapshot is taken
 * at the lock statement itself, before the winner commits. */
static const char *migrate_begin_sql(db *d)
{
	return db_dialect_of(d) == DB_POSTGRES ? "BEGIN ISOLATION LEVEL READ COMMITTED"
	                                       : d->drv->begin_sql;
}

int db_migrate(db *d, char *err, size_t errlen)
{
	if (errlen > 0)
		err[0] = '\0';
	const char *dir = dialect_dir(db_dialect_of(d));
	struct migration m;
	int rc = 0;
	for (const struct embedded_file *f = db_migrations; f->name && rc == 0; f++) {
		if (!parse_file(f, dir, &m))
			continue;
		struct apply_ctx c = {.m = &m, .err = err, .errlen = errlen};
		rc = db_tx_as(d, migrate_begin_sql(d), apply_one, &c);
		if (rc < 0 && errlen > 0 && !err[0])
			snprintf(err, errlen, "migration %s: %s", m.file, db_errmsg(d));
	}
	return rc;
}
