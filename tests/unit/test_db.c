/* test_db.c: the database layer on both engines. Every case runs twice,
 * on SQLite (a fresh file per case) and on PostgreSQL (a fresh schema per
 * case in the database named by CITKIT_TEST_PG_URL, which `make test`
 * provides through scripts/pg-test). Without that variable the PostgreSQL
 * group fails: a database suite that quietly ran on one engine only would
 * let the other one rot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/errors.h"
#include "db/db.h"
#include "db/migrations.h"

struct engine {
	const char *name;
	bool is_pg;
	char base_url[1024]; /* PostgreSQL: CITKIT_TEST_PG_URL */
	char dir[256];       /* SQLite: a temporary folder for the files */
	int next_case;
};

struct fixture {
	struct engine *e;
	char url[2048];  /* the case's database, migrated */
	char url2[2048]; /* a second, empty database */
	char schema[64], schema2[80];
	db *d;
};

static struct engine sqlite_engine = {.name = "sqlite"};
static struct engine pg_engine = {.name = "postgres", .is_pg = true};

static const int64_t T0 = 1700000000;

/* Fixtures --------------------------------------------------------------- */

static int sqlite_group_setup(void **state)
{
	(void)state;
	snprintf(sqlite_engine.dir, sizeof sqlite_engine.dir, "/tmp/citkit-test-db.XXXXXX");
	return mkdtemp(sqlite_engine.dir) ? 0 : -1;
}

static int sqlite_group_teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", sqlite_engine.dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int pg_group_setup(void **state)
{
	(void)state;
	const char *url = getenv("CITKIT_TEST_PG_URL");
	if (!url || !*url) {
		fprintf(stderr, "test_db: CITKIT_TEST_PG_URL is not set, so the PostgreSQL cases "
		                "cannot run: use `make test` (it starts a throwaway server with "
		                "scripts/pg-test) or set it to a postgres:// URL\n");
		return -1;
	}
	snprintf(pg_engine.base_url, sizeof pg_engine.base_url, "%s", url);
	return 0;
}

static int pg_group_teardown(void **state)
{
	(void)state;
	return 0;
}

/* Runs sql on the PostgreSQL server outside the case's schema. */
static void pg_admin(const struct engine *e, const char *sql)
{
	db *a = NULL;
	char err[256];
	int rc = db_open(e->base_url, NULL, &a, err, sizeof err);
	if (rc < 0)
		fail_msg("cannot connect to PostgreSQL: %s", err);
	rc = db_exec(a, sql);
	if (rc < 0)
		fail_msg("%s: %s", sql, db_errmsg(a));
	db_close(a);
}

/* A URL whose connections live in their own schema. */
static void pg_schema_url(const struct engine *e, const char *schema, char *out, size_t len)
{
	const char *sep = strchr(e->base_url, '?') ? "&" : "?";
	snprintf(out, len, "%s%soptions=-csearch_path%%3D%s", e->base_url, sep, schema);
}

static void make_databases(struct fixture *f)
{
	struct engine *e = f->e;
	int n = ++e->next_case;
	if (!e->is_pg) {
		snprintf(f->url, sizeof f->url, "%s/case%d.db", e->dir, n);
		snprintf(f->url2, sizeof f->url2, "%s/case%d-b.db", e->dir, n);
		return;
	}
	snprintf(f->schema, sizeof f->schema, "ck_test_db_%ld_%d", (long)getpid(), n);
	snprintf(f->schema2, sizeof f->schema2, "%s_b", f->schema);
	char sql[400];
	snprintf(sql, sizeof sql,
	         "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s;"
	         "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s;",
	         f->schema, f->schema, f->schema2, f->schema2);
	pg_admin(e, sql);
	pg_schema_url(e, f->schema, f->url, sizeof f->url);
	pg_schema_url(e, f->schema2, f->url2, sizeof f->url2);
}

static db *open_url(const char *url, const db_options *opt)
{
	db *d = NULL;
	char err[256];
	int rc = db_open(url, opt, &d, err, sizeof err);
	if (rc < 0)
		fail_msg("db_open: %s", err);
	return d;
}

static int case_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->e = *state;
	make_databases(f);
	f->d = open_url(f->url, NULL);
	char err[256];
	int rc = db_migrate(f->d, err, sizeof err);
	if (rc < 0)
		fail_msg("db_migrate: %s", err);
	*state = f;
	return 0;
}

static void remove_sqlite_files(const char *path)
{
	static const char *suffixes[] = {"",        "-wal",        "-shm",
	                                 ".backup", ".backup-wal", ".backup-shm"};
	char p[2100];
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
		unlink(p);
	}
}

static int case_teardown(void **state)
{
	struct fixture *f = *state;
	db_close(f->d);
	if (f->e->is_pg) {
		char sql[300];
		snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE; DROP SCHEMA %s CASCADE;",
		         f->schema, f->schema2);
		pg_admin(f->e, sql);
	} else {
		remove_sqlite_files(f->url);
		remove_sqlite_files(f->url2);
	}
	free(f);
	return 0;
}

/* Helpers ---------------------------------------------------------------- */

static int insert_org(db *d, const char *name, int64_t *id)
{
	return db_query_int(d, id,
	                    "INSERT INTO orgs (name, kind, created_at, updated_at)"
	                    " VALUES ($1, $2, $3, $3) RETURNING id",
	                    "tti", name, "other", T0);
}

static int64_t count_where(db *d, const char *sql, const char *arg)
{
	int64_t n = -1;
	int rc = arg ? db_query_int(d, &n, sql, "t", arg) : db_query_int(d, &n, sql, "");
	assert_int_equal(rc, DB_ROW);
	return n;
}

static int64_t org_count(db *d, const char *name)
{
	return count_where(d, "SELECT count(*) FROM orgs WHERE name = $1", name);
}

static int64_t migration_files(db_dialect dialect)
{
	const char *dir = dialect == DB_POSTGRES ? "postgres/" : "sqlite/";
	int64_t n = 0;
	for (const struct embedded_file *f = db_migrations; f->name; f++)
		if (strncmp(f->name, dir, strlen(dir)) == 0)
			n++;
	return n;
}

static void exec_ok(db *d, const char *sql)
{
	int rc = db_exec(d, sql);
	if (rc < 0)
		fail_msg("%s: %s", sql, db_errmsg(d));
}

/* A small table of one counter row, the same on both engines. */
static void make_counter(db *d)
{
	exec_ok(d, "CREATE TABLE ctr (id INTEGER PRIMARY KEY, v INTEGER NOT NULL);"
	           "INSERT INTO ctr (id, v) VALUES (1, 0)");
}

static int64_t counter(db *d)
{
	int64_t v = -1;
	assert_int_equal(db_query_int(d, &v, "SELECT v FROM ctr WHERE id = 1", ""), DB_ROW);
	return v;
}

/* Opening and migrating -------------------------------------------------- */

static void test_migrate_twice(void **state)
{
	struct fixture *f = *state;
	char err[256];
	int64_t v = 0;
	assert_int_equal(db_schema_version(f->d, &v), 0);
	assert_int_equal(v, db_latest_version());
	assert_true(db_latest_version() >= 1);
	assert_int_equal(db_migrate(f->d, err, sizeof err), 0);
	assert_int_equal(db_schema_version(f->d, &v), 0);
	assert_int_equal(v, db_latest_version());
	assert_int_equal(count_where(f->d, "SELECT count(*) FROM schema_migrations", NULL),
	                 migration_files(db_dialect_of(f->d)));
	assert_int_equal(count_where(f->d,
	                             "SELECT count(*) FROM schema_migrations"
	                             " WHERE applied_at > 0 AND name = $1",
	                             "foundation"),
	                 1);
	/* A reopened connection finds nothing to do either. */
	db *again = open_url(f->url, NULL);
	assert_int_equal(db_migrate(again, err, sizeof err), 0);
	db_close(again);
	assert_int_equal(count_where(f->d, "SELECT count(*) FROM schema_migrations", NULL),
	                 migration_files(db_dialect_of(f->d)));
}

static void test_empty_database_version(void **state)
{
	struct fixture *f = *state;
	db *d = open_url(f->url2, NULL);
	int64_t v = -1;
	assert_int_equal(db_schema_version(d, &v), 0);
	assert_int_equal(v, 0);
	db_close(d);
}

static void test_newer_schema_refused(void **state)
{
	struct fixture *f = *state;
	int64_t newer = db_latest_version() + 1;
	assert_int_equal(db_run(f->d,
	                        "INSERT INTO schema_migrations (version, name, applied_at)"
	                        " VALUES ($1, $2, $3)",
	                        "iti", newer, "from_the_future", T0),
	                 1);
	char err[256] = "";
	assert_int_equal(db_migrate(f->d, err, sizeof err), CK_E_CONFLICT);
	assert_non_null(strstr(err, "newer citkit"));
	assert_false(db_in_tx(f->d));
}

struct migrator {
	const char *url;
	int rc;
	char err[256];
};

static void *migrate_thread(void *p)
{
	struct migrator *m = p;
	db *d = NULL;
	m->rc = db_open(m->url, NULL, &d, m->err, sizeof m->err);
	if (m->rc == 0)
		m->rc = db_migrate(d, m->err, sizeof m->err);
	db_close(d);
	return NULL;
}

static void test_concurrent_migrate(void **state)
{
	struct fixture *f = *state;
	struct migrator m[3] = {{.url = f->url2}, {.url = f->url2}, {.url = f->url2}};
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&t[i], NULL, migrate_thread, &m[i]), 0);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 3; i++)
		if (m[i].rc != 0)
			fail_msg("migrator %d: %s", i, m[i].err);
	db *d = open_url(f->url2, NULL);
	int64_t v = 0;
	assert_int_equal(db_schema_version(d, &v), 0);
	assert_int_equal(v, db_latest_version());
	assert_int_equal(count_where(d, "SELECT count(*) FROM schema_migrations", NULL),
	                 migration_files(db_dialect_of(d)));
	db_close(d);
}

static void test_migration_sets_match(void **state)
{
	(void)state;
	/* Every migration exists in both dialects under the same name. */
	assert_int_equal(migration_files(DB_SQLITE), migration_files(DB_POSTGRES));
	for (const struct embedded_file *f = db_migrations; f->name; f++) {
		if (strncmp(f->name, "sqlite/", 7) != 0)
			continue;
		char twin[256];
		snprintf(twin, sizeof twin, "postgres/%s", f->name + 7);
		bool found = false;
		for (const struct embedded_file *g = db_migrations; g->name; g++)
			found = found || strcmp(g->name, twin) == 0;
		if (!found)
			fail_msg("%s has no PostgreSQL twin %s", f->name, twin);
	}
}

struct opener {
	const char *url;
	atomic_bool started;
	int rc;
	char err[256];
};

static void *open_thread(void *p)
{
	struct opener *o = p;
	db *d = NULL;
	atomic_store(&o->started, true);
	o->rc = db_open(o->url, NULL, &d, o->err, sizeof o->err);
	db_close(d);
	return NULL;
}

/* A new file still in rollback mode that another connection is writing
 * (another process creating the same database): opening it waits to
 * switch to WAL rather than failing at once with "database is locked". */
static void test_open_waits_for_wal_switch(void **state)
{
	struct fixture *f = *state;
	if (f->e->is_pg)
		return;
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open(f->url2, &h), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(h, "BEGIN IMMEDIATE; CREATE TABLE t (n INTEGER);", NULL, NULL, NULL),
	    SQLITE_OK);
	struct opener o = {.url = f->url2};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, open_thread, &o), 0);
	while (!atomic_load(&o.started))
		sched_yield();
	struct timespec hold = {.tv_nsec = 200 * 1000 * 1000};
	nanosleep(&hold, NULL);
	assert_int_equal(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	pthread_join(t, NULL);
	sqlite3_close(h);
	if (o.rc != 0)
		fail_msg("open: %s", o.err);
	/* WAL is recorded in the file: a plain connection finds it. */
	assert_int_equal(sqlite3_open(f->url2, &h), SQLITE_OK);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(h);
}

static void test_open_errors(void **state)
{
	struct fixture *f = *state;
	db *d = NULL;
	char err[256] = "";
	if (f->e->is_pg) {
		assert_int_equal(
		    db_open("postgres://nobody@127.0.0.1:1/none", NULL, &d, err, sizeof err),
		    CK_E_DB);
		assert_non_null(strstr(err, "cannot connect"));
	} else {
		assert_int_equal(db_open("/nonexistent-dir/x.db", NULL, &d, err, sizeof err),
		                 CK_E_DB);
		assert_non_null(strstr(err, "cannot open"));
		db_options bad = {.sqlite_synchronous = "OFF"};
		assert_int_equal(db_open(f->url2, &bad, &d, err, sizeof err), CK_E_INVALID);
		db_options normal = {.sqlite_synchronous = "NORMAL"};
		d = open_url(f->url2, &normal);
		int64_t sync = -1;
		assert_int_equal(db_query_int(d, &sync, "PRAGMA synchronous", ""), DB_ROW);
		assert_int_equal(sync, 1);
		db_close(d);
		d = NULL;
	}
	assert_null(d);
	assert_int_equal(db_open("", NULL, &d, err, sizeof err), CK_E_INVALID);
	assert_true(db_is_postgres_url("postgresql://u@h/db"));
	assert_true(db_is_postgres_url("postgres://u@h/db"));
	assert_false(db_is_postgres_url("/var/lib/citkit/postgres.db"));
	assert_false(db_is_postgres_url(NULL));
}

static void test_session_settings(void **state)
{
	struct fixture *f = *state;
	if (f->e->is_pg) {
		db_stmt *s;
		assert_int_equal(db_prepare(f->d, "SELECT current_setting('TimeZone')", &s), 0);
		assert_int_equal(db_step(s), DB_ROW);
		assert_string_equal(db_col_text(s, 0), "UTC");
		db_finish(s);
		assert_int_equal(db_dialect_of(f->d), DB_POSTGRES);
	} else {
		int64_t fk = 0;
		assert_int_equal(db_query_int(f->d, &fk, "PRAGMA foreign_keys", ""), DB_ROW);
		assert_int_equal(fk, 1);
		db_stmt *s;
		assert_int_equal(db_prepare(f->d, "PRAGMA journal_mode", &s), 0);
		assert_int_equal(db_step(s), DB_ROW);
		assert_string_equal(db_col_text(s, 0), "wal");
		db_finish(s);
		assert_int_equal(db_query_int(f->d, &fk, "PRAGMA synchronous", ""), DB_ROW);
		assert_int_equal(fk, 2); /* FULL by default */
		assert_int_equal(db_dialect_of(f->d), DB_SQLITE);
	}
	/* A comparison reads as 1 / 0 on both engines. */
	int64_t yes = -1;
	assert_int_equal(db_query_int(f->d, &yes, "SELECT 2 > 1", ""), DB_ROW);
	assert_int_equal(yes, 1);
}

static int isolation_fn(db *d, void *p)
{
	char *out = p;
	db_stmt *s;
	int rc = db_prepare(d, "SELECT current_setting('transaction_isolation')", &s);
	if (rc < 0)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		snprintf(out, 32, "%s", db_col_text(s, 0));
	db_finish(s);
	return rc < 0 ? rc : 0;
}

/* PostgreSQL only: db_tx runs SERIALIZABLE, so services that read, decide
 * and write behave as under SQLite's single writer (see tx.c). */
static void test_pg_serializable(void **state)
{
	struct fixture *f = *state;
	char level[32] = "";
	assert_int_equal(db_tx(f->d, isolation_fn, level), 0);
	assert_string_equal(level, "serializable");
}

/* PostgreSQL only: a server-side disconnect fails the statement that meets
 * it with CK_E_DB; the next use reconnects and prepares again. */
static void test_pg_reconnect(void **state)
{
	struct fixture *f = *state;
	db *victim = open_url(f->url, NULL);
	int64_t pid = 0, pid2 = 0, n = -1, ok = 0;
	assert_int_equal(db_query_int(victim, &pid, "SELECT pg_backend_pid()", ""), DB_ROW);
	assert_int_equal(db_query_int(victim, &n, "SELECT count(*) FROM orgs", ""), DB_ROW);
	/* Waits (up to a minute) until the backend is gone. */
	assert_int_equal(
	    db_query_int(f->d, &ok, "SELECT pg_terminate_backend($1, 60000)", "i", pid), DB_ROW);
	assert_int_equal(ok, 1);
	assert_int_equal(db_query_int(victim, &n, "SELECT count(*) FROM orgs", ""), CK_E_DB);
	assert_int_equal(db_query_int(victim, &n, "SELECT count(*) FROM orgs", ""), DB_ROW);
	assert_int_equal(n, 0);
	assert_int_equal(db_query_int(victim, &pid2, "SELECT pg_backend_pid()", ""), DB_ROW);
	assert_true(pid2 != pid);
	/* The session settings came back with the connection. */
	db_stmt *s;
	assert_int_equal(db_prepare(victim, "SELECT current_setting('TimeZone')", &s), 0);
	assert_int_equal(db_step(s), DB_ROW);
	assert_string_equal(db_col_text(s, 0), "UTC");
	db_finish(s);
	db_close(victim);
}

/* Binding and reading ---------------------------------------------------- */

static void make_bind_table(db *d)
{
	exec_ok(d,
	        db_dialect_of(d) == DB_POSTGRES
	            ? "CREATE TABLE t_bind (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	              " i BIGINT, t TEXT, b BYTEA, n TEXT, flag INTEGER)"
	            : "CREATE TABLE t_bind (id INTEGER PRIMARY KEY,"
	              " i INTEGER, t TEXT, b BLOB, n TEXT, flag INTEGER)");
}

static void test_bind_all_types(void **state)
{
	struct fixture *f = *state;
	make_bind_table(f->d);
	static const unsigned char blob[] = {0, 1, 2, 0xff, 0, 'x'};
	const char *text = "h\xc3\xa9llo 'quoted' \\ $1";
	db_stmt *s;
	/* $2 is written before $1, $3 and $4 out of order too. */
	assert_int_equal(db_prepare(f->d,
	                            "INSERT INTO t_bind (t, i, n, b, flag)"
	                            " VALUES ($2, $1, $4, $3, $5)",
	                            &s),
	                 0);
	db_bind_int(s, 1, INT64_MIN + 1);
	db_bind_text(s, 2, text);
	db_bind_blob(s, 3, blob, sizeof blob);
	db_bind_null(s, 4);
	db_bind_bool(s, 5, true);
	assert_int_equal(db_step(s), DB_DONE);
	assert_int_equal(db_changes(s), 1);
	db_finish(s);

	assert_int_equal(db_prepare(f->d, "SELECT i, t, b, n, flag FROM t_bind", &s), 0);
	assert_int_equal(db_col_count(s), 5);
	assert_int_equal(db_step(s), DB_ROW);
	assert_true(db_col_int(s, 0) == INT64_MIN + 1);
	assert_string_equal(db_col_text(s, 1), text);
	size_t len = 0;
	const void *p = db_col_blob(s, 2, &len);
	assert_int_equal(len, sizeof blob);
	assert_memory_equal(p, blob, sizeof blob);
	assert_true(db_col_is_null(s, 3));
	assert_null(db_col_text(s, 3));
	assert_false(db_col_is_null(s, 4));
	assert_int_equal(db_col_int(s, 4), 1);
	assert_int_equal(db_step(s), DB_DONE);
	db_finish(s);

	/* The same parameter twice (PostgreSQL wants one type for both
	 * places), and text NULL through db_bind_text. */
	assert_int_equal(db_run(f->d, "INSERT INTO t_bind (i, t, n) VALUES ($1, $2, $2)", "it",
	                        (int64_t)7, (const char *)NULL),
	                 1);
	assert_int_equal(count_where(f->d,
	                             "SELECT count(*) FROM t_bind WHERE t IS NULL AND i = 7"
	                             " AND n IS NULL",
	                             NULL),
	                 1);
	/* db_run's letters: b bool, n null. */
	assert_int_equal(db_run(f->d, "INSERT INTO t_bind (flag, n) VALUES ($1, $2)", "bn", 0), 1);
	assert_int_equal(count_where(f->d, "SELECT count(*) FROM t_bind WHERE flag = 0", NULL), 1);
}

static void test_bind_errors(void **state)
{
	struct fixture *f = *state;
	db_stmt *s;
	assert_int_equal(db_prepare(f->d, "SELECT count(*) FROM orgs WHERE id = $1", &s), 0);
	db_bind_int(s, 9, 1);
	assert_int_equal(db_step(s), CK_E_INTERNAL);
	assert_non_null(strstr(db_errmsg(f->d), "$9"));
	db_finish(s);
	/* The statement is fine again after its failed bind. */
	assert_int_equal(db_prepare(f->d, "SELECT count(*) FROM orgs WHERE id = $1", &s), 0);
	db_bind_int(s, 1, 1);
	assert_int_equal(db_step(s), DB_ROW);
	db_finish(s);
	assert_int_equal(db_run(f->d, "SELECT $1", "x", 1), CK_E_INTERNAL);
	assert_int_equal(db_run(f->d, "SELECT * FROM no_such_table", ""), CK_E_INTERNAL);
}

static void test_returning_id(void **state)
{
	struct fixture *f = *state;
	int64_t a = 0, b = 0;
	assert_int_equal(insert_org(f->d, "Metro Police", &a), DB_ROW);
	assert_int_equal(insert_org(f->d, "County Crisis Center", &b), DB_ROW);
	assert_true(a > 0);
	assert_true(b > a);
	assert_int_equal(
	    count_where(f->d, "SELECT id FROM orgs WHERE name = $1", "County Crisis Center"), b);
	/* db_run on a RETURNING statement still counts the changed rows. */
	assert_int_equal(db_run(f->d, "UPDATE orgs SET updated_at = $1 RETURNING id", "i", T0 + 1),
	                 2);
	assert_int_equal(db_run(f->d, "SELECT id FROM orgs", ""), 0);
}

static void test_constraint_errors(void **state)
{
	struct fixture *f = *state;
	int64_t id = 0;
	assert_int_equal(insert_org(f->d, "Dup", &id), DB_ROW);
	assert_int_equal(insert_org(f->d, "Dup", &id), CK_E_CONFLICT);
	assert_int_equal(org_count(f->d, "Dup"), 1);
	/* Foreign key: no such org. */
	assert_int_equal(db_run(f->d,
	                        "INSERT INTO users (org_id, email, name, roles, created_at,"
	                        " updated_at) VALUES ($1, $2, $3, 1, $4, $4)",
	                        "itti", id + 1000, "a@example.org", "A", T0),
	                 CK_E_CONFLICT);
	/* CHECK and NOT NULL are invalid input, not conflicts. */
	assert_int_equal(db_run(f->d,
	                        "INSERT INTO orgs (name, kind, created_at, updated_at)"
	                        " VALUES ($1, 'spaceship', 1, 1)",
	                        "t", "Bad kind"),
	                 CK_E_INVALID);
	assert_int_equal(db_run(f->d,
	                        "INSERT INTO orgs (name, kind, created_at, updated_at)"
	                        " VALUES ($1, 'other', NULL, 1)",
	                        "t", "No time"),
	                 CK_E_INVALID);
}

static void test_audit_append_only(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(db_run(f->d,
	                        "INSERT INTO audit_log (at_cs, action, outcome, prev_hash, hash)"
	                        " VALUES ($1, $2, $3, $4, $5)",
	                        "itttt", T0 * 100, "login.ok", "success", "0", "abc"),
	                 1);
	assert_int_equal(db_run(f->d, "UPDATE audit_log SET outcome = $1", "t", "failure"),
	                 CK_E_FORBIDDEN);
	assert_int_equal(db_run(f->d, "DELETE FROM audit_log", ""), CK_E_FORBIDDEN);
	if (f->e->is_pg)
		assert_int_equal(db_exec(f->d, "TRUNCATE audit_log"), CK_E_FORBIDDEN);
	assert_int_equal(
	    count_where(f->d, "SELECT count(*) FROM audit_log WHERE outcome = $1", "success"), 1);
}

/* Transactions ----------------------------------------------------------- */

struct tx_probe {
	int calls;
	int fail_with;  /* returned by fn after its insert */
	int busy_first; /* this many calls pretend to lose a race */
	bool saw_in_tx;
	const char *name;
	db *other;
};

static int insert_fn(db *d, void *p)
{
	struct tx_probe *t = p;
	t->calls++;
	t->saw_in_tx = db_in_tx(d);
	int64_t id;
	int rc = insert_org(d, t->name, &id);
	if (rc < 0)
		return rc;
	if (t->calls <= t->busy_first)
		return CK_E_BUSY;
	return t->fail_with;
}

static void test_tx_commit_and_rollback(void **state)
{
	struct fixture *f = *state;
	struct tx_probe ok = {.name = "kept"};
	assert_int_equal(db_tx(f->d, insert_fn, &ok), 0);
	assert_true(ok.saw_in_tx);
	assert_false(db_in_tx(f->d));
	assert_int_equal(org_count(f->d, "kept"), 1);

	struct tx_probe bad = {.name = "dropped", .fail_with = CK_E_INVALID};
	assert_int_equal(db_tx(f->d, insert_fn, &bad), CK_E_INVALID);
	assert_int_equal(bad.calls, 1); /* only lost races are retried */
	assert_false(db_in_tx(f->d));
	assert_int_equal(org_count(f->d, "dropped"), 0);

	/* A failing statement inside fn rolls back what came before it. */
	struct tx_probe dup = {.name = "kept"};
	assert_int_equal(db_tx(f->d, insert_fn, &dup), CK_E_CONFLICT);
	assert_false(db_in_tx(f->d));
	assert_int_equal(org_count(f->d, "kept"), 1);
}

static int outer_fn(db *d, void *p)
{
	struct tx_probe *inner = p;
	int rc = db_tx(d, insert_fn, inner); /* nested: runs in this transaction */
	if (rc < 0)
		return rc;
	assert_true(db_in_tx(d));
	return CK_E_INVALID;
}

static void test_tx_nested(void **state)
{
	struct fixture *f = *state;
	struct tx_probe inner = {.name = "inner"};
	assert_int_equal(db_tx(f->d, outer_fn, &inner), CK_E_INVALID);
	assert_int_equal(inner.calls, 1);
	assert_true(inner.saw_in_tx);
	/* The outer rollback took the inner work with it. */
	assert_int_equal(org_count(f->d, "inner"), 0);
}

static void test_tx_retries_lost_race(void **state)
{
	struct fixture *f = *state;
	int64_t before = db_tx_retries(f->d);
	struct tx_probe t = {.name = "retried", .busy_first = 2};
	assert_int_equal(db_tx(f->d, insert_fn, &t), 0);
	assert_int_equal(t.calls, 3);
	assert_int_equal(db_tx_retries(f->d) - before, 2);
	/* The two lost attempts were rolled back: one row. */
	assert_int_equal(org_count(f->d, "retried"), 1);
}

static int bump_fn(db *d, void *p)
{
	struct tx_probe *t = p;
	t->calls++;
	int rc = db_run(d, "UPDATE ctr SET v = v + 10 WHERE id = 1", "");
	return rc < 0 ? rc : 0;
}

/* Another connection holds the write lock: SQLite's BEGIN IMMEDIATE, or
 * PostgreSQL's row lock, is busy on every attempt, and the runner gives up
 * with CK_E_BUSY after DB_TX_ATTEMPTS. Once the lock is gone it succeeds. */
static void test_tx_retries_on_lock(void **state)
{
	struct fixture *f = *state;
	make_counter(f->d);
	db *holder = open_url(f->url, NULL);
	db_options quick = {.busy_timeout_ms = 1};
	db *d = open_url(f->url, &quick);
	exec_ok(holder, f->e->is_pg ? "BEGIN" : "BEGIN IMMEDIATE");
	assert_int_equal(db_run(holder, "UPDATE ctr SET v = v + 1 WHERE id = 1", ""), 1);

	struct tx_probe t = {0};
	assert_int_equal(db_tx(d, bump_fn, &t), CK_E_BUSY);
	assert_int_equal(db_tx_retries(d), DB_TX_ATTEMPTS - 1);
	/* SQLite is refused at BEGIN, PostgreSQL at the row. */
	assert_int_equal(t.calls, f->e->is_pg ? DB_TX_ATTEMPTS : 0);
	assert_false(db_in_tx(d));

	exec_ok(holder, "COMMIT");
	t.calls = 0;
	assert_int_equal(db_tx(d, bump_fn, &t), 0);
	assert_int_equal(t.calls, 1);
	assert_int_equal(counter(f->d), 11);
	db_close(d);
	db_close(holder);
}

/* The transaction reads the counter, another connection changes it, then
 * the transaction writes. PostgreSQL (SERIALIZABLE) fails the write with a
 * serialization failure and the runner runs fn again; SQLite's BEGIN
 * IMMEDIATE keeps the other writer out from the start. Either way no
 * update is lost. */
static int read_then_write_fn(db *d, void *p)
{
	struct tx_probe *t = p;
	t->calls++;
	int64_t v = 0;
	int rc = db_query_int(d, &v, "SELECT v FROM ctr WHERE id = 1", "");
	if (rc < 0)
		return rc;
	if (t->calls == 1)
		t->fail_with = db_run(t->other, "UPDATE ctr SET v = v + 1 WHERE id = 1", "");
	rc = db_run(d, "UPDATE ctr SET v = $1 WHERE id = 1", "i", v + 10);
	return rc < 0 ? rc : 0;
}

static void test_tx_serialization(void **state)
{
	struct fixture *f = *state;
	make_counter(f->d);
	db_options quick = {.busy_timeout_ms = 1};
	struct tx_probe t = {.other = open_url(f->url, &quick)};
	int64_t before = db_tx_retries(f->d);
	assert_int_equal(db_tx(f->d, read_then_write_fn, &t), 0);
	if (f->e->is_pg) {
		assert_int_equal(t.fail_with, 1); /* the other update committed */
		assert_int_equal(t.calls, 2);     /* and ours ran again */
		assert_int_equal(db_tx_retries(f->d) - before, 1);
		assert_int_equal(counter(f->d), 11);
	} else {
		assert_int_equal(t.fail_with, CK_E_BUSY); /* kept out */
		assert_int_equal(t.calls, 1);
		assert_int_equal(counter(f->d), 10);
	}
	db_close(t.other);
}

static void test_idle_check(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(db_check_idle(f->d), 0);
	/* A transaction opened by hand and forgotten is rolled back. */
	exec_ok(f->d, "BEGIN");
	int64_t id;
	assert_int_equal(insert_org(f->d, "forgotten", &id), DB_ROW);
	assert_true(db_in_tx(f->d));
	assert_int_equal(db_check_idle(f->d), CK_E_INTERNAL);
	assert_false(db_in_tx(f->d));
	assert_int_equal(org_count(f->d, "forgotten"), 0);

	/* A statement never finished is reset and usable again. */
	db_stmt *s, *again;
	assert_int_equal(db_prepare(f->d, "SELECT id FROM orgs", &s), 0);
	db_step(s);
	assert_int_equal(db_check_idle(f->d), CK_E_INTERNAL);
	assert_int_equal(db_prepare(f->d, "SELECT id FROM orgs", &again), 0);
	assert_ptr_equal(s, again);
	db_finish(again);
	assert_int_equal(db_check_idle(f->d), 0);

	/* Closing a connection inside a transaction commits nothing. */
	db *other = open_url(f->url, NULL);
	exec_ok(other, "BEGIN");
	assert_int_equal(insert_org(other, "closed early", &id), DB_ROW);
	db_close(other);
	assert_int_equal(org_count(f->d, "closed early"), 0);
}

/* Statement cache -------------------------------------------------------- */

/* Not the literal used below: the cache is keyed by text, not address. */
static char same_text[] = "SELECT count(*) FROM orgs WHERE kind = $1";

static int64_t pg_prepared(db *d)
{
	return count_where(d, "SELECT count(*) FROM pg_prepared_statements", NULL);
}

static void test_statement_cache(void **state)
{
	struct fixture *f = *state;
	db_stmt *a, *b;
	assert_int_equal(db_prepare(f->d, "SELECT count(*) FROM orgs WHERE kind = $1", &a), 0);
	db_bind_text(a, 1, "other");
	assert_int_equal(db_step(a), DB_ROW);
	db_finish(a);
	int64_t prepared = f->e->is_pg ? pg_prepared(f->d) : 0;

	assert_int_equal(db_prepare(f->d, same_text, &b), 0);
	assert_ptr_equal(a, b);
	/* Bindings were cleared by db_finish: an unbound $1 is NULL. */
	assert_int_equal(db_step(b), DB_ROW);
	assert_int_equal(db_col_int(b, 0), 0);

	/* While b is in use, the same text gets a separate statement. */
	db_stmt *twin;
	assert_int_equal(db_prepare(f->d, same_text, &twin), 0);
	assert_ptr_not_equal(twin, b);
	db_bind_text(twin, 1, "other");
	assert_int_equal(db_step(twin), DB_ROW);
	db_finish(twin);
	db_finish(b);

	for (int i = 0; i < 3; i++) {
		assert_int_equal(db_prepare(f->d, same_text, &b), 0);
		assert_ptr_equal(a, b);
		db_finish(b);
	}
	/* Reuse prepared nothing new on the server, and the twin is gone. */
	if (f->e->is_pg)
		assert_int_equal(pg_prepared(f->d), prepared);
	db_finish(b); /* a second finish is harmless */
}

/* Enough statements to make the cache grow several times; each comes back
 * as the same statement afterwards. */
static void test_statement_cache_grows(void **state)
{
	struct fixture *f = *state;
	enum { N = 200 };
	static char texts[N][48];
	db_stmt *first[N];
	for (int i = 0; i < N; i++) {
		snprintf(texts[i], sizeof texts[i], "SELECT %d + count(*) FROM orgs", i);
		assert_int_equal(db_prepare(f->d, texts[i], &first[i]), 0);
		assert_int_equal(db_step(first[i]), DB_ROW);
		assert_int_equal(db_col_int(first[i], 0), i);
		db_finish(first[i]);
	}
	for (int i = 0; i < N; i++) {
		db_stmt *s;
		assert_int_equal(db_prepare(f->d, texts[i], &s), 0);
		assert_ptr_equal(s, first[i]);
		db_finish(s);
	}
}

static void test_busy_time(void **state)
{
	struct fixture *f = *state;
	int64_t id;
	assert_int_equal(insert_org(f->d, "timed", &id), DB_ROW);
	assert_true(db_busy_seconds(f->d) > 0);
	assert_true(db_total_busy_seconds() >= db_busy_seconds(f->d));
}

/* Per-thread connections ------------------------------------------------- */

struct worker {
	pthread_barrier_t *both_open;
	pthread_barrier_t *compared;
	db *d;
	int64_t backend;
	int rc;
};

static void *worker_thread(void *p)
{
	struct worker *w = p;
	w->d = db_thread();
	if (w->d) {
		w->rc =
		    db_query_int(w->d, &w->backend,
		                 db_dialect_of(w->d) == DB_POSTGRES ? "SELECT pg_backend_pid()"
		                                                    : "SELECT count(*) FROM orgs",
		                 "");
	}
	pthread_barrier_wait(w->both_open);
	pthread_barrier_wait(w->compared);
	return NULL;
}

static void test_thread_connections(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(db_thread_setup(f->url, NULL), 0);
	db *mine = db_thread();
	assert_non_null(mine);
	assert_ptr_equal(db_thread(), mine);

	pthread_barrier_t both_open, compared;
	pthread_barrier_init(&both_open, NULL, 3);
	pthread_barrier_init(&compared, NULL, 3);
	struct worker w[2] = {{&both_open, &compared, NULL, 0, 0},
	                      {&both_open, &compared, NULL, 0, 0}};
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker_thread, &w[i]), 0);
	pthread_barrier_wait(&both_open);
	bool ok = w[0].d && w[1].d && w[0].d != w[1].d && w[0].d != mine && w[1].d != mine &&
	          w[0].rc == DB_ROW && w[1].rc == DB_ROW;
	if (f->e->is_pg)
		ok = ok && w[0].backend != w[1].backend;
	pthread_barrier_wait(&compared);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&both_open);
	pthread_barrier_destroy(&compared);
	db_thread_teardown();
	assert_true(ok);
	assert_null(db_thread());
}

/* Backup ----------------------------------------------------------------- */

struct writer {
	const char *url;
	atomic_int commits;
	atomic_bool stop;
	atomic_int rc;
};

static int pair_fn(db *d, void *p)
{
	(void)p;
	int rc = db_run(d, "INSERT INTO pair_a (n) VALUES (1)", "");
	if (rc >= 0)
		rc = db_run(d, "INSERT INTO pair_b (n) VALUES (1)", "");
	return rc < 0 ? rc : 0;
}

static void *writer_thread(void *p)
{
	struct writer *w = p;
	db *d = NULL;
	char err[256];
	int rc = db_open(w->url, NULL, &d, err, sizeof err);
	while (rc == 0 && !atomic_load(&w->stop)) {
		rc = db_tx(d, pair_fn, NULL);
		atomic_fetch_add(&w->commits, 1);
	}
	atomic_store(&w->rc, rc);
	db_close(d);
	return NULL;
}

static int fill_pairs(db *d, void *p)
{
	(void)p;
	for (int i = 0; i < 500; i++) {
		int rc = pair_fn(d, NULL);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Bytes 18 and 19 of an SQLite file: 1 for rollback journal, 2 for WAL. */
static void assert_rollback_mode(const char *path)
{
	unsigned char header[20] = {0};
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(header, 1, sizeof header, fp), sizeof header);
	fclose(fp);
	assert_int_equal(header[18], 1);
	assert_int_equal(header[19], 1);
}

static void check_copy(const char *path, int64_t min_rows)
{
	assert_rollback_mode(path);
	db *c = open_url(path, NULL);
	db_stmt *s;
	assert_int_equal(db_prepare(c, "PRAGMA integrity_check", &s), 0);
	assert_int_equal(db_step(s), DB_ROW);
	assert_string_equal(db_col_text(s, 0), "ok");
	db_finish(s);
	int64_t a = count_where(c, "SELECT count(*) FROM pair_a", NULL);
	int64_t b = count_where(c, "SELECT count(*) FROM pair_b", NULL);
	assert_int_equal(a, b); /* one snapshot: no transaction half copied */
	assert_true(a >= min_rows);
	int64_t v = 0;
	assert_int_equal(db_schema_version(c, &v), 0);
	assert_int_equal(v, db_latest_version());
	db_close(c);
}

static void test_backup_live(void **state)
{
	struct fixture *f = *state;
	char dest[2100], err[256] = "";
	snprintf(dest, sizeof dest, "%s.backup", f->url);
	if (f->e->is_pg) {
		assert_int_equal(db_sqlite_backup(f->d, dest, err, sizeof err), CK_E_INVALID);
		assert_non_null(strstr(err, "pg_dump"));
		return;
	}
	exec_ok(f->d, "CREATE TABLE pair_a (id INTEGER PRIMARY KEY, n INTEGER);"
	              "CREATE TABLE pair_b (id INTEGER PRIMARY KEY, n INTEGER)");
	assert_int_equal(db_tx(f->d, fill_pairs, NULL), 0);

	struct writer w = {.url = f->url};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, writer_thread, &w), 0);
	/* Start copying only once the writer is well under way. */
	while (atomic_load(&w.commits) < 20 && atomic_load(&w.rc) == 0)
		sched_yield();
	int rc = db_sqlite_backup(f->d, dest, err, sizeof err);
	int commits_after_backup = atomic_load(&w.commits);
	/* Keep writing a little past the copy, then stop. */
	while (atomic_load(&w.commits) < commits_after_backup + 5 && atomic_load(&w.rc) == 0)
		sched_yield();
	atomic_store(&w.stop, true);
	pthread_join(t, NULL);
	if (rc < 0)
		fail_msg("backup: %s", err);
	assert_int_equal(atomic_load(&w.rc), 0);
	check_copy(dest, 500 + 20);
	/* A second backup replaces the first; the live file is refused. */
	assert_int_equal(db_sqlite_backup(f->d, dest, err, sizeof err), 0);
	check_copy(dest, 500 + 25);
	assert_int_equal(db_sqlite_backup(f->d, f->url, err, sizeof err), CK_E_INVALID);
	assert_non_null(strstr(err, "database itself"));
	int64_t live = count_where(f->d, "SELECT count(*) FROM pair_a", NULL);
	assert_true(live >= 500 + 25);
}

/* ------------------------------------------------------------------------ */

/* Cross-process wake-ups (db_notify, db_listen_*) ------------------------ */

/* What the listener's callback received: channel names, "*" for NULL. */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	char got[64][64];
	int n;
} heard = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, {{0}}, 0};

static void on_heard(const char *payload)
{
	pthread_mutex_lock(&heard.mu);
	if (heard.n < 64)
		snprintf(heard.got[heard.n++], sizeof heard.got[0], "%s", payload ? payload : "*");
	pthread_cond_broadcast(&heard.cond);
	pthread_mutex_unlock(&heard.mu);
}

static void heard_reset(void)
{
	pthread_mutex_lock(&heard.mu);
	heard.n = 0;
	pthread_mutex_unlock(&heard.mu);
}

/* Waits (up to 20 s) until the callback has been called n times. */
static void heard_wait(int n)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 20;
	pthread_mutex_lock(&heard.mu);
	int rc = 0;
	while (heard.n < n && rc == 0)
		rc = pthread_cond_timedwait(&heard.cond, &heard.mu, &until);
	int got = heard.n;
	pthread_mutex_unlock(&heard.mu);
	if (got < n)
		fail_msg("the listener heard %d notifications, expected %d", got, n);
}

static int heard_count(void)
{
	pthread_mutex_lock(&heard.mu);
	int n = heard.n;
	pthread_mutex_unlock(&heard.mu);
	return n;
}

struct notify_ctx {
	const char *channels[3];
	bool roll_back;
};

static int notify_tx(db *d, void *ctx)
{
	struct notify_ctx *c = ctx;
	int64_t id;
	int rc = insert_org(d, c->channels[0], &id);
	for (int i = 0; rc >= 0 && i < 3 && c->channels[i]; i++)
		rc = db_notify(d, c->channels[i]);
	if (rc < 0)
		return rc;
	return c->roll_back ? CK_E_CONFLICT : 0;
}

static void test_notify(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";
	assert_int_equal(db_notify(f->d, NULL), CK_E_INVALID);
	assert_int_equal(db_notify(f->d, ""), CK_E_INVALID);
	if (!f->e->is_pg) {
		/* One process: nothing to send, nothing to listen to. */
		struct notify_ctx c = {{"run:1", NULL, NULL}, false};
		assert_int_equal(db_tx(f->d, notify_tx, &c), 0);
		assert_int_equal(db_listen_start(f->url, on_heard, err, sizeof err), CK_E_INVALID);
		return;
	}
	heard_reset();
	assert_int_equal(db_listen_start(f->url, on_heard, err, sizeof err), 0);
	assert_int_equal(db_listen_start(f->url, on_heard, err, sizeof err), CK_E_INVALID);
	/* Sent by another connection, delivered at commit, in order. */
	struct notify_ctx c1 = {{"run:1", "run:2", NULL}, false};
	assert_int_equal(db_tx(f->d, notify_tx, &c1), 0);
	heard_wait(2);
	/* A rolled-back transaction sends nothing: the next commit's
	 * notification is the next one heard. */
	struct notify_ctx c2 = {{"gone:1", NULL, NULL}, true};
	assert_int_equal(db_tx(f->d, notify_tx, &c2), CK_E_CONFLICT);
	struct notify_ctx c3 = {{"run:3", NULL, NULL}, false};
	assert_int_equal(db_tx(f->d, notify_tx, &c3), 0);
	heard_wait(3);
	pthread_mutex_lock(&heard.mu);
	assert_string_equal(heard.got[0], "run:1");
	assert_string_equal(heard.got[1], "run:2");
	assert_string_equal(heard.got[2], "run:3");
	pthread_mutex_unlock(&heard.mu);
	/* After stop, no callback runs. */
	db_listen_stop();
	assert_int_equal(db_notify(f->d, "late:1"), 0); /* outside a tx: sent at once */
	struct timespec ts = {0, 200 * 1000 * 1000};
	nanosleep(&ts, NULL);
	assert_int_equal(heard_count(), 3);
	/* Unreachable server: a clear error, nothing started. */
	assert_int_equal(db_listen_start("postgres://citkit@127.0.0.1:1/none?connect_timeout=2",
	                                 on_heard, err, sizeof err),
	                 CK_E_DB);
	assert_non_null(strstr(err, "cannot connect"));
}

static void test_pg_listen_reconnect(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";
	heard_reset();
	assert_int_equal(db_listen_start(f->url, on_heard, err, sizeof err), 0);
	/* Cut the listener's connection as a server restart would. */
	int64_t n = 0;
	assert_int_equal(db_query_int(f->d, &n,
	                              "SELECT count(pg_terminate_backend(pid, 60000)) FROM"
	                              " pg_stat_activity WHERE application_name = 'citkit listener'"
	                              " AND pid <> pg_backend_pid()",
	                              ""),
	                 DB_ROW);
	assert_true(n >= 1);
	/* It comes back and says "wake everything" … */
	heard_wait(1);
	pthread_mutex_lock(&heard.mu);
	assert_string_equal(heard.got[0], "*");
	pthread_mutex_unlock(&heard.mu);
	/* … and hears what is sent after. */
	struct notify_ctx c = {{"run:9", NULL, NULL}, false};
	assert_int_equal(db_tx(f->d, notify_tx, &c), 0);
	heard_wait(2);
	pthread_mutex_lock(&heard.mu);
	assert_string_equal(heard.got[1], "run:9");
	pthread_mutex_unlock(&heard.mu);
	db_listen_stop();
}

/* clang-format off */
#define CASE(fn, engine) \
	cmocka_unit_test_prestate_setup_teardown(fn, case_setup, case_teardown, &engine)
/* Every case, on one engine. */
#define ALL_CASES(engine) \
	CASE(test_migrate_twice, engine), \
	CASE(test_empty_database_version, engine), \
	CASE(test_newer_schema_refused, engine), \
	CASE(test_concurrent_migrate, engine), \
	CASE(test_open_waits_for_wal_switch, engine), \
	CASE(test_open_errors, engine), \
	CASE(test_session_settings, engine), \
	CASE(test_bind_all_types, engine), \
	CASE(test_bind_errors, engine), \
	CASE(test_returning_id, engine), \
	CASE(test_constraint_errors, engine), \
	CASE(test_audit_append_only, engine), \
	CASE(test_tx_commit_and_rollback, engine), \
	CASE(test_tx_nested, engine), \
	CASE(test_tx_retries_lost_race, engine), \
	CASE(test_tx_retries_on_lock, engine), \
	CASE(test_tx_serialization, engine), \
	CASE(test_idle_check, engine), \
	CASE(test_statement_cache, engine), \
	CASE(test_statement_cache_grows, engine), \
	CASE(test_busy_time, engine), \
	CASE(test_thread_connections, engine), \
	CASE(test_backup_live, engine), \
	CASE(test_notify, engine)
/* clang-format on */

int main(void)
{
	const struct CMUnitTest sqlite_cases[] = {
	    cmocka_unit_test(test_migration_sets_match),
	    ALL_CASES(sqlite_engine),
	};
	const struct CMUnitTest pg_cases[] = {
	    ALL_CASES(pg_engine),
	    CASE(test_pg_serializable, pg_engine),
	    CASE(test_pg_reconnect, pg_engine),
	    CASE(test_pg_listen_reconnect, pg_engine),
	};
	int failed = cmocka_run_group_tests_name("db on sqlite", sqlite_cases, sqlite_group_setup,
	                                         sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("db on postgres", pg_cases, pg_group_setup,
	                                      pg_group_teardown);
	return failed ? 1 : 0;
}
