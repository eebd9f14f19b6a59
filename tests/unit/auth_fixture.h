/* auth_fixture.h: what the auth service tests share. Each case gets a
 * fresh, migrated database: a SQLite file in a temporary folder, or a
 * PostgreSQL schema of its own in CITKIT_TEST_PG_URL's database (`make
 * test` starts one with scripts/pg-test; without it the PostgreSQL group
 * fails rather than quietly not running). Time is a variable the tests
 * move (fx_advance): the services read it through the policy's clock. */
#ifndef CITKIT_TEST_AUTH_FIXTURE_H
#define CITKIT_TEST_AUTH_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/audit.h"
#include "auth/auth.h"
#include "auth/orgs.h"
#include "auth/roles.h"
#include "auth/users.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/errors.h"
#include "base/kv.h"
#include "db/db.h"

typedef struct authfx {
	bool is_pg;
	char url[2048];
	char schema[64];
	db *d;
	arena *a;
	principal sys;
} authfx;

/* 2023-11-14 22:13:20 UTC, in centiseconds. */
static int64_t fx_now_cs = 170000000000;
static bool fx_pg_group;
static char fx_dir[256];
static char fx_pg_base[1024];
static int fx_case_no;

static inline int64_t fx_clock(void)
{
	return fx_now_cs;
}

static inline void fx_advance(int64_t seconds)
{
	fx_now_cs += seconds * 100;
}

static inline int fx_sqlite_group_setup(void **state)
{
	(void)state;
	fx_pg_group = false;
	snprintf(fx_dir, sizeof fx_dir, "/tmp/citkit-test-auth.XXXXXX");
	return mkdtemp(fx_dir) ? 0 : -1;
}

static inline int fx_sqlite_group_teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx_dir);
	return system(cmd) == 0 ? 0 : -1;
}

static inline int fx_pg_group_setup(void **state)
{
	(void)state;
	const char *url = getenv("CITKIT_TEST_PG_URL");
	fx_pg_group = true;
	if (!url || !*url) {
		fprintf(stderr, "CITKIT_TEST_PG_URL is not set, so the PostgreSQL cases cannot "
		                "run: use `make test` (scripts/pg-test) or set it\n");
		return -1;
	}
	snprintf(fx_pg_base, sizeof fx_pg_base, "%s", url);
	return 0;
}

static inline int fx_pg_group_teardown(void **state)
{
	(void)state;
	return 0;
}

static inline void fx_pg_admin(const char *sql)
{
	db *a = NULL;
	char err[256];
	if (db_open(fx_pg_base, NULL, &a, err, sizeof err) < 0)
		fail_msg("cannot connect to PostgreSQL: %s", err);
	if (db_exec(a, sql) < 0)
		fail_msg("%s: %s", sql, db_errmsg(a));
	db_close(a);
}

static inline int fx_case_setup(void **state)
{
	authfx *f = calloc(1, sizeof *f);
	char err[256];
	assert_non_null(f);
	f->is_pg = fx_pg_group;
	int n = ++fx_case_no;
	if (f->is_pg) {
		char sql[300];
		snprintf(f->schema, sizeof f->schema, "ck_test_auth_%ld_%d", (long)getpid(), n);
		snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s;",
		         f->schema, f->schema);
		fx_pg_admin(sql);
		const char *sep = strchr(fx_pg_base, '?') ? "&" : "?";
		snprintf(f->url, sizeof f->url, "%s%soptions=-csearch_path%%3D%s", fx_pg_base, sep,
		         f->schema);
	} else {
		snprintf(f->url, sizeof f->url, "%s/case%d.db", fx_dir, n);
	}
	if (db_open(f->url, NULL, &f->d, err, sizeof err) < 0)
		fail_msg("db_open: %s", err);
	if (db_migrate(f->d, err, sizeof err) < 0)
		fail_msg("db_migrate: %s", err);
	assert_true(crypto_init());
	auth_policy p;
	auth_policy_defaults(&p);
	p.clock_cs = fx_clock;
	snprintf(p.issuer, sizeof p.issuer, "Pine Belt CIT");
	auth_policy_set(&p);
	fx_now_cs = 170000000000;
	f->a = arena_new();
	auth_system_principal(&f->sys, "system:test");
	*state = f;
	return 0;
}

static inline int fx_case_teardown(void **state)
{
	authfx *f = *state;
	db_close(f->d);
	arena_free(f->a);
	if (f->is_pg) {
		char sql[200];
		snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE;", f->schema);
		fx_pg_admin(sql);
	}
	free(f);
	return 0;
}

/* A kv from name, value pairs ending in NULL. */
static inline kv *fx_kv(authfx *f, ...)
{
	kv *in = arena_alloc(f->a, sizeof *in);
	va_list ap;
	kv_init(in, f->a);
	va_start(ap, f);
	for (const char *name; (name = va_arg(ap, const char *));) {
		const char *value = va_arg(ap, const char *);
		kv_add(in, name, value, strlen(value));
	}
	va_end(ap);
	return in;
}

static inline int64_t fx_org(authfx *f, const char *name, const char *kind)
{
	field_errors errs = {0};
	int64_t id = 0;
	int rc =
	    org_create(f->d, f->a, &f->sys, fx_kv(f, "name", name, "kind", kind, NULL), &id, &errs);
	if (rc < 0)
		fail_msg("org_create %s: %d %s", name, rc, errs.len ? errs.items[0].message : "");
	return id;
}

/* password may be NULL (no password: quick, no Argon2id). */
static inline int64_t fx_user(authfx *f, int64_t org_id, const char *email, const char *name,
                              const char *roles, const char *password)
{
	field_errors errs = {0};
	int64_t id = 0;
	char org_text[24];
	snprintf(org_text, sizeof org_text, "%lld", (long long)org_id);
	kv *in = fx_kv(f, "email", email, "name", name, "org_id", org_text, "roles", roles, NULL);
	if (password)
		kv_add(in, "password", password, strlen(password));
	int rc = user_create(f->d, f->a, &f->sys, in, &id, &errs);
	if (rc < 0)
		fail_msg("user_create %s: %d %s %s", email, rc, errs.len ? errs.items[0].field : "",
		         errs.len ? errs.items[0].message : "");
	return id;
}

/* The principal of a user signed in with a session (no session row). */
static inline principal fx_as(authfx *f, int64_t user_id)
{
	user u;
	assert_int_equal(user_get(f->d, f->a, &f->sys, user_id, &u), 0);
	return (principal){
	    .user_id = u.id,
	    .org_id = u.org_id,
	    .roles = u.roles,
	    .email = u.email,
	    .name = u.name,
	    .ip = "192.0.2.7",
	    .authenticated_at = fx_now_cs / 100,
	};
}

static inline int64_t fx_count(authfx *f, const char *sql)
{
	int64_t n = -1;
	if (db_query_int(f->d, &n, sql, "") != DB_ROW)
		fail_msg("%s: %s", sql, db_errmsg(f->d));
	return n;
}

static inline void fx_exec(authfx *f, const char *sql)
{
	if (db_exec(f->d, sql) < 0)
		fail_msg("%s: %s", sql, db_errmsg(f->d));
}

#endif
